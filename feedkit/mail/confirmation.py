"""The confirmation mail of a sign-up (double opt-in): its message, and its delivery."""

from __future__ import annotations

import hashlib
import html
import textwrap
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import partial

from feedkit.config import Config
from feedkit.i18n import language
from feedkit.mail.bidi import isolate
from feedkit.mail.delivery import Sender
from feedkit.mail.identity import list_id, mail_from
from feedkit.mail.sending import sender_factory
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.wire import MAIL_POLICY, UTF8_MAIL_POLICY, fold, mailbox, text_tokens

OUTBOX_FOLDER = "confirmations"  # under digest.outbox, beside the digests' folders
# Fewer and shorter tries than a digest's, and no doubling backoff between them: the
# queue is tried again later (feedkit/web/confirmations.py).
MAX_ATTEMPTS = 2
MAX_TIMEOUT = 15.0  # seconds
MAX_WAIT = 1.0  # seconds between tries


def confirmation_sender(cfg: Config) -> tuple[str, str]:
    """Return the display name and address confirmations come from (`digest.from`)."""
    return mail_from(cfg, "to mail confirmations")


def confirmation_message(
    cfg: Config, subscriber: Subscriber, link: str, now: datetime
) -> EmailMessage:
    """Return the mail asking `subscriber` to confirm their sign-up by opening `link`, in the
    site's language."""
    from_name, from_address = confirmation_sender(cfg)
    words = language(cfg.language)
    within = words.duration(cfg.serve.confirm_within)
    subject = words.gettext("Confirm your subscription to %(site)s") % {"site": isolate(cfg.title)}
    greeting = words.greeting(subscriber.name, isolate)
    asked = words.gettext(
        "someone, hopefully you, asked for the posts of %(site)s by email at this address. "
        "To confirm, open this link and press the button on the page:"
    ) % {"site": cfg.title}
    works = words.gettext(
        "The link works for %(time)s. If you did not ask for this, ignore this mail: "
        "nothing more will come."
    ) % {"time": within}
    lines = partial(textwrap.fill, width=72, break_long_words=False, break_on_hyphens=False)
    text = "\n\n".join([greeting, lines(asked), link, lines(works)]) + "\n"
    button = words.gettext("Confirm my subscription")
    e = html.escape
    page = (
        f'<!DOCTYPE html>\n<html lang="{e(words.words_tag)}"><head><meta charset="utf-8">'
        f"<title>{e(subject)}</title></head>\n"
        '<body style="font-family:sans-serif;line-height:1.5;max-width:36em">\n'
        f"<p>{e(greeting)}</p>\n"
        f"<p>{e(asked)}</p>\n"
        f'<p><a href="{e(link)}">{e(button)}</a></p>\n'
        f"<p>{e(works)}</p>\n</body></html>\n"
    )
    smtputf8 = not (from_address + subscriber.email).isascii()
    msg = EmailMessage(policy=UTF8_MAIL_POLICY if smtputf8 else MAIL_POLICY)
    msg.set_raw("Subject", fold("Subject", text_tokens(subject)))
    msg.set_raw("From", mailbox("From", from_name, from_address))
    msg.set_raw("To", mailbox("To", subscriber.name, subscriber.email))
    msg["Date"] = format_datetime(now)
    # Unique per confirmation, without saying which: the link's nonce is not in it.
    who = hashlib.sha256(f"{link}\n{subscriber.key}".encode()).hexdigest()[:20]
    msg.set_raw("Message-ID", fold("Message-ID", [f"<confirm.{who}@{list_id(cfg)}>"]))
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: autoresponders do not answer it
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(page, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


def confirmation_delivery(cfg: Config, sleep: Callable[[float], None] = time.sleep) -> Sender:
    """Open the configured delivery (outbox or SMTP) for confirmation mails, with at most
    MAX_ATTEMPTS tries of at most MAX_TIMEOUT seconds each: one address that cannot be
    reached holds up the others' confirmations no longer than that (they are tried again
    later). Close it after use."""
    smtp = cfg.smtp
    quick = replace(
        smtp, attempts=min(smtp.attempts, MAX_ATTEMPTS), timeout=min(smtp.timeout, MAX_TIMEOUT)
    )
    sender = sender_factory(
        replace(cfg, smtp=quick), sleep=lambda seconds: sleep(min(seconds, MAX_WAIT))
    )
    return sender(OUTBOX_FOLDER)
