"""Feeds: read back by a real feed parser, escaped once, identical across builds and TZ."""

from __future__ import annotations

import calendar
import html
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.config import load_config
from feedkit.posts.gathered import public_posts
from feedkit.site.build import build_site, plan_build

from conftest import NOW, ROOT, SITE_TOML, MakeSite

HOSTILE = 'Tom & Jerry <b>"quoted"</b> 🚀 שלום {{ 7*7 }} {% raw %}'


def sample_plan():
    cfg = load_config(ROOT / "feedkit.toml")
    return cfg, plan_build(cfg, NOW)


def _epoch(parsed) -> int:
    return calendar.timegm(parsed)


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml", "feed.json"])
def test_feed_parser_reads_back_every_post(name: str) -> None:
    cfg, plan = sample_plan()
    posts = public_posts(plan.loaded.posts, NOW)[: cfg.feed.limit]
    assert len(posts) >= 8, "the sample blog should fill a feed"
    data = plan.files[name]
    if name == "feed.json":
        items = json.loads(data)["items"]
        assert [i["id"] for i in items] == [p.id for p in posts]
        assert [i["title"] for i in items] == [p.title for p in posts]
        assert [i["url"] for i in items] == [p.url for p in posts]
        assert [i["date_published"] for i in items] == [p.published.isoformat() for p in posts]
        assert [i.get("tags", []) for i in items] == [list(p.tags) for p in posts]
        return
    feed = feedparser.parse(data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.title == cfg.title
    assert feed.feed.link == cfg.base_url
    entries = feed.entries
    assert [e.title for e in entries] == [p.title for p in posts]
    assert [e.link for e in entries] == [p.url for p in posts]
    assert [e.id for e in entries] == [p.id for p in posts]
    assert [_epoch(e.published_parsed) for e in entries] == [
        int(p.published.timestamp()) for p in posts
    ]
    if name == "atom.xml":
        assert [_epoch(e.updated_parsed) for e in entries] == [
            int(p.updated.timestamp()) for p in posts
        ]
    assert [[t.term for t in e.get("tags", [])] for e in entries] == [list(p.tags) for p in posts]
    summaries = [e.summary for e in entries]
    assert all(s and "<" not in s and "{{" not in s for s in summaries)
    assert all(len(s) <= cfg.feed.summary_chars for s in summaries)
    # Full content is there, and it links absolutely.
    contents = [e.content[0].value for e in entries]
    assert all("<p>" in c for c in contents)
    assert not any('src="images/' in c or 'href="../' in c for c in contents)


def test_summaries_in_feeds_equal_the_rendered_ones() -> None:
    cfg, plan = sample_plan()
    feed = feedparser.parse(plan.files["atom.xml"])
    items = json.loads(plan.files["feed.json"])["items"]
    assert [e.summary for e in feed.entries] == [i["summary"] for i in items]


def test_tag_feeds_hold_only_their_tag() -> None:
    cfg, plan = sample_plan()
    tag_feeds = sorted(n for n in plan.files if n.startswith("tags/") and n.endswith("atom.xml"))
    assert tag_feeds, "the sample config turns tag feeds on"
    for name in tag_feeds:
        slug = name.split("/")[1]
        feed = feedparser.parse(plan.files[name])
        assert feed.bozo == 0
        assert feed.entries
        for entry in feed.entries:
            assert slug in {t.term.lower().replace(" ", "-") for t in entry.tags}
        self_link = [link.href for link in feed.feed.links if link.rel == "self"]
        assert self_link == [f"{cfg.base_url}tags/{slug}/atom.xml"]


def test_hostile_title_is_escaped_exactly_once(make_site: MakeSite) -> None:
    cfg = make_site("posts/hostile-title.md")
    plan = plan_build(cfg, NOW)
    atom, rss = plan.files["atom.xml"].decode(), plan.files["rss.xml"].decode()
    # The { of {{ and {% as a character reference: the same title to every parser, and no
    # template syntax to a site that runs feeds through its own templates.
    # Atom: the title has an end tag, `</b>`, which the W3C validator takes for HTML in
    # plain text: declared html, and so escaped once more (the same text once read).
    escaped = (
        'Tom &amp;amp; Jerry &amp;lt;b&amp;gt;"quoted"&amp;lt;/b&amp;gt; 🚀 שלום '
        "&#123;{ 7*7 }} &#123;% raw %}"
    )
    assert f'<title type="html">{escaped}</title>' in atom
    # RSS: numeric references, the spelling no reader mistakes for HTML.
    numeric = (
        'Tom &#x26; Jerry &#x3C;b&gt;"quoted"&#x3C;/b&gt; 🚀 שלום &#123;{ 7*7 }} &#123;% raw %}'
    )
    assert f"<title>{numeric}</title>" in rss
    assert "&amp;amp;amp;" not in atom and "&amp;amp;" not in rss
    assert "49" not in atom
    assert json.loads(plan.files["feed.json"])["items"][0]["title"] == HOSTILE
    for name in ("atom.xml", "rss.xml"):
        (entry,) = feedparser.parse(plan.files[name]).entries
        assert (
            entry.title_detail.value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            == HOSTILE
        )


def test_identical_input_gives_identical_bytes() -> None:
    _, first = sample_plan()
    _, second = sample_plan()
    assert first.files == second.files


def test_build_under_other_machine_time_zones_is_byte_identical(tmp_path: Path) -> None:
    outputs = []
    for tz in ("UTC", "America/New_York", "Asia/Kolkata"):
        out = tmp_path / tz.replace("/", "_")
        toml = (ROOT / "feedkit.toml").read_text(encoding="utf-8")
        (tmp_path / "feedkit.toml").write_text(
            toml.replace('output_dir = "public"', f'output_dir = "{out.name}"').replace(
                'content_dir = "content"', f'content_dir = "{ROOT / "content"}"'
            ),
            encoding="utf-8",
        )
        env = {**os.environ, "TZ": tz, "FEEDKIT_NOW": NOW.isoformat()}
        subprocess.run(
            [sys.executable, "-m", "feedkit", "build"],
            cwd=tmp_path,
            env=env,
            check=True,
            capture_output=True,
        )
        outputs.append(
            {
                p.relative_to(out).as_posix(): p.read_bytes()
                for p in sorted(out.rglob("*"))
                if p.is_file()
            }
        )
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]


