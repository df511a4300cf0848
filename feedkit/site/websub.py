"""WebSub: tell the site's hub which feeds a build changed, so that readers' services
subscribed there fetch them at once instead of at their next poll.

The news goes as the publish ping hubs take (Google's, Superfeedr's, WebSub.rocks'): a POST
of `hub.mode=publish` with each changed feed's URL as a `hub.url`, many in one request. What
the hub did not take (it was down, refused, or slow) is kept in
`.feedkit/websub-pending.txt` and sent again with the next build's news, so a hub that was
away for a while still hears of every change.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from feedkit import __version__
from feedkit.atomicfile import write_atomically
from feedkit.config import TAG_FEEDS_DIR, Config
from feedkit.errors import Problem
from feedkit.site.choose import feed_files

PENDING = "websub-pending.txt"  # in the cache folder: feed URLs the hub has not heard of
AT_ONCE = 50  # feed URLs in one ping
TIMEOUT = 10.0  # seconds to wait for the hub's answer

Opener = Callable[..., Any]  # urllib.request.urlopen's signature


def feed_urls(cfg: Config, changed: Iterable[str]) -> list[str]:
    """Return the URLs of the feeds among `changed` (output file paths), as their self
    links give them."""
    names = feed_files(cfg, "")
    tails = tuple(name.rpartition("/")[2] for name in names)
    return [
        cfg.output_url(path)
        for path in changed
        if path in names or (path.startswith(TAG_FEEDS_DIR) and path.endswith(tails))
    ]


def tell_hub(cfg: Config, changed: Iterable[str], opener: Opener | None = None) -> list[Problem]:
    """Ping `[feed] hub` with the changed feeds and those an earlier ping could not tell;
    return a warning for what the hub did not take (kept for the next build)."""
    hub = cfg.feed.hub
    if not hub:
        return []
    pending_path = cfg.cache_path / PENDING
    try:
        kept = pending_path.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        kept = []
    urls = list(dict.fromkeys([*kept, *feed_urls(cfg, changed)]))
    if not urls:
        return []
    if opener is None:
        from urllib.request import urlopen  # only when there is news: 10 ms to import

        opener = urlopen
    untold: list[str] = []
    reasons: list[str] = []
    for start in range(0, len(urls), AT_ONCE):
        batch = urls[start : start + AT_ONCE]
        reason = _ping(hub, batch, opener)
        if reason:
            untold += batch
            reasons.append(reason)
    _keep(pending_path, untold)
    if not untold:
        return []
    return [
        Problem(
            "feedkit.toml",
            0,
            f"feed.hub: {hub} did not take the news of {len(untold)} changed feed(s) "
            f"({reasons[0]}); the next build tells it again",
            warning=True,
        )
    ]


def _ping(hub: str, urls: list[str], opener: Opener) -> str:
    """Send one publish ping; return why it failed, "" when the hub took it."""
    from urllib.error import HTTPError, URLError
    from urllib.parse import urlencode
    from urllib.request import Request

    body = urlencode([("hub.mode", "publish"), *(("hub.url", url) for url in urls)]).encode()
    request = Request(
        hub,
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": f"feedkit/{__version__} (WebSub publisher)",
        },
        method="POST",
    )
    try:
        with opener(request, timeout=TIMEOUT) as answer:
            answer.read()
    except HTTPError as exc:  # 4xx and 5xx
        return f"it answered {exc.code} {exc.reason}"
    except URLError as exc:
        return f"cannot reach it: {exc.reason}"
    except (OSError, ValueError) as exc:  # a timeout, a connection reset, a bad answer
        return f"cannot reach it: {exc}"
    return ""


def _keep(path: Path, untold: list[str]) -> None:
    """Write the feed URLs still to tell, or remove the file when there are none."""
    if untold:
        write_atomically(path, "".join(f"{url}\n" for url in untold).encode())
    else:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
