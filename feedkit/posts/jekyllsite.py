"""A Jekyll site's data as its templates see it: the values of its `_config.yml` (or `.yaml`,
`.toml`; with a hash of its bytes, which a render that read them records) and Liquid's `site.*`,
those values with feedkit.toml's settings on top. Read once per run by `Templates`
(feedkit/posts/expand.py), only when a post of a Jekyll site asks.
"""

from __future__ import annotations

import hashlib
import os
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


def liquid_site(cfg: Config, config: dict[str, Any]) -> dict[str, Any]:
    """Return `site.*`: the blog's `_config.yml` values (`config`), with feedkit.toml's
    settings on top."""
    parts = urlsplit(cfg.base_url)
    return {
        **config,
        "title": cfg.title,
        "description": cfg.description,
        "url": f"{parts.scheme}://{parts.netloc}",
        "baseurl": parts.path.rstrip("/"),
        "base_url": cfg.base_url,
        "lang": cfg.language,
        "language": cfg.language,
        "timezone": str(cfg.timezone),
        "author": {"name": cfg.author.name, "email": cfg.author.email or ""},
    }


def as_written(path: str, markdown: tuple[str, ...] | None) -> bool:
    """Return True for a post file published as written, not read as Markdown: HTML, and
    in a Jekyll site (`markdown`: the endings its `markdown_ext` names, `markdown_suffixes`;
    None for another site) any file whose ending they do not hold (a `.mdown` by default),
    as Jekyll publishes them (the layout gives their URLs that ending)."""
    if markdown is None:
        return path.endswith(".html")
    return not path.lower().endswith(markdown)
