"""A Pelican site's metadata and folders read as Pelican 4.8 reads them (with Python-Markdown
3.4.1, Debian's): `feedkit init`'s content folder, `---` blocks, empty values, untitled
posts, metadata ended by a line that is no `Key: value`, lines continued with a tab, keys
Pelican takes once, categories from folders.
tests/test_oracles.py builds the same kinds of site with Pelican itself."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import feedparser
import pytest

from feedkit.config import load_config

from conftest import FIXTURES, SHARED
from digest_site import SECRET_ENV, decoded_part, outbox_messages, raw_fields
from preview_process import fetch, preview_in_process, url

NOW = "2026-06-01T00:00:00Z"
VALIDATE = SHARED / "tools" / "validate-feed"


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def feedkit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feedkit", *args],
        cwd=cwd,
        env={**os.environ, "FEEDKIT_NOW": NOW},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_init_reads_posts_from_content_when_pelicanconf_sets_no_path(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'Notes'\nSITEURL = 'https://notes.example.org'\n",
            "content/2024/first.md": "Title: First\nDate: 2024-05-01\n\nText.\n",
            "README.md": "# How to build this blog\n",
        },
    )
    started = feedkit(tmp_path, "init")
    assert started.returncode == 0, started.stderr
    assert load_config(tmp_path / "feedkit.toml").content_path == tmp_path / "content"
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""  # the README beside pelicanconf.py is no post now
    feed = (tmp_path / "public" / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "https://notes.example.org/first.html" in feed


def test_init_keeps_the_folder_itself_when_content_holds_no_markdown(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'Notes'\nSITEURL = 'https://notes.example.org'\n",
            "first.md": "Title: First\nDate: 2024-05-01\n\nText.\n",
            "content/images/chart.png": "not Markdown",
            "content/notes.MD": "Title: Not read by Pelican\nDate: 2024-05-02\n\nText.\n",
        },
    )
    assert feedkit(tmp_path, "init").returncode == 0
    assert load_config(tmp_path / "feedkit.toml").content_path == tmp_path


def stops(site: Path, said: str) -> None:
    """Assert that `feedkit build` and `feedkit check` of `site` stop, saying `said` first."""
    for command in ("build", "check"):
        done = feedkit(site, command)
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith(said + "\n"), done.stderr


PELICANCONF = (
    "AUTHOR = 'Ada'\nSITENAME = 'Notes'\nSITEURL = 'https://notes.example.org'\n"
    "PATH = 'content'\nTIMEZONE = 'UTC'\n"
)


def built(tmp_path: Path, posts: dict[str, str], conf: str = "") -> tuple[str, list[Any]]:
    """Return what `feedkit build` said of a Pelican site of `posts` set up by `feedkit
    init`, and its Atom feed's entries, newest first."""
    write(tmp_path, {"pelicanconf.py": PELICANCONF + conf})
    write(tmp_path, {f"content/{name}": text for name, text in posts.items()})
    started = feedkit(tmp_path, "init")
    assert started.returncode == 0, started.stderr
    done = feedkit(tmp_path, "build")
    assert done.returncode == 0, done.stderr
    feed = feedparser.parse((tmp_path / "public" / "feeds" / "all.atom.xml").read_bytes())
    assert not feed.bozo
    return done.stderr, list(feed.entries)


def test_an_hour_the_clocks_go_through_twice_is_read_in_standard_time_as_pelican_reads_it(
    tmp_path: Path,
) -> None:
    # 02:30 on the night Berlin's clocks go back happens twice: Pelican 4.8 (pytz's
    # localize) reads the second, +01:00; feedkit read the first, +02:00, an hour earlier.
    posts = {
        "back.md": "Title: Back\nDate: 2024-10-27 02:30\n\nText.\n",
        "forward.md": "Title: Forward\nDate: 2024-03-31 02:30\n\nText.\n",
        "summer.md": "Title: Summer\nDate: 2024-07-01 02:30\n\nText.\n",
    }
    conf = "TIMEZONE = 'Europe/Berlin'\n"
    _, entries = built(tmp_path, posts, conf)
    published = {entry.title: entry.published for entry in entries}
    assert published == {
        "Back": "2024-10-27T02:30:00+01:00",
        "Forward": "2024-03-31T03:30:00+02:00",  # never happened: the same instant as Pelican's
        "Summer": "2024-07-01T02:30:00+02:00",
    }


