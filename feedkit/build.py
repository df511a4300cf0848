"""The feed build: load every post, render only what the feeds include, write atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin

from feedkit.config import Config
from feedkit.errors import OutputError, Problem
from feedkit.feeds import XSL_NAME, FeedInfo, render_atom, render_json_feed, render_rss
from feedkit.loader import LoadResult, load_posts, public_posts, read_body, tags_of
from feedkit.markup import measure, render_html, summarize
from feedkit.models import Post, RenderedPost


@dataclass(frozen=True)
class BuildPlan:
    """Every output file's bytes, decided before anything is written."""

    files: Mapping[str, bytes]  # path relative to the output folder → content
    loaded: LoadResult
    published: int  # posts readers can see
    rendered: int  # posts whose Markdown was rendered for this build
    entries: tuple[RenderedPost, ...] = ()  # the main feed's entries, newest first
    render_warnings: tuple[Problem, ...] = ()  # found in bodies while rendering

    @property
    def warnings(self) -> tuple[Problem, ...]:
        # A small file is read whole at load and again to render: report each warning once.
        return tuple(dict.fromkeys(self.loaded.warnings + self.render_warnings))


def render_post(post: Post, cfg: Config, warnings: list[Problem] | None = None) -> RenderedPost:
    """Return `post` with its body rendered to HTML and its plain-text summary."""
    body = read_body(post, warnings)
    words, minutes = measure(body)
    return RenderedPost(
        post=post,
        word_count=words,
        reading_minutes=minutes,
        html=render_html(body, post.url, post.slug),
        # A post that is only an image or code still needs some text for readers to see.
        summary=summarize(body, post.summary, cfg.feed.summary_chars) or post.title,
    )


def xsl_stylesheet() -> bytes:
    return (resources.files("feedkit") / "static" / XSL_NAME).read_bytes()


def plan_build(
    cfg: Config, now: datetime, *, drafts: bool = False, loaded: LoadResult | None = None
) -> BuildPlan:
    """Return the BuildPlan for the site at `now`; raises before anything is written."""
    loaded = loaded if loaded is not None else load_posts(cfg)
    visible = public_posts(loaded.posts, now, drafts=drafts)
    limit = cfg.feed.limit
    feeds: list[tuple[str, FeedInfo, list[Post]]] = [
        (
            "",
            FeedInfo(cfg.title, cfg.description, cfg.base_url, cfg.base_url),
            visible[:limit],
        )
    ]
    if cfg.feed.tag_feeds:
        for slug, (name, members) in sorted(tags_of(visible).items()):
            folder = f"tags/{slug}/"
            feeds.append(
                (
                    folder,
                    FeedInfo(
                        title=f"{cfg.title}: {name}",
                        description=f"Posts tagged “{name}” on {cfg.title}",
                        home_url=cfg.base_url,
                        base_url=urljoin(cfg.base_url, folder),
                    ),
                    members[:limit],
                )
            )

    rendered: dict[str, RenderedPost] = {}  # a post in several feeds is rendered once
    render_warnings: list[Problem] = []
    files: dict[str, bytes] = {XSL_NAME: xsl_stylesheet()}
    main_entries: list[RenderedPost] = []
    for folder, info, members in feeds:
        entries = main_entries if not folder else []
        for post in members:
            if post.id not in rendered:
                rendered[post.id] = render_post(post, cfg, render_warnings)
            entries.append(rendered[post.id])
        files[folder + "atom.xml"] = render_atom(cfg, info, entries, now)
        files[folder + "rss.xml"] = render_rss(cfg, info, entries, now)
        if cfg.feed.json_feed:
            files[folder + "feed.json"] = render_json_feed(cfg, info, entries)
    return BuildPlan(
        files=files,
        loaded=loaded,
        published=len(visible),
        rendered=len(rendered),
        entries=tuple(main_entries),
        render_warnings=tuple(render_warnings),
    )


def write_atomically(path: Path, data: bytes) -> bool:
    """Write `data` to `path` via a temp file and rename; return False if it was unchanged."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


MANIFEST = "outputs.txt"


def write_outputs(out_dir: Path, files: Mapping[str, bytes], cache_dir: Path) -> list[str]:
    """Write every file of a plan under `out_dir`; return the ones that changed.

    Files an earlier build wrote and this one does not (the feed of a tag no post has any
    more) are removed; the list of what feedkit wrote lives in `cache_dir`, so nothing else
    in the output folder is ever touched.
    """
    changed = []
    for name, data in files.items():
        target = out_dir / name
        try:
            if write_atomically(target, data):
                changed.append(name)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write: {exc.strerror}") from exc
    manifest = cache_dir / MANIFEST
    try:
        previous = manifest.read_text(encoding="utf-8").splitlines()
    except OSError:
        previous = []
    for name in sorted(set(previous) - set(files)):
        stale = out_dir / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            continue
        stale.unlink(missing_ok=True)
        changed.append(name)
        for folder in stale.parents:
            if folder == out_dir or not folder.is_relative_to(out_dir):
                break
            try:
                folder.rmdir()  # only succeeds when empty
            except OSError:
                break
    cache_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(manifest, "".join(f"{name}\n" for name in sorted(files)).encode())
    return changed
