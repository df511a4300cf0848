"""README.md as a newcomer meets it: the Quickstart first, with its two commands, and a list
of contents whose every link leads to a section, as GitHub names its headings."""

from __future__ import annotations

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def github_anchor(heading: str) -> str:
    """Return the anchor GitHub gives a heading: lower case, punctuation but hyphens and
    underscores left out, each space a hyphen."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_the_quickstart_comes_first_with_two_commands() -> None:
    sections = re.findall(r"(?m)^## (.+)$", README)
    assert sections[0] == "Quickstart"
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```sh\n(.*?)```", quickstart, re.S)
    build, tests = block.splitlines()  # exactly two: the main job, then the test suite
    assert build.endswith(".venv/bin/feedkit build")
    assert tests.endswith(".venv/bin/python -m pytest")


def test_every_section_is_in_the_contents_and_every_link_leads_to_one() -> None:
    contents = README.split("## Contents\n", 1)[1].split("\n## ", 1)[0]
    links = re.findall(r"^ *- \[(.+)\]\(#([^)]+)\)$", contents, re.M)
    headings = re.findall(r"(?m)^#{2,3} (.+)$", README)
    listed = [h for h in headings if h not in ("Quickstart", "Contents")]
    assert [title for title, _ in links] == listed
    assert [anchor for _, anchor in links] == [github_anchor(h) for h in listed]
