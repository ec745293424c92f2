"""The desk's glossary: kept in the admin by supervisors and admins, read by every agent, and
flagged by the reply assistant in the composer's check and in POST /api/v1/drafts/check."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caredesk.access import AgentPrincipal, CustomerPrincipal
from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_create, api_token_create
from caredesk.core.errors import InvalidRequest, NotFound
from caredesk.glossary.models import GlossaryTerm
from caredesk.glossary.selectors import glossary_get
from caredesk.glossary.services import glossary_term_save
from caredesk.mailboxes.models import Mailbox
from caredesk.tickets.models import Ticket
from tests.api.support import Api, new_ticket

pytestmark = pytest.mark.django_db

ANN = AgentPrincipal(id=1, role="agent")
ENGLISH = "Your parcel is in the WMS queue; I'll update you today."
GERMAN = "Ihr Paket ist im Lieferschein vermerkt, ich melde mich heute noch bei Ihnen."


def _term(term: str, plain: str, language: str = "") -> GlossaryTerm:
    return glossary_term_save(
        term=GlossaryTerm(term=term, plain=plain, language=language), actor=None
    )


@pytest.fixture
def terms() -> None:
    _term("WMS", "warehouse system")
    _term("Lieferschein", "Liste der Artikel im Paket", "de")


# --- what a draft is checked against ----------------------------------------------------------


def test_a_draft_gets_the_terms_for_every_language_and_its_own(terms: None) -> None:
    _term("WMS", "Lagersystem", "de")  # the German wording wins in German drafts
    glossary = glossary_get(principal=ANN)
    assert glossary.for_language("en") == {"WMS": "warehouse system"}
    assert glossary.for_language("de") == {
        "WMS": "Lagersystem",
        "Lieferschein": "Liste der Artikel im Paket",
    }


def test_the_glossary_is_read_in_one_query_whatever_its_size() -> None:
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(term=f"T{n}", plain=f"thing {n}", language=("", "de")[n % 2])
        for n in range(200)
    )
    with CaptureQueriesContext(connection) as queries:
        glossary = glossary_get(principal=ANN)
    assert len(queries) == 1
    assert len(glossary.for_language("de")) == 200
    assert len(glossary.for_language("en")) == 100


def test_customers_do_not_see_the_glossary(terms: None) -> None:
    with pytest.raises(NotFound):
        glossary_get(principal=CustomerPrincipal(customer_id=3))


@pytest.mark.parametrize(
    ("term", "plain", "language", "message"),
    [
        ("  ", "warehouse", "", "needs the term and the plain words"),
        ("WMS", "", "", "needs the term and the plain words"),
        ("WMS", "warehouse", "ja", "must be one of en, de, fr, es or empty"),
    ],
)
def test_a_term_needs_its_words_and_a_language_the_assistant_checks(
    term: str, plain: str, language: str, message: str
) -> None:
    with pytest.raises(InvalidRequest, match=message):
        _term(term, plain, language)
    assert not GlossaryTerm.objects.exists()


def test_a_saved_term_is_trimmed_and_says_who_changed_it() -> None:
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    saved = glossary_term_save(
        term=GlossaryTerm(term=" WMS ", plain=" warehouse system ", language=" DE "), actor=sue
    )
    saved.refresh_from_db()
    assert (saved.term, saved.plain, saved.language, saved.updated_by) == (
        "WMS",
        "warehouse system",
        "de",
        sue,
    )


# --- the admin: supervisors and admins edit it ------------------------------------------------


def _add_in_admin(client: Client, **fields: str) -> Any:
    return client.post("/admin/glossary/glossaryterm/add/", fields)


def test_a_supervisor_adds_a_term_in_the_admin(client: Client) -> None:
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    client.force_login(sue)
    index = client.get("/admin/")
    assert index.status_code == 200
    page = index.content.decode()
    assert "/admin/glossary/glossaryterm/" in page
    assert "/admin/tickets/" not in page and "/admin/accounts/" not in page

    added = _add_in_admin(client, term="WMS", plain="warehouse system", language="")
    assert added.status_code == 302
    term = GlossaryTerm.objects.get()
    assert (term.term, term.plain, term.language, term.updated_by) == (
        "WMS",
        "warehouse system",
        "",
        sue,
    )
    listed = client.get("/admin/glossary/glossaryterm/")
    assert listed.status_code == 200 and "warehouse system" in listed.content.decode()
    assert client.post(f"/admin/glossary/glossaryterm/{term.pk}/delete/", {"post": "yes"})
    assert not GlossaryTerm.objects.exists()


def test_bad_terms_in_the_admin_are_form_errors_not_500s(client: Client) -> None:
    client.force_login(agent_create(email="root@example.com", name="Root", role="admin"))
    wrong_language = _add_in_admin(client, term="WMS", plain="warehouse", language="xx")
    assert wrong_language.status_code == 200
    assert "must be one of en, de, fr, es or empty" in wrong_language.content.decode()
    assert _add_in_admin(client, term="WMS", plain="warehouse", language="").status_code == 302
    again = _add_in_admin(client, term="WMS", plain="stock system", language="")
    assert again.status_code == 200
    assert GlossaryTerm.objects.count() == 1


def test_an_agent_may_not_edit_it_in_the_admin(client: Client, agent: Agent) -> None:
    client.force_login(agent)
    refused = _add_in_admin(client, term="WMS", plain="warehouse system", language="")
    assert refused.status_code == 302 and refused["Location"].startswith("/admin/login/")
    assert client.get("/admin/glossary/glossaryterm/").status_code == 302
    assert not GlossaryTerm.objects.exists()


# --- both interfaces flag its terms -----------------------------------------------------------


def _jargon(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(f["excerpt"], f["fix"]) for f in findings if f["type"] == "jargon"]


@pytest.fixture
def ticket(mailbox: Mailbox) -> Ticket:
    return new_ticket(mailbox)


@pytest.fixture
def api(client: Client, agent: Agent) -> Api:
    return Api(client, api_token_create(agent=agent))


def _workspace_check(client: Client, ticket: Ticket, text: str) -> dict[str, Any]:
    answer = client.post(f"/tickets/{ticket.pk}/draft/check", {"text": text})
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def _api_check(api: Api, text: str, **more: Any) -> dict[str, Any]:
    answer = api.post("/drafts/check", {"text": text, **more})
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def test_a_glossary_term_is_flagged_with_its_plain_words_in_the_composer(
    client: Client, agent: Agent, ticket: Ticket, terms: None
) -> None:
    client.force_login(agent)
    body = _workspace_check(client, ticket, ENGLISH)
    assert body["language"] == "en"
    assert _jargon(body["findings"]) == [
        ("WMS", 'Say "warehouse system" instead, or explain "WMS" in a few words.')
    ]


def test_a_glossary_term_is_flagged_with_its_plain_words_in_the_api(
    api: Api, ticket: Ticket, terms: None
) -> None:
    for body in (_api_check(api, ENGLISH), _api_check(api, ENGLISH, ticket=ticket.pk)):
        assert _jargon(body["findings"]) == [
            ("WMS", 'Say "warehouse system" instead, or explain "WMS" in a few words.')
        ]
    # The caller's own terms come on top, and win for the same term.
    mine = _api_check(api, ENGLISH, glossary={"WMS": "stock room"})
    assert [fix for _, fix in _jargon(mine["findings"])] == [
        'Say "stock room" instead, or explain "WMS" in a few words.'
    ]


def test_a_german_only_term_is_flagged_in_german_drafts_alone(
    client: Client, agent: Agent, api: Api, ticket: Ticket, terms: None
) -> None:
    english = "Your Lieferschein is attached; I'll update you today about the parcel."
    client.force_login(agent)
    for body in (_workspace_check(client, ticket, english), _api_check(api, english)):
        assert body["language"] == "en"
        assert _jargon(body["findings"]) == []
    for body in (_workspace_check(client, ticket, GERMAN), _api_check(api, GERMAN)):
        assert body["language"] == "de"
        assert [excerpt for excerpt, _ in _jargon(body["findings"])] == ["Lieferschein"]
        assert "Liste der Artikel im Paket" in _jargon(body["findings"])[0][1]


def test_a_check_reads_the_glossary_once_however_many_terms(
    client: Client, agent: Agent, ticket: Ticket
) -> None:
    client.force_login(agent)
    _workspace_check(client, ticket, ENGLISH)  # the session and the ticket, read once each

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _workspace_check(client, ticket, ENGLISH)
        return len(captured)

    few = queries()
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(term=f"T{n}", plain=f"thing {n}") for n in range(300)
    )
    assert queries() == few
