"""Which feeds a build need not make again: a key for each feed that hashes all its files are
made from, kept with the outputs in the build cache's state.

With tag feeds, editing one post changes the few feeds that hold it; the others' files would
come out the same bytes. A feed whose key is the one the last build recorded, and whose files
are as that build left them (size and modification time), is not made: none of its entries
is made, and its files are not read to be compared. Its key hashes the settings, the feed's
title, description and addresses, and each entry as its feed gives it: every field of the
post that an entry shows, with the `updated` the feed gives it, its summary and its HTML (what
`feedparts.part_key` hashes for an entry kept from build to build).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from feedkit.config import Config
from feedkit.site.feedparts import entry_key, settings_digest
from feedkit.site.feeds import FeedJob, distinct_updated
from feedkit.site.uptodate import as_recorded

# The state's record of each feed's key, by the name of the feed's Atom file.
FEED_KEYS = "feed_keys"


def feed_keys(
    cfg: Config,
    jobs: Sequence[FeedJob],
    now: datetime,
    entries: Mapping[int, bytes] | None = None,
) -> dict[str, str]:
    """Return each feed's key, by the name of its Atom file (see the module's text); `now`
    is an empty feed's date. `entries`: posts' `entry_key`s known already, by the id() of
    the RenderedPost in `jobs`."""
    known = dict(entries or {})  # each post's entry, hashed once for all its feeds
    keys = {}
    for info, names, posts in jobs:
        digest = hashlib.sha256(settings_digest(cfg))
        digest.update(repr((info, names)).encode())
        for rp, given in zip(posts, distinct_updated(posts), strict=True):
            if given is not rp:  # a later `updated`: this feed's own
                digest.update(entry_key(cfg, given))
                continue
            if (found := known.get(id(rp))) is None:
                found = known[id(rp)] = entry_key(cfg, rp)
            digest.update(found)
        if not posts:  # an empty feed's date is the build's
            digest.update(now.isoformat().encode())
        keys[names[0]] = digest.hexdigest()
    return keys


def unchanged_feeds(
    cfg: Config, jobs: Sequence[FeedJob], now: datetime, state: Mapping[str, Any], out_dir: str
) -> tuple[dict[str, str], list[str], list[FeedJob]]:
    """Return each feed's key (`feed_keys`), the files of the feeds that need not be made
    (`standing`), and the feeds to make."""
    keys = feed_keys(cfg, jobs, now)
    found = standing(cfg, jobs, keys, state, out_dir)
    files = [name for index in sorted(found) for name in made_files(cfg, jobs[index][1])]
    return keys, files, [job for index, job in enumerate(jobs) if index not in found]


def made_files(cfg: Config, names: tuple[str, str, str]) -> tuple[str, ...]:
    """Return the files a feed of `names` (Atom, RSS, JSON Feed) writes."""
    return names if cfg.feed.json_feed else names[:2]


def standing(
    cfg: Config,
    jobs: Sequence[FeedJob],
    keys: Mapping[str, str],
    state: Mapping[str, Any],
    out_dir: str,
) -> set[int]:
    """Return the indexes of the feeds in `jobs` whose files the build that saved `state`
    made from what `keys` stand for, and which are still there, untouched."""
    recorded = state.get(FEED_KEYS) or {}
    files = state.get("files") or {}
    found = set()
    for index, (_, names, _) in enumerate(jobs):
        if recorded.get(names[0]) != keys[names[0]]:
            continue
        if all(as_recorded(out_dir, name, files.get(name)) for name in made_files(cfg, names)):
            found.add(index)
    return found
