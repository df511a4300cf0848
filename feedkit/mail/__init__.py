"""Posts → inboxes: new posts, the digest rendered once, one message per reader on the wire,
the subscriber list, what was sent to whom (SQLite), outbox or SMTP delivery."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from feedkit.config import Config


# Here, not with the sending code: `feedkit check` asks it of every site, and importing
# that code (the email package, Jinja2, premailer) costs a site that mails nothing 0.4 s.
def digest_in_use(cfg: Config) -> bool:
    """Return whether the site mails a digest at all, so its settings are worth checking."""
    digest = cfg.digest
    return bool(
        digest.sender
        or digest.delivery == "smtp"
        or digest.schedule
        or digest.unsubscribe_url
        or cfg.path(digest.subscribers).exists()
    )
