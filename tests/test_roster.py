"""The reader list as the operator and the digest meet it: subscribers.csv brought in at each
run, a copy not sent to who left meanwhile, sign-ups during a send, `feedkit subscribers`."""

from __future__ import annotations

import codecs
import email
import threading
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
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
    assert result.stderr == (  # said: nothing brings him back
        "subscribers.csv: warning: 1 reader(s) whose rows were deleted left the list: "
        "bob@example.org\n"
    )
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


def test_a_name_edited_in_subscribers_csv_greets_the_reader_in_the_next_digest(
    tmp_path: Path,
) -> None:
    make_digest_site(tmp_path, THREE)
    assert feedkit(tmp_path, "digest").exit_code == 0
    write_rows(tmp_path, [THREE[0], ("bob@example.org", "Robert"), THREE[2]])
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    assert feedkit(tmp_path, "digest").exit_code == 0
    (raw,) = [m for name, m in outbox_messages(tmp_path).items() if name.startswith("bob@")]
    text = email.message_from_bytes(raw, policy=policy.default).get_body(("plain",))
    assert text is not None and "Hi Robert," in text.get_content()


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


def test_a_row_repeated_in_another_case_does_not_keep_a_deleted_reader_on_the_list(
    tmp_path: Path,
) -> None:
    # A repeated row is read (and skipped): it hides nobody, unlike a row that cannot be
    # read. It kept Bob, whose row was deleted, on the list, said as "until every row can
    # be read".
    make_digest_site(tmp_path, THREE)
    assert feedkit(tmp_path, "digest").exit_code == 0
    write_rows(
        tmp_path, [("ada@example.org", "Ada"), ("cy@example.org", "Cy"), ("CY@Example.org", "C")]
    )
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    result = feedkit(tmp_path, "digest")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "subscribers.csv:4: warning: CY@example.org is already listed on line 3; skipped"
    )
    assert "every row" not in result.stderr
    assert reader_list(tmp_path)["bob@example.org"][0] == "unsubscribed"
    assert mailed(tmp_path) == {"ada@example.org", "cy@example.org"}


@pytest.mark.parametrize(
    "emptied",
    [b"", b"email,name\n", b"email,name\nnew@example.org,New\n"],
    ids=["no-bytes", "header-only", "another-list"],
)
def test_a_subscribers_csv_that_would_take_every_reader_off_takes_nobody_off(
    tmp_path: Path, emptied: bytes
) -> None:
    # An editor's crash, a `>`, a sync tool, another list saved over it: every reader left
    # the list for good, said by nothing but "sent: no recipients".
    make_digest_site(tmp_path, THREE)
    assert feedkit(tmp_path, "digest").exit_code == 0
    (tmp_path / "subscribers.csv").write_bytes(emptied)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    stay = (
        "subscribers.csv: warning: 3 reader(s) no longer in the file stay on the list: every "
        "reader the file brought would leave at once; take readers off with `feedkit "
        "subscribers remove ADDRESS`\n"
    )
    dry = feedkit(tmp_path, "digest", "--dry-run")
    assert (dry.exit_code, dry.stderr) == (0, stay)
    result = feedkit(tmp_path, "digest")
    assert (result.exit_code, result.stderr) == (0, stay)
    assert mailed(tmp_path) >= {a for a, _ in THREE}
    assert {reader_list(tmp_path)[a][0] for a, _ in THREE} == {"active"}


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


