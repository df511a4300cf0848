"""The bare URLs, `www.` addresses and e-mail addresses that cmark-gfm's `autolink`
extension makes links (GitHub Pages' `markdown: GFM`, or a jekyll-commonmark site that
lists it in its `extensions`), or Goldmark's `linkify` (a Hugo site's, on by default), found
in the text events pulldown-cmark reads and written as the CommonMark links that read so
(`BareLinks`, for `asread.as_read`); `autolinkrules` and `linkifyrules` say where one
starts and ends.

Never in code, math, raw HTML, a link's or an image's text (none is a text event), nor, for
a URL or www., after a `[` still open in the paragraph (autolink.c's `match`: `in_bracket`;
Goldmark's link label). A URL goes on, as cmark-gfm and Goldmark read it, over what
pulldown-cmark read apart (`*`, a code span): the edit takes that in. Emphasis typed right
against a link with a letter or a punctuation mark on its other side (`*x@y.com*s`) may read
otherwise: the link's `[` or `<` stands where a letter stood.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from feedkit.posts import linkifyrules
from feedkit.posts.autolinkrules import (
    PUNCTUATION,
    SPACE,
    email_links,
    markdown_link,
    url_at,
    www_at,
)
from feedkit.posts.events import tag_name

if TYPE_CHECKING:
    from feedkit.posts.reading import Reading

# Where a URL or www. may start, and the brackets and escapes that decide whether one can.
_MARKS = re.compile(r"www\.|://|[\[\]\\]")
# The same for Goldmark's linkify, which reads e-mail addresses in the source too.
_LINKIFY_MARKS = re.compile(r"(?:https?|ftp)://|www\.|@|[\[\]\\]")
# Inline events after which Goldmark reads on as at a line's start; not math, which Hugo
# reads as text (`$x$https://…` is no link).
_INLINE_EVENTS = {"Code", "InlineHtml", "Html", "FootnoteReference"}
_BREAK = re.compile(rb"[ \t\n\v\f\r<]")  # where a URL ends, as bytes
# Containers of text that is not read for links, and the tags that sit inside a paragraph.
_SKIPPED = {"CodeBlock", "HtmlBlock", "Link", "Image", "MetadataBlock"}
_INLINE = {"Emphasis", "Strong", "Strikethrough", "Link", "Image", "Superscript", "Subscript"}

Edit = tuple[int, int, bytes]  # source bytes [start, end) and what replaces them


class _Piece(NamedTuple):
    """One text event: its text as read, and where it is in the source (`source` before a
    backslash that escapes its first character, `at` where that character is)."""

    text: str
    source: int
    at: int
    end: int
    literal: bool  # the source from `at` is the text itself: no entity, no smart quote


class BareLinks:
    """The edits of a post's source (`data`, UTF-8) that make links of what cmark-gfm's
    autolink extension links, or with `linkify` (Hugo's `linkifyProtocol`, such as "https")
    what Goldmark's linkify does (with its `typographer` on or off), gathered from
    pulldown-cmark's events in order (`event`), complete once `finish` is called (`edits`,
    in the order of the source)."""

    def __init__(self, data: bytes, linkify: str = "", typographer: bool = False) -> None:
        self.data = data
        self.linkify = linkify
        self.typographer = typographer
        self.edits: list[Edit] = []
        self._pieces: list[_Piece] = []  # the text events read since the last other event
        self._skipped = 0  # inside code blocks, HTML blocks, links and images
        self._brackets = 0  # `[` still open in the paragraph: no URL is linked after one
        # What cmark-gfm's paragraph has before the next text: "" at its start, else None
        # (the source's character before it), "\n" after a line break.
        self._before: str | None = ""
        self._block_end = len(data)  # where the paragraph, heading or cell read ends
        self._linked = 0  # where the last link ends: a URL may take in what follows the text
        self._run = (0, 0)  # the source of the text read now
        self._escapes: dict[int, bytes] = {}  # characters beside links, written escaped

    @classmethod
    def of(cls, data: bytes, reading: Reading) -> BareLinks:
        """Return the BareLinks of the source `data` read as `reading` reads it (its
        `autolink` cmark-gfm's or Goldmark's)."""
        if reading.autolink == "goldmark":
            return cls(data, reading.linkify_protocol, reading.smart)
        return cls(data)

    def event(self, event: Any, start: int, end: int) -> None:
        """Read one event of `events_with_range` (its range `start`, `end`)."""
        if isinstance(event, dict) and "Text" in event:
            if not self._skipped:
                self._add(event["Text"], start, end)
            return
        self._flush()
        if not isinstance(event, dict):  # SoftBreak, HardBreak, Rule
            self._before = "\n"
            return
        ((key, value),) = event.items()
        if key not in ("Start", "End"):  # code, inline HTML, math, a footnote reference
            self._before = "" if self.linkify and key in _INLINE_EVENTS else None
            return
        name = tag_name(value)
        if name in _SKIPPED:
            self._skipped += 1 if key == "Start" else -1
        if name in _INLINE:
            self._before = "" if self.linkify else None
        else:  # cmark-gfm reads each paragraph, heading or cell apart
            self._brackets = 0
            self._before = ""
            if key == "Start":
                self._block_end = end

    def finish(self) -> None:
        """Read the text left at the end of the post."""
        self._flush()
        self.edits += [(at, at + 1, escaped) for at, escaped in self._escapes.items()]
        self.edits.sort(key=lambda edit: edit[0])
        kept, at = [], 0
        for edit in self.edits:  # none should overlap; were one to, the text stays as typed
            if edit[0] >= at:
                kept.append(edit)
                at = edit[1]
        self.edits = kept

    def _add(self, text: str, start: int, end: int) -> None:
        # pulldown-cmark's range for an escaped character leaves out its backslash.
        at = start
        if (
            start
            and self.data[start - 1] == 0x5C
            and text[:1] in PUNCTUATION
            and (not self._pieces or self._pieces[-1].end < start)
        ):
            start -= 1
        literal = self.data[at:end] == text.encode()
        self._pieces.append(_Piece(text, start, at, end, literal))

    def _flush(self) -> None:
        pieces, self._pieces = self._pieces, []
        if not pieces:
            return
        data, start, end = self.data, pieces[0].source, pieces[-1].end
        if self._linked >= end:  # all of it in the URL before it
            return
        self._run = (start, end)
        # cmark-gfm reads a URL in the paragraph's source, on over what pulldown-cmark read
        # apart (`*`, a code span): up to the next space or `<`, the space itself too, for
        # its domain check stops before the last character it is given.
        text = data[start:end].decode()
        raw = text
        if "://" in text or "www." in text or (self.linkify and "@" in text):
            limit = self._block_end
            while limit > end and data[limit - 1] in b" \t\n\v\f\r":
                limit -= 1
            found = _BREAK.search(data, end, limit)
            raw += data[end : found.end() if found else limit].decode()
        before = self._before
        if before is None:
            before = data[max(start - 1, 0) : start].decode(errors="replace") or "\n"
        taken = len(data[start : self._linked].decode()) if self._linked > start else 0
        spans = [(start, self._linked)] if taken else []  # not read for e-mail addresses
        read = self._linkified if self.linkify else self._urls
        for first, last, link in read(raw, len(text), taken, before):
            at = start + len(raw[:first].encode())
            spans.append((at, at + len(raw[first:last].encode())))
            self._link_at(*spans[-1], link)
            self._linked = spans[-1][1]
        if not self.linkify and any("@" in piece.text for piece in pieces):
            self._emails(pieces, spans)

    def _urls(self, raw: str, size: int, at: int, before: str) -> list[tuple[int, int, str]]:
        """Return the URLs and www. addresses that start in `raw[at:size]` (the source of
        consecutive text events, and what follows them up to a space: see `_flush`), as
        (start, end, link); `before` is the character before it, "" for none."""
        found = []
        while mark := _MARKS.search(raw, at, size):
            at = mark.start() + 1
            char = raw[mark.start()]
            if char == "[":  # `![` too: cmark-gfm's `in_bracket` counts both
                self._brackets += 1
            elif char == "]":
                self._brackets = max(self._brackets - 1, 0)
            elif char == "\\":
                at += raw[at : at + 1] in PUNCTUATION  # an escaped `[` opens nothing
            elif self._brackets:
                continue
            elif char == ":":
                url = url_at(raw, mark.start())
                if url:
                    first, at = url
                    found.append((first, at, markdown_link(raw[first:at], raw[first:at])))
            else:
                ahead = raw[mark.start() - 1] if mark.start() else before
                if ahead != "" and ahead not in SPACE and ahead not in "*_~(":
                    continue
                end = www_at(raw, mark.start())
                if end:
                    shown = raw[mark.start() : end]
                    found.append((mark.start(), end, markdown_link(shown, "http://" + shown)))
                    at = end
        return found

    def _linkified(self, raw: str, size: int, at: int, before: str) -> list[tuple[int, int, str]]:
        """Return the links Goldmark's linkify finds starting in `raw[at:size]` (as `_urls`
        takes them), e-mail addresses too, as (start, end, link)."""
        found: list[tuple[int, int, str]] = []
        floor = at  # where the text not yet in a link starts
        while mark := _LINKIFY_MARKS.search(raw, at, size):
            at = mark.start() + 1
            char = raw[mark.start()]
            if char == "[":
                self._brackets += 1
                continue
            if char == "]":
                self._brackets = max(self._brackets - 1, 0)
                continue
            if char == "\\":
                at += raw[at : at + 1] in PUNCTUATION
                continue
            if self._brackets:
                continue
            # An e-mail address starts where Goldmark tries one, before its `@`.
            starts = (
                [mark.start()]
                if char != "@"
                else linkifyrules.email_starts(raw, floor, mark.start())
            )
            for first in starts:
                if not linkifyrules.starts_here(raw, first, before, self.typographer):
                    continue
                link = linkifyrules.link_at(raw, first, self.linkify)
                if link is not None:
                    end, target = link
                    found.append((first, end, markdown_link(raw[first:end], target)))
                    at = floor = end
                    break
        return found

    def _emails(self, pieces: list[_Piece], spans: list[tuple[int, int]]) -> None:
        """Add the edits that link the e-mail addresses in the text of `pieces` (as read,
        entities and escapes too) outside the URLs at `spans` (source ranges)."""
        # Per character of the text as read: where in the source a link starting at it
        # starts, and one ending after it ends; None inside an entity, which is not cut.
        text: list[str] = []
        starts: list[int | None] = []
        ends: list[int | None] = []
        for piece in pieces:
            at = piece.at
            final = len(piece.text) - 1
            for index, char in enumerate(piece.text):
                after = at + len(char.encode())
                first = piece.source if index == 0 else at if piece.literal else None
                last = piece.end if index == final else after if piece.literal else None
                # The character's source; an entity's or a typographer's quote's, all of it.
                low = piece.source if first is None else first
                high = piece.end if last is None else last
                inside = any(a < high and low < b for a, b in spans)
                text.append("\0" if inside else char)  # a URL ends the text around it
                starts.append(first)
                ends.append(last)
                at = after
        shown = "".join(text)
        for first, last, href in email_links(shown):
            start, end = starts[first], ends[last - 1]
            if start is None or end is None:
                continue
            self._link_at(start, end, markdown_link(shown[first:last], href))

    def _link_at(self, start: int, end: int, link: str) -> None:
        """Add the edit that writes `link` for the source's [start, end), and those that
        keep what is typed beside it reading as it did: `*`, `_` or `~`, which beside `[`
        or `<` rather than a letter could open or close emphasis, escaped, as is a
        backslash before it, which would escape its first character, or a `!`, making an
        image."""
        data, (low, high) = self.data, self._run
        before = start - 1
        while before >= low and data[before] in b"*_~" and data[before - 1 : before] != b"\\":
            self._escapes[before] = b"\\" + data[before : before + 1]
            before -= 1
        after = end
        while after < high and data[after] in b"*_~":
            self._escapes[after] = b"\\" + data[after : after + 1]
            after += 1
        if before == start - 1 and start:
            first = before
            while first and data[first - 1] == 0x5C:
                first -= 1
            if data[before] == 0x5C and (start - first) % 2:
                self._escapes[before] = b"\\\\"
            elif data[before] == 0x21 and link[0] == "[" and (before - first) % 2 == 0:
                self._escapes[before] = b"\\!"
        self.edits.append((start, end, link.encode()))
