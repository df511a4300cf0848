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
        try:
            host = idna_host(host)
        except ValueError as exc:
            raise ValueError(f"{url!r} has a host that is not a host name: {exc}") from exc
    elif not _HOST.fullmatch(host):
        raise ValueError(f"{url!r} has a host that is not a host name: {host!r}")
    netloc = "@".join(filter(None, [userinfo, host + (":" + port if port else "")]))
    path, query, fragment = (
        quote(part, safe=_PATH_SAFE + "?" + keep)
        for part in (parts.path, parts.query, parts.fragment)
    )
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


def ascii_email(address: str) -> str:
    """Return `address` with a host in another script in its IDNA form, as feeds carry it
    (`jo@münchen.example` → `jo@xn--mnchen-3ya.example`); as written otherwise, and when
    its host is no host name."""
    local, at, host = address.rpartition("@")
    if not at or host.isascii() or not local.isascii():
        return address
    try:
        return f"{local}@{idna_host(host)}"
    except ValueError:
        return address


def idna_host(host: str) -> str:
    """Return a host name in another script in its IDNA form (UTS 46, as browsers send it);
    ValueError saying why it is no host name."""
    import idna  # here: 16 ms to import, for the few sites with such a host

    try:
        return str(idna.encode(host, uts46=True).decode("ascii"))
    except idna.IDNAError as exc:
        raise ValueError(str(exc)) from exc


# A URL's scheme and authority, and the rest (RFC 3986, appendix B).
_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)", re.S)
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_DEFAULT_PORT = {"http": ":80", "https": ":443"}


def atom_id(uri: str) -> str:
    """Return the Atom ID `uri` with what RFC 3986 lets a reader fold (section 6.2.2) written
    as its normal form: the scheme and the host in lower case, no port that is the scheme's
    own, the hex digits of an escape in upper case. Atom IDs are compared character by
    character (RFC 4287, 4.2.6), so the W3C validator warns on one not in this form (an
    Example.COM of Hugo's baseURL; RSS's guid keeps it as the old site wrote it). A tag: ID,
    and a URL already so, come back as they are."""
    found = _URL.fullmatch(uri)
    if found is None:
        return uri
    scheme, authority, rest = found.groups()
    userinfo, at, hostport = authority.rpartition("@")
    hostport = hostport.lower()
    port = _DEFAULT_PORT.get(scheme.lower())
    if port and hostport.endswith(port):
        hostport = hostport[: -len(port)]
    rest = _ESCAPE.sub(lambda escape: escape.group().upper(), rest)
    return f"{scheme.lower()}://{userinfo}{at}{hostport}{rest}"
