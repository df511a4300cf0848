"""The warm preview: posts read once, re-read where files change, pages and feeds the same
as a fresh process makes, and a reload signal for the page when a file is saved."""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import struct
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import cssutils
import premailer.cache
import pytest

from feedkit import parallel
from feedkit.config import load_config
from feedkit.mail import inliner
from feedkit.mail import snapshot as snapshot_module
from feedkit.posts.expand import Templates
from feedkit.posts.gathered import public_posts
from feedkit.site import render as render_module
from feedkit.site.build import build_site
from feedkit.web import pagememos, readingtimes, warm, watch
from feedkit.web.preview import render_page
from feedkit.web.previewserver import PreviewServer, make_server, prepare

from conftest import NOW
from digest_site import SECRET_ENV, site_after_first_digest, write_post
from preview_process import (
    fetch,
    next_event,
    preview_in_process,
    preview_process,
    token_of,
    url,
)

PATHS = ["/", "/atom.xml", "/rss.xml", "/feed.json", "/digest.html", "/digest.txt"]
PATHS += ["/tags/test/atom.xml", "/feed.xsl", "/nope.xml"]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    site_after_first_digest(tmp_path)  # first run: archive recorded
    write_post(tmp_path, "fresh", "A fresh post", NOW - timedelta(hours=1))
    write_post(tmp_path, "later", "Coming later", NOW + timedelta(days=3))
    return tmp_path


def served(base: str) -> dict[str, tuple[int, bytes]]:
    return {path: fetch(base + path) for path in PATHS}


def without_token(answers: dict[str, tuple[int, bytes]]) -> dict[str, tuple[int, bytes]]:
    """Return `answers` with the page's reload token blanked."""
    return {
        path: (status, re.sub(rb'data-token="[0-9a-f]*"', b'data-token=""', body))
        for path, (status, body) in answers.items()
    }


def saved(base: str, change: object) -> bytes:
    """Return the page once the preview has taken in the change `change()` made."""
    before = token_of(fetch(base + "/")[1])
    assert callable(change)
    change()
    assert next_event(base, before) == b"data: reload\n"
    status, page = fetch(base + "/")
    assert token_of(page) != before
    return page


@pytest.mark.parametrize("watch", [[], ["--poll", "0.05"]], ids=["events", "polling"])
def test_after_edits_adds_deletes_renames_it_serves_what_a_fresh_process_does(
    site: Path, watch: list[str]
) -> None:
    content = site / "content"
    fresh = content / "fresh.md"
    # There from the start: made during the run, a poll could see the folder and then the
    # move into it as two changes, and the test would read the pages between them.
    (content / "deep").mkdir()
    with preview_process(site, *watch) as base:
        assert b"A fresh post" in fetch(base + "/atom.xml")[1]
        page = saved(base, lambda: fresh.write_text(fresh.read_text().replace("A fresh", "An")))
        assert b"An post" in page
        saved(base, lambda: write_post(site, "added", "Added post", NOW - timedelta(minutes=5)))
        saved(base, lambda: (content / "later.md").unlink())
        saved(base, lambda: fresh.rename(content / "renamed.md"))
        saved(base, lambda: (content / "added.md").rename(content / "deep" / "added.md"))
        warm_answers = served(base)
    with preview_process(site) as base:
        # The same answers. The reload token names the files as each process last recorded
        # them, and a poll that saw the last move in two steps may have recorded them
        # otherwise (the next poll corrects it): the pages are compared without it.
        assert without_token(served(base)) == without_token(warm_answers)
    assert b"Added post" in warm_answers["/atom.xml"][1]
    assert b"/renamed/" in warm_answers["/atom.xml"][1]
    assert b"Coming later" not in warm_answers["/"][1]
    assert warm_answers["/nope.xml"][0] == 404


