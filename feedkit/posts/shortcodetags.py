"""Where each Hugo shortcode starts and ends in a post's body (feedkit/posts/shortcodes.py
makes them): the tag as Hugo reads it, each `{{<` or `{{%` it cannot read and why, and the
tag that closes each paired one. Each in time linear in the body: a body of starts that
never end, or of openings never closed, took seconds to minutes read otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# {{< name params >}}, {{% /name %}}, {{< name />}}, {{</* escaped */>}}. A "string" is on
# one line, as Hugo reads it (a `raw` one is not). Each part is read once (possessive), and
# no `{{<` or `{{%` is in the parameters but in quotes: a `{{<` that never ends costs the
# text up to the next one, not the rest of the body.
TAG = re.compile(
    r"\{\{(?P<d>(?P<angle><)|%)(?P<esc>/\*)?\s*+(?P<close>/)?\s*+(?P<name>[\w.-]++)"
    r"(?P<params>(?:\"(?:[^\"\\\n]|\\.)*+\"|`[^`]*+`|\s++|[^\"`{\s]|\{(?!\{[<%]))*?)"
    r"(?P<self>/)?\s*+(?(esc)\*/|(?<!\*/))(?(angle)>|%)\}\}",
    re.DOTALL,
)
# Any start of one, and what follows a start `TAG` does not read (see `not_understood`).
_START = re.compile(r"\{\{[<%]")
_OPENING = re.compile(r"\{\{([<%])(/\*)?\s*+/?\s*+([\w.-]*+)")
_PART = re.compile(
    r"\"(?:[^\"\\\n]|\\.)*+\"|`[^`]*+`|(?P<quote>[\"`])|(?P<end>(?:\*/)?\s*+[>%]\}\})"
    r"|(?P<next>\{\{[<%])|[^\"`*>%{]++|.",
    re.DOTALL,
)


def unread(body: str, tags: list[re.Match[str]]) -> Iterator[int]:
    """Yield where each `{{<` and `{{%` is that starts none of `tags` and is in none."""
    found = iter(tags)
    tag = next(found, None)
    for start in _START.finditer(body):
        while tag is not None and tag.end() <= start.start():
            tag = next(found, None)
        if tag is None or start.start() < tag.start():
            yield start.start()


def not_understood(body: str, at: int) -> str:
    """Return the problem of the `{{<` or `{{%` at `at`, which starts no shortcode: Hugo
    stops the build there. It is left as written: where it ends is not known (a `raw`
    string never closed runs on), and leaving it out could take the rest of the post."""
    opening = _OPENING.match(body, at)
    assert opening is not None  # `unread` found `{{<` or `{{%` there
    left, escaped, name = opening.groups()
    if not name:
        return "shortcode with no name; left as written"
    end = ">}}" if left == "<" else "%}}"
    why = f"no {end} after it"
    for part in _PART.finditer(body, opening.end()):
        ending = part["end"] or ""
        if part["quote"]:
            why = f"a {part['quote']} never closed"
        elif ending.endswith(end) or escaped and ending.startswith("*/"):
            # `*/` and the end as one, its kind's: `{{</* x */%}}`, `{{< x */>}}`, `*/ >}}`
            as_escaped = ending.startswith("*/") and ending.endswith(f"*/{end}")
            why = "" if as_escaped == bool(escaped) else f"an escape is {{{{{left}/* {name} */{end}"
        elif not part["next"]:
            continue
        break
    return f"{name}: shortcode not understood{f' ({why})' if why else ''}; left as written"


def closings(tags: list[re.Match[str]]) -> list[int]:
    """Return the index of the tag that closes each of `tags`, -1 for none: the first
    closing one of its name after it with as many openings of that name as closings
    between them. In one pass: looking ahead from each opening, 20,000 never closed took
    20 s."""
    closing = [-1] * len(tags)
    opened: dict[str, list[int]] = {}
    for j, tag in enumerate(tags):
        if tag["esc"] or tag["self"]:
            continue
        if not tag["close"]:
            opened.setdefault(tag["name"], []).append(j)
        elif waiting := opened.get(tag["name"]):
            closing[waiting.pop()] = j
    return closing
