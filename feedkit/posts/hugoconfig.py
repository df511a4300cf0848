"""A Hugo site's own configuration, as far as its feeds need it: which sections hold posts
(`mainSections`), the URLs Hugo gives their pages (`[permalinks]`), how Goldmark reads
Markdown (its typographer and its substitutions, passthrough math, emoji).

Read from the files Hugo reads, beside the content folder (or feedkit.toml): `hugo.toml`
(or `config.toml`, YAML, JSON), and a `config/_default/` folder, where `hugo.*`/`config.*`
hold the top level and any other file one top-level key (`params.toml`, `permalinks.yaml`).
Keys in any case, as Hugo reads them.
"""

from __future__ import annotations

import os
import posixpath
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedkit.config import Config
from feedkit.errors import ContentError

if TYPE_CHECKING:  # at use: a site that is not Hugo's reads no Hugo typography
    from feedkit.posts.reading import Reading

ROOT_NAMES = ("hugo", "config")
SUFFIXES = ("toml", "yaml", "yml", "json")
# The configuration files that make a folder a Hugo site, and its configuration folder.
HUGO_CONFIGS = tuple(f"{name}.{ext}" for name in ROOT_NAMES for ext in SUFFIXES)
CONFIG_DIR = "config/_default"
_PLACEHOLDER = re.compile(r":([a-z]+)")  # /:year/:month/:slug/


@dataclass(frozen=True, eq=False)  # its repr is in the build cache's key; nothing compares it
class HugoSettings:
    """What a Hugo site's configuration says that feedkit follows."""

    main_sections: tuple[str, ...] = ()
    permalinks: tuple[tuple[str, str], ...] = ()  # (section, pattern), from [permalinks]
    # Goldmark's passthrough delimiters: (open, close, display), such as ("\\(", "\\)", False)
    passthrough: tuple[tuple[str, str, bool], ...] = ()
    emoji: bool = False  # enableEmoji: `:tada:` in content is 🎉
    params: dict[str, Any] = field(default_factory=dict)  # the site's [params]
    timezone: str = ""  # timeZone: the zone Hugo reads naive dates in
    typographer: bool = True  # Goldmark's typographer: curly quotes, en and em dashes
    # Goldmark's linkify: bare URLs links, www. ones with this protocol ("": linkify off)
    linkify: str = "https"
    # Its substitutions the site sets to make something else: (name, value), see
    # feedkit/posts/typographer.py `site_typography`.
    typography: tuple[tuple[str, str], ...] = ()
    hard_wraps: bool = False  # Goldmark's renderer's hardWraps: each line break a <br>
    # The extensions of Goldmark's the site switches off (see reading.goldmark)
    without: tuple[str, ...] = ()

    @property
    def reading(self) -> Reading:
        """Return how the site's posts are read: with Goldmark's typographer, linkify,
        hard wraps and extensions as they are set."""
        from feedkit.posts.reading import goldmark

        return goldmark(
            self.typographer,
            self.typography,
            self.linkify,
            hard_wrap=self.hard_wraps,
            without=self.without,
        )


def hugo_settings(folders: tuple[Path, ...]) -> HugoSettings:
    """Return what the Hugo configuration in the first of `folders` that has one says;
    raise ContentError for a file that cannot be read or a permalink feedkit cannot fill."""
    for folder in folders:
        files = _config_files(folder)
        if files:
            return _settings(files, folder)
    return HugoSettings()


def _config_files(folder: Path) -> tuple[Path, ...]:
    """Return the Hugo configuration files in `folder`, the top-level one first."""
    files = [folder / name for name in HUGO_CONFIGS if (folder / name).is_file()][:1]
    config_dir = folder / CONFIG_DIR
    if config_dir.is_dir():
        files += sorted(p for p in config_dir.iterdir() if p.suffix[1:] in SUFFIXES)
    return tuple(files)


def site_values(folder: Path) -> dict[str, Any]:
    """Return every value of the Hugo configuration in `folder`, keys in lower case ({}
    when there is none); raise ContentError for a file that cannot be read."""
    return _values(_config_files(folder), folder)


