"""`feedkit serve`: sign-ups with double opt-in, confirmations, one-click unsubscribes, and
the digest archive, as a small ASGI service (Starlette on uvicorn) behind a reverse proxy.

Only POST changes anything. The database goes through worker threads
(feedkit/web/subscriptions.py); confirmation mails go out after the answer, from a queue
in the database (feedkit/web/confirmations.py), so no answer waits for the mail server.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from feedkit.config import XSL_NAME, Config
from feedkit.errors import ConfigError
from feedkit.i18n import N_, language
from feedkit.mail.confirmation import confirmation_sender
from feedkit.mail.identity import list_id
from feedkit.mail.sending import sender_factory
from feedkit.mail.subscribers import AddressError, Subscriber, mail_address
from feedkit.mail.tokens import Tokens, site_secret
from feedkit.mail.wire import CONTROL
from feedkit.site.xsl import xsl_stylesheet
from feedkit.web.confirmations import ConfirmationMailer
from feedkit.web.pages import (
    ARCHIVE,
    BodyLimit,
    Pages,
    RelativeRedirects,
    SecurityHeaders,
    SlidingWindow,
)
from feedkit.web.subscriptions import Service, Signup

log = logging.getLogger("feedkit.serve")
Clock = Callable[[], datetime]
MAX_NAME = 100


def serve_problems(cfg: Config) -> list[tuple[str, str]]:
    """Return every `(key, message)` that keeps `feedkit serve` from working; empty if none."""
    problems: list[tuple[str, str]] = []
    if cfg.serve.url is None:
        why = "is required: the links in confirmation mails point at it, e.g. "
        problems.append(("serve.url", why + 'url = "https://news.example.org/"'))
    for check in (
        lambda: confirmation_sender(cfg),
        lambda: list_id(cfg),
        lambda: sender_factory(cfg),
    ):
        try:
            check()
        except ConfigError as exc:
            problems.extend(exc.problems)
    return problems


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _client(request: Request) -> str:
    # uvicorn has put the X-Forwarded-For address here when the peer is a trusted proxy.
    return request.client.host if request.client is not None else ""


# The errors a reader may meet beside the pages' own, as the site's language says them.
HTTP_ERRORS = {
    405: N_("This page does not take that kind of request."),
    413: N_("What was sent is too large for this page."),
}


class Archive:
    """The digest archive's static files, once the digest has written them; 404 before."""

    def __init__(self, folder: Path | None, not_found: Callable[[], Response]) -> None:
        self.folder = folder
        self.files = StaticFiles(directory=folder, html=True, check_dir=False)
        self.not_found = not_found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.folder is None or not self.folder.is_dir():
            await self.not_found()(scope, receive, send)
            return
        await self.files(scope, receive, send)


