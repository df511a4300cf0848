"""A Pelican site's `MARKDOWN` setting: which Python-Markdown extensions its posts are read
with (how pulldown-cmark is made to read them so: feedkit/posts/pythonmarkdown.py).

Pelican reads Markdown with Python-Markdown, and its default `MARKDOWN` names `codehilite`,
`extra` and `meta`; a site's `pelicanconf.py` may set its own, which replaces the default
(Pelican's readers add `meta` to it, nothing else). The file is Python: it is read, never
run, so only a `MARKDOWN = {…}` at its top whose extension names are written out counts
(`extensions` strings, or calls such as `SmartyExtension()`, and the keys of
`extension_configs`); anything else reads as Pelican's default.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable
from pathlib import Path

from feedkit.config import Config
from feedkit.errors import Problem
from feedkit.posts.reading import PLAIN, Reading, pelican_reading
from feedkit.posts.sitekind import PELICAN_CONFIG, site_folders

# Pelican's default MARKDOWN (pelican/settings.py), by the names `short_name` gives.
DEFAULT_EXTENSIONS = frozenset({"codehilite", "extra", "meta"})
# What `extra` (Python-Markdown's, or pymdown-extensions' own, which holds the same) stands for.
EXTRA = frozenset({"abbr", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html"})
EXTRA_WITH_TABLES = EXTRA | {"tables"}
# Extension classes as a pelicanconf.py may call them, by the names they go by as strings.
_CLASSES = {
    "ExtraExtension": "extra",
    "TableExtension": "tables",
    "FootnoteExtension": "footnotes",
    "DefListExtension": "def_list",
    "AbbrExtension": "abbr",
    "AttrListExtension": "attr_list",
    "SmartyExtension": "smarty",
    "Nl2BrExtension": "nl2br",
    "DeleteSubExtension": "pymdownx.tilde",
    "MagiclinkExtension": "pymdownx.magiclink",
    "TasklistExtension": "pymdownx.tasklist",
    "SaneListExtension": "sane_lists",
    "AdmonitionExtension": "admonition",
}


# The extensions a MARKDOWN may name that feedkit reads posts as (see
# reading.pelican_reading), or that change nothing a feed shows of a post: highlighting,
# metadata, fences as CommonMark reads them, `$…$` math (feedkit's own reading).
FOLLOWED = EXTRA_WITH_TABLES | {
    "extra",
    "meta",
    "codehilite",
    "smarty",
    "nl2br",
    "sane_lists",
    "toc",
    "admonition",
    "pymdownx.tilde",
    "pymdownx.magiclink",
    "pymdownx.tasklist",
    "pymdownx.highlight",
    "pymdownx.superfences",
    "pymdownx.betterem",
    "pymdownx.saneheaders",
    "pymdownx.arithmatex",
}


def unfollowed_warnings(cfg: Config) -> tuple[Problem, ...]:
    """Return a warning, at its line of `pelicanconf.py`, for each setting of a Pelican
    site that changes its posts and that feedkit does not follow: extensions its MARKDOWN
    names that feedkit does not read posts with (`pymdownx.details`' `???` boxes,
    `pymdownx.mark`'s `==marks==`…), their syntax reaching feeds as typed; and
    `TYPOGRIFY = True`, typogrify's curly quotes, `--` em dash and ellipsis not made
    (`smarty` in MARKDOWN, which feedkit follows, makes the first two)."""
    from feedkit.posts.pelicanread import assigned_in, unreadable

    configs = [folder / PELICAN_CONFIG for folder in site_folders(cfg)]
    path, values = assigned_in(configs)
    if path is None:
        if (broken := unreadable(configs)) is None:
            return ()
        config, line, what = broken
        return (
            Problem(
                os.path.relpath(config, cfg.root).replace(os.sep, "/"),
                line,
                f"Python cannot read it ({what}), so none of its settings are followed "
                "(TIMEZONE, ARTICLE_URL, MARKDOWN…): posts are read as feedkit.toml alone "
                "says; Pelican itself would not run",
                warning=True,
            ),
        )
    shown = os.path.relpath(path, cfg.root).replace(os.sep, "/")
    found = []
    markdown = values.get("MARKDOWN")
    names = None if markdown is None else _names_in(markdown)
    unfollowed = sorted({short_name(name) for name in names or ()} - FOLLOWED)
    if markdown is not None and unfollowed:
        listed = ", ".join(repr(name) for name in unfollowed)
        found.append(
            Problem(
                shown,
                markdown.lineno,
                f"MARKDOWN names {listed}: Python-Markdown extension(s) feedkit does not "
                "follow; posts are read without them, and what their syntax makes on "
                "Pelican's pages reaches feeds as typed",
                warning=True,
            )
        )
    typogrify = values.get("TYPOGRIFY")
    if isinstance(typogrify, ast.Constant) and typogrify.value is True:
        found.append(
            Problem(
                shown,
                typogrify.lineno,
                "TYPOGRIFY: feedkit does not run typogrify; quotes, dashes and ellipses reach "
                "feeds as typed (add smarty to MARKDOWN's extensions for curly quotes and "
                "dashes in both)",
                warning=True,
            )
        )
    return tuple(found)


def site_reading(cfg: Config, pelican: bool) -> Reading:
    """Return how the posts of a site that is not Jekyll's or Hugo's are read: a Pelican
    site's (`pelican`) with the extensions its MARKDOWN names, any other's as feedkit reads
    Markdown (`reading.PLAIN`)."""
    if not pelican:
        return PLAIN
    from feedkit.posts.pelicanplugins import RENDER_MATH, uses_plugin
    from feedkit.posts.pelicanread import assignments

    configs = [folder / PELICAN_CONFIG for folder in site_folders(cfg)]
    render_math = uses_plugin(assignments(configs), configs, RENDER_MATH)
    return pelican_reading(frozenset(site_extensions(cfg)), render_math)


def site_extensions(cfg: Config) -> tuple[str, ...]:
    """Return the extensions a Pelican site's posts are read with (`markdown_extensions` of
    its `pelicanconf.py` beside the content folder or feedkit.toml), in order: the build
    cache keys on them."""
    configs = [folder / PELICAN_CONFIG for folder in site_folders(cfg)]
    return tuple(sorted(markdown_extensions(configs)))


def short_name(name: str) -> str:
    """Return an extension's name as feedkit knows it: Python-Markdown's own without their
    package (`markdown.extensions.extra` and `markdown.extensions.extra:ExtraExtension` are
    `extra`), `extra` for pymdown-extensions' `pymdownx.extra`, any other as written."""
    name = name.strip().partition(":")[0]
    name = name.removeprefix("markdown.extensions.")
    return "extra" if name == "pymdownx.extra" else name


