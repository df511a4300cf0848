"""Every post file's row after a scan of the content folder: the build cache's row where a
file's status is what it was, the file read afresh where not, and what only shows across
posts (two posts on one URL or ID) checked. What `BuildCache.refresh` gives; the cache itself
(feedkit/site/cache.py) loads and saves the rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from feedkit.config import Config
from feedkit.errors import ContentError, Problem
from feedkit.posts.crosscheck import duplicates, with_body_problems
from feedkit.posts.layout import Layout
from feedkit.posts.loader import Progress, parse_files
from feedkit.posts.places import Skipped
from feedkit.posts.walk import file_status
from feedkit.site.cachefiles import CHOICE, NOTES, STAT, Row, index_row, row_warnings
from feedkit.site.scan import Scan


# Never compared, and their reprs would print every post of the site: no __eq__ or __repr__
# (dataclasses generates them for every run, at about 0.1 ms each).
@dataclass(eq=False, repr=False)
class Refreshed:
    """Every post file's row, after reading the files that changed."""

    rows: dict[str, Row]  # by path as shown, in file order
    sources: dict[str, str]  # path as shown → file
    parsed: set[str]  # the files read in this build
    warnings: list[Problem]
    layout: Layout | None = None  # the rules a post is read again with (see BuildCache.post)


def unchanged_rows(
    scan: Scan, sources: dict[str, str], known: dict[str, Row]
) -> tuple[dict[str, Row], list[str]]:
    """Return the rows of `known` whose file's status is what it was, by path as shown, and
    the files to read (every file in `sources` when nothing is known: a cold build)."""
    rows: dict[str, Row] = {}
    todo: list[str] = []
    if not known:  # a cold build: every file is read
        todo = list(sources.values())
    else:
        for shown, path, key in scan.files:
            row = known.get(shown)
            if row is not None and key is not None and row[STAT] == key:
                rows[shown] = row
            else:
                todo.append(path)
    return rows, todo


def read_changed(
    cfg: Config,
    scan: Scan,
    sources: dict[str, str],
    layout: Layout,
    rows: dict[str, Row],
    todo: list[str],
    progress: Progress | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Refreshed:
    """Return every post file's row: `rows`, and those of the files in `todo`, read now.
    Raise ContentError listing every problem (with the warnings) if a file has one."""
    parsed: set[str] = set()
    problems: list[Problem] = []
    not_posts: set[str] = set()  # skipped: no row, so read again on the next build
    skip_warnings: list[Problem] = []  # of the files skipped for a mistake: said every build
    if layout.hugo:  # a page's place depends on the others: main sections, translations
        for shown in [s for s in rows if isinstance(layout.place(sources[s]), Skipped)]:
            del rows[shown]
            not_posts.add(shown)
    # Only what choosing entries needs is kept; the few posts a feed shows are read again.
    for shown, st, fields, file_problems, file_warnings in parse_files(
        cfg, todo, light=True, meanwhile=meanwhile, layout=layout, progress=progress
    ):
        problems.extend(file_problems)
        if isinstance(fields, Skipped):
            not_posts.add(shown)
            if fields.warning:
                skip_warnings.append(fields.problem(shown))
        elif fields is not None and st is not None:
            parsed.add(shown)
            rows[shown] = index_row(st, fields, file_warnings)
        else:
            problems.extend(file_warnings)
    # Read afresh, every row is in file order already.
    every = len(todo) == len(sources)
    ordered = rows if every else {shown: rows[shown] for shown in sources if shown in rows}
    if not scan.stat and not problems:  # the walk left the statuses to the reads
        scan.found_statuses(
            [
                (path, ordered[shown][STAT] if shown in ordered else file_status(path))
                for shown, path, _ in scan.files
                if shown in ordered or shown in not_posts
            ]
        )
    if todo and _may_clash(ordered):  # unchanged files were checked when they were read
        problems.extend(
            duplicates(
                (shown, sources[shown], row[CHOICE].id, row[CHOICE].url)
                for shown, row in ordered.items()
            )
        )
    warnings = [w for row in ordered.values() if row[NOTES] for w in row_warnings(row)]
    warnings += skip_warnings
    if problems:
        files = list(sources.items())  # (shown path, path): read only for this report
        raise ContentError(with_body_problems(problems, files) + warnings)
    return Refreshed(ordered, sources, parsed, warnings, layout)


def _may_clash(rows: dict[str, Row]) -> bool:
    """Return True if two posts may share a URL or an ID (then `duplicates` says which)."""
    urls = {row[CHOICE].url for row in rows.values()}
    ids = {row[CHOICE].id for row in rows.values()}
    return len(urls) != len(rows) or len(ids) != len(rows)
