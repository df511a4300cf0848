"""Markdown rendering, math, absolute URLs and the sanitiser (summaries: test_plaintext.py)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import pytest

from feedkit.posts.markup import markdown, render_html, unconverted_math
from feedkit.posts.plaintext import summarize

BASE = "https://example.com/blog/2024/05/post/"


def html(body: str) -> str:
    return render_html(body, BASE, "post")


def test_inline_math_is_passed_through_untouched_by_emphasis() -> None:
    out = render_html("Sum $a_i * b_i$ over $x_1 + x_2$ and $*x*$.", BASE, "post", "source")
    assert '<span class="math inline">$a_i * b_i$</span>' in out
    assert '<span class="math inline">$x_1 + x_2$</span>' in out
    assert '<span class="math inline">$*x*$</span>' in out
    assert "<em>" not in out


def test_display_math_as_source_keeps_its_delimiters_and_escapes_html() -> None:
    out = render_html("$$\na < b \\quad c_1 * d_2\n$$\n", BASE, "post", "source")
    assert '<span class="math display">$$\na &lt; b \\quad c_1 * d_2\n$$</span>' in out


def test_math_is_mathml_with_its_tex_as_annotation() -> None:
    out = html("Let $\\alpha \\in \\mathcal{D}$.\n\n$$\na < b \\quad \\mathbf{\\alpha}\n$$\n")
    assert out == (
        '<p>Let <math display="inline"><semantics><mrow><mi>α</mi><mo>∈</mo>'
        "<mrow><mspace></mspace><mi>𝒟\ufe00</mi></mrow></mrow>"
        '<annotation encoding="application/x-tex">\\alpha \\in \\mathcal{D}</annotation>'
        "</semantics></math>.</p>\n"
        '<p><math display="block"><semantics><mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi>'
        '<mspace width="1em"></mspace><mi>𝛂</mi></mrow>'
        '<annotation encoding="application/x-tex">a &lt; b \\quad \\mathbf{\\alpha}</annotation>'
        "</semantics></math></p>\n"
    )


def test_matrices_keep_their_layout_through_the_sanitiser() -> None:
    out = html("$$\n\\begin{aligned} a &= b \\\\ \\left( c \\right) &= d \\end{aligned}\n$$\n")
    for kept in (
        '<mtable displaystyle="true" scriptlevel="0">',
        '<mtd columnalign="right"><mi>a</mi></mtd><mtd columnalign="left"><mo>=</mo>',
        "<mrow><mo>(</mo><mi>c</mi><mo>)</mo></mrow>",
    ):
        assert kept in out


def test_tex_that_cannot_be_mathml_stays_source_and_is_listed() -> None:
    body = "Good $x$.\n\nBad $\\left( x$ and $\\foo{x}$.\n"
    out = html(body)
    assert '<math display="inline">' in out
    assert '<span class="math inline">$\\left( x$</span>' in out
    assert '<span class="math inline">$\\foo{x}$</span>' in out
    assert unconverted_math(body) == [(3, "\\left( x"), (3, "\\foo{x}")]
    assert unconverted_math("No math, $5 and $6.") == []


def formulas_that_stay_tex(body: str) -> list[tuple[int, str]]:
    """Return (line, TeX) of each formula of `body` that stays TeX, as every event says."""
    from feedkit.posts.texmath import tex_to_mathml

    data = body.encode()
    return [
        (data.count(b"\n", 0, span["start"]) + 1, tex)
        for event, span in markdown().events_with_range(body)
        if isinstance(event, dict)
        and isinstance(tex := event.get("InlineMath", event.get("DisplayMath")), str)
        and tex_to_mathml(tex, "DisplayMath" in event) is None
    ]


MATH_BODIES = [
    "Good $x$.\n\nBad $\\left( x$ and $\\foo{x}$.\n",
    "> quoted $a <\n> \\foo b$ and $$\n> \\frac{1}{2\n> $$\n",
    "Note[^1] $x &amp; y$.\n\n[^1]: In a note $\\foo$ and `$\\bar$`.\n",
    "```\n$\\foo$\n```\n\n    $\\bar$\n\n| a | $\\baz$ |\n|---|---|\n| $x$ | $\\qux{$ |\n",
    "Ünïcödé first: $\\alpha$ then\n\n- item $\\nope$\n  - deeper $$\\nope2$$\n",
    "It costs $5 and $6 today, $ x $ and $x$.",
]


@pytest.mark.parametrize("body", MATH_BODIES)
def test_formulas_that_stay_tex_are_found_at_their_lines(body: str) -> None:
    assert unconverted_math(body) == formulas_that_stay_tex(body)


def test_formulas_that_stay_tex_are_found_in_every_corpus_post() -> None:
    from conftest import SHARED

    bodies = [
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted((SHARED / "corpora").rglob("*.md"))
    ]
    if not bodies:
        pytest.skip("no corpora here")
    with_math = [b for b in bodies if "$" in b]
    assert with_math
    assert [b for b in with_math if unconverted_math(b) != formulas_that_stay_tex(b)] == []


class CountingParser:
    """The shared parser, counting each kind of parse asked of it."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> object:
        self.calls.append(name)
        return getattr(markdown(), name)


