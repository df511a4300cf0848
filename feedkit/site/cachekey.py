"""The build cache's key: what a build's output is made with, besides the posts.

The settings in feedkit.toml, feedkit's own files, the Python that runs it, and the versions
of the libraries that shape the feeds' bytes. When one changes (say, by an upgrade) the
cache is thrown away rather than trusted for output the new code would make differently,
and `why_not_used` says which.

Found once per process. Reading and hashing feedkit's files and listing the folders on the
import path for the libraries' `.dist-info` folders takes about 2 ms, a few per cent of a
build that finds nothing to do; so the cache also keeps the status (size, modification and
change times, inode) of each of feedkit's files and of each folder on the import path, and
a later process that finds them all as they were takes the hash and versions from there
(about 0.3 ms). Any write to a file changes its change time; installing or removing a
library changes its folder's. As for posts, a status less than two seconds old when it was
taken is never trusted. A long-running process keeps what it found when it started, which
is what it has loaded; the build server restarts when feedkit's files change.
"""

from __future__ import annotations

import os
import sys
import time

from feedkit import __version__

# typing itself is not imported: a build with nothing to do loads only what it runs (see
# feedkit.site.uptodate); mypy reads this name as typing's.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from feedkit.config import Config

CACHE_FORMAT = 12  # the layout of the cache's files
RACY_NS = 2_000_000_000  # a status changed this shortly before it was taken is not trusted

# The distributions whose code turns posts into feed bytes: Markdown, the HTML sanitiser,
# front matter (and the YAML under it), Jekyll's Liquid, TeX to MathML, emoji codes,
# feedgen with lxml serializing, and orjson writing JSON Feed.
LIBRARIES = (
    "pyromark",
    "nh3",
    "python-frontmatter",
    "PyYAML",
    "python-liquid",
    "math-core",
    "emoji",
    "feedgen",
    "lxml",
    "orjson",
)
CODE = "feedkit's code"
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # feedkit's folder

Toolchain = tuple[tuple[str, str], ...]
_found: tuple[Toolchain, dict[str, Any] | None] | None = None  # this process's, once known


def toolchain(saved: object = None) -> Toolchain:
    """Return (name, version) for feedkit, its code, Python and each library in LIBRARIES.

    `saved` is what an earlier process's `record()` gave, if the cache kept it. The first
    call in a process decides; later ones return the same.
    """
    global _found
    if _found is None:
        _found = made_with(PACKAGE, sys.path, saved, time.time_ns())
    return _found[0]


def record() -> dict[str, Any] | None:
    """Return what the cache keeps so that a later process's `toolchain()` need not read
    feedkit's files again; None when a status was too fresh to trust."""
    toolchain()
    assert _found is not None
    return _found[1]


def made_with(
    package: Path | str, path: list[str], saved: object, now_ns: int
) -> tuple[Toolchain, dict[str, Any] | None]:
    """Return the toolchain of feedkit in `package` with libraries found on `path`, and the
    record to save of it; from `saved` when every status is the one it was taken with."""
    files = package_files(package)
    folders = tuple(_folder_status(entry) for entry in path)
    if (
        isinstance(saved, dict)
        and saved.get("files") == tuple(status for _, status in files)
        and saved.get("folders") == folders
        and isinstance(saved.get("code"), str)
        and isinstance(saved.get("libraries"), dict)
        and list(saved["libraries"]) == list(LIBRARIES)
    ):
        code, libraries = saved["code"], saved["libraries"]
    else:
        code, libraries = code_hash(package, files), library_versions(LIBRARIES, path)
    python = ".".join(str(part) for part in sys.version_info[:3])
    found = (
        ("feedkit", __version__),
        (CODE, code),
        ("Python", f"{sys.implementation.name} {python}"),
        *libraries.items(),
    )
    times = [t for _, status in files for t in status[2:4]]
    times += [t for status in folders if status[1] is not None for t in status[2:4]]
    if max(times, default=0) >= now_ns - RACY_NS:
        return found, None
    status = tuple(status for _, status in files)
    return found, {"files": status, "folders": folders, "code": code, "libraries": libraries}


def package_files(package: Path | str) -> list[tuple[str, tuple[Any, ...]]]:
    """Return every file of the package but compiled bytecode and hidden files, in every
    folder, sorted: its path and its status (relative path, size, modification and change
    times, inode)."""
    found = []
    root = len(str(package)) + 1  # relative paths by slicing: os.path.relpath is slow
    folders = [str(package)]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:  # a folder that just went: its files' hash says so
            continue
        for entry in entries:
            name = entry.name
            if name[0] == "." or name == "__pycache__" or name.endswith((".pyc", ".pyo")):
                continue
            try:
                if entry.is_dir():
                    folders.append(entry.path)
                    continue
                st = entry.stat()
            except OSError:
                continue
            rel = entry.path[root:]
            found.append((entry.path, (rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)))
    found.sort(key=lambda item: item[1][0])
    return found


