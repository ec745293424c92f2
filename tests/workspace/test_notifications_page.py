"""Notifications in the workspace: a bell with the unread count on every page, a list of the
agent's own (newest first, in their time zone, linking to the ticket), marking one or all
read; nobody else's, whatever their role."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client

from caredesk.accounts.services import agent_create
from caredesk.core import clock
from caredesk.mailboxes.models import Mailbox
from caredesk.notifications.models import Notification
from tests.api.support import new_ticket

PASSWORD = "correct horse battery"


def _bell(html: str) -> str:
    found = re.search(r'<a class="bell[^"]*" href="/notifications" aria-label="([^"]+)"', html)
    assert found, "no bell"
    return found.group(1)


def test_the_bell_counts_unread_notifications_on_every_page(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    root = agent_create(email="root@example.com", name="Root", role="admin", password=PASSWORD)
    ticket = new_ticket(mailbox)
    client.force_login(ann)
    assert _bell(client.get("/inbox/open").content.decode()) == "Notifications"
    Notification.objects.create(agent=ann, ticket=ticket, kind="sla_warning", text="Due soon")
    Notification.objects.create(agent=ann, kind="imap_failing", text="Mailbox down")
    Notification.objects.create(agent=root, kind="imap_failing", text="Root's own")
    read = Notification.objects.create(agent=ann, kind="sla_breached", text="Old")
    read.read_at = clock.now()
    read.save(update_fields=["read_at"])
    for path in (
        "/inbox/open",
        f"/tickets/{ticket.pk}",
        "/search?q=x",
        "/profile",
        "/notifications",
    ):
        html = client.get(path).content.decode()
        assert _bell(html) == "Notifications, 2 unread", path
        assert '<span class="badge">2</span>' in html, path


def test_the_list_is_newest_first_in_the_agents_zone_and_marks_read(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    ann.time_zone = "America/New_York"
    ann.save(update_fields=["time_zone"])
    bob = agent_create(email="bob@example.com", name="Bob", role="supervisor", password=PASSWORD)
    ticket = new_ticket(mailbox)
    older = Notification.objects.create(agent=ann, kind="imap_failing", text="Mailbox down")
    older.created_at = clock.now() - timedelta(hours=2)
    older.save(update_fields=["created_at"])
    newer = Notification.objects.create(
        agent=ann, ticket=ticket, kind="sla_warning", text="First reply due in 30 min"
    )
    bobs = Notification.objects.create(agent=bob, kind="sla_breached", text="Bob's own")
    client.force_login(ann)

    html = client.get("/notifications").content.decode()
    assert re.findall(r'data-notification="(\d+)"', html) == [str(newer.pk), str(older.pk)]
    assert "Bob&#x27;s own" not in html
    assert "SLA warning" in html and "Mailbox failing" in html
    local = (newer.created_at - timedelta(hours=5)).strftime("%H:%M")  # EST in December
    assert re.search(rf'<time datetime="[^"]*-05:00"[^>]*>\w+ \d+ \w+ {local}</time>', html)

    # Opening one from the list marks it read and goes to its ticket.
    opened = client.post(f"/notifications/{newer.pk}/read", {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == f"/tickets/{ticket.pk}"
    newer.refresh_from_db()
    assert newer.read_at is not None
    assert _bell(client.get("/notifications").content.decode()) == "Notifications, 1 unread"
    # Another agent's is not there to mark, even for a supervisor.
    client.force_login(bob)
    assert client.post(f"/notifications/{older.pk}/read").status_code == 404
    older.refresh_from_db()
    assert older.read_at is None

    client.force_login(ann)
    done = client.post("/notifications/read", {"back": "/inbox/open"}, follow=True)
    assert done.redirect_chain[-1][0] == "/inbox/open"
    assert "Marked 1 notification read." in done.content.decode()
    assert _bell(done.content.decode()) == "Notifications"
    bobs.refresh_from_db()
    assert bobs.read_at is None  # only Ann's own
    unread = client.get("/notifications", {"unread": "1"}).content.decode()
    assert "No unread notifications." in unread
    # Off-site "back" addresses go to the list instead.
    away = client.post("/notifications/read", {"back": "https://evil.example/"})
    assert away["Location"] == "/notifications"


def test_an_agent_is_told_when_someone_else_assigns_them_a_ticket(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor", password=PASSWORD)
    ticket = new_ticket(mailbox, subject="Parcel lost")
    client.force_login(ann)
    client.post(f"/tickets/{ticket.pk}/assign", {"agent": ann.email})  # herself: no news
    assert not ann.notifications.exists()
    client.post(f"/tickets/{ticket.pk}/assign", {"agent": ""})

    client.force_login(sue)
    client.post(f"/tickets/{ticket.pk}/assign", {"agent": ann.email})
    (told,) = ann.notifications.all()
    assert (told.kind, told.ticket_id) == ("assigned", ticket.pk)
    assert told.text == f"Sue assigned you #{ticket.pk}: Parcel lost"
    client.force_login(ann)
    html = client.get("/notifications").content.decode()
    assert "Assigned to you" in html and f"#{ticket.pk}: Sue assigned you" in html
