"""Post files split into front matter and body: a file with none, as the generator it was
written for reads it (Jekyll's posts and Hugo's pages publish it), else an error at its line.

tests/fixtures/jekyll-no-front-matter/ is a Jekyll site whose posts mostly have no front
matter; tests/fixtures/jekyll-no-front-matter.feed.xml is the feed Debian's Jekyll 4.3.1
with jekyll-feed 0.17.0 made of it (`jekyll build`), which tests/test_oracles.py checks
against the real thing where Jekyll is installed.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from test_oracles import entries, seen_text, title

from feedkit.cli import main
from feedkit.posts.uncarried import has_illegal

from conftest import FIXTURES, NOW_ENV, hugo_site_with_a_bare_page

JEKYLL_SITE = FIXTURES / "jekyll-no-front-matter"
JEKYLL_FEED = FIXTURES / "jekyll-no-front-matter.feed.xml"
# A Jekyll site of post files Jekyll reads its own way (trailing periods in a name, a dated
# `.txt`, a picture named like a post, a first line that is not `---`), and the feed
# Debian's Jekyll 4.3.1 with jekyll-feed 0.17.0 made of it; tests/test_oracles.py checks
# it against the real thing where Jekyll is installed.
POST_FILES_SITE = FIXTURES / "jekyll-post-files"
POST_FILES_FEED = FIXTURES / "jekyll-post-files.feed.xml"


def no_front_matter(path: str, title: str) -> str:
    """Return the warning feedkit gives a Jekyll post without front matter."""
    return (
        f"{path}:1: warning: no front matter; feeds show it as Jekyll does, titled {title!r} "
        "and dated from its file name: start the file with front matter ('---', 'title: …', "
        "'---') to set them"
    )


def init(site: Path, runner: CliRunner) -> Path:
    """Return the feedkit.toml `feedkit init` writes for the old site at `site`."""
    result = runner.invoke(main, ["init", str(site)], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    return site / "feedkit.toml"


def built_post_files(tmp_path: Path, runner: CliRunner) -> tuple[Path, list[str]]:
    """Return a copy of POST_FILES_SITE set up with `feedkit init` and built with `feedkit
    build`, which must succeed, and the lines it wrote to stderr."""
    site = tmp_path / "site"
    shutil.copytree(POST_FILES_SITE, site)
    result = runner.invoke(main, ["build", "--config", str(init(site, runner))], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    return site, result.stderr.splitlines()


def assert_as_jekyll_feed_had(site: Path, ids: list[str]) -> None:
    """Assert that the entries `ids` of the feed feedkit built in `site` have the links,
    titles and text of POST_FILES_FEED's, as jekyll-feed made them."""
    theirs = entries(POST_FILES_FEED, "id")
    ours = entries(site / "public" / "feed.xml", "id")
    for key in ids:
        our, their = ours[key], theirs[key]
        assert (our.link, title(our), seen_text(our)) == (
            their.link,
            title(their),
            seen_text(their),
        ), key


