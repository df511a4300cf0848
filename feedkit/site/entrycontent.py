"""What a feed entry holds as its content, and how it is put into the entry feedgen wrote.

A post's HTML is an entry's content: in Atom as HTML, or as XHTML when it has MathML (in
escaped HTML, feed validators know no MathML and warn on every element of it; in XHTML each
element says what it is); in RSS as HTML, its formulas as their text. feedgen is given a mark
for it (`CONTENT_MARK`), and the content is put in its place in the entry's bytes
(`with_content`), as lxml would have written it: lxml took about 100 µs of each Atom entry
and RSS item to take in a 13 KB body, encode it again and escape it, where escaping its UTF-8
takes about 12, two thirds of making a post's entries with tag feeds; and a post's XHTML,
made by lxml from the HTML, was parsed again by feedgen as XML and written again as it was
(0.9 ms such an entry, half of it that).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from feedkit.config import Config
from feedkit.models import RenderedPost
from feedkit.site.feedparts import TEMPLATE_BRACE

if TYPE_CHECKING:
    from feedkit.site.feedgenlib import FeedEntry

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
CONTENT_MARK = "feedkit-content-3e7c91d0"
_CONTENT_MARK_UTF8 = CONTENT_MARK.encode()
# An entry's content in UTF-8, and its type: "html" (text, escaped when put in) or "xhtml"
# (XML as lxml wrote it, put in as it is).
Content = tuple[bytes, str]


def atom_content(fe: FeedEntry, cfg: Config, rp: RenderedPost) -> Content | None:
    """Give feedgen's Atom entry `fe` its content, as the mark where it can be put in after:
    return it then (see `with_content`)."""
    if (body := _shown_html(cfg, rp)) is None:
        return None
    if b"<math" not in body:
        fe.content(CONTENT_MARK, type="html")
        return body, "html"
    markup, flat = xhtml(body.decode())
    if not flat:  # lxml indents its elements in the entry: it writes them
        fe.content(markup, type="xhtml")
        return None
    fe.content(CONTENT_MARK, type="xhtml")
    return markup.encode(), "xhtml"


def rss_content(fe: FeedEntry, cfg: Config, rp: RenderedPost) -> Content | None:
    """Give feedgen's RSS item `fe` its content as the mark, and return it (see
    `with_content`): RSS has no XHTML form, and feed validators warn on MathML in its HTML."""
    if (body := _shown_html(cfg, rp)) is None:
        return None
    fe.content(CONTENT_MARK, type="html")
    if b"<math" not in body:
        return body, "html"
    from feedkit.posts.mathtext import mathml_as_text

    return mathml_as_text(body.decode()).encode(), "html"


def _shown_html(cfg: Config, rp: RenderedPost) -> bytes | None:
    """Return the HTML an entry of `rp` holds as its content, in UTF-8; None for none.

    A post with no text has no content: the W3C validator warns on a blank one (its entry
    keeps its summary and link). Looked at in UTF-8, and decoded only when it starts with
    no ASCII character but white space: 25-60 KB a post, four bytes a character with one
    emoji, for each of hundreds of entries."""
    if not rp.post.shows_text(cfg.feed.full_content):
        return None
    rest = rp.html_utf8.lstrip()
    if not rest or ((rest[0] >= 0x80 or chr(rest[0]).isspace()) and rest.decode().isspace()):
        return None
    return rp.html_utf8


def with_content(
    fe: FeedEntry, written: Callable[[FeedEntry], bytes], content: Content | None
) -> bytes:
    """Return `written(fe)`, the entry's bytes, with `content` put in where `fe` holds
    `CONTENT_MARK`: HTML as the text of the content element, escaped as lxml escapes text
    (`text_as_xml`); XHTML as it is, in feedgen's `div` (`xhtml`). Where the mark is found
    elsewhere too (a title that holds it), the entry is written with its content by lxml."""
    made = written(fe)
    if content is None:
        return made
    data, kind = content
    if made.count(_CONTENT_MARK_UTF8) != 1:
        fe.content(data.decode(), type=kind)
        return written(fe)
    if kind == "html":
        data = text_as_xml(data)
    if b"{" in data:  # as `written` does to the whole entry
        data = TEMPLATE_BRACE.sub(b"&#123;", data)
    return made.replace(_CONTENT_MARK_UTF8, data)


def text_as_xml(text: bytes) -> bytes:
    """Return UTF-8 text as lxml writes it as an element's text in UTF-8: `&`, `<`, `>` and
    carriage returns escaped (tests/test_feed_entries.py compares the two over every
    character XML allows). The text has no character XML cannot carry (`_render` took them
    out)."""
    escaped = text.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
    return escaped.replace(b"\r", b"&#13;") if b"\r" in escaped else escaped


def xhtml(fragment: str) -> tuple[str, bool]:
    """Return an HTML fragment as XHTML, its MathML in the MathML namespace, and whether it
    holds text beside its outermost elements.

    With such text, lxml writes feedgen's `div` of it in an entry as the XHTML is (parsed
    again as XML, written again): it indents the elements of none that holds text, as it
    does this one's only when they stand alone (tests/test_feed_entries.py compares the
    two)."""
    from lxml import etree
    from lxml import html as lxml_html

    parts = lxml_html.fragments_fromstring(fragment)
    lead = html.escape(parts.pop(0), quote=False) if parts and isinstance(parts[0], str) else ""
    markup = lead + "".join(etree.tostring(part, encoding="unicode") for part in parts)
    flat = bool(lead) or any(part.tail for part in parts)
    # An HTML parser puts <math> in no namespace; the XML written from it names none.
    markup = markup.replace("<math ", f'<math xmlns="{MATHML_NS}" ')
    return markup.replace("<math>", f'<math xmlns="{MATHML_NS}">'), flat
