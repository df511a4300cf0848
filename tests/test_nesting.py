"""A post's HTML nested deeper than a mail carries: its text kept, its blocks on lines."""

from __future__ import annotations

from feedkit.mail.nesting import flattened


def test_html_within_the_limit_is_returned_as_it_is() -> None:
    html = "<blockquote>" * 3 + "<p>deep</p>" + "</blockquote>" * 3
    assert flattened(html, 4) is html


def test_elements_past_the_limit_are_left_out_their_text_kept() -> None:
    html = "<blockquote>" * 5 + "<p>deep</p>" + "</blockquote>" * 5 + "<p>After</p>"
    kept = "<blockquote>" * 3 + "deep<br>" + "</blockquote>" * 3 + "<p>After</p>"
    assert flattened(html, 3) == kept


def test_each_left_out_block_is_a_line_of_its_own_without_blank_lines() -> None:
    html = "<ul><li>a<ul><li>b<ul><li>c<ul><li>d</li><li>e</li></ul></li></ul></li></ul></li></ul>"
    assert flattened(html, 3) == "<ul><li>a<ul>b<br>c<br>d<br>e<br></ul></li></ul>"


def test_left_out_table_cells_stay_apart_and_rows_on_lines() -> None:
    html = (
        "<div><table><tbody><tr><td>x</td><td>y</td></tr><tr><td>z</td></tr></tbody></table></div>"
    )
    assert flattened(html, 2) == "<div><table>x y <br>z <br></table></div>"


def test_inline_markup_past_the_limit_joins_its_text_and_void_elements_stay() -> None:
    # A `>` in a quoted attribute value is not the tag's end.
    html = '<div><a title="a>b"><b>x</b><img src="i.png" alt="1 > 0">y</a></div>'
    assert flattened(html, 1) == '<div>x<img src="i.png" alt="1 > 0">y</div>'


def test_html_that_is_not_as_the_sanitiser_writes_it_is_left_alone() -> None:
    html = "<div>" * 4 + "x" + "</p>" + "</div>" * 4
    assert flattened(html, 2) is html
