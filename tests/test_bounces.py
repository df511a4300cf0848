"""Returned mail: bounces, complaints and unsubscribe emails read from a Maildir, an mbox
or one file, and applied to the reader list; VERP envelope senders; refusals at send time."""

from __future__ import annotations

import base64
import functools
import mailbox
import quopri
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main
from feedkit.mail.bounces import Finding, classify, severity
from feedkit.mail.readers import Readers
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.verp import verp_address, verp_tag

from conftest import FIXTURES, NOW
from digest_site import SECRET_ENV, make_digest_site, raw_fields, write_post
from smtp_server import FaultySmtpServer, _Protocol

SAMPLES = FIXTURES / "bounces"
SECRET = SECRET_ENV["FEEDKIT_UNSUBSCRIBE_SECRET"].encode()
BOUNCES = "bounces@example.org"
VERP_TOML = f'bounce_address = "{BOUNCES}"\n'
# The readers the samples are about, and one they are not.
LIST = [
    "ann@gmail.com",
    "bob@contoso.com",
    "cy@example.net",
    "dan@example.com",
    "dee@yahoo.com",
    "Eve@example.com",
    "fay@example.com",
    "gus@corp.example",
    "hal@example.org",
    "chloé@exämple.fr",
    "ivy@yahoo.com",
]


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def tag(address: str) -> str:
    return verp_tag(SECRET, address)


# -- what each sample says ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Sent through Gmail's SMTP, which keeps its own envelope sender: no VERP tag, the
        # report's recipient names the reader.
        ("gmail-address-not-found.eml", Finding("hard", "ann@gmail.com", "", "5.1.1")),
        ("outlook-recipient-not-found.eml",
         Finding("hard", "bob@contoso.com", tag("bob@contoso.com"), "5.1.10")),
        # Forwarded: the report names the address forwarded to; the tag names the reader.
        ("postfix-user-unknown.eml",
         Finding("hard", "cyrus@forward.example", tag("cy@example.net"), "5.1.1")),
        ("postfix-delayed.eml", Finding("soft", "dan@example.com", tag("dan@example.com"),
                                        "4.4.1")),
        # Mail to an internationalised address went as SMTPUTF8: its report is RFC 6533's
        # global kind (UTF-8 fields; the returned headers as message/global-headers).
        ("postfix-smtputf8-delayed.eml",
         Finding("soft", "chloé@exämple.fr", tag("chloé@exämple.fr"), "4.4.1")),
        # Yahoo redacts the recipient; the Return-Path of the returned digest has the tag.
        ("yahoo-arf-abuse.eml",
         Finding("complaint", "redacted@yahoo.com", tag("dee@yahoo.com"), "abuse")),
        ("unsubscribe-by-mail.eml", Finding("unsubscribe", "Eve@Example.com")),
        ("qmail-failure-notice.eml",
         Finding("hard", "fay@example.com", tag("fay@example.com"), "5.1.1")),
        # Yahoo's (and AOL's) own: the reply code with a colon after it.
        ("yahoo-failure-notice.eml",
         Finding("hard", "ivy@yahoo.com", tag("ivy@yahoo.com"), "554")),
        # 5.2.2 (mailbox full) is soft: RFC 3463 calls it a persistent transient failure.
        ("exchange-mailbox-full.eml",
         Finding("soft", "gus@corp.example", tag("gus@corp.example"), "5.2.2")),
        ("garbage-truncated.eml", Finding("not understood")),
        ("garbage-binary.eml", Finding("not understood")),
        ("garbage-wrong-charset.eml", Finding("not understood")),
    ],
)  # fmt: skip
def test_each_sample_says_what_happened_to_whom(name: str, expected: Finding) -> None:
    (found,) = classify(sample(name), BOUNCES)
    assert (found.kind, found.address, found.tag, found.status) == (
        expected.kind,
        expected.address,
        expected.tag,
        expected.status,
    )
    assert found.detail  # every finding says why


