from __future__ import annotations

from django.contrib import admin

from caredesk.mailboxes.models import Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    list_display = ["address", "name", "acknowledge", "calendar"]
