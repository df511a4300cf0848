"""The confirmation mails' queue in the state database: filled by a sign-up, emptied as
they are mailed, and never holding one that is no longer open."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from feedkit.mail.confirmqueue import dequeue, queued_confirmations
from feedkit.mail.readers import Readers
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ADA = Subscriber("Ada@Example.org", "Ada")


def open_list(tmp_path: Path) -> tuple[State, Readers]:
    state = State.open(tmp_path / "state.db")
    return state, Readers(state)


def test_a_sign_up_queues_its_confirmation_until_it_is_mailed_or_no_longer_open(
    tmp_path: Path,
) -> None:
    state, readers = open_list(tmp_path)
    first = readers.request(ADA, "", NOW)
    bob = readers.request(Subscriber("bob@example.org", ""), "", NOW + timedelta(minutes=1))
    cy = readers.request(Subscriber("cy@example.org", ""), "", NOW + timedelta(minutes=2))
    assert first is not None and bob is not None and cy is not None
    # Still there for another connection (a service started after a kill), oldest first.
    with State.open(tmp_path / "state.db") as other:
        queued = queued_confirmations(Readers(other))
    assert [(q.reader.key, q.nonce, q.queued) for q in queued] == [
        ("ada@example.org", first.nonce, NOW),
        ("bob@example.org", bob.nonce, NOW + timedelta(minutes=1)),
        ("cy@example.org", cy.nonce, NOW + timedelta(minutes=2)),
    ]
    later = readers.request(ADA, "", NOW + timedelta(minutes=30))  # replaces Ada's
    assert later is not None
    dequeue(readers, bob.reader.id, bob.nonce)  # mailed
    readers.unsubscribe(cy.reader.id, str(cy.reader.subscription), NOW, "one-click")
    assert [(q.reader.key, q.nonce) for q in queued_confirmations(readers)] == [
        ("ada@example.org", later.nonce)
    ]
    readers.forget("ada@example.org")
    assert queued_confirmations(readers) == []
    state.close()
