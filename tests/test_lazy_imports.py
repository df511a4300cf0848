"""What a fresh `feedkit` process imports on its common paths: a library that path does not
use costs its import time on every run (issue 13's fresh-process goals)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from feedkit.posts import fmparse, postfile

from conftest import NOW, NOW_ENV, ROOT, SITE_TOML
from digest_site import SECRET_ENV, make_digest_site, site_after_first_digest, write_post


def imported(site: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    """Return the modules `feedkit ARGS` imported, in a fresh process run in `site`."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "feedkit", *args],
        cwd=site,
        env={**os.environ, **NOW_ENV, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return re.findall(r"\| +([\w.]+)$", proc.stderr, re.M)


def test_posts_split_where_python_frontmatter_would_split_them() -> None:
    # postfile keeps python-frontmatter's boundary patterns so that splitting a post needs
    # neither it nor PyYAML; an upgrade that changes them must show here.
    from frontmatter.default_handlers import JSONHandler, YAMLHandler

    patterns = dict(postfile.BOUNDARIES)
    assert list(patterns) == [name for name, _ in fmparse.handlers()]
    assert patterns["YAML"] == YAMLHandler.FM_BOUNDARY.pattern
    assert patterns["JSON"] == JSONHandler.FM_BOUNDARY.pattern
    assert dict(fmparse.handlers())["TOML"].FM_BOUNDARY.pattern == patterns["TOML"]


def test_a_build_with_nothing_changed_imports_nothing_that_reads_posts(tmp_path: Path) -> None:
    # It lists the files and compares their statuses with the cache's; parsing front matter
    # (PyYAML, python-frontmatter, json, the post fields), rendering (the TeX converter,
    # feedgen, lxml) and handing work to a forked child (pickle) are for builds with work.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "p.md").write_text(
        "---\ntitle: Math\ndate: 2024-01-01\n---\nThe body: $x^2$.\n"
    )
    os.utime(tmp_path / "content" / "p.md", (1e9, 1e9))  # saved long before the builds
    assert "feedkit.site.build" in imported(tmp_path, "build")
    modules = imported(tmp_path, "build")
    assert "feedkit.site.cache" in modules
    heavy = ("yaml", "frontmatter", "math_core", "feedgen", "lxml", "json", "pickle")
    assert [m for m in modules if m.split(".")[0] in heavy] == []
    assert "feedkit.posts.postmeta" not in modules


def test_a_cold_build_of_common_front_matter_imports_no_yaml_parser(tmp_path: Path) -> None:
    # The benchmark's posts keep to the YAML forms feedkit reads itself (plain, quoted and
    # listed values, block lists), as most posts do: PyYAML's import (about 13 ms) is for
    # the rest. Its Hugo config is TOML.
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import generate
    finally:
        sys.path.pop(0)
    generate(tmp_path, 300, seed=3)
    modules = imported(tmp_path, "build")
    assert "feedkit.posts.postmeta" in modules  # every post was read
    assert [m for m in modules if m.split(".")[0] in ("yaml", "frontmatter")] == []
    assert (tmp_path / "public" / "atom.xml").is_file()


def test_a_build_after_one_post_is_edited_imports_no_python_frontmatter(tmp_path: Path) -> None:
    # Rendering the edited post needs only where its body starts; its YAML goes through
    # PyYAML's parser directly. No formula in it: the TeX converter stays out too.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    for i in range(3):
        (tmp_path / "content" / f"p{i}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2024-01-0{i + 1}\n---\nThe body of post {i}.\n"
        )
    assert "feedkit.site.build" in imported(tmp_path, "build")
    (tmp_path / "content" / "p2.md").write_text(
        "---\ntitle: Post 2, edited\ndate: 2024-01-03\n---\nThe body, edited.\n"
    )
    modules = imported(tmp_path, "build")
    assert "feedgen.entry" in modules  # the edited post's entries were made again
    assert b"Post 2, edited" in (tmp_path / "public" / "atom.xml").read_bytes()
    assert [m for m in modules if m.startswith(("frontmatter", "math_core"))] == []
    # Nor the command line library (feedkit/commands/build.py), nor Pelican's Markdown and
    # the emoji codes, which only some sites read.
    skipped = (
        "click",
        "feedkit.cli",
        "feedkit.posts.pelicanmarkdown",
        "feedkit.posts.pythonmarkdown",
        "feedkit.posts.emojicodes",
    )
    assert [m for m in modules if m in skipped] == []
    # Nor Hugo's configuration reader and sections, on a site with no Hugo configuration.
    assert [
        m for m in modules if m in ("feedkit.posts.hugoconfig", "feedkit.posts.hugosections")
    ] == []
    # Nor what feedgen imports and never runs for feedkit (dateutil's parser of dates as
    # text, its tzdata reader, its Windows time zones with ctypes), nor kramdown's modules
    # for a post with none of kramdown's syntax.
    unused = ("dateutil.parser", "dateutil._tzdata_impl", "ctypes")
    assert [m for m in modules if m in unused] == []
    kramdown = [m for m in modules if m.startswith("feedkit.posts.kramdown")]
    assert kramdown == ["feedkit.posts.kramdown_look"]  # the quick look for its syntax


