"""Discovery: which files of a Jekyll, Hugo or Pelican folder are posts, and why others are not."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.config import Config, load_config
from feedkit.errors import ContentError
from feedkit.posts.loader import load_posts
from feedkit.posts.places import SECTION_PAGE
from feedkit.posts.postbody import read_body
from feedkit.site.build import plan_build

from conftest import FIXTURES, NOW, NOW_ENV, SHARED, SITE_TOML, MakeSite

CORPORA = SHARED / "corpora"


def test_jekyll_posts_load_with_every_markdown_extension(make_site: MakeSite) -> None:
    cfg = make_site("layouts/jekyll")
    loaded = load_posts(cfg)
    assert sorted((p.slug, p.draft) for p in loaded.posts) == [
        ("custom", False),
        ("dated-draft", True),
        ("literal", False),
        ("mdown-post", False),
        ("mkd-post", False),
        ("plain", False),
        ("released", False),
        ("unpublished", True),  # published: false
    ]


def test_jekyll_permalink_in_front_matter_gives_the_post_its_url(make_site: MakeSite) -> None:
    urls = {p.slug: p.url for p in load_posts(make_site("layouts/jekyll")).posts}
    # Jekyll's :categories: "Release Notes" in lower case, its space %20 (not a slug)
    assert urls["custom"] == "https://example.com/blog/news/release%20notes/2017/custom.html"
    assert urls["literal"] == "https://example.com/blog/about-jekyll/"
    # Jekyll's own default permalink ("date"): the URL Jekyll gave the post.
    assert urls["plain"] == "https://example.com/blog/2016/05/06/plain.html"


@pytest.mark.parametrize(
    ("config_yml", "toml", "url"),
    [
        # The fixture sits in content/jekyll/, beside _config.yml: to Jekyll "jekyll" is
        # a category folder, and pretty and ordinal URLs have :categories.
        ("permalink: pretty\n", "", "https://example.com/blog/jekyll/2016/05/06/plain/"),
        ("permalink: /:year/:title/\n", "", "https://example.com/blog/2016/plain/"),
        # Jekyll starts every URL with a `/` (a pattern without one stopped the build).
        ("permalink: notes/:year/:title/\n", "", "https://example.com/blog/notes/2016/plain/"),
        ("permalink: ordinal\n", "", "https://example.com/blog/jekyll/2016/127/plain.html"),
        (
            "permalink: pretty\ncollections:\n  posts:\n    permalink: /news/:year/:title/\n",
            "",
            "https://example.com/blog/news/2016/plain/",
        ),
        (
            "permalink: pretty\n",
            'permalink = "/{year}/{slug}/"\n',
            "https://example.com/blog/2016/plain/",
        ),
    ],
)
def test_a_jekyll_sites_posts_keep_the_urls_its_config_gives_them(
    make_site: MakeSite, config_yml: str, toml: str, url: str
) -> None:
    cfg = make_site("layouts/jekyll", toml=toml + SITE_TOML)
    (cfg.content_path / "_config.yml").write_text(config_yml, encoding="utf-8")
    cfg = load_config(cfg.root / "feedkit.toml")
    urls = {p.slug: p.url for p in load_posts(cfg).posts}
    assert urls["plain"] == url
    assert urls["literal"] == "https://example.com/blog/about-jekyll/"  # its own permalink


def test_a_jekyll_permalink_feedkit_cannot_fill_in_is_said_with_its_file(
    make_site: MakeSite,
) -> None:
    cfg = make_site("layouts/jekyll")
    (cfg.content_path / "_config.yml").write_text("permalink: /:path/\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert str(info.value.problems[0]).startswith(
        "content/_config.yml: permalink: unknown placeholder :path; use :year,"
    )
    assert str(info.value.problems[0]).endswith("; set permalink in feedkit.toml instead")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "permalink: /:section/:title/",
            "permalink: unknown placeholder :section; use :year, :short_year, :month, "
            ":i_month, :day, :i_day, :title, :slug, :categories, :slugified_categories, "
            ":output_ext, :y_day, :short_month, :long_month, :week, :w_year, :w_day, "
            ":short_day, :long_day, :hour, :minute, :second",
        ),
        (
            "url: /a/../b/",
            "url '/a/../b/' must be a path on the site, such as /about/ (no '//', '..' or spaces)",
        ),
        (
            "url: https://elsewhere.example/x/",
            "url 'https://elsewhere.example/x/' must be a path on the site, such as /about/ "
            "(no '//', '..' or spaces)",
        ),
    ],
)
def test_a_url_that_is_no_path_on_the_site_is_reported_at_its_line(
    make_site: MakeSite, line: str, message: str
) -> None:
    cfg = make_site(posts={"p.md": f"---\ntitle: P\ndate: 2024-01-01\n{line}\n---\nBody\n"})
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert [str(p) for p in info.value.problems] == [f"content/p.md:4: {message}"]


# A Jekyll post's own permalink with `..`, `./` or `//` in it, and where Jekyll 4.3 publishes
# it (its URL#sanitize_url: each `..` a `/`, each `./` gone, each run of `/` one), as
# tests/test_oracles.py checks with Jekyll. feedkit stopped the build at each.
JEKYLL_OWN_PATHS = [
    ("/a/../b/", "a/b/"),
    ("/../../c.html", "c.html"),
    ("/d/./e/", "d/e/"),
    ("/f//g/", "f/g/"),
    ("/h/.../i/", "h/i/"),
    ("k/../l.html", "k/l.html"),
]


def test_a_jekyll_posts_permalink_with_dot_segments_is_where_jekyll_publishes_it(
    make_site: MakeSite,
) -> None:
    cfg = make_site("layouts/jekyll")
    for n, (permalink, _) in enumerate(JEKYLL_OWN_PATHS, start=1):
        post = f"---\ntitle: Dots {n}\npermalink: {permalink}\n---\nx\n"
        (cfg.content_path / "jekyll" / "_posts" / f"2024-01-0{n}-dots{n}.md").write_text(post)
    urls = {p.title: p.url for p in load_posts(cfg).posts}
    assert [urls[f"Dots {n}"] for n in range(1, len(JEKYLL_OWN_PATHS) + 1)] == [
        "https://example.com/blog/" + path for _, path in JEKYLL_OWN_PATHS
    ]


# Jekyll titles a post whose `title:` is null by its slug, as one with none, and publishes
# one whose title is "" untitled (tests/test_oracles.py checks with Jekyll 4.3).
JEKYLL_UNTITLED = {
    "_posts/2024-01-01-empty-one.md": '---\ntitle: ""\n---\nEmpty title.\n',
    "_posts/2024-01-02-null-one.md": "---\ntitle:\n---\nNull title.\n",
    # false to Jekyll's YAML (1.1), and so none: `data["title"] || titleize(slug)`
    "_posts/2024-01-03-false-one.md": "---\ntitle: Off\n---\nFalse title.\n",
    # and true is the title `true`
    "_posts/2024-01-04-true-one.md": "---\ntitle: On\n---\nTrue title.\n",
}


def test_a_jekyll_post_with_an_empty_or_null_title_is_published_as_by_jekyll(
    make_site: MakeSite,
) -> None:
    # They stopped the build ("missing title", "must be text, not a true/false value").
    cfg = make_site("layouts/jekyll")
    for name, text in JEKYLL_UNTITLED.items():
        (cfg.content_path / "jekyll" / name).write_text(text, encoding="utf-8")
    loaded = load_posts(cfg)
    titles = {p.slug: p.title for p in loaded.posts}
    assert (titles["empty-one"], titles["null-one"]) == ("", "Null One")
    assert (titles["false-one"], titles["true-one"]) == ("False One", "true")
    said = [str(w) for w in loaded.warnings if "-one.md" in w.path]
    assert said == [
        "content/jekyll/_posts/2024-01-01-empty-one.md:2: warning: title is empty: Jekyll "
        "publishes the post untitled, at https://example.com/blog/2024/01/01/empty-one.html, "
        "and so do the feeds (where one needs a title, the first words of "
        "its text); write its title",
        "content/jekyll/_posts/2024-01-02-null-one.md:2: warning: no title; feeds show "
        "'Null One': add 'title: …' to the front matter",
        "content/jekyll/_posts/2024-01-03-false-one.md:2: warning: title: false to Jekyll's "
        "YAML (an unquoted No or Off), and Jekyll titles the post by its name, as feeds do: "
        "'False One'; put the title in quotes to keep it as written",
        "content/jekyll/_posts/2024-01-04-true-one.md:2: warning: title: true to Jekyll's YAML "
        "(an unquoted Yes or On), and Jekyll titles the post 'true', as feeds do; put the "
        "title in quotes to keep it as written",
    ]


# Jekyll splits a plural key's string at its spaces alone, commas kept (Ruby's String#split):
# `categories: "p, q"` is `p,` and `q`, and the post is at /p,/q/… (tests/test_oracles.py
# checks with Jekyll 4.3). feedkit split at the comma: the post was at /p/q/…, a new entry
# with a new ID to every reader.
JEKYLL_COMMAS = {
    "_posts/2024-01-01-a.md": '---\ntitle: A\ntags: "x, y"\ncategories: "p, q"\n---\nA.\n',
    "_posts/2024-01-02-b.md": "---\ntitle: B\ntags: one two\ncategory: Big Cat\n---\nB.\n",
}


def test_a_jekyll_posts_categories_in_a_string_are_split_as_jekyll_splits_them(
    make_site: MakeSite,
) -> None:
    cfg = make_site("layouts/jekyll")
    for name, text in JEKYLL_COMMAS.items():
        (cfg.content_path / "jekyll" / name).write_text(text, encoding="utf-8")
    posts = {p.slug: p for p in load_posts(cfg).posts}
    assert posts["a"].url == "https://example.com/blog/p,/q/2024/01/01/a.html"
    assert posts["a"].tags == ("p,", "q", "x,", "y")
    assert posts["b"].url == "https://example.com/blog/big%20cat/2024/01/02/b.html"
    assert posts["b"].tags == ("Big Cat", "one", "two")


# A Jekyll post's categories and tags as jekyll-feed lists them: its `category` alone when
# it has one, else its categories, the folders above _posts/ first; then its `tag` alone
# when it has one, else its `tags`. Its URL has the folders, its categories, then its
# `category` (tests/test_oracles.py checks with Jekyll 4.3).
JEKYLL_TERMS = {
    "_posts/2024-01-01-a.md": "---\ntitle: A\ntag: solo tag\n---\nA.\n",
    "_posts/2024-01-02-b.md": "---\ntitle: B\ntag: one\ntags: [two, three]\n---\nB.\n",
    "_posts/2024-01-03-c.md": "---\ntitle: C\ncategory: cat\ncategories: [dog, eel]\n---\nC.\n",
    "news/_posts/2024-01-04-d.md": "---\ntitle: D\ntags: t1\n---\nD.\n",
    "news/_posts/2024-01-05-e.md": "---\ntitle: E\ncategories: extra\n---\nE.\n",
    "news/_posts/2024-01-06-f.md": "---\ntitle: F\ncategories: [math, news]\n---\nF.\n",
}


def test_a_jekyll_posts_tags_and_categories_are_jekyll_feeds(make_site: MakeSite) -> None:
    # feedkit left `tag:` out, listed `categories` beside a `category` and no folder, and
    # put E at /extra/news/…, a new ID to every reader.
    cfg = make_site(posts={"_config.yml": "title: Site\n", **JEKYLL_TERMS})
    posts = {p.title: p for p in load_posts(cfg).posts}
    assert {title: post.tags for title, post in posts.items()} == {
        "A": ("solo tag",),
        "B": ("one",),
        "C": ("cat",),
        "D": ("news", "t1"),
        "E": ("news", "extra"),
        "F": ("news", "math"),
    }
    blog = "https://example.com/blog/"
    assert posts["C"].url == blog + "dog/eel/cat/2024/01/03/c.html"
    assert posts["E"].url == blog + "news/extra/2024/01/05/e.html"
    assert posts["F"].url == blog + "news/math/2024/01/06/f.html"


# jekyll-feed's per-post `feed: excerpt_only` (any value but false or null, as Liquid's
# `unless` reads it): that post's entry has no content (tests/test_oracles.py checks with it).
JEKYLL_TEASERS = {
    "_posts/2024-01-01-whole.md": "---\ntitle: Whole\n---\nAll of it.\n\nThe rest.\n",
    "_posts/2024-01-02-teaser.md": "---\ntitle: Teaser\nfeed:\n  excerpt_only: true\n---\n"
    "First part.\n\nThe rest, for the site only.\n",
    "_posts/2024-01-03-said-no.md": "---\ntitle: Said no\nfeed: {excerpt_only: false}\n---\n"
    "Shown whole.\n",
    "_posts/2024-01-04-text.md": "---\ntitle: Said so in words\nfeed: {excerpt_only: 'yes'}\n"
    "---\nTeaser too.\n\nThe rest.\n",
}


def test_a_jekyll_post_of_excerpt_only_has_no_text_in_any_feed(make_site: MakeSite) -> None:
    # feedkit carried its whole text, which its writer had kept off the feed.
    cfg = make_site(posts={"_config.yml": "title: Site\n", **JEKYLL_TEASERS})
    plan = plan_build(cfg, NOW)
    atom = feedparser.parse(plan.files["atom.xml"])
    rss = feedparser.parse(plan.files["rss.xml"])
    items = json.loads(plan.files["feed.json"])["items"]
    whole = {"Whole": True, "Teaser": False, "Said no": True, "Said so in words": False}
    assert {e.title: bool(e.get("content")) for e in atom.entries} == whole
    assert {e.title: bool(e.get("content")) for e in rss.entries} == whole
    assert {i["title"]: "content_html" in i for i in items} == whole
    # Its summary stands for it, as in jekyll-feed's entry.
    teaser = next(e for e in atom.entries if e.title == "Teaser")
    assert teaser.summary.startswith("First part.")


# A Jekyll post's `lang`, which jekyll-feed writes as its entry's xml:lang (tests/test_oracles.py
# checks with it): one that is no language tag is left out, with a warning.
JEKYLL_LANGS = {
    "_posts/2024-01-01-fr.md": "---\ntitle: En français\nlang: fr\n---\nBonjour.\n",
    "_posts/2024-01-02-site.md": "---\ntitle: Same\nlang: en\n---\nHello.\n",
    "_posts/2024-01-03-none.md": "---\ntitle: None\n---\nHello.\n",
    "_posts/2024-01-04-pt.md": "---\ntitle: Em português\nlang: pt_BR\n---\nOlá.\n",
    "_posts/2024-01-05-bad.md": "---\ntitle: Bad\nlang: english\n---\nHello.\n",
}


def test_a_jekyll_posts_lang_is_its_entrys_language(make_site: MakeSite) -> None:
    # feedkit left it out: a French post in an English feed was English to readers (their
    # hyphenation, their screen readers' voice).
    cfg = make_site(posts={"_config.yml": "title: Site\n", **JEKYLL_LANGS})
    plan = plan_build(cfg, NOW)
    atom = ElementTree.fromstring(plan.files["atom.xml"])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    # The feed's own language is not said again; one that is no tag is left out.
    said = {"En français": "fr", "Same": None, "None": None, "Em português": "pt-BR", "Bad": None}
    entries = atom.findall("a:entry", ns)
    assert {e.findtext("a:title", namespaces=ns): e.get(lang) for e in entries} == said
    items = json.loads(plan.files["feed.json"])["items"]
    assert {i["title"]: i.get("language") for i in items} == said
    assert [str(w) for w in plan.warnings] == [
        "content/_posts/2024-01-05-bad.md:3: warning: lang: must be a language tag such as "
        "'en' or 'en-GB', not 'english'; left out"
    ]


# Posts as WordPress's Jekyll Exporter writes them (jekyll-exporter.php `convert_meta`): the
# WordPress post's number as `id`, its `guid`, its old path as `permalink`. jekyll-feed
# reads neither `id` nor `guid` (tests/test_oracles.py checks with it); nor does a URI `id`
# it ignores, which feedkit keeps: what `id:` pins.
JEKYLL_EXPORTED = {
    "_posts/2015-01-02-hello-world.md": "---\nid: 123\ntitle: Hello world!\n"
    "date: '2015-01-02T10:00:00+00:00'\nauthor: Ada Admin\nexcerpt: ''\nlayout: post\n"
    'guid: http://old.example.org/?p=123\npermalink: "/2015/01/hello-world/"\n'
    "categories:\n- Uncategorized\n---\n\nWelcome to WordPress.\n",
    "_posts/2015-02-03-second.md": "---\nid: '124'\ntitle: Second\n"
    "date: '2015-02-03T10:00:00+00:00'\nguid: http://old.example.org/?p=124\n---\nTwo.\n",
}


def test_a_jekyll_post_exported_from_wordpress_keeps_jekyll_feeds_id(
    make_site: MakeSite,
) -> None:
    # Every post's `id: 123` stopped the build ("must be an absolute URI").
    toml = SITE_TOML.replace("[feed]", '[feed]\nids = "jekyll"')  # as `feedkit init` sets
    cfg = make_site(posts={"_config.yml": "title: Site\n", **JEKYLL_EXPORTED}, toml=toml)
    loaded = load_posts(cfg)
    assert loaded.warnings == ()
    blog = "https://example.com/blog/"
    assert {p.title: p.id for p in loaded.posts} == {
        "Hello world!": blog + "2015/01/hello-world",
        "Second": blog + "2015/02/03/second",
    }


def ids_with_and_without(
    make_site: MakeSite, posts: dict[str, str], site: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Return each post's ID by title, of `posts` in a site of `site`'s layout ("hugo",
    "pelican"), and of the same posts without their `id` lines."""
    found = []
    for given in (
        posts,
        {name: re.sub(r"(?m)^id: .*\n", "", text) for name, text in posts.items()},
    ):
        cfg = make_site(posts=given)
        if site == "hugo":
            (cfg.root / "hugo.toml").write_text('title = "H"\n', encoding="utf-8")
        else:
            (cfg.root / "pelicanconf.py").write_text('SITENAME = "P"\n', encoding="utf-8")
        found.append({p.title: p.id for p in load_posts(cfg).posts})
        shutil.rmtree(cfg.content_path)
    return found[0], found[1]


