"""Writing a build's files: all of them go out together, or none does.

Each test builds a site, changes a post so that every feed changes, makes a write fail part of
the way through the next build, and checks what a reader would then fetch: every file on disk
is still the first build's (bytes and modification time), no temp file is left behind, and
`feedkit build` exits 1 naming the file it could not write.
"""

from __future__ import annotations

import errno
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner

from feedkit import parallel
from feedkit.cli import main
from feedkit.config import load_config
from feedkit.site.build import build_site, plan_build

from conftest import NOW, NOW_ENV, SITE_TOML


def post(title: str, date: str, tags: str = "alpha, beta") -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: [{tags}]\n---\nThe body of {title}.\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site built once, then two posts retitled and one retagged: the next build changes
    every feed, makes the feeds of a new tag, omega, and removes those of zeta."""
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    for i in range(3):
        (content / f"p{i}.md").write_text(post(f"Post {i}", f"2024-01-0{i + 1}"))
    (content / "zeta.md").write_text(post("Zeta", "2023-12-01", tags="zeta"))
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    (content / "p2.md").write_text(post("Post 2, retitled", "2024-01-03"))
    (content / "zeta.md").write_text(post("Zeta, retitled", "2023-12-01", tags="omega"))
    return tmp_path


def feedkit(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **NOW_ENV}
    return subprocess.run(
        [sys.executable, "-m", "feedkit", *args, "--config", str(site / "feedkit.toml")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def on_disk(site: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every path under the output folder: a file's bytes and mtime, None for a folder."""
    out = site / "public"
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        if p.is_file()
        else None
        for p in sorted(out.rglob("*"))
    }


def assert_built_afresh(site: Path) -> None:
    """After the obstacle is gone, the next build writes the new feeds in full."""
    built = feedkit(site, "build")
    assert built.returncode == 0, built.stderr
    expected = plan_build(load_config(site / "feedkit.toml"), NOW).files
    assert {name: data for name, data in expected.items()} == {
        name: (site / "public" / name).read_bytes() for name in expected
    }
    assert b"Post 2, retitled" in (site / "public" / "atom.xml").read_bytes()
    assert not (site / "public" / "tags" / "zeta").exists()


