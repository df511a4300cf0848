"""The tags of the post `PostBuilder` (feedkit/posts/postmeta.py) reads: from `tags`,
`categories` and `category` as Jekyll, Hugo and Pelican write them, one tag for each
spelling that differs only in case, with a warning where two tags would share a tag feed.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from feedkit.errors import Problem
from feedkit.posts.postreading import PostReading
from feedkit.posts.postvalues import split_list
from feedkit.posts.tagslugs import TAGS_MERGED, tag_slug

TAG_KEYS = ("tags", "categories", "category")


class PostTags(PostReading):
    """The tags of the post `PostBuilder` reads, from its front matter (`meta`) and its
    place in the site's layout (a Pelican article's folder, a Jekyll post's categories);
    problems go to `fail`, warnings to `warnings`."""

    def _tags(self) -> tuple[str, ...]:
        seen: dict[str, str] = {}  # a tag's case-folded spelling → the spelling kept
        slugs: dict[str, str] = {}  # a tag feed's slug → the first tag in it
        feeds = self.cfg.feed.tag_feeds  # only tag feeds can merge two tags
        meta = self.meta
        given: list[tuple[str, Any]] = [(key, meta.get(key)) for key in TAG_KEYS]
        if self.place.pelican:  # its category first, as Pelican's feeds list it
            keys = ("category", "tags", "categories")
            if self.place.category and meta.get("category") in (None, "", []):
                meta = {**meta, "category": [self.place.category]}  # its folder's, or misc
            given = [(key, meta.get(key)) for key in keys]
        elif self.place.jekyll:
            given = self._jekyll_terms()
        for key, value in given:
            if value is None:
                continue
            try:
                for tag in split_list(value, key, self.place.jekyll, self.place.hugo):
                    if not tag.isascii():  # `é` as one character or as `e` and `◌́`: one tag
                        tag = unicodedata.normalize("NFC", tag)
                    folded = tag.casefold()
                    if folded in seen:  # "Python" and "python" are one tag
                        continue
                    seen[folded] = tag
                    if not feeds:
                        continue
                    slug = tag_slug(tag)
                    first = slugs.setdefault(slug, tag)
                    if first != tag:
                        self.warnings.append(
                            Problem(
                                self.shown,
                                self.line_of(key),
                                f"tags {first!r} and {tag!r} share the feed tags/{slug}/; "
                                f"{TAGS_MERGED}",
                                warning=True,
                            )
                        )
            except ValueError as exc:
                self.fail(key, str(exc))
        return tuple(seen.values())

    def _jekyll_terms(self) -> list[tuple[str, Any]]:
        """Return what a Jekyll post's tags are read from, as jekyll-feed lists its entry's
        categories: its `category`, else its categories (the folders above its `_posts/`,
        then its own); then its `tag`, else its `tags` (Jekyll's singular key first)."""
        meta = self.meta
        if meta.get("category") not in (None, "", []):
            terms = [("category", meta["category"])]
        else:
            terms = [
                ("categories", list(self.place.categories)),
                ("categories", meta.get("categories")),
            ]
        if meta.get("tag") not in (None, "", []):
            return [*terms, ("tag", meta["tag"])]
        return [*terms, ("tags", meta.get("tags"))]
