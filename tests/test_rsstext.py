"""A title or tag with an HTML end tag in it (`</div>`), which the W3C feed validator warns on
in every RSS feed whatever its escaping: `feedkit build` and `feedkit check` name the front
matter's line, for the posts the feeds show, and the warnings match the validator's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from feedkit.site.rsstext import HTML_TAGS, html_end_tag, warnings

from conftest import ROOT, SITE_TOML
from conftest import run_feedkit as feedkit
from feedcheck import HTML_TAGS as CHECKED_TAGS
from feedcheck import check_rss

VALIDATE = ROOT.parent / "shared" / "tools" / "validate-feed"
SITE_URL = "https://example.com/blog/"
VALIDATOR_CODE = ROOT.parent / "shared" / "tools" / "feedvalidator" / "feedvalidator"

POSTS = {
    # name: its front matter
    "closing.md": 'title: "Why </div> closes twice"\ndate: 2026-11-01 10:00:00+01:00\n',
    "tagged.md": (
        'date: 2026-11-02 10:00:00+01:00\ntitle: Markup notes\ntags: [html, "</code>", "Vec</T>"]\n'
    ),
    "upper.md": 'date: 2026-11-03 10:00:00+01:00\n"title": "Upper case: </B>"\n',
    "opening.md": 'title: "Centering a <div>, and Vec</T>"\ndate: 2026-11-04 10:00:00+01:00\n',
    "spaced.md": 'title: "A </ b> and a </div > are none"\ndate: 2026-11-05 10:00:00+01:00\n',
}
WARNED = [
    "content/closing.md:2: warning: the title's '</div>' draws the W3C feed validator's "
    'warning "title should not contain HTML" in rss.xml: RSS cannot say that a title is '
    "plain text (Atom and JSON Feed do); to keep rss.xml free of warnings, name the element "
    "without the brackets",
    "content/tagged.md:4: warning: the tag '</code>' draws the W3C feed validator's warning "
    '"category should not contain HTML" in rss.xml: RSS cannot say that a category is plain '
    "text; to keep rss.xml free of warnings, name the element without the brackets",
    "content/upper.md:3: warning: the title's '</B>' draws the W3C feed validator's "
    'warning "title should not contain HTML" in rss.xml: RSS cannot say that a title is '
    "plain text (Atom and JSON Feed do); to keep rss.xml free of warnings, name the element "
    "without the brackets",
]


def make(
    site: Path, toml: str = SITE_TOML.replace("tag_feeds = true", "tag_feeds = false")
) -> None:
    (site / "feedkit.toml").write_text(toml, encoding="utf-8")
    for name, head in POSTS.items():
        path = site / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{head}---\nA post about markup.\n", encoding="utf-8")


def validated(site: Path, name: str) -> list[str]:
    """Return the lines the W3C validator's code says of the file `name` a build wrote."""
    report = subprocess.run(
        [sys.executable, str(VALIDATE), str(site / "public" / name), SITE_URL + name],
        capture_output=True,
        text=True,
    )
    return report.stdout.splitlines()


def said(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if "W3C" in line)


def test_build_and_check_name_each_title_and_tag_the_validator_takes_for_html(
    tmp_path: Path,
) -> None:
    make(tmp_path)
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert said(built.stderr) == sorted(WARNED)
    checked = feedkit(tmp_path, "check")
    assert checked.returncode == 0, checked.stderr
    assert said(checked.stderr) == sorted(WARNED)
    strict = feedkit(tmp_path, "check", "--strict")
    assert strict.returncode == 1
    assert strict.stderr.rstrip().endswith("error: 3 warning(s) and --strict is on")
    # Said again by a build with nothing to do, from what the last build kept.
    again = feedkit(tmp_path, "build")
    assert again.returncode == 0 and said(again.stderr) == sorted(WARNED)

    # The repository's copy of the validator's rules flags those elements, no others.
    rss = (tmp_path / "public" / "rss.xml").read_bytes()
    flagged = [i for i in check_rss(rss, "https://example.com/blog/rss.xml") if i.level != "info"]
    assert sorted((i.code, i.message.rsplit(": ", 1)[1]) for i in flagged) == [
        ("ContainsHTML", "</B>"),
        ("ContainsHTML", "</code>"),
        ("ContainsHTML", "</div>"),
    ]


@pytest.mark.skipif(not VALIDATE.is_file(), reason="../shared/tools is absent")
def test_the_warnings_are_the_w3c_validators_own(tmp_path: Path) -> None:
    make(tmp_path)
    built = feedkit(tmp_path, "build")
    found = sorted(
        line.split(": ", 1)[1]
        for line in validated(tmp_path, "rss.xml")
        if line.startswith("line ")
    )
    assert found == ["category should not contain HTML"] + ["title should not contain HTML"] * 2
    assert len(said(built.stderr)) == len(found)
    # Atom says such a title is text.
    atom = validated(tmp_path, "atom.xml")
    assert "No errors or warnings" in atom and not [n for n in atom if n.startswith("line ")]


