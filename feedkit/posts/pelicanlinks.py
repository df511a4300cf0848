"""Pelican's links within a site: `{filename}`, `{static}` and `{attach}` (and the older
`|filename|`) at the start of a link's or an image's target, in Markdown or in an HTML
attribute, → the URL of the post or file they name; `{tag}`, `{category}`, `{author}` and
`{index}` → the URL of that page; as Pelican's `_link_replacer` makes them.

Pelican replaces them in the HTML it renders, so code never has one replaced; here they are
found in the Markdown (a reference definition's target has no place in the HTML), outside
code spans and blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# What Pelican's INTRASITE_LINK_REGEX `[{|](?P<what>.*?)[|}]` finds, for the kinds it knows.
_KINDS = "filename|static|attach|tag|category|author|index"
_TOKEN = re.compile(rf"[{{|](?:{_KINDS})[|}}]")
# A token where a URL starts: an inline link's target, a reference definition's, or one of
# the attributes Pelican looks in.
_LINK = re.compile(
    r"(?:\]\([ \t]*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?"
    r"|\b(?:href|src|poster|data|cite|formaction|action|content)[ \t]*=[ \t]*[\"']?)"
    rf"(?P<token>[{{|](?P<what>{_KINDS})[|}}](?P<target>[^\s\"'<>)]*))",
    re.MULTILINE,
)
# (what, target as written) → (the URL, or "" with the problem).
Resolve = Callable[[str, str], tuple[str, str]]


def has_links(body: str) -> bool:
    """Return True when `body` may hold a Pelican link (a quick test)."""
    return ("{" in body or "|" in body) and _TOKEN.search(body) is not None


def replace_links(body: str, resolve: Resolve) -> tuple[str, list[tuple[int, str]]]:
    """Return `body` with each Pelican link outside code replaced by what `resolve` gives,
    and (offset in `body`, problem) for each it could not resolve, which is left out."""
    code = code_ranges(body)
    problems: list[tuple[int, str]] = []
    parts: list[str] = []
    last = 0
    for m in _LINK.finditer(body):
        at = m.start("token")
        if any(start <= at < end for start, end in code):
            continue
        url, problem = resolve(m["what"], m["target"])
        if problem:
            problems.append((at, f"{m['token']}: {problem}; left out"))
            from feedkit.posts.sanitize import LEFT_OUT  # rare: here

            url = LEFT_OUT  # not "": an empty target is a link to the post itself
        parts += [body[last:at], url]
        last = m.end("token")
    return "".join(parts) + body[last:], problems


def code_ranges(body: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets in `body` of its code spans and code blocks."""
    from feedkit.posts.markup import markdown

    data = body.encode()
    spans: list[tuple[int, int]] = []
    for event, span in markdown().events_with_range(body):
        start: Any = event.get("Start") if isinstance(event, dict) else None
        if (isinstance(event, dict) and "Code" in event) or (
            start == "CodeBlock" or (isinstance(start, dict) and "CodeBlock" in start)
        ):
            # The ranges count bytes.
            spans.append(
                (
                    len(data[: span["start"]].decode(errors="ignore")),
                    len(data[: span["end"]].decode(errors="ignore")),
                )
            )
    return spans


# Where Pelican writes the pages `{tag}`, `{category}` and `{author}` name (its defaults).
PAGE_URLS = {
    "tag": ("TAG_URL", "tag/{slug}.html"),
    "category": ("CATEGORY_URL", "category/{slug}.html"),
    "author": ("AUTHOR_URL", "author/{slug}.html"),
}


def page_url(pattern: str, name: str) -> str | None:
    """Return `pattern` (a Pelican *_URL setting) filled in for the page of `name`, None
    when it has a placeholder other than {slug} and {name}, or one it cannot fill in (an
    attribute or item of one: `{slug.x}`, `{slug[0]}`)."""
    from feedkit.posts.pelicanmeta import slug

    try:
        return pattern.format(slug=slug(name), name=name)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        return None
