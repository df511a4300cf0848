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
from typing import TypeVar

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
    kind, body = data[:1], memoryview(data)[1:]
    import pickle

    if kind == _FAILED:
        raise pickle.loads(body)
    return mine, (marshal.loads(body) if kind == _MARSHALLED else pickle.loads(body))


# At most this many parts share a queue: their numbers, written before the fork, fit in a
# pipe's buffer (and in PIPE_BUF, 512 bytes at least) everywhere.
MAX_PARTS = 250


def shared(
    count: int,
    part: Callable[[int], R],
    first: Callable[[], object] | None = None,
    on_done: Callable[[int], object] | None = None,
) -> list[R]:
    """Return [part(0), …, part(count - 1)], the calls shared between this process and a
    forked child: each takes the next part when it is free. This process runs `first`
    before it takes any. Without fork or a second core, everything runs here.

    `on_done` is called here with the number of parts either process has finished, each
    time this process finishes one (for a progress display): the child tells of each part
    it finishes with a byte on a pipe of its own.
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

    def take_parts(tell_fd: int) -> dict[int, R]:
        nonlocal theirs_done
        done: dict[int, R] = {}
        while len(token := os.read(queue, 2)) == 2:
            index = int.from_bytes(token, "little")
            done[index] = part(index)
            if tell_fd >= 0:
                os.write(tell_fd, b"1")
            elif on_done is not None:
                try:
                    theirs_done += len(os.read(told, MAX_PARTS))
                except BlockingIOError:  # none finished since the last look
                    pass
                on_done(len(done) + theirs_done)
        return done

    def here() -> dict[int, R]:
        if first is not None:
            first()
        return take_parts(-1)

    try:
        mine, theirs = in_parallel(here, lambda: take_parts(tell))
    finally:
        os.close(queue)
        if on_done is not None:
            os.close(told)
            os.close(tell)
    if on_done is not None:
        on_done(count)
    every = {**mine, **theirs}
    return [every[index] for index in range(count)]


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already (SIGCHLD ignored, as a parent may set it)
        pass


_MARSHALLED, _PICKLED, _FAILED = b"m", b"p", b"f"


def _dumps(value: object) -> bytes:
    try:
        return _MARSHALLED + marshal.dumps(value)  # type: ignore[arg-type]
    except ValueError:  # holds objects marshal cannot carry (dataclasses, exceptions)
        import pickle

        return _PICKLED + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
