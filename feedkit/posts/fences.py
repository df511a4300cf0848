"""Whether a Markdown text's `$` signs can be math (or what else is looked for is only in
code): a quick look for fenced code blocks.

pulldown-cmark reads `$…$` as math anywhere in text but in code, and the shell code of
many posts (`"$f"`, `${DIR}`) has dollars and no formula. Finding every fence from each
line end and the few things that could hold one tells, for most such posts, that no `$`
can be math without parsing the Markdown (feedkit.posts.markup's `unconverted_math`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator


def dollars_only_in_code(body: str) -> bool:
    """Return True when every `$` of `body` is inside a fenced code block, where it cannot
    be math: False when that is not certain (a quick test, no Markdown parse).

    Only fences that open at the start of a line, with no other block open there, are
    taken as such. Nothing outside them may start a block that could hold such a line: no
    `<` (an HTML block), but for whole HTML comments alone on their lines (`<!--more-->`,
    which end where they start). A fence line that may be read more than one way
    (indented, with tabs, a `$` in its info string) answers False, as do carriage returns,
    vertical tabs and form feeds anywhere.
    """
    return only_in_code(body, _has_dollar, "$")


def only_in_code(body: str, has: Callable[[str, int, int], bool], info: str = "") -> bool:
    """Return True when `has(body, start, end)` finds nothing in any stretch of `body`
    between its fenced code blocks (what it looks for is only in code, as
    `dollars_only_in_code` tells of `$`), with the same caution: False when that is not
    certain. `info`: characters an opening fence's info string may not hold."""
    if "\r" in body or "\x0b" in body or "\x0c" in body:
        return False
    outside = 0  # where the text not yet known to be code starts
    fence = ""  # the open fence's run of backticks or tildes
    shift = 1 if body[:1] in ("`", "~", " ", "\t") else 0  # a fence may open the body
    for m in fence_lines("\n" + body if shift else body):
        indent, run, rest = m.groups()
        if not fence:
            if indent or (info and any(char in rest for char in info)):
                return False
            if run[0] == "`" and "`" in rest:
                return False
            if not _plain_between(body, outside, m.start() + 1 - shift, has):
                return False
            fence = run
        elif run[0] == fence[0] and len(run) >= len(fence) and not rest.strip(" \t"):
            # pulldown-cmark closes a fence only on up to three spaces, the run, and spaces
            # (not tabs, unlike CommonMark): a line that is one by some reading, not that
            # one, is not taken either way.
            if len(indent) > 3 or "\t" in indent or "\t" in rest:
                return False
            fence, outside = "", m.end() - shift
    return bool(fence) or _plain_between(body, outside, len(body), has)


def _has_dollar(body: str, start: int, end: int) -> bool:
    return body.find("$", start, end) >= 0


# A line that may be a code fence, with the line end before it: its indentation, the
# fence, the rest of the line.
_FENCE_LINE = re.compile(r"\n([ \t]*)(`{3,}|~{3,})([^\n]*)")
# Lines with a "`" or "~" looked at one by one before `fence_lines` searches the rest.
LOOKS = 64


def fence_lines(text: str) -> Iterator[re.Match[str]]:
    """Return what `_FENCE_LINE.finditer(text)` gives, finding the lines to match by their
    "`" and "~" (a memchr each), up to LOOKS of them, then by the search.

    From each line end: a pattern anchored at every line start (`^`, re.MULTILINE) takes
    longer than parsing the Markdown, and one from each line end tries a match at every
    line (a post of 12 KB has about 200), where two or three may hold a fence."""
    pos = 0
    ticks, tildes = text.find("`"), text.find("~")
    for _ in range(LOOKS):
        if ticks < 0 and tildes < 0:
            return
        mark = tildes if ticks < 0 or 0 <= tildes < ticks else ticks
        line = text.rfind("\n", pos, mark)  # the end of the line before: where a match starts
        if line >= 0 and (m := _FENCE_LINE.match(text, line)) is not None:
            yield m
        end = text.find("\n", mark)
        if end < 0:
            return
        pos = end  # a match starts at a line's end: never before the next one
        if ticks >= 0 and ticks < end:
            ticks = text.find("`", end)
        if tildes >= 0 and tildes < end:
            tildes = text.find("~", end)
    yield from _FENCE_LINE.finditer(text, pos)


# An HTML comment closed on the line it opens: an HTML block that ends at that line,
# whatever else the line holds.
_COMMENT_LINE = re.compile(r"<!--.*-->")


def _plain_between(body: str, start: int, end: int, has: Callable[[str, int, int], bool]) -> bool:
    """Return True when `body[start:end]`, between fenced code blocks, has nothing `has`
    finds and nothing that may open a block another line could fall into (see
    `dollars_only_in_code`)."""
    if has(body, start, end):
        return False
    at = body.find("<", start, end)
    while at >= 0:
        if at and body[at - 1] != "\n":
            return False
        line_end = body.find("\n", at, end)
        line_end = end if line_end < 0 else line_end
        if not _COMMENT_LINE.match(body, at, line_end):
            return False
        at = body.find("<", line_end, end)
    return True


# A line that starts a fence (in a quote or a list item too), with the line end before it:
# compiled when first used, by the few posts with fences of both kinds or an odd count.
_OPENING = r"\n[ \t>]*(?:[*+-][ \t]+|\d{1,9}\.[ \t]+)*(```|~~~)"


def may_leave_open(text: str) -> bool:
    """Return False when every fence line of `text` has another of its kind (a quick
    look: a fence that no fence closes makes the count of its kind odd)."""
    if "```" not in text and "~~~" not in text:
        return False
    kinds = [m[1] for m in re.finditer(_OPENING, "\n" + text)]
    return kinds.count("```") % 2 == 1 or kinds.count("~~~") % 2 == 1
