"""The confirmation mails still to send: a sign-up queues its confirmation in the transaction
that records it (`Readers.request`), and `feedkit serve` mails them from here
(feedkit/web/confirmations.py), also those a stopped or killed service left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedkit.mail.readers import Reader, Readers
from feedkit.mail.statefile import transaction


@dataclass(frozen=True)
class QueuedConfirmation:
    """A confirmation recorded with its sign-up and not yet handed to the mail server."""

    reader: Reader
    nonce: str
    queued: datetime  # when the sign-up asked for it


def queued_confirmations(readers: Readers) -> list[QueuedConfirmation]:
    """Return the confirmations still to mail, oldest first. One no longer open (used,
    replaced by a newer one, or its reader left) leaves the queue unmailed."""
    conn = readers.conn
    with transaction(conn):
        conn.execute(
            "DELETE FROM confirmation_queue WHERE NOT EXISTS (SELECT 1 FROM readers r "
            "WHERE r.id = confirmation_queue.reader_id AND r.status = 'pending' "
            "AND r.confirm_nonce = confirmation_queue.nonce)"
        )
        rows = conn.execute(
            "SELECT reader_id, nonce, queued FROM confirmation_queue ORDER BY queued, rowid"
        ).fetchall()
    queued = []
    for reader_id, nonce, when in rows:
        reader = readers.by_id(reader_id)
        if reader is not None:
            queued.append(QueuedConfirmation(reader, nonce, datetime.fromisoformat(when)))
    return queued


def dequeue(readers: Readers, reader_id: int, nonce: str) -> None:
    """Take the confirmation `nonce` off the queue: the mail server has it, or refused it
    for good."""
    readers.conn.execute(
        "DELETE FROM confirmation_queue WHERE reader_id=? AND nonce=?", (reader_id, nonce)
    )
