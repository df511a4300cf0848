"""Delivery over SMTP: one connection reused for a whole batch, TLS and login, a message's
transient failures retried with backoff, and what fails for everyone (login refused, no
STARTTLS, the sender refused) raised as DeliveryError naming the setting to fix."""

from __future__ import annotations

import email.utils
import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from feedkit.errors import ConfigError
from feedkit.mail.delivery import Closing, DeliveryError, Outcome, recipient_problem
from feedkit.mail.wire import Copy, wire_bytes

log = logging.getLogger("feedkit.mail.delivery")  # the delivery's log: retries, by this name

SECURITY_MODES = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server; the password comes from the environment, never a file."""

    host: str
    port: int = 587
    security: str = "starttls"  # "starttls" | "ssl" (implicit TLS) | "none"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0  # socket timeout: a stalled server becomes a transient failure
    attempts: int = 4  # tries per message for transient failures
    backoff: float = 2.0  # seconds before the 2nd try; doubles each try

    def problems(self) -> list[tuple[str, str]]:
        """Return every `(key, message)` wrong with these settings; empty when usable."""
        modes = ", ".join(map(repr, SECURITY_MODES))
        checks = [
            (not self.host, "smtp.host", "is empty; give the SMTP server's host name"),
            (not 0 < self.port < 65536, "smtp.port", f"{self.port} is not a port (1-65535)"),
            (self.security not in SECURITY_MODES, "smtp.security", f"must be one of {modes}"),
            (
                bool(self.username) and not self.password,
                "smtp.username",
                "is set but the SMTP password is empty; put it in its environment variable",
            ),
            (not self.timeout > 0, "smtp.timeout", "must be more than 0 seconds"),
            (self.attempts < 1, "smtp.attempts", "must be at least 1"),
            (self.backoff < 0, "smtp.backoff", "must not be negative"),
        ]
        return [(key, message) for failed, key, message in checks if failed]


class _TryFailed(Exception):
    """One try failed: a `permanent` failure is reported at once, any other is retried."""

    def __init__(self, detail: str, *, permanent: bool = False, connecting: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent
        self.connecting = connecting  # the server could not be reached (or would not talk)


class SendStopped(Exception):
    """A message was not sent: `before_data` said to stop before its data went."""


def _reply_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


class SmtpSender(Closing):
    """Sends messages over one SMTP connection, reused for the whole batch.

    `send` returns an Outcome for everything that concerns one recipient and raises
    DeliveryError only for what would fail for everyone (login refused, STARTTLS missing,
    the sender refused).
    After the server could not be reached through all attempts, later sends are deferred at
    once instead of waiting through the retries again; a new SmtpSender tries afresh.
    """

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        ssl_context: ssl.SSLContext | None = None,
        envelope: Callable[[str], str] | None = None,
    ) -> None:
        problems = settings.problems()
        if problems:
            raise ConfigError(problems)
        self.settings = settings
        # The envelope sender (MAIL FROM) for a recipient, e.g. their VERP bounce address;
        # None: the message's Sender or From address. The message's bytes are the same.
        self._envelope = envelope
        self._sleep = sleep
        self._ssl_context = ssl_context
        self._smtp: smtplib.SMTP | None = None
        self._unreachable: str | None = None
        # Asked just before each message's data goes (after MAIL and RCPT); it may wait,
        # and False stops the send. Set by whoever sends over several threads (workers.py).
        self.before_data: Callable[[], bool] | None = None

    @property
    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _redact(self, text: str) -> str:
        password = self.settings.password
        return text.replace(password, "********") if password else text

    def send(self, message: EmailMessage | Copy, recipient: str) -> Outcome:
        """Send the message to `recipient`; see the class. If `before_data` says False,
        the transaction is reset, nothing is sent, and SendStopped is raised."""
        problem = recipient_problem(recipient)
        if problem:
            return Outcome("failed", f"bad address {recipient!r}: {problem}")
        if self._unreachable is not None:
            return Outcome("deferred", self._unreachable)
        sender = self._envelope(recipient) if self._envelope else _envelope_sender(message)
        data = wire_bytes(message)
        attempts = self.settings.attempts
        for attempt in range(1, attempts + 1):
            try:
                detail = self._try_once(sender, recipient, data)
            except SendStopped:
                self._reset()
                raise
            except _TryFailed as exc:
                detail = self._redact(exc.detail)
                if exc.permanent:
                    return Outcome("failed", detail)
                if attempt == attempts:
                    deferred = f"{detail} ({attempts} attempts)"
                    if exc.connecting:
                        self._unreachable = deferred
                    return Outcome("deferred", deferred)
                delay = self.settings.backoff * 2 ** (attempt - 1)
                log.warning(
                    "%s: %s (try %d of %d); trying again in %g s",
                    recipient,
                    detail,
                    attempt,
                    attempts,
                    delay,
                )
                self._sleep(delay)
            else:
                return Outcome("sent", self._redact(detail))
        raise AssertionError("unreachable")  # pragma: no cover

    def _try_once(self, sender: str, recipient: str, data: bytes) -> str:
        """Run one mail transaction; return the server's final reply or raise."""
        smtp = self._connection()
        try:
            options: list[str] = []
            if not (sender + recipient).isascii():
                if not smtp.has_extn("smtputf8"):
                    raise _TryFailed(
                        f"{self._where} does not support SMTPUTF8, "
                        f"needed for the address {recipient!r}",
                        permanent=True,
                    )
                options.append("SMTPUTF8")
            if not data.isascii() and smtp.has_extn("8bitmime"):
                options.append("BODY=8BITMIME")
            if smtp.has_extn("size"):
                options.append(f"SIZE={len(data)}")
            code, text = smtp.mail(sender, options)
            self._check(smtp, code, text, sender=sender)
            code, text = smtp.rcpt(recipient)
            self._check(smtp, code, text)
            if self.before_data is not None and not self.before_data():
                raise SendStopped(recipient)
            code, text = smtp.data(data)
            self._check(smtp, code, text)
            return _reply_text(code, text)
        except smtplib.SMTPResponseException as exc:  # smtp.data() raises when DATA is refused
            self._check(smtp, exc.smtp_code, exc.smtp_error)
            raise _TryFailed(_reply_text(exc.smtp_code, exc.smtp_error)) from exc
        except OSError as exc:  # disconnected, timed out, reset (SMTPException is an OSError)
            self._drop()
            raise _TryFailed(str(exc) or type(exc).__name__) from exc

    def _check(
        self, smtp: smtplib.SMTP, code: int, text: bytes | str, *, sender: str | None = None
    ) -> None:
        """Raise for a refused step, leaving the connection ready for the next message.

        `sender` is given for MAIL: a permanent refusal there is a refusal of the sender,
        the same for every recipient, so it raises DeliveryError.
        """
        if 200 <= code < 400:
            return
        if code == 421:  # the server is closing the connection
            self._drop()
        else:
            try:
                smtp.rset()
            except OSError:  # smtplib's errors are OSErrors too
                self._drop()
        if code == 530:  # would be refused for every recipient alike
            raise DeliveryError(
                f"{self._where} requires a login ({self._redact(_reply_text(code, text))}); "
                "set smtp.username and the SMTP password in its environment variable",
                key="smtp.username",
            )
        if sender is not None and 500 <= code < 600:
            raise DeliveryError(
                f"{self._where} refused the sender {sender} "
                f"({self._redact(_reply_text(code, text))}): nobody can be sent mail until "
                "that is fixed",
                key="digest.bounce_address" if self._envelope else "digest.from",
            )
        raise _TryFailed(_reply_text(code, text), permanent=500 <= code < 600)

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None and self._smtp.sock is not None:
            return self._smtp
        self._drop()
        opened: list[smtplib.SMTP] = []
        try:
            self._smtp = self._open(opened)
        except BaseException:
            for smtp in opened:
                _close_quietly(smtp)
            raise
        return self._smtp

    def _tls_context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()

    def _open(self, opened: list[smtplib.SMTP]) -> smtplib.SMTP:
        """Connect, say EHLO, start TLS and log in; raise _TryFailed or DeliveryError.

        The connection goes into `opened` as soon as it exists, for the caller to close if
        a later step fails.
        """
        settings = self.settings
        where = self._where
        key = "smtp.host"  # the setting to blame if the server refuses this step
        try:
            smtp: smtplib.SMTP
            if settings.security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    settings.host,
                    settings.port,
                    timeout=settings.timeout,
                    context=self._tls_context(),
                )
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            opened.append(smtp)
            smtp.ehlo_or_helo_if_needed()
            if settings.security == "starttls":
                key = "smtp.security"
                if not smtp.has_extn("starttls"):
                    raise DeliveryError(
                        f'{where} does not offer STARTTLS; use security = "ssl" if it '
                        'expects TLS from the start (usually port 465), or "none" only '
                        "for a server on this machine",
                        key=key,
                    )
                code, text = smtp.starttls(context=self._tls_context())
                if code != 220:
                    raise smtplib.SMTPResponseException(code, text)
                smtp.ehlo()
            if settings.username:
                key = "smtp.username"
                smtp.login(settings.username, settings.password or "")
            return smtp
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError) as exc:
            raise _TryFailed(f"cannot connect to {where}: {exc}", connecting=True) from exc
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(
                f"TLS with {where} failed: its certificate is not trusted "
                f"({exc.verify_message or exc.reason}); check smtp.host against the name in "
                "the certificate",
                key="smtp.security",
            ) from exc
        except ssl.SSLError as exc:
            raise DeliveryError(
                f"TLS with {where} failed ({exc.reason or exc}); check smtp.security and "
                "smtp.port: implicit TLS (ssl) is usually port 465, starttls port 587",
                key="smtp.security",
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:  # from login(): no AUTH offered
            raise DeliveryError(
                f"{where} does not offer AUTH; remove smtp.username if it needs no login, "
                'or use security = "starttls" or "ssl" if it offers AUTH only over TLS',
                key=key,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            reply = self._redact(_reply_text(exc.smtp_code, exc.smtp_error))
            if 400 <= exc.smtp_code < 500:
                raise _TryFailed(f"cannot connect to {where}: {reply}", connecting=True) from exc
            if key == "smtp.username":
                message = (
                    f"{where} refused the login for {settings.username!r} ({reply}); check "
                    "smtp.username and the SMTP password in its environment variable"
                )
            elif key == "smtp.security":
                message = f"{where} refused STARTTLS: {reply}"
            else:
                message = f"{where} refuses to take mail from this host: {reply}"
            raise DeliveryError(message, key=key) from exc
        except smtplib.SMTPServerDisconnected as exc:
            detail = self._redact(str(exc) or type(exc).__name__)
            raise _TryFailed(f"cannot connect to {where}: {detail}", connecting=True) from exc
        except smtplib.SMTPException as exc:  # e.g. no AUTH mechanism in common
            raise DeliveryError(
                f"cannot log in at {where}: {self._redact(str(exc))}", key=key
            ) from exc
        except OSError as exc:  # refused, unreachable, timed out, reset
            detail = self._redact(str(exc) or type(exc).__name__)
            raise _TryFailed(f"cannot connect to {where}: {detail}", connecting=True) from exc

    def _reset(self) -> None:
        """End the transaction begun (RSET), keeping the connection if it still works."""
        if self._smtp is not None:
            try:
                self._smtp.rset()
            except OSError:
                self._drop()

    def _drop(self) -> None:
        """Forget the connection without a goodbye: it is broken or being replaced."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            _close_quietly(smtp)

    def close(self) -> None:
        """Say QUIT and close the connection; errors are ignored, the batch is over."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            if smtp.sock is not None:
                smtp.quit()
        except OSError:
            pass
        finally:
            _close_quietly(smtp)


def _close_quietly(smtp: smtplib.SMTP) -> None:
    try:
        smtp.close()
    except OSError:
        pass


def _envelope_sender(message: EmailMessage | Copy) -> str:
    """Return the envelope sender: the Sender header's address, else the From header's."""
    if isinstance(message, Copy):
        return message.sender
    header = message.get("Sender") or message.get("From")
    if header is None:
        raise DeliveryError("the message has no From header to take the envelope sender from")
    addresses = email.utils.getaddresses([str(header)])
    if not addresses or not addresses[0][1]:
        raise DeliveryError(f"the message's sender {str(header)!r} holds no address")
    return addresses[0][1]
