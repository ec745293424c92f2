"""What the admin modules of caredesk's apps share."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

M = TypeVar("M", bound=Model)


class RecordAdmin(admin.ModelAdmin[M]):
    """A record (tickets, their messages and history, emails in and out) shown read-only:
    nothing is added, changed or deleted here, so the audit trail cannot be edited through the
    admin. What admins need to do to records is an admin action calling a service."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
