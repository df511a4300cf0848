"""An entry's content put into the bytes feedgen wrote (feedkit/site/entrycontent.py): the
same bytes as lxml writing the content itself, for HTML and for XHTML with MathML."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from feedkit.config import load_config
from feedkit.models import RenderedPost
from feedkit.site import xmlfeeds
from feedkit.site.entrycontent import text_as_xml

from conftest import MakeSite, made_post

MARK = "feedkit-content-3e7c91d0"
MATH = '<math display="inline"><mi>x</mi><mo>&lt;</mo><mn>1</mn></math>'


def test_an_entrys_content_is_escaped_as_lxml_writes_text() -> None:
    # Every character XML allows, alone and among others, written as an element's text by
    # lxml and by text_as_xml (which puts a post's HTML into its entries without lxml).
    allowed = [0x9, 0xA, 0xD, *range(0x20, 0xD800), *range(0xE000, 0xFFFE)]
    allowed += [*range(0x10000, 0x10400), 0x1F680, 0x10FFFF]
    element = etree.Element("content")
    for start in range(0, len(allowed), 64):
        text = "x" + "".join(chr(code) + "y" for code in allowed[start : start + 64])
        element.text = text
        written = etree.tostring(element, encoding="UTF-8")
        assert written == b"<content>" + text_as_xml(text.encode()) + b"</content>", text


def _rendered(html: str, title: str = "T") -> RenderedPost:
    post = made_post(title=title, tags=("t",))
    return RenderedPost(post, html.encode(), "A summary.")


def _written_by_lxml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make each entry's content be given to feedgen, and written by lxml, as it is."""

    def whole(fe, written, content):
        if content is not None:
            fe.content(content[0].decode(), type=content[1])
        return written(fe)

    monkeypatch.setattr(xmlfeeds, "with_content", whole)


BODIES = [
    "<p>a &amp; b &lt; c, “quotes” 🚀 and {{ x }}, {% y %}</p>\n<pre><code>a > b\n</code></pre>\n",
    "<p>Only one element, and nothing after it</p>",
    f"<p>Math {MATH} and more.</p>\n<p>{{% raw %}} é\xa0🚀</p>\n",
    f'Text before {MATH}, and a <a href="https://e.org/?a=1&amp;b=2">link</a>',
    # Only elements at the top, none with text beside it: lxml indents them in the entry.
    f"<p>{MATH}</p>",
    f"<div><p>{MATH}</p><p>Two</p></div><p>Three</p>",
    f'<p title="a &quot;b&quot; &amp; c">{MATH}</p>\n',
    f"<p>The mark {MARK} in the text, {MATH}</p>\n",
    "   \n",  # blank: no content
]


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("title", ["T", f"On {MARK}"])
def test_entries_are_the_bytes_lxml_writes_with_the_content_itself(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, body: str, title: str
) -> None:
    cfg = make_site()
    rp = _rendered(body, title)
    spliced = xmlfeeds.atom_entry(cfg, rp), xmlfeeds.rss_item(cfg, rp)
    assert (b"<content" in spliced[0]) is (not body.isspace())
    _written_by_lxml(monkeypatch)
    assert (xmlfeeds.atom_entry(cfg, rp), xmlfeeds.rss_item(cfg, rp)) == spliced


# What post HTML holds: markup characters, quotes, entities' characters, emoji, the mark.
PIECES = st.sampled_from(["<", ">", "&", '"', "'", "{", "%", "]]>", "\n", "\xa0", "🚀", MARK])
HTML_TEXT = st.lists(st.one_of(PIECES, st.text(alphabet="ab é\t", max_size=5)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(before=HTML_TEXT, after=HTML_TEXT, math=st.booleans(), tail=st.booleans())
def test_any_text_is_put_in_as_lxml_writes_it(
    tmp_path_factory: pytest.TempPathFactory,
    before: list[str],
    after: list[str],
    math: bool,
    tail: bool,
) -> None:
    from html import escape

    root = tmp_path_factory.mktemp("site")
    (root / "feedkit.toml").write_text('title = "S"\nbase_url = "https://e.org/"\n')
    cfg = load_config(root / "feedkit.toml")
    text = escape("".join(before), quote=False), escape("".join(after), quote=False)
    body = f"<p>{text[0]}{MATH if math else ''}{text[1]}</p>" + ("\n" if tail else "")
    rp = _rendered(body)
    spliced = xmlfeeds.atom_entry(cfg, rp), xmlfeeds.rss_item(cfg, rp)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _written_by_lxml(monkeypatch)
        assert (xmlfeeds.atom_entry(cfg, rp), xmlfeeds.rss_item(cfg, rp)) == spliced
