"""subscribers.csv as `feedkit digest` reads it: each bad row named by line and skipped, every
other reader served."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedkit.mail.subscribers import Subscriber, load_subscribers, mail_address

from digest_site import digest_command, make_digest_site, outbox_messages, raw_fields
from smtp_server import FaultySmtpServer, smtp_server_fixture  # noqa: F401

GOOD = [f"reader{i:02d}@example.org" for i in range(25)]


def write_list(root: Path, rows: list[bytes]) -> None:
    make_digest_site(root, [], posts=2)
    (root / "subscribers.csv").write_bytes(b"\n".join(rows) + b"\n")


def good_rows(start: int = 0, stop: int = 25) -> list[bytes]:
    return [f'{a},"Reader {a[6:8]}"'.encode() for a in GOOD[start:stop]]


def served(root: Path) -> list[str]:
    return sorted(name.removesuffix(".eml") for name in outbox_messages(root))


def run(root: Path) -> tuple[int, list[str]]:
    result = digest_command(root, "--send-latest", "1")
    return result.exit_code, result.stderr.splitlines()


def test_a_line_over_the_csv_field_limit_is_skipped_and_the_rest_served(tmp_path: Path) -> None:
    long_name = b"x" * 200_000
    write_list(
        tmp_path,
        [b"email,name", *good_rows(0, 10), b"huge@example.org," + long_name, *good_rows(10)],
    )
    code, stderr = run(tmp_path)
    assert code == 0
    assert stderr == [
        "subscribers.csv:12: warning: the line is 200,017 characters long, more than "
        "a subscriber row can be (1,000); skipped"
    ]
    assert served(tmp_path) == GOOD


def test_an_unclosed_quote_loses_only_its_own_row(tmp_path: Path) -> None:
    write_list(tmp_path, [b"email,name", b'open@example.org,"Ada Lovelace', *good_rows()])
    code, stderr = run(tmp_path)
    assert code == 0
    assert stderr == [
        "subscribers.csv:2: warning: a quote opened in this line is never closed "
        "(every row is one line); skipped"
    ]
    assert served(tmp_path) == GOOD


def test_a_stray_quote_after_a_quoted_name_is_read_leniently_as_before(tmp_path: Path) -> None:
    write_list(tmp_path, [b'reader00@example.org,"Reader" 00', *good_rows(1, 3)])
    code, stderr = run(tmp_path)
    assert (code, stderr) == (0, [])
    assert served(tmp_path) == GOOD[:3]
    [raw] = [raw for name, raw in outbox_messages(tmp_path).items() if "00" in name]
    assert raw_fields(raw)["To"] == b"To: Reader 00 <reader00@example.org>"


def test_a_non_utf8_byte_skips_that_row_only(tmp_path: Path) -> None:
    write_list(
        tmp_path,
        [b"email,name", *good_rows(0, 5), b"chloe@example.fr,Chlo\xe9 Martin", *good_rows(5)],
    )
    code, stderr = run(tmp_path)
    assert code == 0
    assert stderr == [
        "subscribers.csv:7: warning: byte 0xE9 in column 22 is not UTF-8; "
        "save the file as UTF-8; skipped"
    ]
    assert served(tmp_path) == GOOD


def test_nul_in_a_name_and_a_dot_before_the_at_sign_are_named_and_skipped(
    tmp_path: Path,
) -> None:
    write_list(
        tmp_path,
        [
            b"email,name",
            b"nul@example.org,Ada\x00Lovelace",
            b"trailing.@example.com,Trailing Dot",
            b"esc@example.org,Ada \x1b[31mRed",
            *good_rows(0, 3),
        ],
    )
    code, stderr = run(tmp_path)
    assert code == 0
    assert stderr == [
        "subscribers.csv:2: warning: the name contains the control character U+0000; skipped",
        "subscribers.csv:3: warning: 'trailing.@example.com' is not an email address: "
        "an email address cannot have a period immediately before the @-sign; skipped",
        "subscribers.csv:4: warning: the name contains the control character U+001B; skipped",
    ]
    assert served(tmp_path) == GOOD[:3]


def test_bom_header_crlf_comments_and_duplicates(tmp_path: Path) -> None:
    write_list(
        tmp_path,
        [
            b"\xef\xbb\xbfEmail,Name\r",
            b"# a comment\r",
            b"reader00@example.org,Reader 00\r",
            b"\r",
            b"READER00@example.org,Twice\r",
            b"reader01@example.org\r",
        ],
    )
    code, stderr = run(tmp_path)
    assert stderr == [
        "subscribers.csv:5: warning: READER00@example.org is already listed on line 3; skipped"
    ]
    assert served(tmp_path) == GOOD[:2]


@pytest.mark.parametrize(
    ("written", "sent_to"),
    [
        ("chloé@example.fr", "chloé@example.fr"),
        ("user@exämple.de", "user@xn--exmple-cua.de"),  # ASCII on the wire, no SMTPUTF8
        ("Ada@Example.ORG", "Ada@example.org"),
    ],
)
def test_internationalised_addresses_are_valid(tmp_path: Path, written: str, sent_to: str) -> None:
    path = tmp_path / "subscribers.csv"
    path.write_text(f"{written},Chloé\n", encoding="utf-8")
    subscribers, problems = load_subscribers(path, "subscribers.csv")
    assert problems == []
    assert subscribers == [Subscriber(sent_to, "Chloé")]


def smtp_site(root: Path, server: FaultySmtpServer) -> None:
    make_digest_site(
        root,
        [("chloé@example.fr", "Chloé Martin"), ("ada@example.org", "Ada")],
        posts=2,
        extra_toml=(
            f'\n[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "none"\n'
            "timeout = 5\nbackoff = 0\n"
        ),
    )
    toml = (root / "feedkit.toml").read_text()
    toml = toml.replace(
        'subscribers = "subscribers.csv"', 'subscribers = "subscribers.csv"\ndelivery = "smtp"'
    )
    (root / "feedkit.toml").write_text(toml)


def test_internationalised_address_goes_out_with_smtputf8(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    smtp_site(tmp_path, smtp_server)
    result = digest_command(tmp_path, "--send-latest", "1")
    assert result.exit_code == 0, result.output
    [chloe] = smtp_server.received_for("chloé@example.fr")
    assert "SMTPUTF8" in chloe.mail_options
    # RFC 6532: raw UTF-8 in the To field, allowed because this is SMTPUTF8 mail; the name
    # stays an encoded word, which is valid either way.
    assert raw_fields(chloe.raw)["To"] == (
        "To: =?utf-8?q?Chlo=C3=A9_Martin?= <chloé@example.fr>".encode()
    )
    [ada] = smtp_server.received_for("ada@example.org")
    assert "SMTPUTF8" not in ada.mail_options
    assert ada.raw.isascii()


def test_internationalised_address_fails_alone_without_smtputf8(tmp_path: Path) -> None:
    with FaultySmtpServer(smtputf8=False) as server:
        smtp_site(tmp_path, server)
        result = digest_command(tmp_path, "--send-latest", "1")
        assert [m.rcpt_tos for m in server.messages] == [("ada@example.org",)]
    assert result.exit_code == 1
    assert "1 failed, 1 sent" in result.stdout
    status = digest_command(tmp_path, "--status").stdout
    assert "does not support SMTPUTF8, needed for the address 'chloé@example.fr'" in status


@pytest.mark.parametrize(
    "written",
    [
        "Bob@Example.ORG",
        "user@exämple.de",
        "chloé@example.fr",
        "e\u0301@example.fr",
        "ДЖ@пример.рф",
    ],
)
def test_an_address_as_the_check_gives_it_passes_it_unchanged(written: str) -> None:
    # What the reader list keeps is taken unchecked from subscribers.csv (parse_subscribers).
    kept = mail_address(written)
    assert mail_address(kept) == kept
