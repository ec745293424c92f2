"""`caredesk mailbox ...`, `ingest` and `reprocess`: support addresses and the mail they get."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from caredesk.cli._common import EX_OK, CliError


def _mailbox(address: str) -> Any:
    from caredesk.mailboxes.models import Mailbox

    mailbox = Mailbox.objects.filter(address=address.strip().lower()).first()
    if mailbox is None:
        raise CliError(f"there is no mailbox {address}; `caredesk mailbox list` shows them")
    return mailbox


def cmd_mailbox_add(args: argparse.Namespace) -> int:
    from caredesk.mailboxes.services import mailbox_create

    mailbox = mailbox_create(address=args.address, name=args.name or "")
    print(f"mailbox {mailbox.address} added; mail to it becomes tickets")
    return EX_OK


def cmd_mailbox_list(args: argparse.Namespace) -> int:
    from caredesk.mailboxes.models import Mailbox

    mailboxes = list(Mailbox.objects.order_by("address"))
    if not mailboxes:
        print("no mailboxes; add one with `caredesk mailbox add`")
    for mailbox in mailboxes:
        acknowledge = "acknowledges" if mailbox.acknowledge else "no acknowledgements"
        print(f"{mailbox.address}\t{mailbox.name}\t{acknowledge}")
    return EX_OK


def cmd_mailbox_set(args: argparse.Namespace) -> int:
    from caredesk.mailboxes.services import mailbox_update

    mailbox = _mailbox(args.address)
    changes = mailbox_update(
        mailbox=mailbox,
        name=args.name,
        acknowledge=True if args.acknowledge else False if args.no_acknowledge else None,
        sender_format=args.sender_format,
        quote_previous=True if args.quote else False if args.no_quote else None,
    )
    print(f"mailbox {mailbox.address}: {'; '.join(changes) or 'nothing to change'}")
    return EX_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from caredesk.inbound.sources.cli_ingest import run_ingest

    return run_ingest(args)


def cmd_reprocess(args: argparse.Namespace) -> int:
    from caredesk.inbound.services import intake_reprocess

    if not args.ids and not args.quarantined:
        raise CliError("say which emails: INTAKE_ID ... or --quarantined")
    done = intake_reprocess(ids=args.ids, quarantined=args.quarantined)
    for intake_id, status in done:
        print(f"{intake_id}\t{status}")
    print(f"{len(done)} emails processed again")
    return EX_OK


def add_commands(sub: Any) -> None:
    p = sub.add_parser("mailbox", help="support addresses")
    msub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = msub.add_parser("add", help="add a support address such as support@example.com")
    q.add_argument("address", help="the address customers write to")
    q.add_argument("--name", help="sender name on outgoing mail, e.g. 'Example Support'")
    q.set_defaults(func=cmd_mailbox_add)
    q = msub.add_parser("list", help="list support addresses")
    q.set_defaults(func=cmd_mailbox_list)
    q = msub.add_parser("set", help="change a support address's sender name or acknowledgements")
    q.add_argument("address", help="the mailbox's address")
    q.add_argument("--name", help="sender name on outgoing mail ('' for none)")
    acknowledge = q.add_mutually_exclusive_group()
    acknowledge.add_argument(
        "--acknowledge", action="store_true", help="acknowledge new tickets by email"
    )
    acknowledge.add_argument(
        "--no-acknowledge", action="store_true", help="send no acknowledgements"
    )
    q.add_argument(
        "--sender-format",
        help="sender name on replies: '{agent} at {mailbox}' (the default), '{mailbox}', '{agent}'",
    )
    quote = q.add_mutually_exclusive_group()
    quote.add_argument(
        "--quote", action="store_true", help="quote the customer's latest message in replies"
    )
    quote.add_argument("--no-quote", action="store_true", help="quote nothing in replies")
    q.set_defaults(func=cmd_mailbox_set)

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

    p = sub.add_parser("reprocess", help="process stored emails again (e.g. quarantined ones)")
    p.add_argument(
        "ids", nargs="*", type=int, metavar="INTAKE_ID", help="intake rows to process again"
    )
    p.add_argument("--quarantined", action="store_true", help="every quarantined email")
    p.set_defaults(func=cmd_reprocess)
