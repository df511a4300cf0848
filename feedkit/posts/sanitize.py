"""Post HTML made safe for feeds: an allow-list, embeds as links, every URL absolute.

Feed readers show a post's HTML inside their own pages and mail clients have no base URL, so
the HTML that reaches a feed keeps only what posts legitimately use (text markup, tables,
figures, images with srcset, code with its language class, MathML, details), loses scripts,
event handlers, forms, `javascript:` URLs and style properties that can fetch (`url(…)`), and
comes out re-serialised by an HTML5 parser (nh3, the bindings of Rust's ammonia), so unclosed
or self-closed tags are repaired. Embedded players (iframe, video, audio, object, embed)
become a plain link to what they showed.
"""

from __future__ import annotations

import html
import re
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import nh3

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml import etree

# MathML Core's elements but <ms>, and of its attributes those the W3C feed validator accepts
# (it warns on any other in a feed's XHTML, and MathML Core renders without them).
_MATHML = {
    "math", "maction", "annotation", "merror", "mfrac", "mi",
    "mmultiscripts", "mn", "mo", "mover", "mpadded", "mphantom", "mprescripts", "mroot",
    "mrow", "mspace", "msqrt", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext",
    "mtr", "munder", "munderover", "none", "semantics",
}  # fmt: skip
TAGS = set(nh3.ALLOWED_TAGS) | {"section", "picture", "source", "tfoot"} | _MATHML
# The target of a link that names nothing (a Pelican `{filename}` or a Hugo `ref` to no post):
# a scheme the allow-list takes away, so the link's text stays, as text. An empty target would
# be a link to the post itself.
LEFT_OUT = "about:invalid"
_EMBEDS = ("iframe", "video", "audio", "object", "embed")
# Dropped with their content (embeds are links by then): what they hold is code, a page of
# its own or a player's fallback, never post text.
# And MathML's <annotation-xml>: the HTML or XHTML it may hold drew the validator's "should
# not contain img" in Atom, and its script's text came into summaries; no reader shows it.
DROPPED_WHOLE = {
    "script", "style", "template", "noembed", "noframes", "textarea", "annotation-xml", *_EMBEDS
}  # fmt: skip
_MATHML_ATTRIBUTES = {
    "display", "displaystyle", "mathvariant", "encoding", "stretchy", "fence", "separator",
    "lspace", "rspace", "columnalign", "rowalign", "scriptlevel", "linethickness", "width",
    "height", "depth", "minsize", "maxsize", "rowspacing", "columnspacing", "rowlines",
    "columnlines", "columnspan", "rowspan", "mathcolor", "mathbackground",
}  # fmt: skip
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir", "style"},
    "a": {"href", "hreflang", "name"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height"},
    "source": {"src", "srcset", "sizes", "type", "media"},
    "td": {"colspan", "rowspan", "headers", "align"},
    "th": {"colspan", "rowspan", "headers", "scope", "align"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "data": {"value"},
    "details": {"open"},
    "bdo": {"dir"},
    **{tag: _MATHML_ATTRIBUTES for tag in _MATHML},
}
# Style attributes keep properties that cannot load anything: table alignment (Markdown tables
# write it) and text colour and weight. A url(…) would load from the reader's page, so every
# property that can hold one goes, rather than resolving CSS by hand.
STYLE_PROPERTIES = {
    "text-align", "color", "background-color", "font-style", "font-weight",
    "text-decoration", "vertical-align",
}  # fmt: skip
# A style value the W3C feed validator accepts (its checkStyle rule, which mirrors what feed
# readers' own sanitisers let through): words, numbers, #colours and rgb() of integers; a
# background's words must be known keywords or such values. Compiled when first met (re
# keeps them): most posts have no style attribute.
_STYLE_VALUE = r"(?:[,#%.\sa-zA-Z0-9!]|\w-\w|\([\d,\s]+\))*"
_BACKGROUND_WORD = (
    r"#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|\d?\.?\d?\d(?:cm|em|ex|in|mm|pc|pt|px|%|,|\))?"
)
_CSS_KEYWORDS = {
    "aqua", "auto", "black", "block", "blue", "bold", "both", "bottom", "brown", "center",
    "collapse", "dashed", "dotted", "fuchsia", "gray", "green", "!important", "italic", "left",
    "lime", "maroon", "medium", "none", "navy", "normal", "nowrap", "olive", "pointer",
    "purple", "red", "right", "solid", "silver", "teal", "top", "transparent", "underline",
    "white", "yellow",
}  # fmt: skip
# Links may use these; `data:` is left out, as a link or image it can carry a whole page.
URL_SCHEMES = frozenset(nh3.ALLOWED_URL_SCHEMES)
# Only these may load into a reader's page by themselves (img, source, srcset).
_LOADED_SCHEMES = {"http", "https"}
_URL_ATTRIBUTES = {"href", "src", "cite", "srcset", "poster", "data"}
_NOSCRIPT = re.compile(r"</?noscript\b[^>]*>", re.IGNORECASE)
_EMBED_TAG = re.compile(r"<(?:iframe|video|audio|object|embed)\b", re.IGNORECASE)
# A self-closed non-void element as one Markdown inline HTML token: `<a name="x" />`.
_SELF_CLOSED = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b([^<>]*?)\s*/>\Z")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_VOID |= {"track", "wbr"}


def close_self_closed(tag: str) -> str:
    """Return one HTML tag as written, but `<a name="x" />` as `<a name="x"></a>`.

    HTML ignores the slash, so the element would run on over the text after it; Markdown
    processors such as kramdown close it where it stands, and posts are written for them.
    """
    m = _SELF_CLOSED.match(tag)
    if not m or m[1].lower() in _VOID:
        return tag
    return f"<{m[1]}{m[2]}></{m[1]}>"


# An http(s) URL that `urljoin` gives back as it is, whatever the base (half the URLs of
# the bench's posts): an ASCII host, a path with no `;` (urlparse takes the last segment's
# params off, and puts an empty one back without it) and a query and fragment that are not
# empty (an empty one loses its `?` or `#`). Anything else is joined (6 µs each).
_PLAIN_WEB_URL = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9\-._~!$&'()*+,=:@%/]*)?"
    r"(?:\?[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]+)?(?:#[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]+)?"
)


