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

import gc
import logging
import marshal
import math
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, overload

from feedkit.config import Config
from feedkit.errors import ContentError, Problem
from feedkit.models import Choice, Post
from feedkit.posts.expand import Templates
from feedkit.posts.layout import Layout, Place, Skipped
from feedkit.posts.loader import Parsed, parse_files, root_prefix
from feedkit.posts.postfile import StatKey
from feedkit.posts.walk import newest_mtime_ns
from feedkit.site.cache import (
    CHOICE,
    NOTES,
    STAT,
    BuildCache,
    Refreshed,
    Scan,
    index_row,
    row_warnings,
    stat_mtime_ns,
)
from feedkit.site.cachekey import CACHE_FORMAT, RACY_NS

log = logging.getLogger(__name__)

READ_FOLDER = "read"  # under .feedkit/cache/: the digest's and the preview's index


def reader_cache(cfg: Config) -> BuildCache:
    """Return the cache the digest and the preview read posts through."""
    return BuildCache.open(cfg, cfg.cache_path / "cache" / READ_FOLDER)


class PostList(Sequence[Post]):
    """Posts in a given order, with their paths (as shown) and IDs known up front; each
    post is read in full the first time it is asked for."""

    def __init__(
        self,
        paths: list[str],
        ids: list[str],
        post_of: Callable[[str], Post],
        posts: list[Post | None] | None = None,
    ) -> None:
        self.paths = paths
        self.ids = ids
        self._post_of = post_of
        self._posts: list[Post | None] = posts if posts is not None else [None] * len(paths)

    @classmethod
    def of(cls, posts: Sequence[Post]) -> PostList:
        """Return `posts` as a PostList (itself, when it is one)."""
        if isinstance(posts, PostList):
            return posts
        listed = list(posts)
        by_path = {p.rel_path: p for p in listed}
        return cls(
            [p.rel_path for p in listed], [p.id for p in listed], by_path.__getitem__, [*listed]
        )

    def __len__(self) -> int:
        return len(self.paths)

    @overload
    def __getitem__(self, index: int) -> Post: ...

    @overload
    def __getitem__(self, index: slice) -> PostList: ...

    def __getitem__(self, index: int | slice) -> Post | PostList:
        if isinstance(index, slice):
            return PostList(self.paths[index], self.ids[index], self._post_of, self._posts[index])
        post = self._posts[index]
        if post is None:
            post = self._posts[index] = self._post_of(self.paths[index])
        return post

    def __iter__(self) -> Iterator[Post]:
        return (self[i] for i in range(len(self.paths)))


def templates_of(cfg: Config, *lists: Sequence[Post]) -> Templates:
    """Return `Templates.of_posts` over the posts of `lists`, in order (a later list's post
    stands for an earlier one's of the same path), reading none in full until a template
    names it."""
    owners: dict[str, tuple[PostList, int]] = {}
    for posts in map(PostList.of, lists):  # in C loops: 20,000 posts are listed per digest
        places = zip(repeat(posts, len(posts)), range(len(posts)), strict=True)
        owners.update(zip(posts.paths, places, strict=True))

    def post_of(shown: str) -> Post:
        posts, index = owners[shown]
        return posts[index]

    return Templates(cfg, owners, post_of)


class KeptPublic(NamedTuple):
    """The posts readers could see at the last full read, and when that list holds: for the
    same post files (a fingerprint of their paths and statuses), settings and code, while
    no post comes due or expires. Kept in PUBLIC_FILE, beside the index."""

    fingerprint: str
    drafts: bool
    since: float  # timestamps: the list holds from `since` until before `until`
    until: float
    paths: list[str]  # newest first, as shown
    ids: list[str]
    warnings: list[tuple[str, int, str]]  # of every post file, as the index keeps them

    def holds(self, fingerprint: str, cutoff: float, drafts: bool) -> bool:
        return (fingerprint, drafts) == (self.fingerprint, self.drafts) and (
            self.since <= cutoff < self.until
        )