def test_only_a_body_with_a_formula_that_stays_tex_pays_for_the_event_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Reading every event in Python took most of a check's time; a body whose formulas all
    # convert needs only pulldown-cmark's own HTML writer.
    from feedkit.posts import markup

    parser = CountingParser()
    monkeypatch.setattr(markup, "markdown", lambda: parser)
    assert unconverted_math("Good $x^2$ and\n\n$$\n\\frac{a}{b}\n$$\n") == []
    assert "events_with_range" not in parser.calls
    assert unconverted_math("Bad $\\foo{x}$.") == [(1, "\\foo{x}")]
    assert "events_with_range" in parser.calls


def test_a_body_whose_dollars_are_all_in_fenced_code_is_answered_without_a_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Shell code (`"$f"`, `${DIR}`) gave 43 % of the benchmark's posts a `$`, and each one a
    # Markdown parse in every check, for formulas none of them had.
    from feedkit.posts import markup

    parser = CountingParser()
    monkeypatch.setattr(markup, "markdown", lambda: parser)
    body = (
        'Text.\n\n<!--more-->\n\n```bash\nfor f in "${DIR:-.}"/*.md; do wc -c "$f"; done\n```\n'
        "\nMore text.\n~~~~\n$\\foo$\n```\n$x$\n~~~~\n\n````\n$$\n"
    )
    assert unconverted_math(body) == []
    assert parser.calls == []


# Bodies whose `$` a quick look might take for code, each with a formula that stays TeX
# outside code by pulldown-cmark's reading: the quick test must hand each one over.
LOOKS_LIKE_CODE = [
    "<div>\n```\n</div>\n\n$\\foo$\n```\n",  # an HTML block holds a fence line
    "<!-- a\n```\n-->\n$\\foo$\n```\n",  # so does a comment over several lines
    "- item\n\n  ```\n  x\n\n$\\foo$\n```\n",  # a fence in a list item ends with it
    "    ```\n$\\foo$\n    ```\n",  # indented code, not a fence
    "``` `x`\n$\\foo$\n```\n",  # a backtick in the info string: no fence
    "```\nx\n```  \n$\\foo$\n",  # closed by a fence with spaces after it
    "```\nx\n   ```\n$\\foo$\n",  # or three spaces before it
    "```\nx\n    ```\n```\n$\\foo$\n```\n",  # four spaces: code, not a closing fence
    "```\nx\n```\t\n```\n$\\foo$\n```\n",  # a tab after it: code to pulldown-cmark
    "```\nx\n```\x0c\n```\n$\\foo$\n```\n",  # so is a form feed
    "```\nx\n```\u00a0\n```\n$\\foo$\n```\n",  # and a no-break space
    "~~~\n```\n~~~\n$\\foo$\n```\n",  # only its own kind closes a fence
    "````\n```\n````\n$\\foo$\n```\n",  # nor a shorter run
    "```\r\n$x$\r\n```\r\n$\\foo$\r\n",
    "Text $\\foo$ and\n```\n$x$\n```\n",
]


@pytest.mark.parametrize("body", LOOKS_LIKE_CODE)
def test_dollars_that_may_be_math_are_handed_to_the_parse(body: str) -> None:
    expected = formulas_that_stay_tex(body)
    assert expected  # each case has a formula that stays TeX, so a wrong shortcut shows
    assert unconverted_math(body) == expected


