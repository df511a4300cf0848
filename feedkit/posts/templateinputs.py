"""What a site's templates read besides posts, as one hash the build cache keys on
(feedkit/site/cachekey.py): a change there renders every post afresh. Its own module, so
that a build that finds nothing changed imports no more than this of the template stage.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from feedkit.config import Config
from feedkit.posts.jekyllconfig import JEKYLL_CONFIGS, jekyll_folder
from feedkit.posts.sitekind import site_folders
from feedkit.posts.tagreads import INCLUDES


def template_inputs(cfg: Config) -> str:
    """Return a hash of the files expansion reads besides posts (`_config.yml`, or the
    `_config.yaml` or `_config.toml` Jekyll reads instead, every file in `_includes/` and in
    `_data/`, `site.data`, whose `authors.yml` names posts' authors; a Hugo site's own
    shortcode templates): the build cache keys on it, so a change there renders afresh."""
    from feedkit.posts.siteshortcodes import template_folders

    folder = jekyll_folder(cfg)
    digest = hashlib.sha256()
    shortcodes: list[Path] = []
    for templates in template_folders(site_folders(cfg)):  # a Hugo site's own shortcodes
        for dirpath, _, names in os.walk(templates):
            shortcodes += [Path(dirpath) / name for name in names]
    _hash_files(digest, shortcodes)
    if folder is None and not (cfg.content_path / INCLUDES).is_dir():
        return digest.hexdigest() if shortcodes else ""
    for base in dict.fromkeys(x for x in (folder, cfg.content_path) if x is not None):
        paths = [*(base / name for name in JEKYLL_CONFIGS)]
        for read in (INCLUDES, "_data"):  # `site.data` (authors.yml names posts' authors)
            for dirpath, _, names in os.walk(base / read):
                paths += [Path(dirpath) / name for name in names]
        _hash_files(digest, paths)
    return digest.hexdigest()


def _hash_files(digest: Any, paths: list[Path]) -> None:
    for path in sorted(paths):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        digest.update(b"%s\0%d\0" % (str(path).encode("utf-8", "surrogateescape"), len(data)))
        digest.update(data)
