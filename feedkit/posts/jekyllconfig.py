"""A Jekyll site's own configuration, as far as its feeds need it: where its `_config.yml` (or
`_config.yaml`, or `_config.toml`) is, the URLs (`permalink`, its styles) and time zone it gives
posts, the Markdown converter that reads them (`markdown`), the authors of its `_data/authors.yml`,
and the paths Jekyll does not read (`exclude`, `destination`).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedkit.config import Config
from feedkit.errors import ContentError
from feedkit.models import Author

if TYPE_CHECKING:
    pass

JEKYLL_CONFIG = "_config.yml"
# The configuration files Jekyll looks for in a site's folder, in its order: it reads the
# first that is there (configuration.rb `config_files`: yml, yaml, toml) and no other.
JEKYLL_CONFIGS = (JEKYLL_CONFIG, "_config.yaml", "_config.toml")
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
    """Return the folder of the Jekyll site's configuration (`JEKYLL_CONFIGS`: in the
    content folder, the one above it, or feedkit.toml's), None when there is none."""
    for folder in dict.fromkeys((cfg.content_path, cfg.content_path.parent, cfg.root)):
        if _is_file(config_file(folder)):
            return folder
    return None


def config_file(folder: Path) -> Path:
    """Return the configuration file Jekyll reads in a site's `folder`: the first of
    `_config.yml`, `_config.yaml` and `_config.toml` that is there (`_config.yml` when none
    is, as Jekyll names it then)."""
    for name in JEKYLL_CONFIGS:
        if _is_file(folder / name):
            return folder / name
    return folder / JEKYLL_CONFIG


def _is_file(path: Path) -> bool:
    """Return whether `path` is a file; not, in a folder this user may not search (the
    walk of the content folder says it cannot be read)."""
    try:
        return path.is_file()
    except OSError:
        return False


def jekyll_config(folder: Path | None, root: Path) -> dict[str, Any]:
    """Return the values of the Jekyll configuration in `folder` (`config_file`; {} when
    there is none, or it holds no mapping, as Jekyll reads it). Raise ContentError, at the
    line YAML or TOML stopped on, for a file that cannot be read: Jekyll builds nothing
    then, and read as empty it would give every post Jekyll's default URL and converter
    instead of the site's. The error names the file as seen from `root`."""
    if folder is None:
        return {}
    values = read_config(config_file(folder), root)
    return values if isinstance(values, dict) else {}


