"""Who feedkit's mail says it is from, and how it names its list: the From of every
message (`digest.from`), the List-Id (RFC 2919), and the Message-ID of each reader's copy of
a digest, the same on every resend."""

from __future__ import annotations

import hashlib
import re
import secrets
from urllib.parse import urlsplit

from feedkit.asciiurl import idna_host
from feedkit.config import Config
from feedkit.errors import ConfigError
from feedkit.servicekeys import named_address

_LIST_ID = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


def mail_from(cfg: Config, need: str = "to send a digest") -> tuple[str, str]:
    """Return the display name and address feedkit's mail comes from (`digest.from`);
    ConfigError saying it is required `need` when it is not set."""
    if not cfg.digest.sender:
        raise ConfigError(
            [("digest.from", f'is required {need}, e.g. from = "Ada Quill <ada@example.org>"')]
        )
    try:
        name, address = named_address(cfg.digest.sender)  # checked as the config loaded
    except ValueError as exc:
        raise ConfigError([("digest.from", str(exc))]) from exc
    return name or cfg.title, address


def sender_address(cfg: Config) -> str:
    """Return the address digests are sent from (digest.from's)."""
    return mail_from(cfg)[1]


def list_id(cfg: Config) -> str:
    """Return the list's identifier (RFC 2919): digest.list_id, else the site's host name."""
    label = cfg.digest.list_id or (urlsplit(cfg.base_url).hostname or "feedkit.invalid")
    try:  # as every URL feedkit writes names the host: UTS 46, straße -> xn--strae-oqa
        label = label if label.isascii() else idna_host(label)
    except ValueError:
        pass  # reported just below
    if not _LIST_ID.fullmatch(label) or len(label) > 255:
        why = f"{label!r} cannot identify a list: use a host name under your control, e.g. "
        why += 'list_id = "blog.example.org" (letters, digits, dots, at most 255)'
        raise ConfigError([("digest.list_id", why)])
    return label


def message_id(digest: str, email: str, domain: str) -> str:
    """Return the Message-ID for one reader's copy of a digest: the same on every resend."""
    who = hashlib.sha256(f"{digest}\n{email.lower()}".encode()).hexdigest()[:16]
    return f"<{digest}.{who}@{domain}>"


# A reader's copy's Message-ID as `message_id` makes it: the digest's ID (digest_id's
# "20261208-090000-1a2b3c4d") first.
_READERS_COPY = re.compile(r"<(\d{8}-\d{6}-[0-9a-f]{8})\.[0-9a-f]{16}@[^>]*>")


def digest_of(message_id: str) -> str | None:
    """Return the ID of the digest whose reader's copy has `message_id`, None when it is
    no Message-ID `message_id` gives."""
    m = _READERS_COPY.fullmatch(message_id.strip())
    return m[1] if m else None


def message_id_of_test_copy(digest: str, domain: str) -> str:
    """Return a Message-ID for one test copy of a digest, never given before: a mailbox
    drops a message whose Message-ID it holds, so a test copy with the reader's would hide
    the digest itself, and one like an earlier test copy would hide the newer."""
    return f"<test.{digest}.{secrets.token_hex(8)}@{domain}>"
