"""kramdown's constructs read from a post's text: attribute lists (block, span, list item),
their definitions, `{:toc}`, `{::extensions}` and abbreviations, each made a marker and the fix
it stands for, or left out with a warning (posts/kramdown.py finds where the text is).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from feedkit.posts.kramdown import Fix, Prepared

# Patterns as text, compiled where they are used (see posts/kramdown.py).
_EXTENSION = r"\{::(\w+)(?:\s((?:\\\}|[^}\n])*?))?(/)?\}"
_STOP = r"\{:/(\w[\w-]*)?\}"
_ALD = r"\{:(\w[\w-]*):((?:\\\}|[^}\n])*)\}"
_IAL = r"\{:((?:\\\}|[^}\n])*)\}"
# A span IAL may go on over lines of its paragraph, as kramdown's SPAN_IAL reads it
# (`[fix][3]{:⏎ lang="x"}`); not over a blank line, which ends the paragraph.
_SPAN_IAL = r"\{:((?:\\\}|[^}\n]|\n(?![ \t>]*\n))*)\}"
_ATTRIBUTE = (
    r"""\s*(?:(?P<key>\w[\w-]*)=(?:"(?P<dq>(?:\\.|[^"\\])*)"|'(?P<sq>(?:\\.|[^'\\])*)')"""
    r"""|(?P<short>(?:#[A-Za-z][\w:-]*|\.\w[\w-]*)+)|(?P<ref>\w[\w-]*))(?=\s|\Z)"""
)
_SHORT = r"([#.])([^#.]+)"
# A line of an HTML block that is only a kramdown attribute list or extension tag.
_HTML_LINE = r"(?m)^[ \t]*(\{:(?:\\\}|[^}\n])*\})[ \t\r]*$"
_ABBREVIATION = r"(?m)^([ \t>]*)\*\[([^\]\n]+)\]:([^\n]*)$"
_CONTAINER = " \t>"
_ITEM_START = r"(?:^|[ \t>])(?:[*+-]|\d{1,9}[.)])[ \t]+\Z"


@dataclass(eq=False)
class TextRun:
    """A run of a post's text, where kramdown's constructs may stand."""

    start: int
    end: int
    after_element: bool  # right after an image, link, emphasis or code span
    list_start: int  # the innermost list holding it (-1: none)
    list_ordered: bool


