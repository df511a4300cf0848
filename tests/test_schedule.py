"""Scheduled digests with a fake clock: on time, never twice, never missed, through DST."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from test_slots import apscheduler_fires, simulate

from feedkit.config import load_config
from feedkit.mail.state import State
from feedkit.schedule import keeper_for

from digest_site import SECRET_ENV, make_digest_site, write_post
from smtp_server import FaultySmtpServer

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


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


def test_a_running_schedule_follows_feedkit_toml_when_its_schedule_is_edited(
    tmp_path: Path, monkeypatch
) -> None:
    # `feedkit schedule` made its jobs at start: an edit from "every day at 09:00" to
    # 18:00 still sent at 09:00, to every reader, saying nothing.
    import threading

    from apscheduler.schedulers.background import BackgroundScheduler

    from feedkit.schedule import Jobs

    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    make_digest_site(tmp_path, [("ada@example.org", "Ada")], extra_toml='schedule = "0 9 * * *"\n')
    toml = tmp_path / "feedkit.toml"
    now = [datetime(2026, 11, 23, 9, 30, tzinfo=BERLIN)]
    scheduler = BackgroundScheduler(timezone=UTC)  # not started: its jobs are run here
    jobs = Jobs(scheduler, toml, lambda: now[0], threading.Event())
    jobs.take(load_config(toml))
    jobs.guarded(jobs.catch_up)()  # the 09:00 slot, the first run: the archive recorded
    write_post(tmp_path, "new", "New", now[0] + timedelta(minutes=30))
    toml.write_text(toml.read_text().replace('"0 9 * * *"', '"0 18 * * *"'), encoding="utf-8")

    def run_job(name: str, when: datetime) -> None:
        now[0] = when
        (job,) = [job for job in scheduler.get_jobs() if job.id == name]
        job.func()

    run_job("digest", datetime(2026, 11, 24, 9, 0, 5, tzinfo=BERLIN))  # the old slot's time
    assert not list((tmp_path / "outbox").glob("*/*.eml"))
    (digest,) = [job for job in scheduler.get_jobs() if job.id == "digest"]
    assert "hour='18'" in str(digest.trigger)
    run_job("watch", datetime(2026, 11, 24, 12, tzinfo=BERLIN))
    assert not list((tmp_path / "outbox").glob("*/*.eml"))
    run_job("digest", datetime(2026, 11, 24, 18, 0, 5, tzinfo=BERLIN))
    assert [p.name for p in (tmp_path / "outbox").glob("*/*.eml")] == ["ada@example.org.eml"]