def _folder_status(entry: str) -> tuple[Any, ...]:
    try:
        st = os.stat(entry or ".")
    except OSError:
        return (entry, None)
    return (entry, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def code_hash(package: Path | str, files: list[tuple[str, tuple[Any, ...]]] | None = None) -> str:
    """Return a hash of the relative paths and bytes of the package's files (`package_files`)."""
    import hashlib  # here, as the others: a build with nothing to do hashes nothing

    digest = hashlib.sha256()
    for path, (rel, *_) in files if files is not None else package_files(package):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as exc:  # changes when the file comes back
            data = str(exc).encode()
        digest.update(b"%s\0%d\0" % (rel.encode("utf-8", "surrogateescape"), len(data)))
        digest.update(data)
    return digest.hexdigest()


def _normal(name: str) -> str:
    import re  # here: a build with nothing to do never asks (pip's scripts no longer load re)

    return re.sub(r"[-_.]+", "-", name).lower()


def library_versions(names: tuple[str, ...], path: list[str]) -> dict[str, str]:
    """Return each distribution's version, as the first folder on `path` that has its
    `.dist-info` (or `.egg-info`) says; "none" when no folder has it."""
    wanted = {_normal(name): name for name in names}
    found: dict[str, str] = {}
    for entry in path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:  # missing, a file, a zip
            continue
        for item in listing:
            if item.endswith(".dist-info"):
                stem = item[: -len(".dist-info")]
            elif item.endswith(".egg-info"):
                stem = item[: -len(".egg-info")]
            else:
                continue
            name, _, rest = stem.partition("-")
            key = _normal(name)
            if key not in wanted or wanted[key] in found:
                continue
            version = rest.split("-")[0] or _metadata_version(os.path.join(entry, item))
            found[wanted[key]] = version
        if len(found) == len(wanted):
            break
    return {name: found.get(name, "none") for name in names}


def _metadata_version(info: str) -> str:
    """Return the Version field of an .egg-info or .dist-info that has none in its name."""
    for name in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(info, name), encoding="utf-8", errors="replace") as f:
                for line in f:
                    if line.startswith("Version:"):
                        return line.split(":", 1)[1].strip()
                    if not line.strip():
                        break
        except OSError:
            continue
    return "unknown"


def changes(before: dict[str, str]) -> list[str]:
    """Return what differs between `before` (an earlier toolchain()) and this process's."""
    now = dict(toolchain())
    found = []
    for name, version in now.items():
        was = before.get(name)
        if was == version:
            continue
        if name == CODE:
            if before.get("feedkit") == now["feedkit"]:  # else the new version says it
                found.append(f"{CODE} changed")
        else:
            found.append(f"{name} {was or 'none'} → {version}")
    return found


def config_hash(cfg: Config) -> str:
    """Return a hash of everything in the config that changes what a build makes: the
    settings, the Hugo or Pelican configuration files whose presence decides which files
    are posts, what a Hugo configuration says of main sections, permalinks, math and its
    typographer, the Markdown extensions a Pelican configuration names and the settings its
    layout reads (`pelicansettings.layout_settings`), and the files templates read besides posts
    (`_config.yml`, `_includes/`)."""
    from feedkit.posts.sitekind import PELICAN_CONFIG, hugo_config_in, site_folders, site_markers
    from feedkit.posts.templateinputs import template_inputs

    markers = site_markers(cfg)
    # What a Hugo configuration says of main sections and URLs decides posts and links.
    hugo = None
    if hugo_config_in(markers):  # else there is none to read: hugoconfig is not imported
        from feedkit.posts.hugoconfig import hugo_settings

        hugo = hugo_settings(site_folders(cfg))
    pelican: tuple[object, ...] = ()
    if PELICAN_CONFIG in markers:  # its MARKDOWN's extensions decide how posts read
        from feedkit.posts.pelicanmarkdown import site_extensions
        from feedkit.posts.pelicansettings import layout_settings

        configs = [folder / PELICAN_CONFIG for folder in site_folders(cfg)]
        pelican = (site_extensions(cfg), layout_settings(configs))
    import hashlib

    # Each part hashed on its own, named, so that a cache thrown away says which changed.
    parts = zip(_CONFIG_CHANGES, (cfg, markers, template_inputs(cfg), hugo, pelican), strict=True)
    return ";".join(
        f"{name}={hashlib.sha256(repr(part).encode()).hexdigest()[:32]}" for name, part in parts
    )


# The parts of `config_hash`, in its order, and what each stands for when it changed.
_CONFIG_CHANGES = {
    "settings": "the settings in feedkit.toml changed",
    "markers": "a Hugo or Pelican configuration beside the content folder came or went",
    "templates": (
        "what the posts' templates read changed (_config.yml, _includes/, _data/authors.yml, "
        "a Hugo site's theme, shortcode templates or render hooks)"
    ),
    "hugo": "the Hugo configuration's sections, permalinks or Markdown settings changed",
    "pelican": "pelicanconf.py's Markdown extensions or its layout settings changed",
}


def config_changes(old: str, new: str) -> list[str]:
    """Return what changed between two `config_hash`es, in words; [] if nothing did, or if
    `old` is of a feedkit that hashed the config whole."""
    before = dict(part.partition("=")[::2] for part in old.split(";"))
    after = dict(part.partition("=")[::2] for part in new.split(";"))
    return [said for name, said in _CONFIG_CHANGES.items() if before.get(name) != after.get(name)]


def cache_key(config: str, chain: Toolchain | None = None) -> str:
    """Return a hash of the config's hash and of what makes the output (`chain`, this
    process's `toolchain()` by default): a cache saved with another key is not used."""
    made_with = (CACHE_FORMAT, toolchain() if chain is None else chain, config)
    import hashlib

    return hashlib.sha256(repr(made_with).encode()).hexdigest()


def why_not_used(stored: dict[str, Any] | None, config: str) -> str:
    """Return why a saved state does not fit a build with this config, "" if none was saved."""
    if stored is None:
        return ""
    made_with = stored.get("made_with")
    if stored.get("format") != CACHE_FORMAT or not isinstance(made_with, dict):
        return "it is damaged" if not stored else "it was written by another version of feedkit"
    changed = changes(made_with)
    if changed:
        return ", ".join(changed)
    old = stored.get("config")
    if old != config:
        if isinstance(old, str) and ";" in old and (said := config_changes(old, config)):
            return ", ".join(said)
        return "it was written by another version of feedkit"
    return "it was written for another build"
