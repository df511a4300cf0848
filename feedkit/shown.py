"""How messages show a file: its path relative to the site root, and `path:line: message`.

Apart from feedkit.errors and the loader (which use it) because a build that finds nothing
changed reports with this alone, before the command line loads (feedkit.site.uptodate).
"""

from __future__ import annotations

# typing itself is not imported: a build with nothing to do loads only what it runs (see
# feedkit.site.uptodate); mypy reads this name as typing's.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from pathlib import Path


def display_path(path: Path | str, root: Path | str) -> str:
    """Return `path` as shown in messages: relative to the site root when it is inside it."""
    text, prefix = str(path), root_prefix(root)
    if text.startswith(prefix):
        return text[len(prefix) :].replace("\\", "/")
    return text


def root_prefix(root: Path | str) -> str:
    """Return the text a path inside `root` starts with (display_path strips it)."""
    return str(root).rstrip("/") + "/"


def problem_line(path: str, line: int, message: str, warning: bool) -> str:
    """Return a problem as the user reads it: `path:line: warning: message` (line 0 = the
    whole file, shown without a line)."""
    where = f"{path}:{line}" if line else path
    kind = "warning: " if warning else ""
    return f"{where}: {kind}{message}"
