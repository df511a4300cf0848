"""A build with nothing to do, told before the command line loads.

Schedulers, editors' save hooks and `make` run `feedkit build` over and over, and most runs
find that nothing changed. The build finds that itself (the cache's `unchanged`), but only
after click, the config and the build's modules have loaded: tens of milliseconds, more than
the rest of such a run. So the console script (feedkit/entry.py) first asks `answer` here,
which loads nothing but the standard library's os, marshal and struct and feedkit's walk
(hashlib only when feedkit's own files must be read again to tell they are the same).

The last build's state (`.feedkit/cache/state.marshal`) holds, besides what the build
itself consults (the post files' fingerprint, when a scheduled post comes due, the outputs
written, the counts and warnings to report), a record of what else the output was made
from (`record`): the config file, and every file and folder the config's reading and the
cache's key look at (Hugo's, Pelican's and Jekyll's configuration, `_includes/`,
`_data/authors.yml`), each by its status (size, modification and change times, inode), as
posts are. On a site that keeps its digests on the web, the build also refreshes those
pages after it saves its state: the record holds what that refresh reads and writes too,
as they were before it, so a refresh that wrote something makes the next build a full one,
which records the pages as they are now. `answer` says the feeds are up to date only when
every one of those is as recorded, feedkit's files and libraries are the ones the cache was
made with (the record feedkit/site/cachekey.py keeps), and the build's own test
(`nothing_to_do`, the same code) holds. Then it prints what the build would print, and
keeps feedkit's files' new statuses if they were read again and found the same. Any
difference or doubt (another option, a WebSub hub to tell, a status too fresh to trust)
hands the run to the full build, which decides for itself; a wrong "changed" costs only
time.
"""

from __future__ import annotations

import marshal
import math
import os
import sys
import time

from feedkit.posts.walk import StatKey, file_status, stat_mtime_ns, walk, without_change_time
from feedkit.shown import display_path, problem_line
from feedkit.site.cachekey import CACHE_FORMAT, PACKAGE, made_with

# typing itself is not imported: a build with nothing to do loads only what it runs (see
# feedkit.site.uptodate); mypy reads this name as typing's.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TextIO

    from feedkit.config import Config

RECORD = "inputs"  # the state's key for `record`
WALK = "walked"  # the state's key for the post files' paths and statuses (`walk_record`)
# What `answer` found walking the content folder, for the build to take instead of walking it
# again: the folder, each post file with its status (as walk gives them), their walk_record.
Walked = tuple[str, list[tuple[str, "StatKey | None"]], bytes]
STATE = os.path.join(".feedkit", "cache", "state.marshal")  # beside feedkit.toml
RENDER_WARNINGS = "render_warnings"  # the state's record of the feed entries' warnings
NO_STAT = bytes(32)  # in a fingerprint, for a file whose status is unknown
WAL = "-wal"  # the end of an SQLite database's write-ahead log's name


# -- what the build and this share ------------------------------------------------------


def walk_record(found: list[tuple[str, StatKey | None]]) -> bytes:
    """Return every post file's path and status, as bytes: what the state keeps of a walk
    (its `WALK`), compared whole. Hashing it would cost as much as comparing it, plus
    hashlib's import (3 ms, a tenth of a build with nothing to do at 1,000 posts)."""
    paths = "\0".join([path for path, _ in found]).encode("utf-8", "surrogateescape")
    return paths + b"".join([key or NO_STAT for _, key in found])


def fingerprint(found: list[tuple[str, StatKey | None]]) -> str:
    """Return a hash of every post file's path and status (of its `walk_record`), for the
    files that key a reading by it. (SHA-256: with the processors' own instructions for it,
    twice as fast here as BLAKE2.)"""
    import hashlib  # here: a build with nothing to do never hashes its posts

    return hashlib.sha256(walk_record(found)).hexdigest()


def nothing_to_do(
    state: dict[str, Any], walked: bytes, now: float, drafts: bool, out_dir: Path | str
) -> bool:
    """Return True if no post file changed since the build that saved `state` (the paths
    and statuses it walked, `walk_record`, are the same), no scheduled post came due (nor,
    with a time before that build's, went back to waiting), and its outputs are still
    there, untouched: a build has nothing to do."""
    if not state or not walked or state.get(WALK) != walked:
        return False
    if state.get("drafts") != drafts or now >= state.get("next_change", 0.0):
        return False
    if now < state.get("last_change", -math.inf):  # FEEDKIT_NOW, or the clock, set back
        return False
    return outputs_current(state, state.get("signature", ""), out_dir)


