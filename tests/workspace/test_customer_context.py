"""Beside the draft: the customer's earlier tickets like this one (same category or a similar
subject) with how they ended, and what they said they already tried."""

from __future__ import annotations

import re

from django.test import Client

from caredesk.access import principal_of
from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.customer_context import customer_context, subject_words, subjects_similar
from caredesk.tickets.models import Status, Ticket
from caredesk.tickets.services import ticket_set_status
from tests.api.support import new_ticket, raw_email
from tests.conftest import deliver

PASSWORD = "correct horse battery"


def test_subjects_are_alike_by_the_words_that_say_what_they_are_about() -> None:
    login = subject_words("Re: Cannot log in to my account")
    assert subjects_similar(login, subject_words("Log in fails on the account page"))
    assert not subjects_similar(login, subject_words("Invoice for November"))
    assert not subjects_similar(subject_words("Help"), subject_words("Question"))  # common only


def test_earlier_tickets_like_this_one_with_their_outcome(mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    sender = "Jo Park <jo@example.org>"
    old_login = new_ticket(mailbox, sender=sender, subject="Cannot log in to my account")
    ticket_set_status(ticket=old_login, status=Status.SOLVED, actor=ann)
    refund = new_ticket(mailbox, sender=sender, subject="Where is my parcel")
    Ticket.objects.filter(pk=refund.pk).update(category="billing")
    unrelated = new_ticket(mailbox, sender=sender, subject="Invoice address change")
    someone_else = new_ticket(mailbox, sender="kim@example.org", subject="Log in fails")
    now = new_ticket(mailbox, sender=sender, subject="Log in fails again")
    Ticket.objects.filter(pk=now.pk).update(category="billing")
    now.refresh_from_db()

    found = customer_context(ticket=now, principal=principal_of(ann))
    shown = {t.reference: t for t in found.earlier}
    assert set(shown) == {old_login.pk, refund.pk}
    assert shown[old_login.pk].why == "similar subject"
    assert shown[old_login.pk].status == Status.SOLVED and shown[old_login.pk].solved_at
    assert shown[refund.pk].why == "same category"
    assert unrelated.pk not in shown and someone_else.pk not in shown
    assert found.other_tickets == 3


def test_earlier_tickets_the_agent_may_not_see_are_not_shown(mailbox: Mailbox) -> None:
    billing = Team.objects.create(name="Billing")
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    sender = "jo@example.org"
    hidden = new_ticket(mailbox, sender=sender, subject="Cannot log in")
    Ticket.objects.filter(pk=hidden.pk).update(team=billing)  # Ann is not in Billing
    now = new_ticket(mailbox, sender=sender, subject="Cannot log in again")
    assert hidden.customer_id == now.customer_id
    found = customer_context(ticket=now, principal=principal_of(ann))
    assert found.earlier == [] and found.other_tickets == 0


def test_the_ticket_page_shows_what_they_tried_and_earlier_tickets(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    sender = "Jo Park <jo@example.org>"
    earlier = new_ticket(mailbox, sender=sender, subject="App crashes on start")
    ticket_set_status(ticket=earlier, status=Status.SOLVED, actor=ann)
    now = new_ticket(
        mailbox,
        sender=sender,
        subject="App crashes on start again",
        body="Hello, the app crashes. I already reinstalled it.\n",
    )
    opening = now.messages.get(kind="customer")
    more = raw_email(
        sender=sender, body="I've restarted my phone too.\n", in_reply_to=opening.message_id
    )
    assert deliver(more, mailbox).ticket_id == now.pk
    client.force_login(ann)
    html = client.get(f"/tickets/{now.pk}").content.decode()
    section = re.search(r'<section class="composer-context".*?</section>', html, re.S)
    assert section, "no 'Before you answer' section"
    text = section.group(0)
    assert "<q>I already reinstalled it.</q>" in text
    assert "<q>I&#x27;ve restarted my phone too.</q>" in text
    assert text.index("restarted") < text.index("reinstalled")  # newest first
    assert f'href="/tickets/{earlier.pk}"' in text and "Solved" in text


def test_no_section_for_a_first_time_customer_who_tried_nothing(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    now = new_ticket(mailbox, sender="new@example.org", subject="A question")
    client.force_login(ann)
    assert 'class="composer-context"' not in client.get(f"/tickets/{now.pk}").content.decode()
