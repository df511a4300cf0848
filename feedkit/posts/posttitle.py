"""The title of the post `PostBuilder` (feedkit/posts/postmeta.py) reads, as Jekyll, Hugo and
Pelican title a page: a page without one by its name (Jekyll's titleize, Hugo's), YAML's
true and false as Jekyll reads them, an untitled Pelican or Jekyll article, the site's
typographer, and HTML in a title where it is HTML (Jekyll's and Pelican's feeds)."""

from __future__ import annotations

import os
import re

from feedkit.errors import Problem
from feedkit.posts.postreading import PostReading

# What jekyll-feed's `strip_html` and Pelican's `striptags` take out of a title: comments,
# script and style elements, tags (anything from a `<` to the next `>`, as theirs do).
TITLE_MARKUP = re.compile(r"(?is)<script.*?</script>|<style.*?</style>|<!--.*?-->|<.*?>")


def _html_title(title: str) -> str:
    """Return a Pelican title as its feeds show it: its titles are HTML (`striptags`), so
    tags are taken out and entities are the characters they stand for (`Tips &amp;
    Tricks` is "Tips & Tricks")."""
    import html

    return html.unescape(TITLE_MARKUP.sub("", title))


def _unescaped(reference: str) -> str:
    import html

    return html.unescape(reference)


# An HTML character reference, named or numbered (`&amp;`, `&#8212;`, `&#x2014;`).
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# A Liquid or Go template tag, as a title may hold one copied from a layout.
_TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
# What a typographer changes: quotes, `--`, `...` (a title without them is left as it is).
_TYPOGRAPHED = re.compile(r"['\"]|--|\.\.\.|<<|>>")


class PostTitle(PostReading):
    """The title of the post `PostBuilder` reads, from its front matter (`meta`), its file
    name and its place in the site's layout; problems go to `fail`, warnings to `warn`."""

    def _title(
        self, jekyll: re.Match[str] | None, dated_name: re.Match[str] | None
    ) -> tuple[str | None, bool]:
        """Return the post's title (None after a problem) and whether it is untitled (an
        empty title its site publishes as such)."""
        meta = self.meta
        given = meta.get("title")
        blank = isinstance(given, str) and not given.strip()
        # Jekyll's title is `data["title"] || titleize(slug)`: one its YAML (1.1) reads as
        # false (`title: No`, `Off`) is none, and so is an empty `title:` to Jekyll and Hugo,
        # and `title: ""` to Hugo.
        false = given is False and self.place.jekyll
        if given is True and self.place.jekyll:  # `title: Yes`: Jekyll's title is `true`
            self.warn(
                "title",
                "title: true to Jekyll's YAML (an unquoted Yes or On), and "
                "Jekyll titles the post 'true', as feeds do; put the title in quotes to "
                "keep it as written",
            )
            given = "true"
        title = self._text("title", None if false else given, "")
        title = " ".join(title.split()) if title else title
        none = given is None or false or (blank and self.place.hugo)
        if title == "" and none and (self.place.hugo or self.place.jekyll):
            # Hugo and Jekyll publish a page without a title; a feed entry needs one: its name.
            name = self.stem
            if name == "index":  # a page bundle: its folder names it
                name = os.path.basename(os.path.dirname(self.path)) or name
            title = name.replace("-", " ").replace("_", " ").strip() or name
            if self.place.jekyll:  # Jekyll's titleize_slug: "Welcome To Jekyll"
                # of its slug, which keeps no trailing period (end...md: "End")
                name = (jekyll["slug"] if jekyll else name).rstrip(".")
                title = " ".join(word.capitalize() for word in name.split("-")) or name
            said = f"no title; feeds show {title!r}: add 'title: …' to the front matter"
            if false:
                said = (
                    f"title: false to Jekyll's YAML (an unquoted No or Off), and Jekyll titles "
                    f"the post by its name, as feeds do: {title!r}; put the title in quotes "
                    "to keep it as written"
                )
            if not self.src.fm_format:  # a file with none at all (Place.bare)
                generator = "Jekyll" if self.place.jekyll else "Hugo"
                dated = " and dated from its file name" if dated_name else ""
                # The writer meant its first line to open front matter: why it does not.
                opening = self.src.unopened
                text = f" (Jekyll reads a first line {opening!r} as text)" if opening else ""
                said = (
                    f"no front matter{text}; feeds show it as {generator} does, titled "
                    f"{title!r}{dated}: start the file with front matter ('---', 'title: …', "
                    "'---') to set them"
                )
            self.warnings.append(Problem(self.shown, self.src.fm_first_line, said, warning=True))
        # Pelican publishes an article whose `Title:` is empty, untitled (feeds that need a
        # title show its text's first words: RenderedPost.headline).
        # So does Jekyll with `title: ""` (jekyll-feed's entry has an empty title).
        untitled = title == "" and (
            (self.place.pelican and "title" in meta) or (self.place.jekyll and blank)
        )
        if title and self.place.jekyll and "<" in title:
            from feedkit.posts.jekylltitle import title_text  # kramdown's span HTML, read first

            title = " ".join(title_text(title).split()) or title  # not emptied: a title
        if title == "" and not untitled:
            self.fail("title", "missing title; add 'title: …' to the front matter")
        elif title and self.place.smart_title and _TYPOGRAPHED.search(title):
            from feedkit.posts.markup import smartify  # the Markdown engine, only then

            title = smartify(title)
        elif title and self.place.title_symbols and _TYPOGRAPHED.search(title):
            from feedkit.posts.markup import typographic_symbols

            title = typographic_symbols(title)
        # After them, as Pelican's `striptags` and jekyll-feed's `strip_html` (`<< a >>` is
        # « a » first, no tag); a Jekyll title's tags are kramdown's, taken out above.
        if title and self.place.jekyll and "&" in title:
            title = _REFERENCE.sub(lambda m: _unescaped(m[0]), title)
        elif title and self.place.pelican and ("<" in title or "&" in title):
            title = " ".join(_html_title(title).split()) or title  # not emptied: a title
        elif title and "&" in title:
            self._reference_warning(title)
        if title and ("{{" in title or "{%" in title) and (tag := _TEMPLATE_TAG.search(title)):
            # Front matter is not a template to Jekyll, Hugo or Pelican: their pages show the
            # tag as written, and so do feeds, digests' subjects among them.
            self.warn(
                "title",
                f"title: {tag[0]!r} is template syntax, which no "
                "generator fills in in front matter: readers see it as written; write the "
                "title out",
            )
        return title, untitled

    def _reference_warning(self, title: str) -> None:
        """Warn of an HTML character reference in a title that is text (`Tom &amp; Jerry`,
        copied from a page's HTML): feeds show it as written, as Hugo's own do."""
        import html

        for m in _REFERENCE.finditer(title):
            char = html.unescape(m[0])
            if char != m[0]:
                same = ", as Hugo's own feeds do" if self.place.hugo else ""
                self.warn(
                    "title",
                    f"title: {m[0]!r} is an HTML character reference, and a title here is "
                    f"text: feeds show it as written{same}; write {char!r} instead",
                )
                return
