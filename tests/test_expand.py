"""Template syntax in posts: Jekyll's Liquid and Hugo's shortcodes are understood or warned
about at their line, and never reach readers as template text. Through `feedkit build` and
`feedkit check` on the repository's fixture sites (tests/fixtures/templates/)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main

from conftest import FIXTURES, NOW_ENV, ROOT, SITE_TOML

TEMPLATES = FIXTURES / "templates"


def jekyll_site(tmp_path: Path, toml: str = SITE_TOML) -> Path:
    """A Jekyll blog (with its _config.yml, _includes/, _posts/) as the content folder."""
    shutil.copytree(TEMPLATES / "jekyll", tmp_path / "content")
    (tmp_path / "feedkit.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def jekyll_post(tmp_path: Path, name: str, text: str) -> Path:
    """The Jekyll blog with one post of its own, `name` in _posts/, for its broken one."""
    site = jekyll_site(tmp_path)
    (site / "content" / "_posts" / "2024-02-01-broken.md").unlink()
    (site / "content" / "_posts" / name).write_text(text, encoding="utf-8")
    return site


def said_of(result: Result, name: str) -> list[str]:
    """Return the lines of a command's stderr about the file `name`."""
    return [line for line in result.stderr.splitlines(True) if name in line]


def hugo_site(tmp_path: Path, toml: str = SITE_TOML) -> Path:
    """A Hugo site: hugo.toml beside content/."""
    shutil.copytree(TEMPLATES / "hugo", tmp_path, dirs_exist_ok=True)
    (tmp_path / "feedkit.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def run(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--config", str(site / "feedkit.toml")], env=NOW_ENV)


def entry(site: Path, title: str) -> str:
    """Return the HTML of the Atom entry with this title, as a feed reader gets it (with
    `&#123;` read as the `{` it is)."""
    feed = feedparser.parse((site / "public" / "atom.xml").read_bytes())
    (found,) = [e for e in feed.entries if e.title == title]
    return str(found.content[0].value).replace("&#123;", "{")


JEKYLL_WARNINGS = (
    "content/_posts/2024-02-01-broken.md:4: warning: Liquid: unknown tag 'youtube'; left out\n"
    "content/_posts/2024-02-01-broken.md:6: warning: Liquid: unknown filter 'frobnicate'; "
    "left out\n"
    "content/_posts/2024-02-01-broken.md:8: warning: include: no file 'missing.html' in "
    "_includes/\n"
    "content/_posts/2024-02-01-broken.md:10: warning: post_url: no post "
    "'1999-01-01-nowhere' in _posts/\n"
    "content/_posts/2024-02-01-broken.md:12: warning: Liquid: page.no_such_key is undefined; "
    "left out\n"
    "content/_posts/2024-02-01-broken.md:14: warning: Liquid: expected '}}', found end of "
    "file; left out\n"
)


