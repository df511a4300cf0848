"""Each reader's copy of a digest as bytes, cut from one message made the usual way.

Making a MIME message with the email package costs a few milliseconds a reader, most of it
parsing header fields it was given as text and quoted-printable encoding 40 kB of body of
which only the lines with the reader's name and link differ. A `CopyMaker` makes the first
reader's message with `DigestRenderer.message`, cuts its bytes where readers differ (the
To, Message-ID and List-Unsubscribe fields, the MIME boundary, the body lines with a
placeholder) and fills in each further reader. The bytes are the ones `message` gives for
that reader (the boundary is random either way); the maker checks so on the first reader,
and readers it cannot fill (an internationalised address, a line break in a name, a copy
over digest.max_bytes) get `message` itself.
"""

from __future__ import annotations

import html
import random
import re
import sys
from dataclasses import dataclass
from email import quoprimime

from feedkit.mail.bidi import isolate
from feedkit.mail.digest import DigestRenderer, RenderedDigest
from feedkit.mail.identity import list_id, message_id, sender_address
from feedkit.mail.placeholders import PLACEHOLDERS
from feedkit.mail.readers import Reader
from feedkit.mail.state import DigestRecord
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.wire import MAIL_POLICY, Copy, fold, mailbox, wire_bytes

_BOUNDARY = re.compile(rb'boundary="(={15}\d{19}==)"')
_READER_FIELDS = (b"To", b"Message-ID", b"List-Unsubscribe")
_FIELDS = re.compile(rb"\r\n(?![ \t])")
# The header fields (as they are, or the index of the reader's own), and the bytes before
# the text body, between the bodies and after them, cut at the MIME boundary.
_Parts = tuple[list[bytes | int], list[bytes], list[bytes], list[bytes]]


def encode_lines(lines: list[bytes]) -> bytes:
    """Return whole lines quoted-printable encoded as the email package encodes a body,
    with CRLF line ends."""
    body = b"\n".join(lines) + b"\n"
    encoded = quoprimime.body_encode(body.decode("latin-1"), MAIL_POLICY.max_line_length or 76)
    return encoded.replace("\n", "\r\n").encode("ascii")


@dataclass(frozen=True)
class _Body:
    """A body cut into runs of lines: bytes encoded once, or text with placeholders."""

    runs: tuple[bytes | str, ...]
    escape: bool  # HTML: the values go in escaped

    @classmethod
    def of(cls, text: str, escape: bool) -> _Body:
        runs: list[bytes | str] = []
        same: list[bytes] = []
        for line in text.encode("utf-8").splitlines():
            if b"%%FEEDKIT_RECIPIENT_" in line:
                if same:
                    runs.append(encode_lines(same))
                    same = []
                runs.append(line.decode("utf-8"))
            else:
                same.append(line)
        if same:
            runs.append(encode_lines(same))
        return cls(tuple(runs), escape)

    def fill(self, values: dict[str, str]) -> bytes:
        out = []
        for run in self.runs:
            if isinstance(run, bytes):
                out.append(run)
                continue
            for key, placeholder in PLACEHOLDERS.items():
                value = values[key]
                run = run.replace(placeholder, html.escape(value) if self.escape else value)
            out.append(encode_lines(run.encode("utf-8").splitlines()))
        return b"".join(out)


def new_boundary() -> bytes:
    """Return a MIME boundary as the email package makes one (it never occurs in a
    quoted-printable body: those have no '==')."""
    return b"=" * 15 + b"%019d" % random.randrange(sys.maxsize) + b"=="


