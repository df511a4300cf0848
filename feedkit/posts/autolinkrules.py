"""Where cmark-gfm's `autolink` extension finds a link in a paragraph's text: a bare URL
(`url_match`), a `www.` address (`www_match`) or an e-mail address (`postprocess_text`), and
the CommonMark that writes one as typed (`markdown_link`). For `autolinks.BareLinks`.

The rules are those of cmark-gfm's extensions/autolink.c (0.29.0.gfm.13, which commonmarker
0.23 bundles for jekyll-commonmark), which the GFM spec's "Autolinks (extension)" section
describes, with the code's own quirks where the two differ:

- `www.` at the start of a paragraph, after a space or one of `*_~(`, with a domain after it
  (`check_domain`: no `_` in its last two parts; the dot after www suffices), made
  `http://`; `http://`, `https://` and `ftp://` in any case, with a letter or digit after
  them and no letter before. Either runs to the next space or `<`, then `autolink_delim`
  takes back trailing `?!.,:*_~'"` (the spec names all but the quotes), a `)` when the link
  has more `)` than `(`, and a trailing `;`, or `&`, letters and `;` that look like an
  entity reference. Both are read in the source as typed, backslashes and entity references
  included.
- An e-mail address, read after the rest, in the text as shown: letters, digits and `.+-_`
  before an `@`; letters, digits, `-`, `_` and dots between letters or digits after it, one
  dot at least, ending in a letter. `mailto:` or `xmpp:` before it is part of the link,
  which then has no `mailto:` added.
"""

from __future__ import annotations

import re
import unicodedata

