"""The benchmark in bench/ still runs, and its corpus generator stays seeded and realistic."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from conftest import bytes_in_memory

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load_bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_corpus() -> ModuleType:
    return load_bench("corpus")


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_generate_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    corpus = load_corpus()
    corpus.generate(tmp_path / "a", 30, seed=7)
    corpus.generate(tmp_path / "b", 30, seed=7)
    corpus.generate(tmp_path / "c", 30, seed=8)
    a, b, c = (files_of(tmp_path / name) for name in "abc")
    assert len([name for name in a if name.endswith(".md")]) == 30
    assert a == b
    assert a != c


def test_generate_makes_posts_of_realistic_size(tmp_path: Path) -> None:
    load_corpus().generate(tmp_path, 300)
    sizes = [p.stat().st_size for p in (tmp_path / "content").rglob("*.md")]
    assert len(sizes) == 300
    assert 9_000 <= sum(sizes) / len(sizes) <= 16_000
    long_posts = sum(size > 25_000 for size in sizes)  # ~6,000 words
    assert 0.05 <= long_posts / len(sizes) <= 0.20
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "content").rglob("*.md"))
    for feature in ("<!--more-->", "```python", "draft: true", "|---|", "$$", 'tags: "'):
        assert feature in text, feature


@pytest.mark.parametrize(
    "evict",
    [
        [],
        pytest.param(
            ["--evict"],
            marks=pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="Linux's"),
        ),
    ],
    ids=["as-found", "evict"],
)
def test_smoke_run_prints_the_table(tmp_path: Path, evict: list[str]) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--smoke",
            *evict,
            "--many-tags",
            "40",
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    header = "| size | tool/case | wall s (median) | peak MiB | ratio to Hugo "
    assert header + "| ratio to Hugo with term feeds |" in proc.stdout
    assert "| 200 | feedkit cold |" in proc.stdout
    assert "| 200 | feedkit check |" in proc.stdout
    assert "| 200 | feedkit check again, nothing changed |" in proc.stdout
    if shutil.which("hugo"):
        # Tag feeds against Hugo building its term (tag) feeds too, in their own column.
        assert re.search(r"\| 200 \| feedkit cold, tag feeds on \|.*\| [0-9.]+× \|\n", proc.stdout)
        assert re.search(r"\| 200 \| hugo cold, term feeds too \|.*\| 1\.00× \|\n", proc.stdout)
        # One post edited with tag feeds on: the first build after the cold one, and the third
        # (each checked to show the edit in the tag-feed site's atom.xml, or the run fails).
        for nth in ("first", "third"):
            row = rf"\| 200 \| feedkit tag feeds on, one post changed, {nth} since cold \|"
            assert re.search(row + r".*\| [0-9.]+× \|\n", proc.stdout), nth
        assert re.search(r"check 200: Hugo with term feeds wrote [1-9]\d* tag feeds", proc.stdout)
    assert "| 200 | feedkit after one post changed |" in proc.stdout
    assert "| 200 | feedkit --no-cache, a cache there |" in proc.stdout
    # The floor under a fresh process: Python's start, and importing what a cold build imports.
    assert re.search(r"\| 200 \| python started \| [0-9.]+ \|", proc.stdout)
    floor = re.search(
        r"\| 200 \| python, importing the (\d+) modules a cold build imports \|", proc.stdout
    )
    assert floor and int(floor[1]) > 20, proc.stdout
    assert "build server" not in proc.stdout
    assert (tmp_path / ("results-evict.json" if evict else "results.json")).is_file()
    assert ("dropped from memory before every run (--evict)" in proc.stdout) == bool(evict)
    # `feedkit digest --dry-run` after a first digest run and one new post, against its goal.
    assert (
        "| posts | digest --dry-run s, first after a post is added (median) "
        "| the site's first dry run s | again s (median) | peak MiB | goal s |" in proc.stdout
    )
    seconds = r"\| [0-9.]+ " * 3
    assert re.search(rf"\| 200 {seconds}\| [0-9]+ \| ≤ 0.5 \|\n", proc.stdout)
    # Tag feeds with each post's tags drawn from 40 names (a team blog's few hundred, in
    # the full run): the run fails unless feedkit (and Hugo) wrote a feed for each tag used.
    assert many_tags_header() in proc.stdout
    ratios = r"\| [0-9.]+× " if shutil.which("hugo") else r"\| – "
    timed = rf"\| [0-9.]+ {ratios}"
    row = rf"\| 200 \| 40 \| [0-9.]+ \| [0-9.–]+ {ratios}{timed}{timed}\| \d+, \d+ \|"
    assert re.search(row, proc.stdout), proc.stdout
    # fastyaml against PyYAML's own loader, hostile documents included.
    assert "| front matter | documents | fastyaml ms | PyYAML ms | ratio to PyYAML |" in proc.stdout
    assert "| alias bomb (9^9 if copied) | 1 |" in proc.stdout


def many_tags_header() -> str:
    return (
        "| posts | tags | feedkit cold s | Hugo with term feeds s | ratio "
        "| one post edited, first since cold s | ratio | third since cold s | ratio "
        "| peak MiB: cold, third edit | Hugo's peak MiB |"
    )


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="posix_fadvise is Linux's")
def test_evict_drops_the_posts_from_memory_and_passes_over_what_is_no_file(
    tmp_path: Path,
) -> None:
    # `run.py --evict`: every case reads the posts from the disk, feedkit's and Hugo's alike.
    content = tmp_path / "content"
    (content / "a").mkdir(parents=True)
    files = [content / "a" / "p.md", content / "q.md"]
    for path in files:
        with path.open("wb") as out:
            out.write(os.urandom(65536))
            out.flush()
            os.fsync(out.fileno())  # written pages stay until they are on the disk
        path.read_bytes()
    os.mkfifo(content / "pipe.md")  # opened to read, it would wait for a writer
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import pathlib, sys; sys.path.insert(0, sys.argv[1]); import run; "
            "print(run.drop_from_memory(pathlib.Path(sys.argv[2])))",
            str(BENCH),
            str(content),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout) == (0, "2\n"), proc.stderr
    resident = bytes_in_memory(files)
    if resident is None:
        pytest.skip("fincore is not installed: what is in memory is not checked")
    assert resident == [0, 0]


@pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs a system that pins a process to cores, and two of them",
)
def test_floor_reads_the_import_report_of_a_build_that_runs_on_one_core() -> None:
    # On two cores a build forks a helper whose import-time lines interleave with its own
    # on stderr, misplacing modules in the report's tree: the floor's list of modules then
    # changed from build to build. The command here fails unless it runs on one core.
    floor = load_bench("floor")
    code = (
        "import os, sys\n"
        "if len(os.sched_getaffinity(0)) != 1: sys.exit('on more than one core')\n"
        "import json\n"
    )
    modules = floor.imported_by([sys.executable, "-c", code], dict(os.environ))
    assert "json" in modules
