"""What Pelican skips in a Pelican site, feedkit skips, saying so: an article without a title
(a file without metadata: a README.md beside the posts), without a date, or of a status
Pelican does not know. Pelican 4.8 builds the rest and says ERROR for each (its
`Article.is_valid`; tests/test_oracles.py holds this to the real Pelican); `feedkit build`
and `feedkit check` warn, naming the file, and build the rest. Elsewhere such a file is
still an error naming it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from feedkit.cli import main

from conftest import NOW_ENV

PELICANCONF = 'AUTHOR = "x"\nSITENAME = "Notes"\nSITEURL = "https://p.example.org"\n'
HELLO = "Title: Hello\nDate: 2024-01-01\n\nHello, world.\n"
README = "# My notes\n\nWhat this repository holds.\n"


def no_metadata(path: str) -> str:
    """Return the warning for a Pelican site's file without metadata."""
    return (
        f"{path}: warning: skipped: no metadata, so no title: Pelican skips an article without "
        "one (\"could not find information about 'title'\"); start the file with 'Title: …' "
        "and 'Date: …' lines, then a blank line, to publish it, or add its name to "
        "pelicanconf.py's IGNORE_FILES"
    )


def pelican_site(site: Path, files: dict[str, str], conf: str = PELICANCONF) -> Path:
    """Return the feedkit.toml `feedkit init` writes for a Pelican site of `files` (under
    content/, with pelicanconf.py), set up as a user moving over does; every file settled."""
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "pelicanconf.py").write_text(conf, encoding="utf-8")
    for name, text in files.items():
        (site / "content" / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(site), "--author", "x"], input="", env=NOW_ENV)
    assert result.exit_code == 0, result.output
    for path in site.rglob("*"):
        settle(path)
    return site / "feedkit.toml"


