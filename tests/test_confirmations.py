"""The confirmation mails' queue as `feedkit serve` works through it: mailed through a real
SMTP server, kept while the server is down, given up once the link would have expired;
mailed once by two services on one state file, and not again after a clean stop."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from feedkit.config import Config
from feedkit.mail.claimowner import parse_owner
from feedkit.mail.confirmqueue import CLAIM_LEASE, queued_confirmations
from feedkit.mail.readers import Readers
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.tokens import Tokens
from feedkit.web.confirmations import STOP_WAIT, ConfirmationMailer

from conftest import NOW
from serve_site import (
    PUBLIC_URL,
    SECRET,
    confirm_link_in,
    mails_for,
    make_serve_site,
    queue_claims,
    reader_events,
    running,
    sign_up,
    wait_until,
)
from smtp_server import FaultySmtpServer


def test_a_confirmation_waits_for_a_dead_mail_server_until_its_link_would_expire(
    tmp_path: Path, smtp_server: FaultySmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = make_serve_site(tmp_path, smtp_server, 'confirm_within = "2h"\n')
    smtp_server.refuse_all("421 4.3.2 Service not available", at="connect")
    with State.open(cfg.path(cfg.digest.state)) as state:
        readers = Readers(state)
        assert readers.request(Subscriber("kim@example.org", "Kim"), "", NOW) is not None
        clock = [NOW + timedelta(hours=1)]
        mailer = ConfirmationMailer(cfg, Tokens(SECRET.encode()), lambda: clock[0])
        with caplog.at_level(logging.INFO, logger="feedkit.serve"):
            assert mailer.mail_queued(readers) is False  # kept for the next try
            assert len(queued_confirmations(readers)) == 1
            clock[0] = NOW + timedelta(hours=2, minutes=1)  # its link would have expired
            assert mailer.mail_queued(readers) is True
        assert queued_confirmations(readers) == []
        logged = [
            (r.levelname, r.getMessage()) for r in caplog.records if r.name == "feedkit.serve"
        ]
        assert logged == [
            (
                "ERROR",
                f"reader 1: confirmation not mailed yet: cannot connect to {smtp_server.host}:"
                f"{smtp_server.port}: 421 4.3.2 Service not available (2 attempts)",
            ),
            (
                "ERROR",
                "reader 1: confirmation given up: not mailed before its link would have "
                "expired (serve.confirm_within)",
            ),
        ]
        # The reader's next sign-up mails a new link at once, not after resend_after.
        smtp_server.clear_faults()
        again = NOW + timedelta(hours=2, minutes=2)
        assert readers.request(Subscriber("kim@example.org", "Kim"), "", again) is not None
        clock[0] = again
        assert mailer.mail_queued(readers) is True
    [mail] = smtp_server.received_for("kim@example.org")
    assert confirm_link_in(mail.raw).startswith(PUBLIC_URL + "confirm/")
    assert b"\r\nDate: Sun, 22 Nov 2026 14:02:00 +0000\r\n" in mail.raw
    assert [e for e, _, _ in reader_events(cfg, "kim@example.org")] == [
        "requested",
        "unsent",
        "requested",
    ]


def test_two_services_on_one_state_file_mail_a_confirmation_once(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # Two workers behind one proxy, or the old service still stopping as the new one starts.
    cfg = make_serve_site(tmp_path, smtp_server, smtp_timeout=15)
    smtp_server.hold()  # every DATA waits, unanswered, until the test releases it
    try:
        with running(cfg) as first:
            sign_up(first, "kim@example.org")
            wait_until(lambda: smtp_server.held == 1)  # the first is mailing Kim's
            # The second starts with Kim's confirmation queued, and goes through the queue
            # again for a sign-up of its own.
            with running(cfg, stop=signal.SIGINT) as second:
                sign_up(second, "lee@example.org")
                wait_until(lambda: smtp_server.held == 2)
                smtp_server.release()
                mails_for(smtp_server, "lee@example.org")
            mails_for(smtp_server, "kim@example.org")
    finally:
        smtp_server.release()
    [kim] = smtp_server.received_for("kim@example.org")
    assert b"\r\nTo: kim@example.org\r\n" in kim.raw
    assert confirm_link_in(kim.raw).startswith(PUBLIC_URL + "confirm/")
    # Released together, the two held mails are answered in either order.
    assert sorted(m.rcpt_tos for m in smtp_server.messages) == [
        ("kim@example.org",),
        ("lee@example.org",),
    ]
    assert queue_claims(cfg) == {}


def test_a_claim_left_by_a_killed_service_elsewhere_is_taken_over_once_its_lease_runs_out(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = make_serve_site(tmp_path, smtp_server, smtp_timeout=15)
    smtp_server.stall("kim@example.org", seconds=60)  # her first DATA is never answered
    with running(cfg, stop=signal.SIGKILL) as killed:
        sign_up(killed, "kim@example.org")
        wait_until(lambda: smtp_server.data_attempts("kim@example.org") == 1)
    # Killed while mailing Kim's: its claim stays in the state file. As if it ran on another
    # machine sharing the file, with no lock to test (a feedkit from before the locks, or
    # one without fcntl): nothing here can see that it is gone.
    [claimed_by] = queue_claims(cfg).values()
    owner = parse_owner(claimed_by or "")
    assert owner is not None and owner.pid == killed.process.pid
    conn = sqlite3.connect(cfg.path(cfg.digest.state))
    with conn:
        elsewhere = replace(owner, host="news-2.example.test", lock="").text()
        conn.execute("UPDATE confirmation_queue SET claimed_by=?", (elsewhere,))
    conn.close()
    with running(cfg, now=NOW + CLAIM_LEASE - timedelta(seconds=1)) as early:
        sign_up(early, "lee@example.org")  # queued after Kim's, mailed after it is passed
        mails_for(smtp_server, "lee@example.org")
    assert smtp_server.received_for("kim@example.org") == []  # the claim still held it
    with running(cfg, now=NOW + CLAIM_LEASE) as late:
        [mail] = mails_for(smtp_server, "kim@example.org")
    assert confirm_link_in(mail.raw).startswith(PUBLIC_URL + "confirm/")
    assert b"\r\nDate: Sun, 22 Nov 2026 12:05:00 +0000\r\n" in mail.raw
    assert smtp_server.data_attempts("kim@example.org") == 2
    assert queue_claims(cfg) == {}
    assert (
        f"WARNING reader 1: confirmation taken over from news-2.example.test pid "
        f"{killed.process.pid}, whose claim ran out (killed while mailing it?): the reader "
        "may get it twice"
    ) in late.stderr


def test_a_service_started_after_one_was_killed_mid_send_mails_its_confirmation_at_once(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # Out of memory, kill -9, a crash: the service restarted at once on the same machine.
    cfg = make_serve_site(tmp_path, smtp_server, smtp_timeout=15)
    smtp_server.stall("kim@example.org", seconds=60)  # her first DATA is never answered
    with running(cfg, stop=signal.SIGKILL) as killed:
        sign_up(killed, "kim@example.org")
        wait_until(lambda: smtp_server.data_attempts("kim@example.org") == 1)
    assert smtp_server.messages == []
    conn = sqlite3.connect(cfg.path(cfg.digest.state))
    try:
        [(until,)] = conn.execute("SELECT claimed_until FROM confirmation_queue").fetchall()
    finally:
        conn.close()
    # By the clock of the service started next, the dead one's claim has not run out.
    assert datetime.fromisoformat(until) == NOW + CLAIM_LEASE
    with running(cfg, now=NOW) as restarted:
        [mail] = mails_for(smtp_server, "kim@example.org")
    assert len(smtp_server.messages) == 1
    assert b"\r\nTo: kim@example.org\r\n" in mail.raw
    assert b"\r\nDate: Sun, 22 Nov 2026 12:00:00 +0000\r\n" in mail.raw
    assert confirm_link_in(mail.raw).startswith(PUBLIC_URL + "confirm/")
    assert smtp_server.data_attempts("kim@example.org") == 2
    assert queue_claims(cfg) == {}
    assert (
        f"WARNING reader 1: confirmation taken over from {socket.gethostname()} pid "
        f"{killed.process.pid}, which is no longer running (killed while mailing it?): the "
        "reader may get it twice"
    ) in restarted.stderr


def test_a_clean_stop_waits_for_the_mail_on_its_way_and_takes_it_off_the_queue(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = make_serve_site(tmp_path, smtp_server, smtp_timeout=15)
    smtp_server.hold()
    try:
        with running(cfg) as service:
            sign_up(service, "kim@example.org")
            wait_until(lambda: smtp_server.held == 1)  # on its way: the server has its DATA
            # While it runs, the service holds a lock of its own, which only it can read.
            [lock] = service_locks(cfg)
            assert (mode(lock.parent), mode(lock)) == (0o700, 0o600)
            service.process.send_signal(signal.SIGTERM)
            time.sleep(1)  # a mail server that answers within STOP_WAIT
            assert service.process.poll() is None, "stopped before the mail server answered"
            smtp_server.release()
            service.process.wait(timeout=20)
    finally:
        smtp_server.release()
    assert "INFO stopping once reader 1's confirmation has reached the mail server" in (
        service.stderr
    )
    assert "reader 1: confirmation mailed (250 2.0.0 OK queued)" in service.stderr
    assert queue_claims(cfg) == {}  # not mailed again
    assert service_locks(cfg) == []  # nothing left behind
    [mail] = smtp_server.received_for("kim@example.org")
    assert confirm_link_in(mail.raw).startswith(PUBLIC_URL + "confirm/")
    with running(cfg, now=NOW + CLAIM_LEASE) as again:  # nothing left to mail
        sign_up(again, "lee@example.org")
        mails_for(smtp_server, "lee@example.org")
    assert len(smtp_server.received_for("kim@example.org")) == 1


def test_a_clean_stop_ends_in_time_and_the_next_service_mails_what_was_on_its_way_at_once(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # A mail server that does not answer: the stop may not wait longer than a service
    # manager gives it (systemd 90 s, Docker 10 s) before it kills the service mid-send.
    cfg = make_serve_site(tmp_path, smtp_server, smtp_timeout=15)
    smtp_server.stall("kim@example.org", seconds=60)  # her first DATA is never answered
    with running(cfg) as stopped:
        sign_up(stopped, "kim@example.org")
        wait_until(lambda: smtp_server.data_attempts("kim@example.org") == 1)
        stopped.process.send_signal(signal.SIGTERM)
        stopped.process.wait(timeout=10)  # before `docker stop` would kill it
    assert STOP_WAIT == 5
    assert (
        "WARNING stopping with reader 1's confirmation still on its way after 5 s: it stays "
        "queued, the next service mails it, and the reader may get it twice"
    ) in stopped.stderr
    [claimed_by] = queue_claims(cfg).values()  # still its claim, which has not run out
    owner = parse_owner(claimed_by or "")
    assert owner is not None and owner.pid == stopped.process.pid and owner.lock
    assert smtp_server.messages == []
    with running(cfg, now=NOW) as restarted:
        [mail] = mails_for(smtp_server, "kim@example.org")
        [lock] = service_locks(cfg)  # the stopped one's lock file is gone
        assert owner.lock not in lock.name
    assert b"\r\nDate: Sun, 22 Nov 2026 12:00:00 +0000\r\n" in mail.raw
    assert queue_claims(cfg) == {} and service_locks(cfg) == []
    assert (
        f"WARNING reader 1: confirmation taken over from {socket.gethostname()} pid "
        f"{stopped.process.pid}, which is no longer running (killed while mailing it?): the "
        "reader may get it twice"
    ) in restarted.stderr


def new_pid_namespace() -> list[str]:
    """Return the command that runs a command in a PID namespace of its own, as a container
    does, killed with it; skip where this user may not make one."""
    command = ["unshare", "--user", "--map-root-user", "--pid", "--kill-child"]
    if shutil.which("unshare") is None:
        pytest.skip("no unshare: the lock rule is tested in tests/test_confirmqueue.py")
    if subprocess.run([*command, "true"], capture_output=True).returncode != 0:
        pytest.skip("no new PID namespace for this user: see tests/test_confirmqueue.py")
    return command


def test_a_service_restarted_in_a_new_container_mails_what_the_killed_one_left_at_once(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # A container killed mid-send (out of memory, docker kill) and started again, the state
    # file on a volume: its process IDs counted in a namespace that is gone, which /proc
    # cannot tell about. Up to now its confirmation waited for the claim to run out.
    unshared = new_pid_namespace()
    cfg = make_serve_site(tmp_path, smtp_server, smtp_timeout=15)
    smtp_server.stall("kim@example.org", seconds=60)  # her first DATA is never answered
    with running(cfg, stop=signal.SIGKILL, prefix=unshared) as killed:
        sign_up(killed, "kim@example.org")
        wait_until(lambda: smtp_server.data_attempts("kim@example.org") == 1)
    [claimed_by] = queue_claims(cfg).values()
    owner = parse_owner(claimed_by or "")
    assert owner is not None and owner.pid == 1 and owner.lock
    assert owner.pid_namespace != os.readlink("/proc/self/ns/pid")
    # unshare is killed, and with it the service, its namespace's first process.
    wait_until(lambda: owner.pid_namespace not in pid_namespaces())
    # By the clock of the service started next, the dead one's claim has not run out.
    with running(cfg, now=NOW) as restarted:
        [mail] = mails_for(smtp_server, "kim@example.org")
    assert b"\r\nTo: kim@example.org\r\n" in mail.raw
    assert smtp_server.data_attempts("kim@example.org") == 2
    assert queue_claims(cfg) == {} and service_locks(cfg) == []
    assert (
        f"WARNING reader 1: confirmation taken over from {socket.gethostname()} pid 1, "
        "which is no longer running (killed while mailing it?): the reader may get it twice"
    ) in restarted.stderr


def test_a_running_services_claim_is_not_taken_over_when_its_mail_outlasts_the_lease(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # A slow mail server: the first service is still handing Kim's confirmation over when,
    # by the second's clock, its claim has run out. And it is paused meanwhile (SIGSTOP, a
    # debugger, a frozen container): it still runs, and hands the mail over once resumed.
    cfg = make_serve_site(tmp_path, smtp_server, smtp_timeout=15)
    smtp_server.hold()
    try:
        with running(cfg) as first:
            sign_up(first, "kim@example.org")
            wait_until(lambda: smtp_server.held == 1)
            first.process.send_signal(signal.SIGSTOP)
            try:
                later = NOW + CLAIM_LEASE + timedelta(minutes=1)
                with running(cfg, now=later) as second:
                    sign_up(second, "lee@example.org")  # queued after Kim's: passes it first
                    wait_until(lambda: smtp_server.held == 2)
                    assert smtp_server.data_attempts("kim@example.org") == 1
                    assert smtp_server.data_attempts("lee@example.org") == 1
                    smtp_server.release()
                    mails_for(smtp_server, "lee@example.org")
            finally:
                first.process.send_signal(signal.SIGCONT)
            mails_for(smtp_server, "kim@example.org")
    finally:
        smtp_server.release()
    assert len(smtp_server.received_for("kim@example.org")) == 1
    assert queue_claims(cfg) == {}
    assert "taken over" not in first.stderr + second.stderr


def service_locks(cfg: Config) -> list[Path]:
    """Return the lock files of the services on the site's state file."""
    state = cfg.path(cfg.digest.state)
    return sorted(state.with_name(state.name + ".serving").iterdir())


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def pid_namespaces() -> set[str]:
    """Return the PID namespaces of the processes this user can see that still run."""
    found = set()
    for process in Path("/proc").iterdir():
        try:
            found.add(os.readlink(process / "ns" / "pid"))
        except OSError:  # not a process, another user's, or ended (a zombie has none)
            pass
    return found
