"""The site's time zone: where its days begin and end, for what shows a day or keeps a time.

Posts' dates are read in it (layout.py, per post), and digests, their web copies, the preview
and the schedule show days and fire in it: feedkit.toml's `timezone`, else the one the
site's generator reads its dates in (a Jekyll site's `_config.yml` `timezone`, a Hugo site's
`timeZone`, a Pelican site's `TIMEZONE`), else UTC. A Jekyll post of 2024-03-01 in
Europe/Berlin is 2024-02-29T23:00Z: its card said "Feb 29" in a digest shown in UTC.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from feedkit.config import Config

# The last site's zone, by its configuration (the object: the preview reads a new one when
# feedkit.toml is saved), so a page of 20,000 dated rows reads the site's files once.
_last: tuple[Config, ZoneInfo] | None = None


def site_zone(cfg: Config) -> ZoneInfo:
    """Return the zone of `cfg`'s site (see above). Raise ContentError, naming the file,
    for a generator's zone that is no time zone name, as a build does."""
    global _last
    if cfg.timezone_given:
        return cfg.timezone
    if _last is not None and _last[0] is cfg:
        return _last[1]
    zone = _generators_zone(cfg) or cfg.timezone
    _last = (cfg, zone)
    return zone


def _generators_zone(cfg: Config) -> ZoneInfo | None:
    from feedkit.posts.sitekind import PELICAN_CONFIG, site_folders, unlisted_site_kind

    kind = unlisted_site_kind(cfg)
    if kind.jekyll:
        from feedkit.posts.jekyllconfig import jekyll_config, jekyll_timezone

        folder = kind.jekyll_root
        return jekyll_timezone(cfg, folder, jekyll_config(folder, cfg.root))
    if kind.pelican:
        from feedkit.posts.pelicansettings import timezone

        return timezone([folder / PELICAN_CONFIG for folder in site_folders(cfg)], cfg.root)
    if kind.hugo_configured:
        from feedkit.posts.hugoconfig import hugo_settings

        name = hugo_settings(site_folders(cfg)).timezone
        return ZoneInfo(name) if name else None
    return None
