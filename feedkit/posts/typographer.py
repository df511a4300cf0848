"""Goldmark's typographer as a Hugo site sets it up, where pulldown-cmark's smart punctuation
does not make the same: the site's own substitutions (`[markup.goldmark.extensions.
typographer]` `leftDoubleQuote = '&laquo;&nbsp;'` and the like, see `GOLDMARK_DEFAULTS`),
and `<<` before a tag (`<<oui>>`), which kramdown and Goldmark read as a guillemet and
pulldown-cmark as raw HTML.

What Goldmark does (extension/typographer.go): each substitution's value is written into the
HTML as it is, not escaped (an entity, text, even a tag); Hugo passes every value, an empty one
too, and Goldmark v1 (Hugo's) then makes that substitution with nothing (`[]byte("")` is not
nil), so an empty `enDash` drops the `--` it finds. The places stay pulldown-cmark's (see
`reading.as_read`): only a mark its smart punctuation made from what the author typed is
changed, never one typed as a character, never in code, math or raw HTML; a ’ is Goldmark's
apostrophe or right single quote by Goldmark's own rules (`_is_apostrophe`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

# Goldmark's substitutions as Hugo names them, with the character each default makes
# (gohugoio/hugo markup/goldmark/goldmark_config: `&lsquo;` and so on).
GOLDMARK_DEFAULTS = {
    "leftSingleQuote": "‘",
    "rightSingleQuote": "’",
    "leftDoubleQuote": "“",
    "rightDoubleQuote": "”",
    "enDash": "–",
    "emDash": "—",
    "ellipsis": "…",
    "leftAngleQuote": "«",
    "rightAngleQuote": "»",
    "apostrophe": "’",
}
# What pulldown-cmark's smart punctuation makes, as Goldmark names it (’ is an apostrophe or a
# right single quote: see `_is_apostrophe`); and what it makes them of.
_SMART = {"“": "leftDoubleQuote", "”": "rightDoubleQuote", "‘": "leftSingleQuote"}
_SMART.update({"’": "rightSingleQuote", "–": "enDash", "—": "emDash", "…": "ellipsis"})
_TYPED = frozenset(b"\"'-.")
# Which typed marks each substitution needs: a text without any of them has nothing to change.
_MARKS = {
    "leftSingleQuote": "'",
    "rightSingleQuote": "'",
    "apostrophe": "'",
    "leftDoubleQuote": '"',
    "rightDoubleQuote": '"',
    "enDash": "--",
    "emDash": "--",
    "ellipsis": "...",
    "leftAngleQuote": "<<",
    "rightAngleQuote": ">>",
}
_TAG = re.compile(r"<[^<>]*>")
_PUNCTUATION = re.compile(rb"""[!-/:-@\[-`{-~]""")  # what Markdown may read as syntax


def site_typography(found: Any) -> tuple[tuple[str, str], ...]:
    """Return the substitutions of a Hugo site's `markup.goldmark.extensions.typographer`
    table (`found`, keys in lower case) whose value makes something else than Goldmark's
    default, in `GOLDMARK_DEFAULTS`'s order: (name, value as written)."""
    if not isinstance(found, dict):
        return ()
    own = []
    for name, default in GOLDMARK_DEFAULTS.items():
        value = found.get(name.lower())
        if isinstance(value, str) and html.unescape(value) != default:
            own.append((name, value))
    return tuple(own)


def marks(typography: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """Return the typed marks some substitution of `typography` needs."""
    return tuple(dict.fromkeys(_MARKS[name] for name, _ in typography))


def as_markdown(value: str) -> bytes:
    """Return Markdown that pulldown-cmark reads as the HTML `value`, as Goldmark writes a
    substitution: its tags raw, its text (entities read) with every ASCII punctuation mark
    escaped, so that nothing in it is read as Markdown or made curly again."""
    pieces: list[bytes] = []
    at = 0
    for tag in _TAG.finditer(value):
        pieces += [_escaped(value[at : tag.start()]), tag[0].encode()]
        at = tag.end()
    return b"".join([*pieces, _escaped(value[at:])])


def _escaped(text: str) -> bytes:
    return _PUNCTUATION.sub(rb"\\\g<0>", html.unescape(text).encode())


def made_by_site(typography: tuple[tuple[str, str], ...]) -> dict[str, bytes]:
    """Return, by Goldmark's name, the Markdown each substitution of `typography` is made
    as (see `as_markdown`)."""
    return {name: as_markdown(value) for name, value in typography}


def smart_edit(
    data: bytes, start: int, end: int, made: str, site: dict[str, bytes]
) -> bytes | None:
    """Return what replaces the typed marks at `data[start:end]` that pulldown-cmark's smart
    punctuation made `made` (a Text event's text), as the site's substitutions `site` make
    them; None when they are no such marks, or the site makes them as pulldown-cmark does."""
    if not made or any(char not in _SMART for char in made):
        return None
    if not all(byte in _TYPED for byte in data[start:end]):
        return None  # typed as characters: the typographer never saw them
    out, changed = [], False
    for char in made:
        name = _SMART[char]
        if char == "’" and _is_apostrophe(data, start):
            name = "apostrophe"
        if name in site:
            out.append(site[name])
            changed = True
        else:
            out.append(char.encode())
    return b"".join(out) if changed else None


def _is_apostrophe(data: bytes, at: int) -> bool:
    """Return True where Goldmark makes the `'` at `at` an apostrophe, not a right single
    quote: a decade (`'90s`), `'t` `'e` `'n` `'l` after a space or punctuation ('twas, 'em,
    rock 'n roll), or between a letter or digit and a letter (it's)."""
    before = data[:at].decode(errors="ignore")[-1:] or " "
    after = data[at + 1 : at + 5].decode(errors="ignore")
    if re.match(r"\d\ds(?:$|[\s\W])", after):
        return True
    if after[:1] in ("t", "e", "n", "l") and (before.isspace() or _is_punct(before)):
        return True
    return (before.isalpha() or before.isdigit()) and after[:1].isalpha()


def _is_punct(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def tag_guillemets(text: str, options: Any, left: bytes) -> str:
    """Return Markdown `text` with each `<<` whose second `<` opens an inline tag or an
    autolink (`<<oui>>`, `<<https://…>>`) made `left`: kramdown and Goldmark read `<<` in text
    before anything else there, so what follows is text again, where the site's typographer
    finds the `>>`. `<<` after a backslash (`\\<<oui>>`) is an escaped `<` before a tag, as
    there; `<<<b>` is a guillemet before the tag. `options`: pulldown-cmark's."""
    from feedkit.posts.markup import markdown

    for _ in range(text.count("<<")):  # each pass makes one or more, and rereads the rest
        data = text.encode()
        edits: list[tuple[int, int]] = []
        for event, where in markdown(options=options).events_with_range(text):
            if not isinstance(event, dict):
                continue
            start = where["start"]
            if "InlineHtml" in event or _is_autolink(event.get("Start")):
                run = len(data[:start]) - len(data[:start].rstrip(b"<"))
                if run and data[start - run - 1 : start - run] == b"\\":
                    run -= 1  # `\<` is a `<` as typed
                if run % 2:  # the last `<` of the run pairs with the tag's own
                    edits.append((start - 1, start + 1))
        if not edits:
            break
        pieces, at = [], 0
        for start, end in edits:
            pieces += [data[at:start], left]
            at = end
        text = b"".join([*pieces, data[at:]]).decode()
    return text


def _is_autolink(tag: Any) -> bool:
    """True for the Start tag of an autolink (`<https://…>`, `<a@example.org>`)."""
    link = tag.get("Link") if isinstance(tag, dict) else None
    return isinstance(link, dict) and link.get("link_type") in ("Autolink", "Email")


def goldmark_straight_quotes(text: str) -> str:
    """Return Markdown `text` with each `"` that Goldmark's typographer leaves straight
    escaped (`\\"`), so that pulldown-cmark's smart punctuation leaves it so too. Goldmark
    (extension/typographer.go) curls a `"` only when it can open and not close (a left
    quote), or, after a left quote of the same block, when it can close and not open, or
    can both and a punctuation mark and a space follow (a right one); any other stays
    straight: one with letters on both sides (`有"最近"` in Chinese, `a"b`), one that closes
    nothing (checked against hugo 0.168). pulldown-cmark curled those too."""
    if '"' not in text:
        return text
    edits: list[int] = []  # where a `"` stays straight, in characters
    opened = 0  # left quotes of the block not closed yet
    block_end = -1  # where the block the last quote was in ends
    for m in _QUOTE.finditer(text):
        at = m.start()
        if at > block_end:  # a blank line or a heading's line ends Goldmark's block
            opened = 0
            found = _BLOCK_END.search(text, at)
            block_end = found.start() if found else len(text)
        before = text[at - 1] if at else "\n"
        after = text[at + 1 : at + 3] or "\n"
        left = not after[0].isspace() and (
            not _is_mark(after[0]) or before.isspace() or _is_mark(before)
        )
        right = not before.isspace() and (
            not _is_mark(before) or after[0].isspace() or _is_mark(after[0])
        )
        if left and not right:
            opened += 1
            continue
        maybe = right and left and _is_mark(after[0]) and (len(after) < 2 or not after[1].isalnum())
        if (
            opened
            and ((right and not left) or maybe)
            and not (after[0] == '"' and before.isdigit())
        ):
            opened -= 1
            continue
        word = text[max(text.rfind(" ", 0, at), text.rfind("\n", 0, at)) + 1 : at]
        if "://" in word or word.startswith("www.") or "@" in word:
            continue  # in a bare URL, which linkify reads first: the quote is the URL's
        edits.append(at)
    if not edits:
        return text
    from feedkit.posts.texdelims import regions

    kept, markup = regions(text)  # code, math and HTML (in bytes): no quote there is Goldmark's
    skipped = sorted(kept + markup)
    for at in reversed(edits):
        where = len(text[:at].encode())
        if not any(a <= where < b for a, b in skipped):
            text = text[:at] + "\\" + text[at:]
    return text


_QUOTE = re.compile(r'(?<!\\)"')  # not escaped
_BLOCK_END = re.compile(r"\n[ \t]*(?:\n|#)")


def _is_mark(char: str) -> bool:
    """Goldmark's IsPunctRune: a punctuation mark or a symbol."""
    return unicodedata.category(char)[0] in "PS"
