"""A blog made for Jekyll, Hugo or Pelican, as `feedkit init` finds it in the folder it
starts a site in: where its posts are, and what its own configuration says of the blog.

Only what the generator's configuration says as plain values is taken (a title, a URL, an
author); what feedkit reads from that configuration at every build (Jekyll's and Hugo's
permalinks, time zones, defaults) is left to the build, so the two cannot disagree later.
Nothing here writes; nothing raises for a configuration that cannot be read: `feedkit check`
names such a file when it matters.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from feedkit.configkeys import AUTHOR_KEYS, SITE_KEYS
from feedkit.models import Author
from feedkit.posts.hugoconfig import site_values
from feedkit.posts.jekyllconfig import config_file, jekyll_config
from feedkit.posts.oldpelican import pelican_site
from feedkit.posts.oldsitevalues import OldSite, feed_address, feed_limit
from feedkit.posts.postvalues import parse_authors
from feedkit.posts.sitekind import CONFIG_DIR, HUGO_CONFIGS, PELICAN_CONFIG, decide


def find_old_site(folder: Path) -> OldSite | None:
    """Return the Jekyll, Hugo or Pelican site in `folder`, None when there is none: whose
    it is by the rule a build follows (feedkit/posts/sitekind.py), so a Hugo site with
    GitHub Pages' `_config.yml` is Hugo's."""
    hugo = [name for name in HUGO_CONFIGS if (folder / name).is_file()]
    kind = decide(
        posts_folder=(folder / "_posts").is_dir(),
        hugo_config=bool(hugo) or (folder / CONFIG_DIR).is_dir(),
        pelican_config=(folder / PELICAN_CONFIG).is_file(),
        jekyll_config=config_file(folder).is_file(),
        section_pages=False,  # content copied alone has no configuration to take over
    )
    if kind == "jekyll":
        return _checked(_jekyll(folder))
    if kind == "hugo":
        return _checked(_hugo(folder, hugo[0] if hugo else CONFIG_DIR))
    if kind == "pelican":
        return _checked(pelican_site(folder))
    return None


def _checked(site: OldSite) -> OldSite:
    """Return `site` without the values feedkit.toml would refuse, each named in `refused`
    (and its language as feedkit.toml reads it)."""
    dropped: dict[str, Any] = {}
    refused = []
    keys = ("title", "description", "base_url", "language", "content_dir", "permalink", "email")
    for key in keys:
        value = getattr(site, key)
        if not value:
            continue
        try:
            read = (AUTHOR_KEYS if key == "email" else SITE_KEYS)[key](value)
        except ValueError as exc:
            dropped[key] = "." if key == "content_dir" else ""
            said = str(exc).removesuffix(f": {value!r}")  # named once
            setting = "author.email" if key == "email" else key
            refused.append((setting, f"{site.config}: {value!r} {said}"))
            continue
        if key == "language" and read != value:
            dropped[key] = read  # written as feedkit reads it: `zh_CN` is `zh-CN`
    return replace(site, **dropped, refused=tuple(refused)) if dropped else site


# What a Jekyll `_config.yml` or a Hugo configuration (keys in lower case) sets to publish
# what feedkit keeps out of feeds and digests.
EARLY = {
    "future": "future: true publishes posts dated in the future",
    "unpublished": "unpublished: true publishes posts marked 'published: false'",
    "show_drafts": "show_drafts: true publishes the drafts in _drafts/",
    "buildfuture": "buildFuture publishes pages dated in the future",
    "builddrafts": "buildDrafts publishes drafts",
    "buildexpired": "buildExpired publishes expired pages",
}


def _early(values: dict[str, Any]) -> tuple[str, ...]:
    return tuple(said for key, said in EARLY.items() if values.get(key) is True)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _hugo_rss_limit(values: dict[str, Any]) -> Any:
    """Return Hugo's RSS limit: `[services.rss] limit`, else the older `rssLimit`."""
    services = values.get("services")
    rss = services.get("rss") if isinstance(services, dict) else None
    if isinstance(rss, dict) and "limit" in rss:
        return rss["limit"]
    return values.get("rsslimit")


def _hugo_rss(values: dict[str, Any]) -> tuple[str, str] | None:
    """Return where Hugo writes the home page's RSS when `[outputFormats.RSS]` moves it
    from index.xml: its `path` folder and `baseName` (checked against Hugo 0.168)."""
    formats = values.get("outputformats")
    rss = formats.get("rss") if isinstance(formats, dict) else None
    if not isinstance(rss, dict):
        return None
    name, folder = _text(rss.get("basename")) or "index", _text(rss.get("path")).strip("/")
    return feed_address("rss", f"{folder}/{name}.xml" if folder else f"{name}.xml")


def _person(value: Any) -> tuple[str, str]:
    """Return (name, email) of the first `author` as a post would give it (a name, `Name
    <email>`, a mapping with `name` and `email`, or a list of those); ("", "") for none."""
    dropped: list[tuple[str, str, str]] = []
    try:
        found = parse_authors(value, Author(""), dropped=dropped) if value else ()
    except ValueError:
        return "", ""
    if not found:
        return "", ""
    # An address no feed can carry stays as written, for `_checked` to refuse by name.
    refused = [value for key, value, _ in dropped if key == "email"]
    return found[0].name, found[0].email or (refused[0] if refused else "")


