"""A template's page: its texts in every language, its macro in words, and what the agent may
do to it: edit its name, review-by date and texts, and take it through its review. Every
change goes through caredesk.replies.services, which asks the access policy."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from caredesk.access import Action, template_permits
from caredesk.core import clock
from caredesk.core.errors import Forbidden, InvalidRequest, NotFound
from caredesk.replies.effectiveness import DEFAULT_PERIOD, PERIODS, template_effectiveness
from caredesk.replies.listing import review_flag
from caredesk.replies.models import ReplyTemplate, State
from caredesk.replies.review import template_moves
from caredesk.replies.selectors import template_get, template_macro_words
from caredesk.replies.services import (
    template_move,
    template_update,
    template_variant_remove,
    template_variant_set,
)
from caredesk.workspace.views._common import agent_of, principal_of_request, refused
from caredesk.workspace.views.template_forms import review_by_parse


def _page(request: HttpRequest, template: ReplyTemplate, *, status: int = 200) -> HttpResponse:
    principal = principal_of_request(request)
    now = clock.now()
    days = PERIODS[DEFAULT_PERIOD]
    since = now - timedelta(days=days) if days is not None else None
    figures = template_effectiveness(
        templates=ReplyTemplate.objects.filter(pk=template.pk), since=since
    ).get(template.pk)
    context = {
        "template": template,
        "variants": list(template.variants.order_by("language")),
        "macro": template_macro_words(template.actions or {}),
        "moves": template_moves(principal, template),
        "editable": template_permits(principal, template, Action.CHANGE),
        "review": review_flag(template.review_by, timezone.localdate(now)),
        "figures": figures,
        "period_days": days,
        "languages": settings.CAREDESK_LANGUAGES.split(","),
        "form": request.POST if status != 200 else {},
    }
    return render(request, "workspace/template_page.html", context, status=status)


def _get(request: HttpRequest, pk: int, action: Action) -> ReplyTemplate:
    return template_get(pk=pk, principal=principal_of_request(request), action=action)


@login_required
@require_GET
def template_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        template = _get(request, pk, Action.VIEW)
    except NotFound as exc:
        return refused(request, exc)
    return _page(request, template)


def _refused_or_page(
    request: HttpRequest, pk: int, error: NotFound | Forbidden | InvalidRequest, what: str
) -> HttpResponse:
    """A refusal said clearly: 404/403 from the access policy, else the page again with 400."""
    if isinstance(error, NotFound | Forbidden):
        return refused(request, error)
    messages.error(request, f"{what}: {error}.")
    return _page(request, _get(request, pk, Action.VIEW), status=400)


@login_required
@require_POST
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Its name and review-by date."""
    try:
        template = _get(request, pk, Action.CHANGE)
        template_update(
            actor=agent_of(request),
            template=template,
            name=request.POST.get("name", ""),
            review_by=review_by_parse(request.POST.get("review_by", "")),
        )
    except (NotFound, Forbidden, InvalidRequest) as exc:
        return _refused_or_page(request, pk, exc, "Not saved")
    messages.success(request, "Saved the template's name and review-by date.")
    return redirect("workspace:template-page", pk=pk)


@login_required
@require_POST
def template_variant(request: HttpRequest, pk: int) -> HttpResponse:
    """Add, change (`do=save`) or remove (`do=remove`) its text in one language."""
    language = request.POST.get("language", "")[:20]
    remove = request.POST.get("do") == "remove"
    try:
        template = _get(request, pk, Action.CHANGE)
        was = template.state
        if remove:
            template_variant_remove(actor=agent_of(request), template=template, language=language)
        else:
            variant = template_variant_set(
                actor=agent_of(request),
                template=template,
                language=language,
                body=request.POST.get("body", "")[:20_000],
            )
            language = variant.language
    except (NotFound, Forbidden, InvalidRequest) as exc:
        return _refused_or_page(request, pk, exc, "Not saved")
    said = "Removed" if remove else "Saved"
    messages.success(request, f"{said} the {language.strip().lower()} text.")
    if template.state == State.IN_REVIEW and was == State.APPROVED:
        messages.info(
            request,
            "A changed shared template goes back to review: it is offered again once a "
            "supervisor or an admin approves it.",
        )
    return redirect("workspace:template-page", pk=pk)


@login_required
@require_POST
def template_state(request: HttpRequest, pk: int) -> HttpResponse:
    """One step of its review: send for review, take back to draft, approve, retire."""
    state = request.POST.get("state", "")[:20]
    try:
        template = _get(request, pk, Action.VIEW)
        template = template_move(actor=agent_of(request), template=template, state=state)
    except (NotFound, Forbidden, InvalidRequest) as exc:
        return _refused_or_page(request, pk, exc, "Not changed")
    said: dict[str, str] = {
        State.IN_REVIEW: "Sent for review: a supervisor or an admin approves it.",
        State.APPROVED: "Approved: it is offered in the composer.",
        State.DRAFT: "Taken back to draft.",
        State.RETIRED: "Retired: it is no longer offered.",
    }
    messages.success(request, f"\u201c{template.name}\u201d: {said[template.state]}")
    return redirect("workspace:template-page", pk=pk)
