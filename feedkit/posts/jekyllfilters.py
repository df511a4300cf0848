"""Jekyll's own Liquid filters (`relative_url`, `markdownify`, `date_to_string`…), on top of
python-liquid's standard ones, and how every filter is given to a post's render: an undefined
input said at its line (feedkit/posts/liquid.py's `Missing`).
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, quote_plus

from liquid import Undefined

from feedkit.posts.reading import Reading


def _markdownify(value: Any, reading: Reading | None) -> str:
    """Return Markdown as HTML, as Jekyll's filter does, with the site's converter (its
    typographer too: kramdown's smart quotes are on by default): in an HTML element (a
    theme's notice `<div>`), Markdown left as it was would be shown as written."""
    from feedkit.posts.markup import read_html
    from feedkit.posts.reading import PLAIN

    return read_html(str(value), reading or PLAIN)


def _smartify(value: Any) -> str:
    """Return text with curly quotes and typographic dashes, as Jekyll's filter does."""
    from feedkit.posts.markup import smartify

    return smartify(str(value))


def saying_undefined(func: Callable[..., Any]) -> Callable[..., Any]:
    """Return the filter `func`, shown its input first when that is undefined (a `Missing`
    says itself when shown); Liquid's marks on it (`with_environment`…) kept."""

    @functools.wraps(func)
    def said(value: object, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, Undefined):
            str(value)
        return func(value, *args, **kwargs)

    return said


def jekyll_filters(
    site: Mapping[str, Any], reading: Reading | None = None
) -> dict[str, Callable[..., Any]]:
    """Return Jekyll's own filters, on top of Liquid's standard ones (`markdownify` reads
    Markdown as `reading` says)."""
    url = str(site.get("url") or "").rstrip("/")
    baseurl = str(site.get("baseurl") or "").rstrip("/")

    def relative_url(value: object) -> str:
        text = str(value)
        if re.match(r"^[a-z][a-z0-9+.-]*:", text, re.IGNORECASE):
            return text
        return baseurl + "/" + text.lstrip("/") if text else baseurl + "/"

    def absolute_url(value: object) -> str:
        text = str(value)
        if re.match(r"^[a-z][a-z0-9+.-]*:", text, re.IGNORECASE):
            return text
        return url + relative_url(text)

    def slugify(value: object, mode: str = "default") -> str:
        text = str(value)
        if mode == "latin":
            text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        if mode == "raw":
            return re.sub(r"\s+", "-", text).strip("-").lower()
        if mode == "pretty":
            return re.sub(r"[^\w._~!$&'()+,;=@-]+", "-", text).strip("-").lower()
        return re.sub(r"[^\w-]+", "-", text).strip("-").lower()

    def date_to_xmlschema(value: object) -> str:
        return value.isoformat() if isinstance(value, date | datetime) else str(value)

    def date_to_string(value: object) -> str:
        return f"{value.day:02d} {value:%b %Y}" if isinstance(value, date) else str(value)

    def date_to_long_string(value: object) -> str:
        return f"{value.day:02d} {value:%B %Y}" if isinstance(value, date) else str(value)

    def array_to_sentence_string(value: object, connector: str = "and") -> str:
        items = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        if len(items) <= 2:
            return f" {connector} ".join(items)
        return ", ".join(items[:-1]) + f", {connector} " + items[-1]

    def where(value: object, key: str, expected: object) -> list[Any]:
        items = value if isinstance(value, list | tuple) else []
        return [i for i in items if isinstance(i, Mapping) and str(i.get(key)) == str(expected)]

    return {
        "relative_url": relative_url,
        "absolute_url": absolute_url,
        "slugify": slugify,
        # The body goes on to the Markdown renderer: Markdown text is what it wants.
        "markdownify": lambda value: _markdownify(value, reading),
        "jsonify": lambda value: json.dumps(value, default=str, ensure_ascii=False),
        "xml_escape": lambda value: html.escape(str(value)),
        "cgi_escape": lambda value: quote_plus(str(value)),
        "uri_escape": lambda value: quote(str(value), safe="/:?#[]@!$&'()*+,;=%"),
        "number_of_words": lambda value: len(str(value).split()),
        "normalize_whitespace": lambda value: " ".join(str(value).split()),
        "smartify": _smartify,
        "date_to_xmlschema": date_to_xmlschema,
        "date_to_rfc822": lambda value: f"{value:%a, %d %b %Y %H:%M:%S %z}",
        "date_to_string": date_to_string,
        "date_to_long_string": date_to_long_string,
        "array_to_sentence_string": array_to_sentence_string,
        "where": where,
    }