def absolute_url(value: str, base: str, loaded: bool = False) -> str | None:
    """Return `value` resolved against `base`, or None when its scheme is not allowed."""
    value = value.strip()
    if _PLAIN_WEB_URL.fullmatch(value):
        return value  # resolved, and its scheme allowed everywhere
    url = urljoin(base, value)
    scheme = urlsplit(url).scheme.lower()
    if scheme not in (_LOADED_SCHEMES if loaded else URL_SCHEMES):
        return None
    return url


def _srcset(value: str, resolved: _Resolved) -> str | None:
    candidates = []
    for written, descriptors in _srcset_candidates(value):
        if url := resolved[written, True]:
            candidates.append(f"{url} {descriptors}" if descriptors else url)
    return ", ".join(candidates) or None


def _srcset_candidates(value: str) -> Iterator[tuple[str, str]]:
    """Yield (URL, descriptors) of a srcset as the HTML standard parses one: a URL runs to
    the next white space, commas and all (`…/w_300,h_200/a.png 300w`, a CDN's), and the
    descriptors to the next comma outside parentheses. Split at every comma, such a URL
    was two, one of them on the site's own host."""
    at, end = 0, len(value)
    while at < end:
        while at < end and (value[at] in _SPACE or value[at] == ","):
            at += 1
        start = at
        while at < end and value[at] not in _SPACE:
            at += 1
        url, descriptors = value[start:at], ""
        if url.endswith(","):  # no descriptors: the commas end the candidate
            url = url.rstrip(",")
        else:
            depth, start = 0, at
            while at < end and (value[at] != "," or depth):
                depth += (value[at] == "(") - (value[at] == ")" and depth > 0)
                at += 1
            descriptors = " ".join(value[start:at].split())
            at += 1
        if url:
            yield url, descriptors


_SPACE = " \t\n\r\f"  # the HTML standard's white space


def _style(value: str) -> str | None:
    """Return the declarations of a style attribute that may stay, or None for none."""
    kept = []
    for declaration in value.split(";"):
        name, colon, text = declaration.partition(":")
        name, text = name.strip().lower(), text.strip()
        if not colon or name not in STYLE_PROPERTIES or not re.fullmatch(_STYLE_VALUE, text):
            continue
        if name.startswith("background") and not all(
            word in _CSS_KEYWORDS or re.fullmatch(_BACKGROUND_WORD, word)
            for word in text.lower().split()
        ):
            continue
        kept.append(f"{name}:{text}")
    return ";".join(kept) or None


