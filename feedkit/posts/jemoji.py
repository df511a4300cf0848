"""jemoji, the Jekyll plugin that shows `:smile:` as an emoji: the same for feeds.

A Jekyll site that lists `jemoji` in its `_config.yml` plugins writes emoji as GitHub's
shortcodes; its pages show the emoji, and so do feeds: each known `:name:` in the text
becomes its emoji through the emoji library's GitHub aliases. Code, HTML and math are
left as written, and so is a `:name:` no emoji has (`10:30:00`, `:not-an-emoji:`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_SHORTCODE = re.compile(r":[\w+-]+:")


def uses_jemoji(config: Mapping[str, Any]) -> bool:
    """True when a `_config.yml`'s `plugins` (or older `gems`) list jemoji."""
    for key in ("plugins", "gems"):
        names = config.get(key)
        if isinstance(names, list) and "jemoji" in names:
            return True
    return False


def emojize(text: str) -> str:
    """Return Markdown `text` with each known `:name:` outside code, HTML and math as its
    emoji; `text` itself when it has none."""
    if _SHORTCODE.search(text) is None:
        return text
    import emoji

    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, int, bytes]] = []
    code = 0
    value: Any
    for event, where in markdown().events_with_range(text):
        if not isinstance(event, dict):
            continue
        ((key, value),) = event.items()
        if key in ("Start", "End"):
            name = value if isinstance(value, str) else next(iter(value))
            if name in ("CodeBlock", "MetadataBlock"):
                code += 1 if key == "Start" else -1
        elif key == "Text" and not code:
            source = data[where["start"] : where["end"]].decode()
            changed = emoji.emojize(source, language="alias")
            if changed != source:
                edits.append((where["start"], where["end"], changed.encode()))
    for start, end, new in reversed(edits):
        data = data[:start] + new + data[end:]
    return data.decode() if edits else text
