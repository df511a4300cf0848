"""Front matter values → Post fields: the date forms Jekyll, Hugo and Pelican users write."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from feedkit.postmeta import parse_date


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
    ],
)
def test_date_strings_jekyll_hugo_and_pelican_users_write(raw: str, expected: str) -> None:
    assert parse_date(raw, ZoneInfo("Europe/Berlin")).isoformat() == expected


@pytest.mark.parametrize("raw", ["tomorrow", "2024-13-01", "", 12, None, "0001-01-01"])
def test_unreadable_dates_raise(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_date(raw, ZoneInfo("UTC"))
