"""The build cache's key: feedkit's files and the versions of the libraries on the path."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import sys
import time
from pathlib import Path

import feedkit
from feedkit.site.cachekey import CODE, LIBRARIES, code_hash, library_versions, made_with, toolchain


def test_versions_are_the_installed_ones() -> None:
    found = library_versions(LIBRARIES, sys.path)
    assert found == {name: importlib.metadata.version(name) for name in LIBRARIES}
    assert dict(toolchain())["lxml"] == importlib.metadata.version("lxml")


def test_the_first_folder_on_the_path_that_has_a_library_gives_its_version(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
    (second / "PyYAML-5.4.dist-info").mkdir()
    (first / "pyyaml-6.0.2.dist-info").mkdir()
    (second / "Python_FrontMatter-2.0-py3.11.egg-info").mkdir()  # names compare normalized
    develop = first / "feedgen.egg-info"  # a development install: the version is inside
    develop.mkdir()
    (develop / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: feedgen\nVersion: 1.1.dev0\n")
    (first / "lxml").mkdir()  # a package, not its metadata
    path = [str(tmp_path / "missing"), str(first / "not-a-folder.zip"), str(first), str(second)]
    assert library_versions(LIBRARIES, path) == {
        "pyromark": "none",
        "nh3": "none",
        "python-frontmatter": "2.0",
        "PyYAML": "6.0.2",
        "python-liquid": "none",
        "math-core": "none",
        "emoji": "none",
        "feedgen": "1.1.dev0",
        "lxml": "none",
        "orjson": "none",
    }


def test_the_code_hash_follows_every_file_but_compiled_and_hidden_ones(tmp_path: Path) -> None:
    package = tmp_path / "feedkit"
    shutil.copytree(
        Path(feedkit.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__")
    )
    first = code_hash(package)
    # What running feedkit leaves in its folder, and an editor's swap file, change nothing.
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "build.cpython-311.pyc").write_bytes(b"compiled")
    (package / ".build.py.swp").write_bytes(b"swap")
    assert code_hash(package) == first
    xsl = package / "static" / "feed.xsl"
    xsl.write_bytes(xsl.read_bytes() + b"\n")
    second = code_hash(package)
    assert second != first
    (package / "site" / "feeds.py").rename(package / "site" / "feeds2.py")
    assert code_hash(package) not in (first, second)


def rewrite(path: Path, old: bytes, new: bytes) -> None:
    """Rewrite a file in place, same size and modification time: only its change time tells."""
    before = path.stat()
    assert len(old) == len(new)
    for _ in range(200):  # until the file system's clock has ticked
        path.write_bytes(path.read_bytes().replace(old, new, 1))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        if path.stat().st_ctime_ns != before.st_ctime_ns:
            break
        time.sleep(0.005)
    assert path.stat().st_size == before.st_size


def test_a_record_stands_only_while_every_status_is_the_one_it_was_taken_with(
    tmp_path: Path,
) -> None:
    package = tmp_path / "feedkit"
    shutil.copytree(
        Path(feedkit.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__")
    )
    libraries = tmp_path / "site-packages"
    (libraries / "lxml-6.0.dist-info").mkdir(parents=True)
    path = [str(libraries)]
    later = time.time_ns() + 3_000_000_000  # when every status here has settled
    assert made_with(package, path, None, time.time_ns())[1] is None  # too fresh to keep
    found, record = made_with(package, path, None, later)
    assert record is not None and dict(found)[CODE] == code_hash(package)

    # While nothing changed, a later process takes the record's word (no file is read).
    kept = {**record, "code": "as recorded", "libraries": {**record["libraries"], "lxml": "5"}}
    assert dict(made_with(package, path, kept, later)[0])[CODE] == "as recorded"
    assert dict(made_with(package, path, kept, later)[0])["lxml"] == "5"

    rewrite(package / "site" / "feedparts.py", b'"feedkit"', b'"feedkip"')
    changed = dict(made_with(package, path, kept, later)[0])
    assert changed[CODE] == code_hash(package) != dict(found)[CODE]
    assert changed["lxml"] == "6.0"

    found, record = made_with(package, path, None, later)
    assert record is not None
    kept = {**record, "code": "as recorded", "libraries": {**record["libraries"], "lxml": "5"}}
    (package / "extra.py").write_text("X = 1\n")
    assert dict(made_with(package, path, kept, later)[0])[CODE] == code_hash(package)
    (package / "extra.py").unlink()
    assert dict(made_with(package, path, kept, later)[0])[CODE] == "as recorded"

    # An upgrade of a library renames its .dist-info folder: its folder changes.
    time.sleep(0.02)  # past a tick of the file system's clock
    os.rename(libraries / "lxml-6.0.dist-info", libraries / "lxml-6.1.dist-info")
    assert (libraries.stat().st_mtime_ns, libraries.stat().st_ctime_ns) != kept["folders"][0][2:4]
    assert dict(made_with(package, path, kept, later)[0])["lxml"] == "6.1"
