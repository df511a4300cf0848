"""feedkit.toml: defaults, and every problem reported at once as `feedkit.toml: key: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedkit.config import Config, load_config
from feedkit.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feedkit.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_documented_values(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, 'title = "T"\nbase_url = "https://example.com/blog"\n'))
    assert isinstance(cfg, Config)
    assert cfg.base_url == "https://example.com/blog/"
    assert cfg.root == tmp_path.resolve()
    assert cfg.content_path == tmp_path.resolve() / "content"
    assert cfg.output_path == tmp_path.resolve() / "public"
    assert str(cfg.timezone) == "UTC"
    assert cfg.language == "en"
    assert cfg.permalink == "/{year}/{month}/{slug}/"
    assert cfg.author.name == "T" and cfg.author.email is None
    assert (cfg.feed.limit, cfg.feed.summary_chars, cfg.feed.full_content, cfg.feed.tag_feeds) == (
        20,
        500,
        True,
        False,
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
base_url = "example.com"
timezone = "Mars/Olympus"
permalink = "/{year}/{title}/"
langauge = "en"
language = "english"

[feed]
limit = 0
summary_chars = "long"
full_contnet = false

[author]
email = "not-an-address"

[extra]
x = 1
""",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).splitlines() == [
        "feedkit.toml: base_url: must be an absolute http(s) URL such as https://example.com/, "
        "not 'example.com'",
        "feedkit.toml: timezone: unknown time zone 'Mars/Olympus'; use an IANA name such as "
        "'Europe/Berlin' or 'UTC'",
        "feedkit.toml: permalink: unknown placeholder {title}; use {year}, {month}, {day}, {slug}, "
        "{category}",
        "feedkit.toml: langauge: unknown key; did you mean 'language'?",
        "feedkit.toml: language: must be a language tag such as 'en' or 'en-GB', not 'english'",
        "feedkit.toml: extra: unknown key",
        "feedkit.toml: title: is required",
        "feedkit.toml: author.email: is not an email address: 'not-an-address'",
        "feedkit.toml: feed.limit: must be between 1 and 10000, not 0",
        "feedkit.toml: feed.summary_chars: must be a whole number, not 'long'",
        "feedkit.toml: feed.full_contnet: unknown key; did you mean 'full_content'?",
    ]


@pytest.mark.parametrize(
    "address", ["ada@localhost", "ada at example dot org", "<b>ada</b>@example.org", "a&b@e.org"]
)
def test_an_author_address_no_feed_can_carry_is_refused(tmp_path: Path, address: str) -> None:
    # Each went into every feed's <email> and RSS <author>: an error (or, "&", a warning)
    # to the W3C feed validator.
    path = write(
        tmp_path,
        f'title = "T"\nbase_url = "https://e.com/"\n[author]\nemail = "{address}"\n',
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"feedkit.toml: author.email: is not an email address: {address!r}"
    path.write_text(path.read_text().replace(address, "o'hara+blog@mail.example.co.uk"))
    assert load_config(path).author.email == "o'hara+blog@mail.example.co.uk"
    # A host in another script is one, written in ASCII as the feeds carry it.
    path.write_text(
        path.read_text().replace("o'hara+blog@mail.example.co.uk", "ada@bücher.example")
    )
    assert load_config(path).author.email == "ada@xn--bcher-kva.example"


def test_permalink_without_slug_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, 'title = "T"\nbase_url = "https://e.com/"\npermalink = "/{year}/"\n')
    with pytest.raises(ConfigError, match=r"permalink: must contain \{slug\}"):
        load_config(path)


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'title = "T"\nbase_url = \n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == "feedkit.toml: (syntax): Invalid value (at line 2, column 12)"


def test_missing_file_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "feedkit.toml")
    assert str(info.value) == (
        f"feedkit.toml: (file): not found at {tmp_path / 'feedkit.toml'}; run feedkit in the "
        "folder that has it, or pass --config PATH (feedkit init starts a site)"
    )


def test_section_that_is_not_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, 'title = "T"\nbase_url = "https://e.com/"\nfeed = 3\n')
    with pytest.raises(ConfigError, match=r"feed: must be a table \(\[feed\]\), not int"):
        load_config(path)


SCHEDULE_BASE = 'title = "T"\nbase_url = "https://e.com/"\n'


