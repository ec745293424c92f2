"""Fetching an existing mailbox over IMAP: connect, store what is new, mark it, wait for more.

Exactly once: the emails of a batch and the account's `last_uid` are committed in one
transaction, and only by the worker holding the account's lease (the UPDATE that advances
`last_uid` names the lease owner, so a worker that lost its lease stores nothing). Marking on
the server (flag \\Seen or move) comes after the commit; if the worker dies in between, the
next session marks what is stored but still unmarked (`imap_heal`).

Sessions, leases and retries are `caredesk.inbound.sources.imap_fetcher`; this module is one
session's work and nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.module_loading import import_string
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from caredesk.core import clock
from caredesk.inbound.models import InboundMessage, Source
from caredesk.inbound.receive import Arrival, inbound_receive_many
from caredesk.mailboxes.models import AfterFetch, ImapAccount, ImapAuth, ImapSecurity

log = logging.getLogger(__name__)

BATCH = 50
TIMEOUT = 30.0  # seconds for connecting and for each command


class ImapProblem(Exception):
    """The server, the network or the settings stopped a session; the message says which."""


class LeaseLost(ImapProblem):
    """Another worker holds the account now: this one must stop without storing anything."""


@dataclass
class SyncResult:
    stored: int = 0
    skipped: int = 0  # already stored (a resync after UIDVALIDITY changed)
    uidvalidity_changed: bool = False


def imap_connect(account: ImapAccount) -> IMAPClient:
    """A logged-in connection; ImapProblem with a clear message when that is not possible."""
    context = ssl.create_default_context()
    try:
        client = IMAPClient(
            account.host,
            port=account.port,
            ssl=account.security == ImapSecurity.TLS,
            ssl_context=context,
            timeout=TIMEOUT,
        )
    except (OSError, IMAPClientError) as exc:
        raise ImapProblem(f"cannot connect to {account.host}:{account.port}: {exc}") from exc
    try:
        if account.security == ImapSecurity.STARTTLS:
            client.starttls(context)
        if account.auth == ImapAuth.XOAUTH2:
            client.oauth2_login(account.username, imap_access_token(account))
        else:
            client.login(account.username, account.secret)
    except LoginError as exc:
        imap_close(client)
        raise ImapProblem(
            f"{account.host} refused the login for {account.username}: {_text(exc)}"
        ) from exc
    except (OSError, IMAPClientError) as exc:
        imap_close(client)
        raise ImapProblem(f"{account.host}: {_text(exc)}") from exc
    return client


def stored_access_token(account: ImapAccount) -> str:
    """The default XOAUTH2 token provider: the access token kept as the account's secret."""
    return account.secret


def imap_access_token(account: ImapAccount) -> str:
    """The XOAUTH2 access token from the account's provider (a dotted path to a callable that
    takes the account, e.g. one refreshing a Google or Microsoft token)."""
    path = account.token_provider or "caredesk.inbound.sources.imap.stored_access_token"
    try:
        provider: Callable[[ImapAccount], str] = import_string(path)
    except ImportError as exc:
        raise ImapProblem(f"the token provider {path!r} cannot be imported: {exc}") from exc
    token = provider(account)
    if not token:
        raise ImapProblem(f"the token provider {path!r} gave no access token")
    return token


def imap_select(client: IMAPClient, account: ImapAccount) -> tuple[int, int]:
    """Open the account's folder: (UIDVALIDITY, UIDNEXT)."""
    try:
        info = client.select_folder(account.folder)
    except IMAPClientError as exc:
        raise ImapProblem(f"cannot open the folder {account.folder!r}: {_text(exc)}") from exc
    imap_news(client)  # SELECT's own EXISTS is no news: the sync reads the folder now
    uidvalidity = int(info[b"UIDVALIDITY"])
    uidnext = int(info.get(b"UIDNEXT", 0)) or _uidnext_by_search(client)
    return uidvalidity, uidnext


def imap_news(client: IMAPClient) -> bool:
    """Whether the server announced new mail (EXISTS) in replies since the last call.

    A server announces each arrival once: mail that lands while a sync runs is announced in
    the SEARCH, FETCH or STORE reply, and not again in the IDLE that follows, so it would wait
    for the next poll. imaplib keeps those announcements; `response()` hands them over and
    forgets them (imapclient has no public way to read them).
    """
    _, data = client._imap.response("EXISTS")
    return any(item is not None for item in data)


def _uidnext_by_search(client: IMAPClient) -> int:
    uids = client.search(["ALL"])
    return max(uids, default=0) + 1


