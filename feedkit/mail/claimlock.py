"""The lock each `feedkit serve` holds for as long as it runs, so that another service can
see at once whether the process behind a claim (mail/confirmqueue.py) still runs, also
where /proc cannot tell: a service restarted in a new container (a PID namespace of its
own) finds the claim of the one it replaces.

Each service holds an flock on a file of its own, `<name>.lock`, in a folder beside the
state file (`state.db.serving/`), and names it in its claims. The kernel drops the lock when
the process ends, however it ends (kill -9, out of memory, the container killed), so a
file whose lock another process can take, or a file that is gone, belongs to a process
that has ended; the one that finds it so removes it, and a starting service removes all such
files: they do not pile up. The lock holds across PID namespaces on one kernel, as long as
the services share the folder (they must already: SQLite keeps the state file's -wal and
-shm beside it, and its WAL mode wants every process on one machine). On NFS an flock is
one of the server's locks only where the mount keeps locks (not with `nolock` or
`local_lock=flock`, which keep them on each machine); where no lock can be taken or
tested (no `fcntl`, as on Windows; a file system that refuses locks), nobody is judged by
it.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = re.compile(r"[0-9a-f]{16}\Z")  # what a claim may name: never a path elsewhere
TRIES = 5  # names tried when a new file is removed as it is locked (see `take`)


def locks_folder(state_path: Path) -> Path:
    """Return the folder of the services' lock files beside the state file (the file a
    link points to, so that services reaching it by other paths share it)."""
    real = state_path.resolve()
    return real.with_name(real.name + ".serving")


class ClaimLock:
    """This process's lock, held until `release` or until the process ends:
    `ClaimLock.take(state_path)`; its `name` goes into the process's claims."""

    def __init__(self, name: str, path: Path, fd: int) -> None:
        self.name = name
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def take(cls, state_path: Path) -> ClaimLock | None:
        """Return a new lock held by this process; None where there is no `fcntl`. OSError
        if the folder or the file cannot be made, or the file system keeps no locks."""
        if fcntl is None:
            return None
        folder = locks_folder(state_path)
        folder.mkdir(mode=0o700, exist_ok=True)  # as private as the state file's folder
        for _ in range(TRIES):
            name = secrets.token_hex(8)
            path = folder / f"{name}.lock"
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            try:
                # A starting service may find the new file before it is locked, judge it
                # left by a process that ended, and remove it: then try another name.
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.path.samestat(os.fstat(fd), os.stat(path)):
                    os.write(fd, f"pid {os.getpid()}\n".encode())  # for whoever looks
                    return cls(name, path, fd)
            except (BlockingIOError, FileNotFoundError):
                pass
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
        raise OSError(f"{folder}: no lock file could be made in {TRIES} tries")

    def release(self) -> None:
        """Remove the file and give up the lock: this process claims nothing any more."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass  # left for the next service to remove: nobody holds it
        # Let go first: closing drops the lock only with the last descriptor, and a child
        # this process forked (not yet exited or exec'd) shares this one; its file left
        # behind would then tell another service that this one still runs, and keep its
        # claims from being taken over (feedkit/site/buildlock.py had the same bug).
        assert fcntl is not None
        fd, self._fd = self._fd, None
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def lock_held(state_path: Path, name: str) -> bool | None:
    """Return whether a running process holds the lock `name` beside the state file: True if
    one does; False if none does (its file is gone, or taken by this test, then removed);
    None where that cannot be known (no `fcntl`, a name no lock has, no such folder here,
    a file this user cannot open, a file system that keeps no locks)."""
    if fcntl is None or not LOCK_NAME.match(name):
        return None
    folder = locks_folder(state_path)
    path = folder / f"{name}.lock"
    try:
        fd = os.open(path, os.O_RDWR)  # NFS locks it exclusively only if open for writing
    except FileNotFoundError:
        return False if folder.is_dir() else None
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return True
    except OSError:  # ENOLCK: no locks on this file system
        os.close(fd)
        return None
    try:
        path.unlink(missing_ok=True)  # still locked: nobody else takes it meanwhile
    except OSError:
        pass
    os.close(fd)
    return False


def remove_ended(state_path: Path) -> None:
    """Remove the lock files of processes that have ended (killed, or crashed), which
    nobody else may have looked at."""
    if fcntl is None:
        return
    try:
        entries = list(os.scandir(locks_folder(state_path)))
    except OSError:
        return
    for entry in entries:
        name, dot, ext = entry.name.partition(".")
        if dot and ext == "lock":
            lock_held(state_path, name)
