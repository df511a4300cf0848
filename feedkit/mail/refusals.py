"""Refusals that are about the sender, not the reader: the same reply for readers in a row.

A server that refuses one reader's mailbox answers that reader, and the batch goes on. A
server that refuses the sender (a quota, a blocklist, a policy) or this message often answers
every recipient alike, and the refusal can look like a reader's own: so the same reply for
several readers in a row is taken as being about the sender, and the batch stops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Five readers refused alike is not chance on a list, and costs nothing lasting: they are put
# back in line. A transient refusal costs every reader all its retries (14 s with the
# defaults), so three are enough to know the server turns everyone away for now.
PERMANENT_IN_A_ROW = 5
TRANSIENT_IN_A_ROW = 3

# "550 5.1.1 ..." -> the enhanced status code's class and subject (RFC 3463).
_ENHANCED = re.compile(r"^\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})\b")


def about_the_mailbox(detail: str) -> bool:
    """Return whether a reply's enhanced status code blames the reader's mailbox.

    X.1.x are addressing problems (mailbox unknown, bad domain), except X.1.7 and X.1.8,
    which are about the sender's address; X.2.x are mailbox problems (disabled, full).
    """
    match = _ENHANCED.match(detail)
    if match is None:
        return False
    subject, detail_code = match.group(2), match.group(3)
    return (subject == "1" and detail_code not in ("7", "8")) or subject == "2"


@dataclass(frozen=True)
class Halt:
    """Why the batch stops, and the readers refused in the run that proved it (still waiting:
    their refusals were the sender's, so they were never recorded as failed)."""

    message: str
    refused: tuple[str, ...] = ()


class RefusalStreak:
    """Watches the outcomes of one batch, in order, for the same refusal again and again."""

    def __init__(self) -> None:
        self._status = ""
        self._detail = ""
        self._readers: list[str] = []

    def note(self, reader: str, status: str, detail: str) -> Halt | None:
        """Record what happened to `reader`; return a Halt once the refusals are not theirs."""
        if status not in ("failed", "deferred") or (
            status == "failed" and about_the_mailbox(detail)
        ):
            self._readers = []
            return None
        if (status, detail) != (self._status, self._detail):
            self._status, self._detail, self._readers = status, detail, []
        self._readers.append(reader)
        count = len(self._readers)
        if status == "failed" and count >= PERMANENT_IN_A_ROW:
            listed = ", ".join(self._readers)
            return Halt(
                f"{count} readers in a row were refused with the same reply ({detail}): that "
                "is a refusal of the sender or of the message, not of each reader, so the "
                f"batch stopped and they stay in line ({listed}). If these "
                "addresses really are dead, remove them from the subscriber list",
                tuple(self._readers),
            )
        if status == "deferred" and count >= TRANSIENT_IN_A_ROW:
            return Halt(
                f"{count} readers in a row were deferred with the same reply ({detail}): the "
                "server turns everyone away for now, so the batch stopped instead of trying "
                "every reader"
            )
        return None

    @property
    def suspects(self) -> tuple[str, ...]:
        """Return the readers of the current run of one permanent refusal: whether it is
        theirs or the sender's is not known until the run breaks or grows to a halt."""
        return tuple(self._readers) if self._status == "failed" else ()
