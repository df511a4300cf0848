"""Front matter values → what a Post holds: dates, text, lists of names, authors.

Each reader raises ValueError saying what is wrong with the value; the post builder
(`postmeta`) reports it at the line of the value's key.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from feedkit.models import Author, feed_email

# Go's time.String form, which Hugo reads: an offset, then the zone's name ('-0800 PST').
_ZONE_NAME_AFTER_OFFSET = re.compile(r"(\s[+-]\d{2}:?\d{2})\s+[A-Z]{2,5}$")
_OFFSET_WITH_SPACE = re.compile(r"\s+(Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
# A date and time with its year written again before the offset ('2023-01-29 18:30:22 2023
# -0800', as `date` prints it): Ruby, and so Jekyll, reads it; group 2 is the repeated year.
_YEAR_AGAIN = re.compile(r"^((\d{4})-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d)?) \2(?= )")


class ImpossibleValue(str):
    """A front matter value written in a typed form that names nothing real (the date
    2023-02-30, the hour 25, `0x_`): kept as its text, with why it could not be read, so the
    post reports it at its key's line and any other value still comes through."""

    reason: str

    def __new__(cls, text: str, reason: str) -> ImpossibleValue:
        value = super().__new__(cls, text)
        value.reason = reason
        return value

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (ImpossibleValue, (str(self), self.reason))


class _Written(reprlib.Repr):
    """Python's repr, but a date, time, true, false or null as front matter writes it
    (`[2024-01-01]`, not `[datetime.date(2024, 1, 1)]`: a writer knows no Python)."""

    def repr_date(self, value: date, level: int) -> str:
        return value.isoformat()

    def repr_datetime(self, value: datetime, level: int) -> str:
        return value.isoformat(" ")

    def repr_time(self, value: time, level: int) -> str:
        return value.isoformat()

    def repr_bool(self, value: bool, level: int) -> str:
        return "true" if value else "false"

    def repr_NoneType(self, value: None, level: int) -> str:  # noqa: N802 (reprlib's name)
        return "null"


# Values shown in messages: front matter may hold a list that holds itself, or a billion
# items through aliases; a message shows the start of it.
_SHORT = _Written()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict = 1, 4, 4
_SHORT.maxstring = _SHORT.maxother = 60


def short_repr(value: Any) -> str:
    """Return `value` as a message shows it: its repr (a date as written), cut short when
    long or deep."""
    return _SHORT.repr(value)


def _kind(value: Any) -> str:
    """Return what a front matter value is, in a writer's words."""
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "empty"
    return f"a {type(value).__name__}"


