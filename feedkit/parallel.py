"""Two halves of a CPU-bound job at once: one in a forked child, one here.

Parsing thousands of front matters and rendering Markdown are pure Python; with the
second core of a small server they take about half the time. A plain fork and a pipe cost a
few milliseconds, far less than a process pool, which matters for a build that should take
a fraction of a second. The child's result comes back marshalled when it is made of plain
values (tuples, strings, numbers: about twice as fast both ways as pickle, and parent and
child are the same interpreter), pickled otherwise.
"""

from __future__ import annotations

import marshal
import os
import pickle
from collections.abc import Callable
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")


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
        os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the forked helper process died before it finished")
    kind, body = data[:1], memoryview(data)[1:]
    if kind == _FAILED:
        raise pickle.loads(body)
    return mine, (marshal.loads(body) if kind == _MARSHALLED else pickle.loads(body))


_MARSHALLED, _PICKLED, _FAILED = b"m", b"p", b"f"


def _dumps(value: object) -> bytes:
    try:
        return _MARSHALLED + marshal.dumps(value)  # type: ignore[arg-type]
    except ValueError:  # holds objects marshal cannot carry (dataclasses, exceptions)
        return _PICKLED + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
