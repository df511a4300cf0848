"""The anchors of a post's footnotes (`fn-…` and `fnref-…` ids and the links to them): what
name each post's begin with, and the HTML that carries them; and where the notes stand,
after the post (`footnotes_last`).

A feed or a digest shows many posts in one page, so every post's anchors carry a name no
other post of the site has: its slug, as they always have; but posts may share a slug (a
yearly `year-in-review`, in Jekyll and Hugo), and each of those takes the path of its own
URL instead (`blog-2024-12-year-in-review`), which no other post has. The name depends on
every post of the site, drafts and scheduled posts too: it changes when another post takes
or gives up the slug, not when a post comes out or expires, nor with `--drafts`.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from operator import attrgetter
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

# What pulldown-cmark's writer makes of footnotes: its own markup, nothing a post wrote,
# so these patterns meet exactly one shape each.
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-reference"><a href="#([^"]*)">')
_FOOTNOTE_DEF = re.compile(r'<div class="footnote-definition" id="([^"]*)">')
_ID_UNSAFE = re.compile(r"[^\w-]+")
# A page's own file name, which names no other page than its folder would.
_PAGE_SUFFIX = re.compile(r"(?:/index)?\.html?$")
_URL = attrgetter("url")
# What a slug of Jekyll's or Hugo's may hold that an id may not (`slug: "My Slug!"`, which
# they slugify for the URL); any other slug is an anchor's name as it stands.
_NOT_IN_ID = re.compile(r"[\s/\\?#%]+")


def _slug(post: Placed) -> str:
    """Return a post's slug as its anchors' name: a run of what an id cannot hold, a `-`."""
    slug = post.slug
    return _NOT_IN_ID.sub("-", slug) if _NOT_IN_ID.search(slug) else slug


class Placed(Protocol):
    """A post, or its index row (`Choice`): where it is published."""

    @property
    def slug(self) -> str: ...

    @property
    def url(self) -> str: ...


def anchor_names(posts: Iterable[Placed]) -> dict[str, str]:
    """Return, by URL, the name the anchors of each post whose slug another one shares begin
    with (every other post's is its slug), given every post of the site.

    The name is the path of the post's URL (`/blog/2024/12/year-in-review/` gives
    `blog-2024-12-year-in-review`); when that is another post's slug or name (`/a-b/` and
    `/a/b/` give one), the slug and as much of a hash of the URL as makes it no other's.
    Each depends only on which posts there are, never on the order they are read in.
    """
    listed = list(posts)
    slugs = list(map(_slug, listed))
    counts = Counter(slugs)
    if len(counts) == len(slugs):  # no slug shared: the common case, in C loops
        return {}
    shared = sorted(post.url for post, slug in zip(listed, slugs, strict=True) if counts[slug] > 1)
    slug_of = {post.url: slug for post, slug in zip(listed, slugs, strict=True) if counts[slug] > 1}
    taken = {slug for slug, count in counts.items() if count == 1}
    wanted = {url: _path_name(url) for url in shared}
    wanted_by = Counter(wanted.values())
    names: dict[str, str] = {}
    unplaced = []
    for url in shared:
        name = wanted[url]
        if name and name not in taken and wanted_by[name] == 1:
            names[url] = name
        else:
            unplaced.append(url)
    taken |= set(names.values())
    for url in unplaced:  # by URL, so which one takes a name does not depend on the order
        digest = hashlib.sha256(url.encode()).hexdigest()
        size = 8
        while (name := f"{slug_of[url]}-{digest[:size]}") in taken:
            size += 4
        names[url] = name
        taken.add(name)
    return names


def _path_name(url: str) -> str:
    """Return the path of `url` as an anchor's name: its parts joined by hyphens."""
    path = _PAGE_SUFFIX.sub("", unquote(urlsplit(url).path))
    return _ID_UNSAFE.sub("-", path).strip("-")


def anchor_of(post: Placed, names: Mapping[str, str]) -> str:
    """Return the name a post's anchors begin with, `names` those `anchor_names` gave."""
    return names.get(post.url) or _slug(post)


def _footnote_id(name: str, label: str) -> str:
    return f"{name}-{_ID_UNSAFE.sub('-', html.unescape(label)).strip('-')}"


def with_footnote_anchors(out: str, name: str) -> str:
    """Return pulldown-cmark's HTML `out` with each footnote's reference and definition
    given the ids of feedkit's feeds, which begin with `name` (see `anchor_of`)."""
    if 'class="footnote-' not in out:
        return out
    out = _FOOTNOTE_REF.sub(
        lambda m: (
            f'<sup class="footnote-ref"><a href="#fn-{_footnote_id(name, m[1])}"'
            f' id="fnref-{_footnote_id(name, m[1])}">'
        ),
        out,
    )
    return _FOOTNOTE_DEF.sub(
        lambda m: f'<div class="footnote" id="fn-{_footnote_id(name, m[1])}">', out
    )


def footnotes_last(text: str, options: Any) -> str:
    """Return Markdown `text` with the footnote definitions written among its paragraphs
    moved after them, in their order (`text` itself when there are none): pulldown-cmark
    writes a definition where it stands, where kramdown, Goldmark, cmark-gfm and
    Python-Markdown gather every note at the end, so a note written after its paragraph
    showed in the middle of the post. One inside a quote or a list stays: moved out of
    it, it would be read without its markers."""
    if _notes_in_place(text):
        return text
    from feedkit.posts.markup import markdown

    data = text.encode()
    found: list[tuple[int, int]] = []
    depth = 0  # open elements: only a definition at the top is moved
    for event, where in markdown(options=options).events_with_range(text):
        if not isinstance(event, dict):
            continue
        if "Start" in event:
            began = event["Start"]
            if depth == 0 and isinstance(began, dict) and "FootnoteDefinition" in began:
                found.append((where["start"], where["end"]))
            depth += 1
        elif "End" in event:
            depth -= 1
    if not found:
        return text
    rest, notes, at = [], [], 0
    for start, end in found:
        rest.append(data[at:start])
        notes.append(data[start:end].rstrip() + b"\n")
        at = end
    rest.append(data[at:])
    if not b"".join(rest[1:]).strip():  # nothing after the first note but notes: in place
        return text
    return (b"".join(rest).rstrip() + b"\n\n" + b"\n".join(notes)).decode()


# A footnote definition's start, `[^1]:`, at the start of a line (its `\n` before it).
_NOTE_LINE = re.compile(r"\n {0,3}\[\^[^\]\n]+\]:")


def _notes_in_place(text: str) -> bool:
    """Return True when no footnote definition of `text` can have a paragraph after it:
    from the first line that starts one, every line is another, indented (a note's own)
    or blank. A quick look for the many posts whose notes are at their end already."""
    first = _NOTE_LINE.search("\n" + text)
    if first is None:
        return True
    for line in text[first.end() - 1 :].split("\n")[1:]:
        if line.strip() and line[0] not in " \t" and not _NOTE_LINE.match("\n" + line):
            return False
    return True
