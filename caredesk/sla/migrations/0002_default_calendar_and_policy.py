"""The default promise: a first human reply within one business day (8 business hours on the
office-hours calendar), a next reply within one, and a resolution within three."""

from django.conf import settings
from django.db import migrations

OFFICE_HOURS = {str(day): [["09:00", "17:00"]] for day in range(5)}


def create(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    if not Calendar.objects.filter(is_default=True).exists():
        Calendar.objects.create(
            name="Office hours",
            timezone=getattr(settings, "CAREDESK_TIME_ZONE", "UTC"),
            weekly_hours=OFFICE_HOURS,
            is_default=True,
        )
    if not SlaPolicy.objects.exists():
        SlaPolicy.objects.create(
            name="Standard",
            position=1000,
            first_reply_minutes=8 * 60,
            next_reply_minutes=8 * 60,
            resolution_minutes=3 * 8 * 60,
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
