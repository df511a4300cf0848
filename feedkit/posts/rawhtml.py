"""Raw HTML left out of a post, as cmark-gfm without UNSAFE and Hugo's Goldmark without
`markup.goldmark.renderer.unsafe` leave it out of their pages (`Reading.raw_html` False).

In Hugo, what a `{{< >}}` shortcode makes is no raw HTML: Hugo puts it in after Markdown. Its
tags are marked here (`kept`) when shortcodes are expanded, and `as_read` keeps them; what a
`{{% %}}` shortcode makes is Markdown, its HTML left out as a post's own is. Checked against
Hugo 0.168 (tests/fixtures/hugo-rawhtml): an HTML block and each inline tag give Goldmark's
`<!-- raw HTML omitted -->` (HTML comments nothing at all), entities are characters as ever,
and a `{{< >}}` shortcode inside an HTML block goes with the block.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from feedkit.errors import Problem

if TYPE_CHECKING:
    from feedkit.models import Post
    from feedkit.posts.kramdown import Prepared
    from feedkit.posts.reading import Reading

# What stands for raw HTML left out: cmark-gfm's and Goldmark's comment for an HTML block;
# for an inline tag, a tag of no element, as inline as the one it replaces (a comment at
# the start of a line would start an HTML block there). The sanitiser drops both.
OMITTED = b"<!-- raw HTML omitted -->"
INLINE_OMITTED = b"<raw-html-omitted>"
# Follows each tag a `{{< >}}` shortcode made: a noncharacter, which Unicode keeps for a
# program's own use, so no post has one. After the tag, not before it, a line's first tag
# still starts an HTML block where it did (texdelims reads formulas in raw HTML so).
# `as_read` takes the marks out.
KEPT = "\ufdd0"
_KEPT = KEPT.encode()
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # feedkit's own tags: no `>` in their attributes


def kept(html: str) -> str:
    """Return HTML that feedkit made, each tag in it marked as one to keep (`KEPT`)."""
    return _TAG.sub(lambda m: m[0] + KEPT, html)


def unmarked(text: str) -> tuple[str, frozenset[int]]:
    """Return `text` without its `KEPT` marks, and where the tags they marked end (UTF-8
    byte offsets in the text returned, as pulldown-cmark's ranges count)."""
    parts = text.encode().split(_KEPT)
    ends, at = [], 0
    for part in parts[:-1]:
        at += len(part)
        ends.append(at)
    return b"".join(parts).decode(), frozenset(ends)


def omission(
    event: Any, data: bytes, start: int, end: int, keep: frozenset[int]
) -> tuple[int, int, bytes] | None:
    """Return the edit that leaves out the raw HTML of pulldown-cmark's `event` (at
    `data[start:end]`), None for any other event or for a tag to `keep` (see `unmarked`): an
    HTML block whose first tag is one goes whole, as Hugo puts in a shortcode's output
    where its placeholder stands."""
    if not isinstance(event, dict):
        return None
    if event.get("Start") == "HtmlBlock":
        first = data.find(b"<", start, end)  # after a quote's `>` or an indent
        if first >= 0 and data.find(b">", first, end) + 1 in keep:
            return None
        # The whole block, the quote markers of its later lines too: one line stays.
        return (start, end, OMITTED + (b"\n" if data[end - 1 : end] == b"\n" else b""))
    if "InlineHtml" in event and end not in keep:
        return (start, end, INLINE_OMITTED)
    return None


def first_omitted(text: str, options: Any) -> tuple[int, str]:
    """Return where (a UTF-8 byte offset) and what (its first line) the first raw HTML in
    Markdown `text` (read with pulldown-cmark's `options`) is that leaving raw HTML out
    takes from readers, (-1, "") when there is none: HTML comments are none (nobody was meant
    to see them) and neither are `{{< >}}` shortcodes' tags (`KEPT`)."""
    from feedkit.posts.markup import markdown

    text, keep = unmarked(text)
    data = text.encode()
    for event, where in markdown(False, options).events_with_range(text):
        found = omission(event, data, where["start"], where["end"], keep)
        if found is not None:
            raw = data[found[0] : found[1]].decode(errors="replace").strip()
            if not raw.startswith("<!--"):
                return found[0], raw.splitlines()[0]
    return -1, ""


def omitted_warning(post: Post, body: str, expanded: str, options: Any) -> list[Problem]:
    """Return a warning, at its line, when a Hugo post's raw HTML is left out of its
    feeds: the first in the `expanded` `body` (see `first_omitted`), where the file has it
    written, else where its first `{{% %}}` shortcode, which made it, stands."""
    at, raw = first_omitted(expanded, options)
    if at < 0:
        return []
    from feedkit.posts.markup import markdown

    tag = raw[: raw.find(">") + 1] or raw
    shown = tag if len(tag) <= 40 else tag[:39] + "…"
    line, made = expanded.encode()[:at].count(b"\n") + 1, True
    for event, where in markdown(False, options).events_with_range(body):
        written = event.get("Html", event.get("InlineHtml")) if isinstance(event, dict) else None
        if isinstance(written, str) and raw in written and not written.startswith("<!--"):
            line, made = body.encode()[: where["start"]].count(b"\n") + 1, False
            break
    if made and (shortcode := body.find("{{%")) >= 0:
        line = body.count("\n", 0, shortcode) + 1
    what = "the raw HTML a {{% %}} shortcode makes" if made else "raw HTML"
    message = (
        f"{what} ({shown}) is left out of feeds, as Hugo leaves it out of the site's pages: set "
        "markup.goldmark.renderer.unsafe = true in its configuration to show it"
    )
    return [Problem(post.rel_path, post.body_line + line - 1, message, warning=True)]


def kept_markers(prepared: Prepared, reading: Reading) -> str:
    """Return the text `kramdown.prepare` made, its markers (`<!--kd-1-->`, `<kd-2>`)
    marked as tags to keep where `reading` leaves raw HTML out: they are feedkit's own."""
    if reading.raw_html or not prepared.fixes:
        return prepared.text
    name = re.escape(prepared.marker)
    return re.sub(rf"<!--{name}-\d+-->|<{name}-\d+>", lambda m: m[0] + KEPT, prepared.text)
