"""A Jekyll site's posts read with the Markdown converter its `_config.yml` names: kramdown
(Jekyll's default, its GFM input with `hard_wrap`), or cmark-gfm through jekyll-commonmark
(`markdown: CommonMark`, `CommonMarkGhPages`, GitHub Pages' `GFM`) with its `commonmark:`
options and extensions (`autolink` makes bare URLs links); a converter feedkit does not know
is a warning. Through `feedkit build` on small sites, reading the feeds' bytes."""

from __future__ import annotations

import html
import json
import re

import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main
from feedkit.config import Config

from conftest import NOW_ENV, SITE_TOML, MakeSite

POST = "_posts/2024-02-01-converters.md"


def build(make_site: MakeSite, config_yml: str, body: str, *args: str) -> tuple[Config, Result]:
    """Build a Jekyll site of one post (`body` under a title with quotes in it) whose
    `_config.yml` is `config_yml`, with `feedkit build`."""
    post = f"---\ntitle: \"The 'real' title\"\n---\n{body}"
    cfg = make_site(posts={"_config.yml": config_yml, POST: post}, toml=SITE_TOML)
    config = str(cfg.root / "feedkit.toml")
    return cfg, CliRunner().invoke(main, ["build", *args, "--config", config], env=NOW_ENV)


def atom_content(cfg: Config) -> str:
    """Return the HTML of the one entry of the site's atom.xml, as its bytes give it (as
    escaped text, or inline XHTML when the post has math)."""
    data = (cfg.output_path / "atom.xml").read_bytes().decode("utf-8")
    ((kind, content),) = re.findall(r'<content type="(x?html)">(.*?)</content>', data, re.DOTALL)
    return html.unescape(content) if kind == "html" else content


KRAMDOWN_ONLY = """\
Opening paragraph.
{: .notice}

Inline $$a$$ math, *HTML* and a stray{: .x} list.

*[HTML]: Hyper Text Markup Language

Term
: Its definition

## Heading {#own-id}

| a | b |
|---|---|
| 1 | 2 |

Note[^1] and ~~struck~~.

[^1]: The note.
"""