def test_schedule_settings(tmp_path: Path) -> None:
    cfg = load_config(
        write(
            tmp_path,
            SCHEDULE_BASE
            + (
                '[digest]\nschedule = "0 9 * * mon"\ntimezone = "America/New_York"\n'
                'catch_up = "1d 6h"\n[build]\nschedule = "*/15 * * * *"\n'
            ),
        )
    )
    assert cfg.digest.schedule == "0 9 * * mon"
    assert str(cfg.digest.timezone) == "America/New_York"
    assert cfg.digest.catch_up.total_seconds() == 30 * 3600
    assert cfg.build.schedule == "*/15 * * * *"
    default = load_config(write(tmp_path, SCHEDULE_BASE))
    assert default.digest.catch_up.total_seconds() == 12 * 3600
    assert default.digest.schedule is None and default.build.schedule is None


def test_bad_schedules_are_refused_with_the_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        SCHEDULE_BASE
        + (
            '[digest]\nschedule = "0 9 * * 1"\ntimezone = "Europe/Atlantis"\ncatch_up = "soon"\n'
            '[build]\nschedule = "61 * * * *"\n'
        ),
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).splitlines() == [
        "feedkit.toml: digest.schedule: write the weekday as a name (mon, tue, …, sun), not '1': "
        "cron counts 0 as Sunday but APScheduler counts 0 as Monday, so a number would silently "
        "move the digest to another day",
        "feedkit.toml: digest.timezone: unknown time zone 'Europe/Atlantis'; use an IANA name "
        "such as 'Europe/Berlin' or 'UTC'",
        "feedkit.toml: digest.catch_up: must be a duration such as '12h', '90m' or '1d 6h', "
        "not 'soon'",
        "feedkit.toml: build.schedule: is not a valid cron expression (Error validating "
        "expression '61': the last value (61) is higher than the maximum value (59)): "
        "'61 * * * *'",
    ]
    four_fields = write(tmp_path, SCHEDULE_BASE + '[digest]\nschedule = "0 9 * *"\n')
    with pytest.raises(ConfigError, match="must be a cron expression of 5 fields"):
        load_config(four_fields)
    # A day no month has: `feedkit schedule` ran and never sent nor built, saying nothing.
    never = write(tmp_path, SCHEDULE_BASE + '[digest]\nschedule = "0 9 31 2,4 *"\n')
    with pytest.raises(ConfigError) as info:
        load_config(never)
    assert str(info.value) == (
        "feedkit.toml: digest.schedule: never comes: no month has the day it names: '0 9 31 2,4 *'"
    )
    # Both a day of the month and a weekday: cron's OR, APScheduler's AND (a digest on the
    # 1st when it is a Monday, where cron sends every Monday and every 1st).
    both = write(tmp_path, SCHEDULE_BASE + '[digest]\nschedule = "0 9 1 * mon"\n')
    with pytest.raises(ConfigError) as info:
        load_config(both)
    assert str(info.value) == (
        "feedkit.toml: digest.schedule: names both a day of the month ('1') and a weekday "
        "('mon'): cron runs on either, APScheduler only on a day that is both (the 1st when "
        "it is a Monday), so keep one of them and '*' in the other: '0 9 1 * mon'"
    )
    # A duration of nothing: no slot was ever due, and `feedkit schedule` crashed.
    for key, section in (("catch_up", "digest"), ("confirm_within", "serve")):
        zero = write(tmp_path, SCHEDULE_BASE + f'[{section}]\n{key} = "0m"\n')
        with pytest.raises(ConfigError) as info:
            load_config(zero)
        assert str(info.value) == (
            f"feedkit.toml: {section}.{key}: must be longer than 0, such as '1h', not '0m'"
        )
    leap = write(tmp_path, SCHEDULE_BASE + '[digest]\nschedule = "0 9 29 2 *"\n')
    assert load_config(leap).digest.schedule == "0 9 29 2 *"  # once in four years


def test_feed_file_names_are_checked_together(tmp_path: Path) -> None:
    path = tmp_path / "feedkit.toml"
    path.write_text(
        'title = "T"\nbase_url = "https://example.com/"\n[feed]\n'
        'atom_file = "feed.xml"\nrss = "../index.xml"\njson = "feeds/"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).splitlines() == [
        "feedkit.toml: feed.atom_file: unknown key; did you mean 'atom'?",
        "feedkit.toml: feed.rss: must be a file name or a path under the output folder, "
        "such as 'index.xml' or 'feeds/rss.xml', not '../index.xml'",
        "feedkit.toml: feed.json: must be a file name or a path under the output folder, "
        "such as 'index.xml' or 'feeds/rss.xml', not 'feeds/'",
    ]


