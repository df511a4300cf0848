"""A loaded post's body, read again from its file when a step needs it (a feed's entry, a
digest, a check): the load kept only where it starts, so that thousands of posts need not
be held in memory. What is wrong with the file is said naming it."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from feedkit.errors import ContentError, Problem
from feedkit.models import Post
from feedkit.posts import postfile, postread
from feedkit.posts.postfile import FileProblems


def unreadable(path: Path | str, shown: str, exc: OSError) -> Problem:
    """Return the problem of a post file that could not be read: what is wrong, and what to
    do about it when it is a symbolic link that leads nowhere or back to itself."""
    if exc.errno == errno.ELOOP:
        return Problem(
            shown, 0, "is a symbolic link that leads back to itself; fix or remove the link"
        )
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return Problem(
            shown,
            0,
            f"is a symbolic link to {os.readlink(path)!r}, which does not exist; "
            "fix or remove the link",
        )
    return Problem(shown, 0, f"cannot be read: {exc.strerror}")


def read_body(post: Post, warnings: list[Problem] | None = None) -> str:
    """Return the Markdown body of a loaded post, read again from its file."""
    return body_of(post, read_raw(post), warnings)


def read_raw(post: Post) -> bytes:
    """Return a loaded post's file as bytes."""
    try:
        return postread.read_file(post.source)
    except OSError as exc:
        raise ContentError([unreadable(post.source, post.rel_path, exc)]) from exc


def body_of(post: Post, raw: bytes, warnings: list[Problem] | None = None) -> str:
    """Return the Markdown body in a post file's bytes: all of them for a post read without
    front matter, whose body alone starts at line 1 (a one-line file's aside: see `split`)."""
    try:
        return postfile.body_of(raw, post.rel_path, warnings, post.body_line == 1, post.body_line)
    except FileProblems as exc:
        raise ContentError(exc.problems) from None
    except OSError as exc:
        raise ContentError.single(post.rel_path, 0, f"cannot be read: {exc.strerror}") from exc


def front_matter_of(post: Post, jekyll: bool) -> dict[str, Any]:
    """Return a loaded post's front matter as written, read again from its file (for a
    template that names a key the load keeps only as it read it: `page.description`);
    {} when it cannot be read now (the load said what was wrong)."""
    from feedkit.posts.fmparse import parse_front_matter

    try:
        read = postread.read_head(post.source, post.rel_path, [], jekyll=jekyll, hugo=post.hugo)
        return dict(parse_front_matter(read[0], post.rel_path, hugo=post.hugo))
    except (OSError, FileProblems, ContentError):
        return {}
