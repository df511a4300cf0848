"""Tests for feedkit/static/feed.xsl, the browser view of atom.xml and rss.xml.

The feeds are built with feedgen exactly as feedkit does (including the
``xml-stylesheet`` processing instruction), transformed with lxml's libxslt
(an XSLT 1.0 processor, like the ones in browsers) and the HTML is inspected
with lxml.html.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path

import lxml.html
import pytest
from feedgen.feed import FeedGenerator
from lxml import etree

XSL_PATH = Path(__file__).resolve().parent.parent / "feedkit" / "static" / "feed.xsl"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
PI = b'<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>'

SITE_URL = "https://example.org/"
SELF_URLS = {"atom": "https://example.org/atom.xml", "rss": "https://example.org/rss.xml"}
BANNER_TEXT = "This is a web feed. Copy its address into your feed reader to subscribe."

FEED_TITLE = "Notes & <Thoughts> 🎉"
FEED_SUBTITLE = "Writing about code, food & שלום"

TITLE_1 = "Fish & Chips <b>bold</b> \"quoted\" 'single' 🎉 שלום עולם"
URL_1 = "https://example.org/posts/fish-and-chips/"
SUMMARY_1 = "Crispy & golden; the <not-a-tag> stays text. שלום"
CONTENT_1 = "<p>FULL-CONTENT-MARKER <em>emphasis</em></p>"

TITLE_2 = "Second post"
URL_2 = "https://example.org/posts/second/"
SUMMARY_2 = "A short second summary."

AUTHOR = {"name": "Alice Example", "email": "alice@example.org"}


def _build_feed(kind: str) -> bytes:
    # An RSS description is HTML, as feedkit writes it (xmlfeeds): the text escaped.
    as_written = (lambda text: escape(text, quote=False)) if kind == "rss" else str
    fg = FeedGenerator()
    fg.id(SITE_URL)
    fg.title(FEED_TITLE)
    fg.subtitle(as_written(FEED_SUBTITLE))
    fg.author(AUTHOR)
    fg.language("en")
    # feedgen uses the *last* link added as RSS channel/link, so self goes first.
    fg.link(href=SELF_URLS[kind], rel="self")
    fg.link(href=SITE_URL, rel="alternate")

    fe = fg.add_entry(order="append")
    fe.id(URL_1)
    fe.title(TITLE_1)
    fe.link(href=URL_1)
    fe.published(datetime(2024, 3, 5, 10, 0, tzinfo=UTC))
    fe.updated(datetime(2024, 3, 6, 11, 0, tzinfo=UTC))
    fe.author(AUTHOR)
    fe.summary(as_written(SUMMARY_1))
    fe.content(CONTENT_1, type="html")
    fe.category(term="food", label="Food & Drink")
    fe.category(term="hebrew")

    fe = fg.add_entry(order="append")
    fe.id(URL_2)
    fe.title(TITLE_2)
    fe.link(href=URL_2)
    # No published date: Atom must fall back to <updated>.
    fe.updated(datetime(2024, 2, 1, 8, 30, tzinfo=UTC))
    if kind == "rss":
        fe.pubDate(datetime(2024, 2, 1, 8, 30, tzinfo=UTC))
    fe.author(AUTHOR)
    fe.summary(as_written(SUMMARY_2))
    fe.category(term="misc", label="Misc")

    data = fg.atom_str(pretty=True) if kind == "atom" else fg.rss_str(pretty=True)
    # Same placement as feedkit: right after the XML declaration.
    decl_end = data.index(b"?>") + 2
    return data[:decl_end] + b"\n" + PI + data[decl_end:]


@pytest.fixture(scope="module")
def xslt() -> etree.XSLT:
    return etree.XSLT(etree.parse(str(XSL_PATH)))


def _transform(xslt: etree.XSLT, xml: bytes) -> tuple[str, lxml.html.HtmlElement]:
    result = xslt(etree.fromstring(xml))
    html = str(result)
    return html, lxml.html.document_fromstring(html)


@pytest.fixture(scope="module", params=["atom", "rss"])
def page(request: pytest.FixtureRequest, xslt: etree.XSLT):
    kind = request.param
    feed = _build_feed(kind)
    assert feed.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n" + PI)
    html, doc = _transform(xslt, feed)
    return kind, html, doc


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _entries(doc):
    return doc.xpath("//article[contains(concat(' ', @class, ' '), ' entry ')]")


# --------------------------------------------------------------- stylesheet


def test_stylesheet_is_xslt_1_0_without_browser_hostile_features():
    tree = etree.parse(str(XSL_PATH))
    root = tree.getroot()
    assert root.tag == f"{{{XSL_NS}}}stylesheet"
    assert root.get("version") == "1.0"

    output = root.find(f"{{{XSL_NS}}}output")
    assert output is not None
    assert output.get("method") == "html"
    assert output.get("encoding") == "UTF-8"
    assert output.get("doctype-system") == "about:legacy-compat"

    # Firefox ignores disable-output-escaping; browsers have no extensions.
    assert tree.xpath("//@disable-output-escaping") == []
    assert root.get("extension-element-prefixes") is None
    for uri in root.nsmap.values():
        assert "exslt" not in uri and "xsl/2" not in uri and "msxsl" not in uri
    assert b"<script" not in XSL_PATH.read_bytes()


# --------------------------------------------------------------------- head


def test_head_title_viewport_and_inline_css(page):
    _kind, _html, doc = page
    assert doc.findtext(".//head/title") == f"{FEED_TITLE} (web feed)"
    viewport = doc.xpath("//head/meta[@name='viewport']/@content")
    assert viewport and "width=device-width" in viewport[0]

    styles = doc.xpath("//head/style")
    assert len(styles) == 1
    css = styles[0].text
    assert "prefers-color-scheme: dark" in css
    assert "max-width: 42rem" in css
    assert "system-ui" in css
    # No external resources: nothing fetched by CSS or markup.
    assert "url(" not in css and "@import" not in css
    assert doc.xpath("//link | //img | //iframe | //object | //embed | //*[@src]") == []


def test_no_script_or_event_handlers(page):
    _kind, html, doc = page
    # Guard against the vacuous pass of an empty page.
    assert len(_entries(doc)) == 2
    assert doc.xpath("//script") == []
    assert doc.xpath("//@*[starts-with(name(), 'on')]") == []
    assert "<script" not in html.lower()


# ------------------------------------------------------------------- banner


def test_banner_explains_feed_and_shows_self_url(page):
    kind, _html, doc = page
    banner = doc.xpath("//*[contains(concat(' ', @class, ' '), ' banner ')]")
    assert len(banner) == 1
    assert BANNER_TEXT in _text(banner[0])
    codes = banner[0].xpath(".//code")
    assert [c.text_content() for c in codes] == [SELF_URLS[kind]]
    site_links = banner[0].xpath(".//a/@href")
    assert site_links == [SITE_URL]


def test_feed_title_and_subtitle(page):
    _kind, _html, doc = page
    h1 = doc.xpath("//h1")
    assert len(h1) == 1
    assert h1[0].text_content() == FEED_TITLE
    assert h1[0].get("dir") == "auto"
    subtitle = doc.xpath("//*[contains(concat(' ', @class, ' '), ' subtitle ')]")
    assert [s.text_content() for s in subtitle] == [FEED_SUBTITLE]
    assert subtitle[0].get("dir") == "auto"


def test_html_lang_from_feed(page):
    _kind, _html, doc = page
    assert doc.get("lang") == "en"


# ------------------------------------------------------------------ entries


@pytest.mark.parametrize(("title", "url"), [(TITLE_1, URL_1), (TITLE_2, URL_2)])
def test_each_title_once_and_linked(page, title, url):
    _kind, _html, doc = page
    body_text = doc.body.text_content()
    assert body_text.count(title) == 1
    links = doc.xpath("//a[@href=$u]", u=url)
    assert len(links) == 1
    assert links[0].text_content() == title
    heading = links[0].getparent()
    assert heading.tag == "h2"
    assert heading.get("dir") == "auto"


def test_entries_in_feed_order(page):
    _kind, _html, doc = page
    titles = [_text(a) for a in doc.xpath("//article//h2")]
    assert titles == [" ".join(TITLE_1.split()), TITLE_2]


def test_special_characters_escaped_not_interpreted(page):
    _kind, html, doc = page
    # The "<b>" in the title must stay text: no <b> element, escaped in source.
    assert doc.xpath("//article//b") == []
    assert "Fish &amp; Chips &lt;b&gt;bold&lt;/b&gt;" in html
    assert "Notes &amp; &lt;Thoughts&gt; 🎉" in html
    heading = doc.xpath("//a[@href=$u]", u=URL_1)[0]
    text = heading.text_content()
    for fragment in ("&", "<b>", "</b>", '"quoted"', "'single'", "🎉", "שלום עולם"):
        assert fragment in text


def test_dates(page):
    kind, _html, doc = page
    first, second = _entries(doc)
    t1 = first.xpath(".//time")
    t2 = second.xpath(".//time")
    assert len(t1) == 1 and len(t2) == 1
    if kind == "atom":
        # published wins over updated; only the date part is displayed.
        assert t1[0].text_content() == "2024-03-05"
        assert t1[0].get("datetime").startswith("2024-03-05T10:00:00")
        # no <published>: falls back to <updated>.
        assert t2[0].text_content() == "2024-02-01"
        assert "2024-03-06" not in doc.body.text_content()
    else:
        # The day, as an Atom entry's: it was the RFC 822 text, English names on a page in
        # any language ("Tue, 05 Mar 2024 10:00:00 +0000").
        assert t1[0].text_content() == "2024-03-05" == t1[0].get("datetime")
        assert t2[0].text_content() == "2024-02-01" == t2[0].get("datetime")


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Sat, 3 Feb 2024 08:30:00 GMT", "2024-02-03"),
        ("03 Dec 2024 08:30 +0100", "2024-12-03"),
        ("Someday, maybe", "Someday, maybe"),  # no form read here: as written
        ("Sat, 33 Foo 2024 08:30:00 GMT", "Sat, 33 Foo 2024 08:30:00 GMT"),
    ],
)
def test_an_rss_date_written_otherwise_is_its_day_or_as_written(
    xslt, written: str, shown: str
) -> None:
    rss = (
        '<rss version="2.0"><channel><title>T</title><link>https://e.org/</link>'
        f"<description>D</description><item><title>A</title><pubDate>{written}</pubDate>"
        "</item></channel></rss>"
    )
    page = lxml.html.fromstring(str(xslt(etree.fromstring(rss.encode()))))
    assert [t.text_content() for t in page.xpath("//time")] == [shown]


def test_authors_show_names(page):
    _kind, _html, doc = page
    for entry in _entries(doc):
        names = [a.text_content() for a in entry.xpath(".//*[@class='author']")]
        assert names == [AUTHOR["name"]]
    # RSS <author> is "email (name)"; the page shows only the name.
    assert AUTHOR["email"] not in doc.body.text_content()


def test_summaries(page):
    _kind, _html, doc = page
    first, second = _entries(doc)
    s1 = first.xpath(".//*[contains(concat(' ', @class, ' '), ' summary ')]")
    s2 = second.xpath(".//*[contains(concat(' ', @class, ' '), ' summary ')]")
    assert [s.text_content() for s in s1] == [SUMMARY_1]
    assert [s.text_content() for s in s2] == [SUMMARY_2]
    assert s1[0].get("dir") == "auto"
    assert doc.body.text_content().count(SUMMARY_1) == 1
    assert doc.xpath("//not-a-tag") == []


def test_full_content_not_output(page):
    _kind, html, doc = page
    assert doc.body.text_content().count(SUMMARY_1) == 1
    assert "FULL-CONTENT-MARKER" not in html
    assert doc.xpath("//article//em") == []


def test_categories(page):
    kind, _html, doc = page
    first, second = _entries(doc)
    cats1 = [li.text_content() for li in first.xpath(".//ul[@class='categories']/li")]
    cats2 = [li.text_content() for li in second.xpath(".//ul[@class='categories']/li")]
    # Atom: @label, else @term. RSS (feedgen): <category> holds label or term.
    assert cats1 == ["Food & Drink", "hebrew"]
    assert cats2 == ["Misc"]


# --------------------------------------------------------- hand-written feeds


def test_atom_html_summary_is_reduced_to_text_and_unsafe_links_dropped(xslt):
    feed = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Caf&amp;eacute; &lt;em&gt;log&lt;/em&gt;</title>
  <link rel="self" href="https://example.net/atom.xml"/>
  <link href="https://example.net/"/>
  <author><name>Feed Author</name></author>
  <updated>2024-05-01T00:00:00Z</updated>
  <id>urn:x</id>
  <entry>
    <title>Evil</title>
    <link rel="alternate" href=" JavaScript:alert(1)"/>
    <id>urn:y</id>
    <updated>2024-05-02T09:00:00Z</updated>
    <summary type="html">&lt;p&gt;Tom &amp;amp; Jerry&lt;/p&gt;
      &lt;p&gt;say &amp;quot;hi&amp;quot;&lt;/p&gt;</summary>
  </entry>
</feed>"""
    html, doc = _transform(xslt, feed)
    # Markup in a type="html" text construct is stripped, entities decoded.
    assert [s.text_content() for s in doc.xpath("//p[@class='summary']")] == [
        'Tom & Jerry say "hi"'
    ]
    assert "&lt;p&gt;" not in html
    # Unknown entities are left alone rather than half-decoded.
    assert doc.xpath("//h1")[0].text_content() == "Caf&eacute; log"
    # A javascript: link is not emitted; the title is still shown.
    assert doc.xpath("//article//a") == []
    assert doc.xpath("//article//h2")[0].text_content() == "Evil"
    assert "javascript" not in html.lower()
    # Site link without rel, and feed-level author inherited by the entry.
    assert doc.xpath("//*[@class='banner']//a/@href") == ["https://example.net/"]
    assert [a.text_content() for a in doc.xpath("//*[@class='author']")] == ["Feed Author"]
    assert doc.xpath("//time")[0].text_content() == "2024-05-02"


def test_rss_channel_link_equal_to_self_url_is_not_offered_as_site(xslt):
    feed = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>T</title>
    <link>https://example.net/rss.xml</link>
    <description>D</description>
    <atom:link href="https://example.net/rss.xml" rel="self"/>
  </channel>
</rss>"""
    _html, doc = _transform(xslt, feed)
    assert [c.text_content() for c in doc.xpath("//code")] == ["https://example.net/rss.xml"]
    assert doc.xpath("//*[@class='banner']//a") == []
    assert "No entries yet." in doc.body.text_content()
