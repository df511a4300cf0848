"""One digest run: finish unfinished digests, freeze a new one, deliver, record each result."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from feedkit.config import Config
from feedkit.errors import ConfigError, FeedkitError, Problem
from feedkit.i18n import language
from feedkit.mail.batch import DigestOutcome, deliver
from feedkit.mail.digest import DigestRenderer, TemplateError
from feedkit.mail.digestmessage import check_sendable
from feedkit.mail.identity import list_id, message_id_of_test_copy
from feedkit.mail.readers import Reader, Readers
from feedkit.mail.roster import list_status, reader_statuses
from feedkit.mail.snapshot import (
    SENT_BEFORE,
    full_post_warnings,
    make_record,
    plan_run,
    send_latest_unused,
    template_sample,
)
from feedkit.mail.state import DigestRecord, PostSnapshot, Recipient, State
from feedkit.mail.subscribers import AddressError, Subscriber, mail_address
from feedkit.mail.tokens import site_secret
from feedkit.models import Post
from feedkit.posts.loader import Progress
from feedkit.site.postlist import PostList

if TYPE_CHECKING:  # imported by the runs that send: a dry run needs no SMTP
    from feedkit.mail.delivery import DeliveryError, Sender
    from feedkit.mail.smtp import SmtpSettings

log = logging.getLogger("feedkit.mail.digest")
RECENT = 10  # digests `--status` shows, and whose failed readers `--retry-failed` puts back
SHOWN = 10  # readers `--status` lists of each result, so 10,000 readers stay readable


@dataclass
class RunReport:
    baseline: int | None = None  # set on the first run: posts recorded as already sent
    sent_before: int = 0  # posts sent before under another ID, recorded as sent
    digests: list[DigestOutcome] = field(default_factory=list)
    stopped: bool = False  # asked to stop before every reader was served
    halted: DeliveryError | None = None  # why the batch stopped for everyone, if it did
    # What the new digest carries that some readers will not see (its SVG images in full).
    warnings: list[Problem] = field(default_factory=list)

    def total(self, *statuses: str) -> int:
        """Return how many readers of this run's digests ended in one of `statuses`."""
        return sum(d.counts.get(s, 0) for d in self.digests for s in statuses)

    @property
    def summary(self) -> str:
        if self.baseline is not None and not self.digests:
            return (
                f"First run: recorded {self.baseline} published post(s) as already sent, so "
                "nobody gets the archive; new posts go out in the next digest."
            )
        lines = [SENT_BEFORE % (self.sent_before, "recorded")] if self.sent_before else []
        if not self.digests:
            return "\n".join([*lines, "No new posts since the last digest; nothing sent."])
        for d in self.digests:
            counts = ", ".join(f"{n} {status}" for status, n in sorted(d.counts.items()))
            verb = "stopped" if d.halted else "resumed" if d.resumed else "sent"
            line = f"Digest {d.id} ({d.posts} post(s)) {verb}: {counts or 'no recipients'}"
            if d.overflow:
                line += f"; {d.overflow} post(s) as title links to stay under the size limit"
            lines.append(line)
        return "\n".join(lines)


def _record_known_titles(state: State, posts: PostList, now: datetime) -> None:
    """Record the titles and dates of the baseline's posts that a state from before
    schema 6 holds without, each read in full."""
    untitled = state.untitled_ids()
    wanted = [i for i, post_id in enumerate(posts.ids) if post_id in untitled]
    posts.read(wanted)
    titled = [(posts[i].title, posts[i].published) for i in wanted]
    state.record_known_titles([posts.ids[i] for i in wanted], titled, now)


