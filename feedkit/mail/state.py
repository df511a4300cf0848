"""What was sent to whom, in SQLite: crash-safe, one transaction per recorded fact."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from feedkit.errors import FeedkitError

SCHEMA_VERSION = 3  # 2: the reader list (readers, reader_events); 3: covered_files
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Posts that existed before the first digest: recorded as sent, so nobody gets the archive.
-- Also posts sent before under another ID (see covered_files).
CREATE TABLE IF NOT EXISTS baseline (post_id TEXT PRIMARY KEY, recorded TEXT NOT NULL);
-- The file (as messages show it: from the site's folder) of each post the baseline or a
-- digest covered, and when. A new `permalink`, `base_url` or `[feed] ids` gives every post
-- a new ID; a post known by its file, published before it was recorded, is not new.
CREATE TABLE IF NOT EXISTS covered_files (path TEXT PRIMARY KEY, recorded TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS digests (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,          -- ISO 8601; also the messages' Date header
    slot TEXT UNIQUE,               -- the scheduled time it serves, if any
    note TEXT NOT NULL DEFAULT ''
);
-- A digest's post list, frozen when it is created: a resumed run re-sends the same digest.
CREATE TABLE IF NOT EXISTS digest_posts (
    digest_id TEXT NOT NULL REFERENCES digests(id),
    position INTEGER NOT NULL,
    post_id TEXT NOT NULL,
    snapshot TEXT NOT NULL,         -- JSON of PostSnapshot
    PRIMARY KEY (digest_id, position)
);
CREATE INDEX IF NOT EXISTS digest_posts_post ON digest_posts(post_id);
-- Scheduled times ("slots") and what became of each: at most one digest run per slot.
CREATE TABLE IF NOT EXISTS slots (
    job TEXT NOT NULL,
    slot TEXT NOT NULL,             -- wall-clock time and zone, e.g. 2026-03-29T02:30 Europe/Berlin
    due TEXT NOT NULL,              -- the instant it was due (ISO 8601)
    status TEXT NOT NULL,           -- served | coalesced | skipped
    detail TEXT NOT NULL DEFAULT '',
    recorded TEXT NOT NULL,
    PRIMARY KEY (job, slot)
);
CREATE TABLE IF NOT EXISTS recipients (
    digest_id TEXT NOT NULL REFERENCES digests(id),
    email TEXT NOT NULL,            -- lower-cased address
    name TEXT NOT NULL,
    status TEXT NOT NULL,           -- pending | sent | failed | deferred | dropped
    attempts INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL,
    PRIMARY KEY (digest_id, email)
);
-- The reader list (see readers.py). `id` goes into links, so no address is ever in a URL.
CREATE TABLE IF NOT EXISTS readers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,     -- lower-cased address: the key, as in recipients
    address TEXT NOT NULL,          -- as mail is sent to it
    name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,           -- pending | active | unsubscribed | bounced | complained
    source TEXT NOT NULL,           -- form | cli | import: FILE | subscribers.csv
    created TEXT NOT NULL,
    updated TEXT NOT NULL,          -- when the status last changed
    confirm_nonce TEXT,             -- the open confirmation's; cleared once used
    confirm_sent TEXT,              -- when its mail was asked for
    subscription TEXT,              -- this subscription's; unsubscribe links carry it
    soft_bounces INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS readers_status ON readers(status);
-- What happened to each reader, and consent: when, from which IP, which confirmation.
CREATE TABLE IF NOT EXISTS reader_events (
    reader_id INTEGER NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS reader_events_reader ON reader_events(reader_id);
-- Returned mail `feedkit bounces` has read (a hash of its bytes), and soft bounces counted
-- (a hash of reader and digest): reading a mailbox again changes nothing.
CREATE TABLE IF NOT EXISTS bounce_messages (
    hash TEXT PRIMARY KEY,
    processed TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT ''
);
"""
FINAL = ("sent", "failed", "dropped")


class StateError(FeedkitError):
    """The state database cannot be opened or is not feedkit's."""


