"""Where kramdown (Jekyll's converter, its GFM input by default) reads Markdown otherwise
than pulldown-cmark, the source rewritten so pulldown-cmark reads it as kramdown does.

Checked against kramdown 2.4 with kramdown-parser-gfm 1.1 under Jekyll 4.3's settings
(the cases are tests/fixtures/kramdown-reading.json):

- `1) item` is no list item in kramdown (only `1.` is): its `)` is escaped.
- kramdown numbers every ordered list from 1, whatever its first item's number (an
  attribute list's `start` apart): that number is made 1.
- A line `2. item` right after a paragraph's line starts a list in kramdown's GFM input
  (any number, where CommonMark lets only `1.` interrupt a paragraph): a blank line is
  put before it.
- The lines right below a list item are the item's in kramdown, up to a blank line: a list
  of the other kind there (`1. step` then `- detail`, indented less than the step's text)
  is in the item, where pulldown-cmark ends the list and starts another beside it; so
  is a fence, a heading or a quote, up to the next item (not block HTML or an attribute
  list). Their lines are indented to the item's text. And items of bullets right below
  each other are one list in kramdown whatever their marker (`-` then `*`), two in
  pulldown-cmark: the second list's items take the first's marker.
- A table in kramdown starts after a blank line (or where its container starts), runs to
  a blank line with a `|` on every line, and has a row after its header: a table that
  pulldown-cmark reads after a paragraph's line, or with no row, or with a line after it
  before the blank, is text there (the first `|` of its delimiter row escaped). Its cells
  are kramdown's: a `|` in a code span stays in it, a row with more cells adds columns
  (see kramdown_tables). Lines that each have a `|` outside code spans are a table
  without a header row there, or with a delimiter row of other cells than its header's:
  pulldown-cmark's paragraph is given a header row (taken out of the HTML again) or a
  delimiter row of its cells (`kramdown_tables.headerless_tables`), once the rest is
  rewritten.
- The lines right below an indented code block are code in kramdown too, up to a blank
  line (its lazy lines), each joined to the line above with a space: they are joined so,
  and what else this reading made of them (a list's number, an escape) is left out.
- The lines right below a quote are the quote's in kramdown, up to a blank line or block
  HTML: a list, a heading or a fence there is in the quote (see kramdown_paragraphs).
- A setext underline below two lines of text, a rule or a footnote's definition right
  below a paragraph's line is the paragraph's text in kramdown; each line above a
  definition is a term; a note ends after its first line, but for lines indented below
  it (see kramdown_paragraphs).
- kramdown reads a block HTML element to its end tag and the lines after it as Markdown,
  where CommonMark's HTML block runs on to a blank line, showing them as typed: a blank
  line is put after the element.
- An HTML comment on the line right below a paragraph's is in the paragraph in kramdown,
  where CommonMark ends the paragraph there: its lines are indented, which CommonMark reads
  as the paragraph's.
- A fenced code block that no fence closes is text in kramdown, where pulldown-cmark runs
  it to the end of its container: the opening fence is escaped.
- kramdown's emphasis of `_` opens right after a digit (`5_u_`), CommonMark's not: its
  underscores are made `*`.
- kramdown strikes through the first `~~x~~` it finds in a run of more tildes
  (`~~~x~~~` is `~<del>x</del>~`), pulldown-cmark none: the other tildes are escaped.
- kramdown takes an inline link's address with a space in it (`[a](my page.html)`),
  CommonMark only between `<` and `>`: it is put there (`spaced_urls`).

Each rewrite is looked for only where a quick look at the text finds what it needs.
"""

from __future__ import annotations

import re
from typing import Any

from feedkit.posts.edits import edited
from feedkit.posts.fences import may_leave_open