def test_summary_only_feeds_when_full_content_is_off(make_site: MakeSite) -> None:
    from conftest import SITE_TOML

    cfg = make_site(
        "posts/naive-datetime.md", toml=SITE_TOML.replace("[feed]", "[feed]\nfull_content = false")
    )
    plan = plan_build(cfg, NOW)
    (entry,) = feedparser.parse(plan.files["atom.xml"]).entries
    assert entry.summary == "Summer time in Berlin is UTC+2."
    assert "content" not in entry
    assert b"content:encoded" not in plan.files["rss.xml"]
    item = json.loads(plan.files["feed.json"])["items"][0]
    assert item["content_text"] == "Summer time in Berlin is UTC+2." and "content_html" not in item


def test_a_quoted_abstract_before_more_is_the_summary_in_every_feed(make_site: MakeSite) -> None:
    body = "> We derive the trade-off and show where it fails.\n\n<!--more-->\n\nThe body."
    cfg = make_site(posts={"abstract.md": f"---\ntitle: Bias\ndate: 2024-01-01\n---\n{body}\n"})
    plan = plan_build(cfg, NOW)
    abstract = "We derive the trade-off and show where it fails."
    (entry,) = feedparser.parse(plan.files["atom.xml"]).entries
    assert entry.summary == abstract
    (item,) = feedparser.parse(plan.files["rss.xml"]).entries
    assert item.summary == abstract
    assert json.loads(plan.files["feed.json"])["items"][0]["summary"] == abstract


def test_feed_level_updated_is_the_newest_entry_not_the_clock(make_site: MakeSite) -> None:
    cfg = make_site("posts/toml-front-matter.md", "posts/naive-datetime.md")
    plan = plan_build(cfg, NOW)
    feed = feedparser.parse(plan.files["atom.xml"]).feed
    assert feed.updated == "2024-06-15T18:45:00+02:00"
    rss = plan.files["rss.xml"]
    assert b"<lastBuildDate>Sat, 15 Jun 2024 18:45:00 +0200</lastBuildDate>" in rss


def test_feeds_carry_the_stylesheet_instruction() -> None:
    _, plan = sample_plan()
    for name in ("atom.xml", "rss.xml"):
        lines = plan.files[name].splitlines()
        assert lines[1] == b'<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>'
    assert plan.files["feed.xsl"].startswith(b"<?xml")


def test_rss_author_is_an_email_and_name_only_authors_use_dc_creator(make_site: MakeSite) -> None:
    cfg = make_site("posts/json-front-matter.md", "posts/yaml-all-keys.md")
    rss = plan_build(cfg, NOW).files["rss.xml"].decode()
    assert "<author>grace@example.com (Grace Hopper)</author>" in rss
    # Ada Quill has the site's email, her co-author Ben Ortiz none: both by name.
    assert "<dc:creator>Ada Quill</dc:creator>\n      <dc:creator>Ben Ortiz</dc:creator>" in rss


def test_the_authors_page_is_linked_as_written(make_site: MakeSite) -> None:
    # `[author] url` was made a site's root: about.html became about.html/ (a broken link
    # in every feed), and a page with a query was refused.
    for url in ("https://ada.example.org/about.html", "https://ada.example.org/?lang=de"):
        toml = SITE_TOML.replace(
            'email = "ada@example.org"', f'email = "ada@example.org"\nurl = "{url}"'
        )
        cfg = make_site("posts/yaml-all-keys.md", toml=toml)
        files = plan_build(cfg, NOW).files
        assert feedparser.parse(files["atom.xml"]).feed.author_detail.href == url
        assert json.loads(files["feed.json"])["authors"][0]["url"] == url


def test_rendering_is_limited_to_what_the_feeds_include(make_site: MakeSite) -> None:
    from conftest import SITE_TOML

    posts = {
        f"p{i:02d}.md": f"---\ntitle: Post {i}\ndate: 2024-01-{i + 1:02d}\n---\nBody {i}.\n"
        for i in range(12)
    }
    cfg = make_site(posts=posts, toml=SITE_TOML.replace("tag_feeds = true", "limit = 5"))
    plan = plan_build(cfg, NOW)
    assert plan.rendered == 5
    titles = [e.title for e in feedparser.parse(plan.files["atom.xml"]).entries]
    assert titles == [f"Post {i}" for i in range(11, 6, -1)]


def test_rss_keeps_every_co_author_with_or_without_email(make_site: MakeSite) -> None:
    cfg = make_site(
        posts={
            "two.md": "---\ntitle: Two hands\ndate: 2024-03-01\nauthors:\n"
            "  - {name: Grace Hopper, email: grace@example.com}\n  - Ben Ortiz\n---\nBody.\n"
        }
    )
    build_site(cfg, NOW)
    rss = (cfg.output_path / "rss.xml").read_text(encoding="utf-8")
    # The validator warns on an item with both <author> and dc:creator: names in dc:creator.
    assert "<author>" not in rss
    assert "<dc:creator>Grace Hopper</dc:creator>" in rss
    assert "<dc:creator>Ben Ortiz</dc:creator>" in rss
    (entry,) = feedparser.parse(rss).entries
    assert "Ben Ortiz" in {a.get("name") for a in entry.authors}
    from test_validity import issues_of

    assert issues_of({"rss.xml": rss.encode()}, cfg.base_url) == {"rss.xml": []}


