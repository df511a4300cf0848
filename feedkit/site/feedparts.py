"""What the feed formats share: a feed's description, its entries' bytes made once a
process and kept from one build to the next (by a key that hashes all they are made of),
the stylesheet line browsers show a feed with, and the authors and dates entries give."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import datetime
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlsplit

from feedkit.config import XSL_NAME, Config
from feedkit.models import Post, RenderedPost
from feedkit.readonly import readonly

GENERATOR = "feedkit"


@readonly()  # never compared
class FeedInfo:
    """What one feed is: its title, where it lives, and which page it stands for."""

    title: str
    description: str
    home_url: str  # the HTML page the feed stands for
    atom_url: str  # where each format is published: its self link
    rss_url: str
    json_url: str


# Each post's entry bytes in one format, for the next feed the post is in (the site's and
# each of its tags'): by the post's id(), the post kept with it so that no other takes that id.
Made = dict[int, tuple[RenderedPost, bytes]]


class Kept(Protocol):
    """Where feed entries' and feed heads' bytes are kept from one build to the next (the
    build cache), by a key that hashes everything they are made from (see `part_key`)."""

    def feed_part(self, key: str) -> bytes | None: ...

    def remember_feed_part(self, key: str, data: bytes) -> None: ...


def _stylesheet_pi(href: str) -> bytes:
    return f'<?xml-stylesheet type="text/xsl" href="{href}"?>\n'.encode()


# A `{` that opens `{{` or `{%`: template syntax to a site that runs feeds through its own
# templates. Feed HTML has it as `&#123;` already (feedkit.posts.expand.shield_braces);
# what is left (XHTML content, titles) is written as the same character reference in XML.
TEMPLATE_BRACE = re.compile(rb"\{(?=[{%])")


def with_stylesheet(xml: bytes, cfg: Config) -> bytes:
    # Browsers only apply same-origin stylesheets: a path, not a full URL.
    declared, rest = with_stylesheet_at(xml, urlsplit(cfg.base_url).path + XSL_NAME)
    return declared + TEMPLATE_BRACE.sub(b"&#123;", rest)


def with_stylesheet_at(xml: bytes, href: str) -> tuple[bytes, bytes]:
    """Return feedgen's `xml` cut after its XML declaration, the stylesheet at `href`
    named there: (the declaration and the stylesheet, the rest)."""
    head, sep, rest = xml.partition(b"?>\n")
    if not head.startswith(b"<?xml") or not sep:
        raise AssertionError("feedgen output lost its XML declaration")
    return head + sep + _stylesheet_pi(href), rest


def feed_updated(posts: Sequence[RenderedPost], fallback: datetime) -> datetime:
    return max((rp.post.updated for rp in posts), default=fallback)


def author_dicts(rp: RenderedPost) -> list[dict[str, str]]:
    out = []
    for author in rp.post.authors:
        entry = {"name": author.name}
        if author.email:
            entry["email"] = author.email
        if author.url:
            entry["uri"] = author.url
        out.append(entry)
    return out


def _made_before(made: Made | None, rp: RenderedPost) -> bytes | None:
    known = made.get(id(rp)) if made is not None else None
    return known[1] if known is not None and known[0] is rp else None


@lru_cache(maxsize=4)  # a Config is hashed by identity: one repr for all its feeds' parts
def settings_digest(cfg: Config) -> bytes:
    """Return a hash of every setting of `cfg`."""
    return hashlib.sha256(repr(cfg).encode()).digest()


def part_key(cfg: Config, kind: str, made_from: object, text: bytes = b"") -> str:
    """Return the key a feed part (an entry or a head in one format) is kept by: a hash of
    every setting, the kind of part, and the repr of all it is made from (for an entry, the
    post with the `updated` its feed gives it, its summary, and `text`, its HTML)."""
    digest = hashlib.sha256(settings_digest(cfg))
    digest.update(repr((kind, made_from)).encode())
    digest.update(text)
    return f"{kind}:{digest.hexdigest()}"


# What of a post its entries are made from: every field but `extra`, the front matter keys
# feedkit does not use, which no entry shows and whose repr may never end (a YAML alias
# bomb is small in memory, not written out).
_ENTRY_FIELDS = tuple(f.name for f in fields(Post) if f.name != "extra")


def entry_made_from(rp: RenderedPost) -> tuple[object, ...]:
    """Return what `rp`'s entries are made from besides its HTML (see `part_key`)."""
    return (*(getattr(rp.post, name) for name in _ENTRY_FIELDS), rp.summary)


def entry_key(cfg: Config, rp: RenderedPost) -> bytes:
    """Return what a feed's key (feedkit/site/feedkeys.py) holds of `rp`'s entry: the key
    of all it is made from, whatever the format."""
    return part_key(cfg, "entry", entry_made_from(rp), rp.html_utf8).encode()


def kept_or_made(kept: Kept | None, key: Callable[[], str], make: Callable[[], bytes]) -> bytes:
    """Return what `make` gives, or what `kept` holds by `key()` (found only when kept)."""
    if kept is None:
        return make()
    found = key()
    data = kept.feed_part(found)
    if data is None:
        data = make()
        kept.remember_feed_part(found, data)
    return data


def entry_bytes(
    cfg: Config,
    made: Made | None,
    kept: Kept | None,
    kind: str,
    rp: RenderedPost,
    make: Callable[[Config, RenderedPost], bytes],
) -> bytes:
    """Return `rp`'s entry in one format: made once in this process for all its feeds, and
    made at all only when no earlier build kept it."""
    if (known := _made_before(made, rp)) is None:
        known = kept_or_made(
            kept,
            lambda: part_key(cfg, kind, entry_made_from(rp), rp.html_utf8),
            lambda: make(cfg, rp),
        )
        if made is not None:
            made[id(rp)] = (rp, known)
    return known