def settle(path: Path) -> None:
    """Make a file look written a minute ago: the build cache trusts only settled files."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


def run(command: str, toml: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, [command, "--config", str(toml), *args], env=NOW_ENV)
    return result.exit_code, result.stderr.splitlines()


def entry_titles(feed: Path) -> list[str]:
    text = feed.read_text(encoding="utf-8")
    return [
        entry.split("<title>", 1)[1].split("</title>", 1)[0] for entry in text.split("<entry>")[1:]
    ]


def test_a_readme_without_metadata_is_skipped_with_a_warning_and_the_rest_built(
    tmp_path: Path,
) -> None:
    toml = pelican_site(tmp_path / "site", {"hello.md": HELLO, "README.md": README})
    warning = no_metadata("content/README.md")
    assert run("build", toml) == (0, [warning])
    assert entry_titles(tmp_path / "site" / "public" / "feeds" / "all.atom.xml") == ["Hello"]
    assert run("build", toml) == (0, [warning])  # nothing changed: still said
    assert run("check", toml) == (0, [warning])
    assert run("check", toml) == (0, [warning])  # from the check's cache
    exit_code, said = run("check", toml, "--strict")
    assert exit_code == 1 and said[0] == warning
    # Named in IGNORE_FILES, it is no file of the site: neither Pelican nor feedkit says more.
    conf = tmp_path / "site" / "pelicanconf.py"
    conf.write_text(PELICANCONF + 'IGNORE_FILES = [".#*", "README.md"]\n', encoding="utf-8")
    settle(conf)
    exit_code, said = run("build", toml)
    assert exit_code == 0 and [line for line in said if "README" in line] == []
    assert run("check", toml) == (0, [])
    conf.write_text(PELICANCONF, encoding="utf-8")
    # Not a Pelican site any more: a file without front matter is a mistake to stop at.
    (tmp_path / "site" / "pelicanconf.py").unlink()
    assert run("build", toml) == (
        1,
        [
            "content/README.md:1: has no front matter; start the file with a '---' line, then "
            "'title: …', 'date: …', and close it with another '---' line (or Pelican's "
            "'Title: …' lines, then a blank line)",
            "error: 1 problem in the content; nothing was written",
        ],
    )


def test_an_article_without_a_title_or_a_date_or_of_an_unknown_status_is_skipped_too(
    tmp_path: Path,
) -> None:
    files = {
        "hello.md": HELLO,
        "untitled.md": "Date: 2024-01-02\nTags: notes\n\nNo title.\n",
        "undated.md": "Title: Undated\n\nNo date.\n",
        "bare.md": "Category: notes\n\nNeither.\n",
        "typo.md": "Title: Typo\nDate: 2024-01-03\nStatus: publised\n\nA typo.\n",
        # Not skipped by Pelican: a draft without a date (it dates it last), a status in
        # capitals, a header opened with `---`.
        "idea.md": "Title: Idea\nStatus: draft\n\nLater.\n",
        "shout.md": "Title: Shout\nDate: 2024-01-04\nStatus: Published\n\nLoud.\n",
    }
    toml = pelican_site(tmp_path / "site", files)
    skipped = 'warning: skipped: no {0}: Pelican skips an article without {1} ("could not find '
    assert run("build", toml) == (
        0,
        [
            "content/bare.md: warning: skipped: no title and no date: Pelican skips an "
            "article without them (\"could not find information about 'title'\"); add "
            "'Title: …' and 'Date: …' to its metadata to publish it",
            "content/typo.md: warning: skipped: its status 'publised' is not draft, hidden or "
            "published, and Pelican skips such an article ('Unknown status'); correct its "
            "'Status: …' line to publish it",
            "content/undated.md: "
            + skipped.format("date", "one")
            + "information about 'date'\"); add 'Date: …' to its metadata to publish it",
            "content/untitled.md: "
            + skipped.format("title", "one")
            + "information about 'title'\"); add 'Title: …' to its metadata to publish it",
        ],
    )
    feed = tmp_path / "site" / "public" / "feeds" / "all.atom.xml"
    assert entry_titles(feed) == ["Shout", "Hello"]


# Hugo's and feedkit's front matter, which Pelican does not read: it finds no metadata, so no
# title, and skips the article.
UNREAD_FRONT_MATTER = {
    "hello.md": HELLO,
    "toml.md": '+++\ntitle = "In TOML"\ndate = 2024-01-02\n+++\n\nText.\n',
    "json.md": '{"title": "In JSON", "date": "2024-01-03"}\n\nText.\n',
    "yaml.md": "---\ntitle: In YAML\ndate: 2024-01-04\n---\n\nText.\n",  # read: `Key: value` lines
}


def test_an_article_in_toml_or_json_front_matter_is_skipped_as_pelican_skips_it(
    tmp_path: Path,
) -> None:
    # feedkit published both, which Pelican never did (tests/test_oracles.py builds the site
    # with Pelican 4.8).
    toml = pelican_site(tmp_path / "site", UNREAD_FRONT_MATTER)
    unread = (
        "{0}: warning: skipped: {1} front matter (a first line '{2}'), which Pelican does not "
        'read: it skips the article as one without a title ("could not find information about '
        "'title'\"); write its metadata as Pelican's 'Title: …' and 'Date: …' lines, then a "
        "blank line, to publish it"
    )
    said = [
        unread.format("content/json.md", "JSON", "{"),
        unread.format("content/toml.md", "TOML", "+++"),
    ]
    assert run("build", toml) == (0, said)
    assert run("check", toml) == (0, said)
    feed = tmp_path / "site" / "public" / "feeds" / "all.atom.xml"
    assert entry_titles(feed) == ["In YAML", "Hello"]


def test_with_a_default_date_an_undated_article_is_dated_unless_by_its_file(
    tmp_path: Path,
) -> None:
    # Pelican dates it (DEFAULT_DATE = 'fs': by the file's time), which feedkit does not
    # follow: it is left out with a warning saying so, and the rest built (the build
    # stopped). One with an empty `Date:`, which Pelican skips (an error in its log), too.
    # A warm build sees the setting come.
    toml = pelican_site(tmp_path / "site", {"hello.md": HELLO, "undated.md": "Title: U\n\nx\n"})
    assert run("build", toml)[0] == 0
    assert run("build", toml)[0] == 0
    conf = tmp_path / "site" / "pelicanconf.py"
    conf.write_text(PELICANCONF + 'DEFAULT_DATE = "fs"\n', encoding="utf-8")
    settle(conf)
    (tmp_path / "site" / "content" / "empty.md").write_text("Title: E\nDate:\n\nx\n", "utf-8")
    code, lines = run("build", toml)
    assert code == 0 and lines[:2] == [
        "content/empty.md: warning: skipped: its 'Date:' is empty: Pelican skips such an "
        "article (an error in its log); write its date to publish it",
        "content/undated.md: warning: skipped: no 'Date:', and pelicanconf.py's DEFAULT_DATE "
        "dates it by its file's time ('fs'), which feedkit dates no post by (a checkout or a "
        "copy changes it); add 'Date: …' to its metadata to publish it",
    ]
    (tmp_path / "site" / "content" / "empty.md").unlink()
    # A date or a tuple dates it as Pelican does (`datetime(*DEFAULT_DATE)`, in its zone);
    # each change is seen by the next build, from the cache of the last.
    feed = tmp_path / "site" / "public" / "feeds" / "all.atom.xml"
    for setting, date in (
        ("(2024, 5, 1, 8, 30)", "2024-05-01T08:30"),
        ('"2024-06-02"', "2024-06-02T00:00"),
    ):
        conf.write_text(PELICANCONF + f"DEFAULT_DATE = {setting}\n", encoding="utf-8")
        settle(conf)
        assert run("build", toml)[0] == 0, setting
        published = [
            e.split("<published>", 1)[1][:16] for e in feed.read_text().split("<entry>")[1:]
        ]
        assert published == [date, "2024-01-01T00:00"], setting


def test_a_warm_build_reads_the_posts_again_when_pelicanconfs_timezone_changes(
    tmp_path: Path,
) -> None:
    hello = "Title: Hello\nDate: 2024-01-01 10:00\n\nHello.\n"
    toml = pelican_site(tmp_path / "site", {"hello.md": hello}, PELICANCONF + 'TIMEZONE = "UTC"\n')
    feed = tmp_path / "site" / "public" / "feeds" / "all.atom.xml"
    assert run("build", toml)[0] == 0
    assert run("build", toml)[0] == 0
    assert "<published>2024-01-01T10:00:00+00:00</published>" in feed.read_text()
    conf = tmp_path / "site" / "pelicanconf.py"
    conf.write_text(PELICANCONF + 'TIMEZONE = "Asia/Tokyo"\n', encoding="utf-8")
    settle(conf)
    assert run("build", toml)[0] == 0
    assert "<published>2024-01-01T10:00:00+09:00</published>" in feed.read_text()


def test_articles_are_where_pelicanconfs_paths_say(tmp_path: Path) -> None:
    # Pelican 4.8 reads articles in ARTICLE_PATHS, less ARTICLE_EXCLUDES and PAGE_PATHS
    # (pages), and no file IGNORE_FILES names; `check` lists the others with the reason
    # (not those ignored: they are no files of the site).
    conf = PELICANCONF + (
        'PATH = "content"\nARTICLE_PATHS = ["posts"]\nARTICLE_EXCLUDES = ["posts/old"]\n'
        'PAGE_PATHS = ["about"]\nIGNORE_FILES = [".#*", "*.draft.md"]\n'
    )
    names = ("posts/a", "posts/old/b", "posts/c.draft", "about/me", "notes/d", "pages/e")
    files = {f"{name}.md": f"Title: {name}\nDate: 2024-01-01\n\nText.\n" for name in names}
    site = tmp_path / "site"
    for name in files:
        (site / "content" / name).parent.mkdir(parents=True, exist_ok=True)
    toml = pelican_site(site, files, conf)
    assert run("build", toml) == (0, [])
    assert entry_titles(site / "public" / "feeds" / "all.atom.xml") == ["posts/a"]
    outside = "not an article: pelicanconf.py's ARTICLE_PATHS ('posts') leave it out"
    assert run("check", toml) == (
        0,
        [
            "content/about/me.md: skipped: a page, not a post: Pelican publishes the files "
            "in about/ as pages",
            f"content/notes/d.md: skipped: {outside}",
            f"content/pages/e.md: skipped: {outside}",
            "content/posts/old/b.md: skipped: not an article: pelicanconf.py's "
            "ARTICLE_EXCLUDES leave it out",
        ],
    )
    # Pelican's defaults again: every file but those in pages/ is an article.
    (site / "pelicanconf.py").write_text(PELICANCONF + 'PATH = "content"\n', encoding="utf-8")
    settle(site / "pelicanconf.py")
    assert run("build", toml) == (
        0,
        [
            "note: build cache thrown away: pelicanconf.py's Markdown extensions or its "
            "layout settings changed"
        ],
    )
    titles = entry_titles(site / "public" / "feeds" / "all.atom.xml")
    assert sorted(titles) == ["about/me", "notes/d", "posts/a", "posts/c.draft", "posts/old/b"]


RST = "A post in reST\n##############\n\n:date: 2024-02-02 10:00\n\nText.\n"
HTML = (
    '<html><head><title>A post in HTML</title><meta name="date" content="2024-02-03" />'
    "</head><body><p>Text.</p></body></html>\n"
)


def other_format(path: str, html: bool) -> str:
    """Return the warning for a Pelican site's article that is not Markdown."""
    if html:
        return (
            f"{path}: warning: skipped: an article in HTML, which Pelican publishes (its HTML "
            "reader): feedkit reads Markdown only, so the feeds leave it out; write it in "
            "Markdown to have it in them, or add its name to pelicanconf.py's IGNORE_FILES if "
            "it is no article"
        )
    return (
        f"{path}: warning: skipped: an article in reStructuredText, which Pelican publishes: "
        "feedkit reads Markdown only, so the feeds leave it out; write it in Markdown to have "
        "it in them"
    )


