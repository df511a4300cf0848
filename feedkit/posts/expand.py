"""The template stage: a post body with Jekyll Liquid or Hugo shortcodes → plain Markdown
(and raw HTML), before Markdown is rendered.

Which syntax applies is the site's (feedkit/posts/sitekind.py): a Jekyll site gets Liquid,
and so does a Jekyll post dropped into a plain folder (a `2024-01-31-slug.md` file with `{%`
tags in it); any other gets Hugo's shortcodes, which are `{{<` or `{{%` and never Liquid.
Elsewhere `{{ … }}` and `{% … %}` are text as written (a post about Jinja shows its
examples). What is not understood is a `path:line` warning, and its template text never
reaches readers. A body without `{{` or `{%` costs two substring tests.

`Templates` is made once per run: it knows the site (`site.*`, `_includes/`), and its
`TagReads` (feedkit/posts/tagreads.py) finds the posts that `{% post_url %}`, `{% link %}`
and `{{< ref >}}` name, only when a post asks. Its Jekyll part (Liquid, `_config.yml`) is
feedkit/posts/jekyllexpand.py, its Pelican part (liquid tags, `{filename}` links)
feedkit/posts/pelicanexpand.py; what they share, feedkit/posts/templatesite.py.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any

from feedkit.config import Config
from feedkit.errors import FeedkitError, Problem
from feedkit.models import Post
from feedkit.posts.jekyllconfig import excerpt_cut
from feedkit.posts.jekyllexpand import JekyllTemplates
from feedkit.posts.jekyllsite import as_written
from feedkit.posts.pairs import before_one_of
from feedkit.posts.pelicanexpand import PelicanTemplates
from feedkit.posts.reading import PLAIN, Reading
from feedkit.posts.sitekind import (
    PELICAN_CONFIG,
    SiteKind,
    shown_site_kind,
    site_folders,
    theme_names,
)
from feedkit.posts.tagreads import TagReads
from feedkit.posts.templatesite import Expanded, NeedsPosts, Read, joined

_TEMPLATE_START = re.compile(r"\{[{%]")


def _no_post(shown: str) -> Post:
    raise NeedsPosts(shown)


class Templates(JekyllTemplates, PelicanTemplates):
    """What expanding templates needs of the whole site, found once per run."""

    def __init__(self, cfg: Config, paths: Iterable[str], post_of: Callable[[str], Post]) -> None:
        """`paths`: every post as shown in messages; `post_of` gives the Post of one."""
        self.cfg = cfg
        self.paths = list(paths)
        self.post_of = post_of
        # Whose site it is, as the layout decides it (a Hugo site without its configuration
        # is Hugo's post by post: `Post.hugo`); a Hugo site's stray `_config.yml` is none.
        self.kind: SiteKind = shown_site_kind(cfg, self.paths)
        self.jekyll, self.hugo = self.kind.jekyll, self.kind.hugo_configured
        self.jekyll_root = self.kind.jekyll_root if self.jekyll else None
        # A Hugo site's math passed through Markdown as written (Goldmark's passthrough),
        # and its emoji codes.
        hugo = None
        if self.hugo:
            from feedkit.posts.hugoconfig import hugo_settings  # a Hugo site's alone

            hugo = hugo_settings(site_folders(cfg))
        self.passthrough = hugo.passthrough if hugo else ()
        self.emoji = hugo is not None and hugo.emoji
        self.link_hook = hugo is not None and hugo.link_hook
        # What the Hugo site sets that feedkit does not follow: said with every post read.
        self.unfollowed = (
            tuple(Problem(shown, 1, message, warning=True) for shown, message in hugo.unfollowed)
            if hugo is not None
            else ()
        )
        self.site_params = hugo.params if hugo else {}
        # As feedkit reads Markdown; a Hugo site's with its root-relative URLs under its base
        # URL (not a language's folder in it: HugoSettings.language_home), as Hugo's feeds
        # make them absolute.
        self._not_jekyll = (
            replace(
                hugo.reading, site_root=hugo.language_home(cfg.language.lower(), cfg.base_url)[2]
            )
            if hugo
            else PLAIN
        )
        if hugo is None and self.kind.pelican:  # its module only for a Pelican site's posts
            from feedkit.posts.pelicanmarkdown import site_reading

            self._not_jekyll = site_reading(cfg, pelican=True)
        # Only in a Pelican site are its `{filename}` links looked for (else in every body).
        self.pelican = self.kind.pelican
        self._config_problem: Problem | None = None  # _config.yml cannot be read
        self.posts_known = True  # see `of_files`

    @classmethod
    def of_posts(cls, cfg: Config, posts: Sequence[Post]) -> Templates:
        """Return the Templates of a run that has every post loaded."""
        by_path = {p.rel_path: p for p in posts}
        return cls(cfg, by_path, by_path.__getitem__)

    @classmethod
    def of_files(cls, cfg: Config, paths: Iterable[str]) -> Templates:
        """Return the Templates of a run that has read no post yet, `paths` every post file
        as shown: they expand only bodies without templates (which may read another post),
        and raise NeedsPosts for the others. Not for a Jekyll site (see `jekyll`), whose
        every body is read as Jekyll's."""
        templates = cls(cfg, paths, _no_post)
        templates.posts_known = False
        return templates

    def expand(self, post: Post, body: str) -> Expanded:
        """Return `body` without template syntax: understood, or left out and said; in a
        Jekyll site whose converter is kramdown, or a Pelican site, its HTML read as they
        read it (`kramdown_blocks`), and its `:smile:` shortcodes are emoji when it uses jemoji."""
        expanded = self._expand(post, body)
        if self.jekyll and (problem := self._jekyll_reading[1]):  # its converter unknown
            expanded = replace(expanded, problems=(problem, *expanded.problems))
        if self.pelican and (said := self._pelican_unfollowed):  # extensions, typogrify
            expanded = replace(expanded, problems=(*said, *expanded.problems))
        if self.unfollowed:  # a Hugo site's extras or render hooks
            expanded = replace(expanded, problems=(*self.unfollowed, *expanded.problems))
        if (self.pelican or self.jekyll and self.reading(True).kramdown) and "<" in expanded.text:
            from feedkit.posts.kramdown_blocks import html_elements

            parse_block = self.jekyll and self.reading(True).parse_block_html
            if (text := html_elements(expanded.text, parse_block)) is not expanded.text:
                expanded = replace(expanded, text=text)
        if self._jemoji:  # with its reading: kramdown's `{: …}` keep their codes (emojify)
            from feedkit.posts.emojicodes import emojify  # here: most sites have no codes

            expanded = replace(expanded, text=emojify(expanded.text, reading=self.reading(True)))
        if self.jekyll:
            own = post.extra.get("excerpt_separator")
            if (text := excerpt_cut(expanded.text, own, self._config_yml[0])) is not expanded.text:
                expanded = replace(expanded, text=text)
        if as_written(post.rel_path, self._markdown):
            from feedkit.posts.kramdown_blocks import raw_html

            expanded = replace(expanded, text=raw_html(expanded.text))
        return expanded

    def unchanged(self, post: Post, text: str) -> bool:
        """Return True when `expand` gives `text` back as it is, with no problems and
        nothing read; False when that is not certain (a quick look, for `feedkit check`).

        Only ASCII characters are looked for, by ASCII patterns: the answer is the same
        for a body's UTF-8 bytes decoded as Latin-1, one character a byte, where a
        character beyond ASCII is only bytes that are none of them."""
        # A Jekyll or Pelican site's every body may be read otherwise (`expand`); so may a
        # Hugo site's with passthrough math or emoji codes (`_templates`).
        return (
            not (
                self.jekyll
                or self.pelican
                or self.passthrough
                or self.emoji
                or self.link_hook
                or self.unfollowed
            )
            and not as_written(post.rel_path, None)
            and not before_one_of(text, "{", "{%", _TEMPLATE_START)
        )

    def _expand(self, post: Post, body: str) -> Expanded:
        if not self.pelican:
            return self._templates(post, body)
        from feedkit.posts import pelicanlinks

        tags = self._pelican_liquid(post, body) if self._liquid_tags[0] and "{%" in body else None
        body = tags.text if tags is not None else body
        if not pelicanlinks.has_links(body):
            expanded = self._templates(post, body)
            return joined(tags, expanded) if tags is not None else expanded
        if not self.posts_known:
            raise NeedsPosts(post.rel_path)
        links = self._pelican_links(post, body)
        expanded = joined(links, self._templates(post, links.text))
        return joined(tags, expanded) if tags is not None else expanded

    def _templates(self, post: Post, body: str) -> Expanded:
        # Imported here: a cold build should not import what only rendering needs before
        # any post is read.
        from feedkit.posts import texdelims

        if self.jekyll and self.reading(True).kramdown and "<" in body:
            from feedkit.posts.kramdown_blocks import gfm_paragraphs

            body = gfm_paragraphs(body)
        if self.passthrough and "\\" in body:
            escapes = self.reading(False, post.hugo).dollar_escapes
            body = texdelims.passthrough(body, self.passthrough, escapes)
        if self.emoji and ":" in body:
            from feedkit.posts.emojicodes import emojify

            body = emojify(body, in_html=False, reading=self.reading(False, post.hugo))
        if self.link_hook:
            from feedkit.posts.hugolinks import may_have_links

            if may_have_links(body):
                return self._hook_links(post, body)
        return self._template_tags(post, body)

    def _hook_links(self, post: Post, body: str) -> Expanded:
        """Return `_template_tags` of `body` with its links to pages as Hugo's embedded
        link render hook writes them (see hugolinks), and the paths it looked up."""
        from feedkit.posts.hugolinks import hook_links

        if not self.posts_known:
            raise NeedsPosts(post.rel_path)
        folder = posixpath.dirname(self._tags.content_rel(post.rel_path))
        body, looked = hook_links(body, folder, lambda key: self._read("ref", key)[0])
        expanded = self._template_tags(post, body)
        reads = tuple(("ref", key, url) for key, url in looked)
        return replace(expanded, reads=tuple(dict.fromkeys(reads + expanded.reads)))

    def _template_tags(self, post: Post, body: str) -> Expanded:
        # By each "{" (`pairs`): `"{{" in body` is several times slower.
        if not before_one_of(body, "{", "{%", _TEMPLATE_START):
            return Expanded(body, (), ())
        if not self.posts_known:
            raise NeedsPosts(post.rel_path)
        # Here, not at the top: most bodies have no templates.
        from feedkit.posts.posturl import JEKYLL_NAME

        if self.jekyll or (
            not (self.hugo or post.hugo or self.pelican)
            and "{%" in body
            and JEKYLL_NAME.match(posixpath.splitext(posixpath.basename(post.rel_path))[0])
        ):
            # Jekyll 4 leaves the text of a post whose front matter (or _config.yml's
            # defaults) says `render_with_liquid: false` as written: a post about Liquid.
            if post.extra.get("render_with_liquid") is False:
                return Expanded(body, (), ())
            return self._liquid(post, body)
        if "{{<" in body or "{{%" in body:
            return self._shortcodes(post, body)
        return Expanded(body, (), ())  # text as written: a post about Jinja or Go templates

    def reading(self, jekyll: bool, hugo: bool = False) -> Reading:
        """Return how a post's Markdown is read: a Jekyll site's post's (`jekyll`, as
        `Templates.jekyll` says) as its `_config.yml`'s converter reads it, any other's with
        its site's typographer: a post read under Hugo's rules (`hugo`: `Post.hugo`) with
        Goldmark's, also when its site's configuration is not there (a Hugo `content/`
        copied alone: Hugo's defaults, as the layout already reads its pages as Hugo's)."""
        if jekyll:
            return self._jekyll_reading[0]
        return self._hugo_reading if hugo and not self.hugo else self._not_jekyll

    @cached_property
    def _hugo_reading(self) -> Reading:
        # Hugo's defaults, raw HTML shown: content copied without its configuration has no
        # pages of Hugo's (which leave it out without `unsafe`) to match; feeds would lose it.
        from feedkit.posts.hugoconfig import hugo_settings

        reading = replace(hugo_settings(site_folders(self.cfg)), unsafe=True).reading
        return replace(reading, site_root=self.cfg.base_url)

    def current(self, reads: Iterable[Read]) -> bool:
        """Return True when each thing a render read is still what it found."""
        return all(self._read(kind, name)[0] == found for kind, name, found in reads)

    # -- shortcodes -----------------------------------------------------------------------

    def _shortcodes(self, post: Post, body: str) -> Expanded:
        from feedkit.posts.shortcodes import expand_shortcodes

        here = posixpath.dirname(self._tags.content_rel(post.rel_path))

        def from_here(target: str) -> str:
            # "../other" is relative to the post's folder: kept as seen from the content
            # folder, so the cache can look it up again.
            return posixpath.normpath(posixpath.join(here, target)) if target[:1] == "." else target

        result = expand_shortcodes(
            body,
            lambda target: self._read("ref", from_here(target))[:2],
            # Hugo's .Param: the front matter, the keys feedkit reads itself included.
            {"title": post.title, **post.extra},
            self.site_params,
            keep_html=not self.reading(False, post.hugo).raw_html,
            site_template=self._site_template,
            titles=(post.title, self.cfg.title),
            dollar_escapes=self.reading(False, post.hugo).dollar_escapes,
            missing_themes=lambda: self._absent_themes,
        )
        problems = tuple(
            Problem(post.rel_path, post.body_line + body.count("\n", 0, at), msg, warning=True)
            for at, msg in result.problems
        )
        targets = dict.fromkeys(
            (kind, from_here(name) if kind == "ref" else name) for kind, name in result.reads
        )
        reads = tuple((kind, name, self._read(kind, name)[0]) for kind, name in targets)
        return Expanded(result.text, problems, reads)

    # -- what tags look up --------------------------------------------------------------------

    def _read(self, kind: str, name: str) -> tuple[str, str]:
        """Return (what `kind` `name` gives, the problem with it or "")."""
        if kind == "config":
            return self._config_yml[1], ""
        if kind == "shortcode":  # the site's own template of that name, by a hash of its text
            text = self._site_template(name)
            return ("" if text is None else hashlib.sha256(text.encode()).hexdigest()), ""
        if kind == "pelicanconf":  # a setting of pelicanconf.py's
            from feedkit.posts.pelicanread import setting

            configs = [folder / PELICAN_CONFIG for folder in site_folders(self.cfg)]
            return setting(configs, name) or "", ""
        return self._tags.read(kind, name)

    @cached_property
    def _themes(self) -> list[str]:
        """Return the themes a Hugo site's configuration names, the left-most first, as Hugo
        looks a template up in them."""
        from feedkit.posts.hugoconfig import site_values

        theme: Any = ""
        for folder in site_folders(self.cfg):
            try:
                theme = site_values(folder).get("theme") or theme
            except FeedkitError:  # said where the configuration is read for the layout
                continue
        return theme_names(theme)

    @cached_property
    def _site_templates(self) -> dict[str, Path]:
        """Return the paths of the site's own shortcode templates by name (a Hugo site's, its
        themes' as its configuration names them), found when a shortcode first asks."""
        from feedkit.posts.siteshortcodes import template_paths

        return template_paths(site_folders(self.cfg), self._themes)

    @cached_property
    def _absent_themes(self) -> str:
        """Return the themes the site names that are not in its `themes/` folder, or are an
        empty folder there (see HugoSettings.absent_themes), joined; "" for none. Read when
        a shortcode is first unknown."""
        from feedkit.posts.hugoconfig import hugo_settings

        try:
            return ", ".join(hugo_settings(site_folders(self.cfg)).absent_themes)
        except FeedkitError:  # said where the configuration is read for the layout
            return ""

    def _site_template(self, name: str) -> str | None:
        """Return the text of the site's own shortcode template `name`, None for none: read
        once a run (each use, and each check of a kept render, asks again)."""
        if name in self._template_texts:
            return self._template_texts[name]
        path = self._site_templates.get(name)
        text = None
        if path is not None:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                pass
        self._template_texts[name] = text
        return text

    @cached_property
    def _template_texts(self) -> dict[str, str | None]:
        return {}

    @cached_property
    def _tags(self) -> TagReads:
        """Return what the site's tags look up, made when a tag first asks."""
        return TagReads(
            self.cfg, self.paths, self.post_of, self.jekyll_root, self._config_yml[0], self.site
        )


_BRACE = re.compile(r"\{(?=[{%])")


def shield_braces(html: str) -> str:
    """Return feed HTML with the `{` of every `{{` and `{%` left in it (shown as text by a
    raw block, an escaped shortcode or a code example) written `&#123;`: readers see the
    same text, and a site that puts the feed through its own templates cannot run it."""
    return _BRACE.sub("&#123;", html) if "{" in html else html