@pytest.mark.parametrize("site", ["hugo", "pelican"])
def test_an_id_that_is_no_uri_is_ignored_as_hugo_and_pelican_ignore_it(
    make_site: MakeSite, site: str
) -> None:
    # WordPress's Hugo exporter writes `id: 123` too: every such page stopped the build.
    posts = {
        "a.md": "---\ntitle: A\ndate: 2024-01-01\nid: 7\n---\nA.\n",
        "b.md": "---\ntitle: B\ndate: 2024-01-02\nid: post-b\n---\nB.\n",
        "c.md": "---\ntitle: C\ndate: 2024-01-03\nid: urn:x-blog:c\n---\nC.\n",
    }
    given, absent = ids_with_and_without(make_site, posts, site)
    assert given["A"] == absent["A"] and given["B"] == absent["B"]
    # A URI `id` pins the entry's ID in every site (README "Moving from Jekyll, Hugo or
    # Pelican").
    assert given["C"] == "urn:x-blog:c" != absent["C"]


def test_in_a_feedkit_site_a_number_is_no_id_and_other_text_no_uri_an_error(
    make_site: MakeSite,
) -> None:
    # A slip in a pinned ID would give every reader the post again: said, not ignored.
    cfg = make_site(
        posts={
            "n.md": "---\ntitle: N\ndate: 2024-01-01\nid: 9\n---\nN.\n",
            "o.md": "---\ntitle: O\ndate: 2024-01-02\nid: post-o\n---\nO.\n",
        }
    )
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert [str(p) for p in info.value.problems] == [
        "content/o.md:4: id 'post-o' must be an absolute URI such as 'urn:uuid:…' or "
        "'tag:example.com,2024:post'"
    ]
    (cfg.content_path / "o.md").unlink()
    (post,) = load_posts(cfg).posts
    assert post.id.startswith("tag:example.com,2024-01-01:")


