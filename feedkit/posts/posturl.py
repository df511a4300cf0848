"""A post's URL and entry ID: the site's permalink pattern (feedkit.toml's, Jekyll's or
Hugo's) filled in, or the post's own `url` / `permalink`; its `id`, else one derived from the URL.

`PostBuilder` (postmeta) reads the rest of the front matter; this part of it reads the keys
that say where the post lives and what feed readers know it by.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote, urljoin, urlsplit

from feedkit.models import slugify
from feedkit.posts import pelicanmeta
from feedkit.posts.hugourls import fill_hugo_permalink, hugo_url_path
from feedkit.posts.jekyllpermalink import fill_permalink, jekyll_sanitized, jekyll_slugify
from feedkit.posts.postreading import PostReading
from feedkit.posts.postvalues import short_repr, split_list

JEKYLL_NAME = re.compile(r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})-(?P<slug>.+)$")
URL_KEYS = ("url", "permalink")  # Hugo's, Jekyll's: the post's own path on the site
# What stays as written in a URL's path (RFC 3986's pchar and "/"); the rest is %-encoded.
URL_SAFE = "/%@!$&'()*+,;=-._~"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class PostAddress(PostReading):
    """The URL and ID of the post `PostBuilder` reads: from its front matter (`meta`), its
    place in the site's layout, and its file's name (`stem`); problems go to `fail`."""

    def _own_url(self, slug: str, published: datetime | None) -> str:
        """Return the URL front matter gives the post (`url`, `permalink`), or ""."""
        key, raw = self.first(URL_KEYS)
        if raw is None:
            return ""
        path = written = (self._text(key, raw) or "").strip()
        # A problem names the path as written, with its placeholders filled in.
        if key == "permalink" and ":" in path and published is not None:
            path = said = self._placeholders(path, slug, published)  # a category may hold a space
        else:
            said = path
            if path and key == "permalink" and self.place.jekyll:
                path = jekyll_sanitized(path)  # where Jekyll writes it: `/a/../b/` at /a/b/
            elif path and key == "url" and self.place.hugo:
                path = hugo_url_path(path)  # where Hugo writes it: `/a/../b/` at /b/
        if (
            not path
            or "//" in path
            or ".." in path.split("/")
            or ":" in path
            or any(c.isspace() for c in written)
        ):
            if path:
                self.fail(
                    key,
                    f"{key} {short_repr(said)} must be a path on the site, such as /about/ "
                    "(no '//', '..' or spaces)",
                )
            return ""
        root = self.place.hugo_root or self.cfg.base_url  # under no language's folder
        return root + quote(path.lstrip("/"), safe=URL_SAFE)

    def _placeholders(self, path: str, slug: str, published: datetime) -> str:
        """Return a Jekyll permalink with its placeholders filled in, or "" after a problem
        naming the one it does not know."""
        # Jekyll's order: the folders above _posts/, then the post's own categories, then
        # its `category` (each once).
        categories: list[str] = list(self.place.categories)
        for key in ("categories", "category"):
            try:
                named = split_list(self.meta.get(key), key, self.place.jekyll)
            except ValueError:
                continue  # reported with the tags
            categories += [c for c in named if c not in categories]
        local = published.astimezone(self.timezone)
        name = self._jekyll_name()
        if name is not None:  # Jekyll's :slug and :title, of its `slug`
            title = jekyll_slugify(name, pretty=True)
            slug = jekyll_slugify(name) or slug
        try:
            return fill_permalink(
                path,
                slug,
                local,
                categories,
                title if name else None,
                self.place.output_ext or ".html",
            )
        except ValueError as exc:
            self.fail("permalink", f"permalink: {exc}")
            return ""

    def _jekyll_name(self) -> str | None:
        """Return Jekyll's `slug` of a post in a Jekyll site's `_posts/` or `_drafts/`: its
        front matter's, else its file's name after the date, without trailing periods, as
        written (None for a post elsewhere)."""
        if not self.place.jekyll_named:
            return None
        raw = self.meta.get("slug")
        if isinstance(raw, str) and raw.strip():
            return raw.strip()
        dated = JEKYLL_NAME.match(self.stem)
        return (dated["slug"] if dated else self.stem).rstrip(".")

    def _url(self, slug: str, published: datetime) -> str:
        if self.place.hugo_permalink:
            return self._hugo_url(published)
        if self.place.permalink:  # the site's own (Jekyll's), checked when it was read
            path = self._placeholders(self.place.permalink, slug, published)
            return self.cfg.base_url + quote(path.lstrip("/"), safe=URL_SAFE)
        local = published.astimezone(self.timezone)
        permalink, lang = self.cfg.permalink, self.meta.get("lang")
        default_lang, lang_permalink = self.place.pelican_lang
        if lang_permalink and isinstance(lang, str) and lang.strip() not in ("", default_lang):
            # A Pelican article in another language: at its ARTICLE_LANG_URL.
            permalink = lang_permalink.replace("{lang}", quote(lang.strip()))
        path = permalink.format(
            year=f"{local.year:04d}",
            month=f"{local.month:02d}",
            day=f"{local.day:02d}",
            slug=quote(slug),
            category=quote(self._category()) if "{category}" in permalink else "",
        )
        if "//" in path:  # no category to fill in: said by _category
            return ""
        # base_url ends with "/" and the permalink has no "..", "//" or scheme (config checks):
        # joining is concatenation, and much cheaper than urljoin over thousands of posts.
        return self.cfg.base_url + path.lstrip("/")

    def _category(self) -> str:
        """Return a permalink's `{category}`: the slug of the post's category (its front
        matter's `category`, else the first of its `categories`; a Pelican article's
        `Category:`, else its folder's or DEFAULT_CATEGORY, slugified as Pelican 4.8 does
        for ARTICLE_URL); "" after a problem when it has none."""
        raw = self.meta.get("category")
        if raw in (None, "", []) and not self.place.pelican:
            raw = self.meta.get("categories")
        if isinstance(raw, list):
            raw = raw[0] if raw else None
        name = raw.strip() if isinstance(raw, str) else str(raw) if raw is not None else ""
        if self.place.pelican:
            slug = pelicanmeta.slug(name or self.place.category)
        else:
            slug = slugify(name)
        if not slug:
            self.fail(
                "category",
                "the permalink has {category}, and the post names no category to fill it "
                "with; add 'category: …' to the front matter",
            )
        return slug

    def _hugo_url(self, published: datetime) -> str:
        """Return the URL Hugo gives the page: its date in the date's own zone, `:slug`
        its front matter's or its title's, `:filename` its file's (a bundle's folder's)."""
        raw = self.meta.get("slug")
        slug = raw.strip() if isinstance(raw, str) else ""
        name = os.path.basename(os.path.dirname(self.path)) if self.stem == "index" else self.stem
        title = self.meta.get("title")
        path = fill_hugo_permalink(
            self.place.hugo_permalink,
            slug,
            name,
            title if isinstance(title, str) else "",
            published,
            self.place.hugo_configured,
            self.place.hugo_keep_case,
            self.place.hugo_ugly,
        )
        return (self.place.hugo_root or self.cfg.base_url) + quote(path.lstrip("/"), safe=URL_SAFE)

    def _id(self, url: str, slug: str, published: datetime | None) -> str:
        raw = self.meta.get("id")
        # WordPress's Jekyll and Hugo exporters write the post's number (`id: 123`) in every
        # post: no entry ID, nor is any `id` that is no URI to jekyll-feed, Hugo or Pelican,
        # whose feeds ignore the key. Every such post stopped the build.
        generator = self.place.jekyll or self.place.hugo or self.place.pelican
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = None
        elif generator and isinstance(raw, str) and not _a_uri(raw.strip()):
            raw = None
        if raw is not None:
            text = self._text("id", raw)
            if text is None:
                return ""
            post_id = text.strip()
            if not _a_uri(post_id):
                self.fail(
                    "id",
                    f"id {short_repr(post_id)} must be an absolute URI such as "
                    "'urn:uuid:…' or 'tag:example.com,2024:post'",
                )
            elif wrong := _malformed(post_id):
                # Kept as written: readers may know the post by it already.
                self.warn(
                    "id",
                    f"id {short_repr(post_id)} is not {wrong}, and the W3C feed validator "
                    "calls the Atom feed invalid; readers know the post by it as written",
                )
            elif (scheme := post_id.split(":", 1)[0].lower()).isalpha() and (
                scheme not in _VALIDATOR_SCHEMES
            ):
                self.warn(
                    "id",
                    f"id {short_repr(post_id)} has the scheme '{scheme}:', which the W3C feed "
                    "validator warns is not registered (use tag:, urn: or https:); readers "
                    "know the post by it as written",
                )
            elif problem := _not_canonical(post_id):
                self.warn("id", f"id {short_repr(post_id)} {problem}")
            return post_id
        if not url or published is None:
            return ""
        # Derived from the URL on every build, not stored: a new permalink pattern or base_url
        # gives new IDs, unless `id:` in the front matter pins a post's.
        ids = self.cfg.feed.ids
        if ids == "url":  # Hugo's <guid>{{ .Permalink }}</guid>
            return url
        base = self.cfg.base_url
        if ids == "jekyll":  # jekyll-feed's `post.id | absolute_url`: the URL's folder + slug
            folder = url[len(base) :].rstrip("/").rpartition("/")[0]
            name = self._jekyll_name()
            # A `%` that starts no escape is one itself, as Jekyll's URL writes it (`100%25`).
            name = quote(_LONE_PERCENT.sub("%25", name), safe=URL_SAFE) if name else quote(slug)
            post_id = base + (f"{folder}/" if folder else "") + name
            # absolute_url normalizes it (Addressable): a slug `..` or `../x` is no segment.
            return urljoin(post_id, urlsplit(post_id).path) if "/." in post_id else post_id
        # RFC 4151 tag URI: stays the same when the site moves to https.
        host, origin = _site_origin(base)
        path = url[len(origin) :] if url.startswith(origin) else urlsplit(url).path
        # Pelican's too: feedgenerator's get_tag_uri, which adds no `/` (since Pelican 3.7).
        return f"tag:{host},{published.date().isoformat()}:{path}"


