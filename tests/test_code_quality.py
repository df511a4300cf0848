"""The code stays as STYLE.md asks: ruff-clean, ruff-formatted, mypy-clean."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

CODE = [d for d in ("feedkit", "tests", "bench") if (ROOT / d).is_dir()]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_check() -> None:
    result = run("ruff", "check", *CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = run("ruff", "format", "--check", *CODE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


# The flow of DESIGN.md: each package imports only from those before it and from the
# top-level modules below them; only the command line and the scheduler call everything.
PACKAGES = ("posts", "site", "mail", "web")
CALLERS = {"entry", "cli", "commands", "schedule", "__main__"}


def feedkit_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("feedkit.")}


def test_packages_import_only_what_comes_before_them() -> None:
    package_root = ROOT / "feedkit"
    wrong = []
    for path in sorted(package_root.rglob("*.py")):
        where = path.relative_to(package_root)
        if where.parts[0] == "commands":  # the `feedkit` command's commands: callers too
            continue
        rank = PACKAGES.index(where.parts[0]) if len(where.parts) > 1 else -1
        if where.stem in CALLERS and rank == -1:
            continue
        for name in feedkit_imports(path):
            part = name.split(".")[1]
            if part in CALLERS or (part in PACKAGES and PACKAGES.index(part) > rank):
                wrong.append(f"{where} imports {name}")
    assert wrong == []


# Inside feedkit/posts, a post file is read in this order: files found (walk), a file's text
# split (postfile) as it is read (postread), what its place says of it (places), its front
# matter parsed (fmparse), its URL and ID (posturl), whether
# and when it is out (postpublish), its fields (postmeta), the posts checked against each
# other (crosscheck), all of it run over many files (loader). Each step imports only steps
# before it, never one after.
POST_STEPS = (
    "walk",
    "postfile",
    "postread",
    "places",
    "fmparse",
    "posturl",
    "postpublish",
    "postmeta",
    "crosscheck",
    "loader",
)


def posts_modules_imported(path: Path) -> set[str]:
    """Return the modules of feedkit/posts that `path` imports (at the top or in a function),
    by their names in the package."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "feedkit.posts":
            names.update(alias.name for alias in node.names)  # from feedkit.posts import x
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.removeprefix("feedkit.posts."))
        elif isinstance(node, ast.Import):
            names.update(alias.name.removeprefix("feedkit.posts.") for alias in node.names)
    return names


def test_reading_posts_imports_only_earlier_steps() -> None:
    wrong = []
    for rank, step in enumerate(POST_STEPS):
        imported = posts_modules_imported(ROOT / "feedkit" / "posts" / f"{step}.py")
        wrong += [f"{step} imports {later}" for later in POST_STEPS[rank:] if later in imported]
    assert wrong == []


def module_aliases(tree: ast.AST, modules: set[str]) -> set[str]:
    """Return the names under which a file imports feedkit's modules."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.update(
                alias.asname or alias.name
                for alias in node.names
                if f"{node.module}.{alias.name}" in modules
            )
        elif isinstance(node, ast.Import):
            names.update(
                alias.asname or alias.name.split(".")[0]
                for alias in node.names
                if alias.name in modules
            )
    return names


def test_no_module_sets_another_modules_globals() -> None:
    # State a stage needs is passed to it as an argument: the build cache once learnt what a
    # build server had seen from a module global the server set (`cache.KNOWN = ...`).
    package_root = ROOT / "feedkit"
    paths = sorted(package_root.rglob("*.py"))
    modules = {".".join(path.relative_to(ROOT).with_suffix("").parts) for path in paths}
    wrong = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = module_aliases(tree, modules)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            else:
                continue
            wrong += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(target)}"
                for target in targets
                if isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id in aliases
            ]
    assert wrong == []
