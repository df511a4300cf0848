"""The reading times on the preview's list of posts: each counted from the post's expanded
body, and kept from one reading of the site to the next while the post as read and what
its templates read stay the same. With many to count, a forked child reads some of the
bodies, as when posts are read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

from feedkit import parallel
from feedkit.errors import FeedkitError
from feedkit.models import Post
from feedkit.posts.expand import Templates
from feedkit.posts.loader import PARALLEL_FROM, PART
from feedkit.posts.postbody import read_body


class ReadingTimes:
    """The reading times counted of the warm site's posts (feedkit/web/warm.py), which
    holds its lock while using them."""

    def __init__(self) -> None:
        self._posts: Sequence[Post] = ()
        self._minutes: dict[int, tuple[Post, int | str, tuple[Any, ...]]] = {}
        self._site_templates: Callable[[], Templates] | None = None
        self._templates: Templates | None = None
        self._templates_how: tuple[object, ...] = ()

    def forget(self) -> None:
        """Forget every reading time: the settings, or a file beside the posts, changed."""
        self._minutes = {}

    def posts_read(
        self, posts: Sequence[Post], kept: set[int], templates: Callable[[], Templates]
    ) -> None:
        """Take the posts as read now (`kept`: their ids, which the site has made for its
        own use too; `templates`: gives their Templates, which the site makes once for its
        feeds too): the times of those read before stay."""
        self._minutes = {k: v for k, v in self._minutes.items() if k in kept}
        self._posts, self._site_templates, self._templates = posts, templates, None

    def templates(self) -> Templates:
        """Return the Templates of the posts as read (lock held)."""
        assert self._site_templates is not None
        if self._templates is None:
            made = self._site_templates()
            # What decides how every post expands: when it changes, no reading time holds.
            how = (made.jekyll, made.hugo, made.passthrough, made.emoji, repr(made.site_params))
            if self._templates_how != how:
                self._minutes.clear()
            self._templates, self._templates_how = made, how
        return self._templates

    def minutes(self, post: Post, measure: Callable[[str], int]) -> int | str:
        """Return the post's reading time, as `measure` counts its expanded body; kept
        while the post and what its templates read stay the same (lock held)."""
        templates = self.templates()
        known = self._minutes.get(id(post))
        if known and known[0] is post and (not known[2] or templates.current(known[2])):
            return known[1]
        counted = _count(post, templates, measure)
        if counted is None:
            return "?"  # the problem itself is listed on the page
        self._minutes[id(post)] = (post, *counted)
        return counted[0]

    def count_minutes(
        self, measure: Callable[[str], int], posts: Sequence[Post] | None = None
    ) -> None:
        """Count the reading time of each of `posts` (default: every post) not counted yet;
        with many, a forked child reads some of the bodies, as when posts are read (lock
        held)."""
        templates = self.templates()
        listed = self._posts if posts is None else posts
        todo = [post for post in listed if id(post) not in self._minutes]
        if len(todo) < PARALLEL_FROM:
            return
        self.minutes(todo[0], measure)  # what counting imports is imported before the fork
        size = max(PART, -(-len(todo) // parallel.MAX_PARTS))
        starts = range(0, len(todo), size)

        def part(index: int) -> list[tuple[int, tuple[Any, ...]] | None]:
            return [_count(post, templates, measure) for post in todo[starts[index] :][:size]]

        parts = parallel.shared(len(starts), part)
        for post, counted in zip(todo, chain.from_iterable(parts), strict=True):
            if counted is not None:
                self._minutes[id(post)] = (post, *counted)


def _count(
    post: Post, templates: Templates, measure: Callable[[str], int]
) -> tuple[int, tuple[Any, ...]] | None:
    """Return the post's reading time and what expanding it read, or None if it cannot be
    expanded."""
    try:
        expanded = templates.expand(post, read_body(post))
    except FeedkitError:
        return None
    return measure(expanded.text), expanded.reads
