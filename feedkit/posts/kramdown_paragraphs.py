"""Lines that kramdown's GFM input (Jekyll's default) reads as a paragraph's text where
pulldown-cmark ends the paragraph with them (kramdown_reading finds them; checked against
kramdown 2.4 with kramdown-parser-gfm 1.1).

kramdown's paragraph runs on until a blank line, or a line that starts a list, a heading,
a quote, a fence, a definition or block HTML (parser/gfm.rb's PARAGRAPH_END_GFM); a setext
heading is one line after a block's boundary (a blank line, its container's start). So:

- a setext underline (`===`, `---`) below two lines of text, or below one right under
  another block (a heading, a fence), is text there: `—` for `---`, where pulldown-cmark
  makes a heading of the lines above it;
- a rule right below a paragraph's line (`***`, `___`, `---` where pulldown-cmark makes no
  heading) is text, where pulldown-cmark draws a rule; `* * *` and `- - -` start a list
  in kramdown's reading of the paragraph's end, and are rules in both;
- a footnote's definition right below a paragraph's line (`[^1]: note`) is text, and the
  note is none: the reference shows as typed, where pulldown-cmark makes a note;
- a footnote's note is its first line and the lines indented below it: a line of text
  right below the first is a paragraph of the post's, where pulldown-cmark reads it as
  the note's (a note wrapped over two lines shows its second in the post);
- each line of the paragraph above a definition (`: …`) is a term of its own, where
  pulldown-cmark reads one term of them all;
- a list, a heading or a fence right below a quote's line is in the quote, up to a blank
  line or block HTML (kramdown's BLOCKQUOTE_MATCH, its lazy lines), where CommonMark ends
  the quote: its lines get the quote's `> `;
- two backslashes at a line's end, an escaped backslash, are a line break in kramdown's
  GFM input (its text, one backslash, and the line's end are its hard break), a
  backslash in pulldown-cmark.

kramdown_reading's quick looks find where they may be. The underline's or the rule's line
is indented four spaces (a paragraph's line then, never a heading, a rule or code), the
footnote's `[` escaped, a blank line put below a note's first line, each line break in a
term made `TERM_BREAK`, which `terms_apart` makes the end of one term and the start of
the next in the HTML, and one of the two backslashes taken out.
"""

from __future__ import annotations

import re
from typing import Any

from feedkit.posts.events import tag_name, tag_of
from feedkit.posts.kramdown_lines import LAZY_END, blank, line_start, right_below

_CONTENT = re.compile(rb"[ \t>]*")
_LIST_START = re.compile(rb"[*+-][ \t]")  # ends kramdown's paragraph: the rule is one


def underline_as_text(
    data: bytes, start: int, end: int, first: bool
) -> list[tuple[int, int, bytes]]:
    """Return the indent that makes the underline of the setext heading at `start` (to
    `end`; the first block of its container or not) paragraph text, where kramdown reads
    it as text: below two lines, or below one that another block's line is right above."""
    if data[_content(data, start) : start + 1] == b"#":
        return []  # an ATX heading
    underline = line_start(data, end - 1)
    lines = data[start:underline].count(b"\n")
    if lines < 2 and (first or not right_below(data, start)):
        return []
    at = _content(data, underline)
    return [(at, at, b"    ")]


def _content(data: bytes, at: int) -> int:
    """Return where the text of the line at `at` starts, past quote marks and spaces."""
    m = _CONTENT.match(data, at)
    return m.end() if m else at


def rule_as_text(data: bytes, start: int) -> list[tuple[int, int, bytes]]:
    """Return the indent that makes the rule at `start`, right below a paragraph's line,
    that paragraph's text, as kramdown reads it (not `* * *`: a list's start ends the
    paragraph there)."""
    if not right_below(data, start) or _LIST_START.match(data, start):
        return []
    return [(start, start, b"    ")]


def footnote_as_text(data: bytes, start: int) -> list[tuple[int, int, bytes]]:
    """Return the escape that makes the footnote's definition at `start`, right below a
    paragraph's line, text, as kramdown reads it."""
    if not right_below(data, start) or not data.startswith(b"[^", start):
        return []
    return [(start, start, b"\\")]


def footnote_lines(data: bytes, start: int, end: int) -> list[tuple[int, int, bytes]]:
    """Return the blank line that ends the footnote's note at `start` (to `end`, a block at
    the top) after its first line, as kramdown ends it, when a line of text not indented
    four spaces (kramdown's code block indent) follows."""
    line = data.find(b"\n", start) + 1
    if not line or line >= end or re.match(rb"(?:\t| {4}|[ \t]*\r?\n)", data[line : line + 4]):
        return []
    return [(line, line, b"\n")]


# What a line break in a definition's term is made (kramdown makes each line a term).
TERM_BREAK = "<!--kramdown-term-->"


def term_break(data: bytes, start: int, end: int) -> tuple[int, int, bytes]:
    """Return the edit that makes the line break at `start` (to `end`) in a definition's
    term `TERM_BREAK`: a backslash before it stays (kramdown's term is the line's text)."""
    backslash = b"\\\\" if data.startswith(b"\\", start) else b""
    return (start, end, backslash + TERM_BREAK.encode() + b"\n")


def terms_apart(html_text: str) -> str:
    """Return pyromark's HTML with each `TERM_BREAK` the end of a term and the start of the
    next."""
    return html_text.replace(TERM_BREAK + "\n", "</dt>\n<dt>")


def backslashes_break(data: bytes, start: int) -> list[tuple[int, int, bytes]]:
    """Return the edit that makes the line's end at `start` after an even run of
    backslashes a line break, as kramdown's GFM input reads it: the last escaped backslash
    and the line's end are its hard break, so one backslash goes."""
    run = len(data[:start]) - len(data[:start].rstrip(b"\\"))
    return [(start - 1, start, b"")] if run and run % 2 == 0 else []


def into_quote(data: bytes, start: int) -> list[tuple[int, int, bytes]]:
    """Return the `> ` that put the block at `start`, right below a quote (not in another
    block), and the lines after it up to a blank line or block HTML into the quote."""
    line = line_start(data, start)
    if data[line:start].strip(b" ") or not right_below(data, start):
        return []
    edits: list[tuple[int, int, bytes]] = []
    while line < len(data):
        next_line = data.find(b"\n", line) + 1 or len(data)
        if blank(data[line:next_line]) or LAZY_END.match(data, line, next_line):
            break
        edits.append((line, line, b"> "))
        line = next_line
    return edits


def takes_in(began: Any, lists: bool = False) -> bool:
    """True for the start of a block that kramdown reads into a list item or a quote right
    above it (their lazy lines) and pulldown-cmark starts after it: a fenced code block, a
    heading or a quote, with `lists` a list too; not block HTML (`began`: an event's
    Start, or None)."""
    if not isinstance(began, dict):
        return False
    fenced = "CodeBlock" in began and began["CodeBlock"] != "Indented"
    return fenced or "Heading" in began or "BlockQuote" in began or (lists and "List" in began)


def text_ended(event: dict) -> bool:
    """True for an event of a paragraph's text (text, code, HTML, an inline element's end)
    or a paragraph's end."""
    tag = tag_of(event)
    return tag is None or (
        tag[0] == "End" and tag[1] in ("Paragraph", "Emphasis", "Strong", "Strikethrough", "Link")
    )


def starts_container(began: Any) -> bool:
    """True for the start of a list item, a quote or a definition (`began`: an event's
    Start, or None)."""
    name = None if began is None else tag_name(began)
    return name in ("Item", "BlockQuote", "DefinitionListDefinition")
