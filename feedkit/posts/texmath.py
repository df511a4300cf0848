"""TeX formulas → MathML for feed HTML, and → readable plain text for summaries and mail.

latex2mathml parses the TeX; its MathML tree is written out twice: as markup (with the TeX
kept as the annotation, so a reader can copy it) and as text (`\\alpha \\in \\mathcal{D}` →
`α ∈ 𝒟`, `\\frac{a+b}{2}` → `(a+b)/2`, `x_i^2` → `xᵢ²`). One parse gives both, so the summary
says what the feed shows. TeX it cannot convert (an unknown macro, unbalanced braces) gives
None: the caller keeps the source and can say where it is.

latex2mathml is pure Python (about 0.1–0.7 ms a formula, 70 ms to import): it is imported
on the first formula, and each formula is converted once per process.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

# Numbering and cross-references mean nothing in a feed entry; latex2mathml has no \label.
_NUMBERING = re.compile(r"\\label\{[^{}]*\}|\\nonumber\b|\\notag\b")
# kramdown and MathJax posts write `aligned`, which latex2mathml knows as `align*`.
_ALIGNED = re.compile(r"\\(begin|end)\{aligned\}")


def load() -> None:
    """Import latex2mathml ahead of a post's first formula (about 40 ms, while a child
    process parses posts)."""
    import latex2mathml.converter

    del latex2mathml


class _Unconvertible(Exception):
    """latex2mathml left TeX in its output instead of failing."""


@lru_cache(maxsize=4096)
def _tree(tex: str, display: bool) -> Element | None:
    """Return latex2mathml's `<math>` element for `tex`, or None if it cannot convert it."""
    from latex2mathml.converter import convert_to_element

    source = _ALIGNED.sub(r"\\\1{align*}", _NUMBERING.sub("", tex))
    try:
        root = convert_to_element(source, display="block" if display else "inline")
        for element in root.iter():
            text = element.text or ""
            # What latex2mathml does with what it does not know: an unknown macro, a stray
            # `&` or brace becomes an identifier holding the TeX.
            if element.tag == "mi" and (text.startswith("\\") or text in ("&", "{", "}")):
                raise _Unconvertible(text)
    except Exception:  # latex2mathml raises its own classes, and IndexError on bad input
        return None
    return root


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool) -> str | None:
    """Return `<math>` for a formula with its TeX as the annotation, or None if the TeX
    cannot be converted."""
    root = _tree(tex, display)
    if root is None:
        return None
    kind = "block" if display else "inline"
    rows = "".join(_markup(child) for child in root)
    annotation = html.escape(tex.strip(), quote=False)
    return (
        f'<math display="{kind}"><semantics>{rows}'
        f'<annotation encoding="application/x-tex">{annotation}</annotation>'
        "</semantics></math>"
    )


def _markup(element: Element) -> str:
    # latex2mathml writes characters as entity text ("&#x003B1;") and unescapes its whole
    # output, which lets a `<` typed in \text{} through as markup: escape each part instead.
    attributes = "".join(
        f' {name}="{html.escape(value)}"' for name, value in element.attrib.items()
    )
    inner = html.escape(html.unescape(element.text or ""), quote=False)
    for child in element:
        inner += _markup(child) + html.escape(html.unescape(child.tail or ""), quote=False)
    return f"<{element.tag}{attributes}>{inner}</{element.tag}>"


@lru_cache(maxsize=4096)
def tex_to_text(tex: str) -> str | None:
    """Return a formula as readable plain text (`α ∈ 𝒟`), or None if the TeX cannot be
    converted."""
    root = _tree(tex, False)
    if root is None:
        return None
    return " ".join(_text(root).split())


# -- the text form ------------------------------------------------------------------------

_ACCENTS = {
    "^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "¯": "\u0304",
    "―": "\u0305", "‾": "\u0305", "→": "\u20d7", "˙": "\u0307", "¨": "\u0308",
    "ˇ": "\u030c", "´": "\u0301", "`": "\u0300", "˘": "\u0306", "˚": "\u030a",
}  # fmt: skip
_BRACES = set("⏞⏟⎴⎵︷︸")
_PRIMES = set("′″‴")
_ROOTS = {"2": "√", "3": "∛", "4": "∜"}
# Operators that are symbols but not infix: they take no spaces around them.
_NOT_INFIX = ("N-ARY", "INTEGRAL", "INFINITY", "PARTIAL", "NABLA", "VERTICAL", "ROOT", "NOT SIGN")
_VARIANTS = {
    "bold": "BOLD", "bold-italic": "BOLD ITALIC", "double-struck": "DOUBLE-STRUCK",
    "script": "SCRIPT", "bold-script": "BOLD SCRIPT", "fraktur": "FRAKTUR",
    "bold-fraktur": "BOLD FRAKTUR", "sans-serif": "SANS-SERIF", "monospace": "MONOSPACE",
}  # fmt: skip


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


