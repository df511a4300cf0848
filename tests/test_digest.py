"""The digest: rendered once, per-reader values after inlining, headers receivers require."""

from __future__ import annotations

import email
import html
import re
import shutil
import urllib.request
from datetime import timedelta
from email import policy
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.config import load_config
from feedkit.errors import ConfigError
from feedkit.mail.digest import DigestRenderer
from feedkit.mail.identity import message_id
from feedkit.mail.snapshot import make_record
from feedkit.mail.subscribers import Subscriber
from feedkit.mail.unsubscribe import unsubscribe_token

from conftest import NOW, NOW_ENV, ROOT
from digest_site import (
    SECRET_ENV,
    decoded_part,
    digest_command,
    make_digest_site,
    outbox_messages,
    part_on_the_wire,
    public,
    site_after_first_digest,
    smtp_toml,
    write_post,
)
from smtp_server import FaultySmtpServer

HOSTILE = "Tom & Jerry <script>alert(1)</script> {{ 7*7 }} “curly” 🚀 日本語"


def render(tmp_path: Path, posts: int = 3, **kwargs):
    cfg = make_digest_site(tmp_path, [("ada@example.org", "Ada")], posts=posts, **kwargs)
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    return cfg, renderer, record, renderer.render(record)


def parts(msg):
    parsed = email.message_from_bytes(msg.as_bytes(), policy=policy.default)
    return (
        parsed,
        parsed.get_body(("plain",)).get_content(),
        parsed.get_body(("html",)).get_content(),
    )


def test_message_round_trips_emoji_curly_quotes_and_cjk(tmp_path: Path) -> None:
    cfg = make_digest_site(tmp_path, [], posts=0)
    write_post(tmp_path, "hostile", HOSTILE, NOW - timedelta(days=1))
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    rendered = renderer.render(record)
    reader = Subscriber("jose@example.org", "José “Pepe” 山田 🚀")
    parsed, text, html = parts(renderer.message(rendered, record, reader))
    assert parsed["Subject"] == f"Example Blog: {HOSTILE}"
    assert parsed["To"].addresses[0].display_name == "José “Pepe” 山田 🚀"
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    # Escaped exactly once in HTML, literal in text; the template tag is not evaluated.
    assert (
        "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} “curly” 🚀 日本語" in html
    )
    assert HOSTILE in text
    assert "49" not in text and "49" not in html
    assert "José “Pepe” 山田 🚀" in text
    assert "<script" not in html


def test_every_raw_line_is_under_998_octets_and_subject_is_encoded(tmp_path: Path) -> None:
    cfg, renderer, record, rendered = render(tmp_path)
    raw = renderer.message(rendered, record, Subscriber("a@example.org", "Ä")).as_bytes()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    subject_line = next(line for line in raw.split(b"\r\n") if line.startswith(b"Subject:"))
    assert subject_line.isascii()


def test_html_is_email_safe(tmp_path: Path) -> None:
    cfg = make_digest_site(tmp_path, [], posts=2)
    illustrated = tmp_path / "content" / "old-0.md"
    illustrated.write_text(illustrated.read_text().replace("tags:", "image: cover.png\ntags:"))
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    rendered = renderer.render(record)
    _, _, html = parts(renderer.message(rendered, record, Subscriber("a@example.org", "A")))
    doc = lxml.html.fromstring(html)
    images = doc.xpath("//img")
    assert [img.get("src") for img in images] == [
        "https://example.com/blog/2026/10/old-0/cover.png"
    ]
    assert not doc.xpath("//link") and not doc.xpath("//script")
    for style in doc.xpath("//style"):
        css = re.sub(r"/\*.*?\*/", "", style.text or "", flags=re.S)
        outside_media = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)
        assert outside_media.strip() == "", outside_media
    assert all(img.get("alt") is not None for img in doc.xpath("//img"))
    hrefs = [a.get("href") for a in doc.xpath("//a[@href]")]
    assert hrefs and all(h.startswith(("https://", "mailto:")) for h in hrefs)
    assert doc.xpath("//*[@style]"), "CSS was inlined"