def run_digest(
    cfg: Config,
    state: State,
    public: Sequence[Post],
    subscribers: Sequence[Subscriber],
    open_sender: Callable[[str], Sender],
    now: datetime,
    *,
    send_latest: int = 0,
    slot: str | None = None,
    renderer: DigestRenderer | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    resume_only: bool = False,
    progress: Progress | None = None,
) -> RunReport:
    """Run one digest: record the archive on the first run, finish unfinished digests,
    then freeze and send a digest of the posts nobody has had yet.

    Raises ConfigError before anything is stored if a message could not be made. If
    delivery cannot work for anyone, the batch stops and `halted` says why; the readers
    not reached stay in line for the next run. `progress` is told how many readers of how
    many each digest has been handed to the mail server for.
    """
    from feedkit.mail.delivery import DeliveryError

    renderer = renderer or DigestRenderer(cfg)
    widest = _widest_reader(cfg, state)
    problems = check_sendable(cfg, renderer.links.environ, subscribers, widest)
    if problems:
        raise ConfigError(problems)
    report = RunReport()
    plan = plan_run(state, public, send_latest=send_latest)
    report.warnings += send_latest_unused(plan, send_latest)
    if plan.first_run:
        # A broken template of the site's is said now, as the list starts, not at the first
        # digest (days later, from a scheduled run): before anything is recorded.
        if broken := template_problems(cfg, public, now, renderer):
            raise TemplateError.first_run(broken, "nothing was recorded")
        # Each post read in full for its title (at 20,000 posts, about a second more, once):
        # a post of the archive renamed later is known by its title and date.
        archive = plan.baseline
        archive.read(range(len(archive)))
        titled = [(post.title, post.published) for post in archive]
        state.record_baseline(archive.ids, now, archive.paths, titled)
        report.baseline = len(archive)
        log.info("first run: %d post(s) recorded as already sent", len(archive))
    else:
        if not state.files_recorded():  # a state from before files were recorded: once
            posts = PostList.of(public)
            state.record_known_files(posts.ids, posts.paths, now)
        if not state.titles_recorded():  # nor titles: once, for the posts still there
            _record_known_titles(state, PostList.of(public), now)
    if plan.sent_before:
        # Their files and titles too: a renamed one is known by them from now on.
        state.record_sent(
            [post.id for post in plan.sent_before],
            now,
            [post.rel_path for post in plan.sent_before],
            [(post.title, post.published) for post in plan.sent_before],
        )
        report.sent_before = len(plan.sent_before)
        log.info("%d post(s) sent before under another ID", len(plan.sent_before))

    try:
        for record, waiting in plan.resume:
            outcome = DigestOutcome(record.id, len(record.posts), resumed=True)
            report.digests.append(outcome)
            deliver(
                renderer, state, record, waiting, open_sender, now, outcome, should_stop, progress
            )

        if plan.new and not resume_only and not should_stop():
            record = make_record(plan.new, cfg, now, slot, among=public)
            # A template that fails, fails before the digest is frozen: frozen, it would go
            # out after the fix beside a digest of the posts written meanwhile.
            rendered = renderer.render(record)
            report.warnings += full_post_warnings(record.posts[: rendered.cards], plan.new)
            state.create_digest(
                record,
                [Recipient(s.key, s.name) for s in subscribers],
                [post.rel_path for post in plan.new],
            )
            outcome = DigestOutcome(record.id, len(record.posts), resumed=False)
            report.digests.append(outcome)
            waiting = state.recipients(record.id, waiting_only=True)
            deliver(
                renderer,
                state,
                record,
                waiting,
                open_sender,
                now,
                outcome,
                should_stop,
                progress,
                rendered=rendered,
            )
    except DeliveryError as exc:  # nobody else could be reached either: stop here
        report.halted = exc
        if report.digests:
            report.digests[-1].halted = True
    report.stopped = should_stop()
    return report


