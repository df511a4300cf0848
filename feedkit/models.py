"""Plain data that flows loader → feeds / digest → delivery. No I/O here."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import field, fields
from datetime import datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any, NamedTuple

from feedkit.readonly import readonly


@readonly(eq=True)
class Author:
    """A post's or the site's author, as feeds name them."""

    name: str
    email: str | None = None
    url: str | None = None


# An address feeds carry: the W3C feed validator's addr-spec (feedvalidator/validators.py
# `addr_spec.email_re`), where anything else is an error ("email must be an email address",
# "Invalid email address") in Atom and RSS alike: ASCII, a dot in the domain, no spaces. An
# "&" in it, which the validator allows, is left out: RSS carries it as "&#x26;", which the
# validator warns of in an <author>.
_FEED_EMAIL = re.compile(
    r"[A-Za-z0-9_\-+.'!#$%*/=?^`{|}~]+@"
    r"(?:[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.|(?:[A-Za-z0-9-]+\.)+)[A-Za-z0-9][-A-Za-z0-9]*"
)


def feed_email(text: str) -> bool:
    """Return whether `text` is an email address a feed can carry (see `_FEED_EMAIL`)."""
    return _FEED_EMAIL.fullmatch(text) is not None


class Choice(NamedTuple):
    """What choosing a post for the feeds takes, all a build keeps of a post no feed shows
    (a tuple: a build has one for each of 20,000 posts; the build cache's index keeps them)."""

    published: float  # a timestamp
    draft: bool
    slug: str
    id: str  # checked for clashes with other posts' IDs
    tags: tuple[str, ...]
    expires: float = math.inf  # a timestamp: left out of every output from then on
    # Checked for clashes with other posts' URLs: posts may share a slug, as a yearly post's
    # do in Jekyll and Hugo, never a URL. The last of the order's keys: date, slug, URL.
    url: str = ""

    @classmethod
    def of(
        cls,
        published: datetime,
        draft: bool,
        slug: str,
        post_id: str,
        tags: tuple[str, ...],
        expires: datetime | None,
        url: str,
    ) -> Choice:
        """Return the Choice of a post with these values."""
        until = expires.timestamp() if expires else math.inf
        return cls(published.timestamp(), draft, slug, post_id, tags, until, url)

    def is_public(self, cutoff: float, drafts: bool = False) -> bool:
        """`Post.is_public` at the timestamp `cutoff`: not a draft (unless `drafts`), out,
        not expired."""
        return (drafts or not self.draft) and self.published <= cutoff < self.expires


@readonly(slots=True)
class Post:
    """One post's metadata. The Markdown body is not kept: rendering reads it again."""

    # The absolute path of the Markdown file, as text: a Path took about 3.5 µs to make,
    # for each of a check's 20,000 posts and again as each was unpickled, and most posts'
    # files are never opened again (`Path(post.source)` where its parts are needed).
    source: str
    rel_path: str  # path as shown in messages, relative to the site root
    body_line: int  # 1-based line of the file where the Markdown body starts
    title: str
    slug: str
    url: str  # absolute URL of the post's page
    id: str  # permanent entry ID
    published: datetime  # time-zone aware
    updated: datetime  # time-zone aware, never before `published`
    authors: tuple[Author, ...]
    tags: tuple[str, ...]
    summary: str | None  # summary given in front matter (Markdown allowed), else None
    image: str | None  # absolute URL of the post's image, if any
    draft: bool
    extra: Mapping[str, Any] = field(default_factory=dict)  # front matter keys we don't use
    expires: datetime | None = None  # left out of every output from then on (Hugo's expiryDate)
    image_alt: str | None = None  # what the image shows, for readers who cannot see it
    # Read under Hugo's rules (feedkit.posts.layout): a Hugo site's page, or one of a Hugo
    # `content/` copied without its configuration; its Markdown is read as Hugo reads it.
    hugo: bool = False
    # Its entries carry its summary, not its text (jekyll-feed's `feed: {excerpt_only: …}`).
    excerpt_only: bool = False
    # The language it is written in, when its front matter says one (`lang: fr`, as a Jekyll
    # post tells jekyll-feed): a language tag, as the site's `language`.
    language: str | None = None

    def choice(self) -> Choice:
        """Return what choosing this post for the feeds takes."""
        return Choice.of(
            self.published, self.draft, self.slug, self.id, self.tags, self.expires, self.url
        )

    def shows_text(self, full_content: bool) -> bool:
        """Return whether this post's entries carry its text, in a site whose feeds do when
        `full_content` (`[feed] full_content`)."""
        return full_content and not self.excerpt_only

    def other_language(self, site_language: str) -> str | None:
        """Return the language the post is written in when it is not the site's (the feed's
        own): its entries say so (Atom's xml:lang, JSON Feed's item language)."""
        return self.language if self.language != site_language else None

    def is_public(self, now: datetime, *, drafts: bool = False) -> bool:
        """True when the post may appear in outputs at `now`: not a draft (unless `drafts`),
        not in the future, not expired."""
        return (
            (drafts or not self.draft)
            and self.published <= now
            and (self.expires is None or now < self.expires)
        )

    def __reduce__(self) -> tuple[Callable[..., Post], tuple[Any, ...]]:
        # Pickled as its values, in field order: `feedkit check` sends thousands of posts
        # from its forked child and keeps them all in its cache, and pickle's way for a
        # dataclass (its class, then its fields by name) took longer to load.
        return Post, _post_values(self)


_post_values = attrgetter(*(f.name for f in fields(Post)))


@readonly()
class RenderedPost:
    """A post with its body rendered: what feeds and digests put in front of readers."""

    post: Post
    # The full body HTML, links and image sources absolute, as UTF-8. A feed holds hundreds
    # of these at once: a Python str of a post with one emoji takes four bytes a character.
    html_utf8: bytes
    summary: str  # plain text, no markup, cut near `summary_chars`

    @property
    def html(self) -> str:
        """The full body HTML."""
        return self.html_utf8.decode()

    @property
    def headline(self) -> str:
        """Return its title, or, for an untitled post (a Pelican article's empty `Title:`),
        what stands for it where one is needed (an Atom entry): see `headline`."""
        return self.post.title or headline(self.summary, self.post.slug)


HEADLINE_CHARS = 60  # of an untitled post's text, standing for its title


def headline(summary: str, slug: str) -> str:
    """Return what stands for an untitled post's title where one is needed (an Atom entry,
    a digest's subject and card, its archive): the first words of its text, from its
    plain-text `summary`, cut near HEADLINE_CHARS; its `slug` when it has no text."""
    return truncate(summary, HEADLINE_CHARS) or slug


def listed_title(post: Post) -> str:
    """Return `post`'s title, or an untitled post's file (a Pelican article's empty `Title:`),
    where a list names posts without reading their text (the preview's, a dry run's)."""
    return post.title or post.rel_path


def truncate(text: str, limit: int) -> str:
    """Return `text` cut at a word boundary at or before `limit` characters, ending in "…";
    text without a space there (Chinese, Japanese) at its last full stop or comma, which
    the "…" takes the place of."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    # Where Chinese and Japanese end a clause: 日本語の文章です。日本語の → 日本語の文章です…
    elif (stop := max(map(cut.rfind, "。！？；，、"))) >= limit // 2:
        cut = cut[:stop]
    else:
        cut = _whole_characters(text, limit - 1)
    return cut.rstrip(" ,;:.-–—([{\"'“‘") + "…"


def _whole_characters(text: str, limit: int) -> str:
    """Return the most of `text`'s opening that is whole characters as readers see them
    (Unicode's grapheme clusters) in at most `limit` code points, one at least: a flag is two
    code points, a family emoji seven, a letter and its accents several; a cut between them
    leaves half a character (a flag's "D" alone)."""
    import regex  # here: 8 ms to import, for the rare text with no space to cut at

    end = 0
    for cluster in regex.finditer(r"\X", text, pos=0, endpos=limit + 64):
        if cluster.end() > limit:
            break
        end = cluster.end()
    return text[: end or len(regex.match(r"\X", text)[0])]


_SLUG_DROP = re.compile(r"[^\w\s-]", re.UNICODE)
_SLUG_DASH = re.compile(r"[\s_-]+")


@lru_cache(maxsize=4096)  # tags repeat across thousands of posts
def slugify(text: str) -> str:
    """Return a URL path segment for `text`: lower case, ASCII where it can be, dashes."""
    normal = unicodedata.normalize("NFKD", text)
    ascii_text = normal.encode("ascii", "ignore").decode("ascii")
    # Keep non-Latin tags (日本語, Ελληνικά) readable instead of dropping them to "": all
    # that is ASCII of "ελληνικά-中文" is its dash.
    latin = any(char.isalnum() for char in ascii_text)
    base = ascii_text if latin else unicodedata.normalize("NFKC", text)
    base = _SLUG_DROP.sub("", base).strip().lower()
    return _SLUG_DASH.sub("-", base).strip("-")
