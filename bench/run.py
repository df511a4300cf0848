"""Time feedkit's feed build against Hugo's on the same generated corpus; print a table.

    .venv/bin/python bench/run.py [--sizes 1000,5000,20000] [--runs 5] [--smoke] [--pelican]
                                  [--evict] [--many-tags N] [--send] [--workdir bench/out]

Each corpus is generated once per size and seed (bench/corpus.py) and kept in the workdir.
feedkit is installed from this checkout into workdir/feedkit-venv, as a wheel, as users
install it (--smoke uses the feedkit next to this Python instead).
Before timing, feedkit's output is checked: a cached build must equal a cold one and a
`--no-cache` one byte for byte, atom.xml must hold 20 entries, and Hugo (and Pelican, with
--pelican) must pick the same 20 posts. Hugo runs twice: its home feed only, and with its
term (tag) feeds too, which the tag-feed cases are measured against (a cold build, and one
post edited: the first build after that cold build, and the third); `feedkit check` is timed
too, from cold and again with what it kept, and the floor under a fresh process: Python's
start, and Python importing what a cold build imports (bench/floor.py). Then every case runs
`--runs` times,
round-robin, timed to the millisecond by this process's clock, with the peak memory from GNU
time's `%M` (its `%e` counts in hundredths, too coarse for a run of 25 ms; see `measure`);
the table shows medians, and workdir/results.json every sample (results-evict.json with
--evict: the posts dropped from the system's memory before every run of every case,
feedkit's and Hugo's alike, so that each reads them from the disk, as after a reboot).
A second table times feedkit's YAML loader against PyYAML's on the corpus's front matter and
on hostile documents (bench/yaml_speed.py). With `--many-tags N`, a last one times tag feeds
with each post's tags drawn from N names, a team blog's few hundred, against Hugo's term
feeds (bench/many_tags.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import corpus
import digest_speed
import floor
import many_tags
import preview_speed
import rivals
import send
import yaml_speed

BENCH = Path(__file__).resolve().parent
GNU_TIME = "/usr/bin/time"  # for the peak memory (see `measure`)
HAS_TIME = Path(GNU_TIME).exists()
FEEDKIT_NOW = "2030-01-01T00:00:00+00:00"  # pinned: builds are reproducible, 2099 stays future
EDIT = "Edit {n}: the benchmark changed this post."
HEADER = (
    "| size | tool/case | wall s (median) | peak MiB | ratio to Hugo "
    "| ratio to Hugo with term feeds |"
)
HUGO_TERMS = "hugo cold, term feeds too"
TAGS_ON = "feedkit cold, tag feeds on"
# One post edited on the tag-feed site: the first build after its cold build (which keeps each
# feed's key but no entry: the post's feeds are made, every entry of theirs too), and a later
# one (the third edit since the cold build: its feeds' other entries kept by the edit before).
TAGS_EDIT_FIRST = "feedkit tag feeds on, one post changed, first since cold"
TAGS_EDIT = "feedkit tag feeds on, one post changed, third since cold"
CHECK = "feedkit check"
CHECK_AGAIN = "feedkit check again, nothing changed"
# Issue 13: with a cache there, --no-cache should take no longer than a cold build.
NO_CACHE = "feedkit --no-cache, a cache there"


class BenchError(Exception):
    """A build failed or produced wrong output; the run exits 1."""


@dataclass
class Sample:
    wall: float  # seconds
    rss_kib: int  # peak resident set size


@dataclass
class Case:
    name: str
    command: list[str]
    prepare: Callable[[int], None] = lambda run: None
    verify: Callable[[int], None] = lambda run: None
    samples: list[Sample] = field(default_factory=list)


@dataclass
class Site:
    root: Path  # feedkit.toml, content/, hugo/
    tags_root: Path  # feedkit.toml with tag_feeds = true; content -> root/content
    newest: Path  # the newest published post, edited by the "one post changed" case


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[Sample, str]:
    """Return the wall time and peak RSS of `command`, and its stdout+stderr; raise if it fails.

    The wall time is this process's clock around the run, to the millisecond (GNU time's `%e`
    counts in hundredths and truncates them: a 25 ms build read as 0.02 or 0.03 s). The peak
    is GNU time's `%M`: a process started straight from this one would count this one's
    memory too (the kernel keeps the largest resident size across exec, and Python's
    subprocess starts a child in this process's memory), so a 14 MiB build would show 29.
    Without GNU time, wait4() gives that higher floor."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        timed = [GNU_TIME, "-f", "%M", "-o", report.name, *command] if HAS_TIME else command
        start = time.perf_counter()
        child = subprocess.Popen(
            timed, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        assert child.stdout is not None
        out = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        wall = round(time.perf_counter() - start, 3)
        child.returncode = code = os.waitstatus_to_exitcode(status)
        if HAS_TIME and code == 0:
            peak = int(report.read().split()[-1])
        else:  # ru_maxrss is in KiB on Linux, in bytes on macOS
            peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    sample = Sample(wall, peak)
    if code != 0:
        raise BenchError(f"{' '.join(command)} exited {code}:\n{out.strip()[-2000:]}")
    return sample, out


def find_tools(install: bool) -> str | None:
    """Return the path of hugo, installing it and GNU time with apt-get if allowed."""
    global HAS_TIME
    hugo = "/usr/bin/hugo" if Path("/usr/bin/hugo").exists() else shutil.which("hugo")
    missing = [pkg for pkg, ok in (("time", Path(GNU_TIME).exists()), ("hugo", hugo)) if not ok]
    if missing and install and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {' '.join(missing)} with apt-get", file=sys.stderr)
        apt = ["apt-get", "install", "-y", "-q", *missing]
        if subprocess.run(apt, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True)
            subprocess.run(apt, capture_output=True)
        return find_tools(install=False)
    if missing:
        names = " ".join(missing)
        print(f"note: missing {names}; install: sudo apt-get install -y {names}", file=sys.stderr)
    HAS_TIME = Path(GNU_TIME).exists()
    return hugo


def feedkit_command(workdir: Path, install: bool) -> list[str]:
    """Return the `feedkit build` command to time.

    With `install`, feedkit is installed from this checkout into workdir/feedkit-venv as users
    install it: a wheel, not editable (an editable install's import hook costs every command
    about 8 ms at start), by a current pip (pip 25 and later write console scripts that no
    longer import re, about 7 ms of every command; Python 3.11's venv brings pip 23).
    Otherwise (--smoke) it is the feedkit next to this Python.
    """
    if install:
        venv = workdir / "feedkit-venv"
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        steps = [] if venv.exists() else [[sys.executable, "-m", "venv", str(venv)]]
        if not steps and pip_version(venv) >= (25,):
            # feedkit afresh, then whatever dependency this checkout added (pip keeps the rest)
            steps.append(pip + ["--no-deps", "--force-reinstall", str(BENCH.parent)])
        else:  # a current pip first: it writes the console script
            steps.append(pip + ["--upgrade", "pip>=25"])
        steps.append(pip + [str(BENCH.parent)])
        print(f"installing feedkit from {BENCH.parent} into {venv}", file=sys.stderr)
        for step in steps:
            proc = subprocess.run(step, capture_output=True, text=True)
            if proc.returncode != 0:
                raise BenchError(f"{' '.join(step[:5])} failed:\n{proc.stderr[-2000:]}")
        installed = next(venv.glob("lib/python*/site-packages/feedkit"))
        package = BENCH.parent / "feedkit"
        for source in package.rglob("*.py"):
            name = source.relative_to(package)
            if (installed / name).read_bytes() != source.read_bytes():
                raise BenchError(f"the installed {name} is not this checkout's")
        return [str(venv / "bin" / "feedkit"), "build"]
    script = Path(sys.executable).parent / "feedkit"
    if not script.exists():
        raise BenchError(f"no feedkit next to {sys.executable}; run with .venv/bin/python")
    compile_feedkit()
    return [str(script), "build"]


def pip_version(venv: Path) -> tuple[int, ...]:
    """Return the version of the pip installed in `venv`, () when there is none."""
    for info in venv.glob("lib/python*/site-packages/pip-*.dist-info"):
        version = info.name[len("pip-") : -len(".dist-info")]
        return tuple(int(part) for part in version.split(".") if part.isdigit())
    return ()


def compile_feedkit() -> None:
    """Write feedkit's bytecode, as installing a package from a wheel does.

    An editable install compiles its modules on first import, unless PYTHONDONTWRITEBYTECODE
    is set (as on some CI machines): then every run would compile them again, and the
    benchmark would time that instead of the build.
    """
    import compileall

    import feedkit

    compileall.compile_dir(Path(feedkit.__file__).parent, quiet=1)


def prepare_site(workdir: Path, size: int, seed: int) -> Site:
    """Return the site for `size` posts, generating it unless a complete one is cached."""
    version = hashlib.sha256((BENCH / "corpus.py").read_bytes()).hexdigest()[:8]
    sites = workdir / "sites"
    name = f"{size}-seed{seed}-{version}"
    root, tags_root = sites / name, sites / f"{name}-tags"
    if sites.is_dir():  # corpora from an older corpus.py are 250 MB each at 20,000 posts
        for old in sites.glob(f"{size}-seed{seed}-*"):
            if not old.name.startswith(name):
                shutil.rmtree(old)
    if not (root / "bench.json").exists():
        shutil.rmtree(root, ignore_errors=True)
        print(f"generating {size} posts in {root}", file=sys.stderr)
        start = time.perf_counter()
        corpus.generate(root, size, seed)
        print(f"  took {time.perf_counter() - start:.1f} s", file=sys.stderr)
    tags_root.mkdir(parents=True, exist_ok=True)
    (tags_root / "feedkit.toml").write_text(corpus.feedkit_config(True), encoding="utf-8")
    if not (tags_root / "content").is_symlink():
        (tags_root / "content").symlink_to(Path("..") / name / "content")
    newest = json.loads((root / "bench.json").read_text(encoding="utf-8"))["newest"]
    return Site(root, tags_root, root / newest)


def clean(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def snapshot(folder: Path) -> dict[str, bytes]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def check_feedkit(site: Site, build: list[str], env: dict[str, str]) -> list[str]:
    """Check feedkit's output before timing it; return notes, raise BenchError on a fault."""
    notes = []
    config = ["--config", str(site.root / "feedkit.toml")]
    clean(site.root / ".feedkit", site.root / "public")
    _, out = measure(build + config, env)
    warnings = [line for line in out.splitlines() if not line.startswith("Built ")]
    if warnings:
        notes.append(f"{len(warnings)} line(s) of warnings, first: {warnings[0]}")
    cold = snapshot(site.root / "public")
    measure(build + config, env)
    if diff := differences(cold, snapshot(site.root / "public")):
        raise BenchError(f"a cached build differs from a cold build in {', '.join(diff)}")
    help_text = subprocess.run(build + ["--help"], capture_output=True, text=True).stdout
    if "--no-cache" in help_text:
        measure(build + config + ["--no-cache"], env)
        if diff := differences(cold, snapshot(site.root / "public")):
            raise BenchError(f"cached and --no-cache builds differ in {', '.join(diff)}")
        notes.append("cached, warm and --no-cache outputs are byte-identical")
    else:
        notes.append("feedkit build has no --no-cache yet; skipped that comparison")
    entries = cold["atom.xml"].count(b"<entry>")
    if entries != 20:
        raise BenchError(f"atom.xml has {entries} entries, not 20")
    tags_config = ["--config", str(site.tags_root / "feedkit.toml")]
    clean(site.tags_root / ".feedkit", site.tags_root / "public")
    measure(build + tags_config, env)
    tag_feeds = len(list((site.tags_root / "public").glob("tags/*/atom.xml")))
    notes.append(f"atom.xml has 20 entries; the tag_feeds site wrote {tag_feeds} tag feeds")
    return notes


def edit_cases(site: Site) -> tuple[Callable[..., None], ...]:
    """Return (edit, verify_in, restore) for the "one post changed" cases; `verify_in(root)`
    is the verify of the site at `root` (the plain site's or the tag-feed site's, which share
    the posts).

    The edit appends a sentence that names the run (and `mark`, for a second edit in the
    same run), so its text is deterministic; the file gets the current time as its mtime, as
    when an author saves it just before a build. The restore puts back its bytes and its
    modification time: with the current time, the next round's "nothing changed" build, two
    seconds later at 1,000 posts, met a file changed within two seconds of the build before
    it, which a build never trusts by its status ("racily clean"), and timed reading it again.
    """
    original = site.newest.read_bytes()
    status = site.newest.stat()

    def edit(run: int, mark: str = "") -> None:
        text = EDIT.format(n=f"{run + 1}{mark}")
        site.newest.write_bytes(original + f"\n{text}\n".encode())
        os.utime(site.newest)

    def verify_in(root: Path) -> Callable[[int], None]:
        def verify(run: int) -> None:
            restore(run)
            atom = (root / "public" / "atom.xml").read_text(encoding="utf-8")
            if EDIT.format(n=run + 1) not in atom:
                raise BenchError(
                    f"stale output: the edit to {site.newest.name} is not in {root.name}'s atom.xml"
                )

        return verify

    def restore(run: int) -> None:
        site.newest.write_bytes(original)
        os.utime(site.newest, ns=(status.st_atime_ns, status.st_mtime_ns))

    return edit, verify_in, restore


def rival_cases(site: Site, hugo: str | None, pelican: Path | None) -> list[Case]:
    """Return the cases for the other tools, each starting without output or cache."""
    cases = []
    if hugo:
        out = site.root / "hugo"
        cases.append(
            Case(
                "hugo cold",
                rivals.hugo_command(hugo, site.root),
                lambda run: clean(out / "public", out / "resources"),
            )
        )
        terms = site.root / "hugo-tags"
        cases.append(
            Case(
                HUGO_TERMS,
                rivals.hugo_terms_command(hugo, site.root),
                lambda run: clean(terms / "public", terms / "resources"),
            )
        )
    if pelican:
        cases.append(
            Case(
                "pelican cold (renders every post)",
                rivals.pelican_command(pelican, site.root),
                lambda run: clean(site.root / "pelican" / "public"),
            )
        )
    return cases


def check_rivals(site: Site, cases: list[Case]) -> list[str]:
    notes = []
    for case in cases:
        case.prepare(0)
        measure(case.command)
        if case.name == HUGO_TERMS:
            # Hugo takes a string of tags as one tag: more feeds than feedkit's, most of one post
            notes.append(f"Hugo with term feeds wrote {rivals.term_feeds(site.root)} tag feeds")
        else:
            notes += rivals.feed_notes(case.name.split()[0], site.root)
    return notes


def drop_from_memory(folder: Path) -> int:
    """Drop the files under `folder` from the system's page cache (posix_fadvise's DONTNEED,
    which needs no privilege); return how many were dropped. The next read of each comes from
    the disk, as after a reboot or on a machine whose memory other work took."""
    dropped = 0
    for path in folder.rglob("*"):  # content/ itself may be a link (the tag-feeds site's)
        if not path.is_file():  # a folder, or a named pipe (opened, it would wait)
            continue
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            dropped += 1
        except OSError:
            pass
        finally:
            os.close(fd)
    return dropped


def bench_size(
    size: int,
    site: Site,
    runs: int,
    rival: list[Case],
    env: dict[str, str],
    build: list[str],
    evict: bool = False,
) -> list[Case]:
    """Return the timed cases for one size, each with `runs` samples, run round-robin; with
    `evict`, the posts are dropped from memory before every run of every case."""
    config = ["--config", str(site.root / "feedkit.toml")]
    tags_config = ["--config", str(site.tags_root / "feedkit.toml")]
    edit, verify_in, restore = edit_cases(site)

    def edit_twice(run: int) -> None:
        """The second edit since the cold build, built untimed, then the third."""
        edit(run, "b")
        measure(build + tags_config, env)
        edit(run)

    clean(site.root / ".feedkit", site.root / "public")
    try:
        modules = floor.imported_by(build + config, env)
    except RuntimeError as exc:
        raise BenchError(str(exc)) from exc
    python = Path(build[0]).parent / "python"
    lowest = [Case(name, command) for name, command in floor.commands(python, modules)]
    cases = [
        Case(
            "feedkit cold",
            build + config,
            lambda run: clean(site.root / ".feedkit", site.root / "public"),
        ),
        Case(
            TAGS_ON,
            build + tags_config,
            lambda run: clean(site.tags_root / ".feedkit", site.tags_root / "public"),
        ),
        Case(TAGS_EDIT_FIRST, build + tags_config, edit, verify_in(site.tags_root)),
        Case(TAGS_EDIT, build + tags_config, edit_twice, verify_in(site.tags_root)),
        Case("feedkit again, nothing changed", build + config),
        Case("feedkit after one post changed", build + config, edit, verify_in(site.root)),
        Case(NO_CACHE, build + config + ["--no-cache"]),
        # From cold (no .feedkit/), then again with what that check kept.
        Case(CHECK, [build[0], "check", *config], lambda run: clean(site.root / ".feedkit")),
        Case(CHECK_AGAIN, [build[0], "check", *config]),
        *rival,
        *lowest,  # the floor under a fresh process (bench/floor.py)
    ]
    # The cases share one cache and one content folder: keep this order within a round.
    order = [cases[0], *cases[4:7], *cases[1:4], *cases[7:]]
    try:
        for run in range(runs):
            for case in order:
                case.prepare(run)
                if evict:  # the posts, and the copy Hugo's term feeds are built from
                    for posts in (site.root / "content", site.root / "hugo-tags" / "content"):
                        drop_from_memory(posts)
                sample, _ = measure(case.command, env)
                case.verify(run)
                case.samples.append(sample)
            print(f"  {size} posts: round {run + 1}/{runs} done", file=sys.stderr)
    finally:
        restore(runs)
    return cases


def table(rows: list[dict[str, object]]) -> str:
    lines = [HEADER, "|---:|---|---:|---:|---:|---:|"]
    for row in rows:
        shown = [
            f"{ratio:.2f}×" if isinstance(ratio, float) else "–"
            for ratio in (row["ratio_to_hugo"], row.get("ratio_to_hugo_terms"))
        ]
        lines.append(
            f"| {row['size']:,} | {row['case']} | {row['wall_s_median']:.3f} "
            f"| {row['peak_mib_median']:.0f} | {shown[0]} | {shown[1]} |"
        )
    return "\n".join(lines)


def summarize(size: int, cases: list[Case]) -> list[dict[str, object]]:
    hugo = next((c for c in cases if c.name.startswith("hugo")), None)
    hugo_wall = statistics.median(s.wall for s in hugo.samples) if hugo else None
    terms = next((c for c in cases if c.name == HUGO_TERMS), None)
    terms_wall = statistics.median(s.wall for s in terms.samples) if terms else None
    rows: list[dict[str, object]] = []
    for case in cases:
        wall = statistics.median(s.wall for s in case.samples)
        # Like with like: feedkit's tag feeds against Hugo's term feeds.
        with_terms = terms_wall and case.name in (TAGS_ON, TAGS_EDIT_FIRST, TAGS_EDIT, HUGO_TERMS)
        rows.append(
            {
                "size": size,
                "case": case.name,
                "wall_s_median": wall,
                "peak_mib_median": statistics.median(s.rss_kib for s in case.samples) / 1024,
                "ratio_to_hugo": round(wall / hugo_wall, 3) if hugo_wall else None,
                "ratio_to_hugo_terms": round(wall / terms_wall, 3) if with_terms else None,
                "wall_s": [s.wall for s in case.samples],
                "peak_kib": [s.rss_kib for s in case.samples],
            }
        )
    return rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="post counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (median shown)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="200 posts, 1 run, no installs")
    parser.add_argument(
        "--pelican", action="store_true", help="also time Pelican (installed into the workdir)"
    )
    parser.add_argument("--workdir", type=Path, default=BENCH / "out")
    parser.add_argument(  # bench/send.py: a digest to 10,000 readers against smtplib
        "--send", action="store_true", help="also time sending a digest (bench/send.py)"
    )
    parser.add_argument(
        "--evict",
        action="store_true",
        help="drop the posts from memory before every run of every case (Linux)",
    )
    parser.add_argument(  # bench/many_tags.py: a team blog's few hundred tags
        "--many-tags",
        type=int,
        default=0,
        metavar="N",
        help="also time tag feeds with each post's tags drawn from N names (bench/many_tags.py)",
    )
    args = parser.parse_args(argv)
    if args.evict and not hasattr(os, "posix_fadvise"):
        parser.error("--evict needs posix_fadvise (Linux)")
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be whole numbers separated by commas, not {args.sizes!r}")
    if args.smoke:
        args.sizes, args.runs = [200], 1
    if args.runs < 1 or not args.sizes or min(args.sizes) < 30:
        parser.error("--runs must be at least 1 and every size at least 30 posts")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Line by line, so the progress on stderr and the results on stdout stay in order.
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    hugo = find_tools(install=not args.smoke)
    env = {**os.environ, "FEEDKIT_NOW": FEEDKIT_NOW}
    hugo_version = ""
    if hugo:
        hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout
        print(f"hugo: {hugo_version.strip()}")
    else:
        print("hugo: not installed, skipped")
    pelican = None
    if args.pelican:
        venv = workdir / "pelican-venv"
        print(f"pelican: in {venv}", file=sys.stderr)
        try:
            pelican = rivals.install_pelican(venv)
        except RuntimeError as exc:
            print(f"pelican: could not be installed, skipped ({exc})")
    print(
        f"timer: this process's clock, to the millisecond; peak: "
        f"{'GNU time' if HAS_TIME else 'wait4() (GNU time not installed)'}; "
        f"{args.runs} run(s) per case; python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs; FEEDKIT_NOW={FEEDKIT_NOW}"
        + ("; the posts dropped from memory before every run (--evict)" if args.evict else "")
    )
    rows: list[dict[str, object]] = []
    yaml_rows: list[dict[str, object]] = []
    checks: dict[str, list[str]] = {}
    preview_rows: list[dict[str, object]] = []  # `feedkit preview`, see preview_speed.py
    digest_rows: list[dict[str, object]] = []  # `feedkit digest --dry-run`, see digest_speed.py
    many_rows: list[dict[str, object]] = []  # `--many-tags N`, see many_tags.py
    try:
        build = feedkit_command(workdir, install=not args.smoke)
        for size in args.sizes:
            site = prepare_site(workdir, size, args.seed)
            notes = check_feedkit(site, build, env)
            rival = rival_cases(site, hugo, pelican)
            notes += check_rivals(site, rival)
            checks[str(size)] = notes
            for note in notes:
                print(f"check {size}: {note}")
            cases = bench_size(size, site, args.runs, rival, env, build, args.evict)
            rows += summarize(size, cases)
            preview_rows.append(
                preview_speed.row(site.root, size, site.newest, args.runs, env, build[0])
            )
            drop = drop_from_memory if args.evict else None
            digest_rows.append(
                digest_speed.row(site.root, size, args.runs, env, build[0], measure, drop)
            )
            if args.many_tags:
                many_rows.append(
                    many_tags.row(
                        site.root, size, args.many_tags, args.runs, env, build[0], hugo, measure
                    )
                )
        yaml_rows = yaml_speed.rows(site.root / "content", args.runs)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print()
    print(table(rows))
    print(
        "\npeak MiB: the largest single process (GNU time's %M); a forked helper's memory"
        " is not added.\n"
        f'"hugo cold" builds the home feed only; "{HUGO_TERMS}" builds a feed per tag as'
        " well, and is what the rows with tag feeds on are measured against (after a cold"
        " build, the first build with one post edited makes the post's feeds and all their"
        " entries, and keeps the entries for the next ones, which make the post's alone)."
        f' "{CHECK}" checks every post and renders the feeds in memory, from cold;'
        f' "{CHECK_AGAIN}" right after it, with what it kept.'
        f' "{floor.STARTED}" and the row after it are the floor under a fresh process: Python'
        " importing what a cold build imports besides feedkit's own modules (bench/floor.py)."
    )
    print()
    print(yaml_speed.table(yaml_rows))
    print()
    print(preview_speed.table(preview_rows))
    print()
    print(digest_speed.table(digest_rows))
    if many_rows:
        print()
        print(many_tags.table(many_rows))
    results = {
        "seed": args.seed,
        "runs": args.runs,
        "timer": "perf_counter",
        "peak": "GNU time" if HAS_TIME else "wait4",
        "hugo": hugo_version.strip() or None,
        "python": platform.python_version(),
        "pip": ".".join(map(str, pip_version(workdir / "feedkit-venv"))) or None,
        "cpus": os.cpu_count(),
        "feedkit_now": FEEDKIT_NOW,
        "evict": args.evict,
        "checks": checks,
        "results": rows,
        "yaml": yaml_rows,
        "preview": preview_rows,
        "digest_dry_run": digest_rows,
        "many_tags": many_rows,
    }
    out = workdir / ("results-evict.json" if args.evict else "results.json")
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults: {out}")
    if args.send:  # its own table; see bench/send.py
        print()
        return send.main(["--workdir", str(workdir), *(["--smoke"] if args.smoke else [])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
