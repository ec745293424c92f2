"""The site's icon at the address browsers ask for without being told (/favicon.ico)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponse:
    """Pages link the SVG icon themselves; this answers the browsers and tools that ask for
    /favicon.ico anyway, instead of a 404 in every log."""
    return HttpResponsePermanentRedirect(static("workspace/favicon.svg"))
