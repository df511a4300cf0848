"""What a fresh `feedkit build` pays at start, before it reads a file: the dataclasses and
regular expressions its modules make when imported. A build that finds nothing changed takes
about 0.1 s, of which making a dataclass costs about 0.8 ms (dataclasses writes and compiles
the source of each method it generates) and compiling a pattern 0.1 to 3 ms (issue 13)."""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from feedkit import servicekeys
from feedkit.errors import Problem
from feedkit.posts import anchors, fmparse, plaintext, sanitize, texdelims, texmath, uncarried
from feedkit.site import xsl

from conftest import NOW_ENV, SITE_TOML

# Runs `feedkit ARGS` as the console script does, noting each dataclass made (with the
# methods dataclasses generated for it, and whether its source gave it a docstring) and each
# pattern a feedkit module compiled; writes them as JSON to the file in FEEDKIT_PROBE.
PROBE = r"""
import dataclasses, json, os, re, sys

classes, patterns = {}, []
process_class, compile_pattern = dataclasses._process_class, re._compile


def noting_class(cls, *args, **kwargs):
    documented = cls.__dict__.get("__doc__") is not None
    cls = process_class(cls, *args, **kwargs)
    methods = sorted(
        name for name in ("__eq__", "__repr__", "__setattr__") if name in cls.__dict__
    )
    classes[f"{cls.__module__}.{cls.__qualname__}"] = {"doc": documented, "methods": methods}
    return cls


def noting_pattern(pattern, flags):
    caller = sys._getframe(1)
    while caller.f_globals.get("__name__") == "re":
        caller = caller.f_back
    if caller.f_globals.get("__name__", "").startswith("feedkit"):
        patterns.append(pattern if isinstance(pattern, str) else pattern.decode("latin-1"))
    return compile_pattern(pattern, flags)


dataclasses._process_class, re._compile = noting_class, noting_pattern
from feedkit.cli import main

try:
    main(sys.argv[1:])
finally:
    with open(os.environ["FEEDKIT_PROBE"], "w") as out:
        modules = sorted(name for name in sys.modules if name.startswith("feedkit"))
        json.dump({"classes": classes, "patterns": patterns, "modules": modules}, out)
"""


