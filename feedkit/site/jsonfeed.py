"""Rendered posts → JSON Feed 1.1 bytes, each item made once and kept as Atom's entries are.

The bytes are orjson's, indented by two spaces: byte for byte what `json.dumps(…,
ensure_ascii=False, indent=2)` wrote before it (tests/test_jsonfeed.py holds them to it), at
a sixth of the time an item: the standard library encodes an indented document in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from feedkit.config import Config
from feedkit.models import RenderedPost
from feedkit.site.feedparts import FeedInfo, Kept, Made, entry_bytes

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def render_json_feed(
    cfg: Config,
    info: FeedInfo,
    posts: Sequence[RenderedPost],
    made: Made | None = None,
    kept: Kept | None = None,
) -> bytes:
    """Return the JSON Feed 1.1 document for `posts` (already newest first and limited);
    with `made` and `kept`, each item's bytes as `render_atom` has its entries'."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": info.home_url,
        "feed_url": info.json_url,
    }
    if info.description:
        feed["description"] = info.description
    feed["language"] = cfg.language
    feed["authors"] = [_json_author(cfg.author.name, cfg.author.url)]
    if cfg.feed.hub:
        feed["hubs"] = [{"type": "WebSub", "url": cfg.feed.hub}]
    items = [entry_bytes(cfg, made, kept, "json", rp, json_item) for rp in posts]
    head = orjson.dumps(feed, option=orjson.OPT_INDENT_2)
    # What the feed with its items would be, each item one level in: joined once (a tag's
    # feed is about 300 KB, and each `+` of it would copy it again).
    if not items:
        return head[:-2] + b',\n  "items": []\n}\n'
    parts = [head[:-2], b',\n  "items": [\n']
    for item in items:
        parts += (item, b",\n")
    parts[-1] = b"\n  ]\n}\n"
    return b"".join(parts)


def json_item(cfg: Config, rp: RenderedPost) -> bytes:
    """Return a JSON Feed item's bytes as they stand in the feed's "items" list."""
    post = rp.post
    item: dict[str, Any] = {"id": post.id, "url": post.url, "title": post.title}
    if not post.title:  # untitled (a Pelican article's empty `Title:`): JSON Feed allows it
        del item["title"]
    if post.shows_text(cfg.feed.full_content):
        item["content_html"] = rp.html
    else:
        item["content_text"] = rp.summary or rp.headline
    if rp.summary:
        item["summary"] = rp.summary
    if post.image:
        item["image"] = post.image
    if language := post.other_language(cfg.language):  # JSON Feed 1.1's item language
        item["language"] = language
    item["date_published"] = post.published.isoformat()
    item["date_modified"] = post.updated.isoformat()
    item["authors"] = [_json_author(a.name, a.url) for a in post.authors]
    if post.tags:
        item["tags"] = list(post.tags)
    # Its lines indented two levels (no JSON string holds a line break of its own).
    return b"    " + orjson.dumps(item, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")


def _json_author(name: str, url: str | None) -> dict[str, str]:
    return {"name": name, "url": url} if url else {"name": name}
