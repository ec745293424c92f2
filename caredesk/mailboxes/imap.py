"""Configuring a mailbox's IMAP account: one service, used by the CLI and the admin."""

from __future__ import annotations

from typing import Any

from caredesk.core.errors import InvalidRequest
from caredesk.mailboxes.models import AfterFetch, ImapAccount, ImapAuth, ImapSecurity, Mailbox

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
# Changing one of these points the account at other mail: what was fetched says nothing then.
WHERE = ("host", "port", "username", "folder")


def imap_account_set(*, mailbox: Mailbox, **changes: Any) -> ImapAccount:
    """Create or change the IMAP account of `mailbox` (fields of ImapAccount; None: unchanged).

    Refuses what cannot work, saying why: plain connections beyond this machine, "move"
    without a folder, no password or token. Pointing it at another server, user or folder
    starts that folder afresh.
    """
    account = imap_account_prepare(mailbox=mailbox, **changes)
    account.save()
    return account


def imap_account_prepare(*, mailbox: Mailbox, **changes: Any) -> ImapAccount:
    """`imap_account_set` without saving: the checked account, for forms to save later."""
    account = ImapAccount.objects.filter(mailbox=mailbox).first() or ImapAccount(mailbox=mailbox)
    unknown = set(changes) - {f.name for f in ImapAccount._meta.get_fields()}
    if unknown:
        raise InvalidRequest(f"unknown IMAP settings: {', '.join(sorted(unknown))}")
    before = {name: getattr(account, name) for name in WHERE}
    for name, value in changes.items():
        if value is not None:
            setattr(
                account,
                name,
                value.strip() if isinstance(value, str) and name != "secret" else value,
            )
    _check(account)
    if account.pk is not None and any(getattr(account, n) != before[n] for n in WHERE):
        account.uidvalidity = None
        account.last_uid = 0
        account.first_uid = 0
    return account


def _check(account: ImapAccount) -> None:
    if not account.host:
        raise InvalidRequest("an IMAP account needs a host")
    if not 0 < account.port < 65536:
        raise InvalidRequest(f"{account.port} is not a port number")
    if account.security not in ImapSecurity.values:
        raise InvalidRequest(f"security must be one of {', '.join(ImapSecurity.values)}")
    if account.security == ImapSecurity.PLAIN and account.host.lower() not in LOOPBACK:
        raise InvalidRequest(
            "a plain (unencrypted) connection is allowed to this machine only; use tls or starttls"
        )
    if not account.username:
        raise InvalidRequest("an IMAP account needs a username")
    if account.auth not in ImapAuth.values:
        raise InvalidRequest(f"auth must be one of {', '.join(ImapAuth.values)}")
    if account.auth == ImapAuth.PASSWORD and not account.secret:
        raise InvalidRequest("password authentication needs a password")
    if account.auth == ImapAuth.XOAUTH2 and not (account.secret or account.token_provider):
        raise InvalidRequest("XOAUTH2 needs an access token or a token provider")
    if account.after_fetch not in AfterFetch.values:
        raise InvalidRequest(f"after fetching, one of {', '.join(AfterFetch.values)}")
    if account.after_fetch == AfterFetch.MOVE and not account.move_to:
        raise InvalidRequest("moving fetched mail needs a folder to move it to")
    if account.after_fetch == AfterFetch.MOVE and account.move_to == account.folder:
        raise InvalidRequest("the folder to move fetched mail to must not be the one fetched")