def outputs_current(state: dict[str, Any], signature: str, out_dir: Path | str) -> bool:
    """Return True if the build that saved `state` made its outputs from the entries that
    `signature` stands for, and they are still there, untouched."""
    files = state.get("files") or {}
    if not files or state.get("signature") != signature:
        return False
    return all(as_recorded(out_dir, name, recorded) for name, recorded in files.items())


def as_recorded(out_dir: Path | str, name: str, recorded: Any) -> bool:
    """Return whether the output file `name` is still there, with the size and modification
    time a build recorded of it in its state's "files" (False when none was recorded)."""
    if not recorded:
        return False
    try:
        st = os.stat(os.path.join(out_dir, name))
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns) == tuple(recorded)


def kept_warnings(state: dict[str, Any]) -> list[tuple[str, int, str]]:
    """Return the warnings the build that saved `state` reported, each once: the posts'
    and those of rendering the feed entries."""
    kept = [*state["warnings"], *(state.get(RENDER_WARNINGS) or ())]
    return list(dict.fromkeys(tuple(w) for w in kept))


def counts_text(
    total: int,
    published: int,
    drafts: int,
    scheduled: int,
    expired: int,
    *,
    drafts_shown: bool = False,
) -> str:
    """Return the counts a build reports: "12 posts: 10 published, 1 draft(s), …"; with
    `drafts_shown` (`--drafts`), the drafts are among those published, and said so."""
    of_them = f" ({drafts} of them draft(s), as --drafts asks)" if drafts_shown and drafts else ""
    held = "" if drafts_shown else f", {drafts} draft(s)"
    return (
        f"{total} post{'' if total == 1 else 's'}: {published} published{of_them}{held}, "
        f"{scheduled} scheduled for later" + (f", {expired} expired" if expired else "")
    )


def drafts_warning(out_shown: str, drafts: int) -> str:
    """Return the warning of a `--drafts` build whose feeds carry `drafts` drafts ("" for
    none): written to the output folder, as Hugo's `-D` writes them, which is the one a
    site publishes."""
    if not drafts:
        return ""
    return (
        f"warning: the feeds in {out_shown}/ carry {drafts} draft(s), as --drafts asks: build "
        "again without it before you publish them"
    )


def up_to_date_line(
    out_shown: str, counts: tuple[int, int, int, int, int], *, drafts_shown: bool = False
) -> str:
    """Return what a build that changed nothing says."""
    said = counts_text(*counts, drafts_shown=drafts_shown)
    return f"Feeds in {out_shown}/ are up to date (0 changed); " + said


# -- what the build records -------------------------------------------------------------


def watched(cfg: Config, config_file: str) -> list[str]:
    """Return every file and folder, besides posts, whose change may change what reading the config
    and the cache's key (feedkit/site/cachekey.py `config_hash`) find: the config file, Hugo's and
    Pelican's configuration beside the content folder or the config (their presence decides which
    files are posts), a Hugo site's shortcode templates and render hooks, its own and its
    themes' (and its themes folder, where a theme copied in or checked out brings more), and
    Jekyll's `_config.yml` (and `.yaml`, `.toml`), `_data/` and `_includes/` (templates read
    them), every file and folder below those folders; and with a digest archive, what its
    refresh reads and writes (`archive_inputs`)."""
    from feedkit.posts.jekyllconfig import JEKYLL_CONFIGS
    from feedkit.posts.sitekind import (
        CONFIG_DIR,
        HOOK_FOLDERS,
        HUGO_CONFIGS,
        PELICAN_CONFIG,
        PRODUCTION_DIR,
        THEMES_DIR,
        site_folders,
    )
    from feedkit.posts.siteshortcodes import template_folders, theme_folders
    from feedkit.posts.tagreads import INCLUDES

    paths = [config_file]
    for folder in site_folders(cfg):
        paths += [str(folder / name) for name in (*HUGO_CONFIGS, PELICAN_CONFIG)]
        paths += _tree(str(folder / CONFIG_DIR)) + _tree(str(folder / PRODUCTION_DIR))
        paths.append(str(folder / THEMES_DIR))  # a theme coming, or a first one
        themes = theme_folders(folder)
        paths += map(str, themes)  # a theme's submodule checked out into its empty folder
        for root in (folder, *themes):
            paths += [path for hooks in HOOK_FOLDERS for path in _tree(str(root / hooks))]
    for templates in template_folders(site_folders(cfg)):  # a Hugo site's own shortcodes
        paths += _tree(str(templates))
    for folder in dict.fromkeys((cfg.content_path, cfg.content_path.parent, cfg.root)):
        paths += [str(folder / name) for name in JEKYLL_CONFIGS]
        paths += _tree(str(folder / INCLUDES)) + _tree(str(folder / "_data"))
    if cfg.digest.archive:
        paths += archive_inputs(cfg)
    return list(dict.fromkeys(paths))


