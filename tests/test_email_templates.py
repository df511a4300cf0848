"""The default digest email templates in email_templates/: HTML (through premailer), text, subject.

The templates are rendered the way feedkit renders them (autoescape only for .html.j2,
StrictUndefined, trim/lstrip blocks) with a context that has a hostile title, an image, overflow
posts and the per-recipient placeholder tokens, then the HTML goes through premailer with the
settings from DESIGN.md ("Digest").
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import lxml.html
import premailer
import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

TEMPLATES = Path(__file__).resolve().parent.parent / "email_templates"

HOSTILE = "Tom & Jerry <script>alert(1)</script> {{ 7*7 }} 🚀 שלום"
LONG_URL = "https://example.com/blog/a-very-long-hyphenated-address-that-wordwrap-must-not-break/"
PLACEHOLDER_RE = re.compile(r"%%FEEDKIT_RECIPIENT_[A-Z_]+%%")


class Placeholder(str):
    """A recipient token: templates may print it but must never test it (it is not the value)."""

    def __bool__(self) -> bool:
        raise AssertionError(f"template tested the recipient placeholder {str(self)!r}")


SITE = {
    "title": "Example Blog",
    "url": "https://example.com/blog/",
    "description": "Posts for tests.",
    "language": "en",
    "feed_url": "https://example.com/blog/feed.xml",
    "postal_address": [],
}
RECIPIENT = {
    "name": Placeholder("%%FEEDKIT_RECIPIENT_NAME%%"),
    "greeting": Placeholder("%%FEEDKIT_RECIPIENT_GREETING%%"),
    "unsubscribe_url": Placeholder("%%FEEDKIT_RECIPIENT_UNSUBSCRIBE_URL%%"),
    "email": Placeholder("%%FEEDKIT_RECIPIENT_EMAIL%%"),
}
POSTS = [
    {
        "title": "Writing fast feeds",
        "url": "https://example.com/blog/posts/fast-feeds/",
        "date": "14 Mar 2025",
        "reading_minutes": 4,
        "authors": "Ada Quill and Ben Ortiz",
        "summary": (
            "How we made the feed build ten times faster by rendering only what each output "
            "needs, and keeping bodies out of memory while we were at it. The details are at "
            f"{LONG_URL} together with the numbers measured on two cores."
        ),
        "image": "https://example.com/blog/img/fast-feeds.png",
        "image_alt": "A chart: build time falling from 4 s to 0.4 s",
        "image_height": 276,
        "updated": "",
        "html": "",
        "direction": "ltr",
        "text": "",
        "language": "",
    },
    {
        "title": HOSTILE,
        "url": "https://example.com/blog/posts/tom-and-jerry/",
        "date": "15 Mar 2025",
        "reading_minutes": 2,
        "authors": "Ben Ortiz",
        "summary": "Cats & mice <b>not bold</b> {{ 7*7 }} 🚀 שלום עולם",
        "image": None,
        "image_alt": "",
        "image_height": 0,
        "updated": "16 Mar 2025",
        "html": "",
        "direction": "ltr",
        "text": "",
        "language": "",
    },
    {
        "title": "Third post",
        "url": "https://example.com/blog/posts/third/",
        "date": "16 Mar 2025",
        "reading_minutes": 1,
        "authors": "Ada Quill",
        "summary": "Short and sweet.",
        "image": None,
        "image_alt": "",
        "image_height": 0,
        "updated": "",
        "html": "",
        "direction": "ltr",
        "text": "",
        "language": "",
    },
]
OVERFLOW = [
    {
        "title": "An older post",
        "url": "https://example.com/blog/posts/older/",
        "date": "1 Mar 2025",
        "language": "",
    },
    {
        "title": "The oldest",
        "url": "https://example.com/blog/posts/oldest/",
        "date": "28 Feb 2025",
        "language": "",
    },
]


def make_context(
    posts: list[dict[str, Any]] = POSTS,
    overflow: list[dict[str, Any]] = OVERFLOW,
    *,
    with_subject: bool = True,
    web_url: str = "",
    web_copy: bool = False,
    subscribe_url: str = "",
) -> dict[str, Any]:
    count = len(posts) + len(overflow)
    digest: dict[str, Any] = {
        "id": "2026-11-22-abc",
        "post_count": count,
        "preheader": "Writing fast feeds, Tom & Jerry and more",
        "date": "22 November 2026",
    }
    if with_subject:  # the subject template runs before the subject exists
        digest["subject"] = f"{SITE['title']}: {count} new posts"
    return {
        "site": SITE,
        "digest": digest,
        "posts": posts,
        "overflow_posts": overflow,
        "recipient": RECIPIENT,
        "web_url": web_url,
        "web_copy": web_copy,
        "subscribe_url": subscribe_url,
        "words_language": SITE["language"],
    }


ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    extensions=["jinja2.ext.i18n"],  # feedkit's words; English here (see test_i18n.py)
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENV.install_null_translations(newstyle=True)


def render(name: str, context: dict[str, Any]) -> str:
    return ENV.get_template(name).render(**context)


def inline(html: str) -> str:
    return premailer.Premailer(
        html,
        allow_network=False,
        strip_important=False,
        keep_style_tags=False,
        remove_classes=False,
        cssutils_logging_level=logging.CRITICAL,
        disable_validation=True,
    ).transform()


def by_class(tree: Any, tag: str, cls: str) -> list[Any]:
    return tree.xpath(f'.//{tag}[contains(concat(" ", normalize-space(@class), " "), " {cls} ")]')


def top_level_css_blocks(css: str) -> list[tuple[str, str]]:
    """Split a stylesheet into (prelude, body) pairs at nesting depth 0, comments removed."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    blocks, depth, start, prelude = [], 0, 0, ""
    for i, char in enumerate(css):
        if char == "{":
            if depth == 0:
                prelude, start = css[start:i].strip(), i + 1
            depth += 1
        elif char == "}":
            depth -= 1
            assert depth >= 0, "unbalanced braces"
            if depth == 0:
                blocks.append((prelude, css[start:i]))
                start = i + 1
    assert depth == 0, "unbalanced braces"
    assert css[start:].strip() == "", f"text after the last rule: {css[start:]!r}"
    return blocks


