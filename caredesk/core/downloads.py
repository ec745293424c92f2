"""Responses that hand customer content to a browser or an API client as it was received."""

from __future__ import annotations

from django.http import HttpResponse


def guarded(response: HttpResponse) -> HttpResponse:
    """Customer content in caredesk's origin: never sniffed into HTML, never run, never framed,
    never cached."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def eml_download(raw: bytes | memoryview, name: str) -> HttpResponse:
    """An email exactly as received, as the download `name`.eml."""
    response = HttpResponse(bytes(raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="{name}.eml"'
    return guarded(response)