# The quick looks: what each difference needs in the text, read after "\n\n" so that each
# starts with a line's end (a pattern that starts with a character is found quickly).
_PAREN_ITEM = re.compile(r"\n[ \t>]*(?:[*+-][ \t]+)*\d{1,9}\)(?:[ \t]|\r?\n|\Z)")
_DELIMITER_ROW = re.compile(r"\n[ \t>]*\|?[ \t]*:?-+:?[ \t]*\|")
# A line with a `|` after a blank line, or an item's first: a table without a header row;
# not one in a code span (`ls | wc`).
_PIPE_BLOCK = re.compile(
    r"\n(?:[ \t>]*\n|[ \t>]*(?:[*+:-]|\d{1,9}\.)[ \t])"
    r"(?:[^\n|`]|`[^`\n]*`|`(?![^`\n]*`))*\|"
)
# A line of text right below another, then a setext underline or a rule; or a footnote's
# definition right below a line of text (see kramdown_paragraphs).
_BELOW_TEXT = re.compile(
    r"\n[ \t>]*[^\s>][^\n]*\n(?:[ \t>]*[^\s>][^\n]*\n[ \t>]*(?:-+|=+)[ \t]*(?:\n|\Z)"
    r"|[ \t>]*(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:-[ \t]*){3,})(?:\n|\Z)"
    r"|[ \t>]*\[\^[^\]\n]+\]:)"
)
_BACKSLASHES_BREAK = re.compile(r"\\\\\r?\n")  # `\\` at a line's end
_UNDERLINE_OR_NOTE = re.compile(r"\n[ \t>]*(?:[-=*_][-=*_ \t]*(?:\n|\Z)|\[\^)")
_DEFINITION = re.compile(r"\n[ \t>]*:[ \t]")
# A footnote's definition with a line of text right below it; two lines of text, then a
# definition (`: …`): its terms (see kramdown_paragraphs).
_NOTE_THEN_TEXT = re.compile(r"\n[ \t>]*\[\^[^\]\n]+\]:[^\n]*\n[ >]{0,3}[^\s>]")
_TERM_LINES = re.compile(r"\n[ \t>]*[^\s>][^\n]*\n[ \t>]*[^\s>:][^\n]*\n[ \t>]*:[ \t]")
# Emphasis of `_` or `__` right after a digit (`5_u_`): kramdown's opens there (it wants
# no letter before it), CommonMark's not (a digit is of a word); its closing delimiter
# has no space before it and no letter or digit after it (parser/kramdown/emphasis.rb).
# Made of `*`, which opens after a digit in CommonMark too.
_DIGIT_EMPHASIS = re.compile(r"_(?<=\d_)_?[^\s_]")  # `_` first: found quickly
_DIGIT_EMPHASIS_BYTES = re.compile(rb"(?<=\d)(__?)(?![\s_])(.+?)(?<![\s\\])(\1)(?![A-Za-z0-9_])")
_INLINE_TILDES = re.compile(r"\n[ \t>]*[^ \t>\r\n~][^\n]*?~~~")
# How an autolink starts (`<https://…>`, `<ada@example.org>`): text to kramdown and to
# Python-Markdown, where CommonMark's HTML block after an element's line takes it for HTML.
AUTOLINK_START = r"<(?:https?|ftps?|mailto):|<[-.\w]+@"
# A line that starts with an HTML tag (or an end tag), right above one of text (or of
# span-level HTML, or an autolink, each of which starts a paragraph to kramdown), or an
# indented one (code to kramdown).
_HTML_THEN_TEXT = re.compile(
    r"\n[ ]{0,3}</?[A-Za-z][^\n]*\n[ \t]*"
    rf"(?:[^\s<]|<(?:a|abbr|b|br|code|em|i|img|kbd|span|strong)\b|{AUTOLINK_START})"
)
# An HTML comment right below a line of text. (A line with text is written
# `[^\S\n]*\S[^\n]*`, its first character other than white space found once: as
# `[^\n]*\S[^\n]*` each of them was tried, and a line of 300,000 characters took 26 s.)
_COMMENT_BELOW = re.compile(r"\n[^\S\n]*\S[^\n]*\n[ ]{0,3}<!--")
# A line that starts with an HTML comment and has text after it (the comment's end).
_TEXT_AFTER_COMMENT = re.compile(r"-->[ \t]*[^\s<]")
# A quote's line right above one that is not the quote's (its lazy lines in kramdown).
_BELOW_QUOTE = re.compile(r"\n[ ]{0,3}>[^\n]*\n[ ]{0,3}[^\s>]")
# An indented code block's line right above a line of text.
_CODE_THEN_TEXT = re.compile(r"\n(?: {4}|\t)[^\S\n]*\S[^\n]*\n[ ]{0,3}\S")
# An ordered list's first item numbered other than 1 (or an item after a paragraph's line).
_NOT_ONE = re.compile(r"\n(?![ \t>]*\d{1,9}\.)[^\n]*\n[ \t>]*(?!0*1\.)\d{1,9}\.[ \t]")
# A list's item right below an item of the other kind (one line of text between at most).
_OTHER_KIND = re.compile(
    r"\n[ \t>]*(?:\d{1,9}\.|(?P<bullet>[*+-]))[ \t][^\n]*\n(?:[ \t>]*\w[^\n]*\n)?"
    r"[ \t>]*(?(bullet)\d{1,9}\.|[*+-])[ \t]"
)
# A bullet item after a blank line, and bullets of more than one kind (`-` and `*`).
_BULLET_AFTER_BLANK = re.compile(r"\n[ \t>]*\n[ \t>]*[*+-][ \t]")
_BULLETS = re.compile(r"\n[ \t>]*([*+-])[ \t]")
_OTHER_BULLET = re.compile(  # a bullet item right below one with another bullet
    r"\n[ \t>]*(?:-[ \t][^\n]*\n[ \t>]*[*+]|\*[ \t][^\n]*\n[ \t>]*[-+]"
    r"|\+[ \t][^\n]*\n[ \t>]*[-*])[ \t]"
)

