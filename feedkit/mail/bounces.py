"""Returned mail: what each bounce, feedback report or unsubscribe email says, for which reader.

Read from a Maildir, an mbox file or one .eml file. Delivery status notifications (RFC 3464
multipart/report; report-type=delivery-status) are read by their per-recipient fields;
the plain-text bounces of older servers (qmail, Exim, Exchange without a report part) by
the SMTP code in their text. Feedback reports (RFC 5965 ARF) are complaints. A mail whose
subject or first line is "unsubscribe" unsubscribes its From address. Everything else is
"not understood", with the reason: returned mail is whatever strangers send, so nothing in
it may crash the run.

The reader is named by the VERP tag the mail came back to (see feedkit/mail/verp.py):
unforgeable, and right even when the reader's mail is forwarded to an address not on the
list. Without a tag, by the address the report names.
"""

from __future__ import annotations

import base64
import mailbox
import quopri
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.parser import HeaderParser
from email.utils import getaddresses, parseaddr
from functools import partial
from pathlib import Path
from typing import Any

from feedkit.errors import FeedkitError
from feedkit.mail.verp import find_tag

MAX_MESSAGE = 4 * 1024 * 1024  # bounces and reports are small; a digest is under 100 KB
KINDS = ("hard", "soft", "complaint", "unsubscribe", "ignored", "not understood")
KIND_NAMES = {
    "hard": "hard bounce",
    "soft": "soft bounce",
    "complaint": "complaint",
    "unsubscribe": "unsubscribe",
    "ignored": "ignored",
    "not understood": "not understood",
}
# 5.x.x codes that are soft by common practice, and why: the address is good.
SOFT_PERMANENT = {
    # RFC 3463: X.2.2 "should be used as a persistent transient failure" (the reader can
    # delete mail), X.3.1 is "useful only as a persistent transient error".
    "2.2": "mailbox full",
    "3.1": "mail system full",
    # About this message (its size), not the address.
    "2.3": "message too large for the mailbox",
    "3.4": "message too big for the system",
    # The server gave up retrying a transient failure.
    "4.7": "delivery time expired",
}
# X.7.x (security or policy: spam filters, DMARC, blocklists, rate limits) are soft too:
# they refuse the sender or the message, and say nothing about whether the address exists.
_ENHANCED = re.compile(r"(?<![\w.])([245])\.(\d{1,3})\.(\d{1,3})(?![\w.])")
# A reply code, or one that begins a line with a colon after it (Yahoo's and AOL's
# "554: delivery error: dd ..."); elsewhere "host:465:" is a port.
_REPLY = re.compile(r"(?<![\w.])#?([45]\d\d)(?=[\s-])|^[ \t]*([45]\d\d)(?=:)", re.MULTILINE)
_RECIPIENT_LINE = re.compile(r"^<([^<>\s@]+@[^<>\s]+)>:", re.MULTILINE)  # qmail, Postfix
# What mail programs send to a List-Unsubscribe mailto (its ?subject=unsubscribe), and what
# people write: the whole subject or first line, so "Unsubscribe? Never!" is not one.
_UNSUBSCRIBE = re.compile(
    r"\s*(?:(?:re|fwd?|aw|wg|sv|tr)\s*:\s*)*(?:please\s+)?unsubscribe(?:\s+me)?"
    r"(?:\s+please)?[\s.!]*",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery status notification|failure notice|mail delivery failed|"
    r"returned mail|delivery failure|could not be delivered|delivery has failed",
    re.IGNORECASE,
)
_MAIL_SYSTEM = ("mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster")
# Where a plain-text bounce's copy of the returned message starts: codes after it are ours.
_COPY_STARTS = re.compile(
    r"^(?:-+ ?Below this line is a copy of the message|-+ This is a copy of the message|"
    r"Original message headers:|-+ Original message -+).*$",
    re.MULTILINE | re.IGNORECASE,
)
_DELIVERY_FIELDS = ("To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")
NO_COMPLAINT = ("not-spam", "auth-failure")  # feedback that takes nobody off the list
# RFC 6533: a report on mail sent as SMTPUTF8 (to an internationalised address) is the
# "global" kind, its fields in UTF-8.
STATUS_PARTS = ("message/delivery-status", "message/global-delivery-status")
_STATUS_REPORTS = ("delivery-status", "global-delivery-status")
_UNICODE_CHAR = re.compile(r"\\x\{([0-9A-Fa-f]{1,6})\}")  # RFC 6533's utf-8-addr-xtext


