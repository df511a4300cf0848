"""Choosing the entries: from every post's Choice (the little the build cache keeps of each
post file), the site's feed and, with tag feeds on, a feed per tag, newest first and limited;
and the files each feed is written to."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from datetime import datetime

from feedkit.config import TAG_FEEDS_DIR, Config
from feedkit.errors import Problem
from feedkit.i18n import N_, language
from feedkit.models import Choice
from feedkit.readonly import readonly

# A tag feed's subtitle: its quotation marks are the language's („…“, « … »).
TAG_SUBTITLE = N_("Posts tagged “%(tag)s” on %(site)s")


@readonly()
class FeedPlan:
    """One feed's title and entries."""

    folder: str  # "" for the site feed, "tags/<slug>/" for a tag's
    title: str
    description: str
    members: list[str]  # posts, by path as shown, newest first


def choose_feeds(
    cfg: Config,
    choices: Mapping[str, Choice],
    now: datetime,
    drafts: bool,
    warnings: list[Problem],
) -> tuple[list[FeedPlan], int]:
    """Return each feed's entries, from every post's Choice by its path as shown, and the
    number of posts readers can see at `now`; add to `warnings` the tags of different
    spelling that share a feed."""
    from feedkit.posts.tagslugs import TAGS_MERGED, tag_slug  # only when something changed

    cutoff = now.timestamp()
    visible = [item for item in choices.items() if item[1].is_public(cutoff, drafts)]
    limit = cfg.feed.limit
    if cfg.feed.tag_feeds:
        visible.sort(key=_newest, reverse=True)
        top = visible[:limit]
    else:  # the site's feed alone: its few entries, not every post in order
        top = heapq.nlargest(limit, visible, key=_newest)
    feeds = [FeedPlan("", cfg.title, cfg.description, [shown for shown, _ in top])]
    if cfg.feed.tag_feeds:
        tags: dict[str, tuple[str, list[str]]] = {}
        told: set[tuple[str, str]] = set()
        slugs: dict[str, str] = {}  # each spelling's slug: thousands of posts, a few tags
        for shown, choice in visible:
            for tag in choice.tags:
                slug = slugs.get(tag)
                if slug is None:
                    slug = slugs[tag] = tag_slug(tag)
                found = tags.get(slug)
                if found is None:
                    tags[slug] = (tag, [shown])
                    continue
                name, members = found
                # Two spellings in one feed: say so once (in one post, its loading did).
                if (
                    name != tag
                    and members[0] != shown
                    and name.casefold() != tag.casefold()
                    and (slug, tag.casefold()) not in told
                ):
                    told.add((slug, tag.casefold()))
                    warnings.append(
                        Problem(
                            shown,
                            0,
                            f"tag {tag!r} shares the feed tags/{slug}/ with {name!r} "
                            f"({members[0]}); {TAGS_MERGED}",
                            warning=True,
                        )
                    )
                if members[-1] != shown:
                    members.append(shown)
        about = language(cfg.language).gettext(TAG_SUBTITLE)  # in the feeds' language
        for slug, (name, members) in sorted(tags.items()):
            feeds.append(
                FeedPlan(
                    f"{TAG_FEEDS_DIR}{slug}/",
                    f"{cfg.title}: {name}",
                    about % {"tag": name, "site": cfg.title},
                    members[:limit],
                )
            )
    return feeds, len(visible)


def _newest(item: tuple[str, Choice]) -> tuple[float, str, str]:
    """Newest first; of one time, by slug, then URL (posts may share a slug, never a URL),
    as `load_posts` orders them."""
    return item[1].published, item[1].slug, item[1].url


def feed_files(cfg: Config, folder: str) -> tuple[str, str, str]:
    """Return the Atom, RSS and JSON Feed file paths under the output folder: as configured
    for the site's feeds, the same file names in a tag's folder."""
    names = (cfg.feed.atom, cfg.feed.rss, cfg.feed.json)
    if not folder:
        return names
    atom, rss, json = (folder + name.rpartition("/")[2] for name in names)
    return atom, rss, json
