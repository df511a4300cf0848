"""`as_python_markdown_reads`: what Python-Markdown, with which Pelican reads posts, reads
otherwise than CommonMark where following it keeps a post's text and structure, as edits to
the text that pulldown-cmark reads; and the syntax of its extensions that feedkit follows
(feedkit/posts/pymarkdown_extensions.py). Which extensions a Pelican site names:
feedkit/posts/pelicanmarkdown.py.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from feedkit.posts.edits import edited
from feedkit.posts.events import tag_of
from feedkit.posts.fences import may_leave_open, only_in_code
from feedkit.posts.kramdown_reading import AUTOLINK_START
from feedkit.posts.pymarkdown_extensions import MAY_NAME_LANGUAGE, admonitions, code_headers

# A line that may start with `#` and no space after it (`#Title`, `#100DaysOfCode`): a
# heading in Python-Markdown, text in CommonMark. In a quote or a list item too.
_TIGHT_HASHES = re.compile(r"^[ \t>\d.)*+-]*#{1,6}[^\s#]", re.MULTILINE)
_HASHES = re.compile(rb"#{1,6}(?=[^\s#])")
# What may stand before such a line's `#` in a quote or a list item: their markers.
_CONTAINER_PREFIX = re.compile(rb"(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t])))*[ \t]*")


def as_python_markdown_reads(
    text: str,
    options: Any,
    sane_lists: bool = False,
    codehilite: bool = False,
    admonition: bool = False,
) -> str:
    """Return Markdown `text` rewritten so that pulldown-cmark (with `options`) reads it as
    Python-Markdown does where CommonMark does not and a reader would see it: its lists (see
    pymarkdown_lists; `sane_lists`: with that extension), with `codehilite` an indented code
    block's first line that names its language (see `code_headers`) left out, a line of a
    paragraph, a quote or a list item that starts with `#` and no space a heading (a space
    after its hashes), a backslash at a line's end text, not a hard break (escaped), a
    table right below a paragraph's line that paragraph's text (see
    `gfmtables.tables_as_text`), a `|` in a code span in a table's row the span's (see
    `gfmtables.code_span_pipes`), a fence no fence closes text (see `_unclosed_fences`),
    and a setext underline below two lines no heading (see `_one_line_headings`); with
    `admonition`, its boxes (see `admonitions`). `text` itself when none of these
    differs."""
    from feedkit.posts.pymarkdown_lists import as_python_markdown_lists

    if admonition and "!!!" in text:
        text = admonitions(text)

    if "</" in text and _END_TAG_THEN_TEXT.search(text):
        text = _markdown_after_html(text, options)
    text = as_python_markdown_lists(text, options, sane_lists)
    if "|" in text:
        from feedkit.posts.gfmtables import code_span_pipes, tables_as_text

        text = code_span_pipes(tables_as_text(text, options), options)
    if may_leave_open(text):
        text = _unclosed_fences(text, options)
    if _UNDERLINE_BELOW_LINES.search(text) is not None:
        text = _one_line_headings(text, options)
    if "](" in text and _SPACED_TARGET.search(text):
        text = _spaced_targets(text, options)
    if "]:" in text and _UNBALANCED_DEFINITION.search(text):
        text = _unbalanced_definitions(text)
    if ">" in text and _QUOTE_AFTER_BLANK.search(text):
        text = _joined_quotes(text, options)
    if codehilite and MAY_NAME_LANGUAGE.search(text):
        text = code_headers(text, options)
    # `#include` or `#!/bin/sh` in a fenced code block is code: no parse to tell (a post
    # with shell or C code was parsed twice, here and for its HTML).
    hashes = _TIGHT_HASHES.search(text) is not None and not only_in_code(text, _has_hashes)
    if not hashes and "\\\n" not in text and "\\\r\n" not in text:
        return text
    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, bytes]] = []
    # In a paragraph or a tight list item; in a quote or list item; in a code block.
    paragraph = inside = code = 0
    for event, where in markdown(False, options).events_with_range(text):
        start = where["start"]
        if event == "HardBreak" and data[start : start + 1] == b"\\":
            edits.append((start, b"\\"))
        elif not hashes or not isinstance(event, dict):
            continue
        elif "Text" in event and paragraph and not code and (found := _HASHES.match(data, start)):
            line = data.rfind(b"\n", 0, start) + 1
            if line == start or (inside and _CONTAINER_PREFIX.fullmatch(data, line, start)):
                edits.append((found.end(), b" "))
        elif (tag := tag_of(event)) is not None:
            step = 1 if tag[0] == "Start" else -1
            name = tag[1]
            if name in ("Paragraph", "Item"):
                paragraph += step
            if name in ("Item", "BlockQuote"):
                inside += step
            code += step if name == "CodeBlock" else 0
    if not edits:
        return text
    pieces, at = [], 0
    for edit_at, new in edits:  # in the order of the text
        pieces += [data[at:edit_at], new]
        at = edit_at
    return b"".join([*pieces, data[at:]]).decode()


def _unclosed_fences(text: str, options: Any) -> str:
    """Return `text` with each top-level fenced code block that no fence closes made text,
    as Python-Markdown reads it (its fences are a pair or none): the opening fence's
    characters escaped, where pulldown-cmark (with `options`) ran the code on to the end of
    the post, hiding every heading and paragraph below it."""
    from feedkit.posts.edits import top_blocks
    from feedkit.posts.kramdown_fences import unclosed_fence
    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits = [
        edit
        for block, where in top_blocks(markdown(False, options).events_with_range(text))
        if isinstance(block, dict) and "Fenced" in str(block.get("CodeBlock"))
        for edit in unclosed_fence(data, where["start"], where["end"], strike=False)
    ]
    return edited(data, edits) if edits else text


# A setext underline right below two lines (a quick look, in a quote or list item too).
_UNDERLINE_BELOW_LINES = re.compile(
    r"(?m)^[ \t>]*\S[^\n]*\n[ \t>]*\S[^\n]*\n[ \t>]*(?:=+|-+)[ \t]*$"
)
# Python-Markdown's rule (its HRProcessor): three `-` or more, up to two spaces apart.
_DASHES_RULE = re.compile(rb"[ ]{0,3}(?:-+[ ]{0,2}){3,}[ \t\r]*")


def _one_line_headings(text: str, options: Any) -> str:
    """Return `text` with each setext heading of two lines or more no heading, as
    Python-Markdown reads it (its setext heading is one line): where its underline is a
    rule of dashes (`---`), the paragraph then that rule (a blank line put above it);
    `===` or `--`, the paragraph's text (the underline indented four spaces, a paragraph's
    line then), where pulldown-cmark (with `options`) made a heading of every line."""
    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, int, bytes]] = []
    for event, where in markdown(False, options).events_with_range(text):
        began = event.get("Start") if isinstance(event, dict) else None
        if not (isinstance(began, dict) and "Heading" in began):
            continue
        start, end = where["start"], where["end"]
        underline = data.rfind(b"\n", start, end - 1) + 1
        if underline <= start or data[start:underline].count(b"\n") < 2:
            continue  # an ATX heading (one line), or a setext heading of one line
        content = underline + len(data[underline:end]) - len(data[underline:end].lstrip(b" >"))
        prefix = data[underline:content].rstrip(b" ")
        if _DASHES_RULE.fullmatch(data[content:end].rstrip(b"\n")):
            edits.append((underline, underline, prefix + b"\n"))
        else:
            edits.append((content, content, b"    "))
    return edited(data, edits) if edits else text


# An end tag ending its line, a line of text right below it: Markdown, after an HTML block.
_END_TAG_THEN_TEXT = re.compile(rf"</[A-Za-z][^<>]*>[ \t]*\r?\n[ \t]*(?:[^\s<]|{AUTOLINK_START})")


def _markdown_after_html(text: str, options: Any) -> str:
    """Return `text` with a blank line after each top-level HTML block's first element
    where a line of Markdown follows right below its end tag: Python-Markdown reads a
    block-level element to its end tag and what follows as Markdown (`</table>` then `###
    Next`), where CommonMark's HTML block runs on to a blank line, the Markdown in it shown
    as typed. As kramdown reads it too (kramdown_htmlends.markdown_after_element)."""
    from feedkit.posts.kramdown_htmlends import html_block_ends
    from feedkit.posts.markup import markdown

    data = text.encode()
    # To its end tag past the block's end: CommonMark's ends at a blank line, which
    # Python-Markdown's reads on over (a table cell with a blank line in it).
    events = markdown(False, options).events_with_range(text)
    edits = html_block_ends(data, events, to_the_end=True)
    return edited(data, edits) if edits else text


# A link's target with a space in it and no title (`[Jan](https://github.com/Jan Holthuis)`).
_SPACED_TARGET = re.compile(
    r"\]\((?P<target>[^\s()<>\"'][^()<>\"'\n]*?[ \t][^()<>\"'\n]*?)[ \t]*\)"
)


def _spaced_targets(text: str, options: Any) -> str:
    """Return `text` with each link target that has a space in it, outside code, written
    `<…>`: Python-Markdown reads a target to its `)`, spaces and all, where CommonMark
    reads no link (the text stayed as typed); so written, CommonMark reads it too."""
    from feedkit.posts.texdelims import regions

    data = text.encode()
    code, _ = regions(text)  # code spans and blocks (and math), in bytes
    edits: list[tuple[int, int, bytes]] = []
    for m in _SPACED_TARGET.finditer(text):
        start = len(text[: m.start("target")].encode())
        if any(a <= start < b for a, b in code):
            continue
        end = start + len(m["target"].encode())
        edits.append((start, end, b"<" + data[start:end] + b">"))
    return edited(data, edits) if edits else text


# A reference definition whose target has a `)` (a URL that ends in one, as pasted).
_UNBALANCED_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*[^\s<][^\s]*\)", re.MULTILINE)
_DEFINITION_TARGET = re.compile(r"^([ ]{0,3}\[[^\]\n]+\]:[ \t]*)([^\s<]\S*)", re.MULTILINE)


def _unbalanced_definitions(text: str) -> str:
    """Return `text` with each reference definition's target whose parentheses do not pair
    up, outside code, written `<…>`: Python-Markdown takes the target to the line's end
    (`https://…/tensorphobia/)`), where CommonMark reads no definition (the link and the
    definition both stayed as typed)."""
    from feedkit.posts.texdelims import regions

    code, _ = regions(text)
    data = text.encode()
    edits: list[tuple[int, int, bytes]] = []
    for m in _DEFINITION_TARGET.finditer(text):
        target = m[2]
        if target.count("(") == target.count(")") or ">" in target:
            continue
        start = len(text[: m.start(2)].encode())
        if any(a <= start < b for a, b in code):
            continue
        end = start + len(target.encode())
        edits.append((start, end, b"<" + data[start:end] + b">"))
    return edited(data, edits) if edits else text


# A quote's line after a blank line: maybe a quote that Python-Markdown joins to one above.
_QUOTE_AFTER_BLANK = re.compile(r"\n[ \t]*\n[ ]{0,3}>")


def _joined_quotes(text: str, options: Any) -> str:
    """Return `text` with the blank lines between two top-level quotes written `>`: Python-
    Markdown adds a quote right after another (blank lines between) to it, one quote of
    several paragraphs, where CommonMark makes one quote each."""
    from feedkit.posts.markup import markdown

    data = text.encode()
    quotes: list[tuple[int, int]] = []
    depth = 0
    for event, where in markdown(False, options).events_with_range(text):
        if not isinstance(event, dict) or not ("Start" in event or "End" in event):
            continue
        if "Start" in event:
            began = event["Start"]
            if depth == 0 and (
                began == "BlockQuote" or isinstance(began, dict) and "BlockQuote" in began
            ):
                quotes.append((where["start"], where["end"]))
            depth += 1
        else:
            depth -= 1
    edits: list[tuple[int, int, bytes]] = []
    for (_, end), (start, _) in itertools.pairwise(quotes):
        gap = data[end:start]
        if gap.strip() or not end or data[end - 1 : end] != b"\n":
            continue  # something between them, or the quote's end is not a line's end
        *blank_lines, indent = gap.split(b"\n")  # whole blank lines, then the next's indent
        edits.append((end, start, b"".join(b">\n" for _ in blank_lines) + indent))
    return edited(data, edits) if edits else text


def _has_hashes(text: str, start: int, end: int) -> bool:
    """Return True when `text[start:end]` may have a `#Title` line (a `#` first: quicker)."""
    return text.find("#", start, end) >= 0 and _TIGHT_HASHES.search(text, start, end) is not None
