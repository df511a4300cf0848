"""Emoji codes (`:tada:`) as emoji, in a Hugo site whose configuration sets `enableEmoji` or a
Jekyll site that uses the jemoji plugin: what its pages show, readers of its feeds see too.
The codes are GitHub's (gemoji), as Hugo's and jemoji's; the emoji library knows them as its
"alias" language. Code, a link's address, and a bare URL that Hugo's linkify makes a link,
are left as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from feedkit.posts.reading import Reading

_CODE = re.compile(r":[a-z0-9_+-]+:")  # GitHub's emoji names: :smile:, :+1:, :t-rex:


def uses_jemoji(config: Mapping[str, Any]) -> bool:
    """True when a Jekyll `_config.yml`'s `plugins` (or older `gems`) list jemoji."""
    for key in ("plugins", "gems"):
        names = config.get(key)
        if isinstance(names, list) and "jemoji" in names:
            return True
    return False


def emojify(text: str, *, in_html: bool = True, reading: Reading | None = None) -> str:
    """Return Markdown `text` with its emoji codes outside code as the emoji they name;
    a code that names none (`10:30:00`, `:nope:`) stays as written. Without `in_html`,
    raw HTML is left as written too, as Hugo's Goldmark extension reads only the
    Markdown's text (jemoji, by contrast, reads the page's HTML, so a Jekyll site's raw
    HTML outside code gets its emoji). With a `reading` that makes bare URLs links (Hugo's
    linkify), they are left as written too: Goldmark reads them as links, not text."""
    if _CODE.search(text) is None:
        return text
    import emoji

    data = text.encode()
    readable = _readable(text, in_html, reading)
    edits: list[tuple[int, int, bytes]] = []
    for m in _CODE.finditer(data.decode("latin-1")):  # byte offsets, as the ranges
        if not any(a <= m.start() and m.end() <= b for a, b in readable):
            continue
        shown = emoji.emojize(m[0], language="alias")
        if shown != m[0]:
            edits.append((m.start(), m.end(), shown.encode()))
    for start, end, replacement in sorted(edits, reverse=True):
        data = data[:start] + replacement + data[end:]
    return data.decode() if edits else text


def _readable(text: str, in_html: bool, reading: Reading | None) -> list[tuple[int, int]]:
    """Return the byte ranges of Markdown `text` that are its text, where emoji codes are
    read (with `in_html`, its raw HTML too): never code, math, a link's address or title,
    an autolink, a bare URL `reading` links, or a link reference definition, as Goldmark
    and jemoji read codes only in text. Ranges that touch are one: pulldown-cmark may split
    a text in two."""
    from feedkit.posts.markup import markdown  # at use: only a body with a code needs it

    texts: list[tuple[int, int]] = []
    verbatim: list[tuple[int, int]] = []  # code blocks, metadata, autolinks: their text too
    links = _bare_links(text, reading)
    event: Any
    for event, where in markdown(options=_text_options()).events_with_range(text):
        if links is not None:
            links.event(event, where["start"], where["end"])
        if not isinstance(event, dict):
            continue
        ((kind, value),) = event.items()
        span = (where["start"], where["end"])
        if kind == "Text" or (in_html and kind in ("Html", "InlineHtml")):
            texts.append(span)
        elif kind == "Start" and isinstance(value, dict):
            ((name, fields),) = value.items()
            if name in ("CodeBlock", "MetadataBlock") or (
                name == "Link" and fields.get("link_type") in ("Autolink", "Email")
            ):
                verbatim.append(span)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(texts):
        if any(a <= start and end <= b for a, b in verbatim):
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    if links is None:
        return merged
    links.finish()
    for first, last, _ in links.edits:  # a bare link's text is cut out of the text around it
        merged = [
            part
            for start, end in merged
            for part in ((start, min(end, first)), (max(start, last), end))
            if part[0] < part[1]
        ]
    return merged


@cache
def _text_options() -> Any:
    """Return the options `_readable` parses with: feedkit's own, without definition lists,
    so a line `:tada: shipped` after a paragraph's is its text (as `reading.as_read` makes
    it); a definition's text is text either way."""
    from feedkit.posts.reading import Reading

    return Reading(definition_lists=False).options


def _bare_links(text: str, reading: Reading | None) -> Any:
    """Return what finds the bare URLs `reading` makes links (`autolinks.BareLinks`), None
    when it makes none or `text` has none."""
    if reading is None or not reading.may_link(text):
        return None
    from feedkit.posts.autolinks import BareLinks

    return BareLinks.of(text.encode(), reading)
