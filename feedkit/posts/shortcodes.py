"""Hugo shortcodes → Markdown and raw HTML: Hugo's own (`figure`, `youtube`, `ref`, …), the
obvious ones of the PaperMod theme (what each makes: feedkit/posts/knownshortcodes.py), a
site's own templates (feedkit/posts/siteshortcodes.py), and `{{</* … */>}}` escapes as the
literal text.

Paired (`{{< name >}}…{{< /name >}}`), self-closing (`{{< name />}}`), `{{% … %}}` alike;
named or positional parameters. A shortcode not understood is a problem at its line, and
only its inner content (if any) reaches readers; one that shows its inner content and is
never closed is one too, left out. A `{{<` or `{{%` that Hugo cannot read (a quote never
closed, no name, no end) is one too, left as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

from feedkit.posts import texdelims
from feedkit.posts.knownshortcodes import (
    ADMONITIONS,
    EMBEDS,
    Call,
    admonition_html,
    embed_link,
    fenced_code,
    figure_html,
    inline_markdown,
    qr_html,
    quote_html,
)
from feedkit.posts.shortcodetags import TAG, closings, not_understood, unread

_PARAM = re.compile(r"""(?:([\w-]+)\s*=\s*)?("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)""")
_GO_ACTION = re.compile(r"\{\{.*?\}\}", re.DOTALL)

# Resolves a ref/relref target ("posts/x.md#part") to (absolute URL, problem or "").
RefResolver = Callable[[str], tuple[str, str]]


@dataclass(frozen=True)
class Page:
    """What shortcodes may ask of the post they are in."""

    resolve: RefResolver
    params: Mapping[str, Any] = field(default_factory=dict)  # its front matter
    site_params: Mapping[str, Any] = field(default_factory=dict)  # the site's [params]
    # The site leaves raw HTML out (Hugo's Goldmark without `unsafe`): the tags a `{{< >}}`
    # shortcode makes are marked to stay (see rawhtml), a `{{% %}}` one's are Markdown's.
    keep_html: bool = False
    # The site's own shortcode template of a name, None for none (see siteshortcodes), and
    # the page's and the site's titles, which such a template may show.
    site_template: Callable[[str], str | None] | None = None
    titles: tuple[str, str] = ("", "")
    # The site's Reading.dollar_escapes: how a formula a `{{< >}}` shortcode made is
    # written for the Markdown around it to read back (texdelims.dollars).
    dollar_escapes: str = ""
    # The themes the site names that are not there (see expand.Templates), asked when a
    # shortcode is unknown, to say why.
    missing_themes: Callable[[], str] | None = None


@dataclass
class Expansion:
    text: str
    problems: list[tuple[int, str]] = field(default_factory=list)  # (index in body, message)
    reads: list[tuple[str, str]] = field(default_factory=list)  # ("ref", target)


def _params(text: str) -> tuple[list[str], dict[str, str]]:
    args: list[str] = []
    named: dict[str, str] = {}
    for m in _PARAM.finditer(text):
        value = m[2]
        if value[0] == '"':
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        elif value[0] == "`":
            value = value[1:-1]
        if m[1]:
            named[m[1]] = value
        else:
            args.append(value)
    return args, named


def expand_shortcodes(
    body: str,
    resolve: RefResolver,
    params: Mapping[str, Any] | None = None,
    site_params: Mapping[str, Any] | None = None,
    keep_html: bool = False,
    site_template: Callable[[str], str | None] | None = None,
    titles: tuple[str, str] = ("", ""),
    dollar_escapes: str = "",
    missing_themes: Callable[[], str] | None = None,
) -> Expansion:
    """Return `body` with every shortcode replaced by what it means, and the problems;
    `params` is the post's front matter and `site_params` the site's, for `{{< param >}}`;
    with `keep_html`, see `Page.keep_html`; `site_template`, `titles`, `dollar_escapes` and
    `missing_themes`, see `Page`."""
    tags = list(TAG.finditer(body))
    out = Expansion("")
    out.problems += [(at, not_understood(body, at)) for at in unread(body, tags)]
    page = Page(
        resolve,
        params or {},
        site_params or {},
        keep_html,
        site_template,
        titles,
        dollar_escapes,
        missing_themes,
    )
    closing = closings(tags)
    out.text = _expand(body, tags, closing, 0, len(tags), 0, len(body), page, out)
    out.problems.sort(key=lambda problem: problem[0])
    return out


# What a ref to no post makes (see `_expand`): in a link's target, a URL the sanitiser drops
# (an empty target is a link to the post itself), so the link's text stays, as text.
_NO_TARGET = "\0no target\0"
_LINK_TARGET = re.compile(r"""(?:\]\(\s*<?|\b(?:href|src)\s*=\s*["']?)\Z""")


# How deep paired shortcodes are expanded inside one another. Hugo's own limit is the
# machine's; here each level is a Python call, and 2,000 nested `{{< details >}}` stopped
# the build with a RecursionError's traceback. Deeper ones are left as written, said.
MAX_NESTING = 100


