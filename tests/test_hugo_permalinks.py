"""Every permalink token Hugo 0.168 knows, through `feedkit build`: the links and IDs
(`ids = "url"`) of a Hugo site's feeds are the URLs Hugo gave its pages, recorded in
tests/fixtures/hugo-permalinks/urls.json (its record.py) under each pattern there, over
nested sections with and without an `_index.md`, section titles with spaces and accents,
slugs, dates in several zones, Go time layouts and slices of the sections."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main

from conftest import FIXTURES, NOW_ENV

SITE = FIXTURES / "hugo-permalinks"
HUGO_URLS: dict[str, dict[str, str]] = json.loads((SITE / "urls.json").read_bytes())
SECTIONS = ("posts", "notes", "café-notes", "my-blog_2024")
# No main_sections: the posts are those of hugo.toml's mainSections (SECTIONS), which name
# `Café Notes/` as Hugo does.
FEEDKIT_TOML = """\
title = "Permalinks"
base_url = "https://example.com/"
description = "Every token."

[author]
name = "Ada Quill"

[feed]
ids = "url"
limit = 50
"""


def build(tmp_path: Path, pattern: str) -> Result:
    shutil.copytree(SITE / "content", tmp_path / "content")
    lines = ['baseURL = "https://example.com/"', "mainSections = " + json.dumps(SECTIONS)]
    lines += ["[permalinks.page]"] + [f"{json.dumps(s)} = {json.dumps(pattern)}" for s in SECTIONS]
    (tmp_path / "hugo.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(FEEDKIT_TOML, encoding="utf-8")
    config = str(tmp_path / "feedkit.toml")
    return CliRunner().invoke(main, ["build", "--config", config], env=NOW_ENV)


def titles() -> dict[str, str]:
    """Return each post file's title, by its path in the content folder."""
    found = {}
    for file in (SITE / "content").rglob("*.md"):
        title = re.search(r'^title: "(.*)"$', file.read_text(encoding="utf-8"), re.M)
        if title and not file.name.startswith("_index"):
            found[file.relative_to(SITE / "content").as_posix()] = title[1]
    return found


BUILT = sorted(p for p, urls in HUGO_URLS.items() if "error" not in urls)
# (`:lastmod` stopped feedkit already: tests/test_hugo_sites.py)
REFUSED = sorted(p for p, urls in HUGO_URLS.items() if "error" in urls and ":lastmod" not in p)


@pytest.mark.parametrize("pattern", BUILT)
def test_each_post_has_the_url_and_id_hugo_gives_it(tmp_path: Path, pattern: str) -> None:
    result = build(tmp_path, pattern)
    assert result.exit_code == 0, result.output
    items = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    found = {i["title"]: (i["url"], i["id"]) for i in items}
    expected = {
        title: ("https://example.com" + HUGO_URLS[pattern][path],) * 2
        for path, title in titles().items()
    }
    assert found == expected


@pytest.mark.parametrize("pattern", REFUSED)
def test_a_token_hugo_refuses_stops_the_build_naming_it(tmp_path: Path, pattern: str) -> None:
    # Hugo 0.168 stops too: `error expanding "/:PM/:filename/": permalink attribute not
    # recognised` (urls.json): `:PM` formats its reference date as written, so is no Go
    # time layout; `:Year` none either; only :sections and :sectionslugs take a slice.
    result = build(tmp_path, pattern)
    assert result.exit_code == 1
    token = re.search(r":(Year|PM|sectionslug\[0\])", pattern)
    assert token is not None
    assert result.stderr.startswith(
        f"hugo.toml: permalinks: posts: unknown placeholder {token[0]}; use :section, "
    ), result.stderr
    assert "set permalink in feedkit.toml instead" in result.stderr


def test_the_recorded_urls_are_what_hugo_makes_now() -> None:
    # Against a real Hugo (0.168 or later; skipped without one): a Hugo that fills a token
    # otherwise shows here first.
    from test_oracles import current_hugo

    hugo = current_hugo()
    spec = importlib.util.spec_from_file_location("record", SITE / "record.py")
    assert spec is not None and spec.loader is not None
    record = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(record)
    assert record.record(hugo) == HUGO_URLS