def test_a_post_no_feed_shows_is_not_warned(tmp_path: Path) -> None:
    make(tmp_path, SITE_TOML.replace("tag_feeds = true", "tag_feeds = false\nlimit = 2"))
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    # The two newest: spaced.md and opening.md, neither of which has an end tag.
    assert said(built.stderr) == []


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("Why </div> closes twice", "</div>"),
        ("Upper case </B>, then </i>", "</B>"),
        ("Vec</T> and </x> first, then </p>", "</p>"),
        ("Centering a <div>", None),
        ("A </ b> and a </div > and </b", None),
        ("No markup at all", None),
        ("</h1></h2>", "</h1>"),
    ],
)
def test_an_end_tag_is_what_the_validator_takes_for_one(text: str, end: str | None) -> None:
    assert html_end_tag(text) == end


def test_the_element_names_are_the_validators() -> None:
    assert HTML_TAGS == CHECKED_TAGS
    if VALIDATOR_CODE.is_dir():  # its own list, where ../shared is beside the repository
        source = (VALIDATOR_CODE / "validators.py").read_text(encoding="utf-8")
        listed = source.split("htmltags = [", 1)[1].split("]", 1)[0]
        assert HTML_TAGS == frozenset(name.strip(' "\n') for name in listed.split(","))


def test_a_pelican_articles_title_line_is_found_in_any_case() -> None:
    raw = b"Title: Why </div> closes twice\nDate: 2026-11-01 10:00\nTags: a, </em>\n\nText.\n"
    post = SimpleNamespace(
        rel_path="content/closing.md",
        body_line=5,
        title="Why </div> closes twice",
        tags=("a", "</em>"),
        authors=(),
    )
    found = warnings(post, raw, "rss.xml", "atom.xml")  # type: ignore[arg-type]
    assert [(p.line, p.message.split(" draws ")[0], p.warning) for p in found] == [
        (1, "the title's '</div>'", True),
        (3, "the tag '</em>'", True),
    ]


SITE_TITLE = "Notes on </div> & AT&T"
SITE_DESCRIPTION = "Closing </p> tags, &nbsp; and more"
TITLE_WARNED = (
    "feedkit.toml: warning: title: its '</div>' draws the W3C feed validator's warning "
    '"title should not contain HTML" in rss.xml and each tag\'s: RSS cannot say that a title '
    "is plain text (Atom and JSON Feed do); to keep it free of warnings, name the element "
    "without the brackets"
)


def make_titled(site: Path) -> None:
    """A site whose title and description look like HTML to the validator, with tag feeds,
    and one post that does not."""
    toml = SITE_TOML.replace('"Example Blog"', f'"{SITE_TITLE}"')
    (site / "feedkit.toml").write_text(
        toml.replace('"Posts for tests."', f'"{SITE_DESCRIPTION}"'), encoding="utf-8"
    )
    (site / "content").mkdir()
    (site / "content" / "plain.md").write_text(
        "---\ntitle: Plain\ndate: 2026-11-01 10:00:00+01:00\ntags: [notes]\n---\nText.\n",
        encoding="utf-8",
    )


