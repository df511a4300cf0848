"""`feedkit init` and `feedkit templates copy`, run as the `feedkit` command: from an empty
folder to feeds and a test digest with no file written by hand; nothing a person wrote is
ever overwritten."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import feedparser
import pytest

from feedkit.config import load_config

NOW = "2026-11-30T09:00:00+00:00"
HOSTILE = 'Ada’s "Notes" \\ {{ x }} 🚀'


def feedkit(
    cwd: Path, *args: str, stdin: str | None = None, now: str = NOW
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feedkit", *args],
        cwd=cwd,
        env={**os.environ, "FEEDKIT_NOW": now},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def init(cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return feedkit(
        cwd,
        "init",
        "blog",
        "--title",
        HOSTILE,
        "--url",
        "https://notes.example.org/",
        "--author",
        "Ada Quill",
        "--email",
        "ada@example.org",
        "--timezone",
        "Europe/Berlin",
        *extra,
    )


def test_init_new_build_and_a_test_digest_from_an_empty_folder(tmp_path: Path) -> None:
    started = init(tmp_path)
    assert started.returncode == 0, started.stderr
    site = tmp_path / "blog"
    assert "blog/feedkit.toml" in started.stdout
    assert "blog/content/posts/hello-world.md" in started.stdout
    cfg = load_config(site / "feedkit.toml")  # the values as given, however they are quoted
    assert (cfg.title, cfg.base_url, cfg.author.name) == (
        HOSTILE,
        "https://notes.example.org/",
        "Ada Quill",
    )
    assert (
        str(cfg.timezone) == "Europe/Berlin" and cfg.digest.sender == "Ada Quill <ada@example.org>"
    )
    umask = os.umask(0)
    os.umask(umask)
    assert (site / "feedkit.toml").stat().st_mode & 0o777 == 0o666 & ~umask

    later = "2026-11-30T10:30:00+00:00"
    written = feedkit(site, "new", "Rounding: “nearest” even", "--tag", "numerics", now=later)
    assert written.returncode == 0, written.stderr
    assert written.stdout == "Wrote content/posts/rounding-nearest-even.md\n"
    draft = feedkit(site, "new", "Not yet", "--draft")
    assert draft.stdout == "Wrote content/posts/not-yet.md (a draft)\n"

    built = feedkit(site, "build", now=later)
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((site / "public" / "atom.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.title == HOSTILE
    assert [e.title for e in feed.entries] == ["Rounding: “nearest” even", "Hello, world"]
    # Dated when written, in the site's zone: 10:30 UTC is 11:30 in Berlin.
    assert [e.published for e in feed.entries] == [
        "2026-11-30T11:30:00+01:00",
        "2026-11-30T10:00:00+01:00",
    ]
    assert [t.term for t in feed.entries[0].tags] == ["numerics"]

    sent = feedkit(site, "digest", "--to", "reader@example.org", now=later)
    assert sent.returncode == 0, sent.stderr
    (copy,) = (site / "outbox").rglob("*.eml")
    raw = copy.read_bytes()
    assert b"\r\nTo: reader@example.org\r\n" in raw
    assert b"\r\nRounding: =E2=80=9Cnearest=E2=80=9D even\r\n" in raw  # its text part


def test_init_never_writes_over_a_site(tmp_path: Path) -> None:
    assert init(tmp_path).returncode == 0
    config = tmp_path / "blog" / "feedkit.toml"
    config.write_text('title = "Mine"\nbase_url = "https://mine.example/"\n', encoding="utf-8")
    again = init(tmp_path)
    assert again.returncode == 1
    assert again.stderr == "error: blog/feedkit.toml: a site is here already; nothing was written\n"
    assert config.read_text(encoding="utf-8").startswith('title = "Mine"')
    # Said before anything is asked: with no --title, it asked for one (or, with no
    # terminal, said "missing --title") and only then found the site.
    bare = feedkit(tmp_path, "init", "blog")
    assert (bare.returncode, bare.stderr) == (1, again.stderr)


def test_init_names_the_option_of_a_wrong_value_and_writes_nothing(tmp_path: Path) -> None:
    for option, value, said in (
        ("--url", "ftp://files.example/", "--url: must be an absolute http(s) URL"),
        ("--timezone", "Mars/Olympus", "--timezone: unknown time zone 'Mars/Olympus'"),
        ("--email", "nobody", "--email: is not an email address: 'nobody'"),
    ):
        failed = init(tmp_path, option, value)
        assert failed.returncode == 2
        assert said in failed.stderr
        assert not (tmp_path / "blog").exists()


def test_init_without_a_terminal_asks_nothing_and_says_what_is_missing(tmp_path: Path) -> None:
    missing = feedkit(tmp_path, "init", "blog", "--title", "Notes", stdin="")
    assert missing.returncode == 2
    assert "missing --url (or run feedkit init in a terminal to be asked)" in missing.stderr
    assert not (tmp_path / "blog").exists()


def test_templates_copy_keeps_what_the_site_changed_unless_forced(tmp_path: Path) -> None:
    assert init(tmp_path).returncode == 0
    site = tmp_path / "blog"
    package = resources.files("feedkit.email_templates")
    names = sorted(p.name for p in package.iterdir() if p.name.endswith((".j2", ".css")))
    assert "digest.html.j2" in names

    copied = feedkit(site, "templates", "copy")
    assert copied.returncode == 0, copied.stderr
    folder = site / "email_templates"
    assert sorted(p.name for p in folder.iterdir()) == names
    for name in names:
        assert (folder / name).read_bytes() == (package / name).read_bytes()
        assert f"  written  email_templates/{name}" in copied.stdout

    mine = folder / "digest.css"
    mine.write_text("/* mine */\n", encoding="utf-8")
    kept = feedkit(site, "templates", "copy")
    assert "     kept  email_templates/digest.css (the site's own differs; --force" in kept.stdout
    assert "unchanged  email_templates/digest.html.j2" in kept.stdout
    assert mine.read_text(encoding="utf-8") == "/* mine */\n"

    forced = feedkit(site, "templates", "copy", "--force")
    assert " replaced  email_templates/digest.css" in forced.stdout
    assert mine.read_bytes() == (package / "digest.css").read_bytes()


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


JEKYLL_SITE = {
    "_config.yml": "title: Field Notes\nurl: https://notes.example.org\nbaseurl: /blog\n"
    "author:\n  name: Mira Quell\n  email: mira@example.org\ntimezone: America/New_York\n"
    "permalink: /:year/:title/\n",
    "_posts/2024-05-01-first-light.md": "---\ntitle: First light\ndate: 2024-05-01 21:00\n---\n"
    "The first post.\n",
    "_posts/2024-06-02-second-wind.md": "---\ntitle: Second wind\n---\nThe second.\n",
    "about.md": "---\ntitle: About\n---\nA page.\n",
}


def test_init_in_a_jekyll_site_reads_its_posts_where_they_are_and_writes_none(
    tmp_path: Path,
) -> None:
    _write(tmp_path, JEKYLL_SITE)
    before = _tree(tmp_path)
    started = feedkit(tmp_path, "init", stdin="")  # no terminal: nothing is asked
    assert started.returncode == 0, started.stderr
    assert "Found a Jekyll site (_config.yml)" in started.stdout
    after = _tree(tmp_path)
    assert after.pop("feedkit.toml") and after == before  # no first post, nothing else touched
    text = (tmp_path / "feedkit.toml").read_text(encoding="utf-8")
    assert 'ids = "jekyll"' in text and 'atom = "feed.xml"' in text
    assert '\ncontent_dir = "."' in text
    assert "\npermalink" not in text and "\ntimezone" not in text  # _config.yml's are read

    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((tmp_path / "public" / "feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.title == "Field Notes"
    assert [e.title for e in feed.entries] == ["Second wind", "First light"]
    assert [e.link for e in feed.entries] == [
        "https://notes.example.org/blog/2024/second-wind/",
        "https://notes.example.org/blog/2024/first-light/",
    ]
    # jekyll-feed's IDs; 21:00 in _config.yml's zone, as Jekyll reads it.
    assert feed.entries[1].id == "https://notes.example.org/blog/2024/first-light"
    assert feed.entries[1].published == "2024-05-01T21:00:00-04:00"
    assert feed.entries[0].author_detail == {"name": "Mira Quell", "email": "mira@example.org"}


def test_init_in_a_jekyll_site_reads_the_config_file_jekyll_reads(tmp_path: Path) -> None:
    # Jekyll reads _config.toml when there is no _config.yml or _config.yaml: init read
    # only _config.yml, and the feed had no title and the posts Jekyll's default URLs.
    files = {name: text for name, text in JEKYLL_SITE.items() if name != "_config.yml"}
    _write(tmp_path, {**files, "_config.toml": JEKYLL_TOML, "_config.yml.bak": "title: Old\n"})
    started = feedkit(tmp_path, "init", stdin="")
    assert started.returncode == 0, started.stderr
    assert "Found a Jekyll site (_config.toml)" in started.stdout
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((tmp_path / "public" / "feed.xml").read_bytes())
    assert feed.feed.title == "Field Notes"
    assert [e.link for e in feed.entries] == [
        "https://notes.example.org/blog/2024/second-wind/",
        "https://notes.example.org/blog/2024/first-light/",
    ]
    assert feed.entries[1].published == "2024-05-01T21:00:00-04:00"


JEKYLL_TOML = """\
title = "Field Notes"
url = "https://notes.example.org"
baseurl = "/blog"
timezone = "America/New_York"
permalink = "/:year/:title/"

