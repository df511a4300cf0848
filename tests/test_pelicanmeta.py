"""A Pelican site's metadata and folders read as Pelican 4.8 reads them (with Python-Markdown
3.4.1, Debian's): `feedkit init`'s content folder, `---` blocks, empty values, untitled
posts, metadata ended by a line that is no `Key: value`, categories from folders.
tests/test_oracles.py builds the same kinds of site with Pelican itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import feedparser

from feedkit.config import load_config

NOW = "2026-06-01T00:00:00Z"


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def feedkit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feedkit", *args],
        cwd=cwd,
        env={**os.environ, "FEEDKIT_NOW": NOW},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_init_reads_posts_from_content_when_pelicanconf_sets_no_path(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'Notes'\nSITEURL = 'https://notes.example.org'\n",
            "content/2024/first.md": "Title: First\nDate: 2024-05-01\n\nText.\n",
            "README.md": "# How to build this blog\n",
        },
    )
    started = feedkit(tmp_path, "init")
    assert started.returncode == 0, started.stderr
    assert load_config(tmp_path / "feedkit.toml").content_path == tmp_path / "content"
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""  # the README beside pelicanconf.py is no post now
    feed = (tmp_path / "public" / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "https://notes.example.org/first.html" in feed


def test_init_keeps_the_folder_itself_when_content_holds_no_markdown(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'Notes'\nSITEURL = 'https://notes.example.org'\n",
            "first.md": "Title: First\nDate: 2024-05-01\n\nText.\n",
            "content/images/chart.png": "not Markdown",
            "content/notes.MD": "Title: Not read by Pelican\nDate: 2024-05-02\n\nText.\n",
        },
    )
    assert feedkit(tmp_path, "init").returncode == 0
    assert load_config(tmp_path / "feedkit.toml").content_path == tmp_path


PELICANCONF = (
    "AUTHOR = 'Ada'\nSITENAME = 'Notes'\nSITEURL = 'https://notes.example.org'\n"
    "PATH = 'content'\nTIMEZONE = 'UTC'\n"
)


def built(tmp_path: Path, posts: dict[str, str], conf: str = "") -> tuple[str, list[Any]]:
    """Return what `feedkit build` said of a Pelican site of `posts` set up by `feedkit
    init`, and its Atom feed's entries, newest first."""
    write(tmp_path, {"pelicanconf.py": PELICANCONF + conf})
    write(tmp_path, {f"content/{name}": text for name, text in posts.items()})
    started = feedkit(tmp_path, "init")
    assert started.returncode == 0, started.stderr
    done = feedkit(tmp_path, "build")
    assert done.returncode == 0, done.stderr
    feed = feedparser.parse((tmp_path / "public" / "feeds" / "all.atom.xml").read_bytes())
    assert not feed.bozo
    return done.stderr, list(feed.entries)


DASHED = {
    # Pelican 4.8 publishes each of these (tests/test_oracles.py builds them with it).
    "dashes.md": "---\nTitle: Dashes: a post\nDate: 2024-03-01 10:00\nTags: a, b\n---\n"
    "Body of dashes.\n",
    "dots.md": "---\nTitle: Dots\nDate: 2024-03-02\n...\n\nBody of dots.\n",
    "unclosed.md": "---\nTitle: No close\nDate: 2024-03-03\n\nBody of noclose.\n",
}


def test_a_dashed_block_of_key_value_lines_is_pelicans_metadata(tmp_path: Path) -> None:
    # Read as YAML, `Title: Dashes: a post` stopped the build, `Title:` was no title (YAML
    # keeps a key's case) and a block closed by a blank line was never closed.
    said, entries = built(tmp_path, DASHED)
    assert said == ""
    assert [(e.title, e.link) for e in entries] == [
        ("No close", "https://notes.example.org/no-close.html"),
        ("Dots", "https://notes.example.org/dots.html"),
        ("Dashes: a post", "https://notes.example.org/dashes-a-post.html"),
    ]
    assert [t.term for t in entries[2].tags] == ["a", "b"]
    assert entries[2].published == "2024-03-01T10:00:00+00:00"
    assert [e.content[0].value for e in entries] == [
        "<p>Body of noclose.</p>",
        "<p>Body of dots.</p>",
        "<p>Body of dashes.</p>",
    ]


def test_a_dashed_block_stays_yaml_with_a_yaml_metadata_plugin(tmp_path: Path) -> None:
    for plugins in ("['yaml_metadata']", "['pelican.plugins.yaml_metadata', 'sitemap']"):
        site = tmp_path / plugins[2:8]
        post = "---\ntitle: Listed\ndate: 2024-03-01\ntags: [a, b]\n---\n\nText.\n"
        said, entries = built(site, {"listed.md": post}, f"PLUGINS = {plugins}\n")
        assert said == ""
        assert [t.term for t in entries[0].tags] == ["a", "b"]  # a YAML list, not "[a"


def test_metadata_ended_by_a_line_of_text_starts_the_body_there(tmp_path: Path) -> None:
    post = "Title: Ended by text\nDate: 2024-03-04\nThis line starts the body.\nMore.\n"
    said, entries = built(tmp_path, {"ended.md": post})
    assert said == (
        "content/ended.md:3: warning: ends the metadata without a blank line above it, not "
        "being 'Key: value': Pelican reads it as the post's first line of text, and so do the "
        "feeds; put a blank line above it (or write it as 'Key: value' if it is metadata)\n"
    )
    assert entries[0].title == "Ended by text"
    assert entries[0].content[0].value == "<p>This line starts the body.\nMore.</p>"
    checked = feedkit(tmp_path, "check")
    assert "content/ended.md:3: warning: ends the metadata without a blank line" in checked.stderr


def test_empty_slug_status_and_author_are_as_if_not_written(tmp_path: Path) -> None:
    # Pelican discards them (its METADATA_PROCESSORS): the title's slug, published, the
    # site's AUTHOR. feedkit skipped the post for its status '' and warned.
    post = "Title: Empties here\nDate: 2024-03-06\nSlug:\nStatus:\nAuthor:\nTags:\n\nBody.\n"
    said, entries = built(tmp_path, {"empties.md": post})
    assert said == ""
    assert [(e.title, e.link) for e in entries] == [
        ("Empties here", "https://notes.example.org/empties-here.html")
    ]
    assert [a.name for a in entries[0].authors] == ["Ada"]
    assert "tags" not in entries[0]
