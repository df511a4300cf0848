"""The digest on the wire: header fields and sizes in the bytes written to the outbox and
received by an SMTP server, never after a parser decoded them."""

from __future__ import annotations

import email
import json
import re
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.config import load_config
from feedkit.errors import ConfigError
from feedkit.mail.digest import DigestRenderer
from feedkit.mail.snapshot import make_record
from feedkit.mail.state import DigestRecord, State
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.unsubscribe import unsubscribe_token
from feedkit.mail.wire import wire_bytes

from conftest import NOW
from digest_site import (
    SECRET_ENV,
    digest_command,
    html_body_on_the_wire,
    make_digest_site,
    outbox_messages,
    public,
    raw_fields,
    smtp_toml,
    write_post,
)
from smtp_server import FaultySmtpServer, smtp_server_fixture  # noqa: F401

SECRET = SECRET_ENV["FEEDKIT_UNSUBSCRIBE_SECRET"].encode()
MAILTO = b"<mailto:ada@example.org?subject=unsubscribe>"
# "List-Unsubscribe: <" + URL + ">," must fit in one 998-octet line: the URL cannot be folded.
LONGEST_URL = 998 - len("List-Unsubscribe: <>,")


def sized_url_site(root: Path, length: int, extra_toml: str = "") -> str:
    """Make a site whose one reader's unsubscribe URL is `length` characters; return it."""
    make_digest_site(root, [("ada@example.org", "Ada")], posts=2, extra_toml=extra_toml)
    token = unsubscribe_token(SECRET, "ada@example.org")
    pattern = "https://e.io/" + "u" * (length - 48) + "?t={token}"
    toml = (root / "feedkit.toml").read_text()
    toml = re.sub(r'unsubscribe_url = ".*"', f'unsubscribe_url = "{pattern}"', toml)
    (root / "feedkit.toml").write_text(toml)
    url = pattern.format(token=token)
    assert len(url) == length
    return url


