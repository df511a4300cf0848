"""Footnote anchors are unique among a site's posts: posts that share a slug (a yearly
"year-in-review") each get their own, in every feed and digest that shows both, on every
path (cold, cached, --no-cache, `feedkit check`, the digest's mail and its web copy); a post
whose slug is its own keeps the anchors it always had. And the notes come after the post, as
every site's converter puts them, wherever they were written."""

from __future__ import annotations

import html
import json
import os
import quopri
import re
import shutil
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main

from conftest import NOW, NOW_ENV, SITE_TOML
from digest_site import (
    SECRET_ENV,
    digest_command,
    html_body_on_the_wire,
    make_digest_site,
    outbox_messages,
    smtp_toml,
    write_post,
)
from preview_process import fetch, preview_in_process, url
from smtp_server import FaultySmtpServer, smtp_server_fixture  # noqa: F401

BASE = "https://example.com/blog/"
# Footnote links and the ids they go to, in a post's HTML as a reader's program reads it.
_FOOTNOTE_HREF = re.compile(r'<a href="([^"#]*)#(fn[^"]*)"')
_ID = re.compile(r'\bid="([^"]*)"')
FEEDS = ("atom.xml", "rss.xml", "feed.json")


def yearly(year: int, extra: str = "") -> str:
    return (
        f"---\ntitle: The year {year}\ndate: {year}-12-31\n{extra}---\n"
        f"What happened.[^1] And then.[^note]\n\n[^1]: Of {year}.\n\n[^note]: A note.\n"
    )


ONE_OFF = "---\ntitle: Once\ndate: 2023-06-01\n---\nOnly once.[^1]\n\n[^1]: A note.\n"


