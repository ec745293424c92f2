"""SLA sweep benchmark: how many SLA timers a sweep processes per second at 100,000 open tickets
on PostgreSQL.

    .venv/bin/python bench/sla_sweep.py [--tickets 100000] [--due 10000] [--workers 2] ...

Creates a scratch PostgreSQL database (dropped and recreated on every run, dropped again at the
end unless --keep), migrates it and loads open tickets with their first-reply and resolution
timers by COPY. Due timers are laid out in three windows of 10 minutes just after the load time
T, each swept with its own `now`, so one load serves every phase:

  idle        `sla_sweep(now=T)` repeated with nothing due: the every-minute cost at rest
  warnings    `sla_sweep_all(now=T+10m)`: --due/2 timers past their warning time only
  breaches    `sla_sweep_all(now=T+20m)`: --due/2 timers past their target (already warned), on
              the "Standard" policy set to raise priority, tag and notify supervisors
  concurrent  --workers processes each running `sla_sweep_all(now=T+30m)` at the same moment
              on another --due timers (half warnings, half breaches); every timer must get
              exactly one sla_timer_warned / sla_timer_breached event

Each due timer is on its own ticket. EXPLAIN ANALYZE of the two queries `_due_ticket_ids` issues
is taken at rest and with timers due, to show which index each uses.

Prints one JSON document on stdout, progress on stderr. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WINDOW = 10 * MINUTE  # each phase's due timers fall in a window this long, ending at its `now`
BULK_FROM = HOUR  # no other timer warns or is due before T + this
WARN_PERCENT = 75
TAG = "sla-breached"
CUSTOMER_TICKETS = 10  # tickets per customer
SHARES = (("new", 0.45), ("open", 0.45), ("pending", 0.10))
PRIORITIES = (("low", 0.15), ("normal", 0.60), ("high", 0.20), ("urgent", 0.05))
COPY_CHUNK = 20_000  # progress is reported every this many rows


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--tickets", type=int, default=100_000, help="open tickets to load (default 100000)"
    )
    p.add_argument(
        "--due",
        type=int,
        default=10_000,
        help="due timers for the sequential phases, half warnings and half breaches; the\n"
        "concurrent phase gets as many again (default 10000)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=2,
        help="processes sweeping at once in the concurrent phase; 0 skips it (default 2)",
    )
    p.add_argument(
        "--batch",
        type=int,
        help="tickets per sweep transaction (default: caredesk's SWEEP_BATCH)",
    )
    p.add_argument(
        "--idle-runs", type=int, default=50, help="idle sweeps timed (default 50, after 3 unseen)"
    )
    p.add_argument(
        "--stagger",
        type=float,
        default=0.0,
        help="seconds between the concurrent workers' starts (default 0: all at once)",
    )
    p.add_argument("--agents", type=int, default=10, help="agents tickets are assigned to")
    p.add_argument("--seed", type=int, default=42, help="random seed for the data (default 42)")
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("CAREDESK_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server, without a database name",
    )
    p.add_argument(
        "--database",
        default="caredesk_bench_sla",
        help="scratch database name; dropped and recreated (default caredesk_bench_sla)",
    )
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = p.parse_args(argv)
    if args.tickets < 1 or args.due < 2 or args.idle_runs < 1 or args.agents < 1:
        p.error("--tickets, --idle-runs and --agents must be positive, --due at least 2")
    if args.workers < 0 or args.stagger < 0 or (args.batch is not None and args.batch < 1):
        p.error("--workers and --stagger must not be negative, --batch must be positive")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        p.error("--database must be a plain lower-case identifier")
    args.postgres_url = args.postgres_url.rstrip("/")
    return args


# -- database and Django --------------------------------------------------------------------------


def pg_admin(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def django_setup(database_url: str, home: str) -> None:
    """Point caredesk at the scratch database and start Django (in this process)."""
    os.environ["CAREDESK_DATABASE_URL"] = database_url
    os.environ["CAREDESK_HOME"] = home
    os.environ.setdefault("CAREDESK_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "caredesk.config.settings"
    import django

    django.setup()


class CallCounter:
    """Counts calls to the database (an executemany, pipelined by psycopg, counts once)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any):
        self.calls += 1
        return execute(sql, params, many, ctx)


