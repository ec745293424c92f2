"""The `caredesk` command. Each subcommand is a few lines calling a service.

Commands live by subject: serve (run, web, smtpd, worker, migrate), people (agent, token),
mail (mailbox, ingest, reprocess); `imap` is inbound's own (caredesk/inbound/sources/cli_imap.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from caredesk.cli._common import EX_FAIL, EX_OK, EX_TEMPFAIL, EX_USAGE, CliError, Parser

__all__ = ["build_parser", "main"]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.config.settings")
    import django

    django.setup()


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["caredesk manage", *args.rest])
    return EX_OK


def build_parser() -> argparse.ArgumentParser:
    from caredesk.cli import mail, people, serve
    from caredesk.inbound.sources import cli_imap

    parser = Parser(
        prog="caredesk",
        description="caredesk: an email help desk. Configure with CAREDESK_* variables "
        "(see docs/configuration.md); its data lives in CAREDESK_HOME, ./var by default. "
        "`caredesk COMMAND --help` describes each command's options.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve.add_commands(sub)
    mail.add_commands(sub)
    people.add_commands(sub)
    cli_imap.add_commands(sub)

    p = sub.add_parser(
        "manage",
        help="run a Django management command",
        description="Runs Django's management command COMMAND with its ARGS, on caredesk's "
        "settings: `caredesk manage help` lists them, `caredesk manage COMMAND --help` "
        "describes one.",
    )
    p.add_argument("rest", nargs=argparse.REMAINDER, metavar="COMMAND [ARGS]", help="what to run")
    p.set_defaults(func=cmd_manage)
    return parser


def _data_checks(command: str) -> None:
    from caredesk.cli.data import CREATE_DATA, data_check_after_setup, data_check_before_setup

    if command not in CREATE_DATA:
        data_check_before_setup()
    _setup()
    if command not in CREATE_DATA:
        data_check_after_setup()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "manage" and not args.rest:
        build_parser().parse_args(["manage", "--help"])
    # An MTA piping mail to us must retry rather than bounce it, whatever stops us.
    failure = EX_TEMPFAIL if args.command == "ingest" else None
    try:
        precheck = getattr(args, "precheck", None)
        if precheck is not None:
            precheck(args)  # e.g. a taken port, before anything is created
        _data_checks(args.command)
    except CliError as exc:
        print(f"caredesk: {exc}", file=sys.stderr)
        return failure or exc.code
    except Exception as exc:
        print(f"caredesk: cannot start: {exc}", file=sys.stderr)
        return failure or EX_FAIL
    from caredesk.core.errors import InvalidRequest

    try:
        result: int = args.func(args)
    except CliError as exc:
        print(f"caredesk: {exc}", file=sys.stderr)
        return exc.code
    except InvalidRequest as exc:
        print(f"caredesk: {exc}", file=sys.stderr)
        return EX_USAGE
    except KeyboardInterrupt:
        print("caredesk: interrupted", file=sys.stderr)
        return 130
    if args.command in ("web", "smtpd", "worker"):
        _exit_now(result)
    return result


def _exit_now(code: int) -> None:
    """A part that has stopped serving exits without the interpreter's teardown of every
    module Django loaded, which on a busy machine is most of the time Ctrl-C takes. Its work
    is done: connections are closed and logs flushed first."""
    import logging

    from django.db import connections

    connections.close_all()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
