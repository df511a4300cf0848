"""Posts → what a feed entry shows of each (safe HTML, summary, the warnings in its body):
from the build cache when its file and what its templates read are unchanged,
the rest rendered, shared with a forked child when there are enough of them."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from feedkit import parallel
from feedkit.config import Config
from feedkit.errors import Problem
from feedkit.models import Post, RenderedPost
from feedkit.posts.anchors import anchor_names, anchor_of
from feedkit.posts.linemap import at_source_lines
from feedkit.posts.loader import Progress
from feedkit.posts.postbody import body_of, read_raw
from feedkit.posts.postread import prefetch
from feedkit.posts.sitekind import unlisted_site_kind
from feedkit.posts.uncarried import removed_text

if TYPE_CHECKING:
    from feedkit.posts.expand import Templates
    from feedkit.posts.walk import StatKey
    from feedkit.site.cache import BuildCache

# What rendering a post gives: the rendered post, the warnings found in its body, and
# whether its templates read another post's URL.
Rendered = tuple[RenderedPost, tuple[Problem, ...], bool]
RENDERING = "rendering feed entries"  # what `progress` is told while posts are rendered
# Bytes of post files from which a forked child renders some: below, forking a process
# that holds every post takes about as long as rendering them. At 20,000 posts, the 20 of
# a feed (250 KB) took 16 ms here and 18 ms shared at a cold build, and 26 ms here and 41
# ms shared at a check (whose own forked child is saving what it found meanwhile).
PARALLEL_FROM = 512 * 1024


def _render(
    post: Post,
    raw: bytes,
    summary_chars: int,
    math: str,
    jekyll: bool,
    templates: Templates,
    anchor: str,
    rss: str,
    atom: str,
) -> tuple[Any, ...]:
    from feedkit.posts import comments, updatenotes
    from feedkit.posts.expand import shield_braces
    from feedkit.posts.kramdown_look import has_kramdown
    from feedkit.posts.markup import XML_ILLEGAL, math_warnings, render_html
    from feedkit.posts.plaintext import summarize
    from feedkit.site import rsstext

    found: list[Problem] = []
    source = body_of(post, raw, found)
    expanded = templates.expand(post, source)
    body = expanded.text
    found.extend(expanded.problems)

    def at_file_lines(problems: list[Problem]) -> list[Problem]:
        # Found in the expanded body: at the lines of the file (an include's, the tag's).
        return at_source_lines(problems, post.body_line, source, body)

    # How Markdown is read (its converter, typographer…) is the site's: its _config.yml or
    # Hugo configuration, which the build cache's key covers (cachekey.config_hash).
    reading = templates.reading(jekyll, post.hugo)
    in_body: list[Problem] = []
    if reading.kramdown and has_kramdown(body):  # kramdown's modules for a post with some
        from feedkit.posts import kramdown

        in_body += kramdown.problems(post, body, reading)
    in_body += comments.warnings(post, body, reading)
    in_body += updatenotes.warnings(post, body, reading, templates)
    found += at_file_lines(in_body)
    found += rsstext.warnings(post, raw, rss, atom)
    html = shield_braces(render_html(body, post.url, anchor, math, reading))
    if math == "mathml":
        found += at_file_lines(math_warnings(post, body, reading))
    # A post that is only an image or code still needs some text for readers to see.
    summary = summarize(body, post.summary, summary_chars, reading) or post.title
    data = html.encode()
    # The file's own text lost them when read (feedkit.posts.uncarried): a character
    # reference (`&#7;`) may make them again.
    if len(data.translate(None, _C0_FORBIDDEN)) < len(data) or (
        (0xC2 in data or 0xEF in data or 0xBF in data) and XML_ILLEGAL.search(html)
    ):
        removed = XML_ILLEGAL.findall(html)
        message = removed_text(len(removed), removed[0], ", written as character references")
        line = post.body_line + _reference_line(source, removed[0])
        found.append(Problem(post.rel_path, line, message, warning=True))
        data = XML_ILLEGAL.sub("", html).encode()
    # No reading time: no feed shows one (a digest measures its posts itself).
    return (data, summary, tuple(found), expanded.reads)


def _reference_line(body: str, char: str) -> int:
    """Return the line of `body` (from 0) where a character reference first writes `char`
    (`&#xFFFE;`, `&#65534;`), 0 when none does (it came from a template, say)."""
    for m in _CHARACTER_REFERENCE.finditer(body):
        code = int(m[1][1:], 16) if m[1][0] in "xX" else int(m[1])
        # A reference to no character (`&#0;`, a surrogate, past U+10FFFF) reads as U+FFFD.
        nothing = code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF
        if code == ord(char) or (nothing and char == "\ufffd"):
            return body.count("\n", 0, m.start())
    return 0


_CHARACTER_REFERENCE = re.compile(r"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


# The characters XML 1.0 forbids below U+0020, and DEL, each one byte in UTF-8 and never
# part of another character: a quick test for them on a post's HTML, before the slower
# pattern. Each of the others (uncarried.XML_ILLEGAL) has one of the bytes 0xC2 (C1), 0xEF
# (U+FDD0 to U+FFFF) or 0xBF (the other planes' last two), each found by a memchr (`in`
# for two bytes takes 10 µs of a 12 KB post).
_C0_FORBIDDEN = bytes([*(c for c in range(32) if chr(c) not in "\t\n\r"), 0x7F])


def load_renderers(cfg: Config | None = None) -> None:
    """Import what rendering and writing feeds takes, ahead of use (while a child parses):
    the Markdown renderer, Jekyll's and Hugo's templates, feedgen with its RSS extension, the
    writing of files; the TeX converter and lxml.html when formulas become MathML, and
    Liquid for a Jekyll site (python-liquid takes about 0.1 s to import). None of it is
    needed to read posts, so a cold build does not import it before the child starts."""
    from feedkit import atomicfile
    from feedkit.posts import expand, markup, plaintext, texmath
    from feedkit.site import feedgenlib, feeds

    markup.markdown()
    # After feedgen.feed: feedgen's extensions take lxml.etree as feedgen.feed imported it.
    from feedgen.ext import dc

    del feedgenlib, feeds, expand, plaintext, atomicfile, dc
    if cfg is not None and cfg.feed.math == "mathml":
        texmath.load()
        # entrycontent.xhtml: Atom carries a post with math as XHTML. (`import lxml.html` then
        # `del lxml.html` would take the attribute off the package, and fail the next time.)
        from lxml import html as lxml_html

        del lxml_html
    if cfg is not None and unlisted_site_kind(cfg).jekyll:
        from feedkit.posts import liquid

        del liquid


def _as_sent(part: list[Any]) -> list[Any]:
    """A part of the child's renders, as it arrives (see `render_posts`)."""
    return part


