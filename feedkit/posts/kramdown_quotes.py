"""kramdown's smart quotes (Jekyll's default `smart_quotes`), where pulldown-cmark's smart
punctuation makes another quote of the same `'` or `"`.

pulldown-cmark pairs quotes as CommonMark pairs emphasis: an opening quote no quote closes is
an apostrophe (’tis) or a closing double quote. kramdown decides each quote on its own, by
the characters around it (parser/kramdown/smart_quotes.rb, `SQ_RULES`, tried in order):
`'tis`, `'em` and `rock 'n' roll` open with ‘, a paragraph that opens a quotation it does
not close opens it with “, and `"'90s` is “‘90s. `kramdown_quotes` writes kramdown's quote
into the source where the two differ, as a character, which pulldown-cmark leaves as it is.

What kramdown sees before a quote is its span parser's: the character before it in the
same run of text, none after an element (emphasis, a link, a code span, an entity, another
quote, a dash made of `--`) or at the start of an element's text, nor after `*`, `_`, a
backtick, `<` or `[` (its emphasis, code span, HTML and link parsers come before its smart
quotes, and read that character as text when they find nothing).
"""

from __future__ import annotations

import re
from typing import Any

_PUNCT = r"""[!"#$%'()*+,\-./:;<=>?@\[\\\]^_`{|}~]"""  # SQ_PUNCT
_CLOSE = r"[^ \\\t\r\n\[{(\-]"  # SQ_CLOSE: what a closing quote follows
# SQ_RULES: a rule, and what its groups make (a number: that group's text as it is; a name:
# a quote, of the kind its group has when it ends in a number).
_RULES = [
    (re.compile(r"""("|')(?=[_*]{1,2}\S)""", re.A), ("lquote1",)),
    (re.compile(rf"""("|')(?={_PUNCT}(?!\.\.)\B)""", re.A), ("rquote1",)),
    (re.compile(r"""(\s?)"'(?=\w)""", re.A), (1, "ldquo", "lsquo")),
    (re.compile(r"""(\s?)'"(?=\w)""", re.A), (1, "lsquo", "ldquo")),
    (re.compile(r"""(\s?)'(?=\d\ds)""", re.A), (1, "rsquo")),
    (re.compile(r"""(\s)('|")(?=\w)""", re.A), (1, "lquote2")),
    (re.compile(rf"""({_CLOSE})('|")""", re.A), (1, "rquote2")),
    (re.compile(r"""("|')(?=\s|s\b|\Z)""", re.A), ("rquote1",)),
    (re.compile(r"""(.?)'""", re.A | re.S), (1, "lsquo")),
    (re.compile(r"""(.?)\"""", re.A | re.S), (1, "ldquo")),
]
_QUOTE = {"lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”"}
_KIND = {("l", "'"): "‘", ("r", "'"): "’", ("l", '"'): "“", ("r", '"'): "”"}
_NOT_BEFORE = "*_`<[\\"  # read by a span parser that comes first: no character before
_CURLY = frozenset("‘’“”")
_BLOCKS = {"Paragraph", "Heading", "TableCell", "Item", "DefinitionListTitle"}
_BLOCKS |= {"DefinitionListDefinition"}

# The quick look: where kramdown's quotes may differ from pulldown-cmark's pairs.
_MAY_DIFFER = re.compile(  # each branch read after the quote, which the search finds first
    r"""['"](?:(?<=')(?<![^\s(\[{*_-]')(?=[A-Za-z0-9])|(?<!\w.)(?!\w)|(?=['"])"""
    r"""|(?<=[^\w\s(\[{-].)(?=\w))"""
)


def may_differ(text: str) -> bool:
    """Return whether `text` may have a quote kramdown makes otherwise than pulldown-cmark
    (a quick look): a `'` that opens a word or a number (`'90s`), a quote with no word on
    either side, two quotes together, a quote between punctuation and a word, or a `"`
    that does not plainly open or close a pair (see `_paired`)."""
    return _MAY_DIFFER.search(text) is not None or ('"' in text and not _paired(text))


def _paired(text: str) -> bool:
    """Return whether every `"` of `text` plainly opens a pair (after a space, a bracket or
    nothing, before a word) or closes the one opened (after a word or a punctuation mark,
    before a space, punctuation or nothing), in turn, on one line and in one table cell:
    then kramdown and pulldown-cmark make the same quotes. A `"` between two words
    (`有"最近"`, `a"b`), one closing nothing (`a 5" screen`, `12" and 5'6"`) or a quotation
    over paragraphs is kramdown's closing quote and pulldown-cmark's opening one."""
    opened = -1  # where the pair open now opened
    for m in _DOUBLE.finditer(text):
        if m[1] is not None and opened < 0:
            opened = m.start()
        elif m[2] is not None and opened >= 0 and not _APART.search(text, opened, m.start()):
            opened = -1
        else:
            return False
    return opened < 0


