"""Where Goldmark's `linkify` extension (Hugo's `markup.goldmark.extensions.linkify`, on by
default) finds a link in a paragraph's text: a bare URL, a `www.` address or an e-mail
address (`link_at`), and where it may start (`starts_here`). For `autolinks.BareLinks`.

The rules are those of goldmark's extension/linkify.go, as Hugo 0.168 runs them (checked
against `hugo` itself, tests/test_goldmark.py), read in the source as typed:

- A link is tried only where an inline may start: at the start of a line or right after
  another inline (a code span, a link, raw HTML, an emphasis delimiter), after a space (not
  a tab or a no-break space), after one of `*_~(`, and with the typographer on after the
  quotes, dashes and dots it makes; never inside a link's text (a `[` still open).
- `http://`, `https://` or `ftp://` (lower case), a host of letters, digits and
  `-@:%._+~#=` with a dot and a lower-case ending, a port, then a path of letters, digits
  and ``-@:%_+.~#$!?&/=();,'">^{}[]` ``; `www.` the same without a scheme or port. A `.`
  at its end is left out, as many characters as it has `)` over `(`, an `&` with letters
  and `;` that end it (an entity), then every trailing `?!.,:*_~`.
- An e-mail address: no punctuation mark first, then letters, digits and
  ``!#$%&'*+-./=?^_`{|}~`` before an `@`, and a domain of labels with a dot in it; none
  when a `-` or `_` follows it.
- A `www.` address links to Hugo's `linkifyProtocol` (https by default), an e-mail address
  to `mailto:`.
"""

from __future__ import annotations

import re
import unicodedata

from feedkit.posts.autolinkrules import PUNCTUATION

