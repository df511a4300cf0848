"""Scheduled digests with a fake clock: on time, never twice, never missed, through DST."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from feedkit.config import load_config
from feedkit.mail.state import State
from feedkit.schedule import CronSlots, DigestKeeper, Slot, keeper_for

from conftest import NOW
from digest_site import SECRET_ENV, make_digest_site, write_post
from smtp_server import FaultySmtpServer

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


def test_weekly_digest_over_eight_weeks_sends_eight_digests(tmp_path: Path, monkeypatch) -> None:
    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    start = datetime(2026, 11, 2, 8, tzinfo=BERLIN)  # a Monday, before 09:00
    cfg = make_digest_site(
        tmp_path,
        [("ada@example.org", "Ada"), ("ben@example.org", "Ben")],
        extra_toml='schedule = "0 9 * * mon"\n',
    )
    keeper = keeper_for(cfg, tmp_path / "feedkit.toml", lambda: False)
    # The first run, a week before: the archive is recorded, not sent.
    keeper.start(datetime(2026, 10, 26, 9, 30, tzinfo=BERLIN))
    t = start
    for week in range(8):
        write_post(tmp_path, f"week-{week}", f"Week {week}", t + timedelta(days=week * 7 - 2))
    simulate(
        keeper,
        start,
        start + timedelta(weeks=8),
        watch=timedelta(minutes=30),
        fires=apscheduler_fires("0 9 * * mon", BERLIN, start, start + timedelta(weeks=8)),
    )
    with State.open(cfg.path(cfg.digest.state)) as state:
        digests = state.recent_digests(50)
    assert len(digests) == 8
    assert all(len(d.posts) == 1 for d, _ in digests)
    assert all(r.status == "sent" for _, readers in digests for r in readers)
    for address in ("ada@example.org", "ben@example.org"):
        files = sorted((tmp_path / "outbox").glob(f"*/{address}.eml"))
        assert len(files) == 8


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


def test_schedule_once_serves_the_due_slot(tmp_path: Path, runner, monkeypatch) -> None:
    from feedkit.cli import main

    make_digest_site(
        tmp_path,
        [("ada@example.org", "Ada")],
        extra_toml='schedule = "0 9 * * *"\ncatch_up = "2h"\n',
    )
    config = str(tmp_path / "feedkit.toml")
    env = {**SECRET_ENV, "FEEDKIT_NOW": datetime(2026, 11, 22, 9, 30, tzinfo=BERLIN).isoformat()}
    first = runner.invoke(main, ["schedule", "--once", "--config", config], env=env)
    assert first.exit_code == 0, first.output
    assert first.stdout == "digest slot 2026-11-22T09:00 Europe/Berlin served\n"
    assert (tmp_path / "public" / "atom.xml").exists()
    # Scheduled rebuilds use the build cache: every few minutes should cost next to nothing.
    assert (tmp_path / ".feedkit" / "cache" / "state.marshal").exists()
    again = runner.invoke(main, ["schedule", "--once", "--config", config], env=env)
    assert again.stdout == "no digest due\n"


def test_a_scheduled_digest_keeps_its_inlined_html_as_the_digest_command_does(
    tmp_path: Path, runner
) -> None:
    # The digest command keeps premailer's inlined HTML (mail/rendercache.py) for the next
    # run and the web copies; a scheduled run renders the same digest and keeps it too.
    from feedkit.cli import main
    from feedkit.mail.rendercache import RenderCache

    make_digest_site(tmp_path, [("ada@example.org", "Ada")], extra_toml='schedule = "0 9 * * *"\n')
    config = str(tmp_path / "feedkit.toml")
    day = datetime(2026, 11, 22, 9, 30, tzinfo=BERLIN)
    first = runner.invoke(
        main,
        ["schedule", "--once", "--config", config],
        env={**SECRET_ENV, "FEEDKIT_NOW": day.isoformat()},
    )
    assert first.exit_code == 0, first.output  # the first run records the archive as sent
    write_post(tmp_path, "new", "A new post", day + timedelta(hours=2))
    next_day = (day + timedelta(days=1)).isoformat()
    sent = runner.invoke(
        main,
        ["schedule", "--once", "--config", config],
        env={**SECRET_ENV, "FEEDKIT_NOW": next_day},
    )
    assert sent.exit_code == 0 and "served" in sent.stdout, sent.output
    assert list((tmp_path / "outbox").glob("*/*.eml"))
    kept = RenderCache.of_site(load_config(tmp_path / "feedkit.toml").cache_path).folder
    assert kept.is_dir() and any(kept.iterdir())


def test_schedule_without_schedules_says_what_to_set(tmp_path: Path, runner) -> None:
    from feedkit.cli import main

    make_digest_site(tmp_path, [])
    result = runner.invoke(main, ["schedule", "--config", str(tmp_path / "feedkit.toml")])
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "error: feedkit.toml: nothing to schedule: set digest.schedule and/or build.schedule\n"
    )


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


def test_schedule_once_rebuilds_on_the_build_schedule_between_digest_slots(
    tmp_path: Path, runner
) -> None:
    from feedkit.cli import main

    make_digest_site(
        tmp_path,
        [("ada@example.org", "Ada")],
        extra_toml='schedule = "0 9 * * mon"\n\n[build]\nschedule = "*/15 * * * *"\n',
    )
    config = str(tmp_path / "feedkit.toml")
    tuesday = datetime(2026, 11, 24, 14, 0, tzinfo=BERLIN)  # no digest slot due
    env = {**SECRET_ENV, "FEEDKIT_NOW": tuesday.isoformat()}
    result = runner.invoke(main, ["schedule", "--once", "--config", config], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "built feeds: 7 file(s) changed, 3 post(s) published",
        "no digest due",
    ]
    assert (tmp_path / "public" / "atom.xml").exists()
    write_post(tmp_path, "later", "Later post", tuesday + timedelta(minutes=10))
    later = {**env, "FEEDKIT_NOW": (tuesday + timedelta(minutes=15)).isoformat()}
    again = runner.invoke(main, ["schedule", "--once", "--config", config], env=later)
    assert again.exit_code == 0, again.output
    assert "Later post" in (tmp_path / "public" / "atom.xml").read_text(encoding="utf-8")


def smtp_schedule_site(tmp_path: Path, server: FaultySmtpServer) -> str:
    make_digest_site(
        tmp_path,
        [("ada@example.org", "Ada"), ("ben@example.org", "Ben"), ("cy@example.org", "Cy")],
        extra_toml='schedule = "0 9 * * mon"\ndelivery = "smtp"\n'
        f'\n[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "none"\n'
        "timeout = 5\nbackoff = 0\n",
    )
    return str(tmp_path / "feedkit.toml")


def test_a_slot_that_reached_nobody_is_not_served_and_the_next_run_sends_it(
    tmp_path: Path, runner, smtp_server: FaultySmtpServer
) -> None:
    from feedkit.cli import main

    config = smtp_schedule_site(tmp_path, smtp_server)
    monday = datetime(2026, 11, 23, 9, 5, tzinfo=BERLIN)

    def once(when: datetime):
        env = {**SECRET_ENV, "FEEDKIT_NOW": when.isoformat()}
        return runner.invoke(main, ["schedule", "--once", "--config", config], env=env)

    env = {**SECRET_ENV, "FEEDKIT_NOW": (monday - timedelta(days=1)).isoformat()}
    assert runner.invoke(main, ["digest", "--config", config], env=env).exit_code == 0
    write_post(tmp_path, "news", "Monday news", monday - timedelta(hours=2))
    smtp_server.refuse_all("554 5.7.1 Sender address rejected", at="mail")
    refused = once(monday)
    assert refused.exit_code == 1
    assert refused.stdout == (
        "digest slot 2026-11-23T09:00 Europe/Berlin not served; the next run tries again\n"
    )
    assert "error: digest.from: " in refused.stderr
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        assert state.slot_status("digest", "2026-11-23T09:00 Europe/Berlin") is None
    smtp_server.clear_faults()
    fixed = once(monday + timedelta(minutes=10))
    assert fixed.exit_code == 0, fixed.output
    assert fixed.stdout == "digest slot 2026-11-23T09:00 Europe/Berlin served\n"
    assert sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == [
        "ada@example.org",
        "ben@example.org",
        "cy@example.org",
    ]
    assert once(monday + timedelta(minutes=20)).stdout == "no digest due\n"


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