@dataclass(frozen=True)
class Finding:
    """What one returned mail says about one reader."""

    kind: str  # one of KINDS
    address: str = ""  # the reader's address as the mail names it
    tag: str = ""  # the VERP tag it came back to
    status: str = ""  # enhanced status code (5.1.1), SMTP reply code (550) or feedback type
    detail: str = ""  # the server's words, or why the mail was not understood
    original: str = ""  # the Message-ID of the digest it is about, when it says


@dataclass(frozen=True)
class Returned:
    """One message of the mailbox: its bytes, or why they could not be read."""

    label: str  # the Maildir key, "#N" in an mbox, or the .eml file's name
    raw: bytes | None
    problem: str = ""


def severity(code: str) -> str:
    """Return "hard" or "soft" for a refusal's enhanced status code or SMTP reply code."""
    match = _ENHANCED.search(code)
    if match is None:
        return "hard" if code.strip().startswith("5") else "soft"
    klass, subject, detail = match.groups()
    if klass != "5" or subject == "7" or f"{subject}.{detail}" in SOFT_PERMANENT:
        return "soft"
    return "hard"


def reply_status(text: str) -> str:
    """Return the most precise status in a server's reply text: 5.1.1, else 550, else ""."""
    enhanced = _ENHANCED.search(text)
    if enhanced is not None and enhanced.group(1) != "2":
        return enhanced.group(0)
    reply = _REPLY.search(text)
    return (reply.group(1) or reply.group(2)) if reply is not None else ""


# -- reading a mailbox -----------------------------------------------------------------------


def read_mail(path: Path, limit: int = MAX_MESSAGE) -> Iterator[Returned]:
    """Return the messages of a Maildir, an mbox file or one .eml file, in a stable order,
    each read when its turn comes; raise FeedkitError at once if PATH is no mailbox."""
    try:
        if path.is_dir():
            if not ((path / "cur").is_dir() or (path / "new").is_dir()):
                raise FeedkitError(f"{path}: not a Maildir (it has no cur/ or new/ folder)")
            folder = mailbox.Maildir(path, factory=None, create=False)
            keys = sorted(folder.keys())
            return (_read(key, partial(folder.get_file, key), limit) for key in keys)
        with path.open("rb") as file:
            start = file.read(5)
        if start == b"From ":
            box = mailbox.mbox(path, factory=None, create=False)
            found = enumerate(box.keys(), 1)
            return (_read(f"#{n}", partial(box.get_file, key), limit) for n, key in found)
    except OSError as exc:
        raise FeedkitError(f"{path}: cannot read it: {exc.strerror or exc}") from exc
    return iter([_read(path.name, partial(path.open, "rb"), limit)])


def _read(label: str, opener: Callable[[], Any], limit: int) -> Returned:
    """Return the message `opener` opens (a file object), at most `limit` bytes of it."""
    try:
        with opener() as file:
            raw = file.read(limit + 1)
    except (OSError, KeyError) as exc:  # gone meanwhile: moved by a mail client
        return Returned(label, None, f"cannot be read: {exc}")
    if len(raw) > limit:
        return Returned(label, None, f"over {limit // 1024 // 1024} MiB: not a bounce or report")
    return Returned(label, bytes(raw))


# -- what a message says ---------------------------------------------------------------------


def classify(raw: bytes, bounce_address: str | None = None) -> list[Finding]:
    """Return what a returned mail says, one finding per reader it names; never raises."""
    try:
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return _classify(msg, bounce_address)
    except Exception as exc:  # a stranger's bytes: any parser failure means "not understood"
        return [Finding("not understood", detail=f"cannot be read as mail ({exc!r:.80})")]