def check_unsubscribe_field(raw: bytes, url: str) -> None:
    field = raw_fields(raw)["List-Unsubscribe"]
    one_line = b"List-Unsubscribe: <" + url.encode() + b">, " + MAILTO
    if len(one_line) <= 78:
        assert field == one_line
    else:  # folded between the two URIs, and only there
        assert field == b"List-Unsubscribe: <" + url.encode() + b">,\r\n " + MAILTO
    assert b"=?" not in field
    assert raw_fields(raw)["List-Unsubscribe-Post"] == (
        b"List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    )
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998


@pytest.mark.parametrize("length", [48, 57, 74, 75, 76, 120, 500, LONGEST_URL])
def test_one_click_unsubscribe_url_is_written_whole_and_unencoded(
    tmp_path: Path, length: int
) -> None:
    url = sized_url_site(tmp_path, length)
    result = digest_command(tmp_path, "--send-latest", "1")
    assert result.exit_code == 0, result.output
    [raw] = outbox_messages(tmp_path).values()
    check_unsubscribe_field(raw, url)


@pytest.mark.parametrize("length", [76, LONGEST_URL])
def test_one_click_unsubscribe_url_reaches_the_smtp_server_whole(
    tmp_path: Path, smtp_server: FaultySmtpServer, length: int
) -> None:
    smtp = smtp_toml(smtp_server)
    url = sized_url_site(tmp_path, length, extra_toml=smtp)
    toml = (tmp_path / "feedkit.toml").read_text()
    (tmp_path / "feedkit.toml").write_text(
        toml.replace(
            'subscribers = "subscribers.csv"', 'subscribers = "subscribers.csv"\ndelivery = "smtp"'
        )
    )
    result = digest_command(tmp_path, "--send-latest", "1")
    assert result.exit_code == 0, result.output
    [received] = smtp_server.messages
    check_unsubscribe_field(received.raw, url)


@pytest.mark.parametrize(
    ("written", "field"),
    [
        # A Pelican site's AUTHOR that is an address, which `feedkit init` made the name.
        ("ht_song@163.com <ada@example.org>", b'From: "ht_song@163.com" <ada@example.org>'),
        ("Quill, Ada <ada@example.org>", b'From: "Quill, Ada" <ada@example.org>'),
        ('"A. \\"Q\\" Quill" <ada@example.org>', b'From: "A. \\"Q\\" Quill" <ada@example.org>'),
    ],
)
def test_the_name_of_digest_from_never_becomes_the_address_mail_comes_from(
    tmp_path: Path, smtp_server: FaultySmtpServer, written: str, field: bytes
) -> None:
    # email.utils.parseaddr took `ht_song@163.com` for the address (and `Quill` of the
    # second): digests went out From, and bounced to, an address the owner never chose.
    make_digest_site(
        tmp_path, [("bo@example.org", "Bo")], posts=2, extra_toml=smtp_toml(smtp_server)
    )
    toml = (tmp_path / "feedkit.toml").read_text()
    toml = toml.replace('from = "Ada Quill <ada@example.org>"', f"from = {json.dumps(written)}")
    toml = toml.replace(
        'subscribers = "subscribers.csv"', 'subscribers = "subscribers.csv"\ndelivery = "smtp"'
    )
    (tmp_path / "feedkit.toml").write_text(toml)
    result = digest_command(tmp_path, "--send-latest", "1")
    assert result.exit_code == 0, result.output
    [received] = smtp_server.messages
    assert received.mail_from == "ada@example.org"
    assert raw_fields(received.raw)["From"] == field
    assert b"mailto:ada@example.org?" in raw_fields(received.raw)["List-Unsubscribe"]


def test_a_digest_from_without_an_address_is_named_before_anything_is_sent(tmp_path: Path) -> None:
    make_digest_site(tmp_path, [("bo@example.org", "Bo")], posts=2)
    toml = (tmp_path / "feedkit.toml").read_text()
    toml = toml.replace(
        'from = "Ada Quill <ada@example.org>"', 'from = "Ada Quill, ada at example.org"'
    )
    (tmp_path / "feedkit.toml").write_text(toml)
    for command in (["check"], ["digest", "--send-latest", "1"]):
        result = CliRunner().invoke(main, [*command, "--config", str(tmp_path / "feedkit.toml")])
        assert result.exit_code == 1, result.output
        assert result.stderr == (
            "error: feedkit.toml: digest.from: is not an email address: "
            "'Ada Quill, ada at example.org'\n"
        )
    assert outbox_messages(tmp_path) == {}


@pytest.mark.parametrize("length", [LONGEST_URL + 1, 2_000])
def test_unsubscribe_url_too_long_for_a_header_line_is_refused_before_sending(
    tmp_path: Path, length: int
) -> None:
    sized_url_site(tmp_path, length)
    result = digest_command(tmp_path, "--send-latest", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: feedkit.toml: digest.unsubscribe_url: gives a {length:,}-character link for "
        f"ada@example.org, but a List-Unsubscribe header line holds at most {LONGEST_URL} "
        "characters of link, and a link cannot be folded; make the URL shorter\n"
    )
    assert outbox_messages(tmp_path) == {}


def test_one_reader_whose_link_cannot_fit_stops_the_run_before_anything_is_frozen(
    tmp_path: Path,
) -> None:
    long_address = "a" * 64 + "@" + "b" * 60 + "." + "c" * 60 + ".example.org"
    readers = [("ann@example.org", "Ann"), (long_address, "Long"), ("bo@example.org", "Bo")]
    make_digest_site(tmp_path, readers, posts=2)
    assert digest_command(tmp_path).exit_code == 0  # the first run records the archive
    pattern = "https://e.io/" + "u" * 760 + "?t={token}&e={email}"
    toml = (tmp_path / "feedkit.toml").read_text()
    toml = re.sub(r'unsubscribe_url = ".*"', f'unsubscribe_url = "{pattern}"', toml)
    (tmp_path / "feedkit.toml").write_text(toml)
    write_post(tmp_path, "new", "New post", NOW - timedelta(hours=1))
    length = len(pattern.format(token="t" * 32, email=long_address.replace("@", "%40")))
    expected = (
        f"feedkit.toml: digest.unsubscribe_url: gives a {length:,}-character link for "
        f"{long_address}, but a List-Unsubscribe header line holds at most {LONGEST_URL} "
        "characters of link, and a link cannot be folded; make the URL shorter\n"
    )

    check = CliRunner().invoke(
        main,
        ["check", "--config", str(tmp_path / "feedkit.toml")],
        env={"FEEDKIT_NOW": NOW.isoformat(), **SECRET_ENV},
    )
    assert (check.exit_code, check.stderr) == (1, "error: " + expected)
    result = digest_command(tmp_path)
    assert (result.exit_code, result.stderr) == (1, "error: " + expected)
    assert outbox_messages(tmp_path) == {}  # nobody got a copy, not even Ann before him
    with State.open(tmp_path / ".feedkit" / "state.db") as state:
        assert state.unfinished_digests() == [] and state.recent_digests() == []


def header_message(tmp_path: Path, reader: Subscriber, extra_toml: str = "") -> bytes:
    cfg = make_digest_site(tmp_path, [], posts=1, extra_toml=extra_toml)
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    return bytes(renderer.message(renderer.render(record), record, reader).as_bytes())


def unfolded(field: bytes) -> bytes:
    return field.replace(b"\r\n", b"")


def test_long_names_fold_between_words_and_addresses_stay_whole(tmp_path: Path) -> None:
    name = " ".join(["Augusta Ada King, Countess of Lovelace"] * 12)
    address = "a" * 64 + "@" + "b" * 60 + "." + "c" * 60 + ".example.org"
    raw = header_message(tmp_path, Subscriber(address, name))
    to = raw_fields(raw)["To"]
    assert unfolded(to) == f'To: "{name}" <{address}>'.encode()
    assert to.count(b"\r\n") > 5
    lines = to.split(b"\r\n")
    assert all(len(line) <= 78 for line in lines[:-1])
    assert lines[-1] == f" <{address}>".encode()  # the address is never broken or encoded
    assert b"=?" not in to


def test_long_non_ascii_name_is_encoded_words_and_the_address_is_not(tmp_path: Path) -> None:
    name = "José “Pepe” 山田 🚀 " * 20
    raw = header_message(tmp_path, Subscriber("jose@example.org", name))
    to = raw_fields(raw)["To"]
    assert to.isascii()
    assert all(len(line) <= 78 for line in to.split(b"\r\n"))
    assert to.endswith(b" <jose@example.org>")
    assert b"=?" not in to.rsplit(b"<", 1)[1]


def test_control_characters_in_a_name_never_reach_a_header(tmp_path: Path) -> None:
    raw = header_message(tmp_path, Subscriber("ada@example.org", "Ada\x00 Love\x1blace\x7f\x85"))
    to = raw_fields(raw)["To"]
    assert to == b"To: Ada Lovelace <ada@example.org>"


def test_a_name_or_title_typed_as_an_encoded_word_reads_as_typed(tmp_path: Path) -> None:
    # A mail program decodes `=?utf-8?q?…?=` wherever it stands: typed as a name or a post
    # title, it must itself be encoded, or the reader sees what it encodes ("Admin").
    typed = "=?utf-8?q?Admin?="
    raw = header_message(tmp_path, Subscriber("ada@example.org", typed))
    to = unfolded(raw_fields(raw)["To"])
    assert typed.encode() not in to and to.endswith(b" <ada@example.org>")
    shown = email.message_from_bytes(raw, policy=policy.default)["To"]  # as a reader's client
    assert shown.addresses[0].display_name == typed
    write_post(tmp_path, "typed", typed, NOW - timedelta(hours=1))
    cfg = load_config(tmp_path / "feedkit.toml")
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    raw = bytes(
        renderer.message(
            renderer.render(record), record, Subscriber("a@example.org", "A")
        ).as_bytes()
    )
    assert typed.encode() not in unfolded(raw_fields(raw)["Subject"])
    subject = email.message_from_bytes(raw, policy=policy.default)["Subject"]
    assert typed in subject


def test_long_title_list_id_and_sender_name_fold_outside_the_brackets(tmp_path: Path) -> None:
    long_name = "The Quite Remarkably Long-Winded Weekly Notebook of Numerical Curiosities"
    label = "numerical-curiosities-weekly-digest-for-readers." + "x" * 60 + ".example.org"
    extra = f'list_id = "{label}"\n'
    cfg_root = tmp_path
    make_digest_site(cfg_root, [], posts=1, extra_toml=extra)
    toml = (cfg_root / "feedkit.toml").read_text()
    toml = toml.replace('title = "Example Blog"', f'title = "{long_name} {long_name}"')
    toml = toml.replace(
        'from = "Ada Quill <ada@example.org>"', f'from = "{long_name} <ada@example.org>"'
    )
    (cfg_root / "feedkit.toml").write_text(toml)
    cfg = load_config(cfg_root / "feedkit.toml")
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    raw = bytes(
        renderer.message(
            renderer.render(record), record, Subscriber("a@example.org", "A")
        ).as_bytes()
    )
    fields = raw_fields(raw)
    assert unfolded(fields["List-Id"]) == f"List-Id: {long_name} {long_name} <{label}>".encode()
    assert fields["List-Id"].split(b"\r\n")[-1] == f" <{label}>".encode()
    assert unfolded(fields["From"]) == f"From: {long_name} <ada@example.org>".encode()
    message_id = fields["Message-ID"]
    assert re.fullmatch(
        rb"Message-ID: <[0-9a-f.-]+@" + re.escape(label.encode()) + rb">", message_id
    )
    for field in (fields["List-Id"], fields["From"], message_id):
        assert b"=?" not in field
        assert all(len(line) <= 998 for line in field.split(b"\r\n"))


# -- size: what Gmail measures is the HTML as sent -----------------------------------------------


def big_site(root: Path) -> None:
    make_digest_site(root, [("ada@example.org", "Ada “the Countess” Lovelace")], posts=0)
    long_body = (
        "A paragraph with enough words = a real summary & some “quotes” for the digest card. " * 20
    )
    for i in range(200):
        write_post(
            root,
            f"p{i:03d}",
            f"Post number {i} with a reasonably long title",
            NOW - timedelta(hours=i + 1),
            long_body,
        )


def test_html_part_as_sent_stays_under_max_bytes(tmp_path: Path) -> None:
    big_site(tmp_path)
    result = digest_command(tmp_path, "--send-latest", "200")
    assert result.exit_code == 0, result.output
    assert "post(s) as title links to stay under the size limit" in result.stdout
    [raw] = outbox_messages(tmp_path).values()
    body = html_body_on_the_wire(raw)
    assert b"Content-Transfer-Encoding: quoted-printable" in raw
    assert 95_000 < len(body) <= 100_000  # cut to fit, not far below the limit either
    assert b"Hi Ada," in body  # with the reader's own values filled in: their first name
    assert max(len(line) for line in body.split(b"\r\n")) <= 76  # RFC 2045


def test_a_digest_over_max_bytes_even_as_title_links_names_the_longest_title(
    tmp_path: Path,
) -> None:
    # A 200,000-character title (a slip of a script): the run stopped saying only that the
    # digest was too big, naming no post; nothing is sent, and the message says which.
    make_digest_site(tmp_path, [("ada@example.org", "Ada")], posts=0)
    write_post(tmp_path, "short", "Short", NOW - timedelta(hours=2))
    write_post(tmp_path, "long", "Long " * 40_000, NOW - timedelta(hours=1))
    result = digest_command(tmp_path, "--send-latest", "2")
    assert result.exit_code == 1
    assert re.fullmatch(
        r"error: the digest of 2 posts is over digest\.max_bytes \(100,000\) even with title "
        r"links only \([\d,]+ bytes\); the longest title, of https://example\.com/blog/"
        r"\S+/long/, has 199,999 characters: shorten it, or raise max_bytes\n",
        result.stderr,
    ), result.stderr
    assert outbox_messages(tmp_path) == {}


def test_a_reader_whose_values_outgrow_the_margin_still_gets_mail_under_max_bytes(
    tmp_path: Path,
) -> None:
    big_site(tmp_path)
    cfg = load_config(tmp_path / "feedkit.toml")
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    rendered = renderer.render(record)
    long_named = Subscriber("ada@example.org", "🚀 " * 600)
    raw = wire_bytes(renderer.message(rendered, record, long_named))
    assert len(html_body_on_the_wire(raw)) <= 100_000
    assert cards(raw) < rendered.cards  # room made for the name with fewer full cards
    # Everyone else keeps the digest rendered once.
    others = wire_bytes(renderer.message(rendered, record, Subscriber("b@example.org", "B")))
    assert cards(others) == rendered.cards
    assert len(html_body_on_the_wire(others)) <= 100_000


def cards(raw: bytes) -> int:
    html = email.message_from_bytes(raw, policy=policy.default).get_body(("html",))
    return str(html.get_content()).count('class="card"')


def test_dry_run_reports_the_html_size_as_sent(tmp_path: Path) -> None:
    big_site(tmp_path)
    result = digest_command(tmp_path, "--dry-run", "--send-latest", "200")
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.stdout.splitlines() if line.startswith("HTML:")]
    found = re.fullmatch(
        r"HTML: ([\d,]+) bytes as sent to ada@example\.org \(quoted-printable; ([\d,]+) decoded; "
        r"digest\.max_bytes is 100,000\), (\d+) full card\(s\), (\d+) title link\(s\)",
        line,
    )
    assert found, line
    sent, decoded = (int(found.group(i).replace(",", "")) for i in (1, 2))
    assert decoded < sent <= 100_000
    digest_command(tmp_path, "--send-latest", "200")
    [raw] = outbox_messages(tmp_path).values()
    assert len(html_body_on_the_wire(raw)) == sent


