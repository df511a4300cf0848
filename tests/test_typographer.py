"""Goldmark's typographer as a Hugo site sets it up (feedkit/posts/typographer.py): its own
quotes, dashes, ellipsis and guillemets in the feeds, summaries and digests, as its pages show
them; and `<<oui>>` written without spaces, a guillemet pair on the sites whose converter
makes one (Hugo's Goldmark, Jekyll's kramdown), as `feedkit build` writes them."""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
from datetime import timedelta
from email.message import Message
from html import unescape
from pathlib import Path

import feedparser
import pytest

from conftest import NOW, NOW_ENV, SHARED, SITE_TOML, feedkit_build

VALIDATE = SHARED / "tools" / "validate-feed"
BASE_URL = "https://example.com/blog/"
FRENCH = (
    "[markup.goldmark.extensions.typographer]\n"
    "leftDoubleQuote = '&laquo;&nbsp;'\n"
    "rightDoubleQuote = '&nbsp;&raquo;'\n"
)
BODY = (
    'Il a dit "oui" -- deux fois... Un “vrai” guillemet reste.\n\n'
    'Le code `"x" -- y` et $"a"--b$ restent, <span title="t">"z"</span> aussi.\n\n'
    '```\nprint("straight")\n```\n'
)
FRENCH_SAID = "Il a dit «\u00a0oui\u00a0» – deux fois… Un “vrai” guillemet reste."


def hugo_site(root: Path, config: str, body: str = BODY, config_file: str = "hugo.toml") -> Path:
    """Write a Hugo site of one post, `config` its configuration file's text (at
    `config_file`)."""
    (root / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (root / config_file).parent.mkdir(parents=True, exist_ok=True)
    (root / config_file).write_text(config, encoding="utf-8")
    post = root / "content" / "posts" / "oui.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text(
        "---\ntitle: 'Le \"oui\" -- enfin'\ndate: 2024-05-01\n---\n" + body, encoding="utf-8"
    )
    return root


def build(root: Path) -> dict[str, bytes]:
    """Return the home feeds as `feedkit build` writes them, run as a user runs it."""
    public = feedkit_build(root)
    return {name: (public / name).read_bytes() for name in ("atom.xml", "rss.xml", "feed.json")}


def entry(feeds: dict[str, bytes]) -> tuple[str, str, str]:
    """Return the one entry's (title, HTML, summary) as the JSON Feed carries them, the
    HTML's no-break spaces as characters (the sanitiser writes them `&nbsp;`)."""
    (item,) = json.loads(feeds["feed.json"])["items"]
    return item["title"], item["content_html"].replace("&nbsp;", "\u00a0"), item["summary"]


@pytest.mark.parametrize(
    ("config_file", "config"),
    [
        ("hugo.toml", FRENCH),
        ("config.toml", FRENCH),
        (
            "hugo.yaml",
            "markup:\n  goldmark:\n    extensions:\n      typographer:\n"
            "        leftDoubleQuote: '&laquo;&nbsp;'\n        rightDoubleQuote: '&nbsp;&raquo;'\n",
        ),
        (
            "hugo.json",
            '{"markup": {"goldmark": {"extensions": {"typographer": {'
            '"leftDoubleQuote": "&laquo;&nbsp;", "rightDoubleQuote": "&nbsp;&raquo;"}}}}}',
        ),
        (
            "config/_default/markup.toml",
            "[goldmark.extensions.typographer]\n"
            "leftDoubleQuote = '&laquo;&nbsp;'\nrightDoubleQuote = '&nbsp;&raquo;'\n",
        ),
    ],
)
def test_a_hugo_sites_own_quotes_reach_its_feeds_as_its_pages_show_them(
    tmp_path: Path, config_file: str, config: str
) -> None:
    feeds = build(hugo_site(tmp_path, config, config_file=config_file))
    title, html, summary = entry(feeds)
    assert f"<p>{FRENCH_SAID}</p>" in html
    # Summaries collapse whitespace, the no-break spaces too (as kramdown's «&nbsp;).
    assert summary.startswith(FRENCH_SAID.replace("\u00a0", " ") + " Le code")
    # Code, math and a quote typed as a character keep what was typed (raw HTML goes, as
    # without `unsafe` in Hugo, its text stays); the title too, as Hugo's RSS writes `.Title`.
    assert '<code>"x" -- y</code>' in html
    assert '<annotation encoding="application/x-tex">"a"--b</annotation>' in html
    assert "restent, «\u00a0z\u00a0» aussi." in html and "<span" not in html
    assert 'print("straight")' in html
    assert title == 'Le "oui" -- enfin'
    # Feeds are XML: no entity but XML's own reaches them unescaped.
    for name in ("atom.xml", "rss.xml"):
        assert b"&laquo;" not in feeds[name] and b"&nbsp;" not in feeds[name]
        parsed = feedparser.parse(feeds[name])
        assert not parsed.bozo, parsed.bozo_exception
        assert FRENCH_SAID in unescape(parsed.entries[0].content[0].value)