def copy_rows(model: Any, fields: Sequence[str], rows: Iterable[Sequence[Any]], what: str) -> int:
    from django.db import connection

    meta = model._meta
    quote = connection.ops.quote_name
    # Columns added to the model since a loader was written take their default, so a loader
    # keeps working as the schema grows (a NOT NULL column without one would fail the COPY).
    given = {meta.get_field(name).name for name in fields}
    extra = [
        f
        for f in meta.concrete_fields
        if f.name not in given and not f.null and f.has_default() and not f.primary_key
    ]
    tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    columns += "".join(", " + quote(f.column) for f in extra)
    n = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(tuple(row) + tail)
            n += 1
            if n % COPY_CHUNK == 0:
                log(f"  {what}: {n}")
    with connection.cursor() as cursor:
        # Rows came with their ids: move the id sequence past them.
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "
            f"(SELECT coalesce(max({quote(meta.pk.column)}), 1) FROM {quote(meta.db_table)}))",
            [meta.db_table, meta.pk.column],
        )
    log(f"  {what}: {n} loaded")
    return n


# -- the data -------------------------------------------------------------------------------------


@dataclass
class Layout:
    """Which timers each phase makes due (timer ids), and the `now` each phase sweeps at."""

    base: datetime
    warn: list[int] = field(default_factory=list)
    breach: list[int] = field(default_factory=list)
    concurrent_warn: list[int] = field(default_factory=list)
    concurrent_breach: list[int] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)

    def now(self, phase: int) -> datetime:
        """Phase 0 is idle (T), 1 warnings, 2 breaches, 3 concurrent."""
        return self.base + phase * WINDOW


def pick(rng: random.Random, shares: Sequence[tuple[str, float]]) -> str:
    x = rng.random()
    for value, share in shares:
        x -= share
        if x < 0:
            return value
    return shares[-1][0]


