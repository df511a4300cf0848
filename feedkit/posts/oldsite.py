"""A blog made for Jekyll, Hugo or Pelican, as `feedkit init` finds it in the folder it
starts a site in: where its posts are, and what its own configuration says of the blog.

Only what the generator's configuration says as plain values is taken (a title, a URL, an
author); what feedkit reads from that configuration at every build (Jekyll's and Hugo's
permalinks, time zones, defaults) is left to the build, so the two cannot disagree later.
Nothing here writes; nothing raises for a configuration that cannot be read: `feedkit check`
names such a file when it matters.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from feedkit.config import FeedConfig
from feedkit.configkeys import AUTHOR_KEYS, FEED_KEYS, OTHER_NAMES, SITE_KEYS
from feedkit.errors import ContentError
from feedkit.models import Author
from feedkit.posts import pelicanread, pelicansettings
from feedkit.posts.hugoconfig import site_values
from feedkit.posts.jekyllconfig import config_file, jekyll_config
from feedkit.posts.postvalues import parse_authors
from feedkit.posts.sitekind import CONFIG_DIR, HUGO_CONFIGS, PELICAN_CONFIG, decide
from feedkit.posts.walk import PELICAN_SUFFIXES

# What readers' feed readers know the old feeds by: entry IDs and the feed's address, as
# README's "Moving from Jekyll, Hugo or Pelican" tells.
FEED_SETTINGS = {
    "jekyll": (("ids", "jekyll"), ("atom", "feed.xml")),
    "hugo": (("ids", "url"), ("rss", "index.xml")),
    "pelican": (("ids", "pelican"), ("atom", "feeds/all.atom.xml")),
}
NAMES = {"jekyll": "Jekyll", "hugo": "Hugo", "pelican": "Pelican"}
_FIELD = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True)
class OldSite:
    """What a Jekyll, Hugo or Pelican site in a folder says of itself."""

    kind: str  # "jekyll", "hugo" or "pelican"
    config: str  # the file (or folder) that shows it, relative to the site's folder
    content_dir: str  # the folder feedkit reads posts from, relative to the site's folder
    title: str = ""
    description: str = ""
    base_url: str = ""
    author: str = ""
    email: str = ""
    language: str = ""
    permalink: str = ""  # a Pelican site's ARTICLE_URL as feedkit's `permalink`
    unfollowed: str = ""  # why the site's post URLs cannot be followed, when they cannot
    # What was found but is no value feedkit.toml can take: (setting, why), for `init` to say.
    refused: tuple[tuple[str, str], ...] = ()
    # The settings by which the generator publishes posts before their date, drafts or
    # expired ones, which feedkit's feeds and digests never carry: for `init` to say.
    early: tuple[str, ...] = ()
    # The feeds it writes besides the one feedkit keeps (a category's, an author's): for
    # `init` to say that readers subscribed to one get nothing new.
    unwritten: tuple[str, ...] = ()
    # The feed readers subscribed to, as (`atom` or `rss`, its file under the output folder),
    # when the site's configuration moved it from the generator's default (FEED_SETTINGS).
    address: tuple[str, str] | None = None
    # The other format's feed of the same posts, when the site writes both (Pelican's
    # FEED_ALL_ATOM and FEED_ALL_RSS): (`rss`, its file), for readers subscribed to it.
    also: tuple[str, str] | None = None
    # How many entries its feed held, when it held fewer than feedkit's 20 would (jekyll-feed's
    # posts_limit, 10 by default; Hugo's rss limit; Pelican's FEED_MAX_ITEMS); 0: no fewer.
    limit: int = 0
    # Its feed carried summaries only (jekyll-feed's `excerpt_only`): so do feedkit's.
    summaries_only: bool = False

    @property
    def name(self) -> str:
        return NAMES[self.kind]

    @property
    def feed(self) -> tuple[tuple[str, str], ...]:
        """Return the [feed] settings that keep what readers know the old feed by; and, when
        that feed's file has the name feedkit gives its other format (Hugo's RSS moved to
        atom.xml by `baseName = "atom"`), that format's name elsewhere (OTHER_NAMES)."""
        ids, default = FEED_SETTINGS[self.kind]
        key, path = self.address or default
        other = "rss" if key == "atom" else "atom"
        if self.also is not None and self.also[0] == other and self.also[1] != path:
            return ids, (key, path), self.also
        if path == getattr(FeedConfig, other):
            return ids, (key, path), (other, OTHER_NAMES[other])
        return ids, (key, path)