@pytest.fixture(scope="module")
def raw_html() -> str:
    return render("digest.html.j2", make_context())


@pytest.fixture(scope="module")
def html(raw_html: str) -> str:
    return inline(raw_html)


@pytest.fixture(scope="module")
def tree(html: str) -> Any:
    return lxml.html.document_fromstring(html)


@pytest.fixture(scope="module")
def text() -> str:
    return render("digest.txt.j2", make_context())


# --- HTML -----------------------------------------------------------------------------------


def test_no_link_no_script_and_hostile_title_escaped(raw_html: str, html: str, tree: Any) -> None:
    for doc in (raw_html, html):
        assert not re.search(r"<link\b", doc, re.I)
        assert not re.search(r"<script\b", doc, re.I)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert tree.xpath("//link | //script") == []
    assert [a.text_content() for a in tree.xpath("//a") if "alert(1)" in a.text_content()] == [
        HOSTILE
    ]


def test_only_media_rules_left_in_style(tree: Any) -> None:
    styles = tree.xpath("//style")  # the Outlook-only style inside <!--[if mso]> is a comment
    assert len(styles) == 1
    blocks = top_level_css_blocks(styles[0].text)
    preludes = [prelude for prelude, _ in blocks]
    assert preludes and all(p.startswith("@media") for p in preludes), preludes
    assert any("max-width: 620px" in p for p in preludes), "no phone layout"
    assert any("prefers-color-scheme: dark" in p for p in preludes), "no dark mode"
    for prelude, body in blocks:
        assert "@" not in body, f"at-rule nested in {prelude} (premailer crashes on that)"
        declarations = [d for d in re.split(r"[;{}]", body) if ":" in d]
        assert declarations and all("!important" in d for d in declarations), prelude


