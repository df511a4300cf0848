"""Writing the output folder: the staged files put in place together, files an earlier
build wrote and this one does not removed, and the list of what feedkit wrote kept."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from feedkit.errors import OutputError

MANIFEST = "outputs.txt"


def write_staged(out_dir: Path, staged: Mapping[str, str | None], cache_dir: Path) -> list[str]:
    """Put the files staged by `plan_build(stage_into=out_dir)` in place, all or none: every
    temp file is synced, then all are renamed (feedkit.atomicfile.rename_together); return
    the files that changed. Temp files a build that crashed left beside these files are
    removed once the new files are in place.

    Unchanged files are not staged and keep their modification time, so web servers' caches
    and rsync stay quiet when nothing changed. Files an earlier build wrote and this one does
    not (the feed of a tag no post has any more) are removed once the new files are in place;
    the list of what feedkit wrote lives in `cache_dir`, so nothing else in the output folder
    is touched. Nor replaced: a file there that no build wrote, and that is no feed (a post,
    the site's feedkit.toml, where its settings put a feed), fails the build before any file
    is written.
    """
    from feedkit.atomicfile import remove_temps, rename_together

    manifest = cache_dir / MANIFEST
    where, recorded, previous = _recorded(out_dir, manifest)
    changes = {out_dir / name: tmp for name, tmp in staged.items() if tmp is not None}
    known = set(previous)  # 1,200 files at 400 tags
    try:
        for name, tmp in staged.items():
            if tmp is not None and name not in known:
                _replaceable(out_dir / name)
        written = rename_together(changes)
    except BaseException:  # and the folders made for new feeds
        remove_temps((out_dir / name for name in staged), up_to=out_dir)
        raise
    remove_temps(out_dir / name for name in staged)
    return _finish_outputs(out_dir, list(staged), written, (manifest, where, recorded, previous))


def _recorded(out_dir: Path, manifest: Path) -> tuple[str, bytes, list[str]]:
    """Return the output folder's line in the record of what feedkit wrote, the record's
    bytes, and the files it names in `out_dir`.

    The record's first line is the output folder, relative to the site's (`/public`): the
    names under it are that folder's. When feedkit.toml names another folder since, the
    files the earlier build wrote are in the other, and a file of the same name in this
    one is someone else's: it names none here. (A record without that line, as builds
    before it wrote, is this folder's.)"""
    import os

    try:
        recorded = manifest.read_bytes()
    except OSError:
        recorded = b""
    where = "/" + Path(os.path.relpath(out_dir, manifest.parent.parent)).as_posix()
    previous = recorded.decode("utf-8", "replace").splitlines()
    if previous and previous[0].startswith("/"):  # a name is relative: the folder's line
        previous = previous[1:] if previous[0] == where else []
    return where, recorded, previous


# What the start of a file feedkit makes holds, one of them: it replaces such a file.
_OURS = (b"<feed", b"<rss", b"jsonfeed.org/version", b"<xsl:stylesheet")


def _replaceable(target: Path) -> None:
    """Raise OutputError unless `target` is missing or a feed (or the feeds' stylesheet):
    a file that no build recorded, which a build may replace only then."""
    try:
        with open(target, "rb") as current:
            head = current.read(4096)
    except OSError:
        return  # missing; else renaming over it says what is wrong
    if not any(mark in head for mark in _OURS):
        raise OutputError(
            f"{target}: is there and no feed; feedkit writes a feed there, by output_dir and "
            "[feed]'s file names in feedkit.toml, but replaces only a file it wrote or another "
            "feed: move the file or name other files (nothing was written)"
        )


def _finish_outputs(
    out_dir: Path,
    names: list[str],
    written: list[Path],
    record: tuple[Path, str, bytes, list[str]],
) -> list[str]:
    """Remove the files an earlier build wrote and this one did not (`record`: the manifest,
    as `_recorded` read it), record `names`; return every file changed."""
    from feedkit.atomicfile import write_atomically

    manifest, where, recorded, previous = record
    files = set(names)
    changed = [path.relative_to(out_dir).as_posix() for path in written]
    for name in sorted(set(previous) - set(files)):
        stale = out_dir / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            continue
        try:
            stale.unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(
                f"{stale}: cannot remove this feed of a tag no post has any more: "
                f"{exc.strerror} (the new feeds are in place)"
            ) from exc
        changed.append(name)
        for folder in stale.parents:
            if folder == out_dir or not folder.is_relative_to(out_dir):
                break
            try:
                folder.rmdir()  # only succeeds when empty
            except OSError:
                break
    listing = "".join(f"{name}\n" for name in [where, *sorted(files)]).encode()
    if listing != recorded:
        try:
            write_atomically(manifest, listing)
        except OSError as exc:
            raise OutputError(
                f"{manifest}: cannot write: {exc.strerror} (the new feeds are in place)"
            ) from exc
    return changed
