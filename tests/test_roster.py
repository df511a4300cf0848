"""The reader list as the operator and the digest meet it: subscribers.csv brought in at each
run, a copy not sent to who left meanwhile, sign-ups during a send, `feedkit subscribers`."""

from __future__ import annotations

import email
import threading
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from feedkit.cli import main
from feedkit.config import load_config
from feedkit.mail.digest import DigestRenderer
from feedkit.mail.readers import Readers
from feedkit.mail.sending import run_digest, sender_factory
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber

from conftest import NOW
from digest_site import SECRET_ENV, make_digest_site, outbox_messages, public, write_post
from smtp_server import FaultySmtpServer

THREE = [("ada@example.org", "Ada"), ("bob@example.org", "Bob"), ("cy@example.org", "Cy")]


def feedkit(root: Path, *args: str, now=NOW) -> Result:
    """Run `feedkit ARGS --config root/feedkit.toml` at `now`, as a user would."""
    env = {"FEEDKIT_NOW": now.isoformat(), **SECRET_ENV}
    command, rest = list(args[:1]), list(args[1:])
    if args[0] == "subscribers":
        command, rest = list(args[:2]), list(args[2:])
    return CliRunner().invoke(
        main, [*command, "--config", str(root / "feedkit.toml"), *rest], env=env
    )


def reader_list(root: Path) -> dict[str, tuple[str, str, str]]:
    """Return each reader on the site's list: (status, source, detail), by address."""
    with State.open(root / ".feedkit" / "state.db") as state:
        return {r.key: (r.status, r.source, r.detail) for r in Readers(state).all()}


def write_rows(root: Path, rows: list[tuple[str, str]]) -> None:
    lines = ["email,name"] + [f"{address},{name}" for address, name in rows]
    (root / "subscribers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def mailed(root: Path) -> set[str]:
    """Return who got a copy of any digest in the outbox."""
    return {
        str(email.message_from_bytes(raw)["To"]).split("<")[-1].rstrip(">")
        for raw in outbox_messages(root).values()
    }


# -- subscribers.csv, as sites have it today ----------------------------------------------------


def test_rows_added_to_subscribers_csv_join_and_rows_deleted_leave_the_list(
    tmp_path: Path,
) -> None:
    make_digest_site(tmp_path, THREE)
    assert feedkit(tmp_path, "digest").exit_code == 0  # first run: the archive is recorded
    assert reader_list(tmp_path) == {a: ("active", "subscribers.csv", "") for a, _ in THREE}
    write_rows(tmp_path, [THREE[0], THREE[2], ("dee@example.org", "Dee")])  # Bob deleted
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    result = feedkit(tmp_path, "digest")
    assert result.exit_code == 0, result.output
    assert mailed(tmp_path) == {"ada@example.org", "cy@example.org", "dee@example.org"}
    assert reader_list(tmp_path)["bob@example.org"] == (
        "unsubscribed",
        "subscribers.csv",
        "removed from subscribers.csv",
    )
    # Putting the row back does not make him a reader again: only his own sign-up does.
    write_rows(tmp_path, THREE)
    write_post(tmp_path, "new-b", "New post B", NOW + timedelta(hours=1))
    later = feedkit(tmp_path, "digest", now=NOW + timedelta(days=1))
    assert later.exit_code == 0, later.output
    assert "bob@example.org" not in mailed(tmp_path)
    assert reader_list(tmp_path)["bob@example.org"][0] == "unsubscribed"


def test_a_reader_who_left_the_list_is_not_mailed_though_subscribers_csv_lists_them(
    tmp_path: Path,
) -> None:
    make_digest_site(tmp_path, THREE)
    assert feedkit(tmp_path, "digest").exit_code == 0
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        Readers(state).leave("cy@example.org", NOW, "complained", "feedback report")
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    result = feedkit(tmp_path, "digest")
    assert result.exit_code == 0, result.output
    assert "2 sent" in result.stdout
    assert mailed(tmp_path) == {"ada@example.org", "bob@example.org"}


def test_while_a_row_of_subscribers_csv_cannot_be_read_nobody_leaves_the_list(
    tmp_path: Path,
) -> None:
    make_digest_site(tmp_path, THREE)
    assert feedkit(tmp_path, "digest").exit_code == 0
    # Bob's row is damaged (not UTF-8): it must not count as deleted.
    (tmp_path / "subscribers.csv").write_bytes(
        b"email,name\nada@example.org,Ada\nbob@example.org,B\xe9b\n"
    )
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    result = feedkit(tmp_path, "digest")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "subscribers.csv:3: warning: byte 0xE9 in column 18 is not UTF-8; save the file as "
        "UTF-8; skipped\n"
        "subscribers.csv: warning: 2 reader(s) no longer in the file stay on the list until "
        "every row can be read\n"
    )
    assert {status for status, _, _ in reader_list(tmp_path).values()} == {"active"}
    assert mailed(tmp_path) == {a for a, _ in THREE}