def test_the_servers_words_and_the_digest_come_back_with_a_bounce() -> None:
    (outlook,) = classify(sample("outlook-recipient-not-found.eml"), BOUNCES)
    assert outlook.detail == (
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"
    )
    assert outlook.original == "<20261130-090000-1f2e3d4c.0d4c3b2a19087f6e@example.org>"
    # qmail quotes the digest after its report: the codes in the digest are not read.
    (qmail,) = classify(sample("qmail-failure-notice.eml"), BOUNCES)
    assert qmail.detail == "Sorry, no mailbox here by that name. (#5.1.1)"
    assert qmail.original == "<20261130-090000-1f2e3d4c.a41f0c3e5b6d7e89@example.org>"


def test_a_global_report_names_its_reader_and_digest_without_a_verp_tag() -> None:
    (found,) = classify(sample("postfix-smtputf8-delayed.eml"))
    assert (found.kind, found.address, found.tag, found.status) == (
        "soft",
        "chloé@exämple.fr",
        "",
        "4.4.1",
    )
    assert found.original == "<20261130-090000-1f2e3d4c.8b0c6e2a9f417d35@example.org>"
    # RFC 6533 lets the global kind be base64 or quoted-printable, as UTF-8 text may be.
    raw = sample("postfix-smtputf8-delayed.eml")
    head, rest = raw.split(b"Content-Type: message/global-delivery-status\n\n")
    fields, tail = rest.split(b"\n--5D3E41A0112", 1)
    encoders = (("base64", base64.encodebytes), ("quoted-printable", quopri.encodestring))
    for encoding, encode in encoders:
        encoded = (
            head
            + b"Content-Type: message/global-delivery-status\n"
            + f"Content-Transfer-Encoding: {encoding}\n\n".encode()
            + encode(fields)
            + b"\n--5D3E41A0112"
            + tail
        )
        (found,) = classify(encoded)
        assert (found.kind, found.address, found.status) == ("soft", "chloé@exämple.fr", "4.4.1")


def test_a_plain_report_a_server_encoded_is_read_as_its_text() -> None:
    # RFC 3464 wants message/delivery-status unencoded; some servers send it in base64 (or
    # quoted-printable): "not understood: a delivery report naming no recipient".
    raw = sample("postfix-user-unknown.eml")
    head, rest = raw.split(b"Content-Type: message/delivery-status\n\n")
    fields, tail = rest.split(b"\n--4F1C21A00F3", 1)
    for encoding, encode in (
        ("base64", base64.encodebytes),
        ("quoted-printable", quopri.encodestring),
    ):
        encoded = (
            head
            + b"Content-Type: message/delivery-status\n"
            + f"Content-Transfer-Encoding: {encoding}\n\n".encode()
            + encode(fields)
            + b"\n--4F1C21A00F3"
            + tail
        )
        (found,) = classify(encoded)
        assert (found.kind, found.address, found.status) == (
            "hard",
            "cyrus@forward.example",
            "5.1.1",
        )


def test_a_report_downgraded_to_ascii_names_an_internationalised_reader() -> None:
    # RFC 6533's utf-8-addr-xtext: in a plain message/delivery-status, \x{E9} is é.
    raw = sample("postfix-smtputf8-delayed.eml").replace(
        b"message/global-delivery-status", b"message/delivery-status"
    )
    raw = raw.replace("utf-8;chloé@exämple.fr".encode(), rb"utf-8;chlo\x{E9}@ex\x{e4}mple.fr")
    (found,) = classify(raw)
    assert (found.kind, found.address, found.status) == ("soft", "chloé@exämple.fr", "4.4.1")
    # A code point past Unicode's last is left as written, and the report is still read.
    raw = raw.replace(rb"chlo\x{E9}@ex\x{e4}mple.fr", rb"chlo\x{110000}@example.fr")
    (found,) = classify(raw)
    assert (found.kind, found.address) == ("soft", r"chlo\x{110000}@example.fr")


def test_a_report_cut_before_its_status_part_is_read_from_its_text() -> None:
    raw = sample("postfix-user-unknown.eml")
    cut = raw[: raw.index(b"Content-Description: Delivery report")]
    (found,) = classify(cut, BOUNCES)
    assert (found.kind, found.tag, found.status) == ("hard", tag("cy@example.net"), "5.1.1")