def test_a_jekyll_post_opened_by_other_than_three_dashes_has_no_front_matter(
    tmp_path: Path, runner: CliRunner
) -> None:
    # Jekyll's front matter opens with a first line `---` and white space at most
    # (Jekyll::Document's YAML_FRONT_MATTER_REGEXP): a `----`, `+++` (TOML) or `{` (JSON) line
    # is text, and the post is titled from its name. feedkit read them as front matter,
    # so their titles and text were not those Jekyll published.
    site, stderr = built_post_files(tmp_path, runner)
    for name, line, title_ in [
        ("2024-02-06-four-dashes.md", "----", "Four Dashes"),
        ("2024-02-07-toml.md", "+++", "Toml"),
        ("2024-02-08-json.md", "{", "Json"),
    ]:
        assert (
            f"_posts/{name}:1: warning: no front matter (Jekyll reads a first line '{line}' as "
            f"text); feeds show it as Jekyll does, titled '{title_}' and dated from its file "
            "name: start the file with front matter ('---', 'title: …', '---') to set them"
        ) in stderr
    assert_as_jekyll_feed_had(
        site,
        [f"https://pf.example.org/{name}" for name in ("four-dashes", "toml", "json", "spaces")],
    )
    # `feedkit check` reads the bodies alike (its own way: the whole file, once).
    result = runner.invoke(main, ["check", "--config", str(site / "feedkit.toml")], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert "(Jekyll reads a first line '+++' as text)" in result.stderr

    # In a Jekyll site without _posts/, where a file without front matter is a mistake,
    # the mistake is said with the line Jekyll does not take for its opening.
    flat = tmp_path / "flat"
    (flat / "notes").mkdir(parents=True)
    (flat / "_config.yml").write_text("title: Flat\nurl: https://f.example.org\n")
    shutil.copyfile(site / "_posts" / "2024-02-07-toml.md", flat / "notes" / "toml.md")
    result = runner.invoke(main, ["build", "--config", str(init(flat, runner))], env=NOW_ENV)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "notes/toml.md:1: has no front matter (a first line '+++' opens none in a Jekyll "
        "site); start the file with a '---' line, then 'title: …', 'date: …', and close it "
        "with another '---' line (or Pelican's 'Title: …' lines, then a blank line)",
        "error: 1 problem in the content; nothing was written",
    ]

    # Hugo reads TOML and JSON front matter (checked with Hugo 0.168): a Hugo site keeps them.
    hugo = tmp_path / "hugo"
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "hugo.toml").write_text('baseURL = "https://h.example.org/"\ntitle = "H"\n')
    for name, text in [
        ("toml.md", '+++\ntitle = "In TOML"\ndate = 2024-01-02\n+++\nIts text.\n'),
        ("json.md", '{\n  "title": "In JSON",\n  "date": "2024-01-03"\n}\nIts text.\n'),
    ]:
        (hugo / "content" / "posts" / name).write_text(text, encoding="utf-8")
    toml = init(hugo, runner)
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r'(?m)^output_dir = ".*"', 'output_dir = "out"', text))
    result = runner.invoke(main, ["build", "--config", str(toml)], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    built = entries(hugo / "out" / "index.xml", "link")
    assert sorted((e.title, seen_text(e)) for e in built.values()) == [
        ("In JSON", "Itstext."),
        ("In TOML", "Itstext."),
    ]


def test_a_jekyll_post_without_front_matter_is_in_the_feed_as_jekyll_feed_had_it(
    tmp_path: Path, runner: CliRunner
) -> None:
    # Jekyll publishes a post with no front matter at all, titled from its file name's
    # slug and dated from its date; feedkit stopped the first build of such a blog ("has no
    # front matter"), and wrote nothing.
    site = tmp_path / "site"
    shutil.copytree(JEKYLL_SITE, site)
    toml = init(site, runner)
    result = runner.invoke(main, ["build", "--config", str(toml)], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        no_front_matter("_drafts/2024-01-06-dated-draft.md", "Dated Draft"),
        no_front_matter("_posts/2024-01-02-my-first_post.md", "My First_post"),
        no_front_matter("_posts/2024-01-04-empty.md", "Empty"),
        "_posts/2024-01-04-empty.md:1: warning: the post has no text: feeds and digests would "
        "carry its title alone; write its text, or set 'published: false' until it is ready",
        no_front_matter("_posts/2024-01-05-update.md", "Update"),
        no_front_matter("blog/_posts/2024-01-03-in-a-category.md", "In A Category"),
    ]
    theirs = entries(JEKYLL_FEED, "id")
    ours = entries(site / "public" / "feed.xml", "id")
    assert sorted(ours) == sorted(theirs) and len(ours) == 5
    for key, their in theirs.items():
        our = ours[key]
        assert (our.link, title(our)) == (their.link, title(their)), key
        assert our.published_parsed == their.published_parsed, key
        assert seen_text(our) == seen_text(their), key
    # `Update: I moved.` is the post's first line, as Jekyll has it, not Pelican's header.
    assert seen_text(ours["https://nf.example.org/2024/01/05/update"]) == "Update:Imoved.Moretext."

    # `feedkit check` reads them alike, and lists the draft no date can be found for.
    result = runner.invoke(main, ["check", "--config", str(toml)], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "_drafts/undated-draft.md: skipped: a draft without a date; add 'date: …' when it is "
        "ready to publish"
    )
    assert no_front_matter("_posts/2024-01-05-update.md", "Update") in result.stderr

    # Front matter opened and never closed is still a mistake to stop at (Jekyll would
    # publish its keys as text); two posts at one URL are said with both files.
    before = (site / "public" / "feed.xml").read_bytes()
    unclosed = site / "_posts" / "2024-01-07-unclosed.md"
    unclosed.write_text("---\ntitle: Never closed\n\nBody.\n", encoding="utf-8")
    twin = site / "_posts" / "2024-01-02-my-first_post.markdown"
    twin.write_text("The same URL.\n", encoding="utf-8")
    result = runner.invoke(main, ["build", "--config", str(toml)], env=NOW_ENV)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": warning: " not in line]
    assert errors == [
        "_posts/2024-01-02-my-first_post.md:1: URL "
        "'https://nf.example.org/2024/01/02/my-first_post.html' is also used by "
        "_posts/2024-01-02-my-first_post.markdown; each post needs its own URL",
        "_posts/2024-01-02-my-first_post.md:1: ID "
        "'https://nf.example.org/2024/01/02/my-first_post' is also used by "
        "_posts/2024-01-02-my-first_post.markdown; each post needs its own ID",
        "_posts/2024-01-07-unclosed.md:1: front matter opened with '---' is never closed; "
        "add a line '---' after the last key",
        "error: 3 problems in the content; nothing was written",
    ]
    assert (site / "public" / "feed.xml").read_bytes() == before


