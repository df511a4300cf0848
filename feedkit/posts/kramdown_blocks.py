"""HTML elements in a Jekyll post, read as kramdown reads them.

kramdown reads a block-level HTML element (`<div>`, `<figure>`…) to its end tag: blank
lines and indented lines in it are HTML. CommonMark ends the HTML block at the first blank
line, and an indented line after it is a code block: al-folio's rows of figures (indented
`<div>`s, with the blank lines that Liquid's `{% if %}` lines leave) reached readers as
code showing their tags. And kramdown reads an element's content as Markdown when it has
`markdown="1"`, which CommonMark does only after a blank line.

`html_elements` rewrites the text so CommonMark reads it so: in an element that runs past
its HTML block, a blank line followed by an indented line gets an empty HTML comment (the
block goes on; the sanitiser drops the comment), and a `markdown="1"` element gets a blank
line after its start tag and before its end tag. Where CommonMark's reading shows more
than kramdown's (Markdown between blank lines in a `<details>`, as GitHub shows it), it
is kept. With kramdown's `parse_block_html` (`_config.yml`, or `{::options}` in the post),
every element of kramdown's block content model is read as if it had `markdown="1"`, one
level of nesting a pass, and a `<p>` or heading alone on its lines becomes Markdown text with
its attributes as an attribute list (`kramdown.prepare` sets them again).

A line of span-level HTML (`<a name="x" />`) starts a paragraph in kramdown's GFM input
(Jekyll's default), where CommonMark starts an HTML block: `gfm_paragraphs` rewrites the
text so CommonMark reads it so, before Liquid and Markdown.

At render (see kramdown_reading), `markdown_after_element` ends an HTML block where its
first block element ends and Markdown follows, `comment_in_paragraph` keeps an HTML
comment right below a paragraph's line in the paragraph, and `text_after_comment` makes
the text after a comment that starts a block a paragraph, as kramdown reads them.
"""

from __future__ import annotations

import re

from feedkit.posts.kramdown_htmlends import markdown_after_element
from feedkit.posts.kramdown_lines import blank, line_start

_BLOCK_START = re.compile(
    rb"[ ]{0,3}<(article|aside|blockquote|center|details|div|figure|footer|header|nav|section)"
    rb"\b([^>]*)>[ \t]*(\r?\n|\Z)",
    re.IGNORECASE,
)
# Any element's start tag alone on its line (with `parse_block_html`).
_ANY_START = re.compile(rb"[ ]{0,3}<([A-Za-z][A-Za-z0-9-]*)\b([^>]*)>[ \t]*(\r?\n|\Z)")
_MARKDOWN_ATTRIBUTE = re.compile(rb"""\smarkdown\s*=\s*["']?(?:1|block)\b""", re.IGNORECASE)
_MARKDOWN_START = re.compile(
    rb"""<([A-Za-z][A-Za-z0-9-]*)\b[^>]*\smarkdown\s*=\s*["']?(?:1|block)\b[^>]*>""",
    re.IGNORECASE,
)
_MARKDOWN_OFF = re.compile(rb"""\smarkdown\s*=\s*["']?0\b""", re.IGNORECASE)
# kramdown's HTML_CONTENT_MODEL_BLOCK (parser/html.rb): with `parse_block_html`, an element
# of these has its content read as Markdown blocks, as with `markdown="1"`.
_BLOCK_CONTENT = frozenset(
    b"address applet article aside blockquote body dd details div dl fieldset figure "
    b"figcaption footer form header hgroup iframe li main map menu nav noscript object "
    b"section summary td".split()
)
_BLANK_THEN_INDENTED = re.compile(rb"\n[ \t]*(?=\r?\n(?:[ ]{4}|\t)[ \t]*\S)")
_KEEP_GOING = b"\n<!-- -->"
_BLANK_BYTES = re.compile(rb"\n[ \t]*(?=\r?\n)")
# How deep elements read as Markdown may nest: one pass of `html_elements` a level.
_DEPTH = 8


def html_elements(text: str, parse_block: bool = False) -> str:
    """Return a Jekyll post's Markdown with its top-level block HTML elements read to their
    end tags, as kramdown reads them (see the module's docstring); `text` when none.
    `parse_block`: kramdown's `parse_block_html` is on (`_config.yml`), or a
    `{::options parse_block_html="true" /}` in the post turns it on from there."""
    if "<" not in text:
        return text
    # An element read as Markdown has its content's elements read in the next pass, once
    # its tags are blocks of their own.
    for _ in range(_DEPTH):
        text, opened = _html_elements(text, parse_block)
        if not opened:
            break
    return text


# kramdown's `{::options … /}` extension turning `parse_block_html` on.
_BLOCK_OPTION = re.compile(r"""\{::options\b[^}]*\bparse_block_html=["']?true\b""")


