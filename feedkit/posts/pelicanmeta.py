"""Pelican's metadata header: `Key: value` lines at the top of a Markdown file, no `---`.

The rules are Python-Markdown's meta extension, which Pelican reads them with: keys are
case-insensitive, a line indented four spaces (or a tab: Python-Markdown expands tabs to
four-column stops before the extension reads a line) continues the value above, and the
header ends at the first blank line. Of a key Pelican takes once (`ONCE`), given again or
continued, it reads the first line alone.
"""

from __future__ import annotations

import ast
import html
import os
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedkit.errors import ContentError
from feedkit.readonly import readonly

FORMAT = "Pelican"
_KEY_LINE = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*)$")
_MORE_LINE = re.compile(r"^[ ]{4,}(.*)$")
# Lists Pelican splits: by ';' when there is one (names with commas), else by ','.
_LISTS = ("tags", "authors")
# What Pelican 4.8 discards when empty (its METADATA_PROCESSORS' _DISCARD): as if not written.
_DISCARDED_EMPTY = ("slug", "status", "author", "authors", "tags", "category")
# The keys Pelican 4.8 takes once (its readers' DUPLICATES_DEFINITIONS_ALLOWED): of one given
# again, or continued on the lines below it, it reads the first line alone, with a warning.
ONCE = frozenset("tags date modified status category author authors save_as url slug".split())
TAB = 4  # Python-Markdown's tab_length: a line's tabs are expanded to its stops first


# The meta extension's lines that open and close a block (BEGIN_RE, END_RE), which it
# matches at a line's start only: `---` opens it, `---` or `...` closes it, text after them too.
_OPENING = re.compile(r"-{3}(?:\s.*)?")
_CLOSING = re.compile(r"(?:-{3}|\.{3})(?:\s.*)?")


@readonly(slots=True)  # never compared
class Header:
    """Where Pelican's metadata is in a file, as Python-Markdown's meta extension finds it."""

    start: int  # where its first `Key: value` line starts (after a `---` line)
    end: int  # where its last line ends (after its line end)
    body_start: int  # where the post's text starts
    # The line (from 1) that ended it without a blank line above, no `Key: value`, which
    # Pelican reads as the post's first line of text; 0 when a blank or closing line did.
    text_line: int = 0
    # The lines (from 1) of a key in `ONCE` after its first, left out: each with the key, and
    # True for a line that continues it, False for one that gives it again.
    once_again: tuple[tuple[int, str, bool], ...] = ()


def opens_block(first: str) -> bool:
    """Return True when a file's first line is one Pelican's Markdown reader drops before
    reading metadata (`---`, `---` and text after it, `----`)."""
    return _OPENING.match(first) is not None


def header(text: str) -> Header | None:
    """Return where Pelican reads metadata in `text`, as Python-Markdown 3.4's meta
    extension does: after a first line `---` if there is one, `Key: value` lines (and lines
    indented four spaces that continue them) up to a blank line, a `---` or `...` line
    (dropped, both), or a line that is neither (the text's first). None when there is none."""
    pos = 0
    first_end = text.find("\n")
    if opens_block(text if first_end < 0 else text[:first_end]):
        pos = len(text) if first_end < 0 else first_end + 1
    start = pos
    number = text.count("\n", 0, pos) + 1  # of the line at `pos`
    key = ""  # the key of the last `Key: value` line, if any
    seen: set[str] = set()  # the keys in ONCE given so far
    again: list[tuple[int, str, bool]] = []
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        line = text[pos:end].rstrip("\n").expandtabs(TAB)
        if not line.strip() or _CLOSING.match(line):
            return Header(start, pos, end, 0, tuple(again)) if key else None
        if pair := _KEY_LINE.match(line):
            key = pair[1].lower()
            if key in seen:
                again.append((number, key, False))
            elif key in ONCE:
                seen.add(key)
        elif key and _MORE_LINE.match(line):
            if key in ONCE:
                again.append((number, key, True))
        else:
            return Header(start, pos, pos, number, tuple(again)) if key else None
        pos = end
        number += 1
    return Header(start, pos, pos, 0, tuple(again)) if key else None


