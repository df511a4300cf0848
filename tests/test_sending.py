"""Digest runs against a real SMTP server on 127.0.0.1 and a real SQLite state file."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
from datetime import timedelta
from email import policy
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.config import Config, load_config
from feedkit.mail.digest import DigestRenderer
from feedkit.mail.roster import digest_readers
from feedkit.mail.sending import run_digest, sender_factory
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber

from conftest import NOW
from digest_site import SECRET_ENV, make_digest_site, public, raw_fields, smtp_toml, write_post
from smtp_server import FaultySmtpServer

READERS = [(f"reader{i}@example.org", f"Reader {i}") for i in range(6)]


def site(
    tmp_path: Path,
    server: FaultySmtpServer,
    auth: bool = False,
    readers: list[tuple[str, str]] = READERS,
):
    make_digest_site(tmp_path, readers)
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


def listed(cfg: Config) -> list[Subscriber]:
    """Return the readers of subscribers.csv, brought onto the reader list as a run does."""
    with State.open(cfg.path(cfg.digest.state)) as state:
        return digest_readers(cfg, state, NOW)[0]


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


def test_a_reader_not_reached_is_named_as_mail_goes_to_them_not_lower_cased(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # The part before the @ may be case-sensitive (RFC 5321, 2.4): stderr and --status
    # said "anna@example.org: deferred", an address that is not the reader's.
    site(tmp_path, smtp_server, readers=[("Anna@example.org", "Anna"), READERS[0]])
    digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    smtp_server.defer("Anna@example.org", times=None, reply="451 4.7.1 Greylisted")
    env = {**os.environ, "FEEDKIT_NOW": NOW.isoformat(), **SECRET_ENV}
    config = str(tmp_path / "feedkit.toml")
    command = [sys.executable, "-m", "feedkit", "digest", "--config", config]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # not reached: said, exit 1
    assert "Anna@example.org: deferred (451 4.7.1 Greylisted" in done.stderr
    assert "anna@" not in done.stderr
    status = digest(tmp_path, "--status").stdout
    assert "    deferred Anna@example.org  451 4.7.1 Greylisted" in status
    assert "anna@" not in status


def test_a_lost_acknowledgement_sends_that_one_message_twice_with_one_message_id(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # What README promises: the one message whose acknowledgement was lost goes again, the
    # same message; nobody else gets a second copy, and nobody gets a third.
    site(tmp_path, smtp_server)
    digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    smtp_server.lose_ack("reader2@example.org", times=1)
    result = digest(tmp_path)
    assert result.exit_code == 0, result.output
    assert "6 sent" in result.stdout
    assert {a: n for a, n in copies(smtp_server).items() if n != 1} == {"reader2@example.org": 2}
    first, second = smtp_server.received_for("reader2@example.org")
    assert first.raw == second.raw  # the same bytes, so the same Message-ID
    assert first.message["Message-ID"] == second.message["Message-ID"]
    assert digest(tmp_path).stdout == "No new posts since the last digest; nothing sent.\n"
    assert len(smtp_server.messages) == 7


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


def dies_after(sends: int, open_sender):
    """Return a delivery that dies (raises Crash, as a power cut or kill -9 would end the
    run) when asked for message number `sends` + 1."""

    def opened(digest_id: str):
        sender = open_sender(digest_id)
        tried: list[str] = []

        class Dying:
            def send(self, message, recipient):
                if len(tried) == sends:
                    raise Crash("power cut")
                tried.append(recipient)
                return sender.send(message, recipient)

            def close(self):
                sender.close()

        return Dying()

    return opened


def test_crash_half_way_then_rerun_serves_the_other_half_with_the_same_digest(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = site(tmp_path, smtp_server)
    subscribers = listed(cfg)  # the list a digest goes to, as a run makes it
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    with State.open(cfg.path(cfg.digest.state)) as state:
        run_digest(
            cfg, state, public(cfg), subscribers, sender_factory(cfg), NOW, renderer=renderer
        )
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))

    real = sender_factory(cfg)

    with State.open(cfg.path(cfg.digest.state)) as state, pytest.raises(Crash):
        run_digest(
            cfg, state, public(cfg), subscribers, dies_after(3, real), NOW, renderer=renderer
        )
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
        "subscribers.csv:4: warning: 'not-an-address' is not an email address: "
        "an email address must have an @-sign; skipped",
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
    # Given again, to a run that is not the first: it chose nothing, and said nothing.
    said = (
        "--send-latest: warning: the site's first digest run was made already: the option "
        "chooses what that run sends, and this run sends the posts nobody has had yet, as "
        "any other"
    )
    for args in (["--dry-run"], []):
        again = digest(tmp_path, *args, "--send-latest", "2")
        assert again.exit_code == 0, again.output
        assert said in (again.stdout + again.stderr).splitlines(), args
    assert len(list((tmp_path / "outbox").iterdir())) == 1


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
        "Test copy of the next digest (1 new post) sent to me@example.net"
    )
    (copy,) = smtp_server.messages
    assert list(copy.rcpt_tos) == ["me@example.net"]
    assert (
        email.message_from_bytes(copy.raw, policy=policy.default)["Subject"]
        == "[test] Example Blog: New post A"
    )
    # No "view in your browser" link: the digest sent is made again, its page another.
    assert b"/newsletter/" not in copy.raw and b"in your browser" not in copy.raw
    assert state_bytes(tmp_path) == before
    # The real run still sends the post to everyone, with its link.
    assert "6 sent" in digest(tmp_path).stdout
    assert b"View this digest in your browser" in smtp_server.messages[-1].raw


def test_a_test_copy_never_shares_a_message_id_with_the_digest_or_another_test_copy(
    tmp_path: Path, smtp_server
) -> None:
    # The blogger tests with their own address, which is on the list too. Mailboxes (Gmail
    # among them) drop a message whose Message-ID they already hold: the real digest, or
    # the test copy sent again after a template change, would never show.
    site(tmp_path, smtp_server)
    digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    for _ in range(2):
        assert digest(tmp_path, "--to", READERS[0][0]).exit_code == 0
    assert "6 sent" in digest(tmp_path).stdout
    copies = smtp_server.received_for(READERS[0][0])
    assert len(copies) == 3
    ids = [raw_fields(copy.raw)["Message-ID"] for copy in copies]
    assert len(set(ids)) == 3, ids
    for field in ids:
        assert re.fullmatch(rb"Message-ID: <[!-;=?-~]+@[a-z0-9.-]+>", field), field


def test_a_broken_template_freezes_no_digest_so_after_the_fix_readers_get_one(
    tmp_path: Path,
) -> None:
    make_digest_site(tmp_path, READERS[:1])
    digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=2))
    (tmp_path / "email_templates").mkdir()
    page = tmp_path / "email_templates" / "digest.html.j2"
    page.write_text("<p>{{ digest.subject }}</p>\n{% if %}\n")
    failed = digest(tmp_path)
    assert (failed.exit_code, failed.stderr) == (
        1,
        "error: email_templates/digest.html.j2:2: Expected an expression, got 'end of statement"
        " block'\n",
    )
    assert digest(tmp_path, "--status").stdout.startswith("No digest sent yet")
    write_post(tmp_path, "new-b", "New post B", NOW - timedelta(hours=1))
    page.unlink()
    assert "1 sent" in digest(tmp_path).stdout
    (folder,) = (tmp_path / "outbox").iterdir()
    (copy,) = folder.iterdir()
    msg = email.message_from_bytes(copy.read_bytes(), policy=policy.default)
    assert msg["Subject"] == "Example Blog: New post B and 1 more post"


def test_test_copy_subject_keeps_its_spaces_and_goes_to_the_address_as_readers_do(
    tmp_path: Path,
) -> None:
    make_digest_site(tmp_path, READERS[:1])
    digest(tmp_path)
    write_post(tmp_path, "new-a", "“Curly” 🚀 日本語 post", NOW - timedelta(hours=1))
    result = digest(tmp_path, "--to", "Me@EXÄMPLE.de")
    assert result.exit_code == 0, result.output
    assert "sent to Me@xn--exmple-cua.de" in result.stdout  # its domain in ASCII form
    (copy,) = (tmp_path / "outbox").glob("test-*/*.eml")
    assert copy.name == "%4De@xn--exmple-cua.de.eml"
    raw = copy.read_bytes()
    field = raw_fields(raw)["Subject"]
    assert field.isascii() and b"=?utf-8?" in field  # encoded words, folded by us
    assert max(len(line) for line in field.split(b"\r\n")) <= 78
    words = decode_header(field.decode()[len("Subject: ") :])
    decoded = str(make_header(words))
    assert decoded == "[test] Example Blog: “Curly” 🚀 日本語 post"  # spaces kept


def test_dry_run_before_any_run_creates_no_state(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS[:1])
    result = digest(tmp_path, "--dry-run")
    assert result.stdout.startswith("First run: would record 3 published post(s)")
    assert not (tmp_path / ".feedkit").exists()


def test_a_first_dry_run_with_send_latest_says_what_it_would_send(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS[:1])
    some = digest(tmp_path, "--dry-run", "--send-latest", "2").stdout.splitlines()
    assert some[:2] == [
        "First run: would record 1 published post(s) as already sent, and send the newest 2.",
        "Would send a new digest of 2 post(s) to 1 subscriber(s).",
    ]
    every = digest(tmp_path, "--dry-run", "--send-latest", "9").stdout.splitlines()
    assert every[:2] == [
        "First run: would record 0 published post(s) as already sent, and send the newest 3.",
        "Would send a new digest of 3 post(s) to 1 subscriber(s).",
    ]


def test_a_dry_run_refuses_the_unsubscribe_link_the_send_would_refuse(tmp_path: Path) -> None:
    # The first reader's link fits in its header line; the one with the longest address
    # does not: the dry run says so, as the send does, instead of "Would send".
    readers = [("a@example.org", "A"), ("bartholomew@example.org", "B")]
    make_digest_site(tmp_path, readers)
    digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    fixed = len("https://example.com/unsubscribe?token=&email=") + 32
    padding = "p" * (978 - fixed - len("bartholomew%40example.org") - 1)
    toml = tmp_path / "feedkit.toml"
    toml.write_text(toml.read_text().replace("example.com/unsub", f"example.com/{padding}/unsub"))
    why = (
        "error: feedkit.toml: digest.unsubscribe_url: gives a 978-character link for "
        "bartholomew@example.org, but a List-Unsubscribe header line holds at most 977 "
        "characters of link, and a link cannot be folded; make the URL shorter\n"
    )
    for args in (["--dry-run"], []):
        result = CliRunner().invoke(
            main,
            ["digest", "--config", str(toml), *args],
            env={"FEEDKIT_NOW": NOW.isoformat(), **SECRET_ENV},
        )
        assert (result.exit_code, result.stderr) == (1, why), result.output


def test_test_copy_to_a_bad_address_is_a_usage_error_naming_to(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS[:1])
    result = digest(tmp_path, "--to", "notanemail")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--to': 'notanemail' is not an email address"
    )


# -- refusals for everyone stop the batch; nobody is lost ------------------------------------

MANY = [(f"reader{i:02d}@example.org", f"Reader {i}") for i in range(20)]
EVERYONE = [address for address, _ in MANY]


def statuses(tmp_path: Path) -> dict[str, str]:
    """Return each reader's status in the newest digest, as the state file has it."""
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        ((_, recipients),) = state.recent_digests(1)
    return {r.email: r.status for r in recipients}


