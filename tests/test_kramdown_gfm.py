"""Span-level HTML lines in Jekyll posts, read as kramdown's GFM input reads them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from feedkit.cli import main
from feedkit.posts.kramdown_gfm import gfm_paragraphs

from conftest import NOW_ENV, SITE_TOML, MakeSite


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
        result = CliRunner().invoke(
            main, ["build", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
        )
        assert result.exit_code == 0, result.output
        (item,) = json.loads((cfg.output_path / "feed.json").read_text("utf-8"))["items"]
        html = item["content_html"]
        assert ("<h2>Results</h2>\n<p>The <em>numbers</em> came out well.</p>" in html) is heading
        assert ("## Results" in html) is not heading
        assert "## not a heading in code" in html
        for leftover in Path(cfg.content_path).rglob("*.md"):
            leftover.unlink()


def test_gfm_paragraphs_leaves_text_without_such_lines_alone() -> None:
    text = 'A <a name="x" /> in a paragraph.\n\n<div>\n## raw\n</div>\n'
    assert gfm_paragraphs(text) is text
