"""Post files read from disk: as far as the end of their front matter (`read_head`, what a
build reads of every post), or whole (`read_whole`, `read_file`), each with the file's status
as it was before reading, split into front matter and body as `postfile.split` splits text.

Reading is the hot path of a build over thousands of posts: `read_head` reads only as far as
the end of the front matter; the body is read again, whole, only for posts an output shows.
"""

from __future__ import annotations

import os
import re
import stat as stat_mode
from collections.abc import Iterable
from pathlib import Path

from feedkit.errors import Problem
from feedkit.posts.postfile import FileProblems, Source, decode, split
from feedkit.posts.uncarried import strip_illegal
from feedkit.posts.walk import StatKey, stat_key

HEAD_BYTES = 4096  # holds the front matter of nearly every post
# How a post file is opened: bare (see `read_head`), and without waiting, as opening a named
# pipe waits for a writer (a link to one among the posts hung the build); a regular file
# reads as ever.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
# The line that closes front matter, by the first byte of the file: found in the bytes, so
# only the front matter itself is decoded.
_CLOSING_LINE = {
    b"-": re.compile(rb"\n(?:-{3,}|\.{3})[ \t]*\r?\n"),
    b"+": re.compile(rb"\n\+{3,}[ \t]*\r?\n"),
    b"{": re.compile(rb"\n\}[ \t]*\r?\n"),
}
_NOT_SPACE = re.compile(rb"[^ \t\n\r\x0b\x0c]")  # what bytes.strip() leaves


def read_head(
    path: Path | str,
    shown: str,
    warnings: list[Problem],
    bare: bool = False,
    jekyll: bool = False,
    pelican: str = "",
    hugo: bool = False,
) -> tuple[Source, StatKey]:
    """Return the file split at the end of its front matter (see `split` for `bare`,
    `jekyll`, `pelican` and `hugo`), and the file's status as it was before reading (for
    the build cache).

    Only as much as the front matter is read and decoded: over 20,000 posts, decoding whole
    bodies would be a third of a build. A body is checked (UTF-8, characters XML cannot
    carry) when a feed shows it, by `feedkit check`, and whenever a build finds problems
    (see `crosscheck.with_body_problems`), so one run lists them all.
    """
    # A bare file descriptor: io.open's buffered file object costs more than the reading.
    fd = os.open(path, _OPEN_FLAGS)
    try:
        status = _post_status(fd, path, shown)
        size = status.st_size
        _noticed(fd)
        raw = os.read(fd, HEAD_BYTES)  # one call reads it, but for a short read
        if len(raw) < HEAD_BYTES and 0 < len(raw) < size:
            raw += _read(fd, HEAD_BYTES - len(raw), expected=size - len(raw))
        head = _closed_head(raw, shown, warnings, jekyll, pelican)
        if head is not None:
            if head.blank_body and len(raw) < size:  # white space to the end of what was read
                head.blank_body = not _read(fd, None).strip()
            return head, stat_key(status)
        if len(raw) == HEAD_BYTES:
            raw += _read(fd, None)
    finally:
        os.close(fd)
    return _whole_head(raw, shown, warnings, bare, jekyll, pelican, hugo), stat_key(status)


