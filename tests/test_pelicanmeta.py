"""A Pelican site's metadata and folders read as Pelican 4.8 reads them (with Python-Markdown
3.4.1, Debian's): `feedkit init`'s content folder, `---` blocks, empty values, untitled
posts, metadata ended by a line that is no `Key: value`, categories from folders.
tests/test_oracles.py builds the same kinds of site with Pelican itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
