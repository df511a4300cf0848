"""Digest slots with a fake clock: on time, never twice, never missed, through DST."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from feedkit.config import load_config
from feedkit.mail.slots import CronSlots, DigestKeeper, Slot
from feedkit.mail.state import State

from conftest import NOW
from digest_site import make_digest_site

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


def test_daily_slots_are_one_per_calendar_day_through_a_whole_year() -> None:
    for tz in (BERLIN, NEW_YORK):
        slots = CronSlots("30 2 * * *", tz).between(
            datetime(2025, 12, 31, 12, tzinfo=tz), datetime(2026, 12, 31, 12, tzinfo=tz)
        )
        days = Counter(s.due.astimezone(tz).date() for s in slots)
        assert len(slots) == 365
        assert set(days.values()) == {1}
        assert min(days) == date(2026, 1, 1) and max(days) == date(2026, 12, 31)


def test_nonexistent_and_repeated_times_are_served_once() -> None:
    spring = CronSlots("30 2 * * *", BERLIN).between(
        datetime(2026, 3, 28, 12, tzinfo=UTC), datetime(2026, 3, 30, 12, tzinfo=UTC)
    )
    # 02:30 does not exist on 29 March in Berlin: the slot is due at 03:30 summer time.
    assert [s.due.astimezone(BERLIN).isoformat() for s in spring] == [
        "2026-03-29T03:30:00+02:00",
        "2026-03-30T02:30:00+02:00",
    ]
    autumn = CronSlots("30 1 * * *", NEW_YORK).between(
        datetime(2026, 10, 31, 12, tzinfo=UTC), datetime(2026, 11, 2, 12, tzinfo=UTC)
    )
    # 01:30 happens twice on 1 November in New York: served at the first.
    assert [s.due.astimezone(NEW_YORK).isoformat() for s in autumn] == [
        "2026-11-01T01:30:00-04:00",
        "2026-11-02T01:30:00-05:00",
    ]


def apscheduler_fires(expr: str, tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The times APScheduler 3.x's own trigger fires: it skips and repeats around DST."""
    trigger = CronTrigger.from_crontab(expr, timezone=tz)
    fires, previous, now = [], None, start
    while True:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None or fire > end:
            return fires
        if not fires or fire != fires[-1]:
            fires.append(fire)
        previous, now = fire, max(fire, now) + timedelta(minutes=1)


def simulate(
    keeper: DigestKeeper,
    start: datetime,
    end: datetime,
    *,
    watch: timedelta,
    fires: list[datetime],
    down: tuple[datetime, datetime] | None = None,
) -> None:
    """Wake the keeper as the real scheduler would: on its cron fires, every `watch`, and
    at start, except while the process is down."""
    ticks = set(fires)
    t = start
    while t <= end:
        ticks.add(t)
        t += watch
    started = False
    for tick in sorted(ticks):
        if not start <= tick <= end:
            continue
        if down and down[0] <= tick < down[1]:
            started = False
            continue
        if not started:
            keeper.start(tick)
            started = True
        else:
            keeper.tick(tick)


class Recorder:
    def __init__(self) -> None:
        self.slots: list[Slot] = []

    def __call__(self, state: State, slot: Slot, now: datetime, resume_only: bool) -> None:
        assert slot.due <= now
        self.slots.append(slot)


def daily_0230_days(
    state: Path, tz: ZoneInfo, start: datetime, end: datetime, watch: timedelta
) -> Counter[date]:
    """Simulate a daily 02:30 digest from `start` to `end`; return digests per calendar day."""
    recorder = Recorder()
    keeper = DigestKeeper(CronSlots("30 2 * * *", tz), timedelta(hours=12), state, recorder)
    fires = apscheduler_fires("30 2 * * *", tz, start, end)
    simulate(keeper, start, end, watch=watch, fires=fires)
    assert len({s.key for s in recorder.slots}) == len(recorder.slots)
    return Counter(s.due.astimezone(tz).date() for s in recorder.slots)


@pytest.mark.parametrize("tz", [BERLIN, NEW_YORK], ids=str)
@pytest.mark.parametrize("month", [3, 10, 11])
def test_daily_digest_at_0230_across_dst_changes(tmp_path: Path, tz: ZoneInfo, month: int) -> None:
    start = datetime(2026, month, 1, tzinfo=tz) if month != 3 else datetime(2026, 3, 5, tzinfo=tz)
    end = start + timedelta(days=28)
    days = daily_0230_days(tmp_path / "state.db", tz, start, end, timedelta(minutes=5))
    assert len(days) == 28 and set(days.values()) == {1}, days


def test_downtime_over_two_slots_gives_exactly_one_catch_up(tmp_path: Path) -> None:
    recorder = Recorder()
    keeper = DigestKeeper(
        CronSlots("0 * * * *", UTC), timedelta(hours=12), tmp_path / "state.db", recorder
    )
    start = datetime(2026, 6, 1, 0, 30, tzinfo=UTC)
    keeper.start(start)
    keeper.tick(datetime(2026, 6, 1, 1, 0, tzinfo=UTC))
    # Down from 01:10 to 03:20: the 02:00 and 03:00 slots are missed.
    keeper.start(datetime(2026, 6, 1, 3, 20, tzinfo=UTC))
    keeper.tick(datetime(2026, 6, 1, 3, 25, tzinfo=UTC))
    assert [s.key for s in recorder.slots] == [
        "2026-06-01T00:00 UTC",
        "2026-06-01T01:00 UTC",
        "2026-06-01T03:00 UTC",
    ]
    with State.open(tmp_path / "state.db") as state:
        assert state.slot_status("digest", "2026-06-01T02:00 UTC") == "coalesced"