@pytest.mark.skipif(not VALIDATE.is_file(), reason="../shared/tools is absent")
def test_feeds_with_a_sites_own_substitutions_pass_the_w3c_validator(tmp_path: Path) -> None:
    config = FRENCH + "leftAngleQuote = '&lsaquo;<b>'\nrightAngleQuote = '</b>&rsaquo;'\n"
    site = hugo_site(tmp_path, config, BODY + "\nEt <<là>> & &eacute;.\n")
    feeds = build(site)
    assert "Et ‹<b>là</b>› &amp; é." in entry(feeds)[1]
    for name in ("atom.xml", "rss.xml"):
        done = subprocess.run(
            [sys.executable, str(VALIDATE), str(site / "public" / name), BASE_URL + name],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_each_substitution_hugo_sets_is_made_where_goldmark_makes_it(tmp_path: Path) -> None:
    config = (
        "[markup.goldmark.extensions.typographer]\n"
        "leftSingleQuote = '&sbquo;'\nrightSingleQuote = '&lsquo;'\n"
        "leftDoubleQuote = '&bdquo;'\nrightDoubleQuote = '&ldquo;'\n"
        'apostrophe = "\'"\n'  # kept straight: written as typed, never curled again
        "enDash = ''\n"  # Goldmark v1 makes an empty substitution: the `--` is dropped
        "emDash = '&#8239;&mdash;&#8239;'\n"
        "ellipsis = '[...]'\n"  # text with Markdown's brackets in it, as text
        "leftAngleQuote = '&#x2039;'\nrightAngleQuote = '&#x203A;'\n"
    )
    body = (
        "Sie sagte \"ja\" und 'nein'. It's rock 'n roll, the '90s---a--b... << oui >> und <<ja>>.\n"
    )
    _, html, summary = entry(build(hugo_site(tmp_path, config, body)))
    # `'nein`: an apostrophe to Goldmark (`'n` after a space, as in rock 'n roll), so
    # straight here; its closing `'` the site's right single quote (Hugo 0.168 makes them so).
    said = (
        "Sie sagte „ja“ und 'nein‘. It's rock 'n roll, the '90s\u202f—\u202fab[...] "
        "‹ oui › und ‹ja›."
    )
    assert f"<p>{said}</p>" in html
    assert summary == said.replace("\u202f", " ")


def test_changing_the_typographers_settings_renders_the_posts_again(tmp_path: Path) -> None:
    site = hugo_site(tmp_path, 'title = "Exemple"\n')
    curly = "Il a dit “oui” – deux fois…"
    assert f"<p>{curly}" in entry(build(site))[1]
    (site / "hugo.toml").write_text(FRENCH, encoding="utf-8")
    assert f"<p>{FRENCH_SAID}</p>" in entry(build(site))[1]
    (site / "hugo.toml").write_text(FRENCH.replace("&nbsp;", ""), encoding="utf-8")
    assert "<p>Il a dit «oui» – deux fois…" in entry(build(site))[1]
    (site / "hugo.toml").write_text(FRENCH + "disable = true\n", encoding="utf-8")
    assert '<p>Il a dit "oui" -- deux fois...' in entry(build(site))[1]


def test_a_hugo_sites_digest_shows_its_own_quotes(tmp_path: Path) -> None:
    from digest_site import DIGEST_TOML, SECRET_ENV

    site = hugo_site(tmp_path, FRENCH)
    (site / "feedkit.toml").write_text(DIGEST_TOML + 'content = "full"\n', encoding="utf-8")
    (site / "subscribers.csv").write_text("email,name\nada@example.org,Ada\n", encoding="utf-8")
    env = {**os.environ, **SECRET_ENV}
    feedkit = str(Path(sys.executable).parent / "feedkit")
    first = subprocess.run(
        [feedkit, "digest"], cwd=site, env={**env, **NOW_ENV}, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    post = site / "content" / "posts" / "neuf.md"
    later = NOW + timedelta(days=1)
    post.write_text(
        f"---\ntitle: Neuf\ndate: {(NOW + timedelta(hours=1)).isoformat()}\n---\n{BODY}",
        encoding="utf-8",
    )
    done = subprocess.run(
        [feedkit, "digest"],
        cwd=site,
        env={**env, "FEEDKIT_NOW": later.isoformat()},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (path,) = (site / "outbox").glob("*/*.eml")
    message = email.message_from_bytes(path.read_bytes())
    parts = {part.get_content_type(): _text(part) for part in message.walk()}
    # The HTML part; the text part carries the Markdown as typed.
    assert FRENCH_SAID in unescape(parts["text/html"])
    assert '"x" -- y' in unescape(parts["text/html"])


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    return payload.decode(part.get_content_charset() or "utf-8") if payload else ""


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
