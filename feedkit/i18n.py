"""What readers read, in the site's `language`: feedkit's own words from gettext catalogs
(feedkit/locale/<lang>.po, compiled beside it to <lang>.mo: the standard library reads those
in a millisecond, where Babel's reader of .po files brings half of Babel), dates, numbers and
lists from Babel (CLDR).

A language with no catalog gets English throughout, dates included, so no sentence mixes
two languages; `feedkit check` says so (`untranslated`)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedkit.errors import Problem

if TYPE_CHECKING:
    import gettext
    from datetime import date, datetime, timedelta, tzinfo

    import jinja2
    from babel import Locale

I18N = "jinja2.ext.i18n"  # Jinja2's extension for {% trans %} and _()
LOCALE_DIR = Path(__file__).with_name("locale")
SOURCE = "en"  # the language feedkit's words are written in: needs no catalog
# Words before a name that make "Hi <first name>" wrong ("Hi Dr.,", "Hi Frau,"): such a
# name is used whole. Compared lowercased, without a final dot.
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir dame lord lady rev fr hr herr frau m mme mlle "
    "monsieur madame sr sra srta don doña dña".split()
)
# What follows a name after a comma without being a given name ("Ada Lovelace, PhD").
SUFFIXES = frozenset("jr sr ii iii iv phd md dds esq mba msc bsc ba ma".split())
# Scripts written family name first, without spaces between the names (kana, CJK
# ideographs, Hangul), as code point ranges: used whole. (A regular expression of these
# ranges takes 4 ms to compile, on every command that greets.)
_FAMILY_FIRST = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
)


def N_(message: str) -> str:
    """Return `message`: marks one of feedkit's words said later, for `pybabel extract`."""
    return message


def catalog_path(code: str) -> Path:
    """Return the compiled catalog of the language `code` (made from `code`.po)."""
    return LOCALE_DIR / f"{code}.mo"


def languages() -> list[str]:
    """Return the languages feedkit's words are available in, English first."""
    found = sorted(p.stem for p in LOCALE_DIR.glob("*.mo"))
    return [SOURCE, *found]


def _catalog_for(tag: str) -> str | None:
    """Return the catalog for language tag `tag` ("de-AT" -> "de_AT" if there is one, else
    "de"); None for English and for a language feedkit has no words in."""
    parts = tag.replace("_", "-").split("-")
    primary = parts[0].lower()
    if primary == SOURCE:
        return None
    wanted = [f"{primary}_{parts[1].upper()}"] if len(parts) > 1 else []
    for code in [*wanted, primary]:
        if catalog_path(code).is_file():
            return code
    return None


def untranslated(tag: str) -> bool:
    """Return True if feedkit has no words in the language `tag` (mails and pages in English)."""
    return tag.split("-")[0].lower() != SOURCE and _catalog_for(tag) is None


def _load(code: str) -> gettext.GNUTranslations:
    """Return the compiled catalog `code` as gettext translations."""
    import gettext

    with catalog_path(code).open("rb") as mo:
        return gettext.GNUTranslations(mo)


def language_warning(tag: str) -> Problem:
    """Return the warning `feedkit check` gives when feedkit has no words in `tag`."""
    have = ", ".join(languages())
    return Problem(
        "feedkit.toml",
        0,
        f"language: feedkit has no translation into {tag!r} ({have}): digests, their web "
        "copies and the sign-up pages are in English, dates included; see README, "
        "Translations, to add one",
        warning=True,
    )


