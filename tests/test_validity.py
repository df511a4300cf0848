"""Our feeds against the W3C Feed Validation Service's rules (offline, tests/feedcheck.py)."""

from __future__ import annotations

import pytest

from feedkit.config import load_config
from feedkit.site.build import plan_build

from conftest import NOW, ROOT, MakeSite
from feedcheck import check_atom, check_json_feed, check_rss

CHECKS = {"atom.xml": check_atom, "rss.xml": check_rss, "feed.json": check_json_feed}


def issues_of(files: dict[str, bytes], base_url: str) -> dict[str, list[str]]:
    found = {}
    for name, data in files.items():
        check = CHECKS.get(name.rsplit("/", 1)[-1])
        if check:
            found[name] = [
                f"{i.level} {i.code} {i.where}: {i.message}" for i in check(data, base_url + name)
            ]
    return found


def test_sample_site_feeds_have_no_errors_and_no_warnings() -> None:
    cfg = load_config(ROOT / "feedkit.toml")
    plan = plan_build(cfg, NOW)
    found = issues_of(dict(plan.files), cfg.base_url)
    assert len(found) >= 3 + 3 * 10, "every feed, tag feeds too, was checked"
    assert {name: issues for name, issues in found.items() if issues} == {}


@pytest.mark.parametrize("full_content", [True, False])
def test_fixture_posts_feeds_are_valid(make_site: MakeSite, full_content: bool) -> None:
    from conftest import SITE_TOML

    toml = SITE_TOML.replace("[feed]", f"[feed]\nfull_content = {str(full_content).lower()}")
    cfg = make_site("posts", toml=toml)
    (
        cfg.content_path / "posts" / "hostile-title.md"
    ).unlink()  # a raw <script> in a body: see below
    found = issues_of(dict(plan_build(cfg, NOW).files), cfg.base_url)
    assert {name: issues for name, issues in found.items() if issues} == {}


def test_plain_text_summaries_with_markup_characters_stay_valid(make_site: MakeSite) -> None:
    cfg = make_site(
        posts={
            "qa.md": "---\ntitle: Q&A <time>\ndate: 2024-01-01\n---\n"
            "Q&A: is `a < b && c > d` true? Use <b>bold</b> & “quotes”.\n"
        }
    )
    found = issues_of(dict(plan_build(cfg, NOW).files), cfg.base_url)
    assert {name: issues for name, issues in found.items() if issues} == {}


HOSTILE = ("<script", "alert(", "onerror", "onmouseover", "onclick", "onload", "javascript:")
HOSTILE += ("vbscript:", "<iframe", "<object", "<embed", "<video", "<audio", "<form", "<style")
HOSTILE += ("url(", "tracker.gif", "evil.png", "injected", "<svg")


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml", "feed.json", "tags/security/atom.xml"])
def test_hostile_html_is_gone_from_every_feed(make_site: MakeSite, name: str) -> None:
    cfg = make_site("hostile-html")
    files = dict(plan_build(cfg, NOW).files)
    text = files[name].decode("utf-8").lower()
    assert "hostile html" in text, "the post is in the feed"
    assert [bad for bad in HOSTILE if bad.lower() in text] == []
    # What posts legitimately use is still there, and embeds are links to what they showed.
    for kept in ("details", "figcaption", "srcset", "language-python", "hello"):
        assert kept in text
    assert "https://www.youtube.com/embed/abc123" in text


def test_hostile_html_feeds_have_no_errors_and_no_warnings(make_site: MakeSite) -> None:
    cfg = make_site("hostile-html")
    found = issues_of(dict(plan_build(cfg, NOW).files), cfg.base_url)
    assert len(found) >= 6
    assert {name: issues for name, issues in found.items() if issues} == {}
