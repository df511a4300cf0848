"""Popular Jekyll themes' includes, which live in the theme's gem and not in the blog: their
images and videos still reach the feed. Through `feedkit build` on a fixture site."""

from __future__ import annotations

from pathlib import Path

from conftest import only_feed_item


def test_theme_includes_show_their_images_and_videos(tmp_path: Path) -> None:
    html = only_feed_item(tmp_path, "jekyll-theme-includes")["content_html"]
    base = "https://example.com/blog/"
    assert (
        f'<figure><img src="{base}assets/images/dusk.jpg" alt="Dusk over the bay">'
        "<figcaption>The bay at <em>dusk</em>.</figcaption></figure>"
    ) in html
    assert f'<img src="{base}assets/img/1.jpg" alt="A chart">' in html
    assert html.count('<a href="https://www.youtube.com/watch?v=XsxDH4HcOWA">') == 1
    assert '<a href="https://www.youtube.com/watch?v=Balreaj8Yqs">YouTube video</a>' in html
    assert f'<img src="{base}images/graph.png" alt="The graph">' in html
    assert "{%" not in html and "include." not in html


def test_a_blogs_own_include_wins_over_the_stand_in(tmp_path: Path) -> None:
    own = {"_includes/figure": '<p class="own">{{ include.alt }}</p>\n'}
    html = only_feed_item(tmp_path, "jekyll-theme-includes", files=own)["content_html"]
    assert '<p class="own">Dusk over the bay</p>' in html
