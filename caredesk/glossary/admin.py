"""The glossary in the Django admin: supervisors and admins edit it there (caredesk.access
decides every permission; the admin site lets supervisors reach these pages alone)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from caredesk.access import Action, glossary_permits, principal_of
from caredesk.accounts.models import Agent
from caredesk.core.errors import InvalidRequest
from caredesk.glossary.models import GlossaryTerm
from caredesk.glossary.services import glossary_term_clean, glossary_term_save


class GlossaryTermForm(ModelForm[GlossaryTerm]):
    class Meta:
        model = GlossaryTerm
        fields = ["term", "plain", "language"]

    def clean_language(self) -> str:
        return str(self.cleaned_data.get("language", "")).strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        term = GlossaryTerm(
            term=cleaned.get("term", ""),
            plain=cleaned.get("plain", ""),
            language=cleaned.get("language", ""),
        )
        try:
            glossary_term_clean(term)
        except InvalidRequest as exc:
            raise ValidationError(str(exc)) from exc
        cleaned.update(term=term.term, plain=term.plain, language=term.language)
        return cleaned


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin[GlossaryTerm]):
    form = GlossaryTermForm
    list_display = ["term", "plain", "language", "updated_at", "updated_by"]
    list_filter = ["language"]
    search_fields = ["term", "plain"]

    def save_model(self, request: HttpRequest, obj: GlossaryTerm, form: Any, change: bool) -> None:
        actor = request.user if isinstance(request.user, Agent) else None
        glossary_term_save(term=obj, actor=actor)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return glossary_permits(principal_of(request.user), Action.VIEW)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return glossary_permits(principal_of(request.user), Action.VIEW)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return glossary_permits(principal_of(request.user), Action.CHANGE)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return glossary_permits(principal_of(request.user), Action.CHANGE)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return glossary_permits(principal_of(request.user), Action.DELETE)
