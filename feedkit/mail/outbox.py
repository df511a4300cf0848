"""The outbox delivery: each message written to a folder as an .eml file, for a mail program
to pick up, instead of sent."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from pathlib import Path

from feedkit.atomicfile import write_atomically
from feedkit.mail.delivery import Closing, DeliveryError, Outcome, recipient_problem
from feedkit.mail.wire import Copy, wire_bytes

_FILE_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@._+-")
_MAX_NAME = 200


def safe_file_name(address: str) -> str:
    """Return a file-name stem for `address` that is safe on every common file system.

    The domain is lower-cased (it is case-insensitive). Then lower-case letters, digits and
    `@._+-` stay, and everything else, upper case included, becomes `%XX` of its UTF-8
    bytes: two mailboxes never share a file, even on a case-insensitive file system, and
    `urllib.parse.unquote` gives the address back. A name over 200 characters is cut and
    ends in `~` and a hash: still distinct, no longer reversible.
    """
    local, at, domain = address.rpartition("@")
    address = f"{local}{at}{domain.lower()}" if at else address
    parts: list[str] = []
    for index, char in enumerate(address):
        if char in _FILE_NAME_CHARS and not (index == 0 and char == "."):
            parts.append(char)
        else:
            parts.extend(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
    name = "".join(parts)
    if len(name) > _MAX_NAME:
        digest = hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()
        cut = _MAX_NAME - 17
        cut -= 1 if name[cut - 1] == "%" else 2 if name[cut - 2] == "%" else 0  # whole %XX only
        name = f"{name[:cut]}~{digest[:16]}"
    return name


class OutboxSender(Closing):
    """Writes each message to `folder/<safe address>.eml` instead of sending it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            # Private like the messages in it: its file names are the readers' addresses.
            folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise DeliveryError(f"{folder}: cannot create the outbox folder: {exc}") from exc

    def path_for(self, recipient: str) -> Path:
        """Return the file a message for `recipient` is written to."""
        return self.folder / f"{safe_file_name(recipient)}.eml"

    def send(self, message: EmailMessage | Copy, recipient: str) -> Outcome:
        problem = recipient_problem(recipient)
        if problem:
            return Outcome("failed", f"bad address {recipient!r}: {problem}")
        path = self.path_for(recipient)
        data = wire_bytes(message)
        try:
            write_atomically(path, data, mode=0o600)  # mail is private to the reader
        except OSError as exc:
            raise DeliveryError(f"{path}: cannot write the message: {exc}") from exc
        return Outcome("sent", f"written to {path}")
