"""Markdown files → `Post`s: front matter, dates, slugs, drafts; problems with path:line."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from feedkit import parallel, postfile
from feedkit.config import Config
from feedkit.errors import ContentError, Problem
from feedkit.models import Author, Post, slugify
from feedkit.postfile import (
    FileProblems,
    Source,
    decode,
    discover,
    parse_front_matter,
    read_head,
    split,
    unreadable_bodies,
)

JEKYLL_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.+)$")
_SLUG_OK = re.compile(r"^[^\s/\\?#%]+$")
_OFFSET_WITH_SPACE = re.compile(r"\s+(Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)

TITLE_KEYS = ("title",)
DATE_KEYS = ("date",)
UPDATED_KEYS = ("updated", "lastmod", "last_modified_at", "modified")
AUTHOR_KEYS = ("author", "authors")
TAG_KEYS = ("tags", "categories", "category")
SUMMARY_KEYS = ("summary", "description", "excerpt")
KNOWN_KEYS = frozenset(
    [
        *TITLE_KEYS,
        *DATE_KEYS,
        *UPDATED_KEYS,
        *AUTHOR_KEYS,
        *TAG_KEYS,
        *SUMMARY_KEYS,
        "draft",
        "published",
        "slug",
        "id",
        "image",
    ]
)


@dataclass(frozen=True)
class LoadResult:
    posts: tuple[Post, ...]  # every post, drafts and future ones too, newest first
    warnings: tuple[Problem, ...]


def parse_date(value: Any, tz: ZoneInfo) -> datetime:
    """Return an aware datetime for a front matter date; naive values are in `tz`."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time(0, 0))
    elif isinstance(value, str) and value.strip():
        parsed = _parse_date_string(value.strip())
    else:
        raise ValueError(f"cannot read {value!r} as a date")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=tz)
    if not 1970 <= parsed.year <= 9999:
        raise ValueError(f"year {parsed.year} is out of range")
    return parsed


def _parse_date_string(text: str) -> datetime:
    candidate = _OFFSET_WITH_SPACE.sub(lambda m: _offset(m.group(1)), text)
    candidate = candidate.replace("/", "-")
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime  # rare: RFC 2822 dates

        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    raise ValueError(
        f"cannot read {text!r} as a date; write it as 2024-05-01, 2024-05-01 10:00 "
        f"or 2024-05-01T10:00:00+02:00"
    )


def _offset(raw: str) -> str:
    if raw.upper() in ("Z", "UTC", "GMT"):
        return "+00:00"
    digits = raw.replace(":", "")
    return f"{digits[:3]}:{digits[3:]}"