SPACE = " \t\n\v\f\r"  # cmark_isspace: ASCII only, so a URL goes on over a no-break space
_ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALNUM = _ALPHA + "0123456789"
PUNCTUATION = frozenset(r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~""")
_SCHEMES = ("http://", "https://", "ftp://")
# What an autolink `<…>` may hold as it stands: anything else is written as [text](<url>).
_AUTOLINK_SAFE = re.compile(r"[\w\-.~:/?#@!$%+,;=()*'\[\]]+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:")
# What CommonMark reads as an e-mail autolink `<…>` (of what cmark-gfm links: no `_` after @).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL_AUTOLINK = re.compile(rf"[A-Za-z0-9.+_-]+@{_LABEL}(?:\.{_LABEL})*")


def _hostchar(char: str) -> bool:
    """True for a character a host name may hold (`is_valid_hostchar`): no space, no
    punctuation (ASCII, or Unicode's P categories)."""
    if char in PUNCTUATION:
        return False
    return not char.isspace() and not unicodedata.category(char).startswith("P")


def _domain_length(text: str, start: int, short: bool) -> int:
    """Return how far from `start` the domain in `text` goes, 0 when it is none
    (`check_domain`: one dot at least unless `short`; no `_` in its last two parts)."""
    size = len(text) - start
    index, dots, underscores, last_underscores = 1, 0, 0, 0
    if text[start] >= "\x80":  # autolink.c's next byte is inside this character: it stops
        size = 0
    while index < size - 1:  # as autolink.c does, never the text's last character
        if text[start + index] == "\\" and index < size - 2:
            index += 1
        char = text[start + index]
        if char == "_":
            last_underscores += 1
        elif char == ".":
            underscores, last_underscores = last_underscores, 0
            dots += 1
        elif char != "-" and not _hostchar(char):
            break
        elif char >= "\x80":  # autolink.c reads the next byte, not a character: it stops
            index += 1
            break
        index += 1
    if (underscores or last_underscores) and dots <= 10:  # more dots: taken, against DoS
        return 0
    return index if short or dots else 0


def _link_end(text: str, start: int, end: int) -> int:
    """Return where the link `text[start:end]` ends once trailing punctuation, unbalanced
    `)` and an entity-like `&hl;` are left out (`autolink_delim`); `start` if nothing is
    left."""
    cut = text.find("<", start, end)
    end = end if cut < 0 else cut
    opening, closing = text.count("(", start, end), text.count(")", start, end)
    while end > start:
        char = text[end - 1]
        if char == ")":
            if closing <= opening:
                return end
            closing -= 1
            end -= 1
        elif char in "?!.,:*_~'\"":
            end -= 1
        elif char == ";":
            letters = end - 2
            while letters > start and text[letters] in _ALPHA:
                letters -= 1
            end = letters if letters < end - 2 and text[letters] == "&" else end - 1
        else:
            return end
    return end


def url_at(raw: str, colon: int) -> tuple[int, int] | None:
    """Return where the URL whose `://` is at `colon` in `raw` starts and ends (`url_match`),
    None when there is none."""
    if raw[colon + 3 : colon + 4] == "":
        return None
    first = colon
    while first and raw[first - 1] in _ALPHA:
        first -= 1
    tail = raw[first : first + 8].lower()
    if not any(
        tail.startswith(scheme)
        and len(raw) - first > len(scheme)
        and _hostchar(raw[first + len(scheme)])
        for scheme in _SCHEMES
    ):
        return None
    domain = _domain_length(raw, colon + 3, short=True)
    if not domain:
        return None
    end = _extent(raw, colon + 3 + domain)
    end = _link_end(raw, colon, end)
    return (first, end) if end > colon else None


def www_at(raw: str, start: int) -> int:
    """Return where the www. address at `start` in `raw` ends (`www_match`), 0 if none."""
    domain = _domain_length(raw, start, short=False)
    if not domain:
        return 0
    end = _link_end(raw, start, _extent(raw, start + domain))
    return end if end > start else 0


def _extent(text: str, at: int) -> int:
    """Return where the run of characters from `at` ends at a space or `<`."""
    while at < len(text) and text[at] not in SPACE and text[at] != "<":
        at += 1
    return at


def email_links(text: str) -> list[tuple[int, int, str]]:
    """Return the e-mail addresses in `text` (as read) as (start, end, link target): the
    `postprocess_text` of autolink.c, line for line, its `goto` a loop."""
    found = []
    start, offset, remaining = 0, 0, len(text)
    while offset < remaining:
        at = text.find("@", start + offset, start + remaining)
        if at < 0:
            break
        rewind_max = at - (start + offset)
        mailto, xmpp, dots = True, False, 0
        while True:  # found_at:
            rewind = 0
            while rewind < rewind_max:
                char = text[at - rewind - 1]
                if char in _ALNUM or char in ".+-_":
                    rewind += 1
                    continue
                if char == ":" and _protocol(text, "mailto:", at, rewind, rewind_max):
                    mailto = False
                    rewind += 1
                    continue
                if char == ":" and _protocol(text, "xmpp:", at, rewind, rewind_max):
                    mailto, xmpp = False, True
                    rewind += 1
                    continue
                break
            if rewind == 0:
                break
            length, again = 1, False
            while length < remaining - offset - rewind_max:
                char = text[at + length]
                if char in _ALNUM or (char == "/" and xmpp):
                    length += 1
                    continue
                if char == "@":  # another @: start again from it
                    offset += rewind_max + 1
                    rewind_max = length - 1
                    at = start + offset + rewind_max
                    again = True
                    break
                if char == "." and length < remaining - offset - rewind_max - 1:
                    if text[at + length + 1] in _ALNUM:
                        dots += 1
                        length += 1
                        continue
                if char not in "-_":
                    break
                length += 1
            if not again:
                break
        if rewind == 0:
            offset += rewind_max + 1
            continue
        if length < 2 or not dots or text[at + length - 1] not in _ALPHA + ".":
            offset += rewind_max + length
            continue
        end = _link_end(text, at, at + length)
        if end == at:
            offset += rewind_max + 1
            continue
        address = text[at - rewind : end]
        found.append((at - rewind, end, "mailto:" + address if mailto else address))
        remaining -= end - start
        start, offset = end, 0
    return found


def _protocol(text: str, protocol: str, at: int, rewind: int, rewind_max: int) -> bool:
    """True when `protocol` ends just before the `rewind` characters before the `@` at
    `at`, with no letter or digit before it (`validate_protocol`)."""
    size = len(protocol)
    if size > rewind_max - rewind or text[at - rewind - size : at - rewind] != protocol:
        return False
    return size == rewind_max - rewind or text[at - rewind - size - 1] not in _ALNUM


def markdown_link(shown: str, target: str) -> str:
    """Return the CommonMark for a link to `target` showing `shown` as typed: an autolink
    `<…>` when one reads so, else `[shown](<target>)` with every punctuation mark escaped
    (no emphasis, entity or typographer's quote read in them)."""
    if shown == target and _SCHEME.match(target) and _AUTOLINK_SAFE.fullmatch(target):
        return f"<{target}>"
    if target == "mailto:" + shown and _EMAIL_AUTOLINK.fullmatch(shown):
        return f"<{shown}>"
    return f"[{_escaped(shown)}](<{_escaped(target)}>)"


def _escaped(text: str) -> str:
    return re.sub(r"""[!-/:-@\[-`{-~]""", r"\\\g<0>", text)
