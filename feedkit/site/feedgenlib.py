"""feedgen, as every feed of feedkit's is made with it (the site's and the digest archive's).

feedgen's modules import dateutil's date parser, for dates given as text, and its time zones,
for the UTC of a feed's default dates. feedkit gives feedgen datetimes, so the parser (with
calendar, decimal and locale under it, about 5 ms) is a stand-in that imports it if it is
ever called; so is dateutil's reader of the tzdata package (importlib.resources, tempfile,
random: 3 ms), which only time zones asked for by name use. dateutil's Windows time zones,
which import ctypes and then find no registry on any other system, are not tried there.
(feedkit.lazyimport; tests/test_lazy_imports.py shows what a build imports.)
"""

from __future__ import annotations

import sys

from feedkit.lazyimport import stand_ins

with stand_ins(
    "dateutil.parser",
    "dateutil._tzdata_impl",
    absent=() if sys.platform == "win32" else ("dateutil.tz.win",),
):
    from feedgen.entry import FeedEntry
    from feedgen.feed import FeedGenerator

__all__ = ["FeedEntry", "FeedGenerator"]
