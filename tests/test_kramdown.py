"""kramdown's additions (Jekyll's Markdown): attribute lists, {:toc}, extensions,
abbreviations, definition lists and its math rule, never shown to readers as text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.posts import kramdown
from feedkit.posts.markup import render_html
from feedkit.posts.plaintext import summarize
from feedkit.posts.reading import Reading

from conftest import NOW_ENV, SITE_TOML, MakeSite

BASE = "https://example.com/blog/post/"


def html(body: str, jekyll: bool = False, math_form: str = "source") -> str:
    # Math in its source form here: which formulas are inline is what these tests check.
    return render_html(body, BASE, "post", math_form, Reading(kramdown_math=jekyll))


def test_block_ial_on_the_line_after_a_block_applies_to_it() -> None:
    assert html("A paragraph.\n{: .lead #first}\n") == (
        '<p class="lead" id="first">A paragraph.</p>\n'
    )
    assert html("## Heading\n{: .fancy}\n") == '<h2 class="fancy">Heading</h2>\n'
    assert html("* one\n* two\n{: .items}\n").startswith('<ul class="items">\n<li>one</li>')
    assert html("> quoted\n{: .note}\n").startswith('<blockquote class="note">')
    assert html("| a |\n|---|\n| 1 |\n{: .grid}\n").startswith('<table class="grid">')
    assert html("---\n{: .wide}\n").startswith('<hr class="wide"')


def test_block_ial_before_a_block_applies_to_the_next_one() -> None:
    assert html("Before.\n\n{: .next}\nAfter.\n") == (
        '<p>Before.</p>\n<p class="next">After.</p>\n'
    )


def test_block_ial_with_blank_lines_around_it_applies_to_nothing_and_says_so() -> None:
    body = "Before.\n\n{: .lost}\n\nAfter.\n"
    assert html(body) == "<p>Before.</p>\n<p>After.</p>\n"
    ((line, message),) = kramdown.warnings(body)
    assert line == 2 and "{: .lost}" in message and "applies to no block" in message


def test_code_block_ial_puts_the_language_on_the_code() -> None:
    out = html("```\nputs 1\n```\n{: .language-ruby .wide}\n")
    assert out == '<pre class="wide"><code class="language-ruby">puts 1\n</code></pre>\n'


def test_span_ials_apply_to_the_image_link_emphasis_or_code_before_them() -> None:
    out = html(
        '![A map](map.png){: width="50%" .center} *x*{: .y} [l](u){:target="_blank" title="T"}'
        " `c`{: .lang}\n"
    )
    assert '<img src="https://example.com/blog/post/map.png" alt="A map" width="50%"' in out
    assert 'class="center"' in out
    assert '<em class="y">x</em>' in out
    # target is not on the sanitiser's list: dropped there, as any post's would be
    assert '<a href="https://example.com/blog/post/u" title="T">l</a>' in out
    assert '<code class="lang">c</code>' in out
    assert "{:" not in out


def test_a_span_ial_goes_on_over_the_lines_of_its_paragraph() -> None:
    # www.ruby-lang.org's news: `[Mongrel fix][3]{:⏎  lang="Mongrel"}` in a list item, as
    # kramdown reads it; feedkit showed `lang="Mongrel"}` and warned. Not over a blank line.
    body = '* [Mongrel fix][3]{:\n  lang="Mongrel"}\n\n[3]: http://example.com/fix\n'
    assert html(body) == (
        '<ul>\n<li><a href="http://example.com/fix" lang="Mongrel">Mongrel fix</a></li>\n</ul>\n'
    )
    assert kramdown.warnings(body) == ()
    # Not one IAL: a paragraph ends between (the `{:` left out, with a warning).
    assert html("*x*{:\n\n.y}\n") == "<p><em>x</em></p>\n<p>.y}</p>\n"


def test_span_ial_after_plain_text_is_left_out_with_a_warning() -> None:
    body = "first line\nsome text{: .x} here\n"
    assert html(body) == "<p>first line\nsome text here</p>\n"
    ((line, message),) = kramdown.warnings(body)
    assert line == 1 and "follows plain text" in message


def test_list_item_ial_applies_to_the_item() -> None:
    assert html("* {:.first} one\n* two\n") == (
        '<ul>\n<li class="first">one</li>\n<li>two</li>\n</ul>\n'
    )


def test_attribute_list_definitions_are_used_by_name_and_never_shown() -> None:
    body = '{:base: .box}\n{:note: base title="A note"}\n\nText.\n{: note #n1}\n'
    assert html(body) == '<p class="box" title="A note" id="n1">Text.</p>\n'
    assert kramdown.warnings(body) == ()


def test_unknown_reference_and_bad_attribute_are_reported() -> None:
    body = "Text.\n{: missing .ok 50%}\n"
    assert html(body) == '<p class="ok">Text.</p>\n'
    messages = [m for _, m in kramdown.warnings(body)]
    assert any("'50%'" in m for m in messages)
    assert (1, "{: missing}: no attribute list definition {:missing: …}") in kramdown.warnings(body)


def test_toc_becomes_a_table_of_contents_of_linked_headings_with_kramdown_ids() -> None:
    body = (
        "* TOC\n{:toc}\n\n# Getting *started*\n\n## Install it\n\n## Install it\n\n"
        "## Skip me\n{: .no_toc}\n\n## Mine {#own}\n\n# 2. Use [it](x)\n"
    )
    out = html(body)
    link = BASE + "#"
    assert out.startswith(
        '<ul id="markdown-toc">\n'
        f'<li><a href="{link}getting-started" id="markdown-toc-getting-started">'
        "Getting <em>started</em></a>\n<ul>\n"
        f'<li><a href="{link}install-it" id="markdown-toc-install-it">Install it</a></li>\n'
        f'<li><a href="{link}install-it-1" id="markdown-toc-install-it-1">Install it</a></li>\n'
        f'<li><a href="{link}own" id="markdown-toc-own">Mine</a></li>\n'
        "</ul>\n</li>\n"
        f'<li><a href="{link}use-itx" id="markdown-toc-use-itx">2. Use it</a></li>\n'
        "</ul>\n"
    )
    assert '<h1 id="getting-started">' in out
    assert '<h2 id="install-it-1">' in out
    assert '<h2 class="no_toc" id="skip-me">' in out
    assert "TOC" not in re.sub(r'id="markdown-toc[^"]*"', "", out)
    assert "TOC" not in summarize(body, None, 200)


def test_an_ial_before_the_toc_list_is_the_tables_as_in_kramdown() -> None:
    # lil-log's posts: `{: class="table-of-content"}` above `* TOC` went onto the first
    # heading. kramdown 2.4 (Ruby): <ul class="table-of-content" id="markdown-toc">.
    out = html('{: class="table-of-content"}\n* TOC\n{:toc}\n\n## One\n\nText.\n')
    assert out.startswith('<ul id="markdown-toc" class="table-of-content">\n')
    assert '<h2 id="one">One</h2>' in out


def test_toc_without_a_list_is_left_out_with_a_warning() -> None:
    body = "Text.\n\n{:toc}\n# Heading\n"
    assert "{:" not in html(body)
    assert "must follow the list" in kramdown.warnings(body)[0][1]


def test_extensions_comment_nomarkdown_options() -> None:
    body = (
        '{::options auto_ids="false" /}\n\nA{::comment}hidden{:/comment}B\n\n'
        "{::comment}\nHidden *block*.\n\nStill hidden.\n{:/comment}\n\n"
        '{::nomarkdown}\n<div class="raw">*not Markdown*</div>\n{:/nomarkdown}\n\n'
        "Inline {::nomarkdown}<b>bold</b>{:/} raw.\n"
    )
    out = html(body)
    assert out == (
        '<p>AB</p>\n<div class="raw">*not Markdown*</div>\n<p>Inline <b>bold</b> raw.</p>\n'
    )
    assert kramdown.warnings(body) == ()


def test_stray_closer_unknown_extension_and_unclosed_extension_are_reported() -> None:
    body = "One {:/} two.\n\n{::unknown}\nkept *text*\n{:/unknown}\n\nThree {::comment} four.\n"
    out = html(body)
    assert "{:" not in out
    assert "kept <em>text</em>" in out
    lines = [line for line, _ in kramdown.warnings(body)]
    assert lines == [0, 2, 6]


def test_text_that_is_not_kramdown_is_reported_and_not_shown() -> None:
    body = "Python's {: is here\n"
    assert "{:" not in html(body)
    assert "not understood" in kramdown.warnings(body)[0][1]


def test_code_keeps_kramdown_syntax_verbatim() -> None:
    body = (
        "```\n{: .fenced}\n{:toc}\n*[X]: y\n```\n\n    {: .indented}\n\n"
        "Span `{: .span}` and `*[X]: z`.\n\n<div>{: raw html}</div>\n"
    )
    out = html(body)
    assert "{: .fenced}\n{:toc}\n*[X]: y" in out
    assert "{: .indented}" in out
    assert "<code>{: .span}</code>" in out
    assert kramdown.warnings(body) == ()


def test_abbreviations_become_abbr_outside_code_and_their_definitions_go() -> None:
    body = "HTML and CSS, not HTMLX or `HTML`.\n\n*[HTML]: Hyper Text Markup Language\n*[CSS]:\n"
    assert html(body) == (
        '<p><abbr title="Hyper Text Markup Language">HTML</abbr> and <abbr>CSS</abbr>, '
        "not HTMLX or <code>HTML</code>.</p>\n"
    )
    assert summarize(body, None, 200) == "HTML and CSS, not HTMLX or HTML."


def test_kramdown_definition_lists_are_dl() -> None:
    assert html("Term\n: Its definition\n") == (
        "<dl>\n<dt>Term</dt>\n<dd>Its definition</dd>\n</dl>\n"
    )


def test_jekyll_math_rule_double_dollars_inside_text_are_inline() -> None:
    body = "Inline $$x^2$$ here and $y$.\n\n$$z$$\n\n* $$w$$\n"
    out = html(body, jekyll=True)
    assert out.count('class="math inline"') == 2
    assert out.count('class="math display"') == 2
    assert '<p>Inline <span class="math inline">$x^2$</span> here' in out
    # CommonMark elsewhere: pulldown-cmark's own reading, `$$` is display wherever it is
    other = html(body)
    assert other.count('class="math display"') == 3


def test_jekyll_math_rule_double_dollars_right_below_a_block_are_inline() -> None:
    # As kramdown 2.4 reads them: a `$$` line right below a heading, a rule or code is a
    # paragraph's text (inline), as one right below a paragraph's line is; after a blank
    # line, or first in a quote or an item, it is a block (display).
    inline = ["## H\n$$x^2$$\n", "---\n$$x^2$$\n", "```\ncode\n```\n$$x^2$$\n"]
    for body in inline:
        assert html(body, jekyll=True).count('class="math inline"') == 1, body
    display = ["## H\n\n$$x^2$$\n", "$$x^2$$\n", "> $$x^2$$\n", "- $$x^2$$\n"]
    for body in display:
        assert html(body, jekyll=True).count('class="math display"') == 1, body


def test_summaries_hold_no_kramdown_syntax() -> None:
    body = "Opening *x*{: .y} text.\n{: .lead}\n\n{:ref: .z}\n\n*[HTML]: Hyper Text\n"
    assert summarize(body, None, 200) == "Opening x text."


def test_posts_without_kramdown_syntax_are_not_read_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(text: str) -> None:
        raise AssertionError("read for kramdown")

    monkeypatch.setattr(kramdown, "_prepare", fail)
    assert html("A *plain* post {with braces} and [a link](x).\n") == (
        f'<p>A <em>plain</em> post {{with braces}} and <a href="{BASE}x">a link</a>.</p>\n'
    )
    assert kramdown.warnings("plain") == ()


def _outside_code(fragment: str) -> str:
    return re.sub(r"<(code|pre)\b.*?</\1>", "", fragment, flags=re.DOTALL)


def test_kramdown_fixture_through_feedkit_build(make_site: MakeSite) -> None:
    cfg = make_site("kramdown", toml=SITE_TOML)
    result = CliRunner().invoke(
        main, ["build", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    assert (
        "content/kramdown/_posts/2024-03-04-kramdown-post.md:61: warning: {: .stray} follows "
        "plain text"
    ) in result.output
    out = cfg.output_path
    for name in ("atom.xml", "rss.xml", "tags/kramdown/atom.xml"):
        (entry,) = feedparser.parse((out / name).read_bytes()).entries
        content = entry.content[0].value if "content" in entry else entry.description
        assert "{:" not in _outside_code(content), name
        # a code span's text is the one `{:` a summary keeps: code is never changed
        assert "{:" not in entry.summary.replace("{: .kept}", "") and "*[" not in entry.summary
        assert '<p class="lead" id="opening">' in content
        assert '<em class="hl">emphasis</em>' in content
        assert 'width="50%"' in content and 'class="center"' in content
        assert '<blockquote class="box" title="A note">' in content
        assert '<ul class="items">' in content and '<li class="first">item one</li>' in content
        assert '<ul id="markdown-toc">' in content and 'href="' in content
        assert '<h2 id="first-steps">' in content and '<h3 class="no_toc"' in content
        assert 'id="markdown-toc-details"' not in content
        assert '<abbr title="Hyper Text Markup Language">HTML</abbr>' in content
        assert '<div class="raw">Raw <em>HTML</em></div>' in content
        assert "comment is dropped" not in content
        assert "<dt>Term</dt>" in content and "<dd>Its definition</dd>" in content
        if name == "rss.xml":  # RSS shows math as readable text (see test_texmath.py)
            assert '<span class="math inline" title="x^2">x²</span>' in content
            assert '<span class="math display"' in content
        else:
            assert '<math display="inline"' in content and "<mi>x</mi><mn>2</mn>" in content
            assert '<math display="block"' in content
        assert 'puts "{: .not-an-ial}"' in content and "<code>{: .kept}</code>" in content
        assert "indented {: .kept-too}" in content
    item = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"][0]
    assert "{:" not in _outside_code(item["content_html"])
    assert "{:" not in item["summary"].replace("{: .kept}", "")


def test_math_rule_follows_the_site_through_build(make_site: MakeSite) -> None:
    post = "---\ntitle: M\ndate: 2024-01-01\n---\nText $$a$$ more.\n"
    for name, expected in (("_posts/2024-01-01-m.md", "inline"), ("m.md", "block")):
        cfg = make_site(posts={name: post}, toml=SITE_TOML)
        result = CliRunner().invoke(
            main, ["build", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
        )
        assert result.exit_code == 0, result.output
        (entry,) = feedparser.parse((cfg.output_path / "atom.xml").read_bytes()).entries
        assert f'<math display="{expected}"' in entry.content[0].value
        for leftover in Path(cfg.content_path).rglob("*.md"):
            leftover.unlink()


def test_attribute_list_lines_inside_html_are_left_out_with_a_warning() -> None:
    body = '<div class="note">\n**Note**\n{: .notice}\n</div>\n\n<pre>\n{: .kept}\n</pre>\n'
    out = html(body)
    assert "{: .notice}" not in out
    assert "<pre>{: .kept}\n</pre>" in out
    assert kramdown.warnings(body) == ((2, "{: .notice} inside HTML is not applied; left out"),)


def test_markers_never_meet_text_written_like_them() -> None:
    body = "Text <kd-0> and *x*{: .y}\n\n<!--kd-0-->\n"
    out = html(body)
    assert '<em class="y">x</em>' in out


def test_footnotes_keep_their_anchors_whatever_attribute_lists_say() -> None:
    out = html("Text[^1].\n\n[^1]: Note.\n{: .fn}\n")
    assert '<li id="fn-post-1">' in out
    assert '<a href="https://example.com/blog/post/#fn-post-1" id="fnref-post-1">' in out


def test_check_reports_kramdown_not_understood_in_every_post(make_site: MakeSite) -> None:
    posts = {
        f"p{n}.md": f"---\ntitle: P{n}\ndate: 2024-01-{n + 1:02d}\n---\nText.\n" for n in range(3)
    }
    posts["old.md"] = "---\ntitle: Old\ndate: 2020-01-01\n---\nFirst.\n\nSome text{: .x}.\n"
    toml = SITE_TOML.replace("[feed]\n", "[feed]\nlimit = 2\n")
    cfg = make_site(posts=posts, toml=toml)
    config = str(cfg.root / "feedkit.toml")
    result = CliRunner().invoke(main, ["check", "--config", config], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    expected = "content/old.md:7: warning: {: .x} follows plain text, so it applies to nothing"
    assert result.output.count(expected) == 1
    strict = CliRunner().invoke(main, ["check", "--strict", "--config", config], env=NOW_ENV)
    assert strict.exit_code == 1 and expected in strict.output


def test_several_block_ials_in_a_row_all_apply() -> None:
    assert html("Text.\n{: .a}\n{: #b}\n") == '<p class="a" id="b">Text.</p>\n'
    assert html("{: .a}\n{: #b}\nText.\n") == '<p class="a" id="b">Text.</p>\n'


def test_attribute_lists_after_non_ascii_text_apply(make_site: MakeSite) -> None:
    # pyromark gives byte offsets: a curly quote or a CJK character before `{:` used to
    # shift them, and every attribute list after it reached readers as text, unwarned.
    cfg = make_site("kramdown-unicode", toml=SITE_TOML)
    result = CliRunner().invoke(
        main, ["build", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "content/kramdown-unicode/_posts/2024-05-01-curly-quotes.md:17: warning: {: .stray} "
        "follows plain text, so it applies to nothing: put it right after an image, link, "
        "emphasis or code span; left out\n"
    )
    (entry,) = feedparser.parse((cfg.output_path / "atom.xml").read_bytes()).entries
    content = entry.content[0].value
    assert "{:" not in content
    assert '<blockquote class="prompt-tip">' in content
    assert '<code class="filepath">/etc/pve/</code>' in content
    assert '<a class="back-to-top" href=' in content
    assert '<img alt="UI" class="w-75" src=' in content and 'width="972"' in content


def test_a_summary_shows_no_attribute_list_even_one_in_code(make_site: MakeSite) -> None:
    # Minimal Mistakes' notice post opens with "… with the `{: .notice}` class.": its
    # summary is plain text and, as with `{{ }}` and `{% %}`, shows no such syntax.
    post = (
        "---\ntitle: Notices\n---\n"
        "**Watch out!** This text has been [emphasized](#) with the `{: .notice}` class.\n"
        "{: .notice}\n"
    )
    cfg = make_site(posts={"_posts/2024-05-02-notice.md": post}, toml=SITE_TOML)
    result = CliRunner().invoke(
        main, ["build", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    (item,) = json.loads((cfg.output_path / "feed.json").read_bytes())["items"]
    assert item["summary"] == "Watch out! This text has been emphasized with the class."
    assert '<p class="notice">' in item["content_html"]
    assert "<code>{: .notice}</code>" in item["content_html"]  # code shows what it says


def test_goldmark_block_attributes_are_written_as_kramdowns() -> None:
    # Hugo's parser.attribute.block: `{.warn}` below a block is its attributes; below a
    # blank line, set on nothing (left out); in code, code; not attributes, text.
    from feedkit.posts.kramdown import from_goldmark_attributes

    text = (
        "A warning.\n{ .warn #w data-x=1 title='T' }\n\nOne.\n\n{.next}\nTwo.\n\n"
        "```\n{.kept}\n```\n\nText\n{not attributes}\n"
    )
    assert from_goldmark_attributes(text) == (
        'A warning.\n{: .warn #w data-x="1" title="T"}\n\nOne.\n\n\nTwo.\n\n'
        "```\n{.kept}\n```\n\nText\n{not attributes}\n"
    )
    plain = "No attributes {.x} here.\n"
    assert from_goldmark_attributes(plain) is plain
