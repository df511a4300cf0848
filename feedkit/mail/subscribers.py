"""subscribers.csv → the people a digest goes to; bad rows reported as file:line and skipped."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from feedkit.errors import FeedkitError, Problem
from feedkit.mail.wire import CONTROL

# An address and a name: an address has at most 254 characters, and a longer line is a
# pasted paragraph or a broken export, not a reader.
MAX_ROW = 1_000
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


class SubscribersError(FeedkitError):
    """The subscriber list cannot be read at all."""


class AddressError(ValueError):
    """Not an address mail can be sent to; the message says why."""


@dataclass(frozen=True)
class Subscriber:
    email: str  # as mail is sent to it (see `mail_address`), for the envelope and To header
    name: str

    @property
    def key(self) -> str:
        """The address as state stores it: addresses differ only by case are one reader."""
        return self.email.lower()


def mail_address(address: str) -> str:
    """Return `address` in the form mail is sent to, or raise AddressError saying why not.

    Checked by email-validator for syntax only (no DNS): internationalised addresses are
    valid (RFC 6531). A domain is sent lower-cased, and in its ASCII (IDNA) form when the
    local part is ASCII, so `user@exämple.de` needs no SMTPUTF8; `chloé@example.fr` does.
    """
    # Here: its import compiles its patterns (20 ms), which a run whose rows are all known
    # on the reader list does not need (see `parse_subscribers`).
    from email_validator import EmailNotValidError, validate_email

    if "\ufffd" in address:  # email-validator takes it: no mailbox has it
        raise AddressError(
            "it has U+FFFD, which stands for a byte that was not UTF-8 (a form on a page in "
            "another encoding, a file saved in one)"
        )
    try:
        valid = validate_email(address, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        reason = str(exc).rstrip(".")
        raise AddressError(reason[:1].lower() + reason[1:]) from exc
    return valid.ascii_email or valid.normalized


def address_problem(address: str) -> str | None:
    """Return why mail cannot be sent to `address`, or None if it can."""
    try:
        mail_address(address)
    except AddressError as exc:
        return str(exc)
    return None


def valid_address(address: str) -> bool:
    return address_problem(address) is None


_ADDRESS_HEADINGS = ("email", "e-mail", "address")
COLUMNS = ("email", "name")
# What `feedkit subscribers export` writes; read as such when a file's header says so, so
# an export imports on another site.
EXPORT_COLUMNS = ("email", "name", "status", "since", "source")
# A cell that begins with one of these is a formula to a spreadsheet (CSV injection): an
# export writes it with a single quote before it, as OWASP advises, and a cell that begins
# with a quote gets one more, so that reading an export takes exactly one off again.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def spreadsheet_cell(value: str) -> str:
    """Return `value` as an export writes it: never a formula when a spreadsheet opens it."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _exported_value(cell: str) -> str:
    """Return what `spreadsheet_cell` was given for `cell`."""
    quoted = cell.startswith("'") and cell[1:].startswith(_FORMULA_STARTS)
    return cell[1:] if quoted else cell


# Spreadsheets in many languages save "CSV" with semicolons, and some export tabs: a file's
# header row says which it uses.
_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}


@dataclass(frozen=True)
class _Layout:
    """How a file's rows are written: their columns, and the character between them."""

    columns: tuple[str, ...] = COLUMNS
    delimiter: str = ","


def _cells(line: str, delimiter: str = ",") -> list[str] | None:
    """Return the cells of one line, or None when a quote opened in it is never closed."""
    # Read with a line after it: a quote opened in `line` and never closed swallows it.
    rows = list(csv.reader([line + "\n", "next\n"], delimiter=delimiter))
    return [c.strip() for c in rows[0]] if len(rows) == 2 else None


def _header(line: str) -> _Layout | None:
    """Return the layout a header row gives (email,name, or an export's), else None."""
    for delimiter in _DELIMITERS:
        named = tuple(c.lower() for c in _cells(line, delimiter) or [])
        if named and named[0] in _ADDRESS_HEADINGS:
            columns = EXPORT_COLUMNS if named[1:] == EXPORT_COLUMNS[1:] else COLUMNS
            return _Layout(columns, delimiter)
    return None


