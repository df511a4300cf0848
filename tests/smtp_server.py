"""A scriptable SMTP server on 127.0.0.1 for tests: records what it accepts, fails on cue.

    with FaultySmtpServer() as server:            # or the `smtp_server` fixture
        server.defer("ann@example.com", times=2)  # 451 to her first two RCPTs
        server.reject("bob@example.com")         # 550 to every RCPT for him
        server.drop("cy@example.com")             # hang up in her first DATA
        server.stall("di@example.com", seconds=3) # no reply to her first DATA for 3 s
        server.require_auth("ada", "secret")      # MAIL needs AUTH LOGIN/PLAIN first
        server.refuse_all("554 5.7.1 Quota", at="mail", after=10)  # every MAIL from the 11th
        server.refuse_all("554 No service", at="connect")          # refuse every greeting
        server.hold()                             # answer no DATA until server.release()
        server.clear_faults()                     # the server is fixed
        ... send to server.host, server.port ...
        server.messages, .connections, .logins, .quits, .attempts("ann@example.com")

Faults count per address: "times=N" means the first N tries for that address (RCPTs for
faults at "rcpt", DATA commands carrying it for faults at "data"); `times=None` means always.
Faults for everyone (`refuse_all`) count transactions (MAIL commands) or, at "connect",
connections: "after=N" lets the first N through.
"""

from __future__ import annotations

import asyncio
import email.policy
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"
SERVER_NAME = "faulty.test"


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes  # the message bytes exactly as received (dot-unstuffed)
    message: EmailMessage  # `raw` parsed with email.policy.default
    connection: int  # which connection it came on, counting from 1
    username: str | None  # who had authenticated on that connection
    tls: bool  # whether the connection was encrypted (STARTTLS or implicit TLS)
    mail_options: tuple[str, ...]  # MAIL FROM parameters, e.g. ("BODY=8BITMIME",)
    data_began: float = 0.0  # time.monotonic() when its DATA command arrived


@dataclass
class _Fault:
    kind: str  # "reply" | "drop" | "stall" | "lose-ack"
    at: str  # "rcpt" | "data"
    times: int | None  # None: always
    reply: str = ""
    seconds: float = 0.0
    used: int = 0

    def fires(self) -> bool:
        if self.times is not None and self.used >= self.times:
            return False
        self.used += 1
        return True


@dataclass
class _ServerFault:
    at: str  # "connect" | "mail" | "rcpt" | "data"
    reply: str
    after: int  # transactions (connections, at "connect") let through first
    times: int | None  # None: until cleared
    used: int = 0

    def fires(self, number: int) -> bool:
        if number <= self.after or (self.times is not None and self.used >= self.times):
            return False
        self.used += 1
        return True


class _Protocol(SMTP):
    """aiosmtpd's SMTP with the number of its connection, for the record."""

    connection_number = 0
    greeting: str | None = None  # a refusal to greet with instead of "220"
    data_began = 0.0  # time.monotonic() when the latest DATA command arrived

    async def smtp_DATA(self, arg: str) -> None:
        self.data_began = time.monotonic()
        await super().smtp_DATA(arg)

    async def _handle_client(self) -> None:
        if self.greeting is None:
            await super()._handle_client()  # type: ignore[no-untyped-call]
            return
        await self.push(self.greeting)
        if self.transport is not None:
            self.transport.close()


