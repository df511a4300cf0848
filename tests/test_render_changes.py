"""A rebuild that changed a few kept renders writes only those (feedkit/site/cachefiles.py,
`load_renders`): `rendered-changes.pickle`, named after the `rendered.pickle` it changes,
which stays as it was until the changes grow; changes made for another `rendered.pickle`, or
damaged, are not applied. The output is always what a build with no cache makes."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from feedkit.config import load_config
from feedkit.site import keptrenders
from feedkit.site.build import build_site
from feedkit.site.cachefiles import RENDERED_CHANGES, RENDERED_FILE

from conftest import NOW, SITE_TOML
from tagsite import output, without_cache, write_post


def _build(site: Path) -> dict[str, bytes]:
    build_site(load_config(site / "feedkit.toml"), NOW)
    return output(site / "public")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """12 posts over five tags, tag feeds on, built from no cache and once more after an
    edit: the first build that finds renders kept, which keeps the entries and the files'
    digests too, all written whole (as a real site's many are: some 60 here)."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")  # tag feeds on
    for i in range(12):
        write_post(site, i)
    _build(site)
    write_post(site, 3, " Edited.")
    with monkeypatch.context() as patched:
        patched.setattr(keptrenders, "CHANGES_KEPT", 0)
        _build(site)
    assert not (site / ".feedkit" / "cache" / RENDERED_CHANGES).exists()
    return site


def _kept(site: Path, name: str) -> dict[str, object]:
    document = pickle.loads((site / ".feedkit" / "cache" / name).read_bytes())
    assert isinstance(document, dict)
    return document


def test_an_edit_writes_only_the_renders_it_changed(site: Path, tmp_path: Path) -> None:
    whole = site / ".feedkit" / "cache" / RENDERED_FILE
    before = whole.read_bytes()
    write_post(site, 5, " Edited too.")
    out = _build(site)
    assert whole.read_bytes() == before  # not written again
    changes = _kept(site, RENDERED_CHANGES)
    assert changes["base"] == _kept(site, RENDERED_FILE)["id"]
    data = changes["data"]
    assert isinstance(data, dict)
    # Post 5's render and its file's digest, its entries, and the heads of its feeds: far
    # fewer than the renders kept for the 12 posts of six feeds.
    assert 0 < len(data) < len(_kept(site, RENDERED_FILE)["data"]) // 2  # type: ignore[arg-type]
    assert any(b"Edited too." in value[0] for value in data.values() if len(value) == 4)
    assert changes["gone"]  # post 5's render before the edit, and its old entries
    assert "Edited too." in out["tags/alpha/atom.xml"].decode()
    assert out == without_cache(site, tmp_path)
    # The next build takes those changes in: an edit of another post keeps post 5's.
    write_post(site, 9, " Edited.")
    assert _build(site) == without_cache(site, tmp_path)
    assert whole.read_bytes() == before


def test_changes_that_grow_past_their_share_are_written_whole(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keptrenders, "CHANGES_KEPT", 4)  # of some 70 kept: a 16th is 4
    first = _kept(site, RENDERED_FILE)["id"]
    write_post(site, 5, " Edited too.")
    out = _build(site)
    assert _kept(site, RENDERED_FILE)["id"] != first
    assert not (site / ".feedkit" / "cache" / RENDERED_CHANGES).exists()
    assert out == without_cache(site, tmp_path)


def test_changes_of_another_rendered_file_are_not_applied(site: Path, tmp_path: Path) -> None:
    folder = site / ".feedkit" / "cache"
    write_post(site, 5, " Edited too.")
    _build(site)
    stale = _kept(site, RENDERED_CHANGES)
    # Every render in it made wrong: applied, the feeds would show it.
    data = stale["data"]
    assert isinstance(data, dict)
    for key, value in data.items():
        if len(value) == 4:
            data[key] = (b"<p>WRONG</p>", *value[1:])
        elif isinstance(value, bytes):
            data[key] = value.replace(b"Edited too.", b"WRONG")
    build_site(load_config(site / "feedkit.toml"), NOW, ignore_cache=True)  # a new whole file
    assert not (folder / RENDERED_CHANGES).exists()
    # As a build killed between writing the whole file and removing the changes leaves it.
    (folder / RENDERED_CHANGES).write_bytes(pickle.dumps(stale))
    write_post(site, 9, " Edited.")
    out = _build(site)
    assert not any(b"WRONG" in text for text in out.values())
    assert out == without_cache(site, tmp_path)


def test_damaged_changes_cost_only_renders(site: Path, tmp_path: Path) -> None:
    write_post(site, 5, " Edited too.")
    _build(site)
    (site / ".feedkit" / "cache" / RENDERED_CHANGES).write_bytes(b"\x00garbage")
    write_post(site, 9, " Edited.")
    assert _build(site) == without_cache(site, tmp_path)
