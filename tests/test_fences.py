"""Whether a text's `$` signs can only be code (feedkit/posts/fences.py): the lines that may be
fences are found by their backticks and tildes as its pattern finds them from each line end."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from feedkit.posts.fences import _FENCE_LINE, LOOKS, dollars_only_in_code, fence_lines

LINES = st.lists(st.text(alphabet="`~ \t$<!->a", max_size=12), max_size=LOOKS + 20).map("\n".join)


def matches(found: object) -> list[tuple[int, int, tuple[str | None, ...]]]:
    return [(m.start(), m.end(), m.groups()) for m in found]  # type: ignore[attr-defined]


@settings(max_examples=2000)
@given(LINES)
def test_fence_lines_are_the_patterns_matches(text: str) -> None:
    assert matches(fence_lines(text)) == matches(_FENCE_LINE.finditer(text))


def test_fence_lines_past_the_looks_are_found_by_the_search() -> None:
    text = "\n".join(["`code` and ~", "```", "$x", "```"] * LOOKS)
    assert matches(fence_lines(text)) == matches(_FENCE_LINE.finditer(text))
    assert len(matches(fence_lines(text))) == 2 * LOOKS
    assert dollars_only_in_code(text)  # every `$x` is in a fence
    assert not dollars_only_in_code(text + "\nCosts $5.")  # past the looks, one is not
