"""The reader list, in the state database: who is pending, active, or gone, and why.

Every change is one transaction and leaves an event (consent included: when, from which
IP, which confirmation), so the list can say how each reader got where they are. A
reader who unsubscribed, bounced or complained is never made active again by an import
or a hand-kept subscribers.csv: only their own confirmed sign-up does that.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from feedkit.mail.state import State
from feedkit.mail.statefile import transaction
from feedkit.mail.subscribers import Subscriber

STATUSES = ("pending", "active", "unsubscribed", "bounced", "complained")
GONE = ("unsubscribed", "bounced", "complained")  # only the reader's own sign-up undoes it
_COLUMNS = (
    "id, email, address, name, status, source, created, updated, confirm_nonce, "
    "confirm_sent, subscription, soft_bounces, detail"
)


@dataclass(frozen=True)
class Reader:
    id: int
    key: str  # lower-cased address
    address: str  # as mail is sent to it
    name: str
    status: str
    source: str
    created: datetime
    updated: datetime
    confirm_nonce: str | None
    confirm_sent: datetime | None
    subscription: str | None
    soft_bounces: int
    detail: str

    @property
    def subscriber(self) -> Subscriber:
        return Subscriber(self.address, self.name)


@dataclass(frozen=True)
class Event:
    at: datetime
    event: str
    ip: str
    detail: str


@dataclass(frozen=True)
class Confirmation:
    """A confirmation to mail: the reader is pending, `nonce` goes into the link."""

    reader: Reader
    nonce: str


@dataclass
class ImportCounts:
    added: int = 0
    kept: int = 0  # already on the list, status unchanged
    suppressed: int = 0  # unsubscribed, bounced or complained: not made active again


def _nonce() -> str:
    return secrets.token_urlsafe(12)


def _matches(kept: str | None, given: str) -> bool:
    """Whether a link's nonce is the one kept (in constant time: a guess learns nothing)."""
    return kept is not None and secrets.compare_digest(kept, given)


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


