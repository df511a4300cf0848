"""A post file renamed since the last build: a new slug, so a new URL and entry ID, which feed
readers take for a new post. The build says so at the file, with the ID that keeps it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import feedparser

from conftest import SITE_TOML, run_feedkit

OLD_ID = "tag:example.com,2026-01-02:/blog/2026/01/second/"


def write(path: Path, title: str, date: str) -> None:
    path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\nBody of {title}.\n")


def settle(content: Path) -> None:
    """Make the posts look saved a minute ago: the build cache never trusts the status of a
    file younger than two seconds, and would read it again without its last row."""
    past = time.time_ns() - 60_000_000_000
    for path in content.iterdir():
        os.utime(path, ns=(past, past))


def build(tmp_path: Path) -> str:
    """Settle the posts and run `feedkit build` on the site as a user does; return what it
    said on stderr (it succeeded)."""
    settle(tmp_path / "content")
    built = run_feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    return built.stderr


def site(tmp_path: Path) -> Path:
    (tmp_path / "feedkit.toml").write_text(SITE_TOML)
    content = tmp_path / "content"
    content.mkdir()
    write(content / "first.md", "First", "2026-01-01")
    write(content / "second.md", "Second", "2026-01-02")
    write(content / "third.md", "Third", "2026-01-03")
    assert build(tmp_path) == ""
    return content


def test_a_renamed_post_file_is_named_with_the_id_that_keeps_its_entry(tmp_path: Path) -> None:
    content = site(tmp_path)
    (content / "second.md").rename(content / "second-post.md")
    said = build(tmp_path)
    new_id = "tag:example.com,2026-01-02:/blog/2026/01/second-post/"
    assert said == (
        f"content/second-post.md:3: warning: its feed entry ID is '{new_id}', where "
        "content/second.md, gone since the last build and published at the same time, had "
        f"'{OLD_ID}': if it is that post renamed, feed readers show it again as new; "
        f"`id: {OLD_ID}` in its front matter keeps the old ID\n"
    )
    # A build with nothing to do says what the build before it said.
    again = run_feedkit(tmp_path, "build")
    assert again.returncode == 0 and again.stderr == said

    # With the ID the warning gives, the feed has the old entry again, under its new URL.
    path = content / "second-post.md"
    text = path.read_text()
    path.write_text(text.replace("date:", f"id: {OLD_ID}\ndate:", 1))
    assert build(tmp_path) == ""
    feed = feedparser.parse((tmp_path / "public" / "atom.xml").read_bytes())
    entry = next(e for e in feed.entries if e.title == "Second")
    assert (entry.id, entry.link) == (OLD_ID, "https://example.com/blog/2026/01/second-post/")


def test_a_file_gone_and_another_new_are_no_rename_unless_one_date_pairs_them(
    tmp_path: Path,
) -> None:
    content = site(tmp_path)
    # Another date: a post deleted and another written. Two new files at the gone post's
    # date: which one it became cannot be told. A draft was in no feed.
    (content / "second.md").unlink()
    write(content / "fourth.md", "Fourth", "2026-01-04")
    (content / "third.md").unlink()
    write(content / "third-a.md", "Third A", "2026-01-03")
    write(content / "third-b.md", "Third B", "2026-01-03")
    assert build(tmp_path) == ""
    draft = content / "draft.md"
    draft.write_text("---\ntitle: Draft\ndate: 2026-01-05\ndraft: true\n---\nNot yet.\n")
    assert build(tmp_path) == ""
    draft.rename(content / "draft-renamed.md")
    assert build(tmp_path) == ""


def test_a_renamed_pelican_article_is_named_at_its_date_line(tmp_path: Path) -> None:
    # Pelican's header writes `Date:`: the warning was at line 1, the key looked for in
    # lower case only.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML)
    (tmp_path / "pelicanconf.py").write_text("SLUGIFY_SOURCE = 'basename'\n")  # URL by file
    content = tmp_path / "content"
    content.mkdir()
    for name, title, day in (("first", "First", "01"), ("second", "Second", "02")):
        (content / f"{name}.md").write_text(
            f"Title: {title}\nDate: 2026-01-{day} 10:00\nTags: a\n\nBody of {title}.\n"
        )
    assert build(tmp_path) == ""
    (content / "second.md").rename(content / "second-post.md")
    said = build(tmp_path)
    assert said.startswith("content/second-post.md:2: warning: its feed entry ID is "), said