def archive_inputs(cfg: Config) -> list[str]:
    """Return what a build's refresh of the digests' web copies (feedkit.mail.archive)
    reads and writes: the digests' state database with its write-ahead log (a digest sent
    or recorded changes one of them), the site's email templates and feedkit's own (the
    pages' key hashes every file of both), and every file and folder of the archive."""
    import feedkit.email_templates

    state = str(cfg.path(cfg.digest.state))
    return [
        state,
        state + WAL,
        *_tree(str(cfg.path(cfg.digest.templates))),
        *_tree(feedkit.email_templates.__path__[0]),
        *_tree(str(cfg.output_path / cfg.digest.archive)),
    ]


def _tree(folder: str) -> list[str]:
    """Return `folder` and every file and folder below it (just `folder` when missing)."""
    found = [folder]
    for dirpath, dirnames, filenames in os.walk(folder):
        found += [os.path.join(dirpath, name) for name in (*dirnames, *filenames)]
    return found


def statuses(paths: list[str]) -> list[tuple[str, StatKey | None]]:
    """Return each path with its status; None for one that is not there. SQLite sets a
    write-ahead log's mode each time it opens the database, a reader too, which moves the
    log's change time: its change time is left out (a write moves its modification time)."""
    found = [(path, file_status(path)) for path in paths]
    return [
        (path, without_change_time(key) if key and path.endswith(WAL) else key)
        for path, key in found
    ]


def record(cfg: Config, config_file: Path, trusted_before: int) -> dict[str, Any] | None:
    """Return what `answer` needs besides the build's state: the config file's real path,
    the status of every watched path, and the folders to look at. None when a status is
    too fresh to trust (changed at `trusted_before` or later: a rewrite of the same size
    could share its timestamp), or when a build with nothing new still has work: telling a
    WebSub hub what an earlier build could not."""
    from feedkit.posts.layout import unread_folders

    if cfg.feed.hub:
        return None
    real = os.path.realpath(config_file)
    inputs = statuses(watched(cfg, real))
    if any(key is not None and stat_mtime_ns(key) >= trusted_before for _, key in inputs):
        return None
    return {
        "config": real,
        "inputs": inputs,
        "content": str(cfg.content_path),
        "unread": unread_folders(cfg),  # the walk's, as the build walked
        "out": str(cfg.output_path),
    }


# -- the answer ---------------------------------------------------------------------------


def answer(
    args: list[str],
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    package: str | None = None,
    seen: list[Walked] | None = None,
) -> bool:
    """Return True when `feedkit build` with these arguments has nothing to do, after
    printing what the build would (to `out` and `err`, sys.stdout and sys.stderr by
    default); False, having printed nothing, when the full build must run. `package` is
    feedkit's folder (tests point it elsewhere). When it walked the content folder and found
    a post file changed, the walk is added to `seen`: the full build takes it instead of
    walking again (at 20,000 posts, 40 ms)."""
    options = build_options(args)
    if options is None or options[2] or options[3]:  # --no-cache, --strict: the full build
        return False
    config_file, drafts, _, _ = options
    path = os.path.join(os.path.dirname(os.path.realpath(config_file)), STATE)
    try:
        now = _now()
        with open(path, "rb") as f:
            state = marshal.loads(f.read())  # marshal.load(f) reads item by item: 6x slower
        lines = _lines(state, config_file, drafts, now, package, seen)
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
        return False  # a damaged or older state: the build says what it makes of it
    if lines is None:
        return False
    said, warnings, kept = lines
    out = out or sys.stdout
    err = err or sys.stderr
    for stream, text in ((err, warnings), (out, said)):
        # A character the stream cannot take as text: the full build writes it as click does.
        try:
            text.encode(stream.encoding or "utf-8", stream.errors or "strict")
        except UnicodeEncodeError:
            return False
    if kept is not None:
        _keep_toolchain(path, state, kept)
    err.write(warnings)
    out.write(said)
    out.flush()
    err.flush()
    return True


