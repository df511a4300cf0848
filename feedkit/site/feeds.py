"""Rendered posts → Atom, RSS 2.0 and JSON Feed 1.1 bytes, identical for identical input."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urlsplit

from feedkit.config import XSL_NAME, Config
from feedkit.models import Post, RenderedPost
from feedkit.posts.loader import Progress

if TYPE_CHECKING:  # feedgen (with dateutil and lxml) is imported only to make something
    from feedgen.entry import FeedEntry
    from feedgen.feed import FeedGenerator

GENERATOR = "feedkit"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class FeedInfo:
    """What one feed is: its title, where it lives, and which page it stands for."""

    title: str
    description: str
    home_url: str  # the HTML page the feed stands for
    atom_url: str  # where each format is published: its self link
    rss_url: str
    json_url: str


# One feed to make: what it is, its Atom, RSS and JSON Feed file paths, its entries.
FeedJob = tuple[FeedInfo, tuple[str, str, str], Sequence[RenderedPost]]
# Each post's entry bytes in one format, for the next feed the post is in (the site's and
# each of its tags'): by the post's id(), the post kept with it so that no other takes that id.
Made = dict[int, tuple[RenderedPost, bytes]]
T = TypeVar("T")


class Kept(Protocol):
    """Where feed entries' and feed heads' bytes are kept from one build to the next (the
    build cache), by a key that hashes everything they are made from (see `_key`)."""

    def feed_part(self, key: str) -> bytes | None: ...

    def remember_feed_part(self, key: str, data: bytes) -> None: ...


WRITING = "making feeds"  # what `progress` is told while feeds are made
PARALLEL_FROM = 4  # feeds: fewer (no tag feeds, or a few) are made here, without a fork


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
) -> dict[str, str | None]:
    """Make the files `render_feeds` returns (`kept` as there), and stage each under
    `out_dir` as soon as it is made, by the process that made it (see
    feedkit.atomicfile.stage): return each file's temp file by path, None for a file that
    holds its bytes already. Only names come back from the child, and no process holds more
    than the file it is making. On failure, no temp file is left, nor a folder made for
    one. `progress` is told how many feeds are made.
    """
    from feedkit.atomicfile import remove_temps, stage

    def put(name: str, data: bytes) -> str | None:
        return stage(out_dir / name, data)

    try:
        return _make_feeds(cfg, jobs, now, put, progress, kept)
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
) -> dict[str, T]:
    """Return put(path, bytes) for each file of the feeds in `jobs` (see render_feeds),
    called in the process that made the file."""
    from feedkit import parallel

    # Each post's entries, made once in each process, and kept while a feed not yet made
    # has the post: `uses` counts those feeds, here and in the child alike.
    atom_made: Made = {}
    rss_made: Made = {}
    json_made: Made = {}
    uses = Counter(id(rp) for job in jobs for rp in job[2])

    # What a forked child makes is not kept: its bytes would have to come back to this
    # process, and a build with that many feeds holds enough at its peak already.
    if len(jobs) >= PARALLEL_FROM:
        kept = None

    def make(index: int) -> list[tuple[str, T]]:
        info, (atom, rss, json_feed), posts = jobs[index]
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
            for made in (atom_made, rss_made, json_made):
                for key in done + ([id(rp)] if uses[id(rp)] == 0 else []):
                    made.pop(key, None)
        return out

    if len(jobs) < PARALLEL_FROM:
        parts = [make(index) for index in range(len(jobs))]
    else:  # in groups of one feed, or a few when there are more than a queue holds
        size = -(-len(jobs) // parallel.MAX_PARTS)
        groups = [range(start, min(start + size, len(jobs))) for start in range(0, len(jobs), size)]

        def done(parts: int) -> None:
            if progress is not None:
                progress(WRITING, min(parts * size, len(jobs)), len(jobs))

        parts = parallel.shared(
            len(groups), lambda g: [f for i in groups[g] for f in make(i)], on_done=done
        )
    return {name: data for part in parts for name, data in part}


def _stylesheet_pi(cfg: Config) -> bytes:
    # Browsers only apply same-origin stylesheets: a path, not a full URL.
    href = urlsplit(cfg.base_url).path + XSL_NAME
    return f'<?xml-stylesheet type="text/xsl" href="{href}"?>\n'.encode()


# A `{` that opens `{{` or `{%`: template syntax to a site that runs feeds through its own
# templates. Feed HTML has it as `&#123;` already (feedkit.posts.expand.shield_braces);
# what is left (XHTML content, titles) is written as the same character reference in XML.
_TEMPLATE_BRACE = re.compile(rb"\{(?=[{%])")


def _with_stylesheet(xml: bytes, cfg: Config) -> bytes:
    head, sep, rest = xml.partition(b"?>\n")
    if not head.startswith(b"<?xml") or not sep:
        raise AssertionError("feedgen output lost its XML declaration")
    return head + sep + _stylesheet_pi(cfg) + _TEMPLATE_BRACE.sub(b"&#123;", rest)


def distinct_updated(posts: Sequence[RenderedPost]) -> list[RenderedPost]:
    """Return `posts` (newest first) with no two `updated` times the same.

    Posts of one day without a time share its midnight, and the W3C validator warns on two
    entries updated at one instant. The newest keeps its time; each later one that meets a
    time already given gets the next free second. Counting from the newest, a post that
    leaves the bottom of the feed changes no other post's time.
    """
    taken: set[datetime] = set()
    out: list[RenderedPost] = []
    for rp in posts:
        updated = rp.post.updated
        while updated in taken:
            updated += timedelta(seconds=1)
        taken.add(updated)
        out.append(rp if updated == rp.post.updated else _with_updated(rp, updated))
    return out


def _with_updated(rp: RenderedPost, updated: datetime) -> RenderedPost:
    return replace(rp, post=replace(rp.post, updated=updated))


def _feed_updated(posts: Sequence[RenderedPost], fallback: datetime) -> datetime:
    return max((rp.post.updated for rp in posts), default=fallback)


def _author_dicts(rp: RenderedPost) -> list[dict[str, str]]:
    out = []
    for author in rp.post.authors:
        entry = {"name": author.name}
        if author.email:
            entry["email"] = author.email
        if author.url:
            entry["uri"] = author.url
        out.append(entry)
    return out


def _generator(fg: FeedGenerator) -> None:
    # Pinned so feeds don't change when feedgen is upgraded.
    fg.generator(GENERATOR)  # no URI: feedkit has no home page of its own to point to


def _made_before(made: Made | None, rp: RenderedPost) -> bytes | None:
    known = made.get(id(rp)) if made is not None else None
    return known[1] if known is not None and known[0] is rp else None


@lru_cache(maxsize=4)  # a Config is hashed by identity: one repr for all its feeds' parts
def _settings(cfg: Config) -> bytes:
    return hashlib.sha256(repr(cfg).encode()).digest()


def _key(cfg: Config, kind: str, made_from: object, text: bytes = b"") -> str:
    """Return the key a feed part (an entry or a head in one format) is kept by: a hash of
    every setting, the kind of part, and the repr of all it is made from (for an entry, the
    post with the `updated` its feed gives it, its summary, and `text`, its HTML)."""
    digest = hashlib.sha256(_settings(cfg))
    digest.update(repr((kind, made_from)).encode())
    digest.update(text)
    return f"{kind}:{digest.hexdigest()}"


# What of a post its entries are made from: every field but `extra`, the front matter keys
# feedkit does not use, which no entry shows and whose repr may never end (a YAML alias
# bomb is small in memory, not written out).
_ENTRY_FIELDS = tuple(f.name for f in fields(Post) if f.name != "extra")


def _entry_made_from(rp: RenderedPost) -> tuple[object, ...]:
    """Return what `rp`'s entries are made from besides its HTML (see `_key`)."""
    return (*(getattr(rp.post, name) for name in _ENTRY_FIELDS), rp.summary)