def read_whole(
    path: Path | str,
    shown: str,
    warnings: list[Problem],
    bare: bool = False,
    jekyll: bool = False,
    pelican: str = "",
    hugo: bool = False,
) -> tuple[Source, StatKey, bytes]:
    """Return what `read_head` returns, and the file's bytes: read once, for a caller that
    reads its body too (`feedkit check`)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        status = _post_status(fd, path, shown)
        _noticed(fd)
        raw = os.read(fd, status.st_size + 1)
        if len(raw) != status.st_size:  # grown since, or a short read: the rest, to the end
            raw += _read(fd, None)
    finally:
        os.close(fd)
    # As `read_head` splits it: by the front matter's closing line in the first HEAD_BYTES.
    head = _closed_head(raw, shown, warnings, jekyll, pelican)
    whole = head or _whole_head(raw, shown, warnings, bare, jekyll, pelican, hugo)
    return whole, stat_key(status), raw


def _post_status(fd: int, path: Path | str, shown: str) -> os.stat_result:
    """Return the status of an open post file; raise when it is a folder, or anything else
    but a regular file."""
    status = os.fstat(fd)
    # `walk` lists a folder only for a link loop, or one it could not list (it may hold
    # posts: the run stops rather than go on without them).
    if stat_mode.S_ISDIR(status.st_mode):
        if not os.path.islink(path):
            try:
                os.scandir(path).close()
                why = "went away while it was read"
            except OSError as exc:
                why = exc.strerror or str(exc)
            raise FileProblems([Problem(shown, 0, f"is a folder that cannot be listed: {why}")])
        raise FileProblems(
            [
                Problem(
                    shown,
                    0,
                    "is a symbolic link to a folder that holds it, so reading it would "
                    "never end; remove the link",
                )
            ]
        )
    if not stat_mode.S_ISREG(status.st_mode):  # a link to /dev/zero: read for ever
        raise FileProblems(
            [
                Problem(
                    shown,
                    0,
                    "is a symbolic link to a device or a named pipe, not a file, so reading "
                    "it might never end; remove the link",
                )
            ]
        )
    return status


def _closed_head(
    raw: bytes, shown: str, warnings: list[Problem], jekyll: bool, pelican: str
) -> Source | None:
    """Return the file split at the closing line of its front matter, found in the first
    HEAD_BYTES of `raw` and decoded alone; None when there is none there."""
    start = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    closer = _CLOSING_LINE.get(raw[start : start + 1])
    end = closer.search(raw, 0, HEAD_BYTES) if closer is not None else None
    if end is None:
        return None
    try:
        head = split(
            decode(raw[: end.end()], shown, warnings), shown, jekyll=jekyll, pelican=pelican
        )
    except FileProblems:
        return None  # not front matter after all: the whole file tells what is wrong
    # Pelican's metadata may end before that line (at a blank one): text may come between.
    # Past it, what bytes.strip() takes away is looked for (a slice would copy the body).
    head.blank_body = (
        not head.text[head.body_start :].strip() and _NOT_SPACE.search(raw, end.end()) is None
    )
    return head


def _whole_head(
    raw: bytes,
    shown: str,
    warnings: list[Problem],
    bare: bool,
    jekyll: bool,
    pelican: str,
    hugo: bool = False,
) -> Source:
    """Return the whole file split (its front matter with no closing line near its start,
    or none)."""
    text = decode(raw, shown, None)
    whole = split(text, shown, bare, jekyll, pelican, hugo)
    head_text = strip_illegal(text[: whole.body_start], shown, warnings)
    head = split(head_text, shown, bare, jekyll, pelican, hugo)
    head.unopened = whole.unopened  # a Jekyll post's first line, which its head does not hold
    head.text_line = whole.text_line  # the line after the head, which ended Pelican's metadata
    head.blank_body = not text[whole.body_start :].strip()
    return head


def prefetch(paths: Iterable[Path | str], head_only: bool = False) -> None:
    """Ask the system to start reading `paths` (as far as HEAD_BYTES with `head_only`) into
    memory now, all at once, so that reading them one after the other does not wait for
    the disk file by file. A file not yet in memory is read from the disk in a few tenths
    of a millisecond, and a build's reading waited out each: at 20,000 posts the files'
    reading took 2.7 s out of memory and 1.1 s asked for ahead. Nothing is read here, and
    no error is raised: reading the file says what is wrong with it. Where the system has
    no such hint, it does nothing.

    Nor while the files this process reads are in memory already (see `_from_memory`):
    asking for one costs about 3.5 µs, for nothing, 6 % of a cold build of 20,000 posts
    read by the build before. Three of `paths` (the first, the middle one, the last) are
    looked at to tell, and one not in memory turns asking on for the rest of the process."""
    global _from_memory
    if _WILLNEED is None:
        return
    paths = list(paths)
    if not paths:
        return
    if _from_memory is not False:
        sample = {paths[0], paths[len(paths) // 2], paths[-1]}
        _from_memory = all(_file_in_memory(path) for path in sample)
        if _from_memory:
            return
    length = HEAD_BYTES if head_only else 0  # 0: to the end
    for path in paths:
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, length, _WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def _file_in_memory(path: Path | str) -> bool:
    """Return whether the file at `path` is in memory (`_in_memory`); True for one that
    cannot be opened (reading it says why)."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return True
    try:
        return _in_memory(fd)
    finally:
        os.close(fd)


# posix_fadvise's "will need" (Linux and the BSDs; not macOS or Windows).
_WILLNEED: int | None = getattr(os, "POSIX_FADV_WILLNEED", None)
if not hasattr(os, "posix_fadvise"):
    _WILLNEED = None

# Whether the post files this process reads are in the system's memory already: None until
# `prefetch` first looks. While they are, nothing is asked ahead, and each file read is
# looked at first (`_noticed`, about 1 µs), as a few of each batch asked for are: the first
# that is not (the system drops files it has not read for a while, some and not others)
# turns asking ahead on again, for as long as the process runs. (The process's own: a
# forked child starts with what its parent knew.)
_from_memory: bool | None = None
# A read that does not wait for the disk: it fails (EAGAIN) where the file's first page is
# not in memory (Linux's RWF_NOWAIT). Elsewhere nothing tells, and every file is asked for.
_NOWAIT: int | None = getattr(os, "RWF_NOWAIT", None) if hasattr(os, "preadv") else None
_ONE_BYTE = bytearray(1)  # what such a read reads into, and nobody looks at


def _in_memory(fd: int) -> bool:
    """Return True when the first page of the open file `fd` is in memory, as far as the
    system tells: False when it is not, or cannot be told."""
    if _NOWAIT is None:
        return False
    try:
        os.preadv(fd, [_ONE_BYTE], 0, _NOWAIT)
    except OSError:  # not in memory (EAGAIN), or not a file this can tell of
        return False
    return True


def _noticed(fd: int) -> None:
    """While nothing is asked ahead, look whether the file about to be read from `fd` is in
    memory; when it is not, ask ahead from now on."""
    global _from_memory
    if _from_memory and not _in_memory(fd):
        _from_memory = False


def read_file(path: Path | str) -> bytes:
    """Return a file's bytes, through a bare file descriptor: io.open's buffered file object
    costs more than reading a post. One read call, for a file no bigger than its status says."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(fd)
        if not stat_mode.S_ISREG(status.st_mode):
            raise OSError(f"{path} is not a regular file")  # said when it was first read
        size = status.st_size
        _noticed(fd)
        raw = os.read(fd, size + 1)
        if len(raw) != size:  # grown since, or a short read: the rest, to the end
            raw += _read(fd, None)
        return raw
    finally:
        os.close(fd)


def _read(fd: int, limit: int | None, expected: int | None = None) -> bytes:
    """Return up to `limit` bytes from `fd` (all that is left when None), stopping early once
    `expected` bytes came: a file's size says when a read is done, without one more call."""
    chunks: list[bytes] = []
    got = 0
    while limit is None or got < limit:
        chunk = os.read(fd, 1 << 20 if limit is None else limit - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
        if expected is not None and got >= expected:
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
