"""What the last build read and made, so a rebuild reads only what changed.

Three files in `.feedkit/cache/`:

- `index.marshal`: for every post file, its status (size, modification and change times in
  nanoseconds, inode) and the little a build needs to choose feed entries: date, draft,
  slug, ID, URL, tags and warnings. Small and fast to load even for 20,000 posts.
- `posts.pickle`: the full posts that the last build put in a feed.
- `rendered.pickle`: rendered bodies, keyed by a hash of the file's bytes and settings.

A file is trusted unread only when its status is what it was; a file changed within two
seconds of the index being written is never trusted (as git treats "racily clean" entries),
because a rewrite of the same size can share a timestamp with the version that was read.
Any change to the configuration or to feedkit empties the cache. A missing or damaged cache
only costs a full build.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feedkit import __version__, postfile
from feedkit.config import Config
from feedkit.errors import ContentError, Problem
from feedkit.loader import display_path, duplicates, more_problems, parse_files
from feedkit.models import Post

CACHE_FORMAT = 2
RACY_NS = 2_000_000_000

StatKey = postfile.StatKey


def config_key(cfg: Config) -> str:
    """Return a hash of everything in the config that changes what a build makes."""
    return hashlib.sha256(repr((__version__, CACHE_FORMAT, cfg)).encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    """What the index keeps of one post file."""

    stat: StatKey
    published: float  # POSIX timestamp: orders and filters like the aware datetime
    draft: bool
    slug: str
    id: str
    url: str
    tags: tuple[str, ...]
    warnings: tuple[tuple[str, int, str], ...]

    @classmethod
    def of(cls, st: StatKey, fields: tuple[Any, ...], warnings: list[Problem]) -> Entry:
        """Return the entry for a file from its status and the post's `choice_fields`."""
        published, draft, slug, post_id, url, tags = fields
        notes = tuple((w.path, w.line, w.message) for w in warnings)
        return cls(st, published, draft, slug, post_id, url, tags, notes)

    def problems(self) -> list[Problem]:
        return [Problem(path, line, message, warning=True) for path, line, message in self.warnings]


@dataclass
class Refreshed:
    """Every post file's entry, after reading the files that changed."""

    entries: dict[str, Entry]  # by path as shown, in file order
    sources: dict[str, str]  # path as shown → file
    parsed: set[str]  # the files read in this build
    warnings: list[Problem]


