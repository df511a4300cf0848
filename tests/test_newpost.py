"""`feedkit new`'s post file: where it goes, its slug, and front matter that reads back as
written, whatever the title holds; never over an existing file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main
from feedkit.posts.loader import load_posts
from feedkit.posts.newpost import SLUG_CHARS, new_post, post_slug

from conftest import NOW, NOW_ENV, SITE_TOML, MakeSite


def only_post(cfg, path: Path):  # type: ignore[no-untyped-def]
    (post,) = [p for p in load_posts(cfg).posts if p.source == str(path)]
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
    (cfg.content_path / "_posts").mkdir()
    jekyll = new_post(cfg, "Jekyll", NOW)
    assert jekyll == cfg.content_path / "_posts" / "2026-11-22-jekyll.md"
    again = new_post(cfg, "Jekyll", datetime.fromisoformat("2026-12-01T08:00:00+00:00"))
    assert again.name == "2026-12-01-jekyll-2.md"  # the slug is taken, whatever the date
    assert only_post(cfg, jekyll).slug == "jekyll"


def feedkit(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--config", str(root / "feedkit.toml")], env=NOW_ENV)


def entry_links(root: Path) -> list[str]:
    feed = feedparser.parse((root / "public" / "atom.xml").read_bytes())
    return sorted(entry.link for entry in feed.entries)


def test_new_in_a_jekyll_site_writes_where_its_posts_are_read(make_site: MakeSite) -> None:
    # Jekyll's posts live in _posts/, and a site with _config.yml but no _posts/ has every
    # Markdown file a post (sitekind.py): a folder of posts with GitHub Pages' _config.yml,
    # say. `feedkit new` made a _posts/ there for the new post, and the next build took
    # only that one for a post: every other left the feeds, read as Jekyll's pages.
    dated = "---\ntitle: {0}\ndate: 2024-0{1}-01\n---\nText.\n"
    cfg = make_site(posts={"posts/a.md": dated.format("A", 1), "b.md": dated.format("B", 2)})
    root = cfg.root
    (root / "_config.yml").write_text("theme: jekyll-theme-minimal\n", encoding="utf-8")
    wrote = feedkit(root, "new", "Third post")
    assert wrote.exit_code == 0, wrote.output
    assert wrote.stdout.endswith(f"{Path('content/posts/third-post.md')}\n")
    (root / "content" / "posts" / "third-post.md").write_text(
        dated.format("Third", 3) + "More.\n", encoding="utf-8"
    )
    assert feedkit(root, "build").exit_code == 0
    assert entry_links(root) == [  # with Jekyll's URLs: the site is Jekyll's
        "https://example.com/blog/2024/01/01/a.html",
        "https://example.com/blog/2024/02/01/b.html",
        "https://example.com/blog/2024/03/01/third-post.html",
    ]
    assert not (root / "content" / "_posts").exists()

    # A Jekyll site without a post yet: its first goes in _posts/, where Jekyll reads it.
    for name in ("posts/a.md", "b.md", "posts/third-post.md"):
        (root / "content" / name).unlink()
    (root / "content" / "index.html").write_text("<p>Home</p>\n", encoding="utf-8")
    wrote = feedkit(root, "new", "First")
    assert wrote.exit_code == 0, wrote.output
    first = root / "content" / "_posts" / "2026-11-22-first.md"
    assert wrote.stdout.endswith(f"{Path('content/_posts/2026-11-22-first.md')}\n")
    first.write_text(first.read_text(encoding="utf-8") + "\nHello.\n", encoding="utf-8")
    built = feedkit(root, "build")
    assert built.exit_code == 0, built.output
    assert entry_links(root) == ["https://example.com/blog/2026/11/22/first.html"]

    # Posts in a category's _posts/ (blog/_posts/): Jekyll's rules hold, the new one goes in
    # a _posts/ too.
    first.unlink()
    (root / "content" / "_posts").rmdir()
    (root / "content" / "news" / "_posts").mkdir(parents=True)
    (root / "content" / "news" / "_posts" / "2024-01-01-old.md").write_text(
        dated.format("Old", 1), encoding="utf-8"
    )
    wrote = feedkit(root, "new", "Later")
    assert wrote.exit_code == 0, wrote.output
    assert (root / "content" / "_posts" / "2026-11-22-later.md").is_file()


def test_slugs_are_short_and_never_empty() -> None:
    long = post_slug("A very long title " * 10)
    assert len(long) <= SLUG_CHARS and not long.endswith("-") and long.startswith("a-very-long")
    assert post_slug("!!! ???") == "post"
    assert post_slug("Ελληνικά") == "ελληνικά"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("A/B testing", "a-b-testing"),
        ('<b>bold</b> & "quoted"', "b-bold-b-quoted"),
        ("Vec<T> and Option<U>", "vec-t-and-option-u"),
        ("C:\\Windows paths", "c-windows-paths"),
        ("Don't panic", "dont-panic"),  # as before: an apostrophe joins
    ],
)
def test_brackets_and_slashes_keep_words_apart(title: str, slug: str) -> None:
    assert post_slug(title) == slug


def test_new_in_a_jekyll_site_dates_the_post_in_its_zone_and_keeps_a_draft_from_jekyll(
    make_site: MakeSite,
) -> None:
    # A Jekyll site's _config.yml names its zone, and feedkit.toml none (as `init` writes
    # it): the build reads the post's date there, so `new` dates it there, or the file's
    # name says one day and the URL the next (20:00 UTC is 05:00 the next day in Tokyo).
    # A draft is `published: false`, which Jekyll reads: its `draft:` means nothing to
    # Jekyll, which would publish the post at once.
    toml = SITE_TOML.replace('timezone = "Europe/Berlin"\n', "")
    cfg = make_site(posts={"_posts/.keep": ""}, toml=toml)
    root = cfg.root
    (root / "content" / "_config.yml").write_text("timezone: Asia/Tokyo\n", encoding="utf-8")
    late = datetime.fromisoformat("2026-11-21T20:00:00+00:00")
    path = new_post(cfg, "Late in Tokyo", late, body="Text.")
    assert path.name == "2026-11-22-late-in-tokyo.md"
    assert "date: 2026-11-22T05:00:00+09:00\n" in path.read_text(encoding="utf-8")
    draft = new_post(cfg, "Not yet", late, draft=True, body="Text.")
    assert "\npublished: false\n" in draft.read_text(encoding="utf-8")
    assert "draft:" not in draft.read_text(encoding="utf-8")
    built = feedkit(root, "build")
    assert built.exit_code == 0, built.output
    assert "1 published, 1 draft(s)" in built.stdout
    assert entry_links(root) == ["https://example.com/blog/2026/11/22/late-in-tokyo.html"]


def test_new_on_a_pelican_site_writes_pelicans_header(make_site: MakeSite) -> None:
    cfg = make_site(posts={"old.md": "Title: Old\nDate: 2024-01-01\n\nText.\n"})
    (cfg.root / "pelicanconf.py").write_text(
        "PATH = 'content'\n", encoding="utf-8"
    )  # feedkit.toml: Berlin
    when = datetime.fromisoformat("2026-05-20T08:30:00+00:00")
    path = new_post(cfg, 'Rounding: "nearest"', when, draft=True, tags=["a b", "c"], body="x")
    assert path.read_text(encoding="utf-8") == (
        'Title: Rounding: "nearest"\nDate: 2026-05-20 10:30:00+02:00\nTags: a b, c\n'
        "Status: draft\n\nx\n"
    )
    env = {**NOW_ENV}
    comma = CliRunner().invoke(
        main, ["new", "T", "--tag", "a,b", "--config", str(cfg.root / "feedkit.toml")], env=env
    )
    assert comma.exit_code == 2
    assert "--tag: Pelican's Tags: line parts tags at commas: 'a,b' cannot be one" in comma.output
