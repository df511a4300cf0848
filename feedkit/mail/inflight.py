"""Copies in flight: the digest holds a reader's lock from asking whether they are still on
the list until their copy is sent, and an unsubscribe waits for that lock before it is
answered. So a reader told "you're unsubscribed" gets no copy the mail server began to take
after that: either the digest asked after the unsubscribe (and mails nobody), or the copy
was already on its way when the reader clicked.

The digest and `feedkit serve` are separate processes, so the lock is the kernel's: a POSIX
record lock on one byte per reader (a hash of the address) of a file beside the state
database. The kernel drops the locks of a process that dies, so none is ever left stale.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class InFlight:
    """The in-flight locks of one state file: `InFlight(state.path)`."""

    def __init__(self, state_path: Path) -> None:
        self.path = state_path.with_name(state_path.name + ".sending")
        self._fd: int | None = None
        self._opening = threading.Lock()

    def _file(self) -> int:
        # One descriptor for the process: closing any other one on the file would drop
        # the process's locks on it (POSIX record locks belong to the process).
        with self._opening:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            return self._fd

    def hold(self, address: str) -> None:
        """Take the reader's lock: from deciding about them until their copy is sent.
        The process's locks are its own, so any of its threads may `let_go` of it."""
        fcntl.lockf(self._file(), fcntl.LOCK_EX, 1, _byte(address))

    def let_go(self, address: str) -> None:
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
        fd, offset = self._file(), _byte(address)
        deadline = clock() + timeout
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, offset)
            except OSError:  # EAGAIN or EACCES: a digest holds it
                if clock() >= deadline:
                    return False
                sleep(0.005)
                continue
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, offset)
            return True

    def close(self) -> None:
        with self._opening:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def _byte(address: str) -> int:
    # Two readers may share a byte: one then waits for the other's copy, nothing worse.
    return zlib.crc32(address.strip().lower().encode("utf-8"))
