"""The URLs Hugo gives a site's pages: its `[permalinks]` patterns (or its default, the
page's path) filled in for one page as Hugo 0.168 fills them (resources/page/
permalinks.go): each pattern parsed once, its section tokens filled in from the page's
sections (`Sections`, `with_sections`), then the page's own (`fill_hugo_permalink`),
titles and slugs urlized as Hugo urlizes them; and the URL of a page that is no post, for
a `ref` to it (`Pages`, `page_url`). The patterns come from the site's configuration
(hugoconfig); Go time layouts (`:2006`) from hugotime.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote_plus, unquote_to_bytes
from zoneinfo import ZoneInfo

from feedkit.config import Config

if TYPE_CHECKING:
    from feedkit.posts.hugoconfig import HugoSettings


def urlize(text: str) -> str:
    """Return `text` as Hugo's urlize makes it a path segment (helpers/url.go URLize and
    common/paths Sanitize; checked against hugo 0.168): letters, digits and marks kept,
    with `./\\_#+~-@` and `%` before two hex digits; a run of spaces one hyphen, none after
    a typed `-` (`Part 1 - Intro` is `part-1-intro`); the rest dropped. Its case is kept:
    Hugo makes the whole URL lower case (`fill_hugo_permalink`). As Hugo reads it as a URL, a
    `#` is where its fragment starts, and one with nothing after it is dropped (`C#` is
    `c`, `C# tips` `c#-tips`)."""
    sanitized = _sanitized(text.strip())
    path, _, fragment = sanitized.partition("#")
    return sanitized if fragment else path


def section_name(folder: str) -> str:
    """Return a content folder's name as Hugo's path of it writes it, and so its section's
    name (common/paths NormalizePathStringBasic): lower case, each space a hyphen, nothing
    dropped (`What's (New)` is `what's-(new)`). `mainSections` and `[permalinks]` name a
    section so, and `:section` and `:sections` give it."""
    return folder.lower().replace(" ", "-")


def path_name(name: str) -> str:
    """Return a file's or folder's name as the path Hugo publishes its page at writes it:
    its section name's form, sanitised (`¶ & 🔗` is `--`; checked against hugo 0.168)."""
    return _sanitized(section_name(name))


def _sanitized(text: str) -> str:
    if _PLAIN_PATH.fullmatch(text):  # most paths: nothing to do
        return text
    out: list[str] = []
    pending = typed_hyphen = False
    for at, char in enumerate(text):
        if _kept(text, at, char):
            typed_hyphen = char == "-"
            if pending and not typed_hyphen:
                out.append("-")
            pending = False
            out.append(char)
        elif out and char.isspace() and not typed_hyphen:
            pending = True
    return "".join(out)


_HEX = re.compile(r"[0-9a-fA-F]{2}")


def _cased(path: str, keep_case: bool) -> str:
    return path if keep_case else path.lower()


def _kept(text: str, at: int, char: str) -> bool:
    """Return True when Hugo's path sanitising keeps the character `char` at `at` in
    `text`: letters, digits and marks, `./\\_#+~-@`, and `%` before two hex digits."""
    return (
        char.isalpha()
        or char.isdigit()
        or char in "./\\_#+~-@"
        or unicodedata.category(char).startswith("M")
        or (char == "%" and _HEX.fullmatch(text[at + 1 : at + 3]) is not None)
    )


# Go's names, in English whatever the locale; Sunday first.
MONTHS = (
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
)
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

# A token of a pattern: Go's `\w+`, a slice after it (`:sections[1:]`), as Hugo reads it.
TOKEN = re.compile(r":([0-9A-Za-z_]+(?:\[.+?\])?)")
ESCAPED_COLON = "\x00"  # `\:` in a pattern: a colon, no token (Hugo's escape)
SECTION_TOKENS = ("section", "sectionslug", "sections", "sectionslugs")
PAGE_TOKENS = (
    *("year", "month", "monthname", "day", "weekday", "weekdayname", "yearday"),
    *("title", "slug", "filename", "slugorfilename"),
    *("contentbasename", "slugorcontentbasename"),
)
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/~#@-]*")  # as Hugo's path sanitising leaves it


