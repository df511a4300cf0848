"""The syntax of Python-Markdown's extensions that feedkit follows, as edits to a post's
text before pulldown-cmark reads it: attr_list's attribute lists (as kramdown's, which
feedkit applies), codehilite's header naming an indented code block's language, and
admonition's boxes. Where Python-Markdown itself reads otherwise than CommonMark:
feedkit/posts/pythonmarkdown.py.
"""

from __future__ import annotations

import html
import re
from typing import Any

from feedkit.posts.edits import edited


def attr_lists(text: str) -> str:
    """Return `text` with its attribute lists as kramdown reads them (`kramdown.prepare`),
    where Python-Markdown's attr_list reads them: each written `{: …}` (`colon_lists`), each
    value in quotes (`quoted_values`)."""
    return quoted_values(colon_lists(text))


# An attribute list without its colon (`{.note}`, `{ #id }`, `{width=50%}`) where attr_list
# reads one (its BLOCK_RE and INLINE_RE): on a line of its own right below a block's line
# (its indent and what it holds, groups 1 and 2), or right after an element of text:
# emphasis, code, a link or an image (group 3).
_COLONLESS = re.compile(
    r"(?m)(?:(?<=[^\s]\n)([ ]*)\{[ ]*(?=[^}\s:])([^}\n]*)\}(?=[ ]*$)"
    r"|(?<=[*_`)\]])\{[ ]*(?=[^}\s:])([^}\n]*)\})"
)


# What such a list holds: classes, ids, `key=value` pairs (a bare word, which kramdown reads
# as a definition's name, is left as typed).
_ATTRIBUTES = re.compile(
    r"""(?:[ ]*(?:[.#][^\s.#={}]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s"'}]+)))+[ ]*$"""
)


def colon_lists(text: str) -> str:
    """Return `text` with each attribute list Python-Markdown's attr_list reads without a
    colon (`Para` then `{.note}` below it, `*em*{.x}`, `![a](b.png){width=50%}`) written as
    kramdown's `{: …}`, outside code: kramdown needs the colon, and feedkit applies both as
    kramdown does (a `{…}` anywhere else is text to both)."""
    if "{" not in text or not _COLONLESS.search(text):
        return text
    from feedkit.posts.pelicanlinks import code_ranges

    code = code_ranges(text)

    def with_colon(m: re.Match[str]) -> str:
        if any(a <= m.start() < b for a, b in code) or not _ATTRIBUTES.match(m[2] or m[3]):
            return m[0]
        if m[2] is None:
            return "{: " + m[3] + "}"
        above = text[text.rfind("\n", 0, m.start() - 1) + 1 : m.start() - 1].lstrip()
        if above.startswith(("#", "|", "```", "~~~")):  # a heading's, a table's, a fence's
            return m[0]
        return m[1] + "{: " + m[2] + "}"

    return _COLONLESS.sub(with_colon, text)


# An attribute list (`{: …}`, Python-Markdown's attr_list) with a value not in quotes in it.
_UNQUOTED_LIST = re.compile(r"\{:([^}\n]*\b[\w-]+=[^\s\"'}][^}\n]*)\}")
_UNQUOTED_VALUE = re.compile(r"(\b[\w-]+)=([^\s\"'}]+)")


def quoted_values(text: str) -> str:
    """Return `text` with each value of an attribute list that is not in quotes
    (`{: width=50% }`) in quotes, outside code: Python-Markdown's attr_list takes it so,
    where kramdown's (which reads the list, `kramdown.prepare`) takes only a quoted one."""
    if "{:" not in text or not _UNQUOTED_LIST.search(text):
        return text
    from feedkit.posts.pelicanlinks import code_ranges

    code = code_ranges(text)

    def quoted(m: re.Match[str]) -> str:
        if any(a <= m.start() < b for a, b in code):
            return m[0]
        return "{:" + _UNQUOTED_VALUE.sub(r'\1="\2"', m[1]) + "}"

    return _UNQUOTED_LIST.sub(quoted, text)


