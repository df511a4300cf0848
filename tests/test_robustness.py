"""Real `feedkit` processes against a real SMTP server: kill -9, SIGTERM, races and faults."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from feedkit.state import State

from conftest import NOW
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


def test_kill_9_mid_batch_then_rerun_serves_everyone(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = smtp_site(tmp_path, smtp_server, 200)
    new_post_digest_prepared(config, tmp_path)
    smtp_server.delay = 0.01
    process = feedkit(config, "digest")
    wait_for(lambda: len(smtp_server.messages) >= 60)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert process.returncode == -signal.SIGKILL
    assert len(smtp_server.messages) < 200, "the kill came too late to test anything"

    smtp_server.delay = 0
    code, out, err = finish(feedkit(config, "digest"))
    assert code == 0, err
    assert "resumed" in out
    got = copies(smtp_server)
    assert set(got) == {f"reader{i:03d}@example.org" for i in range(200)}
    duplicated = [r for r, n in got.items() if n > 1]
    assert len(duplicated) <= 1 and max(got.values()) <= 2
    for reader in duplicated:  # the one in flight at the kill: the same message again
        ids = {
            email.message_from_bytes(m.raw)["Message-ID"] for m in smtp_server.received_for(reader)
        }
        assert len(ids) == 1
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        assert state.integrity_ok()
        ((digest, readers),) = state.recent_digests()
        assert {r.status for r in readers} == {"sent"}


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
    from feedkit.state import SenderLock

    with SenderLock(tmp_path / ".feedkit" / "state.db") as held:
        held.acquire(1)
        code, out, err = finish(feedkit(config, "digest"))
    assert code == 1
    assert "another feedkit is sending digests (pid " in err
    assert "waited 0.5 s. Try again when it is done, or raise digest.lock_timeout" in err
    assert smtp_server.messages == []


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