def test_without_a_bounce_address_no_tag_is_read() -> None:
    (found,) = classify(sample("postfix-user-unknown.eml"))
    assert (found.kind, found.address, found.tag) == ("hard", "cyrus@forward.example", "")


def test_without_a_bounce_address_a_plain_bounce_names_the_reader_it_returns(
    tmp_path: Path,
) -> None:
    # Exchange writes the address on a line of its own; the digest it returns went to the
    # reader alone, so its To names them.
    root = bounce_site(tmp_path, extra="")
    box = maildir(root, ["exchange-mailbox-full.eml"])
    result = bounces(root, str(box))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "1796029200.M1P1.mail: soft bounce gus@corp.example 5.2.2: still active "
        "(1 of 3 soft bounces) (#552 5.2.2 STOREDRV.Deliver; recipient mailbox is full ##)"
    )
    assert statuses(root)["gus@corp.example"] == ("active", 1)


def mail(subject: str, body: str = "Thanks!", extra: str = "") -> bytes:
    head = f"From: Eve <eve@example.com>\nTo: ada@example.org\nSubject: {subject}\n{extra}"
    return f"{head}\n{body}\n".encode()


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (mail("unsubscribe"), "unsubscribe"),
        (mail("Re: Unsubscribe me please"), "unsubscribe"),
        (mail("", body="\n  UNSUBSCRIBE\n\nSent from my phone"), "unsubscribe"),
        (mail("Loved the post", body="How do I unsubscribe my sister?"), "not understood"),
        (mail("Re: New posts", body="Unsubscribe? Never! Great post."), "not understood"),
        (mail("Automatic reply: New posts", extra="Auto-Submitted: auto-replied\n"), "ignored"),
        (sample("yahoo-arf-abuse.eml").replace(b"Type: abuse", b"Type: not-spam"), "ignored"),
    ],
)
def test_what_is_an_unsubscribe_and_what_changes_nobody(raw: bytes, kind: str) -> None:
    (found,) = classify(raw, BOUNCES)
    assert found.kind == kind


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("5.1.1", "hard"),  # no such mailbox
        ("5.1.10", "hard"),
        ("5.4.4", "hard"),  # no such domain
        ("5.2.1", "hard"),  # mailbox disabled
        ("5.2.2", "soft"),  # mailbox full
        ("5.3.1", "soft"),  # mail system full
        ("5.2.3", "soft"),  # this message too large
        ("5.4.7", "soft"),  # gave up retrying
        ("5.7.1", "soft"),  # refused by policy: about the sender or the message
        ("4.4.1", "soft"),
        ("550", "hard"),
        ("452", "soft"),
    ],
)
def test_hard_and_soft_by_status_code(code: str, kind: str) -> None:
    assert severity(code) == kind


# -- feedkit bounces --------------------------------------------------------------------------


def bounce_site(root: Path, extra: str = VERP_TOML) -> Path:
    make_digest_site(root, [], extra_toml=extra)
    with State.open(root / ".feedkit" / "state.db") as state:
        readers = Readers(state)
        for address in LIST:
            readers.add(Subscriber(address, ""), NOW - timedelta(days=60), "test")
    return root


def maildir(root: Path, names: list[str], folder: str = "new") -> Path:
    box = root / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    for number, name in enumerate(names):
        info = ":2,S" if folder == "cur" else ""
        shutil.copy(SAMPLES / name, box / folder / f"17960292{number:02}.M1P1.mail{info}")
    return box


def bounces(root: Path, *args: str, env: dict[str, str | None] | None = None) -> Result:
    environ = {"FEEDKIT_NOW": (NOW + timedelta(days=8)).isoformat(), **SECRET_ENV, **(env or {})}
    return CliRunner().invoke(
        main, ["bounces", "--config", str(root / "feedkit.toml"), *args], env=environ
    )


def statuses(root: Path) -> dict[str, tuple[str, int]]:
    with State.open(root / ".feedkit" / "state.db") as state:
        return {r.key: (r.status, r.soft_bounces) for r in Readers(state).all()}