def test_headers_receivers_require(tmp_path: Path) -> None:
    cfg, renderer, record, rendered = render(tmp_path)
    msg = renderer.message(rendered, record, Subscriber("Ada@Example.org", "Ada"))
    parsed, text, html = parts(msg)
    token = unsubscribe_token(SECRET_ENV["FEEDKIT_UNSUBSCRIBE_SECRET"].encode(), "ada@example.org")
    url = f"https://example.com/unsubscribe?token={token}&email=Ada%40Example.org"
    assert parsed["From"] == "Ada Quill <ada@example.org>"
    assert parsed["To"] == "Ada <Ada@Example.org>"
    assert parsed["Date"] == "Sun, 22 Nov 2026 12:00:00 +0000"
    assert parsed["Message-ID"] == message_id(record.id, "ada@example.org", "example.com")
    assert parsed["List-Id"] == "Example Blog <example.com>"
    assert parsed["List-Unsubscribe"] == f"<{url}>, <mailto:ada@example.org?subject=unsubscribe>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f'href="{url.replace("&", "&amp;")}"' in html  # the visible unsubscribe link
    assert url in text
    assert "%%FEEDKIT" not in html and "%%FEEDKIT" not in text
    assert "Hi Ada," in text


def test_message_id_is_stable_per_digest_and_reader(tmp_path: Path) -> None:
    cfg, renderer, record, rendered = render(tmp_path)
    one = renderer.message(rendered, record, Subscriber("a@example.org", "A"))
    again = renderer.message(renderer.render(record), record, Subscriber("A@example.org", "A"))
    other = renderer.message(rendered, record, Subscriber("b@example.org", "B"))
    assert one["Message-ID"] == again["Message-ID"] != other["Message-ID"]


def test_missing_secret_names_the_setting(tmp_path: Path) -> None:
    cfg = make_digest_site(tmp_path, [], posts=1)
    renderer = DigestRenderer(cfg, environ={})
    record = make_record(public(cfg), cfg, NOW)
    with pytest.raises(
        ConfigError,
        match="digest.unsubscribe_url: needs a secret of at least "
        "16 characters in the environment variable FEEDKIT_UNSUBSCRIBE_SECRET",
    ):
        renderer.message(renderer.render(record), record, Subscriber("a@example.org", ""))


def test_without_unsubscribe_url_the_mailto_is_the_visible_link(tmp_path: Path) -> None:
    cfg = make_digest_site(tmp_path, [], posts=1)
    toml = (tmp_path / "feedkit.toml").read_text().replace("unsubscribe_url", "# unsubscribe_url")
    (tmp_path / "feedkit.toml").write_text(toml)
    from feedkit.config import load_config

    cfg = load_config(tmp_path / "feedkit.toml")
    renderer = DigestRenderer(cfg, environ={})
    record = make_record(public(cfg), cfg, NOW)
    msg = renderer.message(renderer.render(record), record, Subscriber("a@example.org", ""))
    parsed, text, html = parts(msg)
    assert parsed["List-Unsubscribe"] == "<mailto:ada@example.org?subject=unsubscribe>"
    assert parsed["List-Unsubscribe-Post"] is None
    assert 'href="mailto:ada@example.org?subject=unsubscribe"' in html
    assert "Hello," in text


def test_two_hundred_new_posts_stay_under_100_kb(tmp_path: Path) -> None:
    cfg = make_digest_site(tmp_path, [], posts=0)
    long_body = "A paragraph with enough words to make a real summary for the digest card. " * 20
    for i in range(200):
        write_post(
            tmp_path,
            f"p{i:03d}",
            f"Post number {i} with a reasonably long title",
            NOW - timedelta(hours=i + 1),
            long_body,
        )
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    rendered = renderer.render(record)
    msg = renderer.message(rendered, record, Subscriber("a@example.org", "A"))
    _, text, html = parts(msg)
    assert len(html.encode()) < 100_000
    assert rendered.cards + rendered.overflow == 200
    assert 0 < rendered.cards < 200
    # Every post is still in the mail: full cards for the newest, title links for the rest.
    for post in record.posts:
        assert post.url in html
    assert "Post number 0 with" in html and "Post number 199 with" in html


def test_site_template_overrides_the_default(tmp_path: Path) -> None:
    cfg = make_digest_site(tmp_path, [], posts=1)
    (tmp_path / "email_templates").mkdir()
    (tmp_path / "email_templates" / "digest.subject.j2").write_text(
        "Fresh from {{ site.title }}", encoding="utf-8"
    )
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    rendered = renderer.render(make_record(public(cfg), cfg, NOW))
    assert rendered.subject == "Fresh from Example Blog"
    assert "Old post 0" in rendered.text  # the other templates are still the defaults


def test_broken_site_template_names_file_and_line(tmp_path: Path) -> None:
    from feedkit.mail.digest import TemplateError

    cfg = make_digest_site(tmp_path, [], posts=1)
    (tmp_path / "email_templates").mkdir()
    (tmp_path / "email_templates" / "digest.txt.j2").write_text("ok\n{% if %}\n")
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    with pytest.raises(TemplateError, match=r"digest.txt.j2:2: "):
        renderer.render(make_record(public(cfg), cfg, NOW))


