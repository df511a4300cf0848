"""The checkers of the `feedkit.toml` keys of what runs beside the build: the digest and its
delivery ([digest], [smtp]), `feedkit serve` ([serve]) and the schedule ([build], and the
digest's). Imported only for a feedkit.toml that has one of these tables (see
configkeys.section_keys): a build of a site that sends no mail needs none of them.
"""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# The checkers the site's keys share with these, kept private to the two modules.
from feedkit.configkeys import (
    Checker,
    _choice,
    _email,
    _http_url,
    _int_range,
    _nonempty,
    _string,
    _timezone,
)


def _archive_dir(value: Any) -> str:
    if _string(value) == "":
        return ""  # no web copies
    name = value.strip("/")
    if any(p in ("", ".", "..") or p != p.strip() for p in name.split("/")) or "\\" in name:
        raise ValueError(
            "must be a folder under the output folder, such as 'newsletter', "
            f"or '' for no web copies, not {value!r}"
        )
    return name


def _path(value: Any) -> Path:
    return Path(_nonempty(value)).expanduser()


# `digest.from`: a name and the address in angle brackets, or the address alone.
_NAMED = re.compile(r"\s*(.*?)\s*<([^<>]*)>\s*", re.DOTALL)


def named_address(value: str) -> tuple[str, str]:
    """Return the display name ("" for none) and the address of `digest.from`, "Name
    <address>" or the address alone; ValueError when the address is none (`_email`).

    Whatever stands before the angle brackets is the name, as the owner wrote it (a comma,
    an `@` or a dot in it: a Pelican AUTHOR of `ht_song@163.com`), which goes out quoted
    where it must be; email.utils.parseaddr took the first word of such a name that looks
    like an address for the address, and the mail went out from it."""
    from email.utils import unquote  # here: `feedkit build` has no use for it

    named = _NAMED.fullmatch(value)
    name, address = (named[1], named[2].strip()) if named else ("", value.strip())
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = unquote(name)  # its backslash escapes read
    return name, _email(address)


def _mailbox(value: Any) -> str:
    text = _nonempty(value)
    named_address(text)
    return text


def _bounce_address(value: Any) -> str:
    address = _email(value)
    local = address.rpartition("@")[0]
    if len(local) > 47:  # a local part holds 64 octets: room for "+" and the 16-character tag
        raise ValueError(
            "must have at most 47 characters before the @: each reader's copy goes out "
            "from it as local+tag@domain, with a 16-character tag"
        )
    return address


def _unsubscribe_url(value: Any) -> str:
    url = _nonempty(value)
    if urlsplit(url).scheme != "https":
        raise ValueError("must be an https URL (mail providers only honour https one-click links)")
    url = _http_url(url, "https://example.com/unsubscribe?token={token}", keep="{}")
    try:
        names = {n for _, n, _, _ in string.Formatter().parse(url) if n is not None}
    except ValueError as exc:
        raise ValueError(f"is not a valid pattern: {exc}") from exc
    if "token" not in names:
        raise ValueError("must contain {token}, so a link unsubscribes only its own reader")
    if names - {"token", "email"}:
        raise ValueError(f"unknown placeholder {{{sorted(names - {'token', 'email'})[0]}}}")
    return url


def _service_url(value: Any) -> str:
    url = _nonempty(value)
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(
            "must be the https URL readers reach `feedkit serve` at, such as "
            "'https://news.example.com/' (mail providers only honour https one-click links)"
        )
    url = _http_url(url, "https://news.example.com/")
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        raise ValueError("must not have a query or fragment")
    return url if url.endswith("/") else url + "/"


def _networks(value: Any) -> tuple[str, ...]:
    import ipaddress  # here: only `feedkit serve` reads it

    if not isinstance(value, list):
        raise ValueError('must be a list of IP addresses or networks, such as ["127.0.0.1"]')
    for item in value:
        try:
            ipaddress.ip_network(_nonempty(item))
        except ValueError as exc:
            raise ValueError(f"{item!r} is not an IP address or network") from exc
    return tuple(value)


def _env_name(value: Any) -> str:
    name = _nonempty(value)
    if not name.replace("_", "").isalnum() or name[0].isdigit():
        raise ValueError(f"must be the name of an environment variable, not {name!r}")
    return name


def _positive_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"must be a positive number of seconds, not {value!r}")
    return float(value)


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"must be a number of seconds, not {value!r}")
    return float(value)


def _no_password(value: Any) -> str:
    raise ValueError(
        "passwords do not belong in feedkit.toml; put the name of an environment variable "
        "in smtp.password_env and the password in that variable"
    )


# Compiled when first met (re keeps it): a site that sets no duration never needs it.
_DURATION = r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*$"


