"""Each reader's unsubscribe link and List-Unsubscribe field (feedkit/mail/unsubscribe.py);
the fields as sent are checked byte for byte in tests/test_digest_wire.py and
tests/test_service_links.py."""

from __future__ import annotations

from feedkit.mail.unsubscribe import unsubscribe_token


def test_tokens_differ_per_reader_and_need_the_secret() -> None:
    a = unsubscribe_token(b"s" * 16, "a@example.org")
    assert a == unsubscribe_token(b"s" * 16, " A@Example.org ")
    assert a != unsubscribe_token(b"s" * 16, "b@example.org")
    assert a != unsubscribe_token(b"t" * 16, "a@example.org")