def _size(post: Post) -> int:
    """Return the size of a post's file (0 when it cannot be read: reading it says why)."""
    try:
        return os.stat(post.source).st_size
    except OSError:
        return 0


def render_posts(
    posts: Mapping[str, Post],
    cfg: Config,
    cache: BuildCache | None = None,
    templates: Templates | None = None,
    progress: Progress | None = None,
    anchors: Mapping[str, str] | None = None,
    statuses: Mapping[str, StatKey] | None = None,
) -> dict[str, Rendered]:
    """Return every post rendered: from the cache when its file is unchanged and what its
    templates read is as it was; the rest split with a forked child when there are enough
    of them to be worth it (`progress` is told how many are done).

    `anchors`: what `anchor_names` gives of every post of the site; without them, `posts`
    are every post of the site. `statuses`: each post file's status as this build's walk
    found it; a file at the status the cache kept its digest at is not read to key its
    render (only this build's own walk vouches for a status: the preview gives none)."""
    from feedkit.posts.expand import Templates

    if templates is None:
        templates = Templates(cfg, posts, posts.__getitem__)
    if anchors is None:
        anchors = anchor_names(posts.values())
    # Each post's anchors begin with its name among the site's posts: when another post
    # takes or gives up its slug, that name changes, and so does the key of its render.
    anchor = {shown: anchor_of(post, anchors) for shown, post in posts.items()}
    # A Jekyll site's posts are read as its _config.yml's converter reads them (its kind,
    # feedkit/posts/sitekind.py, as the layout decided it).
    jekyll = templates.jekyll
    chars, math, feeds = cfg.feed.summary_chars, cfg.feed.math, (cfg.feed.rss, cfg.feed.atom)
    done: dict[str, tuple[Any, ...]] = {}
    # What to render: the file's bytes and the key its render is kept by, or (None, "")
    # for a post read and keyed where it is rendered.
    todo: list[tuple[str, Post, bytes | None, str]] = []
    # With nothing kept (a cold build, --no-cache), no render can be found: each post is
    # read and keyed by the process that renders it, not all of them here first (20 ms of
    # this process alone, at a cold build with tag feeds of 1,000 posts).
    look_up = cache is not None and cache.has_renders()
    for shown, post in posts.items():
        if not look_up:
            todo.append((shown, post, None, ""))
            continue
        assert cache is not None
        raw: bytes | None = None
        status = statuses.get(shown) if statuses else None
        digest = cache.kept_digest(shown, status) if status is not None else None
        if digest is None:
            raw = read_raw(post)
            digest = cache.file_digest(raw)
            if status is not None:
                cache.remember_digest(shown, status, digest)
        key = cache.render_key(digest, post, chars, math, jekyll, anchor[shown])
        stored = cache.render(key)
        if stored is not None and len(stored) == 4 and templates.current(stored[3]):
            done[shown] = stored
        else:
            todo.append((shown, post, raw, key))

    def render_part(part: list[tuple[str, Post, bytes | None, str]]) -> list[Any]:
        out = []
        for shown, post, raw, key in part:
            if raw is None:
                raw = read_raw(post)
                if cache is not None and not key:
                    digest = cache.file_digest(raw)
                    key = cache.render_key(digest, post, chars, math, jekyll, anchor[shown])
            rendered = _render(post, raw, chars, math, jekyll, templates, anchor[shown], *feeds)
            out.append((rendered, key))
        return out

    # Their files were read as far as their front matter: the disk reads the rest at once.
    prefetch(post.source for _, post, raw, _ in todo if raw is None)
    sizes = []  # of the files, when there are enough posts that they may be worth a fork
    if len(todo) >= 4 and parallel.cores() >= 2:
        sizes = [len(raw) if raw is not None else _size(post) for _, post, raw, _ in todo]
    if sum(sizes) >= PARALLEL_FROM:
        # Shared with a forked child, longest first: one long post takes as long to render
        # as a dozen short ones, and whoever is free takes the next.
        order = sorted(range(len(todo)), key=lambda i: -sizes[i])
        size = -(-len(order) // parallel.MAX_PARTS)
        groups = [order[start : start + size] for start in range(0, len(order), size)]

        def rendered(parts: int) -> None:
            if progress is not None:
                progress(RENDERING, sum(len(group) for group in groups[:parts]), len(todo))

        # The child sends each part's renders as it has them (`received`): at the end, this
        # process waits for the last part's bytes, not for all of the child's at once.
        parts = parallel.shared(
            len(groups),
            lambda g: render_part([todo[i] for i in groups[g]]),
            on_done=rendered,
            received=_as_sent,
        )
        by_index = {
            i: value
            for group, part in zip(groups, parts, strict=True)
            for i, value in zip(group, part, strict=True)
        }
        values = [by_index[i] for i in range(len(todo))]
    else:
        values = render_part(todo)
        if progress is not None and todo:
            progress(RENDERING, len(todo), len(todo))
    for (shown, _, _, _), (value, key) in zip(todo, values, strict=True):
        done[shown] = value
        if cache is not None:
            cache.remember_render(key, value)
    out: dict[str, Rendered] = {}
    for shown, post in posts.items():
        html, summary, found, reads = done[shown]
        reads_posts = any(kind in ("post_url", "link", "ref") for kind, _, _ in reads)
        out[shown] = (RenderedPost(post, html, summary), tuple(found), reads_posts)
    return out