_PAREN_ITEM_BYTES = re.compile(rb"(?m)^[ \t>]*(?:[*+-][ \t]+)*\d{1,9}(\))(?=[ \t]|\r?$)")
_PROTECTED = {"Code", "InlineHtml", "InlineMath", "DisplayMath"}


def needs_rewrite(text: str, tables: bool = True) -> bool:
    """Return whether `text` may hold something kramdown reads otherwise: a quick look, for
    `1)`, an ordered list's item numbered otherwise than 1 after a line that is none, an
    item below one of the other kind or with another bullet, a line of text right below an
    indented line (of code), a line of text right below one of HTML, an HTML comment
    right below a line of text, a table's delimiter row (with `tables`), an odd number of
    fence lines of a kind (one left open: every block has two), `~~~` in a line of text and a
    link's address with a space."""
    if "](" in text and _SPACED_URL.search(text) is not None:
        return True
    lines = "\n\n" + text
    if ")" in text and _PAREN_ITEM.search(lines) is not None:
        return True
    quick = (_NOT_ONE, _OTHER_KIND, _OTHER_BULLET, _CODE_THEN_TEXT)
    if any(r.search(lines) is not None for r in quick):
        return True
    if _BULLET_AFTER_BLANK.search(lines) is not None and len(set(_BULLETS.findall(lines))) > 1:
        return True
    if may_end_html_early(text):
        return True
    if "<!--" in text and _COMMENT_BELOW.search(lines) is not None:
        return True
    if "-->" in text and _TEXT_AFTER_COMMENT.search(lines) is not None:
        return True
    if ">" in text and _BELOW_QUOTE.search(lines) is not None:
        return True
    if tables and "|" in text:
        if _DELIMITER_ROW.search(lines) is not None or _PIPE_BLOCK.search(lines) is not None:
            return True
    if "\n" in text and _paragraph_lines(lines):
        return True
    if "\\\\" in text and _BACKSLASHES_BREAK.search(text) is not None:
        return True
    if may_leave_open(text):
        return True
    if "_" in text and _DIGIT_EMPHASIS.search(text) is not None:
        return True
    return "~~~" in text and _INLINE_TILDES.search(lines) is not None


# An inline link's or image's address with a space in it, which kramdown takes (to the
# closing parenthesis, or a title), CommonMark not (the link stays text): `](my page.html)`.
# Searched in the text as Latin-1, its offsets bytes: spaces and tabs alone are spaces.
_SPACED_URL = re.compile(
    r"\]\((?!<)([^ \t\n()<>\"'][^()<>\"'\n]*?[ \t][^()<>\"'\n]*?)"
    r"(?:[ \t]+([\"'])[^\n]*?\2)?[ \t]*\)"
)


