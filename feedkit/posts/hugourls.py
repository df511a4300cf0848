"""The URLs Hugo gives a site's pages: its `[permalinks]` patterns (or its default, the
page's path) filled in for one page, titles and slugs urlized as Hugo urlizes them
(`fill_hugo_permalink`), and the URL of a page that is no post, for a `ref` to it
(`Pages`, `page_url`). The patterns come from the site's configuration (hugoconfig).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote
from zoneinfo import ZoneInfo

from feedkit.config import Config

if TYPE_CHECKING:
    from feedkit.posts.hugoconfig import HugoSettings

_PLACEHOLDER = re.compile(r":([a-z]+)")  # /:year/:month/:slug/


def urlize(text: str) -> str:
    """Return `text` as Hugo's urlize makes it a path segment (helpers/path.go,
    UnicodeSanitize; checked against hugo 0.168): letters, digits and marks kept, with
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


def default_pattern(folders: list[str]) -> str:
    """Return Hugo's own URL pattern for a page in `folders`, as no [permalinks] sets one:
    the page's path, its slug or file name last."""
    return "/" + "".join(f"{folder}/" for folder in folders) + ":slugorfilename/"


def fill_hugo_permalink(
    pattern: str, slug: str, name: str, title: str, date: datetime, configured: bool = True
) -> str:
    """Return a Hugo permalink pattern filled in for one page (`:section` and `:sections`
    are filled already): `slug` is its front matter's, `name` its file's (a bundle's
    folder's), `date` in its own zone; `configured` when the pattern is the site's
    [permalinks]' (not Hugo's default, the page's path). Raise ValueError naming a
    placeholder not known."""
    own = urlize(slug) if slug else ""
    # A title is one path segment: its `/` and `\` are hyphens (Hugo 0.111 kept a `/`, and
    # `TCP/IP explained` was two folders); a slug as typed may still hold folders.
    titled = urlize(title.replace("/", "-").replace("\\", "-"))
    values = {
        "year": f"{date.year:04d}",
        "month": f"{date.month:02d}",
        "monthname": date.strftime("%B").lower(),
        "day": f"{date.day:02d}",
        "weekday": str(date.isoweekday() % 7),
        "weekdayname": date.strftime("%A").lower(),
        "yearday": str(date.timetuple().tm_yday),
        "title": titled,
        "slug": own or titled,
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
        configured = pattern is not None and not (dated and date is None)
        if pattern is None or not configured:
            pattern = default_pattern(folders)
        path = fill_hugo_permalink(
            with_sections(pattern, folders),
            slug if isinstance(slug, str) else "",
            stem,
            title if isinstance(title, str) else "",
            date or datetime(1970, 1, 1),
            configured,
        )
    return base_url + quote(path.lstrip("/"), safe=URL_SAFE)
