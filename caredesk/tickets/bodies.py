"""A message's text, as much of it as a page or an API answer shows.

A customer can paste a 30 MB log into an email. Every place that shows a conversation (the
ticket page, the API's ticket detail, the admin) shows the first CAREDESK_BODY_SHOWN_CHARS
characters of each body and says how long the whole is, and the database does the cutting:
`with_bodies_cut` defers the three body columns and selects their beginnings and lengths
instead, so a 30 MB body never travels to Python for a page that shows 100,000 characters of
it. The whole text and the original email are separate reads, for whoever asks.

Lengths are in characters (code points), as both databases count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func, IntegerField, QuerySet
from django.db.models.functions import Length, Substr
from django.db.models.sql.compiler import SQLCompiler

from caredesk.tickets.models import Message

BODIES = ("text", "new_text", "html")


class OctetLength(Func):
    """A text's size in bytes (UTF-8), counted by the database: a page says "28.5 MB"."""

    function = "OCTET_LENGTH"
    output_field = IntegerField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return self.as_sql(compiler, connection, template="LENGTH(CAST(%(expressions)s AS BLOB))")


def body_shown_chars() -> int:
    """How many characters of a body are shown (CAREDESK_BODY_SHOWN_CHARS, at least 1)."""
    return max(1, int(settings.CAREDESK_BODY_SHOWN_CHARS))


def with_bodies_cut(messages: QuerySet[Message], *, chars: int | None = None) -> QuerySet[Message]:
    """`messages` with `text`, `new_text` and `html` left in the database and, instead, each
    one's first `chars` characters as `<body>_shown` and its length as `<body>_length` (and the
    text's size in bytes as `text_bytes`). Read the
    result with `message_bodies`; reading `message.text` itself would load the whole body."""
    n = body_shown_chars() if chars is None else chars
    annotations: dict[str, Func] = {}
    for body in BODIES:
        annotations[f"{body}_shown"] = Substr(body, 1, n)
        annotations[f"{body}_length"] = Length(body)
    annotations["text_bytes"] = OctetLength("text")
    return messages.defer(*BODIES).annotate(**annotations)


@dataclass(frozen=True)
class Cut:
    """The shown beginning of one body and the length of the whole."""

    shown: str
    length: int

    @property
    def truncated(self) -> bool:
        return self.length > len(self.shown)

    @property
    def hidden(self) -> int:
        """Characters not shown."""
        return self.length - len(self.shown)


@dataclass(frozen=True)
class Bodies:
    text: Cut  # the whole plain-text body
    new_text: Cut  # what the author wrote this time, quotes removed
    html: Cut  # the sanitised HTML ("" when the email had none)
    text_bytes: int  # the whole text's size in bytes (UTF-8)

    @property
    def truncated(self) -> bool:
        return self.text.truncated or self.new_text.truncated

    @property
    def has_quoted_history(self) -> bool:
        """Whether the whole text holds more than what the author wrote now (whitespace
        around it, such as the final newline, is not history)."""
        if not self.new_text.length:
            return False
        if self.text.truncated:
            return self.text != self.new_text
        return self.text.shown.strip() != self.new_text.shown.strip()


def _cut(message: Message, body: str, chars: int) -> Cut:
    shown = getattr(message, f"{body}_shown", None)
    if shown is not None:
        return Cut(shown=shown or "", length=int(getattr(message, f"{body}_length", 0) or 0))
    whole: str = getattr(message, body)  # not cut by the query: a message already in memory
    return Cut(shown=whole[:chars], length=len(whole))


def message_bodies(message: Message, *, chars: int | None = None) -> Bodies:
    """The bodies of a message from `with_bodies_cut` (or, for one read whole, cut here)."""
    n = body_shown_chars() if chars is None else chars
    text, new_text, html = (_cut(message, body, n) for body in BODIES)
    size = getattr(message, "text_bytes", None)
    if size is None:
        size = len(message.text.encode("utf-8", "surrogatepass"))
    return Bodies(text=text, new_text=new_text, html=html, text_bytes=int(size))