def spaced_urls(text: str, options: Any) -> str:
    """Return `text` with each inline link's address that has a space in it between `<` and
    `>`, where CommonMark takes one so (outside code, HTML and math)."""
    if "](" not in text or _SPACED_URL.search(text) is None:
        return text
    data = text.encode()
    taken = [
        (where["start"], where["end"])
        for event, where in _events(text, options)
        if isinstance(event, dict)
        and (
            next(iter(event)) in ("Code", "Html", "InlineHtml", "InlineMath", "DisplayMath")
            or event.get("Start") in ("CodeBlock", "HtmlBlock")
            or (isinstance(event.get("Start"), dict) and "CodeBlock" in event["Start"])
        )
    ]
    edits = [
        (m.start(1), m.end(1), b"<" + data[m.start(1) : m.end(1)].rstrip() + b">")
        for m in _SPACED_URL.finditer(data.decode("latin-1"))
        if not any(a < m.end() and m.start() < b for a, b in taken)
    ]
    return edited(data, edits) if edits else text


def may_end_html_early(text: str) -> bool:
    """Return whether `text` may hold an HTML block kramdown ends before CommonMark does:
    a quick look for a line of HTML right above one of text
    (`kramdown_htmlends.html_block_ends`)."""
    return "<" in text and _HTML_THEN_TEXT.search("\n\n" + text) is not None


def as_kramdown(text: str, options: Any, hard_wrap: bool = False) -> str:
    """Return Markdown `text` rewritten so that pulldown-cmark (with `options`) reads it as
    kramdown does where they differ (see the module's docstring); `text` itself when none
    applies. With `hard_wrap` (kramdown's option), every line's end is a line break already:
    two backslashes there are not read for one."""
    text = spaced_urls(text, options)
    tables = False  # tables without a header are still to be read
    if "|" in text and "-" in text:
        from feedkit.posts.kramdown_tables import without_leading_rules

        text = without_leading_rules(text)
    for _ in range(3):  # an open fence or a note hid lines kramdown reads: read them too
        if not needs_rewrite(text):
            return text
        text, reopened, tables = _rewritten(text, options, hard_wrap)
        if not reopened:
            break
    if tables:  # in the text as kramdown reads it otherwise: lists moved, fences opened
        from feedkit.posts.kramdown_tables import headerless_tables

        text = edited(text.encode(), headerless_tables(text.encode(), _events(text, options)))
    return text


def _events(text: str, options: Any) -> list[Any]:
    """Return pyromark's events of `text` (read with `options`), with their ranges."""
    from feedkit.posts.markup import markdown

    return list(markdown(False, options).events_with_range(text, merge_text=True))


