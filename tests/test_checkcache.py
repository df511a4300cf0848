"""`feedkit check`: what it imports, and its cache of each unchanged file's results."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import NOW_ENV, SITE_TOML


def post(title: str, date: str, body: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\n{body or f'The body of {title}.'}\n"


def feedkit(
    site: Path, *args: str, python: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *python, "-m", "feedkit", *args, "--config", str(site / "feedkit.toml")],
        env={**os.environ, **NOW_ENV, "FEEDKIT_BUILD_SERVER": "off"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_check_of_a_site_that_mails_nothing_imports_no_mail_code(tmp_path: Path) -> None:
    # Sending code pulls in the email package, Jinja2 and premailer: 0.4 s a check of a site
    # without a digest would pay for nothing.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "p.md").write_text(post("Math", "2024-01-01", "Math $x^2$."))
    proc = feedkit(tmp_path, "check", python=("-X", "importtime"))
    assert proc.returncode == 0, proc.stderr
    imported = re.findall(r"\| +([\w.]+)$", proc.stderr, re.M)
    assert "feedkit.posts.loader" in imported
    assert [m for m in imported if m.startswith(("feedkit.mail.", "premailer", "jinja2"))] == []
