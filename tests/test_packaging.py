"""The distribution as the package index would get it: `python -m build` and `twine check`
clean, the metadata a user sees, and an sdist whose tests run against the wheel built from
it. Offline: the build uses the setuptools installed here (`--no-isolation`)."""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import feedkit

from conftest import ROOT

# What the sdist is made from: the tree as a clean checkout has it.
SOURCES = (
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "MANIFEST.in",
    "feedkit.toml",
    "subscribers.csv",
    "babel.cfg",
    "feedkit",
    "email_templates",
    "tests",
    "content",
)
SKIP = shutil.ignore_patterns("__pycache__", "*.py[cod]", ".pytest_cache")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Return the folder holding the sdist and the wheel, and what building them said."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=SKIP)
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = work / "dist"
    said = run(
        sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), ".",
        cwd=source, env=env,
    )  # fmt: skip
    return out, said


def test_build_and_twine_check_are_clean(dist: tuple[Path, str]) -> None:
    out, said = dist
    assert [line for line in said.splitlines() if "warn" in line.lower() or "!!" in line] == []
    names = sorted(p.name for p in out.iterdir())
    version = feedkit.__version__
    assert names == [f"feedkit_blog-{version}-py3-none-any.whl", f"feedkit_blog-{version}.tar.gz"]
    checked = run(sys.executable, "-m", "twine", "check", "--strict", *names, cwd=out)
    assert checked.count("PASSED") == 2


def test_the_wheel_says_who_it_is_and_holds_its_data_files(dist: tuple[Path, str]) -> None:
    out, _ = dist
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"feedkit_blog-{feedkit.__version__}.dist-info"
        meta = email.message_from_bytes(archive.read(f"{info}/METADATA"))
        scripts = archive.read(f"{info}/entry_points.txt").decode()
    # A name the package index has free (feedkit is another project); the command and the
    # import stay feedkit; the version is __version__'s; PEP 639 license metadata.
    assert meta["Name"] == "feedkit-blog"
    assert meta["Version"] == feedkit.__version__
    assert meta["License-Expression"] == "MIT"
    assert meta["License-File"] == "LICENSE" and f"{info}/licenses/LICENSE" in names
    assert "Programming Language :: Python :: 3.11" in meta.get_all("Classifier")
    assert "feedkit = feedkit.entry:run" in scripts
    for data in (
        "feedkit/static/feed.xsl",
        "feedkit/static/reload.js",
        "feedkit/web/templates/subscribe.html.j2",
        "feedkit/email_templates/digest.html.j2",
        "feedkit/email_templates/digest.css",
        "feedkit/py.typed",
        "feedkit/locale/feedkit.pot",
        *(f"feedkit/locale/{lang}.{kind}" for lang in ("de", "fr", "es") for kind in ("po", "mo")),
    ):
        assert data in names
    # Every module, in every subpackage: a package missing from pyproject.toml's list is
    # still found through an editable install, but not from the wheel a user installs.
    package = ROOT / "feedkit"
    modules = {f"feedkit/{p.relative_to(package).as_posix()}" for p in package.rglob("*.py")}
    assert sorted(modules - names) == []


def test_the_sdist_holds_the_suite_and_its_tests_run_against_the_wheel(
    dist: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = dist
    (sdist,) = out.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    unpacked = tmp_path / sdist.name.removesuffix(".tar.gz")
    for folder in ("tests", "content"):
        expected = {
            p.relative_to(ROOT).as_posix()
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and ".pytest_cache" not in p.parts
        }
        found = {p.relative_to(unpacked).as_posix() for p in (unpacked / folder).rglob("*")}
        assert expected - found == set()
    assert (unpacked / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()

    # The wheel, installed on its own, and the sdist's tests run against it.
    (wheel,) = out.glob("*.whl")
    site = tmp_path / "site"
    run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
        str(wheel), cwd=tmp_path)  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = run(
        sys.executable, "-c", "import feedkit; print(feedkit.__file__)", cwd=tmp_path, env=env
    )
    assert where.strip() == str(site / "feedkit" / "__init__.py")
    ran = run(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "tests/test_models.py", "tests/test_golden.py", "tests/test_newpost.py",
        "tests/test_i18n.py",
        cwd=unpacked, env={**env, "PYTHONSAFEPATH": "1"},
    )  # fmt: skip
    assert " passed" in ran and "failed" not in ran


def test_from_an_empty_folder_to_a_test_digest_with_the_wheels_console_script(
    dist: tuple[Path, str], tmp_path: Path
) -> None:
    # Issue 14's path for a newcomer: the `feedkit` command a wheel installs, run in an
    # empty folder: init, new, build, digest --to, with no file written by hand.
    out, _ = dist
    (wheel,) = out.glob("*.whl")
    prefix = tmp_path / "prefix"
    # --ignore-installed: with --prefix alone, pip would first remove the feedkit installed
    # in this environment (the one running the tests).
    run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed",
        "--prefix", str(prefix), str(wheel), cwd=tmp_path)  # fmt: skip
    (script,) = prefix.glob("bin/feedkit")
    (packages,) = prefix.glob("lib/python*/site-packages")
    # The dependencies are this interpreter's; feedkit is the wheel's alone.
    env = {**os.environ, "PYTHONPATH": str(packages), "FEEDKIT_NOW": "2026-11-30T09:00:00+00:00"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    where = run(
        sys.executable, "-c", "import feedkit; print(feedkit.__file__)", cwd=tmp_path, env=env
    )
    assert where.strip() == str(packages / "feedkit" / "__init__.py")
    home = tmp_path / "empty"
    home.mkdir()

    def feedkit(*args: str, cwd: Path) -> str:
        return run(str(script), *args, cwd=cwd, env=env)

    said = feedkit(
        "init", "blog", "--title", "Notes", "--url", "https://notes.example.org/",
        "--author", "Ada Quill", "--email", "ada@example.org", cwd=home,
    )  # fmt: skip
    assert "blog/feedkit.toml" in said
    site = home / "blog"
    assert feedkit("new", "A first real post", cwd=site) == (
        "Wrote content/posts/a-first-real-post.md\n"
    )
    assert "Built 4 files in public/ (4 changed) from 2 posts" in feedkit("build", cwd=site)
    sent = feedkit("digest", "--to", "reader@example.org", cwd=site)
    assert "Test copy of the next digest" in sent and "reader@example.org.eml" in sent
    (copy,) = (site / "outbox").rglob("*.eml")
    raw = copy.read_bytes()
    assert b"\r\nTo: reader@example.org\r\n" in raw
    assert b"A first real post" in raw
    assert sorted(p.name for p in site.iterdir()) == [
        ".feedkit",
        "content",
        "feedkit.toml",
        "outbox",
        "public",
    ]
