"""What a blog made for Jekyll, Hugo or Pelican says of itself, as `feedkit init` takes it
(`OldSite`: feedkit/posts/oldsite.py finds it, feedkit/posts/oldpelican.py reads a Pelican
site's), and how its feed's address and length are taken from what its configuration says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from feedkit.config import FeedConfig
from feedkit.configkeys import FEED_KEYS, OTHER_NAMES

# What readers' feed readers know the old feeds by: entry IDs and the feed's address, as
# README's "Moving from Jekyll, Hugo or Pelican" tells.
FEED_SETTINGS = {
    "jekyll": (("ids", "jekyll"), ("atom", "feed.xml")),
    "hugo": (("ids", "url"), ("rss", "index.xml")),
    "pelican": (("ids", "pelican"), ("atom", "feeds/all.atom.xml")),
}
NAMES = {"jekyll": "Jekyll", "hugo": "Hugo", "pelican": "Pelican"}


@dataclass(frozen=True)
class OldSite:
    """What a Jekyll, Hugo or Pelican site in a folder says of itself."""

    kind: str  # "jekyll", "hugo" or "pelican"
    config: str  # the file (or folder) that shows it, relative to the site's folder
    content_dir: str  # the folder feedkit reads posts from, relative to the site's folder
    title: str = ""
    description: str = ""
    base_url: str = ""
    author: str = ""
    email: str = ""
    language: str = ""
    permalink: str = ""  # a Pelican site's ARTICLE_URL as feedkit's `permalink`
    unfollowed: str = ""  # why the site's post URLs cannot be followed, when they cannot
    # What was found but is no value feedkit.toml can take: (setting, why), for `init` to say.
    refused: tuple[tuple[str, str], ...] = ()
    # The settings by which the generator publishes posts before their date, drafts or
    # expired ones, which feedkit's feeds and digests never carry: for `init` to say.
    early: tuple[str, ...] = ()
    # The feeds it writes besides the one feedkit keeps (a category's, an author's): for
    # `init` to say that readers subscribed to one get nothing new.
    unwritten: tuple[str, ...] = ()
    # The feed readers subscribed to, as (`atom` or `rss`, its file under the output folder),
    # when the site's configuration moved it from the generator's default (FEED_SETTINGS).
    address: tuple[str, str] | None = None
    # The other format's feed of the same posts, when the site writes both (Pelican's
    # FEED_ALL_ATOM and FEED_ALL_RSS): (`rss`, its file), for readers subscribed to it.
    also: tuple[str, str] | None = None
    # How many entries its feed held, when it held fewer than feedkit's 20 would (jekyll-feed's
    # posts_limit, 10 by default; Hugo's rss limit; Pelican's FEED_MAX_ITEMS); 0: no fewer.
    limit: int = 0
    # Its feed carried summaries only (jekyll-feed's `excerpt_only`): so do feedkit's.
    summaries_only: bool = False
    # Where its feed file is written, so feedkit's goes to the same place: a Hugo site's
    # publishDir, and the default language's folder of a multilingual one published in
    # folders (`public/de/index.xml`).
    output_dir: str = "public"
    # A Jekyll site's baseurl, the path its pages are under (`/proj` of a GitHub Pages
    # project site, whose url GitHub fills in), for init to say when --url leaves it out.
    base_path: str = ""

    @property
    def name(self) -> str:
        return NAMES[self.kind]

    @property
    def feed(self) -> tuple[tuple[str, str], ...]:
        """Return the [feed] settings that keep what readers know the old feed by; and, when
        that feed's file has the name feedkit gives its other format (Hugo's RSS moved to
        atom.xml by `baseName = "atom"`), that format's name elsewhere (OTHER_NAMES)."""
        ids, default = FEED_SETTINGS[self.kind]
        key, path = self.address or default
        other = "rss" if key == "atom" else "atom"
        if self.also is not None and self.also[0] == other and self.also[1] != path:
            return ids, (key, path), self.also
        if path == getattr(FeedConfig, other):
            return ids, (key, path), (other, OTHER_NAMES[other])
        return ids, (key, path)


def feed_address(key: str, path: str) -> tuple[str, str] | None:
    """Return (key, path) when `path` is a file under the output folder that feedkit.toml's
    `key` can take, None for any other (the generator's default is kept then)."""
    try:
        return key, FEED_KEYS[key](path.strip().lstrip("/"))
    except (KeyError, ValueError):
        return None


def feed_limit(given: Any, default: int) -> int:
    """Return a feed's entry limit when it is under feedkit's 20 (`given`, else the
    generator's `default`; 0 for none): a post that had left the old feed, and comes back,
    is new to a reader that forgot it."""
    count = given if type(given) is int and given > 0 else default
    return count if 0 < count < 20 else 0
