"""Goldmark's and kramdown's typographers where pulldown-cmark reads otherwise
(feedkit/posts/typographer.py): `<<oui>>` written without spaces, a guillemet pair on the
sites whose converter makes one (Hugo's Goldmark, Jekyll's kramdown), as `feedkit build`
writes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from conftest import NOW_ENV, SITE_TOML


def build(root: Path) -> dict[str, bytes]:
    """Return the home feeds as `feedkit build` writes them, run as a user runs it."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "feedkit"), "build"],
        cwd=root,
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    # A note (the build cache thrown away as the site's settings changed) is no warning.
    said = [line for line in done.stderr.splitlines() if not line.startswith("note: ")]
    assert (done.returncode, said) == (0, []), done.stderr
    public = root / "public"
    return {name: (public / name).read_bytes() for name in ("atom.xml", "rss.xml", "feed.json")}


def entry(feeds: dict[str, bytes]) -> tuple[str, str, str]:
    """Return the one entry's (title, HTML, summary) as the JSON Feed carries them, the
    HTML's no-break spaces as characters (the sanitiser writes them `&nbsp;`)."""
    (item,) = json.loads(feeds["feed.json"])["items"]
    return item["title"], item["content_html"].replace("&nbsp;", "\u00a0"), item["summary"]


# -- `<<oui>>` without spaces ----------------------------------------------------------------

UNSPACED = (
    "Il a dit <<oui>>, <<https://example.org/a>> et <<b>x</b>>.\n\n"
    "Kept: \\<<e>>, `<<c>>`, $<<m>>$ and <https://example.org/b>.\n"
)


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        # Goldmark and kramdown read `<<` in text first: the tag or autolink after it is
        # text, and its `>>` the closing guillemet (`<b>`'s `<` goes into the guillemet,
        # as on the site's pages: « b>x>).
        ("hugo", "Il a dit «oui», «https://example.org/a» et «b&gt;x&gt;."),
        ("jekyll", "Il a dit «oui», «https://example.org/a» et «b&gt;x&gt;."),
    ],
)
def test_unspaced_double_angle_quotes_are_guillemets_as_the_sites_converter_makes_them(
    tmp_path: Path, kind: str, said: str
) -> None:
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    if kind == "hugo":
        (tmp_path / "hugo.toml").write_text('title = "Exemple"\n', encoding="utf-8")
        post = tmp_path / "content" / "posts" / "oui.md"
    else:
        (tmp_path / "_config.yml").write_text("title: Exemple\n", encoding="utf-8")
        post = tmp_path / "content" / "_posts" / "2024-05-01-oui.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: Oui\ndate: 2024-05-01\n---\n" + UNSPACED, encoding="utf-8")
    _, html, summary = entry(build(tmp_path))
    assert f"<p>{said}</p>" in html
    assert summary.startswith(unescape(said))
    # An escaped `<`, code, math and an autolink on its own keep what was typed.
    assert "Kept: &lt;&gt;, <code>&lt;&lt;c&gt;&gt;</code>" in html
    assert '<annotation encoding="application/x-tex">&lt;&lt;m&gt;&gt;</annotation>' in html
    assert '<a href="https://example.org/b">https://example.org/b</a>' in html