@lru_cache(maxsize=512)
def _parsed(pattern: str) -> tuple[str | Callable[..., str], ...]:
    """Return the pattern as its literal text and what fills each token in: a section
    token's name, or a function of the page (see `fill_hugo_permalink`); raise ValueError
    naming a token Hugo 0.168 does not know (it stops the build: "permalink attribute not
    recognised")."""
    pattern = pattern.replace("\\:", ESCAPED_COLON)
    parts: list[str | Callable[..., str]] = []
    at = 0
    for match in TOKEN.finditer(pattern):
        parts.append(pattern[at : match.start()])
        at = match.end()
        token = match[1]
        if token in SECTION_TOKENS or token.startswith(("sections[", "sectionslugs[")):
            # Filled in before (hugosections.with_sections): here as written, if at all.
            parts.append(lambda page, written=match[0]: written)
        elif token in PAGE_TOKENS:
            parts.append(_PAGE_VALUES[token])
        else:
            from feedkit.posts.hugotime import go_layout  # here: few patterns have one

            layout = go_layout(token)
            if layout is None:
                raise ValueError(
                    f"unknown placeholder :{token}; use "
                    + ", ".join(f":{name}" for name in (*SECTION_TOKENS, *PAGE_TOKENS))
                    + ", a slice such as :sections[1:] or :sections[last], or a Go time "
                    "layout such as :2006, :01, :02, :Monday or :Jan"
                )
            parts.append(_dated(lambda page, layout=layout: layout(page[3])))
    parts.append(pattern[at:])
    return tuple(p for p in parts if p != "")


def _dated(fill: Callable[..., str]) -> Callable[..., str]:
    _DATE_FILLS.add(fill)
    return fill


def uses_date(pattern: str) -> bool:
    """Return True when the pattern has a token of the page's date (`:year`, `:2006`)."""
    return any(part in _DATE_FILLS for part in _parsed(pattern) if not isinstance(part, str))


def check_permalink(pattern: str) -> None:
    """Raise ValueError naming a token of the [permalinks] pattern Hugo does not know."""
    _parsed(pattern)


def permalink_for(permalinks: dict[str, str], folders: list[str]) -> str | None:
    """Return the [permalinks] pattern of a page in `folders` (None: Hugo's default): its
    key is the top folder's section name (`section_name`)."""
    if not permalinks:
        return None
    return permalinks.get(section_name(folders[0]) if folders else "")


def default_pattern(folders: list[str]) -> str:
    """Return Hugo's own URL of a page in `folders` up to its name, as no [permalinks] sets
    one: the page's folders (`fill_hugo_permalink` adds its slug or file name)."""
    return "/" + "".join(f"{folder}/" for folder in folders)


def fill_hugo_permalink(
    pattern: str,
    slug: str,
    name: str,
    title: str,
    date: datetime,
    configured: bool = True,
    keep_case: bool = False,
    ugly: bool = False,
) -> str:
    """Return a Hugo permalink pattern filled in for one page (its section tokens are
    filled already, `with_sections`): `slug` is its front matter's, `name` its file's (a
    bundle's folder's), `date` in its own zone; `configured` when the pattern is the
    site's [permalinks]' (else Hugo's default, `default_pattern`: the page's folders, its
    slug or name after them); `keep_case` when the site sets `disablePathToLower`; `ugly`
    when its uglyURLs: the path's last slash is `.html` (a pattern's own `.html` gets
    another, as Hugo 0.168 writes it). Raise ValueError naming a token Hugo does not know."""
    path = _filled(pattern, slug, name, title, date, configured, keep_case)
    if configured and "/." in path:  # a slug's `..` or `.` in the site's [permalinks]
        path = _joined(path)  # (Hugo 0.168 joins that path; its default keeps them)
    return path[:-1] + ".html" if ugly and path.endswith("/") and path != "/" else path


