"""Whose site a content folder is (feedkit/posts/sitekind.py), as `feedkit build` shows it:
one rule, so a post is never laid out as one generator's and read or templated as another's.
Each site here is one that the layout and the templates used to disagree on."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from feedkit.cli import main

from conftest import NOW_ENV, SITE_TOML


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
