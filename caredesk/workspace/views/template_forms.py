"""What the template pages' forms send, read (refusing what is not a value, with the reason)."""

from __future__ import annotations

from datetime import date

from caredesk.core.errors import InvalidRequest


def review_by_parse(value: str) -> date | None:
    """A review-by date as a date field sends it (YYYY-MM-DD); empty for none."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"review by {value[:20]!r} is not a date (YYYY-MM-DD)") from None
