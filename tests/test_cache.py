"""The build cache: never stale, byte-identical to a build without it, robust to damage."""

from __future__ import annotations

import importlib.metadata
import marshal
import os
import pickle
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import feedkit
from feedkit.cli import main
from feedkit.config import load_config
from feedkit.posts import postread, walk
from feedkit.posts.loader import load_posts
from feedkit.site import cache as cache_module
from feedkit.site import cachefiles
from feedkit.site.build import plan_build
from feedkit.site.cache import BuildCache
from feedkit.site.cachefiles import CHOICE
from feedkit.site.render import render_posts

from conftest import NOW, NOW_ENV, SITE_TOML


def post(title: str, date: str, body: str = "Body text.", extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: [alpha, beta]\n{extra}---\n{body}\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "feedkit.toml").write_text(SITE_TOML.replace("[feed]", "[feed]\nlimit = 3"))
    content = tmp_path / "content"
    content.mkdir()
    for i in range(6):
        (content / f"p{i}.md").write_text(post(f"Post {i}", f"2024-01-{i + 1:02d}"))
    return tmp_path


def build(site: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main,
        ["build", "--config", str(site / "feedkit.toml"), *args],
        env=NOW_ENV,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def outputs(site: Path) -> dict[str, bytes]:
    out = site / "public"
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def assert_same_as_uncached(site: Path) -> None:
    """The cached build's files on disk equal what a build without the cache makes."""
    cfg = load_config(site / "feedkit.toml")
    fresh = plan_build(cfg, NOW).files
    assert outputs(site) == dict(fresh)


def age(path: Path, seconds: int = 60) -> None:
    """Make a file look written a while ago: the cache trusts only settled files."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def settle(site: Path) -> None:
    for path in (site / "content").rglob("*.md"):
        age(path)


def test_every_kind_of_change_is_seen(site: Path) -> None:
    content = site / "content"
    settle(site)
    build(site)
    assert_same_as_uncached(site)
    assert "(0 changed)" in build(site)  # nothing changed: nothing written

    steps = [
        lambda: (content / "p5.md").write_text(post("Post 5 edited", "2024-01-06")),
        lambda: (content / "p6.md").write_text(post("Post 6 added", "2024-01-07")),
        lambda: (content / "p6.md").unlink(),
        lambda: (content / "p4.md").rename(content / "p4-renamed.md"),
        lambda: (content / "p0.md").write_text(post("Old post, now new", "2024-02-01")),
        lambda: (content / "p1.md").write_text(
            post("Drafted", "2024-03-01", extra="draft: true\n")
        ),
        lambda: (content / "p1.md").write_text(post("Undrafted", "2024-03-01")),
        lambda: (content / "p2.md").write_text(post("Tags", "2024-01-03").replace("beta", "gamma")),
        lambda: (content / "future.md").write_text(post("Later", "2099-01-01")),
    ]
    for step in steps:
        step()
        build(site)
        assert_same_as_uncached(site)
        settle(site)


def test_a_new_folder_is_walked_and_files_that_are_not_posts_change_nothing(
    site: Path,
) -> None:
    content = site / "content"
    settle(site)
    build(site)
    bundle = content / "bundle-post"  # a page bundle: its post is the folder's index.md
    bundle.mkdir()
    (bundle / "index.md").write_text(post("Bundled", "2024-02-01", body="In a folder."))
    assert "from 7 posts" in build(site)
    assert_same_as_uncached(site)
    (bundle / "index.md").write_text(post("Bundled, edited", "2024-02-01"))
    build(site)
    assert b"Bundled, edited" in (site / "public" / "atom.xml").read_bytes()
    assert_same_as_uncached(site)
    settle(site)
    build(site)
    (content / "notes.txt").write_text("not a post")
    (content / ".draft.md").write_text("hidden")
    assert "up to date (0 changed); 7 posts" in build(site)


def test_same_size_rewrite_within_the_same_second_is_seen(site: Path) -> None:
    path = site / "content" / "p5.md"
    build(site)  # p5 was just written: too fresh to be trusted by the cache
    before = path.stat()
    path.write_text(post("Post 5", "2024-01-06", body="Bode text."))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime, to the ns
    assert path.stat().st_size == before.st_size
    build(site)
    assert b"Bode text." in (site / "public" / "atom.xml").read_bytes()
    assert_same_as_uncached(site)


def test_fresh_files_are_not_trusted_by_status_alone(site: Path, monkeypatch) -> None:
    # On a file system with coarse timestamps a rewrite can keep size, mtime, ctime and
    # inode. The index then must not hold files written just before it was.
    coarse = lambda st: walk._STAT.pack(st.st_size, st.st_mtime_ns, 0, 0)  # noqa: E731
    monkeypatch.setattr(postread, "stat_key", coarse)
    monkeypatch.setattr(walk, "stat_key", coarse)
    path = site / "content" / "p5.md"
    build(site)
    before = path.stat()
    path.write_text(post("Post 5", "2024-01-06", body="Bode text."))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    build(site)
    assert b"Bode text." in (site / "public" / "atom.xml").read_bytes()


def test_a_file_changed_just_before_a_long_build_read_it_is_not_trusted(site: Path) -> None:
    # The build began 2.5 s before it saved its cache and read p5 then, 0.5 s after p5 was
    # written: on a file system with coarse timestamps a rewrite of p5 right after the read
    # could keep its status, so p5 must not enter the index, though it is 3 s old at saving.
    settle(site)
    path = site / "content" / "p5.md"
    st = path.stat()
    now = time.time_ns()
    os.utime(path, ns=(st.st_atime_ns, now - 3_000_000_000))
    cfg = load_config(site / "feedkit.toml")
    cache = BuildCache.open(cfg)
    cache.started_ns = now - 2_500_000_000
    plan = plan_build(cfg, NOW, cache=cache)
    assert plan.scan is not None
    cache.save(plan.scan, plan.summary)
    indexed = BuildCache.open(cfg)._load_rows()
    assert sorted(indexed) == [f"content/p{i}.md" for i in range(5)]  # all but p5


def test_settled_files_are_not_read_again(site: Path) -> None:
    settle(site)
    build(site)
    cfg = load_config(site / "feedkit.toml")
    cache = BuildCache.open(cfg)
    plan = plan_build(cfg, NOW, cache=cache)
    assert plan.reused and cache.read_files == 0
    (site / "content" / "p0.md").write_text(post("Post 0 edited", "2024-01-01"))
    cache = BuildCache.open(cfg)
    plan = plan_build(cfg, NOW, cache=cache)
    assert cache.read_files == 1 and plan.reused  # p0 is not in the 3-entry feed


def test_the_index_keeps_each_posts_choice_as_reading_it_gives(site: Path) -> None:
    (site / "content" / "p1.md").write_text(post("Drafted", "2024-01-02", extra="draft: true\n"))
    settle(site)
    build(site)
    cfg = load_config(site / "feedkit.toml")
    cache = BuildCache.open(cfg)
    refreshed = cache.refresh(cfg, cache.scan(cfg))
    assert cache.read_files == 0  # every row came from the index
    posts = {p.rel_path: p for p in load_posts(cfg).posts}
    assert {shown: row[CHOICE] for shown, row in refreshed.rows.items()} == {
        shown: p.choice() for shown, p in posts.items()
    }
    assert refreshed.rows["content/p1.md"][CHOICE].draft


def test_a_cold_build_takes_statuses_as_it_reads_and_the_next_build_stops_at_once(
    site: Path, monkeypatch
) -> None:
    settle(site)
    walks: list[bool] = []
    real_walk = cache_module.walk

    def walk(folder: Path, *, stat: bool = True, **given: Any) -> list[tuple[str, bytes | None]]:
        walks.append(stat)
        return real_walk(folder, stat=stat, **given)

    monkeypatch.setattr(cache_module, "walk", walk)
    build(site)  # no cache yet: every file is read, so the walk does not stat them
    cfg = load_config(site / "feedkit.toml")
    cache = BuildCache.open(cfg)
    plan = plan_build(cfg, NOW, cache=cache)
    assert walks == [False, True]
    # The statuses taken while reading give the same fingerprint as a walk that stats.
    assert plan.unchanged and cache.read_files == 0 and cache.rows is None
    path = site / "content" / "p5.md"
    path.write_text(post("Post 5", "2024-01-06", body="A new body."))
    age(path, 5)
    build(site)
    assert b"A new body." in (site / "public" / "atom.xml").read_bytes()


def test_config_change_invalidates_the_cache(site: Path) -> None:
    settle(site)
    build(site)
    toml = (site / "feedkit.toml").read_text().replace("limit = 3", "limit = 4")
    (site / "feedkit.toml").write_text(toml.replace('title = "Example Blog"', 'title = "Renamed"'))
    result = CliRunner().invoke(
        main, ["build", "--config", str(site / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    # Which part changed, not every part that might have.
    assert result.stderr == "note: build cache thrown away: the settings in feedkit.toml changed\n"
    assert b"<title>Renamed</title>" in (site / "public" / "atom.xml").read_bytes()
    assert_same_as_uncached(site)


def test_the_math_setting_changes_the_feeds_and_the_cached_renders(site: Path) -> None:
    (site / "content" / "p5.md").write_text(post("Post 5", "2024-01-06", body="Let $x^2$ be."))
    settle(site)
    build(site)
    atom = site / "public" / "atom.xml"
    assert b"<mi>x</mi><mn>2</mn>" in atom.read_bytes()
    toml = (site / "feedkit.toml").read_text()
    (site / "feedkit.toml").write_text(toml.replace("[feed]", '[feed]\nmath = "source"'))
    build(site)
    assert b'&lt;span class="math inline"&gt;$x^2$&lt;/span&gt;' in atom.read_bytes()
    assert b"<mi>" not in atom.read_bytes()
    assert_same_as_uncached(site)
    # A render kept for one setting is not taken for the other, even by a cache that stays.
    cfg = load_config(site / "feedkit.toml")
    posts = {p.rel_path: p for p in load_posts(cfg).posts}
    cache = BuildCache.open(cfg)
    as_source = render_posts(posts, cfg, cache)["content/p5.md"][0].html
    as_mathml = replace(cfg, feed=replace(cfg.feed, math="mathml"))
    assert "<math" not in as_source
    assert "<math" in render_posts(posts, as_mathml, cache)["content/p5.md"][0].html


def test_a_hugo_configuration_that_appears_changes_which_files_are_posts(site: Path) -> None:
    # The same files, read by other rules: about.md becomes a page outside the main section.
    posts = site / "content" / "posts"
    posts.mkdir()
    for p in sorted((site / "content").glob("p*.md")):
        p.rename(posts / p.name)
    (site / "content" / "about.md").write_text(post("About", "2024-02-01"))
    settle(site)
    build(site)
    assert b"<title>About</title>" in (site / "public" / "atom.xml").read_bytes()
    (site / "hugo.toml").write_text('title = "Example"\n')
    build(site)
    assert b"<title>About</title>" not in (site / "public" / "atom.xml").read_bytes()
    assert_same_as_uncached(site)


def test_a_translation_that_appears_beside_a_cached_post_takes_its_place(site: Path) -> None:
    (site / "hugo.toml").write_text('title = "Example"\n')
    posts = site / "content" / "posts"
    posts.mkdir()
    for p in sorted((site / "content").glob("p*.md")):
        p.rename(posts / p.name)
    settle(site)
    build(site)
    (posts / "p5.en.md").write_text(post("Post 5 in English", "2024-01-06"))
    age(posts / "p5.en.md")
    build(site)
    atom = (site / "public" / "atom.xml").read_bytes()
    assert b"<title>Post 5 in English</title>" in atom and b"<title>Post 5</title>" not in atom
    assert_same_as_uncached(site)


def test_a_section_page_that_appears_makes_the_folder_hugos_and_every_post_is_read_again(
    site: Path,
) -> None:
    # Hugo's `_index.md` is no post, but its coming makes every post a Hugo page, with the
    # URL Hugo gives it (and so another ID): no row read under the old rules still holds.
    settle(site)
    build(site)
    assert b"/blog/2024/01/p5/" in (site / "public" / "atom.xml").read_bytes()
    (site / "content" / "_index.md").write_text("---\ntitle: Home\n---\nWelcome.\n")
    settle(site)
    build(site)
    atom = (site / "public" / "atom.xml").read_bytes()
    assert b"/blog/p5/" in atom and b"/2024/01/" not in atom
    assert_same_as_uncached(site)
    (site / "content" / "_index.md").unlink()
    build(site)
    assert b"/blog/2024/01/p5/" in (site / "public" / "atom.xml").read_bytes()
    assert_same_as_uncached(site)


def test_a_posts_folder_that_appears_makes_the_folder_jekylls(site: Path) -> None:
    # With a `_posts/` folder, only what is in it is a post: the files beside it are pages.
    settle(site)
    build(site)
    (site / "content" / "_posts").mkdir()
    (site / "content" / "_posts" / "2024-02-01-new.md").write_text(post("New", "2024-02-01"))
    settle(site)
    build(site)
    atom = (site / "public" / "atom.xml").read_bytes()
    assert b"<title>New</title>" in atom and b"<title>Post 5</title>" not in atom
    assert_same_as_uncached(site)


def test_deleted_or_edited_outputs_are_rebuilt(site: Path) -> None:
    settle(site)
    build(site)
    (site / "public" / "rss.xml").unlink()
    (site / "public" / "atom.xml").write_text("scribbled")
    build(site)
    assert_same_as_uncached(site)


def test_the_index_is_saved_a_few_rows_at_a_time_and_read_back_whole(
    site: Path, monkeypatch
) -> None:
    # Saved in one piece, 20,000 rows would be in memory twice more while they are written.
    monkeypatch.setattr(cachefiles, "_ROWS_A_FRAME", 2)
    settle(site)
    build(site)
    cfg = load_config(site / "feedkit.toml")
    index = site / ".feedkit" / "cache" / "index.marshal"
    data = index.read_bytes()
    frames, start = [], 0
    while start < len(data):
        size = int.from_bytes(data[start : start + 8], "little")
        frames.append(marshal.loads(data[start + 8 : start + 8 + size]))
        start += 8 + size
    assert [len(frame[0]) for frame in frames[1:]] == [2, 2, 2]  # after the header
    cache = BuildCache.open(cfg)
    refreshed = cache.refresh(cfg, cache.scan(cfg))
    assert cache.read_files == 0 and len(refreshed.rows) == 6
    index.write_bytes(data[:-5])  # cut within its last frame: no row of it is trusted
    cache = BuildCache.open(cfg)
    cache.refresh(cfg, cache.scan(cfg))
    assert cache.read_files == 6


def index_rows(site: Path) -> dict[str, Any]:
    """Return the index's rows as a build that reads nothing finds them, by path as shown."""
    cfg = load_config(site / "feedkit.toml")
    cache = BuildCache.open(cfg)
    refreshed = cache.refresh(cfg, cache.scan(cfg))
    assert cache.read_files == 0
    return refreshed.rows


def test_a_build_after_one_edit_adds_one_row_to_the_index_and_rewrites_no_other(
    site: Path,
) -> None:
    # At 20,000 posts, writing every row again took 18 ms of a 0.4 s build.
    settle(site)
    build(site)
    index = site / ".feedkit" / "cache" / "index.marshal"
    before = index.read_bytes()
    (site / "content" / "p0.md").write_text(post("P0", "2024-01-01", extra="draft: true\n"))
    age(site / "content" / "p0.md")  # settled, as the others: only its status changed
    build(site)
    after = index.read_bytes()
    assert after.startswith(before) and len(after) - len(before) < len(before) / 4
    assert index_rows(site)["content/p0.md"][CHOICE].draft
    assert_same_as_uncached(site)


def test_rows_of_removed_and_too_fresh_files_leave_the_index_that_keeps_the_others(
    site: Path,
) -> None:
    settle(site)
    build(site)
    kept = index_rows(site)
    (site / "content" / "p4.md").unlink()
    (site / "content" / "p2.md").write_text(post("Post 2 edited", "2024-01-03"))  # too fresh
    build(site)
    cfg = load_config(site / "feedkit.toml")
    cache = BuildCache.open(cfg)
    refreshed = cache.refresh(cfg, cache.scan(cfg))
    assert cache.read_files == 1 and cache.parsed == {"content/p2.md"}
    del kept["content/p4.md"], kept["content/p2.md"]
    assert {s: r for s, r in refreshed.rows.items() if s != "content/p2.md"} == kept
    assert_same_as_uncached(site)


def test_the_index_is_written_whole_again_once_its_changes_add_up(site: Path, monkeypatch) -> None:
    monkeypatch.setattr(cache_module, "CHANGES_KEPT", 2)
    settle(site)
    build(site)
    index = site / ".feedkit" / "cache" / "index.marshal"
    first = index.read_bytes()
    for i, name in enumerate(["p0.md", "p1.md", "p3.md"]):
        (site / "content" / name).write_text(post(f"Edit {i}", "2023-12-01"))
        age(site / "content" / name)
        build(site)
        if i < 2:
            assert index.read_bytes().startswith(first)
    assert not index.read_bytes().startswith(first)  # three changed rows: written whole
    rows = index_rows(site)
    assert len(rows) == 6 and ",2023-12-01:" in rows["content/p3.md"][CHOICE].id
    assert_same_as_uncached(site)


def test_a_build_with_nothing_changed_keeps_the_record_of_this_processs_code(
    site: Path, monkeypatch
) -> None:
    # Installing any package into site-packages changes its folder's status: the saved
    # record no longer stands, and every later build read and hashed feedkit's files again.
    monkeypatch.setattr(cache_module, "record", lambda: {"code": "as it was"})
    settle(site)
    build(site)
    state = site / ".feedkit" / "cache" / "state.marshal"
    assert marshal.loads(state.read_bytes())["toolchain"] == {"code": "as it was"}
    monkeypatch.setattr(cache_module, "record", lambda: {"code": "as it is"})
    assert "up to date" in build(site)
    assert marshal.loads(state.read_bytes())["toolchain"] == {"code": "as it is"}
    monkeypatch.setattr(cache_module, "record", lambda: None)  # too fresh to know
    build(site)
    assert marshal.loads(state.read_bytes())["toolchain"] == {"code": "as it is"}


def test_damaged_cache_costs_only_a_full_build(site: Path) -> None:
    settle(site)
    build(site)
    for name in ("index.marshal", "posts.pickle", "rendered.pickle"):
        (site / ".feedkit" / "cache" / name).write_bytes(b"\x00garbage")
    (site / "content" / "p5.md").write_text(post("Post 5 edited", "2024-01-06"))
    build(site)
    assert_same_as_uncached(site)


def test_no_cache_build_equals_cached_build(site: Path, tmp_path_factory) -> None:
    other = tmp_path_factory.mktemp("other")
    shutil.copytree(site, other, dirs_exist_ok=True)
    settle(site)
    settle(other)
    build(site)
    build(site)
    build(other, "--no-cache")
    assert outputs(site) == outputs(other)
    # Ignoring the cache still writes a fresh one: the next build has nothing to do.
    assert "are up to date (0 changed)" in build(other)


def test_no_cache_does_no_more_work_than_a_build_with_no_cache_folder(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `--no-cache` and a first build ("cold": no .feedkit/ folder) both read and render every
    # post afresh; ignoring a cache must cost nothing more than having none. What each
    # build does is counted, not timed: the walk, every file read (front matter, full post,
    # body), every post rendered, every cache file loaded.
    import feedkit.site.cache as cache_module
    import feedkit.site.render as render_module

    done: list[tuple[object, ...]] = []

    def counted(module: object, name: str, record: Callable[..., tuple[object, ...]]) -> None:
        real = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            done.append((name, *record(*args, **kwargs)))
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counted(cache_module, "walk", lambda folder, stat=True, **_: (stat,))
    counted(
        cache_module,
        "parse_files",
        lambda cfg, paths, light=False, **_: (sorted(map(str, paths)), light),
    )
    counted(render_module, "read_raw", lambda post: (post.rel_path,))
    counted(BuildCache, "remember_render", lambda self, key, value: ())
    loads = ("read_marshal", "load_pickle")
    for name in loads:
        counted(cache_module, name, lambda path, *_: (Path(path).name,))

    settle(site)
    build(site)
    shutil.rmtree(site / ".feedkit")
    shutil.rmtree(site / "public")
    done.clear()
    build(site)
    cold = [step for step in done if step[0] not in loads]  # it looks for cache files too
    assert ("walk", False) in cold and cold.count(("remember_render",)) == 3
    done.clear()
    build(site, "--no-cache")
    assert done == cold  # the same posts read, the same rendered, no cache file read


def test_no_cache_repairs_a_wrong_cache_for_good(site: Path) -> None:
    settle(site)
    build(site)
    rendered = site / ".feedkit" / "cache" / "rendered.pickle"
    kept = pickle.loads(rendered.read_bytes())
    for key, (_, *rest) in kept["data"].items():
        kept["data"][key] = (b"<p>WRONG</p>", *rest)
    rendered.write_bytes(pickle.dumps(kept))
    (site / "content" / "p5.md").write_text(post("Post 5 edited", "2024-01-06"))
    build(site)
    assert b"WRONG" in (site / "public" / "atom.xml").read_bytes()  # the cache is trusted
    settle(site)
    build(site, "--no-cache")
    assert_same_as_uncached(site)
    # The next build keeps what --no-cache made; it does not go back to the wrong cache.
    assert "are up to date (0 changed)" in build(site)
    (site / "public" / "rss.xml").unlink()
    build(site)
    assert_same_as_uncached(site)


def feedkit_with(site: Path, pythonpath: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `feedkit build` in a fresh process that imports from `pythonpath` first."""
    env = {**os.environ, **NOW_ENV, "PYTHONPATH": str(pythonpath)}
    done = subprocess.run(
        [sys.executable, "-m", "feedkit", "build", "--config", str(site / "feedkit.toml"), *args],
        cwd=site,  # python -m imports from the folder it runs in first
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_an_upgrade_of_feedkit_that_changes_rendering_rebuilds_everything(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # A copy of feedkit, as a user's install, whose files can change without changing ours.
    installed = tmp_path_factory.mktemp("install")
    shutil.copytree(
        Path(feedkit.__file__).parent,
        installed / "feedkit",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    body = "A note.[^1]\n\n[^1]: The note."
    (site / "content" / "p5.md").write_text(post("Post 5", "2024-01-06", body=body))
    settle(site)
    feedkit_with(site, installed)
    assert "up to date" in feedkit_with(site, installed).stdout
    atom = site / "public" / "atom.xml"
    assert b'class="footnote-ref"&gt;' in atom.read_bytes()
    anchors = installed / "feedkit" / "posts" / "anchors.py"  # where footnotes are written
    text = anchors.read_text(encoding="utf-8")
    assert text.count('"footnote-ref"') == 1
    anchors.write_text(text.replace('"footnote-ref"', '"footnote-ref new"'), encoding="utf-8")
    upgraded = feedkit_with(site, installed)
    assert "Built 10 files" in upgraded.stdout and "(0 changed)" not in upgraded.stdout
    assert "note: build cache thrown away: feedkit's code changed" in upgraded.stderr
    assert b'class="footnote-ref new"&gt;' in atom.read_bytes()
    assert "up to date" in feedkit_with(site, installed).stdout


def test_an_upgrade_of_a_library_that_shapes_the_output_rebuilds_everything(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # feedgen "X+marked" (as installed, but its Atom entries carry one more attribute) in a
    # folder that comes before the installed one on the import path.
    libraries = tmp_path_factory.mktemp("libraries")
    import feedgen

    shutil.copytree(
        Path(feedgen.__file__).parent,
        libraries / "feedgen",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    entry = libraries / "feedgen" / "entry.py"
    text = entry.read_text(encoding="utf-8")
    made = "        entry = xml_elem('entry')\n"
    assert text.count(made) == 1
    entry.write_text(text.replace(made, made + "        entry.set('class', 'marked')\n"))
    version = importlib.metadata.version("feedgen")
    info = libraries / f"feedgen-{version}+marked.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: feedgen\nVersion: {version}+marked\n"
    )
    (site / "content" / "p5.md").write_text(post("Post 5", "2024-01-06", body="Call `f()`."))
    settle(site)
    empty = tmp_path_factory.mktemp("empty")
    feedkit_with(site, empty)
    atom = site / "public" / "atom.xml"
    assert b'<entry class="marked">' not in atom.read_bytes()
    upgraded = feedkit_with(site, libraries)
    assert f"feedgen {version} → {version}+marked" in upgraded.stderr
    assert b'<entry class="marked">' in atom.read_bytes()
    assert "up to date" in feedkit_with(site, libraries).stdout
    downgraded = feedkit_with(site, empty)
    assert f"feedgen {version}+marked → {version}" in downgraded.stderr
    assert b'<entry class="marked">' not in atom.read_bytes()


def test_errors_are_reported_on_cached_builds_too(site: Path) -> None:
    settle(site)
    build(site)
    (site / "content" / "p3.md").write_text("---\ntitle: [broken\n---\n")
    result = CliRunner().invoke(
        main, ["build", "--config", str(site / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 1
    assert "content/p3.md:3: YAML front matter: did not find expected" in result.stderr


def test_a_scheduled_post_appears_when_its_time_comes_without_any_file_change(
    site: Path,
) -> None:
    (site / "content" / "later.md").write_text(post("Later", "2027-01-01"))
    settle(site)
    build(site)
    assert b"<title>Later</title>" not in (site / "public" / "atom.xml").read_bytes()
    build(site)  # nothing changed
    later = {"FEEDKIT_NOW": "2027-01-02T00:00:00+00:00"}
    result = CliRunner().invoke(
        main, ["build", "--config", str(site / "feedkit.toml")], env=later, catch_exceptions=False
    )
    assert result.exit_code == 0
    assert b"<title>Later</title>" in (site / "public" / "atom.xml").read_bytes()


def _count_entries(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Return the list each feed entry made from here on is added to: (format, post title)."""
    from feedkit.site import jsonfeed, xmlfeeds

    made: list[tuple[str, str]] = []
    for kind, module, name in (
        ("atom", xmlfeeds, "atom_entry"),
        ("rss", xmlfeeds, "rss_item"),
        ("json", jsonfeed, "json_item"),
    ):
        real = getattr(module, name)

        def counted(cfg: Any, rp: Any, _real: Any = real, _kind: str = kind) -> bytes:
            made.append((_kind, rp.post.title))
            return _real(cfg, rp)

        monkeypatch.setattr(module, name, counted)
    return made


def test_a_build_after_one_edit_makes_only_the_edited_posts_entries(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each entry's bytes in each format are kept with the rendered bodies: the rebuild makes
    # those of the post that changed, and takes the others' from the cache.
    made = _count_entries(monkeypatch)
    settle(site)
    build(site)
    assert sorted(made) == sorted(
        (k, f"Post {i}") for k in ("atom", "rss", "json") for i in (3, 4, 5)
    )
    made.clear()
    (site / "content" / "p4.md").write_text(post("Post 4", "2024-01-05", body="Edited body."))
    build(site)
    assert sorted(made) == [("atom", "Post 4"), ("json", "Post 4"), ("rss", "Post 4")]
    assert_same_as_uncached(site)
    assert b"Edited body." in (site / "public" / "atom.xml").read_bytes()


def test_no_kept_entry_or_feed_head_outlives_what_it_was_made_from(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each change below changes an entry or a feed's head (its date, the Media RSS namespace
    # it declares) but not necessarily the post's body: the kept bytes must not be taken.
    content = site / "content"
    made = _count_entries(monkeypatch)
    settle(site)
    build(site)
    steps: list[tuple[Callable[[], object], list[tuple[str, str]]]] = [
        # The title alone.
        (
            lambda: (content / "p5.md").write_text(post("Post 5, retitled", "2024-01-06")),
            ["Post 5, retitled"],
        ),
        # Its summary alone: the body is the same.
        (
            lambda: (content / "p4.md").write_text(
                post("Post 4", "2024-01-05", extra="summary: Said otherwise.\n")
            ),
            ["Post 4"],
        ),
        # A post of the same instant as the newest: its entry says a second later.
        (lambda: (content / "p3.md").write_text(post("Post 3", "2024-01-06")), ["Post 3"]),
        # The newest goes: Post 3 keeps its own time again, Post 2 comes into the feed.
        (lambda: (content / "p5.md").unlink(), ["Post 2", "Post 3"]),
        # An image: the feeds declare Media RSS; then it goes, and so does the declaration.
        (
            lambda: (content / "p2.md").write_text(
                post("Post 2", "2024-01-03", extra="image: /cover.png\n")
            ),
            ["Post 2"],
        ),
        (lambda: (content / "p2.md").write_text(post("Post 2", "2024-01-03")), ["Post 2"]),
    ]
    for step, remade in steps:
        made.clear()
        step()
        build(site)
        # Each in the three formats, once for all the feeds it is in.
        assert sorted(made) == sorted((k, t) for k in ("atom", "json", "rss") for t in remade)
        assert_same_as_uncached(site)
        settle(site)
    atom = (site / "public" / "atom.xml").read_bytes()
    assert b"xmlns:media" not in atom and b"<title>Post 5" not in atom


def test_a_cache_that_cannot_be_saved_is_a_warning_and_the_feeds_are_written(
    site: Path,
) -> None:
    """The feeds are in place before the cache is saved; a cache folder that cannot be written
    (here a file in its place; a full disk, another user's folder) costs the next build
    time, not this one's feeds."""
    (site / ".feedkit").mkdir()
    (site / ".feedkit" / "cache").write_text("in the cache folder's place")
    command = [sys.executable, "-m", "feedkit", "build", "--config", str(site / "feedkit.toml")]
    env = {**os.environ, **NOW_ENV}
    done = subprocess.run(command, cwd=site, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built ")
    assert done.stderr == (
        ".feedkit/cache: warning: cannot save the build cache: File exists; the feeds are "
        "written, and the next build reads and renders again what this one did\n"
    )
    assert_same_as_uncached(site)
    strict = subprocess.run([*command, "--strict"], cwd=site, env=env, capture_output=True)
    assert strict.returncode == 1
    (site / ".feedkit" / "cache").unlink()
    assert "(0 changed)" in build(site)
    assert (site / ".feedkit" / "cache" / "state.marshal").exists()
