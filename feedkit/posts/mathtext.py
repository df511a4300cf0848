"""Formulas as readable plain text, for summaries, mail and RSS: read back from the MathML
`texmath.tex_to_mathml` makes (`\\alpha \\in \\mathcal{D}` → `α ∈ 𝒟`, `\\frac{a+b}{2}` →
`(a+b)/2`, `x_i^2` → `xᵢ²`), so the text says what the feed shows.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from feedkit.posts.texmath import tex_to_mathml

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element


@lru_cache(maxsize=4096)
def tex_to_text(tex: str) -> str | None:
    """Return a formula as readable plain text (`α ∈ 𝒟`), or None if the TeX cannot be
    converted."""
    from xml.etree.ElementTree import ParseError, fromstring

    # Displayed, a formula may carry a \tag.
    mathml = tex_to_mathml(tex, False) or tex_to_mathml(tex, True)
    if mathml is None:
        return None
    try:
        row = fromstring(mathml)[0][0]  # <math><semantics>ROW<annotation>
    except ParseError:  # a control character, which XML cannot carry (post files lose them)
        return None
    return " ".join(_text(row).split())


# -- the text form ------------------------------------------------------------------------

# The accent marks math-core puts over (or, `_UNDER`, under) a letter → the combining
# character that writes the same. It draws \overline and \underline both with a low line.
_ACCENTS = {
    "ˆ": "\u0302", "\u0302": "\u0302", "˜": "\u0303", "¯": "\u0304", "\u0332": "\u0305",
    "⃗": "\u20d7", "→": "\u20d7", "˙": "\u0307", "¨": "\u0308", "ˇ": "\u030c", "´": "\u0301",
    "`": "\u0300", "˘": "\u0306", "˚": "\u030a", "~": "\u0303",
}  # fmt: skip
_UNDER = {"\u0332": "\u0332", "~": "\u0330"}
_LINES = {"\u0305", "\u0332"}  # a line runs under or over every letter
# Characters that show nothing: function application and the other invisible operators,
# and the variation selectors that pick a \mathcal or \mathscr letter's style.
_INVISIBLE = dict.fromkeys([*range(0x2061, 0x2065), *range(0xFE00, 0xFE10)])
_BRACES = set("⏞⏟⎴⎵︷︸")
_PRIMES = set("′″‴")
_ROOTS = {"2": "√", "3": "∛", "4": "∜"}
# Operators that are symbols but not infix: they take no spaces around them (an ellipsis,
# ⋯, stands for terms: `x₁ + ⋯ + xₙ`).
_NOT_INFIX = (
    *("N-ARY", "INTEGRAL", "INFINITY", "PARTIAL", "NABLA", "VERTICAL", "ROOT", "NOT SIGN"),
    "ELLIPSIS",
)


@lru_cache(maxsize=2)
def _scripts(kind: str) -> dict[str, str]:
    """Return character → its Unicode superscript (`kind` "super") or subscript ("sub"),
    for the characters Unicode has one for."""
    table: dict[str, str] = {}
    for block in ((0x2070, 0x20A0), (0x00A0, 0x0100), (0x1D00, 0x1DC0), (0x2C7C, 0x2C7E)):
        for code in range(*block):
            char = chr(code)
            tag, _, base = unicodedata.decomposition(char).partition(" ")
            name = unicodedata.name(char, "")
            if tag == f"<{kind}>" and ("SCRIPT" in name or "MODIFIER LETTER" in name):
                table.setdefault(chr(int(base, 16)), char)
    table.setdefault("-", table["−"])  # ⁻ and ₋ decompose to the minus sign, not "-"
    return table


def _token(element: Element) -> str:
    # math-core writes styled letters as themselves (𝐱, 𝔤, 𝟙): no mathvariant to apply.
    return (element.text or "").translate(_INVISIBLE).replace("\xa0", " ")


def _unwrapped(element: Element) -> Element:
    """Return the one part `element` shows when it is a row of one (math-core writes
    `\\mathrm{fl}` as <mrow><mspace/><mi>fl</mi></mrow>)."""
    while element.tag == "mrow":
        shown = [child for child in element if not (child.tag == "mspace" and not child.attrib)]
        if len(shown) != 1:
            break
        element = shown[0]
    return element


def _is_atom(element: Element) -> bool:
    """Return True if `element` reads as one symbol: no parentheses needed around it."""
    element = _unwrapped(element)
    if element.tag in ("msub", "msup", "msubsup"):
        return _is_atom(element[0])
    return element.tag in ("mi", "mn") or (element.tag == "mo" and len(_token(element)) == 1)


def _operand(element: Element) -> str:
    text = _text(element).strip()
    return text if _is_atom(element) or _grouped(text) else f"({text})"


def _grouped(text: str) -> bool:
    """Return True if `text` is one bracketed group, maybe with scripts: `(−1)ᵏ`."""
    if not text or text[0] not in "([":
        return False
    depth = 0
    for end, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        if depth == 0:
            scripts = set(_scripts("super").values()) | set(_scripts("sub").values())
            return all(c in scripts for c in text[end + 1 :])
    return False


def _scripted(base: str, script: Element, kind: str) -> str:
    # Small type has no room for spaced operators; a space between words stays (log p).
    text = _UNSPACED.sub("", " ".join(_text(script).split()))
    if not text:
        return base
    if kind == "super" and set(text) <= _PRIMES:
        return base + text
    table = _scripts(kind)
    if all(char in table for char in text):
        return base + "".join(table[char] for char in text)
    # A script with a script of its own written `_K` is bracketed too: f_(𝒩_K), not f_𝒩_K.
    atom = _is_atom(script) and "_" not in text and "^" not in text
    return base + ("^" if kind == "super" else "_") + (text if atom else f"({text})")


_UNSPACED = re.compile(r" (?=\W)|(?<=\W) ")  # a space beside what is no letter or digit


def _accented(base: Element, mark: Element, under: bool) -> str | None:
    """Return `base` with a combining accent (x̂, x̄) when `mark` is one."""
    sign = _token(mark) if mark.tag == "mo" else ""
    text = _text(base).strip()
    if sign in _BRACES:
        return _operand(base)
    accent = (_UNDER if under else _ACCENTS).get(sign)
    if accent is None:
        return None
    if accent in _LINES or len(text) == 1:
        return "".join(char + accent for char in text)
    return text


def _kind(element: Element, text: str) -> str:
    """Return how a part of a row joins its neighbours: "op" (spaced infix), "punct",
    "open", "close", "word" (a function name such as log), "large" (∑, ∫) or "atom"."""
    element = _unwrapped(element)
    tag = element.tag
    if tag in ("msub", "msup", "msubsup", "munder", "mover", "munderover"):
        base = _kind(element[0], _text(element[0]))
        return base if base in ("word", "large") else "atom"
    if tag not in ("mi", "mo"):
        return "space" if tag == "mspace" else "atom"
    if not text:
        return "space"  # an invisible operator
    if text in (",", ";"):
        return "punct"
    if len(text) > 1 and text.replace(" ", "").replace("\u2009", "").isalpha():
        return "word"
    if len(text) != 1:
        return "atom"
    category = unicodedata.category(text)
    if category == "Ps":
        return "open"
    if category == "Pe":
        return "close"
    name = unicodedata.name(text, "")
    if "N-ARY" in name or "INTEGRAL" in name:
        return "large"
    if category == "Sm" and not any(n in name for n in _NOT_INFIX):
        return "op"
    return "atom"


_SIGNS = ("+", "-", "−", "±", "∓")  # may stand before a term


def _row(children: list[Element]) -> str:
    # math-core groups a function's name with its opening bracket (`\exp(` is one row):
    # its parts are the row's, so that what follows the bracket follows an "open".
    children = [
        part for child in children for part in (child if _opens_a_group(child) else (child,))
    ]
    out = ""
    previous = "open"
    name = False  # the last part was a function's name alone: det(A) takes no space
    parts = [(child, _text(child)) for child in children]
    kinds = [_kind(child, text) for child, text in parts]
    summand = False  # the last part was a sum's sign (∑): what follows is what it sums
    for at, (child, text) in enumerate(parts):
        kind = kinds[at]
        if _is_fraction(child) and _juxtaposed(kinds, at, "open" if summand else previous):
            text = f"({text})"  # ½x written 1/2x reads as 1/(2x): (1/2)x
        if kind == "op" and previous in ("open", "op", "punct") and text in _SIGNS:
            kind = "prefix"  # a sign: −1, = −x (a relation is none: an aligned row's `= y`)
        if kind == "op":
            out = f"{out.rstrip()} {text} "
        elif kind == "punct":
            out = f"{out.rstrip()}{text} "
        elif (
            kind in ("word", "atom")
            and previous == "word"
            and not (name and text.startswith(("(", "[")))
        ) or (kind == "word" and out and previous not in ("open", "prefix")):  # −sin θ
            out = f"{out} {text}"
        else:
            out += text
        if kind == "large":  # ∑ᵢ xᵢ: what it sums follows after a space
            previous = "word"
        elif kind != "space":
            previous = kind
        if kind != "space":
            name = kind == "word" and _unwrapped(child).tag == "mi"
            summand = kind == "large"
    return out


def _opens_a_group(element: Element) -> bool:
    """Return True if `element` is a row that ends with an opening bracket."""
    if element.tag != "mrow" or not len(element):
        return False
    last = element[-1]
    return (
        last.tag == "mo" and len(_token(last)) == 1 and unicodedata.category(_token(last)) == "Ps"
    )


def _is_fraction(element: Element) -> bool:
    """Return True if `element` is a fraction with a bar, which reads as `a/b`."""
    element = _unwrapped(element)
    return element.tag == "mfrac" and element.get("linethickness") != "0"


def _juxtaposed(kinds: list[str], at: int, previous: str) -> bool:
    """Return True if the part at `at` of a row multiplies what stands beside it, with no
    operator between (`\\frac{1}{2}x`, `\\log\\frac{p}{q}`, `-\\frac{1}{n}\\sum`): written
    `a/b`, it must be bracketed to read as it does."""
    after = next((kind for kind in kinds[at + 1 :] if kind != "space"), "close")
    return previous in ("atom", "word", "close") or after in ("atom", "word", "open", "large")


def _text(element: Element) -> str:
    tag = element.tag
    children = list(element)
    if tag in ("mi", "mn", "mo", "mtext", "ms"):
        return _token(element)
    if tag == "mspace":
        width = element.get("width", "")
        return " " if element.get("linebreak") or (width and not width.startswith("-")) else ""
    if tag == "mphantom" or tag == "annotation":
        return ""
    if tag == "mfrac" and len(children) == 2:
        if element.get("linethickness") == "0":  # \binom: stacked, no bar
            return f"{_text(children[0])} {_text(children[1])}"
        return f"{_operand(children[0])}/{_operand(children[1])}"
    if tag == "msqrt":
        return "√" + _operand(element) if len(children) != 1 else "√" + _operand(children[0])
    if tag == "mroot" and len(children) == 2:
        index = _text(children[1]).strip()
        sign = _ROOTS.get(index) or _scripted("", children[1], "super") + "√"
        return sign + _operand(children[0])
    if tag in ("msup", "msub") and len(children) == 2:
        kind = "super" if tag == "msup" else "sub"
        return _scripted(_script_base(children[0]), children[1], kind)
    if tag == "msubsup" and len(children) == 3:
        base = _script_base(children[0])
        return _scripted(_scripted(base, children[1], "sub"), children[2], "super")
    if tag in ("mover", "munder") and len(children) == 2:
        accented = _accented(children[0], children[1], tag == "munder")
        if accented is not None:
            return accented
        return _scripted(_text(children[0]), children[1], "super" if tag == "mover" else "sub")
    if tag == "munderover" and len(children) == 3:
        return _scripted(_scripted(_text(children[0]), children[1], "sub"), children[2], "super")
    if tag == "mtable":
        return "; ".join(filter(None, (_table_row(row, element) for row in children)))
    return _row(children)


def _table_row(row: Element, table: Element) -> str:
    """Return a row of a table as text: an alignment's (aligned, align, split: displayed)
    cells read on as one line, `a &= b` as `a = b`; a matrix's, an array's or cases' cells
    are apart, `(cos θ, −sin θ; …)`, `{1, x > 0; …`, each cell's sign its own (they ran
    together: `(cos θ − sin θ; …)`, one entry)."""
    if table.get("displaystyle") == "true":
        from xml.etree.ElementTree import Element as Node

        gap = Node("mspace", width="1em")
        return _row([part for cell in row for part in (gap, *cell)]).strip()
    return ", ".join(filter(None, (_row(list(cell)).strip() for cell in row)))


def _script_base(element: Element) -> str:
    """Return the text of what a script is on, bracketed when it is a fraction or a sum of
    terms (`{\frac{a}{b}}^2` is `(a/b)²`: `a/b²` is a/(b²))."""
    text = _text(element)
    shown = _unwrapped(element)
    several = shown.tag == "mrow" and len([c for c in shown if c.tag != "mspace"]) > 1
    if (_is_fraction(element) or several) and not _grouped(text.strip()):
        return f"({text.strip()})"
    return text


# A formula as `tex_to_mathml` writes it, after the sanitiser: the TeX is its annotation.
_MATHML = re.compile(
    r'<math display="(inline|block)"><semantics>.*?'
    r'<annotation encoding="application/x-tex">([^<]*)</annotation></semantics></math>',
    re.DOTALL,
)


# MathML a post has in its own HTML (KaTeX's output pasted in, say), as the sanitizer left it.
_RAW_MATHML = re.compile(r"<math\b([^>]*)>(.*?)</math>", re.DOTALL)
_TEX_ANNOTATION = re.compile(r'<annotation encoding="application/x-tex">([^<]*)</annotation>')
_BLOCK = re.compile(r'\bdisplay="block"')
_NOT_SHOWN = re.compile(
    r"<(annotation-xml|annotation|script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE
)


def mathml_as_text(fragment: str) -> str:
    """Return an HTML fragment with each formula `tex_to_mathml` made as its readable text,
    the TeX as the span's title: for HTML that must hold no MathML (RSS). MathML written in
    the post is so too, from its TeX annotation, or else its text."""
    if "<math" not in fragment:
        return fragment

    def readable(m: re.Match[str]) -> str:
        tex = html.unescape(m[2])
        text = html.escape(tex_to_text(tex) or tex, quote=False)
        kind = "display" if m[1] == "block" else "inline"
        return f'<span class="math {kind}" title="{html.escape(tex)}">{text}</span>'

    def written(m: re.Match[str]) -> str:
        kind = "display" if _BLOCK.search(m[1]) else "inline"
        if (found := _TEX_ANNOTATION.search(m[2])) is not None:
            tex = html.unescape(found[1]).strip()
            text = html.escape(tex_to_text(tex) or tex, quote=False)
            return f'<span class="math {kind}" title="{html.escape(tex)}">{text}</span>'
        shown = _NOT_SHOWN.sub(" ", m[2])  # an annotation's HTML, a script: no reader shows them
        text = " ".join(re.sub(r"<[^>]*>", " ", shown).split())  # entities stay escaped
        return f'<span class="math {kind}">{text}</span>'

    return _RAW_MATHML.sub(written, _MATHML.sub(readable, fragment))
