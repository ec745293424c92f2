"""The API's shapes for SLA state, ticket properties and notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from caredesk.api.fields import Email, Text
from caredesk.tickets.models import Priority


class TimerOut(Schema):
    kind: str = Field(description="first_reply, next_reply or resolution")
    state: str = Field(
        description="running, paused, fulfilled, cancelled, or unanswered (a first reply "
        "stopped by solving or closing the ticket before anyone replied: not met)"
    )
    policy: str | None
    target_seconds: int = Field(description="the target, in business seconds")
    used_seconds: int = Field(description="business seconds used so far")
    remaining_seconds: int = Field(description="business seconds left; negative when overdue")
    started_at: datetime
    due_at: datetime | None
    warned_at: datetime | None
    breached_at: datetime | None
    stopped_at: datetime | None


class SlaOut(Schema):
    state: str = Field(
        description="'', ok, paused, warning, breached (a target missed, or the first reply "
        "never given) or met"
    )
    policy: str | None = Field(description="the SLA policy that applies")
    next_target: str | None = Field(description="the kind of the target due first")
    due_at: datetime | None = Field(description="when that target is due")
    remaining_seconds: int | None = Field(description="business seconds left for it")


class SlaDetailOut(SlaOut):
    timers: list[TimerOut]


class PriorityIn(Schema):
    model_config = ConfigDict(extra="forbid")

    priority: Priority
    reason: Annotated[Text, Field(min_length=1, max_length=500)] = Field(
        description="why; kept on the ticket with the change"
    )


class PropertiesIn(Schema):
    """Only the fields sent change; send `team: null` to take the ticket off its team."""

    model_config = ConfigDict(extra="forbid")

    team: Annotated[Text, Field(max_length=100)] | None = Field(None, description="team name")
    category: Annotated[Text, Field(max_length=100)] | None = None
    tags: list[Annotated[Text, Field(min_length=1, max_length=50)]] | None = Field(
        None, max_length=50, description="the ticket's tags after the change"
    )


class AssigneeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    agent: Email | None = Field(description="the agent's email; null to unassign")


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    ticket: int | None
    # For "template_review": the template whose review is due.
    template: int | None
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_ticket(obj: object) -> int | None:
        return getattr(obj, "ticket_id", None)

    @staticmethod
    def resolve_template(obj: object) -> int | None:
        return getattr(obj, "template_id", None)
