"""`feedkit serve` in a real browser: headless Chromium (the system's, driven by Playwright)
signs up on the form, opens the link of the mail a real SMTP server received, confirms, and
later unsubscribes on the page of an unsubscribe link, with JavaScript on and off; and the
whole way a reader goes: sign up, confirm, get the next digest, leave by the one-click link of
that digest's raw List-Unsubscribe field, get no digest after that.

Where Chromium is missing these tests skip, except under .ci/run (FEEDKIT_CI=1), which
installs it: there a browser that cannot run is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from feedkit.config import Config, load_config
from feedkit.mail.tokens import Tokens, unsubscribe_link

from conftest import NOW
from digest_site import write_post
from serve_site import (
    SECRET,
    confirm_link_in,
    mails_for,
    make_serve_site,
    reader_events,
    reader_row,
    running,
)
from smtp_server import FaultySmtpServer


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_reader_signs_up_confirms_and_leaves_in_a_browser(
    tmp_path: Path, smtp_server: FaultySmtpServer, browser: Browser, javascript: bool
) -> None:
    cfg = make_serve_site(tmp_path, smtp_server)
    context = browser.new_context(java_script_enabled=javascript)
    violations: list[str] = []
    with running(cfg) as service:
        page = context.new_page()
        page.on("console", lambda message: violations.append(message.text))
        page.goto(service.url + "subscribe")
        expect(page.get_by_role("heading", name="Subscribe")).to_be_visible()
        page.get_by_label("Email address").fill("reader@example.org")
        page.get_by_label("Name").fill("Rea Der")
        page.get_by_role("button", name="Subscribe").click()
        expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

        [mail] = mails_for(smtp_server, "reader@example.org")
        assert reader_row(cfg, "reader@example.org")["status"] == "pending"
        page.goto(service.local(confirm_link_in(mail.raw)))
        button = page.get_by_role("button", name="Confirm my subscription")
        expect(button).to_be_visible()
        assert reader_row(cfg, "reader@example.org")["status"] == "pending"
        button.click()
        expect(page.get_by_role("heading", name="You’re subscribed")).to_be_visible()
        row = reader_row(cfg, "reader@example.org")
        assert row is not None and row["status"] == "active" and row["name"] == "Rea Der"

        tokens = Tokens(SECRET.encode())
        link = unsubscribe_link(cfg, tokens, int(str(row["id"])), str(row["subscription"]))
        page.goto(service.local(link))
        page.get_by_role("button", name="Unsubscribe").click()
        expect(page.get_by_role("heading", name="You’re unsubscribed")).to_be_visible()
        assert reader_events(cfg, "reader@example.org")[-1][0::2] == ("unsubscribed", "web page")

        # The way back in leads to the form again.
        page.get_by_role("link", name="Subscribe again").click()
        expect(page.get_by_label("Email address")).to_be_editable()
        if javascript:  # the page's own stylesheet is let through its strict policy
            colour = page.get_by_role("button", name="Subscribe").evaluate(
                "button => getComputedStyle(button).backgroundColor"
            )
            assert colour == "rgb(26, 95, 180)"
    context.close()
    assert [text for text in violations if "Content Security Policy" in text] == []


def list_unsubscribe_link(raw: bytes) -> str:
    """Return the https link of a message's List-Unsubscribe field, read from its bytes as a
    mail provider reads them: the field unfolded (RFC 5322), the first <https:…> in it."""
    head = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ").replace(b"\r\n\t", b"\t")
    fields = [f for f in head.split(b"\r\n") if f.lower().startswith(b"list-unsubscribe:")]
    assert len(fields) == 1, fields
    posts = [f for f in head.split(b"\r\n") if f.lower().startswith(b"list-unsubscribe-post:")]
    assert posts == [b"List-Unsubscribe-Post: List-Unsubscribe=One-Click"]
    found = re.search(rb"<(https://[^>\s]+)>", fields[0])
    assert found, fields[0]
    return found.group(1).decode("ascii")


def feedkit(cfg: Config, *args: str, now: datetime = NOW) -> subprocess.CompletedProcess[str]:
    """Run the `feedkit` command on the site, as the blogger (or their cron) does."""
    env = {**os.environ, "FEEDKIT_NOW": now.isoformat(), "FEEDKIT_UNSUBSCRIBE_SECRET": SECRET}
    return subprocess.run(
        [sys.executable, "-m", "feedkit", *args, "--config", str(cfg.root / "feedkit.toml")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_reader_signs_up_gets_the_next_digest_and_leaves_by_its_one_click_header(
    tmp_path: Path, smtp_server: FaultySmtpServer, browser: Browser
) -> None:
    cfg = make_serve_site(tmp_path, smtp_server)
    write_post(tmp_path, "old", "An old post", NOW - timedelta(days=30))
    reader = "reader@example.org"
    with running(cfg) as service:
        page = browser.new_context(java_script_enabled=False).new_page()
        page.goto(service.url + "subscribe")
        page.get_by_label("Email address").fill(reader)
        page.get_by_role("button", name="Subscribe").click()
        expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
        [confirmation] = mails_for(smtp_server, reader)
        page.goto(service.local(confirm_link_in(confirmation.raw)))
        page.get_by_role("button", name="Confirm my subscription").click()
        expect(page.get_by_role("heading", name="You’re subscribed")).to_be_visible()
        # A second reader, added by the blogger, shows that digests still go out.
        added = feedkit(cfg, "subscribers", "add", "other@example.org")
        assert added.returncode == 0, added.stderr

        first = feedkit(cfg, "digest")  # the first run records the back catalogue
        assert first.returncode == 0, first.stderr
        assert len(smtp_server.received_for(reader)) == 1  # nothing but the confirmation
        write_post(tmp_path, "news", "Fresh news", NOW + timedelta(hours=1))
        second = feedkit(cfg, "digest", now=NOW + timedelta(hours=2))
        assert second.returncode == 0 and "2 sent" in second.stdout, second.stdout + second.stderr
        digest = smtp_server.received_for(reader)[-1]
        assert b"Fresh news" in digest.raw

        # The past digests' feed opens as the site's feeds do, as a page (feed.xsl), not
        # the XML tree a browser shows a feed without a stylesheet.
        page.goto(service.url + "archive/atom.xml")
        expect(page.get_by_text("This is a web feed.")).to_be_visible()
        expect(page.get_by_role("link", name=re.compile("Fresh news"))).to_be_visible()

        # What Gmail does with RFC 8058: POST the header's link, no cookies, no redirects.
        request = urllib.request.Request(
            service.local(list_unsubscribe_link(digest.raw)),
            data=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200 and answer.url == request.full_url
            assert "Set-Cookie" not in answer.headers
        assert reader_row(cfg, reader)["status"] == "unsubscribed"  # type: ignore[index]

        write_post(tmp_path, "later", "Later news", NOW + timedelta(days=7))
        third = feedkit(cfg, "digest", now=NOW + timedelta(days=7, hours=1))
        assert third.returncode == 0 and "1 sent" in third.stdout, third.stdout + third.stderr
        assert [b"Later news" in m.raw for m in smtp_server.received_for(reader)] == [
            False,
            False,
        ]
        assert b"Later news" in smtp_server.received_for("other@example.org")[-1].raw


def test_a_long_site_title_stays_inside_a_phones_screen(
    tmp_path: Path, smtp_server: FaultySmtpServer, browser: Browser
) -> None:
    # One word of 70 letters: the sign-up page was 649 px wide on a 375 px phone, the
    # archive's index 1,453 px, and both scrolled sideways.
    title = "Donaudampfschifffahrtsgesellschaftskapitänsnotizbuch_und_Werkstattberichte"
    cfg = make_serve_site(tmp_path, smtp_server)
    toml = cfg.root / "feedkit.toml"
    toml.write_text(toml.read_text().replace('title = "Example Blog"', f'title = "{title}"', 1))
    cfg = load_config(toml)
    added = feedkit(cfg, "subscribers", "add", "other@example.org")
    assert added.returncode == 0, added.stderr
    assert feedkit(cfg, "digest").returncode == 0  # the first run records the back catalogue
    write_post(tmp_path, "news", "Fresh news", NOW + timedelta(hours=1))
    sent = feedkit(cfg, "digest", now=NOW + timedelta(hours=2))
    assert sent.returncode == 0, sent.stderr
    page = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    with running(cfg) as service:
        for path in ("subscribe", "archive/"):
            page.goto(service.url + path)
            expect(page.get_by_text(title[:20], exact=False).first).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, (path, width)