def renderer_for(root: Path, toml_edit: tuple[str, str]) -> tuple[DigestRenderer, DigestRecord]:
    make_digest_site(root, [], posts=1)
    toml = (root / "feedkit.toml").read_text()
    assert toml_edit[0] in toml
    (root / "feedkit.toml").write_text(toml.replace(*toml_edit))
    cfg = load_config(root / "feedkit.toml")
    return DigestRenderer(cfg, environ=SECRET_ENV), make_record(public(cfg), cfg, NOW)


def test_a_list_id_that_cannot_be_one_is_named(tmp_path: Path) -> None:
    renderer, record = renderer_for(
        tmp_path,
        ('subscribers = "subscribers.csv"', 'subscribers = "subscribers.csv"\nlist_id = "my list"'),
    )
    with pytest.raises(ConfigError, match=r"feedkit.toml: digest.list_id: 'my list' cannot"):
        renderer.message(renderer.render(record), record, Subscriber("a@example.org", "A"))


def test_an_internationalised_host_names_the_list_in_ascii(tmp_path: Path) -> None:
    renderer, record = renderer_for(
        tmp_path, ('base_url = "https://example.com/blog/"', 'base_url = "https://bücher.example/"')
    )
    message = renderer.message(renderer.render(record), record, Subscriber("a@example.org", "A"))
    fields = raw_fields(wire_bytes(message))
    assert fields["List-Id"] == b"List-Id: Example Blog <xn--bcher-kva.example>"
    assert fields["Message-ID"].endswith(b"@xn--bcher-kva.example>")


