"""A post title's writing direction stays inside the title: in the Subject and the preheader
as a mail program lays them out (one line, by the Unicode bidirectional algorithm), and in
the lines that put a date after a title. Checked on the bytes an SMTP server received,
laid out by a real browser."""

from __future__ import annotations

import email.header
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from feedkit.mail.bidi import FSI, PDF, PDI, balanced, direction, isolate

from conftest import NOW
from digest_site import (
    decoded_part,
    digest_command,
    make_digest_site,
    raw_fields,
    smtp_toml,
    write_post,
)
from smtp_server import FaultySmtpServer, smtp_server_fixture  # noqa: F401

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows it shows mirrored, to the line's end
RLE = "\u202b"
QUESTION = "מה חדש?"  # "What is new?", in Hebrew


def decoded_field(field: bytes) -> str:
    """Return a header field's value as a mail program shows it: unfolded, its RFC 2047
    encoded words decoded."""
    value = field.split(b":", 1)[1].replace(b"\r\n", b"").decode("ascii")
    return str(email.header.make_header(email.header.decode_header(value)))


def lefts(browser: Any, line: str, start: int) -> list[float]:
    """Return where Chromium draws each character of `line` from `start` on, laid out as
    one line of a left-to-right page, as the left edge of each."""
    page = browser.new_page()
    try:
        page.set_content('<div id="line" style="white-space: pre; font: 16px monospace"></div>')
        return list(
            page.eval_on_selector(
                "#line",
                """(div, [line, start]) => {
                    div.textContent = line;
                    const text = div.firstChild, out = [];
                    for (let i = start; i < line.length; i++) {
                        const range = document.createRange();
                        range.setStart(text, i);
                        range.setEnd(text, i + 1);
                        out.push(range.getBoundingClientRect().left);
                    }
                    return out;
                }""",
                [line, start],
            )
        )
    finally:
        page.close()


def reads_left_to_right(browser: Any, line: str, tail: str) -> bool:
    """True when `line` ends with `tail` and Chromium draws `tail`'s characters in their
    order, each to the right of the one before."""
    assert line.endswith(tail), (line, tail)
    xs = lefts(browser, line, len(line) - len(tail))
    return all(a < b for a, b in zip(xs, xs[1:], strict=False))


def smtp_site(root: Path, server: FaultySmtpServer, name: str = "Ada", toml: str = "") -> None:
    """Make a digest site that mails Ada, by `name`, through `server`; `toml` goes in its
    `[digest]` table."""
    make_digest_site(root, [("ada@example.org", name)], posts=0, extra_toml=smtp_toml(server))
    config = root / "feedkit.toml"
    config.write_text(
        config.read_text().replace(
            'subscribers = "subscribers.csv"',
            f'subscribers = "subscribers.csv"\ndelivery = "smtp"\n{toml}',
        )
    )


def sent_digest(root: Path, server: FaultySmtpServer, titles: list[str], toml: str = "") -> bytes:
    """Mail a digest of posts titled `titles` (the first the newest) through `server` to one
    reader; return the message's bytes as the server received them."""
    smtp_site(root, server, toml=toml)
    long_body = "A paragraph long enough to make a card of some size in the digest. " * 40
    for i, title in enumerate(titles):
        write_post(root, f"post-{i}", title, NOW - timedelta(hours=i + 1), long_body)
    result = digest_command(root, "--send-latest", str(len(titles)))
    assert result.exit_code == 0, result.output
    [received] = server.messages
    return bytes(received.raw)


def test_a_title_that_overrides_direction_leaves_the_rest_of_the_subject_in_order(
    tmp_path: Path, smtp_server: FaultySmtpServer, browser: Any
) -> None:
    raw = sent_digest(tmp_path, smtp_server, [f"{RLO}Hello there", "Second", "Third"])
    subject = decoded_field(raw_fields(raw)["Subject"])
    assert subject == f"Example Blog: {FSI}{RLO}Hello there{PDF}{PDI} and 2 more posts"
    # Without the isolate, the override ran on: "stsop erom 2 dna".
    assert reads_left_to_right(browser, subject, " and 2 more posts")
    # The preheader (what an inbox shows after the subject) names every title on one line.
    html = decoded_part(raw, "html")
    [preheader] = lxml.html.document_fromstring(html).find_class("preheader")
    said = re.sub(r"[\u034f\u200c\xa0]+$", "", preheader.text_content())
    assert said.endswith(f"{FSI}{RLO}Hello there{PDF}{PDI} · Second · Third")
    assert reads_left_to_right(browser, said, " · Second · Third")


