"""A message as it goes on the wire: its policy, header fields folded by hand between their
elements (never inside a URI or an address, never encoded there), and its bytes and sizes as
sent."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.header import Header
from email.message import EmailMessage

from feedkit.mail.bidi import balanced

# Headers we fold ourselves (set_raw) are sent as they are, never refolded; quoted-printable
# lines are at most 76 characters (RFC 2045), which the default of 78 breaks.
MAIL_POLICY = policy.SMTP.clone(refold_source="none", max_line_length=76)
# Mail to or from an internationalised address is SMTPUTF8 mail: raw UTF-8 in the address
# fields is allowed there (RFC 6532), and nowhere else.
UTF8_MAIL_POLICY = MAIL_POLICY.clone(utf8=True)
# RFC 5322 2.1.1: a header line MUST be at most 998 octets and SHOULD be at most 78.
MAX_LINE = 998
FOLD_AT = 78
# C0 and C1 controls and DEL: never in a header, whatever a config or list holds.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
SPECIALS = frozenset('()<>[]:;@\\,."')


@dataclass(frozen=True)
class Copy:
    """A message already made into its bytes as sent, and its envelope sender."""

    data: bytes
    sender: str  # the message's From address


class HeaderLineTooLong(ValueError):
    """A part of a header field that cannot be folded is too long for one line."""


def fold(name: str, tokens: Sequence[str]) -> str:
    """Return a header field's value: `tokens` separated by spaces, folded only between them.

    A token (a word, an encoded word, an `<address>` or `<URI>`) is never broken. A line is
    broken before a token that would take it past 78 characters; raise HeaderLineTooLong if
    a token cannot fit in a line of 998 octets.
    """
    lines = [f"{name}:"]
    for token in tokens:
        first = lines == [f"{name}:"]  # a field's first line holds at least one token
        if not first and len(lines[-1]) + 1 + len(token) > FOLD_AT:
            lines.append("")
        lines[-1] += " " + token
    if any(len(line.encode()) > MAX_LINE for line in lines):
        raise HeaderLineTooLong(f"{name}: a part of it cannot fit in a line of {MAX_LINE} octets")
    return "\r\n".join(lines)[len(name) + 2 :]


def text_tokens(text: str, phrase: bool = False) -> list[str]:
    """Return `text` as header words: ASCII as is, else RFC 2047 encoded words that keep
    the spaces. A `phrase` (a display name) is quoted when it holds specials. Controls go.

    ASCII that holds `=?` is encoded too: a mail program decodes any word of the form
    `=?charset?q?…?=` it meets (in a quoted name too, as many do), so a name or title typed
    so would show what it encodes, not what was typed (RFC 2047, 5: such text must itself
    be encoded)."""
    flat = " ".join(word for word in (CONTROL.sub("", w) for w in text.split()) if word)
    # What the text opens it closes, so the address or text after it keeps its order.
    flat = balanced(flat)
    if not flat:
        return []
    if (
        flat.isascii()
        and "=?" not in flat
        and all(len(word) < FOLD_AT - 12 for word in flat.split(" "))
    ):
        if phrase and any(c in SPECIALS for c in flat):
            flat = '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return flat.split(" ")
    # Words of at most 66 characters: "Subject: " or "List-Id: " and one still fit in 78.
    return Header(flat, "utf-8", maxlinelen=FOLD_AT - 12).encode(linesep="\n").split()


def mailbox(name: str, display: str, address: str) -> str:
    """Return the value of address field `name`: `display <address>`, or the bare address."""
    words = text_tokens(display, phrase=True)
    return fold(name, [*words, f"<{address}>"] if words else [address])


def html_sent_size(message: EmailMessage) -> int:
    """Return the bytes of the message's HTML part's body as sent: what Gmail clips at."""
    part = message.get_body(("html",))
    if part is None:
        return 0
    payload = str(part.get_payload())
    # The payload holds the encoded body with LF line ends; it is sent with CRLF.
    return len(payload.encode()) + payload.count("\n")


def sent_size(html_text: str) -> int:
    """Return the bytes an HTML body takes in a message as sent (quoted-printable, CRLF)."""
    part = EmailMessage(policy=MAIL_POLICY)
    part.set_content(html_text, subtype="html", charset="utf-8", cte="quoted-printable")
    return html_sent_size(part)


def wire_bytes(message: EmailMessage | Copy) -> bytes:
    """Return the message as it goes on the wire: by its own policy, with CRLF line ends.

    The message's own policy, so header fields its builder folded (set_raw) go out as they
    are: email.policy.SMTP would refold every line over 78 characters and RFC 2047-encode
    the URIs and addresses in it, which receivers then cannot read.
    """
    if isinstance(message, Copy):
        return message.data
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
