"""The admin writes a template's macro with fields (selects for status, priority, team and
assignee; category; tags comma-separated), stored as the same checked JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_create
from caredesk.replies.models import ReplyTemplate
from caredesk.replies.services import template_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(client: Client) -> Agent:
    admin = agent_create(email="ada@example.com", name="Ada", role="admin")
    client.force_login(admin)
    return admin


def form(template: ReplyTemplate, **macro: str) -> dict[str, Any]:
    variant = template.variants.get()
    return {
        "name": template.name,
        "scope": template.scope,
        "owner": str(template.owner_id),
        "team": "",
        "state": template.state,
        "review_by": "",
        "macro_status": "",
        "macro_priority": "",
        "macro_team": "",
        "macro_assignee": "",
        "macro_category": "",
        "macro_tags": "",
        **{f"macro_{k}": v for k, v in macro.items()},
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "1",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-id": str(variant.pk),
        "variants-0-template": str(template.pk),
        "variants-0-language": variant.language,
        "variants-0-body": variant.body,
    }


def errors_of(response: Any) -> Any:
    return (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    )


def test_the_macro_is_written_with_fields_and_stored_as_json(client: Client, ada: Agent) -> None:
    billing = Team.objects.create(name="Billing")
    bill = agent_create(email="bill@example.com", name="Bill", role="agent")
    template = template_create(
        actor=ada, name="Refund policy", variants={"en": "Refund."}, actions={"status": "open"}
    )
    url = f"/admin/replies/replytemplate/{template.pk}/change/"
    page = client.get(url).content.decode()
    assert '<select name="macro_status"' in page
    assert '<option value="open" selected>' in page  # what it holds now
    assert '<select name="macro_team"' in page and ">Billing</option>" in page
    assert ">Bill (bill@example.com)</option>" in page

    sent = form(
        template,
        status="pending",
        priority="high",
        team=str(billing.pk),
        assignee=str(bill.pk),
        category="refunds",
        tags="refund, money back ,",
    )
    response = client.post(url, sent)
    assert response.status_code == 302, errors_of(response)
    template.refresh_from_db()
    assert template.actions == {
        "status": "pending",
        "priority": "high",
        "category": "refunds",
        "team": billing.pk,
        "assignee": bill.pk,
        "tags": ["refund", "money back"],
    }

    # Every field left empty: the macro sets nothing.
    assert client.post(url, form(template)).status_code == 302
    template.refresh_from_db()
    assert template.actions == {}


def test_a_value_the_macro_cannot_hold_is_refused_with_the_reason(
    client: Client, ada: Agent
) -> None:
    template = template_create(actor=ada, name="Refund policy", variants={"en": "Refund."})
    url = f"/admin/replies/replytemplate/{template.pk}/change/"
    response = client.post(url, form(template, status="new", category="x" * 101))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice. new is not one of the available choices." in page
    assert "Ensure this value has at most 100 characters" in page
    template.refresh_from_db()
    assert template.actions == {}
