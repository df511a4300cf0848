"""Where kramdown (a Jekyll site's converter) ends an HTML block that CommonMark runs on to
a blank line: after its first block element's end tag, or a line of end tags, when a line
of Markdown follows (`<p align="center"><img …></p>` then `## Next`), and around an HTML
comment (one right below a paragraph's line stays in the paragraph; text after one is a
paragraph). Each is an edit of the text that makes pulldown-cmark read it so."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from feedkit.posts.edits import top_blocks
from feedkit.posts.kramdown_lines import blank, line_start, right_below

_BLOCK_TAG = re.compile(rb"[ ]{0,3}<([A-Za-z][A-Za-z0-9-]*)")
# kramdown's HTML_SPAN_ELEMENTS: every other element is a block.
_SPAN_TAGS = set(
    b"a abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label mark "
    b"option q rb rbc rp rt rtc ruby s samp select small span strike strong sub sup textarea "
    b"tt u var".split()
)
_COMMENT = re.compile(rb"<!--(?!kdx*-\d+-->)")  # a comment, not a kramdown.prepare marker


def html_block_ends(
    data: bytes, events: Iterable[tuple[Any, Any]], to_the_end: bool = False
) -> list[tuple[int, int, bytes]]:
    """Return the blank lines that end each top-level HTML block of `data` (read as
    pulldown-cmark's `events`, with their ranges) where its first element ends and Markdown
    follows (`markdown_after_element`); `to_the_end`: each element read on past its HTML
    block, to the end of the text (Python-Markdown reads a blank line in an element as its
    own)."""
    return [
        edit
        for block, where in top_blocks(events)
        if block == "HtmlBlock"
        for edit in markdown_after_element(
            data, where["start"], len(data) if to_the_end else where["end"]
        )
    ]


def markdown_after_element(data: bytes, start: int, end: int) -> list[tuple[int, int, bytes]]:
    """Return the blank line that ends the HTML block at `start` (to `end`) where its first
    element ends, when a line of Markdown follows: kramdown reads a block element to its end
    tag and what follows as Markdown, where CommonMark's HTML block runs on to a blank line
    and shows the Markdown in it as typed (`<p align="center"><img …></p>` then `## Next`)."""
    tag = _BLOCK_TAG.match(data, start)
    if tag is None:
        return _markdown_after_end_tags(data, start, end)
    if tag[1].lower() in _SPAN_TAGS:
        return []
    name = re.escape(tag[1])
    # A tag's attributes may run over lines (Chirpy's `<iframe` with one attribute a line):
    # the depth counts at the end of the line each tag ends on.
    tags = list(re.finditer(rb"(?i)<(/?)" + name + rb"\b[^>]*?(/?)>", data[start:end]))
    depth = 0
    for index, found in enumerate(tags):
        depth += -1 if found[1] else 0 if found[2] else 1
        next_line = data.find(b"\n", start + found.end()) + 1 or len(data)
        if index + 1 < len(tags) and start + tags[index + 1].start() < next_line:
            continue  # another of its tags on this line
        if depth <= 0 or tag[1].lower() == b"hr":
            following = data[next_line : data.find(b"\n", next_line) + 1 or len(data)]
            if next_line < end and not blank(following) and _starts_text(following):
                return [(next_line, next_line, b"\n")]
            if depth <= 0:
                return []
    return []


# A line of end tags alone: what is left of an element when a blank line in it ended the
# HTML block its start tag began (`<div class="note">`, a blank line, its text, a blank
# line, `</div>`).
_END_TAGS_LINE = re.compile(rb"[ ]{0,3}(?:</([A-Za-z][A-Za-z0-9-]*)[ \t]*>[ \t]*)+(?:\r?\n|\Z)")


def _markdown_after_end_tags(data: bytes, start: int, end: int) -> list[tuple[int, int, bytes]]:
    """Return the blank line that ends the HTML block at `start` (to `end`) after its
    lines of block elements' end tags, when a line of Markdown follows: the elements
    ended there, to kramdown, and what follows is Markdown, where CommonMark's HTML block
    runs on to a blank line and shows it as typed."""
    line = start
    while line < end and (tags := _END_TAGS_LINE.match(data, line)):
        if tags[1].lower() in _SPAN_TAGS:
            return []
        line = tags.end()
    following = data[line : data.find(b"\n", line) + 1 or len(data)]
    if line == start or line >= end or blank(following) or not _starts_text(following):
        return []
    return [(line, line, b"\n")]


_TAG_NAME = re.compile(rb"[ \t]*<([A-Za-z][A-Za-z0-9-]*)")
# kramdown's autolinks (parser/kramdown/autolink.rb): `<https://…>`, `<ada@example.org>`.
_AUTOLINK = re.compile(
    rb"[ \t]*<(?:(?:mailto|https?|ftps?):[^>\s]+|[-.\w]+@[-\w]+(?:\.[-\w]+)*\.[a-z]+)>"
)


def _starts_text(line: bytes) -> bool:
    """Return True when a line starts a paragraph to kramdown: text, span-level HTML
    (`<br>`, `<a …>`, `<img …>`) or an autolink (`<https://…>`); not a block element's tag
    or a comment."""
    if not line.lstrip().startswith(b"<"):
        return True
    if _AUTOLINK.match(line):
        return True
    tag = _TAG_NAME.match(line)
    return tag is not None and tag[1].lower() in _SPAN_TAGS


def comment_in_paragraph(data: bytes, start: int, end: int) -> list[tuple[int, int, bytes]]:
    """Return the indents that keep an HTML comment right below a paragraph's line (at
    `start`, to `end`) in the paragraph, as kramdown reads it (a comment ends no paragraph
    there), where CommonMark starts an HTML block: indented, a line goes on with the
    paragraph, and so do the lines after the comment."""
    line = line_start(data, start)
    if line != start or not right_below(data, start) or not _COMMENT.match(data, start):
        return []  # in a quote or a list, or an attribute list's marker: left as it is
    edits: list[tuple[int, int, bytes]] = []
    while line < end:
        edits.append((line, line, b"    "))
        line = data.find(b"\n", line) + 1 or len(data)
    return edits


def text_after_comment(data: bytes, start: int, end: int) -> list[tuple[int, int, bytes]]:
    """Return the line's end that makes the text after an HTML comment (the HTML block at
    `start`, to `end`) a paragraph, as kramdown reads it: the comment is a block of its
    own there, where CommonMark's HTML block runs on to a blank line and shows the text
    as typed. The paragraph's line is indented as the comment's (in a list item, a quote)."""
    close = data.find(b"-->", start + 4, end)
    if close < 0:
        return []
    after = close + 3
    line_end = data.find(b"\n", after, end)
    rest = data[after : end if line_end < 0 else line_end]
    if not rest.strip():
        return []
    indent = re.sub(rb"[^ \t>]", b" ", data[line_start(data, start) : start])
    spaces = len(rest) - len(rest.lstrip(b" \t"))
    return [(after, after + spaces, b"\n" + indent)]