def _classify(msg: EmailMessage, bounce_address: str | None) -> list[Finding]:
    ctype = msg.get_content_type()
    report_type = str(msg.get_param("report-type", "")).lower()
    original = _returned_headers(msg)
    tag = _tag(msg, original, bounce_address)
    original_id = str(original.get("Message-ID", "")).strip() if original is not None else ""
    if ctype == "multipart/report" and report_type in _STATUS_REPORTS:
        if _status_part(msg) is not None or not _from_mail_system(msg):
            return _delivery_status(msg, tag, original_id)
    if ctype == "multipart/report" and report_type == "feedback-report":
        return [_feedback(msg, original, tag, original_id)]
    if _from_mail_system(msg):
        return [_plain_bounce(msg, tag, original_id)]
    subject = str(msg.get("Subject", ""))
    asked = "subject" if _UNSUBSCRIBE.fullmatch(subject) else ""
    if asked or _UNSUBSCRIBE.fullmatch(_first_line(_text(msg)) or "-"):
        address = parseaddr(str(msg.get("From", "")))[1]
        said = f"subject {' '.join(subject.split())[:60]!r}" if asked else "its first line"
        return [Finding("unsubscribe", address, detail=f"asked by {said}")]
    if str(msg.get("Auto-Submitted", "no")).strip().lower() != "no" or "X-Autoreply" in msg:
        return [Finding("ignored", detail=f"an automatic reply: {subject[:60]}")]
    return [Finding("not understood", detail="not a bounce, a feedback report or an unsubscribe")]


def _delivery_status(msg: EmailMessage, tag: str, original: str) -> list[Finding]:
    part = _status_part(msg)
    if part is None:
        return [Finding("not understood", detail="a delivery report without its status part")]
    findings = []
    for block in _status_blocks(part):
        recipient = block.get("Original-Recipient") or block.get("Final-Recipient")
        action = str(block.get("Action", "")).strip().lower()
        if recipient is None or not action:
            continue  # the block about the message, not a recipient
        address = _recipient_address(str(recipient))
        diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
        diagnostic = diagnostic.partition(";")[2].strip() or diagnostic
        status = reply_status(str(block.get("Status", "")))
        if status in ("", "4.0.0", "5.0.0"):  # undefined: the server's reply may say more
            status = reply_status(diagnostic) or status
        detail = diagnostic or f"{action} {status}".strip()
        if action == "delayed":
            findings.append(Finding("soft", address, tag, status, detail, original))
        elif action == "failed":
            kind = severity(status) if status else "hard"
            findings.append(Finding(kind, address, tag, status, detail, original))
        else:  # delivered, relayed, expanded: a success notice
            findings.append(Finding("ignored", address, tag, status, f"report: {action}"))
    if not findings:
        return [Finding("not understood", tag=tag, detail="a delivery report naming no recipient")]
    return findings


def _feedback(msg: EmailMessage, original: Message | None, tag: str, original_id: str) -> Finding:
    payload = _blocks(_part(msg, "message/feedback-report"))
    if not payload:
        return Finding("not understood", tag=tag, detail="a feedback report without its report")
    fields = payload[0]
    kind = " ".join(str(fields.get("Feedback-Type", "abuse")).split()).lower() or "abuse"
    named = fields.get("Original-Rcpt-To") or (original.get("To") if original else None)
    address = parseaddr(str(named or ""))[1]
    agent = " ".join(str(fields.get("User-Agent", "") or msg.get("From", "")).split())
    if kind in NO_COMPLAINT:
        return Finding("ignored", address, tag, kind, f"feedback report ({kind}) from {agent}")
    return Finding("complaint", address, tag, kind, f"feedback report from {agent}", original_id)


def _plain_bounce(msg: EmailMessage, tag: str, original: str) -> Finding:
    text = _text(msg)
    found = _COPY_STARTS.search(text)
    returned_to: list[str] = []
    if found:  # the returned message's headers, in the text: which digest it was
        copy = HeaderParser(policy=policy.default).parsestr(text[found.end() :].lstrip())
        original = original or " ".join(str(copy.get("Message-ID", "")).split())
        returned_to = [a for _, a in getaddresses([str(v) for v in copy.get_all("To") or []])]
        text = text[: found.start()]
    failed = getaddresses([str(v) for v in msg.get_all("X-Failed-Recipients") or []])
    addresses = [a for _, a in failed if a] + _RECIPIENT_LINE.findall(text)
    if not addresses and len(returned_to) == 1:  # a digest goes to its reader alone
        addresses = returned_to
    address = addresses[0] if addresses else ""
    status = reply_status(text)
    line = next((ln for ln in text.splitlines() if status and status in ln), "")
    detail = " ".join(line.split())[:200] or "a bounce without a status code"
    if status:
        kind = severity(status)
    elif "permanent error" in text.lower():  # qmail's words
        kind = "hard"
    elif "temporary" in text.lower() or "delayed" in text.lower():
        kind = "soft"
    else:
        return Finding("not understood", address, tag, detail="a bounce without an SMTP status")
    if not (tag or address):
        return Finding("not understood", detail=f"a bounce naming no reader: {detail}")
    return Finding(kind, address, tag, status, detail, original)