class _Resolved(dict[tuple[str, bool], str | None]):
    """The URLs of the fragment being sanitized, by (value, loaded), each resolved against
    its `base` once: a post links to the same places many times (two in five of the
    benchmark's are repeats), and `urljoin` takes 6 µs."""

    def __init__(self, base: str, root: str = "") -> None:
        super().__init__()
        self.base = base
        self.root = root  # where a root-relative URL goes, when not the host's root

    def __missing__(self, key: tuple[str, bool]) -> str | None:
        value = key[0]
        if self.root and (stripped := value.strip()).startswith("/") and stripped[1:2] != "/":
            value = self.root.rstrip("/") + stripped  # `/img/a.png` under the site's path
        self[key] = url = absolute_url(value, self.base, key[1])
        return url


# The fragment being sanitized's URLs: nh3's Cleaner is made once with one attribute filter
# (making one takes 0.15 ms, as long as sanitizing a post).
_BASE: ContextVar[_Resolved] = ContextVar("sanitize_base")


def _keep(tag: str, attribute: str, value: str) -> str | None:
    """Return an allowed attribute's value as it may stay (URLs absolute), None to drop it."""
    if attribute == "style":
        return _style(value)
    if attribute not in _URL_ATTRIBUTES:
        return value
    if attribute == "srcset":
        return _srcset(value, _BASE.get())
    return _BASE.get()[value, attribute != "href" and attribute != "cite"]


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=TAGS,
        clean_content_tags=DROPPED_WHOLE,
        attributes=ATTRIBUTES,
        attribute_filter=_keep,
        link_rel=None,
        url_schemes=URL_SCHEMES,
        filter_style_properties=STYLE_PROPERTIES,
    )


def _source_of(element: etree._Element) -> str | None:
    for attribute in ("src", "data"):
        if element.get(attribute):
            return element.get(attribute)
    for source in element.iter("source"):
        if source.get("src"):
            return source.get("src")
    return None


def _parsed(fragment: str) -> etree._Element | None:
    """Return `fragment` parsed by libxml2 into a `<div>`, or None when it is nested deeper
    than libxml2 goes (2,048 with huge_tree; 256 without), which drops all that follows."""
    from lxml import html as lxml_html  # 4 ms to import, and most posts need none of it

    parser = lxml_html.HTMLParser(huge_tree=True)
    root = lxml_html.fragment_fromstring(fragment, create_parent="div", parser=parser)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        return None
    return root


def _embeds_as_links(fragment: str, resolved: _Resolved) -> str:
    from lxml import html as lxml_html

    root = _parsed(fragment)
    if root is None:  # the players stay, for nh3 to take out; the post's text stays too
        return fragment
    # libxml2 writes a URL attribute's spaces as %20: the spaces a browser strips around
    # one (`href="page.html "`) go first, or they became part of every such link.
    for element in root.iter():
        for name in _URL_ATTRIBUTES & set(element.attrib):
            value = element.get(name, "")
            if value != value.strip(_SPACE):
                element.set(name, value.strip(_SPACE))
    while found := root.xpath("(.//iframe|.//video|.//audio|.//object|.//embed)[1]"):
        embed = found[0]
        if embed.tag == "embed" and (embed.text or len(embed)):
            _follow(embed)  # void in HTML: what libxml2 put inside it is the post's text
        source = _source_of(embed)
        # Resolved as the post's other URLs: a root-relative one under a Hugo site's path.
        url = resolved[source, True] if source else None
        if url is None:
            embed.drop_tree()  # keeps the text after it
            continue
        link = lxml_html.Element("a", href=url)
        link.text = (embed.get("title") or "").strip() or url
        link.tail = embed.tail
        parent = embed.getparent()
        assert parent is not None
        parent.replace(embed, link)  # the others' content is their fallback, hidden
    lead = html.escape(root.text or "", quote=False)
    return lead + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)