def _split_list(value: Any, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        parts = value.split(",") if "," in value else value.split()
        return [p.strip() for p in parts if p.strip()]
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                raise ValueError(f"{key} must be a list of names, but has {item!r}")
            if str(item).strip():
                items.append(str(item).strip())
        return items
    raise ValueError(f"{key} must be a list or a comma- or space-separated string")


def _authors(value: Any, site_author: Author) -> tuple[Author, ...]:
    raw = value if isinstance(value, list) else [value]
    authors = []
    for item in raw:
        if isinstance(item, dict):
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                raise ValueError(f"author {item!r} needs a 'name'")
            email, url = item.get("email"), item.get("url")
            authors.append(
                Author(
                    name.strip(),
                    email if isinstance(email, str) else None,
                    url if isinstance(url, str) else None,
                )
            )
        elif isinstance(item, str) and item.strip():
            if "<" in item:
                from email.utils import parseaddr  # rare: "Name <address>"

                name, email = parseaddr(item)
            else:
                name, email = item.strip(), ""
            name = name or email
            if not email and name == site_author.name:
                email = site_author.email or ""
            authors.append(Author(name, email or None))
        else:
            raise ValueError(f"author must be a name or a list of names, not {item!r}")
    return tuple(authors)


class _PostBuilder:
    """Reads one file's front matter into a Post, collecting every problem found."""

    def __init__(
        self,
        cfg: Config,
        path: Path,
        shown: str,
        src: Source,
        meta: dict[str, Any],
        warnings: list[Problem],
    ) -> None:
        self.cfg, self.path, self.shown, self.src, self.meta = cfg, path, shown, src, meta
        self.problems: list[Problem] = []
        self.warnings = warnings

    def line_of(self, key: str) -> int:
        m = re.search(rf"""^\s*["']?{re.escape(key)}["']?\s*[:=]""", self.src.fm_text, re.M)
        if not m:
            return self.src.fm_first_line
        return self.src.fm_first_line + self.src.fm_text.count("\n", 0, m.start())

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.shown, self.line_of(key), message))

    def first(self, keys: tuple[str, ...]) -> tuple[str, Any]:
        for key in keys:
            if self.meta.get(key) not in (None, ""):
                return key, self.meta[key]
        return keys[0], None

    def build(self) -> Post:
        cfg, meta = self.cfg, self.meta
        jekyll = JEKYLL_NAME.match(self.path.stem)

        title = meta.get("title")
        if isinstance(title, str | int | float) and not isinstance(title, bool):
            title = " ".join(str(title).split())
        if not title:
            self.fail("title", "missing title; add 'title: …' to the front matter")
            title = ""

        published = self._date(jekyll)
        updated_key, updated_raw = self.first(UPDATED_KEYS)
        updated = published
        if updated_raw is not None and published is not None:
            try:
                updated = parse_date(updated_raw, cfg.timezone)
            except ValueError as exc:
                self.fail(updated_key, f"{updated_key}: {exc}")
                updated = published
            if updated < published:
                self.warnings.append(
                    Problem(
                        self.shown,
                        self.line_of(updated_key),
                        f"{updated_key} is before the post's date; using the date",
                        warning=True,
                    )
                )
                updated = published

        slug = self._slug(jekyll)
        authors = self._field(AUTHOR_KEYS, lambda v: _authors(v, cfg.author), (cfg.author,))
        tags = self._tags()
        summary_key, summary = self.first(SUMMARY_KEYS)
        if summary is not None and not isinstance(summary, str):
            self.fail(summary_key, f"{summary_key} must be text")
            summary = None
        draft = self._draft()
        url = self._url(slug, published) if slug and published else ""
        post_id = self._id(url, published)
        image = meta.get("image")
        if image is not None and not (isinstance(image, str) and image.strip()):
            self.fail("image", "image must be a path or URL")
            image = None

        if self.problems:
            raise FileProblems(self.problems)
        assert published is not None and updated is not None
        return Post(
            source=self.path,
            rel_path=self.shown,
            body_line=self.src.body_line,
            title=str(title),
            slug=slug,
            url=url,
            id=post_id,
            published=published,
            updated=updated,
            authors=authors,
            tags=tags,
            summary=summary,
            image=urljoin(url, image.strip()) if image else None,
            draft=draft,
            extra={k: v for k, v in meta.items() if k not in KNOWN_KEYS},
        )

    def _field(self, keys: tuple[str, ...], parse: Any, default: Any) -> Any:
        key, value = self.first(keys)
        if value is None:
            return default
        try:
            return parse(value) or default
        except ValueError as exc:
            self.fail(key, str(exc))
            return default

    def _date(self, jekyll: re.Match[str] | None) -> datetime | None:
        raw = self.meta.get("date")
        if raw in (None, "") and jekyll:
            raw = jekyll["date"]
        if raw in (None, ""):
            self.fail(
                "date",
                "missing date; add 'date: 2024-05-01' (or a time with zone) to the "
                "front matter, or name the file 2024-05-01-slug.md",
            )
            return None
        try:
            return parse_date(raw, self.cfg.timezone)
        except ValueError as exc:
            self.fail("date", f"date: {exc}")
            return None

    def _slug(self, jekyll: re.Match[str] | None) -> str:
        raw = self.meta.get("slug")
        if raw is None:
            stem = self.path.parent.name if self.path.stem == "index" else self.path.stem
            if self.path.stem != "index" and jekyll:
                stem = jekyll["slug"]
            slug = slugify(stem)
            if not slug:
                self.fail(
                    "slug",
                    f"cannot make a URL slug from the file name {stem!r}; "
                    "add 'slug: …' to the front matter",
                )
            return slug
        slug = str(raw).strip()
        if not _SLUG_OK.match(slug) or slug in (".", "..") or slug.startswith("."):
            self.fail(
                "slug",
                f"slug {slug!r} is not a single URL path segment (it could escape "
                "the output folder); use letters, digits and dashes",
            )
            return ""
        return slug

    def _tags(self) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for key in TAG_KEYS:
            try:
                for tag in _split_list(self.meta.get(key), key):
                    seen.setdefault(slugify(tag) or tag, tag)
            except ValueError as exc:
                self.fail(key, str(exc))
        return tuple(seen.values())

    def _draft(self) -> bool:
        draft = False
        for key, means_draft in (("draft", True), ("published", False)):
            value = self.meta.get(key)
            if value is None:
                continue
            if not isinstance(value, bool):
                self.fail(key, f"{key} must be true or false, not {value!r}")
            elif value is means_draft:
                draft = True
        return draft

    def _url(self, slug: str, published: datetime) -> str:
        local = published.astimezone(self.cfg.timezone)
        path = self.cfg.permalink.format(
            year=f"{local.year:04d}",
            month=f"{local.month:02d}",
            day=f"{local.day:02d}",
            slug=quote(slug),
        )
        # base_url ends with "/" and the permalink has no "..", "//" or scheme (config checks):
        # joining is concatenation, and much cheaper than urljoin over thousands of posts.
        return self.cfg.base_url + path.lstrip("/")

    def _id(self, url: str, published: datetime | None) -> str:
        raw = self.meta.get("id")
        if raw is not None:
            post_id = str(raw).strip()
            scheme = urlsplit(post_id).scheme
            if not scheme or any(c.isspace() for c in post_id):
                self.fail(
                    "id",
                    f"id {post_id!r} must be an absolute URI such as "
                    "'urn:uuid:…' or 'tag:example.com,2024:post'",
                )
            return post_id
        if not url or published is None:
            return ""
        # RFC 4151 tag URI: stays the same when the site moves to https or another path layout
        # would be a different post; set `id:` in front matter to pin it across URL changes.
        host, origin = _site_origin(self.cfg.base_url)
        path = url[len(origin) :] if url.startswith(origin) else urlsplit(url).path
        return f"tag:{host},{published.date().isoformat()}:{path}"


