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
# so these patterns meet exactly one shape each. These four are compiled (and kept by re)
# when first used: most posts have no footnotes, and no slug another post shares.
_FOOTNOTE_REF = r'<sup class="footnote-reference"><a href="#([^"]*)">[^<]*</a></sup>'
_FOOTNOTE_DEF = (
    r'<div class="footnote-definition" id="([^"]*)"><sup class="footnote-definition-label">'
    r"([^<]*)</sup>\n?"  # no line end before a table, pulldown-cmark's only such block
)
_DEF_END = "</div>\n"
_ID_UNSAFE = r"[^\w-]+"
# A page's own file name, which names no other page than its folder would.
_PAGE_SUFFIX = r"(?:/index)?\.html?$"
_URL = attrgetter("url")
# What a slug of Jekyll's or Hugo's may hold that an id may not (`slug: "My Slug!"`, which
# they slugify for the URL); any other slug is an anchor's name as it stands.
_NOT_IN_ID = re.compile(r"[\s/\\?#%]+")


_SLUG = attrgetter("slug")


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
    slugs = list(map(_SLUG, listed))
    # Most sites' slugs are ASCII letters, digits and hyphens, which an id takes as they
    # are: told of them all at once in C (0.3 ms at 5,000 posts), where _NOT_IN_ID's look
    # at each slug took 2 ms of every build.
    if not "".join(slugs).encode().translate(None, b"-").isalnum():
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
    path = re.sub(_PAGE_SUFFIX, "", unquote(urlsplit(url).path))
    return re.sub(_ID_UNSAFE, "-", path).strip("-")


def anchor_of(post: Placed, names: Mapping[str, str]) -> str:
    """Return the name a post's anchors begin with, `names` those `anchor_names` gave."""
    return names.get(post.url) or _slug(post)


def _footnote_id(name: str, label: str) -> str:
    return f"{name}-{re.sub(_ID_UNSAFE, '-', html.unescape(label)).strip('-')}"


def with_footnote_anchors(out: str, name: str, by_definition: bool = False) -> str:
    """Return pulldown-cmark's HTML `out` with its footnotes as kramdown, Goldmark and
    cmark-gfm write them, their ids those of feedkit's feeds, which begin with `name` (see
    `anchor_of`).

    pulldown-cmark numbers notes as their labels first appear and writes each definition as
    a block of its own, with no way back to the text. The notes after the post (where
    `footnotes_last` gathers them) become one list after a rule, numbered in the order the
    text first refers to them, each with a link back to every reference to it; a note the
    text never refers to is left out, as those converters leave it. Each reference has an
    id of its own. A note inside a quote or a list keeps its place and block.

    `by_definition`: as Python-Markdown's footnotes (a Pelican site's): notes are numbered
    in the order they are defined, and a note nothing refers to is listed too."""
    if 'class="footnote-' not in out:
        return out
    # A reference finds its note as a link its definition, whatever the letters' case
    # (`[^Note]`, `[^note]:`), where pulldown-cmark wrote an anchor to no note.
    defined = {_key(m[1]): m[1] for m in re.finditer(_FOOTNOTE_DEF, out)}
    # note → its number: the order of first reference (or of definition)
    numbers: dict[str, int] = {}
    if by_definition:
        numbers = {key: number for number, key in enumerate(defined, start=1)}
    seen: Counter[str] = Counter()

    def reference(m: re.Match[str]) -> str:
        key = _key(m[1])
        number = numbers.setdefault(key, len(numbers) + 1)
        seen[key] += 1
        note = _footnote_id(name, defined.get(key, m[1]))
        return (
            f'<sup class="footnote-ref"><a href="#fn-{note}" id="{_ref_id(note, seen[key])}">'
            f"{number}</a></sup>"
        )

    out = re.sub(_FOOTNOTE_REF, reference, out)
    notes, start = _notes_at_end(out)
    listed: list[str] = []
    for label, content in sorted(
        ((label, content) for label, content in notes if _key(label) in numbers),
        key=lambda note: numbers[_key(note[0])],
    ):
        note, key = _footnote_id(name, label), _key(label)
        back = "".join(
            f'{" " if k > 1 else "&#160;"}<a href="#{_ref_id(note, k)}" class="footnote-backref">'
            f"&#x21a9;&#xfe0e;{f'<sup>{k}</sup>' if k > 1 else ''}</a>"
            for k in range(1, seen[key] + 1)
        )
        if content.endswith("</p>\n"):
            content = content[: -len("</p>\n")] + back + "</p>\n"
        else:
            content += f"<p>{back}</p>\n"
        # A note in a quote or a list took a number too: the list's show the references'.
        value = "" if numbers[key] == len(listed) + 1 else f' value="{numbers[key]}"'
        listed.append(f'<li id="fn-{note}"{value}>\n{content}</li>\n')
    if start < len(out):
        out = out[:start]
        if listed:
            out += '<div class="footnotes">\n<hr />\n<ol>\n' + "".join(listed) + "</ol>\n</div>\n"
    return re.sub(
        _FOOTNOTE_DEF,  # a note inside a quote or a list
        lambda m: (
            f'<div class="footnote" id="fn-{_footnote_id(name, m[1])}">'
            f'<sup class="footnote-definition-label">{numbers.get(_key(m[1]), m[2])}</sup>\n'
        ),
        out,
    )


