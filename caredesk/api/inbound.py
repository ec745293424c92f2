"""The intake log over HTTP, for operators chasing a missing or quarantined email.

Raw email holds any customer's data, so the log is for admins only (the selectors ask
caredesk.access): anyone else gets the 404 a missing row gets, for the list too.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import P, PathEx, Query, Router

from caredesk.api.auth import principal_of_request
from caredesk.api.pagination import paginate
from caredesk.api.schemas import ErrorOut, InboundFilter, InboundPage, ValidationErrorOut
from caredesk.core.downloads import eml_download
from caredesk.inbound.selectors import inbound_get, inbound_list
from caredesk.tickets.selectors import MAX_ID

router = Router(tags=["inbound"])

IntakeId = PathEx[int, P(ge=1, le=MAX_ID, description="the intake row's id")]


@router.get("", response={200: InboundPage, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut})
def list_inbound(request: HttpRequest, filters: Query[InboundFilter]) -> dict[str, Any]:
    """Emails as they arrived, newest first, with what became of each (never the raw bytes).
    Admins only."""
    rows = inbound_list(principal=principal_of_request(request), status=filters.status)
    return paginate(rows, limit=filters.limit, offset=filters.offset)


@router.get(
    "/{intake_id}/raw",
    response={200: None, 404: ErrorOut, 422: ValidationErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "the email exactly as received",
                "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def raw_email(request: HttpRequest, intake_id: IntakeId) -> HttpResponse:
    """Download the stored email exactly as it was received, as a .eml file. Admins only."""
    row = inbound_get(intake_id=intake_id, principal=principal_of_request(request))
    return eml_download(row.raw, f"inbound-{row.pk}")
