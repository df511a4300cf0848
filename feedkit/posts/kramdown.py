"""kramdown's additions to Markdown (Jekyll's default engine), read before and after pyromark.

`prepare` finds kramdown's constructs in a post's text outside code (pyromark's own events say
where its text is, so code blocks, code spans, HTML and math keep `{:` verbatim), records what
each means and leaves a marker where it stood: `<!--kd-N-->` on a line of its own for the
block-level ones (an HTML comment ends the block before it, as kramdown's IAL line does), an
inline `<kd-N>` in text. `kramdown_html.finish` applies them to pyromark's HTML: attributes
onto the element, kramdown's table of contents, raw `{::nomarkdown}` HTML, `<abbr>` for
abbreviations. Markers that find no element are dropped by the sanitiser, as unknown markup.

Understood: block IALs (`{: .c #id k="v"}` on the line after a block, or before one), span
IALs after an image, link, emphasis or code span, list item IALs (`* {:.c} item`), ALDs
(`{:name: …}` used as `{: name}`), `{:toc}`, `{::comment}`, `{::nomarkdown}`, `{::options}`
(read and ignored), abbreviations (`*[HTML]: …`). Anything else starting with `{:` outside
code, attribute list lines inside HTML blocks too, is left out of the post and reported by
`warnings`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any

from feedkit.errors import Problem
from feedkit.models import Post

Attrs = tuple[tuple[str, str], ...]

# Patterns as text, compiled where they are used (re keeps each compiled): most posts have
# no kramdown syntax, and compiling them all took 1.5 ms of every build that renders a post.
_EXTENSION = r"\{::(\w+)(?:\s((?:\\\}|[^}\n])*?))?(/)?\}"
_STOP = r"\{:/(\w[\w-]*)?\}"
_ALD = r"\{:(\w[\w-]*):((?:\\\}|[^}\n])*)\}"
_IAL = r"\{:((?:\\\}|[^}\n])*)\}"
_ATTRIBUTE = (
    r"""\s*(?:(?P<key>\w[\w-]*)=(?:"(?P<dq>(?:\\.|[^"\\])*)"|'(?P<sq>(?:\\.|[^'\\])*)')"""
    r"""|(?P<short>(?:#[A-Za-z][\w:-]*|\.\w[\w-]*)+)|(?P<ref>\w[\w-]*))(?=\s|\Z)"""
)
_SHORT = r"([#.])([^#.]+)"
# A line of an HTML block that is only a kramdown attribute list or extension tag.
_HTML_LINE = r"(?m)^[ \t]*(\{:(?:\\\}|[^}\n])*\})[ \t\r]*$"
_HTML_CODE = r"(?i)<(?:pre|code|script|style|textarea)\b"
_ABBREVIATION = r"(?m)^([ \t>]*)\*\[([^\]\n]+)\]:([^\n]*)$"
_CONTAINER = " \t>"
_ITEM_START = r"(?:^|[ \t>])(?:[*+-]|\d{1,9}[.)])[ \t]+\Z"
_INLINE_ELEMENTS = {"Emphasis", "Strong", "Strikethrough", "Link", "Image"}
_INLINE_ELEMENTS |= {"Superscript", "Subscript"}


@dataclass(frozen=True, eq=False)
class Fix:
    """What one marker stands for."""

    kind: str  # after | before | span | item | raw | heading | toc
    attrs: Attrs = ()
    text: str = ""  # raw HTML (raw), the heading's source text (heading), ul/ol (toc)


@dataclass(frozen=True, eq=False)
class Prepared:
    """A post's text with kramdown's constructs as markers, and what they mean."""

    text: str
    marker: str  # the markers' name: <!--NAME-3-->, <NAME-3> (a name the post does not use)
    fixes: tuple[Fix, ...]
    abbreviations: tuple[tuple[str, str], ...]
    warnings: tuple[tuple[int, str], ...]  # (line in the text, counted from 0, message)


def has_kramdown(text: str) -> bool:
    """True when `text` may hold kramdown syntax (a substring test: most posts have none)."""
    # re's search for a two-character prefix takes a third of the time of `in`'s, on the
    # four-byte characters a post has all through when it has one emoji; `in` for one
    # character takes a sixth of re's, and most of the benchmark's posts have no "{".
    if "{" in text and re.search(r"\{:", text) is not None:
        return True
    return re.search(r"\*\[", text) is not None


