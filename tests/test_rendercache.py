"""Inlined digest HTML kept in .feedkit/cache/inlined/: premailer runs once a digest, not once
a run, and what readers receive is the same bytes either way."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
from datetime import timedelta
from email import policy
from pathlib import Path

import jinja2
import pytest
from test_sending import READERS, digest, listed, site

from feedkit.config import Config, load_config
from feedkit.i18n import Language
from feedkit.mail import rendercache
from feedkit.mail.digest import DigestRenderer, default_templates_dir
from feedkit.mail.rendercache import SETTINGS, RememberingCache, RenderCache, inline
from feedkit.mail.sending import run_digest, sender_factory
from feedkit.mail.snapshot import make_record
from feedkit.mail.state import State

from conftest import NOW
from digest_site import SECRET_ENV, make_digest_site, public, site_after_first_digest, write_post
from smtp_server import FaultySmtpServer

_BOUNDARY = re.compile(rb"={15}\d{19}==")  # the email package's: random in every message


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)


def imported(site_dir: Path, *args: str, now=NOW) -> list[str]:
    """Return the modules `feedkit ARGS` imported, in a fresh process run in `site_dir`."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "feedkit", *args],
        cwd=site_dir,
        env={**os.environ, **SECRET_ENV, "FEEDKIT_NOW": now.isoformat()},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return re.findall(r"\| +([\w.]+)$", proc.stderr, re.M)


def test_dry_runs_after_the_first_and_the_send_after_them_import_no_premailer(
    tmp_path: Path,
) -> None:
    site_after_first_digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    assert "premailer" in imported(tmp_path, "digest", "--dry-run")
    # Minutes later, as a writer checks again and then sends: the clock moved, the digest
    # (its ID has the time in it) is another, its HTML before inlining is not.
    later = NOW + timedelta(minutes=7)
    modules = imported(tmp_path, "digest", "--dry-run", now=later)
    assert "premailer" not in modules
    # Nor what finds the libraries' versions that name the kept files (the build's
    # library_versions reads them from the folder names, once a process).
    assert "importlib.metadata" not in modules
    assert "premailer" not in imported(tmp_path, "digest", now=later + timedelta(minutes=3))
    (sent,) = list((tmp_path / "outbox").glob("*/*.eml"))
    assert b"New post A" in sent.read_bytes()
    message = email.message_from_bytes(sent.read_bytes(), policy=policy.default)
    html_part = message.get_body(("html",))
    assert html_part is not None
    assert re.search(r'<h2 class="post-title"[^>]*style="', html_part.get_content())


