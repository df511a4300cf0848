"""Links in a Hugo post as Hugo's embedded link render hook writes them (Hugo 0.123 and later,
when the site's configuration turns it on: see hugoconfig's `link_hook`): a relative link's
path names a page (`two.md`, `../notes/`, `/learning/two/`) and goes to where Hugo
publishes that page, its query and fragment kept; anything else is left as written.

The hook asks `.GetPage` for the path: from the linking page's folder first, then from the
content folder (feedkit/posts/tagreads.py finds pages as `{{< ref >}}` does). Found in the
Markdown (a reference definition's target has no place in the HTML), outside code.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

# Where a link's target starts: an inline link's, or a reference definition's.
_TARGET = re.compile(
    r"(?:\]\([ \t]*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)(?P<target>[^\s<>()]+)", re.MULTILINE
)
# A target that names no page: a URL with a scheme, a protocol-relative one, a fragment.
_NOT_A_PAGE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:|//|#|\?)")

# A page's path in the content folder → its URL, "" when no page has that path.
Find = Callable[[str], str]


def may_have_links(body: str) -> bool:
    """Return True when `body` may hold a link `hook_links` would rewrite (a quick test)."""
    return "](" in body or "]:" in body


def hook_links(body: str, folder: str, find: Find) -> tuple[str, list[tuple[str, str]]]:
    """Return `body` with each relative link to a page as the hook writes it (`find` gives
    the URL of the page at a path in the content folder; the post is in `folder` there),
    and each (path, URL or "") looked up, for the build cache to check again."""
    from feedkit.posts.pelicanlinks import code_ranges

    found = [m for m in _TARGET.finditer(body) if not _NOT_A_PAGE.match(m["target"])]
    if not found:
        return body, []
    code = code_ranges(body)
    looked: list[tuple[str, str]] = []
    parts: list[str] = []
    last = 0
    for m in found:
        if any(start <= m.start("target") < end for start, end in code):
            continue
        target = m["target"]
        path, mark, rest = re.match(r"([^?#]*)([?#]?)(.*)", target).groups()  # type: ignore[union-attr]
        path = path.removeprefix("./")
        if not path:
            continue
        url = ""
        for key in candidates(path, folder):
            url = find(key)
            looked.append((key, url))
            if url:
                break
        if url:
            parts += [body[last : m.start("target")], url + mark + rest]
            last = m.end("target")
    return "".join(parts) + body[last:], looked


def candidates(path: str, folder: str) -> list[str]:
    """Return the content paths `.GetPage` tries for a link's `path` from a page in
    `folder`: from that folder (unless the path starts at the top, `/…`), then from the
    content folder."""
    from urllib.parse import unquote

    path = unquote(path)
    top = path.strip("/")
    if path.startswith("/"):
        return [top] if top else []
    near = posixpath.normpath(posixpath.join(folder, path)).strip("/")
    return list(dict.fromkeys(key for key in (near, top) if key and not key.startswith("..")))
