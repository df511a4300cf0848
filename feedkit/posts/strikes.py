"""Goldmark's strikethrough (a Hugo site's), where pulldown-cmark's pairs the tildes
otherwise: a single tilde inside a word (`H~2~O`, struck by Goldmark, text to
pulldown-cmark) and a single tilde with a double one (`~x~~`: Goldmark strikes `x` and
leaves a `~`).

Goldmark reads a run of one or two tildes as a delimiter, which may open when it is
left-flanking and close when it is right-flanking (extension/strikethrough.go), and pairs
them as it pairs emphasis (parser/delimiter.go `ProcessDelimiters`): each closer, in order,
with the nearest opener before it, two tildes from each when both have two, else one (none
when their lengths add up to three and either may do both). `GoldmarkTildes` takes the
tilde runs of a block as pulldown-cmark's events give them, pairs them so, and writes each
pair as `~~…~~`, which pulldown-cmark strikes wherever it stands, and every other tilde
escaped (`\\~`), so that pulldown-cmark's own pairing no longer decides.
"""

from __future__ import annotations

from typing import Any

from feedkit.posts.edits import escaped
from feedkit.posts.typographer import flanking, preceding

# What pulldown-cmark's events name a strikethrough by.
_STRUCK = "Strikethrough"


class GoldmarkTildes:
    """The tilde runs of the block being read, and the edits that make them Goldmark's."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.runs: list[tuple[int, int]] = []  # (start, length) in the source, in order
        self.closing: list[tuple[int, int]] = []  # each open strikethrough's closing run
        self.blocks: list[list[tuple[int, int]]] = []  # each block's runs

    def tag(self, name: str, key: str, start: int, end: int) -> bool:
        """Take a Start or End event of the element `name` (its range `start`, `end`);
        return True for a strikethrough's (an inline element: the block goes on)."""
        if name != _STRUCK:
            return False
        if key == "Start":
            self.struck(start, end)
        else:
            self.struck_end()
        return True

    def text(self, start: int, end: int) -> None:
        """Take the tilde runs in a text event's source `data[start:end]`."""
        at = self.data.find(b"~", start, end)
        while at >= 0:
            stop = at
            while stop < end and self.data[stop] == 0x7E:
                stop += 1
            if not escaped(self.data, at):
                self._add(at, stop - at)
            elif stop - at > 1:  # `\~~`: the first is text, the rest a run
                self._add(at + 1, stop - at - 1)
            at = self.data.find(b"~", stop, end)

    def struck(self, start: int, end: int) -> None:
        """Take the runs that open and close a strikethrough pulldown-cmark read at
        `data[start:end]`."""
        size = 2 if self.data[start + 1 : start + 2] == b"~" else 1
        self._add(start, size)
        self.closing.append((end - size, size))

    def struck_end(self) -> None:
        """Take the closing run of the last strikethrough `struck` took the opening run of."""
        if self.closing:
            self._add(*self.closing.pop())

    def _add(self, at: int, size: int) -> None:
        if self.runs and sum(self.runs[-1]) == at:  # one run over two text events
            self.runs[-1] = (self.runs[-1][0], self.runs[-1][1] + size)
        elif not self.runs or self.runs[-1][0] < at:
            self.runs.append((at, size))

    def close_block(self) -> None:
        if self.runs:
            self.blocks.append(self.runs)
        self.runs, self.closing = [], []

    def edits(self, links: list[tuple[int, int]]) -> list[tuple[int, int, bytes]]:
        """Return the edits that write the post's tildes as Goldmark pairs them, block by
        block (none for a block pulldown-cmark pairs alike); a tilde in a bare URL or
        address (`links`, which linkify reads first) is the link's."""
        self.close_block()
        edits = []
        for block in self.blocks:
            runs = [run for run in block if not any(s <= run[0] < e for s, e in links)]
            edits += self._block_edits(runs)
        return edits

    def _block_edits(self, runs: list[tuple[int, int]]) -> list[tuple[int, int, bytes]]:
        if not runs:
            return []
        pairs = _pairs([self._delimiter(at, size) for at, size in runs])
        if pairs is None:  # a run in two pairs: written so, pulldown-cmark would misread it
            return []
        edits = []
        for (at, size), (opens, closes) in zip(runs, pairs, strict=True):
            left = size - opens - closes
            made = b"~~" * (closes > 0) + b"\\~" * left + b"~~" * (opens > 0)
            edits.append((at, at + size, made))
        if all(made == self.data[start:end] for start, end, made in edits):
            return []
        return edits

    def _delimiter(self, at: int, size: int) -> list[Any]:
        """Return [length, original length, can open, can close] of the run at `at`."""
        if size > 2:  # no delimiter: text
            return [0, size, False, False]
        after = self.data[at + size : at + size + 4].decode(errors="ignore")[:1] or " "
        return [size, size, *flanking(preceding(self.data, at), after)]


def _pairs(delimiters: list[list[Any]]) -> list[tuple[int, int]] | None:
    """Return, for each delimiter ([length, original length, can open, can close]), how
    many of its tildes open and how many close a pair, as Goldmark's ProcessDelimiters
    pairs them; None when one is in more than one pair."""
    made = [[0, 0] for _ in delimiters]
    live = [d[0] > 0 for d in delimiters]
    closer = 0
    while closer < len(delimiters):
        length, _, can_open, can_close = delimiters[closer]
        if not live[closer] or not can_close or length == 0:
            closer += 1
            continue
        found = None
        maybe = False
        for opener in range(closer - 1, -1, -1):
            if not live[opener] or not delimiters[opener][2]:  # it cannot open
                continue
            maybe = True
            consume = _consumption(delimiters[opener], delimiters[closer])
            if consume > 0:
                found = (opener, consume)
                break
        if found is None:
            if not maybe and not can_open:
                live[closer] = False
            closer += 1
            continue
        opener, consume = found
        if made[opener][0] or made[closer][1]:
            return None
        made[opener][0] += consume
        made[closer][1] += consume
        delimiters[opener][0] -= consume
        delimiters[closer][0] -= consume
        for between in range(opener + 1, closer):
            live[between] = False
        if delimiters[opener][0] == 0:
            live[opener] = False
        if delimiters[closer][0] == 0:
            live[closer] = False
            closer += 1
    if any(opens and closes for opens, closes in made):
        return None
    return [(opens, closes) for opens, closes in made]


def _consumption(opener: list[Any], closer: list[Any]) -> int:
    """Goldmark's CalcConsumption: how many tildes of each the pair takes."""
    if (opener[3] or closer[2]) and (opener[1] + closer[1]) % 3 == 0 and closer[1] % 3:
        return 0
    return 2 if opener[0] >= 2 and closer[0] >= 2 else 1
