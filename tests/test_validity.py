"""Our feeds against the W3C Feed Validation Service's rules (offline, tests/feedcheck.py)."""

from __future__ import annotations

import pytest

from feedkit.asciiurl import atom_id
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


def test_a_plain_text_title_or_summary_that_looks_like_html_is_declared_html(
    make_site: MakeSite,
) -> None:
    # minimal-mistakes' "Layout: Code Excerpt" post: its summary quotes
    # `<span style="color: red;">red</span>`, and the validator warned at the Atom summary
    # ("should not contain HTML unless declared in the type attribute"), as at a title
    # naming `</div>` or `&nbsp;`. Declared html, escaped once more: the same text.
    import html

    import feedparser

    title = "Closing `</div>` tags, &nbsp; and &#160;"
    cfg = make_site(
        posts={
            "a.md": f"---\ntitle: '{title}'\ndate: 2024-01-02\n---\n"
            'Inline code, (e.g. `<span style="color: red;">red</span>`. And AT&T.\n',
            "b.md": "---\ntitle: Plain & simple\ndate: 2024-01-01\n---\nNothing < more.\n",
        }
    )
    files = dict(plan_build(cfg, NOW).files)
    assert issues_of({"atom.xml": files["atom.xml"]}, cfg.base_url) == {"atom.xml": []}
    seen, plain = feedparser.parse(files["atom.xml"]).entries
    assert (seen.title_detail.type, seen.summary_detail.type) == ("text/html", "text/html")
    assert html.unescape(seen.title) == title
    summary = 'Inline code, (e.g. <span style="color: red;">red</span>. And AT&T.'
    assert html.unescape(seen.summary) == summary
    # Text that does not look like HTML stays text, as before.
    assert (plain.title_detail.type, plain.title) == ("text/plain", "Plain & simple")
    assert b"<title>Plain &amp; simple</title>" in files["atom.xml"]


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


@pytest.mark.parametrize("ids", ["url", "tag"])
def test_an_address_with_capitals_gives_atom_ids_in_normal_form(
    make_site: MakeSite, ids: str
) -> None:
    # Hugo keeps baseURL = "https://Example.COM/Blog/" as written, and feedkit init with it:
    # Atom IDs are compared character by character, and the validator warned on each one
    # (the feed's too). RSS's guid keeps the address as the old site's feed wrote it.
    from conftest import SITE_TOML

    toml = SITE_TOML.replace("https://example.com/blog/", "https://Example.COM:443/Blog/")
    cfg = make_site("posts", toml=toml.replace("[feed]", f'[feed]\nids = "{ids}"'))
    (cfg.content_path / "posts" / "hostile-title.md").unlink()
    files = dict(plan_build(cfg, NOW).files)
    found = issues_of(files, cfg.base_url)
    assert {name: issues for name, issues in found.items() if issues} == {}
    atom, rss = files["atom.xml"].decode(), files["rss.xml"].decode()
    assert "<id>https://example.com/Blog/atom.xml</id>" in atom
    assert not [line for line in atom.splitlines() if "<id>" in line and "Example.COM" in line]
    if ids == "url":
        assert "<id>https://example.com/Blog/" in atom.split("<entry>")[1]
        assert '<guid isPermaLink="true">https://Example.COM:443/Blog/' in rss


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("https://Example.COM/Blog/a%c3%a9/", "https://example.com/Blog/a%C3%A9/"),
        ("HTTP://Ada@Host.Example:80/x?q=%e2#F", "http://Ada@host.example/x?q=%E2#F"),
        ("https://host.example:8443/", "https://host.example:8443/"),
        ("tag:example.com,2024-01-02:/Blog/a/", "tag:example.com,2024-01-02:/Blog/a/"),
        (
            "urn:uuid:60A76C80-D399-11D9-B93C-0003939E0AF6",
            "urn:uuid:60A76C80-D399-11D9-B93C-0003939E0AF6",
        ),
    ],
)
def test_atom_ids_are_written_in_the_form_they_are_compared_in(written: str, normal: str) -> None:
    assert atom_id(written) == normal
    assert atom_id(normal) == normal
