"""How often a Jekyll post reads otherwise in feedkit's feeds than in Jekyll's pages: seeded
Markdown documents, each read by kramdown 2.4 (Jekyll 4.3's settings, GFM input) and by
feedkit as a Jekyll site's post, compared as a reader sees them.

    .venv/bin/python bench/kramdown_diff.py [--docs 300] [--seed 1] [--show 5]

Each document is a handful of blocks drawn from what blog posts hold (paragraphs with
emphasis, code, links, quotes, footnotes and HTML; headings; lists, nested and loose;
quotes; fenced and indented code; tables with and without a header; definitions;
abbreviations; rules), joined by blank lines or by none. No math: feeds show MathML where
Jekyll's pages leave the TeX to MathJax, on purpose. Both HTMLs are reduced to their
elements and text, spacing apart (`shown` of tests/test_kramdown_reading.py, as the
recorded cases are compared), and each document whose reading differs is counted, with the
blocks it holds. The counts compare one version of feedkit's reading with another on the same
seed; the documents themselves are not realistic posts but the combinations they might hold.
Needs Ruby with kramdown and kramdown-parser-gfm (`.ci/run` installs them with Jekyll).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "tests" / "fixtures" / "kramdown-reading" / "record.rb"
WORDS = "data table query index cache parser reader stream value build post feed".split()


def _words(rng: random.Random, low: int = 2, high: int = 6) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def _inline(rng: random.Random) -> str:
    """A line of text with a few of the spans posts use."""
    spans = [
        lambda: _words(rng),
        lambda: f"*{_words(rng, 1, 3)}*",
        lambda: f"_{_words(rng, 1, 2)}_",
        lambda: f"**{_words(rng, 1, 3)}**",
        lambda: f"`{rng.choice(WORDS)}()`",
        lambda: f"[{_words(rng, 1, 2)}](https://example.org/{rng.choice(WORDS)})",
        lambda: rng.choice(["it's", "'quoted'", '"said"', "the '90s", "dogs' bowls", "O'Neil"]),
        lambda: rng.choice(["--", "---", "...", "<<", ">>", "a -- b"]),
        lambda: f"<b>{rng.choice(WORDS)}</b>",
        lambda: f"~~{rng.choice(WORDS)}~~",
        lambda: "[^1]",
        lambda: "HTML",
        lambda: rng.choice(["5 * 3", "a_b_c", "\\*", "<br>", "&amp;"]),
    ]
    return " ".join(rng.choice(spans)() for _ in range(rng.randint(1, 4)))


def _block(rng: random.Random) -> tuple[str, str]:
    """Return (kind, lines) of one block."""
    kind = rng.choice(
        [
            "para", "para", "para", "heading", "setext", "list", "olist", "nested", "quote",
            "fence", "tildes", "indented", "table", "headless", "definition", "note", "abbr",
            "rule", "html", "ial",
        ]
    )  # fmt: skip
    if kind == "para":
        text = "\n".join(_inline(rng) for _ in range(rng.randint(1, 3)))
    elif kind == "heading":
        text = f"{'#' * rng.randint(1, 3)} {_inline(rng)}"
    elif kind == "setext":
        text = f"{_words(rng)}\n{rng.choice(['===', '---', '-----'])}"
    elif kind in ("list", "olist"):
        marker = rng.choice(["-", "*", "+"]) if kind == "list" else None
        items = []
        for number in range(1, rng.randint(2, 4) + 1):
            lead = marker or rng.choice([f"{number}.", f"{number})"])
            items.append(f"{lead} {_inline(rng)}" + ("\n" if rng.random() < 0.2 else ""))
        text = "\n".join(items)
    elif kind == "nested":
        indent = " " * rng.choice([2, 3, 4])
        inner = f"{indent}- {_inline(rng)}\n{indent}- {_words(rng)}"
        text = f"- {_words(rng)}\n{inner}\n- {_words(rng)}"
    elif kind == "quote":
        text = "\n".join(f"> {_inline(rng)}" for _ in range(rng.randint(1, 3)))
    elif kind in ("fence", "tildes"):
        fence = "```" if kind == "fence" else "~~~"
        info = rng.choice(["", "python", "ruby", "sh"])
        text = f"{fence}{info}\n{_words(rng)}\n$ {rng.choice(WORDS)} 'x'\n{fence}"
    elif kind == "indented":
        text = f"    {_words(rng)}\n    {_words(rng)}"
    elif kind in ("table", "headless"):
        rows = [f"| {rng.choice(WORDS)} | {_inline(rng)} |" for _ in range(rng.randint(1, 3))]
        head = ["| a | b |", "|---|:--:|"] if kind == "table" else []
        text = "\n".join(head + rows)
    elif kind == "definition":
        text = f"{_words(rng, 1, 2)}\n: {_inline(rng)}"
    elif kind == "note":
        text = f"[^1]: {_inline(rng)}" + (f"\n{_words(rng)}" if rng.random() < 0.5 else "")
    elif kind == "abbr":
        text = "*[HTML]: Hyper Text Markup Language"
    elif kind == "rule":
        text = rng.choice(["***", "---", "- - -", "___"])
    elif kind == "html":
        text = rng.choice(
            ["<div>\n" + _words(rng) + "\n</div>", "<!-- a note -->", "<p>" + _words(rng) + "</p>"]
        )
    else:
        text = f"{_inline(rng)}\n{{: .{rng.choice(WORDS)}}}"
    return kind, text


def documents(count: int, seed: int) -> list[tuple[list[str], str]]:
    """Return `count` documents: the kinds of their blocks, their Markdown."""
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        blocks = [_block(rng) for _ in range(rng.randint(2, 5))]
        text = ""
        for _, lines in blocks:
            text += lines + ("\n\n" if rng.random() < 0.75 else "\n")
        made.append(([kind for kind, _ in blocks], text))
    return made


def kramdown_html(texts: list[str]) -> list[str]:
    """Return kramdown's HTML of each text, as tests/fixtures/kramdown-reading records it."""
    cases = [{"case": str(i), "markdown": text} for i, text in enumerate(texts)]
    scratch = Path(sys.argv[0]).resolve().parent / "out" / "kramdown-diff.json"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    scratch.write_text(json.dumps(cases), "utf-8")
    subprocess.run(["ruby", str(RECORD), str(scratch)], check=True, capture_output=True)
    return [case["kramdown"] for case in json.loads(scratch.read_text("utf-8"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=5, help="documents that differ to print")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from test_kramdown_reading import JEKYLL, shown

    from feedkit.posts.markup import render_html

    made = documents(args.docs, args.seed)
    theirs = kramdown_html([text for _, text in made])
    differ: list[tuple[list[str], str, str, str]] = []
    for (kinds, text), html in zip(made, theirs, strict=True):
        ours = shown(render_html(text, "https://example.com/", "p", reading=JEKYLL))
        if ours != shown(html):
            differ.append((kinds, text, ours, shown(html)))
    kinds = Counter(kind for each in differ for kind in set(each[0]))
    print(f"{len(differ)} of {args.docs} documents read otherwise (seed {args.seed})")
    print("blocks in them:", ", ".join(f"{kind} {n}" for kind, n in kinds.most_common()))
    for kinds_of, text, ours, kramdown in differ[: args.show]:
        print(f"\n--- {' '.join(kinds_of)}\n{text}\nfeedkit:  {ours}\nkramdown: {kramdown}")


if __name__ == "__main__":
    main()
