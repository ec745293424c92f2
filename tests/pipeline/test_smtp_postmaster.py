"""postmaster@ and abuse@ at every domain of our mailboxes, over real sockets.

RFC 5321 4.5.1 requires postmaster to be accepted (RFC 2142 asks the same of abuse). Their mail
is kept in the intake log with status "postmaster": only admins see it (the access policy's rule
for raw email), no worker turns it into a ticket, and nobody is acknowledged.
"""

from __future__ import annotations

import smtplib
import time

import pytest
from django.test import Client

from caredesk.access import principal_of
from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.core.errors import NotFound
from caredesk.inbound.models import InboundMessage, IntakeStatus
from caredesk.inbound.selectors import inbound_list
from caredesk.inbound.services import intake_reprocess
from caredesk.mailboxes.models import Mailbox
from caredesk.mailboxes.services import mailbox_create
from caredesk.outbound.models import OutboundEmail
from caredesk.tickets.models import Ticket
from tests.conftest import eml, wait_until
from tests.mail import make_email

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = "abuse-feedback-report.eml"  # an ISP's feedback-loop report, sent to abuse@


@pytest.fixture
def admin() -> Agent:
    return agent_create(email="ada@example.com", name="Ada Admin", role="admin")


def rcpt(address: tuple[str, int], *recipients: str) -> list[int]:
    with smtplib.SMTP(*address) as client:
        client.ehlo()
        client.mail("fbl@isp.example.org")
        return [client.rcpt(r)[0] for r in recipients]


def test_postmaster_and_abuse_are_accepted_at_each_of_our_domains_only(
    mailbox: Mailbox, smtp_intake: tuple[str, int]
) -> None:
    mailbox_create(address="billing@example.org")
    accepted = rcpt(
        smtp_intake,
        "postmaster@example.com",
        "Postmaster@EXAMPLE.COM",
        "abuse@example.com",
        "postmaster@example.org",
        "abuse@example.org",
        "<Postmaster>",  # RFC 5321: the bare form too
    )
    assert accepted == [250] * 6
    refused = rcpt(
        smtp_intake, "postmaster@elsewhere.example", "abuse+x@example.com", "root@example.com"
    )
    assert refused == [550, 550, 550]


def test_mail_to_abuse_is_kept_for_admins_and_never_acknowledged(
    mailbox: Mailbox, smtp_intake: tuple[str, int], admin: Agent, agent: Agent, client: Client
) -> None:
    report = eml(REPORT)
    with smtplib.SMTP(*smtp_intake) as smtp:
        assert smtp.sendmail("fbl@isp.example.org", ["abuse@example.com"], report) == {}
        # A customer's email right behind it, so the test knows the workers have been at work.
        smtp.sendmail("jane@example.net", ["support@example.com"], make_email())
    assert wait_until(lambda: Ticket.objects.count() == 1)
    assert wait_until(lambda: OutboundEmail.objects.filter(kind="acknowledgement").exists())
    time.sleep(0.5)  # anything the workers would still do to the report, they have done

    kept = InboundMessage.objects.get(status=IntakeStatus.POSTMASTER)
    assert bytes(kept.raw) == report
    assert kept.envelope_to == ["abuse@example.com"]
    assert kept.status_reason == "addressed to abuse@example.com"
    assert kept.ticket_id is None
    assert Ticket.objects.count() == 1  # the customer's alone
    # The one acknowledgement is the customer's; the feedback loop hears nothing.
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [["jane@example.net"]]

    assert list(inbound_list(principal=principal_of(admin), status="postmaster")) == [kept]
    with pytest.raises(NotFound):
        inbound_list(principal=principal_of(agent), status="postmaster")
    client.force_login(admin)
    page = client.get("/admin/inbound/inboundmessage/?status__exact=postmaster")
    assert page.status_code == 200 and "fbl@isp.example.org" in page.content.decode()
    client.force_login(agent)
    assert client.get("/admin/inbound/inboundmessage/").status_code == 302  # to the sign-in

    # Reprocessing cannot turn it into a ticket (and so into an acknowledgement) either.
    assert intake_reprocess(ids=[kept.pk]) == []
    kept.refresh_from_db()
    assert kept.status == IntakeStatus.POSTMASTER


def test_mail_to_support_and_postmaster_at_once_is_a_ticket_and_a_kept_copy(
    mailbox: Mailbox, smtp_intake: tuple[str, int]
) -> None:
    with smtplib.SMTP(*smtp_intake) as smtp:
        smtp.sendmail(
            "jane@example.net", ["support@example.com", "postmaster@example.com"], make_email()
        )
    assert wait_until(lambda: Ticket.objects.exists())
    rows = {row.status: row.envelope_to for row in InboundMessage.objects.all()}
    assert rows == {
        IntakeStatus.PROCESSED: ["support@example.com"],
        IntakeStatus.POSTMASTER: ["postmaster@example.com"],
    }
