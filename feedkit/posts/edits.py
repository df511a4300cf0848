"""Markdown rewritten by byte ranges: the readers that make pulldown-cmark read a post as
another converter does (kramdown's, Python-Markdown's, task lists' boxes) find what to
change from its events, whose ranges count UTF-8 bytes, and make the changes here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


def edited(data: bytes, edits: list[tuple[int, int, bytes]]) -> str:
    """Return `data` with each edit (start, end, what replaces `data[start:end]`) made,
    in order; one that starts inside an edit made already is left out."""
    pieces, at = [], 0
    for start, end, new in sorted(edits):
        if start < at:
            continue  # inside an edit made already
        pieces += [data[at:start], new]
        at = end
    return b"".join([*pieces, data[at:]]).decode()


def escaped(data: bytes, at: int) -> bool:
    """Return whether the character at `data[at]` is escaped: an odd number of
    backslashes right before it."""
    count = 0
    while at - count - 1 >= 0 and data[at - count - 1] == 0x5C:
        count += 1
    return count % 2 == 1


def top_blocks(events: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    """Yield each top-level block of pyromark's `events` (with their ranges): its start
    event's value (`"Paragraph"`, `{"Table": …}`) and its range, the whole block's."""
    depth = 0
    for event, where in events:
        if not isinstance(event, dict):
            continue
        if "End" in event:
            depth -= 1
        elif "Start" in event:
            if depth == 0:
                yield event["Start"], where
            depth += 1
