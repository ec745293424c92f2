from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from caredesk.accounts.models import Agent, ApiToken, Role, Team
from caredesk.core import clock
from caredesk.core.errors import InvalidRequest

TOKEN_PREFIX = "cd_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def agent_create(
    *,
    email: str,
    name: str,
    role: str = Role.AGENT,
    team: str | None = None,
    password: str | None = None,
) -> Agent:
    if role not in Role.values:
        raise InvalidRequest(f"role must be one of {', '.join(Role.values)}, not {role!r}")
    email = email.strip().lower()
    if Agent.objects.filter(email=email).exists():
        raise InvalidRequest(f"an agent with the address {email} already exists")
    agent = Agent.objects.create_user(
        email,
        password,
        name=name,
        role=role,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if team:
        agent.teams.add(Team.objects.get_or_create(name=team)[0])
    return agent


def api_token_create(*, agent: Agent) -> str:
    """Create a token for `agent` and return it; it cannot be read back later."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(agent=agent, digest=_digest(token), prefix=token[:10])
    return token


def agent_for_token(token: str) -> Agent | None:
    found = (
        ApiToken.objects.select_related("agent")
        .filter(digest=_digest(token), agent__is_active=True)
        .first()
    )
    if found is None:
        return None
    now = clock.now()
    # Recorded at most once a minute, so busy API clients do not write on every request.
    if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.agent


def agent_profile_update(
    *,
    agent: Agent,
    name: str,
    signature: str,
    language: str,
    time_zone: str,
    availability: str,
) -> Agent:
    """What an agent sets about themselves; refuses what would not work, saying why."""
    from zoneinfo import available_timezones

    name = name.strip()
    if not name:
        raise InvalidRequest("your name cannot be empty")
    if time_zone not in available_timezones():
        raise InvalidRequest(
            f"{time_zone!r} is not a time zone; choose one from the list, such as Europe/Berlin"
        )
    language = language.strip() or "en"
    if language not in dict(settings.LANGUAGES):
        raise InvalidRequest(
            f"{language!r} is not a language caredesk knows; choose one from the list, such as "
            "en (English) or de (German)"
        )
    if availability not in ("online", "away"):
        raise InvalidRequest("availability is online or away")
    agent.name = name[:200]
    agent.signature = signature.replace("\x00", "").strip()
    agent.language = language
    agent.time_zone = time_zone
    agent.availability = availability
    agent.save(update_fields=["name", "signature", "language", "time_zone", "availability"])
    return agent
