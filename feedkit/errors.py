"""Errors that reach the user: each says what failed, where, and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from feedkit.readonly import readonly
from feedkit.shown import problem_line


class FeedkitError(Exception):
    """Base of every error feedkit reports to the user (exit code 1)."""

    exit_code = 1


@readonly(eq=True)
class Problem:
    """One thing wrong with an input, located as `path:line` (line 0 = whole file)."""

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return problem_line(self.path, self.line, self.message, self.warning)


class ContentError(FeedkitError):
    """One or more posts are broken; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[ContentError], tuple[tuple[Problem, ...]]]:
        # made again from its problems (a forked child's error comes back pickled)
        return type(self), (self.problems,)

    @classmethod
    def single(cls, path: Path | str, line: int, message: str) -> ContentError:
        return cls([Problem(str(path), line, message)])


class ConfigError(FeedkitError):
    """`feedkit.toml` is wrong; carries every `key: message` found at once."""

    def __init__(self, problems: Iterable[tuple[str, str]], file: str = "feedkit.toml") -> None:
        self.file = file
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{file}: {key}: {msg}" for key, msg in self.problems))

    def __reduce__(self) -> tuple[type[ConfigError], tuple[tuple[tuple[str, str], ...], str]]:
        return type(self), (self.problems, self.file)


class OutputError(FeedkitError):
    """An output file or folder could not be written."""