def markdown_extensions(configs: Iterable[Path]) -> frozenset[str]:
    """Return the extensions (by `short_name`, `extra` spelled out as its parts) a Pelican
    site's posts are read with: those its first `pelicanconf.py`'s MARKDOWN names, else
    Pelican's default ones."""
    names = _named(configs)
    found = {short_name(name) for name in (DEFAULT_EXTENSIONS if names is None else names)}
    return frozenset(found | EXTRA_WITH_TABLES if "extra" in found else found)


def _named(configs: Iterable[Path]) -> list[str] | None:
    """Return the extension names the first `pelicanconf.py` of `configs` sets MARKDOWN to,
    None when it sets none that can be read without running it."""
    from feedkit.posts.pelicanread import assignments

    value = assignments(configs).get("MARKDOWN")
    return None if value is None else _names_in(value)


def _names_in(value: ast.expr) -> list[str] | None:
    """Return the extension names a MARKDOWN dictionary written out names, None for any
    other value (a name, a call, a dictionary built from another)."""
    if not isinstance(value, ast.Dict) or None in value.keys:  # `{**DEFAULTS, …}`
        return None
    names: list[str] = []
    for key, item in zip(value.keys, value.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        if key.value == "extension_configs":
            if not isinstance(item, ast.Dict):
                return None
            for name in item.keys:
                if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                    return None
                names.append(name.value)
        elif key.value == "extensions":
            if not isinstance(item, ast.List | ast.Tuple):
                return None
            for one in item.elts:
                if isinstance(one, ast.Constant) and isinstance(one.value, str):
                    names.append(one.value)
                elif isinstance(one, ast.Call) and (called := _called(one.func)) in _CLASSES:
                    names.append(_CLASSES[called])
                elif not isinstance(one, ast.Call):
                    return None
    return names


def _called(func: ast.expr) -> str:
    """Return the name a call calls: `SmartyExtension` of `smarty.SmartyExtension()` too."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