def test_media_rules_target_classes_that_exist(tree: Any) -> None:
    css = tree.xpath("//style")[0].text
    used = {c for value in tree.xpath("//@class") for c in value.split()}
    # And those of a post in full (digest.content = "full"), which this digest has none of.
    used |= set(re.findall(r'class="(post-content)', (TEMPLATES / "digest.html.j2").read_text()))
    targeted = set(re.findall(r"\.([A-Za-z][\w-]*)", css))
    assert {"container", "card", "card-body", "button", "post-title"} <= targeted
    assert targeted <= used, f"@media rules for classes nobody uses: {targeted - used}"


def test_css_file_is_email_safe() -> None:
    css = (TEMPLATES / "digest.css").read_text(encoding="utf-8")
    # Included verbatim: must read the same whether or not the including template autoescapes.
    assert str(escape(css)) == css
    lowered = re.sub(r"/\*.*?\*/", "", css, flags=re.S).lower()
    for banned in ("@import", "@font-face", "url(", "flex", "grid", "background-image", ":root"):
        assert banned not in lowered, banned
    for prelude, _ in top_level_css_blocks(css):
        if not prelude.startswith("@media"):
            assert ":" not in prelude and "*" not in prelude, f"not inlinable: {prelude}"


def test_layout_is_presentation_tables_600px_with_outlook_wrapper(
    raw_html: str, html: str, tree: Any
) -> None:
    tables = tree.xpath("//table")
    assert len(tables) >= 5
    assert all(t.get("role") == "presentation" for t in tables)
    (container,) = by_class(tree, "table", "container")
    assert "max-width:600px" in container.get("style").replace(" ", "")
    for doc in (raw_html, html):
        assert re.search(r'<!--\[if mso\]>\s*<table[^>]*width="600"', doc)
        assert re.search(r"<!--\[if mso\]>\s*</td></tr></table>\s*<!\[endif\]-->", doc)
    style_text = " ".join(tree.xpath("//@style")).lower()
    assert "flex" not in style_text and "grid" not in style_text and "url(" not in style_text


def test_every_img_has_alt_and_email_sizes(tree: Any) -> None:
    imgs = tree.xpath("//img")
    assert len(imgs) == 1  # only the post with an image
    (img,) = imgs
    # What the picture shows, as the post says it: the title is right above it already.
    assert img.get("alt") == POSTS[0]["image_alt"]
    assert img.getparent().tag == "a" and img.getparent().get("href") == POSTS[0]["url"]
    assert img.get("src") == POSTS[0]["image"]
    assert img.get("width") == "552" and img.get("height") == "276"  # Outlook reads these
    style = img.get("style").replace(" ", "")
    assert "width:100%" in style and "max-width:552px" in style and "height:auto" in style


def test_every_link_is_absolute_or_a_recipient_placeholder(tree: Any) -> None:
    hrefs = tree.xpath("//@href")
    assert len(hrefs) >= 2 * len(POSTS) + len(OVERFLOW) + 3
    for href in hrefs:
        assert re.match(r"(https?://|mailto:)", href) or PLACEHOLDER_RE.fullmatch(href), href
    for src in tree.xpath("//@src"):
        assert re.match(r"https?://", src), src


def test_preheader_is_first_and_hidden(tree: Any) -> None:
    first = tree.body[0]
    assert "preheader" in first.get("class", "").split()
    style = first.get("style").replace(" ", "").lower()
    for rule in ("display:none", "max-height:0", "overflow:hidden", "mso-hide:all"):
        assert rule in style, rule
    content = first.text_content()
    assert content.startswith("Writing fast feeds, Tom & Jerry and more")
    assert content.count("\u034f\u200c\u00a0") >= 20  # &#847;&zwnj;&nbsp; filler


def test_each_post_title_is_one_link_to_the_post(tree: Any) -> None:
    for post in POSTS:
        links = [a for a in tree.xpath("//a") if a.text_content() == post["title"]]
        assert len(links) == 1, post["title"]
        (link,) = links
        assert link.get("href") == post["url"]
        heading = link.getparent()
        assert heading.tag == "h2" and "post-title" in heading.get("class")
        assert heading.get("dir") == "auto"
        # The title, "Read more", and the picture when there is one.
        assert len(tree.xpath("//a[@href=$u]", u=post["url"])) == 2 + bool(post["image"])


