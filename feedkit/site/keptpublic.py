"""The posts readers may see, as the post index keeps them between runs (PUBLIC_FILE, beside
the index): with the post files, settings and code they hold for, and until when.

A run with not one post file changed takes the list as it is. A run whose only change is
posts added since the list was kept (a new post, the common case before a digest) brings it
up to date from the new files alone (`with_added`), when every other file is as it was
(the fingerprint of the rest is the one kept), the new files are posts with no problem or
warning whose slugs, URLs and IDs no other post has (nor is a slug the name of any post's
footnote anchors: then no other post's anchors change), and the layout is not Hugo's (where
a new file can change what the others are) and is what it was without them (a `_posts/`
folder makes a folder Jekyll's). Anything else is a full read of the index's rows
(feedkit/site/postindex.py), which says what is wrong, as `load_posts` does.
"""

from __future__ import annotations

import marshal
from bisect import bisect_left
from itertools import compress
from operator import itemgetter, not_
from typing import Any, BinaryIO, NamedTuple

from feedkit.config import Config
from feedkit.models import Choice
from feedkit.posts.layout import Layout
from feedkit.posts.loader import parse_files
from feedkit.posts.walk import StatKey, change_times_ns
from feedkit.site.cache import BuildCache
from feedkit.site.cachekey import CACHE_FORMAT
from feedkit.site.scan import Scan
from feedkit.site.uptodate import fingerprint

PUBLIC_FILE = "public.marshal"
_SIZE = 8  # bytes of the length of each part of PUBLIC_FILE, little-endian
_STATUS = itemgetter(1)


class KeptPublic(NamedTuple):
    """The posts readers could see at the last read, and when that list holds: for the
    same post files (a fingerprint of their paths and statuses), settings and code, while
    no post comes due or expires."""

    fingerprint: str
    drafts: bool
    since: float  # timestamps: the list holds from `since` until before `until`
    until: float
    newest_ctime_ns: int  # of the post files it was made from: a file changed since has a later one
    paths: list[str]  # newest first, as shown
    ids: list[str]
    warnings: list[tuple[str, int, str]]  # of every post file, as the index keeps them
    anchors: list[tuple[str, str]]  # what `anchor_names` gives of every post
    published: list[float]  # of each post in `paths`
    slugs: list[str]  # of each post in `paths`
    others: list[tuple[str, str]]  # (slug, ID) of every post readers may not see
    urls: list[str]  # of every post, seen or not

    def holds(self, fingerprint: str, cutoff: float, drafts: bool) -> bool:
        return (fingerprint, drafts) == (self.fingerprint, self.drafts) and (
            self.since <= cutoff < self.until
        )


_LISTS = KeptPublic._fields.index("paths")  # the fields from here on are lists
_EXTRA = KeptPublic._fields.index("published")  # and from here on, only for `with_added`


def dump_kept(kept: KeptPublic | None, key: str, out: BinaryIO) -> None:
    """Write PUBLIC_FILE in parts: a header (the settings and code, and the post files and
    times the list holds for), the lists, and what taking in added posts needs; each read
    only when needed (the lists are 2.6 MB at 20,000 posts, the rest 0.8 MB)."""
    header: dict[str, Any] = {"format": CACHE_FORMAT, "key": key}
    if kept is not None:  # marshal takes plain tuples only
        header["holds"] = tuple(kept[:_LISTS])
    parts: list[Any] = [header]
    if kept is not None:
        parts += [tuple(kept[_LISTS:_EXTRA]), tuple(kept[_EXTRA:])]
    for part in parts:
        data = marshal.dumps(part)
        out.write(len(data).to_bytes(_SIZE, "little") + data)


def _part(data: memoryview, start: int) -> tuple[Any, int]:
    """Return the value of PUBLIC_FILE's part at `start`, and where the next one starts."""
    end = start + _SIZE + int.from_bytes(data[start : start + _SIZE], "little")
    if end > len(data):
        raise EOFError("the file ends within a part")
    return marshal.loads(data[start + _SIZE : end]), end