def copies(server: FaultySmtpServer) -> dict[str, int]:
    counts: dict[str, int] = {}
    for received in server.messages:
        for rcpt in received.rcpt_tos:
            counts[rcpt] = counts.get(rcpt, 0) + 1
    return counts


def many_readers_and_a_new_post(tmp_path: Path, server: FaultySmtpServer) -> None:
    site(tmp_path, server, readers=MANY)
    assert digest(tmp_path).exit_code == 0  # the first run records the archive
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))


def everyone_gets_it_once_after_the_fix(tmp_path: Path, server: FaultySmtpServer) -> None:
    server.clear_faults()
    again = digest(tmp_path)
    assert again.exit_code == 0, again.output
    assert copies(server) == dict.fromkeys(EVERYONE, 1)
    assert all(titles(m) == ["New post A"] for m in server.messages)
    assert set(statuses(tmp_path).values()) == {"sent"}
    assert digest(tmp_path).stdout == "No new posts since the last digest; nothing sent.\n"


def test_a_refused_sender_stops_the_batch_and_the_readers_stay_pending(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    many_readers_and_a_new_post(tmp_path, smtp_server)
    smtp_server.refuse_all("554 5.7.1 Sender address rejected: Access denied", at="mail")
    result = digest(tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: digest.from: 127.0.0.1:{smtp_server.port} refused the sender "
        "ada@example.org (554 5.7.1 Sender address rejected: Access denied): nobody can "
        "be sent mail until that is fixed\n"
        "The batch stopped: 20 reader(s) stay pending and get this digest at the next run; "
        "see feedkit digest --status\n"
    )
    assert result.stdout.endswith(" stopped: 20 pending\n")
    assert smtp_server.transactions == 1  # one try was enough to know
    assert smtp_server.messages == []
    assert set(statuses(tmp_path).values()) == {"pending"}
    everyone_gets_it_once_after_the_fix(tmp_path, smtp_server)


def test_a_quota_from_the_11th_message_on_leaves_the_rest_pending(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    many_readers_and_a_new_post(tmp_path, smtp_server)
    smtp_server.refuse_all("554 5.7.0 Daily sending quota exceeded", at="mail", after=10)
    result = digest(tmp_path)
    assert result.exit_code == 1
    assert result.stdout.endswith(" stopped: 10 pending, 10 sent\n")
    assert "(554 5.7.0 Daily sending quota exceeded)" in result.stderr
    assert len(smtp_server.messages) == 10
    rows = statuses(tmp_path)
    assert [rows[a] for a in EVERYONE] == ["sent"] * 10 + ["pending"] * 10
    everyone_gets_it_once_after_the_fix(tmp_path, smtp_server)


def test_the_same_refusal_for_five_readers_in_a_row_is_about_the_sender(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    many_readers_and_a_new_post(tmp_path, smtp_server)
    smtp_server.refuse_all("550 5.7.1 Daily sending quota exceeded", at="rcpt", after=10)
    result = digest(tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: 5 readers in a row were refused with the same reply (550 5.7.1 Daily "
        "sending quota exceeded): that is a refusal of the sender or of the message, not of "
        "each reader, so the batch stopped and they stay in line "
        "(reader10@example.org, reader11@example.org, reader12@example.org, "
        "reader13@example.org, reader14@example.org). If these addresses really are "
        "dead, remove them from the subscriber list\n"
        "The batch stopped: 10 reader(s) stay pending and get this digest at the next run; "
        "see feedkit digest --status\n"
    )
    assert len(smtp_server.messages) == 10
    assert [smtp_server.attempts(a) for a in EVERYONE[10:]] == [1] * 5 + [0] * 5
    rows = statuses(tmp_path)
    assert [rows[a] for a in EVERYONE] == ["sent"] * 10 + ["pending"] * 10
    everyone_gets_it_once_after_the_fix(tmp_path, smtp_server)


def test_a_run_killed_amid_identical_refusals_leaves_those_readers_pending_not_failed(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # Whether 3 alike refusals are the readers' or the sender's is not known yet: a process
    # that dies then must not leave them failed, where no later run would try them again.
    cfg = site(tmp_path, smtp_server, readers=MANY)
    subscribers = listed(cfg)  # the list a digest goes to, as a run makes it
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    real = sender_factory(cfg)
    with State.open(cfg.path(cfg.digest.state)) as state:
        run_digest(cfg, state, public(cfg), subscribers, real, NOW, renderer=renderer)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    smtp_server.reject(EVERYONE[1])  # a dead mailbox: failed at once, the reader's own
    smtp_server.refuse_all("550 5.7.1 Daily sending quota exceeded", at="rcpt", after=3)
    with State.open(cfg.path(cfg.digest.state)) as state, pytest.raises(Crash):
        run_digest(
            cfg, state, public(cfg), subscribers, dies_after(6, real), NOW, renderer=renderer
        )
    rows = statuses(tmp_path)
    assert [rows[a] for a in EVERYONE[:6]] == [
        "sent",
        "failed",
        "sent",
        "pending",
        "pending",
        "pending",
    ]

    smtp_server.clear_faults()
    again = digest(tmp_path)
    assert again.exit_code == 0, again.output  # the dead mailbox is not tried again
    rows = statuses(tmp_path)
    assert [a for a in EVERYONE if rows[a] != "sent"] == [EVERYONE[1]]
    assert copies(smtp_server) == {a: 1 for a in EVERYONE if a != EVERYONE[1]}


def test_a_refused_connection_stops_the_batch_and_the_readers_stay_pending(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    many_readers_and_a_new_post(tmp_path, smtp_server)
    # Five readers get the digest; then the server hangs up and refuses the new connection.
    smtp_server.refuse_all("421 4.3.2 Shutting down", at="rcpt", after=5, times=1)
    smtp_server.refuse_all("554 5.7.1 No SMTP service for you", at="connect", after=1)
    result = digest(tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: smtp.host: 127.0.0.1:{smtp_server.port} refuses to take mail from this "
        "host: 554 5.7.1 No SMTP service for you\n"
        "The batch stopped: 15 reader(s) stay pending and get this digest at the next run; "
        "see feedkit digest --status\n"
    )
    rows = statuses(tmp_path)
    assert [rows[a] for a in EVERYONE] == ["sent"] * 5 + ["pending"] * 15
    everyone_gets_it_once_after_the_fix(tmp_path, smtp_server)


def test_an_outbox_that_cannot_be_made_says_every_reader_stays_pending(tmp_path: Path) -> None:
    # Refused before any copy (the digest's outbox folder could not be made): the run said
    # "stopped: no recipients" and "0 reader(s) stay pending", with every reader waiting.
    make_digest_site(tmp_path, [(a, "") for a in EVERYONE[:3]])
    assert digest(tmp_path).exit_code == 0  # the first run records the archive
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    (tmp_path / "outbox").write_text("a file where the folder goes\n")
    result = digest(tmp_path)
    assert result.exit_code == 1
    assert "(1 post(s)) stopped: 3 pending\n" in result.stdout
    assert result.stderr.endswith(
        "The batch stopped: 3 reader(s) stay pending and get this digest at the next run; "
        "see feedkit digest --status\n"
    )
    (tmp_path / "outbox").unlink()
    assert digest(tmp_path).exit_code == 0
    assert len(list((tmp_path / "outbox").glob("*/*.eml"))) == 3


def test_dead_mailboxes_in_a_row_fail_each_reader_and_the_batch_goes_on(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    many_readers_and_a_new_post(tmp_path, smtp_server)
    for address in EVERYONE[3:10]:  # the same reply, but it says the mailbox does not exist
        smtp_server.reject(address, reply="550 5.1.1 Mailbox unavailable")
    result = digest(tmp_path)
    assert result.exit_code == 1
    assert result.stdout.endswith(" sent: 7 failed, 13 sent\n")
    assert result.stderr == "error: 7 recipient(s) not reached; see feedkit digest --status\n"
    assert sorted(copies(smtp_server)) == EVERYONE[:3] + EVERYONE[10:]


def test_the_same_transient_refusal_three_times_in_a_row_stops_the_batch(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    many_readers_and_a_new_post(tmp_path, smtp_server)
    smtp_server.refuse_all("451 4.7.0 Too many connections, try again later", at="rcpt")
    result = digest(tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: 3 readers in a row were deferred with the same reply (451 4.7.0 Too many "
        "connections, try again later (4 attempts)): the server turns everyone away for "
        "now, so the batch stopped instead of trying every reader\n"
        "The batch stopped: 20 reader(s) stay pending and get this digest at the next run; "
        "see feedkit digest --status\n"
    )
    assert [smtp_server.attempts(a) for a in EVERYONE] == [4] * 3 + [0] * 17
    rows = statuses(tmp_path)
    assert [rows[a] for a in EVERYONE] == ["deferred"] * 3 + ["pending"] * 17
    assert smtp_server.messages == []
    # Still refused: the next run tries readers not tried yet, not the same three again.
    assert digest(tmp_path).exit_code == 1
    assert [smtp_server.attempts(a) for a in EVERYONE] == [4] * 6 + [0] * 14
    everyone_gets_it_once_after_the_fix(tmp_path, smtp_server)


def test_a_server_turning_everyone_away_costs_three_readers_retries_not_all(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = site(tmp_path, smtp_server, readers=MANY)
    toml = (tmp_path / "feedkit.toml").read_text().replace("backoff = 0", "backoff = 2")
    (tmp_path / "feedkit.toml").write_text(toml)
    cfg = load_config(tmp_path / "feedkit.toml")
    subscribers = listed(cfg)  # the list a digest goes to, as a run makes it
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    sleeps: list[float] = []
    open_sender = sender_factory(cfg, {}, sleep=sleeps.append)
    with State.open(cfg.path(cfg.digest.state)) as state:
        run_digest(cfg, state, public(cfg), subscribers, open_sender, NOW, renderer=renderer)
        write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
        smtp_server.refuse_all("421 4.7.0 Try again later", at="mail")
        report = run_digest(
            cfg, state, public(cfg), subscribers, open_sender, NOW, renderer=renderer
        )
    assert report.halted is not None
    assert sleeps == [2.0, 4.0, 8.0] * 3  # 42 s in all, where every reader used to wait 14 s
    assert smtp_server.transactions == 12


def test_retry_failed_puts_failed_readers_back_and_sends_them(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    many_readers_and_a_new_post(tmp_path, smtp_server)
    smtp_server.reject("reader03@example.org", reply="552 5.2.2 Mailbox full")
    smtp_server.reject("reader07@example.org", reply="552 5.2.2 Mailbox full")
    assert digest(tmp_path).exit_code == 1
    status = digest(tmp_path, "--status")
    assert status.stdout.rstrip().splitlines()[-2] == (
        "2 reader(s) failed; once the cause is fixed, feedkit digest --retry-failed "
        "puts them back in line"
    )
    assert digest(tmp_path).stdout.startswith("No new posts")  # failed stays failed
    smtp_server.clear_faults()
    result = digest(tmp_path, "--retry-failed")
    assert result.exit_code == 0, result.output
    digest_id = result.stdout.splitlines()[1].split()[1]
    assert result.stdout == (
        f"Put 2 failed reader(s) of 1 digest(s) back in line.\n"
        f"Digest {digest_id} (1 post(s)) resumed: 2 sent\n"
    )
    assert copies(smtp_server) == dict.fromkeys(EVERYONE, 1)
    assert set(statuses(tmp_path).values()) == {"sent"}
    nothing = digest(tmp_path, "--retry-failed")
    assert nothing.stdout == (
        "No failed readers to put back.\nNo new posts since the last digest; nothing sent.\n"
    )


def test_retry_failed_with_status_is_a_usage_error(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS[:1])
    result = digest(tmp_path, "--retry-failed", "--status")
    assert result.exit_code == 2
    assert "--retry-failed cannot be combined with --status" in result.stderr


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


# What a run says of posts it knows under another ID ("%d" their count, "{}" whether they
# would be or were recorded), as the user reads it.
SENT_BEFORE = (
    "%d post(s) sent before under another ID {} as sent, not mailed again (their files, or "
    "their titles and dates, are those of posts sent; a renamed file, a new slug, "
    "permalink, base_url or [feed] ids gives a post a new ID)"
)


def set_toml(root: Path, line: str) -> None:
    """Put `line` at the top of the site's feedkit.toml (a top-level setting)."""
    toml = root / "feedkit.toml"
    toml.write_text(f"{line}\n{toml.read_text()}")


def test_a_new_permalink_mails_no_post_again_and_new_posts_still_go_out(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    site(tmp_path, smtp_server)
    assert digest(tmp_path).exit_code == 0  # the first run: 3 posts recorded
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=2))
    assert "6 sent" in digest(tmp_path).stdout
    sent = len(smtp_server.messages)

    # Every post gets a new URL, so a new ID: by ID alone all four would be new again.
    set_toml(tmp_path, 'permalink = "/archive/{slug}/"')
    said = SENT_BEFORE.replace("%d", "4")
    dry = digest(tmp_path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith(said.format("would be recorded") + ":\n  - ")
    assert "No new posts since the last digest; nothing would be sent.\n" in dry.stdout
    assert "  - New post A <https://example.com/blog/archive/new-a/>\n" in dry.stdout

    run = digest(tmp_path)
    assert run.exit_code == 0, run.output
    assert run.stdout == (
        said.format("recorded") + "\nNo new posts since the last digest; nothing sent.\n"
    )
    assert len(smtp_server.messages) == sent
    again = digest(tmp_path)
    assert again.stdout == "No new posts since the last digest; nothing sent.\n"

    set_toml(tmp_path, 'base_url = "https://blog.example.net/"')  # a new address too
    toml = (tmp_path / "feedkit.toml").read_text()
    (tmp_path / "feedkit.toml").write_text(
        toml.replace('base_url = "https://example.com/blog/"\n', "")
    )
    write_post(tmp_path, "new-b", "New post B", NOW + timedelta(hours=1))
    later = digest(tmp_path, now=NOW + timedelta(days=1))
    assert later.exit_code == 0, later.output
    assert said.format("recorded") + "\nDigest " in later.stdout
    assert "(1 post(s)) sent: 6 sent" in later.stdout
    for address, _ in READERS:
        assert [titles(r) for r in smtp_server.received_for(address)] == [
            ["New post A"],
            ["New post B"],
        ]


def test_a_post_file_written_again_as_a_later_post_goes_out(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    site(tmp_path, smtp_server)
    assert digest(tmp_path).exit_code == 0  # old-0.md is recorded as sent
    path = tmp_path / "content" / "old-0.md"
    path.write_text(
        "---\ntitle: New post in an old file\nslug: new-post\n"
        f"date: {(NOW + timedelta(hours=1)).isoformat()}\n---\nWritten again.\n"
    )
    result = digest(tmp_path, now=NOW + timedelta(days=1))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Digest ")  # no post said to have been sent before
    for address, _ in READERS:
        (received,) = smtp_server.received_for(address)
        assert titles(received) == ["New post in an old file"]


def test_a_mailed_post_whose_file_is_renamed_is_not_mailed_again(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    site(tmp_path, smtp_server)
    assert digest(tmp_path).exit_code == 0  # the first run: the archive recorded
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=2))
    assert "6 sent" in digest(tmp_path).stdout
    sent = len(smtp_server.messages)

    # A new file name is a new slug, so a new URL and ID, in a file no digest recorded.
    old = tmp_path / "content" / "new-a.md"
    old.rename(tmp_path / "content" / "new-post-a.md")
    said = SENT_BEFORE.replace("%d", "1")
    dry = digest(tmp_path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith(
        said.format("would be recorded")
        + ":\n  - New post A <https://example.com/blog/2026/11/new-post-a/>\n"
        + "No new posts since the last digest; nothing would be sent.\n"
    ), dry.stdout
    run = digest(tmp_path)
    assert run.exit_code == 0, run.output
    assert run.stdout == (
        said.format("recorded") + "\nNo new posts since the last digest; nothing sent.\n"
    )
    assert len(smtp_server.messages) == sent
    assert digest(tmp_path).stdout == "No new posts since the last digest; nothing sent.\n"

    # Known by its new file from now on: a new permalink after the rename mails it not.
    set_toml(tmp_path, 'permalink = "/archive/{slug}/"')
    later = digest(tmp_path)
    assert later.exit_code == 0, later.output
    assert later.stdout.startswith("4 post(s) sent before under another ID recorded")
    assert len(smtp_server.messages) == sent


def test_an_archive_post_whose_file_is_renamed_is_not_mailed(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # The first run records the archive, never mailed; renamed, a post of it has a new ID
    # in a file the run did not record, and is still the archive's.
    site(tmp_path, smtp_server)
    assert digest(tmp_path).exit_code == 0
    (tmp_path / "content" / "old-1.md").rename(tmp_path / "content" / "older-1.md")
    dry = digest(tmp_path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith("1 post(s) sent before under another ID would be recorded"), (
        dry.stdout
    )
    assert "No new posts since the last digest; nothing would be sent.\n" in dry.stdout
    run = digest(tmp_path)
    assert run.exit_code == 0, run.output
    assert run.stdout.startswith("1 post(s) sent before under another ID recorded as sent")
    assert run.stdout.endswith("\nNo new posts since the last digest; nothing sent.\n")
    assert smtp_server.messages == []


def test_a_state_from_before_titles_were_recorded_learns_them_on_its_next_run(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = site(tmp_path, smtp_server)
    assert digest(tmp_path).exit_code == 0
    state_path = cfg.path(cfg.digest.state)
    with State.open(state_path) as state:  # the baseline table as schema 5 had it
        state.conn.executescript(
            "CREATE TABLE old (post_id TEXT PRIMARY KEY, recorded TEXT NOT NULL);"
            "INSERT INTO old SELECT post_id, recorded FROM baseline;"
            "DROP TABLE baseline; ALTER TABLE old RENAME TO baseline;"
            "DELETE FROM meta WHERE key='baseline_titles';"
            "UPDATE meta SET value='5' WHERE key='schema';"
        )
    # A dry run reads such a file as it is, and changes nothing in it.
    before = state_path.read_bytes()
    dry = digest(tmp_path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith("No new posts since the last digest"), dry.stdout
    assert state_path.read_bytes() == before
    # A run brings it to schema 6 and records the titles of the archive's posts.
    assert digest(tmp_path).stdout == "No new posts since the last digest; nothing sent.\n"
    with State.open(state_path) as state:
        rows = state.conn.execute("SELECT title FROM baseline ORDER BY title").fetchall()
        assert [title for (title,) in rows] == ["Old post 0", "Old post 1", "Old post 2"]
    (tmp_path / "content" / "old-2.md").rename(tmp_path / "content" / "older-2.md")
    result = digest(tmp_path)
    assert result.stdout.startswith("1 post(s) sent before under another ID recorded")
    assert smtp_server.messages == []


def test_a_new_post_with_a_mailed_posts_title_and_another_date_goes_out(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # A yearly post takes last year's title; only the same title at the same instant is
    # the same post. Nor does a post with a mailed post's date and another title stay back.
    site(tmp_path, smtp_server)
    assert digest(tmp_path).exit_code == 0
    write_post(tmp_path, "new-review-2029", "New year in review", NOW - timedelta(days=2))
    assert "6 sent" in digest(tmp_path, now=NOW - timedelta(days=1)).stdout
    write_post(tmp_path, "new-review-2030", "New year in review", NOW - timedelta(hours=2))
    write_post(tmp_path, "new-same-day", "New post, same date", NOW - timedelta(days=2))
    result = digest(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Digest "), result.stdout  # none said sent before
    for address, _ in READERS:
        first, second = smtp_server.received_for(address)
        assert titles(first) == ["New year in review"]
        assert titles(second) == ["New post, same date", "New year in review"]


def test_a_state_from_before_files_were_recorded_learns_them_on_its_next_run(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = site(tmp_path, smtp_server)
    assert digest(tmp_path).exit_code == 0
    state_path = cfg.path(cfg.digest.state)
    with State.open(state_path) as state:  # as a feedkit before schema 3 left it
        state.conn.execute("DELETE FROM covered_files")
        state.conn.execute("DELETE FROM meta WHERE key='covered_files'")
        state.conn.execute("UPDATE meta SET value='2' WHERE key='schema'")
    assert digest(tmp_path).stdout == "No new posts since the last digest; nothing sent.\n"
    with State.open(state_path) as state:
        assert sorted(state.covered_files(f"content/old-{i}.md" for i in range(4))) == [
            "content/old-0.md",
            "content/old-1.md",
            "content/old-2.md",
        ]
    set_toml(tmp_path, 'permalink = "/archive/{slug}/"')
    result = digest(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("3 post(s) sent before under another ID recorded")
    assert smtp_server.messages == []
