"""kramdown's additions to Markdown (Jekyll's default engine), read before and after pyromark.

`prepare` finds kramdown's constructs in a post's text outside code (pyromark's own events say
where its text is, so code blocks, code spans, HTML and math keep `{:` verbatim; reading the
constructs there is `kramdown_syntax`'s part), records what each means and leaves a marker
where it stood: `<!--kd-N-->` on a line of its own for the
block-level ones (an HTML comment ends the block before it, as kramdown's IAL line does), an
inline `<kd-N>` in text. `kramdown_html.finish` applies them to pyromark's HTML: attributes
onto the element, kramdown's table of contents, raw `{::nomarkdown}` HTML, `<abbr>` for
abbreviations. Markers that find no element are dropped by the sanitiser, as unknown markup.

Understood: block IALs (`{: .c #id k="v"}` on the line after a block, or before one), span
IALs after an image, link, emphasis or code span, list item IALs (`* {:.c} item`), ALDs
(`{:name: …}` used as `{: name}`), `{:toc}`, `{::comment}`, `{::nomarkdown}`, `{::options}`
(read and ignored), abbreviations (`*[HTML]: …`). Anything else starting with `{:` outside
code, attribute list lines inside HTML blocks too, is left out of the post and reported by
`warnings`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from feedkit.errors import Problem
from feedkit.models import Post
from feedkit.posts import comments
from feedkit.posts.edits import edited
from feedkit.posts.events import tag_name
from feedkit.posts.kramdown_look import has_kramdown
from feedkit.readonly import readonly

if TYPE_CHECKING:
    from feedkit.posts.reading import Reading

Attrs = tuple[tuple[str, str], ...]

# Patterns as text, compiled where they are used (re keeps each compiled): most posts have
# no kramdown syntax, and compiling them all took 1.5 ms of every build that renders a post.
_HTML_CODE = r"(?i)<(?:pre|code|script|style|textarea)\b"
_INLINE_ELEMENTS = {"Emphasis", "Strong", "Strikethrough", "Link", "Image"}
_INLINE_ELEMENTS |= {"Superscript", "Subscript"}


@readonly()
class Fix:
    """What one marker stands for."""

    kind: str  # after | before | span | item | raw | heading | toc
    attrs: Attrs = ()
    text: str = ""  # raw HTML (raw), the heading's source text (heading), ul/ol (toc)


@readonly()
class Prepared:
    """A post's text with kramdown's constructs as markers, and what they mean."""

    text: str
    marker: str  # the markers' name: <!--NAME-3-->, <NAME-3> (a name the post does not use)
    fixes: tuple[Fix, ...]
    abbreviations: tuple[tuple[str, str], ...]
    warnings: tuple[tuple[int, str], ...]  # (line in the text, counted from 0, message)


def prepare(text: str) -> Prepared | None:
    """Return `text` with kramdown's constructs made markers, or None when it has none."""
    return _prepare(text) if has_kramdown(text) else None


def warnings(text: str) -> tuple[tuple[int, str], ...]:
    """Return (line from 0, message) for each kramdown construct in `text` not understood."""
    prepared = prepare(text)
    return prepared.warnings if prepared else ()


def problems(post: Post, body: str, reading: Reading) -> list[Problem]:
    """Return a `path:line` warning for each kramdown construct in a post's body not
    understood, as `reading` reads the body: an HTML comment left open as text where it is
    so (`comments.as_text`: an attribute list below it is then applied, not in HTML); in a
    Pelican site's post, an attribute list as attr_list reads it, a value not in quotes
    allowed."""
    body = comments.as_text(body, reading)  # the same lines: `&lt;` for `<`
    if reading.python_markdown:
        from feedkit.posts.pymarkdown_extensions import attr_lists

        body = attr_lists(body)
    return [
        Problem(post.rel_path, post.body_line + line, message, warning=True)
        for line, message in warnings(body)
    ]


