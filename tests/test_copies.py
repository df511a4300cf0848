"""Each reader's copy cut from one message has the bytes the email package gives that reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from feedkit.config import Config, load_config
from feedkit.mail.copies import CopyMaker
from feedkit.mail.digest import DigestRenderer
from feedkit.mail.readers import Readers
from feedkit.mail.snapshot import make_record
from feedkit.mail.state import State
from feedkit.mail.subscribers import Subscriber, mail_address
from feedkit.mail.wire import html_sent_size, wire_bytes

from conftest import NOW
from digest_site import SECRET_ENV, make_digest_site, public

READERS = [
    ("ada@example.org", "Ada"),
    ("jose@example.org", "José Núñez"),
    ("kana@example.jp", "日本語の名前 🚀 “curly”"),
    ("long@example.org", "Longname " * 30),
    ("q@example.org", 'Hostile "quoted", <angle> & ampersand; a=b, =3D'),
    ("tpl@example.org", "%%FEEDKIT_RECIPIENT_EMAIL%% <script>alert(1)</script>"),
    ("space@example.org", "trailing space   "),
    ("empty@example.org", ""),
    ("x" * 64 + "@" + "sub." * 20 + "example.org", "Long Address"),
    ("o'brien+news@example.org", "O'Brien"),
    ("chloé@example.fr", "Chloé"),  # SMTPUTF8: made by the email package itself
    ("user@exämple.de", "IDN Domain"),
]
SERVICE_TOML = '\n[serve]\nurl = "https://news.example.com/"\n'


def boundary_free(data: bytes) -> bytes:
    """Return the message with its MIME boundary (random in every message) made one."""
    found = re.search(rb'boundary="([^"]+)"', data)
    assert found, data[:400]
    return data.replace(found.group(1), b"BOUNDARY")


def site(root: Path, how: str, posts: int = 3) -> Config:
    make_digest_site(root, READERS, posts=posts)
    toml = (root / "feedkit.toml").read_text()
    if how == "service":
        toml = re.sub(r"unsubscribe_url = .*\n", "", toml) + SERVICE_TOML
    elif how == "mailto":
        toml = re.sub(r"unsubscribe_url = .*\n", "", toml)
    (root / "feedkit.toml").write_text(toml)
    return load_config(root / "feedkit.toml")


@pytest.mark.parametrize("how", ["unsubscribe_url", "service", "mailto"])
def test_every_reader_gets_the_bytes_the_email_package_makes(tmp_path: Path, how: str) -> None:
    cfg = site(tmp_path, how)
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    rendered = renderer.render(record)
    maker = CopyMaker(renderer, rendered, record)
    with State.open(tmp_path / "state.db") as state:
        readers = Readers(state)
        for email, name in READERS:
            readers.add(Subscriber(mail_address(email), name), NOW, "test")
        filled = 0
        for email, _name in READERS:
            reader = readers.get(mail_address(email))
            assert reader is not None
            subscriber = reader.subscriber
            copy = maker.copy(subscriber, reader)
            made = wire_bytes(renderer.message(rendered, record, subscriber, reader))
            assert boundary_free(copy.data) == boundary_free(made), email
            assert copy.sender == "ada@example.org"
            filled += maker._parts is not None
    assert filled == len(READERS)  # cut from the first reader's message, filled for the rest


def test_a_copy_over_max_bytes_gets_fewer_cards_as_the_email_package_gives_it(
    tmp_path: Path,
) -> None:
    cfg = site(tmp_path, "unsubscribe_url", posts=12)
    record = make_record(public(cfg), cfg, NOW)
    short = Subscriber("a@example.org", "A")
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    fits = html_sent_size(renderer.message(renderer.render(record), record, short))
    # Room for every card and the usual margin for a reader's values, not for a long name.
    toml = (tmp_path / "feedkit.toml").read_text()
    toml = toml.replace("[digest]\n", f"[digest]\nmax_bytes = {fits + 2_100}\n")
    (tmp_path / "feedkit.toml").write_text(toml)
    renderer = DigestRenderer(load_config(tmp_path / "feedkit.toml"), environ=SECRET_ENV)
    rendered = renderer.render(record)
    assert rendered.overflow == 0
    maker = CopyMaker(renderer, rendered, record)
    maker.copy(short)
    long_named = Subscriber("b@example.org", "Ünïcödé " * 60)
    copy = maker.copy(long_named)
    made = renderer.message(rendered, record, long_named)
    assert boundary_free(copy.data) == boundary_free(wire_bytes(made))
    assert fits < html_sent_size(made) <= fits + 2_100
