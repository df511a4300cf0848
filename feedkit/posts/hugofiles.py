"""Which of a Hugo site's content files Hugo reads at all: its configuration's `ignoreFiles`
(regular expressions, matched against a file's absolute path) and the `includeFiles` and
`excludeFiles` globs of the module mount of its content folder (Obsidian vaults keep their
note templates, with `{{date}}` for dates, beside the posts so). Checked against hugo 0.168
(which still follows the globs, then stops with an error: they were replaced by a `files`
setting in 0.153, which feedkit does not read): a glob's case does not count, `*` stays
within a folder and `**` does not, and a glob that matches a folder takes in everything
under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from feedkit.errors import ContentError


@dataclass(frozen=True)
class HugoFiles:
    """The file rules of a Hugo site's configuration, as written (see the module)."""

    ignore: tuple[str, ...] = ()  # ignoreFiles
    include: tuple[str, ...] = ()  # the content mount's includeFiles
    exclude: tuple[str, ...] = ()  # and its excludeFiles

    def __bool__(self) -> bool:
        return bool(self.ignore or self.include or self.exclude)

    def left_out(self, rel: str, path: str) -> str | None:
        """Return why Hugo never reads the content file `rel` (relative to the content
        folder; `path`: its absolute path), None when it reads it."""
        if self.ignore and (found := _regexes(self.ignore).search(path)):
            return f"ignoreFiles {found.re.pattern!r} leaves it out (Hugo never reads it)"
        parts = rel.lower().split("/")
        names = ["/".join(parts[: n + 1]) for n in range(len(parts))]  # its folders, and it
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
    return HugoFiles(ignore, include, exclude)


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
