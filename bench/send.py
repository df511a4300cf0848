"""Time `feedkit digest` to N readers against a bare smtplib loop, to one SMTP sink; print both.

    .venv/bin/python bench/send.py [--readers 10000] [--runs 3] [--connections 1] [--smoke]
                                   [--workdir bench/out]

One aiosmtpd server on 127.0.0.1, in its own process (so its CPU is not charged to either
side), accepts every message and keeps none, as a relay would. In one run, round-robin:
(a) `feedkit digest`, the real command in a fresh process, sends one new post to N active
readers in the state database (VERP envelope senders and signed one-click unsubscribe links
on, as a site with `feedkit serve` and `feedkit bounces` has them); (b) a bare smtplib loop
sends N prebuilt messages of the same size (the copy of the first reader that the sink
kept, with the address changed) over one connection. The state database is put back to its
before-send copy for every feedkit run. The ratio is feedkit's rate over smtplib's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import corpus

BENCH = Path(__file__).resolve().parent
FEEDKIT_NOW = "2030-01-01T00:00:00+00:00"
SECRET = "bench-secret-0123456789abcdef"
SENDER = "news@bench.example.org"
FIRST = "reader00000@example.net"


def serve_sink(sample: Path) -> None:
    """Run the sink in this process until stdin closes: accept all, keep the first reader's."""
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            if FIRST in envelope.rcpt_tos and not sample.exists():  # type: ignore[attr-defined]
                sample.write_bytes(envelope.original_content or b"")  # type: ignore[attr-defined]
            return "250 2.0.0 OK"

    with socket.socket() as probe:  # a free port: aiosmtpd's readiness check needs it known
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    print(controller.port, flush=True)
    sys.stdin.read()  # until the bench closes our stdin
    controller.stop()


def make_site(root: Path, readers: int, port: int, connections: int) -> Path:
    """Write a site of 30 posts whose digest goes to `readers` readers; return its state copy,
    taken after the first run (the archive baseline) and before the one new post."""
    shutil.rmtree(root, ignore_errors=True)
    corpus.generate(root, 30, seed=1)
    toml = corpus.feedkit_config(False) + (
        f'\n[digest]\nfrom = "Bench & Co. <{SENDER}>"\ndelivery = "smtp"\n'
        'bounce_address = "bounces@bench.example.org"\n'
        '\n[serve]\nurl = "https://news.bench.example.org/"\n'
        f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
    )
    if connections != 1:  # the default is left out, so the bench runs on older feedkits
        toml += f"connections = {connections}\n"
    (root / "feedkit.toml").write_text(toml, encoding="utf-8")
    from feedkit.mail.readers import Readers
    from feedkit.mail.state import State
    from feedkit.mail.subscribers import Subscriber

    now = datetime.fromisoformat(FEEDKIT_NOW)
    with State.open(root / ".feedkit" / "state.db") as state:
        Readers(state).import_rows(
            (Subscriber(f"reader{i:05d}@example.net", f"Reader {i}") for i in range(readers)),
            now - timedelta(days=1),
            "bench",
        )
    run_feedkit(root)  # the first run records the archive as sent
    new = root / "content" / "posts" / "new-post.md"
    new.write_text(
        '---\ntitle: "The one new post"\ndate: 2029-12-31T12:00:00+00:00\n---\n'
        + "A paragraph of the new post, long enough to be a summary. " * 20
        + "\n",
        encoding="utf-8",
    )
    before = root / "state-before.db"
    shutil.copyfile(root / ".feedkit" / "state.db", before)
    return before


def feedkit_command() -> list[str]:
    return [str(Path(sys.executable).with_name("feedkit"))]


def run_feedkit(root: Path) -> float:
    """Run `feedkit digest` on the site; return its wall time in seconds."""
    env = {"FEEDKIT_NOW": FEEDKIT_NOW, "FEEDKIT_UNSUBSCRIBE_SECRET": SECRET, "PATH": "/usr/bin"}
    env.update((k, v) for k, v in os.environ.items() if k == "PYTHONPATH")
    start = time.perf_counter()
    proc = subprocess.run(
        [*feedkit_command(), "digest", "--config", str(root / "feedkit.toml")],
        capture_output=True,
        text=True,
        env=env,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"feedkit digest failed ({proc.returncode}):\n{proc.stderr}")
    return wall


def reset_state(root: Path, before: Path) -> None:
    state = root / ".feedkit" / "state.db"
    for extra in ("-wal", "-shm"):
        state.with_name(state.name + extra).unlink(missing_ok=True)
    shutil.copyfile(before, state)


def smtplib_loop(port: int, messages: list[tuple[str, bytes]]) -> float:
    """Send each prebuilt message over one connection; return the wall time in seconds."""
    start = time.perf_counter()
    smtp = smtplib.SMTP("127.0.0.1", port)
    for recipient, data in messages:
        smtp.sendmail(SENDER, [recipient], data)
    smtp.quit()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (median shown)")
    parser.add_argument("--connections", type=int, default=1, help="feedkit's smtp.connections")
    parser.add_argument("--smoke", action="store_true", help="200 readers, 1 run")
    parser.add_argument("--workdir", type=Path, default=BENCH / "out")
    parser.add_argument("--sink", type=Path, help=argparse.SUPPRESS)  # run as the sink
    args = parser.parse_args(argv)
    if args.sink:
        serve_sink(args.sink)
        return 0
    if args.smoke:
        args.readers, args.runs = 200, 1
    root = args.workdir.resolve() / "send-site"
    sample = args.workdir.resolve() / "send-sample.eml"
    sample.unlink(missing_ok=True)
    sink = subprocess.Popen(
        [sys.executable, __file__, "--sink", str(sample)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sink.stdout is not None
        port = int(sink.stdout.readline())
        print(f"preparing {args.readers} readers in {root}", file=sys.stderr)
        before = make_site(root, args.readers, port, args.connections)
        feedkit_s: list[float] = []
        smtplib_s: list[float] = []
        messages: list[tuple[str, bytes]] = []
        for _ in range(args.runs):
            reset_state(root, before)
            feedkit_s.append(run_feedkit(root))
            if not messages:  # the first reader's copy, as the sink received it
                data = sample.read_bytes()
                messages = [
                    (
                        f"reader{i:05d}@example.net",
                        data.replace(b"reader00000@", f"reader{i:05d}@".encode()),
                    )
                    for i in range(args.readers)
                ]
            smtplib_s.append(smtplib_loop(port, messages))
    finally:
        assert sink.stdin is not None
        sink.stdin.close()
        sink.wait(timeout=30)
    fk, sl = statistics.median(feedkit_s), statistics.median(smtplib_s)
    size = len(messages[0][1])
    print(
        f"| readers | message bytes | connections | feedkit digest s | smtplib loop s "
        f"| feedkit rate / smtplib rate |\n|---|---|---|---|---|---|\n"
        f"| {args.readers:,} | {size:,} | {args.connections} | {fk:.2f} | {sl:.2f} "
        f"| {sl / fk:.2f} |"
    )
    print(f"samples: feedkit {feedkit_s}, smtplib {smtplib_s}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
