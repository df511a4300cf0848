"""What template tags read besides the post: the URL of the post or page that
`{% post_url %}`, `{% link %}`, `{{< ref >}}` and Pelican's `{filename}` name, and the files
`{% include %}` names in `_includes/`.

`TagReads` is made once per run, from every post as shown in messages; it indexes them by
Jekyll name, content path and file only when a tag first asks.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from feedkit.config import Config
from feedkit.models import Post
from feedkit.posts.sitekind import PELICAN_CONFIG, site_folders
from feedkit.posts.themeincludes import THEME_INCLUDES
from feedkit.posts.walk import MARKDOWN_SUFFIXES
from feedkit.shown import display_path

INCLUDES = "_includes"


class TagReads:
    """What template tags look up in the site, found when a tag asks."""

    def __init__(
        self,
        cfg: Config,
        paths: list[str],
        post_of: Callable[[str], Post],
        jekyll_root: Path | None,
        config: Mapping[str, Any],
        site: Mapping[str, Any],
    ) -> None:
        """`paths`: every post as shown in messages; `post_of` gives the Post of one;
        `config` and `site`: `_config.yml`'s values and Liquid's `site.*`."""
        self.cfg = cfg
        self.paths = paths
        self.post_of = post_of
        self.jekyll_root = jekyll_root
        self.config = config
        self.site = site
        self._urls: dict[str, str] = {}
        # Each include's text, read once a run, as the site's shortcode templates are (an
        # include in a loop was read from its file at each turn, and again for the cache).
        self._texts: dict[tuple[str, str], tuple[str, str]] = {}

    def read(self, kind: str, name: str) -> tuple[str, str]:
        """Return (what `kind` `name` gives, the problem with it or "")."""
        if kind in ("include", "include_relative"):
            key = (kind, name)
            if key not in self._texts:
                read = self._include if kind == "include" else self._include_relative
                self._texts[key] = read(name)
            return self._texts[key]
        if kind == "post_url":
            shown = self._by_stem.get(name.strip("/"))
            if shown is None:
                return "", f"post_url: no post {name!r} in _posts/"
            return _path(self._url(shown)), ""
        if kind == "link":
            url, problem = self._link(name)
            return _path(url), problem
        if kind == "file":
            return self._file(name)
        return self._ref(name)

    @cached_property
    def _content_prefix(self) -> str:
        # As the posts are shown: from feedkit.toml's folder, or whole when outside it.
        shown = display_path(str(self.cfg.content_path).rstrip("/\\") + os.sep, self.cfg.root)
        return "" if shown in ("", "/") else shown.replace(os.sep, "/")

    def content_rel(self, shown: str) -> str:
        """Return a post as shown, as its path in the content folder."""
        prefix = self._content_prefix
        return shown[len(prefix) :] if shown.startswith(prefix) else shown

    @cached_property
    def _by_stem(self) -> dict[str, str]:
        """Jekyll names → post, as `post_url` finds them (its PostComparer): the path in
        `_posts/` (`2020-01-02-title`, `folder/2020-01-02-title` for
        `_posts/folder/2020-01-02-title.md`), the folder above `_posts/` with it
        (`cat/2020-01-02-title` for `cat/_posts/…`), or the file's name alone."""
        found: dict[str, str] = {}
        # The posts as shown are from feedkit.toml's folder; Jekyll's, from the site's.
        site = os.path.relpath(self.jekyll_root or self.cfg.root, self.cfg.root)
        site = "" if site == "." else site.replace(os.sep, "/") + "/"
        for shown in self.paths:
            stem = posixpath.splitext(shown)[0]
            stem = stem[len(site) :] if site and stem.startswith(site) else stem
            above, posts, name = ("/" + stem).rpartition("/_posts/")
            if not posts:
                name = posixpath.basename(stem)
            found.setdefault(posixpath.basename(name), shown)
            found.setdefault(name, shown)
            if above.strip("/"):
                found.setdefault(f"{above.strip('/')}/{name}", shown)
        return found

    @cached_property
    def _by_content_path(self) -> dict[str, str]:
        """Paths in the content folder, with and without the suffix, and a bundle's folder
        (`posts/x/index.md` → `posts/x`) → post."""
        found: dict[str, str] = {}
        for shown in self.paths:
            rel = self.content_rel(shown)
            stem = posixpath.splitext(rel)[0]
            found.setdefault(rel, shown)
            found.setdefault(stem, shown)
            if posixpath.basename(stem) in ("index", "_index"):
                found.setdefault(posixpath.dirname(stem), shown)
        return found

    @cached_property
    def _by_file(self) -> dict[str, str]:
        return {os.path.normpath(self.cfg.root / shown): shown for shown in self.paths}

    def _url(self, shown: str) -> str:
        url = self._urls.get(shown)
        if url is None:
            url = self._urls[shown] = self.post_of(shown).url
        return url

    def _link(self, name: str) -> tuple[str, str]:
        root = self.jekyll_root or self.cfg.content_path
        target = os.path.normpath(root / name)
        shown = self._by_file.get(target)
        if shown is not None:
            return self._url(shown), ""
        url = _jekyll_page_url(name, self.config, self.site)
        if not os.path.isfile(target):
            # Jekyll stops the build at it; feeds link where the page would be.
            return (
                url,
                f"link: {name} does not exist (Jekyll's build fails at it); feeds link {url}",
            )
        return url, ""

    def _file(self, name: str) -> tuple[str, str]:
        """Return the URL of the post, or of the file published as it is, at `name` in the
        content folder (Pelican's `{filename}` and `{static}`)."""
        shown = self._by_content_path.get(name)
        if shown is not None and self.content_rel(shown) == name:
            post = self.post_of(shown)
            if post.draft:  # where Pelican writes a draft: its DRAFT_URL
                return self._draft_url(post), ""
            return self._url(shown), ""
        # os.path: a name no file can have (over 255 bytes) is none, not an error.
        if name.startswith(("../", "/")) or not os.path.isfile(self.cfg.content_path / name):
            return "", "no such file in the content folder"
        if posixpath.splitext(name)[1] in MARKDOWN_SUFFIXES:
            return "", "a page, not a post: feedkit does not know its URL"
        return self.cfg.base_url + quote(name), ""

    @cached_property
    def _draft_pattern(self) -> str:
        """Return the site's DRAFT_URL (pelicanconf.py's, read once), Pelican's by default."""
        from feedkit.posts.pelicanread import setting

        configs = [folder / PELICAN_CONFIG for folder in site_folders(self.cfg)]
        return setting(configs, "DRAFT_URL") or "drafts/{slug}.html"

    def _draft_url(self, post: Post) -> str:
        """Return the URL Pelican gives a draft (its DRAFT_URL, by default
        `drafts/{slug}.html`, with the slug its ARTICLE_URL has), else its post's URL when
        feedkit cannot fill that in."""
        from feedkit.posts import pelicanmeta

        pattern = self._draft_pattern
        if set(re.findall(r"\{[^{}]*\}", pattern)) - {"{slug}"}:
            return post.url
        titled = pelicanmeta.slug(post.title)  # its slug of the title, unless it names one
        slug = titled if titled and quote(titled) in post.url else post.slug
        return self.cfg.base_url + quote(pattern.lstrip("/").replace("{slug}", slug))

    def _ref(self, target: str) -> tuple[str, str]:
        path, hash_, anchor = target.partition("#")
        path = path.strip()
        key = path.strip("/")
        index = self._by_content_path
        shown = index.get(key)
        if shown is None and key and "/" not in key:
            # Hugo also finds a page by its file name alone, when only one has it.
            named = [
                s
                for p, s in index.items()
                if key in (posixpath.basename(p), posixpath.basename(posixpath.splitext(p)[0]))
            ]  # `a` or `a.md`, as Hugo finds it
            shown = named[0] if len(set(named)) == 1 else None
        if shown is None and key:
            page = self._page(key)  # a page that is not a post: where Hugo publishes it
            if page:
                return page + hash_ + anchor, ""
        if shown is None:
            if not path and anchor:
                return hash_ + anchor, ""
            return "", f"no post {target!r} in the content folder"
        return self._url(shown) + hash_ + anchor, ""

    @cached_property
    def _pages(self) -> Any:
        from feedkit.posts.hugoconfig import hugo_settings
        from feedkit.posts.hugourls import Pages

        return Pages(self.cfg, hugo_settings(site_folders(self.cfg)))

    def _page(self, key: str) -> str:
        """Return the URL of the page (not a post) `key` names, "" when there is none."""
        return str(self._pages.url(key))

    def _include(self, name: str) -> tuple[str, str]:
        bases = [b for b in (self.jekyll_root, self.cfg.content_path) if b is not None]
        for base in dict.fromkeys(bases):
            folder = (base / INCLUDES).resolve()
            path = (folder / name).resolve()
            if not path.is_relative_to(folder):
                return "", f"include: {name} is outside {INCLUDES}/"
            try:
                return path.read_text(encoding="utf-8"), ""
            except (OSError, UnicodeDecodeError):
                continue
        if name in THEME_INCLUDES:  # a theme's, kept in its gem: feedkit's stand-in
            return THEME_INCLUDES[name], ""
        return "", f"include: no file {name!r} in {INCLUDES}/"

    def _include_relative(self, name: str) -> tuple[str, str]:
        """Return the text of the file at `name` (from feedkit.toml's folder, as the posts
        are shown: the post's folder joined with what its `{% include_relative %}` names),
        which must be in the Jekyll site, as Jekyll allows."""
        site = (self.jekyll_root or self.cfg.root).resolve()
        path = (self.cfg.root / name).resolve()
        shown = posixpath.basename(name)
        if not path.is_relative_to(site):
            return "", f"include_relative: {shown} is outside the site's folder"
        try:
            return path.read_text(encoding="utf-8"), ""
        except (OSError, UnicodeDecodeError):
            return "", f"include_relative: no file {name!r}"


def _jekyll_page_url(name: str, config: Mapping[str, Any], site: Mapping[str, Any]) -> str:
    """Return the URL Jekyll gives a page or a collection's document at `name`."""
    stem, suffix = posixpath.splitext(name.strip("/"))
    first, _, rest = stem.partition("/")
    collections = config.get("collections")
    if first.startswith("_") and isinstance(collections, Mapping):
        options = collections.get(first[1:])
        permalink = options.get("permalink") if isinstance(options, Mapping) else None
        if isinstance(permalink, str):
            path = (
                permalink.replace(":collection", first[1:])
                .replace(":path", rest)
                .replace(":name", posixpath.basename(rest))
                .replace(":output_ext", ".html")
            )
            return site["url"] + site["baseurl"] + path
    if suffix in MARKDOWN_SUFFIXES or suffix == ".html":
        stem += "" if posixpath.basename(stem) == "index" else ".html"
        stem = stem.removesuffix("index")
    else:
        stem += suffix
    return site["url"] + site["baseurl"] + "/" + stem


def _path(url: str) -> str:
    """Return the path of a URL on the site, its baseurl in it: what Jekyll 4's `post_url`
    and `link` give (`relative_url`), which a template may put after `{{ site.url }}`."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.netloc else url
