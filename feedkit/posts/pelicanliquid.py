"""The tags of Pelican's liquid_tags plugin (pelican-plugins' `liquid_tags`, the
`pelican-liquid-tags` package): `{% img %}`, `{% youtube %}`, `{% vimeo %}`, `{% video %}`,
`{% include_code %}` and `{% literal %}` made as the plugin makes them, before Markdown reads
the text, as its Markdown preprocessor does. A tag the site loads that feedkit does not make
(`{% notebook %}`, `{% gram %}`…) is left out, with a warning at its line; one the site does
not load stays as written, as in Pelican.

Which tags a site loads: each `liquid_tags.NAME` its PLUGINS names, or, when it names the
plugin itself (`liquid_tags`, `pelican.plugins.liquid_tags`, or its package among the site's
dependencies when it sets no PLUGINS), those its LIQUID_TAGS lists.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence

TAGS_MADE = frozenset(("img", "youtube", "vimeo", "video", "include_code", "literal"))

# As the plugin's preprocessor finds a tag: anything between `{%` and the next `%}`, over
# lines too; its name is the first word.
_TAG = re.compile(r"\{%(.*?)%\}", re.DOTALL)
_NAME = re.compile(r"\s*(\S+)\s*")

# The plugin's own patterns (img.py, youtube.py, vimeo.py, video.py, include_code.py).
_IMG = re.compile(
    r"(?P<class>[-\w\s]+\s+)?(?P<src>(?P<scheme>[a-zA-Z]+://)?(?P<path>\S+))"
    r"(?:\s+(?P<width>\d+))?(?:\s+(?P<height>\d+))?(?P<title>\s+.+)?"
)
_TITLE_ALT = re.compile(r"""(?:"|')(?P<title>[^"']+)?(?:"|')\s+(?:"|')(?P<alt>[^"']+)?(?:"|')""")
_YOUTUBE = re.compile(r"(\S+)(\s+([\d%]+)\s([\d%]+))?")
_VIMEO = re.compile(r"(\S+)(\s+(\d+)\s(\d+))?")
_VIDEO = re.compile(
    r"((?:https?://|/|\S+/)\S+)(\s+((?:https?://|/|\S+/)\S+))?(\s+((?:https?://|/|\S+/)\S+))?"
    r"(\s+(\d+\%?)\s(\d+\%?))?(\s+((?:https?://|/|\S+/)\S+))?"
)
_VIDEO_TYPES = {".mp4": "video/mp4", ".ogv": "video/ogg", ".webm": "video/webm"}
_CODE = re.compile(
    r"^\s*(?P<src>\S+)\s*(?:lang:(?P<lang>\S+))?\s*(?:lines:(?P<lines>\d+-\d+))?\s*"
    r"(?P<hide>:hidefilename:)?\s*(?P<title>.+)?$",
    re.DOTALL,
)


def loaded_tags(plugins: Sequence[str] | None, listed: Sequence[str] | None) -> frozenset[str]:
    """Return the tags a Pelican site loads: from the names in its PLUGINS (None: it sets
    none) and its LIQUID_TAGS (None: none set)."""
    found: set[str] = set()
    for name in plugins or ():
        if name in ("liquid_tags", "pelican.plugins.liquid_tags"):
            found.update(listed or ())
        elif (m := re.fullmatch(r"(?:pelican\.plugins\.)?liquid_tags\.(\w+)", name)) is not None:
            found.add(m[1])
    return frozenset(found)


def expand(
    body: str,
    loaded: frozenset[str],
    site_url: str,
    code: Callable[[str], tuple[str, str]],
    code_url: Callable[[str], str],
    skipped: Iterable[tuple[int, int]] = (),
) -> tuple[str, list[tuple[int, str]]]:
    """Return `body` with each tag of `loaded` made, and (offset, problem) for each tag that
    could not be: a tag feedkit does not make, a tag without what it needs. `code(name)`
    gives an `{% include_code %}` file's text (or the problem finding it), `code_url(name)`
    its address; `skipped`: the UTF-8 byte ranges of code (`texdelims.regions`), where no
    tag is read."""
    problems: list[tuple[int, str]] = []
    ranges = sorted(skipped)

    def made(m: re.Match[str]) -> str:
        at = len(body[: m.start()].encode()) if ranges else 0
        if any(a <= at < b for a, b in ranges):
            return m[0]
        markup = m[1]
        name_match = _NAME.match(markup)
        if name_match is None:
            return m[0]
        name, args = name_match[1], markup[name_match.end() :].strip()
        if name not in loaded:
            return m[0]  # Pelican leaves it as written
        if name not in TAGS_MADE:
            said = f"{{% {name} %}}: a liquid_tags tag feedkit does not make; left out"
            problems.append((m.start(), said))
            return ""
        try:
            return _make(name, args, site_url, code, code_url)
        except ValueError as exc:
            problems.append((m.start(), f"{{% {name} %}}: {exc}; left out"))
            return ""

    return _TAG.sub(made, body), problems


def _make(
    name: str,
    args: str,
    site_url: str,
    code: Callable[[str], tuple[str, str]],
    code_url: Callable[[str], str],
) -> str:
    if name == "literal":  # shows a tag: `{% literal img a.png %}` is `{% img a.png %}`
        return f"{{% {args} %}}"
    if name == "img":
        return _img(args, site_url)
    if name in ("youtube", "vimeo"):
        found = (_YOUTUBE if name == "youtube" else _VIMEO).search(args)
        if found is None:
            raise ValueError(f"expected {{% {name} id [width height] %}}")
        video, width, height = found[1], found[3] or "640", found[4] or "390"
        src = (
            f"https://www.youtube.com/embed/{video}"
            if name == "youtube"
            else f"https://player.vimeo.com/video/{video}?title=0&byline=0&portrait=0"
        )
        return (
            f'<div class="videobox"><iframe width="{_attr(width)}" height="{_attr(height)}" '
            f'src="{_attr(src)}" frameborder="0" allowfullscreen></iframe></div>'
        )
    if name == "video":
        return _video(args)
    return _include_code(args, code, code_url)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _img(args: str, site_url: str) -> str:
    found = _IMG.search(args)
    if found is None:
        raise ValueError('expected {% img [class] path [width [height]] ["title" ["alt"]] %}')
    attrs = {key: value.strip() for key, value in found.groupdict().items() if value}
    if "title" in attrs:
        if (pair := _TITLE_ALT.search(attrs["title"])) is not None:
            attrs.update({key: value for key, value in pair.groupdict().items() if value})
        attrs.setdefault("alt", attrs["title"])
    if "scheme" not in attrs and attrs["src"].startswith("/"):  # under SITEURL, as Pelican
        attrs["src"] = site_url.rstrip("/") + attrs["path"]
    shown = ("class", "src", "width", "height", "title", "alt")
    return "<img " + " ".join(f'{k}="{_attr(attrs[k])}"' for k in shown if attrs.get(k)) + ">"


def _video(args: str) -> str:
    found = _VIDEO.search(args)
    if found is None:
        raise ValueError("expected {% video url [url [url]] [width height] [poster] %}")
    sources = [found[i] for i in (1, 3, 5) if found[i]]
    width, height, poster = found[7], found[8], found[10]
    size = f' width="{_attr(width)}" height="{_attr(height)}"' if width and height else ""
    shown = f' poster="{_attr(poster)}"' if poster else ""
    tags = "".join(
        f'<source src="{_attr(src)}"'
        + (f' type="{kind}"' if (kind := _VIDEO_TYPES.get(posixpath.splitext(src)[1])) else "")
        + ">"
        for src in sources
    )
    return (
        f'<span class="videobox"><video{size} preload="none" controls{shown}>{tags}</video></span>'
    )


def _include_code(
    args: str, code: Callable[[str], tuple[str, str]], code_url: Callable[[str], str]
) -> str:
    found = _CODE.match(args)
    if found is None or not found["src"]:
        raise ValueError("expected {% include_code path [lang:x] [lines:X-Y] [title] %}")
    src, lang, lines = found["src"], found["lang"] or "", found["lines"]
    text, problem = code(src)
    if problem:
        raise ValueError(problem)
    if lines:
        first, last = (int(n) for n in lines.split("-"))
        text = "".join(text.splitlines(keepends=True)[first - 1 : last]).rstrip()
    title = found["title"] or ""
    if not title and found["hide"]:
        raise ValueError("a title is needed where :hidefilename: leaves out the file's name")
    if not found["hide"]:
        title += " " + posixpath.basename(src)
    if lines:
        title += f" [Lines {lines}]"
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`{3,}", text))])
    return (
        f'<figure class="code">\n<figcaption><span>{html.escape(title.strip())}</span> '
        f'<a href="{_attr(code_url(src))}">download</a></figcaption>\n\n'
        f"{fence}{lang}\n{text.rstrip(chr(10))}\n{fence}\n\n</figure>\n"
    )
