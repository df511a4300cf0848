"""kramdown's constructs applied to pyromark's HTML: attributes onto their elements, raw HTML,
heading IDs and the table of contents, `<abbr>`, and kramdown's inline-or-display math rule.

The HTML is pyromark's own writer's (one shape per construct, text escaped), read with small
patterns; markers come from `kramdown.prepare`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from feedkit.posts.events import tag_name
from feedkit.posts.kramdown import Attrs, Fix, Prepared

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*?)(/?)>")
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_VOID |= {"track", "wbr"}
_NEXT_TAG = re.compile(r"(?:\s|<!--.*?-->)*<([a-zA-Z])", re.DOTALL)
# pyromark's footnote and math markup: markup.py rewrites it by its exact shape, so it stays.
_OWN_MARKUP = re.compile(r'<(?:div|sup) class="footnote-|<span class="math ')
_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1>", re.DOTALL)
_LINK_TAG = re.compile(r"</?a\b[^>]*>")
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-reference">.*?</sup>', re.DOTALL)
# Text in these is never an abbreviation: code, and what is not text.
_NO_ABBR = {"code", "pre", "kbd", "samp", "script", "style", "abbr", "math"}


def finish(
    out: str, prepared: Prepared, gfm: bool = False, toc_levels: tuple[int, ...] = ()
) -> str:
    """Return pyromark's HTML of a prepared text with kramdown's constructs applied; with
    `gfm`, the heading IDs of kramdown's GFM input (Jekyll's default), not its own; its
    table of contents of the headings of `toc_levels` (all when empty)."""
    fixes = prepared.fixes
    name = re.escape(prepared.marker)
    marks = re.compile(rf"<!--{name}-(\d+)-->\n?|<{name}-(\d+)>")
    pos = 0  # heading and TOC markers wait for every attribute to be in place
    while m := marks.search(out, pos):
        fix = fixes[int(m[1] or m[2])]
        if fix.kind in ("heading", "toc", "raw"):
            pos = m.end()
            continue
        out = out[: m.start()] + out[m.end() :]
        pos = m.start()
        target = _target(out, pos, fix.kind)
        if target is not None and fix.attrs and not _OWN_MARKUP.match(out, target):
            out = _apply(out, target, fix.attrs)
    if any(fix.kind == "heading" for fix in fixes):
        out = _heading_ids(out, fixes, marks, gfm)
    if any(fix.kind == "toc" for fix in fixes):
        out = _toc(out, fixes, marks, toc_levels)
    if prepared.abbreviations:
        out = _abbreviate(out, prepared.abbreviations)
    if any(fix.kind == "raw" for fix in fixes):  # last: kramdown leaves raw HTML as it is

        def raw(m: re.Match[str]) -> str:
            fix = fixes[int(m[1] or m[2])]
            return fix.text + ("\n" if m[1] else "") if fix.kind == "raw" else m[0]

        out = marks.sub(raw, out)
    return out


def kramdown_math(source: str, out: str) -> str:
    """Return pyromark's HTML of `source` with each `$$…$$` that kramdown reads as inline
    math (it has other text around it) marked inline rather than display."""
    shown = display_math(source)
    if all(shown):
        return out
    count = iter(range(len(shown)))

    def one(m: re.Match[str]) -> str:
        index = next(count, len(shown))
        return m[0] if index >= len(shown) or shown[index] else '<span class="math math-inline">'

    return re.sub(r'<span class="math math-display">', one, out)


def display_math(source: str) -> list[bool]:
    """Return, for each `$$…$$` in Markdown `source`, whether kramdown shows it as display
    math: only when it stands alone as a block; with other text around, it is inline. At
    the top, a block stands alone only after a blank line (or first): right below a
    heading, a rule, code or HTML, kramdown reads its line as a paragraph's text."""
    from feedkit.posts.markup import markdown

    shown: list[bool] = []
    stack: list[list[Any]] = []  # block name, its formulas' indexes, whether it has more
    value: Any
    data = source.encode()  # pyromark's ranges count UTF-8 bytes
    for event, where in markdown().events_with_range(source):
        if isinstance(event, str):
            continue
        ((key, value),) = event.items()
        if key == "Start":
            if stack:
                stack[-1][2] = True
            # Right below a line that is not blank, at the top: text, as if it had more.
            more = not stack and _right_below_a_line(data, where["start"])
            stack.append([tag_name(value), [], more])
        elif key == "End":
            name, formulas, more = stack.pop()
            alone = name in ("Paragraph", "Item") and len(formulas) == 1 and not more
            for index in formulas:
                shown[index] = alone
        elif key == "DisplayMath":
            shown.append(True)
            if stack:
                stack[-1][1].append(len(shown) - 1)
        elif stack and (key != "Text" or value.strip()):
            stack[-1][2] = True
    return shown


