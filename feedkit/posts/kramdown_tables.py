"""kramdown's tables (Jekyll's converter) where pulldown-cmark reads a table otherwise: which
are tables at all, and their cells (see kramdown_reading, which finds them; kramdown's
parser/kramdown/table.rb, checked against kramdown 2.4).
"""

from __future__ import annotations

import re

from feedkit.posts.kramdown_reading import blank, line_start

_ITEM = re.compile(rb"[ \t>]*(?:[*+-]|\d{1,9}[.)])(?:[ \t]|\r?\n)")


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
    lines = [header, *rows]
    leading = re.match(rb"[ \t>]*\|", data[header[0] : header[1]]) is not None
    counts = []
    for index, (begins, ends) in enumerate(lines):
        line = data[begins:ends].rstrip(b"\r\n")
        pipes, in_code = _pipes(line)
        edits += [(begins + at, begins + at, b"\\") for at in in_code]
        prefix = len(line) - len(line.lstrip(b" \t>"))
        cells = len(pipes) + 1
        starts_with_pipe = bool(pipes) and pipes[0] == prefix
        if starts_with_pipe and (leading or index == 0):
            cells -= 1  # kramdown drops a leading empty cell only if the header has one
        elif starts_with_pipe:
            edits.append((begins + prefix, begins + prefix, b"| "))
        if pipes and not line[pipes[-1] + 1 :].strip():
            cells -= 1
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


def _pipes(line: bytes) -> tuple[list[int], list[int]]:
    """Return where the unescaped `|` of a table's line are that split cells in kramdown
    (outside code spans), and where a backslash keeps each `|` in a code span the span's,
    as kramdown reads it."""
    cells: list[int] = []
    in_code: list[int] = []
    at = 0
    while at < len(line):
        char = line[at : at + 1]
        if char == b"\\":
            at += 2
        elif char == b"`":
            run = re.compile(rb"`+").match(line, at)
            assert run is not None
            close = re.compile(rb"(?<!`)" + run[0] + rb"(?!`)").search(line, run.end())
            if close is None:
                at = run.end()
                continue
            # GFM reads `\|` in a code span as `|`, kramdown as typed: one more backslash.
            in_code += [
                i - (line[i - 1 : i] == b"\\")
                for i in range(run.end(), close.start())
                if line[i : i + 1] == b"|"
            ]
            at = close.end()
        else:
            if char == b"|":
                cells.append(at)
            at += 1
    return cells, in_code


def _is_marker(line: bytes) -> bool:
    """True for a line that is only the marker of a kramdown attribute list (see
    kramdown.prepare): a table after one starts where kramdown's may."""
    return re.fullmatch(rb"[ \t>]*<!--kdx*-\d+-->[ \t]*\r?\n?", line) is not None
