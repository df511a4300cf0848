"""One `feedkit bounces` run: returned mail applied to the reader list, once; and the refusals
a digest meets at send time, which are bounces too.

Every message read is remembered in the state database by a hash of its bytes, so reading
the same mailbox again changes nothing; soft bounces are also counted once per reader and
digest, so a server's second "still trying" notice about one digest is not a second strike.
The mailbox itself is left as it is (a mail client or IMAP server may own it).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from feedkit.config import Config
from feedkit.mail.bounces import (
    KIND_NAMES,
    KINDS,
    Finding,
    Returned,
    classify,
    read_mail,
    reply_status,
    severity,
)
from feedkit.mail.identity import digest_of
from feedkit.mail.readers import Reader, Readers
from feedkit.mail.state import State
from feedkit.mail.statefile import StateError, transaction
from feedkit.mail.subscribers import AddressError, mail_address
from feedkit.mail.tokens import secret_path, site_secret
from feedkit.mail.verp import verp_tag

COUNTED = {
    "hard": "hard bounce(s)",
    "soft": "soft bounce(s)",
    "complaint": "complaint(s)",
    "unsubscribe": "unsubscribe email(s)",
    "ignored": "ignored",
    "not understood": "not understood",
}


@dataclass(frozen=True)
class Applied:
    """What one finding did to the reader list."""

    label: str  # which message
    finding: Finding
    address: str  # the reader it was applied to; the address the mail named if none
    outcome: str  # the reader's status after, or why nothing changed
    changed: bool = False  # the reader's status changed


@dataclass
class BounceReport:
    dry_run: bool = False
    applied: list[Applied] = field(default_factory=list)
    seen_before: int = 0  # messages an earlier run already read
    changed: int = 0  # readers whose status changed

    def lines(self) -> list[str]:
        lines = ["Dry run: nothing is recorded."] if self.dry_run else []
        for a in self.applied:
            what = KIND_NAMES[a.finding.kind]
            if a.finding.kind in ("ignored", "not understood"):
                lines.append(f"{a.label}: {what}: {_cut(a.finding.detail)}")
                continue
            who = " ".join(x for x in (a.address, a.finding.status) if x)
            about = f" {who}" if who else ""
            detail = f" ({_cut(a.finding.detail)})" if a.finding.detail else ""
            lines.append(f"{a.label}: {what}{about}: {a.outcome}{detail}")
        counts = Counter(a.finding.kind for a in self.applied)
        summary = ", ".join(f"{counts[k]} {COUNTED[k]}" for k in KINDS if counts[k])
        messages = len({a.label for a in self.applied})
        total = f"{messages} message(s) read: {summary or 'nothing'}"
        if self.seen_before:
            total += f"; {self.seen_before} read before, skipped"
        verb = "would change" if self.dry_run else "changed"
        lines.append(f"{total}; {self.changed} reader(s) {verb} status.")
        return lines


def _cut(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def run_bounces(
    cfg: Config,
    path: Path,
    now: datetime,
    *,
    dry_run: bool = False,
    environ: dict[str, str] | None = None,
) -> BounceReport:
    """Read the returned mail at `path` and apply it to the reader list (undone if dry)."""
    env = dict(os.environ if environ is None else environ)
    mail = read_mail(path)  # a PATH that is no mailbox fails here, before anything is made
    bounce_address = cfg.digest.bounce_address
    secret = None
    # A dry run makes no secret: without one, no digest ever went out with a tag.
    kept = cfg.digest.secret_env in env or secret_path(cfg).exists()
    if bounce_address and (kept or not dry_run):
        secret = site_secret(cfg, env)
    state_path = cfg.path(cfg.digest.state)
    with TemporaryDirectory() as scratch:
        if dry_run and not state_path.exists():
            state_path = Path(scratch) / "state.db"  # an empty list, thrown away
        with State.open(state_path) as state:
            try:
                return _apply_all(state, mail, now, bounce_address, secret, cfg, dry_run)
            except sqlite3.OperationalError as exc:  # locked by another writer for 30 s
                raise StateError(
                    f"{state_path}: {exc}; run feedkit bounces again later (mail it has "
                    "recorded is skipped then)"
                ) from exc


def _apply_all(
    state: State,
    mail: Iterable[Returned],
    now: datetime,
    bounce_address: str | None,
    secret: bytes | None,
    cfg: Config,
    dry_run: bool,
) -> BounceReport:
    report = BounceReport(dry_run=dry_run)
    readers = Readers(state)
    apply = _Applier(readers, now, secret, cfg.digest.soft_bounce_limit)
    conn = state.conn
    if dry_run:  # the same work as a real run, undone at the end
        conn.execute("BEGIN IMMEDIATE")
    try:
        for message in mail:
            if message.raw is None:
                finding = Finding("not understood", detail=message.problem)
                report.applied.append(Applied(message.label, finding, "", "skipped"))
                continue
            key = hashlib.sha256(message.raw).hexdigest()
            if conn.execute("SELECT 1 FROM bounce_messages WHERE hash=?", (key,)).fetchone():
                report.seen_before += 1
                continue
            findings = classify(message.raw, bounce_address)
            with transaction(conn):  # the message is read once, with all it changes
                if not _remember(conn, key, now):  # another run read it meanwhile
                    report.seen_before += 1
                    continue
                for finding in findings:
                    applied = apply(message.label, finding)
                    report.changed += applied.changed
                    report.applied.append(applied)
    finally:
        if dry_run:
            conn.execute("ROLLBACK")
    return report


def _remember(conn: sqlite3.Connection, key: str, now: datetime, outcome: str = "") -> bool:
    """Record `key` as done; return False if it already was."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO bounce_messages VALUES (?, ?, ?)", (key, now.isoformat(), outcome)
    )
    return bool(cursor.rowcount)


