"""A Pelican site's posts read in feeds as Python-Markdown reads them on its pages: with
Pelican's default MARKDOWN (`extra`, no strikethrough, no typographer), or the extensions
the site's pelicanconf.py names instead. The oracle is recorded in
tests/fixtures/python-markdown (see its README.md)."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

from feedkit.posts.markup import render_html
from feedkit.posts.pelicanmarkdown import markdown_extensions
from feedkit.posts.reading import pelican_reading

from conftest import FIXTURES

RECORDED = json.loads((FIXTURES / "python-markdown" / "pelican.json").read_text("utf-8"))


def _pelicanconf(folder: Path, markdown: dict | None) -> Path:
    """Write a pelicanconf.py that sets MARKDOWN to `markdown` (none: Pelican's default)."""
    text = "SITENAME = 'Example'\n"
    if markdown is not None:
        text += f"MARKDOWN = {markdown!r}\n"
    path = folder / "pelicanconf.py"
    path.write_text(text, encoding="utf-8")
    return path


def _attributes(m: re.Match[str]) -> str:
    found = re.findall(r'([\w:-]+)(?:="([^"]*)")?', m[2])
    kept = sorted((k, re.sub(r"[\s;]", "", v)) for k, v in found if k in {"class", "id", "style"})
    return f"<{m[1]}" + "".join(f' {k}="{v}"' for k, v in kept) + ">"


def _as_seen(out: str) -> str:
    """Return HTML as a reader sees it: code as `<pre><code>` without codehilite's wrapper
    and Pygments' spans, footnotes as their numbers and text (both list them with a link
    back, each in its own words), whitespace and the order of attributes (class, id,
    style only) as they come; character references as characters. The line numbers
    codehilite puts beside code after a shebang (`#!python`) are left out: a feed's code
    has none."""
    out = re.sub(
        r'<table class="highlighttable"><tr><td class="linenos">.*?</td><td class="code">'
        r"<div>(<pre>.*?</pre>)</div></td></tr></table>",
        r"\1",
        out,
        flags=re.S,
    )
    out = re.sub(r'<div class="highlight"><pre>(?:<span></span>)?(?:<code>)?', "<pre><code>", out)
    out = re.sub(r"</code></pre></div>|</pre></div>", "</code></pre>", out)
    out = re.sub(
        r"<pre><code[^>]*>.*?</code></pre>",
        lambda m: re.sub(r"<code[^>]*>", "<code>", re.sub(r"</?span[^>]*>", "", m[0])),
        out,
        flags=re.S,
    )
    out = re.sub(r'(?:&#160;|&nbsp;| )<a [^>]*class="footnote-backref"[^>]*>.*?</a>', "", out)
    out = re.sub(r'<sup class="footnote-definition-label">[^<]*</sup>', "", out)
    out = re.sub(r"<sup[^>]*><a[^>]*>(\d+)</a></sup>", r"[\1]", out)
    out = re.sub(r"</?(?:div|ol|li)\b[^>]*>(?=(?:\s|<[^>]*>)*<p>)|<hr\s*/?>", "", out)
    out = re.sub(r"</?(?:div|ol|li)>", "", out)
    out = re.sub(r"<br\s*/?>\s*(?=</p>)", "", out)  # nl2br's after an attribute list line
    out = re.sub(r"</?tbody>", "", out)  # the sanitiser's, in raw HTML's tables: no change seen
    out = re.sub(r"<(\w+)(\s[^>]*?)\s*/?>", _attributes, out)
    out = re.sub(r"<(\w+)\s*/>", r"<\1>", out)
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", " ".join(html.unescape(out).split()))


def test_posts_read_as_python_markdown_reads_them_on_pelicans_pages(tmp_path: Path) -> None:
    differ = []
    for number, config in enumerate(RECORDED["configs"]):
        folder = tmp_path / str(number)
        folder.mkdir()
        reading = pelican_reading(markdown_extensions([_pelicanconf(folder, config["MARKDOWN"])]))
        for markdown, theirs in config["cases"]:
            ours = render_html(markdown, "https://example.org/p/", "p", "source", reading)
            if _as_seen(ours) != _as_seen(theirs):
                differ.append((config["name"], markdown, _as_seen(theirs), _as_seen(ours)))
    assert differ == []


POST = """\
Title: Notes on "tildes"
Date: 2024-05-01 10:00

It's ~~gone~~ -- or ~not~.

| a | b |
|---|---|
| 1 | 2 |

<div class="note" markdown="1">
*Read* this.
</div>

<figure>
<img src="https://example.com/a.png" alt="A">

    <figcaption>An indented line</figcaption>
</figure>

#Python
"""


def test_a_pelican_sites_feed_reads_posts_as_its_markdown_setting_says(tmp_path: Path) -> None:
    from conftest import SITE_TOML, feedkit_build

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "tildes.md").write_text(POST, encoding="utf-8")
    _pelicanconf(tmp_path, None)
    atom = (feedkit_build(tmp_path) / "atom.xml").read_text("utf-8")
    # Pelican's default: Python-Markdown's `extra`, which has tables and no strikethrough.
    assert "<p>It's ~~gone~~ -- or ~not~.</p>" in html.unescape(atom)
    assert "<summary>It's ~~gone~~ -- or ~not~. Read this.</summary>" in atom
    assert "&lt;table&gt;" in atom and "&lt;del&gt;" not in atom
    # Python-Markdown reads an HTML element to its end tag, blank and indented lines too,
    # its content as Markdown with `markdown="1"`; and `#Python` is a heading there.
    assert "<figcaption>An indented line</figcaption>" in html.unescape(atom)
    assert "&lt;pre&gt;" not in atom
    assert '<div class="note">\n<p><em>Read</em> this.</p>\n</div>' in html.unescape(atom)
    assert "<h1>Python</h1>" in html.unescape(atom)
    # A site whose MARKDOWN adds smarty and pymdown-extensions' tilde: the build cache's
    # render of the post is not used again.
    _pelicanconf(
        tmp_path,
        {
            "extension_configs": {"markdown.extensions.extra": {}},
            "extensions": ["markdown.extensions.smarty", "pymdownx.tilde"],
        },
    )
    atom = html.unescape((feedkit_build(tmp_path) / "atom.xml").read_text("utf-8"))
    assert "<p>It’s <del>gone</del> – or <sub>not</sub>.</p>" in atom
    assert "<summary>It’s gone – or not. Read this.</summary>" in atom


