"""Files written whole or not at all: a set of files is synced together, then renamed."""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import pytest

from feedkit.atomicfile import SYNC_THREADS, replace_together
from feedkit.errors import OutputError

from conftest import bytes_in_memory


def test_a_set_of_files_is_synced_at_once_before_any_is_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each sync waits for the disk; one after another, four files would wait four times.
    real_fsync = os.fsync
    lock = threading.Lock()
    running: list[int] = []
    most = 0
    renamed_while_syncing: list[str] = []

    def fsync(fd: int) -> None:
        nonlocal most
        with lock:
            running.append(fd)
            most = max(most, len(running))
        time.sleep(0.2)
        real_fsync(fd)
        with lock:
            running.remove(fd)

    real_replace = os.replace

    def replace(src: str, dst: str | Path) -> None:
        if running:
            renamed_while_syncing.append(str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    files = {tmp_path / "out" / name: name.encode() for name in ("a", "b", "c", "d")}
    files[tmp_path / "out" / "tags" / "x" / "e"] = b"e"
    changed = replace_together(files)
    assert changed == list(files)
    assert {path: path.read_bytes() for path in files} == files
    assert most == 5  # every file at once (then both folders at once)
    assert renamed_while_syncing == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a", "b", "c", "d", "tags"]


def test_a_tag_feed_site_s_files_are_synced_sixteen_at_a_time_each_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A thread for each of 193 files took longer to start than the syncs took.
    real_fsync = os.fsync
    lock = threading.Lock()
    running = 0
    most = 0
    synced: list[str] = []

    def fsync(fd: int) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        time.sleep(0.01)
        real_fsync(fd)
        with lock:
            running -= 1

    monkeypatch.setattr(os, "fsync", fsync)
    files = {tmp_path / "out" / f"{n}.xml": b"%d" % n for n in range(40)}
    assert replace_together(files) == list(files)
    assert {path: path.read_bytes() for path in files} == files
    assert SYNC_THREADS == 16
    assert most == SYNC_THREADS
    # Each temp file once (renamed since), then the folder once.
    assert len(synced) == 41 and len(set(synced)) == 41
    assert synced[-1] == str(tmp_path / "out")


def test_a_file_that_cannot_be_synced_is_named_and_no_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").write_bytes(b"old a")
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}").rpartition("/")[2].startswith(".b."):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OutputError) as info:
        replace_together({tmp_path / "a": b"new a", tmp_path / "b": b"new b"})
    assert str(info.value) == (
        f"{tmp_path / 'b'}: cannot write: Input/output error (no file was changed)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]  # no temp file left
    assert (tmp_path / "a").read_bytes() == b"old a"


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="posix_fadvise is Linux's")
@pytest.mark.parametrize("how", ["stage", "replace_together"])
def test_the_disk_starts_writing_each_file_as_it_is_staged_and_it_stays_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    # Synced only once every file was staged, a tag-feed site's 193 files took 44-49 ms to
    # sync, and 11-17 ms when the system had started writing each as it was staged.
    from feedkit.atomicfile import rename_together, stage

    events: list[tuple[str, str]] = []
    real_fadvise, real_fsync = os.posix_fadvise, os.fsync

    def fadvise(fd: int, offset: int, length: int, advice: int) -> None:
        events.append(("started", os.readlink(f"/proc/self/fd/{fd}")))
        assert (offset, length, advice) == (0, 0, os.POSIX_FADV_DONTNEED)
        real_fadvise(fd, offset, length, advice)

    def fsync(fd: int) -> None:
        events.append(("synced", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    monkeypatch.setattr(os, "posix_fadvise", fadvise)
    monkeypatch.setattr(os, "fsync", fsync)
    files = {tmp_path / "out" / f"{n}.xml": os.urandom(65536) for n in range(3)}
    if how == "stage":
        temps = {path: stage(path, data) for path, data in files.items()}
        assert [kind for kind, _ in events] == ["started"] * 3
        assert [name for _, name in events] == list(temps.values())
        rename_together({path: tmp for path, tmp in temps.items() if tmp is not None})
    else:
        replace_together(files)
    kinds = [kind for kind, _ in events]
    assert kinds == ["started"] * 3 + ["synced"] * 4  # each file, then their folder
    assert {name for kind, name in events[:3]} == {name for kind, name in events[3:6]}
    # Written and left in memory, not dropped (looked at before anything reads them back).
    assert bytes_in_memory(list(files)) in ([65536] * 3, None)
    assert {path: path.read_bytes() for path in files} == files