def test_downtime_longer_than_catch_up_sends_nothing_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    keeper = DigestKeeper(
        CronSlots("0 9 * * *", BERLIN), timedelta(hours=12), tmp_path / "state.db", recorder
    )
    keeper.start(datetime(2026, 6, 1, 9, 1, tzinfo=BERLIN))
    caplog.set_level(logging.INFO, "feedkit.schedule")
    keeper.start(datetime(2026, 6, 4, 22, 0, tzinfo=BERLIN))  # 13 h after the 4 June slot
    assert [s.key for s in recorder.slots] == ["2026-06-01T09:00 Europe/Berlin"]
    assert (
        "skipped 3 digest slot(s) not served within catch_up (12h; feedkit was not running, "
        "or could not send): 2026-06-02T09:00 Europe/Berlin, 2026-06-03T09:00 "
        "Europe/Berlin, 2026-06-04T09:00 Europe/Berlin"
    ) in caplog.text
    keeper.tick(datetime(2026, 6, 5, 9, 0, tzinfo=BERLIN))
    assert recorder.slots[-1].key == "2026-06-05T09:00 Europe/Berlin"


def test_a_served_slot_is_not_served_again_by_a_second_scheduler(tmp_path: Path) -> None:
    first, second = Recorder(), Recorder()
    slots = CronSlots("0 9 * * *", UTC)
    a = DigestKeeper(slots, timedelta(hours=12), tmp_path / "state.db", first)
    b = DigestKeeper(slots, timedelta(hours=12), tmp_path / "state.db", second)
    when = datetime(2026, 6, 1, 9, 0, 30, tzinfo=UTC)
    a.tick(when)
    b.tick(when)
    b.start(when + timedelta(minutes=5))
    assert len(first.slots) == 1 and second.slots == []


def test_stop_keeps_the_slot_open_for_the_next_start(tmp_path: Path) -> None:
    cfg = make_digest_site(tmp_path, [])
    assert cfg  # the keeper below only needs a state path
    from feedkit.mail.sending import RunReport

    calls: list[bool] = []

    def stopped_run(state, slot, now, resume_only):
        calls.append(resume_only)
        report = RunReport()
        report.stopped = len(calls) == 1
        return report

    keeper = DigestKeeper(
        CronSlots("0 9 * * *", UTC), timedelta(hours=12), tmp_path / "state.db", stopped_run
    )
    when = datetime(2026, 6, 1, 9, 1, tzinfo=UTC)
    keeper.start(when)
    keeper.start(when + timedelta(minutes=10))
    keeper.tick(when + timedelta(minutes=20))
    assert calls == [False, False]
    assert NOW  # the module's fixed clock is not used: every time here is explicit
    with State.open(tmp_path / "state.db") as state:
        assert state.slot_status("digest", "2026-06-01T09:00 UTC") == "served"
    assert load_config(tmp_path / "feedkit.toml").digest.schedule is None


@pytest.mark.parametrize("tz", [BERLIN, NEW_YORK], ids=str)
def test_daily_digest_at_0230_for_a_whole_year_sends_one_per_calendar_day(
    tmp_path: Path, tz: ZoneInfo
) -> None:
    start = datetime(2026, 1, 1, tzinfo=tz)
    end = datetime(2026, 12, 31, 23, 0, tzinfo=tz)
    days = daily_0230_days(tmp_path / "state.db", tz, start, end, timedelta(hours=1))
    assert len(days) == 365 and set(days.values()) == {1}


def test_a_run_where_everyone_was_deferred_leaves_the_slot_open(tmp_path: Path) -> None:
    from feedkit.mail.sending import DigestOutcome, RunReport
    from feedkit.mail.state import DigestRecord

    results = iter([{"deferred": 2}, {"failed": 1, "deferred": 1}, {"sent": 1, "deferred": 1}])
    calls: list[bool] = []

    def run(state, slot, now, resume_only):
        calls.append(resume_only)
        if not resume_only:  # the slot's digest, frozen on its first run
            state.create_digest(DigestRecord("d", now, slot.key, ()), [])
        report = RunReport()
        report.digests.append(DigestOutcome("d", 1, resumed=resume_only, counts=next(results)))
        return report

    keeper = DigestKeeper(
        CronSlots("0 9 * * *", UTC), timedelta(hours=12), tmp_path / "state.db", run
    )
    when = datetime(2026, 6, 1, 9, 1, tzinfo=UTC)
    runs = [keeper.tick(when + timedelta(minutes=minutes)) for minutes in (0, 5, 10, 15)]
    assert [r.served if r else None for r in runs] == [False, False, True, None]
    assert runs[0] is not None and runs[0].why_not == (
        "no reader was reached (2 deferred); see feedkit digest --status"
    )
    assert calls == [False, True, True]
    with State.open(tmp_path / "state.db") as state:
        assert state.slot_status("digest", "2026-06-01T09:00 UTC") == "served"


def test_readers_of_an_older_digest_still_deferred_do_not_hold_a_slot_open(
    tmp_path: Path,
) -> None:
    from feedkit.mail.sending import DigestOutcome, RunReport

    def run(state, slot, now, resume_only):  # no new posts: only an older digest resumed
        report = RunReport()
        report.digests.append(DigestOutcome("older", 1, resumed=True, counts={"deferred": 1}))
        return report

    keeper = DigestKeeper(
        CronSlots("0 9 * * *", UTC), timedelta(hours=12), tmp_path / "state.db", run
    )
    served = keeper.tick(datetime(2026, 6, 1, 9, 1, tzinfo=UTC))
    assert served is not None and served.served