def test_feeds_made_again_from_kept_entries_import_neither_feedgen_nor_the_renderer(
    tmp_path: Path,
) -> None:
    # Every entry and feed head of the last build is kept in its cache: a feed deleted from
    # the output folder is written again from them, without feedgen, dateutil, lxml or the
    # Markdown renderer.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    for i in range(3):
        (tmp_path / "content" / f"p{i}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2024-01-0{i + 1}\ntags: [t{i % 2}]\n---\n"
            f"The body of post {i}: $x^{i}$ & more.\n"
        )
        os.utime(tmp_path / "content" / f"p{i}.md", (1e9, 1e9))  # saved long before
    assert "feedgen.entry" in imported(tmp_path, "build")
    public = tmp_path / "public"
    before = {p: p.read_bytes() for p in public.rglob("*") if p.is_file()}
    (public / "atom.xml").unlink()
    (public / "tags" / "t1" / "rss.xml").unlink()
    modules = imported(tmp_path, "build")
    assert "feedkit.site.feeds" in modules
    heavy = ("feedgen", "dateutil", "lxml", "pyromark", "math_core", "feedkit.posts.markup")
    assert [m for m in modules if m.startswith(heavy)] == []
    assert {p: p.read_bytes() for p in public.rglob("*") if p.is_file()} == before


def test_a_digest_dry_run_imports_neither_feedgen_nor_what_sends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The digest's links come from the archive module; its Atom feed of past digests, which
    # needs feedgen and dateutil, is written only by a run that sends. A dry run sends
    # nothing: SMTP (smtplib) and the bounce handling a delivery records (mailbox) are for
    # the run that sends.
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    site_after_first_digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    modules = imported(tmp_path, "digest", "--dry-run", env=SECRET_ENV)
    assert {"feedkit.mail.archive", "feedkit.mail.dryrun"} <= set(modules)
    assert "premailer" in modules  # the size as sent is of the inlined HTML
    assert [m for m in modules if m.startswith(("feedgen", "dateutil", "frontmatter"))] == []
    sending = ("smtplib", "mailbox", "feedkit.mail.delivery", "feedkit.mail.bounce_run")
    assert [m for m in modules if m in sending] == []


def test_a_dry_run_checks_only_the_addresses_the_reader_list_lacks(tmp_path: Path) -> None:
    # An address kept on the list was checked as it joined, and the check gives it back
    # as kept: email-validator (20 ms of patterns compiled on import) is for rows not on it.
    make_digest_site(tmp_path, [("ada@example.org", "Ada"), ("Bob@Example.org", "Bob")])

    def digest(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "feedkit", "digest", *args],
            cwd=tmp_path,
            env={**os.environ, **SECRET_ENV, **NOW_ENV},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )

    assert "First run" in digest().stdout
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    csv = tmp_path / "subscribers.csv"
    csv.write_text(csv.read_text().replace("Bob@Example.org", "Bob@example.org"))  # as kept
    modules = imported(tmp_path, "digest", "--dry-run", env=SECRET_ENV)
    assert "feedkit.mail.subscribers" in modules
    assert [m for m in modules if m.startswith("email_validator")] == []
    with csv.open("a") as out:
        out.write('carol@example.org,"Carol"\nnot an address,"Dan"\n')
    proc = digest("--dry-run")
    assert "to 3 subscriber(s)" in proc.stdout
    assert "subscribers.csv: 1 new reader(s) would join the list" in proc.stdout
    assert "subscribers.csv:5: warning: 'not an address' is not an email address" in proc.stderr


def printed(code: str) -> list[str]:
    """Return the lines Python `code` prints, run in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return proc.stdout.splitlines()


def test_what_feedgen_imports_as_a_stand_in_works_when_it_is_called() -> None:
    # feedgen parses a date given as text with dateutil's parser, which feedkit's import of
    # feedgen leaves a stand-in: called, it imports the parser and parses as before; and a
    # time zone named goes through dateutil's tzdata reader, a stand-in too.
    code = (
        "import sys\n"
        "from feedkit.site.feedgenlib import FeedEntry, FeedGenerator\n"
        "assert 'dateutil.parser' not in sys.modules\n"
        "fe = FeedEntry()\n"
        "fe.updated('2024-03-01T10:20:30+02:00')\n"
        "print(fe.updated().isoformat())\n"
        "import dateutil.tz\n"
        "print(dateutil.tz.gettz('Europe/Paris') is not None)\n"
        "import dateutil.parser\n"
        "print(type(dateutil.parser).__name__, dateutil.parser.parse('2024-01-02').day)\n"
    )
    assert printed(code) == ["2024-03-01T10:20:30+02:00", "True", "module 2"]


def test_a_stand_in_used_while_the_import_still_runs_is_the_module() -> None:
    # lxml.etree uses inspect as it is imported: a stand-in for inspect there is replaced by
    # the module at once, not asked again for itself (which recursed without end).
    code = (
        "import sys\n"
        "from feedkit.lazyimport import stand_ins\n"
        "with stand_ins('inspect', absent=('not_a_module_here',)):\n"
        "    from lxml import etree\n"
        "    assert 'not_a_module_here' in sys.modules\n"
        "print(type(sys.modules['inspect']).__name__, 'not_a_module_here' in sys.modules)\n"
        "print(etree.fromstring('<a>b</a>').text)\n"
    )
    assert printed(code) == ["module False", "b"]
