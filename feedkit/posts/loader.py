"""Markdown files → `Post`s, every problem listed as path:line; bodies read again on demand.

Reading a file is `postfile`'s job, turning its front matter into a Post `postmeta`'s (each
value read by `postvalues`), gathering the results into the site's posts `gathered`'s (with
what `crosscheck` finds across them); this module finds the files and spreads the work over
the cores.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from feedkit import parallel
from feedkit.config import Config
from feedkit.errors import ContentError, Problem
from feedkit.models import Choice, Post
from feedkit.posts import postfile
from feedkit.posts.fmparse import parse_front_matter
from feedkit.posts.gathered import LoadResult, Parsed, gather
from feedkit.posts.layout import Layout, unread_folders
from feedkit.posts.places import (
    ANYWHERE,
    PELICAN_NO_METADATA,
    NotAPost,
    Place,
    Skipped,
    pelican_unread_front_matter,
)
from feedkit.posts.postbody import unreadable
from feedkit.posts.postfile import (
    FileProblems,
    NoFrontMatter,
    NotText,
    discover,
)
from feedkit.posts.postread import prefetch, read_head, read_whole
from feedkit.posts.walk import StatKey
from feedkit.shown import display_path


def load_post(path: Path, cfg: Config, warnings: list[Problem]) -> Post:
    """Return the Post in `path`; raise ContentError listing what is wrong with it, or why
    its front matter says it is no post."""
    shown = display_path(path, cfg.root)
    post = _parse(path, shown, cfg, warnings)[0]
    if isinstance(post, Skipped):
        raise ContentError.single(shown, 0, f"skipped: {post.reason}")
    return post


def _parse(
    path: Path | str,
    shown: str,
    cfg: Config,
    warnings: list[Problem],
    light: bool = False,
    place: Place = ANYWHERE,
) -> tuple[Any, StatKey]:
    """Return the file's Post (or with `light`, only `PostBuilder.choice`; `Skipped` when its
    front matter shows it is not a post) and its status."""
    ((_, st, post, problems, _),) = _load_batch(cfg, [(path, shown, place, warnings)], light)
    if problems:
        raise ContentError(problems)
    assert st is not None
    return post, st


def content_folder(cfg: Config) -> Path:
    """Return the content folder, or raise saying it is missing and how to fix that."""
    content = cfg.content_path
    if not content.is_dir():
        raise ContentError.single(
            display_path(content, cfg.root),
            0,
            "content folder not found; create it or set content_dir in feedkit.toml",
        )
    return content


T = TypeVar("T")

# Files from which a forked child shares the parsing: with fewer, one process parses them
# in about the time the other imports the renderer meanwhile (see `parse_files`). A cold
# build of 1,000 posts took 0.26 s in one process, 0.22 s with the child.
PARALLEL_FROM = 200
# Files in a part of the work this process and its forked child share (see
# `parallel.shared`): the last part one of them takes is all the other may wait for.
PART = 100


# Files read per batch. Each stage runs over a whole batch before the next starts (read every
# file, then parse every front matter, then check every post): interleaved file by file, the
# same work takes about 40 % longer (measured on the benchmark's corpus), as the system
# calls of reading and the YAML parser keep evicting each other's code and data from the
# processor's caches. A batch keeps only front matters in memory, a few hundred KB.
BATCH = 256


def _load_many(
    cfg: Config,
    paths: Sequence[Path | str],
    layout: Layout,
    light: bool = False,
    each: Callable[[Post, bytes], object] | None = None,
    asked: bool = False,
) -> list[Parsed]:
    """Return each file's post (see `_load_batch`), a batch at a time; unless `asked` (the
    caller asked the disk for them already), asking the disk for each batch's files before
    the one before it is parsed, so that they are read while it is (see `ask_ahead`)."""
    results: list[Parsed] = []
    batch = _to_read(cfg, paths[:BATCH], layout)
    if not asked:
        ask_ahead(((f[0], f[2]) for f in batch), whole=each is not None)
    for start in range(0, len(paths), BATCH):
        following = _to_read(cfg, paths[start + BATCH : start + 2 * BATCH], layout)
        if not asked:
            ask_ahead(((f[0], f[2]) for f in following), whole=each is not None)
        results += _load_batch(cfg, batch, light, each)
        batch = following
    return results


def _to_read(cfg: Config, paths: Sequence[Path | str], layout: Layout) -> list[ToRead]:
    return [(path, display_path(path, cfg.root), layout.place(str(path)), []) for path in paths]


def ask_ahead(files: Iterable[tuple[Path | str, Place | Skipped]], whole: bool) -> None:
    """Ask the disk for the files to read among `files` (each with its place in the
    layout): their front matter's first bytes, or the `whole` file, all at once (see
    `postread.prefetch`). A file not in memory waited for the disk on its own; reading it
    now waits only for what is still in flight."""
    wanted = (path for path, place in files if not isinstance(place, Skipped))
    prefetch(wanted, head_only=not whole)


def _part_asker(
    paths: Sequence[Path | str],
    layout: Layout,
    starts: range,
    size: int,
    whole: bool,
) -> Callable[[int], None]:
    """Return what asks the disk for the files of a part of `paths` (see `ask_ahead`), by
    its number; nothing past the last. Parts are taken in order by two processes: each
    asks, when it takes one, for the part after the next, so every part is asked for once,
    one part ahead of whoever takes it."""

    def ask_part(index: int) -> None:
        if index < len(starts):
            chunk = paths[starts[index] : starts[index] + size]
            ask_ahead(((path, layout.place(str(path))) for path in chunk), whole)

    return ask_part


# A file to read: its path, its path as shown, its place in the layout (`Skipped` when that
# alone says it is no post: then it is not even read), and the list for its warnings.
ToRead = tuple[Path | str, str, "Place | Skipped", list[Problem]]


def _load_batch(
    cfg: Config,
    files: list[ToRead],
    light: bool,
    each: Callable[[Post, bytes], object] | None = None,
) -> list[Parsed]:
    """Return each file's post (see `parse_files`), in the order of `files`, each stage
    over every file before the next (see BATCH). With `each`, every file is read whole,
    once, and `each` is given every post and its file's bytes, last."""
    # Here, not at the top: a build that finds nothing changed imports this module (for its
    # paths) but reads no post.
    from feedkit.posts.postmeta import PostBuilder

    failed: dict[int, list[Problem]] = {}
    unread_skips: dict[int, Skipped] = {}  # files no post by what reading them showed
    heads: list[tuple[postfile.Source, StatKey] | None] = []
    raws: dict[int, bytes] = {}
    files = list(files)  # a picture's place becomes its Skipped: in a copy, not the caller's
    for index, (path, shown, place, warnings) in enumerate(files):
        head = None
        if not isinstance(place, Skipped):
            try:
                rules = place.bare, place.jekyll, place.pelican_meta, place.hugo
                if each is None:
                    head = read_head(path, shown, warnings, *rules)
                else:
                    source, st, raws[index] = read_whole(path, shown, warnings, *rules)
                    head = source, st
            except NoFrontMatter as exc:
                if place.pelican:  # as Pelican skips it: no title
                    unread_skips[index] = (
                        pelican_unread_front_matter(exc.opened)
                        if exc.opened
                        else PELICAN_NO_METADATA
                    )
                else:
                    failed[index] = exc.problems
            except FileProblems as exc:
                if isinstance(exc, NotText) and place.not_text is not None:  # a picture
                    files[index] = (path, shown, place.not_text, warnings)
                else:
                    failed[index] = exc.problems
            except OSError as exc:
                failed[index] = [unreadable(path, shown, exc)]
        heads.append(head)
    metas: list[dict[str, Any] | None] = []
    for index, head in enumerate(heads):
        meta = None
        if head is not None:
            try:
                place = files[index][2]
                hugo = not isinstance(place, Skipped) and place.hugo
                meta = parse_front_matter(head[0], files[index][1], files[index][3], hugo=hugo)
            except FileProblems as exc:
                failed[index] = exc.problems
        metas.append(meta)
    results: list[Parsed] = []
    for index, ((path, shown, place, warnings), head, meta) in enumerate(
        zip(files, heads, metas, strict=True)
    ):
        place = unread_skips.get(index, place)
        if isinstance(place, Skipped):
            results.append((shown, None, place, [], []))
            continue
        if head is None or meta is None:
            results.append((shown, None, None, list(failed[index]), warnings))
            continue
        builder = PostBuilder(cfg, path, shown, head[0], meta, warnings, place)
        try:
            post = builder.choice() if light else builder.build()
        except NotAPost as exc:
            post = Skipped(exc.reason, warning=exc.warning)
        except FileProblems as exc:
            results.append((shown, None, None, list(exc.problems), warnings))
            continue
        except OSError as exc:
            results.append((shown, None, None, [unreadable(path, shown, exc)], warnings))
            continue
        results.append((shown, head[1], post, [], warnings))
    if each is not None:
        for index, (_, _, post, _, _) in enumerate(results):
            if isinstance(post, Post):
                each(post, raws[index])
    return results


