"""Lists in a Jekyll post, read as kramdown's GFM input reads them where pulldown-cmark
reads them otherwise (kramdown_reading finds them; kramdown's parser/kramdown/list.rb,
checked against kramdown 2.4): the lines right below an item are the item's, up to a
blank line, whatever they start (`into_item`); bullet items right below each other are
one list whatever their markers (`bullet`); and a numbered item right below a paragraph's
line starts a list (`list_after_line`).
"""

from __future__ import annotations

import re

from feedkit.posts.kramdown_lines import LAZY_END, blank, line_start

BULLET = re.compile(rb"[ ]*([*+-])")
_ITEM = {True: re.compile(rb"[ ]{0,3}\d{1,9}\.[ \t]"), False: re.compile(rb"[ ]{0,3}[*+-][ \t]")}


def bullet(data: bytes, item: int) -> bytes:
    """Return the marker of the bullet list item at `item` (b"" for none)."""
    m = BULLET.match(data, item)
    return m[1] if m else b""


def into_item(
    data: bytes, item: int, start: int, end: int, ordered: bool | None = None
) -> list[tuple[int, int, bytes]]:
    """Return the spaces that put the block at `start` (to `end`: a list of the other kind,
    a fence, a heading…) into the list item at `item` of a list that ends right before it,
    as kramdown reads it: there the lines below an item, up to a blank line, are the
    item's (an item of another kind starts a list in it), up to the next item of the
    list's own kind (`ordered` or not; None: none is looked for), an attribute list or
    block HTML."""
    line = line_start(data, start)
    if data[line:start].strip(b" ") or blank(data[line_start(data, line - 1) : line]):
        return []  # in a quote, or after a blank line: kramdown's list ended there too
    item_line = line_start(data, item)
    marker = re.compile(rb"[ ]*(?:\d{1,9}[.)]|[*+-])[ \t]{1,4}").match(data, item_line)
    if marker is None or marker.end() - item_line <= start - line:
        return []
    indent = b" " * (marker.end() - item_line - (start - line))
    edits = []
    while line < end:
        next_line = data.find(b"\n", line) + 1 or len(data)
        if blank(data[line:next_line]) or LAZY_END.match(data, line, next_line):
            break
        if ordered is not None and _ITEM[ordered].match(data, line):
            break
        edits.append((line, line, indent))
        line = next_line
    return edits


def list_after_line(data: bytes, start: int) -> list[tuple[int, int, bytes]]:
    """Return the edits that make the line at `start` (after a line of a paragraph not in
    a list) a list's first item when it starts as one numbered otherwise than 1: kramdown's
    GFM input starts a list there, numbered from 1, where pulldown-cmark's goes on with the
    paragraph."""
    m = re.compile(rb"(\d{1,9})\.[ \t]").match(data, start)
    line = line_start(data, start)
    if m is None or re.fullmatch(rb"[ >]*", data[line:start]) is None:
        return []
    quotes = data[line:start].replace(b" ", b"")  # the blank line is in the same quote
    return [(line, line, quotes + b"\n"), (m.start(1), m.end(1), b"1".rjust(len(m[1]), b"0"))]
