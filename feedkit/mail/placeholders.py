"""The per-reader values of a digest (`recipient.*` in its templates): placeholders in
the HTML rendered and inlined once, each reader's own filled in after (feedkit.mail.copies),
so a list of 10,000 costs one premailer run. Templates may print them, and nothing else."""

from __future__ import annotations

from typing import Any

# Per-reader values go in after CSS inlining, so a list of 10,000 costs one premailer run.
PLACEHOLDERS = {
    "name": "%%FEEDKIT_RECIPIENT_NAME%%",
    "greeting": "%%FEEDKIT_RECIPIENT_GREETING%%",
    "unsubscribe_url": "%%FEEDKIT_RECIPIENT_UNSUBSCRIBE%%",
    "email": "%%FEEDKIT_RECIPIENT_EMAIL%%",
}


class PerReaderError(Exception):
    """A template did more than print a per-reader value (`recipient.*`)."""


class _PerReader(str):
    """A per-reader value as templates see it: its placeholder, which they may print, alone
    or joined to other text, and nothing else. A filter or test would act on the
    placeholder, not the reader's value (`upper` did nothing, `truncate` put "%%FEED..."
    in every copy, `length` measured the placeholder, `urlencode` hid it from the
    substitution): each is an error at its line, in `feedkit check` first."""

    key: str

    def __new__(cls, key: str) -> _PerReader:
        value = super().__new__(cls, PLACEHOLDERS[key])
        value.key = key
        return value

    def _refuse(self, what: str) -> PerReaderError:
        return PerReaderError(
            f"recipient.{self.key} is filled in for each reader after the templates are "
            f"rendered, so it cannot go through {what}: print it as it is, "
            f"{{{{ recipient.{self.key} }}}}"
        )


def _refusing(name: str, what: str) -> Any:
    def refuse(self: _PerReader, *args: Any, **kwargs: Any) -> Any:
        raise self._refuse(what)

    refuse.__name__ = name
    return refuse


for _name in (
    "capitalize casefold center count encode endswith expandtabs find format index isalnum "
    "isalpha isdigit islower isspace istitle isupper join ljust lower lstrip partition "
    "removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip split "
    "splitlines startswith strip swapcase title translate upper zfill"
).split():
    setattr(_PerReader, _name, _refusing(_name, f"a filter or method ({_name})"))
for _name, _what in (
    ("__len__", "a test or a filter that measures it (if, length, truncate, wordcount)"),
    ("__getitem__", "slicing or indexing"),
    ("__iter__", "a loop or a filter that reads it character by character"),
    ("__contains__", "a test (in)"),
    ("__eq__", "a comparison"),
    ("__ne__", "a comparison"),
    ("__lt__", "a comparison"),
    ("__mul__", "repetition"),
    ("__mod__", "formatting"),
):
    setattr(_PerReader, _name, _refusing(_name, _what))
_PerReader.__hash__ = str.__hash__  # type: ignore[method-assign]


def recipient_values() -> dict[str, str]:
    """Return the per-reader values templates see: placeholders that print, and refuse
    anything else (`_PerReader`)."""
    return {key: _PerReader(key) for key in PLACEHOLDERS}
