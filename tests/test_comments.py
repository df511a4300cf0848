"""An HTML comment left open (`<!-- draft note`, or `<!-- a --> b <!-- c` on one line).

CommonMark passes its block on as written, and the comment then runs to the end of the post
(past the end of its quote too), which no feed shows: `feedkit check` and `feedkit build`
name its line and how many lines it hides. kramdown (a Jekyll site) and Python-Markdown (a
Pelican site) read it as text and go on: their cases, recorded from both, are in
tests/fixtures/kramdown-reading and tests/fixtures/python-markdown, and below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SITE_TOML
from conftest import run_feedkit as feedkit

# Lines 5 to 17 of the file: the quote's comment opens on line 8, the post's on line 11.
BODY = (
    "Before.<!--more-->\n\n"
    "> quote\n> <!-- note\n> more\n\n"
    "<!-- draft note\n\n"
    "After.\n\n"
    "## Next\n\n"
    "Last.\n"
)
# Comments that hide nothing they were not meant to: closed, over several paragraphs, and
# one left open on the last line, which hides no other.
CLOSED = "Text <!-- inline -->.\n\n<!-- two\n\nparagraphs -->\n\nShown.\n\n<!-- todo: a figure\n"
WARNING = (
    "content/{name}:{line}: warning: <!-- opens an HTML comment that is never closed: the "
    "{n} line(s) below it are in the comment and left out of feeds; end it with -->, or "
    "write &lt;!-- to show it\n"
)


def site_with(tmp_path: Path, posts: dict[str, str]) -> Path:
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    for name, body in posts.items():
        path = tmp_path / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        title = name.rsplit("/", 1)[-1].removesuffix(".md").rsplit("-", 1)[-1]
        path.write_text(f"---\ntitle: {title}\ndate: 2024-01-02\n---\n{body}", encoding="utf-8")
    return tmp_path


def contents(site: Path) -> dict[str, str]:
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    return {item["title"]: item["content_html"] for item in items}


def test_check_and_build_name_a_comment_left_open_and_how_much_it_hides(tmp_path: Path) -> None:
    site = site_with(tmp_path, {"open.md": BODY, "closed.md": CLOSED})
    # The quote's comment hides the rest of the post too: its HTML is never closed.
    warned = WARNING.format(name="open.md", line=8, n=5) + WARNING.format(
        name="open.md", line=11, n=3
    )
    checked = feedkit(site, "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == warned
    strict = feedkit(site, "check", "--strict")
    assert strict.returncode == 1
    assert strict.stderr == warned + "error: 2 warning(s) and --strict is on\n"
    built = feedkit(site, "build")
    assert built.returncode == 0, built.stderr
    assert built.stderr == warned
    shown = contents(site)
    # As CommonMark reads it (Hugo's Goldmark and cmark-gfm alike): the rest is the comment.
    assert "After." not in shown["open"] and "Last." not in shown["open"]
    assert "quote" in shown["open"] and "more" not in shown["open"]
    assert "Shown." in shown["closed"]
    # Said again by a build that finds nothing changed, from what the last one kept.
    again = feedkit(site, "build")
    assert again.returncode == 0 and again.stderr == warned


def test_a_jekyll_post_shows_a_comment_left_open_as_text_and_nothing_is_hidden(
    tmp_path: Path,
) -> None:
    posts = {
        "_posts/2024-01-02-open.md": BODY,
        "_posts/2024-01-01-closed.md": CLOSED,
        "_posts/2024-01-03-line.md": ON_ONE_LINE,
        # An attribute list below the comment: text, so it is applied (and not warned of
        # as one inside HTML, left out).
        "_posts/2024-01-04-ial.md": "First.\n\n<!-- draft note\n{: .note}\nSome text.\n",
    }
    site = site_with(tmp_path, posts)
    checked = feedkit(site, "check")
    assert checked.returncode == 0 and checked.stderr == ""
    built = feedkit(site, "build")
    assert built.returncode == 0 and built.stderr == ""
    shown = contents(site)["open"]
    # kramdown's: the `<!--` is text (its `--` a dash), and every line below it is there.
    assert "<p>&lt;!– draft note</p>" in shown
    assert "<blockquote>\n<p>quote\n&lt;!– note\nmore</p>\n</blockquote>" in shown
    assert "<p>After.</p>" in shown and "Next</h2>" in shown and "<p>Last.</p>" in shown
    # kramdown's, of a comment opened after one closed on its line: text, and all below.
    line = contents(site)["line"]
    assert "<p>b &lt;!– c</p>\n<p>More text.</p>\n<p>And more.</p>" in line
    assert '<p class="note">&lt;!– draft note</p>\n<p>Some text.</p>' in contents(site)["ial"]


# Lines 5 to 17: a comment closed and another opened on line 7; in HTML of a <div>, on line
# 14 (its `</div>` and the last line hidden).
ON_ONE_LINE = (
    "First.\n\n<!-- a --> b <!-- c\n\nMore text.\n\nAnd more.\n\n<div>\n<!-- d\n</div>\n\nLast.\n"
)
# A quote's comment its block does not close, closed by the HTML below the quote (line 9):
# the lines between are hidden, and said; one commented out on purpose, over several
# paragraphs of its own block, is not.
CLOSED_LATER = "A\n\n> <!-- a\n> b\n\nc\n\n<!-- x -->\n\nShown.\n\n<!-- two\n\nthree -->\n\nEnd.\n"


def test_a_comment_opened_after_one_closed_on_its_line_is_said_as_it_hides_the_rest(
    tmp_path: Path,
) -> None:
    site = site_with(tmp_path, {"line.md": ON_ONE_LINE, "later.md": CLOSED_LATER})
    warned = (
        WARNING.format(name="later.md", line=7, n=3)
        + WARNING.format(name="line.md", line=7, n=6)
        + WARNING.format(name="line.md", line=14, n=2)
    )
    checked = feedkit(site, "check")
    assert checked.returncode == 0, checked.stderr
    assert sorted(checked.stderr.splitlines()) == sorted(warned.splitlines())
    built = feedkit(site, "build")
    assert built.returncode == 0, built.stderr
    assert sorted(built.stderr.splitlines()) == sorted(warned.splitlines())
    shown = contents(site)
    assert " b " in shown["line"] and "More text." not in shown["line"]
    assert "c</p>" not in shown["later"] and "Shown." in shown["later"]
    assert "three" not in shown["later"] and "End." in shown["later"]


def test_a_pelican_post_shows_a_comment_left_open_after_one_closed_as_text(
    tmp_path: Path,
) -> None:
    # Python-Markdown reads `<!-- a --> b <!-- c` as a comment and a paragraph of text.
    site = site_with(tmp_path, {})
    (site / "pelicanconf.py").write_text('SITENAME = "T"\nTIMEZONE = "UTC"\n')
    post = site / "content" / "p.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text("Title: line\nDate: 2024-01-02\n\n" + ON_ONE_LINE, encoding="utf-8")
    built = feedkit(site, "build")
    assert built.returncode == 0 and built.stderr == ""
    shown = contents(site)["line"]
    assert " b &lt;!-- c\n<p>More text.</p>\n<p>And more.</p>" in shown
    assert "<p>Last.</p>" in shown


def test_a_comment_left_open_after_many_other_tags_is_still_found(tmp_path: Path) -> None:
    # The quick look finds `<!--` by its `<`, one by one, then by a search: a post with more
    # `<` than it looks at one by one (HTML in its text) is looked at to its end all the same.
    tags = "".join(f"Step <b>{n}</b> of <i>many</i>.\n\n" for n in range(1, 20))
    site = site_with(tmp_path, {"tags.md": f"{tags}<!-- draft\n\nHidden.\n"})
    checked = feedkit(site, "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == WARNING.format(name="tags.md", line=43, n=1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no tag",
        "<!--",
        "a <!-- b",
        "<<<!--",
        "<b> " * 40 + "<!-- x",
        "<b> " * 40,
        "x <" + "<b>" * 15 + "<!--",
        "<!" * 30 + "<!--",
    ],
)
def test_the_quick_look_for_a_comment_finds_what_a_search_finds(text: str) -> None:
    from feedkit.posts.pairs import find

    for start in range(len(text) + 1):
        assert find(text, "<!--", start) == text.find("<!--", start)
