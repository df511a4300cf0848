"""The preview server, over real HTTP on 127.0.0.1: what readers will get, and no side effects."""

from __future__ import annotations

import html
import http.client
import json
import re
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.mail.unsubscribe import unsubscribe_token

from conftest import NOW
from digest_site import SECRET_ENV, digest_command, site_after_first_digest, write_post
from preview_process import preview_in_process, url


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    site_after_first_digest(tmp_path)  # first run: archive recorded
    write_post(tmp_path, "fresh", "A fresh post", NOW - timedelta(hours=1))
    write_post(tmp_path, "draft", "Still a draft", NOW - timedelta(hours=1))
    draft = tmp_path / "content" / "draft.md"
    draft.write_text(draft.read_text().replace("tags:", "draft: true\ntags:"))
    write_post(tmp_path, "later", "Coming later", NOW + timedelta(days=3))
    return tmp_path


@pytest.fixture
def base_url(site: Path) -> Iterator[str]:
    with preview_in_process(site / "feedkit.toml") as server:
        yield url(server)


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
    assert '<p class="subject">Example Blog: A fresh post</p>' in page
    assert 'src="/digest.html" width="700"' in page and 'src="/digest.html" width="375"' in page
    assert "Hi Alex," in page  # the text part
    assert "\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n" in page
    assert "The post about A fresh post." in page  # a summary, as a feed reader lists it
    assert 'Still a draft</span><span class="badge">draft</span>' in page
    assert 'Coming later</span><span class="badge">scheduled</span>' in page
    assert "Nov 22, 2026 | 1 min read | Ada Quill" in page  # CLDR English dates
    assert state_bytes(site) == before
    assert not (site / "outbox").exists()


def test_the_header_lines_shown_are_those_a_reader_gets(site: Path, base_url: str) -> None:
    # "exactly as sent" showed eight chosen fields: not Precedence, MIME-Version or
    # Content-Type, which the sent copy has.
    page = get(base_url + "/")[2].decode()
    (shown,) = re.findall(r'<pre class="headers">(.*?)</pre>', page, re.DOTALL)
    sent = digest_command(site)
    assert sent.exit_code == 0, sent.output
    (copy,) = (site / "outbox").glob("*/*.eml")
    head = copy.read_bytes().split(b"\r\n\r\n", 1)[0].decode()

    def names(text: str) -> list[str]:
        return re.findall(r"^([!-9;-~]+):", text, re.MULTILINE)

    assert names(html.unescape(shown)) == names(head.replace("\r\n", "\n"))
    assert "Precedence: bulk" in shown and "MIME-Version: 1.0" in shown


def test_digest_html_and_text_are_served(site: Path, base_url: str) -> None:
    status, kind, html = get(base_url + "/digest.html")
    assert status == 200 and b"A fresh post" in html and b"<style" in html
    status, kind, text = get(base_url + "/digest.txt")
    assert kind == "text/plain; charset=utf-8" and "Hi Alex," in text.decode()


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
    assert '<p class="subject">Edited: Retitled post</p>' in page
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
    assert result.stdout.startswith("Subject: Example Blog: A fresh post\n(1 new post)\n\n")
    assert "Hi Alex," in result.stdout
    assert state_bytes(site) == before


# -- what the preview shows, and to whom ---------------------------------------------------------

MADE_UP_TOKEN = unsubscribe_token(
    SECRET_ENV["FEEDKIT_UNSUBSCRIBE_SECRET"].encode(), "reader@example.com"
)
REAL_TOKEN = unsubscribe_token(SECRET_ENV["FEEDKIT_UNSUBSCRIBE_SECRET"].encode(), "ada@example.org")


def test_header_lines_are_shown_raw_as_sent(site: Path, base_url: str) -> None:
    (site / "content" / "fresh.md").write_text(
        (site / "content" / "fresh.md").read_text().replace("A fresh post", "Ünïcode “post” 🚀")
    )
    page = get(base_url + "/")[2].decode()
    [shown] = re.findall(r'<pre class="headers">(.*?)</pre>', page, flags=re.S)
    shown = html.unescape(shown)
    url = f"https://example.com/unsubscribe?token={MADE_UP_TOKEN}&email=reader%40example.com"
    assert shown.startswith("Subject: =?utf-8?")  # encoded, as sent
    assert "\nFrom: Ada Quill <ada@example.org>\n" in shown
    assert "\nTo: Alex Reader <reader@example.com>\n" in shown
    assert f"\nList-Unsubscribe: <{url}>,\n <mailto:ada@example.org?subject=unsubscribe>\n" in (
        shown
    )
    assert '<p class="subject">Example Blog: Ünïcode “post” 🚀</p>' in page  # as readers see it