def _last_digest(conn: sqlite3.Connection, key: str) -> str:
    """Return the ID of the last digest sent to the reader `key`, as a soft bounce's key
    ("digest:ID"), or "" if none was."""
    row = conn.execute(
        "SELECT digest_id FROM recipients WHERE email = ? AND status = 'sent' "
        "ORDER BY updated DESC, digest_id DESC LIMIT 1",
        (key,),
    ).fetchone()
    return f"digest:{row[0]}" if row else ""


def _as_listed(address: str) -> str:
    """Return `address` as the reader list keeps it, its domain in ASCII (IDNA) form: a
    report or a reader's mail may name `x@münchen.example`, the list holds
    `x@xn--mnchen-3ya.example`."""
    try:
        return mail_address(address)
    except AddressError:
        return address


class _Applier:
    """Applies findings to the reader list."""

    def __init__(self, readers: Readers, now: datetime, secret: bytes | None, limit: int) -> None:
        self.readers = readers
        self.now = now
        self.secret = secret
        self.limit = limit
        self._tags: dict[str, str] | None = None

    def _by_tag(self, tag: str) -> str | None:
        if self.secret is None:
            return None
        if self._tags is None:  # one HMAC per reader, once a run
            secret = self.secret
            self._tags = {verp_tag(secret, r.key): r.key for r in self.readers.all()}
        return self._tags.get(tag)

    def __call__(self, label: str, finding: Finding) -> Applied:
        kind = finding.kind
        if kind in ("ignored", "not understood"):
            return Applied(label, finding, finding.address, "")
        if kind == "unsubscribe":  # the From address is the authority, as for any mailto
            key: str | None = _as_listed(finding.address)
        elif finding.tag:
            key = self._by_tag(finding.tag)
            if key is None:
                return Applied(label, finding, finding.address, "its VERP tag names no reader")
        else:
            key = _as_listed(finding.address)
        before = self.readers.get(key) if key else None
        if before is None:
            return Applied(label, finding, finding.address, "not on the list")
        after = self._change(before, finding)
        changed = after is not None and after.status != before.status
        return Applied(label, finding, before.address, _outcome(before, after, self.limit), changed)

    def _change(self, reader: Reader, finding: Finding) -> Reader | None:
        detail = " ".join(x for x in (finding.status, finding.detail) if x)[:300]
        readers, now = self.readers, self.now
        if finding.kind == "complaint":
            return readers.leave(reader.key, now, "complained", detail)
        if finding.kind == "unsubscribe":
            return readers.leave(reader.key, now, "unsubscribed", "unsubscribe email")
        if finding.kind == "soft":
            # A warning about a digest counts once: the one it names, or else (a delay
            # warning without the digest's header, as Exim and sendmail repeat them) the
            # last one sent; named by its ID either way, as they may come one of each.
            named = digest_of(finding.original)
            about = (
                f"digest:{named}"
                if named
                else finding.original or _last_digest(readers.conn, reader.key)
            )
            once = hashlib.sha256(f"soft\n{reader.key}\n{about}".encode()).hexdigest()
            if about and not _remember(readers.conn, once, now, "soft bounce"):
                return None  # counted already for this digest
        hard = finding.kind == "hard"
        return readers.bounce(reader.key, now, hard=hard, detail=detail, soft_limit=self.limit)


def _outcome(before: Reader, after: Reader | None, limit: int) -> str:
    if after is None:
        return f"{before.status}, already counted for this digest"
    if after.status != before.status:
        return f"now {after.status}"
    if after.status == "active" and after.soft_bounces:
        return f"still active ({after.soft_bounces} of {limit} soft bounces)"
    return f"already {after.status}" if after.status != "active" else "still active"


def record_delivery(
    readers: Readers, address: str, status: str, detail: str, now: datetime, soft_limit: int
) -> None:
    """Note a digest's delivery on the reader list: delivered resets the soft bounces; a
    permanent refusal of this reader (5xx) is a bounce, hard or soft by its status code."""
    if status == "sent":
        readers.delivered(address)
    elif status == "failed" and detail[:1] == "5" and detail[:3].isdigit():
        code = reply_status(detail) or detail[:3]
        hard = severity(code) == "hard"
        readers.bounce(address, now, hard=hard, detail=f"refused at sending: {detail}"[:300],
                       soft_limit=soft_limit)  # fmt: skip
