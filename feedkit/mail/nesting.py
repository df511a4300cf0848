"""A post's HTML nested no deeper than a mail can carry.

premailer parses the digest with libxml2, which stops at 256 elements deep and drops the
rest of the document: a post quoted, listed or wrapped in `<div>`s some 250 deep lost its
text from there on, and the digest its footer (the unsubscribe link) with it. Past
`LIMIT` levels of a post's own markup its elements are left out and their text kept, each
block's text on a line of its own; no mail program indents a hundred levels anyway (a
card is 552 pixels wide).
"""

from __future__ import annotations

import re

LIMIT = 100  # levels of a post's own markup, well inside libxml2's 256 with the layout's

# A tag as an HTML5 serialiser writes it (the sanitiser's, nh3's): its attribute values
# quoted, where a `>` may stand; text and attribute values are escaped otherwise.
_TAG = re.compile(r"""<(/?)([A-Za-z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
# Elements whose text is a block of its own: left out, each ends its line.
_BLOCKS = frozenset(
    "address article aside blockquote dd details div dl dt figcaption figure footer h1 h2 h3 "
    "h4 h5 h6 header li main nav ol p pre section summary table tbody tfoot thead tr ul".split()
)
_CELLS = frozenset(("td", "th"))


def flattened(html: str, limit: int = LIMIT) -> str:
    """Return `html` with the elements nested deeper than `limit` left out, their text
    kept: a block's ends its line (`<br>`), a table cell's is followed by a space. HTML
    that is not as the sanitiser writes it (an end tag that closes no open element) is
    returned as it is."""
    if html.count("</") <= limit:  # fewer elements than levels: quick, as nearly always
        return html
    out: list[str] = []
    kept: list[tuple[str, bool]] = []  # the open elements: name, and whether written
    at = 0
    deep = False
    line = False  # text on the line since the last block began or ended

    def text(upto: int) -> None:
        nonlocal line
        out.append(html[at:upto])
        line = line or not html[at:upto].isspace() and at < upto

    def block_edge() -> None:  # a left-out block: its text on a line of its own
        nonlocal line
        if line:
            out.append("<br>")
            line = False

    for m in _TAG.finditer(html):
        text(m.start())
        at = m.end()
        name = m[2].lower()
        if not m[1] and (name in _VOID or m[3].rstrip().endswith("/")):
            out.append(m[0])
            line = line or name in ("img", "input")
            continue
        if not m[1]:  # a start tag
            written = len(kept) < limit
            deep = deep or not written
            kept.append((name, written))
        elif kept and kept[-1][0] == name:
            _, written = kept.pop()
        else:
            return html
        if written:
            out.append(m[0])
            line = line and name not in _BLOCKS
        elif name in _BLOCKS:
            block_edge()
        elif name in _CELLS and m[1]:
            out.append(" ")
    text(len(html))
    return "".join(out) if deep else html
