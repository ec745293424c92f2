"""The emails caredesk writes on its own, one entry each (pure: no database, no settings).

A kind says what its subject and body may name, whether a mailbox may have its own wording
(the acknowledgement is the mailbox's voice; the password reset is caredesk's, to an agent),
the example values its preview is rendered with, and its shipped wording in each language
(`caredesk.system_emails.shipped`). A later kind (a reminder, a satisfaction survey) is one
more entry in `KINDS` and one more block of shipped texts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from caredesk.system_emails.shipped import ACKNOWLEDGEMENT_TEXTS, PASSWORD_RESET_TEXTS, Wording

ACKNOWLEDGEMENT = "acknowledgement"
PASSWORD_RESET = "password_reset"
# Every kind must ship this language: the end of every lookup (docs/system-emails.md).
LAST_RESORT = "en"


@dataclass(frozen=True)
class EmailKind:
    key: str
    label: str
    why: str  # when caredesk sends it, in one sentence for the admin
    variables: tuple[str, ...]  # what its subject and body may name, in the order shown
    per_mailbox: bool  # whether a mailbox may have its own wording
    shipped: Mapping[str, Wording]  # language -> the wording caredesk ships
    # language -> variable -> the value used when the real one is empty (a ticket with no
    # reply target has no promised time: "as soon as we can").
    fallbacks: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # The example a preview is rendered with, by variable (a language's own where given).
    example: Mapping[str, str] = field(default_factory=dict)
    example_by_language: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def fallback(self, language: str, name: str) -> str:
        return self.fallbacks.get(language, {}).get(name, "")

    def example_values(self, language: str) -> dict[str, str]:
        return {**self.example, **self.example_by_language.get(language, {})}


KINDS: dict[str, EmailKind] = {
    ACKNOWLEDGEMENT: EmailKind(
        key=ACKNOWLEDGEMENT,
        label="Acknowledgement of a new ticket",
        why="Sent at once to the customer whose email opens a ticket, with its reference and "
        "when a person will reply.",
        variables=(
            "customer.name",
            "customer.first_name",
            "ticket.reference",
            "ticket.subject",
            "ticket.promised_reply",
            "mailbox.name",
        ),
        per_mailbox=True,
        shipped=ACKNOWLEDGEMENT_TEXTS,
        fallbacks={
            "en": {"ticket.promised_reply": "as soon as we can"},
            "de": {"ticket.promised_reply": "so bald wie möglich"},
            "fr": {"ticket.promised_reply": "dès que possible"},
            "es": {"ticket.promised_reply": "lo antes posible"},
            "ja": {"ticket.promised_reply": "できる限り早め"},
        },
        example={"ticket.reference": "#1042", "mailbox.name": "Example Support"},
        example_by_language={
            "en": {
                "customer.name": "Jane Doe",
                "customer.first_name": "Jane",
                "ticket.subject": "My parcel has not arrived",
            },
            "de": {
                "customer.name": "Anna Schmidt",
                "customer.first_name": "Anna",
                "ticket.subject": "Mein Paket ist nicht angekommen",
            },
            "fr": {
                "customer.name": "Marie Dubois",
                "customer.first_name": "Marie",
                "ticket.subject": "Mon colis n'est pas arrivé",
            },
            "es": {
                "customer.name": "María García",
                "customer.first_name": "María",
                "ticket.subject": "Mi paquete no ha llegado",
            },
            "ja": {
                "customer.name": "山田 花子",
                "customer.first_name": "山田",
                "ticket.subject": "荷物が届きません",
            },
        },
    ),
    PASSWORD_RESET: EmailKind(
        key=PASSWORD_RESET,
        label="Password reset link (to an agent)",
        why="Sent to an agent who asked for a link to choose a new password, in the language "
        "on their profile.",
        variables=("agent.name", "agent.first_name", "agent.email", "reset.link", "reset.minutes"),
        per_mailbox=False,
        shipped=PASSWORD_RESET_TEXTS,
        example={
            "agent.email": "ann@example.com",
            "reset.link": "https://desk.example.com/password/reset/MQ/example-token/",
            "reset.minutes": "60",
        },
        example_by_language={
            "en": {"agent.name": "Ann Agent", "agent.first_name": "Ann"},
            "de": {"agent.name": "Anna Berger", "agent.first_name": "Anna"},
            "fr": {"agent.name": "Claire Martin", "agent.first_name": "Claire"},
            "es": {"agent.name": "Lucía Pérez", "agent.first_name": "Lucía"},
            "ja": {"agent.name": "佐藤 健", "agent.first_name": "佐藤"},
        },
    ),
}


def kind_get(key: str) -> EmailKind:
    """The kind called `key`; KeyError for one caredesk does not know."""
    return KINDS[key]


def shipped_languages() -> tuple[str, ...]:
    """Every language some kind ships, in a stable order."""
    found: dict[str, None] = {}
    for kind in KINDS.values():
        found.update(dict.fromkeys(kind.shipped))
    return tuple(found)