def test_a_reader_who_signs_up_again_is_not_taken_off_by_the_file_at_the_next_run(
    tmp_path: Path,
) -> None:
    # subscribers.csv brought Bob and Cy in. The blogger deletes Cy's row, and Bob leaves by
    # his link; then each signs up again through feedkit serve and confirms: their
    # subscription is now their own, and the file's rows no longer decide it.
    make_digest_site(tmp_path, THREE)
    assert feedkit(tmp_path, "digest").exit_code == 0
    write_rows(tmp_path, THREE[:2])
    assert feedkit(tmp_path, "digest").exit_code == 0
    assert reader_list(tmp_path)["cy@example.org"][0] == "unsubscribed"
    later = NOW + timedelta(days=1)
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        readers = Readers(state)
        bob = readers.get("bob@example.org")
        assert bob is not None and bob.subscription is not None
        readers.unsubscribe(bob.id, bob.subscription, later, "one-click")
        for address, name in THREE[1:]:  # what feedkit serve does for a sign-up
            asked = readers.request(Subscriber(address, name), "203.0.113.7", later)
            assert asked is not None
            assert readers.confirm(asked.reader.id, asked.nonce, "203.0.113.7", later)
    write_rows(tmp_path, THREE[:1])  # and now the blogger deletes Bob's row too
    assert feedkit(tmp_path, "digest", now=later + timedelta(hours=1)).exit_code == 0
    listed = reader_list(tmp_path)
    assert listed["bob@example.org"] == ("active", "form", "")
    assert listed["cy@example.org"] == ("active", "form", "")
    assert listed["ada@example.org"] == ("active", "subscribers.csv", "")


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


# -- feedkit subscribers --------------------------------------------------------------------------


def listed_site(root: Path) -> None:
    """A site whose subscribers.csv became the list at a first digest run, then was removed."""
    make_digest_site(root, THREE)
    assert feedkit(root, "digest").exit_code == 0
    (root / "subscribers.csv").unlink()


def test_subscribers_list_shows_each_reader_and_counts_by_status(tmp_path: Path) -> None:
    listed_site(tmp_path)
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        Readers(state).bounce(
            "bob@example.org", NOW + timedelta(days=1), hard=True, detail="550 5.1.1 no such user"
        )
    result = feedkit(tmp_path, "subscribers", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "ada@example.org  Ada  active   2026-11-22 12:00 UTC  subscribers.csv\n"
        "bob@example.org  Bob  bounced  2026-11-23 12:00 UTC  subscribers.csv  "
        "550 5.1.1 no such user\n"
        "cy@example.org   Cy   active   2026-11-22 12:00 UTC  subscribers.csv\n"
        "3 reader(s) on the list: 2 active, 1 bounced\n"
    )
    bounced = feedkit(tmp_path, "subscribers", "list", "--status", "bounced")
    assert bounced.stdout.splitlines()[0].startswith("bob@example.org  Bob  bounced")
    assert len(bounced.stdout.splitlines()) == 2
    wrong = feedkit(tmp_path, "subscribers", "list", "--status", "gone")
    assert wrong.exit_code == 2
    assert "Invalid value for '--status': 'gone' is not one of" in wrong.stderr


def test_subscribers_list_before_any_list_exists_says_so_and_creates_nothing(
    tmp_path: Path,
) -> None:
    make_digest_site(tmp_path, THREE)
    result = feedkit(tmp_path, "subscribers", "list")
    assert (result.exit_code, result.stdout) == (0, "0 reader(s) on the list: nobody\n")
    assert not (tmp_path / ".feedkit").exists()


def test_subscribers_add_makes_a_reader_active_but_never_one_who_left(tmp_path: Path) -> None:
    listed_site(tmp_path)
    added = feedkit(tmp_path, "subscribers", "add", "Dee@Example.ORG", "--name", "Dee  Dee")
    assert added.exit_code == 0, added.output
    assert added.stdout == "Added Dee@example.org: active, source cli.\n"
    assert reader_list(tmp_path)["dee@example.org"] == ("active", "cli", "")
    again = feedkit(tmp_path, "subscribers", "add", "dee@example.org")
    assert again.stdout == "Dee@example.org is already on the list (active); nothing changed.\n"

    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        Readers(state).leave("cy@example.org", NOW, "unsubscribed", "one-click")
    refused = feedkit(tmp_path, "subscribers", "add", "cy@example.org")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "error: cy@example.org is not added: unsubscribed since 2026-11-22 12:00 UTC "
        "(one-click). Someone who left the list is never put back by the operator; they can "
        "sign up again themselves\n"
    )
    assert reader_list(tmp_path)["cy@example.org"][0] == "unsubscribed"
    control = feedkit(tmp_path, "subscribers", "add", "fay@example.org", "--name", "F\x1b[2J")
    assert (control.exit_code, control.stderr) == (
        1,
        "error: --name: contains the control character U+001B\n",
    )
    bad = feedkit(tmp_path, "subscribers", "add", "not-an-address")
    assert bad.exit_code == 2
    assert "'not-an-address' is not an email address" in bad.stderr


