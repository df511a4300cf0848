"""The floor under a fresh `feedkit` process: Python's start, and importing every module a
cold build imports besides feedkit's own (the standard library's and the libraries', as
the build imports them), with no feedkit code run and no post read. A goal below the second
cannot be met by a fresh process however feedkit's own code is written.

The modules are read from the build itself: Python's import-time report
(PYTHONPROFILEIMPORTTIME) of one cold build, keeping each module that feedkit imported
directly or that was imported before feedkit (Python's start), in order. That build runs on
one core, where feedkit forks no helper: a helper's report lines, written to the same
stderr at the same time, would interleave with its own and misplace modules in the tree
(the count of modules moved between 38 and 47 from build to build; on one core it is the
same every time, and the modules are the same, the helper's included).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

STARTED = "python started"
IMPORTED = "python, importing the {n} modules a cold build imports"


def imported_by(command: list[str], env: dict[str, str]) -> list[str]:
    """Return the modules that `command` (a cold `feedkit build`) imports other than
    feedkit's, each one that feedkit's code or Python's start imported itself (what those
    import in turn comes with them), in the order they were first imported."""
    done = subprocess.run(
        command,
        env={**env, "PYTHONPROFILEIMPORTTIME": "1"},
        capture_output=True,
        text=True,
        preexec_fn=_one_core if hasattr(os, "sched_setaffinity") else None,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    # Each line is "import time: self | cumulative | <2 spaces a level>name", printed once the
    # module is imported: after the modules it imported. Read backwards, a module comes
    # right after the one that imported it.
    entries = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1]
            if name.strip() and "imported package" not in name:  # not the header line
                entries.append(((len(name) - len(name.lstrip(" ")) - 1) // 2, name.strip()))
    chain: list[tuple[int, str]] = []
    found: list[str] = []
    for depth, name in reversed(entries):
        while chain and chain[-1][0] >= depth:
            chain.pop()
        by = chain[-1][1] if chain else None
        chain.append((depth, name))
        if not _feedkit(name) and (by is None or _feedkit(by)):
            found.append(name)
    found.reverse()  # the order of first import
    return list(dict.fromkeys(found))


def _one_core() -> None:
    """Keep this process (the build about to start) to one of the cores it may run on."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _feedkit(name: str) -> bool:
    return name == "feedkit" or name.startswith("feedkit.")


def commands(python: Path, modules: list[str]) -> list[tuple[str, list[str]]]:
    """Return (case name, command) for Python's start, and for importing `modules`."""
    code = (
        "import importlib\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError:\n"  # one that only loads as another's part, as it did there
        "        pass\n"
    )
    return [
        (STARTED, [str(python), "-c", "pass"]),
        (IMPORTED.format(n=len(modules)), [str(python), "-c", code]),
    ]
