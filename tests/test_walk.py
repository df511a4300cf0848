"""Which file names are posts, as each generator reads them: a Jekyll site's Markdown is
what its `markdown_ext` names (Jekyll's default "markdown,mkdown,mkdn,mkd,md", in any case),
and any other dated file of its `_posts/` (`.html`, `.txt`, …) is published as written, at
a URL with its ending, as Jekyll 4.3 publishes it; a Hugo site's Markdown ends in .md,
.markdown or .mdown (Hugo 0.111), a Pelican site's in .md, .markdown, .mkd or .mdown
(Pelican 4.8). Through the `feedkit` command, reading the feeds' bytes;
tests/test_oracles.py builds the same with Jekyll itself."""

from __future__ import annotations

from pathlib import Path

import feedparser
from click.testing import CliRunner, Result
from test_postfile import assert_as_jekyll_feed_had, built_post_files

from feedkit.cli import main

from conftest import NOW_ENV, SITE_TOML


def site(tmp_path: Path, files: dict[str, str]) -> Path:
    """Write a site of `files` under content/, beside feedkit.toml; return its folder."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "feedkit.toml").write_text(SITE_TOML + "limit = 50\n", encoding="utf-8")
    for name, text in files.items():
        path = tmp_path / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def run(root: Path, command: str) -> Result:
    return CliRunner().invoke(main, [command, "--config", str(root / "feedkit.toml")], env=NOW_ENV)


def feed(root: Path) -> dict[str, tuple[str, str]]:
    """Return each entry of atom.xml as its title → (link, HTML content)."""
    parsed = feedparser.parse((root / "public" / "atom.xml").read_bytes())
    assert not parsed.bozo
    return {e.title: (e.link, e.content[0].value) for e in parsed.entries}


def post(title: str) -> str:
    return f"---\ntitle: {title}\n---\n*{title}* text.\n"


def test_a_jekyll_sites_markdown_is_what_its_markdown_ext_names(tmp_path: Path) -> None:
    # .mkdn and .mkdown are Markdown to Jekyll by default, and it compares endings in lower
    # case: such posts were missing from the feeds.
    names = ["mkdn", "mkdown", "MD", "Markdown", "md", "markdown", "mkd"]
    files = {f"_posts/2024-01-0{i + 1}-p{n}.{n}": post(n) for i, n in enumerate(names)}
    root = site(tmp_path, {**files, "_config.yml": "title: J\n"})
    built = run(root, "build")
    assert built.exit_code == 0, built.output
    entries = feed(root)
    assert sorted(entries) == sorted(names)
    for i, name in enumerate(names):
        link, html = entries[name]
        assert link == f"https://example.com/blog/2024/01/0{i + 1}/p{name}.html"
        assert f"<em>{name}</em> text." in html


def test_a_jekyll_post_its_markdown_ext_does_not_name_is_published_as_written(
    tmp_path: Path,
) -> None:
    # Jekyll publishes every dated file of _posts/, and converts only its Markdown: a .mdown
    # (not in its default markdown_ext) is published as written, at a URL ending in .mdown,
    # and in jekyll-feed's feed so. feedkit read it as Markdown, at an .html URL.
    files = {
        "_posts/2024-01-02-mdown.mdown": post("mdown"),
        "_posts/2024-01-03-markdown.markdown": post("markdown"),
    }
    root = site(tmp_path, {**files, "_config.yml": "title: J\n"})
    assert run(root, "build").exit_code == 0
    entries = feed(root)
    assert entries["mdown"][0] == "https://example.com/blog/2024/01/02/mdown.mdown"
    assert "*mdown* text." in entries["mdown"][1] and "<em>" not in entries["mdown"][1]
    assert "<em>markdown</em>" in entries["markdown"][1]
    # A site's own markdown_ext: .txt is Markdown, .markdown is not.
    (root / "content" / "_config.yml").write_text("markdown_ext: md,TXT\n", encoding="utf-8")
    (root / "content" / "_posts" / "2024-01-04-text.txt").write_text(post("txt"))
    (root / "content" / "_posts" / "2024-01-05-upper.TXT").write_text(post("TXT"))
    built = run(root, "build")
    assert built.exit_code == 0, built.output
    entries = feed(root)
    assert sorted(entries) == ["TXT", "markdown", "mdown", "txt"]
    assert entries["txt"][0] == "https://example.com/blog/2024/01/04/text.html"
    assert "<em>txt</em>" in entries["txt"][1] and "<em>TXT</em>" in entries["TXT"][1]
    link, html = entries["markdown"]
    assert link == "https://example.com/blog/2024/01/03/markdown.markdown"
    assert "<em>" not in html


def test_a_jekyll_posts_title_from_its_name_has_no_trailing_periods(
    tmp_path: Path,
) -> None:
    # Jekyll drops the periods that end a post's slug: 2024-02-01-the-end...md is "The End"
    # at /the-end.html. feedkit's URL had none, but its title kept them ("The End…", once
    # its dots were typographed).
    site, stderr = built_post_files(tmp_path, CliRunner())
    assert (
        "_posts/2024-02-01-the-end...md:2: warning: no title; feeds show 'The End': add "
        "'title: …' to the front matter"
    ) in stderr
    assert (
        "_posts/2024-02-02-v1.2..md:1: warning: no front matter; feeds show it as Jekyll does, "
        "titled 'V1.2' and dated from its file name: start the file with front matter ('---', "
        "'title: …', '---') to set them"
    ) in stderr
    assert_as_jekyll_feed_had(
        site, ["https://pf.example.org/the-end", "https://pf.example.org/v1.2"]
    )


def test_a_dated_jekyll_post_of_any_ending_is_published_as_written(tmp_path: Path) -> None:
    # Jekyll publishes every dated file of _posts/, whatever its ending: a .txt as written
    # (its text unconverted and unescaped in jekyll-feed's entry), at /plain.txt. feedkit read
    # only Markdown and HTML endings there, so such posts were missing from the feeds.
    runner = CliRunner()
    site, stderr = built_post_files(tmp_path, runner)
    assert_as_jekyll_feed_had(
        site, ["https://pf.example.org/plain", "https://pf.example.org/notes"]
    )
    html = feedparser.parse((site / "public" / "feed.xml").read_bytes()).entries
    (plain,) = [e.content[0].value for e in html if e.link.endswith("/plain.txt")]
    assert "<b>as written</b>: *not* Markdown &amp; not escaped." in plain
    # A dated picture is no UTF-8 text: Jekyll skips it (an error in its log) and builds the
    # rest; feedkit too, and `feedkit check` lists it. An undated picture beside the posts,
    # and an editor's backup, are nothing to Jekyll, nor to feedkit.
    (site / "_posts" / "2024-02-03-plain.txt~").write_text("A backup.\n", encoding="utf-8")
    result = runner.invoke(main, ["check", "--config", str(site / "feedkit.toml")], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    listed = [line for line in result.stderr.splitlines() if ": warning: " not in line]
    assert listed == [
        "_posts/2024-02-05-chart.png: skipped: not UTF-8 text (a picture, say), which Jekyll "
        "skips too ('could not read file'); save it as UTF-8 if it is a post"
    ]
    # Where the ending says the file is text (Markdown, HTML), one not UTF-8 is a mistake.
    (site / "_posts" / "2024-02-10-latin.html").write_bytes(b"<p>caf\xe9</p>\n")
    result = runner.invoke(main, ["build", "--config", str(site / "feedkit.toml")], env=NOW_ENV)
    assert result.exit_code == 1
    assert (
        "_posts/2024-02-10-latin.html:1: is not UTF-8 text (byte 0xE9); save the file as UTF-8"
    ) in result.stderr.splitlines()


def test_hugo_and_pelican_sites_read_their_own_markdown_names(tmp_path: Path) -> None:
    # Hugo 0.111 reads .md, .markdown and .mdown as Markdown, not .mkd; Pelican 4.8 reads
    # .md, .markdown, .mkd and .mdown, not Jekyll's .mkdn. Neither is a post there, and
    # check says why.
    dated = "---\ntitle: {0}\ndate: 2024-01-0{1}\n---\nText.\n"
    names = ["md", "markdown", "mdown", "mkd", "mkdn"]
    files = {f"posts/p{n}.{n}": dated.format(n, i + 1) for i, n in enumerate(names)}
    hugo = site(tmp_path / "hugo", files)
    (hugo / "hugo.toml").write_text('title = "H"\n', encoding="utf-8")
    checked = run(hugo, "check")
    assert checked.exit_code == 0, checked.output
    assert "content/posts/pmkd.mkd: skipped: not a page: Hugo reads a content file as " in (
        checked.stdout + checked.stderr
    )
    assert run(hugo, "build").exit_code == 0
    assert sorted(feed(hugo)) == ["markdown", "md", "mdown"]

    pelican = site(tmp_path / "pelican", files)
    (pelican / "pelicanconf.py").write_text("SITENAME = 'P'\n", encoding="utf-8")
    checked = run(pelican, "check")
    assert checked.exit_code == 0, checked.output
    assert "content/posts/pmkdn.mkdn: skipped: not an article: Pelican reads a file as " in (
        checked.stdout + checked.stderr
    )
    assert run(pelican, "build").exit_code == 0
    assert sorted(feed(pelican)) == ["markdown", "md", "mdown", "mkd"]
