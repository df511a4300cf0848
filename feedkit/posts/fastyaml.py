"""YAML front matter through PyYAML's C parser, built into Python objects with less overhead.

PyYAML's C loader parses in C but constructs every object in Python through a general
machinery (generators, deep construction, per-node dispatch): for front matter that is two
thirds of its time. `load` here keeps PyYAML's parser, its implicit-type rules and its
constructors for every type, and only replaces the walk over the node tree; anything
unusual (explicit tags, merge keys, unhashable keys, nesting deeper than Python recursion
goes) goes to PyYAML's own SafeLoader. The result is the same as
`yaml.load(text, Loader=yaml.CSafeLoader)`, aliases included: an alias is the same object as
its anchor (so a "billion laughs" document stays small, and a node holding its own alias
holds itself), as in PyYAML. One difference, where PyYAML fails with a bare exception and
no line: a scalar its implicit or explicit type cannot build (the date 2023-02-30, `0x_`)
is kept as its text, an `ImpossibleValue`, for the post to report at its key's line.
tests/test_fastyaml.py checks all this on every front matter in the repository, tricky
cases, and documents that hypothesis makes up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import yaml
from yaml.constructor import BaseConstructor, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver, Resolver

from feedkit.posts import simpleyaml
from feedkit.posts.postvalues import ImpossibleValue
from feedkit.posts.simpleyaml import Unusual as _Unusual  # also what the lean walk does not handle

# What a caller catches when the YAML cannot be read, without importing PyYAML itself.
YAMLError = yaml.YAMLError

try:  # the C parser, when PyYAML was built with libyaml
    from yaml._yaml import CParser

    SAFE_LOADER: type = yaml.CSafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was installed
    CParser = None
    SAFE_LOADER = yaml.SafeLoader

STR = "tag:yaml.org,2002:str"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
_IMPLICIT = Resolver.yaml_implicit_resolvers
_SAFE = SafeConstructor()
# The exceptions PyYAML's scalar constructors raise on text their type's pattern let through
# (2023-02-30, 0x_) or an explicit tag forced on them (!!int many, !!bool maybe).
_SCALAR_FAILURES = (ValueError, TypeError, KeyError, AttributeError, OverflowError)

Construct = Callable[[BaseConstructor, Node], Any]


def _kept_when_impossible(construct: Construct) -> Construct:
    """Return `construct`, giving an ImpossibleValue where it fails on a scalar's text."""

    def build(loader: BaseConstructor, node: Node) -> Any:
        try:
            return construct(loader, node)
        except _SCALAR_FAILURES as exc:
            if not isinstance(node, ScalarNode):
                raise
            return ImpossibleValue(node.value, str(exc))

    return build