def test_a_folder_where_a_feed_should_be_changes_no_file(site: Path) -> None:
    # The omega tag's feed.json comes last in the build; atom.xml and the others before it.
    obstacle = site / "public" / "tags" / "omega" / "feed.json"
    obstacle.mkdir(parents=True)
    before = on_disk(site)
    failed = feedkit(site, "build")
    assert failed.returncode == 1
    assert failed.stderr.startswith(f"error: {obstacle}: cannot write: Is a directory"), (
        failed.stderr
    )
    assert "Traceback" not in failed.stderr
    # Old bytes, old mtimes, no temp file, no new folder, zeta's feeds still there.
    assert on_disk(site) == before
    obstacle.rmdir()
    assert_built_afresh(site)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_a_full_disk_on_the_third_file_changes_no_file(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The third file written in the output folder goes to /dev/full, where every write
    # fails as on a full disk (feed.xsl is unchanged: atom.xml, rss.xml, then feed.json).
    # In one process: with a forked child taking feeds as it is free, this process could
    # write fewer than three files on a busy machine (a child's failure comes back as its
    # own: tests/test_parallel.py).
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    before = on_disk(site)
    real_mkstemp = tempfile.mkstemp
    made: list[str] = []

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        if Path(name).parent.is_relative_to(site / "public"):
            made.append(name)
            if len(made) == 3:
                os.close(fd)
                fd = os.open("/dev/full", os.O_WRONLY)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    result = CliRunner().invoke(
        main, ["build", "--config", str(site / "feedkit.toml")], env=NOW_ENV
    )
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    # The third file of the first feed this process made: the site's, or a tag's.
    full = re.escape(str(site / "public")) + r"/(tags/[^/]+/)?feed\.json"
    assert re.search(f"error: {full}: cannot write: No space left on device", result.stderr)
    assert on_disk(site) == before
    assert_built_afresh(site)


def test_a_rename_that_fails_half_way_puts_the_replaced_files_back(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = on_disk(site)
    real_replace = os.replace
    renamed: list[str] = []

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst).parent.is_relative_to(site / "public"):
            renamed.append(str(dst))
            if len(renamed) == 4:  # the tag feeds come after the site's own feeds
                raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = CliRunner().invoke(
        main, ["build", "--config", str(site / "feedkit.toml")], env=NOW_ENV
    )
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert f"error: {renamed[3]}: cannot write: Input/output error" in result.stderr
    assert on_disk(site) == before
    assert_built_afresh(site)


def test_a_stale_feed_that_cannot_be_removed_is_named_after_the_new_feeds_are_in(
    site: Path,
) -> None:
    # zeta's feeds are stale in this build; one of them is now a folder with a file in it.
    stale = site / "public" / "tags" / "zeta" / "atom.xml"
    stale.unlink()
    (stale / "notes").mkdir(parents=True)
    failed = feedkit(site, "build")
    assert failed.returncode == 1
    assert failed.stderr == (
        f"error: {stale}: cannot remove this feed of a tag no post has any more: "
        "Is a directory (the new feeds are in place)\n"
    )
    assert b"Post 2, retitled" in (site / "public" / "atom.xml").read_bytes()
    assert b"Zeta, retitled" in (site / "public" / "tags" / "omega" / "atom.xml").read_bytes()


def test_each_build_removes_the_feeds_of_tags_gone_since_the_one_before(site: Path) -> None:
    # zeta's feeds go with this build; omega's, made by it, with the next (the record that
    # this build leaves names the folder as the first did).
    assert feedkit(site, "build").returncode == 0
    tags = site / "public" / "tags"
    assert sorted(p.name for p in tags.iterdir()) == ["alpha", "beta", "omega"]
    (site / "content" / "zeta.md").write_text(post("Zeta", "2023-12-01", tags="alpha"))
    assert feedkit(site, "build").returncode == 0
    assert sorted(p.name for p in tags.iterdir()) == ["alpha", "beta"]


def test_a_new_output_folder_keeps_the_files_of_the_same_names_in_it(site: Path) -> None:
    # The record of what feedkit wrote is of public/: after output_dir names static/, a
    # file there that has the name of one feedkit wrote in public/ is the site's own (a
    # JSON file of the theme's, say), and no feed of this build's: it stays. So does public/.
    mine = site / "static" / "feed.json"
    mine.parent.mkdir()
    mine.write_text('{"mine": 1}\n', encoding="utf-8")
    (mine.parent / "tags" / "zeta").mkdir(parents=True)
    (mine.parent / "tags" / "zeta" / "atom.xml").write_text("the site's", encoding="utf-8")
    before = on_disk(site)
    toml = (site / "feedkit.toml").read_text(encoding="utf-8")
    (site / "feedkit.toml").write_text(
        'output_dir = "static"\n' + toml.replace("[feed]", "[feed]\njson_feed = false"),
        encoding="utf-8",
    )
    built = feedkit(site, "build")
    assert built.returncode == 0, built.stderr
    assert mine.read_text(encoding="utf-8") == '{"mine": 1}\n'
    assert (mine.parent / "tags" / "zeta" / "atom.xml").read_text(encoding="utf-8") == "the site's"
    assert on_disk(site) == before  # public/ as the last build left it
    assert b"Post 2, retitled" in (site / "static" / "atom.xml").read_bytes()
    # Back in public/, the record is static/'s: what is in public/ stays, zeta's stale feeds
    # and the JSON Feed no longer made among them (the cost of never removing a stranger).
    (site / "feedkit.toml").write_text(toml.replace("[feed]", "[feed]\njson_feed = false"))
    assert feedkit(site, "build").returncode == 0
    assert (site / "public" / "tags" / "zeta" / "atom.xml").exists()
    assert (site / "public" / "feed.json").exists()


@pytest.mark.parametrize(
    ("settings", "victim"),
    [
        ('output_dir = "."\n', ('[feed]\natom = "feedkit.toml"', "feedkit.toml")),
        ('output_dir = "content"\n', ('[feed]\njson = "p1.md"', "content/p1.md")),
    ],
)
def test_a_file_no_build_wrote_that_is_no_feed_is_never_replaced(
    tmp_path: Path, settings: str, victim: tuple[str, str]
) -> None:
    # Settings that put a feed where the site's own file is: feedkit.toml, a post. The
    # build fails naming the file, before it writes any; the file is as it was.
    feed_setting, name = victim
    (tmp_path / "content").mkdir()
    for i in range(2):
        (tmp_path / "content" / f"p{i}.md").write_text(post(f"Post {i}", f"2024-01-0{i + 1}"))
    toml = settings + SITE_TOML.replace("[feed]", feed_setting)
    (tmp_path / "feedkit.toml").write_text(toml, encoding="utf-8")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    failed = feedkit(tmp_path, "build")
    assert failed.returncode == 1
    assert failed.stderr.startswith(f"error: {tmp_path / name}: is there and no feed; ")
    assert failed.stderr.endswith("(nothing was written)\n")
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert {p: b for p, b in after.items() if ".feedkit" not in p.parts} == before


def test_a_feed_no_build_wrote_is_replaced(site: Path) -> None:
    # Whoever wrote it: the feeds a site keeps in git, say, built again in a fresh clone,
    # which has no record of what feedkit wrote.
    shutil.rmtree(site / ".feedkit")
    assert feedkit(site, "build").returncode == 0
    assert b"Post 2, retitled" in (site / "public" / "atom.xml").read_bytes()


# What renders the few posts a feed shows and writes its files; none of it reads posts.
RENDERING = (
    "feedgen",
    "lxml",
    "jinja2",
    "liquid",
    "pyromark",
    "nh3",
    "math_core",
    "email_validator",
    "feedkit.posts.markup",
    "feedkit.posts.plaintext",
    "feedkit.posts.kramdown",
    "feedkit.posts.emojicodes",
    "feedkit.site.feeds",
    "feedkit.atomicfile",
    "tempfile",
)
SPY = """
import sys
from feedkit.cli import main
from feedkit.site import refresh

read = refresh.parse_files

def spy(*args, **kwargs):
    print(*sorted(name for name in sys.modules if name.startswith(RENDERING)), file=sys.stderr)
    return read(*args, **kwargs)

refresh.parse_files = spy
main(["build", "--config", sys.argv[1]])
"""


def test_a_cold_build_reads_posts_before_importing_what_renders_them(tmp_path: Path) -> None:
    # Over many posts a forked child reads half of them; the parent imports the renderer and
    # feedgen meanwhile. Imported before the fork, they would hold up both.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "p.md").write_text(post("Math $x^2$", "2024-01-01"))
    proc = subprocess.run(
        [sys.executable, "-c", f"RENDERING = {RENDERING!r}\n{SPY}", str(tmp_path / "feedkit.toml")],
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[0] == ""  # imported when reading began: none of them
    assert (tmp_path / "public" / "atom.xml").exists()


def test_the_counts_and_the_next_change_are_those_of_each_post_one_by_one() -> None:
    # _tally counts in one pass what the summary line and the cache's last and next
    # change say.
    import math
    import random

    from feedkit.models import Choice
    from feedkit.site.build import _tally

    rng = random.Random(5)
    for _ in range(2000):
        choices = [
            Choice(
                rng.choice([1.0, 2.0, 3.0, 4.0]),
                rng.random() < 0.4,
                "p",
                "urn:p",
                (),
                rng.choice([math.inf, 1.0, 2.5, 3.0, 6.0]),
            )
            for _ in range(rng.randint(0, 6))
        ]
        cutoff, drafts = rng.choice([0.5, 2.0, 3.0, 4.5]), rng.random() < 0.5
        seen = [c for c in choices if drafts or not c.draft]
        shown = [c for c in seen if c.published <= cutoff < c.expires]
        # With --drafts, a draft the feeds show is counted among those published; one
        # scheduled or expired is counted so, as any post.
        assert _tally(choices, cutoff, drafts) == (
            sum(c.draft for c in shown) if drafts else sum(c.draft for c in choices),
            sum(c.published > cutoff for c in seen),
            sum(c.published <= cutoff and c.expires <= cutoff for c in seen),
            max(
                (t for c in seen for t in (c.published, c.expires) if t <= cutoff),
                default=-math.inf,
            ),
            min(
                (t for c in seen for t in (c.published, c.expires) if t > cutoff), default=math.inf
            ),
        )


def test_the_site_feed_holds_the_newest_posts_in_the_same_order_with_tag_feeds_or_without(
    tmp_path: Path,
) -> None:
    # Without tag feeds only the site's few entries are picked from every post, not every
    # post sorted: the same posts in the same order, ties (one time, one slug) included.
    import random
    from dataclasses import replace

    from feedkit.models import Choice
    from feedkit.site.choose import choose_feeds

    (tmp_path / "feedkit.toml").write_text(SITE_TOML.replace("[feed]", "[feed]\nlimit = 5"))
    with_tags = load_config(tmp_path / "feedkit.toml")
    without = replace(with_tags, feed=replace(with_tags.feed, tag_feeds=False))
    rng = random.Random(13)
    for _ in range(300):
        choices = {
            f"content/p{i}.md": Choice(
                rng.choice([1.0, 2.0, 3.0, 5.0]),
                rng.random() < 0.2,
                rng.choice("abc"),
                f"urn:{i}",
                (rng.choice("xy"),),
                rng.choice([math.inf, 4.0]),
            )
            for i in range(rng.randint(0, 12))
        }
        now = datetime.fromtimestamp(rng.choice([2.5, 4.5, 6.0]), UTC)
        drafts = rng.random() < 0.3
        tagged, shown = choose_feeds(with_tags, choices, now, drafts, [])
        alone, count = choose_feeds(without, choices, now, drafts, [])
        assert len(alone) == 1 and count == shown
        assert alone[0].members == tagged[0].members


def test_tag_feeds_are_made_in_both_processes_and_equal_what_one_process_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three files a tag, each with up to `limit` entries: with many tags, making the feeds
    # takes longer than rendering the posts in them, and is shared with the forked child.
    from feedkit import parallel
    from feedkit.site import feeds

    cfg = load_config(_thirty_tags(tmp_path) / "feedkit.toml")
    makers = tmp_path / "makers"
    made_by = feeds.render_atom

    def render_atom(*args: Any, **kwargs: Any) -> bytes:
        with open(makers, "a") as out:
            out.write(f"{os.getpid()}\n")
        return made_by(*args, **kwargs)

    monkeypatch.setattr(feeds, "render_atom", render_atom)
    shared = plan_build(cfg, NOW).files
    assert len([name for name in shared if name.startswith("tags/")]) == 30 * 3
    if parallel.cores() >= 2 and hasattr(os, "fork"):
        assert len(set(makers.read_text().split())) == 2
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    assert plan_build(cfg, NOW).files == shared


def _thirty_tags(tmp_path: Path) -> Path:
    """Return a site of 120 posts in 30 tags, four tags a post, with tag feeds on."""
    root = tmp_path / "site"
    content = root / "content"
    content.mkdir(parents=True)
    (root / "feedkit.toml").write_text(SITE_TOML)  # tag_feeds = true
    for i in range(120):
        tags = ", ".join(f"topic{(i + k) % 30}" for k in range(4))
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
        text = post(f"Post {i}", day, tags) + "More words. " * 300 + "\n"
        (content / f"p{i:03d}.md").write_text(text, encoding="utf-8")
    return root


def test_character_references_xml_cannot_carry_are_removed_with_a_warning(
    tmp_path: Path,
) -> None:
    # A file's own control characters are removed as it is read; written as character
    # references, Markdown and the sanitiser made them characters again, and the build
    # crashed in lxml with a traceback.
    (tmp_path / "content").mkdir()
    (tmp_path / "feedkit.toml").write_text(SITE_TOML)
    (tmp_path / "content" / "bell.md").write_text(
        "---\ntitle: Bell\ndate: 2024-03-01\ntags: [a]\n---\n"
        "A bell &#7; here, &#xFFFE; there and <b>&#x1b;</b>.\n"
    )
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert (
        "content/bell.md:6: warning: removed 3 character(s) that XML feeds cannot carry, "
        "written as character references (first: U+0007)"
    ) in built.stderr
    atom = (tmp_path / "public" / "tags" / "a" / "atom.xml").read_bytes()
    assert b"A bell  here,  there and &lt;b&gt;&lt;/b&gt;." in atom
    from test_validity import issues_of

    files = {name: (tmp_path / "public" / name).read_bytes() for name in ("atom.xml", "rss.xml")}
    assert issues_of(files, "https://example.com/blog/") == {"atom.xml": [], "rss.xml": []}


# Characters XML carries and feed validators reject: DEL and Unicode's noncharacters ("Invalid
# HTML", html5lib's invalid code points), U+FFFD ("contains bad characters"), which Markdown
# makes of `&#0;` and a lone surrogate's reference; as themselves and as references.
VALIDATORS_REJECT = (
    "---\ntitle: Odd \x7f title \ufdd0\ndate: 2024-03-01\n---\n"
    "A DEL \x7f, \ufffd, \ufdd0, \U0010ffff here.\n\n"
    "Then &#x7f; &#0; &#xD800; &#xFDEF; &#x1FFFE; &#xFFFD; there.\n"
)


def test_characters_feed_validators_reject_are_removed_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "feedkit.toml").write_text(SITE_TOML)
    (tmp_path / "content" / "odd.md").write_text(VALIDATORS_REJECT, encoding="utf-8")
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert built.stderr.splitlines() == [
        "content/odd.md:2: warning: removed 2 control character(s) that XML feeds cannot "
        "carry (first: U+007F)",
        "content/odd.md:5: warning: removed 4 control character(s) that XML feeds cannot "
        "carry (first: U+007F)",
        "content/odd.md:7: warning: removed 6 character(s) that XML feeds cannot carry, "
        "written as character references (first: U+007F)",  # at the line that writes them
    ]
    from test_validity import issues_of

    names = ("atom.xml", "rss.xml", "feed.json")
    files = {name: (tmp_path / "public" / name).read_bytes() for name in names}
    assert "A DEL , , ,  here." in files["feed.json"].decode()
    assert issues_of(files, "https://example.com/blog/") == dict.fromkeys(names, [])


def test_c1_control_characters_are_removed_with_a_warning_naming_the_line(
    tmp_path: Path,
) -> None:
    # Mojibake (`’` saved as Latin-1 reads `â\x80\x99`) and a NEL: XML 1.0 allows U+0080 to
    # U+009F, the W3C validator does not ("content contains bad characters"), in the file
    # as in a character reference.
    (tmp_path / "content").mkdir()
    (tmp_path / "feedkit.toml").write_text(SITE_TOML)
    (tmp_path / "content" / "c1.md").write_text(
        "---\ntitle: It\u00e2\u0080\u0099s here\ndate: 2024-03-01\n---\n"
        "Text with \u0085 NEL,\n\nand a reference &#x9f; too.\n",
        encoding="utf-8",
    )
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    for line, count, first in ((2, 2, "0080"), (5, 1, "0085")):  # the title's, the body's
        assert (
            f"content/c1.md:{line}: warning: removed {count} control character(s) that XML "
            f"feeds cannot carry (first: U+{first})"
        ) in built.stderr
    assert (
        "content/c1.md:7: warning: removed 1 character(s) that XML feeds cannot carry, "
        "written as character references (first: U+009F)"
    ) in built.stderr
    from test_validity import issues_of

    names = ("atom.xml", "rss.xml", "feed.json")
    files = {name: (tmp_path / "public" / name).read_bytes() for name in names}
    for data in files.values():
        assert not re.search("[\x80-\x9f]", data.decode()), data
    assert "It\u00e2s here" in files["atom.xml"].decode()  # what is left of the mojibake
    assert issues_of(files, "https://example.com/blog/") == dict.fromkeys(names, [])


def test_characters_xml_cannot_carry_written_as_front_matter_escapes_are_removed(
    tmp_path: Path,
) -> None:
    # YAML's "\u0000" and "\e", TOML's and JSON's "\u0007": a title, tag, author or image
    # text with one stopped every build with lxml's "All strings must be XML compatible"
    # and a traceback. They are removed, each key said at its line, in every format.
    (tmp_path / "content").mkdir()
    (tmp_path / "feedkit.toml").write_text(SITE_TOML)
    posts = {
        "yaml.md": '---\ntitle: "Y\\u0000es"\ndate: 2024-03-01\n'
        'tags: ["a\\eb", "ok"]\nauthor: {name: "Bo\\N"}\n---\nY.\n',
        "toml.md": '+++\ntitle = "T\\u0007oml"\ndate = 2024-03-02\ntags = ["x\\u001by"]\n+++\nT.\n',
        # and JSON's lone surrogate, which UTF-8 cannot encode (a UnicodeEncodeError)
        "json.md": '{\n  "title": "J\\u0008son",\n  "date": "2024-03-03",\n'
        '  "tags": ["j\\ud800"]\n}\nJ.\n',
        "plain.md": '---\ntitle: "A \\"quoted\\" \\\\ title"\ndate: 2024-03-04\n---\nP.\n',
    }
    for name, text in posts.items():
        (tmp_path / "content" / name).write_text(text, encoding="utf-8")
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    said = [line for line in built.stderr.splitlines() if "written as escapes" in line]
    assert said == [
        f"content/{name}:{line}: warning: {key}: removed 1 character(s) that XML feeds "
        f"cannot carry, written as escapes (first: U+{code})"
        for name, line, key, code in (
            ("json.md", 2, "title", "0008"),
            ("json.md", 4, "tags", "D800"),
            ("toml.md", 2, "title", "0007"),
            ("toml.md", 4, "tags", "001B"),
            ("yaml.md", 2, "title", "0000"),
            ("yaml.md", 4, "tags", "001B"),
            ("yaml.md", 5, "author", "0085"),
        )
    ]
    feed = feedparser.parse((tmp_path / "public" / "atom.xml").read_bytes())
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == ['A "quoted" \\ title', "Json", "Toml", "Yes"]
    assert [t.term for t in feed.entries[3].tags] == ["ab", "ok"]
    assert feed.entries[3].author == "Bo"
    from test_validity import issues_of

    names = ("atom.xml", "rss.xml")
    files = {name: (tmp_path / "public" / name).read_bytes() for name in names}
    assert issues_of(files, "https://example.com/blog/") == dict.fromkeys(names, [])


def test_a_setting_with_a_character_no_feed_can_carry_is_an_error_naming_it(
    tmp_path: Path,
) -> None:
    # feedkit.toml's `title = "My\u0007Blog"` stopped the build with lxml's traceback once
    # the feeds were made; now every such setting is named before anything is read.
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("---\ntitle: A\ndate: 2024-03-01\n---\nA.\n")
    toml = SITE_TOML.replace('title = "Example Blog"', 'title = "Example\\u0007Blog"')
    toml = toml.replace('name = "Ada Quill"', 'name = "Ada\\u0000Quill"')
    (tmp_path / "feedkit.toml").write_text(toml)
    for command in ("build", "check"):
        done = feedkit(tmp_path, command)
        assert done.returncode == 1, done.stderr
        assert done.stderr.splitlines() == [
            f"{start}feedkit.toml: {key}: has U+{code}, a control character that feeds and "
            "mail cannot carry (written as an escape such as \\u0007?); remove it"
            for start, key, code in (("error: ", "title", "0007"), ("", "author.name", "0000"))
        ]
    assert not (tmp_path / "public").exists()


def test_a_cold_build_reads_each_post_to_render_where_it_is_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With no render kept, reading and keying every post before sharing the rendering took
    # this process alone 20 ms at a cold build with tag feeds of 1,000 posts: each post is
    # read by whichever process renders it. A build with renders kept still reads first,
    # to find them, and shares only the posts it does not find.
    from types import SimpleNamespace

    from feedkit.site import render
    from feedkit.site.cache import BuildCache

    events: list[str] = []
    real_read = render.read_raw

    def read(post: Any) -> bytes:
        events.append("read")
        return real_read(post)

    def shared(
        count: int, part: Any, first: Any = None, on_done: Any = None, received: Any = None
    ) -> list[Any]:
        events.append("shared")  # then every part here, in turn
        return [part(index) for index in range(count)]

    monkeypatch.setattr(render, "read_raw", read)
    fake = SimpleNamespace(cores=lambda: 2, shared=shared, MAX_PARTS=parallel.MAX_PARTS)
    monkeypatch.setattr(render, "parallel", fake)
    monkeypatch.setattr(render, "PARALLEL_FROM", 100_000)  # the posts' 430 KB are shared
    cfg = load_config(_thirty_tags(tmp_path) / "feedkit.toml")
    cold = build_site(cfg, NOW)[0]
    assert events == ["shared"] + ["read"] * 120
    assert cold.rendered == 120 and BuildCache.open(cfg).has_renders()
    events.clear()
    (cfg.output_path / "atom.xml").unlink()  # feeds made again, every render kept
    build_site(cfg, NOW)
    assert events == ["read"] * 120  # each read for its key, and found


def test_a_few_posts_are_rendered_here_and_many_shared_with_a_forked_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Forking a process that holds 20,000 posts took longer than rendering the 20 of a feed
    # (250 KB): 41 ms shared against 26 here, in a check. The posts are shared from
    # render.PARALLEL_FROM bytes of post files on, and render alike either way.
    from feedkit.posts.loader import load_posts
    from feedkit.site import render

    forks: list[int] = []
    real = parallel.shared

    def shared(count: int, part: Any, *args: Any, **kwargs: Any) -> list[Any]:
        forks.append(count)
        return real(count, part, *args, **kwargs)

    monkeypatch.setattr(parallel, "shared", shared)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    cfg = load_config(_thirty_tags(tmp_path) / "feedkit.toml")
    posts = {post.rel_path: post for post in load_posts(cfg).posts}
    few = dict(list(posts.items())[:20])  # 20 posts of 3.6 KB
    assert render.render_posts(few, cfg, anchors={}) and forks == []

    def shown(rendered: dict[str, Any]) -> dict[str, Any]:
        return {k: (v[0].html, v[0].summary, v[1], v[2]) for k, v in rendered.items()}

    here = shown(render.render_posts(posts, cfg))  # 120 posts of 3.6 KB: 430 KB
    assert forks == []
    monkeypatch.setattr(render, "PARALLEL_FROM", 400_000)
    assert shown(render.render_posts(posts, cfg)) == here and forks == [120]


def test_feed_entries_are_rendered_without_counting_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No feed shows a reading time (a digest measures its posts itself), and counting a
    # long body's words took an eighth of rendering it: a build with tag feeds renders
    # nearly every post of a small blog.
    from feedkit.posts import plaintext

    def refused(body: str) -> tuple[int, int]:
        raise AssertionError("a post's words were counted")

    monkeypatch.setattr(plaintext, "measure", refused)
    files = plan_build(load_config(_thirty_tags(tmp_path) / "feedkit.toml"), NOW).files
    assert b"More words." in files["tags/topic7/atom.xml"]
    assert files["tags/topic7/feed.json"].count(b'"content_html"') == 16


def test_each_posts_entries_are_made_once_though_both_processes_make_feeds_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A post is in the site's feed and in each of its tags' feeds, which either process may
    # make: its Atom entry, RSS item and JSON Feed item are made once, by one of them.
    from feedkit.site import jsonfeed, xmlfeeds

    cfg = load_config(_thirty_tags(tmp_path) / "feedkit.toml")
    log = tmp_path / "made"
    for module, name in ((xmlfeeds, "atom_entry"), (xmlfeeds, "rss_item"), (jsonfeed, "json_item")):
        real = getattr(module, name)

        def counted(cfg: Any, rp: Any, _real: Any = real, _kind: str = name) -> bytes:
            with open(log, "a") as out:
                out.write(f"{os.getpid()} {_kind} {rp.post.title}\n")
            return _real(cfg, rp)

        monkeypatch.setattr(module, name, counted)
    files = plan_build(cfg, NOW).files
    made = sorted(line.split(" ", 1)[1] for line in log.read_text().splitlines())
    assert [entry for entry in made if made.count(entry) > 1] == []
    titles = {entry.split(" ", 1)[1] for entry in made}
    assert made == sorted(
        f"{kind} {t}" for kind in ("atom_entry", "json_item", "rss_item") for t in titles
    )
    atom = b"".join(data for name, data in files.items() if name.endswith("atom.xml"))
    assert {t for t in titles if f"<title>{t}</title>".encode() in atom} == titles


def test_feeds_are_made_all_the_same_when_the_entries_cannot_be_spooled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedkit import parallel
    from feedkit.site import feeds

    cfg = load_config(_thirty_tags(tmp_path) / "feedkit.toml")

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(feeds.tempfile, "TemporaryFile", full)
        unspooled = plan_build(cfg, NOW).files
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    assert unspooled == plan_build(cfg, NOW).files


def test_a_build_with_nothing_changed_imports_no_renderer_and_no_yaml(tmp_path: Path) -> None:
    # A scheduler runs `feedkit build` every few minutes, mostly with nothing to do: that run
    # should pay for finding so, not for importing what reads or renders posts.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "p.md").write_text(post("Math $x^2$", "2024-01-01"))
    os.utime(tmp_path / "content" / "p.md", (1e9, 1e9))  # saved long before the builds
    assert feedkit(tmp_path, "build").returncode == 0
    before = on_disk(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "feedkit", "build"],
        cwd=tmp_path,
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "up to date (0 changed)" in proc.stdout
    imported = re.findall(r"\| +([\w.]+)$", proc.stderr, re.M)
    assert "feedkit.site.build" in imported
    assert [m for m in imported if m.startswith((*RENDERING, "yaml"))] == []
    assert on_disk(tmp_path) == before


def test_each_feed_file_is_staged_on_disk_by_the_process_that_made_it(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nobody holds every feed's bytes: each file goes to a temp file beside its place as soon
    # as it is made, in the forked child too, and only its name comes back; readers still see
    # the old files until the build renames them all.
    import feedkit.atomicfile
    from feedkit import parallel

    cfg = load_config(site / "feedkit.toml")
    expected = plan_build(cfg, NOW).files
    out = site / "public"
    before = on_disk(site)
    stagers = site / "stagers.txt"
    real_stage = feedkit.atomicfile.stage
    here = os.getpid()

    def stage(target: Path, data: bytes, **kwargs: Any) -> str | None:
        with open(stagers, "a") as log:
            log.write(f"{os.getpid()}\n")
        if os.getpid() == here:  # the child takes feeds as it is free: leave it some
            time.sleep(0.05)
        return real_stage(target, data, **kwargs)

    monkeypatch.setattr(feedkit.atomicfile, "stage", stage)
    plan = plan_build(cfg, NOW, stage_into=out)
    assert plan.files == {}
    assert sorted(plan.names) == sorted(expected)
    for name, tmp in plan.staged.items():
        path = out / name
        if tmp is None:  # unchanged since the first build
            assert path.read_bytes() == expected[name]
            continue
        assert Path(tmp).parent == path.parent
        assert Path(tmp).name.startswith(f".{path.name}.") and tmp.endswith(".tmp")
        assert Path(tmp).read_bytes() == expected[name]
    assert sum(tmp is not None for tmp in plan.staged.values()) >= 8
    if parallel.cores() >= 2 and hasattr(os, "fork"):
        assert len(set(stagers.read_text().split())) == 2  # this process and the child
    staged = {p for p in on_disk(site) if p.endswith(".tmp")}
    # Old bytes and mtimes; the one new folder holds the new tag's staged feeds.
    assert {name: v for name, v in on_disk(site).items() if name not in staged} == {
        **before,
        "tags/omega": None,
    }


def test_temp_files_a_crashed_build_left_are_removed_by_the_next(site: Path) -> None:
    out = site / "public"
    leftovers = [out / ".atom.xml.k3j_x9q1.tmp", out / "tags" / "alpha" / ".rss.xml.a1b2c3d4.tmp"]
    for path in leftovers:
        path.write_bytes(b"half a feed")
    (out / ".notes.tmp").write_bytes(b"not feedkit's")
    built = feedkit(site, "build")
    assert built.returncode == 0, built.stderr
    assert [path for path in leftovers if path.exists()] == []
    assert (out / ".notes.tmp").read_bytes() == b"not feedkit's"
    assert [p.name for p in out.rglob(".*.tmp")] == [".notes.tmp"]


def test_the_scheduler_rebuilds_every_post_again_in_the_same_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `feedkit schedule` runs every build in one process. When a rebuild reads many posts
    # again (here: feedkit.toml changed, so the cache is thrown away), this process imports
    # what renders them while a forked child reads, as on the first build.
    from feedkit import parallel
    from feedkit.posts.loader import PARALLEL_FROM
    from feedkit.schedule import build_site

    monkeypatch.setattr(parallel, "cores", lambda: 2)
    content = tmp_path / "content"
    content.mkdir()
    for i in range(PARALLEL_FROM + 10):
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
        (content / f"p{i:04d}.md").write_text(post(f"Post {i}", day) + "Math: $x^2$.\n")
    toml = tmp_path / "feedkit.toml"
    toml.write_text(SITE_TOML)
    assert "10 file(s) changed" in build_site(load_config(toml), NOW)
    toml.write_text(SITE_TOML.replace('title = "Example Blog"', 'title = "Renamed Blog"'))
    assert "file(s) changed" in build_site(load_config(toml), NOW)
    assert b"<title>Renamed Blog</title>" in (tmp_path / "public" / "atom.xml").read_bytes()


def test_rendered_bodies_are_kept_as_utf8_in_memory_and_in_the_cache(tmp_path: Path) -> None:
    # A str holding one emoji takes four bytes a character: with tag feeds on, a build holds
    # hundreds of bodies at once.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "p.md").write_text(
        "---\ntitle: Emoji\ndate: 2024-01-01\n---\nShipped 🚀 “today”.\n", encoding="utf-8"
    )
    entry = plan_build(load_config(tmp_path / "feedkit.toml"), NOW).entries[0]
    assert entry.html_utf8 == "<p>Shipped 🚀 “today”.</p>\n".encode()
    assert entry.html == "<p>Shipped 🚀 “today”.</p>\n"
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    import pickle

    kept = pickle.loads((tmp_path / ".feedkit" / "cache" / "rendered.pickle").read_bytes())
    bodies = [value for value in kept["data"].values() if isinstance(value, tuple)]
    assert [value[0] for value in bodies] == [entry.html_utf8]
    assert "Shipped 🚀 “today”." in (tmp_path / "public" / "atom.xml").read_text("utf-8")


def test_a_build_tells_its_progress_step_by_step_with_counts(tmp_path: Path) -> None:
    from feedkit.posts.loader import PARALLEL_FROM, READING
    from feedkit.site.build import build_site
    from feedkit.site.feeds import WRITING
    from feedkit.site.render import RENDERING

    (tmp_path / "feedkit.toml").write_text(SITE_TOML + "limit = 40\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    count = PARALLEL_FROM + 100
    for i in range(count):
        (tmp_path / "content" / f"p{i}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2024-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z\n"
            f"tags: [t{i % 6}]\n---\nBody {i}.\n",
            encoding="utf-8",
        )
    told: list[tuple[str, int, int]] = []

    def progress(step: str, done: int, total: int) -> None:
        told.append((step, done, total))

    plan, _ = build_site(load_config(tmp_path / "feedkit.toml"), NOW, progress=progress)
    steps = list(dict.fromkeys(step for step, _, _ in told))
    assert steps == [READING, RENDERING, WRITING]
    for step in steps:
        counts = [(done, total) for s, done, total in told if s == step]
        assert counts == sorted(counts) and counts[-1][0] == counts[-1][1]
    assert told[-1] == (WRITING, 7, 7)  # the site's feeds and six tags'
    assert [t for s, _, t in told if s == READING][-1] == count
    assert [t for s, _, t in told if s == RENDERING][-1] == plan.rendered
