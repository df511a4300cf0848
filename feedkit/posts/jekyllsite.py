"""A Jekyll site's data as its templates see it: the values of its `_config.yml` (with a
hash of its bytes, which a render that read them records) and Liquid's `site.*`, those
values with feedkit.toml's settings on top. Read once per run by `Templates`
(feedkit/posts/expand.py), only when a post of a Jekyll site asks.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from feedkit.config import Config
from feedkit.errors import Problem
from feedkit.posts.jekyllconfig import JEKYLL_CONFIG


def site_config(cfg: Config, root: Path | None) -> tuple[dict[str, Any], str, Problem | None]:
    """Return the values of the `_config.yml` in the Jekyll site's folder `root`, a hash of
    its bytes, and a warning when it cannot be read (then no values, and "unreadable" for
    the hash); ({}, "", None) without a Jekyll site."""
    if root is None:
        return {}, "", None
    from feedkit.posts import fastyaml  # PyYAML only for a Jekyll site

    path = root / JEKYLL_CONFIG
    try:
        data = path.read_bytes()
        values = fastyaml.load(data.decode("utf-8"))
    except (OSError, ValueError, fastyaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        shown = os.path.relpath(path, cfg.root).replace(os.sep, "/")
        reason = str(getattr(exc, "problem", None) or getattr(exc, "strerror", None) or exc)
        problem = Problem(
            shown,
            mark.line + 1 if mark is not None else 0,
            f"cannot be read ({reason}); site.* has feedkit.toml's settings only",
            warning=True,
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
