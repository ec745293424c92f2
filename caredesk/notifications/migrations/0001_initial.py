"""Notifications move here from the sla app, rows and all.

The model is taken over in Django's state only, on the table the sla app created
(`sla_notification`), which is then renamed; sla's 0003 drops the model from its own state
without touching the table. Its content type follows it, so admin history and permissions stay
attached. On a fresh database this runs right after sla's 0002 created the table.
"""

import caredesk.core.clock
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_move(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label=target, model="notification").exists():
        return
    ContentType.objects.using(db).filter(app_label=source, model="notification").update(
        app_label=target
    )


def forwards(apps, schema_editor):
    content_type_move(apps, schema_editor, source="sla", target="notifications")


def backwards(apps, schema_editor):
    content_type_move(apps, schema_editor, source="notifications", target="sla")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("sla", "0002_default_calendar_and_policy"),
        ("tickets", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(db_index=True, default=caredesk.core.clock.now)),
                        ("kind", models.CharField(max_length=40)),
                        ("text", models.CharField(max_length=500)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("agent", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL)),
                        ("ticket", models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tickets.ticket")),
                    ],
                    options={
                        "ordering": ["-created_at", "-id"],
                        "db_table": "sla_notification",
                        "indexes": [models.Index(fields=["agent", "read_at"], name="sla_notific_agent_i_a2d4e8_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="notification", table=None),
        migrations.RenameIndex(
            model_name="notification",
            new_name="notification_agent_unread",
            old_name="sla_notific_agent_i_a2d4e8_idx",
        ),
        migrations.RunPython(forwards, backwards),
    ]
