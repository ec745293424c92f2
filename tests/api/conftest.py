from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from caredesk.accounts.services import api_token_create
from caredesk.tickets.models import Ticket
from tests.api.support import Api, new_ticket


@pytest.fixture
def token(agent: Any) -> str:
    return api_token_create(agent=agent)


@pytest.fixture
def api(client: Client, token: str) -> Api:
    return Api(client, token)


@pytest.fixture
def anonymous(client: Client) -> Api:
    return Api(client, None)


@pytest.fixture
def ticket(mailbox: Any) -> Ticket:
    return new_ticket(mailbox)