def made_at_start(site: Path, *args: str) -> dict[str, Any]:
    """Return the dataclasses and patterns `feedkit ARGS` made, in a fresh process in `site`."""
    probe = site.parent / "probe.json"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=site,
        env={**os.environ, **NOW_ENV, "FEEDKIT_PROBE": str(probe)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    made: dict[str, Any] = json.loads(probe.read_text(encoding="utf-8"))
    return made


def built_site(tmp_path: Path) -> Path:
    """Return a site of three posts, built once."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "feedkit.toml").write_text(SITE_TOML, encoding="utf-8")
    for i in range(3):
        post = site / "content" / f"p{i}.md"
        post.write_text(f"---\ntitle: Post {i}\ndate: 2024-01-0{i + 1}\n---\nPost {i}.\n")
        os.utime(post, (1e9, 1e9))  # saved long before the builds
    made_at_start(site, "build")
    return site


# Classes compared by value: a problem is reported once however often it is found, an
# author's posts are looked up by it, a post's place in its layout is checked against the
# last build's. Nothing else a build makes is compared, so nothing else needs __eq__.
COMPARED = {
    "feedkit.errors.Problem",
    "feedkit.models.Author",
    "feedkit.posts.places.Place",
    "feedkit.posts.places.Skipped",
}
# Holders of every post or file of a site: never printed, and a repr would fill a screen.
HOLDERS = {
    "feedkit.site.build.BuildPlan",
    "feedkit.site.postsread.PostsRead",
    "feedkit.site.cache.BuildCache",
    "feedkit.site.scan.Scan",
    "feedkit.site.refresh.Refreshed",
    "feedkit.posts.gathered.LoadResult",
}


def test_a_build_with_nothing_changed_makes_no_method_nothing_calls(tmp_path: Path) -> None:
    # dataclasses writes the docstring of a class that has none from inspect.signature, and
    # an __eq__ (with __hash__ when frozen) and a __repr__ unless told not to: each costs
    # 0.1 to 0.3 ms on every run.
    classes = made_at_start(built_site(tmp_path), "build")["classes"]
    assert "feedkit.site.build.BuildPlan" in classes
    assert [name for name, made in classes.items() if not made["doc"]] == []
    compared = {name for name, made in classes.items() if "__eq__" in made["methods"]}
    assert compared <= COMPARED
    printed = {name for name, made in classes.items() if "__repr__" in made["methods"]}
    assert printed & HOLDERS == set()


# No class a build makes is frozen at run time: each is `readonly`, frozen to mypy alone
# (feedkit/readonly.py). A frozen dataclass's __setattr__, __delattr__ and slower __init__
# cost about 0.3 ms a class.
def test_a_build_after_one_post_is_edited_makes_no_frozen_class(tmp_path: Path) -> None:
    site = built_site(tmp_path)
    post = site / "content" / "p2.md"
    post.write_text(post.read_text() + "Edited.\n")
    classes = made_at_start(site, "build")["classes"]
    assert {"feedkit.config.Config", "feedkit.models.Post", *COMPARED} <= classes.keys()
    assert [name for name, made in classes.items() if "__setattr__" in made["methods"]] == []


def source(pattern: str | re.Pattern[str]) -> str:
    return pattern if isinstance(pattern, str) else pattern.pattern


def test_a_build_compiles_no_pattern_that_only_rare_input_needs(tmp_path: Path) -> None:
    # A control character in a post, a TOML date that names no day, a duration in [digest]
    # or [serve]: their patterns are compiled when met. XML_ILLEGAL's class reaches past
    # U+00FF, for which re builds a 65,536-entry map: 0.4 ms of every run otherwise.
    site = built_site(tmp_path)
    rare = [
        source(uncarried.XML_ILLEGAL),
        source(fmparse._TOML_DATE_LINE),
        source(servicekeys._DURATION),
    ]
    unchanged = made_at_start(site, "build")
    assert [p for p in rare if p in unchanged["patterns"]] == []
    # Nor the post values' patterns: a build that finds nothing changed reads no date.
    assert "feedkit.posts.postvalues" not in unchanged["modules"]
    post = site / "content" / "p2.md"
    post.write_text(post.read_text() + "Edited, in plain ASCII.\n")
    edited = made_at_start(site, "build")["patterns"]
    assert source(plaintext.MORE_MARK) in edited  # the post was rendered again
    # (Rendering strips control characters from every summary: markup compiles their
    # pattern for itself.) Style attributes are checked only in a post that has one; CJK
    # characters are counted only in a body with some text beyond ASCII: compiling that
    # class of 39,000 code points takes 3 ms.
    style = [source(sanitize._STYLE_VALUE), source(sanitize._BACKGROUND_WORD)]
    assert [p for p in [*rare[1:], source(plaintext._CJK), *style] if p in edited] == []
    # Footnotes, TeX delimiters and environments, and another language's feed stylesheet
    # are for the posts and sites that have them.
    other = [anchors._FOOTNOTE_REF, anchors._NOTE_LINE, anchors._ID_UNSAFE, xsl._WORDS]
    other += [texdelims._IN_TEXT, texdelims._ESCAPE, texmath._MTEXT, texmath._ENCLOSE]
    assert [p for p in map(source, other) if p in edited] == []


def test_a_duration_and_a_toml_date_are_still_read_with_their_patterns(tmp_path: Path) -> None:
    assert servicekeys._duration("1d 6h") == timedelta(days=1, hours=6)
    with pytest.raises(ValueError, match="duration such as"):
        servicekeys._duration("6 hours")
    assert fmparse.load_toml('date = 2023-02-30\ntitle = "x"') == {
        "date": "2023-02-30",
        "title": "x",
    }
    warnings: list[Problem] = []
    assert uncarried.strip_illegal("a\x01b\x02", "p.md", warnings) == "ab"
    assert "removed 2 control character(s)" in warnings[0].message
    assert plaintext.measure("日本語の文章 and words") == (8, 1)


def test_a_build_runs_with_the_collector_off_from_its_start(tmp_path: Path) -> None:
    # Its imports make tens of thousands of objects that live as long as it does: scanned
    # again and again by the collector, some thirty times, they cost 2 % of a build after one
    # post is edited.
    site = built_site(tmp_path)
    post = site / "content" / "p2.md"
    post.write_text(post.read_text() + "Edited.\n")
    probe = (
        "import gc, os, sys\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: runs.append(phase) if phase == 'start' else 0)\n"
        "def leave(code):\n"
        "    print('collections:', len(runs), file=sys.stderr, flush=True)\n"
        "    os.abort()\n"
        "os._exit = leave\n"
        "sys.argv[0] = 'feedkit'\n"
        "from feedkit.entry import run\n"
        "run()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, "build"],
        cwd=site,
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Built " in proc.stdout, proc.stderr
    # One may run before: while the console script imports feedkit.entry.
    assert re.search(r"collections: [01]\n", proc.stderr), proc.stderr


# Run as the console script, with the build's planning first making `many` objects that live
# as long as it does; prints how often the cycle collector ran after the build was imported,
# when the process leaves.
COLLECTIONS_PROBE = """\
import gc, os, sys
runs = []
gc.callbacks.append(lambda phase, info: runs.append(phase) if phase == 'start' else 0)
def leave(code):
    print('collections:', len(runs), file=sys.stderr, flush=True)
    os.abort()
os._exit = leave
import feedkit.site.build as build
plan_build, kept, many = build.plan_build, [], int(sys.argv.pop())
def planned(*args, **kwargs):
    kept.extend([index] for index in range(many))
    return plan_build(*args, **kwargs)
build.plan_build = planned
from feedkit.entry import run
runs.clear()  # what importing the build ran: see the test above
sys.argv[0] = 'feedkit'
run()
"""


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_build_or_a_check_runs_with_the_collector_off(tmp_path: Path, command: str) -> None:
    # A check of 20,000 posts makes some 400,000 objects that live as long as it does: the
    # one collection they met at the thresholds a digest runs with (200,000) scanned them for
    # 3 % of its time, and freed 533 objects.
    many = 300_000
    site = built_site(tmp_path)
    post = site / "content" / "p2.md"
    post.write_text(post.read_text() + "Edited.\n")
    proc = subprocess.run(
        [sys.executable, "-c", COLLECTIONS_PROBE, command, str(many)],
        cwd=site,
        env={**os.environ, **NOW_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ("Built " if command == "build" else "OK: ") in proc.stdout, proc.stderr
    assert "collections: 0\n" in proc.stderr, proc.stderr


def test_a_command_that_runs_builds_one_after_another_collects_between_them() -> None:
    from feedkit.commands.console import no_collections

    assert gc.isenabled()
    with no_collections():
        assert not gc.isenabled()
        with no_collections():  # a build within one: still off after it
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
