"""`readonly`: a dataclass that nothing compares, read-only to the type checker alone.

dataclasses writes and compiles the source of each method it makes for a class, in every
process: a frozen class's `__setattr__` and `__delattr__` and its slower `__init__` cost
about 0.3 ms each time (a 20-field class), and a fresh `feedkit build` makes some twenty
such classes. A class nothing compares or hashes by value (eq=False: its hash is its
identity, frozen or not) gains nothing from them at run time, so `readonly` makes it without:
mypy, told by `dataclass_transform` that it is frozen, still rejects any assignment to its
fields, as `feedkit/` is checked before every commit. A class compared and hashed by value
(a `Problem`, an `Author`, a `Place`: `eq=True`) is hashed by its fields as a frozen one
is (`unsafe_hash`, the same hash), without frozen's methods either.

Only `__init__` is dataclasses' own. A class's `__repr__`, and `__eq__` and `__hash__` when
compared, are one function each for every class, given the names of its fields: they print,
compare and hash as dataclasses' do (`tests/test_readonly.py`), and writing and compiling
those 26 methods took 2-3 ms of every fresh `feedkit build`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

# typing itself is not imported at run time; mypy reads this name as typing's.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Callable
    from dataclasses import field
    from typing import TypeVar, dataclass_transform

    T = TypeVar("T")

    @dataclass_transform(frozen_default=True, eq_default=False, field_specifiers=(field,))
    def readonly(
        *, repr: bool = True, eq: bool = False, slots: bool = False
    ) -> Callable[[type[T]], type[T]]:
        """As `dataclass(frozen=True, repr=repr, eq=eq, slots=slots)`, for the type checker."""
        ...

else:
    from operator import attrgetter
    from reprlib import recursive_repr

    def readonly(*, repr=True, eq=False, slots=False):
        """Return the decorator that makes a class a dataclass without frozen's methods at
        run time; with `repr=False`, without a __repr__; with `eq`, compared and hashed by
        its fields as a frozen one is (its hash the same: the type checker keeps its
        fields from changing while it is in a set)."""

        def make(cls):
            cls = dataclass(repr=False, eq=False, slots=slots)(cls)
            every = fields(cls)
            if repr and "__repr__" not in cls.__dict__:
                cls.__repr__ = _repr([f.name for f in every if f.repr])
            if eq:
                key = _key([f.name for f in every if f.compare])
                if "__eq__" not in cls.__dict__:
                    cls.__eq__ = _eq(key)
                hashed = [f.name for f in every if (f.compare if f.hash is None else f.hash)]
                body_hash = cls.__dict__.get("__hash__", None)
                if body_hash is None:  # none, or None for the __eq__ of the class's body
                    cls.__hash__ = _hash(_key(hashed))
            return cls

        return make

    def _key(names):
        """Return the function giving an object's values of `names`, as a tuple."""
        if len(names) == 1:
            get = attrgetter(names[0])
            return lambda self: (get(self),)
        return attrgetter(*names) if names else lambda self: ()

    def _repr(names):
        @recursive_repr()
        def __repr__(self):
            shown = ", ".join([f"{name}={getattr(self, name)!r}" for name in names])
            return f"{self.__class__.__qualname__}({shown})"

        return __repr__

    def _eq(key):
        def __eq__(self, other):
            if other.__class__ is self.__class__:
                return key(self) == key(other)
            return NotImplemented

        return __eq__

    def _hash(key):
        def __hash__(self):
            return hash(key(self))

        return __hash__
