"""The workspace's pages without a browser: sign-in throttling, inbox views, refused changes."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.test import Client

from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.services import ticket_assign, ticket_set_properties, ticket_set_status
from tests.api.support import new_ticket

PASSWORD = "correct horse battery"


def test_pages_need_signing_in(client: Client, mailbox: Mailbox) -> None:
    ticket = new_ticket(mailbox)
    for path in ("/", "/inbox/open", f"/tickets/{ticket.pk}"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in")
    assert client.post(f"/tickets/{ticket.pk}/status", {"status": "solved"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_failed_sign_ins_are_throttled_even_with_the_right_password(
    client: Client, db: None
) -> None:
    agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    for _ in range(5):
        wrong = client.post("/sign-in", {"email": "ann@example.com", "password": "guess"})
        assert wrong.status_code == 400
        assert "do not match" in wrong.content.decode()
    right = client.post("/sign-in", {"email": "ann@example.com", "password": PASSWORD})
    assert right.status_code == 400 and "Too many failed attempts" in right.content.decode()


def test_sign_in_only_redirects_within_caredesk(client: Client, db: None) -> None:
    agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    response = client.post(
        "/sign-in",
        {"email": "ANN@example.com", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_inbox_views_count_and_order_by_what_needs_attention(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    billing = Team.objects.create(name="Billing")
    ann.teams.add(billing)
    calm = new_ticket(mailbox, sender="a@example.org", subject="A question")
    burning = new_ticket(mailbox, sender="b@example.org", subject="Outage", body="All down.")
    mine = new_ticket(mailbox, sender="c@example.org", subject="Mine")
    ticket_assign(ticket=mine, agent=ann, actor=ann)
    ticket_set_properties(ticket=calm, actor=ann, team=billing)
    waiting = new_ticket(mailbox, sender="d@example.org", subject="Waiting")
    ticket_set_status(ticket=waiting, status="pending", actor=ann)
    client.force_login(ann)

    page = client.get("/inbox/unassigned")
    assert page.context["counts"] == {
        "mine": 1,
        "unassigned": 2,
        "teams": 1,
        "open": 3,
        "pending": 1,
        "solved": 0,
    }
    assert [t.pk for t, _ in page.context["rows"]] == [burning.pk, calm.pk]  # urgent first
    assert [t.pk for t, _ in client.get("/").context["rows"]] == [mine.pk]
    assert client.get("/inbox/nonsense").status_code == 404


def test_a_refused_change_is_a_message_not_an_error(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    ticket = new_ticket(mailbox)
    client.force_login(ann)
    response = client.post(
        f"/tickets/{ticket.pk}/priority", {"priority": "urgent", "reason": ""}, follow=True
    )
    assert response.status_code == 200
    assert "say why the priority changes" in response.content.decode()
    assert client.post("/tickets/999999/status", {"status": "open"}).status_code == 404
    empty = client.post(f"/tickets/{ticket.pk}/reply", {"text": "  "}, follow=True)
    assert "a reply needs some text" in empty.content.decode()


def test_agents_see_their_teams_tickets_and_supervisors_see_all(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor", password=PASSWORD)
    billing, tech = Team.objects.create(name="Billing"), Team.objects.create(name="Tech")
    ann.teams.add(billing)
    theirs = new_ticket(mailbox, sender="a@example.org", subject="Server error")
    ticket_set_properties(ticket=theirs, actor=sue, team=tech)
    ours = new_ticket(mailbox, sender="b@example.org", subject="Refund")
    ticket_set_properties(ticket=ours, actor=sue, team=billing)
    triage = new_ticket(mailbox, sender="c@example.org", subject="No team yet")

    client.force_login(ann)
    shown = {t.pk for t, _ in client.get("/inbox/open").context["rows"]}
    assert shown == {ours.pk, triage.pk}
    assert client.get(f"/tickets/{theirs.pk}").status_code == 404
    assert client.post(f"/tickets/{theirs.pk}/status", {"status": "solved"}).status_code == 404
    assert [t.pk for t, _ in client.get("/search", {"q": "Server"}).context["rows"]] == []

    client.force_login(sue)
    assert len(client.get("/inbox/open").context["rows"]) == 3
    assert client.get(f"/tickets/{theirs.pk}").status_code == 200


def test_search_by_reference_address_and_words(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    parcel = new_ticket(mailbox, sender="kim@example.org", subject="Parcel", body="It is lost.\n")
    other = new_ticket(mailbox, sender="lee@example.org", subject="Invoice")
    client.force_login(ann)

    def found(q: str) -> list[int]:
        return [t.pk for t, _ in client.get("/search", {"q": q}).context["rows"]]

    assert found(f"#{parcel.pk}") == [parcel.pk]
    assert found("KIM@example.org") == [parcel.pk]
    assert found("lost") == [parcel.pk]
    assert found("invoice") == [other.pk]
    assert found("#99999999999999999999") == []


def test_search_finds_customers_by_name_and_address(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    billing = Team.objects.create(name="Billing")
    first = new_ticket(mailbox, sender="Kim Park <kim@example.org>", subject="Parcel")
    second = new_ticket(mailbox, sender="kim@example.org", subject="Another")
    hidden = new_ticket(mailbox, sender="Kimberly Stone <stone@example.org>", subject="Secret")
    ticket_set_properties(ticket=hidden, actor=ann, team=billing)  # not Ann's team
    client.force_login(ann)

    page = client.get("/search", {"q": "kim"})
    customers = page.context["customers"]
    assert [(c.name, c.ticket_count) for c in customers] == [("Kim Park", 2)]
    assert 'href="/search?q=kim%40example.org"' in page.content.decode()
    assert sorted(t.pk for t, _ in page.context["rows"]) == [first.pk, second.pk]  # by name
    assert client.get("/search", {"q": "example.org"}).context["customers"][0].name == "Kim Park"
    assert client.get("/search", {"q": "k"}).context["customers"] == []  # too short to mean it


def test_attachments_download_with_safe_headers(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    page = b"<html><script>alert(document.cookie)</script></html>"
    ticket = new_ticket(mailbox, attachment=("invoice.html", page))
    attachment = ticket.messages.get(kind="customer").attachments.get()
    url = f"/attachments/{attachment.pk}"
    assert client.get(url).status_code == 302  # signed-in agents only
    client.force_login(ann)

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert isinstance(response, StreamingHttpResponse)
    assert b"".join(response.streaming_content) == page
    assert client.get("/attachments/999999").status_code == 404


def test_agents_keep_their_own_profile(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    client.force_login(ann)
    form = {
        "name": "Ann Agent",
        "signature": "Ann, Example Support",
        "language": "de",
        "time_zone": "Europe/Berlin",
        "availability": "away",
    }
    assert client.post("/profile", form).status_code == 302
    ann.refresh_from_db()
    assert (ann.name, ann.language, ann.time_zone, ann.availability) == (
        "Ann Agent",
        "de",
        "Europe/Berlin",
        "away",
    )
    refused = client.post("/profile", {**form, "time_zone": "Mars/Olympus"})
    assert refused.status_code == 400 and "is not a time zone" in refused.content.decode()

    from caredesk.tickets.replies import ticket_reply

    reply = ticket_reply(ticket=new_ticket(mailbox), author=ann, text="We are on it.")
    assert reply.text.endswith("-- \nAnn, Example Support")