def events(root: Path) -> int:
    with State.open(root / ".feedkit" / "state.db") as state:
        return state.conn.execute("SELECT count(*) FROM reader_events").fetchone()[0]


ALL_SAMPLES = sorted(p.name for p in SAMPLES.glob("*.eml"))


def test_bounces_on_a_maildir_updates_the_list_and_says_what_each_message_did(
    tmp_path: Path,
) -> None:
    root = bounce_site(tmp_path)
    box = maildir(root, ALL_SAMPLES)
    result = bounces(root, str(box))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == len(ALL_SAMPLES) + 1
    assert (
        "1796029205.M1P1.mail: hard bounce bob@contoso.com 5.1.10: now bounced (550 5.1.10 "
        "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup)"
    ) in lines
    assert (
        "1796029206.M1P1.mail: soft bounce dan@example.com 4.4.1: still active "
        "(1 of 3 soft bounces) (connect to mx.example.com[192.0.2.40]:25: Connection timed out)"
    ) in lines
    assert (
        "1796029211.M1P1.mail: complaint dee@yahoo.com abuse: now complained "
        "(feedback report from Yahoo!-Mail-Feedback/2.0)"
    ) in lines
    assert (
        "1796029203.M1P1.mail: not understood: not a bounce, a feedback report or an unsubscribe"
        in lines
    )
    assert (
        "1796029212.M1P1.mail: hard bounce ivy@yahoo.com 554: now bounced (554: delivery "
        "error: dd This user doesn't have a yahoo.com account (ivy@yahoo.com) [0] - mta1234.ma…)"
    ) in lines
    assert lines[-1] == (
        "13 message(s) read: 5 hard bounce(s), 3 soft bounce(s), 1 complaint(s), "
        "1 unsubscribe email(s), 3 not understood; 7 reader(s) changed status."
    )
    assert statuses(root) == {
        "ann@gmail.com": ("bounced", 0),
        "bob@contoso.com": ("bounced", 0),
        "cy@example.net": ("bounced", 0),  # by its VERP tag: the report names cyrus@forward
        "dan@example.com": ("active", 1),
        "dee@yahoo.com": ("complained", 0),
        "eve@example.com": ("unsubscribed", 0),
        "fay@example.com": ("bounced", 0),
        "gus@corp.example": ("active", 1),
        "hal@example.org": ("active", 0),
        "chloé@exämple.fr": ("active", 1),
        "ivy@yahoo.com": ("bounced", 0),
    }
    # The mailbox is left as it was: the state database remembers what was read.
    assert sorted(p.name for p in (box / "new").iterdir()) == [
        f"17960292{n:02}.M1P1.mail" for n in range(len(ALL_SAMPLES))
    ]
    before = events(root)
    again = bounces(root, str(box))
    assert again.exit_code == 0
    assert again.stdout == (
        "0 message(s) read: nothing; 13 read before, skipped; 0 reader(s) changed status.\n"
    )
    assert events(root) == before
    assert statuses(root)["dan@example.com"] == ("active", 1)  # not counted twice


def test_bounces_on_an_mbox_counts_a_digests_soft_bounce_once_and_the_third_bounces(
    tmp_path: Path,
) -> None:
    root = bounce_site(tmp_path)
    delayed = sample("postfix-delayed.eml")
    digest_id = b"20261130-090000-1f2e3d4c.3c9e0a4b7d21f655"
    # A second warning about the same digest, then warnings about two later digests.
    warnings = [
        delayed,
        delayed.replace(b"13:00:31", b"21:00:31"),
        delayed.replace(digest_id, b"20261207-090000-5a6b7c8d.3c9e0a4b7d21f655"),
        delayed.replace(digest_id, b"20261214-090000-9e8f7a6b.3c9e0a4b7d21f655"),
    ]
    path = root / "bounces.mbox"
    box = mailbox.mbox(path)
    for raw in warnings:
        box.add(raw)
    box.close()
    result = bounces(root, str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "#1: soft bounce dan@example.com 4.4.1: still active (1 of 3 soft bounces) "
        "(connect to mx.example.com[192.0.2.40]:25: Connection timed out)",
        "#2: soft bounce dan@example.com 4.4.1: active, already counted for this digest "
        "(connect to mx.example.com[192.0.2.40]:25: Connection timed out)",
        "#3: soft bounce dan@example.com 4.4.1: still active (2 of 3 soft bounces) "
        "(connect to mx.example.com[192.0.2.40]:25: Connection timed out)",
        "#4: soft bounce dan@example.com 4.4.1: now bounced "
        "(connect to mx.example.com[192.0.2.40]:25: Connection timed out)",
        "4 message(s) read: 4 soft bounce(s); 1 reader(s) changed status.",
    ]
    assert statuses(root)["dan@example.com"] == ("bounced", 3)


