"""The site's own time zone (a Jekyll, Hugo or Pelican site's, when feedkit.toml names none)
is where the digest, its web copy and the schedule begin and end their days, as the feeds
read the posts' dates in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedkit.cli import main

from digest_site import SECRET_ENV

FEEDKIT_TOML = """\
title = "Zoned"
base_url = "https://x.example/"
content_dir = "{content}"

[author]
name = "A"

[digest]
from = "A <a@example.org>"
subscribers = "subscribers.csv"
unsubscribe_url = "https://x.example/u?token={{token}}&email={{email}}"
schedule = "0 9 * * *"
"""

# Each generator's site, its zone, and a post dated on the 1st of March in it at 08:00 or
# earlier: before 09:00 in Tokyo, 00:00 in Berlin, the 29th of February in UTC.
SITES = {
    "jekyll": (
        ".",
        {
            "_config.yml": "title: Zoned\ntimezone: Europe/Berlin\n",
            "_posts/2024-03-01-march.md": "---\ntitle: March post\n---\nThe text.\n",
        },
        "Europe/Berlin",
    ),
    "hugo": (
        "content",
        {
            "hugo.toml": 'title = "Zoned"\ntimeZone = "America/New_York"\n',
            "content/posts/march.md": (
                "---\ntitle: March post\ndate: 2024-03-01T21:00:00\n---\nThe text.\n"
            ),
        },
        "America/New_York",
    ),
    "pelican": (
        "content",
        {
            "pelicanconf.py": "TIMEZONE = 'Asia/Tokyo'\n",
            "content/march.md": "Title: March post\nDate: 2024-03-01 08:00\n\nThe text.\n",
        },
        "Asia/Tokyo",
    ),
}


def zoned_site(root: Path, kind: str) -> str:
    content, files, zone = SITES[kind]
    for name, text in {**files, "subscribers.csv": "email,name\nada@example.org,Ada\n"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "feedkit.toml").write_text(FEEDKIT_TOML.format(content=content), encoding="utf-8")
    return zone


def feedkit(root: Path, now: str, *args: str):
    env = {**SECRET_ENV, "FEEDKIT_NOW": now}
    return CliRunner().invoke(main, [*args, "--config", str(root / "feedkit.toml")], env=env)


@pytest.mark.parametrize("kind", SITES)
def test_a_digest_shows_a_posts_day_in_the_sites_own_zone(tmp_path: Path, kind: str) -> None:
    # The feeds dated the post the 1st of March in the site's zone; the digest's card said
    # "Feb 29, 2024", the day in UTC, as feedkit.toml names no zone.
    zoned_site(tmp_path, kind)
    built = feedkit(tmp_path, "2026-06-01T12:00:00+00:00", "build")
    assert built.exit_code == 0, built.output
    assert "2024-03-01T" in (tmp_path / "public" / "atom.xml").read_text(encoding="utf-8")
    sent = feedkit(tmp_path, "2026-06-01T12:00:00+00:00", "digest", "--to", "t@example.com")
    assert sent.exit_code == 0, sent.output
    (mail,) = (tmp_path / "outbox").glob("*/t@example.com.eml")
    days = set(re.findall(rb"[A-Z][a-z]{2} \d+, 2024", mail.read_bytes()))
    assert days == {b"Mar 1, 2024"}


def test_a_digest_and_its_web_copy_are_of_the_day_it_was_sent_in_the_sites_zone(
    tmp_path: Path,
) -> None:
    zoned_site(tmp_path, "jekyll")
    assert feedkit(tmp_path, "2026-05-01T12:00:00+00:00", "digest").exit_code == 0
    post = tmp_path / "_posts" / "2026-06-01-june.md"
    post.write_text("---\ntitle: June post\ndate: 2026-05-31 22:05:00 +0000\n---\nNew.\n")
    # Written 00:05 and sent 00:10 on the 1st of June in Berlin: the 31st of May in UTC.
    sent = feedkit(tmp_path, "2026-05-31T22:10:00+00:00", "digest")
    assert sent.exit_code == 0, sent.output
    (mail,) = (tmp_path / "outbox").glob("*/ada@example.org.eml")
    assert b"Jun 1, 2026" in mail.read_bytes() and b"May 31, 2026" not in mail.read_bytes()
    index = (tmp_path / "public" / "newsletter" / "index.html").read_text(encoding="utf-8")
    assert "June 1, 2026" in index and "May 31" not in index


def test_the_schedule_fires_in_the_sites_own_zone(tmp_path: Path) -> None:
    # "0 9 * * *" with [digest] timezone left out: the site's zone, as README says.
    zoned_site(tmp_path, "jekyll")
    once = feedkit(tmp_path, "2026-11-22T08:30:00+00:00", "schedule", "--once")
    assert once.exit_code == 0, once.output
    assert once.stdout == "digest slot 2026-11-22T09:00 Europe/Berlin served\n"
