"""Markdown → safe HTML: absolute URLs, formulas as MathML, titles with typographic symbols.

The engine is pyromark, the bindings of Rust's pulldown-cmark: CommonMark-exact (the spec's
examples are a test), with tables, footnotes, strikethrough, `$…$`/`$$…$$` math, heading
attributes and definition lists, at about a fiftieth of markdown-it-py's time per post.
The HTML comes from its own writer, then the sanitiser; a post's plain text (summaries, word
counts) reads its event stream: feedkit/posts/plaintext.py.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyromark

from feedkit.errors import Problem
from feedkit.models import Post
from feedkit.posts import comments, mathblocks, texdelims, uncarried
from feedkit.posts.anchors import with_footnote_anchors
from feedkit.posts.asread import as_read
from feedkit.posts.fences import dollars_only_in_code
from feedkit.posts.kramdown_look import has_kramdown
from feedkit.posts.rawhtml import kept_markers
from feedkit.posts.reading import KRAMDOWN_SYMBOLS, PLAIN, TYPOGRAPHIC_SYMBOLS, Reading
from feedkit.posts.sanitize import close_self_closed, sanitize
from feedkit.posts.texmath import tex_to_mathml

if TYPE_CHECKING:
    from feedkit.posts.kramdown import Prepared

# XML 1.0 forbids these code points even as character references; and the C1 controls, which
# the W3C validator rejects (see feedkit.posts.uncarried).
XML_ILLEGAL = re.compile(uncarried.XML_ILLEGAL)
_OPTIONS = PLAIN.options  # tables, footnotes, strikethrough, math, heading IDs, definitions
_SMART = pyromark.Options.ENABLE_SMART_PUNCTUATION
# What pulldown-cmark's writer makes of math: its own markup, nothing a post wrote, so this
# pattern meets exactly one shape (math text is escaped: no "<" in it).
_MATH_SPAN = texdelims.MATH_SPAN
# A self-closed non-void element written in a post: `<a name="x" />`. This pattern and the
# one below are compiled (and kept by re) when first used: few posts and titles need them.
_SELF_CLOSED_TAG = r"<[a-zA-Z][a-zA-Z0-9-]*\b[^<>]*?/>"


@lru_cache(maxsize=8)
def markdown(smart: bool = False, options: Any = _OPTIONS) -> pyromark.Markdown:
    """Return the shared Markdown parser: CommonMark, tables, footnotes, math and more (or
    `options`, a `Reading`'s); with `smart`, the typographer of Jekyll's kramdown, cmark-gfm
    and Hugo's Goldmark too: straight quotes curly, `--` an en dash, `---` an em dash, `...`
    an ellipsis (never in code, math, URLs or raw HTML: pulldown-cmark's smart punctuation)."""
    return pyromark.Markdown(options=options | _SMART if smart else options)


# ASCII punctuation Markdown could read as syntax; quotes, hyphens and dots are left for the
# typographer.
_SYNTAX = r"""[!#$%&()*+,/:;<=>?@\[\\\]^_`{|}~]"""


def read_html(text: str, reading: Reading, read: str | None = None) -> str:
    """Return Markdown `text` as HTML, read as `reading` says (`asread.as_read` first, for
    what pulldown-cmark has no option for; `read`: what that gave, when known), not yet
    made safe."""
    read = as_read(text, reading) if read is None else read
    out = str(markdown(reading.smart, reading.options).html(read))
    if reading.kramdown_gfm and "<!--kramdown-" in out:  # marks of kramdown_reading's
        from feedkit.posts.kramdown_paragraphs import terms_apart
        from feedkit.posts.kramdown_tables import without_made_heads

        out = terms_apart(without_made_heads(out))
    elif reading.definition_lists and "<dt>" in out:
        out = _TERM.sub(_terms_by_line, out)
    return out


_TERM = re.compile(r"<dt>(.*?)</dt>", re.DOTALL)
_TAG_OR_LINE_END = re.compile(r"<(/?)[A-Za-z][^>]*?(/?)>|\n")


def _terms_by_line(m: re.Match[str]) -> str:
    """Return a definition's term that runs over lines as a term a line, as Goldmark,
    Python-Markdown and kramdown read them (`A`, `B`, then `: both`), where pulldown-cmark
    makes one term of the lines. A line end inside a link or emphasis stays one."""
    content = m[1]
    if "\n" not in content:
        return m[0]
    terms, depth, start = [], 0, 0
    for token in _TAG_OR_LINE_END.finditer(content):
        if token[0] == "\n":
            if depth == 0:
                terms.append(content[start : token.start()])
                start = token.end()
        elif token[1]:
            depth -= 1
        elif not token[2]:
            depth += 1
    terms.append(content[start:])
    return "\n".join(f"<dt>{term}</dt>" for term in terms if term.strip())


def typographic_symbols(text: str) -> str:
    """Return a line of plain text with kramdown's typographic symbols made: `---` an em
    dash, `--` an en dash, `...` an ellipsis, `<<` `>>` guillemets (a space inside the pair
    a no-break one); its quotes as they are. What jekyll-feed's `smartify` makes of a title
    when the site's kramdown keeps its quotes straight: smart_quotes does not reach these."""
    return re.sub(KRAMDOWN_SYMBOLS, lambda m: TYPOGRAPHIC_SYMBOLS[m[0]], " ".join(text.split()))


def smartify(text: str) -> str:
    """Return a line of plain text with its quotes curly, `--` an en dash, `---` an em dash,
    `...` an ellipsis and `<<` `>>` guillemets, nothing else read as Markdown: Jekyll's
    `smartify` filter (kramdown's SmartyPants reading, typographic symbols too), which
    jekyll-feed gives every entry's title."""
    from feedkit.posts.kramdown_quotes import line_quotes

    line = line_quotes(" ".join(text.split()))  # kramdown's quotes, each by its neighbours
    line = typographic_symbols(line)  # as kramdown reads runs of them: `----` is `—-`
    # Every other punctuation mark escaped; after "x " the text starts where a line does.
    out = markdown(smart=True).html("x " + re.sub(_SYNTAX, r"\\\g<0>", line))
    return html.unescape(out.strip().removeprefix("<p>x ").removesuffix("</p>"))


def strip_xml_illegal(text: str) -> str:
    """Return `text` without the control characters XML cannot carry."""
    return XML_ILLEGAL.sub("", text)


def math_html(tex: str, display: bool, form: str = "mathml") -> str:
    """Return the HTML a feed carries for one formula: MathML with the TeX as annotation, or
    (`form` "source", or TeX MathML cannot be made of) the TeX source marked as math, for
    pages that typeset it with MathJax or KaTeX."""
    if form == "mathml" and (mathml := tex_to_mathml(tex, display)) is not None:
        return mathml
    escaped = html.escape(tex, quote=False)
    if display:
        return f'<span class="math display">$${escaped}$$</span>'
    return f'<span class="math inline">${escaped}$</span>'


def unconverted_math(body: str) -> list[tuple[int, str]]:
    """Return (line in `body`, TeX) of each formula that stays TeX source in feeds."""
    if "$" not in body or dollars_only_in_code(body):
        return []
    # pulldown-cmark's HTML writer shows every formula at a small part of the cost of
    # reading its events in Python; those are read only to find where one that stays is.
    out = markdown().html(body)
    if 'class="math math-' not in out or all(
        tex_to_mathml(html.unescape(tex), kind == "display") is not None
        for kind, tex in _MATH_SPAN.findall(out)
    ):
        return []
    found: list[tuple[int, str]] = []
    data = b""
    for event, span in markdown().events_with_range(body):
        if not isinstance(event, dict):
            continue
        tex = event.get("InlineMath", event.get("DisplayMath"))
        if isinstance(tex, str) and tex_to_mathml(tex, "DisplayMath" in event) is None:
            data = data or body.encode()  # the ranges count bytes
            found.append((data.count(b"\n", 0, span["start"]) + 1, tex))
    return found


def math_warnings(post: Post, body: str, reading: Reading = PLAIN) -> list[Problem]:
    """Return a warning, at its line, for each formula of a post that stays TeX in feeds,
    its escapes read as `reading` reads them (`texdelims.dollar_escapes`: lines kept)."""
    warnings = []
    body = texdelims.dollar_escapes(body, reading.dollar_escapes)
    # The formulas MathJax's delimiters make (`\\[…\\]`, `\begin{align}…`), tried as
    # rendering tries them, with those written between dollars.
    made = texdelims.formulas(body, reading.kramdown_math, reading.render_math)
    unconverted = [(line, tex) for line, tex, shown in made if tex_to_mathml(tex, shown) is None]
    for line, tex in sorted(unconverted_math(body) + unconverted):
        shown = " ".join(tex.split())
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        warnings.append(
            Problem(
                post.rel_path,
                post.body_line + line - 1,
                f"math ${shown}$ cannot be made MathML (an unknown command or unbalanced "
                "braces?); feeds show its TeX source",
                warning=True,
            )
        )
    return warnings


def before_kramdown(text: str, reading: Reading) -> str:
    """Return Markdown `text` with its formulas and attribute lists as the rest of the
    reading takes them, before kramdown's additions are read (`kramdown.prepare`): an HTML
    comment left open as text where the site's converter reads it so (`comments.as_text`), a block
    of math whole (kramdown's blank lines in it, lines that would start a block of their
    own), the escapes in `$…$` read where the site's converter reads them
    (`texdelims.dollar_escapes`), MathJax's delimiters pyromark's math
    (`texdelims.convert`), heading attributes in quotes as Goldmark reads them
    (`headingattrs`), a Hugo site's Goldmark block attributes and a Pelican site's
    attr_list lists (a colon or quotes left out) as kramdown's attribute lists. The HTML
    (`render_html`) and the plain text (`plaintext`) of a post read it alike."""
    text = comments.as_text(text, reading)  # before all: its lines are text
    if reading.kramdown_math:  # before `convert`, which reads the formula's pieces as text
        text = mathblocks.joined_block_math(text)
    # Before `convert`, which reads an environment in a broken block as math of its own;
    # after, for the `$$` blocks it makes.
    text = mathblocks.joined_marker_lines(text)
    # Before `convert`, whose `$…$` has its escapes read already.
    text = texdelims.dollar_escapes(text, reading.dollar_escapes)
    text = mathblocks.joined_marker_lines(
        texdelims.convert(text, reading.kramdown_math, reading.render_math)
    )
    if reading.heading_attributes:
        from feedkit.posts.headingattrs import unquoted

        text = unquoted(text, reading.options, colon=reading.python_markdown)
    if reading.block_attributes:
        from feedkit.posts.kramdown import from_goldmark_attributes

        text = from_goldmark_attributes(text)
    if reading.python_markdown and reading.kramdown:
        from feedkit.posts.pymarkdown_extensions import attr_lists

        text = attr_lists(text)
    return text


def kramdown_prepared(text: str, reading: Reading) -> Prepared | None:
    """Return `text` (as `before_kramdown` left it) with kramdown's additions read, where
    the site's converter is kramdown; else None. (kramdown's modules are imported for such a
    site only: their patterns took 3 ms of every other build that renders a post.)"""
    if not reading.kramdown or not has_kramdown(text):
        return None
    from feedkit.posts import kramdown

    return kramdown.prepare(text)


def render_html(
    body: str,
    base_url: str,
    anchor: str,
    math_form: str = "mathml",
    reading: Reading = PLAIN,
) -> str:
    """Return the safe HTML of a Markdown body, every URL in it absolute against `base_url`,
    read as `reading` says (kramdown's additions, its math rule, the site's typographer…).

    Footnote anchors begin with `anchor`, the post's name among the site's posts (see
    feedkit/posts/anchors.py), so they stay unique when a feed holds many posts; each
    formula is in the form `math_form` names (see `math_html`).
    """
    from feedkit.posts.plaintext import without_dividers  # plaintext imports this module

    text = before_kramdown(without_dividers(body, reading.exact_divider), reading)
    prepared = kramdown_prepared(text, reading)
    text = kept_markers(prepared, reading) if prepared else text
    # kramdown's math rule is read from the text as pulldown-cmark reads it (its HTML
    # blocks ended where kramdown ends them), not as it was before.
    read = as_read(text, reading)
    out = read_html(text, reading, read)
    if prepared:
        from feedkit.posts.kramdown_html import finish

        out = finish(out, prepared, gfm=reading.kramdown_gfm, toc_levels=reading.toc_levels)
    if reading.kramdown_math and 'class="math math-display"' in out:
        from feedkit.posts.kramdown_html import kramdown_math

        out = kramdown_math(read, out)
    # pulldown-cmark writes its own void elements self-closed (`<br />`, `<img … />`): any
    # other self-closed tag was written in the post.
    if "/>" in body and "/>" in out:
        out = re.sub(_SELF_CLOSED_TAG, lambda m: close_self_closed(m[0]), out)
    if reading.toc:
        from feedkit.posts.pelicantoc import with_toc

        out = with_toc(out)
    if 'class="math math-' in out:
        out = _MATH_SPAN.sub(
            lambda m: math_html(html.unescape(m[2]), m[1] == "display", math_form), out
        )
    out = with_footnote_anchors(out, anchor, by_definition=reading.python_markdown)
    return sanitize(out, base_url, reading.site_root)
