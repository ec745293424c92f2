from __future__ import annotations

from django.contrib import admin

from caredesk.replies.models import ReplyTemplate, ReplyTemplateVariant


class VariantInline(admin.StackedInline[ReplyTemplateVariant, ReplyTemplate]):
    model = ReplyTemplateVariant
    extra = 1


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin[ReplyTemplate]):
    list_display = ["name", "scope", "team", "owner", "state", "review_by", "updated_at"]
    list_filter = ["scope", "state", "team"]
    search_fields = ["name", "variants__body"]
    inlines = [VariantInline]
