"""in_parallel: both halves' results, in order; the child's failures reach the parent."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from feedkit import parallel


def test_both_halves_run_and_come_back_in_order() -> None:
    parent = os.getpid()
    here, there = parallel.in_parallel(
        lambda: ("here", os.getpid()), lambda: ("there", os.getpid())
    )
    assert here == ("here", parent)
    assert there[0] == "there"
    if parallel.cores() >= 2 and hasattr(os, "fork"):
        assert there[1] != parent  # really another process


def test_an_error_in_the_child_is_raised_here() -> None:
    def fail() -> None:
        raise ValueError("broken front matter")

    with pytest.raises(ValueError, match="broken front matter"):
        parallel.in_parallel(lambda: 1, fail)


def test_a_post_or_setting_error_in_the_child_is_raised_here_as_it_was() -> None:
    # Their messages are made from their problems: pickled by their message alone, they
    # came back as one problem per character.
    from feedkit.errors import ConfigError, ContentError, Problem

    problems = [Problem("content/a.md", 3, "date: not a date"), Problem("b.md", 0, "empty")]

    def bad_posts() -> None:
        raise ContentError(problems)

    def bad_setting() -> None:
        raise ConfigError([("digest.from", "is required")], file="site.toml")

    with pytest.raises(ContentError) as posts:
        parallel.in_parallel(lambda: 1, bad_posts)
    assert posts.value.problems == tuple(problems)
    assert str(posts.value) == str(ContentError(problems))
    with pytest.raises(ConfigError) as setting:
        parallel.in_parallel(lambda: 1, bad_setting)
    assert (setting.value.problems, setting.value.file) == (
        (("digest.from", "is required"),),
        "site.toml",
    )
    assert str(setting.value) == "site.toml: digest.from: is required"


def test_an_error_that_cannot_be_pickled_still_says_what_it_was() -> None:
    class Unpicklable(Exception):
        def __init__(self) -> None:
            super().__init__("held a lock")
            self.lock = threading.Lock()

    def fail() -> None:
        raise Unpicklable()

    if parallel.cores() < 2 or not hasattr(os, "fork"):
        pytest.skip("runs in this process without a second core")
    with pytest.raises(RuntimeError, match="Unpicklable: held a lock"):
        parallel.in_parallel(lambda: 1, fail)


def test_without_a_second_core_both_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    parent = os.getpid()
    assert parallel.in_parallel(os.getpid, os.getpid) == (parent, parent)


def test_plain_and_rich_results_both_come_back_whole() -> None:
    # Plain values travel marshalled, anything else pickled: the parent gets equal values.
    from datetime import UTC, datetime

    from feedkit.errors import Problem

    plain = [("a.md", b"\x00" * 32, (1.5, False, "slug", ("tag",)), [], None)]
    rich = [Problem("a.md", 3, "bad date"), datetime(2024, 1, 1, tzinfo=UTC)]
    assert parallel.in_parallel(lambda: 0, lambda: plain) == (0, plain)
    assert parallel.in_parallel(lambda: 0, lambda: rich) == (0, rich)
    # A tuple subclass keeps its type (marshal refuses subclasses: it goes pickled).
    from feedkit.models import Choice

    choice = Choice(1.0, False, "a", "urn:a", ())
    assert type(parallel.in_parallel(lambda: 0, lambda: choice)[1]) is Choice


def test_shared_work_comes_back_in_order_and_both_processes_take_part() -> None:
    def part(i: int) -> tuple[int, int]:
        time.sleep(0.005)  # long enough for both to be taking parts
        return i, os.getpid()

    results = parallel.shared(40, part)
    assert [i for i, _ in results] == list(range(40))
    if parallel.cores() >= 2 and hasattr(os, "fork"):
        assert len({pid for _, pid in results}) == 2


def test_shared_work_goes_to_whoever_is_free(tmp_path: Path) -> None:
    # This process is busy first (`first`): the child takes the parts meanwhile, so both
    # finish together instead of this one taking half of them after its own work.
    if parallel.cores() < 2 or not hasattr(os, "fork"):
        pytest.skip("runs in this process without a second core")
    started = tmp_path / "started"

    def first() -> None:
        # Busy until the child has taken most parts (or 10 s): the child takes them all.
        deadline = time.monotonic() + 10
        while len(list(tmp_path.glob("part-*"))) < 18 and time.monotonic() < deadline:
            time.sleep(0.01)
        started.touch()

    def part(i: int) -> int:
        (tmp_path / f"part-{i}").touch()
        time.sleep(0.01)
        return os.getpid()

    pids = parallel.shared(20, part, first=first)
    assert started.exists()
    assert len(pids) == 20
    assert pids.count(os.getpid()) <= 2  # the child took at least the 18 this one waited for


def test_an_error_in_shared_work_is_raised_here() -> None:
    def part(i: int) -> int:
        if i == 7:
            raise ValueError("part 7 broke")
        return i

    with pytest.raises(ValueError, match="part 7 broke"):
        parallel.shared(12, part)


def test_shared_work_without_a_second_core_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    ran: list[str] = []
    assert parallel.shared(3, lambda i: (i, os.getpid()), first=lambda: ran.append("first")) == [
        (0, os.getpid()),
        (1, os.getpid()),
        (2, os.getpid()),
    ]
    assert ran == ["first"]


def test_the_child_is_reaped_without_this_process_waiting_for_it() -> None:
    if parallel.cores() < 2 or not hasattr(os, "fork"):
        pytest.skip("runs in this process without a second core")
    _, child = parallel.in_parallel(lambda: None, os.getpid)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # no zombie left; WNOWAIT: this test reaps nothing
        try:
            os.waitid(os.P_PID, child, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            break
        time.sleep(0.01)
    else:
        pytest.fail(f"the forked child {child} was left a zombie")


def test_shared_work_tells_how_many_parts_both_processes_have_done(tmp_path: Path) -> None:
    # A progress display in this process counts the child's parts too. The child takes
    # parts 0-18 while this process waits in `first`, and holds part 18 until this process
    # has done part 19: this process's count then says 18 of the child's and its own one.
    if parallel.cores() < 2 or not hasattr(os, "fork"):
        pytest.skip("runs in this process without a second core")
    go = tmp_path / "go"

    def wait_for(path: Path) -> None:
        deadline = time.monotonic() + 10
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.01)

    def first() -> None:
        wait_for(tmp_path / "part-18")
        time.sleep(0.2)  # the child tells of parts 0-17 as each returns

    def part(i: int) -> int:
        (tmp_path / f"part-{i}").touch()
        if i == 18:
            wait_for(go)
        if i == 19:
            go.touch()
        return os.getpid()

    counts: list[int] = []
    pids = parallel.shared(20, part, first=first, on_done=counts.append)
    assert pids[19] == os.getpid() and pids.count(os.getpid()) == 1
    assert counts == [19, 20]  # after its one part, and once at the end


def test_shared_work_tells_its_count_without_a_second_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    counts: list[int] = []
    parallel.shared(3, lambda i: i, on_done=counts.append)
    assert counts == [1, 2, 3]


def test_the_childs_parts_are_taken_here_as_they_come(tmp_path: Path) -> None:
    # With `received`, each part the child finishes is handed over here between this
    # process's own parts (unpickling the child's posts was a wait at the end of a check).
    if parallel.cores() < 2 or not hasattr(os, "fork"):
        pytest.skip("runs in this process without a second core")
    parent = os.getpid()
    events: list[str] = []

    def part(index: int) -> tuple[int, int, str]:
        if os.getpid() == parent:
            events.append(f"mine {index}")
        time.sleep(0.02)
        return (index, os.getpid(), "x" * 100_000)  # more than a pipe holds by default

    def received(value: tuple[int, int, str]) -> tuple[int, int, str]:
        assert os.getpid() == parent and value[1] != parent
        events.append(f"theirs {value[0]}")
        return (value[0], -1, value[2])

    results = parallel.shared(30, part, received=received)
    assert [r[0] for r in results] == list(range(30))
    assert all(r[2] == "x" * 100_000 for r in results)
    # Every part the child did went through `received`, here; the rest are this process's.
    theirs = {int(e.split()[1]) for e in events if e.startswith("theirs")}
    mine = {int(e.split()[1]) for e in events if e.startswith("mine")}
    assert theirs and mine and theirs | mine == set(range(30)) and not theirs & mine
    assert {i for i, r in enumerate(results) if r[1] == -1} == theirs
    # ... and not all at the end: some came in before this process took its last part.
    last_mine = max(i for i, e in enumerate(events) if e.startswith("mine"))
    assert any(e.startswith("theirs") for e in events[:last_mine])


def test_an_error_here_while_the_child_sends_parts_waits_for_nothing() -> None:
    # The child may be sending a part no one will take: closing the stream tells it so.
    import signal

    if parallel.cores() < 2 or not hasattr(os, "fork"):
        pytest.skip("runs in this process without a second core")
    parent = os.getpid()

    def part(index: int) -> str:
        if os.getpid() == parent and index > 2:
            raise ValueError("broken front matter")
        return "y" * 2_000_000  # never fits a pipe

    def stuck(signum: int, frame: object) -> None:
        raise TimeoutError("waited for the child")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(20)
    try:
        with pytest.raises(ValueError, match="broken front matter"):
            parallel.shared(40, part, received=lambda value: value)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_an_error_in_the_child_sending_parts_is_raised_here() -> None:
    parent = os.getpid()

    def part(index: int) -> int:
        time.sleep(0.01)
        if os.getpid() != parent and index > 3:
            raise ValueError("bad body")
        return index

    if parallel.cores() < 2 or not hasattr(os, "fork"):
        pytest.skip("runs in this process without a second core")
    with pytest.raises(ValueError, match="bad body"):
        parallel.shared(40, part, received=lambda value: value)