def test_readers_get_the_same_bytes_with_the_cache_as_without(
    tmp_path: Path, smtp_server: FaultySmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_cache, without = tmp_path / "with", tmp_path / "without"
    for root in (with_cache, without):
        site(root, smtp_server)
        assert digest(root).exit_code == 0  # the first run: the archive as sent
        write_post(root, "new-a", "New post A", NOW - timedelta(hours=1))
    assert digest(with_cache, "--dry-run").exit_code == 0
    # The mail and its web copy, which the send publishes in the archive.
    assert len(list((with_cache / ".feedkit" / "cache" / "inlined").glob("*.html"))) == 2

    def no_premailer(document: str, settings: object, cache: object = None) -> str:
        raise AssertionError("premailer ran although the dry run kept its result")

    monkeypatch.setattr(rendercache, "_premailer", no_premailer)
    assert digest(with_cache).exit_code == 0
    monkeypatch.undo()
    cfg = load_config(without / "feedkit.toml")
    with State.open(cfg.path(cfg.digest.state)) as state:  # the renderer without a cache
        renderer = DigestRenderer(cfg, SECRET_ENV)
        readers = listed(cfg)
        run_digest(cfg, state, public(cfg), readers, sender_factory(cfg), NOW, renderer=renderer)
    assert not (without / ".feedkit" / "cache" / "inlined").exists()
    for address, _ in READERS:
        cached, plain = smtp_server.received_for(address)
        assert b"New post A" in cached.raw
        assert _BOUNDARY.sub(b"BOUNDARY", cached.raw) == _BOUNDARY.sub(b"BOUNDARY", plain.raw)


def counting_premailer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Return the list of documents premailer is given from now on."""
    given: list[str] = []
    real = rendercache._premailer

    def count(document: str, settings: object, cache: RenderCache | None = None) -> str:
        given.append(document)
        return real(document, settings, cache)  # type: ignore[arg-type]

    monkeypatch.setattr(rendercache, "_premailer", count)
    return given


def test_a_changed_template_css_post_or_setting_is_inlined_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = site_after_first_digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    cache = RenderCache.of_site(cfg.cache_path)
    given = counting_premailer(monkeypatch)

    def html(when=NOW) -> str:
        posts = public(cfg, when)
        record = make_record(posts[:1], cfg, when, among=posts)
        rendered = DigestRenderer(cfg, SECRET_ENV, render_cache=cache).render(record)
        assert rendered.html == DigestRenderer(cfg, SECRET_ENV).render(record).html
        return rendered.html

    # Each call inlines once without the cache (to compare), and once more on a miss.
    first = html()
    assert len(given) == 2
    assert html(NOW + timedelta(minutes=5)) == first
    assert len(given) == 3  # minutes later, another digest ID: the same HTML, kept

    templates = tmp_path / "email_templates"
    templates.mkdir()
    page = (default_templates_dir() / "digest.html.j2").read_text(encoding="utf-8")
    (templates / "digest.html.j2").write_text(page.replace("Read more", "Read on"), "utf-8")
    assert "Read on" in html() and len(given) == 5
    page = page.replace("Read more", "Read again")  # a template saved again: compiled again
    (templates / "digest.html.j2").write_text(page, "utf-8")
    assert "Read again" in html() and len(given) == 7

    css = (default_templates_dir() / "digest.css").read_text(encoding="utf-8")
    (templates / "digest.css").write_text(css + "\n.post-title { color: #abcdef; }\n", "utf-8")
    assert "#abcdef" in html() and len(given) == 9

    write_post(tmp_path, "new-b", "New post B", NOW - timedelta(minutes=30))
    assert "New post B" in html() and len(given) == 11

    document = given[-1]
    other = {**SETTINGS, "keep_style_tags": True}
    assert "<style" in inline(document, cache, other)
    assert len(given) == 12
    assert inline(document, cache, other) == inline(document, None, other)
    assert len(given) == 13  # the first came from the cache


def test_a_damaged_or_missing_file_only_costs_an_inline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = site_after_first_digest(tmp_path)
    cache = RenderCache.of_site(cfg.cache_path)
    document = "<html><head><style>p { color: red; }</style></head><body><p>Hi</p></body></html>"
    given = counting_premailer(monkeypatch)
    expected = inline(document)
    assert inline(document, cache) == expected and len(given) == 2
    (kept,) = cache.folder.glob("*.html")
    kept.write_bytes(kept.read_bytes().replace(b"color:red", b"color:blue"))
    assert inline(document, cache) == expected and len(given) == 3
    kept.unlink()
    assert inline(document, cache) == expected and len(given) == 4
    assert inline(document, cache) == expected and len(given) == 4


def test_a_dry_run_on_a_site_without_a_feedkit_folder_keeps_nothing(tmp_path: Path) -> None:
    cache = RenderCache.of_site(tmp_path / ".feedkit")
    document = "<html><body><p>Hi</p></body></html>"
    assert inline(document, cache) == inline(document)
    assert not (tmp_path / ".feedkit").exists()


def test_templates_are_compiled_once_for_the_runs_that_follow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = site_after_first_digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    cache = RenderCache.of_site(cfg.cache_path)
    compiled: list[str | None] = []
    real = jinja2.Environment.compile

    def compile(self: jinja2.Environment, source: str, name: str | None = None, *a, **k):
        compiled.append(name)
        return real(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    posts = public(cfg)
    record = make_record(posts[:1], cfg, NOW, among=posts)
    plain = DigestRenderer(cfg, SECRET_ENV).render(record)
    names = sorted(n for n in compiled if n)
    assert "digest.html.j2" in names and "digest.txt.j2" in names
    compiled.clear()
    assert DigestRenderer(cfg, SECRET_ENV, render_cache=cache).render(record) == plain
    assert sorted(n for n in compiled if n) == names
    compiled.clear()
    assert DigestRenderer(cfg, SECRET_ENV, render_cache=cache).render(record) == plain
    assert compiled == []  # the second process's renderer loads them compiled


def test_the_first_dry_run_after_a_post_imports_premailer_but_not_its_http_client(
    tmp_path: Path,
) -> None:
    # premailer imports requests for external stylesheets, which SETTINGS never fetches
    # (allow_network=False): a quarter of its import time for nothing.
    site_after_first_digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    modules = imported(tmp_path, "digest", "--dry-run")
    assert "premailer" in modules and "cssutils" in modules
    web = ("requests", "urllib3", "charset_normalizer", "chardet", "certifi")
    assert [m for m in modules if m.split(".")[0] in web] == []
    # Were premailer ever to fetch (allow_network=True), what it holds is requests itself.
    check = (
        "import sys; from feedkit.mail.rendercache import inline; "
        "print(inline('<html><head><style>p{color:red}</style></head><body><p>Hi</p>'));"
        "assert 'urllib3' not in sys.modules; import premailer.premailer as p, requests; "
        "assert p.requests.get is requests.get and p.requests.__name__ == 'requests'"
    )
    proc = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert '<p style="color:red">Hi</p>' in proc.stdout


def test_dry_runs_after_the_first_write_their_dates_without_babel(tmp_path: Path) -> None:
    # Dates, counts and lists of names change once a day at most: the first run's are kept.
    site_after_first_digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    modules = imported(tmp_path, "digest", "--dry-run")
    # babel.localtime asks pytz for the machine's zone when imported (pytz lists every zone
    # first): the digest's dates are days, written with no zone, so pytz is not needed.
    assert "babel.dates" in modules
    assert [m for m in modules if m.startswith("pytz.")] == []  # "pytz": the attempt
    later = NOW + timedelta(minutes=7)
    modules = imported(tmp_path, "digest", "--dry-run", now=later)
    assert "feedkit.mail.digest" in modules
    assert [m for m in modules if m.split(".")[0] == "babel"] == []
    # The next days' dates and the next counts were kept with them: the writer's first dry
    # run after adding a post tomorrow needs no Babel either.
    tomorrow = NOW + timedelta(days=1, hours=3)
    write_post(tmp_path, "new-b", "New post B", tomorrow - timedelta(hours=1))
    modules = imported(tmp_path, "digest", "--dry-run", now=tomorrow)
    assert "premailer" in modules  # a new post to show: inlined again
    assert [m for m in modules if m.split(".")[0] == "babel"] == []


def test_kept_dates_are_the_site_language_s_and_the_same_as_babel_s(tmp_path: Path) -> None:
    cfg = site_after_first_digest(tmp_path)
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    (tmp_path / "content" / "new-b.md").write_text(
        '---\ntitle: "New post B"\ndate: 2026-11-21T09:00:00+01:00\n'
        "updated: 2026-11-22T08:00:00+01:00\nauthors: [Ada Quill, Bo Byte, Cy Cache]\n"
        "---\nA post by three.\n",
        encoding="utf-8",
    )
    cache = RenderCache.of_site(cfg.cache_path)

    def both(cfg: Config) -> tuple[str, str]:
        posts = public(cfg)
        record = make_record(posts[:2], cfg, NOW, among=posts)
        kept = DigestRenderer(cfg, SECRET_ENV, render_cache=cache).render(record)
        plain = DigestRenderer(cfg, SECRET_ENV).render(record)
        assert kept == plain
        return kept.html, kept.text

    html, text = both(cfg)
    assert "November 22, 2026" in html and "Nov 21, 2026" in text
    assert "Ada Quill, Bo Byte, and Cy Cache" in text
    assert both(cfg) == (html, text)  # now from what the first render kept
    toml = tmp_path / "feedkit.toml"
    toml.write_text('language = "de"\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    german = load_config(toml)
    html, text = both(german)  # another language: its own words, not the kept English
    assert "22. November 2026" in html and "21.11.2026" in text
    assert "Ada Quill, Bo Byte und Cy Cache" in text
    kept = list((cfg.cache_path / "cache").glob("phrases*"))
    assert kept
    for path in kept:  # damaged: written again from Babel
        path.write_bytes(path.read_bytes().replace(b"22. November", b"1. Mai"))
    assert both(german) == (html, text)


def test_a_new_digest_inlines_without_reading_the_stylesheet_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What premailer makes of the stylesheet (the rules to inline, the @media rules kept in
    # the head) depends on the CSS alone: a digest of new posts inlines them with it.
    import premailer

    cfg = site_after_first_digest(tmp_path)
    cache = RenderCache.of_site(cfg.cache_path)

    def render(title: str) -> tuple[str, str]:
        write_post(tmp_path, title.lower().replace(" ", "-"), title, NOW - timedelta(hours=1))
        posts = public(cfg)
        record = make_record(posts[:1], cfg, NOW, among=posts)
        plain = DigestRenderer(cfg, SECRET_ENV).render(record).html
        return DigestRenderer(cfg, SECRET_ENV, render_cache=cache).render(record).html, plain

    kept, plain = render("New post A")
    assert kept == plain and "New post A" in kept
    read: list[int] = []
    real = premailer.Premailer._parse_style_rules

    def reading(self: premailer.Premailer, css: str, index: int) -> object:
        read.append(index)
        return real(self, css, index)

    monkeypatch.setattr(premailer.Premailer, "_parse_style_rules", reading)
    kept, plain = render("New post B")
    assert kept == plain and "New post B" in kept and "@media" in kept
    assert len(read) == 1  # the render without the cache only
    for path in cache.folder.glob("*.json"):  # damaged: read again, and kept again
        path.write_bytes(path.read_bytes().replace(b"font-size", b"font-style"))
    kept, plain = render("New post C")
    assert kept == plain and "New post C" in kept
    assert len(read) == 3


def test_a_render_on_a_site_without_a_feedkit_folder_keeps_no_dates_nor_makes_them_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = make_digest_site(tmp_path, [("ada@example.org", "Ada")])
    assert not cfg.cache_path.exists()
    written: list[object] = []
    real = Language.date

    def date(self: Language, day: object, *, long: bool = False) -> str:
        written.append(day)
        return real(self, day, long=long)  # type: ignore[arg-type]

    monkeypatch.setattr(Language, "date", date)
    posts = public(cfg)
    record = make_record(posts[:1], cfg, NOW, among=posts)
    cache = RenderCache.of_site(cfg.cache_path)
    assert DigestRenderer(cfg, SECRET_ENV, render_cache=cache).render(record).html
    assert len(written) == 2  # the digest's day and the post's: none for days to come
    assert not cfg.cache_path.exists()


def test_the_preview_remembers_the_newest_results_and_writes_only_to_a_site_folder(
    tmp_path: Path,
) -> None:
    homeless = RememberingCache.of_site(tmp_path / "nowhere" / ".feedkit")
    for n in range(rendercache.KEEP + 2):
        homeless.put(f"key{n}", f"html {n}")
    assert homeless.get("key0") is None and homeless.get("key1") is None  # the oldest went
    assert homeless.get(f"key{rendercache.KEEP + 1}") == f"html {rendercache.KEEP + 1}"
    assert not (tmp_path / "nowhere").exists()
    home = tmp_path / ".feedkit"
    home.mkdir()
    kept = RememberingCache.of_site(home)
    kept.put("key", "html", kind="css")
    assert kept.get("key", "css") == "html"
    assert RememberingCache.of_site(home).get("key", "css") == "html"  # a later process's
