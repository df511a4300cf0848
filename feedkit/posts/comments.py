"""An HTML comment left open: opened and never closed (`<!-- draft note`, with no `-->` after
it), at the start of a block or after one closed on the same line (`<!-- a --> b <!-- c`).

CommonMark (pulldown-cmark, Hugo's Goldmark, cmark-gfm) reads a line that starts with `<!--`
as an HTML block that ends only at a line holding `-->` (or with the quote or list item it is
in), and passes the block on as written. Whatever follows a `<!--` that no later HTML closes,
to the end of the post, is then the comment, which no feed and no page shows. kramdown and
Python-Markdown read such a `<!--` as text and go on with the next line as ever: a Jekyll or
Pelican post is read so (`as_text`). For every other reading, `feedkit check` and `feedkit
build` say where the comment opens and how much of the post it hides (`warnings`).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Any

from feedkit.errors import Problem
from feedkit.posts.edits import edited
from feedkit.posts.pairs import find

if TYPE_CHECKING:
    from feedkit.models import Post
    from feedkit.posts.reading import Reading


def read_as_text(reading: Reading) -> bool:
    """Return whether `reading` reads a comment left open as text (kramdown's, a Jekyll
    site's, and Python-Markdown's, a Pelican site's), not as one that hides the rest."""
    return reading.kramdown_math or reading.python_markdown


def may_be_unclosed(text: str) -> bool:
    """Return False when no HTML comment in `text` can be left open: a quick look. A comment
    block left open has no `-->` after its `<!--` before the next `<!--` (one that ends with
    the quote or list item it is in may have one further on)."""
    at = find(text, "<!--")
    while at >= 0:
        following = find(text, "<!--", at + 4)
        close = text.find("-->", at + 2)
        if close < 0 or 0 <= following < close:
            return True
        at = following
    return False


def unclosed(text: str, options: Any) -> list[tuple[int, int]]:
    """Return where each HTML block of Markdown `text` that opens a comment and holds no
    `-->` is, as pulldown-cmark reads `text` with `options`: (start, end) in UTF-8 bytes,
    from its `<!--` to the end of the block."""
    if not may_be_unclosed(text):
        return []
    from feedkit.posts.markup import markdown

    data = text.encode()
    found = []
    for event, where in markdown(False, options).events_with_range(text):
        if isinstance(event, dict) and event.get("Start") == "HtmlBlock":
            start, end = where["start"], where["end"]
            if data.startswith(b"<!--", start) and data.find(b"-->", start + 2, end) < 0:
                found.append((start, end))
    return found


def html_comments(text: str, options: Any) -> list[tuple[int, int]]:
    """Return each `<!--` of an HTML comment that its own line does not close, in the HTML
    pulldown-cmark (with `options`) passes on from Markdown `text` as written, with where the
    next `-->` of that HTML starts, -1 for none (a `-->` in text or code is written `--&gt;`,
    and closes nothing): (start, end) in UTF-8 bytes. The HTML of `<script>`, `<style>` and
    `<textarea>` holds no comments."""
    if not may_be_unclosed(text):
        return []
    from feedkit.posts.markup import markdown

    data = text.encode()
    openers: list[int] = []
    closers: list[int] = []  # where each `-->` of the HTML starts, in order
    raw_text = False
    for event, where in markdown(False, options).events_with_range(text):
        if not isinstance(event, dict):
            continue
        start, end = where["start"], where["end"]
        if event.get("Start") == "HtmlBlock":
            raw_text = data[start : start + 10].lower().startswith(_RAW_TEXT)
        elif ("Html" in event or "InlineHtml" in event) and not raw_text:
            at = data.find(b"<!--", start, end)
            while at >= 0:
                if not data.startswith((b"<!-->", b"<!--->"), at):  # closed as it opens
                    openers.append(at)
                at = data.find(b"<!--", at + 4, end)
            at = start
            while (close := _closer(data, at, end)) >= 0:
                closers.append(close)
                at = close + 3
    found = []
    for at in openers:
        following = bisect_left(closers, at + 4)
        close = closers[following] if following < len(closers) else -1
        if data.rfind(b"\n", 0, close) > at or close < 0:  # not on its own line
            found.append((at, close))
    return found


def _closer(data: bytes, start: int, end: int) -> int:
    """Return where the first `-->` (or `--!>`, as HTML reads it) in data[start:end] is."""
    found = [at for closer in (b"-->", b"--!>") if (at := data.find(closer, start, end)) >= 0]
    return min(found, default=-1)


_RAW_TEXT = (b"<script", b"<style", b"<textarea")


def as_text(text: str, reading: Reading) -> str:
    """Return Markdown `text` with the `<` of each comment `unclosed` finds written `&lt;`,
    so that the line reads as text, where `reading` reads it so (`read_as_text`); in a
    Pelican site's post, that of a comment left open after one closed on its line too
    (`html_comments`), as Python-Markdown reads it."""
    if "<!--" not in text or not read_as_text(reading):
        return text
    starts = {start for start, _ in unclosed(text, reading.options)}
    if reading.python_markdown:
        starts.update(at for at, close in html_comments(text, reading.options) if close < 0)
    if not starts:
        return text
    return edited(text.encode(), [(start, start + 1, b"&lt;") for start in sorted(starts)])


def warnings(post: Post, text: str, reading: Reading) -> list[Problem]:
    """Return a warning, at its line, for each comment in a post's body `text` that hides
    lines below its own, which are left out of feeds: one nothing closes (`html_comments`),
    to the end of the post, and one that opens a block nothing in the block closes (`unclosed`:
    the block ended with its quote or list item), to the `-->` that closes it; none where
    `reading` reads such a comment as text (`as_text`)."""
    if "<!--" not in text or read_as_text(reading):
        return []
    comments = html_comments(text, reading.options)
    data = text.encode() if comments else b""
    cut_short = {start for start, _ in unclosed(text, reading.options)} if comments else set()
    found = []
    for start, close in comments:
        if close >= 0 and start not in cut_short:  # a section commented out: meant so
            continue
        line_end = data.find(b"\n", start, close if close >= 0 else len(data))
        below = data[line_end + 1 : close if close >= 0 else len(data)] if line_end >= 0 else b""
        hidden = sum(1 for row in below.split(b"\n") if row.strip(b" \t>"))  # lines with text
        if not hidden:  # the comment's own line alone: nothing else is lost
            continue
        line = post.body_line + data.count(b"\n", 0, start)
        found.append(
            Problem(
                post.rel_path,
                line,
                f"<!-- opens an HTML comment that is never closed: the {hidden} line(s) "
                "below it are in the comment and left out of feeds; end it with -->, or "
                "write &lt;!-- to show it",
                warning=True,
            )
        )
    return found