def _key(label: str) -> str:
    """Return what a footnote's label is matched by: as a link's, case and runs of spaces
    aside."""
    return " ".join(html.unescape(label).split()).casefold()


def _ref_id(note: str, k: int) -> str:
    """Return the id of the `k`th reference (from 1) to the note whose id is `fn-{note}`."""
    return f"fnref-{note}" if k == 1 else f"fnref-{note}-{k}"


def _notes_at_end(out: str) -> tuple[list[tuple[str, str]], int]:
    """Return the footnote definitions that end pulldown-cmark's HTML `out`, one after the
    other, as (label, their content), and where the first of them starts (`len(out)` when
    `out` ends with none). Each is the definition's start tag, its label, its content and
    `</div>`: a definition inside a quote or a list is followed by that element's end."""
    found = list(re.finditer(_FOOTNOTE_DEF, out))
    notes: list[tuple[str, str]] = []
    end = len(out)
    for m in reversed(found):
        body = out[m.end() : end]
        if not body.endswith(_DEF_END):
            break
        notes.append((m[1], body[: -len(_DEF_END)]))
        end = m.start()
    notes.reverse()
    return notes, end


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
_NOTE_LINE = r"\n {0,3}\[\^[^\]\n]+\]:"  # compiled when first used, as the above


def _notes_in_place(text: str) -> bool:
    """Return True when no footnote definition of `text` can have a paragraph after it:
    from the first line that starts one, every line is another, indented (a note's own)
    or blank. A quick look for the many posts whose notes are at their end already."""
    first = re.search(_NOTE_LINE, "\n" + text)
    if first is None:
        return True
    for line in text[first.end() - 1 :].split("\n")[1:]:
        if line.strip() and line[0] not in " \t" and not re.match(_NOTE_LINE, "\n" + line):
            return False
    return True


def unused_notes(text: str, options: Any) -> list[tuple[int, str]]:
    """Return (line in Markdown `text`, from 1; label) of each footnote whose definition
    nothing in `text` refers to: feeds leave it out (`with_footnote_anchors`), but for a
    Pelican site's."""
    if "[^" not in text:
        return []
    from feedkit.posts.markup import markdown

    referred: set[str] = set()
    defined: list[tuple[int, str]] = []
    for event, where in markdown(options=options).events_with_range(text):
        if not isinstance(event, dict):
            continue
        if "FootnoteReference" in event:
            referred.add(_key(event["FootnoteReference"]))
        elif isinstance(began := event.get("Start"), dict) and "FootnoteDefinition" in began:
            defined.append((where["start"], began["FootnoteDefinition"]))
    data = text.encode()  # the ranges count bytes
    return [
        (data.count(b"\n", 0, start) + 1, label)
        for start, label in defined
        if _key(label) not in referred
    ]
