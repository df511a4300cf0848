"""What feedkit's commands share that needs no click: writing a line as click.echo writes it,
the problems and failures they report, the pinned clock, the status line, the quick exit
and the cycle collector's settings. `feedkit build` runs without click when its options are ones
feedkit.site.uptodate reads (feedkit/commands/build.py): importing click, with the uuid,
platform and gettext it brings, and making every command's options cost a build after one
post is edited about 7 ms of its 150."""

from __future__ import annotations

import codecs
import gc
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TextIO

from feedkit.entry import RARE_COLLECTIONS
from feedkit.errors import ContentError, FeedkitError, Problem


def echo(text: str = "", err: bool = False) -> None:
    """Write `text` and a line's end to stdout (stderr with `err`), as click.echo writes it.

    click.echo writes such text as it is and flushes. Where it would do more, it does it:
    a terminal escape (which it strips when the stream is no terminal), a stream that cannot
    take the text as it is, or one it wraps itself (ASCII, missing, Windows' console)."""
    stream = sys.stderr if err else sys.stdout
    if _as_written(stream, text):
        stream.write(text + "\n")
        stream.flush()
        return
    import click

    click.echo(text, err=err)


def _as_written(stream: TextIO | None, text: str) -> bool:
    """True when click.echo would write `text` to `stream` as it is."""
    if stream is None or "\x1b" in text or os.name == "nt":
        return False
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return False
    try:
        if codecs.lookup(encoding).name == "ascii":  # click wraps it in UTF-8
            return False
        text.encode(encoding, getattr(stream, "errors", None) or "strict")
    except (LookupError, UnicodeEncodeError):
        return False
    return True


def report(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        echo(str(problem), err=True)


def report_failure(exc: FeedkitError) -> None:
    """Say on stderr why a command failed: each problem of the content and how many, or
    the error's message."""
    if isinstance(exc, ContentError):
        errors = [p for p in exc.problems if not p.warning]
        report(list(exc.problems))
        noun = "problem" if len(errors) == 1 else "problems"
        echo(f"error: {len(errors)} {noun} in the content; nothing was written", err=True)
    else:
        echo(f"error: {exc}", err=True)


def report_denied(exc: PermissionError) -> None:
    """Say on stderr which file or folder this user may not read or write (its mode, an
    NFS export's): every command that meets one stops at it with this, not a traceback.
    Named from the current folder when it is under it."""
    where = os.fsdecode(exc.filename) if exc.filename is not None else ""
    # The folder that stops it, when one above may not be searched (`chmod 000 content`
    # refused `content/_includes` first).
    while (
        where and (up := os.path.dirname(where)) not in ("", where) and not os.access(up, os.X_OK)
    ):
        where = up
    if where and os.path.isabs(where):
        inside = os.path.relpath(where)
        where = where if inside.startswith("..") else inside
    what = f"{where}: " if where else ""
    echo(f"error: {what}{exc.strerror or exc}; this user may not use it", err=True)


def pinned_now() -> datetime:
    """Return the current time, or FEEDKIT_NOW (ISO 8601 with zone) for reproducible runs;
    ValueError saying what is wrong with FEEDKIT_NOW."""
    pinned = os.environ.get("FEEDKIT_NOW")
    if not pinned:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(pinned)
    except ValueError as exc:
        raise ValueError(f"FEEDKIT_NOW={pinned!r} is not an ISO 8601 date") from exc
    if value.tzinfo is None:
        raise ValueError(f"FEEDKIT_NOW={pinned!r} needs a time zone, e.g. +00:00")
    return value


class QuickExit:
    """Whether `feedkit` runs as its console script (`run`), not inside a test's CliRunner."""

    armed = False

    @classmethod
    def now(cls) -> None:
        """Leave the process at once if armed, after flushing what was printed.

        Tearing the interpreter down frees every module and object one by one: after a
        build over thousands of posts that is 20 to 30 ms, a tenth of a rebuild, spent on
        nothing. A build has closed every file it wrote by the time it reports, so it can
        leave with os._exit (mypy's command line does the same). Failed builds and other
        commands exit the ordinary way.
        """
        if not cls.armed:
            return
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe: the ordinary exit reports it
            return
        os._exit(0)


@contextmanager
def rare_collections() -> Iterator[None]:
    """Run the block with the cycle collector run rarely: a digest makes hundreds of
    thousands of small tuples and frees them all at exit, and the collector would scan them
    again and again for nothing (about a tenth of the time at 20,000 posts)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(*RARE_COLLECTIONS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextmanager
def no_collections() -> Iterator[None]:
    """Run the block (a build, a check) with the cycle collector off, as the console script
    runs such a command from its start (feedkit.entry). What they make lives until they
    end, and they make next to no cycles: at 20,000 posts, the one collection a check
    still met (some 200,000 objects made since the last) scanned them for 90 ms of its
    2.9 s and freed 533 objects. Only the block is run so: a command that runs builds
    one after another collects between them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class StatusLine:
    """A one-line progress display on stderr for builds and sends that take over a second.

    Nothing is shown when stderr is not a terminal (cron, CI, pipes), or for quick builds.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        doing: str = "Building",
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.doing = doing
        self.delay = delay
        self.enabled = self.stream.isatty()
        self.clock = clock
        self.started = clock()
        # The step, how many of how many things it has done, and when it began: one tuple,
        # replaced whole, as the display thread reads it.
        self.state: tuple[str, int, int, float] = ("starting", 0, 0, self.started)
        self.shown = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def show(self, step: str, done: int = 0, total: int = 0) -> None:
        """Say what the build does now (a `Progress`): `done` of `total` when counted."""
        began = self.state[3] if step == self.state[0] else self.clock()
        self.state = (step, done, total, began)

    def line(self) -> str:
        """Return the status line: the step, how far it is, its rate and the time left."""
        step, done, total, began = self.state
        now = self.clock()
        text = f"{self.doing}… {step}"
        if total:
            text += f": {done:,} of {total:,}"
            if 0 < done < total and now > began:
                rate = done / (now - began)
                text += f" ({rate:,.0f}/s, about {_duration((total - done) / rate)} left)"
        return f"{text} ({now - self.started:.1f} s)"

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while True:
            self.stream.write(f"\r\x1b[2K{self.line()}")
            self.stream.flush()
            self.shown = True
            if self._stop.wait(0.2):
                return

    def __enter__(self) -> StatusLine:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _duration(seconds: float) -> str:
    """Return a time left as people say it: "3 s", "1 min 20 s"."""
    whole = max(1, round(seconds))
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"
