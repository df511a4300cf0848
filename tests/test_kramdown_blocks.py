"""HTML elements in Jekyll posts read as kramdown reads them: an element runs to its end
tag, blank lines and indented lines in it included, and `markdown="1"` makes its content
Markdown. Through `feedkit build` on tests/fixtures/jekyll-html-blocks/."""

from __future__ import annotations

from pathlib import Path

from conftest import only_feed_item


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
    assert "<strong>Success:</strong> this block's <em>Markdown</em> is read" in html
    assert "<td>1</td>" in html  # GFM's reading of <details> kept: its table is a table