def imap_sync(
    client: IMAPClient,
    account: ImapAccount,
    *,
    owner: str,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> SyncResult:
    """Store every email of the folder above `last_uid`, in batches, then mark each batch.

    `progress(done, total)` is called after each batch (for import progress bars).
    """
    result = SyncResult()
    uidvalidity, uidnext = imap_select(client, account)
    if account.uidvalidity is None:
        # First sync: the history, or only what arrives from now on.
        start = 0 if account.import_history else uidnext - 1
        _advance(
            account, owner=owner, uidvalidity=uidvalidity, last_uid=start, stored=0, first=True
        )
    elif account.uidvalidity != uidvalidity:
        log.warning(
            "imap %s: UIDVALIDITY changed from %s to %s; checking the whole folder again",
            account.mailbox,
            account.uidvalidity,
            uidvalidity,
        )
        result.uidvalidity_changed = True
        _advance(account, owner=owner, uidvalidity=uidvalidity, last_uid=0, stored=0, first=True)
    else:
        imap_heal(client, account)
    uids = sorted(
        u for u in client.search(["UID", f"{account.last_uid + 1}:*"]) if u > account.last_uid
    )
    done = 0
    for start in range(0, len(uids), batch):
        chunk = uids[start : start + batch]
        stored, skipped = _store(
            client, account, chunk, owner=owner, dedupe=result.uidvalidity_changed
        )
        result.stored += stored
        result.skipped += skipped
        _mark(client, account, chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, len(uids))
    return result


def _store(
    client: IMAPClient, account: ImapAccount, uids: Sequence[int], *, owner: str, dedupe: bool
) -> tuple[int, int]:
    """Commit one batch and the new `last_uid` together; announce it to the workers after."""
    fetched: dict[int, dict[bytes, Any]] = client.fetch(list(uids), ["BODY.PEEK[]"])
    now = clock.now()
    raws = [(uid, bytes(fetched[uid][b"BODY[]"])) for uid in uids if uid in fetched]
    skipped = 0
    if dedupe:
        # After a UIDVALIDITY change every email looks new; the ones stored before are the
        # same bytes, so their digest finds them without storing them twice.
        digests = {uid: hashlib.sha256(raw).hexdigest() for uid, raw in raws}
        known = set(
            InboundMessage.objects.filter(
                mailbox_id=account.mailbox_id, sha256__in=list(digests.values())
            ).values_list("sha256", flat=True)
        )
        skipped = sum(1 for uid, _ in raws if digests[uid] in known)
        raws = [(uid, raw) for uid, raw in raws if digests[uid] not in known]
    arrivals = [
        Arrival(
            raw=raw,
            mailbox_id=account.mailbox_id,
            source=Source.IMAP,
            envelope_to=(account.mailbox.address,),
            received_at=now,
        )
        for _, raw in raws
    ]
    with transaction.atomic():
        inbound_receive_many(arrivals)
        _advance(account, owner=owner, last_uid=max(uids), stored=len(arrivals))
    if arrivals:
        transaction.on_commit(_announce)
    return len(arrivals), skipped


def _advance(
    account: ImapAccount,
    *,
    owner: str,
    last_uid: int,
    stored: int,
    uidvalidity: int | None = None,
    first: bool = False,
) -> None:
    """Record progress, only while `owner` holds the lease (else LeaseLost, rolling back).
    `first`: a (re)start of the folder; emails at or below `last_uid` are not caredesk's."""
    now = clock.now()
    fields: dict[str, Any] = {
        "last_uid": last_uid,
        # Progress renews the lease too, so a long import keeps it.
        "lease_until": now + timedelta(seconds=settings.CAREDESK_IMAP_LEASE_SECONDS),
        "fetched_count": F("fetched_count") + stored,
        "last_success_at": now,
        "failing_since": None,
        "alerted_at": None,
    }
    if uidvalidity is not None:
        fields["uidvalidity"] = uidvalidity
    if first:
        fields["first_uid"] = last_uid
    updated = ImapAccount.objects.filter(pk=account.pk, lease_owner=owner).update(**fields)
    if updated != 1:
        raise LeaseLost(f"imap {account.mailbox}: another worker holds this mailbox now")
    account.last_uid = last_uid
    account.fetched_count += stored
    if uidvalidity is not None:
        account.uidvalidity = uidvalidity
    if first:
        account.first_uid = last_uid


def imap_heal(client: IMAPClient, account: ImapAccount) -> int:
    """Mark stored emails a stopped session left unmarked; returns how many."""
    if account.after_fetch == AfterFetch.KEEP or account.last_uid <= account.first_uid:
        return 0
    criteria: list[Any] = ["UID", f"{account.first_uid + 1}:{account.last_uid}"]
    if account.after_fetch == AfterFetch.SEEN:
        criteria.append("UNSEEN")
    uids = [u for u in client.search(criteria) if account.first_uid < u <= account.last_uid]
    if uids:
        _mark(client, account, uids)
    return len(uids)


def _mark(client: IMAPClient, account: ImapAccount, uids: Sequence[int]) -> None:
    if not uids or account.after_fetch == AfterFetch.KEEP:
        return
    if account.after_fetch == AfterFetch.SEEN:
        client.add_flags(list(uids), [b"\\Seen"], silent=True)
        return
    target = account.move_to or "caredesk"
    if not client.folder_exists(target):
        client.create_folder(target)
    if client.has_capability("MOVE"):
        client.move(list(uids), target)
    else:
        client.copy(list(uids), target)
        client.delete_messages(list(uids), silent=True)
        if client.has_capability("UIDPLUS"):
            client.uid_expunge(list(uids))
        else:
            client.expunge()


def _announce() -> None:
    from caredesk.inbound.tasks import process_waiting_inbound

    try:
        process_waiting_inbound()
    except Exception:  # the queue is down: the workers' periodic sweep finds the mail
        log.exception("could not announce new mail to the workers")


def imap_close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # closing a broken connection: nothing left to tell anyone
        with contextlib.suppress(Exception):
            client.shutdown()


def _text(exc: BaseException) -> str:
    if isinstance(exc, OSError):  # (errno, text): str() says both
        return str(exc)
    message = exc.args[0] if exc.args else exc
    if isinstance(message, bytes):
        return message.decode("utf-8", "replace")
    return str(message)
