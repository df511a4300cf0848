"""Every post as the cache's index knows it, for the digest and the preview: which posts
there are, their IDs, dates and order, without reading them; a post read in full only when
it is shown.

`read_index` takes the cache as an argument (`reader_cache` opens the one these commands
share) and reads only the post files whose status changed since the index was saved, or that
were too fresh then to be trusted by status (feedkit/site/cache.py, "racily clean"); a
change of settings or of feedkit's code throws the index away, as for the build.

With the time it is asked for, the index also keeps (PUBLIC_FILE) the list of posts readers
may see then, and until when that list holds: a run at a time it holds in, with not one post
file's status changed (their fingerprint, as the build cache takes it), loads no row at all.

The digest and the preview keep their index in `.feedkit/cache/read/`, not in the build's
files: the build decides from its index which of its outputs to make again (a post whose URL
a feed entry's template reads, say), and rows brought up to date by another command would
hide those changes from it. A missing or damaged index only costs reading every post.
"""

from __future__ import annotations

import bisect
import gc
import logging
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import compress, repeat
from operator import attrgetter, itemgetter, not_
from pathlib import Path

from feedkit.config import Config
from feedkit.errors import ContentError, Problem
from feedkit.models import Choice, Post
from feedkit.posts.anchors import anchor_names
from feedkit.posts.gathered import Parsed
from feedkit.posts.layout import Layout
from feedkit.posts.loader import parse_files
from feedkit.posts.places import Place, Skipped
from feedkit.posts.walk import StatKey, newest_mtime_ns, stat_mtime_ns
from feedkit.shown import root_prefix
from feedkit.site.cache import BuildCache
from feedkit.site.cachefiles import CHOICE, NOTES, STAT, index_row, row_warnings
from feedkit.site.cachekey import RACY_NS
from feedkit.site.keptpublic import (
    PUBLIC_FILE,
    KeptPublic,
    change_times,
    dump_kept,
    load_kept,
    with_added,
)
from feedkit.site.postlist import PostList
from feedkit.site.refresh import Refreshed
from feedkit.site.scan import Scan

log = logging.getLogger(__name__)

READ_FOLDER = "read"  # under .feedkit/cache/: the digest's and the preview's index


def reader_cache(cfg: Config) -> BuildCache:
    """Return the cache the digest and the preview read posts through."""
    return BuildCache.open(cfg, cfg.cache_path / "cache" / READ_FOLDER)


_PUBLISHED, _EXPIRES, _ID = attrgetter("published"), attrgetter("expires"), attrgetter("id")
_SLUG, _URL = attrgetter("slug"), attrgetter("url")
_SORT_KEY = attrgetter("published", "slug", "url")
_CHOICE = itemgetter(CHOICE)
_PATH = itemgetter(0)  # of a walk's (path, status)


@dataclass(frozen=True)
class Rows:
    """Every post file's row, brought up to date, and every post in order."""

    refreshed: Refreshed
    order: list[str]  # every post, as shown, as `load_posts` orders them
    choices: list[Choice]  # of each post in `order`
    anchors: dict[str, str]  # what `anchor_names` gives of every post