def test_a_pelican_sites_digest_reads_posts_as_its_pages_do(tmp_path: Path) -> None:
    import quopri

    from digest_site import (
        digest_command,
        make_digest_site,
        outbox_messages,
        part_on_the_wire,
    )

    make_digest_site(tmp_path, [("ada@example.org", "Ada")], posts=0)
    _pelicanconf(tmp_path, None)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "tildes.md").write_text(POST, encoding="utf-8")
    result = digest_command(tmp_path, "--send-latest", "1")
    assert result.exit_code == 0, result.output
    (raw,) = outbox_messages(tmp_path).values()
    text, page = (quopri.decodestring(part_on_the_wire(raw, kind)[1]) for kind in ("plain", "html"))
    assert "It's ~~gone~~ -- or ~not~." in text.decode()
    assert "~~gone~~" in html.unescape(page.decode()) and b"<del>" not in page


def test_a_markdown_setting_is_read_without_running_pelicanconf(tmp_path: Path) -> None:
    def read(config: str) -> str:
        (tmp_path / "pelicanconf.py").write_text(config, encoding="utf-8")
        reading = pelican_reading(markdown_extensions([tmp_path / "pelicanconf.py"]))
        text = "It's ~~x~~.\n\nA[^1]\n\n[^1]: The note.\n\n| a |\n|---|\n| 1 |\n"
        return render_html(text, "https://example.org/p/", "p", "source", reading)

    # Extension objects count by their class's name; what is not written out reads as
    # Pelican's default (Python would import pelican and markdown to run it).
    smarty = read(
        "from markdown.extensions.smarty import SmartyExtension\n"
        "MARKDOWN = {'extensions': [SmartyExtension(), 'markdown.extensions.tables']}\n"
    )
    assert "It’s ~~x~~." in smarty and "<table>" in smarty and "[^1]" in smarty
    for config in (
        "from pelican.settings import DEFAULT_CONFIG\n"
        "MARKDOWN = dict(DEFAULT_CONFIG['MARKDOWN'])\n",
        "MARKDOWN = {**BASE, 'output_format': 'html5'}\n",
        "MARKDOWN = {'extensions': ['markdown.extensions.nl2br']}\nMARKDOWN = make()\n",
        "MARKDOWN = {'extensions': [\n",  # not Python
    ):
        default = read(config)
        assert "It's ~~x~~." in default and "<table>" in default, config
        assert 'class="footnotes"' in default and "[^1]" not in default, config


