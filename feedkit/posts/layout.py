"""Which files under the content folder are posts: the rules of Jekyll, Hugo and Pelican
layouts.

A file that is not a post is never dropped silently: it is skipped with the reason, and
`feedkit check` lists it.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from functools import cached_property
from os.path import abspath
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from feedkit.config import Config
from feedkit.posts import pelicansettings
from feedkit.posts.hugolayout import HugoLayout, is_index, largest_section
from feedkit.posts.jekyllconfig import (
    jekyll_config,
    jekyll_folder,
    jekyll_unread_paths,
    markdown_suffixes,
)
from feedkit.posts.jekylldefaults import defaults_for
from feedkit.posts.jekylllayout import NO_JEKYLL, jekyll_layout
from feedkit.posts.places import (
    HUGO_NOT_MARKDOWN,
    JEKYLL_OUTSIDE,
    JEKYLL_PAGE,
    JEKYLL_POST_FILE,
    JEKYLL_UNDATED,
    PELICAN_HTML,
    PELICAN_NOT_MARKDOWN,
    PELICAN_RST,
    SECTION_PAGE,
    Place,
    Skipped,
    hugo_other_format,
)
from feedkit.posts.sitekind import (
    PELICAN_CONFIG,
    SiteKind,
    hugo_config_in,
    site_folders,
    site_kind,
    site_markers,
)
from feedkit.posts.walk import (
    HUGO_OTHER_SUFFIXES,
    HUGO_SUFFIXES,
    MARKDOWN_SUFFIXES,
    PELICAN_OTHER_SUFFIXES,
    PELICAN_SUFFIXES,
    Unread,
)

if TYPE_CHECKING:
    from feedkit.posts.hugofiles import HugoFiles


def unread_folders(cfg: Config) -> Unread | None:
    """Return what the content walk (`walk.walk`) takes of a Jekyll site's configuration:
    which of its folders Jekyll never reads (its `exclude` and `destination`, less its
    `include`, as the layout leaves out their files; none when an `include` is a glob),
    and the endings its `markdown_ext` makes Markdown besides those the walk lists anyway.
    For a Hugo site by its configuration, or one with Pelican's alone, every folder and the
    endings of the generator's other content formats, which the layout warns about. None
    for a site that is not one by its configuration, or whose Hugo or Pelican
    configuration, or `main_sections`, may make it another's."""
    folder = jekyll_folder(cfg)
    markers = site_markers(cfg)
    if folder is None:  # every folder, and the files of the generator's other formats
        if cfg.main_sections or hugo_config_in(markers):
            return ("", (), (), HUGO_OTHER_SUFFIXES)
        return ("", (), (), PELICAN_OTHER_SUFFIXES) if markers == (PELICAN_CONFIG,) else None
    if cfg.main_sections or markers:
        return None
    values = jekyll_config(folder, cfg.root)
    paths = jekyll_unread_paths(values) or ((), ())
    extra = tuple(s for s in markdown_suffixes(values) if s not in MARKDOWN_SUFFIXES)
    return (_site_prefix(cfg, folder), *paths, extra)


def _site_prefix(cfg: Config, folder: Path | None) -> str:
    """Return the content folder's path in the Jekyll site at `folder`, as its paths are
    written ("" for the site's own folder, else ending in "/")."""
    above = os.path.relpath(cfg.content_path, folder) if folder is not None else "."
    return "" if above == "." else above.replace(os.sep, "/") + "/"


# A translation's name: post.fr.md, index.pt-br.md (Hugo's rule, by file name).
_LANGUAGE = re.compile(r"\.([a-z]{2,3}(?:-[a-z0-9]{2,8})?)$", re.IGNORECASE)