def build_options(args: list[str]) -> tuple[str, bool, bool, bool] | None:
    """Return the config file, --drafts, --no-cache and --strict of `feedkit build ARGS`;
    None for any other option (-v, --help, a typo), which only the command line takes
    (feedkit/commands/build.py runs the build without it otherwise). A build with nothing
    to do is told here only with the first two."""
    plain = plain_options(args, ("--drafts", "--no-cache", "--strict"))
    if plain is None:
        return None
    config, given = plain
    return config, "--drafts" in given, "--no-cache" in given, "--strict" in given


def plain_options(args: list[str], flags: tuple[str, ...]) -> tuple[str, set[str]] | None:
    """Return the config file of a command's ARGS and which of its `flags` they give, when
    ARGS are those flags and `--config FILE` alone (as click takes them: any order, the last
    `--config` counts); None for anything else, which only the command line takes."""
    config, given = "feedkit.toml", set()
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg in flags:
            given.add(arg)
        elif arg == "--config" and rest and not rest[0].startswith("-"):
            config = rest.pop(0)
        elif arg.startswith("--config=") and len(arg) > len("--config="):
            config = arg[len("--config=") :]
        else:
            return None
    return config, given


def _now() -> float:
    """Return the time of the build: now, or FEEDKIT_NOW (as feedkit.cli reads it)."""
    pinned = os.environ.get("FEEDKIT_NOW")
    if not pinned:
        return time.time()
    # datetime.py defines a pure-Python twin of every type before it takes the C ones from
    # _datetime: 1.7 ms, 8 % of a build with nothing to do at 1,000 posts. The C type is
    # the same class (datetime.datetime is _datetime.datetime in CPython).
    try:
        from _datetime import datetime
    except ImportError:  # an interpreter without the C module
        from datetime import datetime

    value = datetime.fromisoformat(pinned)  # a ValueError: the build reports it
    if value.tzinfo is None:
        raise ValueError(pinned)
    return value.timestamp()


def _lines(
    state: dict[str, Any],
    config_file: str,
    drafts: bool,
    now: float,
    package: str | None,
    seen: list[Walked] | None = None,
) -> tuple[str, str, dict[str, Any] | None] | None:
    """Return what the build would print (stdout, stderr) if it has nothing to do, and
    the record of feedkit's files and libraries to keep in the state when it changed."""
    inputs = state.get(RECORD)
    if state.get("format") != CACHE_FORMAT or not isinstance(inputs, dict):
        return None
    if inputs["config"] != os.path.realpath(config_file):
        return None
    if statuses([path for path, _ in inputs["inputs"]]) != inputs["inputs"]:
        return None
    # From the record of feedkit's files and libraries when they are as it says; read
    # again (a few milliseconds) when the build found them too fresh to keep one.
    # The state's key is made from its config hash and made_with: the same made_with, the
    # same key (and no hashlib to load for it).
    chain, kept = made_with(package or PACKAGE, sys.path, state.get("toolchain"), time.time_ns())
    if state.get("made_with") != dict(chain):
        return None  # feedkit, Python or a library changed: the build throws the cache away
    found = walk(inputs["content"], unread=inputs["unread"])
    walked = walk_record(found)
    if not nothing_to_do(state, walked, now, drafts, inputs["out"]):
        if seen is not None:
            seen.append((inputs["content"], found, walked))
        return None
    warnings = [
        problem_line(path, line, message, True) for path, line, message in kept_warnings(state)
    ]
    shown = display_path(inputs["out"], os.getcwd())
    said = up_to_date_line(shown, state["counts"], drafts_shown=drafts)
    if drafts and (warned := drafts_warning(shown, state["counts"][2])):
        warnings.append(warned)
    if any("\x1b" in text for text in (*warnings, said)):
        return None  # click strips terminal escapes when writing to a file: leave it that
    if kept == state.get("toolchain"):
        kept = None
    return said + "\n", "".join(line + "\n" for line in warnings), kept


def _keep_toolchain(path: str, state: dict[str, Any], kept: dict[str, Any]) -> None:
    """Write the state again with `kept`, the record of feedkit's files and libraries as
    they are now, when it changed and `made_with` found them the same as the state's (the
    full build's `stamp` does the same): else every later build would read and hash
    feedkit's files again. Nothing else in the state changes; a state that cannot be
    written only costs the next build that reading."""
    # Not feedkit.atomicfile: it imports tempfile, threading, dataclasses and pathlib, which
    # this answer exists to avoid. A cache file needs no fsync: a torn one reads as damaged,
    # and the full build runs.
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temp, "xb") as f:
            f.write(marshal.dumps({**state, "toolchain": kept}))
        os.replace(temp, path)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
