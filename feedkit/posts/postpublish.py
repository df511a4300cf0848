"""Whether and when a post goes out: its date (or its file name's), Hugo's publish and expiry
dates, a draft (`draft`, `published`, Pelican's `status`), and what keeps a page out of every
list (Hugo's build options, a headless bundle).

`PostBuilder` (postmeta) reads the rest of the front matter; this part of it reads the keys
that say whether readers see the post, and from when until when.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from feedkit.errors import Problem
from feedkit.posts.hugolayout import is_index
from feedkit.posts.places import DATELESS_DRAFT, DATELESS_PAGE, HUGO_FILE_DATED, NotAPost
from feedkit.posts.postreading import PostReading
from feedkit.posts.postvalues import jekyll_zones, parse_date, short_repr

DATE_KEYS = ("date",)
# Hugo's publish date: when the post goes out (it is scheduled until then).
PUBLISH_KEYS = ("publishDate", "publishdate", "pubdate")
EXPIRY_KEYS = ("expiryDate", "expirydate", "unpublishdate")  # Hugo's: out of every output then
# What dates a Hugo page with neither a date nor a publish date (Hugo 0.168's default
# [frontmatter] date list): its `published`, then its last change.
HUGO_DATE_KEYS = ("published", "lastmod", "modified")
BUILD_KEYS = ("build", "_build")  # Hugo's build options


# Hugo 0.168's [frontmatter] defaults: what dates a page, and what publishes it.
HUGO_DATE_DEFAULT = ("date", "publishdate", "pubdate", "published", "lastmod", "modified")
HUGO_PUBLISH_DEFAULT = ("publishdate", "pubdate", "published", "date")


def hugo_dated(
    meta: dict[str, Any],
    lists: tuple[tuple[str, ...], tuple[str, ...]],
    path: str,
    language: str = "",
) -> dict[str, Any]:
    """Return a Hugo page's front matter with its date and publish date as the site's
    [frontmatter] `lists` (date, publishDate) make them, as Hugo 0.168 does: each the first
    of its list found, a key in any case, `:default` Hugo's own list, `:filename` the date
    that the file's name (a bundle's folder's) starts with, whose rest is then the page's
    slug unless it has one; `:fileModTime` and `:git` give nothing (feedkit dates no post by
    its file). The publish date, when none is found, is the date. `language`: the one the
    file's name ends in (`2018-07-30-title.pt-br.md`), which is no part of the slug."""
    lower = {str(key).lower(): value for key, value in meta.items()}
    name = os.path.splitext(os.path.basename(path))[0]
    if language and name.endswith("." + language):
        name = name[: -len(language) - 1]
    if is_index(name):  # a bundle: its folder names it
        name = os.path.basename(os.path.dirname(path))
    named = _FILENAME_DATE.match(name)
    out = dict(meta)

    def first(handlers: tuple[str, ...], default: tuple[str, ...]) -> Any:
        for handler in handlers:
            if handler == ":default":
                found = first(default, ())
            elif handler == ":filename":
                found = named[1] if named else None
                if named and "slug" not in lower and named[2].strip(" -_"):
                    out["slug"] = named[2].strip(" -_")
            else:
                found = lower.get(handler)
            if found not in (None, "") and not isinstance(found, bool):
                return found
        return None

    date = first(lists[0], HUGO_DATE_DEFAULT)
    publish = first(lists[1], HUGO_PUBLISH_DEFAULT)
    for key in [k for k in out if str(k).lower() in ("date", *PUBLISH_KEYS)]:
        del out[key]
    if date is not None:
        out["date"] = date
    if publish is not None or date is not None:
        out["publishDate"] = publish if publish is not None else date
    return out


_FILENAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(.*)$")


_UTC = ZoneInfo("UTC")


# What Go's strconv.ParseBool reads as true, and as false (Hugo's flags, through cast).
_GO_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
_GO_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))


