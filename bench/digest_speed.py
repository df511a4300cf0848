"""`feedkit digest --dry-run` at the benchmark's sizes, against the 0.5 s goal of issue 13.

Per size, a site beside the corpus (its content folder links to the corpus's posts) with a
digest section, 100 subscribers, and a state database after a first digest run (the archive
recorded as sent); then, in each round, one new post is added and the two dry runs that would
mail it are timed: the first after the post was added (it reads the post, and keeps what it
read) and the one after it; the post is taken away again, and a dry run that is not timed
lets the index forget it. Each is the median of the rounds, as every case of bench/run.py
is; the first round's first run, the site's first dry run (its digest templates compiled and
its style sheet read for the first time: the first digest run only recorded the archive), is
shown on its own too. The post is dated a minute back, as saved a moment before the dry
run rather than within the two seconds in which the post index never trusts a file's status
(feedkit/site/cache.py, "racily clean"): a run in those seconds reads the post again.
With `--evict`, the site's files and the corpus's posts are dropped from memory before
every timed run.
bench/run.py runs this for each size; on its own (the corpora are made once in the workdir):

    .venv/bin/python bench/digest_speed.py [--sizes 1000,5000,20000] [--runs 5]
        [--workdir bench/out] [--feedkit PATH ...] [--evict]

Each `--feedkit` (a `feedkit` command, e.g. one installed from another commit) is timed in
turn at each size, next to each other; without one, this checkout is installed and timed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOAL_S = 0.5
HEADER = (
    "| posts | digest --dry-run s, first after a post is added (median) "
    "| the site's first dry run s | again s (median) | peak MiB | goal s |"
)
COMPARED = (
    "| feedkit | posts | first s (median) | again s (median) | peak MiB | every first s "
    "| every again s |"
)
SETTLED_S = 60  # the new post's age when the dry runs start
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
    drop: Callable[[Path], object] | None = None,
) -> dict[str, Any]:
    """Return the dry run's timings for the corpus at `root` (`measure`: run.measure), each
    timed run after `drop` was given the site's folder and the corpus's posts, when given
    (run.drop_from_memory, for `--evict`)."""
    site, post = digest_site(root)
    config = ["--config", str(site / "feedkit.toml")]
    dry_run = [feedkit, "digest", "--dry-run", *config]
    _, out = measure([feedkit, "digest", *config], env)  # the first run: the archive as sent
    if "First run: recorded" not in out:
        raise RuntimeError(f"the first digest run did not record the archive: {out[-500:]}")
    post.parent.mkdir()
    first: list[Any] = []
    again: list[Any] = []
    for _ in range(runs):
        if post.exists():  # the last round's: the index forgets it, as before the first round
            post.unlink()
            _, out = measure(dry_run, env)
            if "No new posts since the last digest" not in out:
                raise RuntimeError(f"the dry run still shows a post taken away: {out[-500:]}")
        post.write_text(NEW_POST, encoding="utf-8")
        saved = post.stat().st_mtime_ns - SETTLED_S * 1_000_000_000
        os.utime(post, ns=(saved, saved))
        for samples in (first, again):
            if drop is not None:
                drop(site)
                drop(root / "content")  # the site's content/ holds a link to it
            sample, out = measure(dry_run, env)
            if "Would send a new digest of 1 post(s)" not in out:
                raise RuntimeError(f"the dry run does not show the new post: {out[-500:]}")
            samples.append(sample)
    return {
        "size": size,
        "first_s": statistics.median(s.wall for s in first),
        "wall_s_median": statistics.median(s.wall for s in again),
        "peak_mib_median": statistics.median(s.rss_kib for s in first + again) / 1024,
        "first_s_each": [s.wall for s in first],
        "wall_s": [s.wall for s in again],
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [HEADER, "|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['first_s']:.2f} | {r['first_s_each'][0]:.2f} "
            f"| {r['wall_s_median']:.2f} "
            f"| {r['peak_mib_median']:.0f} | ≤ {GOAL_S} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import run  # here: bench/run.py imports this module

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="post counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="rounds per size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=run.BENCH / "out")
    parser.add_argument("--feedkit", action="append", default=[], help="a feedkit command")
    parser.add_argument(
        "--evict", action="store_true", help="drop the files from memory before every timed run"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FEEDKIT_NOW": run.FEEDKIT_NOW}
    commands = args.feedkit or [run.feedkit_command(workdir, install=True)[0]]
    lines = [COMPARED, "|---|---:|---:|---:|---:|---|---|"]
    try:
        for size in sizes:
            root = run.prepare_site(workdir, size, args.seed).root
            for feedkit in commands:
                drop = run.drop_from_memory if args.evict else None
                r = row(root, size, args.runs, env, feedkit, run.measure, drop)
                firsts = " ".join(f"{s:.2f}" for s in r["first_s_each"])
                agains = " ".join(f"{s:.2f}" for s in r["wall_s"])
                lines.append(
                    f"| {feedkit} | {size:,} | {r['first_s']:.2f} | {r['wall_s_median']:.2f} "
                    f"| {r['peak_mib_median']:.0f} | {firsts} | {agains} |"
                )
                print(lines[-1], file=sys.stderr)
    except run.BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
