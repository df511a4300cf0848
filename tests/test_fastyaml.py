"""fastyaml.load gives exactly what PyYAML's safe loader gives, on every front matter we have."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from feedkit.posts import fastyaml
from feedkit.posts.postfile import FileProblems, decode, split
from feedkit.posts.postvalues import ImpossibleValue

from conftest import FIXTURES, ROOT

TRICKY = [
    "title: plain\ndate: 2024-05-01\n",
    "date: 2024-05-01 10:00:00+02:00\nb: 2024-05-01t10:00:00Z\nc: 2001-12-14 21:59:43.10 -5\n",
    "d: 2024-05-01T10:00:00.123456789+01:00\ne: 2024-5-1\nf: 2024-05-01 10:00\n",
    "yes: yes\nno: No\non: ON\noff: off\nt: true\nf: False\ny: y\nn: n\n",
    "n1: ~\nn2: null\nn3:\nn4: NULL\n",
    "i: 42\nh: 0x1F\no: 017\nb: 0b101\nu: 1_000\ns: 1:30\nneg: -7\nplus: +3\n",
    "f: 3.14\ne: 6.8523015e+5\ninf: .inf\nninf: -.Inf\nsix: 190:20:30.15\n",
    "q1: 'true'\nq2: \"42\"\nq3: '2024-05-01'\n",
    "block: |\n  line one\n  line two\nfold: >\n  a\n  b\n",
    "tags: [a, b, 3, true]\nnested:\n  - {name: Ada, email: a@x.org}\n  - [1, 2]\n",
    "anchor: &a {x: 1}\nref: *a\nlist: &l [1, 2]\nagain: *l\n",
    "merge: &base {a: 1}\nchild:\n  <<: *base\n  b: 2\n",
    "tagged: !!str 2024\nother: !!int '7'\n",
    "? [complex, key]\n: value\n",
    'emoji: 🚀 “quotes” 日本語 שלום\nescaped: "tab\\there"\n',
    "",
    "- a\n- list\n",
    "just a string\n",
    "=: value key\nv: =\n",
    "nan: .nan\n",
    "series: &s [one, *s]\n",
    "a: &a {self: *a, list: &l [*l, *a]}\nb: *l\n",
    "a: &x 1\nb: *x\nc: &y [*x, *x]\nd: [*y, *y]\n",
    "deep: " + "[" * 900 + "]" * 900 + "\n",  # deeper than Python's recursion limit allows
    "deep: " + "[" * 1001 + "]" * 1001 + "\n",  # deeper than libyaml allows
    "tagged: !!str 2024\nseries: &s [one, *s]\n",
]
# "Billion laughs": nine to the ninth strings, if every alias were a copy.
BOMB = split(
    (FIXTURES / "aliases" / "billion-laughs.md").read_text(encoding="utf-8"), "bomb"
).fm_text


def same(a: object, b: object) -> bool:
    """Return True if `a` and `b` are equal values of the same types, and share objects alike:
    where one has the same list or mapping twice (an alias) or inside itself, so does the other.
    (A loop, not recursion: documents nest deeper than Python's recursion limit.)"""
    pairs: dict[int, int] = {}
    todo = [(a, b)]
    while todo:
        x, y = todo.pop()
        if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
            continue
        if type(x) is not type(y):
            return False
        if isinstance(x, list | dict):
            if id(x) in pairs or id(y) in pairs:
                if pairs.get(id(x)) != id(y) or pairs.get(id(y)) != id(x):
                    return False
                continue
            pairs[id(x)], pairs[id(y)] = id(y), id(x)
            if isinstance(x, dict) and isinstance(y, dict):
                if x.keys() != y.keys():
                    return False
                todo.extend((x[k], y[k]) for k in x)
            elif isinstance(x, list) and isinstance(y, list):
                if len(x) != len(y):
                    return False
                todo.extend(zip(x, y, strict=True))
        elif x != y or (hasattr(x, "tzinfo") and x.utcoffset() != y.utcoffset()):  # type: ignore[union-attr]
            return False
    return True


def loads_alike(text: str) -> bool:
    """Return True if fastyaml gives what PyYAML gives, or both refuse the document alike.

    Where PyYAML's constructors fail with a plain exception (a timestamp naming no real date,
    `!!int x`), which a build would show as a traceback, fastyaml must not: it keeps the text
    (see test_impossible_scalars_are_kept_as_their_text) or reports a YAML error."""
    try:
        expected = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        with pytest.raises(yaml.YAMLError) as info:
            fastyaml.load(text)
        assert (type(info.value), str(info.value)) == (type(exc), str(exc))
        return True
    except (ValueError, TypeError, KeyError, AttributeError):
        try:
            fastyaml.load(text)
        except yaml.YAMLError:
            pass
        return True
    return same(fastyaml.load(text), expected)


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_documents_load_as_pyyaml_loads_them(text: str) -> None:
    assert loads_alike(text)


def front_matters() -> list[tuple[str, str]]:
    found = []
    for path in [*ROOT.joinpath("content").rglob("*.md"), *FIXTURES.rglob("*.md")]:
        try:
            src = split(decode(path.read_bytes(), path.name, []), path.name)
        except FileProblems:
            continue
        if src.fm_format == "YAML":
            found.append((str(path.relative_to(ROOT)), src.fm_text))
    return found


def test_every_front_matter_in_the_repository_loads_the_same() -> None:
    found = front_matters()
    assert len(found) >= 30
    for name, text in found:
        assert loads_alike(text), name


def bench_front_matters(folder: Path) -> list[tuple[str, str]]:
    """Return (file name, front matter) of each post of a 400-post corpus that the benchmark's
    generator (bench/corpus.py) makes in `folder`."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import generate
    finally:
        sys.path.pop(0)
    generate(folder, 400, seed=7)
    return [
        (path.name, split(decode(path.read_bytes(), path.name, []), path.name).fm_text)
        for path in sorted((folder / "content").rglob("*.md"))
    ]


def test_bench_corpus_front_matter_loads_the_same(tmp_path: Path) -> None:
    for name, text in bench_front_matters(tmp_path):
        assert same(fastyaml.load(text), yaml.load(text, Loader=yaml.CSafeLoader)), name


def test_lean_loader_may_skip_resolution_because_pyyaml_has_no_base_resolvers() -> None:
    # The lean loader answers the C parser's resolve() with the default tag for the node's
    # kind. That is PyYAML's own answer only while BaseResolver has no implicit or path
    # resolvers registered (SafeLoader's live on Resolver, a subclass).
    from yaml.resolver import BaseResolver

    assert not BaseResolver.yaml_implicit_resolvers
    assert not BaseResolver.yaml_path_resolvers
    assert fastyaml.load("a: [1, {b: '2'}]\nc: |\n  x\n") == {"a": [1, {"b": "2"}], "c": "x\n"}


def test_aliases_share_one_object_as_in_pyyaml() -> None:
    doc = fastyaml.load("series: &s [one, *s]\nmap: &m {me: *m}\n" + BOMB)
    assert len(doc["i"]) == 9 and doc["a"] == ["lol"] * 9
    assert doc["series"][1] is doc["series"]
    assert doc["map"]["me"] is doc["map"]
    assert all(item is doc["h"] for item in doc["i"])


def containers(value: object) -> int:
    """Return how many distinct lists and mappings `value` is made of (each counted once)."""
    seen: set[int] = set()
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, (list, dict)) and id(item) not in seen:
            seen.add(id(item))
            todo.extend(item.values() if isinstance(item, dict) else item)
    return len(seen)


def test_an_alias_bomb_is_built_as_pyyaml_builds_it_one_list_per_anchor() -> None:
    # Expanding every alias would build 9^8 lists and 9^9 strings (seconds, gigabytes); the
    # work of a loader that shares them, as PyYAML does, grows with the document's length.
    # The time against PyYAML's is bench/run.py's (bench/yaml_speed.py).
    ours, theirs = fastyaml.load(BOMB), yaml.load(BOMB, Loader=yaml.CSafeLoader)
    assert containers(ours) == containers(theirs) == 1 + 9  # the document and one per anchor


@pytest.mark.parametrize(
    ("text", "kept", "reason"),
    [
        ("date: 2023-02-30\n", "2023-02-30", "day is out of range for month"),
        ("date: 2023-13-01\n", "2023-13-01", "month must be in 1..12"),
        ("date: 2023-01-01 25:00:00\n", "2023-01-01 25:00:00", "hour must be in 0..23"),
        (
            "date: 2023-01-01T10:00:00+25:00\n",
            "2023-01-01T10:00:00+25:00",
            "offset must be a timedelta strictly between -timedelta(hours=24) and "
            "timedelta(hours=24), not datetime.timedelta(days=1, seconds=3600).",
        ),
        ("date: 0000-01-01\n", "0000-01-01", "year 0 is out of range"),
        ("date: !!timestamp 2023-02-30\n", "2023-02-30", "day is out of range for month"),
        ("date: 2023-02-30\nother: !!str x\n", "2023-02-30", "day is out of range for month"),
        ("date: 0x_\n", "0x_", "invalid literal for int() with base 16: ''"),
        ("date: !!int many\n", "many", "invalid literal for int() with base 10: 'many'"),
        ("date: !!bool maybe\n", "maybe", "'maybe'"),
        ("date: !!timestamp soon\n", "soon", "'NoneType' object has no attribute 'groupdict'"),
    ],
)
def test_impossible_scalars_are_kept_as_their_text(text: str, kept: str, reason: str) -> None:
    # PyYAML raises a bare exception here, from inside the load, without a line; the text
    # is kept so the post reports it at its key's line (tests/test_loader.py).
    with pytest.raises((ValueError, TypeError, KeyError, AttributeError)):
        yaml.load(text, Loader=yaml.CSafeLoader)
    value = fastyaml.load(text)["date"]
    assert isinstance(value, ImpossibleValue)
    assert (str(value), value.reason) == (kept, reason)


# -- documents made up by hypothesis ---------------------------------------------------------

PLAIN = [
    "a", "lol", "Ada Quill", "42", "-7", "0x1F", "017", "0b101", "1_000", "1:30", "190:20:30.15",
    "3.14", ".inf", "-.Inf", ".nan", "6.8523015e+5", "1e3", "true", "False", "yes", "No", "on",
    "OFF", "y", "~", "null", "2024-05-01", "2024-5-1", "2024-05-01 10:00:00",
    "2024-05-01T10:00:00Z", "2024-05-01t10:00:00.5+01:00", "2001-12-14 21:59:43.10 -5",
    "2024-05-01T10:00:00.123456789+01:00", "2023-02-30", "2023-13-01", "0000-01-01",
    "2023-01-01 25:00:00", "2023-01-01T10:00:00+25:00", "9999-12-31 23:59:59 -23", "0x_",
    "=", "a b", "é", "🚀",
]  # fmt: skip
BROKEN = ["-", "?", "a: b", "#", "'", "[", "{", "!", "&", "*", "%", "@", "\t"]
QUOTED = ["'true'", '"42"', "'2023-02-30'", '"tab\\there"', "''", '"\\u00e9"', "'it''s'"]
TAGGED = [
    "!!str 2024", "!!int '7'", "!!float '1.5'", "!!bool yes", "!!null ''", "!!timestamp 2024-05-01",
    "!!timestamp 2023-02-30", "!!int many", "!!bool maybe", "!!binary aGk=", "!!set {a, b}",
    "!!omap [a: 1]", "!local x", "!!python/name:os.system x",
]  # fmt: skip


# Merge keys and unhashable keys, rarer: each refuses most documents it is in.
TOP_KEYS = ["title", "date", "tags", "x", "y", "series"] * 3 + ["<<"]
KEYS = ["k", "t", "1", "2024-01-01", "x", "y"] * 3 + ["<<", "[x]"]


@st.composite
def yaml_documents(draw: st.DrawFn) -> str:
    """Return a YAML document: a block mapping of flow and block values, with anchors,
    aliases (to earlier nodes, and to nodes still open: recursive ones), merge keys, tags
    and scalars of every implicit type, valid or not."""
    anchors: list[str] = []

    def scalar() -> str:
        kind = draw(st.integers(0, 19))
        if kind < 10:
            return draw(st.sampled_from(PLAIN))
        if kind < 14:
            return draw(st.sampled_from(QUOTED))
        if kind < 16:
            return draw(st.sampled_from(TAGGED))
        if kind < 17:
            return draw(st.sampled_from(BROKEN))
        text = draw(st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12))
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def node(depth: int) -> str:
        choice = draw(st.integers(0, 9 if depth < 4 else 5))
        if choice < 4 or depth >= 4:
            text = scalar()
        elif choice < 6 and anchors:
            return "*" + draw(st.sampled_from(anchors))
        else:
            anchor = ""
            if draw(st.booleans()):
                anchors.append(f"n{len(anchors)}")
                anchor = f"&{anchors[-1]} "
            items = [node(depth + 1) for _ in range(draw(st.integers(0, 3)))]
            if choice < 8:
                return anchor + "[" + ", ".join(items) + "]"
            keys = [draw(st.sampled_from(KEYS)) for _ in items]
            return (
                anchor
                + "{"
                + ", ".join(f"{k}: {v}" for k, v in zip(keys, items, strict=True))
                + "}"
            )
        if draw(st.integers(0, 5)) == 0:
            anchors.append(f"n{len(anchors)}")
            return f"&{anchors[-1]} {text}"
        return text

    lines = []
    for key in draw(st.lists(st.sampled_from(TOP_KEYS), max_size=6)):
        if draw(st.integers(0, 4)) == 0:
            items = [node(2) for _ in range(draw(st.integers(1, 3)))]
            lines.append(f"{key}:\n" + "".join(f"  - {item}\n" for item in items))
        else:
            lines.append(f"{key}: {node(1)}\n")
    return "".join(lines)


@settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(yaml_documents())
@example("series: &s [one, *s]\n")
@example("a: &n0 {<<: *n0}\n")
@example("a: &n0 [*n0]\nb: {*n0 : 1}\n")
def test_generated_documents_load_as_pyyaml_loads_them(text: str) -> None:
    assert loads_alike(text), text


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{},&*!'\"#|>~?. 0\n\t")), max_size=40))
def test_any_text_loads_as_pyyaml_loads_it(text: str) -> None:
    assert loads_alike(text), text
