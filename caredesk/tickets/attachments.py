"""Files agents attach to replies and notes: checked, then stored like inbound attachments.

Checks refuse what would make the reply bounce or hurt the customer: empty files, programs
and scripts (by name and by content), and more than the size the outgoing relay is likely to
take (`CAREDESK_REPLY_ATTACHMENTS_MAX_MB` for all files of one reply together).
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from caredesk.core.errors import InvalidRequest
from caredesk.tickets.models import Attachment, Message, attachment_path

MAX_FILES = 20

# The extensions Gmail and Outlook refuse to carry: a reply holding one bounces as a whole, and
# they are the files a hijacked account would use to hurt customers. (A block of words reads
# better here than the one-per-line list the formatter makes of a literal.)
DANGEROUS_EXTENSIONS = frozenset(
    """ade adp apk appx appxbundle bat cab chm cmd com cpl diagcab diagcfg diagpack dll dmg ex
    ex_ exe hta img ins iso isp jar jnlp js jse lib lnk mde msc msi msix msixbundle msp mst nsh
    pif ps1 reg scr sct shb sys vb vbe vbs vhd vhdx vxd wsc wsf wsh xll""".split()  # noqa: SIM905
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MIME_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


@dataclass(frozen=True)
class Upload:
    """A file to attach, as the agent sent it."""

    filename: str
    content_type: str
    payload: bytes


def reply_attachments_max_bytes() -> int:
    return int(settings.CAREDESK_REPLY_ATTACHMENTS_MAX_MB) * 1024 * 1024


def clean_filename(name: str) -> str:
    """The name without folders or control characters, as mail clients will show it."""
    name = _CONTROL.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip().strip(".")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 254 - len(ext)]}.{ext}" if dot and len(ext) < 20 else name[:255]
    return name or "attachment"


def _is_program(payload: bytes) -> bool:
    """Windows, Linux and macOS executables, whatever they are called."""
    if payload[:4] == b"\x7fELF" or payload[:4] in (
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
    ):
        return True
    if payload[:2] == b"MZ" and len(payload) >= 64:
        (offset,) = struct.unpack_from("<I", payload, 0x3C)
        return payload[offset : offset + 4] == b"PE\x00\x00"
    return False


def uploads_check(uploads: Sequence[Upload]) -> list[Upload]:
    """The uploads with clean names and content types; InvalidRequest saying which file cannot
    be sent and why."""
    if len(uploads) > MAX_FILES:
        raise InvalidRequest(f"attach at most {MAX_FILES} files to one message")
    limit = reply_attachments_max_bytes()
    total = sum(len(u.payload) for u in uploads)
    if total > limit:
        raise InvalidRequest(
            f"the files come to {total / 1024 / 1024:.1f} MB; "
            f"at most {settings.CAREDESK_REPLY_ATTACHMENTS_MAX_MB} MB can go with one message"
        )
    checked = []
    for upload in uploads:
        name = clean_filename(upload.filename)
        if not upload.payload:
            raise InvalidRequest(f"{name} is empty")
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        if extension in DANGEROUS_EXTENSIONS or _is_program(upload.payload):
            raise InvalidRequest(
                f"{name} cannot be sent: programs and scripts are refused by customers' mail "
                "servers (send a link, or a .zip of documents, instead)"
            )
        content_type = mimetypes.guess_type(name)[0] or upload.content_type.strip().lower()
        if not _MIME_TYPE.match(content_type):
            content_type = "application/octet-stream"
        checked.append(Upload(name, content_type, upload.payload))
    return checked


def attachments_store(*, message: Message, uploads: Sequence[Upload]) -> list[Attachment]:
    """Save checked `uploads` as `message`'s attachments, files content-addressed in storage as
    inbound ones are (the same file twice is stored once)."""
    rows = []
    for upload in uploads:
        attachment = Attachment(
            message=message,
            filename=upload.filename,
            content_type=upload.content_type,
            size=len(upload.payload),
            sha256=hashlib.sha256(upload.payload).hexdigest(),
        )
        name = attachment_path(attachment, attachment.filename)
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(upload.payload))
        attachment.file.name = name
        rows.append(attachment)
    return Attachment.objects.bulk_create(rows)
