"""The expected-result form of a loaded post, shared by the loader tests and the regenerator."""

from __future__ import annotations

from typing import Any

from feedkit.models import Post
from feedkit.posts.plaintext import measure
from feedkit.posts.postbody import read_body


def post_record(post: Post) -> dict[str, Any]:
    words, minutes = measure(read_body(post))
    return {
        "title": post.title,
        "slug": post.slug,
        "url": post.url,
        "id": post.id,
        "published": post.published.isoformat(),
        "updated": post.updated.isoformat(),
        "authors": [[a.name, a.email] for a in post.authors],
        "tags": list(post.tags),
        "summary": post.summary,
        "image": post.image,
        "draft": post.draft,
        "word_count": words,
        "reading_minutes": minutes,
        "body_line": post.body_line,
        "extra": dict(post.extra),
    }
