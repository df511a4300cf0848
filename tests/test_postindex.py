"""The digest reads posts through the post index: a file is parsed again only when it changed
(or was too fresh to trust), and what a run shows is what a run without the index shows."""

from __future__ import annotations

import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest

from feedkit import parallel
from feedkit.config import load_config
from feedkit.mail.snapshot import make_record
from feedkit.mail.state import State
from feedkit.posts import loader, postread, walk
from feedkit.posts.loader import load_posts
from feedkit.posts.postbody import read_body
from feedkit.site import postindex
from feedkit.site.cache import BuildCache
from feedkit.site.postindex import READ_FOLDER, read_index, reader_cache
from feedkit.site.postlist import templates_of

from conftest import NOW, SITE_TOML
from digest_site import (
    SECRET_ENV,
    digest_command,
    make_digest_site,
    outbox_messages,
    site_after_first_digest,
    write_post,
)


@pytest.fixture(autouse=True)
def one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dry run reads the posts in a forked child where it can: these tests count the
    reads and saves, so every run here reads in this process."""
    monkeypatch.setattr(parallel, "cores", lambda: 1)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the post files parsed (their front matter read), in order."""
    names: list[str] = []
    real = loader.read_head

    def counted(path, shown, *rest):  # type: ignore[no-untyped-def]
        names.append(Path(path).name)
        return real(path, shown, *rest)

    monkeypatch.setattr(loader, "read_head", counted)
    return names


def settle(root: Path) -> None:
    """Make the posts written in the last minute look written a minute earlier: the index
    trusts only settled files."""
    recent = time.time_ns() - 60_000_000_000
    for path in (root / "content").rglob("*.md"):
        st = path.stat()
        if st.st_mtime_ns > recent:
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


def index_folder(root: Path) -> Path:
    return root / ".feedkit" / "cache" / READ_FOLDER


def dry_run(root: Path) -> str:
    result = digest_command(root, "--dry-run")
    assert result.exit_code == 0, result.output
    return result.stdout


def without_index(root: Path) -> str:
    """Return a dry run's output with no index to go by (read afresh, then put back)."""
    kept = index_folder(root).with_name("kept")
    shutil.move(index_folder(root), kept)
    try:
        return dry_run(root)
    finally:
        shutil.rmtree(index_folder(root))
        shutil.move(kept, index_folder(root))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    site_after_first_digest(tmp_path)  # three old posts, recorded as sent
    write_post(tmp_path, "fresh", "A fresh post", NOW - timedelta(hours=1))
    settle(tmp_path)
    return tmp_path


