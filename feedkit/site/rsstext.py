"""Text of a post or of the site that the W3C feed validator takes for HTML where a feed
cannot say it is text: RSS titles and categories, Atom authors' names.

RSS never said whether an item's `<title>` or `<category>` is text or HTML. feedkit writes
them as text (`&` and `<` as numeric references, which the validator and every reader take
for the characters), and Atom says so (`type="html"`, escaped once more, where text looks
like HTML). But the validator's check of those two elements (`nonhtml` in its
`validators.py`) warns "title should not contain HTML" (or "category …") on any whose text
holds an end tag of an HTML element, `</b>` or `</div>`, however it is written: a post
about HTML titled "Why </div> closes twice" gets that warning in `rss.xml` and in each of
its tags' `rss.xml`, and nothing in the feed can avoid it but the text itself. The same
check warns "name should not contain HTML" at an Atom author's name, which has no type to
declare. So a build and `feedkit check` say so, naming the line of the front matter, for
the posts the feeds show (`feedkit.site.render`); a start tag alone (`<div>`) draws no
warning. So they say of the site's title, which is every RSS feed's channel title, and of
the site's author (`site_warnings`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from feedkit.config import CONFIG_NAME, Config
from feedkit.errors import Problem
from feedkit.posts.postfile import line_of_key

if TYPE_CHECKING:
    from feedkit.models import Post

# The validator's `HTMLValidator.htmltags`, which its check compares each end tag's name
# (lower-cased) with; `</T>` in `Vec</T>` is no element's, and draws nothing.
HTML_TAGS = frozenset(
    """a abbr acronym address applet area article aside audio b base basefont bdi bdo big
    blockquote body br button canvas caption center cite code col colgroup command data
    datagrid datalist dd del details dfn dialog dir div dl dt em eventsource fieldset
    figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup
    hr html i iframe img input ins isindex kbd label legend li link m main mark map menu
    meta meter nav noframes noscript object ol optgroup option output p param picture pre
    progress q rp rt ruby s samp script section select slot small source span strike strong
    style sub summary sup table tbody td template textarea tfoot th thead time title tr
    track tt u ul var xmp plaintext embed comment listing video wbr""".split()
)
_END_TAG = re.compile(r"</(\w+)>")  # the validator's htmlEndTag_re
_TITLE_KEYS = ("title",)
_TAG_KEYS = ("tags", "tag", "categories", "category", "keywords")
_AUTHOR_KEYS = ("authors", "author")


def html_end_tag(text: str) -> str | None:
    """Return the first end tag of an HTML element in `text` (`</b>`), as the validator
    finds it; None when there is none."""
    if "</" not in text:  # as nearly always: one look, no pattern
        return None
    for m in _END_TAG.finditer(text):
        if m[1].lower() in HTML_TAGS:
            return m[0]
    return None


def warnings(post: Post, raw: bytes, rss: str, atom: str) -> list[Problem]:
    """Return a warning for the title and for each tag of `post` (its file's bytes `raw`)
    that makes the validator warn in RSS feeds named `rss`, and for each author's name
    that makes it warn in Atom feeds named `atom`."""
    found = []
    if end := html_end_tag(post.title):
        found.append(
            Problem(
                post.rel_path,
                _key_line(raw, post.body_line, _TITLE_KEYS),
                f"the title's {_warned(end, 'title', rss, 'RSS')} (Atom and JSON Feed do)"
                f"; to keep {rss} {_FIX}",
                warning=True,
            )
        )
    for tag in post.tags:
        if html_end_tag(tag):
            found.append(
                Problem(
                    post.rel_path,
                    _key_line(raw, post.body_line, _TAG_KEYS),
                    f"the tag {_warned(tag, 'category', rss, 'RSS')}; to keep {rss} {_FIX}",
                    warning=True,
                )
            )
    for name in dict.fromkeys(author.name for author in post.authors):
        if end := html_end_tag(name):
            found.append(
                Problem(
                    post.rel_path,
                    _key_line(raw, post.body_line, _AUTHOR_KEYS),
                    f"the author {name!r}: its {_warned(end, 'name', atom, 'Atom')}; "
                    f"to keep {atom} {_FIX}",
                    warning=True,
                )
            )
    return found


# What each warning below says to do.
_FIX = "free of warnings, name the element without the brackets"


def _warned(text: str, element: str, feeds: str, kind: str) -> str:
    """Return what a warning says of `text` (an end tag, or a tag holding one) where the
    validator checks `element` in `feeds`, which `kind` cannot declare text."""
    return (
        f"{text!r} draws the W3C feed validator's warning \"{element} should not contain "
        f'HTML" in {feeds}: {kind} cannot say that a {element} is plain text'
    )


def site_warnings(cfg: Config) -> list[Problem]:
    """Return a warning for the site's title when it makes the validator warn on the
    channel title of its RSS feeds (the site's, and each tag's, "Title: tag"; in Atom it
    is of type "html" then: feedkit.site.xmlfeeds.html_where_it_looks_so), and for the
    site's author's name when it makes it warn at the Atom feeds' author."""
    found = []
    each = " and each tag's" if cfg.feed.tag_feeds else ""
    if end := html_end_tag(cfg.title):
        found.append(
            Problem(
                CONFIG_NAME,
                0,
                f"title: its {_warned(end, 'title', cfg.feed.rss + each, 'RSS')} "
                f"(Atom and JSON Feed do); to keep it {_FIX}",
                warning=True,
            )
        )
    if end := html_end_tag(cfg.author.name):
        # Unset, it is the title: said there too, as it is fixed there.
        key = "author.name" + (" (the title, when not set)" if cfg.author.name == cfg.title else "")
        found.append(
            Problem(
                CONFIG_NAME,
                0,
                f"{key}: its {_warned(end, 'name', cfg.feed.atom + each, 'Atom')}; "
                f"to keep it {_FIX}",
                warning=True,
            )
        )
    return found


def _key_line(raw: bytes, body_line: int, keys: tuple[str, ...]) -> int:
    """Return the line of the front matter (the lines before `body_line`) that gives the
    first of `keys` found, in any case (Pelican's `Title:`); 1 if none does (the value came
    from elsewhere: a file name, a folder, the site's defaults)."""
    head = b"\n".join(raw.split(b"\n", max(body_line - 1, 0))[: body_line - 1])
    text = head.decode("utf-8", "replace")
    found = line_of_key(text, keys, ignore_case=True)
    return 1 if found is None else found + 1
