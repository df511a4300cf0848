"""A Hugo site's raw HTML and summary divider in its feeds, as Hugo 0.168 makes its pages
(tests/fixtures/hugo-rawhtml, recorded): raw HTML left out without Goldmark's `unsafe`, shown
with it, `feedkit check` saying where; only `<!--more-->` as typed cuts a summary."""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import feedparser
from click.testing import CliRunner, Result

from feedkit.cli import main
from feedkit.site.build import plan_build

from conftest import FIXTURES, NOW, NOW_ENV, SITE_TOML, MakeSite
from digest_site import (
    decoded_part,
    digest_command,
    make_digest_site,
    outbox_messages,
    write_post,
)

RAW_HTML = FIXTURES / "hugo-rawhtml"
RECORDED: dict[str, dict[str, Any]] = json.loads(
    (RAW_HTML / "hugo-0.168.json").read_text(encoding="utf-8")
)
UNSAFE = "\n[markup.goldmark.renderer]\n  unsafe = true\n"


def site(tmp_path: Path, hugo_toml: str = "") -> Path:
    """Return a copy of the fixture site set up for feedkit, `hugo_toml` added to its
    configuration."""
    shutil.copytree(RAW_HTML, tmp_path, dirs_exist_ok=True)
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    with (tmp_path / "hugo.toml").open("a", encoding="utf-8") as config:
        config.write(hugo_toml)
    return tmp_path


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--config", str(root / "feedkit.toml")], env=NOW_ENV)


def items(root: Path) -> dict[str, dict[str, Any]]:
    """Return the JSON Feed's items as `feedkit build` wrote them, by their post's name."""
    assert run(root, "build").exit_code == 0
    feed = json.loads((root / "public" / "feed.json").read_bytes())
    return {item["url"].rstrip("/").rsplit("/", 1)[-1]: item for item in feed["items"]}


def seen(fragment: str) -> str:
    """Return the text a reader sees of HTML, without white space."""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", fragment)))


def elements(fragment: str) -> set[str]:
    return set(re.findall(r"<([a-z][a-z0-9]*)", fragment))


def test_raw_html_is_in_a_hugo_sites_feeds_only_with_unsafe_as_on_its_pages(
    tmp_path: Path,
) -> None:
    found = items(site(tmp_path / "default"))
    assert set(found) == set(RECORDED)
    for name, page in RECORDED.items():
        content = found[name]["content_html"]
        assert seen(content) == seen(page["content"]), name
        # No element Hugo's page lacks (a figure's caption is no paragraph in feedkit's).
        assert elements(content) <= elements(page["content"]) | {"p"}, name
    # Hugo's `{{< >}}` shortcodes are no raw HTML, a `{{% %}}` one's output is.
    shortcodes = found["shortcodes"]["content_html"]
    # (`/a.png` under the site's base URL, as Hugo's feeds make a root-relative URL.)
    assert '<img src="https://example.com/blog/a.png" alt="A">' in shortcodes
    assert "b.png" not in shortcodes and "<details>" in shortcodes
    # With `unsafe`, as written (and as feedkit showed it on every site before).
    found = items(site(tmp_path / "unsafe", UNSAFE))
    assert "Some <b>bold</b>, a <span" in found["inline"]["content_html"]
    assert '<div class="box">\nInside a **box**.\n</div>' in found["blocks"]["content_html"]
    assert (
        '<img src="https://example.com/blog/b.png" alt="B">' in found["shortcodes"]["content_html"]
    )
    assert found["divider"]["summary"] == "The opening, with raw emphasis."


