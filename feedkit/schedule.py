"""`feedkit schedule`: digests and rebuilds on time, never twice, never missed.

APScheduler only wakes us up. Which scheduled time ("slot") is due, and whether it was
served, is worked out here from the cron expression and recorded in the state file: so a
daylight-saving change that makes APScheduler 3.x skip a run or fire twice, a restart, or a
second scheduler on the same state can neither skip a slot nor serve one twice.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from feedkit.config import Config, load_config
from feedkit.errors import ConfigError, FeedkitError
from feedkit.mail.archive import publish_archive
from feedkit.mail.digest import DigestRenderer
from feedkit.mail.rendercache import RenderCache
from feedkit.mail.roster import digest_readers
from feedkit.mail.senderlock import SenderLock
from feedkit.mail.sending import RunReport, run_digest, send_problems, sender_factory
from feedkit.mail.state import State
from feedkit.posts.loader import display_path
from feedkit.site import build
from feedkit.site.postindex import read_index, reader_cache

log = logging.getLogger("feedkit.schedule")
DIGEST_JOB = "digest"
# How often the watch job looks for a slot APScheduler skipped, and retries deferred readers.
WATCH_EVERY = timedelta(minutes=5)
RETRY_DEFERRED_EVERY = timedelta(minutes=15)


@dataclass(frozen=True, order=True)
class Slot:
    due: datetime  # the instant it is due (UTC)
    key: str  # wall-clock time and zone: "2026-03-29T02:30 Europe/Berlin"


@dataclass(frozen=True)
class SlotRun:
    """A digest slot that was run, and whether that served it."""

    slot: Slot
    served: bool
    why_not: str = ""  # when not served: what went wrong


class CronSlots:
    """The slots of a cron expression in a time zone, one per wall-clock match.

    Wall-clock times are enumerated by a trigger in UTC, which has no daylight saving, and
    placed in the real zone here: a time that does not exist (spring) is due an hour later,
    at the same instant as the time before the jump plus its distance; a time that happens
    twice (autumn) is due once, at its first occurrence.
    """

    def __init__(self, expr: str, tz: ZoneInfo) -> None:
        self.expr, self.tz = expr, tz
        self.zone_name = getattr(tz, "key", None) or str(tz)
        self._wall = CronTrigger.from_crontab(expr, timezone=UTC)

    def between(self, start: datetime, end: datetime) -> list[Slot]:
        """Return the slots due after `start` and up to `end`, oldest first."""
        wall = start.astimezone(self.tz).replace(tzinfo=UTC) - timedelta(days=1)
        wall_end = end.astimezone(self.tz).replace(tzinfo=UTC) + timedelta(days=1)
        found: dict[str, Slot] = {}
        fire = self._wall.get_next_fire_time(None, wall)
        while fire is not None and fire <= wall_end:
            due = fire.replace(tzinfo=self.tz).astimezone(UTC)
            if start < due <= end:
                key = f"{fire:%Y-%m-%dT%H:%M} {self.zone_name}"
                found.setdefault(key, Slot(due, key))
            fire = self._wall.get_next_fire_time(fire, fire + timedelta(seconds=1))
        return sorted(found.values())

    def next_after(self, now: datetime) -> Slot | None:
        for horizon in (timedelta(days=2), timedelta(days=32), timedelta(days=800)):
            slots = self.between(now, now + horizon)
            if slots:
                return slots[0]
        return None


RunSlot = Callable[[State, Slot, datetime, bool], RunReport | None]


class DigestKeeper:
    """Serves each digest slot at most once, and every slot that is due, within `catch_up`."""

    def __init__(
        self,
        slots: CronSlots,
        catch_up: timedelta,
        state_path: Path,
        run: RunSlot,
        *,
        lock_timeout: float = 60.0,
    ) -> None:
        self.slots, self.catch_up, self.state_path = slots, catch_up, state_path
        self.run = run
        self.lock_timeout = lock_timeout
        self._last_retry: datetime | None = None
        self._mutex = threading.Lock()
        # Slots this process knows are done: most wake-ups then need no lock and no database.
        self._done: set[str] = set()
        self._may_have_deferred = True  # until a look at the state says otherwise

    def start(self, now: datetime) -> SlotRun | None:
        """Record slots missed beyond `catch_up` while feedkit was down, then serve what is due."""
        with SenderLock(self.state_path) as lock:
            lock.acquire(self.lock_timeout)
            with State.open(self.state_path) as state:
                last = state.last_slot_due(DIGEST_JOB)
                if last is not None:
                    missed = self.slots.between(last, now - self.catch_up)
                    for slot in missed:
                        state.record_slot(
                            DIGEST_JOB,
                            slot.key,
                            slot.due,
                            "skipped",
                            f"not served within catch_up ({_span(self.catch_up)}): feedkit "
                            "was not running, or could not send",
                            now,
                        )
                    if missed:
                        log.warning(
                            "skipped %d digest slot(s) not served within catch_up (%s; "
                            "feedkit was not running, or could not send): %s",
                            len(missed),
                            _span(self.catch_up),
                            _listing([s.key for s in missed]),
                        )
        return self.tick(now)

    def tick(self, now: datetime) -> SlotRun | None:
        """Serve the latest unserved slot due within `catch_up`; return how it went, or None.

        A run that reached nobody (stopped, or no reader got the digest) leaves the slot
        unserved, so the next tick tries again.
        """
        window = self.slots.between(now - self.catch_up, now)
        retry_due = self._may_have_deferred and (
            self._last_retry is None or now - self._last_retry >= RETRY_DEFERRED_EVERY
        )
        if not retry_due and all(s.key in self._done for s in window):
            return None
        with self._mutex, SenderLock(self.state_path) as lock:
            lock.acquire(self.lock_timeout)
            with State.open(self.state_path) as state:
                waiting = []
                for s in window:
                    if state.slot_status(DIGEST_JOB, s.key) is None:
                        waiting.append(s)
                    else:
                        self._done.add(s.key)
                if not waiting:
                    self._retry_deferred(state, now)
                    return None
                slot = waiting[-1]
                for older in waiting[:-1]:  # one catch-up digest covers every missed slot
                    state.record_slot(
                        DIGEST_JOB, older.key, older.due, "coalesced", f"covered by {slot.key}", now
                    )
                late = now - slot.due
                if late > WATCH_EVERY:
                    log.info("digest slot %s is %s late: catching up", slot.key, _span(late))
                resume_only = state.digest_for_slot(slot.key) is not None
                report = self.run(state, slot, now, resume_only)
                if report is not None and report.stopped:
                    log.info("stopped during slot %s; it resumes on the next start", slot.key)
                    return SlotRun(slot, False, "stopped")
                why = _not_served(report, state.digest_for_slot(slot.key))
                if why:
                    log.error("digest slot %s not served: %s; tried again soon", slot.key, why)
                    return SlotRun(slot, False, why)
                summary = report.summary if report is not None else "done"
                self._may_have_deferred = True
                state.record_slot(DIGEST_JOB, slot.key, slot.due, "served", summary, now)
                self._done.add(slot.key)
                self._last_retry = now
                return SlotRun(slot, True)

    def _retry_deferred(self, state: State, now: datetime) -> None:
        if self._last_retry is not None and now - self._last_retry < RETRY_DEFERRED_EVERY:
            return
        self._last_retry = now
        if not state.unfinished_digests():
            self._may_have_deferred = False
            return
        log.info("retrying readers a digest could not reach yet")
        self.run(state, Slot(now, "retry"), now, True)


def _not_served(report: RunReport | None, slot_digest: str | None) -> str:
    """Return why a slot's run did not serve it: the batch stopped, or the slot's own digest
    reached none of the readers it tried; or "" if it was served."""
    if report is None:
        return ""
    if report.halted is not None:
        return str(report.halted)
    for outcome in report.digests:
        if outcome.id == slot_digest and outcome.reached_nobody:
            counts = ", ".join(f"{n} {s}" for s, n in sorted(outcome.counts.items()))
            return f"no reader was reached ({counts}); see feedkit digest --status"
    return ""


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return "".join(parts) or "0m"


def _listing(keys: list[str], shown: int = 5) -> str:
    if len(keys) <= shown:
        return ", ".join(keys)
    return ", ".join(keys[:shown]) + f" and {len(keys) - shown} more"


# -- the jobs ---------------------------------------------------------------------------------


def build_site(cfg: Config, now: datetime) -> str:
    """Rebuild the feeds (with the build cache: next to nothing when nothing changed);
    return a one-line report."""
    plan, changed = build.build_site(cfg, now)
    for warning in plan.warnings:
        log.warning("%s", warning)
    return f"built feeds: {len(changed)} file(s) changed, {plan.published} post(s) published"


def digest_runner(config_path: Path, should_stop: Callable[[], bool]) -> RunSlot:
    """Return the function that serves one digest slot: rebuild the feeds, then mail."""

    def run(state: State, slot: Slot, now: datetime, resume_only: bool) -> RunReport:
        cfg = load_config(config_path)
        subscribers, problems = digest_readers(cfg, state, now)  # subscribers.csv, if any
        for problem in problems:
            log.warning("%s", problem)
        missing = send_problems(cfg, subscribers=subscribers)  # all at once, before anything
        if missing:
            raise ConfigError(missing)
        log.info(build_site(cfg, now))
        public = read_index(cfg, reader_cache(cfg)).public(now)  # only changed files are read
        # As `feedkit digest`: premailer's inlining kept for the next run and the web copies.
        render_cache = RenderCache.of_site(cfg.cache_path)
        report = run_digest(
            cfg,
            state,
            public,
            subscribers,
            sender_factory(cfg),
            now,
            slot=None if slot.key == "retry" else slot.key,
            should_stop=should_stop,
            resume_only=resume_only,
            renderer=DigestRenderer(cfg, render_cache=render_cache),
        )
        for line in report.summary.splitlines():
            log.info("%s", line)
        if report.total("sent"):
            _publish_archive(cfg, state, render_cache)
        if report.halted is not None:
            log.error("the batch stopped: %s", report.halted)
        return report

    return run


def _publish_archive(cfg: Config, state: State, render_cache: RenderCache) -> None:
    """Write the web copies of sent digests; a failure is logged: the mail went out."""
    try:
        changed = publish_archive(cfg, state, render_cache)
    except FeedkitError as exc:
        log.error("digest archive not written: %s", exc)
        return
    if changed:
        log.info("digest archive: %d file(s) changed", len(changed))


def keeper_for(cfg: Config, config_path: Path, should_stop: Callable[[], bool]) -> DigestKeeper:
    if not cfg.digest.schedule:
        raise FeedkitError(
            "feedkit.toml: digest.schedule: is not set, so there is no digest "
            'to schedule (e.g. schedule = "0 9 * * mon")'
        )
    tz = cfg.digest.timezone or cfg.timezone
    return DigestKeeper(
        CronSlots(cfg.digest.schedule, tz),
        cfg.digest.catch_up,
        cfg.path(cfg.digest.state),
        digest_runner(config_path, should_stop),
        lock_timeout=cfg.digest.lock_timeout,
    )


def run_once(config_path: Path, now: datetime) -> tuple[list[str], str | None]:
    """Do whatever is due at `now` (for cron or systemd timers); return what was done, and
    what went wrong if a due digest slot could not be served.

    The feeds are rebuilt on every call when `[build] schedule` is set (or no digest is
    scheduled): cron runs this every few minutes, and with the build cache a rebuild that
    finds nothing changed costs next to nothing, so the build needs no slot bookkeeping.
    """
    cfg = load_config(config_path)
    done = []
    if cfg.build.schedule or not cfg.digest.schedule:
        done.append(build_site(cfg, now))
    if not cfg.digest.schedule:
        return done, None
    run = keeper_for(cfg, config_path, lambda: False).start(now)
    if run is None:
        done.append("no digest due")
    elif run.served:
        done.append(f"digest slot {run.slot.key} served")
    else:
        done.append(f"digest slot {run.slot.key} not served; the next run tries again")
        return done, run.why_not
    return done, None


def serve(config_path: Path, clock: Callable[[], datetime]) -> None:
    """Run the scheduler in the foreground until SIGINT or SIGTERM."""
    cfg = load_config(config_path)
    if not cfg.digest.schedule and not cfg.build.schedule:
        raise FeedkitError(
            "feedkit.toml: nothing to schedule: set digest.schedule and/or build.schedule"
        )
    stop = threading.Event()
    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(1)},  # one job at a time, in order
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            # APScheduler drops a run more than 1 s late by default
            "misfire_grace_time": int(cfg.digest.catch_up.total_seconds()),
        },
        timezone=cfg.timezone,
    )
    keeper = keeper_for(cfg, config_path, stop.is_set) if cfg.digest.schedule else None

    def guarded(job: Callable[[datetime], Any]) -> Callable[[], None]:
        def run() -> None:
            if stop.is_set():
                return
            try:
                job(clock())
            except FeedkitError as exc:
                log.error("%s", exc)

        return run

    if keeper is not None:
        tz = cfg.digest.timezone or cfg.timezone
        assert cfg.digest.schedule is not None
        scheduler.add_job(
            guarded(keeper.tick),
            CronTrigger.from_crontab(cfg.digest.schedule, timezone=tz),
            id="digest",
            name="digest",
        )
        scheduler.add_job(
            guarded(keeper.tick),
            IntervalTrigger(seconds=int(WATCH_EVERY.total_seconds()), timezone=tz),
            id="watch",
            name="digest watch",
        )
    if cfg.build.schedule:
        scheduler.add_job(
            guarded(lambda now: log.info(build_site(load_config(config_path), now))),
            CronTrigger.from_crontab(cfg.build.schedule, timezone=cfg.timezone),
            id="build",
            name="build",
        )

    def next_runs(event: JobExecutionEvent | None = None) -> None:
        for job in scheduler.get_jobs():
            if job.id != "watch" and job.next_run_time is not None:
                log.info("next %s run: %s", job.name, job.next_run_time.isoformat())

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info(
            "%s received: finishing the message in flight, then stopping",
            signal.Signals(signum).name,
        )
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    scheduler.add_listener(next_runs, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    log.info("feedkit schedule started for %s", display_path(config_path, Path.cwd()))
    if cfg.build.schedule:  # posts that came due while we were not running go out now
        guarded(lambda now: log.info(build_site(load_config(config_path), now)))()
    if keeper is not None:  # catch up on what was missed while we were not running
        guarded(keeper.start)()
    if not stop.is_set():
        scheduler.start()
        next_runs()
        # The main thread only waits, so signals are handled at once.
        while not stop.is_set():
            stop.wait(1.0)
    if scheduler.running:
        scheduler.shutdown(wait=True)  # lets the running job finish its message in flight
    log.info("feedkit schedule stopped")
