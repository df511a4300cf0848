"""Whether a post's text may hold kramdown's additions: a quick look, before kramdown's
modules (their classes and patterns, 2 ms to import) are loaded for it. Most posts have none."""

from __future__ import annotations

import re

from feedkit.posts.pairs import after, before_one_of

_IAL_START = re.compile(r"\{:")
_ABBREVIATION = re.compile(r"\*\[")


def has_kramdown(text: str) -> bool:
    """True when `text` may hold kramdown syntax (a substring test: most posts have none)."""
    # By each "{" and each "[" (`pairs`): re's search for two characters steps through
    # the whole text, and most posts have no "{" and a few "[".
    return before_one_of(text, "{", ":", _IAL_START) or after(text, "*", "[", _ABBREVIATION)