def test_only_hugos_own_divider_cuts_a_hugo_posts_summary(tmp_path: Path) -> None:
    found = items(site(tmp_path / "hugo"))
    for name in ("divider", "spaced-divider", "capital-divider"):
        page = RECORDED[name]
        summary = found[name]["summary"]
        assert page["truncated"] is (name == "divider")
        assert summary.replace(" ", "") == seen(page["summary"]), name
    assert found["spaced-divider"]["summary"] == "The opening. The rest of the post."
    assert found["divider"]["summary"] == "The opening, with raw emphasis."
    # The comments a divider that is not Hugo's is, as every comment: out of the content.
    assert "more" not in found["spaced-divider"]["content_html"]
    # A site that is not Hugo's keeps feedkit's own reading: `<!-- More -->` too.
    plain = tmp_path / "plain"
    post = plain / "content" / "spaced.md"
    post.parent.mkdir(parents=True)
    (plain / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    post.write_text("---\ntitle: S\ndate: 2024-01-05\n---\nOpening.\n\n<!-- More -->\n\nRest.\n")
    assert items(plain)["spaced"]["summary"] == "Opening."


def test_check_says_once_a_post_where_raw_html_is_left_out(tmp_path: Path) -> None:
    root = site(tmp_path)
    result = run(root, "check")
    assert result.exit_code == 0, result.output
    why = (
        "is left out of feeds, as Hugo leaves it out of the site's pages: set "
        "markup.goldmark.renderer.unsafe = true in its configuration to show it"
    )
    expected = [
        f'content/posts/blocks.md:7: warning: raw HTML (<div class="box">) {why}',
        f"content/posts/divider.md:5: warning: raw HTML (<em>) {why}",
        f"content/posts/inline.md:5: warning: raw HTML (<b>) {why}",
        "content/posts/shortcodes.md:7: warning: the raw HTML a {{% %}} shortcode makes "
        f"(<figure>) {why}",
    ]
    assert sorted(line for line in result.stderr.splitlines() if "raw HTML" in line) == expected
    (root / "hugo.toml").write_text(
        (root / "hugo.toml").read_text(encoding="utf-8") + UNSAFE, encoding="utf-8"
    )
    result = run(root, "check")
    assert result.exit_code == 0 and "raw HTML" not in result.stderr


def test_a_hugo_posts_digest_leaves_raw_html_out_and_no_mark_in(tmp_path: Path) -> None:
    make_digest_site(
        tmp_path, [("ada@example.org", "Ada")], posts=0, extra_toml='content = "full"\n'
    )
    (tmp_path / "hugo.toml").write_text('title = "H"\n', encoding="utf-8")
    (tmp_path / "content" / "posts").mkdir(parents=True)
    assert digest_command(tmp_path).exit_code == 0  # the first run: nothing old is sent
    body = 'A <b>raw</b> word.\n\n{{< figure src="https://example.org/a.png" alt="A" >}}\n'
    write_post(tmp_path, "posts/figure", "A figure", NOW - timedelta(hours=1), body)
    done = digest_command(tmp_path)
    assert done.exit_code == 0, done.output
    (raw,) = outbox_messages(tmp_path).values()
    page = decoded_part(raw, "html")
    text = decoded_part(raw, "plain")
    assert "A raw word." in page and '<img src="https://example.org/a.png"' in page
    # The text part is the HTML part's text (raw HTML left out there too, the figure an
    # image's address), with none of the marks that keep a shortcode's tags in.
    assert "A raw word.\r\n\r\n![A](https://example.org/a.png)\r\n" in text
    assert "<" not in text.split("A raw word.")[1] and "\ufdd0" not in text


def test_emoji_codes_in_raw_html_stay_as_written_as_goldmark_leaves_them(tmp_path: Path) -> None:
    # Hugo's emoji codes are Goldmark's, read in the Markdown's text: an HTML block a site
    # with `unsafe` shows is passed through as written (the codes it explains, PaperMod's demo).
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "hugo.toml").write_text(f"enableEmoji = true\n{UNSAFE}", encoding="utf-8")
    post = tmp_path / "content" / "posts" / "codes.md"
    post.parent.mkdir(parents=True)
    post.write_text(
        "---\ntitle: Codes\ndate: 2024-05-01\n---\nType :tada: to get one.\n\n"
        '<p><span class="emojify">🙈</span> <code>:see_no_evil:</code> :rocket:</p>\n',
        encoding="utf-8",
    )
    html = items(tmp_path)["codes"]["content_html"]
    assert "<p>Type 🎉 to get one.</p>" in html
    assert "<code>:see_no_evil:</code> :rocket:</p>" in html


def test_a_posts_attribute_lists_stay_where_its_raw_html_goes(tmp_path: Path) -> None:
    # feedkit reads kramdown's additions in a Hugo post too: their markers are its own HTML.
    root = site(tmp_path)
    (root / "content" / "posts" / "attributes.md").write_text(
        "---\ntitle: Attributes\ndate: 2024-02-01\n---\nA note.\n{: .note}\n\n"
        "With *em*{: .x} and <b>raw</b> HTML about HTML.\n\n*[HTML]: Hyper Text\n",
        encoding="utf-8",
    )
    html = items(root)["attributes"]["content_html"]
    assert '<p class="note">A note.</p>' in html
    assert '<em class="x">em</em> and raw <abbr title="Hyper Text">HTML</abbr>' in html


def test_a_hugo_content_folder_copied_alone_keeps_its_raw_html(tmp_path: Path) -> None:
    # Without its configuration there are no pages of Hugo's to match: leaving the writer's
    # HTML out would only lose it, and check would name a setting in a file not there.
    root = site(tmp_path)
    (root / "hugo.toml").unlink()
    (root / "content" / "posts" / "_index.md").write_text("---\ntitle: Posts\n---\n")
    found = items(root)
    assert "Some <b>bold</b>, a <span" in found["inline"]["content_html"]
    assert '<div class="box">\nInside a **box**.\n</div>' in found["blocks"]["content_html"]
    result = run(root, "check")
    assert result.exit_code == 0 and "raw HTML" not in result.stderr, result.stderr


def test_katex_output_in_a_post_is_its_mathml_once_and_readable_text_in_rss(
    make_site: MakeSite,
) -> None:
    # KaTeX draws a formula twice, MathML and HTML for its style sheet: without that, a
    # reader showed "x² x2"; RSS, which holds no MathML, had the MathML as it was.
    from test_w3c import KATEX_POST

    cfg = make_site(posts={"k.md": KATEX_POST})
    plan = plan_build(cfg, NOW)
    (entry,) = feedparser.parse(plan.files["atom.xml"]).entries
    content = entry.content[0].value
    assert "katex-html" not in content and "msupsub" not in content
    assert content.count("<math") == 2 and '<annotation encoding="application/x-tex">x^2' in content
    (item,) = feedparser.parse(plan.files["rss.xml"]).entries
    rss = item.content[0].value
    assert "<math" not in rss and "katex-html" not in rss
    assert '<span class="math inline" title="x^2">x²</span>' in rss
    assert '<span class="math display">a b</span>' in rss
    # The summary: the formula's readable text, once; the displayed one left out as math.
    (found,) = json.loads(plan.files["feed.json"])["items"]
    assert found["summary"] == "Inline x² here."
    from test_validity import issues_of

    assert issues_of({"rss.xml": plan.files["rss.xml"]}, cfg.base_url) == {"rss.xml": []}
