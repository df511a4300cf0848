"""`feedkit digest --dry-run`: what a digest run would do now, changing nothing, in two
halves that can run at once. Planning it (`plan_dry_run`: which posts are new, their
snapshots, the readers) needs the posts read; rendering it (`dry_run_report`) needs Jinja2,
the compiled templates and, for a digest not seen before, premailer, which the renderer can
load before the posts are known (DigestRenderer.warm_up). At 20,000 posts each half takes
about a fifth of a second; when both take long (`render_beside_reading`), the command runs
the first in a forked child (feedkit/parallel.py). Nothing here imports Jinja2 or
premailer until the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from feedkit.config import Config
from feedkit.errors import Problem
from feedkit.mail.readers import Reader, Readers
from feedkit.mail.snapshot import (
    SENT_BEFORE,
    full_post_warnings,
    make_record,
    plan_run,
    send_latest_unused,
    template_sample,
)
from feedkit.mail.state import DigestRecord, State
from feedkit.mail.subscribers import Subscriber
from feedkit.models import Post, listed_title
from feedkit.site.keptpublic import PUBLIC_FILE
from feedkit.site.postindex import READ_FOLDER

if TYPE_CHECKING:
    from feedkit.mail.digest import DigestRenderer
    from feedkit.mail.rendercache import RenderCache

# From a kept list of posts this long (about 170 bytes a post: some 3,000 posts) bringing
# it up to date takes long enough to hide loading premailer behind; below it, a second
# process costs more than it saves (forking it, and inlining a digest of no posts).
SPLIT_FROM = 500_000
SHOWN = 10  # posts sent before under another ID that a dry run lists by name


@dataclass(frozen=True)
class DryRunPlan:
    """What a digest run would do now, before rendering: plain values, sent back whole
    from the process that read the posts."""

    lines: tuple[str, ...]  # what it would do before a new digest: record, resume
    record: DigestRecord | None  # the new digest, if there are new posts
    subscribers: int  # how many readers the new digest would go to
    reader: Subscriber | None  # whose copy's size is shown; None: a made-up reader's
    row: Reader | None = None  # their row on the list, for a link of feedkit serve
    # Each post of the new digest (by ID) with what its images in full are warned of.
    images: tuple[tuple[str, tuple[Problem, ...]], ...] = ()
    # On a first run that sends nothing: the digest its trial of the site's templates makes.
    sample: DigestRecord | None = None


def render_beside_reading(cfg: Config, render_cache: RenderCache) -> bool:
    """Return True if loading the renderer beside reading the posts pays: premailer is
    likely needed (no render was kept since the list of posts readers may see was), and the
    posts take long to read (a long list, or none kept: every post is read)."""
    posts_kept = cfg.cache_path / "cache" / READ_FOLDER / PUBLIC_FILE
    if render_cache.kept_since(posts_kept):
        return False
    try:
        return posts_kept.stat().st_size >= SPLIT_FROM
    except OSError:
        return True


def plan_dry_run(
    cfg: Config,
    state: State | None,
    public: Sequence[Post],
    subscribers: Sequence[Subscriber],
    now: datetime,
    send_latest: int = 0,
) -> DryRunPlan:
    """Return what a digest run would do now, reading in full only the posts it shows."""
    plan = plan_run(state, public, send_latest=send_latest)
    lines = [str(problem) for problem in send_latest_unused(plan, send_latest)]
    if plan.first_run:
        recorded = f"First run: would record {len(plan.baseline)} published post(s) as already sent"
        if plan.new:  # --send-latest
            lines.append(f"{recorded}, and send the newest {len(plan.new)}.")
        else:
            lines.append(f"{recorded}, so nobody gets the archive.")
    if plan.sent_before:
        lines.append(SENT_BEFORE % (len(plan.sent_before), "would be recorded") + ":")
        lines.extend(f"  - {listed_title(p)} <{p.url}>" for p in plan.sent_before[:SHOWN])
        if len(plan.sent_before) > SHOWN:
            lines.append(f"  and {len(plan.sent_before) - SHOWN} more")
    current = {s.key for s in subscribers}
    for unfinished, waiting in plan.resume:
        readers = [r.email for r in waiting if r.email in current]
        lines.append(
            f"Would resume digest {unfinished.id} ({len(unfinished.posts)} post(s)) for "
            f"{len(readers)} reader(s) not yet served."
        )
    if not (plan.new or plan.resume or plan.first_run):
        lines.append("No new posts since the last digest; nothing would be sent.")
    record = make_record(plan.new, cfg, now, among=public) if plan.new else None
    # The reader with the longest unsubscribe link: what a send refuses, this refuses too.
    reader = max(subscribers, key=lambda s: len(quote(s.email, safe=""))) if subscribers else None
    row = None
    if cfg.serve.url and not cfg.digest.unsubscribe_url and state is not None:
        row = Readers(state).widest()  # a link of feedkit serve carries the reader's number
        reader = row.subscriber if row is not None else reader
    images = tuple(
        (post.id, tuple(full_post_warnings([post], plan.new)))  # each post's file among them
        for post in (record.posts if record is not None else ())
    )
    sample = template_sample(cfg, public, now) if plan.first_run and not plan.new else None
    return DryRunPlan(tuple(lines), record, len(subscribers), reader, row, images, sample)


def dry_run_report(cfg: Config, plan: DryRunPlan, renderer: DigestRenderer) -> str:
    """Return what a digest run would do now, as `plan` has it, rendering the new digest
    with `renderer` (sample links) to catch template errors (inlined HTML kept in its
    render cache, if it has one, for the send that follows)."""
    from feedkit.mail.digest import SAMPLE_READER, DigestRenderer, TemplateError
    from feedkit.mail.wire import html_sent_size

    if plan.sample is not None and (broken := renderer.template_problems(plan.sample)):
        raise TemplateError.first_run(broken, "it would record nothing")
    lines = list(plan.lines)
    if plan.record is not None:
        record = plan.record
        rendered = renderer.render(record)
        if cfg.digest.archive:
            # The web copy a send publishes: its template errors show now, and the send
            # finds its inlined HTML kept.
            DigestRenderer(cfg, web_copy=True, render_cache=renderer.render_cache).render(record)
        lines.append(
            f"Would send a new digest of {len(record.posts)} post(s) to "
            f"{plan.subscribers} subscriber(s)."
        )
        lines.append(f"Subject: {rendered.subject}")
        reader = plan.reader or SAMPLE_READER
        message = renderer.message(rendered, record, reader, plan.row)
        html_part = message.get_body(("html",))
        decoded = len(str(html_part.get_content()).encode()) if html_part else 0
        lines.append(
            f"HTML: {html_sent_size(message):,} bytes as sent to {reader.email} "
            f"(quoted-printable; {decoded:,} decoded; digest.max_bytes is "
            f"{cfg.digest.max_bytes:,}), {rendered.cards} full card(s), "
            f"{rendered.overflow} title link(s)"
        )
        lines.extend(f"  - {post.title} <{post.url}>" for post in record.posts)
        shown = {post.id for post in record.posts[: rendered.cards]}  # the others as links
        lines.extend(str(w) for post, warned in plan.images if post in shown for w in warned)
    return "\n".join(lines)
