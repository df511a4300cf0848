"""Emoji codes (`:tada:`) as emoji, in a Hugo site whose configuration sets `enableEmoji` or a
Jekyll site that uses the jemoji plugin: what its pages show, readers of its feeds see too.
The codes are GitHub's (gemoji), as Hugo's and jemoji's; the emoji library knows them as its
"alias" language. Code is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from feedkit.posts import texdelims

_CODE = re.compile(r":[a-z0-9_+-]+:")  # GitHub's emoji names: :smile:, :+1:, :t-rex:


def uses_jemoji(config: Mapping[str, Any]) -> bool:
    """True when a Jekyll `_config.yml`'s `plugins` (or older `gems`) list jemoji."""
    for key in ("plugins", "gems"):
        names = config.get(key)
        if isinstance(names, list) and "jemoji" in names:
            return True
    return False


def emojify(text: str, *, in_html: bool = True) -> str:
    """Return Markdown `text` with its emoji codes outside code as the emoji they name;
    a code that names none (`10:30:00`, `:nope:`) stays as written. Without `in_html`,
    raw HTML is left as written too, as Hugo's Goldmark extension reads only the
    Markdown's text (jemoji, by contrast, reads the page's HTML, so a Jekyll site's raw
    HTML outside code gets its emoji)."""
    if _CODE.search(text) is None:
        return text
    import emoji

    data = text.encode()
    kept, markup = texdelims.regions(text)
    if not in_html:
        kept += markup
    edits: list[tuple[int, int, bytes]] = []
    for m in _CODE.finditer(data.decode("latin-1")):  # byte offsets, as the ranges
        if any(a < m.end() and m.start() < b for a, b in kept):
            continue
        shown = emoji.emojize(m[0], language="alias")
        if shown != m[0]:
            edits.append((m.start(), m.end(), shown.encode()))
    for start, end, replacement in sorted(edits, reverse=True):
        data = data[:start] + replacement + data[end:]
    return data.decode() if edits else text