@lru_cache(maxsize=4)
def _prepare(text: str) -> Prepared:
    from feedkit.posts.kramdown_syntax import TextRun, read_constructs

    texts: list[TextRun] = []
    protected: list[tuple[int, int]] = []  # code, HTML and math: never read as kramdown
    headings: list[tuple[int, int, int]] = []  # heading range and where its content starts
    stack: list[tuple[str, int, bool]] = []
    html_lines: list[tuple[int, int]] = []  # lines of HTML blocks with no code in them
    code = 0
    after_element = in_heading = html_code = False
    value: Any
    # pyromark's ranges count UTF-8 bytes; this module indexes the text by characters.
    at = None if text.isascii() else _char_index(text)
    events, back = _as_kramdown_ends_html(text)
    for event, where in events:
        start, end = where["start"], where["end"]
        if back is not None:
            start, end = back(start), back(end)
        if at is not None:
            start, end = at(start), at(end)
        if in_heading:  # the heading's content starts with this event
            in_heading = False
            if not (isinstance(event, dict) and "End" in event):
                headings[-1] = (*headings[-1][:2], start)
        if isinstance(event, str):
            after_element = False
            continue
        ((key, value),) = event.items()
        if key == "Start":
            name = tag_name(value)
            if name in ("CodeBlock", "MetadataBlock"):
                code += 1
                protected.append((start, end))
            elif name == "Heading":
                headings.append((start, end, -1))
                in_heading = True
            ordered = name == "List" and value[name] is not None
            stack.append((name, start, ordered))
            after_element = False
        elif key == "End":
            name, _, _ = stack.pop()
            html_code = html_code and name != "HtmlBlock"
            if name in ("CodeBlock", "MetadataBlock"):
                code -= 1
            after_element = name in _INLINE_ELEMENTS
        elif key == "Text" and not code:
            lists = [(s, o) for n, s, o in stack if n == "List"]
            list_start, ordered = lists[-1] if lists else (-1, False)
            texts.append(TextRun(start, end, after_element, list_start, ordered))
            after_element = False
        else:
            if key == "Html":
                html_code = html_code or re.compile(_HTML_CODE).search(value) is not None
                if not html_code and "{:" in value:
                    html_lines.append((start, end))
            if key != "Text":
                protected.append((start, end))
            after_element = key == "Code" or (key == "InlineHtml" and value.startswith("</"))
    return read_constructs(text, texts, protected, headings, html_lines)


def _as_kramdown_ends_html(text: str) -> tuple[Iterable[Any], Callable[[int], int] | None]:
    """Return pulldown-cmark's events of `text` (with their ranges) with each HTML block
    ended where kramdown ends it (`kramdown_htmlends.html_block_ends`: the paragraph right
    below `</div>`, and the attribute list under it, are Markdown); and, when that took blank
    lines `text` does not have, what maps a range's offset back into `text` (None: none)."""
    # Here: kramdown_reading (the rest of it a Jekyll site's) compiles its patterns on import.
    from feedkit.posts.kramdown_reading import may_end_html_early
    from feedkit.posts.markup import markdown

    events: Iterable[Any] = markdown().events_with_range(text, merge_text=True)
    if not may_end_html_early(text):
        return events, None
    from feedkit.posts.kramdown_htmlends import html_block_ends

    data = text.encode()
    events = list(events)
    ends = sorted(html_block_ends(data, events))
    if not ends:
        return events, None
    # Where each blank line is in the text read: after those before it.
    inserted = [start + number for number, (start, _, _) in enumerate(ends)]
    read = markdown().events_with_range(edited(data, ends), merge_text=True)
    return read, lambda offset: offset - bisect_left(inserted, offset)


def _char_index(text: str) -> Callable[[int], int]:
    """Return a function from a UTF-8 byte offset in `text` to its character index."""
    starts = list(accumulate((len(c.encode()) for c in text), initial=0))
    return lambda offset: bisect_left(starts, offset)


# A line of Goldmark's block attributes (Hugo's `markup.goldmark.parser.attribute.block`):
# `{.warn}`, `{ #id .c key=value }` alone on the line right below a block's last line.
_GOLDMARK_ATTRIBUTES = re.compile(r"(?m)(\n)[ \t]*\{(?!:)([^{}\n]*)\}[ \t]*$")
_GOLDMARK_ATTRIBUTE = re.compile(
    r"""\s*(?:([#.][A-Za-z_][\w:-]*)|([A-Za-z_][\w:.-]*)=(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"'=<>`{}]+)))"""
)


def from_goldmark_attributes(text: str) -> str:
    """Return a Hugo post's Markdown with each line of Goldmark's block attributes (outside
    code) written as kramdown's attribute list (`{.warn}` is `{: .warn}`, `width=300` is
    `width="300"`), which `prepare` reads: on the line right below a block, they are its
    attributes in both; below a blank line, Goldmark sets them on nothing, and they are
    left out. A line that is no such list is left as it is (text, as in Hugo)."""
    if "{" not in text or _GOLDMARK_ATTRIBUTES.search(text) is None:
        return text
    from feedkit.posts.pelicanlinks import code_ranges

    code = code_ranges(text)

    def written(m: re.Match[str]) -> str:
        if any(start <= m.start(2) < end for start, end in code):
            return m[0]
        parts, at, body = [], 0, m[2].strip()
        while at < len(body):
            found = _GOLDMARK_ATTRIBUTE.match(body, at)
            if found is None:
                return m[0]
            if found[1]:
                parts.append(found[1])
            else:
                value = next(v for v in found.groups()[2:] if v is not None)
                parts.append(f'{found[2]}="{value}"')
            at = found.end()
        if not parts:
            return m[0]
        if not text[text.rfind("\n", 0, m.start()) + 1 : m.start()].strip():
            return m[1]  # no block right above it: Goldmark sets them on none (nor the next)
        return f"{m[1]}{{: {' '.join(parts)}}}"

    return _GOLDMARK_ATTRIBUTES.sub(written, text)
