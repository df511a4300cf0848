"""A Jekyll post's title as jekyll-feed shows it: `post.title | smartify | strip_html`.

`smartify` reads the title with kramdown's SmartyPants parser, whose span-level HTML
(kramdown 2.4's `parse_span_html`) keeps an element's tags, which `strip_html` then takes
out, and writes as text what is no such element: a block element's tag (`The <div>
element`), an end tag that closes nothing (`Divs </div>`), a tag whose attributes are not
HTML's (`<img src=x onerror=f(1)>`). Titles about HTML keep those words: taking out every
`<…>` made "The <div> element" "The element". A title that starts with a tag of another
than a span element is read by kramdown's block-level HTML, and loses its tags here.
(`tests/fixtures/kramdown-reading/jekyll-feed-titles.json`, recorded from Jekyll 4.3.)
"""

from __future__ import annotations

import re

# REXML's names (kramdown's tag names), as far as titles go.
_NAME = r"(?:[A-Za-z_][\w.\-]*:)?[A-Za-z_][\w.\-]*"
_TAG = re.compile(
    rf"""<((?>{_NAME}))\s*((?>\s+{_NAME}(?:\s*=\s*(?:\w+|("|').*?\3))?)*)\s*(/)?>""", re.S
)
_END_TAG = re.compile(rf"</({_NAME})\s*>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)

_SPAN = frozenset(
    "a abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label mark "
    "option q rb rbc rp rt rtc ruby samp select small span strong sub sup tt u var".split()
)
_BLOCK = frozenset(
    "address article aside applet body blockquote caption col colgroup dd div dl dt fieldset "
    "figcaption footer form h1 h2 h3 h4 h5 h6 header hgroup hr html head iframe legend menu "
    "li main map nav ol optgroup p pre section summary table tbody td th thead tfoot tr "
    "ul".split()
)
_EMPTY = frozenset(
    "area base br col command embed hr img input keygen link meta param source track wbr".split()
)
_RAW = frozenset("script style math option textarea pre code kbd samp var".split())
_KNOWN = _SPAN | _BLOCK | _EMPTY | _RAW | frozenset(("details", "figure", "video", "audio"))
# Whose text `strip_html` takes out with the tags (`<script.*?</script>`, `<style.*?…`).
_HIDDEN = frozenset(("script", "style"))


def title_text(title: str) -> str:
    """Return a Jekyll title with the tags kramdown reads as HTML taken out (and the text of
    a script or style element with them), the rest as written: its quotes, dashes and
    entities are left to the caller (smartify's quotes, then the entities)."""
    if "<" not in title:
        return title
    start = title.lstrip()
    tag = _TAG.match(start) or _END_TAG.match(start)
    if start.startswith("<!--") or (tag and tag[1].lower() not in _SPAN):
        from feedkit.posts.posttitle import TITLE_MARKUP  # what strip_html takes out

        return TITLE_MARKUP.sub("", title)  # kramdown's block-level HTML, its tags
    out: list[str] = []
    _spans(title, 0, None, out)
    return "".join(out)


def _spans(src: str, at: int, stop: re.Pattern[str] | None, out: list[str]) -> int:
    """Read `src` from `at` as kramdown's spans, up to where `stop` matches (or the end),
    writing its text to `out`; return where it stopped (at `stop`'s match, or the end)."""
    while at < len(src):
        lt = src.find("<", at)  # where a tag, and `stop` (an end tag), may begin
        out.append(src[at:] if lt < 0 else src[at:lt])
        if lt < 0:
            return len(src)
        at = lt
        if stop is not None and stop.match(src, at):
            return at
        if src.startswith("<<", at):  # kramdown's typographic « (smartify makes it)
            out.append("<<")
            at += 2
        elif m := _COMMENT.match(src, at):
            at = m.end()
        elif m := _END_TAG.match(src, at):  # closes no element open here: text
            out.append(m[0])
            at = m.end()
        elif m := _TAG.match(src, at):
            at = _element(src, m, out)
        else:
            out.append("<")
            at += 1
    return at


def _element(src: str, m: re.Match[str], out: list[str]) -> int:
    """Read the element whose start tag `m` is, writing its text to `out`; return where it
    ends. kramdown's rules: a block element's tag is text; one left open is closed at the
    end of the title."""
    name = m[1].lower() if m[1].lower() in _KNOWN else m[1]
    if name in _BLOCK:
        out.append(m[0])
        return m.end()
    if m[4] or name in _EMPTY:
        return m.end()
    flags = re.IGNORECASE if name in _KNOWN else 0
    stop = re.compile(rf"</{re.escape(name)}\s*>", flags)
    inner: list[str] = []
    at = _spans(src, m.end(), stop, inner)
    if name not in _HIDDEN:
        out.extend(inner)
    found = stop.match(src, at)
    return found.end() if found else at
