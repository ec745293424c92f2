"""Admins' wordings: refused when they name what the email cannot know, used by intake and the
password reset in the order docs/system-emails.md gives, and read once per batch."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings

from caredesk.accounts.services import agent_create
from caredesk.core.errors import InvalidRequest
from caredesk.customers.models import Customer
from caredesk.customers.services import CustomerChanges, customer_update
from caredesk.inbound.models import Source
from caredesk.inbound.process import inbound_process_waiting
from caredesk.inbound.receive import inbound_receive
from caredesk.mailboxes.models import Mailbox
from caredesk.mailboxes.services import mailbox_create
from caredesk.outbound.models import OutboundEmail
from caredesk.outbound.transports import MemoryTransport
from caredesk.system_emails.kinds import ACKNOWLEDGEMENT, PASSWORD_RESET
from caredesk.system_emails.models import SystemEmail
from caredesk.system_emails.services import system_email_save
from caredesk.workspace.passwords import password_reset_email_send
from tests.conftest import deliver_ticket, eml
from tests.mail import make_email

pytestmark = pytest.mark.django_db

FRENCH = (
    "Bonjour, ma commande 48213 n'est jamais arrivée. Pouvez-vous vérifier, s'il vous plaît ?\n"
)
GERMAN = "Hallo, mein Paket ist noch nicht angekommen. Können Sie bitte nachsehen?\n"
ITALIAN = "Buongiorno, il mio ordine non è ancora arrivato. Potete controllare per favore?\n"


def _ack(mailbox: Mailbox, body: str, n: int = 1, *, sender: str) -> OutboundEmail:
    raw = make_email(message_id=f"<m{n}@example.net>", body=body, sender=sender)
    ticket = deliver_ticket(raw, mailbox, envelope_to=[mailbox.address])
    return OutboundEmail.objects.get(ticket=ticket, kind="acknowledgement")


def _save(mailbox: Mailbox | None, language: str, body: str, kind: str = ACKNOWLEDGEMENT) -> None:
    system_email_save(
        kind=kind,
        mailbox=mailbox,
        language=language,
        subject="{{ ticket.reference }}: {{ ticket.subject }}"
        if kind == ACKNOWLEDGEMENT
        else "Reset for {{ agent.first_name }}",
        body=body,
    )


def test_unknown_variables_are_refused_with_the_ones_allowed(mailbox: Mailbox) -> None:
    with pytest.raises(InvalidRequest) as refused:
        _save(mailbox, "fr", "Bonjour {{ customer.nom }}, {{ agent.signature }}")
    message = str(refused.value)
    assert "Unknown variables {{ customer.nom }}, {{ agent.signature }}." in message
    assert "This email may use {{ customer.name }}, {{ customer.first_name }}," in message
    assert not SystemEmail.objects.exists()


@pytest.mark.parametrize(
    ("kind", "mailbox_given", "language", "subject", "body", "says"),
    [
        (PASSWORD_RESET, True, "en", "x", "x", "the same for every mailbox"),
        (ACKNOWLEDGEMENT, False, "french", "x", "x", "not a language code"),
        (ACKNOWLEDGEMENT, False, "fr", " ", "x", "The subject is empty."),
        (ACKNOWLEDGEMENT, False, "fr", "a\nb", "x", "The subject must be one line."),
        (ACKNOWLEDGEMENT, False, "fr", "x", "  ", "The text is empty."),
        ("reminder", False, "fr", "x", "x", "There is no system email called 'reminder'."),
    ],
)
def test_other_bad_wordings_are_refused(
    mailbox: Mailbox,
    kind: str,
    mailbox_given: bool,
    language: str,
    subject: str,
    body: str,
    says: str,
) -> None:
    with pytest.raises(InvalidRequest, match=says):
        system_email_save(
            kind=kind,
            mailbox=mailbox if mailbox_given else None,
            language=language,
            subject=subject,
            body=body,
        )


def test_one_wording_per_mailbox_and_language(mailbox: Mailbox) -> None:
    _save(mailbox, "fr", "Un")
    _save(None, "fr", "Deux")  # for all mailboxes: another one
    with pytest.raises(InvalidRequest, match="already has a wording"):
        _save(mailbox, "fr-CA", "Trois")  # kept by primary language
    with pytest.raises(InvalidRequest, match="already has a wording"):
        _save(None, "fr", "Quatre")


def test_intake_takes_the_mailboxs_wording_then_the_one_for_all(mailbox: Mailbox) -> None:
    other = mailbox_create(address="help@example.org", name="Other Help")
    _save(mailbox, "fr", "Bonjour {{ customer.first_name }}, ticket {{ ticket.reference }}.")
    _save(None, "fr", "Pour tous : {{ ticket.promised_reply }}.")
    ours = _ack(mailbox, FRENCH, sender="Camille Lefèvre <camille@example.net>")
    assert ours.text == f"Bonjour Camille, ticket #{ours.ticket_id}.\n"
    assert ours.subject == f"#{ours.ticket_id}: My order has not arrived"
    theirs = _ack(other, FRENCH, 2, sender="Luc <luc@example.net>")
    # The promise in French, as the wording: "demain avant 10:00 UTC", "avant jeudi ...".
    assert re.match(r"Pour tous : (aujourd'hui |demain )?avant .*\d\d:\d\d UTC\.\n$", theirs.text)
    # A German customer of the same mailbox reads the shipped German text.
    german = _ack(mailbox, GERMAN, 3, sender="Anna Schmidt <anna@example.net>")
    assert german.text.startswith("Guten Tag Anna Schmidt,\n\nvielen Dank für Ihre Nachricht")


def test_a_language_nobody_writes_falls_back_to_the_mailboxs(mailbox: Mailbox) -> None:
    mailbox.language = "de"
    mailbox.save(update_fields=["language"])
    ack = _ack(mailbox, ITALIAN, sender="Giulia Rossi <giulia@example.net>")
    assert ack.text.startswith("Guten Tag Giulia Rossi,")
    assert " bis " in ack.text  # and the promise in German, like the wording


def test_an_unsure_detection_leaves_the_customers_language(mailbox: Mailbox) -> None:
    customer = Customer.objects.create(name="Ana")
    customer.addresses.create(address="ana@example.net")
    customer_update(customer=customer, changes=CustomerChanges(language="es"))
    ack = _ack(mailbox, "Ok 1234?\n", sender="Ana <ana@example.net>")  # too short to tell
    assert ack.text.startswith("Hola, Ana:\n\nGracias por escribir a Example Support.")


def test_overrides_are_read_once_per_batch(mailbox: Mailbox, settings: Settings) -> None:
    _save(None, "fr", "Bonjour, ticket {{ ticket.reference }}.")
    emails = [
        make_email(message_id=f"<b{n}@example.net>", sender=f"c{n}@example.net", body=FRENCH)
        for n in range(6)
    ]
    for raw in emails:
        inbound_receive(raw=raw, mailbox_id=mailbox.pk, source=Source.SMTP, process=False)
    with CaptureQueriesContext(connection) as queries:
        assert len(inbound_process_waiting(limit=10)) == 6
    reads = [q["sql"] for q in queries.captured_queries if "system_emails_systememail" in q["sql"]]
    assert len(reads) == 1, reads
    texts = OutboundEmail.objects.filter(kind="acknowledgement").values_list("text", flat=True)
    assert len(texts) == 6 and all(t.startswith("Bonjour, ticket #") for t in texts)


def test_the_french_fixture_is_acknowledged_in_french(mailbox: Mailbox) -> None:
    ticket = deliver_ticket(eml("french-new-ticket-quoted-printable.eml"), mailbox)
    ack = OutboundEmail.objects.get(ticket=ticket, kind="acknowledgement")
    assert ack.subject == f"Re: Commande 48213 jamais livrée [#{ticket.pk}]"
    assert ack.text.startswith("Bonjour Camille Lefèvre,\n\nMerci d'avoir écrit à Example Support.")


def test_the_password_reset_is_in_the_agents_language(db: None, settings: Settings) -> None:
    settings.CAREDESK_PUBLIC_URL = "http://testserver"
    agent_create(
        email="jo@example.com", name="Jo Berger", role="agent", password="correct horse 42"
    )
    from caredesk.accounts.models import Agent

    Agent.objects.filter(email="jo@example.com").update(language="de")
    assert password_reset_email_send(address="jo@example.com", base_url="http://testserver")
    (sent,) = MemoryTransport.sent
    message = email.message_from_bytes(sent.data, policy=email.policy.default)
    assert message["Subject"] == "Neues Passwort für caredesk festlegen"
    assert message["Content-Language"] == "de"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")
    assert text.startswith("Hallo Jo,\n\njemand, hoffentlich Sie selbst,")
    assert "innerhalb von 60 Minuten" in text and "http://testserver/password/reset/" in text

    _save(None, "de", "Link für {{ agent.name }}: {{ reset.link }}", kind=PASSWORD_RESET)
    MemoryTransport.sent.clear()
    assert password_reset_email_send(address="jo@example.com", base_url="http://testserver")
    message = email.message_from_bytes(MemoryTransport.sent[0].data, policy=email.policy.default)
    assert message["Subject"] == "Reset for Jo"
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content().startswith("Link für Jo Berger: http://testserver/password/reset/")