# A Jekyll post's summary is jekyll-feed's: its `description`, else its `excerpt`
# (tests/test_oracles.py checks with jekyll-feed); a `summary`, which jekyll-feed does not
# read, after them.
JEKYLL_SUMMARIES = {
    "_posts/2024-01-01-a.md": "---\ntitle: A\ndescription: The description.\n"
    "excerpt: The excerpt.\n---\nFirst para.\n\nSecond.\n",
    "_posts/2024-01-02-b.md": "---\ntitle: B\nsummary: The summary.\ndescription: Desc B.\n"
    "---\nFirst B.\n\nSecond.\n",
    "_posts/2024-01-03-c.md": "---\ntitle: C\nexcerpt: Excerpt C.\n---\nFirst C.\n\nSecond.\n",
}


def test_a_jekyll_posts_summary_is_jekyll_feeds(make_site: MakeSite) -> None:
    # feedkit took `summary` before `description`: B's entry said "The summary.".
    cfg = make_site(posts={"_config.yml": "title: Site\n", **JEKYLL_SUMMARIES})
    summaries = {p.title: p.summary for p in load_posts(cfg).posts}
    assert summaries == {"A": "The description.", "B": "Desc B.", "C": "Excerpt C."}


def test_jekyll_pages_and_dateless_drafts_are_skipped_with_the_reason(
    make_site: MakeSite,
) -> None:
    cfg = make_site("layouts/jekyll")
    assert [str(p) for p in load_posts(cfg).skipped] == [
        "content/jekyll/_drafts/not-ready.md: skipped: a draft without a date; "
        "add 'date: …' when it is ready to publish",
        "content/jekyll/about.md: skipped: a page, not a post: "
        "Jekyll publishes only the files in _posts/ as posts",
    ]


def test_check_lists_skipped_files_and_succeeds(make_site: MakeSite, runner, monkeypatch) -> None:
    cfg = make_site("layouts/jekyll")
    monkeypatch.setenv("FEEDKIT_NOW", "2026-01-01T00:00:00Z")
    result = runner.invoke(main, ["check", "--config", str(cfg.root / "feedkit.toml")])
    assert result.exit_code == 0, result.output
    assert "content/jekyll/about.md: skipped: a page, not a post" in result.stderr


