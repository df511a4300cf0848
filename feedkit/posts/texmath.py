"""TeX formulas → MathML for feed HTML.

math-core (Rust) turns the TeX into MathML Core, the MathML that browsers render; that
markup is what feeds carry, with the TeX kept as the annotation so a reader can copy it.
The readable text of summaries and mail is read back from the same markup
(feedkit/posts/mathtext.py). TeX it cannot convert (an unknown macro, unbalanced braces)
gives None: the caller keeps the source and can say where it is.

math-core takes about a millisecond to import and about 10 µs a formula; each
formula is converted once per process.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from feedkit.posts.texdelims import TEXT_COMMANDS

if TYPE_CHECKING:
    from math_core import LatexToMathML

# Numbering and cross-references mean nothing in a feed entry: a numbered environment is
# written as its starred form (no "(1)" beside it), and \label, which math-core reads only
# inside a numbered one, goes.
_LABEL = re.compile(r"\\label\{[^{}]*\}")
_REFERENCE = re.compile(r"\\(?:eq)?ref\{")
_NUMBERED = re.compile(r"\\(begin|end)\{(equation|align|gather|multline)\}")
# The patterns kept as text below are compiled (and kept by re) when first used: most
# formulas need none of them.
# What MathJax (and latex2mathml, which feedkit used before) read and math-core does not,
# written in what it does read.
_ENVIRONMENTS = r"\\(begin|end)\{(split|smallmatrix)\}"
_SAME_ENVIRONMENT = {"split": "aligned", "smallmatrix": "matrix"}
_EQNARRAY = re.compile(r"\\(begin|end)\{eqnarray\*?\}")
# A line break's extra space (`\\[4pt]`, `\\[-1ex]`, `\\[2\jot]`), which MathJax and LaTeX
# read and math-core takes for text after the break: `[4pt]` at the next row's start.
_ROW_SPACE = re.compile(
    r"(\\\\)\s*\[\s*[-+]?(?:\d+\.?\d*|\.\d+)?\s*"
    r"(?:pt|pc|in|bp|cm|mm|dd|cc|sp|em|ex|mu|px|\\jot|\\(?:normal)?baselineskip)\s*\]"
)
_MACROS = {
    "mbox": r"\text{#1}",
    "hbox": r"\text{#1}",
    "pmb": r"\boldsymbol{#1}",
    "smash": "#1",
    "mathrlap": "#1",
    "mathllap": "#1",
    "mathclap": "#1",
    "href": "#2",
    "dotsb": r"\cdots",
    "dotsm": r"\cdots",
    "dotsi": r"\cdots",
    "dotsc": r"\ldots",
    "dotso": r"\ldots",
    "substack": r"{\scriptstyle\begin{matrix}#1\end{matrix}}",
}
_ANNOTATION = '<annotation encoding="application/x-tex">'
# math-core escapes text with XML's own entities; the two it writes by name (function
# application and invisible times after \sin, \lim…) are not XML's, so they become characters.
_NAMED = re.compile(r"&(?!(?:lt|gt|amp|quot|apos);)[A-Za-z][A-Za-z0-9]*;")
# math-core writes \textbf{…}, \textrm{…} and the like as HTML inside <mtext>: in a feed's
# XHTML that would land in the MathML namespace, so only its text is kept.
_MTEXT = r"(?s)(<mtext[^>]*>)(.*?)</mtext>"
_TAG = r"<[^>]*>"
# math-core lays out with CSS (a cell's text-align, \color's color) where MathML has
# attributes; feed validators and readers' sanitisers know the attributes, not `style` on
# MathML, so those properties become attributes and the rest (widths, paddings) goes.
_STYLE = r' style="([^"]*)"'
_STYLE_ATTRIBUTES = {
    "text-align": "columnalign",
    "color": "mathcolor",
    "background-color": "mathbackground",
}
# \boxed and \cancel come as <menclose> with classes for math-core's own stylesheet: no
# feed has that stylesheet, MathML Core has no menclose (a browser shows its content as a
# row), and sanitisers drop it; a row it is.
_ENCLOSE = r"<menclose[^>]*>|</menclose>| class=\"[^\"]*\""


@lru_cache(maxsize=1)
def _converter() -> LatexToMathML:
    from math_core import LatexToMathML

    # \widetilde and the like are "unreliable" in MathML Core: a browser may draw the accent
    # short. Drawn short beats a feed showing the formula's TeX.
    return LatexToMathML(
        annotation=True, fancy_error=False, allow_unreliable_rendering=True, macros=_MACROS
    )


def load() -> None:
    """Import math-core, and ElementTree for the text form (about 3 ms of the two), ahead
    of a post's first formula (while a child process parses posts)."""
    import xml.etree.ElementTree

    del xml
    _converter()


def _plain_mtext(m: re.Match[str]) -> str:
    return f"{m[1]}{re.sub(_TAG, '', m[2])}</mtext>"


