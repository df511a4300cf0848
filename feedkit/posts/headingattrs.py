"""Heading attributes with values in quotes (`## Setup {class="note" id="setup"}`), as
Goldmark (Hugo's) reads them: pulldown-cmark keeps the quotes in the value (the feed got
`class="&quot;note&quot;"`, and an `id` of `"setup"` that no `#setup` link finds) and ends a
value at a space. The heading's attribute block is written again in the forms pulldown-cmark
reads alike: `{#setup .note}`, `key=value`. A value it cannot carry (a space in it, but in a
class list) is left out; a block Goldmark would not read either (single quotes) is left as
it is. Python-Markdown's attr_list (a Pelican site's) reads such a block too, and one that
starts with a colon (`{: class="note"}`).
"""

from __future__ import annotations

import re
from typing import Any

from feedkit.posts.edits import edited

# The attribute block at the end of a heading's line, and each of its parts.
_BLOCK = re.compile(r"\{([^{}\n]*)\}[ \t]*\Z")
_PART = re.compile(
    r"[ \t]*(?:(?P<id>#[^\s{}]+)|(?P<cls>\.[^\s{}]+)"
    r'|(?P<key>[A-Za-z_:][-\w:.]*)=(?:"(?P<quoted>(?:[^"\\\n]|\\.)*)"|(?P<bare>[^\s"\'{}]+)))'
)
_ESCAPE = re.compile(r"\\(.)")
# A quick look: a line that ends with a block holding a value in quotes.
_MAY = re.compile(r'(?m)\{[^{}\n]*="[^{}\n]*\}[ \t]*\r?$')


def unquoted(text: str, options: Any, colon: bool = False) -> str:
    """Return Markdown `text` with each heading's attribute block that has a value in quotes
    written without them (see the module's docstring), as pulldown-cmark (with `options`)
    finds the headings; with `colon`, a block that starts with `:` too (attr_list's)."""
    if '="' not in text or not _MAY.search(text):
        return text
    from feedkit.posts.markup import markdown

    data = text.encode()
    edits = []
    for event, where in markdown(False, options).events_with_range(text):
        began = event.get("Start") if isinstance(event, dict) else None
        if not (isinstance(began, dict) and "Heading" in began):
            continue
        if not any((value or "").startswith('"') for _, value in began["Heading"]["attrs"]):
            continue
        start = where["start"]
        end = data.find(b"\n", start, where["end"])
        line = data[start : end if end >= 0 else where["end"]].decode()
        found = _BLOCK.search(line.rstrip("\r"))
        inside = found[1] if found else ""
        if colon and inside.startswith(":"):
            inside = inside[1:]
        block = _rewritten(inside) if found else None
        if found is not None and block is not None:
            at = start + len(line[: found.start()].encode())
            edits.append((at, at + len(found[0].encode()), block.encode()))
    return edited(data, edits) if edits else text


def _rewritten(block: str) -> str | None:
    """Return the attribute block `block` (without its braces) in pulldown-cmark's forms,
    braces and all; None when a part of it is none Goldmark reads."""
    parts: list[str] = []
    at = 0
    while at < len(block.rstrip()):
        part = _PART.match(block, at)
        if part is None:
            return None
        at = part.end()
        if part["id"] or part["cls"]:
            parts.append(part["id"] or part["cls"])
            continue
        key = part["key"]
        value = part["bare"] if part["quoted"] is None else _ESCAPE.sub(r"\1", part["quoted"])
        if key == "class":
            parts += [f".{name}" for name in value.split()]
        elif not value or any(c.isspace() or c in "{}" for c in value):
            continue  # pulldown-cmark cannot carry it
        elif key == "id":
            parts.append(f"#{value}")
        elif '"' not in value and "'" not in value:
            parts.append(f"{key}={value}")
    return "{" + " ".join(parts) + "}"
