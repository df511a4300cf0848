"""A Pelican site's `pelicanconf.py` read as Python reads it, never run: what its top assigns
to each name, the names it assigns inside blocks, why Python cannot read it, and the
strings and lists of strings its values make. What those settings mean to feedkit is
feedkit/posts/pelicansettings.py's.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path


def assignments(configs: Iterable[Path]) -> dict[str, ast.expr]:
    """Return what the first of a Pelican site's `pelicanconf.py` files that Python can read
    assigns to each name at its top, the last assignment of each, as when Python runs it:
    the file is read, never run. Empty without one."""
    return assigned_in(configs)[1]


def assigned_in(configs: Iterable[Path]) -> tuple[Path | None, dict[str, ast.expr]]:
    """Return the first of `configs` that Python can read, and what `assignments` gives of
    it (None and nothing without one)."""
    config, tree = _first_tree(configs)
    found: dict[str, ast.expr] = {}
    for node in tree.body if tree is not None else ():
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value
    return config, found


def set_in_blocks(configs: Iterable[Path]) -> dict[str, int]:
    """Return the names the first readable of `configs` assigns inside a block at its top
    (`if`, `for`, `while`, `try`, `with`), by the line of their first such assignment:
    which value Python gives them depends on running the file, which feedkit does not."""
    _, tree = _first_tree(configs)
    found: dict[str, int] = {}
    for node in tree.body if tree is not None else ():
        if not isinstance(node, ast.If | ast.For | ast.While | ast.Try | ast.With):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Assign):
                targets = inner.targets
            elif isinstance(inner, ast.AugAssign | ast.AnnAssign):
                targets = [inner.target]
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, inner.lineno)
    return found


def _parses(configs: Iterable[Path]) -> Iterator[tuple[Path, ast.Module | SyntaxError]]:
    """Yield each of `configs` there is, with its syntax tree (read, never run), or the error
    that kept Python from reading it (a NUL byte's too, as a SyntaxError)."""
    for config in configs:
        try:
            source = config.read_bytes()
        except OSError:
            continue
        try:
            yield config, ast.parse(source)
        except SyntaxError as exc:
            yield config, exc
        except ValueError as exc:  # a NUL byte in it
            yield config, SyntaxError(str(exc))


def _first_tree(configs: Iterable[Path]) -> tuple[Path | None, ast.Module | None]:
    """Return the first of `configs` that Python can read, and its syntax tree; None and
    None without one."""
    for config, tree in _parses(configs):
        if isinstance(tree, ast.Module):
            return config, tree
    return None, None


def unreadable(configs: Iterable[Path]) -> tuple[Path, int, str] | None:
    """Return the first of `configs` there is, with the line and what is wrong, when Python
    can read none of them (a syntax error): the file whose settings `assignments` would
    have given. None when one can be read, or there is none."""
    found = list(_parses(configs))
    if not found or any(isinstance(tree, ast.Module) for _, tree in found):
        return None
    config, error = found[0]
    assert isinstance(error, SyntaxError)
    return config, error.lineno or 1, error.msg


def setting(
    configs: Iterable[Path], name: str, values: dict[str, ast.expr] | None = None
) -> str | None:
    """Return the text the first of a Pelican site's `pelicanconf.py` files sets `name` to
    (SLUGIFY_SOURCE, TIMEZONE), None when it sets none: only a string assigned at its top
    counts (see `assignments`; `values`: them, when read already)."""
    values = assignments(configs) if values is None else values
    return text_of(values.get(name), values)


def text_of(value: ast.expr | None, values: dict[str, ast.expr]) -> str | None:
    """Return the string `value` makes, None for anything else: a string, a name of the file
    assigned one (`values`: its `assignments`), `+` of such, an f-string of them; as
    `ARTICLE_URL = BLOG_DIR + '/{slug}.html'` is written. Without what no feed can carry
    that an escape wrote (`DEFAULT_CATEGORY = "mi\\x00sc"` stopped the build with lxml's
    traceback)."""
    from feedkit.posts.fmparse import without_uncarried

    text = _folded(value, values, 0)
    # Every such character is unprintable: only then is the pattern compiled and run.
    return without_uncarried(text, [], set()) if text and not text.isprintable() else text


def _folded(value: ast.expr | None, values: dict[str, ast.expr], depth: int) -> str | None:
    if isinstance(value, ast.Constant):
        return value.value if isinstance(value.value, str) else None
    if depth > 20 or value is None:  # a name that names itself, in the end
        return None
    if isinstance(value, ast.Name):
        return _folded(values.get(value.id), values, depth + 1)
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        left, right = (
            _folded(value.left, values, depth + 1),
            _folded(value.right, values, depth + 1),
        )
        return None if left is None or right is None else left + right
    if isinstance(value, ast.JoinedStr):
        parts = []
        for part in value.values:
            if isinstance(part, ast.FormattedValue):
                if part.conversion != -1 or part.format_spec is not None:
                    return None
                part = part.value
            parts.append(_folded(part, values, depth + 1))
        return None if None in parts else "".join(p or "" for p in parts)
    return None


def is_set(value: ast.expr | None) -> bool:
    """Return whether `value` is assigned at all, and as anything but None."""
    return value is not None and not (isinstance(value, ast.Constant) and value.value is None)


def strings(value: ast.expr) -> tuple[str, ...] | None:
    """Return the strings a list or tuple written out holds, None for any other value."""
    if not isinstance(value, ast.List | ast.Tuple):
        return None
    strings = [
        item.value
        for item in value.elts
        if isinstance(item, ast.Constant) and isinstance(item.value, str)
    ]
    return tuple(strings) if len(strings) == len(value.elts) else None


def assigned(configs: Iterable[Path], name: str, values: dict[str, ast.expr] | None = None) -> bool:
    """Return True when the first of a Pelican site's `pelicanconf.py` files sets `name` at
    its top to anything but None (DEFAULT_DATE: `'fs'`, a tuple). Read, never run;
    `values`: its `assignments`, when read already."""
    return is_set((assignments(configs) if values is None else values).get(name))
