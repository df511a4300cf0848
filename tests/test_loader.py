"""Loader: one fixture post and one expected-result file per case, bad cases too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from feedkit.cli import main
from feedkit.errors import ContentError
from feedkit.models import Choice, Post
from feedkit.posts.gathered import public_posts
from feedkit.posts.layout import Layout
from feedkit.posts.loader import load_posts
from feedkit.posts.places import SECTION_PAGE
from feedkit.posts.postbody import read_body

from conftest import FIXTURES, NOW_ENV, SITE_TOML, MakeSite
from loader_expect import post_record

# posts/ is the sample other tests build feeds from; typed-text/ holds text fields that YAML
# reads as numbers or dates; theme-front-matter/ the shapes Jekyll themes give keys.
GOOD = sorted((FIXTURES / "posts").rglob("*.md")) + sorted((FIXTURES / "typed-text").glob("*.md"))
GOOD += sorted((FIXTURES / "theme-front-matter").glob("*.md"))
BAD = sorted((FIXTURES / "bad").glob("*.md"))


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem if p.stem != "index" else p.parent.name)
def test_post_loads_as_expected(path: Path, make_site: MakeSite) -> None:
    rel = path.relative_to(FIXTURES / path.relative_to(FIXTURES).parts[0])
    cfg = make_site()
    target = cfg.content_path / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    result = load_posts(cfg)
    (post,) = result.posts
    record = post_record(post)
    record["warnings"] = [str(w).split(": ", 1)[1] for w in result.warnings]
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert record == expected


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_post_is_reported_with_line(path: Path, make_site: MakeSite, now) -> None:
    from feedkit.site.build import plan_build

    cfg = make_site()
    shutil.copyfile(path, cfg.content_path / path.name)
    with pytest.raises(ContentError) as info:
        plan_build(cfg, now)  # a body is checked when a feed shows it
    expected = path.with_suffix(".err").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in info.value.problems] == expected


def test_every_problem_is_listed_in_one_run(make_site: MakeSite) -> None:
    cfg = make_site("bad", "duplicates", "posts")
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    errors = [str(p) for p in info.value.problems if not p.warning]
    expected = []
    for path in BAD:
        for line in path.with_suffix(".err").read_text(encoding="utf-8").splitlines():
            expected.append(line.replace("content/", "content/bad/", 1))
    assert sorted(e for e in errors if e.startswith("content/bad/")) == sorted(expected)
    assert (
        "content/duplicates/two.md:4: URL 'https://example.com/blog/2024/01/same/' is also used "
        "by content/duplicates/one.md; each post needs its own URL" in errors
    )
    assert (
        "content/duplicates/three.md:4: ID 'urn:uuid:11111111-2222-3333-4444-555555555555' "
        "is also used by content/duplicates/one.md; each post needs its own ID" in errors
    )
    # The good posts' warnings come along too, so one run shows everything.
    assert any("control character" in str(p) for p in info.value.problems if p.warning)


def test_posts_are_sorted_newest_first_and_drafts_and_future_are_hidden(
    make_site: MakeSite, now
) -> None:
    cfg = make_site("posts")
    posts = load_posts(cfg).posts
    assert [p.published for p in posts] == sorted((p.published for p in posts), reverse=True)
    visible = {p.slug for p in public_posts(posts, now)}
    assert {"draft", "published-false", "future"}.isdisjoint(visible)
    assert "hostile-title" in visible
    with_drafts = {p.slug for p in public_posts(posts, now, drafts=True)}
    assert {"draft", "published-false"} <= with_drafts and "future" not in with_drafts


def test_posts_of_the_same_instant_are_ordered_by_slug_then_url(make_site: MakeSite) -> None:
    # The same instant written in two zones, and two posts that share a slug (not their
    # URL): slug, then URL, the largest first, as dates are.
    def post(title: str, date: str, slug: str, more: str = "") -> str:
        return f"---\ntitle: {title}\ndate: {date}\nslug: {slug}\n{more}---\nBody.\n"

    cfg = make_site(
        posts={
            "a.md": post("A", "2024-05-01T12:00:00+02:00", "apple"),
            "b.md": post("B", "2024-05-01T10:00:00Z", "pear"),
            "c.md": post("C", "2024-05-01T10:00:00Z", "fig"),
            "d.md": post("D", "2024-04-01T10:00:00Z", "zebra"),
            "e.md": post("E", "2024-06-01T10:00:00Z", "aardvark"),
            "f.md": post("F", "2024-05-01T10:00:00Z", "fig", "permalink: /zz/fig/\n"),
        },
    )
    posts = load_posts(cfg).posts
    figs = sorted((p.url for p in posts if p.slug == "fig"), reverse=True)
    assert [p.slug for p in posts] == ["aardvark", "pear", "fig", "fig", "apple", "zebra"]
    assert [p.url for p in posts if p.slug == "fig"] == figs


def test_future_post_appears_once_its_time_comes(make_site: MakeSite) -> None:
    cfg = make_site("posts/future.md")
    (post,) = load_posts(cfg).posts
    assert public_posts((post,), post.published) == [post]
    assert public_posts((post,), post.published.replace(second=0, minute=59, hour=7)) == []


def test_body_is_read_again_without_front_matter(make_site: MakeSite) -> None:
    cfg = make_site("posts/bom-crlf.md", "posts/control-chars.md")
    bodies = {p.slug: read_body(p) for p in load_posts(cfg).posts}
    assert bodies["bom-crlf"] == "Windows editors write these.\n"
    assert bodies["control-chars"] == "A form feed  and a NUL  sneak in.\n"


def test_hidden_files_and_hugo_section_pages_are_not_posts_but_said_so(make_site: MakeSite) -> None:
    cfg = make_site(
        "posts/draft.md",
        posts={
            ".obsidian/note.md": "not a post",
            "_index.md": "# Section",
            "notes/.hidden.md": "x",
        },
    )
    loaded = load_posts(cfg)
    assert [p.slug for p in loaded.posts] == ["draft"]
    assert [str(p) for p in loaded.skipped] == [f"content/_index.md: skipped: {SECTION_PAGE}"]


def test_slugs_come_from_file_names_folders_of_page_bundles_and_jekyll_dates(
    make_site: MakeSite,
) -> None:
    from feedkit.posts.loader import parse_files
    from feedkit.posts.postfile import discover

    head = "---\ntitle: T\ndate: 2024-01-01\n---\nBody\n"
    cfg = make_site(
        posts={
            "plain-name.md": head,
            "My Bundle/index.md": head,
            "2023-05-06-jekyll-style.md": "---\ntitle: J\n---\nBody\n",
            "v1.2 notes.md": head,
        }
    )
    posts = sorted(load_posts(cfg).posts, key=lambda p: p.source)
    assert [Path(p.source).relative_to(cfg.content_path).as_posix() for p in posts] == [
        "2023-05-06-jekyll-style.md",
        "My Bundle/index.md",
        "plain-name.md",
        "v1.2 notes.md",
    ]
    slugs = [p.slug for p in posts]
    assert slugs == ["jekyll-style", "my-bundle", "plain-name", "v12-notes"]
    light = parse_files(cfg, [str(p) for p in discover(cfg.content_path)], light=True)
    assert sorted(fields[2] for _, _, fields, _, _ in light) == sorted(slugs)


def test_missing_content_folder_is_an_error(make_site: MakeSite) -> None:
    cfg = make_site()
    shutil.rmtree(cfg.content_path)
    with pytest.raises(ContentError, match="content: content folder not found"):
        load_posts(cfg)


def test_type_errors_in_front_matter_name_the_key_line(make_site: MakeSite) -> None:
    cfg = make_site(
        posts={
            "typed.md": (
                "---\ntitle: Typed\ndate: 2024-01-01\ndraft: maybe\ntags: [[nested]]\n"
                "id: not a uri\nauthor: [42]\n---\nBody\n"
            )
        }
    )
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert [str(p) for p in info.value.problems] == [  # in the order of the lines
        "content/typed.md:4: draft must be true or false, not 'maybe'",
        "content/typed.md:5: tags must be a list of names, but has ['nested']",
        "content/typed.md:6: id 'not a uri' must be an absolute URI such as 'urn:uuid:…' "
        "or 'tag:example.com,2024:post'",
        "content/typed.md:7: author must be a name or a list of names, not 42",
    ]


def test_light_parse_gives_exactly_the_posts_choice_fields(make_site: MakeSite) -> None:
    from feedkit.posts.loader import parse_files
    from feedkit.posts.postfile import discover

    cfg = make_site("posts")
    paths = discover(cfg.content_path)
    full = {shown: post for shown, _, post, _, _ in parse_files(cfg, paths)}
    light = {shown: fields for shown, _, fields, _, _ in parse_files(cfg, paths, light=True)}
    assert len(full) == len(light) == 14
    # One definition of those fields: a post's Choice, whether read light or in full.
    assert {shown: p.choice() for shown, p in full.items()} == light
    assert {type(fields) for fields in light.values()} == {Choice}
    assert any(c.draft for c in light.values()) and any(c.tags for c in light.values())


def seen(parsed: tuple[Any, ...]) -> tuple[Any, ...]:
    """Return what a parsed file's result says, with a Post as its record (Posts compare by
    identity)."""
    shown, status, post, problems, warnings = parsed
    if isinstance(post, Post):
        post = post_record(post)
    return shown, status, post, [str(p) for p in problems], [str(w) for w in warnings]


@pytest.mark.parametrize("light", [False, True])
def test_files_read_in_batches_give_what_each_gives_read_alone_in_file_order(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, light: bool
) -> None:
    # Good posts, broken ones at each stage (unreadable, not UTF-8, bad YAML, bad values),
    # a page its place skips and a dateless draft its front matter skips, across batches.
    from feedkit.posts import loader
    from feedkit.posts.postfile import discover

    good = "---\ntitle: T{n}\ndate: 2024-01-0{n}\ntags: [a]\n---\nBody\n"
    cfg = make_site(
        posts={
            "a1.md": good.format(n=1),
            "a2-bad-yaml.md": "---\ntitle: [unclosed\ndate: 2024-01-01\n---\nBody\n",
            "a3.md": good.format(n=3),
            "_index.md": "# Section",
            "b1-not-utf8.md": b"---\ntitle: \xff\ndate: 2024-01-01\n---\nBody\n",
            "b2-draft.md": "---\ntitle: Idea\ndraft: true\n---\nLater\n",
            "b3-bad-date.md": "---\ntitle: T\ndate: 2024-02-30\n---\nBody\n",
            "c1.md": good.format(n=4),
            "c2-control.md": "---\ntitle: A\x0cB\ndate: 2024-01-05\n---\nBody\n",
        }
    )
    (cfg.content_path / "b4-dangling.md").symlink_to("nowhere.md")
    paths = discover(cfg.content_path)
    layout = Layout(cfg, map(str, paths))  # a Hugo site's: it has an _index.md
    alone = [loader.parse_files(cfg, [p], light=light, layout=layout)[0] for p in paths]
    monkeypatch.setattr(loader, "BATCH", 3)
    together = loader.parse_files(cfg, paths, light=light, layout=layout)
    assert [seen(result) for result in together] == [seen(result) for result in alone]
    assert [(shown, post is None, bool(problems)) for shown, _, post, problems, _ in together] == [
        ("content/_index.md", False, False),
        ("content/a1.md", False, False),
        ("content/a2-bad-yaml.md", True, True),
        ("content/a3.md", False, False),
        ("content/b1-not-utf8.md", True, True),
        ("content/b2-draft.md", False, False),
        ("content/b3-bad-date.md", True, True),
        ("content/b4-dangling.md", True, True),
        ("content/c1.md", False, False),
        ("content/c2-control.md", False, False),
    ]
    assert [str(w) for w in together[-1][4]] == [
        "content/c2-control.md:2: warning: removed 1 control character(s) that XML feeds "
        "cannot carry (first: U+000C)"
    ]


def test_many_files_shared_with_a_child_give_what_one_process_gives_in_file_order(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedkit import parallel
    from feedkit.posts import loader
    from feedkit.posts.postfile import discover

    posts: dict[str, str | bytes] = {
        f"p{i:04d}.md": f"---\ntitle: Post {i}\ndate: 2024-01-01T10:{i % 60:02d}:00Z\n---\nBody\n"
        for i in range(loader.PARALLEL_FROM + 150)
    }
    bad = loader.PARALLEL_FROM + 77  # in a part after the first, whoever takes it
    posts[f"p{bad:04d}.md"] = "---\ntitle: [broken\n---\nBody\n"
    cfg = make_site(posts=posts)
    paths = discover(cfg.content_path)
    imported: list[str] = []
    shared = [
        seen(r)
        for r in loader.parse_files(cfg, paths, light=True, meanwhile=lambda: imported.append("x"))
    ]
    assert imported == ["x"]
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    alone = [seen(r) for r in loader.parse_files(cfg, paths, light=True)]
    assert shared == alone
    # The child's half too: each a Choice again, whatever form it travelled back in.
    assert {type(r[2]) for r in shared if r[2] is not None} == {Choice}
    assert [r[0] for r in shared] == [f"content/p{i:04d}.md" for i in range(len(posts))]
    assert shared[bad][3] and not shared[bad - 1][3]


def test_a_cold_build_of_a_few_hundred_posts_reads_them_in_two_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A forked child reads posts while this process imports what renders the feeds, which
    # it imports anyway: at 1,000 posts a cold build took 0.26 s in one process, 0.22 s so.
    from click.testing import CliRunner

    from feedkit import parallel

    monkeypatch.setattr(parallel, "cores", lambda: 2)
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    for i in range(300):
        (tmp_path / "content" / f"p{i:03d}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2024-01-01T10:{i % 60:02d}:00Z\n---\nBody {i}.\n"
        )
    shared, calls = parallel.shared, []

    def spy(count: int, part: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(part.__qualname__)
        return shared(count, part, *args, **kwargs)

    monkeypatch.setattr(parallel, "shared", spy)
    result = CliRunner().invoke(
        main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    assert "parse_files.<locals>.part" in calls
    assert b"<title>Post 299</title>" in (tmp_path / "public" / "atom.xml").read_bytes()


@pytest.mark.parametrize("pad", [0, 4000, 4070, 4080, 4090, 4096, 4100, 9000, 70000])
def test_front_matter_of_any_length_around_the_first_read_is_read_whole(
    make_site: MakeSite, pad: int
) -> None:
    # The first read takes HEAD_BYTES; front matter ending just before, across or after that
    # boundary, or longer than it many times over, must give the same post.
    from feedkit.posts.postread import HEAD_BYTES

    assert HEAD_BYTES == 4096
    summary = "x" * pad
    text = f"---\ntitle: Long\ndate: 2024-01-01\nsummary: {summary}end\n---\nThe body.\n"
    cfg = make_site(posts={"long.md": text})
    (post,) = load_posts(cfg).posts
    assert post.summary == summary + "end"
    assert read_body(post) == "The body.\n"
    assert post.body_line == 6


def test_symbolic_link_loops_and_dangling_links_are_reported_with_everything_else(
    make_site: MakeSite, now
) -> None:
    from feedkit.site.build import plan_build

    cfg = make_site("posts/draft.md", "bad/missing-title.md")
    content = cfg.content_path
    (content / "notes").mkdir()
    (content / "notes" / "up").symlink_to("..", target_is_directory=True)  # content/ again
    (content / "self.md").symlink_to("self.md")
    (content / "gone.md").symlink_to("moved-away.md")
    expected = [
        "content/gone.md: is a symbolic link to 'moved-away.md', which does not exist; "
        "fix or remove the link",
        "content/missing-title.md:2: missing title; add 'title: …' to the front matter",
        "content/notes/up: is a symbolic link to a folder that holds it, so "
        "reading it would never end; remove the link",
        "content/self.md: is a symbolic link that leads back to itself; fix or remove the link",
    ]
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert [str(p) for p in info.value.problems] == expected
    # The build reads files through its cache's own walk: the same problems, twice over
    # (the second build starts from the cache the first left).
    for _ in range(2):
        with pytest.raises(ContentError) as info:
            plan_build(cfg, now)
        assert [str(p) for p in info.value.problems] == expected


def test_a_folder_linked_twice_is_read_twice_but_not_forever(make_site: MakeSite) -> None:
    # Not a loop: two links to one folder outside the content folder. Its posts come twice,
    # and the clash says so, rather than a loop being reported.
    cfg = make_site()
    elsewhere = cfg.root / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "post.md").write_text("---\ntitle: T\ndate: 2024-01-01\n---\nx\n")
    (elsewhere / "back").symlink_to(cfg.content_path, target_is_directory=True)
    (cfg.content_path / "one").symlink_to(elsewhere, target_is_directory=True)
    (cfg.content_path / "two").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert [str(p) for p in info.value.problems] == [
        "content/one/back: is a symbolic link to a folder that holds it, so "
        "reading it would never end; remove the link",
        "content/two/back: is a symbolic link to a folder that holds it, so "
        "reading it would never end; remove the link",
        "content/two/post.md:1: URL 'https://example.com/blog/2024/01/post/' is also used by "
        "content/one/post.md; each post needs its own URL",
        "content/two/post.md:1: ID 'tag:example.com,2024-01-01:/blog/2024/01/post/' is also "
        "used by content/one/post.md; each post needs its own ID",
    ]


def test_a_recursive_value_is_kept_for_unknown_keys_and_refused_for_known_ones(
    make_site: MakeSite, now
) -> None:
    from feedkit.site.build import plan_build

    head = "---\ntitle: T\ndate: 2024-01-01\n"
    cfg = make_site(
        posts={
            "kept.md": head + "series: &s [one, *s]\n---\nx\n",
            "refused.md": head + "tags: &t [one, *t]\nauthor: &a {name: *a}\n---\nx\n",
        }
    )
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert [str(p) for p in info.value.problems] == [
        "content/refused.md:4: tags must be a list of names, but has ['one', [...]]",
        "content/refused.md:5: author name must be text, not a mapping; put the whole value "
        "in quotes to keep it as written",
    ]
    (cfg.content_path / "refused.md").unlink()
    (post,) = load_posts(cfg).posts
    assert post.extra["series"][1] is post.extra["series"]
    assert plan_build(cfg, now).published == 1


def test_jekyll_author_keys_take_their_entry_in_data_authors(tmp_path: Path, runner) -> None:
    # Chirpy and Minimal Mistakes posts say `author: mira`, a key into _data/authors.yml;
    # readers were shown "mira".
    shutil.copytree(FIXTURES / "jekyll-authors", tmp_path / "content")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    result = runner.invoke(main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    # The Atom XML itself: feedparser lends one author's email to the next one.
    atom = ElementTree.parse(tmp_path / "public" / "atom.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    authors = {
        e.findtext("a:title", namespaces=ns): [
            (a.findtext("a:name", namespaces=ns), a.findtext("a:email", namespaces=ns))
            for a in e.findall("a:author", ns)
        ]
        for e in atom.findall("a:entry", ns)
    }
    assert authors == {
        "By key": [("Mira Hollander", "mira@example.io")],
        "Two keys and a name": [
            ("Tomás Ekberg", None),
            ("Mira Hollander", "mira@example.io"),
            ("Someone Else", None),
        ],
    }
    # The build cache knows the file: a renamed author reaches the feed on the next build.
    data = tmp_path / "content" / "_data" / "authors.yml"
    data.write_text(data.read_text(encoding="utf-8").replace("Mira Hollander", "Mira H."))
    result = runner.invoke(main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert b"<name>Mira H.</name>" in (tmp_path / "public" / "atom.xml").read_bytes()
    # A slip in it is said at its line and nothing is written: read as empty, every post's
    # author was the bare key ("mira"), without a word.
    before = (tmp_path / "public" / "atom.xml").read_bytes()
    data.write_text("mira:\n  name: Mira\n email: m@example.io\n", encoding="utf-8")
    result = runner.invoke(main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV)
    assert result.exit_code == 1
    assert result.stderr.startswith("content/_data/authors.yml:3: cannot be read (")
    assert (tmp_path / "public" / "atom.xml").read_bytes() == before
    # A name with an escape no feed carries (`\u0000`) stopped the build with lxml's
    # traceback; the character is left out, as a post's front matter's.
    data.write_text('mira:\n  name: "Mira\\u0000 Hollander\\e"\n  email: m@example.io\n')
    result = runner.invoke(main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert b"<name>Mira Hollander</name>" in (tmp_path / "public" / "atom.xml").read_bytes()
    # An address no feed can carry went into every feed of her posts (a validator error):
    # they name her without it, and each post that names her says why.
    data.write_text("mira:\n  name: Mira Hollander\n  email: mira at example dot io\n")
    result = runner.invoke(main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert b"dot io" not in (tmp_path / "public" / "atom.xml").read_bytes()
    said = (
        "warning: author 'Mira Hollander' (its entry in _data/authors.yml): 'mira at example "
        "dot io' is not an email address a feed can carry (name@example.org); the feeds name "
        "the author without it"
    )
    assert result.stderr.splitlines()[:2] == [
        f"content/_posts/2024-04-10-by-key.md:3: {said}",
        f"content/_posts/2024-04-11-two-keys.md:3: {said}",
    ]


def test_json_front_matter_ends_at_its_closing_brace_as_hugo_reads_it(
    make_site: MakeSite,
) -> None:
    # Hugo reads JSON front matter to the brace that closes it; feedkit knew only a `{` and
    # a `}` on lines of their own, and said the one-line form had no front matter at all.
    cfg = make_site(
        posts={
            "one-line.md": '{"title": "One line", "date": "2024-01-05", "tags": ["a"]}\n\nBody.\n',
            "brace-after-key.md": '{ "title": "After key",\n  "date": "2024-01-06" }\nBody.\n',
            "never-closed.md": '{"title": "Never closed",\n "date": "2024-01-07"\n\nBody.\n',
        }
    )
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert [str(p) for p in info.value.problems] == [
        "content/never-closed.md:4: JSON front matter: Expecting ',' delimiter"
    ]
    (cfg.content_path / "never-closed.md").unlink()
    posts = {p.title: p for p in load_posts(cfg).posts}
    assert posts["One line"].tags == ("a",)
    assert read_body(posts["One line"]) == "\nBody.\n"
    assert posts["After key"].body_line == 3
    assert read_body(posts["After key"]) == "Body.\n"


def test_yaml_front_matter_may_end_with_yamls_document_end_as_in_jekyll(
    make_site: MakeSite,
) -> None:
    # Jekyll (and pandoc) end front matter at `---` or `...`; feedkit said it was never closed.
    cfg = make_site(posts={"dots.md": "---\ntitle: Dots\ndate: 2024-01-08\n...\nBody.\n"})
    (post,) = load_posts(cfg).posts
    assert post.title == "Dots" and post.body_line == 5
    assert read_body(post) == "Body.\n"


def test_a_permalink_with_category_takes_the_posts_category(make_site: MakeSite) -> None:
    # As Pelican's ARTICLE_URL = '{category}/{slug}.html', which `feedkit init` writes as is.
    toml = SITE_TOML.replace('timezone = "Europe/Berlin"', 'permalink = "/{category}/{slug}/"')
    posts = {
        "a.md": "---\ntitle: A\ndate: 2024-01-02\ncategory: Tech Talk\n---\nx\n",
        "b.md": "---\ntitle: B\ndate: 2024-01-03\ncategories: [News, Other]\n---\nx\n",
    }
    cfg = make_site(posts=posts, toml=toml)
    assert {p.slug: p.url for p in load_posts(cfg).posts} == {
        "a": "https://example.com/blog/tech-talk/a/",
        "b": "https://example.com/blog/news/b/",
    }
    cfg = make_site(posts={"c.md": "---\ntitle: C\ndate: 2024-01-04\n---\nx\n"}, toml=toml)
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert [str(p) for p in info.value.problems] == [
        "content/c.md:2: the permalink has {category}, and the post names no category to fill "
        "it with; add 'category: …' to the front matter"
    ]


def test_a_post_dated_before_1970_is_published_with_a_warning(tmp_path: Path, runner) -> None:
    # A history blog's 1969 post (Jekyll publishes even a 1111-11-11 note): the build stopped,
    # "out of range", and wrote nothing. The W3C validator calls such dates implausible.
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "moon.md").write_text(
        "---\ntitle: Moon\ndate: 1969-07-20 22:17\n---\nx\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["build", "--config", str(tmp_path / "feedkit.toml")], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "content/moon.md:3: warning: dated 1969: the feeds carry it so, and the W3C feed "
        "validator warns that a date before 1990 is implausible\n"
    )
    (item,) = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    assert item["date_published"] == "1969-07-20T22:17:00+01:00"


def test_hexo_nested_categories_are_each_a_category(make_site: MakeSite) -> None:
    # `categories: - - Algorithms` (Hexo's paths of categories, kept by posts moved from it)
    # stopped the whole build: "must be a list of names". And `image: ""`, as a theme's
    # archetype leaves it, is no image (it stopped the build too).
    post = (
        "---\ntitle: Diff\ndate: 2022-01-29 15:38:37\ntags: [algo]\n"
        'categories:\n  - - Algorithms\n    - Arrays\n  - Notes\nimage: ""\n---\nx\n'
    )
    (loaded,) = load_posts(make_site(posts={"diff.md": post})).posts
    assert loaded.tags == ("algo", "Algorithms", "Arrays", "Notes")
    assert loaded.image is None


def _fadvise_spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Record each file `os.posix_fadvise` is asked to read ahead: (its name, its length).
    The files read are taken as not in memory (see `_on_the_disk`)."""
    import os

    _on_the_disk(monkeypatch)

    advised: list[tuple[str, int]] = []
    real = os.posix_fadvise

    def spy(fd: int, offset: int, length: int, advice: int) -> None:
        if advice != os.POSIX_FADV_WILLNEED:  # a written file's (feedkit.atomicfile)
            real(fd, offset, length, advice)
            return
        assert offset == 0
        advised.append((Path(os.readlink(f"/proc/self/fd/{fd}")).name, length))

    monkeypatch.setattr(os, "posix_fadvise", spy)
    return advised


