"""The `feedkit` console script. A `feedkit build` that has nothing to do is told so here,
from what the last build saved, before the command line and the build load (see
feedkit.site.uptodate); every other run goes to feedkit.cli."""

from __future__ import annotations

import sys


def run() -> None:
    """The `feedkit` console script."""
    if sys.argv[1:2] == ["build"]:
        from feedkit.site.uptodate import answer

        if answer(sys.argv[2:]):
            return
    from feedkit.cli import run as run_cli

    run_cli()
