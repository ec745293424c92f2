from __future__ import annotations

import pytest
from django.test import Client

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create, api_token_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from tests.api.support import Api, new_ticket


@pytest.fixture
def token(agent: Agent) -> str:
    return api_token_create(agent=agent)


@pytest.fixture
def api(client: Client, token: str) -> Api:
    return Api(client, token)


@pytest.fixture
def admin_token(db: None) -> str:
    """An admin's token: the intake log is theirs alone."""
    admin = agent_create(email="ada@example.com", name="Ada Admin", role="admin")
    return api_token_create(agent=admin)


@pytest.fixture
def admin_api(client: Client, admin_token: str) -> Api:
    return Api(client, admin_token)


@pytest.fixture
def anonymous(client: Client) -> Api:
    return Api(client, None)


@pytest.fixture
def ticket(mailbox: Mailbox) -> Ticket:
    return new_ticket(mailbox)