def test_a_site_title_that_looks_like_html_is_html_in_atom_and_warned_of_for_rss(
    tmp_path: Path,
) -> None:
    import html

    import feedparser

    from feedcheck import check_atom

    make_titled(tmp_path)
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert said(built.stderr) == [TITLE_WARNED]
    public = tmp_path / "public"
    # Atom declares such a title and subtitle html, escaped once more: the same text.
    for name, title in (("atom.xml", SITE_TITLE), ("tags/notes/atom.xml", f"{SITE_TITLE}: notes")):
        data = (public / name).read_bytes()
        assert [i for i in check_atom(data, SITE_URL + name) if i.level != "info"] == []
        feed = feedparser.parse(data).feed
        assert (feed.title_detail.type, html.unescape(feed.title)) == ("text/html", title)
        assert feed.subtitle_detail.type == "text/html"
    site_feed = feedparser.parse((public / "atom.xml").read_bytes()).feed
    assert html.unescape(site_feed.subtitle) == SITE_DESCRIPTION
    # RSS cannot: the channel title is the one thing the validator flags, in every RSS feed.
    for name in ("rss.xml", "tags/notes/rss.xml"):
        flagged = [
            (i.code, i.message.rsplit(": ", 1)[1])
            for i in check_rss((public / name).read_bytes(), SITE_URL + name)
            if i.level != "info"
        ]
        assert flagged == [("ContainsHTML", "</div>")]
    checked = feedkit(tmp_path, "check")
    assert checked.returncode == 0 and said(checked.stderr) == [TITLE_WARNED]
    strict = feedkit(tmp_path, "check", "--strict")
    assert strict.returncode == 1
    assert strict.stderr.rstrip().endswith("error: 1 warning(s) and --strict is on")
    # Said again by a build with nothing to do.
    again = feedkit(tmp_path, "build")
    assert again.returncode == 0 and said(again.stderr) == [TITLE_WARNED]
    # Fixed in feedkit.toml, it is not said any more, and Atom's title is text again.
    toml = (tmp_path / "feedkit.toml").read_text(encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(toml.replace(SITE_TITLE, "Notes & more"), "utf-8")
    fixed = feedkit(tmp_path, "build")
    assert fixed.returncode == 0 and said(fixed.stderr) == []
    assert b"  <title>Notes &amp; more</title>\n" in (public / "atom.xml").read_bytes()
    plain = feedparser.parse((public / "tags/notes/rss.xml").read_bytes()).feed.title
    assert plain == "Notes & more: notes"


@pytest.mark.skipif(not VALIDATE.is_file(), reason="../shared/tools is absent")
def test_the_site_titles_warning_is_the_w3c_validators_own(tmp_path: Path) -> None:
    make_titled(tmp_path)
    assert feedkit(tmp_path, "build").returncode == 0
    for name in ("atom.xml", "tags/notes/atom.xml"):
        assert "No errors or warnings" in validated(tmp_path, name)
    for name in ("rss.xml", "tags/notes/rss.xml"):
        found = [
            line.split(": ", 1)[1] for line in validated(tmp_path, name) if line.startswith("line ")
        ]
        assert found == ["title should not contain HTML"]


AUTHOR_WARNED = [
    "content/byline.md:4: warning: the author 'Ann </b> Lee': its '</b>' draws the W3C feed "
    'validator\'s warning "name should not contain HTML" in atom.xml: Atom cannot say that a '
    "name is plain text; to keep atom.xml free of warnings, name the element without the "
    "brackets",
    "feedkit.toml: warning: author.name: its '</i>' draws the W3C feed validator's warning "
    '"name should not contain HTML" in atom.xml and each tag\'s: Atom cannot say that a name '
    "is plain text; to keep it free of warnings, name the element without the brackets",
]


def make_bylined(site: Path) -> None:
    """A site whose author's name, and one post's author's, the validator takes for HTML."""
    toml = SITE_TOML.replace('name = "Ada Quill"', 'name = "Ada </i> Quill"')
    (site / "feedkit.toml").write_text(toml, encoding="utf-8")
    (site / "content").mkdir()
    posts = {
        "byline.md": (
            "title: Bylined\ndate: 2026-11-02 10:00:00+01:00\nauthor: {name: Ann </b> Lee}\n"
        ),
        "plain.md": "title: Plain\ndate: 2026-11-01 10:00:00+01:00\nauthors: [Bo, Cy]\n",
    }
    for name, head in posts.items():
        text = f"---\n{head}tags: [notes]\n---\nText.\n"
        (site / "content" / name).write_text(text, encoding="utf-8")


def test_an_authors_name_the_validator_takes_for_html_is_warned_of(tmp_path: Path) -> None:
    from feedcheck import check_atom

    make_bylined(tmp_path)
    built = feedkit(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert said(built.stderr) == AUTHOR_WARNED
    for name in ("atom.xml", "tags/notes/atom.xml"):
        data = (tmp_path / "public" / name).read_bytes()
        flagged = [
            (i.code, i.message.rsplit(": ", 1)[1])
            for i in check_atom(data, SITE_URL + name)
            if i.level != "info"
        ]
        assert sorted(flagged) == [("ContainsHTML", "</b>"), ("ContainsHTML", "</i>")]
    checked = feedkit(tmp_path, "check", "--strict")
    assert checked.returncode == 1 and said(checked.stderr) == AUTHOR_WARNED


@pytest.mark.skipif(not VALIDATE.is_file(), reason="../shared/tools is absent")
def test_the_authors_warnings_are_the_w3c_validators_own(tmp_path: Path) -> None:
    make_bylined(tmp_path)
    assert feedkit(tmp_path, "build").returncode == 0
    for name in ("atom.xml", "tags/notes/atom.xml"):
        found = [ln.split(": ", 1)[1] for ln in validated(tmp_path, name) if ln.startswith("line ")]
        assert found == ["name should not contain HTML"] * 2
    for name in ("rss.xml", "feed.json"):
        assert "No errors or warnings" in validated(tmp_path, name)
