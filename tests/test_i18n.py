"""feedkit's words in the site's language: the catalogs, and what readers get in German."""

from __future__ import annotations

import gettext
import io
import os
import quopri
import re
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from pathlib import Path

import httpx
import lxml.html
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.config import load_config
from feedkit.i18n import LOCALE_DIR, first_name, language, languages
from feedkit.mail.confirmation import confirmation_message
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.wire import wire_bytes

from conftest import NOW, NOW_ENV
from digest_site import SECRET_ENV, part_on_the_wire, raw_fields, write_post
from preview_process import preview_process
from serve_site import make_serve_site, running
from smtp_server import FaultySmtpServer, smtp_server_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = ("de", "fr", "es")


def catalog(code: str):  # type: ignore[no-untyped-def]
    path = LOCALE_DIR / f"{code}.po"
    with path.open("rb") as po:
        return read_po(po, locale=code)


def template_ids() -> set[str]:
    with (LOCALE_DIR / "feedkit.pot").open("rb") as pot:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}


def test_the_template_holds_every_word_the_code_and_templates_say(tmp_path: Path) -> None:
    # As a maintainer refreshes it (README, Translations): a word added to the code or a
    # template without a catalog entry fails here.
    out = tmp_path / "feedkit.pot"
    subprocess.run(
        [sys.executable, "-c", "import sys; from babel.messages.frontend import main; main()",
         "extract", "-F", "babel.cfg", "--no-location", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with out.open("rb") as pot:
        found = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}
    assert len(found) > 50
    assert found == template_ids()


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_catalog_translates_every_word_with_the_same_placeholders(code: str) -> None:
    po = catalog(code)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in po if m.id}
    assert ids == template_ids()
    for message in po:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{code}: {message.id!r} has no translation"
        assert "fuzzy" not in message.flags, f"{code}: {message.id!r} is fuzzy"
        assert len(strings) == (po.num_plurals if message.pluralizable else 1)
        # Every placeholder of the English is in the translation, and no other.
        ids_ = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"%\(\w+\)s", ids_[-1]))
        for said in strings:
            assert set(re.findall(r"%\(\w+\)s", said)) <= wanted | {"%(count)s"}, said
            assert set(re.findall(r"%\(\w+\)s", said)) >= wanted - {"%(count)s"}, said
    assert list(po.check()) == []  # Babel's own checks (python-format)
    assert code in languages()

    # The compiled catalog feedkit reads says what the .po says (pybabel compile was run).
    made = io.BytesIO()
    write_mo(made, po)
    made.seek(0)
    expected = gettext.GNUTranslations(made)
    with (LOCALE_DIR / f"{code}.mo").open("rb") as mo:
        shipped = gettext.GNUTranslations(mo)
    for message in po:
        if not message.id:
            continue
        if message.pluralizable:
            for n in range(4):
                said = shipped.ngettext(message.id[0], message.id[1], n)
                assert said == expected.ngettext(message.id[0], message.id[1], n), message.id
        else:
            said = shipped.gettext(message.id)
            assert said == expected.gettext(message.id), "run pybabel compile (README)"


@pytest.mark.parametrize(
    ("name", "called"),
    [
        ("Ada Lovelace", "Ada"),
        ("  Ada   Lovelace ", "Ada"),
        ("Ada", "Ada"),
        ("Jean-Luc Picard", "Jean-Luc"),
        ("Lovelace, Ada", "Ada"),
        ("Lovelace, Ada Augusta", "Ada"),
        ("Ada Lovelace, PhD", "Ada"),  # a suffix after the comma, not a given name
        ("Martin Luther King, Jr.", "Martin"),
        ("Dr. Ada Lovelace", "Dr. Ada Lovelace"),  # a title: "Hi Dr.," would be wrong
        ("Frau Müller", "Frau Müller"),
        ("J. R. R. Tolkien", "J. R. R. Tolkien"),  # an initial is no name to greet by
        ("李小龙", "李小龙"),  # family name first, no spaces: the whole name
        ("山田 太郎", "山田 太郎"),
        ("김 민준", "김 민준"),
        ("Zoë Q", "Zoë"),
        ("", ""),
        ("   ", ""),
        ("ada@example.org", ""),  # an address typed into the name field
    ],
)
def test_a_greeting_uses_the_first_name_where_the_name_allows_it(name: str, called: str) -> None:
    assert first_name(name) == called


