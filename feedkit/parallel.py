"""Two halves of a CPU-bound job at once: one in a forked child, one here.

Parsing thousands of front matters and rendering Markdown are pure Python; with the
second core of a small server they take about half the time. A plain fork and a pipe cost a
few milliseconds, far less than a process pool, which matters for a build that should take
a fraction of a second. The child's result comes back marshalled when it is made of plain
values (tuples, strings, numbers: about twice as fast both ways as pickle, and parent and
child are the same interpreter), pickled otherwise.

`shared` splits a job in parts that both processes take from one queue as each is free, so
they finish together whatever else this process has to do first, and however a busy machine
slows either: the queue is a pipe holding the parts' numbers, two bytes each, written whole
before the fork; a read of a pipe is atomic, so each number goes to exactly one reader.
"""

from __future__ import annotations

import marshal
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

A = TypeVar("A")
B = TypeVar("B")
R = TypeVar("R")


def cores() -> int:
    """Return how many cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def in_parallel(here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
    """Return (here(), there()), running `there` in a forked child at the same time.

    Without fork or a second core, both run here, one after the other. An exception in the
    child is raised here, as it was.
    """
    if not hasattr(os, "fork") or cores() < 2:
        return here(), there()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running any cleanup
        os.close(read_end)
        try:
            try:
                payload = _dumps(there())
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
                # pickle here and below, not at the top: a build that forks no child (one
                # with nothing changed, say) has no use for it.
                import pickle

                try:
                    payload = _FAILED + pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # an exception that cannot travel: its words can
                    failure = RuntimeError(f"{type(exc).__name__}: {exc}")
                    payload = _FAILED + pickle.dumps(failure, protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        mine = here()
    finally:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        # Its answer is in: a thread waits for its exit (tearing down a copy of this
        # process takes a few milliseconds), so none is left a zombie and nobody waits.
        threading.Thread(target=_reap, args=(pid,), daemon=True).start()
    if not data:
        raise RuntimeError("the forked helper process died before it finished")
    if data[:1] == _FAILED:
        import pickle

        raise pickle.loads(memoryview(data)[1:])
    return mine, _loads(data)


# At most this many parts share a queue: their numbers, written before the fork, fit in a
# pipe's buffer (and in PIPE_BUF, 512 bytes at least) everywhere.
MAX_PARTS = 250


def shared(
    count: int,
    part: Callable[[int], R],
    first: Callable[[], object] | None = None,
    on_done: Callable[[int], object] | None = None,
    received: Callable[[R], R] | None = None,
) -> list[R]:
    """Return [part(0), …, part(count - 1)], the calls shared between this process and a
    forked child: each takes the next part when it is free. This process runs `first`
    before it takes any. Without fork or a second core, everything runs here.

    `on_done` is called here with the number of parts either process has finished, each
    time this process finishes one (for a progress display): the child tells of each part
    it finishes with a byte on a pipe of its own.

    With `received`, the child sends each part's result as soon as it has it, and this
    process gives it to `received` (whose result takes its place) between its own parts:
    work on the child's results (unpickling them, say) is then shared as the parts are,
    not left for the end.
    """
    if count > MAX_PARTS:
        raise ValueError(f"at most {MAX_PARTS} parts, not {count}")
    if count < 2 or not hasattr(os, "fork") or cores() < 2:
        if first is not None:
            first()
        results = []
        for index in range(count):
            results.append(part(index))
            if on_done is not None:
                on_done(index + 1)
        return results
    queue, filler = os.pipe()
    try:
        os.write(filler, b"".join(index.to_bytes(2, "little") for index in range(count)))
    finally:
        os.close(filler)  # an empty queue reads as its end
    # A byte for each part the child finishes: at most MAX_PARTS, far less than a pipe holds,
    # so the child never waits on it.
    told, tell = os.pipe() if on_done is not None else (-1, -1)
    if on_done is not None:
        os.set_blocking(told, False)
    theirs_done = 0
    stream = _Stream(received) if received is not None else None

    def take_parts(child: bool) -> dict[int, R]:
        nonlocal theirs_done
        done: dict[int, R] = {}
        if stream is not None and child:
            stream.sending()
        while len(token := os.read(queue, 2)) == 2:
            index = int.from_bytes(token, "little")
            if stream is not None and not child:
                stream.take(done, block=False)  # what the child sent meanwhile
            if stream is not None and child:
                stream.send(index, part(index))
            else:
                done[index] = part(index)
            if child and on_done is not None:
                os.write(tell, b"1")
            elif on_done is not None:
                try:
                    theirs_done += len(os.read(told, MAX_PARTS))
                except BlockingIOError:  # none finished since the last look
                    pass
                on_done(len(done) + theirs_done)
        return done

    def here() -> dict[int, R]:
        if stream is None:
            if first is not None:
                first()
            return take_parts(False)
        stream.receiving()
        try:
            if first is not None:
                first()
            done = take_parts(False)
            stream.take(done, block=True)  # to the end of what the child sends
            return done
        finally:
            stream.close()  # a child still sending is told at once: no one waits

    try:
        mine, theirs = in_parallel(here, lambda: take_parts(True))
    finally:
        os.close(queue)
        if on_done is not None:
            os.close(told)
            os.close(tell)
        if stream is not None:
            stream.close()
    if on_done is not None:
        on_done(count)
    every = {**mine, **theirs}
    return [every[index] for index in range(count)]


class _Stream:
    """The child's results sent to this process part by part (see `shared`'s `received`):
    each as its length (4 bytes), its part's number (2) and its bytes (`_dumps`)."""

    def __init__(self, received: Callable[[R], R]) -> None:
        self.received = received
        self.read_end, self.write_end = os.pipe()
        self.pending = bytearray()
        try:  # room for parts sent while this process is busy with its own (Linux)
            import fcntl

            fcntl.fcntl(self.write_end, fcntl.F_SETPIPE_SZ, 1 << 20)
        except (ImportError, AttributeError, OSError):
            pass  # the child then waits for this process to take what it sent

    def sending(self) -> None:
        """In the child: keep only the end it writes to."""
        os.close(self.read_end)
        self.read_end = -1

    def receiving(self) -> None:
        """Here, after the fork: keep only the end read from, so it ends with the child."""
        os.close(self.write_end)
        self.write_end = -1
        os.set_blocking(self.read_end, False)

    def send(self, index: int, value: object) -> None:
        data = _dumps(value)
        view = memoryview(len(data).to_bytes(4, "little") + index.to_bytes(2, "little") + data)
        while view:
            view = view[os.write(self.write_end, view) :]

    def take(self, done: dict[int, Any], *, block: bool) -> None:
        """Add to `done` each part the child has sent, given to `received`: what has come
        (or, with `block`, everything up to the child's end)."""
        if block:
            os.set_blocking(self.read_end, True)
        while True:
            try:
                chunk = os.read(self.read_end, 1 << 20)
            except BlockingIOError:
                break
            if not chunk:
                break
            self.pending += chunk
            while len(self.pending) >= 6:
                size = int.from_bytes(self.pending[:4], "little")
                if len(self.pending) < 6 + size:
                    break
                index = int.from_bytes(self.pending[4:6], "little")
                value = _loads(bytes(self.pending[6 : 6 + size]))
                del self.pending[: 6 + size]
                done[index] = self.received(value)

    def close(self) -> None:
        for fd in (self.read_end, self.write_end):
            if fd >= 0:
                os.close(fd)
        self.read_end = self.write_end = -1


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already (SIGCHLD ignored, as a parent may set it)
        pass


_MARSHALLED, _PICKLED, _FAILED = b"m", b"p", b"f"


def _loads(data: bytes) -> Any:
    """Return the value `_dumps` made `data` of."""
    body = memoryview(data)[1:]
    if data[:1] == _MARSHALLED:
        return marshal.loads(body)
    import pickle

    return pickle.loads(body)


def _dumps(value: object) -> bytes:
    try:
        return _MARSHALLED + marshal.dumps(value)  # type: ignore[arg-type]
    except ValueError:  # holds objects marshal cannot carry (dataclasses, exceptions)
        import pickle

        return _PICKLED + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
