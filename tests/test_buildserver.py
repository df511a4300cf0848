"""`feedkit build-server`: builds handed to a warm process give what a local build gives.

The server runs as a real process on a real Unix socket, and `feedkit build` as a real
command (python -m feedkit) that forwards to it. Every build through the server is checked
against a local `--no-cache` build of the same folder: that build reports "(0 changed)"
only when the server's output is byte-identical.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from feedkit.config import Config
from feedkit.launch import SERVER_ENV, build_config, socket_path
from feedkit.posts import postfile
from feedkit.site import buildserver, cache
from feedkit.site.build import build_site

from conftest import FIXTURES, NOW, NOW_ENV, MakeSite

pytestmark = pytest.mark.skipif(
    not hasattr(socket, "AF_UNIX") or not hasattr(os, "fork"), reason="POSIX only"
)


def inotify_works() -> bool:
    if buildserver.INotify is None:
        return False
    try:
        buildserver.INotify().close()
    except OSError:
        return False
    return True


needs_inotify = pytest.mark.skipif(not inotify_works(), reason="no inotify here (Linux only)")


def feedkit(
    *args: str, cwd: Path, env: dict[str, str] | None = None, pythonpath: Path | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **NOW_ENV, **(env or {})}
    if pythonpath is not None:
        full_env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-m", "feedkit", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def local(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return feedkit(*args, cwd=cwd, env={SERVER_ENV: "off"})


class Server:
    def __init__(self, root: Path, pythonpath: Path | None = None) -> None:
        self.root = root
        self.log_path = root / "server.log"
        env = {**os.environ, **NOW_ENV}
        if pythonpath is not None:
            env["PYTHONPATH"] = str(pythonpath)
        self.log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "feedkit", "build-server"],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log_file,
        )
        self.wait_for("Build server for", count=1)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, count: int) -> None:
        deadline = time.monotonic() + 30
        while self.log().count(text) < count:
            if self.process.poll() is not None:
                raise AssertionError(f"the build server exited:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} from the build server:\n{self.log()}")
            time.sleep(0.02)

    def builds(self) -> list[str]:
        return [line for line in self.log().splitlines() if " INFO build " in line]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


@pytest.fixture
def server_for() -> Iterator[type[Server]]:
    started: list[Server] = []

    class Started(Server):
        def __init__(self, root: Path, pythonpath: Path | None = None) -> None:
            started.append(self)
            super().__init__(root, pythonpath)

    yield Started
    for server in started:
        server.stop()


def served(cfg: Config, *args: str) -> subprocess.CompletedProcess[str]:
    done = feedkit("build", *args, cwd=cfg.root)
    assert done.returncode == 0, done.stderr
    return done


def assert_same_as_local(cfg: Config) -> None:
    """The output folder holds exactly what a local build without the cache makes."""
    check = local("build", "--no-cache", cwd=cfg.root)
    assert check.returncode == 0, check.stderr
    assert "(0 changed)" in check.stdout, check.stdout


def test_a_build_through_the_server_is_the_build_here(
    make_site: MakeSite, server_for: type[Server]
) -> None:
    cfg = make_site("posts")
    server = server_for(cfg.root)
    assert oct(os.stat(socket_path(str(cfg.root / "feedkit.toml"))).st_mode & 0o777) == "0o600"
    done = served(cfg)
    # The server's child writes straight to this process's own streams.
    assert "Built 28 files in public/ (28 changed) from 14 posts: 11 published" in done.stdout
    assert "control character" in done.stderr
    assert len(server.builds()) == 1
    assert_same_as_local(cfg)
    again = served(cfg)
    assert "are up to date (0 changed)" in again.stdout
    assert len(server.builds()) == 2
    # FEEDKIT_BUILD_SERVER=off builds here.
    assert "up to date" in local("build", cwd=cfg.root).stdout
    assert len(server.builds()) == 2


@needs_inotify
def test_edits_new_renamed_and_removed_posts_and_folders_are_all_seen(
    make_site: MakeSite, server_for: type[Server]
) -> None:
    cfg = make_site("posts")
    content = cfg.content_path
    server = server_for(cfg.root)
    served(cfg)
    served(cfg)  # the first build walks; from here the watch knows what changed
    post = content / "posts" / "naive-datetime.md"

    # The same size, the modification time put back.
    text = post.read_bytes()
    st = post.stat()
    post.write_bytes(text.replace(b"After the fold.", b"AFTER the fold."))
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert "(0 changed)" not in served(cfg).stdout
    assert "AFTER the fold." in (cfg.output_path / "atom.xml").read_text(encoding="utf-8")
    assert_same_as_local(cfg)
    assert "watched: 1 file(s) changed" in server.builds()[-1]

    (content / "new-post.md").write_text(
        "---\ntitle: A new post\ndate: 2026-11-20\n---\nFresh words.\n", encoding="utf-8"
    )
    assert "from 15 posts" in served(cfg).stdout
    assert_same_as_local(cfg)
    assert "watched: 1 file(s) changed" in server.builds()[-1]

    os.replace(content / "new-post.md", content / "renamed-post.md")
    assert "from 15 posts" in served(cfg).stdout
    assert_same_as_local(cfg)
    assert "watched: 2 file(s) changed" in server.builds()[-1]

    (content / "renamed-post.md").unlink()
    assert "from 14 posts" in served(cfg).stdout
    assert_same_as_local(cfg)

    # A new folder (a page bundle): the server walks again, and watches it from then on.
    bundle = content / "bundle-post"
    bundle.mkdir()
    (bundle / "index.md").write_text(
        "---\ntitle: Bundled\ndate: 2026-11-21\n---\nIn a folder.\n", encoding="utf-8"
    )
    assert "from 15 posts" in served(cfg).stdout
    assert "walked the content folder" in server.builds()[-1]
    assert_same_as_local(cfg)
    (bundle / "index.md").write_text(
        "---\ntitle: Bundled, edited\ndate: 2026-11-21\n---\nIn a folder.\n", encoding="utf-8"
    )
    served(cfg)
    assert "watched: 1 file(s) changed" in server.builds()[-1]
    assert_same_as_local(cfg)
    assert "Bundled, edited" in (cfg.output_path / "atom.xml").read_text(encoding="utf-8")

    # A file that is not a post, and a hidden one, change nothing.
    (content / "notes.txt").write_text("not a post", encoding="utf-8")
    (content / ".draft.md").write_text("hidden", encoding="utf-8")
    assert "(0 changed) from 15 posts" in served(cfg).stdout
    assert "watched: 0 file(s) changed" in server.builds()[-1]


def test_a_build_another_process_saved_is_not_trusted_by_the_watch(
    make_site: MakeSite, server_for: type[Server]
) -> None:
    cfg = make_site("posts")
    server = server_for(cfg.root)
    served(cfg)
    served(cfg)
    post = cfg.content_path / "posts" / "naive-datetime.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nA local edit.\n", encoding="utf-8")
    assert "changed)" in local("build", cwd=cfg.root).stdout  # its cache has no server mark
    post.write_text(post.read_text(encoding="utf-8") + "\nAnother.\n", encoding="utf-8")
    served(cfg)
    assert_same_as_local(cfg)
    assert "Another." in (cfg.output_path / "atom.xml").read_text(encoding="utf-8")
    assert len(server.builds()) == 3


def test_errors_usage_and_help_reach_the_caller_with_their_exit_codes(
    make_site: MakeSite, server_for: type[Server]
) -> None:
    cfg = make_site("posts")
    server = server_for(cfg.root)
    bad = sorted((FIXTURES / "bad").glob("*.md"))[0]
    shutil.copyfile(bad, cfg.content_path / "broken.md")
    failed = feedkit("build", cwd=cfg.root)
    assert failed.returncode == 1
    assert "content/broken.md:" in failed.stderr, failed.stderr
    assert "nothing was written" in failed.stderr
    assert failed.stderr == local("build", cwd=cfg.root).stderr
    usage = feedkit("build", "--no-such-option", cwd=cfg.root)
    assert usage.returncode == 2 and "No such option '--no-such-option'" in usage.stderr
    assert "Usage: feedkit build" in usage.stderr
    helped = feedkit("build", "--help", cwd=cfg.root)
    assert helped.returncode == 0 and "--no-cache" in helped.stdout
    assert [line.split(": exit ")[1].split()[0] for line in server.builds()] == ["1", "2", "0"]


def test_the_callers_folder_and_environment_are_the_builds(
    make_site: MakeSite, server_for: type[Server]
) -> None:
    cfg = make_site("posts")
    server = server_for(cfg.root)
    (cfg.root / "sub").mkdir()
    done = feedkit("build", "--config", "../feedkit.toml", cwd=cfg.root / "sub")
    assert done.returncode == 0, done.stderr
    # Paths are shown from the caller's folder (from the server's, it would be "public/").
    assert f"files in {cfg.root}/public/" in done.stdout
    assert "1 scheduled for later" in done.stdout
    later = feedkit("build", cwd=cfg.root, env={"FEEDKIT_NOW": "2100-01-01T00:00:00+00:00"})
    assert later.returncode == 0 and "0 scheduled for later" in later.stdout
    assert len(server.builds()) == 2


def test_a_killed_server_leaves_nothing_in_the_way(
    make_site: MakeSite, server_for: type[Server]
) -> None:
    cfg = make_site("posts")
    server = server_for(cfg.root)
    served(cfg)
    server.process.kill()
    server.process.wait()
    sock = Path(socket_path(str(cfg.root / "feedkit.toml")))
    assert sock.exists()  # nobody removed it
    here = served(cfg)  # nothing listens: built here
    assert "up to date" in here.stdout and "build server" not in here.stderr
    again = server_for(cfg.root)  # takes the lock and replaces the socket
    served(cfg)
    assert len(again.builds()) == 1


def test_one_server_per_site(make_site: MakeSite, server_for: type[Server]) -> None:
    cfg = make_site("posts")
    server = server_for(cfg.root)
    second = feedkit("build-server", cwd=cfg.root)
    assert second.returncode == 1
    assert f"a build server already runs for this site (pid {server.process.pid}" in (second.stderr)
    served(cfg)
    assert len(server.builds()) == 1


def test_a_server_restarts_itself_when_feedkits_files_change(
    make_site: MakeSite, server_for: type[Server], tmp_path_factory: pytest.TempPathFactory
) -> None:
    # A copy of feedkit, so that changing its files changes nothing else.
    installed = tmp_path_factory.mktemp("install")
    shutil.copytree(
        Path(buildserver.__file__).parents[1],  # the feedkit package
        installed / "feedkit",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    cfg = make_site("posts")
    server = server_for(cfg.root, pythonpath=installed)
    built = feedkit("build", cwd=cfg.root, pythonpath=installed)
    assert built.returncode == 0, built.stderr
    assert len(server.builds()) == 1
    # Another install of feedkit is not served by this one: it builds for itself.
    assert "up to date" in served(cfg).stdout
    assert len(server.builds()) == 1
    module = installed / "feedkit" / "site" / "build.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    here = feedkit("build", cwd=cfg.root, pythonpath=installed)  # built here meanwhile
    # Other code may make other output: the cache is not trusted, the same bytes come out.
    assert here.returncode == 0 and "(0 changed)" in here.stdout, here.stderr
    assert "note: build cache thrown away: feedkit's code changed" in here.stderr
    server.wait_for("Build server for", count=2)  # the same process, with the new code
    assert server.process.poll() is None
    again = feedkit("build", cwd=cfg.root, pythonpath=installed)
    assert len(server.builds()) == 2
    # The restarted server keys the cache on its new code, as the build here did.
    assert "up to date" in again.stdout and "note:" not in again.stderr


def test_launch_finds_the_config_of_build_command_lines_only() -> None:
    assert build_config(["build"]) == "feedkit.toml"
    assert build_config(["-v", "build", "--drafts"]) == "feedkit.toml"
    assert build_config(["build", "--config", "site/feedkit.toml"]) == "site/feedkit.toml"
    assert build_config(["build", "--config=a.toml", "--no-cache"]) == "a.toml"
    assert build_config(["check"]) is None
    assert build_config(["--help"]) is None
    assert build_config([]) is None
    assert build_config(["--version", "build"]) is None


def test_peer_uid_is_this_users_on_a_socket_pair() -> None:
    if not hasattr(socket, "SO_PEERCRED"):
        pytest.skip("no SO_PEERCRED here")
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        assert buildserver.peer_uid(left) == os.getuid()


@needs_inotify
def test_the_watch_lists_changes_and_asks_for_a_walk_when_unsure(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "2026").mkdir(parents=True)
    (content / "2026" / "a.md").write_text("a", encoding="utf-8")
    watch = buildserver.Watch(str(content))
    try:
        watch.rescan()
        assert watch.exact and not watch.rescan_due
        assert watch.listing() == [path for path, _ in postfile.walk(content, stat=False)]
        (content / "2026" / "a.md").write_text("b", encoding="utf-8")
        (content / "b.md").write_text("b", encoding="utf-8")
        (content / "c.txt").write_text("c", encoding="utf-8")
        watch.read()
        assert watch.take() == {f"{content}/2026/a.md", f"{content}/b.md"}
        assert watch.listing() == [f"{content}/2026/a.md", f"{content}/b.md"]
        assert watch.take() == frozenset()
        os.rename(content / "b.md", content / "c.md")
        watch.read()
        assert watch.take() == {f"{content}/b.md", f"{content}/c.md"}
        assert watch.listing() == [f"{content}/2026/a.md", f"{content}/c.md"]
        assert not watch.rescan_due
        (content / ".hidden").mkdir()  # never walked
        watch.read()
        assert not watch.rescan_due
        (content / "2027").mkdir()
        watch.read()
        assert watch.rescan_due
        watch.rescan()
        assert watch.exact
        watch._event(-1, buildserver.in_flags.Q_OVERFLOW, "")  # events were lost
        assert watch.rescan_due
        (content / "linked").symlink_to(content / "2026")  # changes there reach other watches
        watch.rescan()
        assert not watch.exact
    finally:
        watch.close()


def test_a_scan_from_what_the_watch_saw_is_the_walks_scan(make_site: MakeSite) -> None:
    cfg = make_site("posts")
    cache.KNOWN = known = cache.Known(str(cfg.content_path), [], frozenset(), "", "first")
    try:
        build_site(cfg, NOW)  # a full walk, saved with the server's mark
        post = cfg.content_path / "posts" / "naive-datetime.md"
        post.write_text(post.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
        paths = [path for path, _ in postfile.walk(cfg.content_path, stat=False)]
        known = cache.Known(str(cfg.content_path), paths, frozenset({str(post)}), "first", "2")
        cache.KNOWN = known
        opened = cache.BuildCache.open(cfg)
        from_watch = opened.scan(cfg)
        assert opened.rows is not None  # the index, loaded instead of stat-ing every file
        cache.KNOWN = None
        walked = cache.BuildCache.open(cfg).scan(cfg)
        assert from_watch == walked
        # A state saved without the mark the server expects: a walk.
        cache.KNOWN = cache.Known(str(cfg.content_path), paths, frozenset(), "other", "3")
        opened = cache.BuildCache.open(cfg)
        assert opened.scan(cfg) == walked and opened.rows is None
    finally:
        cache.KNOWN = None