class Layout(HugoLayout):
    """The rules for one content folder, decided from the list of all its post files."""

    def __init__(self, cfg: Config, paths: Iterable[str]) -> None:
        self.prefix = str(cfg.content_path).rstrip("/\\") + os.sep
        paths = list(paths)
        # Whose site it is (feedkit/posts/sitekind.py): the templates ask the same.
        self.kind: SiteKind = site_kind(cfg, paths, self.prefix)
        self.jekyll, self.hugo, self.pelican = self.kind.jekyll, self.kind.hugo, self.kind.pelican
        # Jekyll's posts live in _posts/ (at the top or inside a category folder), or the
        # content folder is _posts/ (or _drafts/) itself: its files are in it. Without a
        # _posts/, a Jekyll site's every Markdown file is a post.
        self.posts_folder, self.within = self.kind.posts_folder, self.kind.within
        # Hugo: posts are the pages of its main sections, in the site's language.
        # Pelican: its pages live in pages/, its articles everywhere else (its defaults).
        # A Jekyll site's posts keep the URLs Jekyll gave them, unless feedkit.toml says.
        # The folder of a Jekyll site's _config.yml, and what that says of the layout.
        folder = self.kind.jekyll_root
        jekyll = jekyll_layout(cfg, folder) if self.jekyll else NO_JEKYLL
        # The paths in the site Jekyll does not read, and those its `include` takes back.
        self.excluded, self.included = jekyll.excluded, jekyll.included
        self.markdown = jekyll.markdown  # a Jekyll site's Markdown endings
        self.scopes = jekyll.scopes  # its front matter defaults for posts
        # The folder whose _posts/ and _drafts/ Jekyll reads (no other).
        self.collections_dir = jekyll.collections_dir
        timezone = jekyll.timezone
        pelican = None
        if self.pelican:  # its pelicanconf.py
            from feedkit.posts.pelicanlayout import pelican_layout

            pelican = pelican_layout(cfg)
            timezone = pelican.timezone
        # Where pelicanconf.py has Pelican look for articles (and pages, which are none).
        self.paths = pelican.paths if pelican else {}
        self.folder_category = pelican.folder_category if pelican else False
        self.categorised: dict[str, Place] = {}  # the places of articles in folders, by folder
        self.root_known = folder == cfg.content_path
        # Where the content folder is in the Jekyll site, whose paths the defaults name.
        self.site_prefix = _site_prefix(cfg, folder)
        self.post = Place(  # what the layout says of a post
            permalink=jekyll.permalink,
            authors=jekyll.authors,
            jekyll=self.jekyll,
            jekyll_named=self.posts_folder,
            smart_title=jekyll.smart,  # a title as jekyll-feed shows it
            title_symbols=self.jekyll and not jekyll.smart,
            timezone=timezone,
            pelican=self.pelican,
            **(pelican.place if pelican else {}),
        )
        self.draft = replace(self.post, draft=True)
        self._places: dict[str, Place | Skipped] = {}  # by path (see `place`)
        self.language = cfg.language.lower()
        # Only Hugo's rules need every file (a plain folder of 20,000 posts skips this).
        rels = [self.rel(path) for path in paths] if self.hugo else []
        self.files = set(rels)
        # Hugo's leaf bundles: the folders holding an index.md (or a translation of one),
        # every other file under which is a resource of that page, not a page.
        self.leaf_bundles = {
            rel.rpartition("/")[0]
            for rel in rels
            if "/index" in rel and is_index(rel.rpartition("/")[2])
        }
        # Hugo's configuration, where there is one (else Hugo's defaults: no main sections,
        # permalinks or zone, URLs in lower case; hugoconfig is not imported).
        main: tuple[str, ...] = ()
        permalinks: tuple[tuple[str, str], ...] = ()
        self.keep_case, zone = False, ""
        self.hugo_files: HugoFiles | None = None
        # The Hugo site's languages (None: no configuration says; see `_is_language`).
        self.hugo_languages: tuple[str, ...] | None = None
        # The site's language as a language of the Hugo site's other than its default, and
        # what its pages' paths start with there ("/zh-cn", see `_hugo_language`).
        self.other_language, self.language_folder, self.hugo_default = "", "", ""
        self.hugo_root = ""  # the Hugo site's base URL, where feedkit.toml's is in a language's
        if hugo_config_in(self.kind.markers):
            from feedkit.posts.hugoconfig import hugo_settings

            hugo = hugo_settings(site_folders(cfg))
            main, permalinks, self.keep_case, zone, self.site_cascade, self.hugo_dates = (
                hugo.main_sections,
                hugo.permalinks,
                hugo.keep_case,
                hugo.timezone,
                hugo.cascade,
                hugo.dates,
            )
            self.hugo_files = hugo.files or None
            self.ugly, self.hugo_languages = hugo.ugly, hugo.languages
            self.hugo_default = hugo.languages[0]
            self.other_language, self.language_folder, self.hugo_root = hugo.language_home(
                self.language, cfg.base_url
            )
        self.main_sections = cfg.main_sections or main or largest_section(rels)
        # Hugo's mainSections name sections as Hugo does (`café-notes` for `Café Notes/`),
        # feedkit.toml's main_sections folders, as on disk or as Hugo names them.
        self.hugo_main = not cfg.main_sections and bool(main)
        # A Hugo site's pages keep the URLs Hugo gives them, unless feedkit.toml says.
        self.hugo_urls = self.hugo and not cfg.permalink_given
        self.permalinks = dict(permalinks)
        self._sections_of = (cfg.content_path, rels)  # Hugo's, for its :section tokens
        self._root = cfg.root
        # A Hugo site's naive dates are read in its timeZone, unless feedkit.toml says.
        zone = zone if self.hugo and not cfg.timezone_given else ""
        self.hugo_timezone = ZoneInfo(zone) if zone else None
        self.hugo_page = Place(hugo=True, timezone=self.hugo_timezone)
        # What the layout decides for every file alike, written out: a cached reading of a
        # file holds only under the same (a folder whose `_index.md` came is Hugo's, and
        # each post then has the URL Hugo gives it). A Hugo page's place also depends on
        # the files beside it: feedkit/site/cache.py looks at each kept one again.
        self.signature = repr(
            (
                self.kind.name,
                self.posts_folder,
                self.within,
                self.hugo,
                self.pelican,
                self.root_known,
                self.post,
                self.language,
                tuple(self.main_sections),
                self.hugo_main,
                self.hugo_urls,
                self.keep_case,
                sorted(self.permalinks.items()),
                self.sections.signature(self.permalinks.values()) if self.hugo_urls else (),
                self.hugo_page,
                self.scopes,
                self.excluded.pattern,
                self.collections_dir,
                self.included.pattern,
                self.markdown,
                sorted(self.paths.items()),
                # What a Hugo site's sections cascade to its pages: a kept reading of a page
                # holds only under the same.
                self.cascades.signature() if self.hugo else (),
                self.hugo_files,
                self.ugly,
                self.hugo_languages,
                self.other_language,
                self.language_folder,
                self.hugo_root,
            )
        )

    def _is_language(self, folders: list[str], stem: str, code: str) -> bool:
        """Return True if `code`, at the end of a Hugo page's file name `stem`, is its
        language: one the site has (Hugo reads it so then alone; `node.js.md` is a page of
        its own). Without the site's configuration, when a page of that name without it
        sits beside the file, as a translation's does (`first.md` beside `first.fr.md`)."""
        if self.hugo_languages is not None:
            return code.lower() in self.hugo_languages
        base = "/".join([*folders, stem[: -len(code) - 1]])
        if any(f"{base}{suffix}" in self.files for suffix in HUGO_SUFFIXES):
            return True
        return self._language_suffixed[base] > 1  # index.en.md beside index.fr.md

    @cached_property
    def _language_suffixed(self) -> Counter[str]:
        """Return how many files of each name (its folders and stem) end in what may be a
        language (`first.fr.md`: `first`)."""
        counts: Counter[str] = Counter()
        for rel in self.files:
            stem = os.path.splitext(rel)[0]
            if found := _LANGUAGE.search(stem):
                counts[stem[: found.start()]] += 1
        return counts

    def rel(self, path: str) -> str:
        """Return the path relative to the content folder, with '/' between its parts."""
        rel = path[len(self.prefix) :] if path.startswith(self.prefix) else path
        return rel.replace("\\", "/") if os.sep != "/" else rel

    def _in_folder(self, folder: str) -> Place:
        """Return the place of a Pelican article in `folder`, its category when it names none."""
        place = self.categorised.get(folder)
        if place is None:
            place = self.categorised[folder] = replace(self.post, category=folder)
        return place

    def place(self, path: str) -> Place | Skipped:
        """Return what the layout says about the post file at `path`, or why it is none:
        worked out once a path (about 5 µs on a Hugo site), as the loader asks the disk for
        a part's files ahead of reading them, and each time needs their places."""
        if not (self.jekyll or self.hugo or self.pelican):
            return self.post
        found = self._places.get(path)
        if found is None:
            found = self._places[path] = self._place(path)
        return found

    def _place(self, path: str) -> Place | Skipped:
        parts = self.rel(path).split("/")
        if self.hugo_files and (why := self.hugo_files.left_out("/".join(parts), abspath(path))):
            return Skipped(why, listed=False)
        folders = [*self.within, *parts[:-1]]
        if parts[-1].startswith("_index."):
            return Skipped(SECTION_PAGE)
        if self.hugo and not parts[-1].endswith(HUGO_SUFFIXES):
            if not parts[-1].lower().endswith(HUGO_OTHER_SUFFIXES):
                return HUGO_NOT_MARKDOWN
            # A page Hugo reads otherwise: said, unless it is none (a bundle's resource, a
            # page outside the main sections).
            if (self.leaf_bundles and self._bundle_of(parts)) or not self._in_main_sections(
                folders
            ):
                return Skipped(
                    "not a post: Hugo's page or resource in another format", listed=False
                )
            return hugo_other_format(parts[-1])
        if self.leaf_bundles and (bundle := self._bundle_of(parts)):
            return Skipped(
                f"a resource of the page bundle {bundle}/ (its index is the page): Hugo "
                "publishes no page for the other files of a folder that holds an index.md"
            )
        if self.pelican and not parts[-1].endswith(PELICAN_SUFFIXES):
            if not parts[-1].endswith(PELICAN_OTHER_SUFFIXES):
                return PELICAN_NOT_MARKDOWN
            # An article Pelican reads otherwise: said, unless it is none to Pelican either.
            if why := pelicansettings.not_an_article("/".join(parts), self.paths):
                return Skipped(why, listed=False)
            return PELICAN_RST if parts[-1].endswith(".rst") else PELICAN_HTML
        if self.posts_folder:
            in_site = self.site_prefix + "/".join(parts)
            if self.excluded.match(in_site) and not self.included.match(in_site):
                return JEKYLL_OUTSIDE
            if self.collections_dir and not in_site.startswith(self.collections_dir):
                if "_drafts" in folders or "_posts" in folders:
                    return Skipped(
                        f"outside the site's collections_dir ({self.collections_dir}): Jekyll "
                        f"reads posts and drafts only from {self.collections_dir}_posts/ and "
                        f"{self.collections_dir}_drafts/"
                    )
            kind = "_drafts" if "_drafts" in folders else "_posts"
            if kind in folders and (
                hidden := next(
                    (f for f in folders[folders.index(kind) + 1 :] if f[:1] in "_."), None
                )
            ):
                # Jekyll's entry filter passes over a name that starts with `_` or `.` there.
                return Skipped(
                    f"in {kind}/…/{hidden}/, a folder Jekyll does not read (its name starts "
                    f"with '{hidden[0]}')"
                )
            if "_drafts" in folders:
                place = self.draft
            elif "_posts" in folders:
                if not JEKYLL_POST_FILE.match(parts[-1]):
                    return Skipped(JEKYLL_UNDATED)
                place = self.post
            else:
                return Skipped(JEKYLL_PAGE)
            # Jekyll gives a post in blog/_posts/ the category "blog" (its URL has it), in
            # a site whose root is known: the content folder holds its _config.yml. Its
            # collections_dir is none.
            above = folders[: folders.index("_drafts" if place.draft else "_posts")]
            if self.collections_dir:
                above = above[self.collections_dir.count("/") :]
            if above and self.root_known:
                place = replace(place, categories=tuple(above))
            if self.scopes:
                given = defaults_for(self.scopes, self.site_prefix + "/".join(parts))
                place = replace(place, defaults=tuple(given.items()))
            return self._converted(parts[-1], place)
        if self.pelican and (why := pelicansettings.not_an_article("/".join(parts), self.paths)):
            return Skipped(why, listed=why != pelicansettings.IGNORED)  # ignored: no file of it
        if self.pelican and self.folder_category and len(parts) > 1 and parts[-2].strip():
            return self._in_folder(parts[-2].strip())
        if not self.hugo:  # Pelican's, or Jekyll's without _posts/: every other file
            return self._converted(parts[-1], self.post) if self.jekyll else self.post
        if self.main_sections and not self._in_main_sections(folders):
            sections = ", ".join(self.main_sections) or "none"
            return Skipped(
                f"a page, not a post: it is outside the main sections ({sections}); "
                "add its section to main_sections in feedkit.toml to publish it"
            )
        stem = os.path.splitext(parts[-1])[0]
        language = _LANGUAGE.search(stem)
        if language is not None and not self._is_language(folders, stem, language[1]):
            if stem.split(".")[0] == "index":  # index.fr.md: a resource of its bundle
                return Skipped(
                    f"a resource of the page bundle {'/'.join(folders)}/ (its index is the "
                    f"page): '{language[1]}' is no language of the site's (Hugo publishes no "
                    "page for it)"
                )
            language = None  # no language of the site's: `node.js`, `b.fr` is the name
        if language is None and self.other_language:
            return Skipped(
                f"in the Hugo site's default language ({self.hugo_default!r}, its "
                "defaultContentLanguage); feedkit publishes only the posts in the site's "
                f"language ({self.language!r}, the language in feedkit.toml), named "
                f"{stem}.{self.other_language}.md"
            )
        if language is None:
            # In the site's language, unless a translation into it sits beside the file.
            base = "/".join([*folders, stem])
            for lang in dict.fromkeys((self.language, self.language.split("-")[0])):
                for suffix in HUGO_SUFFIXES:
                    if f"{base}.{lang}{suffix}" in self.files:
                        return Skipped(
                            f"another language's version of {stem}.{lang}{suffix}, which is "
                            f"in the site's language ({self.language!r}, the language in "
                            "feedkit.toml)"
                        )
            return self._hugo_place(folders, stem, "")
        lang = language[1].lower()
        if lang not in (self.language, self.language.split("-")[0]):
            return Skipped(
                f"a translation ({lang}); feedkit publishes only the posts in the site's "
                f"language ({self.language!r}, the language in feedkit.toml)"
            )
        return self._hugo_place(folders, stem, language[1])

    def _converted(self, name: str, place: Place) -> Place:
        """Return `place` for a Jekyll site's post file called `name`: as it is when its
        `markdown_ext` makes the file Markdown, else with its ending as `output_ext`. As
        Jekyll, which publishes every dated file in `_posts/` whatever its ending, and
        converts only those (an `.mdown` by default is published as written, at
        `/2024/01/02/title.mdown`; checked with Jekyll 4.3 and jekyll-feed)."""
        dot = name.rfind(".")
        ending = name[dot:] if dot > 0 else ""
        return place if ending.lower() in self.markdown else replace(place, output_ext=ending)
