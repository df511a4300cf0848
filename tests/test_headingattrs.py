"""Heading attributes with values in quotes, as Goldmark (Hugo 0.168) reads them: its HTML
for each case is in the comment above it (feedkit.posts.headingattrs)."""

from __future__ import annotations

import re

import pytest

from feedkit.posts.markup import render_html
from feedkit.posts.reading import PLAIN, Reading, pelican_reading

BASE = "https://blog.example.org/2024/01/post/"


def heading_attributes(markdown: str, reading: Reading = PLAIN) -> list[dict[str, str]]:
    """Return the attributes of each heading of `markdown` as feedkit's HTML gives them."""
    out = render_html(markdown, BASE, "p", "mathml", reading)
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<h\d([^>]*)>", out)]


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        # <h2 class="x" id="y">H</h2>: the quotes are no part of the values
        ('## H {class="x" id="y"}\n', [{"class": "x", "id": "y"}]),
        # <h2 class="p q" id="t">T</h2>: a class list in quotes
        ('## T {class="p q" id="t"}\n', [{"class": "p q", "id": "t"}]),
        # a value with a space pulldown-cmark cannot carry is left out, not split
        ('## W {title="a b" id="w"}\n', [{"id": "w"}]),
        # <h1 class="z">Setext</h1>
        ('Setext {class="z"}\n===\n', [{"class": "z"}]),
        # as before: no quotes
        ("## G {#a .b}\n", [{"id": "a", "class": "b"}]),
    ],
)
def test_heading_attributes_in_quotes_are_read_as_goldmark_reads_them(
    markdown: str, expected: list[dict[str, str]]
) -> None:
    assert heading_attributes(markdown) == expected
    assert "&quot;" not in render_html(markdown, BASE, "p")


def test_a_heading_in_code_and_a_link_in_html_are_left_as_written() -> None:
    text = '```\n## C {class="x"}\n```\n\nSee <a href="https://e.org/">this</a> {class="y"}\n'
    out = render_html(text, BASE, "p")
    assert '## C {class="x"}' in out
    assert '<a href="https://e.org/">this</a> {class="y"}' in out


def test_a_pelican_posts_heading_attributes_are_read_as_attr_list_reads_them() -> None:
    # Python-Markdown 3.4.1 with Pelican's extensions: <h2 class="x" id="y">H</h2> and
    # <h2 class="p q" id="t">T</h2> (attr_list takes a block with a colon as well).
    reading = pelican_reading(frozenset({"attr_list", "tables", "footnotes", "def_list"}))
    text = '## H {class="x" id="y"}\n\n## T {: class="p q" #t}\n'
    found = heading_attributes(text, reading)
    assert found == [{"class": "x", "id": "y"}, {"class": "p q", "id": "t"}]
