"""The digest's HTML and text, rendered once from its snapshots (mail/snapshot.py), with
placeholders for each reader's own values (each reader's message: mail/digestmessage.py)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jinja2
import markupsafe

from feedkit.config import Config, DigestConfig
from feedkit.errors import ConfigError, FeedkitError
from feedkit.i18n import I18N, Language, language
from feedkit.mail.archive import subscribe_url, web_url
from feedkit.mail.bidi import balanced, direction, isolate
from feedkit.mail.placeholders import PerReaderError, recipient_values
from feedkit.mail.readers import Reader
from feedkit.mail.rendercache import SETTINGS, Phrases, RenderCache, inline
from feedkit.mail.snapshot import shows_image
from feedkit.mail.state import DigestRecord, PostSnapshot
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.unsubscribe import UnsubscribeLinks
from feedkit.mail.wire import sent_size
from feedkit.shown import display_path

log = logging.getLogger("feedkit.mail.digest")
TEMPLATE_HTML = "digest.html.j2"
TEMPLATE_TEXT = "digest.txt.j2"
TEMPLATE_SUBJECT = "digest.subject.j2"
# Room, in bytes as sent, for the per-reader values that replace the placeholders.
RECIPIENT_MARGIN = 2_000
# The reader the preview and the dry run show: made up, so no real address or token is shown.
SAMPLE_READER = Subscriber("reader@example.com", "Alex Reader")


class TemplateError(FeedkitError):
    """An email template is missing or broken."""

    @classmethod
    def first_run(cls, broken: list[str], outcome: str) -> TemplateError:
        """Return the error of a first digest run whose trial of the site's templates found
        `broken` (one line each: the command puts "error: " before the first), the last
        line saying why, and the `outcome`."""
        said = "the first digest run renders the newest posts with the site's email templates"
        return cls("\nerror: ".join([*broken, f"{said} before it records the archive: {outcome}"]))


@dataclass(frozen=True)
class RenderedDigest:
    """A digest rendered once, with per-reader placeholders still in it."""

    subject: str
    html: str
    text: str
    cards: int  # posts shown in full
    overflow: int  # posts listed as title links only, to stay under the size limit


def format_day(when: datetime, cfg: Config, *, long: bool = False) -> str:
    """Return the day of `when` in the site's zone, written as the site's language does."""
    from feedkit.posts.sitezone import site_zone

    return language(cfg.language).day(when, site_zone(cfg), long=long)


def site_templates(cfg: Config) -> Path | None:
    """Return the folder of the site's own email templates, None when it has none (the
    default `email_templates/` not made). Raise ConfigError for a `digest.templates` set in
    feedkit.toml that is no folder: a typo mailed feedkit's templates, and check said OK."""
    folder = cfg.path(cfg.digest.templates)
    if folder.is_dir():
        return folder
    if cfg.digest.templates != DigestConfig().templates:
        raise ConfigError(
            [
                (
                    "digest.templates",
                    f"{str(cfg.digest.templates)!r} is not a folder; make it, or set the "
                    "folder that holds your templates",
                )
            ]
        )
    return None


