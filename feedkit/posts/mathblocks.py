"""A `$$` block of math over lines, kept whole where the site's converter reads it whole and
CommonMark would not: a line in it that would start a block of its own (`- b`, `> c`), and,
for kramdown, a blank line in it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from feedkit.posts.texdelims import BLANK_LINE, regions

# kramdown's block math: `$$` at a block's start, to the next `$$`, with a block's end after it,
# over blank lines too (its BLOCK_MATH_START); one with a blank line in it is what differs.
# A block whose first `$$…$$` has text after it (`$$x$$ is small.`) is a paragraph.
_BLOCK_MATH = re.compile(r"(?ms)^[ ]{0,3}\$\$((?:(?!\$\$).)+?)\$\$[ \t]*$")


# A `$$` block over lines (from a line that starts with `$$` to one that ends with it), and,
# in it, a line that would start a block of its own in CommonMark: a list item, a quote, a
# heading, a setext underline or a fence.
_MULTILINE_MATH = re.compile(r"(?ms)^[ ]{0,3}\$\$((?:(?!\$\$).)+?\n(?:(?!\$\$).)*?)\$\$")
_BLOCK_STARTER = re.compile(
    r"\n([ ]{0,3}(?:[-+*][ \t]|\d{1,9}[.)][ \t]|>|#{1,6}[ \t]|=+[ \t]*(?=\n|$)|-+[ \t]*(?=\n|$)"
    r"|```|~~~))"
)


def _from_line_starts(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Yield what `pattern.finditer(text)` yields, for a pattern that matches only at a
    line's start followed by up to three spaces and `$$` (`_MULTILINE_MATH`, `_BLOCK_MATH`):
    tried only there. Tried at every character of a post instead, such a pattern took 20 µs
    of each post that has a `$$`, twice over in a post's rendering."""
    at = after = 0  # where to look for `$$` next; where the last match ended
    while (dollars := text.find("$$", at)) >= 0:
        start = text.rfind("\n", 0, dollars) + 1
        at = dollars + 1
        if start >= after and dollars - start <= 3 and not text[start:dollars].strip(" "):
            if found := pattern.match(text, start):
                yield found
                at = after = found.end()


def joined_marker_lines(text: str) -> str:
    """Return Markdown `text` with each line of a `$$` block over lines that CommonMark would
    read as the start of a block of its own (`- b`, `+ c`, `1. x`, `> y`, `# z`) put at the
    end of the line before it, outside code: kramdown, Python-Markdown's math and MathJax
    read the formula whole, where CommonMark ended its paragraph there and the formula fell
    apart (`$$` as text, a list of its pieces). In TeX a line's end is a space; a line
    that ends in a `%` comment keeps its end."""
    if "$$" not in text or "\n" not in text:
        return text
    found = [m for m in _from_line_starts(_MULTILINE_MATH, text) if _BLOCK_STARTER.search(m[0], 2)]
    if not found:
        return text
    kept, _ = regions(text)  # code, in byte offsets
    edits: list[tuple[int, int, str]] = []
    for m in found:
        at = len(text[: m.start()].encode())
        if any(a <= at < b for a, b in kept):
            continue
        for line in _BLOCK_STARTER.finditer(text, m.start() + 2, m.end()):
            before = text[text.rfind("\n", 0, line.start()) + 1 : line.start()]
            if "%" not in before.replace("\\%", ""):
                edits.append((line.start(), line.start() + 1, " "))
    for start, end, joined in reversed(edits):
        text = text[:start] + joined + text[end:]
    return text


def joined_block_math(text: str) -> str:
    """Return Markdown `text` with each blank line inside a block of math taken out, where
    kramdown (a Jekyll site's converter) reads the block whole: CommonMark ends a paragraph
    there, and the formula's pieces reached readers as text (`$$`, `\\begin{aligned}`, a lost
    `\\\\`). In TeX a blank line in a formula is nothing."""
    if "$$" not in text or not BLANK_LINE.search(text):
        return text
    found = [
        m
        for m in _from_line_starts(_BLOCK_MATH, text)
        if BLANK_LINE.search(m[1])
        and (m.start() == 0 or text.endswith("\n\n", 0, m.start()) or text[: m.start()].isspace())
        and re.match(r"[ \t]*(?:\n[ \t]*\n|\n?\Z)", text[m.end() :])
    ]
    if not found:
        return text
    kept, _ = regions(text)  # code, in byte offsets
    edits = []
    for m in found:
        at = len(text[: m.start()].encode())
        if not any(a <= at < b for a, b in kept):
            edits.append((m.start(1), m.end(1), BLANK_LINE.sub("", m[1])))
    for start, end, joined in reversed(edits):
        text = text[:start] + joined + text[end:]
    return text
