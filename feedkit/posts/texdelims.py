r"""TeX written for MathJax or KaTeX between `\\(…\\)` and `\\[…\\]`: math, as `$…$` is.

Blogs that typeset math in the browser (Hugo's and Jekyll's MathJax or KaTeX set-ups) write
an inline formula as `\\(x\\)` and a displayed one as `\\[x\\]` in Markdown, where the doubled
backslash comes out as one for the page's script to find, and as `\(x\)` / `\[x\]` in raw
HTML, where Markdown escapes do not apply. Before rendering, these become the math pyromark
knows: `$x$` and `$$x$$` in Markdown text (the formula as the page showed it, Markdown's
escapes read), pyromark's own math span in HTML. A single backslash in Markdown text is left
alone: `\[1\]` there is an escaped bracket, not a formula. A math environment written
without delimiters (`\begin{equation}…\end{equation}`, `align`, `gather`…), which MathJax
finds on its own, is math too: displayed when alone on its lines, else inline.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from feedkit.posts.events import tag_name
from feedkit.posts.pairs import find

# These patterns are compiled (and kept by re) when first used: most posts have no TeX
# delimiters. In Markdown text: the doubled backslash. In HTML: the single one.
_IN_TEXT = r"(?s)\\\\\((.+?)\\\\\)|\\\\\[(.+?)\\\\\]"
_IN_HTML = r"(?s)\\\((.+?)\\\)|\\\[(.+?)\\\]"
# A LaTeX math environment, which MathJax (and KaTeX's auto-render) find without delimiters;
# its backslashes doubled too, as Markdown that MathJax reads writes them (`\\begin{…}`).
_ENVIRONMENT = (
    rb"(?s)\\?\\begin\{((?:equation|align|alignat|gather|multline|flalign|eqnarray)\*?)\}"
    rb"(.+?)\\end\{\1\}"
)
# Text in a formula (`\text{…}`, `\mbox{…}`…), where `$…$` is math again, as MathJax reads it:
# its commands (texmath reads the math in it too).
TEXT_COMMANDS = "text|textrm|textit|textbf|mbox|hbox|mathrm"
_TEXT_GROUP = re.compile(rf"\\(?:{TEXT_COMMANDS})\s*\{{[^{{}}]*\}}")
# Markdown's backslash escapes: a backslash before ASCII punctuation stands for that character.
_ESCAPE = r"\\([!-/:-@\[-`{-~])"
# kramdown's (a Jekyll site's): fewer; `\,` or `\;` stays as written, a space in TeX.
_KRAMDOWN_ESCAPE = r"""\\([\\.*_+\-`()\[\]{}#!:|"'=<>$])"""


# Python-Markdown's (a Pelican site's), with the `:` and `|` of its tables and definitions.
_PYTHON_MARKDOWN_ESCAPE = r"\\([\\`*_{}\[\]()>#+\-.!:|])"
_BOTH = ("InlineMath", "DisplayMath")
# Reading.dollar_escapes: the escapes read, in the formulas whose TeX the converter reads.
_DOLLAR_ESCAPES = {
    "commonmark": (_ESCAPE, _BOTH),
    # Goldmark with a passthrough delimiter `$$` (Hugo's documentation's set-up), or `$`.
    "commonmark-inline": (_ESCAPE, ("InlineMath",)),
    "commonmark-display": (_ESCAPE, ("DisplayMath",)),
    "kramdown": (_KRAMDOWN_ESCAPE, ("InlineMath",)),  # `$$` is kramdown's own math
    "python-markdown": (_PYTHON_MARKDOWN_ESCAPE, _BOTH),
}


def dollar_escapes(text: str, which: str) -> str:
    """Return Markdown `text` with the backslash escapes in its `$…$` and `$$…$$` formulas
    read as the site's converter reads them (`which`, one of `_DOLLAR_ESCAPES`, see
    Reading.dollar_escapes), where `$` is no math to it and the page's
    MathJax finds the formula in text it has read: `$\\Omega\\_{XX}$` is `\\Omega_{XX}` there.
    kramdown's `$$…$$` is its own math, as written; `\\$` stays, a dollar in TeX. `\\|` is
    `|` on the page, written `\\vert` (the same to TeX): a pipe would make the line a table
    row, kramdown's or a GFM table's."""
    escape, kinds = _DOLLAR_ESCAPES.get(which, ("", ()))
    if not escape or "$" not in text or re.search(escape, text) is None:
        return text
    from feedkit.posts.markup import markdown  # markup calls this module: import at use

    def character(m: re.Match[str]) -> str:
        if m[1] == "$":
            return m[0]
        if m[1] != "|":
            return m[1]
        after = m.string[m.end() : m.end() + 1]
        return "\\vert " if after.isalpha() else "\\vert"

    data = text.encode()
    edits: list[tuple[int, int, bytes]] = []
    expected: list[Any] = []  # the events the text is read as after: its formulas' read
    event: Any
    for event, where in markdown().events_with_range(text):
        tex = event.get(kinds[0], event.get(kinds[-1])) if isinstance(event, dict) else None
        read = re.sub(escape, character, tex) if isinstance(tex, str) else ""
        # `$a \\$` read would end `\$`, an escaped dollar that ends no formula: as written.
        if read and read != tex and (len(read) - len(read.rstrip("\\"))) % 2 == 0:
            # The span's own bytes, read: a formula over lines in a quote keeps its `>`s.
            start, end = where["start"], where["end"]
            edits.append((start, end, re.sub(escape, character, data[start:end].decode()).encode()))
            event = {next(iter(event)): read}
        expected.append(event)
    if not edits:
        return text
    for start, end, new in sorted(edits, reverse=True):
        data = data[:start] + new + data[end:]
    out = data.decode()
    # Read otherwise once its escapes are gone (`\-` starting a line, a list item's then):
    # the text as written.
    return out if [event for event, _ in markdown().events_with_range(out)] == expected else text


_PUNCTUATION = re.compile(r"[!-#%-/:-@\[-`{-{}-~]")  # ASCII's, but `$` and `|`


def dollars(tex: str, display: bool, escapes: str = "") -> str:
    """Return the Markdown `$tex$` (`$$tex$$` with `display`) for TeX that reaches the page
    as written (passed through, a shortcode's output), written so that `dollar_escapes`
    with `escapes` (a Hugo site's) reads it back to `tex`: its punctuation escaped where
    CommonMark's escapes are read. A `|` stays as it is (`\\|` would be read as `\\vert`)."""
    escape, kinds = _DOLLAR_ESCAPES.get(escapes, ("", ()))
    if escape == _ESCAPE and ("DisplayMath" if display else "InlineMath") in kinds:
        tex = _PUNCTUATION.sub(lambda m: "\\" + m[0], tex)
    return f"$${tex}$$" if display else f"${tex}$"


def has_delimiters(text: str) -> bool:
    """True when `text` may hold a `\\(…\\)` or `\\[…\\]` formula, a bare environment, or
    raw HTML with `$$` (a quick test).

    Looked for by each backslash (a memchr) where a post has a few, else by one pattern: `in`
    for two characters took 10 µs of a 12 KB post, even read one byte a character, and
    every post rendered is tested twice (the bench's posts have 0.8 backslashes; a post of
    formulas, hundreds)."""
    at = text.find("\\")
    for _ in range(8):
        if at < 0:
            break
        after = text[at + 1 : at + 2]
        if after == "(" or after == "[" or text.startswith("begin{", at + 1):
            return True  # `\\(` and `\\[` too, by their second backslash
        at = text.find("\\", at + 1)
    else:
        if _DELIMITER.search(text, at) is not None:
            return True
    return "<" in text and find(text, "$$") >= 0 and _TAG_START.search(text) is not None


_DELIMITER = re.compile(r"\\(?:[(\[]|begin\{)")
_TAG_START = re.compile(r"<[A-Za-z]")  # a tag's: `x < y` in a formula opens no HTML


def convert(text: str, kramdown: bool = False, as_written: bool = False) -> str:
    """Return Markdown `text` with its `\\\\(…\\\\)` and `\\\\[…\\\\]` formulas as pyromark's math,
    outside code; their Markdown escapes read as CommonMark reads them, or with `kramdown`
    as kramdown does (a Jekyll site's post). With `as_written` (a Pelican site with its
    render_math plugin, which takes formulas out before Markdown reads the text), `\\(…\\)`
    and `\\[…\\]` with one backslash are formulas in text too, and no formula's TeX has its
    Markdown escapes read (`\\!`, `\\\\` stay as written)."""
    return _convert(text, kramdown, as_written) if has_delimiters(text) else text


# Nothing is an escape: a formula's TeX as written.
_NO_ESCAPE = r"(?!)(.)"  # a group, as the others have, that never matches


def _convert(text: str, kramdown: bool = False, as_written: bool = False) -> str:
    edits = _edits(text, kramdown, as_written)
    data = text.encode()
    for start, end, new in sorted(edits, reverse=True):
        data = data[:start] + new + data[end:]
    return data.decode() if edits else text


def formulas(
    text: str, kramdown: bool = False, as_written: bool = False
) -> list[tuple[int, str, bool]]:
    """Return (line in `text`, TeX, displayed) of each formula `convert` makes pyromark's
    math of: those the `$…$` of `text` are not (for `markup.math_warnings`)."""
    if not has_delimiters(text):
        return []
    data = text.encode()
    found = []
    for start, _, new in sorted(_edits(text, kramdown, as_written)):
        line = data.count(b"\n", 0, start) + 1
        made = new.decode()
        if not made.startswith("$"):  # raw HTML, its formulas as pyromark's spans
            for m in MATH_SPAN.finditer(made):
                at = line + made.count("\n", 0, m.start())
                found.append((at, html.unescape(m[2]), m[1] == "display"))
        elif made.startswith("$$"):
            found.append((line, made[2:-2], True))
        else:
            found.append((line, made[1:-1], False))
    return found


# pyromark's math in its HTML, as `_html_math` writes it in raw HTML too: (kind, TeX escaped).
MATH_SPAN = re.compile(r'<span class="math math-(inline|display)">([^<]*)</span>')


# A post's body is read for its HTML, again for its summary, and for its math warnings
# (`formulas`): the edits are found once (reading the Markdown's regions is most of it).
@lru_cache(maxsize=8)
def _edits(text: str, kramdown: bool, as_written: bool) -> tuple[tuple[int, int, bytes], ...]:
    """Return `convert`'s edits of `text`: (start, end, the bytes there after), by byte."""
    escape = _NO_ESCAPE if as_written else _KRAMDOWN_ESCAPE if kramdown else _ESCAPE
    in_text = _IN_HTML if as_written else _IN_TEXT
    data = text.encode()
    kept, markup = regions(text)
    edits: list[tuple[int, int, bytes]] = []
    for start, end in markup:
        source = data[start:end].decode()
        # What comes before it, for a `$$…$$` in it alone (`_html_math`).
        before = (
            data[max(start - 4096, 0) : start].decode(errors="ignore") if "$$" in source else ""
        )
        if (changed := _html_math(source, before)) != source:
            edits.append((start, end, changed.encode()))
    taken = sorted(kept + markup)
    for m in re.finditer(in_text, data.decode("latin-1")):  # byte offsets, as the ranges
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        source = data[m.start() : m.end()].decode()
        if (changed := _text_math(source, escape, in_text)) != source:
            edits.append((m.start(), m.end(), changed.encode()))
    taken += [(start, end) for start, end, _ in edits]
    for env in re.finditer(_ENVIRONMENT, data):
        # Math inside it (`\text{ for $i$}`, read as math first) is the environment's.
        if any(
            a < env.end() and env.start() < b and not env.start() <= a < b <= env.end()
            for a, b in taken
        ):
            continue
        tex = re.sub(escape, r"\1", env[0].decode()).strip()
        # No `$` in it, but in its text (`\text{ for $i \le d$}`, math again there).
        if "$" not in _TEXT_GROUP.sub("", tex):  # alone on its lines displayed, else inline
            line_start = data.rfind(b"\n", 0, env.start()) + 1
            line_end = data.find(b"\n", env.end()) % (len(data) + 1)
            alone = (
                not data[line_start : env.start()].strip()
                and not data[env.end() : line_end].strip()
            )
            math = f"$${tex}$$" if alone else f"${tex}$"
            edits.append((env.start(), env.end(), math.encode()))
    return tuple(edits)


# A blank line (its line end, up to the next): in TeX, nothing.
BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")


def regions(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Return the byte ranges of `text`'s code and math (never read for formulas) and of
    its raw HTML."""
    from feedkit.posts.markup import markdown  # markup calls this module: import at use

    kept: list[tuple[int, int]] = []  # code and math: never read for formulas
    markup: list[tuple[int, int]] = []  # raw HTML: read with single backslashes
    event: Any
    for event, where in markdown().events_with_range(text):
        if not isinstance(event, dict):
            continue
        ((kind, value),) = event.items()
        if kind == "Start" and tag_name(value) in (
            "CodeBlock",
            "MetadataBlock",
        ):
            kept.append((where["start"], where["end"]))
        elif kind in ("Code", "InlineMath", "DisplayMath"):
            kept.append((where["start"], where["end"]))
        elif kind in ("Html", "InlineHtml"):
            markup.append((where["start"], where["end"]))
    return kept, markup


def passthrough(text: str, delimiters: Sequence[tuple[str, str, bool]], escapes: str = "") -> str:
    """Return Markdown `text` with the formulas between a Hugo site's passthrough
    delimiters ((open, close, display), such as `\\(`, `\\)`) as `$…$` and `$$…$$`, outside
    code and HTML: their TeX as written, since Hugo passes it through Markdown untouched
    (written for `dollar_escapes` with `escapes` to read back, `dollars`)."""
    pairs = [(o, c, d) for o, c, d in delimiters if o and c and "$" not in o + c and o in text]
    if not pairs:
        return text
    data = text.encode()
    kept, markup = regions(text)
    taken = sorted(kept + markup)
    found = re.compile(
        # Not after a backslash: `\\(x\\)` is MathJax's doubled form, read by `convert`.
        "|".join(f"((?<!\\\\){re.escape(o)}(.+?){re.escape(c)})" for o, c, _ in pairs),
        re.DOTALL,
    )
    edits: list[tuple[int, int, bytes]] = []
    for m in found.finditer(data.decode("latin-1")):  # byte offsets, as the ranges
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        index = next(i for i in range(len(pairs)) if m[2 * i + 1] is not None)
        tex = data[m.start(2 * index + 2) : m.end(2 * index + 2)].decode().strip()
        if tex and "$" not in tex:
            # A blank line in a block ends CommonMark's paragraph: in TeX it is nothing.
            tex = BLANK_LINE.sub("", tex) if pairs[index][2] else tex
            edits.append((m.start(), m.end(), dollars(tex, pairs[index][2], escapes).encode()))
    for start, end, replacement in sorted(edits, reverse=True):
        data = data[:start] + replacement + data[end:]
    return data.decode() if edits else text


def _text_math(source: str, escape: str = _ESCAPE, pattern: str = _IN_TEXT) -> str:
    def formula(m: re.Match[str]) -> str:
        display = m[2] is not None
        tex = re.sub(escape, r"\1", m[2] if display else m[1]).strip()
        if not tex or "$" in tex:
            return m[0]
        return f"$${tex}$$" if display else f"${tex}$"

    return re.sub(pattern, formula, source)


# In raw HTML, which Markdown leaves as written: `\(…\)`, `\[…\]`, and `$$…$$`, which
# MathJax typesets on the page too (`<center>$$ d_1 $$</center>`).
_IN_HTML_MATH = _IN_HTML + r"|\$\$(.+?)\$\$"


def _html_math(source: str, before: str = "") -> str:
    """Return raw HTML `source` with its formulas as pyromark's math spans; `before`: the
    text before it (pyromark gives an HTML block's lines one by one), for what element a
    `$$…$$` is in."""

    def formula(m: re.Match[str]) -> str:
        found = None if "<" in m[0] else _formula(m)  # a tag inside: not one formula
        if found is None:
            return m[0]
        tex, display = found
        if m[3] is not None:
            whole, at = before + source, len(before) + m.start()
            tag = whole.rfind("<", 0, at)
            if tag < 0 or whole.startswith("</", tag):
                # After an element's end tag: text of a line that kramdown reads as
                # Markdown (its math rule says what `$$` is there), not in an element.
                return m[0]
        kind = "display" if display else "inline"
        return f'<span class="math math-{kind}">{html.escape(tex, quote=False)}</span>'

    return re.sub(_IN_HTML_MATH, formula, source)


def page_text_math(text: str, escapes: str = "") -> str:
    """Return the text a Hugo `{{< >}}` shortcode made, which Hugo puts in the page after
    Markdown, as written (a site's `rawhtml` shortcode around a formula, to keep Markdown
    off it), with the formulas MathJax finds there as pyromark's math: `\\(…\\)`, `\\[…\\]`
    and `$$…$$`, whose blank lines are nothing to TeX. Put in the Markdown as it is, `\\[`
    would be an escaped bracket, `\\\\` one backslash, and a blank line in `$$…$$` would
    end its paragraph; their TeX written for `dollar_escapes` with `escapes` to read back.
    Text with a tag in it is raw HTML to Markdown (`_html_math` reads its formulas), and
    left as it is."""
    if not ("\\" in text or "$$" in text) or _TAG_START.search(text):
        return text

    def formula(m: re.Match[str]) -> str:
        found = _formula(m)
        if found is None:
            return m[0]
        tex, display = found
        return dollars(BLANK_LINE.sub("", tex) if display else tex, display, escapes)

    return re.sub(_IN_HTML_MATH, formula, text)


def _formula(m: re.Match[str]) -> tuple[str, bool] | None:
    """Return the TeX of an `_IN_HTML_MATH` match (its character references read) and
    whether it is displayed; None when it is no formula (empty, or with a `$` in it)."""
    raw = m[2] if m[2] is not None else m[3] if m[3] is not None else m[1]
    tex = html.unescape(raw).strip()
    return None if not tex or "$" in tex else (tex, m[1] is None)


# A `$` right before a digit (with no space before it: a price, `[$0.04/month](…)`, which
# pulldown-cmark may take for a formula's end). Searched for as `$` and a digit, then the
# character before looked at: a look-behind first tried a match at every character of the
# post (0.1 ms a post with a `$` in it, at every render).
_DOLLAR_DIGIT = re.compile(r"\$\d")


def _price_after_text(text: str) -> bool:
    """Return True when a `$` right before a digit has a character other than white space
    right before it."""
    for m in _DOLLAR_DIGIT.finditer(text):
        at = m.start()
        if at and not text[at - 1].isspace():
            return True
    return False


def prices(text: str, options: Any) -> str:
    """Return Markdown `text` with each `$…$` formula whose closing `$` stands right before
    a digit read as text: as in Pandoc (and MathJax's pages), a `$` before a digit ends no
    formula. `[$0.01 an hour](…). Disk is [$0.04/month](…)` was one formula across both
    links, which took the first away, and `$0.06 + $0.40 = **$0.46**` another. The formula's
    opening `$` is escaped, and the text read again, until no formula ends so."""
    if "$" not in text or not _price_after_text(text):
        return text
    from feedkit.posts.markup import markdown

    for _ in range(100):  # each turn escapes one `$` at least; a post has few such
        data = text.encode()
        opening = [
            where["start"]
            for event, where in markdown(False, options).events_with_range(text)
            if isinstance(event, dict)
            and "InlineMath" in event
            and data[where["end"] : where["end"] + 1].isdigit()
            and data[where["start"] : where["start"] + 1] == b"$"
        ]
        if not opening:
            break
        for at in reversed(opening):
            data = data[:at] + b"\\" + data[at:]
        text = data.decode()
    return text