class Readers:
    """The reader list of one state file: `Readers(State.open(path))`."""

    def __init__(self, state: State) -> None:
        self.conn = state.conn
        self.path = state.path  # the state file, beside which services keep their locks

    # -- reading ---------------------------------------------------------------------------

    def _reader(self, row: tuple) -> Reader:  # type: ignore[type-arg]
        (rid, key, address, name, status, source, created, updated, nonce, sent, sub, soft,
         detail) = row  # fmt: skip
        return Reader(
            rid, key, address, name, status, source,
            datetime.fromisoformat(created), datetime.fromisoformat(updated),
            nonce, _time(sent), sub, soft, detail,
        )  # fmt: skip

    def get(self, address: str) -> Reader | None:
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM readers WHERE email=?", (address.strip().lower(),)
        ).fetchone()
        return None if row is None else self._reader(row)

    def by_id(self, reader_id: int) -> Reader | None:
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM readers WHERE id=?", (reader_id,)
        ).fetchone()
        return None if row is None else self._reader(row)

    def all(self, status: str | None = None) -> list[Reader]:
        """Every reader (of one status), in the order they joined."""
        if status is None:
            rows = self.conn.execute(f"SELECT {_COLUMNS} FROM readers ORDER BY id").fetchall()
        else:
            rows = self.conn.execute(
                f"SELECT {_COLUMNS} FROM readers WHERE status=? ORDER BY id", (status,)
            ).fetchall()
        return [self._reader(r) for r in rows]

    def widest(self) -> Reader | None:
        """The active reader with the largest number, whose `feedkit serve` link (it
        carries the number; every subscription's nonce is as long) is the longest; None if
        there is none, or no reader list in a state file from before it."""
        try:
            row = self.conn.execute(
                f"SELECT {_COLUMNS} FROM readers WHERE status='active' ORDER BY id DESC LIMIT 1"
            ).fetchone()
        except sqlite3.OperationalError:
            return None
        return None if row is None else self._reader(row)

    def active(self) -> list[Subscriber]:
        """The readers a digest goes to."""
        rows = self.conn.execute(
            "SELECT address, name FROM readers WHERE status='active' ORDER BY id"
        ).fetchall()
        return [Subscriber(address, name) for address, name in rows]

    def counts(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT status, count(*) FROM readers GROUP BY status")
        found = dict(rows.fetchall())
        return {status: found.get(status, 0) for status in STATUSES}

    def events(self, reader_id: int) -> list[Event]:
        rows = self.conn.execute(
            "SELECT at, event, ip, detail FROM reader_events WHERE reader_id=? ORDER BY rowid",
            (reader_id,),
        ).fetchall()
        return [
            Event(datetime.fromisoformat(at), event, ip, detail) for at, event, ip, detail in rows
        ]

    def confirmation_open(self, reader_id: int, nonce: str) -> bool:
        """Whether `nonce` is the reader's open confirmation's (what `confirm` accepts)."""
        reader = self.by_id(reader_id)
        return reader is not None and _matches(reader.confirm_nonce, nonce)

    def subscription_current(self, reader_id: int, subscription: str) -> bool:
        """Whether `subscription` is the reader's current one's (what `unsubscribe` accepts)."""
        reader = self.by_id(reader_id)
        return reader is not None and _matches(reader.subscription, subscription)

    # -- changing --------------------------------------------------------------------------

    def _event(
        self, reader_id: int, now: datetime, event: str, ip: str = "", detail: str = ""
    ) -> None:
        self.conn.execute(
            "INSERT INTO reader_events VALUES (?, ?, ?, ?, ?)",
            (reader_id, now.isoformat(), event, ip, detail),
        )

    def _set_status(self, reader_id: int, status: str, now: datetime, detail: str = "") -> None:
        self.conn.execute(
            "UPDATE readers SET status=?, updated=?, detail=? WHERE id=?",
            (status, now.isoformat(), detail, reader_id),
        )

    def _insert(self, subscriber: Subscriber, status: str, source: str, now: datetime) -> int:
        cursor = self.conn.execute(
            "INSERT INTO readers (email, address, name, status, source, created, updated, "
            "subscription) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (subscriber.key, subscriber.email, subscriber.name, status, source,
             now.isoformat(), now.isoformat(), _nonce()),
        )  # fmt: skip
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def request(
        self,
        subscriber: Subscriber,
        ip: str,
        now: datetime,
        *,
        resend_after: timedelta = timedelta(minutes=10),
    ) -> Confirmation | None:
        """Record a sign-up from the form: the reader is pending until they confirm.

        Returns the confirmation to mail, or None when no mail should go: the reader is
        already active, or a confirmation went to them less than `resend_after` ago (a
        form cannot be used to flood an inbox). Callers answer the same either way.
        """
        nonce = _nonce()
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT id, status, confirm_sent FROM readers WHERE email=?", (subscriber.key,)
            ).fetchone()
            if row is None:
                reader_id = self._insert(subscriber, "pending", "form", now)
            else:
                reader_id, status, sent = row
                if status == "active":
                    self._event(reader_id, now, "requested", ip, "already active: no mail")
                    return None
                if sent is not None and now - datetime.fromisoformat(sent) < resend_after:
                    self._event(reader_id, now, "requested", ip, "confirmation sent recently")
                    return None
                if status != "pending":
                    # Their old subscription's links stop working once they are back.
                    self.conn.execute(
                        "UPDATE readers SET status='pending', updated=?, detail='' WHERE id=?",
                        (now.isoformat(), reader_id),
                    )
                self.conn.execute("UPDATE readers SET name=? WHERE id=? AND ?<>''",
                                  (subscriber.name, reader_id, subscriber.name))  # fmt: skip
            self.conn.execute(
                "UPDATE readers SET confirm_nonce=?, confirm_sent=? WHERE id=?",
                (nonce, now.isoformat(), reader_id),
            )
            self._event(reader_id, now, "requested", ip, f"confirmation {nonce[:8]}")
            # Queued with the sign-up: a process stopped before mailing it leaves it here.
            self.conn.execute(
                "INSERT OR REPLACE INTO confirmation_queue (reader_id, nonce, queued) "
                "VALUES (?, ?, ?)",
                (reader_id, nonce, now.isoformat()),
            )
        reader = self.by_id(reader_id)
        assert reader is not None
        return Confirmation(reader, nonce)

    def unsent(self, reader_id: int, nonce: str, now: datetime, detail: str) -> None:
        """Record that the confirmation `nonce` could not be mailed and is given up: the
        reader stays pending, and their next sign-up mails one at once instead of after
        resend_after."""
        with transaction(self.conn):
            self.conn.execute(
                "DELETE FROM confirmation_queue WHERE reader_id=? AND nonce=?", (reader_id, nonce)
            )
            cursor = self.conn.execute(
                "UPDATE readers SET confirm_sent=NULL WHERE id=? AND confirm_nonce=?",
                (reader_id, nonce),
            )
            if cursor.rowcount:
                self._event(reader_id, now, "unsent", "", f"confirmation {nonce[:8]}: {detail}")

    def confirm(self, reader_id: int, nonce: str, ip: str, now: datetime) -> Reader | None:
        """Make a pending reader active if `nonce` is their open confirmation's.

        A used, replaced or unknown confirmation returns None and changes nothing. The
        caller checks the link's age (the token says when it was made).
        """
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT confirm_nonce, status FROM readers WHERE id=?", (reader_id,)
            ).fetchone()
            if row is None or not _matches(row[0], nonce):
                return None
            # Their own sign-up is the subscription's source from now on: a subscribers.csv
            # that once brought them in no longer takes them off by a missing row.
            self.conn.execute(
                "UPDATE readers SET status='active', updated=?, detail='', confirm_nonce=NULL, "
                "subscription=?, soft_bounces=0, source='form' WHERE id=?",
                (now.isoformat(), _nonce(), reader_id),
            )
            self._event(reader_id, now, "confirmed", ip, f"confirmation {nonce[:8]}")
        return self.by_id(reader_id)

    def unsubscribe(
        self, reader_id: int, subscription: str, now: datetime, how: str, ip: str = ""
    ) -> Reader | None:
        """Unsubscribe the reader if `subscription` is their current one's; at once.

        Returns the reader (also when they had already left: a second click is answered
        the same), or None for a link that is not theirs or from a subscription they
        since replaced by signing up again.
        """
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT subscription, status FROM readers WHERE id=?", (reader_id,)
            ).fetchone()
            if row is None or not _matches(row[0], subscription):
                return None
            if row[1] in ("active", "pending"):
                self._set_status(reader_id, "unsubscribed", now, how)
                self.conn.execute("UPDATE readers SET confirm_nonce=NULL WHERE id=?", (reader_id,))
                self._event(reader_id, now, "unsubscribed", ip, how)
        return self.by_id(reader_id)

    def leave(
        self, address: str, now: datetime, status: str, detail: str, *, event: str = ""
    ) -> Reader | None:
        """Take a reader off the list as `status` (unsubscribed, complained), e.g. from
        an unsubscribe email or a feedback report; None if the address is not on it.
        The event is named `event` (default: the status), e.g. "removed" by the operator."""
        assert status in GONE
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT id, status FROM readers WHERE email=?", (address.strip().lower(),)
            ).fetchone()
            if row is None:
                return None
            if row[1] != status and not (row[1] == "complained" and status == "unsubscribed"):
                self._set_status(row[0], status, now, detail)
            self.conn.execute("UPDATE readers SET confirm_nonce=NULL WHERE id=?", (row[0],))
            self._event(row[0], now, event or status, "", detail)
        return self.by_id(row[0])

    def bounce(
        self, address: str, now: datetime, *, hard: bool, detail: str, soft_limit: int = 3
    ) -> Reader | None:
        """Count a bounce: a hard one, or the `soft_limit`-th soft one in a row, makes the
        reader bounced. None if the address is not on the list."""
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT id, status, soft_bounces FROM readers WHERE email=?",
                (address.strip().lower(),),
            ).fetchone()
            if row is None:
                return None
            reader_id, status, soft = row
            soft = soft if hard else soft + 1
            self.conn.execute("UPDATE readers SET soft_bounces=? WHERE id=?", (soft, reader_id))
            self._event(reader_id, now, "bounce" if hard else "soft-bounce", "", detail)
            if status in ("active", "pending") and (hard or soft >= soft_limit):
                self._set_status(reader_id, "bounced", now, detail)
        return self.by_id(reader_id)

    def delivered(self, address: str) -> None:
        """A message reached the reader: their soft bounces start counting from zero."""
        self.conn.execute(
            "UPDATE readers SET soft_bounces=0 WHERE email=? AND soft_bounces>0",
            (address.strip().lower(),),
        )

    def add(
        self, subscriber: Subscriber, now: datetime, source: str, *, ip: str = "", detail: str = ""
    ) -> str:
        """Add a reader the operator vouches for as active.

        Returns "added", "kept" (already active or pending: unchanged) or the status that
        keeps them off the list (unsubscribed, bounced, complained): they are not made
        active again behind their back.
        """
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT id, status FROM readers WHERE email=?", (subscriber.key,)
            ).fetchone()
            if row is None:
                reader_id = self._insert(subscriber, "active", source, now)
                self._event(reader_id, now, "added", ip, detail or source)
                return "added"
            return "kept" if row[1] in ("active", "pending") else str(row[1])

    def import_rows(
        self, subscribers: Iterable[Subscriber], now: datetime, source: str
    ) -> ImportCounts:
        """Add many readers at once (one transaction), as `add` does each."""
        counts = ImportCounts()
        with transaction(self.conn):
            for subscriber in subscribers:
                row = self.conn.execute(
                    "SELECT status FROM readers WHERE email=?", (subscriber.key,)
                ).fetchone()
                if row is None:
                    reader_id = self._insert(subscriber, "active", source, now)
                    self._event(reader_id, now, "imported", "", source)
                    counts.added += 1
                elif row[0] in GONE:
                    counts.suppressed += 1
                else:
                    counts.kept += 1
        return counts

    def rename(self, address: str, name: str) -> None:
        """Give a reader another name (edited in subscribers.csv); nothing else changes."""
        self.conn.execute(
            "UPDATE readers SET name=? WHERE email=?", (name, address.strip().lower())
        )

    def forget(self, address: str) -> bool:
        """Delete everything kept about a reader (their right to erasure); True if found."""
        with transaction(self.conn):
            cursor = self.conn.execute(
                "DELETE FROM readers WHERE email=?", (address.strip().lower(),)
            )
        return cursor.rowcount > 0
