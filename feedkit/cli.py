"""The `feedkit` command: load config, call the stages, report. Errors become exit codes here."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from feedkit import __version__, clihelp

if TYPE_CHECKING:
    from feedkit.mail.rendercache import RenderCache
    from feedkit.mail.roster import FileChanges
    from feedkit.mail.state import State
    from feedkit.mail.subscribers import Subscriber
    from feedkit.site.build import BuildPlan

from feedkit.config import CONFIG_NAME, Config, load_config
from feedkit.errors import ConfigError, ContentError, FeedkitError, Problem
from feedkit.posts.loader import display_path

# Each command imports the stages it needs when it runs: `feedkit build` is run every few
# minutes by schedulers and should not pay for mail, templating and scheduling libraries.

F = TypeVar("F", bound=Callable[..., Any])

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=CONFIG_NAME,
    show_default=True,
    help="The site's feedkit.toml.",
)


def now_from_env() -> datetime:
    """Return the current time, or FEEDKIT_NOW (ISO 8601 with zone) for reproducible runs."""
    pinned = os.environ.get("FEEDKIT_NOW")
    if not pinned:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(pinned)
    except ValueError as exc:
        raise click.UsageError(f"FEEDKIT_NOW={pinned!r} is not an ISO 8601 date") from exc
    if value.tzinfo is None:
        raise click.UsageError(f"FEEDKIT_NOW={pinned!r} needs a time zone, e.g. +00:00")
    return value


def report(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


def error_boundary(func: F) -> F:
    """Turn FeedkitErrors into a message on stderr and exit 1; the traceback only with -v."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FeedkitError as exc:
            ctx = click.get_current_context()
            if ctx.find_root().params.get("verbose") or ctx.meta.get(VERBOSE):
                import traceback

                traceback.print_exc()
            if isinstance(exc, ContentError):
                errors = [p for p in exc.problems if not p.warning]
                report(list(exc.problems))
                noun = "problem" if len(errors) == 1 else "problems"
                click.echo(
                    f"error: {len(errors)} {noun} in the content; nothing was written", err=True
                )
            else:
                click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


VERBOSE = "feedkit.verbose"