class PostPublishing(PostReading):
    """Whether the post `PostBuilder` reads is out, and from when until when: from its front
    matter (`meta`), its place in the site's layout and its file's name (Jekyll's date);
    problems go to `fail`."""

    def zone_of(self, raw: Any) -> ZoneInfo:
        """Return the zone a front matter date `raw` without one is read in: the site's,
        but UTC for a Jekyll post's YAML timestamp (`2019-01-10 20:00:00`, unquoted, with
        its seconds), which Ruby's YAML reads as UTC, and Jekyll so (`20:00` or a quoted
        one is the site's time: checked against Jekyll 4.3)."""
        if (
            self.place.jekyll
            and type(raw) is datetime
            and raw.tzinfo is None
            and self.src.fm_format == "YAML"
        ):
            return _UTC
        return self.timezone

    def read_date(self, raw: Any, key: str = "") -> datetime:
        """Return the date a front matter value gives (raise ValueError for none), read as
        the site's generator reads it: a Jekyll or Pelican site's in any form Ruby's
        `Time.parse` or Pelican's dateutil takes (`2018-8-18 02:22`, `August 18, 2018`), a
        Hugo page's `… 15:04:05 PST` at that time in the site's zone, as Hugo reads it.
        With `key`, a time the zone's clocks skipped (02:30 on the night they go forward)
        is a warning at that key."""
        place = self.place
        zones = jekyll_zones() if place.jekyll else None  # `… PST`, as Ruby reads it
        loose = place.jekyll or place.pelican
        zone = self.zone_of(raw)
        parsed = parse_date(raw, zone, loose, zones, hugo=place.hugo)
        if place.pelican and parsed.tzinfo is zone and _twice(parsed):
            # An hour the clocks went through twice (02:30 on the night they go back):
            # Pelican's pytz `localize` takes the second, in standard time (+01:00).
            parsed = parsed.replace(fold=1)
        if key and parsed.tzinfo is zone and zone.key != "UTC":
            real = parsed.astimezone(_UTC).astimezone(zone)
            if real.replace(tzinfo=None) != parsed.replace(tzinfo=None):
                self.warn(
                    key,
                    f"{key}: {parsed:%Y-%m-%d %H:%M} never happened in {zone.key} (its clocks "
                    f"went forward then): read as {real.isoformat()}; write the time the post "
                    "meant, or its offset",
                )
                return real
        return parsed

    def _date(self, jekyll: re.Match[str] | None) -> datetime | None:
        key, raw = self.first(PUBLISH_KEYS)
        if raw is not None:
            return self._parsed(key, raw)
        raw = self.meta.get("date")
        if raw in (None, "") and self.place.hugo:
            key, raw = self.hugo_fallback_date()
            if raw is not None:
                return self._parsed(key, raw)
        if raw in (None, "") and jekyll:
            year, month, day = jekyll["date"].split("-")
            try:
                return parse_date(f"{year}-{month:0>2}-{day:0>2}", self.timezone)
            except ValueError as exc:
                self.fail(
                    "date",
                    f"date: the file name's date {exc}; rename the file or add 'date: …' "
                    "to the front matter",
                )
                return None
        if raw in (None, ""):
            self.fail(
                "date",
                "missing date; add 'date: 2024-05-01' (or a time with zone) to the "
                "front matter, or name the file 2024-05-01-slug.md",
            )
            return None
        try:
            return self.read_date(raw, "date")
        except ValueError as exc:
            if "date" in self.named:  # as Pelican's FILENAME_METADATA or PATH_METADATA read it
                self.fail(
                    "date",
                    f"date: the file name's date {exc} (pelicanconf.py's FILENAME_METADATA or "
                    "PATH_METADATA reads it there); rename the file or add 'Date: …' to its "
                    "metadata",
                )
            else:
                self.fail("date", f"date: {exc}")
            return None

    def _undated(self, draft: bool, jekyll: re.Match[str] | None) -> None:
        """Raise NotAPost for a draft or a Hugo page that nothing dates (not its front
        matter, nor a Jekyll post's name), saying why."""
        if (
            not jekyll
            and self.first(DATE_KEYS + PUBLISH_KEYS)[1] is None
            and (not self.place.hugo or self.hugo_fallback_date()[1] is None)
        ):
            if draft:
                raise NotAPost(DATELESS_DRAFT)
            if self.place.hugo:
                handlers = (
                    {*self.place.hugo_dates[0], *self.place.hugo_dates[1]}
                    if self.place.hugo_dates
                    else set()
                )
                if handlers & {":filemodtime", ":git"}:
                    raise NotAPost(HUGO_FILE_DATED)
                raise NotAPost(DATELESS_PAGE)

    def url_date(self, published: datetime) -> datetime:
        """Return the date a post's URL is made of: a Hugo page's `date` (its .Date, which
        fills a [permalinks] pattern's :year, :month and :day), else `published`. A page
        dated in January and published in March is at /2023/01/… in Hugo."""
        raw = self.meta.get("date") if self.place.hugo else None
        if raw in (None, "") or isinstance(raw, bool) or self.first(PUBLISH_KEYS)[1] is None:
            return published
        try:
            return self.read_date(raw)
        except ValueError:  # said where the date is read for the feeds
            return published

    def hugo_fallback_date(self) -> tuple[str, Any]:
        """Return the key and value that date a Hugo page without `date` or a publish date
        (`HUGO_DATE_KEYS`; a `published: false`, Jekyll's flag, dates nothing); the first
        key and None without one."""
        for key in HUGO_DATE_KEYS:
            value = self.meta.get(key)
            if value not in (None, "") and not isinstance(value, bool):
                return key, value
        return HUGO_DATE_KEYS[0], None

    def _parsed(self, key: str, raw: Any) -> datetime | None:
        """Return the date `key` gives; None, the problem said, for one that is no date."""
        try:
            return self.read_date(raw, key)
        except ValueError as exc:
            self.fail(key, f"{key}: {exc}")
            return None

    def _expiry(self) -> datetime | None:
        key, raw = self.first(EXPIRY_KEYS)
        return None if raw is None else self._parsed(key, raw)

    def _unlisted(self) -> None:
        """Raise NotAPost when Hugo's build options keep the page out of every list."""
        if self.place.hugo and self.meta.get("headless") is True:
            raise NotAPost("a headless bundle (headless: true): Hugo publishes no page for it")
        for key in BUILD_KEYS:
            options = self.meta.get(key)
            if not isinstance(options, dict):
                continue
            options = {str(k).lower(): v for k, v in options.items()}  # Hugo's, in any case
            for option, hidden in (("list", ("never", "local")), ("render", ("never",))):
                value = options.get(option)
                if value is False or (isinstance(value, str) and value.lower() in hidden):
                    where = "nowhere" if option == "list" else "no page for it"
                    raise NotAPost(f"Hugo lists it {where} ({key}: {option}: {str(value).lower()})")

    def _draft(self) -> bool:
        draft = self.place.draft
        if self.src.fm_format == "Pelican" and "status" in self.meta:
            status = str(self.meta["status"]).lower()
            if status == "hidden":
                raise NotAPost("Pelican lists it nowhere (status: hidden)")
            if status == "draft":
                draft = True
            elif status != "published" and self.place.pelican:
                raise NotAPost(
                    f"its status {status!r} is not draft, hidden or published, and Pelican "
                    "skips such an article ('Unknown status'); correct its 'Status: …' line "
                    "to publish it",
                    warning=True,
                )
            elif status != "published":
                self.fail("status", f"status must be draft, hidden or published, not {status!r}")
        for key, means_draft in (("draft", True), ("published", False)):
            value = self.meta.get(key)
            if value is None:
                continue
            if key == "draft" and self.place.hugo:
                value = self._hugo_flag(key, value)
            if isinstance(value, str) and value.strip().lower() in ("true", "false"):
                value = value.strip().lower() == "true"  # "false" in quotes: as Hugo reads it
            if key == "published" and self.place.hugo and not isinstance(value, bool):
                continue  # Hugo's date, when not its flag (`hugo_fallback_date`)
            if not isinstance(value, bool):
                self.fail(key, f"{key} must be true or false, not {short_repr(value)}")
            elif value is means_draft:
                draft = True
        return draft

    def _hugo_flag(self, key: str, value: Any) -> Any:
        """Return a Hugo page's flag `key` as Hugo reads it (spf13/cast's ToBool): a number
        is true unless 0, a text is what strconv.ParseBool makes of it (`true`, `t`, `1`…)
        and false otherwise, with a warning. An unquoted `yes` or `on` in YAML is such a
        text to Hugo (YAML 1.2), and a Hugo page's YAML is read so (`fmparse`'s `hugo`),
        though YAML 1.1 (Jekyll's, Pelican's) reads it as true: Hugo publishes the page,
        and so does feedkit."""
        if isinstance(value, str):
            text = value.strip()
            if text in _GO_TRUE or text in _GO_FALSE:
                return text in _GO_TRUE
            if text.lower() in ("no", "off", "n"):  # false to Hugo too, as meant
                return False
            self.warnings.append(
                Problem(
                    self.shown,
                    self.line_of(key),
                    f"{key}: {short_repr(text)} is not true or false to Hugo, which reads it "
                    f"as false and publishes the page, and so does feedkit; write "
                    f"'{key}: true' to keep it a draft",
                    warning=True,
                )
            )
            return False
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value != 0
        return value

    def _pelican_skipped(self, draft: bool) -> None:
        """Raise NotAPost, to be warned about, for a Pelican site's article that Pelican
        skips (`Article.is_valid` in Pelican 4.8): one without a title, or without a date
        unless it is a draft (Pelican dates one last) or pelicanconf.py sets DEFAULT_DATE."""
        if not self.place.pelican:
            return
        # Keys in any case: Pelican reads a `---` block's `Title:` too, where YAML keeps case.
        given = {str(key).lower() for key, value in self.meta.items() if value not in (None, "")}
        missing = [] if "title" in given or "title" in self.meta else ["title"]
        if not (draft or "date" in given) and not missing:
            if any(str(key).lower() == "date" for key in self.meta):
                raise NotAPost(
                    "its 'Date:' is empty: Pelican skips such an article (an error in its log); "
                    "write its date to publish it",
                    warning=True,
                )
            if self.place.default_date:  # set, and yet no date: 'fs', or one not read
                raise NotAPost(
                    "no 'Date:', and pelicanconf.py's DEFAULT_DATE dates it by its file's time "
                    "('fs'), which feedkit dates no post by (a checkout or a copy changes it); "
                    "add 'Date: …' to its metadata to publish it",
                    warning=True,
                )
        if not (draft or self.place.default_date or "date" in given):
            missing.append("date")
        if not missing:
            return
        lines = " and ".join(f"'{name.capitalize()}: …'" for name in missing)
        raise NotAPost(
            f"no {' and no '.join(missing)}: Pelican skips an article without "
            f'{"one" if len(missing) == 1 else "them"} ("could not find information about '
            f"'{missing[0]}'\"); add {lines} to its metadata to publish it",
            warning=True,
        )


def _twice(when: datetime) -> bool:
    """Return whether the wall-clock time `when` happened twice in its zone (both of its
    readings come back to it, at two offsets), as on the night the clocks go back."""
    first, second = when.replace(fold=0), when.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return False
    naive = when.replace(tzinfo=None, fold=0)
    return all(
        each.astimezone(_UTC).astimezone(when.tzinfo).replace(tzinfo=None, fold=0) == naive
        for each in (first, second)
    )
