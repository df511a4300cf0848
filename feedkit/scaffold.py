"""A new site and a site's own email templates: `feedkit init`, `feedkit templates copy`.

Both write files a person goes on to edit, so neither overwrites one: `init` stops before
writing anything when the folder has a feedkit.toml, and `copy_templates` keeps a template
the site has changed unless told to replace it.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from feedkit.atomicfile import write_atomically
from feedkit.config import CONFIG_NAME, Config, parse_config
from feedkit.configkeys import OTHER_NAMES
from feedkit.errors import OutputError
from feedkit.i18n import languages

POSTS_FOLDER = "posts"  # under the content folder: where `feedkit new` puts posts


@dataclass(frozen=True)
class SiteAnswers:
    """What `feedkit init` asks for."""

    title: str
    base_url: str
    author: str
    email: str = ""
    timezone: str = "UTC"  # "": left out, for the old generator's own to be read
    language: str = "en"
    description: str = ""
    content_dir: str = "content"
    permalink: str = "/{year}/{month}/{slug}/"  # "": left out (the old generator's are read)
    # A site made for another generator (feedkit.posts.oldsite): its name, the file that
    # shows it, and the [feed] settings that keep what readers know its feeds by.
    generator: str = ""
    generator_config: str = ""
    feed: tuple[tuple[str, str], ...] = ()
    unfollowed: bool = False  # its post URLs are none feedkit can follow (init warns why)
    limit: int = 0  # the old feed's entries, when fewer than feedkit's 20 (0: the default)
    summaries_only: bool = False  # the old feed carried summaries only
    output_dir: str = "public"  # where its feed file is (a Hugo site's publishDir…)


def _string(value: str) -> str:
    # A JSON string is a TOML basic string: the same quotes and the same escapes.
    return json.dumps(value, ensure_ascii=False)


def config_text(answers: SiteAnswers) -> str:
    """Return a commented feedkit.toml for `answers`."""
    a = answers
    spoken = ", ".join(languages())
    sender = f"{a.author} <{a.email}>" if a.email else "Your Name <you@example.org>"
    digest_from = f"from = {_string(sender)}" if a.email else f"# from = {_string(sender)}"
    email = f"email = {_string(a.email)}" if a.email else '# email = "you@example.org"'
    description = (
        f"description = {_string(a.description)}"
        if a.description
        else '# description = "What the blog is about, shown by feed readers."'
    )
    timezone = (
        f"timezone = {_string(a.timezone)}   # dates in posts written without a zone are "
        "read in this one"
        if a.timezone
        else f'# timezone = "UTC"   # left out: the zone {a.generator_config} names is read, '
        "else UTC"
    )
    permalink = (
        f"permalink = {_string(a.permalink)}   # a post's page on the site, for feed links"
        if a.permalink
        else f'# permalink = "/{{year}}/{{month}}/{{slug}}/"   # set it: feedkit cannot '
        f"follow the URLs {a.generator} gives posts ({a.generator_config})"
        if a.unfollowed
        else f'# permalink = "/{{year}}/{{month}}/{{slug}}/"   # left out: the URLs '
        f"{a.generator} gives posts ({a.generator_config}) are followed"
    )
    said = (
        f"entry IDs as {a.generator} made them: no post shows up again as new",
        f"the address readers subscribed to under {a.generator}",
        f"feedkit's {{}} feed: its own name is {a.generator}'s feed's",
    )
    # The other format's own name, moved off the old feed's (OTHER_NAMES), or the old
    # site's feed in that format too (Pelican's FEED_ALL_RSS beside FEED_ALL_ATOM).
    kept = "".join(
        f"{key} = {_string(value)}   # "
        + said[2 if n >= 2 and value == OTHER_NAMES.get(key) else min(n, 1)].format(
            "Atom" if key == "atom" else "RSS"
        )
        + "\n"
        for n, (key, value) in enumerate(a.feed)
    )
    limit = (
        f"limit = {a.limit}            # entries per feed, newest first: as {a.generator}'s "
        "feed held (a post that left it would be new again to some readers)"
        if a.limit
        else "limit = 20            # entries per feed, newest first"
    )
    full_content = (
        f"full_content = false  # as {a.generator}'s feed: summaries only (true: full text too)"
        if a.summaries_only
        else "full_content = true   # false: feeds carry summaries only"
    )
    return f"""\
