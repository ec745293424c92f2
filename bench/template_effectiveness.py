"""Template effectiveness benchmark: what the templates page's figures cost at a busy desk.

    .venv/bin/python bench/template_effectiveness.py [--templates 200] [--uses 180000]
        [--postgres-url URL] [--keep]

Loads into a scratch PostgreSQL database (dropped at the end unless --keep) --templates
approved shared templates and --uses replies sent from them over the last 365 days, two per
ticket on average, each ticket solved after its uses and a fifth of them reopened and solved
again, as status-change events in the tickets' history. Then times, --runs times each, the
templates list as a supervisor sees it (every template, sorted by uses) for each period, and
reports the median wall time, the queries made and the rows read.

The caredesk measured is the checkout this file is in. Prints one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # measure the caredesk next to this file

from sla_sweep import (  # noqa: E402
    CallCounter,
    copy_rows,
    django_setup,
    log,
    machine,
    pg_admin,
    run_in_scratch,
)

DAY = timedelta(days=1)
REOPENED_SHARE = 0.2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--templates", type=int, default=200, help="templates (default 200)")
    p.add_argument("--uses", type=int, default=180_000, help="uses in 365 days (default 180000)")
    p.add_argument("--runs", type=int, default=3, help="timed lists per period (default 3)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("CAREDESK_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server, without a database name",
    )
    p.add_argument("--database", default="caredesk_bench_templates")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = p.parse_args(argv)
    if args.templates < 1 or args.uses < 2 or args.runs < 1:
        p.error("--templates and --runs must be positive, --uses at least 2")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        p.error("--database must be a plain lower-case identifier")
    args.postgres_url = args.postgres_url.rstrip("/")
    return args


def load(args: argparse.Namespace) -> dict[str, int]:
    from caredesk.accounts.models import Agent, Role
    from caredesk.core import clock
    from caredesk.customers.models import Customer
    from caredesk.mailboxes.models import Mailbox
    from caredesk.replies.models import ReplyTemplate, ReplyTemplateVariant, TemplateUse
    from caredesk.tickets.models import Ticket, TicketEvent

    rng = random.Random(args.seed)
    now = clock.now().replace(microsecond=0)
    mailbox = Mailbox.objects.create(address="support@example.com", name="Support")
    customer = Customer.objects.create(name="Many")
    owner = Agent.objects.create_user("sam@example.com", None, name="Sam", role=Role.SUPERVISOR)
    templates = ReplyTemplate.objects.bulk_create(
        [
            ReplyTemplate(name=f"Template {k}", scope="shared", state="approved", owner=owner)
            for k in range(1, args.templates + 1)
        ]
    )
    ReplyTemplateVariant.objects.bulk_create(
        [ReplyTemplateVariant(template=t, language="en", body=f"Text {t.pk}") for t in templates]
    )
    tickets = args.uses // 2
    ticket_rows, use_rows, event_rows = [], [], []
    event_id = 0
    for i in range(1, tickets + 1):
        start = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
        ticket_rows.append(
            (i, mailbox.pk, customer.pk, f"Q {i}", "solved", "normal", f"{i:024x}", "", start)
        )
        for n in range(2):
            used = start + timedelta(hours=n * rng.uniform(1, 24))
            use_rows.append((2 * i - 1 + n, rng.choice(templates).pk, i, "en", used))
        solved = start + timedelta(hours=rng.uniform(25, 72))
        changes = [("open", "solved", solved)]
        if rng.random() < REOPENED_SHARE:
            reopened = solved + timedelta(days=rng.uniform(0.5, 10))
            changes += [("solved", "open", reopened), ("open", "solved", reopened + DAY)]
        for old, new, at in changes:
            event_id += 1
            event_rows.append((event_id, i, "status_changed", {"old": old, "new": new}, at))
    log(f"loading {tickets} tickets, {len(use_rows)} uses, {len(event_rows)} status changes")
    copy_rows(
        Ticket,
        [
            "id",
            "mailbox",
            "customer",
            "subject",
            "status",
            "priority",
            "reply_token",
            "category",
            "created_at",
        ],
        ticket_rows,
        "tickets",
    )
    copy_rows(TemplateUse, ["id", "template", "ticket", "language", "used_at"], use_rows, "uses")
    from psycopg.types.json import Jsonb

    copy_rows(
        TicketEvent,
        ["id", "ticket", "kind", "data", "created_at"],
        ((e, t, k, Jsonb(d), at) for e, t, k, d, at in event_rows),
        "events",
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"templates": args.templates, "tickets": tickets, "uses": len(use_rows)}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from caredesk.access import principal_of
    from caredesk.accounts.models import Agent
    from caredesk.core import clock
    from caredesk.replies.effectiveness import PERIODS
    from caredesk.replies.listing import template_list, template_query_parse

    principal = principal_of(Agent.objects.get(email="sam@example.com"))
    now = clock.now()
    found: dict[str, Any] = {}
    for period in PERIODS:
        query = template_query_parse({"sort": "-uses", "period": period})
        times, counter, rows = [], CallCounter(), 0
        for _ in range(args.runs):
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                listed = template_list(principal=principal, query=query, today=now.date(), now=now)
            times.append(time.perf_counter() - started)
            rows = sum(r.figures.uses for r in listed.rows)
        found[period] = {
            "median_seconds": round(statistics.median(times), 3),
            "queries": counter.calls // args.runs,
            "uses_counted": rows,
        }
        log(f"period {period}: {found[period]}")
    return found


def run(args: argparse.Namespace, home: str) -> dict[str, Any]:
    report: dict[str, Any] = {"bench": "template_effectiveness", "machine": machine()}
    log(f"database {args.database}: drop, create, migrate")
    pg_admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    pg_admin(args.postgres_url, f'CREATE DATABASE "{args.database}"')
    django_setup(f"{args.postgres_url}/{args.database}", home)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    report["data"] = load(args)
    report["list_by_period"] = measure(args)
    return report


def main(argv: list[str] | None = None) -> int:
    return run_in_scratch(parse_args(argv), run, "caredesk-bench-templates-")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
