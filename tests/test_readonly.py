"""feedkit/readonly.py: classes frozen to mypy, not at run time; those compared by value
still equal and hashed by their fields as frozen dataclasses are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from feedkit.errors import Problem
from feedkit.models import Author
from feedkit.posts.places import Place, Skipped

from conftest import ROOT

ASSIGNMENTS = """
from feedkit.config import Config
from feedkit.errors import Problem
from feedkit.models import Post
from feedkit.posts.places import Place


def change(cfg: Config, post: Post, problem: Problem, place: Place) -> None:
    cfg.title = "another"
    post.title = "another"
    problem.line = 2
    place.draft = True
"""


def test_mypy_rejects_an_assignment_to_a_field_of_a_readonly_class(tmp_path: Path) -> None:
    # Nothing stops it at run time: the type check before every commit does.
    (tmp_path / "assignments.py").write_text(ASSIGNMENTS, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", str(tmp_path / "assignments.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    read_only = [line for line in result.stdout.splitlines() if "is read-only" in line]
    assert len(read_only) == 4, result.stdout + result.stderr
    for name in ('"title" defined in "Config"', '"title" defined in "Post"', '"line"', '"draft"'):
        assert any(name in line for line in read_only), read_only


def test_the_classes_compared_are_equal_and_hashed_by_their_fields_as_frozen_ones_are() -> None:
    # A problem found twice is reported once: problems are gathered in sets and dicts.
    assert {Problem("p.md", 3, "bad"), Problem("p.md", 3, "bad")} == {Problem("p.md", 3, "bad")}
    assert hash(Problem("p.md", 3, "bad")) == hash(("p.md", 3, "bad", False))
    assert Problem("p.md", 3, "bad") != Problem("p.md", 3, "bad", warning=True)
    assert hash(Author("Ada", "a@e.org")) == hash(("Ada", "a@e.org", None))
    assert hash(Place(draft=True)) == hash(Place(draft=True)) and Place() != Place(draft=True)
    assert len({Skipped("x"), Skipped("x"), Skipped("y")}) == 2
