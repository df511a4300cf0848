"""Whose site a content folder is (feedkit/posts/sitekind.py), as `feedkit build`, `init`
and `new` show it: one rule, so a post is never laid out as one generator's and read or
templated as another's. Each site here is one that they used to disagree on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from feedkit.cli import main
from feedkit.posts.sitekind import decide, site_kind

from conftest import NOW_ENV, SITE_TOML, MakeSite


def write(site: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def build(site: Path, toml: str = SITE_TOML) -> Result:
    (site / "feedkit.toml").write_text(toml, encoding="utf-8")
    return CliRunner().invoke(main, ["build", "--config", str(site / "feedkit.toml")], env=NOW_ENV)


def atom(site: Path) -> bytes:
    return (site / "public" / "atom.xml").read_bytes()


def warnings(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": warning: " in line]


# GitHub Pages builds a repository with Jekyll unless told not to, and many a Hugo
# repository carries the `_config.yml` its settings page wrote (a theme, nothing else).
PAGES_CONFIG = "theme: jekyll-theme-minimal\n"


def test_a_hugo_site_with_github_pages_config_yml_is_read_as_hugo_reads_it(
    tmp_path: Path,
) -> None:
    # Its posts had Hugo's URLs but Liquid's templates and kramdown's reading: each
    # shortcode was a Liquid syntax error left out, a bare URL stayed text.
    write(
        tmp_path,
        {
            "hugo.toml": 'baseURL = "https://example.com/blog/"\ntitle = "Notes"\n',
            "_config.yml": PAGES_CONFIG,
            "content/posts/first.md": (
                '---\ntitle: "First"\ndate: 2024-05-01\n---\n'
                "Read https://gohugo.io/documentation/ first.\n\n"
                '{{< highlight go >}}\nfmt.Println("hi")\n{{< /highlight >}}\n'
            ),
            "content/about.md": '---\ntitle: "About"\n---\nA page.\n',
        },
    )
    result = build(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    feed = atom(tmp_path)
    assert b"<id>https://example.com/blog/posts/first/</id>" not in feed  # tag: IDs
    assert b'<link href="https://example.com/blog/posts/first/"' in feed  # Hugo's URL
    assert b"About" not in feed  # a page, not a post: Hugo's rules
    # Goldmark's linkify, and the shortcode a code block (Atom escapes the HTML once).
    assert (
        b'Read &lt;a href="https://gohugo.io/documentation/"&gt;'
        b"https://gohugo.io/documentation/&lt;/a&gt; first." in feed
    )
    assert (
        b'&lt;pre&gt;&lt;code class="language-go"&gt;fmt.Println("hi")\n&lt;/code&gt;&lt;/pre&gt;'
        in feed
    )


def test_a_config_yml_without_posts_folder_makes_a_jekyll_site_with_jekyll_feeds_titles(
    tmp_path: Path,
) -> None:
    # Its bodies were read as the site's converter reads them, but its titles were not
    # smartified as jekyll-feed shows them, and a post without a title was an error.
    write(
        tmp_path,
        {
            "_config.yml": "theme: minima\n",
            "content/hello.md": (
                '---\ntitle: "Don\'t say \\"never\\" -- or ..."\ndate: 2024-05-01\n---\nHello.\n'
            ),
            "content/2024-05-02-welcome-to-jekyll.md": "---\nlayout: post\n---\nHi.\n",
            "content/My_Post.Name.md": "---\ntitle: T\ndate: 2024-05-03\n---\nHi.\n",
        },
    )
    result = build(tmp_path)
    assert result.exit_code == 0, result.output
    assert warnings(result) == [
        "content/2024-05-02-welcome-to-jekyll.md:2: warning: no title; feeds show "
        "'Welcome To Jekyll': add 'title: …' to the front matter"
    ]
    feed = atom(tmp_path)
    assert "<title>Don’t say “never” – or …</title>".encode() in feed
    assert b"<title>Welcome To Jekyll</title>" in feed
    # A post outside _posts/ keeps the URL (and so the entry ID) it had: Jekyll's file
    # name rules are its posts' in _posts/.
    assert b"<id>tag:example.com,2024-05-03:/blog/2024/05/03/my-postname.html</id>" in feed


def test_a_pelican_site_with_a_config_yml_follows_its_filename_links(tmp_path: Path) -> None:
    # The layout read it as Pelican's, the templates as Jekyll's: `{filename}` stayed in
    # the link, relative to the post's own address.
    write(
        tmp_path,
        {
            "pelicanconf.py": 'SITENAME = "P"\n',
            "_config.yml": PAGES_CONFIG,
            "content/a.md": "---\ntitle: A\ndate: 2024-05-01\n---\nSee [b]({filename}b.md).\n",
            "content/b.md": "---\ntitle: B\ndate: 2024-05-02\n---\nB.\n",
        },
    )
    result = build(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    feed = atom(tmp_path)
    assert b"filename" not in feed
    assert b'See &lt;a href="https://example.com/blog/2024/05/b/"&gt;b&lt;/a&gt;.' in feed


def test_a_content_folder_that_is_posts_itself_is_read_as_kramdown_reads_it(
    tmp_path: Path,
) -> None:
    # Laid out by Jekyll's rules (its file names date its posts) but read as a plain
    # folder's: kramdown's guillemets were an empty tag, its quotes and dashes straight.
    write(
        tmp_path,
        {
            "_posts/2024-05-01-a-post.md": ('---\ntitle: A\n---\nSay <<hi>> and "so" -- once.\n'),
        },
    )
    result = build(tmp_path, 'content_dir = "_posts"\n' + SITE_TOML)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    feed = atom(tmp_path)
    assert b'<link href="https://example.com/blog/2024/05/01/a-post.html"' in feed
    assert "Say «hi» and “so” – once.".encode() in feed


def test_init_in_a_hugo_site_with_github_pages_config_yml_takes_hugos_settings(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "hugo.toml": 'baseURL = "https://hugo.example.org/"\ntitle = "Hugo Notes"\n',
            "_config.yml": PAGES_CONFIG,
            "content/posts/erster.md": '+++\ntitle = "Erster"\ndate = 2024-05-01\n+++\nText.\n',
        },
    )
    started = subprocess.run(
        [sys.executable, "-m", "feedkit", "init"],
        cwd=tmp_path,
        env={**os.environ, **NOW_ENV},
        input="",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    toml = (tmp_path / "feedkit.toml").read_text(encoding="utf-8")
    assert 'title = "Hugo Notes"' in toml
    assert 'base_url = "https://hugo.example.org/"' in toml
    built = subprocess.run(
        [sys.executable, "-m", "feedkit", "build"],
        cwd=tmp_path,
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    items = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    assert [item["url"] for item in items] == ["https://hugo.example.org/posts/erster/"]


def test_new_in_a_hugo_site_with_github_pages_config_yml_writes_where_hugo_reads(
    tmp_path: Path,
) -> None:
    # It wrote content/_posts/DATE-slug.md: that _posts/ made the whole site Jekyll's at
    # the next build, and every other post a page left out of the feeds.
    write(
        tmp_path,
        {
            "hugo.toml": 'baseURL = "https://example.com/blog/"\ntitle = "Notes"\n',
            "_config.yml": PAGES_CONFIG,
            "content/posts/first.md": '---\ntitle: "First"\ndate: 2024-05-01\n---\nHi.\n',
        },
    )
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    config = ["--config", str(tmp_path / "feedkit.toml")]
    made = CliRunner().invoke(main, ["new", "Second post", *config], env=NOW_ENV)
    assert made.exit_code == 0, made.output
    assert not (tmp_path / "content" / "_posts").exists()
    assert (tmp_path / "content" / "posts" / "second-post.md").is_file()
    result = build(tmp_path)
    assert result.exit_code == 0, result.output
    feed = atom(tmp_path)
    assert b'<link href="https://example.com/blog/posts/first/"' in feed
    assert b'<link href="https://example.com/blog/posts/second-post/"' in feed


def test_a_hugo_configuration_added_beside_a_config_yml_reads_the_site_afresh(
    tmp_path: Path,
) -> None:
    # The build cache keeps each post's reading by what decided it: once hugo.toml comes,
    # the same files are Hugo's, and the kept build is what a cold one makes.
    files = {
        "_config.yml": PAGES_CONFIG,
        "content/posts/first.md": (
            '---\ntitle: "It\'s -- first"\ndate: 2024-05-01\n---\nRead https://gohugo.io/ first.\n'
        ),
    }
    kept, cold = tmp_path / "kept", tmp_path / "cold"
    write(kept, files)
    assert build(kept).exit_code == 0
    jekylls = atom(kept)
    assert "<title>It’s – first</title>".encode() in jekylls  # jekyll-feed's smartify
    assert b"Read https://gohugo.io/ first." in jekylls  # kramdown makes no link
    hugo = {"hugo.toml": 'baseURL = "https://example.com/blog/"\ntitle = "Notes"\n'}
    write(kept, hugo)
    write(cold, {**files, **hugo})
    result = build(kept)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("note: build cache thrown away: ")
    assert "a Hugo or Pelican configuration beside the content folder came" in result.stderr
    assert warnings(result) == []
    assert build(cold).exit_code == 0
    assert atom(kept) == atom(cold)
    assert b"<title>It's -- first</title>" in atom(kept)  # Hugo's feeds keep the title
    assert b'&lt;a href="https://gohugo.io/"&gt;' in atom(kept)  # Goldmark's linkify


def test_new_in_a_content_folder_that_is_posts_itself_writes_a_jekyll_named_post_there(
    tmp_path: Path,
) -> None:
    # It wrote _posts/hello-there.md, which Jekyll's rules (and so the build) pass over:
    # a post in _posts/ is named by its date.
    write(tmp_path, {"_posts/2024-05-01-first.md": "---\ntitle: First\n---\nHi.\n"})
    (tmp_path / "feedkit.toml").write_text('content_dir = "_posts"\n' + SITE_TOML, "utf-8")
    config = ["--config", str(tmp_path / "feedkit.toml")]
    made = CliRunner().invoke(main, ["new", "Hello there", *config], env=NOW_ENV)
    assert made.exit_code == 0, made.output
    assert sorted(p.name for p in (tmp_path / "_posts").iterdir()) == [
        "2024-05-01-first.md",
        "2026-11-22-hello-there.md",
    ]
    result = build(tmp_path, 'content_dir = "_posts"\n' + SITE_TOML)
    assert result.exit_code == 0, result.output
    assert b"<title>Hello there</title>" in atom(tmp_path)


def test_whose_site_it_is_by_what_is_found_first() -> None:
    # (posts in _posts/, Hugo configuration, pelicanconf.py, _config.yml, _index.md pages)
    cases = {
        (True, True, True, True, True): "jekyll",  # Hugo never names posts by their date
        (False, True, True, True, True): "hugo",  # GitHub Pages' _config.yml beside it
        (False, False, True, True, True): "pelican",
        (False, False, False, True, True): "jekyll",  # _posts/ or not
        (False, False, False, False, True): "hugo",  # a content/ copied alone
        (False, False, False, False, False): "feedkit",
    }
    for (posts, hugo, pelican, jekyll, sections), kind in cases.items():
        found = decide(
            posts_folder=posts,
            hugo_config=hugo,
            pelican_config=pelican,
            jekyll_config=jekyll,
            section_pages=sections,
        )
        assert found == kind


def test_a_jekyll_site_is_known_by_its_posts_folder_or_its_config_yml(
    make_site: MakeSite,
) -> None:
    cfg = make_site(posts={"b.md": "x"})
    assert site_kind(cfg, ["b.md"], "").name == "feedkit"
    assert site_kind(cfg, ["_posts/2024-01-01-a.md", "b.md"], "").name == "jekyll"
    assert site_kind(cfg, ["posts/_index.md", "posts/b.md"], "").name == "hugo"
    (cfg.root / "_config.yml").write_text("title: x\n", encoding="utf-8")
    assert site_kind(cfg, ["posts/_index.md", "b.md"], "").name == "jekyll"
    (cfg.root / "hugo.toml").write_text('title = "x"\n', encoding="utf-8")
    kind = site_kind(cfg, ["b.md"], "")
    assert (kind.name, kind.hugo_configured) == ("hugo", True)