def test_delay_warnings_that_name_no_digest_count_once_for_the_last_one_sent(
    tmp_path: Path,
) -> None:
    # Exim's and sendmail's repeated delay warnings, without the digest's headers: three
    # about one digest bounced a reader whose mail was still being retried.
    from feedkit.mail.state import DigestRecord, Recipient

    root = bounce_site(tmp_path)
    delayed = sample("postfix-delayed.eml")
    headers = delayed.index(b"--7A2B31A00F9.1796043631/mail.example.org\nContent-Description: Und")
    headerless = delayed[:headers] + b"--7A2B31A00F9.1796043631/mail.example.org--\n"
    assert b"Message-ID: <2026" not in headerless

    def sent_digest(digest_id: str, when: datetime) -> None:
        with State.open(root / ".feedkit" / "state.db") as state:
            state.create_digest(
                DigestRecord(digest_id, when, None, ()), [Recipient("dan@example.com", "")]
            )
            state.record_outcome(digest_id, "dan@example.com", "sent", "250 OK", when)

    def warned(hour: int) -> str:
        path = root / f"delay-{hour}.eml"
        path.write_bytes(headerless.replace(b"13:00:31", f"{hour}:00:31".encode()))
        result = bounces(root, str(path))
        assert result.exit_code == 0, result.output
        return result.stdout.splitlines()[0].split(": ", 1)[1].split(" (connect")[0]

    sent_digest("20261130-090000-1f2e3d4c", NOW + timedelta(days=1))
    assert [warned(hour) for hour in (13, 17, 21)] == [
        "soft bounce dan@example.com 4.4.1: still active (1 of 3 soft bounces)",
        "soft bounce dan@example.com 4.4.1: active, already counted for this digest",
        "soft bounce dan@example.com 4.4.1: active, already counted for this digest",
    ]
    sent_digest("20261207-090000-5a6b7c8d", NOW + timedelta(days=2))  # the next one
    assert warned(14) == "soft bounce dan@example.com 4.4.1: still active (2 of 3 soft bounces)"
    assert statuses(root)["dan@example.com"] == ("active", 2)


def test_delay_warnings_about_one_digest_count_once_with_its_headers_or_without(
    tmp_path: Path,
) -> None:
    # Exim sends its first warning with the digest's headers and repeats it without: the
    # two were counted as two digests (the Message-ID, then the last digest's ID).
    from feedkit.mail.state import DigestRecord, Recipient

    root = bounce_site(tmp_path)
    delayed = sample("postfix-delayed.eml")
    assert b"Message-ID: <20261130-090000-1f2e3d4c." in delayed  # the digest it names
    headers = delayed.index(b"--7A2B31A00F9.1796043631/mail.example.org\nContent-Description: Und")
    headerless = delayed[:headers] + b"--7A2B31A00F9.1796043631/mail.example.org--\n"
    with State.open(root / ".feedkit" / "state.db") as state:
        when = NOW + timedelta(days=1)
        record = DigestRecord("20261130-090000-1f2e3d4c", when, None, ())
        state.create_digest(record, [Recipient("dan@example.com", "")])
        state.record_outcome(record.id, "dan@example.com", "sent", "250 OK", when)
    said = []
    for name, raw in (("first.eml", delayed), ("again.eml", headerless)):
        (root / name).write_bytes(raw.replace(b"13:00:31", f"1{len(said)}:00:31".encode()))
        result = bounces(root, str(root / name))
        assert result.exit_code == 0, result.output
        said.append(result.stdout.splitlines()[0].split(": ", 1)[1].split(" (connect")[0])
    assert said == [
        "soft bounce dan@example.com 4.4.1: still active (1 of 3 soft bounces)",
        "soft bounce dan@example.com 4.4.1: active, already counted for this digest",
    ]
    assert statuses(root)["dan@example.com"] == ("active", 1)


