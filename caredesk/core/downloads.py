"""Responses that hand customer content to a browser or an API client as it was received."""

from __future__ import annotations

from typing import IO, TypeVar

from django.http import FileResponse, HttpResponse, HttpResponseBase

R = TypeVar("R", bound=HttpResponseBase)

# Pictures a browser may show from caredesk's origin, rather than download: plain raster
# formats only. Never SVG (it is a document that can carry script), and never a file whose
# bytes do not prove it to be the picture it says it is.
PICTURE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def guarded(response: R) -> R:
    """Customer content in caredesk's origin: never sniffed into HTML, never run, never framed,
    never cached."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def picture_type(head: bytes) -> str | None:
    """The picture type the first bytes of a file prove it to be, if one of PICTURE_TYPES."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_picture(content_type: str) -> bool:
    """Whether a declared type (`image/PNG; name=x`) is one a browser may show."""
    return content_type.split(";")[0].strip().lower() in PICTURE_TYPES


def file_download(
    file: IO[bytes], *, filename: str, content_type: str, download: bool = False
) -> FileResponse:
    """A customer's file: a picture (declared as one and its bytes agreeing) is shown in the
    browser with its real type, unless `download`; anything else is a download of bytes
    (application/octet-stream). Guarded either way."""
    shown = None
    if not download and is_picture(content_type):
        shown = picture_type(file.read(16))
        file.seek(0)
    response = FileResponse(
        file,
        as_attachment=shown is None,
        filename=filename,
        content_type=shown or "application/octet-stream",
    )
    return guarded(response)


def eml_download(raw: bytes | memoryview, name: str) -> HttpResponse:
    """An email exactly as received, as the download `name`.eml."""
    response = HttpResponse(bytes(raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="{name}.eml"'
    return guarded(response)