def test_dry_run_says_who_would_join_and_leave_and_changes_nothing(tmp_path: Path) -> None:
    make_digest_site(tmp_path, THREE)
    assert feedkit(tmp_path, "digest").exit_code == 0
    write_rows(tmp_path, [THREE[0], ("dee@example.org", "Dee"), ("eve@example.org", "Eve")])
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    before = (tmp_path / ".feedkit" / "state.db").read_bytes()
    result = feedkit(tmp_path, "digest", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would send a new digest of 1 post(s) to 3 subscriber(s)." in result.stdout
    assert result.stdout.endswith(
        "subscribers.csv: 2 new reader(s) would join the list; 2 whose rows were deleted "
        "would leave it.\n"
    )
    assert (tmp_path / ".feedkit" / "state.db").read_bytes() == before


def test_without_subscribers_csv_the_digest_goes_to_the_list(tmp_path: Path) -> None:
    make_digest_site(tmp_path, THREE)
    assert feedkit(tmp_path, "digest").exit_code == 0
    (tmp_path / "subscribers.csv").unlink()  # moved into feedkit: the list is kept as it is
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    result = feedkit(tmp_path, "digest")
    assert result.exit_code == 0, result.output
    assert mailed(tmp_path) == {a for a, _ in THREE}


def test_no_subscribers_csv_and_an_empty_list_is_an_error_saying_how_to_add_readers(
    tmp_path: Path,
) -> None:
    make_digest_site(tmp_path, THREE)
    (tmp_path / "subscribers.csv").unlink()
    result = feedkit(tmp_path, "digest")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: subscribers.csv: not found, and the reader list is empty; create it with one "
        "'email,name' line per subscriber, add readers with feedkit subscribers add or "
        "import, or let them sign up through feedkit serve\n"
    )


# -- sending -----------------------------------------------------------------------------------


def smtp_site(root: Path, server: FaultySmtpServer, readers: list[tuple[str, str]]):
    make_digest_site(root, readers)
    toml = (
        (root / "feedkit.toml")
        .read_text()
        .replace(
            'subscribers = "subscribers.csv"', 'subscribers = "subscribers.csv"\ndelivery = "smtp"'
        )
    )
    toml += (
        f'\n[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "none"\n'
        "timeout = 5\nbackoff = 0\n"
    )
    (root / "feedkit.toml").write_text(toml)
    return load_config(root / "feedkit.toml")


def test_a_reader_who_leaves_while_the_digest_sends_gets_no_copy(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    readers = [(f"reader{i}@example.org", f"Reader {i}") for i in range(5)]
    cfg = smtp_site(tmp_path, smtp_server, readers)
    assert feedkit(tmp_path, "digest").exit_code == 0  # the list is made, the archive recorded
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    real = sender_factory(cfg)

    def open_sender(digest_id: str):
        sender = real(digest_id)
        send = sender.send

        def send_then_they_leave(message, recipient):  # the digest is frozen by now
            result = send(message, recipient)
            if recipient == "reader0@example.org":
                with State.open(cfg.path(cfg.digest.state)) as other:  # e.g. feedkit serve
                    gone = Readers(other)
                    gone.leave("reader2@example.org", NOW, "unsubscribed", "one-click")
                    gone.bounce("reader3@example.org", NOW, hard=True, detail="550 5.1.1")
            return result

        sender.send = send_then_they_leave  # type: ignore[method-assign]
        return sender

    with State.open(cfg.path(cfg.digest.state)) as state:
        subscribers = Readers(state).active()
        report = run_digest(
            cfg, state, public(cfg), subscribers, open_sender, NOW,
            renderer=DigestRenderer(cfg, environ=SECRET_ENV),
        )  # fmt: skip
        ((_, recipients),) = state.recent_digests(1)
    assert report.digests[0].counts == {"sent": 3, "dropped": 2}
    got = sorted(rcpt for m in smtp_server.messages for rcpt in m.rcpt_tos)
    assert got == ["reader0@example.org", "reader1@example.org", "reader4@example.org"]
    dropped = {r.email: r.detail for r in recipients if r.status == "dropped"}
    assert dropped == {
        "reader2@example.org": "unsubscribed 2026-11-22T12:00+00:00: one-click",
        "reader3@example.org": "bounced 2026-11-22T12:00+00:00: 550 5.1.1",
    }


def test_sign_ups_while_a_digest_sends_are_all_recorded_without_lock_errors(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    readers = [(f"reader{i:03d}@example.org", f"Reader {i}") for i in range(300)]
    cfg = smtp_site(tmp_path, smtp_server, readers)
    assert feedkit(tmp_path, "digest").exit_code == 0
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    started, errors, confirmed = threading.Event(), [], []
    state_path = cfg.path(cfg.digest.state)

    def sign_ups() -> None:  # another process's connection, as feedkit serve has
        started.wait(30)
        try:
            with State.open(state_path) as state:
                readers = Readers(state)
                for i in range(200):
                    asked = readers.request(
                        Subscriber(f"new{i}@example.net", ""), "203.0.113.7", NOW
                    )
                    assert asked is not None
                    done = readers.confirm(asked.reader.id, asked.nonce, "203.0.113.7", NOW)
                    assert done is not None and done.status == "active"
                    confirmed.append(done.key)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    real = sender_factory(cfg)

    def open_sender(digest_id: str):
        started.set()  # sign-ups begin as the first copy goes
        return real(digest_id)

    worker = threading.Thread(target=sign_ups)
    worker.start()
    with State.open(state_path) as state:
        subscribers = Readers(state).active()
        report = run_digest(
            cfg, state, public(cfg), subscribers, open_sender, NOW,
            renderer=DigestRenderer(cfg, environ=SECRET_ENV),
        )  # fmt: skip
        sending_done = len(confirmed)
    worker.join(120)
    assert errors == []
    assert report.digests[0].counts == {"sent": 300}
    assert 0 < sending_done  # they really ran while the digest was sending
    assert len(smtp_server.messages) == 300
    listed = reader_list(tmp_path)
    assert sum(1 for status, _, _ in listed.values() if status == "active") == 500
    assert len(confirmed) == 200
