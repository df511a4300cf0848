"""Go's time layouts, as Hugo uses them.

In a Hugo permalink, a token Hugo 0.168 knows by no name (`:2006`, `:01`, `:Monday`,
`:Jan2006`) is a layout for the page's date, as Go's `time.Format` reads it
(resources/page/permalinks.go), when it is one (`go_layout`).

In a page's front matter, a date written as text is read by the layouts spf13/cast tries
in turn (`go_date`). Those with a zone's name and no offset from UTC (RFC 1123's
`Mon, 02 Jan 2006 15:04:05 MST`, RFC 822's, RFC 850's, Unix `date`'s) and ANSI C's, with
no zone at all, give the time on the clock in the site's time zone: cast puts it there
whatever the name says, `GMT` and `UTC` too (checked against Hugo 0.111 and 0.168).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
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


# The zone's name where a Go layout says `MST`, as Go's parseTimeZone takes it: three
# capitals, four or five ending in T (or WITA), ChST and MeST, GMT with an hour's offset,
# or an hour's offset alone (each ±23 at most, which `_zone_name_read` checks).
_GO_ZONE_NAME = r"(?P<zone>[A-Z]{3}T?|[A-Z]{4}T|WITA|ChST|MeST|(?:GMT)?[+-]\d+)"
_GO_WEEKDAY = r"(?i:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_GO_LONG_WEEKDAY = r"(?i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_GO_MONTH = r"(?P<month>(?i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))"
# `15:04` and `15:04:05`: the hour in one digit or two; a fraction of a second may follow
# the seconds.
_GO_HOURS = r"(?P<hour>\d{1,2}):(?P<minute>\d\d)"
_GO_SECONDS = _GO_HOURS + r":(?P<second>\d\d)(?:[.,](?P<fraction>\d+))?"
_GO_OFFSET = r"(?P<offset>[+-]\d{4})"


@lru_cache(maxsize=1)
def _go_layouts() -> tuple[re.Pattern[str], ...]:
    """Return cast's layouts that Python's readings of a date do not read as Hugo does, in
    cast's order; a space in a layout stands for one or more in the text, as in Go."""
    rfc1123 = rf"{_GO_WEEKDAY}, +(?P<day>\d\d) +{_GO_MONTH} +(?P<year>\d{{4}}) +{_GO_SECONDS} +"
    rfc822 = rf"(?P<day>\d\d) +{_GO_MONTH} +(?P<year>\d\d) +{_GO_HOURS} +"
    rfc850 = rf"{_GO_LONG_WEEKDAY}, +(?P<day>\d\d)-{_GO_MONTH}-(?P<year>\d\d) +{_GO_SECONDS} +"
    unix = rf"{_GO_WEEKDAY} +{_GO_MONTH} +(?P<day>\d{{1,2}}) +{_GO_SECONDS} +"
    ruby = rf"{_GO_WEEKDAY} +{_GO_MONTH} +(?P<day>\d\d) +{_GO_SECONDS} +"
    layouts = (
        rfc1123 + _GO_OFFSET,  # RFC 1123 with an offset, then with a zone's name
        rfc1123 + _GO_ZONE_NAME,
        rfc822 + _GO_OFFSET,  # RFC 822 likewise: no seconds, the year in two digits
        rfc822 + _GO_ZONE_NAME,
        rfc850 + _GO_ZONE_NAME,
        unix + r"(?P<year>\d{4})",  # ANSI C: no zone
        unix + _GO_ZONE_NAME + r" +(?P<year>\d{4})",  # Unix `date`
        ruby + _GO_OFFSET + r" +(?P<year>\d{4})",  # Ruby's
    )
    return tuple(re.compile(layout) for layout in layouts)


def _zone_name_read(name: str) -> bool:
    """Return True if Go reads `name` as a zone where a layout says `MST`."""
    if name[0] not in "+-" and not name.startswith("GMT"):
        return True
    hours = name.removeprefix("GMT")[1:]
    return not hours or (hours.isdigit() and int(hours) <= 23)


def go_date(text: str) -> datetime | None:
    """Return the date `text` gives by the first of cast's layouts (`_go_layouts`) that
    reads it whole, as Hugo reads a page's date: with its offset from UTC where it has one,
    else naive (the time on the clock, in the site's time zone); None when none reads it,
    or it names no real day or time."""
    for layout in _go_layouts():
        found = layout.fullmatch(text)
        if found is None:
            continue
        values = found.groupdict()
        if values.get("zone") is not None and not _zone_name_read(values["zone"]):
            continue
        year = int(values["year"])
        if len(values["year"]) == 2:  # Go's rule for a year in two digits
            year += 1900 if year >= 69 else 2000
        month = [m[:3].lower() for m in MONTHS].index(values["month"].lower()) + 1
        micro = int((values.get("fraction") or "0")[:6].ljust(6, "0"))
        zone = None
        if values.get("offset") is not None:
            offset = values["offset"]
            minutes = int(offset[1:3]) * 60 + int(offset[3:])
            zone = timezone(timedelta(minutes=-minutes if offset[0] == "-" else minutes))
        try:
            found_date = datetime(
                year,
                month,
                int(values["day"]),
                int(values["hour"]),
                int(values["minute"]),
                int(values.get("second") or 0),
                micro,
                tzinfo=zone,
            )
        except ValueError:  # 31 February, 25:00: Go reads no date there either
            return None
        name = values.get("zone") or ""
        if name.startswith("GMT") and len(name) > 3:
            # Go puts the clock's time at UTC, then shows it in a zone `GMT+3` hours
            # ahead: the clock cast takes to the site's zone is three hours later.
            found_date += timedelta(hours=int(name[3:]))
        return found_date
    return None