def _remember_verbose(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[VERBOSE] = True  # ctx.meta is shared by the group's and the command's context


class FeedkitCommand(click.Command):
    """A feedkit command: takes `-v` after its name too (`feedkit build -v`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(
            click.Option(
                ["-v", "--verbose"],
                is_flag=True,
                expose_value=False,
                callback=_remember_verbose,
                help="Show tracebacks for errors.",
            )
        )


class FeedkitGroup(click.Group):
    command_class = FeedkitCommand


# A group's -v, as its commands take it (`feedkit subscribers -v list`).
group_verbose = click.option(
    "-v",
    "--verbose",
    is_flag=True,
    expose_value=False,
    callback=_remember_verbose,
    help="Show tracebacks for errors.",
)


@click.group(cls=FeedkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(version=__version__, prog_name="feedkit")
def main(verbose: bool) -> None:
    """Feeds and an email digest from a folder of Markdown posts."""


def _load(config_path: Path) -> Config:
    return load_config(config_path)


@main.command()
@config_option
@click.option("--drafts", is_flag=True, help="Include drafts (for a private preview build).")
@click.option(
    "--no-cache", is_flag=True, help="Read and render everything afresh; save a fresh cache."
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@error_boundary
def build(config_path: Path, drafts: bool, no_cache: bool, strict: bool) -> None:
    """Write the Atom, RSS and JSON feeds ([feed] atom, rss, json) to the output folder."""
    # A build makes hundreds of thousands of small tuples and frees them all at exit: the
    # cycle collector would scan them again and again for nothing (about a tenth of the
    # time at 20,000 posts). It still runs, rarely.
    thresholds = gc.get_threshold()
    gc.set_threshold(200_000, 50, 100)
    try:
        _build(config_path, drafts, no_cache, strict)
    finally:
        gc.set_threshold(*thresholds)


class QuickExit:
    """Whether `feedkit` runs as its console script (`run`), not inside a test's CliRunner."""

    armed = False

    @classmethod
    def now(cls) -> None:
        """Leave the process at once if armed, after flushing what was printed.

        Tearing the interpreter down frees every module and object one by one: after a
        build over thousands of posts that is 20 to 30 ms, a tenth of a rebuild, spent on
        nothing. A build has closed every file it wrote by the time it reports, so it can
        leave with os._exit (mypy's command line does the same). Failed builds and other
        commands exit the ordinary way.
        """
        if not cls.armed:
            return
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe: the ordinary exit reports it
            return
        os._exit(0)


def run() -> None:
    """The `feedkit` console script."""
    QuickExit.armed = True
    main()


def _build(config_path: Path, drafts: bool, no_cache: bool, strict: bool = False) -> None:
    from feedkit.site.build import build_site

    cfg = _load(config_path)
    now = now_from_env()
    with StatusLine() as status:
        plan, changed = build_site(
            cfg, now, drafts=drafts, ignore_cache=no_cache, progress=status.show
        )
    report(plan.warnings)
    if plan.cache_discarded:
        click.echo(f"note: build cache thrown away: {plan.cache_discarded}", err=True)
    out = display_path(cfg.output_path, Path.cwd())
    if plan.reused:
        click.echo(f"Feeds in {out}/ are up to date (0 changed); " + _counts(plan))
    else:
        click.echo(
            f"Built {len(plan.names)} files in {out}/ ({len(changed)} changed) from "
            + _counts(plan)
        )
    _refresh_archive(cfg)  # a lost output folder gets the digests' pages back
    if strict and plan.warnings:
        click.echo(f"error: {len(plan.warnings)} warning(s) and --strict is on", err=True)
        sys.exit(1)
    QuickExit.now()  # before this frame's objects are freed one by one


def _refresh_archive(cfg: Config, render_cache: RenderCache | None = None) -> None:
    """Write the web copies of sent digests when the site has sent any; say what changed."""
    if not cfg.digest.archive or not cfg.path(cfg.digest.state).exists():
        return  # no digest has run: the mail stack is not even imported
    from feedkit.mail.archive import refresh_archive

    changed = refresh_archive(cfg, render_cache)
    if changed:
        out = display_path(cfg.output_path / cfg.digest.archive, Path.cwd())
        click.echo(f"Digest archive in {out}/: {len(changed)} file(s) changed")


def _counts(plan: BuildPlan) -> str:
    return (
        f"{plan.total} posts: {plan.published} published, {plan.drafts} draft(s), "
        f"{plan.scheduled} scheduled for later"
        + (f", {plan.expired} expired" if plan.expired else "")
    )


class StatusLine:
    """A one-line progress display on stderr for builds and sends that take over a second.

    Nothing is shown when stderr is not a terminal (cron, CI, pipes), or for quick builds.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        doing: str = "Building",
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.doing = doing
        self.delay = delay
        self.enabled = self.stream.isatty()
        self.clock = clock
        self.started = clock()
        # The step, how many of how many things it has done, and when it began: one tuple,
        # replaced whole, as the display thread reads it.
        self.state: tuple[str, int, int, float] = ("starting", 0, 0, self.started)
        self.shown = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def show(self, step: str, done: int = 0, total: int = 0) -> None:
        """Say what the build does now (a `Progress`): `done` of `total` when counted."""
        began = self.state[3] if step == self.state[0] else self.clock()
        self.state = (step, done, total, began)

    def line(self) -> str:
        """Return the status line: the step, how far it is, its rate and the time left."""
        step, done, total, began = self.state
        now = self.clock()
        text = f"{self.doing}… {step}"
        if total:
            text += f": {done:,} of {total:,}"
            if 0 < done < total and now > began:
                rate = done / (now - began)
                text += f" ({rate:,.0f}/s, about {_duration((total - done) / rate)} left)"
        return f"{text} ({now - self.started:.1f} s)"

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while True:
            self.stream.write(f"\r\x1b[2K{self.line()}")
            self.stream.flush()
            self.shown = True
            if self._stop.wait(0.2):
                return

    def __enter__(self) -> StatusLine:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _duration(seconds: float) -> str:
    """Return a time left as people say it: "3 s", "1 min 20 s"."""
    whole = max(1, round(seconds))
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


@main.command()
@config_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@error_boundary
def check(config_path: Path, strict: bool) -> None:
    """Validate feedkit.toml and every post, and render the feeds in memory; write no feeds.

    When the site mails a digest, also check that one could be sent from here. What each
    post gave is kept in .feedkit/cache/, so the next check reads only the files that changed.
    """
    from feedkit.mail import digest_in_use
    from feedkit.site.build import plan_build
    from feedkit.site.checkcache import CheckCache, check_posts

    cfg = _load(config_path)
    now = now_from_env()
    # A build reads only the bodies it shows; check reads them all, and the template
    # warnings of every post, not only the feeds' entries (files unchanged since the last
    # check are not read again).
    loaded, body_warnings = check_posts(cfg, CheckCache.open(cfg))
    plan = plan_build(cfg, now, loaded=loaded)
    warnings = tuple(dict.fromkeys(plan.warnings + body_warnings))
    report(loaded.skipped)  # files that are not posts, each with the reason
    subscribers: list[Subscriber] = []
    mails = digest_in_use(cfg)
    if mails:
        from feedkit.mail.digest import card_image_warnings

        subscribers, skipped, _ = _planned_readers(cfg, require=False)
        warnings += tuple(skipped) + tuple(card_image_warnings(loaded.posts, now))
    report(warnings)
    if mails:
        from feedkit.mail.sending import send_problems

        if problems := send_problems(cfg, subscribers=subscribers):
            raise ConfigError(problems)  # a digest could not be sent from here
    if strict and warnings:
        click.echo(f"error: {len(warnings)} warning(s) and --strict is on", err=True)
        sys.exit(1)
    click.echo("OK: " + _counts(plan))


def _email_address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from feedkit.mail.subscribers import valid_address

    if value is not None and not valid_address(value):
        raise click.BadParameter(f"{value!r} is not an email address")
    return value


def _planned_readers(
    cfg: Config, *, require: bool = True
) -> tuple[list[Subscriber], list[Problem], FileChanges | None]:
    """Return who a digest would go to now, changing nothing (see roster.planned_readers)."""
    from feedkit.mail.roster import planned_readers

    with _readonly_state(cfg.path(cfg.digest.state)) as state:
        return planned_readers(cfg, state, require=require)


@contextmanager
def _readonly_state(path: Path) -> Iterator[State | None]:
    from feedkit.mail.state import State

    state = State.open_readonly(path)
    try:
        yield state
    finally:
        if state is not None:
            state.close()


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
def digest(
    config_path: Path,
    dry_run: bool,
    test_address: str | None,
    send_latest: int,
    status: bool,
    retry_failed: bool,
) -> None:
    """Mail the posts subscribers have not received yet (to the outbox folder by default)."""
    from feedkit.mail.digest import DigestRenderer
    from feedkit.mail.rendercache import RenderCache
    from feedkit.mail.roster import digest_readers
    from feedkit.mail.sending import (
        dry_run_report,
        put_failed_back,
        run_digest,
        send_problems,
        send_test_copy,
        sender_factory,
        status_report,
    )
    from feedkit.mail.state import SenderLock, State
    from feedkit.site.postindex import read_index, reader_cache

    if retry_failed:
        for name, given in (("--status", status), ("--dry-run", dry_run), ("--to", test_address)):
            if given:
                raise click.UsageError(f"--retry-failed cannot be combined with {name}")
    cfg = _load(config_path)
    state_path = cfg.path(cfg.digest.state)
    if status:
        click.echo(status_report(State.open_readonly(state_path)))
        return
    now = now_from_env()
    render_cache = RenderCache.of_site(cfg.cache_path)  # premailer once a digest, not a run
    index = read_index(cfg, reader_cache(cfg), now)  # only changed files are read
    report(index.warnings)
    public = index.public(now)  # each post read in full only if the digest shows it
    if test_address:
        with _readonly_state(state_path) as readonly:
            click.echo(send_test_copy(cfg, readonly, public, test_address, now))
        return
    subscribers, skipped, changes = _planned_readers(cfg)
    if dry_run:
        report(skipped)
        with _readonly_state(state_path) as readonly:
            click.echo(
                dry_run_report(cfg, readonly, public, subscribers, now, send_latest, render_cache)
            )
        if changes is not None:
            click.echo(changes.summary())
        return
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
    try:
        if result.total("sent"):
            _refresh_archive(cfg, render_cache)  # the web copies the mails link to
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

    cfg = _load(config_path)
    for line in run_bounces(cfg, path, now_from_env(), dry_run=dry_run).lines():
        click.echo(line)


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
    from feedkit.web.preview import make_server, preview_text

    cfg = _load(config_path)
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

    cfg = _load(config_path)
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


# What `feedkit init` asks for, by the settings feedkit.toml names them.
_INIT_OPTIONS = {
    "title": "--title",
    "base_url": "--url",
    "author.name": "--author",
    "author.email": "--email",
    "digest.from": "--email",
    "timezone": "--timezone",
    "language": "--language",
    "description": "--description",
}


def _ask(value: str | None, option: str, question: str) -> str:
    """Return `value`, or ask for it on a terminal; without one, a usage error names the
    option (cron, CI and scripts get no prompt to hang on)."""
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise click.UsageError(f"missing {option} (or run feedkit init in a terminal to be asked)")
    answer: str = click.prompt(question)
    return answer


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--title", help="The blog's title.")
@click.option("--url", "base_url", help="Where the blog's pages are: https://blog.example.org/")
@click.option("--author", help="The author's name (default: asked, or the title).")
@click.option("--email", default="", help="The author's address, also the digest's sender.")
@click.option("--timezone", default="UTC", show_default=True, help="An IANA zone: Europe/Berlin.")
@click.option("--language", default="en", show_default=True, help="The posts' language.")
@click.option("--description", default="", help="What the blog is about, for feed readers.")
@error_boundary
def init(
    folder: Path,
    title: str | None,
    base_url: str | None,
    author: str | None,
    email: str,
    timezone: str,
    language: str,
    description: str,
) -> None:
    """Start a site in FOLDER: a commented feedkit.toml, the content folder, a first post.

    \b
    Example:
      feedkit init myblog --title "Notes" --url https://notes.example.org/ --author "Ada"
    """
    from feedkit.posts.newpost import new_post
    from feedkit.scaffold import SiteAnswers, init_site

    title = _ask(title, "--title", "Blog title")
    base_url = _ask(base_url, "--url", "Blog URL (https://…)")
    if author is None:
        author = click.prompt("Author", default=title) if sys.stdin.isatty() else title
    answers = SiteAnswers(title, base_url, author, email, timezone, language, description)
    try:
        cfg = init_site(folder, answers)
    except ConfigError as exc:
        key, message = exc.problems[0]
        raise click.UsageError(f"{_INIT_OPTIONS.get(key, key)}: {message}") from None
    first = new_post(cfg, FIRST_POST_TITLE, now_from_env(), tags=["meta"], body=FIRST_POST)
    click.echo(f"Started a site in {display_path(folder.resolve(), Path.cwd())}/:")
    for path in (cfg.root / CONFIG_NAME, first):
        click.echo(f"  {display_path(path, Path.cwd())}")
    click.echo('Next: feedkit new "A title", then feedkit build.')


FIRST_POST_TITLE = "Hello, world"
FIRST_POST = """\
This is the first post. Posts are Markdown files with front matter in the content folder;
`feedkit new "A title"` starts the next one, `feedkit build` writes the Atom, RSS and JSON
feeds, and `feedkit preview` shows them and the next email digest as readers will get them."""


@main.command()
@config_option
@click.argument("title")
@click.option("--draft", is_flag=True, help="Mark it a draft: no feed or digest shows it.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for more).")
@error_boundary
def new(config_path: Path, title: str, draft: bool, tags: tuple[str, ...]) -> None:
    """Write a new post titled TITLE, dated now in the site's time zone; print its path.

    \b
    Example:
      feedkit new "Rounding to nearest even" --tag numerics --draft
    """
    from feedkit.posts.newpost import new_post

    if not title.strip():
        raise click.UsageError("TITLE is empty")
    cfg = _load(config_path)
    path = new_post(cfg, title, now_from_env(), draft=draft, tags=list(tags))
    click.echo(f"Wrote {display_path(path, Path.cwd())}" + (" (a draft)" if draft else ""))


@main.command()
@config_option
@error_boundary
def snippet(config_path: Path) -> None:
    """Print the HTML the site's pages need: the feeds' links for <head>, the subscribe
    form (with [serve] url set) and a link to the past digests."""
    from feedkit.web.snippet import snippet as make_snippet

    click.echo(make_snippet(_load(config_path)), nl=False)


@main.group(cls=FeedkitGroup)
@group_verbose
def templates() -> None:
    """The email templates: feedkit's own, or the site's copies of them to edit."""


@templates.command("copy")
@config_option
@click.option("--force", is_flag=True, help="Replace templates the site has changed.")
@error_boundary
def templates_copy(config_path: Path, force: bool) -> None:
    """Copy feedkit's email templates into the site's templates folder, to edit.

    A template the site has changed is kept unless --force is given.
    """
    from feedkit.scaffold import copy_templates

    cfg = _load(config_path)
    done = copy_templates(cfg, replace=force)
    for path, what in done:
        note = " (the site's own differs; --force replaces it)" if what == "kept" else ""
        click.echo(f"{what:>9}  {display_path(path, Path.cwd())}{note}")


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
    from feedkit.mail.roster import listing, read_list

    cfg = _load(config_path)
    with _readonly_state(cfg.path(cfg.digest.state)) as state:
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

    cfg = _load(config_path)
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

    cfg = _load(config_path)
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

    cfg = _load(config_path)
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
    from feedkit.mail.roster import export_csv, read_list, write_export

    cfg = _load(config_path)
    with _readonly_state(cfg.path(cfg.digest.state)) as state:
        data = export_csv(read_list(state, None)[0])
    if file == "-":
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_export(Path(file), data)


if __name__ == "__main__":
    main()


def _add_help(group: click.Group, prefix: str = "") -> None:
    """End each command's --help with its examples and environment (feedkit.clihelp)."""
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        command.epilog = clihelp.epilog(path)
        if isinstance(command, click.Group):
            _add_help(command, f"{path} ")


main.epilog = clihelp.MAIN
_add_help(main)