def test_the_quick_test_never_passes_a_body_with_math_in_it() -> None:
    # Bodies made of lines that open, close or hold fences in every way CommonMark and
    # pulldown-cmark might read differently; whenever the quick test says every `$` is in
    # code, pulldown-cmark must find no formula at all.
    import random

    from feedkit.posts.fences import dollars_only_in_code

    lines = [
        "```", "```bash", "````", "~~~", "~~~~ x", " ```", "   ```", "    ```", "\t```",
        "``` ", "```\t", "``` x", "```$y", "``` `", "text $x$", "$$", "a $b", "$c$ d",
        "`$e$`", "", "- item", "  ```", "> quote", "> ```", "<!--more-->", "<!-- a",
        "-->", "<div>", "</div>", "| a | b |", "|---|---|", "[^1]: note", "term", ": def",
        "    indented $x$", "<pre>", "</pre>", "```\u00a0", "\\$x$", "&#36;x&#36;",
        "```\tbash", "``` bash", "~~~ a~b", "```\x00", "~~~`", "```~", "`````", "~~~~",
        "```` x", "1. x", "* x", "+ x", "  - x", "<script>", "</script>", "<!-- x -->",
        "<?php", "?>", "<![CDATA[", "]]>", "<a href='x'>", "===", "---", "***", ">",
        ">> q", "    more", "[a]: /u", "'title'", "$", "x$", "$x", "<!---->", "<!-->",
        "  <!--more-->", "<!--more--> $x$", "~~~\t", "~~~ ", "  ~~~", "```  ", "   ````",
        "\u2028```", "# h $x$", "```{.x}", "- ```", "1. ```", "   - ```", "$$x$$", "x\\",
        "\\```", "<x>", "```<", "~~~<div>", ": ```", "[^1]: ```",
    ]  # fmt: skip
    chooser = random.Random(13)
    passed = 0
    for _ in range(20000):
        body = "\n".join(chooser.choice(lines) for _ in range(chooser.randint(1, 12)))
        if "$" in body and dollars_only_in_code(body):
            passed += 1
            assert 'class="math' not in markdown().html(body), body
    assert passed > 100  # the quick answer was given often enough to mean something


def test_money_is_not_math() -> None:
    out = html("It costs $5 and $6 today.")
    assert "math" not in out
    assert "$5 and $6" in out


def test_code_blocks_are_kept_verbatim_and_escaped() -> None:
    out = html('```python\nif a < b and c & d:\n    print(f"{{x}} $y$")\n```\n')
    assert '<pre><code class="language-python">if a &lt; b and c &amp; d:\n' in out
    assert 'print(f"{{x}} $y$")' in out


def test_tables_strikethrough_and_footnotes() -> None:
    out = html("| a | b |\n|:--|--:|\n| 1 | 2 |\n\n~~old~~ new[^1]\n\n[^1]: A note.\n")
    assert '<th style="text-align:left">a</th>' in out
    assert '<td style="text-align:right">2</td>' in out
    assert "<del>old</del>" in out
    # Footnote anchors are absolute (readers have no base URL) and unique per post.
    assert f'href="{BASE}#fn-post-1"' in out
    assert 'id="fn-post-1"' in out


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[up](../other/)", 'href="https://example.com/blog/2024/05/other/"'),
        ("[root](/about/)", 'href="https://example.com/about/"'),
        ("![A diagram](diagram.svg)", 'src="https://example.com/blog/2024/05/post/diagram.svg"'),
        (
            '<img src="images/a.svg" alt="A">',
            'src="https://example.com/blog/2024/05/post/images/a.svg"',
        ),
        ("<a href='x.html'>x</a>", 'href="https://example.com/blog/2024/05/post/x.html"'),
        (
            '<img srcset="a.png 1x, b.png 2x" src="a.png" alt="">',
            'srcset="https://example.com/blog/2024/05/post/a.png 1x, '
            'https://example.com/blog/2024/05/post/b.png 2x"',
        ),
        ("[abs](https://other.org/x)", 'href="https://other.org/x"'),
        (
            '<video src="v.mp4" poster="p.jpg"></video>',
            '<a href="https://example.com/blog/2024/05/post/v.mp4">',
        ),
        ('<object data="o.svg"></object>', 'href="https://example.com/blog/2024/05/post/o.svg"'),
        (
            '<blockquote cite="s.html">q</blockquote>',
            'cite="https://example.com/blog/2024/05/post/s.html"',
        ),
        (
            '<picture><source srcset="w.webp 2x" type="image/webp"><img src="w.png"></picture>',
            'srcset="https://example.com/blog/2024/05/post/w.webp 2x"',
        ),
        ("[mail](mailto:a@example.org)", 'href="mailto:a@example.org"'),
        # A srcset's URL runs to white space, commas and all (a CDN's): split at each comma,
        # it was two, one on the site's host.
        (
            '<img src="a.png" srcset="https://cdn.example.com/i/w_300,h_200/a.png 300w, '
            'img/a,b.png 2x, data:image/png;base64,AAAA 3x" alt="">',
            'srcset="https://cdn.example.com/i/w_300,h_200/a.png 300w, '
            'https://example.com/blog/2024/05/post/img/a,b.png 2x"',
        ),
    ],
)
def test_relative_urls_become_absolute(markdown: str, expected: str) -> None:
    assert expected in html(markdown)


