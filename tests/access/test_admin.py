"""The Django admin is one more interface of the access policy: admins alone use it, and the
records (tickets, messages, their history, emails in and out) are shown read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.inbound.models import InboundMessage
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.models import Message, Ticket, TicketEvent
from tests.api.support import new_ticket

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def test_only_admins_use_the_admin_whatever_is_staff_says(client: Client) -> None:
    admin = agent_create(email="ada@example.com", name="Ada", role="admin", password=PASSWORD)
    # A supervisor who kept is_staff (say, from an earlier role) is still not let in, beyond
    # the index and the glossary.
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor", password=PASSWORD)
    Agent.objects.filter(pk=sue.pk).update(is_staff=True)
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)

    for agent, closed in (
        (sue, ("/admin/tickets/ticket/", "/admin/accounts/agent/", "/admin/tickets/")),
        (ann, ("/admin/", "/admin/tickets/ticket/", "/admin/glossary/glossaryterm/")),
    ):
        client.force_login(agent)
        for path in closed:
            refused = client.get(path)
            assert refused.status_code == 302, (agent.email, path)
            assert refused["Location"].startswith("/admin/login/"), (agent.email, path)
        # Signed in, but not an admin: told so, not sent round to sign in again.
        refused = client.get("/admin/login/?next=/admin/tickets/ticket/")
        assert refused.status_code == 403
        assert "Only caredesk admins use this part of the admin" in refused.content.decode()
    client.logout()

    # Everyone signs in on the one (throttled) form, which then leads on to the admin.
    sent = client.get("/admin/login/?next=/admin/tickets/ticket/")
    assert sent.status_code == 302
    assert sent["Location"] == "/sign-in?next=%2Fadmin%2Ftickets%2Fticket%2F"
    signed_in = client.post(
        "/sign-in",
        {"email": admin.email, "password": PASSWORD, "next": "/admin/tickets/ticket/"},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/tickets/ticket/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/").status_code == 302  # signed in already: on to the admin


def test_view_on_site_links_say_nothing_to_others(client: Client, mailbox: Mailbox) -> None:
    ticket = new_ticket(mailbox)
    client.force_login(agent_create(email="ann@example.com", name="Ann", role="agent"))
    response = client.get(f"/admin/r/1/{ticket.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


RECORDS = [
    ("tickets/ticket", Ticket),
    ("tickets/message", Message),
    ("tickets/ticketevent", TicketEvent),
    ("outbound/outboundemail", OutboundEmail),
    ("inbound/inboundmessage", InboundMessage),
]


@pytest.mark.parametrize(("path", "model"), RECORDS)
def test_records_are_read_only(
    admin_client: Client, mailbox: Mailbox, path: str, model: Any
) -> None:
    new_ticket(mailbox)  # a ticket, its messages and events, the acknowledgement, the intake row
    row = model.objects.order_by("pk").first()
    assert row is not None
    listed = admin_client.get(f"/admin/{path}/")
    assert listed.status_code == 200
    assert "delete_selected" not in listed.content.decode()
    shown = admin_client.get(f"/admin/{path}/{row.pk}/change/")
    assert shown.status_code == 200
    assert 'name="_save"' not in shown.content.decode()
    assert admin_client.get(f"/admin/{path}/add/").status_code == 403
    assert admin_client.get(f"/admin/{path}/{row.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/{path}/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(f"/admin/{path}/{row.pk}/change/", {}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_the_raw_email_stays_out_of_the_intake_rows_page(
    admin_client: Client, mailbox: Mailbox
) -> None:
    ticket = new_ticket(mailbox, body="My card number is 4111 1111 1111 1111.\n")
    row = InboundMessage.objects.get(ticket=ticket)
    page = admin_client.get(f"/admin/inbound/inboundmessage/{row.pk}/change/").content.decode()
    assert "4111" not in page
    assert row.envelope_from in page or row.message_id in page


def test_record_lists_search_and_filter(admin_client: Client, mailbox: Mailbox) -> None:
    found = new_ticket(mailbox, subject="Parcel lost")
    new_ticket(mailbox, sender="bob@example.org", subject="Invoice")
    page = admin_client.get("/admin/tickets/ticket/", {"q": "parcel"})
    assert [t.pk for t in page.context["cl"].result_list] == [found.pk]
    page = admin_client.get("/admin/tickets/message/", {"kind__exact": "acknowledgement"})
    assert page.context["cl"].result_count == 2
    page = admin_client.get("/admin/tickets/ticketevent/", {"q": str(found.pk)})
    assert {e.ticket_id for e in page.context["cl"].result_list} == {found.pk}
