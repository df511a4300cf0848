"""subscribers.csv → the people a digest goes to; bad rows reported as file:line and skipped."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from feedkit.config import Config
from feedkit.errors import FeedkitError, Problem
from feedkit.loader import display_path

# Deliberately plain: an address a mail server will accept, not every RFC 5322 curiosity.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


class SubscribersError(FeedkitError):
    """The subscriber list cannot be read at all."""


@dataclass(frozen=True)
class Subscriber:
    email: str  # as written, for the To header
    name: str

    @property
    def key(self) -> str:
        """The address as state stores it: addresses differ only by case are one reader."""
        return self.email.lower()


def valid_address(address: str) -> bool:
    return bool(_ADDRESS.match(address)) and ".." not in address and len(address) <= 254


def parse_subscribers(text: str, shown: str) -> tuple[list[Subscriber], list[Problem]]:
    """Return the valid subscribers of a CSV text and a problem for each row skipped."""
    subscribers: list[Subscriber] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        line = reader.line_num
        cells = [c.strip() for c in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if line == 1 and cells[0].lower() in ("email", "e-mail", "address"):
            continue  # header row
        email, name = cells[0], (cells[1] if len(cells) > 1 else "")
        if len(cells) > 2 and any(cells[2:]):
            problems.append(
                Problem(
                    shown,
                    line,
                    f"expected 'email,name', got {len(cells)} "
                    "columns; quote names that contain commas",
                    warning=True,
                )
            )
            continue
        if not valid_address(email):
            problems.append(
                Problem(shown, line, f"{email!r} is not an email address; skipped", warning=True)
            )
            continue
        key = email.lower()
        if key in seen:
            problems.append(
                Problem(
                    shown,
                    line,
                    f"{email} is already listed on line {seen[key]}; skipped",
                    warning=True,
                )
            )
            continue
        seen[key] = line
        subscribers.append(Subscriber(email, " ".join(name.split())))
    return subscribers, problems


def site_subscribers(cfg: Config) -> tuple[list[Subscriber], list[Problem]]:
    """Return the site's subscribers (digest.subscribers) and the rows skipped."""
    path = cfg.path(cfg.digest.subscribers)
    return load_subscribers(path, display_path(path, cfg.root))


def load_subscribers(path: Path, shown: str) -> tuple[list[Subscriber], list[Problem]]:
    """Return the subscribers in `path` (UTF-8 CSV, `email,name`) and the rows skipped."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise SubscribersError(
            f"{shown}: not found; create it with one 'email,name' line per subscriber, "
            "or set digest.subscribers in feedkit.toml"
        ) from exc
    except OSError as exc:
        raise SubscribersError(f"{shown}: cannot be read: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SubscribersError(f"{shown}:{line}: is not UTF-8 text; save it as UTF-8") from exc
    return parse_subscribers(text, shown)