def _kept_or_made(kept: Kept | None, key: Callable[[], str], make: Callable[[], bytes]) -> bytes:
    """Return what `make` gives, or what `kept` holds by `key()` (found only when kept)."""
    if kept is None:
        return make()
    found = key()
    data = kept.feed_part(found)
    if data is None:
        data = make()
        kept.remember_feed_part(found, data)
    return data


def render_atom(
    cfg: Config,
    info: FeedInfo,
    posts: Sequence[RenderedPost],
    fallback_updated: datetime,
    made: Made | None = None,
    kept: Kept | None = None,
) -> bytes:
    """Return the Atom 1.0 document for `posts` (already newest first and limited); with
    `made`, each entry's bytes made once for every feed (see Made); with `kept`, taken from
    there when a build made them before (see Kept)."""
    updated, images = _feed_updated(posts, fallback_updated), _has_images(posts)

    def empty() -> bytes:  # the feed without entries: its head and tail
        return _with_stylesheet(atom_head(cfg, info, updated, images).atom_str(pretty=True), cfg)

    head = _kept_or_made(kept, lambda: _key(cfg, "atom-feed", (info, updated, images)), empty)
    entries = [_entry_bytes(cfg, made, kept, "atom", rp, _atom_entry) for rp in posts]
    return _splice(head, _ATOM_TAIL, entries)


