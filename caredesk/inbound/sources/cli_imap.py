"""The `caredesk imap` commands: configure a mailbox's IMAP account, test it, sync it, see its
health. Secrets are read from a prompt, a file or the environment, and never printed."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from caredesk.core.errors import InvalidRequest

EX_OK = 0
EX_USAGE = 64
EX_UNAVAILABLE = 69


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "imap",
        help="fetch an existing mailbox over IMAP (Google Workspace, Microsoft 365, ...)",
        description="Workers fetch every enabled IMAP account: IDLE when the server offers it, "
        "polling otherwise. See docs/mail-setup.md.",
    )
    isub = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    q = isub.add_parser("set", help="create or change a mailbox's IMAP account")
    q.add_argument(
        "mailbox", metavar="ADDRESS", help="the caredesk mailbox, e.g. support@example.com"
    )
    q.add_argument("--host", help="the IMAP server, e.g. imap.gmail.com")
    q.add_argument("--port", type=int, help="default 993 (tls) or 143 (starttls, plain)")
    q.add_argument(
        "--security",
        choices=["tls", "starttls", "plain"],
        help="how the connection is protected (default tls)",
    )
    q.add_argument("--username", help="the account to sign in as (often the address)")
    q.add_argument(
        "--auth",
        choices=["password", "xoauth2"],
        help="password (or app password), or an OAuth2 token (default password)",
    )
    secret = q.add_mutually_exclusive_group()
    secret.add_argument("--password-prompt", action="store_true", help="ask for the secret")
    secret.add_argument("--password-file", type=Path, help="read the secret from a file")
    secret.add_argument("--password-env", metavar="VAR", help="read the secret from a variable")
    q.add_argument("--token-provider", help="XOAUTH2: dotted path of callable(account) -> token")
    q.add_argument("--folder", help="default INBOX")
    q.add_argument(
        "--after",
        choices=["seen", "move", "keep"],
        help="once stored: flag \\Seen (default), move to --move-to, or leave untouched",
    )
    q.add_argument("--move-to", metavar="FOLDER", help="with --after move: the folder to move to")
    start = q.add_mutually_exclusive_group()
    start.add_argument("--import-history", action="store_true", help="first sync imports all")
    start.add_argument("--from-now", action="store_true", help="first sync skips what is there")
    enabled = q.add_mutually_exclusive_group()
    enabled.add_argument("--enable", action="store_true", help="workers fetch this account")
    enabled.add_argument(
        "--disable", action="store_true", help="workers leave it alone (settings kept)"
    )
    q.set_defaults(func=cmd_set)

    q = isub.add_parser("show", help="settings and health of IMAP accounts (secrets hidden)")
    q.add_argument(
        "mailbox", nargs="?", metavar="ADDRESS", help="one caredesk mailbox (default: all)"
    )
    q.set_defaults(func=cmd_show)

    q = isub.add_parser("test", help="connect, sign in and open the folder, then report")
    q.add_argument("mailbox", metavar="ADDRESS", help="the caredesk mailbox to try")
    q.set_defaults(func=cmd_test)

    q = isub.add_parser(
        "sync",
        help="fetch now, in this process, with a progress bar (e.g. a first history import)",
    )
    q.add_argument("mailbox", metavar="ADDRESS", help="the caredesk mailbox to fetch")
    q.add_argument("--batch", type=int, default=50, help="emails per transaction (default 50)")
    q.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")
    q.set_defaults(func=cmd_sync)


def _mailbox(address: str) -> Any:
    from caredesk.mailboxes.models import Mailbox

    mailbox = Mailbox.objects.filter(address=address.strip().lower()).first()
    if mailbox is None:
        raise InvalidRequest(f"there is no mailbox {address}; add it with `caredesk mailbox add`")
    return mailbox


def _account(address: str) -> Any:
    from caredesk.mailboxes.models import ImapAccount

    account = (
        ImapAccount.objects.select_related("mailbox").filter(mailbox=_mailbox(address)).first()
    )
    if account is None:
        raise InvalidRequest(f"{address} has no IMAP account; set one with `caredesk imap set`")
    return account


def _secret(args: argparse.Namespace) -> str | None:
    if args.password_prompt:
        return getpass.getpass("password or access token: ")
    if args.password_file:
        password_file: Path = args.password_file
        return password_file.read_text().strip()
    if args.password_env:
        value = os.environ.get(args.password_env)
        if value is None:
            raise InvalidRequest(f"the variable {args.password_env} is not set")
        return value
    return None


def cmd_set(args: argparse.Namespace) -> int:
    from caredesk.mailboxes.imap import imap_account_set

    port = args.port
    if port is None and args.security is not None:
        port = 993 if args.security == "tls" else 143
    account = imap_account_set(
        mailbox=_mailbox(args.mailbox),
        host=args.host,
        port=port,
        security=args.security,
        username=args.username,
        auth=args.auth,
        secret=_secret(args),
        token_provider=args.token_provider,
        folder=args.folder,
        after_fetch=args.after,
        move_to=args.move_to,
        import_history=True if args.import_history else False if args.from_now else None,
        enabled=True if args.enable else False if args.disable else None,
    )
    print(f"IMAP account for {account.mailbox} saved; workers pick it up within seconds")
    _print(account)
    return EX_OK


def cmd_show(args: argparse.Namespace) -> int:
    from caredesk.mailboxes.models import ImapAccount

    accounts = (
        [_account(args.mailbox)]
        if args.mailbox
        else list(ImapAccount.objects.select_related("mailbox").order_by("mailbox__address"))
    )
    if not accounts:
        print("no IMAP accounts; add one with `caredesk imap set`")
    for account in accounts:
        _print(account)
    return EX_OK


def _print(account: Any) -> None:
    health = "failing since " + str(account.failing_since) if account.failing_since else "ok"
    if account.last_success_at is None and account.failing_since is None:
        health = "not fetched yet"
    rows = [
        ("mailbox", account.mailbox.address),
        ("enabled", "yes" if account.enabled else "no"),
        ("server", f"{account.host}:{account.port} ({account.security})"),
        ("user", f"{account.username} ({account.auth})"),
        ("secret", account.secret_hint),
        ("folder", account.folder),
        (
            "after fetch",
            account.after_fetch + (f" to {account.move_to}" if account.move_to else ""),
        ),
        ("first sync", "import history" if account.import_history else "from now on"),
        ("health", health),
        ("last success", str(account.last_success_at or "never")),
        (
            "last error",
            f"{account.last_error} ({account.last_error_at})" if account.last_error else "none",
        ),
        ("fetched", str(account.fetched_count)),
        ("position", f"UIDVALIDITY {account.uidvalidity}, last UID {account.last_uid}"),
        ("fetched by", account.lease_owner or "no worker right now"),
    ]
    for label, value in rows:
        print(f"  {label + ':':14} {value}")
    print()


def cmd_test(args: argparse.Namespace) -> int:
    from caredesk.inbound.sources.imap import ImapProblem, imap_close, imap_connect, imap_select

    account = _account(args.mailbox)
    try:
        client = imap_connect(account)
    except ImapProblem as exc:
        print(f"caredesk: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    try:
        uidvalidity, uidnext = imap_select(client, account)
        idle = "yes" if client.has_capability("IDLE") else "no (caredesk polls)"
        count = len(client.search(["ALL"]))
    except ImapProblem as exc:
        print(f"caredesk: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    finally:
        imap_close(client)
    print(f"signed in to {account.host} as {account.username}")
    print(f"folder {account.folder}: {count} emails, UIDVALIDITY {uidvalidity}, next UID {uidnext}")
    print(f"IDLE (push): {idle}")
    return EX_OK


def cmd_sync(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from caredesk.inbound.sources.imap import ImapProblem, imap_close, imap_connect, imap_sync
    from caredesk.inbound.sources.imap_fetcher import (
        imap_lease_acquire,
        imap_lease_release,
        imap_problem_record,
        new_owner,
    )

    account = _account(args.mailbox)
    owner = new_owner()
    if not imap_lease_acquire(account_id=account.pk, owner=owner):
        print(
            f"caredesk: {account.mailbox} is being fetched by {account.lease_owner} (or is "
            "disabled); try again when it is done",
            file=sys.stderr,
        )
        return EX_UNAVAILABLE
    bar = tqdm(unit="email", disable=args.no_progress, desc=account.mailbox.address)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        client = imap_connect(account)
        try:
            result = imap_sync(client, account, owner=owner, batch=args.batch, progress=progress)
        finally:
            imap_close(client)
    except ImapProblem as exc:
        imap_problem_record(account_id=account.pk, message=str(exc))
        print(f"caredesk: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    finally:
        bar.close()
        imap_lease_release(account_id=account.pk, owner=owner)
    skipped = f", {result.skipped} already stored" if result.skipped else ""
    print(f"{result.stored} new emails stored{skipped}")
    return EX_OK
