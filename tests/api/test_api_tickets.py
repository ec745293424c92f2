"""The ticket endpoints, against the real database and the real email pipeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_create, api_token_create
from caredesk.customers.models import CustomerAddress
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import DeliveryStatus, OutboundEmail
from caredesk.outbound.transports import MemoryTransport
from caredesk.tickets.models import Message, MessageKind, Ticket
from caredesk.tickets.services import ticket_assign, ticket_merge, ticket_set_properties
from tests.api.support import Api, new_ticket

pytestmark = pytest.mark.django_db


def _age(ticket: Ticket, minutes: int) -> None:
    """Make `ticket`'s last activity `minutes` ago, to control the list's order."""
    Ticket.objects.filter(pk=ticket.pk).update(
        updated_at=ticket.updated_at - timedelta(minutes=minutes)
    )


# --- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/tickets"),
        ("get", "/tickets/1"),
        ("post", "/tickets/1/replies"),
        ("post", "/tickets/1/notes"),
        ("post", "/tickets/1/status"),
        ("get", "/inbound"),
        ("get", "/inbound/1/raw"),
    ],
)
def test_every_endpoint_needs_a_token(anonymous: Api, method: str, path: str) -> None:
    response = anonymous.get(path) if method == "get" else anonymous.post(path, {"text": "x"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_wrong_token_is_refused(client: Client, ticket: Ticket) -> None:
    response = Api(client, "cd_not-a-real-token").get("/tickets")
    assert response.status_code == 401


def test_a_deactivated_agents_token_stops_working(api: Api, agent: Agent) -> None:
    assert api.get("/tickets").status_code == 200
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert api.get("/tickets").status_code == 401


# --- list ---------------------------------------------------------------------------------


def test_list_shows_tickets_newest_activity_first(api: Api, mailbox: Mailbox) -> None:
    older = new_ticket(mailbox, sender="Bob <bob@example.org>", subject="Refund")
    newer = new_ticket(mailbox, sender="Jane Doe <jane@example.net>", subject="Login")
    _age(older, 10)

    body = api.get("/tickets").json()

    assert body["count"] == 2
    assert [t["reference"] for t in body["items"]] == [newer.pk, older.pk]
    first = body["items"][0]
    assert first["subject"] == "Login"
    assert first["status"] == "new"
    assert first["priority"] == "normal"
    assert first["customer"] == {"name": "Jane Doe", "addresses": ["jane@example.net"]}
    # The customer's email and our acknowledgement.
    assert first["message_count"] == 2
    assert set(first) == {
        "reference",
        "subject",
        "status",
        "priority",
        "customer",
        "created_at",
        "updated_at",
        "message_count",
        "team",
        "category",
        "tags",
        "sla",
    }
    assert (first["team"], first["category"], first["tags"]) == (None, "", [])
    # The standard policy's first-reply target (8 business hours) is due first.
    assert first["sla"]["state"] == "ok"
    assert first["sla"]["policy"] == "Standard"
    assert first["sla"]["next_target"] == "first_reply"
    assert 0 < first["sla"]["remaining_seconds"] <= 8 * 3600


def test_list_filters_by_status(api: Api, mailbox: Mailbox, agent: Agent) -> None:
    open_one = new_ticket(mailbox, sender="a@example.org")
    new_one = new_ticket(mailbox, sender="b@example.org")
    api.post(f"/tickets/{open_one.pk}/status", {"status": "open"})

    assert [t["reference"] for t in api.get("/tickets", status="open").json()["items"]] == [
        open_one.pk
    ]
    assert [t["reference"] for t in api.get("/tickets", status="new").json()["items"]] == [
        new_one.pk
    ]
    assert api.get("/tickets", status="solved").json() == {
        "count": 0,
        "limit": 50,
        "offset": 0,
        "items": [],
    }


def test_list_refuses_an_unknown_status_and_says_which_are_known(api: Api) -> None:
    response = api.get("/tickets", status="bogus")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "invalid request"
    assert body["errors"][0]["loc"] == ["query", "status"]
    assert "'pending'" in body["errors"][0]["msg"]


def test_list_filters_by_any_address_of_the_customer(api: Api, mailbox: Mailbox) -> None:
    jane_work = new_ticket(mailbox, sender="Jane <jane@work.example>")
    jane_home = new_ticket(mailbox, sender="Jane <jane@home.example>")
    bob = new_ticket(mailbox, sender="bob@example.org")
    # Jane's two addresses belong to one customer.
    CustomerAddress.objects.filter(address="jane@home.example").update(customer=jane_work.customer)
    Ticket.objects.filter(pk=jane_home.pk).update(customer=jane_work.customer)

    found = api.get("/tickets", customer="JANE@home.example").json()
    assert found["count"] == 2
    assert {t["reference"] for t in found["items"]} == {jane_work.pk, jane_home.pk}
    assert found["items"][0]["customer"]["addresses"] == ["jane@home.example", "jane@work.example"]
    assert [
        t["reference"] for t in api.get("/tickets", customer="bob@example.org").json()["items"]
    ] == [bob.pk]
    assert api.get("/tickets", customer="nobody@example.org").json()["count"] == 0


def test_list_pages_with_a_total_count(api: Api, mailbox: Mailbox) -> None:
    tickets = [new_ticket(mailbox, sender=f"c{i}@example.org") for i in range(5)]
    for minutes, ticket in enumerate(reversed(tickets)):
        _age(ticket, minutes)
    newest_first = [t.pk for t in reversed(tickets)]

    page1 = api.get("/tickets", limit=2).json()
    page2 = api.get("/tickets", limit=2, offset=2).json()
    page3 = api.get("/tickets", limit=2, offset=4).json()
    beyond = api.get("/tickets", limit=2, offset=50).json()

    assert (page1["count"], page1["limit"], page1["offset"]) == (5, 2, 0)
    assert [t["reference"] for t in page1["items"] + page2["items"] + page3["items"]] == (
        newest_first
    )
    assert page3["count"] == 5 and len(page3["items"]) == 1
    assert beyond["items"] == [] and beyond["count"] == 5


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 201}, {"limit": "ten"}, {"offset": -1}, {"offset": 2**64}],
)
def test_list_refuses_bad_paging(api: Api, params: dict[str, Any]) -> None:
    response = api.get("/tickets", **params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][0] == "query"


def test_list_costs_the_same_queries_for_many_tickets(
    api: Api, mailbox: Mailbox, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for i in range(12):
        new_ticket(mailbox, sender=f"many{i}@example.org")
    api.get("/tickets")  # the token's first use of the minute records it; not part of a page
    # token, count, tickets, the customers' addresses
    with django_assert_max_num_queries(6):
        body = api.get("/tickets").json()
    assert len(body["items"]) == 12
    assert all(t["message_count"] == 2 for t in body["items"])


# --- detail -------------------------------------------------------------------------------


def test_detail_shows_the_conversation_with_attachments_delivery_and_events(
    api: Api, mailbox: Mailbox
) -> None:
    # Nothing commits inside the test, so the acknowledgement stays queued.
    ticket = new_ticket(
        mailbox,
        cc="Carl <carl@example.net>",
        attachment=("invoice.pdf", b"%PDF-1.4 not really"),
    )

    response = api.get(f"/tickets/{ticket.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == ticket.pk
    assert body["merged_into"] is None
    assert body["mailbox"] == "support@example.com"
    assert body["message_count"] == 2
    assert {(p["address"], p["role"]) for p in body["participants"]} == {
        ("jane@example.net", "requester"),
        ("carl@example.net", "cc"),
    }
    customer, ack = body["messages"]
    assert customer["kind"] == "customer"
    assert customer["from_address"] == "jane@example.net"
    assert customer["from_name"] == "Jane Doe"
    assert customer["cc"] == ["carl@example.net"]
    assert "has not arrived" in customer["new_text"]
    assert customer["delivery"] is None
    assert customer["attachments"] == [
        {
            "filename": "invoice.pdf",
            "content_type": "application/pdf",
            "size": len(b"%PDF-1.4 not really"),
            "inline": False,
            "content_id": "",
        }
    ]
    assert ack["kind"] == "acknowledgement"
    assert ack["in_reply_to"] == customer["message_id"]
    assert ack["delivery"] == {"status": "queued", "attempts": 0, "last_error": "", "sent_at": None}
    assert body["events"][0]["kind"] == "created"
    assert body["events"][0]["actor"] is None
    assert body["events"][0]["data"] == {"customer": ticket.customer_id}
    assert body["events"][0]["text"] == "The customer's email opened it"


def test_detail_of_a_merged_ticket_points_at_the_one_it_joined(
    api: Api, mailbox: Mailbox, agent: Agent
) -> None:
    source = new_ticket(mailbox, sender="a@example.org")
    target = new_ticket(mailbox, sender="b@example.org")
    ticket_merge(source=source, target=target, actor=agent, reason="same problem")

    body = api.get(f"/tickets/{source.pk}").json()

    assert body["merged_into"] == target.pk
    assert body["status"] == "closed"
    merged = next(e for e in body["events"] if e["kind"] == "merged_into")
    assert merged == {
        "kind": "merged_into",
        "actor": "ann@example.com",
        "data": {"into": target.pk, "why": "same problem"},
        "text": f"Ann Agent merged this ticket into #{target.pk}: same problem",
        "created_at": merged["created_at"],
    }
    # Its SLA timers stop with it: the conversation's promise is the target's now.
    cancelled = [e for e in body["events"] if e["kind"] == "sla_timer_cancelled"]
    assert {e["data"]["why"] for e in cancelled} == {"merged"}
    assert api.get(f"/tickets/{target.pk}").json()["message_count"] == 4


def test_detail_reads_a_fixed_number_of_queries(
    api: Api, mailbox: Mailbox, agent: Agent, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    ticket = new_ticket(mailbox)
    for i in range(5):
        api.post(f"/tickets/{ticket.pk}/notes", {"text": f"note {i}"})
    with django_assert_max_num_queries(10):  # one more: the agents the history names
        assert api.get(f"/tickets/{ticket.pk}").status_code == 200


def test_unknown_ticket_is_404_with_a_message(api: Api) -> None:
    response = api.get("/tickets/987654")
    assert response.status_code == 404
    assert response.json() == {"detail": "there is no ticket #987654"}


@pytest.mark.parametrize("ref", ["abc", "1.5", "-1", "0", str(2**63), str(10**30), "%00"])
def test_a_reference_that_cannot_exist_is_refused(api: Api, ref: str) -> None:
    for response in (
        api.get(f"/tickets/{ref}"),
        api.post(f"/tickets/{ref}/notes", {"text": "hello"}),
    ):
        assert response.status_code in (404, 422)
        assert response.json()["detail"]


# --- replies ------------------------------------------------------------------------------


def test_reply_is_queued_until_the_transaction_commits(
    api: Api, ticket: Ticket, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(
            f"/tickets/{ticket.pk}/replies",
            {"text": "We are on it.", "cc": ["Boss@Example.net"]},
        )

    assert response.status_code == 201
    message = response.json()
    assert message["kind"] == "reply"
    assert message["author"] == "ann@example.com"
    assert message["new_text"] == "We are on it."
    assert message["to"] == ["jane@example.net"]
    assert message["cc"] == ["boss@example.net"]
    assert message["subject"] == f"Re: My order has not arrived [#{ticket.pk}]"
    assert message["delivery"] == {
        "status": "queued",
        "attempts": 0,
        "last_error": "",
        "sent_at": None,
    }
    assert len(callbacks) == 1  # delivery, once committed
    assert MemoryTransport.sent == []
    detail = api.get(f"/tickets/{ticket.pk}").json()
    assert detail["status"] == "open"
    log = [e["kind"] for e in detail["events"] if not e["kind"].startswith("sla_")]
    assert log[-2:] == ["replied", "status_changed"]
    assert "sla_timer_fulfilled" in [e["kind"] for e in detail["events"]]
    assert "boss@example.net" in {p["address"] for p in detail["participants"]}


def test_reply_is_delivered_after_commit(
    api: Api, ticket: Ticket, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/tickets/{ticket.pk}/replies",
            {"text": "We are on it.", "cc": ["boss@example.net"]},
        )

    message = response.json()
    outbound = OutboundEmail.objects.get(ticket_message_id=message["id"])
    assert outbound.status == DeliveryStatus.SENT
    # Delivery sends everything due, so the ticket's queued acknowledgement went out too.
    (envelope,) = [e for e in MemoryTransport.sent if b"We are on it." in e.data]
    assert set(envelope.rcpt_to) == {"jane@example.net", "boss@example.net"}
    assert b"We are on it." in envelope.data
    delivery = api.get(f"/tickets/{ticket.pk}").json()["messages"][-1]["delivery"]
    assert delivery["status"] == "sent"
    assert delivery["attempts"] == 1
    assert delivery["sent_at"] is not None


def test_reply_can_set_the_status_after(api: Api, ticket: Ticket) -> None:
    response = api.post(
        f"/tickets/{ticket.pk}/replies", {"text": "Try again now.", "status_after": "pending"}
    )
    assert response.status_code == 201
    assert Ticket.objects.get(pk=ticket.pk).status == "pending"


def test_reply_with_an_impossible_status_after_is_undone(api: Api, ticket: Ticket) -> None:
    response = api.post(f"/tickets/{ticket.pk}/replies", {"text": "Bye.", "status_after": "closed"})
    assert response.status_code == 400
    assert response.json() == {"detail": "a new ticket cannot become closed"}
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY).exists()
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY).exists()


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": 42}, "text"),
        ({"text": "hi", "cc": "x@example.org"}, "cc"),
        ({"text": "hi", "cc": ["not an address"]}, "cc"),
        ({"text": "hi", "cc": ["a@"]}, "cc"),
        ({"text": "hi", "cc": ["x" * 250 + "@example.org"]}, "cc"),
        ({"text": "hi", "status_after": "done"}, "status_after"),
        ({"text": "nul \u0000 byte"}, "text"),
        ({"text": "hi", "sign_off": "Ann"}, "sign_off"),
    ],
)
def test_reply_refuses_bad_input_with_the_field_named(
    api: Api, ticket: Ticket, body: dict[str, Any], where: str
) -> None:
    response = api.post(f"/tickets/{ticket.pk}/replies", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1 if where != "cc" else 2] == where
    assert not Message.objects.filter(kind=MessageKind.REPLY).exists()


def test_reply_with_only_whitespace_is_400(api: Api, ticket: Ticket) -> None:
    response = api.post(f"/tickets/{ticket.pk}/replies", {"text": "  \n "})
    assert response.status_code == 400
    assert response.json() == {"detail": "a reply needs some text"}


@pytest.mark.parametrize("raw", ["{not json", "", "null", "[]", '"text"', b'{"text": "\xff\xfe"}'])
def test_a_body_that_is_not_a_json_object_is_refused(
    api: Api, ticket: Ticket, raw: str | bytes
) -> None:
    response = api.post(f"/tickets/{ticket.pk}/replies", raw)
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_reply_to_unknown_ticket_is_404(api: Api) -> None:
    response = api.post("/tickets/4242/replies", {"text": "Hello"})
    assert response.status_code == 404
    assert response.json() == {"detail": "there is no ticket #4242"}


# --- notes --------------------------------------------------------------------------------


def test_note_is_recorded_and_never_emailed(
    api: Api, ticket: Ticket, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    outbox_before = OutboundEmail.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/tickets/{ticket.pk}/notes", {"text": "  Customer is a VIP.  "})

    assert response.status_code == 201
    note = response.json()
    assert note["kind"] == "note"
    assert note["text"] == "Customer is a VIP."
    assert note["author"] == "ann@example.com"
    assert note["message_id"] is None
    assert note["delivery"] is None
    assert OutboundEmail.objects.count() == outbox_before
    assert MemoryTransport.sent == []
    events = api.get(f"/tickets/{ticket.pk}").json()["events"]
    assert events[-1]["kind"] == "note_added"
    assert events[-1]["actor"] == "ann@example.com"


def test_empty_note_is_refused(api: Api, ticket: Ticket) -> None:
    assert api.post(f"/tickets/{ticket.pk}/notes", {"text": ""}).status_code == 422
    response = api.post(f"/tickets/{ticket.pk}/notes", {"text": "   "})
    assert response.status_code == 400
    assert response.json() == {"detail": "a note needs some text"}


# --- status -------------------------------------------------------------------------------


def test_status_follows_the_state_table(api: Api, ticket: Ticket) -> None:
    response = api.post(f"/tickets/{ticket.pk}/status", {"status": "solved"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "solved"
    changed = [e for e in body["events"] if e["kind"] == "status_changed"]
    assert changed[-1]["actor"] == "ann@example.com"
    assert changed[-1]["data"] == {"old": "new", "new": "solved"}

    assert api.post(f"/tickets/{ticket.pk}/status", {"status": "closed"}).status_code == 200
    refused = api.post(f"/tickets/{ticket.pk}/status", {"status": "open"})
    assert refused.status_code == 400
    assert refused.json() == {"detail": "a closed ticket cannot become open"}
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"


def test_setting_the_same_status_again_changes_nothing(api: Api, ticket: Ticket) -> None:
    response = api.post(f"/tickets/{ticket.pk}/status", {"status": "new"})
    assert response.status_code == 200
    kinds = [e["kind"] for e in response.json()["events"]]
    assert [k for k in kinds if not k.startswith("sla_")] == ["created"]


def test_status_must_be_a_known_one(api: Api, ticket: Ticket) -> None:
    response = api.post(f"/tickets/{ticket.pk}/status", {"status": "archived"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "body", "status"]


# --- who may see what (caredesk.access) ---------------------------------------------------

WRITES = [
    ("/replies", {"text": "Hello"}),
    ("/notes", {"text": "mine now"}),
    ("/status", {"status": "open"}),
    ("/priority", {"priority": "urgent", "reason": "because"}),
    ("/properties", {"team": "Billing"}),
    ("/assignee", {"agent": "olga@example.com"}),
]


def test_an_agent_gets_404_for_another_teams_ticket_on_every_endpoint(
    client: Client, mailbox: Mailbox
) -> None:
    """The workspace answered 404 for another team's ticket while the API showed and changed
    it; both now ask caredesk.access."""
    olga = agent_create(email="olga@example.com", name="Olga", role="agent", team="Billing")
    technical = new_ticket(mailbox, sender="z@example.org", subject="SHIPPING SECRET")
    supervisor = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    ticket_set_properties(
        ticket=technical, actor=supervisor, team=Team.objects.get_or_create(name="Technical")[0]
    )
    untriaged = new_ticket(mailbox, sender="y@example.org", subject="No team yet")
    api = Api(client, api_token_create(agent=olga))
    missing = api.get("/tickets/999999")
    assert missing.json() == {"detail": "there is no ticket #999999"}

    listed = api.get("/tickets").json()
    assert [t["reference"] for t in listed["items"]] == [untriaged.pk]
    assert listed["count"] == 1
    assert api.get("/tickets", customer="z@example.org").json()["count"] == 0
    hidden = api.get(f"/tickets/{technical.pk}")
    assert hidden.status_code == 404
    assert hidden.json() == {"detail": f"there is no ticket #{technical.pk}"}
    assert b"SHIPPING" not in hidden.content
    for path, body in WRITES:
        refused = api.post(f"/tickets/{technical.pk}{path}", body)
        assert refused.status_code == 404, path
        assert refused.json() == {"detail": f"there is no ticket #{technical.pk}"}, path

    technical.refresh_from_db()
    assert technical.team is not None
    assert (technical.status, technical.priority, technical.team.name) == (
        "new",
        "normal",
        "Technical",
    )
    assert technical.assignee is None
    assert not technical.messages.filter(kind__in=["reply", "note"]).exists()


def test_members_assignees_and_supervisors_reach_a_teams_ticket(
    client: Client, mailbox: Mailbox
) -> None:
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    tina = agent_create(email="tina@example.com", name="Tina", role="agent", team="Technical")
    olga = agent_create(email="olga@example.com", name="Olga", role="agent", team="Billing")
    ticket = new_ticket(mailbox, sender="z@example.org")
    ticket_set_properties(
        ticket=ticket, actor=sue, team=Team.objects.get_or_create(name="Technical")[0]
    )
    ticket_assign(ticket=ticket, agent=olga, actor=sue)  # across teams

    for who in (sue, tina, olga):
        api = Api(client, api_token_create(agent=who))
        assert api.get(f"/tickets/{ticket.pk}").status_code == 200, who.email
        note = api.post(f"/tickets/{ticket.pk}/notes", {"text": f"seen by {who.name}"})
        assert note.status_code == 201, who.email
    # Olga unassigns herself: the answer shows what she did, then the ticket is out of sight.
    api = Api(client, api_token_create(agent=olga))
    done = api.post(f"/tickets/{ticket.pk}/assignee", {"agent": None})
    assert done.status_code == 200 and done.json()["assignee"] is None
    assert api.get(f"/tickets/{ticket.pk}").status_code == 404
    assert (
        api.post(f"/tickets/{ticket.pk}/assignee", {"agent": "olga@example.com"}).status_code == 404
    )