def _on_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Have this process take every post file it reads as one not in the system's memory
    (as after a reboot), to be asked for ahead (`postread.prefetch`); a test's files,
    just written, are in memory."""
    from feedkit.posts import postread

    monkeypatch.setattr(postread, "_from_memory", False)
    monkeypatch.setattr(postread, "_in_memory", lambda fd: False)


def _advised_at_each_call(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, command: str, site: Path
) -> list[set[tuple[str, int]]]:
    """Run `feedkit COMMAND` on `site` in this one process; return, at each call of
    `module.name`, the files asked of the disk by then (see `_fadvise_spy`)."""
    from click.testing import CliRunner

    advised = _fadvise_spy(monkeypatch)
    seen: list[set[tuple[str, int]]] = []
    real = getattr(module, name)

    def spy(*args: Any) -> Any:
        seen.append(set(advised))
        return real(*args)

    monkeypatch.setattr(module, name, spy)
    monkeypatch.setattr(module.parallel, "cores", lambda: 1)  # called here, where seen
    result = CliRunner().invoke(
        main, [command, "--config", str(site / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    return seen


needs_fadvise = pytest.mark.skipif(
    not hasattr(__import__("os"), "posix_fadvise") or not Path("/proc/self/fd").is_dir(),
    reason="posix_fadvise and /proc are Linux's",
)


@pytest.mark.parametrize("whole", [False, True], ids=["build", "check"])
def test_a_hugo_sites_files_are_placed_once_though_asked_for_ahead_of_reading(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, whole: bool
) -> None:
    # Asking the disk for a part ahead needs its files' places in the layout (which are
    # posts), and reading them again: about 5 µs a file on a Hugo site, worked out once.
    from feedkit import parallel
    from feedkit.posts import loader
    from feedkit.posts.postfile import discover

    posts = {f"p{i}.md": f"---\ntitle: T{i}\ndate: 2024-01-0{i}\n---\nBody\n" for i in range(1, 8)}
    cfg = make_site(posts={**posts, "_index.md": "# Section"})  # Hugo's, by its _index.md
    paths = sorted(discover(cfg.content_path))
    layout = Layout(cfg, map(str, paths))
    assert layout.hugo
    placed: list[str] = []
    real = Layout._place

    def counted(self: Layout, path: str) -> Any:
        placed.append(Path(path).name)
        return real(self, path)

    monkeypatch.setattr(Layout, "_place", counted)
    monkeypatch.setattr(loader, "PART", 3)
    monkeypatch.setattr(parallel, "cores", lambda: 1)  # the parts taken here, in turn
    if whole:
        loader.parse_and_check(cfg, paths, lambda post, raw: 0, layout=layout, parallel_from=2)
    else:
        loader.parse_files(cfg, paths, layout=layout, parallel_from=2)
    assert sorted(placed) == sorted(p.name for p in paths)


@needs_fadvise
@pytest.mark.parametrize("whole", [False, True], ids=["build", "check"])
@pytest.mark.parametrize("shared", [False, True], ids=["batches", "parts"])
def test_each_files_are_asked_of_the_disk_together_one_batch_ahead_of_reading(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, whole: bool, shared: bool
) -> None:
    # Read one after the other, files not in memory waited for the disk one by one: at
    # 20,000 posts reading them took 2.7 s, and 1.1 s when the system was asked for each
    # batch at once. Each batch is asked for before the one before it is read, so that the
    # disk reads it while that is parsed; parts shared with a forked child (here taken by
    # this process alone, in turn) likewise, each asked for once. A build reads each file's
    # front matter; a check reads it whole.
    from feedkit import parallel
    from feedkit.posts import loader
    from feedkit.posts.postfile import discover
    from feedkit.posts.postread import HEAD_BYTES

    cfg = make_site(
        posts={
            f"p{i}.md": f"---\ntitle: T{i}\ndate: 2024-01-0{i}\n---\nBody\n" for i in range(1, 8)
        }
    )
    paths = sorted(discover(cfg.content_path))
    layout = Layout(cfg, map(str, paths))
    advised = _fadvise_spy(monkeypatch)
    monkeypatch.setattr(loader, "BATCH", 3)
    monkeypatch.setattr(loader, "PART", 3)
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    seen_at_read: list[tuple[str, list[str]]] = []
    reader = "read_whole" if whole else "read_head"
    real = getattr(loader, reader)

    def reading(path: Any, *args: Any) -> Any:
        seen_at_read.append((Path(path).name, [name for name, _ in advised]))
        return real(path, *args)

    monkeypatch.setattr(loader, reader, reading)
    many = 2 if shared else 100  # files from which the parts are shared
    if whole:
        results = loader.parse_and_check(
            cfg, paths, lambda post, raw: len(raw), layout=layout, parallel_from=many
        )
        assert all(checked for _, checked in results)
    else:
        parsed = loader.parse_files(cfg, paths, layout=layout, parallel_from=many)
        assert all(post for _, _, post, _, _ in parsed)
    names = [f"p{i}.md" for i in range(1, 8)]
    assert advised == [(name, 0 if whole else HEAD_BYTES) for name in names]
    # When a file of batch b of 3 is read, batches 0 to b + 1 were asked for; of part b,
    # parts 0 to b + 2 (of two processes, the other takes b + 1).
    ahead = [names[: min(7, (i // 3 + (3 if shared else 2)) * 3)] for i in range(7)]
    assert seen_at_read == list(zip(names, ahead, strict=True))


def _can_tell_memory(folder: Path) -> bool:
    """Return True when this system tells whether a file's pages are in memory, for a file
    just written in `folder` (Linux's RWF_NOWAIT on a file system that honours it)."""
    import os

    from feedkit.posts import postread

    (folder / "probe").write_bytes(b"x")
    fd = os.open(folder / "probe", os.O_RDONLY)
    try:
        return postread._in_memory(fd)
    finally:
        os.close(fd)
        (folder / "probe").unlink()


@needs_fadvise
def test_files_in_memory_are_not_asked_for_ahead_but_once_one_is_not_the_rest_are(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Asking for a file already in memory cost three system calls for nothing: 6 % of a
    # cold build of 20,000 posts that a build before had read. A few files of each batch
    # asked for tell, and each file read is looked at without waiting for the disk: the
    # first that is not in memory (the system drops what it has not read for a while)
    # turns asking back on.
    import os

    from feedkit.posts import loader, postread
    from feedkit.posts.postfile import discover
    from feedkit.posts.postread import HEAD_BYTES

    post = "---\ntitle: T{0}\ndate: 2024-01-{0:02}\n---\nBody\n"
    cfg = make_site(posts={f"p{i:02}.md": post.format(i) for i in range(1, 21)})
    if not _can_tell_memory(cfg.content_path):
        pytest.skip("this system does not tell which files are in memory")
    paths = sorted(discover(cfg.content_path))
    layout = Layout(cfg, map(str, paths))
    real = postread._in_memory  # the system's answer
    advised = _fadvise_spy(monkeypatch)
    monkeypatch.setattr(loader, "BATCH", 5)

    def parsed_with(not_in_memory: set[str]) -> tuple[list[str], bool | None]:
        """Parse every post, those named taken as not in memory; return the files asked
        for, and what the process then knows."""

        def looked(fd: int) -> bool:
            return real(fd) and Path(os.readlink(f"/proc/self/fd/{fd}")).name not in not_in_memory

        advised.clear()
        monkeypatch.setattr(postread, "_from_memory", None)
        monkeypatch.setattr(postread, "_in_memory", looked)
        parsed = loader.parse_files(cfg, paths, layout=layout, parallel_from=100)
        assert all(post for _, _, post, _, _ in parsed)
        assert {length for _, length in advised} <= {HEAD_BYTES}
        return [name for name, _ in advised], postread._from_memory

    # Every file was written just now: none is asked for.
    assert parsed_with(set()) == ([], True)
    # Batches of 5, each asked for before the one before it is read: the 7th file (the
    # second of the second batch, not looked at when it was asked for) is found out when
    # read, while the third was asked for already; the fourth, asked for next, is asked
    # of the disk.
    assert parsed_with({"p07.md"}) == ([f"p{i}.md" for i in range(16, 21)], False)
    # The 8th, the middle one of the second batch, is looked at when it is asked for.
    assert parsed_with({"p08.md"}) == ([f"p{i:02}.md" for i in range(6, 21)], False)


def test_a_file_dropped_from_memory_is_told_from_one_in_it(tmp_path: Path) -> None:
    # What the look at a file before reading it relies on: the system's answer, for a file
    # the system has dropped from its memory (as `bench/run.py --evict` drops the posts).
    import os

    from feedkit.posts import postread

    if not _can_tell_memory(tmp_path) or not hasattr(os, "posix_fadvise"):
        pytest.skip("this system does not tell which files are in memory")
    path = tmp_path / "post.md"
    path.write_bytes(b"---\ntitle: T\n---\n" + b"Words. " * 2000)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)  # written to the disk: its pages may be dropped
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        if postread._in_memory(fd):
            pytest.skip("this file system keeps its files in memory (tmpfs)")
        os.read(fd, 1 << 16)
        assert postread._in_memory(fd)
    finally:
        os.close(fd)


@needs_fadvise
def test_a_build_asks_for_the_whole_files_of_the_posts_it_renders_before_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Their front matter was read (and asked for) alone; the rest of each file is read
    # to render it.
    from feedkit.site import render

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    for i in range(5):
        (tmp_path / "content" / f"p{i}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2024-01-01T10:0{i}:00Z\n---\n" + "Words. " * 2000
        )
    at_render = _advised_at_each_call(monkeypatch, render, "_render", "build", tmp_path)
    whole = {(f"p{i}.md", 0) for i in range(5)}
    assert len(at_render) == 5 and all(whole <= seen for seen in at_render)


@needs_fadvise
def test_a_jekyll_sites_check_asks_for_the_whole_files_before_checking_their_bodies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Jekyll site's bodies are checked after every post is read (its templates may read
    # any post), each file read again whole.
    from feedkit.site import bodycheck

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    posts = tmp_path / "content" / "_posts"
    posts.mkdir(parents=True)
    for i in range(1, 6):
        (posts / f"2024-01-0{i}-p{i}.md").write_text(f"---\ntitle: Post {i}\n---\nText {i}.\n")
    at_check = _advised_at_each_call(monkeypatch, bodycheck, "_check_body", "check", tmp_path)
    whole = {(f"2024-01-0{i}-p{i}.md", 0) for i in range(1, 6)}
    assert len(at_check) == 5 and all(whole <= seen for seen in at_check)


@needs_fadvise
def test_asking_ahead_neither_fails_nor_waits_on_what_is_no_readable_file(
    tmp_path: Path,
) -> None:
    # A named pipe opened to read waits for a writer; reading each of these files says
    # what is wrong with it, so asking ahead says nothing and goes on.
    import os
    import threading

    from feedkit.posts.postread import prefetch

    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "loop.md").symlink_to("loop.md")
    (tmp_path / "folder.md").mkdir()
    (tmp_path / "good.md").write_text("---\ntitle: T\n---\n")
    paths = [tmp_path / n for n in ("pipe.md", "loop.md", "folder.md", "gone.md", "good.md")]
    finished: list[bool] = []
    done = threading.Thread(target=lambda: finished.append(prefetch(paths) is None), daemon=True)
    done.start()
    done.join(timeout=10)
    assert finished == [True]
    prefetch([*paths, "/dev/null"], head_only=True)