def test_cards_have_meta_summary_and_read_more(tree: Any) -> None:
    bodies = by_class(tree, "td", "card-body")
    assert len(bodies) == len(POSTS)
    for body, post in zip(bodies, POSTS, strict=True):
        assert body.get("lang") == "en" and body.get("dir") == "auto"
        (meta,) = by_class(body, "p", "meta")
        updated = f" · updated {post['updated']}" if post["updated"] else ""
        expected = (
            f"{post['date']}{updated} · {post['reading_minutes']} min read · {post['authors']}"
        )
        assert meta.text_content() == expected
        (summary,) = by_class(body, "p", "summary")
        assert summary.text_content() == post["summary"]
        assert summary.get("dir") == "auto"
        (button,) = by_class(body, "a", "button")
        assert button.text_content().strip() == "Read more →"
        assert button.get("href") == post["url"]


def test_cards_got_inline_styles(tree: Any) -> None:
    cards = by_class(tree, "table", "card")
    assert len(cards) == len(POSTS)
    for card in cards:
        style = card.get("style", "").replace(" ", "")
        assert "background-color:" in style and "border:" in style
    for title in by_class(tree, "h2", "post-title"):
        assert "font-size:" in title.get("style", "")
    for button in by_class(tree, "a", "button"):
        style = button.get("style", "").replace(" ", "")
        assert "display:inline-block" in style and "padding:" in style


def test_overflow_section_lists_links_with_dates(tree: Any) -> None:
    (more,) = by_class(tree, "td", "more")
    assert "More new posts" in more.text_content()
    items = by_class(more, "p", "more-item")
    assert len(items) == len(OVERFLOW)
    for item, post in zip(items, OVERFLOW, strict=True):
        (link,) = item.xpath(".//a")
        assert link.get("href") == post["url"] and link.text_content() == post["title"]
        assert post["date"] in item.text_content()


def test_no_overflow_section_and_singular_intro_for_one_post() -> None:
    context = make_context(POSTS[2:], [])
    html = inline(render("digest.html.j2", context))
    text = render("digest.txt.j2", context)
    assert "More new posts" not in html and "More new posts" not in text
    assert "There is a new post on Example Blog" in html
    assert "There is a new post on Example Blog" in text


def test_footer_has_reason_unsubscribe_and_feed(tree: Any, html: str) -> None:
    (footer,) = by_class(tree, "td", "footer")
    reason = (
        "You get this email because you subscribed to Example Blog at https://example.com/blog/."
    )
    assert reason in " ".join(footer.text_content().split())
    links = {a.text_content(): a.get("href") for a in footer.xpath(".//a")}
    assert links.get("Unsubscribe") == "%%FEEDKIT_RECIPIENT_UNSUBSCRIBE_URL%%"
    assert SITE["feed_url"] in links.values()
    # Placeholders survive premailer untouched, each exactly where it belongs.
    assert html.count("%%FEEDKIT_RECIPIENT_UNSUBSCRIBE_URL%%") == 1
    assert html.count("%%FEEDKIT_RECIPIENT_GREETING%%") == 1


WEB_URL = "https://example.com/blog/newsletter/2026-11-22-abc/"


def test_a_mail_links_to_its_web_copy_above_the_header() -> None:
    context = make_context(web_url=WEB_URL, subscribe_url="https://news.example.com/subscribe")
    tree = lxml.html.document_fromstring(inline(render("digest.html.j2", context)))
    (header,) = by_class(tree, "td", "header")
    first = header.xpath(".//a")[0]
    assert (first.text_content(), first.get("href")) == (
        "View this digest in your browser",
        WEB_URL,
    )
    text = render("digest.txt.j2", context)
    assert text.startswith(f"View this digest in your browser: {WEB_URL}\n\nExample Blog\n")
    (footer,) = by_class(tree, "td", "footer")  # a mail's footer: its reader's unsubscribe link
    assert "Unsubscribe" in [a.text_content() for a in footer.xpath(".//a")]


