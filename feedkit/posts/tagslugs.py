"""A tag's feed: the folder its feed is written to (tags/<slug>/), and what to say when two
tags' spellings share one. The post builder warns of it in one post, the build across posts.
"""

from __future__ import annotations

import re
from functools import lru_cache

from feedkit.models import slugify

TAGS_MERGED = "both are listed there: spell them the same, or rename one"
# Characters that tell tags apart where slugify would drop them: C, C++ and C# are three.
_TAG_SIGNS = re.compile(r"(?<=[\w+#])([+#])")
_TAG_SIGN_WORDS = {"+": " plus ", "#": " sharp "}


@lru_cache(maxsize=4096)  # a blog has far fewer tags than posts
def tag_slug(tag: str) -> str:
    """Return the folder name of a tag's feed: "c-plus-plus" for C++, "c-sharp" for C#.
    A tag of no letters or digits keeps its characters (🎉) but for ASCII's punctuation
    and spaces, named: `..` is "full-stop-full-stop", not the folder above, `?` is
    "question-mark", which no URL path or Windows folder holds as it is."""
    spelled = _TAG_SIGNS.sub(lambda m: _TAG_SIGN_WORDS[m[1]], tag)
    slug = slugify(spelled) or slugify(tag)
    if slug:
        return slug
    if not any(char.isascii() and not char.isalnum() or char.isspace() for char in tag):
        return tag
    import unicodedata

    names = (unicodedata.name(char, f"u{ord(char):04x}") for char in tag if not char.isspace())
    return "-".join(slugify(name) for name in names) or "space"
