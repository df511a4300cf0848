"""The `feedkit` command's entry point: hands `feedkit build` to the site's build server.

When `feedkit build-server` runs for a site, `feedkit build` there sends its arguments,
folder, environment and standard streams to it over a Unix socket and exits with the
build's status: a warm process answers in a few tens of milliseconds, where a fresh one
spends about 0.1 s starting Python and importing the libraries a build needs. Without a
server (or with FEEDKIT_BUILD_SERVER=off) the build runs here, as always.

This module is all a forwarded build imports: the standard library's os, sys, marshal and
socket, nothing of feedkit's own.
"""

from __future__ import annotations

import marshal
import os
import sys

SERVER_ENV = "FEEDKIT_BUILD_SERVER"  # "off" (or 0, no, false): always build here
SOCKET_NAME = "build.sock"  # in the site's .feedkit/ folder
PROTOCOL = 1
MAX_REQUEST = 1 << 20  # bytes of arguments and environment
# The server's answers: the build ran (and its exit status follows), or it was not served.
RAN, NOT_SERVED = b"R", b"N"
_AF_UNIX_MAX = 100  # bytes of a socket path (sun_path holds 104 on BSDs, 108 on Linux)


def run() -> None:
    """The `feedkit` console script."""
    argv = sys.argv[1:]
    config = build_config(argv)
    if config is not None and os.environ.get(SERVER_ENV, "").lower() not in _OFF:
        try:
            code = forward(argv, config)
        except KeyboardInterrupt:  # the server stops the build when this end closes
            os._exit(130)
        if code is not None:
            os._exit(code)  # the build wrote to our streams itself; nothing here to clean up
    from feedkit.cli import run as run_here

    run_here()


_OFF = {"0", "off", "no", "false"}


def build_config(argv: list[str]) -> str | None:
    """Return the config path of a `feedkit build` command line, or None for any other."""
    i = 0
    while i < len(argv) and argv[i] in ("-v", "--verbose"):
        i += 1
    if i >= len(argv) or argv[i] != "build":
        return None
    config = "feedkit.toml"
    rest = argv[i + 1 :]
    j = 0
    while j < len(rest):
        arg = rest[j]
        if arg == "--":
            break
        if arg == "--config" and j + 1 < len(rest):
            config = rest[j + 1]
            j += 1
        elif arg.startswith("--config="):
            config = arg[len("--config=") :]
        j += 1
    return config


def socket_path(config: str) -> str:
    """Return where the build server of the site with this feedkit.toml listens."""
    return os.path.join(os.path.dirname(os.path.realpath(config)), ".feedkit", SOCKET_NAME)


def identity() -> dict[str, str]:
    """Return what a server must share with this process to build for it: the same
    interpreter and the same feedkit files."""
    return {
        "executable": os.path.realpath(sys.executable),
        "package": os.path.dirname(os.path.realpath(__file__)),
    }


def forward(argv: list[str], config: str) -> int | None:
    """Run the build in the site's build server; return its exit status, or None when there
    is no server to run it (then the caller builds here)."""
    path = socket_path(config)
    if not os.path.exists(path):
        return None
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            request = marshal.dumps(
                {
                    "protocol": PROTOCOL,
                    "argv": argv,
                    "cwd": os.getcwd(),
                    "env": dict(os.environ),
                    "encoding": [_encoding(s) for s in (sys.stdin, sys.stdout, sys.stderr)],
                    **identity(),
                }
            )
            _connect(sock, path)
            framed = len(request).to_bytes(4, "big") + request
            sent = socket.send_fds(sock, [framed], [0, 1, 2])
            sock.sendall(framed[sent:])
        except OSError:  # no server (a stale socket), no folder, or a missing stream
            return None
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    if reply[:1] == RAN and len(reply) == 5:
        return int.from_bytes(reply[1:], "big", signed=True)
    if reply[:1] != NOT_SERVED:
        print("feedkit: the build server stopped during the build; building here", file=sys.stderr)
    return None


def _encoding(stream: object) -> str:
    return str(getattr(stream, "encoding", None) or "utf-8")


def _connect(sock: object, path: str) -> None:
    """Connect to `path`, from its folder when the path is too long for a socket address."""
    connect = sock.connect  # type: ignore[attr-defined]
    if len(os.fsencode(path)) <= _AF_UNIX_MAX:
        connect(path)
        return
    here = os.open(".", os.O_RDONLY)
    try:
        os.chdir(os.path.dirname(path))
        connect(SOCKET_NAME)
    finally:
        os.fchdir(here)
        os.close(here)
