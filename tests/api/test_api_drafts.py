"""POST /api/v1/drafts/check: the reply assistant's findings for a draft."""

from __future__ import annotations

from django.test import Client

from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create, api_token_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import ticket_set_properties
from tests.api.support import Api, new_ticket


def _types(answer: dict[str, object]) -> set[str]:
    findings = answer["findings"]
    assert isinstance(findings, list)
    return {f["type"] for f in findings}


def test_a_blaming_draft_is_flagged_with_its_span_why_and_fix(api: Api) -> None:
    text = "As I already explained, you should have saved the file first."
    answer = api.post("/drafts/check", {"text": text})
    assert answer.status_code == 200
    body = answer.json()
    blame = [f for f in body["findings"] if f["type"] == "blame"]
    assert [f["excerpt"] for f in blame] == ["As I already explained", "you should have"]
    assert [text[f["start"] : f["end"]] for f in blame] == [
        "As I already explained",
        "you should have",
    ]
    assert all(f["why"] and f["fix"] for f in blame)
    assert body["language"] == "en"
    assert body["readability"]["formula"] == "Flesch reading ease"
    assert body["readability"]["score"] is None  # too short to grade


def test_a_clean_draft_has_no_findings(api: Api) -> None:
    text = "Hi Jane, I have sent a new parcel today. You will get the tracking link by email."
    body = api.post("/drafts/check", {"text": text, "customer_name": "Jane"}).json()
    assert body["findings"] == []


def test_with_a_ticket_the_name_and_what_they_tried_come_from_it(
    api: Api, mailbox: Mailbox
) -> None:
    ticket = new_ticket(
        mailbox,
        sender="Maria Lopez <maria@example.net>",
        body="The app crashes on start. I already reinstalled it twice.\n",
    )
    text = "Hello, please reinstall the app and tell me if it works."
    body = api.post("/drafts/check", {"text": text, "ticket": ticket.pk}).json()
    personal = [f for f in body["findings"] if f["type"] == "personal"]
    assert {f["excerpt"] for f in personal} == {
        "Hello, please reinstall the app and tell me if it works.",
        "reinstall",
    }
    assert any("Maria" in f["why"] for f in personal)

    fixed = (
        "Hi Maria, thanks for reinstalling already. I'll check the crash logs and write by noon."
    )
    assert "personal" not in _types(
        api.post("/drafts/check", {"text": fixed, "ticket": ticket.pk}).json()
    )


def test_german_blame_is_found_and_graded_by_amstad(api: Api) -> None:
    text = (
        "Wie ich bereits erklärt habe, hätten Sie das Passwort früher ändern sollen. Wir prüfen "
        "den Zugang heute und melden uns bis morgen bei Ihnen mit einer Lösung für das Konto."
    )
    body = api.post("/drafts/check", {"text": text, "language": "de"}).json()
    assert body["language"] == "de"
    assert body["readability"]["formula"].startswith("Amstad")
    assert body["readability"]["score"] is not None
    assert "blame" in _types(body)


def test_an_upset_customer_needs_more_than_sorry_for_any_inconvenience(api: Api) -> None:
    generic = "Hi Tom, sorry for any inconvenience. I'll send the refund today."
    assert "empathy" in _types(api.post("/drafts/check", {"text": generic, "upset": True}).json())
    kind = "Hi Tom, I'm sorry the refund took three weeks. I'll send it today."
    assert "empathy" not in _types(api.post("/drafts/check", {"text": kind, "upset": True}).json())


def test_the_desks_glossary_is_used(api: Api) -> None:
    body = api.post(
        "/drafts/check",
        {
            "text": "Your order is in the WMS queue; I'll update you today.",
            "glossary": {"WMS": "warehouse"},
        },
    ).json()
    jargon = [f for f in body["findings"] if f["type"] == "jargon"]
    assert [f["excerpt"] for f in jargon] == ["WMS"]
    assert "warehouse" in jargon[0]["fix"]


def test_bad_input_is_a_clear_422(api: Api) -> None:
    for body in (
        {},
        {"text": "x", "language": "xx"},
        {"text": "x", "ticket": 0},
        {"text": "x", "colour": 1},
        {"text": "x" * 20_001},
    ):
        answer = api.post("/drafts/check", body)
        assert answer.status_code == 422, body
        assert answer.json()["detail"] == "invalid request"


def test_a_ticket_the_caller_may_not_see_is_a_404(client: Client, mailbox: Mailbox) -> None:
    olga = agent_create(email="olga@example.com", name="Olga", role="agent", team="Billing")
    supervisor = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    technical: Ticket = new_ticket(
        mailbox, sender="Zed <z@example.org>", body="SECRET I already reinstalled.\n"
    )
    ticket_set_properties(
        ticket=technical, actor=supervisor, team=Team.objects.get_or_create(name="Technical")[0]
    )
    api = Api(client, api_token_create(agent=olga))
    hidden = api.post("/drafts/check", {"text": "Please reinstall.", "ticket": technical.pk})
    assert hidden.status_code == 404
    assert hidden.json() == {"detail": f"there is no ticket #{technical.pk}"}
    missing = api.post("/drafts/check", {"text": "Please reinstall.", "ticket": 999999})
    assert missing.status_code == 404


def test_it_needs_a_token(anonymous: Api) -> None:
    assert anonymous.post("/drafts/check", {"text": "hello"}).status_code == 401


def test_with_a_ticket_an_upset_customer_needs_an_acknowledgement(
    api: Api, mailbox: Mailbox
) -> None:
    ticket = new_ticket(
        mailbox,
        sender="Maria Lopez <maria@example.net>",
        subject="THIRD TIME!!",
        body="This is the third time I write. Unacceptable! I will cancel my account!!\n",
    )
    assert ticket.messages.get(kind="customer").upset_level >= 2  # read as upset at intake
    text = "Hi Maria, your refund was sent today. It reaches your card within three days."
    body = api.post("/drafts/check", {"text": text, "ticket": ticket.pk}).json()
    assert "empathy" in _types(body)
    calm = new_ticket(mailbox, sender="kim@example.org", body="How do I export my data?\n")
    text = "Hi Kim, open Settings and choose Export. The file arrives by email within an hour."
    assert "empathy" not in _types(
        api.post("/drafts/check", {"text": text, "ticket": calm.pk}).json()
    )


def test_an_english_draft_to_a_german_customer_is_checked_in_english(
    api: Api, mailbox: Mailbox
) -> None:
    ticket = new_ticket(
        mailbox,
        sender="Anna Schmidt <anna@example.de>",
        body="Ich habe mein Paket zurückgeschickt und noch keine Erstattung bekommen.\n",
    )
    assert Ticket.objects.get(pk=ticket.pk).customer.language == "de"
    text = "As I already explained, you should have sent the parcel with tracking."
    body = api.post("/drafts/check", {"text": text, "ticket": ticket.pk}).json()
    assert body["language"] == "en"
    assert "blame" in _types(body)
    german = "Hallo Anna, Ihre Erstattung ist heute veranlasst worden und kommt bis Freitag an."
    assert api.post("/drafts/check", {"text": german, "ticket": ticket.pk}).json()["language"] == (
        "de"
    )
