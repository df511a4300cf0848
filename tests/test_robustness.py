"""Real `feedkit` processes against a real SMTP server: kill -9, SIGTERM, races and faults."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from feedkit.mail.state import State

from conftest import FIXTURES, NOW
from digest_site import SECRET_ENV, make_digest_site, write_post
from smtp_server import FaultySmtpServer

OLD = datetime.fromisoformat("2020-01-01T10:00:00+00:00")


def smtp_site(tmp_path: Path, server: FaultySmtpServer, readers: int, extra: str = "") -> Path:
    subscribers = [(f"reader{i:03d}@example.org", f"Reader {i}") for i in range(readers)]
    make_digest_site(tmp_path, subscribers, posts=0, extra_toml=extra)
    write_post(tmp_path, "archive", "Archive post", OLD)
    toml = (tmp_path / "feedkit.toml").read_text()
    toml = toml.replace(
        'subscribers = "subscribers.csv"', 'subscribers = "subscribers.csv"\ndelivery = "smtp"'
    )
    toml += (
        f'\n[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "none"\n'
        "timeout = 1\nbackoff = 0\n"
    )
    (tmp_path / "feedkit.toml").write_text(toml)
    return tmp_path / "feedkit.toml"


def feedkit(config: Path, *args: str, now: datetime | None = NOW) -> subprocess.Popen[str]:
    env = {**os.environ, **SECRET_ENV}
    env.pop("FEEDKIT_NOW", None)
    if now is not None:
        env["FEEDKIT_NOW"] = now.isoformat()
    return subprocess.Popen(
        [sys.executable, "-m", "feedkit", *args, "--config", str(config)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def copies(server: FaultySmtpServer) -> Counter[str]:
    return Counter(r for m in server.messages for r in m.rcpt_tos)


def new_post_digest_prepared(config: Path, tmp_path: Path) -> None:
    """First run records the archive; then one new post waits for the next digest."""
    assert finish(feedkit(config, "digest"))[0] == 0
    write_post(tmp_path, "news", "Fresh news", datetime.fromisoformat("2021-05-05T10:00:00+00:00"))


def kill_mid_send_then_rerun(
    config: Path, smtp_server: FaultySmtpServer, readers: int, *, delay: float, in_flight: int
) -> None:
    """Kill -9 a digest to `readers` readers a while into the send, run it again, and check
    every reader got it, with at most the `in_flight` messages under way at the kill sent
    twice, each again the same message (Message-ID)."""
    smtp_server.delay = delay
    process = feedkit(config, "digest")
    wait_for(lambda: len(smtp_server.messages) >= 60)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert process.returncode == -signal.SIGKILL
    assert len(smtp_server.messages) < readers, "the kill came too late to test anything"

    smtp_server.delay = 0
    code, out, err = finish(feedkit(config, "digest"))
    assert code == 0, err
    assert "resumed" in out
    got = copies(smtp_server)
    assert set(got) == {f"reader{i:03d}@example.org" for i in range(readers)}
    duplicated = [r for r, n in got.items() if n > 1]
    assert len(duplicated) <= in_flight and max(got.values()) <= 2
    for reader in duplicated:  # in flight at the kill: the same message again
        ids = {
            email.message_from_bytes(m.raw)["Message-ID"] for m in smtp_server.received_for(reader)
        }
        assert len(ids) == 1


def test_kill_9_mid_batch_then_rerun_serves_everyone(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = smtp_site(tmp_path, smtp_server, 200)
    new_post_digest_prepared(config, tmp_path)
    kill_mid_send_then_rerun(config, smtp_server, 200, delay=0.01, in_flight=1)
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        assert state.integrity_ok()
        ((digest, readers),) = state.recent_digests()
        assert {r.status for r in readers} == {"sent"}


def test_a_quota_run_says_only_what_became_of_each_reader(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = smtp_site(tmp_path, smtp_server, 20)
    new_post_digest_prepared(config, tmp_path)
    smtp_server.reject("reader003@example.org")
    smtp_server.refuse_all("550 5.7.1 Daily sending quota exceeded", at="rcpt", after=10)
    code, out, err = finish(feedkit(config, "digest"))
    assert code == 1
    refused = ", ".join(f"reader{i:03d}@example.org" for i in range(10, 15))
    # One line for the reader whose mailbox is gone; none for the five the quota refused,
    # which stay in line: they were never failed.
    assert err == (
        "reader003@example.org: failed (550 5.1.1 Mailbox unavailable)\n"
        "error: 5 readers in a row were refused with the same reply (550 5.7.1 Daily sending "
        "quota exceeded): that is a refusal of the sender or of the message, not of each "
        f"reader, so the batch stopped and they stay in line ({refused}). If these addresses "
        "really are dead, remove them from the subscriber list\n"
        "The batch stopped: 10 reader(s) stay pending and get this digest at the next run; "
        "see feedkit digest --status\n"
    )
    assert out.startswith("Digest ") and out.endswith(": 1 failed, 10 pending, 9 sent\n")


def test_two_digest_processes_at_once_send_one_copy_each(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = smtp_site(tmp_path, smtp_server, 30)
    new_post_digest_prepared(config, tmp_path)
    smtp_server.delay = 0.01
    first, second = feedkit(config, "digest"), feedkit(config, "digest")
    results = [finish(first), finish(second)]
    assert [code for code, _, _ in results] == [0, 0], results
    outputs = sorted(out for _, out, _ in results)
    assert outputs[0].startswith("Digest ") and "30 sent" in outputs[0]
    assert outputs[1] == "No new posts since the last digest; nothing sent.\n"
    assert set(copies(smtp_server).values()) == {1} and len(copies(smtp_server)) == 30


def test_second_sender_gives_up_after_the_lock_timeout_with_a_clear_message(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = smtp_site(tmp_path, smtp_server, 5, extra="lock_timeout = 0.5\n")
    new_post_digest_prepared(config, tmp_path)
    from feedkit.mail.senderlock import SenderLock

    with SenderLock(tmp_path / ".feedkit" / "state.db") as held:
        held.acquire(1)
        code, out, err = finish(feedkit(config, "digest"))
    assert code == 1
    assert "another feedkit is sending digests (pid " in err
    assert "waited 0.5 s. Try again when it is done, or raise digest.lock_timeout" in err
    assert smtp_server.messages == []


def test_a_sender_lock_that_cannot_be_taken_is_a_clear_error_and_nothing_is_sent(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = smtp_site(tmp_path, smtp_server, 5)
    new_post_digest_prepared(config, tmp_path)
    lock = tmp_path / ".feedkit" / "state.db.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()  # a folder in the lock file's place
    code, out, err = finish(feedkit(config, "digest"))
    assert (code, out) == (1, "")
    assert err == f"error: {lock}: cannot take the sender's lock: Is a directory\n"
    assert smtp_server.messages == []


def test_a_file_where_the_state_folder_should_be_is_a_clear_error(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = smtp_site(tmp_path, smtp_server, 5)
    (tmp_path / ".feedkit").write_text("not a folder")
    code, out, err = finish(feedkit(config, "digest"))
    assert (code, out) == (1, "")
    assert err == f"error: {tmp_path / '.feedkit'}: cannot make this folder: File exists\n"
    assert smtp_server.messages == []


def test_a_folder_where_the_state_file_should_be_is_a_clear_error(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # `state = "content"`: every command said "cannot read the state database: disk I/O
    # error".
    config = smtp_site(tmp_path, smtp_server, 5)
    (tmp_path / ".feedkit" / "state.db").mkdir(parents=True)
    for command in (["digest"], ["digest", "--dry-run"], ["digest", "--status"]):
        code, out, err = finish(feedkit(config, *command))
        assert (code, out) == (1, ""), command
        assert err == (
            f"error: {tmp_path / '.feedkit' / 'state.db'}: is a folder, not the state file; "
            "set digest.state in feedkit.toml to a file's path (default: .feedkit/state.db)\n"
        ), command
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("table", "commands"),
    [
        ("recipients", (["digest", "--status"], ["digest"])),
        ("readers", (["digest"], ["subscribers", "list"])),
    ],
)
def test_a_damaged_state_database_is_named_by_every_command_not_a_traceback(
    tmp_path: Path, table: str, commands: tuple[list[str], ...]
) -> None:
    # A page in the middle of the file overwritten (a disk's, a copy's fault): the file
    # opens, and SQLite finds the damage only where a query reads that page.
    import sqlite3

    readers = [(f"r{i}@example.org", f"Reader {i}") for i in range(300)]
    make_digest_site(tmp_path, readers, posts=2)
    config = tmp_path / "feedkit.toml"
    assert run_feedkit(config, "digest")[0] == 0  # the first run: the archive recorded
    write_post(tmp_path, "new", "A new post", NOW - timedelta(hours=1))
    assert run_feedkit(config, "digest")[0] == 0  # a digest with 300 recipients
    state = tmp_path / ".feedkit" / "state.db"
    with sqlite3.connect(state) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name=?", (table,)
        ).fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(state.read_bytes())
    data[(root - 1) * page_size : root * page_size] = bytes([0x5A]) * page_size
    state.write_bytes(bytes(data))
    for command in commands:
        code, out, err = run_feedkit(config, *command)
        assert code == 1, (command, out, err)
        assert err.startswith(f"error: {state}: the state database is damaged ("), command
        assert "Traceback" not in err


def test_faults_are_retried_until_everyone_has_each_post_once(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = smtp_site(tmp_path, smtp_server, 12)
    new_post_digest_prepared(config, tmp_path)
    smtp_server.defer("reader001@example.org", times=1)  # retried within the run
    smtp_server.defer("reader002@example.org", times=6)  # still failing: the next run
    smtp_server.drop("reader003@example.org", times=2)
    smtp_server.stall("reader004@example.org", times=1, seconds=3)
    smtp_server.defer("reader005@example.org", times=1, at="data")
    code, out, err = finish(feedkit(config, "digest"))
    assert code == 1 and "1 deferred" in out and "11 sent" in out
    write_post(tmp_path, "more", "More news", datetime.fromisoformat("2021-06-06T10:00:00+00:00"))
    for _ in range(3):
        finish(feedkit(config, "digest"))
    per_reader: dict[str, list[str]] = {}
    for m in smtp_server.messages:
        text = email.message_from_bytes(m.raw, policy=email.policy.default)
        body = text.get_body(("plain",)).get_content()
        for rcpt in m.rcpt_tos:
            per_reader.setdefault(rcpt, []).extend(
                t for t in ("Fresh news", "More news") if t in body
            )
    assert len(per_reader) == 12
    assert all(sorted(posts) == ["Fresh news", "More news"] for posts in per_reader.values())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_schedule_stops_cleanly_on_a_signal_and_resumes(
    tmp_path: Path, smtp_server: FaultySmtpServer, sig: signal.Signals
) -> None:
    config = smtp_site(tmp_path, smtp_server, 40, extra='schedule = "* * * * *"\n')
    new_post_digest_prepared(config, tmp_path)
    smtp_server.delay = 0.1
    process = feedkit(config, "schedule", now=None)
    wait_for(lambda: len(smtp_server.messages) >= 5)
    process.send_signal(sig)
    code, out, err = finish(process, timeout=30)
    assert code == 0, err
    assert f"{sig.name} received: finishing the message in flight, then stopping" in err
    assert err.rstrip().endswith("feedkit schedule stopped")
    received = len(smtp_server.messages)
    assert received < 40
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        ((digest, readers),) = state.recent_digests()
        sent = [r for r in readers if r.status == "sent"]
        assert len(sent) == received  # the message in flight was finished and recorded
        assert state.integrity_ok()
    smtp_server.delay = 0
    code, out, err = finish(feedkit(config, "schedule", "--once", now=None))
    assert code == 0, err
    assert set(copies(smtp_server).values()) == {1} and len(copies(smtp_server)) == 40


def test_schedule_logs_next_run_times(tmp_path: Path, smtp_server: FaultySmtpServer) -> None:
    config = smtp_site(
        tmp_path,
        smtp_server,
        1,
        extra='schedule = "0 9 * * mon"\n\n[build]\nschedule = "*/15 * * * *"\n',
    )
    process = feedkit(config, "schedule", now=None)
    wait_for(lambda: (tmp_path / "public" / "atom.xml").exists())
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    code, out, err = finish(process, timeout=30)
    assert code == 0, err
    assert "next digest run: " in err and "next build run: " in err


# -- bad posts, through the real `feedkit` command -------------------------------------------

FEEDKIT = str(Path(sys.executable).with_name("feedkit"))  # the console script users run

IMPOSSIBLE_DATES = {
    "february-30.md": "---\ntitle: February 30\ndate: 2023-02-30\n---\nx\n",
    "month-13.md": "---\ntitle: Month 13\ndate: 2023-13-01\n---\nx\n",
    "hour-25.md": "---\ntitle: Hour 25\ndate: 2023-01-01 25:00:00\n---\nx\n",
    "offset-25.md": "---\ntitle: Offset 25\ndate: 2023-01-01T10:00:00+25:00\n---\nx\n",
    "no-title.md": "---\ndate: 2023-01-01\n---\nx\n",
}
IMPOSSIBLE_DATES_REPORT = """\
content/february-30.md:3: date: '2023-02-30' is not a real date: day is out of range for month
content/hour-25.md:3: date: '2023-01-01 25:00:00' is not a real date: hour must be in 0..23
content/month-13.md:3: date: '2023-13-01' is not a real date: month must be in 1..12
content/no-title.md:2: missing title; add 'title: …' to the front matter
content/offset-25.md:3: date: '2023-01-01T10:00:00+25:00' is not a real date: the offset from \
UTC must be under 24 hours
error: 5 problems in the content; nothing was written
"""


def site_with_posts(tmp_path: Path, posts: dict[str, str], extra_toml: str = "") -> Path:
    make_digest_site(tmp_path, [("reader@example.org", "Reader")], posts=1, extra_toml=extra_toml)
    for name, text in posts.items():
        (tmp_path / "content" / name).write_text(text, encoding="utf-8")
    return tmp_path / "feedkit.toml"


def run_feedkit(config: Path, *args: str, timeout: float = 60) -> tuple[int, str, str]:
    env = {**os.environ, **SECRET_ENV, "FEEDKIT_NOW": NOW.isoformat()}
    done = subprocess.run(
        [FEEDKIT, *args, "--config", str(config)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    "command", [["build"], ["check"], ["digest"], ["preview", "--text"], ["schedule", "--once"]]
)
def test_impossible_dates_are_reported_by_every_command_with_every_other_problem(
    tmp_path: Path, command: list[str]
) -> None:
    config = site_with_posts(tmp_path, IMPOSSIBLE_DATES)
    code, out, err = run_feedkit(config, *command)
    assert (code, out, err) == (1, "", IMPOSSIBLE_DATES_REPORT)
    assert not (tmp_path / "public").exists() and not (tmp_path / "outbox").exists()


def test_schedule_reports_impossible_dates_and_keeps_running(tmp_path: Path) -> None:
    config = site_with_posts(
        tmp_path,
        IMPOSSIBLE_DATES,
        extra_toml='schedule = "0 9 * * mon"\n\n[build]\nschedule = "*/15 * * * *"\n',
    )
    log = tmp_path / "schedule.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [FEEDKIT, "schedule", "--config", str(config)],
            env={**os.environ, **SECRET_ENV},
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
        )
        try:
            wait_for(lambda: process.poll() is not None or "next build run" in log.read_text())
            assert process.poll() is None, log.read_text()  # still running: not dead at start
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
    text = log.read_text()
    assert process.returncode == 0, text
    assert "Traceback" not in text
    for line in IMPOSSIBLE_DATES_REPORT.splitlines()[:-1]:
        assert line in text
    assert text.rstrip().endswith("feedkit schedule stopped")


# Runs a command and prints its peak memory (KiB), killing it if it runs too long.
MEASURED = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=25)\n"
    "sys.stderr.write(done.stderr)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(peak // 1024 if sys.platform == 'darwin' else peak)  # bytes there, KiB here\n"
    "sys.exit(done.returncode)\n"
)


@pytest.mark.parametrize("command", [["build"], ["check"], ["digest"], ["preview", "--text"]])
def test_alias_bombs_and_recursive_values_load_quickly_in_little_memory(
    tmp_path: Path, command: list[str]
) -> None:
    # A "billion laughs" of half a kilobyte: nine to the ninth strings if aliases were copies.
    config = site_with_posts(
        tmp_path,
        {
            path.name: path.read_text(encoding="utf-8")
            for path in (FIXTURES / "aliases").glob("*.md")
        },
    )
    # Twice: the second run, after one post changed, takes the others from the build cache.
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", MEASURED, FEEDKIT, *command, "--config", str(config)],
            env={**os.environ, **SECRET_ENV, "FEEDKIT_NOW": NOW.isoformat()},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert int(done.stdout.splitlines()[-1]) < 200 * 1024  # KiB: a build takes about 30 MiB
        os.utime(tmp_path / "content" / "recursive-series.md", ns=(0, time.time_ns()))


def test_symbolic_link_loops_are_reported_not_a_traceback(tmp_path: Path) -> None:
    config = site_with_posts(tmp_path, {})
    (tmp_path / "content" / "sub").mkdir()
    (tmp_path / "content" / "sub" / "loop").symlink_to("..", target_is_directory=True)
    (tmp_path / "content" / "self.md").symlink_to("self.md")
    for command in ("build", "check"):
        code, out, err = run_feedkit(config, command)
        assert (code, out, err) == (
            1,
            "",
            "content/self.md: is a symbolic link that leads back to itself; fix or remove "
            "the link\n"
            "content/sub/loop: is a symbolic link to a folder that holds it, so "
            "reading it would never end; remove the link\n"
            "error: 2 problems in the content; nothing was written\n",
        )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX's")
def test_links_to_a_device_or_a_named_pipe_are_reported_not_read_for_ever(
    tmp_path: Path,
) -> None:
    # A link to /dev/zero among the posts was read until memory ran out; one to a named pipe
    # waited for a writer. Both hung build and check. A pipe itself is no post file.
    config = site_with_posts(tmp_path, {})
    content = tmp_path / "content"
    os.mkfifo(content / "pipe.md")
    (content / "zero.md").symlink_to("/dev/zero")
    (content / "to-pipe.md").symlink_to("pipe.md")
    for command in ("build", "check"):
        code, out, err = run_feedkit(config, command, timeout=30)
        assert (code, out, err) == (
            1,
            "",
            "".join(
                f"content/{name}: is a symbolic link to a device or a named pipe, not a file, "
                "so reading it might never end; remove the link\n"
                for name in ("to-pipe.md", "zero.md")
            )
            + "error: 2 problems in the content; nothing was written\n",
        )


@pytest.mark.parametrize(
    "command", [["build"], ["check"], ["digest", "--dry-run"], ["digest"], ["preview", "--text"]]
)
def test_a_file_this_user_may_not_read_is_named_by_every_command_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    # `chmod 000 content` (or an NFS export's rules): every command stopped with a
    # PermissionError traceback. Tests run as root, whom no mode stops: os.stat refuses.
    import re

    from click.testing import CliRunner

    from feedkit.cli import main

    make_digest_site(tmp_path, [("ada@example.org", "Ada")], posts=2)
    content = str(tmp_path / "content") + os.sep
    real_stat = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(path).startswith(content):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.chdir(tmp_path)
    env = {"FEEDKIT_NOW": NOW.isoformat(), **SECRET_ENV}
    result = CliRunner().invoke(main, [*command, "--config", "feedkit.toml"], env=env)
    assert result.exit_code == 1, result.output
    assert re.fullmatch(
        r"error: content/\S+: Permission denied; this user may not use it\n", result.stderr
    ), result.stderr
    assert not (tmp_path / "public").exists()


def test_a_plain_run_names_what_this_user_may_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The console script runs a build, a check and a dry run without click: the same.
    from feedkit.commands.build import as_command
    from feedkit.commands.console import QuickExit

    monkeypatch.setattr(QuickExit, "armed", False)  # as_command arms it: disarmed after
    monkeypatch.chdir(tmp_path)
    (tmp_path / "email_templates").mkdir()
    locked = tmp_path / "email_templates" / "digest.txt.j2"

    def denied() -> None:
        raise PermissionError(13, "Permission denied", str(locked))

    with pytest.raises(SystemExit) as exited:
        as_command(denied)
    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        "error: email_templates/digest.txt.j2: Permission denied; this user may not use it\n"
    )