def _expand(
    body: str,
    tags: list[re.Match[str]],
    closing: list[int],
    first: int,
    stop: int,
    start: int,
    end: int,
    page: Page,
    out: Expansion,
    depth: int = 0,
) -> str:
    parts: list[str] = []
    pos, i = start, first
    while i < stop:
        tag = tags[i]
        parts.append(body[pos : tag.start()])
        pos, i = tag.end(), i + 1
        if tag["esc"]:  # {{</* x */>}} is how a post shows the shortcode itself
            close = "/" if tag["close"] else ""
            params = tag["params"].rstrip()
            left, right = ("<", ">") if tag["angle"] else ("%", "%")
            parts.append(f"{{{{{left} {close}{tag['name']}{params} {right}}}}}")
            continue
        if tag["close"]:
            out.problems.append((tag.start(), f"{tag['name']}: closing shortcode never opened"))
            continue
        inner: str | None = None
        if not tag["self"]:
            j = closing[i - 1] if closing[i - 1] < stop else -1
            if j < 0 and _paired(tag["name"], page, out):
                left, right = ("<", ">") if tag["angle"] else ("%", "%")
                out.problems.append(
                    (
                        tag.start(),
                        f"{tag['name']}: never closed by {{{{{left} /{tag['name']} {right}}}}}; "
                        "left out, the text after it kept",
                    )
                )
                continue
            if j >= 0 and depth >= MAX_NESTING:
                out.problems.append(
                    (
                        tag.start(),
                        f"{tag['name']}: shortcodes nested over {MAX_NESTING} deep; the inner "
                        "ones are left as written",
                    )
                )
                parts.append(body[tag.start() : tags[j].end()])
                pos, i = tags[j].end(), j + 1
                continue
            if j >= 0:
                inner = _expand(
                    body, tags, closing, i, j, tag.end(), tags[j].start(), page, out, depth + 1
                )
                pos, i = tags[j].end(), j + 1
        args, named = _params(tag["params"])
        call = Call(tag["name"], args, named)
        made = _shortcode(call, inner, tag.start(), page, out, bool(tag["angle"]))
        if made == _NO_TARGET:  # a ref to nothing: a link to nothing, else no text at all
            from feedkit.posts.sanitize import LEFT_OUT  # rare: here

            before = body[max(start, tag.start() - 40) : tag.start()]
            made = LEFT_OUT if _LINK_TARGET.search(before) else ""
        made = _kept(made, inner, tag["name"]) if page.keep_html and tag["angle"] else made
        parts.append(_indented(made, body, tag.start()))
    parts.append(body[pos:end])
    return "".join(parts)


def _indented(made: str, body: str, at: int) -> str:
    """Return the block a shortcode at `at` made (its text starts a line) indented as the
    shortcode is, when only spaces are before it on its line: in a list item, the block
    stays the item's, as Hugo's output, put where the shortcode was, does. A line already
    so indented (the inner text's, written in the item) is left as it is."""
    if not made.startswith("\n"):
        return made
    line = body.rfind("\n", 0, at) + 1
    indent = body[line:at]
    if not indent or indent.strip(" \t"):
        return made
    unindented = re.compile(r"(?m)^(?=[^\n])(?!" + re.escape(indent) + ")")
    return "\n" + unindented.sub(lambda _: indent, made[1:])


def _kept(made: str, inner: str | None, name: str) -> str:
    """Return what a `{{< >}}` shortcode `made` with the tags it made marked to stay, not
    those of its `inner` content, which is Markdown (or code), as the post's own text is;
    an inline shortcode's inner content is its template, whose tags it makes."""
    from feedkit.posts.rawhtml import kept

    core = (inner or "").strip() if not name.endswith(".inline") else ""
    at = made.rfind(core) if core else -1
    if at < 0:
        return kept(made)
    return kept(made[:at]) + core + kept(made[at + len(core) :])


# What shows its inner content (Hugo's `.Inner`): Hugo stops the build at one neither
# closed nor self-closing. Not Stack's word `hint`, nor `qr`, whose `text` may be its text.
PAIRED = {"highlight", "details", "collapse", "quote", "math"} | ADMONITIONS - {"hint"}


def _paired(name: str, page: Page, out: Expansion) -> bool:
    """Return True when shortcode `name` shows its inner content: the site's own template
    of that name uses `.Inner`, else it is one of PAIRED."""
    if page.site_template is not None:
        out.reads.append(("shortcode", name))
        if (template := page.site_template(name)) is not None:
            return ".Inner" in template
    return name in PAIRED


