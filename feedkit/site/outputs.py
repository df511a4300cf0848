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
    is touched.
    """
    from feedkit.atomicfile import remove_temps, rename_together

    changes = {out_dir / name: tmp for name, tmp in staged.items() if tmp is not None}
    try:
        written = rename_together(changes)
    except BaseException:  # and the folders made for new feeds
        remove_temps((out_dir / name for name in staged), up_to=out_dir)
        raise
    remove_temps(out_dir / name for name in staged)
    return _finish_outputs(out_dir, list(staged), written, cache_dir)


def _finish_outputs(
    out_dir: Path, names: list[str], written: list[Path], cache_dir: Path
) -> list[str]:
    """Remove the files an earlier build wrote and this one did not, record `names`; return
    every file changed.

    The record's first line is the output folder, relative to the site's (`/public`): the
    names under it are that folder's. When feedkit.toml names another folder since, the
    files the earlier build wrote are in the other, and a file of the same name in this
    one is someone else's: none is removed. (A record without that line, as builds before
    it wrote, is this folder's.)"""
    import os

    from feedkit.atomicfile import write_atomically

    files = set(names)
    changed = [path.relative_to(out_dir).as_posix() for path in written]
    manifest = cache_dir / MANIFEST
    try:
        recorded = manifest.read_bytes()
    except OSError:
        recorded = b""
    where = "/" + Path(os.path.relpath(out_dir, cache_dir.parent)).as_posix()
    previous = recorded.decode("utf-8", "replace").splitlines()
    if previous and previous[0].startswith("/"):  # a name is relative: the folder's line
        previous = previous[1:] if previous[0] == where else []
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