def _styled(text: str, variant: str) -> str:
    """Return `text` in a mathematical alphabet (𝐱, 𝔤, 𝟙) where Unicode has the letter."""
    style = _VARIANTS.get(variant)
    if style is None:
        return text
    out = []
    for char in text:
        name = unicodedata.name(char, "")
        letter = name.replace("LATIN ", "").replace("GREEK ", "").replace("LETTER ", "")
        for candidate in (f"MATHEMATICAL {style} {letter}", f"{style} {letter}"):
            try:
                char = unicodedata.lookup(candidate)
                break
            except KeyError:
                continue
        out.append(char)
    return "".join(out)


def _token(element: Element) -> str:
    text = html.unescape(element.text or "").replace("\xa0", " ")
    return _styled(text, element.get("mathvariant", ""))


def _is_atom(element: Element) -> bool:
    """Return True if `element` reads as one symbol: no parentheses needed around it."""
    while element.tag == "mrow" and len(element) == 1:
        element = element[0]
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
    text = "".join(_text(script).split())  # small type has no room for spaced operators
    if not text:
        return base
    if kind == "super" and set(text) <= _PRIMES:
        return base + text
    table = _scripts(kind)
    if all(char in table for char in text):
        return base + "".join(table[char] for char in text)
    return base + ("^" if kind == "super" else "_") + (text if _is_atom(script) else f"({text})")


def _accented(base: Element, mark: Element) -> str | None:
    """Return `base` with a combining accent (x̂, x̄) when `mark` is one."""
    sign = _token(mark) if mark.tag == "mo" else ""
    text = _text(base).strip()
    if sign in _BRACES:
        return _operand(base)
    accent = _ACCENTS.get(sign)
    if accent is None:
        return None
    if sign in "―‾¯" or len(text) == 1:  # an overline runs over every letter
        return "".join(char + accent for char in text)
    return text


def _kind(element: Element, text: str) -> str:
    """Return how a part of a row joins its neighbours: "op" (spaced infix), "punct",
    "open", "close", "word" (a function name such as log), "large" (∑, ∫) or "atom"."""
    tag = element.tag
    if tag in ("msub", "msup", "msubsup", "munder", "mover", "munderover"):
        base = _kind(element[0], _text(element[0]))
        return base if base in ("word", "large") else "atom"
    if tag not in ("mi", "mo"):
        return "space" if tag == "mspace" else "atom"
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


def _row(children: list[Element]) -> str:
    out = ""
    previous = "open"
    for child in children:
        text = _text(child)
        kind = _kind(child, text)
        if kind == "op" and previous in ("open", "op", "punct"):
            kind = "prefix"  # a sign: −1, = −x
        if kind == "op":
            out = f"{out.rstrip()} {text} "
        elif kind == "punct":
            out = f"{out.rstrip()}{text} "
        elif kind in ("word", "atom") and previous == "word" or kind == "word" and out:
            out = f"{out} {text}"
        else:
            out += text
        if kind == "large":  # ∑ᵢ xᵢ: what it sums follows after a space
            previous = "word"
        elif kind != "space":
            previous = kind
    return out


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
        return _scripted(_text(children[0]), children[1], "super" if tag == "msup" else "sub")
    if tag == "msubsup" and len(children) == 3:
        return _scripted(_scripted(_text(children[0]), children[1], "sub"), children[2], "super")
    if tag in ("mover", "munder") and len(children) == 2:
        accented = _accented(children[0], children[1])
        if accented is not None:
            return accented
        return _scripted(_text(children[0]), children[1], "super" if tag == "mover" else "sub")
    if tag == "munderover" and len(children) == 3:
        return _scripted(_scripted(_text(children[0]), children[1], "sub"), children[2], "super")
    if tag == "mtable":
        return "; ".join(
            " ".join(_text(cell).strip() for cell in row) for row in children if len(row)
        )
    return _row(children)


# A formula as `tex_to_mathml` writes it, after the sanitiser: the TeX is its annotation.
_MATHML = re.compile(
    r'<math display="(inline|block)"><semantics>.*?'
    r'<annotation encoding="application/x-tex">([^<]*)</annotation></semantics></math>',
    re.DOTALL,
)


def mathml_as_text(fragment: str) -> str:
    """Return an HTML fragment with each formula `tex_to_mathml` made as its readable text,
    the TeX as the span's title: for HTML that must hold no MathML (RSS)."""
    if "<math" not in fragment:
        return fragment

    def readable(m: re.Match[str]) -> str:
        tex = html.unescape(m[2])
        text = html.escape(tex_to_text(tex) or tex, quote=False)
        kind = "display" if m[1] == "block" else "inline"
        return f'<span class="math {kind}" title="{html.escape(tex)}">{text}</span>'

    return _MATHML.sub(readable, fragment)