def parse_date(
    value: Any,
    tz: ZoneInfo,
    loose: bool = False,
    zones: Mapping[str, int] | None = None,
    hugo: bool = False,
) -> datetime:
    """Return an aware datetime for a front matter date; naive values are in `tz`. With
    `loose`, a text in any form dateutil reads whole (year, month and day) is one too, a
    zone abbreviation in it read by `zones` (seconds east of UTC: `jekyll_zones()`), else
    left out (the date is in `tz`, as Pelican's dateutil reads it). With `hugo`, a text in
    one of the forms Hugo reads with a zone's name (`Mon, 02 Jan 2006 15:04:05 PST`) is the
    time on the clock in `tz`, as Hugo reads it (feedkit.posts.hugotime `go_date`), and a
    number is seconds since 1970."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time(0, 0))
    elif isinstance(value, str) and value.strip():
        why = value.reason if isinstance(value, ImpossibleValue) else None
        parsed = _parse_date_string(value.strip(), why, loose, zones, hugo)
    elif hugo and isinstance(value, int | float) and not isinstance(value, bool):
        # Seconds since 1970 (`date: 1714550400`): Hugo's cast reads a number so.
        try:
            parsed = datetime.fromtimestamp(int(value), tz)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"{value} seconds since 1970 is out of range") from exc
    else:
        raise ValueError(
            f"cannot read {short_repr(value)} ({_kind(value)}) as a date; write one date, "
            "as 2024-05-01, 2024-05-01 10:00 or 2024-05-01T10:00:00+02:00"
        )
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=tz)
    if 1000 < parsed.year < 9999:  # in range in every zone: the checks below cannot fail
        return parsed
    written = value.strip() if isinstance(value, str) else parsed.isoformat()
    # From 1000 (a history blog's 1969 post, Jekyll's 1111-11-11 pinned note), not year 1:
    # Hugo's and Go's zero time, 0001-01-01, is no date but its absence.
    if not 1000 <= parsed.year <= 9999:
        raise ValueError(f"{short_repr(written)} is out of range: feedkit reads years 1000 to 9999")
    for zone, name in ((UTC, "UTC"), (tz, f"the site's time zone, {tz}")):
        try:
            parsed.astimezone(zone)
        except OverflowError as exc:
            raise ValueError(
                f"{short_repr(written)} is out of range: it falls after the year 9999 in {name}"
            ) from exc
    return parsed


# An RFC 2822 date: `Wed, 01 May 2024 10:00:00 -0500` (its weekday, seconds and zone optional).
_RFC_2822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s+(?:[+-]\d{4}|[A-Za-z]{1,5}))?\s*\Z"
)


def _parse_date_string(
    text: str,
    why: str | None = None,
    loose: bool = False,
    zones: Mapping[str, int] | None = None,
    hugo: bool = False,
) -> datetime:
    """Return the datetime `text` writes; `why` says what YAML found impossible in it;
    `loose`, `zones` and `hugo`: see `parse_date`."""
    candidate = _YEAR_AGAIN.sub(r"\1", text)
    candidate = _ZONE_NAME_AFTER_OFFSET.sub(r"\1", candidate)
    candidate = _OFFSET_WITH_SPACE.sub(lambda m: _offset(m.group(1)), candidate)
    candidate = candidate.replace("/", "-")
    impossible = None  # the right form, but no such date (2023-02-30) or time (25:00)
    try:
        return datetime.fromisoformat(candidate)
    except ValueError as exc:
        if not str(exc).startswith("Invalid isoformat string"):
            impossible = str(exc)
    if hugo:
        from feedkit.posts.hugotime import go_date  # rare: dates in Go's other layouts

        if (found := go_date(text)) is not None:
            return found
    try:
        from email.utils import parsedate_to_datetime  # rare: RFC 2822 dates

        if _RFC_2822.match(text):  # it reads more, wrongly: `August 18, 2018 2:05 PM` at 02:05
            return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        return datetime.strptime(text, "%d %b %Y")  # '02 Jan 2006': Hugo reads it too
    except ValueError:
        pass
    if impossible is None and why is not None and re.match(r"\d{4}-", text):
        impossible = why  # a form YAML reads as a date, fromisoformat does not
    if impossible is not None:
        if impossible.startswith("offset must be"):
            impossible = "the offset from UTC must be under 24 hours"
        raise ValueError(f"{short_repr(text)} is not a real date: {impossible}")
    if loose and (found := loose_date(text, zones)) is not None:
        return found
    raise ValueError(
        f"cannot read {short_repr(text)} as a date; write it as 2024-05-01, 2024-05-01 10:00 "
        f"or 2024-05-01T10:00:00+02:00"
    )


# Zone abbreviations as Jekyll reads them in a date (Ruby's Time.parse, by time.rb's
# ZoneOffset; checked with Ruby 3.1), seconds east of UTC: the US zones and the military
# letters. `2024-01-01 10:00:00 PST` is 10:00 at -08:00 to Jekyll; read as the site's own
# time it was 17 hours off in Tokyo. Any other (`CEST`, `IST`) is the site's time there.
_JEKYLL_ZONE_TABLE = """
    UTC=0 UT=0 GMT=0 Z=0 EST=-18000 EDT=-14400 CST=-21600 CDT=-18000 MST=-25200
    MDT=-21600 PST=-28800 PDT=-25200 A=3600 B=7200 C=10800 D=14400 E=18000 F=21600
    G=25200 H=28800 I=32400 K=36000 L=39600 M=43200 N=-3600 O=-7200 P=-10800
    Q=-14400 R=-18000 S=-21600 T=-25200 U=-28800 V=-32400 W=-36000 X=-39600 Y=-43200
"""


@lru_cache(maxsize=1)
def jekyll_zones() -> dict[str, int]:
    """Return the zone abbreviations Jekyll reads in a date (see _JEKYLL_ZONE_TABLE)."""
    return {
        name: int(seconds)
        for name, seconds in (pair.split("=") for pair in _JEKYLL_ZONE_TABLE.split())
    }


def loose_date(text: str, zones: Mapping[str, int] | None = None) -> datetime | None:
    """Return dateutil's reading of `text` (as Pelican's `get_date`, and as near Ruby's
    `Time.parse` as these dates go), midnight when it has no time; None when it reads none,
    or one without its year, month or day (filled from a default, it would change). A zone
    abbreviation is read by `zones`; one it does not hold (every one, for Pelican's
    dateutil) leaves the time naive, without dateutil's warning on stderr."""
    read = loose_reading(text, zones)
    return read[0] if read is not None and read[1] else None