DASHED = {
    # Pelican 4.8 publishes each of these (tests/test_oracles.py builds them with it).
    "dashes.md": "---\nTitle: Dashes: a post\nDate: 2024-03-01 10:00\nTags: a, b\n---\n"
    "Body of dashes.\n",
    "dots.md": "---\nTitle: Dots\nDate: 2024-03-02\n...\n\nBody of dots.\n",
    "unclosed.md": "---\nTitle: No close\nDate: 2024-03-03\n\nBody of noclose.\n",
}


def test_a_dashed_block_of_key_value_lines_is_pelicans_metadata(tmp_path: Path) -> None:
    # Read as YAML, `Title: Dashes: a post` stopped the build, `Title:` was no title (YAML
    # keeps a key's case) and a block closed by a blank line was never closed.
    said, entries = built(tmp_path, DASHED)
    assert said == ""
    assert [(e.title, e.link) for e in entries] == [
        ("No close", "https://notes.example.org/no-close.html"),
        ("Dots", "https://notes.example.org/dots.html"),
        ("Dashes: a post", "https://notes.example.org/dashes-a-post.html"),
    ]
    assert [t.term for t in entries[2].tags] == ["misc", "a", "b"]  # Pelican's default category
    assert entries[2].published == "2024-03-01T10:00:00+00:00"
    assert [e.content[0].value for e in entries] == [
        "<p>Body of noclose.</p>",
        "<p>Body of dots.</p>",
        "<p>Body of dashes.</p>",
    ]


def test_a_dashed_block_stays_yaml_with_a_yaml_metadata_plugin(tmp_path: Path) -> None:
    for plugins in ("['yaml_metadata']", "['pelican.plugins.yaml_metadata', 'sitemap']"):
        site = tmp_path / plugins[2:8]
        post = "---\ntitle: Listed\ndate: 2024-03-01\ntags: [a, b]\n---\n\nText.\n"
        said, entries = built(site, {"listed.md": post}, f"PLUGINS = {plugins}\n")
        assert said == ""
        assert [t.term for t in entries[0].tags] == ["misc", "a", "b"]  # a YAML list, not "[a"


@pytest.mark.parametrize(
    ("dependencies", "conf", "yaml"),
    [
        ({"requirements.txt": "pelican>=4.8\npelican-yaml-metadata>=2.1\n"}, "", True),
        ({"pyproject.toml": '[project]\ndependencies = ["pelican-yaml-metadata"]\n'}, "", True),
        # PLUGINS set: Pelican loads those alone, whatever is installed.
        ({"requirements.txt": "pelican-yaml-metadata\n"}, "PLUGINS = ['sitemap']\n", False),
        ({"requirements.txt": "pelican\n"}, "", False),
    ],
)
def test_a_yaml_metadata_plugin_pelican_finds_by_itself_is_followed(
    tmp_path: Path, dependencies: dict[str, str], conf: str, yaml: bool
) -> None:
    # natelandau.com: no PLUGINS, and pelican-yaml-metadata among its dependencies, which
    # Pelican 4.5+ loads as a namespace plugin. feedkit read its `---` blocks as `Key: value`
    # lines: a list of tags lost (with a warning that Pelican reads only the first line).
    write(tmp_path, dependencies)
    post = "---\ntitle: Listed\ndate: 2024-03-01\ntags:\n  - a\n  - b\n---\n\nText.\n"
    said, entries = built(tmp_path, {"listed.md": post}, conf)
    assert [t.term for t in entries[0].tags] == (["misc", "a", "b"] if yaml else ["misc"])
    assert ("listed.md" in said) is not yaml, said


def test_metadata_ended_by_a_line_of_text_starts_the_body_there(tmp_path: Path) -> None:
    post = "Title: Ended by text\nDate: 2024-03-04\nThis line starts the body.\nMore.\n"
    said, entries = built(tmp_path, {"ended.md": post})
    assert said == (
        "content/ended.md:3: warning: ends the metadata without a blank line above it, not "
        "being 'Key: value': Pelican reads it as the post's first line of text, and so do the "
        "feeds; put a blank line above it (or write it as 'Key: value' if it is metadata)\n"
    )
    assert entries[0].title == "Ended by text"
    assert entries[0].content[0].value == "<p>This line starts the body.\nMore.</p>"
    checked = feedkit(tmp_path, "check")
    assert "content/ended.md:3: warning: ends the metadata without a blank line" in checked.stderr


