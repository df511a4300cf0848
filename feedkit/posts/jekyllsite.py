"""A Jekyll site's data as its templates see it: the values of its `_config.yml` (or `.yaml`,
`.toml`; with a hash of its bytes, which a render that read them records) and Liquid's `site.*`,
those values with feedkit.toml's settings on top. Read once per run by `Templates`
(feedkit/posts/expand.py), only when a post of a Jekyll site asks.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from feedkit.config import Config
from feedkit.errors import ContentError, Problem
from feedkit.posts.jekyllconfig import config_file, read_config


def site_config(cfg: Config, root: Path | None) -> tuple[dict[str, Any], str, Problem | None]:
    """Return the values of the configuration in the Jekyll site's folder `root` (the file
    Jekyll reads: `_config.yml`, `_config.yaml` or `_config.toml`), a hash of its bytes,
    and a warning when it cannot be read (then no values, and "unreadable" for the hash);
    ({}, "", None) without a Jekyll site."""
    if root is None:
        return {}, "", None
    path = config_file(root)
    try:
        data = path.read_bytes()
        values = read_config(path, cfg.root)
    except (OSError, ContentError) as exc:
        if isinstance(exc, ContentError):
            first = exc.problems[0]
            shown, line, message = first.path, first.line, first.message
        else:
            shown = os.path.relpath(path, cfg.root).replace(os.sep, "/")
            line, message = 0, f"cannot be read ({exc.strerror})"
        problem = Problem(
            shown, line, f"{message}; site.* has feedkit.toml's settings only", warning=True
        )
        return {}, "unreadable", problem
    found = hashlib.sha256(data).hexdigest()
    return (values if isinstance(values, dict) else {}), found, None


def liquid_site(cfg: Config, config: dict[str, Any], root: Path | None = None) -> dict[str, Any]:
    """Return `site.*`: the blog's `_config.yml` values (`config`), with feedkit.toml's
    settings on top, and `site.data`, the files of the `_data/` folder of the site's
    folder `root`."""
    parts = urlsplit(cfg.base_url)
    return {
        **config,
        "data": SiteData(root / "_data") if root is not None else {},
        "title": cfg.title,
        "description": cfg.description,
        "url": f"{parts.scheme}://{parts.netloc}",
        "baseurl": parts.path.rstrip("/"),
        "base_url": cfg.base_url,
        "lang": cfg.language,
        "language": cfg.language,
        "timezone": str(cfg.timezone),
        # _config.yml's own, as written (`author: Jane Doe` is that text), else feedkit.toml's
        "author": config.get("author")
        or {"name": cfg.author.name, "email": cfg.author.email or ""},
    }


class SiteData(Mapping[str, Any]):
    """`site.data`: each file of a Jekyll site's `_data/` folder by its name, YAML and JSON
    as what they hold, CSV and TSV as a list of rows by their header's names, a folder as
    the files in it; read when a template first asks (`Templates` keys the build cache on
    the folder's files: `template_inputs`). A file that cannot be read is left out, as its
    values are then undefined, which the template's warning says."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @cached_property
    def _values(self) -> dict[str, Any]:
        return _data_folder(self.folder)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _data_folder(folder: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return found
    for path in entries:
        if path.name.startswith((".", "_")):
            continue
        if path.is_dir():
            found[path.name] = _data_folder(path)
            continue
        stem, suffix = os.path.splitext(path.name)
        try:
            found[stem] = _data_file(path, suffix.lower())
        except (OSError, ValueError):  # not a data file, or not one that can be read
            continue
    return found


def _data_file(path: Path, suffix: str) -> Any:
    """Return what a data file holds; raise ValueError for one that is none, or cannot be
    read (UnicodeDecodeError and JSON's errors are ValueErrors too)."""
    if suffix in (".yml", ".yaml"):
        from feedkit.posts import fastyaml

        try:
            return fastyaml.load(path.read_text(encoding="utf-8"))
        except fastyaml.YAMLError as exc:
            raise ValueError(str(exc)) from None
    if suffix == ".json":
        import json  # here: a build that finds nothing changed imports this module

        return json.loads(path.read_text(encoding="utf-8"))
    if suffix in (".csv", ".tsv"):
        import csv

        with path.open(encoding="utf-8", newline="") as rows:
            try:
                return list(csv.DictReader(rows, delimiter="\t" if suffix == ".tsv" else ","))
            except csv.Error as exc:
                raise ValueError(str(exc)) from None
    raise ValueError(f"not a data file: {path.name}")


def as_written(path: str, markdown: tuple[str, ...] | None) -> bool:
    """Return True for a post file published as written, not read as Markdown: HTML, and
    in a Jekyll site (`markdown`: the endings its `markdown_ext` names, `markdown_suffixes`;
    None for another site) any file whose ending they do not hold (a `.mdown` by default),
    as Jekyll publishes them (the layout gives their URLs that ending)."""
    if markdown is None:
        return path.endswith(".html")
    return not path.lower().endswith(markdown)
