"""Goldmark's typographer as a Hugo site sets it up, where pulldown-cmark's smart punctuation
does not make the same: the site's own substitutions (`[markup.goldmark.extensions.
typographer]` `leftDoubleQuote = '&laquo;&nbsp;'` and the like, see `GOLDMARK_DEFAULTS`),
and `<<` before a tag (`<<oui>>`), which kramdown and Goldmark read as a guillemet and
pulldown-cmark as raw HTML.

What Goldmark does (extension/typographer.go): each substitution's value is written into the
HTML as it is, not escaped (an entity, text, even a tag); Hugo passes every value, an empty one
too, and Goldmark v1 (Hugo's) then makes that substitution with nothing (`[]byte("")` is not
nil), so an empty `enDash` drops the `--` it finds. A dash's or an ellipsis's place stays
pulldown-cmark's (see `asread.as_read`): only a mark its smart punctuation made from what the
author typed is changed, never one typed as a character, never in code, math or raw HTML.
Each quote is what Goldmark's own rules make it (`GoldmarkQuotes`), for every Hugo site with
the typographer on: pulldown-cmark pairs quotes its own way.
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
# What pulldown-cmark's smart punctuation makes of dashes and dots, as Goldmark names it (its
# quotes are GoldmarkQuotes'); and what it makes them of.
_SMART = {"–": "enDash", "—": "emDash", "…": "ellipsis"}
_TYPED = frozenset(b"-.")
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
    """Return what replaces the typed dashes or dots at `data[start:end]` that
    pulldown-cmark's smart punctuation made `made` (a Text event's text), as the site's
    substitutions `site` make them; None when they are no such marks (a quote too: see
    `GoldmarkQuotes`), or the site makes them as pulldown-cmark does."""
    if not made or any(char not in _SMART for char in made):
        return None
    if not all(byte in _TYPED for byte in data[start:end]):
        return None  # typed as characters: the typographer never saw them
    out, changed = [], False
    for char in made:
        name = _SMART[char]
        if name in site:
            out.append(site[name])
            changed = True
        else:
            out.append(char.encode())
    return b"".join(out) if changed else None


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


def _is_mark(char: str) -> bool:
    """Goldmark's IsPunctRune: a punctuation mark or a symbol."""
    return unicodedata.category(char)[0] in "PS"


class GoldmarkQuotes:
    """What Goldmark's typographer makes of each quote pulldown-cmark's smart punctuation
    curled, one block at a time (extension/typographer.go, checked against Hugo 0.168): a
    `'` an apostrophe, a left or right single quote, or straight; a `"` a left or right
    double quote, or straight. Goldmark decides each by the character before it and the
    rest of its line, and closes a quote only after a left one not closed yet; its count
    of those goes on from one block to the next (the typographer's CloseBlock, which would
    reset it, is not the one Goldmark v1 calls), as Hugo 0.168 shows: `A "open`, then
    `B close" here` in the next paragraph, is closed there. pulldown-cmark pairs them its
    own way: `*Bob*'s … x'` ‘…’, `rock 'n' roll` ‘n’, `the dogs'` at a line's end ’,
    `'2020` ’, `有"最近使用"` and `a 5" screen` curly.

    `quote(at)` takes each curled quote as the events come, `content(end)` where the
    block's inline content has got to, `close_block()` each block's end, and `edits(links)`
    at the post's end gives each quote as Goldmark makes it, pinned: a straight one escaped,
    a curly one as its character (or the site's own substitution, `site`), so that
    pulldown-cmark's pairing no longer decides. A quote in a bare URL or address (`links`,
    the source ranges linkify makes links of: it reads them first) is the link's, and
    counts for nothing."""

    def __init__(self, data: bytes, site: dict[str, bytes] | None) -> None:
        self.data = data
        self.site = site or {}
        self.pending: list[int] = []  # the block's quotes, by offset
        self.end = 0  # where the block's inline content ends
        self.blocks: list[tuple[list[int], int]] = []  # each block's quotes, and its end

    def quote(self, at: int) -> None:
        self.pending.append(at)

    def content(self, end: int) -> None:
        self.end = max(self.end, end)

    def close_block(self) -> None:
        if self.pending:
            self.blocks.append((self.pending, self.end))
        self.pending, self.end = [], 0

    def edits(self, links: list[tuple[int, int]]) -> list[tuple[int, int, bytes]]:
        """Return the pins of the post's quotes but those in `links`."""
        self.close_block()
        found = []
        opened = {"'": 0, '"': 0}  # left quotes not closed yet, in the post
        for pending, block_end in self.blocks:
            for at in pending:
                if any(start <= at < end for start, end in links):
                    continue
                mark = chr(self.data[at])
                decide = goldmark_single_quote if mark == "'" else goldmark_double_quote
                line = self._line(at, block_end)
                name, opened[mark] = decide(preceding(self.data, at), line, opened[mark])
                if name is None:
                    made = b"\\" + mark.encode()
                elif name in self.site:  # the site's own, an empty one too (see the module)
                    made = self.site[name]
                else:
                    made = GOLDMARK_DEFAULTS[name].encode()
                found.append((at, at + 1, made))
        return found

    def _line(self, at: int, block_end: int) -> bytes:
        # The rest of the line, as Goldmark's PeekLine gives it: with its line end, but the
        # block's last line, which ends where its content does (its spaces, a heading's
        # closing hashes or a table cell's pipe left out).
        end = self.data.find(b"\n", at, block_end)
        return self.data[at:block_end] if end < 0 else self.data[at : end + 1]


