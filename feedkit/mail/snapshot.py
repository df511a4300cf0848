"""Which posts are new, and what a digest shows of each: frozen when the digest is made, so a
digest resumed after a crash is the same digest."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape as html_escape
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from feedkit.config import Config
from feedkit.errors import Problem
from feedkit.mail.state import DigestRecord, PostSnapshot, Recipient, State
from feedkit.models import Post, headline
from feedkit.posts.anchors import anchor_of
from feedkit.posts.expand import Templates
from feedkit.posts.markup import render_html
from feedkit.posts.plaintext import is_reading_line, measure, summarize
from feedkit.posts.postbody import read_body
from feedkit.posts.reading import Reading
from feedkit.posts.sanitize import text_of
from feedkit.site.postlist import PostList, templates_of


@dataclass(frozen=True)
class Plan:
    """What a run would do, worked out without writing anything."""

    first_run: bool
    baseline: PostList  # the posts the first run records as already sent
    resume: list[tuple[DigestRecord, list[Recipient]]]
    new: list[Post]
    # Posts no digest covered by their IDs, whose files one did, that were published before
    # it, or that a digest mailed or the first run recorded, by their titles and dates:
    # their IDs changed. Recorded as sent, not sent again.
    sent_before: list[Post] = field(default_factory=list)


SENT_BEFORE = (
    "%d post(s) sent before under another ID %s as sent, not mailed again (their files, or "
    "their titles and dates, are those of posts sent; a renamed file, a new slug, permalink, "
    "base_url or [feed] ids gives a post a new ID)"
)


def plan_run(state: State | None, public: Sequence[Post], *, send_latest: int = 0) -> Plan:
    """Return what a digest run would do now; `state` None means no run happened yet."""
    posts = PostList.of(public)  # IDs for planning; only the posts a digest shows are read
    if state is None or not state.has_baseline():
        return Plan(True, posts[send_latest:], [], list(posts[:send_latest]))
    resume = [(d, state.recipients(d.id, waiting_only=True)) for d in state.unfinished_digests()]
    unknown = new_posts(posts, state.known_post_ids())
    covered = state.covered_files(post.rel_path for post in unknown) if unknown else {}
    # Known by its file: a new permalink, base_url or [feed] ids; by its title and date: a
    # renamed file (or a new slug). An untitled post is known by its file alone.
    by_file = {
        post.rel_path
        for post in unknown
        if (recorded := covered.get(post.rel_path)) and post.published <= recorded
    }
    maybe_new = [post for post in unknown if post.rel_path not in by_file and post.title]
    mailed = (
        state.mailed((post.title, post.published) for post in maybe_new) if maybe_new else set()
    )
    new: list[Post] = []
    sent_before: list[Post] = []
    for post in unknown:
        known = post.rel_path in by_file or (post.title, post.published) in mailed
        (sent_before if known else new).append(post)
    return Plan(False, posts[:0], resume, new, sent_before)


def send_latest_unused(plan: Plan, send_latest: int) -> list[Problem]:
    """Return a warning when `--send-latest` was given to a run that is not the site's
    first, which it is for (it was ignored, saying nothing)."""
    if not send_latest or plan.first_run:
        return []
    return [
        Problem(
            "--send-latest",
            0,
            "the site's first digest run was made already: the option chooses what that run "
            "sends, and this run sends the posts nobody has had yet, as any other",
            warning=True,
        )
    ]


def new_posts(public: Sequence[Post], known_ids: set[str]) -> list[Post]:
    """Return the public posts no digest or baseline has covered yet, newest first; only
    those are read in full when `public` is a PostList."""
    posts = PostList.of(public)
    return [posts[i] for i, post_id in enumerate(posts.ids) if post_id not in known_ids]


def snapshot(
    post: Post, cfg: Config, templates: Templates | None = None, *, anchor: str
) -> PostSnapshot:
    """Return what a digest shows of `post`: frozen, so a resumed digest is the same digest.
    Its footnotes' anchors begin with `anchor` (see feedkit/posts/anchors.py)."""
    if templates is None:
        templates = Templates.of_posts(cfg, [post])
    body = templates.expand(post, read_body(post)).text
    # In full, unless the post keeps its text off the feeds (`feed: {excerpt_only: true}`):
    # then off the mail too, which shows its summary and a link.
    full = post.shows_text(cfg.digest.content == "full")
    reading = templates.reading(templates.jekyll, post.hugo)
    summary = summarize(body, post.summary, cfg.digest.summary_chars, reading)
    html = email_html(body, post, reading, anchor, cfg) if full else ""
    full_bytes = 0
    if len(html) > cfg.digest.max_bytes or len(html.encode()) > cfg.digest.max_bytes:
        # No digest can carry it in full: its card is its summary and a link (as the title
        # link it was, it took every older post of the digest with it to title links).
        full_bytes, html, full = len(html.encode()), "", False
    image = post.image
    if full:
        from feedkit.mail.plainpart import plain_part  # markdownify, for a post in full

        if image and _shows(html, image):  # the card's picture is the post's own: once
            image = ""
    return PostSnapshot(
        id=post.id,
        # An untitled post's (a Pelican article's empty `Title:`): its text's first words.
        title=post.title or headline(summary, post.slug),
        url=post.url,
        published=post.published.isoformat(),
        reading_minutes=measure(body)[1],
        authors=tuple(a.name for a in post.authors),
        summary=summary,
        image=image,
        image_alt=post.image_alt or "",
        updated=post.updated.isoformat() if post.updated > post.published else "",
        html=html,
        text=plain_part(html) if full else "",  # the HTML's text (feedkit.mail.plainpart)
        image_height=card_image_height(post, cfg) if image else 0,
        language=post.other_language(cfg.language) or "",
        full_bytes=full_bytes,
    )