def _html_elements(text: str, parse_block: bool) -> tuple[str, bool]:
    """Return `text` read as `html_elements` reads it, one level of elements deep, and
    whether an element was read as Markdown (`text` itself when nothing changed)."""
    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, int, bytes]] = []
    fenced: list[tuple[int, int]] = []
    blocks: list[tuple[int, int]] = []
    depth = 0
    for event, where in markdown().events_with_range(text):
        if not isinstance(event, dict) or not ("Start" in event or "End" in event):
            continue
        if "Start" in event:
            value = event["Start"]
            if depth == 0 and value == "HtmlBlock":
                blocks.append((where["start"], where["end"]))
            if isinstance(value, dict) and "Fenced" in str(value.get("CodeBlock", "")):
                fenced.append((where["start"], where["end"]))
            depth += 1
        else:
            depth -= 1
    done = 0
    opened = False
    start_at = 0 if parse_block else _option_start(text)
    # Where elements read as Markdown (`markdown="1"`) are: their content's blocks.
    regions = (
        [
            (found.end(), close)
            for found in _MARKDOWN_START.finditer(data)
            if (close := _end_tag(data, found.end(), found[1].lower().decode())) is not None
        ]
        if b"markdown" in data
        else []
    )

    def inside_markdown(at: int) -> bool:
        return any(a <= at < b for a, b in regions)

    for start, end in blocks:
        m = _BLOCK_START.match(data, start)
        name = m[1].lower() if m else b""
        as_markdown = m is not None and _MARKDOWN_ATTRIBUTE.search(m[2]) is not None
        if not as_markdown and start_at is not None and start >= start_at:
            if (any_start := _ANY_START.match(data, start)) is not None:
                name = any_start[1].lower()
                if name in _BLOCK_CONTENT and not _MARKDOWN_OFF.search(any_start[2]):
                    m, as_markdown = any_start, True
        if start < done and not inside_markdown(start):
            continue
        if m is None:
            if start_at is not None and start >= start_at and (span := _span_content(data, start)):
                edits.append(span)
                opened = True
            elif inside_markdown(start) and (split := markdown_after_element(data, start, end)):
                # In an element read as Markdown (Minimal Mistakes' toc: `<header>…</header>`
                # then its list and `{:toc}`): the Markdown below a one-line element is
                # Markdown before kramdown's additions are read, not at render alone.
                edits += split
                opened = True
            continue
        close = _end_tag(data, m.end(), name.decode())
        if close is None:
            continue
        if as_markdown:
            # Its content is Markdown between blank lines, its tags blocks of their own;
            # the elements in it are read in the next pass.
            made = _opened(data, m.end(), close)
            edits += made
            opened = opened or bool(made)
            continue
        # An element in it read as Markdown (`<aside>` then `<nav markdown="1">`, Minimal
        # Mistakes' toc): kramdown reads its content so, in raw HTML too.
        for nested in _MARKDOWN_START.finditer(data, m.end(), close):
            line_end = data.find(b"\n", nested.end()) + 1
            if (
                not line_end
                or data[line_start(data, nested.start()) : nested.start()].strip()
                or data[nested.end() : line_end].strip()
            ):
                continue  # not alone on its line
            inner_close = _end_tag(data, nested.end(), nested[1].lower().decode())
            if inner_close is not None and inner_close < close:
                made = _opened(data, line_end, inner_close)
                edits += made
                opened = opened or bool(made)
        if close < end:
            continue  # one HTML block holds it all: read alike
        done = close
        in_tags = [
            gap
            for gap in _BLANK_BYTES.finditer(data, m.end() - 1, close)
            if data.rfind(b"<", m.end(), gap.start()) > data.rfind(b">", m.end(), gap.start())
            and not any(a <= gap.start() < b for a, b in fenced)
        ]
        # A blank line inside a tag (what Liquid's `{% if %}` lines leave between a tag's
        # attributes): nothing, where a comment would break the tag.
        edits += [(gap.start(), gap.end(), b"") for gap in in_tags]
        inside = {gap.start() for gap in in_tags}
        for gap in _BLANK_THEN_INDENTED.finditer(data, m.end() - 1, close):
            if gap.start() not in inside and not any(
                a <= gap.start() < b for a, b in (*fenced, *regions)
            ):
                edits.append((gap.start(), gap.end(), _KEEP_GOING))
    for at, stop, new in sorted(edits, reverse=True):  # an element's, then those in it
        data = data[:at] + new + data[stop:]
    return (data.decode() if edits else text), opened