def test_check_warns_of_attribute_lists_only_where_the_site_reads_them(tmp_path: Path) -> None:
    # A Pelican site whose MARKDOWN has no attr_list shows `{: .note}` as text: `feedkit
    # check` said it was kramdown it did not understand and left out, as on a kramdown site.
    from click.testing import CliRunner

    from feedkit.cli import main

    from conftest import NOW_ENV, SITE_TOML

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "ial.md").write_text(
        "Title: Attributes\nDate: 2024-05-01\n\nA paragraph.\n{: .note #x data-y=z}\n\n{::weird}\n",
        encoding="utf-8",
    )
    config = ["check", "--config", str(tmp_path / "feedkit.toml")]
    _pelicanconf(tmp_path, {"extensions": ["markdown.extensions.tables"]})
    done = CliRunner().invoke(main, config, env=NOW_ENV)
    assert done.exit_code == 0, done.output
    assert "ial.md" not in done.stderr
    _pelicanconf(tmp_path, None)  # Pelican's default: extra, attribute lists with it
    done = CliRunner().invoke(main, config, env=NOW_ENV)
    assert done.exit_code == 0, done.output
    assert "content/ial.md:7: warning: {::weird}" in done.stderr


def test_a_pelican_feed_lists_every_note_in_definition_order_and_check_warns_of_none(
    tmp_path: Path,
) -> None:
    # Python-Markdown numbers notes as they are defined and lists one nothing refers to;
    # feeds had renumbered them by reference and dropped that one, and `feedkit check` said
    # the site's converter left it out.
    import subprocess
    import sys

    from conftest import NOW_ENV, SITE_TOML

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "notes.md").write_text(
        "Title: Notes\nDate: 2024-05-01\n\nA[^b] B[^a].\n\n[^a]: Defined first.\n\n"
        "[^b]: Defined second.\n\n[^spare]: Nothing refers to it.\n",
        encoding="utf-8",
    )
    _pelicanconf(tmp_path, None)
    for command in ("check", "build"):
        done = subprocess.run(
            [sys.executable, "-m", "feedkit", command, "--config", str(tmp_path / "feedkit.toml")],
            env={**os.environ, **NOW_ENV},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0 and done.stderr == "", done.stderr
    (item,) = json.loads((tmp_path / "public" / "feed.json").read_bytes())["items"]
    shown = _as_seen(item["content_html"])
    assert shown.startswith("<p>A[2] B[1].</p>"), shown
    assert shown.index("Defined first.") < shown.index("Defined second.")
    assert "Nothing refers to it." in shown


LISTS = """\
Title: Lists
Date: 2024-05-01 10:00

Steps to take
- not a list: the paragraph's lines

3. three
4. four

And then

- item
  - by two spaces: an item beside it
1) not a list either
"""


def test_a_pelican_sites_feed_reads_lists_as_python_markdown_does(tmp_path: Path) -> None:
    # As on its pages: a list needs a blank line before it, nests by four spaces, starts at
    # 1 unless sane_lists, and `1)` is no marker (tests/fixtures/python-markdown).
    from conftest import SITE_TOML, feedkit_build

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "lists.md").write_text(LISTS, encoding="utf-8")
    _pelicanconf(tmp_path, None)
    atom = html.unescape((feedkit_build(tmp_path) / "atom.xml").read_text("utf-8"))
    assert "<p>Steps to take\n- not a list: the paragraph's lines</p>" in atom
    assert "<ol>\n<li>three</li>\n<li>four</li>\n</ol>" in atom
    assert (
        "<ul>\n<li>item</li>\n<li>by two spaces: an item beside it\n1) not a list either</li>"
        "\n</ul>" in atom
    )
    _pelicanconf(tmp_path, {"extensions": ["markdown.extensions.sane_lists"]})
    atom = html.unescape((feedkit_build(tmp_path) / "atom.xml").read_text("utf-8"))
    assert '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>' in atom


