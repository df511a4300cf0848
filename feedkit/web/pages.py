"""What `feedkit serve` answers with: its pages, the headers every answer carries, a cap on
request bodies, and the limit on sign-ups from one IP address."""

from __future__ import annotations

import base64
import hashlib
from collections import deque
from collections.abc import Sequence
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from feedkit.i18n import language as words

MAX_BODY = 16 * 1024  # bytes: a sign-up form is a few hundred
# A body over MAX_BODY but not over this is read to its end, and dropped, before the 413: a
# client still sending when the connection closes with its bytes unread gets a reset, and
# often loses the answer with it. A larger one is answered without being read.
DRAIN_LIMIT = 1024 * 1024
ARCHIVE = "/archive"


def templates_dir() -> Path:
    return Path(str(resources.files("feedkit.web") / "templates"))


class Pages:
    """Renders the service's pages: plain HTML, one inline stylesheet, no script."""

    def __init__(self, title: str, language: str) -> None:
        folder = templates_dir()
        spoken = words(language)
        self.env = spoken.environment(  # the site's language
            loader=jinja2.FileSystemLoader(folder),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        self.style = (folder / "serve.css").read_text(encoding="utf-8")
        digest = hashlib.sha256(self.style.encode()).digest()
        self.style_hash = "sha256-" + base64.b64encode(digest).decode()
        # The pages are feedkit's words: in English where it has none in the site's language.
        self.common = {"title": title, "language": spoken.words_tag, "style": self.style}

    @property
    def policy(self) -> str:
        """The Content-Security-Policy of every page: nothing but its own stylesheet."""
        return (
            f"default-src 'none'; style-src '{self.style_hash}'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'"
        )

    def render(
        self,
        template: str,
        status: int = 200,
        headers: dict[str, str] | None = None,
        **values: Any,
    ) -> HTMLResponse:
        body = self.env.get_template(template).render(**self.common, **values)
        return HTMLResponse(body, status_code=status, headers=headers)

    def message(
        self,
        heading: str,
        paragraphs: Sequence[str],
        *,
        status: int = 200,
        link: str = "",
        link_text: str = "",
        headers: dict[str, str] | None = None,
    ) -> HTMLResponse:
        return self.render(
            "message.html.j2",
            status,
            headers,
            heading=heading,
            paragraphs=paragraphs,
            link=link,
            link_text=link_text,
        )


class SecurityHeaders:
    """Adds the headers every answer carries: its pages may only use their own stylesheet
    and post to the service, no page is framed, no link leaks a token as a Referer, and
    nothing with a token in its URL is cached."""

    def __init__(self, app: ASGIApp, policy: str) -> None:
        self.app = app
        self.page_headers = [
            (b"content-security-policy", policy.encode()),
            (b"cache-control", b"no-store"),
        ]
        # The digest archive is the digests' own HTML: inline styles, the posts' images.
        archive_policy = (
            "default-src 'none'; img-src https: data:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        )
        self.archive_headers = [(b"content-security-policy", archive_policy.encode())]
        # Its feed shows as a page by the stylesheet beside it (`/feed.xsl`), which a
        # browser loads as a script would be: that alone, from here.
        feed_policy = archive_policy + "; script-src-elem 'self'"
        self.archive_feed_headers = [(b"content-security-policy", feed_policy.encode())]
        self.common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        archive = path == ARCHIVE or path.startswith(ARCHIVE + "/")
        feed = archive and path.endswith(".xml")
        extra = self.common + (
            self.archive_feed_headers
            if feed
            else self.archive_headers
            if archive
            else self.page_headers
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                added = [(n, v) for n, v in extra if n not in names]
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RelativeRedirects:
    """Makes the slash redirects Starlette answers with (`archive` → `archive/`,
    `subscribe/` → `subscribe`) relative to the page asked for. Starlette writes them
    absolute, from the address the request reached: behind a proxy that serves the service
    under a path (`https://example.org/news/` → this service's `/`), that address lacks the
    path, and the redirect led out of the service (RFC 9110 allows a relative Location)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_relative(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in _REDIRECTS:
                headers = [
                    (name, _relative(value, path) if name == b"location" else value)
                    for name, value in message.get("headers", [])
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_relative)


_REDIRECTS = frozenset((301, 302, 303, 307, 308))


def _relative(location: bytes, path: str) -> bytes:
    """Return a redirect's `location` relative to the request's (decoded) `path` when it
    only adds or takes away the path's last slash; else as it is."""
    parts = urlsplit(location.decode("latin-1"))
    target = parts.path
    if target.endswith("/") and unquote(target[:-1]) == path:
        # "./" before a name with a colon: it would read as a scheme (RFC 3986, 4.2)
        relative = "./" + target[:-1].rsplit("/", 1)[1] + "/"
    elif path.endswith("/") and unquote(target) + "/" == path:
        relative = "../" + target.rsplit("/", 1)[1]
    else:
        return location
    return (relative + (f"?{parts.query}" if parts.query else "")).encode("latin-1")


class BodyLimit:
    """Answers 413 to a request whose body is over `limit` bytes, said or sent."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name != b"content-length":
                continue
            said = int(value) if value.isdigit() else None
            if said is None or said > self.limit:
                if said is not None and said <= DRAIN_LIMIT:
                    await _drain(receive, DRAIN_LIMIT)
                await _too_large(send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:  # a chunked body: the app's handler answers 413
                    if message.get("more_body", False):
                        await _drain(receive, DRAIN_LIMIT - received)
                    raise HTTPException(413, "Request body too large")
            return message

        await self.app(scope, limited_receive, send)


async def _drain(receive: Receive, budget: int) -> None:
    """Read and drop the rest of a request's body, up to about `budget` bytes."""
    while budget >= 0:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        budget -= len(message.get("body", b""))


async def _too_large(send: Send) -> None:
    body = b"Request body too large\n"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SlidingWindow:
    """At most `limit` hits per key within any `window`; kept in memory, for one process."""

    def __init__(self, limit: int, window: timedelta, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._hits: dict[str, deque[datetime]] = {}

    def allow(self, key: str, now: datetime) -> bool:
        """Count a hit for `key` at `now`; return whether it is within the limit."""
        cutoff = now - self.window
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self.max_keys:
                self._forget_before(cutoff)
            hits = self._hits[key] = deque()
        while hits and hits[0] <= cutoff:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def _forget_before(self, cutoff: datetime) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= cutoff]:
            del self._hits[key]
        while len(self._hits) >= self.max_keys:  # all recent: the oldest keys go first
            del self._hits[next(iter(self._hits))]
