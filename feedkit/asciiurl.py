"""A URL from feedkit.toml as feeds and mail carry it: in ASCII.

RSS wants URLs, not IRIs; a tag: ID wants an ASCII host; a List-Unsubscribe field wants ASCII.
A host in another script becomes its IDNA form, as browsers send it (münchen.example →
xn--mnchen-3ya.example: UTS 46 by the idna library; Python's own codec is IDNA 2003, which
makes straße.de strasse.de, another host), and other characters of the path, query and
fragment are percent-encoded. An ASCII URL comes back as written, so the feeds' IDs made
from it do not change.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

# What an ASCII host may hold (RFC 3986): a registered name, or an IP literal in brackets.
_HOST = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\]")
# RFC 3986's characters of a path (its pchar and "/"), and "%" for escapes written already.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def ascii_url(url: str, keep: str = "") -> str:
    """Return the absolute URL `url` in ASCII, leaving the characters in `keep` as they are
    (a pattern's braces); ValueError naming what is wrong with its host or port."""
    parts = urlsplit(url)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host, port = hostport, ""
    if not host.endswith("]") and ":" in host:
        host, _, port = host.rpartition(":")
        if not port.isdigit():
            raise ValueError(f"{url!r} has a port that is not a number: {port!r}")
    if not host.isascii():
        import idna  # here: 16 ms to import, for the few sites with such a host

        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise ValueError(f"{url!r} has a host that is not a host name: {exc}") from exc
    elif not _HOST.fullmatch(host):
        raise ValueError(f"{url!r} has a host that is not a host name: {host!r}")
    netloc = "@".join(filter(None, [userinfo, host + (":" + port if port else "")]))
    path, query, fragment = (
        quote(part, safe=_PATH_SAFE + "?" + keep)
        for part in (parts.path, parts.query, parts.fragment)
    )
    return urlunsplit((parts.scheme, netloc, path, query, fragment))
