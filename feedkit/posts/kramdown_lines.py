"""The lines of a post's bytes as kramdown's block readers (feedkit/posts/kramdown_*.py)
step through them: where a line starts, whether it is blank, whether it follows text, and
what ends an indented block's lazy lines. Shared by those readers, which `kramdown_reading`
loads only for a post that needs them."""

from __future__ import annotations

import re

_BLANK = re.compile(rb"[ \t>]*\r?\n?")
# What ends lazy lines in kramdown (an indented code block's, a list item's) besides a
# blank line: an attribute list (its marker, see kramdown.prepare) or a block HTML tag.
LAZY_END = re.compile(
    rb"[ ]{0,3}(?:<!--kdx*-\d+-->"
    rb"|</?(?!(?:a|abbr|b|br|code|em|i|img|kbd|span|strong|sub|sup)\b)[A-Za-z])"
)


def right_below(data: bytes, start: int) -> bool:
    """True when the line at `start` follows one with text, not a blank line."""
    line = line_start(data, start)
    return bool(line) and not blank(data[line_start(data, line - 1) : line])


def line_start(data: bytes, at: int) -> int:
    """Return where the line holding `data[at]` starts."""
    return data.rfind(b"\n", 0, at) + 1


def blank(line: bytes) -> bool:
    """True for a line with nothing but container marks (`>`) and spaces."""
    return _BLANK.fullmatch(line) is not None
