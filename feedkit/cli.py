"""The `feedkit` command: the group, what its commands share (errors become exit codes here,
the status line, the quick exit), and their --help endings. The commands themselves are in
feedkit/commands/, a module per side of the product: they load the config, call the stages
and report."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from feedkit import __version__, clihelp

# What the commands share without click (a build runs without it: feedkit/commands/build.py).
from feedkit.commands.console import QuickExit as QuickExit
from feedkit.commands.console import StatusLine as StatusLine
from feedkit.commands.console import pinned_now, report_denied, report_failure
from feedkit.commands.console import rare_collections as rare_collections
from feedkit.commands.console import report as report
from feedkit.config import CONFIG_NAME
from feedkit.errors import FeedkitError

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
    """Return the current time, or FEEDKIT_NOW (ISO 8601 with zone) for reproducible runs;
    a usage error when FEEDKIT_NOW is not one."""
    try:
        return pinned_now()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


def error_boundary(func: F) -> F:
    """Turn FeedkitErrors into a message on stderr and exit 1; the traceback only with -v."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (FeedkitError, PermissionError) as exc:
            ctx = click.get_current_context()
            if ctx.find_root().params.get("verbose") or ctx.meta.get(VERBOSE):
                import traceback

                traceback.print_exc()
            if isinstance(exc, PermissionError):
                report_denied(exc)
                sys.exit(1)
            report_failure(exc)
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


def run(walked: object = None) -> None:
    """The `feedkit` console script; `walked`: what feedkit.site.uptodate found walking the
    content folder before this loaded (commands find it as their context's `obj`)."""
    QuickExit.armed = True
    main(obj=walked)


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
