"""`feedkit snippet`: the feed links a site's pages need, and a subscribe form that signs a
reader up with a real `feedkit serve` process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import feedparser
import httpx
import lxml.html

from feedkit.config import load_config
from feedkit.site.build import plan_build

from conftest import NOW, NOW_ENV
from serve_site import PUBLIC_URL, make_serve_site, reader_row, running
from smtp_server import FaultySmtpServer

HOSTILE = 'Tom & "Jerry" <b>'


def snippet_of(site: Path, said: list[str] | None = None) -> str:
    """Return what `feedkit snippet` prints on the site; what it says on stderr goes to
    `said`, else there must be none."""
    done = subprocess.run(
        [sys.executable, "-m", "feedkit", "snippet", "--config", str(site / "feedkit.toml")],
        env={**NOW_ENV, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=site,
    )
    assert done.returncode == 0, done.stderr
    if said is None:
        assert done.stderr == ""
    else:
        said.extend(done.stderr.splitlines())
    return done.stdout


def test_the_links_are_the_feeds_own_and_the_form_signs_a_reader_up(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = make_serve_site(tmp_path, smtp_server)
    toml = cfg.root / "feedkit.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('"Example Blog"', '"Tom & \\"Jerry\\" <b>"'),
        encoding="utf-8",
    )
    (cfg.content_path / "p.md").write_text("---\ntitle: P\ndate: 2024-01-01\n---\nText.\n")
    said: list[str] = []
    text = snippet_of(tmp_path, said)
    # No digest reached anyone yet: the past digests' links lead nowhere until one does.
    assert said == [
        "note: public/newsletter/ holds no digest yet: its links in the snippet lead nowhere "
        "until the first digest reaches a reader (the digest and the next build write it)"
    ]
    (cfg.output_path / "newsletter").mkdir(parents=True)
    (cfg.output_path / "newsletter" / "index.html").write_text("<!doctype html>")
    assert snippet_of(tmp_path) == text
    page = lxml.html.fromstring(f"<html><head></head><body>{text}</body></html>")

    # Each link names its feed's own self link, and the title as it is (escaped once).
    plan = plan_build(load_config(toml), NOW)
    links: dict[str, lxml.html.HtmlElement] = {}
    for link in page.iter("link"):
        links.setdefault(link.get("type"), link)  # the site's feeds first, then the digests'
    assert [link.get("href") for link in page.iter("link")][-1] == (
        "https://example.com/blog/newsletter/atom.xml"
    )
    for kind, name in (("application/atom+xml", "atom.xml"), ("application/rss+xml", "rss.xml")):
        parsed = feedparser.parse(plan.files[name])
        (self_link,) = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert links[kind].get("href") == self_link
        assert links[kind].get("title").startswith(HOSTILE)
    assert links["application/feed+json"].get("href") == "https://example.com/blog/feed.json"
    (archive,) = page.xpath("//a")
    assert archive.get("href") == "https://example.com/blog/newsletter/"

    # The form, filled in as a browser would, at a running feedkit serve.
    (form,) = page.forms
    assert form.method == "POST" and form.action == PUBLIC_URL + "subscribe"
    fields = dict(form.form_values())
    fields["email"] = "zoe@example.org"
    with running(cfg) as service:
        answer = httpx.post(service.local(form.action), data=fields)
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    assert reader_row(cfg, "zoe@example.org")["status"] == "pending"
    [mail] = smtp_server.received_for("zoe@example.org")
    assert mail.raw.startswith(b'Subject: Confirm your subscription to Tom & "Jerry" <b>\r\n')


def test_without_serve_there_is_no_form_and_a_note_says_why(tmp_path: Path) -> None:
    (tmp_path / "feedkit.toml").write_text(
        'title = "Notes"\nbase_url = "https://notes.example.org/"\n\n[feed]\njson_feed = false\n',
        encoding="utf-8",
    )
    text = snippet_of(tmp_path)
    assert "<form" not in text and "application/feed+json" not in text
    assert "set [serve] url in feedkit.toml" in text
    # A site that mails no digest ([digest] from unset) has no past digests to link to: the
    # links led readers and feed readers to a 404.
    assert "newsletter" not in text and "past digests" not in text.lower()
