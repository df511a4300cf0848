"""What `feedkit digest --dry-run` does once its options are read, without click.

The `digest` command (feedkit/commands/mail.py) runs `dry_run_now` with the options click
read. The console script runs it itself (`run_plain`) when its options are `--dry-run` and
`--config FILE`, as a build's are run (feedkit/commands/build.py): importing click and
feedkit's command line, and making every command's options, took about a sixth of a dry run
at 20,000 posts. Anything else goes to click. Either way the dry run prints, fails and exits
as the command does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from feedkit.commands.build import as_command, takes_plainly
from feedkit.commands.console import QuickExit, echo, pinned_now, rare_collections, report
from feedkit.config import Config, load_config
from feedkit.errors import FeedkitError, Problem
from feedkit.site.uptodate import plain_options

if TYPE_CHECKING:
    from feedkit.mail.digest import DigestRenderer
    from feedkit.mail.dryrun import DryRunPlan


def run_plain(args: list[str]) -> None:
    """Run `feedkit digest ARGS` without click and exit as the command would, when ARGS are
    `--dry-run` and `--config FILE` and click would take them as given; else return, having
    done nothing."""
    plain = plain_options(args, ("--dry-run",))
    if plain is None or not plain[1] or not takes_plainly(plain[0]):
        return
    as_command(lambda: run_dry_run(Path(plain[0]), pinned_now))


def run_dry_run(config_path: Path, clock: Callable[[], datetime]) -> None:
    """Dry-run the digest of the site of `config_path` as `feedkit digest --dry-run` does;
    `clock`: the time of the run (read after the config)."""
    with rare_collections():  # as the command's: the post index's rows live to the end
        cfg = load_config(config_path)
        dry_run_now(cfg, clock(), 0)
    QuickExit.now()  # as a build: what it keeps is written, and every row need not be freed


def dry_run_now(cfg: Config, now: datetime, send_latest: int) -> None:
    """Print what a digest run would do now, changing nothing.

    When it pays (feedkit/mail/dryrun.py), the posts are read and the run planned in a
    forked child while this process loads the renderer, premailer included. Problems are
    reported in the order of a plain run: the posts', the readers', the templates'."""
    from feedkit.mail.dryrun import dry_run_report, render_beside_reading
    from feedkit.mail.rendercache import RenderCache
    from feedkit.parallel import in_parallel

    render_cache = RenderCache.of_site(cfg.cache_path)
    beside = render_beside_reading(cfg, render_cache)

    def load_renderer() -> DigestRenderer | FeedkitError:
        from feedkit.mail.digest import DigestRenderer

        try:
            renderer = DigestRenderer(cfg, sample_links=True, render_cache=render_cache)
        except FeedkitError as exc:  # said after the posts' problems, as in a plain run
            return exc
        if beside:
            renderer.warm_up(now)
        return renderer

    plan_now = partial(_plan_dry_run, cfg, now, send_latest)
    if beside:
        renderer, (warnings, planned) = in_parallel(load_renderer, plan_now)
    else:
        warnings, planned = plan_now()
        renderer = load_renderer()
    report(warnings)
    if isinstance(planned, FeedkitError):
        raise planned
    skipped, plan, changes = planned
    report(skipped)
    if isinstance(renderer, FeedkitError):
        raise renderer
    echo(dry_run_report(cfg, plan, renderer))
    if changes is not None:
        echo(changes)


def _plan_dry_run(
    cfg: Config, now: datetime, send_latest: int
) -> tuple[tuple[Problem, ...], tuple[list[Problem], DryRunPlan, str | None] | FeedkitError]:
    """Return the posts' warnings and, unless it failed, the readers' problems, the dry
    run's plan and what subscribers.csv would change (None: no such file)."""
    from feedkit.mail.dryrun import plan_dry_run
    from feedkit.mail.roster import readers_now, readonly_state
    from feedkit.site.postindex import read_index, reader_cache

    index = read_index(cfg, reader_cache(cfg), now)  # only changed files are read
    try:
        public = index.public(now)  # each post read in full only if the digest shows it
        subscribers, skipped, changes = readers_now(cfg)
        with readonly_state(cfg.path(cfg.digest.state)) as readonly:
            plan = plan_dry_run(cfg, readonly, public, subscribers, now, send_latest)
    except FeedkitError as exc:  # said after the posts' warnings, as in a plain run
        return index.warnings, exc
    return index.warnings, (skipped, plan, changes.summary() if changes is not None else None)
