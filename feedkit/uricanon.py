"""The form the W3C feed validator compares an Atom ID in, to say whether an `id:` given in a
post's front matter draws its warning "Identifier … is not in canonical form".

The validator's own rules (its uri.py, `canonicalForm`, RFC 3986's normalizations as it reads
them), ported as they are, quirks included: no URI library gives its exact result (a scheme
and a mailto: domain in lower case, an escape of an unreserved character written as the
character, dot segments removed, the default port dropped; and no canonical form at all
for an escape that is no UTF-8). The feed validator's code is under the MIT licence:
Copyright (c) 2002-2006, Sam Ruby, Mark Pilgrim, Joseph Walton, and Phil Ringnalda.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote, unquote

_SUBDELIMS = "!$&'()*+,;="
_PCHAR = "-._~" + _SUBDELIMS + ":@"
_RESERVED = ":/?#[]@" + _SUBDELIMS
_DEFAULT_PORT = {
    "ftp": 21,
    "telnet": 23,
    "http": 80,
    "gopher": 70,
    "news": 119,
    "nntp": 119,
    "prospero": 191,
    "https": 443,
    "snews": 563,
    "snntp": 563,
}
_OCTET = re.compile(r"([^%]|%[a-fA-F0-9]{2})")
_PORT = re.compile(r":(\d*)$")
_URI = re.compile(r"^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$")


class _BadUri(Exception):
    pass


def canonical_form(uri: str) -> str | None:
    """Return `uri` in the validator's canonical form; None where it has none (the validator
    then warns whatever the ID)."""
    try:
        return _canonical(uri)
    except (_BadUri, UnicodeError, ValueError):  # ValueError: a character past U+00FF
        return None


def _octets(text: str) -> Iterator[tuple[str, int]]:
    while text:
        found = _OCTET.match(text)
        if not found:
            raise _BadUri
        token = found.group(1)
        if token[0] == "%":
            yield token.upper(), int(token[1:], 16)
        else:
            yield token, ord(token)
        text = text[found.end(1) :]


def _requote(text: str | None, safe: str = "") -> str | None:
    if text is None:
        return None

    def run(octets: list[int]) -> str:
        decoded = unquote(bytearray(octets).decode("utf-8"))  # unquoted twice, as there
        return quote(unicodedata.normalize("NFC", decoded).encode("utf-8"), safe)

    out, pending = "", list[int]()
    for token, value in _octets(text):
        if chr(value) in _RESERVED and chr(value) in safe:
            out += run(pending) + token
            pending = []
        else:
            pending.append(value)
    return out + run(pending)


def _port(netloc: str, default: int | None) -> str:
    host, port = netloc.lower(), default
    found = _PORT.search(host)
    if found:
        if found.group(1) != "":
            port = int(found.group(1))
        host = host[: found.start(1) - 1]
    if host and host[-1] == "." and host.rfind(".", 0, -2) >= 0:
        host = host[:-1]
    if host.startswith("[") != host.endswith("]"):
        raise _BadUri
    return host + ":" + str(port) if port != default else host


def _authority(authority: str, default: int | None) -> str:
    at = authority.rfind("@")
    userinfo: str | None = None
    host = authority
    if at >= 0:
        userinfo, host = authority[:at], authority[at + 1 :]
        if userinfo == ":":
            userinfo = ""
    return userinfo + "@" + _port(host, default) if userinfo else _port(host, default)


def _path(path: str) -> str:
    parts = path.split("/")
    i = len(parts) if parts and parts[0] else 0
    while i < len(parts):
        if parts[i] in (".", ".."):
            dots = parts[i]
            if i < len(parts) - 1:
                del parts[i]
            else:
                parts[i] = ""
            if dots == ".." and (i > 1 or (i > 0 and parts[0])):
                i -= 1
                del parts[i]
        else:
            i += 1
    if parts == [""]:
        parts = ["", ""]
    return "/".join(_requote(part, _PCHAR) or "" for part in parts)


def _canonical(uri: str) -> str | None:
    found = _URI.match(uri)
    if not found:
        raise _BadUri
    scheme = None if found.group(2) is None else found.group(2).lower()
    authority = found.group(4)
    path = found.group(5)
    if authority is None:
        if scheme is None and not path.startswith("/"):
            return None
        if scheme == "mailto":  # its domain in lower case; as written without one
            if (at := path.find("@")) > 0:
                path = f"{_requote(path[:at])}@{_requote(path[at + 1 :].lower())}"
        elif scheme is None or path.startswith("/"):
            path = _path(path)
        else:
            path = _requote(path, _PCHAR + "/") or ""
    else:
        authority = _authority(authority, _DEFAULT_PORT.get(scheme or ""))
        path = _path(path)
    query = _requote(found.group(7), _PCHAR + "/?")
    fragment = _requote(found.group(9), _PCHAR + "/?")
    out = f"{scheme}:" if scheme is not None else ""
    out += f"//{authority}" if authority is not None else ""
    out += path
    out += f"?{query}" if query is not None else ""
    return out + (f"#{fragment}" if fragment is not None else "")