def test_articles_in_restructuredtext_or_html_are_said_to_be_left_out(tmp_path: Path) -> None:
    # Pelican 4.8 publishes both (its RstReader and HTMLReader are on by default); feedkit,
    # which reads Markdown only, left them out of the feeds without a word. A page in
    # pages/ and a file IGNORE_FILES names are no articles: nothing is said of them.
    site = tmp_path / "site"
    (site / "content" / "pages").mkdir(parents=True)
    (site / "content" / "notes").mkdir()
    files = {
        "hello.md": HELLO,
        "notes/rest.rst": RST,
        "page.html": HTML,
        "pages/about.rst": "About\n#####\n\nMe.\n",
        "skip.htm": HTML,
    }
    toml = pelican_site(site, files, PELICANCONF + 'IGNORE_FILES = [".#*", "skip.htm"]\n')
    said = [other_format("content/notes/rest.rst", False), other_format("content/page.html", True)]
    for command in ("build", "build", "check", "check"):  # again: from what was kept
        assert run(command, toml) == (0, said), command
    assert entry_titles(site / "public" / "feeds" / "all.atom.xml") == ["Hello"]
    # The same through the `feedkit` command, which builds without the command line library.
    for command in ("build", "check"):
        done = subprocess.run(
            [sys.executable, "-m", "feedkit", command, "--config", str(toml)],
            capture_output=True,
            text=True,
            env={**os.environ, **NOW_ENV},
            timeout=120,
        )
        assert (done.returncode, done.stderr.splitlines()) == (0, said)
    # Without pelicanconf.py, feedkit's own site: such files are none of its posts.
    (site / "pelicanconf.py").unlink()
    assert run("check", toml) == (0, [])