def find_old_site(folder: Path) -> OldSite | None:
    """Return the Jekyll, Hugo or Pelican site in `folder`, None when there is none: whose
    it is by the rule a build follows (feedkit/posts/sitekind.py), so a Hugo site with
    GitHub Pages' `_config.yml` is Hugo's."""
    hugo = [name for name in HUGO_CONFIGS if (folder / name).is_file()]
    kind = decide(
        posts_folder=(folder / "_posts").is_dir(),
        hugo_config=bool(hugo) or (folder / CONFIG_DIR).is_dir(),
        pelican_config=(folder / PELICAN_CONFIG).is_file(),
        jekyll_config=config_file(folder).is_file(),
        section_pages=False,  # content copied alone has no configuration to take over
    )
    if kind == "jekyll":
        return _checked(_jekyll(folder))
    if kind == "hugo":
        return _checked(_hugo(folder, hugo[0] if hugo else CONFIG_DIR))
    if kind == "pelican":
        return _checked(_pelican(folder))
    return None


def _checked(site: OldSite) -> OldSite:
    """Return `site` without the values feedkit.toml would refuse, each named in `refused`
    (and its language as feedkit.toml reads it)."""
    dropped: dict[str, Any] = {}
    refused = []
    keys = ("title", "description", "base_url", "language", "content_dir", "permalink", "email")
    for key in keys:
        value = getattr(site, key)
        if not value:
            continue
        try:
            read = (AUTHOR_KEYS if key == "email" else SITE_KEYS)[key](value)
        except ValueError as exc:
            dropped[key] = "." if key == "content_dir" else ""
            said = str(exc).removesuffix(f": {value!r}")  # named once
            setting = "author.email" if key == "email" else key
            refused.append((setting, f"{site.config}: {value!r} {said}"))
            continue
        if key == "language" and read != value:
            dropped[key] = read  # written as feedkit reads it: `zh_CN` is `zh-CN`
    return replace(site, **dropped, refused=tuple(refused)) if dropped else site


# What a Jekyll `_config.yml` or a Hugo configuration (keys in lower case) sets to publish
# what feedkit keeps out of feeds and digests.
EARLY = {
    "future": "future: true publishes posts dated in the future",
    "unpublished": "unpublished: true publishes posts marked 'published: false'",
    "show_drafts": "show_drafts: true publishes the drafts in _drafts/",
    "buildfuture": "buildFuture publishes pages dated in the future",
    "builddrafts": "buildDrafts publishes drafts",
    "buildexpired": "buildExpired publishes expired pages",
}
PELICAN_FUTURE = "WITH_FUTURE_DATES (unless set to False) publishes articles dated in the future"


def _early(values: dict[str, Any]) -> tuple[str, ...]:
    return tuple(said for key, said in EARLY.items() if values.get(key) is True)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _address(key: str, path: str) -> tuple[str, str] | None:
    """Return (key, path) when `path` is a file under the output folder that feedkit.toml's
    `key` can take, None for any other (the generator's default is kept then)."""
    try:
        return key, FEED_KEYS[key](path.strip().lstrip("/"))
    except (KeyError, ValueError):
        return None