def test_two_feeds_cannot_share_a_file_name(tmp_path: Path) -> None:
    path = tmp_path / "feedkit.toml"
    path.write_text(
        'title = "T"\nbase_url = "https://example.com/"\n[feed]\n'
        'atom = "a/feed.xml"\nrss = "b/feed.xml"\njson = "feed.xsl"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).splitlines() == [
        "feedkit.toml: feed.rss: 'b/feed.xml' has the file name of feed.atom 'a/feed.xml'; "
        "tag feeds are tags/<tag>/<file name>: give each feed its own file name",
        "feedkit.toml: feed.json: 'feed.xsl' is the feeds' stylesheet; choose another name",
    ]


@pytest.mark.parametrize("tag_feeds", [True, False])
def test_a_feed_in_the_tag_feeds_folder_is_refused_while_they_are_written(
    tmp_path: Path, tag_feeds: bool
) -> None:
    # atom = "tags/q/atom.xml" with a tag q: the tag's feed was written over the site's,
    # with no word, and the site had no Atom feed.
    path = tmp_path / "feedkit.toml"
    path.write_text(
        f'title = "T"\nbase_url = "https://example.com/"\n[feed]\n'
        f'tag_feeds = {str(tag_feeds).lower()}\natom = "tags/q/atom.xml"\n',
        encoding="utf-8",
    )
    if not tag_feeds:
        assert load_config(path).feed.atom == "tags/q/atom.xml"
        return
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (
        "feedkit.toml: feed.atom: 'tags/q/atom.xml' is in tags/, where tag_feeds writes each "
        "tag's feeds: a tag's would be written over it; choose a file outside it"
    )


def test_main_sections_is_a_list_of_top_level_folders(tmp_path: Path) -> None:
    good = write(tmp_path, 'title = "T"\nbase_url = "https://e.com/"\nmain_sections = ["posts"]\n')
    assert load_config(good).main_sections == ("posts",)
    bad = write(tmp_path, 'title = "T"\nbase_url = "https://e.com/"\nmain_sections = "posts"\n')
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert str(info.value) == (
        'feedkit.toml: main_sections: must be a list of folder names, such as ["posts"]'
    )


def test_math_setting_is_mathml_or_source(tmp_path: Path) -> None:
    base = 'title = "T"\nbase_url = "https://e.com/"\n'
    assert load_config(write(tmp_path, base)).feed.math == "mathml"
    assert load_config(write(tmp_path, base + '[feed]\nmath = "source"\n')).feed.math == "source"
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, base + '[feed]\nmath = "katex"\n'))
    assert str(info.value) == (
        "feedkit.toml: feed.math: must be one of 'mathml', 'source', not 'katex'"
    )


