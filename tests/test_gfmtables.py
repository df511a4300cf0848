"""The quick look of feedkit/posts/gfmtables.py for a table right below a paragraph's line."""

from __future__ import annotations

import random
import re

import pytest

from feedkit.posts.gfmtables import _may_have_table_after_line, tables_after_lines
from feedkit.posts.markup import _OPTIONS

# The look as one pattern over the three lines (a line of text, a header row that does not
# begin with `|`, a delimiter row), tried at every line: what the quick look must find.
_THREE_LINES = re.compile(
    r"(?m)^[ ]{0,3}\S[^\n]*\n[ ]{0,3}[^|\s][^\n]*\|[^\n]*\n"
    r"[ ]{0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[^\n]*)?$"
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The results:\nName | Score\n--- | ---\nA | 1\n", True),
        ("Results:\n   Name | Score\n   :-: | -\n", True),
        ("a\nb|c\n-\n", True),  # the look only: reading the text says it is no table
        ("x\nb|c\n--|--\n--|--\n", True),  # a delimiter row below a row like one
        ("b|c\n---|---\n", False),  # no line above the header row
        ("\nb|c\n---\n", False),  # a blank one
        ("a\n|b|c\n|-|-|\n", False),  # a header row that begins with `|`
        ("a\nb c\n---|---\n", False),  # no `|` in the header row
        ("a\nb|c\n\n---|---\n", False),
        ("a | b\nc\n---\n", False),
        ("Prose with a | in it, and\n- a list\n- of two\n", False),
    ],
)
def test_the_quick_look_finds_a_header_row_below_a_line(text: str, found: bool) -> None:
    assert _may_have_table_after_line(text) is found
    assert bool(_THREE_LINES.search(text)) is found


def test_the_quick_look_finds_what_one_pattern_over_the_three_lines_finds() -> None:
    chance = random.Random(13)
    characters = ["a", "b", " ", " ", "|", "|", "-", "-", ":", "\n", "\n", "\t", "\\", "\u00a0"]
    texts = ["".join(chance.choices(characters, k=chance.randint(0, 40))) for _ in range(60_000)]
    found = [text for text in texts if _THREE_LINES.search(text)]
    assert len(found) > 500  # the texts have many
    assert [text for text in texts if _may_have_table_after_line(text)] == found


def test_a_table_below_a_line_is_read_as_one() -> None:
    text = "The results:\nName | Score\n--- | ---\nA | 1\n"
    assert tables_after_lines(text, _OPTIONS) == (
        "The results:\n\nName | Score\n--- | ---\nA | 1\n"
    )
    assert tables_after_lines("No table | here\n", _OPTIONS) == "No table | here\n"
