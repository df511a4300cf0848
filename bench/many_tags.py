"""Tag feeds with a few hundred tags, as a team blog has them: feedkit against Hugo building
its term feeds, on the same posts.

The bench's corpus draws each post's tags from 63, so its tag-feed site has 63 feeds; a team
blog's posts are filed under hundreds, and a build's work for each feed (its entries, its
key, its three files) grows with them. Per size: a copy of the corpus's posts, made once in
the workdir beside the corpus (`<corpus>-tags<N>`), with each tagged post's tags drawn again
from N names (1 to 5 of them, seeded), written as lists so that feedkit and Hugo read the
same tags; a feedkit site over it with tag feeds on, and a Hugo site (bench/rivals.py's term
feeds configuration) whose content folder links to it. Timed round-robin, each a median of
the rounds: feedkit's cold build (no `.feedkit/`, no output), the first build after it with
one post edited (the edited post's feeds made, every entry of theirs too: the cold build
keeps the feeds' keys but no entry), the third (two edits later: the other posts' entries
kept by the edit before), and Hugo's cold build with its term feeds. Each run counts both
tools' tag feeds: one for each name some post has, or the run fails. (`--evict` does not
apply here: the files stay in memory as they are.)

bench/run.py runs this with `--many-tags N`; on its own (the corpora are made once in the
workdir):

    .venv/bin/python bench/many_tags.py [--sizes 5000,20000] [--tags 400] [--runs 3]
        [--workdir bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import corpus
import rivals

HEADER = (
    "| posts | tags | feedkit cold s | Hugo with term feeds s | ratio "
    "| one post edited, first since cold s | ratio | third since cold s | ratio "
    "| peak MiB: cold, third edit | Hugo's peak MiB |"
)
SEED = 7  # the tags drawn; the corpus's own seed makes the posts
# A front matter's tags line, as bench/corpus.py writes it: a list, or a string of names.
TAGS_LINE = re.compile(rb"(?m)^tags: .*$")


def tag_names(count: int) -> list[str]:
    return [f"topic-{n:03d}" for n in range(count)]


def retagged_copy(root: Path, count: int) -> Path:
    """Return the copy of the posts of the corpus at `root` with each tagged post's tags
    drawn from `count` names (made unless a complete one is there: `copy.done`)."""
    copy = root.parent / f"{root.name}-tags{count}"
    if (copy / "copy.done").exists():
        return copy
    shutil.rmtree(copy, ignore_errors=True)
    names = tag_names(count)
    rng = random.Random(SEED)
    used: set[str] = set()
    for source in sorted((root / "content").rglob("*.md")):
        target = copy / "content" / source.relative_to(root / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        drawn = rng.sample(names, rng.randint(1, 5))
        listed = f"tags: [{', '.join(json.dumps(name) for name in drawn)}]".encode()
        post, tagged = TAGS_LINE.subn(lambda _, tags=listed: tags, source.read_bytes(), count=1)
        target.write_bytes(post)
        if tagged:
            used.update(drawn)
    (copy / "feedkit.toml").write_text(corpus.feedkit_config(True), encoding="utf-8")
    # The names some post has: fewer than `count` where posts are few (each a tag feed).
    (copy / "copy.done").write_text(f"{len(used)}\n", encoding="utf-8")
    return copy


def tags_used(copy: Path) -> int:
    """Return how many of the names some post of `copy` has (`retagged_copy`)."""
    return int((copy / "copy.done").read_text(encoding="utf-8"))


def row(
    root: Path,
    size: int,
    count: int,
    runs: int,
    env: dict[str, str],
    feedkit: str,
    hugo: str | None,
    measure: Callable[[list[str], dict[str, str]], tuple[Any, str]],
) -> dict[str, Any]:
    """Return the timings for the corpus at `root` with its posts' tags drawn from `count`
    names (`measure`: run.measure); Hugo's are None when it is not installed."""
    import run

    copy = retagged_copy(root, count)
    expected = tags_used(copy)
    newest = json.loads((root / "bench.json").read_text(encoding="utf-8"))["newest"]
    site = run.Site(copy, copy, copy / newest)
    edit, verify_in, restore = run.edit_cases(site)
    verify = verify_in(copy)
    build = [feedkit, "build", "--config", str(copy / "feedkit.toml")]
    terms = copy / "hugo-tags"  # its content folder links to the copy's
    hugo_command = rivals.hugo_terms_site(hugo, terms) if hugo else None
    if hugo and not (terms / "content").is_symlink():
        (terms / "content").symlink_to(Path("..") / "content")
    samples: dict[str, list[Any]] = {"cold": [], "first": [], "third": [], "hugo": []}
    try:
        for n in range(runs):
            run.clean(copy / ".feedkit", copy / "public")
            samples["cold"].append(measure(build, env)[0])
            if n == 0:
                made = len(list((copy / "public" / "tags").glob("*/atom.xml")))
                if made != expected:
                    raise run.BenchError(f"feedkit wrote {made} tag feeds, not {expected}")
            edit(n)
            samples["first"].append(measure(build, env)[0])
            verify(n)
            edit(n, "b")
            measure(build, env)  # the second edit since cold, untimed
            edit(n)
            samples["third"].append(measure(build, env)[0])
            verify(n)
            if hugo_command:
                run.clean(terms / "public", terms / "resources")
                samples["hugo"].append(measure(hugo_command, env)[0])
                made = len(list((terms / "public" / "tags").glob("*/index.xml")))
                if made != expected:
                    raise run.BenchError(f"Hugo wrote {made} term feeds, not {expected}")
    finally:
        restore(runs)

    def median(name: str, field: str = "wall") -> float | None:
        values = [getattr(s, field) for s in samples[name]]
        return statistics.median(values) if values else None

    return {
        "size": size,
        "tags": count,
        **{f"{name}_s": median(name) for name in samples},
        **{f"{name}_peak_mib": (median(name, "rss_kib") or 0) / 1024 for name in samples},
        **{f"{name}_s_each": [s.wall for s in samples[name]] for name in samples},
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [HEADER, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        hugo = r["hugo_s"]

        def ratio(seconds: float, hugo: float | None = hugo) -> str:
            return f"{seconds / hugo:.2f}×" if hugo else "–"

        hugo_peak = f"{r['hugo_peak_mib']:.0f}" if hugo else "–"
        lines.append(
            f"| {r['size']:,} | {r['tags']} | {r['cold_s']:.3f} "
            f"| {f'{hugo:.3f}' if hugo else '–'} | {ratio(r['cold_s'])} "
            f"| {r['first_s']:.3f} | {ratio(r['first_s'])} "
            f"| {r['third_s']:.3f} | {ratio(r['third_s'])} "
            f"| {r['cold_peak_mib']:.0f}, {r['third_peak_mib']:.0f} "
            f"| {hugo_peak} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import run  # here: bench/run.py imports this module

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000", help="post counts, comma-separated")
    parser.add_argument("--tags", type=int, default=400, help="tag names drawn from")
    parser.add_argument("--runs", type=int, default=3, help="rounds per size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=run.BENCH / "out")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FEEDKIT_NOW": run.FEEDKIT_NOW}
    hugo = run.find_tools(install=True)
    feedkit = run.feedkit_command(workdir, install=True)[0]
    rows = []
    try:
        for size in sizes:
            root = run.prepare_site(workdir, size, args.seed).root
            rows.append(row(root, size, args.tags, args.runs, env, feedkit, hugo, run.measure))
            print(f"  {size} posts in {args.tags} tags done", file=sys.stderr)
    except run.BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