def test_the_reload_token_names_the_files_not_the_order_they_were_listed_in() -> None:
    files = {f"content/{name}.md": (10, 100 + n, 1000 + n) for n, name in enumerate("abcdef")}
    token = watch.files_token(files)
    assert watch.files_token(dict(reversed(list(files.items())))) == token
    assert watch.files_token({**files, "content/c.md": (11, 102, 1002)}) != token
    assert watch.files_token({k: v for k, v in files.items() if k != "content/f.md"}) != token


def test_after_saves_and_a_removal_the_token_is_the_one_a_fresh_start_gives(site: Path) -> None:
    # The token is kept up to date by the files that changed alone: it must still name the
    # files as a fresh process names them, or an open page would reload for nothing.
    with preview_in_process(site / "feedkit.toml") as server:
        base = url(server)
        saved(base, lambda: write_post(site, "fresh", "Saved again", NOW))
        saved(base, lambda: (site / "content" / "later.md").unlink())
        saved(base, lambda: write_post(site, "newer", "Another post", NOW))
        token = token_of(fetch(base + "/")[1])
    with preview_in_process(site / "feedkit.toml") as fresh:
        assert token_of(fetch(url(fresh) + "/")[1]) == token


@pytest.mark.parametrize(
    "change",
    ["post", "config", "template"],
)
def test_a_save_tells_the_page_to_reload_and_the_page_shows_it(site: Path, change: str) -> None:
    with preview_process(site) as base:
        before = token_of(fetch(base + "/")[1])
        events: list[bytes] = []
        listener = threading.Thread(target=lambda: events.append(next_event(base, before)))
        listener.start()
        if change == "post":
            write_post(site, "fresh", "Saved again", NOW - timedelta(hours=1))
            shown = b"Saved again"
        elif change == "config":
            toml = site / "feedkit.toml"
            toml.write_text(toml.read_text().replace("Example Blog", "Renamed Blog"))
            shown = b"<h1>Renamed Blog</h1>"
        else:
            (site / "email_templates").mkdir()
            (site / "email_templates" / "digest.subject.j2").write_text("Edited subject")
            shown = b'<p class="subject">Edited subject</p>'
        listener.join(timeout=20)
        assert events == [b"data: reload\n"]
        assert shown in fetch(base + "/")[1]


def test_the_event_stream_answers_at_once_for_a_page_made_from_older_files(site: Path) -> None:
    with preview_process(site) as base:
        assert next_event(base, "0123456789abcdef", timeout=5) == b"data: reload\n"


def test_the_page_loads_the_reload_script_from_the_preview(site: Path) -> None:
    with preview_process(site) as base:
        page = fetch(base + "/")[1]
        script = fetch(base + "/reload.js")
    assert page.rstrip().endswith(b"</script>\n</body>\n</html>")
    assert script[0] == 200 and b'new EventSource("/events?since="' in script[1]


def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Return the list the preview's reads of posts go to, each as the names of its files."""
    calls: list[list[str]] = []
    real = warm.parse_files

    def counted(cfg, paths, **kwargs):  # type: ignore[no-untyped-def]
        calls.append([Path(p).name for p in paths])
        return real(cfg, paths, **kwargs)

    monkeypatch.setattr(warm, "parse_files", counted)
    return calls


@pytest.fixture
def reads(site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[list[str]]]]:
    """The in-process preview's URL, and the post files each read of posts read."""
    calls = counted_reads(monkeypatch)
    with preview_in_process(site / "feedkit.toml") as server:
        yield url(server), calls


def test_requests_read_no_post_and_a_save_reads_only_that_post(
    site: Path, reads: tuple[str, list[list[str]]]
) -> None:
    base, calls = reads
    assert len(calls) == 1 and len(calls[0]) == 5  # at start: every post
    served(base)
    served(base)
    assert len(calls) == 1
    write_post(site, "fresh", "Saved again", NOW - timedelta(hours=1))
    assert b"Saved again" in fetch(base + "/atom.xml")[1]
    assert calls[1:] == [["fresh.md"]]


