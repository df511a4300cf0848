"""pyromark's events, read the same way everywhere: the tag of a Start or End event."""

from __future__ import annotations

from typing import Any


def tag_name(tag: Any) -> str:
    """Return the name of a Start or End event's tag: pyromark gives a tag with no fields as
    its name (`"Paragraph"`) and one with fields as a dict of one item
    (`{"Heading": {...}}`)."""
    return tag if isinstance(tag, str) else next(iter(tag))


def tag_of(event: Any) -> tuple[str, str] | None:
    """Return ("Start" or "End", the tag's name) for a Start or End event, None for any
    other (text, code, a break)."""
    if isinstance(event, dict):
        if "Start" in event:
            return "Start", tag_name(event["Start"])
        if "End" in event:
            return "End", tag_name(event["End"])
    return None
