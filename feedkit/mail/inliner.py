"""premailer, asked once per stylesheet: what it makes of the digest's CSS is kept with the
inlined HTML (mail/rendercache.py), so a digest of new posts inlines them without it.

premailer turns each `<style>` block into rules to inline and the rules it keeps in the head
(the @media rules, written out again with !important). That takes cssutils about half of an
inline, the first of a process more (it compiles its patterns), and depends only on the CSS,
premailer's settings and the versions of the libraries: all of which name the kept result
(rendercache.inline_key). Matching the rules to the HTML and writing it stay premailer's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from feedkit.lazyimport import stand_ins

# premailer imports requests (a fifth of its import time) only to fetch external
# stylesheets, which allow_network=False never does.
with stand_ins("requests"):
    import premailer

if TYPE_CHECKING:
    from feedkit.mail.rendercache import RenderCache

KIND = "css.json"  # the kept results' files in the render cache


# The elements HTML gives a `bgcolor` attribute (premailer gives it every element with a
# background colour); and what a `width` or `height` attribute may hold: a number of pixels
# or a percentage (premailer copied `height: auto` into `height="auto"`).
_BGCOLOR_ELEMENTS = frozenset(("body", "table", "tr", "td", "th"))
_LENGTH = re.compile(r"\d+%?")


class NestingPremailer(premailer.Premailer):  # type: ignore[misc]
    """premailer that writes out a @media rule nested in another, which a dark-mode layout
    for phones needs: premailer 3.10 crashes on one (upstream issue 290); and that gives an
    element only the attributes HTML has for it, from its inlined style (Outlook's reading
    of them is what they are there for)."""

    def _style_to_basic_html_attributes(
        self, element: Any, style_content: str, force: bool = False
    ) -> None:
        before = dict(element.attrib)
        super()._style_to_basic_html_attributes(element, style_content, force)
        for name in ("width", "height", "bgcolor"):
            value = element.get(name)
            if value is None or before.get(name) == value:
                continue
            if name == "bgcolor" and element.tag not in _BGCOLOR_ELEMENTS:
                del element.attrib[name]
            elif name != "bgcolor" and not _LENGTH.fullmatch(value):
                if name in before:
                    element.set(name, before[name])
                else:
                    del element.attrib[name]

    def _css_rules_to_string(self, rules: list) -> str:
        lines = []
        for item in rules:
            if isinstance(item, tuple):
                selector, declarations = item
                lines.append(f"{selector} {{{premailer.premailer.make_important(declarations)}}}")
            else:  # a @media rule: made !important, as premailer does, to win over inline styles
                _make_important(item)
                lines.append(item.cssText)
        return "\n".join(lines)


def _make_important(group: Any) -> None:
    """Mark every declaration in a grouping rule, and in the rules nested in it, !important."""
    for rule in group.cssRules:
        if hasattr(rule, "cssRules"):
            _make_important(rule)
        elif hasattr(rule, "style"):  # comments and unknown rules have none
            for key in rule.style.keys():
                rule.style[key] = (rule.style.getPropertyValue(key, False), "!important")


class _Written(str):
    """The rules premailer keeps in the head, written out: stands for the list of them."""


class KeepingPremailer(NestingPremailer):
    """premailer that takes what it makes of a stylesheet from `cache` (and keeps it there)."""

    def __init__(self, html: str, cache: RenderCache, **settings: Any) -> None:
        super().__init__(html, **settings)
        self._kept = cache
        self._settings = settings

    def _parse_style_rules(self, css_body: str, ruleset_index: int) -> tuple[list, list]:
        from feedkit.mail.rendercache import inline_key

        key = inline_key(f"{ruleset_index}\n{css_body}", self._settings)
        found = self._kept.get(key, KIND)
        if found is not None:
            try:
                rules, head = json.loads(found)
                kept = [(tuple(spec), selector, bulk) for spec, selector, bulk in rules]
                return kept, [] if head is None else [_Written(head)]
            except (ValueError, TypeError):  # pragma: no cover - the hash matched
                pass
        rules, leftover = super()._parse_style_rules(css_body, ruleset_index)
        head = super()._css_rules_to_string(leftover) if leftover else None
        self._kept.put(key, json.dumps([rules, head], ensure_ascii=False), KIND)
        return rules, [] if head is None else [_Written(head)]

    def _css_rules_to_string(self, rules: list) -> str:
        if len(rules) == 1 and isinstance(rules[0], _Written):
            return str(rules[0])
        return str(super()._css_rules_to_string(rules))


def transform(document: str, settings: Mapping[str, Any], cache: RenderCache | None = None) -> str:
    """Return `document` with its CSS inlined by premailer with `settings`, what it makes
    of the stylesheet taken from `cache`, if given, when kept there."""
    if cache is None:
        return str(NestingPremailer(document, **settings).transform())
    return str(KeepingPremailer(document, cache, **settings).transform())
