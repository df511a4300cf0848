"""Go's time layouts in a Hugo permalink: a token Hugo 0.168 knows by no name (`:2006`,
`:01`, `:Monday`, `:Jan2006`) is a layout for the page's date, as Go's `time.Format`
reads it (resources/page/permalinks.go), when it is one (`go_layout`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from feedkit.posts.hugourls import MONTHS, WEEKDAYS

# Hugo's reference: a layout that formats this date as written is no layout (`:PM`).
_REFERENCE = datetime(2019, 11, 9, 23, 1, 42, tzinfo=UTC)
_REFERENCE_NANOS = 1

Part = Callable[[datetime, int], str]  # (the date, its nanoseconds) → text


def _offset(date: datetime, z: bool, colon: bool, hours_only: bool, seconds: bool) -> str:
    delta = date.utcoffset()
    total = int(delta.total_seconds()) if delta is not None else 0
    if z and total == 0:
        return "Z"
    sign = "-" if total < 0 else "+"
    total = abs(total)
    hours, minutes, secs = total // 3600, total // 60 % 60, total % 60
    sep = ":" if colon else ""
    if hours_only:
        return f"{sign}{hours:02d}"
    return f"{sign}{hours:02d}{sep}{minutes:02d}" + (f"{sep}{secs:02d}" if seconds else "")


def _zone_name(date: datetime) -> str:
    """Return Go's `MST`: the zone's abbreviation, UTC, else the offset as -0700."""
    if isinstance(date.tzinfo, ZoneInfo):
        return date.tzname() or "UTC"
    if not date.utcoffset():
        return "UTC"
    return _offset(date, False, False, False, False)


def _hour12(date: datetime, pad: bool) -> str:
    hour = date.hour % 12 or 12
    return f"{hour:02d}" if pad else str(hour)


# Go's layout elements made of the characters a permalink token may hold, longest first
# where one starts another (time/format.go, nextStdChunk).
_ELEMENTS: tuple[tuple[str, Part], ...] = (
    ("January", lambda d, n: MONTHS[d.month - 1]),
    ("Jan", lambda d, n: MONTHS[d.month - 1][:3]),
    ("Monday", lambda d, n: WEEKDAYS[d.isoweekday() % 7]),
    ("Mon", lambda d, n: WEEKDAYS[d.isoweekday() % 7][:3]),
    ("MST", lambda d, n: _zone_name(d)),
    ("2006", lambda d, n: f"{d.year:04d}"),
    ("002", lambda d, n: f"{d.timetuple().tm_yday:03d}"),
    ("01", lambda d, n: f"{d.month:02d}"),
    ("02", lambda d, n: f"{d.day:02d}"),
    ("03", lambda d, n: _hour12(d, True)),
    ("04", lambda d, n: f"{d.minute:02d}"),
    ("05", lambda d, n: f"{d.second:02d}"),
    ("06", lambda d, n: f"{d.year % 100:02d}"),
    ("15", lambda d, n: f"{d.hour:02d}"),
    ("1", lambda d, n: str(d.month)),
    ("2", lambda d, n: str(d.day)),
    ("__2", lambda d, n: f"{d.timetuple().tm_yday:>3d}"),
    ("_2", lambda d, n: f"{d.day:>2d}"),
    ("3", lambda d, n: _hour12(d, False)),
    ("4", lambda d, n: str(d.minute)),
    ("5", lambda d, n: str(d.second)),
    ("PM", lambda d, n: "PM" if d.hour >= 12 else "AM"),
    ("pm", lambda d, n: "pm" if d.hour >= 12 else "am"),
    ("Z070000", lambda d, n: _offset(d, True, False, False, True)),
    ("Z07:00:00", lambda d, n: _offset(d, True, True, False, True)),
    ("Z0700", lambda d, n: _offset(d, True, False, False, False)),
    ("Z07:00", lambda d, n: _offset(d, True, True, False, False)),
    ("Z07", lambda d, n: _offset(d, True, False, True, False)),
    ("-070000", lambda d, n: _offset(d, False, False, False, True)),
    ("-07:00:00", lambda d, n: _offset(d, False, True, False, True)),
    ("-0700", lambda d, n: _offset(d, False, False, False, False)),
    ("-07:00", lambda d, n: _offset(d, False, True, False, False)),
    ("-07", lambda d, n: _offset(d, False, False, True, False)),
)
_FRACTION = re.compile(r"[.,](0+|9+)(?![0-9])")


def _fraction(separator: str, digits: str) -> Part:
    def part(date: datetime, nanos: int) -> str:
        shown = f"{nanos:09d}"[: len(digits)]
        if digits[0] == "9":
            shown = shown.rstrip("0")
            return separator + shown if shown else ""
        return separator + shown

    return part


def _literal(text: str) -> Part:
    return lambda date, nanos: text


def _parts(layout: str) -> list[Part]:
    parts: list[Part] = []
    literal, at = "", 0
    while at < len(layout):
        found = None
        if layout.startswith("_2006", at):  # Go: a literal `_`, then the year
            found = None
        else:
            for name, part in _ELEMENTS:
                if layout.startswith(name, at):
                    found = (name, part)
                    break
        fraction = _FRACTION.match(layout, at) if layout[at] in ".," else None
        if fraction is not None:
            found = (fraction[0], _fraction(fraction[0][0], fraction[1]))
        if found is None:
            literal += layout[at]
            at += 1
            continue
        if literal:
            parts.append(_literal(literal))
            literal = ""
        parts.append(found[1])
        at += len(found[0])
    if literal:
        parts.append(_literal(literal))
    return parts


def go_layout(token: str) -> Callable[[datetime], str] | None:
    """Return what formats a date by the Go time layout `token` (without its `:`), as
    Hugo does; None when it is no layout: Hugo's reference date comes out as written."""
    parts = _parts(token)
    if "".join(p(_REFERENCE, _REFERENCE_NANOS) for p in parts) == token:
        return None
    return lambda date: "".join(p(date, date.microsecond * 1000) for p in parts)
