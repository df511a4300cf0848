"""Digests' unsubscribe links point at `feedkit serve` when serve.url is set: checked on the
raw bytes a real SMTP server received, and with the reader list that honours them."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main
from feedkit.config import Config, load_config
from feedkit.errors import FeedkitError
from feedkit.mail.digest import DigestRenderer
from feedkit.mail.readers import Readers
from feedkit.mail.snapshot import make_record
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.tokens import TokenError, Tokens, secret_path, site_secret

from conftest import NOW
from digest_site import make_digest_site, public, raw_fields, write_post
from smtp_server import FaultySmtpServer

READERS = [("ada@example.org", "Ada"), ("bob@example.org", "Bob"), ("cy@example.org", "Cy")]
SERVICE = "https://news.example.com/"


def service_site(root: Path, server: FaultySmtpServer) -> Config:
    make_digest_site(root, READERS)
    toml = (root / "feedkit.toml").read_text()
    toml = re.sub(r"unsubscribe_url = .*\n", 'delivery = "smtp"\n', toml)
    toml += (
        f'\n[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "none"\n'
        f'timeout = 5\nbackoff = 0\n\n[serve]\nurl = "{SERVICE}"\n'
    )
    (root / "feedkit.toml").write_text(toml)
    return load_config(root / "feedkit.toml")


def digest(root: Path, *args: str, now=NOW) -> Result:
    """`feedkit digest` with no secret in the environment: the file beside the state."""
    return CliRunner().invoke(
        main,
        ["digest", "--config", str(root / "feedkit.toml"), *args],
        env={"FEEDKIT_NOW": now.isoformat(), "FEEDKIT_UNSUBSCRIBE_SECRET": None},
    )


def one_click_url(raw: bytes) -> str:
    """Return the https URI of a message's List-Unsubscribe field, read from its bytes."""
    field = raw_fields(raw)["List-Unsubscribe"]
    found = re.fullmatch(
        rb"List-Unsubscribe: <(https://[!-~]+)>,\r\n <mailto:ada@example\.org\?subject="
        rb"unsubscribe>",
        field,
    )
    assert found, field
    return found.group(1).decode("ascii")


