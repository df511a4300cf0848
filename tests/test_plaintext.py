"""Plain text of a post (feedkit/posts/plaintext.py): summaries, plain text, reading time."""

from __future__ import annotations

import pytest

from feedkit.posts.plaintext import measure, plain_text, summarize, truncate


def test_summary_writes_math_readably() -> None:
    body = "Let $\\alpha \\in \\mathcal{D}$ and $x_i^2 \\le \\frac{a+b}{2}$.\n"
    assert summarize(body, None, 500) == "Let α ∈ 𝒟 and xᵢ² ≤ (a + b)/2."
    assert summarize("Body.", "About $\\mathbb{R}^n$.", 500) == "About ℝⁿ."
    assert summarize("Bad $\\left( x$ math.", None, 500) == "Bad $\\left( x$ math."


def test_summary_prefers_front_matter_and_strips_markup() -> None:
    given = "A *short* [link](https://x.org) &amp; {{ name }} <b>x</b>"
    summary = summarize("Body text.", given, 500)
    assert summary == "A short link & x"


def test_summary_takes_text_before_more() -> None:
    body = "First **para**.\n\nSecond para.\n\n<!--more-->\n\nThird para."
    assert summarize(body, None, 500) == "First para. Second para."


def test_summary_before_more_reads_links_and_notes_defined_below_it() -> None:
    # rethinkdb's posts: `[reprogrammed us][1]` before the cut, `[1]: …` at the end. The
    # summary showed the Markdown as typed; Jekyll's excerpt and Hugo's summary show text.
    body = (
        "Intro with a footnote[^1] and a [ref link][r], `[not][r]`.\n\n<!--more-->\n\n"
        "More with [another][other].\n\n[^1]: The note,\n    on two lines.\n"
        '[r]: https://e.org/ "Title"\n  [other]:\n    https://e.org/b\n'
        "```\n[code]: https://e.org/c\n```\n"
    )
    assert summarize(body, None, 500) == "Intro with a footnote and a ref link, [not][r]."


def test_summary_before_more_takes_every_block_a_blockquote_abstract_too() -> None:
    # How a math-heavy Jekyll blog opens each post: a quoted abstract, then the cut.
    body = (
        "> In this post we derive the **bias–variance** trade-off\n"
        "> and show where it fails.\n\n"
        "- for regression\n- for classification\n\n<!--more-->\n\n## Setup\n\nBody text."
    )
    assert summarize(body, None, 300) == (
        "In this post we derive the bias–variance trade-off and show where it fails. "
        "for regression for classification"
    )


@pytest.mark.parametrize(
    ("body", "summary"),
    [
        ("> A quoted opening, and nothing else.\n", "A quoted opening, and nothing else."),
        ("- first point\n- second point\n", "first point second point"),
        # An item's text and the list inside it were joined: "Firstnested".
        ("1. First\n   - nested point\n2. Second\n", "First nested point Second"),
        ("> quoted\n> - item\n", "quoted item"),
        ("## A heading\n\n```python\nprint(1)\n```\n", "A heading"),
    ],
)
def test_a_post_that_opens_with_no_paragraph_is_summarised_by_its_text(
    body: str, summary: str
) -> None:
    assert summarize(body, None, 300) == summary


def test_a_post_with_no_text_has_no_summary() -> None:
    assert summarize("```python\nprint(1)\n```\n", None, 300) == ""


def test_summary_from_opening_paragraphs_skips_code_and_lead_in() -> None:
    opening = "word " * 60
    body = f"{opening}\n\nAs follows:\n\n```\ncode()\n```\n\nLater text."
    assert summarize(body, None, 500) == opening.strip()


def test_summary_has_no_template_tags_entities_or_html() -> None:
    body = "Use {{ title }} and {% if x %} in &lt;templates&gt; with <em>care</em> &amp; love.\n"
    assert summarize(body, None, 500) == "Use and in <templates> with care & love."


def test_summary_is_cut_at_a_word_boundary_with_ellipsis() -> None:
    text = " ".join(f"word{i}" for i in range(200))
    summary = summarize(text, None, 100)
    assert summary.endswith("…")
    assert len(summary) <= 100
    assert summary[:-1] in text and text[len(summary) - 1] == " "


