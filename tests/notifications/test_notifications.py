"""An agent's notifications: listing them and marking them read."""

from __future__ import annotations

import pytest

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.core.errors import NotFound
from caredesk.notifications.models import Notification
from caredesk.notifications.selectors import notification_list
from caredesk.notifications.services import notification_mark_read

pytestmark = pytest.mark.django_db


def test_an_agent_lists_their_own_newest_first(agent: Agent) -> None:
    other = agent_create(email="bo@example.com", name="Bo", role="agent")
    first = Notification.objects.create(agent=agent, kind="sla_warning", text="first")
    Notification.objects.create(agent=other, kind="sla_warning", text="not yours")
    second = Notification.objects.create(agent=agent, kind="imap_failing", text="second")

    assert list(notification_list(agent=agent)) == [second, first]


def test_marking_read_keeps_the_first_time_and_hides_it_from_unread(agent: Agent) -> None:
    note = Notification.objects.create(agent=agent, kind="sla_breached", text="late")
    at = clock.now()
    with clock.frozen_at(at):
        read = notification_mark_read(agent=agent, notification_id=note.pk)
    assert read.read_at == at
    again = notification_mark_read(agent=agent, notification_id=note.pk)
    assert again.read_at == at
    assert list(notification_list(agent=agent, unread=True)) == []
    assert list(notification_list(agent=agent)) == [note]


def test_another_agents_notification_is_not_found(agent: Agent) -> None:
    other = agent_create(email="bo@example.com", name="Bo", role="agent")
    theirs = Notification.objects.create(agent=other, kind="sla_warning", text="theirs")
    with pytest.raises(NotFound):
        notification_mark_read(agent=agent, notification_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.read_at is None
