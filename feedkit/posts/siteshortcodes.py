"""A Hugo site's own shortcodes (`layouts/_shortcodes/` or `layouts/shortcodes/`, its theme's
too) whose templates feedkit can run: text and HTML with actions that only give what the
shortcode was called with, as Hugo's html/template gives it. A note box, a subscribe box:

    <aside class="note"><strong>Note:</strong> {{ .Inner | markdownify }}</aside>
    <div class="box"><h3>{{ .Get "headline" }}</h3><p>{{ .Get 0 }}</p></div>

The actions run: `.Get "name"` and `.Get 0` (HTML-escaped, as html/template escapes any
text), `.Inner` (as it is: Hugo's is HTML), `.Page.Title`, `.Site.Title`, each piped through
`markdownify` (Markdown to HTML, one paragraph's unwrapped), `safeHTML`, `htmlEscape`,
`plainify`, `lower`, `upper` or `strings.TrimSpace`; `{{/* comments */}}`; `{{-` and `-}}`
trim the white space beside them. A template with any other action (`if`, `with`, `range`,
a variable, a partial) is not run: `render` says so with None, and the shortcode is then
what feedkit knows it as, or unknown.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from feedkit.posts.sitekind import THEMES_DIR

# Where Hugo 0.146 and later look (`_shortcodes`), then the older folder; a theme's after.
FOLDERS = ("layouts/_shortcodes", "layouts/shortcodes")
_ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.DOTALL)
_GET = re.compile(r"""\.Get\s+(?:"([^"]*)"|`([^`]*)`|([0-9]+))""")
_FIELD = re.compile(r"\.(?:Inner|Page\.Title|Site\.Title)")
_FUNCTIONS = {
    "markdownify",
    "safeHTML",
    "htmlEscape",
    "plainify",
    "lower",
    "upper",
    "strings.TrimSpace",
}


def template_folders(folders: Sequence[Path], themes: Sequence[str] | None = None) -> list[Path]:
    """Return the folders a Hugo site in `folders` may keep shortcode templates in, first
    the one Hugo looks in first: the site's, then its `themes`' in their order (None: every
    theme's, for what the build cache watches)."""
    found = [folder / sub for folder in folders for sub in FOLDERS]
    for folder in folders:
        bases = [folder / THEMES_DIR / theme for theme in themes or ()]
        if themes is None:
            bases = theme_folders(folder)
        found += [base / sub for base in bases for sub in FOLDERS]
    return found


def theme_folders(folder: Path) -> list[Path]:
    """Return every theme's folder of the Hugo site in `folder` (`themes/NAME/`), sorted;
    none where there is no themes folder, or one this user may not list."""
    if not os.path.isdir(folder / THEMES_DIR):
        return []
    try:
        return sorted(p for p in (folder / THEMES_DIR).iterdir() if os.path.isdir(p))
    except OSError:  # a folder this user may not list: no theme's templates are read
        return []


def template_paths(folders: Sequence[Path], themes: Sequence[str]) -> dict[str, Path]:
    """Return the shortcode templates of a Hugo site in `folders` (its `themes`' under
    them, the left-most first), by name: the site's over its themes', as Hugo looks them
    up. A folder the system cannot look up (a theme's name too long for a file's) has none."""
    found: dict[str, Path] = {}
    for folder in reversed(template_folders(folders, themes)):
        if os.path.isdir(folder):  # False, where Path.is_dir raises, for a name too long
            for path in sorted(folder.glob("*.html")):
                name = path.name[: -len(".html")]
                if "." not in name:  # not `name.en.html`, `name.amp.html`
                    found[name] = path
    return found


def render(
    template: str,
    args: Sequence[str],
    named: Mapping[str, str],
    inner: str | None,
    titles: tuple[str, str],
    markdownify: Callable[[str], str],
) -> str | None:
    """Return what `template` makes of a call with positional `args`, `named` ones and its
    `inner` content (`titles`: the page's and the site's), or None when it holds an action
    feedkit does not run (see the module)."""
    given = _Given(args, named, inner, titles, markdownify)
    out: list[str] = []
    at = 0
    trim_next = False
    for m in _ACTION.finditer(template):
        text = template[at : m.start()]
        if trim_next:
            text = text.lstrip()
        if m[1]:
            text = text.rstrip()
        out.append(text)
        trim_next = bool(m[3])
        at = m.end()
        action = m[2].strip()
        if action.startswith("/*") and action.endswith("*/"):
            continue
        value = _action(action, given)
        if value is None:
            return None
        out.append(value)
    rest = template[at:]
    out.append(rest.lstrip() if trim_next else rest)
    return "".join(out)


class _Given(NamedTuple):
    """What a shortcode was called with, and what its template may show besides."""

    args: Sequence[str]
    named: Mapping[str, str]
    inner: str | None
    titles: tuple[str, str]
    markdownify: Callable[[str], str]


def _go_integer(digits: str) -> int | None:
    """Return the number Go's templates read `digits` as: octal after a leading 0 (`010` is
    8), else decimal; None for one whose template Hugo cannot parse (`09`, or past 64 bits,
    as a number of thousands of digits is)."""
    if len(digits.lstrip("0")) > 22:  # past 2**64 in either base (int() stops at 4,300)
        return None
    try:
        value = int(digits, 8 if digits[0] == "0" else 10)
    except ValueError:  # an 8 or a 9 after a leading 0
        return None
    return value if value < 2**64 else None


def _action(action: str, given: _Given) -> str | None:
    args, named, inner, titles, markdownify = given
    head, *pipes = [part.strip() for part in action.split("|")]
    if m := _GET.fullmatch(head):
        if m[3] is not None:
            if (index := _go_integer(m[3])) is None:
                return None
            value, is_html = (args[index] if index < len(args) else ""), False
        else:
            value, is_html = named.get(m[1] if m[1] is not None else m[2], ""), False
    elif _FIELD.fullmatch(head):
        if head == ".Inner":
            value, is_html = inner or "", True
        else:
            value, is_html = titles[0] if head == ".Page.Title" else titles[1], False
    else:
        return None
    for function in pipes:
        if function not in _FUNCTIONS:
            return None
        if function == "markdownify":
            value, is_html = markdownify(value), True
        elif function == "safeHTML":
            is_html = True
        elif function == "htmlEscape":
            value, is_html = html.escape(value), True
        elif function == "plainify":
            value = re.sub(r"<[^>]*>", "", value)
        elif function == "lower":
            value = value.lower()
        elif function == "upper":
            value = value.upper()
        else:
            value = value.strip()
    return value if is_html else html.escape(value)
