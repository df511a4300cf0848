"""The preview's HTTP server: the page, the digest and the feeds answered from the site kept
warm (feedkit/web/warm.py), and /events, which tells an open page to reload when the files it
was made from change. It answers only to the loopback names.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import jinja2

from feedkit.errors import FeedkitError
from feedkit.site.render import load_renderers
from feedkit.web.preview import (
    CONTENT_TYPES,
    error_page,
    page_environment,
    render_page,
    site_digest,
)
from feedkit.web.warm import WarmSite

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
                preview = site_digest(site, now)
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

    def stop_soon(self, signum: int, frame: object) -> None:
        """Stop serving between requests (a signal handler: SIGTERM, SIGHUP, Ctrl+C); a
        second signal before it stopped stops it at once, with KeyboardInterrupt.

        Not an exception where the signal lands, as Ctrl+C's is: the server thread may be
        starting a request's thread then, and socketserver closes that request as the
        exception passes, under the thread about to read it (a traceback on the writer's
        terminal, "Bad file descriptor")."""
        if self.stopping:
            raise KeyboardInterrupt
        self.stopping = True
        threading.Thread(target=self.shutdown, name="preview-stop", daemon=True).start()

    stopping = False

    def server_close(self) -> None:
        super().server_close()
        # Also called by the socket server's own __init__ when the port is taken, before
        # `make_server` gave it its site (which it closes itself then): an AttributeError
        # hid the "cannot listen" message behind a traceback.
        if (site := getattr(self, "site", None)) is not None:
            site.close()


def make_server(
    config_path: Path,
    clock: Callable[[], datetime],
    port: int = 8000,
    host: str = "127.0.0.1",
    poll: float | None = None,
) -> PreviewServer:
    """Return a preview server bound to `host:port` (port 0: any free port), with the site
    read; `poll`: check the files every that many seconds, not on the system's events."""
    site = WarmSite(config_path, poll, partial(prepare, clock=clock))
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


def prepare(site: WarmSite, clock: Callable[[], datetime]) -> None:
    """Import what renders feeds, compile the page's templates, and warm the digest's
    renderer up at `clock()` (lock held): what the first page takes that needs no post. The
    digest's first inlining parses its stylesheet (cssutils compiles ~270 patterns at first
    use); premailer keeps the parse, by the stylesheet's text, for the digest of the posts,
    and the site's render cache keeps it for the next start."""
    assert site.cfg is not None
    load_renderers(site.cfg)
    try:
        for name in ("preview.html.j2", "preview_post.html.j2"):
            page_environment(site.cfg.language).get_template(name)
    except jinja2.TemplateError:  # the page says what is wrong
        return
    site.renderer().warm_up(clock())


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
