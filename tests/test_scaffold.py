"""`feedkit init` and `feedkit templates copy`, run as the `feedkit` command: from an empty
folder to feeds and a test digest with no file written by hand; nothing a person wrote is
ever overwritten."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import feedparser

from feedkit.config import load_config

NOW = "2026-11-30T09:00:00+00:00"
HOSTILE = 'Ada’s "Notes" \\ {{ x }} 🚀'


def feedkit(
    cwd: Path, *args: str, stdin: str | None = None, now: str = NOW
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feedkit", *args],
        cwd=cwd,
        env={**os.environ, "FEEDKIT_NOW": now},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def init(cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return feedkit(
        cwd,
        "init",
        "blog",
        "--title",
        HOSTILE,
        "--url",
        "https://notes.example.org/",
        "--author",
        "Ada Quill",
        "--email",
        "ada@example.org",
        "--timezone",
        "Europe/Berlin",
        *extra,
    )


def test_init_new_build_and_a_test_digest_from_an_empty_folder(tmp_path: Path) -> None:
    started = init(tmp_path)
    assert started.returncode == 0, started.stderr
    site = tmp_path / "blog"
    assert "blog/feedkit.toml" in started.stdout
    assert "blog/content/posts/hello-world.md" in started.stdout
    cfg = load_config(site / "feedkit.toml")  # the values as given, however they are quoted
    assert (cfg.title, cfg.base_url, cfg.author.name) == (
        HOSTILE,
        "https://notes.example.org/",
        "Ada Quill",
    )
    assert (
        str(cfg.timezone) == "Europe/Berlin" and cfg.digest.sender == "Ada Quill <ada@example.org>"
    )
    umask = os.umask(0)
    os.umask(umask)
    assert (site / "feedkit.toml").stat().st_mode & 0o777 == 0o666 & ~umask

    later = "2026-11-30T10:30:00+00:00"
    written = feedkit(site, "new", "Rounding: “nearest” even", "--tag", "numerics", now=later)
    assert written.returncode == 0, written.stderr
    assert written.stdout == "Wrote content/posts/rounding-nearest-even.md\n"
    draft = feedkit(site, "new", "Not yet", "--draft")
    assert draft.stdout == "Wrote content/posts/not-yet.md (a draft)\n"

    built = feedkit(site, "build", now=later)
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((site / "public" / "atom.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.title == HOSTILE
    assert [e.title for e in feed.entries] == ["Rounding: “nearest” even", "Hello, world"]
    # Dated when written, in the site's zone: 10:30 UTC is 11:30 in Berlin.
    assert [e.published for e in feed.entries] == [
        "2026-11-30T11:30:00+01:00",
        "2026-11-30T10:00:00+01:00",
    ]
    assert [t.term for t in feed.entries[0].tags] == ["numerics"]

    sent = feedkit(site, "digest", "--to", "reader@example.org", now=later)
    assert sent.returncode == 0, sent.stderr
    (copy,) = (site / "outbox").rglob("*.eml")
    raw = copy.read_bytes()
    assert b"\r\nTo: reader@example.org\r\n" in raw
    assert b"\r\nRounding: =E2=80=9Cnearest=E2=80=9D even\r\n" in raw  # its text part


def test_init_never_writes_over_a_site(tmp_path: Path) -> None:
    assert init(tmp_path).returncode == 0
    config = tmp_path / "blog" / "feedkit.toml"
    config.write_text('title = "Mine"\nbase_url = "https://mine.example/"\n', encoding="utf-8")
    again = init(tmp_path)
    assert again.returncode == 1
    assert again.stderr == "error: blog/feedkit.toml: a site is here already; nothing was written\n"
    assert config.read_text(encoding="utf-8").startswith('title = "Mine"')


def test_init_names_the_option_of_a_wrong_value_and_writes_nothing(tmp_path: Path) -> None:
    for option, value, said in (
        ("--url", "ftp://files.example/", "--url: must be an absolute http(s) URL"),
        ("--timezone", "Mars/Olympus", "--timezone: unknown time zone 'Mars/Olympus'"),
        ("--email", "nobody", "--email: is not an email address: 'nobody'"),
    ):
        failed = init(tmp_path, option, value)
        assert failed.returncode == 2
        assert said in failed.stderr
        assert not (tmp_path / "blog").exists()


def test_init_without_a_terminal_asks_nothing_and_says_what_is_missing(tmp_path: Path) -> None:
    missing = feedkit(tmp_path, "init", "blog", "--title", "Notes", stdin="")
    assert missing.returncode == 2
    assert "missing --url (or run feedkit init in a terminal to be asked)" in missing.stderr
    assert not (tmp_path / "blog").exists()


def test_templates_copy_keeps_what_the_site_changed_unless_forced(tmp_path: Path) -> None:
    assert init(tmp_path).returncode == 0
    site = tmp_path / "blog"
    package = resources.files("feedkit.email_templates")
    names = sorted(p.name for p in package.iterdir() if p.name.endswith((".j2", ".css")))
    assert "digest.html.j2" in names

    copied = feedkit(site, "templates", "copy")
    assert copied.returncode == 0, copied.stderr
    folder = site / "email_templates"
    assert sorted(p.name for p in folder.iterdir()) == names
    for name in names:
        assert (folder / name).read_bytes() == (package / name).read_bytes()
        assert f"  written  email_templates/{name}" in copied.stdout

    mine = folder / "digest.css"
    mine.write_text("/* mine */\n", encoding="utf-8")
    kept = feedkit(site, "templates", "copy")
    assert "     kept  email_templates/digest.css (the site's own differs; --force" in kept.stdout
    assert "unchanged  email_templates/digest.html.j2" in kept.stdout
    assert mine.read_text(encoding="utf-8") == "/* mine */\n"

    forced = feedkit(site, "templates", "copy", "--force")
    assert " replaced  email_templates/digest.css" in forced.stdout
    assert mine.read_bytes() == (package / "digest.css").read_bytes()
