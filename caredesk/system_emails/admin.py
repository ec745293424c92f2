"""Admins change what caredesk's own emails say, per mailbox and language.

The list starts with every (email, mailbox, language) caredesk would write and whether an
admin's wording or the shipped one is used; "Change" on a shipped one opens a new wording
prefilled with the shipped text. While editing, the shipped text stays in view and a preview
shows the email as an example customer (or agent) would read it. Saving goes through
`system_email_save`, which refuses unknown variables with the list of the ones allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from caredesk.core.errors import InvalidRequest
from caredesk.language.detect import language_name, languages_parse
from caredesk.mailboxes.models import Mailbox
from caredesk.system_emails.choose import language_primary
from caredesk.system_emails.kinds import (
    ACKNOWLEDGEMENT,
    KINDS,
    LAST_RESORT,
    EmailKind,
    shipped_languages,
)
from caredesk.system_emails.models import SystemEmail
from caredesk.system_emails.selectors import system_emails_overridden
from caredesk.system_emails.services import (
    system_email_preview,
    system_email_problems,
    system_email_save,
)


def _language_choices() -> list[tuple[str, str]]:
    codes = dict.fromkeys([*shipped_languages(), *languages_parse(settings.CAREDESK_LANGUAGES)])
    return [(code, f"{language_name(code)} ({code})") for code in codes]


class SystemEmailForm(forms.ModelForm[SystemEmail]):
    kind = forms.ChoiceField(choices=[(k.key, k.label) for k in KINDS.values()], label="Email")
    mailbox = forms.ModelChoiceField(
        queryset=Mailbox.objects.order_by("address"),
        required=False,
        empty_label="All mailboxes",
        help_text="A mailbox's own wording wins over the one for all mailboxes.",
    )
    language = forms.ChoiceField(choices=_language_choices)
    body = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 18, "cols": 90}))

    class Meta:
        model = SystemEmail
        fields = ["kind", "mailbox", "language", "subject", "body"]
        widgets = {"subject": forms.TextInput(attrs={"size": 90})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = system_email_problems(
            kind=data.get("kind", ""),
            mailbox=data.get("mailbox"),
            language=data.get("language", ""),
            subject=data.get("subject", ""),
            body=data.get("body", ""),
        )
        if problems:
            raise forms.ValidationError(problems)
        return data


@dataclass(frozen=True)
class OverviewRow:
    kind: str
    where: str
    language: str
    overridden: bool
    used: str  # which wording an email here gets
    url: str


@admin.register(SystemEmail)
class SystemEmailAdmin(admin.ModelAdmin[SystemEmail]):
    form = SystemEmailForm
    list_display = ["email_label", "where", "language_label", "subject", "updated_at"]
    list_filter = ["kind", "language", "mailbox"]
    change_form_template = "admin/system_emails/systememail/change_form.html"
    change_list_template = "admin/system_emails/systememail/change_list.html"

    class Media:
        js = ["system_emails/editor.js"]
        css = {"all": ["system_emails/editor.css"]}

    @admin.display(description="Email", ordering="kind")
    def email_label(self, row: SystemEmail) -> str:
        return KINDS[row.kind].label if row.kind in KINDS else row.kind

    @admin.display(description="Mailbox", ordering="mailbox__address")
    def where(self, row: SystemEmail) -> str:
        return row.mailbox.address if row.mailbox is not None else "All mailboxes"

    @admin.display(description="Language", ordering="language")
    def language_label(self, row: SystemEmail) -> str:
        return language_name(row.language)

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "preview/",
            self.admin_site.admin_view(require_POST(self.preview_view)),
            name="system_emails_systememail_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The email being edited, rendered for an example ticket (JSON, for the editor)."""
        mailbox = None
        mailbox_id = request.POST.get("mailbox", "")
        if mailbox_id.isdigit():
            mailbox = Mailbox.objects.filter(pk=int(mailbox_id)).first()
        shown = system_email_preview(
            kind=request.POST.get("kind", ""),
            mailbox=mailbox,
            language=request.POST.get("language", ""),
            subject=request.POST.get("subject", ""),
            body=request.POST.get("body", ""),
        )
        return JsonResponse(
            {"subject": shown.subject, "body": shown.body, "problems": shown.problems}
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new wording starts as the shipped text for the email and language asked for."""
        kind = request.GET.get("kind", ACKNOWLEDGEMENT)
        spec = KINDS.get(kind, KINDS[ACKNOWLEDGEMENT])
        mailbox = None
        if spec.per_mailbox and request.GET.get("mailbox", "").isdigit():
            mailbox = Mailbox.objects.filter(pk=int(request.GET["mailbox"])).first()
        fallback = mailbox.language if mailbox is not None else LAST_RESORT
        language = language_primary(request.GET.get("language") or fallback)
        shipped = spec.shipped.get(language, spec.shipped[LAST_RESORT])
        return {
            "kind": spec.key,
            "mailbox": mailbox.pk if mailbox is not None else None,
            "language": language,
            "subject": shipped.subject,
            "body": shipped.body,
        }

    def save_model(self, request: HttpRequest, obj: SystemEmail, form: Any, change: bool) -> None:
        try:
            system_email_save(
                kind=obj.kind,
                mailbox=obj.mailbox,
                language=obj.language,
                subject=obj.subject,
                body=obj.body,
                email=obj,
            )
        except InvalidRequest as exc:  # a wording saved meanwhile by another admin
            raise forms.ValidationError(str(exc)) from exc

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: SystemEmail | None = None,
    ) -> HttpResponse:
        context["system_emails"] = {
            "preview_url": reverse("admin:system_emails_systememail_preview"),
            "kinds": {
                k.key: {
                    "why": k.why,
                    "per_mailbox": k.per_mailbox,
                    "variables": list(k.variables),
                    "shipped": {
                        lang: {"subject": w.subject, "body": w.body}
                        for lang, w in k.shipped.items()
                    },
                }
                for k in KINDS.values()
            },
            "last_resort": LAST_RESORT,
        }
        context.update(self._panels(context["adminform"].form))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _panels(self, form: forms.Form) -> dict[str, Any]:
        """The preview, shipped text and variables of what the form holds, rendered here so
        the page shows them before (and without) the editor's script."""
        value = {name: form[name].value() or "" for name in form.fields}
        spec = KINDS.get(str(value["kind"]), KINDS[ACKNOWLEDGEMENT])
        language = language_primary(str(value["language"])) or LAST_RESORT
        mailbox_id = str(value["mailbox"])
        mailbox = (
            Mailbox.objects.filter(pk=int(mailbox_id)).first() if mailbox_id.isdigit() else None
        )
        return {
            "kind_why": spec.why,
            "variables": spec.variables,
            "shipped": spec.shipped.get(language, spec.shipped[LAST_RESORT]),
            "preview": system_email_preview(
                kind=spec.key,
                mailbox=mailbox,
                language=language,
                subject=str(value["subject"]),
                body=str(value["body"]),
            ),
        }

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {**(extra_context or {}), "overview": self._overview()}
        return super().changelist_view(request, extra)

    def _overview(self) -> list[OverviewRow]:
        """Every (email, mailbox, language) caredesk writes: the shipped languages and those
        of each mailbox, with the wording used and where to change it."""
        overridden = system_emails_overridden()
        mailboxes = list(Mailbox.objects.order_by("address"))
        rows = []
        for spec in KINDS.values():
            scopes: list[Mailbox | None] = [None, *(mailboxes if spec.per_mailbox else [])]
            for mailbox in scopes:
                languages = dict.fromkeys(shipped_languages())
                if mailbox is not None:
                    languages[language_primary(mailbox.language)] = None
                languages.update(dict.fromkeys(lang for k, _, lang in overridden if k == spec.key))
                for language in languages:
                    rows.append(_overview_row(spec, mailbox, language, overridden))
        return rows


def _overview_row(
    spec: EmailKind,
    mailbox: Mailbox | None,
    language: str,
    overridden: dict[tuple[str, int | None, str], int],
) -> OverviewRow:
    own = overridden.get((spec.key, mailbox.pk if mailbox else None, language))
    if own is not None:
        used = "its own wording" if mailbox else "wording for all mailboxes"
        url = reverse("admin:system_emails_systememail_change", args=[own])
    else:
        if mailbox is not None and (spec.key, None, language) in overridden:
            used = "the wording for all mailboxes"
        elif language in spec.shipped:
            used = "shipped text"
        else:
            used = "none in this language: the mailbox's language, then English"
        query = {"kind": spec.key, "language": language}
        if mailbox is not None:
            query["mailbox"] = str(mailbox.pk)
        url = reverse("admin:system_emails_systememail_add") + "?" + urlencode(query)
    return OverviewRow(
        kind=spec.label,
        where=mailbox.address if mailbox else "All mailboxes",
        language=f"{language_name(language)} ({language})",
        overridden=own is not None,
        used=used,
        url=url,
    )
