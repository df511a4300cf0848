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
