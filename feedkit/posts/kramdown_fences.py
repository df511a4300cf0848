"""Code blocks and tildes in a Jekyll post, read as kramdown's GFM input reads them (see
kramdown_reading, which finds them; checked against kramdown 2.4 with kramdown-parser-gfm
1.1): a fenced code block that no fence closes is text, the lines right below an indented
code block are its code, and of a run of three tildes or more only the first `~~x~~` its
scan finds strikes through.
"""

from __future__ import annotations

import re

from feedkit.posts.kramdown_lines import LAZY_END, blank

_OPENING_FENCE = re.compile(rb"[ \t>]*?(`{3,}|~{3,})")
# kramdown-parser-gfm's STRIKETHROUGH_MATCH, read in a run of text.
_STRIKE = re.compile(r"~~(?!\s|~).*?[^\s~]~~", re.DOTALL)


def unclosed_fence(
    data: bytes, start: int, end: int, strike: bool = True
) -> list[tuple[int, int, bytes]]:
    """Return the escapes that make a fenced code block (`data[start:end]`) that no fence
    closes text, as kramdown reads it; without `strike`, a `~~~` line's tildes as typed, as
    Python-Markdown reads them."""
    m = _OPENING_FENCE.match(data, start)
    if m is None:
        return []
    fence = m[1]
    lines = data[m.end() : end].rstrip(b"\r\n").split(b"\n")
    closing = re.compile(rb"[ \t>]*" + re.escape(fence[:1]) + rb"{%d,}[ \t\r]*" % len(fence))
    if len(lines) > 1 and closing.fullmatch(lines[-1]):
        return []
    if strike and fence.startswith(b"~"):  # its line is text: `~~~x~~~` strikes `x` there
        line_end = data.find(b"\n", m.end())
        struck = tildes(data, m.start(1), len(data) if line_end < 0 else line_end)
        if struck and struck[0][0] == m.start(1):
            return struck
    return [(m.start(1) + i, m.start(1) + i, b"\\") for i in range(len(fence))]


def tildes(data: bytes, start: int, end: int) -> list[tuple[int, int, bytes]]:
    """Return the escapes that make pulldown-cmark strike through, in a text run with a run
    of three tildes or more (`data[start:end]`), what kramdown's GFM input strikes: the
    first `~~x~~` its scan finds, then the next after it; every other tilde as typed."""
    text = data[start:end].decode()
    struck: set[int] = set()  # the character offsets of the tildes that strike
    at = 0
    while (tilde := text.find("~~", at)) >= 0:
        m = _STRIKE.match(text, tilde)
        if m is None:
            at = tilde + 1
            continue
        struck |= {m.start(), m.start() + 1, m.end() - 2, m.end() - 1}
        at = m.end()
    if not struck:
        return []
    edits: list[tuple[int, int, bytes]] = []
    for offset, char in enumerate(text):
        if char == "~" and offset not in struck and (offset == 0 or text[offset - 1] != "\\"):
            at = start + len(text[:offset].encode())
            edits.append((at, at, b"\\"))
    return edits


def lazy_code(data: bytes, end: int) -> list[tuple[int, int, bytes]]:
    """Return the edits that put the lines right below an indented code block (ending at
    `end`) into it, as kramdown reads them: up to a blank line, an attribute list, or a
    line of block HTML (kramdown's CODEBLOCK_MATCH, its lazy lines), each joined to the
    line above it with a space, as kramdown joins them (codeblock.rb)."""
    edits: list[tuple[int, int, bytes]] = []
    line = end
    while line < len(data):
        next_line = data.find(b"\n", line) + 1 or len(data)
        if blank(data[line:next_line]) or LAZY_END.match(data, line, next_line):
            break
        edits.append((line - 1 - data.endswith(b"\r\n", 0, line), line, b" "))
        line = next_line
    return edits