def test_each_language_greets_in_its_own_way() -> None:
    greetings = {code: language(code).greeting("Ada Lovelace") for code in languages()}
    assert greetings == {
        "en": "Hi Ada,",
        "de": "Hallo Ada,",
        "fr": "Bonjour Ada,",
        "es": "Hola, Ada:",
    }
    assert [language(code).greeting("") for code in languages()] == [
        "Hello,", "Hallo,", "Hola:", "Bonjour,"
    ]  # fmt: skip


def test_dates_numbers_and_lists_follow_the_language_and_its_region() -> None:
    day = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)
    berlin = __import__("zoneinfo").ZoneInfo("Europe/Berlin")
    assert language("de").day(day, berlin, long=True) == "6. Januar 2026"  # in the site's zone
    assert language("de-AT").day(day, berlin, long=True) == "6. Jänner 2026"  # Austria's
    assert language("de").day(day, UTC) == "05.01.2026"
    assert language("fr").day(day, UTC, long=True) == "5 janvier 2026"
    assert language("es").day(day, UTC, long=True) == "5 de enero de 2026"
    assert language("en").day(day, UTC) == "Jan 5, 2026"
    assert language("en-GB").day(day, UTC) == "5 Jan 2026"
    assert language("en").day(day, UTC, long=True) == "January 5, 2026"
    assert language("en-GB").day(day, UTC, long=True) == "5 January 2026"
    assert language("de-CH").code == "de"
    assert language("de").number(12345) == "12.345"
    assert language("de").names(["Ada", "Bo", "Cy"]) == "Ada, Bo und Cy"
    assert language("fr").duration(timedelta(days=2)) == "2\u00a0jours"  # a space that holds
    assert language("es").duration(timedelta(hours=36)) == "36 horas"
    assert language("de-AT").code == "de"  # the German words, Austria's formats
    # A language feedkit has no words in is English throughout, dates too: no sentence
    # mixes two languages.
    assert language("it").code is None and language("it").day(day, UTC) == "Jan 5, 2026"


def test_dates_numbers_and_lists_are_babel_s_in_a_process_without_pytz() -> None:
    # feedkit loads Babel without pytz (i18n._import_babel_dates: it costs 13 ms, for the
    # machine's zone, which feedkit never uses): every language writes what it did with it,
    # and pytz can still be imported after.
    import pytz  # noqa: F401  # here, Babel as a process that imported pytz first has it

    day = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)
    tags = ["en", "en-GB", "de", "de-AT", "fr", "es", "it", "ja"]

    def said(tag: str) -> list[str]:
        words = language(tag)
        days = [words.day(day, UTC, long=long) for long in (False, True)]
        return [*days, words.number(12345), words.names(["Ada", "Bo", "Cy"])]

    code = (
        "import json, sys; from datetime import UTC, datetime; "
        "from feedkit.i18n import language; "
        f"day = datetime.fromisoformat({day.isoformat()!r}); out = []\n"
        f"for tag in {tags!r}:\n"
        "    w = language(tag)\n"
        "    out.append([w.day(day, UTC), w.day(day, UTC, long=True), w.number(12345), "
        "w.names(['Ada', 'Bo', 'Cy'])])\n"
        "assert 'pytz.tzinfo' not in sys.modules, 'pytz was imported'\n"
        "import pytz; pytz.timezone('Europe/Berlin'); print(json.dumps(out))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert __import__("json").loads(proc.stdout) == [said(tag) for tag in tags]


GERMAN_SITE = """\
title = "Notizen aus der Werkstatt"
base_url = "https://example.com/blog/"
description = "Beiträge über Gleitkommazahlen."
timezone = "Europe/Berlin"
language = "de"

[author]
name = "Ada Quill"
email = "ada@example.org"

[digest]
from = "Ada Quill <ada@example.org>"
subscribers = "subscribers.csv"
delivery = "smtp"
archive = "ausgaben"
max_bytes = 24000
content = "{content}"

[smtp]
host = "{host}"
port = {port}
security = "none"
timeout = 5
backoff = 0
"""


def german_site(root: Path, server: FaultySmtpServer, content: str) -> None:
    toml = GERMAN_SITE.format(host=server.host, port=server.port, content=content)
    (root / "feedkit.toml").write_text(toml, encoding="utf-8")
    (root / "subscribers.csv").write_text(
        'email,name\nada@example.org,"Ada Lovelace"\nbo@example.org,\n', encoding="utf-8"
    )
    write_post(root, "alt", "Ein alter Beitrag", NOW - timedelta(days=40))


def german_digest(root: Path, server: FaultySmtpServer) -> dict[str, bytes]:
    """Run the first digest (it records the archive), add posts, send the next: return
    each reader's message as the SMTP server received it."""
    run = ["digest", "--config", str(root / "feedkit.toml")]
    env = {**SECRET_ENV, "FEEDKIT_NOW": (NOW - timedelta(days=1)).isoformat()}
    first = CliRunner().invoke(main, run, env=env)
    assert first.exit_code == 0, first.output
    for i in range(12):  # more than fit in max_bytes: the rest are title links
        body = f"Über Rundungsfehler, Teil {i}. " * 40
        write_post(
            root, f"teil-{i}", f"Rundungsfehler, Teil {i}", NOW - timedelta(hours=i + 1), body
        )
    edited = root / "content" / "teil-0.md"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace(
            "tags:", f"updated: {(NOW - timedelta(minutes=5)).isoformat()}\ntags:"
        ),
        encoding="utf-8",
    )
    sent = CliRunner().invoke(main, run, env={**SECRET_ENV, **NOW_ENV})
    assert sent.exit_code == 0, sent.output
    return {m.rcpt_tos[0]: m.raw for m in server.messages}


