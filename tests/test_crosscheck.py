"""Posts that share a slug are published at their own URLs, as Jekyll and Hugo publish them;
two posts at one URL, or with one explicit ID, stop the build, on every path through the
build cache (cold, cached, --no-cache, `feedkit check`)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main

from conftest import NOW_ENV, SITE_TOML

BASE = "https://example.com/blog/"

# A yearly post, as a long-running blog has one: the same slug, a year apart.
JEKYLL_NAMES = ("2019-12-31-year-in-review.md", "2020-12-31-year-in-review.md")
BUNDLES = ("2019/review/index.md", "2020/review/index.md")


def yearly(year: int, extra: str = "", body: str = "What happened.") -> str:
    return f"---\ntitle: The year {year}\ndate: {year}-12-31\n{extra}---\n{body}\n"


def make(tmp_path: Path, files: dict[str, str], toml: str = SITE_TOML) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "feedkit.toml").write_text(toml, encoding="utf-8")
    for name, text in files.items():
        path = tmp_path / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    settle(tmp_path)
    return tmp_path


def settle(site: Path) -> None:
    """Make every post file look written a minute ago: the cache trusts only settled files."""
    for path in (site / "content").rglob("*.md"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


def run(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--config", str(site / "feedkit.toml")], env=NOW_ENV)


def outputs(site: Path) -> dict[str, bytes]:
    out = site / "public"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def entries(site: Path) -> dict[str, list[tuple[str, str]]]:
    """Return each feed's entries as (link, ID) pairs, from the bytes on disk."""
    public = site / "public"
    atom = (public / "atom.xml").read_text(encoding="utf-8")
    rss = (public / "rss.xml").read_text(encoding="utf-8")
    items = json.loads((public / "feed.json").read_bytes())["items"]
    return {
        "atom": re.findall(r'<entry>.*?<id>([^<]*)</id>.*?<link href="([^"]*)"', atom, re.S),
        "rss": re.findall(r"<item>.*?<link>([^<]*)</link>.*?<guid[^>]*>([^<]*)</guid>", rss, re.S),
        "json": [(item["id"], item["url"]) for item in items],
    }


def assert_both_published(site: Path, links: list[str]) -> None:
    found = entries(site)
    atom = [(link, entry_id) for entry_id, link in found["atom"]]
    assert [link for link, _ in atom] == links
    assert len({entry_id for _, entry_id in atom}) == 2
    assert [link for link, _ in found["rss"]] == links
    assert len({guid for _, guid in found["rss"]}) == 2
    assert [url for _, url in found["json"]] == links
    assert len({item_id for item_id, _ in found["json"]}) == 2


@pytest.mark.parametrize("names", [JEKYLL_NAMES, BUNDLES], ids=["jekyll-names", "bundles"])
def test_posts_sharing_a_slug_at_their_own_urls_are_both_published_on_every_path(
    tmp_path: Path, names: tuple[str, str]
) -> None:
    site = make(tmp_path / "site", {names[0]: yearly(2019), names[1]: yearly(2020)})
    slug = "year-in-review" if names is JEKYLL_NAMES else "review"
    links = [f"{BASE}2020/12/{slug}/", f"{BASE}2019/12/{slug}/"]

    cold = run(site, "build")
    assert cold.exit_code == 0, cold.output
    assert cold.stderr == ""
    assert_both_published(site, links)

    # A second build, after one of the two changed: the cache's path.
    (site / "content" / names[0]).write_text(yearly(2019, body="Edited."), encoding="utf-8")
    settle(site)
    cached = run(site, "build")
    assert cached.exit_code == 0, cached.output
    assert cached.stderr == ""
    assert_both_published(site, links)
    assert "Edited." in (site / "public" / "atom.xml").read_text(encoding="utf-8")

    other = tmp_path / "other"
    shutil.copytree(site, other, ignore=shutil.ignore_patterns(".feedkit", "public"))
    uncached = run(other, "build", "--no-cache")
    assert uncached.exit_code == 0, uncached.output
    assert outputs(other) == outputs(site)

    check = run(site, "check")
    assert check.exit_code == 0, check.output


def test_a_post_that_takes_a_slug_at_another_url_is_published_by_a_cached_build(
    tmp_path: Path,
) -> None:
    site = make(tmp_path, {JEKYLL_NAMES[0]: yearly(2019)})
    assert run(site, "build").exit_code == 0
    (site / "content" / "next.md").write_text(
        yearly(2020, extra="slug: year-in-review\n"), encoding="utf-8"
    )
    settle(site)
    result = run(site, "build")
    assert result.exit_code == 0, result.output
    assert [link for _, link in entries(site)["atom"]] == [
        f"{BASE}2020/12/year-in-review/",
        f"{BASE}2019/12/year-in-review/",
    ]


