"""Stale templates flagged to their owners: once a template's review-by date has come, or is
7 days away, its owner gets one workspace notification, once per template and review-by date
(a new date set after the review is flagged again when it comes).

Several workers may run this at once. Each locks the templates it flags (skipping those another
worker holds: they are that worker's), re-reads them under the lock, and records the date it
flagged (`review_flagged_for`) in the transaction that writes the notification, so a second run
no longer finds them.
"""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet

from caredesk.core import clock
from caredesk.notifications.services import notification_template_review_create
from caredesk.replies.listing import SOON
from caredesk.replies.models import ReplyTemplate, State

BATCH = 200


def desk_today() -> date:
    """Today in the desk's time zone (CAREDESK_TIME_ZONE), which review-by dates are in."""
    try:
        zone = zoneinfo.ZoneInfo(settings.CAREDESK_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return clock.now().astimezone(zone).date()


def templates_to_flag(*, today: date) -> QuerySet[ReplyTemplate]:
    """Templates in use or on their way (not retired) with an active owner, whose review-by
    date is at most 7 days away and has not been flagged yet."""
    return ReplyTemplate.objects.filter(
        ~Q(state=State.RETIRED),
        ~Q(review_flagged_for=F("review_by")) | Q(review_flagged_for__isnull=True),
        review_by__isnull=False,
        review_by__lte=today + SOON,
        owner__is_active=True,
    )


def templates_stale_flag(*, today: date, limit: int = BATCH) -> int:
    """Flag up to `limit` templates due for review to their owners; returns how many."""
    with transaction.atomic():
        due = list(
            templates_to_flag(today=today)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("owner")
            .order_by("pk")[:limit]
        )
        for template in due:
            assert template.owner is not None and template.review_by is not None
            notification_template_review_create(
                agent=template.owner,
                template_id=template.pk,
                name=template.name,
                review_by=template.review_by,
                today=today,
            )
            template.review_flagged_for = template.review_by
            template.save(update_fields=["review_flagged_for"])
        return len(due)


def templates_stale_flag_all(*, today: date) -> int:
    """Flag every template due (the periodic task)."""
    total = 0
    while done := templates_stale_flag(today=today):
        total += done
    return total
