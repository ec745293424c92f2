"""Ingest benchmark: caredesk end to end through its SMTP server, against django-helpdesk.

    .venv/bin/python bench/ingest.py [--messages 2000] [--only sqlite|postgresql] ...

Prints one JSON document on stdout, progress on stderr. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_mod
import phases
from caredesk_side import Config, Deployment, postgres_reachable, redis_reachable
from helpdesk_side import run_helpdesk
from relay import RelaySink

TARGET_MSGS_PER_S = 300
TARGET_RATIO = 10
# The issue's figure for django-helpdesk on this machine; the target is ten times it. This
# bench's own run of django-helpdesk is reported beside it (`ratio`), and is faster.
ISSUE_HELPDESK_MSGS_PER_S = 31
TARGET_P99_MS = 1000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--messages", type=int, default=2000, help="corpus size (default 2000)")
    p.add_argument("--seed", type=int, default=42, help="corpus seed (default 42)")
    p.add_argument(
        "--only",
        choices=["sqlite", "postgresql", "helpdesk"],
        help="one database only, or django-helpdesk only",
    )
    p.add_argument("--skip-helpdesk", action="store_true", help="do not run django-helpdesk")
    p.add_argument("--skip-latency", action="store_true", help="throughput only")
    p.add_argument("--skip-throughput", action="store_true", help="latency only")
    p.add_argument("--rate", type=float, default=20.0, help="latency run: emails/s offered")
    p.add_argument("--duration", type=float, default=30.0, help="latency run: seconds")
    p.add_argument("--clients", type=int, default=8, help="concurrent SMTP connections")
    p.add_argument(
        "--sqlite-workers", type=int, default=2, help="worker threads on SQLite (default 2)"
    )
    p.add_argument(
        "--sqlite-worker-processes", type=int, default=1, help="worker processes on SQLite"
    )
    p.add_argument(
        "--pg-workers", type=int, default=2, help="worker threads per process on PostgreSQL"
    )
    p.add_argument(
        "--pg-worker-processes", type=int, default=2, help="worker processes on PostgreSQL"
    )
    p.add_argument(
        "--pg-queue",
        choices=["redis", "sqlite"],
        default="redis",
        help="Huey queue for the PostgreSQL run (falls back to sqlite if Redis is down)",
    )
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("CAREDESK_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (no database name); a database is created and dropped",
    )
    p.add_argument(
        "--redis-url",
        default=os.environ.get("CAREDESK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="Redis for Huey; only this run's keys are deleted afterwards",
    )
    p.add_argument(
        "--helpdesk-venv",
        type=Path,
        help="an existing venv with django-helpdesk 2.6.1 (default: make one in a temp dir)",
    )
    p.add_argument("--profile", type=Path, help="py-spy record the caredesk processes into DIR")
    p.add_argument(
        "--keep", action="store_true", help="keep caredesk's home folders and databases (debugging)"
    )
    args = p.parse_args(argv)
    if args.messages < 1 or args.rate <= 0 or args.duration <= 0 or args.clients < 1:
        p.error("--messages, --rate, --duration and --clients must be positive")
    return args


class Profiler:
    """py-spy record on every caredesk process of a deployment, for the throughput run."""

    def __init__(self, folder: Path, label: str) -> None:
        self.folder = folder
        self.label = label
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, deployment: Deployment) -> None:
        py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        if not Path(py_spy).exists():
            log("--profile: py-spy not found; pip install py-spy")
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, proc, _ in deployment.processes:
            out = self.folder / f"{self.label}-{name}.txt"
            self.procs.append(
                subprocess.Popen(
                    [
                        py_spy,
                        "record",
                        "--pid",
                        str(proc.pid),
                        "--format",
                        "raw",
                        "-o",
                        str(out),
                        "--rate",
                        "200",
                        "--nonblocking",
                        "--gil",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        self.procs = []


def run_database(
    database: str,
    args: argparse.Namespace,
    corpus: list[corpus_mod.CorpusMessage],
    relay: RelaySink,
) -> dict[str, Any]:
    if database == "postgresql":
        why = postgres_reachable(args.postgres_url)
        if why:
            log(f"postgresql: skipped, server unreachable ({why})")
            return {"skipped": f"PostgreSQL unreachable at {args.postgres_url}: {why}"}
        queue = args.pg_queue
        if queue == "redis":
            why = redis_reachable(args.redis_url)
            if why:
                log(f"postgresql: Redis unreachable ({why}); Huey on SQLite instead")
                queue = "sqlite"
        config = Config(
            database="postgresql",
            queue=queue,
            worker_processes=args.pg_worker_processes,
            worker_threads=args.pg_workers,
            postgres_url=args.postgres_url.rstrip("/"),
            redis_url=args.redis_url,
        )
    else:
        config = Config(
            database="sqlite",
            queue="sqlite",
            worker_processes=args.sqlite_worker_processes,
            worker_threads=args.sqlite_workers,
            postgres_url=args.postgres_url.rstrip("/"),
            redis_url=args.redis_url,
        )
    figures: dict[str, Any] = {"setup": config.describe()}
    warm = corpus_mod.CorpusBuilder(args.seed + 7, tag="warm")

    def start_deployment(stack: ExitStack, run_name: str) -> Deployment:
        """A fresh deployment, running and warmed up, stopped when `stack` closes."""
        deployment = Deployment(config, relay_url=relay.url, log=log)
        stack.callback(deployment.close, keep_home=args.keep)
        log(f"{database}: {run_name} run, home {deployment.home}")
        deployment.prepare()
        deployment.start()
        # The relay outlives deployments: forget what earlier runs sent to it.
        relay.reset()
        phases.warm_up(deployment, relay, warm.new_conversation(), log)
        return deployment

    if not args.skip_throughput:
        with ExitStack() as stack:
            deployment = start_deployment(stack, "throughput")
            profiler = Profiler(args.profile, database) if args.profile else None
            if profiler is not None:
                stack.callback(profiler.stop)
            run = phases.throughput(
                deployment,
                relay,
                corpus,
                clients=args.clients,
                log=log,
                on_running=(lambda: profiler.start(deployment)) if profiler else None,
            )
            if profiler is not None:
                profiler.stop()
            run.update(deployment.table_counts())
            quarantined = run["intake_status"].get("quarantined", 0)
            if quarantined:
                run["quarantine_examples"] = deployment.quarantine_reasons()
            figures.update(run)
            log(
                f"{database}: {run['processed']} processed in {run['seconds_to_all_processed']} s"
                f" = {run['throughput_msgs_per_s']} msgs/s"
            )

    if not args.skip_latency:
        with ExitStack() as stack:
            deployment = start_deployment(stack, "latency")
            stream = corpus_mod.build_new_conversations(
                max(1, round(args.rate * args.duration)), args.seed
            )
            lat = phases.latency(
                deployment, relay, stream, rate=args.rate, clients=min(4, args.clients), log=log
            )
            figures["latency"] = lat
            figures["latency_ms"] = lat["latency_ms"]
            figures["offered_rate"] = args.rate
            log(f"{database}: acknowledgement latency {lat['latency_ms']}")
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    # A shell starting us in the background ignores SIGINT, and the caredesk processes would
    # inherit that and ignore the SIGINT that asks them to stop; a handler is not inherited.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    started = time.monotonic()
    log(f"building a corpus of {args.messages} emails (seed {args.seed})")
    corpus = corpus_mod.build_corpus(args.messages, args.seed)
    report: dict[str, Any] = {
        "machine": machine(),
        "corpus": corpus_mod.describe(corpus, args.seed),
        "caredesk": {},
    }
    load = report["machine"].get("loadavg_1m_at_start")
    if load is not None and load > 0.5 * (os.cpu_count() or 1):
        log(f"note: load average {load} at start: other programs compete for the CPU")
    databases = {None: ["sqlite", "postgresql"], "helpdesk": []}.get(args.only, [args.only])
    if args.only == "helpdesk" and args.skip_helpdesk:
        log("--only helpdesk with --skip-helpdesk leaves nothing to do")
        return 64

    with ExitStack() as stack:
        relay = RelaySink()
        relay.start()
        stack.callback(relay.stop)
        for database in databases:
            try:
                report["caredesk"][database] = run_database(database, args, corpus, relay)
            except KeyboardInterrupt:
                raise
            except Exception as exc:
                log(f"{database}: failed: {exc}")
                report["caredesk"][database] = {"error": str(exc)[-4000:]}

        if not args.skip_helpdesk:
            eml_dir = Path(tempfile.mkdtemp(prefix="caredesk-bench-eml-"))
            stack.callback(shutil.rmtree, eml_dir, ignore_errors=True)
            corpus_mod.write_eml(corpus, eml_dir)
            try:
                report["django_helpdesk"] = run_helpdesk(eml_dir, venv=args.helpdesk_venv, log=log)
                log(f"django-helpdesk: {report['django_helpdesk']['msgs_per_s']} msgs/s")
            except Exception as exc:
                log(f"django-helpdesk: failed: {exc}")
                report["django_helpdesk"] = {"error": str(exc)[-4000:]}

    if hasattr(os, "getloadavg"):
        report["machine"]["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    report["ratio"] = ratios(report)
    report["targets"] = targets(report)
    report["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


def machine() -> dict[str, Any]:
    import platform

    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }
    try:
        import django

        info["django"] = django.get_version()
        here = Path(__file__).resolve().parent

        def git(*args: str) -> str:
            return subprocess.run(
                ["git", *args], cwd=here, capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()

        info["caredesk_commit"] = git("rev-parse", "--short", "HEAD")
        # Figures from uncommitted caredesk code say so.
        info["caredesk_uncommitted_changes"] = bool(
            git("status", "--porcelain", "--", "../caredesk")
        )
    except Exception:
        pass
    if hasattr(os, "getloadavg"):
        info["loadavg_1m_at_start"] = round(os.getloadavg()[0], 2)
    return info


def ratios(report: dict[str, Any]) -> dict[str, Any]:
    """caredesk's throughput over django-helpdesk's, per database; and the same from CPU cost
    per email, which other programs competing for the machine disturb less."""
    helpdesk = report.get("django_helpdesk", {})
    theirs = helpdesk.get("msgs_per_s")
    theirs_cpu = helpdesk.get("cpu_ms_per_message")
    out: dict[str, Any] = {}
    by_cpu: dict[str, float | None] = {}
    for database, figures in report["caredesk"].items():
        ours = figures.get("throughput_msgs_per_s")
        out[database] = round(ours / theirs, 1) if ours and theirs else None
        ours_cpu = figures.get("caredesk_cpu_ms_per_message")
        by_cpu[database] = round(theirs_cpu / ours_cpu, 2) if ours_cpu and theirs_cpu else None
    out["by_cpu_per_message"] = by_cpu
    return out


def targets(report: dict[str, Any]) -> dict[str, bool | None]:
    """Each target over every database that ran: a skipped database does not count, a failed
    one fails the target; None when nothing measured it."""
    rates: list[Any] = []
    p99s: list[Any] = []
    ratio_values: list[Any] = []
    for database, figures in report["caredesk"].items():
        if "skipped" in figures:
            continue
        failed = "error" in figures
        if failed or "throughput_msgs_per_s" in figures:
            rates.append(figures.get("throughput_msgs_per_s"))
            ratio_values.append(report["ratio"].get(database))
        if failed:
            p99s.append(None)
        elif "latency" in figures:
            # A missing acknowledgement fails the latency target whatever the percentiles say.
            missing = figures["latency"]["acks_missing"]
            p99s.append(None if missing else figures["latency_ms"].get("p99"))

    def every(values: list[Any], ok: Any) -> bool | None:
        if not values:
            return None
        return all(v is not None and ok(v) for v in values)

    helpdesk_ran = bool(report.get("django_helpdesk", {}).get("msgs_per_s"))
    return {
        "throughput_300": every(rates, lambda v: v >= TARGET_MSGS_PER_S),
        "ten_times_31_msgs_per_s": every(
            rates, lambda v: v >= TARGET_RATIO * ISSUE_HELPDESK_MSGS_PER_S
        ),
        "ratio_10x_same_run": (
            every(ratio_values, lambda v: v >= TARGET_RATIO) if helpdesk_ran else None
        ),
        "p99_under_1s": every(p99s, lambda v: v < TARGET_P99_MS),
    }


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; cleaned up")
        sys.exit(130)
