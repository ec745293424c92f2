"""The authorization matrix: every route caredesk serves, requested by every kind of principal,
answers what the table below says.

The routes are not listed by hand: they come from the URL configuration (every pattern
`django.urls.get_resolver()` holds) and from the API's own OpenAPI document (every method and
path), so a new route without a row here fails `test_every_route_has_a_row` until somebody
decides who may use it. The requests are real: sessions signed in through Django's test client,
API tokens made by caredesk.accounts, a ticket delivered through the email pipeline. Each
request runs in a savepoint that is rolled back, so every principal meets the same data.

The ticket the routes act on, #T, belongs to team Technical and is assigned across teams to an
agent of Billing. Customers have no workspace account and no API token yet (the portal comes
later), so for the workspace and the API a customer is exactly an anonymous caller: their column
must equal the anonymous one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from caredesk.accounts.models import Agent, Team
from caredesk.accounts.services import agent_create, api_token_create
from caredesk.core.admin import RecordAdmin
from caredesk.glossary.models import GlossaryTerm
from caredesk.glossary.services import glossary_term_save
from caredesk.inbound.models import InboundMessage
from caredesk.mailboxes.models import Mailbox
from caredesk.notifications.models import Notification
from caredesk.replies.services import template_create, template_move
from caredesk.tickets.models import Ticket
from caredesk.tickets.services import ticket_assign, ticket_set_properties
from caredesk.workspace.models import SavedView
from tests.api.support import new_ticket, raw_email
from tests.conftest import deliver, ticket_of
from tests.workspace.test_conversation import html_email

PRINCIPALS = ("admin", "supervisor", "in_team", "other_team", "assigned", "customer", "anonymous")
SIGN_IN = "302 to /sign-in"
ADMIN_SIGN_IN = "302 to /admin/login/"
Outcome = int | str  # a status, or one of the two redirects to a sign-in page

ALL_200 = (200,) * 7
AGENTS_200 = (200, 200, 200, 200, 200, SIGN_IN, SIGN_IN)
AGENTS_302 = (302, 302, 302, 302, 302, SIGN_IN, SIGN_IN)
#              admin supervisor in team other team assigned customer anonymous
SEES_T_200 = (200, 200, 200, 404, 200, SIGN_IN, SIGN_IN)
SEES_T_302 = (302, 302, 302, 404, 302, SIGN_IN, SIGN_IN)
API_AGENTS = (200, 200, 200, 200, 200, 401, 401)
API_SEES_T = (200, 200, 200, 404, 200, 401, 401)
API_SEES_T_201 = (201, 201, 201, 404, 201, 401, 401)
API_ADMINS = (200, 404, 404, 404, 404, 401, 401)
SEES_TINAS = (200, 200, 200, 404, 404, SIGN_IN, SIGN_IN)  # a personal template of the in-team agent
CHANGES_TINAS = (302, 302, 302, 404, 404, SIGN_IN, SIGN_IN)


@dataclass(frozen=True)
class Row:
    method: str
    expected: tuple[Outcome, ...]  # in the order of PRINCIPALS
    data: dict[str, Any] = field(default_factory=dict)  # form fields, JSON body or query
    args: dict[str, str] = field(default_factory=dict)  # path parameter -> what in the world


# Keyed by route name (workspace and others) or by "METHOD /path" (the API's operations).
ROUTES: dict[str, Row] = {
    # --- no sign-in needed -------------------------------------------------------------------
    "healthz": Row("GET", ALL_200),
    "metrics": Row("GET", ALL_200),
    "api-v1:openapi-json": Row("GET", ALL_200),
    "api-v1:openapi-view": Row("GET", ALL_200),
    "api-v1:api-root": Row("GET", (404,) * 7),  # only there to build the API's URLs
    "workspace:sign-in": Row("GET", ALL_200),
    "workspace:sign-out": Row("POST", (SIGN_IN,) * 7),
    "workspace:password-forgot": Row("GET", ALL_200),
    "workspace:password-sent": Row("GET", ALL_200),
    "workspace:password-reset": Row("GET", (400,) * 7),  # with a link that is not valid
    # --- the workspace: every agent -------------------------------------------------------
    "workspace:inbox": Row("GET", AGENTS_200),
    "workspace:inbox-view": Row("GET", AGENTS_200, args={"view": "open"}),
    "workspace:search": Row("GET", AGENTS_200, data={"q": "Jane"}),
    "workspace:profile": Row("GET", AGENTS_200),
    # Changes what each agent may change: another team's ticket is reported, not changed.
    "workspace:bulk": Row(
        "POST", AGENTS_302, data={"ticket": "T", "do": "status", "status": "open"}
    ),
    # A view a supervisor shared: every agent sees it; only its owner or a manager deletes it.
    "workspace:saved-view": Row("GET", AGENTS_200, args={"pk": "shared_view"}),
    "workspace:saved-view-delete": Row(
        "POST", (302, 302, 403, 403, 403, SIGN_IN, SIGN_IN), args={"pk": "shared_view"}
    ),
    "workspace:saved-view-save": Row(
        "POST",
        (302, 302, 403, 403, 403, SIGN_IN, SIGN_IN),  # sharing: supervisors and admins
        data={"name": "Everyone's", "view": "open", "filters": "", "shared": "1"},
    ),
    # --- the workspace: ticket #T ---------------------------------------------------------
    "workspace:ticket": Row("GET", SEES_T_200),
    "workspace:presence": Row("POST", SEES_T_200),
    "workspace:message-html": Row("GET", SEES_T_200, args={"pk": "html_message"}),
    "workspace:attachment": Row("GET", SEES_T_200, args={"pk": "attachment"}),
    # A long message's whole text, and the email a message was made from.
    "workspace:message-text": Row("GET", SEES_T_200, args={"pk": "html_message"}),
    "workspace:message-original": Row("GET", SEES_T_200, args={"pk": "html_message"}),
    # An intake row's email, whichever ticket it went to: the intake log is the admins'.
    "workspace:intake-original": Row(
        "GET", (200, 404, 404, 404, 404, SIGN_IN, SIGN_IN), args={"pk": "intake"}
    ),
    "workspace:reply": Row("POST", SEES_T_302, data={"kind": "note", "text": "Seen."}),
    "workspace:draft": Row("POST", SEES_T_200, data={"kind": "reply", "text": "Dear Jane"}),
    "workspace:draft-discard": Row("POST", SEES_T_302),
    # The reply assistant's check of a draft: advice for whoever may reply to #T.
    "workspace:draft-check": Row("POST", SEES_T_200, data={"text": "Simply reinstall."}),
    "workspace:split": Row("POST", SEES_T_302, args={"pk": "second_message"}),
    # The composer's template picker: what each agent who may reply on #T is offered, and
    # Tina's personal template rendered for #T (hers, and the reviewers'; not Ada's to use).
    "workspace:templates": Row("GET", SEES_T_200, data={"q": "thanks"}),
    "workspace:template-preview": Row(
        "GET", (200, 200, 200, 404, 404, SIGN_IN, SIGN_IN), args={"pk": "personal_template"}
    ),
    "workspace:status": Row("POST", SEES_T_302, data={"status": "open"}),
    "workspace:priority": Row("POST", SEES_T_302, data={"priority": "high", "reason": "VIP"}),
    "workspace:assign": Row("POST", SEES_T_302, data={"agent": "tina@example.com"}),
    "workspace:properties": Row("POST", SEES_T_302, data={"team": "technical", "tags": "x"}),
    # Into #U, a Technical ticket assigned to nobody: the assigned Billing agent sees #T but
    # not #U, and merging into what they cannot see is a 404 like merging into nothing.
    "workspace:merge": Row("POST", (302, 302, 302, 404, 404, SIGN_IN, SIGN_IN), data={"into": "U"}),
    # --- the workspace: the site icon, notifications, customers ---------------------------
    "workspace:favicon": Row("GET", (301,) * 7),  # to the static SVG, signed in or not
    "workspace:notifications": Row("GET", AGENTS_200),  # each agent's own list
    "workspace:notifications-read-all": Row("POST", AGENTS_302),  # each their own
    # The in-team agent's notification: nobody else's, not even an admin's to mark read.
    "workspace:notification-read": Row(
        "POST", (404, 404, 302, 404, 404, SIGN_IN, SIGN_IN), args={"pk": "notification"}
    ),
    # #T's customer: seen by whoever sees one of their tickets; agents change the name.
    "workspace:customer": Row("GET", SEES_T_200, args={"pk": "customer"}),
    "workspace:customer-edit": Row(
        "POST", SEES_T_302, data={"name": "Jane Q. Doe"}, args={"pk": "customer"}
    ),
    # --- the workspace: saved replies ------------------------------------------------------
    # Each agent's list and new form; Tina's personal template is hers and the reviewers'
    # (404 to the others); approving her shared one in review is for supervisors and admins.
    "workspace:template-list": Row("GET", AGENTS_200, data={"sort": "-uses", "period": "all"}),
    "workspace:template-new": Row("GET", AGENTS_200),
    "workspace:template-create": Row(
        "POST",
        AGENTS_302,
        data={"name": "Mine", "scope": "personal", "language": "en", "body": "x"},
    ),
    "workspace:template-page": Row("GET", SEES_TINAS, args={"pk": "personal_template"}),
    "workspace:template-edit": Row(
        "POST", CHANGES_TINAS, data={"name": "Thanks!"}, args={"pk": "personal_template"}
    ),
    "workspace:template-variant": Row(
        "POST",
        CHANGES_TINAS,
        data={"language": "de", "body": "Danke"},
        args={"pk": "personal_template"},
    ),
    "workspace:template-state": Row(
        "POST",
        (302, 302, 403, 404, 404, SIGN_IN, SIGN_IN),
        data={"state": "approved"},
        args={"pk": "shared_in_review"},
    ),
    # --- the API --------------------------------------------------------------------------
    "GET /api/v1/tickets": Row("GET", API_AGENTS),
    "GET /api/v1/tickets/{ref}": Row("GET", API_SEES_T),
    "POST /api/v1/tickets/{ref}/replies": Row("POST", API_SEES_T_201, data={"text": "Hello"}),
    "POST /api/v1/tickets/{ref}/notes": Row("POST", API_SEES_T_201, data={"text": "Seen."}),
    "POST /api/v1/tickets/{ref}/status": Row("POST", API_SEES_T, data={"status": "open"}),
    "POST /api/v1/tickets/{ref}/priority": Row(
        "POST", API_SEES_T, data={"priority": "high", "reason": "VIP"}
    ),
    "POST /api/v1/tickets/{ref}/properties": Row("POST", API_SEES_T, data={"category": "X"}),
    "POST /api/v1/tickets/{ref}/assignee": Row(
        "POST", API_SEES_T, data={"agent": "tina@example.com"}
    ),
    "GET /api/v1/tickets/{ref}/messages/{id}/text": Row(
        "GET", API_SEES_T, args={"id": "html_message"}
    ),
    "GET /api/v1/tickets/{ref}/messages/{id}/original": Row(
        "GET", API_SEES_T, args={"id": "html_message"}
    ),
    "GET /api/v1/notifications": Row("GET", API_AGENTS),
    # The in-team agent's notification: nobody else's, not even an admin's to read.
    "POST /api/v1/notifications/{id}/read": Row("POST", (404, 404, 200, 404, 404, 401, 401)),
    "GET /api/v1/inbound": Row("GET", API_ADMINS),
    # A draft checked against #T (its customer's latest message and name): those who see #T.
    "POST /api/v1/drafts/check": Row("POST", API_SEES_T, data={"text": "Hi", "ticket": "T"}),
    "GET /api/v1/inbound/{intake_id}/raw": Row("GET", API_ADMINS),
}
# The Django admin is one family: admins use all of its pages (what they get on each is what
# its ModelAdmin's permissions say, checked below), supervisors the index and the glossary's
# pages (getting what the admin gets: the glossary's ModelAdmin gives both the same); everyone
# else is sent to sign in, except on the sign-in page (the workspace's form, or for agents
# signed in a 403 saying why) and signing out (sent to the index, which sends them on).
ADMIN_FOR_OTHERS: dict[str, Outcome] = {"admin:login": SIGN_IN, "admin:logout": 302}
SIGNED_IN_AGENTS = ("supervisor", "in_team", "other_team", "assigned")
SUPERVISOR_ADMIN_PAGES = ("admin:index", "admin:jsi18n")
SUPERVISOR_ADMIN_MODELS = (GlossaryTerm,)
ADMIN_PAGES: dict[str, Outcome] = {  # what the admin gets on the pages of no model
    "admin:index": 200,
    "admin:login": 302,  # signed in already: on to the index
    "admin:logout": 405,  # signing out is a POST
    "admin:password_change": 200,
    "admin:password_change_done": 200,
    "admin:autocomplete": 403,  # without the parameters of a field to complete
    "admin:jsi18n": 200,
    "admin:view_on_site": 404,  # no such content type
    "admin:app_list": 200,
    "admin/(?P<url>.*)$": 404,  # the catch-all, for an address that is no admin page
    "admin:system_emails_systememail_preview": 405,  # the system email editor's preview: POST
}
MODEL_PAGES = ("changelist", "add", "change", "history", "delete", "")


# --- the routes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # route name, "METHOD /path", or for the admin's unnamed ones the pattern
    pattern: str  # the URL pattern as configured


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[Route]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            found.append(Route(f"{namespace}{entry.name}" if entry.name else route, route))
    return found


def url_routes() -> list[Route]:
    return _walk(get_resolver().url_patterns)


def api_operations(client: Client) -> list[str]:
    document = json.loads(client.get("/api/v1/openapi.json").content)
    return [
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    ]


def _is_api_operation(route: Route) -> bool:
    return route.pattern.startswith("api/v1/") and not route.key.startswith(
        ("api-v1:openapi", "api-v1:api-root")
    )


def _as_openapi(pattern: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)


def test_every_route_has_a_row(client: Client) -> None:
    routes = url_routes()
    operations = api_operations(client)
    keys = [r.key for r in routes if not r.key.startswith("admin") and not _is_api_operation(r)]
    keys += operations
    missing = [key for key in keys if key not in ROUTES]
    assert not missing, f"no row in ROUTES for {missing}: add a row for it (who may use it?)"
    stale = [key for key in ROUTES if key not in keys]
    assert not stale, f"rows for routes that no longer exist: {stale}"
    # Every API URL is an operation of the document, so none can slip past the matrix.
    documented = {op.split(" ", 1)[1] for op in operations}
    for route in filter(_is_api_operation, routes):
        assert _as_openapi(route.pattern) in documented, f"{route.pattern} is not documented"
    unknown = [r.key for r in routes if r.key.startswith("admin") and _admin_page(r) is None]
    assert not unknown, f"admin routes the matrix does not know: {unknown}: add a row for them"
    for key, row in ROUTES.items():
        assert len(row.expected) == len(PRINCIPALS), key
        if not key.startswith(("healthz", "metrics")):
            assert row.expected[PRINCIPALS.index("customer")] == row.expected[-1], key


# --- the world -----------------------------------------------------------------------------


@pytest.fixture
def world(mailbox: Mailbox) -> dict[str, Any]:
    sue = agent_create(email="sue@example.com", name="Sue", role="supervisor")
    agents = {
        "admin": agent_create(email="root@example.com", name="Root", role="admin"),
        "supervisor": sue,
        "in_team": agent_create(
            email="tina@example.com", name="Tina", role="agent", team="Technical"
        ),
        "other_team": agent_create(
            email="bill@example.com", name="Bill", role="agent", team="Billing"
        ),
        "assigned": agent_create(email="ada@example.com", name="Ada", role="agent", team="Billing"),
    }
    technical = Team.objects.get(name="Technical")
    first = deliver(html_email(remote="https://tracker.example/p.gif"), mailbox)
    ticket = ticket_of(first)
    opening = ticket.messages.get(kind="customer")
    reply = raw_email(sender="Jane Doe <jane@example.net>", in_reply_to=opening.message_id)
    assert deliver(reply, mailbox).ticket_id == ticket.pk
    ticket_set_properties(ticket=ticket, actor=sue, team=technical)
    ticket_assign(ticket=ticket, agent=agents["assigned"], actor=sue)
    other = new_ticket(mailbox, sender="kim@example.org", subject="Also broken")
    ticket_set_properties(ticket=other, actor=sue, team=technical)
    shared = SavedView.objects.create(owner=sue, name="Urgent", filters="view=open", shared=True)
    personal = template_create(
        actor=agents["in_team"], name="My thanks", variants={"en": "Thanks, {{ customer.name }}"}
    )
    in_review = template_create(
        actor=agents["in_team"], name="Shipping", scope="shared", variants={"en": "Soon."}
    )
    template_move(actor=agents["in_team"], template=in_review, state="in_review")
    note = Notification.objects.create(
        agent=agents["in_team"], ticket=ticket, kind="sla_warning", text="due soon"
    )
    glossary_term_save(term=GlossaryTerm(term="WMS", plain="warehouse system"), actor=sue)
    return {
        "agents": agents,
        "tokens": {name: api_token_create(agent=agent) for name, agent in agents.items()},
        "T": ticket.pk,
        "U": other.pk,
        "technical": technical.pk,
        "html_message": opening.pk,
        "attachment": opening.attachments.get().pk,
        "second_message": ticket.messages.filter(kind="customer").latest("pk").pk,
        "shared_view": shared.pk,
        "notification": note.pk,
        "personal_template": personal.pk,
        "shared_in_review": in_review.pk,
        "intake": first.pk,
        "customer": ticket.customer_id,
    }


def _path(route: Route, row: Row, world: dict[str, Any]) -> str:
    names = {"ref": "T", "id": "notification", "intake_id": "intake", "uidb64": "x", "token": "y"}
    names.update(row.args)
    values = {name: world.get(what, what) for name, what in names.items()}
    if " " in route.key:  # an API operation: its OpenAPI path
        path = route.key.split(" ", 1)[1]
        return re.sub(r"{(\w+)}", lambda m: str(values[m.group(1)]), path)
    wanted = re.findall(r"<(?:\w+:)?(\w+)>", route.pattern)
    return reverse(route.key, kwargs={name: values[name] for name in wanted})


def _data(row: Row, world: dict[str, Any]) -> dict[str, Any]:
    references = {"T": world["T"], "U": world["U"], "technical": world["technical"]}
    return {k: str(references.get(v, v)) for k, v in row.data.items()}


def _outcome(response: Any) -> Outcome:
    if response.streaming:  # read to its end, which closes it the way the test client expects
        b"".join(response.streaming_content)
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/sign-in"):
            return SIGN_IN
        if location.startswith("/admin/login/"):
            return ADMIN_SIGN_IN
    return int(response.status_code)


def _request(
    principal: str, world: dict[str, Any], method: str, path: str, data: dict[str, Any]
) -> Outcome:
    """One request as `principal`, in a savepoint rolled back afterwards."""
    with transaction.atomic():
        client = Client()
        headers: dict[str, str] = {}
        agent = world["agents"].get(principal)
        if agent is not None and path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {world['tokens'][principal]}"
        elif agent is not None:
            client.force_login(agent)
        if method == "GET":
            response = client.get(path, data, headers=headers)
        elif path.startswith("/api/"):
            body = json.dumps(data)
            response = client.post(path, body, content_type="application/json", headers=headers)
        else:
            response = client.post(path, data)
        outcome = _outcome(response)
        transaction.set_rollback(True)
    return outcome


def _mismatches(found: list[tuple[str, str, Outcome, Outcome]]) -> str:
    return "\n".join(
        f"  {key} ({path}): expected {want}, got {got}" for key, path, want, got in found
    )


# --- workspace and API ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_workspace_and_api_answer_each_principal_as_the_table_says(
    principal: str, world: dict[str, Any]
) -> None:
    column = PRINCIPALS.index(principal)
    routes = [r for r in url_routes() if not r.key.startswith("admin") and not _is_api_operation(r)]
    routes += [Route(op, op) for op in api_operations(Client())]
    wrong = []
    for route in routes:
        row = ROUTES[route.key]
        path = _path(route, row, world)
        got = _request(principal, world, row.method, path, _data(row, world))
        if got != row.expected[column]:
            wrong.append((route.key, path, row.expected[column], got))
    assert not wrong, f"as {principal}:\n{_mismatches(wrong)}"


# --- the Django admin ----------------------------------------------------------------------


def _admin_page(route: Route) -> tuple[str, Any] | None:
    """What kind of admin page the route is, with its model for a model's page."""
    if route.key in ADMIN_PAGES:
        return route.key, None
    found = re.fullmatch(
        r"admin/(\w+)/(\w+)/(?:(add|<path:object_id>)/)?(?:(\w+)/)?", route.pattern
    )
    if found is None:
        return None
    from django.apps import apps

    app_label, model_name, add, page = found.groups()
    model = apps.get_model(app_label, model_name)
    kind = "add" if add == "add" else (page or ("" if add else "changelist"))
    if model not in admin.site._registry or kind not in MODEL_PAGES:
        return None
    return kind, model


