from __future__ import annotations

import pytest
from django.test import Client

from caredesk.mailboxes.models import Mailbox
from tests.conftest import deliver
from tests.mail import make_email

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_metrics_count_the_pipeline_from_the_database(client: Client, mailbox: Mailbox) -> None:
    deliver(make_email(), mailbox)
    deliver(make_email(), mailbox)  # a second email, also processed
    deliver(b"Subject: nobody\r\n\r\nx", mailbox)  # quarantined: no sender
    body = client.get("/metrics").content.decode()
    assert 'caredesk_intake_messages{status="processed"} 2.0' in body
    assert 'caredesk_intake_messages{status="quarantined"} 1.0' in body
    assert 'caredesk_outbound_emails{kind="acknowledgement",status="queued"} 2.0' in body
    assert 'caredesk_tickets{status="new"} 2.0' in body
    assert "caredesk_intake_oldest_unprocessed_seconds 0.0" in body