class CopyMaker:
    """Makes each reader's copy of one rendered digest; see the module's docstring."""

    def __init__(
        self, renderer: DigestRenderer, rendered: RenderedDigest, record: DigestRecord
    ) -> None:
        self.renderer = renderer
        self.rendered = rendered
        self.record = record
        self._text = _Body.of(rendered.text, escape=False)
        self._html = _Body.of(rendered.html, escape=True)
        self._parts: _Parts | None = None
        self._boundary = b""
        self._tried = False  # made the template (or found it cannot be made)
        self._list_name = list_id(renderer.cfg)
        self._sender = sender_address(renderer.cfg)

    def copy(self, subscriber: Subscriber, reader: Reader | None = None) -> Copy:
        """Return the reader's copy: the bytes `DigestRenderer.message` would give."""
        if self._parts is not None:
            made = self._fill(subscriber, reader, new_boundary())
            if made is not None:
                return made
        message = self.renderer.message(self.rendered, self.record, subscriber, reader)
        data = wire_bytes(message)
        if not self._tried and self._fillable(subscriber):
            self._tried = True
            self._cut(data, subscriber, reader)
        return Copy(data, self._sender)

    def _fillable(self, subscriber: Subscriber) -> bool:
        name, email = subscriber.name, subscriber.email
        return self._sender.isascii() and email.isascii() and "\r" not in name and "\n" not in name

    def _values(self, subscriber: Subscriber, reader: Reader | None) -> dict[str, str]:
        name = subscriber.name
        return {
            "name": name,
            "greeting": self.renderer.language.greeting(name, isolate),
            "unsubscribe_url": self.renderer.links.unsubscribe_link(subscriber.email, reader),
            "email": subscriber.email,
        }

    def _fields(self, subscriber: Subscriber, values: dict[str, str]) -> list[bytes]:
        email = subscriber.email
        msgid = message_id(self.record.id, email, self._list_name)
        unsubscribe = self.renderer.links.list_unsubscribe(email, values["unsubscribe_url"])
        return [
            _field("To", mailbox("To", subscriber.name, email)),
            _field("Message-ID", fold("Message-ID", [msgid])),
            _field("List-Unsubscribe", unsubscribe),
        ]

    def _cut(self, data: bytes, subscriber: Subscriber, reader: Reader | None) -> None:
        """Cut `data`, the message for `subscriber`, where readers differ; keep the cuts
        only if filling them in again for `subscriber` gives `data` back."""
        head, sep, body = data.partition(b"\r\n\r\n")
        found = _BOUNDARY.search(head)
        values = self._values(subscriber, reader)
        text, html_body = self._text.fill(values), self._html.fill(values)
        if not sep or found is None or body.count(text) != 1 or body.count(html_body) != 1:
            return
        boundary = found.group(1)
        fields: list[bytes | int] = []  # a field as it is, or which of the reader's it is
        for f in _FIELDS.split(head):
            name = f.split(b":", 1)[0]
            fields.append(_READER_FIELDS.index(name) if name in _READER_FIELDS else f)
        if sorted(f for f in fields if isinstance(f, int)) != list(range(len(_READER_FIELDS))):
            return
        before_text, _, rest = body.partition(text)
        between, _, after = rest.partition(html_body)
        pieces = [p.split(boundary) for p in (before_text, between, after)]
        self._parts = (fields, pieces[0], pieces[1], pieces[2])
        self._boundary = boundary
        again = self._fill(subscriber, reader, boundary)
        if again is None or again.data != data:
            self._parts = None

    def _fill(self, subscriber: Subscriber, reader: Reader | None, boundary: bytes) -> Copy | None:
        assert self._parts is not None
        if not self._fillable(subscriber):
            return None
        values = self._values(subscriber, reader)
        html_body = self._html.fill(values)
        if len(html_body) > self.renderer.cfg.digest.max_bytes:
            return None  # `message` moves posts to title links for this reader
        fields, before_text, between, after = self._parts
        own = self._fields(subscriber, values)
        head = b"\r\n".join(own[f] if isinstance(f, int) else f for f in fields)
        head = boundary.join(head.split(self._boundary))  # in Content-Type
        data = b"".join(
            [
                head,
                b"\r\n\r\n",
                boundary.join(before_text),
                self._text.fill(values),
                boundary.join(between),
                html_body,
                boundary.join(after),
            ]
        )
        return Copy(data, self._sender)


def _field(name: str, value: str) -> bytes:
    """Return a header field as the email package writes one set with `set_raw`."""
    return (name + ": " + "\r\n".join(value.splitlines())).encode("ascii")
