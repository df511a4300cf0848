"""The build cache's files as they lie on disk: the index (a row per post file, in marshal
frames), the small marshal files, and the pickles of full posts and rendered bodies; each
read back as nothing when it is missing, damaged, or of another format or key.

The index is written as frames: a header, then the rows a few thousand at a time, and a
build that changed a few rows appends one frame of them to the index it loaded (see
`dump_rows`); feedkit/site/cache.py decides what goes in them.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any, BinaryIO, Final

from feedkit.errors import Problem
from feedkit.models import Choice
from feedkit.posts.walk import StatKey
from feedkit.site.cachekey import CACHE_FORMAT

# The files a build saves in the cache folder, the state last (see BuildCache.save).
POSTS_FILE, RENDERED_FILE, INDEX_FILE, STATE_FILE = (
    "posts.pickle",
    "rendered.pickle",
    "index.marshal",
    "state.marshal",
)
# What changed in the kept renders since RENDERED_FILE was written (see `load_renders`).
RENDERED_CHANGES = "rendered-changes.pickle"
SAVED = (POSTS_FILE, RENDERED_FILE, RENDERED_CHANGES, INDEX_FILE, STATE_FILE)

# An index row: (status, choice, warnings as (path, line, message) tuples or None).
Row = tuple[StatKey, Choice, Any]
STAT: Final = 0
CHOICE: Final = 1
NOTES: Final = 2


def index_row(st: StatKey, choice: Choice, warnings: list[Problem]) -> Row:
    """Return a post file's index row: its status, its Choice, and its warnings as plain
    tuples (None when it has none: most files), which load from the index in milliseconds."""
    notes = tuple([(w.path, w.line, w.message) for w in warnings])
    return (st, choice, notes or None)


def row_warnings(row: Row) -> list[Problem]:
    """Return the warnings an index row keeps."""
    return [Problem(path, line, message, warning=True) for path, line, message in row[NOTES]]


@dataclass(eq=False, repr=False)
class LoadedIndex:
    """The index file as a build loaded it."""

    data: bytes
    rows: dict[str, Row]  # its rows, as `_load_rows` returned them
    changes: int  # rows in the frames that changes added at its end
    layout: str | None  # the signature of the layout they were read under (posts/layout.py)


def read_marshal(path: Path) -> dict[str, Any] | None:
    """Return the dict a marshal file holds: None when there is no file, {} when damaged."""
    try:
        with open(path, "rb") as f:
            data = marshal.loads(f.read())  # marshal.load(f) reads a file item by item: 6x slower
    except (FileNotFoundError, NotADirectoryError):  # none there (a file in a folder's place)
        return None
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


# The index is written as frames: a header, then the rows a few thousand at a time. marshal
# writes a whole object to memory first, and takes plain tuples only (a Choice goes as one):
# in one frame, 20,000 rows would be in memory twice more while they are saved. A frame
# holds its rows' fields in columns (they load a third faster than a tuple a row), the
# files whose rows are gone, and whether a change added it (see `CHANGES_KEPT`).
_ROWS_A_FRAME = 2000


_FRAME_SIZE = 8  # bytes of each frame's length, little-endian


# Rows that the frames changes added may hold (or a 16th of the rows, if more) before the
# index is written whole again: each is loaded by every build, as well as the row it replaced.
CHANGES_KEPT = 256


def columns(rows: list[tuple[str, Row]], gone: list[str] | None = None) -> tuple[Any, ...]:
    """Return a frame of `rows` and of the files in `gone`; one that a change adds unless
    `gone` is None."""
    return (
        [shown for shown, _ in rows],
        [row[STAT] for _, row in rows],
        [tuple(row[CHOICE]) for _, row in rows],
        [row[NOTES] for _, row in rows],
        gone or [],
        gone is not None,
    )


def dump_rows(value: tuple[Any, ...], out: BinaryIO) -> None:
    if isinstance(value[0], bytes):  # the index as loaded, and the frame of what changed
        data, change = value
        out.write(data)
        _write_frame(change, out)
        return
    header, rows = value
    _write_frame(header, out)
    for start in range(0, len(rows), _ROWS_A_FRAME):
        _write_frame(columns(rows[start : start + _ROWS_A_FRAME]), out)


def _write_frame(value: Any, out: BinaryIO) -> None:
    data = marshal.dumps(value)
    out.write(len(data).to_bytes(_FRAME_SIZE, "little"))
    out.write(data)


def _frame(data: memoryview, start: int) -> tuple[Any, int]:
    """Return the value of the frame at `start` in `data` and where the next one starts."""
    end = start + _FRAME_SIZE + int.from_bytes(data[start : start + _FRAME_SIZE], "little")
    if end > len(data):
        raise EOFError("the index ends within a frame")
    return marshal.loads(data[start + _FRAME_SIZE : end]), end


def dump_pickle(value: Any, out: BinaryIO) -> None:
    """Write `value` to `out` in frames: the bytes of every rendered body are never all in
    memory a second time, beside the bodies themselves."""
    import pickle  # here and in load_pickle: a build with nothing changed reads no body

    pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)


def load_pickle(path: Path, key: str) -> dict[str, Any]:
    return _load_pickle_document(path, key)[0]


def _load_pickle_document(path: Path, key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the `data` of a pickled cache file and the file's other fields; both empty
    when it is missing, damaged, or of another format or key."""
    import pickle

    try:
        with open(path, "rb") as f:
            data = pickle.load(f)
        if data.get("format") == CACHE_FORMAT and data.get("key") == key:
            return dict(data["data"]), data
    except (
        OSError,
        EOFError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        KeyError,
        TypeError,
        ValueError,
    ):
        pass
    return {}, {}


def load_renders(folder: Path, key: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Return the kept renders (bodies, feed parts, file digests) in `folder`: all of them,
    those RENDERED_FILE holds, and its name for them (its `id`; "" when there are none).

    A rebuild that changed a few of them writes only what changed since RENDERED_FILE was
    written, to RENDERED_CHANGES, naming it by its id (see `BuildCache.save`): with tag feeds
    at 5,000 posts in 400 tags, the renders are 48 MB, and an edit changes a few dozen. The
    changes of another RENDERED_FILE (one written after them) are not applied."""
    base, made = _load_pickle_document(folder / RENDERED_FILE, key)
    every = dict(base)
    name = str(made.get("id") or "") if base else ""
    if name:
        changes, about = _load_pickle_document(folder / RENDERED_CHANGES, key)
        if about.get("base") == name:
            every.update(changes)
            for gone in about.get("gone") or ():
                every.pop(gone, None)
    return every, base, name


def load_index(path: Path, key: str) -> tuple[dict[str, Row], LoadedIndex | None]:
    """Return the index's rows and the index as loaded; no rows (and None) when it is missing,
    damaged or another build's (`key`)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        data = memoryview(raw)
        header, start = _frame(data, 0)
        if header.get("format") != CACHE_FORMAT or header.get("key") != key:
            return {}, None
        rows: dict[str, Row] = {}
        changes = 0
        while start < len(data):
            (names, stats, fields, notes, gone, change), start = _frame(data, start)
            # Each Choice made from its fields in C, not by a call of Choice._make a row.
            choices = map(tuple.__new__, repeat(Choice), fields)
            rows.update(zip(names, zip(stats, choices, notes, strict=True), strict=True))
            for shown in gone:
                rows.pop(shown, None)
            if change:
                changes += len(names) + len(gone)
    except (OSError, EOFError, ValueError, TypeError, AttributeError):
        return {}, None
    return rows, LoadedIndex(raw, rows, changes, header.get("layout"))
