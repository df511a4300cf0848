"""`feedkit serve`'s confirmation mails after an unexpected error (a bug, memory running
out): logged with its traceback, the confirmation kept and set aside for a while, the
others mailed meanwhile, and the mailing thread started again after a pause."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from feedkit.config import Config
from feedkit.mail.confirmation import confirmation_message
from feedkit.mail.confirmqueue import release
from feedkit.mail.readers import Readers
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.tokens import Tokens
from feedkit.web import confirmations
from feedkit.web.confirmations import ConfirmationMailer

from conftest import NOW
from serve_site import (
    PUBLIC_URL,
    SECRET,
    Crash,
    confirm_link_in,
    mails_for,
    make_serve_site,
    queue_claims,
    running,
    sign_up,
    wait_until,
)
from smtp_server import FaultySmtpServer


def test_a_confirmation_that_crashes_the_mailer_is_logged_and_set_aside_and_the_rest_go_on(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # A bug, or memory running out, while making Kim's mail: up to now the mailing thread
    # died with it, and no confirmation went out until the service was restarted.
    cfg = make_serve_site(tmp_path, smtp_server)
    crash = Crash(tmp_path / "crash", "kim@example.org")
    with running(cfg, env=crash.env, tracebacks=1) as service:
        sign_up(service, "kim@example.org")
        wait_until(lambda: crash.tries() == 1)
        sign_up(service, "lee@example.org")
        [lee] = mails_for(smtp_server, "lee@example.org")
        sign_up(service, "mo@example.org")
        mails_for(smtp_server, "mo@example.org")
        # Set aside for 30 s, doubling: the queue was gone through twice since, without it.
        # Mo's row leaves the queue once the server has taken the mail, a moment after it.
        wait_until(lambda: 3 not in queue_claims(cfg))
        assert crash.tries() == 1
        assert queue_claims(cfg) == {1: None}  # still queued, free for any service
    assert confirm_link_in(lee.raw).startswith(PUBLIC_URL + "confirm/")
    assert (
        "ERROR reader 1: confirmation not mailed, stopped by an unexpected error: it stays "
        "queued, is tried again in 30 s, and the others go on\n"
        "Traceback (most recent call last):\n"
    ) in service.stderr
    assert service.stderr.count("\nMemoryError\n") == 1
    assert "kim@" not in service.stderr  # a reader's number in the log, as everywhere
    with running(cfg) as fixed:  # feedkit upgraded, or memory to spare again
        [kim] = mails_for(smtp_server, "kim@example.org")
    assert b"\r\nTo: kim@example.org\r\n" in kim.raw
    assert queue_claims(cfg) == {}
    assert "taken over" not in fixed.stderr  # its claim was given back


def test_a_confirmation_whose_mailing_keeps_failing_is_tried_again_after_doubling_pauses(
    tmp_path: Path,
    smtp_server: FaultySmtpServer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Memory running out four times over while making Kim's mail, or a bug that only some
    # of her tries meet: not tried again at every pass through the queue, not given up.
    cfg = make_serve_site(tmp_path, smtp_server)
    tries: list[datetime] = []

    def crashing(cfg: Config, subscriber: Subscriber, link: str, now: datetime) -> EmailMessage:
        tries.append(now)
        if len(tries) <= 4:
            raise MemoryError
        return confirmation_message(cfg, subscriber, link, now)

    monkeypatch.setattr(confirmations, "confirmation_message", crashing)
    with State.open(cfg.path(cfg.digest.state)) as state:
        readers = Readers(state)
        assert readers.request(Subscriber("kim@example.org", "Kim"), "", NOW) is not None
        clock = [NOW]
        mailer = ConfirmationMailer(cfg, Tokens(SECRET.encode()), lambda: clock[0])
        done = {}
        with caplog.at_level(logging.INFO, logger="feedkit.serve"):
            for seconds in (0, 29, 30, 89, 90, 209, 210, 449, 450):
                clock[0] = NOW + timedelta(seconds=seconds)
                done[seconds] = mailer.mail_queued(readers)
    assert tries == [NOW + timedelta(seconds=s) for s in (0, 30, 90, 210, 450)]
    assert [s for s, finished in done.items() if finished] == [450]
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert [r.getMessage() for r in errors] == [
        f"reader 1: confirmation not mailed, stopped by an unexpected error: it stays "
        f"queued, is tried again in {pause} s, and the others go on"
        for pause in (30, 60, 120, 240)
    ]
    assert all(r.exc_info and r.exc_info[0] is MemoryError for r in errors)
    [mail] = smtp_server.received_for("kim@example.org")
    assert b"\r\nDate: Sun, 22 Nov 2026 12:07:30 +0000\r\n" in mail.raw
    assert queue_claims(cfg) == {}


def test_the_mailing_thread_starts_again_after_an_unexpected_error_and_mails_what_it_held(
    tmp_path: Path,
    smtp_server: FaultySmtpServer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Making Kim's mail fails, and so does giving her claim back: the thread's work stops
    # with the claim still its own, under a lock no other service takes it from while this
    # one runs. Up to now the thread ended there, and the confirmation waited for the end
    # of the process; so did every later one.
    cfg = make_serve_site(tmp_path, smtp_server)
    fail_once = {"making": MemoryError(), "giving back": RuntimeError("a bug")}

    def failing_once(step: str, do: Callable[..., object]) -> Callable[..., object]:
        def once(*args: object) -> object:
            if step in fail_once:
                raise fail_once.pop(step)
            return do(*args)

        return once

    monkeypatch.setattr(
        confirmations,
        "confirmation_message",
        failing_once("making", confirmations.confirmation_message),
    )
    monkeypatch.setattr(confirmations, "release", failing_once("giving back", release))
    monkeypatch.setattr(confirmations, "RETRY_FIRST", 0.05)  # seconds: for this test only
    with State.open(cfg.path(cfg.digest.state)) as state:
        assert Readers(state).request(Subscriber("kim@example.org", "Kim"), "", NOW) is not None
    clock = [NOW]
    mailer = ConfirmationMailer(cfg, Tokens(SECRET.encode()), lambda: clock[0])
    with caplog.at_level(logging.INFO, logger="feedkit.serve"):
        mailer.start()
        try:
            wait_until(lambda: "a bug" in caplog.text)
            assert queue_claims(cfg) == {1: mailer.owner}
            clock[0] = NOW + timedelta(seconds=1)  # Kim's was set aside for 0.05 s
            mailer.wake()
            [mail] = mails_for(smtp_server, "kim@example.org")
        finally:
            mailer.stop()
    assert b"\r\nDate: Sun, 22 Nov 2026 12:00:01 +0000\r\n" in mail.raw
    assert queue_claims(cfg) == {}
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert [r.getMessage() for r in errors] == [
        "reader 1: confirmation not mailed, stopped by an unexpected error: it stays queued, "
        "is tried again in 0.05 s, and the others go on",
        "confirmation mails stopped by an unexpected error: they start again in 0.05 s",
    ]
    assert [type(r.exc_info[1]) for r in errors if r.exc_info] == [MemoryError, RuntimeError]


BROKEN_LOG = """
# And the service's log breaks as a log handler can (a full disk, a bug in a handler that
# ships lines elsewhere): BROKEN_LOG "errors" raises at every ERROR line, "mailed" at the
# first "confirmation mailed" line, after the mail server took that mail.
import logging

