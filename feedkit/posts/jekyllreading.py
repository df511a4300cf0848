"""How a Jekyll site's posts are read: as the Markdown converter its `_config.yml` names
reads them (`markdown:`: kramdown by default, with its `kramdown:` options; CommonMark or
GFM through jekyll-commonmark, with its `commonmark:` options), and a warning at the line
of a converter feedkit does not know.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedkit.config import Config
from feedkit.errors import Problem
from feedkit.posts.jekyllconfig import config_file, smart_quotes

if TYPE_CHECKING:
    from feedkit.posts.reading import Reading


# The converters `markdown:` may name besides kramdown, in lower case: jekyll-commonmark's
# and jekyll-commonmark-ghpages' (cmark-gfm through commonmarker), and GitHub Pages' "GFM",
# which pages-gem (configuration.rb, restrict_and_config_markdown_processor) makes
# CommonMarkGhPages with these `commonmark:` settings of its own, whatever the site's.
_COMMONMARK = ("commonmark", "commonmarkghpages")
_PAGES_GFM = {
    "extensions": ["table", "strikethrough", "autolink", "tagfilter"],
    "options": ["unsafe", "footnotes"],
}


def toc_levels(value: Any) -> tuple[int, ...]:
    """Return the heading levels kramdown's `toc_levels` option names (`1..3`, `2,3`, `'1'`,
    `2` or a list of them), () for all six: unset, or not a value kramdown reads."""
    items = value if isinstance(value, list) else str(value).split(",") if value is not None else []
    levels: set[int] = set()
    for item in items:
        low, dots, high = str(item).strip().partition("..")
        if not low.isdigit() or (dots and not high.strip().isdigit()):
            return ()
        levels.update(range(int(low), int(high) + 1 if dots else int(low) + 1))
    return tuple(sorted(level for level in levels if 1 <= level <= 6))


def jekyll_reading(
    cfg: Config, folder: Path | None, config: Mapping[str, Any]
) -> tuple[Reading, Problem | None]:
    """Return how a Jekyll site's posts are read, as the Markdown converter its `_config.yml`
    (in `folder`, its values `config`) names reads them (`markdown:`, kramdown by default),
    and a warning when it names one feedkit does not know: those are read as kramdown."""
    from feedkit.posts.reading import Reading

    name = config.get("markdown")
    name = "kramdown" if name is None else str(name).strip()
    if name.lower() in _COMMONMARK:
        return _cmark_reading(config.get("commonmark"))
    if name.lower() == "gfm":
        return _cmark_reading(_PAGES_GFM)
    options = config.get("kramdown")
    options = options if isinstance(options, Mapping) else {}
    # Jekyll's defaults (configuration.rb): kramdown's GFM input, hard_wrap false. The GFM
    # parser's hard_wrap (kramdown-parser-gfm) makes each line break in a paragraph a <br />.
    gfm = options.get("input", "GFM") == "GFM"
    hard_wrap = gfm and options.get("hard_wrap") in (True, "true")
    # kramdown's typographic symbols (`<<` «, `>>` ») are a span parser of its own, on
    # whatever smart_quotes says (parser/kramdown/typographic_symbol.rb).
    reading = Reading(
        smart=smart_quotes(config),
        kramdown_math=True,
        dollar_escapes="kramdown",  # `$…$` is text to kramdown, its escapes read
        hard_wrap=hard_wrap,
        symbols="kramdown",
        single_tilde=False,  # kramdown-parser-gfm strikes `~~x~~` only
        strikethrough=gfm,  # kramdown's own input strikes nothing through
        tasklists=gfm,  # nor has task lists
        kramdown_gfm=gfm,
        parse_block_html=options.get("parse_block_html") in (True, "true"),
        toc_levels=toc_levels(options.get("toc_levels")),
    )
    if name.lower() == "kramdown":  # Jekyll matches it in any case (converters/markdown.rb)
        return reading, None
    path = config_file(Path(folder or cfg.root))
    message = (
        f"markdown: {name!r} is a Markdown converter feedkit does not know (it knows kramdown, "
        "CommonMark, CommonMarkGhPages and GFM); posts are read as kramdown reads them"
    )
    shown = os.path.relpath(path, cfg.root).replace(os.sep, "/")
    return reading, Problem(shown, _line_of(path, "markdown"), message, warning=True)


def _line_of(path: Path, key: str) -> int:
    """Return the line (from 1) of a top-level `key:` in the YAML file `path` (`key =` in
    a TOML one), 0 if none."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return 0
    found = re.search(rf"^{re.escape(key)}[ \t]*[:=]", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def _cmark_reading(settings: object) -> tuple[Reading, None]:
    """Return the reading of jekyll-commonmark's cmark-gfm with a `commonmark:` block's
    `options` (in any case: the plugin upper-cases them) and `extensions` (as commonmarker
    names them: `table`, not `tables`). Without that block, none: no typographer, footnotes,
    tables or strikethrough, and raw HTML left out (UNSAFE keeps it, as its README warns).
    kramdown's additions are not cmark-gfm's: attribute lists stay text, `$$…$$` is math as
    pulldown-cmark reads it, and HTML blocks end at a blank line. Checked against
    jekyll-commonmark's lib/jekyll-commonmark.rb and commonmarker's HtmlRenderer."""
    from feedkit.posts.reading import Reading

    values = settings if isinstance(settings, Mapping) else {}
    options = {name.upper() for name in _names(values.get("options"))}
    extensions = set(_names(values.get("extensions")))
    # Not read: tagfilter (the tags it shows as text, <script>, <iframe>…, are the
    # sanitiser's to remove or make links of).
    return Reading(
        smart="SMART" in options,
        kramdown=False,
        footnotes="FOOTNOTES" in options,
        tables="table" in extensions,
        strikethrough="strikethrough" in extensions,
        tasklists="tasklist" in extensions,
        single_tilde="STRIKETHROUGH_DOUBLE_TILDE" not in options,
        definition_lists=False,
        heading_attributes=False,
        hard_wrap="HARDBREAKS" in options,
        raw_html="UNSAFE" in options,
        autolink="cmark-gfm" if "autolink" in extensions else "",
        dollar_escapes="commonmark",
    ), None


def _names(value: object) -> list[str]:
    """Return the names a `commonmark:` setting lists (a YAML list, or one name)."""
    if isinstance(value, str):
        value = value.split(",")
    return [str(name).strip() for name in value] if isinstance(value, list) else []
