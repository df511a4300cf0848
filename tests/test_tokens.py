"""Signed confirmation and unsubscribe links, and the secret that signs them."""

import re
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feedkit.config import parse_config
from feedkit.errors import ConfigError
from feedkit.mail.tokens import (
    TokenError,
    Tokens,
    confirm_link,
    secret_path,
    site_secret,
    unsubscribe_link,
)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def test_a_confirmation_token_reads_back_within_its_time() -> None:
    tokens = Tokens(b"s" * 32)
    token = tokens.confirm(7, "nonce-1", NOW)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token)  # fits in a URL path as it is
    read = tokens.read_confirm(token, NOW + timedelta(hours=23), DAY)
    assert (read.reader_id, read.nonce) == (7, "nonce-1")
    with pytest.raises(TokenError, match="expired"):
        tokens.read_confirm(token, NOW + DAY + timedelta(minutes=1), DAY)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: "WzgsIm5vbmNlLTEiLDE3NzIzNTU2MDBd" + t[t.index(".") :],  # other reader
        lambda t: "",
        lambda t: "not a token at all",
    ],
)
def test_forged_confirmation_tokens_are_refused_alike(tamper) -> None:  # type: ignore[no-untyped-def]
    tokens = Tokens(b"s" * 32)
    token = tokens.confirm(7, "nonce-1", NOW)
    with pytest.raises(TokenError) as caught:
        tokens.read_confirm(tamper(token), NOW, DAY)
    assert str(caught.value) == "this confirmation link is not valid"


def test_tokens_of_one_purpose_or_secret_do_not_pass_as_another() -> None:
    tokens = Tokens(b"s" * 32)
    unsubscribe = tokens.unsubscribe(7, "sub-1")
    assert tokens.read_unsubscribe(unsubscribe).reader_id == 7
    with pytest.raises(TokenError):
        tokens.read_confirm(unsubscribe, NOW, DAY)
    with pytest.raises(TokenError):
        tokens.read_unsubscribe(tokens.confirm(7, "sub-1", NOW))
    with pytest.raises(TokenError):
        Tokens(b"t" * 32).read_unsubscribe(unsubscribe)


def config(tmp_path: Path):  # type: ignore[no-untyped-def]
    return parse_config({"title": "T", "base_url": "https://example.org/"}, tmp_path)


def test_the_secret_is_made_once_privately_beside_the_state(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    first = site_secret(cfg, environ={})
    path = secret_path(cfg)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(first) >= 32 and site_secret(cfg, environ={}) == first


def test_a_secret_from_the_environment_wins_and_must_be_long_enough(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    assert site_secret(cfg, environ={"FEEDKIT_UNSUBSCRIBE_SECRET": "x" * 20}) == b"x" * 20
    assert not secret_path(cfg).exists()
    with pytest.raises(ConfigError, match="FEEDKIT_UNSUBSCRIBE_SECRET must hold at least 16"):
        site_secret(cfg, environ={"FEEDKIT_UNSUBSCRIBE_SECRET": "short"})


def test_serve_url_must_be_https(tmp_path: Path) -> None:
    base = {"title": "T", "base_url": "https://example.org/"}
    cfg = parse_config({**base, "serve": {"url": "https://news.example.org"}}, tmp_path)
    assert cfg.serve.url == "https://news.example.org/"
    with pytest.raises(ConfigError, match="serve.url"):
        parse_config({**base, "serve": {"url": "http://news.example.org/"}}, tmp_path)


def test_links_point_at_the_service_and_read_back(tmp_path: Path) -> None:
    base = {"title": "T", "base_url": "https://example.org/"}
    cfg = parse_config({**base, "serve": {"url": "https://news.example.org/list"}}, tmp_path)
    tokens = Tokens(b"s" * 32)
    link = unsubscribe_link(cfg, tokens, 3, "sub")
    assert link.startswith("https://news.example.org/list/unsubscribe/")
    assert tokens.read_unsubscribe(link.rsplit("/", 1)[1]).subscription == "sub"
    confirm = confirm_link(cfg, tokens, 3, "n", NOW)
    assert tokens.read_confirm(confirm.rsplit("/", 1)[1], NOW, DAY).nonce == "n"
    with pytest.raises(ConfigError, match="serve.url"):
        unsubscribe_link(config(tmp_path), tokens, 3, "sub")
