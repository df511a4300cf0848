"""An HTML comment opened at the start of a block and never closed (`<!-- draft note`).

CommonMark reads the rest of its block (to the end of the post, or of its quote) as the
comment, which no feed shows: `feedkit check` and `feedkit build` name its line. kramdown
(a Jekyll site) and Python-Markdown (a Pelican site) read it as text and go on: their cases,
recorded from both, are in tests/fixtures/kramdown-reading and tests/fixtures/python-markdown.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import NOW_ENV, SITE_TOML

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


def feedkit(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feedkit", *args, "--config", str(site / "feedkit.toml")],
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=120,
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
    warned = WARNING.format(name="open.md", line=8, n=1) + WARNING.format(
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
    posts = {"_posts/2024-01-02-open.md": BODY, "_posts/2024-01-01-closed.md": CLOSED}
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
