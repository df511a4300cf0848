"""URLs in a post made absolute against its address (feedkit.posts.sanitize.absolute_url):
the quick way for plain http(s) URLs gives what `urllib.parse.urljoin` gives."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedkit.posts.sanitize import _LOADED_SCHEMES, URL_SCHEMES, absolute_url, sanitize

BASE = "https://blog.example.org/2024/01/post/"


def joined(value: str, base: str, loaded: bool) -> str | None:
    """What absolute_url gave before its quick way: urljoin, then the scheme checked."""
    url = urljoin(base, value.strip())
    ok = _LOADED_SCHEMES if loaded else URL_SCHEMES
    return url if urlsplit(url).scheme.lower() in ok else None


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com",
        "https://example.com/a/b?x=1&y=2#top",
        "http://example.com:8080/a/./b/../c",
        "https://example.com/a;params",
        "https://example.com/a;",
        "https://example.com/a?",
        "https://example.com/a#",
        "https://example.com//double//slash",
        "HTTPS://Example.com/A",
        " https://example.com/padded \n",
        "https://[::1]/v6",
        "https://example.com/caf\u00e9",
        "https://user:pw@example.com/x",
        "https://example.com/a\tb",
        "javascript:alert(1)",
        "/root/path.png",
        "../up",
        "#frag",
        "",
    ],
)
@pytest.mark.parametrize("loaded", [False, True])
def test_absolute_url_gives_what_urljoin_gives(value: str, loaded: bool) -> None:
    assert absolute_url(value, BASE, loaded) == joined(value, BASE, loaded)


@settings(max_examples=400, deadline=None)
@given(
    rest=st.text(
        alphabet=st.sampled_from(list("abcAZ09-._~!$&'()*+,;=:@%/?#[] \t\u00e9")), max_size=30
    ),
    scheme=st.sampled_from(["http://", "https://", "HTTP://", "ftp://", ""]),
)
def test_any_url_comes_out_as_urljoin_makes_it(rest: str, scheme: str) -> None:
    value = scheme + rest
    try:
        expected = joined(value, BASE, False)
    except ValueError:  # urljoin refuses it (a broken IPv6 host): so must absolute_url
        with pytest.raises(ValueError):
            absolute_url(value, BASE)
        return
    assert absolute_url(value, BASE) == expected


POST = "https://blog.example.org/sub/2026/05/s/"


def test_an_embed_left_open_keeps_the_rest_of_the_post() -> None:
    # <embed> is void in HTML; libxml2 put the rest of the post inside it, and the rest was
    # gone from every feed and the mail, without a word.
    out = sanitize(
        '<p>Before.</p>\n<embed src="clip.swf" width="400">\n<p>After it.</p>\n<p>More.</p>', POST
    )
    assert f'<a href="{POST}clip.swf">' in out
    assert "<p>After it.</p>" in out and "<p>More.</p>" in out
    # One whose source is no URL a reader may load goes, and what follows stays.
    assert sanitize('<p>a <embed src="data:x"> b</p><p>c</p>', POST) == "<p>a  b</p><p>c</p>"


@pytest.mark.parametrize("depth", [300, 3000])
def test_a_player_or_katex_in_a_post_nested_deep_keeps_the_rest_of_the_post(depth: int) -> None:
    # libxml2 stops 256 deep (2,048 with huge_tree) and drops all that follows: with a
    # player or KaTeX's HTML in the post, the text from there on was gone from every feed.
    deep = "<blockquote>" * depth + "deep" + "</blockquote>" * depth + "<p>After it.</p>"
    for lead in ('<p><iframe src="v.html"></iframe></p>', '<span class="katex-html">x</span>'):
        out = sanitize(lead + deep, POST)
        assert "deep</blockquote>" in out and "<p>After it.</p>" in out
        assert out.count("<blockquote>") == depth
    if depth < 2048:  # the player a link, as in any other post
        assert f'<a href="{POST}v.html">' in sanitize('<iframe src="v.html"></iframe>' + deep, POST)


def test_a_player_leaves_the_other_urls_of_the_post_as_a_browser_reads_them() -> None:
    # With a player in the post, its HTML went through libxml2, which wrote the spaces a
    # browser strips around a URL as %20: `page.html%20`, an image that was not there.
    out = sanitize(
        '<video src="v.mp4"></video><a href="page.html ">one</a> <img src=" pic.png" alt="p">',
        POST,
    )
    assert f'href="{POST}page.html"' in out and f'src="{POST}pic.png"' in out
    assert "%20" not in out


def test_a_players_root_relative_source_is_under_a_hugo_sites_path() -> None:
    # As every other root-relative URL of a Hugo site at https://blog.example.org/sub/.
    out = sanitize(
        '<video src="/v.mp4"></video><img src="/a.png">', POST, "https://blog.example.org/sub/"
    )
    assert 'href="https://blog.example.org/sub/v.mp4"' in out
    assert 'src="https://blog.example.org/sub/a.png"' in out


def test_mathml_written_by_hand_loses_its_html_annotation() -> None:
    # <annotation-xml encoding="text/html"> drew the validator's "annotation-xml should not
    # contain img tag" in Atom, and its script's text came into the post's summary.
    from feedkit.posts.sanitize import text_of

    written = (
        '<math><mi>x</mi><annotation-xml encoding="text/html"><img src="x">'
        "<script>alert(23)</script></annotation-xml></math> after"
    )
    assert sanitize(written, POST) == "<math><mi>x</mi></math> after"
    assert text_of(written) == "x after"


def test_an_image_left_without_a_source_is_its_text_and_noscript_is_what_it_shows() -> None:
    # A data: image lost its src and stayed, a broken-image box (`![data]()` in a mail's
    # text); <noscript>'s markup came out as text, `&lt;img src=…&gt;`.
    assert sanitize('<p>a <img src="data:image/png;base64,AAAA" alt="chart"> b</p>', POST) == (
        "<p>a chart b</p>"
    )
    lazy = '<p><img data-src="x.png" alt="A"><noscript><img src="x.png" alt="A"></noscript></p>'
    assert sanitize(lazy, POST) == f'<p><img src="{POST}x.png" alt="A"></p>'  # once
    assert sanitize("<noscript><p>Hi</p></noscript>", POST) == "<p>Hi</p>"
    assert (
        sanitize('<img srcset="b.png 2x" alt="">', POST) == f'<img srcset="{POST}b.png 2x" alt="">'
    )
