"""The local preview's pages: the next digest and the feeds exactly as readers will get them.

The posts are read once and kept warm (feedkit/web/warm.py): a save re-reads what changed,
and the page, which listens at /events (feedkit/web/previewserver.py), reloads itself. It
never sends mail and never writes state.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import jinja2
from markupsafe import Markup

from feedkit.config import Config
from feedkit.errors import ContentError, FeedkitError, Problem
from feedkit.i18n import language
from feedkit.mail.digest import (
    SAMPLE_READER,
    DigestRenderer,
    RenderedDigest,
    format_day,
)
from feedkit.mail.sending import next_record
from feedkit.mail.snapshot import full_post_warnings
from feedkit.mail.state import PostSnapshot, State
from feedkit.mail.wire import html_sent_size, wire_bytes
from feedkit.models import Post, listed_title
from feedkit.posts.plaintext import measure
from feedkit.site.postindex import read_index, reader_cache
from feedkit.web.warm import WarmSite

# The list of every post, a page at a time: newest first, so the posts being written are on
# the first page; at 20,000 posts the whole list would be 6 MB, and a reading time each.
POSTS_PER_PAGE = 100
CONTENT_TYPES = {
    ".xml": "application/xml; charset=utf-8",  # browsers display it (and apply feed.xsl)
    ".json": "application/feed+json; charset=utf-8",
    ".xsl": "application/xslt+xml; charset=utf-8",
}


@dataclass(frozen=True)
class DigestPreview:
    why: str
    rendered: RenderedDigest
    message: EmailMessage
    warnings: tuple[Problem, ...] = ()  # its images in full that mail programs do not show

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return str(part.get_content())

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())


def preview_digest(
    cfg: Config,
    public: Sequence[Post],
    now: datetime,
    renderer: DigestRenderer | None = None,
    kept: dict[tuple[str, str], PostSnapshot] | None = None,
) -> DigestPreview:
    """Return the next digest of the `public` posts (newest first) as a made-up reader would
    get it; nothing is changed. `renderer`: one made with `sample_links`, kept from before;
    `kept`: the posts' snapshots made before (see `make_record`)."""
    state = State.open_readonly(cfg.path(cfg.digest.state))
    try:
        record, why = next_record(cfg, state, public, now, kept=kept)
    finally:
        if state is not None:
            state.close()
    # A made-up reader: the page is for the author, and shows no subscriber's address or
    # working unsubscribe link (its token is that of reader@example.com, which nobody has).
    renderer = renderer or DigestRenderer(cfg, sample_links=True)
    rendered = renderer.render(record)
    message = renderer.message(rendered, record, SAMPLE_READER)
    warned = full_post_warnings(record.posts[: rendered.cards], public)
    return DigestPreview(why, rendered, message, tuple(warned))


def site_digest(site: WarmSite, now: datetime) -> DigestPreview:
    """Return `preview_digest` of the warm site at `now` (lock held), with its renderer and
    the snapshots its pages made before."""
    assert site.cfg is not None
    return preview_digest(site.cfg, site.public(now), now, site.renderer(), site.snapshots(now))


def preview_text(cfg: Config, now: datetime) -> str:
    """Return the next digest's subject and text part, as `feedkit preview --text` prints."""
    index = read_index(cfg, reader_cache(cfg))  # only changed files are read
    preview = preview_digest(cfg, index.public(now), now)
    return f"Subject: {preview.rendered.subject}\n({preview.why})\n\n{preview.text}"


