"""Jekyll's own Liquid filters (`relative_url`, `markdownify`, `date_to_string`…), on top of
python-liquid's standard ones, and how every filter is given to a post's render: an undefined
input said at its line (feedkit/posts/liquid.py's `Missing`).
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any
from urllib.parse import quote, quote_plus

from liquid import Undefined
from liquid.exceptions import FilterArgumentError, LiquidError

from feedkit.posts.reading import Reading


def _markdownify(value: Any, reading: Reading | None) -> str:
    """Return Markdown as HTML, as Jekyll's filter does, with the site's converter (its
    typographer too: kramdown's smart quotes are on by default): in an HTML element (a
    theme's notice `<div>`), Markdown left as it was would be shown as written."""
    from feedkit.posts.markup import read_html
    from feedkit.posts.reading import PLAIN

    return read_html(str(value), reading or PLAIN)


def _smartify(value: Any) -> str:
    """Return text with curly quotes and typographic dashes, as Jekyll's filter does."""
    from feedkit.posts.markup import smartify

    return smartify(str(value))


def given(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Return the filter `func` as a post's render calls it: an undefined input shown first
    (a `Missing` says itself when shown), and an error of Python's (python-liquid's
    `modulo: 0` on a decimal, `compact` on a mapping) a problem of Liquid's, said at the
    filter's line and left out; Liquid's marks on it (`with_environment`…) kept."""

    @functools.wraps(func)
    def said(value: object, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, Undefined) and name != "default":  # `default` is for them
            str(value)
        if _too_long(value) or any(_too_long(arg) for arg in args):
            raise FilterArgumentError(f"{name}: a list of over {LONGEST:,} items", token=None)
        try:
            made = func(value, *args, **kwargs)
        except LiquidError as exc:  # Liquid's own, said as it says it
            if _TOKEN_SLIP in str(exc):  # python-liquid's error made wrong: said so, not that
                raise FilterArgumentError(
                    f"{name}: cannot take {_shown(value)} with these arguments", token=None
                ) from exc
            raise
        except TypeError:  # Liquid says these: the arguments
            raise
        except Exception as exc:  # noqa: BLE001 - any other is the input's, at its line
            detail = str(exc) if str(exc) and not str(exc).startswith("[<") else ""
            raise FilterArgumentError(
                f"{name}: cannot take {_shown(value)}{': ' + detail if detail else ''}",
                token=None,
            ) from exc
        if isinstance(made, str) and len(made) > LONGEST_TEXT:
            raise FilterArgumentError(
                f"{name}: it makes a text of over {LONGEST_TEXT:,} characters", token=None
            )
        if _too_long(made):
            raise FilterArgumentError(
                f"{name}: it makes a list of over {LONGEST:,} items", token=None
            )
        return made

    return said


# A post's loop of more turns, a list of more items, a text of more characters is a
# mistake: a warning, not a build that runs out of time or memory (`(1..99999999) | join`
# took 30 s; an `append` or `concat` of a value to itself in a loop of 30 turns doubles
# it 30 times).
LONGEST = 100_000
LONGEST_TEXT = 10_000_000


def _too_long(value: object) -> bool:
    if not isinstance(value, range | list | tuple):
        return False
    try:
        return len(value) > LONGEST
    except OverflowError:  # a range longer than a machine's integer
        return True


# What python-liquid's `concat` (2.3) says when it means "expected an array": it makes its
# error without the place the error needs.
_TOKEN_SLIP = "missing 1 required keyword-only argument: 'token'"


def _shown(value: object) -> str:
    if isinstance(value, range) and value.step == 1:
        return f"({value.start}..{value.stop - 1})"
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


# -- times ------------------------------------------------------------------------------


def _time(name: str, value: object, zone: tzinfo) -> datetime | None:
    """Return `value` as Liquid's `to_date` reads it for Jekyll, in the site's zone: a time
    as it is (a date at midnight), digits as seconds since 1970, a text that dateutil reads
    with its year, month and day; None for anything else. "now" and "today", the time of
    the build, and a text that lacks its day (Ruby takes it from the clock) would change
    the post at every build: a problem, said at the filter's line."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time.min, zone)
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, zone)
    if not isinstance(value, str):
        return None
    if value.lower() in ("now", "today"):
        raise FilterArgumentError(
            f'{name}: "{value}" is the time of the build, which would change the post at '
            "every build",
            token=None,
        )
    if value.isdigit():
        return datetime.fromtimestamp(int(value), zone)
    from feedkit.posts.postvalues import loose_reading

    read = loose_reading(value)
    if read is None:
        return None
    found, whole = read
    if not whole:  # Ruby takes what it lacks from the clock
        raise FilterArgumentError(
            f'{name}: "{value}" is not a whole date; the day of the build would fill it in',
            token=None,
        )
    return found if found.tzinfo else found.replace(tzinfo=zone)