def load_post(path: Path, cfg: Config, warnings: list[Problem]) -> Post:
    """Return the Post in `path`; raise ContentError listing what is wrong with it."""
    return _parse(path, display_path(path, cfg.root), cfg, warnings)[0]


def _parse(
    path: Path, shown: str, cfg: Config, warnings: list[Problem]
) -> tuple[Post, postfile.StatKey]:
    try:
        src, st = read_head(path, shown, warnings)
        meta = parse_front_matter(src, shown)
        return _PostBuilder(cfg, path, shown, src, meta, warnings).build(), st
    except FileProblems as exc:
        raise ContentError(exc.problems) from None
    except OSError as exc:
        raise ContentError.single(shown, 0, f"cannot be read: {exc.strerror}") from exc


def read_body(post: Post, warnings: list[Problem] | None = None) -> str:
    """Return the Markdown body of a loaded post, read again from its file."""
    return body_of(post, read_raw(post), warnings)


def read_raw(post: Post) -> bytes:
    """Return a loaded post's file as bytes."""
    try:
        return post.source.read_bytes()
    except OSError as exc:
        raise ContentError.single(post.rel_path, 0, f"cannot be read: {exc.strerror}") from exc


def body_of(post: Post, raw: bytes, warnings: list[Problem] | None = None) -> str:
    """Return the Markdown body in a post file's bytes."""
    try:
        return postfile.body_of(raw, post.rel_path, warnings)
    except FileProblems as exc:
        raise ContentError(exc.problems) from None
    except OSError as exc:
        raise ContentError.single(post.rel_path, 0, f"cannot be read: {exc.strerror}") from exc


def display_path(path: Path, root: Path) -> str:
    """Return `path` as shown in messages: relative to the site root when it is inside it."""
    text, prefix = str(path), str(root).rstrip("/") + "/"
    if text.startswith(prefix):
        return text[len(prefix) :].replace("\\", "/")
    return text


@lru_cache(maxsize=8)
def _site_origin(base_url: str) -> tuple[str, str]:
    parts = urlsplit(base_url)
    return parts.hostname or "", f"{parts.scheme}://{parts.netloc}"


# Below this many files a second process costs more than it saves.
PARALLEL_FROM = 1500


# One parsed file: its name as shown, its status, and the post or what is wrong with it.
Parsed = tuple[str, "postfile.StatKey | None", Any, list[Problem], list[Problem]]


def _load_many(cfg: Config, paths: list[Path], light: bool = False) -> list[Parsed]:
    results: list[Parsed] = []
    for path in paths:
        shown = display_path(path, cfg.root)
        warnings: list[Problem] = []
        try:
            post, st = _parse(path, shown, cfg, warnings)
            results.append((shown, st, choice_fields(post) if light else post, [], warnings))
        except ContentError as exc:
            results.append((shown, None, None, list(exc.problems), warnings))
    return results


def choice_fields(post: Post) -> tuple[float, bool, str, str, str, tuple[str, ...]]:
    """Return what choosing feed entries needs of a post: (published as a timestamp, draft,
    slug, ID, URL, tags). Far smaller than the post, so 20,000 of them fit in little memory."""
    return (post.published.timestamp(), post.draft, post.slug, post.id, post.url, post.tags)


