"""`feedkit new`'s post file: where it goes, its slug, and front matter that reads back as
written, whatever the title holds; never over an existing file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from feedkit.posts.loader import load_posts
from feedkit.posts.newpost import SLUG_CHARS, new_post, post_slug

from conftest import NOW, MakeSite


def only_post(cfg, path: Path):  # type: ignore[no-untyped-def]
    (post,) = [p for p in load_posts(cfg).posts if p.source == path]
    return post


@pytest.mark.parametrize(
    "title",
    [
        "Rounding: “nearest” even",
        "---",
        "'quoted' and \"double\" # not a comment",
        "[not a list], {not: a map}",
        "yes",
        "2024-01-01",
        "@handle & *alias &anchor !tag %directive `tick` | > ?",
        "Ελληνικά 中文 🚀",
        "  spaced\n  over\tlines  ",
    ],
)
def test_the_title_reads_back_as_given(make_site: MakeSite, title: str) -> None:
    cfg = make_site()
    path = new_post(cfg, title, NOW, draft=True, tags=["a b", "x, y", "中文"])
    post = only_post(cfg, path)
    assert post.title == " ".join(title.split())
    assert post.draft
    assert post.tags == ("a b", "x, y", "中文")
    # Now, in the site's zone (Europe/Berlin): 12:00 UTC is 13:00 there.
    assert post.published == NOW
    assert "date: 2026-11-22T13:00:00+01:00\n" in path.read_text(encoding="utf-8")


def test_a_slug_a_post_file_has_gets_the_next_number(make_site: MakeSite) -> None:
    cfg = make_site(posts={"posts/My-Post.md": "---\ntitle: Mine\ndate: 2024-01-01\n---\n"})
    first = new_post(cfg, "My post", NOW)
    second = new_post(cfg, "My post!", NOW)
    # A case-insensitive file system holds one of My-Post.md and my-post.md.
    assert [first.name, second.name] == ["my-post-2.md", "my-post-3.md"]
    assert (
        (cfg.content_path / "posts" / "My-Post.md")
        .read_text(encoding="utf-8")
        .startswith("---\ntitle: Mine")
    )
    urls = {p.url for p in load_posts(cfg).posts}
    assert len(urls) == 3


def test_a_file_made_meanwhile_is_not_written_over(make_site: MakeSite, monkeypatch) -> None:
    cfg = make_site(posts={"posts/.keep": ""})
    from feedkit.posts import newpost

    real = newpost._slugs_taken

    def racing(folder: Path, jekyll: bool) -> set[str]:
        taken = real(folder, jekyll)
        (folder / "late.md").write_text("someone else's", encoding="utf-8")
        return taken

    monkeypatch.setattr(newpost, "_slugs_taken", racing)
    path = new_post(cfg, "Late", NOW)
    assert path.name == "late-2.md"
    assert (path.parent / "late.md").read_text(encoding="utf-8") == "someone else's"


def test_where_a_post_goes(make_site: MakeSite, tmp_path: Path) -> None:
    cfg = make_site()
    assert new_post(cfg, "Plain", NOW).parent == cfg.content_path
    (cfg.content_path / "posts").mkdir()
    assert new_post(cfg, "Hugo", NOW).parent == cfg.content_path / "posts"
    (tmp_path / "_config.yml").write_text("title: A Jekyll site\n", encoding="utf-8")
    jekyll = new_post(cfg, "Jekyll", NOW)
    assert jekyll == cfg.content_path / "_posts" / "2026-11-22-jekyll.md"
    again = new_post(cfg, "Jekyll", datetime.fromisoformat("2026-12-01T08:00:00+00:00"))
    assert again.name == "2026-12-01-jekyll-2.md"  # the slug is taken, whatever the date
    assert only_post(cfg, jekyll).slug == "jekyll"


def test_slugs_are_short_and_never_empty() -> None:
    long = post_slug("A very long title " * 10)
    assert len(long) <= SLUG_CHARS and not long.endswith("-") and long.startswith("a-very-long")
    assert post_slug("!!! ???") == "post"
    assert post_slug("Ελληνικά") == "ελληνικά"
