"""Sent digests → web pages in the output folder: one page a digest, an index, an Atom feed.

A page is the digest's HTML as readers got it, with nothing of any reader in it: a digest
is rendered once with placeholders for each reader's values (see digest.py), and here
they get neutral ones, the unsubscribe link becoming a subscribe link. Every address is
made from the digest's record alone, so a mail can carry its web copy's link before the
page is written, and an issue's address never changes once published.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from feedkit import __version__
from feedkit.atomicfile import replace_together
from feedkit.config import XSL_NAME, Config
from feedkit.i18n import language
from feedkit.mail.bidi import isolate
from feedkit.mail.state import DigestRecord, State
from feedkit.mail.tokens import service_link
from feedkit.posts.sitezone import site_zone

if TYPE_CHECKING:
    from feedkit.mail.digest import DigestRenderer
    from feedkit.mail.rendercache import RenderCache

# Part of every page's key: change it when the pages made here change, so they are made again.
PAGE_FORMAT = "2"
INDEX = "index.html"
FEED = "atom.xml"
_DIGEST_ID = re.compile(r"\d{8}-\d{6}-([0-9a-f]{8})")  # snapshot.digest_id's: time, post hash


def issue_path(record: DigestRecord) -> str:
    """Return the digest's folder in the archive: its date and a short ID (2026-11-22-1a2b3c4d).

    The date is the one recorded, in the zone recorded, not the site's: a changed setting
    never moves a published issue.
    """
    found = _DIGEST_ID.fullmatch(record.id)
    short = found.group(1) if found else hashlib.sha256(record.id.encode()).hexdigest()[:8]
    return f"{record.created:%Y-%m-%d}-{short}"


def web_url(cfg: Config, record: DigestRecord) -> str:
    """Return the address of the digest's web copy; "" when `digest.archive` is off."""
    if not cfg.digest.archive:
        return ""
    return cfg.output_url(f"{cfg.digest.archive}/{issue_path(record)}/")


def subscribe_url(cfg: Config) -> str:
    """Return the sign-up page of `feedkit serve`; "" when `serve.url` is not set."""
    return service_link(cfg, "subscribe") if cfg.serve.url else ""


def refresh_archive(cfg: Config, render_cache: RenderCache | None = None) -> list[Path]:
    """Publish the archive from the site's state database, if it has one; return the files
    that changed (`render_cache`: where inlined HTML is kept, if anywhere)."""
    if not cfg.digest.archive:
        return []
    state = State.open_readonly(cfg.path(cfg.digest.state))
    if state is None:
        return []
    with state:
        return publish_archive(cfg, state, render_cache)


def publish_archive(
    cfg: Config, state: State, render_cache: RenderCache | None = None
) -> list[Path]:
    """Write a page for every digest that reached a reader, the index and the Atom feed of
    them; return the files that changed. A file that would not change is not touched."""
    records = state.sent_digests() if cfg.digest.archive else []
    if not records:
        return []
    folder = cfg.output_path / cfg.digest.archive
    templates = _templates_fingerprint(cfg)
    files: dict[Path, bytes] = {}
    renderer: DigestRenderer | None = None
    for record in records:
        path = folder / issue_path(record) / INDEX
        mark = f"<!-- feedkit web copy {_page_key(cfg, record, templates)} -->\n".encode()
        if _ends_with(path, mark):
            continue  # made from the same digest, templates and settings: spare the render
        if renderer is None:
            # Only now: premailer and its CSS stack take half a second to import, and a
            # build that finds every page made pays nothing for them.
            from feedkit.mail.digest import DigestRenderer

            renderer = DigestRenderer(cfg, web_copy=True, render_cache=render_cache)
        files[path] = web_page(cfg, record, renderer).encode() + mark
    # The index and the feed, likewise, only when what they show changed: their dates and
    # words need Babel, which a build with nothing new to publish does not load.
    mark = f"<!-- feedkit archive {_index_key(cfg, records)} -->\n".encode()
    if files or not _ends_with(folder / INDEX, mark) or not (folder / FEED).is_file():
        files[folder / INDEX] = index_page(cfg, records) + mark
        files[folder / FEED] = issues_feed(cfg, records)
    return replace_together(files)


