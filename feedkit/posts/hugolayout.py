"""The rules of a Hugo site's layout (feedkit/posts/layout.py `Layout` has them): its main
sections, its page bundles (a leaf bundle's other files are resources), each page's place
with the URL Hugo gives it (its `[permalinks]` pattern, its sections) and what its sections
cascade to it (feedkit/posts/hugocascade.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from feedkit.posts.hugocascade import Cascades, Entry
from feedkit.posts.hugourls import default_pattern, is_ugly, permalink_for, section_name
from feedkit.posts.places import Place

if TYPE_CHECKING:
    from feedkit.posts.hugosections import Sections


class HugoLayout:
    """The Hugo rules of `Layout`, which sets what they read."""

    _sections_of: tuple[Path, list[str]]
    _root: Path
    leaf_bundles: set[str]
    main_sections: tuple[str, ...]
    hugo_main: bool
    hugo_urls: bool
    hugo_page: Place
    hugo_timezone: ZoneInfo | None
    language: str
    permalinks: dict[str, str]
    keep_case: bool
    ugly: tuple[tuple[str, bool], ...] = ()  # its uglyURLs (HugoSettings.ugly)
    site_cascade: tuple[Entry, ...] = ()  # the Hugo configuration's cascade
    hugo_dates: tuple[tuple[str, ...], tuple[str, ...]] | tuple[()] = ()  # its [frontmatter]
    language_folder: str = ""  # "/zh-cn": the site's language's pages are under it in Hugo
    hugo_root: str = ""  # the Hugo site's base URL (HugoSettings.language_home)

    @cached_property
    def sections(self) -> Sections:
        """Return Hugo's sections of the content folder, for a Hugo page's :section tokens:
        made when first asked for, by a Hugo site's layout alone."""
        from feedkit.posts.hugosections import Sections

        return Sections(*self._sections_of)

    def _bundle_of(self, parts: list[str]) -> str | None:
        """Return the leaf bundle (its folder) that the file at `parts` is a resource of:
        one at or above its folder, when the file is not that bundle's own index."""
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in self.leaf_bundles:
                own = depth == len(parts) - 1 and is_index(parts[-1])
                return None if own else folder
        return None

    def _in_main_sections(self, folders: list[str]) -> bool:
        if not folders:
            return False
        name = section_name(folders[0])
        return name in self.main_sections or (
            not self.hugo_main and folders[0] in self.main_sections
        )

    @cached_property
    def cascades(self) -> Cascades:
        """Return what the Hugo site's `_index` files cascade to the pages below them (read
        once, for the layout's signature)."""
        content, rels = self._sections_of
        return Cascades(content, self._root, rels, self.language, self.site_cascade)

    def _hugo_place(self, folders: list[str], stem: str, language: str) -> Place:
        place = self._hugo_pattern(folders, stem, language)
        # Its sections' cascade (`stem` keeps a translation's language; the ending does not
        # matter there).
        defaults = self.cascades.defaults("/".join([*folders, f"{stem}.md"]))
        if defaults or self.hugo_dates:
            return replace(place, defaults=defaults, hugo_dates=self.hugo_dates)
        return place

    def _hugo_pattern(self, folders: list[str], stem: str, language: str) -> Place:
        if not self.hugo_urls:
            if not language:
                return self.hugo_page
            return Place(language=language, hugo=True, timezone=self.hugo_timezone)
        if stem.split(".")[0] == "index":  # a page bundle: the page is its folder
            folders = folders[:-1]
        pattern = permalink_for(self.permalinks, folders)
        configured = pattern is not None
        if pattern is None:  # Hugo's default: the page's path
            pattern = default_pattern(folders)
        elif ":section" in pattern:  # from the files' `_index.md`s, read once
            from feedkit.posts.hugosections import with_sections

            sections = self.sections.of(folders, ":sectionslug" in pattern)
            pattern = with_sections(pattern, sections)
        # In a language of the site's other than its default: under its folder, /zh-cn/.
        pattern = self.language_folder + pattern
        return Place(
            language=language,
            hugo=True,
            hugo_permalink=pattern,
            hugo_configured=configured,
            hugo_keep_case=self.keep_case,
            hugo_ugly=is_ugly(self.ugly, folders),
            timezone=self.hugo_timezone,
            hugo_root=self.hugo_root,
        )


def is_index(name: str) -> bool:
    """Return True for a page bundle's own file: index.md, or a translation (index.fr.md)."""
    return name.split(".")[0] == "index"


def largest_section(rels: list[str]) -> tuple[str, ...]:
    """Return the top-level folder holding the most files (Hugo's default main section)."""
    counts = Counter(rel.split("/", 1)[0] for rel in rels if "/" in rel)
    if not counts:
        return ()
    most = max(counts.values())
    return (min(name for name, count in counts.items() if count == most),)
