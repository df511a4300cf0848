"""A character right before another, found by each of the first (feedkit/posts/pairs.py) as
re finds the pair: templates' `{{` and `{%`, kramdown's `{:` and `*[`."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from feedkit.posts.pairs import LOOKS, after, before_one_of

# Few characters, so that pairs and near misses come up often; long texts go past LOOKS.
TEXTS = st.text(alphabet="{%:*[ab\n🚀é", max_size=120)
OPENING = re.compile(r"\{[{%]")
ABBREVIATION = re.compile(r"\*\[")


@settings(max_examples=3000)
@given(TEXTS)
def test_a_pair_is_found_as_re_finds_it(text: str) -> None:
    assert before_one_of(text, "{", "{%", OPENING) == (OPENING.search(text) is not None)
    assert after(text, "*", "[", ABBREVIATION) == (ABBREVIATION.search(text) is not None)


def test_a_pair_after_many_near_misses_is_found_by_the_search() -> None:
    misses = "{a *b [c " * (LOOKS * 2)
    for text, found in ((misses + "{%", True), (misses, False), (misses + "*[", True)):
        assert before_one_of(text, "{", "{%", OPENING) == (found and "{%" in text)
        assert after(text, "*", "[", ABBREVIATION) == (found and "*[" in text)
    # At the ends: a last "{" with nothing after it, a first "[" with nothing before it.
    assert not before_one_of("a{", "{", "{%", OPENING) and not after("[a", "*", "[", ABBREVIATION)