_APART = re.compile(r"[\n|]")  # what may end the block a pair opened in
# A `"` that plainly opens (group 1) or closes (group 2) a quotation; any other matches
# neither group.
_DOUBLE = re.compile(r"""(?:(?<![^\s(\[{])("(?=\w))|(?<=[\w.,;:!?)\]])("(?=[\s.,;:!?)\]]|\Z))|")""")


def kramdown_quote(before: str, rest: str) -> list[str]:
    """Return the quotes kramdown makes of the quote that starts `rest` (and of the next,
    when one rule reads two), `before` the character its scan sees before it ("" for none)."""
    source = before + rest
    for rule, made in _RULES:
        m = rule.match(source)
        if m is None:
            continue
        quotes = []
        for part in made:
            if isinstance(part, str):
                quotes.append(_QUOTE.get(part) or _KIND[part[0], m[int(part[-1])]])
        return quotes
    return []


def line_quotes(line: str) -> str:
    """Return a line of plain text with each `'` and `"` made kramdown's smart quote, as
    Jekyll's `smartify` filter (kramdown's SmartyPants parser) makes it. After a backslash,
    `--`, `...`, `<<` or `>>` (a symbol its parser made) or a quote, the scan sees no
    character before it."""
    if "'" not in line and '"' not in line:
        return line
    out = list(line)
    decided: dict[int, str] = {}
    for at, char in enumerate(line):
        if char not in "'\"":
            continue
        if at in decided:
            out[at] = decided[at]
            continue
        before = line[at - 1 : at]
        if before in ("'", '"', "\\") or line[:at].endswith(("--", "...", "<<", ">>")):
            before = ""
        quotes = kramdown_quote(before, line[at:]) or [char]
        out[at] = quotes[0]
        if len(quotes) > 1:
            decided[at + 1] = quotes[1]
    return "".join(out)


def kramdown_quotes(text: str, options: Any) -> str:
    """Return Markdown `text` with each `'` and `"` that pulldown-cmark's smart punctuation
    (with `options`) makes into a quote written as kramdown's quote (all of them, when one
    differs: pulldown-cmark would pair the others anew); `text` itself when none differs."""
    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, bytes]] = []
    differs = False
    events = list(markdown(True, options).events_with_range(text))
    block_end = len(data)
    previous: Any = None  # the event before, and its range
    decided: dict[int, str] = {}  # kramdown's quote at a byte offset, read with the one before
    for index, (event, where) in enumerate(events):
        start, end = where["start"], where["end"]
        began: Any = event.get("Start") if isinstance(event, dict) else None
        if isinstance(began, dict):  # a tag with details: {"Heading": {...}}
            began = next(iter(began), None)
        if began in _BLOCKS:
            block_end = end
        made = event.get("Text") if isinstance(event, dict) else None
        if made in _CURLY and end - start == 1 and data[start : start + 1] in (b"'", b'"'):
            quote = decided.pop(start, None)
            if quote is None:
                rest = data[start:block_end].decode(errors="ignore")
                if _ends_element(events, index):
                    rest = rest[:1]
                quotes = kramdown_quote(_before(data, previous, start), rest)
                quote = quotes[0] if quotes else made
                if len(quotes) > 1:
                    decided[start + 1] = quotes[1]
            # Every quote written, the same too: pulldown-cmark would pair those left anew.
            edits.append((start, quote.encode()))
            differs = differs or quote != made
        previous = (event, start, end)
    if not differs:
        return text
    pieces, at = [], 0
    for where_at, new in edits:
        pieces += [data[at:where_at], new]
        at = where_at + 1
    return b"".join([*pieces, data[at:]]).decode()


def _before(data: bytes, previous: Any, start: int) -> str:
    """Return the character kramdown's scan sees before the quote at `start` ("": none)."""
    if previous is None:
        return ""
    event, _, end = previous
    if event in ("SoftBreak", "HardBreak"):
        return "\n"
    text = event.get("Text") if isinstance(event, dict) else None
    if text is None or end != start:
        return ""  # an element ends there
    typed = data[previous[1] : end].decode(errors="ignore")
    if not text or typed[-1:] != text[-1:] or typed[-2:-1] == "\\":
        return ""  # not typed as it is shown: an entity, an escape, a mark made of `--`
    if typed.endswith(("<<", ">>")):
        return ""  # a guillemet kramdown's typographic symbols made (`>>'s`: ‘s)
    return "" if text[-1] in _NOT_BEFORE else text[-1]


def _ends_element(events: list, index: int) -> bool:
    """True when the quote at `events[index]` is the last text of an element (its End
    follows): kramdown reads the element's text alone, which ends there."""
    if index + 1 >= len(events):
        return True
    following = events[index + 1][0]
    return isinstance(following, dict) and "End" in following