def atom_head(
    cfg: Config, info: FeedInfo, updated: datetime, images: bool = False
) -> FeedGenerator:
    """Return feedgen's Atom feed for `info`, with no entries yet; with `images`, ready for
    entries with one (see `_add_image`)."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    if images:
        fg.load_extension("media", atom=True, rss=False)
    fg.id(info.atom_url)
    fg.title(info.title)
    if info.description:
        fg.subtitle(info.description)
    fg.link(href=info.atom_url, rel="self", type="application/atom+xml")
    if cfg.feed.hub:  # WebSub: where readers' services subscribe to be told of changes
        fg.link(href=cfg.feed.hub, rel="hub")
    fg.link(href=info.home_url, rel="alternate", type="text/html")
    fg.language(cfg.language)
    fg.author(_site_author(cfg))
    fg.updated(updated)
    _generator(fg)
    return fg


def _atom_entry(cfg: Config, rp: RenderedPost) -> bytes:
    """Return one Atom entry's bytes as they stand in a feed, indented one level."""
    from feedgen.entry import FeedEntry
    from lxml import etree

    fe = FeedEntry()
    fill_atom_entry(fe, cfg, rp)
    root = etree.Element("feed", xmlns=ATOM_NS, nsmap=_MEDIA)  # as feedgen makes it
    root.append(fe.atom_entry())
    return _TEMPLATE_BRACE.sub(b"&#123;", _only_child(root, 1, _ATOM_TAIL))


def fill_atom_entry(fe: FeedEntry, cfg: Config, rp: RenderedPost) -> None:
    """Set what an Atom entry of `rp` says on feedgen's `fe`."""
    post = rp.post
    fe.id(post.id)
    fe.title(post.title)
    fe.link(href=post.url, rel="alternate", type="text/html")
    fe.published(post.published)
    fe.updated(post.updated)
    fe.author(_author_dicts(rp))
    for tag in post.tags:
        fe.category(term=tag)
    if rp.summary:
        fe.summary(rp.summary)
    _add_image(fe, post.image)
    if cfg.feed.full_content:
        body = rp.html
        if "<math" in body:
            fe.content(xhtml(body), type="xhtml")
        else:
            fe.content(body, type="html")


ATOM_NS = "http://www.w3.org/2005/Atom"
# Media RSS: where feed readers (Feedly, Inoreader, NetNewsWire…) look for a post's picture,
# in Atom and RSS alike. A feed declares it only when an entry has an image, and an entry is
# made under a root that declares it, so that it never declares it itself.
MEDIA_NS = "http://search.yahoo.com/mrss/"
_MEDIA = {"media": MEDIA_NS}


def _has_images(posts: Sequence[RenderedPost]) -> bool:
    return any(rp.post.image for rp in posts)


def _add_image(fe: FeedEntry, image: str | None) -> None:
    """Give `fe` the post's image as Media RSS: the picture and its thumbnail."""
    if not image:
        return
    import mimetypes

    fe.load_extension("media", atom=True, rss=True)
    content = {"url": image, "medium": "image"}
    # Python's own table, not the machine's mime.types: the same feed on every machine.
    kind = mimetypes.MimeTypes().guess_type(urlsplit(image).path)[0]
    if kind and kind.startswith("image/"):
        content["type"] = kind
    # Outside a media:group: the validator wants a group to hold several pictures.
    fe.media.content(content, group=None)
    fe.media.thumbnail({"url": image}, group=None)


# The namespaces feedgen declares on an RSS feed with the dc extension: an item uses no other.
_RSS_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "atom": ATOM_NS,
    "content": "http://purl.org/rss/1.0/modules/content/",
}


