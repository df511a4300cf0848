"""fastyaml.load gives exactly what PyYAML's safe loader gives, on every front matter we have."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from feedkit import fastyaml
from feedkit.postfile import FileProblems, decode, split

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
]


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return (
        type(a) is type(b)
        and a == b
        and (not hasattr(a, "tzinfo") or a.utcoffset() == b.utcoffset())
    )


def loads_alike(text: str) -> bool:
    """Return True if fastyaml gives what PyYAML gives, or both refuse the document."""
    try:
        expected = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            fastyaml.load(text)
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


def test_bench_corpus_front_matter_loads_the_same(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import generate
    finally:
        sys.path.pop(0)
    generate(tmp_path, 400, seed=7)
    for path in sorted((tmp_path / "content").rglob("*.md")):
        text = split(decode(path.read_bytes(), path.name, []), path.name).fm_text
        assert same(fastyaml.load(text), yaml.load(text, Loader=yaml.CSafeLoader)), path.name


def test_lean_loader_may_skip_resolution_because_pyyaml_has_no_base_resolvers() -> None:
    # The lean loader answers the C parser's resolve() with the default tag for the node's
    # kind. That is PyYAML's own answer only while BaseResolver has no implicit or path
    # resolvers registered (SafeLoader's live on Resolver, a subclass).
    from yaml.resolver import BaseResolver

    assert not BaseResolver.yaml_implicit_resolvers
    assert not BaseResolver.yaml_path_resolvers
    assert fastyaml.load("a: [1, {b: '2'}]\nc: |\n  x\n") == {"a": [1, {"b": "2"}], "c": "x\n"}