# feedkit configuration. Only title and base_url are required; the other values shown are
# the defaults. `feedkit check` says what is wrong with a value, and where.
title = {_string(a.title)}
base_url = {_string(a.base_url)}   # where the site's pages are; feed links are made from it
{description}
language = {_string(a.language)}   # the posts'; digests and sign-up pages speak it ({spoken})
{timezone}
content_dir = {_string(a.content_dir)}   # the posts: Markdown files with front matter
output_dir = {_string(a.output_dir)}     # where `feedkit build` writes the feeds
{permalink}

[author]
name = {_string(a.author)}
{email}

[feed]
{limit}
summary_chars = 500   # summaries are cut at a word boundary near this many characters
{full_content}
tag_feeds = false     # true: tags/<tag>/atom.xml, rss.xml (and feed.json) for each tag
json_feed = true      # feed.json (JSON Feed 1.1)
{kept}
[digest]
{digest_from}
subscribers = "subscribers.csv"   # email,name per line
delivery = "outbox"               # one .eml per reader in outbox/; "smtp" sends them
content = "summary"               # "full": each post's whole text in the digest
# postal_address = "1 Example Street, Springfield"   # in every digest's footer

# [smtp]                          # for delivery = "smtp"
# host = "smtp.example.org"
# port = 587
# security = "starttls"
# username = "you"
# password_env = "FEEDKIT_SMTP_PASSWORD"
"""


def check_answers(answers: SiteAnswers, folder: Path) -> Config:
    """Return the Config the feedkit.toml of `answers` gives in `folder`; raises
    ConfigError naming the setting when a value is not one feedkit can use."""
    return parse_config(tomllib.loads(config_text(answers)), root=folder.resolve())


def refuse_a_site_here(folder: Path) -> None:
    """Raise when `folder` has a site's feedkit.toml already."""
    if (folder / CONFIG_NAME).exists():
        raise OutputError(f"{folder / CONFIG_NAME}: a site is here already; nothing was written")


def init_site(folder: Path, answers: SiteAnswers) -> Config:
    """Write a new site's feedkit.toml and its content folder in `folder` (made if
    missing), and return its Config; nothing is written when `folder` has a site already
    or a value is wrong."""
    config = folder / CONFIG_NAME
    cfg = check_answers(answers, folder)
    refuse_a_site_here(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(config, "x", encoding="utf-8") as out:  # never over one made meanwhile
            out.write(config_text(answers))
        if not answers.generator:  # another generator's site has its posts where they are
            (cfg.content_path / POSTS_FOLDER).mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise OutputError(f"{config}: a site is here already; nothing was written") from exc
    except OSError as exc:
        raise OutputError(f"{exc.filename or folder}: cannot write: {exc.strerror}") from exc
    return cfg


def default_templates() -> dict[str, bytes]:
    """Return feedkit's own email templates and stylesheet by file name."""
    package = resources.files("feedkit.email_templates")
    return {
        item.name: item.read_bytes()
        for item in sorted(package.iterdir(), key=lambda item: item.name)
        if item.name.endswith((".j2", ".css"))
    }


def copy_templates(cfg: Config, replace: bool = False) -> list[tuple[Path, str]]:
    """Put feedkit's email templates in the site's templates folder ([digest] templates);
    return each file with what happened to it: "written", "replaced", "unchanged", or
    "kept" (the site's own differs, and `replace` is off)."""
    folder = cfg.path(cfg.digest.templates)
    done: list[tuple[Path, str]] = []
    for name, data in default_templates().items():
        target = folder / name
        try:
            current = target.read_bytes()
        except FileNotFoundError:
            current = None
        except OSError as exc:
            raise OutputError(f"{target}: cannot read: {exc.strerror}") from exc
        if current == data:
            done.append((target, "unchanged"))
            continue
        if current is not None and not replace:
            done.append((target, "kept"))
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(target, data)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write: {exc.strerror}") from exc
        done.append((target, "written" if current is None else "replaced"))
    return done
