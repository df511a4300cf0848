"""Where kramdown (Jekyll's converter, its GFM input by default) reads Markdown otherwise
than pulldown-cmark, the source rewritten so pulldown-cmark reads it as kramdown does.

Checked against kramdown 2.4 with kramdown-parser-gfm 1.1 under Jekyll 4.3's settings
(the cases are tests/fixtures/kramdown-reading.json):

- `1) item` is no list item in kramdown (only `1.` is): its `)` is escaped.
- A table in kramdown starts after a blank line (or where its container starts), runs to
  a blank line with a `|` on every line, and has a row after its header: a table that
  pulldown-cmark reads after a paragraph's line, or with no row, or with a line after it
  before the blank, is text there (the first `|` of its delimiter row escaped).
- A fenced code block that no fence closes is text in kramdown, where pulldown-cmark runs
  it to the end of its container: the opening fence is escaped.
- kramdown strikes through the first `~~x~~` it finds in a run of more tildes
  (`~~~x~~~` is `~<del>x</del>~`), pulldown-cmark none: the other tildes are escaped.

Each rewrite is looked for only where a quick look at the text finds what it needs.
"""

from __future__ import annotations

import re
from typing import Any

# The quick looks: what each difference needs in the text.
_PAREN_ITEM = re.compile(r"(?m)^[ \t>]*(?:[*+-][ \t]+)*\d{1,9}\)(?:[ \t]|$)")
_DELIMITER_ROW = re.compile(r"(?m)^[ \t>]*\|?[ \t]*:?-+:?[ \t]*\|")
_FENCE_LINE = re.compile(r"(?m)^[ \t>]*(?:[*+-][ \t]+|\d{1,9}\.[ \t]+)*(```|~~~)")
_INLINE_TILDES = re.compile(r"(?m)^[ \t>]*[^ \t>\r\n~][^\n]*?~~~")

_PAREN_ITEM_BYTES = re.compile(rb"(?m)^[ \t>]*(?:[*+-][ \t]+)*\d{1,9}(\))(?=[ \t]|\r?$)")
_PROTECTED = {"Code", "InlineHtml", "InlineMath", "DisplayMath"}
_OPENING_FENCE = re.compile(rb"[ \t>]*?(`{3,}|~{3,})")
_BLANK = re.compile(rb"[ \t>]*\r?\n?")
_ITEM = re.compile(rb"[ \t>]*(?:[*+-]|\d{1,9}[.)])(?:[ \t]|\r?\n)")
# kramdown-parser-gfm's STRIKETHROUGH_MATCH, read in a run of text.
_STRIKE = re.compile(r"~~(?!\s|~).*?[^\s~]~~", re.DOTALL)


def needs_rewrite(text: str, tables: bool = True) -> bool:
    """Return whether `text` may hold something kramdown reads otherwise: a quick look, for
    `1)`, a table's delimiter row (with `tables`), an odd number of fence lines of a kind
    (one left open: every block has two) and `~~~` in a line of text."""
    if _PAREN_ITEM.search(text) is not None:
        return True
    if tables and "|" in text and _DELIMITER_ROW.search(text) is not None:
        return True
    if "```" in text or "~~~" in text:
        fences = [m[1] for m in _FENCE_LINE.finditer(text)]
        if fences.count("```") % 2 or fences.count("~~~") % 2:
            return True
    return "~~~" in text and _INLINE_TILDES.search(text) is not None


def as_kramdown(text: str, options: Any) -> str:
    """Return Markdown `text` rewritten so that pulldown-cmark (with `options`) reads it as
    kramdown does where they differ (see the module's docstring); `text` itself when none
    applies."""
    for _ in range(3):  # an open fence hid the rest of its container: read that too
        if not needs_rewrite(text):
            return text
        text, reopened = _rewritten(text, options)
        if not reopened:
            break
    return text


