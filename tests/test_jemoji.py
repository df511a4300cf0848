"""jemoji's `:smile:` shortcodes: a Jekyll site that uses the plugin shows emoji in its
feeds, as its pages do; code keeps what it says. Through `feedkit build`."""

from __future__ import annotations

from pathlib import Path

from conftest import only_feed_item


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
    # jemoji reads the page's text: a link's address and title keep `:b:` and `:v:`.
    post = (
        "---\ntitle: Thanks for reading\n---\n"
        '[Docs :+1:](https://example.org/a:b:c "Plan :v:") and <https://example.org/x:v:y>\n'
    )
    item = build(tmp_path, files={"_posts/2024-06-01-emoji.md": post})
    assert (
        '<a href="https://example.org/a:b:c" title="Plan :v:">Docs 👍</a>' in (item["content_html"])
    )
    assert (
        '<a href="https://example.org/x:v:y">https://example.org/x:v:y</a>'
        in (item["content_html"])
    )
