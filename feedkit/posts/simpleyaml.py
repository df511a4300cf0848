"""YAML front matter in the few forms nearly every post writes, read without PyYAML.

Those forms: `key: value` lines at the left margin, each value a plain scalar, a quoted one
on one line, or a one-line flow list of such scalars; a bare `key:` with a block list of
scalars below it (or nothing: null); blank lines and comment lines. Each form is taken
narrower than YAML allows it (a plain scalar with no ": " or " #", a double-quoted one with
no escape but \\" and \\\\, no tab anywhere): `load` gives None for anything else, and
`fastyaml.load` (PyYAML's C parser) reads that document. The result is the same either way,
implicit types included (tests/test_simpleyaml.py compares the two on made-up documents and
every front matter we have), and a build whose posts all keep to these forms parses their
front matter in a fifth of the time and never imports PyYAML.
"""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo
from typing import Any


class Unusual(Exception):
    """A document, or a part of one, not in the simple forms: PyYAML's parser reads it."""


# A key: a plain name (YAML takes at most 1,024 characters as a key on one line).
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,200}")
# A double-quoted scalar's text with an escape: only \" and \\ are read here.
_DOUBLE_ESCAPED = re.compile(r'(?:[^"\\]|\\["\\])*')
_ESCAPE = re.compile(r'\\(["\\])')
# What a plain scalar may not start with (YAML's indicators); in a flow list what it may not
# hold here (YAML allows some of it, libyaml and PyYAML read ":" there differently).
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_FLOW_PLAIN_BAD = re.compile(r"""[\[\]{}:'"]| #""")

# PyYAML's implicit types (yaml.resolver.Resolver), for the plain scalars of the simple forms:
# these words are booleans or null; a scalar starting with any of _TYPED_START may be a number,
# a timestamp, a merge key or a value key; every other plain scalar is a string.
WORDS: dict[str, Any] = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    **dict.fromkeys(("~", "null", "Null", "NULL"), None),
}
_TYPED_START = frozenset("-+.0123456789<=")
# Forms of those read here: a base-10 integer, a date, a date and time (the ISO forms
# PyYAML's timestamp pattern takes and no number pattern does); the rest by PyYAML's rules.
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:Z|[-+][0-9]{2}:[0-9]{2})?)?"
)  # without its seconds (group 1), YAML's timestamp pattern takes none of it: a string
_ZONES: dict[tzinfo, tzinfo] = {}  # each fixed offset met, by itself
_KEYS: set[str] = set()  # keys already found to be plain names that YAML reads as strings


# A plain scalar that YAML 1.1 (PyYAML, and Jekyll's and Pelican's YAML) and Hugo 0.168's
# YAML read differently, somewhere in a document: a boolean of YAML 1.1 alone (`yes`, `No`,
# `on`, `OFF`), which Hugo reads as text, or a base-60 number (`1:30`, 90 to YAML 1.1). Only
# where a whole value stands (after `key: `, `- `, `[` or `,`, and up to the line's end, a
# `,`, a `]` or a comment): "Notes on Python" sends no title the slower way.
_YAML11_ONLY = re.compile(
    r"(?:^[ \t]*-[ \t]+|[\[,{][ \t]*|:[ \t]+)"
    r"(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)"
    r"[ \t]*(?:$|[,\]}]|#)",
    re.M,
)


def yaml11_only(text: str) -> bool:
    """Return whether the YAML `text` may hold a scalar YAML 1.1 reads as Hugo does not."""
    return _YAML11_ONLY.search(text) is not None


def load(text: str) -> dict[str, Any] | None:
    """Return the mapping in a YAML front matter written in the simple forms, as PyYAML's
    safe loader gives it; None when it is not (or is empty)."""
    try:
        return _read(text)
    except Unusual:
        return None


