"""`readonly`: a dataclass that nothing compares, read-only to the type checker alone.

dataclasses writes and compiles the source of each method it makes for a class, in every
process: a frozen class's `__setattr__` and `__delattr__` and its slower `__init__` cost
about 0.3 ms each time (a 20-field class), and a fresh `feedkit build` makes some twenty
such classes. A class nothing compares or hashes by value (eq=False: its hash is its
identity, frozen or not) gains nothing from them at run time, so `readonly` makes it without:
mypy, told by `dataclass_transform` that it is frozen, still rejects any assignment to its
fields, as `feedkit/` is checked before every commit. A class that is compared or hashed
by value (a `Problem`, an `Author`, a `Place`) stays `@dataclass(frozen=True)`.
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
    def readonly(*, repr: bool = True) -> Callable[[type[T]], type[T]]:
        """As `dataclass(frozen=True, eq=False, repr=repr)`, for the type checker."""
        ...

else:

    def readonly(*, repr=True):
        """Return the decorator that makes a class a dataclass without __eq__ and, at run
        time, without frozen's methods; with `repr=False`, without a __repr__ either."""
        return dataclass(eq=False, repr=repr)
