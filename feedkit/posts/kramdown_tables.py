"""kramdown's tables (Jekyll's converter) where pulldown-cmark reads a table otherwise: which
are tables at all, their cells, and the tables without a header row that pulldown-cmark
reads as paragraphs (see kramdown_reading, which finds them; kramdown's
parser/kramdown/table.rb, checked against kramdown 2.4).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from feedkit.posts.events import tag_of
from feedkit.posts.gfmtables import cell_pipes
from feedkit.posts.kramdown_lines import blank, line_start

_ITEM = re.compile(rb"[ \t>]*(?:[*+-]|\d{1,9}[.)])(?:[ \t]|\r?\n)")
_DEFINITION = re.compile(rb"[ \t>]*:[ \t]")
# A block that is one `$$…$$` (block.rb's BLOCK_MATH_START, a block boundary after it).
_BLOCK_MATH = re.compile(rb"\$\$.*?\$\$\s*", re.S)


def not_a_table(
    data: bytes,
    start: int,
    end: int,
    head_end: int | None,
    rows: list[tuple[int, int]],
    in_item: bool,
) -> list[tuple[int, int, bytes]]:
    """Return the escape that makes the table pulldown-cmark read at `start` (to `end`,
    in a list item or not) text, when kramdown does not read one there: with a line before
    or after it, no row, or a row with no `|` (kramdown's table ends there, and a table
    must end before a blank line)."""
    if head_end is None:
        return []
    line = line_start(data, start)
    before = data[line_start(data, line - 1) : line] if line else b""
    after_text = blank(data[line:start]) and not blank(before) and not _is_marker(before)
    row_without_pipe = any(b"|" not in data[s:e].replace(b"\\|", b"") for s, e in rows)
    next_line = data[end : data.find(b"\n", end) + 1 or len(data)]
    # A line after it ends kramdown's table too, unless it is the next item of a list
    # the table is in (the item's end is a block's end).
    text_after = not blank(next_line) and not (in_item and _ITEM.match(next_line))
    if not (after_text or not rows or row_without_pipe or text_after):
        return []
    # The delimiter row is the line after the head: an escaped `|` in it makes it text.
    pipe = data.find(b"|", head_end, data.find(b"\n", head_end) % (len(data) + 1))
    return [(pipe, pipe, b"\\")] if pipe >= 0 else []


# kramdown's TABLE_SEP_LINE and TABLE_FSEP_LINE (parser/kramdown/table.rb), in a table's
# body: a line of `|`, `+`, `:`, spaces and `-` (at least one), or of `=`.
_SEPARATOR = re.compile(rb"[ \t>]*(?:[+|: \t-]*-[+|: \t-]*|[+|: \t]*=[+|: \t=]*)")


def table_cells(
    data: bytes, start: int, end: int, head_end: int | None, rows: list[tuple[int, int]]
) -> list[tuple[int, int, bytes]]:
    """Return the edits that give the table at `start` (to `end`) kramdown's cells: a `|`
    in a code span is the span's (escaped: GFM splits the cell there, and drops what runs
    past the header's cells); a row with more cells than the header adds columns (the
    header and delimiter rows get empty ones); a header without a leading `|` makes the
    leading `|` of a row an empty first cell."""
    if head_end is None:
        return []
    edits: list[tuple[int, int, bytes]] = []
    header = (start, head_end)
    leading = re.match(rb"[ \t>]*\|", data[header[0] : header[1]]) is not None
    counts = []
    for index, (begins, ends) in enumerate([header, *rows]):
        if index and _SEPARATOR.fullmatch(data[begins:ends].rstrip(b"\r\n")):
            # kramdown's line between a table's bodies (`|---|`), or before its footer
            # (`|===|`): no row, where GFM made one of dashes. (Its footer rows are rows.)
            edits.append((begins, data.find(b"\n", begins) + 1 or len(data), b""))
            continue
        made, cells = _row(data, begins, ends, leading or index == 0)
        edits += made
        counts.append(cells)
    extra = max(counts) - counts[0]
    if extra > 0:
        head = data[header[0] : header[1]].rstrip(b"\r\n").rstrip()
        at = header[0] + len(head)
        edits.append((at, at, (b"" if head.endswith(b"|") else b" |") + b" |" * extra))
        rule_end = data.find(b"\n", head_end) % (len(data) + 1)
        rule = data[head_end:rule_end].rstrip(b"\r").rstrip()
        at = head_end + len(rule)
        edits.append((at, at, b"---|" * extra if rule.endswith(b"|") else b"|---" * extra))
    return edits


def _row(
    data: bytes, begins: int, ends: int, leading: bool
) -> tuple[list[tuple[int, int, bytes]], int]:
    """Return the edits that give the table row `data[begins:ends]` kramdown's cells (see
    `table_cells`), and how many cells kramdown makes of it; `leading`: a leading `|` on it
    starts its first cell (kramdown drops the empty cell before it only when the table's
    first line starts with a `|`), else it makes an empty cell."""
    line = data[begins:ends].rstrip(b"\r\n")
    pipes, in_code = cell_pipes(line)
    edits = [(begins + at, begins + at, b"\\") for at in in_code]
    prefix = len(line) - len(line.lstrip(b" \t>"))
    cells = len(pipes) + 1
    starts_with_pipe = bool(pipes) and pipes[0] == prefix
    if starts_with_pipe and leading:
        cells -= 1
    elif starts_with_pipe:
        edits.append((begins + prefix, begins + prefix, b"| "))
    if pipes and not line[pipes[-1] + 1 :].strip():
        cells -= 1
    return edits, cells


def _is_marker(line: bytes) -> bool:
    """True for a line that is only the marker of a kramdown attribute list (see
    kramdown.prepare): a table after one starts where kramdown's may."""
    return re.fullmatch(rb"[ \t>]*<!--kdx*-\d+-->[ \t]*\r?\n?", line) is not None


