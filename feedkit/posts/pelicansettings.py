"""What feedkit reads of a Pelican site's `pelicanconf.py`, without running it: the settings
that decide which files are articles, their dates, URLs and categories, and the metadata
every article gets (DEFAULT_METADATA; FILENAME_METADATA and PATH_METADATA, which
feedkit/posts/pelicanmeta.py applies to each post). Only what is written out at the file's
top counts (feedkit/posts/pelicanread.py reads it); a setting feedkit must know but cannot
read so stops the build, naming its line.
"""

from __future__ import annotations

import ast
import os
import posixpath
import re
from collections.abc import Iterable
from datetime import datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedkit.errors import ContentError
from feedkit.posts.pelicanmeta import processed
from feedkit.posts.pelicanread import assignments, is_set, setting, strings, text_of


def default_metadata(
    configs: list[Path], root: Path, values: dict[str, ast.expr]
) -> tuple[tuple[str, Any], ...]:
    """Return the metadata a Pelican site's pelicanconf.py (its `assignments`, `values`)
    gives every article whose own does not (DEFAULT_METADATA, as Pelican 4.8's
    `default_metadata` applies it: each value processed as a header's; `category` left to
    DEFAULT_CATEGORY, and `date` to DEFAULT_DATE when set, as Pelican applies them after it).
    Raise ContentError, naming the file, for a DEFAULT_METADATA that is not a dict of text
    (or lists of text) written out: read without running the file, a `'status': 'draft'`
    in anything else would be missed, and drafts published."""
    node = values.get("DEFAULT_METADATA")
    dated = _default_date(values.get("DEFAULT_DATE"))
    if node is None:
        return (("date", dated),) if dated else ()
    try:
        given = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        given = None
    texts = (str, list, tuple)
    if not isinstance(given, dict) or not all(
        isinstance(key, str)
        and isinstance(value, texts)
        and (isinstance(value, str) or all(isinstance(each, str) for each in value))
        for key, value in given.items()
    ):
        raise _setting_error(
            configs,
            root,
            node,
            "DEFAULT_METADATA: feedkit reads pelicanconf.py without running it, and reads "
            "this setting only as a dict of text written out, e.g. {'status': 'draft'}",
        )
    meta = {
        key: value.strip() if isinstance(value, str) else [each.strip() for each in value]
        for key, value in given.items()
        if key != "category" and not (key == "date" and is_set(values.get("DEFAULT_DATE")))
    }
    if dated:
        meta["date"] = dated
    return tuple(processed(meta).items())


# Pelican's URL fields that feedkit's permalink has: {date:%Y} is {year}.
PELICAN_FIELDS = {
    "{slug}": "{slug}",
    "{date:%Y}": "{year}",
    "{date:%m}": "{month}",
    "{date:%d}": "{day}",
    "{category}": "{category}",
}


def permalink_of(url: str, fields: dict[str, str] = PELICAN_FIELDS) -> str | None:
    """Return a Pelican URL setting (ARTICLE_URL, say) as feedkit's `permalink`, with the
    `fields` given; None when it has another, which feedkit cannot fill."""
    permalink = "/" + url.lstrip("/")
    if any(field not in fields for field in re.findall(r"\{[^{}]*\}", permalink)):
        return None
    for field, ours in fields.items():
        permalink = permalink.replace(field, ours)
    return permalink


def translations(configs: list[Path], values: dict[str, ast.expr]) -> tuple[str, str]:
    """Return a Pelican site's DEFAULT_LANG (Pelican's default 'en') and, as feedkit's
    permalink with `{lang}`, the URL Pelican 4.8 gives an article whose `Lang:` is another
    (ARTICLE_LANG_URL, by default `{slug}-{lang}.html`); "" for one feedkit cannot fill."""
    lang = (setting(configs, "DEFAULT_LANG", values) or "en").strip()
    url = setting(configs, "ARTICLE_LANG_URL", values) or "{slug}-{lang}.html"
    return lang, permalink_of(url, {**PELICAN_FIELDS, "{lang}": "{lang}"}) or ""


