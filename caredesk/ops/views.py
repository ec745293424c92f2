"""`/healthz` for load balancers and `/metrics` for Prometheus."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse


def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # report, never crash, the health check
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok"})


def metrics(request: HttpRequest) -> HttpResponse:
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from caredesk.ops.metrics import registry

    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
