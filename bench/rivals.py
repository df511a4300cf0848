"""Hugo and Pelican on the benchmark corpus: their commands, set-up and output checks.

Both must put the same 20 newest posts in their feed as feedkit does, or their timings mean
nothing; `feed_notes` says whether they do. Hugo's site files are written by corpus.generate;
Pelican's (optional, in its own virtualenv) are written here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from corpus import HUGO_POSTS

PELICAN_PACKAGES = ["pelican>=4.9,<5", "pelican-yaml-metadata>=2.1,<3", "markdown>=3.5,<4"]
_ITEM = re.compile(r"<item>(.*?)</item>", re.S)
_ITEM_LINK = re.compile(r"<link>(.*?)</link>")
_ENTRY = re.compile(r"<entry>(.*?)</entry>", re.S)
_ENTRY_LINK = re.compile(r'<link href="(.*?)"')


def hugo_command(hugo: str, root: Path) -> list[str]:
    # Absolute paths: Hugo takes a relative --destination from --source.
    site = root / "hugo"
    return [hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")]


# Hugo with its term feeds too: the home feed and one RSS feed per tag, each of the 20
# newest posts with that tag, in full; feedkit's "tag feeds on" site does the same (in
# three formats). Pages are still not rendered, and no other taxonomy is built.
HUGO_TERMS_CONFIG = (
    """baseURL = "https://bench.example.org/"
title = "Bench & Co. Blog"
timeZone = "UTC"
disableKinds = ["taxonomy", "section", "sitemap", "robotsTXT", "404"]
# Only the list of all tags is off (Hugo says so, as an error, unless told this is meant).
ignoreErrors = ["error-disable-taxonomy"]

[taxonomies]
tag = "tags"

[outputs]
home = ["RSS"]
term = ["RSS"]

"""
    + HUGO_POSTS
)
HUGO_TERMS_RSS = """{{- printf "<?xml version=%q encoding=%q?>" "1.0" "utf-8" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{{ .Site.Title }}{{ if not .IsHome }}: {{ .Title }}{{ end }}</title>
    <link>{{ .Permalink }}</link>
    <description>Recent posts on {{ .Site.Title }}</description>
    {{- $all := .Pages }}
    {{- if .IsHome }}{{ $all = .Site.RegularPages }}{{ end }}
    {{- $pages := first .Site.Config.Services.RSS.Limit $all.ByDate.Reverse }}
    {{- range $pages }}
    <item>
      <title>{{ .Title }}</title>
      <link>{{ .Permalink }}</link>
      <pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
      <guid>{{ .Permalink }}</guid>
      <description>{{ .Content | html }}</description>
    </item>
    {{- end }}
  </channel>
</rss>
"""


def hugo_terms_command(hugo: str, root: Path) -> list[str]:
    """Return the command that builds `root`'s home feed and tag feeds with Hugo, writing
    its site files in root/hugo-tags, with a copy of the posts (see _tags_as_lists)."""
    site = root / "hugo-tags"
    command = hugo_terms_site(hugo, site)
    done = site / "content.done"
    if not done.exists():
        if (site / "content").is_symlink():  # to the posts themselves, in an older bench
            (site / "content").unlink()
        shutil.rmtree(site / "content", ignore_errors=True)
        for source in sorted((root / "content").rglob("*.md")):
            target = site / "content" / source.relative_to(root / "content")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_tags_as_lists(source.read_bytes()))
        done.touch()
    return command


def hugo_terms_site(hugo: str, site: Path) -> list[str]:
    """Write the configuration and feed layout of a Hugo site in `site` that builds its home
    feed and a feed per tag; return the command that builds it into site/public."""
    (site / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (site / "config.toml").write_text(HUGO_TERMS_CONFIG, encoding="utf-8")
    (site / "layouts" / "_default" / "rss.xml").write_text(HUGO_TERMS_RSS, encoding="utf-8")
    return [hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")]


def _tags_as_lists(post: bytes) -> bytes:
    """Return a post with its `tags: "a, b"` line as `tags: ["a", "b"]`.

    Hugo takes a string of tags as one tag; feedkit (like Jekyll) splits it. With the string,
    Hugo would build a feed for every combination of tags written so (1,033 feeds at 5,000
    posts, against feedkit's 63): the copy gives both tools the same tags.
    """
    head, sep, body = post.partition(b"\n---\n")
    lines = head.split(b"\n")
    for i, line in enumerate(lines):
        if line.startswith(b'tags: "'):
            tags = json.loads(line[len(b"tags: ") :]).split(",")
            listed = ", ".join(json.dumps(t.strip(), ensure_ascii=False) for t in tags)
            lines[i] = f"tags: [{listed}]".encode()
    return b"\n".join(lines) + sep + body


def term_feeds(root: Path) -> int:
    """Return how many tag feeds Hugo's term-feeds build wrote."""
    return len(list((root / "hugo-tags" / "public" / "tags").glob("*/index.xml")))


def links(feed: str, entry: re.Pattern[str], link: re.Pattern[str]) -> list[str]:
    """Return the first link of every entry (or item) in a feed's text."""
    return [m.group(1) if (m := link.search(e)) else "" for e in entry.findall(feed)]


def slugs(urls: list[str]) -> list[str]:
    # Hugo takes :year/:month from a date's own offset, feedkit from the site's timezone:
    # compare the posts, not the folders they are filed under.
    return [url.rstrip("/").rsplit("/", 1)[-1] for url in urls]


def compare(tool: str, theirs: list[str], ours: list[str]) -> list[str]:
    """Return notes on whether `tool`'s feed lists the same posts as feedkit's."""
    notes = []
    if len(theirs) != 20:
        notes.append(f"WARNING: {tool}'s feed should have 20 items, has {len(theirs)}")
    if slugs(theirs) == slugs(ours):
        notes.append(f"{tool}'s feed lists the same {len(theirs)} posts as feedkit's, in order")
    else:
        odd = sorted(set(slugs(theirs)) ^ set(slugs(ours))) or ["(same posts, other order)"]
        notes.append(f"WARNING: {tool}'s feed and feedkit's differ: {', '.join(odd)}")
    return notes


def feed_notes(tool: str, root: Path) -> list[str]:
    """Return notes on whether the feed `tool` ("hugo", "pelican") built matches feedkit's."""
    if tool == "hugo":
        theirs, ours = root / "hugo" / "public" / "index.xml", root / "public" / "rss.xml"
        entry, link = _ITEM, _ITEM_LINK
    else:
        theirs, ours = root / "pelican" / "public" / "atom.xml", root / "public" / "atom.xml"
        entry, link = _ENTRY, _ENTRY_LINK
    found = [links(path.read_text(encoding="utf-8"), entry, link) for path in (theirs, ours)]
    return compare(tool.title(), *found)


def install_pelican(venv: Path) -> Path:
    """Return the pelican script of the virtualenv `venv`, made if needed; raise if that fails."""
    script = venv / "bin" / "pelican"
    if script.exists():
        return script
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "pip"), "install", "-q", *PELICAN_PACKAGES],
    ]
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(step[:4])} failed:\n{proc.stderr[-1000:]}")
    return script


