"""The reply assistant over HTTP: check a draft before sending it.

The checks are caredesk.assistant's, the workspace composer's too, with the desk's glossary
(caredesk.glossary) for the draft's language. Given a ticket, the customer's latest message and
first name come from it, under the access policy: a ticket the caller may not see is a 404, as
if it did not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from caredesk.api.auth import principal_of_request
from caredesk.api.fields import Text
from caredesk.api.schemas import ErrorOut, ValidationErrorOut
from caredesk.assistant import FINDING_TYPES, draft_check
from caredesk.glossary.selectors import glossary_get
from caredesk.tickets.draft_context import draft_context_get, draft_language
from caredesk.tickets.selectors import MAX_ID

router = Router(tags=["drafts"])

MAX_DRAFT = 20_000  # a reply longer than this is not a reply the checks can help with
Language = Literal["en", "de", "fr", "es"]


class DraftCheckIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[Text, Field(max_length=MAX_DRAFT)] = Field(description="the draft reply")
    language: Language | None = Field(
        None,
        description="the draft's language; by default the language the draft is written in, "
        "else the ticket customer's when it is one of these, else en",
    )
    ticket: int | None = Field(
        None, ge=1, le=MAX_ID, description="the ticket the draft replies to, as in #123"
    )
    customer_text: Annotated[Text, Field(max_length=MAX_DRAFT)] | None = Field(
        None, description="the customer's message (by default the ticket's latest one)"
    )
    customer_name: Annotated[Text, Field(max_length=200)] | None = Field(
        None, description="the name to address the customer by (by default the ticket's)"
    )
    upset: bool = Field(
        False,
        description="the customer's message reads as upset (with a ticket: also when its latest "
        "customer message does)",
    )
    glossary: dict[
        Annotated[Text, Field(max_length=100)], Annotated[Text, Field(max_length=200)]
    ] = Field(
        default_factory=dict,
        max_length=500,
        description="more terms -> plain words, on top of the desk's glossary (a term here wins "
        "over the same term there)",
    )


class FindingOut(Schema):
    type: Literal["readability", "jargon", "blame", "empathy", "personal", "clarity"]
    start: int = Field(description="where the finding starts in the draft (a character offset)")
    end: int = Field(description="where it ends: text[start:end] is what it is about")
    excerpt: str
    why: str
    fix: str


class ReadabilityOut(Schema):
    formula: str
    score: float | None = Field(description="0 (hardest) to 100 (easiest); null when too short")
    label: str
    words: int
    sentences: int


class DraftCheckOut(Schema):
    language: Language
    readability: ReadabilityOut
    findings: list[FindingOut]


assert set(FINDING_TYPES) == {"readability", "jargon", "blame", "empathy", "personal", "clarity"}


@router.post(
    "/check",
    response={200: DraftCheckOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
)
def check(request: HttpRequest, body: DraftCheckIn) -> Any:
    """What a customer would stumble on in this draft: each finding with the span it is about,
    why, and a suggested fix. Nothing is stored; sending is never blocked by it."""
    principal = principal_of_request(request)
    customer_text, customer_name, known, upset = "", "", "", body.upset
    if body.ticket is not None:
        context = draft_context_get(reference=body.ticket, principal=principal)
        customer_text, customer_name = context.customer_text, context.first_name
        upset = upset or context.upset
        known = context.language
    if body.customer_text is not None:
        customer_text = body.customer_text
    if body.customer_name is not None:
        customer_name = body.customer_name
    language = draft_language(body.text, asked=body.language, known=known)
    report = draft_check(
        text=body.text,
        language=language,
        customer_text=customer_text,
        customer_name=customer_name,
        upset=upset,
        glossary={**glossary_get(principal=principal).for_language(language), **body.glossary},
    )
    return {
        "language": report.language,
        "readability": report.readability,
        "findings": [
            {
                "type": f.type,
                "start": f.start,
                "end": f.end,
                "excerpt": body.text[f.start : f.end],
                "why": f.why,
                "fix": f.fix,
            }
            for f in report.findings
        ],
    }
