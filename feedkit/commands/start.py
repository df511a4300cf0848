"""`feedkit init`, `feedkit new` and `feedkit templates`: a new site, a new post, the email
templates to edit."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from feedkit.cli import (
    FeedkitGroup,
    config_option,
    error_boundary,
    group_verbose,
    main,
    now_from_env,
)
from feedkit.config import CONFIG_NAME, load_config
from feedkit.errors import ConfigError
from feedkit.shown import display_path

if TYPE_CHECKING:
    pass


# What `feedkit init` asks for, by the settings feedkit.toml names them.
_INIT_OPTIONS = {
    "title": "--title",
    "base_url": "--url",
    "author.name": "--author",
    "author.email": "--email",
    "digest.from": "--email",
    "timezone": "--timezone",
    "language": "--language",
    "description": "--description",
}


def _ask(value: str | None, option: str, question: str) -> str:
    """Return `value`, or ask for it on a terminal; without one, a usage error names the
    option (cron, CI and scripts get no prompt to hang on)."""
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise click.UsageError(f"missing {option} (or run feedkit init in a terminal to be asked)")
    answer: str = click.prompt(question)
    return answer


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--title", help="The blog's title (default: a Jekyll, Hugo or Pelican site's own).")
@click.option("--url", "base_url", help="Where the blog's pages are: https://blog.example.org/")
@click.option("--author", help="The author's name (default: asked, or the title).")
@click.option("--email", default=None, help="The author's address, also the digest's sender.")
@click.option("--timezone", help="An IANA zone: Europe/Berlin (default: UTC, or the site's own).")
@click.option(
    "--language",
    help="The posts' language, a tag such as en, de-AT or pt-BR: digests and sign-up pages "
    "speak it where feedkit has its words (en, de, es, fr). Default: en, or the site's own.",
)
@click.option("--description", default=None, help="What the blog is about, for feed readers.")
@error_boundary
def init(
    folder: Path,
    title: str | None,
    base_url: str | None,
    author: str | None,
    email: str | None,
    timezone: str | None,
    language: str | None,
    description: str | None,
) -> None:
    """Start a site in FOLDER: a commented feedkit.toml, the content folder, a first post.

    In a folder that holds a Jekyll, Hugo or Pelican site, feedkit.toml reads the posts
    where they are, and takes the title, URL and author its configuration gives; the feed
    IDs and address stay the old generator's; no post is written.

    \b
    Example:
      feedkit init myblog --title "Notes" --url https://notes.example.org/ --author "Ada"
    """
    from feedkit.posts.newpost import new_post
    from feedkit.posts.oldsite import find_old_site
    from feedkit.scaffold import SiteAnswers, init_site, refuse_a_site_here

    refuse_a_site_here(folder)  # said before anything is asked, not after
    old = find_old_site(folder) if folder.is_dir() else None
    if old is not None:
        title = title if title is not None else old.title or None
        base_url = base_url if base_url is not None else old.base_url or None
        author = author if author is not None else old.author or None
        for key, why in old.refused:
            click.echo(f"note: {why}; feedkit.toml leaves out {key} or asks for it", err=True)
    title = _ask(title, "--title", "Blog title")
    base_url = _ask(base_url, "--url", "Blog URL (https://…)")
    if old is not None and old.base_path and old.base_path not in urlsplit(base_url).path:
        click.echo(
            f"note: {old.config}: its baseurl puts the pages under /{old.base_path}/, which "
            f"--url {base_url} leaves out: every link would lead elsewhere; give --url with "
            f"it (…/{old.base_path}/) if that is where the posts are",
            err=True,
        )
    if author is None:
        author = click.prompt("Author", default=title) if sys.stdin.isatty() else title
    answers = SiteAnswers(
        title,
        base_url,
        author,
        email if email is not None else old.email if old else "",
        timezone if timezone is not None else "" if old else "UTC",
        language or (old.language if old and old.language else "en"),
        description if description is not None else old.description if old else "",
    )
    if old is not None:
        answers = replace(
            answers,
            content_dir=old.content_dir,
            permalink=old.permalink,
            generator=old.name,
            generator_config=old.config,
            feed=old.feed,
            unfollowed=bool(old.unfollowed),
            limit=old.limit,
            summaries_only=old.summaries_only,
            output_dir=old.output_dir,
        )
    try:
        cfg = init_site(folder, answers)
    except ConfigError as exc:
        key, message = exc.problems[0]
        raise click.UsageError(f"{_INIT_OPTIONS.get(key, key)}: {message}") from None
    shown = display_path(folder.resolve(), Path.cwd())
    if old is not None:
        if old.unfollowed:
            click.echo(f"warning: {old.unfollowed}", err=True)
        for early in old.early:
            click.echo(
                f"note: {old.config}: {early}; feedkit's feeds and digests carry a post from "
                "its date until it expires, and no draft (a mail sent cannot be taken back)",
                err=True,
            )
        for unwritten in old.unwritten:
            click.echo(
                f"note: {old.config}: {unwritten}: readers subscribed to one get nothing new "
                "from feedkit (tag_feeds = true writes a feed per tag in tags/<tag>/ instead)",
                err=True,
            )
        click.echo(f"Found a {old.name} site ({old.config}) in {shown}/; wrote:")
        click.echo(f"  {display_path(cfg.root / CONFIG_NAME, Path.cwd())}")
        click.echo(
            f'Its posts are read where they are (content_dir = "{old.content_dir}"); '
            "no post was written."
        )
        click.echo("Next: feedkit check, then feedkit build.")
        return
    first = new_post(cfg, FIRST_POST_TITLE, now_from_env(), tags=["meta"], body=FIRST_POST)
    click.echo(f"Started a site in {shown}/:")
    for path in (cfg.root / CONFIG_NAME, first):
        click.echo(f"  {display_path(path, Path.cwd())}")
    click.echo('Next: feedkit new "A title", then feedkit build.')


FIRST_POST_TITLE = "Hello, world"

FIRST_POST = """\
This is the first post. Posts are Markdown files with front matter in the content folder;
`feedkit new "A title"` starts the next one, `feedkit build` writes the Atom, RSS and JSON
feeds, and `feedkit preview` shows them and the next email digest as readers will get them."""


@main.command()
@config_option
@click.argument("title")
@click.option("--draft", is_flag=True, help="Mark it a draft: no feed or digest shows it.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for more).")
@error_boundary
def new(config_path: Path, title: str, draft: bool, tags: tuple[str, ...]) -> None:
    """Write a new post titled TITLE, dated now in the site's time zone; print its path.

    \b
    Example:
      feedkit new "Rounding to nearest even" --tag numerics --draft
    """
    from feedkit.posts.newpost import new_post

    if not title.strip():
        raise click.UsageError("TITLE is empty")
    cfg = load_config(config_path)
    try:
        path = new_post(cfg, title, now_from_env(), draft=draft, tags=list(tags))
    except ValueError as exc:  # a tag that the site's header cannot hold
        raise click.UsageError(f"--tag: {exc}") from exc
    click.echo(f"Wrote {display_path(path, Path.cwd())}" + (" (a draft)" if draft else ""))


@main.group(cls=FeedkitGroup)
@group_verbose
def templates() -> None:
    """The email templates: feedkit's own, or the site's copies of them to edit."""


@templates.command("copy")
@config_option
@click.option("--force", is_flag=True, help="Replace templates the site has changed.")
@error_boundary
def templates_copy(config_path: Path, force: bool) -> None:
    """Copy feedkit's email templates into the site's templates folder, to edit.

    A template the site has changed is kept unless --force is given.
    """
    from feedkit.scaffold import copy_templates

    cfg = load_config(config_path)
    done = copy_templates(cfg, replace=force)
    for path, what in done:
        note = " (the site's own differs; --force replaces it)" if what == "kept" else ""
        click.echo(f"{what:>9}  {display_path(path, Path.cwd())}{note}")