def test_a_broken_stylesheet_names_its_file_and_line_not_a_traceback(tmp_path: Path) -> None:
    # digest.css is included by the HTML template, so Jinja reads it when the digest renders.
    make_digest_site(tmp_path, [("ada@example.org", "Ada")])
    assert digest_command(tmp_path).exit_code == 0  # the first run records the archive
    write_post(tmp_path, "new", "New post", NOW - timedelta(hours=1))
    (tmp_path / "email_templates").mkdir()
    page = tmp_path / "email_templates" / "digest.html.j2"
    page.write_text('<style>{% include "dark.css" %}</style>{{ digest.subject }}\n')
    result = digest_command(tmp_path, "--dry-run")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: email_templates/digest.html.j2: includes dark.css, which is not found\n",
    )
    page.unlink()
    css = tmp_path / "email_templates" / "digest.css"
    css.write_text("p { color: #333; }\n.x {{ color: red; }}\n", encoding="utf-8")
    for args in (["--dry-run"], []):
        result = digest_command(tmp_path, *args)
        assert (result.exit_code, result.stderr) == (
            1,
            "error: email_templates/digest.css:2: expected token 'end of print statement',"
            " got ':'\n",
        )
    assert not (tmp_path / "outbox").exists()


def test_an_undefined_name_is_reported_at_its_file_and_line(tmp_path: Path) -> None:
    make_digest_site(tmp_path, [("ada@example.org", "Ada")])
    assert digest_command(tmp_path).exit_code == 0
    write_post(tmp_path, "new", "New post", NOW - timedelta(hours=1))
    (tmp_path / "email_templates").mkdir()
    css = tmp_path / "email_templates" / "digest.css"
    css.write_text("p { color: #333; }\n.x { color: {{ colour }}; }\n", encoding="utf-8")
    result = digest_command(tmp_path, "--dry-run")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: email_templates/digest.css:2: 'colour' is undefined; see the template context in"
        " README\n",
    )
    css.unlink()
    text = tmp_path / "email_templates" / "digest.txt.j2"
    text.write_text("{{ digest.subject }}\n\n{{ recipient.nmae }}\n", encoding="utf-8")
    result = digest_command(tmp_path, "--dry-run")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: email_templates/digest.txt.j2:3: 'dict object' has no attribute 'nmae'; see the"
        " template context "
        "in README\n",
    )


def test_an_expression_that_fails_in_a_template_names_its_line_not_a_traceback(
    tmp_path: Path,
) -> None:
    make_digest_site(tmp_path, [("ada@example.org", "Ada")])
    assert digest_command(tmp_path).exit_code == 0
    write_post(tmp_path, "new", "New post", NOW - timedelta(hours=1))
    (tmp_path / "email_templates").mkdir()
    text = tmp_path / "email_templates" / "digest.txt.j2"
    text.write_text(
        "{{ digest.subject }}\n{% for p in posts %}\n{{ p.reading_minutes + ' min' }}\n"
        "{% endfor %}\n",
        encoding="utf-8",
    )
    for args in (["--dry-run"], []):
        result = digest_command(tmp_path, *args)
        assert (result.exit_code, result.stderr) == (
            1,
            "error: email_templates/digest.txt.j2:3: TypeError: unsupported operand type(s) for +:"
            " 'int' and 'str'\n",
        )


def test_dark_mode_rules_for_phones_in_the_stylesheet_reach_the_reader(tmp_path: Path) -> None:
    # A @media rule nested in another is what a dark-mode layout for phones needs; premailer
    # 3.10 crashed writing it out for the head (upstream issue 290).
    make_digest_site(tmp_path, [("ada@example.org", "Ada")])
    assert digest_command(tmp_path).exit_code == 0
    write_post(tmp_path, "new", "New post", NOW - timedelta(hours=1))
    (tmp_path / "email_templates").mkdir()
    default_css = (ROOT / "email_templates" / "digest.css").read_text(encoding="utf-8")
    nested = (
        "@media (prefers-color-scheme: dark) {\n"
        "  .card { background: #222222; }\n"
        "  @media (max-width: 600px) { .card { padding: 8px; } }\n"
        "}\n"
    )
    css = tmp_path / "email_templates" / "digest.css"
    css.write_text(default_css + nested, encoding="utf-8")
    dry = digest_command(tmp_path, "--dry-run")
    assert (dry.exit_code, dry.stderr) == (0, ""), dry.output
    result = digest_command(tmp_path)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    (raw,) = outbox_messages(tmp_path).values()
    head, body = part_on_the_wire(raw, "html")
    html = email.message_from_bytes(head + b"\r\n\r\n" + body, policy=policy.default)
    style = " ".join(str(html.get_content()).split())
    assert "@media (prefers-color-scheme: dark) {" in style
    assert "@media (max-width: 600px) { .card { padding: 8px !important } }" in style


