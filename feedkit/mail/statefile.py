"""The state's SQLite file: its schema, opened for its owner only and brought to the
current schema, or opened for reading only; and one transaction per recorded fact."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from feedkit.errors import FeedkitError

SCHEMA_VERSION = 6  # 2: the reader list (readers, reader_events); 3: covered_files;
# 4: confirmation_queue; 5: its claims (claimed_by, claimed_until); 6: baseline's title and
# published
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Posts that existed before the first digest: recorded as sent, so nobody gets the archive.
-- Also posts sent before under another ID (see covered_files). With each, its title and
-- when it was published (ISO 8601 in UTC): renamed, a post has another ID and file, and is
-- known by those (NULL: recorded by a feedkit before schema 6, or untitled).
CREATE TABLE IF NOT EXISTS baseline (
    post_id TEXT PRIMARY KEY,
    recorded TEXT NOT NULL,
    title TEXT,
    published TEXT
);
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
-- Confirmation mails asked for by a sign-up and not yet handed to the mail server:
-- `feedkit serve` mails them after answering, and on start those a stopped one left.
-- The process mailing one claims it first, so two on one file never both mail it.
CREATE TABLE IF NOT EXISTS confirmation_queue (
    reader_id INTEGER PRIMARY KEY REFERENCES readers(id) ON DELETE CASCADE,
    nonce TEXT NOT NULL,            -- the confirmation's (readers.confirm_nonce)
    queued TEXT NOT NULL,           -- when the sign-up asked for it
    claimed_by TEXT,                -- the process mailing it now (JSON: claimowner.py)
    claimed_until TEXT              -- ISO 8601 in UTC; after it another process may take it
);
-- Returned mail `feedkit bounces` has read (a hash of its bytes), and soft bounces counted
-- (a hash of reader and digest): reading a mailbox again changes nothing.
CREATE TABLE IF NOT EXISTS bounce_messages (
    hash TEXT PRIMARY KEY,
    processed TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT ''
);
"""
# Columns a later schema added to a table an earlier one made: CREATE TABLE IF NOT EXISTS
# leaves an existing table as it was, so an older file gains them by ALTER TABLE.
ADDED_COLUMNS = {
    "confirmation_queue": ("claimed_by TEXT", "claimed_until TEXT"),  # 5
    "baseline": ("title TEXT", "published TEXT"),  # 6
}


class StateError(FeedkitError):
    """The state database cannot be opened or is not feedkit's."""


def _damaged(conn: sqlite3.Connection, exc: sqlite3.DatabaseError) -> Exception:
    """Return what to raise for `exc`, met reading or writing the state at `conn`: a
    StateError naming the file when SQLite found it damaged (its plain DatabaseError,
    "database disk image is malformed"); `exc` itself otherwise (a constraint, a lock)."""
    if type(exc) is not sqlite3.DatabaseError:
        return exc
    path = getattr(conn, "path", "the state database")
    return StateError(
        f"{path}: the state database is damaged ({exc}); nothing more was recorded in it. "
        "Put back a copy made before (sqlite3's .backup makes one while feedkit runs); "
        "`sqlite3 FILE 'PRAGMA integrity_check'` lists what is damaged"
    )


def _naming_damage(method: Callable[..., Any]) -> Callable[..., Any]:
    """Return `method` of a cursor or connection on the state file, its SQLite error for a
    damaged file raised as `_damaged` says."""

    @functools.wraps(method)
    def guarded(self: Any, *args: Any) -> Any:
        try:
            return method(self, *args)
        except sqlite3.DatabaseError as exc:
            raise _damaged(getattr(self, "connection", self), exc) from exc

    return guarded


class _Cursor(sqlite3.Cursor):
    """A cursor on the state file whose SQLite errors for a damaged file name it."""

    execute = _naming_damage(sqlite3.Cursor.execute)
    executemany = _naming_damage(sqlite3.Cursor.executemany)
    executescript = _naming_damage(sqlite3.Cursor.executescript)
    fetchone = _naming_damage(sqlite3.Cursor.fetchone)
    fetchmany = _naming_damage(sqlite3.Cursor.fetchmany)
    fetchall = _naming_damage(sqlite3.Cursor.fetchall)
    __next__ = _naming_damage(sqlite3.Cursor.__next__)


class _Connection(sqlite3.Connection):
    """A connection to the state file at `path`: its cursors (`execute` makes one) say
    which file is damaged, when SQLite finds it so."""

    path: Path

    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)

    # sqlite3's own `execute` makes a plain cursor, whatever `cursor` makes.
    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        return self.cursor().executemany(sql, parameters)

    def executescript(self, script: str, /) -> Any:
        return self.cursor().executescript(script)

    commit = _naming_damage(sqlite3.Connection.commit)


def _opened(path: Path, target: str, uri: bool = False) -> sqlite3.Connection:
    if path.is_dir():  # SQLite says "disk I/O error"
        raise StateError(
            f"{path}: is a folder, not the state file; set digest.state in feedkit.toml to a "
            "file's path (default: .feedkit/state.db)"
        )
    conn = sqlite3.connect(target, timeout=30, isolation_level=None, uri=uri, factory=_Connection)
    conn.path = path  # type: ignore[attr-defined]
    return conn


def connect(path: Path) -> sqlite3.Connection:
    """Return a connection to the state file at `path`, created (owner-only) when missing
    and brought to this feedkit's schema."""
    try:
        _create_private(path)
        conn = _opened(path, str(path))
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
                _add_columns(conn)
                conn.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION),))
    except sqlite3.DatabaseError as exc:
        raise StateError(f"{path}: cannot open the state database: {exc}") from exc
    return conn


def _add_columns(conn: sqlite3.Connection) -> None:
    """Give the tables of an older file the columns later schemas added, as empty (NULL)."""
    for table, columns in ADDED_COLUMNS.items():
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column.split()[0] not in present:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Return a read-only connection to the state file at `path`: nothing is created or
    changed, the file's bytes stay exactly as they were."""
    try:
        conn = _opened(path, f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM meta").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StateError(f"{path}: cannot read the state database: {exc}") from exc
    return conn


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
