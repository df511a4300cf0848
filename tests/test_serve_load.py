"""`feedkit serve` and `feedkit digest` at once: 200 sign-ups and 200 one-click
unsubscribes from 32 concurrent clients against one real service process while a real
`feedkit digest` process mails 1,000 readers through a real SMTP server. Nothing may fail,
nothing may be lost, and nobody gets a copy that the server began to take after their
unsubscribe was answered, even when they click as the digest gets to them."""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from feedkit.config import Config
from feedkit.mail.delivery import Outcome, Sender
from feedkit.mail.readers import Readers
from feedkit.mail.sending import run_digest, sender_factory
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.tokens import Tokens, unsubscribe_link

from conftest import NOW
from digest_site import public, raw_fields, write_post
from serve_site import SECRET, Service, make_serve_site, reader_events, running
from smtp_server import FaultySmtpServer, Received

READERS = 1_000
SIGNUPS = 200
UNSUBSCRIBES = 200
FROM_HEADERS = 100  # unsubscribes whose link is taken from a received copy's raw header
CLIENTS = 32
SERVE_TOML = 'signups_per_ip = 1000\nsignup_window = "1h"\n'


def reader_address(n: int) -> str:
    return f"reader{n:04d}@example.org"


def start_digest(cfg: Config, now: datetime) -> subprocess.Popen[str]:
    """Start `feedkit digest` as a process, as cron or a blogger would."""
    env = {
        **os.environ,
        "FEEDKIT_NOW": now.isoformat(),
        "FEEDKIT_UNSUBSCRIBE_SECRET": SECRET,
    }
    command = [
        sys.executable,
        "-m",
        "feedkit",
        "digest",
        "--config",
        str(cfg.root / "feedkit.toml"),
    ]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finished(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    """Wait for a process; return its exit code and output."""
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@contextmanager
def stderr_copy(service: Service) -> Iterator[list[str]]:
    """Collect what the service writes to stderr while still handing all of it on to
    `running`, which reads it when the process ends."""
    process = service.process
    source = process.stderr
    assert source is not None
    read_end, write_end = os.pipe()
    process.stderr = os.fdopen(read_end, encoding="utf-8")
    lines: list[str] = []

    def copy() -> None:
        with os.fdopen(write_end, "w", encoding="utf-8") as sink:
            for line in source:
                lines.append(line)
                sink.write(line)

    # The copy ends when the process closes its stderr, once `running` has stopped it.
    threading.Thread(target=copy, daemon=True).start()
    yield lines


@dataclass(frozen=True)
class Answer:
    kind: str  # "signup" | "unsubscribe"
    address: str
    status: int
    answered: float  # time.monotonic() when the answer came back


def one_click_link(raw: bytes) -> str:
    """Return the https link of a message's List-Unsubscribe field, from its bytes as sent."""
    field = re.sub(rb"\r\n[ \t]", b" ", raw_fields(raw)["List-Unsubscribe"])
    found = re.search(rb"<(https://[^>]+)>", field)
    assert found, field
    return found.group(1).decode("ascii")


def digest_copies(smtp: FaultySmtpServer) -> list[Received]:
    return [m for m in smtp.messages if m.rcpt_tos[0].startswith("reader")]


def state_rows(cfg: Config, sql: str, *args: object) -> list[tuple]:  # type: ignore[type-arg]
    conn = sqlite3.connect(cfg.path(cfg.digest.state))
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_sign_ups_and_one_click_unsubscribes_while_a_digest_sends(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = make_serve_site(tmp_path, smtp_server, SERVE_TOML)
    for i in range(3):
        write_post(tmp_path, f"old-{i}", f"Old post {i}", NOW - timedelta(days=30 - i))
    with State.open(cfg.path(cfg.digest.state)) as state:
        imported = Readers(state).import_rows(
            (Subscriber(reader_address(n), f"Reader {n}") for n in range(READERS)), NOW, "load"
        )
    assert imported.added == READERS
    first = finished(start_digest(cfg, NOW))
    assert first.returncode == 0, first.stderr
    assert "First run" in first.stdout and smtp_server.messages == []
    write_post(tmp_path, "new", "A new post", NOW - timedelta(hours=1))

    rows = state_rows(cfg, "SELECT email, id, subscription FROM readers ORDER BY id")
    ids = {email: (rid, sub) for email, rid, sub in rows}
    tokens = Tokens(SECRET.encode())
    answers: list[Answer] = []
    with running(cfg) as service, stderr_copy(service) as serve_err:
        digest = start_digest(cfg, NOW)
        deadline = time.monotonic() + 60
        while len(digest_copies(smtp_server)) < FROM_HEADERS:
            assert digest.poll() is None, finished(digest).stderr
            assert time.monotonic() < deadline, "the digest sent too little in 60 s"
            time.sleep(0.01)
        # Half the unsubscribes use the links of copies already received. The other half
        # race the digest: each is for the first reader not yet mailed when it goes out, so
        # it lands while the digest is deciding about that reader, or just before.
        received = digest_copies(smtp_server)[:FROM_HEADERS]
        links = {m.rcpt_tos[0]: one_click_link(m.raw) for m in received}
        taken = set(links)
        frontier_lock = threading.Lock()

        def next_to_mail() -> str:
            with frontier_lock:
                mailed = [int(m.rcpt_tos[0][6:10]) for m in digest_copies(smtp_server)]
                n = max(mailed) + 1
                while reader_address(n) in taken:
                    n += 1
                address = reader_address(n)
                taken.add(address)
                rid, sub = ids[address]
                links[address] = unsubscribe_link(cfg, tokens, rid, sub)
                return address

        signups = [f"new{n:03d}@example.net" for n in range(SIGNUPS)]
        jobs = [("signup", a) for a in signups] + [("unsubscribe", a) for a in list(links)]
        jobs += [("racing", "")] * (UNSUBSCRIBES - FROM_HEADERS)
        random.Random(12).shuffle(jobs)

        with httpx.Client(
            base_url=service.url,
            timeout=30,
            limits=httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS),
        ) as client:

            def request(job: tuple[str, str]) -> Answer:
                kind, address = job
                if kind == "signup":
                    data = {"email": address, "name": "", "website": ""}
                    response = client.post("subscribe", data=data)
                else:
                    if kind == "racing":
                        kind, address = "unsubscribe", next_to_mail()
                    one_click = {"List-Unsubscribe": "One-Click"}
                    response = client.post(service.local(links[address]), data=one_click)
                return Answer(kind, address, response.status_code, time.monotonic())

            load_began = time.monotonic()
            with ThreadPoolExecutor(CLIENTS) as pool:
                answers = list(pool.map(request, jobs))
            load_ended = time.monotonic()
        digest_result = finished(digest)

    assert len(links) == UNSUBSCRIBES
    # 0 errors: every request answered 200, the digest ran to the end.
    assert Counter(a.status for a in answers) == {200: SIGNUPS + UNSUBSCRIBES}
    assert digest_result.returncode == 0, digest_result.stderr
    for err in (digest_result.stderr, "".join(serve_err)):
        assert "database is locked" not in err and "Traceback" not in err, err
    # Nothing worth a warning either: the digest says nothing, the service only INFO.
    assert digest_result.stderr == ""
    assert [line for line in serve_err if " INFO " not in line] == []
    # The load really ran while the digest was sending.
    during = [m for m in digest_copies(smtp_server) if load_began < m.data_began < load_ended]
    assert during, "no digest copy arrived while the requests ran"

    # 0 lost: each sign-up is pending with exactly one confirmation mail.
    for address in signups:
        row = state_rows(cfg, "SELECT status FROM readers WHERE email=?", address)
        assert row == [("pending",)], address
        [mail] = smtp_server.received_for(address)
        assert raw_fields(mail.raw)["Subject"].startswith(b"Subject: Confirm your subscription")
    # Every unsubscribe is recorded, as a one-click one.
    for address in links:
        row = state_rows(cfg, "SELECT status FROM readers WHERE email=?", address)
        assert row == [("unsubscribed",)], address
        assert reader_events(cfg, address)[-1] == ("unsubscribed", "127.0.0.1", "one-click")

    # Nobody gets a copy the server began to take after their unsubscribe was answered.
    unsubscribed_at = {a.address: a.answered for a in answers if a.kind == "unsubscribe"}
    late = [
        (m.rcpt_tos[0], m.data_began - unsubscribed_at[m.rcpt_tos[0]])
        for m in digest_copies(smtp_server)
        if m.rcpt_tos[0] in unsubscribed_at and m.data_began > unsubscribed_at[m.rcpt_tos[0]]
    ]
    assert late == []
    # The digest's record agrees with what the SMTP server received.
    copies = Counter(m.rcpt_tos[0] for m in digest_copies(smtp_server))
    [(digest_id,)] = state_rows(cfg, "SELECT id FROM digests")
    recorded = dict(
        state_rows(cfg, "SELECT email, status FROM recipients WHERE digest_id=?", digest_id)
    )
    assert len(recorded) == READERS
    assert Counter(recorded.values()).keys() <= {"sent", "dropped"}
    for address, status in recorded.items():
        assert copies[address] == (1 if status == "sent" else 0), (address, status)
    dropped = {a for a, s in recorded.items() if s == "dropped"}
    assert dropped <= set(links) and dropped, "no unsubscribe came before its reader's turn"

    # The next digest goes to every remaining reader once, and to nobody who left.
    write_post(tmp_path, "newer", "A newer post", NOW + timedelta(hours=1))
    before = len(smtp_server.messages)
    second = finished(start_digest(cfg, NOW + timedelta(days=1)))
    assert second.returncode == 0, second.stderr
    assert "database is locked" not in second.stderr and "Traceback" not in second.stderr
    got = Counter(m.rcpt_tos[0] for m in smtp_server.messages[before:])
    staying = {reader_address(n) for n in range(READERS)} - set(links)
    assert got == Counter(staying)


class UnsubscribingFirst:
    """A delivery that, just before handing `address`'s copy to the SMTP server, has the
    reader press one-click unsubscribe at the running service (as if they clicked in the
    very moment the digest got to them), giving the service up to `grace` seconds."""

    def __init__(self, delivery: Sender, service: Service, link: str, grace: float) -> None:
        self.delivery = delivery
        self.service = service
        self.link = link
        self.grace = grace
        self.answers: list[tuple[int, float]] = []  # (status, time.monotonic())

    def send(self, message: EmailMessage, recipient: str) -> Outcome:
        if self.link and recipient.startswith("reader0001@"):
            link, self.link = self.link, ""

            def click() -> None:
                data = {"List-Unsubscribe": "One-Click"}
                answer = httpx.post(self.service.local(link), data=data, timeout=30)
                self.answers.append((answer.status_code, time.monotonic()))

            clicking = threading.Thread(target=click)
            clicking.start()
            clicking.join(self.grace)
        return self.delivery.send(message, recipient)

    def close(self) -> None:
        self.delivery.close()


def test_an_unsubscribe_answered_while_the_digest_mails_that_reader_comes_after_the_copy(
    tmp_path: Path, smtp_server: FaultySmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEEDKIT_UNSUBSCRIBE_SECRET", SECRET)
    cfg = make_serve_site(tmp_path, smtp_server)
    write_post(tmp_path, "old", "Old post", NOW - timedelta(days=30))
    deliveries: list[UnsubscribingFirst] = []

    def open_sender(digest_id: str) -> Sender:
        deliveries.append(UnsubscribingFirst(sender_factory(cfg)(digest_id), service, link, 1.0))
        return deliveries[-1]

    with State.open(cfg.path(cfg.digest.state)) as state:
        readers = Readers(state)
        readers.import_rows((Subscriber(reader_address(n), "") for n in range(3)), NOW, "load")
        racing = readers.get(reader_address(1))
        assert racing is not None and racing.subscription is not None
        link = unsubscribe_link(cfg, Tokens(SECRET.encode()), racing.id, racing.subscription)
        run_digest(cfg, state, public(cfg), readers.active(), sender_factory(cfg), NOW)
        write_post(tmp_path, "new", "A new post", NOW - timedelta(hours=1))
        with running(cfg) as service:
            report = run_digest(cfg, state, public(cfg), readers.active(), open_sender, NOW)
    [(status, answered)] = deliveries[0].answers
    assert status == 200
    assert reader_events(cfg, reader_address(1))[-1] == ("unsubscribed", "127.0.0.1", "one-click")
    # The copy was already being sent: it may arrive, but the server began taking it before
    # the reader was told they are unsubscribed.
    [copy] = smtp_server.received_for(reader_address(1))
    assert copy.data_began < answered
    assert [m.rcpt_tos[0] for m in smtp_server.messages] == [reader_address(n) for n in range(3)]
    assert report.total("sent") == 3