def _only_child(root: Any, depth: int, tail: bytes) -> bytes:
    """Return the bytes of the one entry `depth` levels under `root` as they stand in a
    feed: lxml indents by depth, and an entry declares no namespace its feed's root does."""
    from lxml import etree

    one = etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True)
    start = 0
    for _ in range(depth):  # the start tags above it, a line each
        start = one.index(b"\n", start) + 1
    if not one.endswith(tail):
        raise AssertionError("lxml wrote an entry's feed that does not end as feedgen's")
    return one[start : -len(tail)]


# What follows the last entry (item) in feedgen's pretty-printed feeds.
_ATOM_TAIL = b"</feed>\n"
_RSS_TAIL = b"  </channel>\n</rss>\n"


def _splice(empty: bytes, tail: bytes, entries: Sequence[bytes]) -> bytes:
    """Return a feed document: its entries put where feedgen writes them, before `tail`."""
    if not empty.endswith(tail):
        raise AssertionError("feedgen wrote a feed that does not end as it did")
    return b"".join([empty[: -len(tail)], *entries, tail])


def _entry_bytes(
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
        known = _kept_or_made(
            kept,
            lambda: _key(cfg, kind, _entry_made_from(rp), rp.html_utf8),
            lambda: make(cfg, rp),
        )
        if made is not None:
            made[id(rp)] = (rp, known)
    return known


def xhtml(fragment: str) -> str:
    """Return an HTML fragment as XHTML, its MathML in the MathML namespace.

    Atom carries a post with math as XHTML: in escaped HTML, feed validators know no MathML
    and warn on every element of it; in XHTML each element says what it is.
    """
    from lxml import etree
    from lxml import html as lxml_html

    parts = lxml_html.fragments_fromstring(fragment)
    lead = html.escape(parts.pop(0), quote=False) if parts and isinstance(parts[0], str) else ""
    markup = lead + "".join(etree.tostring(part, encoding="unicode") for part in parts)
    # An HTML parser puts <math> in no namespace; the XML written from it names none.
    return markup.replace("<math ", f'<math xmlns="{MATHML_NS}" ').replace(
        "<math>", f'<math xmlns="{MATHML_NS}">'
    )


def render_rss(
    cfg: Config,
    info: FeedInfo,
    posts: Sequence[RenderedPost],
    fallback_updated: datetime,
    made: Made | None = None,
    kept: Kept | None = None,
) -> bytes:
    """Return the RSS 2.0 document for `posts` (already newest first and limited); with
    `made` and `kept`, each item's bytes as `render_atom` has its entries'."""
    updated, images = _feed_updated(posts, fallback_updated), _has_images(posts)

    def empty() -> bytes:
        rss = rss_head(cfg, info, updated, images).rss_str(pretty=True)
        return _with_stylesheet(_numeric_references(_with_hub(rss, cfg)), cfg)

    head = _kept_or_made(kept, lambda: _key(cfg, "rss-feed", (info, updated, images)), empty)
    items = [_entry_bytes(cfg, made, kept, "rss", rp, _rss_item) for rp in posts]
    return _splice(head, _RSS_TAIL, items)


_RSS_SELF_END = b' rel="self" type="application/rss+xml"/>\n'


def _with_hub(rss: bytes, cfg: Config) -> bytes:
    """Return an RSS feed with its WebSub hub as an atom:link after its self link (feedgen
    writes no other atom:link in RSS)."""
    if not cfg.feed.hub:
        return rss
    head, found, rest = rss.partition(_RSS_SELF_END)
    if not found:
        raise AssertionError("feedgen wrote an RSS feed without its self link")
    indent = head[head.rindex(b"\n") + 1 : head.rindex(b"<")]
    hub = html.escape(cfg.feed.hub).encode()
    return head + found + indent + b'<atom:link href="' + hub + b'" rel="hub"/>\n' + rest


def rss_head(cfg: Config, info: FeedInfo, updated: datetime, images: bool = False) -> FeedGenerator:
    """Return feedgen's RSS feed for `info`, with no items yet; with `images`, ready for
    items with one (see `_add_image`)."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    if images:
        fg.load_extension("media", atom=False, rss=True)
    fg.title(info.title)
    fg.description(info.description or info.title)
    # RSS <channel><link> is the last link added: self first, the site last.
    fg.link(href=info.rss_url, rel="self", type="application/rss+xml")
    fg.link(href=info.home_url, rel="alternate")
    fg.language(cfg.language)
    fg.lastBuildDate(updated)
    fg.docs("https://www.rssboard.org/rss-specification")
    _generator(fg)
    return fg


def _rss_item(cfg: Config, rp: RenderedPost) -> bytes:
    """Return one RSS item's bytes as they stand in a feed, indented two levels."""
    from feedgen.entry import FeedEntry
    from lxml import etree

    fe = FeedEntry()
    fe.load_extension("dc", atom=False, rss=True)
    fill_rss_item(fe, cfg, rp)
    root = etree.Element("rss", version="2.0", nsmap={**_RSS_NAMESPACES, **_MEDIA})
    etree.SubElement(root, "channel").append(fe.rss_entry())
    item = _only_child(root, 2, _RSS_TAIL)
    return _TEMPLATE_BRACE.sub(b"&#123;", _numeric_references(item))


def fill_rss_item(fe: FeedEntry, cfg: Config, rp: RenderedPost) -> None:
    """Set what an RSS item of `rp` says on feedgen's `fe` (with the dc extension loaded)."""
    from feedkit.posts.texmath import mathml_as_text

    post = rp.post
    fe.title(post.title)
    fe.link(href=post.url)
    fe.guid(post.id, permalink=post.id == post.url)
    fe.pubDate(post.published)
    # RSS <author> must be an email address, and the W3C validator warns on an item with
    # both <author> and dc:creator: when any co-author has no email, all go in dc:creator.
    authors = _author_dicts(rp)
    if all("email" in a for a in authors):
        fe.author(authors)
    else:
        for author in post.authors:
            fe.dc.dc_creator(author.name)
    for tag in post.tags:
        fe.category(term=tag)
    _add_image(fe, post.image)
    # <description> is HTML to every RSS reader: the plain-text summary is escaped as HTML.
    fe.description(html.escape(rp.summary or post.title, quote=False))
    if cfg.feed.full_content:
        # RSS has no XHTML form: feed validators warn on MathML in its HTML.
        fe.content(mathml_as_text(rp.html), type="html")


_RSS_PLAIN_TEXT = re.compile(rb"(<(title|category|dc:creator)(?: [^>]*)?>)([^<]*)(</\2>)")


def _numeric_references(xml: bytes) -> bytes:
    """Return RSS with & and < in plain-text elements written as &#x26; and &#x3C;.

    RSS never said whether <title> is text or HTML, so readers guess; the numeric
    references are the one spelling every reader takes as the literal character (the RSS
    Advisory Board's advice, and the W3C validator warns on "&amp;" there).
    """

    def fix(m: re.Match[bytes]) -> bytes:
        text = m[3].replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
        return m[1] + text + m[4]

    return _RSS_PLAIN_TEXT.sub(fix, xml)


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
    items = [_entry_bytes(cfg, made, kept, "json", rp, _json_item) for rp in posts]
    head = json.dumps(feed, ensure_ascii=False, indent=2).encode()
    # What json.dumps(indent=2) writes for the feed with its items, each item one level in.
    listed = b"[\n" + b",\n".join(items) + b"\n  ]" if items else b"[]"
    return head[:-2] + b',\n  "items": ' + listed + b"\n}\n"


def _json_item(cfg: Config, rp: RenderedPost) -> bytes:
    """Return a JSON Feed item's bytes as they stand in the feed's "items" list (UTF-8: as
    text, a post with one emoji takes four bytes a character)."""
    post = rp.post
    item: dict[str, Any] = {"id": post.id, "url": post.url, "title": post.title}
    if cfg.feed.full_content:
        item["content_html"] = rp.html
    else:
        item["content_text"] = rp.summary or post.title
    if rp.summary:
        item["summary"] = rp.summary
    if post.image:
        item["image"] = post.image
    item["date_published"] = post.published.isoformat()
    item["date_modified"] = post.updated.isoformat()
    item["authors"] = [_json_author(a.name, a.url) for a in post.authors]
    if post.tags:
        item["tags"] = list(post.tags)
    # Its lines indented two levels (no JSON string holds a line break of its own).
    text = "    " + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
    return text.encode()


def _json_author(name: str, url: str | None) -> dict[str, str]:
    return {"name": name, "url": url} if url else {"name": name}


def _site_author(cfg: Config) -> dict[str, str]:
    author = {"name": cfg.author.name}
    if cfg.author.email:
        author["email"] = cfg.author.email
    if cfg.author.url:
        author["uri"] = cfg.author.url
    return author