def _joined(path: str) -> str:
    """Return a page's path as Go's path.Join leaves it (posixpath.normpath's rules), its
    last slash kept (Hugo's `pjoin`): a slug `..` under `posts = "/:year/:slug/"` is at /,
    `../x` at /x/, as Hugo 0.168 publishes them."""
    joined = "/" + posixpath.normpath(path).lstrip("/")
    return joined + "/" if path.endswith("/") and joined != "/" else joined


def _filled(
    pattern: str,
    slug: str,
    name: str,
    title: str,
    date: datetime,
    configured: bool,
    keep_case: bool,
) -> str:
    if not configured:
        return _default_path(pattern, slug, name, keep_case)
    page = (slug, name, title, date)
    filled = "".join(p if isinstance(p, str) else p(page) for p in _parsed(pattern))
    filled = filled.replace(ESCAPED_COLON, ":")  # Hugo's path drops it (`_sanitized`)
    if not _PLAIN_PATH.fullmatch(filled):
        # Hugo reads a filled [permalinks] pattern as a query string (url.QueryUnescape): a
        # `+` is a space, `%41` an `A`, `%25` a `%` (`c++ tips` is `c-tips`, `a%25b` `ab`);
        # then sanitises it whole, but for its last slash: a space before that is dropped.
        filled = _sanitized(_query_unescaped(filled).rstrip("/"))
    if "//" in filled:
        filled = re.sub(r"/{2,}", "/", filled)
    return _as_link(_cased(filled.rstrip("/") + "/", keep_case))


def _default_path(folders: str, slug: str, name: str, keep_case: bool) -> str:
    """Return Hugo's default URL of a page (checked against Hugo 0.168): its folders and
    file name as Hugo's path writes them (`section_name`: each space a hyphen, so `Part 1 -
    Intro.md` is `part-1---intro`), or as written with `disablePathToLower` (a run of
    spaces one hyphen, `Part-1-Intro`); its slug as typed; each sanitised (`_sanitized`),
    nothing decoded (`a%25b.md` is `a%25b`), lower case unless `keep_case`."""
    if not keep_case:
        folders, name = section_name(folders), section_name(name)
    path = _sanitized(folders).rstrip("/") + "/" + _sanitized(slug or name) + "/"
    return _as_link(_cased(path.replace("//", "/"), keep_case))


def _as_link(path: str) -> str:
    """Return the path as Hugo's link writes it (Go's URL.EscapedPath): its `%` escapes
    as typed (`a%41b`), but where it holds a character no URL holds as it is (one not
    ASCII, a `\\`): then each is decoded and the whole path escaped again (`ü%c3%bc` is
    `%C3%BC%C3%BC`, `b\\x%41` `b%5CxA`)."""
    if "%" not in path or not _ESCAPED_IN_LINKS.search(path):
        return path
    return quote(unquote_to_bytes(path), safe="/$&+,:;=@")


_ESCAPED_IN_LINKS = re.compile(r"[^\x00-\x7f]|\\")


def _query_unescaped(text: str) -> str:
    """Return `text` as Go's url.QueryUnescape reads it: `+` a space, `%41` an `A`; as it
    is when a `%` starts no escape (Hugo then gives every page the URL `/./`)."""
    if _LONE_PERCENT.search(text):
        return text
    return unquote_plus(text, errors="replace")


_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def titled(title: str) -> str:
    # A title is one path segment: its `/` and `\` are hyphens (Hugo 0.111 kept a `/`, and
    # `TCP/IP explained` was two folders); a slug as typed may still hold folders.
    return urlize(title.replace("/", "-").replace("\\", "-"))


def _slug_else(page: tuple[str, str, str, datetime], otherwise: str) -> str:
    return urlize(page[0]) if page[0] else otherwise


