"""Each reader's way out of the list: their unsubscribe link, and the List-Unsubscribe
field that carries it.

The link is `feedkit serve`'s signed one when `serve.url` is set, else digest.unsubscribe_url
with an HMAC token of the address, else a mailto. The field gives the https link first, for
one-click unsubscribing (RFC 8058), then the mailto (RFC 2369).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from urllib.parse import quote

from feedkit.config import Config
from feedkit.errors import ConfigError, FeedkitError
from feedkit.mail.identity import mail_from
from feedkit.mail.readers import Reader
from feedkit.mail.tokens import Tokens, site_secret, unsubscribe_link
from feedkit.mail.wire import CONTROL, MAX_LINE, HeaderLineTooLong, fold


class UnsubscribeLinks:
    """Makes each reader's unsubscribe link and List-Unsubscribe field for a site."""

    def __init__(
        self, cfg: Config, environ: Mapping[str, str] | None = None, *, sample: bool = False
    ) -> None:
        """`environ`: where the signing secrets are (os.environ by default). `sample`: links
        of `feedkit serve` that unsubscribe nobody, for copies that go to no reader on the
        list (preview, dry run, test copy)."""
        self.cfg = cfg
        self.environ = os.environ if environ is None else environ
        self.sample = sample
        self._tokens: Tokens | None = None

    def unsubscribe_link(self, email: str, reader: Reader | None = None) -> str:
        """Return the reader's unsubscribe link: on `feedkit serve` when `serve.url` is set
        (`reader` is their row on the list), else digest.unsubscribe_url, else a mailto."""
        cfg = self.cfg
        if cfg.serve.url and not cfg.digest.unsubscribe_url:
            return self._service_link(email, reader)
        if cfg.digest.unsubscribe_url:
            token = unsubscribe_token(self.secret(), email)
            url = cfg.digest.unsubscribe_url.format(token=token, email=quote(email, safe=""))
            if not url.isascii() or any(c.isspace() or c in "<>" or CONTROL.match(c) for c in url):
                why = "must be ASCII without spaces or < >; percent-encode other characters"
                raise ConfigError([("digest.unsubscribe_url", why)])
            return url
        return f"mailto:{self._unsubscribe_address()}?subject=unsubscribe"

    def _service_link(self, email: str, reader: Reader | None) -> str:
        if self.sample:  # signed with a throwaway secret: no server accepts it
            throwaway = Tokens(secrets.token_bytes(32))
            if reader is not None and reader.subscription is not None:  # as long as theirs
                return unsubscribe_link(self.cfg, throwaway, reader.id, reader.subscription)
            return unsubscribe_link(self.cfg, throwaway, 0, "sample")
        if reader is None or reader.subscription is None:
            raise FeedkitError(
                f"{email}: not on the reader list, so no unsubscribe link can be made for "
                "them; add them with feedkit subscribers add"
            )
        if self._tokens is None:
            self._tokens = Tokens(site_secret(self.cfg, self.environ))
        return unsubscribe_link(self.cfg, self._tokens, reader.id, reader.subscription)

    def _unsubscribe_address(self) -> str:
        return self.cfg.digest.unsubscribe_email or mail_from(self.cfg)[1]

    def secret(self) -> bytes:
        """Return digest.unsubscribe_url's signing secret, from the environment."""
        name = self.cfg.digest.secret_env
        secret = self.environ.get(name, "")
        if len(secret) < 16:
            raise ConfigError(
                [
                    (
                        "digest.unsubscribe_url",
                        f"needs a secret of at least 16 "
                        f"characters in the environment variable {name}",
                    )
                ]
            )
        return secret.encode()

    def list_unsubscribe(self, email: str, url: str | None = None) -> str:
        """Return the reader's List-Unsubscribe value: the https link first (RFC 8058), then
        the mailto; `url` is their unsubscribe link if already made."""
        url = url or self.unsubscribe_link(email)
        address = quote(self._unsubscribe_address(), safe="@!$'*+=")
        mailto = f"<mailto:{address}?subject=unsubscribe>"
        if not url.startswith("https:"):
            return fold("List-Unsubscribe", [mailto])
        try:
            return fold("List-Unsubscribe", [f"<{url}>,", mailto])
        except HeaderLineTooLong as exc:
            # RFC 2369: no whitespace may be put inside the angle brackets, so no fold there.
            longest = MAX_LINE - len("List-Unsubscribe: <>,")
            why = (
                f"gives a {len(url):,}-character link for {email}, but a List-Unsubscribe "
                f"header line holds at most {longest} characters of link, and a link cannot "
                "be folded; make the URL shorter"
            )
            key = "digest.unsubscribe_url" if self.cfg.digest.unsubscribe_url else "serve.url"
            raise ConfigError([(key, why)]) from exc


def unsubscribe_token(secret: bytes, email: str) -> str:
    """Return the reader's unsubscribe token: an HMAC of the address, unguessable without
    the secret, so a link only ever unsubscribes its own reader."""
    return hmac.new(secret, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]
