"""One digest's delivery to the readers waiting for it: each asked the list at send time,
each copy made, sent over `smtp.connections` connections, each result recorded as it comes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from feedkit.mail.copies import CopyMaker
from feedkit.mail.digest import DigestRenderer, RenderedDigest
from feedkit.mail.inflight import InFlight
from feedkit.mail.readers import Reader, Readers
from feedkit.mail.refusals import RefusalStreak
from feedkit.mail.state import DigestRecord, Recipient, State
from feedkit.mail.statefile import transaction
from feedkit.posts.loader import Progress

if TYPE_CHECKING:  # imported by `deliver`: a dry run imports this module and sends nothing
    from feedkit.mail.delivery import Outcome, Sender
    from feedkit.mail.workers import Done

log = logging.getLogger("feedkit.mail.digest")


@dataclass
class DigestOutcome:
    """What happened to one digest in this run."""

    id: str
    posts: int
    resumed: bool
    counts: dict[str, int] = field(default_factory=dict)  # status → recipients
    cards: int = 0
    overflow: int = 0
    halted: bool = False  # the batch stopped: delivery could not work for anyone

    @property
    def reached_nobody(self) -> bool:
        """Whether readers were tried and none of them got the digest."""
        tried = sum(self.counts.get(s, 0) for s in ("sent", "failed", "deferred"))
        return tried > 0 and not self.counts.get("sent")


SENDING = "sending the digest"


def deliver(
    renderer: DigestRenderer,
    state: State,
    record: DigestRecord,
    waiting: Sequence[Recipient],
    open_sender: Callable[[str], Sender],
    now: datetime,
    outcome: DigestOutcome,
    should_stop: Callable[[], bool],
    progress: Progress | None = None,
    rendered: RenderedDigest | None = None,
) -> None:
    """Send `record` to the readers `waiting` who are still on the list, each result
    recorded before its connection sends again; fill in `outcome`. Raise DeliveryError
    when delivery cannot work for anyone. `progress` is told how many readers are done;
    `rendered` is `record` rendered, if it was already."""
    from feedkit.mail.bounce_run import record_delivery  # mailbox, for bounces
    from feedkit.mail.delivery import DeliveryError  # as above: a dry run sends nothing
    from feedkit.mail.workers import Workers

    if not waiting:
        return
    rendered = rendered or renderer.render(record)  # once for every reader
    outcome.cards, outcome.overflow = rendered.cards, rendered.overflow
    streak = RefusalStreak()
    copies = CopyMaker(renderer, rendered, record)
    # Refusals that may yet prove to be the sender's are recorded once they prove to be the
    # reader's: a run stopped (or killed) meanwhile leaves those readers pending, not failed.
    held: dict[str, Outcome] = {}

    readers = Readers(state)
    cfg = renderer.cfg
    soft_limit = cfg.digest.soft_bounce_limit
    connections = cfg.smtp.connections if cfg.digest.delivery == "smtp" else 1

    def record_result(email: str, result: Outcome) -> None:
        state.record_outcome(record.id, email, result.status, result.detail, now)
        # Only a result proved to be the reader's gets here: 5xx is a bounce on the list.
        record_delivery(readers, email, result.status, result.detail, now, soft_limit)
        if result.status != "sent":  # named as mail goes to it: `Anna@`, not the key's `anna@`
            shown = reader.address if (reader := readers.get(email)) else email
            log.warning("%s: %s (%s)", shown, result.status, result.detail)

    def settle(done: Done) -> None:
        """Record a worker's result, or raise what its delivery raised."""
        if done.error is not None:
            raise done.error
        if done.outcome is None:  # stopped before it was sent: it stays pending
            return
        email, result = done.email, done.outcome
        halt = streak.note(email, result.status, result.detail)
        if halt is not None:  # those held stay pending
            if email not in halt.refused:  # deferred: it waits either way
                record_result(email, result)
            raise DeliveryError(halt.message)
        suspects = streak.suspects
        for held_email in [e for e in held if e not in suspects]:
            record_result(held_email, held.pop(held_email))
        if email in suspects:
            held[email] = result
        else:
            record_result(email, result)

    def settle_all(batch: list[Done]) -> None:
        """Settle results in one transaction (one write to disk for them all), then let
        their workers send again; a failure is raised once the results before it are stored,
        and no worker sends anything after it."""
        try:
            if len(batch) <= 1:
                for done in batch:
                    settle(done)
                return
            failure: BaseException | None = None
            with transaction(state.conn):
                for done in batch:
                    if failure is None:
                        try:
                            settle(done)
                        except BaseException as exc:  # raised below, with the batch stored
                            failure = exc
                    elif done.outcome is not None and done.outcome.status == "sent":
                        record_result(done.email, done.outcome)
            if failure is not None:
                raise failure
        except BaseException:
            workers.stop()
            raise
        finally:
            for done in batch:
                inflight.let_go(done.email)  # sent, or never to be: an unsubscribe may answer
                workers.recorded(done)

    try:  # opening the first connection, or the outbox's folder, may fail for everyone
        workers = Workers(partial(open_sender, record.id), connections)
    except BaseException:
        _count(outcome, state, record, waiting)  # all of them still pending: said so
        raise
    inflight = InFlight(state.path)
    try:
        try:
            for done_count, recipient in enumerate(waiting):
                if progress is not None:
                    progress(SENDING, done_count, len(waiting))
                if should_stop():  # the rest stay pending: the next run sends them this digest
                    log.info("stopping: %s left pending for the next run", record.id)
                    workers.stop()  # data under way is finished, a transaction begun reset
                    break
                # From asking to sent, an unsubscribe waits: once it is answered, no copy
                # starts. Asked now, not when the digest was frozen: who left gets no copy.
                inflight.hold(recipient.email)
                reader = readers.get(recipient.email)
                if reader is None or reader.status != "active":
                    why = "no longer on the reader list" if reader is None else _left(reader)
                    state.record_outcome(record.id, recipient.email, "dropped", why, now)
                    inflight.let_go(recipient.email)
                    continue
                subscriber = reader.subscriber
                message = copies.copy(subscriber, reader)
                batch = [] if workers.idle else [workers.result(), *workers.ready()]
                if should_stop():
                    workers.stop()
                    settle_all(batch)
                    break
                if all(d.outcome is not None and d.outcome.status == "sent" for d in batch):
                    # Given before the worker's last result is recorded, so it can begin the
                    # transaction; its data goes once that result is stored.
                    workers.submit(recipient.email, message, subscriber.email)
                    settle_all(batch)
                else:  # a refusal may stop the batch: nothing more is begun before it counts
                    settle_all(batch)
                    workers.submit(recipient.email, message, subscriber.email)
            while workers.in_flight:
                settle_all([workers.result(), *workers.ready()])
        except BaseException:
            workers.stop()
            # Sent on another connection meanwhile: recorded, so never sent twice.
            while workers.in_flight:
                done = workers.result()
                if done.outcome is not None and done.outcome.status == "sent":
                    record_result(done.email, done.outcome)
            raise
        for email, result in held.items():  # the batch ended before the run proved anything
            record_result(email, result)
    finally:
        workers.close()
        inflight.close()  # the kernel drops every lock still held with the file
        _count(outcome, state, record, waiting)


def _count(
    outcome: DigestOutcome, state: State, record: DigestRecord, waiting: Sequence[Recipient]
) -> None:
    """Count what became of the readers `waiting` from the state file: it has the readers
    put back and those never tried."""
    emails = {r.email for r in waiting}
    outcome.counts = {}
    for r in state.recipients(record.id):
        if r.email in emails:
            outcome.counts[r.status] = outcome.counts.get(r.status, 0) + 1


def _left(reader: Reader) -> str:
    """Return why a reader is off the list, for a digest's recipient row."""
    why = f"{reader.status} {reader.updated.isoformat(timespec='minutes')}"
    return f"{why}: {reader.detail}" if reader.detail else why
