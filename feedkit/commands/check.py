"""What `feedkit check` does once its options are read, without click.

The `check` command (feedkit/commands/site.py) runs `run_check` with the options click read.
The console script runs it itself (`run_plain`) when its options are `--config FILE` and
`--strict`, as a build's are run (feedkit/commands/build.py): importing click and making
every command's options took about an eighth of a check of 1,000 posts. Anything else
goes to click. Either way the check prints, fails and exits as the command does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from feedkit.commands.build import as_command, numbers, takes_plainly
from feedkit.commands.console import QuickExit, echo, no_collections, pinned_now, report
from feedkit.config import load_config
from feedkit.errors import ConfigError
from feedkit.site.uptodate import build_options, counts_text

if TYPE_CHECKING:
    from feedkit.mail.subscribers import Subscriber


def run_check(config_path: Path, strict: bool, clock: Callable[[], datetime]) -> None:
    """Check the site of `config_path` as `feedkit check` does; `clock`: the time of the
    check (read after the config)."""
    from feedkit.i18n import language_warning, untranslated
    from feedkit.mail import digest_in_use
    from feedkit.site.build import plan_build
    from feedkit.site.cache import BuildCache
    from feedkit.site.checkcache import CheckCache, check_posts

    cfg = load_config(config_path)
    now = clock()
    # A build reads only the bodies it shows; check reads them all, and the template
    # warnings of every post, not only the feeds' entries (files unchanged since the last
    # check are not read again).
    # The feeds' entries as the last build rendered them, when their posts are as they were
    # (the build cache's, read only: a check saves none of it).
    renders = BuildCache.open(cfg)
    made: list[object] = []  # what the check made on the way, freed with this frame
    with no_collections():
        loaded, body_warnings, plan = check_posts(
            cfg,
            CheckCache.open(cfg),
            lambda loaded, choices: plan_build(
                cfg, now, loaded=loaded, choices=choices, renders=renders
            ),
            keep=made,
        )
    warnings = tuple(dict.fromkeys(plan.warnings + body_warnings))
    report(loaded.skipped)  # files that are not posts, each with the reason
    subscribers: list[Subscriber] = []
    mails = digest_in_use(cfg)
    if mails:
        from feedkit.mail.roster import readers_now
        from feedkit.mail.snapshot import card_image_warnings

        subscribers, skipped, _ = readers_now(cfg, require=False)
        warnings += tuple(skipped) + tuple(card_image_warnings(loaded.posts, now))
    if (mails or cfg.serve.url) and untranslated(cfg.language):
        warnings += (language_warning(cfg.language),)
    report(warnings)
    if mails:
        from feedkit.mail.sending import send_problems, template_problems

        if problems := send_problems(cfg, subscribers=subscribers):
            raise ConfigError(problems)  # a digest could not be sent from here
        if broken := template_problems(cfg, loaded.posts, now):  # nor made from its templates
            for problem in broken:
                echo(f"error: {problem}", err=True)
            sys.exit(1)
    if strict and warnings:
        echo(f"error: {len(warnings)} warning(s) and --strict is on", err=True)
        sys.exit(1)
    echo("OK: " + counts_text(*numbers(plan)))
    QuickExit.now()  # as a build: the cache is written, and every post need not be freed


def run_plain(args: list[str]) -> None:
    """Run `feedkit check ARGS` without click and exit as the command would, when ARGS are
    `--config FILE` and `--strict` and click would take them as given; else return, having
    done nothing."""
    options = build_options(args)  # the build's options, of which check takes two
    if options is None or options[1] or options[2] or not takes_plainly(options[0]):
        return
    config, _, _, strict = options
    as_command(lambda: run_check(Path(config), strict, pinned_now))
