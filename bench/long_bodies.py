"""Long bodies benchmark: what one email with a 30 MB body costs the pages that show it.

    .venv/bin/python bench/long_bodies.py [--mb 30] [--requests 3] [--postgres URL] [--keep]

Delivers one email with a plain-text body of --mb megabytes (a pasted log) through the normal
intake (receive, then process, as a worker would) into a scratch database: SQLite in a scratch
home folder, or with --postgres (e.g. postgres://postgres@127.0.0.1:5432) a scratch PostgreSQL
database (dropped at the end unless --keep). Then requests, through Django's test Client, the
ticket page as a supervisor, the API's ticket detail, the admin's message page and intake row
page, "Show all" and "Download original", --requests times each, and reports per page the size
of the answer and the median wall time. A route this checkout does not have is reported as
missing, so the same file measures an older commit too.

The caredesk measured is the checkout this file is in. Prints one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # measure the caredesk next to this file

from sla_sweep import django_setup, log, machine, pg_admin, run_in_scratch  # noqa: E402

LINE = "Line {:07d} of the log the customer pasted: naïve café, nothing to see here.\n"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--mb", type=float, default=30.0, help="size of the body in MB (10^6 bytes)")
    p.add_argument("--requests", type=int, default=3, help="timed requests per page")
    p.add_argument("--postgres", dest="postgres_url", default="", help="server URL, no database")
    p.add_argument("--database", default="caredesk_bench_long_bodies")
    p.add_argument("--keep", action="store_true", help="keep the scratch PostgreSQL database")
    return p.parse_args(argv)


def email(mb: float) -> bytes:
    from email.message import EmailMessage
    from email.utils import make_msgid

    one = len(LINE.format(0).encode())
    text = "".join(LINE.format(i) for i in range(int(mb * 1_000_000) // one))
    msg = EmailMessage()
    msg["From"] = "Jane Doe <jane@example.net>"
    msg["To"] = "support@example.com"
    msg["Subject"] = "The log you asked for"
    msg["Message-ID"] = make_msgid(domain="example.net")
    msg.set_content("Here is the log.\n\n" + text, cte="8bit")
    return msg.as_bytes()


def run(args: argparse.Namespace, home: str) -> dict[str, Any]:
    if args.postgres_url:
        pg_admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        pg_admin(args.postgres_url, f'CREATE DATABASE "{args.database}"')
        database_url = f"{args.postgres_url}/{args.database}"
    else:
        args.keep = True  # nothing to drop: the scratch home folder goes
        database_url = f"sqlite:///{home}/bench.sqlite3"
    django_setup(database_url, home)
    from django.core.management import call_command
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from caredesk.accounts.services import agent_create, api_token_create
    from caredesk.inbound.models import InboundMessage
    from caredesk.inbound.process import inbound_process
    from caredesk.inbound.receive import inbound_receive
    from caredesk.mailboxes.services import mailbox_create
    from caredesk.tickets.models import Message

    call_command("migrate", verbosity=0)
    mailbox = mailbox_create(address="support@example.com", name="Support")
    raw = email(args.mb)
    log(f"delivering {len(raw):,} bytes")
    started = time.monotonic()
    row = inbound_receive(
        raw=raw,
        mailbox_id=mailbox.pk,
        source="smtp",
        envelope_from="",
        envelope_to=[mailbox.address],
        process=False,
    )
    inbound_process(intake_id=row.pk)
    intake_seconds = time.monotonic() - started
    row = InboundMessage.objects.get(pk=row.pk)
    message = Message.objects.only("pk", "ticket_id").get(ticket=row.ticket_id, kind="customer")
    admin = agent_create(email="root@example.com", name="Root", role="admin")
    browser = Client()
    browser.force_login(admin)
    api = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(agent=admin)}"}

    def url(name: str, pk: int) -> str | None:
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            return None

    ref, pk = row.ticket_id, message.pk
    pages: dict[str, tuple[str | None, dict[str, str]]] = {
        "ticket page": (f"/tickets/{ref}", {}),
        "API ticket detail": (f"/api/v1/tickets/{ref}", api),
        "admin message page": (f"/admin/tickets/message/{pk}/change/", {}),
        "admin intake row page": (f"/admin/inbound/inboundmessage/{row.pk}/change/", {}),
        "show all": (url("workspace:message-text", pk), {}),
        "download original": (url("workspace:message-original", pk), {}),
    }
    report: dict[str, Any] = {}
    for name, (path, headers) in pages.items():
        if path is None:
            report[name] = "missing"
            continue
        times, size, status = [], 0, 0
        for _ in range(args.requests):
            started = time.monotonic()
            response = browser.get(path, **headers)  # type: ignore[arg-type]
            size, status = len(response.content), response.status_code
            times.append(time.monotonic() - started)
        report[name] = {
            "status": status,
            "bytes": size,
            "ms": round(statistics.median(times) * 1000),
        }
        log(f"{name}: {report[name]}")
    return {
        "database": "postgresql" if args.postgres_url else "sqlite",
        "email_bytes": len(raw),
        "text_characters": Message.objects.filter(pk=pk)
        .values_list("text", flat=True)[0]
        .__len__(),
        "intake_seconds": round(intake_seconds, 1),
        "pages": report,
        "machine": machine(),
    }


def main(argv: list[str] | None = None) -> int:
    return run_in_scratch(parse_args(argv), run, "caredesk-bench-bodies-")


if __name__ == "__main__":
    sys.exit(main())