def test_an_internationalised_list_id_is_written_as_urls_write_its_host(tmp_path: Path) -> None:
    # UTS 46, as every link feedkit writes names a host; Python's IDNA 2003 codec says strasse
    edit = 'subscribers = "subscribers.csv"\nlist_id = "straße.example"'
    renderer, record = renderer_for(tmp_path, ('subscribers = "subscribers.csv"', edit))
    message = renderer.message(renderer.render(record), record, Subscriber("a@example.org", "A"))
    assert (
        raw_fields(wire_bytes(message))["List-Id"]
        == b"List-Id: Example Blog <xn--strae-oqa.example>"
    )


@pytest.mark.parametrize(
    ("pattern", "sent"),
    [
        ("https://e.io/un subscribe?t={token}", b"<https://e.io/un%20subscribe?t="),
        ("https://\u00e9.io/?t={token}", b"<https://xn--9ca.io/?t="),
    ],
)
def test_an_unsubscribe_url_goes_into_its_header_in_ascii(
    tmp_path: Path, pattern: str, sent: bytes
) -> None:
    """A header carries ASCII without spaces: feedkit.toml's URL is written so (the host in
    its IDNA form, the path percent-encoded) rather than refused at the first message."""
    renderer, record = renderer_for(
        tmp_path,
        (
            'unsubscribe_url = "https://example.com/unsubscribe?token={token}&email={email}"',
            f'unsubscribe_url = "{pattern}"',
        ),
    )
    message = renderer.message(renderer.render(record), record, Subscriber("a@example.org", "A"))
    field = raw_fields(wire_bytes(message))["List-Unsubscribe"]
    assert field.startswith(b"List-Unsubscribe: " + sent)
    assert field.isascii() and b" " not in field.split(b": ", 1)[1].split(b">")[0]


