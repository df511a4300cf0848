"""`feedkit.toml` → frozen config dataclasses, every bad key reported at once."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin
from zoneinfo import ZoneInfo

from feedkit.configkeys import (
    REQUIRED_SITE_KEYS,
    SECTIONS,
    SITE_KEYS,
    Checker,
    check_table,
    checked,
    did_you_mean,
    section_keys,
)
from feedkit.errors import ConfigError
from feedkit.models import Author
from feedkit.readonly import readonly

CONFIG_NAME = "feedkit.toml"


# The config classes keep the repr that dataclasses write (the build cache's key is a hash of
# it) but not __eq__ and __hash__: nothing compares configs, and each generated method costs
# every `feedkit` run its share of about 0.8 ms a class at start.


@readonly()
class FeedConfig:
    """[feed]: what goes in each feed, and the feeds' file names."""

    limit: int = 20  # entries per feed, newest first
    summary_chars: int = 500  # summaries are cut at a word boundary near this length
    full_content: bool = True  # False: feeds carry the summary only
    tag_feeds: bool = False  # also write tags/<tag>/atom.xml and rss.xml
    json_feed: bool = True  # also write feed.json (JSON Feed 1.1)
    # Entry IDs when a post has no `id:`, as the generator a site moves from made them:
    # "tag" (tag:host,date:/path of the URL), "url" (Hugo), "jekyll" (jekyll-feed), "pelican"
    # (the same as "tag", as Pelican writes them).
    ids: str = "tag"
    # Where the feeds go under the output folder; tag feeds take the same file names.
    atom: str = "atom.xml"
    rss: str = "rss.xml"
    json: str = "feed.json"
    # Formulas in feed HTML: "mathml" (readers show it), or "source" (the TeX in
    # <span class="math …">, for sites that typeset it with MathJax or KaTeX).
    math: str = "mathml"
    # A WebSub hub: the feeds name it, and a build that changed a feed tells it at once.
    hub: str | None = None


@readonly()
class DigestConfig:
    """[digest]: who gets the email digest, when, and how it is sent."""

    sender: str | None = None  # `from`: "Name <address>"; required to send
    subscribers: Path = Path("subscribers.csv")  # CSV with columns email,name
    state: Path = Path(".feedkit/state.db")  # what was sent to whom (SQLite)
    delivery: str = "outbox"  # "outbox" (one .eml per recipient) or "smtp"
    outbox: Path = Path("outbox")
    templates: Path = Path("email_templates")  # a site's own templates override the defaults
    unsubscribe_url: str | None = None  # https URL with {token} (and optionally {email})
    unsubscribe_email: str | None = None  # mailto address; default: the `from` address
    secret_env: str = "FEEDKIT_UNSUBSCRIBE_SECRET"  # env var holding the token secret
    list_id: str | None = None  # default: the site's host name
    summary_chars: int = 300
    max_bytes: int = 100_000  # Gmail clips messages over ~102 KB
    schedule: str | None = None  # cron with day names, e.g. "0 9 * * mon", for `schedule`
    timezone: ZoneInfo | None = None  # the schedule's zone; default: the site's
    catch_up: timedelta = timedelta(hours=12)  # a missed slot younger than this is sent late
    lock_timeout: float = 60.0  # seconds to wait for another sender to finish
    # Web copies of sent digests go here, under the output folder; "" publishes none.
    archive: str = "newsletter"
    # VERP: each reader's copy goes out from bounce_address with a signed tag (`feedkit bounces`)
    bounce_address: str | None = None
    soft_bounce_limit: int = 3  # soft bounces in a row that make a reader bounced
    # What a card shows of a post: "summary", or "full" (its whole body; the newest posts
    # that fit in max_bytes, the others as title links).
    content: str = "summary"
    # The sender's postal address, shown in every digest's footer: anti-spam law in the US
    # (CAN-SPAM) asks for one, and Mailchimp and Buttondown require it. Lines as written.
    postal_address: str = ""


@readonly()
class BuildConfig:
    """[build]: when `feedkit schedule` rebuilds the feeds."""

    schedule: str | None = None  # cron for feed rebuilds under `feedkit schedule`


@readonly()
class SmtpConfig:
    """[smtp]: the relay digests go out through when digest.delivery is "smtp"."""

    host: str | None = None
    port: int = 587
    security: str = "starttls"  # "starttls", "ssl" (implicit TLS) or "none"
    username: str | None = None
    password_env: str = "FEEDKIT_SMTP_PASSWORD"  # the password is only read from here
    timeout: float = 30.0
    attempts: int = 4  # tries per message for 4xx replies and dropped connections
    backoff: float = 2.0  # seconds before the second try; doubles for each further try
    connections: int = 1  # sent over this many connections at once, for relays that allow it


@readonly()
class ServeConfig:
    """`feedkit serve`: sign-ups, confirmations, unsubscribes and the digest archive."""

    url: str | None = None  # the service's public https URL; digests link to it when set
    host: str = "127.0.0.1"  # behind a reverse proxy, as the README shows
    port: int = 8080
    confirm_within: timedelta = timedelta(hours=48)  # a confirmation link expires after this
    # Sign-ups taken from one IP address within `signup_window`; more are answered 429.
    signups_per_ip: int = 10
    signup_window: timedelta = timedelta(hours=1)
    resend_after: timedelta = timedelta(minutes=10)  # one confirmation mail per address per this
    # Reverse proxies whose X-Forwarded-For names the reader's address (IPs or networks).
    proxies: tuple[str, ...] = ("127.0.0.1", "::1")


