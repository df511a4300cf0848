"""Discovery: which files of a Jekyll, Hugo or Pelican folder are posts, and why others are not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from feedkit.cli import main
from feedkit.posts.loader import load_posts

from conftest import MakeSite

CORPORA = Path("/work/shared/corpora")


def test_jekyll_posts_load_with_every_markdown_extension(make_site: MakeSite) -> None:
    cfg = make_site("layouts/jekyll")
    loaded = load_posts(cfg)
    assert sorted((p.slug, p.draft) for p in loaded.posts) == [
        ("dated-draft", True),
        ("mdown-post", False),
        ("mkd-post", False),
        ("plain", False),
        ("released", False),
    ]


def test_jekyll_pages_and_dateless_drafts_are_skipped_with_the_reason(
    make_site: MakeSite,
) -> None:
    cfg = make_site("layouts/jekyll")
    assert [str(p) for p in load_posts(cfg).skipped] == [
        "content/jekyll/_drafts/not-ready.md: skipped: a draft without a date; "
        "add 'date: …' when it is ready to publish",
        "content/jekyll/about.md: skipped: a page, not a post: "
        "Jekyll publishes only the files in _posts/ as posts",
    ]


def test_check_lists_skipped_files_and_succeeds(make_site: MakeSite, runner, monkeypatch) -> None:
    cfg = make_site("layouts/jekyll")
    monkeypatch.setenv("FEEDKIT_NOW", "2026-01-01T00:00:00Z")
    result = runner.invoke(main, ["check", "--config", str(cfg.root / "feedkit.toml")])
    assert result.exit_code == 0, result.output
    assert "content/jekyll/about.md: skipped: a page, not a post" in result.stderr


def corpus_site(tmp_path: Path, name: str, content: str) -> Path:
    """Return the feedkit.toml of a copy of a shared corpus (the test skips without it)."""
    if not (CORPORA / name).is_dir():
        pytest.skip(f"{CORPORA / name} is not here")
    site = tmp_path / name
    shutil.copytree(CORPORA / name, site)
    (site / "feedkit.toml").write_text(
        f'title = "{name}"\nbase_url = "https://example.com/"\ncontent_dir = "{content}"\n',
        encoding="utf-8",
    )
    return site / "feedkit.toml"


def test_jekyll_docs_corpus_loads_every_release_post(tmp_path: Path) -> None:
    from feedkit.config import load_config

    cfg = load_config(corpus_site(tmp_path, "jekyll-docs", "."))
    loaded = load_posts(cfg)
    assert len(loaded.posts) == 102
    assert loaded.skipped == ()


def test_build_of_a_jekyll_folder_skips_its_pages_again_and_again(
    make_site: MakeSite, runner, monkeypatch
) -> None:
    cfg = make_site("layouts/jekyll")
    monkeypatch.setenv("FEEDKIT_NOW", "2026-01-01T00:00:00Z")
    args = ["build", "--config", str(cfg.root / "feedkit.toml")]
    first, second = runner.invoke(main, args), runner.invoke(main, args)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "from 5 posts: 4 published, 1 draft(s)" in first.stdout
    assert "are up to date (0 changed); 5 posts" in second.stdout
