"""A seeded, realistic blog corpus for the feed-build benchmark, for feedkit and Hugo alike.

`generate(root, count, seed)` writes `root/feedkit.toml`, `root/content/posts/YYYY/<slug>.md`
and a Hugo site in `root/hugo/` that reads the same Markdown files. The same seed gives
byte-identical files. Run it directly to make a corpus: `python bench/corpus.py DIR 1000`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

FUNCTION_WORDS = """the of and to a in is that it for as with was on be by this are or from at
an not but which have has can will we you they their its more one all when there if so than
into only also how what about these other some our most just over each then them would such
between because after while where both through very""".split()
CONTENT_WORDS = """data table query index column row value number float error result function
module package library system file folder format parser reader writer stream buffer cache
memory disk process thread lock queue server client request response network socket header
field record schema type class object method test case bug fix release version change build
compiler runtime interpreter benchmark profile measure speed latency throughput median sample
precision rounding summation algorithm matrix vector array sequence loop branch pointer string
character encoding unicode byte word line page post note draft feed reader subscriber email
digest template layout style script shell command option flag config setting default path
timezone date clock calendar schedule window deadline estimate model estimate distribution
variance mean error bound proof lemma theorem example counterexample notebook chart plot
figure label axis scale range domain interval limit edge boundary corner input output signal
noise filter window kernel library database postgres sqlite transaction commit rollback
migration backup replica shard partition join aggregate window ordering histogram quantile
tradeoff design review refactor cleanup abstraction interface contract invariant assertion
pipeline workflow deploy container image volume service endpoint gateway token session
careful simple small large fast slow stable unstable naive clever subtle obvious hidden
explicit implicit lazy eager strict loose exact approximate linear quadratic constant
random stable sorted unsorted shared private public local global early late rare common
write read measure compare reduce compute sort merge split parse render escape quote
store load fetch send receive retry skip keep drop avoid prefer choose explain show
learn notice expect assume prove check verify ignore handle return raise catch log
""".split()
WORDS = FUNCTION_WORDS + CONTENT_WORDS
# Function words carry about half of English running text; content words share the rest.
CUM_WEIGHTS = list(accumulate([9.0] * len(FUNCTION_WORDS) + [1.6] * len(CONTENT_WORDS)))
TITLE_NOUNS = [w for w in CONTENT_WORDS[:150] if len(w) > 3]
TAGS = """python sql postgres sqlite rust go c++ javascript typescript bash linux unix
numerics floating-point statistics probability linear-algebra optimization compilers parsing
testing performance profiling benchmarks memory concurrency async networking http security
cryptography unicode text-processing markdown feeds email static-sites web css html accessibility
data-engineering databases indexing caching distributed-systems devops docker ci packaging
open-source documentation writing career teaching books review tools editors git""".split()
TAGS += ["machine learning", "data science", "Q&A"]
EMOJI = ["🚀", "✨", "🐍", "📈", "🔥", "🙂", "⚙️", "🧪", "📦", "🎉"]
OFFSETS = ["+00:00", "+01:00", "+02:00", "-05:00", "-08:00", "+05:30", "+09:00", "-03:00", "Z"]
AUTHORS = ["Ada Quill", "Brian Okafor", "Chen Wei", "Dana Ruiz", "Émile Durand", "Farah Khan"]
UNKNOWN_KEYS = [("toc", "true"), ("series", '"Notes on numerics"'), ("mood", "curious")]
LINKS = [
    "https://docs.python.org/3/library/decimal.html",
    "https://en.wikipedia.org/wiki/Kahan_summation_algorithm",
    "https://www.postgresql.org/docs/current/indexes.html",
    "https://sqlite.org/lang_with.html",
    "https://example.com/papers/floating-point.pdf",
]
RELATIVE_LINKS = ["../", "/about/", "notes.html", "../../archive/", "/tags/python/"]
CODE = {
    "python": [
        "def {a}_{b}(values: list[float]) -> float:",
        "    total = 0.0",
        "    for {a} in values:",
        "        total += {a} * {n}",
        "    return total / max(len(values), 1)",
        "",
        'print({a}_{b}([1.5, 2.25, {n}]))  # "{b}" check',
    ],
    "sql": [
        "SELECT {a}, count(*) AS n, avg({b}) AS mean_{b}",
        "FROM {a}_log",
        "WHERE created_at >= now() - interval '{n} days'",
        "GROUP BY {a}",
        "ORDER BY n DESC",
        "LIMIT {n};",
    ],
    "bash": [
        "set -euo pipefail",
        'for f in "${{DIR:-.}}"/*.{a}; do',
        '  wc -c "$f" | sort -n | tail -{n}',
        "done",
        "grep -rn '{b}' src/ && echo 'found {b}'",
    ],
}
MATH_INLINE = ["$x_i^2$", "$a_i b_i$", "$\\sum_i x_i$", "$\\epsilon < 2^{-52}$", "$O(n \\log n)$"]
MATH_DISPLAY = [
    "$$\n\\sum_{i=1}^{n} x_i = s_n + \\epsilon_n\n$$",
    "$$\n\\mathrm{Var}(X) = E[X^2] - E[X]^2\n$$",
    "$$\n|\\hat{s} - s| \\le 2u \\sum_{i} |x_i|\n$$",
]
DECORATIONS = ("*{w}*", "**{w}**", "`{w}`", "“{w}”", "{w}’s", "{w} {e}")


def _words(rng: random.Random, n: int) -> list[str]:
    return rng.choices(WORDS, cum_weights=CUM_WEIGHTS, k=n)


def _sentence(rng: random.Random, tokens: list[str], links: bool, math: bool) -> str:
    """Return tokens as one sentence, now and then with emphasis, a link, code or math."""
    roll = rng.random()
    if roll < 0.25:
        i = rng.randrange(len(tokens))
        style = rng.choice(DECORATIONS)
        tokens[i] = style.format(w=tokens[i], e=rng.choice(EMOJI))
    elif roll < 0.32 and links:
        i = rng.randrange(len(tokens))
        url = rng.choice(LINKS) if rng.random() < 0.6 else rng.choice(RELATIVE_LINKS)
        tokens[i] = f"[{tokens[i]}]({url})"
    elif roll < 0.36 and math:
        tokens.insert(rng.randrange(len(tokens)), rng.choice(MATH_INLINE))
    text = " ".join(tokens)
    end = "." if rng.random() < 0.88 else rng.choice(("?", "!", "…"))
    return text[0].upper() + text[1:] + end


def _paragraph(rng: random.Random, words: int, math: bool) -> str:
    tokens = _words(rng, words)
    out, i = [], 0
    while i < len(tokens):
        n = rng.randint(7, 24)
        out.append(_sentence(rng, tokens[i : i + n], True, math))
        i += n
    return " ".join(out)


def _heading(rng: random.Random, level: int) -> str:
    text = " ".join(_words(rng, rng.randint(2, 6)))
    return "#" * level + " " + text[0].upper() + text[1:]


def _list(rng: random.Random, numbered: bool) -> tuple[str, int]:
    lines, words = [], 0
    for i in range(rng.randint(3, 7)):
        n = rng.randint(4, 16)
        words += n
        item = _sentence(rng, _words(rng, n), True, False)
        lines.append(f"{i + 1}. {item}" if numbered else f"- {item}")
    return "\n".join(lines), words


def _code(rng: random.Random) -> str:
    lang = rng.choice(("python", "python", "sql", "bash"))
    a, b = rng.sample(CONTENT_WORDS[:60], 2)
    lines = [line.format(a=a, b=b, n=rng.randint(2, 99)) for line in CODE[lang]]
    return f"```{lang}\n" + "\n".join(lines) + "\n```"


def _table(rng: random.Random) -> str:
    cols = rng.sample(CONTENT_WORDS[:80], rng.randint(3, 5))
    rows = ["| " + " | ".join(c.title() for c in cols) + " |", "|" + "---|" * len(cols)]
    for _ in range(rng.randint(3, 8)):
        cells = [cols[0] + str(rng.randint(1, 9))]
        cells += [f"{rng.uniform(0, 1000):.2f}" for _ in cols[1:]]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _body(rng: random.Random, target_words: int, table: bool, math: bool, more: bool) -> str:
    """Return a Markdown body of about `target_words` words of prose plus code and lists."""
    blocks = [_paragraph(rng, rng.randint(40, 90), math)]
    if more:
        blocks.append("<!--more-->")
    words = len(blocks[0].split())
    while words < target_words:
        roll = rng.random()
        if roll < 0.09:
            blocks.append(_heading(rng, rng.choice((2, 2, 3))))
        elif roll < 0.17:
            item, n = _list(rng, numbered=rng.random() < 0.4)
            blocks.append(item)
            words += n
        elif roll < 0.24:
            blocks.append(_code(rng))
        elif roll < 0.27:
            alt = " ".join(_words(rng, 3))
            blocks.append(f"![{alt}](images/fig-{rng.randint(1, 40)}.png)")
        elif roll < 0.29:
            n = rng.randint(10, 30)
            blocks.append("> " + _sentence(rng, _words(rng, n), False, False))
            words += n
        elif roll < 0.31 and table:
            blocks.append(_table(rng))
        elif roll < 0.33 and math:
            blocks.append(rng.choice(MATH_DISPLAY))
        else:
            n = rng.randint(30, 140)
            blocks.append(_paragraph(rng, n, math))
            words += n
    return "\n\n".join(blocks) + "\n"


def _title(rng: random.Random) -> tuple[str, str]:
    """Return a display title (maybe with &, quotes or emoji) and its ASCII slug words."""
    a, b = rng.sample(TITLE_NOUNS, 2)
    adj = rng.choice(CONTENT_WORDS[150:200])
    pattern = rng.randrange(8)
    title = [
        f"{adj.title()} {a} for {b}s",
        f"Why {a} & {b} matter",
        f'The "{adj}" {a}',
        f"Notes on {a} {rng.choice(EMOJI)}",
        f"{a.title()}: a {adj} guide",
        f"Don’t {rng.choice(('ignore', 'skip', 'drop', 'measure'))} your {a}",
        f"Q&A on {a} and {b}",
        f"What I learned about {a} {b}s in {rng.randint(2015, 2024)}",
    ][pattern]
    slug_words = [w for w in title.lower().replace("’", "").split() if w.isascii()]
    slug = "-".join("".join(c for c in w if c.isalnum() or c == "+") for w in slug_words)
    return title, "-".join(p for p in slug.replace("+", "p").split("-") if p)


def _yaml_string(text: str) -> str:
    plain = text[0].isalpha() and all(c.isalnum() or c in " ,.-’'?!" for c in text)
    return text if plain else json.dumps(text, ensure_ascii=False)


def _date(instant: datetime, rng: random.Random, short_naive_ok: bool) -> str:
    roll = rng.random()
    if roll < 0.06 and short_naive_ok:
        # Read in the site's timezone (UTC). Hugo 0.111 cannot parse this form (it dates
        # such posts 0001-01-01): keep them out of the newest, so both pick the same 20.
        return instant.strftime("%Y-%m-%d %H:%M")
    if roll < 0.12:
        return instant.strftime("%Y-%m-%d %H:%M:%S")
    offset = rng.choice(OFFSETS)
    if offset == "Z":
        return instant.strftime("%Y-%m-%dT%H:%M:%SZ")
    sign = 1 if offset[0] == "+" else -1
    delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])) * sign
    return (instant + delta).strftime("%Y-%m-%dT%H:%M:%S") + offset


def _front_matter(rng: random.Random, i: int, instant: datetime, count: int) -> tuple[str, str]:
    """Return (front matter text, file stem) for post number `i`."""
    title, slug_base = _title(rng)
    stem = f"{slug_base}-{i}"
    lines = [f"title: {_yaml_string(title)}"]
    date = _date(instant, rng, short_naive_ok=i < count - 60)
    lines.append(f"date: {date}")
    # Hugo falls back to lastmod for a date it cannot parse: no lastmod on such posts.
    if rng.random() < 0.2 and len(date) > 16:
        later = instant + timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1440))
        key = rng.choice(("updated", "lastmod"))
        lines.append(f"{key}: {later.strftime('%Y-%m-%dT%H:%M:%S')}+00:00")
    if rng.random() < 0.75:
        lines.append(f"author: {rng.choice(AUTHORS)}")
    else:
        names = rng.sample(AUTHORS, rng.randint(1, 3))
        lines.append("authors:\n" + "\n".join(f"  - {n}" for n in names))
    tags = rng.sample(TAGS, rng.randint(1, 5))
    if len(tags) > 1 and rng.random() < 0.25:
        lines.append(f"tags: {json.dumps(', '.join(tags), ensure_ascii=False)}")
    else:
        lines.append("tags: [" + ", ".join(json.dumps(t) for t in tags) + "]")
    if rng.random() < 0.3:
        key = rng.choice(("summary", "description"))
        text = _sentence(rng, _words(rng, rng.randint(12, 30)), False, False)
        lines.append(f"{key}: {json.dumps(text, ensure_ascii=False)}")
    if rng.random() < 0.15:
        lines.append(f"slug: {slug_base}-n{i}")
    if rng.random() < 0.03:
        lines.append("draft: true")
    if rng.random() < 0.1:
        key, value = rng.choice(UNKNOWN_KEYS)
        lines.append(f"{key}: {value}")
    return "---\n" + "\n".join(lines) + "\n---\n\n", stem


def feedkit_config(tag_feeds: bool) -> str:
    """Return the feedkit.toml text of a benchmark site."""
    return f"""title = "Bench & Co. Blog"
