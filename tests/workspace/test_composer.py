"""The composer without a browser: files on replies and notes, drafts, splitting a message."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.outbound.transports import MemoryTransport
from caredesk.tickets.models import Attachment, Message, MessageKind, Ticket
from caredesk.workspace.models import Draft
from tests.api.support import new_ticket
from tests.conftest import deliver
from tests.mail import make_email

PASSWORD = "correct horse battery"


def signed_in(client: Client, email_address: str = "ann@example.com", time_zone: str = "") -> Any:
    agent = agent_create(email=email_address, name=email_address.split("@")[0].title())
    if time_zone:
        agent.time_zone = time_zone
        agent.save(update_fields=["time_zone"])
    client.force_login(agent)
    return agent


def text_of(response: Any) -> str:
    return str(response.content.decode())


# -- files ---------------------------------------------------------------------------------


def test_a_reply_carries_its_files_to_the_customer(
    client: Client,
    mailbox: Mailbox,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    signed_in(client)
    ticket = new_ticket(mailbox)
    MemoryTransport.sent.clear()
    form = {
        "kind": "reply",
        "text": "Here is the label for the return.",
        "attachments": [
            SimpleUploadedFile("return-label.pdf", b"%PDF label", "application/pdf"),
            SimpleUploadedFile("steps.txt", b"1. Print\n2. Stick", "text/plain"),
        ],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/tickets/{ticket.pk}/reply", form, follow=True)
    assert "Reply sent." in text_of(response)

    reply = ticket.messages.get(kind=MessageKind.REPLY)
    assert sorted(a.filename for a in reply.attachments.all()) == ["return-label.pdf", "steps.txt"]
    outbound = OutboundEmail.objects.get(ticket_message=reply)
    assert set(outbound.attachments.all()) == set(reply.attachments.all())
    # (the acknowledgement goes out in the same run of the worker)
    sent = next(e for e in MemoryTransport.sent if outbound.message_id.encode() in e.data)
    parsed = email.message_from_bytes(sent.data, policy=email.policy.default)
    assert {p.get_filename(): p.get_payload(decode=True) for p in parsed.iter_attachments()} == {
        "return-label.pdf": b"%PDF label",
        "steps.txt": b"1. Print\n2. Stick",
    }
    # Downloadable from the timeline.
    page = text_of(client.get(f"/tickets/{ticket.pk}"))
    for attachment in reply.attachments.all():
        assert f"/attachments/{attachment.pk}?download" in page


def test_a_note_keeps_its_files_without_emailing_them(
    client: Client,
    mailbox: Mailbox,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    signed_in(client)
    ticket = new_ticket(mailbox)
    MemoryTransport.sent.clear()
    form = {
        "kind": "note",
        "text": "Screenshot from the billing tool.",
        "attachments": SimpleUploadedFile("billing.png", b"\x89PNG....", "image/png"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/tickets/{ticket.pk}/reply", form, follow=True)
    assert "Note added." in text_of(response)
    note = ticket.messages.get(kind=MessageKind.NOTE)
    assert note.attachments.get().filename == "billing.png"
    assert MemoryTransport.sent == []


def test_refused_files_are_a_message_and_the_words_stay_as_a_draft(
    client: Client, mailbox: Mailbox
) -> None:
    ann = signed_in(client)
    ticket = new_ticket(mailbox)
    for upload, why in (
        (SimpleUploadedFile("empty.txt", b"", "text/plain"), "empty.txt is empty"),
        (SimpleUploadedFile("setup.exe", b"MZ", "application/x-msdownload"), "cannot be sent"),
    ):
        form = {"text": "Try this.", "cc": "boss@example.net", "attachments": upload}
        response = client.post(f"/tickets/{ticket.pk}/reply", form, follow=True)
        assert response.status_code == 200
        assert why in text_of(response)
        assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()
        draft = Draft.objects.get(agent=ann, ticket=ticket)
        assert (draft.text, draft.cc) == ("Try this.", "boss@example.net")
        assert response.context["draft"] == draft  # the composer shows it again


def test_files_over_the_limit_are_refused_before_they_are_stored(
    client: Client, mailbox: Mailbox, settings: Settings
) -> None:
    settings.CAREDESK_REPLY_ATTACHMENTS_MAX_MB = 1
    ann = signed_in(client)
    ticket = new_ticket(mailbox)
    big = SimpleUploadedFile("video.mp4", bytes(1024 * 1024 + 1), "video/mp4")
    form = {"kind": "reply", "text": "The recording.", "status_after": "", "attachments": big}
    response = client.post(f"/tickets/{ticket.pk}/reply", form, follow=True)
    assert response.status_code == 200
    assert "more than 1 MB" in text_of(response)
    assert not Attachment.objects.filter(message__ticket=ticket, message__kind="reply").exists()
    assert Draft.objects.get(agent=ann, ticket=ticket).text == "The recording."
    assert "Up to 1 MB in all" in text_of(response)


# -- drafts --------------------------------------------------------------------------------


def test_a_draft_is_saved_restored_and_private(client: Client, mailbox: Mailbox) -> None:
    ann = signed_in(client, time_zone="Europe/Berlin")
    ticket = new_ticket(mailbox)
    with clock.frozen_at(datetime(2026, 11, 24, 10, 5, tzinfo=UTC)):
        saved = client.post(
            f"/tickets/{ticket.pk}/draft",
            {"kind": "note", "text": "Checking with billing", "cc": "", "status_after": "pending"},
        )
    assert saved.json() == {"saved": "Draft saved 11:05"}  # Berlin time

    page = client.get(f"/tickets/{ticket.pk}")
    html = text_of(page)
    assert page.context["draft"].text == "Checking with billing"
    assert "Checking with billing</textarea>" in html
    assert 'value="note" checked' in html and 'value="pending" selected' in html
    assert "Draft saved 11:05" in html

    # Another agent neither sees it nor overwrites it.
    bo = Client()
    bo_agent = agent_create(email="bo@example.com", name="Bo", role="agent")
    bo.force_login(bo_agent)
    assert bo.get(f"/tickets/{ticket.pk}").context["draft"] is None
    bo.post(f"/tickets/{ticket.pk}/draft", {"kind": "reply", "text": "Bo's words"})
    assert Draft.objects.get(agent=ann).text == "Checking with billing"
    assert Draft.objects.get(agent=bo_agent).text == "Bo's words"

    # Emptying the composer keeps no draft.
    assert client.post(f"/tickets/{ticket.pk}/draft", {"text": "  "}).json() == {"saved": ""}
    assert not Draft.objects.filter(agent=ann).exists()


def test_sending_or_discarding_removes_the_draft(client: Client, mailbox: Mailbox) -> None:
    ann = signed_in(client)
    ticket = new_ticket(mailbox)
    client.post(f"/tickets/{ticket.pk}/draft", {"kind": "reply", "text": "Hello"})
    client.post(f"/tickets/{ticket.pk}/reply", {"kind": "reply", "text": "Hello Jane"})
    assert not Draft.objects.filter(agent=ann).exists()

    client.post(f"/tickets/{ticket.pk}/draft", {"kind": "reply", "text": "Second thoughts"})
    scripted = client.post(f"/tickets/{ticket.pk}/draft/discard", HTTP_X_REQUESTED_WITH="fetch")
    assert scripted.status_code == 204
    assert not Draft.objects.filter(agent=ann).exists()

    client.post(f"/tickets/{ticket.pk}/draft", {"kind": "reply", "text": "Third"})
    plain = client.post(f"/tickets/{ticket.pk}/draft/discard", follow=True)
    assert "Draft discarded." in text_of(plain)
    assert not Draft.objects.filter(agent=ann).exists()


def test_a_save_from_a_page_that_already_sent_does_not_bring_the_draft_back(
    client: Client, mailbox: Mailbox
) -> None:
    ann = signed_in(client)
    ticket = new_ticket(mailbox)
    since = client.get(f"/tickets/{ticket.pk}").context["last_shown"]
    client.post(f"/tickets/{ticket.pk}/reply", {"kind": "reply", "text": "Sent"})
    late = client.post(f"/tickets/{ticket.pk}/draft", {"text": "Sent", "since": since})
    assert late.status_code == 409
    assert "reload" in late.json()["error"]
    assert not Draft.objects.filter(agent=ann).exists()
    # A customer writing meanwhile does not stop saving.
    fresh = client.get(f"/tickets/{ticket.pk}").context["last_shown"]
    deliver(make_email(subject=f"Re: thanks [#{ticket.pk}]"), mailbox)
    saved = client.post(f"/tickets/{ticket.pk}/draft", {"text": "Next", "since": fresh})
    assert saved.status_code == 200


def test_drafts_of_tickets_out_of_reach_are_refused(client: Client, mailbox: Mailbox) -> None:
    signed_in(client)
    assert client.post("/tickets/999999/draft", {"text": "x"}).status_code == 404
    assert client.post("/tickets/999999/draft/discard").status_code == 404
    assert client.post("/tickets/999999/reply", {"text": "x"}).status_code == 404


# -- splitting -----------------------------------------------------------------------------


def two_topics(mailbox: Mailbox) -> tuple[Ticket, Message]:
    ticket = new_ticket(mailbox, subject="Order 1234 is late")
    first = ticket.messages.get(kind=MessageKind.CUSTOMER)
    raw = make_email(
        subject="Re: Order 1234 is late",
        in_reply_to=f"<{first.message_id}>",
        body="Also, my password reset email never came.\n",
    )
    assert deliver(raw, mailbox).ticket_id == ticket.pk
    second = ticket.messages.filter(kind=MessageKind.CUSTOMER).last()
    assert second is not None
    return ticket, second


def test_split_a_message_into_a_new_ticket(client: Client, mailbox: Mailbox) -> None:
    ann = signed_in(client)
    ticket, message = two_topics(mailbox)
    page = text_of(client.get(f"/tickets/{ticket.pk}"))
    assert page.count("Split into a new ticket") == 2  # on each customer message

    response = client.post(f"/tickets/{ticket.pk}/messages/{message.pk}/split", follow=True)
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    assert response.redirect_chain[-1][0] == f"/tickets/{new.pk}"
    html = text_of(response)
    assert f"Split into #{new.pk}" in html
    assert "password reset email never came" in html
    assert f"Ann split this ticket off #{ticket.pk}" in html
    assert "Split into a new ticket" not in html  # its only customer message stays

    old = text_of(client.get(f"/tickets/{ticket.pk}"))
    assert f"Ann split a customer message off into #{new.pk}: Order 1234 is late" in old
    assert f'href="/tickets/{new.pk}"' in old
    assert "password reset email never came" not in old
    assert new.events.get(kind="split_from").actor == ann


def test_refused_splits_are_messages(client: Client, mailbox: Mailbox) -> None:
    signed_in(client)
    ticket = new_ticket(mailbox)
    only = ticket.messages.get(kind=MessageKind.CUSTOMER)
    page = text_of(client.get(f"/tickets/{ticket.pk}"))
    assert "Split into a new ticket" not in page  # nothing to split from

    refused = client.post(f"/tickets/{ticket.pk}/messages/{only.pk}/split", follow=True)
    assert "only message from the customer" in text_of(refused)
    ack = ticket.messages.get(kind=MessageKind.ACKNOWLEDGEMENT)
    refused = client.post(f"/tickets/{ticket.pk}/messages/{ack.pk}/split", follow=True)
    assert "only a customer" in text_of(refused)
    other = new_ticket(mailbox, sender="kim@example.org")
    elsewhere = other.messages.get(kind=MessageKind.CUSTOMER)
    assert client.post(f"/tickets/{ticket.pk}/messages/{elsewhere.pk}/split").status_code == 404
    assert Ticket.objects.count() == 2


def test_sending_still_needs_the_csrf_token(mailbox: Mailbox) -> None:
    # The reply view sets up its upload limit before Django's CSRF check, then checks itself.
    client = Client(enforce_csrf_checks=True)
    signed_in(client)
    ticket = new_ticket(mailbox)
    form = {"text": "Hello", "attachments": SimpleUploadedFile("a.txt", b"a", "text/plain")}
    assert client.post(f"/tickets/{ticket.pk}/reply", form).status_code == 403
    assert client.post(f"/tickets/{ticket.pk}/draft", {"text": "x"}).status_code == 403
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()
    page = client.get(f"/tickets/{ticket.pk}")
    token = page.context["csrf_token"]
    form["attachments"] = SimpleUploadedFile("a.txt", b"a", "text/plain")  # read once only
    sent = client.post(
        f"/tickets/{ticket.pk}/reply", {**form, "csrfmiddlewaretoken": token}, follow=True
    )
    assert "Reply sent." in text_of(sent)
    assert ticket.messages.filter(kind=MessageKind.REPLY).exists()