def make_app(cfg: Config, clock: Clock, *, tokens: Tokens | None = None) -> Any:
    """Return the service as an ASGI app; `clock` gives the time of each request."""
    tokens = tokens or Tokens(site_secret(cfg))
    mailer = ConfirmationMailer(cfg, tokens, clock)
    service = Service(cfg, tokens, mailer)
    pages = Pages(cfg.title, cfg.language)
    per_ip = SlidingWindow(cfg.serve.signups_per_ip, cfg.serve.signup_window)
    words = language(cfg.language)
    _ = words.gettext
    within = words.duration(cfg.serve.confirm_within)
    site = {"site": cfg.title}

    def form(status: int = 200, email: str = "", name: str = "", error: str = "") -> Response:
        return pages.render(
            "subscribe.html.j2",
            status,
            heading=_("Subscribe"),
            root="",
            email=email,
            name=name,
            error=error,
        )

    def not_found() -> Response:
        return pages.message(_("Not found"), [_("There is no page here.")], status=404)

    def bad_link(again: str) -> Response:
        return pages.message(
            _("This link is not valid or has expired"),
            [again],
            status=400,
            link="../subscribe",
            link_text=_("Sign up again"),
        )

    bad_confirm = _(
        "Confirmation links work once, for %(time)s. If you still want the posts "
        "by email, please sign up again."
    ) % {"time": within}
    bad_unsubscribe = _(
        "Please use the unsubscribe link of the newest email you got from us. Signed up "
        "again since? Then that email's link is the one that works."
    )

    async def subscribe(request: Request) -> Response:
        if request.method != "POST":
            return form()
        posted = await request.form()
        now = clock()
        ip = _client(request)
        if not per_ip.allow(ip, now):
            log.warning("sign-up from %s refused: over serve.signups_per_ip", ip)
            window = str(int(cfg.serve.signup_window.total_seconds()))
            return pages.message(
                _("Too many sign-ups"),
                [_("Too many sign-ups came from your network. Please try again later.")],
                status=429,
                headers={"Retry-After": window},
            )
        email = _text(posted, "email").strip()
        name = " ".join(CONTROL.sub(" ", _text(posted, "name")).split())[:MAX_NAME].rstrip()
        if "\ufffd" in name:  # the form's page is in another encoding: not the reader's name
            log.warning(
                "sign-up from %s: its name was not sent as UTF-8, so it is left out; give the "
                'form accept-charset="utf-8" (feedkit snippet does)',
                ip,
            )
            name = ""
        if _text(posted, "website"):  # the honeypot: only robots fill it in
            log.info("sign-up from %s ignored: the hidden field was filled in", ip)
            return check_inbox()
        try:
            address = mail_address(email)
        except AddressError as exc:
            # email-validator says why in English: shown only on English pages.
            if words.code is None:
                why = f"That is not an email address ({exc}). Please check it."
            else:
                why = _("That is not an email address. Please check it.")
            return form(status=400, email=email[:254], name=name, error=why)
        signup = Signup(Subscriber(address, name), ip, now)
        await run_in_threadpool(service.subscribe, signup)
        return check_inbox()

    def check_inbox() -> Response:
        return pages.message(
            _("Check your inbox"),
            [
                _(
                    "If the address can receive mail, an email with a confirmation link is "
                    "on its way to it. Your subscription starts when you open the link and "
                    "press the button there."
                ),
                _(
                    "The link works for %(time)s. Nothing arrived? Look in the spam "
                    "folder, or sign up again in a few minutes."
                )
                % {"time": within},
            ],
        )

    async def confirm(request: Request) -> Response:
        token = request.path_params["token"]
        now = clock()
        if request.method == "POST":
            done = await run_in_threadpool(service.confirm, token, _client(request), now)
        else:
            done = await run_in_threadpool(service.confirmable, token, now)
        # Used already (reloaded, a second tab): said as it is, not "sign up again", which
        # mails nobody who is on the list.
        used = not done and await run_in_threadpool(service.subscribed_by, token, now)
        if not done and not used:
            return bad_link(bad_confirm)
        if request.method == "POST" or used:
            return pages.message(
                _("You’re subscribed"),
                [_("Thank you: new posts of %(site)s will come to you by email.") % site],
            )
        return pages.render(
            "button.html.j2",
            heading=_("Confirm your subscription"),
            text=_("Press the button to get the new posts of %(site)s by email.") % site,
            fields=[],
            button=_("Confirm my subscription"),
            link="",
            link_intro="",
            link_text="",
        )

    async def unsubscribe(request: Request) -> Response:
        token = request.path_params["token"]
        now = clock()
        if request.method == "POST":
            # RFC 8058: the body is "List-Unsubscribe=One-Click"; the token alone decides.
            posted = await request.form()
            how = "web page" if _text(posted, "via") == "page" else "one-click"
            done = await run_in_threadpool(service.unsubscribe, token, how, _client(request), now)
            if not done:
                return bad_link(bad_unsubscribe)
            return pages.message(
                _("You’re unsubscribed"),
                [_("You will get no more emails from %(site)s.") % site],
                link="../subscribe",
                link_text=_("Changed your mind? Subscribe again"),
            )
        if not await run_in_threadpool(service.unsubscribable, token):
            return bad_link(bad_unsubscribe)
        return pages.render(
            "button.html.j2",
            heading=_("Unsubscribe"),
            text=_("Press the button to get no more emails from %(site)s.") % site,
            fields=[("List-Unsubscribe", "One-Click"), ("via", "page")],
            button=_("Unsubscribe"),
            link="../subscribe",
            link_intro=_("Changed your mind? Close this page and nothing changes, or"),
            link_text=_("subscribe with another address"),
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            response = not_found()
        else:  # Starlette's words are English: the site's where feedkit has them
            said = _(HTTP_ERRORS[exc.status_code]) if exc.status_code in HTTP_ERRORS else exc.detail
            response = pages.message(said, [said], status=exc.status_code)
        response.headers.update(exc.headers or {})
        return response

    async def stylesheet(request: Request) -> Response:
        # The page a browser shows the archive's feed with (its `../feed.xsl`), as the
        # site's own feeds have theirs.
        return Response(xsl_stylesheet(cfg), media_type="text/xsl; charset=utf-8")

    # The folder digest.archive names (none when it is ""): it was always "newsletter".
    archive = cfg.output_path / cfg.digest.archive if cfg.digest.archive else None
    app = Starlette(
        routes=[
            Route("/", subscribe, methods=["GET"]),
            Route("/" + XSL_NAME, stylesheet, methods=["GET"]),
            Route("/subscribe", subscribe, methods=["GET", "POST"]),
            Route("/confirm/{token}", confirm, methods=["GET", "POST"]),
            Route("/unsubscribe/{token}", unsubscribe, methods=["GET", "POST"]),
            Mount(ARCHIVE, app=Archive(archive, not_found)),
        ],
        exception_handlers={HTTPException: http_error},
        lifespan=partial(mailing, mailer),
    )
    return SecurityHeaders(RelativeRedirects(BodyLimit(app)), pages.policy)


@asynccontextmanager
async def mailing(mailer: ConfirmationMailer, app: object) -> AsyncIterator[None]:
    """Mail confirmations while the service runs, and those a stopped one left."""
    mailer.start()
    try:
        yield
    finally:
        await run_in_threadpool(mailer.stop)


def listening_socket(host: str, port: int) -> socket.socket:
    """Return a socket listening on host:port (port 0: a free one); OSError if it cannot."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def run(cfg: Config, app: Any, sock: socket.socket) -> None:
    """Serve `app` on `sock` until SIGTERM or SIGINT, then finish the open requests."""
    import uvicorn

    config = uvicorn.Config(
        app,
        proxy_headers=bool(cfg.serve.proxies),
        forwarded_allow_ips=list(cfg.serve.proxies),
        access_log=False,  # its lines would carry the readers' tokens
        log_config=None,
        server_header=False,
        lifespan="on",  # starts and stops the confirmation mails (`mailing`)
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)
    # uvicorn raises the signal again once it has shut down; it has done its work then.
    quiet = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run(sockets=[sock])
    finally:
        for sig, handler in quiet.items():
            signal.signal(sig, handler)
        sock.close()
