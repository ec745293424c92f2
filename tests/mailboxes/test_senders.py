"""Who a reply says it is from, as each mailbox sets it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from caredesk.core.errors import InvalidRequest
from caredesk.mailboxes.models import Mailbox
from caredesk.mailboxes.senders import (
    DEFAULT_SENDER_FORMAT,
    sender_format_problem,
    sender_format_validate,
    sender_name,
)
from caredesk.mailboxes.services import mailbox_update


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{agent} at {mailbox}", "Ann at Example Support"),
        ("{mailbox}", "Example Support"),
        ("{agent}", "Ann"),
        ("{agent} von {mailbox}", "Ann von Example Support"),
    ],
)
def test_sender_name_follows_the_pattern(pattern: str, expected: str) -> None:
    assert sender_name(pattern=pattern, agent="Ann", mailbox="Example Support") == expected


def test_a_missing_name_leaves_the_other() -> None:
    assert sender_name(pattern=DEFAULT_SENDER_FORMAT, agent="", mailbox="Example Support") == (
        "Example Support"
    )
    assert sender_name(pattern=DEFAULT_SENDER_FORMAT, agent="Ann", mailbox="") == "Ann"
    assert sender_name(pattern="{mailbox}", agent="Ann", mailbox="") == "Ann"


def test_names_cannot_break_the_header() -> None:
    name = sender_name(pattern="{agent}", agent="Ann\r\nBcc: x@example.org", mailbox="S")
    assert name == "Ann Bcc: x@example.org"  # one line: nothing after it becomes a header


def test_a_stored_pattern_that_is_not_valid_falls_back_to_the_default() -> None:
    assert sender_name(pattern="{0}", agent="Ann", mailbox="S") == "Ann at S"


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("", "needs {agent} or {mailbox}"),
        ("Support team", "needs {agent} or {mailbox}"),
        ("{name} at {mailbox}", "not {name}"),
        ("{agent!r}", "not {agent}"),
        ("{agent:>20}", "not {agent}"),
        ("{agent", "stray"),
        ("{agent}\nBcc: x", "one line"),
        ("{agent}" + "x" * 100, "at most 100"),
    ],
)
def test_bad_patterns_are_refused_with_the_reason(pattern: str, why: str) -> None:
    problem = sender_format_problem(pattern)
    assert problem is not None and why in problem
    with pytest.raises(ValidationError, match=why.replace("{", r"\{").replace("}", r"\}")):
        sender_format_validate(pattern)


@pytest.mark.django_db
def test_mailbox_update_checks_and_saves_the_settings(mailbox: Mailbox) -> None:
    assert mailbox.sender_format == DEFAULT_SENDER_FORMAT and mailbox.quote_previous
    with pytest.raises(InvalidRequest, match=r"not \{team\}"):
        mailbox_update(mailbox=mailbox, sender_format="{team}")
    changes = mailbox_update(mailbox=mailbox, sender_format="{mailbox}", quote_previous=False)
    assert changes == ["replies from '{mailbox}'", "quotes nothing"]
    mailbox.refresh_from_db()
    assert (mailbox.sender_format, mailbox.quote_previous) == ("{mailbox}", False)


@pytest.mark.django_db
def test_the_admin_edits_the_settings_and_refuses_a_bad_pattern(mailbox: Mailbox) -> None:
    from django.test import Client

    from caredesk.accounts.services import agent_create

    boss = agent_create(email="boss@example.com", name="Boss", role="admin", password="x" * 12)
    client = Client()
    client.force_login(boss)
    url = f"/admin/mailboxes/mailbox/{mailbox.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="sender_format"' in page and 'value="{agent} at {mailbox}"' in page
    assert 'name="quote_previous"' in page
    form = {
        "address": mailbox.address,
        "name": mailbox.name,
        "sender_format": "{agent} of {team}",
        "acknowledge": "on",
        "language": "en",
        "created_at_0": "2026-01-01",
        "created_at_1": "00:00:00",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "may name {agent} and {mailbox} only, not {team}" in refused.content.decode()
    saved = client.post(url, {**form, "sender_format": "{agent} · {mailbox}"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    mailbox.refresh_from_db()
    assert mailbox.sender_format == "{agent} · {mailbox}"
    assert not mailbox.quote_previous  # left unticked: replies quote nothing