def test_a_right_to_left_title_keeps_its_own_punctuation_and_the_subjects_words_in_place(
    tmp_path: Path, smtp_server: FaultySmtpServer, browser: Any
) -> None:
    raw = sent_digest(tmp_path, smtp_server, [QUESTION, "Second"])
    subject = decoded_field(raw_fields(raw)["Subject"])
    assert subject == f"Example Blog: {FSI}{QUESTION}{PDI} and 1 more post"
    assert reads_left_to_right(browser, subject, " and 1 more post")
    # The question mark ends the title as its writer wrote it: at the title's left end,
    # where, not isolated, it went to the right of it, before " and".
    start = subject.index(QUESTION)
    xs = lefts(browser, subject, start)[: len(QUESTION)]
    letters, mark = xs[:-1], xs[-1]
    assert letters == sorted(letters, reverse=True) and mark < min(letters)


def test_a_title_link_keeps_its_date_after_it_in_both_parts(
    tmp_path: Path, smtp_server: FaultySmtpServer, browser: Any
) -> None:
    # Posts beyond what fits in max_bytes go as "title · date" lines, in HTML and text.
    titles = [f"Post {i}" for i in range(30)]
    titles[-1] = f"{RLO}Last one"
    raw = sent_digest(tmp_path, smtp_server, titles, toml="max_bytes = 40000")
    html = decoded_part(raw, "html")
    [item] = [
        p.text_content()
        for p in lxml.html.document_fromstring(html).find_class("more-item")
        if "Last one" in p.text_content()
    ]
    date = item.rsplit(PDI, 1)[1]
    assert item == f"{FSI}{RLO}Last one{PDF}{PDI}{date}" and re.search(r"\d", date)
    assert reads_left_to_right(browser, item, date)
    [line] = [line for line in decoded_part(raw, "plain").splitlines() if "Last one" in line]
    assert line.startswith(f"- {FSI}{RLO}Last one{PDF}{PDI} (")
    assert reads_left_to_right(browser, line, line.rsplit(PDI, 1)[1])


def test_a_title_in_a_left_to_right_script_is_sent_as_written(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    title = "Tom & Jerry “curly” 🚀 日本語 café"
    raw = sent_digest(tmp_path, smtp_server, [title])
    assert decoded_field(raw_fields(raw)["Subject"]) == f"Example Blog: {title}"


def test_a_readers_name_cannot_turn_the_address_after_it(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    smtp_site(tmp_path, smtp_server, name=f"{RLO}Ada")
    write_post(tmp_path, "post", "A post", NOW - timedelta(hours=1))
    assert digest_command(tmp_path, "--send-latest", "1").exit_code == 0
    [received] = smtp_server.messages
    to = raw_fields(bytes(received.raw))["To"]
    assert to.endswith(b" <ada@example.org>")
    name = decoded_field(to.rsplit(b" <", 1)[0] + b"\r\n")
    assert name == f"{RLO}Ada{PDF}"  # closed before the address


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        (f"{RLO}abc", f"{RLO}abc{PDF}"),
        (f"{RLO}abc{PDF}", f"{RLO}abc{PDF}"),
        (f"abc{PDF}{PDF}", "abc"),  # closes nothing the text opened
        (f"abc{PDI}{RLO}x", f"abc{RLO}x{PDF}"),  # would close an isolate around it
        (f"{FSI}a{RLE}b{PDI}c", f"{FSI}a{RLE}b{PDI}c"),  # a PDI closes embeddings inside
        (f"{RLE}a{FSI}b{PDF}c", f"{RLE}a{FSI}bc{PDI}{PDF}"),  # a PDF cannot leave an isolate
        (f"{RLE}{RLO}ab", f"{RLE}{RLO}ab{PDF}{PDF}"),
    ],
)
def test_balanced_closes_what_a_text_opens_and_nothing_else(text: str, expected: str) -> None:
    assert balanced(text) == expected