@functools.cache
def page_environment(tag: str) -> jinja2.Environment:
    """Return the preview page's templates, speaking the language `tag` (one a process,
    unless its feedkit.toml changes language)."""
    return language(tag).environment(
        loader=jinja2.PackageLoader("feedkit", "static"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(site: WarmSite, now: datetime, page: int = 1) -> str:
    """Return the preview page: next digest, feed as a reader lists it, and page `page` of
    the list of every post."""
    cfg, loaded = site.cfg, site.loaded
    assert cfg is not None and loaded is not None
    words = language(cfg.language)
    plan = site.plan(now)
    digest: dict[str, Any] | None = None
    digest_error = None
    digest_warnings: tuple[Problem, ...] = ()
    try:
        preview = site_digest(site, now)
        digest_warnings = preview.warnings
        digest = {
            "why": preview.why,
            "subject": preview.rendered.subject,
            "headers": raw_header_lines(preview.message),
            "text": preview.text,
            "size_text": words.number(html_sent_size(preview.message)),
            "decoded_text": words.number(len(preview.html.encode())),
            "max_bytes_text": words.number(cfg.digest.max_bytes),
            "cards": preview.rendered.cards,
            "overflow": preview.rendered.overflow,
        }
    except FeedkitError as exc:
        digest_error = str(exc)
    # The list of posts is most of the page: made again only when the posts change or one
    # of them comes out.
    total = len(loaded.posts)
    pages = max(1, -(-total // POSTS_PER_PAGE))
    page = min(max(page, 1), pages)
    posts = site.memo(("posts", site.visible(now), page), lambda: post_list(site, now, page))
    entries = [
        {
            "title": e.headline,  # an untitled post's: its text's first words, as in Atom
            "url": e.post.url,
            "summary": e.summary,
            "date": format_day(e.post.published, cfg),
        }
        for e in plan.entries
    ]
    return (
        page_environment(cfg.language)
        .get_template("preview.html.j2")
        .render(
            site=cfg,
            digest=digest,
            digest_error=digest_error,
            entries=entries,
            posts=posts,
            total=total,
            total_text=words.number(total),
            page=page,
            pages=pages,
            first_text=words.number((page - 1) * POSTS_PER_PAGE + 1),
            last_text=words.number(min(page * POSTS_PER_PAGE, total)),
            warnings=[str(w) for w in plan.warnings + digest_warnings],
            now=now.isoformat(timespec="seconds"),
            token=site.token,
        )
    )


def post_list(site: WarmSite, now: datetime, page: int = 1) -> Markup:
    """Return page `page` of the list of every post (lock held), reading times counted for
    the posts it shows; each post's item is made again only when the post, its status or
    its reading time changed."""
    cfg, loaded = site.cfg, site.loaded
    assert cfg is not None and loaded is not None
    template = page_environment(cfg.language).get_template("preview_post.html.j2")
    shown = loaded.posts[(page - 1) * POSTS_PER_PAGE : page * POSTS_PER_PAGE]
    site.reading_times.count_minutes(reading_minutes, shown)
    words = language(cfg.language)
    draft, scheduled = words.gettext("draft"), words.gettext("scheduled")
    items = []
    for post in shown:
        status = draft if post.draft else scheduled if post.published > now else ""
        minutes = site.reading_times.minutes(post, reading_minutes)

        def item(post: Post = post, status: str = status, minutes: int | str = minutes) -> str:
            many = minutes if isinstance(minutes, int) else 2  # "?": not counted
            read = words.ngettext("%(count)s min read", "%(count)s min read", many)
            read %= {"count": minutes}
            line = (
                f"{format_day(post.published, cfg)} | {read} | "
                f"{words.names([a.name for a in post.authors])}"
            )
            return (
                template.render(
                    p={
                        "title": listed_title(post),
                        "url": post.url,
                        "status": status,
                        "path": post.rel_path,
                        "line": line,
                    }
                )
                + "\n"
            )

        items.append(site.row(post, (status, minutes), item))
    return Markup("".join(items))


def reading_minutes(text: str) -> int:
    return measure(text)[1]


# The boundary of the preview's parts: each copy sent has a random one of its own, and the
# page would change on every render with it. "=_" is in no quoted-printable or base64 text.
PREVIEW_BOUNDARY = "=_feedkit_preview_boundary"


def raw_header_lines(message: EmailMessage) -> str:
    """Return the message's header fields exactly as sent (folds as line breaks), not
    decoded: every one (Precedence, MIME-Version and Content-Type were left out), the
    parts' boundary the preview's own."""
    if message.is_multipart() and message.get_boundary() is None:
        message.set_boundary(PREVIEW_BOUNDARY)
    head = wire_bytes(message).split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    return head.replace("\r\n", "\n") + "\n"


def error_page(exc: FeedkitError, token: str) -> str:
    lines = [str(p) for p in exc.problems] if isinstance(exc, ContentError) else [str(exc)]
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
    return (
        "<!doctype html><meta charset=utf-8><title>feedkit preview: problems</title>"
        f"<h1>Fix these, then reload</h1><ul>{items}</ul>{reload_script(token)}"
    )


def reload_script(token: str) -> str:
    """Return the tag that reloads the page when the files it was made from change."""
    return f'<script src="/reload.js" data-token="{html.escape(token)}"></script>\n'
