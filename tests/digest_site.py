"""A site with subscribers and posts for digest tests; posts are added as a blogger would."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from feedkit.cli import main
from feedkit.config import Config, load_config
from feedkit.models import Post
from feedkit.posts.gathered import public_posts
from feedkit.posts.loader import load_posts

from conftest import NOW, SITE_TOML
from smtp_server import FaultySmtpServer

DIGEST_TOML = (
    SITE_TOML
    + """
[digest]
from = "Ada Quill <ada@example.org>"
subscribers = "subscribers.csv"
unsubscribe_url = "https://example.com/unsubscribe?token={token}&email={email}"
"""
)
SECRET_ENV = {"FEEDKIT_UNSUBSCRIBE_SECRET": "0123456789abcdef-test-secret"}


def write_post(root: Path, slug: str, title: str, when: datetime, body: str = "") -> None:
    path = root / "content" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = body or f"The post about {title}.\n\nA second paragraph."
    path.write_text(
        f'---\ntitle: "{title}"\ndate: {when.isoformat()}\ntags: [test]\n---\n{text}\n',
        encoding="utf-8",
    )


def make_digest_site(
    root: Path, subscribers: list[tuple[str, str]], posts: int = 3, extra_toml: str = ""
) -> Config:
    root.mkdir(parents=True, exist_ok=True)
    (root / "feedkit.toml").write_text(DIGEST_TOML + extra_toml, encoding="utf-8")
    lines = ["email,name"] + [f'{email},"{name}"' for email, name in subscribers]
    (root / "subscribers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for i in range(posts):
        write_post(root, f"old-{i}", f"Old post {i}", NOW - timedelta(days=30 - i))
    return load_config(root / "feedkit.toml")


def site_after_first_digest(root: Path) -> Config:
    """A digest site for Ada whose first digest ran: the archive is recorded as sent."""
    from feedkit.mail.sending import run_digest, sender_factory
    from feedkit.mail.state import State
    from feedkit.mail.subscribers import Subscriber

    cfg = make_digest_site(root, [("ada@example.org", "Ada")])
    with State.open(cfg.path(cfg.digest.state)) as state:
        reader = Subscriber("ada@example.org", "Ada")
        run_digest(cfg, state, public(cfg), [reader], sender_factory(cfg), NOW)
    return cfg


def public(cfg: Config, now: datetime = NOW) -> list[Post]:
    return public_posts(load_posts(cfg).posts, now)


def digest_command(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """Return the result of `feedkit digest` on the site in `root`, at NOW, as a user runs it."""
    environ = {"FEEDKIT_NOW": NOW.isoformat(), **SECRET_ENV, **(env or {})}
    return CliRunner().invoke(
        main, ["digest", "--config", str(root / "feedkit.toml"), *args], env=environ
    )


def outbox_messages(root: Path) -> dict[str, bytes]:
    """Return the bytes of every message in the site's outbox, by file name."""
    return {p.name: p.read_bytes() for p in sorted((root / "outbox").glob("*/*.eml"))}


def raw_fields(raw: bytes) -> dict[str, bytes]:
    """Return each header field of a message exactly as written, folds included, by name."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    fields = re.split(rb"\r\n(?![ \t])", head)
    return {field.split(b":", 1)[0].decode(): field for field in fields}


def part_on_the_wire(raw: bytes, subtype: str) -> tuple[bytes, bytes]:
    """Return the head and body of the message's text/`subtype` part as it carries them
    (encoded, CRLF line ends)."""
    found = re.search(rb'boundary="([^"]+)"', raw)
    assert found, "not a multipart message"
    for part in raw.split(b"\r\n--" + found.group(1)):
        head, _, body = part.partition(b"\r\n\r\n")
        if b"Content-Type: text/" + subtype.encode() in head:
            return head, body
    raise AssertionError(f"no text/{subtype} part")


def decoded_part(raw: bytes, subtype: str) -> str:
    """Return the message's text/`subtype` part as a reader's mail program shows it: its
    transfer encoding undone, decoded as UTF-8, CRLF line ends kept."""
    import base64
    import quopri

    head, body = part_on_the_wire(raw, subtype)
    if b"Content-Transfer-Encoding: quoted-printable" in head:
        body = quopri.decodestring(body)
    elif b"Content-Transfer-Encoding: base64" in head:
        body = base64.b64decode(body)
    return body.decode("utf-8")


def smtp_toml(server: FaultySmtpServer, auth: bool = False) -> str:
    """Return the `[smtp]` table of a site that mails through `server`."""
    user = 'username = "feedkit"\n' if auth else ""
    return (
        f'\n[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "none"\n'
        f"timeout = 5\nbackoff = 0\n{user}"
    )


def html_body_on_the_wire(raw: bytes) -> bytes:
    """Return the HTML part's body as the message carries it (encoded, CRLF line ends)."""
    return part_on_the_wire(raw, "html")[1]
