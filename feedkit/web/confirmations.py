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

What holds across stops and when several services share the state file: each
confirmation is claimed in the database just before it is mailed (mail/confirmqueue.py),
so only one service mails it, and no other takes it over while that service runs (it
holds its lock, mail/claimlock.py). A clean stop (SIGTERM, Ctrl+C) starts no new mail and
waits until the mail server has answered for the one on its way, which then leaves the
queue: it is not mailed again; but at most STOP_WAIT, so that a service manager need not
kill it. A confirmation goes twice only when its service stops with it still on its way,
or is killed or crashes between the mail server taking it and the queue hearing of it
(the next service mails it again: at once where it sees that process gone, by its lock or
on the same machine; else once the claim runs out, CLAIM_LEASE), or when the mail server's
answer is lost on the network (tried again like one it did not take). SMTP gives no
exactly-once, so this stays at-least-once: a link mailed twice is harmless, one never
mailed leaves the reader waiting.

An unexpected error (a bug, memory running out) while mailing one confirmation is an
ERROR in the log, with its traceback and the reader's number; the confirmation goes back to
the queue, free for any service, and this one sets it aside for RETRY_FIRST seconds,
doubling up to RETRY_MAX at each such error (given up like any other once its link would
have expired), while it mails the others. One outside a confirmation (reading the queue,
say) stops the thread's work, is logged the same way, and the work starts again after the
same pauses. The process goes on serving rather than exit for a supervisor to restart it:
that would take the web pages down with the mails (one-click unsubscribes among them),
again and again for a confirmation that fails every time, and not every service runs
under a supervisor that restarts it. It keeps its lock all along, as a paused one
(SIGSTOP) does, so no other service takes over its claims: a claim its failed work could
not give back is still its own, and it mails that confirmation at its next try.

Nothing the thread meets ends it but a stop: errors that are no `Exception` (a SystemExit
from code that calls sys.exit()) are met the same way, and a log that fails to take a line
(a handler that raises, memory running out again) is told on stderr instead (`logged`).
A confirmation the mail server has taken leaves the queue before anything is logged of it;
one whose taking off fails is taken off at the next pass, under this service's claim, not
mailed again (stopped or killed before that pass, the next service mails it again, as
above). The set-aside is this process's memory only, and need not be more: a confirmation
set aside was never mailed and stays queued with no claim, so the next service mails it at
once; a restart loses none and repeats none, it only starts the pauses over.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from feedkit.config import Config
from feedkit.errors import FeedkitError
from feedkit.mail.claimlock import ClaimLock, locks_folder, remove_ended
from feedkit.mail.confirmation import confirmation_delivery, confirmation_message
from feedkit.mail.confirmqueue import (
    CLAIM_LEASE,
    QueuedConfirmation,
    abandoned,
    claim,
    claim_owner,
    dequeue,
    owner_name,
    queued_confirmations,
    release,
)
from feedkit.mail.delivery import DeliveryError, Sender
from feedkit.mail.readers import Readers
from feedkit.mail.state import State
from feedkit.mail.tokens import Tokens, confirm_link

log = logging.getLogger("feedkit.serve")
RETRY_FIRST = 30.0  # seconds until a confirmation the mail server did not take is tried again
RETRY_MAX = 600.0
# Seconds a stopping service waits for the mail on its way to the mail server, which most
# answer within a second or two: short enough to end well before a service manager kills
# it (systemd after 90 s, Docker after 10 s, by default), also after uvicorn's 10 s for
# the requests in progress. A mail still on its way then stays queued with the stopped
# service's claim, which the next service takes over at once: that process's lock is gone.
STOP_WAIT = 5.0


def logged(write: Callable[..., None], message: str, *args: Any, **options: Any) -> None:
    """Write one line with `write` (`log.error`, `log.exception`…); when the log fails to
    take it (a handler that raises, memory running out again), say so on stderr, as
    logging's own handleError does, and go on: the mailing thread lives on past it."""
    try:
        write(message, *args, **options)
    except BaseException as failure:  # noqa: B036 (whatever the log raises, the mail goes on)
        try:
            sys.stderr.write(
                f"feedkit serve: the log failed ({failure!r}) to take: {message % args}\n"
            )
        except BaseException:  # noqa: B036 (stderr itself gone: nothing is left to tell)
            pass


@dataclass(frozen=True)
class SetAside:
    """A confirmation whose mailing met an unexpected error, and when it is tried again."""

    errors: int
    until: datetime

    def again(self, now: datetime) -> SetAside:
        """Return this confirmation set aside after one more error at `now`."""
        pause = min(RETRY_FIRST * 2**self.errors, RETRY_MAX)
        return SetAside(self.errors + 1, now + timedelta(seconds=pause))


