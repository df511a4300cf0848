"""An HTML comment opened at the start of a block and never closed (`<!-- draft note`, with no
`-->` after it).

CommonMark (pulldown-cmark, Hugo's Goldmark, cmark-gfm) reads a line that starts with `<!--`
as an HTML block that ends only at a line holding `-->`: with none, everything below it, to
the end of the post (or of the quote or list item it is in), is the comment, which no feed
and no page shows. kramdown and Python-Markdown read such a `<!--` as text and go on with
the next line as ever: a Jekyll or Pelican post is read so (`as_text`). For every other
reading, `feedkit check` and `feedkit build` say where the comment opens and how much of the
post it hides (`warnings`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from feedkit.errors import Problem
from feedkit.posts.edits import edited

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
    at = text.find("<!--")
    while at >= 0:
        following = text.find("<!--", at + 4)
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


def as_text(text: str, reading: Reading) -> str:
    """Return Markdown `text` with the `<` of each comment `unclosed` finds written `&lt;`,
    so that the line reads as text, where `reading` reads it so (`read_as_text`)."""
    if "<!--" not in text or not read_as_text(reading):
        return text
    found = unclosed(text, reading.options)
    if not found:
        return text
    return edited(text.encode(), [(start, start + 1, b"&lt;") for start, _ in found])


def warnings(post: Post, text: str, reading: Reading) -> list[Problem]:
    """Return a warning, at its line, for each comment `unclosed` finds in a post's body
    `text` that hides lines below its own, which are left out of feeds; none where
    `reading` reads such a comment as text (`as_text`)."""
    if "<!--" not in text or read_as_text(reading):
        return []
    blocks = unclosed(text, reading.options)
    data = text.encode() if blocks else b""
    found = []
    for start, end in blocks:
        below = data[start:end].split(b"\n")[1:]
        hidden = sum(1 for row in below if row.strip(b" \t>"))  # lines with text
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
