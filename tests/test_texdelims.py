"""`\\(…\\)` and `\\[…\\]`, as MathJax and KaTeX blogs write math: formulas like `$…$`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from feedkit.posts.markup import render_html
from feedkit.posts.plaintext import summarize
from feedkit.posts.reading import Reading
from feedkit.posts.texdelims import convert, formulas, has_delimiters
from feedkit.site.build import plan_build

from conftest import NOW, MakeSite


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Let \\\\(x^2\\\\) be.", "Let $x^2$ be."),
        ("Set \\\\(\\\\{x\\\\}\\\\) here.", "Set $\\{x\\}$ here."),  # Markdown's escapes read
        ("\\\\[ a + b \\\\]\n", "$$a + b$$\n"),
        ("<p>\\(x &lt; 1\\)</p>\n", '<p><span class="math math-inline">x &lt; 1</span></p>\n'),
        ("<div>\\[x\\]</div>\n", '<div><span class="math math-display">x</span></div>\n'),
    ],
)
def test_mathjax_delimiters_become_math(markdown: str, expected: str) -> None:
    assert convert(markdown) == expected


@pytest.mark.parametrize(
    "markdown",
    [
        "An escaped \\[1\\] bracket and \\(paren\\).",  # one backslash in Markdown: escapes
        "`\\\\(x\\\\)` in code",
        "```\n\\\\(x\\\\)\n```\n",
        "    \\\\(indented code\\\\)\n",
        "Money \\\\($5\\\\) and nothing \\\\(\\\\).",
    ],
)
def test_what_is_not_a_formula_is_left_as_written(markdown: str) -> None:
    assert convert(markdown) == markdown


def test_formulas_are_mathml_in_feeds_and_readable_in_summaries() -> None:
    body = "Let \\\\(\\\\alpha \\\\in \\\\mathcal{D}\\\\).\n\n<p>\\(\\varphi\\)</p>\n"
    out = render_html(body, "https://e.org/p/", "p")
    assert out.count('<math display="inline">') == 2
    assert '<annotation encoding="application/x-tex">\\alpha \\in \\mathcal{D}</annotation>' in out
    assert summarize(body, None, 100) == "Let α ∈ 𝒟."


def test_the_fixture_post_reaches_the_feeds_as_mathml(make_site: MakeSite) -> None:
    cfg = make_site("math/mathjax-delimiters.md")
    plan = plan_build(cfg, NOW)
    (item,) = json.loads(plan.files["feed.json"])["items"]
    html = item["content_html"]
    assert html.count('<math display="inline">') == 3
    assert html.count('<math display="block">') == 1
    assert "\\(" not in html.replace("<code>code \\\\(y\\\\)</code>", "")
    assert "[1]" in html
    assert item["summary"].startswith("A blog that typesets math in the browser writes α ∈ 𝒟")


def test_latex_environments_without_dollars_are_math(make_site: MakeSite) -> None:
    # A MathJax blog's `\begin{equation}…\end{equation}` in text: its page shows the
    # formula, feeds showed the TeX.
    cfg = make_site("math/mathjax-environments.md")
    plan = plan_build(cfg, NOW)
    (item,) = json.loads(plan.files["feed.json"])["items"]
    html = item["content_html"]
    assert html.count('<math display="block">') == 1
    assert html.count('<math display="inline">') == 1
    assert "\\begin{equation}" not in html.replace(
        "<code>\\begin{equation} x \\end{equation}</code>", ""
    ).replace('x-tex">\\begin{equation}', "")
    assert "\\begin{itemize}" in html
    assert plan.warnings == ()


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "such that:\n\n\\\\begin{equation} \\alpha dp = -g dz \\\\end{equation}\n",
            "such that:\n\n$$\\begin{equation} \\alpha dp = -g dz \\end{equation}$$\n",
        ),
        (
            "So \\\\begin{align} x \\\\end{align} holds.",
            "So $\\begin{align} x \\end{align}$ holds.",
        ),
        ("\\begin{equation} x \\end{equation}\n", "$$\\begin{equation} x \\end{equation}$$\n"),
    ],
)
def test_an_environment_with_doubled_backslashes_is_math(markdown: str, expected: str) -> None:
    # As Markdown read by MathJax writes it (`\\begin{equation}`, the page shows
    # `\begin{equation}`): a real Pelican blog's formula reached readers as TeX between
    # two `$` the post never had.
    assert convert(markdown) == expected
    assert convert(markdown, kramdown=True) == expected


@pytest.mark.parametrize(
    "text",
    [
        "$1",
        "a$1",
        " $1",
        "\n$1 and x$2",
        "a\u00a0$1",
        "(x)$0.5",
        "$$1",
        "$a $1",
        "ab $ 1",
        "a\u2003$9",
    ],
)
def test_a_price_right_after_text_is_found_as_the_look_behind_found_it(text: str) -> None:
    # The quick look (a `$` and a digit, then the character before) answers as the pattern
    # `(?<=\S)\$\d` did, Unicode white space included.
    import re

    from feedkit.posts.texdelims import _price_after_text

    assert _price_after_text(text) is (re.search(r"(?<=\S)\$\d", text) is not None)


def test_a_dollar_before_a_digit_ends_no_formula() -> None:
    # As in Pandoc: `[$0.01 an hour](…). Disk is [$0.04/month](…)` was one formula across
    # both links (the first link lost, Markdown shown), and `**$0.46**` ended another.
    from feedkit.posts.markup import render_html

    def html(text: str) -> str:
        return render_html(text, "https://e.org/", "p", "source")

    assert html("A VM is [$0.01 an hour](https://e.org/a). Disk is [$0.04](https://e.org/b).") == (
        '<p>A VM is <a href="https://e.org/a">$0.01 an hour</a>. Disk is '
        '<a href="https://e.org/b">$0.04</a>.</p>\n'
    )
    assert html("$0.06 + $0.40 = **$0.46/month**!") == (
        "<p>$0.06 + $0.40 = <strong>$0.46/month</strong>!</p>\n"
    )
    assert html("from $1,000-$2,000, and $y$") == (
        '<p>from $1,000-$2,000, and <span class="math inline">$y$</span></p>\n'
    )
    # Formulas that start with a digit, or stand in brackets, stay formulas; code is code.
    assert html("($2^n$) and $3x$, `$1-$2`") == (
        '<p>(<span class="math inline">$2^n$</span>) and <span class="math inline">$3x$</span>'
        ", <code>$1-$2</code></p>\n"
    )


def test_a_passthrough_block_with_blank_lines_is_one_formula() -> None:
    # Hugo passes the block through whole; CommonMark would end the paragraph at the blank line.
    # Written for Goldmark's reading of `$$` (texdelims.dollars): read, the TeX as written.
    from feedkit.posts.texdelims import dollar_escapes, passthrough

    text = (
        "Before.\n\n\\[\n\\begin{aligned}\na &= 1 \\\\\n\nb &= 2\n\\end{aligned}\n\\]\n\nAfter.\n"
    )
    written = passthrough(text, (("\\[", "\\]", True),), "commonmark")
    assert written.startswith("Before.\n\n$$\\\\begin\\{aligned\\}")
    assert dollar_escapes(written, "commonmark") == (
        "Before.\n\n$$\\begin{aligned}\na &= 1 \\\\\nb &= 2\n\\end{aligned}$$\n\nAfter.\n"
    )


def test_kramdowns_escapes_are_read_in_a_jekyll_posts_formula() -> None:
    # `\,` is no escape to kramdown (a Jekyll site's converter): MathJax on the page gets a
    # thin space; CommonMark's reading left a comma ("H₀(,⋅,,Q)", "arg,max").
    text = r"A point: \\( H_0(\, \cdot \,, \mathbb{Q}) \\) and \\( \mathop{\rm arg\,max}_x \\)."
    assert convert(text, kramdown=True) == (
        r"A point: $H_0(\, \cdot \,, \mathbb{Q})$ and $\mathop{\rm arg\,max}_x$."
    )
    assert convert(text) == r"A point: $H_0(, \cdot ,, \mathbb{Q})$ and $\mathop{\rm arg,max}_x$."


def test_a_formulas_lines_that_would_start_a_block_stay_in_the_formula() -> None:
    # goodgodgd's GraphSLAM post: `- b` on a line of a `$$` block made a list of the
    # formula's pieces (CommonMark ends the paragraph there); kramdown, Python-Markdown's
    # math and MathJax read the formula whole. A `%` comment keeps its line's end.
    from feedkit.posts.mathblocks import joined_marker_lines

    text = (
        "$$\nf(x) = a\n- b\n+ c\n1. d\n> e\n# f\n$$\n\n$$\ng % note\n- h\n$$\n\n"
        "```\n$$\na\n- b\n$$\n```\n\n$$x$$ then\n- a list item\n"
    )
    assert joined_marker_lines(text) == (
        "$$\nf(x) = a - b + c 1. d > e # f\n$$\n\n$$\ng % note\n- h\n$$\n\n"
        "```\n$$\na\n- b\n$$\n```\n\n$$x$$ then\n- a list item\n"
    )
    assert convert(text) == text  # no `\\(`: left to joined_marker_lines alone
    html = render_html("$$\nf(x) = a\n- b\n$$\n", "https://e.org/", "p", "source")
    assert html == '<p><span class="math display">$$\nf(x) = a - b\n$$</span></p>\n'


def test_math_blocks_are_looked_for_where_a_line_starts_with_dollars() -> None:
    # The `$$` blocks of joined_marker_lines and joined_block_math are tried only where a
    # line starts with (up to three spaces and) `$$`: the same blocks as their patterns
    # tried at every character, over many texts of their pieces.
    import random

    from feedkit.posts.mathblocks import _BLOCK_MATH, _MULTILINE_MATH, _from_line_starts

    chance = random.Random(7)
    pieces = ["$$", "$", "\n", "\n\n", "  ", " ", "a", "- ", "# ", "> ", "\t", "1. ", "```", "%"]
    found = 0
    for _ in range(40_000):
        text = "".join(chance.choices(pieces, k=chance.randint(0, 30)))
        for pattern in (_MULTILINE_MATH, _BLOCK_MATH):
            expected = [(m.span(), m.groups()) for m in pattern.finditer(text)]
            assert [(m.span(), m.groups()) for m in _from_line_starts(pattern, text)] == expected
            found += len(expected)
    assert found > 1_000


def test_an_environment_with_math_in_its_text_is_one_formula() -> None:
    # timvieira's blog: `\text{ for $1 \le i \le d$}` in an align* environment; only the
    # inner `$…$` was a formula, the environment left as text around it.
    body = "\\begin{align*}\nz_i &= x_i & \\text{ for $1 \\le i \\le d$}\n\\end{align*}\n"
    assert convert(body) == "$$" + body.rstrip("\n") + "$$\n"
    html = render_html(body, "https://e.org/", "p", "mathml")
    assert html.count("<math") == 1 and 'display="block"' in html


def test_formulas_as_written_for_a_pelican_site_with_render_math() -> None:
    # timvieira's and lzamparo's blogs: render_math takes formulas out before Markdown, so
    # `\!` and `\\` stay; feedkit read Markdown's escapes in them (`\nabla_{! z_j}`, a lost
    # line break). `\(x\)` with one backslash is a formula there too.
    body = (
        "\\begin{eqnarray*}\n0 &=& \\nabla_{\\! z} \\\\\nb &=& c\n\\end{eqnarray*}\n\n"
        "In \\(x^2\\) text.\n"
    )
    assert convert(body, as_written=True) == (
        "$$\\begin{eqnarray*}\n0 &=& \\nabla_{\\! z} \\\\\nb &=& c\n\\end{eqnarray*}$$\n\n"
        "In $x^2$ text.\n"
    )
    assert "\\nabla_{! z}" in convert(body)  # a page's MathJax reads the Markdown's escapes
    assert "\\(x^2\\)" in convert(body)  # and `\(` is an escaped bracket


def test_formulas_between_double_dollars_in_raw_html_are_math() -> None:
    # suikei-wang's cs231n notes: `<center>$$ d_1 … $$</center>`, which MathJax typesets on
    # the page; feedkit left the `$$` as typed (it read `\(…\)` in HTML only).
    body = "<center>$$ d_1 = \\sum_p |a_p| $$</center>\n\n<div>Price: $5, or $6</div>\n"
    assert convert(body) == (
        '<center><span class="math math-display">d_1 = \\sum_p |a_p|</span></center>\n\n'
        "<div>Price: $5, or $6</div>\n"
    )
    assert convert("No HTML: $$x$$ here.\n") == "No HTML: $$x$$ here.\n"
    # After an element's end, on a line of its own: text kramdown reads (its math rule).
    after = "<center>image</center>\nWorking with $$ f $$.\n"
    assert convert(after, kramdown=True) == after


# A formula between `$`, which the site's converter reads as text (no math to it), and the
# page's MathJax typesets after: the escapes in it read as that converter reads them.
DOLLAR_BODY = (
    "Law of $\\mathbf{X} \\| \\mathbf{Y}$ is $\\Omega\\_{XX} \\ast 2$, not \\$5.\n\n"
    "$$a\\_b + \\{c\\}$$\n\n`$x\\_y$` stays code.\n"
)


def dollar_formulas(reading: Reading) -> list[str]:
    html = render_html(DOLLAR_BODY, "https://e.org/", "p", "source", reading)
    assert "<code>$x\\_y$</code>" in html and "not $5." in html
    return re.findall(r'class="math (?:inline|display)">(.*?)</span>', html)


def test_escapes_in_dollar_formulas_are_read_as_the_sites_converter_reads_them() -> None:
    # A Jekyll blog's `$\Omega\_{XX}$`: kramdown shows `\Omega_{XX}` to MathJax (`\_` kept
    # it from emphasis); feedkit's feeds had `\Omega\_{XX}`, a backslash and a space.
    from feedkit.config import Config
    from feedkit.posts.jekyllreading import jekyll_reading
    from feedkit.posts.reading import PLAIN, goldmark, pelican_reading

    jekyll = jekyll_reading(Config(root=Path("."), title="t", base_url="https://e.org/"), None, {})
    read = ["$\\mathbf{X} \\vert \\mathbf{Y}$", "$\\Omega_{XX} \\ast 2$"]
    # kramdown's own math, `$$`, as written; `\|` is `\vert` (a pipe would make a table row).
    assert dollar_formulas(jekyll[0]) == [*read, "$$a\\_b + \\{c\\}$$"]
    for reading in (goldmark(False), pelican_reading(frozenset())):
        assert dollar_formulas(reading) == [*read, "$$a_b + {c}$$"]
    as_written = [
        "$\\mathbf{X} \\| \\mathbf{Y}$",
        "$\\Omega\\_{XX} \\ast 2$",
        "$$a\\_b + \\{c\\}$$",
    ]
    # feedkit's own posts, Hugo's passthrough of `$`, Pelican's render_math: as written.
    for reading in (PLAIN, goldmark(False, dollar_escapes=""), pelican_reading(frozenset(), True)):
        assert dollar_formulas(reading) == as_written


def test_a_formula_whose_reading_would_change_the_text_around_it_stays_as_written() -> None:
    from feedkit.posts.texdelims import dollar_escapes

    # `\-` read at a line's start would make a list item of the formula's second line.
    text = "$a\\_1\n\\- b$ and $c\\_2$\n"
    assert dollar_escapes(text, "commonmark") == text
    # Read, `\\` at the end would escape the closing `$`: that one stays as written.
    text = "$a \\\\$ then $b\\_1$.\n"
    assert dollar_escapes(text, "commonmark") == "$a \\\\$ then $b_1$.\n"
    assert dollar_escapes("$a \\\\\\\\$\n", "commonmark") == "$a \\\\$\n"  # an even number
    # Over lines in a quote: each line keeps its `>`.
    assert dollar_escapes("> $$a\\_b\n> c\\_d$$\n", "commonmark") == "> $$a_b\n> c_d$$\n"


def test_the_formulas_convert_makes_are_given_with_their_lines() -> None:
    # For `markup.math_warnings`: each with the line it starts on, its TeX as rendering gets
    # it (escapes read), and whether it is displayed; none in code, none with dollars.
    text = (
        "Text \\\\(a\\\\) then\n\n<div>\n\\[ \\bad{b} \\]\n</div>\n\n"
        "\\begin{equation}\nc \\\\\n\\end{equation}\n\n`\\\\(code\\\\)` and $x$\n"
    )
    assert formulas(text) == [
        (1, "a", False),
        (4, "\\bad{b}", True),
        (7, "\\begin{equation}\nc \\\n\\end{equation}", True),
    ]
    assert formulas("No delimiters, $x$ only.\n") == []


def test_has_delimiters_is_the_three_looks_it_replaced() -> None:
    # By each backslash, or one pattern past eight of them: what the searches for `\(`,
    # `\[` and `\begin{` said, and `$$` with a tag.
    import random

    rng = random.Random(5)
    alphabet = ["\\", "(", "[", "begin{", "$", "$$", "<", "<b>", "a", " ", "\n", "é", "🚀"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 120)))
        old = ("\\" in text and ("\\(" in text or "\\[" in text or "\\begin{" in text)) or (
            "$$" in text and "<" in text and re.search("<[A-Za-z]", text) is not None
        )
        assert has_delimiters(text) == old, text
