"""`feedkit preview` at the benchmark's sizes: a writer's warm process, timed over HTTP.

Per size: the time until the preview says where it serves, the first page after that, then
the medians of the page, of each feed URL and of a 404, and the time from saving a post to
the page that shows it (the page's reload signal, then the page itself). The saved post is
put back as it was before the next size.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from feedkit.config import load_config

HEADER = (
    "| posts | ready s | first page s | page s | slowest feed s | 404 s "
    "| save → new page s | RSS MiB |"
)


def _get(url: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()
    return time.perf_counter() - start, body


def _median(url: str, runs: int) -> float:
    return statistics.median(_get(url)[0] for _ in range(max(runs, 3)))


def _token(page: bytes) -> str:
    found = re.search(rb'data-token="([0-9a-f]+)"', page)
    if not found:
        raise RuntimeError("the preview page has no reload token")
    return found.group(1).decode()


def _save_to_page(base: str, post: Path, title: str) -> float:
    """Return the seconds from saving `post` with `title` to the page that shows it."""
    token = _token(_get(base + "/")[1])
    stream = urllib.request.urlopen(f"{base}/events?since={token}", timeout=300)
    signalled = threading.Event()

    def listen() -> None:
        while not stream.readline().startswith(b"data:"):
            pass
        signalled.set()

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    text = post.read_text(encoding="utf-8")
    start = time.perf_counter()
    post.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1), "utf-8")
    signalled.wait(300)
    page = _get(base + "/")[1]
    took = time.perf_counter() - start
    stream.close()
    if title.encode() not in page:
        raise RuntimeError(f"the page after saving {post.name} does not show {title!r}")
    return took


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def row(root: Path, size: int, post: Path, runs: int, env: dict[str, str], feedkit: str) -> dict:
    """Return the preview's timings for the site at `root` (`post`: the one to save)."""
    cfg = load_config(root / "feedkit.toml")
    feeds = [cfg.feed.atom, cfg.feed.rss] + ([cfg.feed.json] if cfg.feed.json_feed else [])
    original = post.read_bytes()
    start = time.perf_counter()
    process = subprocess.Popen(
        [feedkit, "preview", "--port", "0", "--config", str(root / "feedkit.toml")],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        ready = time.perf_counter() - start
        found = re.search(r"(http://127\.0\.0\.1:[0-9]+)/", line)
        if not found:
            raise RuntimeError(f"feedkit preview did not start: {line!r}")
        base = found.group(1)
        first = _get(base + "/")[0]
        result = {
            "size": size,
            "ready_s": round(ready, 3),
            "first_page_s": round(first, 3),
            "page_s": round(_median(base + "/", runs), 3),
            "feeds_s": {name: round(_median(f"{base}/{name}", runs), 3) for name in feeds},
            "not_found_s": round(_median(base + "/no-such-file.xml", runs), 3),
            "save_to_page_s": round(
                statistics.median(
                    _save_to_page(base, post, f"Preview bench edit {n}") for n in range(runs)
                ),
                3,
            ),
            "rss_mib": round(_rss_mib(process.pid), 1),
        }
    finally:
        post.write_bytes(original)
        process.terminate()
        process.wait(30)
    return result


def table(rows: list[dict]) -> str:
    lines = [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['ready_s']:.2f} | {r['first_page_s']:.2f} | {r['page_s']:.3f} "
            f"| {max(r['feeds_s'].values()):.3f} | {r['not_found_s']:.3f} "
            f"| {r['save_to_page_s']:.2f} | {r['rss_mib']:.0f} |"
        )
    return "\n".join(lines)
