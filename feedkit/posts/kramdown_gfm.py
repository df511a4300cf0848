"""Span-level HTML lines in a Jekyll post, read as kramdown's GFM input (Jekyll's default)
reads them: such a line starts a paragraph, where CommonMark starts an HTML block.

`gfm_paragraphs` rewrites the text so CommonMark reads it so, before Liquid and Markdown.
"""

from __future__ import annotations

import re

# Jekyll reads posts with kramdown's GFM input: a line of span-level HTML (`<a name="x" />`)
# starts a paragraph there, which a heading, list or quote on the next line ends. CommonMark
# starts an HTML block instead, which runs on to the next blank line and shows the Markdown
# in it as text.
_SPAN_HTML_LINE = (
    rb"(?i)[ ]{0,3}<(a|abbr|b|br|cite|code|em|i|img|kbd|mark|q|s|small|span|strong|sub|sup|time|u)"
    rb"\b[^<>]*>(?:</\1>)?[ \t]*\r?\n"
)


def gfm_paragraphs(text: str) -> str:
    """Return `text` with a blank line after each top-level line of span-level HTML that
    starts an HTML block of more lines: what follows it is Markdown, as Jekyll reads it."""
    if "<" not in text:
        return text
    from feedkit.posts.markup import markdown

    data = text.encode()
    cuts: list[int] = []
    depth = 0
    for event, where in markdown().events_with_range(text):
        if not isinstance(event, dict):
            continue
        if "Start" in event:
            if depth == 0 and event["Start"] == "HtmlBlock":
                m = re.compile(_SPAN_HTML_LINE).match(data, where["start"], where["end"])
                if m and data[m.end() : where["end"]].strip():
                    cuts.append(m.end())
            depth += 1
        elif "End" in event:
            depth -= 1
    for cut in reversed(cuts):
        data = data[:cut] + b"\n" + data[cut:]
    return data.decode() if cuts else text