# An element whose content kramdown reads as Markdown text (HTML_CONTENT_MODEL_SPAN's that
# start an HTML block), its start tag's attributes, its content, to its end tag and the
# line's end.
_SPAN_ELEMENT = re.compile(
    rb"[ ]{0,3}<(p|h[1-6])((?:\s[^<>{}]*)?)>"
    rb"([^<>]*(?:<(?!/?\1\b)[^<>]*>[^<>]*)*)</\1>[ \t]*(?:\n|\Z)",
    re.IGNORECASE,
)
_HTML_ATTRIBUTE = re.compile(
    rb"""\s*([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
)
# A line that Markdown could read as more than text in a paragraph: a block's start (a
# heading, quote, list item, fence, table row, HTML) or a setext heading's underline.
_NOT_PLAIN = re.compile(rb"(?m)^[ \t]*(?:[#>*+=|<`~-]|\d+[.)]|$)")


def _span_content(data: bytes, start: int) -> tuple[int, int, bytes] | None:
    """Return the edit that makes a `<p>` or heading element at `start` (an HTML block's
    start, with `parse_block_html`) Markdown, its attributes an attribute list, as kramdown
    reads its content as text with Markdown; None when it is not one such element alone on
    its lines, or its text could read as more than a paragraph's or a heading's."""
    m = _SPAN_ELEMENT.match(data, start)
    if m is None:
        return None
    name, text = m[1].lower(), m[3].strip(b" \t\n")
    if not text or _NOT_PLAIN.search(text) is not None:
        return None
    attrs = b""
    at = 0
    while at < len(m[2].rstrip()):
        found = _HTML_ATTRIBUTE.match(m[2], at)
        if found is None:
            return None  # a bare attribute or one of another form: left as HTML
        value = next(v for v in found.groups()[1:] if v is not None)
        attrs += b' %s="%s"' % (found[1], value.replace(b"\\", b"\\\\").replace(b'"', b'\\"'))
        at = found.end()
    if name == b"p":
        block = text
    elif b"\n" in text or text.endswith(b"#"):
        return None
    else:
        block = b"#" * int(name[1:]) + b" " + text
    ial = b"\n{:%s}" % attrs if attrs else b""
    return (start, m.end(), block + ial + b"\n\n")


def _opened(data: bytes, tag_end: int, close: int) -> list[tuple[int, int, bytes]]:
    """Return the blank lines that make the content of an element read as Markdown (its
    start tag ending at `tag_end`, its end tag at `close`) blocks of their own: one after
    its start tag, one before its end tag when that stands at a line's start (none where
    there is one already)."""
    edits: list[tuple[int, int, bytes]] = []
    line = data.rfind(b"\n", 0, close) + 1
    before = data.rfind(b"\n", 0, max(line - 1, 0)) + 1
    if not _blank_at(data, tag_end):
        edits.append((tag_end, tag_end, b"\n"))
    if not data[line:close].strip() and line > tag_end and not blank(data[before:line]):
        edits.append((line, line, b"\n"))
    return edits


def _option_start(text: str) -> int | None:
    """Return where a `{::options parse_block_html="true" /}` in a post turns it on, in
    its UTF-8 bytes; None when none does."""
    found = _BLOCK_OPTION.search(text) if "parse_block_html" in text else None
    return None if found is None else len(text[: found.start()].encode())


def _blank_at(data: bytes, pos: int) -> bool:
    """Return True when the line starting at `pos` is blank (or the text ends there)."""
    stop = data.find(b"\n", pos)
    return blank(data[pos : len(data) if stop < 0 else stop])


def _end_tag(data: bytes, pos: int, name: str) -> int | None:
    """Return where the end tag of the element `name` opened before `pos` starts."""
    depth = 1
    for tag in re.finditer(rb"<(/?)" + name.encode() + rb"\b[^>]*>", data[pos:], re.IGNORECASE):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return pos + tag.start()
    return None


_BLANK_LINE = re.compile(r"\n[ \t]*(?=\r?\n)")


def raw_html(text: str) -> str:
    """Return an HTML post's body (a `.html` file in `_posts/`, which Jekyll does not read as
    Markdown) as one HTML block: Markdown then leaves it as written."""
    from feedkit.posts.plaintext import MORE_MARK

    more = MORE_MARK.search(text)
    if more:  # the cut stays on a line of its own, between the blocks, for the summary
        return f"{raw_html(text[: more.start()])}\n{more[0]}\n\n{raw_html(text[more.end() :])}"
    return "<div>" + _BLANK_LINE.sub("\n<!-- -->", text) + "\n</div>\n"


# Jekyll reads posts with kramdown's GFM input: a line of span-level HTML (`<a name="x" />`)
# starts a paragraph there, which a heading, list or quote on the next line ends. CommonMark
# starts an HTML block instead, which runs on to the next blank line and shows the Markdown
# in it as text.
_SPAN_HTML_LINE = (
    rb"(?i)[ ]{0,3}<(a|abbr|b|br|cite|code|em|i|img|kbd|mark|q|s|small|span|strong|sub|sup|time|u)"
    rb"\b[^<>]*>(?:</\1>)?[ \t]*\r?\n"
)


def gfm_paragraphs(text: str) -> str:
    """Return `text` with a blank line after each top-level line of span-level HTML that
    starts an HTML block of more lines: what follows it is Markdown, as Jekyll reads it."""
    if "<" not in text:
        return text
    from feedkit.posts.markup import markdown

    data = text.encode()
    cuts: list[int] = []
    depth = 0
    for event, where in markdown().events_with_range(text):
        if not isinstance(event, dict):
            continue
        if "Start" in event:
            if depth == 0 and event["Start"] == "HtmlBlock":
                m = re.compile(_SPAN_HTML_LINE).match(data, where["start"], where["end"])
                if m and data[m.end() : where["end"]].strip():
                    cuts.append(m.end())
            depth += 1
        elif "End" in event:
            depth -= 1
    for cut in reversed(cuts):
        data = data[:cut] + b"\n" + data[cut:]
    return data.decode() if cuts else text
