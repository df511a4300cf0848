"""The digest's scheduled times ("slots"): which are due, from the cron expression, and
which were served, as recorded in the state file; so a daylight-saving change that makes
APScheduler 3.x skip a run or fire twice, a restart, or a second scheduler on the same state
can neither skip a slot nor serve one twice. `feedkit schedule` (feedkit/schedule.py) wakes
the keeper up and gives it the run that serves a slot."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from feedkit.mail.senderlock import SenderLock
from feedkit.mail.sending import RunReport
from feedkit.mail.state import State

log = logging.getLogger("feedkit.schedule")  # what `feedkit schedule` logs of each slot
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
