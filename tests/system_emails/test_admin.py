"""The system emails in the admin: the list of what each mailbox sends, a new wording prefilled
with the shipped text, the preview, and wordings refused with a message."""

from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.system_emails.kinds import ACKNOWLEDGEMENT, KINDS
from caredesk.system_emails.models import SystemEmail
from caredesk.system_emails.services import system_email_save

pytestmark = pytest.mark.django_db

URL = "/admin/system_emails/systememail/"


@pytest.fixture
def root(db: None) -> Agent:
    return agent_create(email="root@example.com", name="Root", role="admin")


@pytest.fixture
def admin_client(client: Client, root: Agent) -> Client:
    client.force_login(root)
    return client


def test_the_list_shows_which_are_overridden(admin_client: Client, mailbox: Mailbox) -> None:
    system_email_save(
        kind=ACKNOWLEDGEMENT, mailbox=mailbox, language="fr", subject="Re", body="Bonjour"
    )
    page = admin_client.get(URL).content.decode()
    row = 'aria-label="Edit Acknowledgement of a new ticket for support@example.com in French (fr)"'
    assert row in page
    assert (
        'aria-label="Override Acknowledgement of a new ticket for All mailboxes in French (fr)"'
        in (page)
    )
    assert (
        'aria-label="Override Password reset link (to an agent) for All mailboxes in Japanese'
        in (page)
    )
    # The reset link is caredesk's, not a mailbox's: no row per mailbox.
    assert "Password reset link (to an agent) for support@example.com" not in page
    assert page.count("<strong>Overridden:</strong>") == 1


def test_a_new_wording_starts_as_the_shipped_text(admin_client: Client, mailbox: Mailbox) -> None:
    page = admin_client.get(
        URL + f"add/?kind=acknowledgement&mailbox={mailbox.pk}&language=ja"
    ).content.decode()
    shipped = KINDS[ACKNOWLEDGEMENT].shipped["ja"]
    assert "このたびは{{ mailbox.name }}にお問い合わせいただき" in page  # prefilled and shown
    assert f'<option value="{mailbox.pk}" selected>' in page
    assert '<option value="ja" selected>' in page
    assert page.count("担当者より{{ ticket.promised_reply }}にご返信いたします。") == 2
    assert shipped.subject in page
    # The preview is rendered for an example ticket, in Japanese, promise included.
    assert "山田 花子 様" in page and "担当者より明日10:00（" in page


def test_saving_refuses_unknown_variables_with_a_message(
    admin_client: Client, mailbox: Mailbox
) -> None:
    form = {
        "kind": ACKNOWLEDGEMENT,
        "mailbox": str(mailbox.pk),
        "language": "fr",
        "subject": "Re: {{ ticket.subject }}",
        "body": "Bonjour {{ client.nom }}",
    }
    answer = admin_client.post(URL + "add/", form)
    assert answer.status_code == 200  # the form again, with the reason
    assert "Unknown variable {{ client.nom }}. This email may use {{ customer.name }}" in (
        answer.content.decode()
    )
    assert not SystemEmail.objects.exists()
    form["body"] = "Bonjour {{ customer.first_name }}"
    answer = admin_client.post(URL + "add/", form)
    assert answer.status_code == 302
    saved = SystemEmail.objects.get()
    assert (saved.mailbox_id, saved.language, saved.body) == (mailbox.pk, "fr", form["body"])
    # The same mailbox and language again: refused, the first one kept.
    answer = admin_client.post(URL + "add/", form)
    assert answer.status_code == 200
    assert "already has a wording for that mailbox and language" in answer.content.decode()
    assert SystemEmail.objects.count() == 1


def test_the_preview_renders_what_is_typed(admin_client: Client, mailbox: Mailbox) -> None:
    answer = admin_client.post(
        URL + "preview/",
        {
            "kind": ACKNOWLEDGEMENT,
            "mailbox": str(mailbox.pk),
            "language": "de",
            "subject": "{{ ticket.reference }}",
            "body": "Hallo {{ customer.first_name }}, {{ ticket.promised_reply }}. {{ x }}",
        },
    )
    shown = answer.json()
    assert shown["subject"] == "#1042"
    assert shown["body"].startswith("Hallo Anna, morgen bis 10:00 ")
    assert shown["problems"] == [
        "Unknown variable {{ x }}. This email may use {{ customer.name }}, "
        "{{ customer.first_name }}, {{ ticket.reference }}, {{ ticket.subject }}, "
        "{{ ticket.promised_reply }}, {{ mailbox.name }}."
    ]
    # Nonsense is answered, not a 500.
    odd = admin_client.post(URL + "preview/", {"kind": "nope", "mailbox": "x", "language": "?"})
    assert odd.status_code == 200
    assert "There is no system email called 'nope'." in odd.json()["problems"]


def test_only_admins_reach_the_preview(client: Client, mailbox: Mailbox) -> None:
    agent = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    client.force_login(agent)
    answer = client.post(URL + "preview/", {"kind": ACKNOWLEDGEMENT})
    assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/")
