"""The CLI: exit codes, messages word for word, help on every command, nothing written on error."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedkit.cli import main

from conftest import FIXTURES, NOW, NOW_ENV, ROOT, SITE_TOML, MakeSite


def run(runner: CliRunner, *args: str):
    return runner.invoke(main, list(args), env=NOW_ENV, catch_exceptions=False)


def test_build_writes_every_feed(make_site: MakeSite, runner: CliRunner) -> None:
    cfg = make_site("posts")
    result = run(runner, "build", "--config", str(cfg.root / "feedkit.toml"))
    assert result.exit_code == 0, result.output
    names = sorted(
        p.relative_to(cfg.output_path).as_posix() for p in cfg.output_path.rglob("*") if p.is_file()
    )
    assert {
        "atom.xml",
        "rss.xml",
        "feed.json",
        "feed.xsl",
        "tags/sqlite/atom.xml",
        "tags/version-control/rss.xml",
    } <= set(names)
    assert "from 14 posts: 11 published, 2 draft(s), 1 scheduled for later" in result.stdout
    assert "control character" in result.stderr


def test_second_build_changes_nothing(make_site: MakeSite, runner: CliRunner) -> None:
    cfg = make_site("posts")
    config = str(cfg.root / "feedkit.toml")
    run(runner, "build", "--config", config)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in cfg.output_path.rglob("*.xml")}
    result = run(runner, "build", "--config", config)
    assert "(0 changed)" in result.stdout
    assert before == {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in cfg.output_path.rglob("*.xml")
    }


def test_drafts_flag_includes_drafts(make_site: MakeSite, runner: CliRunner) -> None:
    cfg = make_site("posts/draft.md", "posts/future.md")
    built = run(runner, "build", "--drafts", "--config", str(cfg.root / "feedkit.toml"))
    atom = (cfg.output_path / "atom.xml").read_text(encoding="utf-8")
    assert "<title>A draft</title>" in atom and "Scheduled for later" not in atom
    # The draft is one of those published, not one more ("2 posts: 2 published, 1 draft(s)").
    assert built.stdout.endswith(
        "from 2 posts: 1 published (1 of them draft(s), as --drafts asks), 1 scheduled for later\n"
    )
    # Written where the site is published from (as Hugo's -D): said, each time.
    warned = (
        "warning: the feeds in public/ carry 1 draft(s), as --drafts asks: build again "
        "without it before you publish them\n"
    )
    assert built.stderr.endswith(warned.replace("public/", f"{cfg.output_path}/"))
    for path in [cfg.root / "feedkit.toml", *cfg.content_path.rglob("*.md")]:  # settled
        os.utime(path, (NOW.timestamp() - 3600, NOW.timestamp() - 3600))
    for _ in range(2):  # the console script: a build, then one that finds nothing to do
        again = subprocess.run(
            [sys.executable, "-m", "feedkit", "build", "--drafts"],
            cwd=cfg.root,
            env={**os.environ, **NOW_ENV},
            capture_output=True,
            text=True,
        )
        assert again.returncode == 0 and again.stderr.endswith(warned), again.stderr
    assert "up to date" in again.stdout


def test_drafts_counts_add_up_when_a_draft_is_scheduled_or_expired(
    make_site: MakeSite, runner: CliRunner
) -> None:
    # "1 published (2 of them draft(s))": neither draft was in the feeds, one scheduled
    # for later, one expired.
    cfg = make_site(
        posts={
            "a.md": "---\ntitle: A\ndate: 2026-01-01\n---\nA.\n",
            "later.md": "---\ntitle: L\ndate: 2027-01-01\ndraft: true\n---\nL.\n",
            "gone.md": "---\ntitle: G\ndate: 2025-01-01\nexpiryDate: 2025-06-01\n"
            "draft: true\n---\nG.\n",
            "now.md": "---\ntitle: N\ndate: 2026-02-01\ndraft: true\n---\nN.\n",
        }
    )
    built = run(runner, "build", "--drafts", "--config", str(cfg.root / "feedkit.toml"))
    assert built.stdout.endswith(
        "from 4 posts: 2 published (1 of them draft(s), as --drafts asks), 1 scheduled for "
        "later, 1 expired\n"
    )


def test_content_errors_exit_1_list_everything_and_write_nothing(
    make_site: MakeSite, runner: CliRunner
) -> None:
    cfg = make_site("posts")
    config = str(cfg.root / "feedkit.toml")
    assert run(runner, "build", "--config", config).exit_code == 0
    before = {p: p.read_bytes() for p in cfg.output_path.rglob("*") if p.is_file()}
    for path in sorted((FIXTURES / "bad").glob("*.md")):
        shutil.copyfile(path, cfg.content_path / path.name)
    (cfg.content_path / "new-good-post.md").write_text(
        "---\ntitle: New\ndate: 2025-01-01\n---\nNew.\n", encoding="utf-8"
    )
    result = run(runner, "build", "--config", config)
    assert result.exit_code == 1
    expected = [
        line
        for path in sorted((FIXTURES / "bad").glob("*.md"))
        for line in path.with_suffix(".err").read_text(encoding="utf-8").splitlines()
    ]
    lines = result.stderr.splitlines()
    assert [line for line in lines if "warning" not in line][:-1] == expected
    assert lines[-1] == f"error: {len(expected)} problems in the content; nothing was written"
    assert result.stdout == ""
    after = {p: p.read_bytes() for p in cfg.output_path.rglob("*") if p.is_file()}
    assert after == before


def test_check_validates_and_writes_nothing(make_site: MakeSite, runner: CliRunner) -> None:
    cfg = make_site("posts")
    result = run(runner, "check", "--config", str(cfg.root / "feedkit.toml"))
    assert result.exit_code == 0
    assert result.stdout == "OK: 14 posts: 11 published, 2 draft(s), 1 scheduled for later\n"
    assert not cfg.output_path.exists()


def test_check_strict_fails_on_warnings(make_site: MakeSite, runner: CliRunner) -> None:
    cfg = make_site("posts/control-chars.md")
    result = run(runner, "check", "--strict", "--config", str(cfg.root / "feedkit.toml"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/control-chars.md:2: warning: removed 1 control character(s) that XML feeds "
        "cannot carry (first: U+0007)",
        "content/control-chars.md:5: warning: removed 2 control character(s) that XML feeds "
        "cannot carry (first: U+000C)",
        "error: 2 warning(s) and --strict is on",
    ]


def test_build_strict_with_warnings_writes_nothing(make_site: MakeSite, runner: CliRunner) -> None:
    # A warning fails a strict build, as an error does: the feeds readers fetch stay as they
    # were (the first build, here none; later, the last build's, bytes and times).
    cfg = make_site(posts={"fine.md": "---\ntitle: Fine\ndate: 2024-05-01\n---\nText.\n"})
    config = str(cfg.root / "feedkit.toml")
    (cfg.content_path / "control-chars.md").write_bytes(
        (FIXTURES / "posts" / "control-chars.md").read_bytes()
    )
    said = [
        "content/control-chars.md:2: warning: removed 1 control character(s) that XML feeds "
        "cannot carry (first: U+0007)",
        "content/control-chars.md:5: warning: removed 2 control character(s) that XML feeds "
        "cannot carry (first: U+000C)",
        "error: 2 warning(s) and --strict is on; nothing was written",
    ]
    for _ in range(2):  # the second from the cache of none, as the first left it
        result = run(runner, "build", "--strict", "--config", config)
        assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (1, "", said)
        assert not cfg.output_path.exists()
    (cfg.content_path / "control-chars.md").unlink()
    assert run(runner, "build", "--strict", "--config", config).exit_code == 0
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in cfg.output_path.rglob("*.*")}
    (cfg.content_path / "control-chars.md").write_bytes(
        (FIXTURES / "posts" / "control-chars.md").read_bytes()
    )
    result = run(runner, "build", "--strict", "--config", config)
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (1, said[-1])
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in cfg.output_path.rglob("*.*")}
    assert after == before
    built = run(runner, "build", "--config", config)  # without --strict: written, warned
    assert (built.exit_code, built.stderr.splitlines()) == (0, said[:2])
    assert b"Control" in (cfg.output_path / "atom.xml").read_bytes()


def test_a_published_post_with_no_text_is_a_warning_naming_its_file(
    make_site: MakeSite, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedkit.posts import loader

    cfg = make_site(posts={"posts/kept.md": "---\ntitle: Kept\ndate: 2024-05-01\n---\nText.\n"})
    config = str(cfg.root / "feedkit.toml")
    for args in (["Started"], ["Not yet", "--draft"]):  # as `feedkit new` writes them
        assert run(runner, "new", *args, "--config", config).exit_code == 0
    (cfg.content_path / "posts" / "blank.md").write_text(
        "---\ntitle: Blank\ndate: 2024-05-02\n---\n\n  \n", encoding="utf-8"
    )
    (cfg.content_path / "posts" / "summed-up.md").write_text(  # its summary is its text
        "---\ntitle: Summed up\ndate: 2024-05-03\nsummary: A link.\n---\n", encoding="utf-8"
    )
    said = [
        f"content/posts/{name}.md:4: warning: the post has no text after its front matter: "
        "feeds and digests would carry its title alone; write its text, or set 'draft: true' "
        "until it is ready"
        for name in ("blank", "started")
    ]
    for post in cfg.content_path.rglob("*.md"):  # settled: the build cache trusts them
        st = post.stat()
        os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))
    checked = run(runner, "check", "--config", config)
    assert (checked.exit_code, checked.stderr.splitlines()) == (0, said)
    built = run(runner, "build", "--config", config)
    assert (built.exit_code, built.stderr.splitlines()) == (0, said)

    def unread(*args: object) -> None:
        raise AssertionError("a post file was read again")

    # The next build reads no post again: the warning comes from the build cache.
    monkeypatch.setattr(loader, "read_head", unread)
    monkeypatch.setattr(loader, "read_whole", unread)
    built = run(runner, "build", "--config", config)
    assert (built.exit_code, built.stderr.splitlines()) == (0, said)
    monkeypatch.undo()
    strict = run(runner, "check", "--strict", "--config", config)
    assert strict.exit_code == 1
    assert strict.stderr.splitlines() == [*said, "error: 2 warning(s) and --strict is on"]


BAD_MATH = (
    "---\ntitle: Bad math\ndate: 2024-01-02\n---\nGood $x^2$.\n\n"
    "Unknown $\\foo{x}$ and\n\n$$\n\\left( \\frac{a}{b}\n$$\n"
)


# Formulas no dollar marks, as MathJax finds them: `\\[…\\]` in Markdown, and an environment
# alone, whose `\\` row breaks Markdown reads as one backslash, as the page's MathJax gets them.
BAD_DELIMITED = (
    "---\ntitle: Delimited\ndate: 2024-01-03\n---\nFine \\\\(x\\\\) and\n\n"
    "\\\\[ \\qux{y} \\\\]\n\n\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}\n"
)
CANNOT = (
    "cannot be made MathML (an unknown command or unbalanced braces?); feeds show its TeX source"
)


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("bad-math.md", BAD_MATH, [(7, "\\foo{x}"), (9, "\\left( \\frac{a}{b}")]),
        (
            "delimited.md",
            BAD_DELIMITED,
            [(7, "\\qux{y}"), (9, "\\begin{align} a &= b \\ c &= d \\end{align}")],
        ),
    ],
)
def test_math_that_cannot_be_mathml_is_a_warning_and_the_post_is_kept(
    make_site: MakeSite,
    runner: CliRunner,
    command: str,
    name: str,
    text: str,
    said: list[tuple[int, str]],
) -> None:
    cfg = make_site(posts={name: text})
    result = run(runner, command, "--config", str(cfg.root / "feedkit.toml"))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"content/{name}:{line}: warning: math ${tex}$ {CANNOT}" for line, tex in said
    ]
    if command == "build" and name == "bad-math.md":
        atom = (cfg.output_path / "atom.xml").read_text(encoding="utf-8")
        assert "<mi>x</mi><mn>2</mn>" in atom
        assert '<span class="math inline">$\\foo{x}$</span>' in atom
        assert '<span class="math display">$$\n\\left( \\frac{a}{b}\n$$</span>' in atom


def test_check_warns_on_math_in_posts_no_feed_shows(make_site: MakeSite, runner: CliRunner) -> None:
    newer = "---\ntitle: Newer\ndate: 2024-02-01\n---\nText.\n"
    toml = SITE_TOML.replace("tag_feeds = true", "tag_feeds = false\nlimit = 1")
    posts = {"bad-math.md": BAD_MATH, "delimited.md": BAD_DELIMITED, "newer.md": newer}
    cfg = make_site(posts=posts, toml=toml)
    result = run(runner, "check", "--strict", "--config", str(cfg.root / "feedkit.toml"))
    assert result.exit_code == 1
    assert "content/bad-math.md:7: warning: math $\\foo{x}$ cannot" in result.stderr
    assert "content/delimited.md:9: warning: math $\\begin{align}" in result.stderr
    toml = toml.replace("[feed]", '[feed]\nmath = "source"')
    (cfg.root / "feedkit.toml").write_text(toml, encoding="utf-8")
    result = run(runner, "check", "--strict", "--config", str(cfg.root / "feedkit.toml"))
    assert (result.exit_code, result.stderr) == (0, "")


def test_config_error_exits_1_with_key_and_message(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "feedkit.toml").write_text('title = "T"\nbase_url = "https://e.com/"\nlimt = 3\n')
    result = run(runner, "build", "--config", str(tmp_path / "feedkit.toml"))
    assert result.exit_code == 1
    assert result.stderr == "error: feedkit.toml: limt: unknown key\n"


def test_missing_config_exits_1(tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, "check", "--config", str(tmp_path / "nope.toml"))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: nope.toml: (file): not found at ")


def test_usage_error_exits_2(runner: CliRunner) -> None:
    result = run(runner, "build", "--no-such-flag")
    assert result.exit_code == 2
    assert "Error: No such option" in result.stderr and "--no-such-flag" in result.stderr


def test_bad_pinned_clock_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check"], env={"FEEDKIT_NOW": "yesterday"})
    assert result.exit_code == 2
    assert "FEEDKIT_NOW='yesterday' is not an ISO 8601 date" in result.stderr


def test_traceback_only_with_verbose(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "feedkit.toml").write_text("title = 3\n")
    config = str(tmp_path / "feedkit.toml")
    quiet = run(runner, "check", "--config", config)
    loud = run(runner, "-v", "check", "--config", config)
    after = run(runner, "check", "--config", config, "--verbose")
    assert "Traceback" not in quiet.stderr
    assert "Traceback (most recent call last)" in loud.stderr
    assert "Traceback (most recent call last)" in after.stderr
    assert quiet.exit_code == loud.exit_code == after.exit_code == 1


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_takes_verbose_after_its_name(runner: CliRunner, command: str) -> None:
    result = run(runner, command, "--help")
    assert re.search(r"^  -v, --verbose +Show tracebacks for errors\.$", result.stdout, re.M)


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(runner: CliRunner, command: str) -> None:
    result = run(runner, command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: main {command} [OPTIONS]")
    assert main.commands[command].help


def test_sample_site_checks_clean(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run(runner, "check", "--strict")
    assert result.exit_code == 0, result.output


def test_feeds_of_tags_no_post_has_any_more_are_removed(
    make_site: MakeSite, runner: CliRunner
) -> None:
    cfg = make_site("posts/toml-front-matter.md", "posts/tags-comma-string.md")
    config = str(cfg.root / "feedkit.toml")
    (cfg.output_path / "tags").mkdir(parents=True)
    (cfg.output_path / "tags" / "mine.txt").write_text("not feedkit's")
    run(runner, "build", "--config", config)
    assert (cfg.output_path / "tags/git/atom.xml").exists()
    (cfg.content_path / "tags-comma-string.md").unlink()
    result = run(runner, "build", "--config", config)
    assert result.exit_code == 0
    assert not (cfg.output_path / "tags/git").exists()
    assert (cfg.output_path / "tags/sqlite/atom.xml").exists()
    assert (cfg.output_path / "tags/mine.txt").read_text() == "not feedkit's"


def test_a_broken_old_body_fails_check_and_any_failing_build(
    make_site: MakeSite, runner: CliRunner
) -> None:
    old = b"---\ntitle: Old\ndate: 2001-01-01\n---\nCaf\xe9 from 2001.\n"
    posts = {
        f"p{i}.md": f"---\ntitle: P{i}\ndate: 2024-01-{i + 1:02d}\n---\nNew.\n" for i in range(3)
    }
    cfg = make_site(
        posts={**posts, "old.md": old}, toml=SITE_TOML.replace("tag_feeds = true", "limit = 2")
    )
    config = str(cfg.root / "feedkit.toml")
    # The build reads only the bodies its feeds show: the old post is not among them.
    assert run(runner, "build", "--config", config).exit_code == 0
    checked = run(runner, "check", "--config", config)
    assert checked.exit_code == 1
    assert "content/old.md:5: is not UTF-8 text (byte 0xE9); save the file as UTF-8" in (
        checked.stderr
    )
    (cfg.content_path / "p0.md").write_text("---\ntitle: [broken\n---\n")
    failed = run(runner, "build", "--config", config)
    assert failed.exit_code == 1
    assert failed.stderr.splitlines()[:2] == [
        "content/old.md:5: is not UTF-8 text (byte 0xE9); save the file as UTF-8",
        "content/p0.md:3: YAML front matter: did not find expected ',' or ']' (while parsing "
        "a flow sequence at line 2)",
    ]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_for_slow_builds_only() -> None:
    from feedkit.cli import StatusLine

    terminal = FakeTerminal()
    with StatusLine(terminal, delay=0) as status:
        status.show("reading posts", 20_000, 20_000)
        deadline = time.monotonic() + 5
        while "20,000 of 20,000" not in terminal.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    shown = terminal.getvalue()
    assert "\r\x1b[2KBuilding… reading posts: 20,000 of 20,000 (" in shown
    assert shown.endswith("\r\x1b[2K")  # the line is cleared at the end

    quick = FakeTerminal()
    with StatusLine(quick, delay=60):
        pass
    assert quick.getvalue() == ""

    piped = io.StringIO()  # cron, CI, a pipe: never
    with StatusLine(piped, delay=0) as status:
        status.show("reading posts", 1, 2)
        time.sleep(0.05)
    assert piped.getvalue() == ""


def test_progress_says_how_far_how_fast_and_how_long_is_left() -> None:
    from feedkit.cli import StatusLine

    now = [100.0]
    status = StatusLine(FakeTerminal(), clock=lambda: now[0])
    now[0] = 100.5
    status.show("reading posts", 0, 20_000)  # the step begins
    now[0] = 102.5
    status.show("reading posts", 8_000, 20_000)
    assert status.line() == (
        "Building… reading posts: 8,000 of 20,000 (4,000/s, about 3 s left) (2.5 s)"
    )
    now[0] = 103.0
    status.show("rendering feed entries", 100, 10_000)  # a new step: its own rate
    now[0] = 104.0
    status.show("rendering feed entries", 150, 10_000)
    assert status.line() == (
        "Building… rendering feed entries: 150 of 10,000 (150/s, about 1 min 6 s left) (4.0 s)"
    )
    status.show("writing", 0, 0)  # a step that is not counted
    assert status.line() == "Building… writing (4.0 s)"


def console_script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `feedkit` as its installed console script does, in a fresh interpreter with an
    exit handler that tells whether the interpreter was torn down."""
    code = (
        "import atexit, sys\n"
        "from importlib.metadata import entry_points\n"
        "atexit.register(lambda: print('torn down', file=sys.stderr))\n"
        f"sys.argv = ['feedkit', *{list(args)!r}]\n"
        "(script,) = entry_points(group='console_scripts', name='feedkit')\n"
        "script.load()()\n"
    )
    env = {**os.environ, **NOW_ENV}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_console_script_leaves_quickly_after_a_build_with_its_output_flushed(
    make_site: MakeSite,
) -> None:
    cfg = make_site("posts")
    done = console_script("build", cwd=cfg.root)
    assert done.returncode == 0, done.stderr
    assert "from 14 posts: 11 published" in done.stdout  # flushed before os._exit
    assert "control character" in done.stderr
    assert "torn down" not in done.stderr
    assert (cfg.output_path / "atom.xml").read_bytes().rstrip().endswith(b"</feed>")
    again = console_script("build", cwd=cfg.root)  # the cache written by the first one
    assert again.returncode == 0 and "are up to date (0 changed)" in again.stdout
    assert "torn down" not in again.stderr
    # A failed build and any other command exit the ordinary way, with their exit codes.
    bad = sorted((FIXTURES / "bad").glob("*.md"))[0]
    shutil.copyfile(bad, cfg.content_path / "broken.md")
    failed = console_script("build", cwd=cfg.root)
    assert failed.returncode == 1
    assert "nothing was written" in failed.stderr and "torn down" in failed.stderr
    other = console_script("check", cwd=cfg.root)
    assert other.returncode == 1 and "torn down" in other.stderr


