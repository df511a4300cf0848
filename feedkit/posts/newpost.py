"""A new post file: `feedkit new "Title"`.

The post goes where the site keeps its posts: a Jekyll site's `_posts/` as
`2024-05-01-slug.md` (made only when the content folder has no post yet: it changes which
files are posts), the content folder's `posts/` when it has one (Hugo's habit, and what
`feedkit init` makes), else the content folder itself. Its front matter is the title (YAML
quotes what needs quoting), the date and time now in the zone the build reads the site's
dates in (a Jekyll, Hugo or Pelican site's own, unless feedkit.toml names one), and tags when
asked, and for a draft `draft: true`, or on a Jekyll site `published: false`, the flag
Jekyll itself reads (it publishes a post in `_posts/` whatever its `draft:` says); on a
Pelican site they are Pelican's own header (`Title: …`, `Status: draft`); the slug
comes from the title as the build would make it from a file name, with -2, -3… when a post
file has it already.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import NamedTuple

from feedkit.config import Config
from feedkit.errors import OutputError
from feedkit.models import slugify
from feedkit.posts.posturl import JEKYLL_NAME
from feedkit.posts.walk import MARKDOWN_SUFFIXES, walk

SLUG_CHARS = 60  # a longer title is cut at a dash: file names and URLs stay readable
FALLBACK_SLUG = "post"  # for a title with no letter or digit a slug could keep


# Characters between words that the slug keeps words apart at, as Jekyll's does: "A/B
# testing" is a-b-testing, "<b>bold</b>" b-bold-b, "Vec<T>" vec-t (not ab-, bboldb, vect).
_SEPARATORS = str.maketrans("<>/\\", "    ")


def post_slug(title: str) -> str:
    """Return the slug for a post titled `title`: as the build makes one from a file name,
    with brackets and slashes between words, kept short."""
    slug = slugify(title.translate(_SEPARATORS))
    if len(slug) > SLUG_CHARS:
        cut = slug[: SLUG_CHARS + 1].rsplit("-", 1)[0]
        slug = cut if cut else slug[:SLUG_CHARS]
    return slug or FALLBACK_SLUG


class NewPlace(NamedTuple):
    """Where a new post goes and how its front matter is written (see `posts_folder`)."""

    folder: Path
    dated_name: bool  # named as Jekyll names a post in `_posts/`: `2024-05-01-slug.md`
    zone: tzinfo  # the zone the build reads the site's dates in
    jekyll: bool  # a Jekyll site's: a draft is `published: false`
    pelican: bool = False  # a Pelican site's: Pelican's own header, not YAML


def posts_folder(cfg: Config) -> NewPlace:
    """Return the folder a new post goes in, and how it is written there: where the build
    will take it for a post (sitekind.py) without taking any other file for something else
    than it does now."""
    from feedkit.posts.layout import Layout, unread_folders
    from feedkit.posts.places import Skipped

    content = cfg.content_path
    found = walk(content, stat=False, unread=unread_folders(cfg)) if content.is_dir() else []
    paths = [path for path, _ in found]
    layout = Layout(cfg, paths)
    kind = layout.kind
    # The zone of the site's dates, as the build reads a post's (postmeta.py): a Jekyll or
    # Pelican site's own, a Hugo site's timeZone, else feedkit.toml's.
    zone = layout.post.timezone or layout.hugo_timezone or cfg.timezone
    place = partial(NewPlace, zone=zone, jekyll=layout.jekyll, pelican=kind.pelican)
    if kind.within:
        return place(content, True)
    # A Jekyll site whose posts are in _posts/ (at the top, or in a category's folder), or
    # that has made one. Without one, every Markdown file of a site that is Jekyll's by its
    # _config.yml is a post (a GitHub Pages folder of posts, say): a _posts/ made for the
    # new one would make all of them pages. It is made only when no file there is a post.
    if (
        kind.posts_folder
        or (content / "_posts").is_dir()
        or (kind.jekyll and all(isinstance(layout.place(path), Skipped) for path in paths))
    ):
        return place(content / "_posts", True)
    posts = content / "posts"
    return place(posts if posts.is_dir() else content, False)


def pelican_header(title: str, when: datetime, draft: bool, tags: list[str]) -> str:
    """Return a new post's metadata as Pelican's Markdown reader reads it (`Title: …` lines,
    then a blank line): it reads no YAML without a plugin, and skips a file whose first
    line is `---` for want of a title and a date."""
    if bad := [tag for tag in tags if "," in tag]:
        raise ValueError(f"Pelican's Tags: line parts tags at commas: {bad[0]!r} cannot be one")
    text = f"Title: {title}\nDate: {when.isoformat(sep=' ')}\n"
    text += f"Tags: {', '.join(tags)}\n" if tags else ""
    return text + ("Status: draft\n" if draft else "")


def front_matter(
    title: str, when: datetime, draft: bool, tags: list[str], jekyll: bool = False
) -> str:
    """Return the YAML front matter block (with its `---` lines) of a new post; a draft's
    written as a Jekyll site's posts are kept from its pages, with `jekyll`."""
    import yaml  # PyYAML quotes what a title needs quoted: a colon, a quote, a leading dash

    def dump(value: object, flow: bool) -> str:
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=flow, width=10**6)

    # The date in ISO 8601 with its zone, as Jekyll, Hugo and feedkit read it (a YAML
    # timestamp: PyYAML would write a space for the T).
    text = dump({"title": title}, False) + f"date: {when.isoformat()}\n"
    if draft:
        text += "published: false\n" if jekyll else "draft: true\n"
    if tags:
        text += f"tags: {dump(tags, True)}"  # [a, b]
    return f"---\n{text}---\n"


def new_post(
    cfg: Config,
    title: str,
    now: datetime,
    *,
    draft: bool = False,
    tags: list[str] | None = None,
    body: str = "",
) -> Path:
    """Write a new post titled `title`, dated `now` in the site's zone, and return its path.

    An existing file is never written over: a slug a post file has already gets -2, -3…
    """
    title = " ".join(title.split())  # a title is one line
    if not title:
        raise ValueError("the title is empty")
    folder, dated_name, zone, jekyll, pelican = posts_folder(cfg)
    when = now.astimezone(zone).replace(microsecond=0)
    prefix = f"{when:%Y-%m-%d}-" if dated_name else ""
    slug = post_slug(title)
    if pelican:
        text = pelican_header(title, when, draft, list(tags or ()))
    else:
        text = front_matter(title, when, draft, list(tags or ()), jekyll)
    text += f"\n{body}\n" if body else ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        taken = _slugs_taken(folder, dated_name)
        number = 1
        while True:
            name = slug if number == 1 else f"{slug}-{number}"
            path = folder / f"{prefix}{name}.md"
            if name.casefold() not in taken:
                try:
                    with open(path, "x", encoding="utf-8", newline="\n") as out:
                        out.write(text)
                    return path
                except FileExistsError:  # made meanwhile: take the next number
                    pass
            number += 1
    except OSError as exc:
        raise OutputError(f"{exc.filename or folder}: cannot write: {exc.strerror}") from exc


def _slugs_taken(folder: Path, jekyll: bool) -> set[str]:
    """Return the slugs of the post files in `folder`, case-folded: on macOS and Windows
    `My-Post.md` and `my-post.md` are one file."""
    taken = set()
    for path in folder.iterdir():
        if not path.name.endswith(MARKDOWN_SUFFIXES):
            continue
        stem = path.stem
        named = JEKYLL_NAME.match(stem) if jekyll else None
        taken.add((named["slug"] if named else stem).casefold())
    return taken
