"""jemoji's `:smile:` shortcodes: a Jekyll site that uses the plugin shows emoji in its
feeds where its pages do (tests/fixtures/jemoji: a page jemoji's filter made); code,
attributes and what else jemoji leaves alone keep what they say. Through `feedkit build`."""

from __future__ import annotations

import re
from pathlib import Path

import emoji

from conftest import FIXTURES, only_feed_item

PLACES = FIXTURES / "jemoji"  # a post with a code in each place, and jemoji's page of it


def build(
    tmp_path: Path, config_yml: str | None = None, files: dict[str, str] | None = None
) -> dict:
    return only_feed_item(tmp_path, "jekyll-emoji", config_yml, files)


def test_jemoji_shortcodes_are_emoji_in_feeds_and_summaries(tmp_path: Path) -> None:
    item = build(tmp_path)
    assert (
        "<p>Thanks for reading! ❤️ 👍 It is 10:30:00 and :not_an_emoji: stays.</p>"
        in (item["content_html"])
    )
    assert "<code>:smile:</code>" in item["content_html"]
    assert 'print(":tada:")' in item["content_html"]
    assert item["summary"].startswith("Thanks for reading! ❤️ 👍 It is")
    atom = (tmp_path / "public" / "atom.xml").read_text(encoding="utf-8")
    assert ":heart:" not in atom and "❤️ 👍" in atom


def test_without_jemoji_shortcodes_stay_as_written(tmp_path: Path) -> None:
    item = build(tmp_path, "title: Emoji\nplugins: [jekyll-feed]\n")
    assert "Thanks for reading! :heart: :+1:" in item["content_html"]


def test_jemoji_leaves_a_links_address_as_written(tmp_path: Path) -> None:
    # jemoji reads the page's text: a link's address and title keep `:b:` and `:v:`, an
    # autolink's text shows its emoji (places.jemoji.html).
    post = (
        "---\ntitle: Thanks for reading\n---\n"
        '[Docs :+1:](https://example.org/a:b:c "Plan :v:") and <https://example.org/x:v:y>\n'
    )
    item = build(tmp_path, files={"_posts/2024-06-01-emoji.md": post})
    assert (
        '<a href="https://example.org/a:b:c" title="Plan :v:">Docs 👍</a>' in (item["content_html"])
    )
    assert (
        '<a href="https://example.org/x:v:y">https://example.org/x✌️y</a>' in (item["content_html"])
    )


# The codes of places.md whose places the feed leaves out (<script>, <style>, comments:
# jemoji makes emoji of the first two, which no reader sees), and those in an autolink,
# whose text shows the emoji and whose address keeps the code.
LEFT_OUT = {"mouse", "crab", "squid", "shell"}
AUTOLINKS = {"moon", "sparkles"}


def test_jemoji_codes_are_emoji_where_its_pages_show_emoji_and_nowhere_else(
    tmp_path: Path,
) -> None:
    # Each code of places.md is a name of its own: on jemoji's page (Jekyll 4.3 and
    # html-pipeline's EmojiFilter, tests/fixtures/jemoji/README.md) it is an <img> or as
    # written; in the feed it must be the emoji or as written, alike.
    post = (PLACES / "places.md").read_text(encoding="utf-8")
    page = (PLACES / "places.jemoji.html").read_text(encoding="utf-8")
    item = build(tmp_path, files={"_posts/2024-06-01-emoji.md": post})
    made = set(re.findall(r'<img class="emoji" title=":([a-z0-9_+-]+):"', page))
    names = [
        name
        for name in re.findall(r"(?=(?::|&#58;)([a-z0-9_+-]+)(?::|&#58;))", post)
        if emoji.emojize(f":{name}:", language="alias") != f":{name}:"
    ]
    assert len(names) == 62 and len(made) == 34  # the page read as it was made
    feed = item["content_html"]
    assert "<p>Escaped 🎸 and entity 🎻 too; <code>code\\</code>🥭 after code.</p>" in feed
    in_feed = {
        name: (emoji.emojize(f":{name}:", language="alias") in feed, f":{name}:" in feed)
        for name in names
    }
    wrong = {
        name: shown
        for name, shown in in_feed.items()
        if shown != ((True, False) if name in made else (False, True))
        and not (name in LEFT_OUT and shown == (False, False))
        and not (name in AUTOLINKS and shown == (True, True))
    }
    assert wrong == {}


def test_code_that_says_image_does_not_stop_the_codes_after_it(tmp_path: Path) -> None:
    # A code span of the text `Image` read as an image's start once (its name taken as a
    # tag's), and every code after it, outside any image, stayed as written.
    post = "---\ntitle: Pictures\n---\n<span>Tip:</span> use `Image` :tada: and `Picture` :+1:\n"
    item = build(tmp_path, files={"_posts/2024-06-01-emoji.md": post})
    assert "<code>Image</code> 🎉 and <code>Picture</code> 👍" in item["content_html"]
