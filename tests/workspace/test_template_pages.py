"""The templates pages: the list each agent sees, a template's page, its edits and its review
through the workspace, and every refusal said clearly (404, 403 or 400, never a 500)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.notifications.models import Notification
from caredesk.replies.models import ReplyTemplate, State
from caredesk.replies.services import template_create, template_move
from caredesk.replies.stale import templates_stale_flag_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db: None) -> dict[str, Agent]:
    return {
        "sue": agent_create(email="sue@example.com", name="Sue Boss", role="supervisor"),
        "tina": agent_create(email="tina@example.com", name="Tina", role="agent", team="Technical"),
        "bill": agent_create(email="bill@example.com", name="Bill", role="agent", team="Billing"),
    }


def signed_in(agent: Agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def templates(people: dict[str, Agent]) -> dict[str, ReplyTemplate]:
    tina, sue = people["tina"], people["sue"]
    today = clock.now().date()
    shared = template_create(actor=tina, name="Shipping times", scope="shared")
    approved = template_create(
        actor=sue, name="Refund policy", scope="shared", variants={"en": "Refunded."}
    )
    template_move(actor=sue, template=approved, state=State.IN_REVIEW)
    template_move(actor=sue, template=approved, state=State.APPROVED)
    return {
        "tina_personal": template_create(
            actor=tina,
            name="Tina's thanks",
            variants={"en": "Thanks, {{ customer.first_name }}"},
            review_by=today - timedelta(days=2),
        ),
        "tina_shared_draft": shared,
        "approved": approved,
        "bill_personal": template_create(actor=people["bill"], name="Bill's note"),
    }


def names_listed(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/templates{query}")
    assert response.status_code == 200
    html = response.content.decode()
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [
        cell.split(">", 1)[1].split("</a>", 1)[0]
        for cell in rows.split('<td><a href="/templates/')[1:]
    ]


def test_each_agent_lists_only_what_the_policy_lets_them_see(
    people: dict[str, Agent], templates: dict[str, ReplyTemplate]
) -> None:
    assert names_listed(signed_in(people["bill"])) == ["Bill&#x27;s note", "Refund policy"]
    assert names_listed(signed_in(people["tina"])) == [
        "Refund policy",
        "Shipping times",
        "Tina&#x27;s thanks",
    ]
    assert len(names_listed(signed_in(people["sue"]))) == 4


def test_the_list_flags_an_overdue_review_and_filters_and_sorts(
    people: dict[str, Agent], templates: dict[str, ReplyTemplate]
) -> None:
    tina = signed_in(people["tina"])
    html = tina.get("/templates").content.decode()
    row = html.split(f'data-template="{templates["tina_personal"].pk}"', 1)[1].split("</tr>")[0]
    assert "review overdue" in row
    assert (
        "review overdue" not in html.split(f'data-template="{templates["approved"].pk}"')[1][:600]
    )
    assert names_listed(tina, "?state=draft") == ["Shipping times"]
    assert names_listed(tina, "?scope=personal") == ["Tina&#x27;s thanks"]
    assert names_listed(tina, "?q=THANKS") == ["Tina&#x27;s thanks"]
    assert names_listed(tina, "?sort=-name") == [
        "Tina&#x27;s thanks",
        "Shipping times",
        "Refund policy",
    ]
    assert names_listed(tina, "?sort=review") == [  # by date, the ones with none last
        "Tina&#x27;s thanks",
        "Refund policy",
        "Shipping times",
    ]


def test_only_reviewers_get_the_review_queue(
    people: dict[str, Agent], templates: dict[str, ReplyTemplate]
) -> None:
    tina = signed_in(people["tina"])
    template_move(actor=people["tina"], template=templates["tina_shared_draft"], state="in_review")
    assert "In review (" not in tina.get("/templates").content.decode()
    sue = signed_in(people["sue"])
    assert "In review (1)" in sue.get("/templates").content.decode()
    assert names_listed(sue, "?state=in_review") == ["Shipping times"]


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("?sort=price", "sort &#x27;price&#x27; is not one of name, scope"),
        ("?state=lost", "state &#x27;lost&#x27; is not one of draft"),
        ("?scope=world", "scope &#x27;world&#x27; is not one of personal"),
        ("?period=7", "period &#x27;7&#x27; is not one of 30, 90, 365, all"),
    ],
)
def test_a_list_query_that_is_not_one_of_the_choices_is_a_400_saying_so(
    people: dict[str, Agent], query: str, said: str
) -> None:
    response = signed_in(people["tina"]).get(f"/templates{query}")
    assert response.status_code == 400
    assert said in response.content.decode()


def test_another_agents_personal_template_and_a_shared_draft_are_404(
    people: dict[str, Agent], templates: dict[str, ReplyTemplate]
) -> None:
    bill = signed_in(people["bill"])
    for name in ("tina_personal", "tina_shared_draft"):
        pk = templates[name].pk
        assert bill.get(f"/templates/{pk}").status_code == 404
        response = bill.post(f"/templates/{pk}/edit", {"name": "Mine now"})
        assert response.status_code == 404
        assert f"there is no template {pk}" in response.content.decode()
        assert bill.post(f"/templates/{pk}/state", {"state": "retired"}).status_code == 404
        assert bill.post(f"/templates/{pk}/variant", {"language": "en"}).status_code == 404
    assert bill.get("/templates/99999999999").status_code == 404
    assert ReplyTemplate.objects.get(pk=templates["tina_personal"].pk).name == "Tina's thanks"


def test_an_approved_shared_template_is_read_by_all_and_changed_by_its_owner_only(
    people: dict[str, Agent], templates: dict[str, ReplyTemplate]
) -> None:
    bill = signed_in(people["bill"])
    pk = templates["approved"].pk
    page = bill.get(f"/templates/{pk}").content.decode()
    assert "Refunded." in page
    assert "Edit the en text" not in page and "Retire" not in page
    response = bill.post(f"/templates/{pk}/variant", {"language": "de", "body": "Erstattet."})
    assert response.status_code == 403
    assert "only its owner, a supervisor or an admin can change this template" in (
        response.content.decode()
    )
    response = bill.post(f"/templates/{pk}/state", {"state": "retired"})
    assert response.status_code == 403
    assert not templates["approved"].variants.filter(language="de").exists()


def test_an_agent_creates_a_shared_template_and_a_supervisor_approves_it(
    people: dict[str, Agent],
) -> None:
    tina = signed_in(people["tina"])
    response = tina.post(
        "/templates/create",
        {"name": "Delivery", "scope": "shared", "language": "en", "body": "It ships today."},
    )
    template = ReplyTemplate.objects.get(name="Delivery")
    assert response.status_code == 302 and response["Location"] == f"/templates/{template.pk}"
    assert template.state == State.DRAFT
    page = tina.get(f"/templates/{template.pk}").content.decode()
    assert "Send for review" in page and "Approve" not in page
    assert tina.post(f"/templates/{template.pk}/state", {"state": "in_review"}).status_code == 302
    response = tina.post(f"/templates/{template.pk}/state", {"state": "approved"})
    assert response.status_code == 403
    assert "only supervisors and admins review templates" in response.content.decode()
    sue = signed_in(people["sue"])
    assert "Approve" in sue.get(f"/templates/{template.pk}").content.decode()
    assert sue.post(f"/templates/{template.pk}/state", {"state": "approved"}).status_code == 302
    template.refresh_from_db()
    assert template.state == State.APPROVED
    response = tina.post(f"/templates/{template.pk}/state", {"state": "in_review"})
    assert response.status_code == 400
    assert "a template approved cannot become in_review" in response.content.decode()
    response = tina.post(f"/templates/{template.pk}/state", {"state": "gone"})
    assert response.status_code == 400
    assert "there is no template state" in response.content.decode()


def test_personal_templates_are_retired_and_put_back_in_use(
    people: dict[str, Agent], templates: dict[str, ReplyTemplate]
) -> None:
    tina = signed_in(people["tina"])
    pk = templates["tina_personal"].pk
    assert "Send for review" not in tina.get(f"/templates/{pk}").content.decode()
    assert tina.post(f"/templates/{pk}/state", {"state": "retired"}).status_code == 302
    assert "Put back in use" in tina.get(f"/templates/{pk}").content.decode()
    assert tina.post(f"/templates/{pk}/state", {"state": "approved"}).status_code == 302
    assert ReplyTemplate.objects.get(pk=pk).state == State.APPROVED


def test_texts_are_added_changed_and_removed_and_mistakes_are_400s(
    people: dict[str, Agent], templates: dict[str, ReplyTemplate]
) -> None:
    tina = signed_in(people["tina"])
    template = templates["tina_personal"]
    url = f"/templates/{template.pk}/variant"
    assert tina.post(url, {"language": "DE", "body": "Danke"}).status_code == 302
    assert tina.post(url, {"language": "de", "body": "Danke schön"}).status_code == 302
    assert dict(template.variants.values_list("language", "body")) == {
        "en": "Thanks, {{ customer.first_name }}",
        "de": "Danke schön",
    }
    assert tina.post(url, {"language": "en", "do": "remove"}).status_code == 302
    response = tina.post(url, {"language": "de", "do": "remove"})
    assert response.status_code == 400
    assert "an approved template keeps at least one text" in response.content.decode()
    response = tina.post(url, {"language": "", "body": "x"})
    assert response.status_code == 400
    assert "a variant needs a language tag" in response.content.decode()
    response = tina.post(url, {"language": "fr", "do": "remove"})
    assert response.status_code == 400
    assert "this template has no fr text" in response.content.decode()

    edit = f"/templates/{template.pk}/edit"
    response = tina.post(edit, {"name": "Thanks", "review_by": "next week"})
    assert response.status_code == 400
    assert "review by &#x27;next week&#x27; is not a date" in response.content.decode()
    assert tina.post(edit, {"name": "  ", "review_by": ""}).status_code == 400
    assert tina.post(edit, {"name": "x" * 201}).status_code == 400
    assert tina.post(edit, {"name": "Thanks", "review_by": "2027-01-31"}).status_code == 302
    template.refresh_from_db()
    assert (template.name, template.review_by) == ("Thanks", date(2027, 1, 31))


def test_a_new_template_that_cannot_be_made_says_why_and_keeps_the_form(
    people: dict[str, Agent],
) -> None:
    tina = signed_in(people["tina"])
    response = tina.post("/templates/create", {"name": "", "scope": "personal", "body": "Kept"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Template not created: a template needs a name." in html and ">Kept</textarea>" in html
    billing = Team.objects.get(name="Billing")
    response = tina.post("/templates/create", {"name": "B", "scope": "team", "team": billing.pk})
    assert response.status_code == 403
    assert "you are not in Billing" in response.content.decode()
    response = tina.post("/templates/create", {"name": "B", "scope": "team", "team": "x"})
    assert response.status_code == 400
    assert not ReplyTemplate.objects.filter(name="B").exists()
    assert tina.get("/templates/new").status_code == 200


def test_a_stale_template_notification_leads_to_the_template(
    people: dict[str, Agent], templates: dict[str, ReplyTemplate]
) -> None:
    assert templates_stale_flag_all(today=clock.now().date()) == 1
    note = Notification.objects.get(kind="template_review")
    tina = signed_in(people["tina"])
    page = tina.get("/notifications").content.decode()
    assert "Template review due" in page and "Your template \u201cTina&#x27;s thanks\u201d" in page
    response = tina.post(f"/notifications/{note.pk}/read", {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/templates/{templates['tina_personal'].pk}"


def test_an_approved_shared_text_changed_by_its_owner_goes_back_to_review(
    people: dict[str, Agent],
) -> None:
    tina, sue = people["tina"], people["sue"]
    template = template_create(
        actor=tina, name="Outage", scope="shared", variants={"en": "We are on it."}
    )
    template_move(actor=tina, template=template, state=State.IN_REVIEW)
    template_move(actor=sue, template=template, state=State.APPROVED)
    url = f"/templates/{template.pk}/variant"
    client = signed_in(tina)
    assert client.post(url, {"language": "en", "body": "We are on it."}).status_code == 302
    template.refresh_from_db()
    assert template.state == State.APPROVED  # the same text: nothing to review

    response = client.post(url, {"language": "en", "body": "Fixed, all refunded!"}, follow=True)
    assert "goes back to review" in response.content.decode()
    template.refresh_from_db()
    assert template.state == State.IN_REVIEW
    offered = client.get("/templates?state=approved")
    assert "Outage" not in offered.content.decode()

    template_move(actor=sue, template=template, state=State.APPROVED)
    assert signed_in(sue).post(url, {"language": "de", "body": "Behoben."}).status_code == 302
    template.refresh_from_db()
    assert template.state == State.APPROVED  # a reviewer's own change needs no review


def test_nul_characters_sent_by_a_form_are_never_a_500(
    people: dict[str, Agent], templates: dict[str, ReplyTemplate]
) -> None:
    """PostgreSQL refuses NUL in text: the services drop it, the searches ignore it."""
    tina = signed_in(people["tina"])
    pk = templates["tina_personal"].pk
    assert tina.get("/templates?q=than%00ks").status_code == 200
    assert tina.post("/templates/create", {"name": "Nul\x00l"}).status_code == 302
    assert ReplyTemplate.objects.filter(name="Null").exists()
    variant = {"language": "e\x00n", "body": "Hi\x00!"}
    assert tina.post(f"/templates/{pk}/variant", variant).status_code == 302
    assert templates["tina_personal"].variants.get(language="en").body == "Hi!"
    assert tina.post(f"/templates/{pk}/edit", {"name": "T\x00"}).status_code == 302
    response = tina.post(f"/templates/{pk}/edit", {"name": "T", "review_by": "2026-01-0\x00"})
    assert response.status_code == 400
    assert tina.post(f"/templates/{pk}/state", {"state": "retired\x00"}).status_code == 400
    assert tina.get("/templates?sort=%00").status_code == 400