PUBLIC_FILE = "public.marshal"
_PUBLISHED, _EXPIRES, _ID = attrgetter("published"), attrgetter("expires"), attrgetter("id")
_SORT_KEY = attrgetter("published", "slug")
_CHOICE = itemgetter(CHOICE)


@dataclass(frozen=True)
class Rows:
    """Every post file's row, brought up to date, and every post in order."""

    refreshed: Refreshed
    order: list[str]  # every post, as shown, as `load_posts` orders them
    choices: list[Choice]  # of each post in `order`


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
    _places: tuple[dict[str, str], Layout] | None = None

    def rows(self) -> Rows:
        """Return every post file's row, reading the files that changed (ContentError
        lists every problem, as `load_posts` does)."""
        if self._rows is None:
            refreshed = self.cache.refresh(self.cfg, self.scan)
            shown = list(refreshed.rows)
            choices = list(map(_CHOICE, refreshed.rows.values()))
            # As `load_posts` sorts posts: by date, then slug, newest first, from file order
            # (reverse=True keeps that order among equals); each key made once, looked up in C.
            keys = list(map(_SORT_KEY, choices))
            ranks = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
            order = list(map(shown.__getitem__, ranks))
            self._rows = Rows(refreshed, order, list(map(choices.__getitem__, ranks)))
            self.warnings = tuple(refreshed.warnings)
        return self._rows

    def post(self, shown: str) -> Post:
        """Return the full post of a file, read now (once)."""
        post = self.read.get(shown)
        if post is None:
            sources, layout = self._sources()
            ((_, _, found, problems, _),) = parse_files(
                self.cfg, [Path(sources[shown])], layout=layout
            )
            if not isinstance(found, Post):
                raise ContentError(problems or [Problem(shown, 0, "is no longer a post")])
            post = self.read[shown] = found
        return post

    def _sources(self) -> tuple[dict[str, str], Layout | None]:
        """Return every post file by path as shown, and the rules it is read with."""
        if self._rows is not None:
            return self._rows.refreshed.sources, self._rows.refreshed.layout
        if self._places is None:  # as `BuildCache.refresh` finds them, from the same walk
            sources = {shown: path for shown, path, _ in self.scan.files}
            self._places = (sources, Layout(self.cfg, sources.values()))
        return self._places

    def public(self, now: datetime, *, drafts: bool = False) -> PostList:
        """Return the posts readers may see at `now` (as `public_posts` does), newest first."""
        cutoff = now.timestamp()
        kept = self.kept_public
        if kept is not None and kept.holds(self.scan.fingerprint, cutoff, drafts):
            return PostList(kept.paths, kept.ids, self.post)
        listed = self._public.get((cutoff, drafts))
        if listed is None:
            rows = self.rows()
            # Made once for both who ask (the kept list, the digest), in a C loop.
            shown = list(map(Choice.is_public, rows.choices, repeat(cutoff), repeat(drafts)))
            listed = self._public[cutoff, drafts] = (
                list(compress(rows.order, shown)),
                list(compress(map(_ID, rows.choices), shown)),
            )
        return PostList(*listed, self.post)

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
                cache.write(PUBLIC_FILE, _dump_kept, partial(self._public_kept, now))
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

    def _public_kept(self, now: datetime, trusted_before: int) -> tuple[dict[str, Any], Any]:
        """Return what PUBLIC_FILE keeps of the posts readers may see at `now` (see
        `_dump_kept`): nothing when a post file is too fresh to be trusted by its status."""
        entry: dict[str, Any] = {"format": CACHE_FORMAT, "key": self.cache.key}
        if not self._settled(trusted_before):
            return entry, None
        cutoff = now.timestamp()
        public = self.public(now)
        # The list changes only when a post comes due or expires.
        choices = self.rows().choices
        changes = [*map(_PUBLISHED, choices), *map(_EXPIRES, choices)]
        kept = KeptPublic(
            self.scan.fingerprint,
            False,
            max(filter(cutoff.__ge__, changes), default=-math.inf),
            min(filter(cutoff.__lt__, changes), default=math.inf),
            public.paths,
            public.ids,
            [(w.path, w.line, w.message) for w in self.warnings],
        )
        # marshal takes plain tuples only
        return entry | {"holds": tuple(kept[:_LISTS])}, tuple(kept[_LISTS:])


