"""What a Pelican site's pelicanconf.py (and publishconf.py over it) says of the blog, for
`feedkit init` (feedkit/posts/oldsite.py): read as Python reads it, without running it
(feedkit/posts/pelicanread.py).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from feedkit.posts import pelicanread, pelicansettings
from feedkit.posts.oldsitevalues import OldSite, feed_address, feed_limit
from feedkit.posts.sitekind import PELICAN_CONFIG
from feedkit.posts.walk import PELICAN_SUFFIXES

PELICAN_FUTURE = "WITH_FUTURE_DATES (unless set to False) publishes articles dated in the future"
_FIELD = re.compile(r"\{[^{}]*\}")


def _literal(node: Any) -> Any:
    return node.value if isinstance(node, ast.Constant) else None


def _content_folder(folder: Path) -> str:
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


def pelican_site(folder: Path) -> OldSite:
    """Return what the Pelican site in `folder` says of itself."""
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
        setting("PATH").strip("/") or _content_folder(folder),
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
        unwritten=_unwritten(values),
        address=_feed(values),
        also=_rss(values),
        limit=feed_limit(_literal(values.get("FEED_MAX_ITEMS")), 0),
    )


# Pelican 4.8's feeds besides the feed of all articles, with its defaults (None: off).
PELICAN_OTHER_FEEDS = {
    "CATEGORY_FEED_ATOM": ("an Atom feed per category", "feeds/{slug}.atom.xml"),
    "AUTHOR_FEED_ATOM": ("an Atom feed per author", "feeds/{slug}.atom.xml"),
    "AUTHOR_FEED_RSS": ("an RSS feed per author", "feeds/{slug}.rss.xml"),
    "TRANSLATION_FEED_ATOM": ("an Atom feed per language", "feeds/all-{lang}.atom.xml"),
    "CATEGORY_FEED_RSS": ("an RSS feed per category", None),
    "TAG_FEED_ATOM": ("an Atom feed per tag", None),
    "TAG_FEED_RSS": ("an RSS feed per tag", None),
}


def _unwritten(values: dict[str, ast.expr]) -> tuple[str, ...]:
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


def _rss(values: dict[str, ast.expr]) -> tuple[str, str] | None:
    """Return the RSS feed of all articles Pelican writes beside its Atom one (FEED_ALL_RSS
    set, FEED_ALL_ATOM not set to None), None when it writes none."""
    atom = values.get("FEED_ALL_ATOM")
    if atom is not None and not pelicanread.text_of(atom, values):
        return None  # no Atom feed: the RSS one is the feed (`_feed`)
    path = pelicanread.text_of(values.get("FEED_ALL_RSS"), values)
    return feed_address("rss", path) if path and "{" not in path else None


def _feed(values: dict[str, ast.expr]) -> tuple[str, str] | None:
    """Return the feed of all articles Pelican writes when the configuration moves it from
    feeds/all.atom.xml: FEED_ALL_ATOM, else (set to None) FEED_ALL_RSS."""
    for name, key in (("FEED_ALL_ATOM", "atom"), ("FEED_ALL_RSS", "rss")):
        path = pelicanread.text_of(values.get(name), values)
        if path:
            return feed_address(key, path) if "{" not in path else None
        if name not in values:
            return None  # Pelican's own default: feeds/all.atom.xml
    return None
