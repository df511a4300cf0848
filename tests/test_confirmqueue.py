"""The confirmation mails' queue in the state database: filled by a sign-up, emptied as
they are mailed, never holding one that is no longer open, and each claimed by one
service at a time."""

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feedkit.mail import claimlock
from feedkit.mail.claimowner import parse_owner
from feedkit.mail.confirmqueue import (
    CLAIM_LEASE,
    QueuedConfirmation,
    claim,
    claim_owner,
    dequeue,
    queued_confirmations,
    release,
)
from feedkit.mail.readers import Readers
from feedkit.mail.state import State
from feedkit.mail.statefile import SCHEMA_VERSION
from feedkit.mail.subscribers import Subscriber

from conftest import FIXTURES

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ADA = Subscriber("Ada@Example.org", "Ada")


def open_list(tmp_path: Path) -> tuple[State, Readers]:
    state = State.open(tmp_path / "state.db")
    return state, Readers(state)


def test_a_sign_up_queues_its_confirmation_until_it_is_mailed_or_no_longer_open(
    tmp_path: Path,
) -> None:
    state, readers = open_list(tmp_path)
    first = readers.request(ADA, "", NOW)
    bob = readers.request(Subscriber("bob@example.org", ""), "", NOW + timedelta(minutes=1))
    cy = readers.request(Subscriber("cy@example.org", ""), "", NOW + timedelta(minutes=2))
    assert first is not None and bob is not None and cy is not None
    # Still there for another connection (a service started after a kill), oldest first.
    with State.open(tmp_path / "state.db") as other:
        queued = queued_confirmations(Readers(other))
    assert [(q.reader.key, q.nonce, q.queued) for q in queued] == [
        ("ada@example.org", first.nonce, NOW),
        ("bob@example.org", bob.nonce, NOW + timedelta(minutes=1)),
        ("cy@example.org", cy.nonce, NOW + timedelta(minutes=2)),
    ]
    later = readers.request(ADA, "", NOW + timedelta(minutes=30))  # replaces Ada's
    assert later is not None
    dequeue(readers, bob.reader.id, bob.nonce)  # mailed
    readers.unsubscribe(cy.reader.id, str(cy.reader.subscription), NOW, "one-click")
    assert [(q.reader.key, q.nonce) for q in queued_confirmations(readers)] == [
        ("ada@example.org", later.nonce)
    ]
    readers.forget("ada@example.org")
    assert queued_confirmations(readers) == []
    state.close()


def test_a_claim_is_one_services_until_it_runs_out_or_is_given_back(tmp_path: Path) -> None:
    state, readers = open_list(tmp_path)
    asked = readers.request(ADA, "", NOW)
    assert asked is not None
    with State.open(tmp_path / "state.db") as other_state:
        other = Readers(other_state)
        [item] = queued_confirmations(readers)
        assert claim(readers, item, "first", NOW)
        [seen] = queued_confirmations(other)
        assert (seen.claimed_by, seen.claimed_until) == ("first", NOW + CLAIM_LEASE)
        assert not claim(other, seen, "second", NOW + CLAIM_LEASE - timedelta(seconds=1))
        # In another zone, the same instant: the lease is compared as time, not as text.
        berlin = (NOW + CLAIM_LEASE).astimezone(ZoneInfo("Europe/Berlin"))
        assert claim(other, seen, "second", berlin)  # run out: the first was killed
        assert not claim(readers, item, "first", NOW + CLAIM_LEASE)  # it is not its own
        release(readers, item, "first")  # the first cannot give back what it no longer holds
        assert queued_confirmations(readers)[0].claimed_by == "second"
        release(other, seen, "second")  # the mail server did not take it: any may try again
        assert claim(readers, item, "first", NOW + CLAIM_LEASE)
        # A new sign-up replaces the confirmation: the new one is claimed by nobody.
        again = readers.request(ADA, "", NOW + timedelta(hours=1))
        assert again is not None
        [fresh] = queued_confirmations(other)
        assert (fresh.nonce, fresh.claimed_by) == (again.nonce, None)
        assert not claim(other, item, "second", NOW + timedelta(hours=1))  # the old one: gone
    state.close()