def test_posts_of_one_date_and_slug_go_by_url_on_every_path(tmp_path: Path) -> None:
    # Two posts named post.md, one day, each at its own `url`: newest first, then by slug,
    # then by URL (here against the files' order), the same cold, cached and uncached.
    site = make(
        tmp_path / "site",
        {
            "x/post.md": yearly(2020, extra="url: /a/post/\n"),
            "y/post.md": yearly(2020, extra="url: /b/post/\n"),
        },
    )
    links = [f"{BASE}b/post/", f"{BASE}a/post/"]
    assert run(site, "build").exit_code == 0
    assert [link for _, link in entries(site)["atom"]] == links
    (site / "content" / "x" / "post.md").write_text(
        yearly(2020, extra="url: /a/post/\n", body="Edited."), encoding="utf-8"
    )
    settle(site)
    assert run(site, "build").exit_code == 0
    assert [url for _, url in entries(site)["json"]] == links
    other = tmp_path / "other"
    shutil.copytree(site, other, ignore=shutil.ignore_patterns(".feedkit", "public"))
    assert run(other, "build", "--no-cache").exit_code == 0
    assert outputs(other) == outputs(site)


ONE_URL = SITE_TOML.replace(
    'timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\npermalink = "/{slug}/"'
)


def url_clash(first: str, second: str) -> str:
    return (
        f"{second}:1: URL '{BASE}year-in-review/' is also used by {first}; "
        "each post needs its own URL"
    )


def test_two_posts_at_one_url_stop_the_build_naming_both(tmp_path: Path) -> None:
    site = make(tmp_path, {JEKYLL_NAMES[0]: yearly(2019), JEKYLL_NAMES[1]: yearly(2020)}, ONE_URL)
    first, second = (f"content/{name}" for name in JEKYLL_NAMES)
    for args in (["build"], ["build", "--no-cache"], ["check"]):
        result = run(site, *args)
        assert result.exit_code == 1, (args, result.output)
        assert url_clash(first, second) in result.stderr, args
    assert not (site / "public" / "atom.xml").exists()


def test_two_files_whose_names_look_alike_are_told_apart(tmp_path: Path) -> None:
    # café.md composed and decomposed: two files to Linux, one name to the eye. The message
    # named "content/café.md" twice.
    composed, decomposed = "caf\u00e9.md", "cafe\u0301.md"
    site = make(tmp_path, {composed: yearly(2019), decomposed: yearly(2019)}, ONE_URL)
    result = run(site, "check")
    assert result.exit_code == 1
    assert "(written content/cafe\\u0301.md, another file)" in result.stderr
    assert "(written content/caf\\xe9.md, another file)" not in result.stderr  # the other


@pytest.mark.parametrize("how", ["added", "edited"])
def test_a_post_that_takes_another_posts_url_stops_a_cached_build(tmp_path: Path, how: str) -> None:
    files = {JEKYLL_NAMES[0]: yearly(2019)}
    if how == "edited":
        files[JEKYLL_NAMES[1]] = yearly(2020, extra="slug: a-year-later\n")
    site = make(tmp_path, files, ONE_URL)
    assert run(site, "build").exit_code == 0
    (site / "content" / JEKYLL_NAMES[1]).write_text(yearly(2020), encoding="utf-8")
    settle(site)
    result = run(site, "build")
    assert result.exit_code == 1, result.output
    first, second = (f"content/{name}" for name in JEKYLL_NAMES)
    assert url_clash(first, second) in result.stderr


def test_a_post_whose_own_url_another_post_has_stops_a_cached_build(tmp_path: Path) -> None:
    # Slugs apart, one URL: the post's own `url` takes the other's.
    site = make(tmp_path, {"a.md": yearly(2019), "b.md": yearly(2020)})
    assert run(site, "build").exit_code == 0
    (site / "content" / "b.md").write_text(
        yearly(2020, extra="url: /2019/12/a/\n"), encoding="utf-8"
    )
    settle(site)
    result = run(site, "build")
    assert result.exit_code == 1, result.output
    assert (
        f"content/b.md:4: URL '{BASE}2019/12/a/' is also used by content/a.md; "
        "each post needs its own URL"
    ) in result.stderr


def test_two_posts_with_one_id_stop_the_build_on_every_path(tmp_path: Path) -> None:
    pinned = "id: urn:uuid:11111111-2222-3333-4444-555555555555\n"
    site = make(tmp_path, {JEKYLL_NAMES[0]: yearly(2019, pinned), "b.md": yearly(2020)})
    assert run(site, "build").exit_code == 0
    (site / "content" / "b.md").write_text(yearly(2020, pinned), encoding="utf-8")
    settle(site)
    message = (
        "content/b.md:4: ID 'urn:uuid:11111111-2222-3333-4444-555555555555' is also used by "
        f"content/{JEKYLL_NAMES[0]}; each post needs its own ID"
    )
    for args in (["build"], ["build", "--no-cache"], ["check"]):
        result = run(site, *args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr, args
