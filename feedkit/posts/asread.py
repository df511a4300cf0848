"""`as_read`: a post's Markdown rewritten so that pulldown-cmark reads it as the site's
converter does (`Reading`, feedkit/posts/reading.py) where it has no option for it: every
line break a hard one, raw HTML left out, bare URLs and e-mail addresses links (see
`autolinks`), the typographic symbols of the site's own converter that pulldown-cmark does
not make, and a Hugo site's own typographer substitutions (see `typographer`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from feedkit.posts import rawhtml
from feedkit.posts.events import tag_name
from feedkit.posts.reading import KRAMDOWN_SYMBOLS

if TYPE_CHECKING:
    from feedkit.posts.reading import Reading
    from feedkit.posts.strikes import GoldmarkTildes
    from feedkit.posts.typographer import GoldmarkQuotes

# A line starting with a colon and no space after it: pulldown-cmark reads it as a
# definition, where kramdown, Goldmark and Python-Markdown require a space or tab after the
# colon (`Release notes` then `:tada: shipped` is a paragraph there).
# (Never on the first line: a definition follows its term's.)
_TIGHT_COLON = re.compile(r"\n[ \t>]*:[^ \t\r\n]")

# By (style, smart): what finds the symbols, and the marks without which a text has none.
_ANGLES = ("<<", ">>")
# Each pattern is compiled (and kept by re) when a post has one of its symbols.
_SYMBOLS = {
    ("kramdown", False): (KRAMDOWN_SYMBOLS.encode(), ("--", "...", *_ANGLES)),
    # pulldown-cmark's smart punctuation makes a run of four hyphens or more as CommonMark
    # does (`----` ––), kramdown `---` then `--` from its start (`----` —-).
    # A decade's `'` is kramdown_quotes' there: kramdown's rule wants a space or nothing
    # before it (`('90s` opens a quote).
    ("kramdown", True): (rb"<< | >>|<<|>>|-{4,}", (*_ANGLES, "----")),
    # Goldmark's typographer too reads `---` before `--` (`----` —-).
    ("goldmark", True): (rb"<<|>>|-{4,}", (*_ANGLES, "----")),
}


def as_read(text: str, reading: Reading) -> str:
    """Return Markdown `text` rewritten so that pulldown-cmark reads it as `reading` says
    where it has no option for it: with `hard_wrap`, each line break in a paragraph ends in
    a backslash (a hard break); without `raw_html`, each HTML block and inline tag is left
    out, but a `{{< >}}` shortcode's (see `rawhtml`); with `autolink`, each bare URL, www.
    or e-mail address is a link (see `autolinks.BareLinks`); with `symbols`, its typographic
    symbols are made in text (see `_symbols`), `<<` before a tag too (see
    `typographer.tag_guillemets`); with `typography`, the site's own quotes, dashes and
    ellipsis where pulldown-cmark's smart punctuation makes them (see
    `typographer.smart_edit`); with `definition_lists`, a colon with no space after it that
    pulldown-cmark would read as a definition's is escaped (see `_TIGHT_COLON`), and without
    `single_tilde`, the tildes of `~x~` (see `_escapes`); with `python_markdown`, as
    Python-Markdown reads `#Title` and a line-end backslash; with `kramdown_gfm`, what
    kramdown reads otherwise first (see `kramdown_reading`), else with `tables` (but for
    Python-Markdown and kramdown) a table right below a paragraph's line as GFM reads it (see
    `gfmtables`); with `tasklists`, each task
    item's marker its box (see `tasklists`), and with kramdown's `symbols` and `smart`, its
    quotes where they differ (`kramdown_quotes`). `text` itself when none applies."""
    if "$" in text:
        from feedkit.posts.texdelims import prices

        text = prices(text, reading.options)
    if reading.python_markdown:
        from feedkit.posts.pythonmarkdown import as_python_markdown_reads

        text = as_python_markdown_reads(
            text, reading.options, reading.sane_lists, reading.codehilite, reading.admonition
        )
    if reading.kramdown_gfm:
        from feedkit.posts.kramdown_reading import as_kramdown

        text = as_kramdown(text, reading.options, reading.hard_wrap)
    elif reading.tables and "|" in text and not (reading.python_markdown or reading.kramdown_math):
        from feedkit.posts.gfmtables import tables_after_lines

        text = tables_after_lines(text, reading.options)
    if reading.tasklists and "]" in text:
        from feedkit.posts.tasklists import task_boxes

        text = task_boxes(text, reading)
    if reading.smart and reading.symbols == "kramdown" and ("'" in text or '"' in text):
        from feedkit.posts import kramdown_quotes

        if kramdown_quotes.may_differ(text):
            text = kramdown_quotes.kramdown_quotes(text, reading.options)
    if reading.footnotes and "[^" in text:
        from feedkit.posts.anchors import footnotes_last

        text = footnotes_last(text, reading.options)
    symbols = _SYMBOLS.get((reading.symbols, reading.smart))
    if symbols is not None and "<<" in text:  # before raw HTML is left out: `<<ja>>` is none
        from feedkit.posts.typographer import tag_guillemets

        text = tag_guillemets(text, reading.options, reading.made[b"<<"])
    keep: frozenset[int] = frozenset()  # where a tag to keep ends (rawhtml.KEPT)
    if rawhtml.KEPT in text:
        text, keep = rawhtml.unmarked(text)
    autolink = reading.may_link(text)
    typed = symbols is not None and any(mark in text for mark in symbols[1])
    colons = reading.definition_lists and _TIGHT_COLON.search(text) is not None
    tildes = reading.strikethrough and not reading.single_tilde and _lone_tilde(text)
    # Goldmark's quotes: pulldown-cmark's smart punctuation pairs them otherwise (see
    # typographer.GoldmarkQuotes).
    quotes = reading.symbols == "goldmark" and reading.smart and ("'" in text or '"' in text)
    strikes = reading.goldmark_strikes and "~" in text
    # Python-Markdown's smarty quotes, dashes and ellipses (a Pelican site's): see
    # smartyquotes.
    smarty = reading.python_markdown and reading.smart and any(m in text for m in _SMARTY)
    site = None
    if reading.typography and reading.smart:
        from feedkit.posts import typographer

        if any(mark in text for mark in typographer.marks(reading.typography)):
            site = typographer.made_by_site(reading.typography)
    if (
        not reading.hard_wrap
        and not autolink
        and not typed
        and not colons
        and not tildes
        and site is None
        and not quotes
        and not strikes
        and not smarty
        and (reading.raw_html or "<" not in text)
    ):
        return text
    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, int, bytes]] = []
    texts: list[tuple[int, int]] = []  # where the text is, for the typographic symbols
    typography: list[tuple[int, int, bytes]] = []  # the symbols and the site's own marks
    in_code = 0  # inside a code block, whose text is code
    links = None
    if autolink:
        from feedkit.posts.autolinks import BareLinks

        links = BareLinks.of(data, reading)
    goldmark_quotes = None
    pins: list[tuple[int, int, bytes]] = []  # the quotes and tildes pinned (see below)
    smarty_quotes = None
    if smarty:
        from feedkit.posts.smartyquotes import SmartyQuotes

        smarty_quotes = SmartyQuotes(data)
    struck = None
    if strikes:
        from feedkit.posts.strikes import GoldmarkTildes

        struck = GoldmarkTildes(data)
    if quotes:
        from feedkit.posts.typographer import GoldmarkQuotes

        goldmark_quotes = GoldmarkQuotes(data, site)
    # Read with smart punctuation only for the site's own marks, Goldmark's or smarty's quotes: it
    # splits text events.
    parser = markdown(site is not None or quotes or smarty, reading.options)
    for event, where in parser.events_with_range(text):
        start, end = where["start"], where["end"]
        if links is not None:
            links.event(event, start, end)
        if goldmark_quotes is not None:
            _goldmark_quote(goldmark_quotes, event, data, start, end)
        if struck is not None:
            _goldmark_tildes(struck, event, start, end)
        if smarty_quotes is not None:
            smarty_quotes.event(event, start, end)
        if (typed or site is not None) and isinstance(event, dict):
            if "Text" in event and not in_code:
                texts.append((start, end))
                if site is not None:
                    from feedkit.posts.typographer import smart_edit

                    if (new := smart_edit(data, start, end, event["Text"], site)) is not None:
                        typography.append((start, end, new))
            elif _is_code_block(event.get("Start")):
                in_code += 1
            elif _is_code_block(event.get("End")):
                in_code -= 1
        if (colons or tildes) and isinstance(event, dict) and "Start" in event:
            edits += _escapes(event["Start"], data, start, end, colons, tildes)
        if event == "SoftBreak" and reading.hard_wrap:
            edits.append((start, start, b"\\"))  # the range starts at the line ending
        elif not reading.raw_html and (left := rawhtml.omission(event, data, start, end, keep)):
            edits.append(left)
    if links is not None:
        links.finish()
        edits += links.edits
    linked = [(start, end) for start, end, _ in links.edits if end > start] if links else []
    if goldmark_quotes is not None:
        pins += goldmark_quotes.edits(linked)
    if struck is not None:
        pins += struck.edits(linked)
    if smarty_quotes is not None:
        pins += smarty_quotes.edits()
    edits.sort(key=lambda edit: edit[0])  # a closing `~`'s comes after those inside
    if pins:  # not in what another edit rewrites (a bare link's address)
        edits = _without_overlaps(edits, pins)
    if typed:
        assert symbols is not None
        # A run of hyphens is made whole, not as the site makes pulldown-cmark's dashes.
        made = _symbols(data, texts, re.compile(symbols[0]), reading.made)
        typography = _without_overlaps(made, typography)
    if typography:
        edits = _without_overlaps(edits, typography)
    if not edits:
        return text
    pieces, at = [], 0
    for start, end, new in edits:  # in the order of the text, none inside another
        pieces += [data[at:start], new]
        at = end
    return b"".join([*pieces, data[at:]]).decode()


_CURLED = ("‘", "’", "“", "”")  # what pulldown-cmark's smart punctuation makes of a quote
_SMARTY = ("'", '"', "....", "----")  # what smarty may make otherwise than pulldown-cmark
_TYPED = (b"'", b'"')
# The inline elements: a block's text goes on through them, as Goldmark's typographer reads it.
_INLINE = frozenset(
    {"Emphasis", "Strong", "Strikethrough", "Link", "Image", "Superscript", "Subscript"}
)


def _goldmark_quote(quotes: GoldmarkQuotes, event: Any, data: bytes, start: int, end: int) -> None:
    """Tell `quotes` of one event: a quote pulldown-cmark curled, where a block's text has
    got to (an inline element's closing marks too: `b'~~` ends its line with `~~`), or a
    block's start or end."""
    if isinstance(event, dict) and ("Start" in event or "End" in event):
        if tag_name(event.get("Start") or event["End"]) not in _INLINE:
            quotes.close_block()
        else:
            quotes.content(end)
        return
    if start == end:
        return
    quotes.content(end)
    if isinstance(event, dict) and event.get("Text") in _CURLED and data[start:end] in _TYPED:
        quotes.quote(start)


def _goldmark_tildes(tildes: GoldmarkTildes, event: Any, start: int, end: int) -> None:
    """Tell `tildes` of one event: a text's, a strikethrough's, or a block's start or end."""
    if not isinstance(event, dict):
        return
    if "Start" in event or "End" in event:
        key = "Start" if "Start" in event else "End"
        name = tag_name(event[key])
        if not tildes.tag(name, key, start, end) and name not in _INLINE:
            tildes.close_block()
    elif "Text" in event:
        tildes.text(start, end)


def _lone_tilde(text: str) -> bool:
    """Return whether `text` has a `~` with no other beside it (`~~` and fences do not
    count): what may open a strikethrough of single tildes."""
    at = text.find("~")
    while at >= 0:
        end = at + 1
        while text[end : end + 1] == "~":
            end += 1
        if end == at + 1:
            return True
        at = text.find("~", end)
    return False


def _escapes(
    began: Any, data: bytes, start: int, end: int, colons: bool, tildes: bool
) -> list[tuple[int, int, bytes]]:
    """Return the backslashes that keep pulldown-cmark from reading, at the start of the
    element `began` (`data[start:end]`), what the site's converter reads as text: with
    `colons`, a definition's colon with no space after it (`:tada: done` on a line of its
    own, see `_TIGHT_COLON`); with `tildes`, single tildes around a strikethrough (`~x~`),
    which kramdown leaves as typed."""
    if colons and began == "DefinitionListDefinition":
        at = start + len(data[start:end]) - len(data[start:end].lstrip(b" \t"))
        if data[at : at + 1] == b":" and data[at + 1 : at + 2] not in b" \t\r\n":
            return [(at, at, b"\\")]
    if tildes and began == "Strikethrough" and data[start + 1 : start + 2] != b"~":
        return [(start, start, b"\\"), (end - 1, end - 1, b"\\")]
    return []


def _symbols(
    data: bytes, texts: list[tuple[int, int]], found: re.Pattern[bytes], made: dict[bytes, bytes]
) -> list[tuple[int, int, bytes]]:
    """Return the edits that make each typographic symbol `found` matches in the text (the
    byte ranges `texts`, pulldown-cmark's Text events: never code, math, raw HTML or a
    blockquote's `>`) what it stands for (`made`: see `Reading.made`); one after a backslash stays
    as typed, as kramdown's `\\<<` does. kramdown and Goldmark read them wherever they
    stand in text, so `a<<b` is one too."""
    spans: list[list[int]] = []  # the text ranges, those that touch joined: `<` may end one
    for start, end in sorted(texts):
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    edits: list[tuple[int, int, bytes]] = []
    for start, end in spans:
        for m in found.finditer(data, start, end):
            at = m.start()
            if at and data[at - 1 : at] == b"\\":  # escaped: `\\<<` is `<<` as typed
                continue
            edits.append((at, m.end(), made.get(m[0]) or _dashes(len(m[0]), made)))
    return edits


def _dashes(hyphens: int, made: dict[bytes, bytes]) -> bytes:
    """Return the dashes kramdown and Goldmark make of a run of `hyphens` hyphens: `---`
    and `--` from its start, so `----` is an em dash and a hyphen (each as `made` makes
    it: see `Reading.made`)."""
    return made[b"---"] * (hyphens // 3) + (b"", b"-", made[b"--"])[hyphens % 3]


def _without_overlaps(
    edits: list[tuple[int, int, bytes]], more: list[tuple[int, int, bytes]]
) -> list[tuple[int, int, bytes]]:
    """Return `edits` with those of `more` that overlap none of them, in the text's order."""
    taken = [(start, end) for start, end, _ in edits]
    kept = [
        edit
        for edit in more
        if not any(start < edit[1] and edit[0] < end for start, end in taken)
        and not any(start == end == edit[0] for start, end in taken)
    ]
    return sorted(edits + kept, key=lambda edit: edit[0])


def _is_code_block(tag: Any) -> bool:
    """True for pulldown-cmark's CodeBlock tag, as a Start or End event names it (a string,
    or a mapping of the name to its details)."""
    return tag == "CodeBlock" or (isinstance(tag, dict) and "CodeBlock" in tag)