def test_truncate_keeps_short_text() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("one two three four", 12) == "one two…"


def test_truncate_cuts_text_without_spaces_at_its_last_full_stop_or_comma() -> None:
    # Chinese and Japanese have no spaces: summaries were cut inside a word (日本語の…).
    japanese = "日本語の文章です。" * 200
    assert truncate(japanese, 500) == "日本語の文章です。" * 54 + "日本語の文章です…"
    chinese = "这是一个句子，还有更多的内容。" * 50
    cut = truncate(chinese, 100)
    assert cut.endswith("这是一个句子…") and len(cut) <= 100
    # No stop in the second half: cut at the limit, as before.
    assert truncate("x" * 3000, 50) == "x" * 49 + "…"


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("Family: " + "👨‍👩‍👧‍👦" * 30, "👨‍👩‍👧‍👦"),  # seven code points, joined by U+200D
        ("Flags " + "🇩🇪" * 40, "🇩🇪"),  # two regional indicators a flag
        ("e\u0301" * 60, "e\u0301"),  # a letter and its combining accent
        ("👍🏽" * 40, "👍🏽"),  # a skin tone
    ],
    ids=["zwj", "flags", "accent", "skin-tone"],
)
def test_truncate_without_a_space_keeps_whole_characters(text: str, whole: str) -> None:
    # The cut fell inside them: half a family, a lone "D" of a flag, an accent gone.
    for limit in range(20, 60):
        cut = truncate(text, limit)
        assert len(cut) <= limit and cut.endswith("…")
        body = cut[:-1]
        start = text.index(whole[0])
        assert (len(body) - start) % len(whole) == 0, (limit, cut)
        assert text.startswith(body)


def test_plain_text_keeps_math_and_inline_code() -> None:
    assert plain_text("Let $x_1$ be `x < y`.") == "Let x₁ be x < y."


def test_reading_time_and_word_count() -> None:
    assert measure("word " * 230) == (230, 1)
    assert measure("word " * 231) == (231, 2)
    assert measure("") == (0, 1)
    words, minutes = measure("日本語" * 500)  # 1,500 CJK characters at 500 a minute
    assert minutes == 3 and words >= 1500


def test_a_body_with_no_cjk_character_is_measured_without_the_cjk_pattern() -> None:
    # Compiling the pattern takes 3.5 ms, a few per cent of a rebuild after one edit; curly
    # quotes, accents and Cyrillic (up to U+303F) cannot hold a CJK character.
    from feedkit.posts import plaintext

    plaintext._cjk.cache_clear()
    assert measure("Café “quoted”, naïve — Привет, 〜 " * 100) == (600, 3)
    # Emoji and symbols past the CJK blocks (U+1F600, U+2603 snow, U+FF01): the pattern is
    # looked for only when one of the characters past U+303F is in a CJK block.
    assert measure("Shipped 🎉 ☃ ！ " * 100) == (400, 2)
    assert plaintext._cjk.cache_info().misses == 0
    assert measure("It’s ぁ and 한") == (4, 1)  # just past the line: U+3041, U+D55C
    assert measure("x\ufb01 \uf900") == (2, 1)  # past the last block; in it (U+F900)


def test_summary_has_no_script_or_style_text() -> None:
    body = "Hello <script>alert(1)</script> world <style>p{}</style> and <b>bold</b> $x$.\n"
    assert summarize(body, None, 500) == "Hello world and bold x."
    assert summarize("Body.", "A <script>alert(1)</script>summary", 500) == "A summary"


def test_a_formula_on_its_own_ends_the_opening_like_any_other_block() -> None:
    body = (
        "Machin's formula gives pi quickly, and this post shows how to use it well.\n\n"
        "It reads:\n\n$$\n\\pi = 4 \\arctan x\n$$\n\nMore text after the formula.\n"
    )
    assert summarize(body, None, 100) == (
        "Machin's formula gives pi quickly, and this post shows how to use it well."
    )


