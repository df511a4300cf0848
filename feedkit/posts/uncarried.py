"""The characters no feed can carry, and what XML carries that feed validators reject: found
in a post file's bytes at the cost of a memchr or two, removed from its text with a warning
at the line of the first."""

from __future__ import annotations

import re

from feedkit.errors import Problem
from feedkit.posts.pairs import find

# Compiled when first met (re keeps it): its class reaches past U+00FF, for which re builds a
# map of 65,536 entries, 0.4 ms that a build with no control character in a post would pay.
# Besides what XML 1.0 forbids, what XML allows and feed validators reject: C1 controls
# (U+0080 to U+009F, "contains bad characters"; in a post they are mojibake, `’` saved as
# Latin-1 reads `â\x80\x99`) and U+FFFD, the replacement character (mis-decoded text, or
# what Markdown makes of `&#0;`); DEL and Unicode's noncharacters (U+FDD0 to U+FDEF, the
# last two of every plane), which HTML parsers report ("Invalid HTML").
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
XML_ILLEGAL = f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd{NONCHARACTERS}]"
# The same, as bytes: a cheap test of a whole file before any regex runs. The table maps each
# to NUL and every other byte to itself, so a file has one when its translation holds a NUL.
_ILLEGAL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_ILLEGAL_TO_NUL = bytes(0 if byte in _ILLEGAL_BYTES else byte for byte in range(256))
_C1 = re.compile(b"\xc2[\x80-\x9f]")  # U+0080 to U+009F in UTF-8
_ARABIC_FORMS = re.compile(b"\xef\xb7[\x90-\xaf]")  # U+FDD0 to U+FDEF, among them
# U+1FFFE, U+1FFFF to U+10FFFE, U+10FFFF, the last two of every other plane.
_LAST_TWO = re.compile(
    b"(?:\xf0[\x9f\xaf\xbf]|[\xf1-\xf3][\x8f\x9f\xaf\xbf]|\xf4\x8f)\xbf[\xbe\xbf]"
)


def has_illegal(raw: bytes) -> bool:
    """Return True if `raw` holds characters of XML_ILLEGAL, in UTF-8."""
    # Mapped to NUL, then one memchr: 4.5 µs for a 12 KB bench post, where deleting them and
    # comparing lengths took 5.3 (translate's deleting loop tests each byte against a set).
    # The others are looked for by a byte each first (a memchr, 0.13 µs there), which most
    # posts have none or a few of (0xEF: an emoji's variation selector): `in` for two bytes
    # took 10 µs, re's search 3.4, and `pairs.find` 0.6 where the byte is rare.
    return (
        b"\0" in raw.translate(_ILLEGAL_TO_NUL)
        or (
            0xEF in raw
            and (
                find(raw, b"\xef\xbf\xbe") >= 0
                or find(raw, b"\xef\xbf\xbf") >= 0
                or find(raw, b"\xef\xbf\xbd") >= 0
                or (find(raw, b"\xef\xb7") >= 0 and _ARABIC_FORMS.search(raw) is not None)
            )
        )
        or (0xC2 in raw and _C1.search(raw) is not None)
        or (0xBF in raw and _LAST_TWO.search(raw) is not None)
    )


def strip_illegal(text: str, shown: str, warnings: list[Problem], first_line: int = 1) -> str:
    """Return `text` without the characters XML cannot carry, warning about them."""
    bad = re.search(XML_ILLEGAL, text)
    if not bad:
        return text
    count = len(re.findall(XML_ILLEGAL, text))
    line = first_line + text.count("\n", 0, bad.start())
    warnings.append(Problem(shown, line, removed_text(count, bad.group()), warning=True))
    return re.sub(XML_ILLEGAL, "", text)


def removed_text(count: int, first: str, how: str = "") -> str:
    """Return the warning's words for `count` characters of XML_ILLEGAL removed, `first`
    the first of them; `how`: how they were written, if not as themselves."""
    if ord(first) < 0xA0 or first in "\ufffe\uffff":  # which XML 1.0 forbids
        what = f"{'' if how else 'control '}character(s) that XML feeds cannot carry"
    else:  # U+FFFD and the other noncharacters: XML carries them, feed validators warn
        what = "character(s) that feed validators reject"
    # Written as itself, the replacement character is what a wrong decoding left.
    kind = ", the replacement character: text decoded wrongly once?" if first == "\ufffd" else ""
    return f"removed {count} {what}{how} (first: U+{ord(first):04X}{'' if how else kind})"
