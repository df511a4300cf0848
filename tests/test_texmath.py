"""TeX → MathML (with the TeX as annotation) and → readable text, and TeX that cannot be read."""

from __future__ import annotations

import time

import pytest

from feedkit.posts.texmath import mathml_as_text, tex_to_mathml, tex_to_text


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
        (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "(a b; c d)"),
        (r"\begin{aligned} a &= b \\ c &= d \end{aligned}", "a = b; c = d"),
        (r"\text{if } x > 0", "if x > 0"),
        (r"\mathrm{fl}(a + b) = -x", "fl(a + b) = −x"),
        (r"\sqrt{n}\,u + \sqrt[3]{x+1}", "√n u + ∛(x + 1)"),
        (r"O(n \log n), \sin x", "O(n log n), sin x"),
        (r"\hat{x} + \bar z", "x̂ + z̄"),
        (r"f'(x) \label{eq:f}", "f′(x)"),
    ],
)
def test_formulas_read_as_text(tex: str, text: str) -> None:
    assert tex_to_text(tex) == text


@pytest.mark.parametrize("tex", [r"\frac{1}{", r"\foo{x}", "x^", r"\left( x", "a } b", "a & b"])
def test_tex_that_cannot_be_read_gives_none(tex: str) -> None:
    assert tex_to_text(tex) is None
    assert tex_to_mathml(tex, False) is None


def test_mathml_keeps_the_tex_as_its_annotation() -> None:
    assert tex_to_mathml(r"\alpha \in \mathcal{D}", False) == (
        '<math display="inline"><semantics><mrow><mi>α</mi><mo>∈</mo><mi>𝒟</mi></mrow>'
        '<annotation encoding="application/x-tex">\\alpha \\in \\mathcal{D}</annotation>'
        "</semantics></math>"
    )
    block = tex_to_mathml("\n\\frac{a}{b}\n", True)
    assert block is not None and block.startswith('<math display="block"><semantics><mrow><mfrac>')
    assert '<annotation encoding="application/x-tex">\\frac{a}{b}</annotation>' in block


def test_markup_characters_in_tex_are_escaped_not_made_elements() -> None:
    mathml = tex_to_mathml(r"a < b \text{<b>&</b>}", False)
    assert mathml is not None
    assert "<b>" not in mathml
    assert "<mo>&lt;</mo>" in mathml
    assert "<mtext>&lt;b&gt;&amp;&lt;/b&gt;</mtext>" in mathml
    assert "a &lt; b \\text{&lt;b&gt;&amp;&lt;/b&gt;}</annotation>" in mathml


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
