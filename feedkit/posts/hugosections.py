"""A Hugo page's sections, for the section tokens of its `[permalinks]` pattern
(`:section`, `:sectionslug`, `:sections`, `:sectionslugs` and their slices, such as
`:sections[1:]` or `:sectionslugs[last]`), filled in as Hugo 0.168 fills them
(resources/page/permalinks.go): a section is a top folder of the content folder, or a
folder below with an `_index.md`, whose front matter's slug or title is its slug.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from feedkit.posts.hugourls import ESCAPED_COLON, TOKEN, section_name, titled, urlize
from feedkit.posts.walk import HUGO_SUFFIXES


class SectionPlace(NamedTuple):  # a tuple: no dataclass methods made on every run
    """What Hugo's section tokens say of a page, its folders as Hugo names them (hugourls
    `section_name`): its top folder (`:section`), the folders of its own section
    (`:sections`: the nearest folder above it with an `_index.md`, or its top folder), and
    each section's slug or title, urlized, the top one first
    (`:sectionslugs`: a folder without an `_index.md` is none, but the top one)."""

    section: str = ""
    path: tuple[str, ...] = ()
    slugs: tuple[str, ...] = ()


class Sections:
    """The sections of a Hugo content folder, from its `_index.md` files: read once a
    build, and only the folders a pattern with section tokens asks about."""

    def __init__(self, content: Path, files: Iterable[str] | None = None) -> None:
        self.content = content
        self.files = files  # the site's files, when listed (else each is looked for on disk)
        self._index: dict[str, str] | None = None
        self.known: dict[tuple[str, ...], SectionPlace] = {}
        self.slugs: dict[str, str] = {}

    @property
    def index(self) -> dict[str, str]:
        """Return each section's folder → its `_index` file, of the listed files: made at
        first use, as a site whose patterns have no section token never needs it."""
        if self._index is None:
            self._index = {}
            for rel in sorted(self.files or ()):
                folder, _, name = rel.rpartition("/")
                if name.startswith("_index.") and name.endswith(HUGO_SUFFIXES):
                    self._index.setdefault(folder, rel)
        return self._index

    def signature(self, patterns: Iterable[str]) -> tuple[tuple[str, str], ...]:
        """Return what the `patterns`' section tokens depend on, for the build cache's
        key: the folders with an `_index.md`, and their slugs when a pattern has
        `:sectionslug` or `:sectionslugs` (a new title moves every post below it)."""
        patterns = [p for p in patterns if ":section" in p]
        if not patterns or self.files is None:
            return ()
        slugs = any(":sectionslug" in p for p in patterns)
        return tuple((f, self._slug(f) if slugs else "") for f in sorted(self.index))

    def _index_of(self, folder: str) -> str | None:
        if folder not in self.index:
            where = self.content / folder
            found = sorted(p.name for p in where.glob("_index.*")) if where.is_dir() else []
            found = [name for name in found if name.endswith(HUGO_SUFFIXES)]
            if not found:
                return None
            self.index[folder] = f"{folder}/{found[0]}"
        return self.index[folder]

    def of(self, folders: list[str], slugs: bool) -> SectionPlace:
        """Return the sections of a page in `folders` (a bundle's folder left out), with
        their slugs when `slugs` (which reads their `_index.md`)."""
        key = (*folders, "" if slugs else "\x00")
        place = self.known.get(key)
        if place is None:
            place = self.known[key] = self._place(folders, slugs)
        return place

    def _place(self, folders: list[str], slugs: bool) -> SectionPlace:
        if not folders:
            return SectionPlace()
        # Hugo's sections: the top folder, and each folder below with an `_index.md`.
        ends = [1] + [
            depth
            for depth in range(2, len(folders) + 1)
            if self._index_of("/".join(folders[:depth])) is not None
        ]
        # As Hugo names them, in lower case even when the site sets disablePathToLower.
        path = tuple(section_name(folder) for folder in folders[: ends[-1]])
        found = tuple(self._slug("/".join(folders[:depth])) for depth in ends) if slugs else ()
        return SectionPlace(path[0], path, found)

    def _slug(self, folder: str) -> str:
        """Return the section's slug, else its title, urlized: its `_index.md`'s, else (a
        top folder without one) the title Hugo makes of the folder's name, plural."""
        if folder not in self.slugs:
            from feedkit.posts.fmparse import parse_front_matter
            from feedkit.posts.postfile import FileProblems
            from feedkit.posts.postread import read_head

            rel = self._index_of(folder)
            if rel is None:
                self.slugs[folder] = urlize(_plural(folder))
            else:
                try:
                    meta = parse_front_matter(
                        read_head(self.content / rel, rel, [], hugo=True)[0], rel, hugo=True
                    )
                except (OSError, FileProblems):
                    meta = {}
                slug, title = meta.get("slug"), meta.get("title")
                slug = slug.strip() if isinstance(slug, str) else ""
                self.slugs[folder] = urlize(slug) if slug else titled(str(title or ""))
        return self.slugs[folder]


def _plural(name: str) -> str:
    """Return a section's name as Hugo's title of it (pluralizeListTitles) makes it plural,
    in its common cases: `note` `notes`, `story` `stories`, `box` `boxes`, `posts` kept."""
    lower = name.lower()
    if lower.endswith("s"):
        return name
    if lower.endswith("y") and lower[-2:-1] not in ("", *"aeiou"):
        return name[:-1] + "ies"
    if lower.endswith(("x", "ch", "sh", "z")):
        return name + "es"
    return name + "s"


def with_sections(pattern: str, sections: SectionPlace) -> str:
    """Return a Hugo permalink pattern with its section tokens (`:section`,
    `:sectionslug`, `:sections`, `:sectionslugs`, their slices) filled in for a page in
    the `sections` (a colon in a folder's name is dropped, as Hugo's path drops it)."""
    if ":section" not in pattern:
        return pattern
    return _with_sections(pattern, sections)


@lru_cache(maxsize=1024)
def _with_sections(pattern: str, sections: SectionPlace) -> str:
    out: list[str] = []
    at = 0
    escaped = pattern.replace("\\:", ESCAPED_COLON)
    for match in TOKEN.finditer(escaped):
        token = match[1]
        out.append(escaped[at : match.start()])
        at = match.end()
        if token == "section":
            value = sections.section
        elif token == "sectionslug":
            value = sections.slugs[0] if sections.slugs else ""
        elif token.startswith("sections") and token[8:9] in ("", "["):
            value = "/".join(_sliced(token[8:], sections.path))
        elif token.startswith("sectionslugs") and token[12:13] in ("", "["):
            value = "/".join(_sliced(token[12:], sections.slugs))
        else:  # the page's own, filled per post
            out.append(match[0])
            continue
        out.append(value.replace(":", ""))  # no token in it: Hugo's path drops a colon
    out.append(escaped[at:])
    return "".join(out).replace(ESCAPED_COLON, "\\:")


def _sliced(cut: str, entries: tuple[str, ...]) -> list[str]:
    """Return the `entries` a slice (`[1:]`, `[last]`, `[:2]`, `[0]`) takes, as Hugo's
    toSliceFunc does: lenient, an index past the end takes nothing, a bad number is 0."""
    cut = cut.strip().lower()
    if not cut:
        return [e for e in entries if e]
    if len(cut) < 3 or cut[0] != "[" or cut[-1] != "]" or not entries:
        return []

    def index(text: str, low: bool) -> int:
        if text == "":
            return 0 if low else len(entries)
        if text == "last":
            return len(entries) - 1
        number = re.match(r"[+-]?\d+\Z", text)
        n = max(int(text), 0) if number else 0
        return (-1 if low else len(entries)) if n >= len(entries) else n

    inside = cut[1:-1]
    if ":" not in inside:
        n = index(inside, True)
        return [entries[n]] if n >= 0 and entries[n] else []
    first, second = inside.split(":")[:2]  # Go's: what follows a second colon is left
    low, high = index(first, True), index(second, False)
    return [e for e in entries[low:high] if e] if low >= 0 and high >= 0 else []