def test_the_feed_link_follows_a_renamed_feed(tmp_path: Path) -> None:
    make_digest_site(tmp_path, [("ada@example.org", "Ada")])
    toml = tmp_path / "feedkit.toml"
    toml.write_text(toml.read_text().replace("[feed]", '[feed]\natom = "feed.xml"'))
    cfg = load_config(toml)
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    rendered = renderer.render(record)
    reader = Subscriber("ada@example.org", "Ada")
    _, text, html = parts(renderer.message(rendered, record, reader))
    assert f"Feed: {cfg.base_url}feed.xml" in text.splitlines()
    assert f'href="{cfg.base_url}feed.xml"' in html
    assert "atom.xml" not in text + html


def test_a_digest_in_full_carries_each_post_whole_as_sent(tmp_path: Path) -> None:

    make_digest_site(
        tmp_path,
        [("ada@example.org", "Ada")],
        posts=0,
        extra_toml='content = "full"\npostal_address = "Ada Quill\\n1 Example Street"\n',
    )
    (tmp_path / "content").mkdir()
    assert digest_command(tmp_path).exit_code == 0  # the first run: nothing old is sent
    body = "Opening line with **bold**.\n\n```python\nprint(1 < 2)\n```\n\nThe end, $x^2$."
    write_post(tmp_path, "whole", "A whole post", NOW - timedelta(hours=1), body)
    done = digest_command(tmp_path)
    assert done.exit_code == 0, done.output
    (raw,) = outbox_messages(tmp_path).values()
    html = decoded_part(raw, "html")
    text = decoded_part(raw, "plain")
    assert "<strong>Opening line with <strong>" not in html
    assert "Opening line with <strong" in html and "print(1 &lt; 2)" in html
    assert "<math" not in html and "x²" in html  # mail programs show no MathML
    assert "Ada Quill<br" in html and "1 Example Street" in html
    assert "Opening line with **bold**.\r\n\r\n```python\r\nprint(1 < 2)\r\n```" in text
    assert text.rstrip().endswith("Ada Quill\r\n1 Example Street")


def in_full_after_first_run(tmp_path: Path, smtp_server: FaultySmtpServer) -> None:
    """Make a site at `tmp_path` that mails Ada each post in full through `smtp_server`,
    with no post yet, and its first run made (nothing old is sent)."""
    smtp = f'content = "full"\ndelivery = "smtp"\n{smtp_toml(smtp_server)}'
    make_digest_site(tmp_path, [("ada@example.org", "Ada")], posts=0, extra_toml=smtp)
    (tmp_path / "content").mkdir()
    assert digest_command(tmp_path).exit_code == 0


def mailed_in_full(tmp_path: Path, smtp_server: FaultySmtpServer, body: str) -> bytes:
    """Return the bytes `smtp_server` received of the digest in full of a new post of
    `body`, in a site at `tmp_path` (which may hold files of its own already)."""
    in_full_after_first_run(tmp_path, smtp_server)
    write_post(tmp_path, "post", "A post", NOW - timedelta(hours=1), body)
    done = digest_command(tmp_path)
    assert done.exit_code == 0, done.output
    (received,) = smtp_server.messages
    return received.raw


