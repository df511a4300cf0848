"""Where there is no `fcntl` (Windows) and no `os.fork` (Windows; some sandboxes): every
module imports, and a build, a digest and the locks still work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import NOW_ENV, ROOT, SITE_TOML

# Run first in the child: `import fcntl` fails as on Windows, and os has no fork.
BLOCK = """
import os, sys
sys.modules["fcntl"] = None
del os.fork
"""

IMPORT_ALL = """
import importlib, pkgutil, feedkit
names = [m.name for m in pkgutil.walk_packages(feedkit.__path__, "feedkit.")]
names.remove("feedkit.__main__")  # it runs the command
for name in names:
    importlib.import_module(name)
print(len(names))
"""

RUN = """
import sys
from feedkit.cli import main
sys.argv = ["feedkit", *sys.argv[1:]]
main()
"""


def child(code: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK + code, *args],
        cwd=cwd,
        env={**os.environ, **NOW_ENV, "FEEDKIT_UNSUBSCRIBE_SECRET": "0123456789abcdef-secret"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_module_imports_without_fcntl_and_fork() -> None:
    done = child(IMPORT_ALL)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 60


def test_a_build_and_a_digest_run_without_fcntl_and_fork(tmp_path: Path) -> None:
    toml = SITE_TOML + '\n[digest]\nfrom = "Ada Quill <ada@example.org>"\n'
    (tmp_path / "feedkit.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "subscribers.csv").write_text("email,name\nzoe@example.org,Zoe\n")
    content = tmp_path / "content"
    content.mkdir()
    for i in range(1600):  # enough to be shared with a child, where there is fork
        (content / f"p{i}.md").write_text(
            f"---\ntitle: Post {i}\ndate: 2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z\n"
            f"tags: [t{i % 5}]\n---\nBody {i}.\n",
            encoding="utf-8",
        )
    config = str(tmp_path / "feedkit.toml")
    built = child(RUN, "build", "--config", config, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "from 1600 posts" in built.stdout
    assert len(list((tmp_path / "public").rglob("atom.xml"))) == 6
    for _ in range(2):  # the first run records the archive; the second has nothing new
        sent = child(RUN, "digest", "--config", config, cwd=tmp_path)
        assert sent.returncode == 0, sent.stderr
    (content / "new.md").write_text("---\ntitle: New\ndate: 2026-11-01\n---\nNews.\n")
    sent = child(RUN, "digest", "--config", config, cwd=tmp_path)
    assert sent.returncode == 0, sent.stderr
    (copy,) = (tmp_path / "outbox").rglob("*.eml")
    assert b"To: Zoe <zoe@example.org>" in copy.read_bytes()
