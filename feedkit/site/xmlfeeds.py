"""Rendered posts → Atom 1.0 and RSS 2.0 bytes, made with feedgen: a feed's head once, each
entry on its own, spliced where feedgen writes its entries (identical for identical input);
an entry's content put in where feedgen wrote a mark for it (feedkit/site/entrycontent.py)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from feedkit.asciiurl import atom_id
from feedkit.config import Config
from feedkit.models import RenderedPost
from feedkit.site.entrycontent import Content, atom_content, rss_content, with_content
from feedkit.site.feedparts import (
    GENERATOR,
    TEMPLATE_BRACE,
    FeedInfo,
    Kept,
    Made,
    author_dicts,
    entry_bytes,
    feed_updated,
    kept_or_made,
    part_key,
    with_stylesheet,
)

if TYPE_CHECKING:  # feedgen (with dateutil and lxml) is imported only to make something
    from feedkit.site.feedgenlib import FeedEntry, FeedGenerator


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
    updated, images = feed_updated(posts, fallback_updated), _has_images(posts)

    def empty() -> bytes:  # the feed without entries: its head and tail
        head = atom_head(cfg, info, updated, images).atom_str(pretty=True)
        if _LOOKS_LIKE_HTML.search(info.title) or _LOOKS_LIKE_HTML.search(info.description):
            head = html_where_it_looks_so(head)  # parsed again only then
        return with_stylesheet(head, cfg)

    head = kept_or_made(kept, lambda: part_key(cfg, "atom-feed", (info, updated, images)), empty)
    entries = [entry_bytes(cfg, made, kept, "atom", rp, atom_entry) for rp in posts]
    return _splice(head, _ATOM_TAIL, entries)


def atom_head(
    cfg: Config, info: FeedInfo, updated: datetime, images: bool = False
) -> FeedGenerator:
    """Return feedgen's Atom feed for `info`, with no entries yet; with `images`, ready for
    entries with one (see `_add_image`)."""
    from feedkit.site.feedgenlib import FeedGenerator

    fg = FeedGenerator()
    if images:
        _media(fg, atom=True, rss=False)
    fg.id(atom_id(info.atom_url))
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


def atom_entry(cfg: Config, rp: RenderedPost) -> bytes:
    """Return one Atom entry's bytes as they stand in a feed, indented one level."""
    from lxml import etree

    from feedkit.site.feedgenlib import FeedEntry

    def written(fe: FeedEntry) -> bytes:
        root = etree.Element("feed", xmlns=ATOM_NS, nsmap=_MEDIA)  # as feedgen makes it
        entry = fe.atom_entry()
        for name in ("title", "summary"):
            _html_if_it_looks_so(entry.find(name))  # feedgen makes them in no namespace
        if language := rp.post.other_language(cfg.language):
            entry.set(_XML_LANG, language)
        root.append(entry)
        return TEMPLATE_BRACE.sub(b"&#123;", _only_child(root, 1, _ATOM_TAIL))

    fe = FeedEntry()
    content = fill_atom_entry(fe, cfg, rp)
    return with_content(fe, written, content)


def fill_atom_entry(fe: FeedEntry, cfg: Config, rp: RenderedPost) -> Content | None:
    """Set what an Atom entry of `rp` says on feedgen's `fe`; but its content, given as a
    mark where it can be put in after: return it (feedkit/site/entrycontent.py)."""
    post = rp.post
    fe.id(atom_id(post.id))
    fe.title(rp.headline)  # Atom needs one: an untitled post's is its text's first words
    fe.link(href=post.url, rel="alternate", type="text/html")
    fe.published(post.published)
    fe.updated(post.updated)
    fe.author(author_dicts(rp))
    for tag in post.tags:
        fe.category(term=tag)
    if rp.summary:
        fe.summary(rp.summary)
    _add_image(fe, post.image)
    return atom_content(fe, cfg, rp)


ATOM_NS = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# What the W3C validator takes for HTML in an Atom text construct of type "text", and warns
# at ("should not contain HTML unless declared in the type attribute"): an element's end tag
# (`</div>`), `&` before a name or a number (`&nbsp`, `&#160`), as in the plain text of a
# post about HTML (a summary quoting `<span style="color: red;">red</span>`).
_LOOKS_LIKE_HTML = re.compile(r"</\w+>|&#?\w")