def _jekyll(folder: Path) -> OldSite:
    # A _config.yml that cannot be read stops init at its line, as it stops the build: read
    # as empty, it would give feedkit.toml no url, baseurl or feed settings, and say nothing.
    configured = config_file(folder).is_file()
    values = jekyll_config(folder if configured else None, folder)
    url = _text(values.get("url"))
    # As Jekyll's absolute_url joins them, for jekyll-feed's IDs and links: the url as
    # written, then the baseurl with one "/" before it and none after. A url written with
    # a "/" at its end gives "//" (https://j.example.com//blog/2024/…): kept, or every ID
    # would change and every post show up again as new.
    base = _text(values.get("baseurl")).removesuffix("/")
    base = "/" + base if base and not base.startswith("/") else base
    author, email = _person(values.get("author"))
    return OldSite(
        "jekyll",
        config_file(folder).name if values else "_posts/",
        ".",  # _posts/ and the category folders above theirs: Jekyll's rules say which
        title=_text(values.get("title")) or _text(values.get("name")),  # as jekyll-feed
        description=_text(values.get("description")),
        # One that is no URL (`url: /`) as written, for the note that refuses it.
        base_url=url + base + "/" if url.startswith(("http://", "https://")) else url,
        base_path=base.strip("/"),
        author=author,
        email=email or _text(values.get("email")),
        language=_text(values.get("lang")),
        early=_early(values),
        # jekyll-feed's `feed: path:` (feed.xml by default)
        address=feed_address("atom", feed["path"])
        if isinstance(feed := values.get("feed"), dict) and isinstance(feed.get("path"), str)
        else None,
        limit=feed_limit(feed.get("posts_limit") if isinstance(feed, dict) else None, 10),
        summaries_only=isinstance(feed, dict) and feed.get("excerpt_only") is True,
        unwritten=tuple(
            f"feed: {key}: writes a feed per {one} listed (feed/<name>.xml), which feedkit does not"
            for key, one in (("categories", "category"), ("tags", "tag"))
            if isinstance(feed, dict) and feed.get(key)
        ),
    )


def _hugo(folder: Path, config: str) -> OldSite:
    values = site_values(folder)  # one that cannot be read stops init, naming its line
    # A multilingual site's default language (Hugo's default: en) has its own settings,
    # which take the place of the top level's for its pages: its title, its params, its
    # own content folder. feedkit publishes that language's posts.
    default = _text(values.get("defaultcontentlanguage")) or "en"
    languages = values.get("languages")
    own = languages.get(default.lower()) if isinstance(languages, dict) else None
    language_folder = ""  # where Hugo publishes the default language, under publishDir
    if isinstance(own, dict):
        # Not the top level's languageCode (`hugo new site` writes 'en-us'), which Hugo's
        # feed carries for a language without one of its own: the language is the posts'
        # (which translation is a post), and a language without its own code is its key.
        code = _locale(own) or default.lower()
        # Published under /de/ with defaultContentLanguageInSubdir, but at a host of its own.
        subdir = values.get("defaultcontentlanguageinsubdir") is True and "baseurl" not in own
        values = {**values, **own, "params": {**_params(values), **_params(own)}}
        values["locale"] = code
        if subdir and (url := _text(values.get("baseurl"))):
            values["baseurl"] = url.rstrip("/") + "/" + default.lower() + "/"
        # Published in a folder of its own: under /de/, or, a language at a host of its own
        # (Hugo's multihost), every language in its folder (public/de/, public/en/).
        multihost = isinstance(languages, dict) and any(
            isinstance(each, dict) and "baseurl" in each for each in languages.values()
        )
        if subdir or multihost:
            language_folder = default.lower()
    params = _params(values)
    author, email = _person(values.get("author") or params.get("author"))
    language = _locale(values) or _text(values.get("defaultcontentlanguage"))
    return OldSite(
        "hugo",
        config,
        _text(values.get("contentdir")) or "content",
        title=_text(values.get("title")),
        description=_text(params.get("description")),
        base_url=_text(values.get("baseurl")),
        author=author,
        email=email or _text(params.get("email")),
        language=language,
        early=_early(values),
        address=_hugo_rss(values),
        limit=feed_limit(_hugo_rss_limit(values), 0),
        output_dir="/".join(
            filter(None, (_text(values.get("publishdir")) or "public", language_folder))
        ),
        unwritten=_hugo_unwritten(values),
    )


def _hugo_unwritten(values: dict[str, Any]) -> tuple[str, ...]:
    """Return the RSS feeds Hugo writes by default besides the home page's, as `init` says
    them: a section's, and its taxonomies' and their terms', unless `disableKinds` or
    `outputs` leave them out."""
    kinds = values.get("disablekinds")
    disabled = {str(kind).lower() for kind in kinds} if isinstance(kinds, list) else set()
    outputs = values.get("outputs")
    outputs = {str(k).lower(): v for k, v in outputs.items()} if isinstance(outputs, dict) else {}

    def writes(kind: str) -> bool:
        given = outputs.get(kind)
        listed = given if isinstance(given, list) else [given] if given else None
        return kind not in disabled and (
            listed is None or any(str(f).lower() == "rss" for f in listed)
        )

    if "rss" in disabled:
        return ()
    taxonomies = values.get("taxonomies")
    plural = (
        [str(name) for name in taxonomies.values()]
        if isinstance(taxonomies, dict)
        else ["tags", "categories"]
    )
    found = []
    if writes("section"):
        found.append("a feed per section (posts/index.xml)")
    if plural and (writes("taxonomy") or writes("term")):
        found.append(f"a feed per taxonomy and per term ({plural[0]}/<name>/index.xml)")
    if not found:
        return ()
    return (f"Hugo writes {' and '.join(found)} by default, which feedkit does not",)


def _locale(values: dict[str, Any]) -> str:
    """Return a Hugo site's or language's language tag: `locale`, which took the place of
    `languageCode` in Hugo 0.158 and wins over it (the feed's `<language>`)."""
    return _text(values.get("locale")) or _text(values.get("languagecode"))


def _params(values: dict[str, Any]) -> dict[str, Any]:
    found = values.get("params")
    return found if isinstance(found, dict) else {}