def header_end(text: str) -> int:
    """Return where the body starts (after the header and its blank line), or -1 when the
    text does not start with a `Key: value` line."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if not _KEY_LINE.match(first):
        return -1
    blank = re.search(r"\n[ \t]*\n", text)
    if blank is None:
        return len(text)
    return blank.end()


def load(header: str) -> dict[str, Any]:
    """Return the header's mapping: keys lower-cased, values text, as Pelican reads them
    (`tags` and `authors` as lists, `category` one name): of a key in `ONCE`, its first
    line; of any other, its lines joined, as Pelican joins a summary's."""
    lines: dict[str, list[str]] = {}
    key = ""
    for line in header.expandtabs(TAB).split("\n"):
        if not line.strip():
            continue
        more = _MORE_LINE.match(line)
        if more and key:
            lines[key].append(more[1].strip())
            continue
        pair = _KEY_LINE.match(line)
        if pair is None:
            raise ValueError(f"{line.strip()!r} is not a 'Key: value' line")
        key = pair[1].lower()
        lines.setdefault(key, []).append(pair[2].strip())
    return _processed(
        {key: given[0] if key in ONCE else "\n".join(given).strip() for key, given in lines.items()}
    )


def _processed(meta: dict[str, Any]) -> dict[str, Any]:
    """Return `meta` (text values) as Pelican's METADATA_PROCESSORS leave it: empty values
    that are as if not written gone, `tags` and `authors` lists, `category` one name."""
    for name in _DISCARDED_EMPTY:  # `Slug:` with no value: as if not written, as in Pelican
        if isinstance(meta.get(name), str) and not meta[name].strip():
            del meta[name]
    for name in _LISTS:
        if isinstance(meta.get(name), str):
            value = meta[name]
            parts = value.split(";") if ";" in value else value.split(",")
            meta[name] = [part.strip() for part in parts if part.strip()]
    if isinstance(meta.get("category"), str):
        meta["category"] = [meta["category"]] if meta["category"] else []
    return meta


def default_metadata(
    configs: list[Path], root: Path, values: dict[str, ast.expr]
) -> tuple[tuple[str, Any], ...]:
    """Return the metadata a Pelican site's pelicanconf.py (its `assignments`, `values`)
    gives every article whose own does not (DEFAULT_METADATA, as Pelican 4.8's
    `default_metadata` applies it: each value processed as a header's; `category` and, when
    DEFAULT_DATE is set, `date` left to those settings, which Pelican applies after it).
    Raise ContentError, naming the file, for a DEFAULT_METADATA that is not a dict of text
    (or lists of text) written out: read without running the file, a `'status': 'draft'`
    in anything else would be missed, and drafts published."""
    node = values.get("DEFAULT_METADATA")
    if node is None:
        return ()
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
        if key != "category" and not (key == "date" and _set(values.get("DEFAULT_DATE")))
    }
    return tuple(_processed(meta).items())


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


def path_metadata(patterns: tuple[str, ...], path: str, content: str) -> dict[str, Any]:
    """Return what Pelican 4.8 reads of an article's file name and path (`parse_path_metadata`):
    the named groups of `patterns` (FILENAME_METADATA's matched at the start of its name
    without the ending, PATH_METADATA's at the start of its path in the folder `content`),
    a key the first gives not taken from the second, processed as its header's values."""
    found: dict[str, Any] = {}
    name = os.path.splitext(os.path.basename(path))[0]
    for pattern, data in zip(patterns, (name, None), strict=True):
        if not pattern:
            continue
        if data is None:  # its path in the content folder, as Pelican writes it
            data = os.path.relpath(path, content).replace(os.sep, "/")
        if data and (match := re.match(pattern, data)):
            for key, value in match.groupdict().items():
                if value is not None and key.lower() not in found:
                    found[key.lower()] = value
    return _processed(found)


def error_line(header: str) -> int:
    """Return the header's line (from 1) that is neither `Key: value` nor a continuation."""
    for number, line in enumerate(header.expandtabs(TAB).split("\n"), 1):
        if line.strip() and not _KEY_LINE.match(line) and not _MORE_LINE.match(line):
            return number
    return 1


def slug(title: str) -> str:
    """Return the slug Pelican makes of a title (its `slugify` with its default
    SLUG_REGEX_SUBSTITUTIONS): no HTML tags, accents dropped, lower case, `_` kept; "" when
    nothing is left (Pelican transliterates other scripts, which feedkit does not)."""
    text = html.unescape(re.sub(r"<[^>]*>", "", title))
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    text = re.sub(r"[^\w\s-]", "", text.encode("ascii", "ignore").decode("ascii"))
    return re.sub(r"[-\s]+", "-", text.strip()).lower().strip("-")