def test_the_web_copy_offers_a_subscribe_link_instead_of_unsubscribing() -> None:
    subscribe = "https://news.example.com/subscribe"
    for given, links in ((subscribe, {"Subscribe": subscribe}), ("", {})):
        html = inline(render("digest.html.j2", make_context(web_copy=True, subscribe_url=given)))
        assert "%%FEEDKIT_RECIPIENT_UNSUBSCRIBE_URL%%" not in html
        (footer,) = by_class(lxml.html.document_fromstring(html), "td", "footer")
        found = {a.text_content(): a.get("href") for a in footer.xpath(".//a")}
        assert found == {SITE["url"]: SITE["url"], **links, "Feed": SITE["feed_url"]}
        assert "You get this email" not in footer.text_content()


def test_header_links_site_and_intro_has_greeting(tree: Any) -> None:
    (header,) = by_class(tree, "td", "header")
    (link,) = header.xpath(".//a")
    assert link.get("href") == SITE["url"] and link.text_content() == SITE["title"]
    (intro,) = by_class(tree, "td", "intro")
    assert "%%FEEDKIT_RECIPIENT_GREETING%%" in intro.text_content()
    assert "There are 5 new posts on Example Blog (22 November 2026)." in intro.text_content()


def test_html_under_20_kb_after_inlining(html: str) -> None:
    assert len(html.encode("utf-8")) < 20 * 1024


def test_template_syntax_in_data_stays_literal(raw_html: str, tree: Any, text: str) -> None:
    subject = render("digest.subject.j2", make_context(POSTS[1:2], [], with_subject=False))
    visible = tree.body.text_content()
    for out in (raw_html, visible, text, subject):
        assert "{{ 7*7 }}" in out
    for out in (visible, text, subject):
        assert not re.search(r"\b49\b", out)


# --- text part ------------------------------------------------------------------------------


def test_text_part_has_every_post_and_footer(text: str) -> None:
    flat = " ".join(text.split())
    assert text.startswith("Example Blog\n")
    assert "%%FEEDKIT_RECIPIENT_GREETING%%" in text
    for post in POSTS:
        assert f"\n{post['title']}\n" in text
        updated = f" · updated {post['updated']}" if post["updated"] else ""
        meta = f"{post['date']}{updated} · {post['reading_minutes']} min read · {post['authors']}"
        assert f"\n{meta}\n" in text
        assert " ".join(post["summary"].split()) in flat
        assert f"\nRead more: {post['url']}\n\n" in text
    for post in OVERFLOW:
        assert f"\n- {post['title']} ({post['date']})\n  {post['url']}\n" in text
    reason = (
        "You get this email because you subscribed to Example Blog at https://example.com/blog/."
    )
    assert reason in flat
    assert "\nUnsubscribe: %%FEEDKIT_RECIPIENT_UNSUBSCRIBE_URL%%\n" in text
    assert f"{SITE['feed_url']}\n" in text


def test_text_part_is_plain_text(text: str) -> None:
    assert HOSTILE in text
    assert not re.search(r"&(amp|lt|gt|quot|middot|nbsp|#\d+|#x[0-9a-f]+);", text, re.I)
    assert "<p" not in text and "<a " not in text


def test_text_part_line_lengths_and_unbroken_urls(text: str) -> None:
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 998
    assert LONG_URL in lines  # wrapped onto its own line, not broken at a hyphen
    summary_lines = text.split(POSTS[0]["authors"] + "\n\n", 1)[1].split("\n\nRead more:", 1)[0]
    wrapped = summary_lines.splitlines()
    assert len(wrapped) >= 3
    for line in wrapped:
        assert len(line) <= 72 or " " not in line, line


# --- subject --------------------------------------------------------------------------------


def test_subject_one_post() -> None:
    subject = render("digest.subject.j2", make_context(POSTS[1:2], [], with_subject=False))
    assert subject == f"Example Blog: {HOSTILE}"  # not HTML-escaped, one line, no newline


def test_subject_many_posts_names_the_lead_post_and_counts_the_rest() -> None:
    subject = render("digest.subject.j2", make_context(with_subject=False))
    assert subject == "Example Blog: Writing fast feeds and 4 more posts"
    two = render("digest.subject.j2", make_context(POSTS[:2], [], with_subject=False))
    assert two == "Example Blog: Writing fast feeds and 1 more post"


