"""The local preview: the next digest and the feeds exactly as readers will get them.

The posts are read once and kept warm (feedkit/web/warm.py): a save re-reads what changed,
and the page, which listens at /events, reloads itself. It never sends mail and never writes
state.
"""

from __future__ import annotations

import functools
import html
import re
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import jinja2
from markupsafe import Markup

from feedkit.config import Config
from feedkit.errors import ContentError, FeedkitError
from feedkit.i18n import language
from feedkit.mail.digest import (
    SAMPLE_READER,
    DigestRenderer,
    RenderedDigest,
    format_day,
)
from feedkit.mail.sending import next_record
from feedkit.mail.state import DigestRecord, State
from feedkit.mail.wire import html_sent_size, wire_bytes
from feedkit.models import Post
from feedkit.posts.markup import measure
from feedkit.site.postindex import read_index, reader_cache
from feedkit.site.render import load_renderers
from feedkit.web.warm import WarmSite

SHOWN_HEADERS = (
    "Subject",
    "From",
    "To",
    "Date",
    "Message-ID",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
)
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
    cfg: Config, public: Sequence[Post], now: datetime, renderer: DigestRenderer | None = None
) -> DigestPreview:
    """Return the next digest of the `public` posts (newest first) as a made-up reader would
    get it; nothing is changed. `renderer`: one made with `sample_links`, kept from before."""
    state = State.open_readonly(cfg.path(cfg.digest.state))
    try:
        record, why = next_record(cfg, state, public, now)
    finally:
        if state is not None:
            state.close()
    # A made-up reader: the page is for the author, and shows no subscriber's address or
    # working unsubscribe link (its token is that of reader@example.com, which nobody has).
    renderer = renderer or DigestRenderer(cfg, sample_links=True)
    rendered = renderer.render(record)
    return DigestPreview(why, rendered, renderer.message(rendered, record, SAMPLE_READER))


def preview_text(cfg: Config, now: datetime) -> str:
    """Return the next digest's subject and text part, as `feedkit preview --text` prints."""
    index = read_index(cfg, reader_cache(cfg))  # only changed files are read
    preview = preview_digest(cfg, index.public(now), now)
    return f"Subject: {preview.rendered.subject}\n({preview.why})\n\n{preview.text}"


@functools.cache
def _page(tag: str) -> jinja2.Environment:
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
    try:
        preview = preview_digest(cfg, site.public(now), now, site.renderer())
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
            "title": e.post.title,
            "url": e.post.url,
            "summary": e.summary,
            "date": format_day(e.post.published, cfg),
        }
        for e in plan.entries
    ]
    return (
        _page(cfg.language)
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
            warnings=[str(w) for w in plan.warnings],
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
    template = _page(cfg.language).get_template("preview_post.html.j2")
    shown = loaded.posts[(page - 1) * POSTS_PER_PAGE : page * POSTS_PER_PAGE]
    site.count_minutes(reading_minutes, shown)
    words = language(cfg.language)
    draft, scheduled = words.gettext("draft"), words.gettext("scheduled")
    items = []
    for post in shown:
        status = draft if post.draft else scheduled if post.published > now else ""
        minutes = site.minutes(post, reading_minutes)

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
                        "title": post.title,
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


def raw_header_lines(message: EmailMessage) -> str:
    """Return the shown header fields exactly as sent (folds as line breaks), not decoded."""
    head = wire_bytes(message).split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    fields = re.split(r"\r\n(?![ \t])", head)
    shown = {name.lower() for name in SHOWN_HEADERS}
    return "".join(
        f.replace("\r\n", "\n") + "\n" for f in fields if f.split(":", 1)[0].lower() in shown
    )


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


# The names this server answers to. Any other Host is a page elsewhere reaching it through
# DNS rebinding (a name of theirs that resolves to 127.0.0.1), which must read nothing.
_LOOPBACK_HOST = re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{1,5})?", re.I)


def host_refusal(hosts: list[str]) -> tuple[HTTPStatus, str] | None:
    """Return the status and reason to refuse a request with these Host values, or None.

    No Host, or more than one, is a malformed request: 400 (RFC 9112, 3.2). A well-formed
    Host this server does not answer to is 421 Misdirected Request (RFC 9110, 15.5.20):
    the request reached a server that will not answer for that name.
    """
    if not hosts:
        return HTTPStatus.BAD_REQUEST, "the request has no Host header"
    if len(hosts) > 1:
        return HTTPStatus.BAD_REQUEST, "the request has more than one Host header"
    if not _LOOPBACK_HOST.fullmatch(hosts[0].strip()):
        return (
            HTTPStatus.MISDIRECTED_REQUEST,
            "this preview answers only to 127.0.0.1, localhost and [::1]; open it at one of those",
        )
    return None


RELOAD_JS = "reload.js"
KEEPALIVE = 15.0  # seconds between comments on an idle event stream: a closed tab is noticed