def test_outside_jekylls_posts_a_file_without_front_matter_is_an_error(
    tmp_path: Path, runner: CliRunner
) -> None:
    # A Jekyll site without _posts/ takes every Markdown file for a post (Jekyll copies one
    # without front matter as it is), and a feedkit site's own posts have front matter:
    # there, a file without it is a mistake, said at its line.
    site = tmp_path / "site"
    (site / "notes").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Flat\nurl: https://f.example.org\n")
    (site / "notes" / "2024-01-02-note.md").write_text("Just text.\n", encoding="utf-8")
    (site / "_posts").mkdir()
    (site / "_posts" / "2024-01-01-fine.md").write_text("Fine, no front matter.\n")
    toml = init(site, runner)
    result = runner.invoke(main, ["check", "--config", str(toml)], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert "notes/2024-01-02-note.md: skipped: a page, not a post" in result.stderr
    shutil.rmtree(site / "_posts")
    result = runner.invoke(main, ["build", "--config", str(toml)], env=NOW_ENV)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "notes/2024-01-02-note.md:1: has no front matter; start the file with a '---' line, "
        "then 'title: …', 'date: …', and close it with another '---' line (or Pelican's "
        "'Title: …' lines, then a blank line)",
        "error: 1 problem in the content; nothing was written",
    ]


def test_a_hugo_page_without_front_matter_is_an_undated_page_as_hugo_lists_it(
    tmp_path: Path, runner: CliRunner
) -> None:
    # Hugo publishes a page without front matter: in its RSS with no title and no date
    # (0001-01-01). feedkit stopped the build; it leaves the page out of the feeds as any
    # page without a date, and `feedkit check` says so.
    site = hugo_site_with_a_bare_page(tmp_path / "site")
    toml = init(site, runner)
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r'(?m)^output_dir = ".*"', 'output_dir = "out"', text))
    result = runner.invoke(main, ["check", "--config", str(toml)], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "content/posts/bare.md: skipped: a page without a date (Hugo lists it undated); "
        "add 'date: …' to publish it in the feeds"
    ]
    result = runner.invoke(main, ["build", "--config", str(toml)], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert [e.title for e in entries(site / "out" / "index.xml", "link").values()] == ["Dated"]


# What has_illegal stands for: a byte of a control character XML cannot carry, or U+FFFE or
# U+FFFF in UTF-8; decode() and body_of() strip only where it says so.
# And the C1 controls, U+0080 to U+009F, which the W3C validator rejects.
# And what XML carries and feed validators reject: DEL, U+FFFD, the other noncharacters.
XML_ILLEGAL_BYTES = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xef\xbf[\xbd-\xbf]|\xc2[\x80-\x9f]|\xef\xb7[\x90-\xaf]"
    rb"|(?:\xf0[\x9f\xaf\xbf]|[\xf1-\xf3][\x8f\x9f\xaf\xbf]|\xf4\x8f)\xbf[\xbe\xbf]"
)


def test_has_illegal_finds_every_byte_xml_cannot_carry_and_no_other() -> None:
    for byte in range(256):
        for raw in (bytes([byte]), b"text " + bytes([byte]) + b" more\n"):
            assert has_illegal(raw) == (XML_ILLEGAL_BYTES.search(raw) is not None), raw
    assert has_illegal(b"\xef\xbf\xbe") and has_illegal(b"a \xef\xbf\xbf")
    assert has_illegal(b"a \xc2\x85") and not has_illegal(b"a \xc2\xa0 \xc3\x85")
    assert not has_illegal(b"\xef\xbf\xbc \xef\xbb\xbf \xf0\x9f\x9a\x80 tab\there\r\n")
    assert has_illegal(b"a \xef\xbf\xbd") and has_illegal("\U0010ffff".encode())
    assert has_illegal("\ufdd0".encode()) and not has_illegal("\ufdcf \ufdf0 \u0fff".encode())
    # Past the first few 0xEF bytes (variation selectors, say), the rest is searched too.
    selectors = "\u2699\ufe0f".encode() * 40
    assert not has_illegal(selectors) and has_illegal(selectors + b"\xef\xbf\xbe" + selectors)


def test_has_illegal_agrees_with_a_search_on_random_bytes() -> None:
    rng = random.Random(13)
    # Mostly text, with the bytes that matter often enough that both answers come up.
    alphabet = list(b"ab \n\t\r") + [0x00, 0x08, 0x0B, 0x1F, 0x7F, 0xEF, 0xBF, 0xBE, 0xBD]
    alphabet += [0xC2, 0x80, 0x9F, 0xA0, 0xB7, 0x90, 0xAF, 0xF0, 0xF4, 0x8F]
    found = 0
    for _ in range(20_000):
        size = rng.randrange(0, 40)
        if rng.random() < 0.5:
            raw = bytes(rng.choice(alphabet) for _ in range(size))
        else:
            raw = rng.randbytes(size)
        expected = XML_ILLEGAL_BYTES.search(raw) is not None
        assert has_illegal(raw) == expected, raw
        found += expected
    assert 2_000 < found < 18_000  # both answers were tried, many times