def test_an_html_character_reference_in_a_title_that_is_text_is_warned_of(
    tmp_path: Path,
) -> None:
    # A title copied from a page's HTML: "Tom &amp; Jerry" is what every feed then shows,
    # in feedkit's own posts as in Hugo's (its feeds escape it once more); a Jekyll or
    # Pelican title is HTML, and reads "Tom & Jerry" (tests/test_oracles.py).
    from html import unescape

    from feedparser import parse

    from conftest import run_feedkit

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    heads = {
        "tj.md": 'title: "Tom &amp; Jerry &#8212; R&D; at AT&T"',
        "plain.md": 'title: "R&D; AT&T & Co &nosuch;"',  # no reference to warn of
    }
    for name, head in heads.items():
        text = f"---\ndate: 2024-01-01\n{head}\n---\nBody.\n"
        (tmp_path / "content" / name).write_text(text, encoding="utf-8")
    checked = run_feedkit(tmp_path, "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == (
        "content/tj.md:3: warning: title: '&amp;' is an HTML character reference, and a "
        "title here is text: feeds show it as written; write '&' instead\n"
    )
    assert checked.stdout == "OK: 2 posts: 2 published, 0 draft(s), 0 scheduled for later\n"
    assert run_feedkit(tmp_path, "build").returncode == 0
    entries = parse((tmp_path / "public" / "atom.xml").read_bytes()).entries
    titles = {unescape(e.title) for e in entries}  # declared html: each looks like HTML
    assert titles == {"Tom &amp; Jerry &#8212; R&D; at AT&T", "R&D; AT&T & Co &nosuch;"}
    # One post is "1 post".
    (tmp_path / "content" / "plain.md").unlink()
    assert run_feedkit(tmp_path, "check").stdout.startswith("OK: 1 post: 1 published,")


