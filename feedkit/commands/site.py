"""`feedkit build` and `feedkit check`: the feeds, and the posts checked."""

from __future__ import annotations

from pathlib import Path

import click

from feedkit.cli import config_option, error_boundary, main, now_from_env
from feedkit.commands.build import run_build
from feedkit.commands.check import run_check


@main.command()
@config_option
@click.option(
    "--drafts",
    is_flag=True,
    help="Put drafts in the feeds too, as hugo -D does: not a build to publish.",
)
@click.option(
    "--no-cache", is_flag=True, help="Read and render everything afresh; save a fresh cache."
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors: exit 1 and write nothing.")
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
    run_check(config_path, strict, now_from_env)