def prepare(text: str) -> Prepared | None:
    """Return `text` with kramdown's constructs made markers, or None when it has none."""
    return _prepare(text) if has_kramdown(text) else None


def warnings(text: str) -> tuple[tuple[int, str], ...]:
    """Return (line from 0, message) for each kramdown construct in `text` not understood."""
    prepared = prepare(text)
    return prepared.warnings if prepared else ()


def problems(post: Post, body: str) -> list[Problem]:
    """Return a `path:line` warning for each kramdown construct in a post's body not understood."""
    return [
        Problem(post.rel_path, post.body_line + line, message, warning=True)
        for line, message in warnings(body)
    ]


@dataclass(eq=False)
class _Text:
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


@lru_cache(maxsize=4)
def _prepare(text: str) -> Prepared:
    from feedkit.posts.markup import markdown

    texts: list[_Text] = []
    protected: list[tuple[int, int]] = []  # code, HTML and math: never read as kramdown
    headings: list[tuple[int, int, int]] = []  # heading range and where its content starts
    stack: list[tuple[str, int, bool]] = []
    html_lines: list[tuple[int, int]] = []  # lines of HTML blocks with no code in them
    code = 0
    after_element = in_heading = html_code = False
    value: Any
    # pyromark's ranges count UTF-8 bytes; this module indexes the text by characters.
    at = None if text.isascii() else _char_index(text)
    for event, where in markdown().events_with_range(text, merge_text=True):
        start, end = where["start"], where["end"]
        if at is not None:
            start, end = at(start), at(end)
        if in_heading:  # the heading's content starts with this event
            in_heading = False
            if not (isinstance(event, dict) and "End" in event):
                headings[-1] = (*headings[-1][:2], start)
        if isinstance(event, str):
            after_element = False
            continue
        ((key, value),) = event.items()
        if key == "Start":
            name = value if isinstance(value, str) else next(iter(value))
            if name in ("CodeBlock", "MetadataBlock"):
                code += 1
                protected.append((start, end))
            elif name == "Heading":
                headings.append((start, end, -1))
                in_heading = True
            ordered = name == "List" and value[name] is not None
            stack.append((name, start, ordered))
            after_element = False
        elif key == "End":
            name, _, _ = stack.pop()
            html_code = html_code and name != "HtmlBlock"
            if name in ("CodeBlock", "MetadataBlock"):
                code -= 1
            after_element = name in _INLINE_ELEMENTS
        elif key == "Text" and not code:
            lists = [(s, o) for n, s, o in stack if n == "List"]
            list_start, ordered = lists[-1] if lists else (-1, False)
            texts.append(_Text(start, end, after_element, list_start, ordered))
            after_element = False
        else:
            if key == "Html":
                html_code = html_code or re.compile(_HTML_CODE).search(value) is not None
                if not html_code and "{:" in value:
                    html_lines.append((start, end))
            if key != "Text":
                protected.append((start, end))
            after_element = key == "Code" or (key == "InlineHtml" and value.startswith("</"))
    return _read(text, texts, protected, headings, html_lines)


def _char_index(text: str) -> Callable[[int], int]:
    """Return a function from a UTF-8 byte offset in `text` to its character index."""
    starts = list(accumulate((len(c.encode()) for c in text), initial=0))
    return lambda offset: bisect_left(starts, offset)


def _inside(ranges: list[tuple[int, int]], pos: int) -> bool:
    return any(s <= pos < e for s, e in ranges)


def _read(
    text: str,
    texts: list[_Text],
    protected: list[tuple[int, int]],
    headings: list[tuple[int, int, int]],
    html_lines: list[tuple[int, int]],
) -> Prepared:
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


def _construct(reader: _Reader, where: _Text, i: int, skip: set[int]) -> int:
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
    m = re.compile(_IAL).match(text, i)
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


def _toc(reader: _Reader, where: _Text, i: int, end: int, attrs: list, refs: list) -> int:
    if where.list_start < 0 or any(s >= where.list_start for s, _, _ in reader.edits):
        reader.warn(i, "{:toc} must follow the list it replaces, as in '* TOC'; left out")
        return _drop(reader, i, end)
    refs.remove("toc")
    fix = Fix("toc", tuple(attrs), "ol" if where.list_ordered else "ul")
    reader.mark(where.list_start, end, fix, True, refs)
    return end


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