def _right_below_a_line(data: bytes, start: int) -> bool:
    """Return whether the line above the one at `start` in `data` has text on it."""
    line = data.rfind(b"\n", 0, start) + 1
    if line == 0:
        return False
    above = data.rfind(b"\n", 0, line - 1) + 1
    return bool(data[above : line - 1].strip())


def _target(out: str, pos: int, kind: str) -> int | None:
    """Return where the start tag of the element a marker at `pos` stood for begins."""
    if kind == "before":  # the next element, past other markers (comments)
        m = _NEXT_TAG.match(out, pos)
        return m.start(1) - 1 if m else None
    if kind == "item":
        return _enclosing(out, pos, {"li"})
    end = pos
    while kind == "after" and end:  # the element before, past other markers (comments)
        if out[end - 1].isspace():
            end -= 1
        elif out.endswith("-->", 0, end) and (comment := out.rfind("<!--", 0, end)) >= 0:
            end = comment
        else:
            break
    if end and out[end - 1] == ">":
        start = out.rfind("<", 0, end)
        tag = _TAG.fullmatch(out, start, end)
        if tag and tag[1]:
            return _opening(out, start, tag[2].lower())
        if tag and (tag[4] or tag[2].lower() in _VOID):
            return start
    return _enclosing(out, end) if kind == "after" else None


def _tags(out: str, end: int) -> Iterator[re.Match[str]]:
    """Yield the tags before `end`, nearest first, read a window at a time (the tag wanted
    is nearly always close). Windows start at a "<", and no tag holds one, so none is cut."""
    stop = end
    while stop > 0:
        start = max(out.rfind("<", 0, stop - 2048), 0) if stop > 2048 else 0
        yield from reversed(list(_TAG.finditer(out, start, stop)))
        stop = start


def _opening(out: str, close: int, name: str) -> int | None:
    depth = 0
    for tag in _tags(out, close):
        if tag[2].lower() != name or tag[4]:
            continue
        if tag[1]:
            depth += 1
        elif depth:
            depth -= 1
        else:
            return tag.start()
    return None


def _enclosing(out: str, pos: int, names: set[str] | None = None) -> int | None:
    closed: list[str] = []
    for tag in _tags(out, pos):
        name = tag[2].lower()
        if tag[4] or name in _VOID:
            continue
        if tag[1]:
            closed.append(name)
        elif closed and closed[-1] == name:
            closed.pop()
        elif names is None or name in names:
            return tag.start()
    return None


def _parse(attributes: str) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for m in _ATTR.finditer(attributes):
        value = next((v for v in m.groups()[1:] if v is not None), None)
        found.append((m[1].lower(), None if value is None else html.unescape(value)))
    return found


def _apply(out: str, at: int, attrs: Attrs) -> str:
    """Return `out` with the start tag at `at` carrying `attrs` too (classes add up)."""
    tag = _TAG.match(out, at)
    if tag is None:
        return out
    name = tag[2]
    if name.lower() == "pre" and out.startswith("<code", tag.end()):
        # kramdown puts a code block's language class on its <code>, the rest on <pre>.
        language = tuple((k, v) for k, v in attrs if k == "class" and v.startswith("language-"))
        if language:
            out = _apply(out, tag.end(), language)
            attrs = tuple(a for a in attrs if a not in language)
    merged = dict(_parse(tag[3]))
    for key, value in attrs:
        key = key.lower()
        if key == "class" and merged.get("class"):
            classes = str(merged["class"]).split()
            merged["class"] = " ".join(classes + [c for c in value.split() if c not in classes])
        else:
            merged[key] = value
    written = "".join(
        f" {key}" if value is None else f' {key}="{html.escape(value)}"'
        for key, value in merged.items()
    )
    closing = " /" if tag[4] else ""
    return f"{out[:at]}<{name}{written}{closing}>{out[tag.end() :]}"


