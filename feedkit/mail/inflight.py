"""Copies in flight: the digest holds a reader's lock from asking whether they are still on
the list until their copy is sent, and an unsubscribe waits for that lock before it is
answered. So a reader told "you're unsubscribed" gets no copy the mail server began to take
after that: either the digest asked after the unsubscribe (and mails nobody), or the copy
was already on its way when the reader clicked.

The digest and `feedkit serve` are separate processes, so the lock is the operating
system's, through filelock (flock on Linux and macOS, LockFileEx on Windows): one of 256
files in a folder beside the state database, chosen by a hash of the address. The system
drops the locks of a process that dies, so none is ever left stale. Within a process a lock
is counted, not exclusive: a digest that sends several copies at once whose readers share a
file holds it until the last of them is sent.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FILES = 256  # two readers may share one: one then waits for the other's copy, nothing worse


class InFlight:
    """The in-flight locks of one state file: `InFlight(state.path)`."""

    def __init__(self, state_path: Path) -> None:
        self.path = state_path.with_name(state_path.name + ".sending")  # a folder
        self._locks: dict[int, Any] = {}
        self._opening = threading.Lock()

    def _lock(self, address: str) -> Any:
        """Return the lock of the reader's file: one object for the process, so that any of
        its threads may `let_go` of a lock another took, and holding is counted."""
        from filelock import FileLock

        number = _file_number(address)
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
        """Take the reader's lock: from deciding about them until their copy is sent."""
        self._lock(address).acquire()

    def let_go(self, address: str) -> None:
        self._lock(address).release()

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
        from filelock import Timeout

        lock = self._lock(address)
        deadline = clock() + timeout
        while True:
            try:
                lock.acquire(timeout=0)
            except Timeout:  # a digest holds it
                if clock() >= deadline:
                    return False
                sleep(0.005)
                continue
            lock.release()
            return True

    def close(self) -> None:
        with self._opening:
            for lock in self._locks.values():
                lock.release(force=True)
            self._locks.clear()


def _file_number(address: str) -> int:
    return zlib.crc32(address.strip().lower().encode("utf-8")) % FILES
