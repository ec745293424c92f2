"""Requests generated from the OpenAPI document, valid and invalid: none may fail with a 5xx.

Each generated request is sent twice: as generated (mostly unknown tickets, so mostly 404s and
422s), and once more aimed at a ticket and an intake row that exist, so the random bodies reach
the services and the database too. It sends an admin's token, who may use every endpoint.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from pytest_django import Settings

from caredesk.config.wsgi import application
from caredesk.inbound.models import InboundMessage
from caredesk.tickets.models import Ticket

EXAMPLES = int(os.environ.get("CAREDESK_FUZZ_EXAMPLES", "60"))


@pytest.fixture
def in_test_transaction(db: None, settings: Settings) -> Iterator[None]:
    """Serve requests inside the test's transaction, as django.test.Client does: a finished
    request would otherwise close the connection and lose the transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # A crash surfaces as its own traceback rather than as a bare 500.
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Loading the document touches no database, so it can happen at collection.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_request_makes_the_server_fail(
    case: Any, in_test_transaction: None, admin_token: str, ticket: Ticket
) -> None:
    intake = InboundMessage.objects.filter(ticket=ticket).first()
    assert intake is not None
    auth = {"Authorization": f"Bearer {admin_token}"}
    generated = dict(case.path_parameters or {})
    attempts = [generated]
    if "ref" in generated:
        attempts.append({**generated, "ref": ticket.pk})
    if "ref" in generated and "/messages/" in case.path:  # a message of that ticket
        attempts.append({**generated, "ref": ticket.pk, "id": ticket.messages.order_by("pk")[0].pk})
    if "intake_id" in generated:
        attempts.append({"intake_id": intake.pk})
    for path_parameters in attempts:
        case.path_parameters = path_parameters
        response = case.call(headers=auth)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: "
            f"{response.text[:500]}\n{case.as_curl_command()}"
        )
