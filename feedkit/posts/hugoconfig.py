"""A Hugo site's own configuration, as far as its feeds need it: which sections hold posts
(`mainSections`), the URL patterns of their pages (`[permalinks]`; hugourls fills them),
how Goldmark reads Markdown (its typographer and its substitutions, passthrough math,
emoji, raw HTML: the `[markup.goldmark]` tables are read in feedkit/posts/hugomarkup.py).

Read from the files Hugo reads, beside the content folder (or feedkit.toml): `hugo.toml`
(or `config.toml`, YAML, JSON), and a `config/_default/` folder, where `hugo.*`/`config.*`
hold the top level and any other file one top-level key (`params.toml`, `permalinks.yaml`).
Keys in any case, as Hugo reads them.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedkit.errors import ContentError
from feedkit.posts import hugomarkup
from feedkit.posts.hugocascade import Entry, entries_of
from feedkit.posts.hugofiles import HugoFiles, hugo_files
from feedkit.posts.hugourls import check_permalink
from feedkit.posts.sitekind import (
    CONFIG_DIR,
    HUGO_CONFIGS,
    PRODUCTION_DIR,
    THEMES_DIR,
    shown_in,
    theme_names,
)
from feedkit.readonly import readonly

if TYPE_CHECKING:  # at use: a site that is not Hugo's reads no Hugo typography
    from feedkit.posts.reading import Reading

ROOT_NAMES = ("hugo", "config")
SUFFIXES = ("toml", "yaml", "yml", "json")


@readonly()  # its repr is in the build cache's key; nothing compares it
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
    # The front matter it cascades to every page (hugocascade), under the home page's.
    cascade: tuple[Entry, ...] = ()
    # Its [frontmatter] lists for the date and the publish date, lower case, when set.
    dates: tuple[tuple[str, ...], tuple[str, ...]] | tuple[()] = ()
    unsafe: bool = False  # Goldmark's renderer's unsafe: raw HTML shown, not left out
    # The extensions of Goldmark's the site switches off (see reading.goldmark)
    without: tuple[str, ...] = ()
    keep_case: bool = False  # disablePathToLower: its pages' URLs keep their case
    files: HugoFiles = HugoFiles()  # the content files Hugo never reads (ignoreFiles, mounts)
    # uglyURLs: (section, on), "" for the whole site's; a page's URL ends `.html`, not `/`.
    ugly: tuple[tuple[str, bool], ...] = ()
    # The themes it names that are not in its themes/ folder, or are an empty folder there
    # (a clone whose theme submodule is not checked out), but a Hugo Module's path: an
    # unknown shortcode's warning says so. In the build cache's key, as all of these are.
    absent_themes: tuple[str, ...] = ()
    # The languages it has, lower case: only their codes end a file's name as a translation
    # (`post.fr.md`); elsewhere a dot is the name's own (`node.js.md`, `b.fr.md`).
    languages: tuple[str, ...] = ("en",)
    # Those of its [languages] whose pages Hugo publishes under a folder of their name
    # (/zh-cn/…): every one but the default (defaultContentLanguage, the first of
    # `languages`), that too with defaultContentLanguageInSubdir; not one at a baseURL of
    # its own.
    language_folders: tuple[str, ...] = ()
    # Goldmark's parser.attribute.block: `{.class}` below a block sets its attributes.
    block_attributes: bool = False
    # Hugo's embedded link render hook is on (renderHooks.link.useEmbedded): a relative
    # link to a page (`two.md`, `/learning/two/`) goes to where Hugo publishes it.
    link_hook: bool = False
    # What the site sets that feedkit does not follow: (file as shown, what), for warnings.
    unfollowed: tuple[tuple[str, str], ...] = ()

    def language_home(self, language: str, base_url: str) -> tuple[str, str, str]:
        """Return feedkit.toml's `language` (lower case) as the site's language when it is
        another than the default, else ""; the folder Hugo puts its pages in ("/zh-cn", see
        `language_folders`; "" for none); and the site's base URL its pages' paths are
        under: `base_url`, without that folder where it ends in it (feedkit.toml's base_url
        at the language's home, or `feedkit init`'s with defaultContentLanguageInSubdir)."""
        codes = (language, language.split("-")[0])
        found = next((code for code in codes if code in self.languages), "")
        other = found if found and found != self.languages[0] else ""
        if found not in self.language_folders:
            return other, "", base_url
        suffix = found + "/"
        root = base_url.removesuffix(suffix) if base_url.endswith("/" + suffix) else base_url
        return other, "/" + found, root

    @property
    def dollar_escapes(self) -> str:
        """Return Reading.dollar_escapes for the site: Goldmark reads the escapes in `$…$`
        and `$$…$$`, but in those its passthrough delimiters pass on as written."""
        starts = {start for start, _, _ in self.passthrough}
        inline, display = "$" not in starts, "$$" not in starts
        return {
            (True, True): "commonmark",
            (True, False): "commonmark-inline",
            (False, True): "commonmark-display",
        }.get((inline, display), "")

    @property
    def reading(self) -> Reading:
        """Return how the site's posts are read: with Goldmark's typographer, linkify,
        hard wraps, raw HTML and extensions as they are set."""
        from feedkit.posts.reading import goldmark

        return goldmark(
            self.typographer,
            self.typography,
            self.linkify,
            hard_wrap=self.hard_wraps,
            without=self.without,
            raw_html=self.unsafe,
            block_attributes=self.block_attributes,
            dollar_escapes=self.dollar_escapes,
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
    """Return the Hugo configuration files in `folder`, the top-level one first, then
    config/_default/'s and config/production/'s (Hugo's default environment for a build)."""
    files = [folder / name for name in HUGO_CONFIGS if os.path.isfile(folder / name)][:1]
    for sub in (CONFIG_DIR, PRODUCTION_DIR):
        config_dir = folder / sub
        if os.path.isdir(config_dir):
            try:
                files += sorted(p for p in config_dir.iterdir() if p.suffix[1:] in SUFFIXES)
            except OSError as exc:  # a folder this user may not list: its files are unknown
                raise ContentError.single(
                    shown_in(config_dir, folder) + "/",
                    0,
                    f"Hugo's configuration cannot be read ({exc.strerror or exc})",
                ) from None
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
        environment = path.parent.name == "production"  # merged in, key by key, as Hugo does
        if path.parent.name in ("_default", "production") and stem not in ROOT_NAMES:
            if "." not in stem:  # languages.en.toml and the like: not read here
                values[stem] = _merged(values.get(stem, {}), read)
        elif environment:
            values = _merged(values, read)
        else:
            values = {**values, **read}
    return values


def _merged(base: Any, over: dict[str, Any]) -> dict[str, Any]:
    """Return `base` (a mapping, or nothing) with `over`'s keys over its own, each mapping in
    both merged so in turn."""
    found = dict(base) if isinstance(base, dict) else {}
    for key, value in over.items():
        old = found.get(key)
        found[key] = (
            _merged(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return found


def _settings(files: tuple[Path, ...], folder: Path) -> HugoSettings:
    values = _values(files, folder)
    config = shown_in(files[0], folder)  # the configuration, as messages show it
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
                try:  # as Hugo, which stops at a token it does not know
                    check_permalink(pattern)
                except ValueError as exc:
                    raise ContentError.single(
                        config,
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
                config,
                0,
                f"timeZone: {zone!r} is not a time zone name such as 'Europe/Berlin'; set "
                "timezone in feedkit.toml instead",
            ) from None
    return HugoSettings(
        main,
        tuple(patterns.items()),
        hugomarkup.passthrough(values),
        values.get("enableemoji") is True,
        params if isinstance(params, dict) else {},
        str(zone).strip() if zone not in (None, "") else "",
        hugomarkup.typographer(values),
        typography=hugomarkup.typography(values),
        linkify=hugomarkup.linkify(values),
        hard_wraps=hugomarkup.goldmark_table(values, "renderer").get("hardwraps") is True,
        without=hugomarkup.switched_off(values),
        keep_case=values.get("disablepathtolower") is True,
        unsafe=hugomarkup.goldmark_table(values, "renderer").get("unsafe") is True,
        cascade=_cascade(values, config),
        dates=_dates(values),
        files=hugo_files(values, config),
        ugly=_ugly(values),
        languages=_languages(values),
        language_folders=_language_folders(values),
        block_attributes=hugomarkup.block_attributes(values),
        link_hook=_link_hook(values, folder),
        absent_themes=_absent_themes(values, folder),
        unfollowed=hugomarkup.unfollowed(values, folder, config),
    )


def _link_hook(values: dict[str, Any], folder: Path) -> bool:
    """Return True when Hugo renders the site's links with its embedded link render hook:
    `markup.goldmark.renderHooks.link.useEmbedded` "always"; "fallback" when neither the
    site nor its theme has a hook of its own; "auto" (the default) so on a site with more
    than one language (Hugo 0.123 and later, as its documentation says)."""
    hooks = hugomarkup.goldmark_table(values, "renderhooks").get("link")
    use = str(hooks.get("useembedded", "auto") if isinstance(hooks, dict) else "auto").lower()
    if use == "always":
        return True
    if use not in ("auto", "fallback") or (use == "auto" and len(_languages(values)) < 2):
        return False
    return not hugomarkup.own_hooks(values, folder, ("link",))


def _absent_themes(values: dict[str, Any], folder: Path) -> tuple[str, ...]:
    """Return the themes `values` names that `folder`'s themes/ does not hold, or holds as
    an empty folder; not a Hugo Module's path (`github.com/…`), which Hugo fetches, nor any
    where the configuration keeps its themes elsewhere (`themesDir`, which feedkit does not
    read: its themes' shortcodes are unknown, but not said missing)."""
    if values.get("themesdir") not in (None, "", THEMES_DIR, THEMES_DIR + "/"):
        return ()
    absent = []
    for name in theme_names(values.get("theme")):
        if "/" not in name:
            try:
                if not os.listdir(folder / THEMES_DIR / name):
                    absent.append(name)
            except FileNotFoundError:
                absent.append(name)
            except OSError:  # there, but this user may not list it, or not a folder
                pass
    return tuple(absent)


def _ugly(values: dict[str, Any]) -> tuple[tuple[str, bool], ...]:
    """Return uglyURLs as (section, on): `uglyURLs = true` is ("", True), a table each
    section's (`[uglyURLs] posts = true`)."""
    given = values.get("uglyurls")
    if isinstance(given, bool):
        return (("", given),)
    if isinstance(given, dict):
        return tuple((str(k), v) for k, v in given.items() if isinstance(v, bool))
    return ()


def _languages(values: dict[str, Any]) -> tuple[str, ...]:
    """Return the site's languages, lower case: its [languages] and its default language
    (defaultContentLanguage, else Hugo's `en`)."""
    default = values.get("defaultcontentlanguage")
    found = [default.lower() if isinstance(default, str) and default.strip() else "en"]
    languages = values.get("languages")
    if isinstance(languages, dict):
        found += [str(key).lower() for key in languages]
    return tuple(dict.fromkeys(found))


def _language_folders(values: dict[str, Any]) -> tuple[str, ...]:
    """Return the languages whose pages Hugo publishes under /<language>/ (see
    HugoSettings.language_folders), lower case."""
    languages = values.get("languages")
    if not isinstance(languages, dict):
        return ()
    default = _languages(values)[0]
    in_subdir = values.get("defaultcontentlanguageinsubdir") is True
    return tuple(
        str(key).lower()
        for key, own in languages.items()
        if (str(key).lower() != default or in_subdir)
        and not (isinstance(own, dict) and own.get("baseurl"))
    )


def _dates(values: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]] | tuple[()]:
    """Return the [frontmatter] lists of what dates a page and when it is published (keys,
    and `:default`, `:filename` and the others), each in lower case; () when neither is set
    (Hugo's defaults)."""
    table = values.get("frontmatter")
    if not isinstance(table, dict) or not ({"date", "publishdate"} & table.keys()):
        return ()

    def listed(name: str) -> tuple[str, ...]:
        given = table.get(name, [":default"])
        given = [given] if isinstance(given, str) else given
        return tuple(str(each).lower() for each in given) if isinstance(given, list) else ()

    return listed("date"), listed("publishdate")


def _cascade(values: dict[str, Any], shown: str) -> tuple[Entry, ...]:
    """Return what the configuration's `cascade` gives every page; raise ContentError naming
    the file for one feedkit cannot apply as Hugo does."""
    given = values.get("cascade")
    if given is None:
        return ()
    return tuple(entries_of(given, lambda message: ContentError.single(shown, 0, message)))


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
            shown_in(path, folder),
            mark.line + 1 if mark is not None else 0,
            f"Hugo's configuration cannot be read ({reason})",
        ) from None


def _lower(value: Any) -> Any:
    """Return the value with every mapping key in lower case (Hugo's keys have no case)."""
    if isinstance(value, dict):
        return {str(k).lower(): _lower(v) for k, v in value.items()}
    return value
