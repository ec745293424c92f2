"""Notifications now belong to the notifications app (its 0001 took the model and its table
over): drop the model from this app's state only, leaving the table and its rows alone."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        ("sla", "0002_default_calendar_and_policy"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
