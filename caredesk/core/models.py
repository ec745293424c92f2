from __future__ import annotations

from django.db import models

from caredesk.core import clock


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        abstract = True