class PreviewHandler(BaseHTTPRequestHandler):
    site: WarmSite
    clock: Callable[[], datetime]

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        refusal = host_refusal(self.headers.get_all("Host") or [])
        if refusal:
            status, reason = refusal
            body = f"{status.value} {status.phrase}: {reason}\n".encode()
            self._send(body, "text/plain; charset=utf-8", status)
            return
        path, _, query = self.path.partition("?")
        if path == "/events":
            self._events(parse_qs(query).get("since", [""])[0])
            return
        if path == "/" + RELOAD_JS:
            body = (Path(__file__).parent.parent / "static" / RELOAD_JS).read_bytes()
            self._send(body, "text/javascript; charset=utf-8")
            return
        site = self.site
        site.current()
        with site.lock:
            self._answer(path, site, parse_qs(query))

    def _answer(self, path: str, site: WarmSite, query: dict[str, list[str]]) -> None:
        try:
            if site.problem is not None:
                raise site.problem
            cfg, loaded = site.cfg, site.loaded
            assert cfg is not None and loaded is not None
            now = self.clock()
            if path in ("/", "/index.html"):
                page = query.get("posts", ["1"])[0]
                number = int(page) if page.isdigit() else 1
                self._send(render_page(site, now, number).encode(), "text/html; charset=utf-8")
            elif path in ("/digest.html", "/digest.txt"):
                preview = preview_digest(cfg, site.public(now), now, site.renderer())
                if path.endswith(".html"):
                    self._send(preview.html.encode(), "text/html; charset=utf-8")
                else:
                    self._send(preview.text.encode(), "text/plain; charset=utf-8")
            else:
                files = site.plan(now).files
                name = unquote(path.lstrip("/"))  # tags/%E4%B8%AD%E6%96%87/: tags/中文/
                if name not in files:
                    self._send(b"not found\n", "text/plain", HTTPStatus.NOT_FOUND)
                    return
                kind = CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream")
                self._send(files[name], kind)
        except FeedkitError as exc:
            self._send(
                error_page(exc, site.token).encode(),
                "text/html; charset=utf-8",
                HTTPStatus.INTERNAL_SERVER_ERROR,
            )

    def _events(self, since: str) -> None:
        """Send `reload` on this event stream once the files differ from those the page
        (made from the files named `since`) was made from."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        site = self.site
        try:
            while True:
                site.current()
                with site.changed:
                    moved = site.changed.wait_for(lambda: site.token != since, KEEPALIVE)
                if moved:
                    self.wfile.write(b"data: reload\n\n")
                    self.wfile.flush()
                    return
                self.wfile.write(b": still watching\n\n")
                self.wfile.flush()
        except OSError:  # the page was closed or reloaded
            return

    def _send(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # the CLI reports the address; request lines are noise


class PreviewServer(ThreadingHTTPServer):
    """The preview's HTTP server; `server_close` also stops watching the site's files."""

    site: WarmSite
    warming: threading.Thread  # makes the first page once serving, ahead of its request
    warmed: threading.Event  # set once it did

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        # Started here, not before: the address is announced at once, and the page is made
        # while the writer opens it.
        if self.warming.ident is None:
            self.warming.start()
        super().serve_forever(poll_interval)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that left while being answered (a page reloading, its frames unfinished)
        # is no error of the preview's: no traceback on the writer's terminal.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def server_close(self) -> None:
        super().server_close()
        self.site.close()


def make_server(
    config_path: Path,
    clock: Callable[[], datetime],
    port: int = 8000,
    host: str = "127.0.0.1",
    poll: float | None = None,
) -> PreviewServer:
    """Return a preview server bound to `host:port` (port 0: any free port), with the site
    read; `poll`: check the files every that many seconds, not on the system's events."""
    site = WarmSite(config_path, poll, prepare)
    handler = type("Handler", (PreviewHandler,), {"site": site, "clock": staticmethod(clock)})
    try:
        server = PreviewServer((host, port), handler)
    except OSError:
        site.close()
        raise
    server.site = site
    server.warmed = threading.Event()
    server.warming = threading.Thread(
        target=warm_up, args=(site, clock, server.warmed), name="preview-warm-up", daemon=True
    )
    return server


def prepare(site: WarmSite) -> None:
    """Import what renders feeds, compile the page's templates, and render a digest of no
    post (lock held): what the first page takes that needs no post. The digest's first
    inlining parses its stylesheet (cssutils compiles ~270 patterns at first use); premailer
    keeps the parse, by the stylesheet's text, for the digest of the posts."""
    assert site.cfg is not None
    load_renderers(site.cfg)
    try:
        for name in ("preview.html.j2", "preview_post.html.j2"):
            _page(site.cfg.language).get_template(name)
        site.renderer().render(DigestRecord("", datetime.fromtimestamp(0, UTC), None, ()))
    except (jinja2.TemplateError, FeedkitError):  # the page says what is wrong
        return


def warm_up(site: WarmSite, clock: Callable[[], datetime], done: threading.Event) -> None:
    """Make the page once, right after start, so that the first request finds the feed plan
    made, the posts of the first page counted and the digest's templates compiled (under
    the lock: a request waits for what it needs, and nothing it finds is older than the
    files; what changes meanwhile is read again first, as for a request)."""
    try:
        site.current()
        with site.lock:
            if site.problem is None:
                render_page(site, clock())
    except Exception:  # the first request shows what is wrong
        return
    finally:
        done.set()