def sender_factory(
    cfg: Config,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Callable[[str], Sender]:
    """Return a function that opens the configured delivery for one digest."""
    from feedkit.mail.outbox import OutboxSender
    from feedkit.mail.smtp import SmtpSender
    from feedkit.mail.verp import verp_address

    if cfg.digest.delivery == "outbox":
        outbox = cfg.path(cfg.digest.outbox)
        return lambda digest_id: OutboxSender(outbox / digest_id)
    env = os.environ if environ is None else environ
    settings, problems = _smtp_settings(cfg, env)
    if problems:
        raise ConfigError(problems)
    envelope = None
    if cfg.digest.bounce_address:  # VERP: a bounce names its reader
        envelope = partial(verp_address, cfg.digest.bounce_address, site_secret(cfg, env))
    return lambda digest_id: SmtpSender(settings, sleep=sleep, envelope=envelope)


def _smtp_settings(
    cfg: Config, environ: Mapping[str, str]
) -> tuple[SmtpSettings, list[tuple[str, str]]]:
    """Return the SMTP settings with the password from the environment, and their problems."""
    from feedkit.mail.smtp import SmtpSettings

    smtp = cfg.smtp
    password = environ.get(smtp.password_env) or None
    settings = SmtpSettings(
        host=smtp.host or "",
        port=smtp.port,
        security=smtp.security,
        username=smtp.username,
        password=password,
        timeout=smtp.timeout,
        attempts=smtp.attempts,
        backoff=smtp.backoff,
    )
    problems = settings.problems()
    if smtp.username and password is None:  # said better than settings.problems() can
        problems = [(k, m) for k, m in problems if k != "smtp.username"]
        problems.append(
            (
                "smtp.password_env",
                f"the environment variable {smtp.password_env} is not set; it must hold "
                "the password for smtp.username",
            )
        )
    return settings, problems


def send_problems(
    cfg: Config,
    environ: Mapping[str, str] | None = None,
    subscribers: Sequence[Subscriber] = (),
) -> list[tuple[str, str]]:
    """Return every `(key, message)` that would stop a digest from going out to
    `subscribers`; empty if none."""
    env = os.environ if environ is None else environ
    problems = check_sendable(cfg, env, subscribers, _widest_reader(cfg))
    if cfg.digest.delivery == "smtp":
        problems.extend(_smtp_settings(cfg, env)[1])
    return problems


def template_problems(
    cfg: Config, posts: Sequence[Post], now: datetime, renderer: DigestRenderer | None = None
) -> list[str]:
    """Return what stops the site's own email templates (digest.templates) from rendering a
    digest of its newest posts at `now` (with `renderer`, else one with sample links), each
    naming its template; none when the site has no templates of its own (feedkit's are
    tested)."""
    record = template_sample(cfg, posts, now)
    if record is None:
        return []
    return (renderer or DigestRenderer(cfg, sample_links=True)).template_problems(record)


def _widest_reader(cfg: Config, state: State | None = None) -> Reader | None:
    """Return the reader whose `feedkit serve` link is the longest, from `state` or else
    the state file as it is; None when the links are not feedkit serve's, or there is no
    list yet."""
    if not cfg.serve.url or cfg.digest.unsubscribe_url:
        return None
    if state is not None:
        return Readers(state).widest()
    readonly = State.open_readonly(cfg.path(cfg.digest.state))
    if readonly is None:
        return None
    try:
        return Readers(readonly).widest()
    finally:
        readonly.close()


def put_failed_back(state: State, now: datetime, limit: int = RECENT) -> str:
    """Put the failed readers of the digests `status_report` lists back in line; say so."""
    counts = [state.put_back(record.id, None, now) for record, _ in state.recent_digests(limit)]
    readers = sum(counts)
    if not readers:
        return "No failed readers to put back."
    digests = sum(1 for n in counts if n)
    return f"Put {readers} failed reader(s) of {digests} digest(s) back in line."


def next_record(
    cfg: Config,
    state: State | None,
    public: Sequence[Post],
    now: datetime,
    *,
    sample: int = 3,
    kept: dict[tuple[str, str], PostSnapshot] | None = None,
) -> tuple[DigestRecord, str]:
    """Return the digest readers would get next (never stored), and how it was chosen (in
    the site's language: the preview shows it beside the digest); `kept`: as `make_record`
    takes it."""
    words = language(cfg.language)
    if state is not None:
        for record in state.unfinished_digests():
            return record, words.gettext("unfinished digest %(id)s") % {"id": record.id}
    plan = plan_run(state, public)
    if plan.new:
        count = len(plan.new)
        said = words.ngettext("%(count)s new post", "%(count)s new posts", count)
        return make_record(plan.new, cfg, now, among=public, kept=kept), said % {"count": count}
    if not public:
        raise FeedkitError("there are no published posts to put in a digest")
    count = min(sample, len(public))
    said = words.ngettext(
        "no new posts, so a sample: the newest post",
        "no new posts, so a sample of the newest %(count)s",
        count,
    )
    record = make_record(public[:sample], cfg, now, among=public, kept=kept)
    return record, said % {"count": count}


def send_test_copy(
    cfg: Config, state: State | None, public: Sequence[Post], address: str, now: datetime
) -> str:
    """Send one copy of the next digest to `address`; change no state."""
    try:
        address = mail_address(address)  # as a subscriber's would be sent to
    except AddressError as exc:
        raise FeedkitError(f"--to: {address!r} is not an email address: {exc}") from exc
    record, why = next_record(cfg, state, public, now)
    # Links of no reader (the address may be on no list), and none to a web copy that this
    # digest never gets: the one sent is made again then, with an ID of its own.
    renderer = DigestRenderer(cfg, sample_links=True, web_link=False)
    rendered = renderer.render(record)
    # The subject goes through the message's own header folding, as every reader's does.
    rendered = dataclasses.replace(rendered, subject=f"[test] {rendered.subject}")
    msgid = message_id_of_test_copy(record.id, list_id(cfg))
    message = renderer.message(rendered, record, Subscriber(address, ""), msgid=msgid)
    sender = sender_factory(cfg)(f"test-{record.id}")
    try:
        result = sender.send(message, address)
    finally:
        sender.close()
    if result.status != "sent":
        raise FeedkitError(f"test copy to {address} {result.status}: {result.detail}")
    return f"Test copy of the next digest ({why}) sent to {address}: {result.detail}"


def status_report(state: State | None, limit: int = RECENT, shown: int = SHOWN) -> str:
    """Return the reader list's counts and who left it lately, recent digests with each
    reader not reached (up to `shown` of each result, with their list status), and the
    state's health."""
    if state is None:
        return "No digest has run yet."
    with state:
        digests = state.recent_digests(limit)
        if not digests:
            baseline = "recorded" if state.has_baseline() else "not recorded"
            return f"No digest sent yet (first-run archive {baseline})."
        since = min(record.created for record, _ in digests)
        lines = list_status(state, since, shown)
        on_list = reader_statuses(state)
        failed = 0
        for record, recipients in digests:
            counts: dict[str, int] = {}
            for r in recipients:
                counts[r.status] = counts.get(r.status, 0) + 1
            summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no recipients"
            slot = f" slot {record.slot}" if record.slot else ""
            lines.append(
                f"{record.id}  {record.created.isoformat()}{slot}  "
                f"{len(record.posts)} post(s)  {summary}"
            )
            for status in ("failed", "deferred", "pending", "dropped"):
                them = [r for r in recipients if r.status == status]
                for r in them[:shown]:
                    now_on, address = on_list.get(r.email, ("not on the list", r.email))
                    lines.append(
                        # Runs, where the detail may count an SMTP run's tries "(4 attempts)".
                        f"    {r.status:<8} {address}  {r.detail}; tried by {r.attempts} run(s)"
                        + ("" if now_on == "active" else f"; now {now_on}")
                    )
                if len(them) > shown:
                    lines.append(f"    … and {len(them) - shown} more {status}")
            failed += counts.get("failed", 0)
        if failed:
            lines.append(
                f"{failed} reader(s) failed; once the cause is fixed, feedkit digest "
                "--retry-failed puts them back in line"
            )
        health = "intact" if state.integrity_ok() else "DAMAGED (integrity check failed)"
        lines.append(f"State file {state.path}: {health}")
        return "\n".join(lines)
