"""What a Pelican site's `pelicanconf.py` (read once, never run) says of its content folder's
layout (feedkit/posts/layout.py): where Pelican looks for articles, the zone their dates are
read in, the category of one that names none, and what the layout's place of an article
holds (its slug's source, translations, YAML metadata, DEFAULT_DATE, DEFAULT_METADATA, the
metadata its file name and path give)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from feedkit.config import Config
from feedkit.posts import pelicanplugins, pelicanread, pelicansettings
from feedkit.posts.sitekind import PELICAN_CONFIG, site_folders


class PelicanLayout(NamedTuple):
    paths: dict[str, tuple[str, ...]]  # where Pelican looks for articles, and for pages
    timezone: ZoneInfo | None  # its TIMEZONE, unless feedkit.toml names a zone (or none)
    folder_category: bool  # an article that names no category is in its folder's
    place: dict[str, Any]  # what the layout's place of an article holds (`Place`'s fields)


def pelican_layout(cfg: Config) -> PelicanLayout:
    """Return what `cfg`'s Pelican site's pelicanconf.py says of its layout; raise
    ContentError, naming the file and line, for a setting that cannot be read."""
    configs: list[Path] = [folder / PELICAN_CONFIG for folder in site_folders(cfg)]
    values = pelicanread.assignments(configs)
    paths = pelicansettings.content_paths(configs, values)
    timezone = None if cfg.timezone_given else pelicansettings.timezone(configs, cfg.root, values)
    # An article with no Category: its folder's name, else the default one (Pelican's).
    folder_category, default_category = pelicansettings.default_categories(values)
    slug_source = pelicanread.setting(configs, "SLUGIFY_SOURCE", values) or "title"
    place = {
        "slug_from_title": slug_source == "title",
        "pelican_lang": pelicansettings.translations(configs, values),
        "pelican_yaml": pelicanplugins.yaml_plugin(values, configs),
        "category": default_category,
        "default_date": pelicanread.assigned(configs, "DEFAULT_DATE", values),
        "defaults": pelicansettings.default_metadata(configs, cfg.root, values),
        "path_patterns": pelicansettings.path_patterns(configs, cfg.root, values),
    }
    return PelicanLayout(paths, timezone, folder_category, place)
