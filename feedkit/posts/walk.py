"""Post files found and told apart by their status, with nothing else loaded: the walk of
the content folder, and each file's status packed in 32 bytes. Apart from postfile (which
reads the files) because a build that finds nothing changed runs only this, before the
command line loads (feedkit.site.uptodate).
"""

from __future__ import annotations

import os
import struct

# typing itself is not imported: a build with nothing to do loads only what it runs (see
# feedkit.site.uptodate); mypy reads this name as typing's.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

# A file's status packed in 32 bytes: size, modification and change times in nanoseconds,
# inode. Bytes rather than a tuple of four large ints: the cache stores and compares 20,000 of
# them per build, and bytes load, compare and hash several times faster.
StatKey = bytes
_STAT = struct.Struct("<qqqQ")


def stat_key(st: os.stat_result) -> StatKey:
    """Return what tells a file's versions apart: size, modification and change times in
    nanoseconds, inode."""
    return _STAT.pack(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


_MTIME_NS = struct.Struct("<8xq")  # the modification time alone, in a status key


def stat_mtime_ns(key: StatKey) -> int:
    """Return the modification time in a status key."""
    return int(_MTIME_NS.unpack_from(key)[0])


_MTIMES_NS = struct.Struct("<8xq16x")  # the same, of each key in a run of keys


def newest_mtime_ns(keys: list[StatKey]) -> int:
    """Return the latest modification time in status keys; -1 for none. (Unpacked in one
    C loop: 20,000 calls of `stat_mtime_ns` take 6 ms.)"""
    return int(max(_MTIMES_NS.iter_unpack(b"".join(keys)), default=(-1,))[0])


_CTIMES_NS = struct.Struct("<16xq8x")  # the change time of each key in a run of keys


def change_times_ns(keys: Iterable[StatKey]) -> list[int]:
    """Return the change time in each status key, unpacked in one C loop."""
    return [ctime for (ctime,) in _CTIMES_NS.iter_unpack(b"".join(keys))]


def without_change_time(key: StatKey) -> StatKey:
    """Return the status key with its change time left out: for a file whose change time
    moves while its content does not (see feedkit.site.uptodate `statuses`)."""
    return key[:16] + bytes(8) + key[24:]


# The Markdown file names Jekyll (its default `markdown_ext`), Hugo and Pelican read, and
# feedkit in a site of its own; the walk lists them all, and the layout keeps of them those
# the site's generator reads (feedkit.posts.layout).
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mkdown")
# Hugo 0.111's Markdown (its text/markdown media type): a `.mkd` is no page to it.
HUGO_SUFFIXES = (".md", ".markdown", ".mdown")
# Pelican 4.8's MarkdownReader `file_extensions`, compared as written.
PELICAN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
# What Pelican 4.8 also publishes as articles, by its readers on by default (RstReader,
# HTMLReader): a Pelican site's walk lists them, for the layout to warn that feeds lack them.
PELICAN_OTHER_SUFFIXES = (".rst", ".htm", ".html")
# Hugo 0.168's other content formats (HTML, Emacs Org, AsciiDoc, Pandoc, reStructuredText):
# a Hugo site's walk lists them, for the layout to warn that feeds lack those pages.
HUGO_OTHER_SUFFIXES = tuple(".html .htm .org .adoc .asciidoc .ad .pandoc .pdc .rst .rest".split())


def is_jekyll_post_name(folder: str, name: str, endings: tuple[str, ...]) -> bool:
    """True for a file in a Jekyll `_posts/` or `_drafts/` folder that Jekyll reads as a
    post: one whose name ends, in any case, in one of `endings` (the walk's Markdown endings
    and `.html`: jekyll-import writes a WordPress blog's posts so; Jekyll compares an ending
    with its `markdown_ext` in lower case), and one named with a date, whatever its ending,
    which Jekyll publishes as written (`2024-01-02-notes.txt`). Not a backup (`….txt~`),
    nor a name without an ending, as Jekyll's EntryFilter and DATE_FILENAME_MATCHER have it:
    a picture beside the posts (`diagram.png`) is none."""
    if not name.lower().endswith(endings) and not _dated(name):
        return False
    parts = folder.replace("\\", "/").split("/")
    return "_posts" in parts or "_drafts" in parts


def _dated(name: str) -> bool:
    """True for a name as Jekyll's DATE_FILENAME_MATCHER takes it: YEAR-MONTH-DAY-slug and
    an ending (2 to 4 digits of year, 1 or 2 of month and day), not a backup's `~`."""
    year, _, rest = name.partition("-")
    month, _, rest = rest.partition("-")
    day, _, slug = rest.partition("-")
    dot = slug.rfind(".")
    return (
        all(part.isascii() and part.isdigit() for part in (year, month, day))
        and 2 <= len(year) <= 4
        and len(month) <= 2
        and len(day) <= 2
        and 0 <= dot < len(slug) - 1
        and not name.endswith("~")
    )


# What the walk takes of a Jekyll site's configuration (feedkit.posts.layout
# `unread_folders`): the site's path of the content folder ("" or "blog/", say); the paths in
# the site that its `exclude` names and those its `include` takes back with all they hold,
# whose folders Jekyll never reads; and the endings its `markdown_ext` makes Markdown beyond
# `MARKDOWN_SUFFIXES`. Plain paths and names, compared as text: a build that finds nothing
# changed walks with them too (its record keeps them), and must not import `re` for it.
Unread = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def walk(
    content_dir: Path | str, *, stat: bool = True, unread: Unread | None = None
) -> list[tuple[str, StatKey | None]]:
    """Return (path, status key) for every post file under `content_dir`, sorted.

    Hidden files and folders are skipped, and with `unread`, the folders Jekyll does not
    enter either: it filters each folder's entries before it reads any of them, so an
    excluded `node_modules/` or `vendor/bundle/` (thousands of folders, each package's
    README) is never listed, and a build that finds nothing changed does not pay for it.
    Paths stay strings: a build over 20,000 posts should not make 20,000 Path objects.
    Without `stat` every key is None: a build that reads every file anyway gets each file's
    status when it opens it, and a stat call per file costs as much as the rest of the walk.

    What cannot be read is listed too, for reading it to say why: a post file's link that
    leads nowhere or back to itself, a folder's link back to a folder that holds it (which
    is not followed: the walk would never end), and a folder that cannot be listed.
    """
    found: list[tuple[str, StatKey | None]] = []
    root = str(content_dir)
    skipped = _unread_test(root, unread) if unread is not None and unread[1] else None
    suffixes = MARKDOWN_SUFFIXES + unread[3] if unread is not None else MARKDOWN_SUFFIXES
    jekyll_endings = (*suffixes, ".html")
    # Each folder to list, with the identities (device, inode) of it and the folders
    # holding it: a link to one of those is a loop.
    pending: list[tuple[str, tuple[tuple[int, int], ...]]] = [(root, (_identity(os.stat(root)),))]
    while pending:
        folder, holders = pending.pop()
        plain: list[str] = []  # plain post files, by name: their statuses are taken below
        try:
            listing = os.scandir(folder)
        except OSError:  # unreadable: listed, for reading it to say why (it may hold posts)
            found.append((folder, None))
            continue
        with listing as entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                if name.endswith(suffixes) and entry.is_file(follow_symlinks=False):
                    # a plain post file, by far the most common entry: one call says so
                    plain.append(name)
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:  # a link in a loop of links
                    is_dir = False
                if is_dir:
                    if skipped is not None and skipped(entry.path):
                        continue
                    here = _identity(entry.stat())
                    if here in holders:  # a loop: not followed, listed for reading to say so
                        found.append((entry.path, None))
                    else:
                        pending.append((entry.path, (*holders, here)))
                # A Markdown file (not hidden: seen above), or a Jekyll post of another
                # ending; the layout's rules (`feedkit.posts.layout`) decide which are posts.
                elif (
                    name.endswith(suffixes) or is_jekyll_post_name(folder, name, jekyll_endings)
                ) and (
                    entry.is_symlink() or entry.is_file()  # is_file raises on a loop of links
                ):
                    key: StatKey | None = None
                    if stat:
                        try:
                            key = stat_key(entry.stat())
                        except OSError:  # a broken link: reading it says so
                            pass
                    found.append((entry.path, key))
        if plain:
            found += _statuses(folder, plain) if stat else _unknown(folder, plain)
    found.sort()  # by path: no two are the same, so a status is never compared
    return found


def _unread_test(root: str, unread: Unread) -> Callable[[str], bool]:
    """Return what tells a folder under `root` that Jekyll does not read, by its path.

    The walk goes down from `root`, and leaves out a folder the first time one matches:
    so a folder is Jekyll's to leave out when its own path is one `exclude` names, and no
    `include` names it or a folder holding it (Jekyll's `included?` takes back what starts
    with an included path)."""
    site_prefix, exclude, include, _ = unread
    excluded = frozenset(exclude)
    taken_back = tuple(path + "/" for path in include)
    cut = len(os.path.join(root, ""))

    def skipped(path: str) -> bool:
        in_site = site_prefix + path[cut:].replace(os.sep, "/")
        return in_site in excluded and not (in_site + "/").startswith(taken_back)

    return skipped


# Where the system can, a folder's files are stat-ed by name through a descriptor of the
# folder: the kernel then resolves one name, not every folder of a path, and a walk over
# 20,000 files takes a sixth less time.
_STAT_AT = os.stat in os.supports_dir_fd


def _statuses(folder: str, names: list[str]) -> list[tuple[str, StatKey | None]]:
    """Return (path, status key) of the files `names` in `folder`; None for one that went."""
    prefix = os.path.join(folder, "")
    try:
        fd = os.open(folder, os.O_RDONLY) if _STAT_AT else -1
    except OSError:  # gone since it was listed
        fd = -1
    if fd < 0:
        return [(prefix + name, file_status(prefix + name)) for name in names]
    try:
        try:
            return [(prefix + name, stat_key(os.stat(name, dir_fd=fd))) for name in names]
        except OSError:  # a file removed since the folder was listed: reading it says so
            return [(prefix + name, file_status(name, fd)) for name in names]
    finally:
        os.close(fd)


def _unknown(folder: str, names: list[str]) -> list[tuple[str, StatKey | None]]:
    prefix = os.path.join(folder, "")
    return [(prefix + name, None) for name in names]


def file_status(path: str, dir_fd: int | None = None) -> StatKey | None:
    """Return a file's status key; None when it is not there (or cannot be reached)."""
    try:
        return stat_key(os.stat(path, dir_fd=dir_fd))
    except OSError:
        return None


def _identity(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)
