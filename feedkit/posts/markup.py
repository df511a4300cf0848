"""Markdown → safe HTML with absolute URLs, HTML-free summaries, word counts and reading time."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from feedkit.posts.sanitize import close_self_closed, sanitize, text_of

WORDS_PER_MINUTE = 230
# Readers take in about 500 CJK characters a minute; count them at that rate.
CJK_PER_MINUTE = 500
MORE_MARK = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.MULTILINE | re.IGNORECASE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_SPACE = re.compile(r"\s+")
# XML 1.0 forbids these code points even as character references.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _render_math_inline(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    return f'<span class="math inline">${html.escape(tokens[idx].content, quote=False)}$</span>'


def _render_math_display(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    body = html.escape(tokens[idx].content.strip("\n"), quote=False)
    return f'<div class="math display">$$\n{body}\n$$</div>\n'


def _render_math_display_inline(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    return f'<span class="math display">$${html.escape(tokens[idx].content, quote=False)}$$</span>'


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """Return the shared Markdown parser: CommonMark, tables, strikethrough, footnotes, math."""
    md = (
        MarkdownIt("commonmark", {"html": True})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        # Pandoc's rules: "$5 and $6" is money, not math; "$a_i * b_i$" is math, untouched.
        .use(
            dollarmath_plugin,
            allow_labels=False,
            allow_space=False,
            allow_digits=False,
            double_inline=True,
        )
    )
    md.add_render_rule("math_inline", _render_math_inline)
    md.add_render_rule("math_inline_double", _render_math_display_inline)
    md.add_render_rule("math_block", _render_math_display)
    return md


def strip_xml_illegal(text: str) -> str:
    """Return `text` without the control characters XML cannot carry."""
    return XML_ILLEGAL.sub("", text)


def _close_self_closed(tokens: Sequence[Token]) -> None:
    for token in tokens:
        if token.type == "html_inline":
            token.content = close_self_closed(token.content)
        if token.children:
            _close_self_closed(token.children)


def render_html(body: str, base_url: str, doc_id: str) -> str:
    """Return the safe HTML of a Markdown body, every URL in it absolute against `base_url`."""
    md = markdown()
    env = {"docId": doc_id}  # footnote anchors unique per post when feeds carry many posts
    tokens = md.parse(MORE_MARK.sub("", body), env)
    _close_self_closed(tokens)
    return sanitize(md.renderer.render(tokens, md.options, env), base_url)


def _inline_text(children: Sequence[Token]) -> str:
    if any(child.type == "html_inline" for child in children):
        # Raw HTML: the text a reader would see of it, not the text of a script or style.
        md = markdown()
        return text_of(md.renderer.render(children, md.options, {}))
    out: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("math_inline", "math_inline_double"):
            out.append(f"${child.content}$")
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


def plain_text(markdown_text: str) -> str:
    """Return the readable text of Markdown: no markup, entities or template tags, one line."""
    tokens = markdown().parse(markdown_text, {})
    parts = [_inline_text(t.children) for t in tokens if t.type == "inline" and t.children]
    return collapse(" ".join(parts))


_SENTENCE_END = tuple('.!?…"”’)»')


def opening_text(markdown_text: str, limit: int) -> str:
    """Return the plain text of the opening paragraphs, enough for a summary of `limit`.

    Top-level paragraphs only: code, math, tables, headings and lists read badly as prose.
    The first such block ends the opening once there is a third of `limit` of text, and a
    lead-in paragraph ("…as follows:") right before it is dropped.
    """
    paragraphs: list[str] = []
    size = 0
    tokens = markdown().parse(markdown_text, {})
    for i, token in enumerate(tokens):
        if token.level != 0 or token.nesting == -1 or token.type == "inline":
            continue
        if token.type == "paragraph_open":
            inline = tokens[i + 1]
            text = collapse(_inline_text(inline.children or []))
            if text:
                paragraphs.append(text)
                size += len(text) + 1
            if size > limit:
                break
        elif token.type.startswith("footnote"):
            break
        elif size >= limit / 3:
            if paragraphs and not paragraphs[-1].endswith(_SENTENCE_END) and len(paragraphs) > 1:
                paragraphs.pop()
            break
    return " ".join(paragraphs)


def collapse(text: str) -> str:
    """Return `text` without template tags and with runs of whitespace made one space."""
    return _SPACE.sub(" ", _TEMPLATE_TAG.sub(" ", strip_xml_illegal(text))).strip()


def truncate(text: str, limit: int) -> str:
    """Return `text` cut at a word boundary at or before `limit` characters, ending in "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—([{\"'“‘") + "…"


def summarize(body: str, front_matter_summary: str | None, limit: int) -> str:
    """Return the plain-text summary: front matter's, else text before <!--more-->, else opening."""
    if front_matter_summary and front_matter_summary.strip():
        return truncate(plain_text(front_matter_summary), limit)
    more = MORE_MARK.search(body)
    if more:  # the author's own cut: every block before it (a blockquote abstract, a list)
        return truncate(plain_text(body[: more.start()]), limit)
    # Only the opening needs parsing: a few times the limit of source text covers it.
    head = body[: max(limit * 4, 2000)]
    cut = head.rfind("\n\n")
    if len(body) > len(head) and cut > limit:
        head = head[:cut]
    # A post that opens with no paragraph (a list, a quote, a heading) is summarised by the
    # text of those blocks: a summary is empty only when the post has no text at all.
    return truncate(opening_text(head, limit) or plain_text(head), limit)


def measure(body: str) -> tuple[int, int]:
    """Return (word count, whole minutes to read it, at least 1) for a Markdown body.

    CJK text has no spaces between words: each CJK character counts as a word, read at
    about 500 a minute against 230 words a minute for space-separated scripts.
    """
    if body.isascii():
        words, cjk = len(body.split()), 0
    else:
        cjk = len(_CJK.findall(body))
        words = len(_CJK.sub(" ", body).split()) if cjk else len(body.split())
    minutes = words / WORDS_PER_MINUTE + cjk / CJK_PER_MINUTE
    return words + cjk, max(1, math.ceil(minutes))
