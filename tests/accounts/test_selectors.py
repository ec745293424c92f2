"""Finding an agent by email address: one selector for every interface."""

from __future__ import annotations

import pytest

from caredesk.accounts.models import Agent
from caredesk.accounts.selectors import agent_get
from caredesk.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_an_agent_is_found_in_any_case_and_with_stray_spaces(agent: Agent) -> None:
    assert agent_get(email="ann@example.com") == agent
    assert agent_get(email="  ANN@Example.com ") == agent


def test_an_unknown_address_is_not_found(agent: Agent) -> None:
    with pytest.raises(NotFound, match=r"there is no agent ghost@example\.com"):
        agent_get(email="ghost@example.com")


def test_active_only_passes_over_a_deactivated_agent(agent: Agent) -> None:
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert agent_get(email="ann@example.com") == agent
    with pytest.raises(NotFound):
        agent_get(email="ann@example.com", active_only=True)