def load(args: argparse.Namespace) -> Layout:
    from caredesk.accounts.models import Agent, Role
    from caredesk.core import clock
    from caredesk.customers.models import Customer
    from caredesk.mailboxes.models import Mailbox
    from caredesk.sla.models import Calendar, SlaPolicy, SlaTimer
    from caredesk.tickets.models import Ticket

    rng = random.Random(args.seed)
    base = clock.now().replace(microsecond=0)
    layout = Layout(base=base)

    mailbox = Mailbox.objects.create(address="support@example.com", name="Support")
    calendar = Calendar.objects.get(is_default=True)
    policy = SlaPolicy.objects.get(name="Standard")
    policy.breach_raise_priority = True
    policy.breach_add_tag = TAG
    policy.breach_notify_supervisors = True
    policy.warn_notify_assignee = True
    policy.warn_at_percent = WARN_PERCENT
    policy.save()
    targets = {
        "first_reply": policy.first_reply_minutes * 60,
        "resolution": policy.resolution_minutes * 60,
    }
    # Wall-clock time from warning to target, roughly: the unused share of the target.
    warn_gap = {k: timedelta(seconds=s * (100 - WARN_PERCENT) / 100) for k, s in targets.items()}
    Agent.objects.create_user(
        "supervisor@example.com", None, name="Sam Supervisor", role=Role.SUPERVISOR
    )
    agents = [
        Agent.objects.create_user(f"agent{k}@example.com", None, name=f"Agent {k}").pk
        for k in range(1, args.agents + 1)
    ]

    statuses = [pick(rng, SHARES) for _ in range(args.tickets)]
    running = [i for i, s in enumerate(statuses, 1) if s != "pending"]
    wanted = args.due * (2 if args.workers else 1)
    if wanted > len(running):
        raise SystemExit(
            f"--due {args.due} needs {wanted} tickets with running timers; "
            f"only {len(running)} of --tickets {args.tickets} have them"
        )
    chosen = rng.sample(running, wanted)
    # Each phase ticket gets one due timer, of either kind: ticket -> (phase, kind).
    half = args.due // 2
    phases: dict[int, tuple[str, str]] = {}
    cuts = [
        ("warn", chosen[:half]),
        ("breach", chosen[half : args.due]),
        ("concurrent_warn", chosen[args.due : args.due + half]),
        ("concurrent_breach", chosen[args.due + half :]),
    ]
    for phase, tickets in cuts:
        for ticket in tickets:
            phases[ticket] = (phase, rng.choice(("first_reply", "resolution")))
    window_end = {
        "warn": layout.now(1),
        "breach": layout.now(2),
        "concurrent_warn": layout.now(3),
        "concurrent_breach": layout.now(3),
    }

    customers = math.ceil(args.tickets / CUSTOMER_TICKETS)
    log(f"loading {customers} customers, {args.tickets} tickets, {2 * args.tickets} timers")
    started = time.monotonic()
    copy_rows(
        Customer,
        ["id", "name", "language", "timezone", "organisation", "tier", "vip", "created_at"],
        (
            (k, f"Customer {k}", "en", "", None, "", False, base - 30 * DAY)
            for k in range(1, customers + 1)
        ),
        "customers",
    )

    ticket_rows: list[tuple[Any, ...]] = []
    timer_rows: list[tuple[Any, ...]] = []
    assigned = 0
    for i, status in enumerate(statuses, 1):
        created = base - timedelta(seconds=rng.uniform(60, 3 * 86400))
        assignee = None
        if status != "new":  # an agent has picked up open and pending tickets
            assignee = agents[i % len(agents)]
            assigned += 1
        dues: list[datetime] = []
        sla_state = "ok"
        # Timers outside the phases warn from T + BULK_FROM on, over the next two days.
        first_due = base + BULK_FROM + warn_gap["first_reply"]
        first_due += timedelta(seconds=rng.uniform(0, 2 * 86400))
        planned = {
            "first_reply": first_due,
            "resolution": first_due + timedelta(seconds=rng.uniform(86400, 3 * 86400)),
        }
        for offset, kind in enumerate(("first_reply", "resolution")):
            timer_id = 2 * i - 1 + offset
            target = targets[kind]
            if status == "pending":  # pending pauses every timer
                used = int(rng.uniform(0, target / 2))
                row = ("paused", used, None, None, None, None)
                sla_state = "paused"
            else:
                due_at = planned[kind]
                warn_at: datetime | None = due_at - warn_gap[kind]
                warned_at = None
                phase, due_kind = phases.get(i, ("", ""))
                if kind == due_kind:
                    moment = window_end[phase] - timedelta(seconds=rng.uniform(0, 599))
                    if phase.endswith("warn"):
                        warn_at, due_at = moment, moment + warn_gap[kind]
                    else:  # warned earlier, now past its target
                        warned_at, warn_at, due_at = moment - warn_gap[kind], None, moment
                        sla_state = "warning"
                    getattr(layout, phase).append(timer_id)
                row = ("running", 0, created, due_at, warn_at, warned_at)
                dues.append(due_at)
            state, used, since, due_at, warn_at, warned_at = row
            timer_rows.append(
                (
                    timer_id,
                    i,
                    policy.pk,
                    calendar.pk,
                    kind,
                    state,
                    target,
                    WARN_PERCENT,
                    used,
                    since,
                    due_at,
                    warn_at,
                    warned_at,
                    None,
                    None,
                    created,
                )
            )
        ticket_rows.append(
            (
                i,
                mailbox.pk,
                (i - 1) // CUSTOMER_TICKETS + 1,
                f"Order {i} has not arrived",
                status,
                pick(rng, PRIORITIES),
                assignee,
                None,
                f"{i:024x}",
                None,
                created,
                created,
                None,
                "",
                policy.pk,
                min(dues) if dues else None,
                sla_state,
                created,
            )
        )
    copy_rows(
        Ticket,
        [
            "id",
            "mailbox",
            "customer",
            "subject",
            "status",
            "priority",
            "assignee",
            "team",
            "reply_token",
            "merged_into",
            "updated_at",
            "last_customer_message_at",
            "solved_at",
            "category",
            "sla_policy",
            "sla_due_at",
            "sla_state",
            "created_at",
        ],
        ticket_rows,
        "tickets",
    )
    copy_rows(
        SlaTimer,
        [
            "id",
            "ticket",
            "policy",
            "calendar",
            "kind",
            "state",
            "target_seconds",
            "warn_percent",
            "used_seconds",
            "running_since",
            "due_at",
            "warn_at",
            "warned_at",
            "breached_at",
            "stopped_at",
            "created_at",
        ],
        timer_rows,
        "timers",
    )
    loaded = time.monotonic() - started
    log("VACUUM ANALYZE")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    layout.counts = {
        "customers": customers,
        "tickets": args.tickets,
        "tickets_by_status": {s: statuses.count(s) for s, _ in SHARES},
        "tickets_assigned": assigned,
        "agents": args.agents,
        "supervisors": 1,
        "timers_running": 2 * len(running),
        "timers_paused": 2 * (args.tickets - len(running)),
        "load_seconds": round(loaded, 1),
        "vacuum_analyze_seconds": round(time.monotonic() - started - loaded, 1),
    }
    return layout