def test_subject_stays_one_line_with_newlines_in_title() -> None:
    post = dict(POSTS[2], title="Line one\r\nLine two\n")
    subject = render("digest.subject.j2", make_context([post], [], with_subject=False))
    assert subject == "Example Blog: Line one Line two"


def test_an_image_without_alternative_text_is_left_to_the_title(tree: Any) -> None:
    context = make_context([{**POSTS[0], "image_alt": ""}], [])
    (img,) = lxml.html.document_fromstring(render("digest.html.j2", context)).xpath("//img")
    assert img.get("alt") == ""  # decorative: the title above it says what the post is


def test_the_masthead_is_not_smaller_than_the_post_titles(tree: Any) -> None:
    def size(element: Any) -> int:
        found = re.search(r"font-size:\s*(\d+)px", element.get("style", ""))
        assert found, element.get("style")
        return int(found[1])

    (masthead,) = by_class(tree, "h1", "site-name")
    assert all(size(masthead) >= size(title) for title in by_class(tree, "h2", "post-title"))
    css = (TEMPLATES / "digest.css").read_text(encoding="utf-8")
    phone = css.split("@media only screen", 1)[1]
    sizes = dict(re.findall(r"\.(site-name|post-title) \{\s*font-size: (\d+)px", phone))
    assert int(sizes["site-name"]) >= int(sizes["post-title"])


def test_a_post_in_full_shows_its_html_styled_for_mail_and_its_markdown_as_text() -> None:
    body = (
        '<p>Opening <a href="https://example.com/blog/x/">link</a>.</p>\n'
        '<pre><code class="language-python">print("hi")\n</code></pre>\n'
        '<p><img src="https://example.com/blog/img/wide.png" alt="A wide chart"></p>\n'
    )
    post = {**POSTS[2], "html": Markup(body), "text": 'Opening [link](x).\n\n    print("hi")'}
    context = make_context([post], [])
    tree = lxml.html.document_fromstring(inline(render("digest.html.j2", context)))
    (content,) = by_class(tree, "div", "post-content")
    assert not by_class(tree, "p", "summary")  # the whole post instead
    (pre,) = content.xpath(".//pre")
    assert "white-space:pre-wrap" in pre.get("style", "").replace(" ", "")
    (img,) = content.xpath(".//img")
    assert "max-width:100%" in img.get("style", "").replace(" ", "")
    (button,) = by_class(tree, "a", "button")
    assert button.text_content().strip() == "Read it on the site →"
    text = render("digest.txt.j2", context)
    assert 'Opening [link](x).\n\n    print("hi")\n\nOn the site: ' in text


def test_the_postal_address_is_in_the_footer_of_both_parts() -> None:
    site = {**SITE, "postal_address": ["Ada Quill", "1 Example Street", "Springfield"]}
    context = {**make_context(), "site": site}
    tree = lxml.html.document_fromstring(inline(render("digest.html.j2", context)))
    (address,) = by_class(tree, "p", "address")
    assert lxml.html.tostring(address, encoding="unicode").count("<br>") == 2
    assert address.text_content() == "Ada Quill1 Example StreetSpringfield"
    assert render("digest.txt.j2", context).endswith("\nAda Quill\n1 Example Street\nSpringfield\n")


def test_percent_signs_and_placeholders_in_titles_stay_literal_in_translated_sentences() -> None:
    # The sentences are gettext format strings ("%(site)s: %(lead)s …"): a title is a value
    # put into one, never part of it.
    post = dict(POSTS[0], title="100% sure: %(lead)s %s {{ x }}")
    subject = render("digest.subject.j2", make_context([post, POSTS[2]], [], with_subject=False))
    assert subject == "Example Blog: 100% sure: %(lead)s %s {{ x }} and 1 more post"
    context = make_context([post], [])
    context["site"] = dict(SITE, title="50% & %(count)s")
    html = render("digest.html.j2", context)
    assert "There is a new post on 50% &amp; %(count)s (22 November 2026)." in html
