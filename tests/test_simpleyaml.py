"""simpleyaml.load reads the common front matter forms as PyYAML's safe loader reads them, and
leaves every other document (None) to PyYAML."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_fastyaml import PLAIN, bench_front_matters, front_matters, same
from yaml.resolver import Resolver

from feedkit.posts import fastyaml, simpleyaml


def through_pyyaml(text: str) -> Any:
    """Return what fastyaml gives without simpleyaml: PyYAML's result, but for a scalar
    PyYAML fails on, which it keeps as its text (tests/test_fastyaml.py shows both)."""
    read = simpleyaml.load
    simpleyaml.load = lambda text: None  # type: ignore[assignment]
    try:
        return fastyaml.load(text)
    finally:
        simpleyaml.load = read


def reads_alike(text: str) -> bool:
    """Return True if simpleyaml leaves `text` to PyYAML, or gives what PyYAML gives (as
    fastyaml keeps it)."""
    ours = simpleyaml.load(text)
    if ours is None:
        return True
    try:
        theirs = through_pyyaml(text)
    except yaml.YAMLError:
        return False  # a document PyYAML refuses must go to it, for its message
    return same(ours, theirs)


SIMPLE = [
    "title: Plain title\ndate: 2024-05-01\n",
    'title: "Quoted: with a colon # and a hash"\ndate: 2019-03-16T08:43:00+00:00\n',
    'title: "The \\"contract\\" default \\\\ back"\n',
    "title: 'It''s single'\nupdated: 2019-11-01 09:02:00\n",
    "tags: [\"c++\", data-engineering, 'feeds', C#, 42, true]\nempty: []\nspaced: [ a b ,  c ]\n",
    'authors:\n  - Émile Durand\n  - "Ada, Quill"\n\ntags:\n- a\n- b\nnext: x\n',
    "draft: true\ntoc: yes\nhidden: Off\nnothing: ~\nalso: null\nbare:\nweight: 10\nzero: 0\n",
    "# a comment\ntitle: Don't drop 🚀 “quotes” 日本語\n\n   \nsummary: a, b [c] {d}\n",
    "date: 2015-01-27 10:40\nlastmod: 2024-05-01t10:00:00.123456789Z\nother: 2023-02-30\n",
    "title: a:b and c#d\nurl: /about/\nimage: images/x.png\n",
    "series: +3\nratio: 3.5\nexp: 1e3\nhex: 0x1F\noct: 017\n",
    "date: 2024-05-01 10:00:00 +02:00\n",
]


@pytest.mark.parametrize("text", SIMPLE)
def test_the_simple_forms_are_read_here_as_pyyaml_reads_them(text: str) -> None:
    ours = simpleyaml.load(text)
    assert ours is not None
    assert same(ours, through_pyyaml(text))


OTHER = [
    "",
    "# only a comment\n",
    "title: first\ntitle: second\n",  # a key twice: fmparse warns, PyYAML reads the last
    "title: a: b\n",
    "title: a #comment\n",
    "title: ends with a colon:\n",
    "title:\tTab\n",
    "title: x\n  continued\n",
    "title:\n  on the next line\n",
    'title: "a\\nb"\n',
    'title: "unclosed\n',
    'title: "a" b\n',
    "title: 'a' 'b'\n",
    "tags: [a, [b]]\n",
    "tags: [a: b]\n",
    "tags: [a,\n  b]\n",
    'tags: ["a, b"]\n',
    "tags: [a, ]\n",
    "tags: [-1]\n",
    "tags:\n  - a\n    - b\n",
    "tags:\n  - a\n - b\n",
    "tags:\n  -\n",
    "tags:\n  - [a]\n",
    "tags:\n  - a: b\n",
    "yes: key typed\n",
    "on: key typed\n",
    "null: x\n",
    "2024: a year key\n",
    '"quoted": key\n',
    "a b: spaced key\n",
    "key:value\n",
    "- a list\n",
    "image: &a x\nother: *a\n",
    "date: !!str 2024\n",
    "block: |\n  text\n",
    "title: Line\u2028break\n",
    "title: Next\x85line\n",
    "title: \ufeffmark\n",
    "title: no\u00a0break\n",
    "merge: <<\n",
    "value: =\n",
]


@pytest.mark.parametrize("text", OTHER)
def test_every_other_form_is_left_to_pyyaml(text: str) -> None:
    assert simpleyaml.load(text) is None
    assert reads_alike(text)


def test_the_words_are_pyyamls_booleans_and_nulls() -> None:
    # The simple forms type a plain scalar that starts with a letter or "~" by these words
    # alone: PyYAML's bool and null patterns must name exactly them, and its other implicit
    # types must start only with what simpleyaml hands to PyYAML's rules.
    words: dict[str, set[str]] = {}
    starts: set[str] = set()
    for first, resolvers in Resolver.yaml_implicit_resolvers.items():
        for tag, pattern in resolvers:
            if tag.endswith((":bool", ":null")):
                words.setdefault(tag, set()).update(re.findall(r"[\w~]+", pattern.pattern))
            else:
                starts.add(first)
    assert words["tag:yaml.org,2002:bool"] == {
        w for w, v in simpleyaml.WORDS.items() if isinstance(v, bool)
    }
    assert words["tag:yaml.org,2002:null"] == {w for w, v in simpleyaml.WORDS.items() if v is None}
    # ("!", "&" and "*" alone are PyYAML's `yaml` type: indicators, never a plain scalar here.)
    assert starts - {""} <= simpleyaml._TYPED_START | simpleyaml._PLAIN_START
    for word, value in simpleyaml.WORDS.items():
        assert fastyaml.plain(word) is value


@pytest.mark.parametrize(
    "text",
    [
        *PLAIN,
        "2024-05-01 10:00",
        "2024-05-01T10:00",
        "2024-05-01t10:00:00z",
        "2024-05-01 10:00:00.5",
        "2024-05-01T10:00:00-08:00",
        "2024-5-01",
        "20240501",
        "0",
        "007",
        "1_000",
        "12345678901234567890",
        "+12",
        "Null",
        "nULL",
        "True",
        "tRUE",
        "~x",
    ],
)
def test_plain_scalars_take_pyyamls_implicit_types(text: str) -> None:
    try:
        theirs = fastyaml.plain(text)
    except simpleyaml.Unusual:  # `=`: no type fastyaml builds; PyYAML's loader takes it
        with pytest.raises(simpleyaml.Unusual):
            simpleyaml.plain(text)
        return
    assert same(simpleyaml.plain(text), theirs)


def test_every_front_matter_in_the_repository_reads_the_same() -> None:
    found = front_matters()
    read = [name for name, text in found if simpleyaml.load(text) is not None]
    assert len(read) >= len(found) // 2  # most of them are in the simple forms
    for name, text in found:
        assert reads_alike(text), name


def test_the_bench_corpus_is_read_without_pyyaml_and_the_same(tmp_path: Path) -> None:
    found = bench_front_matters(tmp_path)
    assert len(found) == 400
    for name, text in found:
        ours = simpleyaml.load(text)
        assert ours is not None, text
        assert same(ours, yaml.load(text, Loader=yaml.CSafeLoader)), name


# -- documents made up by hypothesis, near the simple forms and just outside them ------------

KEYS = ["title", "date", "tags", "a-b", "_x", "y", "Title"]
NEAR_KEYS = ["on", "null", "2024", "a b", '"q"', "é", "<<"]
COLONS = [": ", ":  "]
NEAR_COLONS = [":", " : ", ":\t"]
GOOD = [
    "a b", "C#", "a#b", "a:b", "Don't", 'a"b', "a  b", "a, b", "é", "🚀 日本語", "+3", "x]",
    "2015-01-27 10:40", "2024-05-01t10:00:00.5Z", "~", "~x", "<x", "=x", "<<",
]  # fmt: skip
NEAR = [
    "a: b", "a #b", "foo:", "-x", "[", "{a}", "x\x85y", "x\u2028y", "x\u00a0y", "\ufeffx",
    "👩\u200d💻", "=", "&a", "*a", "!x", "|", ">", "%", "@", "`", "?", "? x", "-", "- x",
]  # fmt: skip
QUOTED = [
    '"a"', '"a \\"b\\" c"', '"back \\\\ slash"', '"a: b # c"', "'a'", "'it''s'", '""', "''",
    '"C#, D"', "'[x]'", '"2024-05-01"',
]  # fmt: skip
NEAR_QUOTED = ['"\\n"', '"\\t"', '"\\x41"', '"a', '"a" b', "'a' 'b'", "'''", "'", '"\\"']
NEAR_LINES = ["  more", "more", " - x", "  # note", "\t", "---", "...", "- x"]


@st.composite
def near_documents(draw: st.DrawFn) -> str:
    """Return a document of key lines, flow and block lists, comments and blank lines: some
    in the simple forms only, others with pieces just outside them."""
    rate = draw(st.sampled_from([0, 0, 1, 2, 5]))  # in ten pieces, how many are near misses

    def pick(good: list[str], near: list[str]) -> str:
        return draw(st.sampled_from(near if draw(st.integers(0, 9)) < rate else good))

    def scalar() -> str:
        kind = draw(st.integers(0, 9))
        if kind < 4:
            return draw(st.sampled_from(PLAIN))
        if kind < 7:
            return pick(GOOD, NEAR)
        return pick(QUOTED, NEAR_QUOTED)

    def value() -> str:
        if draw(st.integers(0, 3)) == 0:
            items = [scalar() for _ in range(draw(st.integers(0, 3)))]
            separator = pick([", ", ",", " , "], [",  ", ",\t"])
            return "[" + separator.join(items) + pick(["]", " ]"], [",]", "]]", "] x"])
        return scalar()

    lines = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 9))
        key = pick(KEYS, NEAR_KEYS)
        if kind == 0:
            lines.append(pick(["", "   ", "# note"], NEAR_LINES))
        elif kind < 3:
            indent = " " * draw(st.sampled_from([0, 2, 4]))
            lines.append(key + ":" + draw(st.sampled_from(["", " "])))
            for _ in range(draw(st.integers(0, 3))):
                step = pick([indent], [indent + " ", indent[:-1]])
                lines.append(step + pick(["- ", "-  "], ["-", "-\t"]) + scalar())
        else:
            trail = pick(["", " "], [" # c", "\t", " x"])
            lines.append(key + pick(COLONS, NEAR_COLONS) + value() + trail)
        if draw(st.integers(0, 9)) < rate:
            lines.append(draw(st.sampled_from(NEAR_LINES)))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(
    max_examples=1500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(near_documents())
@example('tags: ["a]", b]\n')
@example("title: a\ntitle: b\n")
def test_documents_near_the_simple_forms_read_as_pyyaml_reads_them(text: str) -> None:
    assert reads_alike(text), text


def test_fastyaml_reads_the_simple_forms_through_simpleyaml() -> None:
    # fastyaml.load (Jekyll's and Hugo's config files, data files) takes the same road.
    text = 'title: "A \\"b\\""\ntags: [x, 1]\n'
    assert same(fastyaml.load(text), yaml.load(text, Loader=yaml.CSafeLoader))


def test_dates_with_the_same_offset_share_one_zone() -> None:
    # 20,000 posts' dates keep (and pickle, to the check cache and from a forked child) one
    # zone object per offset, not one each.
    first = simpleyaml.load("date: 2024-05-01T10:00:00+05:30\nupdated: 2024-05-02 10:00:00Z\n")
    second = simpleyaml.load("date: 2023-01-01T08:00:00+05:30\nupdated: 2023-01-02T10:00:00Z\n")
    assert first is not None and second is not None
    assert first["date"].tzinfo is second["date"].tzinfo
    assert first["updated"].tzinfo is second["updated"].tzinfo
    assert first["date"].utcoffset() != first["updated"].utcoffset()