def loose_reading(
    text: str, zones: Mapping[str, int] | None = None
) -> tuple[datetime, bool] | None:
    """Return dateutil's reading of `text` as `loose_date` takes it, and whether the text
    holds its year, month and day (else a default filled in what it lacks); None when
    dateutil reads none."""
    import warnings

    from dateutil import parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", parser.UnknownTimezoneWarning)
            found = parser.parse(text, default=datetime(2000, 1, 1), tzinfos=zones)
            other = parser.parse(text, default=datetime(2001, 2, 2), tzinfos=zones)
    except (ValueError, OverflowError):
        return None
    return found, found.date() == other.date()


def _offset(raw: str) -> str:
    if raw.upper() in ("Z", "UTC", "GMT"):
        return "+00:00"
    digits = raw.replace(":", "")
    return f"{digits[:3]}:{digits[3:]}"


def text_value(value: Any, name: str) -> str | None:
    """Return a text field's value (None when not given): numbers and dates, which YAML reads
    from an unquoted `title: 2024`, as their text; raise for a list, a mapping, true/false."""
    if value is None or isinstance(value, str):
        return None if value is None else str(value)  # str(): not an ImpossibleValue
    if isinstance(value, int | float | date) and not isinstance(value, bool):
        return str(value)
    raise ValueError(
        f"{name} must be text, not {_kind(value)}; put the whole value in quotes to keep it as "
        "written"
    )


def split_list(value: Any, key: str, jekyll: bool = False, hugo: bool = False) -> list[str]:
    """Return the names a front matter's `key` gives: a list's, or a string's, split at its
    commas, else at its spaces; in a Jekyll site (`jekyll`) a singular key's string is one
    name, as Jekyll reads `category: Machine Learning` (or `tag:`), and a plural's is split at its
    spaces alone (`categories: "a, b"` is `a,` and `b`, in Jekyll's URL `/a,/b/`); in a
    Hugo site (`hugo`) every key's string is one, as Hugo makes `tags: "a b"` one term
    (`tags/a-b/`). In a Jekyll site a list's true and false (`[on, off]` to its YAML) are the
    names `true` and `false`, as jekyll-feed writes them."""
    if value is None:
        return []
    if isinstance(value, str) and (hugo or (jekyll and key in ("category", "tag"))):
        return [value.strip()] if value.strip() else []
    if isinstance(value, str) and jekyll:
        return value.split()  # Ruby's String#split
    if isinstance(value, str):
        parts = value.split(",") if "," in value else value.split()
        return [p.strip() for p in parts if p.strip()]
    if isinstance(value, list):
        items = []
        # Categories as a list of lists of names: Hexo's, each a path from the top (`- - a`),
        # which posts moved from Hexo keep; each name is one.
        if key == "categories" and any(isinstance(item, list) for item in value):
            value = [n for item in value for n in (item if isinstance(item, list) else [item])]
        for item in value:
            if jekyll and isinstance(item, bool):  # `[on, off]` to Jekyll's YAML: Ruby's to_s
                items.append("true" if item else "false")
                continue
            if isinstance(item, bool) or not isinstance(item, str | int | float | date):
                raise ValueError(f"{key} must be a list of names, but has {short_repr(item)}")
            if str(item).strip():
                items.append(str(item).strip())
        return items
    raise ValueError(f"{key} must be a list or a comma- or space-separated string")


