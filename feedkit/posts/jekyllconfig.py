"""A Jekyll site's own configuration, as far as its feeds need it: where its `_config.yml`
is, the URLs (`permalink`, its styles) and time zone it gives posts, the authors of its
`_data/authors.yml`, and the paths Jekyll does not read (`exclude`, `destination`).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedkit.config import Config
from feedkit.errors import ContentError
from feedkit.models import Author

JEKYLL_CONFIG = "_config.yml"
# Jekyll's named permalink styles; "date" is its default.
JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
# What Jekyll 4 never reads, besides its `destination` and what `exclude` adds: the
# bundler's and npm's folders, which hold many a README.md (its default `exclude`).
JEKYLL_EXCLUDED = (
    ".sass-cache",
    ".jekyll-cache",
    "gemfiles",
    "node_modules",
    "vendor/bundle",
    "vendor/cache",
    "vendor/gems",
    "vendor/ruby",
)


def jekyll_folder(cfg: Config) -> Path | None:
    """Return the folder of the Jekyll site's `_config.yml` (the content folder, the one
    above it, or feedkit.toml's), None when there is none."""
    for folder in dict.fromkeys((cfg.content_path, cfg.content_path.parent, cfg.root)):
        if (folder / JEKYLL_CONFIG).is_file():
            return folder
    return None


def jekyll_config(folder: Path | None) -> dict[str, Any]:
    """Return the values of the `_config.yml` in `folder` ({} when there is none or it
    cannot be read: the template stage says why, once, as a warning)."""
    if folder is None:
        return {}
    try:
        text = (folder / JEKYLL_CONFIG).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return {}
    from feedkit.posts import fastyaml  # PyYAML only when there is YAML to read

    try:
        values = fastyaml.load(text)
    except (ValueError, fastyaml.YAMLError):
        return {}
    return values if isinstance(values, dict) else {}


def _config_problem(cfg: Config, folder: Path | None, message: str) -> ContentError:
    shown = os.path.relpath(Path(folder or cfg.root) / JEKYLL_CONFIG, cfg.root)
    return ContentError.single(shown.replace(os.sep, "/"), 0, message)


def jekyll_timezone(cfg: Config, folder: Path | None, values: dict[str, Any]) -> ZoneInfo | None:
    """Return the zone a Jekyll site's `_config.yml` reads its posts' dates in (`timezone`),
    None when it names none. Raise ContentError for a name that is no time zone."""
    name = values.get("timezone")
    if name in (None, ""):
        return None
    try:
        return ZoneInfo(str(name).strip())
    except (ValueError, ZoneInfoNotFoundError):
        raise _config_problem(
            cfg,
            folder,
            f"timezone: {name!r} is not a time zone name such as 'Europe/Berlin'; set "
            "timezone in feedkit.toml instead",
        ) from None


def jekyll_permalink(cfg: Config, folder: Path | None, values: dict[str, Any]) -> str:
    """Return the URL pattern Jekyll gives the site's posts: `_config.yml`'s
    `collections.posts.permalink`, else its `permalink` (a pattern or a style such as
    "pretty"), else Jekyll's default, the "date" style. Raise ContentError for a pattern
    feedkit cannot fill in."""
    collections = values.get("collections")
    posts = collections.get("posts") if isinstance(collections, dict) else None
    own = posts.get("permalink") if isinstance(posts, dict) else None
    pattern = own or values.get("permalink") or "date"
    pattern = JEKYLL_STYLES.get(pattern, pattern) if isinstance(pattern, str) else ""
    # Here, not at the top: a build that finds nothing changed reads no post value.
    from feedkit.posts.postvalues import fill_permalink

    try:
        if not pattern.startswith("/"):
            raise ValueError("must be a path such as /:year/:title/ or a style such as pretty")
        fill_permalink(pattern, "slug", datetime(2000, 1, 1), [])
    except ValueError as exc:
        raise _config_problem(
            cfg, folder, f"permalink: {exc}; set permalink in feedkit.toml instead"
        ) from None
    return pattern


