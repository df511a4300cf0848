"""Emoji codes (`:tada:`) as emoji, in a Hugo site whose configuration sets `enableEmoji` or a
Jekyll site that uses the jemoji plugin: what its pages show, readers of its feeds see too.
The codes are GitHub's (gemoji), as Hugo's and jemoji's; the emoji library knows them as its
"alias" language.

Where a code becomes emoji is where the site's generator makes one. Hugo's Goldmark reads
codes in the Markdown's text: code, a link's address, a bare URL that its linkify makes a
link, and raw HTML are left as written. jemoji reads the page's HTML after kramdown made it
(html-pipeline's EmojiFilter on its text nodes): the text of raw HTML and of an autolink
too, but no attribute value (a link's address or title, an image's alt text, a kramdown
attribute list's values), no comment, and nothing inside a `<pre>`, `<code>` or `<tt>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from feedkit.posts.events import tag_name

if TYPE_CHECKING:
    from feedkit.posts.reading import Reading

_CODE = re.compile(r":[a-z0-9_+-]+:")  # GitHub's emoji names: :smile:, :+1:, :t-rex:
# Each code, overlapping (`:nope:tada:` has two), and its name; in a page's HTML, for
# jemoji, a colon may be written as a character reference (`&#58;tada&#58;`) too.
_CANDIDATE = re.compile(r"(?=(:([a-z0-9_+-]+):))")
_COLON_REFERENCE = re.compile(r"&#0*58;|&#[xX]0*3[aA];|&colon;")
_COLON = rf"(?::|{_COLON_REFERENCE.pattern})"
_HTML_CANDIDATE = re.compile(rf"(?=({_COLON}([a-z0-9_+-]+){_COLON}))")
# Raw HTML's markup, the rest being its text: comments, declarations, start and end tags
# (CommonMark's, whose attribute values may hold ">").
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)|<[!?][^>]*>?"
    r"|<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"""(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*(/?)>""",
    re.S,
)
_CODE_ELEMENTS = ("pre", "code", "tt")  # html-pipeline EmojiFilter's ignored ancestors
# Where a raw HTML element left open in a paragraph ends: there, as the page's HTML parser
# closes it with the paragraph.
_INLINE_BLOCKS = ("Paragraph", "Heading", "TableCell")
_KRAMDOWN_CONSTRUCT = re.compile(r"\{:(?:\\\}|[^}\n])*\}")  # as kramdown_syntax's _IAL
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # ASCII's, each escaped in a link's text


def uses_jemoji(config: Mapping[str, Any]) -> bool:
    """True when a Jekyll `_config.yml`'s `plugins` (or older `gems`) list jemoji."""
    for key in ("plugins", "gems"):
        names = config.get(key)
        if isinstance(names, list) and "jemoji" in names:
            return True
    return False


def emojify(text: str, *, in_html: bool = True, reading: Reading | None = None) -> str:
    """Return Markdown `text` with its emoji codes as the emoji they name where its site's
    generator makes them (see the module's docstring): with `in_html`, jemoji's places in
    the page kramdown makes of `text`; without, Goldmark's in its Markdown. A code that
    names none (`10:30:00`, `:nope:`) stays as written. With a `reading` that makes bare
    URLs links (Hugo's linkify), they are left as written too: Goldmark reads them as links,
    not text; one whose `kramdown` is on keeps kramdown's `{: …}` as written for jemoji."""
    if _CODE.search(text) is None and not (in_html and _colon_references(text)):
        return text
    data = text.encode()
    raw = data.decode("latin-1")  # one character a byte: offsets are the ranges' own
    places = _readable(text, in_html, reading)
    edits: list[tuple[int, int, bytes]] = []
    for start, end, shown in _emoji_codes(raw, places.text, in_html):
        if start - 1 in places.escapes:
            start -= 1  # `\:`, an escaped colon: the page has `:`, where jemoji reads the code
        edits.append((start, end, shown.encode()))
    for start, end in places.autolinks:
        edits.extend(_autolink_text(data, start, end))
    for start, end, replacement in sorted(edits, reverse=True):
        data = data[:start] + replacement + data[end:]
    return data.decode() if edits else text


def _colon_references(text: str) -> bool:
    """True when `text` has a colon written as a character reference (`&#58;`)."""
    # Looked for at each "&" found, as few as they are: a search of the whole text with a
    # pattern takes as long as the quick look for a code.
    at = text.find("&")
    while at >= 0:
        if _COLON_REFERENCE.match(text, at):
            return True
        at = text.find("&", at + 1)
    return False


def _emoji_codes(
    text: str, readable: list[tuple[int, int]] | None = None, in_html: bool = False
) -> Iterator[tuple[int, int, str]]:
    """Yield where each emoji code in `text` is (its start and end) and the emoji it names,
    read from left to right as html-pipeline's pattern and Goldmark's parser read them: a
    colon that starts no code (`:nope:`, `10:30:`) may end one, as in `:nope:tada:`. With
    `readable` ranges, only codes inside one are read; `in_html`, colons written as
    character references are colons, as in the page jemoji reads."""
    import emoji

    after = 0
    for m in (_HTML_CANDIDATE if in_html else _CANDIDATE).finditer(text):
        start, end = m.start(), m.start() + len(m[1])
        if start < after or (readable is not None and not _inside(readable, start, end)):
            continue
        code = f":{m[2]}:"
        shown = emoji.emojize(code, language="alias")
        if shown != code:
            after = end
            yield start, end, shown


def _inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in ranges)