def test_authors_addresses_no_feed_can_carry_are_left_out_with_a_warning(
    make_site: MakeSite,
) -> None:
    # An obfuscated address, one on a dotless host, markup in one: each was written into
    # <email> and RSS <author>, an error to the W3C validator (so is a second RSS <author>).
    cfg = make_site("authors")
    plan = plan_build(cfg, NOW)
    atom, rss = plan.files["atom.xml"].decode(), plan.files["rss.xml"].decode()
    for address in ("jo at example dot org", "eve@intranet", "ann</b>", "&lt;b&gt;ann"):
        assert address not in atom and address not in rss
    entries = {e.title: e for e in feedparser.parse(atom).entries}
    assert entries["An address written so that robots miss it"].authors == [{"name": "Jo Park"}]
    assert entries["An address on the company network"].authors == [{"name": "Eve Marsh"}]
    # Two "Name <address>" in one line are two authors, each with an address (once only
    # the first was kept).
    assert entries["Two authors in one line"].authors == [
        {"name": "Jo Park", "email": "jo@example.org"},
        {"name": "Al Reyes", "email": "al@example.org"},
    ]
    # A link that is no web address is left out (it was written as it was, a script too);
    # the others are absolute and in ASCII, as feeds carry a URL (a space was an error).
    assert entries["Authors with links"].authors == [
        {"name": "Jo Park"},
        {"name": "Al Reyes", "href": "https://al.example.org/%C3%BCber%20mich"},
        {"name": "Ann Lee", "href": "https://example.com/about/ann/"},
        {"name": "Bo Chen", "href": "https://bo.example.org/"},
    ]
    (item,) = [i for i in json.loads(plan.files["feed.json"])["items"] if "links" in i["url"]]
    assert [a.get("url") for a in item["authors"]] == [
        None,
        "https://al.example.org/%C3%BCber%20mich",
        "https://example.com/about/ann/",
        "https://bo.example.org/",
    ]
    assert "javascript" not in atom + rss + plan.files["feed.json"].decode()
    # A host in another script is written in ASCII, as the site's own URL is.
    assert entries["An address on a host in another script"].authors == [
        {"name": "Jörg Müller", "email": "joerg@xn--mller-kva.example"}
    ]
    items = {i.title: i for i in feedparser.parse(rss).entries}
    # One <author> at most, `address (name)`: co-authors, or a name that is no RFC 822
    # comment (the validator: "Invalid email address"), go in dc:creator; `<` is written as
    # in the title, the one spelling the validator does not warn of.
    assert rss.count("<author>") == 2
    assert "<author>jo@example.org (Jo &#x3C;Park&gt;)</author>" in rss
    assert "<author>joerg@xn--mller-kva.example (Jörg Müller)</author>" in rss
    assert "<dc:creator>Jo ) Park</dc:creator>" in rss
    assert "<dc:creator>Grace Hopper</dc:creator>\n      <dc:creator>Ben Ortiz</dc:creator>" in rss
    assert [a["name"] for a in items["Two authors in one line"].authors] == ["Jo Park", "Al Reyes"]
    from test_validity import issues_of

    found = issues_of(dict(plan.files), cfg.base_url)
    assert {name: issues for name, issues in found.items() if issues} == {}
    said = sorted(str(w) for w in plan.warnings)
    assert said == sorted(
        [
            f"content/authors/{name}:4: warning: author {who!r}: {address!r} is not an email "
            "address a feed can carry (name@example.org); the feeds name the author without it"
            for name, who, address in (
                ("intranet.md", "Eve Marsh", "eve@intranet"),
                ("markup.md", "Ann Lee", "<b>ann</b>@example.org"),
                ("obfuscated.md", "Jo Park", "jo at example dot org"),
            )
        ]
        + [
            "content/authors/links.md:4: warning: author 'Jo Park': url 'javascript:alert(1)' is "
            "not a web address (http or https); the feeds link no page of theirs"
        ]
    )


def test_tags_c_cpp_and_csharp_each_get_their_own_feed(make_site: MakeSite) -> None:
    cfg = make_site(
        posts={"langs.md": "---\ntitle: Langs\ndate: 2024-03-01\ntags: [C, C++, C#]\n---\nB.\n"}
    )
    build_site(cfg, NOW)
    (entry,) = feedparser.parse((cfg.output_path / "atom.xml").read_bytes()).entries
    assert [t.term for t in entry.tags] == ["C", "C++", "C#"]
    for slug, name in (("c", "C"), ("c-plus-plus", "C++"), ("c-sharp", "C#")):
        feed = feedparser.parse((cfg.output_path / "tags" / slug / "atom.xml").read_bytes())
        assert feed.feed.title == f"Example Blog: {name}"
        assert [e.title for e in feed.entries] == ["Langs"]


def test_tags_of_punctuation_get_feeds_of_their_own_inside_tags(make_site: MakeSite) -> None:
    # A post tagged `..` wrote its tag feed over the site's atom.xml (tags/../atom.xml), and
    # `.` and `/` both into tags/ itself; `?` made a folder no Windows disk holds.
    cfg = make_site(
        posts={
            "dots.md": '---\ntitle: Dots\ndate: 2024-03-01\ntags: [".", "..", "/", "?", "🎉"]\n'
            "---\nB.\n",
            "other.md": "---\ntitle: Other\ndate: 2024-03-02\n---\nO.\n",
        }
    )
    build_site(cfg, NOW)
    site = feedparser.parse((cfg.output_path / "atom.xml").read_bytes())
    assert site.feed.title == "Example Blog"
    assert [e.title for e in site.entries] == ["Other", "Dots"]
    slugs = sorted(p.name for p in (cfg.output_path / "tags").iterdir())
    assert slugs == ["full-stop", "full-stop-full-stop", "question-mark", "solidus", "🎉"]
    for slug, name in (("full-stop-full-stop", ".."), ("question-mark", "?"), ("🎉", "🎉")):
        feed = feedparser.parse((cfg.output_path / "tags" / slug / "atom.xml").read_bytes())
        assert feed.feed.title == f"Example Blog: {name}"
        assert [e.title for e in feed.entries] == ["Dots"]


def test_a_tag_too_long_for_a_folder_name_gets_a_feed_in_a_folder_that_fits(
    make_site: MakeSite,
) -> None:
    # A tag of 300 letters made tags/aaa…/ (300 bytes): the build stopped with "File name
    # too long", so no feed of the site could be written. Two such tags that start alike
    # keep feeds of their own; a CJK tag is cut between its characters.
    long_a, long_b, cjk = "a" * 300, "a" * 299 + "b", "日本語" * 60
    cfg = make_site(
        posts={
            "long.md": f"---\ntitle: Long\ndate: 2024-03-01\ntags: [{long_a}, {cjk}]\n---\nB.\n",
            "other.md": f"---\ntitle: Other\ndate: 2024-03-02\ntags: [{long_b}]\n---\nO.\n",
        }
    )
    build_site(cfg, NOW)
    folders = {p.name: p for p in (cfg.output_path / "tags").iterdir()}
    assert len(folders) == 3
    assert all(len(name.encode()) <= 120 for name in folders)
    titles = {}
    for name, folder in folders.items():
        feed = feedparser.parse((folder / "atom.xml").read_bytes())
        titles[feed.feed.title.removeprefix("Example Blog: ")] = (
            name,
            [e.title for e in feed.entries],
        )
    assert titles.keys() == {long_a, long_b, cjk}
    assert titles[long_a][1] == ["Long"] and titles[cjk][1] == ["Long"]
    assert titles[long_b][1] == ["Other"]
    assert titles[long_a][0].startswith("a" * 100) and titles[cjk][0].startswith("日本語" * 12)


