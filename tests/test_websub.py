"""WebSub: the feeds name the hub, and `feedkit build` tells a real HTTP hub on 127.0.0.1
which feeds it changed; what the hub did not take is told again by the next build."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import feedparser
import pytest

from conftest import NOW_ENV, SITE_TOML

BASE = "https://example.com/blog/"


class Hub:
    """A WebSub hub on 127.0.0.1 that records each ping and answers `status`."""

    def __init__(self) -> None:
        self.pings: list[list[tuple[str, str]]] = []
        self.status = 204
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                length = int(self.headers["Content-Length"])
                body = self.rfile.read(length).decode()
                assert self.headers["Content-Type"] == "application/x-www-form-urlencoded"
                hub.pings.append(parse_qsl(body))
                self.send_response(hub.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def told(self) -> list[set[str]]:
        """Return, for each ping, the feed URLs it named (each ping a publish)."""
        out = []
        for fields in self.pings:
            assert fields[0] == ("hub.mode", "publish")
            out.append({value for name, value in fields[1:] if name == "hub.url"})
        return out

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hub() -> Iterator[Hub]:
    running = Hub()
    yield running
    running.close()


def feeds(*folders: str) -> set[str]:
    return {
        BASE + folder + name for folder in folders for name in ("atom.xml", "rss.xml", "feed.json")
    }


def post(name: str, tag: str, day: int, body: str = "Text.") -> tuple[str, str]:
    return name, f"---\ntitle: {name}\ndate: 2024-01-{day:02d}\ntags: [{tag}]\n---\n{body}\n"


def make_site(root: Path, hub_url: str) -> Path:
    (root / "feedkit.toml").write_text(SITE_TOML + f'hub = "{hub_url}"\n', encoding="utf-8")
    (root / "content").mkdir()
    for name, text in (post("a", "one", 1), post("b", "two", 2)):
        (root / "content" / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def build(site: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "feedkit", "build", "--config", str(site / "feedkit.toml")],
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_feeds_name_the_hub(tmp_path: Path, hub: Hub) -> None:
    site = make_site(tmp_path, hub.url)
    build(site)
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((site / "public" / name).read_bytes())
        assert {link.href for link in parsed.feed.links if link.rel == "hub"} == {hub.url}
    import json

    listed = json.loads((site / "public" / "feed.json").read_bytes())["hubs"]
    assert listed == [{"type": "WebSub", "url": hub.url}]


def test_a_build_tells_the_hub_of_each_feed_it_changed_and_of_nothing_else(
    tmp_path: Path, hub: Hub
) -> None:
    site = make_site(tmp_path, hub.url)
    first = build(site)
    assert first.stderr == ""
    assert hub.told() == [feeds("", "tags/one/", "tags/two/")]  # one ping, every feed

    build(site)  # nothing changed
    assert len(hub.pings) == 1

    name, text = post("b", "two", 2, body="Edited.")
    (site / "content" / "b.md").write_text(text, encoding="utf-8")
    build(site)
    assert hub.told()[1] == feeds("", "tags/two/")  # tag one's feeds did not change


def test_what_the_hub_did_not_take_is_told_by_the_next_build(tmp_path: Path, hub: Hub) -> None:
    site = make_site(tmp_path, hub.url)
    hub.status = 503
    refused = build(site)  # the feeds are written; the hub hears of them later
    assert refused.stderr == (
        f"feedkit.toml: warning: feed.hub: {hub.url} did not take the news of 9 changed "
        "feed(s) (it answered 503 Service Unavailable); the next build tells it again\n"
    )
    assert (site / "public" / "atom.xml").exists()
    pending = site / ".feedkit" / "websub-pending.txt"
    assert set(pending.read_text(encoding="utf-8").split()) == feeds("", "tags/one/", "tags/two/")

    hub.status = 204
    build(site)  # nothing changed, but the hub has not heard of the last build's feeds
    assert hub.told()[-1] == feeds("", "tags/one/", "tags/two/")
    assert not pending.exists()
    build(site)
    assert len(hub.pings) == 2


def test_a_hub_that_cannot_be_reached_is_a_warning_not_a_failed_build(tmp_path: Path) -> None:
    gone = Hub()
    url = gone.url
    gone.close()  # nothing listens on its port any more
    site = make_site(tmp_path, url)
    done = build(site)
    assert f"feed.hub: {url} did not take the news of 9 changed feed(s) (cannot reach it:" in (
        done.stderr
    )
    assert (site / ".feedkit" / "websub-pending.txt").exists()