def read_config(path: Path, root: Path) -> Any:
    """Return what a Jekyll configuration file holds: TOML for a `.toml` (Jekyll reads it
    with Tomlrb), else YAML. Raise ContentError as `_read_yaml` does."""
    if path.suffix != ".toml":
        return _read_yaml(path, root)
    import tomllib

    shown = os.path.relpath(path, root).replace(os.sep, "/")
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ContentError.single(
            shown, 0, f"cannot be read: it is not UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:
        raise ContentError.single(shown, 0, f"cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib says where in its message only: "Invalid value (at line 3, column 7)"
        where = re.search(r" \(at line (\d+), column \d+\)$|\(at end of document\)$", str(exc))
        reason = str(exc)[: where.start()].strip() if where else str(exc)
        line = int(where[1]) if where and where[1] else 0
        if where and not where[1]:  # at the end: the last line
            line = max(len(path.read_bytes().splitlines()), 1)
        raise ContentError.single(shown, line, f"cannot be read ({reason})") from None


def _read_yaml(path: Path, root: Path) -> Any:
    """Return what the YAML file at `path` holds; raise ContentError naming it (as seen from
    `root`) and the line YAML stopped on when it cannot be read."""
    from feedkit.posts import fastyaml  # PyYAML only when there is YAML to read
    from feedkit.posts.fmparse import without_uncarried

    shown = os.path.relpath(path, root).replace(os.sep, "/")
    try:
        text = path.read_text(encoding="utf-8")
        data = fastyaml.load(text)
        # An escape (`"Ada\\u0000"`) writes what no feed carries: an author's name with
        # one stopped the build with lxml's traceback. Left out, as a post's front matter's.
        return without_uncarried(data, [], set()) if "\\" in text else data
    except UnicodeDecodeError as exc:
        raise ContentError.single(
            shown, 0, f"cannot be read: it is not UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    except (OSError, ValueError, fastyaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or getattr(exc, "strerror", None) or exc
        line = mark.line + 1 if mark is not None else 0
        raise ContentError.single(shown, line, f"cannot be read ({reason})") from None


def _config_problem(root: Path, folder: Path | None, message: str) -> ContentError:
    shown = os.path.relpath(config_file(Path(folder or root)), root)
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
            cfg.root,
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
    from feedkit.posts.jekyllpermalink import fill_permalink

    if pattern and not pattern.startswith("/"):
        pattern = "/" + pattern  # as Jekyll's URL starts every one (`blog/:year/:title/`)
    try:
        if not pattern:
            raise ValueError("must be a path such as /:year/:title/ or a style such as pretty")
        fill_permalink(pattern, "slug", datetime(2000, 1, 1), [])
    except ValueError as exc:
        raise _config_problem(
            cfg.root, folder, f"permalink: {exc}; set permalink in feedkit.toml instead"
        ) from None
    return pattern


def jekyll_authors(folder: Path | None, root: Path) -> tuple[tuple[str, Author], ...]:
    """Return the authors of the `_data/authors.yml` in a Jekyll site's `folder` by key
    (themes such as Chirpy and Minimal Mistakes name a post's author by one: `author:
    mira`). An entry without a text `name` names no one: the key stays as written. Raise
    ContentError for a file that cannot be read (Jekyll builds nothing then)."""
    path = folder / "_data" / "authors.yml" if folder is not None else None
    if path is None or not path.is_file():
        return ()
    from feedkit.posts.postvalues import author_link, text_value

    values = _read_yaml(path, root)
    found = []
    for key, entry in values.items() if isinstance(values, dict) else ():
        if not isinstance(entry, dict):
            continue
        try:
            name = text_value(entry.get("name"), "name")
            email = text_value(entry.get("email"), "email")
            url = text_value(author_link(entry), "url")
        except ValueError:
            continue
        if name and name.strip():
            found.append((str(key), Author(name.strip(), email or None, url or None)))
    return tuple(found)


JEKYLL_MARKDOWN_EXT = "markdown,mkdown,mkdn,mkd,md"  # Jekyll's default `markdown_ext`


def markdown_suffixes(values: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the endings of the file names a Jekyll site converts as Markdown: its
    `markdown_ext` (Jekyll's default "markdown,mkdown,mkdn,mkd,md"), each with its dot, in
    lower case, as Jekyll compares a file's (converters/markdown.rb `extname_list`). A file
    of its posts with another ending is published as it is written, unconverted."""
    given = values.get("markdown_ext")
    if isinstance(given, list):
        given = ",".join(map(str, given))
    text = given if isinstance(given, str) else JEKYLL_MARKDOWN_EXT
    return tuple(dict.fromkeys("." + ext.lower() for ext in text.split(",")))


def jekyll_excluded(values: dict[str, Any]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Return what matches the paths in a Jekyll site that Jekyll does not read (its
    default `exclude` and the site's own, added to it as Jekyll 4 does, and its
    `destination`), and what matches those `include` takes back."""
    found, included = _excluded_included(values)
    return matcher(found), matcher(included)


def jekyll_unread_paths(values: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Return the plain paths (no glob) in a Jekyll site that its `exclude` and
    `destination` name (as `jekyll_excluded` reads them), and those its `include` names;
    None when an `include` is a glob, which may take back any folder."""
    found, included = _excluded_included(values)
    plain = tuple(dict.fromkeys(p.strip().strip("/") for p in found if not _is_glob(p)))
    if any(_is_glob(path) for path in included):
        return None
    return tuple(p for p in plain if p), tuple(p.strip().strip("/") for p in included)


def _excluded_included(values: dict[str, Any]) -> tuple[list[str], list[str]]:
    own, included = values.get("exclude"), values.get("include")
    found = [*JEKYLL_EXCLUDED, *(map(str, own) if isinstance(own, list) else ())]
    found.append(str(values.get("destination") or "_site"))
    return found, list(map(str, included)) if isinstance(included, list) else []


def _is_glob(path: str) -> bool:
    return any(c in path for c in "*?[")


def matcher(paths: Iterable[str]) -> re.Pattern[str]:
    """Return a pattern whose `match` finds a path (in the site) that is, or is inside, one
    of `paths` (each a path or a glob, as `exclude` gives them): one C call per file."""
    found = []
    for path in dict.fromkeys(p.strip().strip("/") for p in paths):
        if not path:
            continue
        if _is_glob(path):
            found += [fnmatch.translate(path), fnmatch.translate(path + "/*")]
        else:
            found.append(re.escape(path) + r"(?:/|\Z)")
    return re.compile("|".join(found) or r"(?!)")  # (?!) matches nothing


def excerpt_cut(body: str, own: object, config: Mapping[str, Any]) -> str:
    """Return `body` with the post's `excerpt_separator` (`own`), else its site's, standing
    on a line of its own, written `<!--more-->`: the summary is Jekyll's excerpt."""
    separator = config.get("excerpt_separator") if own is None else own
    if not isinstance(separator, str) or not separator or separator not in body:
        return body
    if not separator.strip():  # "\n\n", set so: the excerpt is the text up to its first
        at = body.find(separator, len(body) - len(body.lstrip()))  # blank line (Jekyll's)
        return body if at < 0 else body[:at] + "\n\n<!--more-->\n\n" + body[at + len(separator) :]
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