class _SafeLoader(SAFE_LOADER):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader, keeping scalars it cannot build as their text."""


for _type in ("bool", "int", "float", "timestamp"):
    _SafeLoader.add_constructor(
        f"tag:yaml.org,2002:{_type}",
        _kept_when_impossible(SafeConstructor.yaml_constructors[f"tag:yaml.org,2002:{_type}"]),
    )

# Hugo's forms of PyYAML's implicit booleans and numbers (yaml.resolver.Resolver's, without
# YAML 1.1's yes/no/on/off and its base-60 numbers).
_HUGO_PATTERNS = {
    "tag:yaml.org,2002:bool": re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    "tag:yaml.org,2002:int": re.compile(
        r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"
    ),
    "tag:yaml.org,2002:float": re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
}
_CONSTRUCTORS = _SafeLoader.yaml_constructors


class _HugoLoader(_SafeLoader):
    """The safe loader, its implicit types as Hugo 0.168's YAML (goccy/go-yaml) resolves
    them: booleans are `true` and `false` alone (`yes`, `No`, `on` are text, as in YAML
    1.2), and no number is in base 60 (`1:30` is text); octal `0777` stays 511, as there."""

    yaml_implicit_resolvers = {
        first: [
            (tag, _HUGO_PATTERNS.get(tag, pattern))
            for tag, pattern in resolvers
            if not (tag == "tag:yaml.org,2002:bool" and first not in "tTfF")
        ]
        for first, resolvers in _IMPLICIT.items()
    }


def _plain_tag(value: str) -> str:
    for tag, pattern in _IMPLICIT.get(value[:1] if value else "", ()):
        if pattern.match(value):
            return str(tag)
    return STR


def plain(value: str, node: ScalarNode | None = None) -> Any:
    """Return the object a plain (unquoted) scalar's text stands for, by its implicit type
    (`node`, when given, is the scalar's own)."""
    tag = _plain_tag(value)
    if tag == STR:
        return value
    if tag == TIMESTAMP:  # the common ISO forms, in C; PyYAML's rule for the rest
        try:
            return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError:
            pass
    construct = _CONSTRUCTORS.get(tag)
    if construct is None:
        raise _Unusual
    return construct(_SAFE, ScalarNode(tag, value) if node is None else node)


def _build(node: Node, built: dict[Node, Any]) -> Any:
    """Return the object for `node`; `built` holds those made so far, by node (an alias is
    the node of its anchor again, and must give the same object, as PyYAML gives)."""
    kind = node.__class__
    if kind is ScalarNode:
        if node.tag != STR:
            raise _Unusual
        if node.style:  # quoted or block: always a string
            return node.value
        return plain(node.value, node)
    done = built.get(node)
    if done is not None:
        return done
    if kind is MappingNode:
        if node.tag != "tag:yaml.org,2002:map":
            raise _Unusual
        mapping: dict[Any, Any] = {}
        built[node] = mapping  # before its values, which may be aliases of it
        for key_node, value_node in node.value:
            key = _build(key_node, built)
            try:
                mapping[key] = _build(value_node, built)
            except TypeError as exc:  # an unhashable key
                raise _Unusual from exc
        return mapping
    if kind is SequenceNode:
        if node.tag != "tag:yaml.org,2002:seq":
            raise _Unusual
        items: list[Any] = []
        built[node] = items
        items.extend([_build(item, built) for item in node.value])
        return items
    raise _Unusual


if CParser is not None:

    class _LeanParser(CParser):  # type: ignore[misc]
        """PyYAML's C parser and composer, no implicit resolution while parsing (the walk
        does it after): constructing comes after, in `_build`, so none of PyYAML's
        constructor or resolver state is made."""

        # The C parser asks these for every node. With no implicit resolvers (the walk
        # resolves plain scalars itself) and no path resolvers (the lean parser adds none),
        # PyYAML's versions come to a default tag by kind and nothing: say so directly.
        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
            return _DEFAULT_TAGS[kind]

        def descend_resolver(self, current_node: Node | None, current_index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

    _DEFAULT_TAGS = {
        ScalarNode: BaseResolver.DEFAULT_SCALAR_TAG,
        SequenceNode: BaseResolver.DEFAULT_SEQUENCE_TAG,
        MappingNode: BaseResolver.DEFAULT_MAPPING_TAG,
    }


def load(text: str, yaml12: bool = False) -> Any:
    """Return the YAML document in `text`, as PyYAML's safe loader would (see above); with
    `yaml12`, as Hugo 0.168 reads it (`_HugoLoader`: the caller knows that it holds a scalar
    that YAML 1.1 reads otherwise, `simpleyaml.yaml11_only`)."""
    if yaml12:
        return yaml.load(text, Loader=_HugoLoader)
    simple = simpleyaml.load(text)
    if simple is not None:
        return simple
    # "!" may start an explicit tag, which the lean walk cannot see once parsed.
    if CParser is None or "!" in text:
        return yaml.load(text, Loader=_SafeLoader)
    parser = _LeanParser(text)
    try:
        node = parser.get_single_node()  # as yaml.load, which takes a loader that constructs
        return None if node is None else _build(node, {})
    except (_Unusual, RecursionError):  # PyYAML's loader builds deep nesting without recursing
        return yaml.load(text, Loader=_SafeLoader)
    finally:
        parser.dispose()
