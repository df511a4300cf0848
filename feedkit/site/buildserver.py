"""`feedkit build-server`: a warm process that runs the site's `feedkit build` commands.

A fresh `feedkit build` spends about 0.1 s before it looks at a single post: starting
Python, then importing click, PyYAML, markdown-it-py, feedgen and lxml. At 5,000 posts that
is most of a rebuild after one edit. The server has all of it loaded; each build it is
handed (feedkit/launch.py sends the command line, folder, environment and the three
standard streams over a Unix socket) runs in a forked child, which starts warm, writes to
the caller's own terminal or pipes, and leaves nothing behind in the server.

It also watches the content folder (inotify, on Linux). A build then stats only the files
that changed since the last build it ran, instead of every post file: the walk is the
other large cost of a small rebuild. Anything the watch cannot vouch for (the first build,
a folder created, moved or deleted, a symbolic link, an overflowing event queue, a cache
another process wrote) means a full walk, as without a server.

One server per site: it holds `.feedkit/build-server.lock` while it runs and listens on
`.feedkit/build.sock`, readable by its own user only; a socket left by a killed server is
replaced. When feedkit's own files change, the server restarts itself with the new code.
"""

from __future__ import annotations

import errno
import fcntl
import gc
import logging
import marshal
import os
import secrets
import select
import signal
import socket
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from feedkit.config import Config, load_config
from feedkit.errors import FeedkitError
from feedkit.launch import (
    MAX_REQUEST,
    NOT_SERVED,
    PROTOCOL,
    RAN,
    SOCKET_NAME,
    identity,
    socket_path,
)
from feedkit.posts import postfile
from feedkit.site import cache

log = logging.getLogger("feedkit.site.buildserver")
LOCK_NAME = "build-server.lock"
REQUEST_TIMEOUT = 10.0  # seconds for a client to send its request
STALE = "feedkit changed since the build server started"

try:  # Linux only; elsewhere every build walks the content folder
    from inotify_simple import INotify
    from inotify_simple import flags as in_flags
except ImportError:  # pragma: no cover - not on Linux
    INotify = None  # type: ignore[assignment,misc]


class Watch:
    """What changed in the content folder since a moment the server chooses.

    `paths` is every post file, `changed` every post file changed, added or removed since
    `take()` was last called. `exact` is False when the watch cannot vouch for that: then the
    next build walks the whole folder.
    """

    def __init__(self, content_dir: str) -> None:
        self.content_dir = content_dir
        self.inotify: Any = None
        if INotify is not None:
            try:
                self.inotify = INotify()
            except OSError as exc:  # too many inotify instances for this user
                log.warning("cannot watch the content folder (%s): every build walks it", exc)
        self.folders: dict[int, str] = {}
        self.paths: set[str] = set()
        self._listing: list[str] | None = None
        self.changed: set[str] = set()
        self.exact = False
        self.rescan_due = True
        self.limited = False  # the system's watch limit was reached

    if INotify is not None:
        FILE_EVENTS = (
            in_flags.CREATE
            | in_flags.DELETE
            | in_flags.MODIFY
            | in_flags.ATTRIB
            | in_flags.CLOSE_WRITE
            | in_flags.MOVED_FROM
            | in_flags.MOVED_TO
        )
        MASK = FILE_EVENTS | in_flags.DELETE_SELF | in_flags.MOVE_SELF | in_flags.ONLYDIR
        ADDED = in_flags.CREATE | in_flags.MOVED_TO
        REMOVED = in_flags.DELETE | in_flags.MOVED_FROM
        UNSURE = (
            in_flags.Q_OVERFLOW
            | in_flags.IGNORED
            | in_flags.DELETE_SELF
            | in_flags.MOVE_SELF
            | in_flags.ISDIR
        )

    def fileno(self) -> int:
        return self.inotify.fileno() if self.inotify is not None else -1

    def close(self) -> None:
        if self.inotify is not None:
            self.inotify.close()

    def rescan(self) -> None:
        """Watch every folder, then list every post file (in that order, so no file is
        missed). A rescan cannot tell what changed while a folder was unwatched: the
        caller treats its statuses as unknown."""
        self.rescan_due = False
        self.changed.clear()
        if self.inotify is None:
            return
        seen: dict[int, str] = {}
        links: list[str] = []

        def watch(folder: str) -> None:
            if self.limited:
                return
            try:
                seen[self.inotify.add_watch(folder, self.MASK)] = folder  # type: ignore[union-attr]
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    self.limited = True
                    log.warning(
                        "the system's inotify watch limit (fs.inotify.max_user_watches) is "
                        "reached: every build walks the content folder"
                    )
                else:
                    raise

        try:
            files = postfile.walk(
                self.content_dir, stat=False, on_folder=watch, on_link=links.append
            )
        except OSError:  # the content folder is gone: the build says so
            files = []
            links.append(self.content_dir)
        for wd in set(self.folders) - set(seen):
            try:
                self.inotify.rm_watch(wd)
            except OSError:  # already gone with its folder
                pass
        self.folders = seen
        self.paths = {path for path, _ in files}
        self._listing = None
        # Changes inside a linked file or folder reach watches elsewhere, if any.
        self.exact = not links and not self.limited

    def read(self) -> None:
        """Take in the events waiting, without blocking."""
        if self.inotify is None:
            return
        for event in self.inotify.read(timeout=0):
            self._event(event.wd, event.mask, event.name)

    def _event(self, wd: int, mask: int, name: str) -> None:
        if mask & self.UNSURE:
            # A folder appeared, went or moved (its files' statuses are unknown, and new
            # folders need watches), or events were lost.
            if not (mask & in_flags.ISDIR and name.startswith(".")):  # hidden: never walked
                self.rescan_due = True
            return
        folder = self.folders.get(wd)
        if folder is None or not postfile.is_post_name(name):
            return
        path = f"{folder}/{name}"
        if mask & self.ADDED:
            if os.path.islink(path) or os.path.isdir(path):
                self.rescan_due = True
            self.paths.add(path)
            self._listing = None
        elif mask & self.REMOVED:
            self.paths.discard(path)
            self._listing = None
        self.changed.add(path)

    def listing(self) -> list[str]:
        """Return every post file, sorted as a walk sorts them."""
        if self._listing is None:
            self._listing = sorted(self.paths)
        return self._listing

    def take(self) -> frozenset[str]:
        """Return the files changed since the last call, and start afresh."""
        changed = frozenset(self.changed)
        self.changed = set()
        return changed


