"""The end of each command's --help: examples to copy, and the environment variables it
reads. `feedkit.cli` puts them on its commands; tests/test_clihelp.py checks that every
command has its own and that the README's command table names the same options."""

from __future__ import annotations

ENVIRONMENT = {
    "FEEDKIT_NOW": "run as of this time (ISO 8601 with a zone)",
    "FEEDKIT_SMTP_PASSWORD": "the SMTP password ([smtp] password_env may name another)",
    "FEEDKIT_UNSUBSCRIBE_SECRET": "signs readers' links ([digest] secret_env may name another)",
}

MAIL = ["FEEDKIT_NOW", "FEEDKIT_SMTP_PASSWORD", "FEEDKIT_UNSUBSCRIBE_SECRET"]

# What a variable does for one command, where that is not what ENVIRONMENT says.
OWN_USE = {
    ("schedule", "FEEDKIT_NOW"): (
        "with --once: run as of this time (ISO 8601 with a zone); the scheduler itself runs "
        "on the clock"
    ),
}

# Each command by its path (`subscribers add`): its examples, the variables it reads.
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    "build": (
        [
            "feedkit build",
            "feedkit build --config ~/blog/feedkit.toml",
            "feedkit build --drafts            # a private preview build with drafts",
            "feedkit build --strict            # in CI: a warning fails the build",
        ],
        ["FEEDKIT_NOW"],
    ),
    "check": (["feedkit check", "feedkit check --strict   # in CI"], ["FEEDKIT_NOW"]),
    "digest": (
        [
            "feedkit digest --dry-run           # who would get which posts",
            "feedkit digest --to you@example.org   # a test copy to yourself",
            "feedkit digest",
            "feedkit digest --status",
        ],
        MAIL,
    ),
    "bounces": (
        [
            "feedkit bounces ~/Maildir/bounces",
            "feedkit bounces returned.mbox --dry-run",
        ],
        ["FEEDKIT_NOW", "FEEDKIT_UNSUBSCRIBE_SECRET"],
    ),
    "preview": (
        ["feedkit preview", "feedkit preview --port 0", "feedkit preview --text | less"],
        ["FEEDKIT_NOW", "FEEDKIT_UNSUBSCRIBE_SECRET"],
    ),
    "serve": (
        ["feedkit serve", "feedkit serve --host 127.0.0.1 --port 8080"],
        MAIL,
    ),
    "schedule": (
        ["feedkit schedule", "feedkit schedule --once   # from cron or a systemd timer"],
        MAIL,
    ),
    "init": (
        [
            'feedkit init myblog --title "Notes" --url https://notes.example.org/ '
            '--author "Ada Quill" --email ada@example.org --timezone Europe/Berlin',
            "feedkit init   # asks for the title and URL",
        ],
        ["FEEDKIT_NOW"],
    ),
    "new": (
        [
            'feedkit new "Rounding to nearest even" --tag numerics',
            'feedkit new "Half-baked idea" --draft',
        ],
        ["FEEDKIT_NOW"],
    ),
    "snippet": (
        [
            "feedkit snippet",
            "feedkit snippet > _includes/feedkit.html   # for a Jekyll site's layouts",
        ],
        [],
    ),
    "templates": (["feedkit templates copy"], []),
    "templates copy": (["feedkit templates copy", "feedkit templates copy --force"], []),
    "subscribers": (
        [
            "feedkit subscribers list --status active",
            'feedkit subscribers add reader@example.org --name "Grace"',
        ],
        ["FEEDKIT_NOW"],
    ),
    "subscribers list": (
        ["feedkit subscribers list", "feedkit subscribers list --status bounced"],
        [],
    ),
    "subscribers add": (
        ['feedkit subscribers add reader@example.org --name "Grace"'],
        ["FEEDKIT_NOW"],
    ),
    "subscribers remove": (
        [
            "feedkit subscribers remove reader@example.org",
            "feedkit subscribers remove reader@example.org --forget   # erase them",
        ],
        ["FEEDKIT_NOW"],
    ),
    "subscribers import": (["feedkit subscribers import readers.csv"], ["FEEDKIT_NOW"]),
    "subscribers export": (
        ["feedkit subscribers export readers.csv", "feedkit subscribers export -"],
        [],
    ),
}

MAIN = """\
\b
Exit codes: 0 done; 1 the run failed (every problem is listed first, as
path:line: message or feedkit.toml: key: message); 2 a usage error.

\b
Start with:
  feedkit init myblog && cd myblog && feedkit new "A title" && feedkit build

Each command's --help has examples and names the environment variables it reads."""


def epilog(path: str) -> str:
    """Return the --help ending of the command at `path` (KeyError for one without)."""
    examples, names = COMMANDS[path]
    lines = ["\b", "Examples:", *(f"  {example}" for example in examples)]
    if names:
        width = max(len(name) for name in names)
        lines += ["", "\b", "Environment:"]
        lines += [
            f"  {name:<{width}}  {OWN_USE.get((path, name), ENVIRONMENT[name])}" for name in names
        ]
    return "\n".join(lines)