CARD_WIDTH = 552  # px: the width a card shows its image at (digest.html.j2)


def card_image_height(post: Post, cfg: Config) -> int:
    """Return the height a card shows the post's image at, when the image is a file of the
    site's (beside the post, or under the site's folder or Hugo's static/); 0 otherwise.
    Outlook sizes an image by its attributes alone."""
    if not post.image or not shows_image(post.image):
        return 0
    size = site_image_size(post.image, post, cfg)
    return round(CARD_WIDTH * size[1] / size[0]) if size else 0


def site_image_size(url: str, post: Post, cfg: Config) -> tuple[int, int] | None:
    """Return (width, height) of the image at `url` when it is a file of the site's: a page
    bundle's beside the post, else under the site's folder, Hugo's static/ or the content
    folder; None when it is none of those (or no image that imagesize reads)."""
    root = cfg.root.resolve()
    places: list[Path] = []
    if url.startswith(post.url):  # a page bundle's: beside index.md
        places.append(Path(post.source).parent / unquote(urlsplit(url[len(post.url) :]).path))
    if url.startswith(cfg.base_url):
        rest = unquote(urlsplit(url[len(cfg.base_url) :]).path)
        places += [root / rest, root / "static" / rest, cfg.content_path / rest]
    for place in places:
        try:
            path = place.resolve()
            if not path.is_relative_to(root) or not path.is_file():
                continue
        except OSError:
            continue
        import imagesize  # reads the size from the file's header

        width, height = imagesize.get(path)
        if width > 0 and height > 0:
            # An SVG's size comes as floats (its attributes in CSS pixels, `width="360"` as
            # 360.0): HTML's width and height take whole numbers.
            return max(1, round(width)), max(1, round(height))
    return None


def email_html(body: str, post: Post, reading: Reading, anchor: str, cfg: Config) -> str:
    """Return a post's body as the digest shows it in full: the feeds' safe HTML (read as
    `reading` says, its footnotes' anchors begun with `anchor`), with each formula as
    readable text (no mail program shows MathML), and each image of the site's own sized
    for the card (`sized_images`); without the post's own reading-time line under its
    title, as the card says the reading time itself (two, of two numbers, stood there);
    nested no deeper than a mail carries (`mail/nesting.py`)."""
    from feedkit.mail.nesting import flattened
    from feedkit.posts.mathtext import mathml_as_text

    html = render_html(body, post.url, anchor, "mathml", reading)
    first = _FIRST_PARAGRAPH.match(html)
    if first and is_reading_line(text_of(first[1])):
        html = html[first.end() :]
    html = mathml_as_text(_notes_in_place(html, post.url, anchor))
    return sized_images(flattened(html), post, cfg)


def _notes_in_place(html: str, url: str, anchor: str) -> str:
    """Return a post's HTML with its links to its footnotes, and theirs back, kept in the
    message: the feeds make each a link to the post's page, where the site's generator
    names its notes otherwise (kramdown's `fn:1`); in the mail and its web copy the note is
    right there, its ID one of a kind in the digest (it begins with the post's `anchor`).
    A link to a heading stays the page's: two posts may have a heading of one name."""
    prefix = f'href="{html_escape(url)}#'
    if prefix not in html:
        return html
    ids = {i for i in _ID.findall(html) if i.startswith((f"fn-{anchor}-", f"fnref-{anchor}-"))}

    def local(m: re.Match[str]) -> str:
        return f'href="#{m[1]}"' if m[1] in ids else m[0]

    return re.sub(re.escape(prefix) + r'([^"]*)"', local, html)


_ID = re.compile(r'\bid="([^"]*)"')


_FIRST_PARAGRAPH = re.compile(r"\s*<p>(.*?)</p>\s*", re.DOTALL)


def _shows(html: str, url: str) -> bool:
    """Return True if a post's HTML shows the image at `url`."""
    return f' src="{html_escape(url)}"' in html or f' src="{url}"' in html


# An image tag as the sanitiser writes it, and its address.
_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')