def test_commonmark_site_reads_kramdown_syntax_as_cmark_does(make_site: MakeSite) -> None:
    # jekyll-commonmark with no `commonmark:` block: none of kramdown's additions, and none
    # of cmark-gfm's extensions (tables, footnotes, strikethrough) either.
    cfg, result = build(make_site, "markdown: CommonMark\n", KRAMDOWN_ONLY)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # `{: .x}` is text here, not kramdown not understood
    entry = atom_content(cfg)
    assert "<p>Opening paragraph.\n{: .notice}</p>" in entry
    assert 'class="notice"' not in entry and "<abbr" not in entry and "<dl>" not in entry
    assert "*[HTML]: Hyper Text Markup Language" in entry
    assert "stray{: .x} list" in entry
    assert "<h2>Heading {#own-id}</h2>" in entry
    assert "<table>" not in entry and "| a | b |" in entry
    assert "~~struck~~" in entry and "Note[^1]" in entry
    # `$$…$$` is display math as pulldown-cmark reads it, not kramdown's inline rule.
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in entry
    assert 'display="inline"' not in entry
    check = CliRunner().invoke(
        main, ["check", "--strict", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
    )
    assert check.exit_code == 0, check.output


def test_commonmark_extensions_and_options_are_read(make_site: MakeSite) -> None:
    config_yml = (
        "markdown: CommonMarkGhPages\ncommonmark:\n  options: [footnotes, UNSAFE]\n"
        "  extensions: [strikethrough, table]\n"
    )
    html_block = '\n<div class="box">\nTop.\n\n    indented\n</div>\n'
    body = KRAMDOWN_ONLY + "\nRaw <b>bold</b> HTML.\n" + html_block
    cfg, result = build(make_site, config_yml, body)
    assert result.exit_code == 0, result.output
    entry = atom_content(cfg)
    assert "<table>" in entry and "<del>struck</del>" in entry
    assert 'class="footnotes"' in entry
    assert "<b>bold</b>" in entry  # UNSAFE keeps raw HTML
    assert "{: .notice}" in entry
    # cmark-gfm ends the HTML block at the blank line: the indented line is code.
    assert '<div class="box">\nTop.\n' in entry and "<pre><code>indented\n</code></pre>" in entry


def test_cmark_leaves_raw_html_out_without_unsafe(make_site: MakeSite) -> None:
    body = (
        'Raw <b>bold</b> HTML.\n\n<div class="box">\nIn a box.\n</div>\n\n'
        "<small>Thanks to Ann,\nBo and Cy</small>\n\nAfter.\n"
    )
    cfg, result = build(make_site, "markdown: CommonMark\n", body)
    assert result.exit_code == 0, result.output
    entry = atom_content(cfg)
    assert "Raw bold HTML." in entry and "After." in entry
    assert "<p>Thanks to Ann,\nBo and Cy</p>" in entry  # one paragraph still
    assert "<b>" not in entry and "box" not in entry and "In a box." not in entry


def test_github_pages_gfm_is_commonmarkghpages_with_its_own_settings(
    make_site: MakeSite,
) -> None:
    # pages-gem sets `commonmark:` itself for `markdown: GFM`: the site's block is not read.
    config_yml = "markdown: GFM\ncommonmark:\n  options: [SMART]\n"
    body = KRAMDOWN_ONLY + '\nRaw <b>bold</b>, "quoted", at https://example.org/x.\n'
    cfg, result = build(make_site, config_yml, body)
    assert result.exit_code == 0, result.output
    entry = atom_content(cfg)
    assert "<table>" in entry and "<del>struck</del>" in entry and 'class="footnotes"' in entry
    assert "<b>bold</b>" in entry and "{: .notice}" in entry
    assert '"quoted"' in entry  # no SMART: the site's own block is not read
    # Its `autolink` extension makes the bare URL a link, the full stop after it left out.
    assert 'at <a href="https://example.org/x">https://example.org/x</a>.' in entry


def test_smart_typography_follows_the_commonmark_options(make_site: MakeSite) -> None:
    body = 'She said "it\'s fine" -- twice...\n'
    for options, quoted in (("[SMART]", "She said “it’s fine” – twice…"), ("[]", None)):
        config_yml = f"markdown: CommonMark\ncommonmark:\n  options: {options}\n"
        cfg, result = build(make_site, config_yml, body)
        assert result.exit_code == 0, result.output
        item = json.loads((cfg.output_path / "feed.json").read_bytes())["items"][0]
        shown = quoted or 'She said "it\'s fine" -- twice...'
        assert item["content_html"] == f"<p>{shown}</p>\n" and item["summary"] == shown
        # The title is jekyll-feed's `smartify`, which is kramdown's whatever the converter.
        assert item["title"] == "The ‘real’ title"


def test_kramdown_hard_wrap_makes_each_line_break_a_br(make_site: MakeSite) -> None:
    body = "One line\nand the next *one\nhere*.\n\n```\ncode\nlines\n```\n"
    for config_yml, wrapped in (
        ("kramdown:\n  hard_wrap: true\n", True),
        ("markdown: kramdown\n", False),  # Jekyll's default: hard_wrap false
        ("kramdown:\n  input: kramdown\n  hard_wrap: true\n", False),  # a GFM option
        ("markdown: CommonMark\ncommonmark:\n  options: [HARDBREAKS]\n", True),
    ):
        cfg, result = build(make_site, config_yml, body)
        assert result.exit_code == 0, result.output
        html = json.loads((cfg.output_path / "feed.json").read_bytes())["items"][0]
        html = html["content_html"]
        assert ("One line<br>\nand the next <em>one<br>\nhere</em>." in html) is wrapped
        assert ("One line\nand the next <em>one\nhere</em>." in html) is not wrapped
        assert "<code>code\nlines\n</code>" in html, config_yml


def test_unknown_converter_is_a_warning_and_posts_read_as_kramdown(
    make_site: MakeSite,
) -> None:
    config_yml = "title: Blog\nmarkdown: MyConverter\n"
    cfg, result = build(make_site, config_yml, "Opening.\n{: .notice}\n")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "content/_config.yml:2: warning: markdown: 'MyConverter' is a Markdown converter "
        "feedkit does not know (it knows kramdown, CommonMark, CommonMarkGhPages and GFM); "
        "posts are read as kramdown reads them\n"
    )
    assert '<p class="notice">Opening.</p>' in atom_content(cfg)
    check = CliRunner().invoke(
        main, ["check", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
    )
    assert check.exit_code == 0 and check.stderr == result.stderr
    _, strict = build(make_site, config_yml, "Opening.\n{: .notice}\n", "--strict")
    assert strict.exit_code == 1 and "markdown: 'MyConverter'" in strict.stderr


# The GFM spec's examples of its autolink extension ("Autolinks (extension)"), a URL typed
# with an escape, and where none is made: code, a link's text, after an open `[`.
GFM_AUTOLINKS = """\
Visit www.commonmark.org/help for more information.

Visit www.commonmark.org. Visit www.commonmark.org/a.b.

www.google.com/search?q=Markup+(business)))

(www.google.com/search?q=Markup+(business))

www.google.com/search?q=commonmark&hl;

(Visit https://encrypted.google.com/search?q=Markup+(business))

Mail foo@bar.baz. hello@mail+xyz.example isn't valid, but hello+xyz@mail.example is.

a.b-c_d@a.b- and a.b-c_d@a.b_ are not addresses; mailto:foo@bar.baz is one.

Typed so: https://example.org/snake_case\\_name/ *www.example.org/em*

Not `https://example.org/code`, nor [the https://example.org/text](https://example.com/),
nor [this https://example.org/bracketed], nor

```
https://example.org/block
```
"""


def test_gfm_site_makes_bare_urls_links_as_cmark_gfm_does(make_site: MakeSite) -> None:
    cfg, result = build(make_site, "markdown: GFM\n", GFM_AUTOLINKS)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    entry = atom_content(cfg)
    business = "www.google.com/search?q=Markup+(business)"
    for shown in (
        # www. made http://; trailing punctuation, an unbalanced `)` and `&hl;` left out.
        'Visit <a href="http://www.commonmark.org/help">www.commonmark.org/help</a> for more',
        'Visit <a href="http://www.commonmark.org">www.commonmark.org</a>. Visit '
        '<a href="http://www.commonmark.org/a.b">www.commonmark.org/a.b</a>.</p>',
        f'<p><a href="http://{business}">{business}</a>))</p>',
        f'<p>(<a href="http://{business}">{business}</a>)</p>',
        '<a href="http://www.google.com/search?q=commonmark">www.google.com/search?q=commonmark'
        "</a>&amp;hl;</p>",
        '(Visit <a href="https://encrypted.google.com/search?q=Markup+(business)">'
        "https://encrypted.google.com/search?q=Markup+(business)</a>)</p>",
        # E-mail addresses: mailto: added, or typed.
        'Mail <a href="mailto:foo@bar.baz">foo@bar.baz</a>. hello@mail+xyz.example isn\'t '
        'valid, but <a href="mailto:hello+xyz@mail.example">hello+xyz@mail.example</a> is.',
        "<p>a.b-c_d@a.b- and a.b-c_d@a.b_ are not addresses; "
        '<a href="mailto:foo@bar.baz">mailto:foo@bar.baz</a> is one.</p>',
        # The link shows what was typed, its backslash too, as cmark-gfm reads the source.
        '<a href="https://example.org/snake_case%5C_name/">https://example.org/snake_case\\_name/'
        '</a> <em><a href="http://www.example.org/em">www.example.org/em</a></em>',
        "Not <code>https://example.org/code</code>, nor "
        '<a href="https://example.com/">the https://example.org/text</a>,\n'
        "nor [this https://example.org/bracketed], nor</p>",
        "<pre><code>https://example.org/block\n</code></pre>",
    ):
        assert shown in entry, shown
    assert entry.count("<a ") == 13


def test_commonmark_autolink_extension_is_read_where_listed(make_site: MakeSite) -> None:
    body = "See www.example.org/a, <span>https://example.org/b</span> or ann@example.org.\nOn.\n"
    linked = (
        'See <a href="http://www.example.org/a">www.example.org/a</a>, '
        '<a href="https://example.org/b">https://example.org/b</a> or '
        '<a href="mailto:ann@example.org">ann@example.org</a>.<br>\nOn.'
    )
    # With HARDBREAKS and raw HTML left out (no UNSAFE) too.
    listed = "markdown: CommonMark\ncommonmark:\n  extensions: autolink\n  options: [hardbreaks]\n"
    for config_yml, links in (
        (listed, True),
        ("markdown: CommonMarkGhPages\ncommonmark:\n  extensions: [table, strikethrough]\n", False),
        ("markdown: kramdown\n", False),
        ("title: Blog\n", False),
    ):
        cfg, result = build(make_site, config_yml, body)
        assert result.exit_code == 0, result.output
        html = json.loads((cfg.output_path / "feed.json").read_bytes())["items"][0]
        html = html["content_html"]
        assert (linked in html) is links, config_yml
        if not links:  # bare URLs and addresses stay text
            assert "<a " not in html and "See www.example.org/a, " in html, config_yml
            assert "https://example.org/b" in html and " or ann@example.org." in html


def test_a_config_yml_that_cannot_be_read_is_an_error_not_kramdown(make_site: MakeSite) -> None:
    # A CommonMark site whose _config.yml had a YAML slip was read as kramdown reads it,
    # with no word at all: its posts got kramdown's additions and Jekyll's default URLs.
    broken = "markdown: CommonMark\npermalink: /:title/\nexclude:\n  - a\n - b\n"
    cfg, result = build(make_site, broken, "Text.\n")
    assert result.exit_code == 1
    assert result.stderr.startswith("content/_config.yml:5: cannot be read (")
    assert not (cfg.output_path / "atom.xml").exists()
    # Not UTF-8: said with where it fails, not read as empty.
    (cfg.content_path / "_config.yml").write_bytes(b"title: Caf\xe9\nmarkdown: CommonMark\n")
    result = CliRunner().invoke(
        main, ["check", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "content/_config.yml: cannot be read: it is not UTF-8 (invalid continuation byte at "
        "byte 10)\n"
    )
    # An empty one is Jekyll's defaults, as Jekyll reads it.
    cfg, result = build(make_site, "", "Text.\n")
    assert result.exit_code == 0, result.output


def test_single_tildes_strike_through_only_where_the_converter_does(make_site: MakeSite) -> None:
    # kramdown's GFM parser strikes `~~x~~` only: `~x~` reached feeds struck through.
    body = "Was ~old~, now ~~gone~~.\n"
    cfg, result = build(make_site, "title: K\n", body)
    assert result.exit_code == 0, result.output
    assert "<p>Was ~old~, now <del>gone</del>.</p>" in atom_content(cfg)
    # cmark-gfm strikes both, unless its STRIKETHROUGH_DOUBLE_TILDE option says otherwise.
    gfm = "markdown: CommonMark\ncommonmark:\n  extensions: [strikethrough]\n"
    cfg, result = build(make_site, gfm, body)
    assert "<p>Was <del>old</del>, now <del>gone</del>.</p>" in atom_content(cfg)
    double = gfm + "  options: [STRIKETHROUGH_DOUBLE_TILDE]\n"
    cfg, result = build(make_site, double, body)
    assert "<p>Was ~old~, now <del>gone</del>.</p>" in atom_content(cfg)


def test_a_decade_takes_an_apostrophe_in_kramdowns_smart_quotes(make_site: MakeSite) -> None:
    # kramdown's smart_quotes make `'90s` ’90s (its rule for decade abbreviations), in the
    # body and, through jekyll-feed's smartify, in the title; feedkit opened a quote.
    post = "---\ntitle: \"The '80s, 'revisited'\"\n---\nMusic of the '90s.\n"
    cfg = make_site(posts={"_config.yml": "title: K\n", POST: post}, toml=SITE_TOML)
    config = str(cfg.root / "feedkit.toml")
    result = CliRunner().invoke(main, ["build", "--config", config], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert "<p>Music of the ’90s.</p>" in atom_content(cfg)
    data = (cfg.output_path / "atom.xml").read_bytes().decode("utf-8")
    assert "<title>The ’80s, ‘revisited’</title>" in data


def test_jekylls_own_config_file_is_read_yml_else_yaml_else_toml(make_site: MakeSite) -> None:
    # Jekyll reads _config.yml, else _config.yaml, else _config.toml (configuration.rb
    # `config_files`): a site whose settings are in either of the others had Jekyll's
    # default URLs and converter in its feeds.
    post = f"---\ntitle: Names\n---\n{KRAMDOWN_ONLY}"
    toml = SITE_TOML + "limit = 5\n"
    for name, text, path in [
        ("_config.yaml", "permalink: /yaml/:title/\nmarkdown: CommonMark\n", "yaml"),
        ("_config.toml", 'permalink = "/toml/:title/"\nmarkdown = "CommonMark"\n', "toml"),
    ]:
        cfg = make_site(posts={name: text, POST: post}, toml=toml)
        config = str(cfg.root / "feedkit.toml")
        result = CliRunner().invoke(main, ["build", "--config", config], env=NOW_ENV)
        assert result.exit_code == 0, result.output
        data = (cfg.output_path / "atom.xml").read_text(encoding="utf-8")
        assert f'href="https://example.com/blog/{path}/converters/"' in data, name
        assert "{: .notice}" in atom_content(cfg), name  # cmark-gfm's, not kramdown's
        (cfg.content_path / name).unlink()
    # _config.yml first: the others are not read then.
    cfg = make_site(
        posts={
            "_config.yml": "permalink: /yml/:title/\n",
            "_config.toml": 'permalink = "/toml/:title/"\n',
            POST: post,
        },
        toml=toml,
    )
    result = CliRunner().invoke(main, ["build", "--config", str(cfg.root / "feedkit.toml")])
    assert result.exit_code == 0, result.output
    assert (
        'href="https://example.com/blog/yml/converters/"'
        in (cfg.output_path / "atom.xml").read_text()
    )


def test_a_config_toml_or_yaml_that_cannot_be_read_is_an_error_at_its_line(
    make_site: MakeSite,
) -> None:
    for name, broken, said in [
        ("_config.toml", 'permalink = "/:title/"\nmarkdown = CommonMark\n', ":2: cannot be read ("),
        ("_config.toml", 'permalink = "/:title/"\nexclude = [\n', ":2: cannot be read ("),
        ("_config.yaml", "markdown: CommonMark\nexclude:\n  - a\n - b\n", ":4: cannot be read ("),
    ]:
        cfg = make_site(posts={name: broken, POST: "---\ntitle: T\n---\nText.\n"})
        config = str(cfg.root / "feedkit.toml")
        for command in ("build", "check"):
            result = CliRunner().invoke(main, [command, "--config", config], env=NOW_ENV)
            assert result.exit_code == 1, (name, broken)
            assert result.stderr.startswith(f"content/{name}{said}"), result.stderr
        assert not (cfg.output_path / "atom.xml").exists()
        (cfg.content_path / name).unlink()


@pytest.mark.parametrize(
    ("value", "levels"),
    [
        (None, ()),
        ("1..3", (1, 2, 3)),
        ("1", (1,)),
        (2, (2,)),
        ("2,4", (2, 4)),
        ([2, "4..5"], (2, 4, 5)),
        ("1..9", (1, 2, 3, 4, 5, 6)),
        ("all", ()),  # not kramdown's: every level, as its default
    ],
)
def test_kramdown_toc_levels_are_read_as_kramdown_reads_them(value: object, levels: tuple) -> None:
    from feedkit.posts.jekyllreading import toc_levels

    assert toc_levels(value) == levels