def parse_files(
    cfg: Config,
    paths: list[Path],
    *,
    light: bool = False,
    meanwhile: Callable[[], object] | None = None,
) -> list[Parsed]:
    """Return each file's post (only its `choice_fields` when `light`) or its problems.

    Over many files, a forked child parses part of them while this process parses the rest
    (and first runs `meanwhile`, e.g. imports the renderer, so that costs no extra time;
    with few files, `meanwhile` is left to whoever needs it).
    """
    if len(paths) < PARALLEL_FROM or parallel.cores() < 2:
        return _load_many(cfg, paths, light)
    # This process also runs `meanwhile`: give it a little less to parse.
    mine = int(len(paths) * (0.42 if meanwhile is not None else 0.5))

    def here() -> list[Parsed]:
        if meanwhile is not None:
            meanwhile()
        return _load_many(cfg, paths[:mine], light)

    first, rest = parallel.in_parallel(here, lambda: _load_many(cfg, paths[mine:], light))
    return first + rest


Progress = Callable[[str], None]  # told what a long build is doing now


def load_posts(cfg: Config, *, progress: Progress | None = None) -> LoadResult:
    """Return every post under the content folder, newest first; raise listing all problems."""
    content = cfg.content_path
    if not content.is_dir():
        raise ContentError.single(
            display_path(content, cfg.root),
            0,
            "content folder not found; create it or set content_dir in feedkit.toml",
        )
    paths = discover(content)
    if progress is not None:
        progress(f"reading {len(paths):,} posts")
    posts: list[Post] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for _, _, post, file_problems, file_warnings in parse_files(cfg, paths):
        if post is not None:
            posts.append(post)
        problems.extend(file_problems)
        warnings.extend(file_warnings)
    problems.extend(duplicates((p.rel_path, p.source, p.slug, p.id, p.url) for p in posts))
    if problems:
        problems.extend(more_problems(problems, [(p.rel_path, p.source) for p in posts]))
        problems.sort(key=lambda p: p.path)  # file by file; stable, so lines stay in order
        raise ContentError(problems + warnings)
    posts.sort(key=lambda p: (p.published, p.slug), reverse=True)
    return LoadResult(tuple(posts), tuple(warnings))


def more_problems(found: list[Problem], files: list[tuple[str, Path]]) -> list[Problem]:
    """Return the bodies that are not UTF-8 among `files` not already in `found`.

    A build only reads the bodies it shows; when it fails anyway, it reads them all, so a
    single run lists every problem.
    """
    reported = {p.path for p in found}
    return unreadable_bodies([(shown, path) for shown, path in files if shown not in reported])


def duplicates(records: Iterable[tuple[str, Path | str, str, str, str]]) -> list[Problem]:
    """Return a problem for each post whose slug, ID or URL another post already has.

    `records` are (shown path, file, slug, id, url), in file order.
    """
    found: list[Problem] = []
    records = list(records)
    for index, what in ((2, "slug"), (3, "ID"), (4, "URL")):
        owners: dict[str, tuple[str, Path | str, str, str, str]] = {}
        for record in records:
            value = str(record[index])
            other = owners.setdefault(value, record)
            if index == 4 and not value:  # no URLs given: a URL clash is a slug clash
                break
            if other is not record and not (index == 4 and record[2] == other[2]):
                found.append(
                    Problem(
                        record[0],
                        _key_line(record[1], record[0], "id" if index == 3 else what.lower()),
                        f"{what} {value!r} is also used by "
                        f"{other[0]}; each post needs its own {what}",
                    )
                )
    return found


def _key_line(source: Path | str, shown: str, key: str) -> int:
    """Return the line of `key` in a post's front matter (1 if it is not there)."""
    try:
        text = decode(Path(source).read_bytes(), shown, [])
    except (OSError, FileProblems):
        return 1
    m = re.search(rf"""^\s*["']?{key}["']?\s*[:=]""", text[: split(text, "").body_start], re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def check_bodies(posts: Iterable[Post]) -> tuple[Problem, ...]:
    """Read every post's body; raise listing the ones that are not UTF-8, return warnings."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for post in posts:
        try:
            read_body(post, warnings)
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError(problems + warnings)
    return tuple(warnings)


def public_posts(posts: tuple[Post, ...], now: datetime, *, drafts: bool = False) -> list[Post]:
    """Return the posts readers may see at `now`: no drafts (unless asked), nothing future."""
    return [p for p in posts if (drafts or not p.draft) and p.published <= now]


def tags_of(posts: list[Post]) -> Mapping[str, tuple[str, list[Post]]]:
    """Return tag slug → (display name, posts with that tag, newest first)."""
    tags: dict[str, tuple[str, list[Post]]] = {}
    for post in posts:
        for tag in post.tags:
            name, members = tags.setdefault(slugify(tag) or tag, (tag, []))
            members.append(post)
    return tags
