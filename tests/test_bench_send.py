"""bench/send.py still runs: a digest to readers through a sink, against a bare smtplib loop."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_send_smoke_run_prints_both_times_and_their_ratio(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(BENCH / "send.py"), "--smoke", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    row = re.search(
        r"^\| 200 \| ([\d,]+) \| 1 \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$", proc.stdout, re.M
    )
    assert row, proc.stdout
    assert int(row.group(1).replace(",", "")) > 5_000  # a whole digest, as the sink got it
