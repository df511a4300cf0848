"""The `feedkit` command: load config, call the stages, report. Errors become exit codes here."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from feedkit.build import plan_build, write_outputs
from feedkit.config import CONFIG_NAME, Config, load_config
from feedkit.errors import ContentError, FeedkitError, Problem
from feedkit.loader import display_path

F = TypeVar("F", bound=Callable[..., Any])

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=CONFIG_NAME,
    show_default=True,
    help="The site's feedkit.toml.",
)


def now_from_env() -> datetime:
    """Return the current time, or FEEDKIT_NOW (ISO 8601 with zone) for reproducible runs."""
    pinned = os.environ.get("FEEDKIT_NOW")
    if not pinned:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(pinned)
    except ValueError as exc:
        raise click.UsageError(f"FEEDKIT_NOW={pinned!r} is not an ISO 8601 date") from exc
    if value.tzinfo is None:
        raise click.UsageError(f"FEEDKIT_NOW={pinned!r} needs a time zone, e.g. +00:00")
    return value


def report(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


def error_boundary(func: F) -> F:
    """Turn FeedkitErrors into a message on stderr and exit 1; the traceback only with -v."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FeedkitError as exc:
            ctx = click.get_current_context()
            if ctx.find_root().params.get("verbose"):
                traceback.print_exc()
            if isinstance(exc, ContentError):
                errors = [p for p in exc.problems if not p.warning]
                report(list(exc.problems))
                noun = "problem" if len(errors) == 1 else "problems"
                click.echo(
                    f"error: {len(errors)} {noun} in the content; nothing was written", err=True
                )
            else:
                click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="feedkit")
def main(verbose: bool) -> None:
    """Feeds and an email digest from a folder of Markdown posts."""


def _load(config_path: Path) -> Config:
    return load_config(config_path)


def _counts(cfg: Config, plan_posts: int, total: int, drafts: int, future: int) -> str:
    return f"{total} posts: {plan_posts} published, {drafts} draft(s), {future} scheduled for later"


@main.command()
@config_option
@click.option("--drafts", is_flag=True, help="Include drafts (for a private preview build).")
@error_boundary
def build(config_path: Path, drafts: bool) -> None:
    """Write atom.xml, rss.xml and feed.json to the output folder."""
    cfg = _load(config_path)
    now = now_from_env()
    plan = plan_build(cfg, now, drafts=drafts)
    report(plan.warnings)
    changed = write_outputs(cfg.output_path, plan.files, cfg.cache_path)
    out = display_path(cfg.output_path, Path.cwd())
    posts = plan.loaded.posts
    click.echo(
        f"Built {len(plan.files)} files in {out}/ ({len(changed)} changed) from "
        + _counts(
            cfg,
            plan.published,
            len(posts),
            sum(p.draft for p in posts),
            sum(not p.draft and p.published > now for p in posts),
        )
    )


@main.command()
@config_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@error_boundary
def check(config_path: Path, strict: bool) -> None:
    """Validate feedkit.toml and every post, and render the feeds in memory; write nothing."""
    cfg = _load(config_path)
    now = now_from_env()
    plan = plan_build(cfg, now)
    report(plan.warnings)
    posts = plan.loaded.posts
    if strict and plan.warnings:
        click.echo(f"error: {len(plan.warnings)} warning(s) and --strict is on", err=True)
        sys.exit(1)
    click.echo(
        "OK: "
        + _counts(
            cfg,
            plan.published,
            len(posts),
            sum(p.draft for p in posts),
            sum(not p.draft and p.published > now for p in posts),
        )
    )


if __name__ == "__main__":
    main()
