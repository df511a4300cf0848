"""Each `feedkit.toml` key's checker: the raw TOML value → the config value, or ValueError
with a message for the user (feedkit/config.py puts them together into a Config). Here the
site's keys, [author] and [feed], and checking a table; the keys of what runs beside the
build ([digest], [smtp], [serve], [build]) are feedkit/servicekeys.py's."""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedkit.asciiurl import ascii_email, ascii_url
from feedkit.models import feed_email

PERMALINK_FIELDS = frozenset({"year", "month", "day", "slug", "category"})

# A key's checker turns the raw TOML value into the config value or raises ValueError
# with a message for the user.
Checker = Callable[[Any], Any]


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {type(value).__name__}")
    return value


def _nonempty(value: Any) -> str:
    text = _string(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {value!r}")
    return value


def _int_range(low: int, high: int) -> Checker:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number, not {value!r}")
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}, not {value}")
        return value

    return check


def _http_url(value: Any, example: str, keep: str = "") -> str:
    """Return an http(s) URL as feeds and mail carry it (see feedkit.asciiurl): one every
    reader may see, on a host a browser can reach."""
    url = _nonempty(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an absolute http(s) URL such as {example}, not {url!r}")
    if "@" in parts.netloc:
        raise ValueError(
            f"{url!r} holds a user name or password (before '@'), which every feed and mail "
            "would publish; remove it"
        )
    try:
        port = parts.port  # None when none is written
    except ValueError:  # past 65535, or not a number
        port = 0
    if port == 0:
        raise ValueError(f"{url!r} has a port that is not a number from 1 to 65535")
    host = parts.hostname or ""
    if ":" not in host:  # an IPv6 address has no labels (urlsplit takes its brackets off)
        labels = host.split(".")
        if not labels[-1]:
            raise ValueError(
                f"{url!r} has a host that ends with a dot; write it without "
                "(feed validators take such an address for another)"
            )
        if any(not label or label[0] == "-" or label[-1] == "-" for label in labels):
            raise ValueError(
                f"{url!r} has a host that is not a host name: a part between its dots is "
                "empty or starts or ends with '-'"
            )
    return ascii_url(url, keep)


def _base_url(value: Any) -> str:
    url = _http_url(value, "https://example.com/")
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        raise ValueError("must not have a query or fragment")
    return url if url.endswith("/") else url + "/"


def _author_url(value: Any) -> str:
    # A page of the author's, as written (`about.html`, `?lang=de`): not the site's root,
    # which _base_url makes end in "/" (`about.html/`, a broken link in every feed).
    return _http_url(value, "https://example.com/about/")


def _hub_url(value: Any) -> str:
    return _http_url(value, "https://pubsubhubbub.appspot.com/ (a WebSub hub)")


def _timezone(value: Any) -> ZoneInfo:
    name = _nonempty(value)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin' or 'UTC'"
        ) from exc


def _language(value: Any) -> str:
    # A locale's underscore (Pelican's DEFAULT_LANG = 'zh_CN', Jekyll's `lang: en_US`) is
    # the tag's hyphen: feeds and pages carry the tag (`zh-CN`).
    lang = _nonempty(value).replace("_", "-")
    parts = lang.split("-")
    if not (2 <= len(parts[0]) <= 3 and parts[0].isalpha()) or not all(
        p.isalnum() and 1 <= len(p) <= 8 for p in parts[1:]
    ):
        raise ValueError(f"must be a language tag such as 'en' or 'en-GB', not {lang!r}")
    return lang


def _feed_file(value: Any) -> str:
    name = _nonempty(value)
    parts = name.split("/")
    if any(p in ("", ".", "..") or p != p.strip() for p in parts) or "\\" in name:
        raise ValueError(
            "must be a file name or a path under the output folder, "
            f"such as 'index.xml' or 'feeds/rss.xml', not {name!r}"
        )
    return name


def _relative_dir(value: Any) -> Path:
    path = Path(_nonempty(value))
    if ".." in path.parts:
        raise ValueError("must not contain '..'")
    return path


def _content_dir(value: Any) -> Path:
    """A folder posts are only read from may be beside feedkit.toml's (`../content`, as a
    Hugo site whose configuration sits in `src/` with `contentDir = "../content"` has it);
    the output folder may not (`_relative_dir`)."""
    return Path(_nonempty(value))


