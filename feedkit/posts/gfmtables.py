"""Tables right below a paragraph's line, as GFM reads them (cmark-gfm, Goldmark): a header
row and a delimiter row there start a table, the lines above them the paragraph before it.
pulldown-cmark starts one there only when the header row begins with `|`; `Results:` then
`Name | Score`, `--- | ---` stayed one paragraph showing the table as typed.
`tables_after_lines` rewrites the text so that pulldown-cmark reads it as GFM does."""

from __future__ import annotations

import re
from typing import Any

from feedkit.posts.edits import edited, top_blocks

# A quick look for a line of text right above a header row that does not begin with `|`
# and a delimiter row (`tables_after_lines` reads the text to be sure), in two steps: a
# line with a `|` right above a delimiter row (the search starts only at a `|`, rare in
# prose), then the two lines above that row. One pattern for the three lines, tried at
# every line of a post, took 50-90 µs a post, a twentieth of rendering it.
_BAR_THEN_DELIMITER = re.compile(r"(?m)\|[^\n]*\n([ ]{0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[^\n]*)?)$")
_LINE_AND_HEADER = re.compile(r"[ ]{0,3}\S[^\n]*\n[ ]{0,3}[^|\s][^\n]*\|[^\n]*\n")
_DELIMITER_CELL = re.compile(r"[ \t]*:?-+:?[ \t]*")


def _may_have_table_after_line(text: str) -> bool:
    """Return whether `text` has a line of text right above a header row that does not
    begin with `|`, right above a delimiter row."""
    at = 0
    while found := _BAR_THEN_DELIMITER.search(text, at):
        row = found.start(1)  # a delimiter row, below a line with a `|`
        header = text.rfind("\n", 0, row - 1) + 1
        if header and _LINE_AND_HEADER.fullmatch(text, text.rfind("\n", 0, header - 1) + 1, row):
            return True
        at = row  # the row may be the next one's header row
    return False


def tables_after_lines(text: str, options: Any) -> str:
    """Return `text` with a blank line before each header row right below a top-level
    paragraph's line whose next line is a delimiter row of as many cells (`text` when
    none): the table GFM starts there, which pulldown-cmark (with `options`) then reads."""
    if "|" not in text or not _may_have_table_after_line(text):
        return text
    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits = [
        edit
        for block, where in top_blocks(markdown(False, options).events_with_range(text))
        if block == "Paragraph"
        for edit in _header_rows(data, where["start"], where["end"])
    ]
    return edited(data, edits) if edits else text


def _header_rows(data: bytes, start: int, end: int) -> list[tuple[int, int, bytes]]:
    """Return the blank line before the first header row among the lines of the paragraph
    at `start` (to `end`) after its first line; none when it has none."""
    lines = data[start:end].split(b"\n")
    at = start + len(lines[0]) + 1
    for header, delimiter in zip(lines[1:], lines[2:], strict=False):
        if not header.lstrip(b" ").startswith(b"|") and _is_delimiter_row(delimiter):
            if _cells(header) == _cells(delimiter):
                return [(at, at, b"\n")]
        at += len(header) + 1
    return []


def _cells(row: bytes) -> int:
    """Return how many cells a table row has: its unescaped `|`s, less a leading and a
    trailing one."""
    text = row.strip()
    bars = len(re.findall(rb"(?<!\\)\|", text))
    return bars + 1 - text.startswith(b"|") - (text.endswith(b"|") and not text.endswith(b"\\|"))


def _is_delimiter_row(row: bytes) -> bool:
    """Return whether `row` is a table's delimiter row (`--- | :-:`, `|---|`)."""
    text = row.decode("utf-8", "replace").strip()
    if "|" not in text and not text.startswith(":") and not text.endswith(":"):
        return False  # `---` alone is a setext underline or a rule
    cells = text.strip("|").split("|")
    return all(_DELIMITER_CELL.fullmatch(cell) for cell in cells)


def tables_as_text(text: str, options: Any) -> str:
    """Return `text` with each table right below a top-level paragraph's line made that
    paragraph's text, as Python-Markdown reads it (its tables start after a blank line):
    the header row's first `|` escaped, where pulldown-cmark (with `options`) starts a
    table; `text` when there is none."""
    if "|" not in text or "\n|" not in text.replace("\n ", "\n"):
        return text
    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, int, bytes]] = []
    before = None  # the top-level block above
    for block, where in top_blocks(markdown(False, options).events_with_range(text)):
        if before == "Paragraph" and isinstance(block, dict) and "Table" in block:
            line = data.rfind(b"\n", 0, where["start"]) + 1  # the table's first line
            above = data[data.rfind(b"\n", 0, max(line - 1, 0)) + 1 : max(line - 1, 0)]
            bar = data.find(b"|", line)
            if line > 0 and above.strip() and 0 <= bar:
                edits.append((bar, bar, b"\\"))
        before = block
    return edited(data, edits) if edits else text


# A `|` after a backtick on a line: maybe in a code span (a quick look).
_CODE_PIPE = re.compile(r"`[^\n]*\|")


def code_span_pipes(text: str, options: Any) -> str:
    """Return `text` with each `|` in a code span of a table's row escaped, so that
    pulldown-cmark (with `options`) keeps it in the span's cell, as Python-Markdown does
    (GFM splits the cell there: `ls | wc -l` in backticks lost `wc -l`'s cell); `text` when
    there is none."""
    if "`" not in text or _CODE_PIPE.search(text) is None:
        return text
    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, int, bytes]] = []
    for event, where in markdown(False, options).events_with_range(text):
        if isinstance(event, dict) and event.get("Start") in ("TableHead", "TableRow"):
            start = data.rfind(b"\n", 0, where["start"]) + 1  # the row's line
            end = data.find(b"\n", where["start"]) % (len(data) + 1)
            _, in_code = cell_pipes(data[start:end])
            edits += [(start + at, start + at, b"\\") for at in in_code]
    return edited(data, edits) if edits else text


def cell_pipes(line: bytes) -> tuple[list[int], list[int]]:
    """Return where the unescaped `|` of a table's line are that split cells in kramdown and
    Python-Markdown (outside code spans), and where a backslash keeps each `|` in a code
    span the span's, as both read it (GFM splits the cell there)."""
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
            # GFM reads `\|` in a code span as `|`, kramdown and Python-Markdown as typed:
            # one more backslash.
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