def _autolink_text(data: bytes, start: int, end: int) -> list[tuple[int, int, bytes]]:
    """Return the edit that shows the autolink `<…>` at `start:end` of `data` with its
    text's codes as emoji and its address as written, as jemoji leaves it (a Markdown link
    says that), or none when its text has no emoji."""
    url = data[start + 1 : end - 1].decode()
    if "\\" in url:  # it would be an escape in the link's address
        return []
    shown = url
    for first, last, emoji in reversed(list(_emoji_codes(url))):
        shown = shown[:first] + emoji + shown[last:]
    if shown == url:
        return []
    link = "[" + _PUNCTUATION.sub(r"\\\1", shown) + "](<" + url + ">)"
    return [(start, end, link.encode())]


class _Places(NamedTuple):
    """Where emoji codes are read in a Markdown text: byte ranges and offsets."""

    text: list[tuple[int, int]]  # its text, where codes are read
    autolinks: list[tuple[int, int]]  # jemoji reads an autolink's text, not its address
    escapes: set[int]  # backslashes that escape a character of the text (jemoji's reading)


def _readable(text: str, in_html: bool, reading: Reading | None) -> _Places:
    """Return where Markdown `text`'s emoji codes are read: its text's byte ranges, and
    (with `in_html`, for jemoji) its autolinks and escapes. Goldmark reads codes in its
    text only: never code, math, a link's address or title, an autolink, a bare URL
    `reading` links, or a link reference definition. jemoji reads them in the text of the
    page's HTML: the Markdown's text and raw HTML's, but not an image's alt text, raw
    HTML's markup (its tags with their attributes, comments) or what is inside its `<pre>`,
    `<code>`, `<tt>`, nor kramdown's `{: …}` when `reading` is kramdown's. Ranges that touch
    are one: pulldown-cmark may split a text in two."""
    from feedkit.posts.markup import markdown  # at use: only a body with a code needs it

    raw = text.encode().decode("latin-1")
    texts: list[tuple[int, int]] = []
    verbatim: list[tuple[int, int]] = []  # code blocks, metadata, autolinks: their text too
    autolinks: list[tuple[int, int]] = []
    links = _bare_links(text, reading)
    in_code = 0  # raw HTML's `<pre>`, `<code>` and `<tt>` open here
    in_code_before: list[int] = []  # in_code where each paragraph, heading or cell began
    images = 0  # an image's text is its alt attribute
    escapes: set[int] = set()
    read_to = 0  # where the last event that is not a Start or an End ends
    event: Any
    for event, where in markdown(options=_text_options()).events_with_range(text):
        if links is not None:
            links.event(event, where["start"], where["end"])
        if not isinstance(event, dict):
            read_to = where["end"]
            continue
        ((kind, value),) = event.items()
        span = (where["start"], where["end"])
        name = tag_name(value) if kind in ("Start", "End") else None
        if kind not in ("Start", "End"):
            # pulldown-cmark's text starts after a backslash escape, which no event holds
            if kind == "Text" and in_html and read_to < span[0] and raw[span[0] - 1] == "\\":
                escapes.add(span[0] - 1)
            read_to = span[1]
        if kind == "Text":
            if not in_html or (images == 0 and in_code == 0):
                texts.append(span)
        elif in_html and (kind == "InlineHtml" or (kind == "End" and name == "HtmlBlock")):
            found, in_code = _html_text(raw, *span, in_code)
            texts += found
        elif kind == "Start" and name in ("CodeBlock", "MetadataBlock"):
            verbatim.append(span)
        elif kind == "Start" and name == "Link" and value[name]["link_type"] == "Email":
            verbatim.append(span)
        elif kind == "Start" and name == "Link" and value[name]["link_type"] == "Autolink":
            verbatim.append(span)
            if in_html and in_code == 0:
                autolinks.append(span)
        elif in_html and name == "Image":
            images += 1 if kind == "Start" else -1
        elif in_html and name in _INLINE_BLOCKS:
            if kind == "Start":
                in_code_before.append(in_code)
            elif in_code_before:
                in_code = in_code_before.pop()
    merged: list[tuple[int, int]] = []
    for start, end in sorted(texts):
        if _inside(verbatim, start, end):
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    if in_html and reading is not None and reading.kramdown and "{:" in text:
        kramdown = [m.span() for m in _KRAMDOWN_CONSTRUCT.finditer(raw)]
        merged = _without(merged, kramdown)
    if links is not None:
        links.finish()
        # a bare link's text is cut out of the text around it
        merged = _without(merged, [(first, last) for first, last, _ in links.edits])
    return _Places(merged, autolinks, escapes)