def test_tags_that_would_share_a_feed_are_reported(make_site: MakeSite) -> None:
    cfg = make_site(
        posts={
            "a.md": "---\ntitle: A\ndate: 2024-03-01\ntags: [Node.js, python]\n---\nA.\n",
            "b.md": "---\ntitle: B\ndate: 2024-03-02\ntags: [nodejs, Python]\n---\nB.\n",
            "c.md": "---\ntitle: C\ndate: 2024-03-03\ntags: [Go, go!]\n---\nC.\n",
        }
    )
    plan, _ = build_site(cfg, NOW)
    messages = sorted(str(w) for w in plan.warnings)
    assert messages == [
        "content/a.md: warning: tag 'Node.js' shares the feed tags/nodejs/ with 'nodejs' "
        "(content/b.md); "
        "both are listed there: spell them the same, or rename one",
        "content/c.md:4: warning: tags 'Go' and 'go!' share the feed tags/go/; "
        "both are listed there: spell them the same, or rename one",
    ]
    # Case alone makes no other tag: Python and python share a feed without a word.
    assert (cfg.output_path / "tags" / "python" / "atom.xml").exists()
    (c,) = feedparser.parse((cfg.output_path / "tags" / "go" / "atom.xml").read_bytes()).entries
    assert [t.term for t in c.tags] == ["Go", "go!"]


def test_a_tag_written_in_either_unicode_form_is_one_tag(make_site: MakeSite) -> None:
    # `café` typed as one character or as `e` and a combining accent (a name pasted from
    # a macOS file) looks the same everywhere: it was two tags in the entries, and a
    # warning said the two "spellings" shared a feed.
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    cfg = make_site(
        posts={
            "a.md": f"---\ntitle: A\ndate: 2024-03-01\ntags: [{composed}]\n---\nA.\n",
            "b.md": f"---\ntitle: B\ndate: 2024-03-02\ntags: [{decomposed}, Caf\u00c9]\n---\nB.\n",
        }
    )
    plan, _ = build_site(cfg, NOW)
    assert [str(w) for w in plan.warnings] == []
    feed = feedparser.parse((cfg.output_path / "tags" / "cafe" / "atom.xml").read_bytes())
    assert feed.feed.title.endswith(composed)
    assert [[t.term for t in e.tags] for e in feed.entries] == [[composed], [composed]]


# What the old generator published for a post at /2024/03/01/hello/ (or hello.html) under
# https://example.com/blog/: jekyll-feed `post.id | absolute_url`, Hugo `.Permalink`, Pelican
# `get_tag_uri(link, date)`.
@pytest.mark.parametrize(
    ("ids", "permalink", "expected"),
    [
        (
            "tag",
            "/{year}/{month}/{day}/{slug}/",
            "tag:example.com,2024-03-01:/blog/2024/03/01/hello/",
        ),
        ("url", "/{year}/{month}/{day}/{slug}/", "https://example.com/blog/2024/03/01/hello/"),
        ("jekyll", "/{year}/{month}/{day}/{slug}/", "https://example.com/blog/2024/03/01/hello"),
        (
            "jekyll",
            "/{year}/{month}/{day}/{slug}.html",
            "https://example.com/blog/2024/03/01/hello",
        ),
        ("jekyll", "/{slug}/", "https://example.com/blog/hello"),
        (
            "pelican",
            "/{year}/{month}/{slug}.html",
            "tag:example.com,2024-03-01:/blog/2024/03/hello.html",
        ),
    ],
)
def test_entry_ids_can_be_what_the_old_generator_published(
    make_site: MakeSite, ids: str, permalink: str, expected: str
) -> None:
    from conftest import SITE_TOML

    toml = SITE_TOML.replace('timezone = "Europe/Berlin"', f'permalink = "{permalink}"')
    cfg = make_site(
        posts={"2024-03-01-hello.md": "---\ntitle: Hello\n---\nBody.\n"},
        toml=toml.replace("[feed]", f'[feed]\nids = "{ids}"'),
    )
    build_site(cfg, NOW)
    out = cfg.output_path
    for name in ("atom.xml", "rss.xml"):
        (entry,) = feedparser.parse((out / name).read_bytes()).entries
        assert entry.id == expected
    rss = (out / "rss.xml").read_text(encoding="utf-8")
    permalink_guid = "true" if ids == "url" else "false"
    assert f'<guid isPermaLink="{permalink_guid}">{expected}</guid>' in rss
    assert json.loads((out / "feed.json").read_bytes())["items"][0]["id"] == expected


def test_feeds_keep_the_addresses_subscribers_have(make_site: MakeSite) -> None:
    from conftest import SITE_TOML
    from feedcheck import check_atom, check_json_feed, check_rss

    names = 'atom = "feed.xml"\nrss = "index.xml"\njson = "feeds/feed.json"\n'
    cfg = make_site("posts", toml=SITE_TOML.replace("[feed]", "[feed]\n" + names))
    (cfg.content_path / "posts" / "hostile-title.md").unlink()  # see test_validity
    build_site(cfg, NOW)
    out, base = cfg.output_path, cfg.base_url
    assert not (out / "atom.xml").exists() and not (out / "rss.xml").exists()
    tags = sorted(p.parent.name for p in out.glob("tags/*/feed.xml"))
    assert tags and tags == sorted(p.parent.name for p in out.glob("tags/*/index.xml"))
    feeds = [("feed.xml", check_atom), ("index.xml", check_rss)]
    feeds += [(f"tags/{t}/{n}", c) for t in tags for n, c in feeds]
    for name, check in feeds:
        data = (out / name).read_bytes()
        feed = feedparser.parse(data)
        assert feed.bozo == 0 and feed.entries
        self_links = [link.href for link in feed.feed.links if link.rel == "self"]
        assert self_links == [base + name]
        assert [str(i) for i in check(data, base + name)] == []
    data = (out / "feeds" / "feed.json").read_bytes()
    assert json.loads(data)["feed_url"] == base + "feeds/feed.json"
    assert [str(i) for i in check_json_feed(data, base + "feeds/feed.json")] == []
    assert (out / "tags" / tags[0] / "feed.json").exists()