def parse_authors(
    value: Any,
    site_author: Author,
    known: Mapping[str, Author] | None = None,
    dropped: list[tuple[str, str, str]] | None = None,
    site: str = "",
) -> tuple[Author, ...]:
    """Return a post's authors; a name that is a key of `known` (a Jekyll site's
    `_data/authors.yml`) is that author. An email address no feed can carry (`feed_email`:
    `jo at example dot org`, `jo@localhost`) is left out, and so is a `url` that is no web
    address (`javascript:…`), each put in `dropped` with why, as ("email" or "url", the
    value, the message). A `url` is in ASCII, as feeds carry it; one that is a path is on
    the site at `site` (its base URL)."""
    raw = value if isinstance(value, list) else [value]
    authors = []
    for item in raw:
        if isinstance(item, dict):
            # jekyll-import writes a WordPress author as {login, email, display_name}
            name = text_value(item.get("name") or item.get("display_name"), "author name")
            if name is None or not name.strip():
                raise ValueError(f"author {short_repr(item)} needs a 'name'")
            email = text_value(item.get("email"), "author email")
            url = text_value(author_link(item), "author url")
            authors.append(Author(name.strip(), email or None, url or None))
        elif isinstance(item, str) and known and item.strip() in known:
            authors.append(known[item.strip()])
        elif isinstance(item, str) and "<" not in item and item.strip():
            authors.append(_named_author(item.strip(), site_author))
        elif isinstance(item, str) and item.strip():
            authors.extend(_addressed(item.strip(), site_author))
        else:
            raise ValueError(f"author must be a name or a list of names, not {short_repr(item)}")
    if all(author.email is None or feed_email(author.email) for author in authors) and not any(
        author.url for author in authors
    ):
        return tuple(authors)
    from feedkit.asciiurl import ascii_email  # here: most posts' authors need none of it

    carried = []
    for author in authors:
        named = known is not None and author in known.values()
        who = f"author {author.name!r}" + (" (its entry in _data/authors.yml)" if named else "")
        # `jo@münchen.example` as feeds carry it, `jo@xn--mnchen-3ya.example`
        email = ascii_email(author.email) if author.email is not None else None
        url = author.url
        left_out = []
        if email is not None and not feed_email(email):
            said = "is not an email address a feed can carry (name@example.org)"
            left_out.append(
                ("email", email, f"{who}: {email!r} {said}; the feeds name the author without it")
            )
            email = None
        if url is not None:
            try:
                url = _web_address(url.strip(), site)
            except ValueError as exc:
                left_out.append(("url", url, f"{who}: url {exc}; the feeds link no page of theirs"))
                url = None
        if dropped is not None:
            dropped.extend(left_out)
        carried.append(
            author
            if (email, url) == (author.email, author.url)
            else Author(author.name, email, url)
        )
    return tuple(carried)


def author_link(author: Mapping[str, Any]) -> Any:
    """Return an author mapping's link: its `uri`, the key jekyll-feed reads (as Atom names
    it), or else its `url`."""
    uri = author.get("uri")
    return uri if uri is not None and uri != "" else author.get("url")


def _web_address(url: str, site: str) -> str:
    """Return `url` as a feed carries an author's page: absolute (a path on the site at
    `site`), in ASCII; ValueError saying why it is none (another scheme, no host name)."""
    from urllib.parse import urljoin, urlsplit

    from feedkit.asciiurl import ascii_url

    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("", "http", "https") or (not scheme and not site):
        raise ValueError(f"{short_repr(url)} is not a web address (http or https)")
    return ascii_url(urljoin(site, url))


_LAST_ADDRESS = re.compile(r"(.*?)\s*<([^<>\s@]+@[^<>\s@]+)>", re.DOTALL)


def _addressed(text: str, site_author: Author) -> list[Author]:
    """Return the authors of `Name <address>`, or of several such, comma-separated, when
    each has an address a feed can carry (`Jo <jo@example.org>, Al <al@example.org>`)."""
    from email.utils import getaddresses, parseaddr  # rare: most posts name their author

    pairs = getaddresses([text]) if "," in text else []
    if len(pairs) > 1 and all(feed_email(email) for _, email in pairs):
        return [Author(name or email, email) for name, email in pairs]
    # One author: the address in the last brackets, at the end, and the name all before it,
    # whatever it holds (`<b>Ann</b> <ann@example.org>`, `Ann <3 Bob <ab@example.org>`: the
    # mail parser took the first `<` for the address's and lost the rest).
    if found := _LAST_ADDRESS.fullmatch(text):
        name, email = " ".join(found[1].split()).strip('"').strip(), found[2]
    else:
        name, email = parseaddr(text)
    name = name or email or " ".join(text.split())
    if not email and name == site_author.name:
        email = site_author.email or ""
    return [Author(name, email or None)]


@lru_cache(maxsize=1024)  # a blog's few authors, over thousands of posts
def _named_author(name: str, site_author: Author) -> Author:
    """Return the author a post names by name alone: the site's author (with its email)
    when the names are the same."""
    return Author(name, site_author.email or None if name == site_author.name else None)