@pytest.mark.parametrize("opens", [False, True])
def test_a_folder_that_cannot_be_listed_is_named_and_nothing_is_written(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, opens: bool
) -> None:
    # Its posts are unknown: the run stops, as for a post file that cannot be read, naming
    # the folder, rather than go on without them (or fail with a traceback, as the walk
    # did). Root reads any folder, so the refusal is made here: the folder cannot be
    # listed, and cannot be opened either (mode 000), or can (no search permission).
    import errno
    import os

    from click.testing import CliRunner

    inside = "---\ntitle: Inside\ndate: 2024-01-01\n---\nText.\n"
    cfg = make_site("posts/draft.md", posts={"locked/inside.md": inside})
    locked = str(cfg.content_path / "locked")
    real_scandir, real_open = os.scandir, os.open

    def refused(path: object) -> OSError:
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    def scandir(path: Any = ".") -> Any:
        if str(path) == locked:
            raise refused(path)
        return real_scandir(path)

    def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if not opens and str(path) == locked:
            raise refused(path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "open", open_)
    why = "is a folder that cannot be listed" if opens else "cannot be read"
    for command in ("build", "check"):
        result = CliRunner().invoke(
            main, [command, "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
        )
        assert result.exit_code == 1, result.output
        assert result.stderr == (
            f"content/locked: {why}: Permission denied\n"
            "error: 1 problem in the content; nothing was written\n"
        )
    assert not cfg.output_path.exists()


def test_a_problem_is_at_its_key_s_line_after_blank_lines(make_site: MakeSite) -> None:
    # A blank line before the key: the line found was the blank one's (`^\s*` ran on over
    # the line end), one or more lines too early.
    cfg = make_site(
        posts={
            "after-comment.md": "---\n# comment\n\n\ndate: 2024-13-01\ntitle: L\n---\nx\n",
            "after-blank.md": "---\ntitle: T\n\ndate: 2024-13-01\n---\nx\n",
            "toml.md": "+++\ntitle = 'T'\n\n\ntags = 3\ndate = 2024-01-01\n+++\nx\n",
        }
    )
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert [f"{p.path}:{p.line}" for p in info.value.problems] == [
        "content/after-blank.md:4",
        "content/after-comment.md:5",
        "content/toml.md:5",
    ]


def test_template_syntax_in_a_title_is_a_warning_naming_its_line(tmp_path: Path) -> None:
    # Copied from a layout (`About {{ site.title }}`): front matter is no template to
    # Jekyll, Hugo or Pelican, whose pages show the tag, and so feeds and subjects did,
    # without a word.
    from conftest import run_feedkit

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    heads = {
        "liquid.md": 'title: "About {{ site.title }} & friends"',
        "tag.md": 'title: "Notes {% raw %}x{% endraw %}"',
        "braces.md": 'title: "Sets {a, b} and {{x}"',  # no tag: a brace or two in text
    }
    for name, head in heads.items():
        text = f"---\ndate: 2024-01-01\n{head}\n---\nBody.\n"
        (tmp_path / "content" / name).write_text(text, encoding="utf-8")
    checked = run_feedkit(tmp_path, "check")
    assert checked.returncode == 0, checked.stderr
    said = "is template syntax, which no generator fills in in front matter: readers see it"
    assert checked.stderr.splitlines() == [
        f"content/liquid.md:3: warning: title: '{{{{ site.title }}}}' {said} as written; "
        "write the title out",
        f"content/tag.md:3: warning: title: '{{% raw %}}' {said} as written; write the title out",
    ]


def test_a_time_the_clocks_skipped_is_read_as_the_instant_with_a_warning(
    make_site: MakeSite,
) -> None:
    # 02:30 on the night Berlin's clocks go forward never happened there: it was taken as
    # 02:30+01:00 without a word. Its instant is kept, written as the clock showed it then.
    cfg = make_site(
        posts={
            "gap.md": (
                "---\ntitle: Gap\ndate: 2024-03-31 02:30\nupdated: 2024-03-31 02:45\n---\nx\n"
            ),
            "fine.md": "---\ntitle: Fine\ndate: 2024-10-27 02:30\n---\nAmbiguous, not missing.\n",
        }
    )
    result = load_posts(cfg)
    posts = {post.slug: post for post in result.posts}
    assert posts["gap"].published.isoformat() == "2024-03-31T03:30:00+02:00"
    assert posts["gap"].updated.isoformat() == "2024-03-31T03:45:00+02:00"
    assert [str(w) for w in result.warnings] == [
        f"content/gap.md:{line}: warning: {key}: 2024-03-31 {hhmm} never happened in "
        f"Europe/Berlin (its clocks went forward then): read as 2024-03-31T{later}:00+02:00; "
        "write the time the post meant, or its offset"
        for line, key, hhmm, later in (
            (3, "date", "02:30", "03:30"),
            (4, "updated", "02:45", "03:45"),
        )
    ]


def test_a_key_given_twice_in_yaml_is_a_warning_at_the_second(make_site: MakeSite) -> None:
    # PyYAML, as Jekyll's YAML, reads the last without a word: a migration script's second
    # `date:` went unseen. Quoted or not, the same key.
    cfg = make_site(
        posts={
            "twice.md": (
                "---\ntitle: First\ndate: 2024-01-01\n\ntitle: Second\n'date': 2024-02-02\n"
                "---\nText.\n"
            ),
            "once.md": "---\ntitle: Once\ndate: 2024-01-03\nsummary: |\n  title: in text\n---\nx\n",
        }
    )
    result = load_posts(cfg)
    posts = {post.slug: post for post in result.posts}
    assert (posts["twice"].title, posts["twice"].published.date().isoformat()) == (
        "Second",
        "2024-02-02",
    )
    assert [str(w) for w in result.warnings] == [
        f"content/twice.md:{line}: warning: {key}: given twice in the front matter (line "
        f"{first} too); the last is read, as Jekyll reads it; remove the other"
        for line, key, first in ((5, "title", 2), (6, "date", 3))
    ]