def settle(path: Path) -> None:
    """Make a post file look written a minute ago: the cache trusts only settled files."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


def write(site: Path, name: str, text: str) -> None:
    """Write a post file as a blogger would, leaving the others as they are."""
    path = site / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    settle(path)


def run(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--config", str(site / "feedkit.toml")], env=NOW_ENV)


def built(site: Path, *args: str) -> dict[str, bytes]:
    """Build the site as a user does and return every output file's bytes."""
    result = run(site, "build", *args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = site / "public"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def uncached(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """Return what `feedkit build --no-cache` makes of a copy of the site, with no cache."""
    other = tmp_path / "uncached"
    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(site, other, ignore=shutil.ignore_patterns(".feedkit", "public"))
    return built(other, "--no-cache")


def feed_entries(files: dict[str, bytes]) -> dict[str, list[tuple[str, str]]]:
    """Return each main feed's entries as (link, HTML), from the bytes written."""
    atom = files["atom.xml"].decode()
    rss = files["rss.xml"].decode()
    return {
        "atom": [
            (link, html.unescape(content))
            for content, link in re.findall(
                r'<entry>.*?<content type="html">(.*?)</content>\s*<link href="([^"]*)"', atom, re.S
            )
        ],
        "rss": [
            (link, html.unescape(content))
            for link, content in re.findall(
                r"<item>.*?<link>([^<]*)</link>.*?<content:encoded>(.*?)</content:encoded>",
                rss,
                re.S,
            )
        ],
        "json": [
            (item["url"], item["content_html"]) for item in json.loads(files["feed.json"])["items"]
        ],
    }


def assert_own_anchors(entries: list[tuple[str, str]], *, in_place: bool = False) -> None:
    """Assert that no id is in two entries, and each footnote link goes to an id of its own
    entry, at its own post's URL (a feed's), or in the document itself (`in_place`: a
    digest's, where the note is right there)."""
    seen: set[str] = set()
    for link, text in entries:
        ids = _ID.findall(text)
        assert len(ids) == len(set(ids)), (link, ids)
        assert not seen & set(ids), (link, seen & set(ids))
        seen |= set(ids)
        hrefs = _FOOTNOTE_HREF.findall(text)
        assert hrefs, link
        for target, fragment in hrefs:
            expected = "" if in_place else link
            assert target == expected and fragment in ids, (link, target, fragment, ids)


def anchors_of(entries: list[tuple[str, str]], link: str) -> list[str]:
    return [_ID.findall(text) for each, text in entries if each == link][0]


def test_posts_sharing_a_slug_get_their_own_footnote_anchors_on_every_path(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    write(site, "2024-12-31-year-in-review.md", yearly(2024))
    write(site, "2025-12-31-year-in-review.md", yearly(2025))
    write(site, "once.md", ONE_OFF)
    late, early = f"{BASE}2025/12/year-in-review/", f"{BASE}2024/12/year-in-review/"

    cold = built(site)
    for entries in feed_entries(cold).values():
        assert [link for link, _ in entries] == [late, early, f"{BASE}2023/06/once/"]
        assert_own_anchors(entries)
        # Named by the path of each one's URL; the post whose slug is its own keeps its slug.
        assert anchors_of(entries, late) == [
            "fnref-blog-2025-12-year-in-review-1",
            "fnref-blog-2025-12-year-in-review-note",
            "fn-blog-2025-12-year-in-review-1",
            "fn-blog-2025-12-year-in-review-note",
        ]
        assert anchors_of(entries, f"{BASE}2023/06/once/") == ["fnref-once-1", "fn-once-1"]
    # The tag feeds show them together too.
    assert cold == uncached(site, tmp_path)
    assert run(site, "check").exit_code == 0

    # Whatever order the files are found in, each post keeps its anchors.
    (site / "content" / "2024-12-31-year-in-review.md").rename(site / "content" / "z.md")
    write(site, "z.md", yearly(2024, "slug: year-in-review\n"))
    renamed = built(site)
    assert feed_entries(renamed) == feed_entries(cold)


def test_a_cached_build_gives_a_posts_new_anchors_once_another_takes_its_slug(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    write(site, "2024-12-31-year-in-review.md", yearly(2024))
    first = feed_entries(built(site))["atom"]
    assert anchors_of(first, f"{BASE}2024/12/year-in-review/")[0] == "fnref-year-in-review-1"

    # A draft of next year's, in no feed, takes the slug: the cached render and the feeds
    # the last build wrote are not what an uncached build makes now.
    write(site, "2025-12-31-year-in-review.md", yearly(2025, "draft: true\n"))
    with_draft = built(site)
    assert with_draft == uncached(site, tmp_path)
    assert anchors_of(feed_entries(with_draft)["atom"], f"{BASE}2024/12/year-in-review/")[0] == (
        "fnref-blog-2024-12-year-in-review-1"
    )

    # Published, both are in one feed, each with its own anchors.
    write(site, "2025-12-31-year-in-review.md", yearly(2025))
    both = built(site)
    assert both == uncached(site, tmp_path)
    for entries in feed_entries(both).values():
        assert len(entries) == 2
        assert_own_anchors(entries)


def digest_site(root: Path, extra_toml: str = "", years: tuple[int, ...] = (2025, 2026)) -> None:
    """A digest site of two posts, a year apart, that share a slug and the names of their
    footnotes (or of those of `years`)."""
    make_digest_site(
        root, [("ada@example.org", "Ada")], posts=0, extra_toml='content = "full"\n' + extra_toml
    )
    for year in years:
        add_yearly(root, year)


def add_yearly(root: Path, year: int) -> None:
    """Add the yearly post of `year` (2025 or 2026) to a digest site, in November."""
    body = yearly(year).split("---\n", 2)[2]
    when = NOW - timedelta(days=366 if year == 2025 else 1)
    write_post(root, f"{year}/year-in-review", f"The year {year}", when, body)
    settle(root / "content" / f"{year}/year-in-review.md")


def digest_entries(page: str) -> list[tuple[str, str]]:
    """Return each post of a digest's HTML as (its link, its HTML)."""
    parts = page.split('class="post-content"')[1:]
    return [(re.findall(r'<a class="button"[^>]* href="([^"]*)"', part)[0], part) for part in parts]


@pytest.mark.parametrize(
    ("delivery", "kept"),
    [("outbox", False), ("outbox", True), ("smtp", False)],
    ids=["outbox", "outbox-index-kept", "smtp"],
)
def test_a_digest_of_posts_sharing_a_slug_gives_each_its_own_anchors(
    tmp_path: Path, smtp_server: FaultySmtpServer, delivery: str, kept: bool
) -> None:
    smtp = f'delivery = "smtp"\n{smtp_toml(smtp_server)}'
    digest_site(tmp_path, smtp if delivery == "smtp" else "")
    if kept:  # a dry run keeps the posts readers may see: the run takes them from there
        (tmp_path / ".feedkit").mkdir()
        assert digest_command(tmp_path, "--dry-run", "--send-latest", "2").exit_code == 0
    result = digest_command(tmp_path, "--send-latest", "2")
    assert result.exit_code == 0, result.output
    if delivery == "smtp":
        raw = smtp_server.messages[0].raw
    else:
        (raw,) = outbox_messages(tmp_path).values()
    entries = digest_entries(quopri.decodestring(html_body_on_the_wire(raw)).decode())
    assert [link for link, _ in entries] == [
        f"{BASE}2026/11/year-in-review/",
        f"{BASE}2025/11/year-in-review/",
    ]
    assert_own_anchors(entries, in_place=True)
    # The web copy is the digest as readers got it.
    (copy,) = (tmp_path / "public" / "newsletter").glob("*/index.html")
    on_the_web = digest_entries(copy.read_text(encoding="utf-8"))
    assert [(link, _ID.findall(text)) for link, text in on_the_web] == [
        (link, _ID.findall(text)) for link, text in entries
    ]
    assert_own_anchors(on_the_web, in_place=True)


def test_posts_whose_urls_read_alike_get_anchors_no_other_post_has(tmp_path: Path) -> None:
    # /a-b/post/ and /a/b-post/ make one name of their paths: each takes its slug and a hash
    # of its URL instead, whichever is read first.
    site = tmp_path / "site"
    site.mkdir()
    (site / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    write(site, "x/post.md", yearly(2024, "url: /a-b/post/\n"))
    write(site, "y/post.md", yearly(2025, "url: /a/b-post/\n"))
    entries = feed_entries(built(site))
    for each in entries.values():
        assert [link for link, _ in each] == [f"{BASE}a/b-post/", f"{BASE}a-b/post/"]
        assert_own_anchors(each)
        for _, text in each:
            assert all(
                re.fullmatch(r"fn(ref)?-post-[0-9a-f]{8}-(1|note)", i) for i in _ID.findall(text)
            )
    assert built(site) == uncached(site, tmp_path)


def test_a_new_post_whose_slug_is_another_posts_anchor_name_is_taken_in_by_a_digest(
    tmp_path: Path,
) -> None:
    # The digest's kept list of posts stands for a post added since only when no post's
    # anchors change: here the new post's slug is the name the 2026 post's anchors had.
    digest_site(tmp_path)
    (tmp_path / ".feedkit").mkdir()
    assert digest_command(tmp_path, "--dry-run", "--send-latest", "3").exit_code == 0
    body = yearly(2026).split("---\n", 2)[2]
    when = NOW - timedelta(hours=1)
    write_post(tmp_path, "blog-2026-11-year-in-review", "Named alike", when, body)
    settle(tmp_path / "content" / "blog-2026-11-year-in-review.md")
    result = digest_command(tmp_path, "--send-latest", "3")
    assert result.exit_code == 0, result.output
    (raw,) = outbox_messages(tmp_path).values()
    entries = digest_entries(quopri.decodestring(html_body_on_the_wire(raw)).decode())
    assert len(entries) == 3
    assert_own_anchors(entries, in_place=True)


def test_the_preview_gives_a_post_new_anchors_once_another_takes_its_slug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    site = tmp_path / "site"
    digest_site(site, years=(2025,))
    with preview_in_process(site / "feedkit.toml") as server:
        base = url(server)
        alone = feed_entries({name: fetch(f"{base}/{name}")[1] for name in FEEDS})
        assert anchors_of(alone["atom"], f"{BASE}2025/11/year-in-review/")[0] == (
            "fnref-year-in-review-1"
        )
        add_yearly(site, 2026)  # while the preview runs: its renders are kept
        served = {name: fetch(f"{base}/{name}")[1] for name in FEEDS}
        status, page = fetch(f"{base}/digest.html")
    assert status == 200
    feeds, digest = list(feed_entries(served).values()), digest_entries(page.decode())
    for entries in [*feeds, digest]:
        assert [link for link, _ in entries] == [
            f"{BASE}2026/11/year-in-review/",
            f"{BASE}2025/11/year-in-review/",
        ]
        assert_own_anchors(entries, in_place=entries is digest)
    # The feeds a build writes.
    written = uncached(site, tmp_path)
    assert {name: written[name] for name in FEEDS} == served


def test_notes_written_after_their_paragraph_come_after_the_post(tmp_path: Path) -> None:
    # pulldown-cmark wrote a definition where it stood, so a note set down after its
    # paragraph showed in the middle of the post; kramdown, Goldmark, cmark-gfm and
    # Python-Markdown gather the notes at the end. One inside a quote stays in it.
    (tmp_path / "content").mkdir()
    body = (
        "First[^a] point.\n\n[^a]: The first note,\n    on two lines.\n\n"
        "> Quoted[^q].\n>\n> [^q]: Its own note.\n\nSecond[^b] point.\n\n"
        "[^b]: The second note.\n\nThe end.\n"
    )
    write(tmp_path, "notes.md", f"---\ntitle: Notes\ndate: 2024-01-02\n---\n{body}")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    assert run(tmp_path, "build").exit_code == 0
    (item,) = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    text = re.sub(r"<[^>]+>", "", item["content_html"])
    said = [line for line in text.split("\n") if line.strip()]
    assert said == [
        "First1 point.",
        "Quoted2.",
        "2",
        "Its own note.",
        "Second3 point.",
        "The end.",
        "The first note,",
        "on two lines.&nbsp;↩︎",
        "The second note.&nbsp;↩︎",
    ]
    # The list after the post numbers its notes as the text does: the one in the quote took 2.
    assert '<li id="fn-notes-a">' in item["content_html"]
    assert '<li id="fn-notes-b" value="3">' in item["content_html"]


def test_notes_are_one_list_in_the_order_the_text_refers_to_them(tmp_path: Path) -> None:
    # pulldown-cmark numbered notes by where their labels first stood, wrote each as a block
    # of its own with no way back, gave a note referred to twice one id for both references,
    # and showed a note nothing refers to. kramdown, Goldmark and cmark-gfm write one list
    # after a rule, in the order of first reference, each note linking back to every
    # reference, and leave an unused note out.
    (tmp_path / "content").mkdir()
    body = (
        "Alpha[^z] then beta[^y] then alpha again[^z].\n\n"
        "[^y]: Why, with a list:\n\n    - one\n\n[^z]: Zed.\n\n[^unused]: Never referred to.\n"
    )
    write(tmp_path, "notes.md", f"---\ntitle: Notes\ndate: 2024-01-02\n---\n{body}")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    assert run(tmp_path, "build").exit_code == 0
    (item,) = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    html_text, link = item["content_html"], item["url"]
    refs = re.findall(
        r'<sup class="footnote-ref"><a href="[^"]*#([^"]*)" id="([^"]*)">(\d)<', html_text
    )
    assert refs == [
        ("fn-notes-z", "fnref-notes-z", "1"),
        ("fn-notes-y", "fnref-notes-y", "2"),
        ("fn-notes-z", "fnref-notes-z-2", "1"),
    ]
    notes = html_text[html_text.index('<div class="footnotes">') :]
    assert notes.startswith('<div class="footnotes">\n<hr>\n<ol>\n<li id="fn-notes-z">\n<p>Zed.')
    assert notes.index('id="fn-notes-z"') < notes.index('id="fn-notes-y"')
    assert "Never referred to" not in html_text and "value=" not in notes
    back = re.findall(r'<a href="([^"#]*)#([^"]*)" class="footnote-backref">', notes)
    assert back == [(link, "fnref-notes-z"), (link, "fnref-notes-z-2"), (link, "fnref-notes-y")]
    assert "<li>one</li>" in notes  # a note's own blocks stay in it
    assert_own_anchors([(link, html_text)])
    rss = (tmp_path / "public" / "rss.xml").read_text(encoding="utf-8")
    assert '&lt;ol&gt;\n&lt;li id="fn-notes-z"&gt;' in rss


def test_a_note_is_found_whatever_its_labels_case_and_check_names_an_unused_one(
    tmp_path: Path,
) -> None:
    # `[^Note]` refers to `[^note]:` as a link's label finds its definition; pulldown-cmark
    # linked it to an anchor no note had. A note nothing refers to is left out of feeds, so
    # `feedkit check` says so, at its line.
    (tmp_path / "content").mkdir()
    body = "Text[^Note] here.\n\n[^note]: The note.\n\n[^spare]: Nothing refers to it.\n"
    write(tmp_path, "notes.md", f"---\ntitle: Notes\ndate: 2024-01-02\n---\n{body}")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    assert run(tmp_path, "build").exit_code == 0
    (item,) = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    assert (
        'href="https://example.com/blog/2024/01/notes/#fn-notes-note" id="fnref-notes-note">1<'
        in (item["content_html"])
    )
    assert '<li id="fn-notes-note">\n<p>The note.&nbsp;<a ' in item["content_html"]
    assert "Nothing refers to it" not in item["content_html"]
    checked = run(tmp_path, "check")
    assert checked.exit_code == 0, checked.output
    assert checked.stderr == (
        "content/notes.md:9: warning: footnote [^spare] is never referred to; feeds leave it"
        " out, as the site's converter does\n"
    )


def test_a_note_that_opens_with_a_table_is_the_posts_note_in_every_format(
    tmp_path: Path,
) -> None:
    # pulldown-cmark writes no line end before a note's table: the note kept its raw markup
    # in feeds, with a bare `id="1"` that every post of a feed with such a note shares.
    (tmp_path / "content").mkdir()
    table = "| a | b |\n    |---|---|\n    | 1 | 2 |\n"
    body = f"Text[^1].\n\n[^1]: {table}\n> In a quote[^q].\n>\n> [^q]: | c | d |\n>     |---|---|\n"
    write(tmp_path, "tables.md", f"---\ntitle: Tables\ndate: 2024-01-02\n---\n{body}")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    files = built(tmp_path)
    (item,) = json.loads(files["feed.json"])["items"]
    shown = item["content_html"]
    assert 'footnote-definition"' not in shown and 'id="1"' not in shown
    assert '<li id="fn-tables-1">\n<table>' in shown
    assert 'href="https://example.com/blog/2024/01/tables/#fnref-tables-1"' in shown
    assert '<div class="footnote" id="fn-tables-q">' in shown  # the quote's stays in it
    for name in ("atom.xml", "rss.xml"):
        assert b'id="1"' not in files[name] and b"id=&quot;1&quot;" not in files[name]


def test_slugs_an_id_cannot_hold_share_a_name_as_their_anchors_write_them() -> None:
    # `My Post` and `my/post` are written `My-Post` and `my-post` in ids: the first shares
    # its name with a post whose slug is `My-Post`. Slugs of letters, digits and hyphens
    # alone are looked at together; any other makes each be looked at as it is written.
    from feedkit.posts.anchors import anchor_names

    class Placed(NamedTuple):
        slug: str
        url: str

    shared = [Placed("My Post", "/2023/my-post/"), Placed("My-Post", "/2024/my-post/")]
    plain = [Placed("other", "/other/"), Placed("été-2024", "/ete/")]
    expected = {"/2023/my-post/": "2023-my-post", "/2024/my-post/": "2024-my-post"}
    assert anchor_names(shared + plain) == expected
    assert anchor_names([Placed("my/post", "/a/"), Placed("my-post", "/b/")]) == {
        "/a/": "a",
        "/b/": "b",
    }
    assert anchor_names([Placed("one", "/1/"), Placed("two-2", "/2/")]) == {}
    assert anchor_names([Placed("été", "/1/"), Placed("été", "/2/")]) == {"/1/": "1", "/2/": "2"}