if os.environ.get("BROKEN_LOG"):

    class Broken(logging.Handler):
        def emit(self, record):
            broken = os.environ["BROKEN_LOG"]
            if broken == "errors" and record.levelno >= logging.ERROR:
                raise MemoryError
            if broken == "mailed" and "confirmation mailed" in record.msg:
                os.environ["BROKEN_LOG"] = ""
                raise RuntimeError("a bug in a log handler")

    logging.getLogger("feedkit.serve").addHandler(Broken())
"""
EXIT_MAKING = """
# BaseException that is no Exception, raised once making the confirmation of EXIT_FOR: as
# code that calls sys.exit() would, it ends a thread without a word.
if os.environ.get("EXIT_FOR"):

    def exiting(cfg, subscriber, link, now):
        if subscriber.email == os.environ["EXIT_FOR"]:
            os.environ["EXIT_FOR"] = ""
            raise SystemExit(1)
        return made(cfg, subscriber, link, now)

    confirmation.confirmation_message = exiting

# MemoryError once, taking the first confirmation the mail server took off the queue.
if os.environ.get("DEQUEUE_FAILS"):
    import feedkit.web.confirmations as mailer

    dequeue = mailer.dequeue

    def failing(*args):
        if os.environ["DEQUEUE_FAILS"]:
            os.environ["DEQUEUE_FAILS"] = ""
            raise MemoryError
        return dequeue(*args)

    mailer.dequeue = failing
