"""`feedkit digest`, `feedkit bounces` and `feedkit subscribers`: the mail side."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from feedkit.cli import (
    FeedkitGroup,
    QuickExit,
    StatusLine,
    config_option,
    error_boundary,
    group_verbose,
    main,
    now_from_env,
    rare_collections,
    report,
)
from feedkit.commands.build import refresh_web_copies
from feedkit.commands.dryrun import dry_run_now
from feedkit.config import load_config
from feedkit.errors import ConfigError


def _email_address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from feedkit.mail.subscribers import valid_address

    if value is not None and not valid_address(value):
        raise click.BadParameter(f"{value!r} is not an email address")
    return value


@main.command()
@config_option
@click.option("--dry-run", is_flag=True, help="Show who would get what; change nothing.")
@click.option(
    "--to",
    "test_address",
    metavar="ADDRESS",
    callback=_email_address,
    help="Send one test copy of the next digest to ADDRESS; change no state.",
)
@click.option(
    "--send-latest",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="On the first run, send the newest N posts instead of none.",
)
@click.option("--status", is_flag=True, help="Show recent digests and each reader's result.")
@click.option(
    "--retry-failed",
    is_flag=True,
    help="Put the failed readers of the digests --status lists back in line, then send.",
)
@error_boundary
@rare_collections()  # as a build: the post index's 20,000 rows live until the process ends
def digest(
    config_path: Path,
    dry_run: bool,
    test_address: str | None,
    send_latest: int,
    status: bool,
    retry_failed: bool,
) -> None:
    """Mail the posts subscribers have not received yet (to the outbox folder by default)."""
    if retry_failed:
        for name, given in (("--status", status), ("--dry-run", dry_run), ("--to", test_address)):
            if given:
                raise click.UsageError(f"--retry-failed cannot be combined with {name}")
    cfg = load_config(config_path)
    state_path = cfg.path(cfg.digest.state)
    if dry_run and not status and not test_address:
        dry_run_now(cfg, now_from_env(), send_latest)
        QuickExit.now()  # as a build: what it keeps is written, and every row need not be freed
        return
    from feedkit.mail.digest import DigestRenderer
    from feedkit.mail.rendercache import RenderCache
    from feedkit.mail.roster import digest_readers, readers_now, readonly_state
    from feedkit.mail.senderlock import SenderLock
    from feedkit.mail.sending import (
        put_failed_back,
        run_digest,
        send_problems,
        send_test_copy,
        sender_factory,
        status_report,
    )
    from feedkit.mail.state import State
    from feedkit.site.postindex import read_index, reader_cache

    if status:
        click.echo(status_report(State.open_readonly(state_path)))
        return
    now = now_from_env()
    render_cache = RenderCache.of_site(cfg.cache_path)  # premailer once a digest, not a run
    index = read_index(cfg, reader_cache(cfg), now)  # only changed files are read
    report(index.warnings)
    public = index.public(now)  # each post read in full only if the digest shows it
    if test_address:
        with readonly_state(state_path) as readonly:
            click.echo(send_test_copy(cfg, readonly, public, test_address, now))
        return
    subscribers, skipped, changes = readers_now(cfg)
    problems = send_problems(cfg, subscribers=subscribers)  # all at once, before any is stored
    if problems:
        raise ConfigError(problems)
    # One sender at a time per state file; a second run waits, then finds nothing left to send.
    with SenderLock(state_path) as lock:
        lock.acquire(cfg.digest.lock_timeout)
        with State.open(state_path) as state:
            # The list as it is now, with subscribers.csv's changes (if there is one).
            subscribers, skipped = digest_readers(cfg, state, now)
            report(skipped)
            if retry_failed:
                click.echo(put_failed_back(state, now))
            with StatusLine(doing="Sending") as line:
                result = run_digest(
                    cfg,
                    state,
                    public,
                    subscribers,
                    sender_factory(cfg),
                    now,
                    send_latest=send_latest,
                    renderer=DigestRenderer(cfg, render_cache=render_cache),
                    progress=line.show,
                )
    index.keep(now)  # a site's first run made its .feedkit folder: the next run reads less
    report(result.warnings)
    try:
        if result.total("sent"):
            refresh_web_copies(cfg, render_cache)  # the web copies the mails link to
    finally:
        click.echo(result.summary)  # what was sent, even if the web copies could not be written
    if result.halted is not None:
        click.echo(f"error: {result.halted}", err=True)
        click.echo(
            f"The batch stopped: {result.total('pending', 'deferred')} reader(s) stay pending "
            "and get this digest at the next run; see feedkit digest --status",
            err=True,
        )
        sys.exit(1)
    troubled = result.total("failed", "deferred")
    if troubled:
        click.echo(
            f"error: {troubled} recipient(s) not reached; see feedkit digest --status", err=True
        )
        sys.exit(1)


@main.command()
@config_option
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what the mail would change; change nothing.")
@error_boundary
def bounces(config_path: Path, path: Path, dry_run: bool) -> None:
    """Read returned mail in PATH (a Maildir, an mbox file or one .eml): bounces, complaints
    and unsubscribe emails update the reader list. Mail read before is skipped."""
    from feedkit.mail.bounce_run import run_bounces

    cfg = load_config(config_path)
    for line in run_bounces(cfg, path, now_from_env(), dry_run=dry_run).lines():
        click.echo(line)


@main.group(cls=FeedkitGroup)
@group_verbose
def subscribers() -> None:
    """The reader list in the state database: who gets the digest, who left, and why."""


@subscribers.command("list")
@config_option
@click.option(
    "--status",
    type=click.Choice(["pending", "active", "unsubscribed", "bounced", "complained"]),
    help="Only the readers with this status.",
)
@error_boundary
def subscribers_list(config_path: Path, status: str | None) -> None:
    """Show each reader and the counts by status.

    One line per reader: address, name, status, since when, source, and why they left.
    """
    from feedkit.mail.roster import listing, read_list, readonly_state

    cfg = load_config(config_path)
    with readonly_state(cfg.path(cfg.digest.state)) as state:
        readers, counts = read_list(state, status)
    for line in listing(readers, counts):
        click.echo(line)


@subscribers.command("add")
@config_option
@click.argument("address", callback=_email_address)
@click.option("--name", default="", help="The reader's name, for the greeting.")
@error_boundary
def subscribers_add(config_path: Path, address: str, name: str) -> None:
    """Add a reader who asked you to; never one who left.

    You vouch for their consent (recorded as source "cli"). Someone who unsubscribed,
    bounced or complained can only come back by signing up again themselves.
    """
    from feedkit.mail.readers import Readers
    from feedkit.mail.roster import add_reader
    from feedkit.mail.state import State

    cfg = load_config(config_path)
    with State.open(cfg.path(cfg.digest.state)) as state:
        click.echo(add_reader(Readers(state), address, name, now_from_env()))


@subscribers.command("remove")
@config_option
@click.argument("address")
@click.option(
    "--forget", is_flag=True, help="Erase all that is kept about them (right to erasure)."
)
@error_boundary
def subscribers_remove(config_path: Path, address: str, forget: bool) -> None:
    """Unsubscribe a reader, or --forget them.

    --forget erases their list entry, its history and their rows in past digests.
    """
    from feedkit.mail.roster import remove_reader
    from feedkit.mail.state import State

    cfg = load_config(config_path)
    with State.open(cfg.path(cfg.digest.state)) as state:
        click.echo(remove_reader(cfg, state, address, now_from_env(), forget=forget))


@subscribers.command("import")
@config_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@error_boundary
def subscribers_import(config_path: Path, file: Path) -> None:
    """Add FILE's readers (subscribers.csv format) as active.

    FILE has one email,name row per line; nobody who left the list is added back.
    """
    from feedkit.mail.readers import Readers
    from feedkit.mail.roster import import_file
    from feedkit.mail.state import State

    cfg = load_config(config_path)
    with State.open(cfg.path(cfg.digest.state)) as state:
        counts, skipped = import_file(cfg, Readers(state), file, str(file), now_from_env())
    report(skipped)
    click.echo(counts)


@subscribers.command("export")
@config_option
@click.argument("file", default="-", type=click.Path(dir_okay=False, allow_dash=True))
@error_boundary
def subscribers_export(config_path: Path, file: str) -> None:
    """Write the list as CSV to FILE or stdout.

    Columns: email,name,status,since,source. FILE is written readable by you only: it
    holds every reader's address.
    """
    from feedkit.mail.roster import export_csv, read_list, readonly_state, write_export

    cfg = load_config(config_path)
    with readonly_state(cfg.path(cfg.digest.state)) as state:
        data = export_csv(read_list(state, None)[0])
    if file == "-":
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_export(Path(file), data)
