"""How a post's Markdown is read (`Reading`): which of pulldown-cmark's extensions are on,
whether kramdown's additions apply, and what the source is rewritten for where
pulldown-cmark has no option (the rewriting itself: `asread.as_read`).

A post is read with pulldown-cmark whatever its site's own converter was; a Jekyll site's
`_config.yml` says which one that was (see `jekyllreading.jekyll_reading`).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from feedkit.readonly import readonly

# What a bare link has: a post with none of them has none (an `@` may be typed `&#64;`).
_LINK_MARKS = ("www.", "://", "@", "&#", "&commat;")


@readonly()  # never compared: a build makes one or two
class Reading:
    """How a post's Markdown is read. The defaults are feedkit's own reading: kramdown's
    additions and every extension on, quotes and dashes as written."""

    smart: bool = False  # quotes curly, `--` a dash (see markup.markdown)
    # kramdown's additions (attribute lists, `{::}` extensions, abbreviations: see kramdown)
    # and its reading of HTML elements (kramdown_blocks); off for a cmark-gfm site's posts
    kramdown: bool = True
    kramdown_math: bool = False  # kramdown's math rule: `$$…$$` with text around is inline
    # kramdown's GFM input's reading where pulldown-cmark's differs: no `1)` lists, tables
    # after a blank line only, unclosed fences as text… (see kramdown_reading)
    kramdown_gfm: bool = False
    # kramdown's `parse_block_html`: the content of block HTML elements (`<div>`…) is
    # Markdown, and that of `<p>` and headings Markdown text (see kramdown_blocks)
    parse_block_html: bool = False
    # kramdown's `toc_levels`: the heading levels its `{:toc}` lists (all when empty)
    toc_levels: tuple[int, ...] = ()
    # Where a root-relative URL (`/img/a.png`) goes: "" the host's root, as a page's does;
    # a Hugo site's base URL, its path in it, as Hugo's feeds make them absolute (absURL)
    site_root: str = ""
    tables: bool = True
    footnotes: bool = True
    strikethrough: bool = True
    # `~x~` is struck through as `~~x~~` is (GFM, cmark-gfm, the Goldmark of a current
    # Hugo); False: only `~~x~~`, as kramdown (and Hugo 0.111) read it, `~x~` as typed
    single_tilde: bool = True
    subscript: bool = False  # `~x~` is a subscript (pymdown-extensions' tilde, a Pelican site's)
    definition_lists: bool = True
    heading_attributes: bool = True  # `# Title {#id .class}`
    # Goldmark's block attributes (Hugo's parser.attribute.block): `{.class}` on the line
    # right below a block sets its attributes, as a kramdown attribute list does
    block_attributes: bool = False
    tasklists: bool = True  # `- [ ] todo` a task item, its box a character (see tasklists)
    tight_tasks: bool = False  # `- [x]done` a task item too, as Goldmark reads it
    # Tildes paired as Goldmark's strikethrough pairs them: `H~2~O` struck (see strikes)
    goldmark_strikes: bool = False
    hard_wrap: bool = False  # every line break in a paragraph is a `<br />`
    # False: raw HTML is left out, as cmark-gfm without UNSAFE and Hugo without `unsafe` do
    raw_html: bool = True
    exact_divider: bool = False  # only `<!--more-->` as typed ends the summary, as in Hugo
    # Bare URLs, www. and e-mail addresses links: "cmark-gfm" (its autolink extension) or
    # "goldmark" (its linkify, www. addresses linked with `linkify_protocol`), or "".
    autolink: str = ""
    linkify_protocol: str = "https"  # Hugo's `linkifyProtocol`
    # The typographic symbols of the site's converter that pulldown-cmark's smart punctuation
    # does not make: "kramdown" (its typographic symbols, whatever smart_quotes says: `<<`
    # « and `>>` », «&nbsp; for `<< ` and &nbsp;» for ` >>`; and without `smart`, `---` —,
    # `--` – and `...` …), "goldmark" (Hugo's typographer: `<<` « and `>>` »), or "".
    symbols: str = ""
    # Goldmark's substitutions that a Hugo site sets to make something else than their
    # defaults: (name, value as written), such as ("leftDoubleQuote", "&laquo;&nbsp;"); see
    # feedkit/posts/typographer.py.
    typography: tuple[tuple[str, str], ...] = ()
    # Python-Markdown's reading of lists, of `#Title` and of a backslash at a line's end (a
    # Pelican site's: see pythonmarkdown.as_python_markdown_reads)
    python_markdown: bool = False
    sane_lists: bool = False  # Python-Markdown's lists as its sane_lists extension reads them
    # Python-Markdown's codehilite: an indented code block's first line `:::bash` or
    # `#!python` names its language and is no line of its code (pymarkdown_extensions.code_headers).
    codehilite: bool = False
    toc: bool = False  # Python-Markdown's toc: headings' ids, `[TOC]` (see pelicantoc)
    # Pelican's render_math plugin: formulas are taken out before Markdown reads the text,
    # `\(x\)` and `\[x\]` with one backslash too, their TeX as written (texdelims.convert)
    render_math: bool = False
    # Where `$` is no math to the site's converter, which reads the text in `$…$` as any
    # (Goldmark, cmark-gfm, Python-Markdown; kramdown, whose math is `$$` only): whose
    # backslash escapes the page shows MathJax read, "commonmark", "kramdown",
    # "python-markdown", or "commonmark-inline"/"-display" (Hugo's passthrough of `$$` or
    # `$`; see texdelims.dollar_escapes); "" where both reach the page as written
    # (feedkit's own posts, Pelican's render_math).
    dollar_escapes: str = ""
    # Python-Markdown's admonition: `!!! note "Title"` and its indented lines, a box
    # (pymarkdown_extensions.admonitions).
    admonition: bool = False

    @cached_property  # a frozen dataclass keeps it: enum flags take microseconds to combine
    def options(self) -> Any:
        """Return pulldown-cmark's options for this reading (a `pyromark.Options`), smart
        punctuation apart (see markup.markdown). Math is always on: whatever the converter,
        `$…$` reaches the page for MathJax or KaTeX to typeset there (its escapes read where
        the converter reads them, `dollar_escapes`)."""
        import pyromark

        flags = pyromark.Options.ENABLE_MATH
        for on, flag in (
            (self.tables, pyromark.Options.ENABLE_TABLES),
            (self.footnotes, pyromark.Options.ENABLE_FOOTNOTES),
            (self.strikethrough, pyromark.Options.ENABLE_STRIKETHROUGH),
            (self.heading_attributes, pyromark.Options.ENABLE_HEADING_ATTRIBUTES),
            (self.definition_lists, pyromark.Options.ENABLE_DEFINITION_LIST),
            (self.subscript, pyromark.Options.ENABLE_SUBSCRIPT),
        ):
            if on:
                flags |= flag
        return flags

    def may_link(self, text: str) -> bool:
        """Return False when Markdown `text` certainly holds no bare URL or address this
        reading makes a link (see `autolink`): a quick look, before a reading of events."""
        if not self.autolink or not any(mark in text for mark in _LINK_MARKS):
            return False
        if self.autolink == "goldmark":
            from feedkit.posts.linkifyrules import may_link

            return may_link(text)
        return True

    @cached_property
    def made(self) -> dict[bytes, bytes]:
        """Return the Markdown each typographic symbol (`TYPOGRAPHIC_SYMBOLS`) is made as:
        the site's own `<<`, `>>` and dashes (`typography`), else the character it stands
        for."""
        made = dict(_SYMBOL)
        if self.typography:
            from feedkit.posts.typographer import made_by_site

            site = made_by_site(self.typography)
            for typed, name in _SITE_SYMBOLS.items():
                made[typed] = site.get(name, made[typed])
        return made


PLAIN = Reading()


def goldmark(
    typographer: bool,
    typography: tuple[tuple[str, str], ...] = (),
    linkify: str = "",
    *,
    hard_wrap: bool = False,
    without: tuple[str, ...] = (),
    raw_html: bool = False,
    block_attributes: bool = False,
    dollar_escapes: str = "commonmark",
) -> Reading:
    """Return how a Hugo post is read, with Goldmark's typographer on or off: quotes,
    dashes, and `<<` `>>` as guillemets (a site that is not Hugo's: off), made as the
    site's `typography` says (see `Reading.typography`); with its linkify, `linkify` the
    protocol of www. links ("": off); with its renderer's `hardWraps` (`hard_wrap`); and
    `without` the extensions the site switched off, as Hugo names them (`table`,
    `footnote`, `strikethrough`, `definitionList`, `taskList` in lower case); raw HTML shown
    only with `raw_html` (its renderer's `unsafe`), the summary's divider `<!--more-->` as
    typed; with `block_attributes` (its parser's), `{.class}` below a block its attributes;
    the escapes in `$…$` and `$$…$$` read as `dollar_escapes` says (its passthrough
    extension passes its delimiters' TeX on as written)."""
    autolink, protocol = ("goldmark", linkify) if linkify else ("", "https")
    return Reading(
        smart=typographer,
        symbols="goldmark" if typographer else "",
        typography=typography if typographer else (),
        autolink=autolink,
        linkify_protocol=protocol,
        hard_wrap=hard_wrap,
        tables="table" not in without,
        footnotes="footnote" not in without,
        strikethrough="strikethrough" not in without,
        definition_lists="definitionlist" not in without,
        tasklists="tasklist" not in without,
        tight_tasks=True,
        goldmark_strikes="strikethrough" not in without,
        raw_html=raw_html,
        exact_divider=True,
        block_attributes=block_attributes,
        dollar_escapes=dollar_escapes,
    )


def pelican_reading(extensions: frozenset[str], render_math: bool = False) -> Reading:
    """Return how a Pelican post is read: as Python-Markdown reads it with `extensions`
    (see pelicanmarkdown.markdown_extensions; Pelican's default: `extra`'s parts). Without
    pymdown-extensions' `tilde`, `~~x~~` and `~x~` stay as typed; `attr_list` and `abbr` are
    read by kramdown's rules for them; `smarty` makes quotes curly, `nl2br` every line break
    a hard one, `magiclink` bare URLs links and `tasklist` task items; lists (`sane_lists`'
    too), `#Title`, a backslash at a line's end and (with `codehilite`) an indented code
    block's `:::bash` line are read as in Python-Markdown; with `render_math` (the site's
    plugin), formulas as that plugin takes them out before Markdown."""
    tilde = "pymdownx.tilde" in extensions
    return Reading(
        smart="smarty" in extensions,
        kramdown="attr_list" in extensions or "abbr" in extensions,
        tables="tables" in extensions,
        footnotes="footnotes" in extensions,
        strikethrough=tilde,
        subscript=tilde,
        single_tilde=False,  # `~x~` is tilde's subscript, or as typed
        definition_lists="def_list" in extensions,
        heading_attributes="attr_list" in extensions,
        tasklists="pymdownx.tasklist" in extensions,
        hard_wrap="nl2br" in extensions,
        autolink="cmark-gfm" if "pymdownx.magiclink" in extensions else "",
        python_markdown=True,
        sane_lists="sane_lists" in extensions,
        codehilite="codehilite" in extensions,
        toc="toc" in extensions,
        admonition="admonition" in extensions,
        render_math=render_math,
        dollar_escapes="" if render_math else "python-markdown",
    )


# What each typographic symbol is made: kramdown's HTML converter's TYPOGRAPHIC_SYMS,
# Goldmark's typographer's substitutions (a space inside the pair a no-break one, as kramdown
# writes it); and what finds them, in kramdown's order of trying them
# (parser/kramdown/typographic_symbol.rb). markup.typographic_symbols reads titles with them.
TYPOGRAPHIC_SYMBOLS = {
    "---": "—",
    "--": "–",
    "...": "…",
    "<< ": "«\u00a0",
    " >>": "\u00a0»",
    "<<": "«",
    ">>": "»",
}
KRAMDOWN_SYMBOLS = r"---|--|\.\.\.|<< | >>|<<|>>"
_SYMBOL = {typed.encode(): made.encode() for typed, made in TYPOGRAPHIC_SYMBOLS.items()}
# The symbols a Hugo site's own substitutions make (typographer.GOLDMARK_DEFAULTS' names).
_SITE_SYMBOLS = {b"<<": "leftAngleQuote", b">>": "rightAngleQuote"}
_SITE_SYMBOLS |= {b"---": "emDash", b"--": "enDash"}
