"""`feedkit serve`'s confirmation mails, sent by one background thread from the queue in
the state database: a sign-up is answered at once, whatever the mail server does, so the
time an answer takes cannot tell a new address from one already on the list.

A sign-up writes its confirmation to the queue in the same transaction that records it,
before it is answered: a service stopped or killed before the mail went out leaves it
there, and the next one mails it when it starts. A mail server that cannot take it is an
error in the log at every try; the confirmation stays queued and is tried again after
RETRY_FIRST seconds (doubling up to RETRY_MAX), or at once when another sign-up comes. One
still not mailed once its link would have expired (`confirm_within`) is given up, logged,
and the reader's next sign-up mails a new one at once.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime

from feedkit.config import Config
from feedkit.errors import FeedkitError
from feedkit.mail.confirmation import confirmation_delivery, confirmation_message
from feedkit.mail.confirmqueue import QueuedConfirmation, dequeue, queued_confirmations
from feedkit.mail.delivery import DeliveryError, Sender
from feedkit.mail.readers import Readers
from feedkit.mail.state import State
from feedkit.mail.tokens import Tokens, confirm_link

log = logging.getLogger("feedkit.serve")
RETRY_FIRST = 30.0  # seconds until a confirmation the mail server did not take is tried again
RETRY_MAX = 600.0
STOP_WAIT = 10.0  # seconds a stopping service gives the mail on its way to the server


class ConfirmationMailer:
    """Mails the queued confirmations in a thread of its own: `start`, `wake` after each
    sign-up, `stop` when the service stops."""

    def __init__(self, cfg: Config, tokens: Tokens, clock: Callable[[], datetime]) -> None:
        self.cfg = cfg
        self.tokens = tokens
        self.clock = clock
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start mailing, first what a stopped service left in the queue."""
        self._thread = threading.Thread(target=self._run, name="feedkit confirmations", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A sign-up has queued a confirmation: mail it now."""
        self._wake.set()

    def stop(self, timeout: float = STOP_WAIT) -> None:
        """Mail what is queued while the mail server takes it, then stop; what is left
        stays queued for the next start."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("stopping with a confirmation mail still on its way: kept queued")

    def _run(self) -> None:
        try:
            state = State.open(self.cfg.path(self.cfg.digest.state))
        except FeedkitError as exc:
            log.error("confirmation mails cannot be sent: %s", exc)
            return
        with state:
            readers = Readers(state)
            wait = RETRY_FIRST
            while True:
                self._wake.clear()
                try:
                    done = self.mail_queued(readers)
                except (FeedkitError, sqlite3.Error) as exc:
                    log.error("confirmation mails not sent: %s", exc)
                    done = False
                if self._stopping.is_set():
                    return
                if done:
                    wait = RETRY_FIRST
                    self._wake.wait()
                else:
                    self._wake.wait(wait)
                    wait = min(wait * 2, RETRY_MAX)

    def mail_queued(self, readers: Readers) -> bool:
        """Mail every queued confirmation; return whether none is left waiting."""
        queued = queued_confirmations(readers)
        if not queued:
            return True
        left = len(queued)
        delivery = confirmation_delivery(self.cfg)
        try:
            for item in queued:
                if self._mail(readers, delivery, item):
                    left -= 1
        except DeliveryError as exc:  # the same for every reader: they wait for the next try
            log.error("confirmation mails not sent (%d waiting): %s", left, exc)
        finally:
            delivery.close()
        return left == 0

    def _mail(self, readers: Readers, delivery: Sender, item: QueuedConfirmation) -> bool:
        """Mail one confirmation; return whether it left the queue."""
        cfg, reader, now = self.cfg, item.reader, self.clock()
        if now - item.queued > cfg.serve.confirm_within:
            log.error(
                "reader %d: confirmation given up: not mailed before its link would have "
                "expired (serve.confirm_within)",
                reader.id,
            )
            readers.unsent(reader.id, item.nonce, now, "not mailed before its link expired")
            return True
        # Made as it goes out: the link works for confirm_within from then, as it says.
        link = confirm_link(cfg, self.tokens, reader.id, item.nonce, now)
        message = confirmation_message(cfg, reader.subscriber, link, now)
        outcome = delivery.send(message, reader.address)
        if outcome.status == "deferred":
            log.error("reader %d: confirmation not mailed yet: %s", reader.id, outcome.detail)
            return False
        if outcome.status == "sent":
            log.info("reader %d: confirmation mailed (%s)", reader.id, outcome.detail)
        else:  # this address refuses mail; the sign-up was answered like any other
            log.warning("reader %d: confirmation refused: %s", reader.id, outcome.detail)
        dequeue(readers, reader.id, item.nonce)
        return True
