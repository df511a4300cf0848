"""`[smtp] connections = N`: real `feedkit digest` processes sending over N connections to a
real SMTP server, each reader recorded once, kill -9 and a refusing server included."""

from __future__ import annotations

import time
from pathlib import Path

from test_robustness import (
    copies,
    feedkit,
    finish,
    kill_mid_send_then_rerun,
    new_post_digest_prepared,
    smtp_site,
    wait_for,
)

from feedkit.mail.smtp import SmtpSender, SmtpSettings
from feedkit.mail.state import State
from feedkit.mail.wire import Copy
from feedkit.mail.workers import Workers

from smtp_server import FaultySmtpServer, smtp_server_fixture  # noqa: F401


def site(tmp_path: Path, server: FaultySmtpServer, readers: int, connections: int) -> Path:
    config = smtp_site(tmp_path, server, readers)
    with config.open("a") as toml:  # [smtp] is the file's last table
        toml.write(f"connections = {connections}\n")
    new_post_digest_prepared(config, tmp_path)
    return config


def statuses(tmp_path: Path) -> dict[str, str]:
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        assert state.integrity_ok()
        ((_, readers),) = state.recent_digests()
        return {r.email: r.status for r in readers}


def test_every_reader_gets_one_copy_over_n_connections(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = site(tmp_path, smtp_server, 30, connections=3)
    smtp_server.delay = 0.02  # slow enough that every connection gets work
    code, out, err = finish(feedkit(config, "digest"))
    assert code == 0, err
    assert "30 sent" in out
    assert smtp_server.connections == 3 and smtp_server.quits == 3
    assert {m.connection for m in smtp_server.messages} == {1, 2, 3}
    got = copies(smtp_server)
    assert set(got) == {f"reader{i:03d}@example.org" for i in range(30)}
    assert set(got.values()) == {1}
    assert set(statuses(tmp_path).values()) == {"sent"}
    code, out, err = finish(feedkit(config, "digest"))
    assert code == 0 and out.startswith("No new posts"), err
    assert len(smtp_server.messages) == 30


def test_kill_9_over_n_connections_sends_at_most_n_messages_again(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = site(tmp_path, smtp_server, 200, connections=3)
    kill_mid_send_then_rerun(config, smtp_server, 200, delay=0.02, in_flight=3)
    assert set(statuses(tmp_path).values()) == {"sent"}


def test_a_refusing_server_stops_every_connection_and_nobody_is_lost(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = site(tmp_path, smtp_server, 60, connections=3)
    smtp_server.delay = 0.02
    smtp_server.refuse_all("554 5.7.1 Sending paused for this account", at="mail", after=20)
    code, out, err = finish(feedkit(config, "digest"))
    assert code == 1
    assert "refused the sender" in err and "The batch stopped" in err, err
    assert smtp_server.connections == 3 and smtp_server.quits == 3  # each said goodbye
    sent = [e for e, status in statuses(tmp_path).items() if status == "sent"]
    # Every message sent is recorded. Of the 20 transactions let through, those begun on
    # other connections when the refusal came were reset before their data: at most 3.
    assert len(sent) == len(smtp_server.messages)
    assert 20 - 3 <= len(sent) <= 20
    assert set(statuses(tmp_path).values()) == {"sent", "pending"}

    smtp_server.clear_faults()
    smtp_server.delay = 0
    code, out, err = finish(feedkit(config, "digest"))
    assert code == 0, err
    got = copies(smtp_server)
    assert len(got) == 60 and set(got.values()) == {1}


def test_a_connection_begins_the_next_message_but_sends_its_data_only_once_the_last_is_recorded(
    smtp_server: FaultySmtpServer,
) -> None:
    settings = SmtpSettings(host=smtp_server.host, port=smtp_server.port, security="none")
    workers = Workers(lambda: SmtpSender(settings), 1)
    try:
        workers.submit(
            "a@example.org", Copy(b"Subject: A\r\n\r\nA\r\n", "s@example.org"), "a@example.org"
        )
        first = workers.result()
        assert first.outcome is not None and first.outcome.status == "sent"
        workers.submit(
            "b@example.org", Copy(b"Subject: B\r\n\r\nB\r\n", "s@example.org"), "b@example.org"
        )
        wait_for(lambda: smtp_server.attempts("b@example.org") == 1)  # MAIL and RCPT are done
        time.sleep(0.3)
        assert [m.rcpt_tos for m in smtp_server.messages] == [("a@example.org",)]
        workers.recorded(first)  # the caller stored the first result: now B's data goes
        second = workers.result()
        assert second.outcome is not None and second.outcome.status == "sent"
        assert [m.rcpt_tos for m in smtp_server.messages] == [
            ("a@example.org",),
            ("b@example.org",),
        ]
        workers.submit(
            "c@example.org", Copy(b"Subject: C\r\n\r\nC\r\n", "s@example.org"), "c@example.org"
        )
        wait_for(lambda: smtp_server.attempts("c@example.org") == 1)
        workers.stop()  # the run stops before B is recorded: C's transaction is reset
        stopped = workers.result()
        assert stopped.outcome is None and stopped.error is None
    finally:
        workers.close()
    assert len(smtp_server.messages) == 2 and smtp_server.quits == 1


def test_connections_out_of_range_is_named_before_anything_is_sent(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    config = smtp_site(tmp_path, smtp_server, 3)
    with config.open("a") as toml:
        toml.write("connections = 0\n")
    code, out, err = finish(feedkit(config, "digest"))
    assert (code, out) == (1, "")
    assert err == "error: feedkit.toml: smtp.connections: must be between 1 and 20, not 0\n"
    assert smtp_server.connections == 0
