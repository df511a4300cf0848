"""`feedkit digest --dry-run` at the benchmark's sizes, against the 0.5 s goal of issue 13.

Per size, a site beside the corpus (its content folder links to the corpus's posts) with a
digest section, 100 subscribers, and a state database after a first digest run (the archive
recorded as sent); then one new post is added, and the dry run that would mail it is timed.
"""

from __future__ import annotations

import shutil
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOAL_S = 0.5
HEADER = "| posts | digest --dry-run s (median) | peak MiB | goal s |"
DIGEST_TOML = """
[digest]
from = "Bench Author <author@bench.example.org>"
subscribers = "subscribers.csv"
"""
NEW_POST = """---
title: "A new post for the digest"
date: 2029-12-31T12:00:00+00:00
tags: ["python"]
---
The benchmark added this post after the first digest run, so the next digest has it.
"""


def digest_site(root: Path) -> tuple[Path, Path]:
    """Return the digest site for the corpus at `root` (made afresh: no state, no index) and
    the new post's path, not written yet."""
    site = root.parent / f"{root.name}-digest"
    shutil.rmtree(site, ignore_errors=True)
    (site / "content").mkdir(parents=True)
    config = (root / "feedkit.toml").read_text(encoding="utf-8")
    (site / "feedkit.toml").write_text(config + DIGEST_TOML, encoding="utf-8")
    readers = ["email,name"] + [f"reader{n}@example.org,Reader {n}" for n in range(100)]
    (site / "subscribers.csv").write_text("\n".join(readers) + "\n", encoding="utf-8")
    (site / "content" / "corpus").symlink_to(root / "content")
    return site, site / "content" / "new" / "digest-bench-post.md"


def row(
    root: Path,
    size: int,
    runs: int,
    env: dict[str, str],
    feedkit: str,
    measure: Callable[[list[str], dict[str, str]], tuple[Any, str]],
) -> dict[str, Any]:
    """Return the dry run's timings for the corpus at `root` (`measure`: run.measure)."""
    site, post = digest_site(root)
    config = ["--config", str(site / "feedkit.toml")]
    _, out = measure([feedkit, "digest", *config], env)  # the first run: the archive as sent
    if "First run: recorded" not in out:
        raise RuntimeError(f"the first digest run did not record the archive: {out[-500:]}")
    post.parent.mkdir()
    post.write_text(NEW_POST, encoding="utf-8")
    samples = []
    for _ in range(runs):
        sample, out = measure([feedkit, "digest", "--dry-run", *config], env)
        if "Would send a new digest of 1 post(s)" not in out:
            raise RuntimeError(f"the dry run does not show the new post: {out[-500:]}")
        samples.append(sample)
    return {
        "size": size,
        "wall_s_median": statistics.median(s.wall for s in samples),
        "peak_mib_median": statistics.median(s.rss_kib for s in samples) / 1024,
        "wall_s": [s.wall for s in samples],
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [HEADER, "|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['wall_s_median']:.2f} | {r['peak_mib_median']:.0f} "
            f"| ≤ {GOAL_S} |"
        )
    return "\n".join(lines)
