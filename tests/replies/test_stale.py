"""Stale templates flagged to their owners: once per template and review-by date, from 7 days
before it, however many workers run the job at once."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection

from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create
from caredesk.notifications.models import Notification
from caredesk.replies.models import ReplyTemplate, State
from caredesk.replies.services import template_create, template_move, template_update
from caredesk.replies.stale import templates_stale_flag_all
from caredesk.replies.tasks import flag_stale_templates

TODAY = date(2026, 12, 3)


@pytest.fixture
def tina(db: None) -> Agent:
    return agent_create(email="tina@example.com", name="Tina", role="agent")


def _template(owner: Agent, name: str, review_by: date | None) -> ReplyTemplate:
    return template_create(actor=owner, name=name, variants={"en": "x"}, review_by=review_by)


@pytest.mark.django_db
def test_each_owner_is_told_once_per_template_and_review_by_date(tina: Agent) -> None:
    overdue = _template(tina, "Overdue", TODAY - timedelta(days=3))
    soon = _template(tina, "Soon", TODAY + timedelta(days=7))
    _template(tina, "Later", TODAY + timedelta(days=8))
    _template(tina, "Never", None)
    retired = _template(tina, "Retired", TODAY - timedelta(days=1))
    template_move(actor=tina, template=retired, state=State.RETIRED)

    assert templates_stale_flag_all(today=TODAY) == 2
    flagged = Notification.objects.filter(agent=tina, kind="template_review")
    assert {n.template_id: n.text for n in flagged.all()} == {
        overdue.pk: "Your template \u201cOverdue\u201d was due for review by Mon 30 Nov 2026",
        soon.pk: "Your template \u201cSoon\u201d is due for review by Thu 10 Dec 2026",
    }
    assert templates_stale_flag_all(today=TODAY) == 0
    assert templates_stale_flag_all(today=TODAY + timedelta(days=1)) == 1  # "Later" now
    assert flagged.count() == 3

    # Reviewed, with a new date: flagged again when that one comes, not before.
    template_update(actor=tina, template=overdue, name="Overdue", review_by=date(2027, 6, 1))
    assert templates_stale_flag_all(today=TODAY + timedelta(days=1)) == 0
    assert templates_stale_flag_all(today=date(2027, 5, 25)) == 1
    assert flagged.filter(template=overdue).count() == 2


@pytest.mark.django_db
def test_an_inactive_owner_is_not_told(tina: Agent) -> None:
    _template(tina, "Overdue", TODAY - timedelta(days=3))
    Agent.objects.filter(pk=tina.pk).update(is_active=False)
    assert templates_stale_flag_all(today=TODAY) == 0


@pytest.mark.django_db
def test_the_periodic_job_flags_by_the_desks_date(tina: Agent) -> None:
    _template(tina, "Overdue", date(2000, 1, 1))
    assert flag_stale_templates.call_local() == 1
    assert flag_stale_templates.call_local() == 0


@pytest.mark.django_db(transaction=True)
def test_several_workers_at_once_flag_each_template_once(tina: Agent) -> None:
    templates = [_template(tina, f"T{i}", TODAY) for i in range(40)]
    errors: list[BaseException] = []
    done: list[int] = []
    start = threading.Barrier(4)

    def work() -> None:
        try:
            start.wait()
            done.append(templates_stale_flag_all(today=TODAY))
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(done) == len(templates)
    per_template = Notification.objects.filter(kind="template_review").values_list(
        "template_id", flat=True
    )
    assert sorted(per_template) == sorted(t.pk for t in templates)
