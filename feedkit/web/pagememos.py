"""What the preview's pages need of the site as read, each made once until the files change
(or, for what depends on the time, until a post comes out or expires): the feeds' plan, the
posts readers may see, the digests' snapshots and renderer, each post's rows. Part of the
preview's site (feedkit/web/warm.py `WarmSite`), which forgets them at each read.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from datetime import datetime
from itertools import compress
from typing import Any, TypeVar, cast

from feedkit.config import Config
from feedkit.mail.digest import DigestRenderer
from feedkit.mail.rendercache import RememberingCache
from feedkit.mail.state import PostSnapshot
from feedkit.models import Choice, Post
from feedkit.posts.anchors import anchor_names
from feedkit.posts.expand import Templates
from feedkit.posts.gathered import LoadResult
from feedkit.site.build import BuildPlan, plan_build
from feedkit.site.cache import BuildCache
from feedkit.site.postlist import PostList

T = TypeVar("T")


class PageMemos:
    """What pages need of `cfg` and `loaded` (the site as read), kept until `_forget_pages`."""

    cfg: Config | None
    loaded: LoadResult | None
    _cache: BuildCache | None  # renders kept with the posts
    _renderer: DigestRenderer | None
    _memo: dict[tuple[object, ...], Any]
    _rows: dict[int, tuple[Post, tuple[object, ...], str]]  # by id() of the post
    _dates: tuple[list[float], list[float]]  # the posts' publication and expiry, sorted
    _choices: dict[str, Choice] | None  # of the posts, by path as shown

    def _forget_pages(self, loaded: LoadResult | None, same_dates: bool) -> set[int]:
        """Forget what was made of the posts read before `loaded` (each post's rows only if
        `loaded` no longer has it); unless `same_dates` (the same files read again: only
        their posts' Choices change), make what chooses feed entries and public posts
        again. Return the id() of each post of `loaded`."""
        self._memo.clear()
        kept = {id(post) for post in loaded.posts} if loaded is not None else set()
        if loaded is not None:
            self._rows = {k: v for k, v in self._rows.items() if k in kept}
        if not same_dates:  # made once a reading
            self._choices = {p.rel_path: p.choice() for p in loaded.posts} if loaded else None
            made = (self._choices or {}).values()  # no expiry: inf, after every `now`
            self._dates = (sorted(c.published for c in made), sorted(c.expires for c in made))
        return kept

    def visible(self, now: datetime) -> tuple[float, ...]:
        """Return what of the posts as read depends on `now`: how many came out and how
        many expired by then (and `now` itself when none is shown: an empty feed's date)."""
        cutoff = now.timestamp()
        due = bisect.bisect_right(self._dates[0], cutoff)
        gone = bisect.bisect_right(self._dates[1], cutoff)
        return (due, gone) if due > gone else (due, gone, cutoff)

    def memo(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        """Return `make()`, made once until the files change (lock held)."""
        if key not in self._memo:
            self._memo[key] = make()
        return cast(T, self._memo[key])

    def plan(self, now: datetime) -> BuildPlan:
        """Return `plan_build` at `now` for the posts as read (lock held)."""
        cfg, loaded = self.cfg, self.loaded
        assert cfg is not None and loaded is not None
        # Bodies rendered before are kept with the posts: after a save, only what changed
        # is rendered again (the build cache's rule: same bytes, settings and templates).
        renders, choices, templates = self._cache, self._choices, self.templates()
        return self.memo(
            ("plan", self.visible(now)),
            lambda: plan_build(
                cfg, now, loaded=loaded, renders=renders, choices=choices, templates=templates
            ),
        )

    def templates(self) -> Templates:
        """Return the Templates of the posts as read, for the feeds and the reading times
        alike (lock held): made once a reading (listing 20,000 posts' paths, and finding
        whose site it is from them, took ~7 ms each time)."""
        assert self.cfg is not None and self.loaded is not None
        cfg, posts = self.cfg, self.loaded.posts
        return self.memo(("templates",), lambda: Templates.of_posts(cfg, posts))

    def public(self, now: datetime) -> PostList:
        """Return the posts readers may see at `now`, newest first, as the feeds choose
        them: by their Choices' timestamps (lock held)."""
        assert self.loaded is not None and self._choices is not None
        posts, choices, at = self.loaded.posts, self._choices, now.timestamp()

        def make() -> PostList:  # in C loops: no attribute of 20,000 posts looked up
            mask = [c.is_public(at) for c in choices.values()]
            shown, paths = list(compress(posts, mask)), list(compress(choices, mask))
            ids = [choices[path].id for path in paths]
            # Footnotes' anchors are named among every post, as `plan_build` names them.
            anchors = anchor_names(choices.values())
            return PostList(
                paths, ids, lambda path: shown[paths.index(path)], [*shown], anchors=anchors
            )

        return self.memo(("public", self.visible(now)), make)

    def snapshots(self, now: datetime) -> dict[tuple[str, str], PostSnapshot]:
        """Return what digests show of the posts, as made so far at what `now` shows (lock
        held): kept until the files change or a post comes out or expires (see
        feedkit/mail/snapshot.py `make_record`). Each reload made them again from the files:
        most of a page at 20,000 posts."""
        return self.memo(("snapshots", self.visible(now)), dict)

    def renderer(self) -> DigestRenderer:
        """Return the digest renderer of the preview (lock held): kept while the settings
        are, as its templates are compiled once (Jinja reloads a template that changed, and
        any file beside the posts reads everything again). Its inlined HTML is remembered,
        and kept in the site's render cache as the dry run keeps it (with its compiled
        templates): a page made again with the same next digest (each reload, each page of
        the post list) runs premailer not again, and the next start finds it inlined."""
        assert self.cfg is not None
        if self._renderer is None:
            kept = RememberingCache.of_site(self.cfg.cache_path)
            self._renderer = DigestRenderer(self.cfg, sample_links=True, render_cache=kept)
        return self._renderer

    def row(self, post: Post, key: tuple[object, ...], make: Callable[[], str]) -> str:
        """Return `make()` for the post, made once while the post as read and `key` stay
        the same (lock held)."""
        known = self._rows.get(id(post))
        if known and known[0] is post and known[1] == key:
            return known[2]
        made = make()
        self._rows[id(post)] = (post, key, made)
        return made
