"""The plain text of a post, as a reader sees it without markup: its summary (the front
matter's, the text before its `<!--more-->` divider, or its opening paragraphs, cut at a word
boundary), its readable text, and its word count and reading time (CJK counted a character
at a time).

Read from pulldown-cmark's event stream, through the parser feedkit/posts/markup.py renders
HTML with: a summary reads a post's math, kramdown additions and typographer as its HTML does.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from feedkit.models import truncate
from feedkit.posts.asread import as_read
from feedkit.posts.events import tag_name
from feedkit.posts.markup import before_kramdown, kramdown_prepared, markdown, strip_xml_illegal
from feedkit.posts.mathtext import tex_to_text
from feedkit.posts.rawhtml import kept_markers
from feedkit.posts.reading import PLAIN, Reading
from feedkit.posts.sanitize import text_of

WORDS_PER_MINUTE = 230
# Readers take in about 500 CJK characters a minute; count them at that rate.
CJK_PER_MINUTE = 500
MORE_MARK = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.MULTILINE | re.IGNORECASE)
_DIVIDER = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)  # the summary's end, anywhere
# Hugo's (its pageparser's summaryDivider): `<!--more-->` as typed, no `<!-- More -->`.
_HUGO_DIVIDER = re.compile(re.escape("<!--more-->"))
# The CJK blocks counted a character at a time: kana, CJK ideographs (and Extension A),
# Hangul syllables, compatibility ideographs.
_CJK_BLOCKS = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
)
_CJK = "[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in _CJK_BLOCKS) + "]"
# Template tags, and kramdown's `{: .notice}` (a code span may show one): never in a summary.
_TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{:[^}\n]*\}", re.DOTALL)
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _cjk() -> re.Pattern[str]:
    """Return the pattern of a CJK character, compiled on first use: re takes 3 ms to compile
    its class of 39,000 code points, which a body with no CJK character never needs (one in
    English with emoji, say: see `_in_cjk_block`)."""
    return re.compile(_CJK)


@lru_cache(maxsize=1)
def _past_cjk_line() -> re.Pattern[str]:
    """Return the pattern of a character at or past U+3040, where CJK begins: a search in C
    (`max(body)` walks a long body a character at a time, a third of a millisecond a post),
    compiled on first use (1 ms) as `_cjk` is."""
    return re.compile("[^\x00-\u303f]")


def _in_cjk_block(char: str) -> bool:
    """Return True for a character of a CJK block: the few distinct characters past U+303F
    in a body (emoji, say) are looked at so, and `_cjk` is compiled only for a body with
    one of them in a CJK block."""
    return any(first <= ord(char) <= last for first, last in _CJK_BLOCKS)


def math_text(tex: str) -> str:
    """Return a formula as readable plain text for summaries (`α ∈ 𝒟`); TeX that cannot be
    read as math stays as written, between dollars."""
    text = tex_to_text(tex)
    return f"${tex}$" if text is None else text


# Blocks and spans whose text is not prose: code, an image's alt text, footnotes.
_SKIPPED = {"CodeBlock", "Image", "FootnoteDefinition", "MetadataBlock"}
_INLINE = {"Emphasis", "Strong", "Strikethrough", "Link", "Superscript", "Subscript"}


def _blocks(markdown_text: str, reading: Reading = PLAIN) -> Iterator[tuple[str, str]]:
    """Yield (kind, text) for each top-level block, read as `reading` says: the text a
    reader sees of it (its quotes and dashes as the site's typographer makes them).

    Raw HTML counts for what it shows (not a script's or a style's text).
    """
    depth = skip = 0
    kind = ""
    plain: list[str] = []
    marked: list[str] = []  # the same text as HTML, raw HTML included, read when there is some
    raw = False
    displayed = ""  # the text of display math in the block
    markdown_text = before_kramdown(markdown_text, reading)  # as markup.render_html reads it
    prepared = kramdown_prepared(markdown_text, reading)
    markdown_text = as_read(kept_markers(prepared, reading) if prepared else markdown_text, reading)
    for event in markdown(reading.smart, reading.options).events(markdown_text):
        if isinstance(event, str):  # SoftBreak, HardBreak, Rule
            if event == "Rule" and depth == 0:
                yield "Rule", ""
            elif not skip:
                plain.append(" ")
                marked.append(" ")
            continue
        ((key, value),) = event.items()
        text_value = value if isinstance(value, str) else ""
        if key == "Start":
            name = tag_name(value)
            if depth == 0:
                kind, plain, marked, raw, displayed = name, [], [], False, ""
            elif not skip and name not in _INLINE:  # a list in an item: apart from its text
                plain.append(" ")
                marked.append(" ")
            depth += 1
            if skip or name in _SKIPPED:
                skip += 1
        elif key == "End":
            depth -= 1
            if skip:
                skip -= 1
            elif tag_name(value) not in _INLINE:
                plain.append(" ")
                marked.append(" ")
            if depth == 0:
                text = text_of("".join(marked)) if raw else "".join(plain)
                if kind == "Paragraph" and displayed and text.strip() == displayed.strip():
                    kind = "DisplayMath"  # a formula on its own reads as math, not prose
                elif kind == "Paragraph" and raw and _MATHML_BLOCK.fullmatch("".join(marked)):
                    kind = "MathML"  # as one the post wrote in MathML (KaTeX's, pasted in)
                yield kind, text
        elif skip:
            continue
        elif key in ("Text", "Code"):
            plain.append(text_value)
            marked.append(html.escape(text_value, quote=False))
        elif key in ("InlineMath", "DisplayMath"):
            text = math_text(text_value)
            if key == "DisplayMath":
                displayed += text
            plain.append(text)
            marked.append(html.escape(text, quote=False))
        elif key in ("InlineHtml", "Html"):
            raw = True
            marked.append(text_value)


# A paragraph that is one displayed formula written in MathML (KaTeX's, pasted in).
_MATHML_BLOCK = re.compile(r'\s*<math\b[^>]*\bdisplay="block"[^>]*>.*</math>\s*', re.DOTALL)


def plain_text(markdown_text: str, reading: Reading = PLAIN) -> str:
    """Return the readable text of Markdown: no markup, entities or template tags, one line."""
    return _joined(_blocks(markdown_text, reading))


def _joined(blocks: Iterable[tuple[str, str]]) -> str:
    """Return the text of `blocks` (`_blocks`'), one line."""
    return collapse(" ".join(text for _, text in blocks))


_SENTENCE_END = tuple('.!?…"”’)»')


def _opening(blocks: Iterable[tuple[str, str]], limit: int) -> list[str]:
    """Return the opening paragraphs of `blocks`, enough for a summary of `limit`, as text;
    the blocks are read no further.

    Top-level paragraphs only: code, math, tables, headings and lists read badly as prose.
    The first such block ends the opening once there is a third of `limit` of text, and a
    lead-in paragraph ("…as follows:") right before it is dropped. Before that, a formula
    of TeX on its own is read on with the text around it, as its readable text: "We get:
    x² = 2 for…", not "We get: for…" (MathML written in the post is left out: its text
    without its TeX reads "a b" for a/b).
    """
    paragraphs: list[str] = []
    size = 0
    for kind, block_text in blocks:
        if kind == "Paragraph":
            text = collapse(block_text)
            if text:
                paragraphs.append(text)
                size += len(text) + 1
            if size > limit:
                break
        elif kind == "FootnoteDefinition":
            break
        elif kind == "DisplayMath" and size < limit / 3 and (text := collapse(block_text)):
            paragraphs.append(text)
            size += len(text) + 1
        elif size >= limit / 3:
            if paragraphs and not paragraphs[-1].endswith(_SENTENCE_END) and len(paragraphs) > 1:
                paragraphs.pop()
            break
    return paragraphs


def collapse(text: str) -> str:
    """Return `text` without template tags and with runs of whitespace made one space."""
    return _SPACE.sub(" ", _TEMPLATE_TAG.sub(" ", strip_xml_illegal(text))).strip()


def _dividers(body: str, first: bool = False, exact: bool = False) -> list[tuple[int, int]]:
    """Return where each `<!--more-->` outside code is in `body` (start, end), in order: on
    a line of its own or in a line of text, as Hugo and Jekyll find it; one in a code block
    or span is code. With `first`, only the first; with `exact`, only one written so, as
    Hugo takes it (else `<!-- More -->` too).

    Only the text up to the blank line after the last divider that counts is parsed: a
    blank line ends every code span and paragraph, and what follows it cannot make code of
    what came before (a fence or an indented block opens before its code). The divider
    usually follows a post's opening paragraphs, so this parses a fraction of the post.
    """
    if "<!--" not in body:
        return []
    divider = _HUGO_DIVIDER if exact else _DIVIDER
    candidates = list(divider.finditer(body))
    if not candidates:
        return []
    cut = body.find("\n\n", (candidates[0] if first else candidates[-1]).end())
    found = _dividers_in(body if cut < 0 else body[:cut], divider)
    if first and not found and cut >= 0:  # the first one is code: the next ones, further on
        found = _dividers_in(body, divider)
    return found[:1] if first else found


def _dividers_in(text: str, divider: re.Pattern[str]) -> list[tuple[int, int]]:
    data = b""
    found = []
    for event, span in markdown().events_with_range(text):
        if isinstance(event, dict):
            # An HTML block's line may have text after the divider (`<!--more--> Rest`):
            # Hugo and Jekyll cut the text there all the same.
            raw = event.get("Html", event.get("InlineHtml"))
            if isinstance(raw, str) and (m := divider.search(raw)) is not None:
                data = data or text.encode()  # the ranges count bytes
                start = len(data[: span["start"]].decode(errors="ignore"))
                start = text.index(m[0], start)
                found.append((start, start + len(m[0])))
    return found


def without_dividers(body: str, exact: bool = False) -> str:
    """Return `body` without its `<!--more-->` dividers (those in code stay; with `exact`,
    only those written so, as Hugo takes them). With `exact`, the first is where a block
    ends, as Hugo cuts the text there before Markdown reads it: `Intro <!--more--> rest`
    is two paragraphs, a list item's text after it a paragraph below the list."""
    parts: list[str] = []
    last = 0
    for start, end in _dividers(body, exact=exact):
        if exact and not parts:
            parts += [body[last:start], "\n\n"]
            last = len(body) - len(body[end:].lstrip())  # the text after it from its first
            continue
        parts += [body[last:start]]
        last = end
    return "".join(parts) + body[last:] if parts else body


def summarize(
    body: str, front_matter_summary: str | None, limit: int, reading: Reading = PLAIN
) -> str:
    """Return the plain-text summary: front matter's, else text before <!--more-->, else
    opening; read as the HTML is (`reading`: its typographer, its divider, say)."""
    if front_matter_summary and front_matter_summary.strip():
        return truncate(plain_text(front_matter_summary, reading), limit)
    more = _dividers(body, first=True, exact=reading.exact_divider)
    if more:  # the author's own cut: every block before it (a blockquote abstract, a list)
        excerpt = body[: more[0][0]] + _definitions(body[more[0][1] :])
        return truncate(_joined(_past_reading_line(_blocks(excerpt, reading))), limit)
    # Only the opening needs parsing: a few times the limit of source text covers it.
    head = body[: max(limit * 4, 2000)]
    cut = head.rfind("\n\n")
    if len(body) > len(head) and cut > limit:
        head = head[:cut]
    if len(head) < len(body) and "[" in head:  # a link or footnote defined further down
        head += _definitions(body[len(head) :])
    # A post that opens with no paragraph (a list, a quote, a heading) is summarised by the
    # text of those blocks: a summary is empty only when the post has no text at all.
    # The blocks read only as far as the opening goes (`_opening` stops there).
    opening = " ".join(_opening(_past_reading_line(_blocks(head, reading)), limit))
    if not opening:  # read again, whole: every block's text, but the reading-time line's
        opening = _joined(_past_reading_line(_blocks(head, reading)))
    # A post of its reading-time line alone (and an image, say) is summarised by that line.
    return truncate(opening or plain_text(head, reading), limit)


# A post's own line of its reading time, as the first thing under its title ("*⏱ 15 min
# read*", "Reading time: about 7 minutes", "Lesezeit: 5 Minuten", "5 min de lecture"):
# a summary, and the digest's card (which says the reading time itself), start after it.
_MINUTES = (
    r"(?:about|approx\.?|around|ca\.?|~|≈|etwa|environ|unos|aprox\.?)?\s*"
    r"\d+(?:\s*[-–]\s*\d+)?\s*-?\s*(?:min(?:ute)?s?|minuten?|minutos?)\.?"
)
_READING_LINE = re.compile(
    r"\W*(?:"
    r"(?:estimated\s+)?(?:reading\s+time|read\s+time|lesezeit|lesedauer|temps\s+de\s+lecture"
    r"|tiempo\s+de\s+lectura)\s*:?\s*" + _MINUTES + r"(?:\s+(?:read|reading|de\s+lecture))?"
    r"|" + _MINUTES + r"\s*(?:read|reading(?:\s+time)?|to\s+read|de\s+lecture|de\s+lectura"
    r"|lesezeit|lesen|lectura)"
    r")\W*",
    re.IGNORECASE,
)


def is_reading_line(text: str) -> bool:
    """Return True if a paragraph's text is a post's own reading-time line."""
    return bool(_READING_LINE.fullmatch(collapse(text)))


def _past_reading_line(blocks: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Yield `blocks` but a first paragraph that is the post's own reading-time line."""
    first = True
    for kind, text in blocks:
        if first and kind == "Paragraph" and is_reading_line(text):
            first = False
            continue
        first = False
        yield kind, text


# A link reference definition's first line (`[r]: https://…`), and a footnote's label.
_LINK_DEFINITION = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S.*$", re.MULTILINE)
_NOTE_DEFINITION = re.compile(r"^[ ]{0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)


def _definitions(rest: str) -> str:
    """Return the link reference definitions and footnote labels of the text after a
    summary's cut, as blocks to put after the text before it: a link or footnote there
    that refers to one defined further down reads as on the page (its text), not as
    typed (`[ref link][r]`, `[^1]`). Jekyll adds them to an excerpt so; Hugo renders the
    whole post before it cuts. A footnote's own text is no part of the summary."""
    if "]:" not in rest:
        return ""
    links = _LINK_DEFINITION.findall(rest)
    notes = dict.fromkeys(_NOTE_DEFINITION.findall(rest))
    return "".join(f"\n\n{line}" for line in links) + "".join(
        f"\n\n[^{label}]: ." for label in notes
    )


def measure(body: str) -> tuple[int, int]:
    """Return (word count, whole minutes to read it, at least 1) for a Markdown body.

    CJK text has no spaces between words: each CJK character counts as a word, read at
    about 500 a minute against 230 words a minute for space-separated scripts.
    """
    if body.isascii() or not any(map(_in_cjk_block, set(_past_cjk_line().findall(body)))):
        words, cjk = len(body.split()), 0
    else:
        cjk = len(_cjk().findall(body))
        words = len(_cjk().sub(" ", body).split()) if cjk else len(body.split())
    minutes = words / WORDS_PER_MINUTE + cjk / CJK_PER_MINUTE
    return words + cjk, max(1, math.ceil(minutes))
