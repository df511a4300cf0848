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


def test_a_readonly_class_prints_compares_and_hashes_as_the_dataclass_would() -> None:
    # Its methods are made once for every class, without writing and compiling each one's
    # source as dataclasses does (about 0.13 ms a method, 26 of them at every start).
    from dataclasses import dataclass, field

    from feedkit.readonly import readonly

    for slots in (False, True):

        @readonly(eq=True, slots=slots)
        class Mine:
            name: str
            count: int = 0
            hidden: str = field(default="", repr=False)
            ignored: list[int] = field(default_factory=list, compare=False)

        @dataclass(eq=True, unsafe_hash=True, slots=slots)
        class Theirs:
            name: str
            count: int = 0
            hidden: str = field(default="", repr=False)
            ignored: list[int] = field(default_factory=list, compare=False)

        mine, theirs = Mine("a", 2, "h", [1]), Theirs("a", 2, "h", [1])
        assert repr(mine).replace("Mine", "Theirs", 1) == repr(theirs)
        assert repr(mine).startswith(
            "test_a_readonly_class_prints_compares_and_hashes_as_the_dataclass_would."
            "<locals>.Mine(name='a', count=2, ignored=[1])"
        )
        assert hash(mine) == hash(theirs) == hash(("a", 2, "h"))
        assert mine == Mine("a", 2, "h", [9]) and mine != Mine("a", 3, "h", [1])
        assert mine != theirs and mine.__eq__(theirs) is NotImplemented
        assert len({mine, Mine("a", 2, "h"), Mine("b")}) == 2

    @readonly()
    class Node:
        """Compared by identity, as every class not `eq`; printed with what it holds."""

        label: str
        children: list[Node] = field(default_factory=list)

    node = Node("top")
    node.children.append(node)
    assert repr(node) == f"{Node.__qualname__}(label='top', children=[...])"
    assert node != Node("top", node.children) and hash(node) == object.__hash__(node)

    @readonly(eq=True, repr=False)
    class Own:
        value: int

        def __repr__(self) -> str:
            return f"<{self.value}>"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Own)

        __hash__ = object.__hash__

    one, two = Own(1), Own(2)
    assert repr(one) == "<1>" and one == two and hash(one) != hash(two)
