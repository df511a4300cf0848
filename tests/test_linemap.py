"""Warnings found in a post's body after its templates are expanded (a Jekyll include, a
Hugo shortcode's lines) name the line of the post file they come from, in `feedkit check`
and `feedkit build` alike: they named the line in the expanded text, past the end of the
file at times."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedkit.errors import Problem
from feedkit.posts.linemap import at_source_lines

from conftest import run_feedkit


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


JEKYLL = {
    "_config.yml": "title: J\nurl: https://j.example.com\n",
    "feedkit.toml": 'title = "J"\nbase_url = "https://j.example.com/"\ncontent_dir = "."\n',
    "_includes/note.html": "Included line 1\n\nInclude math $\\foo$ here.\n",
    "_posts/2024-01-07-includes.md": (
        "---\ntitle: Includes\n---\nLine 4.\n\n{% include note.html %}\n\n"  # 6: the include
        "Line 8 $\\bar{x} \\baz$.\n\n{% capture c %}\nline 11\nline 12\n{% endcapture %}{{ c }}"
        "\n\nLine 15 $\\qux$.\n\n*[Updated on 20 May 2024: more]*\n"  # 17: the note
    ),
}

HUGO = {
    "hugo.toml": 'baseURL = "https://h.example.org/"\ntitle = "H"\n',
    "feedkit.toml": 'title = "H"\nbase_url = "https://h.example.org/"\n',
    "content/posts/s.md": (
        "---\ntitle: S\ndate: 2024-05-01\n---\n"
        '{{< details summary="More" >}}\nHidden\n{{< /details >}}\n\n'  # 5-7, made more lines
        "{{< highlight go >}}\nfunc a() {\n}\n{{< /highlight >}}\n\n"  # 9-12
        "Text with $\\qux$.\n\n[^unused]: never used\n\n<!-- open\n\nmore\n"  # 14, 16, 18
    ),
}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            JEKYLL,
            [
                "_posts/2024-01-07-includes.md:6: warning: math $\\foo$",
                "_posts/2024-01-07-includes.md:8: warning: math $\\bar{x} \\baz$",
                "_posts/2024-01-07-includes.md:15: warning: math $\\qux$",
                "_posts/2024-01-07-includes.md:17: warning: the post says it was updated",
            ],
        ),
        (
            HUGO,
            [
                "content/posts/s.md:14: warning: math $\\qux$",
                "content/posts/s.md:16: warning: footnote [^unused]",
                "content/posts/s.md:18: warning: <!-- opens an HTML comment",
            ],
        ),
    ],
    ids=["jekyll-include", "hugo-shortcode"],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_warning_after_expansion_names_the_files_line(
    tmp_path: Path, files: dict[str, str], expected: list[str], command: str
) -> None:
    if command == "build":  # a footnote nothing refers to is check's alone
        expected = [line for line in expected if "footnote" not in line]
    done = run_feedkit(_write(tmp_path, files), command)
    assert done.returncode == 0, done.stderr
    said = sorted(line for line in done.stderr.splitlines() if ": warning: " in line)
    heads = sorted(
        line[: len(start)] for line in said for start in expected if line.startswith(start)
    )
    assert heads == sorted(expected), done.stderr
    assert len(said) == len(expected), done.stderr  # each once, at one line


def test_lines_the_expansion_left_alone_keep_theirs_and_made_ones_take_the_tags() -> None:
    source = "a\n{% include x %}\nb\n{{ c }} d\ne"
    expanded = "a\nx1\nx2\nx3\nb\nC d\ne"
    problems = [Problem("p.md", 10 + n, f"at {n}") for n in range(7)]  # the body from line 10
    assert [p.line for p in at_source_lines(problems, 10, source, expanded)] == [
        10,
        11,
        11,
        11,
        12,
        13,
        14,
    ]
    assert at_source_lines(problems, 10, source, source) == problems
    whole_file = [Problem("p.md", 0, "whole")]
    assert at_source_lines(whole_file, 10, source, expanded) == whole_file