@dataclass
class PostIndex:
    """Every post, in the order `load_posts` gives (newest first), as the index knows it;
    with no post file changed since the last full read, only the posts readers may see."""

    cfg: Config
    cache: BuildCache
    scan: Scan
    warnings: tuple[Problem, ...] = ()
    kept_public: KeptPublic | None = None  # what the last full read kept, if it still holds
    read: dict[str, Post] = field(default_factory=dict)  # the posts read in full so far
    kept: bool = False  # saved, or nothing worth saving
    _rows: Rows | None = None
    # The posts readers may see, by (cutoff, drafts): the save and the digest ask alike.
    _public: dict[tuple[float, bool], tuple[list[str], list[str]]] = field(default_factory=dict)
    # The scan's files and the newest change among them (see `_settled`).
    _newest: tuple[object, int] | None = None
    _layout: Layout | None = None  # the layout of the walk's files, without the rows

    def rows(self) -> Rows:
        """Return every post file's row, reading the files that changed (ContentError
        lists every problem, as `load_posts` does)."""
        if self._rows is None:
            refreshed = self.cache.refresh(self.cfg, self.scan)
            shown = list(refreshed.rows)
            choices = list(map(_CHOICE, refreshed.rows.values()))
            # As `load_posts` sorts posts: by date, then slug, then URL, newest first; each key
            # made once, looked up in C.
            keys = list(map(_SORT_KEY, choices))
            ranks = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
            order = list(map(shown.__getitem__, ranks))
            ordered = list(map(choices.__getitem__, ranks))
            self._rows = Rows(refreshed, order, ordered, anchor_names(choices))
            self.warnings = tuple(refreshed.warnings)
        return self._rows

    def post(self, shown: str) -> Post:
        """Return the full post of a file, read now (once)."""
        post = self.read.get(shown)
        return post if post is not None else self.posts([shown])[0]

    def posts(self, shown: list[str]) -> list[Post]:
        """Return the full posts of files, those not read yet read now in one go (shared
        with a forked child when there are many, as `parse_files` shares them)."""
        todo = [each for each in dict.fromkeys(shown) if each not in self.read]
        if todo:
            sources = [self._source(each) for each in todo]
            layout = sources[0][1]  # the rules of the walk: the same for each of its files
            parsed = parse_files(self.cfg, [Path(path) for path, _ in sources], layout=layout)
            for each, (_, _, found, problems, _) in zip(todo, parsed, strict=True):
                if not isinstance(found, Post):
                    raise ContentError(problems or [Problem(each, 0, "is no longer a post")])
                self.read[each] = found
        return [self.read[each] for each in shown]

    def _source(self, shown: str) -> tuple[str, Layout | None]:
        """Return the path of the post file shown as `shown`, and the rules it is read with.

        Without the rows, the path is looked up in the walk, sorted by path, as
        `Scan.files` shows paths (under the site's folder, from there): a digest reads a
        post or two, and listing 20,000 paths by how they are shown took 13 ms."""
        if self._rows is not None:
            return self._rows.refreshed.sources[shown], self._rows.refreshed.layout
        if self._layout is None:  # as `BuildCache.refresh` lays them out, from the same walk
            self._layout = Layout(self.cfg, [path for path, _ in self.scan.found])
        found, root = self.scan.found, self.scan.root
        for path in (root + shown, shown):  # under the site's folder, or elsewhere
            at = bisect.bisect_left(found, path, key=_PATH)
            # `Scan.files`'s rule: shown from the site's folder, when under it.
            as_shown = path[len(root) :] if path.startswith(root) else path
            if at < len(found) and found[at][0] == path and as_shown == shown:
                return path, self._layout
        raise KeyError(shown)

    def public(self, now: datetime, *, drafts: bool = False) -> PostList:
        """Return the posts readers may see at `now` (as `public_posts` does), newest first."""
        cutoff = now.timestamp()
        kept = self.kept_public
        if kept is not None and kept.holds(self.scan.fingerprint, cutoff, drafts):
            return PostList(
                kept.paths, kept.ids, self.post, anchors=dict(kept.anchors), posts_of=self.posts
            )
        listed = self._public.get((cutoff, drafts))
        if listed is None:
            rows = self.rows()
            # Made once for both who ask (the kept list, the digest), in a C loop.
            shown = list(map(Choice.is_public, rows.choices, repeat(cutoff), repeat(drafts)))
            listed = self._public[cutoff, drafts] = (
                list(compress(rows.order, shown)),
                list(compress(map(_ID, rows.choices), shown)),
            )
        return PostList(*listed, self.post, anchors=self.rows().anchors, posts_of=self.posts)

    def keep(self, now: datetime | None = None) -> None:
        """Save the rows read in this run for the next, once the site has a `.feedkit`
        folder (a dry run on a new site leaves none; a digest run calls this again once
        it made one), and only if the save would keep a row the index lacks: the rows of
        files too fresh to trust are left out anyway, and rewriting 20,000 rows to keep
        none of them would cost a run that reads a post just saved more than the rest.
        With `now`, also keep the posts readers may see then, for runs with no post file
        changed (see KeptPublic)."""
        cache, scan = self.cache, self.scan
        if self.kept or self._rows is None or not self.cfg.cache_path.is_dir():
            return
        self.kept = True
        rows = self._rows.refreshed.rows
        trusted_before = cache.started_ns - RACY_NS  # as `BuildCache.save` judges, or earlier
        settled = [s for s in cache.parsed if stat_mtime_ns(rows[s][STAT]) < trusted_before]
        try:
            if settled or not cache.state:
                cache.save(scan, {})
            else:  # at most the toolchain's record, when the last save found it too fresh
                cache.stamp()
            if now is not None and scan.fingerprint and self._settled(trusted_before):
                self._keep_public(partial(self._public_kept, now))
        except OSError as exc:  # a cache that cannot be written only costs time
            log.info("post index not saved: %s", exc)

    def _settled(self, trusted_before: int) -> bool:
        """Return True if every post file was last changed before `trusted_before`."""
        found = self.scan.found
        if self._newest is None or self._newest[0] is not found:
            keys = [k for _, k in found if k is not None]
            if len(keys) < len(found):  # a status not known
                return False
            self._newest = (found, newest_mtime_ns(keys))
        return self._newest[1] < trusted_before

    def _public_kept(self, now: datetime, trusted_before: int) -> KeptPublic | None:
        """Return what PUBLIC_FILE keeps of the posts readers may see at `now`: nothing
        when a post file is too fresh to be trusted by its status."""
        if not self._settled(trusted_before):
            return None
        cutoff = now.timestamp()
        public = self.public(now)
        # The list changes only when a post comes due or expires.
        choices = self.rows().choices
        changes = [*map(_PUBLISHED, choices), *map(_EXPIRES, choices)]
        shown = list(map(Choice.is_public, choices, repeat(cutoff)))
        seen = list(compress(choices, shown))
        return KeptPublic(
            self.scan.fingerprint,
            False,
            max(filter(cutoff.__ge__, changes), default=-math.inf),
            min(filter(cutoff.__lt__, changes), default=math.inf),
            max(change_times(self.scan.found), default=-1),
            public.paths,
            public.ids,
            [(w.path, w.line, w.message) for w in self.warnings],
            list(self.rows().anchors.items()),
            list(map(_PUBLISHED, seen)),
            list(map(_SLUG, seen)),
            [(c.slug, c.id) for c in compress(choices, map(not_, shown))],
            list(map(_URL, choices)),
        )

    def _keep_public(self, make: Callable[[int], KeptPublic | None]) -> None:
        """Write PUBLIC_FILE with what `make` gives, given the time before which a file is
        trusted by its status."""
        key = self.cache.key
        self.cache.write(PUBLIC_FILE, lambda kept, out: dump_kept(kept, key, out), make)


