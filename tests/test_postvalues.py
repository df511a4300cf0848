"""Front matter values → Post fields: the date forms Jekyll, Hugo and Pelican users write."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from feedkit.models import Author
from feedkit.posts.postvalues import ImpossibleValue, jekyll_zones, parse_authors, parse_date

TZ = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-01", "2024-05-01T00:00:00+02:00"),
        ("2024-05-01 10:00", "2024-05-01T10:00:00+02:00"),
        ("2024-05-01 10:00:00 +0000", "2024-05-01T10:00:00+00:00"),
        ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00+00:00"),
        ("2024/05/01 10:00", "2024-05-01T10:00:00+02:00"),
        ("Wed, 01 May 2024 10:00:00 -0500", "2024-05-01T10:00:00-05:00"),
        ("2024-01-15 08:00:00 UTC", "2024-01-15T08:00:00+00:00"),
        # Jekyll's own 3.9.3 release post: Ruby reads past the year written twice.
        ("2023-01-29 18:30:22 2023 -0800", "2023-01-29T18:30:22-08:00"),
    ],
)
def test_date_strings_jekyll_hugo_and_pelican_users_write(raw: str, expected: str) -> None:
    assert parse_date(raw, ZoneInfo("Europe/Berlin")).isoformat() == expected


@pytest.mark.parametrize("raw", ["tomorrow", "2024-13-01", "", 12, None, "0001-01-01"])
def test_unreadable_dates_raise(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_date(raw, ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2023-02-30", "'2023-02-30' is not a real date: day is out of range for month"),
        ("2023-13-01 10:00", "'2023-13-01 10:00' is not a real date: month must be in 1..12"),
        ("2023-01-01 25:00:00", "'2023-01-01 25:00:00' is not a real date: hour must be in 0..23"),
        (
            "2023-01-01 10:00:00 +2500",
            "'2023-01-01 10:00:00 +2500' is not a real date: the offset from UTC must be under "
            "24 hours",
        ),
        (
            ImpossibleValue("2001-12-14 21:59:43.10 -25", "offset must be a timedelta strictly"),
            "'2001-12-14 21:59:43.10 -25' is not a real date: the offset from UTC must be under "
            "24 hours",
        ),
        (
            datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=12))),
            "'9999-12-31T23:00:00-12:00' is out of range: it falls after the year 9999 in UTC",
        ),
        (
            "9999-12-31T23:30:00Z",  # 00:30 next year in Berlin
            "'9999-12-31T23:30:00Z' is out of range: it falls after the year 9999 in the site's "
            "time zone, Europe/Berlin",
        ),
        ("0999-12-31", "'0999-12-31' is out of range: feedkit reads years 1000 to 9999"),
        (
            datetime(999, 12, 31, 23),
            "'0999-12-31T23:00:00+00:53:28' is out of range: feedkit reads years 1000 to 9999",
        ),
        (
            "tomorrow",
            "cannot read 'tomorrow' as a date; write it as 2024-05-01, 2024-05-01 10:00 "
            "or 2024-05-01T10:00:00+02:00",
        ),
        (
            ["a"] * 10**6,
            "cannot read ['a', 'a', 'a', 'a', ...] (a list) as a date; write one date, as "
            "2024-05-01, 2024-05-01 10:00 or 2024-05-01T10:00:00+02:00",
        ),
        # As front matter writes them, not as Python does (datetime.date(2024, 1, 1)).
        (
            [date(2024, 1, 1), datetime(2024, 2, 1, 10, 30)],
            "cannot read [2024-01-01, 2024-02-01 10:30:00] (a list) as a date; write one "
            "date, as 2024-05-01, 2024-05-01 10:00 or 2024-05-01T10:00:00+02:00",
        ),
        (
            {"on": date(2024, 1, 1)},
            "cannot read {'on': 2024-01-01} (a mapping) as a date; write "
            "one date, as 2024-05-01, 2024-05-01 10:00 or 2024-05-01T10:00:00+02:00",
        ),
        (
            20240101,
            "cannot read 20240101 (a number) as a date; write one date, as 2024-05-01, "
            "2024-05-01 10:00 or 2024-05-01T10:00:00+02:00",
        ),
        (
            True,
            "cannot read true (a true/false value) as a date; write one date, as 2024-05-01, "
            "2024-05-01 10:00 or 2024-05-01T10:00:00+02:00",
        ),
    ],
)
def test_impossible_dates_say_what_is_wrong(raw: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_date(raw, ZoneInfo("Europe/Berlin"))
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2018-8-18 02:22", "2018-08-18T02:22:00+02:00"),
        ("2018-08-18 2:22", "2018-08-18T02:22:00+02:00"),
        ("August 18, 2018", "2018-08-18T00:00:00+02:00"),
        ("Aug 18 2018 2:05 PM +0800", "2018-08-18T14:05:00+08:00"),
        ("August 18, 2018 2:05 PM", "2018-08-18T14:05:00+02:00"),
    ],
)
def test_loose_dates_jekyll_and_pelican_take(raw: str, expected: str) -> None:
    # Pelican reads dates with dateutil, Jekyll with Ruby's Time.parse: these stopped the
    # build. Read strictly (a Hugo site's, feedkit's own) they are still refused.
    assert parse_date(raw, TZ, loose=True).isoformat() == expected
    with pytest.raises(ValueError, match="cannot read"):
        parse_date(raw, TZ)


@pytest.mark.parametrize(
    ("raw", "jekyll", "pelican"),
    [
        # As Jekyll 4.3 (Ruby 3.1's Time.parse) and Pelican (dateutil) published them.
        ("2024-01-01 10:00:00 PST", "2024-01-01T10:00:00-08:00", "2024-01-01T10:00:00+01:00"),
        ("Jan 3, 2024 10:00 EDT", "2024-01-03T10:00:00-04:00", "2024-01-03T10:00:00+01:00"),
        ("2024-01-03 10:00:00 Z", "2024-01-03T10:00:00+00:00", "2024-01-03T10:00:00+00:00"),
        ("Jan 3, 2024 10:00 IST", "2024-01-03T10:00:00+01:00", "2024-01-03T10:00:00+01:00"),
        ("2024-01-05 10:00:00 XYZ", "2024-01-05T10:00:00+01:00", "2024-01-05T10:00:00+01:00"),
    ],
)
def test_a_loose_dates_zone_name_is_read_as_its_generator_reads_it(
    raw: str, jekyll: str, pelican: str
) -> None:
    # Every name was the site's time, PST 17 hours off in Tokyo, with dateutil's
    # UnknownTimezoneWarning on stderr (no file, no line).
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parse_date(raw, TZ, True, jekyll_zones()).isoformat() == jekyll
        assert parse_date(raw, TZ, True).isoformat() == pelican


@pytest.mark.parametrize("raw", ["August 2018", "18 August", "next tuesday", "2018"])
def test_loose_dates_without_a_day_are_refused(raw: str) -> None:
    # Filled from today's date, as Pelican does, one would change from day to day.
    with pytest.raises(ValueError, match="cannot read"):
        parse_date(raw, TZ, loose=True)


@pytest.mark.parametrize(
    ("written", "authors"),
    [
        # The address is the one in the last brackets; the name, all before them: the mail
        # parser took the first `<` for the address's (`<b>Ann</b> …` was the author "b").
        ("<b>Ann</b> <ann@example.org>", [("<b>Ann</b>", "ann@example.org")]),
        ("Ann <3 Bob <ab@example.org>", [("Ann <3 Bob", "ab@example.org")]),
        ("Eve\nBcc: e@x.org <eve@example.org>", [("Eve Bcc: e@x.org", "eve@example.org")]),
        ('"Doe, Jo" <jo@example.org>', [("Doe, Jo", "jo@example.org")]),
        (
            "Jo <jo@example.org>, Al <al@example.org>",
            [("Jo", "jo@example.org"), ("Al", "al@example.org")],
        ),
        ("Site <>", [("Site", "site@example.org")]),
    ],
)
def test_an_author_with_an_address_is_the_name_before_its_last_brackets(
    written: str, authors: list[tuple[str, str]]
) -> None:
    found = parse_authors(written, Author("Site", "site@example.org"))
    assert [(a.name, a.email) for a in found] == authors