# A line that may be an indented code block's first, naming its language to codehilite.
MAY_NAME_LANGUAGE = re.compile(r"^[ \t>]*(?:[ ]{4}|\t)[ \t>]*(?:::|#!)", re.MULTILINE)
# codehilite's header (Python-Markdown 3.4's CodeHilite._parseHeader), at the code's first
# line: two colons or more, or a shebang; a path (`/usr/bin/`, or a lone space) keeps the line.
# (In a list item, CommonMark's code may keep spaces before it that Python-Markdown's, its
# items indented by four, does not.)
_CODE_HEADER = re.compile(rb"[ \t]*(?:::+|#!)(?P<path>(?:/\w+)*[/ ])?")


def code_headers(text: str, options: Any) -> str:
    """Return `text` without the first line of each indented code block that codehilite
    reads as the block's language, as Python-Markdown's codehilite extension does:
    `:::bash`, `::python hl_lines="2"`, `#!python` (a shebang without a path, which also
    numbers the lines on Pelican's page); a line with a path (`#!/usr/bin/env python`,
    `::: bash`) stays the code's, as there. Fenced blocks keep theirs (codehilite reads no
    header in them)."""
    from feedkit.posts.markup import markdown

    data = text.encode()  # pyromark's ranges count UTF-8 bytes
    edits: list[tuple[int, int, bytes]] = []
    first = False  # the event before started an indented code block
    for event, where in markdown(False, options).events_with_range(text):
        began = event.get("Start") if isinstance(event, dict) else None
        if first and isinstance(event, dict) and "Text" in event:
            start = where["start"]
            line = data.rfind(b"\n", 0, start) + 1
            header = _CODE_HEADER.match(data, start)
            # Only a whole line, before which are indents and quotes' `>` (not a list's marker).
            if header and not header["path"] and not data[line:start].strip(b" \t>"):
                end = data.find(b"\n", start)
                edits.append((line, len(data) if end < 0 else end + 1, b""))
        first = isinstance(began, dict) and began.get("CodeBlock") == "Indented"
    return edited(data, edits) if edits else text


# Python-Markdown's admonition (its AdmonitionProcessor.RE): `!!! type "Title"`.
_ADMONITION = re.compile(r'!!! ?([\w\-]+(?: +[\w\-]+)*)(?: +"(.*?)")? *')


def admonitions(text: str) -> str:
    """Return `text` with each admonition of Python-Markdown's extension, outside code, as
    the box it makes: `<div class="admonition note">`, its title (`Note` when it gives none,
    none for `""`) in a `<p class="admonition-title">`, then its lines, indented by four,
    as Markdown. Without it, a post showed `!!! note "Watch out"` as typed."""
    from feedkit.posts.texdelims import regions

    code, _ = regions(text)
    lines = text.split("\n")
    out: list[str] = []
    at = index = 0  # the line's offset in bytes (as `regions` counts), its number
    while index < len(lines):
        line = lines[index]
        found = _ADMONITION.fullmatch(line.rstrip("\r"))
        if found is None or any(a <= at < b for a, b in code):
            out.append(line)
            at += len(line.encode()) + 1
            index += 1
            continue
        classes = " ".join(found[1].lower().split())
        title = classes.split(" ")[0].capitalize() if found[2] is None else found[2]
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            following = lines[end]
            if following.startswith(("    ", "\t")):
                body.append(following[1:] if following.startswith("\t") else following[4:])
            elif not following.strip() and any(
                more.startswith(("    ", "\t")) for more in lines[end + 1 : end + 2]
            ):
                body.append("")
            else:
                break
            end += 1
        head = [f'<div class="admonition {classes}">']
        if title:
            head.append(f'<p class="admonition-title">{html.escape(title)}</p>')
        out += ["", *head, "", *body, "", "</div>", ""]
        at += sum(len(each.encode()) + 1 for each in lines[index:end])
        index = end
    return "\n".join(out)