SUBFOLDERS = ("mail", "posts", "site", "static", "web")  # feedkit's, beside its top modules


def code_stamp() -> tuple[tuple[str, int, int], ...]:
    """Return the size and modification time of each of feedkit's own files."""
    folder = Path(__file__).parent.parent  # the feedkit package
    stamp = []
    for sub in (folder, *(folder / name for name in SUBFOLDERS)):
        for entry in sorted(os.scandir(sub), key=lambda e: e.name):
            if entry.is_file():
                st = entry.stat()
                stamp.append((entry.path, st.st_size, st.st_mtime_ns))
    return tuple(stamp)


def peer_uid(conn: socket.socket) -> int | None:
    """Return the user ID of the process at the other end, where the system says it."""
    if not hasattr(socket, "SO_PEERCRED"):
        return None
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", creds)[1])


class BuildServer:
    def __init__(self, config_path: Path, cfg: Config) -> None:
        self.config_path = config_path.resolve()
        self.cfg = cfg
        self.folder = cfg.cache_path
        self.socket_path = socket_path(str(self.config_path))  # where clients look for it
        self.identity = identity()
        self.code = code_stamp()
        self.listener: socket.socket | None = None
        self.lock_fd = -1
        self.watch: Watch | None = None
        self.token = ""  # the server's mark on the cache state its last build saved
        self.served = 0
        self.stopping = False
        self.busy = False  # a build is running: a stop waits for it
        self.how = ""  # how the last build found what changed, for the log
        self.peak_kib = 0  # the last build's peak resident memory (KiB)
        self.config_stat = _stat_key(self.config_path)

    # -- starting and stopping ------------------------------------------------------------

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock()
        self._listen()
        self._warm()
        self.watch = Watch(str(self.cfg.content_path))

    def _lock(self) -> None:
        path = self.folder / LOCK_NAME
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise FeedkitError(
                f"a build server already runs for this site (pid {holder}; lock {path})"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.lock_fd = fd

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        here = os.open(".", os.O_RDONLY)
        mask = os.umask(0o177)  # the socket: this user only
        try:
            os.chdir(self.folder)  # a relative name: a site path may be too long for bind
            try:
                os.unlink(SOCKET_NAME)  # left by a server that was killed: we hold the lock
            except FileNotFoundError:
                pass
            listener.bind(SOCKET_NAME)
        finally:
            os.umask(mask)
            os.fchdir(here)
            os.close(here)
        listener.listen(64)
        self.socket_ino = os.stat(self.socket_path).st_ino
        self.listener = listener

    def _warm(self) -> None:
        """Import and set up everything a build uses, then keep the collector off it."""
        import feedkit.cli  # noqa: F401 - the command line the children run
        from feedkit.posts import loader, markup  # noqa: F401
        from feedkit.posts.postfile import handlers
        from feedkit.site import build, cachekey, feeds  # noqa: F401

        handlers()
        cachekey.toolchain()  # what the code loaded here is: the children key the cache on it
        build.load_renderers()
        markup.render_html("# Warm\n\n*up* `code` $x$ [a](/b)\n", "https://example.org/", "warm")
        gc.collect()
        gc.freeze()  # children share these pages instead of copying them as gc touches them

    def close(self) -> None:
        if self.listener is not None:
            self.listener.close()
            self.listener = None
            try:  # only our own socket: a newer server may have replaced it
                if os.stat(self.socket_path).st_ino == self.socket_ino:
                    os.unlink(self.socket_path)
            except OSError:
                pass
        if self.watch is not None:
            self.watch.close()
        if self.lock_fd >= 0:
            os.close(self.lock_fd)
            self.lock_fd = -1

    # -- serving --------------------------------------------------------------------------

    def serve(self) -> None:
        assert self.listener is not None and self.watch is not None
        while not self.stopping:
            watch = self.watch
            waiting = [self.listener] + ([watch] if watch.inotify is not None else [])
            ready, _, _ = select.select(waiting, [], [])
            if watch in ready:
                watch.read()
            if self.listener in ready:
                try:
                    conn, _ = self.listener.accept()
                except OSError:
                    continue
                with conn:
                    try:
                        self.handle(conn)
                    except Exception:  # a fault in one build's handling: the caller builds
                        log.exception("a build could not be handled; its caller builds itself")

    def handle(self, conn: socket.socket) -> None:
        """Run one client's build and send back its exit status; a stop waits for it."""
        self.busy = True
        try:
            self._handle(conn)
        finally:
            self.busy = False

    def _handle(self, conn: socket.socket) -> None:
        uid = peer_uid(conn)
        if uid is not None and uid != os.getuid():
            log.warning("refused a build for user %d", uid)
            conn.sendall(NOT_SERVED + b"the build server runs for another user")
            return
        try:
            request, fds = self._receive(conn)
        except (OSError, ValueError, EOFError) as exc:
            log.warning("a client's request could not be read: %s", exc)
            return
        reason = ""
        try:
            reason = self._refusal(request)
            if reason:
                conn.sendall(NOT_SERVED + reason.encode())
                return
            started = time.monotonic()
            try:
                status = self._run(conn, request, fds)
            except OSError as exc:  # no fork (out of memory, process limit)
                log.warning("cannot run a build: %s", exc)
                conn.sendall(NOT_SERVED + f"cannot run a build: {exc}".encode())
                return
        finally:
            for fd in fds:
                os.close(fd)
            if reason == STALE:
                conn.close()
                self.restart()
        if status is None:
            log.info("a build was stopped: its caller went away")
            return
        self.served += 1
        log.info(
            "build %d: %s: exit %d in %.0f ms, peak %.0f MiB (%s)",
            self.served,
            " ".join(request["argv"]),
            status,
            (time.monotonic() - started) * 1000,
            self.peak_kib / 1024,
            self.how,
        )
        try:
            conn.sendall(RAN + status.to_bytes(4, "big", signed=True))
        except OSError:
            pass

    def _receive(self, conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
        conn.settimeout(REQUEST_TIMEOUT)
        data, fds, _, _ = socket.recv_fds(conn, 65536, 3)
        try:
            if len(fds) != 3:
                raise ValueError("it did not pass its three standard streams")
            while len(data) < 4 or len(data) < 4 + int.from_bytes(data[:4], "big"):
                if len(data) > 4 + MAX_REQUEST:
                    raise ValueError("it is too large")
                chunk = conn.recv(65536)
                if not chunk:
                    raise EOFError("it ended early")
                data += chunk
            request = marshal.loads(data[4:])
            if not isinstance(request, dict) or request.get("protocol") != PROTOCOL:
                raise ValueError("it speaks another protocol")
        except BaseException:
            for fd in fds:
                os.close(fd)
            raise
        conn.settimeout(None)
        return request, fds

    def _refusal(self, request: dict[str, Any]) -> str:
        """Return why this server must not run the request's build, or ""."""
        if {k: request.get(k) for k in self.identity} != self.identity:
            return "it runs another Python or another feedkit"
        if code_stamp() != self.code:
            return STALE
        return ""

    def _follow_config(self) -> None:
        """Watch another content folder when feedkit.toml names another."""
        current = _stat_key(self.config_path)
        if current == self.config_stat:
            return
        self.config_stat = current
        try:
            cfg = load_config(self.config_path)
        except FeedkitError:  # the build reports it
            return
        self.cfg = cfg
        if self.watch is not None and str(cfg.content_path) != self.watch.content_dir:
            self.watch.close()
            self.watch = Watch(str(cfg.content_path))
            self.token = ""

    def _known(self) -> cache.Known | None:
        """Return what the watch can vouch for, for the build about to run."""
        self._follow_config()
        watch = self.watch
        self.how = "walked the content folder"
        if watch is None or watch.inotify is None:
            return None
        watch.read()  # every change made before the client asked is queued by now
        trusted = self.token
        if watch.rescan_due:
            watch.rescan()
            trusted = ""  # what changed while folders were unwatched is unknown
        changed = watch.take()
        mark = secrets.token_hex(8)
        if not watch.exact or not trusted:  # a full walk, whose saved state is then vouched for
            return cache.Known(watch.content_dir, [], changed, "", mark)
        self.how = f"watched: {len(changed)} file(s) changed"
        return cache.Known(watch.content_dir, watch.listing(), changed, trusted, mark)

    def _run(self, conn: socket.socket, request: dict[str, Any], fds: list[int]) -> int | None:
        """Fork a child to run the build; return its exit status, or None if the client
        went away first (then the child is stopped)."""
        known = self._known()
        pid = os.fork()
        if pid == 0:
            _child(self, conn, request, fds, known)
        pidfd = _pidfd(pid)
        try:
            while True:
                watched: list[Any] = [conn] if pidfd is None else [conn, pidfd]
                # Without a pidfd (kernels before 5.3, other systems), look every 10 ms.
                ready, _, _ = select.select(watched, [], [], None if pidfd is not None else 0.01)
                done, status, usage = os.wait4(pid, os.WNOHANG)
                if done:
                    self.peak_kib = usage.ru_maxrss
                    self._settle(known)
                    code = os.waitstatus_to_exitcode(status)
                    return code if code >= 0 else 128 - code
                if conn in ready:  # a client sends nothing more: it has gone
                    os.kill(pid, signal.SIGTERM)
                    os.waitpid(pid, 0)
                    self._settle(known)
                    return None
        finally:
            if pidfd is not None:
                os.close(pidfd)

    def _settle(self, known: cache.Known | None) -> None:
        """After a build: if it saved the cache, the watch's changes so far are in it."""
        if known is None or self.watch is None:
            return
        if cache.BuildCache.open(self.cfg).state.get("server_token") == known.new_token:
            self.token = known.new_token
        else:  # nothing saved (or another process saved): keep what the build was told
            self.watch.changed |= known.changed

    def restart(self) -> None:
        """Run the server again with feedkit's new code."""
        log.info("feedkit's files changed: restarting the build server with them")
        self.close()
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, *sys.argv])


