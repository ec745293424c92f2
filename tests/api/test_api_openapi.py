"""The OpenAPI document: public, valid, and describing what the endpoints really do."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from schemathesis.specs.openapi.definitions import OPENAPI_31

from tests.api.support import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(anonymous: Api) -> dict[str, Any]:
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_the_document_needs_no_token_and_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    errors = [e.message for e in jsonschema_rs.validator_for(OPENAPI_31).iter_errors(document)]
    assert errors == []


def test_the_document_lists_every_endpoint_behind_bearer_auth(document: dict[str, Any]) -> None:
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert operations == {
        ("GET", "/api/v1/tickets"),
        ("GET", "/api/v1/tickets/{ref}"),
        ("GET", "/api/v1/tickets/{ref}/messages/{id}/text"),
        ("GET", "/api/v1/tickets/{ref}/messages/{id}/original"),
        ("POST", "/api/v1/tickets/{ref}/replies"),
        ("POST", "/api/v1/tickets/{ref}/notes"),
        ("POST", "/api/v1/tickets/{ref}/status"),
        ("POST", "/api/v1/tickets/{ref}/priority"),
        ("POST", "/api/v1/tickets/{ref}/properties"),
        ("POST", "/api/v1/tickets/{ref}/assignee"),
        ("GET", "/api/v1/notifications"),
        ("POST", "/api/v1/notifications/{id}/read"),
        ("GET", "/api/v1/inbound"),
        ("GET", "/api/v1/inbound/{intake_id}/raw"),
        ("POST", "/api/v1/drafts/check"),
    }
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["security"] == [{"TokenAuth": []}]


def test_the_document_states_the_limits_it_enforces(document: dict[str, Any]) -> None:
    params = {p["name"]: p for p in document["paths"]["/api/v1/tickets"]["get"]["parameters"]}
    assert params["limit"]["schema"]["minimum"] == 1
    assert params["limit"]["schema"]["maximum"] == 200
    assert params["status"]["schema"]["anyOf"][0] == {"$ref": "#/components/schemas/Status"}
    assert document["components"]["schemas"]["Status"]["enum"] == [
        "new",
        "open",
        "pending",
        "on_hold",
        "solved",
        "closed",
    ]
    raw = document["paths"]["/api/v1/inbound/{intake_id}/raw"]["get"]["responses"]["200"]
    assert "message/rfc822" in raw["content"]


def test_the_interactive_docs_page_is_served(anonymous: Api) -> None:
    assert anonymous.get("/docs").status_code == 200
