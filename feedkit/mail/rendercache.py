"""What rendering a digest makes that the next run can use again: inlined HTML, compiled templates.

Importing premailer (cssutils and requests come with it) takes about a quarter of a second,
and its first inline as long again (cssutils compiles its patterns). What it returns depends
only on the HTML it is given, its settings and the versions of the libraries that parse and
write it: the per-reader values are placeholders in that HTML (digest.PLACEHOLDERS), and for
the same posts the rest changes once a day at most (the date and the web copy's address).
So each result is kept in `.feedkit/cache/inlined/`, named by a hash of all of those: the
dry run, the send after it and runs minutes apart inline once. A missing or damaged file
costs one inline; premailer is imported only then.

Dates, counts and lists of names are written by Babel, whose first use in a process loads a
locale's data and asks for the machine's time zone (about 45 ms); they too change once a day at
most, so the strings a render used are kept in `.feedkit/cache/phrases.json` (Phrases), with
the next weeks' dates and the small counts, so that tomorrow's digest finds its own.

Jinja2 compiles the email templates to Python in every process (a tenth of a second for the
mail's and the web copy's); its own bytecode cache keeps them in `.feedkit/cache/templates/`,
made again when a template's source changes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedkit.atomicfile import write_atomically
from feedkit.site.cachekey import library_versions

if TYPE_CHECKING:
    from datetime import date, datetime, tzinfo

    import jinja2

    from feedkit.i18n import Language

log = logging.getLogger("feedkit.mail.rendercache")
FOLDER = "inlined"
TEMPLATES = "templates"
PHRASES = "phrases.json"
KEEP_PHRASES = 4_096  # strings kept, the most recently used; a digest of 500 posts needs ~500
# Written with each day or count Babel is loaded for, so that the digests of the next weeks
# (today's date, a new post's) find theirs kept: a few milliseconds once Babel is loaded.
DAYS_AHEAD = 31
COUNTS = 100
KEEP = 16  # results kept, newest used first; a digest needs one, or a few when cut to size
# The libraries whose versions can change the inlined bytes.
LIBRARIES = ("premailer", "cssutils", "cssselect", "lxml")
# What feedkit changes in premailer's output (feedkit.mail.inliner): a new value when that
# changes, so that no HTML inlined before is taken for what the inliner makes now.
INLINER = 2  # 2: width, height and bgcolor only where HTML has them
SETTINGS: Mapping[str, Any] = {
    "allow_network": False,  # never fetch anything while rendering mail
    "strip_important": False,  # the phone layout's !important must win over inline styles
    "keep_style_tags": False,
    "remove_classes": False,
    "disable_validation": True,
    "cssutils_logging_level": logging.CRITICAL,  # mso-* and -webkit-* are not errors
}


@dataclass(frozen=True)
class RenderCache:
    """Inlined HTML kept in `folder`, and compiled templates beside it, written only while
    `home` (the site's `.feedkit` folder) exists, as the post index is: a dry run on a new
    site leaves no files."""

    folder: Path
    home: Path

    @classmethod
    def of_site(cls, cache_path: Path) -> RenderCache:
        """Return the cache of the site whose `.feedkit` folder is `cache_path`."""
        return cls(cache_path / "cache" / FOLDER, cache_path)

    def templates(self, options: Mapping[str, Any]) -> jinja2.BytecodeCache | None:
        """Return Jinja2's cache of templates compiled with `options` (an Environment's),
        None if the site keeps none. Jinja2 tells its files apart by template name and
        source only, so each set of options gets a folder of its own."""
        if not self.home.is_dir():
            return None
        import jinja2

        # Its files say which Python compiled them, not which Jinja2.
        versions = [library_version("jinja2"), *sorted((k, repr(v)) for k, v in options.items())]
        made_by = json.dumps(versions)
        kind = hashlib.sha256(made_by.encode()).hexdigest()[:16]
        folder = self.home / "cache" / TEMPLATES / kind
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.info("compiled templates not kept: %s", exc)
            return None
        return jinja2.FileSystemBytecodeCache(str(folder))

    def phrases(self, words: Language) -> Phrases:
        """Return the dates, numbers and lists of names kept for `words`' language (none
        kept, nor made ahead, on a site without its `.feedkit` folder)."""
        return Phrases(words, self.home if self.home.is_dir() else None)

    def kept_since(self, path: Path) -> bool:
        """Return True if a result was kept here after `path` was last written, or since
        there is no `path` (for the dry run, the list of posts readers may see: a render
        kept since then is likely to be the next one's too, so premailer likely not needed)."""
        try:
            kept = self.folder.stat().st_mtime_ns
        except OSError:  # nothing kept
            return False
        try:
            return kept >= path.stat().st_mtime_ns
        except OSError:  # no list kept
            return True

    def get(self, key: str, kind: str = "html") -> str | None:
        """Return the inlined HTML (or other `kind` of text) kept under `key`; None if
        missing or damaged."""
        path = self.folder / f"{key}.{kind}"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        check, _, body = data.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != check:
            log.info("inlined HTML %s is damaged; inlining again", path)
            return None
        return body.decode("utf-8")

    def put(self, key: str, inlined: str, kind: str = "html") -> None:
        """Keep `inlined` (or other `kind` of text) under `key`, and the newest KEEP results
        of that kind only."""
        if not self.home.is_dir():
            return
        body = inlined.encode("utf-8")
        data = hashlib.sha256(body).hexdigest().encode() + b"\n" + body
        try:
            write_atomically(self.folder / f"{key}.{kind}", data)
            kept = sorted(self.folder.glob(f"*.{kind}"), key=lambda p: p.stat().st_mtime_ns)
            for old in kept[:-KEEP]:
                old.unlink(missing_ok=True)
        except OSError as exc:  # a cache that cannot be written only costs time
            log.info("inlined HTML not kept: %s", exc)


@dataclass(frozen=True)
class RememberingCache(RenderCache):
    """A RenderCache that also remembers the newest results of each kind in this process,
    for the preview, which makes the same digest again at each page: on a site without its
    `.feedkit` folder too, where nothing is written."""

    memory: dict[tuple[str, str], str] = field(default_factory=dict, compare=False, repr=False)

    def get(self, key: str, kind: str = "html") -> str | None:
        found = self.memory.get((key, kind))
        if found is None:
            found = super().get(key, kind)
            if found is not None:
                self._remember(key, kind, found)
        return found

    def put(self, key: str, inlined: str, kind: str = "html") -> None:
        self._remember(key, kind, inlined)
        super().put(key, inlined, kind)

    def _remember(self, key: str, kind: str, text: str) -> None:
        self.memory.pop((key, kind), None)  # put back last: the oldest goes first
        self.memory[key, kind] = text
        if len(self.memory) > KEEP:
            del self.memory[next(iter(self.memory))]


class Phrases:
    """What `words` (a Language) says of dates, numbers and lists of names, kept in the
    `home` folder's cache (None: nowhere) so that a run that says only what an earlier one
    said does not load Babel. The file names the language, its catalog and the versions of
    feedkit and Babel it was written with; written by another, damaged or missing, it is
    written again from Babel."""

    def __init__(self, words: Language, home: Path | None = None) -> None:
        self.words = words
        self.home = home
        self._made_by = self._kept_by() if home is not None else []
        self._kept: dict[str, str] = self._read()
        self._new = False

    def day(self, when: datetime, zone: tzinfo, *, long: bool = False) -> str:
        """Return Language.day's words for the day of `when` in `zone`."""
        day = when.astimezone(zone).date()  # all that Language.day writes of `when`
        key = _day_key(day, long)
        if key not in self._kept and self.home is not None:
            for ahead in range(DAYS_AHEAD):
                later = day + timedelta(days=ahead)
                for style in (False, True):
                    if _day_key(later, style) not in self._kept:
                        self._kept[_day_key(later, style)] = self.words.date(later, long=style)
            self._new = True
        return self._phrase(key, lambda: self.words.date(day, long=long))

    def number(self, value: int) -> str:
        """Return Language.number's words for `value`."""
        if f"number {value}" not in self._kept and self.home is not None and 0 <= value < COUNTS:
            for count in range(COUNTS):
                if f"number {count}" not in self._kept:
                    self._kept[f"number {count}"] = self.words.number(count)
            self._new = True
        return self._phrase(f"number {value}", lambda: self.words.number(value))

    def names(self, names: Sequence[str]) -> str:
        """Return Language.names's words for `names`."""
        if len(names) <= 1:  # no Babel needed
            return self.words.names(names)
        key = "names " + json.dumps(list(names), ensure_ascii=False)
        return self._phrase(key, lambda: self.words.names(names))

    def _phrase(self, key: str, make: Callable[[], str]) -> str:
        found = self._kept.pop(key, None)  # put back last: the most recently used are kept
        if found is None:
            found, self._new = make(), True
        self._kept[key] = found
        return found

    def _kept_by(self) -> list[str]:
        from feedkit import __version__

        return [__version__, library_version("babel"), self.words.tag, self.words.code or ""]

    def _path(self) -> Path:
        assert self.home is not None
        return self.home / "cache" / PHRASES

    def _read(self) -> dict[str, str]:
        if self.home is None:
            return {}
        try:
            check, _, body = self._path().read_bytes().partition(b"\n")
        except OSError:
            return {}
        if hashlib.sha256(body).hexdigest().encode() != check:
            log.info("%s is damaged; writing it again", self._path())
            return {}
        try:
            kept = json.loads(body)
        except ValueError:  # pragma: no cover - the hash matched
            return {}
        if not isinstance(kept, dict) or kept.get("made_by") != self._made_by:
            return {}
        phrases = kept.get("phrases")
        return dict(phrases) if isinstance(phrases, dict) else {}

    def save(self) -> None:
        """Keep the strings said so far, if any is new, while the site's cache home exists."""
        if not self._new or self.home is None or not self.home.is_dir():
            return
        kept = dict(list(self._kept.items())[-KEEP_PHRASES:])
        body = json.dumps({"made_by": self._made_by, "phrases": kept}, ensure_ascii=False)
        data = body.encode("utf-8")
        try:
            write_atomically(self._path(), hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
        except OSError as exc:  # a cache that cannot be written only costs time
            log.info("dates and numbers not kept: %s", exc)
            return
        self._new = False


@functools.cache
def _library_versions() -> dict[str, str]:
    return library_versions((*LIBRARIES, "jinja2", "babel"), sys.path)


def library_version(name: str) -> str:
    """Return the installed version of `name`, one of the libraries whose output is kept
    here ("none" if missing), as the first folder on sys.path has it: found once a process."""
    return _library_versions()[name]


def _day_key(day: date, long: bool) -> str:
    return f"day {day.isoformat()} {'long' if long else 'medium'}"


def inline_key(document: str, settings: Mapping[str, Any]) -> str:
    """Return the name of `document`'s inlined HTML: a hash of it, the settings and the
    versions of the libraries that make it."""
    versions = {name: library_version(name) for name in LIBRARIES}
    made_by = json.dumps([versions, sorted(settings.items()), INLINER], sort_keys=True)
    return hashlib.sha256(f"{made_by}\n{document}".encode()).hexdigest()


def inline(
    document: str, cache: RenderCache | None = None, settings: Mapping[str, Any] = SETTINGS
) -> str:
    """Return `document` with its CSS inlined by premailer with `settings`, from `cache`
    when it holds the result already."""
    if cache is None:
        return _premailer(document, settings)
    key = inline_key(document, settings)
    found = cache.get(key)
    if found is not None:
        return found
    inlined = _premailer(document, settings, cache)
    cache.put(key, inlined)
    return inlined


def _premailer(document: str, settings: Mapping[str, Any], cache: RenderCache | None = None) -> str:
    # here: a run that finds its digest in the cache never imports premailer
    from feedkit.mail.inliner import transform

    return transform(document, settings, cache)