_LISTS = KeptPublic._fields.index("paths")  # the fields from here on are PUBLIC_FILE's lists
_HEAD = 8  # bytes of the length of PUBLIC_FILE's header, little-endian


def _dump_kept(value: tuple[dict[str, Any], Any], out: BinaryIO) -> None:
    """Write PUBLIC_FILE: a header (the settings and code, and the post files and times the
    list holds for), then the lists, if any. A run with a post file changed reads only the
    header (the lists are 2.6 MB at 20,000 posts)."""
    header, lists = value
    head = marshal.dumps(header)
    out.write(len(head).to_bytes(_HEAD, "little") + head)
    if lists is not None:
        marshal.dump(lists, out)


def _kept_public(cache: BuildCache, fingerprint: str, cutoff: float) -> KeptPublic | None:
    """Return what PUBLIC_FILE keeps for this cache's settings and code, if it holds for
    the post files of `fingerprint` at the timestamp `cutoff`; None if not."""
    try:
        data = (cache.folder / PUBLIC_FILE).read_bytes()
        end = _HEAD + int.from_bytes(data[:_HEAD], "little")
        header = marshal.loads(data[_HEAD:end])
        if header.get("format") != CACHE_FORMAT or header.get("key") != cache.key:
            return None
        holds = KeptPublic._make((*header["holds"], [], [], []))
        if holds.holds(fingerprint, cutoff, False):
            return KeptPublic._make((*header["holds"], *marshal.loads(memoryview(data)[end:])))
    except (OSError, EOFError, ValueError, TypeError, AttributeError, KeyError):
        pass
    return None


def read_index(cfg: Config, cache: BuildCache, now: datetime | None = None) -> PostIndex:
    """Return every post as the index knows it, after reading the files that changed (and
    saving what was read, once the site has a `.feedkit` folder: see `PostIndex.keep`);
    raise ContentError listing every problem, as `load_posts` does. With `now`, when no
    post file changed since a full read kept the posts readers may see then, only those
    are known: the index's rows are loaded only if asked for."""
    scan: Scan = cache.scan(cfg)
    if now is not None and scan.fingerprint:
        kept = _kept_public(cache, scan.fingerprint, now.timestamp())
        if kept is not None:
            warnings = tuple(Problem(*w, warning=True) for w in kept.warnings)
            return PostIndex(cfg, cache, scan, warnings, kept, kept=True)
    index = PostIndex(cfg, cache, scan)
    index.rows()  # the files that changed are read now: their problems stop the run here
    index.keep(now)
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
    cfg: Config, cache: BuildCache, parsed: Iterable[Parsed], read: Collection[str]
) -> None:
    """Save the index rows and the full posts of the `parsed` files (`read`: those read now,
    as shown; only they can be too fresh to keep), once the site has a `.feedkit` folder."""
    if not cfg.cache_path.is_dir():
        return
    rows = {}
    posts = {}
    for shown, st, post, _, warnings in parsed:
        if isinstance(post, Post) and st is not None:
            rows[shown] = index_row(st, post.choice(), warnings)
            posts[shown] = post
    cache.rows, cache.parsed = rows, set(read) & rows.keys()
    try:
        cache.save(Scan([], "", False), {}, posts)
    except OSError as exc:  # a cache that cannot be written only costs time
        log.info("posts not kept: %s", exc)