def test_hashes_only_in_fenced_code_are_not_parsed_for(monkeypatch) -> None:
    # `#!/bin/bash` or `#include` in a fence is code: the post was parsed once to tell, and
    # again for its HTML. A `#Title` outside code still is a heading.
    from feedkit.posts import markup
    from feedkit.posts.pythonmarkdown import as_python_markdown_reads

    options = pelican_reading(frozenset({"tables"})).options
    code = "Text.\n\n```bash\n#!/bin/bash\n#comment\n```\n\n~~~c\n#include <stdio.h>\n~~~\n"
    parse = markup.markdown

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(markup, "markdown", no_parse)
    assert as_python_markdown_reads(code, options) == code
    monkeypatch.setattr(markup, "markdown", parse)
    titled = code + "\n#Title\n"
    assert as_python_markdown_reads(titled, options) == code + "\n# Title\n"


def test_a_line_of_a_formula_that_starts_like_a_list_item_stays_the_formulas(
    tmp_path: Path,
) -> None:
    # `- 1` right below a paragraph's line is that paragraph's in Python-Markdown: feedkit
    # kept it so with a `\` before the `-`, which stayed in the formula (`\- 1`).
    reading = pelican_reading(markdown_extensions([_pelicanconf(tmp_path, None)]))
    formula = "$$ m! = \\left(n\n- 1\\right)! $$\n\nText\n- not an item\n\n> Quoted\n* nor this\n"
    out = render_html(formula, "https://example.org/p/", "p", "mathml", reading)
    assert "\\-" not in out and "\\*" not in out
    assert "<mi>n</mi><mo>−</mo><mn>1</mn>" in out
    assert "<p>Text\n- not an item</p>" in out
    assert "<blockquote>\n<p>Quoted\n* nor this</p>\n</blockquote>" in out
    # Below a table's row, where no line goes on lazily, the `\` stays the way.
    table = render_html("| a |\n|---|\n| 1 |\n- item\n", "https://e.org/", "p", "mathml", reading)
    assert "<li>" not in table and "- item" in table


def test_a_markdown_setting_with_extensions_feedkit_does_not_follow_is_named(
    tmp_path: Path,
) -> None:
    # pymdownx.details' `??? note` boxes and pymdownx.mark's `==marks==` reach feeds as
    # typed: `feedkit check` and `feedkit build` say so once, at MARKDOWN's line, and name
    # only those (codehilite, extra and smarty are followed).
    import subprocess
    import sys

    from conftest import NOW_ENV, SITE_TOML

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    for name in ("a", "b"):
        (tmp_path / "content" / f"{name}.md").write_text(
            f'Title: {name}\nDate: 2024-05-01\n\n??? note "More"\n    ==Marked== text.\n',
            encoding="utf-8",
        )
    feedkit = str(Path(sys.executable).parent / "feedkit")

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [feedkit, command],
            cwd=tmp_path,
            env={**os.environ, **NOW_ENV},
            capture_output=True,
            text=True,
            check=False,
        )

    markdown = {
        "extension_configs": {"markdown.extensions.codehilite": {}, "pymdownx.details": {}},
        "extensions": ["markdown.extensions.extra", "pymdownx.mark", "smarty"],
    }
    _pelicanconf(tmp_path, markdown)
    warning = (
        "pelicanconf.py:2: warning: MARKDOWN names 'pymdownx.details', 'pymdownx.mark': "
        "Python-Markdown extension(s) feedkit does not follow; posts are read without them"
    )
    for command in ("check", "build"):
        done = run(command)
        assert done.returncode == 0, done.stderr
        assert done.stderr.count(warning) == 1, done.stderr
    _pelicanconf(tmp_path, {"extensions": ["markdown.extensions.extra", "pymdownx.superfences"]})
    for command in ("check", "build"):
        done = run(command)
        assert done.returncode == 0 and "MARKDOWN names" not in done.stderr, done.stderr
    # lenaqr/notes-old and amirleidel's blogs: TYPOGRIFY = True, its curly quotes and dashes
    # missing from the feeds without a word.
    config = tmp_path / "pelicanconf.py"
    config.write_text(config.read_text("utf-8") + "TYPOGRIFY = True\n", encoding="utf-8")
    done = run("check")
    assert done.returncode == 0
    assert done.stderr.count("pelicanconf.py:3: warning: TYPOGRIFY: feedkit does not run") == 1
    # A pelicanconf.py Python cannot read: its TIMEZONE, ARTICLE_URL and the rest were left
    # out without a word (Pelican itself stops), and the feeds changed.
    config.write_text(config.read_text("utf-8") + "SITENAME = (\n", encoding="utf-8")
    for command in ("check", "build"):
        done = run(command)
        assert done.returncode == 0, done.stderr
        assert (
            done.stderr.count(
                "pelicanconf.py:4: warning: Python cannot read it ('(' was never closed), so none "
                "of its settings are followed (TIMEZONE, ARTICLE_URL, MARKDOWN…)"
            )
            == 1
        ), done.stderr


