"""The renders a build keeps for the next (`.feedkit/cache/rendered.pickle`, and what changed
since in `rendered-changes.pickle`: feedkit/site/cachefiles.py `load_renders`): each post's
rendered body, keyed by its file's digest and the settings (`render_key`), the feed entries
and heads made from them, keyed by all they are made from (feedkit/site/feedparts.py), and
each post file's digest with the status it was read at (`kept_digest`). Only what a build
used is kept for the next. Part of the build cache (feedkit/site/cache.py `BuildCache`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from feedkit.models import Post
from feedkit.posts.walk import StatKey, stat_mtime_ns
from feedkit.site.cachefiles import (
    CHANGES_KEPT,
    RENDERED_CHANGES,
    RENDERED_FILE,
    dump_pickle,
    load_renders,
)
from feedkit.site.cachekey import CACHE_FORMAT

# The key, among the kept renders, of a post file's digest and the status it was read at
# (`kept_digest`), before its path as shown.
DIGEST = "file-digest:"


class KeptRenders:
    """The kept renders of a build cache: loaded when first asked for, written by `save`."""

    folder: Path
    _rendered: dict[str, Any] | None  # every kept render, by its key
    _rendered_base: dict[str, Any] | None  # those RENDERED_FILE holds (`load_renders`)
    _rendered_id: str  # its name for them
    _used_renders: set[str]  # the keys this build used: those kept for the next

    if TYPE_CHECKING:

        @property
        def key(self) -> str: ...

        def write(
            self, name: str, dump: Callable[[Any, BinaryIO], object], make: Callable[[int], Any]
        ) -> None: ...

    @staticmethod
    def render_key(body: bytes, post: Post, *settings: object) -> str:
        """Return the key a post's render is kept by: `body`, what `file_digest` gives of
        its file's bytes, and all else the render is made from."""
        digest = hashlib.sha256(body)
        digest.update(repr((post.url, post.slug, post.summary, post.hugo, settings)).encode())
        return digest.hexdigest()

    @staticmethod
    def file_digest(raw: bytes) -> bytes:
        """Return the hash of a post file's bytes that its render's key holds."""
        return hashlib.sha256(raw).digest()

    # A post file's digest, with the status it was read at, is kept beside the renders: a
    # build whose walk finds the same status takes it instead of reading the file to key its
    # render again (with tag feeds, every post some feed shows: 475 files at 5,000 posts).

    def kept_digest(self, shown: str, status: StatKey) -> bytes | None:
        """Return the digest of the file kept from a build that read it at `status`, or None."""
        key = DIGEST + shown
        found = self._renders().get(key)
        if found is None or found[0] != status:
            return None
        self._used_renders.add(key)
        return bytes(found[1])

    def remember_digest(self, shown: str, status: StatKey, digest: bytes) -> None:
        """Keep the digest of the file read at `status` (unless too fresh to trust: `save`)."""
        self.remember_render(DIGEST + shown, (status, digest))

    def _renders(self) -> dict[str, Any]:
        """Return the kept rendered bodies and feed parts, loaded when first asked for."""
        if self._rendered is None:
            every, self._rendered_base, self._rendered_id = load_renders(self.folder, self.key)
            self._rendered = every
        return self._rendered

    def has_renders(self) -> bool:
        """True when any rendered body or feed part is kept (none in a cold build)."""
        return bool(self._renders())

    def render(self, key: str) -> Any:
        value = self._renders().get(key)
        if value is not None:
            self._used_renders.add(key)
        return value

    def add_renders(self, folder: Path) -> None:
        """Take in the rendered bodies that a cache for the same settings and code kept in
        `folder` (the preview takes those of the last build), keeping its own."""
        renders = self._renders()
        for key, value in load_renders(folder, self.key)[0].items():
            renders.setdefault(key, value)

    def remember_render(self, key: str, value: Any) -> None:
        self._renders()[key] = value
        self._used_renders.add(key)

    # Feed entries and heads are kept beside the bodies they are made of (feeds.Kept).

    def feed_part(self, key: str) -> bytes | None:
        """Return a feed entry's or a feed head's bytes as a build made them, by their key."""
        value = self._renders().get(key)
        if not isinstance(value, bytes):
            return None
        self._used_renders.add(key)
        return value

    remember_feed_part = remember_render

    def _kept_renders(self, trusted_before: int) -> dict[str, Any]:
        """Return the renders this build used, but a file's digest at a status too fresh to
        trust (changed after `trusted_before`: see `BuildCache.save`)."""
        return {
            k: v
            for k, v in (self._rendered or {}).items()
            if k in self._used_renders
            and not (k.startswith(DIGEST) and stat_mtime_ns(v[0]) >= trusted_before)
        }

    def write_renders(self) -> None:
        """Write the renders this build used (`_kept_renders`): what changed since
        RENDERED_FILE was written, to RENDERED_CHANGES, while that is a few (see
        `load_renders`); else all of them, to a new RENDERED_FILE."""
        header = {"format": CACHE_FORMAT, "key": self.key}
        base, name, every = self._rendered_base or {}, self._rendered_id, self._rendered or {}
        used = self._used_renders
        # Told apart by what each holds now: a render taken from the files is the object
        # RENDERED_FILE gave (or its changes did); one made or kept anew is another.
        changed = sum(1 for k in used if k in every and base.get(k) is not every[k])
        gone = sum(1 for k in base if k not in used)
        if name and changed + gone <= max(CHANGES_KEPT, len(base) // 16):

            def changes(trusted_before: int) -> dict[str, Any]:
                kept = self._kept_renders(trusted_before)
                return {
                    **header,
                    "base": name,
                    "data": {k: v for k, v in kept.items() if base.get(k) is not v},
                    "gone": [k for k in base if k not in kept],
                }

            self.write(RENDERED_CHANGES, dump_pickle, changes)
            return
        name = os.urandom(8).hex()
        made: dict[str, Any] = {}

        def whole(trusted_before: int) -> dict[str, Any]:
            made.update(self._kept_renders(trusted_before))
            return {**header, "id": name, "data": made}

        self.write(RENDERED_FILE, dump_pickle, whole)
        self._rendered_base, self._rendered_id = made, name
        try:  # the changes of the file replaced, which no build applies to this one
            (self.folder / RENDERED_CHANGES).unlink(missing_ok=True)
        except OSError:
            pass