def _limit(given: Any, default: int) -> int:
    """Return a feed's entry limit when it is under feedkit's 20 (`given`, else the
    generator's `default`; 0 for none): a post that had left the old feed, and comes back,
    is new to a reader that forgot it."""
    count = given if type(given) is int and given > 0 else default
    return count if 0 < count < 20 else 0


def _literal(node: Any) -> Any:
    return node.value if isinstance(node, ast.Constant) else None


def _hugo_rss_limit(values: dict[str, Any]) -> Any:
    """Return Hugo's RSS limit: `[services.rss] limit`, else the older `rssLimit`."""
    services = values.get("services")
    rss = services.get("rss") if isinstance(services, dict) else None
    if isinstance(rss, dict) and "limit" in rss:
        return rss["limit"]
    return values.get("rsslimit")


def _hugo_rss(values: dict[str, Any]) -> tuple[str, str] | None:
    """Return where Hugo writes the home page's RSS when `[outputFormats.RSS]` moves it
    from index.xml: its `path` folder and `baseName` (checked against Hugo 0.168)."""
    formats = values.get("outputformats")
    rss = formats.get("rss") if isinstance(formats, dict) else None
    if not isinstance(rss, dict):
        return None
    name, folder = _text(rss.get("basename")) or "index", _text(rss.get("path")).strip("/")
    return _address("rss", f"{folder}/{name}.xml" if folder else f"{name}.xml")


def _person(value: Any) -> tuple[str, str]:
    """Return (name, email) of the first `author` as a post would give it (a name, `Name
    <email>`, a mapping with `name` and `email`, or a list of those); ("", "") for none."""
    dropped: list[tuple[str, str, str]] = []
    try:
        found = parse_authors(value, Author(""), dropped=dropped) if value else ()
    except ValueError:
        return "", ""
    if not found:
        return "", ""
    # An address no feed can carry stays as written, for `_checked` to refuse by name.
    refused = [value for key, value, _ in dropped if key == "email"]
    return found[0].name, found[0].email or (refused[0] if refused else "")


def _jekyll(folder: Path) -> OldSite:
    try:
        configured = config_file(folder).is_file()
        values = jekyll_config(folder if configured else None, folder)
    except ContentError:
        values = {}
    url = _text(values.get("url"))
    base = _text(values.get("baseurl")).strip("/")
    author, email = _person(values.get("author"))
    return OldSite(
        "jekyll",
        config_file(folder).name if values else "_posts/",
        ".",  # _posts/ and the category folders above theirs: Jekyll's rules say which
        title=_text(values.get("title")) or _text(values.get("name")),  # as jekyll-feed
        description=_text(values.get("description")),
        base_url=url.rstrip("/") + "/" + (base + "/" if base else "") if url else "",
        author=author,
        email=email or _text(values.get("email")),
        language=_text(values.get("lang")),
        early=_early(values),
        # jekyll-feed's `feed: path:` (feed.xml by default)
        address=_address("atom", feed["path"])
        if isinstance(feed := values.get("feed"), dict) and isinstance(feed.get("path"), str)
        else None,
        limit=_limit(feed.get("posts_limit") if isinstance(feed, dict) else None, 10),
        summaries_only=isinstance(feed, dict) and feed.get("excerpt_only") is True,
        unwritten=tuple(
            f"feed: {key}: writes a feed per {one} listed (feed/<name>.xml), which feedkit does not"
            for key, one in (("categories", "category"), ("tags", "tag"))
            if isinstance(feed, dict) and feed.get(key)
        ),
    )


