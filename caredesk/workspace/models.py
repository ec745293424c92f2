from __future__ import annotations

from django.db import models

from caredesk.core.models import TimestampedModel


class SignInFailure(TimestampedModel):
    """A refused sign-in, kept briefly so that guessing passwords is slowed down for everyone
    running caredesk's web processes, not one process at a time."""

    address = models.CharField(max_length=254, db_index=True)  # the email that was tried
    ip = models.GenericIPAddressField(null=True, db_index=True)
