"""Workspace pages benchmark: the server time of the agents' workspace at 100,000 tickets on
PostgreSQL, page by page.

    .venv/bin/python bench/workspace_pages.py [--tickets 100000] [--requests 200] [--keep] ...

Creates a scratch PostgreSQL database (`--database`, dropped at the end unless --keep), migrates
it and loads by COPY a help desk's worth of history: customers with addresses (a few in
organisations), teams, agents, tickets in realistic proportions of status (most solved or
closed, about 15% new or open, some pending), priorities, SLA timers and due times on the
unsolved ones, tags, 2-6 conversation entries per ticket (customer emails, replies with their
outbox rows, internal notes, acknowledgements) and about ten events each. With --keep a later
run reuses the database when it holds the same data set (migrating it first, so a new index can
be tried without reloading).

Every page is requested in this process through Django's test Client, signed in as an agent
(role "agent", member of two teams) and again as a supervisor: the inbox views, a deep page of
"All open" and of "Solved" (reached by following the page's rel="next" link --depth times),
ticket pages of random tickets, the search box (a word, #reference, an address) and the presence
heartbeat. --warmup requests first, then --requests timed ones; then --capture more under
CaptureQueriesContext for the number of SQL queries and the time spent in them. Per page:
p50/p95/p99/max wall time, the CPU time of this process (Python: views, ORM, templates; less
disturbed than wall time by other programs on the machine), queries, and any statement run
--repeated times or more in one request (an N+1). A page meets the target when its p95 is under
--target-ms; for one that misses it, the slowest captured query is shown with EXPLAIN (ANALYZE,
BUFFERS).

The caredesk measured is the checkout this file is in (its root goes first on sys.path), so a
`git worktree` of another commit can be measured with its own bench/workspace_pages.py.

Prints one JSON document on stdout, progress on stderr.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # measure the caredesk next to this file

from sla_sweep import django_setup, log, machine, percentile, pg_admin, run_in_scratch  # noqa: E402
from workspace_data import SEARCH_WORDS, kept_data, load, mark_data  # noqa: E402

# -- arguments ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--tickets", type=int, default=100_000, help="tickets to load (default 100000)")
    p.add_argument(
        "--requests", type=int, default=200, help="timed requests per page (default 200)"
    )
    p.add_argument("--warmup", type=int, default=20, help="untimed requests first (default 20)")
    p.add_argument(
        "--capture",
        type=int,
        default=5,
        help="requests per page counted with CaptureQueriesContext (default 5)",
    )
    p.add_argument(
        "--depth",
        type=int,
        default=20,
        help='rel="next" links followed to reach the deep inbox pages (default 20)',
    )
    p.add_argument("--target-ms", type=float, default=150.0, help="p95 target (default 150)")
    p.add_argument(
        "--repeated",
        type=int,
        default=5,
        help="report a statement run this many times in one request (default 5)",
    )
    p.add_argument(
        "--roles",
        default="agent,supervisor",
        help="who signs in, comma-separated (default agent,supervisor)",
    )
    p.add_argument(
        "--pages",
        default="",
        help="only pages whose name contains one of these, comma-separated (default: all)",
    )
    p.add_argument("--seed", type=int, default=42, help="random seed for the data (default 42)")
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("CAREDESK_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server, without a database name",
    )
    p.add_argument(
        "--database",
        default="caredesk_bench_pages",
        help="scratch database name (default caredesk_bench_pages)",
    )
    p.add_argument(
        "--keep",
        action="store_true",
        help="keep the database afterwards, and reuse it if it already holds this data set",
    )
    args = p.parse_args(argv)
    if args.tickets < 10 or args.requests < 1 or args.warmup < 0 or args.capture < 1:
        p.error("--tickets must be at least 10, --requests and --capture positive")
    if args.depth < 1:
        p.error("--depth must be positive")
    args.roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    if not args.roles or set(args.roles) - {"agent", "supervisor"}:
        p.error("--roles takes agent and/or supervisor")
    args.pages = [s.strip() for s in args.pages.split(",") if s.strip()]
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        p.error("--database must be a plain lower-case identifier")
    args.postgres_url = args.postgres_url.rstrip("/")
    return args


# -- measuring ------------------------------------------------------------------------------------


class NextLink(HTMLParser):
    """The first <a rel="next" href=...> of a page (rel may list other words too)."""

    def __init__(self) -> None:
        super().__init__()
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a" or self.href is not None:
            return
        values = dict(attrs)
        if "next" in (values.get("rel") or "").lower().split() and values.get("href"):
            self.href = values["href"]


def next_link(html: str, current: str) -> str | None:
    parser = NextLink()
    parser.feed(html)
    return urljoin(current, parser.href) if parser.href else None


Request = Callable[[int], Any]  # k -> response


@dataclass
class Page:
    name: str
    request: Request
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def timed_stats(times: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "max_ms": round(max(times), 1),
        "mean_ms": round(statistics.fmean(times), 1),
    }


def check_response(name: str, response: Any) -> None:
    if response.status_code != 200:
        location = response.get("Location", "")
        raise RuntimeError(f"{name}: HTTP {response.status_code} {location}".strip())


def query_shape(sql: str) -> str:
    """The statement with its literals taken out, so that an N+1 shows as one shape many times."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    return re.sub(r"\(\?(?:, \?)*\)", "(?)", sql)