def test_a_domain_written_in_unicode_finds_its_reader_listed_in_ascii(tmp_path: Path) -> None:
    # The list keeps x@xn--mnchen-3ya.example (as `subscribers add` and sign-ups write it);
    # a report or a reader's own mail naming x@münchen.example was "not on the list".
    root = bounce_site(tmp_path, extra="")
    with State.open(root / ".feedkit" / "state.db") as state:
        for address in ("x@xn--mnchen-3ya.example", "zed@xn--mnchen-3ya.example"):
            Readers(state).add(Subscriber(address, ""), NOW - timedelta(days=60), "test")
    report = (
        "From: MAILER-DAEMON@mail.example.org\nTo: ada@example.org\nSubject: Undelivered\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
        "--b\nContent-Type: message/global-delivery-status\n\n"
        "Reporting-MTA: dns; mail.example.org\n\n"
        "Final-Recipient: utf-8; x@münchen.example\nAction: failed\nStatus: 5.1.1\n\n--b--\n"
    )
    leave = "From: Zed <ZED@münchen.example>\nTo: ada@example.org\nSubject: unsubscribe\n\nBye\n"
    for name, raw in (("dsn.eml", report), ("leave.eml", leave)):
        (root / name).write_bytes(raw.encode())
    said = [
        bounces(root, str(root / name)).stdout.splitlines()[0] for name in ("dsn.eml", "leave.eml")
    ]
    assert said == [
        "dsn.eml: hard bounce x@xn--mnchen-3ya.example 5.1.1: now bounced (failed 5.1.1)",
        "leave.eml: unsubscribe zed@xn--mnchen-3ya.example: now unsubscribed "
        "(asked by subject 'unsubscribe')",
    ]
    assert statuses(root)["x@xn--mnchen-3ya.example"][0] == "bounced"
    assert statuses(root)["zed@xn--mnchen-3ya.example"][0] == "unsubscribed"


def test_dry_run_says_the_same_and_changes_nothing(tmp_path: Path) -> None:
    root = bounce_site(tmp_path)
    box = maildir(root, ALL_SAMPLES, folder="cur")
    before = (statuses(root), events(root))
    dry = bounces(root, str(box), "--dry-run")
    assert dry.exit_code == 0, dry.output
    lines = dry.stdout.splitlines()
    assert lines[0] == "Dry run: nothing is recorded."
    assert lines[-1].endswith("; 7 reader(s) would change status.")
    assert (statuses(root), events(root)) == before
    real = bounces(root, str(box))
    assert real.stdout.splitlines()[:-1] == lines[1:-1]  # then it does what it said


def test_dry_run_before_any_digest_creates_no_state(tmp_path: Path) -> None:
    make_digest_site(tmp_path, [], extra_toml=VERP_TOML)
    box = maildir(tmp_path, ["postfix-user-unknown.eml"])
    dry = bounces(tmp_path, str(box), "--dry-run", env={"FEEDKIT_UNSUBSCRIBE_SECRET": None})
    assert dry.exit_code == 0, dry.output
    # No secret was ever made, so no digest went out with a tag: this one is nobody's.
    assert ": hard bounce cyrus@forward.example 5.1.1: its VERP tag names no reader (" in (
        dry.stdout
    )
    assert not (tmp_path / ".feedkit").exists()


