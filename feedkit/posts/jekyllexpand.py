"""The Jekyll part of the template stage (`Templates`, feedkit/posts/expand.py): a Jekyll
site's `_config.yml` as Liquid's `site.*`, its converter and zone, and a post's Liquid
rendered with `page.*` (feedkit/posts/liquid.py)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from feedkit.errors import FeedkitError, Problem
from feedkit.models import Post
from feedkit.posts.jekyllconfig import JEKYLL_CONFIG, markdown_suffixes
from feedkit.posts.jekyllreading import jekyll_reading
from feedkit.posts.jekyllsite import liquid_site, site_config
from feedkit.posts.reading import Reading
from feedkit.posts.templatesite import Expanded, TemplateSite

_PAGE_KEY = re.compile(r"\bpage\.(\w+)")


class JekyllTemplates(TemplateSite):
    """A Jekyll site's Liquid, and what its `_config.yml` says of reading its posts."""

    @cached_property
    def _markdown(self) -> tuple[str, ...] | None:
        """Return a Jekyll site's Markdown endings (`markdown_suffixes`), once a run."""
        return markdown_suffixes(self._config_yml[0]) if self.jekyll else None

    @cached_property
    def _jemoji(self) -> bool:
        if not self.jekyll:
            return False
        from feedkit.posts.emojicodes import uses_jemoji

        return uses_jemoji(self._config_yml[0])

    @cached_property
    def _jekyll_zone(self) -> Any:
        """Return the zone a Jekyll site's times are shown in: feedkit.toml's when it sets
        one, else `_config.yml`'s, else feedkit.toml's default (UTC), as the layout reads
        its posts' dates."""
        from feedkit.posts.jekyllconfig import jekyll_timezone

        if self.cfg.timezone_given:
            return self.cfg.timezone
        try:
            zone = jekyll_timezone(self.cfg, self.jekyll_root, self._config_yml[0])
        except FeedkitError:  # said where the layout reads it
            zone = None
        return zone or self.cfg.timezone

    @cached_property
    def _jekyll_reading(self) -> tuple[Reading, Problem | None]:
        return jekyll_reading(self.cfg, self.jekyll_root, self._config_yml[0])

    @cached_property
    def _config_yml(self) -> tuple[dict[str, Any], str]:
        """Return `_config.yml`'s values and a hash of its bytes."""
        values, found, self._config_problem = site_config(self.cfg, self.jekyll_root)
        return values, found

    @cached_property
    def site(self) -> dict[str, Any]:
        """Return `site.*`: the blog's `_config.yml`, with feedkit.toml's settings on top."""
        return liquid_site(self.cfg, self._config_yml[0], self.jekyll_root)

    @cached_property
    def _liquid_env(self) -> Any:
        from feedkit.posts.liquid import JekyllEnvironment

        def resolver(kind: str) -> Callable[[str], tuple[str, str]]:
            return lambda name: self._read(kind, name)[:2]

        return JekyllEnvironment(
            self.site,
            {k: resolver(k) for k in ("post_url", "link", "include", "include_relative")},
            # A Jekyll-named post in a site that is none is read as feedkit reads it.
            self.reading(self.jekyll),
            self._jekyll_zone if self.jekyll else self.cfg.timezone,
        )

    def _liquid(self, post: Post, body: str) -> Expanded:
        from feedkit.posts.liquid import lines_of

        page = page_of(post, str(self.site.get("baseurl") or "") if self.jekyll else "")
        if self.jekyll:  # Jekyll's times are in the site's zone: `{{ page.date | date: … }}`
            page["date"] = post.published.astimezone(self._jekyll_zone)
            page["last_modified_at"] = post.updated.astimezone(self._jekyll_zone)
        if wanted := {m for m in _PAGE_KEY.findall(body) if m not in page}:
            # A key the load kept only as it read it (`page.description`, `page.image`):
            # as written, from the file again (few posts name one).
            from feedkit.posts.postbody import front_matter_of

            given = front_matter_of(post, self.jekyll)
            page.update((key, given[key]) for key in wanted if key in given)
        text, found = self._liquid_env.render_post(body, page)
        problems = tuple(
            Problem(post.rel_path, post.body_line + line, message, warning=True)
            for line, message in sorted(lines_of(found), key=lambda found: found[0])
        )
        if self._config_problem is not None:
            problems = (self._config_problem, *problems)
        reads = [("config", JEKYLL_CONFIG, self._config_yml[1])]
        looked = dict.fromkeys(found.reads)  # an include in a loop: once
        reads += [(kind, name, self._read(kind, name)[0]) for kind, name in looked]
        return Expanded(text, problems, tuple(dict.fromkeys(reads)))


def page_of(post: Post, baseurl: str = "") -> dict[str, Any]:
    """Return `page.*` for Liquid: the post's front matter as Jekyll gives it, its `url`
    the path on the site without the site's `baseurl` (Jekyll's; `relative_url` adds it)."""
    path = urlsplit(post.url).path
    base = "/" + baseurl.strip("/") if baseurl.strip("/") else ""
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :] or "/"
    return {
        **post.extra,
        "title": post.title,
        "date": post.published,
        "last_modified_at": post.updated,
        "url": path,
        "id": post.id,
        "slug": post.slug,
        "tags": list(post.tags),
        "categories": list(post.tags),
        "path": post.rel_path,
        "name": posixpath.basename(post.rel_path),
        "excerpt": post.summary or "",
        "author": ", ".join(a.name for a in post.authors),
        "draft": post.draft,
    }