def _follow(element: etree._Element) -> None:
    """Move what `element` holds to after it (an <embed> left open held the rest of the
    post, as libxml2 reads it, and took it away with it)."""
    parent = element.getparent()
    assert parent is not None
    children, at = list(element), parent.index(element)
    for offset, child in enumerate(children, 1):
        parent.insert(at + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + (element.tail or "")
        element.tail = element.text
    else:
        element.tail = (element.text or "") + (element.tail or "")
    element.text = None


def _without_katex_html(fragment: str) -> str:
    """Return `fragment` without the HTML KaTeX draws a formula with (`katex-html`, hidden
    from screen readers), where its MathML (`katex-mathml`) stands beside it: without
    KaTeX's style sheet, which no feed reader or mail has, that HTML is the formula's
    characters again in a row ("x² x2")."""
    from lxml import html as lxml_html

    root = _parsed(fragment)
    if root is None:
        return fragment
    drawn = root.xpath(
        './/span[contains(concat(" ", @class, " "), " katex-html ")]'
        '[../span[contains(concat(" ", @class, " "), " katex-mathml ")]]'
    )
    if not drawn:
        return fragment
    for span in drawn:
        span.drop_tree()  # keeps the text after it
    lead = html.escape(root.text or "", quote=False)
    return lead + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)


def sanitize(fragment: str, base: str, root: str = "") -> str:
    """Return `fragment` with only allowed markup, embeds as links, URLs absolute to `base`
    (a root-relative one under `root`, when given: a Hugo site's base URL)."""
    resolved = _Resolved(base, root)
    if "<noscript" in fragment or "<NOSCRIPT" in fragment:
        # What a page shows without scripts, as a feed reader and a mail are: its markup (a
        # lazy loader's <img>), which the parser would give as text, `&lt;img …&gt;`.
        fragment = _NOSCRIPT.sub("", fragment)
    if _EMBED_TAG.search(fragment):
        fragment = _embeds_as_links(fragment, resolved)
    if "katex-html" in fragment:
        fragment = _without_katex_html(fragment)
    token = _BASE.set(resolved)
    try:
        clean = _cleaner().clean(fragment)
    finally:
        _BASE.reset(token)
    if "></a>" in clean or "\n</a>" in clean:
        clean = _EMPTY_LINK.sub(_shown_link, clean)
    if "<img" in clean and _IMAGE_WITHOUT_SOURCE.search(clean):
        shown = {
            alt
            for tag in _IMAGE.findall(clean)
            if ' src="' in tag or ' srcset="' in tag
            for alt in _ALT.findall(tag)
        }

        def alt_text(m: re.Match[str]) -> str:  # unless an image shown says it (a lazy loader's)
            alt = _ALT.search(m[0])
            return alt[1] if alt and alt[1] not in shown else ""

        clean = _IMAGE_WITHOUT_SOURCE.sub(alt_text, clean)
    return clean


# An image left with no source (a `data:` one's, a lazy loader's `data-src` placeholder): a
# broken-image box in feeds and mail, and `![alt]()` in a mail's text; its text instead.
_IMAGE_WITHOUT_SOURCE = re.compile(r'<img\b(?![^>]*\ssrc(?:set)?=")[^>]*>')
_IMAGE = re.compile(r"<img\b[^>]*>")
_ALT = re.compile(r'\salt="([^"]*)"')


# A link with nothing in it to see (an Embedly card's `<a class="embedly-card" href="…"></a>`,
# which its script fills on the page): in a feed or a mail, nothing to follow either.
_EMPTY_LINK = re.compile(r'(<a\b[^>]*?\shref="([^"]+)"[^>]*>)\s*</a>')


def _shown_link(m: re.Match[str]) -> str:
    """Return an empty link with its address as its text, as an embed is shown."""
    return f"{m[1]}{m[2]}</a>"


# The end of a block (or a line break) with the next element right after it: its text and
# the next one's are apart on the page ("Fig. 1" over "The chart"), and so in the text.
_BLOCK_EDGE = re.compile(
    r"(</(?:address|article|aside|blockquote|caption|dd|div|dl|dt|figcaption|figure|footer|"
    r"h[1-6]|header|li|ol|p|pre|section|summary|table|td|th|tr|ul)\s*>(?=<)|<br\s*/?>)",
    re.IGNORECASE,
)


def text_of(fragment: str) -> str:
    """Return the text a reader sees in an HTML fragment: no tags, no script or style text;
    MathML as its readable text (`mathtext.mathml_as_text`), once, without KaTeX's drawing;
    a block's text apart from the next one's."""
    if "</" in fragment or "<br" in fragment:
        fragment = _BLOCK_EDGE.sub(r"\1 ", fragment)
    if "katex-html" in fragment:
        fragment = _without_katex_html(fragment)
    if "<math" in fragment:
        from feedkit.posts.mathtext import mathml_as_text

        fragment = mathml_as_text(fragment)
    return html.unescape(nh3.clean(fragment, tags=set(), clean_content_tags=DROPPED_WHOLE))
