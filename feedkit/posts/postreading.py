"""What `PostBuilder` (feedkit/posts/postmeta.py) holds while it reads one post file's front
matter, declared once for the parts of it that live in modules of their own (`PostAddress`,
`PostPublishing`, `PostImage`, `PostTags`, `PostTitle`): each reads these, the builder sets
them."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from feedkit.config import Config
from feedkit.errors import Problem
from feedkit.posts.places import Place
from feedkit.posts.postfile import Source


class PostReading:
    """The post file being read, what its front matter says, and where problems go."""

    cfg: Config
    path: Path | str
    shown: str  # the file's path as messages show it
    stem: str  # its name without the suffix
    src: Source
    meta: dict[str, Any]  # its front matter, keys in lower case
    place: Place  # what its place in the site's layout says of it
    timezone: ZoneInfo
    named: Collection[str]  # keys whose values are the file name's (Pelican's FILENAME_METADATA)
    warnings: list[Problem]
    first: Callable[[tuple[str, ...]], tuple[str, Any]]  # the first of these keys given
    fail: Callable[[str, str], None]  # a problem at a key's line
    warn: Callable[[str, str], None]  # a warning at a key's line
    line_of: Callable[[str], int]
    _text: Callable[..., str | None]  # a value as text, or a problem