_PAGE_VALUES: dict[str, Callable[[tuple[str, str, str, datetime]], str]] = {
    "year": lambda page: str(page[3].year),
    "month": lambda page: f"{page[3].month:02d}",
    "monthname": lambda page: MONTHS[page[3].month - 1],
    "day": lambda page: f"{page[3].day:02d}",
    "weekday": lambda page: str(page[3].isoweekday() % 7),
    "weekdayname": lambda page: WEEKDAYS[page[3].isoweekday() % 7],
    "yearday": lambda page: str(page[3].timetuple().tm_yday),
    "title": lambda page: titled(page[2]),
    "slug": lambda page: _slug_else(page, titled(page[2]) if not page[0] else ""),
    "filename": lambda page: urlize(page[1]),
    "contentbasename": lambda page: urlize(page[1]),
    "slugorfilename": lambda page: _slug_else(page, urlize(page[1])),
    "slugorcontentbasename": lambda page: _slug_else(page, urlize(page[1])),
}
_DATE_FILLS = {_PAGE_VALUES[name] for name in PAGE_TOKENS[:7]}


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
    from feedkit.posts.hugosections import Sections, with_sections
    from feedkit.posts.postfile import FileProblems
    from feedkit.posts.postread import read_head
    from feedkit.posts.posturl import URL_SAFE
    from feedkit.posts.postvalues import parse_date

    try:
        meta = parse_front_matter(read_head(content / rel, rel, [], hugo=True)[0], rel, hugo=True)
    except (OSError, FileProblems):
        meta = {}
    parts = rel.split("/")
    folders, stem = parts[:-1], parts[-1].rsplit(".", 1)[0]
    url, slug, title = (meta.get(k) for k in ("url", "slug", "title"))
    if isinstance(url, str) and url.startswith("/"):
        path = hugo_url_path(url)
    elif stem.split(".")[0] == "_index":  # a section's page: the section's address
        keep_case, above = settings.keep_case, default_pattern(folders[:-1])
        path = _default_path(above, "", folders[-1], keep_case) if folders else "/"
    else:
        if stem.split(".")[0] == "index":  # a page bundle: the page is its folder
            stem, folders = (folders or [""])[-1], folders[:-1]
        stem = stem.split(".")[0] if "." in stem else stem  # about.fr: about
        pattern = permalink_for(dict(settings.permalinks), folders)
        date: datetime | None = None
        try:
            date = parse_date(meta.get("date"), tz, hugo=True) if meta.get("date") else None
        except ValueError:
            pass
        configured = pattern is not None and not (uses_date(pattern) and date is None)
        if pattern is None or not configured:
            pattern = default_pattern(folders)
        else:
            sections = Sections(content).of(folders, ":sectionslug" in pattern)
            pattern = with_sections(pattern, sections)
        path = fill_hugo_permalink(
            pattern,
            slug if isinstance(slug, str) else "",
            stem,
            title if isinstance(title, str) else "",
            date or datetime(1970, 1, 1),
            configured,
            settings.keep_case,
            is_ugly(settings.ugly, folders),
        )
    return base_url + quote(path.lstrip("/"), safe=URL_SAFE)


def hugo_url_path(path: str) -> str:
    """Return a page's front matter `url` as Hugo 0.168 publishes it: with a `..` in it,
    cleaned as Go's `path.Clean` cleans it (`/a/../b/` is `/b`); every run of `/` one
    (`/a//b/` is `/a/b/`), a `./` without a `..` kept, as in Hugo's links; and a path with
    no dot ending in `/` (`/a/b` is /a/b/index.html, not /a/b.html)."""
    if ".." in path:
        path = posixpath.normpath(path)
    path = re.sub(r"/{2,}", "/", path)
    return path if path.endswith("/") or "." in path else path + "/"


def is_ugly(ugly: Iterable[tuple[str, bool]], folders: list[str]) -> bool:
    """Return True if a page in `folders` has an `.html` URL by the site's uglyURLs (see
    HugoSettings.ugly): its section's, else the whole site's."""
    if not ugly:  # as nearly every site: called for each of its pages
        return False
    given = dict(ugly)
    return given.get(section_name(folders[0]) if folders else "", given.get("", False))
