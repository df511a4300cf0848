"""What a Jekyll site's `_config.yml` (feedkit/posts/jekyllconfig.py) says of its content
folder's layout (feedkit/posts/layout.py): the folder whose `_posts/` and `_drafts/` it reads,
its Markdown endings, the paths it leaves out and takes back, its front matter defaults for
posts, and what the layout's place of a post holds (its permalink and zone, unless
feedkit.toml names them; its authors; its titles smartified or not)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from feedkit.config import Config
from feedkit.models import Author
from feedkit.posts.jekyllconfig import (
    jekyll_authors,
    jekyll_config,
    jekyll_excluded,
    jekyll_permalink,
    jekyll_timezone,
    markdown_suffixes,
    matcher,
    smart_quotes,
)
from feedkit.posts.jekylldefaults import Scope, post_scopes


class JekyllLayout(NamedTuple):
    collections_dir: str  # the folder whose _posts/ and _drafts/ Jekyll reads ("" or "x/")
    markdown: tuple[str, ...]  # its Markdown endings
    scopes: tuple[Scope, ...]  # its front matter defaults for posts
    excluded: re.Pattern[str]  # the paths Jekyll does not read
    included: re.Pattern[str]  # and those its `include` takes back
    smart: bool  # a post's title as jekyll-feed shows it: smartified
    permalink: str  # its permalink, "" when feedkit.toml gives one
    timezone: ZoneInfo | None  # its zone, None when feedkit.toml names one (or none)
    authors: tuple[tuple[str, Author], ...]  # its _data/authors


# What the layout takes of a site that is not Jekyll's: no _config.yml, nothing left out.
NO_JEKYLL = JekyllLayout("", (), (), matcher(()), matcher(()), False, "", None, ())


def jekyll_layout(cfg: Config, folder: Path | None) -> JekyllLayout:
    """Return what the `_config.yml` of `cfg`'s Jekyll site, at `folder`, says of its
    layout; raise ContentError, naming the file and line, for a setting that cannot be read."""
    values = jekyll_config(folder, cfg.root)
    given = values.get("collections_dir")
    given = given.strip().strip("/") if isinstance(given, str) else ""
    markdown, scopes = markdown_suffixes(values), post_scopes(values)
    excluded, included = jekyll_excluded(values)
    return JekyllLayout(
        collections_dir=f"{given}/" if given else "",
        markdown=markdown,
        scopes=scopes,
        excluded=excluded,
        included=included,
        smart=smart_quotes(values),
        permalink="" if cfg.permalink_given else jekyll_permalink(cfg, folder, values),
        timezone=None if cfg.timezone_given else jekyll_timezone(cfg, folder, values),
        authors=jekyll_authors(folder, cfg.root),
    )
