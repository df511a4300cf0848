"""What rendering a digest makes that the next run can use again: inlined HTML, compiled templates.

Importing premailer (cssutils and requests come with it) takes about a quarter of a second,
and its first inline as long again (cssutils compiles its patterns). What it returns depends
only on the HTML it is given, its settings and the versions of the libraries that parse and
write it: the per-reader values are placeholders in that HTML (digest.PLACEHOLDERS), and for
the same posts the rest changes once a day at most (the date and the web copy's address).
So each result is kept in `.feedkit/cache/inlined/`, named by a hash of all of those: the
dry run, the send after it and runs minutes apart inline once. A missing or damaged file
costs one inline; premailer is imported only then.

Jinja2 compiles the email templates to Python in every process (a tenth of a second for the
mail's and the web copy's); its own bytecode cache keeps them in `.feedkit/cache/templates/`,
made again when a template's source changes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedkit.atomicfile import write_atomically

if TYPE_CHECKING:
    import jinja2

log = logging.getLogger("feedkit.mail.rendercache")
FOLDER = "inlined"
TEMPLATES = "templates"
KEEP = 16  # results kept, newest used first; a digest needs one, or a few when cut to size
# The libraries whose versions can change the inlined bytes.
LIBRARIES = ("premailer", "cssutils", "cssselect", "lxml")
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
        versions = [metadata.version("jinja2"), *sorted((k, repr(v)) for k, v in options.items())]
        made_by = json.dumps(versions)
        kind = hashlib.sha256(made_by.encode()).hexdigest()[:16]
        folder = self.home / "cache" / TEMPLATES / kind
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.info("compiled templates not kept: %s", exc)
            return None
        return jinja2.FileSystemBytecodeCache(str(folder))

    def get(self, key: str) -> str | None:
        """Return the inlined HTML kept under `key`; None if missing or damaged."""
        path = self.folder / f"{key}.html"
        try:
            data = path.read_bytes()
        except OSError:
            return None
        check, _, body = data.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != check:
            log.info("inlined HTML %s is damaged; inlining again", path)
            return None
        return body.decode("utf-8")

    def put(self, key: str, inlined: str) -> None:
        """Keep `inlined` under `key`, and the newest KEEP results only."""
        if not self.home.is_dir():
            return
        body = inlined.encode("utf-8")
        data = hashlib.sha256(body).hexdigest().encode() + b"\n" + body
        try:
            write_atomically(self.folder / f"{key}.html", data)
            kept = sorted(self.folder.glob("*.html"), key=lambda p: p.stat().st_mtime_ns)
            for old in kept[:-KEEP]:
                old.unlink(missing_ok=True)
        except OSError as exc:  # a cache that cannot be written only costs time
            log.info("inlined HTML not kept: %s", exc)


def inline_key(document: str, settings: Mapping[str, Any]) -> str:
    """Return the name of `document`'s inlined HTML: a hash of it, the settings and the
    versions of the libraries that make it."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    made_by = json.dumps([versions, sorted(settings.items())], sort_keys=True)
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
    inlined = _premailer(document, settings)
    cache.put(key, inlined)
    return inlined


def _premailer(document: str, settings: Mapping[str, Any]) -> str:
    import premailer  # here: a run that finds its digest in the cache never imports it

    return str(premailer.Premailer(document, **settings).transform())