def sized_images(html: str, post: Post, cfg: Config) -> str:
    """Return a post's email HTML with each image that is a file of the site's given its
    width and height, at most the card's width: Outlook for Windows sizes an image by its
    attributes alone (no `max-width`), and showed a 2,000-pixel picture at 2,000 pixels,
    past the edge of the mail. An image from elsewhere is left as it is (its size unknown
    without fetching it)."""
    if "<img" not in html:
        return html

    def sized(m: re.Match[str]) -> str:
        tag = m[0]
        src = _SRC.search(tag)
        if src is None or " width=" in tag or " height=" in tag:
            return tag
        size = site_image_size(html_unescape(src[1]), post, cfg)
        if size is None:
            return tag
        width, height = size
        if width > CARD_WIDTH:
            width, height = CARD_WIDTH, max(1, round(CARD_WIDTH * height / width))
        return f'{tag[:4]} width="{width}" height="{height}"{tag[4:]}'

    return _IMG.sub(sized, html)


def shows_image(url: str | None) -> bool:
    """Return True if a card can show the image at `url`: Gmail and Outlook show no SVG."""
    return bool(url) and not urlsplit(url or "").path.lower().endswith((".svg", ".svgz"))


def card_image_warnings(posts: Sequence[Post], now: datetime) -> list[Problem]:
    """Return a warning for each public post whose image a digest card must leave out."""
    return [
        Problem(
            post.rel_path,
            0,
            "image: SVG, which Gmail and Outlook do not show: digest cards leave it out; "
            "give a PNG or JPEG as the post's image for email readers",
            warning=True,
        )
        for post in posts
        if post.image and not shows_image(post.image) and post.is_public(now)
    ]


def full_post_warnings(shown: Sequence[PostSnapshot], posts: Sequence[Post]) -> list[Problem]:
    """Return a warning for each post a digest `shown` in full cannot carry as it is (each
    post by its file, found among `posts`): too big to mail in full on its own (its card is
    its summary), or an SVG image in its text: Apple Mail shows one, Gmail and Outlook a
    broken image in its place. (A card's own image that is one is left out: `shows_image`.)"""
    found: list[tuple[PostSnapshot, str]] = []
    for snapshot in shown:
        if snapshot.full_bytes:
            found.append(
                (
                    snapshot,
                    f"its text is {snapshot.full_bytes:,} bytes of HTML, more than "
                    "digest.max_bytes lets a digest carry: the digest shows its summary and "
                    "a link to it",
                )
            )
        if "<img" not in snapshot.html:
            continue
        for tag in _IMG.findall(snapshot.html):
            src = _SRC.search(tag)
            url = html_unescape(src[1]) if src is not None else ""
            if url and not shows_image(url):
                found.append(
                    (
                        snapshot,
                        f"image {url}: SVG, which Gmail and Outlook do not show: the digest "
                        "carries this post in full, and readers there see a broken image in "
                        "its place; give a PNG or JPEG for email readers",
                    )
                )
    if not found:
        return []
    # Each post's file by its ID: a list of the index's knows both without reading a post.
    listed = posts if isinstance(posts, PostList) else None
    files = (
        dict(zip(listed.ids, listed.paths, strict=True))
        if listed is not None
        else {post.id: post.rel_path for post in posts}
    )
    return [
        Problem(files.get(snapshot.id, snapshot.url), 0, message, warning=True)
        for snapshot, message in found
    ]


def digest_id(posts: Sequence[PostSnapshot], created: datetime) -> str:
    """Return a digest ID: its date, and a hash of its posts so two digests never clash."""
    digest = hashlib.sha256("\n".join(p.id for p in posts).encode()).hexdigest()[:8]
    return f"{created:%Y%m%d-%H%M%S}-{digest}"


def template_sample(cfg: Config, posts: Sequence[Post], now: datetime) -> DigestRecord | None:
    """Return a digest of the three newest of `posts` public at `now`, to try the site's own
    email templates (digest.templates) with; None when the site has none (feedkit's are
    tested), or has no post yet: no digest is made of none, and a template may rightly
    read `posts[0]`."""
    from feedkit.mail.digest import site_templates

    if site_templates(cfg) is None:
        return None
    public = sorted((p for p in posts if p.is_public(now)), key=lambda p: p.published, reverse=True)
    return make_record(public[:3], cfg, now, among=public) if public else None


def make_record(
    posts: Sequence[Post],
    cfg: Config,
    created: datetime,
    slot: str | None = None,
    *,
    among: Sequence[Post] = (),
    kept: dict[tuple[str, str], PostSnapshot] | None = None,
) -> DigestRecord:
    """Return the digest of `posts`; their templates may link to any post in `among` (read
    in full only if a template names it). Their footnotes' anchors are named among every post
    of the site, as `among` (else `posts`) knows them: see `PostList.anchors`. `kept`: the
    snapshots made before of these posts as read, among these posts, by path and anchor (the
    preview keeps them until a file changes or a post comes out): only those missing are
    made, and put there."""
    anchors = PostList.of(among or posts).anchors
    templates: Templates | None = None
    snaps: list[PostSnapshot] = []
    for post in posts:
        anchor = anchor_of(post, anchors)
        snap = kept.get((post.rel_path, anchor)) if kept is not None else None
        if snap is None:
            templates = templates or templates_of(cfg, among, posts)
            snap = snapshot(post, cfg, templates, anchor=anchor)
            if kept is not None:
                kept[post.rel_path, anchor] = snap
        snaps.append(snap)
    return DigestRecord(digest_id(snaps, created), created, slot, tuple(snaps))
