"""The lock whoever sends digests from one state file holds: a scheduler, or `feedkit digest`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from feedkit.errors import FeedkitError


class SenderLock:
    """Held by whoever sends digests from one state file: a scheduler, or `feedkit digest`.

    An operating-system file lock (filelock: flock on Linux and macOS, LockFileEx on
    Windows): the system drops it when its process dies, even by kill -9, so a stale lock can
    never block the next run. A file beside it says who holds it.
    """

    def __init__(self, state_path: Path) -> None:
        self.path = state_path.with_name(state_path.name + ".lock")
        self.holder_path = state_path.with_name(state_path.name + ".lock-holder")
        self._lock: Any = None

    def acquire(
        self,
        timeout: float,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from filelock import FileLock, Timeout

        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # as the state's
        except OSError as exc:  # a file in the folder's place
            raise LockedError(
                f"{self.path.parent}: cannot make this folder: {exc.strerror}"
            ) from exc
        # Never a "soft" lock (a file that exists): a killed sender would leave it behind.
        lock = FileLock(self.path, mode=0o600, thread_local=False, fallback_to_soft=False)
        deadline = clock() + timeout
        while True:
            try:
                lock.acquire(timeout=0)
                break
            except Timeout:
                if clock() >= deadline:
                    raise LockedError(
                        f"{self.path}: another feedkit is sending digests "
                        f"({self._holder()}); waited {timeout:g} s. Try again when it is "
                        "done, or raise digest.lock_timeout"
                    ) from None
                sleep(0.05)
            except OSError as exc:  # after Timeout, an OSError too: a folder in the lock's place
                raise LockedError(
                    f"{self.path}: cannot take the sender's lock: {exc.strerror or exc}"
                ) from exc
        since = f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}"
        try:
            fd = os.open(self.holder_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(f"pid {os.getpid()} since {since}")
        except OSError:  # only a courtesy to whoever waits
            pass
        self._lock = lock

    def _holder(self) -> str:
        try:
            return self.holder_path.read_text(encoding="utf-8", errors="replace")[:200].strip()
        except OSError:
            return "holder unknown"

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release(force=True)
            self._lock = None

    def __enter__(self) -> SenderLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class LockedError(FeedkitError):
    """Another process holds the sender lock, or it cannot be taken at all."""
