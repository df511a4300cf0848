"""TeX → MathML (with the TeX as annotation) and → readable text, and TeX that cannot be read."""

from __future__ import annotations

import subprocess
import sys
import time
from xml.etree.ElementTree import fromstring

import pytest

from feedkit.posts.mathtext import mathml_as_text, tex_to_text
from feedkit.posts.texmath import tex_to_mathml


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\alpha \in \mathcal{D}", "α ∈ 𝒟"),
        (r"\Gamma, \beta \le \omega", "Γ, β ≤ ω"),
        (r"\mathbb{R}^n \to \mathbf{x}", "ℝⁿ → 𝐱"),
        (r"\mathbf{\alpha} + \mathbb{1}", "𝛂 + 𝟙"),
        (r"\frac{\pi}{4}", "π/4"),
        (r"\frac{a+b}{2k}", "(a + b)/(2k)"),
        (r"x_i^2 + x_{ij} - a_n", "xᵢ² + xᵢⱼ − aₙ"),
        (r"u = 2^{-53} \approx 1.1 \times 10^{-16}", "u = 2⁻⁵³ ≈ 1.1 × 10⁻¹⁶"),
        (r"e^{i\pi} + 1 = 0", "e^(iπ) + 1 = 0"),
        (r"x^q_d", "x_d^q"),
        (r"\sum_{k=0}^{\infty} \frac{(-1)^k}{2k+1}", "∑ₖ₌₀^∞ (−1)ᵏ/(2k + 1)"),
        (r"\left( \frac{a}{b} \right)^2", "(a/b)²"),
        # A matrix's, an array's and cases' cells apart, each sign its own; a fraction under
        # a script bracketed (they read `(cos θ − sin θ; …)`, one entry, and `a/b²`).
        (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "(a, b; c, d)"),
        (r"\begin{pmatrix} \cos\theta & -\sin\theta \end{pmatrix}", "(cos θ, −sin θ)"),
        (r"\begin{bmatrix} 1 & -2 \\ 3 & 4 \end{bmatrix}", "[1, −2; 3, 4]"),
        (r"{\frac{a}{b}}^2 \ne \frac{a}{b^2}", "(a/b)² ≠ a/b²"),
        (r"{x+y}^2 + {a_1}^2", "(x + y)² + a₁²"),
        (r"\begin{aligned} a &= b \\ c &= d \end{aligned}", "a = b; c = d"),
        (r"\text{if } x > 0", "if x > 0"),
        (r"\mathrm{fl}(a + b) = -x", "fl(a + b) = −x"),
        (r"\sqrt{n}\,u + \sqrt[3]{x+1}", "√n u + ∛(x + 1)"),
        (r"O(n \log n), \sin x", "O(n log n), sin x"),
        (r"\hat{x} + \bar z", "x̂ + z̄"),
        (r"f'(x) \label{eq:f}", "f′(x)"),
        (r"\underline{x} + \overline{AB}", "x̲ + A̅B̅"),
        (r"\widetilde{xyz} + \vec v", "xyz + v⃗"),
        (r"\mathscr{L} \ne \emptyset", "ℒ ≠ ∅"),
        (r"\det(A) + \ln y", "det(A) + ln y"),
        (r"\lim_{n \to \infty} \left(1 + \frac{1}{n}\right)^n = e", "lim_(n→∞) (1 + 1/n)ⁿ = e"),
        (r"a \! b \quad c", "ab c"),
        (r"\begin{align} a &= b \label{x} \\ c &= d \end{align}", "a = b; c = d"),
        (r"\begin{gather} a \\ b \end{gather}", "a; b"),
        (r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}", "{1, x > 0; 0, otherwise"),
        (r"E = mc^2 \tag{3}", "E = mc² (3)"),
        # What MathJax reads and math-core does not, written in what it does read.
        (
            r"\begin{equation}\begin{split} a &= b \\ c &= d \end{split}\end{equation}",
            "a = b; c = d",
        ),
        (r"\mbox{for all } n, x_1 + \dotsb + x_n", "for all n, x₁ + ⋯ + xₙ"),
        (r"\sum_{\substack{i < n \\ j < n}} a_{ij}", "∑_(i<n;j<n) aᵢⱼ"),
        (r"\begin{smallmatrix} a & b \end{smallmatrix} + \smash{y}", "a, b + y"),
        # A fraction beside what it multiplies is bracketed: `1/2x` reads as 1/(2x) (lil-log's
        # GAN posts, in digests and summaries). A relation opens an aligned row spaced.
        (r"\frac{1}{2}x + \frac{a+b}{c}d", "(1/2)x + ((a + b)/c)d"),
        (r"-\frac{1}{n}\sum_i x_i", "−(1/n)∑ᵢ xᵢ"),
        (r"\log \frac{p}{q} = 2\frac{1}{2}", "log(p/q) = 2(1/2)"),
        (r"\begin{aligned} \min_G &= a \\ &= \mathbb{E}_x \end{aligned}", "min_G = a; = 𝔼ₓ"),
        # An operator's name in a script keeps its space; a sign after a function's bracket
        # is a sign; a script with a script of its own is bracketed (lil-log's posts).
        (r"H_{\log p(x)} = \exp(-H)", "H_(log p(x)) = exp(−H)"),
        (r"f_{\mathcal{N}_K}(x) + x_{a_b} + \sin(-x)", "f_(𝒩_K)(x) + x_(a_b) + sin(−x)"),
        (r"\max_{x \in X} f(x)", "max_(x∈X) f(x)"),
    ],
)
def test_formulas_read_as_text(tex: str, text: str) -> None:
    assert tex_to_text(tex) == text


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{1}{",
        r"\foo{x}",
        "x^",
        r"\left( x",
        "a } b",
        "a & b",
        r"\text{a & b}",  # LaTeX wants \& in text
        r"\eqref{eq:f}",  # what it points to is not in the feed
        r"\newcommand{\R}{\mathbb{R}} \R",  # math-core has its own \R
        r"\large x",
    ],
)
def test_tex_that_cannot_be_read_gives_none(tex: str) -> None:
    assert tex_to_text(tex) is None
    assert tex_to_mathml(tex, False) is None


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("{", "}"), (r"\sqrt{", "}"), (r"\left(", r"\right)"), (r"\begin{matrix}", r"\end{matrix}")],
)
def test_a_formula_nested_too_deep_stays_tex_and_the_process_lives(
    opening: str, closing: str
) -> None:
    # math-core's parser recurses: 6,000 nested groups overflowed the stack and the process
    # died of a segmentation fault (a build, a check, `feedkit serve`), saying nothing.
    # Run in a child, so a crash is a failure here, not the end of the test run.
    code = (
        "from feedkit.posts.texmath import tex_to_mathml\n"
        f"deep = {opening!r} * 8000 + 'x' + {closing!r} * 8000\n"
        f"fine = {opening!r} * 150 + 'x' + {closing!r} * 150\n"
        "assert tex_to_mathml(deep, True) is None\n"
        "assert tex_to_mathml(fine, True).startswith('<math')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])


def test_mathml_keeps_the_tex_as_its_annotation() -> None:
    # MathML Core as math-core writes it: \mathcal's letter with the variation selector
    # that asks for its chancery style.
    assert tex_to_mathml(r"\alpha \in \mathcal{D}", False) == (
        '<math display="inline"><semantics><mrow><mi>α</mi><mo>∈</mo>'
        "<mrow><mspace/><mi>𝒟\ufe00</mi></mrow></mrow>"
        '<annotation encoding="application/x-tex">\\alpha \\in \\mathcal{D}</annotation>'
        "</semantics></math>"
    )
    block = tex_to_mathml("\n\\frac{a}{b}\n", True)
    assert block is not None and block.startswith('<math display="block"><semantics><mfrac>')
    assert '<annotation encoding="application/x-tex">\\frac{a}{b}</annotation>' in block


def test_markup_characters_in_tex_are_escaped_not_made_elements() -> None:
    mathml = tex_to_mathml(r"a < b \text{<b>\&</b>}", False)
    assert mathml is not None
    assert "<b>" not in mathml
    assert "<mo>&lt;</mo>" in mathml
    assert "<mtext>&lt;b&gt;&amp;&lt;/b&gt;</mtext>" in mathml
    assert "a &lt; b \\text{&lt;b&gt;\\&amp;&lt;/b&gt;}</annotation>" in mathml
    closing = tex_to_mathml(r"\text{</script>}", True)
    assert closing is not None and "</script>" not in closing
    assert "<mtext>&lt;/script&gt;</mtext>" in closing


@pytest.mark.parametrize(
    "tex",
    [
        r"\sin x + \lim_{n} a_n + \det(A)",  # function application, written as an entity
        r"\textbf{bold} \textrm{roman} \text{\emph{it} \texttt{tt}}",  # HTML in <mtext>
        r"\begin{equation} E = mc^2 \label{eq:e} \end{equation}",  # numbered, labelled
        r"\left. \frac{df}{dx} \right|_{x=0} + \begin{cases} a \end{cases}",
        r"\begin{array}{r|l} a & b \end{array} \color{red} x \mathbin{+} y \! z",  # CSS
        r"\cancel{x} + \boxed{a = 1}",  # menclose, with classes for math-core's stylesheet
    ],
)
def test_mathml_is_xml_of_mathml_elements_alone(tex: str) -> None:
    # Atom carries it as XHTML: no HTML entity XML lacks, no HTML element that would land
    # in the MathML namespace, no `style` or `class` (the W3C validator warns on them in
    # MathML), nothing a sanitiser drops, no equation number or id pointing nowhere.
    from feedkit.posts.sanitize import TAGS

    mathml = tex_to_mathml(tex, True)
    assert mathml is not None
    root = fromstring(mathml)
    names = {element.tag for element in root.iter()}
    assert names <= TAGS and not names & {"b", "i", "em", "code", "span", "a"}
    assert "(1)" not in mathml and " id=" not in mathml
    assert " style=" not in mathml and " class=" not in mathml


def test_css_layout_becomes_mathml_attributes() -> None:
    mathml = tex_to_mathml(r"\begin{aligned} a &= b \end{aligned} \color{red} x", True) or ""
    assert '<mtd columnalign="right"><mi>a</mi></mtd><mtd columnalign="left">' in mathml
    assert '<mrow mathcolor="#FF0000"><mi>x</mi></mrow>' in mathml


def test_converting_a_formula_reads_no_package_metadata() -> None:
    # A cold build whose feed shows math, and `feedkit check`, pay the converter's import:
    # it must not go through importlib.metadata (about 20 ms) to learn its own version.
    code = (
        "import sys\n"
        "from feedkit.posts.mathtext import tex_to_text\n"
        "from feedkit.posts.texmath import tex_to_mathml\n"
        "assert tex_to_mathml('x^2', True) and tex_to_text('x^2') == 'x²'\n"
        "print(sorted(m for m in sys.modules if m.startswith('importlib.metadata')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_mathml_as_text_puts_the_readable_form_in_place_of_each_formula() -> None:
    fragment = "<p>Let " + (tex_to_mathml(r"x_1 < \alpha", False) or "") + " hold.</p>"
    assert mathml_as_text(fragment) == (
        '<p>Let <span class="math inline" title="x_1 &lt; \\alpha">x₁ &lt; α</span> hold.</p>'
    )


def test_a_repeated_formula_is_converted_once() -> None:
    tex = r"\sum_{i=1}^{n} x_i^2 + \frac{\alpha}{\beta_j} - \sqrt{\gamma}"
    start = time.perf_counter()
    tex_to_mathml(tex, True)
    first = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(100):
        tex_to_mathml(tex, True)
    again = (time.perf_counter() - start) / 100
    assert again < first / 10


def test_math_in_a_formulas_text_is_math_as_mathjax_reads_it() -> None:
    # timvieira's blog: `\text{ for $1 \le i \le d$}` in an align*: the formula stayed TeX
    # in feeds (math-core reads no `$` in text), where MathJax typesets the inner math.
    from feedkit.posts.texmath import tex_to_mathml

    out = tex_to_mathml(r"a \text{ if $x \le 1$ and $y$ ok}", False)
    assert out is not None
    assert (
        "<mtext>\u00a0if\u00a0</mtext><mi>x</mi><mo>≤</mo><mn>1</mn><mtext>\u00a0and\u00a0"
        "</mtext><mi>y</mi>"
    ) in out
    assert r"\text{ if $x \le 1$ and $y$ ok}" in out  # the post's own TeX, as written
    # One `$`: no math in the text, and none math-core makes MathML of: TeX, as before.
    assert tex_to_mathml(r"\text{ costs $5 }", False) is None


def test_an_eqnarray_is_mathml() -> None:
    # LaTeX's eqnarray (older posts; timvieira's), which math-core does not know: an array
    # of three columns, right, centre and left, as LaTeX sets them.
    from feedkit.posts.texmath import tex_to_mathml

    for tex in (
        r"\begin{eqnarray*} a &=& b \\ c &\le& d \end{eqnarray*}",
        r"\begin{eqnarray} a &=& b \end{eqnarray}",
    ):
        out = tex_to_mathml(tex, True)
        assert out is not None and "<mtable" in out and tex.replace("&", "&amp;") in out


def test_a_line_breaks_extra_space_is_no_text_of_the_next_row() -> None:
    # `\\[4pt]` (kenyi-blog's aligned formulas): math-core read `[4pt]` as text at the start
    # of the next row, where MathJax and LaTeX put the rows that much further apart.
    from feedkit.posts.mathtext import tex_to_text
    from feedkit.posts.texmath import tex_to_mathml

    for tex in (
        r"\begin{aligned} a &= b,\\[4pt] c &= d \end{aligned}",
        r"\begin{aligned} a &= b,\\ [-1.5em] c &= d \end{aligned}",
        r"\begin{aligned} a &= b,\\[2\jot] c &= d \end{aligned}",
    ):
        out = tex_to_mathml(tex, True)
        assert out is not None and out.count("<mtr>") == 2
        row = out.split("<annotation")[0]
        assert "[</mo>" not in row and "<mn>" not in row  # no `[`, no length
        assert tex.replace("&", "&amp;") in out  # the post's own TeX, as written
        assert tex_to_text(tex) == "a = b,; c = d"
    # A bracket that is no length stays the next row's.
    out = tex_to_mathml(r"\begin{pmatrix} a \\ [0, 1] \end{pmatrix}", True)
    assert out is not None and '<mo stretchy="false">[</mo><mn>0</mn>' in out