def web_page(cfg: Config, record: DigestRecord, renderer: DigestRenderer) -> str:
    """Return the digest's HTML as readers got it, with no reader's name, address or link."""
    from feedkit.mail.placeholders import PLACEHOLDERS

    page = renderer.render(record).html
    subscribe = subscribe_url(cfg)
    words = language(cfg.language)
    # A site's own templates may still show the unsubscribe link on the web copy.
    href = re.escape(PLACEHOLDERS["unsubscribe_url"])
    link = re.compile(r'<a\b([^>]*?)\s*\bhref="' + href + r'"([^>]*)>.*?</a>', re.S)
    if subscribe:
        to = html.escape(subscribe)
        said = html.escape(words.gettext("Subscribe"))
        page = link.sub(lambda m: f'<a{m[1]} href="{to}"{m[2]}>{said}</a>', page)
    else:
        page = link.sub("", page)
    # What a web copy says where a mail says something of its reader.
    values: Mapping[str, str] = {"greeting": words.greeting(""), "unsubscribe_url": subscribe}
    for key, placeholder in PLACEHOLDERS.items():
        page = page.replace(placeholder, html.escape(values.get(key, "")))
    return page


def index_page(cfg: Config, records: Sequence[DigestRecord]) -> bytes:
    """Return the archive's index: every issue, newest first, with its posts.

    Links to the issues and the feed are relative, so the folder works wherever it is
    served: under the site's own address, or at `feedkit serve`'s /archive/.
    """
    e = html.escape
    words = language(cfg.language)
    # The page speaks feedkit's words (English where it has none in the site's language);
    # the site's own title, description and posts keep the site's language.
    own = f' lang="{e(cfg.language)}"' if words.words_tag != cfg.language else ""
    title = words.gettext("%(site)s: past digests") % {"site": cfg.title}
    subscribe = subscribe_url(cfg)
    items = []
    for record in records:
        day = words.day(record.created, site_zone(cfg), long=True)
        posts = "".join(f'<li><a href="{e(p.url)}">{e(p.title)}</a></li>\n' for p in record.posts)
        count = len(record.posts)
        counted = words.ngettext("%(count)s post", "%(count)s posts", count)
        counted %= {"count": words.number(count)}
        items.append(
            f'<li><a href="{e(quote(issue_path(record)))}/">'
            f'<time datetime="{e(record.created.isoformat())}">'
            f"{e(day)}</time></a> · {e(counted)}\n"
            f"<ul{own}>\n{posts}</ul></li>\n"
        )
    feed_link = words.gettext("Atom feed of the digests")
    links = f'<a href="atom.xml">{e(feed_link)}</a>'
    if subscribe:
        subscribe_link = words.gettext("Subscribe by email")
        links = f'<a href="{e(subscribe)}">{e(subscribe_link)}</a> · ' + links
    site_link = f'<a href="{e(cfg.base_url)}"{own}>{e(cfg.title)}</a>'
    heading = e(words.gettext("Past digests of %(site)s")) % {"site": site_link}
    about = f"<p{own}>{e(cfg.description)}</p>\n" if cfg.description else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{e(words.words_tag)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{e(title)}</title>\n"
        f'<link rel="alternate" type="application/atom+xml" title="{e(title)}" href="{FEED}">\n'
        "<style>body{font-family:system-ui,sans-serif;line-height:1.5;max-width:40rem;"
        "margin:2rem auto;padding:0 1rem;overflow-wrap:anywhere}ol>li{margin:1rem 0}"
        "@media (prefers-color-scheme:dark){body{background:#1b1b1b;color:#e8e8e8}"
        "a{color:#8ab4f8}a:visited{color:#c58af9}}</style>\n"
        "</head>\n<body>\n<main>\n"
        f"<h1>{heading}</h1>\n"
        f"{about}<p>{links}</p>\n"
        f'<ol class="issues">\n{"".join(items)}</ol>\n'
        "</main>\n</body>\n</html>\n"
    ).encode()