"""


def broken(crash: Crash, **env: str) -> dict[str, str]:
    """Return the environment of a service that crashes as `crash` says and whose log, or
    making a mail, or taking one off the queue, breaks as `env` says (BROKEN_LOG, EXIT_FOR,
    DEQUEUE_FAILS: see above)."""
    customize = crash.log.parent / "sitecustomize.py"
    customize.write_text(customize.read_text() + BROKEN_LOG + EXIT_MAKING, encoding="utf-8")
    return {**crash.env, **env}


def test_confirmations_go_on_when_logging_an_unexpected_error_fails_too(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # Making Kim's mail runs out of memory, and so does the log's handler as it writes
    # that down: the error of the log ended the mailing thread, and no confirmation went
    # out again while the service kept answering sign-ups.
    cfg = make_serve_site(tmp_path, smtp_server)
    crash = Crash(tmp_path / "crash", "kim@example.org")
    with running(cfg, env=broken(crash, BROKEN_LOG="errors")) as service:
        sign_up(service, "kim@example.org")
        wait_until(lambda: crash.tries() == 1)
        sign_up(service, "lee@example.org")
        [lee] = mails_for(smtp_server, "lee@example.org")
        wait_until(lambda: 2 not in queue_claims(cfg))
        assert queue_claims(cfg) == {1: None}  # Kim's set aside, still queued
    assert confirm_link_in(lee.raw).startswith(PUBLIC_URL + "confirm/")
    assert crash.tries() == 1
    # What the log could not take reaches stderr, as logging's own errors do.
    assert (
        "feedkit serve: the log failed (MemoryError()) to take: reader 1: confirmation "
        "not mailed, stopped by an unexpected error: it stays queued, is tried again in "
        "30 s, and the others go on\n"
    ) in service.stderr
    with running(cfg):
        [kim] = mails_for(smtp_server, "kim@example.org")
    assert b"\r\nTo: kim@example.org\r\n" in kim.raw
    assert queue_claims(cfg) == {}


def test_a_confirmation_the_mail_server_took_is_not_mailed_again_when_its_log_line_fails(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # The log's handler fails on "confirmation mailed": the confirmation stayed queued as
    # if the mail server had not taken it, set aside, and was mailed again 30 s later or
    # by the next service at its start.
    cfg = make_serve_site(tmp_path, smtp_server)
    crash = Crash(tmp_path / "crash", "nobody@example.org")
    with running(cfg, env=broken(crash, BROKEN_LOG="mailed")) as service:
        sign_up(service, "kim@example.org")
        mails_for(smtp_server, "kim@example.org")
        wait_until(lambda: queue_claims(cfg) == {})
        sign_up(service, "lee@example.org")  # the thread mails on
        mails_for(smtp_server, "lee@example.org")
    assert "RuntimeError('a bug in a log handler')" in service.stderr
    with running(cfg) as restarted:
        sign_up(restarted, "mo@example.org")  # queued after Kim's: mailed after it
        mails_for(smtp_server, "mo@example.org")
    assert len(smtp_server.received_for("kim@example.org")) == 1
    assert queue_claims(cfg) == {}


def test_a_confirmation_the_mail_server_took_is_not_mailed_again_when_its_dequeue_fails(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # Memory runs out as Kim's confirmation, just taken by the mail server, leaves the
    # queue: it stayed queued as if never mailed, and went again 30 s later or at the next
    # service's start.
    cfg = make_serve_site(tmp_path, smtp_server)
    crash = Crash(tmp_path / "crash", "nobody@example.org")
    with running(cfg, env=broken(crash, DEQUEUE_FAILS="1"), tracebacks=1) as service:
        sign_up(service, "kim@example.org")
        mails_for(smtp_server, "kim@example.org")
        wait_until(lambda: queue_claims(cfg) == {})  # taken off at the next pass
    assert (
        "ERROR reader 1: confirmation mailed, but an unexpected error kept it queued: it "
        "leaves the queue at the next pass, and is not mailed again\nTraceback"
    ) in service.stderr
    with running(cfg) as restarted:
        sign_up(restarted, "mo@example.org")
        mails_for(smtp_server, "mo@example.org")
    assert len(smtp_server.received_for("kim@example.org")) == 1


def test_an_error_no_except_exception_catches_sets_a_confirmation_aside_too(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # A SystemExit while making Kim's mail (code that calls sys.exit()): no `except
    # Exception` catches it, and a thread ends on it without a word. The service kept
    # answering sign-ups and mailed no confirmation until it was restarted.
    cfg = make_serve_site(tmp_path, smtp_server)
    crash = Crash(tmp_path / "crash", "nobody@example.org")
    env = broken(crash, EXIT_FOR="kim@example.org")
    with running(cfg, env=env, tracebacks=1) as service:
        sign_up(service, "kim@example.org")
        wait_until(lambda: queue_claims(cfg) == {1: None})  # given back
        sign_up(service, "lee@example.org")
        mails_for(smtp_server, "lee@example.org")
        wait_until(lambda: 2 not in queue_claims(cfg))
        assert queue_claims(cfg) == {1: None}  # Kim's set aside, still queued
    assert (
        "ERROR reader 1: confirmation not mailed, stopped by an unexpected error: it stays "
        "queued, is tried again in 30 s, and the others go on\nTraceback"
    ) in service.stderr
    assert "\nSystemExit: 1\n" in service.stderr
    with running(cfg):
        mails_for(smtp_server, "kim@example.org")
    assert queue_claims(cfg) == {}