# The W3C feed validator's forms of the URIs an Atom ID most often is (validators.py
# `rfc2396`): a tag: URI (RFC 4151, its host in lower case), a UUID URN, another URN.
_TAG = re.compile(
    r"tag:(?:[a-z0-9\-._]+?@)?[a-z0-9.\-]+?,\d{4}(?:-\d{2}(?:-\d{2})?)?:"
    r"[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*(?:#[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*)?"
)
_UUID = re.compile(r"urn:uuid:[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}", re.I)
_URN = re.compile(r"urn:[a-z0-9][a-z0-9-]{1,31}:(?:[a-z0-9()+,.:=@;$_!*'\-]|%[0-9a-f]{2})+", re.I)


# The URI schemes the W3C feed validator takes for registered (its iana_schemes, of 2006):
# an entry ID of another, a letters-only one (`javascript:`, `note:`), draws its warning
# "URI scheme not IANA registered".
_VALIDATOR_SCHEMES = frozenset(
    """ftp http gopher mailto news nntp telnet wais file prospero cid mid vemmi service imap nfs
    acap rtsp tip pop data dav opaquelocktoken sip sips tel fax modem ldap https urn go ipp tftp
    mupdate pres im mtqp dict snmp crid tag dns info aaa aaas cap iax icap iris msrp msrps shttp
    thismessage tv xmpp""".split()
)


