"""The reply assistant beside the composer: the page's script sends the draft as the agent
types and shows what comes back. Advice only: nothing here stops a reply being sent."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from caredesk.assistant import draft_check
from caredesk.core.errors import Forbidden, NotFound
from caredesk.glossary.selectors import glossary_get
from caredesk.tickets.draft_context import draft_context_get, draft_language
from caredesk.workspace.views._common import principal_of_request

MAX_DRAFT = 20_000  # as the API's check: past this the checks would not help


@login_required
@require_POST
def draft_check_view(request: HttpRequest, ref: int) -> JsonResponse:
    text = request.POST.get("text", "")
    if len(text) > MAX_DRAFT:
        return JsonResponse(
            {"error": f"the draft is longer than {MAX_DRAFT} characters"}, status=400
        )
    principal = principal_of_request(request)
    try:
        context = draft_context_get(reference=ref, principal=principal)
    except NotFound as exc:
        return JsonResponse({"error": str(exc)}, status=404)
    except Forbidden as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    asked = request.POST.get("language", "")
    language = draft_language(text, asked=asked, known=context.language)
    report = draft_check(
        text=text,
        language=language,
        customer_text=context.customer_text,
        customer_name=context.first_name,
        upset=context.upset,
        glossary=glossary_get(principal=principal).for_language(language),
    )
    grade = report.readability
    return JsonResponse(
        {
            "language": report.language,
            "readability": {"formula": grade.formula, "score": grade.score, "label": grade.label},
            "findings": [
                {
                    "type": f.type,
                    "start": f.start,
                    "end": f.end,
                    "excerpt": text[f.start : f.end],
                    "why": f.why,
                    "fix": f.fix,
                }
                for f in report.findings
            ],
        }
    )
