"""One build of a site at a time: a second `feedkit build` waits for the first and says so,
a killed build never blocks the next, and what a build killed while saving left is cleared."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from feedkit.site.buildlock import LOCK_FILE, BuildLock

from conftest import NOW_ENV, SITE_TOML


def post(title: str, date: str, tags: str = "alpha") -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: [{tags}]\n---\nThe body of {title}.\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    for i in range(40):
        (content / f"p{i:02}.md").write_text(post(f"Post {i}", f"2024-01-{i % 28 + 1:02}"))
    return tmp_path


def start_build(site: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "feedkit", "build", "--config", str(site / "feedkit.toml")],
        cwd=site,
        env={**os.environ, **NOW_ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_build_waits_for_the_one_running_and_says_so(site: Path) -> None:
    with BuildLock(site / ".feedkit"):  # as a build running in this process holds it
        build = start_build(site)
        assert build.stderr is not None
        # The build's first line on stderr; "" if it ended without waiting.
        said = build.stderr.readline()
        assert said == (
            f"note: .feedkit/{LOCK_FILE}: another feedkit build of this site is running "
            f"(pid {os.getpid()}); waiting for it to finish\n"
        )
        assert build.poll() is None
        assert not (site / "public").exists()
    out, err = build.communicate(timeout=60)
    assert build.returncode == 0, err
    assert out.startswith("Built ")
    assert (site / "public" / "atom.xml").exists()


def test_builds_started_together_both_succeed(site: Path) -> None:
    """Without the lock, each cleared the temp files beside the outputs once its own were in
    place, the other's among them: that one failed with "cannot write"."""
    for run in range(3):
        (site / "content" / "p27.md").write_text(post(f"Post 27, take {run}", "2024-01-28"))
        builds = [start_build(site) for _ in range(2)]
        done = [build.communicate(timeout=60) + (build.returncode,) for build in builds]
        for _, err, code in done:
            assert code == 0, err
            assert "cannot write" not in err
        # The second found the first's files (the post, just written, it reads again)
        changed = sorted(out.split(" changed)")[0].rpartition("(")[2] for out, _, _ in done)
        assert changed[0] == "0" and int(changed[1]) > 0, done
        assert f"Post 27, take {run}" in (site / "public" / "atom.xml").read_text()
    assert not list((site / "public").rglob("*.tmp"))


def test_a_killed_build_does_not_block_the_next(site: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from feedkit.site.buildlock import BuildLock; "
            "lock = BuildLock(Path(sys.argv[1])).__enter__(); print('held', flush=True); "
            "time.sleep(60)",
            str(site / ".feedkit"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "held\n"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    out, err = start_build(site).communicate(timeout=60)
    assert err == ""
    assert out.startswith("Built ")


def test_what_a_build_killed_while_saving_left_is_removed(site: Path) -> None:
    cache = site / ".feedkit" / "cache"
    cache.mkdir(parents=True)
    left = [cache / ".rendered.pickle.k1ll3d_x.tmp", cache / ".state.marshal.k1ll3d_y.tmp"]
    for path in left:
        path.write_bytes(b"half a file")
    # Not the build's: `feedkit check` writes this file, and may be writing it now.
    checks = cache / ".check.pickle.r4nn1ng.tmp"
    checks.write_bytes(b"half a file")
    out, err = start_build(site).communicate(timeout=60)
    assert out.startswith("Built "), err
    assert not any(path.exists() for path in left)
    assert checks.exists()
    assert sorted(p.name for p in cache.iterdir()) == [
        ".check.pickle.r4nn1ng.tmp",
        "index.marshal",
        "posts.pickle",
        "rendered.pickle",
        "state.marshal",
    ]


def test_where_there_is_no_fcntl_filelock_holds_it_and_a_second_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on Windows, where filelock's lock (LockFileEx there) stands in for flock."""
    import threading

    from feedkit.site import buildlock

    monkeypatch.setattr(buildlock, "fcntl", None)
    told: list[str] = []
    got = threading.Event()

    def second() -> None:
        with BuildLock(tmp_path, told.append):
            got.set()

    with BuildLock(tmp_path):
        waiter = threading.Thread(target=second)
        waiter.start()
        waiter.join(timeout=0.5)
        assert not got.is_set()
    waiter.join(timeout=10)
    assert got.is_set()
    assert len(told) == 1
    assert told[0].endswith(
        f"{LOCK_FILE}: another feedkit build of this site is running; waiting for it to finish"
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked helpers need fork")
def test_a_forked_helper_still_exiting_does_not_hold_the_lock(tmp_path: Path) -> None:
    # A build's forked helper shares the lock's descriptor; it sent its part, and while it
    # tore itself down the next build (the next test, an editor's save hook) was told it
    # had to wait for "another feedkit build".
    told: list[str] = []
    release_read, release_write = os.pipe()

    def waiting(message: str) -> None:
        told.append(message)
        os.write(release_write, b"x")  # let the helper go, or this would wait for it forever

    with BuildLock(tmp_path):
        helper = os.fork()
        if helper == 0:  # still holding every descriptor, until told to go
            os.close(release_write)
            os.read(release_read, 1)
            os._exit(0)
    try:
        with BuildLock(tmp_path, waiting):
            pass
    finally:
        os.close(release_write)
        os.waitpid(helper, 0)
        os.close(release_read)
    assert told == []


def test_a_lock_that_cannot_be_taken_is_an_error_naming_the_file(site: Path) -> None:
    (site / ".feedkit").write_text("not a folder")
    build = start_build(site)
    out, err = build.communicate(timeout=60)
    assert (build.returncode, out) == (1, "")
    assert err == "error: .feedkit: cannot make this folder: File exists (no file was changed)\n"
    (site / ".feedkit").unlink()
    (site / ".feedkit" / LOCK_FILE).mkdir(parents=True)
    build = start_build(site)
    out, err = build.communicate(timeout=60)
    assert (build.returncode, out) == (1, "")
    assert err == (
        f"error: .feedkit/{LOCK_FILE}: cannot take the build lock: Is a directory "
        "(no file was changed)\n"
    )
    assert not (site / "public").exists()