PELICAN_CONF = """# Pelican renders every post (that is its design); it writes atom.xml only.
SITENAME = "Bench & Co. Blog"
SITEURL = "https://bench.example.org"
PATH = {content!r}
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = []
STATIC_PATHS = []
THEME_STATIC_PATHS = []
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PLUGIN_PATHS = [{here!r}]
PLUGINS = ["yaml_metadata", "bench_filter"]
WITH_FUTURE_DATES = True  # bench_filter hides them instead: Pelican's drafts need a category
USE_FOLDER_AS_CATEGORY = False
SLUGIFY_SOURCE = "basename"
ARTICLE_URL = "{{date:%Y}}/{{date:%m}}/{{slug}}/"
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "atom.xml"
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = False
FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = TAG_FEED_ATOM = None
DIRECT_TEMPLATES = []
ARTICLE_SAVE_AS = ARTICLE_LANG_SAVE_AS = DRAFT_SAVE_AS = PAGE_SAVE_AS = ""
CATEGORY_SAVE_AS = TAG_SAVE_AS = AUTHOR_SAVE_AS = ""
ARCHIVES_SAVE_AS = YEAR_ARCHIVE_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = TAGS_SAVE_AS = ""
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
"""
PELICAN_FILTER = '''"""Pelican plugin: hide `draft: true` and future posts, as feedkit does."""

from datetime import UTC, datetime

from pelican import signals


def _hide(generator, metadata):
    date = metadata.get("date")
    future = isinstance(date, datetime) and date.astimezone(UTC) > datetime.now(UTC)
    if metadata.get("draft") is True or future:
        metadata["status"] = "hidden"


def register():
    signals.article_generator_context.connect(_hide)
'''


def pelican_command(pelican: Path, root: Path) -> list[str]:
    """Return the command that builds `root`'s feed with Pelican, writing its site files."""
    site = root / "pelican"
    site.mkdir(exist_ok=True)
    conf = PELICAN_CONF.format(content=str(root / "content"), here=str(site))
    (site / "pelicanconf.py").write_text(conf, encoding="utf-8")
    (site / "bench_filter.py").write_text(PELICAN_FILTER, encoding="utf-8")
    return [str(pelican), "-q", "-s", str(site / "pelicanconf.py"), "-o", str(site / "public")]
