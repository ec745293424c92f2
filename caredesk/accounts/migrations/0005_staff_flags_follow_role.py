"""Agents whose role changed before the flags followed it: admins are staff and superusers,
nobody else is either (accounts.services.agent_role_set)."""

from django.db import migrations


def flags_follow_role(apps, schema_editor):
    Agent = apps.get_model("accounts", "Agent")
    Agent.objects.filter(role="admin").update(is_staff=True, is_superuser=True)
    Agent.objects.exclude(role="admin").update(is_staff=False, is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_password_reset_request")]

    operations = [migrations.RunPython(flags_follow_role, migrations.RunPython.noop)]
