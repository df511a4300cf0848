"""The real blogs in ../shared/corpora, dropped into feedkit unchanged: every point of "done"
for a blog that comes from Jekyll or Hugo, on every feed a build writes, tag feeds too.
Skipped where ../shared is absent; the fixture sites under tests/fixtures cover each
construct on their own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main

from conftest import SHARED

CORPORA = SHARED / "corpora"
VALIDATE = SHARED / "tools" / "validate-feed"
NOW = {"FEEDKIT_NOW": "2026-06-01T00:00:00Z"}
# Template and kramdown syntax a reader could see: outside code, after references are read.
SHOWN_SYNTAX = re.compile(r"\{%|\{\{|\{:|\{\{<|\{\{%")
CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)

SITES = {
    # name: (content folder, base URL)
    "jekyll-docs": (".", "https://jekyllrb.com/"),
    "hugo-papermod": ("content", "https://adityatelange.github.io/hugo-PaperMod/"),
}


@pytest.fixture(scope="module", params=sorted(SITES))
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, Result]:
    """Return the corpus's name, its copy built with tag feeds on, and `feedkit check`."""
    name = request.param
    if not (CORPORA / name).is_dir():
        pytest.skip(f"{CORPORA / name} is not here")
    content, base = SITES[name]
    site = tmp_path_factory.mktemp(name) / name
    shutil.copytree(CORPORA / name, site)
    toml = site / "feedkit.toml"
    toml.write_text(
        f'title = "{name}"\nbase_url = "{base}"\ncontent_dir = "{content}"\n'
        "[feed]\ntag_feeds = true\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    build = runner.invoke(main, ["build", "--config", str(toml)], env=NOW)
    assert build.exit_code == 0, build.output
    return name, site, runner.invoke(main, ["check", "--config", str(toml)], env=NOW)


def _files(site: Path, suffix: str) -> list[Path]:
    return sorted(p for p in (site / "public").rglob(f"*{suffix}") if p.name != "feed.xsl")


def _items(site: Path) -> list[dict[str, str]]:
    return [
        item
        for path in _files(site, ".json")
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]
    ]


def test_every_post_loads_and_every_file_left_out_is_named_with_why(built) -> None:
    name, _, check = built
    assert check.exit_code == 0, check.output
    skipped = [line for line in check.stderr.splitlines() if ": skipped: " in line]
    if name == "jekyll-docs":
        assert "OK: 102 posts: 102 published" in check.stdout
        assert skipped == []
        # Its only warnings: three links to a docs page the corpus does not hold.
        warnings = [line for line in check.stderr.splitlines() if "warning" in line]
        assert len(warnings) == 3
        assert all("link: _docs/history.md does not exist" in w for w in warnings)
    else:
        for page in ("about.md", "search.md", "archives.md", "posts/papermod/_index.md"):
            assert any(line.startswith(f"content/{page}: skipped: ") for line in skipped)
        assert all(line.split(": skipped: ", 1)[1].strip() for line in skipped)


def test_no_template_or_kramdown_syntax_reaches_a_reader(built) -> None:
    _, site, _ = built
    for path in _files(site, ".xml") + _files(site, ".json"):
        data = path.read_bytes()
        assert b"{{" not in data and b"{%" not in data, path.name
    for item in _items(site):
        shown = CODE.sub("", item.get("content_html", ""))
        assert not SHOWN_SYNTAX.search(shown.replace("&#123;", "{")), item["title"]
        assert not SHOWN_SYNTAX.search(item.get("summary", "")), item["title"]


@pytest.mark.skipif(not VALIDATE.is_file(), reason="../shared/tools is absent")
def test_every_feed_passes_the_w3c_validator(built) -> None:
    name, site, _ = built
    failed = {}
    for path in _files(site, ".xml"):
        url = SITES[name][1] + path.relative_to(site / "public").as_posix()
        done = subprocess.run(
            [sys.executable, str(VALIDATE), str(path), url], capture_output=True, text=True
        )
        if done.returncode != 0:
            failed[url] = done.stdout[-2000:]
    assert len(_files(site, ".xml")) > 4, "tag feeds too"
    assert failed == {}


def test_every_post_with_text_has_a_summary_that_is_not_its_title(built) -> None:
    _, site, _ = built
    for item in _items(site):
        assert item.get("summary"), item["title"]
        assert item["summary"] != item["title"]


def test_the_math_post_carries_mathml(built) -> None:
    name, site, _ = built
    if name != "hugo-papermod":
        pytest.skip("only PaperMod's example site has a math post")
    items = json.loads((site / "public" / "feed.json").read_text(encoding="utf-8"))["items"]
    (math_post,) = [i for i in items if i["title"] == "Math Typesetting"]
    assert "<math" in math_post["content_html"]
    atom = (site / "public" / "atom.xml").read_text(encoding="utf-8")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML"' in atom
