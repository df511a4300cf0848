"""Real Hugo blogs as their authors wrote them (tests/fixtures/hugo-themes/: a hugo.toml,
page bundles, the built-in shortcodes and popular themes' ones, CJK tags), through
`feedkit build` and `feedkit check`: what readers get in every feed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import feedparser
import pytest
from click.testing import CliRunner, Result

from feedkit.cli import main
from feedkit.posts.places import DATELESS_PAGE

from conftest import FIXTURES, NOW_ENV, SHARED, SITE_TOML

VALIDATE = SHARED / "tools" / "validate-feed"


def hugo_site(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "hugo-themes", tmp_path, dirs_exist_ok=True)
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    return tmp_path


def run(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--config", str(site / "feedkit.toml")], env=NOW_ENV)


def built_items(site: Path) -> tuple[Result, list[dict[str, Any]]]:
    """Build `site` (which must succeed) and return the run and its JSON Feed's items."""
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    return built, json.loads((site / "public" / "feed.json").read_bytes())["items"]


def test_a_tag_in_chinese_gets_feeds_at_percent_encoded_urls(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    result = run(site, "build")
    assert result.exit_code == 0, result.output
    folder = site / "public" / "tags" / "中文"
    url = "https://example.com/blog/tags/%E4%B8%AD%E6%96%87/"
    atom = feedparser.parse((folder / "atom.xml").read_bytes())
    assert atom.feed.id == url + "atom.xml"
    assert [link.href for link in atom.feed.links if link.rel == "self"] == [url + "atom.xml"]
    rss = feedparser.parse((folder / "rss.xml").read_bytes())
    assert [link.href for link in rss.feed.links if link.rel == "self"] == [url + "rss.xml"]
    assert f'"feed_url": "{url}feed.json"' in (folder / "feed.json").read_text(encoding="utf-8")
    if VALIDATE.is_file():
        for name in ("atom.xml", "rss.xml"):
            done = subprocess.run(
                [sys.executable, str(VALIDATE), str(folder / name), url + name],
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stdout + done.stderr


def item(site: Path, title: str) -> dict[str, str]:
    """Return the JSON Feed item with this title (feedparser's own sanitiser would drop
    `<details>` from Atom content)."""
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    (found,) = [i for i in items if i["title"] == title]
    return dict(found)


def test_hugos_built_in_shortcodes_comment_details_param_and_figure_captions(
    tmp_path: Path,
) -> None:
    site = hugo_site(tmp_path)
    result = run(site, "build")
    assert result.exit_code == 0, result.output
    post = "content/posts/builtins.md"
    assert [line for line in result.stderr.splitlines() if line.startswith(post)] == [
        f"{post}:21: warning: param: no 'nowhere' in the post's front matter "
        "or the site's params; left out"
    ]
    html = item(site, "Hugo's built-in shortcodes")["content_html"]
    assert "private note" not in html and "TODO" not in html
    assert '<details open=""><summary>See the answer</summary>' in html
    assert "<p>It is <strong>42</strong>.</p>" in html
    assert "<details><summary>Positional, as hugo-book writes it</summary>" in html
    # The post's own front matter, title too (feedkit knew only the keys it does not use).
    assert "Described as: Shortcodes every Hugo site has.; mood happy; Hugo's built-in" in html
    assert "\nUnknown: . Site: Notes from the fixture.</p>" in html
    # As Hugo 0.168 writes it: the caption a paragraph, and its text the image's alt.
    assert (
        '<img src="https://example.com/blog/2024/03/hugos-built-in-shortcodes/river.jpg" '
        'alt="The river at dusk, by Jane"><figcaption><p>The river at <em>dusk</em>, by '
        '<a href="https://example.org/jane">Jane</a></p></figcaption>'
    ) in html
    assert "{{" not in html and "*dusk*" not in html
    summary = item(site, "Hugo's built-in shortcodes")["summary"]
    assert "private" not in summary


def test_hugos_qr_shortcode_is_what_the_code_holds(tmp_path: Path) -> None:
    # Hugo 0.141's qr: a picture of a QR code in a file named by a hash of Hugo's. feedkit
    # left it out with a warning, and a post that said "Scan this:" showed nothing after it.
    post = (
        "---\ntitle: Scan\ndate: 2024-01-02\n---\nScan this:\n\n"
        '{{< qr text="https://gohugo.io" alt="Hugo\'s site" />}}\n\n'
        "{{< qr >}}\nhttps://example.org/page?a=1&b=2\n{{< /qr >}}\n\n"
        '{{< qr text="WIFI:S:Home;T:WPA;P:x<y;;" />}}\n'
    )
    site = hugo_site_of(tmp_path, {"content/posts/scan.md": post})
    built, items = built_items(site)
    assert "qr" not in built.stderr
    assert items[0]["content_html"] == (
        "<p>Scan this:</p>\n"
        '<p><a href="https://gohugo.io">Hugo\'s site</a></p>\n'
        '<p><a href="https://example.org/page?a=1&amp;b=2">https://example.org/page?a=1&amp;b=2</a>'
        "</p>\n<p>WIFI:S:Home;T:WPA;P:x&lt;y;;</p>\n"
    )


def urls(site: Path) -> dict[str, str]:
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    return {i["title"]: i["url"] for i in items}


def test_posts_get_the_urls_of_the_hugo_configs_permalinks(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    assert run(site, "build").exit_code == 0
    found = urls(site)
    # Hugo's :slug is the title's when the page sets none; :month is in the date's own zone.
    assert found["Hugo's built-in shortcodes"] == (
        "https://example.com/blog/2024/03/hugos-built-in-shortcodes/"
    )
    tokyo = "https://example.com/blog/2024/03/written-in-tokyo-just-after-midnight/"
    assert found["Written in Tokyo, Just After Midnight"] == tokyo
    html = item(site, "Written in Tokyo, Just After Midnight")["content_html"]
    assert f'<img src="{tokyo}view.jpg" alt="The view">' in html


def built_urls(site: Path, hugo_toml: str, fronts: list[str]) -> dict[str, str]:
    """Build a Hugo site at https://example.com/blog/ (`hugo_toml` added to its hugo.toml)
    of posts with these front matters, and return each post's URL by title."""
    (site / "hugo.toml").write_text('baseURL = "https://example.com/blog/"\n' + hugo_toml)
    (site / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    posts = site / "content" / "posts"
    posts.mkdir(parents=True)
    for number, front in enumerate(fronts, start=1):
        (posts / f"p{number}.md").write_text(front + "Body.\n", encoding="utf-8")
    result = run(site, "build")
    assert result.exit_code == 0, result.output
    return urls(site)


# Titles and the URL hugo 0.168 gave each under `posts = "/:year/:month/:day/:title/"`.
HUGO_TITLE_URLS = {
    "Part 1 - Intro": "part-1-intro",
    "x -y": "x-y",
    "end -": "end-",
    "x--y": "x--y",
    "a – b": "a-b",
    "c++ tips": "c-tips",
    "A+ grade": "a-grade",
    "+lead": "-lead",
    "TCP/IP explained": "tcp-ip-explained",
    "x/ y": "x-y",
    "a\\b": "a-b",
    "Café & Crème: a Test!": "caf%C3%A9-cr%C3%A8me-a-test",
    "me@host": "me@host",
    "dots...and_underscores": "dots...and_underscores",
    "50% off": "50-off",
}


def test_titles_make_the_urls_hugo_makes_of_them(tmp_path: Path) -> None:
    # A spaced hyphen gave `part-1--intro`, a `+` stayed and a `/` was dropped: each post a
    # URL (and, with ids = "url", an ID) the Hugo site does not have. Hugo 0.111 kept a `/`
    # (`tcp/ip-explained`); a current Hugo makes a title's `/` and `\` hyphens.
    fronts = []
    for day, title in enumerate(HUGO_TITLE_URLS, start=1):
        escaped = title.replace("\\", "\\\\").replace('"', '\\"')
        fronts.append(f'+++\ntitle = "{escaped}"\ndate = 2024-01-{day:02d}T10:00:00Z\n+++\n')
    found = built_urls(tmp_path, '[permalinks]\nposts = "/:year/:month/:day/:title/"\n', fronts)
    for day, (title, path) in enumerate(HUGO_TITLE_URLS.items(), start=1):
        assert found[title] == f"https://example.com/blog/2024/01/{day:02d}/{path}/", title


def test_a_slug_as_typed_makes_the_path_hugo_makes_of_it(tmp_path: Path) -> None:
    # A slug with a space was an error ("not a single URL path segment"); Hugo urlizes it,
    # and keeps a `+` in its default URLs, the page's path (checked against hugo 0.168).
    fronts = [
        f'---\ntitle: T{day}\nslug: "{slug}"\ndate: 2024-01-0{day}\n---\n'
        for day, slug in enumerate(("My Slug Here", "c++ & more"), start=1)
    ]
    assert built_urls(tmp_path, "", fronts) == {
        "T1": "https://example.com/blog/posts/my-slug-here/",
        "T2": "https://example.com/blog/posts/c++-more/",
    }


def test_a_titles_slash_is_a_hyphen_in_slug_and_a_slugs_a_folder(tmp_path: Path) -> None:
    # As hugo 0.168 fills `:slug` in: the title's, one segment (0.111 made it two folders);
    # a slug the front matter sets keeps its folders.
    fronts = [
        '---\ntitle: "TCP/IP explained"\ndate: 2024-01-01\n---\n',
        '---\ntitle: "Back\\\\slash"\ndate: 2024-01-02\n---\n',
        '---\ntitle: T3\nslug: "tcp/ip"\ndate: 2024-01-03\n---\n',
    ]
    assert built_urls(tmp_path, '[permalinks]\nposts = "/:slug/"\n', fronts) == {
        "TCP/IP explained": "https://example.com/blog/tcp-ip-explained/",
        "Back\\slash": "https://example.com/blog/back-slash/",
        "T3": "https://example.com/blog/tcp/ip/",
    }


DOT_SLUGS = ("..", "../x", "a/../../b", "./c", "d/.")


def test_a_slugs_dot_segments_are_resolved_where_hugo_resolves_them(tmp_path: Path) -> None:
    # Under the site's [permalinks] Hugo 0.168 joins a page's path (Go's path.Join): `..`
    # is at the site's root, `../x` at /x/, where feedkit linked /2024/../x/, an ID Hugo's
    # feed never had. Its default URLs keep them as written. (Hugo 0.168.0's feed, and
    # tests/test_oracles.py against the current Hugo.)
    fronts = [
        f'---\ntitle: T{day}\nslug: "{slug}"\ndate: 2024-01-0{day}\n---\n'
        for day, slug in enumerate(DOT_SLUGS, start=1)
    ]
    base = "https://example.com/blog/"
    assert built_urls(tmp_path, '[permalinks]\nposts = "/:year/:slug/"\n', fronts) == {
        "T1": base,
        "T2": f"{base}x/",
        "T3": f"{base}b/",
        "T4": f"{base}2024/c/",
        "T5": f"{base}2024/d/",
    }
    default = tmp_path / "default"
    default.mkdir()
    assert built_urls(default, "", fronts) == {
        "T1": f"{base}posts/../",
        "T2": f"{base}posts/../x/",
        "T3": f"{base}posts/a/../../b/",
        "T4": f"{base}posts/./c/",
        "T5": f"{base}posts/d/./",
    }


def test_the_cover_images_of_hugo_themes_are_the_entries_images(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    assert run(site, "build").exit_code == 0
    tokyo = "https://example.com/blog/2024/03/written-in-tokyo-just-after-midnight/"
    assert item(site, "Written in Tokyo, Just After Midnight")["image"] == tokyo + "view.jpg"
    loveit = item(site, "Admonitions of the popular themes")
    assert loveit["image"] == "https://example.com/images/admonitions.png"


def test_hugos_default_urls_and_main_sections_from_its_config_folder(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "hugo-config-dir", tmp_path, dirs_exist_ok=True)
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    check = run(tmp_path, "check")
    assert check.exit_code == 0, check.output
    assert "OK: 5 posts: 5 published" in check.stdout
    assert "content/about.md: skipped: a page, not a post: it is outside the main sections " in (
        check.stderr
    )
    assert run(tmp_path, "build").exit_code == 0
    blog = "https://example.com/blog/"
    assert urls(tmp_path) == {
        "A Short Note": blog + "notes/short-note/",
        "Renamed": blog + "posts/a-new-name/",
        "Part One": blog + "posts/series/part-one/",
        "A Page Bundle": blog + "posts/a-bundle/",
        "Links to pages": blog + "posts/links/",
    }
    html = item(tmp_path, "A Page Bundle")["content_html"]
    assert f'<img src="{blog}posts/a-bundle/cover.jpg" alt="Cover">' in html


def test_a_config_or_themes_folder_that_cannot_be_listed_is_said_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder this user may not list (its mode, an NFS export): listing it raised
    # PermissionError out of every command. Tests run as root, whom no mode stops.
    shutil.copytree(FIXTURES / "hugo-config-dir", tmp_path, dirs_exist_ok=True)
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "themes" / "ananke" / "layouts" / "shortcodes").mkdir(parents=True)
    listed = Path.iterdir
    refused: set[str] = {"_default", "themes"}

    def iterdir(self: Path) -> Any:
        if self.name in refused:
            raise PermissionError(13, "Permission denied", str(self))
        return listed(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    for command in ("build", "check"):
        result = run(tmp_path, command)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(
            "config/_default/: Hugo's configuration cannot be read (Permission denied)\n"
        )
        assert "Traceback" not in result.output
    assert not (tmp_path / "public").exists()
    # Themes' templates the build cannot look for are none: the posts build as without them.
    refused.discard("_default")
    built = run(tmp_path, "build")
    assert built.exit_code == 0, built.output
    assert "OK" in run(tmp_path, "check").stdout


def test_a_rebuild_follows_a_change_of_the_hugo_configs_permalinks(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    assert run(site, "build").exit_code == 0
    config = site / "hugo.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("/:year/:month/:slug/", "/p/:filename/"),
        encoding="utf-8",
    )
    assert run(site, "build").exit_code == 0
    assert urls(site)["Hugo's built-in shortcodes"] == "https://example.com/blog/p/builtins/"


def test_a_permalink_hugo_has_but_feedkit_cannot_fill_is_an_error_naming_the_file(
    tmp_path: Path,
) -> None:
    site = hugo_site(tmp_path)
    config = site / "hugo.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(":slug/", ":slug/:lastmod/"),
        encoding="utf-8",
    )
    result = run(site, "build")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "hugo.toml: permalinks: posts: unknown placeholder :lastmod; use :section, "
    )
    assert "set permalink in feedkit.toml instead" in result.stderr


def test_math_passed_through_as_hugos_config_says_is_mathml(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    result = run(site, "build")
    assert result.exit_code == 0, result.output
    assert "passthrough-math" not in result.stderr
    found = item(site, "Math the Hugo docs way")
    html = found["content_html"]
    assert html.count('<math display="inline">') == 1
    assert '<annotation encoding="application/x-tex">a^2 + b^2 = c^2</annotation>' in html
    assert html.count('<math display="block">') == 1
    # Passed through as written: \, is TeX's thin space, not a Markdown escape.
    tex = r"\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}"
    assert f'<annotation encoding="application/x-tex">{tex}</annotation>' in html
    assert r"<code>\(x\)</code>" in html
    assert r"\(" not in html.replace(r"<code>\(x\)</code>", "")
    assert found["summary"].startswith("Inline a² + b² = c² and a display:")


def test_emoji_codes_are_emoji_when_the_hugo_config_enables_them(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    assert run(site, "build").exit_code == 0
    found = item(site, "Launch day")
    text = "We shipped it 🎉 🚀! Times like 10:30:00 and :not_an_emoji: stay."
    assert f"<p>{text}</p>" in found["content_html"]
    assert "<code>:tada:</code>" in found["content_html"]
    assert found["summary"].startswith(text)

    config = site / "hugo.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("enableEmoji = true\n", ""), encoding="utf-8"
    )
    assert run(site, "build").exit_code == 0
    assert "We shipped it :tada: :rocket:!" in item(site, "Launch day")["content_html"]


def test_emoji_codes_in_link_addresses_stay_as_written(tmp_path: Path) -> None:
    # Goldmark makes emoji of codes in the text only: a link's address, its title, an
    # autolink and a link reference definition keep `:b:`, `:v:`, `:new:` (or the link breaks).
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "hugo.toml").write_text('title = "E"\nenableEmoji = true\n', encoding="utf-8")
    post = tmp_path / "content" / "posts" / "links.md"
    post.parent.mkdir(parents=True)
    post.write_text(
        "---\ntitle: Links\ndate: 2024-05-01\n---\n"
        '[Docs :tada:](https://example.org/a:b:c "Plan :v:") and '
        "<https://example.org/x:v:y>, [ref][r]. ![Pic :tada:](/i/p:new:.png)\n\n"
        "[r]: https://example.org/ref:b:\n",
        encoding="utf-8",
    )
    assert run(tmp_path, "build").exit_code == 0
    html = item(tmp_path, "Links")["content_html"]
    assert '<a href="https://example.org/a:b:c" title="Plan :v:">Docs 🎉</a>' in html
    assert '<a href="https://example.org/x:v:y">https://example.org/x:v:y</a>' in html
    assert '<a href="https://example.org/ref:b:">ref</a>' in html
    # Hugo 0.168 leaves the code out of an image's alt text ("Pic "): an emoji, as 0.111
    # made it, keeps what the author wrote readable.
    # Root-relative: under the base URL, as Hugo's feeds make it.
    assert '<img src="https://example.com/blog/i/p:new:.png" alt="Pic 🎉"' in html


def test_a_ref_to_a_page_that_is_not_a_post_links_where_hugo_publishes_it(
    tmp_path: Path,
) -> None:
    shutil.copytree(FIXTURES / "hugo-config-dir", tmp_path, dirs_exist_ok=True)
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    result = run(tmp_path, "build")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "content/posts/links.md:7: warning: ref: no post 'nowhere' in the content folder\n"
    )
    blog = "https://example.com/blog/"
    html = item(tmp_path, "Links to pages")["content_html"]
    assert f'<a href="{blog}about/">about</a>' in html
    assert f'<a href="{blog}guide/install/#linux">the install guide</a>' in html
    assert f'<a href="{blog}docs/">the docs</a>' in html
    assert f'<a href="{blog}notes/short-note/">a note</a>' in html


def test_a_headless_bundle_is_no_post_and_check_says_why(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    check = run(site, "check")
    assert check.exit_code == 0, check.output
    assert (
        "content/posts/shared-images/index.md: skipped: a headless bundle (headless: true): "
        "Hugo publishes no page for it\n"
    ) in check.stderr
    assert run(site, "build").exit_code == 0
    assert "Images other pages use" not in (site / "public" / "atom.xml").read_text("utf-8")


def test_the_math_shortcodes_of_blowfish_and_hugo_blox_are_understood(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    result = run(site, "build")  # other posts of the fixture have warnings of their own
    assert "theme-math.md" not in result.stderr
    html = item(site, "Blowfish and Hugo Blox math")["content_html"]
    assert html.count('<math display="inline">') == 1
    assert html.count('<math display="block">') == 1
    assert "{{" not in html and "<p>Blowfish loads KaTeX for <math" in html


def test_dates_in_the_forms_hugo_reads_load(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    check = run(site, "check")
    assert "go-dates.md" not in check.stderr and check.exit_code == 0, check.output
    assert run(site, "build").exit_code == 0
    found = item(site, "Dated the way Go prints a time")
    assert found["date_published"] == "2024-03-08T09:30:00.250000-08:00"
    assert found["date_modified"].startswith("2024-03-09T00:00:00")


def test_the_admonitions_of_popular_themes_are_quotes_with_their_title(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    result = run(site, "build")
    assert "admonitions.md" not in result.stderr
    html = item(site, "Admonitions of the popular themes")["content_html"]
    for title, text in (
        ("A useful tip", "Use <code>hugo server -D</code> to see <strong>drafts</strong>."),
        ("Warning", "LoveIt’s positional form."),
        ("Note", "Hugo Blox’s callout with <em>Markdown</em>."),
        ("Danger", "hugo-book’s hint."),
        ("Heads up", "A notice with a title."),
    ):
        quote = f"<blockquote>\n<p><strong>{title}</strong></p>\n<p>{text}</p>\n</blockquote>"
        assert quote in html
    assert "<blockquote>\n<p>Blowfish’s alert: its argument is an icon.</p>\n</blockquote>" in html
    assert "circle-info" not in html


@pytest.mark.skipif(not VALIDATE.is_file(), reason="../shared/tools is absent")
@pytest.mark.parametrize("fixture", ["hugo-themes", "hugo-config-dir"])
def test_every_feed_of_the_hugo_fixtures_passes_the_w3c_validator(
    tmp_path: Path, fixture: str
) -> None:
    shutil.copytree(FIXTURES / fixture, tmp_path, dirs_exist_ok=True)
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    assert run(tmp_path, "build").exit_code == 0
    public = tmp_path / "public"
    files = sorted(p for p in public.rglob("*.xml") if p.name != "feed.xsl")
    assert len(files) >= 2
    failed = {}
    for path in files:
        url = "https://example.com/blog/" + quote(path.relative_to(public).as_posix())
        done = subprocess.run(
            [sys.executable, str(VALIDATE), str(path), url], capture_output=True, text=True
        )
        if done.returncode != 0:
            failed[url] = done.stdout[-1500:] + done.stderr[-500:]
    assert failed == {}
    for path in public.rglob("*.json"):
        assert "{{" not in path.read_text(encoding="utf-8")


def test_naive_dates_are_read_in_the_hugo_configs_time_zone(tmp_path: Path) -> None:
    site = hugo_site(tmp_path)
    config = site / "hugo.toml"
    config.write_text('timeZone = "Asia/Tokyo"\n' + config.read_text(encoding="utf-8"))
    toml = 'title = "T"\nbase_url = "https://example.com/blog/"\n'
    (site / "feedkit.toml").write_text(toml, encoding="utf-8")
    (site / "content" / "posts" / "naive.md").write_text(
        "---\ntitle: Naive\ndate: 2024-05-01 09:00:00\n---\nText.\n", encoding="utf-8"
    )
    assert run(site, "build").exit_code == 0
    assert item(site, "Naive")["date_published"] == "2024-05-01T09:00:00+09:00"
    config.write_text(config.read_text(encoding="utf-8").replace("Asia/Tokyo", "Mars/Olympus"))
    result = run(site, "build")
    assert result.exit_code == 1
    assert (
        "hugo.toml: timeZone: 'Mars/Olympus' is not a time zone name such as 'Europe/Berlin'; "
        "set timezone in feedkit.toml instead"
    ) in result.output


HUGO_TOML = 'baseURL = "https://h.example.org/"\ntitle = "H"\n'


def hugo_site_of(root: Path, files: dict[str, str], config: str = HUGO_TOML) -> Path:
    """Write a Hugo site at `root`: `files` (paths from the site's folder), its hugo.toml
    and feedkit.toml; return `root`."""
    for name, text in {**files, "hugo.toml": config, "feedkit.toml": SITE_TOML}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_leaf_bundles_other_markdown_files_are_resources_not_posts(tmp_path: Path) -> None:
    # A folder with an index.md is one page; its other files, in folders under it too, are
    # that page's resources, which Hugo lists nowhere (tests/test_oracles.py checks with
    # Hugo). feedkit published them as posts. An index in a language the site does not
    # have (index.fr.md, no [languages.fr]) is one of them too, as Hugo 0.168 reads it.
    files = {
        "plain.md": "---\ntitle: Plain\ndate: 2024-01-01\n---\nPlain.\n",
        "trip/index.md": "---\ntitle: Trip\ndate: 2024-01-02\n---\nTrip.\n",
        "trip/index.fr.md": "---\ntitle: Voyage\ndate: 2024-01-02\n---\nVoyage.\n",
        "trip/notes.md": "---\ntitle: Notes\ndate: 2024-01-03\n---\nNotes.\n",
        "trip/more/deep.md": "---\ntitle: Deep\ndate: 2024-01-04\n---\nDeep.\n",
    }
    hugo_site_of(tmp_path, {f"content/posts/{name}": text for name, text in files.items()})
    checked = run(tmp_path, "check")
    assert checked.exit_code == 0, checked.output
    resource = (
        "skipped: a resource of the page bundle posts/trip/ (its index is the page): Hugo "
        "publishes no page for the other files of a folder that holds an index.md"
    )
    assert [line for line in checked.stderr.splitlines() if "resource" in line] == [
        "content/posts/trip/index.fr.md: skipped: a resource of the page bundle posts/trip/ "
        "(its index is the page): 'fr' is no language of the site's (Hugo publishes no page "
        "for it)",
        f"content/posts/trip/more/deep.md: {resource}",
        f"content/posts/trip/notes.md: {resource}",
    ]
    built = run(tmp_path, "build")
    assert built.exit_code == 0, built.output
    titles = [
        i["title"] for i in json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    ]
    assert titles == ["Trip", "Plain"]


# Hugo's cascade: a section's `_index.md` (the home page's, at the top) gives its front matter
# to the pages below, a page's own keys first, then the nearest section's, each entry of a
# list only to the pages its `target` (or `_target`) matches (tests/test_oracles.py builds
# the same site with Hugo 0.168).
CASCADED = {
    "_index.md": "---\ntitle: Home\ncascade:\n  - target:\n      path: /posts/x/**\n    build:\n"
    "      list: never\n  - _target:\n      path: /posts/old/**\n    draft: true\n---\n",
    "posts/_index.md": "---\ntitle: Posts\ncascade:\n  tags: [outer]\n---\n",
    "posts/a/_index.md": "---\ntitle: A\ncascade:\n  tags: [inner]\n---\n",
    "posts/plain.md": "---\ntitle: Plain\ndate: 2024-01-01\n---\nx\n",
    "posts/a/ina.md": "---\ntitle: In a\ndate: 2024-01-02\n---\nx\n",
    "posts/x/inx.md": "---\ntitle: In x\ndate: 2024-01-03\n---\nx\n",
    "posts/x/own.md": "---\ntitle: Own build\ndate: 2024-01-04\nbuild:\n  render: always\n---\nx\n",
    "posts/old/o.md": "---\ntitle: Old\ndate: 2024-01-05\n---\nx\n",
    "posts/old/kept.md": "---\ntitle: Kept\ndate: 2024-01-06\ndraft: false\ntags: [own]\n---\nx\n",
}


def cascaded_site(root: Path) -> Path:
    return hugo_site_of(root, {f"content/{name}": text for name, text in CASCADED.items()})


def feed_items(site: Path) -> list[tuple[str, list[str]]]:
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    return [(i["title"], i.get("tags", [])) for i in items]


def test_a_sections_cascade_keeps_its_pages_out_or_tags_them_as_hugo_does(tmp_path: Path) -> None:
    # feedkit read no cascade: the pages Hugo keeps out (a draft, a page listed nowhere)
    # were in every feed, and none had its section's tags.
    site = cascaded_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    assert feed_items(site) == [
        ("Kept", ["own"]),
        ("Own build", ["outer"]),
        ("In a", ["inner"]),
        ("Plain", ["outer"]),
    ]
    # A cascade changed: the next build, from this one's cache, reads the pages again.
    index = site / "content" / "posts" / "_index.md"
    index.write_text("---\ntitle: Posts\ncascade:\n  tags: [outer]\n  draft: true\n---\n")
    again = run(site, "build")
    assert again.exit_code == 0, again.output
    assert feed_items(site) == [("Kept", ["own"])]
    checked = run(site, "check")
    assert checked.exit_code == 0 and "5 posts: 1 published, 4 draft(s)" in checked.stdout


def test_a_cascade_feedkit_cannot_match_stops_the_build_naming_it(tmp_path: Path) -> None:
    # A target of what feedkit cannot tell (a page's output formats, say): the pages it
    # keeps out could be published.
    site = cascaded_site(tmp_path)
    (site / "content" / "posts" / "a" / "_index.md").write_text(
        "---\ntitle: A\ncascade:\n  target:\n    outputs: html\n  draft: true\n---\n"
    )
    for command in ("build", "check"):
        result = run(site, command)
        assert result.exit_code == 1
        assert result.stderr.startswith(
            "content/posts/a/_index.md:3: a cascade's target outputs: 'html': feedkit matches "
            "a pattern of path, kind, lang or environment only, and cannot tell which pages "
            "this cascade is for\n"
        ), result.stderr


CONFIG_CASCADE = (
    'baseURL = "https://h.example.org/"\ntitle = "H"\n[[cascade]]\n  tags = ["fromconfig"]\n'
    '  [cascade.target]\n    path = "/posts/**"\n[[cascade]]\n  draft = true\n'
    '  [cascade._target]\n    path = "/posts/old/**"\n'
)


def config_cascaded_site(root: Path) -> Path:
    """A Hugo site whose configuration cascades (tags, and drafts in posts/old/), under its
    home page's cascade (other tags)."""
    files = {
        "content/_index.md": "---\ntitle: Home\ncascade:\n  tags: [fromhome]\n---\n",
        "content/posts/top.md": "---\ntitle: Top\ndate: 2024-01-01\n---\nx\n",
        "content/posts/old/o.md": "---\ntitle: Old\ndate: 2024-01-02\n---\nx\n",
    }
    return hugo_site_of(root, files, CONFIG_CASCADE)


def test_the_hugo_configurations_cascade_is_under_the_home_pages(tmp_path: Path) -> None:
    site = config_cascaded_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    assert feed_items(site) == [("Top", ["fromhome"])]
    # One feedkit cannot match stops the build, naming the file.
    (site / "hugo.toml").write_text(CONFIG_CASCADE.replace("path =", "outputs ="))
    stopped = run(site, "build")
    assert stopped.exit_code == 1
    assert stopped.stderr.startswith(
        "hugo.toml: a cascade's target outputs: '/posts/**': feedkit matches a pattern of path, "
        "kind, lang or environment only, and cannot tell which pages this cascade is for\n"
    ), stopped.stderr


# Hugo dates a page without `date` or a publish date by its `published`, `lastmod` or
# `modified` (Hugo 0.168's default [frontmatter] date list).
DATED = {
    "dated.md": "---\ntitle: Dated\ndate: 2024-01-03\n---\nx\n",
    "pub.md": "---\ntitle: Publish date\npublishDate: 2024-01-04\n---\nx\n",
    "lastmod.md": "---\ntitle: Lastmod only\nlastmod: 2024-01-05\n---\nx\n",
    "published.md": "---\ntitle: Published key\npublished: 2024-01-06\n---\nx\n",
    "modified.md": "---\ntitle: Modified key\nmodified: 2024-01-07T10:00:00Z\n---\nx\n",
}


def dated_site(root: Path) -> Path:
    return hugo_site_of(root, {f"content/posts/{name}": text for name, text in DATED.items()})


def test_a_hugo_page_without_a_date_is_dated_by_its_last_change_as_hugo_dates_it(
    tmp_path: Path,
) -> None:
    # feedkit skipped the pages dated by lastmod or modified, and stopped at `published`'s
    # date, which it read as Jekyll's true-or-false flag. `published: false` (at which Hugo
    # stops: no date) still keeps a page out, as a draft.
    site = dated_site(tmp_path)
    flag = "---\ntitle: Not published\ndate: 2024-01-08\npublished: false\n---\nx\n"
    (site / "content" / "posts" / "flag.md").write_text(flag, encoding="utf-8")
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    assert [(i["title"], i["date_published"][:16]) for i in items] == [
        ("Modified key", "2024-01-07T10:00"),
        ("Published key", "2024-01-06T00:00"),
        ("Lastmod only", "2024-01-05T00:00"),
        ("Publish date", "2024-01-04T00:00"),
        ("Dated", "2024-01-03T00:00"),
    ]


# Dates in the forms Hugo reads besides ISO 8601's (spf13/cast's list of Go layouts), by
# title: where a form names a zone and gives no offset (RFC 1123, RFC 822, RFC 850, Unix
# `date`) or gives neither (ANSI C), Hugo shows the time on the clock in the site's time
# zone, whatever the name says; an offset is kept. What Hugo 0.111 and 0.168 showed
# (tests/test_oracles.py checks against Hugo).
GO_DATED = {
    "RFC 1123": "Mon, 02 Jan 2006 15:04:05 PST",
    "RFC 1123, GMT": "Tue, 03 Jan 2006 01:04:05 GMT",  # a day later in New York's Hugo
    "RFC 822": "04 Jan 06 15:04 EST",
    "RFC 850": "Thursday, 05-Jan-06 15:04:05 UTC",
    "Unix date": "Fri Jan  6 15:04:05 CET 2006",
    "ANSI C": "Sat Jan  7 15:04:05 2006",
    "RFC 1123 with an offset": "Sun, 08 Jan 2006 15:04:05 -0800",
    "Ruby": "Mon Jan 09 15:04:05 -0700 2006",
    "GMT and hours": "Tue, 10 Jan 2006 15:04:05 GMT+3",  # the clock at UTC, shown 3 h on
}


def go_dated_site(root: Path, config: str = HUGO_TOML) -> Path:
    files = {
        f"content/posts/p{n}.md": f'---\ntitle: "{title}"\ndate: "{written}"\n---\nx\n'
        for n, (title, written) in enumerate(GO_DATED.items(), start=1)
    }
    return hugo_site_of(root, files, config)


def test_a_hugo_pages_date_with_a_zones_name_is_the_sites_time_as_in_hugo(
    tmp_path: Path,
) -> None:
    # feedkit read `… PST` eight hours from UTC and `… GMT` at UTC, nine and one hours from
    # where Hugo (in this site's Berlin) has them, and stopped the build at the RFC 850 and
    # Unix `date` forms, which Hugo reads.
    site = go_dated_site(tmp_path)
    built, items = built_items(site)
    assert [(i["title"], i["date_published"]) for i in items] == [
        ("GMT and hours", "2006-01-10T18:04:05+01:00"),
        ("Ruby", "2006-01-09T15:04:05-07:00"),
        ("RFC 1123 with an offset", "2006-01-08T15:04:05-08:00"),
        ("ANSI C", "2006-01-07T15:04:05+01:00"),
        ("Unix date", "2006-01-06T15:04:05+01:00"),
        ("RFC 850", "2006-01-05T15:04:05+01:00"),
        ("RFC 822", "2006-01-04T15:04:00+01:00"),
        ("RFC 1123, GMT", "2006-01-03T01:04:05+01:00"),
        ("RFC 1123", "2006-01-02T15:04:05+01:00"),
    ]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Mon,   02 Jan 2006 15:04:05 WITA", "2006-01-02 15:04:05"),
        ("mon, 02 jan 2006 15:04:05.123 CEST", "2006-01-02 15:04:05.123000"),
        ("Mon, 02 Jan 2006 15:04:05 +03", "2006-01-02 15:04:05"),
        ("Mon, 02 Jan 2006 23:04:05 GMT-3", "2006-01-02 20:04:05"),
        ("Mon, 02 Jan 2006 15:04:05 ABCD", None),
        ("Mon, 02 Jan 2006 15:04:05 pst", None),
        ("Mon, 02 Jan 2006 15:04:05 GMT+30", None),
        ("Mon, 2 Jan 2006 15:04:05 PST", None),
        ("Mon, 31 Feb 2006 15:04:05 EST", None),
        ("2006-01-02", None),
    ],
)
def test_go_dates_are_read_where_go_reads_them(written: str, read: str | None) -> None:
    # As Hugo 0.168 showed each (the None ones dated 0001-01-01, its "no date"), where a
    # zone's name is three capitals, four or five ending in T, or WITA, and a day two digits.
    from feedkit.posts.hugotime import go_date

    found = go_date(written)
    assert (str(found) if found is not None else None) == read


def test_a_hugo_pages_date_in_seconds_since_1970_is_read_as_hugo_reads_it(
    tmp_path: Path,
) -> None:
    # Hugo (0.111, 0.168) publishes `date: 1714550400` at 2024-05-01 08:00 UTC; feedkit
    # stopped the whole build at it ("cannot read 1714550400 (a number) as a date").
    files = {
        "content/posts/yaml.md": "---\ntitle: Y\ndate: 1714550400\nlastmod: 1714640400\n---\nx\n",
        "content/posts/toml.md": "+++\ntitle = 'T'\ndate = 1714467600\n+++\nx\n",
    }
    built, items = built_items(hugo_site_of(tmp_path, files))
    assert [(i["title"], i["date_published"], i["date_modified"]) for i in items] == [
        ("Y", "2024-05-01T10:00:00+02:00", "2024-05-02T11:00:00+02:00"),  # Berlin's clock
        ("T", "2024-04-30T11:00:00+02:00", "2024-04-30T11:00:00+02:00"),
    ]
    (tmp_path / "content/posts/big.md").write_text("---\ntitle: B\ndate: 99999999999999\n---\n")
    failed = run(tmp_path, "build")
    assert failed.exit_code == 1
    assert "content/posts/big.md:3: date: 99999999999999 seconds since 1970 is out of range" in (
        failed.output
    )


def test_a_number_as_a_date_outside_hugo_is_no_date(tmp_path: Path) -> None:
    # Jekyll and Pelican read no number as a date: nor does feedkit, there.
    (tmp_path / "content").mkdir()
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content" / "n.md").write_text("---\ntitle: N\ndate: 1714550400\n---\nx\n")
    failed = run(tmp_path, "build")
    assert failed.exit_code == 1
    assert "content/n.md:3: date: cannot read 1714550400 (a number) as a date" in failed.output


def test_a_date_with_a_zones_name_outside_hugo_keeps_the_zones_offset(tmp_path: Path) -> None:
    # Hugo's reading is a Hugo site's alone: elsewhere `PST` is eight hours behind UTC.
    (tmp_path / "content").mkdir()
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    post = '---\ntitle: Zoned\ndate: "Mon, 02 Jan 2006 15:04:05 PST"\n---\nx\n'
    (tmp_path / "content" / "zoned.md").write_text(post, encoding="utf-8")
    built, items = built_items(tmp_path)
    assert [i["date_published"] for i in items] == ["2006-01-02T15:04:05-08:00"]


# A Hugo page's own url with `..`, `./` or `//` in it, and where Hugo 0.168 publishes it:
# with a `..`, cleaned as Go's path.Clean cleans it (a path with no dot then ends in `/`);
# every run of `/` one; a `./` alone stays (tests/test_oracles.py checks with Hugo).
# feedkit stopped the build at each.
HUGO_OWN_PATHS = [
    ("/a/../b/", "b/"),
    ("/../../c/", "c/"),
    ("/d/./e//f/", "d/./e/f/"),
    ("/p/q/..", "p/"),
    ("/n/..o/", "n/..o"),
    ("l/../m/", "m/"),
]


def hugo_own_paths_site(root: Path) -> Path:
    files = {
        f"content/posts/u{n}.md": f'---\ntitle: "U{n}"\ndate: 2024-01-0{n}\nurl: "{url}"\n---\nx\n'
        for n, (url, _) in enumerate(HUGO_OWN_PATHS, start=1)
    }
    return hugo_site_of(root, files)


def test_a_hugo_pages_url_that_is_no_path_is_named_as_written(tmp_path: Path) -> None:
    # Cleaned as Hugo cleans a path, it was named `https:/elsewhere.example/x/`.
    page = '---\ntitle: X\ndate: 2024-01-01\nurl: "https://elsewhere.example/x/"\n---\nx\n'
    site = hugo_site_of(tmp_path, {"content/posts/x.md": page})
    built = run(site, "build")
    assert built.exit_code == 1
    assert (
        "content/posts/x.md:4: url 'https://elsewhere.example/x/' must be a path on the site"
        in built.stderr
    )


def test_a_hugo_pages_url_with_dot_segments_is_where_hugo_publishes_it(tmp_path: Path) -> None:
    site = hugo_own_paths_site(tmp_path)
    built, items = built_items(site)
    links = {item["title"]: item["url"] for item in items}
    assert [links[f"U{n}"] for n in range(1, len(HUGO_OWN_PATHS) + 1)] == [
        "https://example.com/blog/" + path for _, path in HUGO_OWN_PATHS
    ]


# Tags and categories written as one string: Hugo takes each string as one term, commas
# and spaces and all (its term feeds tags/one-two/, tags/x-y/, categories/in-a-string/;
# tests/test_oracles.py checks with Hugo).
TERMS_AS_STRINGS = {
    "content/posts/a.md": '---\ntitle: A\ndate: 2024-01-01\ntags: "one two"\n---\nx\n',
    "content/posts/b.md": '---\ntitle: B\ndate: 2024-01-02\ntags: "x, y"\n'
    "categories: in a string\n---\nx\n",
    "content/posts/c.md": "---\ntitle: C\ndate: 2024-01-03\ntags: [one, two]\n---\nx\n",
}


def terms_as_strings_site(root: Path) -> Path:
    return hugo_site_of(root, TERMS_AS_STRINGS)


def test_a_hugo_pages_tags_in_one_string_are_one_tag_as_in_hugo(tmp_path: Path) -> None:
    # feedkit split them at the comma, else at the spaces, as Jekyll and Pelican do: the
    # posts were in tags/one/, tags/two/, tags/x/ and tags/y/, where Hugo has no feed.
    site = terms_as_strings_site(tmp_path)
    built, items = built_items(site)
    assert [(i["title"], i["tags"]) for i in items] == [
        ("C", ["one", "two"]),
        ("B", ["x, y", "in a string"]),
        ("A", ["one two"]),
    ]
    folders = sorted(p.name for p in (site / "public" / "tags").iterdir())
    assert folders == ["in-a-string", "one", "one-two", "two", "x-y"]


# A Hugo page's draft flag as written, and whether Hugo 0.168 publishes the page: Hugo's YAML
# (1.2) reads `yes`, `on` and `no` as text, and cast.ToBool makes any text but Go's
# strconv.ParseBool's false; a number is true unless 0 (tests/test_oracles.py checks).
HUGO_DRAFT_FLAGS = [
    ("draft: yes", True),
    ("draft: On", True),
    ('draft: "y"', True),
    ("draft: no", True),
    ('draft: "t"', False),
    ("draft: True", False),
    ("draft: 1", False),
    ("draft: 0", True),
    ("Draft: yes", True),  # Hugo reads a key in any case
]


def draft_flags_site(root: Path) -> Path:
    files = {
        f"content/posts/d{n}.md": f"---\ntitle: D{n}\ndate: 2024-01-0{n}\n{line}\n---\nx\n"
        for n, (line, _) in enumerate(HUGO_DRAFT_FLAGS, start=1)
    }
    return hugo_site_of(root, files)


def test_a_hugo_pages_draft_flag_reads_as_in_hugo(tmp_path: Path) -> None:
    # feedkit took `draft: yes` and `draft: on` for drafts (YAML 1.1 reads them as true)
    # and left out pages Hugo publishes, and stopped the build at `draft: "y"` and `draft: 1`.
    site = draft_flags_site(tmp_path)
    built, items = built_items(site)
    published = [f"D{n}" for n, (_, out) in enumerate(HUGO_DRAFT_FLAGS, start=1) if out]
    assert sorted(i["title"] for i in items) == published
    said = "is not true or false to Hugo, which reads it as false and publishes the page"
    assert built.stderr == "".join(
        f"content/posts/d{n}.md:4: warning: draft: {text!r} {said}, and so does feedkit; "
        "write 'draft: true' to keep it a draft\n"
        for n, text in ((1, "yes"), (2, "On"), (3, "y"), (9, "yes"))
    )


# Scalars that YAML 1.1 (PyYAML: Jekyll's, Pelican's) reads otherwise than Hugo 0.168's YAML
# does, as each page's title and tags are to Hugo (tests/test_oracles.py checks): `No` and
# `on` are text, `1:30` is no base-60 number; `0777` and `010` are octal to both.
HUGO_YAML12 = {
    "content/posts/no.md": "---\ntitle: No\ndate: 2024-01-01\n---\nx\n",
    "content/posts/time.md": "---\ntitle: 1:30\ndate: 2024-01-02\n---\nx\n",
    "content/posts/words.md": "---\ntitle: Words\ndate: 2024-01-03\ntags: [on, off, Yes, 010]\n"
    "---\nx\n",
    "content/posts/octal.md": "---\ntitle: 0777\ndate: 2024-01-04\n---\nx\n",
    "content/posts/block.md": "---\ntitle: Block\ndate: 2024-01-05\ntags:\n  - ON\n  - 'no'\n"
    "---\nx\n",
}
HUGO_YAML12_READ = {
    "No": [],
    "1:30": [],
    "Words": ["on", "off", "Yes", "8"],
    "511": [],
    "Block": ["ON", "no"],
}


def yaml12_site(root: Path) -> Path:
    return hugo_site_of(root, HUGO_YAML12)


def test_a_hugo_pages_yaml_reads_as_hugos_yaml_reads_it(tmp_path: Path) -> None:
    # `title: No` and `tags: [on, off]` stopped the build ("must be text, not a true/false
    # value"), and `title: 1:30` was "90".
    _, items = built_items(yaml12_site(tmp_path))
    assert {i["title"]: i.get("tags", []) for i in items} == HUGO_YAML12_READ
    # The same front matter in a Jekyll site is read as Jekyll's YAML (1.1) reads it: `No`
    # is false, and Jekyll titles the post by its slug; `[on, off]` are the tags `true` and
    # `false` (tests/test_oracles.py checks both with Jekyll 4.3).
    jekyll = tmp_path / "jekyll"
    for n, (name, text) in enumerate(HUGO_YAML12.items(), start=1):
        target = jekyll / "content" / "_posts" / f"2024-01-0{n}-{Path(name).name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (jekyll / "content" / "_config.yml").write_text("title: J\n", encoding="utf-8")
    (jekyll / "feedkit.toml").write_text(
        'title = "J"\nbase_url = "https://j.example.org/"\n', encoding="utf-8"
    )
    built, items = built_items(jekyll)
    tags = {i["title"]: i.get("tags", []) for i in items}
    assert tags["No"] == [] and tags["Words"] == ["true", "false", "8"]  # Yes: true again
    assert tags["Block"] == ["true", "no"]
    assert "title: false to Jekyll's YAML (an unquoted No or Off)" in built.stderr


# Hugo publishes a page whose title is empty or null as it publishes one with none: untitled
# (tests/test_oracles.py checks). feedkit stopped the build at the empty and the null ones.
UNTITLED = {
    "content/posts/tilde.md": "---\ntitle: ~\ndate: 2024-01-01\n---\nx\n",
    "content/posts/none.md": "---\ndate: 2024-01-02\n---\nx\n",
    "content/posts/empty.md": '---\ntitle: ""\ndate: 2024-01-03\n---\nx\n',
    "content/posts/null.md": "---\ntitle: null\ndate: 2024-01-04\n---\nx\n",
}


def untitled_site(root: Path) -> Path:
    return hugo_site_of(root, UNTITLED)


def test_a_hugo_page_with_an_empty_or_null_title_is_published_as_one_without(
    tmp_path: Path,
) -> None:
    site = untitled_site(tmp_path)
    built, items = built_items(site)
    assert [i["title"] for i in items] == ["null", "empty", "none", "tilde"]
    assert built.stderr == "".join(
        f"content/posts/{name}.md:2: warning: no title; feeds show '{name}': add 'title: …' "
        "to the front matter\n"
        for name in ("empty", "none", "null", "tilde")
    )


# A Hugo site moved from Jekyll: its configuration's [frontmatter] dates a page by its file
# name first (`:filename`, whose rest is then its slug), and a page its file's time.
NAMED = {
    "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\n[frontmatter]\n'
    '  date = [":filename", ":default"]\n',
    "content/posts/2024-02-01-a-named-post.md": "---\ntitle: Named\n---\nx\n",
    "content/posts/2024-02-02-own.md": "---\ntitle: Named, own date\ndate: 2024-03-01\n---\nx\n",
    "content/posts/2024-02-03-trip/index.md": "---\ntitle: A bundle\n---\nx\n",
    "content/posts/plain.md": "---\ntitle: Plain\ndate: 2024-01-01\n---\nx\n",
}


def named_site(root: Path) -> Path:
    files = {name: text for name, text in NAMED.items() if name != "hugo.toml"}
    return hugo_site_of(root, files, NAMED["hugo.toml"])


def test_a_hugo_sites_frontmatter_dates_pages_by_their_file_names(tmp_path: Path) -> None:
    # feedkit read no [frontmatter]: the first and the bundle were at their files' paths,
    # not their names' slugs (tests/test_oracles.py builds the site with Hugo).
    site = named_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    assert [(i["url"], i["date_published"][:10]) for i in items] == [
        ("https://example.com/blog/posts/own/", "2024-03-01"),
        ("https://example.com/blog/posts/trip/", "2024-02-03"),
        ("https://example.com/blog/posts/a-named-post/", "2024-02-01"),
        ("https://example.com/blog/posts/plain/", "2024-01-01"),
    ]
    # Dated by its file's time: feedkit dates no post so, and says why it leaves it out.
    (site / "hugo.toml").write_text(NAMED["hugo.toml"].replace(":filename", ":fileModTime"))
    (site / "content" / "posts" / "undated.md").write_text("---\ntitle: Undated\n---\nx\n")
    checked = run(site, "check")
    assert (
        "content/posts/undated.md: skipped: a page without a date in its front matter, which "
        "Hugo dates by its file's time or its last commit (the site's [frontmatter]): feedkit "
        "dates no post so; add 'date: …' to publish it in the feeds"
    ) in checked.stderr.splitlines()


# Without `:filename` in its [frontmatter], Hugo dates no page by its file's name: one named
# as Jekyll names posts, and undated, is undated in Hugo's lists, and keeps its whole name.
JEKYLL_NAMED = {
    "content/posts/2024-01-02-undated.md": "---\ntitle: Undated, named\n---\nx\n",
    "content/posts/2024-03-04-dated.md": "---\ntitle: Dated, named\ndate: 2024-03-04\n---\nx\n",
    "content/posts/plain.md": "---\ntitle: Plain\ndate: 2024-05-06\n---\nx\n",
}


def jekyll_named_site(root: Path) -> Path:
    return hugo_site_of(root, JEKYLL_NAMED)


def test_a_hugo_page_named_as_jekyll_names_posts_is_not_dated_by_its_name(
    tmp_path: Path,
) -> None:
    # feedkit dated 2024-01-02-undated.md by its name (a Jekyll post's rule) and published
    # it, which Hugo lists dated 0001-01-01 (tests/test_oracles.py builds the site with Hugo).
    site = jekyll_named_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    assert [(i["url"], i["date_published"][:10]) for i in items] == [
        ("https://example.com/blog/posts/plain/", "2024-05-06"),
        ("https://example.com/blog/posts/2024-03-04-dated/", "2024-03-04"),
    ]
    checked = run(site, "check")
    assert f"content/posts/2024-01-02-undated.md: skipped: {DATELESS_PAGE}" in (
        checked.stderr.splitlines()
    )


def test_a_hugo_page_in_another_format_than_markdown_is_said_to_be_left_out(
    tmp_path: Path,
) -> None:
    # Hugo publishes HTML and Emacs Org pages itself (Hugo 0.168 only where the site's
    # security.allowContent allows them, and refuses the build otherwise), AsciiDoc, Pandoc
    # and reStructuredText ones with their tools; feedkit, which reads Markdown only, left
    # them out of the feeds without a word. A bundle's resource and a page outside the
    # main sections are no posts either way: nothing is said of them.
    files = {
        "posts/plain.md": "---\ntitle: Plain\ndate: 2024-01-01\n---\nx\n",
        "posts/page.html": "---\ntitle: In HTML\ndate: 2024-01-02\n---\n<p>x</p>\n",
        "posts/notes.org": "#+TITLE: In Org\n#+DATE: 2024-01-03\n\nx\n",
        "posts/trip/index.md": "---\ntitle: Trip\ndate: 2024-01-04\n---\nx\n",
        "posts/trip/map.html": "<p>a resource</p>\n",
        "search.html": "---\ntitle: Search\n---\n",
    }
    hugo_site_of(tmp_path, {f"content/{name}": text for name, text in files.items()})
    left_out = (
        "(a current Hugo refuses to build the site otherwise; older ones publish it): feedkit "
        "reads Markdown only, so the feeds leave it out; write it in Markdown to have it in them"
    )
    allows = "which Hugo publishes where the site's security.allowContent allows"
    said = [
        f"content/posts/notes.org: warning: skipped: a page in Emacs Org, {allows} text/org "
        + left_out,
        f"content/posts/page.html: warning: skipped: a page in HTML, {allows} text/html "
        + left_out,
    ]
    for command in ("build", "check"):
        result = run(tmp_path, command)
        assert result.exit_code == 0, result.output
        assert [line for line in result.stderr.splitlines() if "warning" in line] == said
        assert "map.html" not in result.stderr and "search.html" not in result.stderr
    assert feed_items(tmp_path) == [("Trip", []), ("Plain", [])]


SYMBOL_NAMED = {
    "content/posts/¶ & 🔗/index.md": "---\ntitle: Symbols\ndate: 2024-01-02\n---\nx\n",
    "content/posts/Tom & Jerry.md": "---\ntitle: Cat\ndate: 2024-01-03\n---\nx\n",
}


def symbol_named_site(root: Path) -> Path:
    return hugo_site_of(root, SYMBOL_NAMED)


def test_a_hugo_page_whose_name_makes_no_slug_is_published_where_hugo_publishes_it(
    tmp_path: Path,
) -> None:
    # `¶ & 🔗/index.md` stopped the build ("cannot make a URL slug"); Hugo publishes it at
    # /posts/--/, its name made a path (tests/test_oracles.py builds the site with Hugo).
    site = symbol_named_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    assert [i["url"] for i in items] == [
        "https://example.com/blog/posts/tom--jerry/",
        "https://example.com/blog/posts/--/",
    ]


LEAD_SPACE = {
    "content/posts/lead.md": "\n \n---\ntitle: Lead\ndate: 2024-01-02\n---\n\nHi *there*.\n",
    "content/posts/plain.md": "---\ntitle: Plain\ndate: 2024-01-03\n---\nx\n",
}


def lead_space_site(root: Path) -> Path:
    return hugo_site_of(root, LEAD_SPACE)


def test_a_hugo_page_with_blank_lines_before_its_front_matter_is_read_as_hugo_reads_it(
    tmp_path: Path,
) -> None:
    # Hugo's page parser passes white space before the front matter over; feedkit read the
    # page as having none, and left it out as undated (tests/test_oracles.py checks Hugo).
    site = lead_space_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    assert [(i["title"], i["content_html"]) for i in items] == [
        ("Plain", "<p>x</p>\n"),
        ("Lead", "<p>Hi <em>there</em>.</p>\n"),
    ]
    # A mistake in it is said at its line in the file.
    (site / "content/posts/lead.md").write_text("\n\n---\ntitle: [x\n---\n", encoding="utf-8")
    broken = run(site, "build")
    assert broken.exit_code == 1
    assert "content/posts/lead.md:5: YAML front matter:" in broken.stderr


UNREAD_FILES = {
    "content/posts/real.md": "---\ntitle: Real\ndate: 2024-01-02\n---\nx\n",
    # An Obsidian template: Hugo never reads it; feedkit stopped at its date.
    "content/posts/templates/tpl.md": "---\ntitle: T {{title}}\ndate: '{{date:YYYY-MM-DD}}'\n---\n",
    "content/posts/templates/deep/d.md": "---\ntitle: Deep\ndate: 2024-01-03\n---\nx\n",
    "content/posts/Other/o.md": "---\ntitle: O\ndate: 2024-01-04\n---\nx\n",
    "content/posts/Other/keep.md": "---\ntitle: Keep\ndate: 2024-01-05\n---\nx\n",
    "content/posts/drafty.md": "---\ntitle: Drafty\ndate: 2024-01-06\n---\nx\n",
}
UNREAD_CONFIG = (
    HUGO_TOML + 'ignoreFiles = ["drafty\\\\.md$"]\n[[module.mounts]]\nsource = "content"\n'
    'target = "content"\nexcludeFiles = ["posts/Templates/*", "**/O*.md"]\n'
)


def unread_files_site(root: Path) -> Path:
    return hugo_site_of(root, UNREAD_FILES, UNREAD_CONFIG)


def ignored_files_site(root: Path) -> Path:
    config = HUGO_TOML + 'ignoreFiles = ["drafty\\\\.md$", "/templates/"]\n'
    return hugo_site_of(root, UNREAD_FILES, config)


def test_the_content_files_a_hugo_site_tells_hugo_not_to_read_are_no_posts(
    tmp_path: Path,
) -> None:
    # ignoreFiles, and the content mount's excludeFiles (case aside; `*` takes in a folder
    # and all under it): feedkit read them, and stopped at a template's `{{date}}`.
    site = unread_files_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    assert [i["title"] for i in items] == ["Keep", "Real"]
    assert "tpl.md" not in run(site, "check").stderr  # nothing of Hugo's to list
    # includeFiles: only what it names
    config = UNREAD_CONFIG.replace("excludeFiles", 'includeFiles = "posts/real.md"\n#')
    hugo_site_of(site, {}, config)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    assert [i["title"] for i in items] == ["Real"]
    # One Python cannot read is said, naming the file (Hugo stops too).
    hugo_site_of(site, {}, HUGO_TOML + 'ignoreFiles = ["(x"]\n')
    broken = run(site, "build")
    assert broken.exit_code == 1
    assert "hugo.toml: ignoreFiles: '(x' is not a regular expression" in broken.stderr


# Hugo 0.153's replacement for includeFiles and excludeFiles (0.168 stops at those).
FILES_CONFIG = UNREAD_CONFIG.replace(
    'excludeFiles = ["posts/Templates/*", "**/O*.md"]',
    'files = ["! posts/Templates/*", "! **/O*.md"]',
)


def files_site(root: Path) -> Path:
    return hugo_site_of(root, UNREAD_FILES, FILES_CONFIG)


def test_a_hugo_sites_files_setting_leaves_out_what_hugo_leaves_out(tmp_path: Path) -> None:
    # feedkit did not read the content mount's `files`, and stopped at the template's
    # `{{date}}` that Hugo never reads (tests/test_oracles.py checks with Hugo).
    assert "excludeFiles" not in FILES_CONFIG
    site = files_site(tmp_path)
    _, items = built_items(site)
    assert [i["title"] for i in items] == ["Keep", "Real"]
    # The first pattern that matches decides: here the one that takes in every file.
    hugo_site_of(site, {}, FILES_CONFIG.replace('files = ["!', 'files = ["**", "!'))
    broken = run(site, "build")
    assert broken.exit_code == 1
    assert "content/posts/templates/tpl.md:3: date:" in broken.stderr


# Which files of tests/fixtures/hugo-files Hugo 0.168 read as pages under each `files`
# glob slice of its content mount (its record.py).
HUGO_FILES = FIXTURES / "hugo-files"
HUGO_FILES_READ: list[dict[str, Any]] = json.loads((HUGO_FILES / "read.json").read_bytes())


@pytest.mark.parametrize("case", HUGO_FILES_READ, ids=lambda case: json.dumps(case["files"]))
def test_the_files_setting_is_read_as_hugo_reads_it(tmp_path: Path, case: dict[str, Any]) -> None:
    shutil.copytree(HUGO_FILES / "content", tmp_path / "content")
    config = (
        'baseURL = "https://example.com/"\nmainSections = ["posts", "notes"]\n[module]\n'
        '[[module.mounts]]\nsource = "content"\ntarget = "content"\nfiles = '
    )
    site = hugo_site_of(tmp_path, {}, config + json.dumps(case["files"]) + "\n")
    _, items = built_items(site)
    assert sorted(i["title"] for i in items) == case["pages"]


CAPITAL_KEYS = {
    "content/posts/capital.md": "---\nTitle: Capital keys\nDate: 2010-07-27T10:15:00Z\n"
    "Tags: [Linux]\nDraft: false\n---\nx\n",
    # Another spelling wins over the one in lower case, as in Hugo.
    "content/posts/mixed.md": "---\ntitle: Not this\nTitle: This one\ndate: 2011-01-01\n---\nx\n",
    "content/posts/drafted.md": "---\ntitle: Drafted\ndate: 2012-01-01\nDRAFT: true\n---\nx\n",
}


def capital_keys_site(root: Path) -> Path:
    return hugo_site_of(root, CAPITAL_KEYS)


def test_a_hugo_pages_front_matter_keys_are_read_in_any_case(tmp_path: Path) -> None:
    # Hugo reads `Title:` and `Date:` as `title` and `date`: feedkit left the post out as
    # undated, and titled another by its file's name.
    site = capital_keys_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    assert [(i["title"], i["date_published"][:10], i.get("tags")) for i in items] == [
        ("This one", "2011-01-01", None),
        ("Capital keys", "2010-07-27", ["Linux"]),
    ]
    # A mistake in one is said at its line.
    (site / "content/posts/capital.md").write_text("---\nTitle: T\nDate: soon\n---\n", "utf-8")
    assert "content/posts/capital.md:3: date: cannot read 'soon'" in run(site, "build").stderr


SITE_SHORTCODES = {
    "layouts/shortcodes/note.html": (
        '<aside class="note"><strong>Note:</strong> {{ .Inner | markdownify }}</aside>'
    ),
    "layouts/shortcodes/subscribe.html": (
        '<div class="box">{{- /* a box */ -}}\n  <h3>{{ .Get "headline" }}</h3>'
        '<p>{{ .Get "text" }} on {{ .Page.Title }}</p></div>'
    ),
    "layouts/shortcodes/say.html": "<em>{{ .Get 0 | upper }}</em>",
    "layouts/shortcodes/clever.html": "{{ if .Get 0 }}<b>{{ .Get 0 }}</b>{{ end }}",
    "content/posts/a.md": "---\ntitle: A & B\ndate: 2024-01-02\n---\nBefore.\n\n"
    "{{< note >}}Remember to *back up* first.{{< /note >}}\n\n"
    '{{< subscribe text="22 <steps>" headline="Get the checklist" >}}\n\n'
    'I {{< say "hi" >}} you.\n\n{{< clever "x" >}}\n\nAfter.\n',
}


def site_shortcodes_site(root: Path) -> Path:
    return hugo_site_of(
        root, SITE_SHORTCODES, HUGO_TOML + "[markup.goldmark.renderer]\nunsafe = true\n"
    )


def test_a_hugo_sites_own_shortcodes_are_run_when_feedkit_can(tmp_path: Path) -> None:
    # They were all unknown: the note's label and the box's text left out of the feed.
    site = site_shortcodes_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    # A template with other actions (`if`) is not run, and said.
    assert built.stderr == (
        "content/posts/a.md:13: warning: unknown shortcode 'clever'; left out\n"
    )
    (html,) = [
        i["content_html"] for i in json.loads((site / "public/feed.json").read_bytes())["items"]
    ]
    assert (
        '<aside class="note"><strong>Note:</strong> Remember to <em>back up</em> first.</aside>'
        in html
    )
    assert (
        '<div class="box"><h3>Get the checklist</h3><p>22 &lt;steps&gt; on A &amp; B</p></div>'
    ) in html
    assert "<p>I <em>HI</em> you.</p>" in html

    # A change to a template is seen by the next `feedkit build`, also where it first looks
    # whether anything changed at all (feedkit/site/uptodate.py), every file settled.
    def settle(*paths: Path) -> None:
        for path in paths:
            status = path.stat()
            os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns - 60_000_000_000))

    def settled_build() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "feedkit", "build"],
            cwd=site,
            env={**os.environ, **NOW_ENV},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    settle(*(p for p in site.rglob("*") if not {".feedkit", "public"} & set(p.parts)))
    settled_build()
    assert "up to date" in settled_build()
    note = site / "layouts/shortcodes/note.html"
    note.write_text('<aside class="tip">{{ .Inner | markdownify }}</aside>', encoding="utf-8")
    settle(note, note.parent)
    assert "up to date" not in settled_build()
    items = json.loads((site / "public/feed.json").read_bytes())["items"]
    assert (
        '<aside class="tip">Remember to <em>back up</em> first.</aside>' in items[0]["content_html"]
    )


UNREADABLE = """\
---
title: Unreadable
date: 2024-01-02
---
A figure: {{< figure src="/a.png" alt="A cat >}}

No names: {{< >}}, {{<>}}, {{< / >}} and {{<
>}}

Shown: {{</* figure src="/b.png" */>}}. Mixed: {{</* figure */%}} then {{< youtube abc >}}

{{< highlight go >}}
x := 1
{{< /highlight

Last: {{< youtube ` >}}
"""


def test_a_shortcode_hugo_cannot_read_is_said_at_its_line_and_left_as_written(
    tmp_path: Path,
) -> None:
    # Each of these stops Hugo's build; feedkit passed them into the feed as text with
    # nothing said. The escape that shows a shortcode is no problem, and one of mixed
    # markers no longer swallows the shortcode after it.
    site = hugo_site_of(tmp_path, {"content/posts/a.md": UNREADABLE})
    said = (
        'content/posts/a.md:5: warning: figure: shortcode not understood (a " never closed); '
        "left as written\n"
        "content/posts/a.md:7: warning: shortcode with no name; left as written\n"
        "content/posts/a.md:10: warning: figure: shortcode not understood (an escape is "
        "{{</* figure */>}}); left as written\n"
        "content/posts/a.md:12: warning: highlight: never closed by {{< /highlight >}}; left "
        "out, the text after it kept\n"
        "content/posts/a.md:14: warning: highlight: shortcode not understood (no >}} after "
        "it); left as written\n"
        "content/posts/a.md:16: warning: youtube: shortcode not understood (a ` never "
        "closed); left as written\n"
    )
    for command in ("build", "check"):
        result = run(site, command)
        assert result.exit_code == 0, result.output
        assert result.stderr == said
    feed = feedparser.parse((site / "public" / "atom.xml").read_bytes())
    html = feed.entries[0].content[0].value.replace("&#123;", "{")
    assert '<p>A figure: {{&lt; figure src="/a.png" alt=“A cat &gt;}}</p>' in html
    assert "No names: {{&lt; &gt;}}, {{&lt;&gt;}}, {{&lt; / &gt;}} and {{&lt;" in html
    assert (
        'Shown: {{&lt; figure src="/b.png” &gt;}}. Mixed: {{&lt;/* figure */%}} then '
        '<a href="https://www.youtube.com/watch?v=abc">YouTube video</a>'
    ) in html
    assert "{{&lt; /highlight" in html and "Last: {{&lt; youtube ` &gt;}}" in html
    assert run(site, "build", "--strict").exit_code == 1


def test_a_shortcode_that_shows_its_inner_text_and_is_never_closed_is_said(
    tmp_path: Path,
) -> None:
    # Hugo stops the build at a shortcode whose template shows its inner text (`.Inner`)
    # that is neither closed nor self-closing; feedkit made it with no inner text, an empty
    # code block or box, the text after it, with nothing said. A site's own template with
    # `.Inner` is one (note), one without is not (say).
    post = (
        "---\ntitle: A\ndate: 2024-01-02\n---\n"
        "{{< highlight go >}}\nx := 1\n\n"
        '{{% details summary="More" %}}\nHidden text.\n\n'
        "{{< note >}}Remember.\n\n"
        '{{< say "hi" >}} and {{< details />}}\n'
    )
    site = site_shortcodes_site(tmp_path)
    (site / "content/posts/a.md").write_text(post, encoding="utf-8")
    for command in ("build", "check"):
        result = run(site, command)
        assert result.exit_code == 0, result.output
        assert result.stderr == (
            "content/posts/a.md:5: warning: highlight: never closed by {{< /highlight >}}; "
            "left out, the text after it kept\n"
            "content/posts/a.md:8: warning: details: never closed by {{% /details %}}; "
            "left out, the text after it kept\n"
            "content/posts/a.md:11: warning: note: never closed by {{< /note >}}; "
            "left out, the text after it kept\n"
        )
    assert item(site, "A")["content_html"] == (
        "<p>x := 1</p>\n<p>Hidden text.</p>\n<p>Remember.</p>\n"
        "<p><em>HI</em> and</p>\n<details><summary>Details</summary>\n</details>\n"
    )


def test_a_sites_shortcodes_get_by_position_reads_the_number_as_go_does(tmp_path: Path) -> None:
    # `.Get` and 4,301 digits stopped the build with a ValueError's traceback (Python reads
    # no more than 4,300). Go reads a leading 0 as octal: Hugo 0.111 shows `.Get 000…0` as
    # the first argument, `.Get 010` as the ninth, and cannot parse a template whose number
    # is past 64 bits, which feedkit does not run.
    files = {
        "layouts/shortcodes/zeros.html": "<b>{{ .Get " + "0" * 4301 + " }}</b>",
        "layouts/shortcodes/octal.html": "<i>{{ .Get 010 }}</i>",
        "layouts/shortcodes/huge.html": "<u>{{ .Get " + "9" * 4301 + " }}</u>",
        "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\n"
        '{{< zeros "first" >}} {{< octal a b c d e f g h i j >}}\n\n{{< huge "x" >}}\n',
    }
    site = hugo_site_of(tmp_path, files)
    for command in ("build", "check"):
        result = run(site, command)
        assert result.exit_code == 0, result.output
        assert (
            result.stderr == "content/posts/a.md:7: warning: unknown shortcode 'huge'; left out\n"
        )
    (item,) = json.loads((site / "public/feed.json").read_bytes())["items"]
    assert item["content_html"] == "<p><b>first</b> <i>i</i></p>\n"


def test_a_theme_whose_name_is_too_long_for_a_file_is_read_as_missing(
    tmp_path: Path,
) -> None:
    # `theme` 256 letters long with a themes/ folder there: looking for the theme's render
    # hooks and shortcode templates stopped the build with an OSError's traceback (the
    # name is too long for a file's). Hugo says no such theme; the site's own are read.
    config = HUGO_TOML + f'theme = "{"a" * 256}"\n'
    files = {
        **SITE_SHORTCODES,
        "themes/other/layouts/shortcodes/clever.html": "<b>clever</b>",
    }
    site = hugo_site_of(tmp_path, files, config)
    for command in ("build", "check"):
        result = run(site, command)
        assert result.exit_code == 0, result.output
        assert result.stderr == (
            "content/posts/a.md:13: warning: unknown shortcode 'clever'; left out\n"
        )
    (item,) = json.loads((site / "public/feed.json").read_bytes())["items"]
    assert "<p>I <em>HI</em> you.</p>" in item["content_html"]


def test_a_list_of_themes_gives_shortcodes_from_each_the_left_most_first(
    tmp_path: Path,
) -> None:
    # `theme = ["child", "parent"]`: Hugo looks a template up in the site, then in each
    # theme from the left. feedkit read the first theme's only, and a shortcode of the
    # second was unknown, left out.
    files = {
        "themes/child/layouts/shortcodes/badge.html": "<b>child {{ .Get 0 }}</b>",
        "themes/parent/layouts/shortcodes/badge.html": "<i>parent {{ .Get 0 }}</i>",
        "themes/parent/layouts/shortcodes/tip.html": "<u>{{ .Get 0 }}</u>",
        "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\n"
        '{{< badge "new" >}} and {{< tip "wait" >}}\n',
    }
    site = hugo_site_of(tmp_path, files, HUGO_TOML + 'theme = ["child", "parent"]\n')
    for command in ("build", "check"):
        result = run(site, command)
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
    (item,) = json.loads((site / "public/feed.json").read_bytes())["items"]
    assert item["content_html"] == "<p><b>child new</b> and <u>wait</u></p>\n"


def test_a_hugo_pages_build_options_are_read_in_any_case(tmp_path: Path) -> None:
    # `Build: {List: never}`, as Hugo reads keys: the page is in no list, so in no feed.
    hugo_site_of(
        tmp_path,
        {
            "content/posts/hidden.md": "---\ntitle: Hidden\ndate: 2024-01-02\n"
            "Build:\n  List: never\n---\nx\n",
            "content/posts/shown.md": "---\ntitle: Shown\ndate: 2024-01-03\n---\nx\n",
        },
    )
    assert run(tmp_path, "build").exit_code == 0
    items = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    assert [i["title"] for i in items] == ["Shown"]


REF_BY_NAME = {
    "content/post/a.md": "---\ntitle: A\ndate: 2016-04-01\n---\nPost A.\n",
    "content/post/c.md": "---\ntitle: C\ndate: 2016-05-01\n---\n"
    '[bare]({{< relref "a.md" >}}) [noext]({{< relref "a" >}}) [ref]({{< ref "a.md" >}}) '
    '[none]({{< relref "nowhere.md" >}}).\n',
}


def ref_by_name_site(root: Path) -> Path:
    return hugo_site_of(root, REF_BY_NAME)


def test_a_ref_to_a_post_by_its_file_name_finds_it_and_one_to_none_links_nowhere(
    tmp_path: Path,
) -> None:
    # `relref "a.md"` (a sibling by its file's name, ending and all) was "no post", and the
    # link went to the post itself, as every unresolved one did: now to nothing, its text kept.
    site = ref_by_name_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    assert built.stderr == (
        "content/post/c.md:5: warning: relref: no post 'nowhere.md' in the content folder\n"
    )
    (html,) = [
        i["content_html"]
        for i in json.loads((site / "public/feed.json").read_bytes())["items"]
        if i["title"] == "C"
    ]
    a = "https://example.com/blog/post/a/"
    assert html == (
        f'<p><a href="{a}">bare</a> <a href="{a}">noext</a> <a href="{a}">ref</a> '
        "<a>none</a>.</p>\n"
    )


# Pages outside the posts with their own url, and a post that links to them (Hugo 0.168
# links `/about/` and `/dotted/`, as tests/test_oracles.py checks).
REF_TO_OWN_URL = {
    "content/about.md": "---\ntitle: About\nurl: /about\n---\nMe.\n",
    "content/dotted.md": "---\ntitle: Dotted\nurl: /x/../dotted\n---\nMe.\n",
    "content/posts/p.md": "---\ntitle: P\ndate: 2024-01-01\n---\n"
    '[a]({{< relref "about.md" >}}) [d]({{< relref "dotted.md" >}})\n',
}


def ref_to_own_url_site(root: Path) -> Path:
    return hugo_site_of(root, REF_TO_OWN_URL)


def test_a_ref_to_a_page_with_its_own_url_links_where_hugo_publishes_it(tmp_path: Path) -> None:
    # The links were `…/about` and `…/x/../dotted`, where Hugo has no page.
    site = ref_to_own_url_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    (item,) = json.loads((site / "public/feed.json").read_bytes())["items"]
    assert item["content_html"] == (
        '<p><a href="https://example.com/blog/about/">a</a> '
        '<a href="https://example.com/blog/dotted/">d</a></p>\n'
    )


PRODUCTION = {
    "config/_default/hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\n'
    '[permalinks]\nnotes = "/n/:slug/"\n',
    "config/_default/params.toml": 'mainSections = ["posts"]\n',
    # What `hugo` builds with by default: over config/_default/, key by key.
    "config/production/hugo.toml": '[permalinks]\nposts = "/post/:slug/"\n',
    "content/posts/lru.md": "---\ntitle: LRU\ndate: 2022-05-30\nslug: 7a57e53d\n---\nx\n",
}


def production_site(root: Path) -> Path:
    for name, text in PRODUCTION.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    return root


def test_a_hugo_sites_production_configuration_is_read_over_its_default(tmp_path: Path) -> None:
    # config/production/ was not read: its [permalinks] lost, every link and ID another.
    site = production_site(tmp_path)
    built = run(site, "build")
    assert built.exit_code == 0, built.output
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    assert [i["url"] for i in items] == ["https://example.com/blog/post/7a57e53d/"]


def feed_urls(root: Path) -> list[str]:
    """Return the URLs of the site's JSON Feed items, after a build."""
    built = run(root, "build")
    assert built.exit_code == 0, built.output
    items = json.loads((root / "public" / "feed.json").read_bytes())["items"]
    return sorted(item["url"] for item in items)


@pytest.mark.parametrize("languages", ["", "[languages.en]\n[languages.fr]\n"])
def test_a_file_name_ends_in_a_language_only_when_the_site_has_it(
    tmp_path: Path, languages: str
) -> None:
    # feedkit read every `.xx` ending as a translation: node.js.md left the feed (Hugo 0.168
    # publishes /posts/node.js/; tests/test_oracles.py builds it with Hugo).
    posts = {
        f"content/posts/{name}.md": f"---\ntitle: {name}\ndate: 2024-05-0{n + 1}\n---\nText.\n"
        for n, name in enumerate(["node.js", "b.fr", "d.en"])
    }
    hugo_site_of(tmp_path, posts, HUGO_TOML + languages)
    expected = ["https://example.com/blog/posts/d/", "https://example.com/blog/posts/node.js/"]
    if not languages:
        expected.insert(0, "https://example.com/blog/posts/b.fr/")
    assert feed_urls(tmp_path) == expected


@pytest.mark.parametrize(
    ("ugly", "expected"),
    [
        ("uglyURLs = true\n", ["/posts/a-slug.html", "/posts/b.html"]),
        (
            'uglyURLs = true\n[permalinks]\nposts = "/:year/:month/:slug/"\n',
            ["/2024/05/a-slug.html", "/2024/05/b.html"],
        ),
        ('uglyURLs = true\n[permalinks]\nposts = "/:filename"\n', ["/a.html", "/b.html"]),
        ("[uglyURLs]\nposts = true\n", ["/posts/a-slug.html", "/posts/b.html"]),
        ("[uglyURLs]\nnotes = true\n", ["/posts/a-slug/", "/posts/b/"]),
    ],
)
def test_ugly_urls_end_a_posts_url_in_html(tmp_path: Path, ugly: str, expected: list[str]) -> None:
    # As Hugo 0.168 gives them (tests/test_oracles.py): feedkit ended each in a slash.
    posts = {
        "content/posts/a.md": "---\ntitle: A\ndate: 2024-05-01\nslug: a-slug\n---\nText.\n",
        "content/posts/b/index.md": "---\ntitle: B\ndate: 2024-05-02\n---\nText.\n",
    }
    hugo_site_of(tmp_path, posts, HUGO_TOML + ugly)
    assert feed_urls(tmp_path) == ["https://example.com/blog" + path for path in expected]


def test_a_pages_description_is_not_its_summary(tmp_path: Path) -> None:
    # Hugo's RSS shows .Summary, which front matter's `summary` sets, not a theme's
    # `description` (tests/test_oracles.py builds it with Hugo 0.168).
    posts = {
        "content/posts/a.md": "---\ntitle: A\ndate: 2024-05-01\ndescription: Desc A\n---\n"
        "Body of A.\n",
        "content/posts/b.md": "---\ntitle: B\ndate: 2024-05-02\ndescription: Desc B\n"
        "summary: Sum B\n---\nBody of B.\n",
    }
    hugo_site_of(tmp_path, posts)
    assert run(tmp_path, "build").exit_code == 0
    items = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    assert [item["summary"] for item in items] == ["Sum B", "Body of A."]


def test_a_permalinks_date_is_the_pages_date_not_its_publish_date(tmp_path: Path) -> None:
    # Hugo fills :year and :month from .Date: a post dated in January and published in
    # March is at /2023/01/…; feedkit's was /2023/03/…, a 404 and a new ID.
    posts = {
        "content/posts/p.md": "---\ntitle: P\ndate: 2023-01-15\npublishDate: 2023-03-02\n---\nx\n",
        "content/posts/q.md": "---\ntitle: Q\npublishDate: 2023-04-02\n---\nx\n",
    }
    hugo_site_of(tmp_path, posts, HUGO_TOML + '[permalinks]\nposts = "/:year/:month/:slug/"\n')
    assert feed_urls(tmp_path) == [
        "https://example.com/blog/2023/01/p/",
        "https://example.com/blog/2023/04/q/",
    ]
    items = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    assert [i["date_published"][:10] for i in items] == ["2023-04-02", "2023-03-02"]


def test_a_front_matter_url_without_a_dot_ends_in_a_slash(tmp_path: Path) -> None:
    # Hugo publishes `url: /2015/03/moved` at /2015/03/moved/ (its index.html); feedkit's
    # link and ID had no slash: every such post (WordPress moves write them) new again.
    urls = ["/2015/03/moved", "blog/rel", "/a/c.html", "/v1.2/w", "/d/e/"]
    head = '---\ntitle: P{n}\ndate: 2024-05-0{day}\nurl: "{url}"\n---\nx\n'
    posts = {
        f"content/posts/p{n}.md": head.format(n=n, day=n + 1, url=url) for n, url in enumerate(urls)
    }
    hugo_site_of(tmp_path, posts)
    assert feed_urls(tmp_path) == [
        "https://example.com/blog/2015/03/moved/",
        "https://example.com/blog/a/c.html",
        "https://example.com/blog/blog/rel/",
        "https://example.com/blog/d/e/",
        "https://example.com/blog/v1.2/w",
    ]


def test_a_hugo_site_whose_content_sits_beside_its_folder_is_read_there(tmp_path: Path) -> None:
    # alexos.dev: its configuration in src/ with contentDir = "../content". `feedkit init`
    # refused the '..' and wrote content_dir = ".", and every build was empty and "OK".
    site = tmp_path / "src"
    site.mkdir()
    (site / "hugo.toml").write_text(
        'baseURL = "https://h.example.org/"\ntitle = "H"\ncontentDir = "../content"\n',
        encoding="utf-8",
    )
    posts = tmp_path / "content" / "posts"
    posts.mkdir(parents=True)
    (posts / "a.md").write_text(
        '---\ntitle: A\ndate: 2024-01-01\n---\nSee [b]({{< ref "posts/b.md" >}}).\n', "utf-8"
    )
    (posts / "b.md").write_text("---\ntitle: B\ndate: 2024-01-02\n---\nB.\n", "utf-8")
    started = CliRunner().invoke(main, ["init", str(site)], env=NOW_ENV)
    assert started.exit_code == 0, started.output
    assert "must not contain" not in started.output
    assert 'content_dir = "../content"' in (site / "feedkit.toml").read_text("utf-8")
    built = run(site, "build")
    assert built.exit_code == 0 and built.stderr == "", built.output
    assert [title for title, _ in feed_items(site)] == ["B", "A"]
    items = json.loads((site / "public" / "feed.json").read_bytes())["items"]
    assert 'href="https://h.example.org/posts/b/"' in items[1]["content_html"]


def test_a_hugo_sites_extras_and_render_hooks_are_said_not_to_be_followed(tmp_path: Path) -> None:
    # HiraethEcho/lichtung: Goldmark's extras on, `==marked==` and `H~2~O` as typed in every
    # feed; ItsDrike's render-image hook (a figure with a caption) ignored: no word of either.
    config = (
        HUGO_TOML + "[markup.goldmark.extensions.extras.mark]\nenable = true\n"
        "[markup.goldmark.extensions.extras.subscript]\nenable = true\n"
    )
    files = {
        "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nSome ==marked== H~2~O.\n",
        "content/posts/b.md": "---\ntitle: B\ndate: 2024-01-02\n---\n![Key](key.png)\n",
        "layouts/_markup/render-image.html": '<figure><img src="{{ .Destination }}"></figure>',
    }
    hugo_site_of(tmp_path, files, config)
    said = [
        "hugo.toml:1: warning: markup.goldmark.extensions.extras: feedkit does not follow "
        "Goldmark's extras (==marked==, H~2~O reach feeds as typed)",
        "layouts/_markup/render-image.html:1: warning: Hugo renders each image with this "
        "template, which feedkit does not run: feeds show what the Markdown makes",
    ]
    for command in ("build", "check"):
        result = run(tmp_path, command)
        assert result.exit_code == 0, result.output
        assert [line for line in result.stderr.splitlines() if "warning" in line] == said


def test_hugos_embedded_link_hook_is_on_unless_the_site_has_its_own(tmp_path: Path) -> None:
    # useEmbedded = "auto" (Hugo's default) on a multilingual site: the embedded hook, but
    # not where the site or its theme has a render-link.html of its own (which feedkit
    # does not run: said as such).
    from feedkit.posts.hugoconfig import hugo_settings

    config = HUGO_TOML + 'theme = "t"\n[languages.en]\n[languages.fr]\n'
    hugo_site_of(tmp_path, {}, config)
    assert hugo_settings((tmp_path,)).link_hook
    hook = tmp_path / "themes" / "t" / "layouts" / "_default" / "_markup" / "render-link.html"
    hook.parent.mkdir(parents=True)
    hook.write_text('<a href="{{ .Destination }}">{{ .Text }}</a>', encoding="utf-8")
    settings = hugo_settings((tmp_path,))
    assert not settings.link_hook
    assert [shown for shown, _ in settings.unfollowed] == [
        "themes/t/layouts/_default/_markup/render-link.html"
    ]


# A Hugo site in English (its default language) and Chinese, published under /zh-cn/.
MULTILINGUAL = {
    "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\n'
    'defaultContentLanguage = "en"\n[languages.en]\nweight = 1\n'
    '[languages.zh-cn]\nweight = 2\ntitle = "H 中文"\n[permalinks]\nposts = "/:year/:slug/"\n',
    "content/posts/hello.md": "---\ntitle: Hello\ndate: 2024-01-02\n---\nHi.\n",
    "content/posts/hello.zh-cn.md": "---\ntitle: 你好\ndate: 2024-01-02\n---\n嗨。\n",
    "content/posts/only.zh-cn.md": "---\ntitle: Only zh\ndate: 2024-01-03\n---\n见[图](/a.png)\n",
    "content/posts/own.zh-cn.md": "---\ntitle: Own\ndate: 2024-01-04\nurl: /custom/own/\n---\n嗨\n",
    "content/posts/eng.md": "---\ntitle: Eng\ndate: 2024-01-05\n---\nHi.\n",
}
# The links of Hugo 0.168's /zh-cn/index.xml (tests/test_oracles.py builds it): a page set
# its own `url`, which Hugo puts under no language's folder.
ZH_CN_LINKS = [
    "https://h.example.org/custom/own/",
    "https://h.example.org/zh-cn/2024/only-zh/",
    "https://h.example.org/zh-cn/2024/%E4%BD%A0%E5%A5%BD/",
]


def multilingual_site(site: Path, base_url: str = "https://h.example.org/") -> Path:
    """Write MULTILINGUAL in `site`, set up with `feedkit init`, then in Chinese at
    `base_url`; return its feedkit.toml's path."""
    for name, text in MULTILINGUAL.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    assert CliRunner().invoke(main, ["init", str(site)], env=NOW_ENV).exit_code == 0
    toml = site / "feedkit.toml"
    text = toml.read_text(encoding="utf-8").replace('language = "en"', 'language = "zh-CN"')
    toml.write_text(
        re.sub(r"(?m)^base_url = \".*\"", f'base_url = "{base_url}"', text), encoding="utf-8"
    )
    return toml


@pytest.mark.parametrize("base_url", ["https://h.example.org/", "https://h.example.org/zh-cn/"])
def test_a_hugo_sites_other_language_has_its_posts_at_hugos_urls(
    tmp_path: Path, base_url: str
) -> None:
    # feedkit.toml's language zh-CN: the posts had no /zh-cn/, and an English page with no
    # translation (eng.md) was in the Chinese feed.
    toml = multilingual_site(tmp_path, base_url)
    result = CliRunner().invoke(main, ["check", "-v", "--config", str(toml)], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    assert (
        "content/posts/eng.md: skipped: in the Hugo site's default language ('en', its "
        "defaultContentLanguage); feedkit publishes only the posts in the site's language "
        "('zh-cn', the language in feedkit.toml), named eng.zh-cn.md\n"
    ) in result.output
    result = CliRunner().invoke(main, ["build", "--config", str(toml)], env=NOW_ENV)
    assert result.exit_code == 0, result.output
    feed = feedparser.parse((tmp_path / "public" / "index.xml").read_bytes())
    assert sorted(entry.link for entry in feed.entries) == sorted(ZH_CN_LINKS)
    # A root-relative link is on the site's host, not under /zh-cn/, as on Hugo's page.
    (only,) = [entry for entry in feed.entries if entry.title == "Only zh"]
    assert 'href="https://h.example.org/a.png"' in only.content[0].value


@pytest.mark.parametrize(
    ("theme", "folder", "said"),
    [
        ("stack", None, " (the site's theme stack is not in themes/"),
        ("stack", "", " (the site's theme stack is not in themes/"),  # a submodule's
        ("stack", "theme.toml", ""),  # checked out, without that shortcode
        ('["stack", "ananke"]', "theme.toml", " (the site's theme ananke is not in themes/"),
        ("github.com/CaiJimmy/hugo-theme-stack/v3", None, ""),  # a Hugo Module's: fetched
        ('"stack"\nthemesDir = "../themes"', None, ""),  # kept elsewhere: not said missing
    ],
)
def test_an_unknown_shortcode_of_a_site_whose_theme_is_not_there_says_so(
    tmp_path: Path, theme: str, folder: str | None, said: str
) -> None:
    # A clone without its theme's submodule (themes/stack/ missing, or an empty folder):
    # every shortcode of the theme's is unknown, and the warning says where it would be.
    named = theme if theme[0] in '["' else f'"{theme}"'
    site = hugo_site_of(
        tmp_path,
        {"content/posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nHi.\n\n{{< widget >}}\n"},
        HUGO_TOML + f"theme = {named}\n",
    )
    if folder is not None:
        (site / "themes" / "stack").mkdir(parents=True)
        if folder:
            (site / "themes" / "stack" / folder).write_text("name = 'Stack'\n")
    checked = run(site, "check")
    assert checked.exit_code == 0, checked.output
    warning = "content/posts/a.md:7: warning: unknown shortcode 'widget'; left out"
    hint = f"{said}, where its shortcodes would be: a git submodule not checked out?)"
    hint = hint if said else ""
    assert checked.stderr == warning + hint + "\n"
    assert run(site, "build").stderr == checked.stderr
