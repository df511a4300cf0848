"""A post's own "[Updated on 12 March 2025: …]" note, after the date its front matter says it
was last updated: `feedkit check` and `feedkit build` name the note's line and the key to
add, since feeds and the digest go by the front matter alone."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from feedkit.posts.reading import PLAIN
from feedkit.posts.updatenotes import may_have_note, notes

from conftest import SITE_TOML
from conftest import run_feedkit as feedkit

# The front matter takes lines 1 to 4 (5 with `updated`); the note is the body's 5th line.
NOTE = (
    "There are two kinds of caches.\n\n<!--more-->\n\n"
    "*[Updated on 12 March 2025: the method-caching example below changed.]*\n\n"
    "## The cache you get for free\n\nMore text.\n"
)


def post(path: Path, body: str = NOTE, updated: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    more = f"updated: {updated}\n" if updated else ""
    path.write_text(
        f"---\ntitle: Caches\ndate: 2024-10-03 21:10:00+02:00\n{more}---\n{body}", "utf-8"
    )


def warning(name: str, line: int, given: str, key: str = "updated") -> str:
    return (
        f"{name}:{line}: warning: the post says it was updated on 2025-03-12, but its front "
        f"matter says {given}: feeds and the digest go by the front matter; add "
        f"`{key}: 2025-03-12` to it\n"
    )


def test_check_and_build_name_a_note_the_front_matter_does_not_follow(tmp_path: Path) -> None:
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    post(tmp_path / "content" / "caches.md")
    warned = warning("content/caches.md", 9, "published 2024-10-03")
    checked = feedkit(tmp_path, "check")
    assert (checked.returncode, checked.stderr) == (0, warned)
    strict = feedkit(tmp_path, "check", "--strict")
    assert strict.returncode == 1
    assert strict.stderr == warned + "error: 1 warning(s) and --strict is on\n"
    built = feedkit(tmp_path, "build")
    assert (built.returncode, built.stderr) == (0, warned)
    # An update given, but an earlier one: named as such, at the line one further down.
    post(tmp_path / "content" / "caches.md", updated="2025-01-05")
    checked = feedkit(tmp_path, "check")
    assert checked.stderr == warning("content/caches.md", 10, "last updated 2025-01-05")
    # The day the note says, with a time, or a later one: nothing to say.
    for updated in ("2025-03-12 09:40:00+01:00", "2025-06-01"):
        post(tmp_path / "content" / "caches.md", updated=updated)
        assert (feedkit(tmp_path, "check").stderr, feedkit(tmp_path, "build").stderr) == ("", "")
    [item] = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    assert item["date_modified"] == "2025-06-01T00:00:00+02:00"


def test_the_day_updated_is_the_sites_too_and_the_advice_never_goes_back(
    tmp_path: Path,
) -> None:
    # 2025-03-11T20:00:00Z is 12 March, 09:00 in the site's Auckland: the note agrees, where
    # feedkit said 11 March and advised `updated: 2025-03-12`, nine hours earlier.
    toml = SITE_TOML.replace('timezone = "Europe/Berlin"', 'timezone = "Pacific/Auckland"')
    (tmp_path / "feedkit.toml").write_text(toml, encoding="utf-8")
    post(tmp_path / "content" / "caches.md", updated="2025-03-11T20:00:00Z")
    assert (feedkit(tmp_path, "check").stderr, feedkit(tmp_path, "build").stderr) == ("", "")
    # A day earlier there too: said, with that day (and the date as written, of another
    # day), and the day advised is later than it.
    post(tmp_path / "content" / "caches.md", updated="2025-03-10T20:00:00Z")
    written = "last updated 2025-03-11 (written 2025-03-10 20:00+00:00)"
    warned = warning("content/caches.md", 10, written)
    assert feedkit(tmp_path, "check").stderr == warned


def test_a_post_no_feed_shows_is_not_warned_of(tmp_path: Path) -> None:
    # Its last update changes nothing feeds or the digest give: a warning would be noise,
    # and fail `--strict` over a team blog's old posts.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML + "limit = 1\n", encoding="utf-8")
    post(tmp_path / "content" / "caches.md")
    newer = tmp_path / "content" / "newer.md"
    newer.write_text("---\ntitle: Newer\ndate: 2025-05-01\n---\nNewer.\n", "utf-8")
    for command in ("check", "build"):
        done = feedkit(tmp_path, command, "--strict")
        assert (done.returncode, done.stderr) == (0, ""), command
    [item] = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    assert item["title"] == "Newer"
    # Once it is in the feed, it is.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML + "limit = 2\n", encoding="utf-8")
    checked = feedkit(tmp_path, "check")
    assert checked.stderr == warning("content/caches.md", 9, "published 2024-10-03")


@pytest.mark.parametrize(
    ("layout", "name", "key"),
    [
        ({"hugo.toml": 'baseURL = "https://h.example.org/"\n'}, "content/posts/c.md", "lastmod"),
        (
            {"content/_config.yml": "title: J\n"},
            "content/_posts/2024-10-03-c.md",
            "last_modified_at",
        ),
        ({"pelicanconf.py": "AUTHOR = 'A'\n"}, "content/c.md", "modified"),
    ],
)
def test_the_key_named_is_the_one_the_sites_generator_reads(
    tmp_path: Path, layout: dict[str, str], name: str, key: str
) -> None:
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    for path, text in layout.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    post(tmp_path / name)
    checked = feedkit(tmp_path, "check")
    assert checked.stderr.endswith(warning(name, 9, "published 2024-10-03", key)), checked.stderr


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("*[Updated on 12 March 2025: the example changed.]*", date(2025, 3, 12)),
        ("**Update (2025-03-12):** fixed a typo.", date(2025, 3, 12)),
        ("> **UPDATE, Mar 12th, 2025**: see below.", date(2025, 3, 12)),
        ("_UPDATED: March 12, 2025_", date(2025, 3, 12)),
        ("- Updated 2025-3-12 — a list item", date(2025, 3, 12)),
        ("## Update 12 Sept 2025", date(2025, 9, 12)),
        ("Updated on 12\nMarch 2025: across a line break", date(2025, 3, 12)),
        ("[Updated on [12 March 2025](https://example.org/log): linked]", date(2025, 3, 12)),
        ("*Last updated on 12 March 2025*", date(2025, 3, 12)),
        ("> Last Updated: 2025-03-12", date(2025, 3, 12)),
        ("**LAST UPDATED** March 12, 2025", date(2025, 3, 12)),
    ],
)
def test_a_note_and_its_day_are_found(text: str, day: date) -> None:
    body = f"Opening paragraph.\n\n{text}\n\nLast paragraph.\n"
    assert may_have_note(body)
    assert notes(body, PLAIN.options) == [(3, day)]


@pytest.mark.parametrize(
    "text",
    [
        "We updated on 12 March 2025 the cache.",  # not at a paragraph's start
        "```\nUpdated on 12 March 2025\n```",  # code
        "    Updated on 12 March 2025",  # indented code
        "<div>\nUpdated on 12 March 2025\n</div>",  # an HTML block
        "Updated on 31 February 2025: no such day.",
        "Updated on 12 March: no year.",
        "Updated on 12 March 20255: no such year.",
        "Updates on 12 March 2025 are planned.",
        "updated on 12 March 2025, lower case",
        "last updated on 12 March 2025, lower case",
        "Last week I updated on 12 March 2025 the cache.",
        "Last, updated on 12 March 2025.",
    ],
)
def test_what_is_no_note_is_not_taken_for_one(text: str) -> None:
    body = f"Opening paragraph.\n\n{text}\n\nLast paragraph.\n"
    assert notes(body, PLAIN.options) == []


def test_the_quick_look_passes_over_update_that_opens_no_line() -> None:
    assert not may_have_note("We update the cache.\nIt was updated later.\n")
    assert not may_have_note("No such word.\n")
    assert may_have_note("Text.\n\n  > *[Updated on 1 May 2025]*\n")
    assert may_have_note("Text.\n\n1. **UPDATE:** 2025-05-01\n")
    assert not may_have_note("Text.\n\nupdated on 1 May 2025, not a note's way\n")
    assert may_have_note("Text.\n\n_Last updated: 1 May 2025_\n")
    assert not may_have_note("Text.\nAt Last updated on 1 May 2025, mid-line\n")
