"""Front matter → its mapping: YAML, TOML, JSON or Pelican's header, as `postfile` split it
from the file, with a syntax error's line counted in the file.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from feedkit.errors import Problem
from feedkit.posts import pelicanmeta, simpleyaml
from feedkit.posts.postfile import FileProblems, Source, boundaries
from feedkit.posts.uncarried import XML_ILLEGAL

if TYPE_CHECKING:
    from frontmatter.default_handlers import BaseHandler

# A TOML key whose value is written as a date or time that tomllib refuses (2023-02-30,
# 2023-13-01T10:00:00Z): group 2 is the value. Compiled when first met, as it rarely is.
_TOML_DATE_LINE = (
    r"""^(\s*(?:[\w-]+|"[^"\n]*"|'[^'\n]*')\s*=\s*)"""
    r"(\d{4}-\d\d-\d\d(?:[Tt ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?:[Zz]|[+-]\d\d:\d\d)?)"
    r"([ \t]*(?:#.*)?)$"
)


def load_toml(text: str) -> dict[str, Any]:
    """Return TOML front matter; a date that names no real day (which tomllib refuses, as a
    syntax error) is read as its text, for the post to report at its key's line."""
    lines: list[str] | None = None
    while True:  # each turn quotes one more line, or raises
        try:
            return tomllib.loads(text if lines is None else "\n".join(lines))
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
            lines = text.split("\n") if lines is None else lines
            index = int(m.group(1)) - 1 if m else -1
            date = re.match(_TOML_DATE_LINE, lines[index]) if 0 <= index < len(lines) else None
            if date is None:
                raise
            lines[index] = f'{date[1]}"{date[2]}"{date[3]}'


@lru_cache(maxsize=1)
def handlers() -> tuple[tuple[str, BaseHandler], ...]:
    """Return python-frontmatter's handlers by format, loaded on first use: a build that
    finds nothing changed never needs PyYAML."""
    from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

    class TOMLHandler(BaseHandler):
        """python-frontmatter's TOML handler needs the unmaintained `toml`; tomllib does it."""

        FM_BOUNDARY = dict(boundaries())["TOML"]
        START_DELIMITER = END_DELIMITER = "+++"

        def load(self, fm: str, **kwargs: object) -> Any:
            return load_toml(fm)

    return (("YAML", YAMLHandler()), ("TOML", TOMLHandler()), ("JSON", JSONHandler()))


def parse_front_matter(
    src: Source, shown: str, warnings: list[Problem] | None = None, hugo: bool = False
) -> dict[str, Any]:
    """Return the front matter mapping, or raise with the file's line of the syntax error.
    A character XML cannot carry that an escape writes in a value (YAML's, TOML's or JSON's
    `"\\u0000"`, YAML's `\\e`) is removed, with a warning at its key's line in `warnings`:
    a title or tag with one stopped the build with lxml's traceback. A Hugo page's YAML
    (`hugo`) is read as Hugo 0.168 reads it (see `fastyaml.load`'s `yaml12`)."""
    data, simple = _parsed(src, shown, hugo)
    if src.fm_format == "YAML" and not simple and warnings is not None and data:
        warnings.extend(_twice(src, shown))
    # The file's own such characters were removed when it was read (`postfile.decode`):
    # only a backslash escape writes one now.
    if "\\" in src.fm_text and data:
        _remove_illegal(data, src, shown, warnings)
    return data


@lru_cache(maxsize=1)
def _uncarried() -> re.Pattern[str]:
    """Return what no feed can carry in a value: the characters XML cannot
    (uncarried.XML_ILLEGAL), and a lone surrogate, which JSON's `"\\ud800"` writes (YAML and
    TOML refuse one) and UTF-8 cannot encode: the build stopped with a UnicodeEncodeError's
    traceback. Compiled when first needed: the class reaches past U+00FF, for which re
    builds a 65,536-entry map (tests/test_startup.py)."""
    return re.compile(f"{XML_ILLEGAL}|[\ud800-\udfff]")


def without_uncarried(value: Any, found: list[str], seen: set[int]) -> Any:
    """Return `value` (a text, or a list or mapping of them, changed in place) without the
    characters no feed can carry, each added to `found`; a list or mapping in `seen` (by
    id: YAML's aliases share one, or one holds itself) is walked once."""
    if type(value) is str:
        uncarried = _uncarried()
        if uncarried.search(value) is None:
            return value
        found.extend(uncarried.findall(value))
        return uncarried.sub("", value)
    if isinstance(value, list | dict) and id(value) not in seen:
        seen.add(id(value))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for index, item in list(items):
            value[index] = without_uncarried(item, found, seen)
    return value