def test_math_in_a_digest_is_readable_text_in_both_parts(tmp_path: Path) -> None:
    import quopri

    make_digest_site(tmp_path, [("ada@example.org", "Ada")], posts=1)
    body = "Let $\\alpha \\in \\mathcal{D}$ and $x_i^2 \\le \\frac{a+b}{2}$.\n\nMore text."
    write_post(tmp_path, "math", "Math", NOW - timedelta(hours=1), body)
    result = digest_command(tmp_path, "--send-latest", "1")
    assert result.exit_code == 0, result.output
    [raw] = outbox_messages(tmp_path).values()
    boundary = re.search(rb'boundary="([^"]+)"', raw)
    assert boundary
    shown = {}
    for part in raw.split(b"\r\n--" + boundary.group(1))[1:-1]:
        head, _, encoded = part.partition(b"\r\n\r\n")
        assert b"Content-Transfer-Encoding: quoted-printable" in head
        kind = re.search(rb"Content-Type: (text/\w+)", head)
        assert kind
        shown[kind.group(1)] = quopri.decodestring(encoded).decode("utf-8")
    assert set(shown) == {b"text/plain", b"text/html"}
    for text in shown.values():
        assert "Let α ∈ 𝒟 and xᵢ² ≤ (a + b)/2." in text
        assert "\\alpha" not in text and "\\frac" not in text and "<math" not in text
