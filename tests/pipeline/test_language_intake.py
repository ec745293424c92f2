"""At intake each customer message gets the language of its new text and how upset the customer
sounds; a confident detection becomes the customer's language unless an agent chose one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytest_django import Settings

from caredesk.accounts.models import Agent
from caredesk.customers.models import Customer, LanguageSource
from caredesk.customers.services import CustomerChanges, customer_update
from caredesk.inbound.models import Source
from caredesk.inbound.process import inbound_process_waiting
from caredesk.inbound.receive import inbound_receive
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Message, MessageKind, Ticket
from caredesk.tickets.replies import ticket_reply
from tests.conftest import deliver_ticket
from tests.mail import make_email

pytestmark = pytest.mark.django_db

GERMAN = "Hallo, mein Paket ist noch nicht angekommen. Können Sie bitte nachsehen?\n"
ENGLISH_HISTORY = (
    "\nOn Mon, 20 Nov 2026 at 09:00, Support <support@example.com> wrote:\n"
    "> Thank you for your message, we will get back to you as soon as we can.\n"
    "> Our team is looking into your order and will reply within one business day.\n"
)


def _customer_messages(ticket: Ticket) -> list[Message]:
    return list(ticket.messages.filter(kind=MessageKind.CUSTOMER).order_by("id"))


def _follow_up(ticket: Ticket, body: str, n: int) -> bytes:
    return make_email(
        message_id=f"<f{n}@example.net>",
        subject=f"Re: [#{ticket.pk}] {ticket.subject}",
        in_reply_to="<m1@example.net>",
        references=["<m1@example.net>"],
        body=body,
    )


def test_a_german_email_is_german_and_so_is_its_customer(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(make_email(message_id="<m1@example.net>", body=GERMAN), mailbox)
    (message,) = _customer_messages(ticket)
    assert message.language == "de"
    assert message.language_confidence is not None and message.language_confidence >= 0.9
    assert message.upset_level == 0 and message.upset_reasons == []
    customer = Customer.objects.get(pk=ticket.customer_id)
    assert (customer.language, customer.language_source) == ("de", LanguageSource.DETECTED)
    # caredesk's own acknowledgement is not read.
    ack = ticket.messages.get(kind=MessageKind.ACKNOWLEDGEMENT)
    assert ack.language == "" and ack.language_confidence is None


def test_the_new_text_counts_not_the_quoted_history(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(make_email(message_id="<m1@example.net>", body=GERMAN), mailbox)
    deliver_ticket(
        _follow_up(
            ticket, "Gibt es schon Neuigkeiten zu meiner Bestellung?\n" + ENGLISH_HISTORY, 1
        ),
        mailbox,
    )
    latest = _customer_messages(ticket)[-1]
    assert latest.language == "de"


def test_a_short_message_keeps_the_customers_known_language(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(make_email(message_id="<m1@example.net>", body=GERMAN), mailbox)
    deliver_ticket(_follow_up(ticket, "Danke!\n" + ENGLISH_HISTORY, 1), mailbox)
    latest = _customer_messages(ticket)[-1]
    assert latest.language == "unknown"
    assert Customer.objects.get(pk=ticket.customer_id).language == "de"


def test_a_confident_new_language_replaces_a_detected_one(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(make_email(message_id="<m1@example.net>", body=GERMAN), mailbox)
    english = "Sorry, I write in English now: has my parcel been sent yet?\n"
    deliver_ticket(_follow_up(ticket, english, 1), mailbox)
    assert Customer.objects.get(pk=ticket.customer_id).language == "en"


def test_detection_never_overwrites_an_agents_choice(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(make_email(message_id="<m1@example.net>", body=GERMAN), mailbox)
    customer = Customer.objects.get(pk=ticket.customer_id)
    assert customer_update(customer=customer, changes=CustomerChanges(language="fr")) == [
        "language"
    ]
    customer.refresh_from_db()
    assert customer.language_source == LanguageSource.AGENT
    deliver_ticket(_follow_up(ticket, GERMAN, 1), mailbox)
    customer.refresh_from_db()
    assert (customer.language, customer.language_source) == ("fr", LanguageSource.AGENT)
    assert _customer_messages(ticket)[-1].language == "de"  # the message still says what it is
    # Clearing the language hands it back to detection.
    customer_update(customer=customer, changes=CustomerChanges(language=""))
    deliver_ticket(_follow_up(ticket, GERMAN, 2), mailbox)
    customer.refresh_from_db()
    assert (customer.language, customer.language_source) == ("de", LanguageSource.DETECTED)


def test_upset_phrases_are_stored_with_their_reasons(mailbox: Mailbox) -> None:
    body = "This is the third time I am writing. Unacceptable!!\n"
    ticket = deliver_ticket(make_email(message_id="<m1@example.net>", body=body), mailbox)
    (message,) = _customer_messages(ticket)
    assert message.upset_level == 3
    assert message.upset_reasons == ["'third time'", "'unacceptable'", "'!!'"]


def test_writing_again_without_a_reply_counts_until_an_agent_answers(
    mailbox: Mailbox, agent: Agent
) -> None:
    calm = "Is there any news about my order please? Thank you.\n"
    ticket = deliver_ticket(make_email(message_id="<m1@example.net>", body=calm), mailbox)
    deliver_ticket(_follow_up(ticket, calm, 1), mailbox)
    deliver_ticket(_follow_up(ticket, calm, 2), mailbox)
    levels = [(m.upset_level, m.upset_reasons) for m in _customer_messages(ticket)]
    assert levels == [
        (0, []),
        (1, ["2nd message without a reply"]),
        (2, ["3rd message without a reply"]),
    ]
    ticket_reply(ticket=ticket, author=agent, text="We are on it.")
    deliver_ticket(_follow_up(ticket, calm, 3), mailbox)
    assert _customer_messages(ticket)[-1].upset_reasons == []


def test_one_batch_counts_its_own_earlier_emails(mailbox: Mailbox) -> None:
    calm = "Is there any news about my order please? Thank you.\n"
    ticket = deliver_ticket(make_email(message_id="<m1@example.net>", body=calm), mailbox)
    for n in (1, 2):
        inbound_receive(
            raw=_follow_up(ticket, calm, n),
            mailbox_id=mailbox.pk,
            source=Source.SMTP,
            process=False,
        )
    inbound_process_waiting(limit=10)
    reasons = [m.upset_reasons for m in _customer_messages(ticket)]
    assert reasons == [[], ["2nd message without a reply"], ["3rd message without a reply"]]


def test_a_long_wait_is_a_reason(mailbox: Mailbox) -> None:
    calm = "Is there any news about my order please? Thank you.\n"
    ticket = deliver_ticket(make_email(message_id="<m1@example.net>", body=calm), mailbox)
    Message.objects.filter(ticket=ticket).update(
        created_at=Message.objects.get(ticket=ticket, kind="customer").created_at
        - timedelta(days=3, hours=1)
    )
    deliver_ticket(_follow_up(ticket, calm, 1), mailbox)
    assert _customer_messages(ticket)[-1].upset_reasons == [
        "2nd message without a reply",
        "waited 3 days",
    ]


def test_automatic_replies_are_not_read(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(make_email(message_id="<m1@example.net>", body=GERMAN), mailbox)
    auto = make_email(
        message_id="<a1@example.net>",
        subject=f"Abwesenheitsnotiz: [#{ticket.pk}]",
        in_reply_to="<m1@example.net>",
        references=["<m1@example.net>"],
        body="Ich bin bis Montag nicht im Büro und lese keine E-Mails.\n",
        headers={"Auto-Submitted": "auto-replied"},
    )
    deliver_ticket(auto, mailbox)
    message = ticket.messages.get(kind=MessageKind.AUTO_REPLY)
    assert (message.language, message.upset_level) == ("", 0)


def test_languages_outside_the_desks_are_not_chosen(mailbox: Mailbox, settings: Settings) -> None:
    settings.CAREDESK_LANGUAGES = "en,fr"
    ticket = deliver_ticket(make_email(message_id="<m1@example.net>", body=GERMAN), mailbox)
    assert _customer_messages(ticket)[0].language != "de"