def test_a_build_sends_nothing_to_whatever_listens_in_the_sites_folder(
    make_site: MakeSite,
) -> None:
    # A build runs in the process that was started for it: nothing of the caller's (its
    # environment, its terminal) goes to a socket someone else may have put in .feedkit/.
    cfg = make_site("posts")
    (cfg.root / ".feedkit").mkdir()
    connections: list[socket.socket] = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(str(cfg.root / ".feedkit" / "build.sock"))
        listener.listen()

        def accept() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:  # closed: the test is over
                    return
                connections.append(conn)
                conn.close()

        threading.Thread(target=accept, daemon=True).start()
        script = Path(sys.executable).parent / "feedkit"
        done = subprocess.run(
            [str(script), "build"],
            cwd=cfg.root,
            env={**os.environ, **NOW_ENV},
            capture_output=True,
            text=True,
            timeout=60,
        )
        listener.shutdown(socket.SHUT_RDWR)
    assert done.returncode == 0, done.stderr
    assert "Built 28 files in public/ (28 changed) from 14 posts" in done.stdout
    assert connections == []
    gone = console_script("build-server", cwd=cfg.root)
    assert gone.returncode == 2 and "No such command 'build-server'" in gone.stderr


def test_check_reports_what_a_digest_send_would_miss(tmp_path: Path, runner: CliRunner) -> None:
    from digest_site import SECRET_ENV, make_digest_site

    make_digest_site(tmp_path, [("ann@example.org", "Ann")])
    complete = (tmp_path / "feedkit.toml").read_text().replace(
        'subscribers = "subscribers.csv"', 'subscribers = "subscribers.csv"\ndelivery = "smtp"'
    ) + '\n[smtp]\nhost = "smtp.example.org"\nusername = "ada"\n'
    sender = 'from = "Ada Quill <ada@example.org>"\n'
    (tmp_path / "feedkit.toml").write_text(complete.replace(sender, ""))
    config = str(tmp_path / "feedkit.toml")
    unset = {**NOW_ENV, "FEEDKIT_UNSUBSCRIBE_SECRET": None, "FEEDKIT_SMTP_PASSWORD": None}
    result = runner.invoke(main, ["check", "--config", config], env=unset)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: feedkit.toml: digest.from: is required to send a digest, e.g. "
        'from = "Ada Quill <ada@example.org>"\n'
        "feedkit.toml: digest.unsubscribe_url: needs a secret of at least 16 characters in "
        "the environment variable FEEDKIT_UNSUBSCRIBE_SECRET\n"
        "feedkit.toml: smtp.password_env: the environment variable FEEDKIT_SMTP_PASSWORD is "
        "not set; it must hold the password for smtp.username\n"
    )
    (tmp_path / "feedkit.toml").write_text(complete)
    env = {**unset, **SECRET_ENV, "FEEDKIT_SMTP_PASSWORD": "pa55-word"}
    fixed = runner.invoke(main, ["check", "--config", config], env=env)
    assert fixed.exit_code == 0, fixed.output
    assert fixed.stdout.startswith("OK: ")


