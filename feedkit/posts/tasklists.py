"""Task list items (`- [ ] todo`, `- [x] done`) with their box as a character: `☐ todo`,
`☑ done`.

kramdown's GFM input (Jekyll's), Goldmark (Hugo's), cmark-gfm's tasklist extension,
pulldown-cmark and pymdown-extensions' tasklist (a Pelican site's, when its MARKDOWN names
it) draw a task item's marker as a disabled checkbox, `<input type="checkbox" disabled>`.
Feed readers strip form elements, and so does the sanitiser (feedkit/posts/sanitize.py), so
in a feed that box is gone. Here the marker becomes the character of its box in the Markdown
before it is read: the feeds' HTML, the digest and the plain-text summaries show it, the
list stays a list, and a `[ ]` anywhere else (in text, in code) or an `<input>` a post
writes itself keeps what was typed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from feedkit.posts.reading import Reading

UNCHECKED = "☐"  # U+2610 BALLOT BOX
CHECKED = "☑"  # U+2611 BALLOT BOX WITH CHECK
# A task item's marker: a post without one has no task item. One regular expression, as
# three `in` tests over a post's text took ~20 µs a post, every post with a link.
MARKER = re.compile(r"\[[ xX]\]")
# What stands before a task item's marker on its line: quotes' `>`, list markers.
_ITEM_START = re.compile(r"[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+[ \t>]*)+\[[ xX]\]")
# A task item's marker with text right after it, on a line of its own (Goldmark's).
_TIGHT_ITEM = re.compile(r"(?m)^[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+[ \t>]*)+\[[ xX]\](?=[^\s])")


def task_boxes(text: str, reading: Reading) -> str:
    """Return Markdown `text` with the marker of each task item made its box (see
    `as_boxes`) when `reading` has task lists; `text` itself when it has none."""
    if not reading.tasklists or not _may_have_tasks(text):
        return text
    if reading.tight_tasks:
        text = _spaced_markers(text)
    # kramdown's GFM input and pymdown-extensions' tasklist take a marker followed by
    # text only (`\[ \]\s+` and `\[ \] +`): `- [ ]` alone is an item reading "[ ]".
    empty = not (reading.kramdown_gfm or reading.python_markdown)
    return as_boxes(text, reading.options, empty=empty)


def _spaced_markers(text: str) -> str:
    r"""Return `text` with a space after each task item's marker that has none (`- [x]done`),
    outside code: Goldmark's tasklist takes a marker followed by anything
    (`^\[([\sxX])\]\s*`), pulldown-cmark's only one followed by a space."""
    tight = [m.end() for m in _TIGHT_ITEM.finditer(text)]
    if not tight:
        return text
    from feedkit.posts.pelicanlinks import code_ranges

    code = code_ranges(text)
    for at in reversed(tight):
        if not any(a < at < b for a, b in code):  # (a code span may start right after it)
            text = text[:at] + " " + text[at:]
    return text


def _may_have_tasks(text: str) -> bool:
    """Return whether a line of `text` starts with list markers and a task marker, as a
    task item's line does (a `[x]` in prose or code is no item's: no need to read it)."""
    for found in MARKER.finditer(text):
        if _ITEM_START.match(text, text.rfind("\n", 0, found.start()) + 1) is not None:
            return True
    return False


def as_boxes(text: str, options: Any, *, empty: bool = True) -> str:
    """Return Markdown `text` with the marker of each task item, as pulldown-cmark reads
    them with `options` (a `pyromark.Options`) and its task lists, made the character of
    its box: `[ ]` ☐, `[x]` and `[X]` ☑. Without `empty`, a marker with nothing after it in
    its item stays as typed."""
    import pyromark

    from feedkit.posts.edits import edited
    from feedkit.posts.markup import markdown

    parser = markdown(False, options | pyromark.Options.ENABLE_TASKLISTS)
    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    boxes: list[tuple[int, int, bytes]] = []
    # The box of the marker just read, until the event after it tells whether it counts.
    pending: tuple[int, int, bytes] | None = None
    for event, where in parser.events_with_range(text):
        if pending is not None:
            if empty or not (isinstance(event, dict) and "End" in event):
                boxes.append(pending)
            pending = None
        if isinstance(event, dict) and "TaskListMarker" in event:
            box = CHECKED if event["TaskListMarker"] else UNCHECKED
            pending = (where["start"], where["end"], box.encode())
    if pending is not None and empty:
        boxes.append(pending)
    if not boxes:
        return text
    return edited(data, boxes)
