"""The Pelican part of the template stage (`Templates`, feedkit/posts/expand.py): the tags
of the liquid_tags plugin a site loads (feedkit/posts/pelicanliquid.py), its `{filename}`
links (feedkit/posts/pelicanlinks.py), and what it sets that feedkit does not follow."""

from __future__ import annotations

import os
import posixpath
import re
from functools import cached_property

from feedkit.errors import Problem
from feedkit.models import Post
from feedkit.posts.sitekind import PELICAN_CONFIG, site_folders
from feedkit.posts.templatesite import Expanded, Read, TemplateSite


class PelicanTemplates(TemplateSite):
    """A Pelican site's liquid tags and links between its pages."""

    @cached_property
    def _liquid_tags(self) -> tuple[frozenset[str], str]:
        """The tags of Pelican's liquid_tags plugin the site loads, and its CODE_DIR."""
        from feedkit.posts.pelicanplugins import liquid_tags
        from feedkit.posts.pelicanread import assignments

        configs = [folder / PELICAN_CONFIG for folder in site_folders(self.cfg)]
        return liquid_tags(assignments(configs), configs)

    def _pelican_liquid(self, post: Post, body: str) -> Expanded:
        """Return `body` with the liquid tags the site loads made (feedkit.posts.pelicanliquid)."""
        from urllib.parse import quote

        from feedkit.posts import pelicanliquid, texdelims

        loaded, code_dir = self._liquid_tags
        reads: dict[Read, None] = {}
        # The content folder, from feedkit.toml's, as `include_relative` reads names.
        content = os.path.relpath(self.cfg.content_path, self.cfg.root).replace(os.sep, "/")

        def code(name: str) -> tuple[str, str]:
            # As the plugin opens it: under the content folder's CODE_DIR.
            path = posixpath.normpath(posixpath.join(content, code_dir, name))
            text, problem = self._read("include_relative", path)
            reads[("include_relative", path, text)] = None
            return (
                text,
                problem and f"no file {posixpath.join(code_dir, name)!r} in the content folder",
            )

        def code_url(name: str) -> str:
            return self.cfg.base_url + quote(posixpath.join(code_dir, name), safe="/")

        code_ranges, _ = texdelims.regions(body)  # in bytes
        text, found = pelicanliquid.expand(
            body, loaded, self.cfg.base_url, code, code_url, skipped=code_ranges
        )
        problems = tuple(
            Problem(post.rel_path, post.body_line + body.count("\n", 0, at), msg, warning=True)
            for at, msg in found
        )
        return Expanded(text, problems, tuple(reads))

    @cached_property
    def _pelican_unfollowed(self) -> tuple[Problem, ...]:
        from feedkit.posts.pelicanmarkdown import unfollowed_warnings

        return unfollowed_warnings(self.cfg)

    def _pelican_links(self, post: Post, body: str) -> Expanded:
        """Return `body` with Pelican's `{filename}`, `{static}`, `{attach}`, `{tag}`,
        `{category}`, `{author}` and `{index}` links made the URLs of what they name."""
        from urllib.parse import quote, unquote, urljoin

        from feedkit.posts.pelicanlinks import PAGE_URLS, page_url, replace_links

        here = posixpath.dirname(self._tags.content_rel(post.rel_path))
        reads: dict[Read, None] = {}

        def resolve(what: str, target: str) -> tuple[str, str]:
            path, rest = re.match(r"([^?#]*)(.*)", target).groups()  # type: ignore[union-attr]
            if what == "index":
                return self.cfg.base_url + "index.html" + rest, ""
            if what in PAGE_URLS:  # a page of Pelican's, at its *_URL setting
                setting, default = PAGE_URLS[what]
                pattern = self._read("pelicanconf", setting)[0]
                reads[("pelicanconf", setting, pattern)] = None
                page = page_url(pattern or default, path) or page_url(default, path)
                return self.cfg.base_url + quote(str(page).lstrip("/"), safe="/") + rest, ""
            path = unquote(path)
            # As in Pelican: from the content folder, or from the post's own folder.
            name = path[1:] if path.startswith("/") else posixpath.join(here, path)
            name = posixpath.normpath(name)
            url, problem = self._read("file", name)
            reads[("file", name, url)] = None
            if url and what == "attach":  # beside the post, as Pelican copies it
                tail = posixpath.relpath(name, here or ".")
                url = urljoin(post.url, posixpath.basename(tail) if tail.startswith("..") else tail)
            return (url + rest if url else ""), problem

        text, found = replace_links(body, resolve)
        problems = tuple(
            Problem(post.rel_path, post.body_line + body.count("\n", 0, at), msg, warning=True)
            for at, msg in found
        )
        return Expanded(text, problems, tuple(reads))
