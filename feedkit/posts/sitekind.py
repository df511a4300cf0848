"""Which generator's site a content folder is: Jekyll's, Hugo's, Pelican's or feedkit's own.

Decided once, by one rule, from the configuration beside the content folder and the paths
of its post files. The layout (which files are posts, their URLs: layout.py), the templates
(Liquid or Hugo's shortcodes, the Markdown converter: expand.py) and `feedkit init`
(oldsite.py) all ask `SiteKind`, so a post is never read by one generator's rules and
templated by another's. In order:

1. Jekyll's, when its posts sit in `_posts/` (the content folder holds one, or is `_posts/`
   or `_drafts/` itself): their file names date them as only Jekyll does, whatever else is
   beside them.
2. Hugo's, when a Hugo configuration sits beside the content folder (or feedkit.toml), or
   feedkit.toml sets `main_sections`: a `_config.yml` there too is GitHub Pages' (many a
   Hugo repository carries one), not the site's.
3. Pelican's, when `pelicanconf.py` does.
4. Jekyll's, when a `_config.yml` does (or the `_config.yaml` or `_config.toml` Jekyll
   reads without one; in the content folder, above it or beside feedkit.toml), with or
   without `_posts/`: its pages are read as its converter reads them.
5. Hugo's, when the content holds Hugo's section pages (`_index.md`): a Hugo `content/`
   copied without its configuration.
6. feedkit's own, otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from itertools import repeat
from pathlib import Path
from typing import Any

from feedkit.config import Config
from feedkit.posts.jekyllconfig import jekyll_folder
from feedkit.readonly import readonly
from feedkit.shown import display_path

PELICAN_CONFIG = "pelicanconf.py"
# The configuration files that make a folder a Hugo site, and its configuration folder; here,
# not in feedkit/posts/hugoconfig.py, which reads them: a site without them never imports it.
HUGO_CONFIGS = tuple(
    f"{n}.{ext}" for n in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json")
)
CONFIG_DIR = "config/_default"
# The configuration of the environment `hugo` builds in by default, over CONFIG_DIR's.
PRODUCTION_DIR = "config/production"
THEMES_DIR = "themes"  # where a Hugo site's `theme` is, by its name
# Where a Hugo site, or its theme, keeps its render hooks (`render-link.html`…).
HOOK_FOLDERS = ("layouts/_markup", "layouts/_default/_markup")
JEKYLL_FOLDERS = ("_posts", "_drafts")  # where Jekyll's posts and drafts are


def shown_in(path: Path, folder: Path) -> str:
    """Return a path of a site's configuration as messages show it: from the site's folder."""
    return os.path.relpath(path, folder).replace(os.sep, "/")


def theme_names(theme: Any) -> list[str]:
    """Return the themes a configuration's `theme` names (one, or a list of them, the
    left-most first, as Hugo looks a template up in them)."""
    themes = theme if isinstance(theme, list) else [theme]
    return [name for name in themes if isinstance(name, str) and name]


SECTION_PAGE_NAME = "_index."  # how a Hugo section page's name begins: _index.md


@readonly(slots=True)
class SiteKind:
    """Which generator's site a content folder is, and what of it decided so."""

    jekyll: bool = False
    hugo: bool = False
    pelican: bool = False
    # Jekyll's rule for which files are posts holds: only those in `_posts/` (`_drafts/`).
    posts_folder: bool = False
    # The content folder is Jekyll's `_posts/` (or `_drafts/`) itself: its name, else ().
    within: tuple[str, ...] = ()
    # Hugo's configuration beside the content folder, or `main_sections` in feedkit.toml:
    # a Hugo site whose settings are there to read (not content copied alone).
    hugo_configured: bool = False
    # The folder of the `_config.yml` found: the site's own only when it is Jekyll's.
    jekyll_root: Path | None = None
    markers: tuple[str, ...] = ()  # the Hugo or Pelican configuration found (`site_markers`)

    @property
    def name(self) -> str:
        """Return the generator's name ("jekyll", "hugo", "pelican" or "feedkit"), as
        `decide` gives it and the layout's signature keys on it."""
        if self.jekyll:
            return "jekyll"
        return "hugo" if self.hugo else "pelican" if self.pelican else "feedkit"


def decide(
    *,
    posts_folder: bool,
    hugo_config: bool,
    pelican_config: bool,
    jekyll_config: bool,
    section_pages: bool,
) -> str:
    """Return whose site it is ("jekyll", "hugo", "pelican" or "feedkit") by the rule of
    this module, from what was found of each generator's."""
    if posts_folder:
        return "jekyll"
    if hugo_config:
        return "hugo"
    if pelican_config:
        return "pelican"
    if jekyll_config:
        return "jekyll"
    return "hugo" if section_pages else "feedkit"


