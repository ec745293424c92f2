"""Notifications moved from the sla app to their own without losing a row, and the models and
migrations agree (a fresh database is what the suite itself migrates)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("sla", "0002_default_calendar_and_policy"), ("notifications", None)]


@pytest.mark.django_db
def test_the_models_need_no_new_migration() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_existing_databases_notifications_survive_the_move() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        old = executor.migrate(BEFORE).apps
        agent = old.get_model("accounts", "Agent").objects.create(email="ann@example.com")
        old.get_model("sla", "Notification").objects.create(
            agent=agent, kind="sla_warning", text="before the move"
        )
        old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="sla", model="notification"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    from django.contrib.contenttypes.models import ContentType

    from caredesk.notifications.models import Notification

    (moved,) = Notification.objects.all()
    assert (moved.agent.email, moved.text) == ("ann@example.com", "before the move")
    assert ContentType.objects.get_for_model(Notification).app_label == "notifications"
    assert not ContentType.objects.filter(app_label="sla", model="notification").exists()