class _Controller(Controller):
    def __init__(self, owner: FaultySmtpServer, **kwargs: Any) -> None:
        self.owner = owner
        super().__init__(owner, **kwargs)

    def factory(self) -> SMTP:
        protocol = _Protocol(self.handler, **self.SMTP_kwargs)
        protocol.connection_number = self.owner._connection_made()
        protocol.greeting = self.owner._server_fault("connect", protocol.connection_number)
        return protocol

    def _trigger_server(self) -> None:
        # Bound to port 0: learn the real port before aiosmtpd's readiness probe uses it.
        server = cast(asyncio.Server, self.server)
        self.port = server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class FaultySmtpServer:
    """An aiosmtpd server in a thread that records messages and injects scripted faults.

    `ssl_context` makes it speak implicit TLS; `tls_context` makes it offer STARTTLS.
    `auth_mechanisms` limits the AUTH mechanisms offered (default: LOGIN and PLAIN).
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        tls_context: ssl.SSLContext | None = None,
        auth_mechanisms: tuple[str, ...] = ("LOGIN", "PLAIN"),
        smtputf8: bool = True,
    ) -> None:
        self.host = HOST
        self.port = 0
        self._lock = threading.Lock()
        self._messages: list[Received] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._server_faults: list[_ServerFault] = []
        self._transactions = 0
        self._rcpt_counts: Counter[str] = Counter()
        self._data_counts: Counter[str] = Counter()
        self._connections = 0
        self._login_attempts = 0
        self._quits = 0
        self._logins: list[str] = []
        self._credentials: tuple[str, str] | None = None
        excluded = [m for m in ("LOGIN", "PLAIN") if m not in auth_mechanisms]
        self._controller = _Controller(
            self,
            hostname=HOST,
            port=0,
            ssl_context=ssl_context,
            server_hostname=SERVER_NAME,
            tls_context=tls_context,
            authenticator=self._authenticate,
            auth_require_tls=False,
            auth_exclude_mechanism=excluded,
            enable_SMTPUTF8=smtputf8,
        )
        self._running = False
        self.delay = 0.0  # seconds before accepting each message
        self._released = threading.Event()
        self._released.set()
        self._held = 0

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> FaultySmtpServer:
        self._controller.start()
        self.port = self._controller.port
        with self._lock:  # forget aiosmtpd's own readiness probe
            self._connections = 0
        self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._running = False
            self._controller.stop()

    def __enter__(self) -> FaultySmtpServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- scripting ----------------------------------------------------------------------------

    def defer(
        self,
        address: str,
        times: int | None = 1,
        *,
        reply: str = "451 4.3.0 Try again later",
        at: str = "rcpt",
    ) -> None:
        """Answer `reply` (a 4xx) to the first `times` RCPTs (or DATAs) for `address`."""
        self._add(address, _Fault("reply", at, times, reply=reply))

    def reject(
        self,
        address: str,
        *,
        reply: str = "550 5.1.1 Mailbox unavailable",
        at: str = "rcpt",
        times: int | None = None,
    ) -> None:
        """Answer `reply` (a 5xx) to every RCPT (or DATA) for `address`."""
        self._add(address, _Fault("reply", at, times, reply=reply))

    def drop(self, address: str, times: int | None = 1) -> None:
        """Close the connection, unanswered, after the data of the first `times` DATAs."""
        self._add(address, _Fault("drop", "data", times))

    def lose_ack(self, address: str, times: int | None = 1) -> None:
        """Keep the message of the first `times` DATAs, then hang up before saying so: the
        client cannot know the message arrived (a lost acknowledgement)."""
        self._add(address, _Fault("lose-ack", "data", times))

    def stall(self, address: str, times: int | None = 1, *, seconds: float = 5.0) -> None:
        """Say nothing for `seconds` after the data of the first `times` DATAs, then hang up."""
        self._add(address, _Fault("stall", "data", times, seconds=seconds))

    def require_auth(self, username: str, password: str) -> None:
        """Refuse MAIL (530) until the client logs in with these credentials."""
        with self._lock:
            self._credentials = (username, password)

    def refuse_all(
        self, reply: str, *, at: str = "mail", after: int = 0, times: int | None = None
    ) -> None:
        """Answer `reply` at `at` ("connect", "mail", "rcpt" or "data") whoever the mail is
        for: from the transaction (connection, at "connect") after the first `after`, for
        `times` of them (None: until `clear_faults`)."""
        if at not in ("connect", "mail", "rcpt", "data"):
            raise ValueError(f"at must be 'connect', 'mail', 'rcpt' or 'data', not {at!r}")
        with self._lock:
            self._server_faults.append(_ServerFault(at, reply, after, times))

    def hold(self) -> None:
        """Leave every DATA unanswered, its message not yet accepted, until `release`."""
        self._released.clear()

    def release(self) -> None:
        """Answer the DATAs held, and every one after, as usual."""
        self._released.set()

    def clear_faults(self) -> None:
        """Forget every scripted fault: the server is fixed."""
        with self._lock:
            self._faults.clear()
            self._server_faults.clear()

    def _add(self, address: str, fault: _Fault) -> None:
        if fault.at not in ("rcpt", "data"):
            raise ValueError(f"at must be 'rcpt' or 'data', not {fault.at!r}")
        with self._lock:
            self._faults.setdefault(address.lower(), []).append(fault)

    # -- what happened ------------------------------------------------------------------------

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def received_for(self, address: str) -> list[Received]:
        """Return the messages whose envelope recipients include `address`."""
        return [m for m in self.messages if address.lower() in map(str.lower, m.rcpt_tos)]

    @property
    def held(self) -> int:
        """Return how many DATAs are waiting for `release`."""
        with self._lock:
            return self._held

    @property
    def connections(self) -> int:
        with self._lock:
            return self._connections

    @property
    def login_attempts(self) -> int:
        """Return how many AUTH exchanges reached the credential check, right or wrong."""
        with self._lock:
            return self._login_attempts

    @property
    def quits(self) -> int:
        """Return how many QUIT commands arrived."""
        with self._lock:
            return self._quits

    @property
    def logins(self) -> list[str]:
        """Return the user names that authenticated successfully, one per login."""
        with self._lock:
            return list(self._logins)

    @property
    def transactions(self) -> int:
        """Return how many MAIL commands arrived, refused or not."""
        with self._lock:
            return self._transactions

    def attempts(self, address: str) -> int:
        """Return how many RCPT commands named `address`."""
        with self._lock:
            return self._rcpt_counts[address.lower()]

    def data_attempts(self, address: str) -> int:
        """Return how many DATA commands carried `address` as a recipient."""
        with self._lock:
            return self._data_counts[address.lower()]

    # -- aiosmtpd hooks (run in the server's thread) --------------------------------------------

    def _connection_made(self) -> int:
        with self._lock:
            self._connections += 1
            return self._connections

    def _server_fault(self, at: str, number: int | None = None) -> str | None:
        """Return the reply of the first fault for everyone that fires at `at`, if any."""
        with self._lock:
            number = self._transactions if number is None else number
            for fault in self._server_faults:
                if fault.at == at and fault.fires(number):
                    return fault.reply
        return None

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        login = cast(LoginPassword, data)
        username = login.login.decode("utf-8", "replace")
        password = login.password.decode("utf-8", "replace")
        with self._lock:
            self._login_attempts += 1
            if self._credentials is None or (username, password) != self._credentials:
                return AuthResult(success=False, handled=False)
            self._logins.append(username)
        return AuthResult(success=True, auth_data=username)

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        options: list[str],
    ) -> str:
        with self._lock:
            needs_auth = self._credentials is not None
        if needs_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        with self._lock:
            self._transactions += 1
        refusal = self._server_fault("mail")
        if refusal is not None:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_QUIT(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self._lock:
            self._quits += 1
        return "221 Bye"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        options: list[str],
    ) -> str:
        key = address.lower()
        refusal = self._server_fault("rcpt")
        with self._lock:
            self._rcpt_counts[key] += 1
            if refusal is not None:
                return refusal
            for fault in self._faults.get(key, []):
                if fault.at == "rcpt" and fault.fires():
                    return fault.reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        refusal = self._server_fault("data")
        if refusal is not None:
            with self._lock:
                self._data_counts.update(a.lower() for a in envelope.rcpt_tos)
            return refusal
        fault = self._data_fault(envelope.rcpt_tos)
        if fault is not None and fault.kind == "reply":
            return fault.reply
        if fault is not None and fault.kind != "lose-ack":
            if fault.kind == "stall":
                await asyncio.sleep(fault.seconds)
            # Hang up without an answer; our task is then cancelled by connection_lost.
            transport = server.transport
            if transport is not None:
                transport.close()
            await asyncio.sleep(30)
            return "421 4.4.2 Connection dropped"
        if not self._released.is_set():
            with self._lock:
                self._held += 1
            while not self._released.is_set():
                await asyncio.sleep(0.01)
            with self._lock:
                self._held -= 1
        if self.delay:  # a slow server, so a test can interrupt a batch half-way
            await asyncio.sleep(self.delay)
        raw = envelope.original_content or b""
        transport = server.transport
        received = Received(
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            raw=raw,
            message=BytesParser(policy=email.policy.default).parsebytes(raw),
            connection=cast(_Protocol, server).connection_number,
            username=session.auth_data if session.authenticated else None,
            tls=transport is not None and transport.get_extra_info("ssl_object") is not None,
            mail_options=tuple(envelope.mail_options),
            data_began=cast(_Protocol, server).data_began,
        )
        with self._lock:
            self._messages.append(received)
        if fault is not None:  # lose-ack: kept, and the reply never goes out
            if transport is not None:
                transport.close()
            await asyncio.sleep(30)
        return "250 2.0.0 OK queued"

    def _data_fault(self, rcpt_tos: list[str]) -> _Fault | None:
        with self._lock:
            for address in rcpt_tos:
                self._data_counts[address.lower()] += 1
            for address in rcpt_tos:
                for fault in self._faults.get(address.lower(), []):
                    if fault.at == "data" and fault.fires():
                        return fault
        return None


@pytest.fixture(name="smtp_server")
def smtp_server_fixture() -> Iterator[FaultySmtpServer]:
    """Yield a started FaultySmtpServer with no faults scripted; stop it afterwards."""
    with FaultySmtpServer() as server:
        yield server


# The same fixture under two names. conftest.py imports `smtp_server`. A test module that
# takes a `smtp_server` parameter imports `smtp_server_fixture` instead: importing the name
# `smtp_server` there makes every such parameter a ruff F811 (redefinition of an unused import).
smtp_server = smtp_server_fixture