def claimed_for(readers: Readers, owner: str) -> QueuedConfirmation:
    """Return the one queued confirmation, claimed afresh at NOW for `owner`."""
    readers.conn.execute("UPDATE confirmation_queue SET claimed_by=NULL, claimed_until=NULL")
    [item] = queued_confirmations(readers)
    assert claim(readers, item, owner, NOW)
    [claimed] = queued_confirmations(readers)
    return claimed


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc: only the lease")
def test_a_claim_is_taken_over_before_its_lease_only_when_its_process_is_gone_from_here(
    tmp_path: Path,
) -> None:
    state, readers = open_list(tmp_path)
    assert readers.request(ADA, "", NOW) is not None
    this_one = claim_owner()
    early = NOW + CLAIM_LEASE - timedelta(seconds=1)  # no claim has run out yet
    mailing = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alive = claim_owner(mailing.pid)
        owner = parse_owner(alive)
        assert owner is not None and owner.started is not None
        # A live service on this machine: it may be mailing it.
        assert not claim(readers, claimed_for(readers, alive), this_one, early)
        # A process of this machine with that ID that started at another time is not the
        # owner, which is gone: the ID was given again.
        reused = replace(owner, started=owner.started - 1).text()
        assert claim(readers, claimed_for(readers, reused), this_one, NOW)
    finally:
        mailing.kill()
        mailing.wait()
    # Killed while mailing it: no need to wait for its lease.
    killed = claimed_for(readers, alive)
    assert claim(readers, killed, this_one, NOW)
    assert queued_confirmations(readers)[0].claimed_by == this_one
    # From before this machine restarted.
    rebooted = replace(owner, boot="7c1a5d2e-0000-4000-8000-000000000000").text()
    assert claim(readers, claimed_for(readers, rebooted), this_one, NOW)
    # Gone too, but on another machine (another name, or this name and another machine ID),
    # in another container, or named as this version cannot read: nothing here can tell
    # whether it still runs, so its claim holds until it runs out.
    elsewhere = (
        replace(owner, host="elsewhere.example"),
        replace(owner, machine="0" * 32),
        replace(owner, pid_namespace="pid:[1]"),  # another container's process ID
    )
    for unknown in (*(o.text() for o in elsewhere), "first"):
        held = claimed_for(readers, unknown)
        assert not claim(readers, held, this_one, early)
        assert claim(readers, held, this_one, NOW + CLAIM_LEASE)
    state.close()


HOLD_A_LOCK = (
    "import sys, time; from pathlib import Path; from feedkit.mail.claimlock import ClaimLock; "
    "print(ClaimLock.take(Path(sys.argv[1])).name, flush=True); time.sleep(60)"
)


@pytest.mark.skipif(claimlock.fcntl is None, reason="no fcntl: tested without locks below")
def test_a_claim_is_kept_while_its_owner_holds_its_lock_and_taken_over_once_it_does_not(
    tmp_path: Path,
) -> None:
    # Another container's service: its process ID counts in a namespace /proc cannot read,
    # so only its lock tells whether it still runs.
    state, readers = open_list(tmp_path)
    assert readers.request(ADA, "", NOW) is not None
    this_one = claim_owner()
    service = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_LOCK, str(tmp_path / "state.db")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert service.stdout is not None
        lock = service.stdout.readline().strip()
        owner = parse_owner(claim_owner(service.pid))
        assert owner is not None
        elsewhere = replace(owner, pid_namespace="pid:[4026531999]", pid=1, lock=lock).text()
        held = claimed_for(readers, elsewhere)
        # Still mailing it, however long the mail server takes: its lease does not end it.
        assert not claim(readers, held, this_one, NOW)
        assert not claim(readers, held, this_one, NOW + CLAIM_LEASE + timedelta(hours=1))
        assert (tmp_path / "state.db.serving" / f"{lock}.lock").exists()
    finally:
        service.kill()
        service.wait()
    # Killed: the lock went with it, and its file goes with the claim taken over at once.
    assert claim(readers, held, this_one, NOW)
    assert queued_confirmations(readers)[0].claimed_by == this_one
    assert list((tmp_path / "state.db.serving").iterdir()) == []
    # A lock whose file is gone (another service took it over first, then gave it back).
    assert claim(readers, claimed_for(readers, elsewhere), this_one, NOW)
    # A name that is no lock file's (written otherwise) tells nothing: the lease does.
    for name in ("../state.db", "x" * 16):
        unknown = claimed_for(readers, replace(owner, pid_namespace="pid:[1]", lock=name).text())
        assert not claim(readers, unknown, this_one, NOW)
        assert claim(readers, unknown, this_one, NOW + CLAIM_LEASE)
    assert (tmp_path / "state.db").exists()
    state.close()


