"""The `feedkit` command: the group, what its commands share (errors become exit codes here,
the status line, the quick exit), and their --help endings. The commands themselves are in
feedkit/commands/, a module per side of the product: they load the config, call the stages
and report."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from feedkit import __version__, clihelp
from feedkit.config import CONFIG_NAME
from feedkit.errors import ContentError, FeedkitError, Problem

# Each command imports the stages it needs when it runs: `feedkit build` is run every few
# minutes by schedulers and should not pay for mail, templating and scheduling libraries.

F = TypeVar("F", bound=Callable[..., Any])

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=CONFIG_NAME,
    show_default=True,
    help="The site's feedkit.toml.",
)


def now_from_env() -> datetime:
    """Return the current time, or FEEDKIT_NOW (ISO 8601 with zone) for reproducible runs."""
    pinned = os.environ.get("FEEDKIT_NOW")
    if not pinned:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(pinned)
    except ValueError as exc:
        raise click.UsageError(f"FEEDKIT_NOW={pinned!r} is not an ISO 8601 date") from exc
    if value.tzinfo is None:
        raise click.UsageError(f"FEEDKIT_NOW={pinned!r} needs a time zone, e.g. +00:00")
    return value


def report(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


def error_boundary(func: F) -> F:
    """Turn FeedkitErrors into a message on stderr and exit 1; the traceback only with -v."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FeedkitError as exc:
            ctx = click.get_current_context()
            if ctx.find_root().params.get("verbose") or ctx.meta.get(VERBOSE):
                import traceback

                traceback.print_exc()
            if isinstance(exc, ContentError):
                errors = [p for p in exc.problems if not p.warning]
                report(list(exc.problems))
                noun = "problem" if len(errors) == 1 else "problems"
                click.echo(
                    f"error: {len(errors)} {noun} in the content; nothing was written", err=True
                )
            else:
                click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


VERBOSE = "feedkit.verbose"


def _remember_verbose(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[VERBOSE] = True  # ctx.meta is shared by the group's and the command's context


class FeedkitCommand(click.Command):
    """A feedkit command: takes `-v` after its name too (`feedkit build -v`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(
            click.Option(
                ["-v", "--verbose"],
                is_flag=True,
                expose_value=False,
                callback=_remember_verbose,
                help="Show tracebacks for errors.",
            )
        )


class FeedkitGroup(click.Group):
    command_class = FeedkitCommand


# A group's -v, as its commands take it (`feedkit subscribers -v list`).
group_verbose = click.option(
    "-v",
    "--verbose",
    is_flag=True,
    expose_value=False,
    callback=_remember_verbose,
    help="Show tracebacks for errors.",
)


@click.group(cls=FeedkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(version=__version__, prog_name="feedkit")
def main(verbose: bool) -> None:
    """Feeds and an email digest from a folder of Markdown posts."""


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


def run(walked: object = None) -> None:
    """The `feedkit` console script; `walked`: what feedkit.site.uptodate found walking the
    content folder before this loaded (commands find it as their context's `obj`)."""
    QuickExit.armed = True
    main(obj=walked)


@contextmanager
def rare_collections() -> Iterator[None]:
    """Run the block with the cycle collector run rarely: a build, a check or a digest makes
    hundreds of thousands of small tuples and frees them all at exit, and the collector would
    scan them again and again for nothing (about a tenth of the time at 20,000 posts)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(200_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


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


# Each module of feedkit/commands/ adds its commands to `main` when imported.
from feedkit.commands import mail, service, site, start  # noqa: E402, F401


def _add_help(group: click.Group, prefix: str = "") -> None:
    """End each command's --help with its examples and environment (feedkit.clihelp)."""
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        command.epilog = clihelp.epilog(path)
        if isinstance(command, click.Group):
            _add_help(command, f"{path} ")


main.epilog = clihelp.MAIN
_add_help(main)

if __name__ == "__main__":
    main()
