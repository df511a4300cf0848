"""A `feedkit build` with nothing to do is told so before the command line loads
(feedkit/site/uptodate.py), saying what the full build says; and never when anything the
build reads or makes changed."""

from __future__ import annotations

import io
import marshal
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

import feedkit
from feedkit.cli import main
from feedkit.config import load_config
from feedkit.site import uptodate

from conftest import NOW, NOW_ENV, SITE_TOML
from digest_site import SECRET_ENV, site_after_first_digest, write_post


def post(title: str, date: str, body: str = "Body text.") -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: [alpha]\n---\n{body}\n"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "blog"
    root.mkdir()
    (root / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    content = root / "content"
    content.mkdir()
    for i in range(4):
        (content / f"p{i}.md").write_text(post(f"Post {i}", f"2026-01-0{i + 1}"))
    (content / "later.md").write_text(post("Later", "2026-12-24"))  # after NOW: scheduled
    (content / "odd.md").write_text(
        "---\ntitle: Odd\ndate: 2026-02-01\nupdated: 2026-01-01\n---\nUpdated before.\n"
    )
    settle(root)
    monkeypatch.setenv("FEEDKIT_NOW", NOW_ENV["FEEDKIT_NOW"])
    return root


def settle(root: Path) -> None:
    """Make every file and folder of the site but the outputs and the cache that was just
    written look written a minute ago (a status younger than two seconds is never trusted);
    the others keep their statuses."""
    recent = time.time_ns() - 30_000_000_000
    for path in [root, *root.rglob("*")]:
        if not {"public", ".feedkit"} & set(path.relative_to(root).parts):
            if path.stat().st_mtime_ns > recent:
                age(path)


def age(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


def feedkit_run(
    root: Path, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `feedkit ARGS` as the console script does (feedkit.entry.run), in a fresh
    process; when it returns without the command line loaded, it lists the modules it
    imported on its last line of stderr."""
    probe = (
        "import sys; from feedkit.entry import run; sys.argv[0] = 'feedkit'; run(); "
        "print('modules:', ' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    return subprocess.run(
        [sys.executable, "-c", probe, *args],
        cwd=cwd or root,
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )


def build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = feedkit_run(root, "build", "--config", str(root / "feedkit.toml"), *args)
    assert done.returncode == 0, done.stderr
    return done


def quick(root: Path, *args: str, config: str | None = None) -> tuple[bool, str, str]:
    """Return what `answer` says of `feedkit build ARGS` here, and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    said = uptodate.answer(
        ["--config", config or str(root / "feedkit.toml"), *args], out=out, err=err
    )
    return said, out.getvalue(), err.getvalue()


def test_a_build_with_nothing_to_do_answers_as_the_build_would_without_loading_it(
    site: Path,
) -> None:
    first = build(site)
    assert first.stdout.startswith("Built ")
    fast = build(site)
    modules = fast.stderr.splitlines()[-1].split()
    assert modules[0] == "modules:"
    assert not {"click", "feedkit.cli", "feedkit.config", "yaml", "tomllib"} & set(modules)
    # -v goes the full build's way, which finds nothing to do the same way and says so
    full = build(site, "-v")
    assert "modules:" not in full.stderr
    assert (
        fast.stdout
        == full.stdout
        == (
            "Feeds in public/ are up to date (0 changed); "
            "6 posts: 5 published, 0 draft(s), 1 scheduled for later\n"
        )
    )
    warning = "content/odd.md:4: warning: updated is before the post's date; using the date\n"
    assert full.stderr == warning
    assert fast.stderr.splitlines(keepends=True)[:-1] == [warning]


def test_a_build_with_nothing_to_do_imports_none_of_the_standard_librarys_slow_modules(
    site: Path,
) -> None:
    """pip's console scripts import only sys since pip 25 (they used to import re), so what
    the answer takes, the command pays. What the test's environment loaded before feedkit
    (an editable install's import hook loads re) is forgotten first, so it shows again when
    the answer imports it."""
    slow = ["re", "functools", "enum", "typing", "pathlib", "dataclasses", "hashlib", "_hashlib"]
    slow.append("datetime")  # its pure-Python half: FEEDKIT_NOW is read with _datetime's
    probe = (
        f"import sys; slow = {slow!r}; "
        "[sys.modules.pop(name) for name in list(sys.modules) if name.split('.')[0] in slow]; "
        "import os; sys.path[0] = os.path.dirname(sys.executable); "  # as the script's
        "from feedkit.entry import run; sys.argv[0] = 'feedkit'; run(); "
        "print('modules:', ' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    command = [sys.executable, "-c", probe, "build", "--config", "feedkit.toml"]
    env = {**os.environ, **NOW_ENV}
    # A feedkit file changed in the last two seconds (just edited) is too fresh to trust by
    # its status: the answer would read and hash feedkit's files. Let them age first.
    package = Path(feedkit.__file__).parent
    newest = max(max(p.stat().st_mtime_ns, p.stat().st_ctime_ns) for p in package.rglob("*"))
    time.sleep(max(0.0, (newest + 2_200_000_000 - time.time_ns()) / 1e9))
    first = subprocess.run(command, cwd=site, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Built ")
    fast = subprocess.run(command, cwd=site, env=env, capture_output=True, text=True)
    assert fast.stdout.startswith("Feeds in public/ are up to date")
    modules = fast.stderr.splitlines()[-1].split()
    assert modules[0] == "modules:"
    assert not set(slow) & set(modules)


def test_a_jekyll_sites_folders_it_never_reads_are_not_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Jekyll site read from its own folder, with npm's and bundler's folders in it: a
    # package installed there (its README.md a Markdown file like any post) changes nothing
    # Jekyll reads, so the build has nothing to do; a new post still does.
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: T\nurl: https://t.example.org\n")
    (root / "feedkit.toml").write_text(
        'title = "T"\nbase_url = "https://t.example.org/"\ncontent_dir = "."\n'
    )
    (root / "_posts" / "2026-01-01-a.md").write_text(post("A", "2026-01-01"))
    (root / "node_modules" / "left-pad").mkdir(parents=True)
    (root / "node_modules" / "left-pad" / "README.md").write_text("# left-pad\n")
    settle(root)
    monkeypatch.setenv("FEEDKIT_NOW", NOW_ENV["FEEDKIT_NOW"])
    assert build(root).stdout.startswith("Built ")
    for folder in ("node_modules/right-pad", "vendor/bundle/ruby/3.3.0/gems/kramdown-2.4.0"):
        (root / folder).mkdir(parents=True)
        (root / folder / "README.md").write_text("# a package\n")
        settle(root)
        again = build(root)  # answered without the full build: it lists its modules
        assert again.stdout.startswith("Feeds in public/ are up to date"), folder
        assert again.stderr.startswith("modules: "), folder
    (root / "_posts" / "2026-01-02-b.md").write_text(post("B", "2026-01-02"))
    settle(root)
    assert build(root).stdout.startswith("Built 4 files in public/ (3 changed) from 2 posts")


def test_the_output_folder_is_shown_from_where_the_command_runs(site: Path) -> None:
    build(site)
    elsewhere = site.parent
    fast = feedkit_run(site, "build", "--config", "blog/feedkit.toml", cwd=elsewhere)
    full = feedkit_run(site, "build", "--config", "blog/feedkit.toml", "-v", cwd=elsewhere)
    assert fast.stderr.splitlines()[-1].startswith("modules:")
    assert fast.stdout == full.stdout
    assert fast.stdout.startswith("Feeds in blog/public/ are up to date")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def add_to(path: Path, text: str) -> None:
    write(path, path.read_text(encoding="utf-8") + text)


# Each change to a file the build reads, besides the outputs; the site is settled after it,
# so that the answer is not "too fresh to trust" but the change itself.
CHANGES: dict[str, Callable[[Path], object]] = {
    "a post edited": lambda s: add_to(s / "content/p1.md", "More.\n"),
    "a post added": lambda s: write(s / "content/p9.md", post("Nine", "2026-03-01")),
    "a post removed": lambda s: (s / "content/p2.md").unlink(),
    "a post renamed": lambda s: (s / "content/p3.md").rename(s / "content/p3b.md"),
    "the config edited": lambda s: add_to(s / "feedkit.toml", "# a comment\n"),
    "Jekyll's _config.yml added": lambda s: write(s / "_config.yml", "title: J\n"),
    "Jekyll's _config.yaml added": lambda s: write(s / "content/_config.yaml", "title: J\n"),
    "Jekyll's _config.toml added": lambda s: write(s / "_config.toml", 'title = "J"\n'),
    "an include added": lambda s: write(s / "content/_includes/note.html", "<b>n</b>\n"),
    "an include edited": lambda s: add_to(s / "_includes/kept.html", "<i>more</i>\n"),
    "authors.yml added": lambda s: write(s / "_data/authors.yml", "ada: {name: Ada}\n"),
    "a Hugo config added": lambda s: write(s / "hugo.toml", 'title = "H"\n'),
    "a Hugo config folder file": lambda s: write(s / "config/_default/params.toml", "a=1\n"),
    "a Pelican config added": lambda s: write(s / "pelicanconf.py", "SITENAME = 'P'\n"),
    "a first theme": lambda s: write(s / "themes/new/layouts/shortcodes/w.html", "<b>w</b>\n"),
    "a theme's shortcode": lambda s: write(s / "themes/kept/layouts/_shortcodes/w.html", "w\n"),
    "a render hook": lambda s: write(s / "layouts/_markup/render-link.html", "<a></a>\n"),
    "a theme's render hook": lambda s: write(
        s / "themes/kept/layouts/_default/_markup/render-image.html", "<img>\n"
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_to_what_the_build_reads_goes_to_the_full_build(site: Path, change: str) -> None:
    write(site / "_includes/kept.html", "<b>kept</b>\n")
    write(site / "themes/kept/theme.toml", 'name = "Kept"\n')
    settle(site)
    build(site)
    assert quick(site)[0]
    CHANGES[change](site)
    settle(site)
    assert quick(site) == (False, "", "")
    build(site)  # the full build takes it in and records it: nothing to do again
    assert quick(site)[0]


def test_outputs_changed_or_gone_go_to_the_full_build(site: Path) -> None:
    build(site)
    atom = site / "public/atom.xml"
    made = atom.read_bytes()
    atom.unlink()
    assert quick(site) == (False, "", "")
    assert build(site).stdout.startswith("Built ")
    assert atom.read_bytes() == made
    add_to(site / "public/rss.xml", "\n")
    assert quick(site) == (False, "", "")
    build(site)
    assert quick(site)[0]


def test_a_scheduled_post_coming_due_goes_to_the_full_build(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(site)
    # The post is dated 2026-12-24 in the site's zone, Europe/Berlin: 23:00 the day before.
    monkeypatch.setenv("FEEDKIT_NOW", "2026-12-23T22:59:59+00:00")
    assert quick(site)[0]
    monkeypatch.setenv("FEEDKIT_NOW", "2026-12-23T23:00:00+00:00")
    assert quick(site) == (False, "", "")
    monkeypatch.setenv("FEEDKIT_NOW", "Christmas")  # the full build says what is wrong
    assert quick(site) == (False, "", "")


def test_a_time_set_back_past_a_post_goes_to_the_full_build(
    site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # After a build as of a later day (`FEEDKIT_NOW`, or a clock set right again), a build
    # said "up to date" and kept posts not yet due in every feed.
    build(site)  # as of NOW: the last post to come due was Odd, on 2026-02-01
    monkeypatch.setenv("FEEDKIT_NOW", "2026-06-01T00:00:00+00:00")  # no post came since
    assert quick(site)[0]
    monkeypatch.setenv("FEEDKIT_NOW", "2026-01-03T12:00:00+00:00")  # Odd and Post 3 not yet
    assert quick(site) == (False, "", "")

    def build_then(root: Path, *args: str) -> str:  # as of the time set here
        command = [sys.executable, "-m", "feedkit", "build", "--config", "feedkit.toml", *args]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    said = build_then(site)
    assert "3 published" in said and "3 scheduled for later" in said
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("public", ".feedkit"))
    build_then(fresh, "--no-cache")
    for name in ("atom.xml", "rss.xml", "feed.json"):
        assert (site / "public" / name).read_bytes() == (fresh / "public" / name).read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ["--drafts"],
        ["--strict"],
        ["--no-cache"],
        ["-v"],
        ["--help"],
        ["--config"],
        ["--config", "--drafts"],
        ["--config="],
        ["extra"],
    ],
)
def test_other_options_go_to_the_full_build(site: Path, args: list[str]) -> None:
    build(site)
    assert quick(site)[0]
    out, err = io.StringIO(), io.StringIO()
    assert not uptodate.answer(["--config", str(site / "feedkit.toml"), *args], out=out, err=err)
    assert out.getvalue() == err.getvalue() == ""


def test_a_drafts_build_is_answered_for_drafts_only(site: Path) -> None:
    build(site, "--drafts")
    said, out, _ = quick(site, "--drafts")
    assert said and out.endswith("6 posts: 5 published, 1 scheduled for later\n")  # no drafts
    assert not quick(site)[0]


def test_another_config_file_goes_to_the_full_build(site: Path) -> None:
    build(site)
    shutil.copyfile(site / "feedkit.toml", site / "other.toml")
    age(site / "other.toml")
    assert quick(site, config=str(site / "other.toml")) == (False, "", "")
    os.chdir(site)
    assert quick(site, config="feedkit.toml")[0]  # the same file, by another path


@pytest.fixture
def mailing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site that mails a digest and keeps its web copies (the archive is on by default):
    its back catalogue recorded, and one post since."""
    for key, value in {**SECRET_ENV, **NOW_ENV}.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "blog"
    site_after_first_digest(root)
    write_post(root, "fresh", "A fresh post", NOW - timedelta(hours=1))
    settle(root)
    age_tree(root / ".feedkit")
    return root


def age_tree(folder: Path) -> None:
    """Make every file and folder in `folder` written in the last half minute look written
    a minute earlier (the others keep their statuses, as settle does)."""
    recent = time.time_ns() - 30_000_000_000
    for path in [folder, *folder.rglob("*")]:
        if path.stat().st_mtime_ns > recent:
            age(path)


def send_digest(root: Path) -> None:
    """Mail the next digest without its web copies, as a `feedkit digest` killed right after
    sending leaves the site: the state records it, the archive does not show it yet. (The
    same site with the archive off sends it; the site's own feedkit.toml is untouched.)"""
    text = (root / "feedkit.toml").read_text(encoding="utf-8")
    write(root / "nopages.toml", text + 'archive = ""\n')  # the last table is [digest]
    sent = CliRunner().invoke(main, ["digest", "--config", str(root / "nopages.toml")])
    assert sent.exit_code == 0 and "1 sent" in sent.stdout, sent.output
    assert not (root / "public" / "newsletter").exists()


def build_and_age(root: Path) -> subprocess.CompletedProcess[str]:
    """Build, then make what the build and its refresh of the web copies wrote look a minute
    old: the state's -wal file (SQLite makes it when the build reads the state) and the
    web copies. (The feeds keep their statuses: the build's record of them stands.)"""
    done = build(root)
    age_tree(root / ".feedkit")
    if (root / "public" / "newsletter").exists():
        age_tree(root / "public" / "newsletter")
    return done


def test_a_site_that_keeps_its_digests_on_the_web_is_answered_while_they_stand(
    mailing: Path,
) -> None:
    pages = mailing / "public" / "newsletter"
    assert build_and_age(mailing).stdout.startswith("Built ")
    assert not pages.exists()  # nothing sent since the back catalogue was recorded
    # The record was taken before the build's look at the state made its -wal file: the
    # next build records it, and the build after that is answered as the full one.
    assert quick(mailing) == (False, "", "")
    full = build_and_age(mailing)
    fast = build(mailing)
    assert fast.stderr.startswith("modules:")  # answered before the command line loaded
    assert fast.stdout == full.stdout
    assert full.stdout.startswith("Feeds in public/ are up to date")

    send_digest(mailing)
    age_tree(mailing / ".feedkit")
    assert quick(mailing) == (False, "", "")  # its web copy is due
    made = build_and_age(mailing)
    assert "Digest archive in public/newsletter/: 3 file(s) changed" in made.stdout
    assert quick(mailing) == (False, "", "")  # recorded before the refresh wrote the pages
    build_and_age(mailing)
    assert quick(mailing)[0]

    page = next(pages.glob("*/index.html"))
    kept = page.read_bytes()
    page.unlink()
    assert quick(mailing) == (False, "", "")
    assert "1 file(s) changed" in build(mailing).stdout
    assert page.read_bytes() == kept


def test_an_email_template_changed_goes_to_the_full_build_for_the_web_copies(
    mailing: Path,
) -> None:
    send_digest(mailing)
    for _ in range(3):
        build_and_age(mailing)
    assert quick(mailing)[0]
    write(mailing / "email_templates" / "digest.css", "body { color: #222; }\n")
    age_tree(mailing / "email_templates")
    assert quick(mailing) == (False, "", "")
    # feedkit's own templates too: an editable install keeps them outside its package
    # folder, where the record of feedkit's files does not look.
    import feedkit.email_templates

    default = Path(feedkit.email_templates.__path__[0], "digest.css")
    assert str(default) in uptodate.archive_inputs(load_config(mailing / "feedkit.toml"))


def test_a_websub_hub_goes_to_the_full_build(site: Path) -> None:
    text = (site / "feedkit.toml").read_text(encoding="utf-8")
    write(site / "feedkit.toml", text.replace("[feed]", '[feed]\nhub = "http://127.0.0.1:9/"'))
    settle(site)
    build(site)
    state = marshal.loads((site / ".feedkit/cache/state.marshal").read_bytes())
    assert state[uptodate.WALK] and state[uptodate.RECORD] is None
    assert quick(site) == (False, "", "")


def test_a_config_too_fresh_to_trust_is_recorded_by_a_later_build(site: Path) -> None:
    add_to(site / "feedkit.toml", "# just saved\n")
    build(site)
    assert quick(site) == (False, "", "")  # it could change again within its timestamp
    age(site / "feedkit.toml")
    assert "up to date" in build(site).stdout  # the full build records it now
    assert quick(site)[0]


def test_an_answer_the_terminal_cannot_show_goes_to_the_full_build(site: Path) -> None:
    """With stdout in ASCII (PYTHONIOENCODING=ascii:strict), "Feeds in públic/ are up to
    date" cannot be written as text: the full build writes it as click does, and nothing
    fails with a traceback."""
    toml = site / "feedkit.toml"
    toml.write_text('output_dir = "públic"\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    settle(site)
    build(site)
    env = {**os.environ, **NOW_ENV, "PYTHONIOENCODING": "ascii:strict"}
    done = subprocess.run(
        [sys.executable, "-m", "feedkit", "build", "--config", str(toml)],
        cwd=site,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    assert done.stdout.decode().startswith("Feeds in p\u00fablic/ are up to date")


def test_a_damaged_state_goes_to_the_full_build(site: Path) -> None:
    build(site)
    state = site / ".feedkit/cache/state.marshal"
    state.write_bytes(state.read_bytes()[:40])
    assert quick(site) == (False, "", "")
    assert build(site).stdout.startswith("Built ")


def test_a_change_to_feedkit_itself_goes_to_the_full_build(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    build(site)
    copy = tmp_path_factory.mktemp("install") / "feedkit"
    shutil.copytree(
        Path(feedkit.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    quiet = {"out": io.StringIO(), "err": io.StringIO()}
    args = ["--config", str(site / "feedkit.toml")]
    assert uptodate.answer(args, package=str(copy), **quiet)  # the same files elsewhere
    add_to(copy / "site/feeds.py", "# changed\n")
    assert not uptodate.answer(args, package=str(copy), **quiet)


def test_feedkit_reinstalled_as_it_was_is_read_once_not_at_every_build(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The same files with new statuses (feedkit installed again; its library folder's
    status changes whenever any package is installed beside it) are read and hashed once to
    tell they are the same: the answer keeps their new statuses for the next build, as the
    full build does, or every build after would hash feedkit's files again."""
    copy = tmp_path_factory.mktemp("install") / "feedkit"
    shutil.copytree(
        Path(feedkit.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    copied = time.monotonic()
    for path in [copy, *copy.rglob("*")]:
        age(path)
    build(site)
    # A status is trusted once both its times are two seconds old; a change time cannot be
    # set, so the copy has to age.
    time.sleep(max(0.0, copied + 2.2 - time.monotonic()))
    probe = (
        "import io, os, sys; sys.path[0] = os.path.dirname(sys.executable); "  # as the script's
        "from feedkit.site import uptodate; "
        f"said = uptodate.answer(['--config', 'feedkit.toml'], package={str(copy)!r}, "
        "out=io.StringIO(), err=io.StringIO()); "
        "print(said, 'hashlib' in sys.modules)"
    )

    def answered() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=site, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert answered() == "True True"  # the copy's files read and hashed: the same code
    assert answered() == "True False"  # their statuses kept: nothing read again
    assert build(site).stdout.startswith("Feeds in public/ are up to date")


def test_a_build_that_has_something_to_do_walks_the_content_folder_once(site: Path) -> None:
    build(site)
    add_to(site / "content/p1.md", "An edit.\n")
    settle(site)
    walks = site.parent / "walks.txt"
    # Every walk of the content folder, by the answer or by the build, leaves a line.
    probe = (
        "import sys\n"
        "from feedkit.site import cache\n"
        "from feedkit.site import uptodate\n"
        "def counted(real):\n"
        "    def walk(*args, **kwargs):\n"
        f"        with open({str(walks)!r}, 'a') as out:\n"
        "            out.write('walk\\n')\n"
        "        return real(*args, **kwargs)\n"
        "    return walk\n"
        "uptodate.walk = counted(uptodate.walk)\n"
        "cache.walk = counted(cache.walk)\n"
        "from feedkit.entry import run\n"
        "sys.argv[0] = 'feedkit'\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "build", "--config", str(site / "feedkit.toml")],
        cwd=site,
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built 7 files in public/ (")
    assert walks.read_text() == "walk\n"
    assert b"An edit." in (site / "public/atom.xml").read_bytes()
    assert quick(site)[0]


def test_a_walk_of_another_folder_is_not_taken(site: Path, tmp_path: Path) -> None:
    from feedkit.config import load_config
    from feedkit.site.cache import BuildCache

    cfg = load_config(site / "feedkit.toml")
    cache = BuildCache.open(cfg)
    cache.walked = (str(tmp_path / "elsewhere"), [], "")
    assert len(cache.scan(cfg).found) == 6
    content = str(cfg.content_path)
    cache.walked = (content, [(content + "/only.md", None)], "x")
    assert [path for path, _ in cache.scan(cfg).found] == [content + "/only.md"]
    assert len(cache.scan(cfg).found) == 6  # taken once


def test_a_hugo_sites_theme_checked_out_after_a_build_is_read_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A clone without its theme's submodule has no themes/ folder, or an empty one: a post's
    # shortcode from the theme is unknown then, and said so. Once the theme is there, the
    # build uses it, not "up to date".
    monkeypatch.setenv("FEEDKIT_NOW", NOW_ENV["FEEDKIT_NOW"])
    root = tmp_path / "blog"
    write(root / "feedkit.toml", SITE_TOML)
    write(root / "hugo.toml", 'baseURL = "https://example.com/"\ntheme = "stack"\n')
    write(root / "content/posts/one.md", post("One", "2026-01-02", 'Hi.\n\n{{< widget x="7" >}}'))
    warning = "unknown shortcode 'widget'; left out"
    hint = " (the site's theme stack is not in themes/"
    settle(root)
    assert warning + hint in build(root).stderr
    for step in (
        lambda: (root / "themes/stack").mkdir(parents=True),  # the submodule's empty folder
        lambda: write(root / "themes/stack/theme.toml", "name = 'Stack'\n"),  # checked out
        lambda: write(root / "themes/stack/layouts/shortcodes/widget.html", "{{ .Get `x` }}!"),
    ):
        settle(root)
        assert quick(root)[0]
        step()
        settle(root)
        assert quick(root) == (False, "", "")
        said = build(root).stderr
        if not (root / "themes/stack/theme.toml").exists():
            assert warning + hint in said
        elif not (root / "themes/stack/layouts").exists():
            assert warning + "\n" in said
        else:
            assert "unknown shortcode" not in said
            assert "7!" in (root / "public/atom.xml").read_text(encoding="utf-8")