def test_empty_slug_status_and_author_are_as_if_not_written(tmp_path: Path) -> None:
    # Pelican discards them (its METADATA_PROCESSORS): the title's slug, published, the
    # site's AUTHOR. feedkit skipped the post for its status '' and warned.
    post = "Title: Empties here\nDate: 2024-03-06\nSlug:\nStatus:\nAuthor:\nTags:\n\nBody.\n"
    said, entries = built(tmp_path, {"empties.md": post})
    assert said == ""
    assert [(e.title, e.link) for e in entries] == [
        ("Empties here", "https://notes.example.org/empties-here.html")
    ]
    assert [a.name for a in entries[0].authors] == ["Ada"]
    assert [t.term for t in entries[0].tags] == ["misc"]  # no tags; Pelican's default category


# A tab before a line's text is four columns to Python-Markdown, which expands tabs before its
# meta extension reads the header: a tab-indented line continues the key above. Of a key
# Pelican takes once (tags, date, slug...), it reads the first line alone, and warns.
CONTINUED = (
    "Title: Continued\nDate: 2024-03-07 09:00\nTags: one,\n\ttwo\nSummary: A summary\n"
    "\tthat goes on\nTags: three\nSlug: kept\n    dropped\n\nThe body.\n"
)


def test_lines_continued_with_a_tab_and_keys_pelican_takes_once(tmp_path: Path) -> None:
    # The tab-indented line ended the metadata, the feeds showing it and what followed as
    # the post's text; the tags were `one`, `two` and then `three`, the slug `kept dropped`.
    said, entries = built(tmp_path, {"continued.md": CONTINUED})
    leftover = (
        "Pelican reads only the first line of '{0}', and so do the feeds; this one is left "
        "out (put the whole value on that first line)"
    )
    assert said == (
        f"content/continued.md:4: warning: continues 'tags' on another line: "
        f"{leftover.format('tags')}\n"
        f"content/continued.md:7: warning: gives 'tags' again: {leftover.format('tags')}\n"
        f"content/continued.md:9: warning: continues 'slug' on another line: "
        f"{leftover.format('slug')}\n"
    )
    (entry,) = entries
    assert entry.link == "https://notes.example.org/kept.html"
    assert [t.term for t in entry.tags] == ["misc", "one"]
    assert entry.summary == "A summary that goes on"
    assert entry.content[0].value == "<p>The body.</p>"


def test_a_pelican_header_in_a_site_of_feedkits_own_is_read_by_the_same_rules(
    tmp_path: Path,
) -> None:
    # No pelicanconf.py: the `Title: …` header is still Pelican's format. The tab-indented
    # line stopped the build ("not a 'Key: value' line").
    write(
        tmp_path,
        {
            "feedkit.toml": 'title = "Own"\nbase_url = "https://own.example.org/"\n',
            "content/moved.md": "Title: Moved\nDate: 2024-03-07\nTags: one,\n\ttwo\n\nText.\n",
        },
    )
    done = feedkit(tmp_path, "build")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "content/moved.md:4: warning: continues 'tags' on another line: Pelican reads only the "
        "first line of 'tags', and so do the feeds; this one is left out (put the whole value "
        "on that first line)\n"
    )
    feed = json.loads((tmp_path / "public" / "feed.json").read_text(encoding="utf-8"))
    assert [(item["title"], item["tags"]) for item in feed["items"]] == [("Moved", ["one"])]


UNTITLED = (
    "Title:\nDate: 2024-03-05\n\nThe text of an untitled post, which goes on for a while so "
    "that its first words stand for its title.\n"
)
HEADLINE = "The text of an untitled post, which goes on for a while so…"


