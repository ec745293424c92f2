from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models

from caredesk.core import clock
from caredesk.core.models import TimestampedModel
from caredesk.core.vocabulary import PRIORITY_RANK as PRIORITY_RANK
from caredesk.core.vocabulary import Priority as Priority
from caredesk.core.vocabulary import Status as Status
from caredesk.history.kinds import EventKind
from caredesk.sla.models import SlaState as SlaState


def new_reply_token() -> str:
    # 24 hex characters, 96 random bits: unguessable, and safe in an address local part
    # (support+<token>@ stays well under the 64-character limit).
    return secrets.token_hex(12)


class Tag(models.Model):
    """A label on tickets ("refund", "bug"); rules, SLA policies and inbox views match on it."""

    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class Ticket(TimestampedModel):
    mailbox = models.ForeignKey("mailboxes.Mailbox", on_delete=models.PROTECT)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    subject = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=20, choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL)
    reply_token = models.CharField(max_length=40, unique=True, default=new_reply_token)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_tickets"
    )
    updated_at = models.DateTimeField(default=clock.now)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    category = models.CharField(max_length=100, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    # Kept by caredesk.sla from the ticket's timers, so inbox rows sort and filter on them.
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sla_due_at = models.DateTimeField(null=True, blank=True)  # the earliest running target
    sla_state = models.CharField(
        max_length=10, choices=SlaState.choices, default=SlaState.NONE, blank=True
    )
    # Computed by the database from `priority` (urgent 3 … low 0) so the inbox's order, most
    # urgent first, can be read from an index rather than sorting every row.
    priority_rank = models.GeneratedField(
        expression=models.Case(
            *(models.When(priority=p, then=models.Value(r)) for p, r in PRIORITY_RANK.items()),
            default=models.Value(0),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["status", "sla_due_at"]),
            # Who may see a ticket (its team, its assignee) by status: the inbox's counts read
            # this index alone.
            models.Index(fields=["status", "team", "assignee"], name="ticket_visibility"),
            # The inbox's order: most urgent, earliest due (none last), longest waiting.
            models.Index(
                models.F("priority_rank").desc(),
                "sla_due_at",
                "created_at",
                "id",
                name="ticket_attention",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def reference(self) -> str:
        return f"#{self.pk}"


class Participant(TimestampedModel):
    class Role(models.TextChoices):
        REQUESTER = "requester", "Requester"
        CC = "cc", "CC"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="participants")
    address = models.CharField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CC)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "address"], name="participant_once")
        ]


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", "Customer message"
    AUTO_REPLY = "auto_reply", "Automatic reply"
    REPLY = "reply", "Reply"
    NOTE = "note", "Internal note"
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"


INBOUND_KINDS = (MessageKind.CUSTOMER, MessageKind.AUTO_REPLY)


class Message(TimestampedModel):
    """One entry of a ticket's conversation: an email in or out, or an internal note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    mailbox = models.ForeignKey("mailboxes.Mailbox", on_delete=models.PROTECT)
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    from_address = models.CharField(max_length=254, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list)
    subject = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)  # the whole plain-text body as received or sent
    new_text = models.TextField(blank=True)  # what the author wrote now, quotes removed
    html = models.TextField(blank=True)  # sanitised HTML, when the email had HTML
    # Message-ID without angle brackets; null for internal notes. With `content_digest`, unique
    # per mailbox: a second delivery of the same email is a no-op, while a different email
    # reusing the id is its own message.
    message_id = models.CharField(max_length=500, null=True, blank=True)  # noqa: DJ001
    # What the email says (`inbound.prepare.content_digest`); "" for what caredesk wrote and
    # for emails recorded before digests, which are matched by Message-ID alone.
    content_digest = models.CharField(max_length=64, blank=True, default="")
    in_reply_to = models.CharField(max_length=500, blank=True)
    references = models.TextField(blank=True)  # space-separated, in header order
    sent_at = models.DateTimeField(null=True, blank=True)  # the email's Date header
    defects = models.JSONField(default=list, blank=True)
    # For customer messages, read from `new_text` at intake (caredesk.language): the language
    # ("unknown" when too short to tell, "" when not read) and the detector's confidence, and how
    # upset the customer sounds, 0 calm .. 3 angry, with the reasons shown to agents.
    language = models.CharField(max_length=10, blank=True)
    language_confidence = models.FloatField(null=True, blank=True)
    upset_level = models.PositiveSmallIntegerField(default=0)
    upset_reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "message_id", "content_digest"],
                condition=models.Q(message_id__isnull=False),
                name="message_id_and_content_once_per_mailbox",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.ticket_id}"


class MessageReference(models.Model):
    """A Message-ID that a message points back at (In-Reply-To and References).

    Kept so a reply that arrives before the message it answers can still be found by it.
    """

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="refs")
    ref = models.CharField(max_length=500, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "ref"], name="ref_once")]

    def __str__(self) -> str:
        return self.ref


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.sha256[:2]}/{instance.sha256[2:4]}/{instance.sha256}"


class Attachment(TimestampedModel):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_id = models.CharField(max_length=255, blank=True)
    inline = models.BooleanField(default=False)
    file = models.FileField(upload_to=attachment_path, max_length=200)


class TicketEvent(TimestampedModel):
    """Who did what to a ticket, and when: the record reports are computed from.

    Written only from `caredesk.history.events` builders (see `caredesk.tickets.changes`), so
    each kind's data has one shape, naming people by id."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    data: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["kind", "created_at"])]


class PriorityPhrase(TimestampedModel):
    """A phrase admins add to priority detection, next to the built-in ones."""

    phrase = models.CharField(max_length=200, help_text="Matched as whole words, any case")
    priority = models.CharField(max_length=20, choices=Priority.choices, default=Priority.HIGH)
    label = models.CharField(max_length=100, blank=True, help_text="Shown as the reason")
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.phrase} -> {self.priority}"
