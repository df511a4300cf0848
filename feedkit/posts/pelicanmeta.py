"""Pelican's metadata header: `Key: value` lines at the top of a Markdown file, no `---`.

The rules are Python-Markdown's meta extension, which Pelican reads them with: keys are
case-insensitive, a line indented four spaces (or a tab: Python-Markdown expands tabs to
four-column stops before the extension reads a line) continues the value above, and the
header ends at the first blank line. Of a key Pelican takes once (`ONCE`), given again or
continued, it reads the first line alone.
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from feedkit.errors import Problem
from feedkit.readonly import readonly

if TYPE_CHECKING:
    from feedkit.posts.postfile import Source

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
    return processed(
        {key: given[0] if key in ONCE else "\n".join(given).strip() for key, given in lines.items()}
    )


def processed(meta: dict[str, Any]) -> dict[str, Any]:
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
    return processed(found)


def header_warnings(src: Source, shown: str) -> list[Problem]:
    """Return the warnings of the lines of a file's header that Pelican reads otherwise than
    its writer may think (`Header`): the line that ended it, which is text, and each line
    of a key Pelican takes once after its first, which is left out."""
    found = []
    if src.text_line:
        found.append(
            Problem(
                shown,
                src.text_line,
                "ends the metadata without a blank line above it, not being 'Key: value': "
                "Pelican reads it as the post's first line of text, and so do the feeds; "
                "put a blank line above it (or write it as 'Key: value' if it is metadata)",
                warning=True,
            )
        )
    for line, key, continued in src.once_again:
        said = f"continues '{key}' on another line" if continued else f"gives '{key}' again"
        found.append(
            Problem(
                shown,
                line,
                f"{said}: Pelican reads only the first line of '{key}', and so do the "
                "feeds; this one is left out (put the whole value on that first line)",
                warning=True,
            )
        )
    return found


def error_line(header: str) -> int:
    """Return the header's line (from 1) that is neither `Key: value` nor a continuation."""
    for number, line in enumerate(header.expandtabs(TAB).split("\n"), 1):
        if line.strip() and not _KEY_LINE.match(line) and not _MORE_LINE.match(line):
            return number
    return 1


def slug(title: str) -> str:
    """Return the slug Pelican makes of a title (its `slugify` with its default
    SLUG_REGEX_SUBSTITUTIONS): no HTML tags, transliterated to ASCII as Pelican's unidecode
    does (ß "ss", ø "o", Ελληνικά "ellenika", € "EUR"; text-unidecode holds the same
    tables), lower case, `_` kept, a dash at an end kept; "" when nothing is left."""
    from text_unidecode import unidecode  # loaded for a Pelican site's URLs only

    text = html.unescape(re.sub(r"<[^>]*>", "", title))
    text = re.sub(r"[^\w\s-]", "", unidecode(unicodedata.normalize("NFKC", text)))
    return re.sub(r"[-\s]+", "-", text.strip()).lower()
