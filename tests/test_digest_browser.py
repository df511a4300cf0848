"""A digest as a reader's mail program lays it out, in a real browser (the system's
Chromium, driven by Playwright): the HTML part exactly as it reached the outbox, on a phone
and a desktop, in light and dark mode.

Where Chromium is missing these tests skip, except under .ci/run (FEEDKIT_CI=1).
"""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy

import pytest
from playwright.sync_api import Browser

from conftest import NOW
from digest_site import digest_command, make_digest_site, outbox_messages, write_post

# A post in full with what widened every card past a phone's screen (a nine-column table)
# and what dark mode left dark on dark (its text, a quote, a code block).
_COLUMNS = "Parser,Language,Version,twitter.json (MB/s),citm_catalog.json (MB/s)," + (
    "canada.json (MB/s),Peak RSS (MiB),License,Notes"
)
_ROW = "simdjson,C++,3.10.1,3412,2987,1103,12.4,Apache-2.0,fastest overall"
WIDE = "\n".join(
    [
        "Some text.",
        "",
        "| " + " | ".join(_COLUMNS.split(",")) + " |",
        "|" + "---|" * 9,
        "| " + " | ".join(_ROW.split(",")) + " |",
        "",
        "> A quote.",
        "",
        "```python",
        "def f():",
        "    return 1",
        "```",
    ]
)


@pytest.fixture(scope="module")
def html_part(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("site")
    make_digest_site(root, [("ada@example.org", "Ada")], extra_toml='content = "full"\n')
    assert digest_command(root).exit_code == 0  # the first run records the archive
    write_post(root, "wide", "A wide table", NOW - timedelta(hours=1), body=WIDE)
    assert digest_command(root).exit_code == 0
    (raw,) = outbox_messages(root).values()
    part = email.message_from_bytes(raw, policy=policy.default).get_body(("html",))
    assert part is not None
    return str(part.get_content())


def _luminance(css: str) -> float:
    """Return the relative luminance (WCAG 2) of an `rgb(r, g, b)` colour."""
    values = [int(v) / 255 for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
    r, g, b = (v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("width", [375, 1280])
def test_a_wide_table_scrolls_in_its_card_and_widens_nothing(
    browser: Browser, html_part: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.set_content(html_part)
    page_width = page.evaluate("document.documentElement.scrollWidth")
    card = page.evaluate("document.querySelector('.card').getBoundingClientRect().width")
    table = page.evaluate(
        "(() => { const t = document.querySelector('.post-content table');"
        " return [t.getBoundingClientRect().width, t.scrollWidth]; })()"
    )
    page.close()
    assert page_width == width  # the message is no wider than the screen
    assert card <= min(width, 600)
    assert table[0] <= card and table[1] > table[0]  # the table scrolls inside the card


def test_a_post_in_full_is_light_on_dark_in_dark_mode(browser: Browser, html_part: str) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800}, color_scheme="dark")
    page.set_content(html_part)
    style = "(s, p) => getComputedStyle(document.querySelector(s))[p]"
    card = page.evaluate(f"({style})('.card', 'backgroundColor')")
    text = page.evaluate(f"({style})('.post-content p', 'color')")
    quote = page.evaluate(f"({style})('.post-content blockquote', 'color')")
    code = page.evaluate(f"({style})('.post-content pre', 'color')")
    code_ground = page.evaluate(f"({style})('.post-content pre', 'backgroundColor')")
    page.close()
    # WCAG AA for text: 4.5 to 1 (it was 1.2 to 1: the post's text stayed dark grey).
    assert _contrast(text, card) >= 4.5, (text, card)
    assert _contrast(quote, card) >= 4.5, (quote, card)
    assert _contrast(code, code_ground) >= 4.5, (code, code_ground)
