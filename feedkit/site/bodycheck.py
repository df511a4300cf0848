"""What `feedkit check` finds in a post's body, from its file's bytes (those its front matter
was read from, or read again once every post is known): its own warnings, formulas that stay
TeX when feeds show MathML, kramdown not understood, footnotes nothing refers to, raw HTML a
Hugo site leaves out, its template warnings, and what its templates read besides the post
(feedkit/site/checkcache.py keeps them for the next check).

Most bodies have none of these: a quick look at a body's bytes, read one character a byte,
tells so for most, and only those it cannot tell for are decoded, expanded and parsed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from feedkit import parallel
from feedkit.config import Config
from feedkit.errors import ContentError, Problem
from feedkit.models import Choice, Post
from feedkit.posts import comments
from feedkit.posts.linemap import at_source_lines
from feedkit.posts.loader import BATCH
from feedkit.posts.postbody import body_of, read_raw
from feedkit.posts.postread import prefetch
from feedkit.posts.uncarried import has_illegal
from feedkit.site.render import load_renderers

if TYPE_CHECKING:
    from feedkit.posts.expand import Templates
    from feedkit.posts.reading import Reading
    from feedkit.posts.templatesite import Read

# What a body gave: problems (it cannot be read), warnings (the body's own, then formulas
# and kramdown), its template warnings, and what its templates read besides the post.
BodyResult = tuple[list[Problem], list[Problem], list[Problem], tuple["Read", ...]]
# Bodies checked in one part of the work shared with a forked child, and how many bodies
# are worth a fork.
PART = 20
PARALLEL_FROM = 200


def check_bodies(posts: list[Post], cfg: Config, templates: Templates) -> list[BodyResult]:
    """Return what each post's body gives (see `BodyResult`), in the order of `posts`."""
    math = cfg.feed.math

    def checked(some: list[Post]) -> list[BodyResult]:
        prefetch(post.source for post in some)  # the disk reads them together
        return [_check_body(post, math, templates) for post in some]

    if len(posts) < PARALLEL_FROM or parallel.cores() < 2:
        batches = range(0, len(posts), BATCH)
        return [r for start in batches for r in checked(posts[start : start + BATCH])]
    load_renderers(cfg)  # once, before the fork, not in each process (when parsing did not)
    size = max(PART, -(-len(posts) // parallel.MAX_PARTS))
    starts = range(0, len(posts), size)
    parts = parallel.shared(len(starts), lambda i: checked(posts[starts[i] : starts[i] + size]))
    return [result for each in parts for result in each]


def choice_and_body(
    post: Post, raw: bytes, math: str, templates: Templates
) -> tuple[Choice, BodyResult | None]:
    """Return a post's Choice and what its body gives (`_check_read_body`)."""
    return post.choice(), _check_read_body(post, raw, math, templates)


def _check_read_body(post: Post, raw: bytes, math: str, templates: Templates) -> BodyResult | None:
    """Return what a post's body gives, from its file's bytes; None when its templates
    need the other posts (`Templates.of_files`)."""
    from feedkit.posts.templatesite import NeedsPosts

    try:
        return _check_body(post, math, templates, raw)
    except NeedsPosts:
        return None


def _check_body(
    post: Post, math: str, templates: Templates, raw: bytes | None = None
) -> BodyResult:
    """Return what a post's body gives (see `BodyResult`), its file read again unless its
    bytes are given."""
    from feedkit.posts.kramdown_look import has_kramdown
    from feedkit.posts.markup import math_warnings

    warnings: list[Problem] = []
    # kramdown's additions as the post's own reading has them, as a build renders it: a
    # cmark-gfm site's `{:` is text, and a Pelican site's without attr_list's and abbr's.
    reading = templates.reading(templates.jekyll, post.hugo)
    try:
        raw = read_raw(post) if raw is None else raw
        start = _plain_body_start(raw, post.body_line)
        # The body's bytes in place: a slice of them would copy 12 KB a post.
        data = memoryview(raw)[start:] if start is not None else None
        if data is not None and _nothing_to_find(
            str(data, "latin-1"), post, math, templates, reading
        ):
            try:
                str(data, "utf-8")
                return [], [], [], ()
            except UnicodeDecodeError:
                pass  # body_of names the line of the first bad byte
        body = read_post_body(post, warnings, raw, start)
    except ContentError as exc:
        return list(exc.problems), warnings, [], ()
    expanded = templates.expand(post, body)
    in_body: list[Problem] = []  # found in the expanded body: moved to the file's lines below
    if math == "mathml":
        in_body += math_warnings(post, expanded.text, reading)
    if reading.kramdown and has_kramdown(expanded.text):  # kramdown's modules for a post with some
        from feedkit.posts import kramdown

        in_body += kramdown.problems(post, expanded.text, reading)
    # One character first: `in` for two takes ~15 µs on a post's text, four bytes a
    # character when it has one emoji, where `in` for one takes a fraction of that.
    # (Python-Markdown lists such a note, a Pelican site's, as feeds then do.)
    if (
        reading.footnotes
        and not reading.python_markdown
        and "^" in expanded.text
        and "[^" in expanded.text
    ):
        in_body += _unused_notes(post, expanded.text, reading)
    # A comment left open hides the rest of the post, where it is not read as text.
    in_body += comments.warnings(post, expanded.text, reading)
    warnings += at_source_lines(in_body, post.body_line, body, expanded.text)
    # A Hugo site's raw HTML its pages leave out (no `unsafe`): once a post, a surprise.
    if not reading.raw_html and (templates.hugo or post.hugo) and "<" in expanded.text:
        from feedkit.posts.rawhtml import omitted_warning

        warnings += omitted_warning(post, body, expanded.text, reading.options)
    return [], warnings, list(expanded.problems), expanded.reads


def _unused_notes(post: Post, body: str, reading: Reading) -> list[Problem]:
    """Return a warning, at its line, for each footnote of a post nothing refers to."""
    from feedkit.posts.anchors import unused_notes

    return [
        Problem(
            post.rel_path,
            post.body_line + line - 1,
            f"footnote [^{label}] is never referred to; feeds leave it out, as the site's "
            "converter does",
            warning=True,
        )
        for line, label in unused_notes(body, reading.options)
    ]


def _nothing_to_find(
    view: str, post: Post, math: str, templates: Templates, reading: Reading
) -> bool:
    """Return True when none of `_check_body`'s checks can find anything in a body whose
    UTF-8 bytes, decoded as Latin-1, are `view`; False when that is not certain.

    Nearly every post has an emoji or another character beyond U+FFFF, which makes its text
    four bytes a character: each look for a character in it took longer than decoding
    the bytes one character a byte. Every check begins with looks for ASCII characters,
    and ASCII patterns without classes beyond ASCII (`\\s`, `\\w`) find in such a
    view what they find in the text: in UTF-8, the bytes of a character beyond ASCII are
    none of them."""
    from feedkit.posts.fences import dollars_only_in_code
    from feedkit.posts.kramdown_look import has_kramdown
    from feedkit.posts.texdelims import has_delimiters

    return (
        templates.unchanged(post, view)
        # `markup.math_warnings`'s (`$`, then MathJax's delimiters), `kramdown.prepare`'s
        # and `_check_body`'s own first looks.
        and (math != "mathml" or "$" not in view or dollars_only_in_code(view))
        and (math != "mathml" or not has_delimiters(view))
        and not (reading.kramdown and has_kramdown(view))
        and not (reading.footnotes and not reading.python_markdown and "^" in view and "[^" in view)
        and (reading.raw_html or not (templates.hugo or post.hugo) or "<" not in view)
        and not comments.may_be_unclosed(view)
    )


def _plain_body_start(raw: bytes, body_line: int) -> int | None:
    """Return where a file's body starts in its bytes (`_body_start`), when its body is
    the bytes from there decoded, if they are UTF-8; None when it may be otherwise (a
    character XML cannot carry is removed from it, with a warning)."""
    start = _body_start(raw, body_line)
    return None if start is None or has_illegal(raw) else start


def read_post_body(
    post: Post, warnings: list[Problem], raw: bytes | None = None, start: int | None = -1
) -> str:
    """Return a loaded post's Markdown body, read again from its file (unless its bytes are
    given), as `postbody.read_body` gives it (the same text, warnings and problems), at less
    cost. `start` is what `_plain_body_start` gave of its bytes, if known.

    Only the body is decoded: nearly every post has an emoji or another character beyond
    U+FFFF somewhere, which makes its whole text four bytes a character, and copying the
    body out of it cost more than reading the file. Files with characters XML cannot carry
    (the front matter was read without them), carriage returns, or a body that may be
    the closing line itself take `postbody.body_of`'s way, as does a body not UTF-8.
    """
    raw = read_raw(post) if raw is None else raw
    if start == -1:
        start = _plain_body_start(raw, post.body_line)
    if start is not None:
        try:
            return raw[start:].decode("utf-8")
        except UnicodeDecodeError:
            pass  # body_of names the line of the first bad byte
    return body_of(post, raw, warnings)


def _body_start(raw: bytes, body_line: int) -> int | None:
    """Return where in a file's bytes its body starts: after `body_line - 1` line ends, or
    None when that may not be where `postfile.split` starts it.

    Every format's front matter ends right after a line end, or at the end of the text; and
    `body_line` is the line `split` found there when the front matter was read, in the same
    text (with no character XML cannot carry, none was removed before). Only decoding a
    carriage return makes a line end no newline byte counts, and only a file that ends with
    its closing line has its body start elsewhere than after its line ends."""
    if body_line < 2 or b"\r" in raw:
        return None
    start = 0
    for _ in range(body_line - 1):
        start = raw.find(b"\n", start) + 1
        if not start:
            return None
    if raw[-1:] != b"\n" and raw.find(b"\n", start) < 0:
        return None  # the last line: the body, or the closing line with an empty body
    return start