def test_a_url_written_many_times_is_resolved_once_for_each_rule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # urljoin takes 6 µs, and a post links to the same places many times. A link may go
    # where an image may not load from: the same address is judged once for each.
    from feedkit.posts import sanitize

    joined: list[str] = []

    def counted(base: str, url: str) -> str:
        joined.append(url)
        return urljoin(base, url)

    monkeypatch.setattr(sanitize, "urljoin", counted)
    out = html(
        "[a](x.html) [b](x.html) [c](x.html) ![d](x.html) ![e](x.html)\n\n"
        "[m](mailto:a@example.org) ![n](mailto:a@example.org)\n"
    )
    assert sorted(joined) == ["mailto:a@example.org"] * 2 + ["x.html"] * 2
    assert out.count('href="https://example.com/blog/2024/05/post/x.html"') == 3
    assert out.count('src="https://example.com/blog/2024/05/post/x.html"') == 2
    assert 'href="mailto:a@example.org"' in out and 'src="mailto:' not in out


def test_more_marker_is_not_in_the_html() -> None:
    assert "more" not in html("Before.\n\n<!--more-->\n\nAfter.")


def test_scripts_handlers_and_script_urls_are_removed() -> None:
    out = html(
        'Hi <script>alert(1)</script><b onclick="alert(2)">b</b> '
        '<a href="javascript:alert(3)">j</a> <img src="a.png" onerror="alert(4)" alt="">\n\n'
        '<img srcset="javascript:alert(5) 1x, b.png 2x" alt="">'
        '<a href="data:text/html,&lt;script&gt;alert(6)&lt;/script&gt;">d</a>'
    )
    assert "alert" not in out and "script" not in out and "data:" not in out
    assert "<b>b</b>" in out
    assert "<a>j</a>" in out
    assert 'srcset="https://example.com/blog/2024/05/post/b.png 2x"' in out


def test_links_keep_the_schemes_ammonia_allows_and_lose_the_others() -> None:
    # nh3's (ammonia's) link schemes: an ftp link, a calendar or a newsgroup stays one a
    # reader can follow; `vbscript:` and other schemes lose their address; an image loads
    # from http(s) only.
    out = html(
        "[f](ftp://example.org/f.txt) <ftp://example.org/g> [c](webcal://example.org/c.ics) "
        "[n](news:comp.lang.python) [v](vbscript:msgbox) ![i](ftp://example.org/i.png)"
    )
    assert '<a href="ftp://example.org/f.txt">f</a>' in out
    assert '<a href="ftp://example.org/g">ftp://example.org/g</a>' in out
    assert 'href="webcal://example.org/c.ics"' in out and 'href="news:comp.lang.python"' in out
    assert "vbscript" not in out and "<a>v</a>" in out
    assert "i.png" not in out


def test_style_keeps_alignment_and_colour_but_no_urls() -> None:
    out = html('<div style="background:url(t.gif); text-align:center; color:red">x</div>')
    assert "url(" not in out and "t.gif" not in out
    assert "text-align:center" in out.replace(" ", "")
    assert "color:red" in out.replace(" ", "")


