"""A post in full as the digest's plain-text part shows it: the text of the HTML part's
body, laid out as Markdown is (markdownify), so that the two parts say the same.

The text part was the post's Markdown as written, which shows a plain post well and every
other one badly: a mail program that shows text showed raw HTML (an embed's `<script>`,
an `<iframe>`, `&mdash;`), kramdown's `{: .class}` and `{:toc}`, TeX between `$$`, relative
links no mail program can follow, and the HTML a shortcode made. The HTML part has none of
them: it is the feeds' safe HTML, every link absolute, each formula readable text.
"""

from __future__ import annotations

import re
from typing import Any

from markdownify import MarkdownConverter

_LANGUAGE = re.compile(r"\blanguage-([\w+#.-]+)")


def _language(pre: Any) -> str:
    """Return the language a code block's `<code class="language-x">` names, if any."""
    code = pre.find("code")
    return next(iter(_LANGUAGE.findall(" ".join(code.get("class") or ()))), "") if code else ""


class _PlainPart(MarkdownConverter):
    """markdownify, with footnotes as a text shows them: `[1]` where a note is referred to,
    the notes after the post without their links back."""

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        classes = el.get("class") or ()
        if "footnote-backref" in classes:
            return ""
        if el.find_parent("sup", class_="footnote-ref") is not None:
            return f"[{text}]"
        # markdownify's own (its type stub names no convert_ method)
        return str(super().convert_a(el, text, parent_tags))  # type: ignore[misc]

    def convert_br(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return "\n"  # a line break, not Markdown's two trailing spaces

    def convert_pre(self, el: Any, text: str, parent_tags: set[str]) -> str:
        # A fence longer than any run of backticks in the code (a post that shows a fenced
        # block): markdownify's ``` was closed by the code's own, and the rest fell out.
        block = str(super().convert_pre(el, text, parent_tags))  # type: ignore[misc]
        longest = max(map(len, _BACKTICKS.findall(text)), default=0)
        if longest < 3 or not block.strip().startswith("```"):
            return block
        fence = "`" * (longest + 1)
        head, _, rest = block.partition("```")
        body, _, tail = rest.rpartition("```")
        return f"{head}{fence}{body}{fence}{tail}"

    def convert_td(self, el: Any, text: str, parent_tags: set[str]) -> str:
        # A `|` in a cell (|x| in a formula, a|b in code) would part it in two: escaped.
        return str(super().convert_td(el, text.replace("|", "\\|"), parent_tags))  # type: ignore[misc]

    def convert_th(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return str(super().convert_th(el, text.replace("|", "\\|"), parent_tags))  # type: ignore[misc]


_BACKTICKS = re.compile(r"`+")


# A line break and the white space after it, which the HTML writes (`<br />` and a new line)
# and a text line would start with: a blank line, or a space, after the break.
_BREAK = re.compile(r"<br\s*/?>\s*", re.IGNORECASE)


def plain_part(html: str) -> str:
    """Return the text part's form of a post's email HTML (`snapshot.email_html`)."""
    if "<br" in html or "<BR" in html:
        html = _BREAK.sub("<br>", html)
    try:
        return (
            _PlainPart(
                heading_style="ATX",
                bullets="-",
                escape_asterisks=False,
                escape_underscores=False,
                code_language_callback=_language,
            )
            .convert(html)
            .strip()
        )
    except RecursionError:
        # Quotes or lists hundreds deep (markdownify recurses once a level): the text alone,
        # a paragraph a line, rather than no digest for anyone.
        from bs4 import BeautifulSoup  # markdownify's parser, which walks it without recursing

        strings = BeautifulSoup(html, "html.parser").stripped_strings
        return "\n\n".join(" ".join(text.split()) for text in strings)
