"""Task list items (`- [ ] todo`, `- [x] done`) read as their box, `☐ todo` / `☑ done`, in
the feeds, the digest and the summaries: the site's converter draws a disabled checkbox,
which feed readers and mail programs strip. Which items are task items is what each site's
own converter says (recorded in tests/fixtures/tasklists, see its README.md)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import feedparser
import lxml.html
import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.posts.plaintext import summarize
from feedkit.posts.reading import PLAIN, goldmark
from feedkit.posts.tasklists import task_boxes

from conftest import FIXTURES, NOW, NOW_ENV, ROOT, SITE_TOML, MakeSite
from digest_site import decoded_part, digest_command, make_digest_site, smtp_toml, write_post
from smtp_server import FaultySmtpServer, smtp_server_fixture  # noqa: F401

BODY = (FIXTURES / "tasklists" / "tasks.md").read_text(encoding="utf-8")
FRONT = "---\ntitle: Chores\ndate: 2024-01-01\n---\n"
VALIDATE = ROOT.parent / "shared" / "tools" / "validate-feed"
# What each kind of site is made of: its files (under the site's folder, `content/` the
# posts'); the post is `content/POST`.
SITES = {
    "feedkit": {"content/tasks.md": FRONT + BODY},
    "jekyll": {
        "content/_config.yml": "title: J\n",
        "content/_posts/2024-01-01-tasks.md": "---\ntitle: Chores\n---\n" + BODY,
    },
    "hugo": {"hugo.toml": 'title = "H"\n', "content/posts/tasks.md": FRONT + BODY},
    "pelican-tasklist": {
        "pelicanconf.py": "SITENAME = 'P'\nMARKDOWN = {'extensions': ['markdown.extensions"
        ".extra', 'pymdownx.tasklist']}\n",
        "content/tasks.md": "Title: Chores\nDate: 2024-01-01\n\n" + BODY,
    },
}
# The sites that draw task items, by the HTML their converter made (None: feedkit's own).
DRAWN = {
    "feedkit": None,
    "jekyll": "jekyll.html",
    "hugo": "hugo.html",
    "pelican-tasklist": "python-markdown-tasklist.html",
}


def site(tmp_path: Path, files: dict[str, str], toml: str = SITE_TOML) -> Path:
    """Write a site of `files` (and feedkit.toml) in `tmp_path`; return its folder."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "feedkit.toml").write_text(toml, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def built(root: Path) -> dict[str, str]:
    """Return the post's content in each feed `feedkit build` writes, as readers read it."""
    config = str(root / "feedkit.toml")
    result = CliRunner().invoke(main, ["build", "--config", config], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    public = root / "public"
    atom = feedparser.parse((public / "atom.xml").read_bytes())
    rss = feedparser.parse((public / "rss.xml").read_bytes())
    assert not atom.bozo and not rss.bozo
    (item,) = json.loads((public / "feed.json").read_text(encoding="utf-8"))["items"]
    return {
        "atom": atom.entries[0].content[0].value,
        "rss": rss.entries[0].content[0].value,
        "json": item["content_html"],
    }


def task_items(html: str) -> list[str]:
    """Return the text of each list item of `html` in order, its own text only (not a list
    inside it), a checkbox the converter drew as ☐ or ☑ (an `<input>` the post wrote as
    what feeds show of it: nothing), no space after a box."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for box in list(root.iter("input")):
        if box.get("disabled") is not None:  # the converter's (the post's own is not)
            box.tail = ("☑" if box.get("checked") is not None else "☐") + (box.tail or "")
        box.drop_tree()
    shown = []
    for item in root.iter("li"):
        for inner in item.xpath(".//ul|.//ol"):
            inner.getparent().remove(inner)
        text = " ".join(item.text_content().split())
        shown.append(re.sub(r"^([☐☑]) ?", r"\1", text))
    return shown


def invalid(root: Path) -> dict[str, str]:
    """Return the W3C validator's report on each feed it does not accept."""
    found = {}
    for name in ("atom.xml", "rss.xml"):
        url = "https://example.com/blog/" + name
        path = root / "public" / name
        done = subprocess.run([sys.executable, str(VALIDATE), str(path), url], capture_output=True)
        if done.returncode != 0:
            found[name] = (done.stdout + done.stderr).decode()
    return found


def tight(content: str) -> str:
    """Return feed `content` with each list item's lone paragraph unwrapped. Python-Markdown
    joins the fixture's lists into one, loose item by item; pulldown-cmark makes a list
    loose as a whole (README), so on a Pelican site every item of it is a paragraph."""
    return re.sub(r"<li>\s*<p>((?:(?!</?p>).)*)</p>\s*</li>", r"<li>\1</li>", content, flags=re.S)


@pytest.mark.parametrize("kind", sorted(DRAWN))
def test_each_sites_task_items_read_as_their_box_in_every_feed(tmp_path: Path, kind: str) -> None:
    for content in built(site(tmp_path, SITES[kind])).values():
        assert "<p>☑ loose two</p>" in content
        content = tight(content) if kind.startswith("pelican") else content
        assert "<li>☐ write the post</li>" in content
        assert "<li>☑ fix the feed</li>" in content
        assert "<li>☐ quoted task</li>" in content
        assert "<li>☐ nested task</li>" in content
        if not kind.startswith("pelican"):  # where Python-Markdown joins them in one
            assert "<ol>\n<li>☐ ordered todo</li>" in content  # lists stay lists
        # A `[ ]` in text or code is as typed; an <input> the post wrote stays left out.
        assert "<li>plain item with [ ] inside</li>" in content
        assert "<p>Text with <code>[ ]</code> in code and [ ] in prose.</p>" in content
        assert "<input" not in content and "<li> raw input</li>" in content
    if VALIDATE.is_file():
        assert invalid(tmp_path) == {}


@pytest.mark.parametrize("kind", sorted(DRAWN))
def test_task_items_are_those_the_sites_own_converter_draws(tmp_path: Path, kind: str) -> None:
    ours = task_items(built(site(tmp_path, SITES[kind]))["atom"])
    if DRAWN[kind] is None:  # pulldown-cmark's, whose reading feedkit's is
        assert ours[4:6] == ["☐", "[ ]nospace"]  # `- [ ]` alone is a box, as in Goldmark
        return
    theirs = task_items((FIXTURES / "tasklists" / DRAWN[kind]).read_text(encoding="utf-8"))
    if kind == "hugo":
        # Goldmark's `- [ ]nospace`: a task item with no space after its marker, as no
        # other converter reads it (nor the GFM spec).
        assert theirs[5] == "☐nospace"
    if kind.startswith("pelican"):  # Python-Markdown joins the lists, indents by four
        theirs = [item for item in theirs if item != "outer"]
        ours = [item for item in ours if item != "outer"]
    assert ours == theirs


def test_a_hugo_sites_marker_needs_no_space_after_it_but_in_code() -> None:
    # Goldmark's tasklist takes `- [x]done` (tests/fixtures/tasklists/hugo.html); feedkit's
    # own reading and the others keep it as typed, and so does code in any.
    from feedkit.posts.markup import render_html

    text = "- [x]done\n- [ ]`code`\n\n```\n- [x]fenced\n```\n"
    html = render_html(text, "https://e.org/", "p", "source", goldmark(True))
    assert html.startswith("<ul>\n<li>☑ done</li>\n<li>☐ <code>code</code></li>\n</ul>\n")
    assert "<pre><code>- [x]fenced\n</code></pre>" in html
    assert "<li>[x]done</li>" in render_html(text, "https://e.org/", "p", "source", PLAIN)


# A site whose converter draws no task items (as it is set), and the same site drawing them.
UNDRAWN = {
    "pelican": ("pelicanconf.py", "SITENAME = 'P'\n", "pelican-tasklist"),
    "hugo": ("hugo.toml", 'title = "H"\n[markup.goldmark.extensions]\ntaskList = false\n', "hugo"),
    "jekyll": ("content/_config.yml", "kramdown:\n  input: kramdown\n", "jekyll"),
}


@pytest.mark.parametrize("kind", sorted(UNDRAWN))
def test_a_site_whose_converter_draws_no_task_items_keeps_them_as_typed(
    tmp_path: Path, kind: str
) -> None:
    # Pelican's default MARKDOWN, Hugo with taskList off, kramdown's own input.
    name, text, drawing = UNDRAWN[kind]
    drawn = built(site(tmp_path / "on", SITES[drawing]))["atom"]
    assert "<li>☑ fix the feed</li>" in (tight(drawn) if kind == "pelican" else drawn)
    content = built(site(tmp_path / "off", {**SITES[drawing], name: text}))["atom"]
    content = tight(content) if kind == "pelican" else content
    assert "<li>[ ] write the post</li>" in content and "<li>[x] fix the feed</li>" in content
    assert "☐" not in content and "☑" not in content


# A post whose summary, the text before its divider, opens with a task list.
OPENING = (
    "- [ ] write the post\n- [x] fix the feed\n\nThen a `[ ]` in code.\n\n<!--more-->\n\nRest."
)


def test_a_summary_shows_each_task_items_box(make_site: MakeSite) -> None:
    assert summarize(OPENING, None, 200) == "☐ write the post ☑ fix the feed Then a [ ] in code."
    assert summarize(OPENING, None, 200, goldmark(True)).startswith("☐ write the post ☑ fix")
    only_a_list = "* [X] one\n* [ ] two\n"  # no paragraph: the list's text is the summary
    assert summarize(only_a_list, None, 200, PLAIN) == "☑ one ☐ two"
    cfg = make_site(posts={"tasks.md": FRONT + OPENING})
    built_feed = built(cfg.root)
    assert "<li>☐ write the post</li>" in built_feed["atom"]
    (item,) = json.loads((cfg.output_path / "feed.json").read_text("utf-8"))["items"]
    assert item["summary"] == "☐ write the post ☑ fix the feed Then a [ ] in code."


@pytest.mark.parametrize("content", ["full", "summary"])
def test_the_digest_as_received_shows_each_task_items_box_in_both_parts(
    tmp_path: Path, smtp_server: FaultySmtpServer, content: str
) -> None:
    smtp = f'content = "{content}"\ndelivery = "smtp"\n{smtp_toml(smtp_server)}'
    make_digest_site(tmp_path, [("ada@example.org", "Ada")], posts=0, extra_toml=smtp)
    (tmp_path / "content").mkdir()
    assert digest_command(tmp_path).exit_code == 0  # the first run: nothing old is sent
    write_post(tmp_path, "chores", "Chores", NOW - timedelta(hours=1), OPENING)
    done = digest_command(tmp_path)
    assert done.exit_code == 0, done.output
    (received,) = smtp_server.messages
    text = decoded_part(received.raw, "plain")
    html = decoded_part(received.raw, "html")
    if content == "full":
        assert "- ☐ write the post\r\n- ☑ fix the feed\r\n\r\nThen a `[ ]` in code.\r\n" in text
        assert re.search(r"<li[^>]*>☐ write the post</li>\s*<li[^>]*>☑ fix the feed</li>", html)
        assert "<code" in html and ">[ ]</code>" in html
    else:
        assert "☐ write the post ☑ fix the feed Then a [ ] in code." in text
        assert "☐ write the post ☑ fix the feed Then a [ ] in code." in html
    assert "[x]" not in text + html and "<input" not in html


def test_a_cmark_jekyll_site_draws_task_items_with_its_tasklist_extension(tmp_path: Path) -> None:
    commonmark = "markdown: CommonMark\ncommonmark:\n  extensions: [table{}]\n"
    for extensions, drawn in ((", tasklist", True), ("", False)):
        files = {**SITES["jekyll"], "content/_config.yml": commonmark.format(extensions)}
        content = built(site(tmp_path / str(drawn), files))["atom"]
        assert ("<li>☐ write the post</li>" in content) is drawn
        assert ("<li>[ ] write the post</li>" in content) is not drawn


# Task items wherever a line's list markers and quotes put them, beside a `[x]` in prose.
PLACED = {
    "- [ ] a": "- ☐ a",
    "  * [x] b": "  * ☑ b",
    "> 1. [X] c": "> 1. ☑ c",
    "- > - [ ] d": "- > - ☐ d",
    "- - [ ] e": "- - ☐ e",
    "10) [ ] f": "10) ☐ f",
    "Done [x] here.\n\n- [ ] g": "Done [x] here.\n\n- ☐ g",
    "Done [x] here, `[ ]` too.": "Done [x] here, `[ ]` too.",
}


@pytest.mark.parametrize("text", sorted(PLACED))
def test_a_task_item_is_found_wherever_its_line_puts_it(text: str) -> None:
    assert task_boxes(text, PLAIN) == PLACED[text]