def _html_if_it_looks_so(element: Any) -> bool:
    """Make an Atom title or summary of plain text that looks like HTML to the validator
    one of type "html", its text escaped once more: the same text to every reader. Return
    whether it did."""
    text = element.text if element is not None else None
    if text and element.get("type") in (None, "text") and _LOOKS_LIKE_HTML.search(text):
        element.set("type", "html")
        element.text = html.escape(text, quote=False)
        return True
    return False


_TEXT_CONSTRUCTS = tuple(f"{{{ATOM_NS}}}{name}" for name in ("title", "subtitle", "summary"))


def html_where_it_looks_so(document: bytes) -> bytes:
    """Return an Atom document as feedgen wrote it, with each title, subtitle and summary
    of plain text that looks like HTML to the validator made one of type "html"
    (`_html_if_it_looks_so`): a site titled "Notes on </div>" or "AT&amp;T's blog", and
    its tags' feeds. The same bytes when there is none."""
    from lxml import etree

    root = etree.fromstring(document)
    changed = [_html_if_it_looks_so(element) for element in root.iter(*_TEXT_CONSTRUCTS)]
    if not any(changed):
        return document
    made = etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True)
    return made + document[len(document.rstrip()) :]  # the line end after the root, kept


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

    _media(fe, atom=True, rss=True)
    content = {"url": image, "medium": "image"}
    # Python's own table, not the machine's mime.types: the same feed on every machine.
    kind = mimetypes.MimeTypes().guess_type(urlsplit(image).path)[0]
    if kind and kind.startswith("image/"):
        content["type"] = kind
    # Outside a media:group: the validator wants a group to hold several pictures.
    fe.media.content(content, group=None)
    fe.media.thumbnail({"url": image}, group=None)


def _media(made: FeedGenerator | FeedEntry, atom: bool, rss: bool) -> None:
    """Give a feed or an entry feedgen's Media RSS extension. (feedgen's `load_extension`
    first looks for a module `feedgen.ext.media_entry`, which does not exist: a search of
    the import path for every entry.)"""
    from feedgen.ext.media import MediaEntryExtension, MediaExtension

    from feedkit.site.feedgenlib import FeedEntry

    if isinstance(made, FeedEntry):
        made.register_extension("media", MediaEntryExtension, atom=atom, rss=rss)
    else:
        made.register_extension("media", MediaExtension, MediaEntryExtension, atom=atom, rss=rss)


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
    updated, images = feed_updated(posts, fallback_updated), _has_images(posts)

    def empty() -> bytes:
        rss = rss_head(cfg, info, updated, images).rss_str(pretty=True)
        return with_stylesheet(_numeric_references(_with_hub(rss, cfg), _RSS_CHANNEL_TEXT), cfg)

    head = kept_or_made(kept, lambda: part_key(cfg, "rss-feed", (info, updated, images)), empty)
    items = [entry_bytes(cfg, made, kept, "rss", rp, rss_item) for rp in posts]
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
    from feedkit.site.feedgenlib import FeedGenerator

    fg = FeedGenerator()
    from feedgen.ext.dc import DcEntryExtension, DcExtension

    fg.register_extension("dc", DcExtension, DcEntryExtension, atom=False, rss=True)
    if images:
        _media(fg, atom=False, rss=True)
    fg.title(info.title)
    # HTML to readers, as an item's is (feedparser's reading): "Vec<T>" escaped as HTML.
    fg.description(html.escape(info.description or info.title, quote=False))
    # RSS <channel><link> is the last link added: self first, the site last.
    fg.link(href=info.rss_url, rel="self", type="application/rss+xml")
    fg.link(href=info.home_url, rel="alternate")
    fg.language(cfg.language)
    fg.lastBuildDate(updated)
    fg.docs("https://www.rssboard.org/rss-specification")
    _generator(fg)
    return fg