def test_the_first_digest_run_reads_the_archive_in_full_in_one_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: list[str]
) -> None:
    # The first run records each archive post's title and date (a post renamed later is
    # known by them): every post read in full once, in one call that a forked child could
    # share, not one file at a time.
    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    cfg = make_digest_site(tmp_path, [("ada@example.org", "Ada")], posts=4)
    settle(tmp_path)
    assert dry_run(tmp_path).startswith("First run: would record 4 published post(s)")
    calls: list[int] = []
    real = postindex.parse_files

    def counted(cfg, paths, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(paths))
        return real(cfg, paths, *args, **kwargs)

    monkeypatch.setattr(postindex, "parse_files", counted)
    reads.clear()
    result = digest_command(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("First run: recorded 4 published post(s)")
    # Each file twice: its row for the index (a dry run on a new site keeps none), then in
    # full; the full reads in one call.
    assert sorted(reads) == sorted([f"old-{i}.md" for i in range(4)] * 2)
    assert calls == [4]
    with State.open(cfg.path(cfg.digest.state)) as state:
        rows = state.conn.execute("SELECT title, published FROM baseline ORDER BY title")
        assert [(title, published[:10]) for title, published in rows] == [
            (f"Old post {i}", (NOW - timedelta(days=30 - i)).date().isoformat()) for i in range(4)
        ]


def test_a_dry_run_parses_only_the_posts_its_digest_shows(site: Path, reads: list[str]) -> None:
    first = dry_run(site)
    assert "Would send a new digest of 1 post(s)" in first
    reads.clear()
    assert dry_run(site) == first
    assert reads == ["fresh.md"]  # read in full to be shown; no file parsed for planning


def test_a_digest_parses_only_the_new_posts(site: Path, reads: list[str]) -> None:
    dry_run(site)  # the index is made
    write_post(site, "added", "An added post", NOW - timedelta(minutes=5))
    settle(site)
    reads.clear()
    result = digest_command(site)
    assert result.exit_code == 0, result.output
    assert "(2 post(s)) sent: 1 sent" in result.stdout
    assert sorted(reads) == ["added.md", "added.md", "fresh.md"]  # added: its row, in full
    [message] = outbox_messages(site).values()
    assert b"An added post" in message and b"A fresh post" in message
    reads.clear()
    assert "No new posts since the last digest" in digest_command(site).stdout
    assert reads == []


def test_the_sample_of_a_test_copy_is_all_that_is_read(site: Path, reads: list[str]) -> None:
    assert digest_command(site).exit_code == 0  # the fresh post goes out: none is new now
    reads.clear()
    result = digest_command(site, "--to", "test@example.net")
    assert result.exit_code == 0, result.output
    assert "a sample of the newest 3" in result.stdout
    assert sorted(reads) == ["fresh.md", "old-1.md", "old-2.md"]


def test_edits_additions_deletions_and_a_config_change_are_seen(
    site: Path, reads: list[str]
) -> None:
    content = site / "content"
    fresh = content / "fresh.md"
    dry_run(site)
    steps = [
        lambda: fresh.write_text(fresh.read_text().replace("A fresh post", "Retitled post")),
        lambda: write_post(site, "added", "An added post", NOW - timedelta(minutes=5)),
        lambda: fresh.unlink(),
        lambda: write_post(site, "later", "Not yet", NOW + timedelta(days=1)),
        lambda: (content / "old-0.md").write_text(
            (content / "old-0.md").read_text().replace("Old post 0", "Renamed old post")
        ),
    ]
    shown = []
    for step in steps:
        step()
        settle(site)
        out = dry_run(site)
        assert out == without_index(site)
        shown.append(out)
    assert "  - Retitled post <" in shown[0]
    assert "digest of 2 post(s)" in shown[1] and "  - An added post <" in shown[1]
    assert "digest of 1 post(s)" in shown[2] and "Retitled post" not in shown[2]
    assert "Not yet" not in shown[3]
    assert shown[4] == shown[3]  # an old post's title is in no digest
    toml = site / "feedkit.toml"
    toml.write_text(toml.read_text().replace("Example Blog", "Renamed Blog"))
    reads.clear()
    out = dry_run(site)
    assert "Subject: Renamed Blog: An added post" in out
    assert len(reads) == 5 + 1  # every post again: the settings changed; then the shown one


def test_a_rewrite_that_keeps_a_fresh_files_status_is_seen(
    site: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # On a file system with coarse timestamps a rewrite can keep size, mtime, ctime and
    # inode: a file written just before the index was saved is not trusted by its status.
    coarse = lambda st: walk._STAT.pack(st.st_size, st.st_mtime_ns, 0, 0)  # noqa: E731
    monkeypatch.setattr(postread, "stat_key", coarse)
    monkeypatch.setattr(walk, "stat_key", coarse)
    path = site / "content" / "fresh.md"
    path.write_text(path.read_text().replace("A fresh post", "A first post"))  # now: fresh
    assert "  - A first post <" in dry_run(site)
    before = path.stat()
    path.write_text(path.read_text().replace("A first post", "A later post"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads.clear()
    assert "  - A later post <" in dry_run(site)
    assert reads == ["fresh.md", "fresh.md"]  # its row again, then in full


@pytest.mark.parametrize("damage", ["garbage", "empty", "missing"])
def test_a_damaged_or_missing_index_only_costs_reading_every_post(
    site: Path, reads: list[str], damage: str
) -> None:
    first = dry_run(site)
    for path in index_folder(site).iterdir():
        if damage == "garbage":
            path.write_bytes(b"\x00not a cache\xff" * 10)
        elif damage == "empty":
            path.write_bytes(b"")
        else:
            path.unlink()
    reads.clear()
    assert dry_run(site) == first
    assert sorted(reads) == ["fresh.md", "fresh.md", "old-0.md", "old-1.md", "old-2.md"]
    reads.clear()
    assert dry_run(site) == first  # and the index is whole again
    assert reads == ["fresh.md"]


def test_a_link_to_another_post_is_found_reading_only_that_post(
    tmp_path: Path, reads: list[str]
) -> None:
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    posts = tmp_path / "content" / "_posts"
    posts.mkdir(parents=True)
    for n in range(3):
        (posts / f"2024-01-0{n + 1}-old-{n}.md").write_text(f"---\ntitle: Old {n}\n---\nOld.\n")
    link = "See [the first]({% post_url 2024-01-01-old-0 %})."
    (posts / "2024-02-01-new.md").write_text(f"---\ntitle: New\n---\n{link}\n")
    cfg = load_config(tmp_path / "feedkit.toml")
    public = read_index(cfg, reader_cache(cfg)).public(NOW)
    reads.clear()
    record = make_record(public[:1], cfg, NOW, among=public)
    assert [p.title for p in record.posts] == ["New"]
    assert reads == ["2024-02-01-new.md", "2024-01-01-old-0.md"]  # the one shown, the one named
    templates = templates_of(cfg, public)
    expanded = templates.expand(public[0], read_body(public[0]))
    # post_url's path on the site, as Jekyll 4 gives it (the HTML makes it absolute)
    assert "See [the first](/blog/2024/01/01/old-0.html)." in expanded.text
    assert templates.paths == [p.rel_path for p in load_posts(cfg).posts]


def test_a_sites_first_digest_keeps_the_index_for_the_runs_after_it(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    make_digest_site(tmp_path, [("ada@example.org", "Ada")])
    settle(tmp_path)
    result = digest_command(tmp_path)  # the first run: no .feedkit folder before it
    assert result.exit_code == 0, result.output
    assert "First run: recorded 3 published post(s)" in result.stdout
    write_post(tmp_path, "fresh", "A fresh post", NOW - timedelta(hours=1))
    settle(tmp_path)
    reads.clear()
    assert "  - A fresh post <" in dry_run(tmp_path)
    assert reads == ["fresh.md", "fresh.md"]  # its row, then in full: no other post read


def test_a_dry_run_that_reads_only_files_too_fresh_to_keep_rewrites_no_index(
    site: Path, reads: list[str]
) -> None:
    dry_run(site)
    before = {p.name: p.stat() for p in index_folder(site).iterdir()}
    write_post(site, "added", "An added post", NOW - timedelta(minutes=5))  # just now: fresh
    reads.clear()
    for _ in range(2):  # as often as it runs while the new file is too fresh to trust
        assert "  - An added post <" in dry_run(site)
    assert reads == ["added.md", "added.md", "fresh.md"] * 2  # rows, then the two shown
    after = {p.name: p.stat() for p in index_folder(site).iterdir()}
    assert after.keys() == before.keys()
    for name, st in before.items():  # not written again: it would keep nothing more
        assert (after[name].st_ino, after[name].st_mtime_ns) == (st.st_ino, st.st_mtime_ns)
    settle(site)
    reads.clear()
    dry_run(site)  # settled now: read once more and kept
    reads.clear()
    dry_run(site)
    assert sorted(reads) == ["added.md", "fresh.md"]  # only the two the digest shows


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per time the index's rows were loaded and brought up to date."""
    calls: list[int] = []
    real = BuildCache.refresh

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(BuildCache, "refresh", counted)
    return calls


def test_a_dry_run_with_no_post_file_changed_loads_no_index_row(
    site: Path, reads: list[str], refreshes: list[int]
) -> None:
    first = dry_run(site)
    refreshes.clear()
    reads.clear()
    assert dry_run(site) == first
    assert (refreshes, reads) == ([], ["fresh.md"])  # only the post it shows, in full


def test_posts_that_come_due_or_expire_between_dry_runs_are_seen(
    site: Path, reads: list[str], refreshes: list[int]
) -> None:
    write_post(site, "later", "A scheduled post", NOW + timedelta(days=1))
    expiring = site / "content" / "expiring.md"
    write_post(site, "expiring", "An expiring post", NOW - timedelta(minutes=30))
    expiring.write_text(
        expiring.read_text().replace("tags:", f"expiryDate: {NOW + timedelta(days=2)}\ntags:")
    )
    settle(site)
    dry_run(site)
    refreshes.clear()
    shown = []
    for days in (0, 1, 2, 3, 0):
        when = (NOW + timedelta(days=days, hours=1)).isoformat()
        result = digest_command(site, "--dry-run", env={"FEEDKIT_NOW": when})
        assert result.exit_code == 0, result.output
        shown.append([line for line in result.stdout.splitlines() if line.startswith("  - ")])
    assert [len(titles) for titles in shown] == [2, 3, 2, 2, 2]
    assert "A scheduled post" in str(shown[1]) and "An expiring post" not in str(shown[2])
    assert shown[4] == shown[0]
    assert refreshes == [1, 1, 1]  # when the posts readers may see changed: not again after


def test_a_posts_warning_is_shown_by_every_dry_run(
    site: Path, reads: list[str], refreshes: list[int]
) -> None:
    dated = f"date: {NOW - timedelta(days=40)}\nupdated: {NOW - timedelta(days=41)}"
    (site / "content" / "early.md").write_text(f"---\ntitle: Early\n{dated}\n---\nEarly.\n")
    settle(site)
    warning = "content/early.md:4: warning: updated is before the post's date; using the date"
    first = digest_command(site, "--dry-run")
    refreshes.clear()
    reads.clear()
    again = digest_command(site, "--dry-run")
    assert (refreshes, sorted(reads)) == ([], ["early.md", "fresh.md"])  # the two new ones
    assert warning in first.stderr
    assert (again.exit_code, again.stdout, again.stderr) == (0, first.stdout, first.stderr)


def test_a_dry_run_after_posts_were_added_loads_no_index_row(
    site: Path, reads: list[str], refreshes: list[int]
) -> None:
    dry_run(site)  # the posts readers may see are kept
    write_post(site, "between", "A post between the old ones", NOW - timedelta(days=28, hours=12))
    write_post(site, "added", "An added post", NOW - timedelta(minutes=5))
    write_post(site, "later", "A scheduled post", NOW + timedelta(days=1))
    draft = site / "content" / "draft.md"
    draft.write_text("---\ntitle: A draft\ndraft: true\ndate: 2025-01-01\n---\nNot yet.\n")
    settle(site)
    refreshes.clear()
    reads.clear()
    out = dry_run(site)
    assert refreshes == []  # only the four new files were read: their rows, then the shown
    assert sorted(reads) == [
        "added.md", "added.md", "between.md", "between.md", "draft.md", "fresh.md", "later.md",
    ]  # fmt: skip
    assert out == without_index(site)
    assert "digest of 3 post(s)" in out and "A scheduled post" not in out
    cfg = load_config(site / "feedkit.toml")
    listed = read_index(cfg, reader_cache(cfg), NOW).public(NOW)
    public = [p for p in load_posts(cfg).posts if p.is_public(NOW)]  # in order, all read
    assert (listed.paths, listed.ids) == ([p.rel_path for p in public], [p.id for p in public])
    refreshes.clear()
    tomorrow = (NOW + timedelta(days=1, hours=1)).isoformat()
    later = digest_command(site, "--dry-run", env={"FEEDKIT_NOW": tomorrow})
    assert "  - A scheduled post <" in later.stdout
    assert refreshes == [1]  # the scheduled post came due: a full read, as before


@pytest.mark.parametrize(
    "added",
    ["_index.md", "_posts/2026-11-22-jekyll-post.md"],
    ids=["hugo-section-page", "jekyll-posts-folder"],
)
def test_an_added_file_that_changes_the_folders_layout_reads_every_post_again(
    site: Path, added: str
) -> None:
    # A Hugo section page makes every post a Hugo page with Hugo's URL (and so another ID);
    # a `_posts/` folder makes the posts beside it Jekyll's pages. What the index and the
    # kept list hold was read by the old rules: the dry run is the one without them.
    dry_run(site)
    path = site / "content" / added
    path.parent.mkdir(exist_ok=True)
    path.write_text("---\ntitle: Added\ndate: 2026-11-22 09:00\n---\nIt came.\n")
    settle(site)
    assert dry_run(site) == without_index(site)
    assert dry_run(site) == without_index(site)  # and from what that run kept


def test_an_added_post_that_takes_another_posts_url_is_refused_as_before(
    site: Path, refreshes: list[int]
) -> None:
    draft = site / "content" / "draft.md"
    draft.write_text("---\ntitle: A draft\ndraft: true\ndate: 2025-01-01\n---\nNot yet.\n")
    settle(site)
    dry_run(site)
    (site / "content" / "again.md").write_text(
        "---\ntitle: Again\nslug: draft\ndate: 2025-01-02\n---\nSame slug.\n"
    )
    settle(site)
    refreshes.clear()
    result = digest_command(site, "--dry-run")
    assert result.exit_code == 1
    assert (
        "content/draft.md:1: URL 'https://example.com/blog/2025/01/draft/' is also used by "
        "content/again.md; each post needs its own URL"
    ) in result.stderr
    assert refreshes == [1]


def test_an_added_post_that_takes_another_posts_url_but_not_its_slug_is_refused(
    site: Path, refreshes: list[int]
) -> None:
    (site / "content" / "first.md").write_text("---\ntitle: First\ndate: 2025-01-01\n---\nOne.\n")
    settle(site)
    dry_run(site)
    (site / "content" / "second.md").write_text(
        "---\ntitle: Second\ndate: 2025-02-01\nurl: /2025/01/first/\n---\nTwo.\n"
    )
    settle(site)
    result = digest_command(site, "--dry-run")
    assert result.exit_code == 1
    assert (
        "content/second.md:4: URL 'https://example.com/blog/2025/01/first/' is also used by "
        "content/first.md; each post needs its own URL"
    ) in result.stderr


def test_an_added_post_that_shares_a_slug_at_its_own_url_is_listed(
    site: Path,
) -> None:
    (site / "content" / "2024-12-31-review.md").write_text(
        "---\ntitle: Review 2024\n---\nA year.\n"
    )
    settle(site)
    dry_run(site)
    (site / "content" / "2025-12-31-review.md").write_text(
        "---\ntitle: Review 2025\n---\nAnother.\n"
    )
    settle(site)
    shown = dry_run(site)
    assert "Review 2024" in shown and "Review 2025" in shown
    assert shown == without_index(site)


def test_an_edit_beside_an_added_post_reads_the_index(
    site: Path, reads: list[str], refreshes: list[int]
) -> None:
    dry_run(site)
    old = site / "content" / "old-0.md"
    old.write_text(old.read_text().replace("Old post 0", "Renamed old post"))
    write_post(site, "added", "An added post", NOW - timedelta(minutes=5))
    settle(site)
    refreshes.clear()
    out = dry_run(site)
    assert refreshes == [1]
    assert out == without_index(site)


def test_a_content_folder_outside_the_sites_folder_reads_its_added_post(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Posts outside feedkit.toml's folder are shown by their whole path: the post a digest
    # shows is found by it in the walk, as by a path shown from the site's folder.
    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    site = tmp_path / "site"
    site_after_first_digest(site)
    outside = tmp_path / "elsewhere"
    shutil.move(site / "content", outside / "content")
    toml = site / "feedkit.toml"
    toml.write_text(f'content_dir = "{outside / "content"}"\n' + toml.read_text("utf-8"), "utf-8")
    settle(outside)
    assert "Would send" not in dry_run(site)  # the archive was sent: the posts are kept
    write_post(outside, "added", "An added post", NOW - timedelta(minutes=5))
    settle(outside)
    reads.clear()
    out = dry_run(site)
    assert "  - An added post <" in out
    assert reads == ["added.md", "added.md"]  # its row, then the post shown in full
    assert out == without_index(site)