def test_an_untitled_post_is_published_at_pelicans_url_its_text_titling_it(
    tmp_path: Path,
) -> None:
    # Pelican 4.8 publishes an article whose `Title:` is empty at `.html` (the slug of no
    # title) with an empty title; feedkit stopped the build ("missing title").
    earlier = "Title: Earlier\nDate: 2024-03-01\n\nText.\n"
    said, entries = built(tmp_path, {"untitled.md": UNTITLED, "earlier.md": earlier})
    warning = (
        "content/untitled.md:1: warning: 'Title:' is empty: Pelican publishes the post "
        "untitled, at https://notes.example.org/.html, and so do the feeds (where one needs a "
        "title, the first words of its text); write its title\n"
    )
    assert said == warning
    assert feedkit(tmp_path, "check").stderr.startswith(warning)
    assert [(e.title, e.link) for e in entries] == [
        (HEADLINE, "https://notes.example.org/.html"),  # Atom needs a title
        ("Earlier", "https://notes.example.org/earlier.html"),
    ]
    public = tmp_path / "public"
    rss = (public / "rss.xml").read_text(encoding="utf-8")
    untitled_item = rss[rss.index("<item>") : rss.index("</item>")]
    assert "<link>https://notes.example.org/.html</link>" in untitled_item
    assert "<title>" not in untitled_item  # RSS allows an item without one
    items = json.loads((public / "feed.json").read_bytes())["items"]
    assert [item.get("title") for item in items] == [None, "Earlier"]
    if VALIDATE.is_file():
        for name in ("feeds/all.atom.xml", "rss.xml", "feed.json"):
            url = f"https://notes.example.org/{name}"
            done = subprocess.run(
                [sys.executable, str(VALIDATE), str(public / name), url], capture_output=True
            )
            assert done.returncode == 0, (name, done.stdout.decode())
            assert done.stdout.endswith(b"errors=0 warnings=0\n")