def load_kept(cache: BuildCache, scan: Scan, cutoff: float) -> tuple[KeptPublic, list[str]] | None:
    """Return what PUBLIC_FILE keeps for this cache's settings and code, if it holds at the
    timestamp `cutoff` for the post files of `scan`, or for all of them but some added since
    it was made, and those files (none, or see `with_added`); None if neither."""
    try:
        data = memoryview((cache.folder / PUBLIC_FILE).read_bytes())
        header, end = _part(data, 0)
        if header.get("format") != CACHE_FORMAT or header.get("key") != cache.key:
            return None
        fields = header["holds"]
        kept_fingerprint, drafts, since, until, newest_ctime_ns = fields
        if drafts or not since <= cutoff < until or not scan.fingerprint:
            return None
        if kept_fingerprint == scan.fingerprint:
            lists, _ = _part(data, end)
            return KeptPublic._make((*fields, *lists, [], [], [], [])), []
        added = _added(scan, newest_ctime_ns, kept_fingerprint)
        if added is None:
            return None
        lists, end = _part(data, end)
        extra, _ = _part(data, end)
        return KeptPublic._make((*fields, *lists, *extra)), added
    except (OSError, EOFError, ValueError, TypeError, AttributeError, KeyError):
        pass
    return None


def change_times(found: list[tuple[str, StatKey | None]]) -> list[int]:
    """Return the change time of each post file, all of whose statuses are known."""
    return change_times_ns(map(_STATUS, found))


def _added(scan: Scan, newest_ctime_ns: int, kept_fingerprint: str) -> list[str] | None:
    """Return the post files changed after `newest_ctime_ns` (when the list was made, no
    file had a later change time), if every other file is as it was then; None if not."""
    found = scan.found
    if not scan.stat or None in map(_STATUS, found):
        return None
    changed = list(map(newest_ctime_ns.__lt__, change_times(found)))
    if (
        not any(changed)
        or fingerprint(list(compress(found, map(not_, changed)))) != kept_fingerprint
    ):
        return None
    return [path for path, _ in compress(found, changed)]


def with_added(
    kept: KeptPublic, added: list[str], cfg: Config, scan: Scan, cutoff: float
) -> tuple[KeptPublic, Layout] | None:
    """Return `kept` with the post files `added` since it was made taken in, and the layout
    they were read with; None if they cannot be without a full read (see the module's
    docstring)."""
    every = [path for path, _ in scan.found]
    layout = Layout(cfg, every)
    if layout.hugo:  # a new page can change what the others are
        return None
    gained = set(added)
    if Layout(cfg, [path for path in every if path not in gained]).signature != layout.signature:
        return None  # the new files change the rules the others were read by (a `_posts/`)
    paths, ids, published, slugs = [*kept.paths], [*kept.ids], [*kept.published], [*kept.slugs]
    others, urls = [*kept.others], [*kept.urls]
    # A new slug that is the name of other posts' footnote anchors changes those names.
    taken_slugs = {*slugs, *(slug for slug, _ in others), *(name for _, name in kept.anchors)}
    taken_urls = set(urls)
    taken_ids = {*ids, *(post_id for _, post_id in others)}
    since, until = kept.since, kept.until
    for shown, st, choice, problems, warnings in parse_files(cfg, added, light=True, layout=layout):
        if not isinstance(choice, Choice) or st is None or problems or warnings:
            return None  # the full read says what is wrong, or keeps the warning
        if choice.url in taken_urls or choice.id in taken_ids:
            return None  # the full read names both posts
        if choice.slug in taken_slugs:
            return None  # the full read places it among the posts of its slug
        taken_slugs.add(choice.slug)
        taken_urls.add(choice.url)
        taken_ids.add(choice.id)
        urls.append(choice.url)
        for change in (choice.published, choice.expires):
            if change <= cutoff:
                since = max(since, change)
            else:
                until = min(until, change)
        if not choice.is_public(cutoff):
            others.append((choice.slug, choice.id))
            continue
        # Newest first by date, then slug, as `load_posts` orders them (the slug is no other's).
        new = (choice.published, choice.slug)
        at = bisect_left(range(len(paths)), True, key=lambda i: (published[i], slugs[i]) < new)
        paths.insert(at, shown)
        ids.insert(at, choice.id)
        published.insert(at, choice.published)
        slugs.insert(at, choice.slug)
    made = KeptPublic(
        scan.fingerprint, False, since, until, max(change_times(scan.found)),
        paths, ids, kept.warnings, kept.anchors, published, slugs, others, urls,
    )  # fmt: skip
    return made, layout
