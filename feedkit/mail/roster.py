"""The reader list as the operator and the digest see it: subscribers.csv brought in at
each run, and the list shown, added to, taken from, imported and exported."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from feedkit.atomicfile import write_atomically
from feedkit.config import Config
from feedkit.errors import FeedkitError, Problem
from feedkit.mail.readers import GONE, STATUSES, Reader, Readers
from feedkit.mail.state import State
from feedkit.mail.subscribers import (
    EXPORT_COLUMNS,
    AddressError,
    RepeatedRow,
    Subscriber,
    SubscribersError,
    load_subscribers,
    mail_address,
    spreadsheet_cell,
)
from feedkit.mail.wire import CONTROL
from feedkit.shown import display_path

REMOVED_FROM_FILE = "removed from {file}"


@dataclass
class FileChanges:
    """What the site's subscribers.csv changes on the reader list."""

    shown: str  # the file as messages name it; also the source of the readers it brought
    rows: list[Subscriber]
    problems: list[Problem]
    new: list[Subscriber] = field(default_factory=list)  # not on the list yet: they join
    gone: list[Reader] = field(default_factory=list)  # brought by the file, row deleted
    renamed: list[Subscriber] = field(default_factory=list)  # brought by it, name edited
    left: int = 0  # rows of readers who left the list: not mailed again

    @property
    def detail(self) -> str:
        return REMOVED_FROM_FILE.format(file=self.shown)

    def summary(self) -> str:
        """Return what the next run would change on the list, for a dry run."""
        parts = [
            f"{self.shown}: {len(self.new)} new reader(s) would join the list",
            f"{len(self.gone)} whose rows were deleted would leave it",
        ]
        if self.left:
            parts.append(f"{self.left} row(s) of readers who left are not mailed")
        return "; ".join(parts) + "."


def file_changes(cfg: Config, readers: Readers | None) -> FileChanges | None:
    """Return what `digest.subscribers` changes on the list (None: there is no such file).

    A reader the file brought in whose row is gone leaves the list, as deleting a row
    always meant; but while any row cannot be read nobody leaves, since an unreadable
    row may be theirs, nor when every reader it brought would leave at once.
    """
    path = cfg.path(cfg.digest.subscribers)
    if not path.exists():
        return None
    shown = display_path(path, cfg.root)
    on_list = {r.key: r for r in readers.all()} if readers is not None else {}
    rows, problems = load_subscribers(path, shown, {r.address for r in on_list.values()})
    changes = FileChanges(shown, rows, list(problems))
    for row in rows:
        reader = on_list.get(row.key)
        if reader is None:
            changes.new.append(row)
        elif reader.status in GONE:
            changes.left += 1
        elif reader.source == shown and reader.name != row.name:
            changes.renamed.append(row)
    keys = {row.key for row in rows}
    brought = [r for r in on_list.values() if r.source == shown and r.status == "active"]
    gone = [r for r in brought if r.key not in keys]
    if gone and any(not isinstance(problem, RepeatedRow) for problem in problems):
        why = "stay on the list until every row can be read"
    elif gone and len(gone) == len(brought):
        # Emptied by an editor, a `>` or a sync, or another list written over it: likelier
        # than every reader leaving at once, and whoever leaves is never brought back.
        why = (
            "stay on the list: every reader the file brought would leave at once; take "
            "readers off with `feedkit subscribers remove ADDRESS`"
        )
    else:
        changes.gone = gone
        return changes
    changes.problems.append(
        Problem(shown, 0, f"{len(gone)} reader(s) no longer in the file {why}", warning=True)
    )
    return changes


def digest_readers(
    cfg: Config, state: State, now: datetime
) -> tuple[list[Subscriber], list[Problem]]:
    """Return the readers a digest goes to now (the list's active ones) and the rows of
    subscribers.csv skipped, after bringing in the file's changes: new rows join the list
    (never bringing back who left), readers whose rows were deleted leave it."""
    readers = Readers(state)
    changes = file_changes(cfg, readers)
    if changes is None:
        _require_readers(cfg, readers)
        return readers.active(), []
    readers.import_rows(changes.new, now, changes.shown)
    for row in changes.renamed:
        readers.rename(row.email, row.name)
    for reader in changes.gone:
        readers.leave(reader.address, now, "unsubscribed", changes.detail, event="removed")
    if changes.gone:  # said, as the dry run said it: they are never brought back
        who = ", ".join(reader.address for reader in changes.gone[:3])
        who += f" and {len(changes.gone) - 3} more" if len(changes.gone) > 3 else ""
        left = f"{len(changes.gone)} reader(s) whose rows were deleted left the list: {who}"
        changes.problems.append(Problem(changes.shown, 0, left, warning=True))
    return readers.active(), changes.problems


