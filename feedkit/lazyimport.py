"""Importing a library without the modules of it that feedkit never calls.

A library often imports, at its top, modules that only some of its functions use: premailer
imports requests to fetch external stylesheets (which feedkit never lets it do), feedgen
imports dateutil's date parser for dates given as text (feedkit gives datetimes). Each costs
its import time on every run. While inside `stand_ins`, importing such a module gives a
stand-in that imports the real one when one of its attributes is first used, so nothing
breaks if the library does call it after all. (importlib's LazyLoader cannot do this on
Python 3.11: the import statement itself reads the module's __spec__, which loads it.)
"""

from __future__ import annotations

import importlib
import sys
import types
from contextlib import contextmanager

TYPE_CHECKING = False  # typing is not imported (see feedkit.site.uptodate)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


class ImportedWhenUsed(types.ModuleType):
    """Stands for a module that is imported when one of its attributes is first used."""

    def __getattr__(self, attr: str) -> Any:
        if sys.modules.get(self.__name__) is self:  # used at once: the real one from now on
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attr)


@contextmanager
def stand_ins(*when_used: str, absent: tuple[str, ...] = ()) -> Iterator[None]:
    """While inside, `import NAME` of each of `when_used` gives an `ImportedWhenUsed` (one
    already imported stays as it is), and each of `absent` fails to import, as a module for
    another system does there (the library must expect that). After, a later import of any
    of them gets the real module."""
    placed: dict[str, types.ModuleType | None] = {}
    for name in when_used:
        if name not in sys.modules:
            placed[name] = ImportedWhenUsed(name)
    for name in absent:
        if name not in sys.modules:
            placed[name] = None
    for name, module in placed.items():
        sys.modules[name] = module  # type: ignore[assignment]  # None: the import fails
    try:
        yield
    finally:
        for name, module in placed.items():
            if name in sys.modules and sys.modules[name] is module:
                del sys.modules[name]
