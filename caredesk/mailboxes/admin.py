from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from caredesk.core.errors import InvalidRequest
from caredesk.mailboxes.imap import imap_account_prepare
from caredesk.mailboxes.models import ImapAccount, Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    list_display = [
        "address",
        "name",
        "sender_format",
        "quote_previous",
        "language",
        "acknowledge",
        "calendar",
    ]


SETTINGS = [
    "mailbox",
    "enabled",
    "host",
    "port",
    "security",
    "username",
    "auth",
    "token_provider",
    "folder",
    "after_fetch",
    "move_to",
    "import_history",
]
HEALTH = [
    "last_success_at",
    "last_error",
    "last_error_at",
    "failing_since",
    "fetched_count",
    "uidvalidity",
    "last_uid",
    "lease_owner",
    "lease_until",
]


class ImapAccountForm(forms.ModelForm[ImapAccount]):
    """The secret is write-only: never rendered back, kept when left empty."""

    new_secret = forms.CharField(
        label="Password or access token",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the current one.",
    )

    class Meta:
        model = ImapAccount
        fields = SETTINGS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        changes = {name: data.get(name) for name in SETTINGS if name != "mailbox"}
        if data.get("new_secret"):
            changes["secret"] = data["new_secret"]
        mailbox = data.get("mailbox")
        if mailbox is None:
            return data
        try:
            self._checked = imap_account_prepare(mailbox=mailbox, **changes)
        except InvalidRequest as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

    def save(self, commit: bool = True) -> ImapAccount:
        if commit:
            self._checked.save()
        self.save_m2m = lambda: None  # type: ignore[method-assign]  # no many-to-many fields
        return self._checked


@admin.register(ImapAccount)
class ImapAccountAdmin(admin.ModelAdmin[ImapAccount]):
    """Settings, and the health admins look at: last success, last error, emails fetched."""

    form = ImapAccountForm
    list_display = [
        "mailbox",
        "enabled",
        "host",
        "folder",
        "healthy",
        "last_success_at",
        "last_error",
        "fetched_count",
    ]
    readonly_fields = ["secret_hint", *HEALTH]
    fieldsets = [
        (None, {"fields": (*SETTINGS[:6], "secret_hint", "new_secret", *SETTINGS[6:])}),
        ("Health", {"fields": tuple(HEALTH)}),
    ]

    @admin.display(boolean=True, description="healthy")
    def healthy(self, account: ImapAccount) -> bool:
        return account.failing_since is None and account.last_success_at is not None

    def save_model(self, request: Any, obj: ImapAccount, form: Any, change: bool) -> None:
        """The form checked the settings with the service's checks (imap_account_prepare)."""
        obj.save()