class DigestRenderer:
    """Renders digests from the site's templates, falling back to feedkit's defaults."""

    def __init__(
        self,
        cfg: Config,
        environ: Mapping[str, str] | None = None,
        *,
        web_copy: bool = False,
        sample_links: bool = False,
        render_cache: RenderCache | None = None,
        web_link: bool = True,
    ) -> None:
        """`web_copy`: rendering the archive's page, not a mail. `sample_links`: links of
        `feedkit serve` that unsubscribe nobody, for copies that go to no reader on the list
        (preview, dry run, test copy). `render_cache`: where inlined HTML and compiled
        templates are kept, if anywhere. `web_link` False: no link to the web copy (a test
        copy's digest has none, now or later: it is made again when it is sent)."""
        self.cfg = cfg
        self.web_link = web_link
        self.render_cache = render_cache
        self.web_copy = web_copy
        self.links = UnsubscribeLinks(cfg, environ, sample=sample_links)
        site_dir = site_templates(cfg)
        loaders: list[jinja2.BaseLoader] = []
        if site_dir is not None:
            loaders.append(jinja2.FileSystemLoader(site_dir))
        loaders.append(jinja2.FileSystemLoader(default_templates_dir()))
        self.language: Language = language(cfg.language)
        # Dates, counts and names as the language writes them, kept for the runs that follow.
        self.phrases = (
            render_cache.phrases(self.language) if render_cache else Phrases(self.language)
        )
        common: dict[str, Any] = dict(
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        loader = jinja2.ChoiceLoader(loaders)
        self.html_env = self._environment(loader, render_cache, autoescape=True, **common)
        self.text_env = self._environment(loader, render_cache, autoescape=False, **common)

    def _environment(
        self, loader: jinja2.BaseLoader, render_cache: RenderCache | None, **options: Any
    ) -> jinja2.Environment:
        made_with = {"extensions": [I18N], **options}  # what the compiled templates depend on
        cache = render_cache.templates(made_with) if render_cache is not None else None
        return self.language.environment(loader=loader, bytecode_cache=cache, **options)

    # -- rendering -------------------------------------------------------------------------

    def _context(
        self,
        record: DigestRecord,
        cards: Sequence[PostSnapshot],
        overflow: Sequence[PostSnapshot],
        subject: str,
    ) -> dict[str, Any]:
        cfg = self.cfg
        titles = [isolate(p.title) for p in record.posts]
        count = len(record.posts)
        said = self.language.ngettext(
            "%(count)s new post: %(titles)s", "%(count)s new posts: %(titles)s", count
        )
        preheader = said % {"count": self.phrases.number(count), "titles": " · ".join(titles)}
        return {
            # The language of feedkit's words in the mail: English where it has none in the
            # site's (the posts keep the site's language).
            "words_language": self.language.words_tag,
            "site": {
                "title": isolate(cfg.title),
                "url": cfg.base_url,
                "description": cfg.description,
                "language": cfg.language,
                "feed_url": urljoin(cfg.base_url, cfg.feed.atom),
                "postal_address": cfg.digest.postal_address.splitlines(),
            },
            "digest": {
                "id": record.id,
                "subject": subject,
                "post_count": count,
                # Cut, a title's isolate or override may be left open: closed again.
                "preheader": balanced(preheader[:200]),
                "date": self._day(record.created, long=True),
            },
            "posts": [self._card(p) for p in cards],
            "overflow_posts": [
                {
                    "title": isolate(p.title),
                    "url": p.url,
                    "date": self._day(datetime.fromisoformat(p.published)),
                    "language": p.language,
                }
                for p in overflow
            ],
            "recipient": recipient_values(),
            # Mails link to their web copy; the web copy itself links to the sign-up page.
            "web_url": web_url(cfg, record) if self.web_link and not self.web_copy else "",
            "web_copy": self.web_copy,
            "subscribe_url": subscribe_url(cfg),
        }

    def _card(self, post: PostSnapshot) -> dict[str, Any]:
        updated = datetime.fromisoformat(post.updated) if post.updated else None
        return {
            "title": isolate(post.title),  # it stays one title wherever it is put
            "url": post.url,
            "date": self._day(datetime.fromisoformat(post.published)),
            "updated": self._day(updated) if updated else "",
            "reading_minutes": post.reading_minutes,
            "authors": self.phrases.names(post.authors),
            "summary": post.summary,
            "image": post.image if shows_image(post.image) else None,
            "image_alt": post.image_alt,
            "image_height": post.image_height,
            # Sanitised when rendered (feedkit.posts.sanitize): markup, not text to escape.
            "html": markupsafe.Markup(post.html),
            "direction": direction(post.html),  # as dir="auto" lays it out: ltr when empty
            "text": post.text,
            # The post's language where it is not the site's: its title and text say so.
            "language": post.language,
        }

    def _day(self, when: datetime, *, long: bool = False) -> str:
        from feedkit.posts.sitezone import site_zone

        return self.phrases.day(when, site_zone(self.cfg), long=long)  # as format_day writes it

    def _template(self, env: jinja2.Environment, name: str) -> jinja2.Template:
        try:
            return env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise self._syntax_error(exc) from exc
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"email template {name} not found") from exc

    def _render(self, env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
        template = self._template(env, name)
        try:
            return template.render(context)
        except jinja2.UndefinedError as exc:
            where = self._shown(_template_line(exc) or template.filename or name)
            raise TemplateError(
                f"{where}: {exc.message}; see the template context in README"
            ) from exc
        except jinja2.TemplateSyntaxError as exc:  # in a file it includes, such as digest.css
            raise self._syntax_error(exc) from exc
        except jinja2.TemplateNotFound as exc:
            where = self._shown(template.filename or name)
            raise TemplateError(f"{where}: includes {exc.name}, which is not found") from exc
        except FeedkitError:
            raise
        except PerReaderError as exc:
            where = self._shown(_template_line(exc) or template.filename or name)
            raise TemplateError(f"{where}: {exc}") from exc
        except Exception as exc:  # noqa: BLE001 - the template's own code: {{ n + " min" }}
            where = self._shown(_template_line(exc) or template.filename or name)
            raise TemplateError(f"{where}: {type(exc).__name__}: {exc}") from exc

    def _syntax_error(self, exc: jinja2.TemplateSyntaxError) -> TemplateError:
        where = self._shown(exc.filename or exc.name)
        return TemplateError(f"{where}:{exc.lineno}: {exc.message}")

    def _shown(self, where: str | None) -> str:
        """Return a template's path (and line) as messages show paths: from the site's
        folder for the site's own templates."""
        return display_path(where or "", self.cfg.root)

    def render(self, record: DigestRecord, reserve: int = RECIPIENT_MARGIN) -> RenderedDigest:
        """Return the digest rendered and inlined once, cut so that its HTML part, as sent
        and with `reserve` bytes left for each reader's own values, fits in `max_bytes`."""
        count = len(record.posts)
        subject_ctx = self._context(record, record.posts, (), "")
        subject = self._subject(subject_ctx)
        limit = self.cfg.digest.max_bytes - reserve

        def attempt(cards: int) -> tuple[str, str]:
            ctx = self._context(record, record.posts[:cards], record.posts[cards:], subject)
            return self._inline(self._render(self.html_env, TEMPLATE_HTML, ctx)), self._render(
                self.text_env, TEMPLATE_TEXT, ctx
            )

        html_out, text_out = attempt(count)
        cards = count
        if sent_size(html_out) > limit:
            # Full cards for the newest posts, the rest as title links: find the most that fit.
            low, high, best = 0, count - 1, None
            while low <= high:
                mid = (low + high) // 2
                candidate = attempt(mid)
                if sent_size(candidate[0]) <= limit:
                    low, best, cards = mid + 1, candidate, mid
                else:
                    high = mid - 1
            if best is None:
                # Said with what would help: how big it is, and the longest title.
                smallest = sent_size(attempt(0)[0])
                longest = max(record.posts, key=lambda post: len(post.title))
                raise TemplateError(
                    f"the digest of {count} posts is over digest.max_bytes "
                    f"({self.cfg.digest.max_bytes:,}) even with title links only "
                    f"({smallest:,} bytes); the longest title, of {longest.url}, has "
                    f"{len(longest.title):,} characters: shorten it, or raise max_bytes"
                )
            html_out, text_out = best
        self.phrases.save()
        return RenderedDigest(subject, html_out, text_out, cards, count - cards)

    def _inline(self, document: str) -> str:
        return inline(document, self.render_cache)

    def warm_up(self, now: datetime) -> None:
        """Load what rendering a digest at `now` takes, before its posts are known (the dry
        run does this while another process reads them): the templates compiled, the day's
        and the counts' words, and premailer, with what it makes of the stylesheet, from a
        digest of no posts whose inlined HTML is not kept. Nothing here changes what a
        render gives; what fails here fails again in the render, which reports it."""
        try:
            empty = DigestRecord("", now, None, ())
            for env, name in ((self.text_env, TEMPLATE_SUBJECT), (self.text_env, TEMPLATE_TEXT)):
                self._template(env, name)
            document = self._render(self.html_env, TEMPLATE_HTML, self._context(empty, (), (), ""))
            from feedkit.mail.inliner import transform

            transform(document, SETTINGS, self.render_cache)
        except Exception as exc:  # noqa: BLE001 - met again, and reported, by the render
            log.debug("warming up the digest's renderer: %s", exc)

    def template_problems(self, record: DigestRecord) -> list[str]:
        """Return what stops the templates from rendering `record`, each naming its template
        (a syntax error with its line, a name the context does not have); the HTML is not
        inlined, so this is quick: for `feedkit check`."""
        problems = []
        context = self._context(record, record.posts, (), "")
        templates = (
            (self.text_env, TEMPLATE_SUBJECT),
            (self.html_env, TEMPLATE_HTML),
            (self.text_env, TEMPLATE_TEXT),
        )
        for env, name in templates:
            try:
                if name == TEMPLATE_SUBJECT:
                    self._subject(context)
                else:
                    self._render(env, name, context)
            except TemplateError as exc:
                problems.append(str(exc))
        return problems

    def _subject(self, context: dict[str, Any]) -> str:
        """Return the subject the subject template gives, on one line; TemplateError for
        none (a mail without one looks like spam, and Gmail shows "(no subject)")."""
        subject = " ".join(self._render(self.text_env, TEMPLATE_SUBJECT, context).split())
        if not subject:
            template = self._template(self.text_env, TEMPLATE_SUBJECT)
            where = self._shown(template.filename or TEMPLATE_SUBJECT)
            raise TemplateError(f"{where}: gives an empty subject; write one")
        return subject

    # -- per reader ------------------------------------------------------------------------

    def message(
        self,
        rendered: RenderedDigest,
        record: DigestRecord,
        subscriber: Subscriber,
        reader: Reader | None = None,
        *,
        msgid: str | None = None,
    ) -> EmailMessage:
        """Return the message for one reader (see digestmessage.reader_message)."""
        # Here: that module imports this one, for the placeholders and the margin.
        from feedkit.mail.digestmessage import reader_message

        return reader_message(self, rendered, record, subscriber, reader, msgid)


def _template_line(exc: BaseException) -> str | None:
    """Return `file:line` of the template line `exc` was raised at (the template itself, or
    a file it includes), from the traceback as Jinja rewrites it; None if it has none."""
    frames = traceback.extract_tb(exc.__traceback__)
    found = [f for f in frames if not f.filename.endswith(".py") and f.lineno]
    return f"{found[-1].filename}:{found[-1].lineno}" if found else None


def default_templates_dir() -> Path:
    """Return the folder of feedkit's default email templates."""
    return Path(str(resources.files("feedkit.email_templates")))