def test_posts_of_one_instant_keep_it_written_in_distinct_offsets(make_site: MakeSite) -> None:
    # Three posts of one day (date-only: the same midnight), and one edited to that instant.
    # The W3C validator warns on two entries whose `updated` is written alike; feedkit
    # added seconds, newest first: the oldest of the day claimed the latest update, and
    # each of them moved when another post of that day came. Now each says the instant it
    # was updated, in an offset of its own.
    day = "2024-03-10"
    posts = {
        "a.md": f"---\ntitle: A\ndate: {day}\n---\nA.\n",
        "b.md": f"---\ntitle: B\ndate: {day}\n---\nB.\n",
        "c.md": f"---\ntitle: C\ndate: {day}\n---\nC.\n",
        "old.md": f"---\ntitle: Old\ndate: 2024-01-01\nupdated: {day}\n---\nOld.\n",
    }
    cfg = make_site(posts=posts)
    plan = plan_build(cfg, NOW)
    atom = feedparser.parse(plan.files["atom.xml"])
    midnight = datetime.fromisoformat(f"{day}T00:00:00+01:00")
    written = {e.title: e.updated for e in atom.entries}
    assert [e.title for e in atom.entries] == ["C", "B", "A", "Old"]
    assert written["C"] == "2024-03-10T00:00:00+01:00"  # the first as the site writes it
    assert len(set(written.values())) == 4
    assert {datetime.fromisoformat(w) for w in written.values()} == {midnight}
    assert [e.published for e in atom.entries][:3] == ["2024-03-10T00:00:00+01:00"] * 3
    items = json.loads(plan.files["feed.json"])["items"]
    assert [i["date_modified"] for i in items] == [e.updated for e in atom.entries]
    assert datetime.fromisoformat(atom.feed.updated) == midnight
    from test_validity import issues_of

    assert issues_of({"atom.xml": plan.files["atom.xml"]}, cfg.base_url)["atom.xml"] == []
    # Another post of that day: no other post's update moves.
    (cfg.content_path / "d.md").write_text(f"---\ntitle: D\ndate: {day}\n---\nD.\n")
    again = feedparser.parse(plan_build(cfg, NOW).files["atom.xml"])
    assert {datetime.fromisoformat(e.updated) for e in again.entries} == {midnight}
    assert len({e.updated for e in again.entries}) == 5


def test_math_is_mathml_in_atom_and_json_and_readable_in_rss_and_summaries(
    make_site: MakeSite,
) -> None:
    cfg = make_site("math/summary.md")
    plan = plan_build(cfg, NOW)
    readable = "Let α ∈ 𝒟 be a sample, with xᵢ² ≤ (a + b)/2 for every i."
    atom = plan.files["atom.xml"].decode()
    # Atom carries it as XHTML: there MathML is in its own namespace, not unknown HTML.
    assert '<content type="xhtml">' in atom
    assert (
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><semantics><mrow>'
        "<mi>α</mi><mo>∈</mo><mrow><mspace/><mi>𝒟\ufe00</mi></mrow></mrow>"
        '<annotation encoding="application/x-tex">\\alpha \\in \\mathcal{D}</annotation>'
    ) in atom
    assert '<mtable displaystyle="false" scriptlevel="0"><mtr><mtd><mi>a</mi></mtd>' in atom
    (entry,) = feedparser.parse(plan.files["atom.xml"]).entries
    assert entry.summary.startswith(readable)
    assert "\\" not in entry.summary and "$" not in entry.summary
    item = json.loads(plan.files["feed.json"])["items"][0]
    assert item["summary"] == entry.summary
    assert '<math display="inline"><semantics><mrow><mi>α</mi>' in item["content_html"]
    rss = plan.files["rss.xml"].decode()
    assert "&lt;math" not in rss
    assert (
        '&lt;span class="math inline" title="\\alpha \\in \\mathcal{D}"&gt;α ∈ 𝒟&lt;/span&gt;'
    ) in rss
    assert f"<description>{readable}" in rss


def test_the_sample_math_post_carries_mathml_with_its_tex() -> None:
    cfg, plan = sample_plan()
    feed = feedparser.parse(plan.files["atom.xml"])
    (entry,) = [e for e in feed.entries if e.title.startswith("Pi Day")]
    atom = plan.files["atom.xml"].decode()
    entry_xml = atom[atom.index("<title>Pi Day") : atom.index("</entry>", atom.index("Pi Day"))]
    assert entry_xml.count("<math ") == 16  # every formula of the post, 3 of them display
    assert (
        '<annotation encoding="application/x-tex">'
        "\\frac{\\pi}{4} = 4 \\arctan\\frac{1}{5} - \\arctan\\frac{1}{239}.</annotation>"
    ) in entry_xml
    assert "$$" not in entry_xml and 'class="math' not in entry_xml
    assert "<math" in entry.content[0].value


SPLICE_POSTS = {
    "emoji.md": "---\ntitle: Rockets 🚀 & <b>\ndate: 2024-03-10\ntags: [a, b]\n---\n"
    + "Fast 🚀 text, ]]> and {{ not a template }} and {% raw %} too.\n\n| x | y |\n|---|---|\n"
    + "| 1 | 2 |\n",
    "same-day.md": "---\ntitle: Same day\ndate: 2024-03-10\ntags: [a]\n"
    + "authors: [Bo Name, Cy Two]\n---\nBell \x07 and form feed \x0c in text.\n",
    "own-id.md": '---\ntitle: "Own {{ id }} & {% x %}"\ndate: 2024-03-09\n'
    + "id: urn:uuid:1234\ntags: b\n---\n"
    + f"{HOSTILE}\n\n<script>alert(1)</script>\n",
    "plain.md": "---\ntitle: Plain\ndate: 2024-03-08\n---\nNo tags, only words.\n",
    # Markup and `&` in the HTML (a carriage return's character reference, which the HTML
    # parser makes a line end), and the mark an entry's content stands in for while feedgen
    # writes it: in a title (the entry is written whole), and in a body.
    "return.md": "---\ntitle: Return\ndate: 2024-03-07\ntags: [a]\n---\n"
    + "A line&#13;with a return, <i>tags</i> & `a < b > c` in code.\n",
    "mark.md": "---\ntitle: On feedkit-content-3e7c91d0\ndate: 2024-03-06\ntags: [a]\n---\n"
    + "Text.\n",
    "mark-body.md": "---\ntitle: Mark in body\ndate: 2024-03-05\ntags: [b]\n---\n"
    + "It says feedkit-content-3e7c91d0 & more.\n",
}