def _malformed(post_id: str) -> str:
    """Return what kind of URI an entry ID given in front matter fails to be, or ""."""
    scheme = post_id.split(":", 1)[0].lower()
    if scheme == "tag" and not _TAG.fullmatch(post_id):
        return "a tag: URI (RFC 4151: tag:example.com,2024-05-01:post, its host in lower case)"
    if post_id.lower().startswith("urn:uuid:") and not _UUID.fullmatch(post_id):
        return "a UUID URN (urn:uuid: and 32 hex digits, 8-4-4-4-12)"
    if scheme == "urn" and not _URN.fullmatch(post_id):
        return "a URN (urn:name:…)"
    return ""


def _not_canonical(post_id: str) -> str:
    """Return why the W3C feed validator warns that the Atom ID of an `id:` given in front
    matter is "not in canonical form", or "". The Atom feed writes it with its scheme's
    host and escapes as RFC 3986 folds them (asciiurl.atom_id); the rest is the post's."""
    from feedkit.asciiurl import atom_id
    from feedkit.uricanon import canonical_form  # here: for the few posts with an `id:`

    written = atom_id(post_id)
    canonical = canonical_form(written)
    if canonical == written:
        return ""
    said = "which the W3C feed validator warns about; readers know the post by it as written"
    if canonical is None:
        return f"has no canonical form (an escape of no UTF-8, such as %E9), {said}"
    return f"is not in canonical form ({short_repr(canonical)}), {said}"


def _a_uri(text: str) -> bool:
    """Return whether `text` may be an entry's ID as written: an absolute URI."""
    return bool(urlsplit(text).scheme) and not any(c.isspace() for c in text)


@lru_cache(maxsize=8)
def _site_origin(base_url: str) -> tuple[str, str]:
    parts = urlsplit(base_url)
    return parts.hostname or "", f"{parts.scheme}://{parts.netloc}"
