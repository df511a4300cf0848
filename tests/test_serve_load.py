"""`feedkit serve` and a digest run at once: nobody gets a copy that the server began to
take after their unsubscribe was answered, even when they click as the digest gets to them."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from feedkit.mail.delivery import Outcome, Sender
from feedkit.mail.readers import Readers
from feedkit.mail.sending import run_digest, sender_factory
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.tokens import Tokens, unsubscribe_link

from conftest import NOW
from digest_site import public, write_post
from serve_site import SECRET, Service, make_serve_site, reader_events, running
from smtp_server import FaultySmtpServer


def reader_address(n: int) -> str:
    return f"reader{n:04d}@example.org"


class UnsubscribingFirst:
    """A delivery that, just before handing `address`'s copy to the SMTP server, has the
    reader press one-click unsubscribe at the running service (as if they clicked in the
    very moment the digest got to them), giving the service up to `grace` seconds."""

    def __init__(self, delivery: Sender, service: Service, link: str, grace: float) -> None:
        self.delivery = delivery
        self.service = service
        self.link = link
        self.grace = grace
        self.answers: list[tuple[int, float]] = []  # (status, time.monotonic())

    def send(self, message: EmailMessage, recipient: str) -> Outcome:
        if self.link and recipient.startswith("reader0001@"):
            link, self.link = self.link, ""

            def click() -> None:
                data = {"List-Unsubscribe": "One-Click"}
                answer = httpx.post(self.service.local(link), data=data, timeout=30)
                self.answers.append((answer.status_code, time.monotonic()))

            clicking = threading.Thread(target=click)
            clicking.start()
            clicking.join(self.grace)
        return self.delivery.send(message, recipient)

    def close(self) -> None:
        self.delivery.close()


def test_an_unsubscribe_answered_while_the_digest_mails_that_reader_comes_after_the_copy(
    tmp_path: Path, smtp_server: FaultySmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEEDKIT_UNSUBSCRIBE_SECRET", SECRET)
    cfg = make_serve_site(tmp_path, smtp_server)
    write_post(tmp_path, "old", "Old post", NOW - timedelta(days=30))
    deliveries: list[UnsubscribingFirst] = []

    def open_sender(digest_id: str) -> Sender:
        deliveries.append(UnsubscribingFirst(sender_factory(cfg)(digest_id), service, link, 1.0))
        return deliveries[-1]

    with State.open(cfg.path(cfg.digest.state)) as state:
        readers = Readers(state)
        readers.import_rows((Subscriber(reader_address(n), "") for n in range(3)), NOW, "load")
        racing = readers.get(reader_address(1))
        assert racing is not None and racing.subscription is not None
        link = unsubscribe_link(cfg, Tokens(SECRET.encode()), racing.id, racing.subscription)
        run_digest(cfg, state, public(cfg), readers.active(), sender_factory(cfg), NOW)
        write_post(tmp_path, "new", "A new post", NOW - timedelta(hours=1))
        with running(cfg) as service:
            report = run_digest(cfg, state, public(cfg), readers.active(), open_sender, NOW)
    [(status, answered)] = deliveries[0].answers
    assert status == 200
    assert reader_events(cfg, reader_address(1))[-1] == ("unsubscribed", "127.0.0.1", "one-click")
    # The copy was already being sent: it may arrive, but the server began taking it before
    # the reader was told they are unsubscribed.
    [copy] = smtp_server.received_for(reader_address(1))
    assert copy.data_began < answered
    assert [m.rcpt_tos[0] for m in smtp_server.messages] == [reader_address(n) for n in range(3)]
    assert report.total("sent") == 3
