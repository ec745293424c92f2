"""A term of the desk's own and the plain words for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from caredesk.core import clock
from caredesk.core.models import TimestampedModel

ALL_LANGUAGES = ""


class GlossaryTerm(TimestampedModel):
    """ "WMS" -> "warehouse system": flagged in every draft, or only in drafts in `language`
    (a German-only term such as "Lieferschein" says nothing about an English reply). A term
    for one language wins over the same term for all of them."""

    term = models.CharField(
        max_length=100,
        help_text="As agents write it. In capitals (WMS) it is matched in capitals only; "
        "otherwise in any case.",
    )
    plain = models.CharField(
        "plain words", max_length=200, help_text="What to say to a customer instead"
    )
    language = models.CharField(
        max_length=10,
        blank=True,
        default=ALL_LANGUAGES,
        help_text="Only in drafts in this language (en, de, fr, es); empty: in every language",
    )
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["term", "language", "id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "language"], name="one_term_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.language})" if self.language else self.term
