"""Digest runs against a real SMTP server on 127.0.0.1 and a real SQLite state file."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.config import load_config
from feedkit.digest import DigestRenderer
from feedkit.sending import run_digest, sender_factory
from feedkit.state import State
from feedkit.subscribers import load_subscribers

from conftest import NOW
from digest_site import SECRET_ENV, make_digest_site, public, write_post
from smtp_server import FaultySmtpServer

READERS = [(f"reader{i}@example.org", f"Reader {i}") for i in range(6)]


def smtp_toml(server: FaultySmtpServer, auth: bool = False) -> str:
    user = 'username = "feedkit"\n' if auth else ""
    return (
        f'\n[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "none"\n'
        f"timeout = 5\nbackoff = 0\n{user}"
    )


def site(tmp_path: Path, server: FaultySmtpServer, auth: bool = False):
    make_digest_site(tmp_path, READERS)
    toml = (tmp_path / "feedkit.toml").read_text()
    toml = toml.replace(
        'subscribers = "subscribers.csv"', 'subscribers = "subscribers.csv"\ndelivery = "smtp"'
    )
    (tmp_path / "feedkit.toml").write_text(toml + smtp_toml(server, auth))
    return load_config(tmp_path / "feedkit.toml")


def digest(tmp_path: Path, *args: str, now=NOW, env: dict[str, str] | None = None):
    environ = {"FEEDKIT_NOW": now.isoformat(), **SECRET_ENV, **(env or {})}
    return CliRunner().invoke(
        main,
        ["digest", "--config", str(tmp_path / "feedkit.toml"), *args],
        env=environ,
        catch_exceptions=False,
    )


def titles(received) -> list[str]:
    msg = email.message_from_bytes(received.raw, policy=policy.default)
    text = msg.get_body(("plain",)).get_content()
    return sorted(line.strip() for line in text.splitlines() if line.strip().startswith("New "))


def test_first_run_sends_nothing_then_only_new_posts_exactly_once(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    site(tmp_path, smtp_server)
    first = digest(tmp_path)
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("First run: recorded 3 published post(s) as already sent")
    assert smtp_server.messages == []

    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=2))
    write_post(tmp_path, "new-b", "New post B", NOW - timedelta(hours=1))
    second = digest(tmp_path)
    assert second.exit_code == 0, second.output
    assert "6 sent" in second.stdout
    for address, _ in READERS:
        (received,) = smtp_server.received_for(address)
        assert titles(received) == ["New post A", "New post B"]
    assert smtp_server.connections == 1  # one connection for the batch

    again = digest(tmp_path)
    assert again.stdout == "No new posts since the last digest; nothing sent.\n"
    assert len(smtp_server.messages) == 6

    write_post(tmp_path, "new-c", "New post C", NOW + timedelta(hours=1))
    later = digest(tmp_path, now=NOW + timedelta(days=1))
    assert later.exit_code == 0
    for address, _ in READERS:
        assert [titles(r) for r in smtp_server.received_for(address)] == [
            ["New post A", "New post B"],
            ["New post C"],
        ]


def test_451_then_success_is_retried_and_delivered_once(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    site(tmp_path, smtp_server)
    digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    smtp_server.defer("reader2@example.org", times=1)
    result = digest(tmp_path)
    assert result.exit_code == 0, result.output
    assert len(smtp_server.received_for("reader2@example.org")) == 1
    assert smtp_server.attempts("reader2@example.org") == 2
    assert len(smtp_server.messages) == 6


def test_550_for_one_reader_does_not_stop_the_others(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    site(tmp_path, smtp_server)
    digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    smtp_server.reject("reader1@example.org")
    result = digest(tmp_path)
    assert result.exit_code == 1
    assert "5 sent" in result.stdout and "1 failed" in result.stdout
    assert result.stderr.endswith(
        "error: 1 recipient(s) not reached; see feedkit digest --status\n"
    )
    assert smtp_server.received_for("reader1@example.org") == []
    assert len(smtp_server.messages) == 5
    status = digest(tmp_path, "--status")
    assert "failed   reader1@example.org  550" in status.stdout
    assert status.stdout.rstrip().endswith("state.db: intact")
    # Permanent failures are not retried on the next run.
    assert digest(tmp_path).stdout.startswith("No new posts")
    assert smtp_server.attempts("reader1@example.org") == 1


def test_auth_is_used_when_configured(tmp_path: Path, smtp_server: FaultySmtpServer) -> None:
    smtp_server.require_auth("feedkit", "pa55-word")
    site(tmp_path, smtp_server, auth=True)
    digest(tmp_path, env={"FEEDKIT_SMTP_PASSWORD": "pa55-word"})
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    result = digest(tmp_path, env={"FEEDKIT_SMTP_PASSWORD": "pa55-word"})
    assert result.exit_code == 0, result.output
    assert smtp_server.logins == ["feedkit"]
    assert len(smtp_server.messages) == 6


def test_missing_password_names_the_variable(tmp_path: Path, smtp_server) -> None:
    site(tmp_path, smtp_server, auth=True)
    result = digest(tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: feedkit.toml: smtp.password_env: the environment variable "
        "FEEDKIT_SMTP_PASSWORD is not set; it must hold the password for "
        "smtp.username\n"
    )


class Crash(Exception):
    pass


def test_crash_half_way_then_rerun_serves_the_other_half_with_the_same_digest(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = site(tmp_path, smtp_server)
    subscribers, _ = load_subscribers(tmp_path / "subscribers.csv", "subscribers.csv")
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    with State.open(cfg.path(cfg.digest.state)) as state:
        run_digest(
            cfg, state, public(cfg), subscribers, sender_factory(cfg), NOW, renderer=renderer
        )
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))

    real = sender_factory(cfg)

    def crashing(digest_id: str):
        sender = real(digest_id)
        sent = []

        class Half:
            def send(self, message, recipient):
                if len(sent) == 3:
                    raise Crash("power cut")
                sent.append(recipient)
                return sender.send(message, recipient)

            def close(self):
                sender.close()

        return Half()

    with State.open(cfg.path(cfg.digest.state)) as state, pytest.raises(Crash):
        run_digest(cfg, state, public(cfg), subscribers, crashing, NOW, renderer=renderer)
    first_half = {rcpt for m in smtp_server.messages for rcpt in m.rcpt_tos}
    assert len(first_half) == 3

    # A new post arrives before the rerun: it must not slip into the frozen digest.
    write_post(tmp_path, "new-b", "New post B", NOW + timedelta(minutes=30))
    later = NOW + timedelta(hours=1)
    with State.open(cfg.path(cfg.digest.state)) as state:
        report = run_digest(
            cfg,
            state,
            public(cfg, later),
            subscribers,
            sender_factory(cfg),
            later,
            renderer=renderer,
        )
        assert state.integrity_ok()
    assert [d.resumed for d in report.digests] == [True, False]
    for address, _ in READERS:
        got = smtp_server.received_for(address)
        assert [titles(r) for r in got] == [["New post A"], ["New post B"]]
    ids = {
        email.message_from_bytes(r.raw)["Message-ID"]
        for a, _ in READERS
        for r in smtp_server.received_for(a)[:1]
    }
    assert len(ids) == 6


def test_outbox_is_the_default_delivery(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS[:2])
    assert digest(tmp_path).exit_code == 0
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    result = digest(tmp_path)
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "outbox").iterdir()
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["reader0@example.org.eml", "reader1@example.org.eml"]
    msg = email.message_from_bytes((folder / files[0]).read_bytes(), policy=policy.default)
    assert msg["To"] == "Reader 0 <reader0@example.org>"


def test_bad_subscriber_rows_are_reported_and_skipped(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS[:2])
    with (tmp_path / "subscribers.csv").open("a", encoding="utf-8") as f:
        f.write("not-an-address,Nobody\nREADER0@example.org,Twice\n")
    digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    result = digest(tmp_path)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "subscribers.csv:4: warning: 'not-an-address' is not an email address; skipped",
        "subscribers.csv:5: warning: READER0@example.org is already listed on line 2; skipped",
    ]
    assert "2 sent" in result.stdout


def test_send_latest_on_the_first_run(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS[:1])
    result = digest(tmp_path, "--send-latest", "2")
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "outbox").iterdir()
    msg = email.message_from_bytes(next(folder.iterdir()).read_bytes(), policy=policy.default)
    text = msg.get_body(("plain",)).get_content()
    assert "Old post 2" in text and "Old post 1" in text and "Old post 0" not in text


def state_bytes(tmp_path: Path) -> bytes:
    return (tmp_path / ".feedkit" / "state.db").read_bytes()


def test_dry_run_and_test_copy_change_no_state(tmp_path: Path, smtp_server) -> None:
    site(tmp_path, smtp_server)
    digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    before = state_bytes(tmp_path)
    dry = digest(tmp_path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would send a new digest of 1 post(s) to 6 subscriber(s)." in dry.stdout
    assert "Subject: Example Blog: New post A" in dry.stdout
    test = digest(tmp_path, "--to", "me@example.net")
    assert test.exit_code == 0, test.output
    assert test.stdout.startswith(
        "Test copy of the next digest (1 new post(s)) sent to me@example.net"
    )
    (copy,) = smtp_server.messages
    assert list(copy.rcpt_tos) == ["me@example.net"]
    assert (
        email.message_from_bytes(copy.raw, policy=policy.default)["Subject"]
        == "[test] Example Blog: New post A"
    )
    assert state_bytes(tmp_path) == before
    # The real run still sends the post to everyone.
    assert "6 sent" in digest(tmp_path).stdout


def test_dry_run_before_any_run_creates_no_state(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS[:1])
    result = digest(tmp_path, "--dry-run")
    assert result.stdout.startswith("First run: would record 3 published post(s)")
    assert not (tmp_path / ".feedkit").exists()


def test_test_copy_to_a_bad_address_is_a_usage_error_naming_to(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS[:1])
    result = digest(tmp_path, "--to", "notanemail")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--to': 'notanemail' is not an email address"
    )


# -- what a send needs is checked before a digest is frozen -----------------------------------


def test_a_missing_secret_freezes_nothing_and_the_fix_sends_one_digest(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    site(tmp_path, smtp_server)
    digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=2))
    unset = {"FEEDKIT_UNSUBSCRIBE_SECRET": ""}
    result = digest(tmp_path, env=unset)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: feedkit.toml: digest.unsubscribe_url: needs a secret of at least 16 "
        "characters in the environment variable FEEDKIT_UNSUBSCRIBE_SECRET\n"
    )
    assert digest(tmp_path, "--status").stdout.startswith("No digest sent yet")
    write_post(tmp_path, "new-b", "New post B", NOW - timedelta(hours=1))
    fixed = digest(tmp_path)
    assert fixed.exit_code == 0, fixed.output
    for address, _ in READERS:
        (received,) = smtp_server.received_for(address)
        assert titles(received) == ["New post A", "New post B"]


def test_every_missing_send_setting_is_reported_at_once(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    site(tmp_path, smtp_server, auth=True)
    toml = (tmp_path / "feedkit.toml").read_text()
    (tmp_path / "feedkit.toml").write_text(
        toml.replace('from = "Ada Quill <ada@example.org>"\n', "")
    )
    result = digest(tmp_path, env={"FEEDKIT_UNSUBSCRIBE_SECRET": "short"})
    assert result.exit_code == 1
    assert result.stderr == (
        "error: feedkit.toml: digest.from: is required to send a digest, e.g. "
        'from = "Ada Quill <ada@example.org>"\n'
        "feedkit.toml: digest.unsubscribe_url: needs a secret of at least 16 characters in "
        "the environment variable FEEDKIT_UNSUBSCRIBE_SECRET\n"
        "feedkit.toml: smtp.password_env: the environment variable FEEDKIT_SMTP_PASSWORD is "
        "not set; it must hold the password for smtp.username\n"
    )
    assert not (tmp_path / ".feedkit" / "state.db").exists()
