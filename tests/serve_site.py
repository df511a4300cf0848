"""A site whose `feedkit serve` runs as a real process, mailing through a real SMTP server."""

from __future__ import annotations

import os
import quopri
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx

from feedkit.config import Config, load_config

from conftest import NOW, SITE_TOML
from digest_site import part_on_the_wire
from smtp_server import FaultySmtpServer, Received

SECRET = "serve-test-secret-0123456789abcdef"
PUBLIC_URL = "https://news.example.test/"


def make_serve_site(
    root: Path, smtp: FaultySmtpServer, serve_toml: str = "", *, smtp_timeout: int = 5
) -> Config:
    """Write a site that mails through `smtp` and has `feedkit serve` at PUBLIC_URL."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    toml = SITE_TOML + (
        '\n[digest]\nfrom = "Ada Quill <ada@example.org>"\ndelivery = "smtp"\n'
        f'\n[smtp]\nhost = "{smtp.host}"\nport = {smtp.port}\nsecurity = "none"\n'
        f"timeout = {smtp_timeout}\n"
        f'\n[serve]\nurl = "{PUBLIC_URL}"\n{serve_toml}'
    )
    (root / "feedkit.toml").write_text(toml, encoding="utf-8")
    return load_config(root / "feedkit.toml")


class Service:
    """A running `feedkit serve` process; `url` is where it listens."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url
        self.stderr = ""  # all it wrote there, once it has stopped

    def local(self, public_link: str) -> str:
        """Return a link from a mail (on PUBLIC_URL) as the URL of this process."""
        assert public_link.startswith(PUBLIC_URL), public_link
        return self.url + public_link[len(PUBLIC_URL) :]


@contextmanager
def running(
    cfg: Config,
    *args: str,
    now: datetime = NOW,
    stop: int = signal.SIGTERM,
    prefix: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    tracebacks: int = 0,
) -> Iterator[Service]:
    """Run `feedkit serve --port 0` for the site until the block ends, then send it `stop`
    and check that it stopped cleanly (or, for SIGKILL, that it was killed), having logged
    `tracebacks` tracebacks. `prefix` runs it under another command (e.g. `unshare`), which
    then gets the signal; `env` adds to its environment."""
    env = {
        **os.environ,
        "FEEDKIT_NOW": now.isoformat(),
        "FEEDKIT_UNSUBSCRIBE_SECRET": SECRET,
        **(env or {}),
    }
    command = [*prefix, sys.executable, "-m", "feedkit", "serve", "--port", "0", *args]
    process = subprocess.Popen(
        [*command, "--config", str(cfg.root / "feedkit.toml")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("serving on "):
            process.kill()
            _, err = process.communicate(timeout=10)
            raise AssertionError(f"feedkit serve did not start: {line!r} {err}")
        service = Service(process, line.removeprefix("serving on ").strip())
        yield service
    finally:
        if process.poll() is None:
            process.send_signal(stop)
        try:
            _, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    service.stderr = err
    assert process.returncode == (-signal.SIGKILL if stop == signal.SIGKILL else 0), err
    assert err.count("Traceback") == tracebacks, err


def sign_up(service: Service, email: str) -> None:
    """Sign `email` up through the service's form, as a reader does."""
    with httpx.Client(base_url=service.url) as client:
        answer = client.post("subscribe", data={"email": email, "name": "", "website": ""})
    assert answer.status_code == 200 and "Check your inbox" in answer.text


def raw_text_part(raw: bytes) -> str:
    """Return the text/plain part of a message as sent, quoted-printable decoded."""
    head, body = part_on_the_wire(raw, "plain")
    assert b"Content-Transfer-Encoding: quoted-printable" in head
    return quopri.decodestring(body).decode("utf-8")


def confirm_link_in(raw: bytes) -> str:
    """Return the confirmation link of a confirmation mail, from its bytes as received."""
    links = re.findall(r"https://\S+", raw_text_part(raw))
    assert len(links) == 1, links
    return links[0]


def reader_row(cfg: Config, address: str) -> dict[str, object] | None:
    """Return the reader's row in the state database, read as another program would."""
    conn = sqlite3.connect(cfg.path(cfg.digest.state))
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM readers WHERE email=?", (address.lower(),)).fetchone()
        return None if row is None else dict(row)
    finally:
        conn.close()


def reader_events(cfg: Config, address: str) -> list[tuple[str, str, str]]:
    """Return the reader's events as (event, ip, detail), oldest first."""
    conn = sqlite3.connect(cfg.path(cfg.digest.state))
    try:
        return conn.execute(
            "SELECT e.event, e.ip, e.detail FROM reader_events e JOIN readers r "
            "ON r.id = e.reader_id WHERE r.email=? ORDER BY e.rowid",
            (address.lower(),),
        ).fetchall()
    finally:
        conn.close()


def queue_claims(cfg: Config) -> dict[int, str | None]:
    """Return the queued confirmations' readers and who has claimed each (None: nobody), as
    another program reads them from the state database."""
    conn = sqlite3.connect(cfg.path(cfg.digest.state))
    try:
        rows = conn.execute("SELECT * FROM confirmation_queue ORDER BY rowid")
        names = [column[0] for column in rows.description]
        return {row[0]: dict(zip(names, row, strict=True)).get("claimed_by") for row in rows}
    finally:
        conn.close()


def wait_until(condition: Callable[[], object], seconds: float = 30) -> None:
    """Return once `condition()` is true; fail after `seconds` (a bound, never a measure)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {seconds} s")
        time.sleep(0.02)


def mails_for(smtp: FaultySmtpServer, address: str, count: int = 1) -> list[Received]:
    """Return the `count` messages the server received for `address`, once they are all
    there: `feedkit serve` mails confirmations after it has answered the sign-up."""
    wait_until(lambda: len(smtp.received_for(address)) >= count)
    received = smtp.received_for(address)
    assert len(received) == count, received
    return received


CRASH_MAKING = """\
# Loaded by a test's `feedkit serve` (PYTHONPATH): making the confirmation mail of one
# address raises MemoryError, as a bug or a machine out of memory would, every time.
import os

import feedkit.mail.confirmation as confirmation

made = confirmation.confirmation_message


def crashing(cfg, subscriber, link, now):
    if subscriber.email == os.environ["CRASH_FOR"]:
        with open(os.environ["CRASH_TRIES"], "a") as tries:
            tries.write("x")
        raise MemoryError
    return made(cfg, subscriber, link, now)


confirmation.confirmation_message = crashing
"""


class Crash:
    """Makes a `feedkit serve` run with `env` crash whenever it makes `address`'s
    confirmation mail; `tries()` counts those crashes."""

    def __init__(self, folder: Path, address: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "sitecustomize.py").write_text(CRASH_MAKING, encoding="utf-8")
        self.log = folder / "tries"
        self.env = {"PYTHONPATH": str(folder), "CRASH_FOR": address, "CRASH_TRIES": str(self.log)}

    def tries(self) -> int:
        return len(self.log.read_text()) if self.log.exists() else 0