def test_subscribers_remove_unsubscribes_and_records_who_did(tmp_path: Path) -> None:
    listed_site(tmp_path)
    result = feedkit(tmp_path, "subscribers", "remove", "BOB@example.org")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Removed bob@example.org: unsubscribed, no more digests go to them.\n"
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        readers = Readers(state)
        bob = readers.get("bob@example.org")
        assert bob is not None and bob.status == "unsubscribed"
        assert [e.event for e in readers.events(bob.id)] == ["imported", "removed"]
    feedkit(tmp_path, "subscribers", "add", "user@exämple.de")  # kept as user@xn--exmple-cua.de
    idna = feedkit(tmp_path, "subscribers", "remove", "user@EXÄMPLE.de")
    assert idna.stdout.startswith("Removed user@xn--exmple-cua.de: unsubscribed")
    twice = feedkit(tmp_path, "subscribers", "remove", "bob@example.org")
    assert twice.exit_code == 0
    assert twice.stdout.startswith("bob@example.org is already off the list (unsubscribed")
    unknown = feedkit(tmp_path, "subscribers", "remove", "zed@example.org")
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        "error: zed@example.org is not on the reader list\n",
    )


def test_subscribers_remove_forget_erases_the_reader_and_their_past_deliveries(
    tmp_path: Path,
) -> None:
    make_digest_site(tmp_path, THREE)
    assert feedkit(tmp_path, "digest").exit_code == 0
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    assert feedkit(tmp_path, "digest").exit_code == 0
    # Still in subscribers.csv: erasing would only make them a new reader at the next run.
    kept = feedkit(tmp_path, "subscribers", "remove", "bob@example.org", "--forget")
    assert kept.exit_code == 1
    assert kept.stderr == (
        "error: subscribers.csv still lists bob@example.org: delete that row first, or the "
        "next digest would add them again as a new reader\n"
    )
    write_rows(tmp_path, [THREE[0], THREE[2]])
    result = feedkit(tmp_path, "subscribers", "remove", "bob@example.org", "--forget")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Erased bob@example.org: their list entry, its history and their 1 row(s) in past "
        "digests' recipients.\n"
    )
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        everything = "\n".join(state.conn.iterdump())
    assert "bob@example.org" not in everything.lower()
    assert "ada@example.org" in everything  # the others are kept


def test_subscribers_import_adds_rows_warns_per_row_and_never_brings_back_who_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed_site(tmp_path)
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        Readers(state).leave("cy@example.org", NOW, "complained", "feedback report")
    (tmp_path / "more.csv").write_bytes(
        b"email,name\n"
        b"dee@example.org,Dee\n"
        b"not an address,Nobody\n"
        b"ada@example.org,Ada\n"
        b"cy@example.org,Cy\n"
        b"eve@example.org,Eve\n"
    )
    monkeypatch.chdir(tmp_path)  # the file as the user names it, relative to where they are
    result = feedkit(tmp_path, "subscribers", "import", "more.csv")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "more.csv:3: warning: 'not an address' is not an email address: an email address "
        "must have an @-sign; skipped\n"
    )
    assert result.stdout == (
        "Imported more.csv: 2 added, 1 already on the list, 1 who left the list not added "
        "back, 1 row(s) skipped.\n"
    )
    listed = reader_list(tmp_path)
    assert listed["dee@example.org"] == ("active", "import: more.csv", "")
    assert listed["cy@example.org"][0] == "complained"
    missing = feedkit(tmp_path, "subscribers", "import", str(tmp_path / "nope.csv"))
    assert (missing.exit_code, missing.stderr) == (1, f"error: {tmp_path}/nope.csv: not found\n")