def rss_item(cfg: Config, rp: RenderedPost) -> bytes:
    """Return one RSS item's bytes as they stand in a feed, indented two levels."""
    from feedgen.ext.dc import DcEntryExtension
    from lxml import etree

    from feedkit.site.feedgenlib import FeedEntry

    def written(fe: FeedEntry) -> bytes:
        root = etree.Element("rss", version="2.0", nsmap={**_RSS_NAMESPACES, **_MEDIA})
        etree.SubElement(root, "channel").append(fe.rss_entry())
        item = _only_child(root, 2, _RSS_TAIL)
        return TEMPLATE_BRACE.sub(b"&#123;", _numeric_references(item))

    fe = FeedEntry()
    fe.register_extension("dc", DcEntryExtension, atom=False, rss=True)
    content = fill_rss_item(fe, cfg, rp)
    return with_content(fe, written, content)


def fill_rss_item(fe: FeedEntry, cfg: Config, rp: RenderedPost) -> Content | None:
    """Set what an RSS item of `rp` says on feedgen's `fe` (with the dc extension loaded);
    but its content, given as a mark: return it (feedkit/site/entrycontent.py)."""
    post = rp.post
    if post.title:  # an untitled post's item has none, as RSS allows (and Pelican's)
        fe.title(post.title)
    fe.link(href=post.url)
    fe.guid(post.id, permalink=post.id == post.url)
    fe.pubDate(post.published)
    # RSS <author> must be an email address, an item has at most one (the W3C validator:
    # "item contains more than one author"), and the validator warns on an item with both
    # <author> and dc:creator: co-authors, or an author with no email, go in dc:creator. So
    # does one whose name cannot be the RFC 822 comment after the address (`a@b.org (Jo )`
    # is no address to the validator): a name with a parenthesis unmatched, or a backslash.
    authors = author_dicts(rp)
    if len(authors) == 1 and "email" in authors[0] and _a_comment(authors[0]["name"]):
        fe.author(authors)
    else:
        for author in post.authors:
            fe.dc.dc_creator(author.name)
    for tag in post.tags:
        fe.category(term=tag)
    _add_image(fe, post.image)
    # <description> is HTML to every RSS reader: the plain-text summary is escaped as HTML.
    fe.description(html.escape(rp.summary or rp.headline, quote=False))
    return rss_content(fe, cfg, rp)


def _a_comment(name: str) -> bool:
    """Return whether `name` can stand as it is in an RFC 822 comment, `(name)`: no
    backslash, each parenthesis matched."""
    depth = 0
    for char in name:
        depth += (char == "(") - (char == ")")
        if depth < 0 or char == "\\":
            return False
    return depth == 0


_RSS_PLAIN_TEXT = re.compile(rb"(<(title|category|dc:creator|author)(?: [^>]*)?>)([^<]*)(</\2>)")
# And the channel's description, HTML escaped once more (a tag feed's names the tag:
# "Vec<T>"), where the W3C validator takes `&amp;lt;` for HTML and `&#x26;lt;` for text.
_RSS_CHANNEL_TEXT = re.compile(rb"(<(title|description)(?: [^>]*)?>)([^<]*)(</\2>)")


def _numeric_references(xml: bytes, plain: re.Pattern[bytes] = _RSS_PLAIN_TEXT) -> bytes:
    """Return RSS with & and < in plain-text elements written as &#x26; and &#x3C;.

    RSS never said whether <title> is text or HTML, so readers guess; the numeric
    references are the one spelling every reader takes as the literal character (the RSS
    Advisory Board's advice, and the W3C validator warns on "&amp;" there).
    """

    def fix(m: re.Match[bytes]) -> bytes:
        text = m[3].replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
        return m[1] + text + m[4]

    return plain.sub(fix, xml)


def _generator(fg: FeedGenerator) -> None:
    # Pinned so feeds don't change when feedgen is upgraded.
    fg.generator(GENERATOR)  # no URI: feedkit has no home page of its own to point to


def _site_author(cfg: Config) -> dict[str, str]:
    author = {"name": cfg.author.name}
    if cfg.author.email:
        author["email"] = cfg.author.email
    if cfg.author.url:
        author["uri"] = cfg.author.url
    return author
