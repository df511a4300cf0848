"""Goldmark's and kramdown's typographers where pulldown-cmark reads the text otherwise: `<<`
before a tag (`<<oui>>`), which kramdown and Goldmark read as a guillemet and pulldown-cmark as
raw HTML.
"""

from __future__ import annotations

from typing import Any


def tag_guillemets(text: str, options: Any, left: bytes) -> str:
    """Return Markdown `text` with each `<<` whose second `<` opens an inline tag or an
    autolink (`<<oui>>`, `<<https://…>>`) made `left`: kramdown and Goldmark read `<<` in text
    before anything else there, so what follows is text again, where the site's typographer
    finds the `>>`. `<<` after a backslash (`\\<<oui>>`) is an escaped `<` before a tag, as
    there; `<<<b>` is a guillemet before the tag. `options`: pulldown-cmark's."""
    from feedkit.posts.markup import markdown

    for _ in range(text.count("<<")):  # each pass makes one or more, and rereads the rest
        data = text.encode()
        edits: list[tuple[int, int]] = []
        for event, where in markdown(options=options).events_with_range(text):
            if not isinstance(event, dict):
                continue
            start = where["start"]
            if "InlineHtml" in event or _is_autolink(event.get("Start")):
                run = len(data[:start]) - len(data[:start].rstrip(b"<"))
                if run and data[start - run - 1 : start - run] == b"\\":
                    run -= 1  # `\<` is a `<` as typed
                if run % 2:  # the last `<` of the run pairs with the tag's own
                    edits.append((start - 1, start + 1))
        if not edits:
            break
        pieces, at = [], 0
        for start, end in edits:
            pieces += [data[at:start], left]
            at = end
        text = b"".join([*pieces, data[at:]]).decode()
    return text


def _is_autolink(tag: Any) -> bool:
    """True for the Start tag of an autolink (`<https://…>`, `<a@example.org>`)."""
    link = tag.get("Link") if isinstance(tag, dict) else None
    return isinstance(link, dict) and link.get("link_type") in ("Autolink", "Email")
