"""A real `feedkit preview` process for tests: started on a free port, stopped after."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from feedkit.web.previewserver import PreviewServer, make_server

from conftest import NOW
from digest_site import SECRET_ENV


@contextmanager
def preview_in_process(config: Path) -> Iterator[PreviewServer]:
    """Serve the site of `config` from this process at NOW on a free port until the block
    ends (so a test can patch what the preview calls); yield the server (`url` gives its
    address)."""
    server = make_server(config, lambda: NOW, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def url(server: PreviewServer) -> str:
    """Return the address an in-process preview serves at."""
    return f"http://127.0.0.1:{server.server_address[1]}"


@contextmanager
def preview_process(site: Path, *args: str) -> Iterator[str]:
    """Run `feedkit preview --port 0` for the site until the block ends; yield its URL."""
    env = {**os.environ, "FEEDKIT_NOW": NOW.isoformat(), **SECRET_ENV}
    process = subprocess.Popen(
        [sys.executable, "-m", "feedkit", "preview", "--port", "0", *args]
        + ["--config", str(site / "feedkit.toml")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r" at (http://127\.0\.0\.1:[0-9]+)/ ", line)
        if not found:
            process.kill()
            raise AssertionError(f"feedkit preview did not start: {line!r} {process.stderr.read()}")
        yield found.group(1)
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
        assert "Traceback" not in err, err


def fetch(url: str) -> tuple[int, bytes]:
    """Return the status and body of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def token_of(page: bytes) -> str:
    """Return the token of the files a preview page was made from."""
    found = re.search(rb'<script src="/reload.js" data-token="([0-9a-f]+)"></script>', page)
    assert found, page[-300:]
    return found.group(1).decode()


def next_event(base: str, since: str, timeout: float = 20) -> bytes:
    """Return the first event the preview sends once the files differ from `since`; fail
    when none came within `timeout` seconds (its keep-alive comments do not count: each
    would start the socket's timeout again, and a reload that never comes hang the test)."""
    deadline = time.monotonic() + timeout
    with urllib.request.urlopen(f"{base}/events?since={since}", timeout=timeout) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        while time.monotonic() < deadline:
            line = stream.readline()
            if line.startswith(b"data:"):
                return line
    raise AssertionError(f"no event from {base}/events within {timeout} s of {since}")
