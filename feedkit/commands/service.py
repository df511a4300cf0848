"""`feedkit preview`, `feedkit serve`, `feedkit schedule` and `feedkit snippet`: what
runs beside the site."""

from __future__ import annotations

import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from feedkit.cli import (
    config_option,
    error_boundary,
    main,
    now_from_env,
)
from feedkit.config import load_config
from feedkit.errors import ConfigError, FeedkitError
from feedkit.shown import display_path

if TYPE_CHECKING:
    pass


@main.command()
@config_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 (0 picks a free one).",
)
@click.option(
    "--text",
    "text_only",
    is_flag=True,
    help="Print the next digest's subject and text part instead of serving.",
)
@click.option(
    "--poll",
    type=click.FloatRange(0.05),
    help="Look for saved files every POLL seconds (for folders where the system reports "
    "no file events, such as network drives).  [default: on Linux, the system's events]",
)
@error_boundary
def preview(config_path: Path, port: int, text_only: bool, poll: float | None) -> None:
    """Show the next digest and the feeds exactly as readers will get them; sends nothing."""
    from feedkit.web.preview import preview_text
    from feedkit.web.previewserver import make_server

    cfg = load_config(config_path)
    if text_only:
        click.echo(preview_text(cfg, now_from_env()))
        return
    try:
        server = make_server(config_path.resolve(), now_from_env, port, poll=poll)
    except OSError as exc:
        raise FeedkitError(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror}; try --port 0"
        ) from exc
    bound = server.server_address[1]
    click.echo(f"Preview of {cfg.title} at http://127.0.0.1:{bound}/ (Ctrl+C stops it)")
    # Stopped by `kill`, a process manager or a closed terminal as by Ctrl+C, between
    # requests: the posts it read are kept for the next start (WarmSite.keep), which then
    # reads only what changed.
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), server.stop_soon)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@config_option
@click.option("--host", help="Address to listen on.  [default: serve.host, 127.0.0.1]")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one.  [default: serve.port, 8080]",
)
@error_boundary
def serve(config_path: Path, host: str | None, port: int | None) -> None:
    """Take sign-ups, confirmations and unsubscribes, and show the digest archive.

    Run it behind a reverse proxy that serves serve.url over https; see the README.
    """
    import logging

    from feedkit.web.serve import listening_socket, make_app, run, serve_problems, url_of

    cfg = load_config(config_path)
    if problems := serve_problems(cfg):
        raise ConfigError(problems)
    now_from_env()  # a bad FEEDKIT_NOW stops it here, not at the first request
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s"
    )
    app = make_app(cfg, now_from_env)
    host = host or cfg.serve.host
    port = cfg.serve.port if port is None else port
    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        raise FeedkitError(f"cannot listen on {host}:{port}: {exc.strerror}; try --port 0") from exc
    click.echo(f"serving on {url_of(sock)}")
    sys.stdout.flush()
    run(cfg, app, sock)


@main.command()
@config_option
@click.option(
    "--once", is_flag=True, help="Do whatever is due now and exit (for cron or a systemd timer)."
)
@error_boundary
def schedule(config_path: Path, once: bool) -> None:
    """Send digests and rebuild feeds on the schedules in feedkit.toml, in the foreground."""
    import logging

    from feedkit.schedule import run_once, serve

    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    if once:
        done, problem = run_once(config_path, now_from_env())
        for line in done:
            click.echo(line)
        if problem:
            click.echo(f"error: {problem}", err=True)
            sys.exit(1)
        return
    serve(config_path, lambda: datetime.now(UTC))


@main.command()
@config_option
@error_boundary
def snippet(config_path: Path) -> None:
    """Print the HTML the site's pages need: the feeds' links for <head>, the subscribe
    form (with [serve] url set) and a link to the past digests."""
    from feedkit.mail.archive import INDEX
    from feedkit.web.snippet import snippet as make_snippet

    cfg = load_config(config_path)
    click.echo(make_snippet(cfg), nl=False)
    archive = cfg.output_path / cfg.digest.archive
    if cfg.digest.archive and cfg.digest.sender and not (archive / INDEX).is_file():
        click.echo(
            f"note: {display_path(archive, Path.cwd())}/ holds no digest yet: its links in the "
            "snippet lead nowhere until the first digest reaches a reader (the digest and "
            "the next build write it)",
            err=True,
        )
