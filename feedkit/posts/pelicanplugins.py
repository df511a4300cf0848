"""The plugins of a Pelican site that change how feedkit reads its posts, as its
`pelicanconf.py` names them (read, never run) or, for a namespace plugin, as the files that
list the site's dependencies do: a YAML metadata plugin, render_math, and which tags of
liquid_tags it loads."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

from feedkit.posts.pelicanread import strings, text_of

# A plugin that reads a `---` block as YAML (pelican-plugins' yaml-metadata, as
# "yaml_metadata", "pelican.plugins.yaml_metadata", or its package's "pelican-yaml-metadata";
# the older "yamlmetadata").
_YAML_PLUGIN = re.compile(r"yaml[_-]?metadata", re.IGNORECASE)


# The files that name a Python project's dependencies, beside its pelicanconf.py.
_DEPENDENCY_FILES = (
    "requirements.txt",
    "requirements.in",
    "pyproject.toml",
    "Pipfile",
    "setup.cfg",
)


def yaml_plugin(values: dict[str, ast.expr], configs: Iterable[Path] = ()) -> bool:
    """Return True when a Pelican site's posts have a YAML metadata plugin (`uses_plugin`):
    then a post's `---` block is YAML, not Pelican's `Key: value` lines."""
    return uses_plugin(values, configs, _YAML_PLUGIN)


# pelican-plugins' render_math ("render_math", "pelican.plugins.render_math", its package's
# "pelican-render-math").
RENDER_MATH = re.compile(r"render[_-]math", re.IGNORECASE)


def uses_plugin(
    values: dict[str, ast.expr], configs: Iterable[Path], plugin: re.Pattern[str]
) -> bool:
    """Return True when a Pelican site loads the plugin `plugin` finds the name of: its
    pelicanconf.py (its `assignments`) names it in its PLUGINS, or sets no PLUGINS and a
    file beside it that lists the site's dependencies (requirements.txt, pyproject.toml…)
    names its package, which Pelican (4.5 and later) then loads by itself, as a namespace
    plugin."""
    if "PLUGINS" in values:
        return any(plugin.search(name) for name in strings(values["PLUGINS"]) or ())
    for config in configs:
        for name in _DEPENDENCY_FILES:
            try:
                text = (config.parent / name).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if plugin.search(text):
                return True
    return False


_LIQUID_TAGS_PACKAGE = re.compile(r"pelican[-_.]liquid[-_.]tags", re.IGNORECASE)


def liquid_tags(values: dict[str, ast.expr], configs: Iterable[Path]) -> tuple[frozenset[str], str]:
    """Return the tags of the liquid_tags plugin a Pelican site loads (see
    feedkit.posts.pelicanliquid `loaded_tags`), and its CODE_DIR (set at the top, or in
    LIQUID_CONFIGS; the plugin's default `code`), from its pelicanconf.py (`assignments`)."""
    from feedkit.posts.pelicanliquid import loaded_tags

    plugins = strings(values["PLUGINS"]) if "PLUGINS" in values else None
    if plugins is None and uses_plugin(values, configs, _LIQUID_TAGS_PACKAGE):
        plugins = ("liquid_tags",)  # a namespace plugin among its dependencies
    listed = strings(values["LIQUID_TAGS"]) if "LIQUID_TAGS" in values else None
    tags = loaded_tags(plugins, listed)
    code_dir = text_of(values.get("CODE_DIR"), values)
    configs_value = values.get("LIQUID_CONFIGS")
    if code_dir is None and isinstance(configs_value, ast.List | ast.Tuple):
        for item in configs_value.elts:
            row = strings(item) if isinstance(item, ast.List | ast.Tuple) else None
            if row and len(row) >= 2 and row[0] == "CODE_DIR":
                code_dir = row[1]
    return tags, (code_dir or "code").strip("/")


def liquid_key(found: tuple[frozenset[str], str]) -> tuple[list[str], str] | None:
    """What the build cache keys on of a site's liquid tags (see `liquid_tags`)."""
    return (sorted(found[0]), found[1]) if found[0] else None
