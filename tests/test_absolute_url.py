"""URLs in a post made absolute against its address (feedkit.posts.sanitize.absolute_url):
the quick way for plain http(s) URLs gives what `urllib.parse.urljoin` gives."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedkit.posts.sanitize import _LOADED_SCHEMES, URL_SCHEMES, absolute_url

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
