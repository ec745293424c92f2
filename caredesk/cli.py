"""The `caredesk` command. Each subcommand is a few lines calling a service."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

EX_OK = 0
EX_USAGE = 64
EX_TEMPFAIL = 75


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.config.settings")
    import django

    django.setup()


def _hostport(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    return host, int(port)


def cmd_run(args: argparse.Namespace) -> int:
    from caredesk.runner import run_all

    return run_all(http=args.http, smtp=args.smtp, workers=args.workers)


def cmd_web(args: argparse.Namespace) -> int:
    from caredesk.runner import serve_web

    serve_web(*args.http)
    return EX_OK


def cmd_smtpd(args: argparse.Namespace) -> int:
    from caredesk.inbound.sources.smtp import serve

    serve(*args.smtp)
    return EX_OK


def cmd_worker(args: argparse.Namespace) -> int:
    from caredesk.runner import run_worker

    run_worker(workers=args.workers)
    return EX_OK


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    return EX_OK


def cmd_mailbox_add(args: argparse.Namespace) -> int:
    from caredesk.mailboxes.services import mailbox_create

    mailbox = mailbox_create(address=args.address, name=args.name or "")
    print(f"mailbox {mailbox.address} added")
    return EX_OK


def cmd_mailbox_list(args: argparse.Namespace) -> int:
    from caredesk.mailboxes.models import Mailbox

    for mailbox in Mailbox.objects.order_by("address"):
        print(f"{mailbox.address}\t{mailbox.name}")
    return EX_OK


def cmd_agent_add(args: argparse.Namespace) -> int:
    from caredesk.accounts.services import agent_create

    agent = agent_create(
        email=args.email, name=args.name, role=args.role, team=args.team, password=args.password
    )
    print(f"agent {agent.email} ({agent.role}) added")
    return EX_OK


def cmd_token_create(args: argparse.Namespace) -> int:
    from caredesk.accounts.selectors import agent_get
    from caredesk.accounts.services import api_token_create
    from caredesk.core.errors import NotFound

    try:
        agent = agent_get(email=args.agent)
    except NotFound:
        print(f"caredesk: no agent with the address {args.agent}", file=sys.stderr)
        return EX_USAGE
    print(api_token_create(agent=agent))
    return EX_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from caredesk.inbound.sources.cli_ingest import run_ingest

    return run_ingest(args)


def cmd_reprocess(args: argparse.Namespace) -> int:
    from caredesk.inbound.services import intake_reprocess

    done = intake_reprocess(ids=args.ids, quarantined=args.quarantined)
    for intake_id, status in done:
        print(f"{intake_id}\t{status}")
    return EX_OK


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["caredesk manage", *args.rest])
    return EX_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="caredesk",
        description="caredesk: an email help desk. Configure with CAREDESK_* variables "
        "(see docs/configuration.md).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="migrate, then run web, SMTP intake and worker together")
    p.add_argument("--http", type=_hostport, default=("127.0.0.1", 8000), metavar="HOST:PORT")
    p.add_argument("--smtp", type=_hostport, default=("127.0.0.1", 2525), metavar="HOST:PORT")
    p.add_argument("--workers", type=int, default=None, help="worker threads")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("web", help="run the web server (agent UI, API, health, metrics)")
    p.add_argument("--http", type=_hostport, default=("127.0.0.1", 8000), metavar="HOST:PORT")
    p.set_defaults(func=cmd_web)

    p = sub.add_parser("smtpd", help="run the SMTP intake server")
    p.add_argument("--smtp", type=_hostport, default=("127.0.0.1", 2525), metavar="HOST:PORT")
    p.set_defaults(func=cmd_smtpd)

    p = sub.add_parser("worker", help="run a background worker (processing, delivery, timers)")
    p.add_argument("--workers", type=int, default=None, help="worker threads")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="create or update the database tables")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("mailbox", help="support addresses")
    msub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = msub.add_parser("add", help="add a support address such as support@example.com")
    q.add_argument("address")
    q.add_argument("--name", help="sender name on outgoing mail, e.g. 'Example Support'")
    q.set_defaults(func=cmd_mailbox_add)
    q = msub.add_parser("list", help="list support addresses")
    q.set_defaults(func=cmd_mailbox_list)

    p = sub.add_parser("agent", help="support team members")
    asub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = asub.add_parser("add", help="add an agent")
    q.add_argument("email")
    q.add_argument("--name", required=True)
    q.add_argument("--role", choices=["admin", "supervisor", "agent"], default="agent")
    q.add_argument("--team")
    q.add_argument("--password", help="omit to add an agent who cannot sign in yet")
    q.set_defaults(func=cmd_agent_add)

    p = sub.add_parser("token", help="API tokens")
    tsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = tsub.add_parser("create", help="create an API token for an agent and print it")
    q.add_argument("--agent", required=True, metavar="EMAIL")
    q.set_defaults(func=cmd_token_create)

    p = sub.add_parser(
        "ingest",
        help="store email from an MTA pipe or import .eml files, an mbox or a Maildir",
        description="With no files (or '-') reads one email from standard input, as an MTA "
        "pipe does: exit 0 once stored, 75 (EX_TEMPFAIL) if it could not be stored so the MTA "
        "retries. Files, --mbox and --maildir import history with a progress bar; imported "
        "mail is not acknowledged.",
    )
    p.add_argument(
        "--mailbox", required=True, metavar="ADDRESS", help="the support address it was sent to"
    )
    p.add_argument("files", nargs="*", type=Path, metavar="FILE.eml", help=".eml files to import")
    p.add_argument("--mbox", type=Path, metavar="FILE", help="import every email of an mbox file")
    p.add_argument("--maildir", type=Path, metavar="DIR", help="import every email of a Maildir")
    p.add_argument("--sender", default="", help="envelope sender (from the MTA)")
    p.add_argument("--recipient", default="", help="envelope recipient (from the MTA)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    from caredesk.inbound.sources import cli_imap

    cli_imap.add_commands(sub)

    p = sub.add_parser("reprocess", help="process stored emails again (e.g. quarantined ones)")
    p.add_argument("ids", nargs="*", type=int, metavar="INTAKE_ID")
    p.add_argument("--quarantined", action="store_true", help="every quarantined email")
    p.set_defaults(func=cmd_reprocess)

    p = sub.add_parser("manage", help="run a Django management command", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        _setup()
    except Exception as exc:
        print(f"caredesk: cannot start: {exc}", file=sys.stderr)
        # An MTA piping mail to us must retry rather than bounce it.
        return EX_TEMPFAIL if args.command == "ingest" else 1
    from caredesk.core.errors import InvalidRequest

    try:
        result: int = args.func(args)
    except InvalidRequest as exc:
        print(f"caredesk: {exc}", file=sys.stderr)
        return EX_USAGE
    return result


if __name__ == "__main__":
    sys.exit(main())
