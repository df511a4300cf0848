"""Every command's --help: an example to copy, the environment variables it reads, and the
same options as the README's command table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from feedkit import clihelp
from feedkit.cli import main

from conftest import ROOT, SITE_TOML


def commands(group: click.Group = main, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        found[f"{prefix}{name}"] = command
        if isinstance(command, click.Group):
            found.update(commands(command, f"{prefix}{name} "))
    return found


COMMANDS = commands()


def help_of(path: str) -> str:
    result = CliRunner().invoke(main, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_command_has_help_of_its_own() -> None:
    assert sorted(clihelp.COMMANDS) == sorted(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_help_ends_with_examples_and_the_environment_read(path: str) -> None:
    shown = help_of(path)
    examples, names = clihelp.COMMANDS[path]
    head = "feedkit " + path.split()[0]
    assert "\n  Examples:\n" in shown
    for example in examples:
        assert example.startswith(head)
        assert f"\n    {example}\n" in shown  # one line each, as written: ready to copy
    if names:
        listed = shown.split("\n  Environment:\n", 1)[1]
        assert re.findall(r"^    (FEEDKIT_\w+)  ", listed, re.M) == names
    else:
        assert "Environment:" not in shown


def test_schedule_says_that_feedkit_now_is_for_once_only() -> None:
    # The scheduler runs on the clock: FEEDKIT_NOW=garbage started it as if read.
    shown = " ".join(help_of("schedule").split())
    assert "FEEDKIT_NOW with --once: run as of this time" in shown


def test_the_main_help_says_the_exit_codes() -> None:
    shown = CliRunner().invoke(main, ["--help"]).stdout
    assert "Exit codes: 0 done; 1 the run failed" in shown
    assert "2 a usage error." in shown


def test_a_bad_feedkit_now_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "feedkit", "new", "A title"],
        cwd=tmp_path,
        env={"FEEDKIT_NOW": "yesterday", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "FEEDKIT_NOW='yesterday' is not an ISO 8601 date" in done.stderr
    assert not (tmp_path / "content").exists()  # nothing written


def readme_table() -> dict[str, set[str]]:
    """Return the options each command of README's command table names, by command."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## What it does", 1)[1].split("```\n", 2)[1]
    table: dict[str, set[str]] = {}
    name = ""
    for line in block.splitlines():
        if line.startswith("feedkit "):
            words = line.split()
            name = words[1] + (f" {words[2]}" if words[1] == "templates" else "")
            table[name] = set()
        table[name] |= set(re.findall(r"(--[a-z][a-z-]*)", line.split("  ", 1)[0] + line))
    return table


def options(command: click.Command) -> set[str]:
    found = set()
    commands_in = command.commands.values() if isinstance(command, click.Group) else [command]
    for each in commands_in:
        for param in each.params:
            if isinstance(param, click.Option):
                found.update(o for o in param.opts if o.startswith("--"))
    return found - {"--help", "--verbose"}


def test_the_readme_table_names_every_command_and_the_options_its_help_lists() -> None:
    table = readme_table()
    tops = {path for path in COMMANDS if " " not in path} - {"templates"} | {"templates copy"}
    assert set(table) == tops
    for name, named in table.items():
        assert named == options(COMMANDS[name]), name
