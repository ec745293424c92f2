"""The composer's template picker: the saved replies offered on a ticket, and one of them
rendered for it (caredesk.replies). Both answer JSON for static/workspace/templates.js."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from caredesk.access import Action
from caredesk.core.errors import Forbidden, NotFound
from caredesk.replies.selectors import template_get, template_offered_list, template_preview
from caredesk.tickets.selectors import ticket_get
from caredesk.workspace.views._common import agent_of, principal_of_request


def _refused(error: NotFound | Forbidden) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=403 if isinstance(error, Forbidden) else 404)


@login_required
@require_GET
def template_list(request: HttpRequest, ref: int) -> JsonResponse:
    """`?q=words`: the offered templates whose name or text holds every word."""
    principal = principal_of_request(request)
    try:
        ticket_get(reference=ref, principal=principal, action=Action.REPLY)
    except (NotFound, Forbidden) as exc:
        return _refused(exc)
    query = request.GET.get("q", "")[:200]
    rows = template_offered_list(principal=principal, query=query)
    return JsonResponse(
        {
            "templates": [
                {
                    "id": t.pk,
                    "name": t.name,
                    "scope": t.scope,
                    "languages": [v.language for v in t.variants.all()],
                    "preview_url": f"/tickets/{ref}/templates/{t.pk}/preview",
                }
                for t in rows
            ]
        }
    )


@login_required
@require_GET
def template_show(request: HttpRequest, ref: int, pk: int) -> JsonResponse:
    """One template rendered for this ticket, in the customer's language: its text, the
    variables it could not fill (shown as placeholders in the text), and its macro."""
    principal = principal_of_request(request)
    try:
        ticket = ticket_get(reference=ref, principal=principal, action=Action.REPLY)
        template = template_get(pk=pk, principal=principal, action=Action.USE)
    except (NotFound, Forbidden) as exc:
        return _refused(exc)
    return JsonResponse(
        template_preview(template=template, ticket=ticket, agent=agent_of(request)).as_json()
    )
