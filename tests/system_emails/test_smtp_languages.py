"""A French and a Japanese customer write over SMTP; the acknowledgement that reaches the relay
(a real SMTP server) is in their language, with the promise phrased in it."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from caredesk.core import clock
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from tests.conftest import eml, wait_until
from tests.mail import SmtpSink, plain_text
from tests.sla.conftest import WEEKDAYS_9_TO_5, only_calendar, only_policy

pytestmark = pytest.mark.django_db(transaction=True)

# Tuesday 1 December 2026, 10:20 in Berlin: eight business hours later is Wednesday 10:20,
# promised (rounded up to the quarter hour) for 10:30.
ARRIVES = datetime(2026, 12, 1, 10, 20, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)


@pytest.fixture
def berlin_desk(db: None) -> None:
    only_calendar(name="Berlin", timezone="Europe/Berlin", weekly_hours=WEEKDAYS_9_TO_5)
    only_policy(first_reply_minutes=8 * 60)


def _acknowledgement(fixture: str, smtp_intake: tuple[str, int], relay: SmtpSink) -> str:
    with clock.frozen_at(ARRIVES), smtplib.SMTP(*smtp_intake) as client:
        refused = client.sendmail("someone@example.net", ["support@example.com"], eml(fixture))
        assert refused == {}
        (ack,) = relay.wait_for(1)
    assert wait_until(lambda: Ticket.objects.exists())
    ticket = Ticket.objects.get()
    assert ack.message["Subject"] == f"Re: {ticket.subject} [#{ticket.pk}]"
    return plain_text(ack.message).replace("\r\n", "\n")


def test_a_french_email_is_acknowledged_in_french(
    berlin_desk: None, mailbox: Mailbox, smtp_intake: tuple[str, int], relay: SmtpSink
) -> None:
    text = _acknowledgement("french-new-ticket-quoted-printable.eml", smtp_intake, relay)
    ticket = Ticket.objects.get()
    assert text == (
        "Bonjour Camille Lefèvre,\n\n"
        "Merci d'avoir écrit à Example Support. Nous avons bien reçu votre message et ouvert "
        f"le ticket #{ticket.pk}\u00a0:\n\n"
        "    Commande 48213 jamais livrée\n\n"
        "Une personne de notre équipe vous répondra demain avant 10:30 CET.\n\n"
        "Si vous souhaitez ajouter quelque chose, il vous suffit de répondre à cet e-mail.\n\n"
        "Bien cordialement,\nExample Support\n"
    )


def test_a_japanese_email_is_acknowledged_in_japanese(
    berlin_desk: None, mailbox: Mailbox, smtp_intake: tuple[str, int], relay: SmtpSink
) -> None:
    text = _acknowledgement("japanese-new-ticket-iso-2022-jp.eml", smtp_intake, relay)
    ticket = Ticket.objects.get()
    assert ticket.subject == "注文した商品が届きません"
    assert text == (
        "田中 美咲 様\n\n"
        "このたびはExample Supportにお問い合わせいただき、誠にありがとうございます。\n"
        f"お問い合わせを受け付け、チケット番号 #{ticket.pk} を発行いたしました。\n\n"
        "    件名：注文した商品が届きません\n\n"
        "担当者より明日10:30（CET）までにご返信いたします。\n"
        "補足がございましたら、このメールにそのままご返信ください。\n\n"
        "※このメールは自動で送信しています。\n\n"
        "Example Support\n"
    )