base_url = "https://bench.example.org/"
description = "A generated corpus for timing feed builds."
timezone = "UTC"
permalink = "/{{year}}/{{month}}/{{slug}}/"

[author]
name = "Bench Author"
email = "author@bench.example.org"

[feed]
limit = 20
full_content = true
tag_feeds = {str(tag_feeds).lower()}
"""


# What every Hugo site of the benchmark shares: feeds of the 20 newest posts, their
# permalinks as feedkit's, and no page rendered. Hugo 0.111 drops regular pages from every
# collection when "page" is in disableKinds, and its RSS then has no items: keep the kind,
# but render no page (`render = "link"` keeps the permalinks the feed needs).
HUGO_POSTS = """[services.rss]
limit = 20

[permalinks]
posts = "/:year/:month/:slugorfilename/"

[[cascade]]
  [cascade._build]
    render = "link"
  [cascade._target]
    kind = "page"
"""
HUGO_CONFIG = (
    """baseURL = "https://bench.example.org/"
title = "Bench & Co. Blog"
timeZone = "UTC"
disableKinds = ["taxonomy", "term", "section", "sitemap", "robotsTXT", "404"]

[outputs]
home = ["RSS"]

"""
    + HUGO_POSTS
)
HUGO_RSS = """{{- printf "<?xml version=%q encoding=%q?>" "1.0" "utf-8" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{{ .Site.Title }}</title>
    <link>{{ .Site.BaseURL }}</link>
    <description>Recent posts on {{ .Site.Title }}</description>
    {{- $pages := first .Site.Config.Services.RSS.Limit .Site.RegularPages.ByDate.Reverse }}
    {{- range $pages }}
    <item>
      <title>{{ .Title }}</title>
      <link>{{ .Permalink }}</link>
      <pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
      <guid>{{ .Permalink }}</guid>
      <description>{{ .Content | html }}</description>
    </item>
    {{- end }}
  </channel>
</rss>
"""


def write_site_files(root: Path, tag_feeds: bool = False) -> None:
    """Write feedkit.toml and the Hugo site (config, RSS layout, content symlink) in `root`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "feedkit.toml").write_text(feedkit_config(tag_feeds), encoding="utf-8")
    hugo = root / "hugo"
    (hugo / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (hugo / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (hugo / "layouts" / "_default" / "rss.xml").write_text(HUGO_RSS, encoding="utf-8")
    link = hugo / "content"
    if not link.is_symlink():
        link.symlink_to(Path("..") / "content", target_is_directory=True)


def generate(root: Path, count: int, seed: int = 1, tag_feeds: bool = False) -> None:
    """Write a site of `count` posts in `root`; the same seed gives byte-identical files.

    Also writes `root/bench.json` last (count, seed, newest published post, bytes), so a
    corpus with that file is complete.
    """
    rng = random.Random(seed)
    write_site_files(root, tag_feeds)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    step = (datetime(2025, 1, 1, tzinfo=UTC) - start) // max(count, 1)
    step_minutes = max(int(step.total_seconds() // 60), 1)
    newest, total = "", 0
    for i in range(count):
        future = rng.random() < 0.01
        # One slot per post, one minute inside it: dates are distinct and sorted by i.
        minute = i * step_minutes + rng.randrange(step_minutes)
        if future:  # scheduled posts, all within 2099
            instant = datetime(2099, 1, 1, tzinfo=UTC) + timedelta(minutes=minute // 12)
        else:
            instant = start + timedelta(minutes=minute)
        front, stem = _front_matter(rng, i, instant, count)
        long_post = rng.random() < 0.11
        target = rng.randint(5200, 6200) if long_post else int(rng.triangular(600, 2800, 1060))
        body = _body(rng, target, rng.random() < 0.15, rng.random() < 0.1, rng.random() < 0.3)
        folder = root / "content" / "posts" / str(instant.year)
        folder.mkdir(parents=True, exist_ok=True)
        data = (front + body).encode("utf-8")
        path = folder / f"{stem}.md"
        path.write_bytes(data)
        # Files as old as their posts, as in a real blog; a build never reads dates from them.
        written = min(instant, start + step * count).timestamp()
        os.utime(path, (written, written))
        total += len(data)
        if not future and "draft: true" not in front:
            newest = f"content/posts/{instant.year}/{stem}.md"
    manifest = {"count": count, "seed": seed, "newest": newest, "bytes": total}
    (root / "bench.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tag-feeds", action="store_true")
    args = parser.parse_args()
    generate(args.root, args.count, args.seed, args.tag_feeds)
    info = json.loads((args.root / "bench.json").read_text(encoding="utf-8"))
    print(f"wrote {args.count} posts, {info['bytes'] / 1e6:.1f} MB, to {args.root}")


if __name__ == "__main__":
    main()
