"""Pelican's liquid_tags plugin (feedkit/posts/pelicanliquid.py): its tags made as it makes
them where the site loads them, left as written where it does not, and a tag feedkit does
not make left out with a warning at its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from feedkit.posts.pelicanliquid import expand, loaded_tags

from conftest import NOW_ENV, SITE_TOML

POST = """\
Title: Tags
Date: 2024-05-01

{% img left half /images/a.png 150 100 "A title" "An alt" %}

{% youtube dQw4w9WgXcQ %}

{% include_code hello.py lang:python Hello %}

{% notebook nb.ipynb %}

Shown in code, after 🚀 and é: `{% img b.png %}`.
"""


def build(root: Path) -> tuple[str, str]:
    """Return the content of the one entry of the site's Atom feed, and what the build
    said on stderr."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "feedkit"), "build"],
        cwd=root,
        env=NOW_ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (entry,) = feedparser.parse((root / "public" / "atom.xml").read_bytes()).entries
    return entry.content[0].value, done.stderr


def site(root: Path, plugins: str) -> Path:
    (root / "content" / "code").mkdir(parents=True)
    (root / "content" / "code" / "hello.py").write_text('print("hi < 2")\n', encoding="utf-8")
    (root / "content" / "tags.md").write_text(POST, encoding="utf-8")
    (root / "pelicanconf.py").write_text(f"SITENAME = 'P'\n{plugins}", encoding="utf-8")
    (root / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "plugins",
    [
        "PLUGINS = ['liquid_tags.img', 'liquid_tags.youtube', 'liquid_tags.include_code', "
        "'liquid_tags.notebook']\n",
        "PLUGINS = ['pelican.plugins.liquid_tags']\n"
        "LIQUID_TAGS = ['img', 'youtube', 'include_code', 'notebook']\n",
    ],
)
def test_the_tags_a_pelican_site_loads_are_made_as_the_plugin_makes_them(
    tmp_path: Path, plugins: str
) -> None:
    # jakevdp's blog: `{% img %}`, `{% youtube %}` and `{% notebook %}` reached readers as
    # the tags' text, and nothing said so.
    content, said = build(site(tmp_path, plugins))
    # Under SITEURL (base_url), as the plugin puts a path from the root.
    assert (
        '<img alt="An alt" class="left half" height="100" '
        'src="https://example.com/blog/images/a.png" title="A title" width="150" />'
    ) in content
    # The video's frame, as feeds carry any: a link to it.
    assert (
        '<a href="https://www.youtube.com/embed/dQw4w9WgXcQ">'
        "https://www.youtube.com/embed/dQw4w9WgXcQ</a>"
    ) in content
    assert (
        '<figcaption><span>Hello hello.py</span> <a href="https://example.com/blog/code/hello.py">'
        'download</a></figcaption>\n<pre><code class="language-python">print("hi &lt; 2")\n'
    ) in content
    assert "<code>&#123;% img b.png %}</code>" in content  # code is never read for tags
    assert content.count("&#123;%") == 1  # no other tag is left
    assert (
        "content/tags.md:10: warning: {% notebook %}: a liquid_tags tag feedkit does not "
        "make; left out"
    ) in said


def test_tags_stay_as_written_where_the_site_does_not_load_the_plugin(tmp_path: Path) -> None:
    content, said = build(site(tmp_path, "PLUGINS = ['render_math']\n"))
    assert "&#123;% img left half /images/a.png" in content and "<img" not in content
    assert "liquid_tags" not in said


def test_loaded_tags_and_what_a_tag_without_its_file_says() -> None:
    assert loaded_tags(["liquid_tags.img", "sitemap"], None) == {"img"}
    assert loaded_tags(["liquid_tags"], ["img", "video"]) == {"img", "video"}
    assert loaded_tags(["liquid_tags"], None) == frozenset() and loaded_tags(None, ["img"]) == set()
    text, problems = expand(
        "A\n{% include_code gone.py %}\n{% literal img a.png %}\n",
        frozenset({"include_code", "literal"}),
        "https://e.org",
        lambda name: ("", "no file 'code/gone.py' in the content folder"),
        lambda name: "https://e.org/code/" + name,
    )
    assert text == "A\n\n{% img a.png %}\n"
    assert problems == [
        (2, "{% include_code %}: no file 'code/gone.py' in the content folder; left out")
    ]