# -- measuring ------------------------------------------------------------------------------------


def explain_due_queries(now: datetime, limit: int) -> dict[str, Any]:
    """EXPLAIN ANALYZE of the very statements `_due_ticket_ids` runs (captured, then explained)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from caredesk.tickets.sla_sweep import _due_ticket_ids

    with CaptureQueriesContext(connection) as captured:
        _due_ticket_ids(now, limit)
    out: dict[str, Any] = {}
    for query in captured.captured_queries:
        sql = query["sql"]
        name = "breaching" if "breached_at" in sql else "warning"
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}")
            lines = [line for (line,) in cursor.fetchall()]
        plan = " | ".join(re.sub(r"\s+", " ", line.replace("->", "")).strip() for line in lines)
        used = re.findall(
            r"(?:Index|Index Only|Bitmap Index) Scan (?:Backward )?(?:using|on) (\w+)", plan
        )
        out[name] = {
            "plan": plan,
            "indexes": sorted(set(used)),
            "seq_scan": "Seq Scan" in plan,
        }
    return out


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[k]


def idle_sweeps(now: datetime, runs: int, batch: int) -> dict[str, Any]:
    from django.db import connection

    from caredesk.tickets.sla_sweep import sla_sweep

    for _ in range(3):  # warm caches and the connection, not timed
        sla_sweep(now=now, limit=batch)
    counter = CallCounter()
    times = []
    with connection.execute_wrapper(counter):
        for _ in range(runs):
            t0 = time.perf_counter()
            done = sla_sweep(now=now, limit=batch)
            times.append((time.perf_counter() - t0) * 1000)
            if done.total:
                raise RuntimeError(f"the idle sweep found work: {done}")
    return {
        "runs": runs,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "mean_ms": round(statistics.fmean(times), 2),
        "db_calls_per_sweep": counter.calls / runs,
    }


def marks() -> dict[str, int]:
    """Highest ids now, so a phase's checks look only at what it wrote."""
    from django.db.models import Max

    from caredesk.notifications.models import Notification
    from caredesk.tickets.models import Ticket, TicketEvent

    return {
        "event": TicketEvent.objects.aggregate(m=Max("id"))["m"] or 0,
        "notification": Notification.objects.aggregate(m=Max("id"))["m"] or 0,
        "tagging": Ticket.tags.through.objects.aggregate(m=Max("id"))["m"] or 0,
    }


def still_due(now: datetime) -> int:
    """Timers a sweep at `now` would still find (what `_due_ticket_ids` looks for)."""
    from django.db.models import Q

    from caredesk.sla.models import SlaTimer

    return (
        SlaTimer.objects.filter(state="running")
        .filter(
            Q(breached_at__isnull=True, due_at__lte=now)
            | Q(warned_at__isnull=True, warn_at__lte=now)
        )
        .count()
    )


def check(
    before: dict[str, int], now: datetime, warn_ids: Sequence[int], breach_ids: Sequence[int]
) -> dict[str, Any]:
    """Did every expected timer get exactly one warned/breached event, and nothing else?"""
    from django.db import connection

    from caredesk.notifications.models import Notification
    from caredesk.tickets.models import TicketEvent

    table = connection.ops.quote_name(TicketEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, (data->>'timer')::bigint, count(*) FROM {table} "
            "WHERE id > %s AND kind IN ('sla_timer_warned', 'sla_timer_breached') "
            "GROUP BY 1, 2",
            [before["event"]],
        )
        seen = {(kind, timer): n for kind, timer, n in cursor.fetchall()}
        cursor.execute(
            f"SELECT kind, count(*) FROM {table} WHERE id > %s GROUP BY kind ORDER BY kind",
            [before["event"]],
        )
        events = dict(cursor.fetchall())
    expected = {("sla_timer_warned", t) for t in warn_ids} | {
        ("sla_timer_breached", t) for t in breach_ids
    }
    missing = sum(1 for key in expected if key not in seen)
    duplicated = sum(1 for n in seen.values() if n > 1)
    unexpected = sum(1 for key in seen if key not in expected)
    after = marks()
    notes = Notification.objects.filter(id__gt=before["notification"])
    return {
        "exactly_once": not missing and not duplicated and not unexpected,
        "missing": missing,
        "duplicated": duplicated,
        "unexpected": unexpected,
        "left_due": still_due(now),
        "events_written": events,
        "notifications": {
            "sla_warning": notes.filter(kind="sla_warning").count(),
            "sla_breached": notes.filter(kind="sla_breached").count(),
        },
        "tickets_tagged": after["tagging"] - before["tagging"],
    }