def _as_row(m: re.Match[str]) -> str:
    return "</mrow>" if m[0] == "</menclose>" else "<mrow>" if m[0][0] == "<" else ""


def _style_attributes(m: re.Match[str]) -> str:
    attributes = ""
    for declaration in m[1].split(";"):
        name, _, value = declaration.partition(":")
        if (attribute := _STYLE_ATTRIBUTES.get(name.strip())) and value.strip():
            attributes += f' {attribute}="{value.strip()}"'
    return attributes


# A text group with `$…$` in it (MathJax reads math there), for `_text_math_out`.
_TEXT_MATH = re.compile(rf"\\({TEXT_COMMANDS})\s*\{{([^{{}}]*\$[^{{}}]*)\}}")


def _text_math_out(m: re.Match[str]) -> str:
    """Return a text group's `$…$` pieces as math between text groups of the rest, as
    MathJax typesets them: `\\text{ for $1 \\le i$}` is `\\text{ for }1 \\le i`."""
    pieces = m[2].split("$")
    if len(pieces) % 2 == 0:
        return m[0]  # an odd number of `$`: not math in text
    return "".join(
        piece if odd else (f"\\{m[1]}{{{piece}}}" if piece else "")
        for odd, piece in ((i % 2 == 1, p) for i, p in enumerate(pieces))
    )


# The deepest nesting of groups (`{…}`, `\\left…\\right`, environments) a formula is given
# to math-core with: its parser recurses, and a formula of 6,000 nested braces overflowed
# the stack (a segmentation fault: the build, or `feedkit serve`, gone without a word).
# A real formula nests a few dozen deep at most; a deeper one stays TeX, with the warning.
MAX_DEPTH = 200
# Compiled when first used, as the patterns below: only a long formula is measured.
_GROUP_TOKEN = r"\\(?:left|begin)(?![a-zA-Z])|\\(?:right|end)(?![a-zA-Z])|\\.|[{}]"


def _depth(source: str) -> int:
    """Return how deep the groups of a formula's TeX nest."""
    depth = deepest = 0
    for token in re.findall(_GROUP_TOKEN, source):
        if token == "{" or token in ("\\left", "\\begin"):
            depth += 1
            deepest = max(deepest, depth)
        elif token == "}" or token in ("\\right", "\\end"):
            depth -= 1
    return deepest


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool) -> str | None:
    """Return `<math>` for a formula with its TeX as the annotation, or None if the TeX
    cannot be converted."""
    from math_core import LatexError

    if _REFERENCE.search(tex):
        return None  # what it points to is not in the feed
    source = _NUMBERED.sub(r"\\\1{\2*}", _LABEL.sub("", tex))
    if "$" in source and "\\" in source:  # `\text{ for $i \le d$}`: math in its text
        source = _TEXT_MATH.sub(_text_math_out, source)
    if "\\begin{s" in source:
        source = re.sub(_ENVIRONMENTS, lambda m: f"\\{m[1]}{{{_SAME_ENVIRONMENT[m[2]]}}}", source)
    if "\\\\" in source and "[" in source:
        source = _ROW_SPACE.sub(r"\1", source)
    if "{eqnarray" in source:  # LaTeX's three columns, right, centre, left: as an array
        source = _EQNARRAY.sub(
            lambda m: r"\begin{array}{rcl}" if m[1] == "begin" else r"\end{array}", source
        )
    if display and "\\tag" in source and "\\begin{" not in source:
        source = f"\\begin{{equation*}}{source}\\end{{equation*}}"  # MathJax's $$x \tag{1}$$
    if len(source) > 2 * MAX_DEPTH and _depth(source) > MAX_DEPTH:
        return None  # math-core's parser recurses: 6,000 nested groups crashed the process
    try:
        out = _converter().convert_with_local_state(source, displaystyle=display)
    except LatexError:
        return None
    # math-core's own shape is <math …><semantics>ROW<annotation …>TeX</annotation>…: its
    # row is kept, in a <math> that always says how it is displayed, and the TeX is the
    # post's own, not the one rewritten above.
    row = out[out.index("<semantics>") + len("<semantics>") : out.rindex(_ANNOTATION)]
    if "&" in row:
        row = _NAMED.sub(lambda m: html.unescape(m[0]), row)
    if "<mtext" in row:
        row = re.sub(_MTEXT, _plain_mtext, row)
    if " style=" in row:
        row = re.sub(_STYLE, _style_attributes, row)
    if "<menclose" in row or " class=" in row:
        row = re.sub(_ENCLOSE, _as_row, row)
    kind = "block" if display else "inline"
    annotation = html.escape(tex.strip(), quote=False)
    return (
        f'<math display="{kind}"><semantics>{row}'
        f"{_ANNOTATION}{annotation}</annotation></semantics></math>"
    )