def preceding(data: bytes, at: int) -> str:
    """Return the character before `data[at]`, as Goldmark's PrecedingCharacter gives it (a
    block's first has a line end before it); three bytes back hold the last one's start."""
    return data[max(at - 4, 0) : at].decode(errors="ignore")[-1:] or "\n"


def flanking(before: str, after: str) -> tuple[bool, bool]:
    """Return whether a delimiter run between `before` and `after` is left-flanking and
    whether it is right-flanking, as Goldmark's IsLeftFlankingDelimiterRun and
    IsRightFlankingDelimiterRun say (a symbol counts as punctuation)."""
    left = not after.isspace() and (not _is_mark(after) or before.isspace() or _is_mark(before))
    right = not before.isspace() and (not _is_mark(before) or after.isspace() or _is_mark(after))
    return left, right


def _flanks(before: str, line: bytes) -> tuple[str, bool, bool]:
    """Return the character right after the quote that starts `line`, and whether the quote
    may open and may close: judged by the character after its run of quotes, as Goldmark
    v1's ScanDelimiter does (`''` alone stays straight)."""
    after = line[1:5].decode(errors="ignore")[:1] or " "
    run = len(line) - len(line.lstrip(line[:1]))
    beyond = line[run : run + 4].decode(errors="ignore")[:1] or " "
    return (after, *flanking(before, beyond))


def _may_close(after: str, line: bytes) -> bool:
    """Goldmark's `maybeClose`, for a quote that may both open and close: a punctuation
    mark after it, then nothing, ASCII punctuation or a space."""
    return _is_punct(after) and (len(line) == 2 or (len(line) > 2 and _ascii_gap(line[2])))


def goldmark_double_quote(before: str, line: bytes, opened: int) -> tuple[str | None, int]:
    """Return what Goldmark's typographer makes of the `"` that starts `line` (the rest of
    its line) after the character `before`, `opened` left double quotes not closed yet: its
    substitution's name, or None where it stays straight (`有"最近"`, `a"b`, one that closes
    nothing); and how many are open after it."""
    after, can_open, can_close = _flanks(before, line)
    if can_open and not can_close:
        return "leftDoubleQuote", opened + 1
    if opened > 0 and ((can_close and not can_open) or (can_close and _may_close(after, line))):
        if line[1:2] == b'"' and before.isdigit():  # "Monitor 21""
            return None, opened
        return "rightDoubleQuote", opened - 1
    return None, opened


def goldmark_single_quote(before: str, line: bytes, opened: int) -> tuple[str | None, int]:
    """Return what Goldmark's typographer makes of the `'` that starts `line` (the rest of
    its line) after the character `before`, `opened` left single quotes not
    closed yet: its substitution's name, or None where it stays straight; and how many
    are open after it."""
    after, can_open, can_close = _flanks(before, line)
    size = len(line)  # (Goldmark v1, Hugo's, goes on when it can do neither)
    # Apostrophes: a decade ('90s), 't 'e 'n 'l after a space or punctuation ('twas, 'em,
    # rock 'n roll), one between a letter or digit and a letter (it's).
    if can_open and not can_close and size > 3 and line[1:3].isdigit() and line[3:4] == b"s":
        next_one = line[4:8].decode(errors="ignore")[:1] or " "
        if next_one.isspace() or _is_mark(next_one):
            return "apostrophe", opened
    if (
        size > 1
        and (_is_punct(before) or before.isspace())
        and line[1:2] in (b"t", b"e", b"n", b"l")
    ):
        return "apostrophe", opened
    if size > 1 and (before.isalpha() or before.isdigit()) and after.isalpha():
        return "apostrophe", opened
    if can_open and not can_close:
        # Alice's, I'm, don't, you'd; I've, I'll, you're
        if (line[1:2] in (b"s", b"m", b"t", b"d") and (size < 3 or _ascii_gap(line[2]))) or (
            line[1:3] in (b"ve", b"ll", b"re") and (size < 4 or _ascii_gap(line[3]))
        ):
            return "rightSingleQuote", opened
        return "leftSingleQuote", opened + 1
    # A plural possessive or a dropped letter (the Smiths' car, doin' it), not at the end
    # of its line or block.
    if size > 2 and not after.isdigit():
        return "rightSingleQuote", opened
    if opened > 0 and ((can_close and not can_open) or (can_close and _may_close(after, line))):
        return "rightSingleQuote", opened - 1
    return None, opened


def _ascii_gap(byte: int) -> bool:
    """Goldmark's util.IsPunct or util.IsSpace of one byte: ASCII punctuation or space."""
    return byte < 128 and (chr(byte) in _ASCII_PUNCTUATION or chr(byte).isspace())


_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
