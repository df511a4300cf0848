"""What the template stage's parts share: what a render read besides the post (`Read`),
what it made (`Expanded`), and what `Templates` (feedkit/posts/expand.py) holds of the site,
declared once for the parts of it that live in modules of their own (`JekyllTemplates`,
`PelicanTemplates`): each reads these, `Templates` sets them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from feedkit.config import Config
from feedkit.errors import Problem
from feedkit.models import Post
from feedkit.posts.sitekind import SiteKind
from feedkit.readonly import readonly

if TYPE_CHECKING:
    from pathlib import Path

    from feedkit.posts.reading import Reading
    from feedkit.posts.tagreads import TagReads

# What a render read besides its own file: (kind, name, what it found). Kinds: "post_url",
# "link", "ref" (found: the URL), "include", "config" (found: a hash of the file's bytes).
Read = tuple[str, str, str]


def joined(first: Expanded, then: Expanded) -> Expanded:
    """Return what `then` made of the text `first` made, with both's problems and reads."""
    return Expanded(
        then.text, first.problems + then.problems, tuple(dict.fromkeys(first.reads + then.reads))
    )


@readonly()
class Expanded:
    """A post's body with its templates expanded."""

    text: str  # the body as plain Markdown
    problems: tuple[Problem, ...]  # warnings, at their lines in the post file
    reads: tuple[Read, ...]  # what the result depends on besides the post


class NeedsPosts(Exception):
    """A body has templates, and Templates made before the posts were read cannot expand it."""


class TemplateSite:
    """The site a run's templates are expanded for, as `Templates` finds it."""

    cfg: Config
    paths: list[str]  # every post as shown in messages
    post_of: Callable[[str], Post]
    kind: SiteKind
    jekyll: bool
    hugo: bool
    jekyll_root: Path | None
    pelican: bool
    posts_known: bool  # False: made before the posts were read (`Templates.of_files`)
    _config_problem: Problem | None  # _config.yml cannot be read

    if TYPE_CHECKING:  # Templates' own, which its parts call

        def reading(self, jekyll: bool, hugo: bool = False) -> Reading: ...

        def _read(self, kind: str, name: str) -> tuple[str, str]: ...

        @property
        def _tags(self) -> TagReads: ...