def test_isolate_leaves_left_to_right_text_alone() -> None:
    assert isolate("Tom & Jerry “curly” 🚀 日本語") == "Tom & Jerry “curly” 🚀 日本語"
    assert isolate("") == ""
    assert isolate("x\u200f") == f"{FSI}x\u200f{PDI}"  # a right-to-left mark
    assert isolate("العربية") == f"{FSI}العربية{PDI}"


def test_a_preheader_cut_inside_a_title_closes_what_the_title_opened(
    tmp_path: Path, smtp_server: FaultySmtpServer
) -> None:
    # The preheader is cut at 200 characters: there, inside the second title's override.
    raw = sent_digest(tmp_path, smtp_server, ["A" * 150, f"{RLO}{'b' * 100}"])
    html = decoded_part(raw, "html")
    [preheader] = lxml.html.document_fromstring(html).find_class("preheader")
    said = re.sub(r"[\u034f\u200c\xa0]+$", "", preheader.text_content())
    assert f"{FSI}{RLO}b" in said and said.endswith(f"b{PDF}{PDI}")
    assert balanced(said) == said


def test_a_post_in_full_written_right_to_left_has_its_quotes_rule_where_its_lines_begin(
    tmp_path: Path, smtp_server: FaultySmtpServer, browser: Any
) -> None:
    # A post shown in full is laid out by its first letter (dir="auto"), but the style
    # sheet drew every quote's rule on the left: on a Hebrew post, on the side its lines end.
    smtp_site(tmp_path, smtp_server, toml='content = "full"')
    hebrew = "פסקה ראשונה.\n\n> ציטוט מתוך הספר, שורה &amp; עוד.\n\nפסקה אחרונה.\n"
    english = "A first paragraph, quoting one in Hebrew:\n\n> ציטוט\n\nThe end.\n"
    write_post(tmp_path, "hebrew", QUESTION, NOW - timedelta(hours=1), hebrew)
    write_post(tmp_path, "english", "Quoted", NOW - timedelta(hours=2), english)
    # Its first letter after the markup and a reference: right to left as well.
    lead = "**&#1502;&#1492;** new\n\n> A quote.\n"
    write_post(tmp_path, "lead", "Lead", NOW - timedelta(hours=3), lead)
    result = digest_command(tmp_path, "--send-latest", "3")
    assert result.exit_code == 0, result.output
    [received] = smtp_server.messages
    html = decoded_part(bytes(received.raw), "html")
    page = browser.new_page()
    try:
        page.set_content(html)
        quotes = page.eval_on_selector_all(
            ".post-content blockquote",
            """quotes => quotes.map(q => {
                const s = getComputedStyle(q);
                return [s.direction, s.borderLeftWidth, s.borderRightWidth];
            })""",
        )
    finally:
        page.close()
    assert quotes == [
        ["rtl", "0px", "3px"],  # the Hebrew post: its rule on the right, where lines begin
        ["ltr", "3px", "0px"],  # the English one, though its quote is Hebrew
        ["rtl", "0px", "3px"],
    ]


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p>Hello, שלום</p>", "ltr"),
        ("<p>שלום, hello</p>", "rtl"),
        ("<p>2025: مرحبا</p>", "rtl"),  # digits and punctuation have no strong direction
        ('<p><a href="https://e.org/">مرحبا</a></p>', "rtl"),  # attributes are no text
        ("<p>&#1502;&#1492; new</p>", "rtl"),  # a reference is the character it names
        ("<p>&amp; then</p>", "ltr"),
        ("<p>123 &lt; 456</p>", "ltr"),  # nothing strong: as the page's own, left to right
        ("", "ltr"),
    ],
)
def test_direction_is_that_of_the_first_strong_letter(fragment: str, expected: str) -> None:
    assert direction(fragment) == expected