def site_folders(cfg: Config) -> tuple[Path, ...]:
    """Return the folders where a site's own configuration may sit: feedkit.toml's, and the
    one above the content folder."""
    return tuple(dict.fromkeys((cfg.root, cfg.content_path.parent)))


def site_markers(cfg: Config) -> tuple[str, ...]:
    """Return the names of the Hugo or Pelican configuration files beside the content folder
    (or feedkit.toml): they decide which files are posts, so the build cache keys on them."""
    folders = site_folders(cfg)
    found = tuple(
        name
        for name in (*HUGO_CONFIGS, PELICAN_CONFIG)
        if any((folder / name).is_file() for folder in folders)
    )
    return found + ((CONFIG_DIR,) if any((f / CONFIG_DIR).is_dir() for f in folders) else ())


def is_hugo_marker(name: str) -> bool:
    """Return True when a name `site_markers` gives is Hugo's configuration."""
    return name in HUGO_CONFIGS or name == CONFIG_DIR


def hugo_config_in(markers: tuple[str, ...]) -> bool:
    """Return True when `site_markers` found Hugo's configuration: else there is none for
    feedkit/posts/hugoconfig.py `hugo_settings` to read (it gives Hugo's defaults)."""
    return any(is_hugo_marker(name) for name in markers)


def _found_in_any(paths: list[str], marker: str, start: int) -> bool:
    """Return True if `marker` is in a path at or after `start` (in a C loop: this runs
    over every post file of every build)."""
    return max(map(str.find, paths, repeat(marker), repeat(start)), default=-1) >= 0


def site_kind(cfg: Config, paths: Iterable[str], prefix: str) -> SiteKind:
    """Return whose site the content folder is, from the configuration beside it and the
    paths of its post files, each beginning with `prefix` (the content folder's path, as
    they write it, with its separator at the end; "" for paths within it), with `os.sep`
    or "/" between their parts. Given only its posts (not every file under it), Hugo's
    section pages, which are none, cannot tell: `Post.hugo` says what the layout found."""
    paths = paths if isinstance(paths, list) else list(paths)
    start = max(len(prefix) - 1, 0)
    if not prefix:  # a path within the content folder may begin with its _posts/
        paths = [os.sep + path for path in paths]
    # Checked on the paths as they are: this runs on every build, over every file.
    seps = tuple(dict.fromkeys((os.sep, "/")))
    return _kind(
        cfg,
        any(_found_in_any(paths, f"{sep}_posts{sep}", start) for sep in seps),
        lambda: any(_found_in_any(paths, sep + SECTION_PAGE_NAME, start) for sep in seps),
    )


def shown_site_kind(cfg: Config, shown: Iterable[str]) -> SiteKind:
    """Return `site_kind` of post files given as messages show them (from feedkit.toml's
    folder, with "/" between their parts)."""
    inside = str(cfg.content_path).rstrip("/\\") + os.sep
    return site_kind(cfg, shown, display_path(inside, cfg.root))


def unlisted_site_kind(cfg: Config) -> SiteKind:
    """Return whose site the content folder is when its files are not listed: a `_posts/`
    at its top stands for Jekyll's posts; Hugo's section pages are not looked for."""
    return _kind(cfg, (cfg.content_path / "_posts").is_dir(), lambda: False)


def _kind(cfg: Config, posts_found: bool, section_pages: Callable[[], bool]) -> SiteKind:
    within = (cfg.content_path.name,) if cfg.content_path.name in JEKYLL_FOLDERS else ()
    posts_folder = bool(within) or posts_found
    markers = site_markers(cfg)
    hugo_config = bool(cfg.main_sections) or any(is_hugo_marker(name) for name in markers)
    root = jekyll_folder(cfg)
    kind = decide(
        posts_folder=posts_folder,
        hugo_config=hugo_config,
        pelican_config=PELICAN_CONFIG in markers,
        jekyll_config=root is not None,
        # Looked for only when nothing else tells: it reads every path again.
        section_pages=not (posts_folder or hugo_config or markers or root) and section_pages(),
    )
    return SiteKind(
        jekyll=kind == "jekyll",
        hugo=kind == "hugo",
        pelican=kind == "pelican",
        posts_folder=posts_folder,
        within=within,
        hugo_configured=kind == "hugo" and hugo_config,
        jekyll_root=root,
        markers=markers,
    )
