"""Jekyll's permalinks: its `slugify`, and a permalink pattern (`/:categories/:year/:title/`)
filled in for a post, as Jekyll 4.3 writes the page's URL."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from feedkit.models import slugify

_PLACEHOLDER = re.compile(r":([a-z_]+)")  # in a Jekyll permalink: /:categories/:title/


def jekyll_slugify(text: str, pretty: bool = False) -> str:
    """Return Jekyll's `Utils.slugify` of `text`: runs of characters that are no letter,
    mark or digit (nor, `pretty`, one of `._~!$&'()+,;=@`) made one "-", in lower case;
    `pretty` keeps the case, as Jekyll's :title does."""
    keep = "._~!$&'()+,;=@" if pretty else ""
    out: list[str] = []
    for char in text:
        kind = unicodedata.category(char)
        if char in keep or kind[0] in "LM" or kind == "Nd":
            out.append(char)
        elif not out or out[-1] != "\0":
            out.append("\0")  # a dash to be, apart from a "-" the text has itself
    slug = "".join(out).replace("\0", "-")
    slug = slug.removeprefix("-").removesuffix("-")
    return slug if pretty else slug.lower()


def fill_permalink(
    path: str,
    slug: str,
    local: datetime,
    categories: list[str],
    title: str | None = None,
    output_ext: str = ".html",
) -> str:
    """Return a Jekyll permalink (`/:categories/:year/:title/`) with its placeholders filled
    in for a post published at `local` (`:title` is `title` when given, else `slug`;
    `:output_ext` is `output_ext`); raise ValueError naming one it does not know."""
    # As Jekyll's URL drop: :categories in lower case (the URL escapes a space as %20),
    # :slugified_categories as slugs; each once.
    folders = "/".join(dict.fromkeys(filter(None, (c.lower() for c in categories))))
    slugged = "/".join(dict.fromkeys(filter(None, map(slugify, categories))))
    values = {
        "year": f"{local.year:04d}",
        "short_year": f"{local.year % 100:02d}",
        "month": f"{local.month:02d}",
        "i_month": str(local.month),
        "day": f"{local.day:02d}",
        "i_day": str(local.day),
        "title": slug if title is None else title,
        "slug": slug,
        "categories": folders,
        "slugified_categories": slugged,
        "output_ext": output_ext,
        "y_day": f"{local.timetuple().tm_yday:03d}",
        "short_month": local.strftime("%b"),
        "long_month": local.strftime("%B"),
        "week": f"{local.isocalendar().week:02d}",
        "w_year": str(local.isocalendar().year),
        "w_day": str(local.isoweekday()),
        "short_day": local.strftime("%a"),
        "long_day": local.strftime("%A"),
        "hour": f"{local.hour:02d}",
        "minute": f"{local.minute:02d}",
        "second": f"{local.second:02d}",
    }
    unknown = [m[1] for m in _PLACEHOLDER.finditer(path) if m[1] not in values]
    if unknown:
        raise ValueError(
            f"unknown placeholder :{unknown[0]}; use " + ", ".join(f":{name}" for name in values)
        )
    return jekyll_sanitized(_PLACEHOLDER.sub(lambda m: values[m[1]], path))


def jekyll_sanitized(path: str) -> str:
    """Return a filled permalink as Jekyll 4.3's `URL#sanitize_url` makes it: each `..` a
    `/`, then each `./` gone, then each run of `/` one (an empty :categories leaves no
    empty segment); from a `/`. A slug `Own_Slug.` under `/:title:output_ext` is at
    `/Own_Slug/html`, `..` at `/.html`: where Jekyll writes the page."""
    if "." in path:
        path = path.replace("..", "/").replace("./", "")
    return re.sub(r"/{2,}", "/", "/" + path)
