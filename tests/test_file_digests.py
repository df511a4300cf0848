"""A rebuild keys the renders of the posts its feeds show without reading their files again:
the build cache keeps each file's digest with the status it was read at (feedkit/site/cache.py,
`kept_digest`), and a file whose status this build's walk finds the same is not read; one
changed, or one read too soon after it was saved to trust its status, is read."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from feedkit.config import load_config
from feedkit.posts import postbody
from feedkit.site import render
from feedkit.site.build import build_site

from conftest import NOW, SITE_TOML
from tagsite import LONG_AGO, output, without_cache, write_post


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """12 posts over five tags, tag feeds on, each saved long before any build; built once
    from no cache, then once more after an edit (the build that keeps every digest)."""
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")  # tag feeds on
    (tmp_path / "content").mkdir()
    for i in range(12):
        write_post(tmp_path, i)
    _build(tmp_path)
    write_post(tmp_path, 3, " Edited.")
    _build(tmp_path)
    return tmp_path


def _build(site: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> list[str]:
    """Build `site`; return the post files read to key or make a render, by name."""
    read: list[str] = []
    real = postbody.read_raw

    def counted(post: object) -> bytes:
        read.append(Path(post.source).name)  # type: ignore[attr-defined]
        return real(post)  # type: ignore[arg-type]

    cfg = load_config(site / "feedkit.toml")
    if monkeypatch is None:
        build_site(cfg, NOW)
        return []
    with monkeypatch.context() as patched:
        patched.setattr(render, "read_raw", counted)
        build_site(cfg, NOW)
    return sorted(read)


def test_a_rebuild_reads_only_the_file_that_changed(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_post(site, 5, " Edited too.")
    # Post 5 is in the site's feed and two tags' feeds with most of the others: only its
    # own file is read, to key its render and make it.
    assert _build(site, monkeypatch) == ["p05.md"]
    out = output(site / "public")
    assert "Edited too." in out["atom.xml"].decode()
    assert "Edited too." in out["tags/alpha/atom.xml"].decode()
    assert out == without_cache(site, tmp_path)


def test_a_file_changed_to_the_same_size_and_time_is_read_again(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same length and modification time, other bytes: its status (change time, inode)
    # is not the one the digest was kept at.
    path = site / "content" / "p07.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("post 7", "POST 7"), encoding="utf-8")
    os.utime(path, (LONG_AGO, LONG_AGO))
    write_post(site, 5, " Edited too.")
    assert _build(site, monkeypatch) == ["p05.md", "p07.md"]
    assert "POST 7" in (site / "public" / "atom.xml").read_text(encoding="utf-8")
    assert output(site / "public") == without_cache(site, tmp_path)


def test_a_digest_of_a_file_too_fresh_to_trust_is_not_kept(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Saved just now: a save within the same tick of the file system's clock could leave its
    # status as it is, so the build that reads it keeps no digest of it...
    write_post(site, 7, " Fresh.", mtime=time.time())
    assert _build(site, monkeypatch) == ["p07.md"]
    # ...and the next build reads it again, as it does a file it never read.
    write_post(site, 5, " Edited too.")
    assert _build(site, monkeypatch) == ["p05.md", "p07.md"]
    # Once the build that reads it finds it old enough, its digest is kept.
    os.utime(site / "content" / "p07.md", (LONG_AGO, LONG_AGO))
    write_post(site, 9, " Edited.")
    assert _build(site, monkeypatch) == ["p07.md", "p09.md"]
    write_post(site, 5, " Edited again.")
    assert _build(site, monkeypatch) == ["p05.md"]
