"""Hugo shortcodes (feedkit/posts/shortcodes.py): parameters, nesting and escapes."""

from __future__ import annotations

from feedkit.posts.shortcodes import expand_shortcodes


def no_refs(target: str) -> tuple[str, str]:
    return "", f"no post {target!r}"


def test_parameters_quoted_raw_and_positional() -> None:
    body = (
        '{{< figure src="/a b.png" alt="say \\"hi\\"" title=`raw "text"` >}}\n'
        "{{< gist user 123 file.py >}}"
    )
    out = expand_shortcodes(body, no_refs)
    assert '<img src="/a b.png" alt="say &quot;hi&quot;">' in out.text
    assert "<figcaption><h4>raw &quot;text&quot;</h4></figcaption>" in out.text  # as Hugo 0.168
    assert '<a href="https://gist.github.com/user/123#file-file-py">Gist file.py</a>' in out.text
    assert out.problems == []


def test_nested_paired_shortcodes_of_one_name() -> None:
    body = (
        '{{< collapse summary="outer" >}}a {{< collapse summary="inner" >}}b'
        "{{< /collapse >}} c{{< /collapse >}}"
    )
    out = expand_shortcodes(body, no_refs)
    assert out.text.count("<details>") == 2 and out.text.count("</details>") == 2
    assert out.text.index("<summary>inner</summary>") < out.text.index("b")
    assert out.text.rindex("c") > out.text.rindex("</details>", 0, out.text.rindex("c"))
    assert out.problems == []


def test_shortcodes_nested_too_deep_are_left_as_written_with_a_problem() -> None:
    # 2,000 nested paired shortcodes stopped the build with a RecursionError's traceback.
    for left, right in (("<", ">"), ("%", "%")):
        opening, closing = f"{{{{{left} details {right}}}}}", f"{{{{{left} /details {right}}}}}"
        body = "Intro.\n\n" + opening * 2000 + "x" + closing * 2000
        out = expand_shortcodes(body, no_refs)
        assert out.text.count("<details>") == 100
        at = len("Intro.\n\n") + 100 * len(opening)
        assert out.problems == [
            (at, "details: shortcodes nested over 100 deep; the inner ones are left as written")
        ]
        assert opening * 1900 + "x" + closing * 1900 in out.text


def test_each_start_of_a_shortcode_that_never_ends_is_said_once() -> None:
    # `{{<a ` 12,000 times (60 KB) took 35 s, each start read to the body's end, and
    # reached readers as written with nothing said. Now each is said, read up to the next.
    body = "{{<a " * 12_000 + '\n{{% figure alt="x %}}'
    out = expand_shortcodes(body, no_refs)
    assert out.text == body
    never_ends = "a: shortcode not understood (no >}} after it); left as written"
    assert out.problems == [(5 * i, never_ends) for i in range(12_000)] + [
        (60_001, 'figure: shortcode not understood (a " never closed); left as written')
    ]


def test_paired_shortcodes_never_closed_are_each_said_and_left_out() -> None:
    # 2,000 `{{< details >}}` never closed were each made with no inner text, and nothing
    # said; looking ahead for the closing one from each opening took 20 s at 20,000.
    body = "{{< details >}}Text\n" * 2_000 + "{{< details >}}Last{{< /details >}}"
    out = expand_shortcodes(body, no_refs)
    assert out.text == "Text\n" * 2_000 + (
        "\n<details><summary>Details</summary>\n\nLast\n\n</details>\n"
    )
    never_closed = "details: never closed by {{< /details >}}; left out, the text after it kept"
    assert out.problems == [(20 * i, never_closed) for i in range(2_000)]


def test_escapes_show_the_shortcode_and_are_not_run() -> None:
    body = "{{</* youtube abc */>}} {{%/* notice */%}}x{{%/* /notice */%}}"
    out = expand_shortcodes(body, no_refs)
    assert out.text == "{{< youtube abc >}} {{% notice %}}x{{% /notice %}}"
    assert out.problems == []


