"""The web archive of sent digests: the files a digest run and a build leave in the output
folder, and the link to them in every mail, as the reader's mail program gets it."""

from __future__ import annotations

import quopri
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from urllib.parse import quote

import feedparser
import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main
from feedkit.mail.unsubscribe import unsubscribe_token

from conftest import NOW, SHARED
from digest_site import (
    SECRET_ENV,
    html_body_on_the_wire,
    make_digest_site,
    outbox_messages,
    smtp_toml,
    write_post,
)
from smtp_server import FaultySmtpServer

READERS = [
    ("ann.reader@example.org", "Ann Zyxwell"),
    ("bob+news@example.net", "Bob O'Quirrel & Sons"),
    ("chloé@exämple.de", "Chloé Ünterberg"),
]
WEEK = timedelta(days=7)
SERVE = '\n[serve]\nurl = "https://news.example.com/"\n'
VALIDATE = SHARED / "tools" / "validate-feed"


def run(root: Path, command: str, now: datetime = NOW) -> Result:
    environ = {"FEEDKIT_NOW": now.isoformat(), **SECRET_ENV}
    return CliRunner().invoke(main, [command, "--config", str(root / "feedkit.toml")], env=environ)


def make_site(root: Path, extra_toml: str = "") -> None:
    """A digest site; with `[serve]`, its unsubscribe links point at the service alone."""
    make_digest_site(root, READERS, extra_toml=extra_toml)
    if "[serve]" in extra_toml:
        toml = root / "feedkit.toml"
        kept = [ln for ln in toml.read_text().splitlines() if not ln.startswith("unsubscribe_url")]
        toml.write_text("\n".join(kept) + "\n")


def two_digests(root: Path, extra_toml: str = "") -> None:
    """Make a site, then mail two digests a week apart as a blogger would."""
    make_site(root, extra_toml)
    assert run(root, "digest").exit_code == 0  # the first run only records the back catalogue
    write_post(root, "fast-feeds", "Writing fast feeds", NOW - timedelta(hours=2))
    write_post(root, "tom-jerry", "Tom & Jerry <script>", NOW - timedelta(hours=1))
    first = run(root, "digest")
    assert first.exit_code == 0 and "3 sent" in first.stdout, first.output
    write_post(root, "next-week", "Next week's post", NOW + WEEK - timedelta(hours=1))
    second = run(root, "digest", NOW + WEEK)
    assert second.exit_code == 0 and "3 sent" in second.stdout, second.output


def archive_files(root: Path) -> dict[str, tuple[bytes, int]]:
    """Return every file under public/newsletter/ with its bytes and modification time."""
    folder = root / "public" / "newsletter"
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def issue_links(index: bytes) -> list[str]:
    return re.findall(r'<a href="(\d{4}-\d\d-\d\d-[0-9a-f]{8})/">', index.decode())


def decoded_parts(raw: bytes) -> tuple[str, str]:
    """Return the text and HTML parts of a mail as its reader's program decodes them."""
    text = raw.split(b"Content-Type: text/plain", 1)[1].split(b"\r\n\r\n", 1)[1]
    text = text.split(b"\r\n--", 1)[0]
    html = html_body_on_the_wire(raw)
    return quopri.decodestring(text).decode(), quopri.decodestring(html).decode()


def test_every_sent_digest_has_a_page_with_its_posts_and_nobody_in_it(tmp_path: Path) -> None:
    two_digests(tmp_path, SERVE)
    files = archive_files(tmp_path)
    pages = {name: data for name, (data, _) in files.items() if name.endswith("/index.html")}
    assert len(pages) == 2
    assert sorted(name[:10] for name in pages) == ["2026-11-22", "2026-11-29"]
    first = next(data for name, data in pages.items() if name.startswith("2026-11-22"))
    assert b"Writing fast feeds" in first
    assert b"Tom &amp; Jerry &lt;script&gt;" in first and b"<script>" not in first
    assert b'href="https://example.com/blog/' in first
    assert b"Hello," in first  # the greeting, as to nobody in particular
    assert b'href="https://news.example.com/subscribe"' in first
    secret = SECRET_ENV["FEEDKIT_UNSUBSCRIBE_SECRET"].encode()
    for address, name in READERS:
        for each in (address, name, quote(address, safe=""), escape(name), escape(address)):
            assert all(each.encode() not in data for data, _ in files.values()), each
        token = unsubscribe_token(secret, address).encode()
        assert all(token not in data for data, _ in files.values())
    for data, _ in files.values():
        assert b"%%FEEDKIT" not in data
        assert b"unsubscribe" not in data.lower()


