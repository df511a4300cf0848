"""Which files under the content folder are posts: the rules of Jekyll and Hugo layouts.

A file that is not a post is never dropped silently: it is skipped with the reason, and
`feedkit check` lists it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from feedkit.config import Config


@dataclass(frozen=True, slots=True)
class Place:
    """What a post file's place in its layout says about it."""

    draft: bool = False  # in Jekyll's _drafts/
    # Why a file here without a date is a page rather than a post missing its date; "" when
    # a missing date is an error.
    dateless_page: str = ""


ANYWHERE = Place()  # a place whose layout says nothing about the post in it


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that is not a post, and why."""

    reason: str


class NotAPost(Exception):
    """Raised while reading a file whose front matter shows it is not a post."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


DATELESS_DRAFT = "a draft without a date; add 'date: …' when it is ready to publish"
JEKYLL_PAGE = "a page, not a post: Jekyll publishes only the files in _posts/ as posts"


class Layout:
    """The rules for one content folder, decided from the list of all its post files."""

    def __init__(self, cfg: Config, paths: Iterable[str]) -> None:
        self.prefix = str(cfg.content_path).rstrip("/\\") + os.sep
        parts = [self.parts(path) for path in paths]
        # Jekyll: posts live in _posts/ (at the top or inside a category folder).
        self.jekyll = any("_posts" in folders[:-1] for folders in parts)

    def parts(self, path: str) -> list[str]:
        """Return the path's folders and file name, relative to the content folder."""
        rel = path[len(self.prefix) :] if path.startswith(self.prefix) else path
        return rel.replace("\\", "/").split("/")

    def place(self, path: str) -> Place | Skipped:
        """Return what the layout says about the post file at `path`, or why it is none."""
        folders = self.parts(path)[:-1]
        if self.jekyll:
            if "_drafts" in folders:
                return Place(draft=True)
            if "_posts" not in folders:
                return Skipped(JEKYLL_PAGE)
        return Place()
