"""Delivery to the outbox folder: one .eml file per reader, written atomically."""

from __future__ import annotations

import email.policy
import os
import re
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_smtp import ANN, make_message

from feedkit.mail.delivery import DeliveryError, Outcome
from feedkit.mail.outbox import OutboxSender, safe_file_name


def test_outbox_writes_one_parseable_eml_per_recipient(tmp_path: Path) -> None:
    folder = tmp_path / "outbox" / "digest-7"
    recipient = "o'brien+tag@example.com"
    message = make_message(to=recipient)
    with OutboxSender(folder) as sender:
        outcome = sender.send(message, recipient)
        sender.send(make_message(), ANN)

    path = folder / "o%27brien+tag@example.com.eml"
    assert outcome == Outcome("sent", f"written to {path}")
    assert sorted(p.name for p in folder.iterdir()) == [
        "ann@example.com.eml",
        "o%27brien+tag@example.com.eml",
    ]  # and no temp files left behind
    assert path.read_bytes() == message.as_bytes(policy=email.policy.SMTP)
    parsed = BytesParser(policy=email.policy.default).parsebytes(path.read_bytes())
    assert parsed["Subject"] == "Two new posts 🎉 this week"
    assert parsed["To"] == recipient


def test_outbox_replaces_atomically_and_keeps_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = OutboxSender(tmp_path)
    sender.send(make_message(subject="first"), ANN)
    target = tmp_path / "ann@example.com.eml"
    before = target.read_bytes()

    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def recording_replace(src: str, dst: str) -> None:
        replaced.append((str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", recording_replace)
    sender.send(make_message(subject="second"), ANN)
    [(src, dst)] = replaced
    assert Path(src).parent == tmp_path and dst == str(target)
    assert b"second" in target.read_bytes()

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(DeliveryError, match="No space left on device"):
        sender.send(make_message(subject="third"), ANN)
    assert b"second" in target.read_bytes() and target.read_bytes() != before
    assert [p.name for p in tmp_path.iterdir()] == ["ann@example.com.eml"]


def test_outbox_fails_a_bad_address_without_writing(tmp_path: Path) -> None:
    outcome = OutboxSender(tmp_path).send(make_message(), "not an address")
    assert outcome.status == "failed"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("o'brien+tag@example.com", "o%27brien+tag@example.com"),
        ("Ann@Example.COM", "%41nn@example.com"),
        ("../../etc/passwd@example.com", "%2E.%2F..%2Fetc%2Fpasswd@example.com"),
        ('a"b\\c:d*e?f<g>h|i@example.com', "a%22b%5Cc%3Ad%2Ae%3Ff%3Cg%3Eh%7Ci@example.com"),
        ("jürgen@bücher.example", "j%C3%BCrgen@b%C3%BCcher.example"),
    ],
)
def test_safe_file_name_is_safe_reversible_and_case_proof(address: str, expected: str) -> None:
    name = safe_file_name(address)
    assert name == expected
    local, _, domain = address.rpartition("@")
    assert unquote(name) == f"{local}@{domain.lower()}"
    # Two mailboxes differing only in the case of the local part stay two files on
    # case-insensitive file systems too.
    assert safe_file_name(local.swapcase() + "@" + domain).lower() != name.lower()


def test_safe_file_name_keeps_long_names_short_and_distinct() -> None:
    first, second = "x" * 300 + "a@example.com", "x" * 300 + "b@example.com"
    names = {safe_file_name(first), safe_file_name(second)}
    assert len(names) == 2
    assert all(len(name) <= 200 and "~" in name for name in names)
    for count in range(60, 70):  # cut at every offset into a run of %XX
        name = safe_file_name("é" * count + "@example.com")
        assert len(name) <= 200
        assert re.fullmatch(r"(%[0-9A-F]{2})+~[0-9a-f]{16}", name), name


@pytest.mark.parametrize(
    ("address", "why"),
    [
        (
            "trailing.@example.com",
            "an email address cannot have a period immediately before the @-sign",
        ),
        ("two..dots@example.com", "an email address cannot have two periods in a row"),
        ("ann@example", "the part after the @-sign is not valid. It should have a period"),
    ],
)
def test_outbox_refuses_what_no_mail_server_takes(tmp_path: Path, address: str, why: str) -> None:
    outcome = OutboxSender(tmp_path).send(make_message(), address)
    assert outcome == Outcome("failed", f"bad address {address!r}: {why}")
    assert list(tmp_path.iterdir()) == []