def _sections(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError('must be a list of folder names, such as ["posts"]')
    names = tuple(_nonempty(name).strip("/") for name in value)
    if any(not name or "/" in name or name in (".", "..") for name in names):
        raise ValueError('must name top-level folders of the content folder, such as "posts"')
    return names


def _permalink(value: Any) -> str:
    pattern = _nonempty(value)
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise ValueError(f"is not a valid pattern: {exc}") from exc
    unknown = names - PERMALINK_FIELDS
    if unknown:
        raise ValueError(
            f"unknown placeholder {{{sorted(unknown)[0]}}}; "
            "use {year}, {month}, {day}, {slug}, {category}"
        )
    if "slug" not in names:
        raise ValueError("must contain {slug}, or every post would get the same URL")
    if "//" in pattern or ".." in pattern.split("/"):
        raise ValueError("must not contain '//' or '..'")
    return pattern


def _email(value: Any) -> str:
    text = _nonempty(value)
    address = ascii_email(text)
    if not feed_email(address):  # the feeds carry it: the feed validator's rule
        raise ValueError(f"is not an email address: {text!r}")
    return address


SITE_KEYS: dict[str, Checker] = {
    "title": _nonempty,
    "base_url": _base_url,
    "description": _string,
    "language": _language,
    "timezone": _timezone,
    "content_dir": _content_dir,
    "output_dir": _relative_dir,
    "permalink": _permalink,
    "main_sections": _sections,
}
REQUIRED_SITE_KEYS = ("title", "base_url")
AUTHOR_KEYS: dict[str, Checker] = {"name": _nonempty, "email": _email, "url": _author_url}


def _choice(*options: str) -> Checker:
    def check(value: Any) -> str:
        if value not in options:
            listed = ", ".join(repr(o) for o in options)
            raise ValueError(f"must be one of {listed}, not {value!r}")
        return str(value)

    return check


# feedkit's name for a feed format's file when an old site's feed of the other format has
# feedkit's default name for it (a Hugo RSS at atom.xml): `feedkit init` moves it there.
OTHER_NAMES = {"atom": "feed.atom.xml", "rss": "feed.rss.xml"}

FEED_KEYS: dict[str, Checker] = {
    "limit": _int_range(1, 10_000),
    "summary_chars": _int_range(40, 100_000),
    "full_content": _bool,
    "tag_feeds": _bool,
    "json_feed": _bool,
    "ids": _choice("tag", "url", "jekyll", "pelican"),
    "atom": _feed_file,
    "rss": _feed_file,
    "json": _feed_file,
    "math": _choice("mathml", "source"),
    "hub": _hub_url,
}


SITE_SECTIONS: dict[str, dict[str, Checker]] = {"author": AUTHOR_KEYS, "feed": FEED_KEYS}
# Every table, in the order their problems are listed. The checkers of the tables of what runs
# beside the build (feedkit/servicekeys.py) are imported only for a feedkit.toml that has one.
SECTIONS = ("author", "feed", "digest", "build", "smtp", "serve")


def section_keys(name: str) -> dict[str, Checker]:
    """Return the checkers of the keys of the table `name` (one of SECTIONS)."""
    if name in SITE_SECTIONS:
        return SITE_SECTIONS[name]
    from feedkit.servicekeys import SERVICE_SECTIONS

    return SERVICE_SECTIONS[name]


def did_you_mean(key: str, known: list[str]) -> str:
    import difflib  # only when a key is unknown

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


# The characters XML 1.0 cannot carry, and those feed validators reject (the C1 controls,
# DEL, U+FFFD and the noncharacters: feedkit/posts/uncarried.py's XML_ILLEGAL): a TOML escape
# writes them in a setting.
_UNSENDABLE_SET = frozenset(
    map(
        chr,
        [
            *range(0x09),
            0x0B,
            0x0C,
            *range(0x0E, 0x20),
            *range(0x7F, 0xA0),
            *range(0xFDD0, 0xFDF0),
            0xFFFD,
            *(plane << 16 | last for plane in range(17) for last in (0xFFFE, 0xFFFF)),
        ],
    )
)


def checked(checker: Checker, raw: Any) -> Any:
    """Return what `checker` makes of a setting's raw value; raise ValueError for a text (or
    a list's text) with a character no feed or mail can carry: lxml stopped the build with
    a traceback at a title with a TOML escape such as `\\u0007`."""
    for text in raw if isinstance(raw, list) else [raw]:
        if isinstance(text, str) and not _UNSENDABLE_SET.isdisjoint(text):
            bad = next(char for char in text if char in _UNSENDABLE_SET)
            what = "a control character" if ord(bad) < 0xA0 else "a character"
            raise ValueError(
                f"has U+{ord(bad):04X}, {what} that feeds and mail cannot carry "
                "(written as an escape such as \\u0007?); remove it"
            )
    return checker(raw)


def check_table(
    table: Mapping[str, Any],
    schema: Mapping[str, Checker],
    prefix: str,
    problems: list[tuple[str, str]],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, raw in table.items():
        name = f"{prefix}{key}"
        checker = schema.get(key)
        if checker is None:
            problems.append((name, "unknown key" + did_you_mean(key, sorted(schema))))
            continue
        try:
            values[key] = checked(checker, raw)
        except ValueError as exc:
            problems.append((name, str(exc)))
    return values