def test_importing_the_sites_own_subscribers_csv_keeps_its_rows_in_charge(tmp_path: Path) -> None:
    # The README's move: import, then keep editing the file: a row deleted still unsubscribes.
    make_digest_site(tmp_path, THREE)
    path = str(tmp_path / "subscribers.csv")
    result = feedkit(tmp_path, "subscribers", "import", path)
    assert result.exit_code == 0, result.output
    assert {source for _, source, _ in reader_list(tmp_path).values()} == {"subscribers.csv"}
    write_rows(tmp_path, THREE[:2])
    assert feedkit(tmp_path, "digest").exit_code == 0
    assert reader_list(tmp_path)["cy@example.org"][0] == "unsubscribed"


def test_subscribers_export_writes_csv_only_its_owner_can_read(tmp_path: Path) -> None:
    listed_site(tmp_path)
    feedkit(tmp_path, "subscribers", "remove", "cy@example.org")
    target = tmp_path / "out" / "readers.csv"
    result = feedkit(tmp_path, "subscribers", "export", str(target))
    assert (result.exit_code, result.stdout) == (0, "")
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_text(encoding="utf-8") == (
        "email,name,status,since,source\n"
        "ada@example.org,Ada,active,2026-11-22T12:00:00+00:00,subscribers.csv\n"
        "bob@example.org,Bob,active,2026-11-22T12:00:00+00:00,subscribers.csv\n"
        "cy@example.org,Cy,unsubscribed,2026-11-22T12:00:00+00:00,subscribers.csv\n"
    )
    to_stdout = feedkit(tmp_path, "subscribers", "export")
    assert to_stdout.stdout == target.read_text(encoding="utf-8")
    assert feedkit(tmp_path, "subscribers", "export", "-").stdout == to_stdout.stdout


# Names as readers typed them into the sign-up form: each would be a live formula in a
# spreadsheet that opens the export (CSV injection).
HOSTILE = [
    ("ann@example.org", '=HYPERLINK("http://evil.example","click")'),
    ("ben@example.org", "+1+cmd|' /C calc'!A0"),
    ("cat@example.org", "-2+3"),
    ("dan@example.org", "@SUM(1+1)"),
    ("eve@example.org", "'=already quoted"),
    ("fay@example.org", "'Tis me"),
    ("-gus@example.org", "Gus"),
    ("=hal@example.org", "O'Neil = ok"),
]


def hostile_site(root: Path) -> None:
    make_digest_site(root, [])
    (root / "subscribers.csv").unlink()
    with State.open(root / ".feedkit" / "state.db") as state:
        for address, name in HOSTILE:
            assert Readers(state).add(Subscriber(address, name), NOW, "form") == "added"
        # Not from feedkit's own forms, which collapse spaces: a name that begins with a tab.
        Readers(state).add(Subscriber("ivy@example.org", "\t=1+1"), NOW, "form")


def test_subscribers_export_keeps_names_from_becoming_spreadsheet_formulas(
    tmp_path: Path,
) -> None:
    hostile_site(tmp_path)
    target = tmp_path / "readers.csv"
    assert feedkit(tmp_path, "subscribers", "export", str(target)).exit_code == 0
    since = "active,2026-11-22T12:00:00+00:00,form\n"
    assert (
        target.read_bytes()
        == (
            "email,name,status,since,source\n"
            f'ann@example.org,"\'=HYPERLINK(""http://evil.example"",""click"")",{since}'
            f"ben@example.org,'+1+cmd|' /C calc'!A0,{since}"
            f"cat@example.org,'-2+3,{since}"
            f"dan@example.org,'@SUM(1+1),{since}"
            f"eve@example.org,''=already quoted,{since}"
            f"fay@example.org,''Tis me,{since}"
            f"'-gus@example.org,Gus,{since}"
            f"'=hal@example.org,O'Neil = ok,{since}"
            f"ivy@example.org,'\t=1+1,{since}"
        ).encode()
    )


