"""`feedkit build` and `feedkit check`: the feeds, and the posts checked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from feedkit.cli import (
    QuickExit,
    config_option,
    error_boundary,
    main,
    now_from_env,
    rare_collections,
    report,
)
from feedkit.commands.build import numbers, run_build
from feedkit.commands.mail import readers_now
from feedkit.config import load_config
from feedkit.errors import ConfigError
from feedkit.site.uptodate import counts_text

if TYPE_CHECKING:
    from feedkit.mail.subscribers import Subscriber


@main.command()
@config_option
@click.option("--drafts", is_flag=True, help="Include drafts (for a private preview build).")
@click.option(
    "--no-cache", is_flag=True, help="Read and render everything afresh; save a fresh cache."
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@error_boundary
def build(config_path: Path, drafts: bool, no_cache: bool, strict: bool) -> None:
    """Write the Atom, RSS and JSON feeds ([feed] atom, rss, json) to the output folder."""
    walked = click.get_current_context().obj  # by the console script, if it walked
    run_build(config_path, drafts, no_cache, strict, walked, now_from_env)


@main.command()
@config_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@error_boundary
def check(config_path: Path, strict: bool) -> None:
    """Validate feedkit.toml and every post, and render the feeds in memory; write no feeds.

    When the site mails a digest, also check that one could be sent from here. What each
    post gave is kept in .feedkit/cache/, so the next check reads only the files that changed.
    """
    from feedkit.i18n import language_warning, untranslated
    from feedkit.mail import digest_in_use
    from feedkit.site.build import plan_build
    from feedkit.site.checkcache import CheckCache, check_posts

    cfg = load_config(config_path)
    now = now_from_env()
    # A build reads only the bodies it shows; check reads them all, and the template
    # warnings of every post, not only the feeds' entries (files unchanged since the last
    # check are not read again).
    with rare_collections():
        loaded, body_warnings, plan = check_posts(
            cfg,
            CheckCache.open(cfg),
            lambda loaded, choices: plan_build(cfg, now, loaded=loaded, choices=choices),
        )
    warnings = tuple(dict.fromkeys(plan.warnings + body_warnings))
    report(loaded.skipped)  # files that are not posts, each with the reason
    subscribers: list[Subscriber] = []
    mails = digest_in_use(cfg)
    if mails:
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
                click.echo(f"error: {problem}", err=True)
            sys.exit(1)
    if strict and warnings:
        click.echo(f"error: {len(warnings)} warning(s) and --strict is on", err=True)
        sys.exit(1)
    click.echo("OK: " + counts_text(*numbers(plan)))
    QuickExit.now()  # as a build: the cache is written, and every post need not be freed