def _stat_key(path: Path) -> postfile.StatKey | None:
    try:
        return postfile.stat_key(os.stat(path))
    except OSError:
        return None


def _pidfd(pid: int) -> int | None:
    """Return a descriptor select() reports ready when the child ends, where there is one."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _child(
    server: BuildServer,
    conn: socket.socket,
    request: dict[str, Any],
    fds: list[int],
    known: cache.Known | None,
) -> None:
    """Run the build in this forked child, as `feedkit` would in the caller's process."""
    code = 1
    try:
        if server.listener is not None:
            server.listener.close()
        if server.watch is not None:
            server.watch.close()
        conn.close()
        os.close(server.lock_fd)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.setpgid(0, 0)  # Ctrl+C at the server's terminal is for the server, not this build
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _streams(request["encoding"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        try:
            os.chdir(request["cwd"])
        except OSError as exc:
            print(f"error: cannot enter {request['cwd']}: {exc.strerror}", file=sys.stderr)
            raise SystemExit(1) from None
        cache.KNOWN = known
        logging.getLogger().handlers.clear()
        from feedkit.cli import QuickExit, main

        QuickExit.armed = True
        main(args=list(request["argv"]), prog_name="feedkit")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, int | None):
            print(exc.code, file=sys.stderr)
    except KeyboardInterrupt:
        code = 130
    except BaseException:  # noqa: BLE001 - reported to the caller, like an uncaught error
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _streams(encodings: list[str]) -> None:
    """Open the caller's standard streams as the caller's own Python would."""
    import io

    def stream(fd: int, mode: str, encoding: str, errors: str) -> Any:
        raw = io.FileIO(fd, mode, closefd=False)
        tty = raw.isatty()
        buffered: Any = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
        return io.TextIOWrapper(buffered, encoding, errors, line_buffering=tty and mode == "w")

    sys.stdin = stream(0, "r", encodings[0], "strict")
    sys.stdout = stream(1, "w", encodings[1], "strict")
    sys.stderr = stream(2, "w", encodings[2], "backslashreplace")


def serve(config_path: Path, on_ready: Callable[[str], None]) -> None:
    """Run the build server of the site with this feedkit.toml until SIGINT or SIGTERM."""
    cfg = load_config(config_path)
    server = BuildServer(config_path, cfg)

    def stop(signum: int, frame: object) -> None:
        server.stopping = True
        if not server.busy:  # else the build in hand finishes first
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.start()
        on_ready(
            f"Build server for {cfg.title} (pid {os.getpid()}): `feedkit build` in "
            f"{cfg.root} now runs here (Ctrl+C stops it)"
        )
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        log.info("build server stopped after %d build(s)", server.served)
