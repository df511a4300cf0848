"""The confirmation mails' queue as `feedkit serve` works through it: mailed through a real
SMTP server, kept while the server is down, given up once the link would have expired."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from feedkit.mail.confirmqueue import queued_confirmations
from feedkit.mail.readers import Readers
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.tokens import Tokens
from feedkit.web.confirmations import ConfirmationMailer

from conftest import NOW
from serve_site import PUBLIC_URL, SECRET, confirm_link_in, make_serve_site, reader_events
from smtp_server import FaultySmtpServer


def test_a_confirmation_waits_for_a_dead_mail_server_until_its_link_would_expire(
    tmp_path: Path, smtp_server: FaultySmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = make_serve_site(tmp_path, smtp_server, 'confirm_within = "2h"\n')
    smtp_server.refuse_all("421 4.3.2 Service not available", at="connect")
    with State.open(cfg.path(cfg.digest.state)) as state:
        readers = Readers(state)
        assert readers.request(Subscriber("kim@example.org", "Kim"), "", NOW) is not None
        clock = [NOW + timedelta(hours=1)]
        mailer = ConfirmationMailer(cfg, Tokens(SECRET.encode()), lambda: clock[0])
        with caplog.at_level(logging.INFO, logger="feedkit.serve"):
            assert mailer.mail_queued(readers) is False  # kept for the next try
            assert len(queued_confirmations(readers)) == 1
            clock[0] = NOW + timedelta(hours=2, minutes=1)  # its link would have expired
            assert mailer.mail_queued(readers) is True
        assert queued_confirmations(readers) == []
        logged = [
            (r.levelname, r.getMessage()) for r in caplog.records if r.name == "feedkit.serve"
        ]
        assert logged == [
            (
                "ERROR",
                f"reader 1: confirmation not mailed yet: cannot connect to {smtp_server.host}:"
                f"{smtp_server.port}: 421 4.3.2 Service not available (2 attempts)",
            ),
            (
                "ERROR",
                "reader 1: confirmation given up: not mailed before its link would have "
                "expired (serve.confirm_within)",
            ),
        ]
        # The reader's next sign-up mails a new link at once, not after resend_after.
        smtp_server.clear_faults()
        again = NOW + timedelta(hours=2, minutes=2)
        assert readers.request(Subscriber("kim@example.org", "Kim"), "", again) is not None
        clock[0] = again
        assert mailer.mail_queued(readers) is True
    [mail] = smtp_server.received_for("kim@example.org")
    assert confirm_link_in(mail.raw).startswith(PUBLIC_URL + "confirm/")
    assert b"\r\nDate: Sun, 22 Nov 2026 14:02:00 +0000\r\n" in mail.raw
    assert [e for e, _, _ in reader_events(cfg, "kim@example.org")] == [
        "requested",
        "unsent",
        "requested",
    ]
