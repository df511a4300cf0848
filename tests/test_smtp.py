"""Delivery over SMTP against a local server that fails on cue."""

from __future__ import annotations

import dataclasses
import email.policy
import logging
import shutil
import socket
import ssl
import subprocess
import time
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest

from feedkit.errors import ConfigError
from feedkit.mail.delivery import DeliveryError, Outcome
from feedkit.mail.smtp import SmtpSender, SmtpSettings

from smtp_server import FaultySmtpServer, smtp_server_fixture  # noqa: F401

ANN = "ann@example.com"
BOB = "bob@example.com"


def make_message(to: str = ANN, subject: str = "Two new posts 🎉 this week") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Ada Quill <ada@example.org>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = "<digest-7.ann@example.org>"
    message.set_content("Hello ✓ — two new posts.\n\n.a line that starts with a dot\n")
    message.add_alternative("<p>Hello ✓ — two new posts.</p>\n", subtype="html")
    return message


def settings_for(server: FaultySmtpServer, **changes: Any) -> SmtpSettings:
    plain = SmtpSettings(host=server.host, port=server.port, security="none", timeout=5.0)
    return dataclasses.replace(plain, **changes)


def no_sleep(seconds: float) -> None:
    raise AssertionError(f"unexpected retry (it would wait {seconds} s)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- SMTP: the happy path ----------------------------------------------------------------------


def test_message_arrives_byte_for_byte(smtp_server: FaultySmtpServer) -> None:
    message = make_message()
    sleeps: list[float] = []
    with SmtpSender(settings_for(smtp_server), sleep=sleeps.append) as sender:
        outcome = sender.send(message, ANN)

    assert outcome == Outcome("sent", "250 2.0.0 OK queued")
    [received] = smtp_server.messages
    assert received.raw == message.as_bytes(policy=email.policy.SMTP)
    assert received.message["Subject"] == "Two new posts 🎉 this week"
    [text] = [
        part.get_content()
        for part in received.message.walk()
        if part.get_content_type() == "text/plain"
    ]
    assert (
        text.replace("\r\n", "\n") == "Hello ✓ — two new posts.\n\n.a line that starts with a dot\n"
    )
    assert received.mail_from == "ada@example.org"
    assert received.rcpt_tos == (ANN,)
    assert sleeps == []


def test_envelope_recipient_is_the_given_address_not_the_to_header(
    smtp_server: FaultySmtpServer,
) -> None:
    with SmtpSender(settings_for(smtp_server), sleep=no_sleep) as sender:
        outcome = sender.send(make_message(to="Test Copy <preview@example.org>"), ANN)

    assert outcome.status == "sent"
    [received] = smtp_server.messages
    assert received.rcpt_tos == (ANN,)
    assert received.message["To"] == "Test Copy <preview@example.org>"


def test_one_connection_serves_a_whole_batch(smtp_server: FaultySmtpServer) -> None:
    recipients = [f"reader{n}@example.com" for n in range(5)]
    with SmtpSender(settings_for(smtp_server), sleep=no_sleep) as sender:
        outcomes = [sender.send(make_message(to=r), r) for r in recipients]

    assert [o.status for o in outcomes] == ["sent"] * 5
    assert smtp_server.connections == 1
    assert [m.rcpt_tos for m in smtp_server.messages] == [(r,) for r in recipients]
    assert {m.connection for m in smtp_server.messages} == {1}


def test_close_says_quit_and_ignores_errors(smtp_server: FaultySmtpServer) -> None:
    sender = SmtpSender(settings_for(smtp_server), sleep=no_sleep)
    sender.send(make_message(), ANN)
    sender.close()
    sender.close()
    assert smtp_server.quits == 1

    sender.send(make_message(), ANN)
    smtp_server.stop()  # the server goes away; QUIT cannot be answered
    sender.close()


def test_connection_is_opened_lazily_on_first_send(smtp_server: FaultySmtpServer) -> None:
    with SmtpSender(settings_for(smtp_server), sleep=no_sleep):
        assert smtp_server.connections == 0


# -- SMTP: transient failures are retried -------------------------------------------------------


def test_451_then_success_is_retried_and_delivered_once(
    smtp_server: FaultySmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.defer(ANN, times=1)
    sleeps: list[float] = []
    with caplog.at_level(logging.WARNING, logger="feedkit.mail.delivery"):
        with SmtpSender(settings_for(smtp_server), sleep=sleeps.append) as sender:
            outcome = sender.send(make_message(), ANN)

    assert outcome.status == "sent"
    assert sleeps == [2.0]
    assert smtp_server.attempts(ANN) == 2
    assert len(smtp_server.received_for(ANN)) == 1
    assert len(smtp_server.messages) == 1
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "451" in record.getMessage() and ANN in record.getMessage()


def test_451_forever_is_deferred_after_all_attempts(
    smtp_server: FaultySmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.defer(ANN, times=None)
    sleeps: list[float] = []
    with caplog.at_level(logging.WARNING, logger="feedkit.mail.delivery"):
        with SmtpSender(settings_for(smtp_server), sleep=sleeps.append) as sender:
            outcome = sender.send(make_message(), ANN)

    assert outcome == Outcome("deferred", "451 4.3.0 Try again later (4 attempts)")
    assert sleeps == [2.0, 4.0, 8.0]
    assert smtp_server.attempts(ANN) == 4
    assert smtp_server.messages == []
    assert len(caplog.records) == 3
    assert all("451" in r.getMessage() and ANN in r.getMessage() for r in caplog.records)


def test_attempts_and_backoff_come_from_the_settings(smtp_server: FaultySmtpServer) -> None:
    smtp_server.defer(ANN, times=None)
    sleeps: list[float] = []
    settings = settings_for(smtp_server, attempts=3, backoff=0.5)
    with SmtpSender(settings, sleep=sleeps.append) as sender:
        outcome = sender.send(make_message(), ANN)

    assert outcome.status == "deferred"
    assert sleeps == [0.5, 1.0]
    assert smtp_server.attempts(ANN) == 3


def test_421_closes_the_connection_and_retries_on_a_new_one(
    smtp_server: FaultySmtpServer,
) -> None:
    smtp_server.defer(ANN, times=1, reply="421 4.7.0 Closing connection")
    sleeps: list[float] = []
    with SmtpSender(settings_for(smtp_server), sleep=sleeps.append) as sender:
        outcome = sender.send(make_message(), ANN)

    assert outcome.status == "sent"
    assert sleeps == [2.0]
    assert smtp_server.connections == 2
    assert [m.connection for m in smtp_server.messages] == [2]


def test_connection_dropped_during_data_is_retried_on_a_new_connection(
    smtp_server: FaultySmtpServer,
) -> None:
    smtp_server.drop(ANN, times=1)
    sleeps: list[float] = []
    with SmtpSender(settings_for(smtp_server), sleep=sleeps.append) as sender:
        outcome = sender.send(make_message(), ANN)

    assert outcome.status == "sent"
    assert sleeps == [2.0]
    assert smtp_server.data_attempts(ANN) == 2
    assert smtp_server.connections == 2
    [received] = smtp_server.messages
    assert received.connection == 2


def test_stalled_server_times_out_and_is_retried(smtp_server: FaultySmtpServer) -> None:
    smtp_server.stall(ANN, times=1, seconds=5.0)
    sleeps: list[float] = []
    started = time.monotonic()
    with SmtpSender(settings_for(smtp_server, timeout=0.5), sleep=sleeps.append) as sender:
        outcome = sender.send(make_message(), ANN)
    elapsed = time.monotonic() - started

    assert outcome.status == "sent"
    assert elapsed < 3.0, "the client waited for the stalled server instead of timing out"
    assert sleeps == [2.0]
    assert smtp_server.connections == 2
    assert len(smtp_server.received_for(ANN)) == 1


def test_connection_refused_is_deferred_with_cannot_connect() -> None:
    port = free_port()
    sleeps: list[float] = []
    settings = SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=2.0)
    with SmtpSender(settings, sleep=sleeps.append) as sender:
        first = sender.send(make_message(), ANN)
        second = sender.send(make_message(to=BOB), BOB)

    assert first.status == "deferred"
    assert first.detail.startswith(f"cannot connect to 127.0.0.1:{port}: ")
    assert first.detail.endswith("(4 attempts)")
    # The server is down for everyone: the rest of the batch is deferred without waiting.
    assert second == first
    assert sleeps == [2.0, 4.0, 8.0]


# -- SMTP: permanent failures are not retried ----------------------------------------------------


@pytest.mark.parametrize("at", ["rcpt", "data"])
def test_550_fails_one_recipient_and_the_next_still_gets_mail(
    smtp_server: FaultySmtpServer, at: str
) -> None:
    smtp_server.reject(BOB, at=at)
    sleeps: list[float] = []
    with SmtpSender(settings_for(smtp_server), sleep=sleeps.append) as sender:
        refused = sender.send(make_message(to=BOB), BOB)
        delivered = sender.send(make_message(), ANN)

    assert refused == Outcome("failed", "550 5.1.1 Mailbox unavailable")
    assert delivered.status == "sent"
    assert sleeps == []
    assert smtp_server.attempts(BOB) == 1
    assert smtp_server.received_for(BOB) == []
    assert [m.rcpt_tos for m in smtp_server.messages] == [(ANN,)]
    assert smtp_server.connections == 1


def test_bad_address_fails_without_talking_to_the_server(smtp_server: FaultySmtpServer) -> None:
    with SmtpSender(settings_for(smtp_server), sleep=no_sleep) as sender:
        outcome = sender.send(make_message(), "ann@example.com>\r\nRCPT TO:<evil@example.com")

    assert outcome.status == "failed"
    assert outcome.detail.startswith("bad address")
    assert smtp_server.connections == 0


# -- SMTP: what fails for everyone stops the batch -----------------------------------------------


def test_auth_is_used_when_a_username_is_set(smtp_server: FaultySmtpServer) -> None:
    smtp_server.require_auth("ada", "s3cret")
    settings = settings_for(smtp_server, username="ada", password="s3cret")
    with SmtpSender(settings, sleep=no_sleep) as sender:
        outcomes = [sender.send(make_message(), ANN), sender.send(make_message(to=BOB), BOB)]

    assert [o.status for o in outcomes] == ["sent", "sent"]
    assert smtp_server.logins == ["ada"]  # once per connection, not per message
    assert [m.username for m in smtp_server.messages] == ["ada", "ada"]


def test_wrong_password_raises_without_showing_it(
    smtp_server: FaultySmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.require_auth("ada", "right-password")
    settings = settings_for(smtp_server, username="ada", password="s3cret")
    sleeps: list[float] = []
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(DeliveryError) as caught:
            with SmtpSender(settings, sleep=sleeps.append) as sender:
                sender.send(make_message(), ANN)

    error = caught.value
    assert "smtp.username" in str(error)
    assert "535" in str(error)
    assert "s3cret" not in str(error)
    assert "s3cret" not in repr(error.args)
    assert "s3cret" not in caplog.text
    assert smtp_server.login_attempts >= 1
    assert smtp_server.logins == []
    assert smtp_server.messages == []
    assert sleeps == []


def test_server_that_requires_a_login_raises_when_no_username_is_set(
    smtp_server: FaultySmtpServer,
) -> None:
    smtp_server.require_auth("ada", "s3cret")
    with pytest.raises(DeliveryError, match=r"^smtp\.username: .* requires a login \(530 "):
        with SmtpSender(settings_for(smtp_server), sleep=no_sleep) as sender:
            sender.send(make_message(), ANN)
    assert smtp_server.messages == []


def test_no_common_auth_mechanism_raises_naming_smtp_username() -> None:
    with FaultySmtpServer(auth_mechanisms=()) as server:
        settings = settings_for(server, username="ada", password="s3cret")
        with pytest.raises(DeliveryError, match=r"^smtp\.username: cannot log in"):
            with SmtpSender(settings, sleep=no_sleep) as sender:
                sender.send(make_message(), ANN)


def test_starttls_against_a_server_without_it_raises_naming_smtp_security(
    smtp_server: FaultySmtpServer,
) -> None:
    settings = settings_for(smtp_server, security="starttls")
    sleeps: list[float] = []
    with pytest.raises(DeliveryError, match=r"^smtp\.security: .*does not offer STARTTLS"):
        with SmtpSender(settings, sleep=sleeps.append) as sender:
            sender.send(make_message(), ANN)
    assert smtp_server.messages == []
    assert sleeps == []


@pytest.mark.parametrize(
    "reply",
    ["554 5.7.1 Sender address rejected: Access denied", "550 5.4.5 Daily sending quota exceeded"],
)
def test_a_refused_sender_raises_naming_digest_from_without_retrying(
    smtp_server: FaultySmtpServer, reply: str
) -> None:
    smtp_server.refuse_all(reply, at="mail")
    expected = (
        f"digest.from: 127.0.0.1:{smtp_server.port} refused the sender ada@example.org "
        f"({reply}): nobody can be sent mail until that is fixed"
    )
    with SmtpSender(settings_for(smtp_server), sleep=no_sleep) as sender:
        with pytest.raises(DeliveryError) as caught:
            sender.send(make_message(), ANN)
        assert str(caught.value) == expected
        smtp_server.clear_faults()  # the connection is still good for the next message
        assert sender.send(make_message(), ANN).status == "sent"
    assert smtp_server.transactions == 2
    assert smtp_server.attempts(ANN) == 1
    assert smtp_server.connections == 1


def test_a_transient_refusal_of_the_sender_is_retried(smtp_server: FaultySmtpServer) -> None:
    smtp_server.refuse_all("451 4.7.1 Rate limited, slow down", at="mail", times=2)
    sleeps: list[float] = []
    with SmtpSender(settings_for(smtp_server), sleep=sleeps.append) as sender:
        outcome = sender.send(make_message(), ANN)
    assert outcome.status == "sent"
    assert sleeps == [2.0, 4.0]
    assert smtp_server.transactions == 3
    assert len(smtp_server.received_for(ANN)) == 1


def test_message_without_from_raises(smtp_server: FaultySmtpServer) -> None:
    message = make_message()
    del message["From"]
    with pytest.raises(DeliveryError, match="no From header"):
        with SmtpSender(settings_for(smtp_server), sleep=no_sleep) as sender:
            sender.send(message, ANN)


# -- SMTP over TLS -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return a self-signed certificate for 127.0.0.1 and its key."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def test_starttls_encrypts_before_login(certificate: tuple[Path, Path]) -> None:
    with FaultySmtpServer(tls_context=server_context(certificate)) as server:
        server.require_auth("ada", "s3cret")
        settings = settings_for(server, security="starttls", username="ada", password="s3cret")
        with SmtpSender(
            settings, sleep=no_sleep, ssl_context=client_context(certificate)
        ) as sender:
            outcome = sender.send(make_message(), ANN)

        assert outcome.status == "sent"
        [received] = server.messages
        assert received.tls
        assert received.username == "ada"


def test_implicit_tls(certificate: tuple[Path, Path]) -> None:
    with FaultySmtpServer(ssl_context=server_context(certificate)) as server:
        settings = settings_for(server, security="ssl")
        with SmtpSender(
            settings, sleep=no_sleep, ssl_context=client_context(certificate)
        ) as sender:
            outcome = sender.send(make_message(), ANN)

        assert outcome.status == "sent"
        assert [m.tls for m in server.messages] == [True]


def test_untrusted_certificate_raises_naming_smtp_security(
    certificate: tuple[Path, Path],
) -> None:
    with FaultySmtpServer(ssl_context=server_context(certificate)) as server:
        settings = settings_for(server, security="ssl")
        sleeps: list[float] = []
        untrusting = ssl.create_default_context()
        with pytest.raises(DeliveryError, match=r"^smtp\.security: TLS with .* failed"):
            with SmtpSender(settings, sleep=sleeps.append, ssl_context=untrusting) as sender:
                sender.send(make_message(), ANN)
        assert server.messages == []
        assert sleeps == []


def test_implicit_tls_against_a_plain_server_raises_naming_smtp_security(
    smtp_server: FaultySmtpServer,
) -> None:
    settings = settings_for(smtp_server, security="ssl")
    sleeps: list[float] = []
    with pytest.raises(DeliveryError, match=r"^smtp\.security: TLS with .* failed"):
        with SmtpSender(settings, sleep=sleeps.append) as sender:
            sender.send(make_message(), ANN)
    assert sleeps == []


# -- settings ------------------------------------------------------------------------------------


def test_settings_repr_hides_the_password() -> None:
    settings = SmtpSettings(host="mail.example.com", username="ada", password="s3cret")
    assert "s3cret" not in repr(settings)
    assert "s3cret" not in str(settings)
    assert "ada" in repr(settings)


def test_bad_settings_are_all_reported_at_once() -> None:
    settings = SmtpSettings(host="", security="tls", username="ada", attempts=0)
    with pytest.raises(ConfigError) as caught:
        SmtpSender(settings)
    keys = [key for key, _ in caught.value.problems]
    assert keys == ["smtp.host", "smtp.security", "smtp.username", "smtp.attempts"]


def test_internationalised_recipient_is_sent_with_smtputf8(smtp_server: FaultySmtpServer) -> None:
    message = make_message()
    del message["To"]
    message["To"] = "chloé@example.fr"
    message = BytesParser(policy=email.policy.SMTPUTF8).parsebytes(
        message.as_bytes(policy=email.policy.SMTPUTF8)
    )
    with SmtpSender(settings_for(smtp_server), sleep=no_sleep) as sender:
        outcome = sender.send(message, "chloé@example.fr")

    assert outcome.status == "sent", outcome
    [received] = smtp_server.messages
    assert received.rcpt_tos == ("chloé@example.fr",)
    assert "SMTPUTF8" in received.mail_options
    assert "To: chloé@example.fr\r\n".encode() in received.raw