def measure(page: Page, args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for k in range(args.warmup):
        check_response(page.name, page.request(k))
    times: list[float] = []
    cpu: list[float] = []
    size = 0
    for k in range(args.requests):
        c0, t0 = time.process_time(), time.perf_counter()
        response = page.request(args.warmup + k)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        check_response(page.name, response)
        size = len(response.content)
    counts, sql_ms, slowest = [], [], []
    repeated: dict[str, int] = {}
    for k in range(args.capture):
        with CaptureQueriesContext(connection) as captured:
            check_response(page.name, page.request(args.warmup + args.requests + k))
        queries = captured.captured_queries
        counts.append(len(queries))
        sql_ms.append(sum(float(q["time"]) for q in queries) * 1000)
        slowest += [(float(q["time"]) * 1000, q["sql"]) for q in queries]
        shapes: dict[str, int] = {}
        for q in queries:
            shape = query_shape(q["sql"])
            shapes[shape] = shapes.get(shape, 0) + 1
        for shape, n in shapes.items():
            if n >= args.repeated:
                repeated[shape] = max(repeated.get(shape, 0), n)
    stats = timed_stats(times)
    result: dict[str, Any] = {
        **({"path": page.note} if page.note else {}),
        **page.extra,
        "requests": args.requests,
        **stats,
        "cpu_ms_p50": round(statistics.median(cpu), 1),
        "queries": max(counts),
        **({"queries_min": min(counts)} if min(counts) != max(counts) else {}),
        "sql_ms_p50": round(statistics.median(sql_ms), 1),
        "bytes": size,
        "target_met": stats["p95_ms"] < args.target_ms,
    }
    if repeated:  # the same statement once per row: an N+1
        result["repeated_queries"] = [
            {"times_per_request": n, "sql": shape[:400]}
            for shape, n in sorted(repeated.items(), key=lambda item: -item[1])
        ]
    if hasattr(os, "getloadavg"):
        result["loadavg_1m"] = round(os.getloadavg()[0], 2)
    if not result["target_met"]:
        slowest.sort(key=lambda q: -q[0])
        result["slowest_queries"] = [
            {"ms": round(ms, 1), "sql": sql[:600]} for ms, sql in slowest[:3]
        ]
        result["explain"] = explain(slowest[0][1]) if slowest else None
    return result


def explain(sql: str) -> list[str] | str:
    from django.db import connection

    if not sql.lstrip().upper().startswith("SELECT"):
        return "not a SELECT: not explained"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [line for (line,) in cursor.fetchall()][:60]


def follow(client: Any, start: str, depth: int) -> tuple[str, int]:
    """The page reached by following rel="next" from `start` up to `depth` times."""
    url, reached = start, 0
    for _ in range(depth):
        response = client.get(url)
        check_response(url, response)
        found = next_link(response.content.decode(), url)
        if found is None:
            break
        url, reached = found, reached + 1
    return url, reached


def fetch(client: Any, url: str) -> Request:
    """The same page on every request."""
    return lambda k: client.get(url)


def wanted(args: argparse.Namespace, name: str) -> bool:
    return not args.pages or any(s in name for s in args.pages)


def pages_for(
    client: Any, agent: Any, args: argparse.Namespace, rng: random.Random
) -> Iterator[Page]:
    from django.urls import reverse

    from caredesk.access import principal_of, tickets_visible
    from caredesk.customers.models import CustomerAddress
    from caredesk.tickets.models import Ticket

    views = (
        ("inbox_mine", reverse("workspace:inbox")),
        *(
            (f"inbox_{slug}", reverse("workspace:inbox-view", args=[slug]))
            for slug in ("unassigned", "teams", "open", "pending", "solved")
        ),
    )
    for name, path in views:
        yield Page(name, fetch(client, path), note=path)
    for name, slug in (("inbox_open_deep", "open"), ("inbox_solved_deep", "solved")):
        if not wanted(args, name):
            continue  # following the links costs --depth requests
        start = reverse("workspace:inbox-view", args=[slug])
        url, reached = follow(client, start, args.depth)
        if reached == 0:
            log(f'  {name}: no rel="next" link on {start}: only one page, measuring it')
        yield Page(name, fetch(client, url), note=url, extra={"depth": reached})

    shown = Ticket.objects.filter(tickets_visible(principal_of(agent)))
    visible = list(shown.order_by().values_list("pk", flat=True))
    samples = rng.sample(visible, k=min(len(visible), 2000))
    owners = dict(Ticket.objects.filter(pk__in=samples).values_list("pk", "customer_id"))
    address_of: dict[int, str] = {}
    for customer, address in CustomerAddress.objects.filter(
        customer_id__in=set(owners.values())
    ).values_list("customer_id", "address"):
        address_of.setdefault(customer, address)
    addresses = [address_of[owners[t]] for t in samples if owners[t] in address_of]

    yield Page(
        "ticket",
        lambda k: client.get(reverse("workspace:ticket", args=[samples[k % len(samples)]])),
        note="/tickets/<random visible ticket>",
    )
    search = reverse("workspace:search")
    yield Page(
        "search_word",
        lambda k: client.get(search, {"q": SEARCH_WORDS[k % len(SEARCH_WORDS)]}),
        note=f"{search}?q=<one of {', '.join(SEARCH_WORDS)}>",
    )
    yield Page(
        "search_ref",
        lambda k: client.get(search, {"q": f"#{samples[-1 - k % len(samples)]}"}),
        note=f"{search}?q=#<random visible ticket>",
    )
    yield Page(
        "search_address",
        lambda k: client.get(search, {"q": addresses[k % len(addresses)]}),
        note=f"{search}?q=<a random customer's address>",
    )
    yield Page(
        "presence",
        lambda k: client.post(
            reverse("workspace:presence", args=[samples[(7 * k) % len(samples)]]),
            {"since": "0", "composing": "0"},
        ),
        note="POST /tickets/<random visible ticket>/presence",
    )


def measure_role(role: str, agent_id: int, args: argparse.Namespace) -> dict[str, Any]:
    from django.test import Client

    from caredesk.accounts.models import Agent

    agent = Agent.objects.get(pk=agent_id)
    client = Client()
    client.force_login(agent)
    rng = random.Random(f"{args.seed}-{role}")
    results: dict[str, Any] = {}
    for page in pages_for(client, agent, args, rng):
        if not wanted(args, page.name):
            continue
        result = measure(page, args)
        results[page.name] = result
        mark = "ok" if result["target_met"] else "MISSED"
        log(
            f"{role:10} {page.name:18} p50 {result['p50_ms']:7.1f}  p95 {result['p95_ms']:7.1f}"
            f"  max {result['max_ms']:7.1f} ms  {result['queries']:3} queries"
            f"  sql {result['sql_ms_p50']:6.1f} ms  {mark}"
        )
    return {
        "agent": {"email": agent.email, "role": agent.role, "teams": agent.teams.count()},
        "pages": results,
    }


# -- the run --------------------------------------------------------------------------------------


def run(args: argparse.Namespace, home: str) -> dict[str, Any]:
    database_url = f"{args.postgres_url}/{args.database}"
    import caredesk

    report: dict[str, Any] = {"bench": "workspace_pages", "machine": machine()}
    report["machine"]["caredesk_path"] = str(Path(caredesk.__file__).resolve().parent)
    load_avg = report["machine"].get("loadavg_1m_at_start")
    if load_avg is not None and load_avg > 0.5 * (os.cpu_count() or 1):
        log(f"note: load average {load_avg} at start: other programs compete for the CPU")

    data = kept_data(args, database_url) if args.keep else None
    if data is None:
        log(f"database {args.database}: drop, create, migrate")
        pg_admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        pg_admin(args.postgres_url, f'CREATE DATABASE "{args.database}"')
    else:
        log(f"database {args.database}: kept from an earlier run; migrate")
    django_setup(database_url, home)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        report["machine"]["postgresql"] = cursor.fetchone()[0]
    report["parameters"] = {
        "tickets": args.tickets,
        "requests": args.requests,
        "warmup": args.warmup,
        "capture": args.capture,
        "depth": args.depth,
        "target_p95_ms": args.target_ms,
        "repeated": args.repeated,
        "seed": args.seed,
        "database": args.database,
    }
    if data is None:
        data = load(args)
        if args.keep:
            mark_data(args, data)
        data["reused"] = False
    else:
        # A migration since the load may have rewritten a table or added an index.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        data["reused"] = True
    report["data"] = data

    report["roles"] = {}
    ids = {"agent": data["measured_agent"], "supervisor": data["supervisor"]}
    for role in args.roles:
        log(f"measuring as the {role}: {args.warmup} + {args.requests} requests per page")
        report["roles"][role] = measure_role(role, ids[role], args)
    missed = [
        f"{role}/{name}"
        for role, found in report["roles"].items()
        for name, page in found["pages"].items()
        if not page["target_met"]
    ]
    total = sum(len(found["pages"]) for found in report["roles"].values())
    report["summary"] = {
        "pages": total,
        "target_met": total - len(missed),
        "missed": missed,
    }
    connection.close()
    if hasattr(os, "getloadavg"):
        report["machine"]["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    return report


def main(argv: list[str] | None = None) -> int:
    return run_in_scratch(parse_args(argv), run, "caredesk-bench-pages-")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
