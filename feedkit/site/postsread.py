"""The build's first stage: every post file as far as choosing feed entries goes (each
one's Choice, with how to read a post in full when a feed shows it), read now or, with the
build cache, the files that changed read and the others as its index holds them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

from feedkit.config import Config
from feedkit.errors import Problem
from feedkit.models import Choice, Post
from feedkit.posts.gathered import LoadResult
from feedkit.posts.loader import Progress, load_posts
from feedkit.posts.walk import StatKey
from feedkit.readonly import readonly
from feedkit.site.render import load_renderers

if TYPE_CHECKING:
    from feedkit.site.cache import BuildCache
    from feedkit.site.scan import Scan


@readonly(repr=False)
class PostsRead:
    """Every post file as far as choosing feed entries goes, and how to read one in full."""

    choices: dict[str, Choice]  # by path as shown, in file order
    warnings: list[Problem]
    full_post: Callable[[str], Post]  # a post by its path as shown
    full_posts: Callable[[Sequence[str]], dict[str, Post]]  # many, read together
    stats: Mapping[str, StatKey]  # each file's status, when the build cache knows it
    fresh: set[str]  # the files read in this build, when others came from the cache
    scan: Scan | None = None  # the post files as the build cache found them
    loaded: LoadResult | None = None  # every post, when they were all read


def read_every_post(
    cfg: Config,
    loaded: LoadResult | None,
    progress: Progress | None,
    choices: dict[str, Choice] | None = None,
) -> PostsRead:
    """Return every post, read now (or as `loaded` holds them, with their `choices` when
    known), without the build cache."""
    if loaded is None:
        loaded = load_posts(cfg, progress=progress)
    posts = {p.rel_path: p for p in loaded.posts}
    if choices is None:
        choices = {shown: post.choice() for shown, post in posts.items()}
    return PostsRead(
        choices,
        list(loaded.warnings),
        posts.__getitem__,
        lambda shown: {each: posts[each] for each in shown},
        {},
        set(),
        loaded=loaded,
    )


def read_changed_posts(
    cfg: Config, cache: BuildCache, scan: Scan, progress: Progress | None
) -> PostsRead:
    """Return every post file of `scan`: the files that changed read now, the others as
    the build cache's index holds them; a post is read in full when a feed shows it,
    unless the cache kept it."""
    from feedkit.site.cachefiles import CHOICE, STAT

    # While a forked child reads posts, this process imports what renders them.
    refreshed = cache.refresh(cfg, scan, progress, meanwhile=partial(load_renderers, cfg))
    rows = refreshed.rows
    choices = {shown: row[CHOICE] for shown, row in rows.items()}

    def full_post(shown: str) -> Post:
        return cache.post(shown, refreshed, cfg)

    def full_posts(shown: Sequence[str]) -> dict[str, Post]:
        return cache.posts(shown, refreshed, cfg)

    stats = {shown: row[STAT] for shown, row in rows.items()}
    return PostsRead(
        choices, refreshed.warnings, full_post, full_posts, stats, refreshed.parsed, scan
    )
