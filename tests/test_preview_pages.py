"""The preview's list of every post, a page at a time: reading times counted for the posts a
page shows, and links to the pages before and after."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from feedkit.web import readingtimes
from feedkit.web.preview import POSTS_PER_PAGE

from conftest import NOW
from digest_site import SECRET_ENV, site_after_first_digest, write_post
from preview_process import fetch, preview_in_process, url

POSTS = 2 * POSTS_PER_PAGE + 30


@pytest.fixture
def bodies_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[str]]]:
    """The preview's URL for a site of POSTS posts (and 3 old ones), and the posts whose
    bodies were read to count reading times."""
    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    site_after_first_digest(tmp_path)
    for n in range(POSTS):
        write_post(tmp_path, f"post-{n:03}", f"Post number {n}", NOW - timedelta(hours=n + 1))
    names: list[str] = []
    real = readingtimes.read_body

    def counted(post, warnings=None):  # type: ignore[no-untyped-def]
        names.append(post.slug)
        return real(post, warnings)

    monkeypatch.setattr(readingtimes, "read_body", counted)
    with preview_in_process(tmp_path / "feedkit.toml") as server:
        assert server.warmed.wait(20)  # the first page, made once serving
        yield url(server), names


def titles(page: bytes) -> list[str]:
    return re.findall(r'<span class="post-title" dir="auto">([^<]*)</span>', page.decode())


def test_a_page_lists_its_posts_and_counts_only_their_reading_times(
    bodies_read: tuple[str, list[str]],
) -> None:
    base, names = bodies_read
    status, page = fetch(base + "/")
    assert status == 200
    assert titles(page) == [f"Post number {n}" for n in range(POSTS_PER_PAGE)]
    assert sorted(names) == sorted(f"post-{n:03}" for n in range(POSTS_PER_PAGE))
    assert f"{POSTS + 3:,} posts, newest first: 1–{POSTS_PER_PAGE} here.".encode() in page
    assert b'<a href="/?posts=2">older posts' in page and b"newer posts" not in page
    assert b"| 1 min read |" in page


def test_the_last_page_holds_the_oldest_posts(bodies_read: tuple[str, list[str]]) -> None:
    base, names = bodies_read
    status, page = fetch(base + "/?posts=3")
    assert status == 200
    assert titles(page) == [f"Post number {n}" for n in range(200, POSTS)] + [
        f"Old post {n}" for n in (2, 1, 0)
    ]
    first, last = names[:POSTS_PER_PAGE], names[POSTS_PER_PAGE:]
    assert sorted(first) == sorted(f"post-{n:03}" for n in range(POSTS_PER_PAGE))
    assert len(last) == POSTS - 2 * POSTS_PER_PAGE + 3
    assert b'<a href="/?posts=2">' in page and b"older posts" not in page
    assert b"page 3 of 3" in page
    for asked in ("/?posts=99", "/?posts=0", "/?posts=x"):  # the nearest page there is
        assert fetch(base + asked)[0] == 200