def test_check_fails_on_a_broken_email_template_of_the_site(tmp_path: Path) -> None:
    """A digest could not be made from these templates: `feedkit check` says so, naming each
    template and the line Jinja knows, in a fresh process with its exit code."""
    from digest_site import SECRET_ENV, make_digest_site

    cfg = make_digest_site(tmp_path, [("ann@example.org", "Ann")])
    templates = cfg.path(cfg.digest.templates)
    templates.mkdir()
    (templates / "digest.html.j2").write_text("<p>{{ site.title }}</p>\n{% if %}\n")
    (templates / "digest.txt.j2").write_text("{{ site.title }} {{ sender.name }}\n")
    check = [sys.executable, "-m", "feedkit", "check"]
    env = {**os.environ, **NOW_ENV, **SECRET_ENV}
    done = subprocess.run(check, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [  # named from the site's folder, as posts are
        "error: email_templates/digest.html.j2:2: Expected an expression, got 'end of statement"
        " block'",
        "error: email_templates/digest.txt.j2:1: 'sender' is undefined; see the template context"
        " in README",
    ]
    (templates / "digest.html.j2").unlink()  # feedkit's own stands in for a missing one
    (templates / "digest.txt.j2").write_text("{{ site.title }}\n")
    done = subprocess.run(check, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: ")


def feedkit_in(site: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `feedkit` command in the site's folder, as its blogger does."""
    return subprocess.run(
        [sys.executable, "-m", "feedkit", *args], cwd=site, env=env, capture_output=True, text=True
    )


def test_a_subject_template_that_gives_no_subject_is_an_error(tmp_path: Path) -> None:
    # An empty digest.subject.j2 passed check, and mail went out with "Subject:" alone.
    from digest_site import SECRET_ENV, make_digest_site

    make_digest_site(tmp_path, [("ann@example.org", "Ann")])
    (tmp_path / "email_templates").mkdir()
    (tmp_path / "email_templates" / "digest.subject.j2").write_text("{# none #}\n  \n")
    env = {**os.environ, **NOW_ENV, **SECRET_ENV}
    said = "error: email_templates/digest.subject.j2: gives an empty subject; write one\n"
    for command in (["check"], ["digest", "--to", "t@example.org"], ["digest"]):
        done = feedkit_in(tmp_path, env, *command)
        assert (done.returncode, done.stderr.splitlines(keepends=True)[0]) == (1, said), command
    assert not (tmp_path / "outbox").exists()


def test_a_templates_folder_that_is_not_there_is_an_error_not_feedkits_templates(
    tmp_path: Path,
) -> None:
    # `templates = "email_template"` (a typo): check said OK, and every digest went out
    # with feedkit's templates instead of the site's own.
    from digest_site import SECRET_ENV, make_digest_site

    make_digest_site(tmp_path, [("ann@example.org", "Ann")], extra_toml='templates = "mail"\n')
    (tmp_path / "email_templates").mkdir()
    (tmp_path / "email_templates" / "digest.txt.j2").write_text("Ours: {{ site.title }}\n")
    env = {**os.environ, **NOW_ENV, **SECRET_ENV}
    said = (
        "error: feedkit.toml: digest.templates: 'mail' is not a folder; make it, or set the "
        "folder that holds your templates\n"
    )
    for command in (["check"], ["digest", "--dry-run"], ["digest"], ["preview", "--text"]):
        done = feedkit_in(tmp_path, env, *command)
        assert (done.returncode, done.stderr) == (1, said), command
    assert not (tmp_path / "outbox").exists()


@pytest.mark.parametrize(
    ("use", "refused"),
    [
        ("{{ recipient.name | upper }}", "a filter or method (upper)"),
        ("{{ recipient.email | truncate(9) }}", "a test or a filter that measures it"),
        ("{{ recipient.name | length }}", "a test or a filter that measures it"),
        ("{{ recipient.email | urlencode }}", "a filter or method (encode)"),
        ("{% if recipient.name %}Hi{% endif %}", "a test or a filter that measures it"),
        ("{{ recipient.name[:3] }}", "slicing or indexing"),
        ("{{ recipient.name ~ '!' }} {{ recipient.email | e }}", ""),  # printed: fine
    ],
)
def test_a_per_reader_value_that_is_not_just_printed_fails_check_at_its_line(
    tmp_path: Path, use: str, refused: str
) -> None:
    """recipient.* is filled in per reader after rendering: a filter on it acted on the
    placeholder (every reader got "%%FEED..." from truncate, 26 from length) while check
    said OK."""
    from digest_site import SECRET_ENV, make_digest_site

    cfg = make_digest_site(tmp_path, [("ann@example.org", "Ann")])
    templates = cfg.path(cfg.digest.templates)
    templates.mkdir()
    (templates / "digest.txt.j2").write_text(f"{{{{ site.title }}}}\n{use}\n")
    env = {**os.environ, **NOW_ENV, **SECRET_ENV}
    check = [sys.executable, "-m", "feedkit", "check"]
    done = subprocess.run(check, cwd=tmp_path, env=env, capture_output=True, text=True)
    if not refused:
        assert (done.returncode, done.stderr) == (0, "")
        return
    key = "email" if "recipient.email" in use else "name"
    assert (done.returncode, done.stderr) == (
        1,
        f"error: email_templates/digest.txt.j2:2: recipient.{key} is filled in for each reader "
        f"after the templates are rendered, so it cannot go through {refused}"
        + done.stderr.split(refused, 1)[1],
    )
    assert done.stderr.endswith(f": print it as it is, {{{{ recipient.{key} }}}}\n")


def _feedkit_in(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `feedkit ARGS` in `site` in a process of its own, as a user runs it there, at the
    tests' time, with the links' secret set."""
    from digest_site import SECRET_ENV

    env = {**os.environ, **NOW_ENV, **SECRET_ENV}
    return subprocess.run(
        [sys.executable, "-m", "feedkit", *args], cwd=site, env=env, capture_output=True, text=True
    )


def test_a_first_digest_run_stops_at_a_broken_template_and_records_nothing(
    tmp_path: Path,
) -> None:
    """The first `feedkit digest` of a site, which sends nothing, tries the site's own
    templates on its newest posts before it records the archive: a broken one is said then
    (as `feedkit check` says it), not days later at the first digest, and the run records
    nothing, so that the one after the fix is the first run."""
    from digest_site import make_digest_site

    cfg = make_digest_site(tmp_path, [("ann@example.org", "Ann")])
    templates = cfg.path(cfg.digest.templates)
    templates.mkdir()
    html, text = templates / "digest.html.j2", templates / "digest.txt.j2"
    html.write_text("<p>{{ site.title }}</p>\n{% if %}\n")
    text.write_text("{{ site.title }} {{ sender.name }}\n")
    said = "error: the first digest run renders the newest posts with the site's email templates"
    broken = [
        "error: email_templates/digest.html.j2:2: Expected an expression, got 'end of statement"
        " block'",
        "error: email_templates/digest.txt.j2:1: 'sender' is undefined; see the template context"
        " in README",
    ]
    for args, outcome in ((["--dry-run"], "it would record nothing"), ([], "nothing was recorded")):
        done = _feedkit_in(tmp_path, "digest", *args)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr.splitlines() == [
            *broken,
            f"{said} before it records the archive: {outcome}",
        ]
    html.unlink()  # feedkit's own stands in for a missing one
    text.write_text("{{ site.title }}\n")
    done = _feedkit_in(tmp_path, "digest")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("First run: recorded 3 published post(s) as already sent")


def test_a_site_with_no_post_yet_starts_its_list_with_a_template_that_reads_the_first(
    tmp_path: Path,
) -> None:
    """No digest is made of no posts, so a site with none yet has nothing to try its
    templates on: one that reads `posts[0]` (right for every digest) passes its first run
    and `feedkit check`, and the digest of the first post is made from it."""
    from digest_site import make_digest_site, outbox_messages, write_post

    cfg = make_digest_site(tmp_path, [("ann@example.org", "Ann")], posts=0)
    (tmp_path / "content").mkdir()
    templates = cfg.path(cfg.digest.templates)
    templates.mkdir()
    (templates / "digest.subject.j2").write_text("New: {{ posts[0].title }}\n")
    for args, said in (
        (["digest", "--dry-run"], "First run: would record 0 published post(s)"),
        (["check"], "OK: 0 posts"),
        (["digest"], "First run: recorded 0 published post(s)"),
    ):
        done = _feedkit_in(tmp_path, *args)
        assert (done.returncode, done.stderr) == (0, ""), args
        assert done.stdout.startswith(said)
    write_post(tmp_path, "first", "The first post", NOW - timedelta(hours=1))
    done = _feedkit_in(tmp_path, "digest")
    assert done.returncode == 0, done.stderr
    (message,) = outbox_messages(tmp_path).values()
    assert message.startswith(b"Subject: New: The first post\r\n")


@pytest.mark.parametrize("case", ["sendable", "a broken template", "a reader list with errors"])
def test_a_check_of_a_site_that_mails_says_the_same_without_click(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The mail side of a check (who would get a digest, whether one could be made and sent
    # from here) reads the same in the console script's own run as in the command's.
    from digest_site import SECRET_ENV, make_digest_site

    sites = [tmp_path / "command", tmp_path / "script"]
    for site in sites:
        make_digest_site(site, [("ann@example.org", "Ann")])
        if case == "a broken template":
            (site / "email_templates").mkdir()
            (site / "email_templates" / "digest.txt.j2").write_text("{{ sender.name }}\n")
        elif case == "a reader list with errors":
            with (site / "subscribers.csv").open("a", encoding="utf-8") as csv:
                csv.write("not-an-address,Nobody\n")
    monkeypatch.chdir(sites[0])
    exit_code = 1 if case == "a broken template" else 0
    loaded = _both_ways(sites[1], ["check"], SECRET_ENV, exit_code)
    assert "click" not in loaded


def test_a_send_shows_how_many_readers_of_how_many(tmp_path: Path) -> None:
    from feedkit.mail.batch import SENDING
    from feedkit.mail.digest import DigestRenderer
    from feedkit.mail.roster import digest_readers
    from feedkit.mail.sending import run_digest, sender_factory
    from feedkit.mail.state import State

    from digest_site import SECRET_ENV, make_digest_site, public, write_post

    cfg = make_digest_site(tmp_path, [(f"r{i}@example.org", f"R {i}") for i in range(5)])
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    told: list[tuple[str, int, int]] = []
    with State.open(cfg.path(cfg.digest.state)) as state:
        readers, _ = digest_readers(cfg, state, NOW)  # subscribers.csv into the reader list
        first = run_digest(
            cfg, state, public(cfg), readers, sender_factory(cfg), NOW, renderer=renderer
        )
        assert first.baseline == 3  # the first run sends none of the old posts
        write_post(tmp_path, "new", "New", NOW - timedelta(hours=1))
        report = run_digest(
            cfg,
            state,
            public(cfg),
            readers,
            sender_factory(cfg),
            NOW,
            renderer=renderer,
            progress=lambda step, done, total: told.append((step, done, total)),
        )
    assert report.total("sent") == 5
    assert told == [(SENDING, n, 5) for n in range(5)]


DRY_RUN_CASES = {  # the arguments, the site, the environment, the exit code
    "a new post": ([], "a new post", {}, 0),
    "the first run": ([], "no digest yet", {}, 0),
    "config given": (["--config=feedkit.toml"], "a new post", {}, 0),
    "config missing": (["--config", "nope.toml"], "a new post", {}, 1),
    "config a folder": (["--config", "email_templates"], "a new post", {}, 2),
    "a broken template": ([], "a broken template", {}, 1),
    "a reader list with errors": ([], "a reader list with errors", {}, 0),
    "no secret for the links": ([], "a new post", {"FEEDKIT_UNSUBSCRIBE_SECRET": None}, 1),
    "a clock without a zone": ([], "a new post", {"FEEDKIT_NOW": "2026-03-01T00:00:00"}, 2),
    "send latest": (["--send-latest", "2"], "no digest yet", {}, 0),
    "verbose": (["-v"], "a new post", {}, 0),
}


@pytest.mark.parametrize("case", sorted(DRY_RUN_CASES))
def test_a_dry_run_the_console_script_runs_without_click_says_what_the_command_says(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With `--dry-run` and at most `--config`, the console script plans the digest without
    # loading click (feedkit/commands/dryrun.py); what it prints and exits with is the
    # command's, twice (the second run reads what the first kept of the posts), and it
    # changes no state.
    from digest_site import SECRET_ENV, make_digest_site, site_after_first_digest, write_post

    args, kind, env, exit_code = DRY_RUN_CASES[case]
    sites = [tmp_path / "command", tmp_path / "script"]
    for name, value in SECRET_ENV.items():  # for the first digest
        monkeypatch.setenv(name, value)
    for site in sites:
        if kind == "no digest yet":
            make_digest_site(site, [("ann@example.org", "Ann")])
        else:
            site_after_first_digest(site)
            write_post(site, "new", "New", NOW - timedelta(hours=1))
        (site / "email_templates").mkdir()
        if kind == "a broken template":
            (site / "email_templates" / "digest.txt.j2").write_text("{{ sender.name }}\n")
        elif kind == "a reader list with errors":
            with (site / "subscribers.csv").open("a", encoding="utf-8") as csv:
                csv.write("not-an-address,Nobody\n")
    monkeypatch.undo()
    states = {site: _state_files(site) for site in sites}
    assert all(("state.db" in files) == (kind != "no digest yet") for files in states.values())
    monkeypatch.chdir(sites[0])
    for _ in range(2):
        loaded = _both_ways(
            sites[1], ["digest", "--dry-run", *args], {**SECRET_ENV, **env}, exit_code
        )
        by_click = ("config a folder", "a clock without a zone", "send latest", "verbose")
        assert ("click" in loaded) == (case in by_click)
    assert {site: _state_files(site) for site in sites} == states


def _state_files(site: Path) -> dict[str, bytes]:
    """Return the digest's state database and the site's files outside .feedkit/ but its
    posts: what a dry run must leave as it found them."""
    files = {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.parts[len(site.parts)] not in (".feedkit", "content")
    }
    state = site / ".feedkit" / "state.db"
    if state.exists():
        files["state.db"] = state.read_bytes()
    return files


def _posts_site(root: Path) -> Path:
    """Return a site in `root` with the fixture posts (warnings among them)."""
    (root / "content").mkdir(parents=True)
    (root / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    for post in sorted((FIXTURES / "posts").glob("*.md")):
        shutil.copyfile(post, root / "content" / post.name)
    (root / "a-folder").mkdir()
    return root


def _two_sites(tmp_path: Path, broken: str | None, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Return two copies of `_posts_site` (with the fixture `broken` as a post, if given),
    the first of them the current folder, for the command (CliRunner) and the script."""
    sites = [_posts_site(tmp_path / "command"), _posts_site(tmp_path / "script")]
    if broken:
        for site in sites:
            shutil.copyfile(FIXTURES / broken, site / "content" / "broken.md")
    monkeypatch.chdir(sites[0])
    return sites


def _both_ways(
    script_site: Path, args: list[str], env: dict[str, str | None], exit_code: int | None = None
) -> list[str]:
    """Run `feedkit ARGS` as the command (CliRunner, in the current folder) and as the
    console script runs it (a fresh process, in `script_site`); check that both exit (with
    `exit_code`, if given) and print alike, and return the modules the script imported."""
    command = CliRunner().invoke(main, args, env={**NOW_ENV, **env}, prog_name="feedkit")
    as_installed = "import sys; from feedkit.entry import run; sys.argv[0] = 'feedkit'; run()"
    script = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", as_installed, *args],
        cwd=script_site,
        env={k: v for k, v in {**os.environ, **NOW_ENV, **env}.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )
    said = "".join(line + "\n" for line in script.stderr.splitlines() if "import time:" not in line)
    here = str(Path.cwd())  # the command's copy of the site, where a message names a path
    said, printed = (
        said.replace(str(script_site), here),
        script.stdout.replace(str(script_site), here),
    )
    assert (script.returncode, printed, said) == (
        command.exit_code,
        command.stdout,
        command.stderr,
    )
    assert exit_code is None or command.exit_code == exit_code
    return re.findall(r"\| +([\w.]+)$", script.stderr, re.M)


BUILD_CASES = {
    "built": ([], None, {}),
    "drafts": (["--drafts"], None, {}),
    "no cache": (["--no-cache", "--drafts"], None, {}),
    "strict, with warnings": (["--strict"], None, {}),
    "config given": (["--config=feedkit.toml"], None, {}),
    "config missing": (["--config", "nope.toml"], None, {}),
    "config a folder": (["--config", "a-folder"], None, {}),
    "a broken post": ([], "bad/bad-date.md", {}),
    "a clock without a zone": ([], None, {"FEEDKIT_NOW": "2026-03-01T00:00:00"}),
}


@pytest.mark.parametrize("case", sorted(BUILD_CASES))
def test_a_build_the_console_script_runs_without_click_says_what_the_command_says(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With only the build's options, the console script builds without loading click
    # (feedkit/commands/build.py); what it prints, writes and exits with is the command's.
    args, broken, env = BUILD_CASES[case]
    sites = _two_sites(tmp_path, broken, monkeypatch)
    loaded = _both_ways(sites[1], ["build", *args], env)
    assert ("click" in loaded) == (case in ("config a folder", "a clock without a zone"))
    written = [
        {
            p.relative_to(site).as_posix(): p.read_bytes()
            for p in site.rglob("public/**/*")
            if p.is_file()
        }
        for site in sites
    ]
    assert written[0] == written[1]


CHECK_CASES = {  # the arguments, a broken post, the environment, the exit code
    "checked": ([], None, {}, 0),
    "strict, with warnings": (["--strict"], None, {}, 1),
    "config given": (["--config=feedkit.toml"], None, {}, 0),
    "config missing": (["--config", "nope.toml"], None, {}, 1),
    "config a folder": (["--config", "a-folder"], None, {}, 2),
    "a broken post": ([], "bad/bad-date.md", {}, 1),
    "a clock without a zone": ([], None, {"FEEDKIT_NOW": "2026-03-01T00:00:00"}, 2),
    "a build's option": (["--drafts"], None, {}, 2),
    "verbose": (["-v"], "bad/bad-date.md", {}, 1),
}


@pytest.mark.parametrize("case", sorted(CHECK_CASES))
def test_a_check_the_console_script_runs_without_click_says_what_the_command_says(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With only the check's options, the console script checks without loading click
    # (feedkit/commands/check.py); what it prints and exits with is the command's, twice (the
    # second check reads what the first kept).
    args, broken, env, exit_code = CHECK_CASES[case]
    sites = _two_sites(tmp_path, broken, monkeypatch)
    for _ in range(2):
        loaded = _both_ways(sites[1], ["check", *args], env, exit_code)
        by_click = ("config a folder", "a clock without a zone", "a build's option", "verbose")
        assert ("click" in loaded) == (case in by_click)