def test_jekyll_liquid_is_rendered_into_the_feed(tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    result = run(site, "build")
    assert result.exit_code == 0, result.output
    raw = (site / "public" / "atom.xml").read_bytes()
    assert b"{{" not in raw and b"{%" not in raw
    html = entry(site, "Liquid tour")
    # site.* from feedkit.toml over _config.yml, and _config.yml's own keys
    assert "Welcome to Example Blog; the code is at" in html
    assert 'href="https://github.com/example/fixture"' in html
    # assign, split, for, if
    assert "<p>Version 1.0</p>" in html and "<p>Version 2.0 (latest)</p>" in html
    # post_url, link (a collection's document), relative_url, absolute_url
    assert 'href="https://example.com/blog/2024/01/10/first-steps.html"' in html
    assert 'href="https://example.com/blog/docs/guide/"' in html
    assert 'src="https://example.com/blog/assets/logo.png"' in html
    assert 'href="https://example.com/blog/"' in html
    # highlight: a code block in its language, its text as written; raw: as written
    # Jekyll runs the Liquid in a highlight block: a raw block shows Liquid there.
    assert '<code class="language-ruby">puts "{{ not_liquid }}" if x # Liquid tour\n' in html
    assert "<code>{% post_url name %}</code>" in html
    # include with a parameter, page.* inside it
    assert "Note: Mind the gap (Liquid tour)" in html
    # capture; Jekyll's filters
    assert (
        "Hi from Liquid tour: hello-world, a &amp; b, [“liquid”, “jekyll”], "
        "2024-02-20T00:00:00+01:00."
    ) in html


def test_jekyll_liquid_not_understood_is_warned_at_its_line(tmp_path: Path) -> None:
    site = jekyll_site(tmp_path)
    result = run(site, "build")
    assert result.exit_code == 0, result.output
    assert result.stderr == JEKYLL_WARNINGS
    html = entry(site, "Broken templates")
    assert "<p>An unknown tag:</p>" in html
    assert "<p>An undefined variable:</p>" in html
    assert "Text after an unclosed tag:  oops" in html  # the rest of the post is kept
    assert "youtube" not in html and "frobnicate" not in html

    strict = run(site, "build", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr == (
        JEKYLL_WARNINGS + "error: 6 warning(s) and --strict is on; nothing was written\n"
    )


LIQUID_DOCS = """\
Embed a video with:

```liquid
{% include embed/video.html src='{URL}' %}
```

The tag `{% highlight %}` has no end here.

## Last section

Still here.
"""


def test_a_post_with_render_with_liquid_false_is_shown_as_written(tmp_path: Path) -> None:
    # Jekyll 4 runs no Liquid in a post whose front matter, or a default of _config.yml's,
    # says so: a post about Liquid (Chirpy's "Writing a New Post") lost all after its first
    # example, and its readers got warnings about tags that are only examples.
    site = jekyll_site(tmp_path)
    posts = site / "content" / "_posts"
    front = "---\ntitle: {}\nrender_with_liquid: false\n---\n"
    (posts / "2024-03-01-own.md").write_text(front.format("Own") + LIQUID_DOCS, encoding="utf-8")
    (posts / "docs").mkdir()
    (posts / "docs" / "2024-03-02-scoped.md").write_text(
        "---\ntitle: Scoped\n---\n" + LIQUID_DOCS, encoding="utf-8"
    )
    with (site / "content" / "_config.yml").open("a", encoding="utf-8") as config:
        config.write(
            "defaults:\n- scope: {path: _posts/docs}\n  values: {render_with_liquid: false}\n"
        )
    result = run(site, "build")
    assert result.exit_code == 0, result.output
    assert result.stderr == JEKYLL_WARNINGS  # the broken post's, none of these two
    for title in ("Own", "Scoped"):
        html = entry(site, title)
        assert "{% include embed/video.html src='{URL}' %}" in html
        assert "<code>{% highlight %}</code> has no end here." in html
        assert "<p>Still here.</p>" in html
    # The other posts of the site still get their Liquid.
    assert "Welcome to Example Blog; the code is at" in entry(site, "Liquid tour")


PAGE_KEYS_POST = """\
---
title: PDCurses
image: /assets/img/pdcurses.jpg
description: "A library identical to ncurses."
---
![{{ page.title }}]({{ page.image }} '{{ page.description }}')

{% include box.html width=410 n=3 name="quoted" %}
"""
BOX = "<p>Width is [{{ include.width }}], count [{{ include.n }}], name [{{ include.name }}].</p>\n"


def test_liquid_reads_the_keys_feedkit_reads_itself_and_literal_parameters(
    tmp_path: Path,
) -> None:
    # `page.image` and `page.description` were undefined (feedkit keeps them only as it
    # reads them): a real post's lead image became a broken one. An include's unquoted
    # number (`width=410`) was looked up as a variable, and came out empty.
    site = jekyll_site(tmp_path)
    (site / "content" / "_includes" / "box.html").write_text(BOX, encoding="utf-8")
    (site / "content" / "_posts" / "2024-03-01-pd.md").write_text(PAGE_KEYS_POST, "utf-8")
    result = run(site, "build")
    assert result.exit_code == 0, result.output
    assert result.stderr == JEKYLL_WARNINGS  # the broken post's, none of this one
    html = entry(site, "PDCurses")
    assert (
        '<img alt="PDCurses" src="https://example.com/assets/img/pdcurses.jpg" '
        'title="A library identical to ncurses." />'
    ) in html
    assert "<p>Width is [410], count [3], name [quoted].</p>" in html


DATA_POST = (
    "---\ntitle: Data\n---\nVersion {{ site.data.product.version }} of "
    '{{ site.data.product.name }}; k {{ site.data.nums.k | join: "," }}; '
    "{% for p in site.data.people %}{{ p.name }}={{ p.role }} {% endfor %}"
    "lead {{ site.data.team.info.lead }}.\n"
)
DATA_FILES = {
    "_data/product.yml": 'version: "2.1"\nname: Roach\n',
    "_data/nums.json": '{"k": [1, 2]}',
    "_data/people.csv": "name,role\nAda,lead\nBo,dev\n",
    "_data/team/info.yml": "lead: Cy\n",
}


def test_jekyll_site_data_is_the_data_folders_files(tmp_path: Path) -> None:
    # `site.data` was undefined: every `{{ site.data.* }}` left a hole in the sentence.
    site = jekyll_site(tmp_path)
    for name, text in {**DATA_FILES, "_posts/2024-03-02-data.md": DATA_POST}.items():
        (site / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "content" / name).write_text(text, encoding="utf-8")
    result = run(site, "build")
    assert result.exit_code == 0, result.output
    assert result.stderr == JEKYLL_WARNINGS  # the broken post's, none of this one
    assert "Version 2.1 of Roach; k 1,2; Ada=lead Bo=dev lead Cy." in entry(site, "Data")
    # A change there renders the post again.
    (site / "content" / "_data" / "team" / "info.yml").write_text("lead: Di\n", "utf-8")
    assert run(site, "build").exit_code == 0
    assert "lead Di." in entry(site, "Data")


def test_jekyll_site_author_is_the_config_ymls_as_written(tmp_path: Path) -> None:
    # `author: Jane Doe` in _config.yml: `{{ site.author }}` showed a mapping of feedkit's.
    site = jekyll_site(tmp_path)
    with (site / "content" / "_config.yml").open("a", encoding="utf-8") as config:
        config.write("author: Jane Doe\n")
    post = "---\ntitle: Signed\n---\nWritten by {{ site.author }}.\n"
    (site / "content" / "_posts" / "2024-03-03-signed.md").write_text(post, encoding="utf-8")
    assert run(site, "build").exit_code == 0
    assert "<p>Written by Jane Doe.</p>" in entry(site, "Signed")


def test_jekyll_post_url_and_link_give_the_path_on_the_site(tmp_path: Path) -> None:
    # As Jekyll 4's do (its relative_url): after `{{ site.url }}` the host came twice.
    site = jekyll_site(tmp_path)
    post = (
        "---\ntitle: Linked\n---\n[A]({{ site.url }}{% post_url 2024-01-10-first-steps %}), "
        "[B]({{ site.url }}{% link _docs/guide.md %}).\n"
    )
    (site / "content" / "_posts" / "2024-03-04-linked.md").write_text(post, encoding="utf-8")
    assert run(site, "build").exit_code == 0
    html = entry(site, "Linked")
    assert '<a href="https://example.com/blog/2024/01/10/first-steps.html">A</a>' in html
    assert '<a href="https://example.com/blog/docs/guide/">B</a>' in html


def test_jekyll_post_url_finds_posts_in_folders_as_jekyll_does(tmp_path: Path) -> None:
    # `_posts/notes/…` is `notes/…` (with or without a leading slash), `cat/_posts/…` is
    # `cat/…` or the file's name: feedkit found none of them, warned, and linked the post
    # to itself (vespa-engine/blog's newsletters).
    site = jekyll_site(tmp_path)
    posts = site / "content" / "_posts"
    (posts / "notes").mkdir()
    (posts / "notes" / "2024-01-05-sub.md").write_text("---\ntitle: Sub\n---\nS.\n", "utf-8")
    (site / "content" / "cat" / "_posts").mkdir(parents=True)
    cat = site / "content" / "cat" / "_posts" / "2024-01-06-in-cat.md"
    cat.write_text("---\ntitle: In cat\n---\nC.\n", "utf-8")
    post = (
        "---\ntitle: Linked\n---\n[A]({% post_url /notes/2024-01-05-sub %}), "
        "[B]({% post_url notes/2024-01-05-sub %}), [C]({% post_url cat/2024-01-06-in-cat %}), "
        "[D]({% post_url 2024-01-06-in-cat %}).\n"
    )
    (posts / "2024-03-04-linked.md").write_text(post, encoding="utf-8")
    result = run(site, "build")
    assert result.exit_code == 0 and "linked.md" not in result.stderr, result.stderr
    html = entry(site, "Linked")
    sub = "https://example.com/blog/2024/01/05/sub.html"  # _posts/ folders are no category
    in_cat = "https://example.com/blog/cat/2024/01/06/in-cat.html"
    for label, url in (("A", sub), ("B", sub), ("C", in_cat), ("D", in_cat)):
        assert f'<a href="{url}">{label}</a>' in html


def test_check_warns_about_templates_in_every_post(tmp_path: Path) -> None:
    # One entry a feed: the broken post is not in it, check reads it all the same.
    site = jekyll_site(tmp_path, SITE_TOML.replace("[feed]", "[feed]\nlimit = 1"))
    result = run(site, "check")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(JEKYLL_WARNINGS)
    assert run(site, "check", "--strict").exit_code == 1


HUGO_WARNINGS = (
    "content/posts/unknown.md:5: warning: unknown shortcode 'mystery'; left out\n"
    "content/posts/unknown.md:7: warning: unknown shortcode 'sidebar'; left out, its inner "
    "content kept\n"
    "content/posts/unknown.md:11: warning: ref: no post 'no-such-post' in the content folder\n"
    "content/posts/unknown.md:15: warning: demo.inline: an inline shortcode's Go template is "
    "not run; its actions are left out\n"
)


def test_hugo_shortcodes_are_rendered_into_the_feed(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    result = run(site, "build")
    assert result.exit_code == 0, result.output
    assert result.stderr == HUGO_WARNINGS
    raw = (site / "public" / "atom.xml").read_bytes()
    assert b"{{<" not in raw and b"{{%" not in raw and b"{{" not in raw
    html = entry(site, "Every shortcode")
    assert (
        '<figure><img alt="A cat" src="https://example.com/blog/images/cat.jpg" />'
        "<figcaption><p>The cat</p></figcaption></figure>"
    ) in html
    assert '<a href="https://www.youtube.com/watch?v=hjD9jTi_DQ4">' in html
    assert '<a href="https://vimeo.com/152985022">' in html
    assert 'href="https://example.com/blog/posts/first/"' in html  # the post's URL
    assert 'href="https://example.com/blog/posts/bundle/"' in html
    assert 'href="https://example.com/blog/posts/first/#top"' in html  # from the post's folder
    assert '<code class="language-go">fmt.Println("{{ .Title }}")' in html
    assert '<a href="https://gist.github.com/spf13/7896402">' in html
    assert '<a href="https://x.com/GoHugoIO/status/1315233626070503424">' in html
    assert '<a href="https://x.com/GoHugoIO/status/1305090583917203457">' in html
    assert '<a href="https://www.instagram.com/p/BWNjjyYFxVx/">' in html
    assert 'Inline <img alt="" height="14" src="https://example.com/blog/logo.png" /> image' in html
    assert '<a href="https://example.org/a.ogg">Liftoff</a>' in html
    assert '<a href="https://example.org/v.webm">Video</a>' in html
    assert "Hidden <em>details</em>" in html
    # feedparser's own sanitiser drops <details>: read the JSON Feed for it.
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    (shortcodes,) = [item for item in items if item["title"] == "Every shortcode"]
    assert "<details><summary>More</summary>\n<p>Hidden" in shortcodes["content_html"]
    # The escape shows the shortcode itself, as text.
    assert '<code class="language-md">{{&lt; figure src="cat.jpg" &gt;}}' in html

    unknown = entry(site, "Unknown shortcodes")
    assert "<p>Self-closing:</p>" in unknown and "Kept inner text." in unknown
    assert "mystery" not in unknown and "sidebar" not in unknown
    assert "<p>Inline HTML kept.</p>" in unknown and "demo" not in unknown

    assert run(site, "build", "--strict").exit_code == 1


def test_a_plain_site_shows_liquid_like_text_as_written(tmp_path: Path) -> None:
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "jinja.md").write_text(
        "---\ntitle: Jinja\ndate: 2024-01-01\n---\nWrite `{{ name }}` and `{% if x %}`.\n",
        encoding="utf-8",
    )
    result = run(tmp_path, "build", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    html = entry(tmp_path, "Jinja")
    assert "<code>{{ name }}</code> and <code>{% if x %}</code>" in html


@pytest.mark.parametrize("site_of", [jekyll_site, hugo_site])
def test_template_warnings_stay_on_a_build_from_the_cache(tmp_path: Path, site_of) -> None:
    site = site_of(tmp_path)
    first = run(site, "build")
    again = run(site, "build")
    assert again.exit_code == 0
    assert again.stderr == first.stderr != ""
    assert run(site, "build", "--strict").exit_code == 1


def settle(site: Path) -> None:
    """Make the content's files look written a while ago: the build cache trusts only
    settled files."""
    for path in (site / "content").rglob("*"):
        if path.is_file():
            st = path.stat()
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60 * 1_000_000_000))


def test_the_render_cache_sees_a_change_to_what_templates_read(tmp_path: Path) -> None:
    # One entry a feed (the tour): the post it links to is no feed entry, so only what the
    # tour's templates read tells the cache that the tour must be rendered again.
    site = jekyll_site(tmp_path, SITE_TOML.replace("[feed]", "[feed]\nlimit = 1"))
    content = site / "content"
    settle(site)
    assert run(site, "build").exit_code == 0
    assert "Note: Mind the gap" in entry(site, "Liquid tour")

    (content / "_includes" / "note.html").write_text("<p>Changed: {{ include.text }}</p>\n")
    assert run(site, "build").exit_code == 0
    assert "Changed: Mind the gap" in entry(site, "Liquid tour")
    settle(site)

    config = content / "_config.yml"
    config.write_text(config.read_text().replace("example/fixture", "example/moved"))
    assert run(site, "build").exit_code == 0
    assert 'href="https://github.com/example/moved"' in entry(site, "Liquid tour")
    settle(site)

    assert run(site, "build").exit_code == 0  # the cache now knows every file as it is
    assert "up to date" in run(site, "build").stdout

    first = content / "_posts" / "2024-01-10-first-steps.md"
    first.write_text(first.read_text().replace("title: First steps", "title: First\nslug: one"))
    assert run(site, "build").exit_code == 0
    assert 'href="https://example.com/blog/2024/01/10/one.html"' in entry(site, "Liquid tour")


VALIDATE = ROOT.parent / "shared" / "tools" / "validate-feed"


def w3c_verdicts(site: Path, base_url: str) -> dict[str, str]:
    """Return the W3C validator's report of every Atom and RSS feed with a problem."""
    found = {}
    for path in sorted((site / "public").rglob("*.xml")):
        url = base_url + path.relative_to(site / "public").as_posix()
        done = subprocess.run(
            [sys.executable, str(VALIDATE), str(path), url], capture_output=True, text=True
        )
        if done.returncode != 0:
            found[url] = done.stdout + done.stderr
    return found


@pytest.mark.skipif(not VALIDATE.is_file(), reason="../shared/tools is absent")
@pytest.mark.parametrize("site_of", [jekyll_site, hugo_site])
def test_template_fixture_feeds_pass_the_w3c_validator(tmp_path: Path, site_of) -> None:
    site = site_of(tmp_path)
    assert run(site, "build").exit_code == 0
    assert w3c_verdicts(site, "https://example.com/blog/") == {}


def test_the_digest_summarises_the_expanded_post(tmp_path: Path) -> None:
    site = jekyll_post(
        tmp_path,
        "2024-02-20-liquid-tour.md",
        "---\ntitle: Liquid tour\n---\n"
        "Welcome to {{ site.title }}: start with {% post_url 2024-01-10-first-steps %}.\n",
    )
    (site / "feedkit.toml").write_text(
        SITE_TOML + '\n[digest]\nfrom = "Ada Quill <ada@example.org>"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(
        main, ["preview", "--text", "--config", str(site / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    # post_url gives the post's path on the site, its baseurl in it, as in Jekyll 4
    assert "Welcome to Example Blog: start with /blog/2024/01/10/first-steps.html.\n" in (
        result.stdout
    )


def test_jekyll_posts_dropped_into_a_plain_folder_get_liquid(tmp_path: Path) -> None:
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    posts = tmp_path / "content"
    shutil.copytree(TEMPLATES / "jekyll" / "_posts", posts)
    (posts / "2024-02-01-broken.md").unlink()
    result = run(tmp_path, "build")
    assert result.exit_code == 0, result.output
    # No _config.yml, _includes/ or _docs/ came along: said, at their lines.
    assert result.stderr == (
        "content/2024-02-20-liquid-tour.md:6: warning: Liquid: site.repository is undefined; "
        "left out\n"
        "content/2024-02-20-liquid-tour.md:13: warning: link: _docs/guide.md does not exist "
        "(Jekyll's build fails at it); feeds link https://example.com/blog/_docs/guide.html\n"
        "content/2024-02-20-liquid-tour.md:23: warning: include: no file 'note.html' in "
        "_includes/\n"
    )
    html = entry(tmp_path, "Liquid tour")
    assert 'href="https://example.com/blog/2024/01/first-steps/"' in html
    assert '<code class="language-ruby">puts "{{ not_liquid }}"' in html


def test_a_broken_config_yml_stops_the_build_and_check_at_its_line(tmp_path: Path) -> None:
    # Read as empty, it gave every post Jekyll's default URL and converter, said only as a
    # warning from a post that used Liquid. Jekyll builds nothing with it either.
    site = jekyll_site(tmp_path)
    assert run(site, "build").exit_code == 0
    public = site / "public"
    before = {path: path.read_bytes() for path in public.rglob("*") if path.is_file()}
    (site / "content" / "_config.yml").write_text("title: ok\nrepository: [unclosed\n")
    for command in ("build", "check"):
        result = run(site, command)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(
            "content/_config.yml:3: cannot be read (did not find expected ',' or ']')\n"
        )
    after = {path: path.read_bytes() for path in public.rglob("*") if path.is_file()}
    assert after == before


def test_a_loop_over_something_undefined_is_warned_not_silently_empty(tmp_path: Path) -> None:
    # A year-in-review post lists `site.posts`, which feedkit does not give: its list was
    # left out of the feed without a word.
    shutil.copytree(FIXTURES / "jekyll-loops", tmp_path / "content")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    result = run(tmp_path, "check")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "content/_posts/2024-01-02-year-in-review.md:6: warning: Liquid: site.posts is "
        "undefined; left out\n"
    )
    assert run(tmp_path, "build", "--strict").exit_code == 1


def test_markdownify_gives_html_inside_an_html_element(tmp_path: Path) -> None:
    # Minimal Mistakes' notices: a captured Markdown text, markdownified into a <div>.
    # markdownify gave the Markdown back, and in HTML it stayed as written (#### New…).
    post = (
        "---\ntitle: Notice\n---\n"
        "{% capture notice-2 %}\n#### New Site Features\n\n* Cover images\n"
        "* Drafts auto-save\n{% endcapture %}\n\n"
        '<div class="notice">{{ notice-2 | markdownify }}</div>\n'
    )
    (tmp_path / "content" / "_posts").mkdir(parents=True)
    (tmp_path / "content" / "_posts" / "2024-05-05-notice.md").write_text(post, encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    result = run(tmp_path, "build")
    assert result.exit_code == 0, result.output
    html = entry(tmp_path, "Notice")
    assert '<div class="notice"><h4>New Site Features</h4>' in html
    assert "<li>Cover images</li>" in html and "####" not in html


def test_markdownify_reads_markdown_with_the_sites_typographer(tmp_path: Path) -> None:
    # Jekyll's markdownify is the site's converter: kramdown, whose smart quotes are on
    # unless _config.yml turns them straight. The post's own text is typographed too.
    post = (
        "---\ntitle: Notice\n---\n"
        '{% capture note %}It\'s "done" -- almost...{% endcapture %}\n'
        '<div class="notice">{{ note | markdownify }}</div>\n\n'
        'Outside: "done".\n'
    )
    (tmp_path / "content" / "_posts").mkdir(parents=True)
    (tmp_path / "content" / "_posts" / "2024-05-05-notice.md").write_text(post, encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content" / "_config.yml").write_text("title: T\n", encoding="utf-8")
    assert run(tmp_path, "build").exit_code == 0
    html = entry(tmp_path, "Notice")
    assert '<div class="notice"><p>It’s “done” – almost…</p>' in html
    assert "<p>Outside: “done”.</p>" in html
    straight = "title: T\nkramdown:\n  smart_quotes: apos,apos,quot,quot\n"
    (tmp_path / "content" / "_config.yml").write_text(straight, encoding="utf-8")
    assert run(tmp_path, "build").exit_code == 0
    assert '<div class="notice"><p>It\'s "done"' in entry(tmp_path, "Notice")


def test_markdownify_outside_a_jekyll_site_reads_as_the_post_does(tmp_path: Path) -> None:
    # A post copied from Jekyll into a plain folder (its name and `{%` tags get it Liquid):
    # the site is no Jekyll site, its posts keep their straight quotes, and so does the
    # Markdown a template of the post turns into HTML.
    post = (
        "---\ntitle: Notice\ndate: 2024-05-05\n---\n"
        '{% capture note %}It\'s "done" -- almost...{% endcapture %}\n'
        '<div class="notice">{{ note | markdownify }}</div>\n\n'
        'Outside: "done".\n'
    )
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "2024-05-05-notice.md").write_text(post, encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    assert run(tmp_path, "build").exit_code == 0
    html = entry(tmp_path, "Notice")
    assert '<p>Outside: "done".</p>' in html
    assert '<div class="notice"><p>It\'s "done" -- almost...</p>' in html


def test_warnings_name_the_right_line_after_a_blank_line_below_front_matter(
    tmp_path: Path,
) -> None:
    # Real posts leave a blank line after the closing `---`: every warning was a line early.
    post = (
        "---\ntitle: A\n---\n\n"
        "Line five {{ page.nope }}\n\n"
        "Line seven {: .stray}\n\n"
        "Line nine $\\foo$\n"
    )
    (tmp_path / "content" / "_posts").mkdir(parents=True)
    (tmp_path / "content" / "_posts" / "2024-01-01-a.md").write_text(post, encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    for command in ("check", "build"):
        result = run(tmp_path, command)
        assert result.exit_code == 0, result.output
        lines = [line.split(": warning: ")[0] for line in result.stderr.splitlines()]
        assert lines == [
            "content/_posts/2024-01-01-a.md:5",
            "content/_posts/2024-01-01-a.md:7",
            "content/_posts/2024-01-01-a.md:9",
        ], result.stderr


@pytest.mark.parametrize(
    ("config_yml", "front_matter"),
    [
        ("excerpt_separator: <!-- excerpt-end -->\n", ""),
        ("title: Site\n", 'excerpt_separator: "<!-- excerpt-end -->"\n'),
    ],
)
def test_jekyll_excerpt_separator_ends_the_summary(
    tmp_path: Path, config_yml: str, front_matter: str
) -> None:
    # jekyll-feed's summary is the excerpt: the text before the site's or the post's
    # excerpt_separator. The summary ran on past it.
    post = (
        f"---\ntitle: Year\n{front_matter}---\n\nAnother year. The posts I liked:\n\n"
        "<!-- excerpt-end -->\n\nThings I read: many books.\n"
    )
    (tmp_path / "content" / "_posts").mkdir(parents=True)
    (tmp_path / "content" / "_config.yml").write_text(config_yml, encoding="utf-8")
    (tmp_path / "content" / "_posts" / "2024-01-02-year.md").write_text(post, encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    result = run(tmp_path, "build")
    assert result.exit_code == 0, result.output
    (item,) = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    assert item["summary"] == "Another year. The posts I liked:"
    assert "Things I read: many books." in item["content_html"]


def test_jekyll_excerpt_separator_of_a_blank_line_ends_the_summary_at_the_first(
    tmp_path: Path,
) -> None:
    # `excerpt_separator: "\n\n"`: the excerpt is the first paragraph; feedkit ran on to the
    # `<!--more-->` below, as if no separator were set.
    post = "---\ntitle: More\n---\n\nFirst paragraph.\n\nSecond.\n\n<!--more-->\n\nAfter.\n"
    (tmp_path / "content" / "_posts").mkdir(parents=True)
    (tmp_path / "content" / "_posts" / "2024-01-02-more.md").write_text(post, encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    for config_yml, summary in [
        ('excerpt_separator: "\\n\\n"\n', "First paragraph."),
        ("title: Site\n", "First paragraph. Second."),  # feedkit's own: up to <!--more-->
    ]:
        (tmp_path / "content" / "_config.yml").write_text(config_yml, encoding="utf-8")
        result = run(tmp_path, "build")
        assert result.exit_code == 0, result.output
        (item,) = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
        assert item["summary"] == summary
        assert "Second." in item["content_html"] and "After." in item["content_html"]


def test_jekyll_gist_tag_becomes_a_link_to_the_gist(tmp_path: Path) -> None:
    # jekyll-gist's {% gist %}: the page embeds the gist; feeds show embeds as links.
    post = (
        "---\ntitle: Gists\n---\n\n"
        "{% gist parkr/c08ee0f2726fd0e3909d test.md %}\n\n"
        "{% gist 931c1c8d465a04042403 %}\n"
    )
    (tmp_path / "content" / "_posts").mkdir(parents=True)
    (tmp_path / "content" / "_posts" / "2024-01-03-gists.md").write_text(post, encoding="utf-8")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    result = run(tmp_path, "build")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    html = entry(tmp_path, "Gists")
    assert (
        '<a href="https://gist.github.com/parkr/c08ee0f2726fd0e3909d#file-test-md">Gist test.md</a>'
    ) in html
    assert (
        '<a href="https://gist.github.com/931c1c8d465a04042403">Gist 931c1c8d465a04042403</a>'
        in (html)
    )


PELICAN_TOML = SITE_TOML.replace(
    "\n[author]", 'permalink = "/{year}/{month}/{slug}.html"\n\n[author]'
).replace("[feed]", '[feed]\nids = "pelican"')


def test_pelicans_filename_static_and_attach_links_are_the_urls_they_name(
    tmp_path: Path,
) -> None:
    shutil.copytree(TEMPLATES / "pelican", tmp_path, dirs_exist_ok=True)
    (tmp_path / "feedkit.toml").write_text(PELICAN_TOML, encoding="utf-8")
    result = run(tmp_path, "build")
    assert result.exit_code == 0, result.output
    missing = (
        "content/2024/links.md:17: warning: {filename}/2023/missing.md: no such file in the "
        "content folder; left out\n"
        "content/2024/links.md:17: warning: {static}//etc/hostname: no such file in the "
        "content folder; left out\n"
    )
    assert result.stderr == missing
    html = entry(tmp_path, "Links between posts")
    earlier = "https://example.com/blog/2023/05/earlier.html"
    assert f'<a href="{earlier}#part-two">the earlier post</a>' in html
    assert f'<a href="{earlier}">from here</a>' in html
    assert f'<a href="{earlier}">the old way</a>' in html
    assert f'<a href="{earlier}">by reference</a>' in html
    assert 'src="https://example.com/blog/images/chart.png"' in html
    assert 'src="https://example.com/blog/2024/03/photo.jpg"' in html
    assert "<code>[x]({filename}/2023/earlier.md)</code>" in html  # code is as written
    # Tags, categories and authors at Pelican's URLs for them (TAG_URL from pelicanconf.py)
    assert '<a href="https://example.com/blog/tags/python/">Python</a>' in html
    assert '<a href="https://example.com/blog/category/notes.html">notes</a>' in html
    assert '<a href="https://example.com/blog/author/ada.html">Ada</a>' in html
    assert '<a href="https://example.com/blog/index.html">the front page</a>' in html
    assert "filename}/2023/missing" not in html and "%7B" not in html and "/etc/" not in html
    # Left out: the text stays, a link to nothing (it was a link to the post itself).
    assert "A link to <a>nothing</a>, <a>nowhere</a>." in html
    assert run(tmp_path, "check").stderr.endswith(missing)


def test_a_pelican_link_to_a_draft_is_where_pelican_writes_drafts(tmp_path: Path) -> None:
    # Pelican writes a draft at its DRAFT_URL (drafts/{slug}.html): the link went to the URL
    # the article would have, a page that does not exist.
    (tmp_path / "feedkit.toml").write_text(PELICAN_TOML, encoding="utf-8")
    (tmp_path / "pelicanconf.py").write_text("SITENAME = 'P'\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text(
        "Title: Published\nDate: 2024-04-27\n\nSee [the draft]({filename}b.md).\n", "utf-8"
    )
    (tmp_path / "content" / "b.md").write_text(
        "Title: Draft Post\nDate: 2024-04-27\nStatus: draft\n\nNot yet.\n", "utf-8"
    )
    result = run(tmp_path, "build")
    assert result.exit_code == 0, result.output
    assert '<a href="https://example.com/blog/drafts/draft-post.html">the draft</a>' in entry(
        tmp_path, "Published"
    )
    (tmp_path / "pelicanconf.py").write_text(
        "SITENAME = 'P'\nDRAFT_URL = 'wip/{slug}/'\n", encoding="utf-8"
    )
    assert run(tmp_path, "build").exit_code == 0
    assert 'href="https://example.com/blog/wip/draft-post/"' in entry(tmp_path, "Published")


def test_a_pelican_link_no_file_or_page_can_have_is_said_not_a_traceback(
    tmp_path: Path,
) -> None:
    # A TAG_URL with an attribute or item of {slug} (which Pelican cannot fill in either),
    # and a `{static}` name over 255 bytes (no file name can be that long), stopped build
    # and check with a traceback. The tag's link is at Pelican's own TAG_URL; the file is
    # none, said at its line.
    (tmp_path / "feedkit.toml").write_text(PELICAN_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text(
        "Title: Odd links\nDate: 2024-04-27\n\n"
        f"Under [Python]({{tag}}Python), ![chart]({{static}}{'a' * 256}.png).\n",
        "utf-8",
    )
    for pattern in ("tags/{slug.x}.html", "tags/{slug[a]}.html"):
        (tmp_path / "pelicanconf.py").write_text(f"TAG_URL = {pattern!r}\n", "utf-8")
        for command in ("build", "check"):
            result = run(tmp_path, command)
            assert result.exit_code == 0, result.output
            assert result.stderr == (
                f"content/a.md:4: warning: {{static}}{'a' * 256}.png: no such file in the "
                "content folder; left out\n"
            )
        html = entry(tmp_path, "Odd links")
        assert '<a href="https://example.com/blog/tag/python.html">Python</a>' in html
        assert "aaaa" not in html and "{static}" not in html


def test_pelicans_links_are_looked_for_on_a_pelican_site_only(tmp_path: Path) -> None:
    """Without pelicanconf.py beside the content folder no body is searched for them (the
    search took 6 % of a `feedkit check`), and `{filename}` is text like any other."""
    shutil.copytree(TEMPLATES / "pelican", tmp_path, dirs_exist_ok=True)
    (tmp_path / "pelicanconf.py").unlink()
    (tmp_path / "feedkit.toml").write_text(PELICAN_TOML, encoding="utf-8")
    result = run(tmp_path, "build")
    assert result.exit_code == 0, result.output
    assert "{filename}" not in result.stderr
    html = entry(tmp_path, "Links between posts")
    assert "earlier.html" not in html and "%7Bfilename%7D/2023/earlier.md" in html


def test_an_undefined_variable_given_to_a_filter_is_said_as_when_it_is_shown(
    tmp_path: Path,
) -> None:
    # `{{ site.time }}` (the time Jekyll builds, which feedkit's feeds do not follow) is said
    # and left out; given to a filter it was left out unsaid (`date` made nothing of it,
    # `size` 0 of `site.posts`, which Jekyll counts). Said once however often it is shown;
    # a defined value and `default` are as before.
    site = jekyll_post(
        tmp_path,
        "2024-03-01-dates.md",
        "---\ntitle: Dates\n---\n"
        'Built {{ site.time | date: "%Y" }}, of {{ site.posts | size }}.\n'
        'Written {{ page.date | date: "%Y-%m" }}, {{ page.nope | default: "by hand" }}.\n'
        "{% for i in (1..3) %}{{ site.nope }}{% endfor %}\n",
    )
    said = "content/_posts/2024-03-01-dates.md:{}: warning: Liquid: {} is undefined; left out\n"
    for command in ("build", "check"):
        result = run(site, command)
        assert result.exit_code == 0, result.output
        about = said_of(result, "dates.md")
        assert about == [
            said.format(4, "site.time"),
            said.format(4, "site.posts"),
            said.format(6, "site.nope"),
        ]
    assert "<p>Built , of 0.\nWritten 2024-03, by hand.</p>" in entry(site, "Dates")


def test_liquid_dates_are_the_posts_in_the_sites_zone_and_never_the_builds_time(
    tmp_path: Path,
) -> None:
    # `{{ "now" | date: "%Y" }}` showed the wall clock (not even FEEDKIT_NOW): the post then
    # changed at every build, and a cached build differed from `--no-cache`. It is said and
    # left out, as `site.time` is. Jekyll's date filters given a text (`"2020-01-02" |
    # date_to_rfc822`) stopped the build with a traceback; they read it as Jekyll does, in
    # the site's zone (feedkit.toml: Europe/Berlin), with Jekyll's `ordinal` form; a text without
    # its year ("May 3", which Ruby reads in the year of the build) is said too. An error
    # of Python's in a filter or a tag (python-liquid's `modulo: 0` on a decimal, a `for`
    # with `limit: -1`) stopped it too: said at its line and left out.
    site = jekyll_post(
        tmp_path,
        "2024-03-01-dates.md",
        "---\ntitle: Dates\n---\n"
        'Built in {{ "now" | date: "%Y" }}{{ "Today" | date_to_string }}.\n'
        '{{ "2020-01-02" | date_to_rfc822 }}; {{ "2020-01-02T10:00:00+05:00" | '
        'date_to_xmlschema }}; {{ 0 | date: "%s %H:%M %z" }}.\n'
        '{{ page.date | date_to_string: "ordinal", "US" }}, '
        '{{ page.date | date_to_long_string: "ordinal" }}, {{ "May 3" | date: "%Y" }}.\n'
        '{{ "abc" | date_to_string }}{{ 1.5 | modulo: 0 }}|'
        "{% for tag in page.tags limit: -1 %}{{ tag }}{% endfor %}|\n",
    )
    where = "content/_posts/2024-03-01-dates.md:{}: warning: Liquid: {}; left out\n"
    build = '"{}" is the time of the build, which would change the post at every build'
    said = [
        where.format(4, "date: " + build.format("now")),
        where.format(4, "date_to_string: " + build.format("Today")),
        where.format(6, 'date: "May 3" is not a whole date; the day of the build would fill it in'),
        where.format(7, 'date_to_string: "abc" is not a date'),
        where.format(7, "modulo: cannot take 1.5"),
        where.format(
            7,
            "{% for %} cannot take these values (Stop argument for islice() must be None or "
            "an integer: 0 <= x <= sys.maxsize.)",
        ),
    ]
    pages = []
    for args in (("build",), ("check",), ("build", "--no-cache")):
        result = run(site, *args)
        assert result.exit_code == 0, result.output
        assert said_of(result, "dates.md") == said
        pages.append(entry(site, "Dates"))
    assert pages[0] == pages[2]
    assert pages[0] == (
        "<p>Built in .\n"
        "Thu, 02 Jan 2020 00:00:00 +0100; 2020-01-02T06:00:00+01:00; 0 01:00 +0100.\n"
        "Mar 1st, 2024, 1st March 2024, .\n||</p>"
    )


def test_a_post_whose_liquid_would_run_for_hours_is_said_and_built_in_seconds(
    tmp_path: Path,
) -> None:
    # Each of these lines took from 25 s to hours, or the machine's memory, to build: an
    # include parsed again at each turn of a loop, an include that includes itself twice
    # (2 to the 30th renders), a filter or a loop over a range of millions (python-liquid
    # counted the turns after it had made them), a text that doubles at each turn, and a
    # line of 1,000,000 characters above a comment (a kramdown look tried each character).
    # The command runs in a process of its own, stopped after 60 s: the test fails then.
    site = jekyll_site(tmp_path)
    (site / "content" / "_posts" / "2024-02-01-broken.md").unlink()
    includes = site / "content" / "_includes"
    (includes / "turn.html").write_text("<i>{{ include.n }}</i>", encoding="utf-8")
    (includes / "loop.html").write_text(
        "a{% include loop.html %}{% include loop.html %}", encoding="utf-8"
    )
    (site / "content" / "_posts" / "2024-03-01-long.md").write_text(
        "---\ntitle: Long\n---\n"
        "{% for i in (1..100000) %}{% include turn.html n=i %}{% endfor %}\n\n"
        "{% include loop.html %}\n\n"
        "{{ (1..99999999) | join }}\n\n"
        "{% for x in (1..20000000) reversed %}{% break %}{% endfor %}\n\n"
        '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}'
        "{% endfor %}{{ s | size }}\n\n"
        "{% for i in (1..100000) %}yyyyyyyyyy{% endfor %}\n<!-- a note -->\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "feedkit", "build", "--config", str(site / "feedkit.toml")],
        capture_output=True,
        text=True,
        env={**os.environ, **NOW_ENV},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    where = "content/_posts/2024-03-01-long.md:{}: warning: {}; left out\n"
    assert said_of(result, "long.md") == [
        "content/_posts/2024-03-01-long.md:6: warning: include: loop.html includes itself; "
        "left out (_includes/loop.html, line 1)\n",
        where.format(8, "Liquid: join: a list of over 100,000 items"),
        where.format(10, "Liquid: loop iteration limit reached"),
        where.format(12, "Liquid: append: it makes a text of over 10,000,000 characters"),
    ]
    html = entry(site, "Long")
    assert html.count("<i>") == 100_000 and "<i>100000</i>" in html
    assert "<p>a</p>" in html and "<p>5242880</p>" in html and "y" * 1_000_000 in html