def test_problems_are_placed_where_the_shortcode_starts() -> None:
    body = "one\n{{< ref missing >}}\n{{< /stray >}}"
    out = expand_shortcodes(body, no_refs)
    assert out.text == "one\n\n"
    assert out.problems == [
        (4, "ref: no post 'missing'"),
        (24, "stray: closing shortcode never opened"),
    ]
    assert out.reads == [("ref", "missing")]


LIST_HIGHLIGHT = (
    "* Make the folders:\n\n"
    "    {{< highlight bash >}}\n    example\n        cmd\n    {{< / highlight >}}\n\n"
    "    Then, unindented:\n\n"
    "    {{< highlight go >}}\npackage main\n    {{< / highlight >}}\n\n"
    "* Next item.\n"
)


def test_a_highlight_in_a_list_item_stays_the_items_code() -> None:
    # Hugo puts the shortcode's HTML where the shortcode was, in the item: feedkit's code
    # block began at the line's start, which ended the list, and showed each line indented.
    from feedkit.posts.markup import render_html

    out = expand_shortcodes(LIST_HIGHLIGHT, no_refs)
    html = render_html(out.text, "https://e.org/", "p")
    assert html == (
        "<ul>\n<li>\n<p>Make the folders:</p>\n"
        '<pre><code class="language-bash">example\n    cmd\n</code></pre>\n'
        "<p>Then, unindented:</p>\n"
        '<pre><code class="language-go">package main\n</code></pre>\n'
        "</li>\n<li>\n<p>Next item.</p>\n</li>\n</ul>\n"
    )


def test_formulas_a_shortcode_passes_on_are_read_as_the_page_shows_them() -> None:
    # Hugo puts a `{{< >}}` shortcode's output in the page after Markdown, as written, where
    # MathJax reads `\[…\]`, `\(…\)` and `$$…$$` over blank lines; a `{{% %}}` one's output
    # is Markdown (`\[` an escaped bracket), as the post's own text is.
    inner = "$$\n\n\\begin{aligned}\na &= b \\\\\nc\n\\end{aligned}\n$$\nand \\(x_1\\), \\[y\\]"
    for name in ("math", "rawhtml"):  # Hugo Blox's, and one the site has (not found here)
        out = expand_shortcodes(f"{{{{< {name} >}}}}{inner}{{{{< /{name} >}}}}", no_refs)
        assert out.text == "$$\\begin{aligned}\na &= b \\\\\nc\n\\end{aligned}$$\nand $x_1$, $$y$$"
        percent = expand_shortcodes(f"{{{{% {name} %}}}}{inner}{{{{% /{name} %}}}}", no_refs)
        assert percent.text == inner
    # Output with a tag is HTML to Markdown, which reads its formulas as raw HTML's.
    tagged = "<div>\n\\(x\\)\n</div>"
    assert expand_shortcodes(f"{{{{< math >}}}}{tagged}{{{{< /math >}}}}", no_refs).text == tagged


def test_hugos_simple_embeds_are_links_as_the_others() -> None:
    # vimeo_simple, x_simple and twitter_simple (Hugo's built-ins without scripts) were
    # unknown: left out with a warning.
    body = (
        "{{< vimeo_simple 55073825 >}}\n"
        '{{< vimeo_simple id="55073825" >}}\n'
        '{{< x_simple user="SanDiegoZoo" id="1453110110599868418" >}}\n'
        '{{< twitter_simple user="SanDiegoZoo" id="1453110110599868418" >}}'
    )
    out = expand_shortcodes(body, no_refs)
    vimeo = '<a href="https://vimeo.com/55073825">Vimeo video</a>'
    x = '<a href="https://x.com/SanDiegoZoo/status/1453110110599868418">Post on X</a>'
    assert out.text == "\n".join([vimeo, vimeo, x, x])
    assert out.problems == []


def test_a_youtube_video_that_starts_later_links_to_that_moment() -> None:
    body = "{{< youtube id=0RKpf3rK57I loading=lazy start=30 >}} {{< youtube 0RKpf3rK57I >}}"
    out = expand_shortcodes(body, no_refs)
    assert out.text == (
        '<a href="https://www.youtube.com/watch?v=0RKpf3rK57I&amp;t=30s">YouTube video</a> '
        '<a href="https://www.youtube.com/watch?v=0RKpf3rK57I">YouTube video</a>'
    )