def test_a_base_url_in_another_script_goes_into_the_feeds_in_ascii(tmp_path: Path) -> None:
    """RSS wants URLs, not IRIs, and a tag: ID an ASCII host: the W3C validator rejected both
    when the host was written as münchen.example."""
    import os
    import subprocess
    import sys

    from conftest import NOW_ENV

    write(tmp_path, 'title = "T"\nbase_url = "https://münchen.example/blög"\n')
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("---\ntitle: A\ndate: 2026-01-02\n---\nText.\n")
    done = subprocess.run(
        [sys.executable, "-m", "feedkit", "build"],
        cwd=tmp_path,
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    for name in ("atom.xml", "rss.xml", "feed.json"):
        data = (tmp_path / "public" / name).read_bytes()
        assert "münchen".encode() not in data and "blög".encode() not in data
        assert b"https://xn--mnchen-3ya.example/bl%C3%B6g/2026/01/a/" in data
    atom = (tmp_path / "public" / "atom.xml").read_text()
    assert "<id>tag:xn--mnchen-3ya.example,2026-01-02:/bl%C3%B6g/2026/01/a/</id>" in atom


@pytest.mark.parametrize(
    ("written", "used"),
    [
        ("https://Example.COM/blog", "https://Example.COM/blog/"),  # as written: IDs stay
        ("https://straße.de/", "https://xn--strae-oqa.de/"),  # UTS 46, not IDNA 2003's strasse
        ("https://dev_blog.example.org/~ada/", "https://dev_blog.example.org/~ada/"),
        ("http://127.0.0.1:8000/a%20b", "http://127.0.0.1:8000/a%20b/"),
        ("http://[::1]:8080/", "http://[::1]:8080/"),
    ],
)
def test_base_url_hosts_and_paths(tmp_path: Path, written: str, used: str) -> None:
    cfg = load_config(write(tmp_path, f'title = "T"\nbase_url = "{written}"\n'))
    assert cfg.base_url == used


def test_a_base_url_host_no_host_can_have_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, 'title = "T"\nbase_url = "https://exa mple.org/"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        "feedkit.toml: base_url: 'https://exa mple.org/' has a host that is not a host name: "
        "'exa mple.org'"
    )


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (
            "https://ada:secret@blog.example.org/",
            "holds a user name or password (before '@'), which every feed and mail would "
            "publish; remove it",
        ),
        ("https://blog.example.org:99999/", "has a port that is not a number from 1 to 65535"),
        ("https://blog.example.org:0/", "has a port that is not a number from 1 to 65535"),
        (
            "https://blog.example..org/",
            "has a host that is not a host name: a part between its dots is empty or starts "
            "or ends with '-'",
        ),
        (
            "https://-blog.example.org/",
            "has a host that is not a host name: a part between its dots is empty or starts "
            "or ends with '-'",
        ),
        (
            "https://blog.example.org./",
            "has a host that ends with a dot; write it without (feed validators take such an "
            "address for another)",
        ),
    ],
)
def test_a_url_no_reader_should_be_given_is_refused_naming_the_setting(
    tmp_path: Path, written: str, said: str
) -> None:
    # Every feed's and mail's links are made from them: credentials published, a port no
    # browser can reach, a host no DNS name is; the validator warned at the trailing dot.
    for key, toml in (
        ("base_url", f'title = "T"\nbase_url = "{written}"\n'),
        ("serve.url", f'title = "T"\nbase_url = "https://e.org/"\n[serve]\nurl = "{written}"\n'),
    ):
        with pytest.raises(ConfigError) as caught:
            load_config(write(tmp_path, toml))
        assert str(caught.value) == f"feedkit.toml: {key}: {written!r} {said}"


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("smtp .example.org", "is not a host name or an IP address (such as smtp.example.org)"),
        ("smtp.example.org:587", "holds a port: write the host alone, and the port as port"),
        ("-smtp.example.org", "is not a host name or an IP address (such as smtp.example.org)"),
    ],
)
def test_an_smtp_or_serve_host_no_connection_can_reach_is_refused(
    tmp_path: Path, written: str, said: str
) -> None:
    # `check` said OK, and a digest froze, then deferred every reader: "Name or service not
    # known", naming no setting.
    head = 'title = "T"\nbase_url = "https://e.org/"\n'
    for key, table in (("smtp.host", "[smtp]"), ("serve.host", "[serve]")):
        with pytest.raises(ConfigError) as caught:
            load_config(write(tmp_path, f'{head}{table}\nhost = "{written}"\n'))
        assert str(caught.value) == f"feedkit.toml: {key}: {written!r} {said}"
    for host in ("smtp.example.org", "127.0.0.1", "::1", "mail_relay", "smtp.example.org."):
        cfg = load_config(write(tmp_path, f'{head}[smtp]\nhost = "{host}"\n'))
        assert cfg.smtp.host == host


def test_the_unsubscribe_and_serve_urls_go_into_mail_headers_in_ascii(tmp_path: Path) -> None:
    """List-Unsubscribe and the links in every digest carry them: ASCII, the pattern's
    braces kept."""
    cfg = load_config(
        write(
            tmp_path,
            'title = "T"\nbase_url = "https://e.com/"\n'
            "[digest]\n"
            'unsubscribe_url = "https://münchen.example/abmelden/ä?token={token}&email={email}"\n'
            '[serve]\nurl = "https://post.münchen.example/ö"\n',
        )
    )
    assert cfg.digest.unsubscribe_url == (
        "https://xn--mnchen-3ya.example/abmelden/%C3%A4?token={token}&email={email}"
    )
    assert cfg.serve.url == "https://post.xn--mnchen-3ya.example/%C3%B6/"


def test_settings_refuse_the_characters_post_files_lose() -> None:
    # configkeys may import no package, and compiles no pattern at start: it writes
    # uncarried.XML_ILLEGAL's class again, as a set. Kept the same.
    import re

    from feedkit import configkeys
    from feedkit.posts import uncarried

    illegal = re.compile(uncarried.XML_ILLEGAL)
    assert configkeys._UNSENDABLE_SET == {
        char for char in map(chr, range(0x110000)) if illegal.fullmatch(char)
    }
