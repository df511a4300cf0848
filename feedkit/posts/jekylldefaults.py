"""Jekyll's front matter defaults: the `defaults:` of `_config.yml`, each a scope (a path
in the site, a type) and the values every post in it has unless its front matter says
otherwise (Chirpy gives its posts their URLs so: `permalink: /posts/:title/`).

The rules are Jekyll's `FrontmatterDefaults`: a set applies when its path (empty: every
file; `*` globs) starts the post's path in the site and its type, if any, is `posts`; the
values of a longer path, or of the same path with a type, win; mappings merge.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

# A set that applies to posts somewhere: (its path, whether it names a type, its values).
Scope = tuple[str, bool, dict[str, Any]]


def post_scopes(config: Mapping[str, Any]) -> tuple[Scope, ...]:
    """Return the sets of `_config.yml`'s `defaults` that may apply to posts, in order (a
    set that is not a mapping with `values`, or whose type is not posts, is passed over, as
    Jekyll does)."""
    found: list[Scope] = []
    sets = config.get("defaults")
    for entry in sets if isinstance(sets, list) else ():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("values"), Mapping):
            continue
        scope = entry.get("scope")
        scope = scope if isinstance(scope, Mapping) else {}
        kind = scope.get("type")
        if kind is not None and str(kind) not in ("posts", "post"):
            continue
        path = scope.get("path")
        path = _clean(path) if isinstance(path, str) else ""
        found.append((path, kind is not None, dict(entry["values"])))
    return tuple(found)


def defaults_for(scopes: tuple[Scope, ...], path: str) -> dict[str, Any]:
    """Return the values the sets in `scopes` give the post at `path` (in the site, with
    '/' between its parts)."""
    values: dict[str, Any] = {}
    last: tuple[str, bool] | None = None
    for scope_path, typed, scope_values in scopes:
        if not _applies(scope_path, _clean(path)):
            continue
        if last is None or _precedes(last, (scope_path, typed)):
            values = merged(values, scope_values)
            last = (scope_path, typed)
        else:
            values = merged(scope_values, values)
    return values


def merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Return `base` with `over`'s values on top, mappings merged (Jekyll's
    `deep_merge_hashes`)."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def _clean(path: str) -> str:
    path = path.strip()
    while path.startswith(("/", "./")):
        path = path[2:] if path.startswith("./") else path[1:]
    return path


def _applies(scope_path: str, path: str) -> bool:
    if not scope_path:
        return True
    if "*" not in scope_path:
        return path.startswith(scope_path)
    parts = path.split("/")
    return any(
        fnmatch.fnmatchcase("/".join(parts[:end]), scope_path) for end in range(1, len(parts) + 1)
    )


def _precedes(old: tuple[str, bool], new: tuple[str, bool]) -> bool:
    """Return True when a set of scope `new` wins over one of scope `old` (Jekyll's
    `has_precedence?`)."""
    if len(new[0]) != len(old[0]):
        return len(new[0]) >= len(old[0])
    return new[1] or not old[1]
