"""Offset pagination with the total count, the one way every list endpoint pages."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def paginate(queryset: QuerySet[M], *, limit: int, offset: int) -> dict[str, Any]:
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "items": list(queryset[offset : offset + limit]),
    }
