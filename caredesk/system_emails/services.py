"""Saving admins' wordings, and composing a system email from the right one.

Admins change wordings in the admin, which calls `system_email_save`; intake and the password
reset call `system_email_compose`. The preview the admin shows is `system_email_preview`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from caredesk.core import clock
from caredesk.core.errors import InvalidRequest
from caredesk.core.render import variables_in
from caredesk.mailboxes.models import Mailbox
from caredesk.sla.models import Calendar
from caredesk.sla.promise import promise_phrase
from caredesk.system_emails.choose import Overrides, language_primary, wording_choose
from caredesk.system_emails.kinds import ACKNOWLEDGEMENT, KINDS, EmailKind
from caredesk.system_emails.models import DUPLICATE, SystemEmail
from caredesk.system_emails.render import email_render
from caredesk.system_emails.selectors import system_email_overrides
from caredesk.system_emails.shipped import Wording

_LANGUAGE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class Composed:
    subject: str
    body: str
    language: str  # what it is written in
    source: str  # "mailbox", "all mailboxes" or "shipped"


def system_email_problems(
    *, kind: str, mailbox: Mailbox | None, language: str, subject: str, body: str
) -> list[str]:
    """Why this wording cannot be saved, one sentence each; empty when it can."""
    spec = KINDS.get(kind)
    if spec is None:
        return [f"There is no system email called {kind[:40]!r}."]
    problems = []
    if mailbox is not None and not spec.per_mailbox:
        problems.append(
            f"The {spec.label.lower()} is the same for every mailbox: leave the mailbox empty."
        )
    if not _LANGUAGE.fullmatch(language):
        problems.append(f"{language[:20]!r} is not a language code such as en, de or ja.")
    if not subject.strip():
        problems.append("The subject is empty.")
    if "\n" in subject or "\r" in subject:
        problems.append("The subject must be one line.")
    if not body.strip():
        problems.append("The text is empty.")
    unknown = [n for n in variables_in(subject + "\n" + body) if n not in spec.variables]
    if unknown:
        named = ", ".join("{{ " + (n or "?") + " }}" for n in unknown)
        allowed = ", ".join("{{ " + n + " }}" for n in spec.variables)
        problems.append(
            f"Unknown variable{'s' if len(unknown) > 1 else ''} {named}. "
            f"This email may use {allowed}."
        )
    return problems


def system_email_save(
    *,
    kind: str,
    mailbox: Mailbox | None,
    language: str,
    subject: str,
    body: str,
    email: SystemEmail | None = None,
) -> SystemEmail:
    """Save an override (a new one, or `email` changed); InvalidRequest says what is wrong."""
    language = language_primary(language)
    subject = subject.strip()
    body = body.replace("\r\n", "\n")
    problems = system_email_problems(
        kind=kind, mailbox=mailbox, language=language, subject=subject, body=body
    )
    if problems:
        raise InvalidRequest(" ".join(problems))
    with transaction.atomic():
        clash = SystemEmail.objects.filter(kind=kind, mailbox=mailbox, language=language)
        if email is not None and email.pk is not None:
            clash = clash.exclude(pk=email.pk)
        if clash.exists():
            raise InvalidRequest(DUPLICATE)
        row = email or SystemEmail()
        row.kind, row.mailbox, row.language = kind, mailbox, language
        row.subject, row.body, row.updated_at = subject, body, clock.now()
        row.save()
    return row


def system_email_compose(
    *,
    kind: EmailKind,
    values: Callable[[str], Mapping[str, str]],
    language: str,
    mailbox: Mailbox | None = None,
    overrides: Overrides | None = None,
) -> Composed:
    """The email of `kind` in `language` (the mailbox's language next, then English) from
    `mailbox`, filled in with `values(language chosen)` (so that a promise is phrased in the
    language the email is written in). `overrides` are the kind's admin wordings when the
    caller loaded them (a batch loads them once); else they are read here, in one query."""
    chosen = wording_choose(
        kind=kind,
        overrides=system_email_overrides(kind=kind.key) if overrides is None else overrides,
        mailbox_id=mailbox.pk if mailbox is not None else None,
        language=language,
        mailbox_language=mailbox.language if mailbox is not None else "",
    )
    rendered = email_render(
        chosen.wording, values(chosen.language), kind=kind, language=chosen.language
    )
    return Composed(rendered.subject, rendered.body, chosen.language, chosen.source)


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str
    problems: list[str]


def system_email_preview(
    *, kind: str, mailbox: Mailbox | None, language: str, subject: str, body: str
) -> Preview:
    """`subject` and `body` rendered for an example ticket, as the admin sees them while
    editing, with what would stop them from being saved."""
    spec = KINDS.get(kind)
    language = language_primary(language)
    problems = system_email_problems(
        kind=kind, mailbox=mailbox, language=language, subject=subject, body=body
    )
    if spec is None:
        return Preview("", "", problems)
    # A language without example names of its own borrows the English ones.
    values = {**spec.example_values("en"), **spec.example_values(language)}
    if mailbox is not None and mailbox.name:
        values["mailbox.name"] = mailbox.name
    if kind == ACKNOWLEDGEMENT:
        values["ticket.promised_reply"] = _example_promise(mailbox=mailbox, language=language)
    rendered = email_render(Wording(subject, body), values, kind=spec, language=language)
    return Preview(rendered.subject, rendered.body, problems)


def _example_promise(*, mailbox: Mailbox | None, language: str) -> str:
    """An example promise: tomorrow at 10:00 on the clock of the team's calendar."""
    calendar = (mailbox.calendar if mailbox is not None else None) or (
        Calendar.objects.filter(is_default=True).first()
    )
    zone = ZoneInfo(calendar.timezone if calendar is not None else "UTC")
    now = clock.now()
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    due = datetime.combine(tomorrow, time(10, 0), tzinfo=zone)
    return promise_phrase(due=due, now=now, timezone=zone.key, language=language)