def sweep_phase(name: str, now: datetime, label: str, batch: int) -> dict[str, Any]:
    from django.db import connection

    from caredesk.tickets.sla_sweep import sla_sweep_all

    log(f"{name}: sla_sweep_all(now={label})")
    counter = CallCounter()
    cpu0, t0 = time.process_time(), time.perf_counter()
    with connection.execute_wrapper(counter):
        result = sla_sweep_all(now=now, limit=batch)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    total = result.total
    log(f"{name}: {result.warned} warned, {result.breached} breached in {seconds:.2f} s")
    return {
        "warned": result.warned,
        "breached": result.breached,
        "seconds": round(seconds, 3),
        "timers_per_s": round(total / seconds, 1) if seconds else None,
        "db_calls": counter.calls,
        "db_calls_per_timer": round(counter.calls / total, 2) if total else None,
        "sweeper_cpu_seconds": round(cpu, 3),
    }


def concurrent_worker(
    database_url: str,
    home: str,
    now: datetime,
    batch: int,
    barrier: Any,
    results: Any,
    index: int,
    delay: float,
) -> None:
    """One sweeping process: its own Django, its own connection, one `sla_sweep_all`."""
    try:
        django_setup(database_url, home)
        from django.db import connection

        from caredesk.tickets.sla_sweep import sla_sweep_all

        connection.ensure_connection()
        counter = CallCounter()
        barrier.wait(timeout=120)
        time.sleep(delay)
        start, cpu0 = time.monotonic(), time.process_time()
        with connection.execute_wrapper(counter):
            result = sla_sweep_all(now=now, limit=batch)
        end = time.monotonic()
        results.put(
            {
                "worker": index,
                "warned": result.warned,
                "breached": result.breached,
                "start": start,
                "end": end,
                "db_calls": counter.calls,
                "cpu": time.process_time() - cpu0,
            }
        )
        connection.close()
    except BaseException as exc:
        results.put({"worker": index, "error": f"{type(exc).__name__}: {exc}"})
        raise


def concurrent_phase(
    workers: int, database_url: str, home: str, now: datetime, batch: int, stagger: float
) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    results = context.Queue()
    log(f"concurrent: {workers} processes, sla_sweep_all(now=T+30m) each")
    procs = [
        context.Process(
            target=concurrent_worker,
            args=(database_url, home, now, batch, barrier, results, k + 1, k * stagger),
        )
        for k in range(workers)
    ]
    for proc in procs:
        proc.start()
    found = [results.get(timeout=900) for _ in procs]
    for proc in procs:
        proc.join(60)
    errors = [r["error"] for r in found if "error" in r]
    if errors:
        raise RuntimeError(f"a sweeping process failed: {errors}")
    start = min(r["start"] for r in found)
    seconds = max(r["end"] for r in found) - start
    warned = sum(r["warned"] for r in found)
    breached = sum(r["breached"] for r in found)
    log(f"concurrent: {warned} warned, {breached} breached in {seconds:.2f} s")
    return {
        "workers": workers,
        "warned": warned,
        "breached": breached,
        "seconds": round(seconds, 3),
        "timers_per_s": round((warned + breached) / seconds, 1) if seconds else None,
        "per_worker": [
            {
                "warned": r["warned"],
                "breached": r["breached"],
                "started_after_s": round(r["start"] - start, 3),
                "seconds": round(r["end"] - r["start"], 3),
                "db_calls": r["db_calls"],
                "cpu_seconds": round(r["cpu"], 3),
            }
            for r in sorted(found, key=lambda r: r["worker"])
        ],
    }


# -- the run --------------------------------------------------------------------------------------


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=HERE, capture_output=True, text=True, timeout=10, check=False
    ).stdout.strip()


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "caredesk_commit": git("rev-parse", "--short", "HEAD"),
        # Figures from uncommitted caredesk code say so.
        "caredesk_uncommitted_changes": bool(git("status", "--porcelain", "--", "../caredesk")),
    }
    if hasattr(os, "getloadavg"):
        info["loadavg_1m_at_start"] = round(os.getloadavg()[0], 2)
    return info


