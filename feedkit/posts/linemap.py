"""A warning found in a post's body after its templates were expanded (Liquid's include, a
Hugo shortcode's lines), moved to the line of the post file it came from.

What Liquid renders carries no positions, so the two texts are lined up as `difflib` lines
up two versions of a file: a line the expansion left alone is its own line; a line it made
is the line of the template tag that made it (the first line of what it replaced).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace

from feedkit.errors import Problem


def at_source_lines(
    problems: Sequence[Problem], body_line: int, source: str, expanded: str
) -> list[Problem]:
    """Return `problems`, found in the `expanded` body of a post whose body (`source`) starts
    at the file's line `body_line`, at the lines of the file they come from."""
    if source == expanded or not problems:
        return list(problems)
    where = _source_line_of(source.split("\n"), expanded.split("\n"))
    moved = []
    for problem in problems:
        index = problem.line - body_line  # 0-based, in the expanded body
        if 0 <= index < len(where):
            problem = replace(problem, line=body_line + where[index])
        moved.append(problem)
    return moved


def _source_line_of(source: list[str], expanded: list[str]) -> list[int]:
    """Return, for each line of `expanded`, the 0-based line of `source` it comes from."""
    where = [0] * len(expanded)
    matcher = difflib.SequenceMatcher(None, source, expanded, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            # Equal: line for line. Made by a tag: the tag's line (an insertion, after the
            # line before it).
            where[j] = i1 + (j - j1) if tag == "equal" else (i1 if i2 > i1 else max(i1 - 1, 0))
    return where
