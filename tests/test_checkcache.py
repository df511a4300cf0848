"""`feedkit check`: what it imports, and its cache of each unchanged file's results."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main

from conftest import FIXTURES, NOW_ENV, SITE_TOML


def post(title: str, date: str, body: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\n{body or f'The body of {title}.'}\n"


def feedkit(
    site: Path, *args: str, python: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *python, "-m", "feedkit", *args, "--config", str(site / "feedkit.toml")],
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_check_of_a_site_that_mails_nothing_imports_no_mail_code(tmp_path: Path) -> None:
    # Sending code pulls in the email package, Jinja2 and premailer: 0.4 s a check of a site
    # without a digest would pay for nothing.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "p.md").write_text(post("Math", "2024-01-01", "Math $x^2$."))
    proc = feedkit(tmp_path, "check", python=("-X", "importtime"))
    assert proc.returncode == 0, proc.stderr
    imported = re.findall(r"\| +([\w.]+)$", proc.stderr, re.M)
    assert "feedkit.posts.loader" in imported
    assert [m for m in imported if m.startswith(("feedkit.mail.", "premailer", "jinja2"))] == []


MATH = "Good $x^2$.\n\nBad $\\foo{x}$ here.\n"
KRAMDOWN = "A paragraph.\n{: .notice}\n\nText with {::nomarkdown}raw{:/nomarkdown}.\n"


def many_math_posts(site: Path, more: Callable[[int, int], str] = lambda i, count: "") -> int:
    """Write feedkit.toml and enough posts for a check in two processes, every seventh with
    math that warns, each body ending in what `more(i, count)` gives; return how many."""
    from feedkit.site import checkcache

    (site / "feedkit.toml").write_text(ONE_ENTRY, encoding="utf-8")
    content = site / "content"
    content.mkdir()
    count = checkcache.PARALLEL_FROM + 50
    for i in range(count):
        body = f"Post {i}: $\\bad{i}{{x}}$." if i % 7 == 0 else f"Post {i}: $x_{i}$."
        (content / f"p{i:03}.md").write_text(
            post(f"P{i}", f"2024-01-01T00:{i // 60:02}:{i % 60:02}Z", body + more(i, count))
        )
    saved_long_ago(site)
    return count


def saved_long_ago(site: Path) -> None:
    """Date every file of the content folder in the past: a check trusts it by its status
    (a file changed in the two seconds before a check began never is), as long as its
    change time is what it was."""
    for path in (site / "content").rglob("*"):
        # Only files changed since: setting the time changes a file's status too.
        if path.is_file() and path.stat().st_mtime > time.time() - 60:
            os.utime(path, (1e9, 1e9))


# One feed of one entry: most template warnings are the check's own, not the feeds'.
ONE_ENTRY = SITE_TOML.replace("tag_feeds = true", "tag_feeds = false\nlimit = 1")


def numbered_posts(site: Path, count: int) -> None:
    """Make `site` a one-entry site of `count` posts, content/p000.md on, a minute apart,
    saved long ago (see `saved_long_ago`)."""
    (site / "feedkit.toml").write_text(ONE_ENTRY, encoding="utf-8")
    content = site / "content"
    content.mkdir()
    for i in range(count):
        (content / f"p{i:03}.md").write_text(post(f"P{i}", f"2024-01-01T00:{i:02}:00Z"))
    saved_long_ago(site)


def jekyll_site(tmp_path: Path) -> Path:
    """The Jekyll fixture blog (Liquid, post_url, includes), with formulas that stay TeX, a
    control character and kramdown syntax in posts of its own."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "templates" / "jekyll", site / "content")
    (site / "feedkit.toml").write_text(ONE_ENTRY, encoding="utf-8")
    posts = site / "content" / "_posts"
    (posts / "2024-03-01-math.md").write_text(post("Math", "2024-03-01", MATH))
    (posts / "2024-03-02-kramdown.md").write_text(post("Kramdown", "2024-03-02", KRAMDOWN))
    (posts / "2024-03-03-bell.md").write_text(post("Bell", "2024-03-03", "Ring \a twice."))
    saved_long_ago(site)
    return site


