"""The sample site's feeds, byte for byte. Regenerate on purpose only:

FEEDKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os

import pytest

from feedkit.config import load_config
from feedkit.site.build import plan_build

from conftest import NOW, ROOT

GOLDEN = ROOT / "tests" / "golden" / "sample"
NAMES = ["atom.xml", "rss.xml", "feed.json", "tags/python/atom.xml", "tags/python/rss.xml"]


@pytest.mark.parametrize("name", NAMES)
def test_sample_feed_matches_golden(name: str) -> None:
    plan = plan_build(load_config(ROOT / "feedkit.toml"), NOW)
    target = GOLDEN / name
    if os.environ.get("FEEDKIT_UPDATE_GOLDEN"):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(plan.files[name])
    assert plan.files[name] == target.read_bytes(), (
        f"{name} differs from tests/golden/sample/{name}; if the change is intended, "
        "regenerate with FEEDKIT_UPDATE_GOLDEN=1"
    )
