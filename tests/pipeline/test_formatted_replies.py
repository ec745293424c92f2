"""An agent's reply as the customer receives it, through a real SMTP relay: the agent's name
with the mailbox's on From, the text and its HTML, files, and the customer's message quoted."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

import pytest

from caredesk.accounts.models import Agent
from caredesk.core import clock
from caredesk.mailboxes.models import Mailbox
from caredesk.outbound.models import OutboundEmail
from caredesk.sla.models import Calendar
from caredesk.tickets.attachments import Upload
from caredesk.tickets.models import Message, MessageKind
from caredesk.tickets.replies import ticket_reply
from tests.conftest import deliver, deliver_ticket
from tests.mail import SmtpSink, make_email, plain_text

pytestmark = pytest.mark.django_db(transaction=True)

WRITTEN = (
    "Hi Jane,\n\nI have **resent your order** today. What happens next:\n\n"
    "- You get a [tracking link](https://example.com/track?id=1234) by email.\n"
    "- It reaches you within *2 days*."
)


def _html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None, "no text/html body"
    return str(part.get_content()).replace("\r\n", "\n")


def _ann(agent: Agent) -> Agent:
    agent.name = "Ann"
    agent.signature = "Ann, Example Support"
    agent.save()
    return agent


def test_a_formatted_reply_reaches_the_customer_as_text_and_html_with_the_quote(
    mailbox: Mailbox, agent: Agent, relay: SmtpSink
) -> None:
    madrid = Calendar.objects.create(name="Madrid", timezone="Europe/Madrid", always_open=True)
    Mailbox.objects.filter(pk=mailbox.pk).update(calendar=madrid)
    ticket = deliver_ticket(make_email(), mailbox)
    (acknowledgement,) = relay.wait_for(1)
    # Automatic emails carry the mailbox's name alone.
    assert acknowledgement.message["From"] == "Example Support <support@example.com>"

    reply = ticket_reply(
        ticket=ticket,
        author=_ann(agent),
        text=WRITTEN,
        attachments=[Upload("label.pdf", "application/pdf", b"%PDF-1.4 label")],
    )
    got = relay.wait_for(2)[-1].message
    assert got["From"] == "Ann at Example Support <support@example.com>"
    assert got["Reply-To"] == f"Ann at Example Support <support+{ticket.reply_token}@example.com>"

    # multipart/mixed around the alternative, then the file.
    assert got.get_content_type() == "multipart/mixed"
    alternative, pdf = got.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert pdf.get_filename() == "label.pdf"

    customer = Message.objects.get(ticket=ticket, kind=MessageKind.CUSTOMER)
    assert customer.sent_at is not None
    at = customer.sent_at.astimezone(ZoneInfo("Europe/Madrid"))  # the team's zone
    line = f"On {at:%a} {at.day} {at:%b %Y at %H:%M}, Jane Doe wrote:"

    plain = plain_text(got).replace("\r\n", "\n")
    assert plain.startswith(
        "Hi Jane,\n\nI have **resent your order** today. What happens next:\n\n"
        "- You get a tracking link (https://example.com/track?id=1234) by email.\n"
        "- It reaches you within *2 days*.\n\n-- \nAnn, Example Support\n\n"
    )
    assert f"{line}\n> Hello, my order 1234 has not arrived yet. Can you help?" in plain

    html = _html(got)
    assert "<strong>resent your order</strong>" in html and "<em>2 days</em>" in html
    assert (
        '<ul><li>You get a <a href="https://example.com/track?id=1234" '
        'rel="noopener noreferrer">tracking link</a> by email.</li>'
    ) in html
    assert f"<p>{line}</p>" in html
    assert (
        '<blockquote type="cite"><p>Hello, my order 1234 has not arrived yet. Can you help?</p>'
        "</blockquote>"
    ) in html

    # The timeline keeps what Ann wrote: no quote, no signature, her Markdown as typed.
    reply.refresh_from_db()
    assert reply.new_text == WRITTEN
    assert reply.from_name == "Ann"
    assert reply.text == f"{WRITTEN}\n\n-- \nAnn, Example Support"  # what she wrote, signed
    row = OutboundEmail.objects.get(ticket_message=reply)  # the email, as sent on every attempt
    assert row.from_name == "Ann at Example Support" and "<blockquote" in row.html
    assert f"{line}\n> Hello" in row.text


def test_a_mailbox_can_send_its_name_alone_and_quote_nothing(
    mailbox: Mailbox, agent: Agent, relay: SmtpSink
) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(sender_format="{mailbox}", quote_previous=False)
    ticket = deliver_ticket(make_email(), mailbox)
    relay.wait_for(1)
    ticket_reply(ticket=ticket, author=_ann(agent), text="It is on its way.")
    got = relay.wait_for(2)[-1].message
    assert got["From"] == "Example Support <support@example.com>"
    assert "wrote:" not in plain_text(got) and "<blockquote" not in _html(got)


def test_an_agent_name_beyond_ascii_is_encoded_on_the_wire(
    mailbox: Mailbox, agent: Agent, relay: SmtpSink
) -> None:
    ticket = deliver_ticket(make_email(), mailbox)
    relay.wait_for(1)
    agent.name = "Zoë Ångström"
    agent.save()
    ticket_reply(ticket=ticket, author=agent, text="Hej!")
    received = relay.wait_for(2)[-1]
    raw = received.message.as_bytes(policy=email.policy.SMTP)
    assert b"From: =?utf-8?q?Zo=C3=AB_=C3=85ngstr=C3=B6m?= at Example Support" in raw
    assert received.message["From"].addresses[0].display_name == "Zoë Ångström at Example Support"


def test_the_customer_answering_our_quoted_reply_threads_and_keeps_only_new_words(
    mailbox: Mailbox, agent: Agent, relay: SmtpSink
) -> None:
    """The customer's client quotes our reply, quote and all, one level deeper: the ticket gets
    their new words only, and the email joins the ticket it answers."""
    first = make_email()
    ticket = deliver_ticket(first, mailbox)
    relay.wait_for(1)
    ticket_reply(ticket=ticket, author=_ann(agent), text=WRITTEN)
    ours = relay.wait_for(2)[-1].message

    answer = EmailMessage()
    answer["From"] = "Jane Doe <jane@example.net>"
    answer["To"] = ours["Reply-To"]
    answer["Subject"] = f"Re: {ours['Subject']}"
    answer["Date"] = format_datetime(clock.now())
    answer["Message-ID"] = make_msgid(domain="example.net")
    answer["In-Reply-To"] = ours["Message-ID"]
    answer["References"] = f"{ours['References']} {ours['Message-ID']}"
    quoted = "\n".join(f"> {line}" if line else ">" for line in plain_text(ours).splitlines())
    when = format_datetime(clock.now())
    answer.set_content(
        f"Thank you, it arrived!\n\nJane\n\nOn {when}, {ours['From']} wrote:\n{quoted}\n"
    )
    answer.add_alternative(
        "<div>Thank you, it arrived!<br><br>Jane</div>"
        f'<div class="gmail_quote"><div class="gmail_attr">On {when}, Ann at Example Support '
        "wrote:<br></div>"
        f'<blockquote class="gmail_quote">{_html(ours)}</blockquote></div>',
        subtype="html",
    )
    row = deliver(answer.as_bytes(policy=email.policy.SMTP), mailbox)
    assert row.ticket_id == ticket.pk
    latest = Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER).latest("id")
    assert latest.new_text == "Thank you, it arrived!\n\nJane"
    parsed = email.message_from_bytes(answer.as_bytes(), policy=email.policy.default)
    assert "Hello, my order 1234" in str(parsed)  # the old words were there, quoted twice


@pytest.mark.parametrize(
    ("written", "line_starts"),
    [
        ("Hallo Anna,\n\nIhre Erstattung ist unterwegs und kommt in drei Tagen an.", "Am "),
        ("Hello Anna,\n\nyour refund is on its way and arrives in three days.", "On "),
        ("OK.", "Am "),  # too short to tell: the customer's language
    ],
)
def test_the_line_above_the_quote_is_in_the_language_of_the_reply(
    mailbox: Mailbox, agent: Agent, relay: SmtpSink, written: str, line_starts: str
) -> None:
    ticket = deliver_ticket(make_email(sender="Anna Schmidt <anna@example.de>"), mailbox)
    ticket.customer.language = "de"
    ticket.customer.save(update_fields=["language"])
    relay.wait_for(1)
    ticket_reply(ticket=ticket, author=_ann(agent), text=written)
    sent = plain_text(relay.wait_for(2)[-1].message)
    [line] = [x for x in sent.splitlines() if x.endswith(("wrote:", "schrieb Anna Schmidt:"))]
    assert line.startswith(line_starts), line
