"""HTML elements in Jekyll posts read as kramdown reads them: an element runs to its end
tag, blank lines and indented lines in it included, and `markdown="1"` makes its content
Markdown (through `feedkit build` on tests/fixtures/jekyll-html-blocks/); a line of
span-level HTML starts a paragraph, as kramdown's GFM input reads it."""

from __future__ import annotations

from pathlib import Path

from feedkit.posts.kramdown_blocks import gfm_paragraphs, html_elements

from conftest import SITE_TOML, MakeSite, built_item, only_feed_item


def test_html_elements_run_to_their_end_tag_as_kramdown_reads_them(tmp_path: Path) -> None:
    # al-folio's figure rows: indented HTML with blank lines from Liquid in it. CommonMark
    # ends the HTML block at a blank line and showed the rest as a code block of tags.
    item = only_feed_item(tmp_path, "jekyll-html-blocks")
    html = item["content_html"]
    assert "&lt;" not in html  # no tag shown as text
    assert html.count("<pre>") == 1 and "def f():\n\n    return 1\n" in html  # the real code
    assert 'src="https://example.com/blog/assets/img/9.jpg"' in html
    assert 'src="https://example.com/blog/assets/img/7.jpg"' in html
    assert "Left: the encoder. Right: the decoder." in html
    assert "<strong>Success:</strong> this block’s <em>Markdown</em> is read" in html
    assert "<td>1</td>" in html  # GFM's reading of <details> kept: its table is a table


def test_an_anchor_line_before_a_heading_reads_as_jekyll_reads_it(make_site: MakeSite) -> None:
    # kramdown's GFM input (Jekyll's default) ends the anchor's paragraph at the heading;
    # CommonMark would run an HTML block on to the blank line and show "## Results" as text.
    body = (
        'Intro.\n\n<a name="results" />\n## Results\nThe *numbers* came out well.\n\n'
        '> <a name="q" />\n> ## Kept as it is inside a quote\n\n'
        '```html\n<a name="code" />\n## not a heading in code\n```\n'
    )
    post = f"---\ntitle: A\ndate: 2024-01-01\nsummary: S\n---\n{body}"
    for name, heading in (("_posts/2024-01-01-a.md", True), ("a.md", False)):
        cfg = make_site(posts={name: post}, toml=SITE_TOML)
        item = built_item(cfg)
        html = item["content_html"]
        assert ("<h2>Results</h2>\n<p>The <em>numbers</em> came out well.</p>" in html) is heading
        assert ("## Results" in html) is not heading
        assert "## not a heading in code" in html
        for leftover in Path(cfg.content_path).rglob("*.md"):
            leftover.unlink()


def test_gfm_paragraphs_leaves_text_without_such_lines_alone() -> None:
    text = 'A <a name="x" /> in a paragraph.\n\n<div>\n## raw\n</div>\n'
    assert gfm_paragraphs(text) is text


def test_parse_block_html_reads_elements_content_as_kramdown_does() -> None:
    # kramdown's `parse_block_html`: a block element's content is Markdown blocks, nested
    # elements' too; `<p>` and headings hold Markdown text, their attributes kept.
    text = (
        '<div class="note">\n**Note:** *this*.\n<div class="inner">\n- a\n</div>\n</div>\n\n'
        '<p class="lead">Some *emph*</p>\n\n<h3 id="h">Plain *h*</h3>\n'
    )
    assert html_elements(text) is text  # off: as written
    read = html_elements(text, parse_block=True)
    assert read == (
        '<div class="note">\n\n**Note:** *this*.\n<div class="inner">\n\n- a\n\n</div>\n\n'
        '</div>\n\nSome *emph*\n{: class="lead"}\n\n\n### Plain *h*\n{: id="h"}\n\n'
    )
    assert html_elements(read, parse_block=True) == read  # read once: nothing more to open


def test_parse_block_html_leaves_what_kramdown_keeps_as_html() -> None:
    text = (
        '<div markdown="0">\n*raw*\n</div>\n\n<table>\n<tr><td>*cell*</td></tr>\n</table>\n\n'
        "<p>- not a list\nhere</p>\n\n<h2>Ends in #</h2>\n\n<p hidden>bare *attribute*</p>\n"
        '<p align="center"><img src="a.png"></p>\n'
    )
    assert html_elements(text, parse_block=True) == text


def test_kramdown_options_turn_parse_block_html_on_from_where_they_stand() -> None:
    option = '{::options parse_block_html="true" /}'
    text = f"<div>\n*before*\n</div>\n\n{option}\n\n<div>\n*after*\n</div>\n"
    assert html_elements(text) == (
        f"<div>\n*before*\n</div>\n\n{option}\n\n<div>\n\n*after*\n\n</div>\n"
    )
