"""What was sent to whom, and when, in the state file (its SQLite handling: mail/statefile.py):
crash-safe, one transaction per recorded fact."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feedkit.mail.statefile import StateError, connect, connect_readonly, transaction

# A post as the state knows it besides its ID: its title and when it was published.
Titled = tuple[str, datetime]


def _title_key(titled: Titled) -> tuple[str | None, str | None]:
    """Return a post's title and publication time as the baseline holds them: the instant
    in UTC, so that equal instants are equal text; (None, None) for an untitled post."""
    title, published = titled
    if not title:
        return None, None
    return title, published.astimezone(UTC).isoformat()


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
    language: str = ""  # the post's language when it is not the site's (its `lang`); else ""
    # A post too big to mail in full on its own: its HTML's size in bytes; its card shows
    # its summary and a link (`html` and `text` are empty). 0 otherwise.
    full_bytes: int = 0


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
        return cls(connect(path), path)

    @classmethod
    def open_readonly(cls, path: Path) -> State | None:
        """Return the state for reading only (preview, dry runs), or None if there is none.

        Nothing is created or changed: the file's bytes stay exactly as they were.
        """
        if not path.exists():
            return None
        return cls(connect_readonly(path), path)

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
        self,
        post_ids: Sequence[str],
        now: datetime,
        paths: Iterable[str] = (),
        titled: Sequence[Titled] = (),
    ) -> None:
        """Record the archive as already sent (first run), with the posts' files and
        (`titled`, beside `post_ids`) their titles and dates, in one transaction."""
        with transaction(self.conn):
            self.record_sent(post_ids, now, paths, titled)  # no file is recorded before it
            for key in ("baseline", "covered_files", "baseline_titles"):
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, now.isoformat())
                )

    def record_sent(
        self,
        post_ids: Sequence[str],
        now: datetime,
        paths: Iterable[str] = (),
        titled: Sequence[Titled] = (),
    ) -> None:
        """Record posts as sent without a digest: the archive on the first run, and posts
        sent before under another ID, with `paths`, their files not recorded yet (one
        already recorded keeps its time), and `titled` (beside `post_ids`), their titles
        and dates. In one transaction: with every post's ID changed, a commit per post
        would sync the database thousands of times."""
        keys = [_title_key(each) for each in titled] or [(None, None)] * len(post_ids)
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT OR IGNORE INTO baseline (post_id, recorded, title, published) "
                "VALUES (?, ?, ?, ?)",
                [(pid, now.isoformat(), *key) for pid, key in zip(post_ids, keys, strict=True)],
            )
            self.conn.executemany(
                "INSERT OR IGNORE INTO covered_files VALUES (?, ?)",
                [(path, now.isoformat()) for path in paths],
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

    def titles_recorded(self) -> bool:
        """Return True once the titles and dates of the archive's posts are recorded (a
        state from before schema 6 has none)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key='baseline_titles'").fetchone()
        return row is not None or not self.has_baseline()

    def untitled_ids(self) -> set[str]:
        """Return the IDs of the posts the baseline holds without a title and date."""
        rows = self.conn.execute("SELECT post_id FROM baseline WHERE published IS NULL")
        return {r[0] for r in rows}

    def record_known_titles(
        self, ids: Sequence[str], titled: Sequence[Titled], now: datetime
    ) -> None:
        """Record the titles and dates (`titled`, beside `ids`) of posts the baseline holds
        without, once: a state from before schema 6 has none."""
        keys = [_title_key(each) for each in titled]
        with transaction(self.conn):
            self.conn.executemany(
                "UPDATE baseline SET title = ?, published = ? "
                "WHERE post_id = ? AND published IS NULL",
                [(*key, pid) for pid, key in zip(ids, keys, strict=True)],
            )
            self.conn.execute(
                "INSERT OR REPLACE INTO meta VALUES ('baseline_titles', ?)",
                (now.isoformat(),),
            )

    def mailed(self, posts: Iterable[Titled]) -> set[Titled]:
        """Return those of `posts` (a title and the time it was published, each) that a
        digest mailed, or the baseline recorded, under whatever ID: one of the digests'
        frozen posts, or of the baseline's, has that title and was published at that
        instant. A post whose file was renamed has another URL, so another ID, and is the
        same post."""
        found: set[Titled] = set()
        titled_baseline = self._baseline_titled()
        for title, published in set(posts):
            if titled_baseline:
                row = self.conn.execute(
                    "SELECT 1 FROM baseline WHERE title = ? AND published = ? LIMIT 1",
                    _title_key((title, published)),
                ).fetchone()
                if row is not None:
                    found.add((title, published))
                    continue
            # Snapshots are stored as json.dumps(…, ensure_ascii=False) writes them: the
            # rows that hold the title as their "title" (or as text that looks so), then
            # the ones that really do.
            key = '"title": ' + json.dumps(title, ensure_ascii=False)
            rows = self.conn.execute(
                "SELECT snapshot FROM digest_posts WHERE instr(snapshot, ?) > 0", (key,)
            )
            for (text,) in rows:
                shown = json.loads(text)
                if (
                    shown["title"] == title
                    and datetime.fromisoformat(shown["published"]) == published
                ):
                    found.add((title, published))
                    break
        return found

    def _baseline_titled(self) -> bool:
        """Return True when the baseline has its titles' columns: a state opened for
        reading only is as an older feedkit may have left it."""
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(baseline)")}
        return "published" in columns

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


def _snapshot(data: dict[str, Any]) -> PostSnapshot:
    data = dict(data)
    data["authors"] = tuple(data.get("authors") or ())  # JSON has lists, the dataclass tuples
    return PostSnapshot(**data)