def _whole_tree_feeds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make feeds as feedgen writes each whole feed, every entry serialised in each."""
    from feedkit.site import feedparts, feeds, xmlfeeds

    def atom(cfg, info, posts, fallback, made=None, kept=None) -> bytes:
        fg = xmlfeeds.atom_head(cfg, info, feedparts.feed_updated(posts, fallback))
        for rp in posts:
            fe = fg.add_entry(order="append")
            if (content := xmlfeeds.fill_atom_entry(fe, cfg, rp)) is not None:
                fe.content(content[0].decode(), type=content[1])  # as lxml writes it
        return feedparts.with_stylesheet(fg.atom_str(pretty=True), cfg)

    def rss(cfg, info, posts, fallback, made=None, kept=None) -> bytes:
        fg = xmlfeeds.rss_head(cfg, info, feedparts.feed_updated(posts, fallback))
        for rp in posts:
            fe = fg.add_entry(order="append")
            if (content := xmlfeeds.fill_rss_item(fe, cfg, rp)) is not None:
                fe.content(content[0].decode(), type=content[1])
        return feedparts.with_stylesheet(xmlfeeds._numeric_references(fg.rss_str(pretty=True)), cfg)

    monkeypatch.setattr(feeds, "render_atom", atom)
    monkeypatch.setattr(feeds, "render_rss", rss)


@pytest.mark.parametrize("full_content", [True, False])
def test_spliced_feeds_are_the_bytes_of_feedgen_writing_each_whole_feed(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, full_content: bool
) -> None:
    # Math (Atom XHTML with MathML), emoji, escaping, control characters, name-only
    # co-authors (RSS dc:creator), an id that is not the URL, posts of one instant.
    toml = SITE_TOML + ("" if full_content else "full_content = false\n")
    cfg = make_site("math/summary.md", posts=SPLICE_POSTS, toml=toml)
    spliced = plan_build(cfg, NOW).files
    assert {"tags/a/atom.xml", "tags/b/rss.xml"} <= set(spliced)
    assert (b'<content type="xhtml">' in spliced["atom.xml"]) is full_content
    assert b"<dc:creator>Bo Name</dc:creator>" in spliced["tags/a/rss.xml"]
    if full_content:  # each content as lxml writes it, the mark nowhere but in what posts say
        written = b"A line\nwith a return, &lt;i&gt;tags&lt;/i&gt; &amp;amp; &lt;code&gt;a &amp;lt;"
        assert written in spliced["atom.xml"] and written in spliced["rss.xml"]
        for name in ("atom.xml", "rss.xml"):  # in a title, a body, its summary
            assert spliced[name].count(b"feedkit-content-3e7c91d0") == 3
    _whole_tree_feeds(monkeypatch)
    assert plan_build(cfg, NOW).files == spliced


def test_an_empty_feed_is_spliced_as_feedgen_writes_it(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedkit.site import feeds

    cfg = make_site()
    info = feeds.FeedInfo("T", "", "https://e.org/", *["https://e.org/f"] * 3)
    spliced = feeds.render_atom(cfg, info, [], NOW), feeds.render_rss(cfg, info, [], NOW)
    assert b"<updated>2026-11-22T12:00:00+00:00</updated>" in spliced[0]
    assert b"<entry>" not in spliced[0] and b"<item>" not in spliced[1]
    _whole_tree_feeds(monkeypatch)
    assert (feeds.render_atom(cfg, info, [], NOW), feeds.render_rss(cfg, info, [], NOW)) == spliced


def test_each_entry_is_serialised_once_per_format_for_all_its_feeds(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A post in the site's feed and two tag feeds: its entry is made into bytes once, and
    # those bytes go into each feed (rather than each feed serialising it again).
    from feedgen.entry import FeedEntry

    from feedkit import parallel

    monkeypatch.setattr(parallel, "cores", lambda: 1)  # one process: one count
    made: list[str] = []
    for name in ("atom_entry", "rss_entry"):
        method = getattr(FeedEntry, name)

        def counted(self, *args, _method=method, _name=name, **kwargs):
            made.append(_name)
            return _method(self, *args, **kwargs)

        monkeypatch.setattr(FeedEntry, name, counted)
    posts = {
        f"p{day}.md": f"---\ntitle: P{day}\ndate: 2024-03-1{day}\ntags: {tags}\n---\nText.\n"
        for day, tags in enumerate(["[a, b]", "a", "b", "[]"])
    }
    files = plan_build(make_site(posts=posts), NOW).files
    assert files["tags/a/atom.xml"].count(b"<entry>") == 2
    assert files["tags/b/rss.xml"].count(b"<item>") == 2
    assert sorted(made) == ["atom_entry"] * 4 + ["rss_entry"] * 4


def test_entry_bytes_are_kept_only_while_a_feed_to_come_has_the_post(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Entry bytes are UTF-8 copies of each body: kept for every post to the end, they
    # would add to the peak of a build with tag feeds.
    from feedkit import parallel
    from feedkit.site import feeds

    monkeypatch.setattr(parallel, "cores", lambda: 1)
    kept: list[tuple[str, int]] = []
    made_by = feeds.render_atom

    def render_atom(cfg, info, posts, fallback, made=None, store=None) -> bytes:
        kept.append((info.atom_url.rsplit("/", 2)[-2], len(made or {})))
        return made_by(cfg, info, posts, fallback, made, store)

    monkeypatch.setattr(feeds, "render_atom", render_atom)
    posts = {
        f"p{day}.md": f"---\ntitle: P{day}\ndate: 2024-03-1{day}\ntags: {tags}\n---\nText.\n"
        for day, tags in enumerate(["[a, b]", "a", "b", "[]"])
    }
    plan_build(make_site(posts=posts), NOW)
    # After the site's feed: P0, P1 and P2 are in a tag feed to come, P3 in none; after
    # a's feed, b's posts P0 and P2.
    assert kept == [("blog", 0), ("a", 3), ("b", 2)]


def test_a_posts_image_is_in_atom_and_rss_as_feed_readers_look_for_it(
    make_site: MakeSite,
) -> None:
    # Media RSS content and thumbnail: what Feedly, Inoreader and NetNewsWire show as the
    # entry's picture; only the feeds of a post with an image declare its namespace.
    cfg = make_site(
        posts={
            "pic.md": "---\ntitle: Pic\ndate: 2024-03-02\ntags: [seen]\nimage: img/cover.jpg\n"
            "---\nText.\n",
            "plain.md": "---\ntitle: Plain\ndate: 2024-03-01\ntags: [plain]\n---\nText.\n",
        }
    )
    plan = plan_build(cfg, NOW)
    image = "https://example.com/blog/2024/03/pic/img/cover.jpg"
    assert json.loads(plan.files["feed.json"])["items"][0]["image"] == image
    for name in ("atom.xml", "rss.xml", "tags/seen/atom.xml", "tags/seen/rss.xml"):
        parsed = feedparser.parse(plan.files[name])
        assert not parsed.bozo, name
        entry = parsed.entries[0]
        assert entry.title == "Pic"
        assert entry.media_content == [{"url": image, "type": "image/jpeg", "medium": "image"}]
        assert entry.media_thumbnail == [{"url": image}]
        assert plan.files[name].count(b'xmlns:media="http://search.yahoo.com/mrss/"') == 1
    assert "media_content" not in feedparser.parse(plan.files["atom.xml"]).entries[1]
    for name in ("tags/plain/atom.xml", "tags/plain/rss.xml"):
        assert b"mrss" not in plan.files[name]


def test_an_images_type_comes_from_pythons_table_not_the_machines(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mimetypes

    cfg = make_site(posts={"pic.md": "---\ntitle: Pic\ndate: 2024-03-02\nimage: a.png\n---\nT.\n"})
    before = plan_build(cfg, NOW).files["atom.xml"]
    mimetypes.init()
    monkeypatch.setitem(mimetypes.types_map, ".png", "image/x-from-this-machine")
    assert plan_build(cfg, NOW).files["atom.xml"] == before
    assert b'type="image/png"' in before


class DictKept:
    """The build cache's side of feeds.Kept, in a dict."""

    def __init__(self) -> None:
        self.parts: dict[str, bytes] = {}

    def feed_part(self, key: str) -> bytes | None:
        return self.parts.get(key)

    def remember_feed_part(self, key: str, data: bytes) -> None:
        self.parts[key] = data