class ConfirmationMailer:
    """Mails the queued confirmations in a thread of its own: `start`, `wake` after each
    sign-up, `stop` when the service stops."""

    def __init__(self, cfg: Config, tokens: Tokens, clock: Callable[[], datetime]) -> None:
        self.cfg = cfg
        self.tokens = tokens
        self.clock = clock
        self.owner = claim_owner()  # this service in the queue's claims, its lock once taken
        self._lock: ClaimLock | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._mailing: int | None = None  # the reader whose confirmation is on its way
        self._next_due: datetime | None = None  # when one passed over may be mailed, first
        self._set_aside: dict[tuple[int, str], SetAside] = {}  # by reader and nonce
        # Those the mail server has taken (or refused for good) that are still queued: taking
        # one off met an error. Taken off at the next pass, never mailed again.
        self._handed_over: set[tuple[int, str]] = set()

    def start(self) -> None:
        """Start mailing, first what a stopped service left in the queue."""
        self._thread = threading.Thread(target=self._run, name="feedkit confirmations", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A sign-up has queued a confirmation: mail it now."""
        self._wake.set()

    def stop(self, timeout: float = STOP_WAIT) -> None:
        """Start no new mail; wait until the mail server has answered for the one on its
        way and it has left the queue, then stop. What is left stays queued for the next
        start, or for another service on the same state file."""
        self._stopping.set()
        self._wake.set()
        if self._thread is None:
            return
        mailing = self._mailing
        if mailing is not None and self._thread.is_alive():
            logged(
                log.info,
                "stopping once reader %d's confirmation has reached the mail server",
                mailing,
            )
        self._thread.join(timeout)
        if self._thread.is_alive():
            # The lock stays held until the process ends, so that no other service takes
            # over the claim while this one may still hand the mail over.
            logged(
                log.warning,
                "stopping with reader %s's confirmation still on its way after %g s: it "
                "stays queued, the next service mails it, and the reader may get it twice",
                self._mailing,
                timeout,
            )
        elif self._lock is not None:
            self._lock.release()

    def _run(self) -> None:
        pause = RETRY_FIRST
        while not self._stopping.is_set():
            try:
                self._mail_until_stopped()
                return
            except BaseException:  # noqa: B036 (SystemExit too: this thread is never to end)
                # Not one confirmation's (those are set aside in `mail_queued`): retried in
                # a loop, it would fill the log as fast as it fails.
                logged(
                    log.exception,
                    "confirmation mails stopped by an unexpected error: they start again in %g s",
                    pause,
                )
            self._stopping.wait(pause)
            pause = min(pause * 2, RETRY_MAX)

    def _mail_until_stopped(self) -> None:
        try:
            state = State.open(self.cfg.path(self.cfg.digest.state))
        except FeedkitError as exc:
            logged(log.error, "confirmation mails cannot be sent: %s", exc)
            return
        with state:
            if self._lock is None:  # held from the first start on, also after an error
                self._take_lock(state.path)
            readers = Readers(state)
            wait = RETRY_FIRST
            while not self._stopping.is_set():
                self._wake.clear()
                try:
                    done = self.mail_queued(readers)
                except (FeedkitError, sqlite3.Error) as exc:
                    logged(log.error, "confirmation mails not sent: %s", exc)
                    done = False
                if self._stopping.is_set():
                    return
                if done:
                    wait = RETRY_FIRST
                    self._wake.wait()
                else:
                    self._wake.wait(self._pause(wait))
                    wait = min(wait * 2, RETRY_MAX)

    def _take_lock(self, state_path: Path) -> None:
        """Take this service's lock, named in its claims from now on, and remove those of
        services that were killed."""
        try:
            self._lock = ClaimLock.take(state_path)
        except OSError as exc:
            logged(
                log.warning,
                "%s: cannot lock a file there (%s): a confirmation this service is killed "
                "while mailing waits until its claim runs out (5 minutes), unless a service "
                "on this machine sees it gone",
                exc.filename or locks_folder(state_path),
                exc.strerror or exc,
            )
        if self._lock is not None:
            self.owner = claim_owner(lock=self._lock.name)
            remove_ended(state_path)

    def _pause(self, wait: float) -> float:
        """Return the seconds until the next try: `wait`, or less when a confirmation
        passed over is due before (another service's claim runs out: it was killed while
        mailing; one set aside after an error may be tried again)."""
        if self._next_due is None:
            return wait
        left = (self._next_due - self.clock()).total_seconds()
        return min(wait, max(left, 0.0) + 1.0)

    def _due(self, when: datetime) -> None:
        if self._next_due is None or when < self._next_due:
            self._next_due = when

    def mail_queued(self, readers: Readers) -> bool:
        """Mail every queued confirmation that no other service is mailing; return whether
        none is left waiting, here or in another service's claim (one that service was
        killed with is taken over when its claim runs out)."""
        queued = queued_confirmations(readers)
        left = len(queued)
        self._next_due = None
        keys = {(item.reader.id, item.nonce) for item in queued}
        self._set_aside = {key: s for key, s in self._set_aside.items() if key in keys}
        self._handed_over &= keys
        delivery: Sender | None = None
        try:
            for item in queued:
                if self._stopping.is_set():  # a stopping service starts no new mail
                    break
                now = self.clock()
                key = (item.reader.id, item.nonce)
                if key in self._handed_over:  # still this service's claim: no other mails it
                    dequeue(readers, *key)
                    self._handed_over.discard(key)
                    left -= 1
                    continue
                aside = self._set_aside.get(key)
                if aside is not None and aside.until > now:
                    self._due(aside.until)
                    continue
                if not claim(readers, item, self.owner, now):
                    # Another service is mailing it (or it has left the queue). One mailing
                    # past its claim's lease (a slow mail server) is looked at again later:
                    # killed, it leaves its lock free.
                    until = item.claimed_until or now + CLAIM_LEASE
                    if until <= now:
                        until = now + timedelta(seconds=RETRY_FIRST)
                    self._due(until)
                    continue
                self._mailing = item.reader.id
                done = False
                try:
                    self._log_taken_over(readers, item, now)
                    if delivery is None:
                        delivery = confirmation_delivery(self.cfg)
                    try:
                        done = self._mail(readers, delivery, item, now)
                    except (FeedkitError, sqlite3.Error):
                        raise  # the delivery's or the database's, the same for every reader
                    except BaseException:  # noqa: B036 (SystemExit too: the others go on)
                        self._set_aside_after_error(item, now)
                        broken, delivery = delivery, None  # it may have stopped mid-dialogue
                        broken.close()
                finally:
                    self._mailing = None
                    if not done and key not in self._handed_over:
                        release(readers, item, self.owner)  # stays queued, free for any service
                if done:
                    left -= 1
        except DeliveryError as exc:  # the same for every reader: they wait for the next try
            logged(log.error, "confirmation mails not sent (%d waiting): %s", left, exc)
        finally:
            if delivery is not None:
                delivery.close()
        return left == 0

    def _set_aside_after_error(self, item: QueuedConfirmation, now: datetime) -> None:
        """Log the unexpected error met mailing `item` at `now`, and set `item` aside for a
        while: tried at every pass through the queue (each sign-up starts one), one that
        fails every time would fill the log as fast as readers sign up."""
        key = (item.reader.id, item.nonce)
        if key in self._handed_over:
            self._due(now)
            logged(
                log.exception,
                "reader %d: confirmation mailed, but an unexpected error kept it queued: it "
                "leaves the queue at the next pass, and is not mailed again",
                item.reader.id,
            )
            return
        aside = self._set_aside.get(key, SetAside(0, now)).again(now)
        self._set_aside[key] = aside
        self._due(aside.until)
        logged(
            log.exception,
            "reader %d: confirmation not mailed, stopped by an unexpected error: it stays "
            "queued, is tried again in %g s, and the others go on",
            item.reader.id,
            (aside.until - now).total_seconds(),
        )

    def _log_taken_over(self, readers: Readers, item: QueuedConfirmation, now: datetime) -> None:
        if item.claimed_by is None or item.claimed_by == self.owner:
            return
        if abandoned(readers, item):
            why = "which is no longer running"
        elif item.claimed_until is not None and item.claimed_until <= now:
            why = "whose claim ran out"
        else:  # that service gave it up as we looked
            return
        logged(
            log.warning,
            "reader %d: confirmation taken over from %s, %s (killed while mailing it?): "
            "the reader may get it twice",
            item.reader.id,
            owner_name(item.claimed_by),
            why,
        )

    def _mail(
        self, readers: Readers, delivery: Sender, item: QueuedConfirmation, now: datetime
    ) -> bool:
        """Mail one confirmation claimed at `now`; return whether it left the queue."""
        cfg, reader = self.cfg, item.reader
        if now - item.queued > cfg.serve.confirm_within:
            readers.unsent(reader.id, item.nonce, now, "not mailed before its link expired")
            logged(
                log.error,
                "reader %d: confirmation given up: not mailed before its link would have "
                "expired (serve.confirm_within)",
                reader.id,
            )
            return True
        # Made as it goes out: the link works for confirm_within from then, as it says.
        link = confirm_link(cfg, self.tokens, reader.id, item.nonce, now)
        message = confirmation_message(cfg, reader.subscriber, link, now)
        outcome = delivery.send(message, reader.address)
        if outcome.status == "deferred":
            logged(
                log.error, "reader %d: confirmation not mailed yet: %s", reader.id, outcome.detail
            )
            return False
        # Off the queue before anything else can fail; if that fails, the next pass takes
        # it off (`_handed_over`): what the mail server took, or refused for good, is never
        # mailed again by this service.
        self._handed_over.add((reader.id, item.nonce))
        dequeue(readers, reader.id, item.nonce)
        self._handed_over.discard((reader.id, item.nonce))
        if outcome.status == "sent":
            logged(log.info, "reader %d: confirmation mailed (%s)", reader.id, outcome.detail)
        else:  # this address refuses mail; the sign-up was answered like any other
            logged(log.warning, "reader %d: confirmation refused: %s", reader.id, outcome.detail)
        return True
