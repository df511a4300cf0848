"""`feedkit digest --dry-run` reads the posts in a forked child while the renderer loads
(feedkit/mail/dryrun.py): it says what it said in one process, byte for byte, errors and
warnings included, and what the renderer loads early never outlives a template's change."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from feedkit import parallel
from feedkit.mail import dryrun
from feedkit.mail.digest import DigestRenderer, default_templates_dir
from feedkit.mail.snapshot import make_record
from feedkit.mail.state import Recipient, State
from feedkit.site import postindex

from conftest import NOW
from digest_site import (
    SECRET_ENV,
    digest_command,
    make_digest_site,
    outbox_messages,
    public,
    site_after_first_digest,
    write_post,
)

forks = pytest.mark.skipif(
    not hasattr(os, "fork") or parallel.cores() < 2, reason="one process without a second core"
)


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(autouse=True)
def split(monkeypatch: pytest.MonkeyPatch) -> None:
    """These sites are small: their dry runs split as a large site's first one does."""
    monkeypatch.setattr(dryrun, "SPLIT_FROM", 0)


def outcome(root: Path, *args: str) -> tuple[int, str, str]:
    result = digest_command(root, "--dry-run", *args)
    return result.exit_code, result.stdout, result.stderr


def in_one_process(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """Return the dry run's outcome as it was made before: planned, then rendered, here."""
    with monkeypatch.context() as patched:
        patched.setattr(dryrun, "SPLIT_FROM", 10**12)
        return outcome(root, *args)


def pids(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Note in `log` the process that reads the posts and the one that renders."""
    read, render = postindex.read_index, DigestRenderer.render

    def note(what: str) -> None:
        with log.open("a") as out:
            out.write(f"{what} {os.getpid()}\n")

    def reading(*args, **kwargs):  # type: ignore[no-untyped-def]
        note("read")
        return read(*args, **kwargs)

    def rendering(*args, **kwargs):  # type: ignore[no-untyped-def]
        note("render")
        return render(*args, **kwargs)

    monkeypatch.setattr(postindex, "read_index", reading)
    monkeypatch.setattr(DigestRenderer, "render", rendering)


def noted(log: Path) -> list[tuple[str, str]]:
    noted = [tuple(line.split()) for line in log.read_text().splitlines()]
    log.unlink()
    return noted  # type: ignore[return-value]


@forks
def test_the_posts_are_read_in_another_process_than_the_renderer_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_after_first_digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    log = tmp_path / "pids"
    pids(log, monkeypatch)
    code, out, err = outcome(tmp_path)
    assert (code, err) == (0, "")
    assert "Would send a new digest of 1 post(s)" in out
    first = noted(log)
    by = {what: {pid for did, pid in first if did == what} for what in ("read", "render")}
    assert by == {"read": by["read"], "render": {str(os.getpid())}}
    assert len(by["read"]) == 1 and by["read"] != by["render"]

    # Again: the render was kept since the list of posts, so premailer is not loaded, and
    # what is left to load takes less than a second process costs.
    assert outcome(tmp_path) == (code, out, err)
    assert {pid for _, pid in noted(log)} == {str(os.getpid())}

    # A small site's posts take less time to read than a second process costs.
    write_post(tmp_path, "new-b", "New post B", NOW - timedelta(minutes=30))
    monkeypatch.setattr(dryrun, "SPLIT_FROM", 500_000)
    assert "New post B" in outcome(tmp_path)[1]
    assert {pid for _, pid in noted(log)} == {str(os.getpid())}


def test_it_says_what_it_says_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = site_after_first_digest(tmp_path)
    # A post with a warning, a new post, and a post readers may not see yet.
    dated = f"date: {NOW - timedelta(days=2)}\nupdated: {NOW - timedelta(days=3)}"
    (tmp_path / "content" / "early.md").write_text(f"---\ntitle: Early\n{dated}\n---\nEarly.\n")
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    write_post(tmp_path, "later", "A scheduled post", NOW + timedelta(days=1))
    forked = outcome(tmp_path)
    assert forked[0] == 0 and "warning: updated is before the post's date" in forked[2]
    assert forked == in_one_process(tmp_path, monkeypatch)
    assert forked == outcome(tmp_path)  # again, from what the first kept
    with_latest = outcome(tmp_path, "--send-latest", "2")
    assert with_latest == in_one_process(tmp_path, monkeypatch, "--send-latest", "2")

    # Nothing new: the digest of these posts was sent.
    assert digest_command(tmp_path).exit_code == 0
    nothing = outcome(tmp_path)
    assert "No new posts since the last digest" in nothing[1]
    assert nothing == in_one_process(tmp_path, monkeypatch)

    # No state yet: the first run would record the archive.
    shutil.rmtree(cfg.cache_path)
    first = outcome(tmp_path)
    assert "First run: would record" in first[1]
    assert not (tmp_path / ".feedkit").exists()  # a dry run makes no state
    assert first == in_one_process(tmp_path, monkeypatch)


def test_a_broken_post_or_nobody_to_send_to_is_said_as_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_digest_site(tmp_path, [])
    dated = f"date: {NOW - timedelta(days=2)}\nupdated: {NOW - timedelta(days=3)}"
    (tmp_path / "content" / "early.md").write_text(f"---\ntitle: Early\n{dated}\n---\nEarly.\n")
    (tmp_path / "subscribers.csv").unlink()
    nobody = outcome(tmp_path)
    assert nobody[0] == 1
    warning, error = nobody[2].splitlines()[:2]
    assert warning.startswith("content/early.md:") and "warning:" in warning
    assert error.startswith("error: subscribers.csv: not found, and the reader list is empty")
    assert nobody == in_one_process(tmp_path, monkeypatch)

    bad = tmp_path / "content" / "bad.md"
    bad.write_text("---\ntitle: [unclosed\ndate: 2026-11-01\n---\nBody.\n", encoding="utf-8")
    broken = outcome(tmp_path)
    assert broken[0] == 1 and broken[1] == ""
    assert "content/bad.md:" in broken[2]
    assert broken == in_one_process(tmp_path, monkeypatch)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("digest.css", ".post-title {", ".post-title { color: #abcdef;"),
        ("digest.html.j2", "Read more", "Read on"),
    ],
)
def test_a_template_changed_after_a_dry_run_is_what_the_next_one_and_the_send_show(
    tmp_path: Path, name: str, old: str, new: str
) -> None:
    site_after_first_digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    templates = tmp_path / "email_templates"
    shutil.copytree(default_templates_dir(), templates)
    before = outcome(tmp_path)  # compiles, inlines and keeps what it made of these
    text = (templates / name).read_text(encoding="utf-8")
    assert old in text
    (templates / name).write_text(text.replace(old, new), encoding="utf-8")
    after = outcome(tmp_path)
    assert after[0] == 0 and after[1] != before[1]  # the HTML's size changed
    # The same as a run that keeps nothing made before: no compiled template, no stylesheet.
    shutil.rmtree(tmp_path / ".feedkit" / "cache" / "inlined")
    shutil.rmtree(tmp_path / ".feedkit" / "cache" / "templates")
    assert outcome(tmp_path) == after
    assert digest_command(tmp_path).exit_code == 0
    [sent] = outbox_messages(tmp_path).values()
    wanted = b"color:#abcdef" if name == "digest.css" else b"Read on"
    assert wanted in sent.replace(b"=\r\n", b"").replace(b"=\n", b"")


def test_a_digest_left_unfinished_is_said_as_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = site_after_first_digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=2))
    posts = public(cfg)
    record = make_record(posts[:1], cfg, NOW - timedelta(hours=1), among=posts)
    with State.open(cfg.path(cfg.digest.state)) as state:  # stopped before Ada was served
        state.create_digest(record, [Recipient("ada@example.org", "Ada")])
    write_post(tmp_path, "new-b", "New post B", NOW - timedelta(minutes=30))
    forked = outcome(tmp_path)
    assert forked[0] == 0
    assert f"Would resume digest {record.id} (1 post(s)) for 1 reader(s)" in forked[1]
    assert "Would send a new digest of 1 post(s)" in forked[1]
    assert forked == in_one_process(tmp_path, monkeypatch)
