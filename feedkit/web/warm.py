"""The preview's site, read once and kept in memory, re-read where files change.

At start every post is read, as `feedkit build` reads them, except those that the cache the
digest shares (feedkit/site/postindex.py, `.feedkit/cache/read/`) kept in full at the status
the file still has; when the preview stops, what it read is kept there for the next start.
When files change (see feedkit/web/watch.py), only the post files that changed are read
again, and every file whose place in the layout (Jekyll, Hugo, Pelican rules, decided from
the list of all files) changed with them; a change to feedkit.toml, a template or anything
else beside the posts reads everything again. Either way the posts, feeds and pages are the
same, byte for byte, as a fresh process would make: the same functions make them from the
same files.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from feedkit.config import Config, load_config
from feedkit.errors import FeedkitError, Problem
from feedkit.mail.digest import DigestRenderer
from feedkit.models import Choice, Post
from feedkit.posts.crosscheck import body_problems
from feedkit.posts.gathered import LoadResult, Parsed, gather
from feedkit.posts.layout import Layout, unread_folders
from feedkit.posts.loader import content_folder, parse_files
from feedkit.posts.places import Place, Skipped
from feedkit.posts.walk import MARKDOWN_SUFFIXES, is_jekyll_post_name, walk
from feedkit.site.cache import BuildCache
from feedkit.site.postindex import keep_posts, kept_posts, reader_cache
from feedkit.web.pagememos import PageMemos
from feedkit.web.readingtimes import ReadingTimes
from feedkit.web.watch import (
    Snapshot,
    Watcher,
    changed,
    files_sum,
    restat,
    snapshot,
    sum_token,
)

# Posts read since the cache was that make it worth saving every post again (20,000 take
# about half a second): fewer are read again at the next start, in less time than that.
KEEP_FROM = 100
# Files in the content folder that are templates or site settings, not posts: a change
# there reads everything again.
_SITE_PARTS = ("_includes", "_data", "_layouts")


class WarmSite(PageMemos):
    """The site as last read: `cfg` and `loaded`, or the `problem` that stops them, with
    what pages need of them (feedkit/web/pagememos.py).

    Hold `lock` while using them; `token` names the files they were read from (the same
    files give the same token in any process), and `changed` is notified when it moves.
    """

    def __init__(
        self,
        config_path: Path,
        poll: float | None = None,
        prepare: Callable[[WarmSite], object] | None = None,
    ) -> None:
        """`prepare`: what the first page takes that needs no post (imports, templates),
        done while a forked child reads posts, when it does."""
        self.config_path = config_path
        self._prepare = prepare
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.cfg: Config | None = None
        self.loaded: LoadResult | None = None
        self.problem: FeedkitError | None = None
        self.token = ""
        self.reloads = 0  # reads since start, whole or in part
        self._files: Snapshot = {}
        self._files_total: int | None = None  # files_sum of `_files`, once listed
        # What checking each post's body found, by path: its status, the problems.
        self._bodies: dict[str, tuple[tuple[int, int, int], list[Problem]]] = {}
        # Every post file as listed (the order `gather` takes them in), where the layout
        # places it and what reading it gave.
        self._parsed: dict[str, tuple[Place | Skipped, Parsed]] = {}
        self._layout: Layout | None = None
        self._cache: BuildCache | None = None  # where posts read at start are kept
        self._renderer: DigestRenderer | None = None
        self._unkept: set[str] = set()  # posts (as shown) read since the cache was
        self._memo: dict[tuple[object, ...], Any] = {}
        self.reading_times = ReadingTimes()  # of the posts as read
        self._rows: dict[int, tuple[Post, tuple[object, ...], str]] = {}
        self._dates: tuple[list[float], list[float]] = ([], [])
        self._choices: dict[str, Choice] | None = None  # of the posts, by path as shown
        with self.lock:
            self._read_everything(None)  # listed once the settings name the folders
        roots, skip = self._folders()
        self.watcher = Watcher(roots, skip, poll)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="preview-watch", daemon=True)
        self._thread.start()

    # -- which files --------------------------------------------------------------------

    def _folders(self) -> tuple[list[Path], list[Path]]:
        root = self.config_path.parent
        roots, skip = [root], []
        if self.cfg is not None:
            content = self.cfg.content_path
            if content.is_symlink() or not content.resolve().is_relative_to(root.resolve()):
                roots.append(content)
            skip.append(self.cfg.output_path)
        return roots, skip

    def _snapshot(self) -> Snapshot:
        return snapshot(*self._folders())

    def _is_post(self, path: str) -> bool | None:
        """Return True for a post file, False for a file that changes the whole site, None
        for one that changes nothing shown (a picture beside the posts)."""
        if self.cfg is None:
            return False
        prefix = str(self.cfg.content_path).rstrip(os.sep) + os.sep
        if not path.startswith(prefix):
            return False
        parts = path[len(prefix) :].split(os.sep)
        if any(part in _SITE_PARTS for part in parts) or parts[-1].startswith("_config."):
            return False
        if parts[-1].endswith((*MARKDOWN_SUFFIXES, ".html")):
            return True
        # A Jekyll post of another ending (2024-01-02-notes.txt), as the walk lists it.
        return True if is_jekyll_post_name(os.path.dirname(path), parts[-1], ()) else None

    # -- reading ------------------------------------------------------------------------

    def refresh(self, named: set[str] | None = None, vouched: bool = False) -> bool:
        """Read again what changed since the last read (the files in `named` too, changed
        or not); return True when anything did. When the watcher `vouched` that only the
        `named` files changed, and all were listed before and still are, only they are
        looked at: listing 20,000 files again takes about 0.1 s."""
        with self.lock:
            files = restat(self._files, named) if vouched and named and self.cfg else None
            if files is None:
                files = self._snapshot()
                differ = changed(self._files, files) | (named or set())
            else:
                differ = set(named or ())
            if not differ:
                return False
            kinds = {self._is_post(path) for path in differ}
            if False in kinds:
                self._read_everything(files)
            else:
                self._read_posts({path for path in differ if self._is_post(path)}, files)
            return True

    def _read_everything(self, files: Snapshot | None) -> None:
        self.cfg, self._parsed, self._rows = None, {}, {}
        self.reading_times.forget()
        self._renderer = None
        try:
            self.cfg = load_config(self.config_path)
        except FeedkitError as exc:
            self._done(files if files is not None else self._snapshot(), problem=exc)
            return
        self._cache = reader_cache(self.cfg)  # the posts unchanged since the last read
        self._cache.add_renders(self.cfg.cache_path / "cache")  # the last build's feed entries
        self._unkept = set()
        self._read_posts(None, self._snapshot())  # the folders the settings name

    def _read_posts(self, paths: set[str] | None, files: Snapshot) -> None:
        """Read the post files in `paths` (None: all) and those whose place changed."""
        assert self.cfg is not None
        same = paths is not None and all(p in self._files and p in files for p in paths)
        if paths is not None and same and self._layout is not None:
            # Only changed, none added or removed: the same list, the same layout.
            swaps: list[tuple[Parsed, Parsed]] = []
            for path in paths & self._parsed.keys():
                place, before = self._parsed[path]
                [parsed] = parse_files(self.cfg, [Path(path)], layout=self._layout)
                self._parsed[path] = (place, parsed)
                self._unkept.add(parsed[0])
                swaps.append((before, parsed))
            if not self._swapped(swaps, files):
                self._gathered(files)
            return
        try:
            # As `discover` lists them, without making a Path of each: only those read are.
            listed = walk(content_folder(self.cfg), unread=unread_folders(self.cfg))
            found = [path for path, _ in listed]
        except FeedkitError as exc:
            self._done(files, problem=exc)
            return
        layout = Layout(self.cfg, found)
        kept: dict[str, tuple[Place | Skipped, Parsed]] = {}
        places: dict[str, Place | Skipped] = {}
        for path in found:
            place = places[path] = layout.place(path)
            old = self._parsed.get(path)
            if paths is not None and old and old[0] == place and old[1][1] is not None:
                if path not in paths:
                    kept[path] = old
        if paths is None and self._cache is not None:  # every post: the cache has most
            cached = kept_posts(self.cfg, self._cache, listed, places)
            kept.update((path, (places[path], parsed)) for path, parsed in cached.items())
        todo = [path for path in found if path not in kept]
        prepare = self._prepare
        parsed_files = parse_files(
            self.cfg,
            [Path(path) for path in todo],
            layout=layout,
            meanwhile=(lambda: prepare(self)) if prepare and paths is None else None,
        )
        for path, parsed in zip(todo, parsed_files, strict=True):
            kept[path] = (places[path], parsed)
        self._parsed, self._layout = {path: kept[path] for path in found}, layout
        self._unkept.update(parsed[0] for parsed in parsed_files)
        self._gathered(files)

    def keep(self) -> None:
        """Save the posts as read in the cache, for the next start, when it has to read at
        least KEEP_FROM of them again; called when the preview stops, so that pickling every
        post (about half a second at 20,000) keeps neither the start nor a page waiting."""
        with self.lock:
            if self.cfg is None or self._cache is None or len(self._unkept) < KEEP_FROM:
                return
            every = [parsed for _, parsed in self._parsed.values()]
            keep_posts(self.cfg, self._cache, every, self._unkept, self._layout)
            self._unkept = set()

    def _swapped(self, swaps: list[tuple[Parsed, Parsed]], files: Snapshot) -> bool:
        """Put each post read again in its old post's place and return True, when that is all
        `gather` would change: there was no problem, and each is a post with the old one's
        date, expiry, slug, ID and URL (so the order is the same, and no clash is new).
        Editing a post's text or title changes none of them; `gather` sorts and checks all
        20,000 posts again in about 0.1 s."""
        loaded = self.loaded
        if loaded is None or self.problem is not None:
            return False
        swap: dict[int, Post] = {}
        for (_, _, old, _, _), (_, _, new, problems, _) in swaps:
            if not isinstance(old, Post) or not isinstance(new, Post) or problems:
                return False
            keys = ("published", "expires", "slug", "id", "url")
            if any(getattr(old, key) != getattr(new, key) for key in keys):
                return False
            swap[id(old)] = new
        posts = tuple(swap.get(id(post), post) for post in loaded.posts)
        if self._choices is not None:  # the same files: only theirs changed
            self._choices.update((new.rel_path, new.choice()) for new in swap.values())
        warnings = tuple(w for _, parsed in self._parsed.values() for w in parsed[4])
        self._done(files, LoadResult(posts, warnings, loaded.skipped), same_dates=True)
        return True

    def _gathered(self, files: Snapshot) -> None:
        parsed = (parsed for _, parsed in self._parsed.values())
        try:
            self._done(files, loaded=gather(parsed, check=partial(self._body_problems, files)))
        except FeedkitError as exc:
            self._done(files, problem=exc)

    def _body_problems(self, files: Snapshot, shown: str, path: Path | str) -> list[Problem]:
        """Return `body_problems` of the file, kept by its status in `files`: while the site
        fails to read, a save reads only its own body again (at 20,000 posts, reading every
        body took over a second at every save)."""
        status = files.get(str(path))
        known = self._bodies.get(str(path))
        if status is not None and known is not None and known[0] == status:
            return known[1]
        found = body_problems(shown, path)
        if status is not None:
            self._bodies[str(path)] = (status, found)
        return found

    def _done(
        self,
        files: Snapshot,
        loaded: LoadResult | None = None,
        problem: FeedkitError | None = None,
        same_dates: bool = False,
    ) -> None:
        # The files' name: of those that changed since the last read alone (the sum of
        # every file's hash took 80 ms at 20,000 posts, of each save's way to the page).
        if self._files_total is None:
            self._files_total = files_sum(files.items())
        else:
            # (The symmetric difference walks both dicts as they are: `-` of items views
            # made a set of every item, 45 ms for the two.)
            moved = files.items() ^ self._files.items()
            came = [item for item in moved if files.get(item[0]) == item[1]]
            went = [item for item in moved if self._files.get(item[0]) == item[1]]
            self._files_total += files_sum(came) - files_sum(went)
        self.loaded, self.problem, self._files = loaded, problem, files
        self.token = sum_token(self._files_total)
        kept = self._forget_pages(loaded, same_dates)
        if loaded is not None:
            assert self.cfg is not None
            self.reading_times.posts_read(loaded.posts, kept, self.templates)
        self.reloads += 1
        self.changed.notify_all()
        # The posts stay for the process's life: the cycle collector need not scan their
        # millions of objects again at every reload (at 20,000 posts, a reload took twice
        # as long, and longer each time).
        gc.freeze()

    def _follow(self) -> None:
        """Read again whenever the watcher says files changed, until `close`."""
        while not self._stop.is_set():
            if not self.watcher.wait(1.0):
                continue
            if self.watcher.inotify is not None:
                self._stop.wait(0.02)  # an editor's save is several events: take them together
            try:
                self.current(polled=True)
            except Exception:  # pragma: no cover - the next request shows what is wrong
                continue

    def current(self, polled: bool = False) -> None:
        """Take in the changes the system reported (a request calls this first, so a
        page asked for after a save shows it, even before the watcher woke up). The
        events are taken with the lock held: whoever takes them has read again before
        anyone else reads the site. When polling, only the watcher compares (`polled`)."""
        with self.lock:
            named, vouched = self.watcher.pending()
            if named or (polled and self.watcher.inotify is None):
                self.refresh(named, vouched)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.watcher.close()
        self.keep()
