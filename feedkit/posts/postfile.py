"""Post files → text split into front matter and body, with the file's own line numbers (the
front matter's mapping is `fmparse`'s): the encoding and the characters XML cannot carry
checked, each format's boundaries found. Reading the files is `postread`'s part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from feedkit.errors import Problem
from feedkit.posts import pelicanmeta
from feedkit.posts.uncarried import has_illegal, strip_illegal
from feedkit.posts.walk import (
    Unread,
    walk,
)

# The lines that open and close front matter, by format, in the order they are tried:
# python-frontmatter's handlers' FM_BOUNDARY patterns (the TOML one is feedkit's), kept here so
# that finding where a post's body starts (the only thing a render or a digest asks of the
# file) imports neither python-frontmatter nor PyYAML, about 15 ms a process.
BOUNDARIES = (("YAML", r"^-{3,}\s*$"), ("TOML", r"^\+{3,}\s*$"), ("JSON", r"^(?:{|})$"))


_YAML_CLOSE = re.compile(r"^(?:-{3,}|\.{3})\s*$", re.MULTILINE)
# The only first line that opens front matter in a Jekyll site: three dashes, then white
# space at most (Jekyll::Document's YAML_FRONT_MATTER_REGEXP, `\A(---\s*\n`). A `----`,
# `+++` (TOML) or `{` (JSON) line is text to Jekyll: the file has no front matter.
_JEKYLL_OPENING = re.compile(r"---[ \t\r\f\v]*$")
_YAML_OPENING = re.compile(r"-{3,}\s*$")  # BOUNDARIES' YAML line


@lru_cache(maxsize=1)
def boundaries() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Return BOUNDARIES compiled (on first use: a build that finds nothing changed never
    splits a file)."""
    return tuple((name, re.compile(pattern, re.MULTILINE)) for name, pattern in BOUNDARIES)


@dataclass(slots=True, eq=False)  # not frozen: a frozen dataclass's __init__ costs 2 us per post
class Source:
    """A post file split into front matter and body, with the line numbers to report."""

    text: str
    fm_format: str
    fm_text: str
    fm_first_line: int  # file line of fm_text's first line
    body_start: int  # index into text
    body_line: int
    # Nothing but white space after the front matter (known when the file is read: no body
    # is read again to tell; False when unknown).
    blank_body: bool = False
    # Its first line, when that opens front matter to Hugo or Pelican but not to Jekyll
    # (`----`, `+++`, `{`): text, in a post read under Jekyll's rules (`split`'s `jekyll`).
    unopened: str = ""
    # A Pelican article's metadata ended by a line that is no `Key: value` (no blank line
    # between): that line's number, the first of its text, as Pelican reads it; else 0.
    text_line: int = 0
    # The lines of its metadata that Pelican leaves out: of a key it takes once, given again
    # or continued (see `pelicanmeta.Header`).
    once_again: tuple[tuple[int, str, bool], ...] = ()

    def key_line(self, key: str, ignore_case: bool = False) -> int:
        """Return the file line where the front matter gives `key` (`key:` or `key =`, the
        key quoted or not); its first line when it names none."""
        return self.fm_first_line + (line_of_key(self.fm_text, (key,), ignore_case) or 0)


def line_of_key(head: str, keys: tuple[str, ...], ignore_case: bool = False) -> int | None:
    """Return the line of front matter text `head`, counted from 0, that gives the first of
    `keys` it gives (`key:` or `key =`, the key quoted or not); None when it gives none."""
    flags = re.M | (re.I if ignore_case else 0)
    for key in keys:
        m = re.search(rf"""^[ \t]*["']?{re.escape(key)}["']?[ \t]*[:=]""", head, flags)
        if m is not None:
            return head.count("\n", 0, m.start())
    return None


class FileProblems(Exception):
    """What is wrong with one file; the loader collects these from every file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


class NotText(FileProblems):
    """A file that is not UTF-8 text: a post's mistake, or a picture (`Place.not_text`)."""


class NoFrontMatter(FileProblems):
    """Raised for a file with no front matter at all, where one must have some: a Pelican
    site's loader skips it, as Pelican skips an article without a title. `opened`: the
    first line of front matter its site's generator does not read (`+++`, `{`), if any."""

    def __init__(self, problems: list[Problem], opened: str = "") -> None:
        super().__init__(problems)
        self.opened = opened


def discover(content_dir: Path, unread: Unread | None = None) -> list[Path]:
    """Return every post file under `content_dir` in a stable order, but in the folders
    `unread` names (see `walk`)."""
    return [Path(path) for path, _ in walk(content_dir, unread=unread)]


