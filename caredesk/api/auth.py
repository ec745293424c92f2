from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from caredesk.access import Principal, principal_of
from caredesk.accounts.models import Agent
from caredesk.accounts.services import agent_for_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer TOKEN` with a token from `caredesk token create`."""

    def authenticate(self, request: HttpRequest, token: str) -> Agent | None:
        return agent_for_token(token)


def principal_of_request(request: HttpRequest) -> Principal:
    """Whom the access policy sees behind a request's token (set by TokenAuth)."""
    return principal_of(getattr(request, "auth", None))