@pytest.mark.skipif(claimlock.fcntl is None or not hasattr(os, "fork"), reason="flock, fork")
def test_a_lock_given_up_is_free_while_a_forked_child_still_has_its_descriptor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A service stopped cleanly, and could not remove its lock file (its folder made
    # read-only meanwhile); a child it forked shares the lock's descriptor and has not yet
    # exited. The lock went only with the last descriptor: another service judged the
    # stopped one still running, and left its claims be.
    state, readers = open_list(tmp_path)
    assert readers.request(ADA, "", NOW) is not None
    lock = claimlock.ClaimLock.take(tmp_path / "state.db")
    assert lock is not None
    owner = parse_owner(claim_owner(lock=lock.name))
    assert owner is not None
    stopped = replace(owner, pid_namespace="pid:[1]").text()  # only its lock can tell
    held = claimed_for(readers, stopped)
    go_read, go_write = os.pipe()
    child = os.fork()
    if child == 0:  # holding every descriptor, until told to go
        os.close(go_write)
        os.read(go_read, 1)
        os._exit(0)
    try:
        with monkeypatch.context() as read_only:
            read_only.setattr(Path, "unlink", refuse_unlink)
            lock.release()
        assert (tmp_path / "state.db.serving" / f"{lock.name}.lock").exists()
        assert claimlock.lock_held(tmp_path / "state.db", lock.name) is False
        assert claim(readers, held, claim_owner(), NOW)
    finally:
        os.close(go_write)
        os.waitpid(child, 0)
        os.close(go_read)
    state.close()


def refuse_unlink(path: Path, missing_ok: bool = False) -> None:
    raise PermissionError(13, "Permission denied", str(path))


def test_where_no_lock_can_be_tested_a_claim_holds_until_it_runs_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No fcntl (Windows): no lock is taken, and a lock a claim names judges nobody gone.
    monkeypatch.setattr(claimlock, "fcntl", None)
    assert claimlock.ClaimLock.take(tmp_path / "state.db") is None
    state, readers = open_list(tmp_path)
    assert readers.request(ADA, "", NOW) is not None
    owner = parse_owner(claim_owner())
    assert owner is not None
    (tmp_path / "state.db.serving").mkdir()  # empty: as if its owner's lock file were gone
    gone = replace(owner, pid_namespace="pid:[1]", lock="0123456789abcdef").text()
    held = claimed_for(readers, gone)
    assert not claim(readers, held, "second", NOW + CLAIM_LEASE - timedelta(seconds=1))
    assert claim(readers, held, "second", NOW + CLAIM_LEASE)
    state.close()


def test_a_state_file_of_schema_4_keeps_all_it_held_and_gains_later_schemas_columns(
    tmp_path: Path,
) -> None:
    # Written by feedkit at 3c76833 (schema 4, tests/fixtures/state/schema4.db): a baseline,
    # an active reader, a pending one whose confirmation was mailed, and one, Kim, whose
    # confirmation is still queued.
    path = tmp_path / "state.db"
    shutil.copyfile(FIXTURES / "state" / "schema4.db", path)
    before = table_rows(path)
    assert ("schema", "4") in before["meta"][1]
    with State.open(path) as state:
        readers = Readers(state)
        [kim] = queued_confirmations(readers)
        assert (kim.reader.key, kim.queued, kim.claimed_by) == (
            "kim@example.org",
            datetime(2026, 11, 22, 11, 10, tzinfo=UTC),
            None,
        )
        assert claim(readers, kim, "first", NOW)
        assert not claim(readers, kim, "second", NOW)
    after = table_rows(path)
    assert ("schema", str(SCHEMA_VERSION)) in after["meta"][1] and SCHEMA_VERSION == 6
    assert after.keys() == before.keys()
    for table, (columns, rows) in before.items():
        kept = after[table][0][: len(columns)]
        assert kept == columns, table
        if table != "meta":
            assert [row[: len(columns)] for row in after[table][1]] == rows, table
    assert after["meta"][1] == [
        ("schema", "6") if key == "schema" else (key, value) for key, value in before["meta"][1]
    ]
    # Schema 6: the baseline's posts gain a title and date, unknown (NULL) until a digest
    # run records those of the posts still there.
    assert after["baseline"][0] == [*before["baseline"][0], "title", "published"]
    assert after["baseline"][1] and all(row[-2:] == (None, None) for row in after["baseline"][1])
    assert after["confirmation_queue"][0] == [*before["confirmation_queue"][0], "claimed_by",
                                               "claimed_until"]  # fmt: skip
    [(*_, owner, until)] = after["confirmation_queue"][1]
    assert (owner, until) == ("first", "2026-03-01T09:05:00.000000+00:00")
    # Opened again: nothing more to bring forward, nothing lost.
    with State.open(path) as state:
        assert [q.claimed_by for q in queued_confirmations(Readers(state))] == ["first"]


def table_rows(path: Path) -> dict[str, tuple[list[str], list[tuple[object, ...]]]]:
    """Return each table's columns and rows, read as another program would."""
    conn = sqlite3.connect(path)
    try:
        tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        found = {}
        for table in tables:
            cursor = conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
            rows = cursor.fetchall()
            found[table] = ([c[0] for c in cursor.description], rows)
        return found
    finally:
        conn.close()
