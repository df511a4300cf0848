"""What changed in a site's folders: the preview's trigger to reload.

A `Snapshot` is the status (modification time, size, inode) of every file the preview reads:
the content folder, feedkit.toml and the templates beside it. Two snapshots compared say
which files changed, were added or removed, however the change was made, so the reload
never depends on an event arriving. The `Watcher` says when to compare: on Linux when the
system reports a file event (inotify), elsewhere, or when asked to (`poll`), every few tenths
of a second. Where the system's events vouch that only files already listed were written
(no folder, no lost event), `restat` looks at those files alone instead of listing them all.
"""

from __future__ import annotations

import hashlib
import logging
import os
import select
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger("feedkit.web.watch")

try:  # Linux only; elsewhere the watcher polls
    from inotify_simple import INotify
    from inotify_simple import flags as in_flags
except ImportError:  # pragma: no cover - not on Linux
    INotify = None  # type: ignore[assignment,misc]

Snapshot = dict[str, tuple[int, int, int]]
# Editors' backup and swap files, and the test file vim writes to see if it may write.
_SCRATCH = ("~", ".swp", ".swx", ".tmp")


def _ignored(name: str) -> bool:
    return name.startswith(".") or name.endswith(_SCRATCH) or name in ("4913", "__pycache__")


def files_token(files: Snapshot) -> str:
    """Return the name of these files at these statuses: the same in any process, however
    its folders were listed, and another when any file changed, came or went."""
    return sum_token(files_sum(files.items()))


def files_sum(items: Iterable[tuple[str, tuple[int, int, int]]]) -> int:
    """Return the sum of a hash of each file and its status: in no order, so a change to a
    few files changes it by theirs alone (see feedkit/web/warm.py, WarmSite._done)."""
    total = 0
    for path, status in items:
        digest = hashlib.blake2b(f"{path}\0{status}".encode(), digest_size=16).digest()
        total += int.from_bytes(digest, "big")
    return total


def sum_token(total: int) -> str:
    return f"{total % (1 << 128):032x}"[:16]


def snapshot(roots: Iterable[Path], skip: Iterable[Path]) -> Snapshot:
    """Return the status of every file under `roots`, leaving out the folders in `skip`,
    hidden ones (.feedkit, .git) and editors' scratch files."""
    skipped = {str(path) for path in skip}
    found: Snapshot = {}
    pending = [str(root) for root in roots]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:  # removed meanwhile, or not a folder
            continue
        for entry in entries:
            if _ignored(entry.name) or entry.path in skipped:
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    continue
                st = entry.stat()
            except OSError:  # removed meanwhile, or a broken link
                continue
            found[entry.path] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return found


def changed(before: Snapshot, after: Snapshot) -> set[str]:
    """Return the files added, removed or changed from `before` to `after`."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def restat(before: Snapshot, named: Iterable[str]) -> Snapshot | None:
    """Return `before` with the status the `named` files have now, or None when one of them
    was added or removed, or is no plain file: then only a new listing says what there is."""
    after = dict(before)
    for path in named:
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError:
            st = None
        if path not in before or st is None or not stat.S_ISREG(st.st_mode):
            return None
        after[path] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return after


class Watcher:
    """Says when files under `roots` may have changed, and which, where the system tells."""

    def __init__(self, roots: list[Path], skip: list[Path], poll: float | None = None) -> None:
        self.roots = roots
        self.skip = {str(path) for path in skip}
        self.poll = poll
        self.inotify: Any = None
        self.folders: dict[int, str] = {}
        if poll is None and INotify is not None:
            try:
                self.inotify = INotify()
                self._watch_all()
            except OSError as exc:  # too many watches or instances for this user
                log.warning("cannot watch the site's folders (%s): checking every 0.5 s", exc)
                self.close()
        if self.inotify is None and self.poll is None:
            self.poll = 0.5

    if INotify is not None:
        MASK = (
            in_flags.CREATE
            | in_flags.DELETE
            | in_flags.MODIFY
            | in_flags.ATTRIB
            | in_flags.CLOSE_WRITE
            | in_flags.MOVED_FROM
            | in_flags.MOVED_TO
            | in_flags.DELETE_SELF
            | in_flags.MOVE_SELF
            | in_flags.ONLYDIR
        )
        # Events after which the files named are not all that may have changed.
        UNSURE = (
            in_flags.ISDIR
            | in_flags.Q_OVERFLOW
            | in_flags.IGNORED
            | in_flags.DELETE_SELF
            | in_flags.MOVE_SELF
            | in_flags.UNMOUNT
        )

    def _watch_all(self) -> None:
        """Watch every folder under the roots (again: a new folder is watched too)."""
        pending = [str(root) for root in self.roots]
        while pending:
            folder = pending.pop()
            try:
                self.folders[self.inotify.add_watch(folder, self.MASK)] = folder
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if not _ignored(entry.name) and entry.path not in self.skip:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)

    def wait(self, timeout: float) -> bool:
        """Return True when files may have changed within `timeout` seconds (polling:
        always, after the interval). The events stay queued for `pending`."""
        if self.inotify is None:
            time.sleep(min(timeout, self.poll or 0.5))
            return True
        return bool(select.select([self.inotify.fileno()], [], [], timeout)[0])

    def pending(self) -> tuple[set[str], bool]:
        """Return the files the system has named as changed so far, without waiting (none
        when polling: compare snapshots), and whether the events vouch that nothing else
        changed: none was lost, none was about a folder or a watch."""
        if self.inotify is None:
            return set(), False
        paths: set[str] = set()
        vouched = True
        for event in self.inotify.read(timeout=0):
            folder = self.folders.get(event.wd)
            path = os.path.join(folder, event.name) if folder and event.name else folder
            if path is not None and not _ignored(event.name) and path not in self.skip:
                paths.add(path)
            if folder is None or event.mask & self.UNSURE:
                vouched = False
            if event.mask & (in_flags.ISDIR | in_flags.Q_OVERFLOW):
                self._watch_all()
        return paths, vouched

    def close(self) -> None:
        if self.inotify is not None:
            self.inotify.close()
            self.inotify = None