def issues_feed(cfg: Config, records: Sequence[DigestRecord]) -> bytes:
    """Return the Atom feed of the issues, newest first; its times are the digests' own."""
    # Here, not at the top: a digest imports this module for its links, and a dry run or a
    # send that writes no archive has no use for feedgen and dateutil (about 20 ms).
    from feedkit.site.feedgenlib import FeedGenerator
    from feedkit.site.feedparts import GENERATOR, with_stylesheet_at
    from feedkit.site.xmlfeeds import html_where_it_looks_so

    folder = cfg.output_url(cfg.digest.archive + "/")
    self_url = folder + FEED
    fg = FeedGenerator()
    fg.id(self_url)
    words = language(cfg.language)
    fg.title(words.gettext("%(site)s: past digests") % {"site": cfg.title})
    said = words.gettext("Each digest of new posts mailed to the readers of %(site)s")
    fg.subtitle(said % {"site": cfg.title})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=folder, rel="alternate", type="text/html")
    fg.language(cfg.language)
    author = {"name": cfg.author.name}
    if cfg.author.email:
        author["email"] = cfg.author.email
    if cfg.author.url:
        author["uri"] = cfg.author.url
    fg.author(author)
    fg.updated(records[0].created)
    fg.generator(GENERATOR)
    e = html.escape
    as_mailed = words.gettext("The digest as mailed")
    for record in records:
        day = words.day(record.created, site_zone(cfg), long=True)
        url = web_url(cfg, record)
        fe = fg.add_entry(order="append")
        fe.id(url)
        titles = " · ".join(isolate(p.title) for p in record.posts)
        fe.title(words.gettext("%(date)s: %(titles)s") % {"date": day, "titles": titles})
        fe.link(href=url, rel="alternate", type="text/html")
        fe.published(record.created)
        fe.updated(record.created)
        posts = "".join(f'<li><a href="{e(p.url)}">{e(p.title)}</a></li>' for p in record.posts)
        mailed = f'<p><a href="{e(url)}">{e(as_mailed)}</a></p>'
        fe.content(f"<ul>{posts}</ul>{mailed}", type="html")
    feed = html_where_it_looks_so(fg.atom_str(pretty=True))
    # The page a browser shows a feed with, as the site's feeds have it: found from the
    # folder's place (the site's feed.xsl on the blog, feedkit serve's at its /archive/).
    up = "../" * len(cfg.digest.archive.strip("/").split("/"))
    return b"".join(with_stylesheet_at(feed, up + XSL_NAME))


def _page_key(cfg: Config, record: DigestRecord, templates: str) -> str:
    """Return what a web copy is made from, hashed: the digest, the templates, the settings."""
    made_from = [
        PAGE_FORMAT,
        record.id,
        record.created.isoformat(),
        [asdict(p) for p in record.posts],
        templates,
        cfg.title,
        cfg.base_url,
        cfg.description,
        cfg.language,
        language(cfg.language).stamp,
        cfg.feed.atom,
        str(site_zone(cfg)),
        cfg.digest.max_bytes,
        cfg.digest.archive,
        cfg.serve.url,
    ]
    return hashlib.sha256(json.dumps(made_from).encode()).hexdigest()[:32]


def _index_key(cfg: Config, records: Sequence[DigestRecord]) -> str:
    """Return what the archive's index and feed are made from, hashed."""
    made_from = [
        PAGE_FORMAT,
        "index 2",  # a stylesheet for the feed, dark mode, lang: written again once
        __version__,  # another feedkit may write the index and the feed otherwise
        [[r.id, r.created.isoformat(), [[p.title, p.url] for p in r.posts]] for r in records],
        [cfg.title, cfg.base_url, cfg.description, cfg.language, str(site_zone(cfg))],
        [cfg.author.name, cfg.author.email, cfg.author.url],
        [cfg.digest.archive, cfg.serve.url, language(cfg.language).stamp],
    ]
    return hashlib.sha256(json.dumps(made_from).encode()).hexdigest()[:32]


def _templates_fingerprint(cfg: Config) -> str:
    """Return a hash of every email template file, the site's own and feedkit's."""
    digest = hashlib.sha256()
    site = cfg.path(cfg.digest.templates)
    default = Path(str(resources.files("feedkit.email_templates")))
    for which, folder in (("site", site), ("default", default)):
        digest.update(f"\0{which}\0".encode())
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _ends_with(path: Path, mark: bytes) -> bool:
    try:
        with open(path, "rb") as page:
            page.seek(0, 2)
            size = page.tell()
            page.seek(max(0, size - len(mark)))
            return page.read() == mark
    except OSError:
        return False  # missing, or no file: made again, and writing it says what is wrong
