"""Emails with long bodies, and a check that a read left the bodies in the database.

Built here rather than stored as fixtures: a 30 MB body is a log pasted into an email, and its
shape (plain text, short lines) is what matters, not any mailer's quirks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

THIRTY_MB = 30 * 1000 * 1000
LINE = "Line {:07d} of the log the customer pasted: naïve café, nothing to see here.\n"


def long_text(size: int) -> str:
    """About `size` characters of log lines (a few non-ASCII letters in each)."""
    one = len(LINE.format(0))
    return "".join(LINE.format(i) for i in range(max(1, size // one)))


def long_email(
    *, text: str, html: str | None = None, subject: str = "The log you asked for"
) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Jane Doe <jane@example.net>"
    msg["To"] = "support@example.com"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.net")
    msg.set_content("Here is the log, it fails at the end.\n\n" + text, cte="8bit")
    if html is not None:
        msg.add_alternative(html, subtype="html", cte="8bit")
    return msg.as_bytes()


# A body column named bare (not inside SUBSTR/SUBSTRING(, LENGTH(, OCTET_LENGTH(, CAST() is
# one the database hands over whole.
_WHOLE = re.compile(r'(?<!\()"tickets_message"\."(text|new_text|html)"')


def whole_bodies_read(queries: Iterable[dict[str, Any]]) -> list[str]:
    """The captured queries (CaptureQueriesContext) that select a message body whole."""
    return [q["sql"][:300] for q in queries if _WHOLE.search(q["sql"].split(" FROM ")[0])]