@readonly()
class Config:
    """A site's `feedkit.toml`, checked: the site's settings and each section's."""

    root: Path  # the folder holding feedkit.toml; relative paths are taken from here
    title: str
    base_url: str  # absolute, always ends with "/"
    description: str = ""
    language: str = "en"
    author: Author = field(default_factory=lambda: Author("Anonymous"))
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    timezone_given: bool = False  # set in feedkit.toml: a Jekyll site's own is not read
    content_dir: Path = Path("content")
    output_dir: Path = Path("public")
    permalink: str = "/{year}/{month}/{slug}/"
    permalink_given: bool = False  # set in feedkit.toml: a Jekyll site's own is not read
    # Hugo's mainSections: the top-level folders whose pages are posts; () = the one with
    # the most files, as Hugo does.
    main_sections: tuple[str, ...] = ()
    feed: FeedConfig = field(default_factory=FeedConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    build: BuildConfig = field(default_factory=BuildConfig)
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)

    def path(self, relative: Path) -> Path:
        """Return a configured path made absolute against the site root."""
        return relative if relative.is_absolute() else self.root / relative

    @property
    def content_path(self) -> Path:
        return self.root / self.content_dir

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir

    def output_url(self, path: str) -> str:
        """Return the address of a file or folder under the output folder (a feed, the
        digest archive): percent-encoded, as a post's is, since a tag's folder may be 中文."""
        return urljoin(self.base_url, quote(path))

    @property
    def cache_path(self) -> Path:
        return self.root / ".feedkit"


FEED_FILE_KEYS = ("atom", "rss", "json")
XSL_NAME = "feed.xsl"  # written beside the feeds for browsers
TAG_FEEDS_DIR = "tags/"  # each tag's feeds: tags/<tag>/<the file name of each feed>


def _feed_file_problems(feed: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return what is wrong with the feed file names together: each needs its own."""
    problems: list[tuple[str, str]] = []
    seen: dict[str, str] = {}  # a file name → the key that has it
    for key in FEED_FILE_KEYS:
        name = feed.get(key, getattr(FeedConfig, key))
        if name == XSL_NAME:
            problems.append(
                (f"feed.{key}", f"{name!r} is the feeds' stylesheet; choose another name")
            )
            continue
        if feed.get("tag_feeds") and name.startswith(TAG_FEEDS_DIR):
            problems.append(
                (
                    f"feed.{key}",
                    f"{name!r} is in {TAG_FEEDS_DIR}, where tag_feeds writes each tag's feeds: "
                    "a tag's would be written over it; choose a file outside it",
                )
            )
            continue
        other = seen.setdefault(name.rpartition("/")[2], key)
        if other != key:
            problems.append(
                (
                    f"feed.{key}",
                    f"{name!r} has the file name of feed.{other} "
                    f"{feed.get(other, getattr(FeedConfig, other))!r}; tag feeds are "
                    "tags/<tag>/<file name>: give each feed its own file name",
                )
            )
    return problems


def parse_config(data: Mapping[str, Any], root: Path) -> Config:
    """Return the Config for a parsed `feedkit.toml`; raise ConfigError listing every problem."""
    problems: list[tuple[str, str]] = []
    top_schema: dict[str, Checker] = dict(SITE_KEYS)
    site: dict[str, Any] = {}
    for key, raw in data.items():
        if key in SECTIONS:
            if not isinstance(raw, dict):
                problems.append((key, f"must be a table ([{key}]), not {type(raw).__name__}"))
            continue
        if key not in top_schema:
            known = sorted([*top_schema, *SECTIONS])
            problems.append((key, "unknown key" + did_you_mean(key, known)))
            continue
        try:
            site[key] = checked(top_schema[key], raw)
        except ValueError as exc:
            problems.append((key, str(exc)))
    for key in REQUIRED_SITE_KEYS:
        if key not in data:
            problems.append((key, "is required"))

    sections: dict[str, dict[str, Any]] = {}
    for name in SECTIONS:
        table = data.get(name, {})
        sections[name] = (
            check_table(table, section_keys(name), f"{name}.", problems)
            if isinstance(table, dict) and table  # an empty table's checkers are not needed
            else {}
        )
    digest_values = dict(sections["digest"])
    if "from" in digest_values:
        digest_values["sender"] = digest_values.pop("from")
    delivery = digest_values.get("delivery", "outbox")
    problems.extend(_feed_file_problems(sections["feed"]))
    if delivery == "smtp" and "host" not in sections["smtp"]:
        problems.append(("smtp.host", "is required when digest.delivery is 'smtp'"))
    if problems:
        raise ConfigError(problems)

    author_values = sections["author"]
    author = Author(
        name=author_values.get("name", site["title"]),
        email=author_values.get("email"),
        url=author_values.get("url"),
    )
    return Config(
        root=root,
        permalink_given="permalink" in site,
        timezone_given="timezone" in site,
        author=author,
        feed=FeedConfig(**sections["feed"]),
        digest=DigestConfig(**digest_values),
        build=BuildConfig(**sections["build"]),
        smtp=SmtpConfig(**sections["smtp"]),
        serve=ServeConfig(**sections["serve"]),
        **site,
    )


def load_config(path: Path) -> Config:
    """Return the Config read from the `feedkit.toml` at `path`."""
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(
            [
                (
                    "(file)",
                    f"not found at {path}; run feedkit in the folder that has it, "
                    "or pass --config PATH (feedkit init starts a site)",
                )
            ],
            file=name,
        ) from exc
    except OSError as exc:
        raise ConfigError([("(file)", f"cannot be read: {exc.strerror}")], file=name) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError([("(file)", "is not UTF-8 text")], file=name) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([("(syntax)", str(exc))], file=name) from exc
    try:
        return parse_config(data, root=path.resolve().parent)
    except ConfigError as exc:
        raise ConfigError(exc.problems, file=name) from None
