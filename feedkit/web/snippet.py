"""`feedkit snippet`: the HTML a site's pages need from feedkit: the feeds' autodiscovery
links, the form that signs a reader up with `feedkit serve`, a link to the past digests."""

from __future__ import annotations

import jinja2

from feedkit.config import Config
from feedkit.i18n import language
from feedkit.mail.archive import FEED, subscribe_url
from feedkit.site.choose import feed_files
from feedkit.web.pages import templates_dir


def snippet(cfg: Config) -> str:
    """Return the HTML to paste into the site's templates (autoescaped: a title with quotes
    or an ampersand stays text), its words in the site's language."""
    atom, rss, json_feed = (cfg.output_url(name) for name in feed_files(cfg, ""))
    # Past digests are written once one went out: a site that mails none ([digest] from
    # unset) gets no link to them, which would lead readers and feed readers to nothing.
    mails = cfg.digest.archive and cfg.digest.sender
    archive = cfg.output_url(cfg.digest.archive + "/") if mails else ""
    env = language(cfg.language).environment(  # the form's words, in the site's language
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
    )
    return env.get_template("snippet.html.j2").render(
        title=cfg.title,
        atom=atom,
        rss=rss,
        json=json_feed if cfg.feed.json_feed else "",
        subscribe=subscribe_url(cfg),
        archive=archive,
        archive_feed=archive + FEED if archive else "",
    )