def _values(files: tuple[Path, ...], folder: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for path in files:
        read = _lower(_read(path, folder))
        if not isinstance(read, dict):
            continue
        stem = path.stem.lower()
        if path.parent.name == "_default" and stem not in ROOT_NAMES:
            if "." not in stem:  # languages.en.toml and the like: not read here
                values[stem] = {**values.get(stem, {}), **read}
        else:
            values = {**values, **read}
    return values


def _settings(files: tuple[Path, ...], folder: Path) -> HugoSettings:
    values = _values(files, folder)
    params = values.get("params")
    sections = values.get("mainsections") or (
        params.get("mainsections") if isinstance(params, dict) else None
    )
    if isinstance(sections, str):
        sections = [sections]
    main = tuple(str(s) for s in sections) if isinstance(sections, list) else ()
    permalinks = values.get("permalinks")
    patterns: dict[str, str] = {}
    if isinstance(permalinks, dict):
        page = permalinks.get("page")
        for section, pattern in (page if isinstance(page, dict) else permalinks).items():
            if isinstance(pattern, str):
                try:
                    filled = with_sections(pattern, ["section"])
                    fill_hugo_permalink(filled, "", "slug", "title", datetime(2000, 1, 1))
                except ValueError as exc:
                    raise ContentError.single(
                        _shown(files[0], folder),
                        0,
                        f"permalinks: {section}: {exc}; set permalink in feedkit.toml instead",
                    ) from None
                patterns[section] = pattern
    zone = values.get("timezone")
    if zone not in (None, ""):
        try:
            ZoneInfo(str(zone).strip())
        except (ValueError, ZoneInfoNotFoundError):
            raise ContentError.single(
                _shown(files[0], folder),
                0,
                f"timeZone: {zone!r} is not a time zone name such as 'Europe/Berlin'; set "
                "timezone in feedkit.toml instead",
            ) from None
    return HugoSettings(
        main,
        tuple(patterns.items()),
        _passthrough(values),
        values.get("enableemoji") is True,
        params if isinstance(params, dict) else {},
        str(zone).strip() if zone not in (None, "") else "",
        _typographer(values),
        typography=_typography(values),
        linkify=_linkify(values),
        hard_wraps=_goldmark(values, "renderer").get("hardwraps") is True,
        without=_switched_off(values),
    )


def _typography(values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Return the typographer's substitutions the site sets (see typographer.py)."""
    table = _typographer_table(values)
    if not isinstance(table, dict):
        return ()
    from feedkit.posts.typographer import site_typography

    return site_typography(table)


def _goldmark(values: dict[str, Any], part: str) -> dict[str, Any]:
    """Return the `markup.goldmark` table `part` ("extensions", "renderer"), {} if none."""
    found: Any = values
    for key in ("markup", "goldmark", part):
        found = found.get(key) if isinstance(found, dict) else None
    return found if isinstance(found, dict) else {}


def _typographer_table(values: dict[str, Any]) -> Any:
    """Return what `markup.goldmark.extensions.typographer` is set to (None when unset)."""
    return _goldmark(values, "extensions").get("typographer")


def _typographer(values: dict[str, Any]) -> bool:
    """Return False when `markup.goldmark.extensions.typographer` is switched off: `false`
    (Hugo up to 0.111) or `disable = true` (from 0.112)."""
    found = _typographer_table(values)
    if isinstance(found, dict):
        return found.get("disable") is not True
    return found is not False


def _switched_off(values: dict[str, Any]) -> tuple[str, ...]:
    """Return the Goldmark extensions feedkit follows that the site switches off."""
    extensions = _goldmark(values, "extensions")
    names = ("table", "footnote", "strikethrough", "definitionlist")
    return tuple(name for name in names if extensions.get(name) is False)


def _linkify(values: dict[str, Any]) -> str:
    """Return the protocol Goldmark's linkify gives `www.` links (`linkifyProtocol`, https
    by default), "" when `markup.goldmark.extensions.linkify` is false."""
    found = _goldmark(values, "extensions")
    if found.get("linkify") is False:
        return ""
    protocol = found.get("linkifyprotocol")
    return protocol.strip() if isinstance(protocol, str) and protocol.strip() else "https"


def _passthrough(values: dict[str, Any]) -> tuple[tuple[str, str, bool], ...]:
    """Return the delimiters of `markup.goldmark.extensions.passthrough`, when enabled."""
    found = _goldmark(values, "extensions").get("passthrough")
    if not isinstance(found, dict) or found.get("enable") is not True:
        return ()
    delimiters = found.get("delimiters")
    pairs: list[tuple[str, str, bool]] = []
    for kind in ("inline", "block"):
        listed = delimiters.get(kind) if isinstance(delimiters, dict) else None
        for pair in listed if isinstance(listed, list) else []:
            if isinstance(pair, list) and len(pair) == 2 and all(isinstance(d, str) for d in pair):
                pairs.append((pair[0], pair[1], kind == "block"))
    return tuple(pairs)


def _shown(path: Path, folder: Path) -> str:
    return os.path.relpath(path, folder).replace(os.sep, "/")


def _read(path: Path, folder: Path) -> Any:
    unreadable: tuple[type[Exception], ...] = (OSError, ValueError)
    if path.suffix not in (".toml", ".json"):  # PyYAML only for a YAML file
        from feedkit.posts import fastyaml

        unreadable = (*unreadable, fastyaml.YAMLError)
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            return tomllib.loads(text)
        if path.suffix == ".json":
            import json  # here: most Hugo sites' settings are TOML or YAML

            return json.loads(text)
        return fastyaml.load(text)
    except unreadable as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or getattr(exc, "strerror", None) or exc
        raise ContentError.single(
            _shown(path, folder),
            mark.line + 1 if mark is not None else 0,
            f"Hugo's configuration cannot be read ({reason})",
        ) from None


def _lower(value: Any) -> Any:
    """Return the value with every mapping key in lower case (Hugo's keys have no case)."""
    if isinstance(value, dict):
        return {str(k).lower(): _lower(v) for k, v in value.items()}
    return value


def urlize(text: str) -> str:
    """Return `text` as Hugo's urlize makes it a path segment (helpers/path.go,
    UnicodeSanitize; checked against hugo 0.111): letters, digits and marks kept, with
    `./\\_#+~-@` and `%` before two hex digits; a run of spaces one hyphen, none after a
    typed `-` (`Part 1 - Intro` is `part-1-intro`); the rest dropped; lower case."""
    return _sanitized(text.strip()).lower()


def _sanitized(text: str) -> str:
    out: list[str] = []
    pending = typed_hyphen = False
    for at, char in enumerate(text):
        if (
            char.isalpha()
            or char.isdigit()
            or char in "./\\_#+~-@"
            or unicodedata.category(char).startswith("M")
            or (char == "%" and _HEX.fullmatch(text[at + 1 : at + 3]) is not None)
        ):
            typed_hyphen = char == "-"
            if pending and not typed_hyphen:
                out.append("-")
            pending = False
            out.append(char)
        elif out and char.isspace() and not typed_hyphen:
            pending = True
    return "".join(out)


_HEX = re.compile(r"[0-9a-fA-F]{2}")


def with_sections(pattern: str, folders: list[str]) -> str:
    """Return a Hugo permalink pattern with `:sections` and `:section` filled in for a
    page in `folders` under the content folder."""
    return re.sub(
        r":sections?(?![a-z])",
        lambda m: "/".join(folders) if m[0] == ":sections" else (folders or [""])[0],
        pattern,
    )


def fill_hugo_permalink(
    pattern: str, slug: str, name: str, title: str, date: datetime, configured: bool = True
) -> str:
    """Return a Hugo permalink pattern filled in for one page (`:section` and `:sections`
    are filled already): `slug` is its front matter's, `name` its file's (a bundle's
    folder's), `date` in its own zone; `configured` when the pattern is the site's
    [permalinks]' (not Hugo's default, the page's path). Raise ValueError naming a
    placeholder not known."""
    own = urlize(slug) if slug else ""
    values = {
        "year": f"{date.year:04d}",
        "month": f"{date.month:02d}",
        "monthname": date.strftime("%B").lower(),
        "day": f"{date.day:02d}",
        "weekday": str(date.isoweekday() % 7),
        "weekdayname": date.strftime("%A").lower(),
        "yearday": str(date.timetuple().tm_yday),
        "title": urlize(title),
        "slug": own or urlize(title),
        "filename": name.lower(),
        "contentbasename": name.lower(),
        "slugorfilename": own or name.lower(),
        "slugorcontentbasename": own or name.lower(),
    }
    unknown = [m[1] for m in _PLACEHOLDER.finditer(pattern) if m[1] not in values]
    if unknown:
        raise ValueError(
            f"unknown placeholder :{unknown[0]}; use "
            + ", ".join(f":{name}" for name in ("section", "sections", *values))
        )
    filled = re.sub(r"/{2,}", "/", _PLACEHOLDER.sub(lambda m: values[m[1]], pattern))
    # Hugo reads a filled [permalinks] pattern as a query string would be read, a `+` a
    # space, and sanitises it again: `c++ tips` is `c-tips`, `A+ grade` `a-grade` on its
    # pages (its default, the page's path, keeps `c++-tips`).
    if configured and "+" in filled:
        return _sanitized(filled.replace("+", " "))
    return filled


class Pages:
    """Every Markdown file of a content folder, for a `ref` to a page that is not a post:
    looked for only when a ref names no post, and then once a run."""

    def __init__(self, cfg: Config, settings: HugoSettings) -> None:
        from feedkit.posts.postfile import discover

        self.cfg, self.settings = cfg, settings
        content = cfg.content_path
        # Paths with and without the suffix, and a bundle's or section's folder → the file.
        self.files: dict[str, str] = {}
        for file in discover(content):
            rel = file.relative_to(content).as_posix()
            stem = posixpath.splitext(rel)[0]
            for name in (rel, stem):
                self.files.setdefault(name, rel)
            if posixpath.basename(stem) in ("index", "_index"):
                self.files.setdefault(posixpath.dirname(stem), rel)

    def url(self, key: str) -> str:
        """Return the URL of the page `key` names (a path, or a file name when only one
        file has it), "" when there is none."""
        rel = self.files.get(key)
        if rel is None and "/" not in key:
            named = {
                r
                for p, r in self.files.items()
                if posixpath.basename(posixpath.splitext(p)[0]) == key
            }
            rel = named.pop() if len(named) == 1 else None
        if rel is None:
            return ""
        cfg = self.cfg
        return page_url(cfg.base_url, self.settings, cfg.content_path, rel, cfg.timezone)


def page_url(base_url: str, settings: HugoSettings, content: Path, rel: str, tz: ZoneInfo) -> str:
    """Return the URL Hugo gives the page (not a post: an about page, a section's
    `_index.md`) at `rel` in the `content` folder: its front matter's `url`, else its
    section's permalink when its front matter fills it, else its path."""
    from feedkit.posts.fmparse import parse_front_matter
    from feedkit.posts.postfile import FileProblems, read_head
    from feedkit.posts.posturl import URL_SAFE
    from feedkit.posts.postvalues import parse_date

    try:
        meta = parse_front_matter(read_head(content / rel, rel, [])[0], rel)
    except (OSError, FileProblems):
        meta = {}
    parts = rel.split("/")
    folders, stem = parts[:-1], parts[-1].rsplit(".", 1)[0]
    url, slug, title = (meta.get(k) for k in ("url", "slug", "title"))
    if isinstance(url, str) and url.startswith("/"):
        path = url
    elif stem.split(".")[0] == "_index":  # a section's page: the section's address
        path = "/" + "".join(f"{folder}/" for folder in folders)
    else:
        if stem.split(".")[0] == "index":  # a page bundle: the page is its folder
            stem, folders = (folders or [""])[-1], folders[:-1]
        stem = stem.split(".")[0] if "." in stem else stem  # about.fr: about
        pattern = dict(settings.permalinks).get(folders[0] if folders else "")
        date: datetime | None = None
        try:
            date = parse_date(meta.get("date"), tz) if meta.get("date") else None
        except ValueError:
            pass
        dated = pattern is not None and re.search(r":(year|month|day|week|yearday)", pattern)
        configured = not (pattern is None or (dated and date is None))
        if not configured:
            pattern = "/" + "".join(f"{folder}/" for folder in folders) + ":slugorfilename/"
        assert pattern is not None
        path = fill_hugo_permalink(
            with_sections(pattern, folders),
            slug if isinstance(slug, str) else "",
            stem,
            title if isinstance(title, str) else "",
            date or datetime(1970, 1, 1),
            configured,
        )
    return base_url + quote(path.lstrip("/"), safe=URL_SAFE)
