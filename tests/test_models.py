"""What every stage shares: a post's slug as made from a title, a file name or a tag."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from feedkit.models import Post, slugify
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


def test_a_pickled_post_loads_with_every_value_and_its_path_as_text(make_site: MakeSite) -> None:
    cfg = make_site(
        posts={
            "p.md": "---\ntitle: T\ndate: 2024-03-01 10:00:00+02:00\nupdated: 2024-03-02\n"
            "author: A <a@example.com>\ntags: [x, y]\nimage: i.png\nimage_alt: An i\n"
            "expiryDate: 2031-01-01\nsummary: S\nrating: 5\n---\nBody.\n"
        }
    )
    (post,) = load_posts(cfg).posts
    back = pickle.loads(pickle.dumps(post, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(back) is Post and type(back.source) is str
    assert dataclasses.asdict(back) == dataclasses.asdict(post)
    assert back.extra == {"rating": 5} and back.expires is not None and back.image_alt