def test_an_export_with_hostile_names_imports_them_as_they_were(tmp_path: Path) -> None:
    hostile_site(tmp_path / "old")
    exported = tmp_path / "readers.csv"
    assert feedkit(tmp_path / "old", "subscribers", "export", str(exported)).exit_code == 0
    make_digest_site(tmp_path / "new", [])
    (tmp_path / "new" / "subscribers.csv").unlink()
    result = feedkit(tmp_path / "new", "subscribers", "import", str(exported))
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    with State.open(tmp_path / "new" / ".feedkit" / "state.db") as state:
        imported = [(r.address, r.name) for r in Readers(state).all()]
    # Names are kept with their spaces collapsed, as every import does.
    assert imported == [*HOSTILE, ("ivy@example.org", "=1+1")]
    # A hand-kept subscribers.csv (not an export) is read as written.
    (tmp_path / "mine.csv").write_text("email,name\nkay@example.org,'=x\n", encoding="utf-8")
    assert (
        feedkit(tmp_path / "new", "subscribers", "import", str(tmp_path / "mine.csv")).exit_code
        == 0
    )
    with State.open(tmp_path / "new" / ".feedkit" / "state.db") as state:
        kay = Readers(state).get("kay@example.org")
    assert kay is not None and kay.name == "'=x"


def test_a_spreadsheets_semicolon_csv_imports_by_its_header_row(tmp_path: Path) -> None:
    # Excel and LibreOffice in German or French save "CSV" with semicolons, a BOM and CRLF.
    make_digest_site(tmp_path, [])
    (tmp_path / "subscribers.csv").unlink()
    (tmp_path / "semi.csv").write_bytes(
        "\ufeffE-Mail;Name\r\n"
        "ada@example.org;Ada Lovelace\r\n"
        'bob@example.org;"Bob; der Baumeister"\r\n'
        "cy@example.org;Cy;Extra\r\n".encode()
    )
    (tmp_path / "noheader.csv").write_bytes(b"dee@example.org;Dee\n")
    result = feedkit(tmp_path, "subscribers", "import", str(tmp_path / "semi.csv"))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"{tmp_path}/semi.csv:4: warning: expected 'email;name', got 3 columns; quote names "
        "that contain semicolons; skipped\n"
    )
    assert result.stdout.startswith(f"Imported {tmp_path}/semi.csv: 2 added, ")
    names = feedkit(tmp_path, "subscribers", "list").stdout.split("\n")
    assert [[c.strip() for c in line.split("  ") if c][:2] for line in names[:2]] == [
        ["ada@example.org", "Ada Lovelace"],
        ["bob@example.org", "Bob; der Baumeister"],
    ]
    result = feedkit(tmp_path, "subscribers", "import", str(tmp_path / "noheader.csv"))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"{tmp_path}/noheader.csv:1: warning: 'dee@example.org;Dee' is not an email address: "
        "the part after the @-sign contains invalid characters: ';'; separate the address "
        "and the name with a comma, or begin the file with the header row 'email;name'; "
        "skipped\n"
    )


def test_a_spreadsheets_utf16_unicode_text_imports_as_its_rows(tmp_path: Path) -> None:
    # Excel's "Unicode Text" is UTF-16 with a byte order mark, tab-separated.
    make_digest_site(tmp_path, [])
    (tmp_path / "subscribers.csv").unlink()
    rows = "email\tname\r\nada@example.org\tAda Lovelace\r\nchloé@exämple.fr\tChloé\r\n"
    (tmp_path / "le.txt").write_bytes(codecs.BOM_UTF16_LE + rows.encode("utf-16-le"))
    (tmp_path / "be.txt").write_bytes(codecs.BOM_UTF16_BE + rows.encode("utf-16-be"))
    result = feedkit(tmp_path, "subscribers", "import", str(tmp_path / "le.txt"))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"Imported {tmp_path}/le.txt: 2 added, 0 already on the list")
    result = feedkit(tmp_path, "subscribers", "import", str(tmp_path / "be.txt"))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"Imported {tmp_path}/be.txt: 0 added, 2 already on the list")
    names = feedkit(tmp_path, "subscribers", "list").stdout.split("\n")
    assert [[c.strip() for c in line.split("  ") if c][:2] for line in names[:2]] == [
        ["ada@example.org", "Ada Lovelace"],
        ["chloé@exämple.fr", "Chloé"],
    ]


