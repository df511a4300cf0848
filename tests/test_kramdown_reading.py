"""A Jekyll post reads in feeds as kramdown (Jekyll's default converter, its GFM input)
reads it where pulldown-cmark reads it otherwise: no `1)` lists, tables only after a blank
line and before one, fences no fence closes as text, kramdown's strikethrough of `~~~x~~~`
and its smart quotes (`'tis` is ‘tis, an unclosed quotation opens with “).
Compared with what kramdown 2.4 made of each case (tests/fixtures/kramdown-reading), as a
reader sees it: its elements and text, not its spacing or classes; the IDs of headings a table
of contents links to, and its links."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.posts.jekyllreading import jekyll_reading
from feedkit.posts.kramdown_quotes import kramdown_quotes, may_differ
from feedkit.posts.kramdown_reading import as_kramdown, needs_rewrite
from feedkit.posts.markup import render_html, smartify
from feedkit.posts.reading import PLAIN

from conftest import FIXTURES, NOW_ENV, SITE_TOML, MakeSite, built_item

CASES = json.loads((FIXTURES / "kramdown-reading" / "cases.json").read_text("utf-8"))
TITLES = json.loads((FIXTURES / "kramdown-reading" / "smartify.json").read_text("utf-8"))
# Titles with what jekyll-feed writes of them (`smartify | strip_html | normalize_whitespace`):
# HTML, which a feed reader shows as text.
FEED_TITLES = json.loads(
    (FIXTURES / "kramdown-reading" / "jekyll-feed-titles.json").read_text("utf-8")
)
JEKYLL = jekyll_reading(None, None, {})[0]  # type: ignore[arg-type]  # no config: defaults
_SHOWN = {"p", "h1", "h2", "h3", "table", "thead", "tr", "th", "td", "ol", "ul", "li", "pre"}
_SHOWN |= {"code", "del", "em", "strong", "blockquote", "br", "dl", "dt", "dd"}
_VOID = {"br", "img", "input", "hr"}


class _Shown(HTMLParser):
    """The elements and text of HTML; of footnotes, which kramdown and feedkit mark up each
    its own way, each note's text and each reference as `[note]`."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.open: list[str] = []  # the elements around, "note"/"ref" for footnotes' own

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        kind = found.get("class") or ""
        ref = "footnote-ref" in kind or found.get("role") == "doc-noteref"
        if tag in _VOID:
            pass
        elif tag == "sup" and ref:
            self.open.append("ref")
            self.parts.append("[note]")
        elif tag == "div" and "footnote" in kind:
            self.open.append("note")
        else:
            self.open.append(tag)
        if tag in _SHOWN and not self._in("note", "ref"):
            start = found.get("start") if tag == "ol" else None  # kramdown's start from 1
            self.parts.append(f'<{tag} start="{start}">' if start else f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.open:
            self.open.pop()
        if tag in _SHOWN and not self._in("note", "ref"):
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self._in("ref") and (not self._in("note") or self.open[-1:] == ["p"]):
            self.parts.append(data)

    def _in(self, *kinds: str) -> bool:
        return any(kind in self.open for kind in kinds)


def shown(html_text: str) -> str:
    """Return what a reader sees of `html_text`: its elements and text, spacing apart."""
    parser = _Shown()
    parser.feed(html_text)
    parser.close()
    seen = re.sub(r"\s+", " ", re.sub(r">\s+<", "><", "".join(parser.parts))).strip()
    return re.sub(r" (</(?:p|li|dt|dd|td|th|h[1-6])>)", r"\1", seen)  # space no one sees


def _code_blocks(html_text: str) -> list[str]:
    """Return the text of each code block in `html_text`."""
    found = re.findall(r"<pre><code[^>]*>(.*?)</code></pre>", html_text, re.DOTALL)
    return [unescape(code) for code in found]


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_a_jekyll_post_reads_as_kramdown_reads_it(case: dict) -> None:
    html = render_html(case["markdown"], "https://example.com/", "p", reading=JEKYLL)
    assert shown(html) == shown(case["kramdown"])
    # A code block's text is kramdown's line for line (its spacing is what a reader sees).
    assert _code_blocks(html) == _code_blocks(case["kramdown"])
    # Headings have IDs where a table of contents links to them: those of the site, so
    # that its links work there too.
    ids = re.findall(r'<h[1-6][^>]* id="([^"]*)"', html)
    assert ids == ([] if not ids else re.findall(r'<h[1-6][^>]* id="([^"]*)"', case["kramdown"]))
    toc = r'href="{}#([^"]*)" id="markdown-toc-'
    links = [unquote(link) for link in re.findall(toc.format("https://example.com/"), html)]
    assert links == re.findall(toc.format(""), case["kramdown"])


def test_the_recorded_cases_are_what_kramdown_makes(tmp_path: Path) -> None:
    # The cases' HTML is kramdown's own: record.rb, run again by the kramdown installed,
    # makes the same. Skipped without Ruby's kramdown and kramdown-parser-gfm (a failure
    # under .ci/run, which installs them with Jekyll).
    loads = (
        shutil.which("ruby") is not None
        and not subprocess.run(
            ["ruby", "-e", "require 'kramdown'; require 'kramdown-parser-gfm'"], capture_output=True
        ).returncode
    )
    if not loads:
        why = "Ruby's kramdown is not installed (apt-get install ruby-kramdown-parser-gfm)"
        if os.environ.get("FEEDKIT_CI") == "1":
            pytest.fail(why + "; .ci/run should have installed it")
        pytest.skip(why)
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps(CASES), "utf-8")
    record = FIXTURES / "kramdown-reading" / "record.rb"
    subprocess.run(["ruby", str(record), str(cases)], check=True, capture_output=True)
    made = {case["case"]: case["kramdown"] for case in json.loads(cases.read_text("utf-8"))}
    assert made == {case["case"]: case["kramdown"] for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_the_quick_look_finds_every_rewrite(case: dict) -> None:
    text = case["markdown"]
    if as_kramdown(text, PLAIN.options) != text:
        assert needs_rewrite(text)
    if kramdown_quotes(text, JEKYLL.options) != text:
        assert may_differ(text)


def test_text_without_what_kramdown_reads_otherwise_is_not_read_for_it() -> None:
    text = "1. one\n2. two\n\n```\ncode\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~\n"
    assert not needs_rewrite(text.replace("| a | b |\n|---|---|\n| 1 | 2 |\n", "No table.\n"))
    assert as_kramdown(text, PLAIN.options) is text
    quotes = "It's \"quoted\", the dogs' bowls and O'Neil's, as pulldown-cmark pairs them.\n"
    assert not may_differ(quotes)


def test_an_attribute_list_below_an_element_is_the_next_paragraphs_as_in_kramdown() -> None:
    # kramdown ends `<div>` at its end tag, so the paragraph right below it, and the
    # attribute list under that, are Markdown; feedkit read the list as inside the HTML,
    # dropped it and warned so.
    from feedkit.posts import kramdown

    for element in ('<div class="note">\ntext\n</div>', "<div>\n</div>", "<div>x</div>"):
        text = f"{element}\n*em*\n{{: .klass}}\n"
        assert kramdown.warnings(text) == (), element
        html = render_html(text, "https://example.com/", "p", reading=JEKYLL)
        assert '<p class="klass"><em>em</em></p>' in html, element
    # Inside the element it is still HTML's, as in kramdown: left out, with the warning.
    text = "<div>\n{: .c}\n</div>\nAfter\n{: .b}\n"
    assert kramdown.warnings(text) == ((1, "{: .c} inside HTML is not applied; left out"),)
    html = render_html(text, "https://example.com/", "p", reading=JEKYLL)
    assert "{:" not in html and '<p class="b">After</p>' in html


def test_a_jekyll_feed_shows_kramdowns_reading_and_another_site_pulldown_cmarks(
    make_site: MakeSite,
) -> None:
    body = (
        "Steps:\n1) mix\n2) bake\n\nTotals\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "Then ~~~x~~~. 'Tis done.\n\n```ruby\nputs 1\n"
    )
    post = f"---\ntitle: A\ndate: 2024-01-01\nsummary: S\n---\n{body}"
    for name, jekyll in (("_posts/2024-01-01-a.md", True), ("a.md", False)):
        cfg = make_site(posts={name: post}, toml=SITE_TOML)
        item = built_item(cfg)
        html = item["content_html"]
        assert ("<p>Steps:\n1) mix\n2) bake</p>" in html) is jekyll
        assert ("<table>" in html) is not jekyll
        assert ("Then ~<del>x</del>~. ‘Tis done." in html) is jekyll
        assert ("<pre>" in html) is not jekyll
        for leftover in Path(cfg.content_path).rglob("*.md"):
            leftover.unlink()


def test_a_jekyll_feed_shows_kramdowns_tables_terms_notes_and_item_code(
    make_site: MakeSite,
) -> None:
    # In a built feed, as kramdown reads them: a line of `|` cells alone is a table, a note
    # ends after its first line, and a fence right below a list item is in the item.
    # Another site's post reads each as CommonMark does.
    body = (
        "Posted in Ruby | 5 min read\n\nApple\nPomme\n: A fruit.\n\nMore.[^1]\n\n"
        "[^1]: A long note that\nwraps here.\n\n1. Run this:\n```\nnpm install\n```\n"
        "2. Then this.\n"
    )
    post = f"---\ntitle: A\ndate: 2024-01-01\nsummary: S\n---\n{body}"
    for name, jekyll in (("_posts/2024-01-01-a.md", True), ("a.md", False)):
        cfg = make_site(posts={name: post}, toml=SITE_TOML)
        html = built_item(cfg)["content_html"]
        table = "<tr><td>Posted in Ruby</td><td>5 min read</td></tr>"
        assert (table in html) is jekyll
        # A term a line in both: as kramdown, Goldmark and Python-Markdown read them.
        assert "<dt>Apple</dt>\n<dt>Pomme</dt>" in html
        assert ("<p>wraps here.</p>" in html) is jekyll
        assert ("<li>Run this:\n<pre><code>npm install" in html) is jekyll
        for leftover in Path(cfg.content_path).rglob("*.md"):
            leftover.unlink()


def test_a_jekyll_math_block_with_bars_is_math_not_a_table(make_site: MakeSite) -> None:
    # kramdown reads a block of math before a table (kramdown 2.4 with its GFM input gives
    # `\[P(w|a) = P(w|b)\]`, and `\(y\)` for the inline formula after). feedkit made the first
    # a table of `$$ P(w` cells, and the inline formula after it display math.
    body = (
        "Two\n\n$$ P(w|a) = P(w|b) $$\n\nText.\n\n> $$ a|b\n> c|d $$\n\n"
        "where $$y$$ is.\n\nA | row\n"
    )
    post = f"---\ntitle: A\ndate: 2024-01-01\nsummary: S\n---\n{body}"
    cfg = make_site(posts={"_posts/2024-01-01-a.md": post}, toml=SITE_TOML)
    html = built_item(cfg)["content_html"]
    assert html.count("<table>") == 1 and "<td>A</td><td>row</td>" in html  # a row is one
    assert html.count('<math display="block">') == 2
    assert '<annotation encoding="application/x-tex">P(w|a) = P(w|b)</annotation>' in html
    assert '<p>where <math display="inline">' in html


def test_a_jekyll_block_of_math_with_blank_lines_is_one_formula(make_site: MakeSite) -> None:
    # kramdown reads `$$` to the next `$$` over blank lines; CommonMark ended the paragraph
    # there, and readers saw `$$`, `\\begin{align}` and `\\[10pt]` lost its `\\`.
    body = (
        "MLE:\n\n$$ \\begin{align}\n\n\\theta &= \\mathop{\\rm arg\\,max} P(X) "
        "\\\\[10pt]\n       &= \\prod_i P(x_i)\n\n\\end{align} $$\n\nDone.\n"
    )
    post = f"---\ntitle: A\ndate: 2024-01-01\nsummary: S\n---\n{body}"
    cfg = make_site(posts={"_posts/2024-01-01-a.md": post}, toml=SITE_TOML)
    html = built_item(cfg)["content_html"]
    assert html.count("<math") == 1 and "$$" not in html
    assert "arg\\,max} P(X) \\\\[10pt]" in html  # the TeX, in the formula's annotation
    assert html.startswith("<p>MLE:</p>") and html.endswith("<p>Done.</p>\n")


def test_a_block_of_math_with_blank_lines_after_a_paragraph_opening_with_math(
    make_site: MakeSite,
) -> None:
    # lil-log's "From GAN to WGAN": the paragraph above begins with `$$D_{KL}$$`, which was
    # taken for a block's opening that ran to the real block's first `$$`; the real block
    # then split at its blank line, and readers saw raw TeX over two paragraphs.
    body = (
        "$$D_{KL}$$ achieves the minimum when $$p(x)$$ == $$q(x)$$ everywhere.\n\n"
        "$$\n\\begin{aligned}\nf(x) & = A \\\\\n\ng(x) & = B \\\\\n\\end{aligned}\n$$\n"
    )
    post = f"---\ntitle: A\ndate: 2024-01-01\nsummary: S\n---\n{body}"
    cfg = make_site(posts={"_posts/2024-01-01-a.md": post}, toml=SITE_TOML)
    html = built_item(cfg)["content_html"]
    assert html.count('<math display="block">') == 1 and html.count('<math display="inline">') == 3
    assert "$$" not in html and "\\end{aligned}</annotation>" in html


def test_kramdowns_own_input_strikes_nothing_through(make_site: MakeSite) -> None:
    # `kramdown: input: kramdown` in _config.yml: kramdown 2.4's own parser leaves `~~x~~`
    # as typed, where its GFM input (Jekyll's default) strikes it through.
    post = "---\ntitle: A\ndate: 2024-01-01\nsummary: S\n---\nA ~~typo~~ word.\n"
    for config_yml, struck in (("kramdown:\n  input: kramdown\n", False), ("title: B\n", True)):
        files = {"_config.yml": config_yml, "_posts/2024-01-01-a.md": post}
        cfg = make_site(posts=files, toml=SITE_TOML)
        item = built_item(cfg)
        assert ("<p>A <del>typo</del> word.</p>" in item["content_html"]) is struck
        assert ("<p>A ~~typo~~ word.</p>" in item["content_html"]) is not struck
        for leftover in Path(cfg.content_path).rglob("*"):
            if leftover.is_file():
                leftover.unlink()


@pytest.mark.parametrize(("title", "smartified"), TITLES)
def test_titles_take_jekylls_smartify_quotes(title: str, smartified: str) -> None:
    # jekyll-feed gives each entry's title Jekyll's `smartify`: kramdown's quote rules.
    assert smartify(title) == smartified


def test_a_jekyll_feed_entry_title_opens_an_elision_as_jekyll_feed_does(
    make_site: MakeSite,
) -> None:
    post = '---\ntitle: "\'Tis the season"\ndate: 2024-01-01\nsummary: S\n---\nBody.\n'
    cfg = make_site(posts={"_posts/2024-01-01-a.md": post}, toml=SITE_TOML)
    result = CliRunner().invoke(
        main, ["build", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    (item,) = json.loads((cfg.output_path / "feed.json").read_text("utf-8"))["items"]
    assert item["title"] == "‘Tis the season"


def test_a_jekyll_title_about_html_keeps_what_jekyll_feed_shows_of_its_tags(
    make_site: MakeSite,
) -> None:
    # Every `<…>` was taken out: "Mixing <HTML> & Markdown" was "Mixing & Markdown", "The
    # <div> element" "The element", where jekyll-feed's smartify writes a block element's
    # tag (and an end tag that closes nothing) as text, and strip_html leaves it.
    posts = {
        f"_posts/2024-{day // 28 + 1:02}-{day % 28 + 1:02}-t{day}.md": (
            f"---\ntitle: {json.dumps(title)}\n---\nBody.\n"
        )
        for day, (title, _) in enumerate(FEED_TITLES, start=1)
    }
    cfg = make_site(posts=posts, toml=SITE_TOML.replace("[feed]\n", "[feed]\nlimit = 100\n"))
    result = CliRunner().invoke(
        main, ["build", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    items = json.loads((cfg.output_path / "feed.json").read_text("utf-8"))["items"]
    shown = {re.findall(r"/(t\d+)", item["url"])[-1]: item["title"] for item in items}
    for day, (title, written) in enumerate(FEED_TITLES, start=1):
        assert (title, shown[f"t{day}"]) == (title, " ".join(unescape(written).split()))