# -- parts of a message ----------------------------------------------------------------------


def _part(msg: Message, ctype: str) -> Message | None:
    return next((p for p in msg.walk() if p.get_content_type() == ctype), None)


def _status_part(msg: Message) -> Message | None:
    return next((p for p in msg.walk() if p.get_content_type() in STATUS_PARTS), None)


def _status_blocks(part: Message | None) -> list[Message]:
    """Return the field blocks of a delivery-status part: about the message, then one per
    recipient."""
    if part is None:
        return []
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if part.get_content_type() == "message/delivery-status" and encoding != "base64":
        return _blocks(part)  # its blocks, a quoted-printable one's text as good as plain
    # The email package reads the global kind as one message (the first block's fields,
    # the rest its body), and leaves a base64 or quoted-printable one encoded; and a plain
    # one that a server sent in base64 (RFC 3464 wants it unencoded) as one block of that
    # base64 text: read their text.
    inner = _blocks(part)
    if not inner:
        return []
    data = inner[0].as_bytes(policy=policy.default.clone(utf8=True, max_line_length=0))
    if encoding == "base64":
        data = base64.b64decode(data)
    elif encoding == "quoted-printable":
        data = quopri.decodestring(data)
    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    parser = HeaderParser(policy=policy.default)
    return [parser.parsestr(block.strip("\n") + "\n") for block in re.split(r"\n[ \t]*\n", text)]


def _recipient_address(field: str) -> str:
    """Return the address of a report's `Final-Recipient` or `Original-Recipient` field
    (`rfc822; ann@example.com`, `utf-8; chloé@exämple.fr`)."""
    kind, _, address = field.rpartition(";")
    address = address.strip().strip("<>")
    if kind.strip().lower() == "utf-8":
        address = _UNICODE_CHAR.sub(_unicode_char, address)
    return address


def _unicode_char(match: re.Match[str]) -> str:
    point = int(match.group(1), 16)
    return chr(point) if point <= 0x10FFFF else match.group()


def _blocks(part: Message | None) -> list[Message]:
    """Return the header blocks of a message/* part (one per recipient in a DSN)."""
    payload = part.get_payload() if part is not None else None
    return [b for b in payload if isinstance(b, Message)] if isinstance(payload, list) else []


def _returned_headers(msg: Message) -> Message | None:
    """Return the headers of the message a report returns (the digest), if it has them."""
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/global", "message/global-headers"):
            payload = _blocks(part)
            if payload:
                return payload[0]
        elif ctype == "text/rfc822-headers":
            return HeaderParser(policy=policy.default).parsestr(_text(part))
    return None


def _tag(msg: Message, original: Message | None, bounce_address: str | None) -> str:
    """Return the VERP tag the mail came back to: in the addresses it was delivered to, or
    the Return-Path of the message it returns."""
    if not bounce_address:
        return ""
    fields = [str(v) for name in _DELIVERY_FIELDS for v in msg.get_all(name) or []]
    if original is not None:
        fields += [str(v) for v in original.get_all("Return-Path") or []]
    blocks = _status_blocks(_status_part(msg))
    if blocks:  # Postfix names the envelope sender here
        fields.append(str(blocks[0].get("X-Postfix-Sender", "")).rpartition(";")[2])
    reports = _blocks(_part(msg, "message/feedback-report"))
    if reports:
        fields.append(str(reports[0].get("Original-Mail-From", "")))
    return find_tag(bounce_address, fields) or ""


def _from_mail_system(msg: Message) -> bool:
    sender = parseaddr(str(msg.get("From", "")))[1].lower().partition("@")[0]
    if sender in _MAIL_SYSTEM or sender.startswith("microsoftexchange"):
        return True
    return str(msg.get("Return-Path", "")).strip() == "<>" and bool(
        _BOUNCE_SUBJECT.search(str(msg.get("Subject", "")))
    )


def _text(part: Message) -> str:
    """Return the text of a message's (or part's) plain-text body, whatever its charset says."""
    if isinstance(part, EmailMessage) and part.is_multipart():
        body = part.get_body(("plain",))
        if body is None:
            return ""
        part = body
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, KeyError, AttributeError):  # an unknown charset
        pass
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")