@pytest.mark.parametrize(
    "setting", ["full_content = false", 'hub = "https://hub.example/"', 'language = "de"']
)
def test_parts_kept_for_one_setting_are_not_taken_for_another(
    make_site: MakeSite, setting: str
) -> None:
    # The build cache is thrown away when a setting changes; but entries and heads kept
    # for one config are not taken for another even where it stays (as the preview's
    # rendered bodies are not), though the posts are the same.
    from feedkit.site import feeds

    posts = {
        "math.md": "---\ntitle: Pi\ndate: 2024-03-02\n---\nLet $x^2$ be the start of it all.\n",
        "plain.md": "---\ntitle: Plain\ndate: 2024-03-01\n---\nOnly words, a good many.\n",
    }
    cfg = make_site(posts=posts)
    toml = SITE_TOML + f"{setting}\n"
    if setting.startswith("language"):  # a top-level key
        toml = f"{setting}\n{SITE_TOML}"
    other = make_site(posts=posts, toml=toml)
    entries = plan_build(cfg, NOW).entries
    info = feeds.FeedInfo("T", "", cfg.base_url, *["https://example.com/f"] * 3)
    kept = DictKept()
    for render in (feeds.render_atom, feeds.render_rss):
        fresh = render(cfg, info, entries, NOW)
        assert render(cfg, info, entries, NOW, None, kept) == fresh
        assert render(cfg, info, entries, NOW, None, kept) == fresh  # from `kept` now
        assert render(other, info, entries, NOW, None, kept) == render(other, info, entries, NOW)
    assert feeds.render_json_feed(cfg, info, entries, None, kept) == feeds.render_json_feed(
        cfg, info, entries
    )
    json_feed = feeds.render_json_feed(other, info, entries, None, kept)
    assert json_feed == feeds.render_json_feed(other, info, entries)
    # Two entries and a head in Atom and RSS, two entries in JSON, for each config.
    assert len(kept.parts) == 2 * (3 + 3 + 2)


def test_a_post_with_no_text_has_no_blank_content(make_site: MakeSite) -> None:
    """`feedkit new` writes a post with no text: its entry keeps its title, link and summary
    but carries no content, which the W3C validator warns on when blank."""
    cfg = make_site(
        posts={
            "empty.md": "---\ntitle: Just a title\ndate: 2026-01-02\n---\n\n",
            "full.md": "---\ntitle: Words\ndate: 2026-01-01\n---\nSome words.\n",
            # Its HTML is blank: the comments are left out, their line ends are not.
            "note.md": "---\ntitle: A note\ndate: 2025-12-31\n---\n<!-- a -->\n\n<!-- b -->\n",
        }
    )
    plan = plan_build(cfg, NOW)
    atom, rss = plan.files["atom.xml"].decode(), plan.files["rss.xml"].decode()
    assert atom.count("<content") == 1 and rss.count("<content:encoded>") == 1
    assert json.loads(plan.files["feed.json"])["items"][2]["content_html"].isspace()
    for name in ("atom.xml", "rss.xml"):
        empty, full, note = feedparser.parse(plan.files[name]).entries
        assert "content" not in note
        assert (empty.title, empty.link) == (
            "Just a title",
            "https://example.com/blog/2026/01/empty/",
        )
        assert "content" not in empty and full.content[0].value == "<p>Some words.</p>"


def test_a_posts_image_is_an_ascii_url_and_a_tags_name_plain_text_in_rss(
    make_site: MakeSite,
) -> None:
    # A file name with spaces and accents, as a blogger saves it: feeds carry URLs.
    post = (
        '---\ntitle: Pic\ndate: 2024-03-02\ntags: ["Vec<T>"]\nimage: "img/my cover é.jpg"\n'
        "---\nText.\n"
    )
    cfg = make_site(posts={"pic.md": post})
    plan = plan_build(cfg, NOW)
    image = "https://example.com/blog/2024/03/pic/img/my%20cover%20%C3%A9.jpg"
    assert json.loads(plan.files["feed.json"])["items"][0]["image"] == image
    for name in ("atom.xml", "rss.xml"):
        assert feedparser.parse(plan.files[name]).entries[0].media_content[0]["url"] == image
    # The channel's description names the tag: HTML to feedparser, "<T>" no tag in it.
    rss = plan.files["tags/vect/rss.xml"].decode()
    assert "<description>Posts tagged “Vec&#x26;lt;T&#x26;gt;” on Example Blog</description>" in rss
    shown = feedparser.parse(rss).feed.description
    assert html.unescape(shown) == "Posts tagged “Vec<T>” on Example Blog"


def test_a_posts_image_on_no_host_is_left_out_with_a_warning(make_site: MakeSite) -> None:
    post = '---\ntitle: Pic\ndate: 2024-03-02\nimage: "https://exa mple.com/x.png"\n---\nT.\n'
    cfg = make_site(posts={"pic.md": post})
    for command in ("build", "check"):
        result = CliRunner().invoke(main, [command, "--config", str(cfg.root / "feedkit.toml")])
        assert result.exit_code == 0, result.output
        assert (
            "content/pic.md:4: warning: image: 'https://exa mple.com/x.png' has a host that is "
            "not a host name: 'exa mple.com'; the post has no image\n"
        ) in result.stderr
    assert "image" not in json.loads((cfg.output_path / "feed.json").read_bytes())["items"][0]


