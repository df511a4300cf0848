"""What the last build read and made, so a rebuild reads only what changed.

Five files in `.feedkit/cache/`:

- `state.marshal`: every post file's path and status as bytes (uptodate.walk_record, 1.7 MB
  at 20,000 posts), when a scheduled post next comes due, the counts to report, the
  outputs written and each feed's key (feedkit/site/feedkeys.py: a feed whose key and files
  are as they were is not made again). When the paths and statuses, the outputs and the
  visibility of posts are unchanged, a build stops there.
- `index.marshal`: a row per post file, its status (size, modification and change times in
  nanoseconds, inode, packed in 32 bytes), its `Choice` (the little a build needs to choose
  feed entries) and its warnings. Plain lists in marshal frames of 2,000 rows, so 20,000
  rows load in milliseconds. A build that changed a few rows writes the index it read as it
  was, with one frame more: the rows it changed and those gone.
- `posts.pickle`: the full posts that the last build put in a feed.
- `rendered.pickle`: rendered bodies, keyed by a hash of the file's bytes and settings, and
  the bytes of the feed entries and feed heads made from them, keyed by a hash of all they
  are made from (feedkit/site/feedparts.py): an unchanged entry is not made again; and each
  file's digest with the status it was read at. `rendered-changes.pickle`: what a rebuild
  changed of them since (feedkit/site/keptrenders.py).

A file is trusted unread only when its status is what it was, and the rules of the content
folder's layout are those it was read under (posts/layout.py `signature`: a folder becomes
Hugo's when an `_index.md` comes, and every post's URL changes); a file changed less than two
seconds before the build that read it began (or before the cache was written, by the file
system's clock) is never trusted (as git treats "racily clean" index entries), because a
rewrite of the same size can share a timestamp with the version read.
Which rows still hold, and reading the files whose rows do not, is feedkit/site/refresh.py's
part. The cache is not used (and `discarded` says why) when the configuration changed, or what
makes the output did (feedkit/site/cachekey.py): feedkit's files, Python, or a library that shapes
the feeds. A missing or damaged cache only costs a full build.
"""

from __future__ import annotations

import marshal
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from feedkit.config import Config
from feedkit.errors import ContentError
from feedkit.models import Post
from feedkit.posts.layout import Layout, unread_folders
from feedkit.posts.loader import Progress, content_folder, parse_files
from feedkit.posts.walk import StatKey, stat_mtime_ns, walk
from feedkit.shown import root_prefix
from feedkit.site.cachefiles import (
    CHANGES_KEPT,
    CHOICE,
    INDEX_FILE,
    POSTS_FILE,
    SAVED,
    STAT,
    STATE_FILE,
    LoadedIndex,
    Row,
    columns,
    dump_pickle,
    dump_rows,
    load_index,
    load_pickle,
    read_marshal,
)
from feedkit.site.cachekey import (
    CACHE_FORMAT,
    RACY_NS,
    cache_key,
    config_hash,
    record,
    toolchain,
    why_not_used,
)
from feedkit.site.keptrenders import KeptRenders
from feedkit.site.scan import Scan
from feedkit.site.uptodate import RECORD, WALK, Walked, nothing_to_do

if TYPE_CHECKING:
    from feedkit.site.refresh import Refreshed