_PATH = r"""[-a-zA-Z0-9@:%_+.~#$!?&/=();,'">^{}\[\]`]*"""
_URL = re.compile(
    r"(?:http|https|ftp)://[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-z]+(?::\d+)?(?:[/#?]" + _PATH + ")?"
)
_WWW = re.compile(
    r"www\.[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-z]+(?:[/#?]"
    + _PATH.replace("#$", "#")  # goldmark's www. path has no `$`
    + ")?"
)
# What the part of an e-mail address before its `@` may hold.
_LOCAL_CHARS = "!#$%&'*+-./0123456789=?ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz{|}~"
_EMAIL_LOCAL = re.compile(f"[{re.escape(_LOCAL_CHARS)}]+")
_LOCAL = frozenset(_LOCAL_CHARS)
_EMAIL_DOMAIN = re.compile(
    r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# What starts an inline of its own before a link: Goldmark's linkify triggers, and the
# emphasis and strikethrough delimiters (their own inlines, after which one may start).
_AFTER = " *_~("
# With the typographer on, its dashes, ellipsis and guillemets are inlines of their own too:
# a run of these characters is read from its start, a symbol (`---`, `--`; `...`; `<<`,
# `>>`) at a time, and a link may start after it when no character is left over. Its quotes
# are inlines when they only open or only close (see `_quote_node`).
_SYMBOL_RUNS = {"-": (3, 2), ".": (3,), "<": (2,), ">": (2,)}


# What may start a bare link, for `may_link`: a URL, a www. address, an e-mail address.
_CANDIDATE = re.compile(r"(?:https?|ftp)://|www\.|@[a-zA-Z0-9]")
_DEFINITION = re.compile(r"[ \t]{0,3}\[[^\]]+\]:[ \t]*\Z")  # a link definition's `[x]: `


def may_link(text: str) -> bool:
    """Return False when Markdown `text` certainly holds no link Goldmark's linkify makes:
    each URL a link's destination `](…)`, an autolink `<…>` or a link definition's, no
    www. but in a URL, no `@` between an e-mail address's parts. A quick look, not a
    reading (True may hold none): a post whose every URL is a link's is told apart by
    counting, as reading its events costs ten times more than the rest of its rendering."""
    if "@" in text or text.count("://") > text.count("](http") or _some_broken(text):
        return _may_link(text)
    return "www." in text and text.count("www.") > text.count("/www.") and _may_link(text)


def _may_link(text: str) -> bool:
    """Return `may_link`'s answer for a text that counting could not tell, URL by URL."""
    for found in _CANDIDATE.finditer(text):
        at = found.start()
        if text[at] == "@":
            if at and text[at - 1] in _LOCAL:
                return True
            continue
        if text[at] == "w" and text.endswith("/", 0, at):
            continue  # https://www.: the URL's own
        if text.endswith("](", 0, at) and not _broken_destination(text, at):
            continue
        if text.endswith("<", 0, at) and not text.endswith("<<", 0, at):
            continue
        line = text[text.rfind("\n", 0, at) + 1 : at]
        if not _DEFINITION.match(line):
            return True
    return False


def _some_broken(text: str) -> bool:
    """Return whether a `](http` of `text` may start no destination (`_broken_destination`)."""
    at = text.find("](http")
    while at >= 0:
        if _broken_destination(text, at + 2):
            return True
        at = text.find("](http", at + 2)
    return False


def _broken_destination(text: str, at: int) -> bool:
    """Return whether the link destination starting at `text[at]` (after `](`) may not be
    one: no `[` before it in its paragraph, or a space in it before its `)` that no title
    follows (`[a](https://x.org/a b)` is text, and linkify makes a link of its URL)."""
    if text.rfind("[", 0, at) <= text.rfind("\n\n", 0, at):
        return True
    close = text.find(")", at)
    space = _SPACE_IN_DESTINATION.search(text, at, close if close >= 0 else len(text))
    return close < 0 or (space is not None and text[space.end() : space.end() + 1] not in "\"'(")


_SPACE_IN_DESTINATION = re.compile(r"\s+")


def starts_here(raw: str, at: int, before: str, typographer: bool) -> bool:
    """Return whether Goldmark tries a link at `raw[at]`: after `raw[at - 1]`, which a
    backslash must not escape, or at 0 after what `before` says is there ("" for the start
    of a line or the end of another inline, else the character)."""
    if at == 0:
        if before in ("", "\n") or before in _AFTER:
            return True
        return typographer and before in "'\"" and _quote_node(before, "\n", raw[0])
    char = raw[at - 1]
    slashes = 0  # before `char`: an odd number escapes it
    while slashes < at - 1 and raw[at - 2 - slashes] == "\\":
        slashes += 1
    escaped = slashes % 2 == 1
    if char == " ":
        return True
    if escaped or not typographer:
        return char in _AFTER and not escaped
    if char in _AFTER or (char in _SYMBOL_RUNS and _symbols_end_at(raw, at)):
        return True
    previous = raw[at - 2] if at >= 2 else (before or "\n")
    return char in "'\"" and _quote_node(char, previous, raw[at])


def _symbols_end_at(raw: str, at: int) -> bool:
    """Return whether the run of `-`, `.`, `<` or `>` ending at `at` is read by the
    typographer as whole symbols (`-----` is an em dash and an en dash; `....` leaves one
    `.` over)."""
    char = raw[at - 1]
    size = 1
    while size < at and raw[at - 1 - size] == char:
        size += 1
    sizes = _SYMBOL_RUNS[char]
    if len(sizes) == 2:  # dashes: as many em dashes as fit, then an en dash for two left
        return size >= 2 and size % 3 != 1
    return size % sizes[0] == 0


def _quote_node(quote: str, previous: str, following: str) -> bool:
    """Return whether Goldmark's typographer makes `quote`, between `previous` and
    `following`, an inline of its own: an apostrophe between a letter or digit and a
    letter; a quote that only opens (after a space or punctuation: it is followed by the
    link's first character)."""
    if quote == "'" and (previous.isalpha() or previous.isdigit()) and following.isalpha():
        return True
    return previous.isspace() or _is_punctuation(previous)


def _is_punctuation(char: str) -> bool:
    return char in PUNCTUATION or unicodedata.category(char)[0] in "PS"


def link_at(raw: str, at: int, protocol: str) -> tuple[int, str] | None:
    """Return where the link Goldmark finds at `raw[at]` ends and what it links to (a
    `www.` address to `protocol`, Hugo's `linkifyProtocol`), None when it finds none."""
    www = False
    found = None
    if raw.startswith(("http:", "https:", "ftp:"), at):
        found = _URL.match(raw, at)
    if found is None and raw.startswith("www.", at):
        found = _WWW.match(raw, at)
        www = True
    if found is None:
        return _email_at(raw, at)
    end = _trimmed(raw, at, found.end())
    shown = raw[at:end]
    return end, (f"{protocol}://{shown}" if www else shown)


def _trimmed(raw: str, start: int, end: int) -> int:
    """Return where a URL or www. match `raw[start:end]` ends once Goldmark has taken back
    its trailing punctuation, then, from what is left, excess `)` or an entity-like `&…;`
    (once: `a&amp;)` keeps its `&amp;`)."""
    end = _without_trailing(raw, start, end)
    last = raw[end - 1]
    if last == ")":
        closing = raw.count(")", start, end) - raw.count("(", start, end)
        if closing > 0:
            end -= closing  # as many characters as there are `)` too many, as goldmark does
    elif last == ";":
        at = end - 2
        while at >= start and raw[at] in _ALNUM:
            at -= 1
        if at != end - 2 and raw[at] == "&":
            end = at
    return end


def _without_trailing(raw: str, start: int, end: int) -> int:
    at = end - 1
    while at > start and raw[at] in "?!.,:*_~":
        at -= 1
    return at + 1


def email_starts(raw: str, floor: int, at: int) -> range:
    """Return where, from the first, an e-mail address with its `@` at `at` may start:
    each character after `floor` in the run of those its first part may hold; none when
    what follows the `@` is no address's domain (said once, not for every start)."""
    if _domain_end(raw, at) is None:
        return range(0)
    first = at
    while first > floor and raw[first - 1] in _LOCAL:
        first -= 1
    return range(first, at)


def _email_at(raw: str, at: int) -> tuple[int, str] | None:
    """Return where the e-mail address at `raw[at]` ends and its `mailto:` link, or None."""
    if at >= len(raw) or raw[at] in PUNCTUATION:
        return None
    local = _EMAIL_LOCAL.match(raw, at)
    if local is None or raw[local.end() : local.end() + 1] != "@":
        return None
    stop = _domain_end(raw, local.end())
    if stop is None:
        return None
    end = _without_trailing(raw, at, stop)
    return end, "mailto:" + raw[at:end]


def _domain_end(raw: str, at: int) -> int | None:
    """Return where the domain after the `@` at `at` ends, None when it is no address's:
    no dot in it, or a `-` or `_` right after it."""
    domain = _EMAIL_DOMAIN.match(raw, at + 1)
    if domain is None:
        return None
    stop = domain.end()
    if "." not in raw[at : stop - 1] or raw[stop : stop + 1] in ("-", "_"):
        return None
    return stop
