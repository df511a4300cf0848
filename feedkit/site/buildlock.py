"""One build of a site at a time.

Two builds of one site at once (an editor's save hook that fired twice, a scheduler's build
while the writer runs one) each stage the output files beside their places, and each clears
the temp files there once its own are in place: the other build's among them, which then
failed with "cannot write: No such file or directory". So a build holds `.feedkit/build.lock`
from before it opens the build cache until its state is saved: a second build waits, says
that it does, then goes on from what the first left (most often, nothing is left to do).

The lock is the operating system's (flock; filelock's LockFileEx where there is no fcntl,
as on Windows): the system drops it when its process ends, even by kill -9, so a build that
was killed never blocks the next. The file holds the holder's process ID, for the message.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from feedkit.errors import OutputError
from feedkit.shown import display_path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

LOCK_FILE = "build.lock"


class BuildLock:
    """Held while a build reads and writes the cache folder `folder` and the output folder.

    `waiting` is told, once, when another process holds the lock and this one waits for it.
    """

    def __init__(self, folder: Path, waiting: Callable[[str], object] | None = None) -> None:
        self.path = folder / LOCK_FILE
        self.waiting = waiting
        self._fd: int | None = None
        self._lock: Any = None  # filelock's, where there is no fcntl

    def __enter__(self) -> BuildLock:
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # .feedkit a file, a folder this user may not write to
            shown = display_path(folder, os.getcwd())
            message = f"{shown}: cannot make this folder: {exc.strerror or exc}"
            raise OutputError(message + " (no file was changed)") from exc
        try:
            if fcntl is None:
                self._acquire_filelock()
            else:
                self._acquire_flock()
        except OSError as exc:
            message = f"{self._shown()}: cannot take the build lock: {exc.strerror or exc}"
            raise OutputError(message + " (no file was changed)") from exc
        return self

    def _acquire_flock(self) -> None:
        assert fcntl is not None
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._tell_waiting(_holder(fd))
                fcntl.flock(fd, fcntl.LOCK_EX)  # until the other build is done
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def _acquire_filelock(self) -> None:
        from filelock import FileLock, Timeout

        # Never a "soft" lock (a file that exists): a killed build would leave it behind.
        lock = FileLock(self.path, mode=0o600, thread_local=False, fallback_to_soft=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            self._tell_waiting("")
            lock.acquire()
        self._lock = lock

    def _tell_waiting(self, holder: str) -> None:
        if self.waiting is not None:
            who = f" ({holder})" if holder else ""
            self.waiting(
                f"{self._shown()}: another feedkit build of this site is running{who}; "
                "waiting for it to finish"
            )

    def _shown(self) -> str:
        return display_path(self.path, os.getcwd())

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            # Let go first: a forked helper (feedkit/parallel.py) that has sent its part
            # and is still exiting shares the descriptor, and would hold the lock for the
            # milliseconds that takes, so a build right after this one said it waited.
            assert fcntl is not None
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._lock is not None:
            self._lock.release(force=True)
            self._lock = None


def _holder(fd: int) -> str:
    """Return what the holder wrote in the lock file ("pid 123"), or "" if unreadable."""
    try:
        text = os.pread(fd, 64, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return text if text.startswith("pid ") and text[4:].isdigit() else ""
