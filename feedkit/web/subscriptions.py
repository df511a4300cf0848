"""What `feedkit serve`'s pages do: record a sign-up (its confirmation is mailed after the
answer: feedkit/web/confirmations.py), confirm, unsubscribe (after any digest copy on its
way to the reader), in the state database.

`Service` runs in the web service's worker threads.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from feedkit.config import Config
from feedkit.mail.inflight import InFlight
from feedkit.mail.readers import Readers
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.tokens import TokenError, Tokens
from feedkit.web.confirmations import ConfirmationMailer

log = logging.getLogger("feedkit.serve")
IN_FLIGHT_WAIT = 10.0  # seconds an unsubscribe waits for a digest copy on its way to them


@dataclass(frozen=True)
class Signup:
    subscriber: Subscriber
    ip: str
    now: datetime


class Service:
    """What the pages do, run in worker threads: each thread keeps its own connection to
    the state database (SQLite connections stay in the thread that opened them)."""

    def __init__(self, cfg: Config, tokens: Tokens, mailer: ConfirmationMailer) -> None:
        self.cfg = cfg
        self.tokens = tokens
        self.mailer = mailer
        self.state_path = cfg.path(cfg.digest.state)
        self.inflight = InFlight(self.state_path)
        self._local = threading.local()

    @property
    def readers(self) -> Readers:
        readers: Readers | None = getattr(self._local, "readers", None)
        if readers is None:
            readers = self._local.readers = Readers(State.open(self.state_path))
        return readers

    def subscribe(self, signup: Signup) -> None:
        """Record a sign-up; a confirmation due is queued with it, for `mailer` to mail
        after the answer (which is the same whoever the address is)."""
        confirmation = self.readers.request(
            signup.subscriber, signup.ip, signup.now, resend_after=self.cfg.serve.resend_after
        )
        if confirmation is not None:  # None: already active, or mailed a moment ago
            self.mailer.wake()

    def confirmable(self, token: str, now: datetime) -> bool:
        """Return whether a confirmation link is good now; changes nothing."""
        try:
            found = self.tokens.read_confirm(token, now, self.cfg.serve.confirm_within)
        except TokenError:
            return False
        return self.readers.confirmation_open(found.reader_id, found.nonce)

    def subscribed_by(self, token: str, now: datetime) -> bool:
        """Return whether the reader a confirmation link (good, not expired) names is on
        the list: the link used already (a page reloaded, a second tab, the mail's link
        opened again), which `confirmable` no longer takes. Changes nothing."""
        try:
            found = self.tokens.read_confirm(token, now, self.cfg.serve.confirm_within)
        except TokenError:
            return False
        reader = self.readers.by_id(found.reader_id)
        return reader is not None and reader.status == "active"

    def confirm(self, token: str, ip: str, now: datetime) -> bool:
        try:
            found = self.tokens.read_confirm(token, now, self.cfg.serve.confirm_within)
        except TokenError:
            return False
        reader = self.readers.confirm(found.reader_id, found.nonce, ip, now)
        if reader is not None:
            log.info("reader %d: confirmed", reader.id)
        return reader is not None

    def unsubscribable(self, token: str) -> bool:
        try:
            found = self.tokens.read_unsubscribe(token)
        except TokenError:
            return False
        return self.readers.subscription_current(found.reader_id, found.subscription)

    def unsubscribe(self, token: str, how: str, ip: str, now: datetime) -> bool:
        try:
            found = self.tokens.read_unsubscribe(token)
        except TokenError:
            return False
        reader = self.readers.unsubscribe(found.reader_id, found.subscription, now, how, ip)
        if reader is None:
            return False
        log.info("reader %d: unsubscribed (%s)", reader.id, how)
        # A digest copy already on its way to them goes first: after the answer, none starts.
        if not self.inflight.wait(reader.key, IN_FLIGHT_WAIT):
            log.warning("reader %d: a digest copy was still being sent to them", reader.id)
        return True