class Language:
    """feedkit's words, dates, numbers and lists in one language; Babel loads on first use."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.code = _catalog_for(tag)
        # Formats follow the words: a site in a language without a catalog gets English dates.
        self._format_tag = SOURCE if untranslated(tag) else tag

    @property
    def words_tag(self) -> str:
        """Return the language tag of feedkit's words as this language gives them: its own,
        or English's where feedkit has none in it (pages and mails say so by `lang`, as a
        screen reader reads them by it; the posts keep the site's)."""
        return SOURCE if untranslated(self.tag) else self.tag

    @functools.cached_property
    def stamp(self) -> str:
        """A hash of the catalog ("" for English): part of what a kept page was made from."""
        if not self.code:
            return ""
        import hashlib

        return hashlib.sha256(catalog_path(self.code).read_bytes()).hexdigest()[:16]

    @functools.cached_property
    def translations(self) -> gettext.GNUTranslations:
        assert self.code is not None
        return _load(self.code)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message) if self.code else message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        if not self.code:
            return singular if count == 1 else plural
        return self.translations.ngettext(singular, plural, count)

    @functools.cached_property
    def locale(self) -> Locale:
        _import_babel_dates()  # before a locale's data, which imports it, is read
        from babel import Locale, UnknownLocaleError

        for tag in (self._format_tag, self._format_tag.split("-")[0], SOURCE):
            try:
                return Locale.parse(tag, sep="-")
            except (UnknownLocaleError, ValueError):
                continue
        raise AssertionError("Babel knows English")  # pragma: no cover

    def day(self, when: datetime, zone: tzinfo, *, long: bool = False) -> str:
        """Return the day of `when` in `zone` as the language writes a date: "14. März 2025"
        (`long`), "14.03.2025"."""
        return self.date(when.astimezone(zone).date(), long=long)

    def date(self, day: date, *, long: bool = False) -> str:
        """Return `day` as the language writes a date (see `day`)."""
        _import_babel_dates()
        from babel.dates import format_date

        return format_date(day, "long" if long else "medium", locale=self.locale)

    def number(self, value: int) -> str:
        """Return `value` with the language's digit grouping: 12,345 / 12.345 / 12 345."""
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.locale)

    def names(self, names: Sequence[str]) -> str:
        """Return `names` as a list in a sentence: "Ada, Bo and Cy" / "Ada, Bo und Cy"."""
        if len(names) <= 1:
            return "".join(names)
        from babel.lists import format_list

        return format_list(list(names), locale=self.locale)

    def duration(self, span: timedelta) -> str:
        """Return `span` in whole days, else hours, else minutes: "2 days", "36 Stunden"."""
        from babel.units import format_unit

        hours = int(span.total_seconds() // 3600)
        if hours >= 24 and hours % 24 == 0:
            return format_unit(hours // 24, "duration-day", locale=self.locale)
        if hours >= 1:
            return format_unit(hours, "duration-hour", locale=self.locale)
        minutes = max(1, int(span.total_seconds() // 60))
        return format_unit(minutes, "duration-minute", locale=self.locale)

    def greeting(self, name: str, shown: Callable[[str], str] = str) -> str:
        """Return the opening line of a mail to someone called `name`: "Hi Ada," by their
        first name where the name allows it (as `shown` writes it: a mail isolates its
        direction, feedkit.mail.bidi), "Hello," when there is no name."""
        called = first_name(name)
        if not called:
            return self.gettext("Hello,")
        return self.gettext("Hi %(name)s,") % {"name": shown(called)}

    def environment(self, **options: Any) -> jinja2.Environment:
        """Return a Jinja2 environment made with `options` and the i18n extension (`I18N`),
        speaking this language before any template is compiled: Jinja2 compiles `{% trans %}`
        for the gettext style installed at the time, and keeps the compiled template."""
        import jinja2

        env = jinja2.Environment(extensions=[I18N], **options)
        # The methods, not the catalog: it is read when a template first says a word. (The
        # extension adds this method to the environment, which type checkers cannot see.)
        env.install_gettext_callables(  # type: ignore[attr-defined]
            self.gettext, self.ngettext, newstyle=True
        )
        return env


def _import_babel_dates() -> None:
    """Import babel.dates, without pytz where nothing has imported it yet.

    On import, babel.localtime finds the machine's time zone, with pytz when it is installed
    (pytz lists every zone first: 13 ms); feedkit's dates are days, written with no zone, so
    Babel may as well take the standard library's zoneinfo, as it does without pytz."""
    if "babel.dates" in sys.modules or "pytz" in sys.modules:
        return
    sys.modules["pytz"] = None  # type: ignore[assignment]  # import pytz: not found
    try:
        import babel.dates  # noqa: F401
    finally:
        if "pytz" in sys.modules and sys.modules["pytz"] is None:
            del sys.modules["pytz"]  # a later import of pytz gets it


@functools.cache
def language(tag: str) -> Language:
    """Return the site's language `tag` (a feedkit.toml `language`), loaded once a process."""
    return Language(tag)


def first_name(name: str) -> str:
    """Return what to call someone by in a greeting: the first of their names ("Ada" for
    "Ada Lovelace", "Ada" for "Lovelace, Ada"), or the whole name where the first word is
    a title or an initial ("Dr. Ada Lovelace", "J. R. R. Tolkien") or the script writes the
    family name first (李小龙); "" when `name` is empty or an address."""
    name = " ".join(name.split())
    if not name or "@" in name:
        return ""
    if any(low <= ord(c) <= high for c in name for low, high in _FAMILY_FIRST):
        return name
    if name.count(",") == 1:  # "Lovelace, Ada", or "Ada Lovelace, PhD"
        family, given = (part.strip() for part in name.split(","))
        if given.replace(".", "").lower() in SUFFIXES:
            return first_name(family)
        if given and family:
            return first_name(given) if " " in given else given
    words = name.split(" ")
    first = words[0].rstrip(",")
    bare = first.rstrip(".").lower()
    if len(words) == 1:
        return first
    if bare in HONORIFICS or len(bare) == 1 or not any(c.isalpha() for c in first):
        return name
    return first
