"""The `caredesk ingest` command: MTA pipe mode and importing files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from caredesk.inbound.models import Source
from caredesk.inbound.receive import inbound_receive
from caredesk.inbound.sources import files
from caredesk.mailboxes.models import Mailbox

EX_OK = 0
EX_USAGE = 64
EX_TEMPFAIL = 75


def _pipe(mailbox: Mailbox, args: argparse.Namespace) -> int:
    raw = sys.stdin.buffer.read()
    try:
        row = inbound_receive(
            raw=raw,
            mailbox_id=mailbox.pk,
            source=Source.PIPE,
            envelope_from=args.sender,
            envelope_to=[args.recipient or mailbox.address],
        )
    except Exception as exc:
        print(f"caredesk: could not store the email, try again later: {exc}", file=sys.stderr)
        return EX_TEMPFAIL
    print(f"stored as intake {row.pk}", file=sys.stderr)
    return EX_OK


def _eml_files(paths: list[Path]) -> Iterator[bytes]:
    for path in paths:
        yield path.read_bytes()


def is_pipe(args: argparse.Namespace) -> bool:
    return not (args.files or args.mbox or args.maildir) or args.files == [Path("-")]


def run_ingest(args: argparse.Namespace) -> int:
    if not is_pipe(args):
        return _import(args)
    try:
        mailbox = Mailbox.objects.filter(address=args.mailbox.strip().lower()).first()
    except Exception as exc:
        # Whatever went wrong (database down, disk full), the MTA must keep the email and retry.
        print(f"caredesk: could not store the email, try again later: {exc}", file=sys.stderr)
        return EX_TEMPFAIL
    if mailbox is None:
        print(
            f"caredesk: no mailbox {args.mailbox}; add it with `caredesk mailbox add`",
            file=sys.stderr,
        )
        # For an MTA, a missing mailbox is a configuration slip: ask it to keep the mail.
        return EX_TEMPFAIL
    return _pipe(mailbox, args)


def _import(args: argparse.Namespace) -> int:
    mailbox = Mailbox.objects.filter(address=args.mailbox.strip().lower()).first()
    if mailbox is None:
        print(
            f"caredesk: no mailbox {args.mailbox}; add it with `caredesk mailbox add`",
            file=sys.stderr,
        )
        return EX_USAGE
    for path in [*args.files, args.mbox, args.maildir]:
        if path is not None and not path.exists():
            print(f"caredesk: {path} does not exist", file=sys.stderr)
            return EX_USAGE
    if args.mbox:
        messages, total = files.iter_mbox(args.mbox), files.count_mbox(args.mbox)
    elif args.maildir:
        messages, total = files.iter_maildir(args.maildir), files.count_maildir(args.maildir)
    else:
        messages, total = _eml_files(args.files), len(args.files)
    summary = files.ingest(
        mailbox=mailbox, messages=messages, total=total, progress=not args.no_progress
    )
    print(summary.line())
    for failure in summary.failed:
        print(f"  {failure}", file=sys.stderr)
    return EX_TEMPFAIL if summary.failed else EX_OK