def _read(text: str) -> dict[str, Any] | None:
    lines = text.split("\n")
    mapping: dict[str, Any] = {}
    count, index = len(lines), 0
    while index < count:
        line = lines[index]
        index += 1
        if not line.isprintable():
            # A character YAML does not allow (PyYAML refuses it), a tab, a line break other
            # than "\n" (YAML 1.1 also breaks lines at \x85, \u2028 and \u2029), a byte order
            # mark: Python's printable characters are a part of YAML's, without those.
            raise Unusual
        if not line or line[0] == "#" or line.isspace():
            continue
        colon = line.find(":")
        key = line[:colon]
        if colon < 0 or (key not in _KEYS and not _string_key(key)) or key in mapping:
            raise Unusual  # a key given twice too: fmparse names its lines
        rest = line[colon + 1 :]
        written = rest.strip(" ")
        if written:
            if rest[0] != " ":  # `a:b` is one scalar, no key
                raise Unusual
            mapping[key] = _list(written) if written[0] == "[" else _scalar(written)
            continue
        items: list[Any] | None = None  # a bare `key:`: a block list below it, or null
        indent = -1
        while index < count:
            line = lines[index]
            if not line.isprintable():
                raise Unusual
            if not line or line[0] == "#" or line.isspace():
                index += 1
                continue
            item = line.lstrip(" ")
            if item[:2] != "- ":
                break  # the next key; anything else is not read here
            if items is None:
                items, indent = [], len(line) - len(item)
            elif len(line) - len(item) != indent:
                raise Unusual
            written = item[2:].strip(" ")
            if not written:
                raise Unusual
            items.append(_scalar(written))
            index += 1
        mapping[key] = items
    return mapping or None


def _string_key(key: str) -> bool:
    """Return True for a key of the simple forms (a plain name read as a string), and
    remember it: a site's posts use a few dozen keys."""
    if _KEY.fullmatch(key) is None or key in WORDS:
        return False
    _KEYS.add(key)
    return True


def _scalar(written: str) -> Any:
    """Return a scalar written on one line (without the spaces around it)."""
    first = written[0]
    if first == '"':
        if len(written) < 2 or written[-1] != '"':
            raise Unusual
        body = written[1:-1]
        if '"' in body or "\\" in body:
            if _DOUBLE_ESCAPED.fullmatch(body) is None:
                raise Unusual
            return _ESCAPE.sub(r"\1", body)
        return body
    if first == "'":
        if len(written) < 2 or written[-1] != "'":
            raise Unusual
        body = written[1:-1]
        if "'" in body:
            if "'" in body.replace("''", ""):
                raise Unusual
            return body.replace("''", "'")
        return body
    if first in _PLAIN_START or ": " in written or " #" in written or written[-1] == ":":
        raise Unusual
    return plain(written)


def _list(written: str) -> list[Any]:
    """Return a flow list written on one line: `[a, "b c", 'd']`."""
    if written[-1] != "]":
        raise Unusual
    inner = written[1:-1]
    if not inner.strip(" "):
        return []
    items = []
    for part in inner.split(","):
        item = part.strip(" ")
        if not item:
            raise Unusual
        if item[0] not in "\"'" and (item[0] in _PLAIN_START or _FLOW_PLAIN_BAD.search(item)):
            raise Unusual
        items.append(_scalar(item))
    return items


def plain(text: str) -> Any:
    """Return what a plain (unquoted) scalar stands for, by YAML's implicit types."""
    first = text[0]
    if first not in _TYPED_START:
        return WORDS.get(text, text)
    if _DECIMAL.fullmatch(text) is not None:
        return int(text)
    if len(text) == 10 and _DATE.fullmatch(text) is not None:
        try:
            return date.fromisoformat(text)
        except ValueError:  # no such day: PyYAML's rules say what is kept
            pass
    elif (timestamp := _DATETIME.fullmatch(text)) is not None:
        if timestamp[1] is None:
            return text
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:  # one zone object per offset: 20,000 posts' dates pickle and keep a few
            zone = value.tzinfo
            if zone is None:
                return value
            return value.replace(tzinfo=_ZONES.setdefault(zone, zone))
    from feedkit.posts import fastyaml  # numbers and the rarer forms: PyYAML's own rules

    return fastyaml.plain(text)
