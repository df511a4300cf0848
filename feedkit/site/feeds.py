"""Which feed files a build makes, and where: each feed's Atom, RSS and JSON Feed
(feedkit/site/xmlfeeds.py, jsonfeed.py) made here or, for many feeds of many posts (a site's
tag feeds), shared with a forked child; each post's entries made once for all its feeds."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

from feedkit import parallel
from feedkit.config import Config
from feedkit.models import RenderedPost
from feedkit.posts.loader import Progress
from feedkit.site.feedparts import FeedInfo, Kept, Made
from feedkit.site.jsonfeed import render_json_feed
from feedkit.site.xmlfeeds import render_atom, render_rss

# One feed to make: what it is, its Atom, RSS and JSON Feed file paths, its entries.
FeedJob = tuple[FeedInfo, tuple[str, str, str], Sequence[RenderedPost]]


T = TypeVar("T")


WRITING = "making feeds"  # what `progress` is told while feeds are made


PARALLEL_FROM = 4  # feeds: fewer (no tag feeds, or a few) are made here, without a fork
# Posts (each once, whatever its feeds) a rebuild shares with a forked child from: fewer are
# made here too, with their entries kept from build to build. That is a rebuild of the feeds a
# post edited is in (a build makes no feed whose files stand as they were:
# feedkit/site/feedkeys.py), whose other posts' entries the build before kept. (A build from
# no cache shares any 4 feeds: a math-heavy site of 120 posts in 30 tags took 548 ms shared,
# 647 ms made here.)
SHARED_FROM = 150


def render_feeds(
    cfg: Config, jobs: Sequence[FeedJob], now: datetime, kept: Kept | None = None
) -> dict[str, bytes]:
    """Return every file of the feeds in `jobs`, by path: Atom, RSS and (when configured)
    JSON Feed; `now` is an empty feed's date. Many feeds (a site's tag feeds) are shared
    with a forked child: each process takes the next feed when it is free. A few are made
    here, each entry and head taken from `kept` when it holds them, and given to it when
    made."""
    return _make_feeds(cfg, jobs, now, lambda name, data: data, kept=kept)


def stage_feeds(
    cfg: Config,
    jobs: Sequence[FeedJob],
    now: datetime,
    out_dir: Path,
    progress: Progress | None = None,
    kept: Kept | None = None,
    shared_from: int = 0,
    entry_keys: dict[int, bytes] | None = None,
) -> dict[str, str | None]:
    """Make the files `render_feeds` returns (`kept` as there), and stage each under
    `out_dir` as soon as it is made, by the process that made it (see
    feedkit.atomicfile.stage): return each file's temp file by path, None for a file that
    holds its bytes already. Only names come back from the child, and no process holds more
    than the file it is making. On failure, no temp file is left, nor a folder made for
    one. `progress` is told how many feeds are made. Feeds are shared with a forked child
    only when their posts number `shared_from` or more (see SHARED_FROM). With
    `entry_keys`, the posts whose entries both processes made together (see _Spool) have
    their `feedparts.entry_key` put in it, by the id() of their RenderedPost.
    """
    from feedkit.atomicfile import remove_temps, stage

    def put(name: str, data: bytes) -> str | None:
        return stage(out_dir / name, data)

    try:
        return _make_feeds(cfg, jobs, now, put, progress, kept, shared_from, entry_keys)
    except BaseException:  # both processes are done: what either staged is on disk
        remove_temps((out_dir / name for job in jobs for name in job[1]), up_to=out_dir)
        raise


def _make_feeds(
    cfg: Config,
    jobs: Sequence[FeedJob],
    now: datetime,
    put: Callable[[str, bytes], T],
    progress: Progress | None = None,
    kept: Kept | None = None,
    shared_from: int = 0,
    entry_keys: dict[int, bytes] | None = None,
) -> dict[str, T]:
    """Return put(path, bytes) for each file of the feeds in `jobs` (see render_feeds),
    called in the process that made the file; shared with a forked child from `shared_from`
    posts among them (and PARALLEL_FROM feeds); `entry_keys` as stage_feeds'."""
    # Each post's entries, made once in each process, and kept while a feed not yet made
    # has the post: `uses` counts those feeds, here and in the child alike.
    atom_made: Made = {}
    rss_made: Made = {}
    json_made: Made = {}
    uses = Counter(id(rp) for job in jobs for rp in job[2])

    posts = list({id(rp): rp for job in jobs for rp in job[2]}.values())
    shared = len(jobs) >= PARALLEL_FROM and len(posts) >= shared_from
    # What a forked child makes is not kept: its bytes would have to come back to this
    # process, and a build with that many feeds holds enough at its peak already.
    if shared:
        kept = None
    spool = None
    if shared and hasattr(os, "fork") and parallel.cores() >= 2:
        # Most posts are in feeds that both processes make: each post's entries are made
        # once, by whichever is free, and spooled for both (see _Spool).
        try:
            spool = _Spool(cfg, posts, keyed=entry_keys is not None)
        except OSError:  # no room for its temp files: each process makes what its feeds show
            spool = None
        if spool is not None and entry_keys is not None:
            entry_keys.update(spool.keys)

    def make(index: int) -> list[tuple[str, T]]:
        info, (atom, rss, json_feed), posts = jobs[index]
        if spool is not None:
            spool.load(posts, atom_made, rss_made, json_made)
        entries = distinct_updated(posts)
        out = [
            (atom, put(atom, render_atom(cfg, info, entries, now, atom_made, kept))),
            (rss, put(rss, render_rss(cfg, info, entries, now, rss_made, kept))),
        ]
        if cfg.feed.json_feed:
            items = render_json_feed(cfg, info, entries, json_made, kept)
            out.append((json_feed, put(json_feed, items)))
        for rp, entry in zip(posts, entries, strict=True):
            uses[id(rp)] -= 1
            # An entry given a later `updated` is this feed's own.
            done = [id(entry)] if entry is not rp else []
            if uses[id(rp)] == 0 or spool is not None:  # a spooled entry is read again
                done.append(id(rp))
            for made in (atom_made, rss_made, json_made):
                for key in done:
                    made.pop(key, None)
        return out

    if not shared:
        parts = [make(index) for index in range(len(jobs))]
    else:  # in groups of one feed, or a few when there are more than a queue holds
        size = -(-len(jobs) // parallel.MAX_PARTS)
        groups = [range(start, min(start + size, len(jobs))) for start in range(0, len(jobs), size)]

        def done(parts: int) -> None:
            if progress is not None:
                progress(WRITING, min(parts * size, len(jobs)), len(jobs))

        try:
            parts = parallel.shared(
                len(groups), lambda g: [f for i in groups[g] for f in make(i)], on_done=done
            )
        finally:
            if spool is not None:
                spool.close()
    return {name: data for part in parts for name, data in part}


class _Spool:
    """Each post's Atom entry, RSS item and JSON Feed item, made once by whichever of this
    process and a forked child is free, into an unnamed temp file of its own; then read by
    either, a feed's worth at a time. Entries made twice (once in each process that makes a
    feed with the post) took a third of a cold build's feed making with tag feeds; kept in
    memory instead, they would be about 23 MB at the peak of the build. When `keyed`, each
    post's `feedparts.entry_key` is made with its entries (`keys`), for the feeds' keys a
    build from no cache keeps: in the process that makes them, they cost half as long."""

    def __init__(self, cfg: Config, posts: list[RenderedPost], keyed: bool = False) -> None:
        from feedkit.site import jsonfeed, xmlfeeds
        from feedkit.site.feedparts import entry_key

        self.files = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]
        here = os.getpid()
        # Longest first: whoever is free takes the next, and they finish together.
        order = sorted(posts, key=lambda rp: -len(rp.html_utf8))
        size = -(-len(order) // parallel.MAX_PARTS)
        groups = [order[start : start + size] for start in range(0, len(order), size)]

        def part(group: int) -> tuple[list[tuple[int, int, int, int, int]], list[bytes]]:
            which = 0 if os.getpid() == here else 1
            out = self.files[which]
            where = []
            for rp in groups[group]:
                atom = xmlfeeds.atom_entry(cfg, rp)
                rss = xmlfeeds.rss_item(cfg, rp)
                json_item = jsonfeed.json_item(cfg, rp) if cfg.feed.json_feed else b""
                where.append((which, out.tell(), len(atom), len(rss), len(json_item)))
                out.write(atom + rss + json_item)
            out.flush()  # for the other process to read
            return where, [entry_key(cfg, rp) for rp in groups[group]] if keyed else []

        try:
            found = parallel.shared(len(groups), part)
        except BaseException:
            self.close()
            raise
        # By each post's id(), with the post, so that no other object takes that id.
        self.where = {
            id(rp): (rp, place)
            for group, (places, _) in zip(groups, found, strict=True)
            for rp, place in zip(group, places, strict=True)
        }
        self.keys = (
            {
                id(rp): key
                for group, (_, keys) in zip(groups, found, strict=True)
                for rp, key in zip(group, keys, strict=True)
            }
            if keyed
            else {}
        )

    def load(self, posts: Sequence[RenderedPost], *made: Made) -> None:
        """Put each post's entries in the Made of its format (Atom, RSS, JSON Feed)."""
        for rp in posts:
            known, (which, offset, *sizes) = self.where[id(rp)]
            if known is not rp:
                continue
            data = os.pread(self.files[which].fileno(), sum(sizes), offset)
            start = 0  # each entry copied once out of what was read (not the rest again)
            for into, size in zip(made, sizes, strict=True):
                into[id(rp)] = (rp, data[start : start + size])
                start += size

    def close(self) -> None:
        for file in self.files:
            file.close()


def distinct_updated(posts: Sequence[RenderedPost]) -> list[RenderedPost]:
    """Return `posts` (newest first) with no two `updated` times written alike.

    Posts of one day without a time share its midnight, and the W3C validator warns on two
    entries whose `updated` is written the same. It compares the text: each later post
    that meets a text already given gets the same instant in another offset from UTC
    (`00:00:00+01:00`, then `01:00:00+02:00`, `23:00:00+00:00`…), so no post says it was
    updated at a time it was not, and none changes when another post of that instant comes
    or goes (a reader compares instants). Seconds were added before: the oldest of a day
    claimed the latest update, and every one of them moved when a post of that day came.
    """
    first: dict[datetime, datetime] = {}  # an instant → the first post's, as written
    taken: dict[datetime, set[str]] = {}  # an instant met again → the texts given it
    out: list[RenderedPost] = []
    for rp in posts:
        updated = rp.post.updated
        if updated not in first:  # as nearly always: no text is made, nor compared
            first[updated] = updated
            out.append(rp)
            continue
        texts = taken.setdefault(updated, {first[updated].isoformat()})
        if updated.isoformat() in texts:
            updated = next(
                alike for alike in _written_otherwise(updated) if alike.isoformat() not in texts
            )
        texts.add(updated.isoformat())
        out.append(rp if updated is rp.post.updated else _with_updated(rp, updated))
    return out


def _written_otherwise(when: datetime) -> Iterator[datetime]:
    """Yield `when`, the same instant, in other offsets from UTC: whole hours nearest its own
    first, then quarter hours, then minutes (RFC 3339's offsets end at ±23:59), then a second
    later, and so on, for a feed of thousands of posts of one instant."""
    own = when.utcoffset() or timedelta(0)
    for step, count in (
        (timedelta(hours=1), 23),
        (timedelta(minutes=15), 95),
        (timedelta(minutes=1), 1439),
    ):
        for k in range(1, count + 1):
            for offset in (own + k * step, own - k * step):
                if abs(offset) < timedelta(hours=24):
                    yield when.astimezone(timezone(offset))
    yield from _written_otherwise(when + timedelta(seconds=1))


def _with_updated(rp: RenderedPost, updated: datetime) -> RenderedPost:
    return replace(rp, post=replace(rp.post, updated=updated))
