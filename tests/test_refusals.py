"""Which refusals are about the sender: the same reply for readers in a row."""

from __future__ import annotations

import pytest

from feedkit.mail.refusals import (
    PERMANENT_IN_A_ROW,
    TRANSIENT_IN_A_ROW,
    RefusalStreak,
    about_the_mailbox,
)


@pytest.mark.parametrize(
    ("reply", "mailbox"),
    [
        ("550 5.1.1 Mailbox unavailable", True),
        ("550 5.1.10 Recipient address has null MX", True),
        ("552 5.2.2 Mailbox full", True),
        ("550 5.1.8 Sender domain does not exist", False),  # about the sender's address
        ("553 5.1.7 Bad sender address syntax", False),
        ("554 5.7.1 Service unavailable; client host blocked", False),
        ("550 5.4.5 Daily sending quota exceeded", False),
        ("550 No such user here", False),  # no enhanced code: cannot tell
        ("bad address 'x': not of the form name@domain", False),
    ],
)
def test_enhanced_status_codes_tell_a_mailbox_refusal(reply: str, mailbox: bool) -> None:
    assert about_the_mailbox(reply) is mailbox


def feed(streak: RefusalStreak, outcomes: list[tuple[str, str]]) -> list[int]:
    """Return the positions (from 1) at which the streak said stop."""
    halts = []
    for n, (status, detail) in enumerate(outcomes, 1):
        if streak.note(f"r{n}@example.org", status, detail) is not None:
            halts.append(n)
    return halts


def test_the_same_permanent_refusal_five_times_in_a_row_halts_and_puts_all_five_back() -> None:
    quota = ("failed", "554 5.7.0 Quota exceeded")
    streak = RefusalStreak()
    for n in range(1, PERMANENT_IN_A_ROW):
        assert streak.note(f"r{n}@example.org", *quota) is None
    halt = streak.note("r5@example.org", *quota)
    assert halt is not None
    assert halt.refused == tuple(f"r{n}@example.org" for n in range(1, 6))
    assert halt.message.startswith("5 readers in a row were refused with the same reply")


def test_a_sent_message_or_another_reply_in_between_starts_counting_again() -> None:
    quota = ("failed", "554 5.7.0 Quota exceeded")
    other = ("failed", "554 5.7.0 Something else")
    sent = ("sent", "250 OK")
    assert feed(RefusalStreak(), [quota] * 4 + [sent] + [quota] * 4 + [other] + [quota] * 4) == []


def test_dead_mailboxes_in_a_row_never_halt() -> None:
    dead = ("failed", "550 5.1.1 Mailbox unavailable")
    assert feed(RefusalStreak(), [dead] * 50) == []


def test_the_same_transient_refusal_three_times_in_a_row_halts_with_nobody_put_back() -> None:
    busy = ("deferred", "451 4.3.0 Try again later (4 attempts)")
    streak = RefusalStreak()
    assert feed(streak, [busy] * (TRANSIENT_IN_A_ROW - 1)) == []
    halt = streak.note("r3@example.org", *busy)
    assert halt is not None and halt.refused == ()
    assert halt.message.startswith("3 readers in a row were deferred with the same reply")