def test_the_index_lists_the_issues_newest_first(tmp_path: Path) -> None:
    two_digests(tmp_path)
    index = (tmp_path / "public" / "newsletter" / "index.html").read_bytes()
    links = issue_links(index)
    assert [link[:10] for link in links] == ["2026-11-29", "2026-11-22"]
    for link in links:
        assert (tmp_path / "public" / "newsletter" / link / "index.html").is_file()
    assert index.index(b"Next week&#x27;s post") < index.index(b"Writing fast feeds")
    assert b'href="atom.xml"' in index


def assert_valid(path: Path) -> None:
    """The feed of issues at `path` passes the W3C feed validator (skip without it)."""
    if not VALIDATE.is_file():
        pytest.skip("../shared/tools is absent")
    url = "https://example.com/blog/newsletter/atom.xml"
    done = subprocess.run(
        [sys.executable, str(VALIDATE), str(path), url], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_feed_of_issues_reads_back_and_passes_the_w3c_validator(tmp_path: Path) -> None:
    two_digests(tmp_path)
    path = tmp_path / "public" / "newsletter" / "atom.xml"
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.bozo_exception
    links = [entry.link for entry in feed.entries]
    index = (tmp_path / "public" / "newsletter" / "index.html").read_bytes()
    assert links == [f"https://example.com/blog/newsletter/{i}/" for i in issue_links(index)]
    assert feed.entries[0].updated == (NOW + WEEK).isoformat()  # the digest's, not the clock's
    assert feed.feed.updated == feed.entries[0].updated
    assert "Writing fast feeds" in feed.entries[1].title
    # On the blog it opens as the site's feeds do: by feed.xsl, found beside them.
    from lxml import etree

    stylesheet = re.search(
        rb'<\?xml-stylesheet type="text/xsl" href="([^"]+)"\?>', path.read_bytes()
    )
    assert stylesheet is not None and stylesheet[1] == b"../feed.xsl"
    build = run(tmp_path, "build", NOW + WEEK)
    assert build.exit_code == 0, build.output
    xsl = etree.XSLT(etree.parse(str(path.parent / stylesheet[1].decode())))
    page = " ".join(str(xsl(etree.parse(str(path)))).split())
    assert "This is a web feed." in page and "Writing fast feeds" in page
    assert_valid(path)


def test_runs_with_nothing_new_leave_every_file_as_it_was(tmp_path: Path) -> None:
    two_digests(tmp_path)
    before = archive_files(tmp_path)
    assert len(before) == 4  # two pages, the index and the feed
    again = run(tmp_path, "digest", NOW + WEEK)
    assert again.stdout == "No new posts since the last digest; nothing sent.\n"
    build = run(tmp_path, "build", NOW + WEEK)
    assert build.exit_code == 0, build.output
    assert "Digest archive" not in build.stdout
    assert archive_files(tmp_path) == before


def test_a_build_brings_a_lost_archive_back_byte_for_byte(tmp_path: Path) -> None:
    two_digests(tmp_path)
    before = {name: data for name, (data, _) in archive_files(tmp_path).items()}
    shutil.rmtree(tmp_path / "public")
    build = run(tmp_path, "build", NOW + WEEK)
    assert build.exit_code == 0, build.output
    assert "Digest archive in " in build.stdout and ": 4 file(s) changed" in build.stdout
    assert {name: data for name, (data, _) in archive_files(tmp_path).items()} == before


def test_every_mail_links_to_its_web_copy_which_the_run_wrote(tmp_path: Path) -> None:
    two_digests(tmp_path)
    messages = sorted((tmp_path / "outbox").glob("*/*.eml"))
    assert len(messages) == 6
    for raw in (path.read_bytes() for path in messages):
        text, html = decoded_parts(raw)
        url = re.search(r"View this digest in your browser: (\S+)", text)
        assert url, text
        assert f'href="{url[1]}"' in html
        assert url[1].startswith("https://example.com/blog/newsletter/")
        folder = url[1].removeprefix("https://example.com/blog/")
        assert (tmp_path / "public" / folder / "index.html").is_file()


def test_no_archive_when_turned_off(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS)
    toml = tmp_path / "feedkit.toml"
    toml.write_text(toml.read_text().replace("[digest]\n", '[digest]\narchive = ""\n'))
    run(tmp_path, "digest")
    write_post(tmp_path, "new", "A new post", NOW - timedelta(hours=1))
    assert "3 sent" in run(tmp_path, "digest").stdout
    assert not (tmp_path / "public" / "newsletter").exists()
    for raw in outbox_messages(tmp_path).values():
        text, html = decoded_parts(raw)
        assert "in your browser" not in text and "in your browser" not in html


OLD_TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ digest.subject }}</title></head><body>
<p>{{ recipient.greeting }} ({{ recipient.email }})</p>
{% for post in posts %}<h2><a href="{{ post.url }}">{{ post.title }}</a></h2>{% endfor %}
<p><a style="color:red" href="{{ recipient.unsubscribe_url }}">Leave the list</a></p>
</body></html>
"""


@pytest.mark.parametrize("serve", [SERVE, ""])
def test_a_sites_older_template_still_works_and_its_web_copy_names_nobody(
    tmp_path: Path, serve: str
) -> None:
    make_site(tmp_path, serve)
    (tmp_path / "email_templates").mkdir()
    (tmp_path / "email_templates" / "digest.html.j2").write_text(OLD_TEMPLATE)
    run(tmp_path, "digest")
    write_post(tmp_path, "new", "A new post", NOW - timedelta(hours=1))
    assert "3 sent" in run(tmp_path, "digest").stdout
    (page,) = (tmp_path / "public" / "newsletter").glob("*/index.html")
    data = page.read_bytes()
    assert b"A new post" in data and b"Hello, ()" in data
    assert b"%%FEEDKIT" not in data and b"Leave the list" not in data
    if serve:
        assert (
            b'<a style="color:red" href="https://news.example.com/subscribe">Subscribe</a>' in data
        )
    else:
        assert b"Subscribe" not in data and b"<a style" not in data


def test_a_build_without_digests_does_not_import_the_mail_stack(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS)
    code = "import sys; from feedkit.cli import main; main(sys.argv[1:])"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code, "build", "--config", "feedkit.toml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"FEEDKIT_NOW": NOW.isoformat(), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    imported = re.findall(r"\| +([\w.]+)$", done.stderr, re.M)
    assert "feedkit.site.build" in imported
    assert [m for m in imported if m.startswith(("feedkit.mail", "premailer", "jinja2"))] == []
    assert not (tmp_path / "public" / "newsletter").exists()


def test_a_folder_outside_the_output_is_refused(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS)
    toml = tmp_path / "feedkit.toml"
    toml.write_text(toml.read_text().replace("[digest]\n", '[digest]\narchive = "../www"\n'))
    result = run(tmp_path, "build")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: feedkit.toml: digest.archive: must be a folder under the output folder, such "
        "as 'newsletter', or '' for no web copies, not '../www'\n"
    )


def test_a_scheduled_digest_publishes_its_web_copy(tmp_path: Path) -> None:
    make_digest_site(tmp_path, READERS, extra_toml='schedule = "0 9 * * *"\ncatch_up = "2h"\n')

    def once(when: datetime) -> Result:
        environ = {"FEEDKIT_NOW": when.isoformat(), **SECRET_ENV}
        config = str(tmp_path / "feedkit.toml")
        return CliRunner().invoke(main, ["schedule", "--once", "--config", config], env=environ)

    assert once(NOW.replace(hour=8, minute=30)).exit_code == 0  # records the back catalogue
    write_post(tmp_path, "new", "A scheduled post", NOW)
    served = once(NOW + timedelta(days=1) - timedelta(hours=3, minutes=30))
    assert served.stdout == "digest slot 2026-11-23T09:00 Europe/Berlin served\n", served.output
    (page,) = (tmp_path / "public" / "newsletter").glob("*/index.html")
    assert b"A scheduled post" in page.read_bytes()
    (raw, *_) = sorted((tmp_path / "outbox").glob("*/*.eml"))
    text, _ = decoded_parts(raw.read_bytes())
    folder = page.parent.relative_to(tmp_path / "public").as_posix()
    assert f"in your browser: https://example.com/blog/{folder}/\r\n" in text


def test_a_digest_that_reached_nobody_is_not_published(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    smtp = f'delivery = "smtp"\n{smtp_toml(smtp_server)}'
    make_digest_site(tmp_path, READERS[:2], extra_toml=smtp)
    run(tmp_path, "digest")
    write_post(tmp_path, "new", "A new post", NOW - timedelta(hours=1))
    for address, _ in READERS[:2]:  # a policy refusal: not the address's fault, no bounce
        smtp_server.reject(address, reply="550 5.7.1 Message refused by policy")
    refused = run(tmp_path, "digest")
    assert refused.exit_code == 1 and "2 failed" in refused.stdout, refused.output
    assert not (tmp_path / "public" / "newsletter").exists()
    smtp_server.clear_faults()
    retried = CliRunner().invoke(
        main,
        ["digest", "--retry-failed", "--config", str(tmp_path / "feedkit.toml")],
        env={"FEEDKIT_NOW": (NOW + timedelta(hours=1)).isoformat(), **SECRET_ENV},
    )
    assert retried.exit_code == 0 and "2 sent" in retried.stdout, retried.output
    assert "Digest archive in " in retried.stdout
    (page,) = (tmp_path / "public" / "newsletter").glob("2026-11-22-*/index.html")
    assert b"A new post" in page.read_bytes()


def test_the_feed_of_issues_keeps_a_titles_direction_inside_it(tmp_path: Path) -> None:
    # An entry's title names every post on one line: a title's right-to-left override
    # would turn the titles after it too.
    make_site(tmp_path)
    assert run(tmp_path, "digest").exit_code == 0
    write_post(tmp_path, "first", "First", NOW - timedelta(hours=2))
    write_post(tmp_path, "turned", "\u202eTurned", NOW - timedelta(hours=1))
    assert run(tmp_path, "digest").exit_code == 0
    path = tmp_path / "public" / "newsletter" / "atom.xml"
    [entry] = feedparser.parse(path.read_bytes()).entries
    assert entry.title.endswith(": \u2068\u202eTurned\u202c\u2069 · First")
    assert_valid(path)


def test_a_post_title_that_looks_like_html_is_declared_html_in_the_feed_of_issues(
    tmp_path: Path,
) -> None:
    # The feed of issues titles each issue with its posts' titles: one naming `</div>`
    # drew the validator's "title should not contain HTML unless declared in the type
    # attribute" there, as in the site's feeds before they declared such titles html.
    from html import unescape

    from feedcheck import check_atom

    make_site(tmp_path)
    assert run(tmp_path, "digest").exit_code == 0
    write_post(tmp_path, "closing", "Why </div> closes twice", NOW - timedelta(hours=1))
    sent = run(tmp_path, "digest")
    assert sent.exit_code == 0 and "3 sent" in sent.stdout, sent.output
    path = tmp_path / "public" / "newsletter" / "atom.xml"
    data = path.read_bytes()
    url = "https://example.com/blog/newsletter/atom.xml"
    assert [i for i in check_atom(data, url) if i.level != "info"] == []
    (entry,) = feedparser.parse(data).entries
    assert entry.title_detail.type == "text/html"
    assert unescape(entry.title) == "November 22, 2026: Why </div> closes twice"
    assert_valid(path)


def test_the_index_speaks_feedkits_words_in_their_language_and_the_sites_in_its_own(
    tmp_path: Path,
) -> None:
    # language = "it", which feedkit has no words in: the index said lang="it" over its
    # English words, which a screen reader then read with an Italian voice.
    make_site(tmp_path)
    toml = tmp_path / "feedkit.toml"
    toml.write_text(toml.read_text().replace('title = "', 'language = "it"\ntitle = "', 1))
    assert run(tmp_path, "digest").exit_code == 0
    write_post(tmp_path, "nuovo", "Un nuovo articolo", NOW - timedelta(hours=1))
    assert run(tmp_path, "digest").exit_code == 0
    index = (tmp_path / "public" / "newsletter" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in index and "Past digests of" in index
    assert '<a href="https://example.com/blog/" lang="it">Example Blog</a>' in index
    assert '<ul lang="it">' in index  # the posts' titles
    assert "@media (prefers-color-scheme:dark)" in index  # as the web copies and feed.xsl
