"""feedkit.uricanon gives the W3C feed validator's canonical form of an ID: the one whose
difference from the ID as written draws its warning "Identifier … is not in canonical form"."""

from __future__ import annotations

import random
import sys

import pytest

from feedkit.uricanon import canonical_form

from conftest import SHARED

CASES = [
    ("tag:example.org,2024:notes/1", "tag:example.org,2024:notes/1"),
    ("Info:x", "info:x"),  # the scheme in lower case
    ("mailto:Ann@Example.ORG", "mailto:Ann@example.org"),  # the domain, not the local part
    ("https://Example.ORG:443/a", "https://example.org/a"),  # the default port dropped
    ("http://example.org:8080/a", "http://example.org:8080/a"),
    ("https://example.org/%7euser", "https://example.org/~user"),  # unreserved, unescaped
    ("https://example.org/a%3ab", "https://example.org/a%3Ab"),  # reserved, kept, in capitals
    ("https://example.org/a/./b/../c", "https://example.org/a/c"),  # dot segments
    ("https://example.org", "https://example.org/"),
    ("https://example.org/caf%C3%A9", "https://example.org/caf%C3%A9"),
    ("https://example.org/%e9", None),  # an escape that is no UTF-8: no form at all
    ("https://example.org/\u20ac", None),  # a character past U+00FF
    (
        "urn:uuid:6F1C2E1A-8E0B-4D3F-9A57-2B9C1D3E4F50",
        "urn:uuid:6F1C2E1A-8E0B-4D3F-9A57-2B9C1D3E4F50",
    ),
    ("relative/path", None),
]


@pytest.mark.parametrize(("uri", "canonical"), CASES)
def test_the_canonical_form_of_an_id(uri: str, canonical: str | None) -> None:
    assert canonical_form(uri) == canonical


VALIDATOR = SHARED / "tools" / "feedvalidator"


@pytest.mark.skipif(not VALIDATOR.is_dir(), reason="../shared/tools is absent")
def test_it_is_the_validators_own_on_random_uris() -> None:
    sys.path.insert(0, str(VALIDATOR))
    try:
        from feedvalidator.uri import canonicalForm  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(VALIDATOR))
    pieces = [
        *"aB:/?#@.[];=&+ %~!*'é€",
        *("%7e", "%41", "%3a", "%2F", "%2541", "%e9", "%C3%A9", "%zz", "//", "..", "/./", "/../"),
        *("Info", "mailto:", "tag:", "urn:", "http://", "HTTPS://", "Ex.ORG", "x.org.", ":80"),
    ]
    rng = random.Random(7)
    for _ in range(20_000):
        uri = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        try:
            theirs = canonicalForm(uri)
        except ValueError:  # the validator's own failure on a character past U+00FF
            theirs = None
        assert canonical_form(uri) == theirs, uri
