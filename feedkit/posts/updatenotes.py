"""A post's own note that it was updated ("*[Updated on 12 March 2025: …]*", "**Update
(2025-03-12):**", "UPDATED: March 12, 2025"), held against the date its front matter
gives.

Feeds and the digest know a post changed by its front matter alone (`updated`, `lastmod`,
`last_modified_at`, `modified`): Atom's `<updated>`, RSS's and JSON Feed's modified date,
the digest card's "updated" line. A note added to the text without that date tells the
post's readers one thing and every feed reader another, so the posts the feeds show, as
`feedkit build` and `feedkit check` render them, get a warning naming the note's line and
the date to add. (Of a post no feed shows, that date changes nothing anyone gets.)

A note is a paragraph, list item or heading whose text opens with "Update" or "Updated"
(or "UPDATE"), or "Last updated" ("Last Updated", "LAST UPDATED"), "on" and a colon or
bracket allowed, and then a day: 2025-03-12,
12 March 2025, March 12, 2025 (months in English, whole or cut to three letters). Text in
code, HTML and other blocks is not a note. Most posts have no "Upd" at a line's start
nor "Last " (after quote, list or emphasis marks), which `may_have_note` tells without
parsing.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from feedkit.errors import Problem

if TYPE_CHECKING:
    from feedkit.models import Post
    from feedkit.posts.expand import Templates
    from feedkit.posts.reading import Reading

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(?i:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"


@cache
def _note_pattern() -> re.Pattern[str]:
    """Return the pattern of a note's text, up to its day, then no more of a word or number:
    compiled on first use (about 1 ms with its months), as most builds meet no note."""
    return re.compile(
        r"[\s\[(]*(?:(?:Last|LAST)\s+[Uu]|U)(?:pdated?|PDATED?)(?:\s+(?i:on))?\s*[:,(\u2013\u2014-]?\s*"
        rf"(?:(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})|{_DAY}\.?\s+({_MONTH})\.?,?\s+(\d{{4}})"
        rf"|({_MONTH})\.?\s+{_DAY},?\s+(\d{{4}}))(?![\w-])"
    )


@cache
def _before_pattern() -> re.Pattern[str]:
    """Return the pattern of what may stand on a line before a note's "U": indentation,
    quote and list marks, a heading's, emphasis and a bracket (compiled on first use)."""
    return re.compile(
        r"[ \t]*(?:>[ \t]*)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:#{1,6}[ \t]+)?[*_\[(]{0,4}[ \t]*"
    )


_BLOCKS = frozenset(("Paragraph", "Item", "Heading"))


def may_have_note(text: str) -> bool:
    """Return False when Markdown `text` certainly has no update note: no "Upd" or "UPD",
    nor "Last " or "LAST ", stands where a note's would, at a line's start."""
    return _opens_line(text, "U", ("Upd", "UPD")) or _opens_line(text, "L", ("Last ", "LAST "))


def _opens_line(text: str, first: str, words: tuple[str, ...]) -> bool:
    """Return True when one of `words`, each starting with the character `first`, stands
    where a note's first word would, at a line's start.

    One capital letter at a time: on the bench's 12 KB posts (text four bytes a character,
    rendered in about 490 µs) this look takes 1.5 to 3 µs, where a search for "Upd"
    took 17."""
    at = text.find(first)
    while at >= 0:
        if text.startswith(words, at):
            start = text.rfind("\n", 0, at) + 1
            if _before_pattern().fullmatch(text, start, at):
                return True
        at = text.find(first, at + 1)
    return False


def notes(text: str, options: Any) -> list[tuple[int, date]]:
    """Return the line and day of each update note of Markdown `text`, read with pyromark
    `options`."""
    from feedkit.posts.events import tag_of
    from feedkit.posts.markup import markdown

    found: list[tuple[int, date]] = []
    words: list[str] | None = None  # the open block's text so far, while it may be a note
    opened = 0
    for event, where in markdown(False, options).events_with_range(text):
        tag = tag_of(event)
        if tag is None:
            if words is None:
                continue
            if isinstance(event, dict):
                words.append(str(event.get("Text") or event.get("Code") or ""))
            else:
                words.append(" ")  # a line break
            continue
        side, name = tag
        if side == "Start" and name in _BLOCKS:
            words, opened = [], where["start"]
        elif words is not None and name not in _INLINE:
            # The block ends, or another opens in it (a list in an item): its text so far
            # is all a note could be.
            found.extend(_note(text, words, opened))
            words = None
    return found


_INLINE = frozenset(("Emphasis", "Strong", "Strikethrough", "Link", "Superscript", "Subscript"))


def _note(text: str, words: list[str], opened: int) -> list[tuple[int, date]]:
    """Return the note (line, day) that a block opened at `opened` whose text starts with
    `words` is, if it is one."""
    m = _note_pattern().match("".join(words))
    if m is None:
        return []
    iso_year, iso_month, iso_day, d1, m1, y1, m2, d2, y2 = m.groups()
    try:
        if iso_year:
            day = date(int(iso_year), int(iso_month), int(iso_day))
        elif d1:
            day = date(int(y1), _MONTHS[m1.lower()], int(d1))
        else:
            day = date(int(y2), _MONTHS[m2.lower()], int(d2))
    except ValueError:
        return []  # no such day: not taken for one
    return [(text.count("\n", 0, opened) + 1, day)]


def warnings(post: Post, body: str, reading: Reading, templates: Templates) -> list[Problem]:
    """Return a warning at the latest update note of `post`'s Markdown `body` when its day
    is after the day its front matter says it was last updated (its date, without one),
    naming the key the site's generator reads (`templates`: the site's)."""
    if not may_have_note(body):
        return []
    found = notes(body, reading.options)
    if not found:
        return []
    line, day = max(found, key=lambda note: note[1])
    # The day it was updated where the note's writer may have been: in the zone its date is
    # written in, the site's, or the one its publication date is read in (that of a date
    # without an offset). So `updated: <day>`, read there, is never an earlier time.
    from feedkit.posts.sitezone import site_zone

    updated = post.updated
    zones = (updated.tzinfo, site_zone(templates.cfg), post.published.tzinfo)
    known = max(updated.astimezone(zone).date() for zone in zones)
    if day <= known:
        return []
    given = "last updated" if post.updated != post.published else "published"
    # The day, and as written when that is of another day ("2023-08-11 18:45 -0700" is
    # the 12th in Berlin), which the front matter does not show.
    written = known.isoformat()
    if updated.date() != known:
        written += f" (written {updated.isoformat(' ', 'minutes')})"
    return [
        Problem(
            post.rel_path,
            post.body_line + line - 1,
            f"the post says it was updated on {day.isoformat()}, but its front matter says "
            f"{given} {written}: feeds and the digest go by the front matter; "
            f"add `{_key(post, templates)}: {day.isoformat()}` to it",
            warning=True,
        )
    ]


def _key(post: Post, templates: Templates) -> str:
    """Return the front matter key a post's own generator reads as its last update (feedkit
    reads each of them)."""
    if post.hugo or templates.hugo:
        return "lastmod"
    if templates.jekyll:
        return "last_modified_at"  # jekyll-feed's and jekyll-sitemap's
    return "modified" if templates.kind.pelican else "updated"
