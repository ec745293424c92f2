"""The shapes the REST API reads and writes. Field names are the contract; keep them stable."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ObjectDoesNotExist
from ninja import Field, Schema
from pydantic import ConfigDict

from caredesk.api.fields import Email, Text
from caredesk.api.schemas_sla import SlaDetailOut, SlaOut
from caredesk.inbound.models import InboundMessage, IntakeStatus
from caredesk.replies.selectors import MAX_ID as TEMPLATE_MAX_ID
from caredesk.tickets.bodies import message_bodies
from caredesk.tickets.models import Message, Status, Ticket, TicketEvent
from caredesk.tickets.selectors import MAX_ID

MAX_TEXT = 100_000


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[dict[str, Any]]


# --- filters --------------------------------------------------------------------------------


class PageFilter(Schema):
    limit: int = Field(50, ge=1, le=200, description="at most this many items (1 to 200)")
    offset: int = Field(0, ge=0, le=MAX_ID, description="skip this many items")


class TicketFilter(PageFilter):
    status: Status | None = Field(None, description="only tickets with this status")
    sla: Literal["ok", "paused", "warning", "breached", "met"] | None = Field(
        None, description="only tickets in this SLA state"
    )
    sort: Literal["activity", "due"] = Field(
        "activity",
        description="activity: most recent first; due: the inbox's attention order (most "
        "urgent priority first, then the earliest SLA due time, none last, then longest waiting)",
    )
    customer: Annotated[Text, Field(max_length=254)] | None = Field(
        None, description="only tickets of the customer who owns this email address"
    )


class InboundFilter(PageFilter):
    status: IntakeStatus | None = Field(None, description="only intake rows with this status")


# --- tickets --------------------------------------------------------------------------------


class CustomerOut(Schema):
    name: str
    addresses: list[str]

    @staticmethod
    def resolve_addresses(obj: Any) -> list[str]:
        return sorted(a.address for a in obj.addresses.all())


class TicketOut(Schema):
    reference: int
    subject: str
    status: str
    priority: str
    team: str | None
    category: str
    tags: list[str]
    customer: CustomerOut
    created_at: datetime
    updated_at: datetime
    message_count: int
    sla: SlaOut | None = Field(None, description="where the ticket stands against its SLA")

    @staticmethod
    def resolve_reference(obj: Ticket) -> int:
        return obj.pk

    @staticmethod
    def resolve_team(obj: Ticket) -> str | None:
        return obj.team.name if obj.team is not None else None

    @staticmethod
    def resolve_tags(obj: Ticket) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())

    @staticmethod
    def resolve_sla(obj: Ticket) -> Any:
        return getattr(obj, "sla_view", None)


class TicketPage(Schema):
    count: int = Field(description="how many tickets match, over all pages")
    limit: int
    offset: int
    items: list[TicketOut]


class ParticipantOut(Schema):
    address: str
    name: str
    role: str


class AttachmentOut(Schema):
    filename: str
    content_type: str
    size: int
    inline: bool
    content_id: str


class DeliveryOut(Schema):
    status: str
    attempts: int
    last_error: str
    sent_at: datetime | None


class MessageOut(Schema):
    id: int
    kind: str
    author: str | None = Field(None, description="the agent who wrote it, for replies and notes")
    message_id: str | None
    in_reply_to: str
    from_address: str
    from_name: str
    to: list[str]
    cc: list[str]
    subject: str
    new_text: str = Field(description="what the author wrote this time, quotes removed")
    new_text_length: int = Field(description="the whole new_text's length in characters")
    new_text_truncated: bool = Field(description="new_text is cut (see text_truncated)")
    text: str = Field(
        description="the whole plain-text body, or its first CAREDESK_BODY_SHOWN_CHARS "
        "characters when text_truncated"
    )
    text_length: int = Field(description="the whole text's length in characters")
    text_truncated: bool = Field(
        description="text is cut: GET /tickets/{ref}/messages/{id}/text has all of it"
    )
    html: str = Field(description="the sanitised HTML, cut like text when html_truncated")
    html_length: int = Field(description="the whole HTML's length in characters")
    html_truncated: bool = Field(
        description="html is cut (and may end inside an element): the original email has it"
    )
    sent_at: datetime | None
    created_at: datetime
    attachments: list[AttachmentOut]
    delivery: DeliveryOut | None = Field(None, description="for outgoing email only")
    language: str = Field(
        description="for a customer's message, the language of new_text (ISO 639-1, e.g. de); "
        '"unknown" when too short to tell; "" for other messages'
    )
    language_confidence: float | None = Field(
        description="the detector's confidence in language, 0 to 1; null when not read"
    )
    upset_level: int = Field(
        description="how upset the customer sounds: 0 calm, 1 annoyed, 2 upset, 3 angry"
    )
    upset_reasons: list[str] = Field(
        description='why, in short phrases: "\'third time\'", "waited 3 days"'
    )

    # The bodies as the selectors cut them in the database (caredesk.tickets.bodies).
    @staticmethod
    def resolve_new_text(obj: Message) -> str:
        return message_bodies(obj).new_text.shown

    @staticmethod
    def resolve_new_text_length(obj: Message) -> int:
        return message_bodies(obj).new_text.length

    @staticmethod
    def resolve_new_text_truncated(obj: Message) -> bool:
        return message_bodies(obj).new_text.truncated

    @staticmethod
    def resolve_text(obj: Message) -> str:
        return message_bodies(obj).text.shown

    @staticmethod
    def resolve_text_length(obj: Message) -> int:
        return message_bodies(obj).text.length

    @staticmethod
    def resolve_text_truncated(obj: Message) -> bool:
        return message_bodies(obj).text.truncated

    @staticmethod
    def resolve_html(obj: Message) -> str:
        return message_bodies(obj).html.shown

    @staticmethod
    def resolve_html_length(obj: Message) -> int:
        return message_bodies(obj).html.length

    @staticmethod
    def resolve_html_truncated(obj: Message) -> bool:
        return message_bodies(obj).html.truncated

    @staticmethod
    def resolve_author(obj: Message) -> str | None:
        return obj.author.email if obj.author else None

    @staticmethod
    def resolve_attachments(obj: Message) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_delivery(obj: Message) -> Any:
        try:
            return obj.outbound
        except ObjectDoesNotExist:
            return None


class EventOut(Schema):
    kind: str = Field(description="one of the event kinds listed in docs/history.md")
    text: str = Field("", description="what happened, in plain words (times in UTC)")
    actor: str | None = Field(None, description="the agent's email; null for the system")
    data: dict[str, Any] = Field(description="the kind's data; people by id, never by address")
    created_at: datetime

    @staticmethod
    def resolve_actor(obj: TicketEvent) -> str | None:
        return obj.actor.email if obj.actor else None

    @staticmethod
    def resolve_text(obj: TicketEvent) -> str:
        return str(getattr(obj, "text", ""))


class TicketDetailOut(TicketOut):
    sla: SlaDetailOut | None = Field(None, description="SLA state with every timer")
    mailbox: str
    assignee: str | None
    merged_into: int | None = Field(None, description="the ticket this one was merged into")
    participants: list[ParticipantOut]
    messages: list[MessageOut]
    events: list[EventOut]

    @staticmethod
    def resolve_mailbox(obj: Ticket) -> str:
        return obj.mailbox.address

    @staticmethod
    def resolve_assignee(obj: Ticket) -> str | None:
        return obj.assignee.email if obj.assignee else None

    @staticmethod
    def resolve_merged_into(obj: Ticket) -> int | None:
        return obj.merged_into_id

    @staticmethod
    def resolve_participants(obj: Ticket) -> list[Any]:
        return list(obj.participants.all())

    @staticmethod
    def resolve_messages(obj: Ticket) -> list[Any]:
        return list(obj.messages.all())

    @staticmethod
    def resolve_events(obj: Ticket) -> list[Any]:
        return list(obj.events.all())


class ReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[Text, Field(min_length=1, max_length=MAX_TEXT)]
    cc: list[Email] = Field(default_factory=list, max_length=50)
    status_after: Status | None = Field(
        None,
        description="the status after replying; by default a new ticket becomes open. "
        "Wins over the status of the template's macro",
    )
    template: int | None = Field(
        None,
        ge=1,
        le=TEMPLATE_MAX_ID,
        description="the id of the template the reply was made from (one offered to the "
        "agent): its use is recorded and its macro applied to the ticket",
    )
    apply_macro: bool = Field(
        True, description="false: record the template's use but leave its macro unapplied"
    )


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[Text, Field(min_length=1, max_length=MAX_TEXT)]


class StatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: Status


# --- intake ---------------------------------------------------------------------------------


class InboundOut(Schema):
    id: int
    received_at: datetime
    source: str
    mailbox: str
    envelope_from: str
    envelope_to: list[str]
    size: int
    sha256: str
    status: str
    status_reason: str
    attempts: int
    processed_at: datetime | None
    message_id: str
    ticket: int | None = Field(None, description="the reference of the ticket it went to")

    @staticmethod
    def resolve_mailbox(obj: InboundMessage) -> str:
        return obj.mailbox.address

    @staticmethod
    def resolve_ticket(obj: InboundMessage) -> int | None:
        return obj.ticket_id


class InboundPage(Schema):
    count: int = Field(description="how many intake rows match, over all pages")
    limit: int
    offset: int
    items: list[InboundOut]