def _heading_ids(out: str, fixes: tuple[Fix, ...], marks: re.Pattern[str], gfm: bool) -> str:
    """Return `out` with an ID on each Markdown heading that has none: kramdown's auto ID,
    or with `gfm` its GFM input's (`_gfm_id`)."""
    used: dict[str, int] = {}
    pos = 0
    while m := marks.search(out, pos):
        fix = fixes[int(m[1] or m[2])]
        if fix.kind != "heading":
            pos = m.end()
            continue
        out = out[: m.start()] + out[m.end() :]
        pos = m.start()
        start = out.rfind("<h", 0, pos)
        tag = _TAG.match(out, start)
        if tag is None or not re.fullmatch(r"h[1-6]", tag[2]) or tag.end() != pos:
            continue
        if "id" not in dict(_parse(tag[3])):
            if gfm:  # the heading's text as shown: its quotes and dashes made, no markup
                inner = _FOOTNOTE_REF.sub("", out[pos : out.find("</h", pos)])
                made = _gfm_id(html.unescape(re.sub(r"<[^>]*>", "", inner)), used)
            else:
                made = _auto_id(fix.text, used)
            out = _apply(out, start, (("id", made),))
    return out


def _auto_id(text: str, used: dict[str, int]) -> str:
    """Return kramdown's ID for a heading's text: ASCII letters, digits and dashes, unique."""
    made = re.sub(r"^[^a-zA-Z]+", "", text)
    made = re.sub(r"[^a-zA-Z0-9 -]", "", made).replace(" ", "-").lower() or "section"
    if made in used:
        used[made] += 1
        return f"{made}-{used[made]}"
    used[made] = 0
    return made


def _gfm_id(text: str, used: dict[str, int]) -> str:
    """Return the ID kramdown-parser-gfm gives a heading of `text` (its raw text, quotes
    and dashes made): lower case, what is not a word character, `-`, space or tab left
    out, spaces and tabs dashes, `-1`, `-2`… after one used already (generate_gfm_header_id)."""
    made = re.sub(r"[^\w\- \t]", "", text.lower()).replace(" ", "-").replace("\t", "-")
    used[made] = used.get(made, -1) + 1
    return f"{made}-{used[made]}" if used[made] else made


def _toc(
    out: str, fixes: tuple[Fix, ...], marks: re.Pattern[str], levels: tuple[int, ...] = ()
) -> str:
    """Return `out` with the first `{:toc}` list replaced by kramdown's table of contents:
    a nested list of links to the headings that have an ID (not class `no_toc`), of
    `levels` (all when empty)."""
    entries: list[tuple[int, str, str]] = []
    for heading in _HEADING.finditer(out):
        if levels and int(heading[1]) not in levels:
            continue
        attributes = dict(_parse(heading[2]))
        if attributes.get("id") and "no_toc" not in str(attributes.get("class") or "").split():
            inner = _FOOTNOTE_REF.sub("", _LINK_TAG.sub("", heading[3]))
            entries.append((int(heading[1]), str(attributes["id"]), inner))
    made = False

    def one(m: re.Match[str]) -> str:
        nonlocal made
        fix = fixes[int(m[1] or m[2])]
        if fix.kind != "toc":
            return m[0]
        if made or not entries:
            return ""
        made = True
        attrs = (("id", "markdown-toc"), *fix.attrs)
        return _apply(f"<{fix.text}>", 0, attrs) + "\n" + _toc_items(entries, fix.text)

    return marks.sub(one, out)


def _toc_items(entries: list[tuple[int, str, str]], tag: str) -> str:
    from feedkit.posts.pelicantoc import nested

    roots = nested(entries)

    def items(nodes: list[list]) -> str:
        lines = []
        for _, ident, inner, children in nodes:
            ref = html.escape(ident)
            nested = f"\n<{tag}>\n{items(children)}</{tag}>\n" if children else ""
            lines.append(f'<li><a href="#{ref}" id="markdown-toc-{ref}">{inner}</a>{nested}</li>\n')
        return "".join(lines)

    return f"{items(roots)}</{tag}>\n"


def _abbreviate(out: str, abbreviations: tuple[tuple[str, str], ...]) -> str:
    """Return `out` with each abbreviation in its text (not in code) as `<abbr title>`."""
    titles = {html.escape(name, quote=False): title for name, title in abbreviations}
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, titles)) + r")(?!\w)")

    def abbr(m: re.Match[str]) -> str:
        title = titles[m[1]]
        if not title:
            return f"<abbr>{m[1]}</abbr>"
        return f'<abbr title="{html.escape(title)}">{m[1]}</abbr>'

    parts = re.split(r"(<[^<>]*>)", out)
    inside: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:
            tag = _TAG.fullmatch(part)
            if tag is None or tag[4]:
                continue
            name = tag[2].lower()
            if name == "span" and 'class="math' in tag[3]:
                name = "math"
            closes = inside and inside[-1] == ("math" if name == "span" else name)
            if tag[1] and closes:
                inside.pop()
            elif not tag[1] and name in _NO_ABBR:
                inside.append(name)
        elif part and not inside:
            parts[index] = pattern.sub(abbr, part)
    return "".join(parts)