def test_each_readers_list_unsubscribe_carries_a_token_the_list_honours(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = service_site(tmp_path, smtp_server)
    assert digest(tmp_path).exit_code == 0  # first run: the list is made, nothing sent
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    result = digest(tmp_path)
    assert result.exit_code == 0, result.output
    assert secret_path(cfg).stat().st_mode & 0o777 == 0o600
    tokens = Tokens(site_secret(cfg, {}))
    urls = {}
    for address, _ in READERS:
        (received,) = smtp_server.received_for(address)
        fields = raw_fields(received.raw)
        post = fields["List-Unsubscribe-Post"]
        assert post == b"List-Unsubscribe-Post: List-Unsubscribe=One-Click"
        url = one_click_url(received.raw)
        assert url.startswith(SERVICE + "unsubscribe/")
        urls[address] = url
        message = email.message_from_bytes(received.raw, policy=policy.default)
        for kind in ("plain", "html"):  # the visible link is the same one
            assert url in message.get_body((kind,)).get_content()  # type: ignore[union-attr]
    assert len(set(urls.values())) == 3

    # The one-click POST's work, done with the token taken from Bob's header.
    token = tokens.read_unsubscribe(urls["bob@example.org"].rsplit("/", 1)[1])
    with State.open(cfg.path(cfg.digest.state)) as state:
        readers = Readers(state)
        bob = readers.get("bob@example.org")
        assert bob is not None and token.reader_id == bob.id
        gone = readers.unsubscribe(token.reader_id, token.subscription, NOW, "one-click")
        assert gone is not None and gone.status == "unsubscribed"
    write_post(tmp_path, "new-b", "New post B", NOW + timedelta(hours=1))
    later = digest(tmp_path, now=NOW + timedelta(days=1))
    assert later.exit_code == 0, later.output
    assert [len(smtp_server.received_for(a)) for a, _ in READERS] == [2, 1, 2]


def test_test_copies_and_dry_runs_carry_a_link_that_unsubscribes_nobody(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = service_site(tmp_path, smtp_server)
    assert digest(tmp_path).exit_code == 0
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    assert digest(tmp_path, "--dry-run").exit_code == 0
    copy = digest(tmp_path, "--to", "me@example.net")
    assert copy.exit_code == 0, copy.output
    (received,) = smtp_server.messages
    url = one_click_url(received.raw)
    with pytest.raises(TokenError):
        Tokens(site_secret(cfg, {})).read_unsubscribe(url.rsplit("/", 1)[1])


def test_unsubscribe_url_and_serve_url_together_are_a_config_problem(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    service_site(tmp_path, smtp_server)
    toml = (tmp_path / "feedkit.toml").read_text()
    toml = toml.replace(
        'delivery = "smtp"\n',
        'delivery = "smtp"\nunsubscribe_url = "https://example.com/u?token={token}"\n',
    )
    (tmp_path / "feedkit.toml").write_text(toml)
    env = {"FEEDKIT_NOW": NOW.isoformat(), "FEEDKIT_UNSUBSCRIBE_SECRET": "0123456789abcdef-x"}
    result = CliRunner().invoke(
        main, ["digest", "--config", str(tmp_path / "feedkit.toml")], env=env
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "error: feedkit.toml: digest.unsubscribe_url: and serve.url are both set: "
        "unsubscribe links point at feedkit serve (serve.url); remove "
        "digest.unsubscribe_url\n"
    )
    assert not (tmp_path / ".feedkit" / "state.db").exists()


def test_a_service_link_too_long_for_its_header_line_is_refused_before_anything_is_frozen(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # Each link carries the reader's number and subscription: work out the longest one.
    service_site(tmp_path, smtp_server)
    assert digest(tmp_path).exit_code == 0  # the list is made: readers 1 to 3
    token = Tokens(b"x" * 32).unsubscribe(3, "abcdefghijklmnop")  # a nonce's length
    link = len(SERVICE + "unsubscribe/") + len(token)
    url = SERVICE + "a" * (978 - link - 1) + "/"  # one character too many for reader 3
    toml = tmp_path / "feedkit.toml"
    toml.write_text(toml.read_text().replace(f'url = "{SERVICE}"', f'url = "{url}"'))
    write_post(tmp_path, "new-a", "New post A", NOW - timedelta(hours=1))
    why = (
        "error: feedkit.toml: serve.url: gives a 978-character link for cy@example.org, but a "
        "List-Unsubscribe header line holds at most 977 characters of link, and a link cannot "
        "be folded; make the URL shorter\n"
    )
    for args in (["--dry-run"], []):
        result = digest(tmp_path, *args)
        assert (result.exit_code, result.stderr) == (1, why), result.output
    check = CliRunner().invoke(
        main, ["check", "--config", str(toml)], env={"FEEDKIT_NOW": NOW.isoformat()}
    )
    assert (check.exit_code, check.stderr) == (1, why)
    assert digest(tmp_path, "--status").stdout.startswith("No digest sent yet")
    assert smtp_server.messages == []
    # One character shorter, every reader's link fits, and each gets the digest.
    toml.write_text(toml.read_text().replace(url, url[:-2] + "/"))
    assert digest(tmp_path, "--dry-run").exit_code == 0
    assert "3 sent" in digest(tmp_path).stdout
    longest = max(len(one_click_url(m.raw)) for m in smtp_server.messages)
    assert longest == 977


def test_a_reader_not_on_the_list_gets_no_message_without_a_working_link(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = service_site(tmp_path, smtp_server)
    renderer = DigestRenderer(cfg, environ={})
    record = make_record(public(cfg)[:1], cfg, NOW)
    rendered = renderer.render(record)
    with pytest.raises(FeedkitError) as raised:
        renderer.message(rendered, record, Subscriber("zed@example.org", "Zed"))
    assert str(raised.value) == (
        "zed@example.org: not on the reader list, so no unsubscribe link can be made for "
        "them; add them with feedkit subscribers add"
    )


def test_preview_shows_a_service_link_and_makes_no_secret(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    cfg = service_site(tmp_path, smtp_server)
    result = CliRunner().invoke(
        main,
        ["preview", "--text", "--config", str(tmp_path / "feedkit.toml")],
        env={"FEEDKIT_NOW": NOW.isoformat(), "FEEDKIT_UNSUBSCRIBE_SECRET": None},
    )
    assert result.exit_code == 0, result.output
    assert re.search(re.escape(SERVICE) + r"unsubscribe/[\w.-]+", result.stdout)
    assert not secret_path(cfg).exists() and not (tmp_path / ".feedkit").exists()
