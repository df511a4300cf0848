"""Python-Markdown's smarty quotes (a Pelican site whose MARKDOWN names `smarty`), where
pulldown-cmark's smart punctuation makes another quote of the same `'` or `"`.

smarty is a tree processor run after the inline ones (markdown/extensions/smarty.py): it
reads each text node of the element tree apart (an element's text, or the text after it:
`*Bob*'s` has its `'s` alone, with nothing before it) and replaces in it, pattern after
pattern in its order, the dashes first (`--` then stands for a mark, not for text), then
the quotes: a quote starting a node before punctuation closes, `"'` before a word opens
both, `'` before a decade is an apostrophe, a quote after a space or a dash before a word
opens, one after a character that is no space, bracket or dash closes (a `'` only when no
space, `s` or digit follows, else with one of those), and any other opens. So `*Bob*'s`
is ‘s, `'Tis` ‘Tis, `5'6"` 5‘6”, where pulldown-cmark makes ’s, ’Tis and 5’6“.

`SmartyQuotes` writes each quote of a text node as smarty makes it, as its character
(pulldown-cmark leaves a quote typed so as it is); a quote an escape stands for, one in an
image's text (an attribute to Python-Markdown, which smarty does not read), code or raw
HTML stays as typed.
"""

from __future__ import annotations

import re
from typing import Any

from feedkit.posts.edits import escaped
from feedkit.posts.events import tag_of

_PUNCT = r"""[!"#\$\%'()*+,-.\/:;<=>?\@\[\\\]\^_`{|}~]"""
_CLOSE = r"[^\ \t\r\n\[\{\(\-\u0002\u0003]"
_OPENING_BASE = r"(\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)"
_L1, _R1, _L2, _R2 = "‘", "’", "“", "”"
# smarty's patterns in the order it applies them, each with what it makes of its quotes (a
# group it keeps is stashed with them: see `node_quotes`).
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^'(?={_PUNCT}\B)"), _R1),
    (re.compile(rf'^"(?={_PUNCT}\B)'), _R2),
    (re.compile(r""""'(?=\w)"""), _L2 + _L1),
    (re.compile(r"""'"(?=\w)"""), _L1 + _L2),
    (re.compile(r"(?<!\w)'(?=\d{2}s)"), _R1),
    (re.compile(rf"{_OPENING_BASE}'(?=\w)"), _L1),
    (re.compile(rf"(?<={_CLOSE})'(?!\s|s\b|\d)"), _R1),
    (re.compile(rf"(?<={_CLOSE})'(\s|s\b)"), _R1),
    (re.compile(r"'"), _L1),
    (re.compile(rf'{_OPENING_BASE}"(?=\w)'), _L2),
    (re.compile(r'"(?=\s)'), _R2),
    (re.compile(rf'(?<={_CLOSE})"'), _R2),
    (re.compile(r'"'), _L2),
]
_DASHES = re.compile(r"(?<!-)---(?!-)|(?<!-)--(?!-)")
_STASHED = "\u0002\u0003"  # what smarty's stash leaves in a node for a mark it made
_LONG_RUN = re.compile(rb"\.{4,}|-{4,}")  # no ellipsis or dash to smarty (see `edits`)


def node_quotes(text: str, quotes: frozenset[int] | None = None) -> list[str]:
    """Return what smarty makes of each `'` and `"` of the text node `text` at `quotes`
    (offsets; None: every one), in order: its character. Any other quote (an escape's,
    which Python-Markdown stashes) counts for none."""
    node = "".join(
        _STASHED if char in "'\"" and quotes is not None and at not in quotes else char
        for at, char in enumerate(text)
    )
    if "--" in node:
        node = _DASHES.sub(_STASHED, node)
    made: list[str | None] = [None] * sum(char in "'\"" for char in node)
    for pattern, marks in _PATTERNS:
        # The whole match is stashed, the text a group keeps too, and the pattern is tried
        # again from the node's start (InlineProcessor.__applyPattern).
        while (m := pattern.search(node)) is not None:
            # The quotes not made yet stand in the node in their order.
            left = [index for index, mark in enumerate(made) if mark is None]
            first = sum(char in "'\"" for char in node[: m.start()])
            for index, mark in zip(left[first:], marks, strict=False):
                made[index] = mark
            node = node[: m.start()] + _STASHED + node[m.end() :]
    return [mark or "" for mark in made]


class SmartyQuotes:
    """The text nodes of a post as pulldown-cmark's events (smart punctuation on) give
    them, and the pins that make each quote in them smarty's (see the module)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.node: list[str] = []  # the node's text so far, piece by piece
        self.quotes: list[int] = []  # the source offsets of its quotes, in order
        self.at: set[int] = set()  # their offsets in the node
        self.size = 0  # the node's length so far
        self.image = 0  # inside an image's text: an attribute to Python-Markdown
        self.pins: list[tuple[int, int, bytes]] = []
        self.texts: list[tuple[int, int]] = []  # the source ranges of text events

    def event(self, event: Any, start: int, end: int) -> None:
        """Read one event of `events_with_range` (its range `start`, `end`)."""
        if event == "SoftBreak":
            self._add("\n")
            return
        text = event.get("Text") if isinstance(event, dict) else None
        if text is None:
            self._flush()
            if (tag := tag_of(event)) is not None and tag[1] == "Image":
                self.image += 1 if tag[0] == "Start" else -1
            return
        typed = self.data[start:end]
        self.texts.append((start, end))
        if typed in (b"'", b'"') and (text in "‘’“”" or escaped(self.data, start)):
            if self.image:  # smarty reads no attribute: a quote there stays as typed
                self.pins.append((start, end, b"\\" + typed))
            else:  # an escaped one counts for none (see node_quotes)
                if text in "‘’“”":
                    self.quotes.append(start)
                    self.at.add(self.size)
                self._add(typed.decode())
            return
        self._add(typed.decode(errors="replace"))

    def _add(self, piece: str) -> None:
        self.node.append(piece)
        self.size += len(piece)

    def _flush(self) -> None:
        if self.quotes:
            made = node_quotes("".join(self.node), frozenset(self.at))
            self.pins += [
                (at, at + 1, mark.encode()) for at, mark in zip(self.quotes, made, strict=True)
            ]
        self.node, self.quotes, self.at, self.size = [], [], set(), 0

    def edits(self) -> list[tuple[int, int, bytes]]:
        """Return the pins of every node read, and of each run of four dots or hyphens or
        more in text: smarty makes an ellipsis of three dots and a dash of two or three
        hyphens only (`(?<!\\.)\\.{3}(?!\\.)`, `(?<!-)--(?!-)`), where pulldown-cmark makes
        `....` "…." and `----` "––"; such a run stays as typed."""
        self._flush()
        for m in _LONG_RUN.finditer(self.data):
            if self._in_text(m.start(), m.end()):
                mark = m[0][:1]
                self.pins += [(at, at + 1, b"\\" + mark) for at in range(m.start(), m.end())]
        return self.pins

    def _in_text(self, start: int, end: int) -> bool:
        """Whether text events cover all of `data[start:end]` (not code, not a URL)."""
        for first, last in sorted(self.texts):
            if first <= start < last:
                start = last
            if start >= end:
                return True
        return False