def _rewritten(text: str, options: Any, hard_wrap: bool = False) -> tuple[str, bool, bool]:
    """Return `text` rewritten as `as_kramdown` says, read once; whether a fence left open
    was made text or a note ended after its first line (what they held is then read anew);
    and whether it is to be read again for tables without a header, after the rewrites."""
    from feedkit.posts import kramdown_lists, kramdown_paragraphs

    reopened = False  # read again: a fence left open, or a note's lines, are read anew
    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, int, bytes]] = []  # what replaces data[start:end]
    table: list[Any] = []  # the table being read: its start, head end, rows, in a list
    code: list[tuple[int, int]] = []  # code, HTML and math: `1)` there is as typed
    items: list[int] = []  # where the list items around start
    lists: list[tuple[bool, bool]] = []  # the lists around: ordered or not, moved or not
    ended: tuple[bool, int, bool, bytes] | None = None  # the list that just ended: its kind,
    # its last item, whether it was moved into another list's item (`kramdown_lists.into_item`)
    # and the marker its items took (b"": their own)
    renumber = broken = False  # the next item is a list's first; a line break was before
    paragraphs = 0  # paragraphs not in a list item
    interrupted = False  # a list starts in this paragraph (`kramdown_lists.list_after_line`)
    bullets, bullet_depth = b"", 0  # the marker a list's items take, for kramdown's one list
    ended_item = depth = 0
    paragraph_ended = False  # the event before ended a paragraph
    indented: list[tuple[int, int, list]] = []  # lines made code, and the indents made
    text_before = False  # the event before was a paragraph's text, or its end
    quoted = False  # the event before ended a quote (not in another block)
    in_items: set[int] = set()  # where the blocks put into a list item above them start
    first = True  # the event before started a container (or none did): its first block
    breaks = not hard_wrap and "\\\\" in text and _BACKSLASHES_BREAK.search(text) is not None
    below_text = breaks or ("\n" in text and _paragraph_lines("\n\n" + text))
    term_depth = -1  # the depth of the definition list's term the text is in; -1: none
    event: Any
    events = _events(text, options)
    for event, where in events:
        if not isinstance(event, dict):
            broken = event == "SoftBreak"
            if event == "Rule" and text_before and below_text:
                edits += kramdown_paragraphs.rule_as_text(data, where["start"])
            elif event == "SoftBreak" and breaks:
                edits += kramdown_paragraphs.backslashes_break(data, where["start"])
            elif depth == term_depth and event in ("SoftBreak", "HardBreak"):
                edits.append(kramdown_paragraphs.term_break(data, where["start"], where["end"]))
            text_before = text_before and broken
            continue
        start, end = where["start"], where["end"]
        began, closed = event.get("Start"), event.get("End")
        top, depth = depth == 0, depth + (1 if began else -1 if closed else 0)
        last, ended, after_break, broken = ended, None, broken, False
        after_paragraph, paragraph_ended = paragraph_ended, closed == "Paragraph"
        quote_ended = depth == 0 and isinstance(closed, dict) and "BlockQuote" in closed
        quote_ended = quote_ended and start not in in_items  # not one put into an item
        after_quote, quoted = quoted, quote_ended
        if after_quote and kramdown_paragraphs.takes_in(began, lists=True):
            edits += kramdown_paragraphs.into_quote(data, start)
        if below_text:  # what the rules of kramdown_paragraphs look at
            after_text, text_before = text_before, kramdown_paragraphs.text_ended(event)
            container_first, first = first, kramdown_paragraphs.starts_container(began)
        if below_text and isinstance(began, dict) and "Heading" in began:
            edits += kramdown_paragraphs.underline_as_text(data, start, end, container_first)
        elif below_text and isinstance(began, dict) and "FootnoteDefinition" in began:
            as_text = kramdown_paragraphs.footnote_as_text(data, start) if after_text else []
            ended_note = kramdown_paragraphs.footnote_lines(data, start, end) if top else []
            edits += as_text or ended_note
            reopened = reopened or bool(ended_note and not as_text)  # its lines read anew
        # A line break in the term's own text, not in a link or emphasis of it.
        if below_text and began == "DefinitionListTitle":
            term_depth = depth
        elif closed == "DefinitionListTitle":
            term_depth = -1
        if last is not None and not last[2] and kramdown_paragraphs.takes_in(began):
            into = kramdown_lists.into_item(data, last[1], start, len(data), last[0])
            edits += into
            in_items |= {start} if into else set()
        if isinstance(began, dict) and "List" in began:
            ordered = began["List"] is not None
            moved = []
            if last is not None and last[0] != ordered and not last[2]:
                moved = kramdown_lists.into_item(data, last[1], start, end)
                edits += moved
            lists.append((ordered, bool(moved)))
            if last is not None and not ordered and not last[2]:
                # One list in kramdown, after blank lines too: its items take the first's.
                bullets = last[3] or kramdown_lists.bullet(data, last[1])
                bullet_depth = len(lists)
            renumber = ordered and began["List"] != 1
        elif began == "Item":
            items.append(start)
            m = kramdown_lists.BULLET.match(data, start)
            if bullets and len(lists) == bullet_depth and m:
                edits.append((m.start(1), m.end(1), bullets))
            if renumber and (m := re.compile(rb"[ ]*(\d{1,9})(?=\.)").match(data, start)):
                edits.append((m.start(1), m.end(1), b"1".rjust(len(m[1]), b"0")))
            renumber = False
        elif closed == "Item":
            ended_item = items.pop()
        elif isinstance(closed, dict) and "List" in closed:
            took = bullets if len(lists) == bullet_depth else b""
            if took:
                bullets = b""
            ordered, moved_list = lists.pop()
            ended = (ordered, ended_item, moved_list, took)
        elif began == "Paragraph" or closed == "Paragraph":
            paragraphs += (1 if began else -1) if not items else 0
            interrupted = False
        elif isinstance(began, dict) and "Table" in began:
            table = [start, end, None, [], bool(items)]
        elif began == "TableHead":
            table[2] = end
        elif began == "TableRow":
            table[3].append((start, end))
        elif closed == "Table":
            from feedkit.posts.kramdown_tables import not_a_table, table_cells

            edits += not_a_table(data, *table) or table_cells(data, *table[:4])
        elif began == "HtmlBlock" or not _PROTECTED.isdisjoint(event):
            code.append((start, end))
            if began == "HtmlBlock" and top:
                from feedkit.posts.kramdown_htmlends import markdown_after_element

                edits += markdown_after_element(data, start, end)
            if began == "HtmlBlock" and data.startswith(b"<!--", start):
                from feedkit.posts import kramdown_htmlends

                if after_paragraph:
                    edits += kramdown_htmlends.comment_in_paragraph(data, start, end)
                edits += kramdown_htmlends.text_after_comment(data, start, end)
        elif isinstance(began, dict) and "CodeBlock" in began:
            from feedkit.posts.kramdown_fences import lazy_code, unclosed_fence

            code.append((start, end))
            if "Fenced" in str(began["CodeBlock"]) and (fence := unclosed_fence(data, start, end)):
                edits += fence
                reopened = True
            elif top and began["CodeBlock"] == "Indented" and (lazy := lazy_code(data, end)):
                edits += lazy
                indented.append((end, data.find(b"\n", lazy[-1][1]) % (len(data) + 1), lazy))
                code.append(indented[-1][:2])
        elif "Text" in event:
            if after_break and paragraphs and not items and not interrupted:
                made = kramdown_lists.list_after_line(data, start)  # the lines below are the list's
                edits += made
                interrupted = bool(made)
            if b"_" in data[start:end]:
                edits += [
                    (start + at, start + at + 1, b"*")
                    for m in _DIGIT_EMPHASIS_BYTES.finditer(data[start:end])
                    for at in (*range(m.start(1), m.end(1)), *range(m.start(3), m.end(3)))
                ]
            if b"~~~" in data[start:end]:
                from feedkit.posts.kramdown_fences import tildes

                edits += tildes(data, start, end)
    for item in re.finditer(_PAREN_ITEM_BYTES, data):
        if not any(s <= item.start(1) < e for s, e in code):
            edits.append((item.start(1), item.start(1), b"\\"))
    if indented:  # lines made code: what was read of them as other blocks is left out
        edits = [e for e in edits if not any(s <= e[0] < t and e not in m for s, t, m in indented)]
    tables = "|" in text and _PIPE_BLOCK.search("\n\n" + text) is not None
    if not edits and tables:  # read here, in text as kramdown reads it otherwise
        from feedkit.posts.kramdown_tables import headerless_tables

        edits, tables = headerless_tables(data, events), False
    if not edits:
        return text, False, tables
    return edited(data, edits), reopened, tables


def _paragraph_lines(lines: str) -> bool:
    """Return whether `lines` (the text after "\n\n") may have what kramdown_paragraphs
    reads: a line below a paragraph's line, a note's lines, a term's lines. Each pattern
    is read only where a line that it needs is (a quicker look)."""
    if _UNDERLINE_OR_NOTE.search(lines) is not None and _BELOW_TEXT.search(lines) is not None:
        return True
    if "[^" in lines and _NOTE_THEN_TEXT.search(lines) is not None:
        return True
    return _DEFINITION.search(lines) is not None and _TERM_LINES.search(lines) is not None