# A top-level key of YAML front matter, at a line's start: a plain one or one in quotes.
_TOP_KEY = re.compile(
    r"""^(?:([A-Za-z_][\w.-]*)|"([^"\n]+)"|'([^'\n]+)')[ \t]*:(?:[ \t]|$)""", re.M
)


def _twice(src: Source, shown: str) -> list[Problem]:
    """Return a warning for each top-level key the YAML front matter gives more than once:
    PyYAML, and Jekyll's YAML, read the last without a word (Hugo's refuses the file), and
    a migration script's second `date:` went unseen. (`simpleyaml` leaves such a document
    to PyYAML: this looks only at those.)"""
    seen: dict[str, int] = {}
    found = []
    for m in _TOP_KEY.finditer(src.fm_text):
        key = m[1] or m[2] or m[3]
        line = src.fm_first_line + src.fm_text.count("\n", 0, m.start())
        if key in seen:
            found.append(
                Problem(
                    shown,
                    line,
                    f"{key}: given twice in the front matter (line {seen[key]} too); the last "
                    "is read, as Jekyll reads it; remove the other",
                    warning=True,
                )
            )
        else:
            seen[key] = line
    return found


def _remove_illegal(
    data: dict[str, Any], src: Source, shown: str, warnings: list[Problem] | None
) -> None:
    """Remove the characters XML cannot carry from every text in `data`, in place (a list or
    mapping that YAML's aliases share is walked once), warning once per top-level key."""
    seen = {id(data)}
    for key, value in data.items():
        found: list[str] = []
        data[key] = without_uncarried(value, found, seen)
        if found and warnings is not None:
            warnings.append(
                Problem(
                    shown,
                    src.key_line(key),
                    f"{key}: removed {len(found)} character(s) that XML feeds cannot "
                    f"carry, written as escapes (first: U+{ord(found[0]):04X})",
                    warning=True,
                )
            )


def _parsed(src: Source, shown: str, hugo: bool = False) -> tuple[dict[str, Any], bool]:
    """Return the front matter's mapping, and whether `simpleyaml` read it (no key in it
    twice, then)."""
    yaml12 = hugo and src.fm_format == "YAML" and simpleyaml.yaml11_only(src.fm_text)
    if src.fm_format == "YAML" and not yaml12:
        # Most posts' front matter, read without PyYAML (and its import, when all are).
        simple = simpleyaml.load(src.fm_text)
        if simple is not None:
            return simple, True
    elif not src.fm_format:  # none at all (see `postfile.split`)
        return {}, True
    import json  # here, as yaml: a build that finds nothing changed parses no front matter

    import yaml

    from feedkit.posts import fastyaml

    try:
        # python-frontmatter finds the block; the YAML in it goes through PyYAML's C parser
        # with a leaner object builder (same result, a third less time over 20,000 posts).
        if src.fm_format == "YAML":
            data = fastyaml.load(src.fm_text, yaml12=yaml12)
        elif src.fm_format == pelicanmeta.FORMAT:
            data = pelicanmeta.load(src.fm_text)
        else:
            data = dict(handlers())[src.fm_format].load(src.fm_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = src.fm_first_line + (mark.line if mark else 0)
        what = exc.problem or exc.context or "syntax error"
        if exc.context and exc.context_mark and exc.problem:
            what += f" ({exc.context} at line {src.fm_first_line + exc.context_mark.line})"
        raise FileProblems([Problem(shown, line, f"YAML front matter: {what}")]) from exc
    except yaml.YAMLError as exc:
        raise FileProblems(
            [Problem(shown, src.fm_first_line, f"YAML front matter: {exc}")]
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        if m:
            line = src.fm_first_line + int(m.group(1)) - 1
        else:  # "at end of document": the last line of the block
            line = src.fm_first_line + max(src.fm_text.count("\n") - 1, 0)
        message = re.sub(r"\s*\(at (?:line|end of).*?\)", "", str(exc))
        raise FileProblems([Problem(shown, line, f"TOML front matter: {message}")]) from exc
    except json.JSONDecodeError as exc:
        raise FileProblems([Problem(shown, exc.lineno, f"JSON front matter: {exc.msg}")]) from exc
    except ValueError as exc:  # Pelican's header: a line that is no `Key: value`
        line = pelicanmeta.error_line(src.fm_text)
        raise FileProblems([Problem(shown, line, f"Pelican metadata: {exc}")]) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FileProblems(
            [
                Problem(
                    shown,
                    src.fm_first_line,
                    f"front matter must be a mapping of keys to values (like 'title: …'), "
                    f"not a {type(data).__name__}",
                )
            ]
        )
    return {str(k): v for k, v in data.items()}, False