[author]
name = "Mira Quell"
email = "mira@example.org"
"""


# The feeds Pelican writes by default besides the feed of all articles, as `init` says it.
PELICAN_OTHER_FEEDS = (
    "Pelican writes an Atom feed per category (CATEGORY_FEED_ATOM: feeds/{slug}.atom.xml), an "
    "Atom feed per author (AUTHOR_FEED_ATOM: feeds/{slug}.atom.xml), an RSS feed per author "
    "(AUTHOR_FEED_RSS: feeds/{slug}.rss.xml), an Atom feed per language (TRANSLATION_FEED_ATOM: "
    "feeds/all-{lang}.atom.xml), which feedkit does not: readers subscribed to one get nothing "
    "new from feedkit (tag_feeds = true writes a feed per tag in tags/<tag>/ instead)"
)
NO_OTHER_FEEDS = (
    "CATEGORY_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n"
    "TRANSLATION_FEED_ATOM = None\n"
)
HELD_BACK = (
    "; feedkit's feeds and digests carry a post from its date until it expires, and no draft "
    "(a mail sent cannot be taken back)"
)


def test_init_says_which_of_the_generators_settings_publish_what_feedkit_holds_back(
    tmp_path: Path,
) -> None:
    # Jekyll's future: true and Hugo's buildFuture publish posts dated in the future at once;
    # a moving writer learned that feedkit's feeds wait for the date only when one did.
    jekyll = tmp_path / "jekyll"
    config = JEKYLL_SITE["_config.yml"] + "future: true\nshow_drafts: false\nunpublished: true\n"
    _write(jekyll, {**JEKYLL_SITE, "_config.yml": config})
    started = feedkit(jekyll, "init", stdin="")
    assert started.returncode == 0, started.stderr
    assert started.stderr.splitlines() == [
        f"note: _config.yml: future: true publishes posts dated in the future{HELD_BACK}",
        "note: _config.yml: unpublished: true publishes posts marked 'published: false'"
        + HELD_BACK,
    ]
    hugo = tmp_path / "hugo"
    _write(
        hugo,
        {
            "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\nbuildFuture = true\n'
            'buildExpired = false\ndisableKinds = ["RSS"]\n',  # (the site's feed aside)
            "content/posts/a.md": "---\ntitle: A\ndate: 2024-05-01\n---\nText.\n",
        },
    )
    started = feedkit(hugo, "init", stdin="")
    assert started.returncode == 0, started.stderr
    assert started.stderr.splitlines() == [
        f"note: hugo.toml: buildFuture publishes pages dated in the future{HELD_BACK}"
    ]
    plain = tmp_path / "plain"
    _write(plain, JEKYLL_SITE)
    assert feedkit(plain, "init", stdin="").stderr == ""


@pytest.mark.parametrize("address", ["mira at example dot org", "mira@localhost"])
def test_init_leaves_out_an_old_sites_address_no_feed_can_carry(
    tmp_path: Path, address: str
) -> None:
    # `feedkit init` stopped with "--email: is not an email address", an option the writer
    # never gave, and wrote nothing: the address came from _config.yml.
    config = JEKYLL_SITE["_config.yml"].replace("mira@example.org", address)
    _write(tmp_path, {**JEKYLL_SITE, "_config.yml": config})
    started = feedkit(tmp_path, "init", stdin="")
    assert started.returncode == 0, started.stderr
    assert started.stderr == (
        f"note: _config.yml: {address!r} is not an email address; feedkit.toml leaves out "
        "author.email or asks for it\n"
    )
    cfg = load_config(tmp_path / "feedkit.toml")
    assert (cfg.author.name, cfg.author.email) == ("Mira Quell", None)
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert address not in (tmp_path / "public" / "feed.xml").read_text(encoding="utf-8")


def test_init_in_a_hugo_site_takes_its_settings_and_keeps_its_feed_address(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        {
            "hugo.toml": 'baseURL = "https://hugo.example.org/"\ntitle = "Hugo Notes"\n'
            'languageCode = "de"\n[params]\nauthor = "Hanne Berg <hanne@example.org>"\n'
            'description = "Notizen"\n',
            "content/posts/erster.md": '+++\ntitle = "Erster"\ndate = 2024-05-01\n+++\nText.\n',
            "content/about.md": '+++\ntitle = "Über"\n+++\nSeite.\n',
        },
    )
    before = _tree(tmp_path)
    started = feedkit(tmp_path, "init", stdin="")
    assert started.returncode == 0, started.stderr
    after = _tree(tmp_path)
    assert after.pop("feedkit.toml") and after == before
    cfg = load_config(tmp_path / "feedkit.toml")
    assert cfg.author.email == "hanne@example.org"  # `Name <address>`, as a post's author
    assert (cfg.title, cfg.base_url, cfg.author.name, cfg.language, cfg.description) == (
        "Hugo Notes",
        "https://hugo.example.org/",
        "Hanne Berg",
        "de",
        "Notizen",
    )
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((tmp_path / "public" / "index.xml").read_bytes())
    assert [(e.title, e.link, e.id) for e in feed.entries] == [
        (
            "Erster",
            "https://hugo.example.org/posts/erster/",
            "https://hugo.example.org/posts/erster/",
        )
    ]


def test_init_in_a_multilingual_hugo_site_takes_its_default_languages_settings(
    tmp_path: Path,
) -> None:
    # Each language has its title, params and content folder, which take the place of the
    # top level's for its pages: the feed is the default language's, at Hugo's addresses.
    _write(
        tmp_path,
        {
            "hugo.toml": 'baseURL = "https://hugo.example.org/"\ntitle = "Top"\n'
            'defaultContentLanguage = "de"\n[params]\nauthor = "Hanne Berg"\n'
            'description = "Top level"\n'
            '[languages.en]\ntitle = "Notes"\ncontentDir = "content/english"\n'
            '[languages.de]\ntitle = "Notizen"\ncontentDir = "content/deutsch"\n'
            'languageCode = "de-AT"\n[languages.de.params]\ndescription = "Kurz notiert"\n',
            "content/english/posts/first.md": '+++\ntitle = "First"\ndate = 2024-05-01\n+++\nA.\n',
            "content/deutsch/posts/erster.md": '+++\ntitle = "Erster"\ndate = 2024-05-02\n+++\n',
        },
    )
    started = feedkit(tmp_path, "init", stdin="")
    assert started.returncode == 0, started.stderr
    cfg = load_config(tmp_path / "feedkit.toml")
    assert (cfg.title, cfg.language, cfg.description, cfg.author.name) == (
        "Notizen",
        "de-AT",
        "Kurz notiert",
        "Hanne Berg",
    )
    assert cfg.content_path == tmp_path / "content" / "deutsch"
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((tmp_path / "public" / "index.xml").read_bytes())
    assert [(e.title, e.link) for e in feed.entries] == [
        ("Erster", "https://hugo.example.org/posts/erster/")
    ]


def test_init_in_a_multilingual_hugo_site_ignores_the_top_levels_language_code(
    tmp_path: Path,
) -> None:
    # `hugo new site` writes languageCode = 'en-us' at the top; once languages are defined,
    # Hugo ignores it, and a language without a languageCode of its own is its key. Taken
    # as the site's language, the German site's feed carried the English translation.
    _write(
        tmp_path,
        {
            "hugo.toml": 'baseURL = "https://hugo.example.org/"\nlanguageCode = "en-us"\n'
            'title = "Top"\ndefaultContentLanguage = "de"\n'
            '[languages.de]\ntitle = "Notizen"\nweight = 1\n'
            '[languages.en]\ntitle = "Notes"\nlanguageCode = "en-US"\nweight = 2\n',
            "content/posts/erster.md": '+++\ntitle = "Erster"\ndate = 2024-05-02\n+++\nDe.\n',
            "content/posts/erster.en.md": '+++\ntitle = "First"\ndate = 2024-05-02\n+++\nEn.\n',
        },
    )
    started = feedkit(tmp_path, "init", stdin="")
    assert started.returncode == 0, started.stderr
    assert load_config(tmp_path / "feedkit.toml").language == "de"
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((tmp_path / "public" / "index.xml").read_bytes())
    assert feed.feed.language == "de"
    assert [(e.title, e.link) for e in feed.entries] == [
        ("Erster", "https://hugo.example.org/posts/erster/")
    ]


@pytest.mark.parametrize(
    ("config", "language"),
    [
        ('locale = "de-DE"\n', "de-DE"),
        ('languageCode = "fr-FR"\nlocale = "de-DE"\n', "de-DE"),  # locale wins, as in Hugo
        (
            'defaultContentLanguage = "de"\n[languages.de]\nlanguageCode = "de-CH"\n'
            'locale = "de-AT"\nweight = 1\n[languages.en]\nlocale = "en-GB"\nweight = 2\n',
            "de-AT",
        ),
    ],
)
def test_init_in_a_hugo_site_reads_its_locale(tmp_path: Path, config: str, language: str) -> None:
    # Hugo 0.158 renamed languageCode to locale: feedkit read only the old name, and a
    # German site's feeds and digests were English.
    files = {
        "hugo.toml": 'baseURL = "https://hugo.example.org/"\ntitle = "Notizen"\n' + config,
        "content/posts/erster.md": '+++\ntitle = "Erster"\ndate = 2024-05-02\n+++\nDe.\n',
    }
    if "[languages" in config:  # and its English translation
        files["content/posts/erster.en.md"] = '+++\ntitle = "First"\ndate = 2024-05-02\n+++\n'
    _write(tmp_path, files)
    started = feedkit(tmp_path, "init", stdin="")
    assert started.returncode == 0, started.stderr
    assert load_config(tmp_path / "feedkit.toml").language == language
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((tmp_path / "public" / "index.xml").read_bytes())
    assert feed.feed.language == language
    assert [e.title for e in feed.entries] == ["Erster"]


def test_init_in_a_hugo_site_publishing_its_default_language_in_a_subdir_links_there(
    tmp_path: Path,
) -> None:
    # defaultContentLanguageInSubdir: Hugo publishes the default language's pages and feed
    # under /de/ too (/posts/erster/ is no page), unless the language has a host of its own.
    _write(
        tmp_path,
        {
            "hugo.toml": 'baseURL = "https://hugo.example.org/"\ntitle = "Top"\n'
            'defaultContentLanguage = "de"\ndefaultContentLanguageInSubdir = true\n'
            '[languages.de]\ntitle = "Notizen"\nlanguageCode = "de"\n'
            '[languages.en]\ntitle = "Notes"\nlanguageCode = "en"\n',
            "content/posts/erster.md": '+++\ntitle = "Erster"\ndate = 2024-05-02\n+++\nDe.\n',
            # Its own `url` and a root-relative link: on the host, not under /de/ (Hugo 0.168).
            "content/posts/eigen.md": '+++\ntitle = "Eigen"\ndate = 2024-05-03\nurl = "/eigen/"'
            "\n+++\nDe [x](/a.png).\n",
        },
    )
    started = feedkit(tmp_path, "init", stdin="")
    assert started.returncode == 0, started.stderr
    assert load_config(tmp_path / "feedkit.toml").base_url == "https://hugo.example.org/de/"
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    # Where Hugo writes it, at the address its self link gives (it was written at
    # public/index.xml, saying it was /de/index.xml, beside Hugo's own).
    feed = feedparser.parse((tmp_path / "public" / "de" / "index.xml").read_bytes())
    assert "https://hugo.example.org/de/index.xml" in {link.href for link in feed.feed.links}
    assert not (tmp_path / "public" / "index.xml").exists()
    assert [(e.title, e.link) for e in feed.entries] == [
        ("Eigen", "https://hugo.example.org/eigen/"),
        ("Erster", "https://hugo.example.org/de/posts/erster/"),
    ]
    assert 'href="https://hugo.example.org/a.png"' in feed.entries[0].content[0].value
    # Each language at its own host: no subdir.
    hosts = (
        'defaultContentLanguage = "de"\ndefaultContentLanguageInSubdir = true\n'
        '[languages.de]\nbaseURL = "https://hugo.example.de/"\ntitle = "Notizen"\n'
        '[languages.en]\nbaseURL = "https://hugo.example.org/"\ntitle = "Notes"\n'
    )
    (tmp_path / "hugo.toml").write_text(hosts, encoding="utf-8")
    (tmp_path / "feedkit.toml").unlink()
    assert feedkit(tmp_path, "init", stdin="").returncode == 0
    cfg = load_config(tmp_path / "feedkit.toml")
    # Hugo publishes each language of such a site in its folder: public/de/index.xml.
    assert (cfg.base_url, str(cfg.output_dir)) == ("https://hugo.example.de/", "public/de")
    # publishDir moves them all (GitHub Pages' docs/).
    (tmp_path / "hugo.toml").write_text('publishDir = "docs"\n' + hosts, encoding="utf-8")
    (tmp_path / "feedkit.toml").unlink()
    assert feedkit(tmp_path, "init", stdin="").returncode == 0
    assert str(load_config(tmp_path / "feedkit.toml").output_dir) == "docs/de"


def test_init_in_a_pelican_site_follows_its_article_urls_or_says_it_cannot(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        {
            "pelicanconf.py": "AUTHOR = 'Pia Lind'\nSITENAME = 'Pelican Notes'\nSITEURL = ''\n"
            "PATH = 'content'\nARTICLE_URL = 'posts/{date:%Y}/{date:%m}/{slug}/'\n",
            "publishconf.py": "from pelicanconf import *\nSITEURL = 'https://pia.example.org'\n",
            "content/first-post.md": "Title: A First Post\nDate: 2024-05-01 10:00\n\nText.\n",
        },
    )
    started = feedkit(tmp_path, "init", stdin="")
    assert started.returncode == 0, started.stderr
    # Pelican publishes an article dated in the future at once (WITH_FUTURE_DATES), and
    # writes feeds feedkit does not (a category's, an author's: its defaults).
    assert started.stderr == (
        "note: pelicanconf.py: WITH_FUTURE_DATES (unless set to False) publishes articles "
        f"dated in the future{HELD_BACK}\n"
        f"note: pelicanconf.py: {PELICAN_OTHER_FEEDS}\n"
    )
    cfg = load_config(tmp_path / "feedkit.toml")
    assert (cfg.title, cfg.base_url, cfg.author.name, cfg.permalink) == (
        "Pelican Notes",
        "https://pia.example.org/",
        "Pia Lind",
        "/posts/{year}/{month}/{slug}/",
    )
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((tmp_path / "public" / "feeds" / "all.atom.xml").read_bytes())
    assert [e.link for e in feed.entries] == ["https://pia.example.org/posts/2024/05/a-first-post/"]

    other = tmp_path / "other"
    _write(
        other,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "ARTICLE_URL = '{author}/{slug}.html'\nWITH_FUTURE_DATES = False\n" + NO_OTHER_FEEDS,
            "content/a.md": "Title: A\nDate: 2024-05-01\n\nText.\n",
        },
    )
    told = feedkit(other, "init", stdin="")
    assert told.returncode == 0, told.stderr
    assert told.stderr == (
        "warning: pelicanconf.py: its ARTICLE_URL '{author}/{slug}.html' has {author}, which "
        "feedkit cannot fill; set permalink in feedkit.toml to where posts are, or every "
        "entry's link and ID changes\n"
    )  # and no WITH_FUTURE_DATES note: as feedkit, such articles wait
    written = (other / "feedkit.toml").read_text(encoding="utf-8")
    # No PATH in pelicanconf.py, whose default is its folder; but the posts are in content/,
    # named on the command line (`pelican content`), as real sites keep them.
    assert 'content_dir = "content"' in written
    # Not "followed": the build cannot follow it; the comment said it did.
    assert "# set it: feedkit cannot follow the URLs Pelican gives posts" in written


def test_init_takes_a_locales_language_as_its_language_tag(tmp_path: Path) -> None:
    # htsong/PelicanBlog's DEFAULT_LANG = 'zh_CN': init refused it, and a Chinese blog's
    # feeds and digests said they were English. A locale's underscore is the tag's hyphen.
    _write(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "DEFAULT_LANG = 'zh_CN'\nWITH_FUTURE_DATES = False\n" + NO_OTHER_FEEDS,
            "content/a.md": "Title: A\nDate: 2024-05-01\n\n文字。\n",
        },
    )
    started = feedkit(tmp_path, "init", stdin="")
    assert (started.returncode, started.stderr) == (0, "")
    assert 'language = "zh-CN"' in (tmp_path / "feedkit.toml").read_text(encoding="utf-8")
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">'
        in (tmp_path / "public" / "feeds" / "all.atom.xml").read_bytes()
    )
    # Written so in feedkit.toml, it reads the same.
    toml = (tmp_path / "feedkit.toml").read_text(encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(toml.replace('"zh-CN"', '"en_US"'), encoding="utf-8")
    assert load_config(tmp_path / "feedkit.toml").language == "en-US"


def test_init_in_a_pelican_site_reads_settings_made_of_other_settings(tmp_path: Path) -> None:
    # ARTICLE_URL = BLOG_DIR + '/{slug}.html' was read as unset: every link and ID changed,
    # and nothing said so. publishconf.py is read over pelicanconf.py, as Pelican runs it.
    _write(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = ''\nBLOG = 'blog'\n"
            "ARTICLE_URL = BLOG + f'/{BLOG}-' + '{category}/{slug}.html'\n"
            "FEED_ALL_ATOM = None\n",
            "publishconf.py": "from pelicanconf import *\nSITEURL = 'https://p.example.org'\n"
            "WITH_FUTURE_DATES = False\nFEED_ALL_ATOM = None\nFEED_ALL_RSS = FEEDS + 'all.rss'\n"
            "FEEDS = 'feeds/'\n" + NO_OTHER_FEEDS,
            "content/Tech Talk/a.md": "Title: A\nDate: 2024-05-01\n\nText.\n",
        },
    )
    started = feedkit(tmp_path, "init", stdin="")
    assert (started.returncode, started.stderr) == (0, "")
    cfg = load_config(tmp_path / "feedkit.toml")
    assert (cfg.base_url, cfg.permalink, cfg.feed.rss) == (
        "https://p.example.org/",
        "/blog/blog-{category}/{slug}.html",
        "feeds/all.rss",
    )
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    feed = feedparser.parse((tmp_path / "public" / "feeds" / "all.rss").read_bytes())
    # Its folder is its category, slugified as Pelican does for its URL.
    assert [e.link for e in feed.entries] == ["https://p.example.org/blog/blog-tech-talk/a.html"]

    unread = tmp_path / "unread"
    _write(
        unread,
        {
            "pelicanconf.py": "import os\nSITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "ARTICLE_URL = os.environ['URLS']\nWITH_FUTURE_DATES = False\n" + NO_OTHER_FEEDS,
            "content/a.md": "Title: A\nDate: 2024-05-01\n\nText.\n",
        },
    )
    told = feedkit(unread, "init", stdin="")
    assert told.stderr == (
        "warning: pelicanconf.py: its ARTICLE_URL is made in a way feedkit cannot read; set "
        "permalink in feedkit.toml to where posts are, or every entry's link and ID changes\n"
    )


def test_init_keeps_the_feed_address_the_sites_configuration_moved(tmp_path: Path) -> None:
    # Hugo's [outputFormats.RSS] baseName and path, jekyll-feed's feed: path: readers
    # subscribed there got nothing new, as feedkit wrote the generator's default address.
    hugo = tmp_path / "hugo"
    _write(
        hugo,
        {
            "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\n'
            '[outputFormats.rss]\nbaseName = "feed"\npath = "/feeds/"\n',
            "content/posts/a.md": "---\ntitle: A\ndate: 2024-05-01\n---\nText.\n",
        },
    )
    assert feedkit(hugo, "init", stdin="").returncode == 0
    assert 'rss = "feeds/feed.xml"   # the address readers subscribed to under Hugo' in (
        hugo / "feedkit.toml"
    ).read_text(encoding="utf-8")
    assert feedkit(hugo, "build").returncode == 0
    assert feedparser.parse((hugo / "public/feeds/feed.xml").read_bytes()).entries[0].title == "A"
    jekyll = tmp_path / "jekyll"
    config = JEKYLL_SITE["_config.yml"] + "feed:\n  path: /atom.xml\n"
    _write(jekyll, {**JEKYLL_SITE, "_config.yml": config})
    assert feedkit(jekyll, "init", stdin="").returncode == 0
    assert load_config(jekyll / "feedkit.toml").feed.atom == "atom.xml"
    # One feedkit.toml cannot take (a folder above the output's) keeps the default.
    _write(jekyll, {"_config.yml": JEKYLL_SITE["_config.yml"] + "feed:\n  path: ../x.xml\n"})
    (jekyll / "feedkit.toml").unlink()
    assert feedkit(jekyll, "init", stdin="").returncode == 0
    assert load_config(jekyll / "feedkit.toml").feed.atom == "feed.xml"


def test_init_names_feedkits_other_feed_apart_from_the_old_feeds_address(tmp_path: Path) -> None:
    # A real Hugo site writes its RSS at /atom.xml ([outputFormats.RSS] baseName = "atom"):
    # init kept that address for the RSS and feedkit's Atom at its default, atom.xml, and
    # refused its own feedkit.toml (exit 2: two feeds with one file name).
    hugo = tmp_path / "hugo"
    _write(
        hugo,
        {
            "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\n'
            '[outputFormats.RSS]\nbaseName = "atom"\n',
            "content/posts/a.md": "---\ntitle: A\ndate: 2024-05-01\n---\nText.\n",
        },
    )
    told = feedkit(hugo, "init", stdin="")
    assert told.returncode == 0, told.stderr
    text = (hugo / "feedkit.toml").read_text(encoding="utf-8")
    assert 'rss = "atom.xml"   # the address readers subscribed to under Hugo' in text
    assert "atom = \"feed.atom.xml\"   # feedkit's Atom feed: its own name is Hugo's feed's" in text
    assert feedkit(hugo, "build").returncode == 0
    assert feedparser.parse((hugo / "public/atom.xml").read_bytes()).version.startswith("rss")
    assert feedparser.parse((hugo / "public/feed.atom.xml").read_bytes()).version == "atom10"
    jekyll = tmp_path / "jekyll"  # jekyll-feed's Atom at /rss.xml
    _write(
        jekyll,
        {**JEKYLL_SITE, "_config.yml": JEKYLL_SITE["_config.yml"] + "feed:\n  path: rss.xml\n"},
    )
    assert feedkit(jekyll, "init", stdin="").returncode == 0
    feed = load_config(jekyll / "feedkit.toml").feed
    assert (feed.atom, feed.rss) == ("rss.xml", "feed.rss.xml")


def test_init_in_another_generators_site_takes_the_options_given_over_its_own(
    tmp_path: Path,
) -> None:
    _write(tmp_path, {**JEKYLL_SITE, "_config.yml": "title: Old\nurl: /\n"})
    refused = feedkit(tmp_path, "init", stdin="")
    assert refused.returncode == 2
    assert "note: _config.yml: '/' must be an absolute http(s) URL" in refused.stderr
    assert "missing --url" in refused.stderr
    assert not (tmp_path / "feedkit.toml").exists()

    given = feedkit(
        tmp_path, "init", "--title", "New", "--url", "https://new.example/", "--timezone", "UTC"
    )
    assert given.returncode == 0, given.stderr
    cfg = load_config(tmp_path / "feedkit.toml")
    assert (cfg.title, cfg.base_url, str(cfg.timezone)) == ("New", "https://new.example/", "UTC")


@pytest.mark.parametrize(
    ("files", "said"),
    [
        (
            {**JEKYLL_SITE, "_config.yml": 'title: "Field Notes\nurl: https://x.org\n'},
            "_config.yml:3: cannot be read (found unexpected end of stream)",
        ),
        (
            {"hugo.toml": 'baseURL = "https://h.org/\ntitle = "H"\n', "content/posts/a.md": "x"},
            "hugo.toml: Hugo's configuration cannot be read",
        ),
    ],
    ids=["jekyll", "hugo"],
)
def test_init_stops_at_a_configuration_it_cannot_read(
    tmp_path: Path, files: dict[str, str], said: str
) -> None:
    # Read as empty, without a word: a first message about a missing --title, and with the
    # options given, a feedkit.toml without the site's baseurl or feed settings.
    _write(tmp_path, files)
    for args in ([], ["--title", "T", "--url", "https://x.org/"]):
        done = feedkit(tmp_path, "init", *args, stdin="")
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith(said), done.stderr
        assert "--title" not in done.stderr
        assert not (tmp_path / "feedkit.toml").exists()


def test_init_says_when_url_leaves_out_the_jekyll_sites_baseurl(tmp_path: Path) -> None:
    # A GitHub Pages project site: no url (GitHub fills it in), baseurl /proj. --url given
    # without it made every link lead to a page that is not there, without a word.
    _write(tmp_path, {"_config.yml": "title: P\nbaseurl: /proj\n", "_posts/2024-01-05-a.md": "x"})
    done = feedkit(tmp_path, "init", "--url", "https://user.github.io/", stdin="")
    assert done.returncode == 0, done.stderr
    assert (
        "note: _config.yml: its baseurl puts the pages under /proj/, which --url "
        "https://user.github.io/ leaves out" in done.stderr
    )
    (tmp_path / "feedkit.toml").unlink()
    done = feedkit(tmp_path, "init", "--url", "https://user.github.io/proj/", stdin="")
    assert done.returncode == 0 and "baseurl" not in done.stderr


def test_init_keeps_the_old_feeds_entry_limit_when_it_was_under_twenty(tmp_path: Path) -> None:
    # jekyll-feed held 10 entries (its posts_limit): with feedkit's 20, the ten that had
    # left it came back, new again to a reader that had forgotten them. More stays 20.
    cases = [
        ("jekyll", {**JEKYLL_SITE}, 10),
        (
            "j5",
            {
                **JEKYLL_SITE,
                "_config.yml": JEKYLL_SITE["_config.yml"] + "feed:\n  posts_limit: 5\n",
            },
            5,
        ),
        (
            "j50",
            {
                **JEKYLL_SITE,
                "_config.yml": JEKYLL_SITE["_config.yml"] + "feed:\n  posts_limit: 50\n",
            },
            20,
        ),
        (
            "hugo",
            {
                "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\n'
                "[services.rss]\nlimit = 7\n",
                "content/posts/a.md": "---\ntitle: A\ndate: 2024-05-01\n---\nText.\n",
            },
            7,
        ),
        (
            "hugo-old",
            {
                "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\nrssLimit = 3\n',
                "content/posts/a.md": "---\ntitle: A\ndate: 2024-05-01\n---\nText.\n",
            },
            3,
        ),
        (
            "pelican",
            {
                "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
                "FEED_MAX_ITEMS = 15\nWITH_FUTURE_DATES = False\n",
                "content/a.md": "Title: A\nDate: 2024-05-01\n\nText.\n",
            },
            15,
        ),
    ]
    for name, files, limit in cases:
        _write(tmp_path / name, files)
        started = feedkit(tmp_path / name, "init", stdin="")
        assert started.returncode == 0, started.stderr
        assert load_config(tmp_path / name / "feedkit.toml").feed.limit == limit, name


def test_init_keeps_a_jekyll_feed_of_excerpts_to_excerpts(tmp_path: Path) -> None:
    # jekyll-feed's `feed: excerpt_only: true` carried no post's text: feedkit's feeds gave
    # every subscriber the whole of each post, which the blogger had chosen not to.
    for name, extra, full in (("only", "feed:\n  excerpt_only: true\n", False), ("all", "", True)):
        config = JEKYLL_SITE["_config.yml"] + extra
        _write(tmp_path / name, {**JEKYLL_SITE, "_config.yml": config})
        started = feedkit(tmp_path / name, "init", stdin="")
        assert started.returncode == 0, started.stderr
        assert load_config(tmp_path / name / "feedkit.toml").feed.full_content is full, name


def test_init_says_which_feeds_of_the_old_site_feedkit_does_not_write(tmp_path: Path) -> None:
    # jekyll-feed's `feed: categories:` (and Pelican's category and author feeds, above):
    # readers subscribed there got nothing new, and nothing said so.
    config = JEKYLL_SITE["_config.yml"] + "feed:\n  categories: [release]\n"
    _write(tmp_path, {**JEKYLL_SITE, "_config.yml": config})
    started = feedkit(tmp_path, "init", stdin="")
    assert started.returncode == 0, started.stderr
    assert started.stderr == (
        "note: _config.yml: feed: categories: writes a feed per category listed "
        "(feed/<name>.xml), which feedkit does not: readers subscribed to one get nothing new "
        "from feedkit (tag_feeds = true writes a feed per tag in tags/<tag>/ instead)\n"
    )


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (
            "",
            "a feed per section (posts/index.xml) and a feed per taxonomy and per term "
            "(tags/<name>/index.xml)",
        ),
        (
            '[taxonomies]\nseries = "series"\n',
            "a feed per section (posts/index.xml) and a feed "
            "per taxonomy and per term (series/<name>/index.xml)",
        ),
        (
            '[outputs]\nsection = ["HTML"]\n',
            "a feed per taxonomy and per term (tags/<name>/index.xml)",
        ),
        ('disableKinds = ["section", "taxonomy", "term"]\n', ""),
        ('[outputs]\nsection = ["HTML"]\ntaxonomy = ["HTML"]\nterm = ["HTML"]\n', ""),
    ],
)
def test_init_says_which_of_hugos_feeds_feedkit_does_not_write(
    tmp_path: Path, extra: str, said: str
) -> None:
    # Hugo writes RSS for every section and every tag by default: readers subscribed to
    # posts/index.xml or tags/go/index.xml got nothing new from feedkit, and init said nothing.
    _write(
        tmp_path,
        {
            "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\n' + extra,
            "content/posts/a.md": "---\ntitle: A\ndate: 2024-05-01\n---\nText.\n",
        },
    )
    started = feedkit(tmp_path, "init", stdin="")
    assert started.returncode == 0, started.stderr
    assert started.stderr == (
        f"note: hugo.toml: Hugo writes {said} by default, which feedkit does not: readers "
        "subscribed to one get nothing new from feedkit (tag_feeds = true writes a feed per "
        "tag in tags/<tag>/ instead)\n"
        if said
        else ""
    )


def test_init_in_a_pelican_site_with_atom_and_rss_feeds_keeps_both(tmp_path: Path) -> None:
    # chcdc.github.io: FEED_ALL_ATOM = 'feeds.atom' and FEED_ALL_RSS = 'feeds.rss'. init kept
    # the Atom one's address and wrote rss.xml: its RSS readers got nothing new, unsaid.
    _write(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "PATH = 'content'\nFEED_ALL_ATOM = 'feeds.atom'\nFEED_ALL_RSS = 'feeds.rss'\n"
            "WITH_FUTURE_DATES = False\n" + NO_OTHER_FEEDS,
            "content/a.md": "Title: A\nDate: 2024-05-01\n\nText.\n",
        },
    )
    started = feedkit(tmp_path, "init", stdin="")
    assert (started.returncode, started.stderr) == (0, "")
    written = (tmp_path / "feedkit.toml").read_text("utf-8")
    assert 'rss = "feeds.rss"   # the address readers subscribed to under Pelican' in written
    cfg = load_config(tmp_path / "feedkit.toml")
    assert (cfg.feed.atom, cfg.feed.rss) == ("feeds.atom", "feeds.rss")
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    for name in ("feeds.atom", "feeds.rss"):
        feed = feedparser.parse((tmp_path / "public" / name).read_bytes())
        assert [e.link for e in feed.entries] == ["https://p.example.org/a.html"]


@pytest.mark.parametrize(
    ("conf", "said"),
    [
        (
            "FLAG = False\nif FLAG:\n    ARTICLE_URL = 'posts/{slug}/'\n"
            "else:\n    ARTICLE_URL = 'articles/{slug}.html'\n",
            "its ARTICLE_URL is set in a block (line 7)",
        ),
        (
            "SUB = 'blog'\nTOP = '/'\nif len(SUB):\n    TOP = '/' + SUB + '/'\n"
            "ARTICLE_URL = TOP + 'articles/{slug}.html'\n",
            "its ARTICLE_URL is made of TOP, which is set in a block (line 8)",
        ),
    ],
)
def test_init_says_an_article_url_set_in_a_block_cannot_be_followed(
    tmp_path: Path, conf: str, said: str
) -> None:
    # egberts.github.io: ARTICLE_URL made of a setting an `if` changes. init wrote the
    # value from before the `if` (or Pelican's default) as permalink, unsaid: every link and
    # ID would change.
    _write(
        tmp_path,
        {
            "pelicanconf.py": "SITENAME = 'P'\nSITEURL = 'https://p.example.org'\n"
            "PATH = 'content'\nWITH_FUTURE_DATES = False\n" + conf + NO_OTHER_FEEDS,
            "content/a.md": "Title: A\nDate: 2024-05-01\n\nText.\n",
        },
    )
    started = feedkit(tmp_path, "init", stdin="")
    assert started.returncode == 0, started.stderr
    assert f"warning: pelicanconf.py: {said} that only running the file decides" in started.stderr
    written = (tmp_path / "feedkit.toml").read_text("utf-8")
    assert "\n# permalink = " in written and "\npermalink = " not in written
