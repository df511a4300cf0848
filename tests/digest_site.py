"""A site with subscribers and posts for digest tests; posts are added as a blogger would."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from feedkit.config import Config, load_config
from feedkit.loader import load_posts, public_posts
from feedkit.models import Post

from conftest import NOW, SITE_TOML

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


def public(cfg: Config, now: datetime = NOW) -> list[Post]:
    return public_posts(load_posts(cfg).posts, now)