def run(args: argparse.Namespace, home: str) -> dict[str, Any]:
    database_url = f"{args.postgres_url}/{args.database}"
    report: dict[str, Any] = {"bench": "sla_sweep", "machine": machine()}
    load_avg = report["machine"].get("loadavg_1m_at_start")
    if load_avg is not None and load_avg > 0.5 * (os.cpu_count() or 1):
        log(f"note: load average {load_avg} at start: other programs compete for the CPU")

    log(f"database {args.database}: drop, create, migrate")
    pg_admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    pg_admin(args.postgres_url, f'CREATE DATABASE "{args.database}"')
    django_setup(database_url, home)
    from django.core.management import call_command
    from django.db import connection

    from caredesk.tickets.sla_sweep import SWEEP_BATCH

    call_command("migrate", verbosity=0, interactive=False)
    batch = args.batch or SWEEP_BATCH
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        report["machine"]["postgresql"] = cursor.fetchone()[0]
    report["parameters"] = {
        "tickets": args.tickets,
        "due": args.due,
        "warnings": args.due // 2,
        "breaches": args.due - args.due // 2,
        "concurrent_due": args.due if args.workers else 0,
        "workers": args.workers,
        "stagger_seconds": args.stagger,
        "batch": batch,
        "idle_runs": args.idle_runs,
        "seed": args.seed,
        "database": args.database,
        "due_timers_per_ticket": 1,
    }

    layout = load(args)
    report["data"] = layout.counts

    log("EXPLAIN ANALYZE of the due-timer queries, at rest and with timers due")
    report["explain"] = {
        "idle": explain_due_queries(layout.now(0), batch),
        "due": explain_due_queries(layout.now(2), batch),
    }

    log(f"idle: {args.idle_runs} sweeps with nothing due")
    report["idle_sweep"] = idle_sweeps(layout.now(0), args.idle_runs, batch)
    log(f"idle: p50 {report['idle_sweep']['p50_ms']} ms, p95 {report['idle_sweep']['p95_ms']} ms")

    before = marks()
    warnings = sweep_phase("warnings", layout.now(1), "T+10m", batch)
    warnings["check"] = check(before, layout.now(1), layout.warn, [])
    report["warnings"] = warnings

    before = marks()
    breaches = sweep_phase("breaches", layout.now(2), "T+20m", batch)
    breaches["check"] = check(before, layout.now(2), [], layout.breach)
    report["breaches"] = breaches

    timers = warnings["warned"] + breaches["breached"]
    seconds = warnings["seconds"] + breaches["seconds"]
    report["sequential"] = {
        "note": "warning-only and breach-only phases swept one after the other, one process",
        "timers": timers,
        "seconds": round(seconds, 3),
        "timers_per_s": round(timers / seconds, 1) if seconds else None,
        "warnings_per_s": warnings["timers_per_s"],
        "breaches_per_s": breaches["timers_per_s"],
    }

    if args.workers:
        before = marks()
        connection.close()
        concurrent = concurrent_phase(
            args.workers, database_url, home, layout.now(3), batch, args.stagger
        )
        concurrent["check"] = check(
            before, layout.now(3), layout.concurrent_warn, layout.concurrent_breach
        )
        concurrent["exactly_once"] = concurrent["check"]["exactly_once"]
        report["concurrent"] = concurrent
        if concurrent["check"]["left_due"]:
            log(
                f"concurrent: {concurrent['check']['left_due']} timers still due after every"
                " worker's sla_sweep_all returned"
            )
    connection.close()
    if hasattr(os, "getloadavg"):
        report["machine"]["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    return report


def run_in_scratch(
    args: argparse.Namespace, run: Callable[[argparse.Namespace, str], dict[str, Any]], prefix: str
) -> int:
    """Run a benchmark with a scratch home folder, drop its database afterwards (unless
    --keep), and print its report as JSON with the seconds it took."""
    started = time.monotonic()
    home = tempfile.mkdtemp(prefix=prefix)
    try:
        report = run(args, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
        if not args.keep:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:
                pass
            try:
                pg_admin(
                    args.postgres_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)'
                )
            except Exception as exc:
                log(f"could not drop {args.database}: {exc}")
    report["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_in_scratch(parse_args(argv), run, "caredesk-bench-sla-")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