def readable(raw: bytes) -> str:
    """Return what a reader reads of a message: its subject and both parts, decoded."""
    subject = raw_fields(raw)["Subject"].removeprefix(b"Subject: ").decode("ascii")
    parts = [str(make_header(decode_header(subject)))]
    for subtype in ("plain", "html"):
        head, body = part_on_the_wire(raw, subtype)
        assert b"Content-Transfer-Encoding: quoted-printable" in head
        parts.append(quopri.decodestring(body).decode("utf-8"))
    return words_of("\n".join(parts))


def words_of(page: str) -> str:
    """Return the words of an HTML page or message: no markup, styles or addresses."""
    text = re.sub(r"<!--.*?-->|<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    return re.sub(r"https?://\S+", " ", text)


def english_left(text: str, code: str) -> list[str]:
    """Return each of feedkit's English words found in `text`: every piece of every message
    the catalog translates differently, and the English forms of the date and greeting."""
    po = catalog(code)
    found = []
    for message in po:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings:
                continue  # the same in both languages ("Feed", "Name")
            for piece in re.split(r"%\(\w+\)s", english):
                piece = piece.strip(" :,.()")
                if re.search(r"[A-Za-z]{2}", piece) and re.search(
                    rf"(?<!\w){re.escape(piece)}(?!\w)", text
                ):
                    found.append(piece)
    for english in ("Hi ", "Hello", "min read", "Nov 22, 2026", "November 22, 2026", " and "):
        if english in text:
            found.append(english)
    return sorted(set(found))


@pytest.mark.parametrize("content", ["summary", "full"])
def test_a_digest_in_german_has_no_english_word_left(
    tmp_path: Path, smtp_server: FaultySmtpServer, content: str
) -> None:
    german_site(tmp_path, smtp_server, content)
    mails = german_digest(tmp_path, smtp_server)
    ada, bo = readable(mails["ada@example.org"]), readable(mails["bo@example.org"])
    for text in (ada, bo):
        assert english_left(text, "de") == []
        assert "Rundungsfehler, Teil 0" in text  # the lead post
        assert "es gibt 12 neue Beiträge auf Notizen aus der Werkstatt (22. November 2026)" in text
        assert "Weitere neue Beiträge" in text  # the posts over max_bytes, as title links
        assert "aktualisiert am 22.11.2026" in text and "Min. Lesezeit" in text
        assert "Diese Ausgabe im Browser ansehen" in text and "Abmelden" in text
    assert "Hallo Ada," in ada and "Lovelace" not in ada.split("Hallo", 1)[1][:20]
    assert "Hallo," in bo
    subject = raw_fields(mails["ada@example.org"])["Subject"]
    decoded = str(make_header(decode_header(subject.removeprefix(b"Subject: ").decode())))
    assert decoded == ("Notizen aus der Werkstatt: Rundungsfehler, Teil 0 und 11 weitere Beiträge")
    html_head = quopri.decodestring(part_on_the_wire(mails["ada@example.org"], "html")[1])
    assert b'<html lang="de"' in html_head

    # The web copy and the archive's index and feed speak German too.
    archive = tmp_path / "public" / "ausgaben"
    (issue,) = [p for p in archive.iterdir() if p.is_dir()]
    page = (issue / "index.html").read_text(encoding="utf-8")
    index = (archive / "index.html").read_text(encoding="utf-8")
    feed = (archive / "atom.xml").read_text(encoding="utf-8")
    for text in (page, index, feed):
        assert english_left(words_of(text), "de") == []
    assert "Frühere Ausgaben von" in index and "12 Beiträge" in index
    assert "Notizen aus der Werkstatt: frühere Ausgaben" in feed


def test_the_preview_shows_the_german_digest_to_a_made_up_reader(tmp_path: Path) -> None:
    tmp_path.joinpath("feedkit.toml").write_text(
        GERMAN_SITE.format(host="127.0.0.1", port=25, content="summary"), encoding="utf-8"
    )
    tmp_path.joinpath("subscribers.csv").write_text("email,name\n", encoding="utf-8")
    write_post(tmp_path, "neu", "Ein neuer Beitrag", NOW - timedelta(hours=1))
    result = CliRunner().invoke(
        main,
        ["preview", "--text", "--config", str(tmp_path / "feedkit.toml")],
        env={**SECRET_ENV, **NOW_ENV},
    )
    assert result.exit_code == 0, result.output
    assert "Subject: Notizen aus der Werkstatt: Ein neuer Beitrag" in result.stdout
    assert "Hallo Alex," in result.stdout
    assert "es gibt einen neuen Beitrag auf Notizen aus der Werkstatt" in result.stdout


def test_the_preview_page_speaks_german_around_the_german_digest(tmp_path: Path) -> None:
    tmp_path.joinpath("feedkit.toml").write_text(
        GERMAN_SITE.format(host="127.0.0.1", port=25, content="summary"), encoding="utf-8"
    )
    tmp_path.joinpath("subscribers.csv").write_text("email,name\n", encoding="utf-8")
    body = "Ein kurzer Text über Rundungsfehler."
    write_post(tmp_path, "neu", "Ein neuer Beitrag", NOW - timedelta(hours=1), body)
    write_post(tmp_path, "entwurf", "Noch ein Entwurf", NOW - timedelta(hours=2), body)
    draft = tmp_path / "content" / "entwurf.md"
    draft.write_text(draft.read_text().replace("tags:", "draft: true\ntags:"))
    # As a writer runs it: a process whose warm-up compiles the page before any request.
    with preview_process(tmp_path) as base:
        with urllib.request.urlopen(base + "/", timeout=20) as response:
            page = response.read().decode()
    assert '<html lang="de">' in page and "<h2>Nächste Ausgabe</h2>" in page
    # No digest has run: the page shows a sample (the post is not the archive's yet).
    assert "keine neuen Beiträge, daher ein Beispiel: der neueste Beitrag · " in page
    assert re.search(r"\d\.\d{3} Bytes HTML wie verschickt", page)  # 9.827: German digits
    assert "1 vollständige Karte</p>" in page
    assert '<span class="badge">Entwurf</span>' in page
    assert "22.11.2026 | 1 Min. Lesezeit | Ada Quill" in page
    assert "Hallo Alex," in page  # the digest's text part, to the made-up reader
    shown = re.sub(r'<pre class="headers">.*?</pre>', " ", page, flags=re.S)  # header names
    assert english_left(words_of(shown), "de") == []


def test_the_confirmation_mail_and_pages_of_a_german_site(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = make_serve_site(tmp_path, smtp_server)
    toml = (tmp_path / "feedkit.toml").read_text(encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text('language = "de"\n' + toml, encoding="utf-8")
    cfg = load_config(tmp_path / "feedkit.toml")

    raw = wire_bytes(
        confirmation_message(cfg, Subscriber("zoe@example.org", "Zoë Q"), "https://x.test/c", NOW)
    )
    text = quopri.decodestring(part_on_the_wire(raw, "plain")[1]).decode().replace("\r\n", "\n")
    assert text.startswith("Hallo Zoë,\n\njemand, hoffentlich Sie, hat die Beiträge")
    assert "Der Link gilt 2 Tage lang." in text
    subject = raw_fields(raw)["Subject"].removeprefix(b"Subject: ").decode()
    assert str(make_header(decode_header(subject))) == (
        "Bestätigen Sie Ihr Abonnement von Example Blog"
    )
    assert english_left(text, "de") == []

    with running(cfg) as service, httpx.Client(base_url=service.url) as client:
        form = client.get("subscribe")
        assert '<html lang="de">' in form.text
        assert "E-Mail-Adresse" in form.text and ">Abonnieren</button>" in form.text
        answer = client.post("subscribe", data={"email": "zoe@example.org", "name": "Zoë"})
        assert "Sehen Sie in Ihrem Posteingang nach" in answer.text
        missing = client.get("nirgends")
        assert missing.status_code == 404 and "Hier gibt es keine Seite." in missing.text
        for page in (form.text, answer.text, missing.text):
            assert english_left(words_of(page), "de") == []


def test_a_site_in_a_language_feedkit_has_no_words_in_marks_its_english_words_so(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # feedkit's words are English there, and were marked lang="ja": a screen reader read
    # them with a Japanese voice. The posts keep the site's language.
    toml = GERMAN_SITE.replace('language = "de"', 'language = "ja"')
    (tmp_path / "feedkit.toml").write_text(
        toml.format(host=smtp_server.host, port=smtp_server.port, content="summary"),
        encoding="utf-8",
    )
    (tmp_path / "subscribers.csv").write_text("email,name\nada@example.org,Ada\n")
    write_post(tmp_path, "alt", "古い投稿", NOW - timedelta(days=40))
    run = ["digest", "--config", str(tmp_path / "feedkit.toml")]
    env = {**SECRET_ENV, "FEEDKIT_NOW": (NOW - timedelta(days=1)).isoformat()}
    assert CliRunner().invoke(main, run, env=env).exit_code == 0
    write_post(tmp_path, "neu", "新しい投稿", NOW - timedelta(hours=1))
    assert CliRunner().invoke(main, run, env={**SECRET_ENV, **NOW_ENV}).exit_code == 0
    (mail,) = smtp_server.messages
    page = lxml.html.fromstring(quopri.decodestring(part_on_the_wire(mail.raw, "html")[1]))
    assert page.get("lang") == "en"
    assert {e.get("lang") for e in page.find_class("intro") + page.find_class("footer")} == {"en"}
    (card,) = page.find_class("card-body")
    assert card.get("lang") == "ja" and "新しい投稿" in card.text_content()
    assert page.find_class("meta")[0].get("lang") == "en"  # "1 min read"
    cfg = load_config(tmp_path / "feedkit.toml")
    raw = wire_bytes(
        confirmation_message(cfg, Subscriber("zoe@example.org", ""), "https://x/c", NOW)
    )
    assert b'<html lang="en">' in quopri.decodestring(part_on_the_wire(raw, "html")[1])
    from feedkit.web.pages import Pages

    page_html = Pages(cfg.title, cfg.language).message("Title", ["Text."]).body.decode()
    assert page_html.startswith('<!DOCTYPE html>\n<html lang="en">')


def test_check_warns_when_feedkit_has_no_words_in_the_language(tmp_path: Path) -> None:
    tmp_path.joinpath("feedkit.toml").write_text(
        GERMAN_SITE.replace('language = "de"', 'language = "it"').format(
            host="127.0.0.1", port=25, content="summary"
        ),
        encoding="utf-8",
    )
    tmp_path.joinpath("subscribers.csv").write_text("email,name\n", encoding="utf-8")
    write_post(tmp_path, "uno", "Un post", NOW - timedelta(hours=1))
    result = CliRunner().invoke(
        main, ["check", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    assert (
        "feedkit.toml: warning: language: feedkit has no translation into 'it' "
        "(en, de, es, fr): digests" in result.stderr
    )
    german = tmp_path / "feedkit.toml"
    german.write_text(german.read_text().replace('"it"', '"de-AT"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(german)], env=NOW_ENV)
    assert result.exit_code == 0 and "language" not in result.stderr


def test_the_snippet_form_speaks_the_site_language(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    make_serve_site(tmp_path, smtp_server)
    toml = tmp_path / "feedkit.toml"
    toml.write_text('language = "fr"\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["snippet", "--config", str(toml)], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert "<label>Adresse e-mail <input" in result.stdout
    assert '<button type="submit">S’abonner</button>' in result.stdout
    assert english_left(words_of(result.stdout), "fr") == []


def test_a_build_with_its_archive_up_to_date_does_not_load_babel(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    german_site(tmp_path, smtp_server, "summary")
    german_digest(tmp_path, smtp_server)  # the archive is written
    env = {**os.environ, **NOW_ENV}
    command = [sys.executable, "-X", "importtime", "-m", "feedkit", "build"]
    for _ in range(2):  # the second finds every page up to date
        proc = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    modules = re.findall(r"\| +([\w.]+)$", proc.stderr, re.M)
    assert "feedkit.mail.archive" in modules
    assert [m for m in modules if m.split(".")[0] == "babel"] == []


def test_the_feed_stylesheet_speaks_the_site_language(tmp_path: Path) -> None:
    from lxml import etree

    from feedkit.site.xsl import WORDS

    tmp_path.joinpath("feedkit.toml").write_text(GERMAN_SITE.split("[digest]")[0], encoding="utf-8")
    write_post(tmp_path, "neu", "Ein neuer Beitrag", NOW - timedelta(hours=1), "Ein Text.")
    result = CliRunner().invoke(
        main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    xsl = (tmp_path / "public" / "feed.xsl").read_text(encoding="utf-8")
    po = catalog("de")
    for english in WORDS:
        assert english not in xsl and po[english].string in xsl
    page = etree.XSLT(etree.XML(xsl.encode()))(etree.parse(str(tmp_path / "public" / "atom.xml")))
    text = " ".join(etree.fromstring(bytes(page), etree.HTMLParser()).itertext())
    assert "Dies ist ein Web-Feed." in text and "Ein neuer Beitrag" in text
    assert "Notizen aus der Werkstatt (Web-Feed)" in text  # the page's title
    assert english_left(words_of(text), "de") == []
    # The entry's authors, and the labels a screen reader says ("by Ada Quill" was left).
    assert '<span class="authors">von ' in xsl and ">by " not in xsl
    assert 'aria-label="Über diese Seite"' in xsl and 'aria-label="Kategorien"' in xsl
    assert "von  Ada Quill" in text  # (the authors are an element of their own)


@pytest.mark.parametrize(
    ("language", "two", "three"),
    [
        ("en", "by Ada Quill and Bo Park", "by Ada Quill, Bo Park, and Cy Lee"),
        ("de", "von Ada Quill und Bo Park", "von Ada Quill, Bo Park und Cy Lee"),
        ("fr", "par Ada Quill et Bo Park", "par Ada Quill, Bo Park et Cy Lee"),
    ],
)
def test_the_feed_stylesheet_lists_authors_as_the_language_writes_a_list(
    tmp_path: Path, language: str, two: str, three: str
) -> None:
    # "Ada, Bo, Cy" in every language, where the digest says "Ada, Bo und Cy".
    from lxml import etree

    toml = GERMAN_SITE.split("[digest]")[0].replace('language = "de"', f'language = "{language}"')
    tmp_path.joinpath("feedkit.toml").write_text(toml, encoding="utf-8")
    for slug, names, hours in (
        ("two", "[Ada Quill, Bo Park]", 1),
        ("three", "[Ada Quill, Bo Park, Cy Lee]", 2),
    ):
        tmp_path.joinpath("content").mkdir(exist_ok=True)
        tmp_path.joinpath("content", f"{slug}.md").write_text(
            f"---\ntitle: {slug}\ndate: {(NOW - timedelta(hours=hours)).isoformat()}\n"
            f"authors: {names}\n---\nText.\n",
            encoding="utf-8",
        )
    result = CliRunner().invoke(
        main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    xsl = etree.XSLT(etree.parse(str(tmp_path / "public" / "feed.xsl")))
    for feed in ("atom.xml", "rss.xml"):
        page = lxml.html.fromstring(str(xsl(etree.parse(str(tmp_path / "public" / feed)))))
        said = [" ".join(span.text_content().split()) for span in page.find_class("authors")]
        assert said == [two, three], feed


@pytest.mark.parametrize(
    ("language", "subtitle"),
    [
        ("en", "Posts tagged “floats” on Notizen aus der Werkstatt"),
        ("de", "Beiträge mit dem Schlagwort „floats“ auf Notizen aus der Werkstatt"),
        ("fr", "Articles avec l’étiquette «\u00a0floats\u00a0» sur Notizen aus der Werkstatt"),
        ("es", "Entradas con la etiqueta «floats» en Notizen aus der Werkstatt"),
    ],
)
def test_a_tag_feed_says_what_it_holds_in_the_sites_language(
    tmp_path: Path, language: str, subtitle: str
) -> None:
    # "Posts tagged “python” on …" under the translated page of every German, French and
    # Spanish site's tag feeds, and in their RSS description.
    import feedparser

    toml = GERMAN_SITE.split("[digest]")[0].replace('language = "de"', f'language = "{language}"')
    tmp_path.joinpath("feedkit.toml").write_text(
        toml + "[feed]\ntag_feeds = true\n", encoding="utf-8"
    )
    tmp_path.joinpath("content").mkdir()
    tmp_path.joinpath("content", "a.md").write_text(
        f"---\ntitle: A\ndate: {(NOW - timedelta(hours=1)).isoformat()}\ntags: [floats]\n"
        "---\nText.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "public" / "tags" / "floats"
    assert feedparser.parse((folder / "atom.xml").read_bytes()).feed.subtitle == subtitle
    assert feedparser.parse((folder / "rss.xml").read_bytes()).feed.subtitle == subtitle


def test_a_preview_whose_warm_up_compiled_the_page_first_still_says_its_words(
    tmp_path: Path,
) -> None:
    # A fresh process, as `feedkit preview` at 20,000 posts runs: prepare() compiles the
    # page while a child reads the posts, before the first request sets the language.
    tmp_path.joinpath("feedkit.toml").write_text(
        GERMAN_SITE.format(host="127.0.0.1", port=25, content="summary"), encoding="utf-8"
    )
    tmp_path.joinpath("subscribers.csv").write_text("email,name\n", encoding="utf-8")
    write_post(tmp_path, "neu", "Ein neuer Beitrag", NOW - timedelta(hours=1), "Ein Text.")
    script = (
        "import sys\n"
        "from datetime import datetime\n"
        "from pathlib import Path\n"
        "from feedkit.web.preview import render_page\n"
        "from feedkit.web.previewserver import make_server, prepare\n"
        "now = datetime.fromisoformat(sys.argv[2])\n"
        "server = make_server(Path(sys.argv[1]), lambda: now, port=0)\n"
        "prepare(server.site, lambda: now)\n"
        "with server.site.lock:\n"
        "    print(render_page(server.site, now))\n"
        "server.server_close()\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "feedkit.toml"), NOW.isoformat()],
        env={**os.environ, **SECRET_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert "<title>Vorschau: Notizen aus der Werkstatt</title>" in ran.stdout


def test_a_new_site_says_which_languages_its_mail_can_speak() -> None:
    from feedkit.scaffold import SiteAnswers, config_text

    text = config_text(SiteAnswers("Notizen", "https://example.com/", "Ada", language="de"))
    assert (
        'language = "de"   # the posts\'; digests and sign-up pages speak it (en, de, es, fr)'
        in text
    )
    result = CliRunner().invoke(main, ["init", "--help"])
    assert f"({', '.join(languages())})" in " ".join(result.output.split())  # all, and only
