"""Delivery of digest messages: what every delivery gives back (the SMTP server is in
feedkit/mail/smtp.py, the outbox folder in feedkit/mail/outbox.py)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol, Self

from feedkit.errors import FeedkitError
from feedkit.mail.subscribers import address_problem
from feedkit.mail.wire import Copy


class DeliveryError(FeedkitError):
    """Delivery cannot work for anyone (login refused, no STARTTLS, outbox unwritable).

    The batch should stop: every later recipient would fail the same way.
    """

    def __init__(self, message: str, key: str | None = None) -> None:
        self.key = key
        super().__init__(f"{key}: {message}" if key else message)


@dataclass(frozen=True)
class Outcome:
    """What happened to one message for one recipient."""

    status: str  # "sent" | "failed" (permanent) | "deferred" (transient: retry at the next run)
    detail: str  # e.g. "250 OK", "550 5.1.1 mailbox unavailable", "connection refused"


class Sender(Protocol):
    def send(self, message: EmailMessage | Copy, recipient: str) -> Outcome: ...

    def close(self) -> None: ...


class Closing:
    """A delivery that a `with` block closes when it ends."""

    def close(self) -> None:
        """Release what the delivery holds; nothing by default."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def recipient_problem(address: str) -> str | None:
    """Return why `address` cannot be an envelope recipient, or None if it can."""
    if not address:
        return "empty address"
    return address_problem(address)