def test_a_formula_within_a_short_opening_is_read_on_with_its_text() -> None:
    # Before a third of the limit, a formula on its own does not end the opening, which
    # goes on past it: with the formula as text, or the lead-in would run on into the text
    # after it ("First and display: After.").
    body = "First and display:\n\n$$\nx^2\n$$\n\nAfter.\n"
    assert summarize(body, None, 300) == "First and display: x² After."
    # MathML written as a block is left out (its text, without TeX, reads `a b` for a/b),
    # and so is a code block.
    mathml = '<math display="block"><mfrac><mi>a</mi><mi>b</mi></mfrac></math>'
    assert summarize(f"We get:\n\n{mathml}\n\nThen more.\n", None, 300) == "We get: Then more."
    assert summarize("Run:\n\n```\nmake\n```\n\nDone.\n", None, 300) == "Run: Done."


def test_the_text_of_html_blocks_is_summary_text_but_not_their_scripts() -> None:
    body = '<div class="lead">An <b>HTML</b> opening.<script>alert(1)</script></div>\n'
    assert plain_text(body) == "An HTML opening."
    assert summarize(body, None, 100) == "An HTML opening."


def test_the_text_of_blocks_one_after_another_stays_apart() -> None:
    # Hugo's figure shortcode writes <h4> and <p> in its <figcaption> with nothing between:
    # the summary and the digest's card read "Fig. 1The same chart".
    body = (
        '<figure><img src="c.png"><figcaption><h4>Fig. 1</h4><p>The <em>same</em> chart'
        "</p></figcaption></figure>\n\n<div>One line<br>and the next</div>\n"
    )
    assert summarize(body, None, 100) == "Fig. 1 The same chart One line and the next"


def test_alt_text_code_blocks_and_footnotes_stay_out_of_plain_text() -> None:
    body = "![a chart](c.png) Words[^1].\n\n```\ncode\n```\n\n[^1]: The note.\n"
    assert plain_text(body) == "Words."


@pytest.mark.parametrize(
    "line",
    [
        "*⏱ 15 min read*",
        "Reading time: about 7 minutes",
        "_Estimated reading time: 12 min._",
        "**5-minute read**",
        "~8 mins read",
        "3–4 min read",
        "Lesezeit: 5 Minuten",
        "⏱️ 5 min de lecture",
        "Tiempo de lectura: 6 minutos",
    ],
)
def test_a_post_s_own_reading_time_line_is_no_part_of_its_summary(line: str) -> None:
    # The reference blog's habit: a reading-time line under each title. The digest's card
    # says the reading time already; the summary starts with what the post says.
    body = f"{line}\n\nThe opening paragraph.\n\nMore text.\n"
    assert summarize(body, None, 300) == "The opening paragraph. More text."
    assert summarize(f"{line}\n\nThe cut here.\n\n<!--more-->\n\nRest.\n", None, 300) == (
        "The cut here."
    )
    # Alone (with a picture), it is the post's only text: a summary is never empty.
    assert summarize(f"{line}\n\n![A chart](c.png)\n", None, 300) != ""


def test_a_paragraph_about_minutes_is_summary_text() -> None:
    for body in (
        "It took 5 minutes to read the logs.\n\nThen more.\n",
        "5 minutes\n\nA list of things to do in five minutes.\n",
        "Opening.\n\n*⏱ 15 min read*\n\nMore.\n",  # not the first block: the post's text
    ):
        assert summarize(body, None, 300) == " ".join(body.replace("*", "").split())


@pytest.mark.parametrize("limit", [300, 400, 500, 800])
def test_a_footnote_or_link_defined_far_down_reads_as_on_the_page(limit: int) -> None:
    # Defined past the part of the post a summary reads: "subtle[^g]" and "[the paper][p]"
    # were summarised as typed, and the opening, taken for unfinished, was dropped at some
    # limits (the summary was then the update note alone).
    body = (
        "Rounding is subtle[^g] and it matters, see [the paper][p].\n\n"
        "*[Updated on 20 November 2026: added a section.]*\n\n- a list\n\n"
        + ("Filler paragraph text. " * 20 + "\n\n") * 12
        + "[^g]: Goldberg.\n\n[p]: https://example.org/p\n"
    )
    assert summarize(body, None, limit).startswith(
        "Rounding is subtle and it matters, see the paper."
    )