def test_preview_shows_a_made_up_reader_never_a_real_one(site: Path, base_url: str) -> None:
    page = get(base_url + "/")[2].decode()
    digest_html = get(base_url + "/digest.html")[2].decode()
    digest_text = get(base_url + "/digest.txt")[2].decode()
    for shown in (page, digest_html, digest_text):
        assert MADE_UP_TOKEN in shown
        assert REAL_TOKEN not in shown
        assert "Ada," not in shown and "ada%40example.org" not in shown
    assert "Hi Alex," in digest_text


def request_with_host(base_url: str, *hosts: str) -> tuple[int, bytes]:
    address = base_url.removeprefix("http://")
    connection = http.client.HTTPConnection(address, timeout=10)
    try:
        connection.putrequest("GET", "/", skip_host=True)
        for host in hosts:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.1:{port}", "localhost", "LocalHost:{port}", "[::1]:{port}"]
)
def test_loopback_host_names_are_served(base_url: str, host: str) -> None:
    port = base_url.rsplit(":", 1)[1]
    status, body = request_with_host(base_url, host.format(port=port))
    assert status == 200 and b"Next digest" in body


@pytest.mark.parametrize(
    "host",
    [
        "rebind.attacker.example:{port}",
        "rebind.attacker.example",
        "127.0.0.2",
        "0.0.0.0",
        "localhost.attacker.example",
        "127.0.0.1.nip.io:{port}",
        "localhost:{port}@evil",
    ],
)
def test_other_host_names_get_421_misdirected_request(base_url: str, host: str) -> None:
    port = base_url.rsplit(":", 1)[1]
    status, body = request_with_host(base_url, host.format(port=port))
    assert status == 421
    assert body == (
        b"421 Misdirected Request: this preview answers only to 127.0.0.1, localhost and "
        b"[::1]; open it at one of those\n"
    )
    assert b"A fresh post" not in body


def test_a_request_without_a_host_or_with_two_gets_400(base_url: str) -> None:
    status, body = request_with_host(base_url)
    assert (status, body) == (400, b"400 Bad Request: the request has no Host header\n")
    status, body = request_with_host(base_url, "127.0.0.1", "rebind.attacker.example")
    assert (status, body) == (400, b"400 Bad Request: the request has more than one Host header\n")


def test_renamed_feeds_are_linked_and_served_under_their_names(site: Path) -> None:
    toml = site / "feedkit.toml"
    toml.write_text(
        toml.read_text().replace("[feed]", '[feed]\natom = "feed.xml"\nrss = "index.xml"')
    )
    with preview_in_process(toml) as server:
        base = url(server)
        page = get(base + "/")[2].decode()
        assert '<a href="/feed.xml">feed.xml</a><a href="/index.xml">index.xml</a>' in page
        for name in ("feed.xml", "index.xml"):
            assert feedparser.parse(get(f"{base}/{name}")[2]).entries


def test_a_tag_feed_in_chinese_is_served_at_its_percent_encoded_address(
    site: Path, base_url: str
) -> None:
    when = (NOW - timedelta(hours=2)).isoformat()
    (site / "content" / "zh.md").write_text(
        f"---\ntitle: 中文\ndate: {when}\ntags: [中文]\n---\n好。\n", encoding="utf-8"
    )
    path = "/tags/%E4%B8%AD%E6%96%87/atom.xml"  # where its self link says it is
    status, kind, body = get(base_url + path)
    feed = feedparser.parse(body)
    assert status == 200 and [e.title for e in feed.entries] == ["中文"]
    assert [link.href for link in feed.feed.links if link.rel == "self"][0].endswith(path)


def test_preview_and_serve_on_a_taken_port_say_so_and_exit_1(site: Path) -> None:
    # The preview's server closed itself on the failed bind before it had its site: an
    # AttributeError's traceback hid "cannot listen". Through the console script, as run.
    import os
    import socket
    import subprocess
    import sys

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    feedkit = str(Path(sys.executable).parent / "feedkit")
    toml = site / "feedkit.toml"
    toml.write_text(toml.read_text() + '\n[serve]\nurl = "https://news.example.org/"\n')
    try:
        for command in ("preview", "serve"):
            done = subprocess.run(
                [feedkit, command, "--port", str(port), "--config", str(toml)],
                env={**os.environ, "FEEDKIT_NOW": NOW.isoformat(), **SECRET_ENV},
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert (done.returncode, done.stderr.splitlines()[-1]) == (
                1,
                f"error: cannot listen on 127.0.0.1:{port}: Address already in use; try --port 0",
            ), done.stderr
            assert "Traceback" not in done.stderr
    finally:
        taken.close()