def _rewritten(text: str, options: Any) -> tuple[str, bool]:
    """Return `text` rewritten as `as_kramdown` says, read once, and whether a fence left
    open was made text (what it held is then read for the first time)."""
    from feedkit.posts.markup import markdown

    reopened = False
    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, bytes]] = []  # where a backslash goes, and what
    table: list[Any] = []  # the table being read: its start, head end, rows, in a list
    code: list[tuple[int, int]] = []  # code, HTML and math: `1)` there is as typed
    items = 0  # list items around
    for event, where in markdown(False, options).events_with_range(text, merge_text=True):
        if not isinstance(event, dict):
            continue
        start, end = where["start"], where["end"]
        began = event.get("Start")
        if began == "Item" or event.get("End") == "Item":
            items += 1 if began else -1
        elif isinstance(began, dict) and "Table" in began:
            table = [start, end, None, [], items > 0]
        elif began == "TableHead":
            table[2] = end
        elif began == "TableRow":
            table[3].append((start, end))
        elif event.get("End") == "Table":
            edits += _not_a_table(data, *table)
        elif began == "HtmlBlock" or not _PROTECTED.isdisjoint(event):
            code.append((start, end))
        elif isinstance(began, dict) and "CodeBlock" in began:
            code.append((start, end))
            if "Fenced" in str(began["CodeBlock"]) and (fence := _unclosed_fence(data, start, end)):
                edits += fence
                reopened = True
        elif "Text" in event and b"~~~" in data[start:end]:
            edits += _tildes(data, start, end)
    for item in re.finditer(_PAREN_ITEM_BYTES, data):
        if not any(s <= item.start(1) < e for s, e in code):
            edits.append((item.start(1), b"\\"))
    if not edits:
        return text, False
    pieces, at = [], 0
    for where_at, new in sorted(edits):
        pieces += [data[at:where_at], new]
        at = where_at
    return b"".join([*pieces, data[at:]]).decode(), reopened


def _line_start(data: bytes, at: int) -> int:
    return data.rfind(b"\n", 0, at) + 1


def _blank(line: bytes) -> bool:
    """True for a line with nothing but container marks (`>`) and spaces."""
    return _BLANK.fullmatch(line) is not None


def _not_a_table(
    data: bytes,
    start: int,
    end: int,
    head_end: int | None,
    rows: list[tuple[int, int]],
    in_item: bool,
) -> list[tuple[int, bytes]]:
    """Return the escape that makes the table pulldown-cmark read at `start` (to `end`,
    in a list item or not) text, when kramdown does not read one there: with a line before
    or after it, no row, or a row with no `|` (kramdown's table ends there, and a table
    must end before a blank line)."""
    if head_end is None:
        return []
    line = _line_start(data, start)
    before = data[_line_start(data, line - 1) : line] if line else b""
    after_text = _blank(data[line:start]) and not _blank(before) and not _is_marker(before)
    row_without_pipe = any(b"|" not in data[s:e].replace(b"\\|", b"") for s, e in rows)
    next_line = data[end : data.find(b"\n", end) + 1 or len(data)]
    # A line after it ends kramdown's table too, unless it is the next item of a list
    # the table is in (the item's end is a block's end).
    text_after = not _blank(next_line) and not (in_item and _ITEM.match(next_line))
    if not (after_text or not rows or row_without_pipe or text_after):
        return []
    # The delimiter row is the line after the head: an escaped `|` in it makes it text.
    pipe = data.find(b"|", head_end, data.find(b"\n", head_end) % (len(data) + 1))
    return [(pipe, b"\\")] if pipe >= 0 else []


def _is_marker(line: bytes) -> bool:
    """True for a line that is only the marker of a kramdown attribute list (see
    kramdown.prepare): a table after one starts where kramdown's may."""
    return re.fullmatch(rb"[ \t>]*<!--kdx*-\d+-->[ \t]*\r?\n?", line) is not None


def _unclosed_fence(data: bytes, start: int, end: int) -> list[tuple[int, bytes]]:
    """Return the escapes that make a fenced code block (`data[start:end]`) that no fence
    closes text, as kramdown reads it."""
    m = _OPENING_FENCE.match(data, start)
    if m is None:
        return []
    fence = m[1]
    lines = data[m.end() : end].rstrip(b"\r\n").split(b"\n")
    closing = re.compile(rb"[ \t>]*" + re.escape(fence[:1]) + rb"{%d,}[ \t\r]*" % len(fence))
    if len(lines) > 1 and closing.fullmatch(lines[-1]):
        return []
    if fence.startswith(b"~"):  # its line is text: `~~~x~~~` strikes `x` there
        line_end = data.find(b"\n", m.end())
        struck = _tildes(data, m.start(1), len(data) if line_end < 0 else line_end)
        if struck and struck[0][0] == m.start(1):
            return struck
    return [(m.start(1) + i, b"\\") for i in range(len(fence))]


def _tildes(data: bytes, start: int, end: int) -> list[tuple[int, bytes]]:
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
    edits = []
    for offset, char in enumerate(text):
        if char == "~" and offset not in struck and (offset == 0 or text[offset - 1] != "\\"):
            edits.append((start + len(text[:offset].encode()), b"\\"))
    return edits