def outcome(site: Path) -> tuple[int, str, str]:
    result = feedkit(site, "check")
    return result.returncode, result.stdout, result.stderr


def without_cache(site: Path, tmp_path: Path) -> tuple[int, str, str]:
    """Return what `feedkit check` says of a copy of the site with no .feedkit folder."""
    copy = Path(tempfile.mkdtemp(dir=tmp_path)) / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".feedkit"))
    return outcome(copy)


def test_a_check_with_its_cache_says_what_a_check_without_one_says(tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    posts = site / "content" / "_posts"
    first = posts / "2024-01-10-first-steps.md"

    def edit_math() -> None:
        (posts / "2024-03-01-math.md").write_text(
            post("Math", "2024-03-01", "Now $\\qux{y}$ instead.")
        )

    def add() -> None:
        (posts / "2024-03-04-new.md").write_text(post("New", "2024-03-04", "Also $\\baz$."))

    def rename_linked_post() -> None:  # the tour's post_url now finds nothing
        first.rename(posts / "2024-01-11-first-steps.md")

    def delete() -> None:
        (posts / "2024-03-02-kramdown.md").unlink()

    def same_size_and_time() -> None:  # only the change time tells this version apart
        path = posts / "2024-03-03-bell.md"
        before = path.stat()
        path.write_text(path.read_text().replace("Ring \a", "Bell \a"))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    def config() -> None:
        toml = site / "feedkit.toml"
        toml.write_text(toml.read_text() + 'math = "source"\n', encoding="utf-8")

    def config_back() -> None:
        toml = site / "feedkit.toml"
        toml.write_text(toml.read_text().replace('math = "source"\n', ""), encoding="utf-8")

    def link_again() -> None:
        (posts / "2024-01-11-first-steps.md").rename(first)

    steps = [edit_math, add, rename_linked_post, delete, same_size_and_time, config]
    steps += [config_back, link_again]
    assert outcome(site) == without_cache(site, tmp_path)
    assert (site / ".feedkit" / "cache" / "check.pickle").is_file()
    seen = set()
    for step in [lambda: None, *steps]:
        step()
        saved_long_ago(site)
        expected = without_cache(site, tmp_path)
        assert outcome(site) == expected, step
        assert outcome(site) == expected, step  # and again, from what that check kept
        seen.add(expected[2])
    assert len(seen) >= 5  # the steps changed what a check says
    assert "post_url: no post '2024-01-10-first-steps'" in "".join(seen)
    assert "math $\\qux{y}$ cannot be made MathML" in "".join(seen)


def spied_check(site: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Result, list[str], list[str]]:
    """Return `feedkit check` run here, the files whose front matter it read and the posts
    whose body it read."""
    from feedkit.site import bodycheck, checkcache

    heads: list[str] = []
    bodies: list[str] = []
    parse, read = checkcache.parse_files, bodycheck.read_post_body
    parse_and_check = checkcache.parse_and_check

    def parse_spy(cfg: Any, paths: Any, *args: Any, **kwargs: Any) -> Any:
        heads.extend(Path(p).name for p in paths)
        return (parse if not args else parse_and_check)(cfg, paths, *args, **kwargs)

    def read_spy(post: Any, warnings: Any, raw: bytes | None = None, *start: Any) -> str:
        bodies.append(Path(post.source).name)
        return read(post, warnings, raw, *start)

    monkeypatch.setattr(checkcache, "parse_files", parse_spy)
    monkeypatch.setattr(checkcache, "parse_and_check", parse_spy)
    monkeypatch.setattr(bodycheck, "read_post_body", read_spy)
    result = CliRunner().invoke(
        main, ["check", "--config", str(site / "feedkit.toml")], env=NOW_ENV
    )
    return result, heads, bodies


def test_a_repeated_check_reads_only_the_files_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = jekyll_site(tmp_path)
    first, heads, bodies = spied_check(site, monkeypatch)
    assert first.exit_code == 0, first.output
    assert len(heads) == 7 and len(bodies) == 6  # _docs/guide.md is no post
    kept = site / ".feedkit" / "cache" / "check.pickle"
    saved = kept.stat().st_mtime_ns, kept.stat().st_ino
    again, heads, bodies = spied_check(site, monkeypatch)
    assert (kept.stat().st_mtime_ns, kept.stat().st_ino) == saved  # not written again
    assert (again.exit_code, again.stdout, again.stderr) == (0, first.stdout, first.stderr)
    assert (heads, bodies) == (["guide.md"], [])  # a file that is no post by its place only
    math = site / "content" / "_posts" / "2024-03-01-math.md"
    math.write_text(post("Math", "2024-03-01", "Fine $y$."))
    os.utime(math, (1e9, 1e9))
    edited, heads, bodies = spied_check(site, monkeypatch)
    assert (heads, bodies) == (["guide.md", math.name], [math.name])
    assert "cannot be made MathML" not in edited.stderr


def test_a_file_changed_just_before_a_check_is_read_again_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = jekyll_site(tmp_path)
    math = site / "content" / "_posts" / "2024-03-01-math.md"
    math.write_text(post("Math", "2024-03-01", "Bad $\\foo$."))  # now: too fresh to trust
    spied_check(site, monkeypatch)
    again, heads, bodies = spied_check(site, monkeypatch)
    assert (heads, bodies) == (["guide.md", math.name], [math.name])
    assert "content/_posts/2024-03-01-math.md:5: warning: math $\\foo$" in again.stderr


def test_a_body_that_is_not_utf8_is_reported_by_every_check(tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    math = site / "content" / "_posts" / "2024-03-01-math.md"
    assert outcome(site)[0] == 0
    before = math.stat()
    good = math.read_bytes()
    math.write_bytes(good.replace(b"Good", b"G\xffod"))  # the same size and times
    os.utime(math, ns=(before.st_atime_ns, before.st_mtime_ns))
    expected = (
        "content/_posts/2024-03-01-math.md:5: is not UTF-8 text (byte 0xFF); save the file as UTF-8"
    )
    for _ in range(2):
        code, stdout, stderr = outcome(site)
        assert (code, stdout) == (1, "")
        assert stderr.splitlines()[0] == expected
        assert (code, stdout, stderr) == without_cache(site, tmp_path)
    math.write_bytes(good)
    assert outcome(site) == without_cache(site, tmp_path)


def test_a_hugo_page_whose_ref_target_goes_or_moves_is_checked_again(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "templates" / "hugo", site)
    (site / "feedkit.toml").write_text(ONE_ENTRY, encoding="utf-8")
    posts = site / "content" / "posts"
    (posts / "newest.md").write_text(post("Newest", "2024-03-01"))
    saved_long_ago(site)
    seen = set()
    for step in (
        lambda: None,
        lambda: (posts / "first.md").rename(posts / "moved.md"),  # `ref "first"` finds none
        lambda: (posts / "moved.md").rename(posts / "first.md"),
        lambda: (site / "hugo.toml").write_text(
            (site / "hugo.toml").read_text() + "\n[markup.goldmark.extensions.passthrough]\n"
        ),
    ):
        step()
        saved_long_ago(site)
        expected = without_cache(site, tmp_path)
        assert outcome(site) == expected
        assert outcome(site) == expected
        seen.add(expected)
    assert len(seen) >= 2


def test_many_bodies_are_checked_in_two_processes_and_warned_about_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedkit import parallel

    count = many_math_posts(tmp_path)
    calls: list[int] = []
    shared = parallel.shared

    def spy(count: int, *args: Any, **kwargs: Any) -> Any:
        calls.append(count)
        return shared(count, *args, **kwargs)

    monkeypatch.setattr(parallel, "shared", spy)
    result = CliRunner().invoke(
        main, ["check", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    assert calls or parallel.cores() < 2  # the bodies were shared with a forked child
    newest_first = [i for i in reversed(range(count)) if i % 7 == 0]
    assert result.stderr.splitlines() == [
        f"content/p{i:03}.md:5: warning: math $\\bad{i}{{x}}$ cannot be made MathML (an "
        "unknown command or unbalanced braces?); feeds show its TeX source"
        for i in newest_first
    ]
    # What a forked child saved while this process planned the feeds is whole by the time
    # the check ends: the next check reads no file, and says the same.
    again, heads, bodies = spied_check(tmp_path, monkeypatch)
    assert (again.exit_code, again.stderr, heads, bodies) == (0, result.stderr, [], [])


# One post for each thing a body can be warned about, in each form of file a check meets:
# line ends of Windows and of old Macs, a byte order mark, TOML, JSON and Pelican headers,
# blank lines after the front matter, none after it, a carriage return in a body, control
# characters in the front matter and the body. Names sort oldest first: the check reports
# the newest first.
EVERY_BODY_WARNING: dict[str, bytes] = {
    "a-math.md": b"---\ntitle: A\ndate: 2024-01-01\n---\nGood $x$, bad $\\foo{x}$.\n",
    "b-display.md": b"---\ntitle: B\ndate: 2024-01-02\n---\nText.\n\n$$\\qux{y}$$\n",
    "c-kramdown.md": b"---\ntitle: C\ndate: 2024-01-03\n---\nSome {::frob}x{:/frob} here.\n",
    "d-bell.md": b"---\ntitle: D\ndate: 2024-01-04\n---\nOne.\n\nRing \x07 twice.\n",
    "e-crlf.md": b"---\r\ntitle: E\r\ndate: 2024-01-05\r\n---\r\nA\r\n\r\n$\\crlf$ \x01\r\n",
    "f-cr.md": b"---\rtitle: F\rdate: 2024-01-06\r---\rA\r\r$\\cr$\r",
    "g-bom.md": b"\xef\xbb\xbf---\ntitle: G\ndate: 2024-01-07\n---\nA\n\n$\\bom$\n",
    "h-heads.md": b"---\ntitle: H \x02\ndate: 2024-01-08\n---\nA \x03 b\n\n$\\heads$\n",
    "i-toml.md": b'+++\ntitle = "I"\ndate = 2024-01-09\n+++\nA\n\n$\\toml$ {::x}\n',
    "j-json.md": b'{\n"title": "J",\n"date": "2024-01-10"\n}\nA\n\n$\\json$\n',
    "k-pelican.md": b"Title: K\nDate: 2024-01-11\n\nA\n\n$\\pelican$\n",
    "l-blank.md": b"---\ntitle: L\ndate: 2024-01-12\n---\n\n\n\nA $\\blank$\n",
    "m-bare.md": b"---\ntitle: M\ndate: 2024-01-13\n---",
    "n-fffe.md": b"---\ntitle: N\ndate: 2024-01-14\n---\nA \xef\xbf\xbf \xe2\x9a\x99\xef\xb8\x8f\n",
    "o-split.md": b"---\ntitle: O\ndate: 2024-01-15\n---\nA {\x01::frob} b\n",
    "2024-01-16-p-liquid.md": b"---\ntitle: P\n---\nA {% frob %} b\n",
    "q-shortcode.md": b"---\ntitle: Q\ndate: 2024-01-17\n---\nA\n\n{{< frob >}}\n",
    "r-abbr.md": b"---\ntitle: R\ndate: 2024-01-18\n---\n*[R]: Arr\n\nR {::frob}\n",
    "s-mixed.md": b"---\ntitle: S\ndate: 2024-01-19\n---\nA\r\r$\\mixed$\n",
}


def math(name: str, line: int, tex: str) -> str:
    return (
        f"content/{name}:{line}: warning: math ${tex}$ cannot be made MathML (an unknown "
        "command or unbalanced braces?); feeds show its TeX source"
    )


def removed(name: str, line: int, first: str) -> str:
    return (
        f"content/{name}:{line}: warning: removed 1 control character(s) that XML feeds "
        f"cannot carry (first: {first})"
    )


# The feed's one entry first (its render warnings), then each body's, newest first, then
# the template warnings.
EXPECTED_BODY_WARNINGS = [
    removed("h-heads.md", 2, "U+0002"),
    "content/m-bare.md:4: warning: the post has no text after its front matter: feeds and "
    "digests would carry its title alone; write its text, or set 'draft: true' until it is "
    "ready",
    math("s-mixed.md", 7, r"\mixed"),
    "content/r-abbr.md:7: warning: {::frob} has no closing {:/frob}; left out",
    removed("o-split.md", 5, "U+0001"),
    "content/o-split.md:5: warning: {::frob} has no closing {:/frob}; left out",
    removed("n-fffe.md", 5, "U+FFFF"),
    math("l-blank.md", 8, r"\blank"),
    math("k-pelican.md", 6, r"\pelican"),
    math("j-json.md", 7, r"\json"),
    math("i-toml.md", 7, r"\toml"),
    "content/i-toml.md:7: warning: {::x} has no closing {:/x}; left out",
    removed("h-heads.md", 5, "U+0003"),
    math("h-heads.md", 7, r"\heads"),
    math("g-bom.md", 7, r"\bom"),
    math("f-cr.md", 7, r"\cr"),
    removed("e-crlf.md", 7, "U+0001"),
    math("e-crlf.md", 7, r"\crlf"),
    removed("d-bell.md", 7, "U+0007"),
    "content/c-kramdown.md:5: warning: {::frob}: unknown kramdown extension; its tags left out",
    math("b-display.md", 7, r"\qux{y}"),
    math("a-math.md", 5, r"\foo{x}"),
    "content/q-shortcode.md:7: warning: unknown shortcode 'frob'; left out",
    "content/2024-01-16-p-liquid.md:4: warning: Liquid: unknown tag 'frob'; left out",
]


def test_every_kind_of_body_warning_is_reported_from_cold_and_again(tmp_path: Path) -> None:
    (tmp_path / "feedkit.toml").write_text(ONE_ENTRY, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    for name, data in EVERY_BODY_WARNING.items():
        (content / name).write_bytes(data)
    saved_long_ago(tmp_path)
    kept = tmp_path / ".feedkit" / "cache" / "check.pickle"
    saved = []
    for _ in range(3):  # from cold, then twice from what the check before kept
        result = feedkit(tmp_path, "check")
        assert (result.returncode, result.stderr.splitlines()) == (0, EXPECTED_BODY_WARNINGS)
        assert result.stdout == "OK: 19 posts: 19 published, 0 draft(s), 0 scheduled for later\n"
        saved.append((kept.stat().st_mtime_ns, kept.stat().st_ino))
    assert saved[0] == saved[1] == saved[2]  # the checks after the first read no file


def test_a_check_reads_each_body_as_a_build_reads_it(tmp_path: Path) -> None:
    from feedkit.config import load_config
    from feedkit.posts.loader import load_posts
    from feedkit.posts.postbody import read_body
    from feedkit.site.bodycheck import read_post_body

    (tmp_path / "feedkit.toml").write_text(ONE_ENTRY, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    for name, data in EVERY_BODY_WARNING.items():
        (content / name).write_bytes(data)
    (content / "t-one-line.md").write_bytes(b"---\ntitle: T\ndate: 2024-01-20\n---\nNo end")
    (content / "u-empty.md").write_bytes(b"---\ntitle: U\ndate: 2024-01-21\n---\n")
    posts = load_posts(load_config(tmp_path / "feedkit.toml")).posts
    assert len(posts) == len(EVERY_BODY_WARNING) + 2
    for each in posts:
        warned: tuple[list[Any], list[Any]] = ([], [])
        assert read_post_body(each, warned[0]) == read_body(each, warned[1]), each.rel_path
        assert warned[0] == warned[1], each.rel_path


def test_a_cold_check_reads_each_post_file_once_but_for_bodies_with_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its front matter and its body from one read, in every form of file; a body with
    # templates (which may read another post) is read again once every post is known.
    (tmp_path / "feedkit.toml").write_text(ONE_ENTRY, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    for name, data in EVERY_BODY_WARNING.items():
        (content / name).write_bytes(data)
    saved_long_ago(tmp_path)
    opened: list[str] = []
    stated: list[str] = []
    real_open, real_stat = os.open, os.stat

    asked: list[str] = []  # opened only to ask the disk for it ahead (postread.prefetch)
    # As when the files are known not to be in memory: each is asked for (they were just
    # written, and would be looked at first).
    from feedkit.posts import postread

    monkeypatch.setattr(postread, "_from_memory", False)

    def spy(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(".md"):
            ahead = sys._getframe(1).f_code.co_name == "prefetch"
            (asked if ahead else opened).append(Path(path).name)
        return real_open(path, *args, **kwargs)

    def stat_spy(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if str(path).endswith(".md"):
            stated.append(Path(path).name)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    monkeypatch.setattr(os, "stat", stat_spy)
    result = CliRunner().invoke(
        main, ["check", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert (result.exit_code, result.stderr.splitlines()) == (0, EXPECTED_BODY_WARNINGS)
    templated = ["2024-01-16-p-liquid.md", "q-shortcode.md"]
    shown = ["s-mixed.md"]  # the newest post: the feed's one entry, rendered
    assert sorted(opened) == sorted([*EVERY_BODY_WARNING, *templated, *shown])
    assert sorted(asked) == sorted(opened)  # each read asked for ahead, once
    assert stated == []  # with nothing kept, no status is compared: reading gives each


def test_many_bodies_with_templates_are_checked_after_every_post_is_read(
    tmp_path: Path,
) -> None:
    def ref(i: int, count: int) -> str:  # Hugo's ref to a post read by the other process, or none
        target = f"p{(i + 120) % (count + 20):03}.md"
        return f'\n\nSee [it]({{{{< ref "{target}" >}}}}).' if i % 11 == 0 else ""

    count = many_math_posts(tmp_path, ref)
    newest_first = list(reversed(range(count)))
    missing = [i for i in newest_first if i % 11 == 0 and (i + 120) % (count + 20) >= count]
    expected = [
        f"content/p{i:03}.md:5: warning: math $\\bad{i}{{x}}$ cannot be made MathML (an "
        "unknown command or unbalanced braces?); feeds show its TeX source"
        for i in newest_first
        if i % 7 == 0
    ]
    cold = feedkit(tmp_path, "check")
    assert cold.returncode == 0, cold.stderr
    lines = cold.stderr.splitlines()
    assert lines[: len(expected)] == expected
    assert [line.split(":")[0] for line in lines[len(expected) :]] == [
        f"content/p{i:03}.md" for i in missing
    ]
    assert missing and "ref" in lines[-1]
    kept = tmp_path / ".feedkit" / "cache" / "check.pickle"
    saved = kept.stat().st_mtime_ns, kept.stat().st_ino
    again = feedkit(tmp_path, "check")
    assert (again.returncode, again.stderr) == (0, cold.stderr)
    # Every body was kept, those checked once every post was known too: nothing was read
    # again, so nothing was saved again.
    assert (kept.stat().st_mtime_ns, kept.stat().st_ino) == saved


def test_a_cold_check_reads_no_post_while_a_child_saves_its_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reading every post's values after the save's fork copies each memory page they share
    # with the child: choosing the feeds' entries took five times as long there.
    from feedkit import parallel
    from feedkit.models import Post
    from feedkit.site import checkcache

    numbered_posts(tmp_path, 60)
    monkeypatch.setattr(checkcache, "PARALLEL_FROM", 10)  # a child saves what 60 posts gave
    forked: list[str] = []
    in_parallel, choice = parallel.in_parallel, Post.choice

    def spy(here: Any, there: Any) -> Any:
        forked.append("fork")
        try:
            return in_parallel(here, there)
        finally:
            forked.append("joined")

    def choice_spy(self: Post) -> Any:
        if forked[-1:] == ["fork"]:
            forked.append(self.rel_path)
        return choice(self)

    monkeypatch.setattr(parallel, "in_parallel", spy)
    monkeypatch.setattr(Post, "choice", choice_spy)
    result = CliRunner().invoke(
        main, ["check", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    assert forked == ["fork", "joined"]  # the save forked (where it can), after the choices


def test_a_cold_check_pickles_each_post_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The forked child sends the posts it read pickled; the check's cache keeps those bytes
    # as they came rather than pickling every post again (a tenth of a cold check).
    from feedkit.models import Post

    count = many_math_posts(tmp_path)
    log = tmp_path / "pickled.log"
    reduce = Post.__reduce__

    def counted(self: Post) -> Any:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)  # from every process
        os.write(fd, self.rel_path.encode() + b"\n")
        os.close(fd)
        return reduce(self)

    monkeypatch.setattr(Post, "__reduce__", counted)
    first = CliRunner().invoke(
        main, ["check", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert first.exit_code == 0, first.output
    pickled = log.read_text().splitlines()
    assert sorted(pickled) == [f"content/p{i:03}.md" for i in range(count)]
    again, heads, bodies = spied_check(tmp_path, monkeypatch)
    assert (again.exit_code, again.stderr, heads, bodies) == (0, first.stderr, [], [])
    # Files changed just before a check began are not trusted by the next, whichever
    # process read them.
    for path in (tmp_path / "content").iterdir():
        os.utime(path)
    shutil.rmtree(tmp_path / ".feedkit")
    assert feedkit(tmp_path, "check").stderr == first.stderr
    again, heads, _ = spied_check(tmp_path, monkeypatch)
    assert (again.exit_code, again.stderr) == (0, first.stderr)
    assert sorted(heads) == [f"p{i:03}.md" for i in range(count)]


# What bodies are made of for the quick look's test: each check's first look and near
# misses, and characters beyond ASCII whose UTF-8 bytes, as Latin-1, are white space or
# a letter to a pattern (Å and U+00A0 end in 0x85 and 0xA0; é is 0xC3 0xA9). (U+0085 itself
# is removed with a warning, as the validator rejects it: a body with one is read whole.)
PIECES = [
    *("$x$", "$\\foo{x}$", "$5 ", "```sh\necho $HOME\n```\n", "~~~\n$y\n~~~\n", "`$z`"),
    *("{{ x }}", "{{< ref p >}}", "{% raw %}", "{: .c}", "{a}", "{", "*[HTML]: Hyper\n", "*a*"),
    *("[^1]", "\n[^1]: note\n", "^", "<b>x</b>", "\n<div>\n", "<!-- c -->", "\n    $code$\n"),
    *("\u0085", "\u00c5", "\u00a0", "é", "🚀", "\n", "\n\n", " ", "\t", "text"),
]
PLAIN = ["\u00c5", "\u00a0", "é", "🚀", "\n", "\n\n", " ", "\t", "text", "*a*", "[b](c)"]


def test_the_quick_look_at_a_body_never_changes_what_a_check_finds(
    make_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    from feedkit.posts.expand import Templates
    from feedkit.posts.loader import load_posts
    from feedkit.site import bodycheck

    rng = random.Random(22)
    posts = {
        f"p{i:03}.md": f"---\ntitle: P{i}\ndate: 2024-01-01\n---\n"
        + "".join(rng.choice(PIECES if rng.random() < 0.3 else PLAIN) for _ in range(12))
        for i in range(400)
    }
    cfg = make_site(posts=posts)
    loaded = load_posts(cfg).posts
    templates = Templates.of_posts(cfg, loaded)
    quick = [bodycheck._check_body(p, "mathml", templates) for p in loaded]
    looked = []
    nothing_to_find = bodycheck._nothing_to_find

    def spy(view: str, *args: Any) -> bool:
        looked.append(nothing_to_find(view, *args))
        return False  # and so every body is checked in full

    monkeypatch.setattr(bodycheck, "_nothing_to_find", spy)
    full = [bodycheck._check_body(p, "mathml", templates) for p in loaded]
    assert quick == full
    assert 40 < sum(looked) < 360  # many bodies had nothing to find, many had
    assert sum(bool(result[1] or result[2]) for result in full) > 40  # warnings among them


def test_a_cold_check_makes_the_cache_key_only_when_it_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hashing feedkit's files takes about 8 ms, before any post could be read: with nothing
    # kept, the key is made by whoever first needs it, the (forked) process that saves.
    from feedkit.config import load_config
    from feedkit.site import cachekey
    from feedkit.site.checkcache import CheckCache

    site = jekyll_site(tmp_path)
    hashed: list[str] = []
    code_hash = cachekey.code_hash
    monkeypatch.setattr(cachekey, "_found", None)
    monkeypatch.setattr(cachekey, "code_hash", lambda *a: hashed.append("") or code_hash(*a))
    cfg = load_config(site / "feedkit.toml")
    cache = CheckCache.open(cfg)
    assert hashed == [] and cache.rows == {}
    assert cache.build.key == cachekey.cache_key(cachekey.config_hash(cfg)) and len(hashed) == 1
    monkeypatch.setattr(cachekey, "_found", None)
    first = outcome(site)
    assert (site / ".feedkit" / "cache" / "check.pickle").exists()
    _, heads, bodies = spied_check(site, monkeypatch)  # the next check reads what it kept
    assert (heads, bodies) == (["guide.md"], []) and outcome(site) == first


def test_a_check_after_a_build_renders_no_feed_entry_the_build_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build cache keeps each feed post's rendered body and entries: a check takes them
    # while the post is as it was, says what a check without them says, and changes none
    # of the build's cache.
    from feedkit.site import render

    site = jekyll_site(tmp_path)
    assert feedkit(site, "build").returncode == 0
    built = {
        p: (p.stat().st_mtime_ns, p.stat().st_ino)
        for p in (site / ".feedkit").rglob("*")
        if p.is_file()
    }
    rendered: list[str] = []
    real = render._render

    def spy(post: Any, *args: Any) -> Any:
        rendered.append(Path(post.source).name)
        return real(post, *args)

    monkeypatch.setattr(render, "_render", spy)

    def check() -> tuple[int, str, str]:
        result = CliRunner().invoke(
            main, ["check", "--config", str(site / "feedkit.toml")], env=NOW_ENV
        )
        return result.exit_code, result.stdout, result.stderr

    expected = without_cache(site, tmp_path)
    assert check() == expected
    assert rendered == []  # the one feed entry, the build's
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in built} == built
    bell = site / "content" / "_posts" / "2024-03-03-bell.md"
    bell.write_text(post("Bell", "2024-03-03", "Ring \a three times."))
    saved_long_ago(site)
    expected = without_cache(site, tmp_path)
    assert check() == expected
    assert rendered == [bell.name]  # changed since the build: rendered again


def test_what_a_check_made_on_the_way_is_kept_for_the_caller_to_free(tmp_path: Path) -> None:
    # Freeing a row, a result and a parsed file for each of 20,000 posts took 25 ms at the
    # end of a check, object by object, for a command that leaves at once (QuickExit): the
    # command keeps them, and leaves with them. From cold and again, with some kept.
    from feedkit.config import load_config
    from feedkit.site.checkcache import CheckCache, check_posts

    numbered_posts(tmp_path, 30)
    cfg = load_config(tmp_path / "feedkit.toml")
    shown = {f"content/p{i:03}.md" for i in range(30)}
    for changed in ("", "content/p007.md"):
        if changed:  # one file read again, the others kept from the check before
            (tmp_path / changed).write_text(post("P7 again", "2024-01-01T00:07:00Z"))
        held: list[object] = []
        loaded, _, made = check_posts(
            cfg, CheckCache.open(cfg), lambda loaded, choices: dict(choices), keep=held
        )
        assert len(held) == 1 and isinstance(made, dict)
        assert {p.rel_path for p in loaded.posts} == set(made) == shown
        kept = held[0]
        assert isinstance(kept, dict)
        assert {each[0] for each in kept["parsed"]} == shown  # every file, in its place
        assert set(kept["rows"]) == shown  # what the next check keeps
        read = {os.path.relpath(path, tmp_path) for path in kept["todo"]}
        assert read == ({changed} if changed else shown)
        if changed:
            assert next(p for p in loaded.posts if p.rel_path == changed).title == "P7 again"