def write_files(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def test_what_jekyll_never_reads_is_neither_a_post_nor_listed(tmp_path: Path) -> None:
    # A Jekyll site with bundler's and npm's folders (many a README.md), its built _site/,
    # and what its _config.yml excludes: Jekyll reads none of it, and check lists none.
    # `include` takes back a folder `exclude` names (Jekyll 4 reads `exclude - include`),
    # but not one inside a folder Jekyll does not enter: it filters each folder's entries,
    # top down, and node_modules/ is left out before node_modules/kept/ is seen.
    files = {
        "_config.yml": "title: T\nurl: https://t.example.org\nexclude:\n  - scripts\n"
        '  - old\n  - "*.txt.md"\ninclude:\n  - old\n  - node_modules/kept\n',
        "_posts/2024-01-01-a.md": "---\ntitle: A\n---\nText.\n",
        "scripts/_posts/2024-01-02-b.md": "---\ntitle: B\n---\nNot Jekyll's.\n",
        "old/_posts/2024-01-04-d.md": "---\ntitle: D\n---\nIncluded.\n",
        "node_modules/left-pad/README.md": "# left-pad\n",
        "node_modules/kept/_posts/2024-01-03-c.md": "---\ntitle: C\n---\nNot read.\n",
        "vendor/bundle/ruby/3.1/gems/kramdown-2.4/README.md": "# kramdown\n",
        "_site/README.md": "# built\n",
        "notes.txt.md": "notes\n",
        "about.md": "---\ntitle: About\n---\nA page.\n",
    }
    write_files(tmp_path, files)
    toml = tmp_path / "feedkit.toml"
    toml.write_text(
        'title = "T"\nbase_url = "https://t.example.org/"\ncontent_dir = "."\n', encoding="utf-8"
    )
    env = {"FEEDKIT_NOW": "2026-01-01T00:00:00Z"}
    result = CliRunner().invoke(main, ["check", "--config", str(toml)], env=env)
    assert result.exit_code == 0, result.output
    assert "OK: 2 posts: 2 published" in result.stdout
    assert [line for line in result.stderr.splitlines() if "skipped" in line] == [
        "about.md: skipped: a page, not a post: Jekyll publishes only the files in _posts/ as posts"
    ]
    built = CliRunner().invoke(main, ["build", "--config", str(toml)], env=env)
    assert built.exit_code == 0, built.output
    feed = feedparser.parse((tmp_path / "public" / "atom.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["D", "A"]


def test_a_jekyll_sites_collections_dir_is_where_its_posts_are(tmp_path: Path) -> None:
    # Jekyll reads posts from collections_dir's _posts/ (and its folders'), no other, and
    # the folder is no category of theirs (tests/test_oracles.py builds it with Jekyll).
    write_files(
        tmp_path,
        {
            "_config.yml": "title: C\nurl: https://c.example.org\ncollections_dir: coll\n",
            "coll/_posts/2024-01-02-in-coll.md": "---\ntitle: In coll\n---\nx\n",
            "coll/blog/_posts/2024-01-03-in-blog.md": "---\ntitle: In blog\n---\nx\n",
            "_posts/2024-01-04-outside.md": "---\ntitle: Outside\n---\nx\n",
        },
    )
    toml = tmp_path / "feedkit.toml"
    toml.write_text('title = "C"\nbase_url = "https://c.example.org/"\ncontent_dir = "."\n')
    env = {"FEEDKIT_NOW": "2026-01-01T00:00:00Z"}
    result = CliRunner().invoke(main, ["check", "--config", str(toml)], env=env)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "_posts/2024-01-04-outside.md: skipped: outside the site's collections_dir (coll/): "
        "Jekyll reads posts and drafts only from coll/_posts/ and coll/_drafts/"
    ]
    assert [(p.title, p.url) for p in load_posts(load_config(toml)).posts] == [
        ("In blog", "https://c.example.org/blog/2024/01/03/in-blog.html"),
        ("In coll", "https://c.example.org/2024/01/02/in-coll.html"),
    ]


def test_a_content_folder_that_is_jekylls_posts_folder_keeps_jekylls_rules(
    tmp_path: Path,
) -> None:
    # content_dir = "_posts": the same posts, URLs and names as the site's folder gives.
    files = {
        "_config.yml": "title: T\nurl: https://t.example.org\ndefaults:\n  - scope:\n"
        "      path: ''\n      type: posts\n    values:\n      permalink: /posts/:title/\n",
        "_posts/2024-01-01-first-light.md": "---\ndate: 2024-01-01\n---\nText.\n",
        "_posts/README.md": "# how to write a post\n",
    }
    write_files(tmp_path, files)
    toml = tmp_path / "feedkit.toml"
    env = {"FEEDKIT_NOW": "2026-01-01T00:00:00Z"}
    for content in ("_posts", "."):
        toml.write_text(
            f'title = "T"\nbase_url = "https://t.example.org/"\ncontent_dir = "{content}"\n',
            encoding="utf-8",
        )
        result = CliRunner().invoke(main, ["check", "--config", str(toml)], env=env)
        assert result.exit_code == 0, result.output
        assert "README.md: skipped: not a post: Jekyll publishes only the files in _posts/ " in (
            result.stderr
        )
        built = CliRunner().invoke(main, ["build", "--config", str(toml), "--no-cache"], env=env)
        assert built.exit_code == 0, built.output
        feed = feedparser.parse((tmp_path / "public" / "atom.xml").read_bytes())
        assert [(e.title, e.link) for e in feed.entries] == [
            ("First Light", "https://t.example.org/posts/first-light/")
        ], content


def corpus_site(tmp_path: Path, name: str, content: str) -> Path:
    """Return the feedkit.toml of a copy of a shared corpus (the test skips without it)."""
    if not (CORPORA / name).is_dir():
        pytest.skip(f"{CORPORA / name} is not here")
    site = tmp_path / name
    shutil.copytree(CORPORA / name, site)
    (site / "feedkit.toml").write_text(
        f'title = "{name}"\nbase_url = "https://example.com/"\ncontent_dir = "{content}"\n',
        encoding="utf-8",
    )
    return site / "feedkit.toml"


def test_jekyll_docs_corpus_loads_every_release_post(tmp_path: Path) -> None:
    cfg = load_config(corpus_site(tmp_path, "jekyll-docs", "."))
    loaded = load_posts(cfg)
    assert len(loaded.posts) == 102
    assert loaded.skipped == ()


def test_build_of_a_jekyll_folder_skips_its_pages_again_and_again(
    make_site: MakeSite, runner, monkeypatch
) -> None:
    cfg = make_site("layouts/jekyll")
    monkeypatch.setenv("FEEDKIT_NOW", "2026-01-01T00:00:00Z")
    args = ["build", "--config", str(cfg.root / "feedkit.toml")]
    first, second = runner.invoke(main, args), runner.invoke(main, args)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "from 8 posts: 6 published, 2 draft(s)" in first.stdout
    assert "are up to date (0 changed); 8 posts" in second.stdout


def hugo_site(tmp_path: Path, toml: str = "") -> Config:
    """Return the config of a copy of the Hugo-layout fixture (hugo.toml beside content/)."""
    site = tmp_path / "hugo"
    shutil.copytree(FIXTURES / "layouts" / "hugo", site)
    (site / "feedkit.toml").write_text(
        f'title = "Hugo"\nbase_url = "https://example.com/"\n{toml}', encoding="utf-8"
    )
    return load_config(site / "feedkit.toml")


OUTSIDE = (
    "skipped: a page, not a post: it is outside the main sections (posts); "
    "add its section to main_sections in feedkit.toml to publish it"
)
TRANSLATION = (
    "skipped: a translation ({lang}); feedkit publishes only the posts in the site's "
    "language ('en', the language in feedkit.toml)"
)


def test_hugo_posts_are_the_pages_of_the_main_section(tmp_path: Path) -> None:
    loaded = load_posts(hugo_site(tmp_path))
    assert sorted(p.slug for p in loaded.posts) == [
        "bundle",
        "expired",
        "first",
        "moved",
        "nested",
        "scheduled",
    ]
    assert [str(p) for p in loaded.skipped] == [
        f"content/about.md: {OUTSIDE}",
        f"content/contact.md: {OUTSIDE}",
        f"content/notes/note.md: {OUTSIDE}",
        f"content/posts/_index.md: skipped: {SECTION_PAGE}",
        f"content/posts/bundle/index.fr.md: {TRANSLATION.format(lang='fr')}",
        f"content/posts/first.fr.md: {TRANSLATION.format(lang='fr')}",
        "content/posts/unlisted.md: skipped: Hugo lists it nowhere (build: list: never)",
    ]


def test_main_sections_setting_names_the_sections_of_posts(tmp_path: Path) -> None:
    loaded = load_posts(hugo_site(tmp_path, 'main_sections = ["posts", "notes"]\n'))
    assert "note" in {p.slug for p in loaded.posts}
    assert len(loaded.skipped) == 6  # about, contact, posts/_index, 2 translations, unlisted


def test_site_language_chooses_the_translations(tmp_path: Path) -> None:
    loaded = load_posts(hugo_site(tmp_path, 'language = "fr"\n'))
    assert {p.title for p in loaded.posts} >= {"Premier", "Paquet"}
    assert "First" not in {p.title for p in loaded.posts}


def test_hugo_publish_date_schedules_and_url_places_the_post(tmp_path: Path) -> None:
    posts = {p.slug: p for p in load_posts(hugo_site(tmp_path)).posts}
    assert posts["scheduled"].published.isoformat() == "2099-01-01T00:00:00+00:00"
    assert posts["moved"].url == "https://example.com/archives/moved/"
    assert posts["bundle"].url == "https://example.com/posts/bundle/"  # as Hugo gives it


def test_a_flat_folder_without_hugo_config_keeps_its_dateless_post_an_error(
    make_site: MakeSite,
) -> None:
    cfg = make_site(posts={"a/one.md": "---\ntitle: One\n---\n", "b/x.md": "---\ntitle: X\n---\n"})
    with pytest.raises(ContentError, match="missing date"):
        load_posts(cfg)


def test_hugo_papermod_corpus_builds(tmp_path: Path, runner, monkeypatch) -> None:
    toml = corpus_site(tmp_path, "hugo-papermod", "content")
    monkeypatch.setenv("FEEDKIT_NOW", "2026-06-01T00:00:00Z")
    result = runner.invoke(main, ["check", "--config", str(toml)])
    assert result.exit_code == 0, result.output
    for page in ("about.md", "search.md", "archives.md", "search.fr.md"):
        assert f"content/{page}: skipped: " in result.stderr
    loaded = load_posts(load_config(toml))
    slugs = {p.slug for p in loaded.posts}
    assert "cover-page" in slugs and "indexen" not in slugs
    from datetime import UTC, datetime

    from feedkit.posts.gathered import public_posts

    public = {p.slug for p in public_posts(loaded.posts, datetime(2026, 6, 1, tzinfo=UTC))}
    assert "papermod-installation" in public
    assert "papermod-features" not in public  # expiryDate: 2026-05-08


def test_an_expired_post_leaves_the_feeds_when_its_expiry_date_comes(
    tmp_path: Path, runner, monkeypatch
) -> None:
    cfg = hugo_site(tmp_path)
    rss = cfg.output_path / "rss.xml"
    args = ["build", "--config", str(cfg.root / "feedkit.toml")]
    monkeypatch.setenv("FEEDKIT_NOW", "2024-12-31T00:00:00Z")
    assert runner.invoke(main, args).exit_code == 0
    assert "/posts/expired/" in rss.read_text(encoding="utf-8")
    monkeypatch.setenv("FEEDKIT_NOW", "2025-01-02T00:00:00Z")  # the build cache knows the date
    result = runner.invoke(main, args)
    assert result.exit_code == 0
    assert "/posts/expired/" not in rss.read_text(encoding="utf-8")
    assert result.stdout.rstrip().endswith("scheduled for later, 1 expired")
    again = runner.invoke(main, args)  # nothing changed: the count the cache kept
    assert again.stdout.rstrip().endswith("scheduled for later, 1 expired")
    monkeypatch.setenv("FEEDKIT_NOW", "2024-12-31T00:00:00Z")
    assert runner.invoke(main, [*args, "--no-cache"]).exit_code == 0
    assert "/posts/expired/" in rss.read_text(encoding="utf-8")


def test_public_posts_leave_out_expired_ones(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from feedkit.posts.gathered import public_posts

    posts = load_posts(hugo_site(tmp_path)).posts
    before = {p.slug for p in public_posts(posts, datetime(2024, 12, 31, tzinfo=UTC))}
    after = {p.slug for p in public_posts(posts, datetime(2025, 1, 1, tzinfo=UTC))}
    assert before - after == {"expired"}


def test_pelican_metadata_header_is_read_as_pelican_does(make_site: MakeSite) -> None:
    loaded = load_posts(make_site("layouts/pelican"))
    posts = {p.slug: p for p in loaded.posts}
    post = posts["my-super-post"]
    assert post.title == "My super title"
    assert post.published.isoformat() == "2010-12-03T10:20:00+01:00"
    assert post.updated.isoformat() == "2010-12-05T19:30:00+01:00"
    assert [a.name for a in post.authors] == ["Metaireau, Alexis", "Doyle, Conan"]
    assert post.tags == ("pelican", "publishing", "Release Notes")
    assert post.summary == "Short version for index\nand feeds"
    assert post.body_line == 11
    assert read_body(post) == "This is the content of my super blog post.\n"
    assert posts["not-yet"].draft
    assert [str(p) for p in loaded.skipped] == [
        "content/pelican/hidden.md: skipped: Pelican lists it nowhere (status: hidden)"
    ]


def test_pelican_status_other_than_draft_hidden_published_is_an_error(
    make_site: MakeSite,
) -> None:
    cfg = make_site(posts={"p.md": "Title: P\nDate: 2024-01-01\nStatus: maybe\n\nBody\n"})
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert [str(p) for p in info.value.problems] == [
        "content/p.md:3: status must be draft, hidden or published, not 'maybe'"
    ]


def test_pelican_pages_folder_holds_pages_when_pelicanconf_is_beside_it(
    make_site: MakeSite,
) -> None:
    page = "Title: About\n\nA page has no date.\n"
    cfg = make_site("layouts/pelican", posts={"pages/about.md": page})
    (cfg.root / "pelicanconf.py").write_text("SITENAME = 'P'\n", encoding="utf-8")
    loaded = load_posts(cfg)
    assert len(loaded.posts) == 2
    assert [str(p) for p in loaded.skipped] == [
        "content/pages/about.md: skipped: a page, not a post: "
        "Pelican publishes the files in pages/ as pages",
        "content/pelican/hidden.md: skipped: Pelican lists it nowhere (status: hidden)",
    ]


def test_a_dateless_draft_in_front_matter_is_skipped_not_an_error(make_site: MakeSite) -> None:
    cfg = make_site(posts={"idea.md": "---\ntitle: Idea\ndraft: true\n---\nLater.\n"})
    assert [str(p) for p in load_posts(cfg).skipped] == [
        "content/idea.md: skipped: a draft without a date; "
        "add 'date: …' when it is ready to publish"
    ]


def test_a_hugo_site_without_sections_keeps_every_page_a_post(make_site: MakeSite) -> None:
    cfg = make_site(posts={"one.md": "---\ntitle: One\ndate: 2024-01-01\n---\nBody\n"})
    (cfg.root / "hugo.toml").write_text('title = "H"\n', encoding="utf-8")
    loaded = load_posts(cfg)
    assert [p.slug for p in loaded.posts] == ["one"] and loaded.skipped == ()


def test_load_post_of_a_file_that_is_no_post_says_why(make_site: MakeSite) -> None:
    from feedkit.posts.loader import load_post

    cfg = make_site(posts={"idea.md": "---\ntitle: Idea\ndraft: true\n---\nLater.\n"})
    with pytest.raises(ContentError, match="content/idea.md: skipped: a draft without a date"):
        load_post(cfg.content_path / "idea.md", cfg, [])


def test_a_folder_whose_name_ends_in_posts_is_no_jekyll_layout(make_site: MakeSite) -> None:
    head = "---\ntitle: T\ndate: 2024-01-01\n---\nBody\n"
    cfg = make_site(posts={"my_posts/a.md": head, "b.md": head})
    assert sorted(p.slug for p in load_posts(cfg).posts) == ["a", "b"]


def test_hugo_content_copied_without_its_config_is_known_by_its_section_pages(
    tmp_path: Path,
) -> None:
    cfg = hugo_site(tmp_path)
    (cfg.root / "hugo.toml").unlink()
    assert (cfg.content_path / "posts" / "_index.md").is_file()
    loaded = load_posts(cfg)
    assert len(loaded.posts) == 6
    assert [str(p) for p in loaded.skipped][:3] == [
        f"content/about.md: {OUTSIDE}",
        f"content/contact.md: {OUTSIDE}",
        f"content/notes/note.md: {OUTSIDE}",
    ]
    assert f"content/posts/_index.md: skipped: {SECTION_PAGE}" in map(str, loaded.skipped)


def test_hugo_papermod_content_alone_builds(tmp_path: Path, runner, monkeypatch) -> None:
    toml = corpus_site(tmp_path, "hugo-papermod", "content")
    (toml.parent / "config.yml").unlink()
    monkeypatch.setenv("FEEDKIT_NOW", "2026-06-01T00:00:00Z")
    result = runner.invoke(main, ["build", "--config", str(toml)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["check", "--config", str(toml)])
    assert result.exit_code == 0, result.output
    for page in ("about.md", "search.md", "archives.md", "posts/papermod/_index.md"):
        assert f"content/{page}: skipped: " in result.stderr


def test_hugo_pages_without_a_date_or_title_are_taken_as_hugo_takes_them(
    make_site: MakeSite,
) -> None:
    cfg = make_site(
        posts={
            "posts/dated.md": "---\ntitle: Dated\ndate: 2024-01-01\ndraft: 'false'\n---\nA.\n",
            "posts/overview.md": "---\ntitle: Series overview\n---\nNo date.\n",
            "posts/no-title/index.md": "---\ndate: 2024-02-01\n---\nNo title.\n",
        }
    )
    (cfg.root / "hugo.toml").write_text('title = "H"\n', encoding="utf-8")
    loaded = load_posts(cfg)
    warnings = [str(w) for w in loaded.warnings]
    assert sorted((p.slug, p.title, p.draft) for p in loaded.posts) == [
        ("dated", "Dated", False),  # draft: 'false' in quotes, as Hugo reads it
        ("no-title", "no title", False),
    ]
    assert [str(p) for p in loaded.skipped] == [
        "content/posts/overview.md: skipped: a page without a date (Hugo lists it undated); "
        "add 'date: …' to publish it in the feeds"
    ]
    assert warnings == [
        "content/posts/no-title/index.md:2: warning: no title; feeds show 'no title': "
        "add 'title: …' to the front matter"
    ]


def test_outside_hugo_a_post_needs_its_date_and_title(make_site: MakeSite) -> None:
    cfg = make_site(
        posts={"a.md": "---\ntitle: A\n---\nx\n", "b.md": "---\ndate: 2024-01-01\n---\n"}
    )
    with pytest.raises(ContentError) as info:
        load_posts(cfg)
    assert [p.message for p in info.value.problems] == [
        "missing date; add 'date: 2024-05-01' (or a time with zone) to the front matter, or "
        "name the file 2024-05-01-slug.md",
        "missing title; add 'title: …' to the front matter",
    ]


def test_a_category_folder_above_posts_is_in_the_url_jekyll_gives(make_site: MakeSite) -> None:
    # Jekyll gives a post in blog/_posts/ the category "blog", before its own categories
    # (checked against Jekyll 4.3: feedkit had it after them, the page at /math/jekyll/blog/);
    # the default permalink has :categories, so the post's page is under /blog/.
    post = "---\ntitle: {title}\n{extra}---\nText.\n"
    cfg = make_site(
        posts={
            "_config.yml": "title: Site\n",
            "blog/_posts/2024-04-22-rust-vs-go.md": post.format(title="Rust", extra=""),
            "blog/_posts/2024-09-09-math.md": post.format(
                title="Math", extra="categories: [math, jekyll]\n"
            ),
            "_posts/2024-01-01-top.md": post.format(title="Top", extra=""),
        }
    )
    urls = {p.slug: p.url for p in load_posts(cfg).posts}
    assert urls == {
        "rust-vs-go": "https://example.com/blog/blog/2024/04/22/rust-vs-go.html",
        "math": "https://example.com/blog/blog/math/jekyll/2024/09/09/math.html",
        "top": "https://example.com/blog/2024/01/01/top.html",
    }


def test_a_jekyll_posts_singular_category_is_one_name(make_site: MakeSite) -> None:
    # Jekyll reads `category: Machine Learning` as one category (its plural's string is
    # split at spaces): feedkit split it, and the post got another URL and ID, and two tags.
    post = "---\ntitle: {title}\n{extra}---\nText.\n"
    cfg = make_site(
        posts={
            "_config.yml": "title: Site\n",
            "_posts/2024-01-01-one.md": post.format(
                title="One", extra="category: Machine Learning\n"
            ),
            "_posts/2024-01-02-two.md": post.format(title="Two", extra="categories: Deep Nets\n"),
        }
    )
    posts = {p.slug: p for p in load_posts(cfg).posts}
    assert posts["one"].url == "https://example.com/blog/machine%20learning/2024/01/01/one.html"
    assert posts["one"].tags == ("Machine Learning",)
    assert posts["two"].url == "https://example.com/blog/deep/nets/2024/01/02/two.html"
    assert posts["two"].tags == ("Deep", "Nets")


def test_a_jekyll_posts_image_is_on_the_site_under_its_baseurl(make_site: MakeSite) -> None:
    # jekyll-feed gives `image:` its absolute_url: under the site's baseurl, a relative one
    # too. feedkit left the baseurl out of `/assets/a.png` and put `assets/c.png` under the
    # post's own address: every thumbnail a 404.
    post = "---\ntitle: {title}\nimage: {image}\n---\nText.\n"
    cfg = make_site(
        posts={
            "_config.yml": "title: Site\n",
            "_posts/2024-01-01-a.md": post.format(title="A", image="/assets/a.png"),
            "_posts/2024-01-02-b.md": post.format(title="B", image="{path: /assets/b.png}"),
            "_posts/2024-01-03-c.md": post.format(title="C", image="assets/c.png"),
            "_posts/2024-01-04-d.md": post.format(title="D", image="https://cdn.example/d.png"),
        }
    )
    images = {p.slug: p.image for p in load_posts(cfg).posts}
    assert images == {
        "a": "https://example.com/blog/assets/a.png",
        "b": "https://example.com/blog/assets/b.png",
        "c": "https://example.com/blog/assets/c.png",
        "d": "https://cdn.example/d.png",
    }


def test_a_jekyll_post_without_a_title_takes_jekylls_title_from_its_name(
    tmp_path: Path, runner, monkeypatch
) -> None:
    # Jekyll titles an untitled post from its file name ("Welcome To Jekyll"); feedkit
    # failed the whole build over it.
    (tmp_path / "content" / "_posts").mkdir(parents=True)
    posts = tmp_path / "content" / "_posts"
    (posts / "2024-01-01-welcome-to-jekyll.md").write_text(
        "---\nlayout: post\n---\n\nNo title here.\n", encoding="utf-8"
    )
    (posts / "2024-01-02-empty.md").write_text("---\n---\nEmpty front matter.\n", encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["build"], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "content/_posts/2024-01-01-welcome-to-jekyll.md:2: warning: no title; feeds show "
        "'Welcome To Jekyll': add 'title: …' to the front matter\n"
        "content/_posts/2024-01-02-empty.md:2: warning: no title; feeds show 'Empty': "
        "add 'title: …' to the front matter\n"
    )
    titles = [
        e.title for e in feedparser.parse((tmp_path / "public" / "atom.xml").read_bytes()).entries
    ]
    assert titles == ["Empty", "Welcome To Jekyll"]


def test_jekyll_categories_in_a_url_are_as_jekyll_writes_them(make_site: MakeSite) -> None:
    # Jekyll's :categories are the categories in lower case (a space is %20 in the URL);
    # only :slugified_categories are slugs. "Machine Learning" linked to a page Jekyll
    # never wrote (machine-learning/).
    post = "---\ntitle: T\ncategories: [Machine Learning, C++, machine learning]\n{}---\nText.\n"
    cfg = make_site(
        posts={
            "_config.yml": "permalink: /:categories/:title/\n",
            "_posts/2024-01-01-plain.md": post.format(""),
            "_posts/2024-01-02-slugs.md": post.format(
                "permalink: /:slugified_categories/:title/\n"
            ),
        }
    )
    urls = {p.slug: p.url for p in load_posts(cfg).posts}
    assert urls == {
        "plain": "https://example.com/blog/machine%20learning/c++/plain/",
        "slugs": "https://example.com/blog/machine-learning/c/slugs/",
    }


def test_jekyll_reads_only_dated_names_in_posts_and_single_digit_dates(
    make_site: MakeSite, runner, monkeypatch
) -> None:
    # Jekyll publishes from _posts/ only the files named YEAR-MONTH-DAY-title (month and
    # day may be one digit) and passes over the rest (a README, a template): feedkit
    # failed the whole build on them.
    post = "---\ntitle: {}\n---\nText.\n"
    cfg = make_site(
        posts={
            "_config.yml": "title: Site\n",
            "_posts/2020-1-5-single-digits.md": post.format("Single digits"),
            "_posts/README.md": "# Notes for me\n",
            "_posts/template.md": post.format("Template"),
        }
    )
    monkeypatch.setenv("FEEDKIT_NOW", "2026-01-01T00:00:00Z")
    result = runner.invoke(main, ["check", "--config", str(cfg.root / "feedkit.toml")])
    assert result.exit_code == 0, result.output
    reason = (
        "skipped: not a post: Jekyll publishes only the files in _posts/ named "
        "YEAR-MONTH-DAY-title (2024-05-01-title.md)"
    )
    assert f"content/_posts/README.md: {reason}" in result.stderr
    assert f"content/_posts/template.md: {reason}" in result.stderr
    (post_loaded,) = load_posts(cfg).posts
    assert post_loaded.published.date().isoformat() == "2020-01-05"
    assert post_loaded.url == "https://example.com/blog/2020/01/05/single-digits.html"


def test_jekyll_html_posts_are_posts_as_wordpress_imports_write_them(
    tmp_path: Path, runner, monkeypatch
) -> None:
    # jekyll-import writes a WordPress blog's posts as .html files in _posts/, which
    # Jekyll publishes (Liquid, no Markdown); feedkit passed over them without a word.
    shutil.copytree(FIXTURES / "jekyll-wordpress", tmp_path / "content")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    check = runner.invoke(main, ["check"], env=NOW_ENV)
    assert check.exit_code == 0, check.output
    assert "OK: 1 post: 1 published" in check.stdout and check.stderr == ""
    result = runner.invoke(main, ["build"], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    (entry,) = feedparser.parse((tmp_path / "public" / "atom.xml").read_bytes()).entries
    assert entry.title == "Hello world!"
    assert entry.author_detail.name == "Ada Admin"  # jekyll-import: {login, display_name}
    assert entry.summary == (
        "Welcome to WordPress. This is your first post, imported by jekyll-import."
    )
    html = entry.content[0].value
    assert "<strong>WordPress</strong>" in html
    assert 'src="https://example.com/wp-content/uploads/2012/03/photo.jpg"' in html
    assert "<pre>" not in html and "&lt;" not in html  # indented HTML is HTML, not code
    assert "Edit or delete it, then start blogging!" in html


def test_a_jekyll_posts_slug_and_name_make_the_url_and_id_jekyll_makes(
    make_site: MakeSite, runner
) -> None:
    # A front matter slug with a space was an error ("not a single URL path segment"),
    # though Jekyll slugifies it; a `%` in a file name stayed raw in jekyll-feed's ID, an
    # invalid URI. Links and IDs as Jekyll 4.3 with jekyll-feed wrote them.
    toml = 'title = "J"\nbase_url = "https://example.com/"\n[feed]\nids = "jekyll"\n'
    cfg = make_site(
        posts={
            "_config.yml": "title: J\n",
            "_posts/2024-02-01-whatever.md": '---\ntitle: Slugged\nslug: "My Slug_Here!"\n'
            "categories: Misc\n---\nA note[^1].\n\n[^1]: N.\n",
            "_posts/2024-01-08-100%-pure.md": "---\ntitle: Pure\n---\nB.\n",
        },
        toml=toml,
    )
    args = ["build", "--config", str(cfg.root / "feedkit.toml")]
    result = runner.invoke(main, args, env=NOW_ENV)
    assert result.exit_code == 0, result.output
    feed = feedparser.parse((cfg.root / "public" / "atom.xml").read_bytes())
    found = {e.title: (e.link, e.id) for e in feed.entries}
    assert found["Slugged"] == (
        "https://example.com/misc/2024/02/01/My-Slug_Here!.html",
        "https://example.com/misc/2024/02/01/My%20Slug_Here!",
    )
    # Its footnotes' anchors are ids and links with no space in them.
    (content,) = [e.content[0].value for e in feed.entries if e.title == "Slugged"]
    assert 'id="fn-My-Slug_Here!-1"' in content and "#fn-My-Slug_Here!-1" in content
    assert found["Pure"] == (
        "https://example.com/2024/01/08/100-pure.html",
        "https://example.com/2024/01/08/100%25-pure",
    )


def test_a_jekyll_sites_dates_are_read_in_its_config_timezone(make_site: MakeSite) -> None:
    toml = 'title = "J"\nbase_url = "https://example.com/"\n'
    cfg = make_site("layouts/jekyll", toml=toml)
    (cfg.content_path / "_config.yml").write_text("timezone: America/Los_Angeles\n")
    posts = {p.slug: p for p in load_posts(load_config(cfg.root / "feedkit.toml")).posts}
    # 2016-05-06-plain.md: midnight in Los Angeles, as Jekyll dates it.
    assert posts["plain"].published.isoformat() == "2016-05-06T00:00:00-07:00"
    assert posts["plain"].url == "https://example.com/jekyll/2016/05/06/plain.html"
    given = make_site("layouts/jekyll", toml=toml + 'timezone = "Asia/Tokyo"\n')
    posts = {p.slug: p for p in load_posts(given).posts}
    assert posts["plain"].published.isoformat() == "2016-05-06T00:00:00+09:00"


def test_a_jekyll_timezone_that_is_no_zone_is_said_with_its_file(make_site: MakeSite) -> None:
    cfg = make_site("layouts/jekyll", toml='title = "J"\nbase_url = "https://example.com/"\n')
    (cfg.content_path / "_config.yml").write_text("timezone: Mars/Olympus\n")
    with pytest.raises(ContentError) as info:
        load_posts(load_config(cfg.root / "feedkit.toml"))
    assert [str(p) for p in info.value.problems] == [
        "content/_config.yml: timezone: 'Mars/Olympus' is not a time zone name such as "
        "'Europe/Berlin'; set timezone in feedkit.toml instead"
    ]


def test_a_pelican_sites_posts_take_their_slug_from_the_title_as_pelican_does(
    make_site: MakeSite, runner
) -> None:
    # Pelican's SLUGIFY_SOURCE is "title": a post file's name is not its URL.
    toml = SITE_TOML.replace("\n[author]", '\npermalink = "/{year}/{slug}.html"\n[author]')
    toml = toml.replace("[feed]", '[feed]\nids = "pelican"')
    cfg = make_site(
        "layouts/pelican",
        posts={
            "2024/notes-one.md": "Title: Snake_case & <em>C++</em>: Café!\nDate: 2024-01-02\n\nA\n",
            "2024/2024-02-01-second.md": "Title: Second post\nDate: 2024-02-01\n\nB\n",
            # Titles repeat: each post keeps its own URL, as in Pelican.
            "2024/weekly-1.md": "Title: Weekly notes\nDate: 2024-03-01\n\nC\n",
            "2024/weekly-2.md": "Title: Weekly notes\nDate: 2025-03-01\n\nD\n",
        },
        toml=toml,
    )
    pelicanconf = cfg.root / "pelicanconf.py"
    pelicanconf.write_text("SITENAME = 'P'\n", encoding="utf-8")

    def urls() -> dict[str, str]:
        result = runner.invoke(
            main, ["build", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
        )
        assert result.exit_code == 0, result.output
        feed = feedparser.parse((cfg.root / "public" / "atom.xml").read_bytes())
        return {e.title: (e.link, e.id) for e in feed.entries}

    found = urls()
    assert sorted(
        e.link
        for e in feedparser.parse((cfg.root / "public" / "atom.xml").read_bytes()).entries
        if e.title == "Weekly notes"
    ) == [
        "https://example.com/blog/2024/weekly-notes.html",
        "https://example.com/blog/2025/weekly-notes.html",
    ]
    # Its title as Pelican's feeds show it, its tags taken out (its slug Pelican's of it).
    assert found["Snake_case & C++: Café!"] == (
        "https://example.com/blog/2024/snake_case-c-cafe.html",
        "tag:example.com,2024-01-02:/blog/2024/snake_case-c-cafe.html",
    )
    assert found["Second post"][0] == "https://example.com/blog/2024/second-post.html"
    assert found["My super title"][0] == "https://example.com/blog/2010/my-super-post.html"
    # SLUGIFY_SOURCE = "basename": the file's whole name, its date too, as Pelican 4.8 makes
    # it (this test said `second.html`, never checked against Pelican).
    pelicanconf.write_text("SLUGIFY_SOURCE = 'basename'\n", encoding="utf-8")
    assert urls()["Second post"][0] == "https://example.com/blog/2024/2024-02-01-second.html"


# A Pelican site's articles named by their files (SLUGIFY_SOURCE = 'basename'): Pelican makes
# the slug as of a title, `_` kept, lower case, accents dropped (tests/test_oracles.py checks).
PELICAN_BASENAMES = {
    "My_Post.md": "Title: One\nDate: 2024-01-01\n\nText.\n",
    "café-notes.md": "Title: Two\nDate: 2024-01-02\n\nText.\n",
    "with space.md": "Title: Three\nDate: 2024-01-03\n\nText.\n",
    "2024-01-04-dated.md": "Title: Four\nDate: 2024-01-04\n\nText.\n",  # its date kept
}
PELICAN_BASENAMES_CONF = "SITENAME = 'P'\nSLUGIFY_SOURCE = 'basename'\n"


def test_a_pelican_articles_slug_of_its_file_name_is_pelicans(make_site: MakeSite) -> None:
    # feedkit made `_` a `-` (my-post.html): another URL, and so another ID, than Pelican's.
    cfg = make_site(posts=PELICAN_BASENAMES)
    (cfg.root / "pelicanconf.py").write_text(PELICAN_BASENAMES_CONF, encoding="utf-8")
    slugs = {p.title: p.url.rstrip("/").rsplit("/", 1)[1] for p in load_posts(cfg).posts}
    assert slugs == {
        "One": "my_post",
        "Two": "cafe-notes",
        "Three": "with-space",
        "Four": "2024-01-04-dated",
    }


def test_jekyll_title_and_slug_placeholders_and_ids_are_jekylls_own(
    make_site: MakeSite, runner
) -> None:
    # Jekyll's :title keeps the name's case and its `+`, `.`, `@`…, and its letters; :slug
    # is lower case; jekyll-feed's ID ends in the name as written. feedkit gave every one
    # the lower-case ASCII slug: links to pages that do not exist, and new IDs.
    post = "---\ntitle: T{}\n{}---\nText.\n"
    cfg = make_site(
        posts={
            "_config.yml": "permalink: /:year/:title:output_ext\n",
            "_posts/2014-05-10-Hello-World.md": post.format(1, ""),
            "_posts/2014-05-11-c++-tips.md": post.format(2, ""),
            "_posts/2014-05-12-café-señor.md": post.format(3, ""),
            "_posts/2014-05-13-v1.0.md": post.format(4, "permalink: /:slug/\n"),
            "_posts/2014-05-14-x.md": post.format(5, "slug: Own_Slug.\n"),
            # Slugs with dots: Jekyll's URL makes each `..` a `/` and drops each `./`, and
            # jekyll-feed's ID is normalized (absolute_url): `..` and `.` are no segments.
            "_posts/2014-05-15-p6.md": post.format(6, 'slug: ".."\n'),
            "_posts/2014-05-16-p7.md": post.format(7, 'slug: "a..b"\n'),
            "_posts/2014-05-17-p8.md": post.format(8, 'slug: "../x"\n'),
            "_posts/2014-05-18-p9.md": post.format(9, 'slug: "./y"\n'),
            "_posts/2014-05-19-p10.md": post.format(10, 'slug: "a/../b"\n'),
        },
        toml=SITE_TOML.replace("[feed]", '[feed]\nids = "jekyll"'),
    )
    args = ["build", "--config", str(cfg.root / "feedkit.toml")]
    assert runner.invoke(main, args, env=NOW_ENV).exit_code == 0
    feed = feedparser.parse((cfg.root / "public" / "atom.xml").read_bytes())
    found = {e.title: (e.link, e.id) for e in feed.entries}
    base = "https://example.com/blog/"
    assert found == {
        "T1": (f"{base}2014/Hello-World.html", f"{base}2014/Hello-World"),
        "T2": (f"{base}2014/c++-tips.html", f"{base}2014/c++-tips"),
        "T3": (f"{base}2014/caf%C3%A9-se%C3%B1or.html", f"{base}2014/caf%C3%A9-se%C3%B1or"),
        "T4": (f"{base}v1-0/", f"{base}v1.0"),
        # As Jekyll 4.3.1 with jekyll-feed 0.17 wrote each (it had `2014/Own_Slug..html`, a
        # page Jekyll never wrote, and `2014/..` as an ID).
        "T5": (f"{base}2014/Own_Slug/html", f"{base}2014/Own_Slug/Own_Slug."),
        "T6": (f"{base}2014/.html", base),
        "T7": (f"{base}2014/a/b.html", f"{base}2014/a/a..b"),
        "T8": (f"{base}2014/-x.html", f"{base}x"),
        "T9": (f"{base}2014/.-y.html", f"{base}2014/y"),
        "T10": (f"{base}2014/a-/-b.html", f"{base}2014/a-/b"),
    }


def test_jekyll_front_matter_defaults_in_config_apply_to_posts(make_site: MakeSite, runner) -> None:
    # Chirpy's _config.yml gives its posts their URLs by defaults; feedkit used Jekyll's
    # default style instead, so every link and ID was one the blog never had.
    config_yml = """\
defaults:
  - scope: {path: "", type: posts}
    values:
      layout: post
      permalink: /posts/:title/
      author: {name: Mira Chen, email: mira@example.org}
  - scope: {path: _posts/news}
    values: {permalink: "/news/:year/:title/"}
  - scope: {path: "", type: pages}
    values: {permalink: /pages/:title/}
  - scope: {path: _posts}
    values: not a mapping
"""
    post = "---\ntitle: T{}\n{}---\nText.\n"
    cfg = make_site(
        posts={
            "_config.yml": config_yml,
            "_posts/2024-01-01-chirpy-post.md": post.format(1, ""),
            "_posts/news/2024-01-02-in-the-news.md": post.format(2, ""),
            "_posts/2024-01-03-own.md": post.format(3, "permalink: /own/\nauthor: Ben\n"),
        },
    )
    args = ["build", "--config", str(cfg.root / "feedkit.toml")]
    result = runner.invoke(main, args, env=NOW_ENV)
    assert result.exit_code == 0, result.output
    feed = feedparser.parse((cfg.root / "public" / "atom.xml").read_bytes())
    found = {e.title: (e.link, e.author) for e in feed.entries}
    base = "https://example.com/blog/"
    assert found == {
        "T1": (f"{base}posts/chirpy-post/", "Mira Chen (mira@example.org)"),
        "T2": (f"{base}news/2024/in-the-news/", "Mira Chen (mira@example.org)"),
        "T3": (f"{base}own/", "Ben"),
    }
    # A change to the defaults is followed by the next build.
    config = cfg.content_path / "_config.yml"
    config.write_text(config_yml.replace("/posts/:title/", "/blog/:title/"), encoding="utf-8")
    assert runner.invoke(main, args, env=NOW_ENV).exit_code == 0
    feed = feedparser.parse((cfg.root / "public" / "atom.xml").read_bytes())
    assert {e.title: e.link for e in feed.entries}["T1"] == f"{base}blog/chirpy-post/"


def test_a_pelican_sites_dates_are_read_in_its_pelicanconf_timezone(
    make_site: MakeSite, runner
) -> None:
    # pelican-quickstart writes TIMEZONE into pelicanconf.py; naive dates are in it. feedkit
    # read them in UTC, hours off, when feedkit.toml set no timezone.
    toml = 'title = "P"\nbase_url = "https://example.com/"\n'
    cfg = make_site(
        posts={"a.md": "Title: A\nDate: 2024-01-02 10:00\n\nText.\n"},
        toml=toml,
    )
    pelicanconf = cfg.root / "pelicanconf.py"
    pelicanconf.write_text("TIMEZONE = 'America/New_York'\n", encoding="utf-8")
    args = ["build", "--config", str(cfg.root / "feedkit.toml")]
    assert runner.invoke(main, args, env=NOW_ENV).exit_code == 0
    feed = feedparser.parse((cfg.root / "public" / "atom.xml").read_bytes())
    assert feed.entries[0].published == "2024-01-02T10:00:00-05:00"
    # feedkit.toml's own wins; a name that is no zone is said, naming the file.
    (cfg.root / "feedkit.toml").write_text(toml + 'timezone = "Asia/Tokyo"\n', encoding="utf-8")
    assert runner.invoke(main, args, env=NOW_ENV).exit_code == 0
    feed = feedparser.parse((cfg.root / "public" / "atom.xml").read_bytes())
    assert feed.entries[0].published == "2024-01-02T10:00:00+09:00"
    (cfg.root / "feedkit.toml").write_text(toml, encoding="utf-8")
    pelicanconf.write_text("TIMEZONE = 'Mars/Olympus'\n", encoding="utf-8")
    result = runner.invoke(main, args, env=NOW_ENV)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "pelicanconf.py: TIMEZONE: 'Mars/Olympus' is not a time zone name such as "
        "'Europe/Berlin'; set timezone in feedkit.toml instead\n"
    )


def test_a_pelicanconf_setting_assigned_twice_is_its_last(make_site: MakeSite, runner) -> None:
    # As when Python runs pelicanconf.py (feedkit reads it, never runs it): the first
    # TIMEZONE counted, hours off.
    cfg = make_site(
        posts={"a.md": "Title: A\nDate: 2024-01-02 10:00\n\nText.\n"},
        toml='title = "P"\nbase_url = "https://example.com/"\n',
    )
    (cfg.root / "pelicanconf.py").write_text(
        "TIMEZONE = 'UTC'\nSITENAME = 'P'\nTIMEZONE = 'America/New_York'\n", encoding="utf-8"
    )
    args = ["build", "--config", str(cfg.root / "feedkit.toml")]
    assert runner.invoke(main, args, env=NOW_ENV).exit_code == 0
    feed = feedparser.parse((cfg.root / "public" / "atom.xml").read_bytes())
    assert feed.entries[0].published == "2024-01-02T10:00:00-05:00"


def test_a_jekyll_posts_yaml_timestamp_without_a_zone_is_utc(make_site: MakeSite) -> None:
    # Ruby's YAML reads `2019-01-10 20:00:00` (unquoted, with its seconds) as UTC, and Jekyll
    # so: 04:00 the next day in Shanghai, in the URL too. Any other date without a zone is
    # the site's time (tests/test_oracles.py checks them with Jekyll).
    posts = {
        "_config.yml": "timezone: Asia/Shanghai\n",
        **{
            f"_posts/2019-01-10-{name}.md": f"---\ntitle: {name}\ndate: {written}\n---\nx\n"
            for name, written in [
                ("stamp", "2019-01-10 20:00:00"),
                ("minutes", "2019-01-10 20:00"),
                ("quoted", '"2019-01-10 20:00:00"'),
            ]
        },
    }
    toml = SITE_TOML.replace('timezone = "Europe/Berlin"\n', "")
    found = {
        p.slug: (p.url, p.published.isoformat())
        for p in load_posts(make_site(posts=posts, toml=toml)).posts
    }
    assert found == {
        "stamp": ("https://example.com/blog/2019/01/11/stamp.html", "2019-01-10T20:00:00+00:00"),
        "minutes": (
            "https://example.com/blog/2019/01/10/minutes.html",
            "2019-01-10T20:00:00+08:00",
        ),
        "quoted": ("https://example.com/blog/2019/01/10/quoted.html", "2019-01-10T20:00:00+08:00"),
    }


def test_a_jekyll_post_in_a_folder_jekyll_does_not_read_is_skipped(make_site: MakeSite) -> None:
    # Jekyll passes over a name that starts with `_` under _posts/ (posts kept aside in
    # _posts/_old/): feedkit published them, linking to pages the site does not have.
    posts = {
        "_config.yml": "title: J\n",
        "_posts/2018-01-05-live.md": "---\ntitle: Live\n---\nx\n",
        "_posts/_old/2018-01-04-aside.md": "---\ntitle: Aside\n---\nx\n",
        "_posts/notes/2018-01-03-kept.md": "---\ntitle: Kept\n---\nx\n",
    }
    loaded = load_posts(make_site(posts=posts))
    assert sorted(p.slug for p in loaded.posts) == ["kept", "live"]
    assert [str(s) for s in loaded.skipped if "_old" in str(s)] == [
        "content/_posts/_old/2018-01-04-aside.md: skipped: in _posts/…/_old/, a folder Jekyll "
        "does not read (its name starts with '_')"
    ]
