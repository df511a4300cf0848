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
    """Return the folder name of a tag's feed: "c-plus-plus" for C++, "c-sharp" for C#."""
    spelled = _TAG_SIGNS.sub(lambda m: _TAG_SIGN_WORDS[m[1]], tag)
    return slugify(spelled) or slugify(tag) or tag
