"""Python-Markdown's `toc` extension, for a Pelican site whose MARKDOWN names it: each heading
gets toc's id (its text slugified, `_1`, `_2` after the first), and a paragraph of nothing
but `[TOC]` becomes the table of contents, a nested list of links to the headings, as
Python-Markdown 3.4.1 makes them (toc's defaults: its marker, every level).
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1>", re.DOTALL)
_MARKER = re.compile(r"<p>\[TOC\]</p>\n?")
_OWN_ID = re.compile(r'\sid="([^"]*)"')
_COUNTED = re.compile(r"^(.*)_([0-9]+)$")


def with_toc(out: str) -> str:
    """Return pulldown-cmark's HTML of a post with toc's heading ids and table of contents."""
    if "<h" not in out:
        return _MARKER.sub("", out) if "[TOC]" in out else out
    used: set[str] = set()
    entries: list[tuple[int, str, str]] = []

    def heading(m: re.Match[str]) -> str:
        level, attributes, inner = int(m[1]), m[2], m[3]
        text = html.unescape(re.sub(r"<[^>]*>", "", inner))
        own = _OWN_ID.search(attributes)
        if own:
            ident = html.unescape(own[1])
            used.add(ident)
        else:
            ident = _unique(_slug(text), used)
            attributes = f' id="{html.escape(ident)}"{attributes}'
        entries.append((level, ident, " ".join(text.split())))
        return f"<h{level}{attributes}>{inner}</h{level}>"

    out = _HEADING.sub(heading, out)
    if "[TOC]" not in out:
        return out
    return _MARKER.sub(lambda _: _contents(entries), out, count=1)


def _slug(text: str) -> str:
    """Python-Markdown's toc slugify: accents dropped, other than word characters, spaces
    and hyphens left out, lower case, runs of spaces and hyphens one hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", ascii_text).strip().lower())


def _unique(ident: str, used: set[str]) -> str:
    while ident in used or not ident:
        counted = _COUNTED.match(ident)
        ident = f"{counted[1]}_{int(counted[2]) + 1}" if counted else f"{ident}_1"
    used.add(ident)
    return ident


def nested(entries: list[tuple[int, str, str]]) -> list[list[Any]]:
    """Return the headings `entries` (level, id, text) as a table of contents nests them:
    each [level, id, text, the entries below it], a lower level holding the higher ones
    after it (Python-Markdown's toc and kramdown's alike)."""
    roots: list[list[Any]] = []
    stack: list[list[Any]] = []
    for level, ident, text in entries:
        node: list[Any] = [level, ident, text, []]
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][3] if stack else roots).append(node)
        stack.append(node)
    return roots


def _contents(entries: list[tuple[int, str, str]]) -> str:
    roots = nested(entries)

    def items(nodes: list[list]) -> str:
        lines = []
        for _, ident, text, children in nodes:
            nested = f"<ul>\n{items(children)}</ul>\n" if children else ""
            link = f'<a href="#{html.escape(ident)}">{html.escape(text, quote=False)}</a>'
            lines.append(f"<li>{link}{nested}</li>\n")
        return "".join(lines)

    return f'<div class="toc">\n<ul>\n{items(roots)}</ul>\n</div>\n'
