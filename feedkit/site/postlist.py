"""Posts in a given order, each read in full only when asked for, with the names their
footnote anchors begin with among every post of the site (feedkit/posts/anchors.py): what
a digest and the preview take the posts readers may see as."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import overload

from feedkit.config import Config
from feedkit.models import Post
from feedkit.posts.anchors import anchor_names
from feedkit.posts.expand import Templates


class PostList(Sequence[Post]):
    """Posts in a given order, with their paths (as shown) and IDs known up front; each
    post is read in full the first time it is asked for. `anchors`: what `anchor_names`
    gives of every post of the site, not only of these. `posts_of`, when given, reads many
    posts in one go (see `read`)."""

    def __init__(
        self,
        paths: list[str],
        ids: list[str],
        post_of: Callable[[str], Post],
        posts: list[Post | None] | None = None,
        *,
        anchors: Mapping[str, str],
        posts_of: Callable[[list[str]], list[Post]] | None = None,
    ) -> None:
        self.paths = paths
        self.ids = ids
        self.anchors = anchors
        self._post_of = post_of
        self._posts_of = posts_of
        self._posts: list[Post | None] = posts if posts is not None else [None] * len(paths)

    def read(self, indices: Iterable[int]) -> None:
        """Read the posts at `indices` not read yet, in one go when the list can (many
        posts' front matter is shared with a forked child, as a build reads it): about
        three times as fast as one by one for a whole archive."""
        todo = [i for i in indices if self._posts[i] is None]
        if todo and self._posts_of is not None:
            found = self._posts_of([self.paths[i] for i in todo])
            for i, post in zip(todo, found, strict=True):
                self._posts[i] = post

    @classmethod
    def of(cls, posts: Sequence[Post]) -> PostList:
        """Return `posts` as a PostList (itself, when it is one); a list of Posts is taken
        for every post of the site."""
        if isinstance(posts, PostList):
            return posts
        listed = list(posts)
        by_path = {p.rel_path: p for p in listed}
        return cls(
            [p.rel_path for p in listed],
            [p.id for p in listed],
            by_path.__getitem__,
            [*listed],
            anchors=anchor_names(listed),
        )

    def __len__(self) -> int:
        return len(self.paths)

    @overload
    def __getitem__(self, index: int) -> Post: ...

    @overload
    def __getitem__(self, index: slice) -> PostList: ...

    def __getitem__(self, index: int | slice) -> Post | PostList:
        if isinstance(index, slice):
            return PostList(
                self.paths[index],
                self.ids[index],
                self._post_of,
                self._posts[index],
                anchors=self.anchors,
                posts_of=self._posts_of,
            )
        post = self._posts[index]
        if post is None:
            post = self._posts[index] = self._post_of(self.paths[index])
        return post

    def __iter__(self) -> Iterator[Post]:
        return (self[i] for i in range(len(self.paths)))


def templates_of(cfg: Config, *lists: Sequence[Post]) -> Templates:
    """Return `Templates.of_posts` over the posts of `lists`, in order (a later list's post
    stands for an earlier one's of the same path), reading none in full until a template
    names it."""
    owners: dict[str, tuple[PostList, int]] = {}
    for posts in map(PostList.of, lists):  # in C loops: 20,000 posts are listed per digest
        places = zip(repeat(posts, len(posts)), range(len(posts)), strict=True)
        owners.update(zip(posts.paths, places, strict=True))

    def post_of(shown: str) -> Post:
        posts, index = owners[shown]
        return posts[index]

    return Templates(cfg, owners, post_of)