def _strftime(when: datetime, fmt: str) -> str:
    """Return `when` in Ruby's `strftime` format `fmt`: `%s` (seconds since 1970) without
    the machine's zone, which C's `strftime` would take."""
    seconds = str(int(when.timestamp()))
    return when.strftime(re.sub(r"%[%s]", lambda m: seconds if m[0] == "%s" else m[0], fmt))


def date_filters(zone: tzinfo) -> dict[str, Callable[..., Any]]:
    """Return Liquid's `date` and Jekyll's date filters, each reading its input as Jekyll
    does (`_time`), in the site's zone `zone`."""

    def liquid_date(value: object, fmt: object = None) -> object:
        when = _time("date", value, zone)
        if when is None or not str(fmt or ""):  # Liquid gives its input back
            return value
        return _strftime(when, str(fmt))

    def jekyll_time(name: str, value: object) -> datetime | None:
        """Jekyll's `time`: None for an empty input (given back), else `_time` in the zone."""
        if value is None or not str(value):
            return None
        when = _time(name, value, zone)
        if when is None:
            raise FilterArgumentError(f"{name}: {_shown(value)} is not a date", token=None)
        return when.astimezone(zone)

    def stringify(name: str, month: str) -> Callable[..., object]:
        def stringified(value: object, kind: object = None, style: object = None) -> object:
            when = jekyll_time(name, value)
            if when is None:
                return value
            if kind == "ordinal":
                day = f"{when.day}{_ordinal(when.day)}"
                if style == "US":
                    return when.strftime(f"{month} {day}, %Y")
                return when.strftime(f"{day} {month} %Y")
            return when.strftime(f"%d {month} %Y")

        return stringified

    def date_to_xmlschema(value: object) -> object:
        when = jekyll_time("date_to_xmlschema", value)
        return value if when is None else when.replace(microsecond=0).isoformat()

    def date_to_rfc822(value: object) -> object:
        when = jekyll_time("date_to_rfc822", value)
        return value if when is None else when.strftime("%a, %d %b %Y %H:%M:%S %z")

    return {
        "date": liquid_date,
        "date_to_xmlschema": date_to_xmlschema,
        "date_to_rfc822": date_to_rfc822,
        "date_to_string": stringify("date_to_string", "%b"),
        "date_to_long_string": stringify("date_to_long_string", "%B"),
    }


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def jekyll_filters(
    site: Mapping[str, Any], reading: Reading | None = None, zone: tzinfo = UTC
) -> dict[str, Callable[..., Any]]:
    """Return Jekyll's own filters, on top of Liquid's standard ones (`markdownify` reads
    Markdown as `reading` says; times are shown in `zone`, the site's)."""
    url = str(site.get("url") or "").rstrip("/")
    baseurl = str(site.get("baseurl") or "").rstrip("/")

    def relative_url(value: object) -> str:
        text = str(value)
        if re.match(r"^[a-z][a-z0-9+.-]*:", text, re.IGNORECASE):
            return text
        return baseurl + "/" + text.lstrip("/") if text else baseurl + "/"

    def absolute_url(value: object) -> str:
        text = str(value)
        if re.match(r"^[a-z][a-z0-9+.-]*:", text, re.IGNORECASE):
            return text
        return url + relative_url(text)

    def slugify(value: object, mode: str = "default") -> str:
        text = str(value)
        if mode == "latin":
            text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        if mode == "raw":
            return re.sub(r"\s+", "-", text).strip("-").lower()
        if mode == "pretty":
            return re.sub(r"[^\w._~!$&'()+,;=@-]+", "-", text).strip("-").lower()
        return re.sub(r"[^\w-]+", "-", text).strip("-").lower()

    def array_to_sentence_string(value: object, connector: str = "and") -> str:
        items = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        if len(items) <= 2:
            return f" {connector} ".join(items)
        return ", ".join(items[:-1]) + f", {connector} " + items[-1]

    def where(value: object, key: str, expected: object) -> list[Any]:
        items = value if isinstance(value, list | tuple) else []
        return [i for i in items if isinstance(i, Mapping) and str(i.get(key)) == str(expected)]

    return {
        "relative_url": relative_url,
        "absolute_url": absolute_url,
        "slugify": slugify,
        # The body goes on to the Markdown renderer: Markdown text is what it wants.
        "markdownify": lambda value: _markdownify(value, reading),
        "jsonify": lambda value: json.dumps(value, default=str, ensure_ascii=False),
        "xml_escape": lambda value: html.escape(str(value)),
        "cgi_escape": lambda value: quote_plus(str(value)),
        "uri_escape": lambda value: quote(str(value), safe="/:?#[]@!$&'()*+,;=%"),
        "number_of_words": lambda value: len(str(value).split()),
        "normalize_whitespace": lambda value: " ".join(str(value).split()),
        "smartify": _smartify,
        "array_to_sentence_string": array_to_sentence_string,
        "where": where,
        **date_filters(zone),
    }