@dataclass
class BuildCache:
    folder: Path
    key: str
    entries: dict[str, Entry] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)  # signature, file statuses
    _posts: dict[str, tuple[StatKey, Post]] | None = None
    _rendered: dict[str, Any] | None = None
    _used_renders: set[str] = field(default_factory=set)
    read_files: int = 0  # files this build had to read

    @classmethod
    def open(cls, cfg: Config) -> BuildCache:
        """Return the cache for `cfg`; empty when missing, damaged or made for another config."""
        folder = cfg.cache_path / "cache"
        key = config_key(cfg)
        try:
            with open(folder / "index.marshal", "rb") as f:
                data = marshal.load(f)
            if data["format"] == CACHE_FORMAT and data["key"] == key:
                entries = {shown: Entry(*row) for shown, row in data["entries"].items()}
                return cls(folder, key, entries, data["outputs"])
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            pass
        return cls(folder, key)

    # -- posts ----------------------------------------------------------------------------

    def refresh(
        self,
        cfg: Config,
        progress: Callable[[str], None] | None = None,
        meanwhile: Callable[[], object] | None = None,
    ) -> Refreshed:
        """Return every post file's entry, reading only new and changed files."""
        content = cfg.content_path
        if not content.is_dir():
            raise ContentError.single(
                display_path(content, cfg.root),
                0,
                "content folder not found; create it or set content_dir in feedkit.toml",
            )
        entries: dict[str, Entry] = {}
        sources: dict[str, str] = {}
        todo: list[Path] = []
        root = str(cfg.root).rstrip("/") + "/"
        known_entries = self.entries
        for path, key in postfile.walk(content):
            shown = path[len(root) :] if path.startswith(root) else path  # as display_path
            sources[shown] = path
            known = known_entries.get(shown)
            if known is not None and key is not None and known.stat == key:
                entries[shown] = known
                continue
            todo.append(Path(path))
        if progress is not None and todo:
            progress(f"reading {len(todo):,} of {len(sources):,} posts")
        self.read_files = len(todo)
        parsed: set[str] = set()
        problems: list[Problem] = []
        # Only what choosing entries needs is kept; the few posts a feed shows are read again.
        for shown, st, fields, file_problems, file_warnings in parse_files(
            cfg, todo, light=True, meanwhile=meanwhile
        ):
            problems.extend(file_problems)
            if fields is not None and st is not None:
                parsed.add(shown)
                entries[shown] = Entry.of(st, fields, file_warnings)
            else:
                problems.extend(file_warnings)
        ordered = {shown: entries[shown] for shown in sources if shown in entries}
        problems.extend(
            duplicates((shown, sources[shown], e.slug, e.id, e.url) for shown, e in ordered.items())
        )
        warnings = [w for e in ordered.values() for w in e.problems()]
        if problems:
            problems.extend(
                more_problems(problems, [(shown, Path(path)) for shown, path in sources.items()])
            )
            problems.sort(key=lambda p: p.path)  # file by file; stable, so lines stay in order
            raise ContentError(problems + warnings)
        self.entries = ordered
        return Refreshed(ordered, sources, parsed, warnings)

    def post(self, shown: str, refreshed: Refreshed, cfg: Config) -> Post:
        """Return the full post of a file: kept from the last build, or read now."""
        if self._posts is None:
            self._posts = _load_pickle(self.folder / "posts.pickle", self.key)
        kept = self._posts.get(shown)
        entry = refreshed.entries[shown]
        if kept is not None and kept[0] == entry.stat:
            return kept[1]
        ((_, st, post, problems, _),) = parse_files(cfg, [Path(refreshed.sources[shown])])
        if post is None or st is None:
            raise ContentError(problems)
        self.read_files += 1
        return post

    # -- rendered bodies ------------------------------------------------------------------

    @staticmethod
    def render_key(raw: bytes, post: Post, *settings: object) -> str:
        digest = hashlib.sha256(raw)
        digest.update(repr((post.url, post.slug, post.summary, settings)).encode())
        return digest.hexdigest()

    def render(self, key: str) -> Any:
        if self._rendered is None:
            self._rendered = _load_pickle(self.folder / "rendered.pickle", self.key)
        value = self._rendered.get(key)
        if value is not None:
            self._used_renders.add(key)
        return value

    def remember_render(self, key: str, value: Any) -> None:
        if self._rendered is None:
            self._rendered = _load_pickle(self.folder / "rendered.pickle", self.key)
        self._rendered[key] = value
        self._used_renders.add(key)

    # -- outputs --------------------------------------------------------------------------

    def outputs_current(self, signature: str, out_dir: Path) -> bool:
        """Return True if the last build made these outputs from the same entries and they
        are still there, untouched."""
        if self.outputs.get("signature") != signature:
            return False
        for name, (size, mtime_ns) in self.outputs.get("files", {}).items():
            try:
                st = os.stat(out_dir / name)
            except OSError:
                return False
            if (st.st_size, st.st_mtime_ns) != (size, mtime_ns):
                return False
        return bool(self.outputs.get("files"))

    # -- saving ---------------------------------------------------------------------------

    def save_index(self) -> None:
        """Write the index alone: files were read, but no output changed."""
        self._save(None, self.outputs)

    def save(
        self, members: dict[str, Post], signature: str, out_dir: Path, outputs: list[str]
    ) -> None:
        """Write the index, the feed posts and the renders used, leaving out what is too
        fresh to trust."""
        files = {}
        for name in outputs:
            st = os.stat(out_dir / name)
            files[name] = (st.st_size, st.st_mtime_ns)
        self._save(members, {"signature": signature, "files": files})

    def _save(self, members: dict[str, Post] | None, outputs: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

        def write(name: str, dump: Callable[[Any], bytes], make: Callable[[int], Any]) -> None:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder)
            try:
                # The temp file's own timestamp is "now" on the file system's clock.
                data = dump(make(os.fstat(fd).st_mtime_ns - RACY_NS))
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(tmp, self.folder / name)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

        def index(trusted_before: int) -> dict[str, Any]:
            rows = {
                shown: (e.stat, e.published, e.draft, e.slug, e.id, e.url, e.tags, e.warnings)
                for shown, e in self.entries.items()
                if _settled(e.stat, trusted_before)
            }
            return {
                "format": CACHE_FORMAT,
                "key": self.key,
                "entries": rows,
                "outputs": outputs,
            }

        def posts(trusted_before: int) -> dict[str, Any]:
            kept = {
                shown: (self.entries[shown].stat, post)
                for shown, post in (members or {}).items()
                if shown in self.entries and _settled(self.entries[shown].stat, trusted_before)
            }
            return {"format": CACHE_FORMAT, "key": self.key, "data": kept}

        def rendered(_: int) -> dict[str, Any]:
            used = {k: v for k, v in (self._rendered or {}).items() if k in self._used_renders}
            return {"format": CACHE_FORMAT, "key": self.key, "data": used}

        pickled = lambda value: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)  # noqa: E731
        if members is not None:
            write("posts.pickle", pickled, posts)
            write("rendered.pickle", pickled, rendered)
        write("index.marshal", marshal.dumps, index)  # last: it vouches for the others


def _settled(stat: StatKey, trusted_before: int) -> bool:
    """Return True if a file was last modified long enough before now to be trusted."""
    return stat[1] < trusted_before


def _load_pickle(path: Path, key: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)
        if data.get("format") == CACHE_FORMAT and data.get("key") == key:
            return dict(data["data"])
    except (
        OSError,
        EOFError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        KeyError,
        TypeError,
        ValueError,
    ):
        pass
    return {}
