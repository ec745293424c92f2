from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from caredesk.api import drafts, inbound, notifications, tickets
from caredesk.api.auth import TokenAuth
from caredesk.core.errors import Forbidden, InvalidRequest, NotFound

api = NinjaAPI(
    title="caredesk API",
    version="1",
    description="Drive and inspect caredesk: tickets, their messages and delivery, intake, and "
    "checks of a draft reply.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
)
api.add_router("/tickets", tickets.router)
api.add_router("/inbound", inbound.router)
api.add_router("/notifications", notifications.router)
api.add_router("/drafts", drafts.router)


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=404)


@api.exception_handler(Forbidden)
def forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(InvalidRequest)
def invalid(request: HttpRequest, exc: InvalidRequest) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(ValidationError)
def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "invalid request", "errors": exc.errors}, status=422
    )
