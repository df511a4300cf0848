"""VERP: each reader's copy of a digest goes out from its own envelope sender, so the mail
that comes back names its reader whatever the bounce says.

`bounces@example.org` becomes `bounces+<tag>@example.org` for each reader. The tag is an
HMAC of the reader's address with the site secret, cut to 80 bits and written in lower-case
base32: only letters and digits (safe in a local part, unchanged by servers that lower-case
it), and nobody without the secret can make the tag of another reader, so a forged bounce
cannot take someone off the list. The tag carries no address: it is read back by computing
the tags of the readers on the list.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from email.utils import getaddresses

TAG_BYTES = 10  # 80 bits: 16 base32 characters
TAG_LENGTH = 16


def verp_tag(secret: bytes, address: str) -> str:
    """Return the reader's tag: the same for every digest, unguessable without the secret."""
    key = address.strip().lower().encode("utf-8", "surrogatepass")
    mac = hmac.new(secret, b"feedkit verp\n" + key, hashlib.sha256).digest()[:TAG_BYTES]
    return base64.b32encode(mac).decode("ascii").lower()


def verp_address(bounce_address: str, secret: bytes, recipient: str) -> str:
    """Return the envelope sender of `recipient`'s copy: `local+tag@domain`."""
    local, _, domain = bounce_address.rpartition("@")
    return f"{local}+{verp_tag(secret, recipient)}@{domain}"


def find_tag(bounce_address: str, fields: Iterable[str]) -> str | None:
    """Return the first VERP tag in address header values `fields`, or None."""
    local, _, domain = bounce_address.lower().rpartition("@")
    for _, address in getaddresses([str(f) for f in fields]):
        left, _, right = address.strip().lower().rpartition("@")
        tag = left[len(local) + 1 :]
        if (
            right == domain
            and left.startswith(local + "+")
            and len(tag) == TAG_LENGTH
            and tag.isalnum()
        ):
            return tag
    return None
