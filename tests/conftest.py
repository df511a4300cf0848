"""Shared fixtures: a site folder built from fixture posts, a fixed clock, the CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from feedkit.config import Config, load_config
from feedkit.models import Author, Post

from smtp_server import smtp_server_fixture  # noqa: F401  (the `smtp_server` fixture)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The shared folder beside the repository (real blogs, the W3C validator); tests that use it
# skip where it is absent.
SHARED = ROOT.parent / "shared"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
NOW_ENV = {"FEEDKIT_NOW": NOW.isoformat()}

SITE_TOML = """\
title = "Example Blog"
base_url = "https://example.com/blog/"
description = "Posts for tests."
timezone = "Europe/Berlin"

[author]
name = "Ada Quill"
email = "ada@example.org"

[feed]
tag_feeds = true
"""

MakeSite = Callable[..., Config]


def made_post(**fields: Any) -> Post:
    """Return a Post of `fields`, the others those of one plain post (`p.md`, one author)."""
    when = datetime(2024, 3, 1, 12, tzinfo=UTC)
    plain: dict[str, Any] = {
        "source": "/site/content/p.md",
        "rel_path": "content/p.md",
        "body_line": 4,
        "title": "T",
        "slug": "p",
        "url": "https://example.com/p/",
        "id": "https://example.com/p/",
        "published": when,
        "updated": when,
        "authors": (Author("A"),),
        "tags": (),
        "summary": None,
        "image": None,
        "draft": False,
    }
    return Post(**{**plain, **fields})


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Return a function that makes a site in tmp_path from fixture files or given texts."""

    def make(
        *fixtures: str, posts: dict[str, str | bytes] | None = None, toml: str = SITE_TOML
    ) -> Config:
        (tmp_path / "feedkit.toml").write_text(toml, encoding="utf-8")
        content = tmp_path / "content"
        content.mkdir(exist_ok=True)
        for name in fixtures:
            source = FIXTURES / name
            target = content / Path(name).name
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copyfile(source, target)
        for name, text in (posts or {}).items():
            target = content / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(text, encoding="utf-8")
        return load_config(tmp_path / "feedkit.toml")

    return make


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def only_feed_item(
    tmp_path: Path, fixture: str, config_yml: str | None = None, files: dict[str, str] | None = None
) -> dict:
    """Build the fixture site `fixture` (its files as the content folder; `config_yml` as
    its `_config.yml` and `files` beside them when given) with `feedkit build`, which must
    succeed without a warning, and return its feed.json's one item."""
    import json

    from feedkit.cli import main

    shutil.copytree(FIXTURES / fixture, tmp_path / "content")
    if config_yml is not None:
        (tmp_path / "content" / "_config.yml").write_text(config_yml, encoding="utf-8")
    for name, text in (files or {}).items():
        (tmp_path / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "content" / name).write_text(text, encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    (item,) = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    return item


def built_item(cfg: Config) -> dict:
    """Run `feedkit build` on the site `cfg` is the configuration of, which must succeed,
    and return its feed.json's one item."""
    import json

    from feedkit.cli import main

    result = CliRunner().invoke(
        main, ["build", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    (item,) = json.loads((cfg.output_path / "feed.json").read_text("utf-8"))["items"]
    return item


def hugo_site_with_a_bare_page(site: Path) -> Path:
    """Write a Hugo site at `site` with a dated page and a page without front matter (which
    Hugo publishes, with no title and no date), and return `site`."""
    posts = site / "content" / "posts"
    posts.mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://h.example.org/"\ntitle = "H"\n')
    (posts / "dated.md").write_text("---\ntitle: Dated\ndate: 2024-01-01\n---\nDated.\n")
    (posts / "bare.md").write_text("No front matter, *here*.\n", encoding="utf-8")
    return site


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def never_leaving_at_once() -> Iterator[None]:
    """Fail a test that leaves `QuickExit` armed (as `as_command` or `cli.run` arm it for a
    console script): the next build a CliRunner runs would end the test run with os._exit(0),
    every test after it unrun and the run passed."""
    from feedkit.commands.console import QuickExit

    yield
    if QuickExit.armed:
        QuickExit.armed = False
        pytest.fail("QuickExit left armed: a later build would end the test run at once")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (the system's, driven by Playwright). Where it is missing the
    tests that use it skip, except under .ci/run (FEEDKIT_CI=1), which installs it: there a
    browser that cannot run is a failure."""
    if not CHROMIUM.exists():
        why = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("FEEDKIT_CI") == "1":
            pytest.fail(why + "; .ci/run should have installed it")
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield launched
        finally:
            launched.close()


def run_feedkit(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `feedkit` command on the site in `site` as a user does, in a process of its
    own, at the tests' fixed time; its exit code, stdout and stderr as the user sees them."""
    return subprocess.run(
        [sys.executable, "-m", "feedkit", *args, "--config", str(site / "feedkit.toml")],
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )


def feedkit_build(root: Path) -> Path:
    """Run `feedkit build` in `root` as a user runs it (the console script, in a process of
    its own), which must succeed without a warning; return the output folder."""
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
    return root / "public"


def bytes_in_memory(paths: list[Path]) -> list[int] | None:
    """Return how many bytes of each file the system holds in memory (util-linux's
    `fincore`), or None where `fincore` is not installed."""
    import subprocess

    fincore = shutil.which("fincore")
    if fincore is None:
        return None
    out = subprocess.run(
        [fincore, "--bytes", "--noheadings", "--output", "RES", *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [int(each) for each in out.split()]