def _param(call: Call, page: Page) -> str | None:
    """Return the value `{{< param "a.b" >}}` names: the post's front matter's (its own
    `params:` too), else the site's; keys in any case, as Hugo reads them. None when there
    is none."""
    for source in (page.params, page.params.get("params"), page.site_params):
        value: Any = source
        for key in call.get("name", 0).split("."):
            if not isinstance(value, Mapping):
                value = None
                break
            value = {str(k).lower(): v for k, v in value.items()}.get(key.lower())
        if isinstance(value, bool):
            return str(value).lower()
        if value is not None and not isinstance(value, Mapping | list):
            return str(value)
    return None


def _shortcode(
    call: Call, inner: str | None, at: int, page: Page, out: Expansion, angle: bool
) -> str:
    """Return what shortcode `call` makes; `angle`: a `{{< >}}` one, whose output the page
    has as written (a site's own, the inner text of one feedkit passes on), with the
    formulas MathJax finds in it (`texdelims.page_text_math`)."""
    name = call.name

    def as_written(text: str) -> str:
        return texdelims.page_text_math(text, page.dollar_escapes) if angle else text

    if page.site_template is not None:
        out.reads.append(("shortcode", name))  # one the site adds later is read then
        if (template := page.site_template(name)) is not None:
            from feedkit.posts.siteshortcodes import render

            made = render(template, call.args, call.named, inner, page.titles, inline_markdown)
            if made is not None:
                return as_written(made)
    if name in EMBEDS:
        return embed_link(call)
    if name == "figure":
        return figure_html(call)
    if name == "qr":
        return qr_html(call, inner)
    if name in ("ref", "relref"):
        target = call.get("path", 0)
        out.reads.append(("ref", target))
        url, problem = page.resolve(target)
        if problem:
            out.problems.append((at, f"{name}: {problem}"))
            return _NO_TARGET
        return url
    if name == "highlight":
        return fenced_code(call.get("lang", 0), inner or "")
    if name == "quote" and inner is not None:
        return quote_html(call, inner)
    if name == "hint" and inner is None and call.args:  # Stack's: a word and its meaning
        meaning = f' title="{escape(call.args[1])}"' if len(call.args) > 1 else ""
        return f"<abbr{meaning}>{escape(call.args[0])}</abbr>"
    if name in ADMONITIONS and inner is not None:
        return admonition_html(call, inner)
    if name == "comment":  # Hugo's: a note to the author, for no reader
        return ""
    if name == "katex" or (name == "math" and inner is not None):
        # Blowfish's and Congo's katex loads KaTeX on the page; Hugo Blox's math wraps
        # formulas: feeds carry the formulas themselves.
        return as_written(inner or "")
    if name in ("collapse", "details"):  # a summary line that opens to the inner content
        # PaperMod's collapse; Hugo's details (also hugo-book's, with positional arguments)
        from feedkit.posts.plaintext import plain_text

        first = call.args[0] if call.args and call.args[0] != "open" else ""
        summary = call.get("summary") or call.get("title") or first
        summary = escape(plain_text(summary) or "Details")
        opened = "true" in (call.get("openByDefault"), call.get("open")) or "open" in call.args
        opened_attr = " open" if opened else ""
        return (
            f"\n<details{opened_attr}><summary>{summary}</summary>\n\n{inner or ''}\n\n</details>\n"
        )
    if name == "param":
        value = _param(call, page)
        if value is None:
            out.problems.append(
                (
                    at,
                    f"param: no {call.get('name', 0)!r} in the post's front matter "
                    "or the site's params; left out",
                )
            )
        # Hugo puts a `{{< >}}` shortcode's output in after Markdown: its quotes stay as
        # written, which character references keep from the typographer.
        return escape(value or "")
    if name == "inTextImg":  # PaperMod: an image in the line of text
        height = call.get("height")
        size = f' height="{escape(height)}"' if height else ""
        return f'<img src="{escape(call.get("url", 0))}" alt="{escape(call.get("alt"))}"{size}>'
    if name.endswith(".inline") and inner is not None:
        # Hugo's inline shortcode: its inner text is a Go template, which is not run here.
        if _GO_ACTION.search(inner):
            out.problems.append(
                (
                    at,
                    f"{name}: an inline shortcode's Go template is not run; "
                    "its actions are left out",
                )
            )
        return _GO_ACTION.sub("", inner)
    why = _missing_theme(page)
    if inner is None:
        out.problems.append((at, f"unknown shortcode {name!r}; left out{why}"))
        return ""
    out.problems.append((at, f"unknown shortcode {name!r}; left out, its inner content kept{why}"))
    return as_written(inner)


def _missing_theme(page: Page) -> str:
    """Return what an unknown shortcode's warning adds when a theme the site names is not
    in its `themes/` folder, where Hugo would find the theme's shortcodes; "" otherwise.
    (Which themes are missing is in the build cache's key: one coming makes a new render.)"""
    if page.missing_themes is None:
        return ""
    missing = page.missing_themes()
    if not missing:
        return ""
    return (
        f" (the site's theme {missing} is not in themes/, where its shortcodes would be: "
        "a git submodule not checked out?)"
    )
