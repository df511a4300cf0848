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
"""

from __future__ import annotations

from dataclasses import dataclass

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

    def readonly(*, repr=True, eq=False, slots=False):
        """Return the decorator that makes a class a dataclass without frozen's methods at
        run time; with `repr=False`, without a __repr__; with `eq`, compared and hashed by
        its fields as a frozen one is (its hash the same: the type checker keeps its
        fields from changing while it is in a set)."""
        return dataclass(repr=repr, eq=eq, unsafe_hash=eq, slots=slots)