def assignments(configs: Iterable[Path]) -> dict[str, ast.expr]:
    """Return what the first of a Pelican site's `pelicanconf.py` files that Python can read
    assigns to each name at its top, the last assignment of each, as when Python runs it:
    the file is read, never run. Empty without one."""
    for config in configs:
        try:
            tree = ast.parse(config.read_bytes())
        except (OSError, SyntaxError, ValueError):
            continue
        found: dict[str, ast.expr] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = node.value
        return found
    return {}


def setting(
    configs: Iterable[Path], name: str, values: dict[str, ast.expr] | None = None
) -> str | None:
    """Return the text the first of a Pelican site's `pelicanconf.py` files sets `name` to
    (SLUGIFY_SOURCE, TIMEZONE), None when it sets none: only a string assigned at its top
    counts (see `assignments`; `values`: them, when read already)."""
    return _text((assignments(configs) if values is None else values).get(name))


def _text(value: ast.expr | None) -> str | None:
    """Return the string `value` is written as, None for anything else."""
    return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None


def _set(value: ast.expr | None) -> bool:
    """Return whether `value` is assigned at all, and as anything but None."""
    return value is not None and not (isinstance(value, ast.Constant) and value.value is None)


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
            strings = _strings(values[name])
            found[name] = default if strings is None else strings
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


def _strings(value: ast.expr) -> tuple[str, ...] | None:
    """Return the strings a list or tuple written out holds, None for any other value."""
    if not isinstance(value, ast.List | ast.Tuple):
        return None
    strings = [
        item.value
        for item in value.elts
        if isinstance(item, ast.Constant) and isinstance(item.value, str)
    ]
    return tuple(strings) if len(strings) == len(value.elts) else None


def assigned(configs: Iterable[Path], name: str, values: dict[str, ast.expr] | None = None) -> bool:
    """Return True when the first of a Pelican site's `pelicanconf.py` files sets `name` at
    its top to anything but None (DEFAULT_DATE: `'fs'`, a tuple). Read, never run;
    `values`: its `assignments`, when read already."""
    return _set((assignments(configs) if values is None else values).get(name))


# A plugin that reads a `---` block as YAML (pelican-plugins' yaml-metadata, as
# "yaml_metadata", "pelican.plugins.yaml_metadata", or its package's "pelican-yaml-metadata";
# the older "yamlmetadata").
_YAML_PLUGIN = re.compile(r"yaml[_-]?metadata", re.IGNORECASE)


def yaml_plugin(values: dict[str, ast.expr]) -> bool:
    """Return True when a Pelican site's pelicanconf.py (its `assignments`) names a YAML
    metadata plugin in its PLUGINS: then a post's `---` block is YAML, not Pelican's
    `Key: value` lines."""
    plugins = _strings(values["PLUGINS"]) if "PLUGINS" in values else None
    return any(_YAML_PLUGIN.search(name) for name in plugins or ())


def default_categories(values: dict[str, ast.expr]) -> tuple[bool, str]:
    """Return the category Pelican gives an article whose metadata names none, from a
    site's pelicanconf.py (its `assignments`): whether its folder's name
    (USE_FOLDER_AS_CATEGORY, Pelican's default True), and else which (DEFAULT_CATEGORY,
    Pelican's default `misc`; "" for none)."""
    folder = values.get("USE_FOLDER_AS_CATEGORY")
    use_folder = not (isinstance(folder, ast.Constant) and folder.value in (False, None, 0, ""))
    default = _text(values.get("DEFAULT_CATEGORY"))
    return use_folder, ("misc" if default is None else default.strip())


def layout_settings(configs: list[Path]) -> tuple[object, ...]:
    """Return what of a Pelican site's `pelicanconf.py` decides its articles' URLs, dates and
    which are skipped (TIMEZONE, SLUGIFY_SOURCE, whether DEFAULT_DATE is set,
    DEFAULT_METADATA, FILENAME_METADATA and PATH_METADATA as written, where it
    looks for articles and pages, whether a plugin reads YAML metadata, the category of an
    article that names none): the build cache
    keys on it, so a change there reads every post again."""
    values = assignments(configs)  # the file read once, not once a setting
    written = [values.get(name) for name in ("DEFAULT_METADATA", *PATH_PATTERNS)]
    return (
        _text(values.get("TIMEZONE")),
        _text(values.get("SLUGIFY_SOURCE")),
        _set(values.get("DEFAULT_DATE")),
        [None if node is None else ast.dump(node) for node in written],
        sorted(content_paths(configs, values).items()),
        yaml_plugin(values),
        default_categories(values),
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