# The header row a table without one gets, for pulldown-cmark to read it as a table: each
# cell holds this comment, and `without_made_heads` takes the row out of the HTML again.
NO_HEAD = "<!--kramdown-no-head-->"
_NO_HEAD_ROW = re.compile(r"<thead><tr>(?:<th>" + NO_HEAD + r"</th>)+</tr></thead>")
# kramdown's TABLE_SEP_LINE and TABLE_FSEP_LINE: a line of a table that is no row; a `\`
# too, which `not_a_table` puts before a `|` of a delimiter row kramdown reads no table by.
_SEPARATOR = re.compile(rb"[+|: \t\\]*(?:-[+|: \t\\-]*|=[+|: \t\\=]*)")
# Whose text a table of kramdown's may be; the containers whose first block starts one.
_BLOCK_OF_TEXT = {"Paragraph", "Item", "DefinitionListDefinition"}
_CONTAINERS = {"Item", "BlockQuote", "DefinitionListDefinition"}
_INLINE = {"Emphasis", "Strong", "Strikethrough", "Link", "Image", "Superscript", "Subscript"}


def headerless_tables(data: bytes, events: list[Any]) -> list[tuple[int, int, bytes]]:
    """Return the edits that make each paragraph (or a list item's text) that kramdown reads
    as a table without a header one for pulldown-cmark: a header row of `NO_HEAD` cells and
    a delimiter row before it, and kramdown's cells (see `table_cells`). kramdown reads every
    line with a `|` outside code spans as a table's row, after a blank line or where its
    container starts, when a blank line or the container's end follows (table.rb's
    TABLE_START, `after_block_boundary?`, `before_block_boundary?`)."""
    edits: list[tuple[int, int, bytes]] = []
    lines: list[int] = []  # where each line's text starts in the block of text read
    end = 0  # where its text ends
    first = opened = True  # it is its container's first block; a container just started
    reading = broken = False
    for index, (event, where) in enumerate(events):
        if not isinstance(event, dict):
            broken = event in ("SoftBreak", "HardBreak")
            continue
        tag = tag_of(event)
        if tag is None or tag[1] in _INLINE:
            if reading and (not lines or broken):
                at = where["start"]  # an escaped character's text starts after its `\`
                lines.append(at - 1 if data[at - 1 : at] == b"\\" else at)
            end, broken = where["end"], False
            continue
        piped = reading and lines and data.find(b"|", lines[0], end) >= 0
        if piped and _table_ends(data, end, events, index):
            edits += _headerless(data, lines, end, first)
        key, name = tag
        reading, lines = key == "Start" and name in _BLOCK_OF_TEXT, []
        started = key == "Start" and name in _CONTAINERS
        first, opened = opened or started, started
    return edits


def _table_ends(data: bytes, end: int, events: list[Any], index: int) -> bool:
    """True when a table of kramdown's may end at `end`, the end of a block of text which
    `events[index]` follows: a blank line or an attribute list comes after it, or its list
    item's or definition's end, where the next item or definition starts (the lines below
    an item are the item's in kramdown, whatever they start)."""
    line = data.find(b"\n", end) + 1 or len(data)
    next_line = data[line : data.find(b"\n", line) + 1 or len(data)]
    if blank(next_line) or _is_marker(next_line):
        return True
    for event, _ in itertools.islice(events, index, None):
        closed = event.get("End") if isinstance(event, dict) else None
        if closed == "Paragraph":
            continue
        if closed == "Item":
            return _ITEM.match(next_line) is not None
        return closed == "DefinitionListDefinition" and _DEFINITION.match(next_line) is not None
    return False


