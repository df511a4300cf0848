"""Tests for tests/feedcheck.py, the offline W3C-feed-validator / JSON Feed 1.1 checker.

Valid samples are built with feedgen the way feedkit builds its feeds; every rule then gets
at least one broken variant that must produce the expected code (and level).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from feedgen.feed import FeedGenerator
from lxml import etree

from feedcheck import FeedIssue, check_atom, check_json_feed, check_rss

SITE = "https://example.com/"
ATOM_URL = "https://example.com/atom.xml"
RSS_URL = "https://example.com/rss.xml"
JSON_URL = "https://example.com/feed.json"
NS = {"a": "http://www.w3.org/2005/Atom", "c": "http://purl.org/rss/1.0/modules/content/"}
DC = "http://purl.org/dc/elements/1.1/"
POST1 = "tag:example.com,2024:posts/post-1"
POST2 = "tag:example.com,2024:posts/post-2"
CONTENT1 = (
    '<p>Hello <a href="https://example.com/posts/post-1/">world</a> '
    '<img src="https://example.com/img/1.png" alt="pic"></p>'
)


def _generator(self_url: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id("tag:example.com,2024:feed")
    fg.title("Example Blog")
    fg.description("Notes about examples")
    fg.author({"name": "Jane Doe", "email": "jane@example.com"})
    fg.link(href=self_url, rel="self")
    fg.link(href=SITE, rel="alternate")
    fg.language("en")
    fg.updated(datetime(2024, 5, 2, tzinfo=UTC))
    for i in (1, 2):
        fe = fg.add_entry(order="append")
        post_id = f"tag:example.com,2024:posts/post-{i}"
        fe.id(post_id)
        fe.guid(post_id, permalink=False)
        fe.title(f"Post number {i}")
        fe.link(href=f"{SITE}posts/post-{i}/")
        fe.author({"name": "Jane Doe", "email": "jane@example.com"})
        fe.published(datetime(2024, 4, i, 9, tzinfo=UTC))
        fe.updated(datetime(2024, 4, i, 10, tzinfo=UTC))
        fe.summary(f"Summary of post {i}.")
        fe.content(CONTENT1.replace("-1", f"-{i}").replace("/1.", f"/{i}."), type="html")
        fe.category(term="python")
    return fg


ATOM = _generator(ATOM_URL).atom_str(pretty=True)
RSS = _generator(RSS_URL).rss_str(pretty=True)
JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Example Blog",
    "home_page_url": SITE,
    "feed_url": JSON_URL,
    "description": "Notes about examples",
    "language": "en",
    "authors": [{"name": "Jane Doe", "url": SITE}],
    "items": [
        {
            "id": POST1,
            "url": f"{SITE}posts/post-1/",
            "title": "Post number 1",
            "content_html": CONTENT1,
            "summary": "Summary of post 1.",
            "date_published": "2024-04-01T09:00:00+00:00",
            "date_modified": "2024-04-01T10:00:00Z",
            "tags": ["python"],
        },
        {
            "id": POST2,
            "url": f"{SITE}posts/post-2/",
            "content_text": "Plain text post.",
            "date_published": "2024-04-02T09:00:00+00:00",
        },
    ],
}


def edit(old: str, new: str) -> Callable[[bytes], bytes]:
    """A mutation replacing the first occurrence of ``old`` (which must be present)."""

    def mutate(xml: bytes) -> bytes:
        text = xml.decode()
        assert old in text, f"{old!r} not in sample"
        return text.replace(old, new, 1).encode()

    return mutate


def both(*mutations: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """A mutation applying several mutations in turn."""

    def mutate(xml: bytes) -> bytes:
        for mutation in mutations:
            xml = mutation(xml)
        return xml

    return mutate


def drop(*xpaths: str) -> Callable[[bytes], bytes]:
    """A mutation removing every element matched by ``xpaths``."""

    def mutate(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        for xpath in xpaths:
            hits = root.xpath(xpath, namespaces=NS)
            assert hits, f"{xpath} matched nothing"
            for hit in hits:
                hit.getparent().remove(hit)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    return mutate


def codes(issues: list[FeedIssue]) -> set[tuple[str, str]]:
    return {(issue.level, issue.code) for issue in issues}


# ------------------------------------------------------------------ valid samples


def test_valid_atom_has_no_issues() -> None:
    assert check_atom(ATOM, ATOM_URL) == []


def test_valid_rss_has_no_issues() -> None:
    assert check_rss(RSS, RSS_URL) == []


def test_valid_json_feed_has_no_issues() -> None:
    assert check_json_feed(json.dumps(JSON_FEED).encode(), JSON_URL) == []


@pytest.mark.parametrize(
    ("check", "sample", "url"), [(check_atom, ATOM, ATOM_URL), (check_rss, RSS, RSS_URL)]
)
def test_xml_stylesheet_processing_instruction_is_accepted(check, sample, url) -> None:
    pi = '<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>\n'
    styled = edit("?>\n", "?>\n" + pi)(sample)
    assert pi.encode() in styled
    assert check(styled, url) == []


def test_mathml_in_xhtml_content_is_valid() -> None:
    mathml = (
        '<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Let '
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><semantics><mrow>'
        '<mi mathvariant="bold">x</mi><mspace width="1em"/><mo stretchy="false">(</mo></mrow>'
        '<annotation encoding="application/x-tex">\\mathbf{x} \\quad (</annotation>'
        "</semantics></math> be.</p></div></summary>"
    )
    feed = ATOM.replace(b"<summary>Summary of post 1.</summary>", mathml.encode())
    assert check_atom(feed, ATOM_URL) == []


def test_mathml_in_escaped_html_is_not_html() -> None:
    feed = ATOM.replace(
        b"&lt;p&gt;Hello", b"&lt;p&gt;&lt;math&gt;&lt;mi&gt;x&lt;/mi&gt;&lt;/math&gt;"
    )
    assert ("warning", "NotHtml") in codes(check_atom(feed, ATOM_URL))


def test_feed_level_author_covers_entries_without_author() -> None:
    assert check_atom(drop("/a:feed/a:entry/a:author")(ATOM), ATOM_URL) == []


def test_xml_base_makes_relative_references_in_atom_content_acceptable() -> None:
    rel = edit(
        '<content type="html">&lt;p&gt;Hello &lt;a href="https://example.com/posts',
        '<content type="html" xml:base="https://example.com/">&lt;p&gt;Hello &lt;a href="/posts',
    )(ATOM)
    assert check_atom(rel, ATOM_URL) == []


def test_hex_character_references_avoid_character_data_warning() -> None:
    assert check_rss(edit("Post number 1<", "Use &#x3C;div> wisely<")(RSS), RSS_URL) == []


IMAGE = (
    "<image><url>https://example.com/logo.png</url><title>Example Blog</title>"
    "<link>https://example.com/</link><width>88</width></image>"
)
WITH_IMAGE = edit("<language>en</language>", "<language>en</language>" + IMAGE)


def test_rss_channel_image_matching_the_channel_is_valid() -> None:
    assert check_rss(WITH_IMAGE(RSS), RSS_URL) == []


def test_json_feed_extensions_are_allowed() -> None:
    feed = copy.deepcopy(JSON_FEED)
    feed["_example"] = {"about": "https://example.com/ext", "x.y": 1}
    feed["items"][0]["_example"] = {"flag": True}
    assert check_json_feed(json.dumps(feed).encode(), JSON_URL) == []


def test_where_names_the_entry_item_and_element() -> None:
    atom = check_atom(
        edit("&lt;/a&gt;", "&lt;/a&gt;&lt;script&gt;x()&lt;/script&gt;")(ATOM), ATOM_URL
    )
    assert [(i.code, i.where) for i in atom] == [("SecurityRisk", "entry 1 <content>")]
    script = edit("&lt;/p&gt;</content:encoded>", "&lt;script&gt;&lt;/script&gt;</content:encoded>")
    assert [i.where for i in check_rss(script(RSS), RSS_URL)] == ["item 1 <content:encoded>"]
    rss = check_rss(edit(f">{POST2}<", f">{POST1}<")(RSS), RSS_URL)
    assert [(i.level, i.code, i.where) for i in rss] == [
        ("error", "DuplicateValue", "item 2 <guid>")
    ]


def test_non_utf8_bytes_are_rejected() -> None:
    for check, sample, url in (
        (check_atom, ATOM, ATOM_URL),
        (check_rss, RSS, RSS_URL),
        (check_json_feed, json.dumps(JSON_FEED).encode(), JSON_URL),
    ):
        broken = sample.replace(b"Example Blog", "Exámple Blog".encode("latin-1"))
        assert ("error", "UnicodeError") in codes(check(broken, url))


# ------------------------------------------------------------------ Atom rules

ATOM_CASES = [
    ("not-well-formed", edit("</feed>", ""), "error", "SAXError"),
    ("control-character", edit("Post number 1", "Post\x01 1"), "error", "SAXError"),
    ("c1-character", edit("Post number 1", "Post\u0085 1"), "warning", "BadCharacters"),
    ("html-entity-in-xml", edit("Post number 1", "Post&nbsp;1"), "error", "UndefinedNamedEntity"),
    ("xml-1.1", edit("version='1.0'", "version='1.1'"), "error", "BadXmlVersion"),
    ("declared-latin1", edit("encoding='UTF-8'", "encoding='ISO-8859-1'"), "error", "UnicodeError"),
    ("missing-feed-id", drop("/a:feed/a:id"), "error", "MissingElement"),
    ("missing-feed-title", drop("/a:feed/a:title"), "error", "MissingElement"),
    ("missing-feed-updated", drop("/a:feed/a:updated"), "error", "MissingElement"),
    (
        "two-feed-titles",
        edit("<title>Example Blog</title>", "<title>Example Blog</title><title>Again</title>"),
        "error",
        "DuplicateElement",
    ),
    (
        "no-author-anywhere",
        drop("/a:feed/a:author", "/a:feed/a:entry[1]/a:author"),
        "error",
        "MissingElement",
    ),
    ("entry-missing-id", drop("/a:feed/a:entry[1]/a:id"), "error", "MissingElement"),
    ("entry-missing-title", drop("/a:feed/a:entry[1]/a:title"), "error", "MissingElement"),
    ("entry-missing-updated", drop("/a:feed/a:entry[1]/a:updated"), "error", "MissingElement"),
    (
        "entry-two-ids",
        edit(f"<id>{POST1}</id>", f"<id>{POST1}</id><id>{POST1}x</id>"),
        "error",
        "DuplicateElement",
    ),
    (
        "no-content-or-alternate",
        drop("/a:feed/a:entry[1]/a:content", "/a:feed/a:entry[1]/a:link"),
        "error",
        "MissingContentOrAlternate",
    ),
    (
        "no-content-or-summary",
        drop("/a:feed/a:entry[1]/a:content", "/a:feed/a:entry[1]/a:summary"),
        "warning",
        "MissingTextualContent",
    ),
    ("bad-tag-uri", edit(POST1, "tag:Example.com:posts/post-1"), "error", "InvalidTAG"),
    ("relative-id", edit(POST1, "/posts/post-1/"), "error", "InvalidFullLink"),
    ("bad-urn", edit(POST1, "urn:uuid:not-a-uuid"), "error", "InvalidUUID"),
    (
        "non-canonical-id",
        edit(POST1, "HTTP://Example.COM:80/posts/post-1"),
        "warning",
        "NonCanonicalURI",
    ),
    (
        "whitespace-in-id",
        edit(f"<id>{POST1}</id>", f"<id> {POST1}</id>"),
        "error",
        "UnexpectedWhitespace",
    ),
    ("duplicate-entry-id", edit(POST2, POST1), "warning", "DuplicateEntries"),
    (
        "date-without-T",
        edit("2024-04-01T10:00:00+00:00", "2024-04-01 10:00:00+00:00"),
        "error",
        "InvalidRFC3339Date",
    ),
    (
        "date-without-zone",
        edit("2024-04-01T10:00:00+00:00", "2024-04-01T10:00:00"),
        "error",
        "InvalidRFC3339Date",
    ),
    (
        "impossible-date",
        edit("2024-04-01T10:00:00+00:00", "2024-02-30T10:00:00Z"),
        "error",
        "InvalidRFC3339Date",
    ),
    (
        "future-date",
        edit("2024-04-01T10:00:00+00:00", "2999-01-01T00:00:00Z"),
        "warning",
        "ImplausibleDate",
    ),
    (
        "ancient-date",
        edit("2024-04-01T09:00:00+00:00", "1980-01-01T00:00:00Z"),
        "warning",
        "ImplausibleDate",
    ),
    (
        "updated-before-published",
        edit("2024-04-01T10:00:00+00:00", "2024-04-01T08:00:00+00:00"),
        "warning",
        "UpdatedBeforePublished",
    ),
    (
        "same-updated",
        edit("2024-04-01T10:00:00+00:00", "2024-04-02T10:00:00+00:00"),
        "warning",
        "DuplicateUpdated",
    ),
    ("missing-self", drop("/a:feed/a:link[@rel='self']"), "warning", "MissingSelf"),
    (
        "self-elsewhere",
        edit(f'href="{ATOM_URL}"', 'href="https://example.com/feed.atom"'),
        "warning",
        "SelfDoesntMatchLocation",
    ),
    ("relative-self", edit(f'href="{ATOM_URL}"', 'href="/atom.xml"'), "warning", "RelativeSelf"),
    ("self-is-html", edit('rel="self"', 'rel="self" type="text/html"'), "warning", "SelfNotAtom"),
    ("bad-link-type", edit('rel="self"', 'rel="self" type="atom"'), "error", "InvalidMIMEType"),
    (
        "unregistered-rel",
        edit('rel="alternate"', 'rel="homepage"'),
        "warning",
        "UnregisteredAtomLinkRel",
    ),
    (
        "two-alternates",
        edit(
            f'<link href="{SITE}" rel="alternate"/>',
            f'<link href="{SITE}" rel="alternate"/><link href="{SITE}x"/>',
        ),
        "error",
        "DuplicateAtomLink",
    ),
    (
        "link-without-href",
        edit('<link href="https://example.com/posts/post-1/"/>', "<link/>"),
        "error",
        "MissingHref",
    ),
    (
        "link-with-text",
        edit(
            f'<link href="{SITE}" rel="alternate"/>',
            f'<link href="{SITE}" rel="alternate">home</link>',
        ),
        "warning",
        "AtomLinkNotEmpty",
    ),
    (
        "bad-hreflang",
        edit('rel="alternate"', 'rel="alternate" hreflang="english"'),
        "error",
        "InvalidLanguage",
    ),
    (
        "unescaped-html-content",
        edit('<content type="html">&lt;p&gt;Hello ', '<content type="html"><b>Hello</b> '),
        "error",
        "UndefinedElement",
    ),
    (
        "stray-end-tag",
        edit("&lt;/p&gt;</content>", "&lt;/p&gt;&lt;/div&gt;</content>"),
        "warning",
        "NotHtml",
    ),
    (
        "unclosed-div",
        edit("&lt;/p&gt;</content>", "&lt;/p&gt;&lt;div&gt;x</content>"),
        "warning",
        "NotHtml",
    ),
    (
        "non-html-tag",
        edit("&lt;/p&gt;</content>", "&lt;/p&gt;&lt;foo&gt;x&lt;/foo&gt;</content>"),
        "warning",
        "NotHtml",
    ),
    (
        "relative-href",
        edit('href="https://example.com/posts/post-1/"&gt;', 'href="/about"&gt;'),
        "warning",
        "ContainsRelRef",
    ),
    (
        "fragment-href",
        edit('href="https://example.com/posts/post-1/"&gt;', 'href="#fn1"&gt;'),
        "warning",
        "ContainsRelRef",
    ),
    (
        "relative-img",
        edit('src="https://example.com/img/1.png"', 'src="img/1.png"'),
        "warning",
        "ContainsRelRef",
    ),
    (
        "script",
        edit("&lt;/p&gt;</content>", "&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</content>"),
        "warning",
        "SecurityRisk",
    ),
    (
        "iframe",
        edit(
            "&lt;/p&gt;</content>",
            '&lt;/p&gt;&lt;iframe src="https://x.org/"&gt;&lt;/iframe&gt;</content>',
        ),
        "warning",
        "SecurityRisk",
    ),
    (
        "embed",
        edit("&lt;/p&gt;</content>", '&lt;/p&gt;&lt;embed src="https://x.org/a"&gt;</content>'),
        "warning",
        "SecurityRisk",
    ),
    (
        "onclick",
        edit("&lt;p&gt;Hello", '&lt;p onclick="x()"&gt;Hello'),
        "warning",
        "SecurityRiskAttr",
    ),
    (
        "aria-attribute",
        edit("&lt;p&gt;Hello", '&lt;p aria-hidden="true"&gt;Hello'),
        "warning",
        "SecurityRiskAttr",
    ),
    (
        "javascript-url",
        edit('href="https://example.com/posts/post-1/"&gt;', 'href="javascript:alert(1)"&gt;'),
        "warning",
        "JavascriptURL",
    ),
    (
        "dangerous-style",
        edit("&lt;p&gt;Hello", '&lt;p style="position: fixed"&gt;Hello'),
        "warning",
        "DangerousStyleAttr",
    ),
    (
        "html-in-text-summary",
        edit("Summary of post 1.", "Summary &lt;b&gt;1&lt;/b&gt;"),
        "warning",
        "ContainsUndeclaredHTML",
    ),
    (
        "double-escaped-title",
        edit("Post number 1", "Tom &amp;amp; Jerry"),
        "warning",
        "ContainsUndeclaredHTML",
    ),
    (
        "text-type-with-slash",
        edit("<title>Post number 1", '<title type="text/plain">Post'),
        "error",
        "InvalidTextType",
    ),
    (
        "xhtml-without-div",
        edit("<summary>Summary of post 1.</summary>", '<summary type="xhtml">Summary</summary>'),
        "error",
        "MissingXhtmlDiv",
    ),
    (
        "xhtml-script",
        edit(
            "<summary>Summary of post 1.</summary>",
            '<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            "<script>x()</script></div></summary>",
        ),
        "warning",
        "SecurityRisk",
    ),
    (
        "xhtml-mathml-element-outside-the-list",
        edit(
            "<summary>Summary of post 1.</summary>",
            '<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            '<math xmlns="http://www.w3.org/1998/Math/MathML"><menclose><mi>x</mi></menclose>'
            "</math></div></summary>",
        ),
        "warning",
        "SecurityRisk",
    ),
    (
        "xhtml-mathml-attribute-outside-the-list",
        edit(
            "<summary>Summary of post 1.</summary>",
            '<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            '<math xmlns="http://www.w3.org/1998/Math/MathML"><mover accent="true"><mi>x</mi>'
            "<mo>^</mo></mover></math></div></summary>",
        ),
        "warning",
        "SecurityRiskAttr",
    ),
    ("empty-title", edit("<title>Post number 1</title>", "<title></title>"), "warning", "NotBlank"),
    (
        "bad-author-email",
        edit("<email>jane@example.com</email>", "<email>jane at example</email>"),
        "error",
        "InvalidAddrSpec",
    ),
    ("author-without-name", edit("<name>Jane Doe</name>", ""), "error", "MissingElement"),
    (
        "email-in-name",
        edit("<name>Jane Doe</name>", "<name>Jane &lt;jane@example.com&gt;</name>"),
        "warning",
        "ContainsEmail",
    ),
    ("bad-xml-lang", edit('xml:lang="en"', 'xml:lang="english"'), "error", "InvalidLanguage"),
    (
        "category-without-term",
        edit('<category term="python"/>', "<category/>"),
        "error",
        "MissingAttribute",
    ),
    (
        "unknown-atom-element",
        edit(
            "<summary>Summary of post 1.</summary>",
            "<summary>Summary of post 1.</summary><excerpt>x</excerpt>",
        ),
        "error",
        "UndefinedElement",
    ),
    (
        "unexpected-attribute",
        edit("<entry>", '<entry draft="yes">'),
        "error",
        "UnexpectedAttribute",
    ),
    (
        "unnamespaced-element",
        edit("</entry>", '<draft xmlns="">yes</draft></entry>'),
        "warning",
        "UndeterminableVocabulary",
    ),
    (
        "unknown-namespace",
        edit("<feed ", '<feed xmlns:ex="https://example.com/ns" '),
        "warning",
        "UnknownNamespace",
    ),
    (
        "atom-prefix",
        edit("<feed ", '<feed xmlns:atom="http://www.w3.org/2005/Atom" '),
        "warning",
        "AvoidNamespacePrefix",
    ),
    (
        "reserved-prefix",
        edit("<feed ", '<feed xmlns:dc="https://example.com/dc" '),
        "warning",
        "ReservedPrefix",
    ),
    (
        "metadata-after-entries",
        edit("</feed>", "<rights>CC-BY</rights></feed>"),
        "error",
        "MisplacedMetadata",
    ),
    (
        "bad-generator-uri",
        edit('uri="https://lkiesow', 'uri="https:// lkiesow'),
        "error",
        "InvalidUriChar",
    ),
    (
        "hostless-generator-uri",
        edit('uri="https://lkiesow', 'uri="http:///lkiesow'),
        "error",
        "InvalidURIAttribute",
    ),
    (
        "hostless-link-href",
        edit('href="https://example.com/posts/post-1/"/>', 'href="http:///posts/post-1/"/>'),
        "error",
        "InvalidIRI",
    ),
    (
        "hostless-icon",
        edit("</subtitle>", "</subtitle><icon>http:///icon.png</icon>"),
        "error",
        "InvalidLink",
    ),
    ("bad-urn-id", edit(POST1, "urn:x"), "error", "InvalidURN"),
    ("unregistered-scheme-id", edit(POST1, "blog:post-1"), "warning", "SchemeNotIANARegistered"),
    ("blank-rel", edit('rel="alternate"', 'rel=""'), "warning", "AttrNotBlank"),
]


@pytest.mark.parametrize(
    ("mutate", "level", "code"), [c[1:] for c in ATOM_CASES], ids=[c[0] for c in ATOM_CASES]
)
def test_atom_rule(mutate: Callable[[bytes], bytes], level: str, code: str) -> None:
    assert (level, code) in codes(check_atom(mutate(ATOM), ATOM_URL))


def test_atom_root_must_be_feed() -> None:
    issues = check_atom(RSS, ATOM_URL)
    assert ("error", "UndefinedElement") in codes(issues)


# ------------------------------------------------------------------ RSS rules

ITEM1 = "/rss/channel/item[1]"
RSS_CASES = [
    ("not-well-formed", edit("</rss>", ""), "error", "SAXError"),
    ("bad-version", edit('version="2.0"', 'version="3.0"'), "error", "InvalidRSSVersion"),
    ("no-channel", drop("/rss/channel"), "error", "MissingElement"),
    ("missing-title", drop("/rss/channel/title"), "error", "MissingTitle"),
    ("missing-link", drop("/rss/channel/link"), "error", "MissingLink"),
    ("missing-description", drop("/rss/channel/description"), "error", "MissingDescription"),
    (
        "two-titles",
        edit("<title>Example Blog</title>", "<title>Example Blog</title><title>x</title>"),
        "error",
        "DuplicateElement",
    ),
    (
        "relative-channel-link",
        edit(f"<link>{SITE}</link>", "<link>/</link>"),
        "error",
        "InvalidFullLink",
    ),
    (
        "link-with-space",
        edit(f"<link>{SITE}</link>", "<link>https://example.com/a b</link>"),
        "error",
        "InvalidUriChar",
    ),
    (
        "non-ascii-link",
        edit(f"<link>{SITE}</link>", "<link>https://example.com/café</link>"),
        "error",
        "UriNotIri",
    ),
    (
        "html-in-channel-description",
        edit("Notes about examples", "&lt;p&gt;Notes&lt;/p&gt;"),
        "warning",
        "ContainsHTML",
    ),
    (
        "bad-language",
        edit("<language>en</language>", "<language>english</language>"),
        "error",
        "InvalidLanguage",
    ),
    (
        "bad-ttl",
        edit("<language>en</language>", "<language>en</language><ttl>soon</ttl>"),
        "error",
        "InvalidPositiveInteger",
    ),
    (
        "relative-docs",
        edit("<docs>http://www.rssboard.org/rss-specification", "<docs>/rss-specification"),
        "error",
        "InvalidFullLink",
    ),
    (
        "iso-lastBuildDate",
        edit("Thu, 02 May 2024 00:00:00 +0000", "2024-05-02T00:00:00Z"),
        "error",
        "InvalidRFC2822Date",
    ),
    ("svg-image", both(WITH_IMAGE, edit("logo.png", "logo.svg")), "warning", "ImageUrlFormat"),
    (
        "image-link-differs",
        both(
            WITH_IMAGE,
            edit(
                "<link>https://example.com/</link><width>",
                "<link>https://example.com/about</link><width>",
            ),
        ),
        "warning",
        "ImageLinkDoesntMatch",
    ),
    (
        "image-title-differs",
        both(WITH_IMAGE, edit("<title>Example Blog</title><link>", "<title>Logo</title><link>")),
        "warning",
        "ImageTitleDoesntMatch",
    ),
    (
        "image-without-url",
        both(WITH_IMAGE, edit("<url>https://example.com/logo.png</url>", "")),
        "error",
        "MissingElement",
    ),
    (
        "image-too-wide",
        both(WITH_IMAGE, edit("<width>88</width>", "<width>200</width>")),
        "error",
        "InvalidWidth",
    ),
    ("missing-self", drop("/rss/channel/a:link"), "warning", "MissingAtomSelfLink"),
    (
        "self-elsewhere",
        edit(f'href="{RSS_URL}"', 'href="https://example.com/feed.rss"'),
        "warning",
        "SelfDoesntMatchLocation",
    ),
    ("self-rel-typo", edit('rel="self"', 'rel="myself"'), "warning", "UnregisteredAtomLinkRel"),
    (
        "metadata-after-items",
        edit("</channel>", "<ttl>60</ttl></channel>"),
        "warning",
        "MisplacedItem",
    ),
    (
        "item-without-title-or-description",
        drop(f"{ITEM1}/title", f"{ITEM1}/description", f"{ITEM1}/c:encoded"),
        "error",
        "ItemMustContainTitleOrDescription",
    ),
    ("missing-guid", drop(f"{ITEM1}/guid"), "warning", "MissingGuid"),
    (
        "tag-guid-as-permalink",
        edit('isPermaLink="false"', 'isPermaLink="true"'),
        "error",
        "InvalidPermalink",
    ),
    (
        "relative-permalink-guid",
        edit(f'<guid isPermaLink="false">{POST1}', "<guid>/posts/post-1/"),
        "error",
        "InvalidHttpGUID",
    ),
    (
        "bad-isPermaLink",
        edit('isPermaLink="false"', 'isPermaLink="no"'),
        "error",
        "InvalidBooleanAttribute",
    ),
    ("short-numeric-guid", edit(f">{POST1}<", ">42<"), "warning", "NotSufficientlyUnique"),
    ("duplicate-guid", edit(f">{POST2}<", f">{POST1}<"), "error", "DuplicateValue"),
    (
        "two-guids",
        edit("</guid>", f'</guid><guid isPermaLink="false">{POST1}x</guid>'),
        "error",
        "DuplicateElement",
    ),
    (
        "author-without-name",
        edit("jane@example.com (Jane Doe)", "jane@example.com"),
        "warning",
        "MissingRealName",
    ),
    (
        "author-angle-format",
        edit("jane@example.com (Jane Doe)", "Jane Doe &lt;jane@example.com&gt;"),
        "warning",
        "EmailFormat",
    ),
    (
        "author-name-only",
        edit("jane@example.com (Jane Doe)", "Jane Doe"),
        "error",
        "InvalidContact",
    ),
    (
        "two-digit-year",
        edit("Mon, 01 Apr 2024 09:00:00 +0000", "Mon, 01 Apr 24 09:00:00 +0000"),
        "warning",
        "ProblematicalRFC822Date",
    ),
    (
        "military-zone",
        edit("Mon, 01 Apr 2024 09:00:00 +0000", "Mon, 01 Apr 2024 09:00:00 A"),
        "warning",
        "ProblematicalRFC822Date",
    ),
    (
        "iso-pubDate",
        edit("Mon, 01 Apr 2024 09:00:00 +0000", "2024-04-01T09:00:00Z"),
        "error",
        "InvalidRFC2822Date",
    ),
    ("wrong-weekday", edit("Mon, 01 Apr 2024", "Tue, 01 Apr 2024"), "error", "IncorrectDOW"),
    ("future-pubDate", edit("Mon, 01 Apr 2024", "01 Apr 2999"), "warning", "ImplausibleDate"),
    ("ancient-pubDate", edit("Mon, 01 Apr 2024", "01 Apr 1989"), "warning", "ImplausibleDate"),
    (
        "relative-href-description",
        edit("Summary of post 1.", '&lt;a href="/posts/post-1/"&gt;more&lt;/a&gt;'),
        "warning",
        "ContainsRelRef",
    ),
    (
        "relative-img-content",
        edit('src="https://example.com/img/1.png"', 'src="/img/1.png"'),
        "warning",
        "ContainsRelRef",
    ),
    (
        "fragment-href-content",
        edit('href="https://example.com/posts/post-1/"&gt;', 'href="#fn1"&gt;'),
        "warning",
        "ContainsRelRef",
    ),
    (
        "script-in-content",
        edit(
            "&lt;/p&gt;</content:encoded>",
            "&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</content:encoded>",
        ),
        "warning",
        "SecurityRisk",
    ),
    (
        "bare-ampersand-in-description",
        edit("Summary of post 1.", "Q&amp;A session"),
        "warning",
        "NotHtml",
    ),
    (
        "entity-without-semicolon",
        edit("Summary of post 1.", "&amp;copy 2024"),
        "warning",
        "NotHtml",
    ),
    ("less-than-in-description", edit("Summary of post 1.", "x &lt; 3"), "warning", "NotHtml"),
    (
        "onerror-in-description",
        edit("Summary of post 1.", '&lt;img src="https://x.org/a" onerror="x()"&gt;'),
        "warning",
        "SecurityRiskAttr",
    ),
    (
        "unescaped-description",
        edit("<description>Summary of post 1.", "<description><b>Summary</b>"),
        "error",
        "UndefinedElement",
    ),
    (
        "content-without-description",
        drop(f"{ITEM1}/description"),
        "warning",
        "NeedDescriptionBeforeContent",
    ),
    (
        "empty-category",
        edit("<category>python</category>", "<category></category>"),
        "warning",
        "NotBlank",
    ),
    (
        "html-in-item-title",
        edit("Post number 1<", "Post &lt;b&gt;1&lt;/b&gt;<"),
        "warning",
        "ContainsHTML",
    ),
    (
        "angle-bracket-in-title",
        edit("Post number 1<", "Use &lt;div&gt; wisely<"),
        "warning",
        "CharacterData",
    ),
    (
        "empty-item-title",
        edit("<title>Post number 1</title>", "<title></title>"),
        "warning",
        "NotBlank",
    ),
    (
        "unknown-item-element",
        edit("</item>", "<summary>x</summary></item>"),
        "error",
        "UndefinedElement",
    ),
    (
        "unknown-content-element",
        edit("</item>", "<content:html>x</content:html></item>"),
        "error",
        "UndefinedElement",
    ),
    ("unexpected-attribute", edit("<item>", '<item id="1">'), "error", "UnexpectedAttribute"),
    (
        "unknown-namespace",
        edit("<rss ", '<rss xmlns:ex="https://example.com/ns" '),
        "warning",
        "UnknownNamespace",
    ),
    (
        "reserved-prefix",
        edit("<rss ", '<rss xmlns:dc="https://example.com/dc" '),
        "warning",
        "ReservedPrefix",
    ),
    (
        "dc-creator-and-author",
        both(
            edit("<rss ", f'<rss xmlns:dc="{DC}" '),
            edit("</item>", "<dc:creator>Jane</dc:creator></item>"),
        ),
        "warning",
        "DuplicateItemSemantics",
    ),
    (
        "unknown-dc-element",
        both(
            edit("<rss ", f'<rss xmlns:dc="{DC}" '),
            edit("</item>", "<dc:author>Jane</dc:author></item>"),
        ),
        "error",
        "UndefinedElement",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "level", "code"), [c[1:] for c in RSS_CASES], ids=[c[0] for c in RSS_CASES]
)
def test_rss_rule(mutate: Callable[[bytes], bytes], level: str, code: str) -> None:
    assert (level, code) in codes(check_rss(mutate(RSS), RSS_URL))


# ------------------------------------------------------------------ JSON Feed rules


def _set(path: str, value: object) -> Callable[[dict], None]:
    """A mutation setting (or, for value ``...``, deleting) a "/"-separated path."""

    def mutate(feed: dict) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split("/")]
        target = feed
        for part in parents:
            target = target[part]
        if value is ...:
            del target[last]
        else:
            target[last] = value

    return mutate


JSON_CASES = [
    ("version-1.0", _set("version", "https://jsonfeed.org/version/1"), "error", "InvalidValue"),
    ("missing-title", _set("title", ...), "error", "MissingElement"),
    ("missing-items", _set("items", ...), "error", "MissingElement"),
    ("missing-item-id", _set("items/0/id", ...), "error", "MissingElement"),
    ("numeric-id", _set("items/0/id", 1), "error", "InvalidValue"),
    ("duplicate-id", _set("items/1/id", POST1), "error", "DuplicateValue"),
    ("no-content", _set("items/1/content_text", ...), "error", "MissingElement"),
    ("bad-date", _set("items/0/date_published", "2024-04-01"), "error", "InvalidRFC3339Date"),
    (
        "date-without-zone",
        _set("items/0/date_modified", "2024-04-01T10:00:00"),
        "error",
        "InvalidRFC3339Date",
    ),
    (
        "future-date",
        _set("items/0/date_published", "2999-01-01T00:00:00Z"),
        "warning",
        "ImplausibleDate",
    ),
    ("relative-item-url", _set("items/0/url", "/posts/post-1/"), "error", "InvalidFullLink"),
    ("relative-home-page", _set("home_page_url", "/"), "error", "InvalidFullLink"),
    ("relative-avatar", _set("authors/0/avatar", "me.png"), "error", "InvalidFullLink"),
    (
        "feed-url-elsewhere",
        _set("feed_url", "https://example.com/other.json"),
        "warning",
        "SelfDoesntMatchLocation",
    ),
    ("missing-feed-url", _set("feed_url", ...), "warning", "MissingRecommendedElement"),
    ("missing-home-page", _set("home_page_url", ...), "warning", "MissingRecommendedElement"),
    ("next-url-loop", _set("next_url", JSON_URL), "error", "InvalidValue"),
    ("deprecated-author", _set("author", {"name": "Jane Doe"}), "warning", "Deprecated"),
    (
        "deprecated-item-author",
        _set("items/0/author", {"name": "Jane Doe"}),
        "warning",
        "Deprecated",
    ),
    ("authors-not-list", _set("authors", {"name": "Jane Doe"}), "error", "InvalidValue"),
    ("empty-author", _set("authors/0", {}), "error", "MissingElement"),
    ("author-name-not-string", _set("authors/0/name", ["Jane"]), "error", "InvalidValue"),
    ("bad-language", _set("language", "english"), "error", "InvalidLanguage"),
    ("bad-item-language", _set("items/0/language", "en_US"), "error", "InvalidLanguage"),
    ("tags-not-strings", _set("items/0/tags", ["python", 3]), "error", "InvalidValue"),
    ("tags-string", _set("items/0/tags", "python"), "error", "InvalidValue"),
    (
        "relative-href",
        _set("items/0/content_html", '<a href="/about">x</a>'),
        "warning",
        "ContainsRelRef",
    ),
    (
        "script",
        _set("items/0/content_html", "<p>x</p><script>x()</script>"),
        "warning",
        "SecurityRisk",
    ),
    (
        "mathml-attribute-outside-the-list",
        _set("items/0/content_html", '<math><mo form="prefix">(</mo></math>'),
        "warning",
        "SecurityRiskAttr",
    ),
    ("html-in-title", _set("items/0/title", "Post <b>1</b>"), "warning", "ContainsHTML"),
    ("unknown-key", _set("items/0/content-html", "<p>x</p>"), "error", "UndefinedElement"),
    ("unknown-top-key", _set("homepage", SITE), "error", "UndefinedElement"),
    (
        "attachment-without-type",
        _set("items/0/attachments", [{"url": f"{SITE}a.mp3"}]),
        "error",
        "MissingElement",
    ),
    ("expired-string", _set("expired", "yes"), "error", "InvalidValue"),
]


@pytest.mark.parametrize(
    ("mutate", "level", "code"), [c[1:] for c in JSON_CASES], ids=[c[0] for c in JSON_CASES]
)
def test_json_feed_rule(mutate: Callable[[dict], None], level: str, code: str) -> None:
    feed = copy.deepcopy(JSON_FEED)
    mutate(feed)
    assert (level, code) in codes(check_json_feed(json.dumps(feed).encode(), JSON_URL))


def test_mathml_in_json_feed_html_is_valid() -> None:
    doc = copy.deepcopy(JSON_FEED)
    doc["items"][0]["content_html"] = (
        '<p>Let <math display="inline"><semantics><mrow><mi mathvariant="bold">x</mi>'
        '<mspace width="1em"></mspace></mrow><annotation encoding="application/x-tex">'
        "\\mathbf{x}</annotation></semantics></math> be.</p>"
    )
    assert check_json_feed(json.dumps(doc).encode(), JSON_URL) == []


def test_json_feed_syntax_errors() -> None:
    assert codes(check_json_feed(b'{"version": ', JSON_URL)) == {("error", "InvalidJSON")}
    assert ("error", "InvalidValue") in codes(check_json_feed(b"[]", JSON_URL))


def test_json_feed_where_uses_item_numbers() -> None:
    feed = copy.deepcopy(JSON_FEED)
    feed["items"][1]["date_published"] = "yesterday"
    issues = check_json_feed(json.dumps(feed).encode(), JSON_URL)
    assert [(i.code, i.where) for i in issues] == [
        ("InvalidRFC3339Date", "item 2 <date_published>")
    ]