def _html_text(raw: str, start: int, end: int, in_code: int) -> tuple[list[tuple[int, int]], int]:
    """Return the ranges of the raw HTML at `start:end` of `raw` that are text outside a
    `<pre>`, `<code>` or `<tt>` (with `in_code` of them open before it), and how many are
    open after it."""
    texts: list[tuple[int, int]] = []
    at = start
    for m in _MARKUP.finditer(raw, start, end):
        if at < m.start() and in_code == 0:
            texts.append((at, m.start()))
        at = m.end()
        if m[2] is not None and m[2].lower() in _CODE_ELEMENTS and not m[3]:
            in_code = max(in_code - 1, 0) if m[1] else in_code + 1
    if at < end and in_code == 0:
        texts.append((at, end))
    return texts, in_code


def _without(ranges: list[tuple[int, int]], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return `ranges` with the ranges `cuts` cut out of them."""
    for first, last in cuts:
        ranges = [
            part
            for start, end in ranges
            for part in ((start, min(end, first)), (max(start, last), end))
            if part[0] < part[1]
        ]
    return ranges


@cache
def _text_options() -> Any:
    """Return the options `_readable` parses with: feedkit's own, without definition lists,
    so a line `:tada: shipped` after a paragraph's is its text (as `asread.as_read` makes
    it); a definition's text is text either way."""
    from feedkit.posts.reading import Reading

    return Reading(definition_lists=False).options


def _bare_links(text: str, reading: Reading | None) -> Any:
    """Return what finds the bare URLs `reading` makes links (`autolinks.BareLinks`), None
    when it makes none or `text` has none."""
    if reading is None or not reading.may_link(text):
        return None
    from feedkit.posts.autolinks import BareLinks

    return BareLinks.of(text.encode(), reading)
