"""A build from the cache makes only the feeds whose files would change (feedkit/site/feedkeys.py):
with tag feeds, editing a post makes the site's feed and its tags' feeds, from the other
posts' entries kept by the build before, and the output is what a build with no cache makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from feedkit.config import load_config
from feedkit.site.build import build_site
from feedkit.site.feedkeys import FEED_KEYS

from conftest import NOW, SITE_TOML
from tagsite import output, without_cache, write_post


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site of 12 posts over five tags, tag feeds on, each saved long before any build
    (so that the cache trusts its status, as a real site's)."""
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    for i in range(12):
        write_post(tmp_path, i)
    return tmp_path


def _edit(site: Path, i: int, tags: str, note: str, link: str = "x") -> None:
    write_post(site, i, note, tags, link, mtime=None)  # saved just now


def _build(site: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], int]:
    """Build `site`; return the Atom files of the feeds made, and how many entries were, in
    this process (a rebuild of a few posts' feeds makes them all here)."""
    from feedgen.entry import FeedEntry

    from feedkit.site import feeds

    made: list[str] = []
    entries = [0]
    render_atom, atom_entry = feeds.render_atom, FeedEntry.atom_entry

    def counted_feed(cfg: Any, info: Any, *args: Any, **kwargs: Any) -> bytes:
        made.append(info.atom_url.removeprefix(cfg.base_url))
        return render_atom(cfg, info, *args, **kwargs)

    def counted_entry(self: Any, *args: Any, **kwargs: Any) -> Any:
        entries[0] += 1
        return atom_entry(self, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(feeds, "render_atom", counted_feed)
        patched.setattr(FeedEntry, "atom_entry", counted_entry)
        build_site(load_config(site / "feedkit.toml"), NOW)
    return sorted(made), entries[0]


def _atoms(*tags: str) -> list[str]:
    """Return the Atom files of the site's feed and of `tags`' feeds, as `_build` lists them."""
    return sorted(["atom.xml", *(f"tags/{tag}/atom.xml" for tag in tags)])


def _state(site: Path) -> dict[str, Any]:
    from feedkit.site.cache import BuildCache

    return BuildCache.open(load_config(site / "feedkit.toml")).state


def test_an_edit_makes_only_the_feeds_that_hold_the_post_from_kept_entries(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(site, monkeypatch)  # cold: every feed (shared with a forked child)
    assert len(list((site / "public").rglob("atom.xml"))) == 6
    # Each feed's key kept; no entry (the child's would have to come back).
    every = _atoms("alpha", "beta", "gamma", "delta", "epsilon")
    assert sorted(_state(site)[FEED_KEYS]) == every
    _edit(site, 3, "delta, epsilon", " Edited once.")
    made, entries = _build(site, monkeypatch)
    # Only the feeds that hold the post, every entry of theirs made here (the site's feed
    # holds all 12 posts), and kept.
    assert made == _atoms("delta", "epsilon")
    assert entries == 12
    assert sorted(_state(site)[FEED_KEYS]) == every
    assert output(site / "public") == without_cache(site, tmp_path)
    _edit(site, 3, "delta, epsilon", " Edited twice.")
    made, entries = _build(site, monkeypatch)
    # The site's feed and the post's two tags' feeds; its entry the one made, the other
    # posts' kept from the build before.
    assert made == _atoms("delta", "epsilon")
    assert entries == 1
    assert output(site / "public") == without_cache(site, tmp_path)
    # Only where a link of it points: its HTML changes, not its summary or any field.
    _edit(site, 3, "delta, epsilon", " Edited twice.", link="y")
    made, entries = _build(site, monkeypatch)
    assert made == _atoms("delta", "epsilon")
    assert entries == 1
    assert b"/y/3/" in (site / "public" / "tags" / "delta" / "atom.xml").read_bytes()


def _keys_kept(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Build `site` cold, then again after post 3 is edited: the second keeps each feed's key."""
    _build(site, monkeypatch)
    _edit(site, 3, "delta, epsilon", " Edited.")
    _build(site, monkeypatch)


def test_a_post_moved_to_another_tag_changes_both_tags_feeds(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _keys_kept(site, monkeypatch)
    _edit(site, 3, "alpha, epsilon", " Edited.")  # out of delta, into alpha
    made, _ = _build(site, monkeypatch)
    # And epsilon's, whose entry of the post now lists other tags.
    assert made == _atoms("alpha", "delta", "epsilon")
    assert output(site / "public") == without_cache(site, tmp_path)


def test_a_feed_file_changed_since_the_last_build_is_made_again(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _keys_kept(site, monkeypatch)
    # Neither of these feeds holds post 3: one file changed by hand, another removed.
    with open(site / "public" / "tags" / "beta" / "rss.xml", "ab") as out:
        out.write(b"<!-- appended by hand -->\n")
    (site / "public" / "tags" / "gamma" / "feed.json").unlink()
    _edit(site, 3, "delta, epsilon", " Edited again.")
    made, _ = _build(site, monkeypatch)
    assert made == _atoms("beta", "delta", "epsilon", "gamma")
    assert output(site / "public") == without_cache(site, tmp_path)
