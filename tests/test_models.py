"""What every stage shares: a post's slug as made from a title, a file name or a tag."""

from __future__ import annotations

import pytest

from feedkit.models import slugify
from feedkit.posts.loader import load_posts

from conftest import MakeSite


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Rounding to “nearest” even", "rounding-to-nearest-even"),
        ("Café au lait", "cafe-au-lait"),
        ("C++ & Rust", "c-rust"),
        ("日本語", "日本語"),
        # Its only ASCII is punctuation: the slug keeps the letters, not the punctuation.
        ("ελληνικά-中文", "ελληνικά-中文"),
        ("日本語 (メモ)", "日本語-メモ"),
        ("— ? —", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_a_post_file_named_in_a_non_latin_script_with_a_dash_gets_its_url(
    make_site: MakeSite,
) -> None:
    cfg = make_site(
        posts={"ελληνικά-中文.md": "---\ntitle: Γεια\ndate: 2024-03-01\n---\nΚείμενο.\n"}
    )
    (post,) = load_posts(cfg).posts
    assert post.slug == "ελληνικά-中文"
    assert (
        post.url
        == "https://example.com/blog/2024/03/%CE%B5%CE%BB%CE%BB%CE%B7%CE%BD%CE%B9%CE%BA%CE%AC-%E4%B8%AD%E6%96%87/"
    )
