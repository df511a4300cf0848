"""A site of posts over five tags, tag feeds on, for the tests of what a rebuild need not do
again (test_unchanged_feeds, test_file_digests, test_render_changes): its posts, and the
output to compare with a build's that has no cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from feedkit.config import load_config
from feedkit.site.build import build_site

from conftest import NOW

TAGS = ["alpha", "beta", "gamma", "delta", "epsilon"]
LONG_AGO = 1e9  # a status saved long before any build: one the cache trusts


def write_post(
    site: Path,
    i: int,
    note: str = "",
    tags: str = "",
    link: str = "x",
    mtime: float | None = LONG_AGO,
) -> None:
    """Write post `i` of `site` (in two of the five tags, unless `tags` names them), saved at
    `mtime` (None: now)."""
    tags = tags or f"{TAGS[i % 5]}, {TAGS[(i + 1) % 5]}"
    path = site / "content" / f"p{i:02d}.md"
    path.write_text(
        f"---\ntitle: Post {i}\ndate: 2024-01-{i + 1:02d}\ntags: [{tags}]\n---\n"
        f"The body of post {i}, with *emphasis* & a [link](/{link}/{i}/).{note}\n",
        encoding="utf-8",
    )
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def output(folder: Path) -> dict[str, bytes]:
    """Return every file under `folder`, by its path there."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def without_cache(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """Return the output folder a build with no cache makes of `site`'s posts."""
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(site / "content", fresh / "content")
    shutil.copyfile(site / "feedkit.toml", fresh / "feedkit.toml")
    build_site(load_config(fresh / "feedkit.toml"), NOW, ignore_cache=True)
    return output(fresh / "public")