def _admin_expectation(kind: str, model: Any, admin_agent: Agent) -> tuple[Outcome, str]:
    """What the admin gets on a model's page (from its ModelAdmin's permissions), and the
    object id to ask for (an existing row when there is one)."""
    row = model._default_manager.order_by("pk").first()
    request = RequestFactory().get("/admin/")
    request.user = admin_agent
    model_admin = admin.site._registry[model]
    object_id = str(row.pk) if row is not None else "999999"
    if kind == "changelist":
        return 200, object_id
    if kind == "add":
        return (200 if model_admin.has_add_permission(request) else 403), object_id
    if row is None or kind == "":  # a missing object: back to the index; bare id: to "change"
        return 302, object_id
    if kind == "delete":
        return (200 if model_admin.has_delete_permission(request, row) else 403), object_id
    return 200, object_id


def _admin_path(route: Route, object_id: str) -> str:
    if route.key == "admin:app_list":
        return "/admin/tickets/"
    if route.key == "admin:view_on_site":
        return "/admin/r/0/1/"
    if route.key == "admin/(?P<url>.*)$":
        return "/admin/no-such-page/"
    return "/" + route.pattern.replace("<path:object_id>", object_id)


@pytest.mark.django_db
@pytest.mark.parametrize("principal", PRINCIPALS)
def test_the_admin_is_for_admins_and_its_glossary_for_supervisors(
    principal: str, world: dict[str, Any]
) -> None:
    admin_agent = world["agents"]["admin"]
    wrong = []
    for route in (r for r in url_routes() if r.key.startswith("admin")):
        page = _admin_page(route)
        assert page is not None, f"{route.key}: add a row for it"
        kind, model = page
        if model is None:
            expected, object_id = ADMIN_PAGES[route.key], "1"
        else:
            expected, object_id = _admin_expectation(kind, model, admin_agent)
        opened_to_supervisors = (
            route.key in SUPERVISOR_ADMIN_PAGES
            if model is None
            else model in SUPERVISOR_ADMIN_MODELS
        )
        if principal != "admin" and not (principal == "supervisor" and opened_to_supervisors):
            expected = ADMIN_FOR_OTHERS.get(route.key, ADMIN_SIGN_IN)
            if route.key == "admin:login" and principal in SIGNED_IN_AGENTS:
                expected = 403  # signed in, not an admin: told so
        path = _admin_path(route, object_id)
        got = _request(principal, world, "GET", path, {})
        if got != expected:
            wrong.append((route.key, path, expected, got))
    assert not wrong, f"as {principal}:\n{_mismatches(wrong)}"


def test_records_are_read_only_in_the_admin() -> None:
    """The matrix's expectations for the admin come from the ModelAdmins: pin the records."""
    from caredesk.outbound.models import OutboundEmail
    from caredesk.tickets.models import Message, TicketEvent

    for model in (Ticket, Message, TicketEvent, OutboundEmail, InboundMessage):
        assert isinstance(admin.site._registry[model], RecordAdmin), model