def test_an_iframe_becomes_a_link_to_what_it_showed() -> None:
    out = html('<iframe src="//www.youtube.com/embed/x" title="A talk"></iframe>')
    assert out.strip() == '<a href="https://www.youtube.com/embed/x">A talk</a>'


def test_an_embed_without_a_safe_source_leaves_nothing() -> None:
    assert html('<iframe src="javascript:alert(1)"></iframe>').strip() == ""


def test_a_link_with_nothing_to_see_shows_its_address() -> None:
    # An Embedly card (a Jekyll post's `<a class="embedly-card" href="…"></a>`, which its
    # script fills on the page) reached feeds and mails as a link no reader could see.
    out = html(
        'See <a class="embedly-card" href="https://ex.org/a?b=1&c=2"></a> and <a href="/x"> </a>.'
    )
    assert out == (
        '<p>See <a class="embedly-card" href="https://ex.org/a?b=1&amp;c=2">'
        'https://ex.org/a?b=1&amp;c=2</a> and <a href="https://example.com/x">'
        "https://example.com/x</a>.</p>\n"
    )
    # A named anchor links nowhere, and one around a picture shows it: as they were.
    kept = (
        '<p><a id="k"></a><a href="https://example.com/y">'
        '<img src="https://example.com/i.png" alt="i"></a></p>\n'
    )
    assert html('<a id="k"></a><a href="/y"><img src="/i.png" alt="i"></a>') == kept


def test_self_closed_anchors_are_closed_where_they_stand() -> None:
    out = html('<a name="one" />One. <a name="two" /> Two.\n\nNext.')
    assert out == '<p><a name="one"></a>One. <a name="two"></a> Two.</p>\n<p>Next.</p>\n'


def test_what_posts_use_is_kept() -> None:
    body = (
        "<details open><summary>S</summary>d</details>\n\n"
        '<figure><img src="f.png" alt="F" width="10"><figcaption>C</figcaption></figure>\n\n'
        '<math display="block"><msup><mi>x</mi><mn>2</mn></msup></math>\n\n'
        '<table><tfoot><tr><td colspan="2">t</td></tr></tfoot></table>\n\n'
        '<p><abbr title="HyperText">HTML</abbr><kbd>K</kbd><sup>1</sup><mark>m</mark></p>\n'
    )
    out = html(body)
    for kept in (
        '<details open=""><summary>S</summary>d</details>',
        '<figure><img src="https://example.com/blog/2024/05/post/f.png" alt="F" width="10">',
        "<figcaption>C</figcaption>",
        '<math display="block"><msup><mi>x</mi><mn>2</mn></msup></math>',
        '<tfoot><tr><td colspan="2">t</td></tr></tfoot>',
        '<abbr title="HyperText">HTML</abbr><kbd>K</kbd><sup>1</sup><mark>m</mark>',
    ):
        assert kept in out


SPEC = json.loads(
    (Path(__file__).parent / "fixtures" / "commonmark" / "spec-0.31.2.json").read_text("utf-8")
)


def _same_html(text: str) -> str:
    # Spellings of one HTML: `<br />` or `<br>`, `&quot;` or `"` in text, a line break
    # after `<li>` before a raw HTML block.
    return text.replace(" />", ">").replace("&quot;", '"').replace("<li>\n", "<li>")


@pytest.mark.parametrize("example", SPEC, ids=lambda e: f"{e['example']}-{e['section']}")
def test_the_engine_renders_every_commonmark_spec_example_exactly(
    example: dict[str, str],
) -> None:
    out = markdown().html(example["markdown"])
    assert _same_html(out) == _same_html(example["html"])