def test_an_untitled_posts_digest_names_it_by_its_text(tmp_path: Path) -> None:
    built(tmp_path, {"untitled.md": UNTITLED})
    toml = tmp_path / "feedkit.toml"
    digest = (
        '[digest]\nfrom = "Ada <ada@example.org>"\n'
        'unsubscribe_url = "https://notes.example.org/unsubscribe?token={token}&email={email}"\n'
    )
    toml.write_text(toml.read_text(encoding="utf-8").replace("[digest]\n", digest, 1))
    (tmp_path / "subscribers.csv").write_text("email,name\nreader@example.org,Reader\n")
    sent = subprocess.run(
        [sys.executable, "-m", "feedkit", "digest", "--send-latest", "1"],
        cwd=tmp_path,
        env={**os.environ, "FEEDKIT_NOW": NOW, **SECRET_ENV},
        capture_output=True,
        timeout=120,
    )
    assert sent.returncode == 0, sent.stderr
    (raw,) = outbox_messages(tmp_path).values()
    subject = raw_fields(raw)["Subject"].decode().removeprefix("Subject: ")
    assert str(make_header(decode_header(subject))) == f"Notes: {HEADLINE}"
    assert f">{HEADLINE}</a>" in decoded_part(raw, "html")  # the post's card
    index = (tmp_path / "public" / "newsletter" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="https://notes.example.org/.html">{HEADLINE}</a>' in index


def test_the_preview_names_an_untitled_post_as_the_feeds_and_its_file(tmp_path: Path) -> None:
    # The page's feed entries showed an empty link, its list of posts an empty title.
    built(tmp_path, {"untitled.md": UNTITLED})
    with preview_in_process(tmp_path / "feedkit.toml") as server:
        status, page = fetch(url(server) + "/")
    assert status == 200
    shown = page.decode()
    assert f'href="https://notes.example.org/.html" dir="auto">{HEADLINE}</a>' in shown
    assert '<span class="post-title" dir="auto">content/untitled.md</span>' in shown


CODE = (
    "Title: Code\nDate: 2024-03-01\n\nRun it:\n\n    :::bash\n    echo hi\n\n"
    "Or:\n\n    #!/bin/sh\n    echo sh\n"
)


def test_codehilites_language_line_is_no_line_of_the_code(tmp_path: Path) -> None:
    # As Pelican's default MARKDOWN (codehilite) shows it: `:::bash` names the language; a
    # shebang with a path stays the code's first line (tests/fixtures/python-markdown).
    _, entries = built(tmp_path / "default", {"code.md": CODE})
    content = entries[0].content[0].value
    assert "<pre><code>echo hi\n</code></pre>" in content and ":::bash" not in content
    assert "<pre><code>#!/bin/sh\necho sh\n</code></pre>" in content
    # Without codehilite in MARKDOWN, Python-Markdown keeps the line.
    conf = "MARKDOWN = {'extensions': ['markdown.extensions.extra']}\n"
    _, entries = built(tmp_path / "extra", {"code.md": CODE}, conf)
    assert "<pre><code>:::bash\necho hi\n</code></pre>" in entries[0].content[0].value


def test_an_article_without_a_category_has_its_folders_or_the_default_one(
    tmp_path: Path,
) -> None:
    # As Pelican 4.8 lists them in its feeds (USE_FOLDER_AS_CATEGORY, DEFAULT_CATEGORY 'misc'),
    # its category first: tests/test_oracles.py compares them with Pelican's own.
    posts = {
        "root.md": "Title: Root\nDate: 2024-01-04\n\nx\n",
        "a/own.md": "Title: Own\nDate: 2024-01-03\nCategory: Mine\nTags: t2\n\nx\n",
        "a/b/nested.md": "Title: Nested\nDate: 2024-01-02\nTags: t1\nCategory:\n\nx\n",
        "Travel Notes/spaced.md": "Title: Spaced\nDate: 2024-01-01\n\nx\n",
    }
    _, entries = built(tmp_path / "folders", posts)
    assert [[t.term for t in e.tags] for e in entries] == [
        ["misc"],
        ["Mine", "t2"],
        ["b", "t1"],
        ["Travel Notes"],
    ]
    rss = (tmp_path / "folders" / "public" / "rss.xml").read_text(encoding="utf-8")
    assert re.search(r"<category>b</category>\s*<category>t1</category>", rss)
    conf = "DEFAULT_CATEGORY = 'General'\nUSE_FOLDER_AS_CATEGORY = False\n"
    _, entries = built(tmp_path / "default", posts, conf)
    assert [[t.term for t in e.tags] for e in entries] == [
        ["General"],
        ["Mine", "t2"],
        ["General", "t1"],
        ["General"],
    ]
    _, entries = built(tmp_path / "none", posts, "DEFAULT_CATEGORY = ''\n")
    assert [[t.term for t in e.get("tags", [])] for e in entries] == [
        [],
        ["Mine", "t2"],
        ["b", "t1"],
        ["Travel Notes"],
    ]
    # An escape in pelicanconf.py's string (`\\x00`) wrote what no feed carries: the build
    # stopped with lxml's traceback. Left out, as in front matter.
    _, entries = built(tmp_path / "escaped", posts, "DEFAULT_CATEGORY = 'Gen\\x00er\\x1bal'\n")
    assert [t.term for t in entries[0].tags] == ["General"]


DEFAULTS_CONF = (
    "DEFAULT_METADATA = {'status': 'draft', 'tags': 'x; y', 'author': 'Bob',\n"
    "                    'category': 'Ignored'}\n"
)
DEFAULTED = {
    "unfinished.md": "Title: Unfinished\nDate: 2024-01-04\n\nNot ready.\n",
    "empty.md": "Title: Empty status\nDate: 2024-01-03\nStatus:\n\nNot ready.\n",
    "ready.md": "Title: Ready\nDate: 2024-01-02\nStatus: published\nTags: own\nAuthor: Cy\n\nx\n",
    "notes/plain.md": "Title: Plain\nDate: 2024-01-01\nStatus: published\n\nx\n",
}


def test_default_metadata_is_every_articles_unless_its_own_says_otherwise(
    tmp_path: Path,
) -> None:
    # pelicanconf.py's DEFAULT_METADATA as Pelican 4.8 applies it (tests/test_oracles.py
    # builds the same site with Pelican): a draft unless the article says published (an
    # empty `Status:` is as if not written), its tags and author unless the article's own;
    # its category is DEFAULT_CATEGORY's or the folder's, as Pelican applies those after it.
    # Drafts by default were published before.
    said, entries = built(tmp_path, DEFAULTED, DEFAULTS_CONF)
    assert said == ""
    assert [(e.title, [t.term for t in e.tags], e.authors[0].name) for e in entries] == [
        ("Ready", ["misc", "own"], "Cy"),
        ("Plain", ["notes", "x", "y"], "Bob"),
    ]
    # Without it, the next build (from the cache of this one) publishes them all.
    write(tmp_path, {"pelicanconf.py": PELICANCONF})
    again = feedkit(tmp_path, "build")
    assert again.returncode == 0, again.stderr
    feed = feedparser.parse((tmp_path / "public" / "feeds" / "all.atom.xml").read_bytes())
    assert [(e.title, e.authors[0].name) for e in feed.entries] == [
        ("Unfinished", "Ada"),
        ("Empty status", "Ada"),
        ("Ready", "Cy"),
        ("Plain", "Ada"),
    ]


def test_default_metadata_it_cannot_read_stops_the_build_naming_it(tmp_path: Path) -> None:
    # Read, never run: a DEFAULT_METADATA made by a call would be missed, and the drafts it
    # makes published. The build stops at it, naming the file and the line.
    write(tmp_path, {"content/post.md": "Title: Post\nDate: 2024-01-01\n\nx\n"})
    for conf in ("DEFAULT_METADATA = dict(status='draft')\n", "DEFAULT_METADATA = {'x': 1}\n"):
        write(tmp_path, {"pelicanconf.py": PELICANCONF + conf})
        if not (tmp_path / "feedkit.toml").exists():
            assert feedkit(tmp_path, "init").returncode == 0
        stops(
            tmp_path,
            "pelicanconf.py:6: DEFAULT_METADATA: feedkit reads pelicanconf.py without running "
            "it, and reads this setting only as a dict of text written out, e.g. "
            "{'status': 'draft'}",
        )
    assert not (tmp_path / "public").exists()


# Pelican 4.8 reads metadata from an article's file name and path too, under its own
# (FILENAME_METADATA, by default the date a name starts with; PATH_METADATA, none).
NAMED = {
    "2024-01-05-dated-by-name.md": "Title: Dated by name\n\nText.\n",
    "2024-01-06-own-date.md": "Title: Own date\nDate: 2024-02-01 08:00\n\nText.\n",
    "undated.md": "Title: Undated\n\nText.\n",
}


def test_a_file_names_date_is_the_articles_unless_it_gives_its_own(tmp_path: Path) -> None:
    # feedkit skipped the first, warning that Pelican skips an article without a date,
    # which Pelican publishes (tests/test_oracles.py builds such a site with Pelican).
    said, entries = built(tmp_path, NAMED)
    assert said == (
        "content/undated.md: warning: skipped: no date: Pelican skips an article without one "
        "(\"could not find information about 'date'\"); add 'Date: …' to its metadata to "
        "publish it\n"
    )
    assert [(e.title, e.link, e.published) for e in entries] == [
        ("Own date", "https://notes.example.org/own-date.html", "2024-02-01T08:00:00+00:00"),
        (
            "Dated by name",
            "https://notes.example.org/dated-by-name.html",
            "2024-01-05T00:00:00+00:00",
        ),
    ]


def test_filename_and_path_metadata_of_pelicanconf_name_a_posts_slug_and_category(
    tmp_path: Path,
) -> None:
    conf = (
        "FILENAME_METADATA = r'(?P<date>\\d{4}-\\d{2}-\\d{2})_(?P<slug>.*)'\n"
        "PATH_METADATA = r'(?P<category>[^/]+)/'\n"
    )
    posts = {
        "travel/2024-03-01_sea-trip.md": "Title: A trip by sea\n\nText.\n",
        "travel/2024-03-02_own.md": "Title: Own\nSlug: mine\nCategory: Else\n\nText.\n",
    }
    said, entries = built(tmp_path, posts, conf)
    assert said == ""
    assert [(e.link, e.published, [t.term for t in e.tags]) for e in entries] == [
        ("https://notes.example.org/mine.html", "2024-03-02T00:00:00+00:00", ["Else"]),
        ("https://notes.example.org/sea-trip.html", "2024-03-01T00:00:00+00:00", ["travel"]),
    ]
    # Back to Pelican's defaults, the next build (from this one's cache) reads them again:
    # the date a name starts with, no slug (the title's).
    write(tmp_path, {"pelicanconf.py": PELICANCONF})
    again = feedkit(tmp_path, "build")
    assert again.returncode == 0, again.stderr
    feed = feedparser.parse((tmp_path / "public" / "feeds" / "all.atom.xml").read_bytes())
    assert [(e.link, e.published) for e in feed.entries] == [
        ("https://notes.example.org/mine.html", "2024-03-02T00:00:00+00:00"),
        ("https://notes.example.org/a-trip-by-sea.html", "2024-03-01T00:00:00+00:00"),
    ]


def test_a_file_names_date_that_is_no_date_and_a_pattern_it_cannot_read_are_said(
    tmp_path: Path,
) -> None:
    write(tmp_path, {"pelicanconf.py": PELICANCONF})
    write(tmp_path, {"content/2024-13-45-bad.md": "Title: Bad\n\nx\n"})
    assert feedkit(tmp_path, "init").returncode == 0
    done = feedkit(tmp_path, "build")
    assert (done.returncode, done.stderr) == (
        1,
        "content/2024-13-45-bad.md:1: date: the file name's date '2024-13-45' is not a real "
        "date: month must be in 1..12 (pelicanconf.py's FILENAME_METADATA or PATH_METADATA "
        "reads it there); rename the file or add 'Date: …' to its metadata\n"
        "error: 1 problem in the content; nothing was written\n",
    )
    for conf, said in (
        (
            "FILENAME_METADATA = DATE + '.*'\n",
            "FILENAME_METADATA: feedkit reads pelicanconf.py without running it, and reads "
            "this setting only as text written out, e.g. r'(?P<date>\\d{4}-\\d{2}-\\d{2}).*'",
        ),
        (
            "PATH_METADATA = '(?P<category>'\n",
            "PATH_METADATA: not a pattern Python reads: missing ), unterminated subpattern at "
            "position 0",
        ),
    ):
        write(tmp_path, {"pelicanconf.py": PELICANCONF + conf})
        stops(tmp_path, f"pelicanconf.py:6: {said}")
    assert not (tmp_path / "public").exists()


# Pelican 4.8 publishes an article whose `Lang:` is not the site's DEFAULT_LANG at its
# ARTICLE_LANG_URL (by default `{slug}-{lang}.html`): a translation shares its original's
# slug, and both are in the feeds (tests/test_oracles.py builds such a site with Pelican).
TRANSLATED = {
    "hello.md": "Title: Hello\nDate: 2024-01-01\nSlug: hello\n\nBody.\n",
    "hello-fr.md": "Title: Bonjour\nDate: 2024-01-02\nSlug: hello\nLang: fr\n\nCorps.\n",
    "hello-en.md": "Title: Hello again\nDate: 2024-01-03\nSlug: again\nLang: en\n\nBody.\n",
}


def test_an_article_in_another_language_is_at_pelicans_url_for_it(tmp_path: Path) -> None:
    # feedkit gave the translation its original's URL, and stopped at the clash.
    said, entries = built(tmp_path, TRANSLATED)
    assert said == ""
    assert [e.link for e in entries] == [
        "https://notes.example.org/again.html",
        "https://notes.example.org/hello-fr.html",
        "https://notes.example.org/hello.html",
    ]
    # A French site's English translation, at the URL its pelicanconf.py gives them.
    conf = "DEFAULT_LANG = 'fr'\nARTICLE_LANG_URL = '{lang}/{date:%Y}/{slug}.html'\n"
    posts = {
        "bonjour.md": "Title: Bonjour\nDate: 2024-01-01\nSlug: hello\n\nCorps.\n",
        "hello.md": "Title: Hello\nDate: 2024-01-02\nSlug: hello\nLang: en\n\nBody.\n",
    }
    said, entries = built(tmp_path / "fr", posts, conf)
    assert said == ""
    assert [e.link for e in entries] == [
        "https://notes.example.org/en/2024/hello.html",
        "https://notes.example.org/hello.html",
    ]


# Titles with the slug Pelican 4.8 makes of each (fixtures/pelican-slugs/record.py).
PELICAN_SLUGS = json.loads((FIXTURES / "pelican-slugs" / "slugs.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("title", "slugged"), PELICAN_SLUGS)
def test_a_slug_is_pelicans_whatever_letters_the_title_has(title: str, slugged: str) -> None:
    # ß, ø, æ, ł, œ, þ and € were dropped ("strae-und-brucke" for Pelican's
    # "strasse-und-brucke"), other scripts left nothing, a dash at an end went: every such
    # post's entry ID and link changed on the move, new to every subscriber.
    from feedkit.posts.pelicanmeta import slug

    assert slug(title) == slugged
