"""What admins do to records in the admin are actions calling services: run stored emails
through intake again, and queue failed outgoing emails again."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from caredesk.accounts.models import Agent
from caredesk.inbound.models import InboundMessage, IntakeStatus
from caredesk.inbound.receive import inbound_receive
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from caredesk.outbound.services import outbound_deliver, outbound_retry
from caredesk.tickets.models import Ticket, TicketEvent
from tests.api.support import new_ticket, raw_email
from tests.conftest import ticket_of
from tests.mail import SmtpSink

pytestmark = pytest.mark.django_db


def _act(client: Client, path: str, action: str, ids: list[int]) -> Any:
    form = {"action": action, "_selected_action": [str(i) for i in ids], "index": "0"}
    return client.post(f"/admin/{path}/", form, follow=True)


def test_reprocess_runs_stored_emails_through_intake(
    admin_client: Client, mailbox: Mailbox
) -> None:
    # Stored, but never processed (the worker was down).
    waiting = inbound_receive(
        raw=raw_email(subject="Stuck in intake"),
        mailbox_id=mailbox.pk,
        source="smtp",
        envelope_from="",
        envelope_to=[mailbox.address],
        process=False,
    )
    assert InboundMessage.objects.get(pk=waiting.pk).status == IntakeStatus.RECEIVED

    page = _act(admin_client, "inbound/inboundmessage", "reprocess", [waiting.pk])

    assert page.status_code == 200
    assert "Reprocessed 1: 1 processed." in page.content.decode()
    row = InboundMessage.objects.get(pk=waiting.pk)
    assert row.status == IntakeStatus.PROCESSED
    assert ticket_of(row).subject == "Stuck in intake"

    again = _act(admin_client, "inbound/inboundmessage", "reprocess", [waiting.pk])
    assert "1 ignored" in again.content.decode()  # a duplicate now: safe to run again
    assert Ticket.objects.count() == 1


def test_retry_delivery_queues_failed_emails_again_and_sends_them(
    admin_client: Client,
    mailbox: Mailbox,
    relay: SmtpSink,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    relay.handler.refuse["jane@example.net"] = "550 5.1.1 No such user"
    ticket = new_ticket(mailbox)
    acknowledgement = OutboundEmail.objects.get(ticket=ticket)
    assert outbound_deliver(outbound_id=acknowledgement.pk) == DeliveryStatus.FAILED
    relay.handler.refuse.clear()  # the address was fixed on the customer's side
    sent = new_ticket(mailbox, sender="bob@example.org")
    other = OutboundEmail.objects.get(ticket=sent)
    assert outbound_deliver(outbound_id=other.pk) == DeliveryStatus.SENT

    with django_capture_on_commit_callbacks(execute=True):
        page = _act(
            admin_client, "outbound/outboundemail", "retry_delivery", [acknowledgement.pk, other.pk]
        )

    assert "Queued 1 email again; 1 not failed, left alone." in page.content.decode()
    acknowledgement.refresh_from_db()
    assert acknowledgement.status == DeliveryStatus.SENT  # the worker sent it once queued
    assert acknowledgement.attempts == 1
    assert relay.received[-1].rcpt_tos == ["jane@example.net"]
    other.refresh_from_db()
    assert other.status == DeliveryStatus.SENT and other.attempts == 1
    # The ticket's history says who queued it again.
    retried = TicketEvent.objects.get(kind="delivery_retried")
    assert (retried.ticket_id, retried.data) == (
        acknowledgement.ticket_id,
        {"outbound": acknowledgement.pk},
    )
    assert retried.actor is not None and retried.actor.role == "admin"
    assert not TicketEvent.objects.filter(kind="delivery_retried", ticket=sent).exists()


def test_retry_leaves_emails_that_did_not_fail_alone(mailbox: Mailbox, agent: Agent) -> None:
    queued = OutboundEmail.objects.get(ticket=new_ticket(mailbox))
    assert outbound_retry(emails=[queued], actor=agent) == []
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (DeliveryStatus.QUEUED, 0)
