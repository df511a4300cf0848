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


# The longest folder name a tag's feed gets, in UTF-8 bytes: file systems hold 255 (ext4,
# APFS, NTFS in characters), eCryptfs 143; a longer tag's is cut and told apart by a hash.
MAX_SLUG_BYTES = 120
_HASH_CHARS = 8


@lru_cache(maxsize=4096)  # a blog has far fewer tags than posts
def tag_slug(tag: str) -> str:
    """Return the folder name of a tag's feed: "c-plus-plus" for C++, "c-sharp" for C#.
    A tag of no letters or digits keeps its characters (🎉) but for ASCII's punctuation
    and spaces, named: `..` is "full-stop-full-stop", not the folder above, `?` is
    "question-mark", which no URL path or Windows folder holds as it is. A name over
    MAX_SLUG_BYTES is cut to fit, ending in a hash of the whole name (`_fitted`)."""
    spelled = _TAG_SIGNS.sub(lambda m: _TAG_SIGN_WORDS[m[1]], tag)
    slug = slugify(spelled) or slugify(tag)
    if not slug:
        if not any(char.isascii() and not char.isalnum() or char.isspace() for char in tag):
            slug = tag
        else:
            import unicodedata

            names = (
                unicodedata.name(char, f"u{ord(char):04x}") for char in tag if not char.isspace()
            )
            slug = "-".join(slugify(name) for name in names) or "space"
    return slug if len(slug.encode()) <= MAX_SLUG_BYTES else _fitted(slug)


def _fitted(slug: str) -> str:
    """Return a folder name too long for a file system cut to MAX_SLUG_BYTES: its start,
    whole characters, then "-" and the first characters of the SHA-256 of the whole name,
    so that two long tags that start alike keep feeds of their own."""
    import hashlib

    digest = hashlib.sha256(slug.encode()).hexdigest()[:_HASH_CHARS]
    room = MAX_SLUG_BYTES - _HASH_CHARS - 1
    start = slug.encode()[:room].decode(errors="ignore").rstrip("-")
    return f"{start}-{digest}"