def test_one_eml_file_and_unreadable_paths(tmp_path: Path) -> None:
    root = bounce_site(tmp_path)
    one = bounces(root, str(SAMPLES / "unsubscribe-by-mail.eml"))
    assert one.exit_code == 0, one.output
    assert one.stdout.splitlines()[0] == (
        "unsubscribe-by-mail.eml: unsubscribe Eve@example.com: now unsubscribed "
        "(asked by subject 'unsubscribe')"
    )
    folder = root / "not-a-maildir"
    folder.mkdir()
    wrong = bounces(root, str(folder))
    assert wrong.exit_code == 1
    assert wrong.stderr == f"error: {folder}: not a Maildir (it has no cur/ or new/ folder)\n"
    missing = bounces(root, str(root / "nowhere"))
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr


def test_a_huge_message_is_listed_not_read(tmp_path: Path) -> None:
    root = bounce_site(tmp_path)
    box = maildir(root, ["qmail-failure-notice.eml"])
    (box / "new" / "1796029299.M9P9.mail").write_bytes(b"Subject: x\n\n" + b"A" * (5 << 20))
    result = bounces(root, str(box))
    assert result.exit_code == 0, result.output
    assert "1796029299.M9P9.mail: not understood: over 4 MiB: not a bounce or report" in (
        result.stdout.splitlines()
    )
    assert statuses(root)["fay@example.com"] == ("bounced", 0)


def test_a_forged_tag_or_an_unknown_address_changes_nobody(tmp_path: Path) -> None:
    root = bounce_site(tmp_path)
    raw = sample("postfix-user-unknown.eml").replace(tag("cy@example.net").encode(), b"a" * 16)
    (root / "forged.eml").write_bytes(raw)
    result = bounces(root, str(root / "forged.eml"))
    assert result.exit_code == 0
    assert ": its VERP tag names no reader (" in result.stdout
    assert statuses(root)["cy@example.net"] == ("active", 0)
    # Without the setting, tags are not read: the report's address is not on the list.
    other = bounce_site(tmp_path / "plain", extra="")
    plain = bounces(other, str(SAMPLES / "postfix-user-unknown.eml"))
    assert "hard bounce cyrus@forward.example 5.1.1: not on the list" in plain.stdout


# -- at send time -----------------------------------------------------------------------------

READERS = [(f"reader{i}@example.org", f"Reader {i}") for i in range(5)]


def smtp_site(root: Path, server: FaultySmtpServer, extra: str = VERP_TOML) -> Path:
    make_digest_site(root, READERS, extra_toml=extra)
    toml = (root / "feedkit.toml").read_text()
    toml = toml.replace('subscribers = "subscribers.csv"', 'delivery = "smtp"\nsubscribers = "x"')
    toml = toml.replace('subscribers = "x"', 'subscribers = "subscribers.csv"')
    toml += (
        f'\n[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "none"\n'
        "timeout = 5\nbackoff = 0\n"
    )
    (root / "feedkit.toml").write_text(toml)
    return root


def digest(root: Path) -> Result:
    environ = {"FEEDKIT_NOW": NOW.isoformat(), **SECRET_ENV}
    return CliRunner().invoke(main, ["digest", "--config", str(root / "feedkit.toml")], env=environ)


def first_run_then_a_new_post(root: Path) -> Result:
    assert digest(root).exit_code == 0
    write_post(root, "new-a", "New post A", NOW - timedelta(hours=1))
    return digest(root)


