"""What a post file's place in its site's layout says about it (`Place`), and the files that
are no post, with the reason (`Skipped`, `NotAPost`): what feedkit/posts/layout.py's rules
give of each file, and what reading a post's front matter may find instead.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from feedkit.errors import Problem
from feedkit.models import Author
from feedkit.posts.walk import MARKDOWN_SUFFIXES
from feedkit.readonly import readonly


@readonly(eq=True, slots=True)
class Place:
    """What a post file's place in its layout says about it."""

    draft: bool = False  # in Jekyll's _drafts/
    language: str = ""  # a Hugo translation's language, from its name: post.en.md
    permalink: str = ""  # the site's own pattern for its posts' URLs (Jekyll's `:year`…)
    hugo: bool = False  # a Hugo site's page: Hugo's leniencies hold (no date, no title)
    # The Hugo site's URL pattern for the page (its :section filled in), when feedkit.toml
    # sets no permalink: [permalinks], else Hugo's default, the page's path.
    hugo_permalink: str = ""
    hugo_configured: bool = False  # that pattern is [permalinks]'s (see fill_hugo_permalink)
    hugo_keep_case: bool = False  # the site's disablePathToLower: its URL keeps its case
    hugo_ugly: bool = False  # the site's uglyURLs for its section: its URL ends `.html`
    # The Hugo site's base URL, where feedkit.toml's is in a language's folder (/zh-cn/):
    # what its permalink and its `url` are under ("": feedkit.toml's base_url).
    hugo_root: str = ""
    jekyll: bool = False  # a Jekyll site's post (see sitekind.py): no title is Jekyll's
    # In its _posts/ or _drafts/: its URL's :title and :slug are Jekyll's, of its file name
    # (elsewhere in a Jekyll site without _posts/, a post keeps feedkit's slug).
    jekyll_named: bool = False
    smart_title: bool = False  # its title's quotes and dashes typographed (jekyll-feed's)
    # its title's dashes, ellipsis and guillemets typographed, its quotes straight: kramdown's
    # typographic symbols, which jekyll-feed's smartify makes whatever smart_quotes says
    title_symbols: bool = False
    authors: tuple[tuple[str, Author], ...] = ()  # a Jekyll site's _data/authors.yml, by key
    timezone: ZoneInfo | None = None  # a Jekyll site's own, for its posts' dates
    categories: tuple[str, ...] = ()  # Jekyll's: the folders above _posts/ (blog/_posts/)
    slug_from_title: bool = False  # a Pelican site's: no `slug`, the title's (SLUGIFY_SOURCE)
    # A Pelican site's article: what Pelican skips, feedkit skips, with a warning (postpublish).
    pelican: bool = False
    # Its pelicanconf.py's PLUGINS has a YAML metadata plugin: a `---` block is YAML.
    pelican_yaml: bool = False
    # A Pelican article's category when its metadata names none: its folder's name
    # (USE_FOLDER_AS_CATEGORY) or DEFAULT_CATEGORY ("" for none), as Pelican gives it.
    category: str = ""
    default_date: bool = False  # its pelicanconf.py sets DEFAULT_DATE: Pelican dates every one
    # A Jekyll site's front matter defaults for the post (`_config.yml`'s `defaults`), or a
    # Pelican site's DEFAULT_METADATA (pelicanconf.py's), processed as its header's values.
    defaults: tuple[tuple[str, Any], ...] = ()
    # A Pelican site's patterns for metadata in a post's file name and path (pelicanconf.py's
    # FILENAME_METADATA and PATH_METADATA, `pelicansettings.path_patterns`), which Pelican gives
    # it under its own; () elsewhere.
    path_patterns: tuple[str, ...] = ()
    # A Hugo site's [frontmatter] date and publishDate lists (postpublish `hugo_dated`), when
    # its configuration sets them; () for Hugo's defaults.
    hugo_dates: tuple[tuple[str, ...], tuple[str, ...]] | tuple[()] = ()
    # A Pelican site's translations: its DEFAULT_LANG, and its ARTICLE_LANG_URL as feedkit's
    # permalink with `{lang}` (pelicansettings `translations`), the URL of an article whose
    # `Lang:` is another; "" when feedkit cannot fill it.
    pelican_lang: tuple[str, str] = ("", "")
    # A Jekyll site's post whose file name's ending its `markdown_ext` does not name (a
    # `.mdown`, an `.html`): that ending, which its URL takes (Jekyll's :output_ext), as
    # its text is published as written, unconverted; "" for Markdown.
    output_ext: str = ""

    @property
    def not_text(self) -> Skipped | None:
        """Return why the file is no post when it is not UTF-8 text and its ending says
        nothing of text (a Jekyll post published as written, not Markdown, not HTML): a
        picture named like a post (2024-01-02-chart.png), which Jekyll skips (with an error
        in its log) and builds the rest. None for a file that should be text: a mistake."""
        ending = self.output_ext.lower()
        return JEKYLL_NOT_TEXT if ending and ending not in (*MARKDOWN_SUFFIXES, ".html") else None

    @property
    def bare(self) -> bool:
        """True when its generator publishes the file even without front matter, all of it
        as the body: a Jekyll post in _posts/ or _drafts/ (titled and dated from its name),
        a Hugo page (undated). Elsewhere, no front matter is a mistake worth stopping for."""
        return self.jekyll_named or self.hugo

    @property
    def pelican_meta(self) -> str:
        """Return how its metadata is read (`postfile.split`'s `pelican`): "meta" as Pelican's
        Markdown reader reads it, "yaml" so but a `---` block YAML; "" for feedkit's rules."""
        return ("yaml" if self.pelican_yaml else "meta") if self.pelican else ""


ANYWHERE = Place()  # a place whose layout says nothing about the post in it