@pytest.mark.parametrize(
    "image",
    [
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "mailto:a@b.example",
        "ftp://f.example/a.png",
    ],
)
def test_a_posts_image_that_is_no_web_address_is_left_out_with_a_warning(
    make_site: MakeSite, image: str
) -> None:
    # `javascript:` and `data:` (no host) stopped build and check with a traceback; an ftp
    # image was carried, which no feed reader fetches.
    post = f'---\ntitle: Pic\ndate: 2024-03-02\nimage: "{image}"\n---\nT.\n'
    cfg = make_site(posts={"pic.md": post})
    for command in ("build", "check"):
        result = CliRunner().invoke(main, [command, "--config", str(cfg.root / "feedkit.toml")])
        assert result.exit_code == 0, result.output
        assert (
            f"content/pic.md:4: warning: image: {image!r} is not a web address (http or "
            "https); the post has no image\n"
        ) in result.stderr
    assert "image" not in json.loads((cfg.output_path / "feed.json").read_bytes())["items"][0]
    assert (
        "media_content"
        not in feedparser.parse((cfg.output_path / "rss.xml").read_bytes()).entries[0]
    )


# Entry IDs pinned in front matter: feedkit keeps each as written (readers may know the post
# by it), and warns at the ones the W3C validator calls invalid (tests/test_w3c.py).
PINNED_IDS = {
    "good-tag.md": "tag:blog.example.org,2024-05-01:notes/1",
    "good-uuid.md": "urn:uuid:6f1c2e1a-8e0b-4d3f-9a57-2b9c1d3e4f50",
    "good-urn.md": "urn:x-blog:notes-2",
    "bad-tag.md": "tag:Blog.Example.org,2024:notes/3",
    "bad-uuid.md": "urn:uuid:6f1c2e1a-8e0b-4d3f",
    "bad-urn.md": "urn:x:notes-4",
}


def pinned(name: str, n: int) -> str:
    return f"---\ntitle: Pinned {n}\ndate: 2024-05-0{n}\nid: {PINNED_IDS[name]}\n---\nText.\n"


def test_an_id_of_a_scheme_the_validator_does_not_know_is_kept_with_a_warning(
    make_site: MakeSite,
) -> None:
    # "URI scheme not IANA registered", the W3C validator's warning, for a scheme of letters
    # it does not list; one with digits or dots it does not look at, and neither do we.
    posts = {
        "js.md": "---\ntitle: J\ndate: 2024-05-01\nid: 'javascript:alert(1)'\n---\nText.\n",
        "note.md": "---\ntitle: N\ndate: 2024-05-02\nid: note:2024/n\n---\nText.\n",
        "web.md": "---\ntitle: W\ndate: 2024-05-03\nid: web+x.y:1\n---\nText.\n",
        "ok.md": "---\ntitle: O\ndate: 2024-05-04\nid: info:ok/1\n---\nText.\n",
    }
    cfg = make_site(posts=posts)
    plan = plan_build(cfg, NOW)
    assert sorted(str(w) for w in plan.warnings) == [
        f"content/{name}:4: warning: id {written!r} has the scheme '{scheme}:', which the W3C "
        "feed validator warns is not registered (use tag:, urn: or https:); readers know the "
        "post by it as written"
        for name, written, scheme in (
            ("js.md", "javascript:alert(1)", "javascript"),
            ("note.md", "note:2024/n", "note"),
        )
    ]
    from test_validity import issues_of

    found = issues_of({"atom.xml": plan.files["atom.xml"]}, cfg.base_url)["atom.xml"]
    assert sorted(issue.split(" ", 2)[1] for issue in found) == ["SchemeNotIANARegistered"] * 2


def test_an_id_the_validator_calls_invalid_is_kept_with_a_warning(make_site: MakeSite) -> None:
    cfg = make_site(posts={name: pinned(name, n) for n, name in enumerate(PINNED_IDS, start=1)})
    plan = plan_build(cfg, NOW)
    assert sorted(str(w) for w in plan.warnings) == [
        f"content/{name}:4: warning: id {PINNED_IDS[name]!r} is not {kind}, and the W3C feed "
        "validator calls the Atom feed invalid; readers know the post by it as written"
        for name, kind in (
            (
                "bad-tag.md",
                "a tag: URI (RFC 4151: tag:example.com,2024-05-01:post, its host in lower case)",
            ),
            ("bad-urn.md", "a URN (urn:name:…)"),
            ("bad-uuid.md", "a UUID URN (urn:uuid: and 32 hex digits, 8-4-4-4-12)"),
        )
    ]
    for name in PINNED_IDS:  # each as written in its entry
        assert f"<id>{PINNED_IDS[name]}</id>".encode() in plan.files["atom.xml"]
    from test_validity import issues_of

    found = issues_of({"atom.xml": plan.files["atom.xml"]}, cfg.base_url)["atom.xml"]
    assert sorted(issue.split(" ", 2)[1] for issue in found) == [
        "InvalidTAG",
        "InvalidURN",
        "InvalidUUID",
    ]


def test_an_id_not_in_the_validators_canonical_form_is_kept_with_a_warning(
    make_site: MakeSite,
) -> None:
    # "Identifier … is not in canonical form", the W3C validator's warning: feedkit says it
    # at the post, naming the form; what the Atom feed folds itself (scheme and host case,
    # the default port: asciiurl.atom_id) is no warning.
    ids = {
        "scheme.md": ("Info:notes/1", "info:notes/1"),
        "escape.md": ("https://blog.example.org/%7eann/2", "https://blog.example.org/~ann/2"),
        "tag.md": ("tag:blog.example.org,2024:%7e3", "tag:blog.example.org,2024:~3"),
        "folded.md": ("HTTP://Blog.Example.org:80/notes/4", None),
        "fine.md": ("https://blog.example.org/notes/5", None),
    }
    posts = {
        name: f"---\ntitle: P{n}\ndate: 2024-05-0{n}\nid: '{written}'\n---\nText.\n"
        for n, (name, (written, _)) in enumerate(ids.items(), start=1)
    }
    cfg = make_site(posts=posts)
    plan = plan_build(cfg, NOW)
    assert sorted(str(w) for w in plan.warnings) == sorted(
        f"content/{name}:4: warning: id {written!r} is not in canonical form ({canonical!r}), "
        "which the W3C feed validator warns about; readers know the post by it as written"
        for name, (written, canonical) in ids.items()
        if canonical
    )
    atom = plan.files["atom.xml"]
    # As written (an escape's hex digits in upper case, as atom_id folds them)
    for written in ("Info:notes/1", "https://blog.example.org/%7Eann/2"):
        assert f"<id>{written}</id>".encode() in atom
    from test_validity import issues_of

    found = issues_of({"atom.xml": atom}, cfg.base_url)["atom.xml"]
    assert sorted(issue.split(" ", 2)[1] for issue in found) == ["NonCanonicalURI"] * 3
