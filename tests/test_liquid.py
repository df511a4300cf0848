"""Jekyll's Liquid (feedkit/posts/liquid.py): what a post cannot do to a build."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from feedkit.posts.liquid import JekyllEnvironment, lines_of

from conftest import FIXTURES, SITE_TOML


def test_an_include_that_includes_itself_is_a_warning_not_a_crash() -> None:
    env = JekyllEnvironment({}, {"include": lambda name: ("x{% include self.html %}", "")})
    text, found = env.render_post("one\ntwo {% include self.html %} three", {})
    # Its text once, the include in it left out (Liquid's depth limit stopped it 30 deep).
    assert text == "one\ntwo x three"
    assert list(lines_of(found)) == [
        (1, "include: self.html includes itself; left out (_includes/self.html, line 1)")
    ]


def test_an_include_is_parsed_once_a_post_and_what_parsing_said_is_said_at_each_use() -> None:
    env = JekyllEnvironment({}, {"include": lambda name: ("<{{ include.n }}>{% if %}", "")})
    parses = []
    parse = env.from_string
    env.from_string = lambda *a, **k: parses.append(a) or parse(*a, **k)  # type: ignore[method-assign]
    text, found = env.render_post(
        "{% for i in (1..1000) %}{% include n.html n=i %}{% endfor %}\n{% include n.html n=0 %}", {}
    )
    assert len(parses) == 2  # the post, then the include
    assert text.startswith("<1><2><3>") and text.endswith("<1000>\n<0>")
    said = "Liquid: missing expression; left out (_includes/n.html, line 1)"
    assert list(lines_of(found)) == [(0, said), (1, said)]


def test_a_huge_loop_stops_with_a_warning() -> None:
    env = JekyllEnvironment({}, {})
    text, found = env.render_post("{% for i in (1..100000000) %}x{% endfor %}done", {})
    assert text == "done"
    assert list(lines_of(found)) == [(0, "Liquid: loop iteration limit reached; left out")]


def test_a_block_never_closed_is_said_at_its_tag() -> None:
    env = JekyllEnvironment({}, {})
    text, found = env.render_post("Intro.\n\n{% for x in page.list %}\n{{ x }}\nThe end.", {})
    assert text == "Intro.\n\n"
    assert list(lines_of(found)) == [
        (2, "Liquid: expected tag endfor, found end of expression; left out")
    ]


RAW_THEN_HIGHLIGHT = (  # Intro: Jekyll renders the excerpt (first paragraph) alone
    "Intro.\n\nUse [`{% raw %}{% highlight %}{% endraw %}` tag](https://jekyllrb.com/docs/).\n\n"
    "{% highlight html %}\n<p>x</p>\n{% endhighlight %}\n\nEnd.\n"
)


def test_a_highlight_tag_shown_in_a_raw_block_opens_no_highlight_block() -> None:
    # The `{% highlight %}` in the raw block was taken for a highlight block's start, ended
    # by the real one's end: the post lost its link, and showed Liquid as code.
    env = JekyllEnvironment({}, {})
    text, found = env.render_post(RAW_THEN_HIGHLIGHT, {})
    assert text == (
        "Intro.\n\nUse [`{% highlight %}` tag](https://jekyllrb.com/docs/).\n\n"
        "\n```html\n<p>x</p>\n```\n\n\nEnd.\n"
    )
    assert list(lines_of(found)) == []


def test_an_includes_unquoted_number_is_the_number() -> None:
    env = JekyllEnvironment({}, {"include": lambda name: ("{{ include.w | plus: 1 }}", "")})
    text, found = env.render_post("{% include box.html w=410 %} {% include box.html w=1.5 %}", {})
    assert text == "411 2.5"
    assert list(lines_of(found)) == []


def test_a_raw_block_in_a_highlight_block_is_its_text() -> None:
    # How Jekyll's docs show Liquid in code: its raw tags were shown in the code block.
    env = JekyllEnvironment({}, {})
    body = (
        '{% highlight liquid %}\n{% raw %}\n{{ "/a/" | relative_url }}\n{% endraw %}\n'
        "{% endhighlight %}"
    )
    text, found = env.render_post(body, {})
    assert text == '\n```liquid\n{{ "/a/" | relative_url }}\n```\n'
    assert list(lines_of(found)) == []


def test_an_include_called_over_lines_is_the_include() -> None:
    # A figure include's own usage notes write `{% include figure.html⏎  src="…" %}`: its
    # name was taken with the line's end, `figure.html\n`, and the figure left out.
    asked: list[str] = []

    def include(name: str) -> tuple[str, str]:
        asked.append(name)
        return '<img src="{{ include.src }}" alt="{{ include.alt }}">', ""

    env = JekyllEnvironment({}, {"include": include})
    text, found = env.render_post(
        'A\n{% include figure.html\n   src="/k.png" alt="kitten" %}\nB\n'
        "{% include\tfigure.html src='/t.png' alt='t' %}",
        {},
    )
    assert text == 'A\n<img src="/k.png" alt="kitten">\nB\n<img src="/t.png" alt="t">'
    assert asked == ["figure.html", "figure.html"] and list(lines_of(found)) == []


def test_a_block_holding_only_a_jekyll_tag_shows_what_the_tag_writes() -> None:
    # `{% if page.toc %}⏎{% include toc.html %}⏎{% endif %}`: Liquid leaves out the output
    # of a block of tags and white space alone, and took the include for such a tag: the
    # include was lost. Jekyll shows it, and the code of a highlight block the same way.
    env = JekyllEnvironment(
        {}, {"include": lambda name: ("X", ""), "include_relative": lambda name: ("Y\n", "")}
    )
    body = (
        "{% if true %}\n{% include toc.html %}\n{% endif %}|"
        "{% highlight py %}\n{% include_relative a.py %}\n{% endhighlight %}"
    )
    text, found = env.render_post(body, {"path": "_posts/2024-01-01-a.md"})
    assert text == "\nX\n|\n```py\nY\n```\n"
    assert found.reads == [("include", "toc.html"), ("include_relative", "_posts/a.py")]


def test_an_include_is_read_from_its_file_once_a_run(tmp_path: Path) -> None:
    # An include in a loop of 100,000 turns was read from its file at each turn, and again
    # for the render cache's key: 13 s of a build. Read once a run, as a site's shortcode
    # templates are (a run that starts after the file changed reads it again).
    from feedkit.config import load_config
    from feedkit.posts.expand import Templates
    from feedkit.posts.loader import load_posts

    shutil.copytree(FIXTURES / "templates" / "jekyll", tmp_path / "content")
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    include = tmp_path / "content" / "_includes" / "turn.html"
    include.write_text("<i>{{ include.n }}</i>", encoding="utf-8")
    post = tmp_path / "content" / "_posts" / "2024-03-01-turns.md"
    post.write_text(
        "---\ntitle: Turns\n---\n{% for i in (1..3) %}{% include turn.html n=i %}{% endfor %}\n",
        encoding="utf-8",
    )
    cfg = load_config(tmp_path / "feedkit.toml")
    posts = load_posts(cfg).posts
    (turns,) = [p for p in posts if p.title == "Turns"]
    body = post.read_text(encoding="utf-8").split("---\n", 2)[2]
    opened: list[str] = []
    read_text = Path.read_text

    def counted(self: Path, *args: Any, **kwargs: Any) -> str:
        opened.append(self.name)
        return read_text(self, *args, **kwargs)

    templates = Templates.of_posts(cfg, posts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "read_text", counted)
        first = templates.expand(turns, body)
        include.write_text("<b>{{ include.n }}</b>", encoding="utf-8")
        again = templates.expand(turns, body)
        later = Templates.of_posts(cfg, posts).expand(turns, body)
    assert first.text == again.text == "<i>1</i><i>2</i><i>3</i>\n"
    assert later.text == "<b>1</b><b>2</b><b>3</b>\n"
    assert opened.count("turn.html") == 2  # once for each run's Templates


def test_a_filter_that_cannot_take_its_values_says_which_filter_and_what() -> None:
    # python-liquid's `concat` made its own error wrongly and said "LiquidError.__init__()
    # missing 1 required keyword-only argument: 'token'"; `modulo: 0` on a decimal raised
    # decimal's InvalidOperation through the build.
    env = JekyllEnvironment({}, {})
    text, found = env.render_post(
        "{{ (1..5) | concat: 3 }}|{{ page.h | concat: page.h }}|\n{{ 1.5 | modulo: 0 }}|"
        "{{ (1..2) | concat: page.t | join: ',' }}",
        {"h": {"a": 1}, "t": [3]},
    )
    assert text == "||\n|1,2,3"
    assert list(lines_of(found)) == [
        (0, "Liquid: concat: cannot take (1..5) with these arguments; left out"),
        (0, 'Liquid: concat: cannot take {"a": 1} with these arguments; left out'),
        (1, "Liquid: modulo: cannot take 1.5; left out"),
    ]