def jekyll_authors(folder: Path | None) -> tuple[tuple[str, Author], ...]:
    """Return the authors of the `_data/authors.yml` in a Jekyll site's `folder` by key
    (themes such as Chirpy and Minimal Mistakes name a post's author by one: `author:
    mira`). An entry without a text `name`, or a file that cannot be read, names no one:
    the key stays as written."""
    if folder is None:
        return ()
    try:
        text = (folder / "_data" / "authors.yml").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return ()
    from feedkit.posts import fastyaml  # PyYAML only when there is YAML to read
    from feedkit.posts.postvalues import text_value

    try:
        values = fastyaml.load(text)
    except (ValueError, fastyaml.YAMLError):
        return ()
    found = []
    for key, entry in values.items() if isinstance(values, dict) else ():
        try:
            name, email, url = (
                text_value(entry.get(k), k) if isinstance(entry, dict) else None
                for k in ("name", "email", "url")
            )
        except ValueError:
            continue
        if name and name.strip():
            found.append((str(key), Author(name.strip(), email or None, url or None)))
    return tuple(found)


def jekyll_excluded(values: dict[str, Any]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Return what matches the paths in a Jekyll site that Jekyll does not read (its
    default `exclude` and the site's own, added to it as Jekyll 4 does, and its
    `destination`), and what matches those `include` takes back."""
    own, included = values.get("exclude"), values.get("include")
    found = [*JEKYLL_EXCLUDED, *(map(str, own) if isinstance(own, list) else ())]
    found.append(str(values.get("destination") or "_site"))
    return matcher(found), matcher(map(str, included) if isinstance(included, list) else ())


def matcher(paths: Iterable[str]) -> re.Pattern[str]:
    """Return a pattern whose `match` finds a path (in the site) that is, or is inside, one
    of `paths` (each a path or a glob, as `exclude` gives them): one C call per file."""
    found = []
    for path in dict.fromkeys(p.strip().strip("/") for p in paths):
        if not path:
            continue
        if any(c in path for c in "*?["):
            found += [fnmatch.translate(path), fnmatch.translate(path + "/*")]
        else:
            found.append(re.escape(path) + r"(?:/|\Z)")
    return re.compile("|".join(found) or r"(?!)")  # (?!) matches nothing


def jekyll_post(cfg: Config, source: Path, site_config: bool) -> bool:
    """True when a post file belongs to a Jekyll site (kramdown's rules are the site's):
    it sits in `_posts/` or `_drafts/`, or the site has a `_config.yml` (`site_config`,
    as `jekyll_folder` finds it once per run)."""
    try:
        parts = source.relative_to(cfg.content_path).parts[:-1]
    except ValueError:
        parts = ()
    if "_posts" in parts or "_drafts" in parts:
        return True
    return site_config


def excerpt_cut(body: str, own: object, config: Mapping[str, Any]) -> str:
    """Return `body` with the post's `excerpt_separator` (`own`), else its site's, standing
    on a line of its own, written `<!--more-->`: the summary is Jekyll's excerpt."""
    separator = config.get("excerpt_separator") if own is None else own
    if not isinstance(separator, str) or not separator.strip() or separator not in body:
        return body
    m = re.search(rf"^[ \t]*{re.escape(separator.strip())}[ \t]*$", body, re.MULTILINE)
    return body[: m.start()] + "<!--more-->" + body[m.end() :] if m else body


# kramdown's `smart_quotes` entity names that leave a quote straight.
_STRAIGHT = {"apos", "quot", "#39", "#34", "#x27", "#x22"}


def smart_quotes(config: Mapping[str, Any]) -> bool:
    """Return False when a Jekyll `_config.yml` gives kramdown straight `smart_quotes`
    (`apos,apos,quot,quot`, kramdown's way to switch them off); True by default."""
    options = config.get("kramdown")
    quotes = options.get("smart_quotes") if isinstance(options, Mapping) else None
    names = quotes.split(",") if isinstance(quotes, str) else quotes
    if not isinstance(names, list) or not names:
        return True
    return not all(str(name).strip().lower() in _STRAIGHT for name in names)