class _Reader:
    """One pass over a post's text: the edits to make and the fixes they stand for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.edits: list[tuple[int, int, str]] = []
        self.fixes: list[Fix] = []
        self.warnings: list[tuple[int, str]] = []
        self.alds: dict[str, list[tuple[str, str]]] = {}
        # IAL fixes whose references need the ALDs: (fix number, where, names)
        self.pending: list[tuple[int, int, list[str]]] = []
        self.directions: dict[int, str] = {}  # line start → "after"/"before"/"removed"
        self.marker = "kd"
        while f"<{self.marker}-" in text.lower() or f"<!--{self.marker}-" in text.lower():
            self.marker += "x"

    def marked(self, number: int, block: bool) -> str:
        return f"<!--{self.marker}-{number}-->" if block else f"<{self.marker}-{number}>"

    def warn(self, pos: int, message: str) -> None:
        self.warnings.append((self.text.count("\n", 0, pos), message))

    def mark(self, start: int, end: int, fix: Fix, block: bool, refs: Iterable[str] = ()) -> None:
        self.fixes.append(fix)
        number = len(self.fixes) - 1
        if refs:
            self.pending.append((number, start, list(refs)))
        self.edits.append((start, end, self.marked(number, block)))


def _inside(ranges: list[tuple[int, int]], pos: int) -> bool:
    return any(s <= pos < e for s, e in ranges)


def read_constructs(
    text: str,
    texts: list[TextRun],
    protected: list[tuple[int, int]],
    headings: list[tuple[int, int, int]],
    html_lines: list[tuple[int, int]],
) -> Prepared:
    """Return `text` with the kramdown constructs in `texts` (not in `protected` ranges)
    made markers, and what each stands for; `headings` for a table of contents."""
    reader = _Reader(text)
    starts = [t.start for t in texts]
    done = 0  # text before this offset is taken by an edit
    skip: set[int] = set()
    for found in re.finditer(r"\{:", text):
        i = found.start()
        where = bisect_right(starts, i) - 1
        if i < done or i in skip or where < 0 or texts[where].end <= i:
            continue
        if i and text[i - 1] == "\\":
            continue  # written as text on purpose
        done = _construct(reader, texts[where], i, skip)
    for start, end in html_lines:  # HTML is not read as Markdown: its attribute lists go
        for m in re.compile(_HTML_LINE).finditer(text, start, end):
            if not any(s <= m.start(1) < e for s, e, _ in reader.edits):
                reader.warn(m.start(1), f"{m[1]} inside HTML is not applied; left out")
                reader.edits.append((m.start(1), m.end(1), ""))
    abbreviations: dict[str, str] = {}
    for found in re.compile(_ABBREVIATION).finditer(text):
        star = found.start(2) - 2
        if _inside(protected, star) or any(s <= star < e for s, e, _ in reader.edits):
            continue
        abbreviations[found[2]] = found[3].strip()
        reader.edits.append((star, found.end(), ""))
        reader.directions[found.start()] = "removed"
    for number, where, refs in reader.pending:
        reader.fixes[number] = _resolved(reader, reader.fixes[number], refs, where)
    if any(fix.kind == "toc" for fix in reader.fixes):
        for _, end, content in headings:
            if content >= 0:
                fix = Fix("heading", text=_heading_text(text[content:end]))
                reader.fixes.append(fix)
                reader.edits.append((content, content, reader.marked(len(reader.fixes) - 1, False)))
    pieces: list[str] = []
    at = 0
    for start, end, replacement in sorted(reader.edits, key=lambda e: (e[0], e[1])):
        if start < at:
            continue
        pieces += [text[at:start], replacement]
        at = end
    pieces.append(text[at:])
    return Prepared(
        "".join(pieces),
        reader.marker,
        tuple(reader.fixes),
        tuple(sorted(abbreviations.items(), key=lambda a: -len(a[0]))),
        tuple(sorted(reader.warnings)),
    )


def _construct(reader: _Reader, where: TextRun, i: int, skip: set[int]) -> int:
    """Read the kramdown construct at `i`; return the offset its text ends at."""
    text = reader.text
    line_start = text.rfind("\n", 0, i) + 1
    line_end = text.find("\n", i)
    line_end = len(text) if line_end < 0 else line_end
    prefix = text[line_start:i]
    alone = prefix.strip(_CONTAINER) == ""
    if m := re.compile(_EXTENSION).match(text, i):
        return _extension(reader, m, alone and text[m.end() : line_end].strip() == "", skip)
    if m := re.compile(_STOP).match(text, i):
        reader.warn(i, f"{m[0]} closes no {{::…}} extension; left out")
        return _drop(reader, i, m.end())
    m = re.compile(_IAL).match(text, i) or (None if alone else re.compile(_SPAN_IAL).match(text, i))
    if m is None:
        reader.warn(i, f"{text[i:line_end].strip()!r}: kramdown syntax not understood; left out")
        return _drop(reader, i, i + 2)
    refs: list[str] = []
    block = alone and text[m.end() : line_end].strip() == ""
    if block and (ald := re.compile(_ALD).match(text, i)) and ald.end() == m.end():
        reader.alds[ald[1]] = _attributes(reader, i, ald[2], refs)
        reader.alds[ald[1]] += [("\0ref", ref) for ref in refs]
        reader.directions[line_start] = "removed"
        return _drop(reader, i, ald.end())
    if not block:
        end = m.end()
        if re.compile(_ITEM_START).search(prefix):
            kind = "item"  # kramdown's list item IAL: `* {:.c} text`
            end += len(text[end:line_end]) - len(text[end:line_end].lstrip())
        elif i == where.start and where.after_element:
            kind = "span"
        else:
            reader.warn(
                i,
                f"{m[0]} follows plain text, so it applies to nothing: put it right after an "
                "image, link, emphasis or code span; left out",
            )
            return _drop(reader, i, m.end())
        attrs = _attributes(reader, i, m[1], refs)
        reader.mark(i, end, Fix(kind, tuple(attrs)), False, refs)
        return end
    attrs = _attributes(reader, i, m[1], refs)
    if "toc" in refs:
        return _toc(reader, where, i, m.end(), attrs, refs)
    direction = _direction(reader, line_start, line_end)
    reader.directions[line_start] = direction
    if direction == "none":
        reader.warn(
            i,
            f"{m[0]} has a blank line before and after it, so it applies to no block: put "
            "it on the line right after the block; left out",
        )
        return _drop(reader, i, m.end())
    reader.mark(i, m.end(), Fix(direction, tuple(attrs)), True, refs)
    return m.end()


def _drop(reader: _Reader, start: int, end: int) -> int:
    reader.edits.append((start, end, ""))
    return end


def _direction(reader: _Reader, line_start: int, line_end: int) -> str:
    """Return whether a block IAL line applies to the block before it, after it, or none."""
    text = reader.text
    if line_start:
        before = text.rfind("\n", 0, line_start - 1) + 1
        seen = reader.directions.get(before)
        if seen in ("after", "before"):
            return seen
        if seen != "removed" and text[before : line_start - 1].strip(_CONTAINER):
            return "after"
    following = text[line_end + 1 : text.find("\n", line_end + 1) % (len(text) + 1)]
    return "before" if line_end < len(text) and following.strip(_CONTAINER) else "none"


def _toc(reader: _Reader, where: TextRun, i: int, end: int, attrs: list, refs: list) -> int:
    if where.list_start < 0 or any(s >= where.list_start for s, _, _ in reader.edits):
        reader.warn(i, "{:toc} must follow the list it replaces, as in '* TOC'; left out")
        return _drop(reader, i, end)
    refs.remove("toc")
    # An IAL on the line before the list is the list's, as kramdown gives it to the table
    # that takes the list's place (`{: class="table-of-content"}` then `* TOC`); marked to
    # apply to the block after it, it went to the first heading instead.
    if reader.edits and (before := _before_ial(reader, where.list_start)) is not None:
        attrs = [*reader.fixes[before].attrs, *attrs]
        start, stop, _ = reader.edits[-1]
        reader.edits[-1] = (start, stop, "")
    fix = Fix("toc", tuple(attrs), "ol" if where.list_ordered else "ul")
    reader.mark(where.list_start, end, fix, True, refs)
    return end


def _before_ial(reader: _Reader, block_start: int) -> int | None:
    """Return the number of the fix of a block IAL right before `block_start` that applies
    to the block after it (the last edit made), None when there is none (or when its
    references wait for the ALDs, which are read at the end)."""
    start, stop, made = reader.edits[-1]
    m = re.fullmatch(rf"<!--{re.escape(reader.marker)}-(\d+)-->", made)
    if m is None or reader.text[stop:block_start].strip(" \t\n>"):
        return None
    number = int(m[1])
    waiting = any(pending[0] == number for pending in reader.pending)
    return number if reader.fixes[number].kind == "before" and not waiting else None


def _extension(reader: _Reader, m: re.Match[str], block: bool, skip: set[int]) -> int:
    text, name = reader.text, m[1]
    attrs = _attributes(reader, m.start(), m[2] or "", [])
    body, end = "", m.end()
    if not m[3]:
        stop = re.compile(r"\{:/(?:" + re.escape(name) + r")?\}").search(text, m.end())
        if stop is None:
            reader.warn(m.start(), f"{m[0]} has no closing {{:/{name}}}; left out")
            return _drop(reader, m.start(), m.end())
        body, end = text[m.end() : stop.start()], stop.end()
        if name not in ("comment", "nomarkdown", "options"):
            skip.add(stop.start())
            reader.edits.append((stop.start(), stop.end(), ""))
            end = m.end()
    if name == "nomarkdown":
        kinds = dict(attrs).get("type", "html").split()
        raw = body.strip("\n") if block else body
        fix = Fix("raw", text=raw if "html" in kinds else "")
        reader.mark(m.start(), end, fix, block)
        return end
    if name not in ("comment", "options"):
        reader.warn(m.start(), f"{{::{name}}}: unknown kramdown extension; its tags left out")
    return _drop(reader, m.start(), end)


def _attributes(reader: _Reader, pos: int, source: str, refs: list[str]) -> list[tuple[str, str]]:
    """Return the attributes an attribute list sets; add the names it refers to to `refs`."""
    attrs: list[tuple[str, str]] = []
    at = 0
    source = source.rstrip()
    while at < len(source):
        m = re.compile(_ATTRIBUTE).match(source, at)
        if m is None:
            bad = source[at:].split()[0]
            reader.warn(pos, f"{bad!r} in {{:{source}}} is not an attribute; left out")
            at = source.find(bad, at) + len(bad)
            continue
        at = m.end()
        if m["key"]:
            value = m["dq"] if m["dq"] is not None else m["sq"]
            attrs.append((m["key"], re.sub(r"\\(.)", r"\1", value)))
        elif m["short"]:
            for sign, name in re.compile(_SHORT).findall(m["short"]):
                attrs.append(("class" if sign == "." else "id", name))
        else:
            refs.append(m["ref"])
    return attrs


def _resolved(
    reader: _Reader, fix: Fix, refs: list[str], where: int, seen: frozenset[str] = frozenset()
) -> Fix:
    """Return `fix` with the attributes of the definitions it refers to before its own."""
    attrs: list[tuple[str, str]] = []
    for ref in refs:
        if ref in seen:
            continue
        if ref not in reader.alds:
            if ref != "footnotes":
                reader.warn(where, f"{{: {ref}}}: no attribute list definition {{:{ref}: …}}")
            continue
        own = [a for a in reader.alds[ref] if a[0] != "\0ref"]
        inner = [v for k, v in reader.alds[ref] if k == "\0ref"]
        attrs += list(_resolved(reader, Fix(fix.kind), inner, where, seen | {ref}).attrs) + own
    return Fix(fix.kind, (*attrs, *fix.attrs), fix.text)


def _heading_text(source: str) -> str:
    """Return a heading's text as kramdown keeps it for its ID (`raw_text`)."""
    lines = source.rstrip("\n").split("\n")
    if len(lines) > 1 and re.fullmatch(r"[ \t]*(?:=+|-+)[ \t]*", lines[-1]):
        lines.pop()
    text = " ".join(line.strip() for line in lines)
    text = re.sub(r"\s*\{[^{}]*\}\s*$", "", text)
    return re.sub(r"(?:^|\s+)#+\s*$", "", text).strip()
