"""`feedkit serve` in a real browser: headless Chromium (the system's, driven by Playwright)
signs up on the form, opens the link of the mail a real SMTP server received, confirms, and
later unsubscribes on the page of an unsubscribe link, with JavaScript on and off.

Where Chromium is missing these tests skip, except under .ci/run (FEEDKIT_CI=1), which
installs it: there a browser that cannot run is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from feedkit.mail.tokens import Tokens, unsubscribe_link

from serve_site import SECRET, confirm_link_in, make_serve_site, reader_events, reader_row, running
from smtp_server import FaultySmtpServer

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        why = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("FEEDKIT_CI") == "1":
            pytest.fail(why + "; .ci/run should have installed it")
        pytest.skip(why)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield launched
        finally:
            launched.close()


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

        [mail] = smtp_server.received_for("reader@example.org")
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
