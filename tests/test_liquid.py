"""Jekyll's Liquid (feedkit/posts/liquid.py): what a post cannot do to a build."""

from __future__ import annotations

from feedkit.posts.liquid import JekyllEnvironment, lines_of


def test_an_include_that_includes_itself_is_a_warning_not_a_crash() -> None:
    env = JekyllEnvironment({}, {"include": lambda name: ("x{% include self.html %}", "")})
    text, found = env.render_post("one\ntwo {% include self.html %} three", {})
    assert text.startswith("one\ntwo x") and text.endswith(" three")
    assert list(lines_of(found)) == [
        (
            1,
            "Liquid: maximum context depth reached, possible recursive include; left out "
            "(_includes/self.html, line 1)",
        )
    ]


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
