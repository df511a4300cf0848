"""`feedkit schedule`: digests and rebuilds on time, never twice, never missed.

APScheduler only wakes us up. Which scheduled time ("slot") is due, and whether it was
served, is worked out from the cron expression and recorded in the state file
(feedkit/mail/slots.py): so a daylight-saving change that makes APScheduler 3.x skip a run
or fire twice, a restart, or a second scheduler on the same state can neither skip a slot
nor serve one twice.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime
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
from feedkit.mail.sending import RunReport, run_digest, send_problems, sender_factory
from feedkit.mail.slots import WATCH_EVERY, CronSlots, DigestKeeper, RunSlot, Slot
from feedkit.mail.state import State
from feedkit.posts.sitezone import site_zone
from feedkit.shown import display_path
from feedkit.site import build
from feedkit.site.postindex import read_index, reader_cache

log = logging.getLogger("feedkit.schedule")


# -- the jobs ---------------------------------------------------------------------------------


def build_site(cfg: Config, now: datetime) -> str:
    """Rebuild the feeds (with the build cache: next to nothing when nothing changed);
    return a one-line report."""
    plan, changed = build.build_site(cfg, now, waiting=log.info)
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
        for warning in report.warnings:
            log.warning("%s", warning)
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
    return DigestKeeper(
        CronSlots(cfg.digest.schedule, digest_zone(cfg)),
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


def digest_zone(cfg: Config) -> ZoneInfo:
    """Return the zone the digest's schedule is in: `[digest] timezone`, else the site's."""
    return cfg.digest.timezone or site_zone(cfg)


def _schedule_of(cfg: Config) -> tuple[object, ...]:
    """Return what decides when `feedkit schedule` runs its jobs."""
    zones = str(digest_zone(cfg)), str(site_zone(cfg))
    return cfg.digest.schedule, cfg.digest.catch_up, cfg.build.schedule, *zones


class Jobs:
    """The scheduler's jobs as feedkit.toml has them, made again when its schedule changes:
    each job reads feedkit.toml first (every few minutes, and at a slot's time), so a slot
    the old schedule had and the new one has not is never served, and one the new schedule
    missed within `catch_up` is, as a restart would."""

    def __init__(
        self,
        scheduler: BackgroundScheduler,
        config_path: Path,
        clock: Callable[[], datetime],
        stop: threading.Event,
    ) -> None:
        self.scheduler = scheduler
        self.config_path, self.clock, self.stop = config_path, clock, stop
        self.keeper: DigestKeeper | None = None
        self.schedule: tuple[object, ...] | None = None

    def take(self, cfg: Config) -> None:
        """Schedule the jobs `cfg` asks for, in place of those before."""
        self.scheduler.remove_all_jobs()
        self.schedule = _schedule_of(cfg)
        self.keeper = (
            keeper_for(cfg, self.config_path, self.stop.is_set) if cfg.digest.schedule else None
        )
        zone = site_zone(cfg)
        # APScheduler drops a run more than 1 s late by default
        late = {"misfire_grace_time": int(cfg.digest.catch_up.total_seconds())}
        if self.keeper is not None:
            assert cfg.digest.schedule is not None
            trigger = CronTrigger.from_crontab(cfg.digest.schedule, timezone=digest_zone(cfg))
            self.scheduler.add_job(
                self.guarded(self._tick), trigger, id="digest", name="digest", **late
            )
        # Every few minutes: a slot a stopped run left, and feedkit.toml read again.
        watch = IntervalTrigger(seconds=int(WATCH_EVERY.total_seconds()), timezone=zone)
        self.scheduler.add_job(self.guarded(self._tick), watch, id="watch", name="watch", **late)
        if cfg.build.schedule:
            trigger = CronTrigger.from_crontab(cfg.build.schedule, timezone=zone)
            self.scheduler.add_job(
                self.guarded(self.build), trigger, id="build", name="build", **late
            )

    def follow(self, now: datetime) -> None:
        """Read feedkit.toml again; when its schedule changed, take it on, and serve what
        the new one has due, as a restart would."""
        cfg = load_config(self.config_path)
        if _schedule_of(cfg) == self.schedule:
            return
        log.warning("feedkit.toml's schedule changed: following it from now on")
        self.take(cfg)
        if not cfg.digest.schedule and not cfg.build.schedule:
            log.warning(
                "feedkit.toml: nothing to schedule until digest.schedule or build.schedule is set"
            )
        self.catch_up(now)
        self.next_runs()

    def next_runs(self, event: JobExecutionEvent | None = None) -> None:
        """Log when each job runs next (the watch aside)."""
        for job in self.scheduler.get_jobs():
            when = getattr(job, "next_run_time", None)  # none before the scheduler starts
            if job.id != "watch" and when is not None:
                log.info("next %s run: %s", job.name, when.isoformat())

    def catch_up(self, now: datetime) -> None:
        """Serve the last slot missed within `catch_up` (at start, or a new schedule's)."""
        if self.keeper is not None:
            self.keeper.start(now)

    def build(self, now: datetime) -> None:
        log.info(build_site(load_config(self.config_path), now))

    def _tick(self, now: datetime) -> None:
        if self.keeper is not None:
            self.keeper.tick(now)

    def guarded(self, job: Callable[[datetime], Any]) -> Callable[[], None]:
        """Return `job` as a job runs: after feedkit.toml is read again, at the clock's
        time, its errors logged."""

        def run() -> None:
            if self.stop.is_set():
                return
            try:
                now = self.clock()
                self.follow(now)
                job(now)
            except FeedkitError as exc:
                log.error("%s", exc)

        return run


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
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=site_zone(cfg),
    )
    jobs = Jobs(scheduler, config_path, clock, stop)
    jobs.take(cfg)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info(
            "%s received: finishing the message in flight, then stopping",
            signal.Signals(signum).name,
        )
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    scheduler.add_listener(jobs.next_runs, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    log.info("feedkit schedule started for %s", display_path(config_path, Path.cwd()))
    if cfg.build.schedule:  # posts that came due while we were not running go out now
        jobs.guarded(jobs.build)()
    jobs.guarded(jobs.catch_up)()  # what was missed while we were not running
    if not stop.is_set():
        scheduler.start()
        jobs.next_runs()
        # The main thread only waits, so signals are handled at once.
        while not stop.is_set():
            stop.wait(1.0)
    if scheduler.running:
        scheduler.shutdown(wait=True)  # lets the running job finish its message in flight
    log.info("feedkit schedule stopped")