def _default_date(node: ast.expr | None) -> str | None:
    """Return the date pelicanconf.py's DEFAULT_DATE gives every article without one, as
    Pelican 4.8 gives it: text as written, a tuple of numbers as `datetime(*DEFAULT_DATE)`;
    None for none, for 'fs' (the file's time, which feedkit dates no post by) and for one
    not written out (the article's missing date is then said, as without it)."""
    try:
        given = ast.literal_eval(node) if node is not None else None
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(given, str) and given.strip() and given != "fs":
        return given.strip()
    if isinstance(given, tuple) and 3 <= len(given) <= 7 and all(type(n) is int for n in given):
        try:
            return datetime(*given).isoformat()
        except (ValueError, OverflowError):
            return None
    return None


def _setting_error(configs: list[Path], root: Path, node: ast.expr, message: str) -> ContentError:
    """Return the error of a setting of the site's pelicanconf.py, naming its file and line."""
    config = next(path for path in configs if path.is_file())
    where = os.path.relpath(config, root).replace(os.sep, "/")
    return ContentError.single(where, getattr(node, "lineno", 0), message)


# What Pelican 4.8 reads of a post's file name and of its path in the content folder by
# default (its FILENAME_METADATA and PATH_METADATA): the date a name like 2024-01-05-x.md
# starts with.
PATH_PATTERNS = {"FILENAME_METADATA": r"(?P<date>\d{4}-\d{2}-\d{2}).*", "PATH_METADATA": ""}


def path_patterns(configs: list[Path], root: Path, values: dict[str, ast.expr]) -> tuple[str, str]:
    """Return the patterns a Pelican site's pelicanconf.py (its `assignments`, `values`) has
    Pelican match a post's file name (without its ending) and its path in the content folder
    with, for metadata in their named groups (FILENAME_METADATA, PATH_METADATA; Pelican's
    defaults when it sets none; "" for none). Raise ContentError, naming the file, for one
    that is no text written out, or no pattern: the dates and slugs it gives would be
    guessed."""
    found = []
    for name, default in PATH_PATTERNS.items():
        node = values.get(name)
        if node is None:
            found.append(default)
            continue
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str | None):
            raise _setting_error(
                configs,
                root,
                node,
                f"{name}: feedkit reads pelicanconf.py without running it, and reads this "
                r"setting only as text written out, e.g. r'(?P<date>\d{4}-\d{2}-\d{2}).*'",
            )
        pattern = node.value or ""
        try:
            re.compile(pattern)
        except re.error as exc:
            raise _setting_error(
                configs, root, node, f"{name}: not a pattern Python reads: {exc}"
            ) from None
        found.append(pattern)
    return found[0], found[1]


# Where Pelican 4.8 looks for articles and pages, and what it leaves out: its defaults.
CONTENT_PATHS = {
    "ARTICLE_PATHS": ("",),
    "ARTICLE_EXCLUDES": (),
    "PAGE_PATHS": ("pages",),
    "IGNORE_FILES": (".#*",),
}


def content_paths(
    configs: Iterable[Path], values: dict[str, ast.expr] | None = None
) -> dict[str, tuple[str, ...]]:
    """Return where a Pelican site's first `pelicanconf.py` has Pelican look for articles
    and pages (CONTENT_PATHS' settings): a list or tuple of strings at its top, else
    Pelican's default (a string too, as Pelican falls back to it then). Read, never run;
    `values`: its `assignments`, when read already."""
    values = assignments(configs) if values is None else values
    found = dict(CONTENT_PATHS)
    for name, default in CONTENT_PATHS.items():
        if name in values:
            listed = strings(values[name])
            found[name] = default if listed is None else listed
    return found


IGNORED = "not read: pelicanconf.py's IGNORE_FILES leaves it out"