def test_an_export_imports_on_another_site_with_its_active_readers_only(tmp_path: Path) -> None:
    # Moving the list to a new machine: export there, import here. The export's extra
    # columns are its own, not a name with an unquoted comma; who left is not made active.
    listed_site(tmp_path / "old")
    feedkit(tmp_path / "old", "subscribers", "remove", "cy@example.org")
    exported = tmp_path / "readers.csv"
    assert feedkit(tmp_path / "old", "subscribers", "export", str(exported)).exit_code == 0
    make_digest_site(tmp_path / "new", [])
    (tmp_path / "new" / "subscribers.csv").unlink()
    result = feedkit(tmp_path / "new", "subscribers", "import", str(exported))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"{exported}:4: warning: cy@example.org is unsubscribed in this file: only active "
        "readers are imported; skipped\n"
    )
    assert result.stdout == (
        f"Imported {exported}: 2 added, 0 already on the list, 0 who left the list not added "
        "back, 1 row(s) skipped.\n"
    )
    listed = reader_list(tmp_path / "new")
    assert listed == {
        "ada@example.org": ("active", f"import: {exported}", ""),
        "bob@example.org": ("active", f"import: {exported}", ""),
    }
    names = feedkit(tmp_path / "new", "subscribers", "list").stdout.split("\n")
    assert [line.split()[:3] for line in names[:2]] == [
        ["ada@example.org", "Ada", "active"],
        ["bob@example.org", "Bob", "active"],
    ]


# -- feedkit digest --status ----------------------------------------------------------------------


def test_digest_status_shows_the_list_and_each_digests_troubled_readers_in_brief(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    readers = [(f"reader{i:02d}@example.org", f"Reader {i}") for i in range(25)]
    smtp_site(tmp_path, smtp_server, readers)
    assert feedkit(tmp_path, "digest").exit_code == 0
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    for address, _ in readers[:12]:  # mailbox full: failed, one soft bounce
        smtp_server.reject(address, reply="552 5.2.2 Mailbox full")
    assert feedkit(tmp_path, "digest").exit_code == 1
    later = NOW + timedelta(hours=2)
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        gone = Readers(state)
        gone.bounce("reader00@example.org", later, hard=True, detail="550 5.1.1 no such user")
        gone.leave("reader20@example.org", later, "unsubscribed", "one-click")
    result = feedkit(tmp_path, "digest", "--status", now=later)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "Reader list: 23 active, 1 unsubscribed, 1 bounced (25 in all)",
        "  Left since 2026-11-22 12:00 UTC (the oldest digest below), newest first:",
        "    unsubscribed reader20@example.org  since 2026-11-22 14:00 UTC  one-click",
        "    bounced      reader00@example.org  since 2026-11-22 14:00 UTC  550 5.1.1 no such user",
    ]
    assert lines[4].endswith("1 post(s)  12 failed, 13 sent")
    assert lines[5] == (
        "    failed   reader00@example.org  552 5.2.2 Mailbox full; tried by 1 run(s); now bounced"
    )
    assert lines[6] == (
        "    failed   reader01@example.org  552 5.2.2 Mailbox full; tried by 1 run(s)"
    )
    assert lines[15] == "    … and 2 more failed"
    assert lines[16].startswith("12 reader(s) failed;")
    assert len(lines) == 18  # the sent readers are counted, not listed
