"""The feed build: choose each feed's entries, render only those, write atomically.

With the build cache (the default), only post files that changed since the last build are
read, and when no feed's entries changed nothing is rendered or written at all.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedkit.config import XSL_NAME, Config
from feedkit.errors import Problem
from feedkit.models import Choice, Post, RenderedPost
from feedkit.posts.anchors import anchor_names
from feedkit.posts.gathered import LoadResult
from feedkit.posts.loader import Progress
from feedkit.readonly import readonly
from feedkit.shown import display_path
from feedkit.site.choose import FeedPlan, choose_feeds, feed_files
from feedkit.site.outputs import write_staged
from feedkit.site.postsread import read_changed_posts, read_every_post
from feedkit.site.render import render_posts
from feedkit.site.rsstext import site_warnings
from feedkit.site.uptodate import (
    RENDER_WARNINGS,
    Walked,
    kept_warnings,
    outputs_current,
    record,
)

if TYPE_CHECKING:
    from feedkit.posts.expand import Templates
    from feedkit.site.cache import BuildCache
    from feedkit.site.feeds import FeedJob
    from feedkit.site.scan import Scan


@readonly(repr=False)  # never compared or printed (it holds every post)
class BuildPlan:
    """Every output file's bytes, decided before anything is written (or staged: see
    `plan_build`'s `stage_into`)."""

    files: Mapping[str, bytes]  # path relative to the output folder → content
    reused: bool  # nothing changed: the last build's files stand, `files` is empty
    total: int  # post files
    published: int  # posts readers can see
    drafts: int
    scheduled: int  # dated in the future
    rendered: int  # posts whose Markdown was rendered for this build
    warnings: tuple[Problem, ...] = ()
    expired: int = 0  # out of every output since their expiry date (Hugo's expiryDate)
    entries: tuple[RenderedPost, ...] = ()  # the main feed's entries, newest first
    loaded: LoadResult | None = None  # every post, when the build read them all
    members: dict[str, Post] = field(default_factory=dict)  # the posts in some feed
    signature: str = ""  # what the files were made from
    unchanged: bool = False  # no post file changed: the cache has nothing new to record
    scan: Scan | None = None  # the post files as this build found them
    summary: dict[str, Any] = field(default_factory=dict)  # what the cache keeps of this build
    cache_discarded: str = ""  # why the build cache found was not used
    held: bool = False  # nothing written: a strict build with warnings (`build_site`)
    # With `stage_into`, the files instead: each one's temp file, None when unchanged.
    staged: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Every output file, relative to the output folder."""
        return list(self.files or self.staged)


# The cache's record of the feed entries whose templates read other posts' URLs.
READS_POSTS = "reads_posts"


def plan_build(
    cfg: Config,
    now: datetime,
    *,
    drafts: bool = False,
    cache: BuildCache | None = None,
    progress: Progress | None = None,
    loaded: LoadResult | None = None,
    stage_into: Path | None = None,
    renders: BuildCache | None = None,
    choices: dict[str, Choice] | None = None,
    templates: Templates | None = None,
) -> BuildPlan:
    """Return the BuildPlan for the site at `now`; raises before anything is written.

    The stages, in order: find the post files and read their front matter; choose each
    feed's entries; render them; make the files. The build cache, when given, is consulted
    at reading (a file unchanged since the last build is not read again, and when no file
    changed the plan says so at once) and at rendering (a body rendered before is not
    rendered again, and when the feeds' entries and files are the last build's, nothing is).

    With `stage_into` (the output folder), each file is staged beside its place there as
    soon as it is made (feedkit.atomicfile.stage) rather than kept: for `write_staged`.
    Without `cache`, `renders` is consulted at rendering only, and `choices` are those of
    the `loaded` posts by path as shown, when known, and `templates` their Templates (the
    warm preview keeps all three).
    """
    cutoff = now.timestamp()
    if cache is None:
        read = read_every_post(cfg, loaded, progress, choices)
    else:
        scan = cache.scan(cfg)
        if cache.unchanged(scan, cutoff, drafts, cfg.output_path):
            return _unchanged_plan(cache.state, scan)
        read = read_changed_posts(cfg, cache, scan, progress)
    choices, warnings, full_post = read.choices, read.warnings, read.full_post
    feeds, published = choose_feeds(cfg, choices, now, drafts, warnings)
    warnings += site_warnings(cfg)
    total = len(choices)
    tally = _tally(choices.values(), cutoff, drafts)
    drafts_count, scheduled, expired, last_change, next_change = tally
    anchors = anchor_names(choices.values())  # footnotes' names, among every post
    signature = _signature(cfg, feeds, read.stats, drafts, now, anchors)
    summary = {
        "signature": signature,
        "drafts": drafts,
        "last_change": last_change,
        "next_change": next_change,
        "counts": (total, published, drafts_count, scheduled, expired),
        "warnings": [(w.path, w.line, w.message) for w in warnings],
    }
    plan = partial(
        BuildPlan,
        total=total,
        published=published,
        drafts=drafts_count,
        scheduled=scheduled,
        expired=expired,
        signature=signature,
        scan=read.scan,
        summary=summary,
    )
    members = {shown for feed in feeds for shown in feed.members}
    fresh = read.fresh
    if (
        cache is not None
        # A member read again in this build may have changed without its status changing;
        # so may a post whose URL a member's template reads.
        and not members & fresh
        and not (fresh and members & set(cache.state.get(READS_POSTS) or ()))
        and outputs_current(cache.state, signature, cfg.output_path)
    ):
        # The feed entries' template warnings, as the build that rendered them found them.
        earlier = [
            Problem(p, n, m, warning=True) for p, n, m in cache.state.get(RENDER_WARNINGS) or ()
        ]
        return plan(
            files={}, reused=True, rendered=0, warnings=tuple(dict.fromkeys(warnings + earlier))
        )

    from feedkit.posts.expand import Templates
    from feedkit.site.feedparts import FeedInfo
    from feedkit.site.feeds import distinct_updated, render_feeds, stage_feeds
    from feedkit.site.xsl import xsl_stylesheet

    # A post in several feeds is rendered once.
    members_in_order = list(dict.fromkeys(shown for feed in feeds for shown in feed.members))
    if templates is None:
        templates = Templates(cfg, list(choices), full_post)
    results = render_posts(
        read.full_posts(members_in_order),
        cfg,
        cache if cache is not None else renders,
        templates,
        progress,
        anchors,
        read.stats,
    )
    rendered = {shown: result[0] for shown, result in results.items()}
    summary[READS_POSTS] = sorted(shown for shown, result in results.items() if result[2])
    render_warnings = [w for result in results.values() for w in result[1]]
    summary[RENDER_WARNINGS] = [(w.path, w.line, w.message) for w in render_warnings]
    jobs: list[FeedJob] = []
    for feed in feeds:
        names = feed_files(cfg, feed.folder)
        info = FeedInfo(
            feed.title,
            feed.description,
            cfg.base_url,
            *(cfg.output_url(name) for name in names),
        )
        jobs.append((info, names, [rendered[shown] for shown in feed.members]))
    files: dict[str, bytes] = {}
    staged: dict[str, str | None] = {}
    kept = cache if cache is not None else renders
    if stage_into is None:
        files = {XSL_NAME: xsl_stylesheet(cfg), **render_feeds(cfg, jobs, now, kept)}
    else:
        from feedkit.atomicfile import discard, stage

        staged[XSL_NAME] = stage(stage_into / XSL_NAME, xsl_stylesheet(cfg))
        to_make, shared_from = jobs, 0
        entry_keys: dict[int, bytes] | None = None
        # Not the feeds whose files stand as the last build left them; the others' few posts
        # made here, from the entries kept (feeds.SHARED_FROM).
        if cache is not None and cache.state:
            from feedkit.site.feedkeys import FEED_KEYS, unchanged_feeds
            from feedkit.site.feeds import SHARED_FROM

            made = unchanged_feeds(cfg, jobs, now, cache.state, str(stage_into))
            summary[FEED_KEYS], standing, to_make = made
            staged.update(dict.fromkeys(standing))
            shared_from = SHARED_FROM
        elif cache is not None:
            # A build from no cache (cold, or thrown away) keeps each feed's key for the
            # next too: without them, the first edit after it made every feed again (1.1 s
            # against 0.39 for a later edit at 5,000 posts in 400 tags). Their entries' part
            # is made with the entries, by the process that makes them (feeds._Spool).
            entry_keys = {}
        try:
            staged.update(
                stage_feeds(cfg, to_make, now, stage_into, progress, kept, shared_from, entry_keys)
            )
        except BaseException:
            discard(staged.values())
            raise
        if entry_keys is not None:
            from feedkit.site.feedkeys import FEED_KEYS, feed_keys

            summary[FEED_KEYS] = feed_keys(cfg, jobs, now, entry_keys)
    main_entries = distinct_updated(jobs[0][2])
    return plan(
        files=files,
        staged=staged,
        reused=False,
        rendered=len(rendered),
        # A small file is read whole at load and again to render: report each warning once.
        warnings=tuple(dict.fromkeys(warnings + render_warnings)),
        entries=tuple(main_entries),
        loaded=read.loaded,
        members={shown: r.post for shown, r in rendered.items()},
    )


def _tally(
    choices: Iterable[Choice], cutoff: float, drafts: bool
) -> tuple[int, int, int, float, float]:
    """Return the number of drafts (with `drafts`, those the feeds show, among the posts
    published), of posts scheduled for later and of expired ones, and the last time at or
    before `cutoff` and the first after it that a post comes due or expires: the feeds are
    the same at any time between (a clock set back past the first changes them too). One
    pass over every post."""
    draft_count = scheduled = expired = 0
    last_change, next_change = -math.inf, math.inf
    for c in choices:
        if c.draft and not drafts:  # an unseen draft's dates change no feed
            draft_count += 1
            continue
        if c.published > cutoff:
            scheduled += 1
        elif c.expires <= cutoff:
            expired += 1
        elif c.draft:  # shown, as --drafts asks
            draft_count += 1
        for moment in (c.published, c.expires):
            if cutoff < moment < next_change:
                next_change = moment
            elif last_change < moment <= cutoff:
                last_change = moment
    return draft_count, scheduled, expired, last_change, next_change


def _unchanged_plan(state: dict[str, Any], scan: Scan) -> BuildPlan:
    """Return the plan of a build that found nothing to do, from what the last one knew."""
    total, published, drafts, scheduled, expired = state["counts"]
    return BuildPlan(
        files={},
        reused=True,
        unchanged=True,
        total=total,
        published=published,
        drafts=drafts,
        scheduled=scheduled,
        expired=expired,
        rendered=0,
        warnings=tuple(Problem(p, n, m, warning=True) for p, n, m in kept_warnings(state)),
        signature=state["signature"],
        scan=scan,
    )


def _signature(
    cfg: Config,
    feeds: list[FeedPlan],
    stats: Mapping[str, object],
    drafts: bool,
    now: datetime,
    anchors: Mapping[str, str],
) -> str:
    """Return a hash of what the output files are made from: when it is the same as last
    time, so are the files."""
    parts: list[object] = [drafts, cfg.feed.limit]
    if anchors:  # a post in no feed (a draft) changes the anchors of those sharing its slug
        parts.append(sorted(anchors.items()))
    for feed in feeds:
        parts.append((feed.folder, [(shown, stats.get(shown)) for shown in feed.members]))
        if not feed.members:  # an empty feed's date is the build's
            parts.append(now.isoformat())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _unsaved(cfg: Config, cache: BuildCache, exc: OSError) -> Problem:
    """Return the warning of a build whose feeds are in place but whose cache could not be
    saved: the next build does again what this one did, and no file is lost."""
    where = display_path(exc.filename or cache.folder, cfg.root)
    message = (
        f"cannot save the build cache: {exc.strerror or exc}; the feeds are written, and the "
        "next build reads and renders again what this one did"
    )
    return Problem(where, 0, message, warning=True)


def build_site(
    cfg: Config,
    now: datetime,
    *,
    drafts: bool = False,
    ignore_cache: bool = False,
    progress: Progress | None = None,
    config_file: Path | None = None,
    walked: Walked | None = None,
    waiting: Callable[[str], object] | None = None,
    strict: bool = False,
) -> tuple[BuildPlan, list[str]]:
    """Build the feeds and write what changed; return the plan and the files changed.

    With `strict`, a build with warnings writes nothing: neither the feeds (the files it
    staged are removed) nor the cache, whose record would say they are out.

    With `ignore_cache`, every post is read and rendered afresh, and the cache saved is a
    fresh one: the next build goes on from this one's output, not from the cache ignored.
    `config_file` is the feedkit.toml `cfg` was read from: given, the cache records what
    the output was made from, so that the next `feedkit build` that has nothing to do can
    say so before it loads the build (feedkit.site.uptodate). `walked` is the walk of the
    content folder that found it had something to do: the cache takes it for its own.

    One build of a site runs at a time (feedkit.site.buildlock): while another holds the
    lock, this one tells `waiting` so, once, and waits.
    """
    from feedkit.site.buildlock import BuildLock
    from feedkit.site.cache import BuildCache

    with BuildLock(cfg.cache_path, waiting):
        cache = BuildCache.fresh(cfg) if ignore_cache else BuildCache.open(cfg)
        if config_file is not None:
            cache.inputs = partial(record, cfg, config_file)
        cache.walked = walked
        if cache.discarded:  # logging is imported only then: a build changing nothing skips it
            import logging

            logging.getLogger(__name__).info("build cache thrown away: %s", cache.discarded)
        out = cfg.output_path
        made = not out.exists()  # by this build, if it stages a file
        plan = plan_build(cfg, now, drafts=drafts, cache=cache, progress=progress, stage_into=out)
        changed: list[str] = []
        if strict and plan.warnings:
            if not plan.reused:
                from feedkit.atomicfile import remove_temps

                remove_temps((out / name for name in plan.staged), up_to=out)
                if made:
                    with suppress(OSError):
                        out.rmdir()  # nothing in it: as if no build had run
            return replace(plan, held=True, cache_discarded=cache.discarded), changed
        if not plan.reused:
            changed = write_staged(out, plan.staged, cfg.cache_path)
        try:
            if plan.unchanged:
                cache.stamp()
            elif plan.scan is not None:
                if plan.reused:  # files were read, but the feeds came out the same
                    cache.save(plan.scan, plan.summary)
                else:
                    cache.save(plan.scan, plan.summary, plan.members, out, plan.names)
        except OSError as exc:  # a full disk, a cache folder of another user's
            plan = replace(plan, warnings=(*plan.warnings, _unsaved(cfg, cache, exc)))
        if cfg.feed.hub:  # and what an earlier build could not tell the hub
            from feedkit.site.websub import tell_hub

            if untold := tell_hub(cfg, changed):
                plan = replace(plan, warnings=plan.warnings + tuple(untold))
        if cache.discarded:
            plan = replace(plan, cache_discarded=cache.discarded)
        return plan, changed