def not_an_article(rel: str, paths: dict[str, tuple[str, ...]]) -> str | None:
    """Return why Pelican reads no article in the file at `rel` (in its PATH, "/" between
    the parts) where `paths` (`content_paths`) has it look, None when it reads one: outside
    its ARTICLE_PATHS, in one of its ARTICLE_EXCLUDES or PAGE_PATHS (which Pelican adds to
    them), or named by its IGNORE_FILES (a folder above too)."""
    names = rel.split("/")
    if any(fnmatchcase(name, pattern) for name in names for pattern in paths["IGNORE_FILES"]):
        return IGNORED
    pages = [page for page in paths["PAGE_PATHS"] if _under(rel, page, folder_only=True)]
    if pages:
        folder = posixpath.normpath(pages[0]).strip("/")
        return f"a page, not a post: Pelican publishes the files in {folder}/ as pages"
    if not any(_under(rel, path) for path in paths["ARTICLE_PATHS"]):
        listed = ", ".join(repr(path) for path in paths["ARTICLE_PATHS"])
        return f"not an article: pelicanconf.py's ARTICLE_PATHS ({listed}) leave it out"
    if any(_under(rel, path, folder_only=True) for path in paths["ARTICLE_EXCLUDES"]):
        return "not an article: pelicanconf.py's ARTICLE_EXCLUDES leave it out"
    return None


def _under(rel: str, path: str, folder_only: bool = False) -> bool:
    """Return True when the file at `rel` is the one at `path` or in the folder at `path`
    (every file for "", the PATH itself; `folder_only`: none, and no file by its name, as
    Pelican's excludes leave out folders only)."""
    path = posixpath.normpath(path.replace("\\", "/")).strip("/")
    if path in ("", "."):
        return not folder_only
    return rel.startswith(path + "/") or (rel == path and not folder_only)


def default_categories(values: dict[str, ast.expr]) -> tuple[bool, str]:
    """Return the category Pelican gives an article whose metadata names none, from a
    site's pelicanconf.py (its `assignments`): whether its folder's name
    (USE_FOLDER_AS_CATEGORY, Pelican's default True), and else which (DEFAULT_CATEGORY,
    Pelican's default `misc`; "" for none)."""
    folder = values.get("USE_FOLDER_AS_CATEGORY")
    use_folder = not (isinstance(folder, ast.Constant) and folder.value in (False, None, 0, ""))
    default = text_of(values.get("DEFAULT_CATEGORY"), values)
    return use_folder, ("misc" if default is None else default.strip())


def layout_settings(configs: list[Path]) -> tuple[object, ...]:
    """Return what of a Pelican site's `pelicanconf.py` decides its articles' URLs, dates and
    which are skipped (TIMEZONE, SLUGIFY_SOURCE, whether DEFAULT_DATE is set,
    DEFAULT_METADATA, DEFAULT_DATE, FILENAME_METADATA and PATH_METADATA as written, where it
    looks for articles and pages, whether a plugin reads YAML metadata, the category of an
    article that names none): the build cache
    keys on it, so a change there reads every post again."""
    from feedkit.posts.pelicanplugins import (
        RENDER_MATH,
        liquid_key,
        liquid_tags,
        uses_plugin,
        yaml_plugin,
    )

    values = assignments(configs)  # the file read once, not once a setting
    written = [values.get(name) for name in ("DEFAULT_METADATA", "DEFAULT_DATE", *PATH_PATTERNS)]
    return (
        text_of(values.get("TIMEZONE"), values),
        text_of(values.get("SLUGIFY_SOURCE"), values),
        is_set(values.get("DEFAULT_DATE")),
        [None if node is None else ast.dump(node) for node in written],
        sorted(content_paths(configs, values).items()),
        yaml_plugin(values, configs),
        uses_plugin(values, configs, RENDER_MATH),
        default_categories(values),
        liquid_key(liquid_tags(values, configs)),
    )


def timezone(
    configs: list[Path], root: Path, values: dict[str, ast.expr] | None = None
) -> ZoneInfo | None:
    """Return the zone a Pelican site reads its posts' dates in (its TIMEZONE), None when
    it names none. Raise ContentError, naming the file, for a name that is no time zone.
    `values`: its `assignments`, when read already."""
    name = setting(configs, "TIMEZONE", values)
    if not name:
        return None
    try:
        return ZoneInfo(name.strip())
    except (ValueError, ZoneInfoNotFoundError):
        config = next(path for path in configs if path.is_file())
        raise ContentError.single(
            os.path.relpath(config, root).replace(os.sep, "/"),
            0,
            f"TIMEZONE: {name!r} is not a time zone name such as 'Europe/Berlin'; set "
            "timezone in feedkit.toml instead",
        ) from None