@dataclass(frozen=True)
class PostSnapshot:
    """What a digest shows of a post, frozen when the digest is created."""

    id: str
    title: str
    url: str
    published: str  # ISO 8601
    reading_minutes: int
    authors: tuple[str, ...]
    summary: str
    image: str | None
    # Added later: digests recorded before have none of these.
    image_alt: str = ""  # what the image shows; "" when the post does not say
    updated: str = ""  # ISO 8601, when the post says it was updated after `published`
    html: str = ""  # the whole body as email HTML, for [digest] content = "full"
    text: str = ""  # the whole body as plain text (its Markdown), likewise
    image_height: int = 0  # at the card's width, when the image's file is the site's; else 0


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    status: str = "pending"
    attempts: int = 0
    detail: str = ""


@dataclass(frozen=True)
class DigestRecord:
    id: str
    created: datetime
    slot: str | None
    posts: tuple[PostSnapshot, ...]


class State:
    """The state file. Open it with `State.open(path)`; every write commits at once."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> State:
        if not create and not path.exists():
            raise StateError(f"{path}: no state yet (no digest has run)")
        try:
            _create_private(path)
            conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a recorded delivery survives a power cut, not just a killed process.
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.executescript(SCHEMA)  # idempotent: every statement is IF NOT EXISTS
            with transaction(conn):
                version = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                if version is None:
                    conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                elif int(version[0]) > SCHEMA_VERSION:
                    raise StateError(f"{path}: made by a newer feedkit (schema {version[0]})")
                elif int(version[0]) < SCHEMA_VERSION:  # the new tables were made above
                    conn.execute(
                        "UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION),)
                    )
        except sqlite3.DatabaseError as exc:
            raise StateError(f"{path}: cannot open the state database: {exc}") from exc
        return cls(conn, path)

    @classmethod
    def open_readonly(cls, path: Path) -> State | None:
        """Return the state for reading only (preview, dry runs), or None if there is none.

        Nothing is created or changed: the file's bytes stay exactly as they were.
        """
        if not path.exists():
            return None
        try:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, isolation_level=None
            )
            conn.execute("SELECT count(*) FROM meta").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StateError(f"{path}: cannot read the state database: {exc}") from exc
        return cls(conn, path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what is known -------------------------------------------------------------------

    def has_baseline(self) -> bool:
        row = self.conn.execute("SELECT value FROM meta WHERE key='baseline'").fetchone()
        return row is not None

    def record_baseline(
        self, post_ids: Iterable[str], now: datetime, paths: Iterable[str] = ()
    ) -> None:
        """Record the archive as already sent (first run), with the posts' files, in one
        transaction."""
        with transaction(self.conn):
            self.record_sent(post_ids, now)
            self.record_files(paths, now)
            for key in ("baseline", "covered_files"):
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, now.isoformat())
                )

    def record_sent(self, post_ids: Iterable[str], now: datetime) -> None:
        """Record posts as sent without a digest: the archive on the first run, and posts
        sent before under another ID. In one transaction: with every post's ID changed,
        a commit per post would sync the database thousands of times."""
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT OR IGNORE INTO baseline VALUES (?, ?)",
                [(pid, now.isoformat()) for pid in post_ids],
            )

    def record_files(self, paths: Iterable[str], now: datetime) -> None:
        """Record the files of posts the baseline or a digest covers now."""
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT OR REPLACE INTO covered_files VALUES (?, ?)",
                [(path, now.isoformat()) for path in paths],
            )

    def files_recorded(self) -> bool:
        """Return True once the files of the posts known before schema 3 are recorded."""
        row = self.conn.execute("SELECT value FROM meta WHERE key='covered_files'").fetchone()
        return row is not None or not self.has_baseline()

    def record_known_files(self, ids: Sequence[str], paths: Sequence[str], now: datetime) -> None:
        """Record the files of the posts (`ids` and `paths` side by side) already known by
        their IDs, once: a state from before schema 3 has none."""
        known, when = self.known_post_ids(), now.isoformat()
        pairs = zip(ids, paths, strict=True)
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT OR IGNORE INTO covered_files VALUES (?, ?)",
                [(path, when) for pid, path in pairs if pid in known],
            )
            self.conn.execute(
                "INSERT OR REPLACE INTO meta VALUES ('covered_files', ?)", (now.isoformat(),)
            )

    def covered_files(self, paths: Iterable[str]) -> dict[str, datetime]:
        """Return when each of `paths` that the baseline or a digest covered was recorded."""
        found: dict[str, datetime] = {}
        wanted = list(dict.fromkeys(paths))
        for start in range(0, len(wanted), 500):  # SQLite's limit on a query's parameters
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT path, recorded FROM covered_files WHERE path IN ({marks})", chunk
            )
            found.update((path, datetime.fromisoformat(when)) for path, when in rows)
        return found

    def known_post_ids(self) -> set[str]:
        """Return the IDs of posts in the baseline or in any digest: not new any more."""
        rows = self.conn.execute(  # UNION ALL: the set drops repeats faster than SQLite does
            "SELECT post_id FROM baseline UNION ALL SELECT post_id FROM digest_posts"
        )
        return {r[0] for r in rows}

    # -- digests ---------------------------------------------------------------------------

    def create_digest(
        self, digest: DigestRecord, recipients: Iterable[Recipient], paths: Iterable[str] = ()
    ) -> None:
        """Store a new digest, its frozen post list, their files and its recipients, all or
        nothing."""
        now = digest.created.isoformat()
        with transaction(self.conn):
            self.record_files(paths, digest.created)
            self.conn.execute(
                "INSERT INTO digests (id, created, slot) VALUES (?, ?, ?)",
                (digest.id, now, digest.slot),
            )
            self.conn.executemany(
                "INSERT INTO digest_posts VALUES (?, ?, ?, ?)",
                [
                    (digest.id, i, p.id, json.dumps(asdict(p), ensure_ascii=False))
                    for i, p in enumerate(digest.posts)
                ],
            )
            self.conn.executemany(
                "INSERT INTO recipients (digest_id, email, name, status, updated) "
                "VALUES (?, ?, ?, 'pending', ?)",
                [(digest.id, r.email, r.name, now) for r in recipients],
            )

    def digest(self, digest_id: str) -> DigestRecord:
        row = self.conn.execute(
            "SELECT id, created, slot FROM digests WHERE id=?", (digest_id,)
        ).fetchone()
        if row is None:
            raise StateError(f"{self.path}: no digest {digest_id!r}")
        posts = tuple(
            _snapshot(json.loads(r[0]))
            for r in self.conn.execute(
                "SELECT snapshot FROM digest_posts WHERE digest_id=? ORDER BY position",
                (digest_id,),
            )
        )
        return DigestRecord(row[0], datetime.fromisoformat(row[1]), row[2], posts)

    def unfinished_digests(self) -> list[DigestRecord]:
        """Return digests that some recipient still waits for, oldest first."""
        rows = self.conn.execute(
            "SELECT DISTINCT d.id, d.created FROM digests d JOIN recipients r "
            "ON r.digest_id = d.id WHERE r.status IN ('pending', 'deferred') "
            "ORDER BY d.created, d.id"
        ).fetchall()
        return [self.digest(r[0]) for r in rows]

    def recipients(self, digest_id: str, *, waiting_only: bool = False) -> list[Recipient]:
        """Return a digest's readers in list order; `waiting_only`: those not yet served,
        the least tried first, so a few readers refused every time never hold up the rest."""
        sql = "SELECT email, name, status, attempts, detail FROM recipients WHERE digest_id=?"
        order = " ORDER BY rowid"
        if waiting_only:
            sql += " AND status IN ('pending', 'deferred')"
            order = " ORDER BY attempts, rowid"
        rows = self.conn.execute(sql + order, (digest_id,))
        return [Recipient(*r) for r in rows]

    def put_back(self, digest_id: str, emails: Iterable[str] | None, now: datetime) -> int:
        """Make failed readers of a digest (all, if `emails` is None) pending again, in one
        transaction; return how many. Their last refusal stays as the detail."""
        sql = (
            "UPDATE recipients SET status='pending', updated=? "
            "WHERE digest_id=? AND status='failed'"
        )
        with transaction(self.conn):
            if emails is None:
                return self.conn.execute(sql, (now.isoformat(), digest_id)).rowcount
            return sum(
                self.conn.execute(sql + " AND email=?", (now.isoformat(), digest_id, e)).rowcount
                for e in emails
            )

    def record_outcome(
        self, digest_id: str, email: str, status: str, detail: str, now: datetime
    ) -> None:
        """Store one recipient's result at once, so a crash loses at most the one in flight."""
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE recipients SET status=?, detail=?, attempts=attempts+1, updated=? "
                "WHERE digest_id=? AND email=?",
                (status, detail, now.isoformat(), digest_id, email),
            )

    def erase_recipient(self, email: str) -> int:
        """Delete a reader's rows from every digest's recipients (their right to erasure);
        return how many there were."""
        with transaction(self.conn):
            cursor = self.conn.execute(
                "DELETE FROM recipients WHERE email=?", (email.strip().lower(),)
            )
        return cursor.rowcount

    def digest_for_slot(self, slot: str) -> str | None:
        row = self.conn.execute("SELECT id FROM digests WHERE slot=?", (slot,)).fetchone()
        return row[0] if row else None

    # -- scheduled slots ---------------------------------------------------------------------

    def slot_status(self, job: str, slot: str) -> str | None:
        row = self.conn.execute(
            "SELECT status FROM slots WHERE job=? AND slot=?", (job, slot)
        ).fetchone()
        return row[0] if row else None

    def record_slot(
        self, job: str, slot: str, due: datetime, status: str, detail: str, now: datetime
    ) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO slots VALUES (?, ?, ?, ?, ?, ?)",
                (job, slot, due.isoformat(), status, detail, now.isoformat()),
            )

    def last_slot_due(self, job: str) -> datetime | None:
        """Return when the latest recorded slot of `job` was due, if any."""
        rows = self.conn.execute("SELECT due FROM slots WHERE job=?", (job,)).fetchall()
        return max((datetime.fromisoformat(r[0]) for r in rows), default=None)

    def recent_digests(self, limit: int = 10) -> list[tuple[DigestRecord, list[Recipient]]]:
        rows = self.conn.execute(
            "SELECT id FROM digests ORDER BY created DESC, id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [(self.digest(r[0]), self.recipients(r[0])) for r in rows]

    def sent_digests(self) -> list[DigestRecord]:
        """Return the digests that reached at least one reader, newest first."""
        rows = self.conn.execute(
            "SELECT id FROM digests d WHERE EXISTS (SELECT 1 FROM recipients r "
            "WHERE r.digest_id = d.id AND r.status = 'sent')"
        ).fetchall()
        records = [self.digest(r[0]) for r in rows]
        # By instant, not by text: two runs may have recorded their times in other zones.
        return sorted(records, key=lambda d: (d.created, d.id), reverse=True)

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _private_folder(folder: Path) -> None:
    """Make `folder` (and missing parents) for the owner only; an existing one is left as is."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def _create_private(path: Path) -> None:
    """Make sure the state file exists and only its owner can read it.

    It holds every subscriber's address. A new file is created 0600 before SQLite opens it
    (SQLite gives its -wal and -shm files the database file's mode); one left readable by
    other users by an older feedkit is closed to them.
    """
    try:
        _private_folder(path.parent)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            try:
                mode = file.stat().st_mode
                if mode & 0o077:
                    os.chmod(file, mode & 0o700)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise StateError(
                    f"{file}: is readable by other users and cannot be made private: {exc.strerror}"
                ) from exc
    except OSError as exc:
        raise StateError(f"{path}: cannot create the state file: {exc.strerror}") from exc


def _snapshot(data: dict[str, Any]) -> PostSnapshot:
    data = dict(data)
    data["authors"] = tuple(data.get("authors") or ())  # JSON has lists, the dataclass tuples
    return PostSnapshot(**data)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    if conn.in_transaction:  # inside another one: a savepoint, kept or undone with it
        conn.execute("SAVEPOINT nested")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO nested")
            conn.execute("RELEASE nested")
            raise
        conn.execute("RELEASE nested")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