def test_a_saved_jekyll_post_of_any_ending_is_read_and_shown(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Jekyll publishes a dated file of _posts/ whatever its ending (a .txt, as written). The
    # preview took a save of one for a picture's, which changes nothing shown: the post
    # appeared only once the preview was started again.
    posts = site / "content" / "_posts"
    posts.mkdir()
    (posts / "2024-01-01-first.md").write_text("---\ntitle: First\n---\nText.\n")
    calls = counted_reads(monkeypatch)
    with preview_in_process(site / "feedkit.toml") as server:
        base = url(server)
        assert b"First" in fetch(base + "/atom.xml")[1]
        notes = posts / "2024-01-02-notes.txt"
        notes.write_text("---\ntitle: Notes in text\n---\nKept as written.\n")
        assert b"Notes in text" in fetch(base + "/atom.xml")[1]
        # Read as a post, alone: the other post was kept (the site's other files, pages to
        # a Jekyll site, are skipped unread).
        assert "2024-01-02-notes.txt" in calls[-1] and "2024-01-01-first.md" not in calls[-1]


def test_a_config_change_reads_everything_again(
    site: Path, reads: tuple[str, list[list[str]]]
) -> None:
    base, calls = reads
    toml = site / "feedkit.toml"
    toml.write_text(toml.read_text().replace("Example Blog", "Renamed Blog"))
    assert b"<h1>Renamed Blog</h1>" in fetch(base + "/")[1]
    # Every read reads all five files. A loaded machine can see the write as two changes
    # (the file truncated, then written), each read again in full.
    assert len(calls) >= 2 and all(len(names) == 5 for names in calls), calls


def test_events_refuse_other_host_names(site: Path) -> None:
    with preview_process(site) as base:
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
        connection.putrequest("GET", "/events?since=x", skip_host=True)
        connection.putheader("Host", "rebind.attacker.example")
        connection.endheaders()
        assert connection.getresponse().status == 421


def test_reading_times_counted_in_a_forked_child_are_those_counted_here(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(6):
        body = " ".join(["word"] * (300 * n)) or "Short."
        write_post(site, f"long-{n}", f"Long {n}", NOW - timedelta(days=n + 1), body=body)
    pages = []
    shared: list[int] = []
    real = readingtimes.parallel.shared

    def spy(count, part, first=None):  # type: ignore[no-untyped-def]
        shared.append(count)
        return real(count, part, first)

    monkeypatch.setattr(readingtimes, "parallel", SimpleNamespace(shared=spy, MAX_PARTS=250))
    for parallel_from in (10**9, 2):  # here only; shared with a forked child
        monkeypatch.setattr(readingtimes, "PARALLEL_FROM", parallel_from)
        monkeypatch.setattr(readingtimes, "PART", 1)
        with preview_in_process(site / "feedkit.toml") as server:
            pages.append(fetch(url(server) + "/")[1])
    assert pages[0] == pages[1]
    assert b"| 7 min read |" in pages[0]  # 1,500 words at 230 a minute
    assert shared == [11]  # the second time only: 11 posts, a part each


def test_editors_scratch_files_change_nothing(site: Path) -> None:
    with preview_in_process(site / "feedkit.toml") as server:
        base = url(server)
        page = fetch(base + "/")[1]
        for name in ("fresh.md~", ".fresh.md.swp", "4913"):
            (site / "content" / name).write_text("scratch")
        (site / "public").mkdir()
        (site / "public" / "atom.xml").write_text("an earlier build")
        assert fetch(base + "/")[1] == page
        assert server.site.reloads == 1  # the read at start


def test_a_browser_leaving_mid_answer_prints_no_traceback(site: Path) -> None:
    with preview_process(site) as base:  # which fails on a traceback in the preview's stderr
        host, port = base.removeprefix("http://").split(":")
        for _ in range(20):
            with socket.create_connection((host, int(port))) as client:
                client.sendall(b"GET /digest.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                # Closed at once with a reset, as a browser drops a reloading page's frames.
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        assert fetch(base + "/")[0] == 200


@pytest.fixture
def counted(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[PreviewServer, dict[str, list[str]]]]:
    """The in-process preview, and what it did since start: the posts it rendered (by
    slug), every listing of the site's files, every digest renderer made."""
    done: dict[str, list[str]] = {"rendered": [], "listed": [], "renderers": []}
    render, listing, renderer = render_module._render, warm.snapshot, pagememos.DigestRenderer

    def rendered(post, *args):  # type: ignore[no-untyped-def]
        done["rendered"].append(post.slug)
        return render(post, *args)

    def listed(*args):  # type: ignore[no-untyped-def]
        done["listed"].append("every file")
        return listing(*args)

    def made(*args, **kwargs):  # type: ignore[no-untyped-def]
        done["renderers"].append("made")
        return renderer(*args, **kwargs)

    monkeypatch.setattr(render_module, "_render", rendered)
    monkeypatch.setattr(parallel, "cores", lambda: 1)  # every render in this process
    monkeypatch.setattr(warm, "snapshot", listed)
    monkeypatch.setattr(pagememos, "DigestRenderer", made)
    with preview_in_process(site / "feedkit.toml") as server:
        yield server, done


def test_the_first_page_finds_the_feeds_rendered_and_the_digest_ready(
    counted: tuple[PreviewServer, dict[str, list[str]]],
) -> None:
    server, done = counted
    assert server.warmed.wait(20)  # once serving, before any request
    made = {key: list(value) for key, value in done.items()}
    assert "fresh" in made["rendered"] and made["renderers"] == ["made"]
    page = fetch(url(server) + "/")[1]
    fetch(url(server) + "/atom.xml")
    assert done == made  # the request rendered nothing and made no renderer
    assert b"A fresh post" in page and b'<p class="subject">' in page


@pytest.mark.parametrize("kept", [True, False], ids=["render-cache", "no-feedkit-folder"])
def test_reloading_the_page_inlines_the_digest_no_more(
    site: Path, kept: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # premailer took ~60 % of a page at 20,000 posts: a page made again with the same next
    # digest finds it inlined, remembered and (in a site's .feedkit) kept as the dry run
    # keeps it; a site never built gets no .feedkit folder from the preview.
    if not kept:
        shutil.rmtree(site / ".feedkit")
    inlined: list[str] = []
    transform = inliner.transform

    def counted(document, *args):  # type: ignore[no-untyped-def]
        inlined.append(document)
        return transform(document, *args)

    monkeypatch.setattr(inliner, "transform", counted)
    with preview_in_process(site / "feedkit.toml") as server:
        assert server.warmed.wait(20)
        assert any("A fresh post" in document for document in inlined)
        before = len(inlined)
        paths = ("/", "/digest.html", "/", "/?page=1")
        pages = [fetch(url(server) + path)[1] for path in paths]
        assert len(inlined) == before
    assert all(b"A fresh post" in page for page in pages)
    assert (site / ".feedkit" / "cache" / "inlined").is_dir() == kept
    assert (site / ".feedkit").exists() == kept


def test_a_reload_makes_no_digest_card_again_and_a_save_makes_the_saved_posts(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each page made the next digest's cards again from the files (read, expanded,
    # rendered): most of a page at 20,000 posts.
    made: list[str] = []
    real = snapshot_module.snapshot

    def counted(post, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(post.slug)
        return real(post, *args, **kwargs)

    monkeypatch.setattr(snapshot_module, "snapshot", counted)
    with preview_in_process(site / "feedkit.toml") as server:
        assert server.warmed.wait(20)
        assert made == ["fresh"]  # the one new post
        for path in ("/", "/digest.html", "/digest.txt", "/"):
            fetch(url(server) + path)
        assert made == ["fresh"]
        page = saved(url(server), lambda: write_post(site, "fresh", "Saved again", NOW))
        assert made == ["fresh", "fresh"] and b"Saved again" in page
        write_post(site, "newer", "Another new post", NOW - timedelta(minutes=5))
        assert b"Another new post" in fetch(url(server) + "/digest.html")[1]
        assert sorted(made[2:]) == ["fresh", "newer"]  # the digest's posts, as read now


def test_after_a_save_the_feeds_and_the_reading_times_share_one_listing_of_the_posts(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each Templates lists every post's path and finds whose site it is from them (~7 ms
    # at 20,000 posts): the feeds' and the reading times' are one, made once a reading;
    # the digest's own lists the posts readers may see.
    made: list[int] = []
    real = Templates.__init__

    def counted(self, cfg, paths, post_of):  # type: ignore[no-untyped-def]
        made.append(1)
        real(self, cfg, paths, post_of)

    monkeypatch.setattr(Templates, "__init__", counted)
    with preview_in_process(site / "feedkit.toml") as server:
        assert server.warmed.wait(20)
        page = saved(url(server), lambda: write_post(site, "fresh", "Saved again", NOW))
        before = len(made)
        fetch(url(server) + "/atom.xml")
        assert len(made) == before  # made for the page, not again for a feed
    assert b"Saved again" in page and b"min read" in page
    assert len(made) == 4  # at start and after the save: the site's, the digest's


def test_while_the_site_fails_a_save_reads_only_the_bodies_that_changed(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reading that fails lists every body that is not UTF-8, as `feedkit build` does, so
    # it reads every body: over a second at 20,000 posts, at each save while it fails.
    read: list[str] = []
    real = warm.body_problems

    def counted(shown, path):  # type: ignore[no-untyped-def]
        read.append(shown)
        return real(shown, path)

    monkeypatch.setattr(warm, "body_problems", counted)
    latin = site / "content" / "latin.md"
    with preview_in_process(site / "feedkit.toml") as server:
        base = url(server)
        head = '---\ntitle: "Caf\u00e9"\ndate: 2024-01-02T10:00:00Z\n---\n'
        saved(base, lambda: latin.write_bytes(head.encode() + "Caf\u00e9.\n".encode("latin-1")))
        broken = site / "content" / "fresh.md"
        page = saved(base, lambda: broken.write_text("---\ntitle: [unclosed\n---\nText.\n"))
        assert b"content/fresh.md" in page and b"content/latin.md:5: is not UTF-8" in page
        assert "content/latin.md" in read and "content/fresh.md" not in read
        count = len(read)
        page = saved(base, lambda: broken.write_text("---\ntitle: [still\n---\nText.\n"))
        assert b"content/latin.md:5: is not UTF-8" in page and len(read) == count
        page = saved(base, lambda: latin.write_text(head + "Caf\u00e9.\n", encoding="utf-8"))
        assert b"content/fresh.md" in page and b"content/latin.md" not in page
        assert read[count:] == ["content/latin.md"]  # the one body that changed


def test_a_save_renders_only_the_post_saved_and_the_system_names_it_without_a_listing(
    site: Path, counted: tuple[PreviewServer, dict[str, list[str]]]
) -> None:
    server, done = counted
    assert server.warmed.wait(20)
    rendered, listed = len(done["rendered"]), len(done["listed"])
    assert rendered >= 4  # every post in a feed, at start
    write_post(site, "fresh", "Saved again", NOW - timedelta(hours=1))
    assert b"Saved again" in fetch(url(server) + "/atom.xml")[1]
    assert done["rendered"][rendered:] == ["fresh"]
    assert len(done["listed"]) == listed  # the system named the file saved
    answers = {path: fetch(url(server) + path) for path in PATHS}
    with preview_in_process(site / "feedkit.toml") as fresh_server:
        assert {path: fetch(url(fresh_server) + path) for path in PATHS} == answers


@pytest.mark.parametrize("change", ["added", "removed", "folder", "polling"])
def test_what_the_system_cannot_vouch_for_lists_every_file_again(
    site: Path, counted: tuple[PreviewServer, dict[str, list[str]]], change: str
) -> None:
    server, done = counted
    assert server.warmed.wait(20)
    content = site / "content"
    if change == "polling":
        server.site.watcher.close()  # as with --poll: no events
    listed = len(done["listed"])
    if change == "added":
        write_post(site, "added", "Added post", NOW - timedelta(minutes=5))
    elif change == "removed":
        (content / "fresh.md").unlink()
    elif change == "folder":
        (content / "deep").mkdir()
        (content / "fresh.md").rename(content / "deep" / "fresh.md")
    else:
        write_post(site, "fresh", "Saved again", NOW - timedelta(hours=1))
        server.site.refresh()  # as the poller does: compare every file's status
    atom = fetch(url(server) + "/atom.xml")[1]
    assert len(done["listed"]) > listed
    assert (b"Added post" in atom) == (change == "added")
    assert (b"A fresh post" in atom) == (change in ("added", "folder"))
    assert (b"Saved again" in atom) == (change == "polling")


def test_after_a_build_the_preview_renders_no_feed_entry_the_build_rendered(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = load_config(site / "feedkit.toml")
    build_site(cfg, NOW)
    write_post(site, "fresh", "Saved since the build", NOW - timedelta(hours=1))
    rendered: list[str] = []
    render = render_module._render

    def counted(post, *args):  # type: ignore[no-untyped-def]
        rendered.append(post.slug)
        return render(post, *args)

    monkeypatch.setattr(render_module, "_render", counted)
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    with preview_in_process(site / "feedkit.toml") as server:
        assert server.warmed.wait(20)
        answers = {path: fetch(url(server) + path) for path in PATHS}
    assert rendered == ["fresh"]  # the one post changed since
    shutil.rmtree(site / ".feedkit" / "cache")  # a fresh process renders every entry
    with preview_process(site) as base:
        assert served(base) == answers


def test_at_start_the_preview_lists_the_files_once(
    counted: tuple[PreviewServer, dict[str, list[str]]],
) -> None:
    server, done = counted
    assert server.warmed.wait(20)
    assert done["listed"] == ["every file"]  # listing 20,000 files takes about 0.15 s


def test_the_public_posts_and_the_feeds_take_the_choices_made_when_the_posts_were_read(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "content" / "draft.md").write_text(
        '---\ntitle: "A draft"\ndate: 2020-01-01\ndraft: true\n---\nNot yet.\n', "utf-8"
    )
    expired = f"expiryDate: {(NOW - timedelta(days=1)).isoformat()}"
    (site / "content" / "gone.md").write_text(
        f'---\ntitle: "Gone"\ndate: 2020-01-02\n{expired}\n---\nOver.\n', "utf-8"
    )
    server = make_server(site / "feedkit.toml", lambda: NOW, port=0)
    choices: list[str] = []
    choice = warm.Post.choice

    def counted(post: warm.Post) -> warm.Choice:
        choices.append(post.slug)
        return choice(post)

    monkeypatch.setattr(warm.Post, "choice", counted)
    try:
        site_read = server.site
        with site_read.lock:
            assert site_read.loaded is not None
            public = list(site_read.public(NOW))
            render_page(site_read, NOW)
            expected = public_posts(site_read.loaded.posts, NOW)
    finally:
        server.server_close()
    assert choices == []  # made once, as the posts were read, not for a page
    assert public == expected and len(expected) == len(site_read.loaded.posts) - 3


def test_the_digest_stylesheet_is_parsed_before_the_first_page(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[int] = []
    parse = cssutils.parseString

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(1)
        return parse(*args, **kwargs)

    premailer.cache.cache.clear()  # as in a fresh process
    monkeypatch.setattr(cssutils, "parseString", counted)
    monkeypatch.setattr(parallel, "cores", lambda: 1)  # no child reads: prepare is ours to run
    server = make_server(site / "feedkit.toml", lambda: NOW, port=0)
    try:
        prepare(server.site, lambda: NOW)  # what runs while a child reads the posts
        assert parsed == [1]
        with server.site.lock:
            page = render_page(server.site, NOW)
    finally:
        server.server_close()
    assert parsed == [1] and '<p class="subject">' in page
