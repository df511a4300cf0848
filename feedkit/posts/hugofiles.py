"""Which of a Hugo site's content files Hugo reads at all: its configuration's `ignoreFiles`
(regular expressions, matched against a file's absolute path) and the globs of the module
mount of its content folder (Obsidian vaults keep their note templates, with `{{date}}` for
dates, beside the posts so): `files` since Hugo 0.153, and before it `includeFiles` and
`excludeFiles` (Hugo 0.168 follows those too, then stops with an error naming `files`).

`files` is a glob slice, read as Hugo's hugofs/hglob FilenameFilter reads it, in order: a
pattern is taken from the mount's folder (a leading `/` added), `! ` before it leaves out
what it matches, and the first pattern that matches decides; a name no pattern matches is
read only when there is no pattern without `! `. Folders are matched on the way down, each
before what is in it (one left out leaves out all under it), and a pattern without `! `
also takes in the folders on its way (`posts/*.md` takes in `posts`). Checked against Hugo
0.168 (tests/test_hugo_sites.py): a glob's case does not count, `*` stays within a folder
and `**` does not.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from feedkit.errors import ContentError


@dataclass(frozen=True)
class HugoFiles:
    """The file rules of a Hugo site's configuration, as written (see the module)."""

    ignore: tuple[str, ...] = ()  # ignoreFiles
    include: tuple[str, ...] = ()  # the content mount's includeFiles
    exclude: tuple[str, ...] = ()  # and its excludeFiles
    files: tuple[str, ...] = ()  # the content mount's `files` (Hugo 0.153 and later)

    def __bool__(self) -> bool:
        return bool(self.ignore or self.include or self.exclude or self.files)

    def left_out(self, rel: str, path: str) -> str | None:
        """Return why Hugo never reads the content file `rel` (relative to the content
        folder; `path`: its absolute path), None when it reads it."""
        if self.ignore and (found := _regexes(self.ignore).search(path)):
            return f"ignoreFiles {found.re.pattern!r} leaves it out (Hugo never reads it)"
        parts = rel.lower().split("/")
        names = ["/".join(parts[: n + 1]) for n in range(len(parts))]  # its folders, and it
        if self.files and (why := _files_left_out(self.files, names)):
            return why
        if self.exclude and _matches(self.exclude, names):
            return "the content mount's excludeFiles leaves it out (Hugo never reads it)"
        if self.include and not _matches(self.include, names):
            return "the content mount's includeFiles leaves it out (Hugo never reads it)"
        return None


def hugo_files(values: dict[str, Any], shown: str) -> HugoFiles:
    """Return the file rules of a Hugo configuration's `values` (keys in lower case), or
    raise ContentError naming `shown` for an `ignoreFiles` entry Python cannot read."""
    ignore = _strings(values.get("ignorefiles"))
    for pattern in ignore:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ContentError.single(
                shown, 0, f"ignoreFiles: {pattern!r} is not a regular expression: {exc}"
            ) from None
    content = str(values.get("contentdir") or "content").strip("/")
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    module = values.get("module")
    mounts = module.get("mounts") if isinstance(module, dict) else None
    for mount in mounts if isinstance(mounts, list) else ():
        if not isinstance(mount, dict):
            continue
        mount = {str(k).lower(): v for k, v in mount.items()}
        source = str(mount.get("source") or "").strip("/")
        if str(mount.get("target") or "").strip("/") == "content" and source == content:
            include += _strings(mount.get("includefiles"))
            exclude += _strings(mount.get("excludefiles"))
            files += _strings(mount.get("files"))
    return HugoFiles(ignore, include, exclude, files)


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _regexes(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))  # re caches what it compiles


def _matches(globs: tuple[str, ...], names: list[str]) -> bool:
    """Return True when a glob (in lower case, as Hugo compiles it) matches one of `names`
    whole: a file's path or one of its folders'."""
    from feedkit.posts.hugocascade import glob_pattern

    return any(glob_pattern(g.lower().strip("/")).fullmatch(n) for g in globs for n in names)


# What a `files` pattern does (hglob's entry types): leave out what it matches, take it in,
# or take in a folder on the way to what it may match.
_OUT, _IN, _IN_FOLDER = range(3)
_NEGATION = "! "


@lru_cache(maxsize=16)
def _files_entries(globs: tuple[str, ...]) -> tuple[tuple[int, str, re.Pattern[str]], ...]:
    """Return a `files` glob slice as hglob's filter holds it: each pattern's kind, the
    pattern as written, and its expression (case aside, from the mount's `/`); after each
    pattern without `! `, the folders on its way (`/`, `/posts` for `posts/*.md`)."""
    from feedkit.posts.hugocascade import glob_pattern

    entries = []
    for written in globs:
        out = written.startswith(_NEGATION)
        pattern = written.removeprefix(_NEGATION) if out else written
        pattern = pattern if pattern.startswith("/") else "/" + pattern
        entries.append((_OUT if out else _IN, written, glob_pattern(pattern.lower())))
        if not out:  # Go's path.Dir, then each leading part joined (empty parts dropped)
            parts = posixpath.normpath(posixpath.dirname(pattern)).split("/")
            for n in range(len(parts)):
                folder = "/" + "/".join(part for part in parts[: n + 1] if part)
                entries.append((_IN_FOLDER, written, glob_pattern(folder.lower())))
    return tuple(entries)


def _files_left_out(globs: tuple[str, ...], names: list[str]) -> str | None:
    """Return why Hugo's walk of the content mount, filtered by its `files` glob slice,
    never reads the file whose folders and own path (lower case, from the mount) are
    `names`; None when it reads it."""
    entries = _files_entries(globs)
    for depth, name in enumerate(names, 1):
        folder = depth < len(names)
        for kind, written, pattern in entries:  # the first that matches decides
            if (kind != _IN_FOLDER or folder) and pattern.fullmatch("/" + name):
                if kind == _OUT:
                    return (
                        f"the content mount's files {written!r} leaves it out (Hugo never reads it)"
                    )
                break
        else:  # none matched: left out when a pattern takes in what it names
            if any(kind == _IN for kind, _, _ in entries):
                what = "folder" if folder else "file"
                return (
                    f"no pattern of the content mount's files takes in its {what} "
                    f"/{name} (Hugo never reads it)"
                )
    return None
