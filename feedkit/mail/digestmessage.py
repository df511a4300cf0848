"""Each reader's message of a rendered digest: their values in place of the placeholders, the
headers receivers expect, its HTML within `digest.max_bytes`; and the check, before a digest
is frozen, that every reader's message can be made (mail/digest.py renders the digest once)."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import quote

from feedkit.config import Config
from feedkit.errors import ConfigError
from feedkit.mail.bidi import isolate
from feedkit.mail.digest import RECIPIENT_MARGIN, DigestRenderer, RenderedDigest
from feedkit.mail.identity import list_id, mail_from, message_id
from feedkit.mail.placeholders import PLACEHOLDERS
from feedkit.mail.readers import Reader
from feedkit.mail.state import DigestRecord
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.tokens import site_secret
from feedkit.mail.unsubscribe import UnsubscribeLinks
from feedkit.mail.wire import (
    MAIL_POLICY,
    UTF8_MAIL_POLICY,
    fold,
    html_sent_size,
    mailbox,
    text_tokens,
)


def check_sendable(
    cfg: Config,
    environ: Mapping[str, str] | None = None,
    subscribers: Sequence[Subscriber] = (),
    widest: Reader | None = None,
) -> list[tuple[str, str]]:
    """Return every `(key, message)` that would stop a message from being made; empty if none.
    `widest`: the reader list's `Readers.widest`, whose `feedkit serve` link is the longest.

    Run before a digest is frozen: a digest frozen and then not sent goes out later
    together with the next one, and one stopped half-way has served only some readers.
    """
    links = UnsubscribeLinks(cfg, environ, sample=True)
    checks: list[Callable[[], object]] = [lambda: mail_from(cfg), lambda: list_id(cfg)]
    problems: list[tuple[str, str]] = []
    if cfg.digest.unsubscribe_url:
        checks.append(links.secret)
        if cfg.serve.url:
            why = "and serve.url are both set: unsubscribe links point at feedkit serve "
            why += "(serve.url); remove digest.unsubscribe_url"
            problems.append(("digest.unsubscribe_url", why))
    elif cfg.serve.url and cfg.digest.secret_env in links.environ:
        checks.append(lambda: site_secret(cfg, links.environ))  # else a file, made on use
    for check in checks:
        try:
            check()
        except ConfigError as exc:
            problems.extend(exc.problems)
    if subscribers and not problems:
        # A reader's link differs from another's only by the address in it (the token has
        # one length): if the longest address fits in the header, every reader's does.
        longest = max(subscribers, key=lambda s: len(quote(s.email, safe="")))
        try:
            links.list_unsubscribe(longest.email)
            if widest is not None:  # a link of feedkit serve carries the reader's number
                links.list_unsubscribe(
                    widest.address, links.unsubscribe_link(widest.address, widest)
                )
        except ConfigError as exc:
            problems.extend(exc.problems)
    return problems


def reader_message(
    renderer: DigestRenderer,
    rendered: RenderedDigest,
    record: DigestRecord,
    subscriber: Subscriber,
    reader: Reader | None = None,
    msgid: str | None = None,
) -> EmailMessage:
    """Return the message for one reader (`reader`: their row on the list): placeholders
    filled, headers receivers expect, and its HTML part, as sent, within `max_bytes`.
    `msgid`: its Message-ID, if not the reader's copy's of this digest."""
    message = _message(renderer, rendered, record, subscriber, reader, msgid)
    reserve = RECIPIENT_MARGIN
    while (over := html_sent_size(message) - renderer.cfg.digest.max_bytes) > 0:
        # This reader's name and link need more room than the margin: fewer full cards.
        reserve += over
        fewer = replace(renderer.render(record, reserve), subject=rendered.subject)
        message = _message(renderer, fewer, record, subscriber, reader, msgid)
    return message


def _message(
    renderer: DigestRenderer,
    rendered: RenderedDigest,
    record: DigestRecord,
    subscriber: Subscriber,
    reader: Reader | None,
    msgid: str | None = None,
) -> EmailMessage:
    cfg = renderer.cfg
    email = subscriber.email
    unsubscribe = renderer.links.unsubscribe_link(email, reader)
    values = {
        "name": subscriber.name,
        "greeting": renderer.language.greeting(subscriber.name, isolate),
        "unsubscribe_url": unsubscribe,
        "email": email,
    }
    html_body, text_body = rendered.html, rendered.text
    for key, placeholder in PLACEHOLDERS.items():
        html_body = html_body.replace(placeholder, html.escape(values[key]))
        text_body = text_body.replace(placeholder, values[key])

    from_name, from_address = mail_from(cfg)
    smtputf8 = not (from_address + email).isascii()
    msg = EmailMessage(policy=UTF8_MAIL_POLICY if smtputf8 else MAIL_POLICY)
    # Every field that carries a URI or an address is folded here, between its elements
    # and never inside one, and never encoded: the email package's folder would encode
    # a long List-Unsubscribe into words no receiver reads as a URI (RFC 2369), and drop
    # the spaces between encoded words ("“curly” 🚀 日本語" → "“curly”🚀日本語").
    msg.set_raw("Subject", fold("Subject", text_tokens(rendered.subject)))
    msg.set_raw("From", mailbox("From", from_name, from_address))
    msg.set_raw("To", mailbox("To", subscriber.name, email))
    msg["Date"] = format_datetime(record.created)
    list_name = list_id(cfg)
    msgid = msgid or message_id(record.id, email, list_name)
    msg.set_raw("Message-ID", fold("Message-ID", [msgid]))
    msg.set_raw("List-Id", fold("List-Id", [*text_tokens(cfg.title, True), f"<{list_name}>"]))
    msg.set_raw("List-Unsubscribe", renderer.links.list_unsubscribe(email, unsubscribe))
    if unsubscribe.startswith("https:"):
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Precedence"] = "bulk"
    # Quoted-printable keeps every line under 998 octets whatever the templates do.
    msg.set_content(text_body, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html_body, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg
