"""Problems found across a site's posts once every file is read: an ID or URL that two
posts share, reported at its key's line; and, when a run fails anyway, every body that is not
UTF-8, so one run lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from feedkit.errors import Problem
from feedkit.posts.postfile import FileProblems, decode, line_of_key, split

# Returns the problems of one file's body (shown path, path): `body_problems`, or one that
# keeps what it found (the warm preview's).
BodyCheck = Callable[[str, "Path | str"], list[Problem]]


def with_body_problems(
    found: list[Problem], files: Sequence[tuple[str, Path | str]], check: BodyCheck | None = None
) -> list[Problem]:
    """Return `found` and the bodies among `files` that are not UTF-8, file by file, each
    checked by `check` (default: `body_problems`).

    A build only reads the bodies it shows; when it fails anyway, it reads them all, so a
    single run lists every problem.
    """
    check = check or body_problems
    reported = {p.path for p in found}
    more = [p for shown, path in files if shown not in reported for p in check(shown, path)]
    # Sorted by file; the sort is stable, so each file's problems stay in line order.
    return sorted(found + more, key=lambda p: p.path)


def body_problems(shown: str, path: Path | str) -> list[Problem]:
    """Return a problem if the file (`shown` as messages show it) is not UTF-8 as a whole."""
    try:
        with open(path, "rb") as file:  # not pathlib's: 20,000 of them took ~0.15 s
            decode(file.read(), shown, None)
    except FileProblems as exc:
        return list(exc.problems)
    except OSError:
        pass  # reported where the file was read
    return []


# The keys that make a post's URL, the first it gives being where a clash is reported.
_URL_KEYS = ("url", "permalink", "slug")


def duplicates(records: Iterable[tuple[str, Path | str, str, str]]) -> list[Problem]:
    """Return a problem for each post whose URL or ID another post already has.

    `records` are (shown path, file, id, url), in file order. Posts may share a slug, as a
    yearly post does in Jekyll and Hugo: their URLs tell them apart.
    """
    found: list[Problem] = []
    records = list(records)
    urls, ids = [record[3] for record in records], [record[2] for record in records]
    for values, what, keys in ((urls, "URL", _URL_KEYS), (ids, "ID", ("id",))):
        if len(set(values)) == len(values):  # as nearly always: no value twice, none to tell
            continue
        owners: dict[str, tuple[str, Path | str, str, str]] = {}
        for value, record in zip(values, records, strict=True):
            other = owners.setdefault(value, record)
            if other is not record and value:
                found.append(
                    Problem(
                        record[0],
                        _key_line(record[1], record[0], keys),
                        f"{what} {value!r} is also used by {other[0]}; "
                        f"each post needs its own {what}",
                    )
                )
    return found


def _key_line(source: Path | str, shown: str, keys: tuple[str, ...]) -> int:
    """Return the line of the first of `keys` a post's front matter gives (1 if none)."""
    try:
        text = decode(Path(source).read_bytes(), shown, [])
        head = text[: split(text, "").body_start]
    except (OSError, FileProblems):  # or no front matter (a Jekyll post): no key's line
        return 1
    found = line_of_key(head, keys)
    return 1 if found is None else found + 1