def _hugo(folder: Path, config: str) -> OldSite:
    try:
        values = site_values(folder)
    except ContentError:
        values = {}
    # A multilingual site's default language (Hugo's default: en) has its own settings,
    # which take the place of the top level's for its pages: its title, its params, its
    # own content folder. feedkit publishes that language's posts.
    default = _text(values.get("defaultcontentlanguage")) or "en"
    languages = values.get("languages")
    own = languages.get(default.lower()) if isinstance(languages, dict) else None
    if isinstance(own, dict):
        # Not the top level's languageCode (`hugo new site` writes 'en-us'), which Hugo's
        # feed carries for a language without one of its own: the language is the posts'
        # (which translation is a post), and a language without its own code is its key.
        code = _locale(own) or default.lower()
        # Published under /de/ with defaultContentLanguageInSubdir, but at a host of its own.
        subdir = values.get("defaultcontentlanguageinsubdir") is True and "baseurl" not in own
        values = {**values, **own, "params": {**_params(values), **_params(own)}}
        values["locale"] = code
        if subdir and (url := _text(values.get("baseurl"))):
            values["baseurl"] = url.rstrip("/") + "/" + default.lower() + "/"
    params = _params(values)
    author, email = _person(values.get("author") or params.get("author"))
    language = _locale(values) or _text(values.get("defaultcontentlanguage"))
    return OldSite(
        "hugo",
        config,
        _text(values.get("contentdir")) or "content",
        title=_text(values.get("title")),
        description=_text(params.get("description")),
        base_url=_text(values.get("baseurl")),
        author=author,
        email=email or _text(params.get("email")),
        language=language,
        early=_early(values),
        address=_hugo_rss(values),
        limit=_limit(_hugo_rss_limit(values), 0),
    )


def _locale(values: dict[str, Any]) -> str:
    """Return a Hugo site's or language's language tag: `locale`, which took the place of
    `languageCode` in Hugo 0.158 and wins over it (the feed's `<language>`)."""
    return _text(values.get("locale")) or _text(values.get("languagecode"))


def _params(values: dict[str, Any]) -> dict[str, Any]:
    found = values.get("params")
    return found if isinstance(found, dict) else {}


def _pelican_content(folder: Path) -> str:
    """Return the content folder of a Pelican site whose pelicanconf.py sets no PATH:
    `content` when that folder holds Markdown (as real sites keep their posts there and name
    it on the command line, `pelican content`), else "." (Pelican's default PATH, the
    folder itself)."""
    content = folder / "content"
    if content.is_dir():
        for path in content.rglob("*"):
            if path.suffix in PELICAN_SUFFIXES and path.is_file():
                return "content"
    return "."


def _pelican(folder: Path) -> OldSite:
    # publishconf.py over pelicanconf.py, as `from pelicanconf import *` at its top does:
    # SITEURL is set there for the published site, "" in pelicanconf.py.
    values = {
        **pelicanread.assignments([folder / PELICAN_CONFIG]),
        **pelicanread.assignments([folder / "publishconf.py"]),
    }

    def setting(name: str) -> str:
        return (pelicanread.text_of(values.get(name), values) or "").strip()

    article_url = setting("ARTICLE_URL") or "{slug}.html"  # Pelican's default
    future = values.get("WITH_FUTURE_DATES")
    future_off = isinstance(future, ast.Constant) and future.value is False
    permalink = pelicansettings.permalink_of(article_url)
    unknown = [f for f in _FIELD.findall(article_url) if f not in pelicansettings.PELICAN_FIELDS]
    unfollowed = ""
    # ARTICLE_URL, and the settings it is made of, set in an `if` (egberts.github.io's
    # SITE_URL_TOP_LVL): their value is the one running the file gives.
    blocks = {
        **pelicanread.set_in_blocks([folder / PELICAN_CONFIG]),
        **pelicanread.set_in_blocks([folder / "publishconf.py"]),
    }
    made_of = {"ARTICLE_URL"} | {
        node.id
        for node in ast.walk(values.get("ARTICLE_URL") or ast.Pass())
        if isinstance(node, ast.Name)
    }
    if conditional := sorted(made_of & blocks.keys(), key=lambda name: name != "ARTICLE_URL"):
        name = conditional[0]
        made = "is" if name == "ARTICLE_URL" else f"is made of {name}, which is"
        unfollowed = (
            f"its ARTICLE_URL {made} set in a block (line {blocks[name]}) that only running "
            "the file decides"
        )
        permalink = None  # left for the writer to set (init comments it out)
    elif "ARTICLE_URL" in values and not setting("ARTICLE_URL"):
        unfollowed = "its ARTICLE_URL is made in a way feedkit cannot read"
    elif unknown:
        unfollowed = f"its ARTICLE_URL {article_url!r} has {unknown[0]}, which feedkit cannot fill"
    return OldSite(
        "pelican",
        PELICAN_CONFIG,
        setting("PATH").strip("/") or _pelican_content(folder),
        title=setting("SITENAME"),
        base_url=setting("SITEURL"),
        author=setting("AUTHOR"),
        language=setting("DEFAULT_LANG"),
        permalink=permalink or "",
        unfollowed=f"{PELICAN_CONFIG}: {unfollowed}; set permalink in feedkit.toml to where "
        "posts are, or every entry's link and ID changes"
        if unfollowed
        else "",
        early=() if future_off else (PELICAN_FUTURE,),
        unwritten=_pelican_unwritten(values),
        address=_pelican_feed(values),
        also=_pelican_rss(values),
        limit=_limit(_literal(values.get("FEED_MAX_ITEMS")), 0),
    )


