"""The in-flight locks between a digest run and `feedkit serve`: two processes, as in use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from feedkit.mail.inflight import InFlight

HOLDER = """
import sys
from pathlib import Path
from feedkit.mail.inflight import InFlight
with InFlight(Path(sys.argv[1])).sending(sys.argv[2]):
    print("holding", flush=True)
    sys.stdin.read()  # until the test closes it
"""


def test_an_unsubscribe_waits_while_another_process_sends_that_readers_copy(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(state), "Ann@Example.org"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    inflight = InFlight(state)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        assert inflight.wait("ann@example.org", 0.2) is False
        assert inflight.wait("bob@example.org", 0.2) is True  # another reader's: no wait
    finally:
        holder.communicate("", timeout=10)
    assert holder.returncode == 0
    assert inflight.wait("ann@example.org", 0.2) is True  # sent: the lock is free
    assert (tmp_path / "state.db.sending").stat().st_mode & 0o777 == 0o600
    inflight.close()


def test_a_killed_sender_leaves_no_lock_behind(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(state), "ann@example.org"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
    holder.kill()
    holder.communicate(timeout=10)
    inflight = InFlight(state)
    assert inflight.wait("ann@example.org", 1.0) is True
    inflight.close()
