"""JSON Feed bytes: orjson's, the same bytes the standard library's indented encoder wrote."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from feedkit.config import load_config
from feedkit.models import Author, RenderedPost
from feedkit.site.build import plan_build
from feedkit.site.feedparts import FeedInfo
from feedkit.site.jsonfeed import render_json_feed

from conftest import NOW, ROOT, MakeSite, made_post

# Every kind of character a post's text may hold: controls (escaped as \n, \u001f…), quotes
# and backslashes, DEL, the line and paragraph separators, non-BMP emoji, RTL text.
TEXT = st.text(
    st.one_of(
        st.characters(max_codepoint=0x7F),
        st.sampled_from("\u2028\u2029\ufeff\xa0é🚀שלום\U0010fffd/<>&"),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=40,
)


def _standard_library_feed(cfg, info: FeedInfo, posts: list[RenderedPost]) -> bytes:
    """Return the feed as one `json.dumps(indent=2)` of the whole document writes it."""
    feed: dict = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "home_page_url": info.home_url,
        "feed_url": info.json_url,
    }
    if info.description:
        feed["description"] = info.description
    feed["language"] = cfg.language
    author = {"name": cfg.author.name}
    if cfg.author.url:
        author["url"] = cfg.author.url
    feed["authors"] = [author]
    items = []
    for rp in posts:
        post = rp.post
        item: dict = {"id": post.id, "url": post.url}
        if post.title:  # an untitled post's item has none (a Pelican article's empty Title:)
            item["title"] = post.title
        item["content_html"] = rp.html
        if rp.summary:
            item["summary"] = rp.summary
        if post.image:
            item["image"] = post.image
        item["date_published"] = post.published.isoformat()
        item["date_modified"] = post.updated.isoformat()
        item["authors"] = [
            {"name": a.name, "url": a.url} if a.url else {"name": a.name} for a in post.authors
        ]
        if post.tags:
            item["tags"] = list(post.tags)
        items.append(item)
    feed["items"] = items
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode()


def _post(title: str, text: str, tags: list[str], author_url: str, minutes: int) -> RenderedPost:
    when = datetime(2024, 3, 1, 12, tzinfo=timezone(timedelta(minutes=minutes)))
    post = made_post(
        title=title,
        id=f"urn:{text}",
        published=when,
        updated=when,
        authors=(Author(title or "A", None, author_url or None), Author(text or "B")),
        tags=tuple(tags),
        image=f"https://example.com/{text}.png" if text else None,
    )
    return RenderedPost(post, f"<p>{text}</p>\n".encode(), text)


@settings(max_examples=300, deadline=None)
@given(
    title=TEXT,
    text=TEXT,
    tags=st.lists(TEXT, max_size=3),
    author_url=TEXT,
    description=TEXT,
    minutes=st.sampled_from([0, 60, -330]),
)
@example(title='"\\\x00\x1f\x7f', text="\u2028", tags=[], author_url="", description="", minutes=0)
def test_a_feed_is_the_bytes_the_standard_librarys_encoder_wrote(
    title: str,
    text: str,
    tags: list[str],
    author_url: str,
    description: str,
    minutes: int,
) -> None:
    cfg = load_config(ROOT / "feedkit.toml")  # the sample site
    info = FeedInfo(title, description, "https://example.com/", *["https://e.org/f"] * 3)
    posts = [_post(title, text, tags, author_url, minutes), _post(text, title, [], "", 0)]
    for shown in (posts, posts[:1], []):
        assert render_json_feed(cfg, info, shown) == _standard_library_feed(cfg, info, shown)


def test_items_are_not_encoded_by_the_standard_librarys_python_encoder(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # json.dumps with indent encodes in Python, a sixth of orjson's speed on a post's
    # HTML; a build with tag feeds encodes an item for every post they show.
    def refused(*args, **kwargs):
        raise AssertionError("json.dumps was called")

    monkeypatch.setattr(json, "dumps", refused)
    posts = {
        f"p{day}.md": f"---\ntitle: 'P{day} 🚀 \"q\" & <b>'\ndate: 2024-03-1{day}\ntags: [a]\n"
        "---\nText.\n"
        for day in range(3)
    }
    files = plan_build(make_site(posts=posts), NOW).files
    monkeypatch.undo()
    assert [i["title"] for i in json.loads(files["tags/a/feed.json"])["items"]] == [
        f'P{day} 🚀 "q" & <b>' for day in (2, 1, 0)
    ]
