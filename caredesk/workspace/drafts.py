"""Drafts: what an agent is writing on a ticket, kept on the server while they type.

One draft per agent and ticket, seen by nobody else. It comes back when the agent opens the
ticket again (in any browser), and goes when the reply or note is sent or the agent discards it.
Sending goes through here too (`draft_send`), so that the draft goes in the same transaction as
the message is made, and a refused message keeps its words as the draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from caredesk.access import drafts_visible, principal_of, templates_offered
from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.core.errors import Forbidden, InvalidRequest, NotFound
from caredesk.core.text import clean_text
from caredesk.replies.models import ReplyTemplate
from caredesk.replies.sending import MacroRefused, ticket_reply_from_template
from caredesk.tickets.attachments import Upload
from caredesk.tickets.models import Message, Status, Ticket
from caredesk.tickets.replies import ticket_reply
from caredesk.tickets.services import ticket_add_note
from caredesk.workspace.models import Draft
from caredesk.workspace.presence import news_since

MAX_TEXT = 100_000
STATUSES_AFTER = ("", Status.PENDING, Status.SOLVED)


class StaleDraft(InvalidRequest):
    """The page saving the draft was opened before its agent sent a message on the ticket."""


def draft_get(*, agent: Agent, ticket: Ticket) -> Draft | None:
    return Draft.objects.filter(drafts_visible(principal_of(agent)), ticket=ticket).first()


def draft_save(
    *,
    agent: Agent,
    ticket: Ticket,
    kind: str,
    text: str,
    cc: str = "",
    status_after: str = "",
    since: int | None = None,
    template: int | None = None,
    macro_dropped: bool = False,
) -> Draft | None:
    """Keep what `agent` is writing on `ticket`; an empty composer keeps nothing (None).
    `template`, the one inserted last, is kept when it is one offered to the agent.

    `since` is the newest conversation entry of the page that writes: when the agent has sent
    a message on the ticket after it, that page's composer was sent already (a save that was
    still on its way, or a second tab), and saving would bring a sent draft back."""
    text = text.replace("\x00", "")
    cc = clean_text(cc)
    if len(text) > MAX_TEXT or len(cc) > 2000:
        raise InvalidRequest("the draft is too long to keep")
    if since is not None and (
        Message.objects.filter(ticket=ticket, author=agent, pk__gt=since).exists()
    ):
        raise StaleDraft(
            "you sent a message on this ticket after opening this page; reload it to go on writing"
        )
    if not text.strip() and not cc:
        draft_discard(agent=agent, ticket=ticket)
        return None
    draft, _ = Draft.objects.update_or_create(
        agent=agent,
        ticket=ticket,
        defaults={
            "kind": kind if kind in Draft.Kind.values else Draft.Kind.REPLY,
            "text": text,
            "cc": cc,
            "status_after": status_after if status_after in STATUSES_AFTER else "",
            "template": _offered(agent, template),
            "macro_dropped": macro_dropped,
            "saved_at": clock.now(),
        },
    )
    return draft


def draft_template(*, draft: Draft, agent: Agent) -> ReplyTemplate | None:
    """The template `draft` was made from, while it is still offered to its agent (one retired
    since is forgotten: the reply goes as written)."""
    return _offered(agent, draft.template_id)


def _offered(agent: Agent, pk: int | None) -> ReplyTemplate | None:
    if pk is None or not 0 < pk < 2**31:
        return None
    return ReplyTemplate.objects.filter(templates_offered(principal_of(agent)), pk=pk).first()


def draft_discard(*, agent: Agent, ticket: Ticket) -> None:
    Draft.objects.filter(drafts_visible(principal_of(agent)), ticket=ticket).delete()


def draft_send(
    *,
    agent: Agent,
    ticket: Ticket,
    kind: str,
    text: str,
    cc: str = "",
    status_after: str = "",
    attachments: Sequence[Upload] = (),
    since: int | None = None,
    template: int | None = None,
    macro_dropped: bool = False,
) -> str:
    """Send the composer's reply (or add its note) and drop the agent's draft, together; says
    what was done. When the message is refused, what was written is kept as the draft (files
    are not: the agent attaches them again) and the InvalidRequest goes on to the caller.

    `since`, the last conversation entry the agent's page showed: a reply is held back once
    when something came in after it, so the agent reads it first (sending again sends).
    `template`, the one the reply was made from: its use is recorded and its macro applied
    (unless `macro_dropped`), by `caredesk.replies.sending`; a note ignores it."""
    try:
        with transaction.atomic():
            news = news_since(ticket=ticket, agent=agent, since=since) if since else ""
            if news and kind != Draft.Kind.NOTE:
                raise InvalidRequest(
                    f"not sent: {news} after you opened this ticket. Read it, then send "
                    "again (what you wrote is kept as a draft)"
                )
            if kind == Draft.Kind.NOTE and clean_text(cc):
                # A note is never emailed: CC on one would mean the agent took it for a reply.
                raise InvalidRequest(
                    "a note stays inside caredesk and is copied to nobody: remove the CC "
                    "addresses, or write a reply instead (what you wrote is kept as a draft)"
                )
            if kind == Draft.Kind.NOTE:
                ticket_add_note(ticket=ticket, author=agent, text=text, attachments=attachments)
                done = "Note added."
            else:
                addresses = [a for a in cc.replace(";", ",").split(",") if a.strip()]
                status = status_after or None
                if template is not None:
                    _reply_from_template(
                        ticket=ticket,
                        author=agent,
                        template_id=template,
                        apply_macro=not macro_dropped,
                        text=text,
                        cc=addresses,
                        status_after=status,
                        attachments=attachments,
                    )
                    done = f"Reply sent; the ticket is {ticket.status} now."
                else:
                    ticket_reply(
                        ticket=ticket,
                        author=agent,
                        text=text,
                        cc=addresses,
                        status_after=status,
                        attachments=attachments,
                    )
                    done = f"Reply sent; the ticket is {status} now." if status else "Reply sent."
            draft_discard(agent=agent, ticket=ticket)
    except InvalidRequest:
        if text.strip() or cc.strip():
            draft_save(
                agent=agent,
                ticket=ticket,
                kind=kind,
                text=text[:MAX_TEXT],
                cc=cc[:2000],
                status_after=status_after,
                template=template,
                macro_dropped=macro_dropped,
            )
        raise
    return done


def _reply_from_template(
    *,
    ticket: Ticket,
    author: Agent,
    template_id: int,
    apply_macro: bool,
    text: str,
    cc: list[str],
    status_after: str | None,
    attachments: Sequence[Upload],
) -> None:
    """A template the agent may not send from (gone, not approved) is the composer's mistake
    to correct, said with the draft kept, not a page of its own."""
    try:
        ticket_reply_from_template(
            ticket=ticket,
            author=author,
            template_id=template_id,
            apply_macro=apply_macro,
            text=text,
            cc=cc,
            status_after=status_after,
            attachments=attachments,
        )
    except MacroRefused as exc:
        raise InvalidRequest(
            f"not sent: {exc}. Send it without the macro (×), or ask the template's owner to "
            "correct it (what you wrote is kept as a draft)"
        ) from None
    except (NotFound, Forbidden) as exc:
        raise InvalidRequest(f"not sent: {exc} (what you wrote is kept as a draft)") from None


def draft_saved_label(*, draft: Draft, agent: Agent) -> str:
    """The line under the composer, such as "Draft saved 14:05", in the agent's time zone."""
    try:
        zone = ZoneInfo(agent.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return f"Draft saved {draft.saved_at.astimezone(zone):%H:%M}"