def test_a_rebuild_follows_a_new_section_title_and_a_new_section(tmp_path: Path) -> None:
    # :sectionslugs are the titles of the sections' _index.md, and a folder is a section
    # once it has one: a new title, a new _index.md, is a new URL for every post below, on
    # the Hugo site and in the feeds, cached build or not.
    assert build(tmp_path, "/:sectionslugs/:slug/").exit_code == 0
    content = tmp_path / "content"
    (content / "posts" / "_index.md").write_text('---\ntitle: "Journal"\n---\n', "utf-8")
    (content / "posts" / "deep" / "_index.md").write_text('---\ntitle: "Deep Dive"\n---\n', "utf-8")
    config = str(tmp_path / "feedkit.toml")
    result = CliRunner().invoke(main, ["build", "--config", config], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    items = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    found = {i["title"]: i["url"] for i in items}
    assert found["Hello World"] == "https://example.com/journal/hello-world/"
    assert found["In a Plain Folder"] == "https://example.com/journal/deep-dive/in-a-plain-folder/"


# Pages at paths Hugo 0.168 sanitises for its default URL (no [permalinks]), and the URL it
# gave each (recorded with Hugo 0.168.0): each white space a hyphen, a run of them too,
# what is not a letter, digit, mark or one of ./\_#+~-@ dropped, lower case.
DEFAULT_PATHS = {
    "Blog Posts/Café Crème.md": "/blog-posts/caf%C3%A9-cr%C3%A8me/",
    "Blog Posts/what's (new), ok.md": "/blog-posts/whats-new-ok/",
    "Blog Posts/C++ Tips.md": "/blog-posts/c++-tips/",
    "Blog Posts/A_B  c.md": "/blog-posts/a_b--c/",
    "Blog Posts/Part 1 - Intro.md": "/blog-posts/part-1---intro/",
    "Blog Posts/Ünïcode Ärger.md": "/blog-posts/%C3%BCn%C3%AFcode-%C3%A4rger/",
    "Blog Posts/tab\tx.md": "/blog-posts/tab-x/",
    "Blog Posts/50% off.md": "/blog-posts/50-off/",
    "Blog Posts/a%41b.md": "/blog-posts/a%41b/",
    "Blog Posts/plain-one.md": "/blog-posts/plain-one/",
}


def test_a_pages_path_makes_its_default_url_as_hugo_sanitises_it(tmp_path: Path) -> None:
    # feedkit kept the folder's and the file's spaces and capitals (`/Blog%20Posts/part%201%20-
    # %20intro/`) and a `%` before no hex digits (`50%%20off`, no URL at all): links to pages
    # the site does not have.
    for path in DEFAULT_PATHS:
        (tmp_path / "content" / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "content" / path).write_text(
            f"---\ntitle: {json.dumps(path)}\ndate: 2024-01-01\n---\nText.\n", encoding="utf-8"
        )
    (tmp_path / "hugo.toml").write_text('baseURL = "https://example.com/"\n', encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(FEEDKIT_TOML, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    items = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    # Titles are the paths, spaces made one (as feedkit shows a title).
    links = {item["title"]: item["url"] for item in items}
    assert links == {
        " ".join(path.split()): "https://example.com" + url for path, url in DEFAULT_PATHS.items()
    }
    assert {item["id"] for item in items} == set(links.values())


# The URLs Hugo 0.168 gave the pages of tests/fixtures/hugo-paths (its record.py), and the
# pages its mainSections listed, under each of its configurations.
PATHS = FIXTURES / "hugo-paths"
HUGO_PATHS: dict[str, dict[str, Any]] = json.loads((PATHS / "urls.json").read_bytes())


@pytest.mark.parametrize("config", sorted(HUGO_PATHS))
def test_the_posts_are_the_pages_of_hugos_main_sections_at_hugos_urls(
    tmp_path: Path, config: str
) -> None:
    # feedkit made `C#` in a title `/c%23/` where Hugo makes it `/c/` (a `#` ending a token
    # is dropped), `a%41b` `/a%41b/` where Hugo decodes it (`/aab/`), kept a space before the
    # last slash (`C++` was `/c-/`), and did not read disablePathToLower (which keeps the
    # case, and makes a run of spaces one hyphen).
    recorded = HUGO_PATHS[config]
    shutil.copytree(PATHS / "content", tmp_path / "content")
    (tmp_path / "hugo.toml").write_text(recorded["hugo.toml"], encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(FEEDKIT_TOML, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    items = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    found = {i["title"]: (i["url"], i["id"]) for i in items}
    expected = {}
    for path in recorded["main"]:
        title = re.search(r'^title: "(.*)"$', (PATHS / "content" / path).read_text("utf-8"), re.M)
        assert title is not None
        url = "https://example.com" + recorded["urls"][path]
        expected[json.loads(f'"{title[1]}"')] = (url, url)
    assert found == expected
    # A page's `ref`s lead where Hugo's do, to pages and sections that are no posts.
    html = next(i["content_html"] for i in items if i["title"] == "Links")
    assert re.findall(r'href="([^"]*)"', html) == recorded["refs"]


def test_the_recorded_paths_are_what_hugo_makes_now() -> None:
    from test_oracles import current_hugo

    hugo = current_hugo()
    spec = importlib.util.spec_from_file_location("record_paths", PATHS / "record.py")
    assert spec is not None and spec.loader is not None
    record = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(record)
    assert record.record(hugo) == HUGO_PATHS


def test_feedkit_tomls_main_sections_name_folders_as_on_disk_or_as_hugo_does(
    tmp_path: Path,
) -> None:
    shutil.copytree(PATHS / "content", tmp_path / "content")
    (tmp_path / "hugo.toml").write_text(HUGO_PATHS["default"]["hugo.toml"], encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(
        FEEDKIT_TOML.replace("[author]", 'main_sections = ["Blog Posts", "café-notes"]\n[author]'),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    items = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    urls = {i["url"] for i in items}
    assert "https://example.com/caf%C3%A9-notes/cr%C3%A8me-br%C3%BBl%C3%A9e/" in urls
    assert "https://example.com/blog-posts/sub-dir/deep-one/" in urls
    assert len(items) == len(HUGO_PATHS["default"]["main"]) - 1  # not What's (New)/
