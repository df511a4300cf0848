"""Signed links for confirming and unsubscribing, and the secret that signs them.

Tokens are itsdangerous-signed (HMAC-SHA256 with a salt per purpose, so one kind of
token can never be used as the other) and carry a reader's number and a nonce the reader
list stores, never an address: a link in a proxy's log names nobody. The list decides
whether a nonce is still good (a used confirmation, or an unsubscribe link from a
subscription since replaced, is refused there); the token says only that feedkit made it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from itsdangerous import BadData, URLSafeSerializer

from feedkit.config import Config
from feedkit.errors import ConfigError, FeedkitError

SECRET_BYTES = 32
MIN_SECRET = 16
CLOCK_SKEW = timedelta(minutes=5)  # a link made by a machine whose clock runs ahead


class TokenError(FeedkitError):
    """A link's token is not one feedkit made, or no longer good; the message says
    nothing about which addresses exist."""


@dataclass(frozen=True)
class ConfirmToken:
    reader_id: int
    nonce: str
    made: datetime


@dataclass(frozen=True)
class UnsubscribeToken:
    reader_id: int
    subscription: str


def secret_path(cfg: Config) -> Path:
    """The secret kept beside the state database when the environment gives none."""
    state = cfg.path(cfg.digest.state)
    return state.with_name(state.name + ".secret")


def site_secret(cfg: Config, environ: Mapping[str, str] | None = None) -> bytes:
    """Return the signing secret: the environment variable `digest.secret_env` when set,
    else a random one kept in a 0600 file beside the state database, made on first use
    (the digest sender and `feedkit serve` on one machine share it)."""
    environ = os.environ if environ is None else environ
    name = cfg.digest.secret_env
    given = environ.get(name)
    if given is not None:
        if len(given) < MIN_SECRET:
            raise ConfigError(
                [("digest.secret_env", f"{name} must hold at least {MIN_SECRET} characters")]
            )
        return given.encode()
    path = secret_path(cfg)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise FeedkitError(f"{path}: cannot create the signing secret: {exc.strerror}") from exc
    else:
        with os.fdopen(fd, "wb") as file:
            file.write(secrets.token_hex(SECRET_BYTES).encode())
            file.flush()
            os.fsync(file.fileno())
    try:
        secret = path.read_bytes().strip()
    except OSError as exc:
        raise FeedkitError(f"{path}: cannot read the signing secret: {exc.strerror}") from exc
    if len(secret) < MIN_SECRET:
        raise FeedkitError(
            f"{path}: the signing secret is too short; delete the file to make a new one "
            "(links in mails already sent stop working)"
        )
    return secret


class Tokens:
    def __init__(self, secret: bytes) -> None:
        self._confirm = URLSafeSerializer(secret, salt="feedkit confirm")
        self._unsubscribe = URLSafeSerializer(secret, salt="feedkit unsubscribe")

    def confirm(self, reader_id: int, nonce: str, made: datetime) -> str:
        return self._confirm.dumps([reader_id, nonce, int(made.timestamp())])

    def read_confirm(self, token: str, now: datetime, valid_for: timedelta) -> ConfirmToken:
        """Return the confirmation a link carries; TokenError if forged or expired."""
        try:
            reader_id, nonce, made = self._confirm.loads(token)
            when = datetime.fromtimestamp(made, UTC)
            good = isinstance(reader_id, int) and isinstance(nonce, str)
        except (BadData, ValueError, TypeError, OverflowError, OSError):
            good = False
        if not good:
            raise TokenError("this confirmation link is not valid")
        if not -CLOCK_SKEW <= now - when <= valid_for:
            raise TokenError("this confirmation link has expired; please sign up again")
        return ConfirmToken(reader_id, nonce, when)

    def unsubscribe(self, reader_id: int, subscription: str) -> str:
        return self._unsubscribe.dumps([reader_id, subscription])

    def read_unsubscribe(self, token: str) -> UnsubscribeToken:
        """Return the subscription a link names; TokenError if feedkit did not make it."""
        try:
            reader_id, subscription = self._unsubscribe.loads(token)
            good = isinstance(reader_id, int) and isinstance(subscription, str)
        except (BadData, ValueError, TypeError):
            good = False
        if not good:
            raise TokenError("this unsubscribe link is not valid")
        return UnsubscribeToken(reader_id, subscription)


def service_link(cfg: Config, path: str) -> str:
    """Return the public URL of `path` on `feedkit serve` (`serve.url` must be set)."""
    if cfg.serve.url is None:
        raise ConfigError([("serve.url", "is required: links in mails point at feedkit serve")])
    return cfg.serve.url + path


def confirm_link(cfg: Config, tokens: Tokens, reader_id: int, nonce: str, made: datetime) -> str:
    """The link of a confirmation mail: `GET` shows a page whose button confirms."""
    return service_link(cfg, "confirm/" + tokens.confirm(reader_id, nonce, made))


def unsubscribe_link(cfg: Config, tokens: Tokens, reader_id: int, subscription: str) -> str:
    """A reader's unsubscribe link: RFC 8058 one-click `POST`, or a confirm page on `GET`."""
    return service_link(cfg, "unsubscribe/" + tokens.unsubscribe(reader_id, subscription))