def parse_files(
    cfg: Config,
    paths: Sequence[Path | str],
    *,
    light: bool = False,
    meanwhile: Callable[[], object] | None = None,
    layout: Layout | None = None,
    progress: Progress | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> list[Parsed]:
    """Return each file's post (only its `PostBuilder.choice` when `light`; `Skipped` for a
    file that is not a post) or its problems; `progress` is told how many are read.

    `layout` holds the rules decided from every file of the content folder; without it,
    they are decided from `paths`.

    Over many files, a forked child parses some of them while this process parses the
    others, each taking the next hundred as it is free; this process first runs
    `meanwhile` (e.g. imports the renderer), so that costs no extra time. With few files,
    `meanwhile` is left to whoever needs it. Many is `parallel_from` files.
    """
    if layout is None:
        layout = Layout(cfg, map(str, paths))
    if len(paths) < parallel_from:
        return _load_many(cfg, paths, layout, light)
    size = max(PART, -(-len(paths) // parallel.MAX_PARTS))
    starts = range(0, len(paths), size)
    here = os.getpid()
    ask_part = _part_asker(paths, layout, starts, size, whole=False)

    def part(index: int) -> list[Parsed]:
        ask_part(index + 2)  # the part after the next one taken: read while this is parsed
        chunk = paths[starts[index] : starts[index] + size]
        parsed = _load_many(cfg, chunk, layout, light, asked=True)
        if light and os.getpid() != here:
            # The child's Choices go back as plain tuples, which travel marshalled: a
            # tuple subclass would send the whole part pickled, 3x slower both ways.
            return [
                (shown, st, tuple(fields) if type(fields) is Choice else fields, problems, notes)
                for shown, st, fields, problems, notes in parsed
            ]
        return parsed

    def done(parts: int) -> None:
        if progress is not None:
            progress(READING, min(parts * size, len(paths)), len(paths))

    ask_part(0)  # the first two, each taken by one of the processes at once
    ask_part(1)
    parts = parallel.shared(len(starts), part, first=meanwhile, on_done=done)
    found = [parsed for each in parts for parsed in each]
    if light:
        for i, (shown, st, fields, problems, warnings) in enumerate(found):
            if type(fields) is tuple:  # from the child
                found[i] = (shown, st, Choice._make(fields), problems, warnings)
    return found


def parse_and_check(
    cfg: Config,
    paths: Sequence[Path | str],
    check: Callable[[Post, bytes], T],
    *,
    layout: Layout,
    meanwhile: Callable[[], object] | None = None,
    parallel_from: int = PARALLEL_FROM,
    sent: list[tuple[int, int, bytes]] | None = None,
) -> list[tuple[Parsed, T | None]]:
    """Return each file's post or problems as `parse_files` does, with what `check` gives
    of the post and its file's bytes (None for a file that is no post or has problems).

    Each file is read once, whole, and checked in the process that parsed it: over many
    files, this process and a forked child each take the next hundred (see `parse_files`),
    and neither waits for the other between parsing and checking. Each part the child
    took came back pickled, as the pair of lists (its files' `Parsed`, what `check` gave
    of each post among them); with `sent`, those bytes are added to it, with the range of
    the results they hold (start, stop), for a caller that keeps them.
    """

    def part(chunk: Sequence[Path | str], asked: bool = False) -> tuple[list[Parsed], list[T]]:
        checked: list[T] = []
        parsed = _load_many(
            cfg, chunk, layout, each=lambda p, raw: checked.append(check(p, raw)), asked=asked
        )
        return parsed, checked

    def joined(parsed: list[Parsed], checked: list[T]) -> list[tuple[Parsed, T | None]]:
        results = iter(checked)
        return [(each, next(results) if isinstance(each[2], Post) else None) for each in parsed]

    if len(paths) < parallel_from:  # `meanwhile` is left to whoever needs it, as above
        return joined(*part(paths))
    import pickle

    size = max(PART, -(-len(paths) // parallel.MAX_PARTS))
    starts = range(0, len(paths), size)
    here = os.getpid()
    ask_part = _part_asker(paths, layout, starts, size, whole=True)

    # A part: its files parsed, what `check` gave of each post, and the child's pickle of
    # the two (None for this process's own parts).
    def shared_part(index: int) -> tuple[list[Parsed], list[T], bytes | None]:
        ask_part(index + 2)  # as in `parse_files`
        parsed, checked = part(paths[starts[index] : starts[index] + size], asked=True)
        if os.getpid() == here:
            return parsed, checked, None
        # The child pickles each part as it finishes it, so that pickling is work the two
        # processes share (see parallel.shared), not a tail this process waits for: its
        # posts then travel as bytes, marshalled, and are unpickled here between this
        # process's own parts, as they come.
        return [], [], pickle.dumps((parsed, checked), protocol=pickle.HIGHEST_PROTOCOL)

    def unpickled(
        sent_part: tuple[list[Parsed], list[T], bytes | None],
    ) -> tuple[list[Parsed], list[T], bytes | None]:
        data = sent_part[2]
        return sent_part if data is None else (*pickle.loads(data), data)

    ask_part(0)
    ask_part(1)
    parts = parallel.shared(len(starts), shared_part, first=meanwhile, received=unpickled)
    found: list[tuple[Parsed, T | None]] = []
    for parsed, checked, data in parts:
        start = len(found)
        found += joined(parsed, checked)
        if sent is not None and data is not None:
            sent.append((start, len(found), data))
    return found


# Told what a long build is doing now: the step, and how many of how many things it has
# done (0 of 0 for a step that is not counted).
Progress = Callable[[str, int, int], None]
READING = "reading posts"


def load_posts(cfg: Config, *, progress: Progress | None = None) -> LoadResult:
    """Return every post under the content folder, newest first; raise listing all problems."""
    paths = discover(content_folder(cfg), unread_folders(cfg))
    return gather(parse_files(cfg, paths, progress=progress))