def decode(raw: bytes, shown: str, warnings: list[Problem] | None) -> str:
    """Return the text of a post file: UTF-8 (BOM allowed), LF line ends; XML-safe, with a
    warning for what was removed, unless `warnings` is None."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise NotText(
            [
                Problem(
                    shown,
                    line,
                    f"is not UTF-8 text (byte 0x{raw[exc.start]:02X}); save the file as UTF-8",
                )
            ]
        ) from exc
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if warnings is None or not has_illegal(raw):
        return text
    return strip_illegal(text, shown, warnings)


# JSON front matter that does not stand alone on its first line: `{"title": "x"}` on one
# line, or an opening brace with a key after it. Hugo reads it up to its matching brace.
_JSON_START = re.compile(r'\{\s*(?:"|\}|$)')


def split(
    text: str,
    shown: str,
    bare: bool = False,
    jekyll: bool = False,
    pelican: str = "",
    hugo: bool = False,
) -> Source:
    """Return `text` split into front matter and body, or raise naming the broken line.

    With `bare` (a Jekyll post, a Hugo page: see `Place.bare`), a file that opens no front
    matter is all body, as its generator reads it, and Pelican's header is none: Jekyll
    and Hugo publish `Update: …` lines as text. With `jekyll` (a Jekyll site's post), only a
    first line `---` opens front matter, as in Jekyll. With `pelican` (a Pelican site's
    article: `Place.pelican_meta`), its metadata is read as Pelican reads it
    (`pelicanmeta.header`), a block between `---` lines too, unless `pelican` is "yaml" (a
    YAML metadata plugin reads those); TOML and JSON front matter, which Pelican reads as
    no metadata, raise NoFrontMatter. With `hugo` (a Hugo page), white space before the
    front matter is passed over, as Hugo's page parser passes it over."""
    if hugo and text[:1].isspace() and (lead := _hugo_lead(text)):
        return _after_lead(text, lead, shown, bare)
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if pelican and not (pelican == "yaml" and _YAML_OPENING.match(first)):
        if first.startswith("+++") or _JSON_START.match(first):
            # TOML or JSON front matter: no lines of Pelican's header, so no title to it.
            opened = "+++" if first.startswith("+++") else "{"
            message = f"front matter opened with '{opened}', which Pelican does not read"
            raise NoFrontMatter([Problem(shown, 1, message)], opened)
        return _pelican_split(text, shown)
    unopened = ""
    if jekyll and not _JEKYLL_OPENING.match(first):
        if _JSON_START.match(first):
            unopened = "{"
        elif any(boundary.match(first) for _, boundary in boundaries()):
            unopened = first.strip()
    elif first.strip() != "{" and _JSON_START.match(first):
        return _json_split(text, shown)
    for fm_format, boundary in boundaries():
        if unopened or not boundary.match(first):
            continue
        start = len(first) + 1
        if fm_format == "YAML":  # YAML's document end closes it too, as in Jekyll
            boundary = _YAML_CLOSE
        close = boundary.search(text, start) if first_end >= 0 else None
        if close is None:
            delimiter = first.strip()
            closing = "}" if fm_format == "JSON" else delimiter
            raise FileProblems(
                [
                    Problem(
                        shown,
                        1,
                        f"front matter opened with '{delimiter}' is never closed; "
                        f"add a line '{closing}' after the last key",
                    )
                ]
            )
        # The line after the closing one: the boundary's `\s*$` runs on over blank lines,
        # and the body's lines must count from where it truly starts.
        body_start = text.find("\n", close.start())
        body_start = len(text) if body_start < 0 else body_start + 1
        if fm_format == "JSON":  # the braces belong to the JSON document
            fm_text, fm_first_line = text[: close.end()], 1
        else:
            fm_text, fm_first_line = text[start : close.start()], 2
        return Source(
            text=text,
            fm_format=fm_format,
            fm_text=fm_text,
            fm_first_line=fm_first_line,
            body_start=body_start,
            body_line=text.count("\n", 0, body_start) + 1,
        )
    # A file of one line with no line end stays Pelican's header even so: its body, read
    # again knowing only that it starts at line 1 (`body_of`), must split alike.
    if bare and (first_end >= 0 or pelicanmeta.header_end(text) < 0):
        return Source(
            text, "", fm_text="", fm_first_line=1, body_start=0, body_line=1, unopened=unopened
        )
    end = pelicanmeta.header_end(text)
    if end >= 0:  # Pelican's header: `Title: …` lines, then a blank line
        found = pelicanmeta.header(text[:end])  # read by its rules: which lines it leaves out
        return Source(
            text=text,
            fm_format=pelicanmeta.FORMAT,
            fm_text=text[:end],
            fm_first_line=1,
            body_start=end,
            body_line=text.count("\n", 0, end) + 1,
            once_again=found.once_again if found is not None else (),
        )
    # The line Jekyll reads as text, said: the writer meant it to open front matter.
    text_to_jekyll = f" (a first line {unopened!r} opens none in a Jekyll site)" if unopened else ""
    raise NoFrontMatter(
        [
            Problem(
                shown,
                1,
                f"has no front matter{text_to_jekyll}; start the file with a '---' line, then "
                "'title: …', 'date: …', and close it with another '---' line (or Pelican's "
                "'Title: …' lines, then a blank line)",
            )
        ]
    )


def _pelican_split(text: str, shown: str) -> Source:
    """Return `text` split after its metadata as Pelican reads it, or raise NoFrontMatter."""
    found = pelicanmeta.header(text)
    if found is None:
        raise NoFrontMatter(
            [
                Problem(
                    shown,
                    1,
                    "has no metadata; start the file with Pelican's 'Title: …', 'Date: …' "
                    "lines, then a blank line",
                )
            ]
        )
    return Source(
        text=text,
        fm_format=pelicanmeta.FORMAT,
        fm_text=text[found.start : found.end],
        fm_first_line=text.count("\n", 0, found.start) + 1,
        body_start=found.body_start,
        body_line=text.count("\n", 0, found.body_start) + 1,
        text_line=found.text_line,
        once_again=found.once_again,
    )


def _json_split(text: str, shown: str) -> Source:
    """Return `text` split after the JSON object it starts with, as Hugo reads JSON front
    matter: to the brace that closes it, the rest of that line (blank) included."""
    import json

    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            message = "front matter opened with '{' is never closed; add a '}' after the last key"
        else:
            message = f"JSON front matter: {exc.msg}"
        raise FileProblems([Problem(shown, exc.lineno, message)]) from exc
    rest = re.compile(r"[ \t]*(?:\n|$)").match(text, end)
    body_start = rest.end() if rest else end
    return Source(
        text=text,
        fm_format="JSON",
        fm_text=text[:end],
        fm_first_line=1,
        body_start=body_start,
        body_line=text.count("\n", 0, body_start) + 1,
    )


def _hugo_lead(text: str) -> int:
    """Return how much white space comes before front matter Hugo reads after it (0: none)."""
    lead = len(text) - len(text.lstrip(" \t\r\n"))
    return lead if text[lead : lead + 1] in ("-", "+", "{") and "\n" in text[lead:] else 0


def _after_lead(text: str, lead: int, shown: str, bare: bool) -> Source:
    """Return `text` split as its front matter after `lead` white space is split alone,
    its lines and places counted in the whole file."""
    lines = text.count("\n", 0, lead)
    try:
        src = split(text[lead:], shown, bare)
    except FileProblems as exc:
        exc.problems[:] = [
            Problem(p.path, p.line + lines if p.line else 0, p.message, p.warning)
            for p in exc.problems
        ]
        raise
    src.text = text
    src.fm_first_line += lines
    src.body_start += lead
    src.body_line += lines
    return src


def body_of(
    raw: bytes,
    shown: str,
    warnings: list[Problem] | None = None,
    bare: bool = False,
    body_line: int = 0,
) -> str:
    """Return the whole Markdown body of a post file's bytes (strictly UTF-8 checked; see
    `split` for `bare`: a body that starts at line 1; `body_line`: where it started when
    the post was read, for a Pelican article whose metadata `split` alone ends elsewhere)."""
    text = decode(raw, shown, None)
    try:
        src: Source | None = split(text, shown, bare)
    except FileProblems:
        if not bare and body_line <= 1:
            raise
        src = None
    if body_line > 1 and (src is None or src.body_line != body_line):
        # Read as Pelican reads it (`split`'s `pelican`): a `---` block ended by a blank
        # line, metadata ended by a line of text. Its body starts at the line it started at.
        start = 0
        for _ in range(body_line - 1):
            start = text.find("\n", start) + 1
        src = Source(text, "", fm_text="", fm_first_line=1, body_start=start, body_line=body_line)
    elif src is None or bare and src.body_line > 1:
        # Its body started at line 1 when it was read, yet its first line opens front
        # matter: it was read under Jekyll's rules (`split`'s `jekyll`), where that line
        # (`----`, `+++`, `{`) is text, and the whole file is the body.
        src = Source(text, fm_format="", fm_text="", fm_first_line=1, body_start=0, body_line=1)
    body = text[src.body_start :]
    if not has_illegal(raw):
        return body
    return strip_illegal(body, shown, [] if warnings is None else warnings, src.body_line)
