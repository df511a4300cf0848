"""The expected-result form of a loaded post, shared by the loader tests and the regenerator."""

from __future__ import annotations

from typing import Any

from feedkit.models import Post


def post_record(post: Post) -> dict[str, Any]:
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
        "word_count": post.word_count,
        "reading_minutes": post.reading_minutes,
        "body_line": post.body_line,
        "extra": dict(post.extra),
    }