def _headerless(
    data: bytes, lines: list[int], end: int, first: bool
) -> list[tuple[int, int, bytes]]:
    """Return the edits that make the block of text with lines starting at `lines` (its
    text ending at `end`, the first in its container or not) a table, when kramdown reads
    one there (see `headerless_tables`)."""
    start = line_start(data, lines[0])
    before = data[line_start(data, start - 1) : start] if start else b""
    if not (first or blank(before) or _is_marker(before)):
        return []
    if _BLOCK_MATH.fullmatch(data, lines[0], end):
        return []  # kramdown reads math blocks before tables: `$$ P(a|b) $$` is math
    rows = [(at, data.find(b"\n", at, end)) for at in lines]
    rows = [(at, end if ends < 0 else ends) for at, ends in rows]
    if not all(data.find(b"|", s, e) >= 0 for s, e in rows):
        return []  # the quick look: most paragraphs have a line without a `|`
    rules = [i for i, (s, e) in enumerate(rows) if _SEPARATOR.fullmatch(data[s:e].rstrip())]
    # A delimiter row right below the first, with another number of cells than it: a
    # header row in kramdown, no table in pulldown-cmark. Other such lines (a second
    # header row, a footer's) are left as pulldown-cmark reads them.
    headed = rules == [1] and len(rows) > 2 and b"-" in data[slice(*rows[1])]
    if (rules and not headed) or not all(cell_pipes(data[s:e])[0] for s, e in rows):
        return []
    edits: list[tuple[int, int, bytes]] = []
    leading = data.startswith(b"|", lines[0])
    counts = []
    for index, (begins, ends) in enumerate(rows):
        if not (headed and index == 1):
            made, cells = _row(data, begins, ends, leading or index == 0)
            edits += made
            counts.append(cells)
    columns = max(counts)
    if columns == 0:
        return []
    if headed:
        extra = columns - counts[0]
        head = data[slice(*rows[0])].rstrip()
        if extra > 0:
            at = rows[0][0] + len(head)
            edits.append((at, at, (b"" if head.endswith(b"|") else b" |") + b" |" * extra))
        return [(*rows[1], _delimiter_row(data[slice(*rows[1])], columns)), *edits]
    # The rows below the first are indented as its container's lines are (`> `, `  `).
    indent = re.sub(rb"[^ \t>]", b" ", data[start : lines[0]])
    head = b"|" + f" {NO_HEAD} |".encode() * columns + b"\n" + indent
    return [(lines[0], lines[0], head + _delimiter_row(b"", columns) + b"\n" + indent), *edits]


def _delimiter_row(rule: bytes, columns: int) -> bytes:
    """Return a delimiter row of `columns` cells, aligned as kramdown aligns the columns of
    its delimiter row `rule` (TABLE_HSEP_ALIGN), the columns it has no cell for by default."""
    aligned = [
        (b":" if left else b"-") + b"-" + (b":" if right else b"-")
        for left, right in re.findall(rb"[ \t]?(:?)-+(:?)[ \t]?", rule)
    ]
    return b"|" + b"|".join((aligned + [b"---"] * columns)[:columns]) + b"|"


def without_made_heads(html_text: str) -> str:
    """Return pyromark's HTML with the header rows `headerless_tables` made taken out."""
    return _NO_HEAD_ROW.sub("", html_text)


# A table's separator line first, at a block's start, a row with a `|` right below it.
_LEADING_RULE = re.compile(
    r"(?m)(?:\A|(?<=\n\n))[ ]{0,3}\|[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*\n"
    r"(?=[ ]{0,3}[^\n]*\|)"
)


def without_leading_rules(text: str) -> str:
    """Return `text` without the separator line a kramdown table starts with (`| --- | --- |`
    above its first row), outside code: kramdown draws no line there and reads the table on,
    where pulldown-cmark read that line as a paragraph of its own (`| —– |`, its dashes
    curled) above the table."""
    found = list(_LEADING_RULE.finditer(text))
    if not found:
        return text
    from feedkit.posts.texdelims import regions

    kept, _ = regions(text)  # code, math and HTML, in byte offsets
    for m in reversed(found):
        at = len(text[: m.start()].encode())
        if not any(a <= at < b for a, b in kept):
            text = text[: m.start()] + text[m.end() :]
    return text
