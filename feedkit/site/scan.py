"""Every post file and its status, from one walk of the content folder: what the build
cache compares with what the last build read (feedkit/site/cache.py), and the record of
paths and statuses that the "nothing changed" check keeps (feedkit/site/uptodate.py), made
only when first asked for."""

from __future__ import annotations

from dataclasses import dataclass

from feedkit.posts.walk import StatKey
from feedkit.site.uptodate import fingerprint, walk_record


# Never compared, and their reprs would print every post of the site: no __eq__ or __repr__
# (dataclasses generates them for every run, at about 0.1 ms each).
@dataclass(eq=False, repr=False)
class Scan:
    """Every post file and its status, from one walk of the content folder."""

    found: list[tuple[str, StatKey | None]]  # (path, status), as postfile.walk gives them
    root: str  # the site root's prefix (see loader.root_prefix)
    stat: bool  # every status is known (else the walk left them to the reads)
    _files: list[tuple[str, str, StatKey | None]] | None = None
    _record: bytes | None = None
    _fingerprint: str | None = None

    @property
    def files(self) -> list[tuple[str, str, StatKey | None]]:
        """Return (path as shown, path, status) of every file. Made when first asked for: a
        build that finds nothing changed never needs it (9 ms at 20,000 posts)."""
        if self._files is None:
            root = self.root  # display_path's rule, inline: this runs once per post file
            self._files = [
                (path[len(root) :] if path.startswith(root) else path, path, key)
                for path, key in self.found
            ]
        return self._files

    @property
    def record(self) -> bytes:
        """Return the paths and statuses as the state keeps them (uptodate.walk_record); b""
        while the statuses are not known."""
        if self._record is None:
            self._record = walk_record(self.found) if self.stat else b""
        return self._record

    @property
    def fingerprint(self) -> str:
        """Return a hash of the paths and statuses; "" while they are not known. Made when
        first asked for: a build that saves with a file too fresh to trust never needs it."""
        if self._fingerprint is None:
            self._fingerprint = fingerprint(self.found) if self.stat else ""
        return self._fingerprint

    def found_statuses(self, found: list[tuple[str, StatKey | None]]) -> None:
        """Take the files and statuses that reading them found (the walk took none)."""
        self.found, self.stat, self._files = found, True, None
        self._record = self._fingerprint = None