# Pelican 4.8's feeds besides the feed of all articles, with its defaults (None: off).
PELICAN_OTHER_FEEDS = {
    "CATEGORY_FEED_ATOM": ("a feed per category", "feeds/{slug}.atom.xml"),
    "AUTHOR_FEED_ATOM": ("a feed per author", "feeds/{slug}.atom.xml"),
    "AUTHOR_FEED_RSS": ("a feed per author", "feeds/{slug}.rss.xml"),
    "TRANSLATION_FEED_ATOM": ("a feed per language", "feeds/all-{lang}.atom.xml"),
    "CATEGORY_FEED_RSS": ("a feed per category", None),
    "TAG_FEED_ATOM": ("a feed per tag", None),
    "TAG_FEED_RSS": ("a feed per tag", None),
}


def _pelican_unwritten(values: dict[str, ast.expr]) -> tuple[str, ...]:
    """Return what `init` says of the feeds Pelican writes besides the feed of all articles
    (its settings, publishconf.py's over pelicanconf.py's, else its defaults), in one note."""
    found = []
    for name, (what, default) in PELICAN_OTHER_FEEDS.items():
        node = values.get(name)
        written = pelicanread.text_of(node, values) if node is not None else default
        if written:
            found.append(f"{what} ({name}: {written})")
    if not found:
        return ()
    return (f"Pelican writes {', '.join(dict.fromkeys(found))}, which feedkit does not",)


def _pelican_rss(values: dict[str, ast.expr]) -> tuple[str, str] | None:
    """Return the RSS feed of all articles Pelican writes beside its Atom one (FEED_ALL_RSS
    set, FEED_ALL_ATOM not set to None), None when it writes none."""
    atom = values.get("FEED_ALL_ATOM")
    if atom is not None and not pelicanread.text_of(atom, values):
        return None  # no Atom feed: the RSS one is the feed (`_pelican_feed`)
    path = pelicanread.text_of(values.get("FEED_ALL_RSS"), values)
    return _address("rss", path) if path and "{" not in path else None


def _pelican_feed(values: dict[str, ast.expr]) -> tuple[str, str] | None:
    """Return the feed of all articles Pelican writes when the configuration moves it from
    feeds/all.atom.xml: FEED_ALL_ATOM, else (set to None) FEED_ALL_RSS."""
    for name, key in (("FEED_ALL_ATOM", "atom"), ("FEED_ALL_RSS", "rss")):
        path = pelicanread.text_of(values.get(name), values)
        if path:
            return _address(key, path) if "{" not in path else None
        if name not in values:
            return None  # Pelican's own default: feeds/all.atom.xml
    return None
