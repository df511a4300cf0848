"""The reader list in the state database: statuses, consent, and who a digest goes to."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from feedkit.mail.readers import Readers
from feedkit.mail.state import State
from feedkit.mail.statefile import SCHEMA_VERSION
from feedkit.mail.subscribers import Subscriber

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ADA = Subscriber("Ada@Example.org", "Ada")


def open_list(tmp_path: Path) -> tuple[State, Readers]:
    state = State.open(tmp_path / "state.db")
    return state, Readers(state)


def test_sign_up_is_pending_until_the_open_confirmation_is_used(tmp_path: Path) -> None:
    state, readers = open_list(tmp_path)
    asked = readers.request(ADA, "203.0.113.5", NOW)
    assert asked is not None and asked.reader.status == "pending"
    assert readers.active() == []
    assert readers.confirm(asked.reader.id, "not-the-nonce", "203.0.113.9", NOW) is None
    confirmed = readers.confirm(asked.reader.id, asked.nonce, "198.51.100.7", NOW)
    assert confirmed is not None and confirmed.status == "active"
    assert readers.active() == [Subscriber("Ada@Example.org", "Ada")]
    # Used once: the same link confirms nothing again.
    assert readers.confirm(asked.reader.id, asked.nonce, "198.51.100.7", NOW) is None
    consent = [(e.event, e.ip) for e in readers.events(asked.reader.id)]
    assert consent == [("requested", "203.0.113.5"), ("confirmed", "198.51.100.7")]
    state.close()


def test_a_second_sign_up_soon_after_sends_no_second_mail(tmp_path: Path) -> None:
    _, readers = open_list(tmp_path)
    first = readers.request(ADA, "203.0.113.5", NOW)
    assert first is not None
    assert readers.request(ADA, "203.0.113.5", NOW + timedelta(minutes=2)) is None
    later = readers.request(ADA, "203.0.113.5", NOW + timedelta(minutes=30))
    assert later is not None and later.nonce != first.nonce
    # The newer link replaces the older one.
    assert readers.confirm(first.reader.id, first.nonce, "", NOW) is None
    assert readers.confirm(later.reader.id, later.nonce, "", NOW) is not None
    # An active reader signing up again gets no mail.
    assert readers.request(ADA, "203.0.113.5", NOW + timedelta(days=1)) is None


def test_unsubscribe_needs_the_current_subscription(tmp_path: Path) -> None:
    _, readers = open_list(tmp_path)
    asked = readers.request(ADA, "", NOW)
    assert asked is not None
    reader = readers.confirm(asked.reader.id, asked.nonce, "", NOW)
    assert reader is not None and reader.subscription
    assert readers.unsubscribe(reader.id, "forged", NOW, "one-click") is None
    assert readers.get("ada@example.org").status == "active"  # type: ignore[union-attr]
    gone = readers.unsubscribe(reader.id, reader.subscription, NOW, "one-click", "192.0.2.1")
    assert gone is not None and gone.status == "unsubscribed"
    assert readers.active() == []
    # Signing up again starts a new subscription: the old link no longer unsubscribes.
    again = readers.request(ADA, "", NOW + timedelta(hours=1))
    assert again is not None
    back = readers.confirm(again.reader.id, again.nonce, "", NOW + timedelta(hours=1))
    assert back is not None and back.subscription != reader.subscription
    assert readers.unsubscribe(reader.id, reader.subscription, NOW, "one-click") is None
    assert readers.active() == [ADA]


def test_imports_never_bring_back_who_left(tmp_path: Path) -> None:
    _, readers = open_list(tmp_path)
    readers.import_rows([ADA, Subscriber("bob@example.org", "Bob")], NOW, "import: old.csv")
    readers.leave("BOB@example.org", NOW, "complained", "feedback report")
    readers.bounce("ada@example.org", NOW, hard=True, detail="550 5.1.1 no such user")
    counts = readers.import_rows(
        [ADA, Subscriber("bob@example.org", "Bob"), Subscriber("cy@example.org", "")],
        NOW,
        "import: old.csv",
    )
    assert (counts.added, counts.kept, counts.suppressed) == (1, 0, 2)
    assert readers.add(Subscriber("bob@example.org", "Bob"), NOW, "cli") == "complained"
    assert [s.email for s in readers.active()] == ["cy@example.org"]
    assert readers.counts() == {
        "pending": 0,
        "active": 1,
        "unsubscribed": 0,
        "bounced": 1,
        "complained": 1,
    }


def test_soft_bounces_count_until_the_limit_and_a_delivery_resets_them(tmp_path: Path) -> None:
    _, readers = open_list(tmp_path)
    readers.add(ADA, NOW, "cli")
    for _ in range(2):
        readers.bounce(ADA.email, NOW, hard=False, detail="452 mailbox full", soft_limit=3)
    readers.delivered(ADA.email)
    for _ in range(2):
        readers.bounce(ADA.email, NOW, hard=False, detail="452 mailbox full", soft_limit=3)
    assert readers.get(ADA.email).status == "active"  # type: ignore[union-attr]
    after = readers.bounce(ADA.email, NOW, hard=False, detail="452 mailbox full", soft_limit=3)
    assert after is not None and after.status == "bounced"
    assert after.detail == "452 mailbox full"


def test_forget_erases_the_reader_and_their_events(tmp_path: Path) -> None:
    state, readers = open_list(tmp_path)
    readers.add(ADA, NOW, "cli")
    assert readers.forget("ada@EXAMPLE.org")
    assert readers.get(ADA.email) is None
    assert state.conn.execute("SELECT count(*) FROM reader_events").fetchone()[0] == 0
    assert not readers.forget("ada@example.org")


def test_a_state_file_of_the_previous_schema_gains_the_list(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    State.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE reader_events")
    conn.execute("DROP TABLE readers")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema'")
    conn.commit()
    conn.close()
    with State.open(path) as state:
        Readers(state).add(ADA, NOW, "cli")
        version = state.conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        assert version == (str(SCHEMA_VERSION),)
    with State.open(path) as state:
        assert Readers(state).active() == [ADA]
