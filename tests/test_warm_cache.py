"""The warm preview keeps the posts it read in the cache when it stops: a restart parses only
the files that changed, and serves what a start without the cache serves."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from feedkit.site.postindex import READ_FOLDER
from feedkit.web import warm
from feedkit.web.previewserver import make_server

from conftest import NOW
from digest_site import SECRET_ENV, site_after_first_digest, write_post
from preview_process import fetch

PATHS = ["/", "/atom.xml", "/digest.txt", "/tags/test/atom.xml"]


def settle(root: Path) -> None:
    """Make the posts written in the last minute look written a minute earlier."""
    recent = time.time_ns() - 60_000_000_000
    for path in (root / "content").rglob("*.md"):
        st = path.stat()
        if st.st_mtime_ns > recent:
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    site_after_first_digest(tmp_path)
    for n in range(warm.KEEP_FROM):
        write_post(tmp_path, f"post-{n:03}", f"Post {n}", NOW - timedelta(days=n + 1))
    settle(tmp_path)
    return tmp_path


@pytest.fixture
def start(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[], tuple[list[str], dict[str, tuple[int, bytes]]]]:
    """Start the preview, answer PATHS, stop it; return the files parsed and the answers."""

    def run() -> tuple[list[str], dict[str, tuple[int, bytes]]]:
        names: list[str] = []
        real = warm.parse_files

        def counted(cfg, paths, **kwargs):  # type: ignore[no-untyped-def]
            names.extend(Path(p).name for p in paths)
            return real(cfg, paths, **kwargs)

        monkeypatch.setattr(warm, "parse_files", counted)
        server = make_server(site / "feedkit.toml", lambda: NOW, port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            base = f"http://127.0.0.1:{server.server_address[1]}"
            return names, {path: fetch(base + path) for path in PATHS}
        finally:
            server.shutdown()
            server.server_close()

    return run


def test_a_restart_parses_only_what_changed_and_serves_the_same(
    site: Path, start: Callable[[], tuple[list[str], dict[str, tuple[int, bytes]]]]
) -> None:
    names, first = start()
    assert len(names) == warm.KEEP_FROM + 3  # a cold start: every post
    names, again = start()
    assert names == [] and again == first
    post = site / "content" / "post-000.md"
    post.write_text(post.read_text().replace("Post 0", "Post zero"))
    settle(site)
    names, edited = start()
    assert names == ["post-000.md"]
    assert b"Post zero" in edited["/atom.xml"][1]
    shutil.rmtree(site / ".feedkit" / "cache" / READ_FOLDER)
    assert start()[1] == edited  # as a start without the cache serves


def test_a_config_change_or_a_damaged_cache_reads_every_post(
    site: Path, start: Callable[[], tuple[list[str], dict[str, tuple[int, bytes]]]]
) -> None:
    start()
    for path in (site / ".feedkit" / "cache" / READ_FOLDER).iterdir():
        path.write_bytes(b"\x80garbage")
    names, _ = start()
    assert len(names) == warm.KEEP_FROM + 3
    toml = site / "feedkit.toml"
    toml.write_text(toml.read_text().replace("Example Blog", "Renamed Blog"))
    names, answers = start()
    assert len(names) == warm.KEEP_FROM + 3
    assert b"<h1>Renamed Blog</h1>" in answers["/"][1]


def test_an_edit_that_keeps_order_and_names_skips_sorting_every_post_and_serves_the_same(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gathered: list[int] = []
    real = warm.gather

    def counted(parsed, **kwargs):  # type: ignore[no-untyped-def]
        gathered.append(1)
        return real(parsed, **kwargs)

    monkeypatch.setattr(warm, "gather", counted)
    post = site / "content" / "post-001.md"
    text = post.read_text()
    edits = [  # (new text, whether every post is sorted and checked again)
        (text.replace("Post 1", "Post one"), False),  # the title
        (text.replace("---\n", "---\nupdated: 2020-01-01\n", 1), False),  # a warning now
        (text.replace(str((NOW - timedelta(days=2)).year), "2001"), True),  # the date
        (text.replace("title:", "title: [oops"), True),  # a problem
        (text, True),  # mended: read again
        (text + "\nMore words.\n", False),
    ]
    server = make_server(site / "feedkit.toml", lambda: NOW, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        fetch(base + "/")
        for edited, again in edits:
            gathered.clear()
            post.write_text(edited)
            server.site.refresh({str(post)})
            warm_answers = {path: fetch(base + path) for path in PATHS}
            assert bool(gathered) == again
            fresh = make_server(site / "feedkit.toml", lambda: NOW, port=0)
            threading.Thread(target=fresh.serve_forever, daemon=True).start()
            try:
                other = f"http://127.0.0.1:{fresh.server_address[1]}"
                assert {path: fetch(other + path) for path in PATHS} == warm_answers
            finally:
                fresh.shutdown()
                fresh.server_close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "stop",
    [signal.SIGTERM, signal.SIGHUP, signal.SIGINT],
    ids=["kill", "terminal-closed", "ctrl-c"],
)
def test_a_preview_stopped_by_kill_or_a_closed_terminal_keeps_what_it_read(
    site: Path, stop: signal.Signals
) -> None:
    # As Ctrl+C stops it: `kill`, a process manager or a closed terminal left the next
    # start reading every post again (2.7 s instead of 1.4 s at 20,000).
    kept = site / ".feedkit" / "cache" / READ_FOLDER
    shutil.rmtree(kept, ignore_errors=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "feedkit", "preview", "--port", "0"]
        + ["--config", str(site / "feedkit.toml")],
        env={**os.environ, "FEEDKIT_NOW": NOW.isoformat()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        found = re.search(r" at (http://127\.0\.0\.1:[0-9]+)/ ", process.stdout.readline())
        assert found, process.stderr.read() if process.stderr else ""
        assert fetch(found.group(1) + "/")[0] == 200
        process.send_signal(stop)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0 and "Traceback" not in err, err
    assert kept.is_dir() and any(kept.iterdir())


def test_a_stop_signal_ends_serving_between_requests_and_a_second_one_at_once(
    site: Path,
) -> None:
    # The signal's handler raised KeyboardInterrupt where it landed. When it landed as the
    # server thread was starting a request's thread, socketserver closed that request under
    # the thread about to read it: "Bad file descriptor", a traceback on the terminal.
    server = make_server(site / "feedkit.toml", lambda: NOW, port=0)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        assert fetch(f"http://127.0.0.1:{server.server_address[1]}/")[0] == 200
        server.stop_soon(signal.SIGTERM, None)  # raises nothing, here or anywhere
        serving.join(timeout=10)
        assert not serving.is_alive()
        with pytest.raises(KeyboardInterrupt):  # a second one does not wait
            server.stop_soon(signal.SIGINT, None)
    finally:
        server.server_close()