@pytest.mark.parametrize(
    ("style", "kept"),
    [
        ("color: #c00; text-align: center", "color:#c00;text-align:center"),
        ("color: rgb(200, 0, 0)", "color:rgb(200, 0, 0)"),
        # What feed validators call dangerous goes: functions other than rgb() with
        # integers, custom properties, unknown background keywords, escapes.
        ("color: rgba(0, 0, 0, 0.5); font-weight: bold", "font-weight:bold"),
        ("color: var(--accent); text-align: right", "text-align:right"),
        ("background-color: lightblue; color: navy", "color:navy"),
        ("background-color: #eef", "background-color:#eef"),
        ("color: \\72 ed", None),
        ("position: fixed; top: 0", None),
    ],
)
def test_inline_styles_keep_only_declarations_feed_validators_accept(
    style: str, kept: str | None
) -> None:
    out = html(f'<p style="{style}">x</p>').strip()
    if kept is None:
        assert out == "<p>x</p>"
    else:
        assert out == f'<p style="{kept}">x</p>'


def test_a_more_divider_in_code_is_code_and_one_in_a_line_of_text_cuts_the_summary(
    tmp_path: Path,
) -> None:
    # A post about summaries showed its example without the divider (the line was taken
    # out of the code block) and was summarised up to the example; a divider after the
    # first sentence, as Hugo and Jekyll cut there, was passed over.
    from click.testing import CliRunner

    from feedkit.cli import main

    from conftest import NOW_ENV, SITE_TOML

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    head = "---\ntitle: {}\ndate: 2024-05-0{}\n---\n"
    (content / "example.md").write_text(
        head.format("Example", 1) + "To cut a summary:\n\n```markdown\nIntro.\n<!--more-->\n"
        "Rest.\n```\n\nThe divider goes where the summary ends.\n",
        encoding="utf-8",
    )
    (content / "inline.md").write_text(
        head.format("Inline", 2) + "The first sentence. <!--more-->\n\nThe rest.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    items = json.loads((tmp_path / "public" / "feed.json").read_text(encoding="utf-8"))["items"]
    found = {item["title"]: item for item in items}
    example = found["Example"]
    assert "Intro.\n&lt;!--more--&gt;\nRest.\n</code>" in example["content_html"]
    assert example["summary"] == ("To cut a summary: The divider goes where the summary ends.")
    assert found["Inline"]["summary"] == "The first sentence."
    assert "more" not in found["Inline"]["content_html"]


# -- Smart punctuation: what Jekyll's kramdown and Hugo's Goldmark make of straight quotes ----

TYPED = (
    'She said "it\'s done" -- twice --- and left...\n\n'
    'Run `echo "a--b" ...` with $"x"--y$ or see <https://example.com/a--b...>.\n\n'
    '<span title="a--b">x</span>\n\n'
    '```\nprint("straight") # -- ...\n```\n'
)
CURLY = "She said “it’s done” – twice — and left…"
STRAIGHT = 'She said "it\'s done" -- twice --- and left...'


def _typed_site(root: Path, kind: str, config: str = "") -> Path:
    """Write a site of one post with straight quotes and dashes; `kind` "jekyll" (a
    `_config.yml`), "hugo" (a hugo.toml), "hugo content" (Hugo's content/ copied without
    its configuration: its section pages tell), "pelican" (a pelicanconf.py) or "plain";
    `config` the site file's text."""
    from conftest import SITE_TOML

    (root / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    front = "---\ntitle: Quotes\ndate: 2024-05-01\n---\n"
    if kind == "jekyll":
        post = root / "content" / "_posts" / "2024-05-01-quotes.md"
        (root / "_config.yml").write_text(config or "title: Example\n", encoding="utf-8")
    else:
        post = root / "content" / "posts" / "quotes.md"
        if kind == "hugo":
            (root / "hugo.toml").write_text(config or 'title = "Example"\n', encoding="utf-8")
        elif kind == "hugo content":
            (root / "content" / "posts").mkdir(parents=True)
            (root / "content" / "posts" / "_index.md").write_text("---\ntitle: Posts\n---\n")
        elif kind == "pelican":
            (root / "pelicanconf.py").write_text('SITENAME = "Example"\n', encoding="utf-8")
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text(front + TYPED, encoding="utf-8")
    return root


def _feedkit_build(root: Path) -> bytes:
    """Return atom.xml as `feedkit build` writes it, run as a user runs it."""
    from conftest import feedkit_build

    return (feedkit_build(root) / "atom.xml").read_bytes()


@pytest.mark.parametrize("kind", ["jekyll", "hugo", "hugo content"])
def test_a_jekyll_or_hugo_sites_quotes_and_dashes_are_curly_as_on_its_pages(
    tmp_path: Path, kind: str
) -> None:
    unsafe = 'title = "Example"\nmarkup.goldmark.renderer.unsafe = true\n' if kind == "hugo" else ""
    atom = _feedkit_build(_typed_site(tmp_path, kind, unsafe)).decode()
    assert f"<p>{CURLY}</p>" in atom
    assert f"<summary>{CURLY} Run echo" in atom  # the summary follows the HTML
    # Code spans, math's TeX, URLs and raw HTML (Hugo's with `unsafe`, or copied without its
    # configuration) keep what was typed.
    assert '<code>echo "a--b" ...</code>' in atom
    assert '<annotation encoding="application/x-tex">"x"--y</annotation>' in atom
    assert 'href="https://example.com/a--b..."' in atom
    assert 'title="a--b"' in atom
    assert 'print("straight") # -- ...' in atom and STRAIGHT not in atom


@pytest.mark.parametrize("kind", ["plain", "pelican"])
def test_a_plain_or_pelican_site_keeps_its_straight_quotes(tmp_path: Path, kind: str) -> None:
    atom = _feedkit_build(_typed_site(tmp_path, kind)).decode()
    assert f"<p>{STRAIGHT}</p>" in atom
    assert f"<summary>{STRAIGHT} Run echo" in atom
    assert "“" not in atom and "–" not in atom


@pytest.mark.parametrize(
    "config",
    [
        "[markup.goldmark.extensions.typographer]\ndisable = true\n",  # Hugo 0.112 on
        "[markup.goldmark.extensions]\ntypographer = false\n",  # Hugo up to 0.111
    ],
)
def test_a_hugo_site_with_goldmarks_typographer_off_keeps_straight_quotes(
    tmp_path: Path, config: str
) -> None:
    site = _typed_site(tmp_path, "hugo")
    assert f"<p>{CURLY}</p>" in _feedkit_build(site).decode()
    # The build cache kept the curly render: switching the typographer off renders afresh.
    (site / "hugo.toml").write_text(config, encoding="utf-8")
    atom = _feedkit_build(site).decode()
    assert f"<p>{STRAIGHT}</p>" in atom
    assert f"<summary>{STRAIGHT} Run echo" in atom


def test_a_jekyll_site_with_straight_smart_quotes_keeps_them(tmp_path: Path) -> None:
    site = _typed_site(tmp_path, "jekyll")
    assert f"<p>{CURLY}</p>" in _feedkit_build(site).decode()
    config = "kramdown:\n  smart_quotes: apos,apos,quot,quot\n"
    (site / "_config.yml").write_text(config, encoding="utf-8")
    atom = _feedkit_build(site).decode()
    # Only the quotes: kramdown's typographic symbols (dashes, the ellipsis) are a parser of
    # their own, which smart_quotes does not reach. Code keeps what was typed.
    straight_quotes = 'She said "it\'s done" – twice — and left…'
    assert f"<p>{straight_quotes}</p>" in atom
    assert f"<summary>{straight_quotes} Run echo" in atom
    assert '<code>echo "a--b" ...</code>' in atom


@pytest.mark.parametrize("kind", ["jekyll", "hugo"])
def test_a_jekyll_posts_title_is_smartified_as_jekyll_feed_shows_it(
    tmp_path: Path, kind: str
) -> None:
    # jekyll-feed writes `post.title | smartify`; Hugo's RSS template its .Title as written.
    site = _typed_site(tmp_path, kind)
    (post,) = (site / "content").rglob("*.md")
    title = '"Done" -- it\'s 1. *here*... & <b>'
    quoted = "'" + title.replace("'", "''") + "'"  # YAML's single-quoted form
    typed = post.read_text(encoding="utf-8").replace("title: Quotes", "title: " + quoted)
    post.write_text(typed + '\nSo: {{ "it\'s" | smartify }}\n', encoding="utf-8")
    atom = _feedkit_build(site).decode()
    if kind == "jekyll":
        # Its title is HTML there (jekyll-feed's strip_html): the tag taken out, as a
        # reader shows Jekyll's (checked with Jekyll 4.3).
        assert "<title>“Done” – it’s 1. *here*… &amp;</title>" in atom
        assert "So: it’s" in atom  # Liquid's filter, the same
        (site / "_config.yml").write_text(
            "kramdown:\n  smart_quotes: apos,apos,quot,quot\n", encoding="utf-8"
        )
        atom = _feedkit_build(site).decode()
        # Straight quotes, but kramdown's typographic symbols all the same: smartify makes
        # them whatever smart_quotes says.
        assert '<title>"Done" – it\'s 1. *here*… &amp;</title>' in atom
        return
    assert '<title>"Done" -- it\'s 1. *here*... &amp; &lt;b&gt;</title>' in atom


@pytest.mark.parametrize(
    ("kind", "shown"),
    [
        # kramdown's typographic symbols: a space inside the pair is a no-break one.
        ("jekyll", "Il a dit «&nbsp;oui&nbsp;», «2» et a»b"),
        ("hugo", "Il a dit « oui », «2» et a»b"),  # Goldmark's typographer
        ("plain", "Il a dit &lt;&lt; oui &gt;&gt;, &lt;&lt;2&gt;&gt; et a&gt;&gt;b"),
    ],
)
def test_double_angle_quotes_are_guillemets_as_the_sites_typographer_makes_them(
    tmp_path: Path, kind: str, shown: str
) -> None:
    site = _typed_site(tmp_path, kind)
    (post,) = (site / "content").rglob("*.md")
    post.write_text(
        "---\ntitle: '<< Oui >>'\ndate: 2024-05-01\n---\n"
        "Il a dit << oui >>, <<2>> et a>>b.\n\n"
        "Kept: `x << y`, \\<< 3.\n\n>> a nested quote\n\n```\nz >> 1\n```\n",
        encoding="utf-8",
    )
    from html import unescape  # the entry's HTML, as the feed carries it escaped once

    atom = _feedkit_build(site).decode()
    content = unescape(atom)
    assert f"<p>{shown}.</p>" in content
    assert "<code>x &lt;&lt; y</code>, &lt;&lt; 3." in content
    assert "<blockquote>\n<blockquote>" in content
    assert "z &gt;&gt; 1" in content
    title = {"jekyll": "«\u00a0Oui\u00a0»"}.get(kind, "&lt;&lt; Oui &gt;&gt;")
    assert f"<title>{title}</title>" in atom


def test_a_hugo_sites_digest_shows_the_quotes_its_feed_does(tmp_path: Path) -> None:
    from feedkit.config import load_config
    from feedkit.mail.snapshot import make_record
    from feedkit.posts.loader import load_posts

    from conftest import NOW

    site = _typed_site(tmp_path, "hugo")
    toml = (site / "feedkit.toml").read_text(encoding="utf-8")
    toml += '\n[digest]\nfrom = "Ada <ada@example.org>"\ncontent = "full"\n'
    (site / "feedkit.toml").write_text(toml, encoding="utf-8")
    cfg = load_config(site / "feedkit.toml")
    posts = load_posts(cfg).posts
    (snap,) = make_record(posts, cfg, NOW, among=posts).posts
    assert snap.summary.startswith(f"{CURLY} Run echo")
    assert f"<p>{CURLY}</p>" in snap.html
    assert '<code>echo "a--b" ...</code>' in snap.html


def test_a_divider_in_code_that_spans_lines_or_blank_ones_is_code_and_the_next_one_counts() -> None:
    # Only the text up to a blank line after a divider is parsed to place it: a code span
    # whose closing backtick is on a later line, and a <pre> or fence holding blank lines,
    # must still make code of the divider in them.
    span = "Say `a <!--more-->\nb` to cut.\n\nThe intro <!--more--> ends here.\n\nRest."
    assert summarize(span, None, 500) == "Say a <!--more--> b to cut. The intro"
    assert "&lt;!--more--&gt;" in html(span) and html(span).count("more") == 1
    pre = "```\nx\n\n<!--more-->\n\ny\n```\n\nOpening.\n<!--more-->\nRest."
    assert summarize(pre, None, 500) == "Opening."
    assert html(pre).count("&lt;!--more--&gt;") == 1 and "<!--" not in html(pre)
    fence_late = "Text.\n\n~~~\n<!--more-->\n~~~"
    assert summarize(fence_late, None, 500) == "Text."