# Never compared, and its repr would print every post of the site: no __eq__ or __repr__
# (dataclasses generates them for every run, at about 0.1 ms each).
@dataclass(eq=False, repr=False)
class BuildCache(KeptRenders):
    """What the last build read and made (see the module's docstring), loaded as needed."""

    folder: Path
    _key: str | None  # `key`, once made
    state: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, Row] | None = None
    layout: str | None = None  # the signature of the layout `rows` were read under
    _posts: dict[str, tuple[StatKey, Post]] | None = None
    _rendered: dict[str, Any] | None = None
    _rendered_base: dict[str, Any] | None = None  # those RENDERED_FILE holds (`load_renders`)
    _rendered_id: str = ""  # its name for them
    _used_renders: set[str] = field(default_factory=set)
    parsed: set[str] = field(default_factory=set)  # the files whose rows this build read
    # The index as loaded (see `_load_rows`), and the rows `refresh` made from its rows: the
    # save then writes only what changed.
    _index: LoadedIndex | None = None
    _refreshed: tuple[dict[str, Row], dict[str, Row]] | None = None
    read_files: int = 0  # files this build had to read
    # When this build began, before it read any file: a file is trusted by its status only
    # if it was last changed two seconds before it was read, not just before the save.
    started_ns: int = field(default_factory=time.time_ns)
    discarded: str = ""  # why the cache found was not used, if one was found
    config: str = ""  # config_hash of the build's config
    # What else the output was made from, by status (feedkit.site.uptodate `record`), made
    # when the state is saved; None: nothing recorded (a later build runs whole).
    inputs: Callable[[int], dict[str, Any] | None] | None = None
    # The walk of the content folder the console script made (feedkit.site.uptodate), for
    # `scan` to take instead of walking it again.
    walked: Walked | None = None

    @classmethod
    def open(cls, cfg: Config, folder: Path | None = None) -> BuildCache:
        """Return the cache for `cfg` (the build's, or the one in `folder`); empty when
        missing, damaged, or made for another config or by other code (then `discarded`
        says why)."""
        folder = folder or cfg.cache_path / "cache"
        stored = read_marshal(folder / STATE_FILE)
        config = config_hash(cfg)
        if not stored:  # none to trust or not: the key is made when first asked for
            return cls(folder, None, config=config, discarded=why_not_used(stored, config))
        toolchain(stored.get("toolchain"))
        key = cache_key(config)
        if stored and stored.get("format") == CACHE_FORMAT and stored.get("key") == key:
            return cls(folder, key, stored, config=config)
        return cls(folder, key, config=config, discarded=why_not_used(stored, config))

    @classmethod
    def fresh(cls, cfg: Config) -> BuildCache:
        """Return an empty cache for `cfg` that reads nothing an earlier build left; saved,
        it replaces what was there."""
        config = config_hash(cfg)
        return cls(
            cfg.cache_path / "cache",
            cache_key(config),
            rows={},
            _posts={},
            _rendered={},
            config=config,
        )

    @property
    def key(self) -> str:
        """Return the cache's key (`cachekey.cache_key` of its config): made when first
        asked for, so that a cold `feedkit check` hashes feedkit's files in the child that
        saves what it found (about 8 ms), not before it reads any post."""
        if self._key is None:
            self._key = cache_key(self.config)
        return self._key

    # -- finding what changed -------------------------------------------------------------

    def scan(self, cfg: Config) -> Scan:
        """Return every post file; with their statuses unless the cache is empty (then every
        file is read, and its status taken as it is opened). The walk `walked` holds is
        taken when it is of this content folder (once: a later scan walks again)."""
        folder = content_folder(cfg)
        walked, self.walked = self.walked, None
        if walked is not None and walked[0] == str(folder):
            return Scan(walked[1], root_prefix(cfg.root), True, _record=walked[2])
        stat = bool(self.state)
        found = walk(folder, stat=stat, unread=unread_folders(cfg))
        return Scan(found, root_prefix(cfg.root), stat)

    def unchanged(self, scan: Scan, now: float, drafts: bool, out_dir: Path) -> bool:
        """Return True if no post file changed since the last build, no scheduled post came
        due, and its outputs are still there, untouched: the build has nothing to do."""
        return nothing_to_do(self.state, scan.record, now, drafts, out_dir)

    def refresh(
        self,
        cfg: Config,
        scan: Scan,
        progress: Progress | None = None,
        meanwhile: Callable[[], object] | None = None,
    ) -> Refreshed:
        """Return every post file's row, reading only new and changed files."""
        # Here: a build that finds nothing changed reads no file, nor checks posts.
        from feedkit.site.refresh import read_changed, unchanged_rows

        known = self.rows if self.rows is not None else self._load_rows()
        sources = {shown: path for shown, path, _ in scan.files}
        layout = Layout(cfg, sources.values())
        if self.layout != layout.signature:  # read under other rules: no row holds
            known = {}
        rows, todo = unchanged_rows(scan, sources, known)
        self.read_files = len(todo)
        refreshed = read_changed(cfg, scan, sources, layout, rows, todo, progress, meanwhile)
        if known and todo:  # a renamed file is one gone and one new
            gone = [(shown, row[CHOICE]) for shown, row in known.items() if shown not in sources]
            if gone:
                from feedkit.posts.crosscheck import renamed

                added = [
                    (shown, sources[shown], refreshed.rows[shown][CHOICE])
                    for shown in refreshed.parsed
                    if shown not in known
                ]
                refreshed.warnings += renamed(gone, added)
        self.parsed = refreshed.parsed
        self.rows, self.layout = refreshed.rows, layout.signature
        self._refreshed = (known, refreshed.rows)
        return refreshed

    def post(self, shown: str, refreshed: Refreshed, cfg: Config) -> Post:
        """Return the full post of a file: kept from the last build, or read now."""
        return self.posts([shown], refreshed, cfg)[shown]

    def posts(self, shown: Sequence[str], refreshed: Refreshed, cfg: Config) -> dict[str, Post]:
        """Return the full posts of files, by path as shown: kept from the last build, or
        read now, all in one go (many are shared with a forked child, as at refresh)."""
        if self._posts is None:
            self._posts = load_pickle(self.folder / POSTS_FILE, self._posts_key())
        found: dict[str, Post] = {}
        todo: list[str] = []
        for each in shown:
            kept = self._posts.get(each)
            if kept is not None and kept[0] == refreshed.rows[each][STAT]:
                found[each] = kept[1]
            else:
                todo.append(each)
        paths = [Path(refreshed.sources[each]) for each in todo]
        for each, (_, st, post, problems, _) in zip(
            todo, parse_files(cfg, paths, layout=refreshed.layout), strict=True
        ):
            if post is None or st is None:
                raise ContentError(problems)
            found[each] = post
        self.read_files += len(todo)
        return {each: found[each] for each in shown}

    def kept(self) -> tuple[dict[str, Row], dict[str, tuple[StatKey, Post]]]:
        """Return the saved index's rows and the full posts the last save kept, each with
        the status it was read at; empty when missing, damaged, or made for another config
        or by other code."""
        rows = self._load_rows()
        if self._posts is None:
            self._posts = load_pickle(self.folder / POSTS_FILE, self._posts_key())
        return rows, self._posts

    def _posts_key(self) -> str:
        """Return the key the full posts are kept by: the cache's, and the signature of the
        layout they were read under (a post's URL depends on it: see `refresh`)."""
        return f"{self.key} {self.layout}"

    # -- saving ---------------------------------------------------------------------------

    def save(
        self,
        scan: Scan,
        summary: dict[str, Any],
        members: dict[str, Post] | None = None,
        out_dir: Path | None = None,
        outputs: list[str] | None = None,
    ) -> None:
        """Write what this build learned, leaving out what is too fresh to trust.

        `summary` holds the signature of the outputs, drafts, next_change and the counts.
        Without `members` the outputs were not rewritten and their record stands.
        """
        from feedkit.atomicfile import remove_temps

        self.folder.mkdir(parents=True, exist_ok=True)
        # What a build killed while it saved left: no other process writes these files while
        # this one holds the build lock (feedkit.site.buildlock).
        remove_temps(self.folder / name for name in SAVED)
        state = dict(self.state) if members is None else {}
        state.update(summary, format=CACHE_FORMAT, key=self.key)
        state.update(made_with=dict(toolchain()), toolchain=record(), config=self.config)
        if members is not None and out_dir is not None:
            files = {}
            for name in outputs or []:
                st = os.stat(out_dir / name)
                files[name] = (st.st_size, st.st_mtime_ns)
            state["files"] = files
        rows = self.rows or {}

        def index(trusted_before: int) -> tuple[Any, ...]:
            # Rows kept from the index were settled when it was written; only the files read
            # in this build can be too fresh.
            fresh = {
                shown
                for shown in self.parsed
                if shown in rows and stat_mtime_ns(rows[shown][STAT]) >= trusted_before
            }
            # A file too fresh to trust makes the walk's record worthless next time.
            state[WALK] = None if fresh else scan.record
            base = self._index
            made = self._refreshed
            if base is not None and made is not None and made[0] is base.rows and made[1] is rows:
                changed = [(s, rows[s]) for s in sorted(self.parsed - fresh) if s in rows]
                gone = sorted(base.rows.keys() - (rows.keys() - fresh))
                if base.changes + len(changed) + len(gone) <= max(CHANGES_KEPT, len(rows) // 16):
                    return (base.data, columns(changed, gone))
            header = {"format": CACHE_FORMAT, "key": self.key, "layout": self.layout}
            return header, [(s, row) for s, row in rows.items() if s not in fresh]

        def posts(trusted_before: int) -> dict[str, Any]:
            kept = {
                shown: (rows[shown][STAT], post)
                for shown, post in (members or {}).items()
                if shown in rows and stat_mtime_ns(rows[shown][STAT]) < trusted_before
            }
            return {"format": CACHE_FORMAT, "key": self._posts_key(), "data": kept}

        if members is not None:
            self.write(POSTS_FILE, dump_pickle, posts)
            self.write_renders()
        if self.read_files or members is not None or self.rows is not None:
            self.write(INDEX_FILE, dump_rows, index)
            self._index = None  # what was loaded is not what is there now
        self.write(STATE_FILE, marshal.dump, partial(self._with_inputs, state))  # last

    def stamp(self) -> None:
        """Put in the state of a build that found nothing changed this process's record of
        what made the output, if the build that saved the state found it too fresh to keep,
        or the saved one no longer stands (a package installed beside the libraries changes
        their folder's status): else every later build would read feedkit's files again.
        And the record of what else the output was made from, when it was not kept or
        changed (see feedkit.site.uptodate)."""
        state = dict(self.state)
        found = record()
        if found is not None:
            state["toolchain"] = found
        state = self._with_inputs(state, self.started_ns - RACY_NS)
        if state != self.state:
            self.write(STATE_FILE, marshal.dump, lambda _: state)

    def _with_inputs(self, state: dict[str, Any], trusted_before: int) -> dict[str, Any]:
        """Return `state` with the record of the output's other inputs, if there is one."""
        if self.inputs is None:
            return state
        return {**state, RECORD: self.inputs(trusted_before)}

    def write(
        self, name: str, dump: Callable[[Any, BinaryIO], object], make: Callable[[int], Any]
    ) -> None:
        import tempfile  # here: with random and shutil, 3 ms a cold build need not spend first

        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder)
        try:
            # The temp file's own timestamp is "now" on the file system's clock.
            # The earlier of the file system's clock now and the system clock when the
            # build began: a long build must not trust files changed just before it read them.
            now_ns = min(os.fstat(fd).st_mtime_ns, self.started_ns)
            value = make(now_ns - RACY_NS)
            with os.fdopen(fd, "wb") as out:
                dump(value, out)
            os.replace(tmp, self.folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _load_rows(self) -> dict[str, Row]:
        """Return the index's rows; none when it is missing, damaged or another build's."""
        rows, self._index = load_index(self.folder / INDEX_FILE, self.key)
        self.layout = self._index.layout if self._index is not None else None
        return rows