def readers_now(
    cfg: Config, *, require: bool = True
) -> tuple[list[Subscriber], list[Problem], FileChanges | None]:
    """Return who a digest would go to now, changing nothing (see `planned_readers`)."""
    with readonly_state(cfg.path(cfg.digest.state)) as state:
        return planned_readers(cfg, state, require=require)


@contextmanager
def readonly_state(path: Path) -> Iterator[State | None]:
    """The state database at `path` opened read-only, None when there is none."""
    state = State.open_readonly(path)
    try:
        yield state
    finally:
        if state is not None:
            state.close()


def planned_readers(
    cfg: Config, state: State | None, *, require: bool = True
) -> tuple[list[Subscriber], list[Problem], FileChanges | None]:
    """Return what `digest_readers` would give now, changing nothing (dry runs, check);
    `require`: an error if there is nobody to send to, as a digest run would raise."""
    readers = Readers(state) if state is not None and _has_list(state) else None
    changes = file_changes(cfg, readers)
    active = readers.active() if readers is not None else []
    if changes is None:
        if require:
            _require_readers(cfg, readers)
        return active, [], None
    leaving = {r.key for r in changes.gone}
    planned = [s for s in active if s.key not in leaving] + changes.new
    return planned, changes.problems, changes


def _has_list(state: State) -> bool:
    """Whether the state file has the reader list (one from before it, opened read-only
    by a dry run, gains it only at the next real run)."""
    found = state.conn.execute("SELECT 1 FROM sqlite_master WHERE name='readers'").fetchone()
    return found is not None


def _require_readers(cfg: Config, readers: Readers | None) -> None:
    """Raise if there is neither a subscribers file nor anyone on the list: a digest would
    go to nobody, and that is a mistake, not a choice."""
    if readers is not None and any(readers.counts().values()):
        return
    shown = display_path(cfg.path(cfg.digest.subscribers), cfg.root)
    raise SubscribersError(
        f"{shown}: not found, and the reader list is empty; create it with one 'email,name' "
        "line per subscriber, add readers with feedkit subscribers add or import, or let "
        "them sign up through feedkit serve"
    )


# -- the operator's commands (feedkit subscribers ...) ------------------------------------------


class RosterError(FeedkitError):
    """A change to the reader list the operator asked for cannot be made; says why."""


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _gone_why(reader: Reader) -> str:
    why = f"{reader.status} since {_when(reader.updated)}"
    return f"{why} ({reader.detail})" if reader.detail else why


def read_list(state: State | None, status: str | None) -> tuple[list[Reader], dict[str, int]]:
    """Return the readers on the list (of one status) and the list's counts by status;
    an empty list when no digest or sign-up has made one yet."""
    if state is None or not _has_list(state):
        return [], dict.fromkeys(STATUSES, 0)
    readers = Readers(state)
    return readers.all(status), readers.counts()


def list_status(state: State, since: datetime, shown: int) -> list[str]:
    """Return the list's counts by status, then who left it since `since` (up to `shown`
    of each status), for `feedkit digest --status`."""
    readers, counts = read_list(state, None)
    total = sum(counts.values())
    summary = ", ".join(f"{n:,} {status}" for status, n in counts.items() if n) or "nobody"
    lines = [f"Reader list: {summary} ({total:,} in all)"]
    left = sorted(
        (r for r in readers if r.status in GONE and r.updated >= since),
        key=lambda r: r.updated,
        reverse=True,
    )
    if left:
        lines.append(f"  Left since {_when(since)} (the oldest digest below), newest first:")
    for status in GONE:
        recent = [r for r in left if r.status == status]
        for r in recent[:shown]:
            detail = f"  {r.detail}" if r.detail else ""
            lines.append(f"    {status:<12} {r.address}  since {_when(r.updated)}{detail}")
        if len(recent) > shown:
            lines.append(
                f"    … and {len(recent) - shown} more {status}: feedkit subscribers list "
                f"--status {status}"
            )
    return lines


def reader_statuses(state: State) -> dict[str, tuple[str, str]]:
    """Return each reader's status on the list and address as mail is sent to it
    (`Anna@example.com`: the part before the @ may be case-sensitive), by lower-cased
    address."""
    return {r.key: (r.status, r.address) for r in read_list(state, None)[0]}


