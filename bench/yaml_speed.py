"""feedkit's YAML loader (feedkit/posts/fastyaml.py) against PyYAML's own safe loader, in one run.

Three kinds of front matter: every post of a generated corpus (what a build reads), an
alias bomb ("billion laughs", 9 lists of 9 shared nine times over), and a list that holds
itself. The promise checked: fastyaml is never slower than PyYAML's C safe loader by more
than a constant factor, whatever the document. Timed in this process, best of `runs`,
both loaders round-robin.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from feedkit.posts import fastyaml
from feedkit.posts.postfile import split

BENCH = Path(__file__).resolve().parent
BOMB = BENCH.parent / "tests" / "fixtures" / "aliases" / "billion-laughs.md"
HEADER = "| front matter | documents | fastyaml ms | PyYAML ms | ratio to PyYAML |"


def front_matters(content: Path) -> list[str]:
    """Return the YAML front matter of every post file under `content`."""
    texts = []
    for path in sorted(content.rglob("*.md")):
        source = split(path.read_text(encoding="utf-8"), str(path))
        if source.fm_format == "YAML":
            texts.append(source.fm_text)
    return texts


def documents(content: Path) -> dict[str, list[str]]:
    bomb = split(BOMB.read_text(encoding="utf-8"), str(BOMB)).fm_text
    return {
        "every post of the corpus": front_matters(content),
        "alias bomb (9^9 if copied)": [bomb],
        "a list that holds itself": ["title: Loop\nseries: &s [one, two, *s]\n"],
    }


def best_of(runs: int, loaders: list[Callable[[str], Any]], texts: list[str]) -> list[float]:
    """Return each loader's best wall time over `texts`, in seconds; round-robin runs."""
    best = [float("inf")] * len(loaders)
    for _ in range(runs):
        for index, load in enumerate(loaders):
            start = time.perf_counter()
            for text in texts:
                load(text)
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def rows(content: Path, runs: int) -> list[dict[str, object]]:
    """Return a row per kind of document: both loaders' times and fastyaml's ratio."""
    loaders: list[Callable[[str], Any]] = [
        fastyaml.load,
        lambda text: yaml.load(text, Loader=fastyaml.SAFE_LOADER),
    ]
    found = []
    # That both give the same values is tests/test_fastyaml.py's to show (a repr of the
    # bomb would expand every alias).
    for kind, texts in documents(content).items():
        ours, theirs = best_of(max(runs, 3), loaders, texts)
        found.append(
            {
                "kind": kind,
                "documents": len(texts),
                "fastyaml_ms": ours * 1000,
                "pyyaml_ms": theirs * 1000,
                "ratio_to_pyyaml": round(ours / theirs, 3),
            }
        )
    return found


def table(found: list[dict[str, object]]) -> str:
    lines = [HEADER, "|---|---:|---:|---:|---:|"]
    for row in found:
        lines.append(
            f"| {row['kind']} | {row['documents']:,} | {row['fastyaml_ms']:.2f} "
            f"| {row['pyyaml_ms']:.2f} | {row['ratio_to_pyyaml']:.2f}× |"
        )
    return "\n".join(lines)
