"""What `feedkit build` does once its options are read, without click.

The `build` command (feedkit/commands/site.py) runs `run_build` with the options click read.
The console script runs it itself (`run_plain`) when the options are the build's own, as the
answer of a build with nothing to do reads them (feedkit.site.uptodate `build_options`:
`--config FILE`, `--drafts`, `--no-cache`, `--strict`) and click would take them as given;
anything else (`-v`,
`--help`, a folder or an unreadable file as the config, a FEEDKIT_NOW click calls a usage
error, a shell's completion) goes to click. Either way the build prints, fails and exits
as the command does.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from feedkit.commands.console import (
    QuickExit,
    StatusLine,
    echo,
    no_collections,
    pinned_now,
    report,
    report_denied,
    report_failure,
)
from feedkit.config import Config, load_config
from feedkit.errors import FeedkitError
from feedkit.shown import display_path
from feedkit.site.uptodate import build_options, counts_text, drafts_warning, up_to_date_line

if TYPE_CHECKING:
    from feedkit.mail.rendercache import RenderCache
    from feedkit.site.build import BuildPlan
    from feedkit.site.uptodate import Walked


def run_build(
    config_path: Path,
    drafts: bool,
    no_cache: bool,
    strict: bool,
    walked: Walked | None,
    clock: Callable[[], datetime],
) -> None:
    """Build the site of `config_path` and say what changed, as `feedkit build` does;
    `walked`: the console script's walk of the content folder, if it made one; `clock`:
    the time of the build (read after the config)."""
    from feedkit.site.build import build_site

    with no_collections():
        cfg = load_config(config_path)
        now = clock()
        with StatusLine() as status:
            plan, changed = build_site(
                cfg,
                now,
                drafts=drafts,
                ignore_cache=no_cache,
                progress=status.show,
                config_file=config_path,
                walked=walked,
                waiting=lambda text: echo(f"note: {text}", err=True),
                strict=strict,
            )
        report(plan.warnings)
        if plan.cache_discarded:
            echo(f"note: build cache thrown away: {plan.cache_discarded}", err=True)
        if plan.held:  # a strict build with warnings wrote nothing
            echo(
                f"error: {len(plan.warnings)} warning(s) and --strict is on; nothing was written",
                err=True,
            )
            sys.exit(1)
        out = display_path(cfg.output_path, Path.cwd())
        if plan.reused:
            echo(up_to_date_line(out, numbers(plan), drafts_shown=drafts))
        else:
            echo(
                f"Built {len(plan.names)} files in {out}/ ({len(changed)} changed) from "
                + counts_text(*numbers(plan), drafts_shown=drafts)
            )
        if drafts and (warned := drafts_warning(out, plan.drafts)):
            echo(warned, err=True)
        refresh_web_copies(cfg)  # a lost output folder gets the digests' pages back
        if strict and plan.warnings:  # found once the files were in place: a cache unsaved
            echo(f"error: {len(plan.warnings)} warning(s) and --strict is on", err=True)
            sys.exit(1)
        QuickExit.now()  # before this frame's objects are freed one by one


def numbers(plan: BuildPlan) -> tuple[int, int, int, int, int]:
    """Return the counts a build reports: posts, published, drafts, scheduled, expired."""
    return (plan.total, plan.published, plan.drafts, plan.scheduled, plan.expired)


def refresh_web_copies(cfg: Config, render_cache: RenderCache | None = None) -> None:
    """Write the web copies of sent digests when the site has sent any; say what changed."""
    if not cfg.digest.archive or not cfg.path(cfg.digest.state).exists():
        return  # no digest has run: the mail stack is not even imported
    from feedkit.mail.archive import refresh_archive

    changed = refresh_archive(cfg, render_cache)
    if changed:
        out = display_path(cfg.output_path / cfg.digest.archive, Path.cwd())
        echo(f"Digest archive in {out}/: {len(changed)} file(s) changed")


def run_plain(args: list[str], walked: Walked | None) -> None:
    """Run `feedkit build ARGS` without click and exit as the command would, when click
    would take ARGS as given (see the module's docstring); else return, having done
    nothing."""
    options = build_options(args)
    if options is None or not takes_plainly(options[0]):
        return
    config, drafts, no_cache, strict = options
    as_command(lambda: run_build(Path(config), drafts, no_cache, strict, walked, pinned_now))


def takes_plainly(config: str) -> bool:
    """True when a command run without click may take `config`, its `--config`, and the
    environment as they are: click would take them as given (see `_taken_by_click`), no
    shell asks for completions, and FEEDKIT_NOW is unset or a time with its zone."""
    if not _taken_by_click(config) or _completing():
        return False
    try:
        pinned_now()
    except ValueError:  # click's usage error, with its usage line
        return False
    return True


def as_command(run: Callable[[], None]) -> NoReturn:
    """Run a command without click, and fail and exit as click's main and the command's
    `error_boundary` do."""
    QuickExit.armed = True
    try:
        run()
    except FeedkitError as exc:
        report_failure(exc)
        sys.exit(exc.exit_code)
    except PermissionError as exc:
        report_denied(exc)
        sys.exit(1)
    except (EOFError, KeyboardInterrupt):  # as click's main says it
        echo(err=True)
        echo("Aborted!", err=True)
        sys.exit(1)
    except OSError as exc:  # a closed pipe: quietly, as click's main leaves
        if exc.errno != errno.EPIPE:
            raise
        sys.stdout = _Pacified(sys.stdout)  # type: ignore[assignment]
        sys.stderr = _Pacified(sys.stderr)  # type: ignore[assignment]
        sys.exit(1)
    sys.exit(0)


class _Pacified:
    """A stream whose flush at exit does not fail on a closed pipe (click's
    _PacifyFlushWrapper): the pipe's reader has gone, and Python would say so."""

    def __init__(self, wrapped: TextIO) -> None:
        self.wrapped = wrapped

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


def _taken_by_click(config: str) -> bool:
    """True when click's Path(dir_okay=False) takes `config` as it is: a file that can be
    read, or nothing there (the build says it is missing). A folder, or a file that cannot
    be read, is click's usage error."""
    try:
        st = os.stat(config)
    except OSError:
        return True
    return not stat.S_ISDIR(st.st_mode) and os.access(config, os.R_OK)


def _completing() -> bool:
    """True when a shell asks for completions (click's `_PROG_COMPLETE` variable)."""
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)
