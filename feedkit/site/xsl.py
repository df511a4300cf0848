"""The stylesheet browsers show a feed with (feed.xsl, written beside the feeds), its words in
the site's language."""

from __future__ import annotations

import html
import re
from pathlib import Path

from feedkit.config import XSL_NAME, Config
from feedkit.i18n import N_, language

# What feed.xsl says, as written there in English: each is replaced by its translation.
WORDS = (
    N_("This document is not a recognised Atom or RSS feed."),
    N_("Copy its address into your feed reader to subscribe."),
    N_("This is a web feed."),
    N_("Visit the website"),
    N_("No entries yet."),
    N_("Untitled feed"),
    N_("(web feed)"),
    N_("(untitled)"),
    N_("Web feed"),
    N_("About this page"),
    N_("Categories"),
)
# Compiled (and kept by re) when first used: only a site in another language needs it.
_WORDS = "|".join(re.escape(w) for w in sorted(WORDS, key=len, reverse=True))
# A word too short to find by itself: the one before an entry's authors, where it stands.
_BY = '<span class="authors">by '
BY = N_("by")  # "by Ada Quill, Bo Park": before an entry's authors
# Between an entry's authors, as the digest lists names (Language.names, CLDR's patterns):
# of two, and before the last of more ("Ada, Bo, and Cy"; "Ada, Bo und Cy").
LIST_SEPARATORS = {"list-2": N_(" and "), "list-end": N_(", and ")}


def xsl_stylesheet(cfg: Config) -> bytes:
    """Return feed.xsl for the site: as feedkit ships it for English, else with its words
    translated (one pass, so no translation is translated again)."""
    # A plain path, not importlib.resources: that import costs more than the read, on every
    # build (feedkit is installed as files; pyproject.toml ships static/ as package data).
    data = (Path(__file__).parent.parent / "static" / XSL_NAME).read_bytes()
    words = language(cfg.language)
    if words.code is None:
        return data
    said = re.sub(_WORDS, lambda m: html.escape(words.gettext(m[0]), quote=False), data.decode())
    by = html.escape(words.gettext(BY), quote=False)
    said = said.replace(_BY, f'<span class="authors">{by} ')
    for name, english in LIST_SEPARATORS.items():
        between = words.gettext(english)
        # An XPath string in an XML attribute: quoted with the quote it does not hold.
        literal = f"'{between}'" if "'" not in between else f'"{between}"'
        said = said.replace(
            f"""<xsl:variable name="{name}" select="'{english}'"/>""",
            f'<xsl:variable name="{name}" select="{html.escape(literal)}"/>',
            1,
        )
    return said.encode()