def _duration(value: Any) -> timedelta:
    text = _nonempty(value)
    m = re.match(_DURATION, text)
    if not m or not any(m.groups()):
        raise ValueError(f"must be a duration such as '12h', '90m' or '1d 6h', not {text!r}")
    days, hours, minutes = (int(g or 0) for g in m.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def _positive_duration(value: Any) -> timedelta:
    """A duration that must be longer than nothing: a `catch_up` of 0 left no time for a
    slot to be due (and APScheduler refuses it), a `confirm_within` of 0 no time for a link
    to work."""
    duration = _duration(value)
    if not duration:
        raise ValueError(f"must be longer than 0, such as '1h', not {_nonempty(value)!r}")
    return duration


def _cron(value: Any) -> str:
    expr = " ".join(_nonempty(value).split())
    fields = expr.split(" ")
    if len(fields) != 5:
        raise ValueError(
            f"must be a cron expression of 5 fields (minute hour day month weekday), "
            f"such as '0 9 * * mon', not {expr!r}"
        )
    if any(c.isdigit() for c in fields[4]):
        raise ValueError(
            f"write the weekday as a name (mon, tue, …, sun), not {fields[4]!r}: cron counts "
            "0 as Sunday but APScheduler counts 0 as Monday, so a number would silently move "
            "the digest to another day"
        )
    if fields[2] != "*" and fields[4] != "*":
        raise ValueError(
            f"names both a day of the month ({fields[2]!r}) and a weekday ({fields[4]!r}): "
            "cron runs on either, APScheduler only on a day that is both (the 1st when it "
            f"is a Monday), so keep one of them and '*' in the other: {expr!r}"
        )
    from apscheduler.triggers.cron import CronTrigger

    try:
        trigger = CronTrigger.from_crontab(expr, timezone=UTC)
    except ValueError as exc:
        raise ValueError(f"is not a valid cron expression ({exc}): {expr!r}") from exc
    # A day no month has (`31 2`, `31 4`): APScheduler finds no time, and `feedkit schedule`
    # ran without ever sending or building, saying nothing. From a fixed day, not the clock.
    if trigger.get_next_fire_time(None, datetime(2000, 1, 1, tzinfo=UTC)) is None:
        raise ValueError(f"never comes: no month has the day it names: {expr!r}")
    return expr


def _float_range(low: float, high: float) -> Checker:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"must be a number, not {value!r}")
        if not low <= value <= high:
            raise ValueError(f"must be between {low:g} and {high:g}, not {value}")
        return float(value)

    return check


DIGEST_KEYS: dict[str, Checker] = {
    "from": _mailbox,
    "subscribers": _path,
    "state": _path,
    "delivery": _choice("outbox", "smtp"),
    "outbox": _path,
    "templates": _path,
    "unsubscribe_url": _unsubscribe_url,
    "unsubscribe_email": _email,
    "secret_env": _env_name,
    "list_id": _nonempty,
    "summary_chars": _int_range(40, 5_000),
    "max_bytes": _int_range(10_000, 10_000_000),
    "schedule": _cron,
    "timezone": _timezone,
    "catch_up": _positive_duration,
    "lock_timeout": _float_range(0, 86_400),
    "archive": _archive_dir,
    "bounce_address": _bounce_address,
    "soft_bounce_limit": _int_range(1, 100),
    "content": _choice("summary", "full"),
    "postal_address": _nonempty,
}
# A host name (its labels letters, digits, `-` and `_`, as some relays' are), an IPv4
# address, or an IPv6 one in or out of brackets.
_HOST_NAME = re.compile(
    r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"
    r"\.?"  # a name written whole, `smtp.example.org.`
)
_IP6 = re.compile(r"\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]?")


def _host(value: Any) -> str:
    """Return a host to connect to: a name or an address, with nothing around it (a space
    made a digest freeze, then every reader deferred: 'Name or service not known')."""
    host = _nonempty(value)
    if _HOST_NAME.fullmatch(host) or _IP6.fullmatch(host):
        return host
    if not host.isascii():
        from feedkit.asciiurl import idna_host

        try:
            return idna_host(host)
        except ValueError:
            pass
    name, colon, port = host.rpartition(":")
    if colon and port.isdigit() and _HOST_NAME.fullmatch(name):
        raise ValueError(f"{host!r} holds a port: write the host alone, and the port as port")
    raise ValueError(f"{host!r} is not a host name or an IP address (such as smtp.example.org)")


BUILD_KEYS: dict[str, Checker] = {"schedule": _cron}
SMTP_KEYS: dict[str, Checker] = {
    "host": _host,
    "port": _int_range(1, 65535),
    "security": _choice("starttls", "ssl", "none"),
    "username": _nonempty,
    "password": _no_password,
    "password_env": _env_name,
    "timeout": _positive_float,
    "attempts": _int_range(1, 20),
    "backoff": _seconds,
    "connections": _int_range(1, 20),
}
SERVE_KEYS: dict[str, Checker] = {
    "url": _service_url,
    "host": _host,
    "port": _int_range(1, 65535),
    "confirm_within": _positive_duration,
    "signups_per_ip": _int_range(1, 1_000_000),
    "signup_window": _positive_duration,
    "resend_after": _duration,
    "proxies": _networks,
}
SERVICE_SECTIONS: dict[str, dict[str, Checker]] = {
    "digest": DIGEST_KEYS,
    "build": BUILD_KEYS,
    "smtp": SMTP_KEYS,
    "serve": SERVE_KEYS,
}