def test_a_pelican_site_with_render_math_keeps_its_formulas_as_written(tmp_path: Path) -> None:
    # lzamparo's blog (PLUGINS = ['render_math']): `\;` and `\\` in a bare align* were read
    # as Markdown's escapes, the formula changed. Without the plugin they are (MathJax reads
    # the page's text).
    from conftest import SITE_TOML, feedkit_build, run_feedkit

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "m.md").write_text(
        "Title: M\nDate: 2024-05-01\n\n\\begin{align*}\na &= b \\; c \\\\\nd &= \\{e\\}\n"
        "\\end{align*}\n\nAnd \\(x^2\\).\n",
        encoding="utf-8",
    )
    for plugins, tex in (
        ("PLUGINS = ['render_math']\n", "a &= b \\; c \\\\\nd &= \\{e\\}"),
        ("", "a &= b ; c \\\nd &= {e}"),
    ):
        (tmp_path / "pelicanconf.py").write_text("SITENAME = 'P'\n" + plugins, encoding="utf-8")
        if not plugins:  # `\\` read as `\`, as the page's MathJax gets it: no row break,
            # and TeX that MathML cannot be made of, which the build warns about
            done = run_feedkit(tmp_path, "build")
            assert done.returncode == 0, done.stderr
            assert "content/m.md:4: warning: math $\\begin{align*} a &= b ; c" in done.stderr
            atom = (tmp_path / "public" / "atom.xml").read_text("utf-8")
        else:
            atom = (feedkit_build(tmp_path) / "atom.xml").read_text("utf-8")
        content = html.unescape(html.unescape(atom))  # XHTML's, or HTML's in text
        assert tex in content, content
        assert ('<annotation encoding="application/x-tex">x^2</annotation>' in content) is bool(
            plugins
        )


def test_an_attribute_list_value_without_quotes_is_read_as_attr_list_reads_it(
    tmp_path: Path,
) -> None:
    # lenaqr/notes-old: `{: width=50% }` after an image; feedkit dropped the width and
    # warned it "is not an attribute" (kramdown wants quotes; Python-Markdown does not).
    from conftest import SITE_TOML, feedkit_build

    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text(
        "Title: A\nDate: 2024-05-01\n\n![A map](map.png){: width=50% }\n\n"
        "A paragraph.\n{: .lead data-n=3 }\n\n`{: width=1 }` in code.\n",
        encoding="utf-8",
    )
    _pelicanconf(tmp_path, None)  # Pelican's default: extra, with attr_list
    atom = html.unescape((feedkit_build(tmp_path) / "atom.xml").read_text("utf-8"))
    # (feedkit_build fails on any warning: none said the width is no attribute.)
    assert re.search(r'<img [^>]*width="50%"', atom)
    assert re.search(r'<p class="lead"[^>]*>A paragraph\.</p>', atom)
    assert "<code>{: width=1 }</code>" in atom
