"""What a Hugo site's `[markup.goldmark]` configuration says of how Markdown reads: its
typographer and its substitutions, `www.` links (linkify), passthrough math, the block
attributes of its parser, the extensions it switches off; and what it sets that feedkit
does not follow (Goldmark's extras, render hooks of the site's or its theme's own).
feedkit/posts/hugoconfig.py reads the configuration and takes these from here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from feedkit.posts.sitekind import HOOK_FOLDERS, THEMES_DIR, shown_in, theme_names

# Goldmark's extras (Hugo 0.126 and later) by their setting, with what they make.
_EXTRAS = {
    "delete": "~~deleted~~",
    "insert": "++inserted++",
    "mark": "==marked==",
    "subscript": "H~2~O",
    "superscript": "x^2^",
}


# The render hooks a site or theme may have, in layouts/_markup/ (or _default/_markup/).
_HOOKS = ("image", "link", "heading", "codeblock", "blockquote", "table", "passthrough")


def unfollowed(values: dict[str, Any], folder: Path, config: str) -> tuple[tuple[str, str], ...]:
    """Return what the site sets that changes its pages and that feedkit does not follow:
    Goldmark's extras (their syntax reaches feeds as typed), and render hooks of its own or
    its theme's (feeds show what Markdown makes), each as (file as shown, what to say)."""
    found: list[tuple[str, str]] = []
    extras = goldmark_table(values, "extensions").get("extras")
    on = [
        made
        for name, made in _EXTRAS.items()
        if isinstance(extras, dict)
        and isinstance(extras.get(name), dict)
        and extras[name].get("enable") is True
    ]
    if on:
        found.append(
            (
                config,
                "markup.goldmark.extensions.extras: feedkit does not follow Goldmark's extras "
                f"({', '.join(on)} reach feeds as typed)",
            )
        )
    for hook, path in own_hooks(values, folder, _HOOKS):
        found.append(
            (
                shown_in(path, folder),
                f"Hugo renders each {hook} with this template, which feedkit does not run: "
                "feeds show what the Markdown makes",
            )
        )
    return tuple(found)


def own_hooks(
    values: dict[str, Any], folder: Path, hooks: tuple[str, ...]
) -> list[tuple[str, Path]]:
    """Return the render hooks of `hooks` ("image", "link"…) that the site in `folder`, or
    its theme, has templates of (`layouts/_markup/render-image.html`, or under
    `layouts/_default/_markup/`), each with its file. A path the system cannot look up (a
    theme's name too long for a file's) is none, as a missing one is."""
    themes = theme_names(values.get("theme"))
    return [
        (hook, path)
        for root in [folder, *(folder / THEMES_DIR / name for name in themes)]
        for hook in hooks
        for place in HOOK_FOLDERS
        if os.path.isfile(path := root / place / f"render-{hook}.html")
    ]


def block_attributes(values: dict[str, Any]) -> bool:
    """Return True when `markup.goldmark.parser.attribute.block` is on (Hugo's default:
    off; `title`, on by default, is the headings' `{#id}`, which pulldown-cmark reads)."""
    attribute = goldmark_table(values, "parser").get("attribute")
    return isinstance(attribute, dict) and attribute.get("block") is True


def typography(values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Return the typographer's substitutions the site sets (see typographer.py)."""
    table = _typographer_table(values)
    if not isinstance(table, dict):
        return ()
    from feedkit.posts.typographer import site_typography

    return site_typography(table)


def goldmark_table(values: dict[str, Any], part: str) -> dict[str, Any]:
    """Return the `markup.goldmark` table `part` ("extensions", "renderer", "parser",
    "renderhooks"), {} if none."""
    found: Any = values
    for key in ("markup", "goldmark", part):
        found = found.get(key) if isinstance(found, dict) else None
    return found if isinstance(found, dict) else {}


def _typographer_table(values: dict[str, Any]) -> Any:
    """Return what `markup.goldmark.extensions.typographer` is set to (None when unset)."""
    return goldmark_table(values, "extensions").get("typographer")


def typographer(values: dict[str, Any]) -> bool:
    """Return False when `markup.goldmark.extensions.typographer` is switched off: `false`
    (Hugo up to 0.111) or `disable = true` (from 0.112)."""
    found = _typographer_table(values)
    if isinstance(found, dict):
        return found.get("disable") is not True
    return found is not False


def switched_off(values: dict[str, Any]) -> tuple[str, ...]:
    """Return the Goldmark extensions feedkit follows that the site switches off."""
    extensions = goldmark_table(values, "extensions")
    names = ("table", "footnote", "strikethrough", "definitionlist", "tasklist")
    return tuple(name for name in names if extensions.get(name) is False)


def linkify(values: dict[str, Any]) -> str:
    """Return the protocol Goldmark's linkify gives `www.` links (`linkifyProtocol`, https
    by default), "" when `markup.goldmark.extensions.linkify` is false."""
    found = goldmark_table(values, "extensions")
    if found.get("linkify") is False:
        return ""
    protocol = found.get("linkifyprotocol")
    return protocol.strip() if isinstance(protocol, str) and protocol.strip() else "https"


def passthrough(values: dict[str, Any]) -> tuple[tuple[str, str, bool], ...]:
    """Return the delimiters of `markup.goldmark.extensions.passthrough`, when enabled."""
    found = goldmark_table(values, "extensions").get("passthrough")
    if not isinstance(found, dict) or found.get("enable") is not True:
        return ()
    delimiters = found.get("delimiters")
    pairs: list[tuple[str, str, bool]] = []
    for kind in ("inline", "block"):
        listed = delimiters.get(kind) if isinstance(delimiters, dict) else None
        for pair in listed if isinstance(listed, list) else []:
            if isinstance(pair, list) and len(pair) == 2 and all(isinstance(d, str) for d in pair):
                pairs.append((pair[0], pair[1], kind == "block"))
    return tuple(pairs)
