"""The confirmation mails still to send: a sign-up queues its confirmation in the transaction
that records it (`Readers.request`), and `feedkit serve` mails them from here
(feedkit/web/confirmations.py), also those a stopped or killed service left.

Several `feedkit serve` processes may share one state file (two workers behind a proxy, or
an old one still stopping while the new one starts). Each claims a confirmation in the
database before mailing it, so only one of them mails it; a claim lasts CLAIM_LEASE, after
which another process takes it over: one killed while mailing cannot keep it forever. A claim
whose process is known to be gone (mail/claimowner.py: one of this machine, killed or
crashed, or from before the machine restarted) is taken over at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from feedkit.mail.claimowner import has_died, parse_owner, process_owner
from feedkit.mail.readers import Reader, Readers
from feedkit.mail.statefile import transaction

# Longer than a confirmation's mail can take to be handed over (at most 2 tries, each
# step of the SMTP dialogue at most 15 s: feedkit/mail/confirmation.py), so a claim runs out
# only when its process died; short enough that a killed one's confirmation goes soon.
CLAIM_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class QueuedConfirmation:
    """A confirmation recorded with its sign-up and not yet handed to the mail server."""

    reader: Reader
    nonce: str
    queued: datetime  # when the sign-up asked for it
    claimed_by: str | None = None  # the process that last claimed it, if any
    claimed_until: datetime | None = None  # when that claim runs out


def claim_owner(pid: int | None = None) -> str:
    """Return how claims name this process (or process `pid` of this machine): what tells it
    apart from any other, also one later given its process ID (mail/claimowner.py)."""
    return process_owner(os.getpid() if pid is None else pid).text()


def owner_name(claimed_by: str) -> str:
    """Return the host and process ID a claim names, for the log."""
    owner = parse_owner(claimed_by)
    return claimed_by if owner is None else str(owner)


def abandoned(item: QueuedConfirmation) -> bool:
    """Return whether `item` is claimed by a process that is provably no longer running: it
    cannot be mailing it any more, whatever its claim's lease says."""
    owner = None if item.claimed_by is None else parse_owner(item.claimed_by)
    return owner is not None and has_died(owner)


def _instant(when: datetime) -> str:
    # One zone and one width, so SQLite compares claims' times as text.
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def queued_confirmations(readers: Readers) -> list[QueuedConfirmation]:
    """Return the confirmations still to mail, oldest first, claimed or not. One no longer
    open (used, replaced by a newer one, or its reader left) leaves the queue unmailed."""
    conn = readers.conn
    with transaction(conn):
        conn.execute(
            "DELETE FROM confirmation_queue WHERE NOT EXISTS (SELECT 1 FROM readers r "
            "WHERE r.id = confirmation_queue.reader_id AND r.status = 'pending' "
            "AND r.confirm_nonce = confirmation_queue.nonce)"
        )
        rows = conn.execute(
            "SELECT reader_id, nonce, queued, claimed_by, claimed_until FROM confirmation_queue "
            "ORDER BY queued, rowid"
        ).fetchall()
    queued = []
    for reader_id, nonce, when, owner, until in rows:
        reader = readers.by_id(reader_id)
        if reader is not None:
            queued.append(
                QueuedConfirmation(
                    reader,
                    nonce,
                    datetime.fromisoformat(when),
                    owner,
                    None if until is None else datetime.fromisoformat(until),
                )
            )
    return queued


def claim(readers: Readers, item: QueuedConfirmation, owner: str, now: datetime) -> bool:
    """Return whether `owner` may mail `item` now: True once it is claimed for `owner` until
    `now` + CLAIM_LEASE; False if another process holds a claim that has not run out and
    may still be running, or the confirmation has left the queue."""
    conn = readers.conn
    # Taken over only from the owner `item` was read with, and seen gone since: a claim made
    # meanwhile by a live process stays its own.
    gone = item.claimed_by if abandoned(item) else None
    # One UPDATE decides: of two processes claiming at once, SQLite lets one write first,
    # and the other then finds the row claimed.
    with transaction(conn):
        cursor = conn.execute(
            "UPDATE confirmation_queue SET claimed_by=?, claimed_until=? "
            "WHERE reader_id=? AND nonce=? "
            "AND (claimed_by IS NULL OR claimed_by=? OR claimed_until<=? OR claimed_by=?)",
            (
                owner,
                _instant(now + CLAIM_LEASE),
                item.reader.id,
                item.nonce,
                owner,
                _instant(now),
                gone,
            ),
        )
    return cursor.rowcount == 1


def release(readers: Readers, item: QueuedConfirmation, owner: str) -> None:
    """Give up `owner`'s claim on `item`, which stays queued: the mail server did not take
    it this time, and any process may try it again."""
    readers.conn.execute(
        "UPDATE confirmation_queue SET claimed_by=NULL, claimed_until=NULL "
        "WHERE reader_id=? AND nonce=? AND claimed_by=?",
        (item.reader.id, item.nonce, owner),
    )


def dequeue(readers: Readers, reader_id: int, nonce: str) -> None:
    """Take the confirmation `nonce` off the queue: the mail server has it, or refused it
    for good."""
    readers.conn.execute(
        "DELETE FROM confirmation_queue WHERE reader_id=? AND nonce=?", (reader_id, nonce)
    )
