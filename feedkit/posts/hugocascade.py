"""Hugo's `cascade`: the front matter a section's `_index.md` (the home page's too, at the top
of the content folder) gives the pages below it, as Hugo 0.168 applies it
(hugolib/page__meta.go): a page's own key wins; then, from the nearest section up, each
`cascade` of the sections above it, whose entries (a mapping, or a list of mappings each with
a `target`, or `_target`, to match) set a key the page has not been given yet. A key at the
top of the front matter is set whole: a page's own `build` keeps none of a cascaded one's.

The keys that decide whether a page is out (`draft`, `build`, dates) come through here: a
section cascading `draft: true` keeps every page below it out of Hugo's feeds, and feedkit's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from feedkit.errors import ContentError, Problem
from feedkit.posts.walk import HUGO_SUFFIXES
from feedkit.shown import display_path

ENVIRONMENT = "production"  # what `hugo` builds for (`hugo server`: development)
TARGET_KEYS = ("path", "kind", "lang", "environment")
# A page's path as Hugo matches it: its file's, from the content folder, without the ending or
# a language, a bundle's its folder's; lower case, a space a hyphen (Hugo's normalized paths).
_LANGUAGE = re.compile(r"\.[a-z]{2,3}(?:-[a-z0-9]{2,8})?$", re.IGNORECASE)

Entry = tuple[tuple[tuple[str, str], ...], dict[str, Any]]  # (target's globs, values)


class Cascades:
    """The `cascade`s of a Hugo content folder's `_index` files, read once a layout (only
    those whose front matter has the word are parsed)."""

    def __init__(
        self,
        content: Path,
        root: Path,
        rels: Iterable[str],
        language: str,
        site: tuple[Entry, ...] = (),
    ) -> None:
        self.language = language
        self.site = site  # the Hugo configuration's cascade: under the home page's
        self.by_folder: dict[str, list[Entry]] = {}
        for rel in sorted(rels):
            folder, _, name = rel.rpartition("/")
            if not name.startswith("_index.") or not name.endswith(HUGO_SUFFIXES):
                continue
            given = _LANGUAGE.search(name.rsplit(".", 1)[0])
            if given is not None and given[0][1:].lower() not in _languages(language):
                continue  # another language's section page
            if folder not in self.by_folder:  # `_index.md` or `_index.en.md`: the first
                self.by_folder[folder] = _entries(content / rel, display_path(content / rel, root))
        self.given = bool(site) or any(self.by_folder.values())

    def signature(self) -> str:
        """Return every cascade, written out: what the pages' places are made from."""
        folders = sorted((folder, entries) for folder, entries in self.by_folder.items() if entries)
        return repr((folders, self.site))

    def defaults(self, rel: str) -> tuple[tuple[str, Any], ...]:
        """Return the keys the sections above the page at `rel` (its path in the content
        folder) cascade to it, with their values, in the order Hugo sets them."""
        if not self.given:
            return ()
        found: dict[str, Any] = {}
        path = page_path(rel)
        folders = rel.split("/")[:-1]
        for depth in range(len(folders), -2, -1):  # the nearest section first, the site last
            cascade = self.by_folder.get("/".join(folders[:depth]), ()) if depth >= 0 else self.site
            for target, values in cascade:
                if all(
                    glob_pattern(pattern).fullmatch(self._subject(key, path))
                    for key, pattern in target
                ):
                    for key, value in values.items():
                        found.setdefault(key, value)
        return tuple(found.items())

    def _subject(self, key: str, path: str) -> str:
        if key == "path":
            return path
        if key == "kind":
            return "page"
        return self.language.lower() if key == "lang" else ENVIRONMENT


def page_path(rel: str) -> str:
    """Return the path Hugo matches a cascade's `target` against for the page at `rel`."""
    folder, _, name = rel.rpartition("/")
    stem = _LANGUAGE.sub("", name.rsplit(".", 1)[0])
    parts = folder.split("/") if folder else []
    if stem != "index":  # a bundle's page is its folder
        parts.append(stem)
    return "/" + "/".join(parts).lower().replace(" ", "-")


def _languages(language: str) -> tuple[str, ...]:
    lower = language.lower()
    return (lower, lower.split("-")[0])


def _entries(path: Path, shown: str) -> list[Entry]:
    """Return the cascade of the `_index` file at `path`: its entries, each target's globs
    (none: every page) and values; raise ContentError naming the file for one feedkit
    cannot apply as Hugo does (a page it keeps out could be published)."""
    from feedkit.posts.fmparse import parse_front_matter
    from feedkit.posts.postfile import FileProblems
    from feedkit.posts.postread import read_head

    try:
        source = read_head(path, shown, [], bare=True, hugo=True)[0]  # no front matter: none
        if "cascade" not in source.fm_text.lower():
            return []
        meta = parse_front_matter(source, shown, hugo=True)
    except OSError:
        return []  # gone since the walk: the next build sees it
    except FileProblems as exc:  # a cascade in front matter Hugo cannot read either
        raise ContentError(exc.problems) from None
    given = next((value for key, value in meta.items() if key.lower() == "cascade"), None)
    if given is None:
        return []
    found = re.search(r"(?im)^[\s\"'{]*cascade\b", source.fm_text)
    line = source.fm_first_line + (source.fm_text.count("\n", 0, found.start()) if found else 0)

    return entries_of(given, lambda message: ContentError([Problem(shown, line, message)]))


def entries_of(given: Any, problem: Callable[[str], ContentError]) -> list[Entry]:
    """Return the entries of a `cascade` value (a mapping, or a list of them): each target's
    globs (none: every page) and values; raise what `problem` makes of what is wrong, for
    one feedkit cannot apply as Hugo does (a page it keeps out could be published)."""
    entries: list[Entry] = []
    for item in (
        [given] if isinstance(given, Mapping) else given if isinstance(given, list) else [given]
    ):
        if not isinstance(item, Mapping):
            raise problem("cascade must be a mapping of front matter, or a list of them")
        values = {str(k): v for k, v in item.items() if str(k).lower() not in ("target", "_target")}
        target = next((v for k, v in item.items() if str(k).lower() in ("target", "_target")), None)
        globs = []
        if target is not None:
            if not isinstance(target, Mapping):
                raise problem(
                    "a cascade's target must be a mapping of path, kind, lang or environment"
                )
            for key, pattern in target.items():
                if str(key).lower() not in TARGET_KEYS or not isinstance(pattern, str):
                    raise problem(
                        f"a cascade's target {key}: {pattern!r}: feedkit matches a pattern of "
                        "path, kind, lang or environment only, and cannot tell which pages "
                        "this cascade is for"
                    )
                globs.append((str(key).lower(), pattern.lower()))
        entries.append((tuple(globs), values))
    return entries


@lru_cache(maxsize=256)
def glob_pattern(pattern: str) -> re.Pattern[str]:
    """Return a Hugo glob (gobwas/glob, `/` its separator) as a regular expression: `**` any
    text, `*` any but `/`, `?` one character but `/`, `[…]` a class, `{a,b}` either."""
    out, i, depth = [], 0, 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = end
        elif char == "{":
            out.append("(?:")
            depth += 1
        elif char == "}" and depth:
            out.append(")")
            depth -= 1
        elif char == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + ")" * depth)