@readonly(eq=True, slots=True)
class Skipped:
    """A file that is not a post, and why."""

    reason: str
    listed: bool = True  # False: not part of the site at all (`feedkit check` says nothing)
    # True: a mistake its generator skips the file for, and says so (Pelican's article without
    # a title): `build` and `check` warn, naming the file, rather than list it as skipped.
    warning: bool = False

    def problem(self, shown: str) -> Problem:
        """Return what `check` lists of the file at `shown`, or warns about with `warning`."""
        return Problem(shown, 0, f"skipped: {self.reason}", warning=self.warning)


class NotAPost(Exception):
    """Raised while reading a file whose front matter shows it is not a post (with
    `warning`, by a mistake its generator skips it for: see `Skipped.warning`)."""

    def __init__(self, reason: str, warning: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.warning = warning


DATELESS_DRAFT = "a draft without a date; add 'date: …' when it is ready to publish"
DATELESS_PAGE = (
    "a page without a date (Hugo lists it undated); add 'date: …' to publish it in the feeds"
)
HUGO_FILE_DATED = (
    "a page without a date in its front matter, which Hugo dates by its file's time or its "
    "last commit (the site's [frontmatter]): feedkit dates no post so; add 'date: …' to "
    "publish it in the feeds"
)
JEKYLL_PAGE = "a page, not a post: Jekyll publishes only the files in _posts/ as posts"
JEKYLL_UNDATED = (
    "not a post: Jekyll publishes only the files in _posts/ named YEAR-MONTH-DAY-title "
    "(2024-05-01-title.md)"
)
JEKYLL_POST_FILE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-.+\.[^.]+$")  # as JEKYLL_NAME
JEKYLL_NOT_TEXT = Skipped(
    "not UTF-8 text (a picture, say), which Jekyll skips too ('could not read file'); save it "
    "as UTF-8 if it is a post"
)
# Pelican reads no metadata from such a file, so finds no title: it skips it (an ERROR).
PELICAN_NO_METADATA = Skipped(
    'no metadata, so no title: Pelican skips an article without one ("could not find '
    "information about 'title'\"); start the file with 'Title: …' and 'Date: …' lines, then a "
    "blank line, to publish it, or add its name to pelicanconf.py's IGNORE_FILES",
    warning=True,
)


def pelican_unread_front_matter(opened: str) -> Skipped:
    """Return why a Pelican site's article opened by front matter Pelican does not read
    (`+++`: TOML, `{`: JSON) is no post: Pelican finds no metadata in it, so no title."""
    kind = "TOML" if opened == "+++" else "JSON"
    return Skipped(
        f"{kind} front matter (a first line '{opened}'), which Pelican does not read: it skips "
        "the article as one without a title (\"could not find information about 'title'\"); "
        "write its metadata as Pelican's 'Title: …' and 'Date: …' lines, then a blank line, "
        "to publish it",
        warning=True,
    )


SECTION_PAGE = "Hugo's page of a section (or of the home page), not a post"
JEKYLL_OUTSIDE = Skipped("outside the Jekyll site: its _config.yml excludes it", listed=False)
HUGO_NOT_MARKDOWN = Skipped(
    "not a page: Hugo reads a content file as Markdown when it ends in .md, .markdown or .mdown"
)
PELICAN_RST = Skipped(
    "an article in reStructuredText, which Pelican publishes: feedkit reads Markdown only, so "
    "the feeds leave it out; write it in Markdown to have it in them",
    warning=True,
)
PELICAN_HTML = Skipped(
    "an article in HTML, which Pelican publishes (its HTML reader): feedkit reads Markdown "
    "only, so the feeds leave it out; write it in Markdown to have it in them, or add its name "
    "to pelicanconf.py's IGNORE_FILES if it is no article",
    warning=True,
)
# The formats of Hugo's content files that are no Markdown, by their endings.
HUGO_FORMATS = {
    ".html": "HTML",
    ".htm": "HTML",
    ".org": "Emacs Org",
    ".adoc": "AsciiDoc",
    ".asciidoc": "AsciiDoc",
    ".ad": "AsciiDoc",
    ".pandoc": "Pandoc",
    ".pdc": "Pandoc",
    ".rst": "reStructuredText",
    ".rest": "reStructuredText",
}


# What Hugo needs to publish a page of each format besides Markdown: HTML and Org pages it
# reads itself, current versions only where `security.allowContent` allows their media type
# (Hugo 0.168 refuses the whole build otherwise; 0.111 published them); the others with an
# external tool that `security.exec.allow` must let it run.
_HUGO_NEEDS = {
    "HTML": "text/html",
    "Emacs Org": "text/org",
    "AsciiDoc": "asciidoctor",
    "Pandoc": "pandoc",
    "reStructuredText": "rst2html",
}


def hugo_other_format(name: str) -> Skipped:
    """Return why a Hugo page in another format than Markdown is in no feed, warning."""
    ending = name[name.rfind(".") :].lower()
    kind = HUGO_FORMATS.get(ending, ending)
    needs = _HUGO_NEEDS.get(kind, "")
    if "/" in needs:
        how = (
            f"which Hugo publishes where the site's security.allowContent allows {needs} (a "
            "current Hugo refuses to build the site otherwise; older ones publish it)"
        )
    else:
        how = f"which Hugo publishes with {needs} where the site's security.exec.allow lets it run"
    return Skipped(
        f"a page in {kind}, {how}: feedkit reads Markdown only, so the feeds leave it out; "
        "write it in Markdown to have it in them",
        warning=True,
    )


PELICAN_NOT_MARKDOWN = Skipped(
    "not an article: Pelican reads a file as Markdown when it ends in .md, .markdown, .mkd or "
    ".mdown"
)
