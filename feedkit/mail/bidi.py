"""A title's direction kept to itself where other text follows it on the same line.

A mail program lays out a Subject, a preheader or a "title (date)" line by the Unicode
bidirectional algorithm (UAX #9), as one paragraph. A right-to-left override (U+202E) that a
title opens and never closes reverses everything after it up to the line's end: " and 2
more posts" shows as "stsop erom 2 dna ". A title in Hebrew or Arabic, with no control at
all, still draws the neutral characters next to it (": ", " (") into its direction.

`isolate` wraps such a title in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE (UAX #9,
6.3: the way to insert text of unknown direction into a message), after closing what it
leaves open and dropping closers it has no opener for (one could end the isolate early).
Titles in scripts written left to right, with no bidi controls, are left as they are.

A post shown in full goes in a block of `dir="auto"`, which a mail program lays out in the
direction of its text's first letter; `direction` tells which, for what the style sheet
must set by side (a quote's rule: on the right of a post written right to left).
"""

from __future__ import annotations

import re
import unicodedata

FSI = "\u2068"  # FIRST STRONG ISOLATE: takes the direction of its first strong character
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
PDF = "\u202c"  # POP DIRECTIONAL FORMATTING
# LRE, RLE, LRO, RLO open an embedding or override that PDF closes; LRI, RLI, FSI an
# isolate that PDI closes.
_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")
_ISOLATES = frozenset("\u2066\u2067\u2068")
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def balanced(text: str) -> str:
    """Return `text` with every embedding, override and isolate it opens closed at its end,
    and every PDF or PDI that closes nothing it opened left out; `text` itself when it has
    no such controls."""
    if _CONTROLS.search(text) is None:
        return text
    out: list[str] = []
    open_: list[str] = []  # the closer each opened scope needs, innermost last
    for char in text:
        if char in _EMBEDDINGS:
            open_.append(PDF)
        elif char in _ISOLATES:
            open_.append(PDI)
        elif char == PDF:
            if not open_ or open_[-1] != PDF:
                continue  # closes nothing of the title's (UAX #9, X7), or its isolate's
            open_.pop()
        elif char == PDI:
            if PDI not in open_:
                continue  # would close an isolate around the title
            while open_.pop() != PDI:  # it closes the embeddings inside it too (X6a)
                pass
        out.append(char)
    return "".join(out) + "".join(reversed(open_))


def isolate(text: str) -> str:
    """Return `text` isolated (see the module's docstring) when it holds a bidi control or a
    right-to-left character (including RLM and ALM); else `text` as it is."""
    if text.isascii() or not (
        _CONTROLS.search(text) is not None
        or any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)
    ):
        return text
    return FSI + balanced(text) + PDI


# The text between an HTML fragment's tags (the sanitiser's output: no `<` in an attribute).
_TEXT = re.compile(r"(?:\A|>)([^<]*)")


def direction(fragment: str) -> str:
    """Return "rtl" when the first character of an HTML fragment's text that has a strong
    direction is a right-to-left one (Hebrew, Arabic…), as `dir="auto"` lays it out (HTML,
    "the directionality of an element"); else "ltr"."""
    import html

    for m in _TEXT.finditer(fragment):
        for char in html.unescape(m[1]) if "&" in m[1] else m[1]:
            kind = unicodedata.bidirectional(char)
            if kind == "L":
                return "ltr"
            if kind in ("R", "AL"):
                return "rtl"
    return "ltr"
