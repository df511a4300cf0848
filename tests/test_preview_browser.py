"""`feedkit preview` in a real browser (the system's Chromium, driven by Playwright): the
page reloads by itself when a post is saved, and without JavaScript it is the same page,
only not reloading.

Where Chromium is missing these tests skip, except under .ci/run (FEEDKIT_CI=1): there a
browser that cannot run is a failure.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from conftest import NOW, ROOT
from digest_site import make_digest_site, write_post
from preview_process import preview_process


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_page_reloads_itself_when_a_post_is_saved(
    tmp_path: Path, browser: Browser, javascript: bool
) -> None:
    make_digest_site(tmp_path, [("ada@example.org", "Ada")])
    write_post(tmp_path, "fresh", "A fresh post", NOW - timedelta(hours=1))
    context = browser.new_context(java_script_enabled=javascript)
    errors: list[str] = []
    with preview_process(tmp_path) as base:
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + "/")
        titles = page.locator("ul.posts .post-title")
        expect(titles.first).to_have_text("A fresh post")
        write_post(tmp_path, "fresh", "Saved a new title", NOW - timedelta(hours=1))
        if javascript:
            expect(titles.first).to_have_text("Saved a new title", timeout=15_000)
        else:  # no script: the page stays as it was, and a reload by hand shows the save
            page.wait_for_timeout(500)
            expect(titles.first).to_have_text("A fresh post")
            page.reload()
            expect(titles.first).to_have_text("Saved a new title")
        context.close()  # before the preview stops: its event stream would fail to load
    assert errors == []


def test_the_desktop_frame_shows_the_desktop_layout_and_the_phone_frame_the_phone_one(
    tmp_path: Path, browser: Browser
) -> None:
    # The digest's CSS switches to its phone layout at a width of its own: the desktop frame
    # must be wider than that, the phone frame not.
    css = (ROOT / "email_templates" / "digest.css").read_text(encoding="utf-8")
    (breakpoint,) = {
        int(w) for w in re.findall(r"@media only screen and \(max-width: (\d+)px\)", css)
    }
    make_digest_site(tmp_path, [("ada@example.org", "Ada")])
    write_post(tmp_path, "fresh", "A fresh post", NOW - timedelta(hours=1))
    with preview_process(tmp_path) as base:
        page = browser.new_page()
        page.goto(base + "/")
        frames = page.locator("iframe")
        expect(frames).to_have_count(2)
        seen = {}
        for index in range(2):
            frame = frames.nth(index).content_frame
            expect(frame.locator("body")).to_contain_text("A fresh post")
            seen[index] = frame.locator("body").evaluate(
                f"() => [window.innerWidth, matchMedia('(max-width: {breakpoint}px)').matches]"
            )
        page.close()
    (desktop_width, desktop_phone), (phone_width, phone_phone) = seen[0], seen[1]
    assert desktop_width > breakpoint and not desktop_phone
    assert phone_width <= breakpoint and phone_phone
