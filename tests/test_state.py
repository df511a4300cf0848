"""The state file and the outbox hold every subscriber's address: only their owner reads them."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.mail.state import State

from conftest import NOW
from digest_site import SECRET_ENV, make_digest_site, write_post

READERS = [("reader0@example.org", "Reader 0"), ("reader1@example.org", "Reader 1")]


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems give a user (022): new files readable by everyone by default."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def digest(root: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["digest", "--config", str(root / "feedkit.toml")],
        env={"FEEDKIT_NOW": NOW.isoformat(), **SECRET_ENV},
    )
    assert result.exit_code == 0, result.output


def test_state_and_outbox_are_created_private(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS)
    digest(tmp_path)  # the first run records the archive
    write_post(tmp_path, "new", "New post", NOW - timedelta(hours=1))
    digest(tmp_path)

    state = tmp_path / ".feedkit" / "state.db"
    assert mode(state.parent) == 0o700
    assert mode(state) == 0o600
    assert mode(state.with_name("state.db.lock")) == 0o600
    outbox = tmp_path / "outbox"
    (folder,) = outbox.iterdir()
    assert mode(outbox) == 0o700 and mode(folder) == 0o700
    files = sorted(folder.iterdir())
    assert [p.name for p in files] == ["reader0@example.org.eml", "reader1@example.org.eml"]
    assert {mode(p) for p in files} == {0o600}


def test_a_write_ahead_log_left_open_is_private_too(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with State.open(path) as state:
        state.record_baseline(["post-1"], NOW)
        # While a connection is open, SQLite keeps its -wal and -shm files beside the database.
        assert mode(path.with_name("state.db-wal")) == 0o600
        assert mode(path.with_name("state.db-shm")) == 0o600


def test_a_state_file_readable_by_others_is_closed_to_them(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with State.open(path) as state:
        state.record_baseline(["post-1"], NOW)
    os.chmod(path, 0o644)  # as earlier versions of feedkit left it
    with State.open(path) as state:
        assert state.has_baseline()
    assert mode(path) == 0o600


def test_covered_files_are_found_past_sqlites_limit_on_parameters(tmp_path: Path) -> None:
    paths = [f"content/post-{i}.md" for i in range(1_200)]
    with State.open(tmp_path / "state.db") as state:
        state.record_baseline([f"id-{i}" for i in range(1_200)], NOW, paths)
        found = state.covered_files([*paths, "content/never.md"])
    assert sorted(found) == sorted(paths)
    assert set(found.values()) == {NOW}


def test_posts_recorded_as_sent_are_recorded_in_one_transaction(tmp_path: Path) -> None:
    # With every post's ID changed, thousands are recorded at once: a commit each would sync
    # the database as many times.
    with State.open(tmp_path / "state.db") as state:
        state.record_baseline(["post-1"], NOW)
        statements: list[str] = []
        state.conn.set_trace_callback(statements.append)
        state.record_sent([f"id-{i}" for i in range(50)], NOW)
        state.conn.set_trace_callback(None)
        assert state.known_post_ids() >= {"id-0", "id-49"}
    assert statements[0] == "BEGIN IMMEDIATE" and statements[-1] == "COMMIT"
    assert statements.count("COMMIT") == 1
