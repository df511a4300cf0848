"""`feedkit check`'s reading of every post and its body, and what it keeps for the next check.

A check reads every file whole: its front matter, then its body, with its templates
expanded, for formulas that stay TeX and kramdown that is not understood. It keeps what
each file gave in `.feedkit/cache/check.pickle`, beside the build cache and under the
build cache's key (feedkit/site/cachekey.py: the config, feedkit's code, Python and the
libraries), so the next check reads only the files that changed. A file's results are
trusted by its status as the build cache trusts an index row: only when the status is what
it was, and the file was changed two seconds before the check that read it began ("racily
clean"); its place in the site's layout must be the same too. A body's results are kept
only while what its templates read (another post's URL, an include, `_config.yml`) is as
it was. Files with problems are never kept: their problems are found afresh every time,
and nothing is saved from a check that found any.

Each file is read once: its front matter is parsed and its body checked one after the
other, over many files in two processes (a forked child takes parts of the files as this
process does, feedkit/parallel.py). A body whose templates may read another post, and every
body of a Jekyll site, is checked once every post is known, shared the same way when there
are many (what a body gives: feedkit/site/bodycheck.py). While this process plans the
feeds, a child saves what the check found: the files the forked child read as the bytes
they came back in from it, the others pickled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from feedkit import parallel
from feedkit.config import Config
from feedkit.errors import ContentError, Problem
from feedkit.models import Choice, Post
from feedkit.posts.gathered import LoadResult, Parsed, gather
from feedkit.posts.layout import Layout, unread_folders
from feedkit.posts.loader import content_folder, parse_and_check, parse_files
from feedkit.posts.walk import StatKey, stat_mtime_ns, walk
from feedkit.shown import display_path
from feedkit.site.bodycheck import PARALLEL_FROM, BodyResult, check_bodies, choice_and_body
from feedkit.site.cache import BuildCache
from feedkit.site.cachefiles import dump_pickle, load_pickle
from feedkit.site.cachekey import CACHE_FORMAT
from feedkit.site.render import load_renderers

CHECK_FILE = "check.pickle"
# A file's row: its status, its place in the layout, its Post (or `Skipped`), the warnings
# reading it gave, and what its body gave.
Row = tuple[StatKey, Any, Any, list[Problem], BodyResult | None]
T = TypeVar("T")


# Files parsed by the forked child, as they came back from it (see `parse_and_check`): the
# pickled pair (their `Parsed`; for each post among them, its Choice and its `BodyResult`,
# or None when its body was left for later), with each file's place.
SentPart = tuple[list[Any], bytes]


@dataclass
class CheckCache:
    """The last check's rows, under the build cache's key (`build`, which it writes with)."""

    build: BuildCache
    rows: dict[str, Row] = field(default_factory=dict)
    site: tuple[bool, bool] | None = None  # the last check's templates: Jekyll's, Hugo's

    @classmethod
    def open(cls, cfg: Config) -> CheckCache:
        """Return what the last check kept for `cfg`; empty when it is missing, damaged, or
        made for another config or by other code."""
        build = BuildCache.open(cfg)
        path = build.folder / CHECK_FILE
        # No state and no check kept (a cold check): its key is not made here (see `key`).
        data = load_pickle(path, build.key) if build.state or path.exists() else {}
        rows, site = data.get("rows"), data.get("site")
        if not isinstance(rows, dict):
            return cls(build)
        try:
            rows = {**_sent_rows(data.get("sent", ()), data.get("before", 0)), **rows}
        except Exception:  # noqa: BLE001 - damaged in any way: only the next check's time
            return cls(build)
        return cls(build, rows, site if isinstance(site, tuple) else None)

    def save(
        self, rows: dict[str, Row], site: tuple[bool, bool], sent: Sequence[SentPart] = ()
    ) -> None:
        """Write `rows` for the next check, and the files the forked child `sent` as their
        bytes (they are not pickled again), leaving out files too fresh to trust by their
        status; a cache that cannot be written only costs the next check time."""

        def kept(trusted_before: int) -> dict[str, Any]:
            settled = {s: r for s, r in rows.items() if stat_mtime_ns(r[0]) < trusted_before}
            data = {"rows": settled, "site": site, "sent": sent, "before": trusted_before}
            return {"format": CACHE_FORMAT, "key": self.build.key, "data": data}

        try:
            self.build.folder.mkdir(parents=True, exist_ok=True)
            self.build.write(CHECK_FILE, dump_pickle, kept)
        except OSError:
            pass


def _sent_rows(sent: Sequence[SentPart], trusted_before: int) -> dict[str, Row]:
    """Return the rows of the files a forked child sent, as `CheckCache.save` got them,
    those too fresh to trust by their status left out."""
    import pickle

    rows: dict[str, Row] = {}
    for places, data in sent:
        parsed, checked = pickle.loads(data)  # each post's Choice and what its body gave
        pairs = iter(checked)
        for (shown, st, post, _, file_warnings), place in zip(parsed, places, strict=True):
            result = next(pairs)[1] if isinstance(post, Post) else None
            if st is not None and stat_mtime_ns(st) < trusted_before:
                rows[shown] = (st, place, post, file_warnings, result)
    return rows


def check_posts(
    cfg: Config,
    cache: CheckCache | None,
    then: Callable[[LoadResult, dict[str, Choice]], T],
    keep: list[object] | None = None,
) -> tuple[LoadResult, tuple[Problem, ...], T]:
    """Return every post (as `load_posts`), the warnings of every body, post by post (its
    own, formulas that stay TeX when feeds show MathML, kramdown not understood; then every
    template warning), and what `then` gives of the posts and their `Choice`s (by path as
    shown, newest first, as `plan_build` takes them). Raise listing every problem, as
    `load_posts` does, then for each body that cannot be read. With `cache`, unchanged files
    are not read again, and what this check found is saved in it: by a forked child while
    this process runs `then`, when there are many posts.

    With `keep`, what the check made on the way (a row, a result, a parsed file for every
    file) is added to it, not freed on return: freeing it object by object took 25 ms of
    a check of 20,000 posts, after all its work, for a command that then leaves the
    process as a build does (`QuickExit`), with nothing freed."""
    from feedkit.posts.expand import Templates

    known = cache.rows if cache is not None else {}
    # With nothing kept, no status is compared: each file's comes from reading it.
    files = walk(content_folder(cfg), stat=bool(known), unread=unread_folders(cfg))
    layout = Layout(cfg, [path for path, _ in files])
    places: dict[str, Any] = {}
    kept: dict[str, Row] = {}
    todo: list[str] = []  # as found: parsing makes a Path of each post, and needs none
    for path, key in files:
        shown = display_path(path, cfg.root)
        places[shown] = place = layout.place(path)
        row = known.get(shown)
        if row is not None and key is not None and row[0] == key and row[1] == place:
            kept[shown] = row
        else:
            todo.append(path)
    # From fewer files than a build, which reads no body, a forked child parses some while
    # this process first imports what checking bodies and planning the feeds take. Where
    # no template may need another post (no Jekyll site), each file's body is checked
    # right after its front matter, from the same read, in the process that parsed it.
    early: dict[str, BodyResult] = {}
    # Each post's Choice, made in the process that parsed it where there was one: after the
    # parse, making 20,000 took 50 ms, a tenth of what followed it.
    made: dict[str, Choice] = {}
    sent: list[tuple[int, int, bytes]] = []  # parts of `fresh` the forked child pickled
    probe = Templates.of_files(cfg, places)
    if probe.jekyll:
        fresh = parse_files(
            cfg,
            todo,
            layout=layout,
            meanwhile=partial(load_renderers, cfg),
            parallel_from=PARALLEL_FROM,
        )
    else:
        together = parse_and_check(
            cfg,
            todo,
            partial(choice_and_body, math=cfg.feed.math, templates=probe),
            layout=layout,
            meanwhile=partial(load_renderers, cfg),
            parallel_from=PARALLEL_FROM,
            sent=sent if cache is not None else None,
        )
        fresh = [parsed for parsed, _ in together]
        for parsed_file, pair in together:
            if pair is not None:
                made[parsed_file[0]] = pair[0]
                if pair[1] is not None:
                    early[parsed_file[0]] = pair[1]
    # Every file in its place, those kept from the last check among those read (none from
    # cold: the files read are every file, in the same order).
    read = iter(fresh)
    parsed: list[Parsed] = (
        [
            next(read) if row is None else (shown, row[0], row[2], [], list(row[3]))
            for shown, row in ((shown, kept.get(shown)) for shown in places)
        ]
        if kept
        else fresh
    )
    if kept or probe.jekyll:  # else each post read has its Choice from where it was read
        for shown, _, post, _, _ in parsed:
            if isinstance(post, Post) and shown not in made:
                made[shown] = post.choice()
    loaded = gather(parsed, made)

    templates = Templates.of_posts(cfg, loaded.posts)
    site = (templates.jekyll, templates.hugo)
    same_site = cache is not None and cache.site == site
    results: dict[str, BodyResult] = {}
    unread: list[Post] = []
    for post in loaded.posts:
        body = early.get(post.rel_path)
        if body is None:  # kept from the last check, if what its templates read is the same
            row = kept.get(post.rel_path)
            body = row[4] if row is not None and same_site else None
            body = body if body is not None and templates.current(body[3]) else None
        if body is None:
            unread.append(post)
        else:
            results[post.rel_path] = body
    checked = check_bodies(unread, cfg, templates)
    results.update(zip([post.rel_path for post in unread], checked, strict=True))
    ordered = [results[post.rel_path] for post in loaded.posts]
    problems = [problem for result in ordered for problem in result[0]]
    warnings = [warning for result in ordered for warning in result[1]]
    if problems:
        raise ContentError(problems + warnings)
    found = tuple(warnings) + tuple(w for result in ordered for w in result[2])
    rows: dict[str, Row] = {}
    kept_sent: list[SentPart] = []
    if cache is not None:
        # What the forked child sent is saved as it came: only the posts among it whose
        # body was checked here (once every post was known) are saved again, as rows.
        for start, stop, data in sent:
            kept_sent.append(([places[each[0]] for each in fresh[start:stop]], data))
        done = {each[0] for start, stop, _ in sent for each in fresh[start:stop]}
        for shown, st, post, _, file_warnings in parsed:
            if st is None or (shown in done and (shown in early or not isinstance(post, Post))):
                continue
            body = results.get(post.rel_path) if isinstance(post, Post) else None
            rows[shown] = (st, places[shown], post, file_warnings, body)
        # Nothing read (files that are no post by their place alone never are) and no file
        # gone: what was kept still holds, settled as it was.
        read_any = unread or any(st is not None for _, st, *_ in fresh)
        if not read_any and same_site and rows.keys() == known.keys():
            cache = None
    choices = {post.rel_path: made[post.rel_path] for post in loaded.posts}
    if cache is None:
        after = then(loaded, choices)
    elif len(rows) < PARALLEL_FROM:
        cache.save(rows, site, kept_sent)
        after = then(loaded, choices)
    else:
        # Pickling every post this process read takes a tenth of a cold check: a child
        # does it meanwhile. (The choices are made before the fork: reading every post's
        # values after it copies each memory page they share with the child, and took 5
        # times as long.)
        saving = partial(cache.save, rows, site, kept_sent)
        after, _ = parallel.in_parallel(partial(then, loaded, choices), saving)
    if keep is not None:
        keep.append(locals())  # every name above: what they hold outlives this call
    return loaded, found, after
