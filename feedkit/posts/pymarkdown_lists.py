"""Python-Markdown's lists, where pulldown-cmark (CommonMark) reads them otherwise: a Pelican
site's post rewritten so that pulldown-cmark reads its lists as Python-Markdown does.

Checked against Debian's python3-markdown 3.4.1, which its Pelican 4.8 uses (the cases are
in tests/fixtures/python-markdown/pelican.json; the rules are its OListProcessor's and
UListProcessor's, and the sane_lists extension's, which current Python-Markdown keeps):

- A list needs a blank line before it: the lines right below a paragraph's line (in a quote
  too), up to a blank line, are the paragraph's, their markers text (escaped).
- `1)` is no list marker: its `)` is escaped.
- Lists nest by four spaces: an item's marker indented 1 to 3 spaces beyond a multiple of
  four is an item of the list at that multiple (`- a` then `  - b` are one list), and a
  paragraph after a blank line belongs to the item its indent reaches by fours (none: it
  ends the list).
- An ordered list starts at 1, whatever its first item's number: that number is made 1.
- Items right below each other (or after blank lines) are one list whatever their
  markers (`-` then `*`, `1.` then `-`): each takes the first item's marker.

With the sane_lists extension, an ordered list starts at its first number; items are one
list only with markers of one kind (`-`, `*`, `+` alike), and an item of the other kind
right below an item is that item's text (escaped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from feedkit.posts.edits import edited

# For a quick look at where Python-Markdown's lists may differ (most posts' lists do not):
# the lines that may be list items (what is before the marker, the marker, its number),
_ITEM_LINES = re.compile(r"^([ \t>]*)([*+-]|(\d{1,9})[.)])[ \t]", re.MULTILINE)
_ITEM_LINE = re.compile(r"[ \t>]*(?:[*+-]|\d{1,9}[.)])[ \t]")
_AFTER_BLANK = re.compile(r"\n[ \t>]*\n(?=[^ \t>\n])")  # a line not indented, after a blank
# and a line indented by 1 to 3 spaces more than fours after a blank line (in a list: its
# paragraph, which Python-Markdown may put elsewhere).
_UNEVEN_PARAGRAPH = re.compile(r"\n[ \t>]*\n(?:[ ]{4})*[ ]{1,3}\S")
# An item's marker (pulldown-cmark's item may start at the spaces before it): the marker,
# and an ordered one's number and delimiter.
_MARKER = re.compile(rb"[ ]*((?:[*+-]|(\d{1,9})([.)])))")
_BLANK_LINE = re.compile(rb"\n[ \t>]*(?:\n|$)")


@dataclass
class _List:
    """A list pulldown-cmark reads, and what the rewrite makes of its items."""

    marker: bytes  # its first item's marker (b"-", b"3."), which the lists below may take
    texted: bool = False  # its items up to `text_until` are a paragraph's lines: escaped
    text_until: int = 0  # where that paragraph ends: the first blank line
    # Those lines go on with a paragraph's (not a table's or a definition's): indented by
    # four, no item can start there, and the paragraph takes them without the indent.
    lazy: bool = False
    take: bytes = b""  # the marker its items take: one list with the list right above
    renumber: bool = False  # its first item's number is made 1
    paren: bool = False  # a `1)` list: every item's `)` escaped
    first: bool = True  # its first item is still to come

    @property
    def bullet(self) -> bool:
        """Return True for a list of bullets, False for an ordered one."""
        return self.marker in (b"-", b"*", b"+")


def as_python_markdown_lists(text: str, options: Any, sane: bool) -> str:
    """Return Markdown `text` rewritten so that pulldown-cmark (with `options`) reads its
    lists as Python-Markdown does (`sane`: with its sane_lists extension); see the module's
    docstring. `text` itself when nothing differs."""
    if not _may_differ(text):
        return text
    for _ in range(4):  # a list made text or moved may show another: read again
        rewritten = _rewritten(text, options, sane)
        if rewritten == text:
            break
        text = rewritten
    return text


def _may_differ(text: str) -> bool:
    """Return False when Python-Markdown certainly reads the lists of `text` as CommonMark
    does: no line that may be an item is right below a line that may not (a paragraph's),
    numbered otherwise than 1 there (a list's first), `1)`, indented otherwise than by
    fours, or of another kind of marker than the item before with no paragraph between
    them; and no line after a blank one is indented by 1 to 3 spaces more than fours."""
    before, kind_before = 0, ""  # the item line before: its end, its kind of marker
    for item in _ITEM_LINES.finditer(text):
        marker, indent = item[2], item[1].rpartition(">")[2]
        indent = indent[1:] if item[1] != indent and indent.startswith(" ") else indent
        line = item.start()
        above = text[text.rfind("\n", 0, line - 1) + 1 : line] if line else ""
        item_above = _ITEM_LINE.match(above) is not None
        if (
            marker.endswith(")")
            or len(indent) % 4
            or "\t" in indent
            or (above.strip(" \t>\n") and not item_above)
            or (item[3] and int(item[3]) != 1 and not item_above)
        ):
            return True
        kind = marker if marker in "*+-" else "."
        if kind_before not in ("", kind) and not _AFTER_BLANK.search(text, before, line):
            return True
        before, kind_before = item.end(), kind
    return bool(kind_before) and _UNEVEN_PARAGRAPH.search(text) is not None


def _rewritten(text: str, options: Any, sane: bool) -> str:
    """Return `text` rewritten as `as_python_markdown_lists` says, from one reading of it."""
    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, int, bytes]] = []  # what replaces data[start:end]
    lists: list[_List] = []
    definitions: list[int] = []  # the definitions the event is in: how many lists were open
    ended: _List | None = None  # the list the event before ended
    paragraph_end = -1  # where the paragraph the event before ended, when not an item's first
    lazy = False  # and it was a paragraph's (or a quote's), whose lines a lazy line goes on
    after_item = first_paragraph = False  # the event before started an item; a paragraph
    # is the first in its item (its text the item's first line)
    for event, where in markdown(False, options).events_with_range(text, merge_text=True):
        began = event.get("Start") if isinstance(event, dict) else None
        closed = event.get("End") if isinstance(event, dict) else None
        start, end = where["start"], where["end"]
        last_ended, ended = ended, None
        held, paragraph_end = paragraph_end, -1
        held_lazy, lazy = lazy, False
        first_in_item, after_item = after_item, began == "Item"
        if began == "DefinitionListDefinition":
            definitions.append(len(lists))
        elif closed == "DefinitionListDefinition":
            definitions.pop()
        if isinstance(began, dict) and "List" in began:
            below = held >= 0 and _line_start(data, start) == held
            # A list right in a definition, below its line (no paragraph of its own there).
            below = (
                below
                or bool(definitions)
                and definitions[-1] == len(lists)
                and (not _after_blank(data, start))
            )
            made = _new_list(data, start, began["List"], lists, last_ended, below, sane)
            made.lazy = made.texted and (held_lazy or bool(lists) and lists[-1].lazy)
            lists.append(made)
        elif began == "Item":
            edits += _item(data, start, lists[-1])
        elif isinstance(closed, dict) and "List" in closed:
            ended = lists.pop()
        elif began == "Paragraph":
            first_paragraph = first_in_item
            if lists and not first_in_item:
                edits += _paragraph_indent(data, start, len(lists))
        elif closed == "Paragraph":
            paragraph_end, lazy = (-1, False) if first_paragraph else (end, True)
        elif isinstance(closed, dict) and "BlockQuote" in closed:
            paragraph_end, lazy = (
                held,
                held_lazy,
            )  # a list right below a quote's line is that line's
        elif closed in ("Table", "DefinitionList"):
            # and one right below a table's row or a definition's line (in an item, the
            # range may end at the next line's indent: its line counts)
            paragraph_end = _line_start(data, end)
    if not edits:
        return text
    return edited(data, edits)


def _new_list(
    data: bytes,
    start: int,
    number: int | None,
    lists: list[_List],
    above: _List | None,
    below_text: bool,
    sane: bool,
) -> _List:
    """Return what the rewrite makes of the list starting at `start` (its first number
    `number`, None for bullets), inside `lists`, right after the list `above` (blank lines
    apart, None when another block is between), or right below a paragraph's line."""
    found = _MARKER.match(data, start)
    made = _List(found[1] if found else b"-", paren=bool(found and found[3] == b")"))
    outer = lists[-1] if lists else None
    if outer is not None and outer.texted and start < outer.text_until:
        made.texted, made.text_until = True, outer.text_until
    elif below_text:
        made.texted, made.text_until = True, _paragraph_end(data, start)
    elif made.paren:
        pass
    elif above is not None and not (above.paren or above.texted):
        if not sane or above.bullet == made.bullet:
            made.take = above.take or above.marker  # one list in Python-Markdown
        elif not _after_blank(data, start):  # right below an item of the other kind: its text
            made.texted, made.text_until = True, _paragraph_end(data, start)
    elif number is not None and number != 1 and not sane:
        made.renumber = True
    return made


def _item(data: bytes, start: int, of: _List) -> list[tuple[int, int, bytes]]:
    """Return the edits that make the item at `start` of the list `of` read as in
    Python-Markdown: its marker text, or another marker or number, or its indent by fours."""
    found = _MARKER.match(data, start)
    if found is None:
        return []
    first, of.first = of.first, False
    if of.texted or of.paren:
        if of.lazy and start < of.text_until:
            # The paragraph's next line (a `\` before the marker would stay, in math).
            return [(found.start(1), found.start(1), b"    ")]
        if of.paren or start < of.text_until:  # before `.` or `)`, or the bullet
            at = found.start(3) if found[3] else found.start(1)
            return [(at, at, b"\\")]
        return []
    edits = []
    if of.take and found[1] != of.take:
        edits.append((found.start(1), found.end(1), of.take.ljust(len(found[1]))))
    elif of.renumber and first:
        edits.append((found.start(2), found.end(2), b"1".rjust(len(found[2]), b"0")))
    start = found.start(1)
    line = _line_start(data, start)
    quoted = data.rfind(b">", line, start) + 1  # in a quote: from after its `>` and a space
    line = quoted + (data[quoted : quoted + 1] == b" ") if quoted else line
    indent = start - line
    if indent % 4 and not data[line:start].strip(b" "):
        edits.append((line, start, b" " * (indent - indent % 4)))
    return edits


def _paragraph_indent(data: bytes, start: int, depth: int) -> list[tuple[int, int, bytes]]:
    """Return the edit that puts the paragraph at `start`, after a blank line in a list
    `depth` lists deep, where its indent puts it in Python-Markdown: in the item its indent
    reaches by fours, out of the lists when it reaches none."""
    line = _line_start(data, start)
    indent = start - line
    if not line or data[line:start].strip(b" ") or indent // 4 >= depth:
        return []
    if not _after_blank(data, start):
        return []  # right below a line: in the paragraph or list above, as it is
    return [(line, start, b" " * (indent // 4 * 4))]


def _paragraph_end(data: bytes, start: int) -> int:
    """Return where the paragraph holding the line at `start` ends: its first blank line."""
    found = _BLANK_LINE.search(data, start)
    return found.start() if found else len(data)


def _line_start(data: bytes, at: int) -> int:
    """Return where the line holding `data[at]` starts."""
    return data.rfind(b"\n", 0, at) + 1


def _after_blank(data: bytes, at: int) -> bool:
    """True when the line holding `data[at]` comes after a blank line (or none)."""
    line = _line_start(data, at)
    return not line or not data[_line_start(data, line - 1) : line].strip(b" \t\n>")
