"""`caredesk run`, `web`, `smtpd`, `worker` and `migrate`: starting caredesk's processes."""

from __future__ import annotations

import argparse
import os
from typing import Any

from caredesk.cli._common import EX_OK, EX_UNAVAILABLE, CliError, hostport

HTTP_DEFAULT = "127.0.0.1:8000"
SMTP_DEFAULT = "127.0.0.1:2525"


def _listening(*listeners: tuple[str, str, tuple[str, int]]) -> None:
    from caredesk.runner import CannotStart, ports_check

    try:
        ports_check(listeners)
    except CannotStart as exc:
        raise CliError(str(exc), EX_UNAVAILABLE) from None


def _supervised() -> None:
    from caredesk.runner import SUPERVISED, follow_parent

    if os.environ.get(SUPERVISED):
        follow_parent()


def run_precheck(args: argparse.Namespace) -> None:
    _listening(("web server", "--http", args.http), ("SMTP intake", "--smtp", args.smtp))


def web_precheck(args: argparse.Namespace) -> None:
    _listening(("web server", "--http", args.http))


def smtpd_precheck(args: argparse.Namespace) -> None:
    _listening(("SMTP intake", "--smtp", args.smtp))


def cmd_run(args: argparse.Namespace) -> int:
    from caredesk.runner import CannotStart, run_all

    try:
        return run_all(http=args.http, smtp=args.smtp, workers=args.workers)
    except CannotStart as exc:
        raise CliError(str(exc), EX_UNAVAILABLE) from None


def cmd_web(args: argparse.Namespace) -> int:
    from caredesk.runner import serve_web

    _supervised()
    serve_web(*args.http)
    return EX_OK


def cmd_smtpd(args: argparse.Namespace) -> int:
    from caredesk.inbound.sources.smtp import serve
    from caredesk.runner import interrupt_on_term

    _supervised()
    interrupt_on_term()
    serve(*args.smtp)
    return EX_OK


def cmd_worker(args: argparse.Namespace) -> int:
    from caredesk.runner import run_worker

    _supervised()
    run_worker(workers=args.workers)
    return EX_OK


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from caredesk.cli.data import database_description

    call_command("migrate", interactive=False, verbosity=1)
    print(f"database {database_description()} is up to date (data folder {settings.HOME})")
    return EX_OK


def add_commands(sub: Any) -> None:
    workers_help = "worker threads (default: CAREDESK_WORKERS, 2 on SQLite, 4 with Redis)"
    p = sub.add_parser(
        "run",
        help="migrate, then run web, SMTP intake and worker together",
        description="Creates the data folder and database if need be (on an empty database "
        "also a first mailbox and admin), then runs the web server, the SMTP intake server "
        "and a worker until Ctrl-C.",
    )
    p.add_argument(
        "--http",
        type=hostport,
        default=HTTP_DEFAULT,
        metavar="HOST:PORT",
        help="where the web server (workspace, API, health) listens",
    )
    p.add_argument(
        "--smtp",
        type=hostport,
        default=SMTP_DEFAULT,
        metavar="HOST:PORT",
        help="where the SMTP intake server listens",
    )
    p.add_argument("--workers", type=int, metavar="N", help=workers_help)
    p.set_defaults(func=cmd_run, precheck=run_precheck)

    p = sub.add_parser("web", help="run the web server (agent UI, API, health, metrics)")
    p.add_argument(
        "--http",
        type=hostport,
        default=HTTP_DEFAULT,
        metavar="HOST:PORT",
        help="where to listen",
    )
    p.set_defaults(func=cmd_web, precheck=web_precheck)

    p = sub.add_parser("smtpd", help="run the SMTP intake server")
    p.add_argument(
        "--smtp",
        type=hostport,
        default=SMTP_DEFAULT,
        metavar="HOST:PORT",
        help="where to listen (port 25 to be the MX itself)",
    )
    p.set_defaults(func=cmd_smtpd, precheck=smtpd_precheck)

    p = sub.add_parser("worker", help="run a background worker (processing, delivery, timers)")
    p.add_argument("--workers", type=int, metavar="N", help=workers_help)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="create or update the database tables")
    p.set_defaults(func=cmd_migrate)