def test_each_readers_copy_goes_out_from_its_own_verp_address_and_nothing_else_changes(
    tmp_path: Path, smtp_server: FaultySmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[str] = []  # MAIL commands as the server read them off the wire
    original = _Protocol.smtp_MAIL

    @functools.wraps(original)
    async def smtp_mail(self: _Protocol, arg: str | None) -> None:
        commands.append(f"MAIL {arg}")
        await original(self, arg)

    monkeypatch.setattr(_Protocol, "smtp_MAIL", smtp_mail)
    plain = smtp_site(tmp_path / "plain", smtp_server, extra="")
    assert first_run_then_a_new_post(plain).exit_code == 0
    without = {m.rcpt_tos: m for m in smtp_server.messages}
    verp = smtp_site(tmp_path / "verp", smtp_server)
    result = first_run_then_a_new_post(verp)
    assert result.exit_code == 0, result.output
    sent = smtp_server.messages[len(without) :]
    assert len(sent) == len(READERS)
    assert [c.split(" SIZE=")[0] for c in commands] == ["MAIL FROM:<ada@example.org>"] * len(
        READERS
    ) + [f"MAIL FROM:<bounces+{tag(m.rcpt_tos[0])}@example.org>" for m in sent]
    for received in sent:
        (reader,) = received.rcpt_tos
        # MAIL FROM:<bounces+tag@example.org>, the tag the reader's alone.
        assert received.mail_from == f"bounces+{tag(reader)}@example.org"
        assert received.mail_from == verp_address(BOUNCES, SECRET, reader)
        # The message is the same: Message-ID and From included, and no Return-Path in it.
        fields, before = raw_fields(received.raw), raw_fields(without[received.rcpt_tos].raw)
        assert fields.keys() == before.keys()
        assert {k: v for k, v in fields.items() if k != "Content-Type"} == {
            k: v
            for k, v in before.items()
            if k != "Content-Type"  # a random MIME boundary
        }
        assert b"bounces" not in received.raw
        assert without[received.rcpt_tos].mail_from == "ada@example.org"
    # What comes back to that address names its reader.
    bounce = sample("postfix-user-unknown.eml").replace(
        tag("cy@example.net").encode(), tag("reader3@example.org").encode()
    )
    (found,) = classify(bounce, BOUNCES)
    assert found.tag == tag("reader3@example.org")


def test_a_550_to_one_rcpt_bounces_that_reader_and_the_others_get_their_mail(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    root = smtp_site(tmp_path, smtp_server)
    with State.open(root / ".feedkit" / "state.db") as state:
        readers = Readers(state)
        for address, name in READERS:
            readers.add(Subscriber(address, name), NOW - timedelta(days=9), "test")
        for _ in range(2):
            readers.bounce("reader4@example.org", NOW, hard=False, detail="4.4.1")
    smtp_server.reject("reader1@example.org", reply="550 5.1.1 <reader1@example.org>: no such user")
    smtp_server.reject("reader2@example.org", reply="552 5.2.2 Mailbox full", at="data")
    result = first_run_then_a_new_post(root)
    assert result.exit_code == 1  # two readers not reached, as before
    assert "3 sent" in result.stdout and "2 failed" in result.stdout
    got = sorted(r for m in smtp_server.messages for r in m.rcpt_tos)
    assert got == ["reader0@example.org", "reader3@example.org", "reader4@example.org"]
    assert statuses(root) == {
        "reader0@example.org": ("active", 0),
        "reader1@example.org": ("bounced", 0),
        "reader2@example.org": ("active", 1),  # mailbox full is soft
        "reader3@example.org": ("active", 0),
        "reader4@example.org": ("active", 0),  # delivered: its soft bounces start again
    }
    with State.open(root / ".feedkit" / "state.db") as state:
        bounced = Readers(state).get("reader1@example.org")
        assert bounced is not None
        assert bounced.detail == (
            "refused at sending: 550 5.1.1 <reader1@example.org>: no such user"
        )


def test_a_bounce_address_that_leaves_no_room_for_the_tag_is_refused(tmp_path: Path) -> None:
    make_digest_site(tmp_path, [])
    with (tmp_path / "feedkit.toml").open("a") as toml:
        toml.write(f'bounce_address = "{"b" * 48}@example.org"\n')
    result = bounces(tmp_path, str(SAMPLES / "qmail-failure-notice.eml"))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: feedkit.toml: digest.bounce_address: must have at most 47 characters before "
        "the @: each reader's copy goes out from it as local+tag@domain, with a 16-character "
        "tag\n"
    )


def test_a_state_database_locked_too_long_is_an_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = bounce_site(tmp_path)

    def locked(*args: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr("feedkit.mail.bounce_run._apply_all", locked)
    result = bounces(root, str(SAMPLES / "qmail-failure-notice.eml"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {root / '.feedkit' / 'state.db'}: database is locked; run feedkit bounces "
        "again later (mail it has recorded is skipped then)\n"
    )
