"""Problems found across a site's posts once every file is read: an ID or URL that two
posts share, reported at its key's line; and, when a run fails anyway, every body that is not
UTF-8, so one run lists them all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from feedkit.errors import Problem
from feedkit.models import Choice
from feedkit.posts import pelicanmeta
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
                        f"{what} {value!r} is also used by {_told_apart(other[0], record[0])}; "
                        f"each post needs its own {what}",
                    )
                )
    return found


def _told_apart(path: str, other: str) -> str:
    """Return `path` as a message names it beside `other`: escaped where the two look alike
    (`café.md` in composed and decomposed Unicode, two files to the system)."""
    if path != other and unicodedata.normalize("NFC", path) == unicodedata.normalize("NFC", other):
        escaped = path.encode("ascii", "backslashreplace").decode("ascii")
        return f"{path} (written {escaped}, another file)"
    return path


def renamed(
    gone: Iterable[tuple[str, Choice]], added: Iterable[tuple[str, Path | str, Choice]]
) -> list[Problem]:
    """Return a warning for each post file new since the last build that looks like a file
    `gone` since then, renamed: the only one of either kind published at that instant,
    under another ID (`gone`: shown path and choice; `added`: shown path, file, choice).

    Renamed, a post has a new slug, so a new URL and ID, and feed readers show it again as
    a new post; an `id:` in its front matter keeps the old one. (A digest knows the post by
    its title and date, and does not mail it again.)"""
    by_time: dict[float, tuple[list[tuple[str, Choice]], list[tuple[str, Path | str, Choice]]]]
    by_time = {}
    for shown, choice in gone:
        if not choice.draft:  # a draft was in no feed
            by_time.setdefault(choice.published, ([], []))[0].append((shown, choice))
    if not by_time:
        return []
    for shown, source, choice in added:
        if choice.published in by_time:
            by_time[choice.published][1].append((shown, source, choice))
    found = []
    for olds, news in by_time.values():
        if len(olds) != 1 or len(news) != 1:  # none, or which is which cannot be told
            continue
        (old_shown, old), (shown, source, new) = olds[0], news[0]
        if old.id == new.id or new.draft:
            continue
        found.append(
            Problem(
                shown,
                _key_line(source, shown, ("date",)),
                f"its feed entry ID is {new.id!r}, where {old_shown}, gone since the last "
                f"build and published at the same time, had {old.id!r}: if it is that post "
                "renamed, feed readers show it again as new; `id: "
                f"{old.id}` in its front matter keeps the old ID",
                warning=True,
            )
        )
    return found


def _key_line(source: Path | str, shown: str, keys: tuple[str, ...]) -> int:
    """Return the line of the first of `keys` a post's front matter gives (1 if none)."""
    try:
        text = decode(Path(source).read_bytes(), shown, [])
        read = split(text, "")
    except (OSError, FileProblems):  # or no front matter (a Jekyll post): no key's line
        return 1
    # Pelican's header names its keys in any case (`Date:`), as Pelican reads them.
    pelican = read.fm_format == pelicanmeta.FORMAT
    found = line_of_key(text[: read.body_start], keys, ignore_case=pelican)
    return 1 if found is None else found + 1
