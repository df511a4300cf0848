"""Copies in flight: the digest holds a reader's lock from asking whether they are still on
the list until their copy is sent, and an unsubscribe waits for that lock before it is
answered. So a reader told "you're unsubscribed" gets no copy the mail server began to take
after that: either the digest asked after the unsubscribe (and mails nobody), or the copy
was already on its way when the reader clicked.

The digest and `feedkit serve` are separate processes, so the lock is the operating
system's, and the system drops the locks of a process that dies, so none is ever left
stale. On Linux and macOS it is a POSIX record lock on one byte per reader (a hash of the
address) of a file beside the state database: about 2 µs to take and give back. Where there
is no `fcntl` (Windows) it is filelock's lock (LockFileEx) on one of 256 files in a folder
beside the state database, chosen by the same hash: about 150 µs, which at 10,000 readers
would add 1.5 s to a send on Linux, so it is not used there. Either way a process's locks
are its own, not a thread's; two readers may share a byte (rarely: the hash has 32 bits) or a
file, and then one waits for the other's copy, nothing worse.
"""

from __future__ import annotations

import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

FILES = 256  # where there is no fcntl: lock files, two readers may share one


class InFlight:
    """The in-flight locks of one state file: `InFlight(state.path)`."""

    def __init__(self, state_path: Path) -> None:
        # A file of record locks; where there is no fcntl, a folder of lock files.
        self.path = state_path.with_name(state_path.name + ".sending")
        self._fd: int | None = None
        self._locks: dict[int, Any] = {}
        self._opening = threading.Lock()

    def _file(self) -> int:
        # One descriptor for the process: closing any other one on the file would drop
        # the process's locks on it (POSIX record locks belong to the process).
        with self._opening:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            return self._fd

    def _lock_file(self, address: str) -> Any:
        """Return the filelock of the reader's file (no fcntl): one object for the process,
        so that any of its threads may `let_go` of a lock another took (it counts holds)."""
        from filelock import FileLock

        number = _byte(address) % FILES
        with self._opening:
            lock = self._locks.get(number)
            if lock is None:
                self.path.mkdir(mode=0o700, exist_ok=True)
                lock = FileLock(
                    self.path / f"{number:03d}",
                    mode=0o600,
                    thread_local=False,
                    fallback_to_soft=False,  # a file that merely exists would outlive a kill
                )
                self._locks[number] = lock
            return lock

    def hold(self, address: str) -> None:
        """Take the reader's lock: from deciding about them until their copy is sent.
        The process's locks are its own, so any of its threads may `let_go` of it."""
        if fcntl is None:
            self._lock_file(address).acquire()
        else:
            fcntl.lockf(self._file(), fcntl.LOCK_EX, 1, _byte(address))

    def let_go(self, address: str) -> None:
        if fcntl is None:
            self._lock_file(address).release()
        else:
            fcntl.lockf(self._file(), fcntl.LOCK_UN, 1, _byte(address))

    @contextmanager
    def sending(self, address: str) -> Iterator[None]:
        """Hold the reader's lock while the block decides about them and sends their copy."""
        self.hold(address)
        try:
            yield
        finally:
            self.let_go(address)

    def wait(
        self,
        address: str,
        timeout: float,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> bool:
        """Return True once no copy to `address` is being sent, False after `timeout` s
        with one still on its way."""
        deadline = clock() + timeout
        while not self._free(address):
            if clock() >= deadline:
                return False
            sleep(0.005)
        return True

    def _free(self, address: str) -> bool:
        """Return True if no other process holds the reader's lock, taking it for a moment."""
        if fcntl is None:
            from filelock import Timeout

            lock = self._lock_file(address)
            try:
                lock.acquire(timeout=0)
            except Timeout:  # a digest holds it
                return False
            lock.release()
            return True
        fd, offset = self._file(), _byte(address)
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, offset)
        except OSError:  # EAGAIN or EACCES: a digest holds it
            return False
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset)
        return True

    def close(self) -> None:
        with self._opening:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            for lock in self._locks.values():
                lock.release(force=True)
            self._locks.clear()


def _byte(address: str) -> int:
    return zlib.crc32(address.strip().lower().encode("utf-8"))
