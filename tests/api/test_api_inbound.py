"""The intake log endpoints: what arrived and what became of it, and the raw email itself;
admins only."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.services import agent_create, api_token_create
from caredesk.inbound.models import InboundMessage, IntakeStatus
from caredesk.mailboxes.models import Mailbox
from tests.api.support import Api, raw_email
from tests.conftest import deliver

pytestmark = pytest.mark.django_db


def test_list_describes_each_row_newest_first_without_raw_bytes(
    admin_api: Api, mailbox: Mailbox
) -> None:
    first = deliver(raw_email(), mailbox, envelope_from="jane@example.net")
    second = deliver(raw_email(sender="bob@example.org"), mailbox, source="pipe")

    response = admin_api.get("/inbound")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [r["id"] for r in body["items"]] == [second.pk, first.pk]
    row = body["items"][1]
    assert row == {
        "id": first.pk,
        "received_at": row["received_at"],
        "processed_at": row["processed_at"],
        "source": "smtp",
        "mailbox": "support@example.com",
        "envelope_from": "jane@example.net",
        "envelope_to": ["support@example.com"],
        "size": first.size,
        "sha256": first.sha256,
        "status": "processed",
        "status_reason": "new ticket",
        "attempts": 1,
        "message_id": first.message_id,
        "ticket": first.ticket_id,
    }
    assert body["items"][0]["source"] == "pipe"
    assert b"has not arrived" not in response.content


def test_list_filters_by_status_and_pages(admin_api: Api, mailbox: Mailbox) -> None:
    processed = [deliver(raw_email(sender=f"p{i}@example.org"), mailbox) for i in range(3)]
    quarantined = deliver(b"From: \r\n\r\nno sender at all", mailbox)
    assert quarantined.status == IntakeStatus.QUARANTINED

    only_bad = admin_api.get("/inbound", status="quarantined").json()
    assert [r["id"] for r in only_bad["items"]] == [quarantined.pk]
    assert only_bad["items"][0]["status_reason"]
    assert only_bad["items"][0]["ticket"] is None

    page = admin_api.get("/inbound", status="processed", limit=2, offset=1).json()
    assert page["count"] == 3
    assert [r["id"] for r in page["items"]] == [processed[1].pk, processed[0].pk]


def test_list_refuses_an_unknown_status(admin_api: Api) -> None:
    response = admin_api.get("/inbound", status="lost")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "status"]


def test_raw_is_the_email_exactly_as_received(admin_api: Api, mailbox: Mailbox) -> None:
    raw = b"From: \r\nSubject: broken\r\n\r\n\xff\xfe bytes that are not UTF-8\r\n"
    row = deliver(raw, mailbox)

    response = admin_api.get(f"/inbound/{row.pk}/raw")

    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"] == f'attachment; filename="inbound-{row.pk}.eml"'
    assert response.content == raw
    assert InboundMessage.objects.get(pk=row.pk).status == IntakeStatus.QUARANTINED


def test_raw_of_an_unknown_row_is_404(admin_api: Api) -> None:
    response = admin_api.get("/inbound/31337/raw")
    assert response.status_code == 404
    assert response.json() == {"detail": "there is no inbound message 31337"}


@pytest.mark.parametrize("intake_id", ["x", "0", str(2**64)])
def test_raw_refuses_ids_that_cannot_exist(admin_api: Api, intake_id: str) -> None:
    response = admin_api.get(f"/inbound/{intake_id}/raw")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["path", "intake_id"]


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_only_admins_read_the_intake_log_others_get_what_a_missing_row_gets(
    client: Client, admin_api: Api, mailbox: Mailbox, role: str
) -> None:
    row = deliver(raw_email(), mailbox)
    other = agent_create(email=f"{role}@example.com", name=role.title(), role=role)
    api = Api(client, api_token_create(agent=other))

    listed = api.get("/inbound")
    assert listed.status_code == 404
    assert listed.json() == {"detail": "there is no intake log"}
    raw = api.get(f"/inbound/{row.pk}/raw")
    missing = api.get("/inbound/31337/raw")
    assert (raw.status_code, missing.status_code) == (404, 404)
    assert raw.json() == {"detail": f"there is no inbound message {row.pk}"}
    assert missing.json() == {"detail": "there is no inbound message 31337"}
    assert b"has not arrived" not in raw.content

    assert admin_api.get(f"/inbound/{row.pk}/raw").content == bytes(row.raw)