def listing(readers: Sequence[Reader], counts: dict[str, int]) -> list[str]:
    """Return one line per reader (address, name, status, since, source, detail) and a
    last line counting the whole list by status."""
    rows = [
        (r.address, r.name or "-", r.status, _when(r.updated), r.source, r.detail) for r in readers
    ]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True))
        + ("  " + row[5] if row[5] else "")
        for row in rows
    ]
    total = sum(counts.values())
    shown = ", ".join(f"{n} {status}" for status, n in counts.items() if n) or "nobody"
    lines.append(f"{total} reader(s) on the list: {shown}")
    return [line.rstrip() for line in lines]


def add_reader(readers: Readers, address: str, name: str, now: datetime) -> str:
    """Add a reader the operator vouches for; return what was done. RosterError if they
    left the list: only their own sign-up brings them back."""
    if control := CONTROL.search(name):
        raise RosterError(f"--name: contains the control character U+{ord(control.group()):04X}")
    subscriber = Subscriber(_address(address), " ".join(name.split()))
    result = readers.add(subscriber, now, "cli")
    if result == "added":
        return f"Added {subscriber.email}: active, source cli."
    reader = readers.get(subscriber.email)
    assert reader is not None
    if result == "kept":
        return f"{reader.address} is already on the list ({reader.status}); nothing changed."
    raise RosterError(
        f"{reader.address} is not added: {_gone_why(reader)}. Someone who left the list is "
        "never put back by the operator; they can sign up again themselves"
    )


def remove_reader(
    cfg: Config, state: State, address: str, now: datetime, *, forget: bool = False
) -> str:
    """Take a reader off the list (unsubscribed), or with `forget` erase everything kept
    about them; return what was done. RosterError if they are not on the list."""
    readers = Readers(state)
    try:
        reader = readers.get(mail_address(address))  # as the list keeps it (IDNA domain)
    except AddressError:
        reader = readers.get(address)
    if reader is None:
        raise RosterError(f"{address} is not on the reader list")
    if forget:
        changes = file_changes(cfg, None)
        row = next((r for r in changes.rows if r.key == reader.key), None) if changes else None
        if changes is not None and row is not None:
            raise RosterError(
                f"{changes.shown} still lists {reader.address}: delete that row first, or "
                "the next digest would add them again as a new reader"
            )
        readers.forget(reader.address)
        rows = state.erase_recipient(reader.key)
        return (
            f"Erased {reader.address}: their list entry, its history and their "
            f"{rows} row(s) in past digests' recipients."
        )
    if reader.status in GONE:
        return f"{reader.address} is already off the list ({_gone_why(reader)}); nothing changed."
    readers.leave(
        reader.address, now, "unsubscribed", "removed by feedkit subscribers remove",
        event="removed",
    )  # fmt: skip
    return f"Removed {reader.address}: unsubscribed, no more digests go to them."


def import_file(
    cfg: Config, readers: Readers, path: Path, shown: str, now: datetime
) -> tuple[str, list[Problem]]:
    """Add the readers of a subscribers.csv-style file as active (never bringing back who
    left); return a line of counts and the rows skipped."""
    if not path.is_file():
        raise RosterError(f"{shown}: not found")
    rows, problems = load_subscribers(path, shown)
    # The site's own subscribers.csv: its readers stay the file's, so that a row deleted
    # later takes them off the list, as at every digest run.
    configured = cfg.path(cfg.digest.subscribers)
    source = (
        display_path(configured, cfg.root)
        if configured.exists() and configured.resolve() == path.resolve()
        else f"import: {shown}"
    )
    counts = readers.import_rows(rows, now, source)
    return (
        f"Imported {shown}: {counts.added} added, {counts.kept} already on the list, "
        f"{counts.suppressed} who left the list not added back, {len(problems)} row(s) skipped."
    ), problems


def export_csv(readers: Sequence[Reader]) -> bytes:
    """Return the whole list as CSV (email,name,status,since,source), UTF-8; a cell a
    spreadsheet would take for a formula begins with a single quote."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for r in readers:
        row = (r.address, r.name, r.status, r.updated.isoformat(), r.source)
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def write_export(path: Path, data: bytes) -> None:
    """Write an export only its owner can read: it holds every reader's address."""
    try:
        write_atomically(path, data, mode=0o600)
    except OSError as exc:
        raise RosterError(f"{path}: cannot be written: {exc.strerror}") from exc


def _address(address: str) -> str:
    try:
        return mail_address(address)
    except AddressError as exc:
        raise RosterError(f"{address!r} is not an email address: {exc}") from exc