def read_index(cfg: Config, cache: BuildCache, now: datetime | None = None) -> PostIndex:
    """Return every post as the index knows it, after reading the files that changed (and
    saving what was read, once the site has a `.feedkit` folder: see `PostIndex.keep`);
    raise ContentError listing every problem, as `load_posts` does. With `now`, when no
    post file changed since a read kept the posts readers may see then, or only posts were
    added (see feedkit/site/keptpublic.py), only those are known: the index's rows are
    loaded only if asked for."""
    scan: Scan = cache.scan(cfg)
    if now is not None and scan.fingerprint:
        index = _from_kept(cfg, cache, scan, now)
        if index is not None:
            return index
    index = PostIndex(cfg, cache, scan)
    index.rows()  # the files that changed are read now: their problems stop the run here
    index.keep(now)
    return index


def _from_kept(cfg: Config, cache: BuildCache, scan: Scan, now: datetime) -> PostIndex | None:
    """Return the posts readers may see at `now` as PUBLIC_FILE keeps them, brought up to
    date with the posts added since, if that is all that changed; None if not."""
    cutoff = now.timestamp()
    loaded = load_kept(cache, scan, cutoff)
    if loaded is None:
        return None
    kept, added = loaded
    layout = None
    if added:
        updated = with_added(kept, added, cfg, scan, cutoff)
        if updated is None:
            return None
        kept, layout = updated
    warnings = tuple(Problem(*w, warning=True) for w in kept.warnings)
    index = PostIndex(cfg, cache, scan, warnings, kept, kept=True, _layout=layout)
    # Kept for the runs after this one, as `PostIndex.keep` keeps a list it made.
    if added and cfg.cache_path.is_dir() and index._settled(cache.started_ns - RACY_NS):
        made = kept

        def settled(trusted_before: int) -> KeptPublic | None:
            return made if index._settled(trusted_before) else None

        try:
            index._keep_public(settled)
        except OSError as exc:  # a cache that cannot be written only costs time
            log.info("post index not saved: %s", exc)
    return index


# -- the preview: every post in full -------------------------------------------------------


def kept_posts(
    cfg: Config,
    cache: BuildCache,
    listed: Iterable[tuple[str, StatKey | None]],
    places: Mapping[str, Place | Skipped],
) -> dict[str, Parsed]:
    """Return, by file, what reading it gave (as `parse_files` does) for each of the `listed`
    files (path and status) that the cache kept in full at the status it has now."""
    enabled = gc.isenabled()
    gc.disable()  # unpickling 20,000 posts with the collector on takes three times as long
    try:
        rows, posts = cache.kept()
    finally:
        if enabled:
            gc.enable()
    found: dict[str, Parsed] = {}
    root = root_prefix(cfg.root)
    for path, key in listed:
        if key is None or isinstance(places[path], Skipped):
            continue
        # display_path's rule, inline: this runs once per post file.
        shown = path[len(root) :] if path.startswith(root) else path
        row, kept = rows.get(shown), posts.get(shown)
        if row is None or kept is None or row[STAT] != key or kept[0] != key:
            continue
        found[path] = (shown, key, kept[1], [], row_warnings(row) if row[NOTES] else [])
    return found


def keep_posts(
    cfg: Config,
    cache: BuildCache,
    parsed: Iterable[Parsed],
    read: Collection[str],
    layout: Layout | None,
) -> None:
    """Save the index rows and the full posts of the `parsed` files (`read`: those read now,
    as shown; only they can be too fresh to keep), read under `layout`, once the site has a
    `.feedkit` folder."""
    if not cfg.cache_path.is_dir():
        return
    rows = {}
    posts = {}
    for shown, st, post, _, warnings in parsed:
        if isinstance(post, Post) and st is not None:
            rows[shown] = index_row(st, post.choice(), warnings)
            posts[shown] = post
    cache.rows, cache.parsed = rows, set(read) & rows.keys()
    cache.layout = layout.signature if layout is not None else None  # None: read again
    try:
        cache.save(Scan([], "", False), {}, posts)
    except OSError as exc:  # a cache that cannot be written only costs time
        log.info("posts not kept: %s", exc)
