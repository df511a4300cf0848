"""The preview server, over real HTTP on 127.0.0.1: what readers will get, and no side effects."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.preview import make_server
from feedkit.sending import run_digest, sender_factory
from feedkit.state import State
from feedkit.subscribers import Subscriber

from conftest import NOW
from digest_site import SECRET_ENV, make_digest_site, public, write_post


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    cfg = make_digest_site(tmp_path, [("ada@example.org", "Ada")])
    with State.open(cfg.path(cfg.digest.state)) as state:  # first run: archive recorded
        run_digest(
            cfg,
            state,
            public(cfg),
            [Subscriber("ada@example.org", "Ada")],
            sender_factory(cfg),
            NOW,
        )
    write_post(tmp_path, "fresh", "A fresh post", NOW - timedelta(hours=1))
    write_post(tmp_path, "draft", "Still a draft", NOW - timedelta(hours=1))
    draft = tmp_path / "content" / "draft.md"
    draft.write_text(draft.read_text().replace("tags:", "draft: true\ntags:"))
    write_post(tmp_path, "later", "Coming later", NOW + timedelta(days=3))
    return tmp_path


@pytest.fixture
def base_url(site: Path) -> Iterator[str]:
    server = make_server(site / "feedkit.toml", lambda: NOW, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


def state_bytes(site: Path) -> bytes:
    return (site / ".feedkit" / "state.db").read_bytes()


def test_page_shows_next_digest_feed_and_posts(site: Path, base_url: str) -> None:
    before = state_bytes(site)
    status, kind, body = get(base_url + "/")
    page = body.decode()
    assert status == 200 and kind == "text/html; charset=utf-8"
    assert "Subject</th><td>Example Blog: A fresh post</td>" in page
    assert 'src="/digest.html" width="620"' in page and 'src="/digest.html" width="375"' in page
    assert "Hi Ada," in page  # the text part
    assert "<th>List-Unsubscribe-Post</th><td>List-Unsubscribe=One-Click</td>" in page
    assert "The post about A fresh post." in page  # a summary, as a feed reader lists it
    assert 'Still a draft</span><span class="badge">draft</span>' in page
    assert 'Coming later</span><span class="badge">scheduled</span>' in page
    assert "22 Nov 2026 | 1 min read | Ada Quill" in page
    assert state_bytes(site) == before
    assert not (site / "outbox").exists()


def test_digest_html_and_text_are_served(site: Path, base_url: str) -> None:
    status, kind, html = get(base_url + "/digest.html")
    assert status == 200 and b"A fresh post" in html and b"<style" in html
    status, kind, text = get(base_url + "/digest.txt")
    assert kind == "text/plain; charset=utf-8" and "Hi Ada," in text.decode()


def test_feeds_are_served_for_a_real_feed_reader(site: Path, base_url: str) -> None:
    for name in ("atom.xml", "rss.xml"):
        status, kind, body = get(f"{base_url}/{name}")
        feed = feedparser.parse(body)
        assert status == 200 and kind.startswith("application/xml") and feed.bozo == 0
        assert [e.title for e in feed.entries][:1] == ["A fresh post"]
    status, kind, body = get(base_url + "/feed.json")
    assert kind.startswith("application/feed+json")
    assert json.loads(body)["items"][0]["title"] == "A fresh post"
    with pytest.raises(urllib.error.HTTPError) as info:
        get(base_url + "/nope.xml")
    assert info.value.code == 404


def test_edits_show_on_reload_without_restart(site: Path, base_url: str) -> None:
    assert "Retitled post" not in get(base_url + "/")[2].decode()
    path = site / "content" / "fresh.md"
    path.write_text(path.read_text().replace("A fresh post", "Retitled post"))
    (site / "email_templates").mkdir()
    (site / "email_templates" / "digest.subject.j2").write_text("Edited: {{ posts[0].title }}")
    page = get(base_url + "/")[2].decode()
    assert "Subject</th><td>Edited: Retitled post</td>" in page
    assert b"Retitled post" in get(base_url + "/atom.xml")[2]


def test_content_errors_are_shown_not_crashed(site: Path, base_url: str) -> None:
    (site / "content" / "broken.md").write_text("---\ntitle: [oops\n---\n")
    with pytest.raises(urllib.error.HTTPError) as info:
        get(base_url + "/")
    page = info.value.read().decode()
    assert info.value.code == 500
    assert "content/broken.md:3: YAML front matter: did not find expected" in page
    assert "(while parsing a flow sequence at line 2)" in page


def test_preview_text_prints_subject_and_text_part(site: Path) -> None:
    before = state_bytes(site)
    result = CliRunner().invoke(
        main,
        ["preview", "--text", "--config", str(site / "feedkit.toml")],
        env={"FEEDKIT_NOW": NOW.isoformat(), **SECRET_ENV},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Subject: Example Blog: A fresh post\n(1 new post(s))\n\n")
    assert "Hi Ada," in result.stdout
    assert state_bytes(site) == before
