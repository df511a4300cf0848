"""Which process holds a claim on a queued confirmation (mail/confirmqueue.py), and whether
it can still be mailing it. A `feedkit serve` killed while mailing one (out of memory,
kill -9, a crash, the machine restarting) leaves its claim in the state file; the next
service need not wait for that claim to run out when it can see that the process is gone.

A claim names its process by what tells it apart on its machine (on Linux): the host (its
name and machine ID: two machines may share a name), the boot (no process of an earlier boot
still runs), the PID namespace its process ID counts in (a container's own), the process ID,
and when the process started after boot (/proc/<pid>/stat), so a process that later got the
same ID is not mistaken for it; and the lock the process holds while it runs
(mail/claimlock.py), which tells also where these facts cannot: another container's
process. Whatever cannot be read (not Linux; another machine's process; another
container's, without a lock) judges nobody gone, and the claim holds until it runs out.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass
from pathlib import Path

PROC = Path("/proc")
MACHINE_ID_FILES = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))


@dataclass(frozen=True)
class ClaimOwner:
    """A process that claims queued confirmations, as its claims name it (claimed_by)."""

    host: str
    pid: int
    token: str  # random: tells apart two processes where nothing else can be read
    machine: str = ""  # the machine ID, "" where there is none
    boot: str = ""  # the boot ID; "" where unknown (not Linux)
    pid_namespace: str = ""  # the namespace `pid` counts in, as /proc/self/ns/pid names it
    started: int | None = None  # clock ticks from boot to the process's start
    lock: str = ""  # the lock it holds while it runs (mail/claimlock.py), "" where none

    def __str__(self) -> str:
        return f"{self.host} pid {self.pid}"

    def text(self) -> str:
        """Return the owner as a claim stores it: JSON, read back by `parse_owner`."""
        return json.dumps(asdict(self), sort_keys=True)


def process_owner(pid: int, lock: str = "") -> ClaimOwner:
    """Return process `pid` of this machine as its claims name it, with a new token and the
    name of the lock it holds (mail/claimlock.py; "" for none)."""
    stat = _process_stat(pid)
    return ClaimOwner(
        host=socket.gethostname(),
        pid=pid,
        token=secrets.token_hex(4),
        machine=_machine_id(),
        boot=_boot_id(),
        pid_namespace=_pid_namespace(),
        started=None if stat is None else stat[1],
        lock=lock,
    )


def parse_owner(text: str) -> ClaimOwner | None:
    """Return the owner a claim's `claimed_by` names; None if it names none this version can
    read (written otherwise)."""
    try:
        fields = json.loads(text)
    except ValueError:
        return None
    if not isinstance(fields, dict):
        return None
    pid, started = fields.get("pid"), fields.get("started")
    names = ("host", "token", "machine", "boot", "pid_namespace", "lock")
    strings = [fields.get(name, "") for name in names]
    if type(pid) is not int or not all(isinstance(s, str) for s in strings):
        return None
    if started is not None and type(started) is not int:
        return None
    return ClaimOwner(**dict(zip(names, strings, strict=True)), pid=pid, started=started)


def has_died(owner: ClaimOwner) -> bool:
    """Return whether `owner` is a process of this machine that is provably no longer
    running: its boot is over, or no process has its ID, or the one that has it started at
    another time, or is a zombie. False whenever that cannot be known."""
    if (owner.host, owner.machine) != (socket.gethostname(), _machine_id()):
        return False  # another machine's: only its claim's lease can tell
    boot = _boot_id()
    if not boot or not owner.boot or not owner.pid_namespace or owner.started is None:
        return False
    if owner.boot != boot:
        return True  # the machine has restarted since: no process of that boot is left
    if owner.pid_namespace != _pid_namespace() or owner.pid <= 0:
        return False  # another container's process ID: here it names another process
    try:
        os.kill(owner.pid, 0)  # only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # another user's process has that ID: its start time says whether it is owner's
    except OSError:
        return False
    stat = _process_stat(owner.pid)
    if stat is None:
        return False
    state, started = stat
    return started != owner.started or state in ("Z", "X")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def _machine_id() -> str:
    return next((found for found in map(_read, MACHINE_ID_FILES) if found), "")


def _boot_id() -> str:
    return _read(PROC / "sys" / "kernel" / "random" / "boot_id")


def _pid_namespace() -> str:
    try:
        return os.readlink(PROC / "self" / "ns" / "pid")
    except OSError:
        return ""


def _process_stat(pid: int) -> tuple[str, int] | None:
    """Return process `pid`'s state letter and start time (in clock ticks after boot) from
    /proc/<pid>/stat; None where it cannot be read."""
    # Its name, in parentheses, may itself hold spaces and parentheses: split after the last.
    _, paren, after_name = _read(PROC / str(pid) / "stat").rpartition(")")
    fields = after_name.split()
    if not paren or len(fields) < 20 or not fields[19].isdigit():
        return None
    return fields[0], int(fields[19])  # fields 3 and 22 of proc(5)