def _row(line: str, known: Collection[str], layout: _Layout) -> tuple[str, str] | str | None:
    """Return `(email, name)` from one line, why it is not a subscriber row, or None for a
    line that holds no subscriber (blank, a comment)."""
    columns, delimiter = layout.columns, layout.delimiter
    cells = _cells(line, delimiter)
    if cells is None:
        return "a quote opened in this line is never closed (every row is one line)"
    if not any(cells) or cells[0].startswith("#"):
        return None
    if columns == EXPORT_COLUMNS:
        cells = [_exported_value(c) for c in cells]
    email, name, *extra = cells + [""] * (len(columns) - len(cells))
    if len(cells) > len(columns) and any(cells[len(columns) :]):
        return (
            f"expected {delimiter.join(columns)!r}, got {len(cells)} columns; quote names "
            f"that contain {_DELIMITERS[delimiter]}"
        )
    status = dict(zip(columns[2:], extra, strict=False)).get("status", "active")
    if status.lower() != "active":  # who left, or never confirmed, is not made a reader here
        status = status or "without a status"
        return f"{email} is {status} in this file: only active readers are imported"
    control = CONTROL.search(name)
    if control:
        return f"the name contains the control character U+{ord(control.group()):04X}"
    try:
        email = email if email in known else mail_address(email)
    except AddressError as exc:
        other = next((d for d in _DELIMITERS if d != delimiter and d in email), None)
        hint = (
            f"; separate the address and the name with a comma, or begin the file with the "
            f"header row {other.join(COLUMNS)!r}"
            if other is not None
            else ""
        )
        return f"{cells[0]!r} is not an email address: {exc}{hint}"
    return email, " ".join(name.split())


class RepeatedRow(Problem):
    """A row read, and skipped: an earlier row has its address. Unlike a row that cannot be
    read, it hides nobody (roster.file_changes)."""


def parse_subscribers(
    data: bytes, shown: str, known: Collection[str] = ()
) -> tuple[list[Subscriber], list[Problem]]:
    """Return the valid subscribers in a CSV file's bytes and a problem for each row skipped.

    Each line is one row, read on its own: a broken line (not UTF-8, an unclosed quote, too
    long) costs that row only, never the rows after it. UTF-16 with a byte order mark is
    read too. A header row (first line) may name an export's columns, or use semicolons or
    tabs instead of commas. An address in `known` (as `mail_address` gave it: the reader
    list's) is taken as it is: checked again, it would come back unchanged.
    """
    subscribers: list[Subscriber] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # A spreadsheet's "Unicode text" (Excel's): UTF-16 with its byte order mark.
        data = data.decode("utf-16", "replace").encode("utf-8")
    lines = _LINE_BREAK.split(data.removeprefix(codecs.BOM_UTF8))
    layout = _Layout()
    for number, raw in enumerate(lines, start=1):
        line = _line(raw)
        if isinstance(line, str):
            header = _header(line) if number == 1 else None
            if header is not None:
                layout = header
                continue
            row = _row(line, known, layout)
        else:
            row = line.problem
        if row is None:
            continue
        if isinstance(row, str):
            problems.append(Problem(shown, number, f"{row}; skipped", warning=True))
            continue
        email, name = row
        key = email.lower()
        if key in seen:
            message = f"{email} is already listed on line {seen[key]}; skipped"
            problems.append(RepeatedRow(shown, number, message, warning=True))
            continue
        seen[key] = number
        subscribers.append(Subscriber(email, name))
    return subscribers, problems


@dataclass(frozen=True)
class _Unreadable:
    problem: str


def _line(raw: bytes) -> str | _Unreadable:
    """Return one line's text, or why it cannot be a subscriber row."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
        why = f"byte 0x{raw[exc.start]:02X} in column {column} is not UTF-8; save the file as UTF-8"
        return _Unreadable(why)
    if len(line) > MAX_ROW:
        return _Unreadable(
            f"the line is {len(line):,} characters long, more than a subscriber row can be "
            f"({MAX_ROW:,})"
        )
    return line


def load_subscribers(
    path: Path, shown: str, known: Collection[str] = ()
) -> tuple[list[Subscriber], list[Problem]]:
    """Return the subscribers in `path` (UTF-8 CSV, `email,name`) and the rows skipped
    (`known`: see `parse_subscribers`)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SubscribersError(
            f"{shown}: not found; create it with one 'email,name' line per subscriber, "
            "or set digest.subscribers in feedkit.toml"
        ) from exc
    except OSError as exc:
        raise SubscribersError(f"{shown}: cannot be read: {exc.strerror}") from exc
    return parse_subscribers(data, shown, known)
