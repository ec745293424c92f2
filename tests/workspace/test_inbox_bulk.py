"""Bulk changes from the inbox and saved views: each ticket changes through its own service,
refusals are reported by ticket, and views are private unless a supervisor shares them."""

from __future__ import annotations

from typing import Any

from django.test import Client

from caredesk.accounts.models import Team
from caredesk.accounts.services import agent_create
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import ticket_merge, ticket_set_properties
from caredesk.workspace.models import SavedView
from tests.api.support import new_ticket

PASSWORD = "correct horse battery"


def said(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_bulk_assign_status_and_tag(client: Client, mailbox: Mailbox) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    bob = agent_create(email="bob@example.com", name="Bob", role="agent", password=PASSWORD)
    one = new_ticket(mailbox, sender="a@example.org")
    two = new_ticket(mailbox, sender="b@example.org")
    client.force_login(ann)
    back = "/inbox/unassigned"

    def bulk(**form: Any) -> str:
        response = client.post("/inbox/bulk", {"back": back, **form}, follow=True)
        assert response.redirect_chain[-1][0] == back
        return " ".join(str(m) for m in response.context["messages"])

    said = bulk(ticket=[one.pk, two.pk], do="assign", assign="bob@example.com")
    assert said == "Assigned to bob@example.com: 2 tickets."
    assert {t.assignee for t in Ticket.objects.all()} == {bob}
    assert bulk(ticket=[one.pk, two.pk], do="status", status="pending") == "Set pending: 2 tickets."
    assert set(Ticket.objects.values_list("status", flat=True)) == {"pending"}
    assert bulk(ticket=[one.pk], do="tag", tag="refund") == "Tagged refund: 1 ticket."
    assert bulk(ticket=[one.pk], do="tag", tag="billing") == "Tagged billing: 1 ticket."
    assert sorted(one.tags.values_list("name", flat=True)) == ["billing", "refund"]
    assert one.events.filter(kind="tag_added").count() == 2

    said = bulk(ticket=[one.pk], do="status", status="lost")
    assert said.startswith("Set lost: 0 tickets; not #") and "lost" in said
    assert (
        bulk(ticket=[], do="status", status="open")
        == "Nothing changed: select at least one ticket."
    )
    assert "there is no agent" in bulk(ticket=[one.pk], do="assign", assign="who@example.com")
    assert "no bulk action" in bulk(ticket=[one.pk], do="delete")


def test_bulk_merge_gathers_tickets_into_the_oldest_and_reports_refusals(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    billing = Team.objects.create(name="Billing")
    oldest = new_ticket(mailbox, sender="jane@example.net", subject="Charged twice")
    again = new_ticket(mailbox, sender="jane@example.net", subject="Re: charged twice")
    gone = new_ticket(mailbox, sender="jane@example.net", subject="Still charged")
    ticket_merge(source=gone, target=oldest, actor=ann, reason="same")
    hidden = new_ticket(mailbox, sender="x@example.org")
    ticket_set_properties(ticket=hidden, actor=ann, team=billing)  # not Ann's team
    client.force_login(ann)

    response = client.post(
        "/inbox/bulk",
        {"ticket": [again.pk, oldest.pk, gone.pk, hidden.pk], "do": "merge"},
        follow=True,
    )
    said = " ".join(str(m) for m in response.context["messages"])
    assert said.startswith(f"Merged into #{oldest.pk}: 1 ticket; not ")
    assert f"#{hidden.pk} (there is no ticket #{hidden.pk})" in said
    assert f"#{gone.pk} (ticket #{gone.pk} was merged into #{oldest.pk}" in said
    again.refresh_from_db()
    assert again.merged_into == oldest and again.status == "closed"
    hidden.refresh_from_db()
    assert hidden.merged_into is None

    single = client.post("/inbox/bulk", {"ticket": [oldest.pk], "do": "merge"}, follow=True)
    assert "select two or more tickets to merge" in single.content.decode()


def test_saved_views_are_private_unless_shared_by_a_supervisor(
    client: Client, mailbox: Mailbox
) -> None:
    ann = agent_create(email="ann@example.com", name="Ann", role="agent", password=PASSWORD)
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor", password=PASSWORD)
    urgent = new_ticket(mailbox, sender="a@example.org", body="Outage, all down.")
    new_ticket(mailbox, sender="b@example.org", body="A question.")
    client.force_login(ann)

    saved = client.post(
        "/inbox/saved",
        {"name": "Burning", "view": "open", "filters": "priority=urgent"},
        follow=True,
    )
    view = SavedView.objects.get(name="Burning")
    assert saved.redirect_chain[-1][0] == f"/inbox/saved/{view.pk}"
    assert [t.pk for t, _ in saved.context["rows"]] == [urgent.pk]
    assert view.filters == "view=open&priority=urgent" and view.owner == ann
    again = client.post(
        "/inbox/saved", {"name": "Burning", "view": "open", "filters": "status=open"}, follow=True
    )
    assert "already have a view called 'Burning'" in said(again)
    shared = client.post(
        "/inbox/saved", {"name": "All", "view": "open", "filters": "", "shared": "1"}, follow=True
    )
    assert shared.status_code == 403  # Ann sees her views but may not share one
    assert "only supervisors and admins share views" in shared.content.decode()
    assert not SavedView.objects.filter(name="All").exists()
    bad = client.post("/inbox/saved", {"name": "X", "view": "open", "filters": "since=soon"})
    assert bad.status_code == 302 and not SavedView.objects.filter(name="X").exists()

    client.force_login(sue)
    assert client.get(f"/inbox/saved/{view.pk}").status_code == 404  # Ann's own
    client.post(
        "/inbox/saved",
        {"name": "Team urgent", "view": "open", "filters": "priority=urgent", "shared": "1"},
    )
    team_view = SavedView.objects.get(name="Team urgent")
    client.force_login(ann)
    page = client.get("/")
    assert [s.name for s in page.context["saved_views"]] == ["Burning", "Team urgent"]
    refused = client.post(f"/inbox/saved/{team_view.pk}/delete", follow=True)
    assert refused.status_code == 403  # she sees it (shared) but it is not hers
    assert "only its owner, a supervisor or an admin" in refused.content.decode()
    client.post(f"/inbox/saved/{view.pk}/delete")
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Team urgent"]
