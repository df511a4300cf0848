"""The confirmation mails still to send: a sign-up queues its confirmation in the transaction
that records it (`Readers.request`), and `feedkit serve` mails them from here
(feedkit/web/confirmations.py), also those a stopped or killed service left.

Several `feedkit serve` processes may share one state file (two workers behind a proxy, or
an old one still stopping while the new one starts). Each claims a confirmation in the
database before mailing it, so only one of them mails it. Each holds a lock while it runs
(mail/claimlock.py) and names it in its claims: a claim whose owner still holds its lock is
never taken over, however long its mail takes; one whose owner's lock is free is taken over
at once (its process ended: killed, crashed, its container restarted). A claim whose owner's
lock cannot be tested (no `fcntl`; a feedkit from before the locks) is taken over at once
when its process is known to be gone (mail/claimowner.py: one of this machine, killed or
crashed, or from before the machine restarted), else once it has lasted CLAIM_LEASE: one
killed while mailing cannot keep it forever.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from feedkit.mail.claimlock import lock_held
from feedkit.mail.claimowner import has_died, parse_owner, process_owner
from feedkit.mail.readers import Reader, Readers
from feedkit.mail.statefile import transaction

# For claims whose owner's lock cannot be tested. Longer than a confirmation's mail takes to
# be handed over but for a very slow server (at most 2 tries, each step of the SMTP dialogue
# at most 15 s: feedkit/mail/confirmation.py), so such a claim runs out when its process
# died; short enough that a killed one's confirmation goes soon.
CLAIM_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class QueuedConfirmation:
    """A confirmation recorded with its sign-up and not yet handed to the mail server."""

    reader: Reader
    nonce: str
    queued: datetime  # when the sign-up asked for it
    claimed_by: str | None = None  # the process that last claimed it, if any
    claimed_until: datetime | None = None  # when that claim runs out


def claim_owner(pid: int | None = None, lock: str = "") -> str:
    """Return how claims name this process (or process `pid` of this machine) holding the
    lock `lock` ("" for none): what tells it apart from any other, also one later given its
    process ID (mail/claimowner.py)."""
    return process_owner(os.getpid() if pid is None else pid, lock).text()


def owner_name(claimed_by: str) -> str:
    """Return the host and process ID a claim names, for the log."""
    owner = parse_owner(claimed_by)
    return claimed_by if owner is None else str(owner)


def owner_running(readers: Readers, item: QueuedConfirmation) -> bool | None:
    """Return whether the process that claimed `item` still runs: True while it holds its
    lock; False if it provably no longer runs (its lock is free, or mail/claimowner.py's
    facts say so); None where neither can be known, or nobody claimed it."""
    owner = None if item.claimed_by is None else parse_owner(item.claimed_by)
    if owner is None:
        return None
    if owner.lock:
        held = lock_held(readers.path, owner.lock)
        if held is not None:
            return held
    return False if has_died(owner) else None


def abandoned(readers: Readers, item: QueuedConfirmation) -> bool:
    """Return whether `item` is claimed by a process that is provably no longer running: it
    cannot be mailing it any more, whatever its claim's lease says."""
    return owner_running(readers, item) is False


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
    `now` + CLAIM_LEASE; False if another process holds a claim and still holds its lock,
    or may still be running and its claim has not run out; or the confirmation has left
    the queue."""
    conn = readers.conn
    # Taken over only from the owner `item` was read with, and seen gone since: a claim made
    # meanwhile by a live process stays its own. One seen holding its lock keeps it past
    # its lease: its mail is still on its way.
    running = owner_running(readers, item)
    gone = item.claimed_by if running is False else None
    kept = item.claimed_by if running else None
    # One UPDATE decides: of two processes claiming at once, SQLite lets one write first,
    # and the other then finds the row claimed.
    with transaction(conn):
        cursor = conn.execute(
            "UPDATE confirmation_queue SET claimed_by=?, claimed_until=? "
            "WHERE reader_id=? AND nonce=? AND (claimed_by IS NULL OR claimed_by=? "
            "OR (claimed_until<=? AND claimed_by IS NOT ?) OR claimed_by=?)",
            (
                owner,
                _instant(now + CLAIM_LEASE),
                item.reader.id,
                item.nonce,
                owner,
                _instant(now),
                kept,
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