def test_a_post_in_full_shows_one_reading_time_and_its_picture_once(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # The card said "1 min read" and the post's own line under it "⏱ 3 min read"; a
    # picture given as the card's (`image:`) and in the text stood twice, one on the other.
    in_full_after_first_run(tmp_path, smtp_server)
    (tmp_path / "content" / "pic.md").write_text(
        f"---\ntitle: A picture\ndate: {(NOW - timedelta(hours=1)).isoformat()}\n"
        "image: /img/cover.png\n---\n*⏱ 3 min read*\n\nThe text.\n\n"
        "![The cover](/img/cover.png)\n",
        encoding="utf-8",
    )
    done = digest_command(tmp_path)
    assert done.exit_code == 0, done.output
    (received,) = smtp_server.messages
    html, text = decoded_part(received.raw, "html"), decoded_part(received.raw, "plain")
    assert html.count('src="https://example.com/img/cover.png"') == 1
    assert "3 min read" not in html and "3 min read" not in text
    assert "1 min read" in html


def test_a_footnote_of_a_post_in_full_is_reached_in_the_message(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # Its link (and the note's way back) went to the post's page, where the site's own
    # generator names the note otherwise (kramdown's fn:1): a link that jumped nowhere.
    body = "* [Setup](#setup)\n\nRounding[^1] is subtle.\n\n## Setup {#setup}\n\n[^1]: Goldberg.\n"
    html = decoded_part(mailed_in_full(tmp_path, smtp_server, body), "html")
    assert 'href="#fn-post-1"' in html and 'id="fn-post-1"' in html
    assert 'href="#fnref-post-1"' in html and 'id="fnref-post-1"' in html
    # A heading's link stays the page's: two posts of a digest may name a heading alike.
    assert 'href="https://example.com/blog/2026/11/post/#setup"' in html


def test_a_post_in_full_quoted_hundreds_deep_is_mailed_not_a_traceback(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # markdownify recurses once a level: 400 quotes deep stopped every digest with a
    # RecursionError (and check said OK). The text part is then the text alone.
    raw = mailed_in_full(tmp_path, smtp_server, ">" * 400 + " deep\n\nAfter it.\n")
    text = decoded_part(raw, "plain")
    assert "deep\r\n\r\nAfter it." in text


@pytest.mark.parametrize(
    "body",
    [
        ">" * 400 + " deep\n\nAfter it.\n",
        "- " * 600 + "deep\n\nAfter it.\n",
        "<div>" * 3000 + "deep" + "</div>" * 3000 + "\n\nAfter it.\n",
    ],
    ids=["quotes", "lists", "divs"],
)
def test_a_post_in_full_nested_hundreds_deep_keeps_its_text_and_the_footer(
    tmp_path: Path, smtp_server: FaultySmtpServer, body: str
) -> None:
    # premailer parses with libxml2, which stops 256 deep: the HTML part lost the text
    # from there on, the post's rest and the footer's unsubscribe link with it.
    html = decoded_part(mailed_in_full(tmp_path, smtp_server, body), "html")
    assert "deep<br>" in html and "After it." in html
    assert "/unsubscribe?token=" in html
    assert max(html.count("<blockquote"), html.count("<div"), html.count("<li")) < 120


def test_a_post_that_keeps_its_text_off_the_feeds_is_a_summary_in_a_digest_in_full(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # `feed: {excerpt_only: true}` (jekyll-feed's) kept the text off the feeds, and the
    # digest in full mailed it whole to every reader.
    in_full_after_first_run(tmp_path, smtp_server)
    (tmp_path / "content" / "teaser.md").write_text(
        f"---\ntitle: A teaser\ndate: {(NOW - timedelta(hours=1)).isoformat()}\n"
        "feed:\n  excerpt_only: true\n---\nThe opening, for everyone.\n\n"
        + "The rest, for the site only. " * 80
        + "\n",
        encoding="utf-8",
    )
    write_post(tmp_path, "whole", "A whole post", NOW - timedelta(hours=2), "All of it, mailed.")
    done = digest_command(tmp_path)
    assert done.exit_code == 0, done.output
    (received,) = smtp_server.messages
    html, text = decoded_part(received.raw, "html"), decoded_part(received.raw, "plain")
    assert "All of it, mailed." in html and "All of it, mailed." in text
    assert "The opening, for everyone." in html
    for part in (html, text):  # its summary, cut near summary_chars: not all 80 sentences
        assert part.count("The rest, for the site only.") < 20
    assert "Read more" in html


def test_a_post_too_big_to_mail_in_full_is_its_summary_and_the_others_stay_in_full(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # The newest post alone over max_bytes went as a title link, and took every older post
    # of the digest with it (the newest go in full); its text part took seconds a megabyte.
    in_full_after_first_run(tmp_path, smtp_server)
    write_post(tmp_path, "whole", "A whole post", NOW - timedelta(hours=2), "All of it, mailed.")
    huge = "The opening, for everyone.\n\n" + "A *long* paragraph of the data dump.\n\n" * 4000
    write_post(tmp_path, "huge", "A huge post", NOW - timedelta(hours=1), huge)
    warned = (
        "content/huge.md: warning: its text is 204,034 bytes of HTML, more than "
        "digest.max_bytes lets a digest carry: the digest shows its summary and a link to it"
    )
    dry = digest_command(tmp_path, "--dry-run")
    assert dry.exit_code == 0 and "2 full card(s), 0 title link(s)" in dry.stdout, dry.output
    assert warned in dry.stdout.splitlines()
    done = digest_command(tmp_path)
    assert done.exit_code == 0, done.output
    assert warned in done.stderr.splitlines()
    (received,) = smtp_server.messages
    html, text = decoded_part(received.raw, "html"), decoded_part(received.raw, "plain")
    assert "All of it, mailed." in html and "All of it, mailed." in text
    assert "The opening, for everyone." in html and "The opening, for everyone." in text
    assert html.count("data dump") < 20 and text.count("data dump") < 20
    assert "Read more" in html


def test_a_post_in_another_language_says_so_in_the_digest_as_received(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # A post's `lang` marked its feed entries; the digest's card said the site's language,
    # so a screen reader read a French post's title and text with English sounds.
    from lxml import html as lxml_html

    smtp = f'delivery = "smtp"\n{smtp_toml(smtp_server)}'
    make_digest_site(tmp_path, [("ada@example.org", "Ada")], posts=0, extra_toml=smtp)
    (tmp_path / "content").mkdir()
    assert digest_command(tmp_path).exit_code == 0  # the first run: nothing old is sent
    (tmp_path / "content" / "french.md").write_text(
        f"---\ntitle: Un billet\ndate: {(NOW - timedelta(hours=1)).isoformat()}\nlang: fr\n"
        "image: https://example.com/une.png\n---\nLe texte du billet.\n",
        encoding="utf-8",
    )
    write_post(tmp_path, "english", "A post", NOW - timedelta(hours=2), "The post's text.")
    done = digest_command(tmp_path)
    assert done.exit_code == 0, done.output
    (received,) = smtp_server.messages
    page = lxml_html.fromstring(decoded_part(received.raw, "html"))
    langs = {
        title.text_content(): [
            (e.get("class"), e.get("lang"))
            for e in title.getparent().iter()
            if e.get("class") in ("post-title", "image-wrap", "summary", "meta", "button-table")
        ]
        for title in page.find_class("post-title")
    }
    assert langs == {
        "Un billet": [
            ("post-title", "fr"),
            ("meta", None),  # the site's words: "1 min read"
            ("image-wrap", "fr"),
            ("summary", "fr"),
            ("button-table", None),
        ],
        "A post": [("post-title", None), ("meta", None), ("summary", None), ("button-table", None)],
    }
    assert {e.get("lang") for e in page.find_class("card-body")} == {"en"}


def test_a_more_divider_in_a_code_block_stays_in_the_digests_text_as_received(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:

    body = (
        "How Hugo cuts a summary.\n\n<!--more-->\n\nWrite this line:\n\n"
        "```html\n<p>Intro</p>\n<!--more-->\n<p>Rest</p>\n```\n"
    )
    text = decoded_part(mailed_in_full(tmp_path, smtp_server, body), "plain")
    # The author's own divider goes; the one the code block shows stays, as it is written.
    assert "How Hugo cuts a summary.\r\n\r\nWrite this line:" in text
    assert "```html\r\n<p>Intro</p>\r\n<!--more-->\r\n<p>Rest</p>\r\n```" in text


def test_the_text_part_of_a_post_in_full_is_what_its_html_part_says(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # The text part was the Markdown as written: a reader whose mail program shows text got
    # an embed's <script>, an <iframe>, `&mdash;`, TeX between `$$`, a link relative to
    # the site no mail program can follow, and footnote syntax (real posts: a Pelican
    # blog's Bilibili embed, lil-log's GAN post, stekzero's tweet).
    body = (
        "An embed &mdash; see [the notes](/notes/)[^1]:\n\n"
        '<iframe src="//player.example.net/v/1"></iframe>\n\n'
        '<script async src="https://platform.example.net/widgets.js"></script>\n\n'
        "$$\\frac{1}{2}x \\le y$$\n\n![A chart](/img/chart.png)\n\n"
        "Roses are red,  \nViolets are blue,\\\nand so on.\n\n"  # line breaks, a line each
        "## Steps\n\n1. *one*\n2. two\n\n[^1]: The note.\n"
    )
    text = decoded_part(mailed_in_full(tmp_path, smtp_server, body), "plain")
    post = text[text.index("An embed —") : text.index("On the site:")]
    assert post == (
        "An embed — see [the notes](https://example.com/notes/)[1]:\r\n\r\n"
        "<https://player.example.net/v/1>\r\n\r\n"  # the iframe, a link as in the HTML
        "(1/2)x ≤ y\r\n\r\n![A chart](https://example.com/img/chart.png)\r\n\r\n"
        "Roses are red,\r\nViolets are blue,\r\nand so on.\r\n\r\n"
        "## Steps\r\n\r\n1. *one*\r\n2. two\r\n\r\n---\r\n\r\n1. The note.\r\n\r\n"
    )


def test_the_text_part_keeps_a_shown_fence_whole_and_a_tables_bars_in_their_cells(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # A fence shown in a longer fence: markdownify's ``` was closed by the inner one, and
    # the rest of the code fell out of it. A `|` in a cell (|x| in a formula, a|b in code)
    # parted the cell in two, and the row no longer lined up with its header.
    body = (
        "A fence in a fence:\n\n````markdown\n```python\nprint(1)\n```\n````\n\n"
        "| Method | Bound |\n|---|---|\n| Naive | $\\lvert x_i \\rvert$ |\n| `a\\|b` | c |\n"
    )
    text = decoded_part(mailed_in_full(tmp_path, smtp_server, body), "plain")
    assert "````markdown\r\n```python\r\nprint(1)\r\n```\r\n````" in text
    assert "| Naive | \\|xᵢ\\| |\r\n" in text
    assert "| `a\\|b` | c |\r\n" in text


def test_images_of_a_post_in_full_are_sized_for_outlook_as_received(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # Outlook for Windows sizes an image by its attributes alone: a site's own picture
    # wider than the card showed at its full width, past the edge of the mail; and
    # premailer copied the stylesheet's `height: auto` into an attribute that takes a
    # number (`height="auto"`), and `background-color` into `bgcolor` on a <pre>.
    (tmp_path / "img").mkdir()  # the site's own file, at base_url + img/diagram.png
    shutil.copy(ROOT / "content" / "kahan-summation" / "diagram.png", tmp_path / "img")
    # An SVG (Apple Mail shows one), whose size imagesize reads as floats: "360.0" is no
    # width HTML knows.
    svg = ROOT / "content" / "posts" / "2024" / "images" / "cache-hierarchy.svg"
    shutil.copy(svg, tmp_path / "img")
    body = (
        "![Wide](/blog/img/diagram.png)\n\n![Elsewhere](https://cdn.example/b.png)\n\n"
        "![Levels](/blog/img/cache-hierarchy.svg)\n\n```\ncode\n```\n"
    )
    html = decoded_part(mailed_in_full(tmp_path, smtp_server, body), "html")
    images = {
        img.get("src"): (img.get("width"), img.get("height"))
        for img in lxml.html.fromstring(html).xpath("//div[contains(@class, 'post-content')]//img")
    }
    # 960 × 400 shown 552 wide: 230 high. An image elsewhere: its size is not known.
    assert images == {
        "https://example.com/blog/img/diagram.png": ("552", "230"),
        "https://cdn.example/b.png": (None, None),
        "https://example.com/blog/img/cache-hierarchy.svg": ("360", "240"),
    }
    assert 'height="auto"' not in html and "<pre bgcolor" not in html


def test_an_svg_image_is_left_out_of_cards_and_check_says_so(tmp_path: Path) -> None:
    cfg = make_digest_site(tmp_path, [("ada@example.org", "Ada")], posts=1)
    post = tmp_path / "content" / "old-0.md"
    post.write_text(post.read_text().replace("tags:", "image: diagram.svg\ntags:"))
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    _, _, html = parts(
        renderer.message(renderer.render(record), record, Subscriber("a@x.org", "A"))
    )
    assert lxml.html.fromstring(html).xpath("//img") == []  # Gmail and Outlook show no SVG
    checked = CliRunner().invoke(
        main, ["check", "--config", str(tmp_path / "feedkit.toml")], env={**NOW_ENV, **SECRET_ENV}
    )
    assert checked.exit_code == 0
    assert checked.stderr == (
        "content/old-0.md: warning: image: SVG, which Gmail and Outlook do not show: digest "
        "cards leave it out; give a PNG or JPEG as the post's image for email readers\n"
    )


def test_a_card_image_of_the_sites_own_has_its_height_for_outlook(tmp_path: Path) -> None:
    cfg = make_digest_site(tmp_path, [], posts=2)
    bundle = tmp_path / "content" / "bundle"
    bundle.mkdir()
    (tmp_path / "content" / "old-0.md").rename(bundle / "index.md")
    index = bundle / "index.md"
    index.write_text(index.read_text().replace("tags:", "image: wide.png\ntags:"))
    shutil.copy(ROOT / "content" / "kahan-summation" / "diagram.png", bundle / "wide.png")
    remote = tmp_path / "content" / "old-1.md"
    remote.write_text(
        remote.read_text().replace("tags:", "image: https://cdn.example/a.png\ntags:")
    )
    renderer = DigestRenderer(cfg, environ=SECRET_ENV)
    record = make_record(public(cfg), cfg, NOW)
    message = renderer.message(renderer.render(record), record, Subscriber("a@x.org", "A"))
    _, _, html = parts(message)
    sizes = {img.get("src"): img.get("height") for img in lxml.html.fromstring(html).xpath("//img")}
    # 960 × 400 shown 552 wide: 230 high. An image elsewhere: its height is not known.
    assert sizes == {
        "https://example.com/blog/2026/10/bundle/wide.png": "230",
        "https://cdn.example/a.png": None,
    }


def test_the_dry_run_and_the_preview_say_which_images_of_a_digest_in_full_are_svg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The digest in full keeps an SVG in a post's text (Apple Mail shows it; see the test
    # above), where Gmail and Outlook show a broken image: the views of the next digest
    # before it goes out say so, naming the post's file.
    from preview_process import preview_in_process, url

    for key, value in SECRET_ENV.items():
        monkeypatch.setenv(key, value)
    site_after_first_digest(tmp_path)
    toml = tmp_path / "feedkit.toml"
    toml.write_text(toml.read_text().replace("[digest]\n", '[digest]\ncontent = "full"\n'))
    (tmp_path / "img").mkdir()
    shutil.copy(ROOT / "content" / "kahan-summation" / "diagram.png", tmp_path / "img")
    body = (
        "![Levels](/blog/img/levels.svg)\n\n![Wide](/blog/img/diagram.png)\n\n"
        '<img src="https://cdn.example/chart.SVGZ?v=1" alt="Chart">\n'
    )
    write_post(tmp_path, "vector", "Vector art", NOW - timedelta(hours=1), body)
    warned = [
        f"content/vector.md: warning: image {src}: SVG, which Gmail and Outlook do not show: "
        "the digest carries this post in full, and readers there see a broken image in its "
        "place; give a PNG or JPEG for email readers"
        for src in ("https://example.com/blog/img/levels.svg", "https://cdn.example/chart.SVGZ?v=1")
    ]
    dry = digest_command(tmp_path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert [line for line in dry.stdout.splitlines() if "warning:" in line] == warned
    with preview_in_process(toml) as server:
        with urllib.request.urlopen(url(server) + "/", timeout=10) as response:
            page = response.read().decode()
    shown = re.findall(r'<li class="problem"><code>(.*?)</code></li>', page)
    assert [html.unescape(line) for line in shown] == warned
    # The run that sends says so too, on stderr.
    sent = digest_command(tmp_path)
    assert sent.exit_code == 0, sent.output
    assert "sent: 1 sent" in sent.stdout
    assert [line for line in sent.stderr.splitlines() if "warning:" in line] == warned
    # As a title link (the newest post alone over the digest's size, and every post after
    # it), a post's images are not in the digest.
    toml.write_text(
        toml.read_text().replace('content = "full"', 'content = "full"\nmax_bytes = 30000')
    )
    write_post(tmp_path, "vector-2", "Vector again", NOW - timedelta(minutes=40), body)
    write_post(tmp_path, "long", "Long", NOW - timedelta(minutes=30), "Words. " * 4000)
    dry = digest_command(tmp_path, "--dry-run")
    assert dry.exit_code == 0 and "0 full card(s), 2 title link(s)" in dry.stdout, dry.output
    sent = digest_command(tmp_path)
    assert sent.exit_code == 0 and "(2 post(s)) sent: 1 sent" in sent.stdout, sent.output
    assert "warning:" not in dry.stdout + dry.stderr + sent.stdout + sent.stderr


def test_a_reader_s_name_keeps_its_direction_to_itself_in_the_greeting(tmp_path: Path) -> None:
    # A sign-up named `Al\u202eice` (RIGHT-TO-LEFT OVERRIDE, never closed) turned the rest of
    # the greeting's line around ("Hi Al‮ice,"); a post title is isolated, so is a name.
    readers = [("al@example.org", "Al\u202eice Smith"), ("dan@example.org", "דן")]
    make_digest_site(tmp_path, readers)
    assert digest_command(tmp_path).exit_code == 0  # the first run records the archive
    write_post(tmp_path, "new", "New post", NOW - timedelta(hours=1))
    assert digest_command(tmp_path).exit_code == 0
    texts = {}
    for path in sorted((tmp_path / "outbox").rglob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        texts[message["To"].addresses[0].addr_spec] = message.get_body(("plain",)).get_content()
    assert "Hi \u2068Al\u202eice\u202c\u2069,\r\n" in texts["al@example.org"]
    assert "Hi \u2068דן\u2069,\r\n" in texts["dan@example.org"]
