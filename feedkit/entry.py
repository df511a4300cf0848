"""The `feedkit` console script. A `feedkit build` that has nothing to do is told so here,
from what the last build saved, before the command line and the build load (see
feedkit.site.uptodate); one with something to do runs here too, without the command line
library, when its options are the build's own (feedkit.commands.build `run_plain`), and so
does a `feedkit check` with only its own options (feedkit.commands.check) and a `feedkit
digest --dry-run` with at most `--config` (feedkit.commands.dryrun). Every other run goes to
feedkit.cli, a build with the walk of the content folder made here, if one was."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing is not imported (see feedkit.site.uptodate)
if TYPE_CHECKING:
    from feedkit.site.uptodate import Walked

# The cycle collector's thresholds while a digest runs (see feedkit.commands.console
# `rare_collections`); a build and a check run with it off (`no_collections`).
RARE_COLLECTIONS = (200_000, 50, 100)


def run() -> None:
    """The `feedkit` console script."""
    seen: list[Walked] = []
    command = sys.argv[1:2]
    if command in (["build"], ["check"]):
        import gc

        # From the start: the modules a build or a check imports make tens of thousands of
        # objects that live as long as it does, and the collector scanned them some thirty
        # times (3 ms of a build after one post is edited) before the build turned it off.
        gc.disable()
    if command == ["build"]:
        from feedkit.site.uptodate import answer

        if answer(sys.argv[2:], seen=seen):
            return
        from feedkit.commands.build import run_plain

        run_plain(sys.argv[2:], seen[0] if seen else None)  # returns when click must read them
    elif command == ["check"]:
        from feedkit.commands.check import run_plain as run_check

        run_check(sys.argv[2:])  # returns when click must read them
    elif command == ["digest"]:
        from feedkit.commands.dryrun import run_plain as run_dry_run

        run_dry_run(sys.argv[2:])  # a dry run; returns for any other digest run
    from feedkit.cli import run as run_cli

    run_cli(seen[0] if seen else None)
