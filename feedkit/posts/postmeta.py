"""Front matter → a Post: the keys Jekyll, Hugo and Pelican users write, checked one by one.

Every problem in a file is collected (with the line of its key), not just the first. Where
the post lives and what feed readers know it by (its URL and ID) are `posturl`'s part;
whether and when it goes out (its dates, a draft, a page no list shows) `postpublish`'s;
its image `postimage`'s, its tags `posttags`'s, its title `posttitle`'s.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from feedkit.config import Config
from feedkit.errors import Problem
from feedkit.models import Choice, Post, slugify
from feedkit.posts import pelicanmeta
from feedkit.posts.places import ANYWHERE, Place
from feedkit.posts.postfile import FileProblems, Source
from feedkit.posts.postimage import PostImage, image_alt, theme_image
from feedkit.posts.postpublish import (
    DATE_KEYS,
    EXPIRY_KEYS,
    PUBLISH_KEYS,
    PostPublishing,
    hugo_dated,
)
from feedkit.posts.posttags import TAG_KEYS, PostTags
from feedkit.posts.posttitle import PostTitle
from feedkit.posts.posturl import JEKYLL_NAME, URL_KEYS, PostAddress
from feedkit.posts.postvalues import parse_authors, short_repr, text_value

_SLUG_OK = re.compile(r"^[^\s/\\?#%]+$")

TITLE_KEYS = ("title",)
UPDATED_KEYS = ("updated", "lastmod", "last_modified_at", "modified")
AUTHOR_KEYS = ("author", "authors")
SUMMARY_KEYS = ("summary", "description", "excerpt")
KNOWN_KEYS = frozenset(
    [
        *TITLE_KEYS,
        *DATE_KEYS,
        *UPDATED_KEYS,
        *AUTHOR_KEYS,
        *TAG_KEYS,
        *SUMMARY_KEYS,
        "draft",
        "published",
        "slug",
        "id",
        "image",
        "image_alt",
        *PUBLISH_KEYS,
        *EXPIRY_KEYS,
        *URL_KEYS,
    ]
)


class PostBuilder(PostAddress, PostPublishing, PostImage, PostTags, PostTitle):
    """Reads one file's front matter into a Post, collecting every problem found."""

    def __init__(
        self,
        cfg: Config,
        path: Path | str,
        shown: str,
        src: Source,
        meta: dict[str, Any],
        warnings: list[Problem],
        place: Place = ANYWHERE,
    ) -> None:
        # What a Pelican site reads of the post's file name and path, then a Jekyll site's
        # front matter defaults or a Pelican site's DEFAULT_METADATA, under the post's own.
        self.named: Collection[str] = ()  # the keys whose values are the file name's or path's
        if place.hugo and not all(key.islower() for key in meta if key.lower() != key.upper()):
            # Hugo reads front matter keys in any case (`Title:`, `Date:`), another spelling
            # over the one in lower case (checked against hugo 0.168; of two others, which
            # wins is its map's order: here the last).
            meta = {
                **{key: value for key, value in meta.items() if key.islower()},
                **{key.lower(): value for key, value in meta.items() if not key.islower()},
            }
        if place.path_patterns or place.defaults or place.hugo_dates:
            from feedkit.posts.jekylldefaults import merged

            if place.path_patterns:
                content = str(cfg.content_path)
                named = pelicanmeta.path_metadata(place.path_patterns, str(path), content)
                self.named = named.keys() - meta.keys()
                meta = merged(named, meta)
            if place.hugo:  # Hugo's cascade: a key of the page's own is set whole
                meta = {**dict(place.defaults), **meta}
                if place.hugo_dates:  # the site's [frontmatter] lists
                    meta = hugo_dated(meta, place.hugo_dates, str(path), place.language)
            elif place.defaults:
                meta = merged(dict(place.defaults), meta)
        self.cfg, self.path, self.shown, self.src, self.meta = cfg, path, shown, src, meta
        self.place = place
        # Naive dates are read in the site's zone: a Jekyll site's own, else feedkit.toml's.
        self.timezone = place.timezone or cfg.timezone
        self.problems: list[Problem] = []
        self.warnings = warnings

    def line_of(self, key: str) -> int:
        return self.src.key_line(key, self.src.fm_format == "Pelican" or self.place.hugo)

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.shown, self.line_of(key), message))

    def warn(self, key: str, message: str) -> None:
        self.warnings.append(Problem(self.shown, self.line_of(key), message, warning=True))

    def first(self, keys: tuple[str, ...]) -> tuple[str, Any]:
        """Return the first of `keys` given a value, and that value; else keys[0], None."""
        get = self.meta.get
        for key in keys:
            value = get(key)
            if value is not None and value != "":
                return key, value
        return keys[0], None

    def choice(self) -> Choice:
        """Return only what choosing feed entries needs, after the same checks as `build`,
        without making the Post. A cold build over 20,000 posts keeps these and reads the few
        a feed shows again."""
        post = self.build(light=True)
        assert isinstance(post, Choice)
        return post

    def build(self, light: bool = False) -> Any:
        cfg, meta = self.cfg, self.meta
        # From the path as text: a cold build makes no Path object for each of 20,000 files.
        self.stem = os.path.splitext(os.path.basename(self.path))[0]
        if self.place.language:  # a translation, post.en.md: its slug is the post's
            self.stem = self.stem.removesuffix("." + self.place.language)
        jekyll = JEKYLL_NAME.match(self.stem)
        # What dates a post without a date: a Jekyll-style name (2024-01-02-x.md), but in a
        # Hugo site only its [frontmatter]'s `:filename` does (`hugo_dated`), as in Hugo.
        dated_name = None if self.place.hugo else jekyll
        draft = self._draft()
        self._unlisted()
        self._pelican_skipped(draft)
        if self.src.text_line or self.src.once_again:  # what Pelican reads otherwise
            self.warnings += pelicanmeta.header_warnings(self.src, self.shown)
        self._undated(draft, dated_name)  # a dateless draft or Hugo page is no post

        title, untitled = self._title(jekyll, dated_name)

        published = self._date(dated_name)
        if published is not None and published.year < 1990:
            self.warnings.append(
                Problem(
                    self.shown,
                    self.line_of("date"),
                    f"dated {published.year}: the feeds carry it so, and the W3C feed validator "
                    "warns that a date before 1990 is implausible",
                    warning=True,
                )
            )
        updated_key, updated_raw = self.first(UPDATED_KEYS)
        updated = published
        if updated_raw is not None:  # checked even when the date is wrong: one run shows all
            try:
                updated = self.read_date(updated_raw, updated_key)
            except ValueError as exc:
                self.fail(updated_key, f"{updated_key}: {exc}")
                updated = published
            if published is not None and updated is not None and updated < published:
                self.warnings.append(
                    Problem(
                        self.shown,
                        self.line_of(updated_key),
                        f"{updated_key} is before the post's date; using the date",
                        warning=True,
                    )
                )
                updated = published

        expires = self._expiry()
        language = self._language()
        slug = self._slug(jekyll)
        known = dict(self.place.authors)
        dropped: list[tuple[str, str, str]] = []
        authors = self._field(
            AUTHOR_KEYS,
            lambda v: parse_authors(v, cfg.author, known, dropped, cfg.base_url),
            (cfg.author,),
        )
        for _, _, said in dropped:  # at the line of the key that names them
            self.warn(self.first(AUTHOR_KEYS)[0], said)
        tags = self._tags()
        # Hugo's RSS shows a page's .Summary, which its `summary` sets: its `description`
        # (and an `excerpt`) are the theme's, not the feed's. jekyll-feed's entry shows a
        # post's `description`, else its excerpt (the `excerpt` given, else its opening).
        keys: tuple[str, ...] = SUMMARY_KEYS
        if self.place.hugo:
            keys = ("summary",)
        elif self.place.jekyll:
            keys = ("description", "excerpt", "summary")
        summary_key, summary = self.first(keys)
        summary = self._text(summary_key, summary)
        # A Pelican site's URLs have its slug of the title, when the post gives none (the
        # post's own slug stays its file's: feedkit keys posts by it, and titles repeat).
        url_slug = slug
        if self.place.slug_from_title and "slug" not in meta:
            # Untitled, it has Pelican's slug of no title, "": its page is `.html`.
            url_slug = "" if untitled else pelicanmeta.slug(title or "") or slug
        elif self.place.pelican and "slug" not in meta:  # SLUGIFY_SOURCE = 'basename'
            url_slug = pelicanmeta.slug(self.stem) or slug  # `my_post.md`: my_post, as Pelican
        url = self._url(url_slug, self.url_date(published)) if slug and published else ""
        url = self._own_url(slug, published) or url
        if untitled and url:
            said = "title is empty: Jekyll" if self.place.jekyll else "'Title:' is empty: Pelican"
            self.warnings.append(
                Problem(
                    self.shown,
                    self.line_of("title"),
                    f"{said} publishes the post untitled, at {url}, and so do the feeds (where "
                    "one needs a title, the first words of its text); write its title",
                    warning=True,
                )
            )
        post_id = self._id(url, slug, published)
        image = self._image()
        if image is None and self.place.hugo:
            image = theme_image(meta)
        if image is not None and not image.strip():
            image = None  # `image: ""`, as themes' archetypes leave it: no image, as in Hugo

        if self.problems:  # in the order of their lines
            raise FileProblems(sorted(self.problems, key=lambda problem: problem.line))
        if self.src.blank_body and not draft and not summary:
            # As `feedkit new` starts a post: published, it would go to every reader empty.
            # Said at the front matter's last line (the file's last, with no line end after).
            ended = self.src.text.endswith("\n")
            after = " after its front matter" if self.src.fm_format else ""  # or none at all
            # What keeps it off the site too: Jekyll publishes a post whatever `draft:` says.
            hold = (
                "published: false"
                if self.place.jekyll
                else "Status: draft"
                if self.place.pelican
                else "draft: true"
            )
            self.warnings.append(
                Problem(
                    self.shown,
                    self.src.body_line - 1 if ended else self.src.body_line,
                    f"the post has no text{after}: feeds and digests would carry its title "
                    f"alone; write its text, or set '{hold}' until it is ready",
                    warning=True,
                )
            )
        assert published is not None and updated is not None
        if light:
            return Choice.of(published, draft, slug, post_id, tags, expires, url)
        return Post(
            source=str(self.path),
            rel_path=self.shown,
            body_line=self.src.body_line,
            title=str(title),
            slug=slug,
            url=url,
            id=post_id,
            published=published,
            updated=updated,
            authors=authors,
            tags=tags,
            summary=summary,
            image=self._image_url(url, image.strip()) if image else None,
            draft=draft,
            extra={k: v for k, v in meta.items() if k not in KNOWN_KEYS},
            expires=expires,
            image_alt=image_alt(meta) if image else None,
            hugo=self.place.hugo,
            excerpt_only=_excerpt_only(meta),
            language=language,
        )

    def _text(self, key: str, value: Any, missing: str | None = None) -> str | None:
        """Return a text field's value as text, or `missing` when not given; None (and a
        problem) when it is a list, a mapping or true/false."""
        try:
            text = text_value(value, key)
        except ValueError as exc:
            self.fail(key, str(exc))
            return None
        return missing if text is None else text

    def _language(self) -> str | None:
        """Return the language a post's `lang` names (jekyll-feed's `xml:lang` of its entry),
        as a language tag; None without one, and with a warning for one that is no tag. A
        Hugo page's language is its file's and its site's, a Pelican article's `lang` makes
        it a translation: neither says it here."""
        value = self.meta.get("lang")
        if value is None or value == "" or self.place.hugo or self.place.pelican:
            return None
        from feedkit.configkeys import SITE_KEYS

        try:
            return str(SITE_KEYS["language"](value))
        except ValueError as exc:
            self.warn("lang", f"lang: {exc}; left out")
            return None

    def _field(self, keys: tuple[str, ...], parse: Any, default: Any) -> Any:
        key, value = self.first(keys)
        if value is None:
            return default
        try:
            return parse(value) or default
        except ValueError as exc:
            self.fail(key, str(exc))
            return default

    def _slug(self, jekyll: re.Match[str] | None) -> str:
        raw = self.meta.get("slug")
        if raw is None:
            if self.stem == "index":  # a page bundle, my-post/index.md: the folder's name
                stem = os.path.basename(os.path.dirname(self.path))
            elif jekyll:
                stem = jekyll["slug"]
            else:
                stem = self.stem
            slug = slugify(stem)
            if not slug and self.place.hugo:
                # Hugo publishes it at its name made a path (`¶ & 🔗/` at /posts/--/), and
                # its URL is made so (posturl): the slug only names the post here.
                from feedkit.posts.hugourls import path_name

                slug = path_name(stem)
            if not slug:
                self.fail(
                    "slug",
                    f"cannot make a URL slug from the file name {stem!r}; "
                    "add 'slug: …' to the front matter",
                )
            return slug
        text = self._text("slug", raw)
        if text is None:
            return ""
        slug = text.strip()
        if (self.place.jekyll or self.place.hugo) and slug:
            # Jekyll and Hugo make the URL of a slug as typed (`My Slug!`), slugified or
            # urlized their way (posturl), as a Jekyll file name's is.
            return slug
        if not _SLUG_OK.match(slug) or slug in (".", "..") or slug.startswith("."):
            self.fail(
                "slug",
                f"slug {short_repr(slug)} is not a single URL path segment (it could escape "
                "the output folder); use letters, digits and dashes",
            )
            return ""
        return slug


def _excerpt_only(meta: dict[str, Any]) -> bool:
    """Return whether the post's front matter asks its entries to carry its summary alone:
    jekyll-feed's `feed: {excerpt_only: true}`, any value but false or null, as Liquid's
    `unless` reads it there."""
    feed = meta.get("feed")
    return isinstance(feed, dict) and feed.get("excerpt_only") not in (None, False)
